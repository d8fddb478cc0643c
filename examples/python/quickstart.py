"""The quick-start: one custom integration from nothing to a working setup, then cleaned up.

Run it against the emulator with ``make demo``, or against your workspace with
``LANGDOCK_API_KEY=sk-ld-... python examples/python/quickstart.py``.
"""

from __future__ import annotations

import langdock


def main() -> None:
    client = langdock.Client()  # LANGDOCK_API_KEY, LANGDOCK_BASE_URL
    print(f"[python] talking to {client.base_url}")

    integration = client.integrations.create(name="Weather", description="Forecasts for agents")
    print(f"[python] created integration {integration.name} ({integration.id})")
    integration_id = integration.id

    with_auth = client.integrations.update_auth(
        integration_id,
        auth_type="API_KEY",
        auth_fields=[langdock.AuthField(slug="apiKey", label="API key", type="PASSWORD", required=True)],
        auth_test_code="return ld.request({ url: 'https://api.example.com/ping' });",
    )
    print(f"[python] auth is {with_auth.auth_type} with {len(with_auth.auth_fields)} field(s)")

    action = client.actions.create(
        integration_id,
        name="Get forecast",
        description="Forecast for a city",
        code="return ld.request({ url: `https://api.example.com/forecast?city=${data.input.city}` });",
        input_fields=[
            langdock.InputField(label="City", type="TEXT", required=True),
            {"label": "Days", "type": "NUMBER"},
        ],
    )
    inputs = ", ".join(f.slug or "?" for f in action.input_fields)
    print(f"[python] added action {action.name!r} (slug {action.slug}, inputs: {inputs})")

    trigger = client.triggers.create(integration_id, name="Storm warning", polling_code="return [];")
    print(f"[python] added trigger {trigger.name!r} (slug {trigger.slug})")

    updated = client.integrations.update(integration_id, description="Forecasts and storm warnings")
    print(f"[python] updated description: {updated.description!r}")

    integrations = client.integrations.list()
    print(f"[python] the workspace has {len(integrations)} integration(s):")
    for item in integrations:
        origin = "Langdock" if item.built_by_langdock else "custom"
        print(f"[python]   {item.name:<24} {origin:<8} {len(item.actions)} action(s)")

    full = client.integrations.get(integration_id)
    print(f"[python] {full.name} has {len(full.actions)} action(s) and {len(full.triggers)} trigger(s)")

    deleted = client.actions.delete(integration_id, action.id)
    print(f"[python] {deleted.message}: {deleted.id}")
    deleted = client.triggers.delete(integration_id, trigger.id)
    print(f"[python] {deleted.message}: {deleted.id}")
    after = client.integrations.get(integration_id)
    print(f"[python] done: {len(after.actions)} action(s), {len(after.triggers)} trigger(s) left")


if __name__ == "__main__":
    try:
        main()
    except langdock.LangdockError as error:
        raise SystemExit(f"[python] {type(error).__name__}: {error} (request {error.request_id}, {error.attempts} attempt(s))")
