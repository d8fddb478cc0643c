"""Models behave as Python values: they pickle (so ``multiprocessing`` and ``joblib`` can carry them),
copy, compare equal by their data and hash like it, as frozen values do."""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from typing import Any, Dict, List, Tuple

import pytest

import langdock
from langdock.testing import Emulator

from .conftest import PNG

PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)


def returned_models(client: langdock.Client) -> Dict[str, Any]:
    """One object of every kind the API returns, each from a real call; the integration has an auth
    field, an action whose input fields carry the server-made ``slug`` and ``order``, and a trigger."""
    ref = client.integrations.create(name="Weather", description="Forecasts")
    with_auth = client.integrations.update_auth(
        ref.id,
        auth_type="API_KEY",
        auth_fields=[langdock.AuthField(slug="apiKey", label="API key", type="PASSWORD", required=True)],
    )
    action = client.actions.create(
        ref.id,
        name="Forecast",
        code="return 1;",
        input_fields=[
            langdock.InputField(label="City", type="SELECT", options=[langdock.SelectOption(label="Berlin", value="b")])
        ],
    )
    trigger = client.triggers.create(ref.id, name="New alert", polling_code="return [];")
    icon = client.integrations.set_icon(ref.id, PNG)
    listed = client.integrations.list()
    summary = next(i for i in listed if i.id == ref.id)
    integration = client.integrations.get(ref.id)
    deleted = client.triggers.delete(ref.id, trigger.id)
    assert integration.auth_fields[0].id, "the server-made auth field id is part of what must survive"
    field = action.input_fields[0]
    assert field.slug and field.order is not None and field.options
    return {
        "IntegrationRef": ref,
        "Integration (auth update)": with_auth,
        "Integration": integration,
        "IntegrationList": listed,
        "IntegrationSummary": summary,
        "ActionSummary": summary.actions[0],
        "AuthField": integration.auth_fields[0],
        "Action": action,
        "InputField": field,
        "SelectOption": field.options[0],
        "Trigger": trigger,
        "Icon": icon,
        "Deleted": deleted,
    }


def request_models() -> Dict[str, Any]:
    """One object of every kind a caller builds, with an unknown property kept in ``extra``."""
    field = langdock.InputField(label="City", options=[langdock.SelectOption(label="x", value="y")], futureFlag=[1.5])
    return {
        "CreateIntegration": langdock.CreateIntegration(name="Weather", tier="gold"),
        "UpdateIntegration": langdock.UpdateIntegration(color="#336699"),
        "UpdateAuth": langdock.UpdateAuth(
            auth_type="OAUTH", oauth_client=langdock.OAuthClient(client_id="abc", client_secret="s3cret")
        ),
        "ActionInput": langdock.ActionInput(name="A", input_fields=[field], requires_confirmation=True),
        "TriggerInput": langdock.TriggerInput(name="T", polling_code="return [];", input_fields=[field]),
    }


def same_value(before: Any, after: Any) -> None:
    """`after` is `before` again: type, data, what the call took, and how it shows."""
    assert type(after) is type(before)
    assert after == before and hash(after) == hash(before)
    assert repr(after) == repr(before)
    for details in ("attempts", "request_id", "to_dict", "to_list"):
        if hasattr(before, details):
            shown, again = getattr(before, details), getattr(after, details)
            assert (shown() == again()) if callable(shown) else (shown == again), details


def test_every_model_the_api_returns_survives_pickle_with_every_protocol(client: langdock.Client) -> None:
    for kind, model in returned_models(client).items():
        for protocol in PROTOCOLS:
            restored = pickle.loads(pickle.dumps(model, protocol))
            try:
                same_value(model, restored)
            except AssertionError as error:
                raise AssertionError(f"{kind}, protocol {protocol}") from error


def test_returned_objects_keep_attempts_and_request_id_through_pickle(client: langdock.Client) -> None:
    created = client.integrations.create(name="Meta")
    restored = pickle.loads(pickle.dumps(created))
    assert restored.attempts == 1 and restored.request_id == created.request_id is not None


