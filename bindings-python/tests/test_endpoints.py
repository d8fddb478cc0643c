"""Every endpoint through the blocking client, against the emulator over real HTTP; requests as
keyword arguments, typed objects and plain dicts."""

from __future__ import annotations

import os

import langdock
from langdock.testing import Emulator

from .conftest import PNG


def test_list_returns_a_sequence_with_call_metadata(client: langdock.Client) -> None:
    integrations = client.integrations.list()
    assert len(integrations) == 2
    assert all(i.built_by_langdock for i in integrations)
    assert integrations[0] == list(integrations)[0]
    assert integrations[-1].name == integrations[1].name
    assert [i.id for i in integrations[0:1]] == [integrations[0].id]
    assert integrations.attempts == 1
    assert integrations.request_id
    assert integrations.to_list()[0]["name"] == integrations[0].name


def test_create_get_update_an_integration(client: langdock.Client) -> None:
    created = client.integrations.create(name="Weather", description="Forecasts")
    assert (created.name, created.description) == ("Weather", "Forecasts")
    assert created.created_at and created.attempts == 1
    fetched = client.integrations.get(created.id)
    assert (fetched.id, fetched.auth_type, fetched.actions, fetched.triggers) == (created.id, "NONE", [], [])
    updated = client.integrations.update(created.id, description="Forecasts and warnings", color="#336699")
    assert updated.description == "Forecasts and warnings"
    assert updated.name == "Weather"


def test_requests_take_typed_objects_dicts_and_keywords_alike(client: langdock.Client) -> None:
    typed = client.integrations.create(langdock.CreateIntegration(name="Typed"))
    plain = client.integrations.create({"name": "Plain", "description": "from a dict"})
    merged = client.integrations.create({"name": "Old"}, name="New")
    assert (typed.name, plain.description, merged.name) == ("Typed", "from a dict", "New")
    renamed = client.integrations.update(typed.id, langdock.UpdateIntegration(name="Renamed"))
    assert renamed.name == "Renamed"


def test_update_auth_sets_type_fields_and_oauth_client(client: langdock.Client, integration_id: str) -> None:
    with_key = client.integrations.update_auth(
        integration_id,
        auth_type="API_KEY",
        auth_fields=[langdock.AuthField(slug="apiKey", label="API key", type="PASSWORD", required=True)],
        auth_test_code="return ld.request({ url: 'https://api.example.com/ping' });",
    )
    assert with_key.auth_type == "API_KEY"
    assert [(f.slug, f.type, f.required) for f in with_key.auth_fields] == [("apiKey", "PASSWORD", True)]
    oauth = client.integrations.update_auth(
        integration_id,
        {
            "auth_type": "OAUTH",
            "oauth_client": {"client_id": "abc", "client_secret": "s3cret", "scopes": "read"},
        },
    )
    assert oauth.auth_type == "OAUTH"
    assert oauth.oauth_client is not None and oauth.oauth_client.client_id == "abc"
    assert oauth.oauth_client.client_secret is None, "the server never returns the secret"


def test_icon_is_none_until_uploaded(client: langdock.Client, integration_id: str, tmp_path: "os.PathLike[str]") -> None:
    assert client.integrations.icon(integration_id).icon_url is None
    uploaded = client.integrations.set_icon(integration_id, PNG)
    assert uploaded.icon_url and uploaded.icon_url.endswith(".png")
    assert client.integrations.icon(integration_id).icon_url == uploaded.icon_url


def test_icon_uploads_from_a_path(client: langdock.Client, integration_id: str, tmp_path: "os.PathLike[str]") -> None:
    path = os.path.join(os.fspath(tmp_path), "icon.png")
    with open(path, "wb") as file:
        file.write(PNG)
    assert client.integrations.set_icon(integration_id, path).icon_url


def test_actions_create_update_delete(client: langdock.Client, integration_id: str, emulator: Emulator) -> None:
    action = client.actions.create(
        integration_id,
        name="Get forecast",
        description="Forecast for a city",
        code="return ld.request({ url: `https://api.example.com/forecast?city=${data.input.city}` });",
        input_fields=[
            langdock.InputField(label="City", type="TEXT", required=True),
            {"label": "Days", "type": "NUMBER"},
            langdock.InputField(
                label="Units",
                type="SELECT",
                options=[langdock.SelectOption(label="Metric", value="metric"), {"label": "US", "value": "us"}],
            ),
        ],
    )
    assert action.slug == "get_forecast"
    assert [f.slug for f in action.input_fields] == ["city", "days", "units"]
    options = action.input_fields[2].options
    assert options is not None and [o.value for o in options] == ["metric", "us"]
    sent = emulator.journal("create_action")[0].body
    assert sent["inputFields"][0] == {"label": "City", "type": "TEXT", "required": True}, "sent in camelCase"

    updated = client.actions.update(integration_id, action.id, langdock.ActionInput(name="Forecast", code="return 2;"))
    assert (updated.name, updated.slug, updated.code, updated.input_fields) == ("Forecast", "get_forecast", "return 2;", [])

    deleted = client.actions.delete(integration_id, action.id)
    assert (deleted.message, deleted.id, deleted.already_deleted) == ("Action deleted", action.id, False)
    assert client.integrations.get(integration_id).actions == []


def test_triggers_create_update_delete(client: langdock.Client, integration_id: str) -> None:
    trigger = client.triggers.create(
        integration_id,
        name="Storm warning",
        polling_code="return [];",
        input_fields=[{"label": "Region", "type": "TEXT"}],
    )
    assert trigger.slug and trigger.name == "Storm warning"
    updated = client.triggers.update(
        integration_id, trigger.id, langdock.TriggerInput(name="Storm alert", polling_code="return [];")
    )
    assert updated.name == "Storm alert"
    assert [t.id for t in client.integrations.get(integration_id).triggers] == [trigger.id]
    deleted = client.triggers.delete(integration_id, trigger.id)
    assert deleted.message == "Trigger deleted"
    assert client.integrations.get(integration_id).triggers == []


def test_with_options_and_per_call_options_reach_the_core(client: langdock.Client, emulator: Emulator) -> None:
    emulator.inject("list_integrations", status=503, times=5)
    patient = client.with_options(max_retries=5)
    assert patient.integrations.list().attempts == 6
    emulator.inject("list_integrations", status=503, times=1)
    assert client.integrations.list(max_retries=1, timeout=5.0, deadline=10.0).attempts == 2
    assert patient.base_url == client.base_url
    assert client.retry_budget <= 500
    assert client.paced_rate is None


def test_a_closed_client_refuses_calls(emulator: Emulator) -> None:
    with emulator.client() as client:
        client.integrations.list()
    try:
        client.integrations.list()
    except RuntimeError as error:
        assert "closed" in str(error)
    else:
        raise AssertionError("expected RuntimeError")


def test_deployment_urls_get_the_public_api_path() -> None:
    assert langdock.deployment_base_url("https://ld.acme.com/") == "https://ld.acme.com/api/public"
    client = langdock.Client(api_key="sk-ld-very-secret", deployment_url="https://ld.acme.com")
    assert client.base_url == "https://ld.acme.com/api/public"
    assert "very-secret" not in repr(client)