def test_models_you_build_survive_pickle_secrets_and_unknown_fields_included() -> None:
    for kind, model in request_models().items():
        for protocol in PROTOCOLS:
            restored = pickle.loads(pickle.dumps(model, protocol))
            assert restored == model and type(restored) is type(model), f"{kind}, protocol {protocol}"
    auth = pickle.loads(pickle.dumps(request_models()["UpdateAuth"]))
    assert auth.oauth_client is not None and auth.oauth_client.client_secret == "s3cret"
    action = pickle.loads(pickle.dumps(request_models()["ActionInput"]))
    assert action.input_fields is not None and action.input_fields[0].extra == {"futureFlag": [1.5]}


def test_copy_and_deepcopy_give_equal_independent_values(client: langdock.Client) -> None:
    models = {**returned_models(client), **request_models()}
    for kind, model in models.items():
        for copied in (copy.copy(model), copy.deepcopy(model)):
            try:
                same_value(model, copied)
            except AssertionError as error:
                raise AssertionError(kind) from error
    nested = copy.deepcopy({"batch": [models["Integration"], models["Action"]]})
    assert nested["batch"] == [models["Integration"], models["Action"]]


def test_models_compare_by_data_not_by_the_call(client: langdock.Client, integration_id: str) -> None:
    first = client.integrations.get(integration_id)
    second = client.integrations.get(integration_id)
    assert first.request_id != second.request_id
    assert first == second and hash(first) == hash(second)
    assert len({first, second}) == 1 and {first: "seen"}[second] == "seen"
    renamed = client.integrations.update(integration_id, name="Renamed")
    assert client.integrations.get(integration_id) != first
    assert renamed != client.integrations.create(name="Renamed"), "another id is another integration"
    assert first != first.to_dict(), "a model equals models, not their dicts"


def test_equal_models_hash_equal_however_they_were_built() -> None:
    snake = langdock.InputField(label="City", allow_multi_select=True, a=1, b={"x": 0.0, "y": [True]})
    camel = langdock.InputField(b={"y": [True], "x": -0.0}, a=1, allowMultiSelect=True, label="City")
    assert snake == camel and hash(snake) == hash(camel)
    assert len({snake, camel, langdock.InputField(label="Town")}) == 2


def test_the_integration_list_compares_and_hashes_by_its_items(client: langdock.Client) -> None:
    first, second = client.integrations.list(), client.integrations.list()
    assert first == second and hash(first) == hash(second)
    client.integrations.create(name="One more")
    assert client.integrations.list() != first


def test_a_corrupted_pickle_is_a_value_error_not_a_crash() -> None:
    restore, state = langdock.Trigger(id="t", name="n").__reduce__()
    with pytest.raises(ValueError, match="not a pickled Trigger"):
        restore('{"id": 5}', *state[1:])
    with pytest.raises(ValueError, match="not a pickled Trigger"):
        restore("not json", *state[1:])


def test_a_pickle_with_fields_this_version_does_not_know_keeps_them_in_extra() -> None:
    restore, state = langdock.Trigger(id="t", name="n").__reduce__()
    newer = restore('{"id": "t", "name": "n", "schedule": "hourly"}', *state[1:])
    assert (newer.id, newer.extra) == ("t", {"schedule": "hourly"})


def fetch_in_worker(job: Tuple[str, str, langdock.IntegrationSummary]) -> Tuple[langdock.IntegrationSummary, Any]:
    """Runs in a worker process: gets the integration the summary names, with a client of its own."""
    base_url, api_key, summary = job
    with langdock.Client(api_key=api_key, base_url=base_url) as client:
        return summary, client.integrations.get(summary.id)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_integrations_go_to_worker_processes_and_come_back(
    emulator: Emulator, client: langdock.Client, method: str
) -> None:
    for name in ("Weather", "Tides", "Pollen"):
        created = client.integrations.create(name=name)
        client.actions.create(created.id, name="Read", code="return 1;")
    summaries = list(client.integrations.list())
    jobs = [(emulator.base_url, emulator.api_key, summary) for summary in summaries]
    with multiprocessing.get_context(method).Pool(2) as pool:
        # A bound wait: a worker that cannot start fails the test instead of hanging it.
        results: List[Tuple[langdock.IntegrationSummary, Any]] = pool.map_async(fetch_in_worker, jobs).get(timeout=300)
    assert [sent for sent, _ in results] == summaries
    for summary, integration in results:
        assert isinstance(integration, langdock.Integration)
        assert integration == client.integrations.get(summary.id)
        assert integration.attempts == 1 and integration.request_id
    assert {integration.name for _, integration in results} >= {"Weather", "Tides", "Pollen"}
