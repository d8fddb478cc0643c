"""Models: snake_case attributes, readable repr without secrets, equality, to_dict, and what a newer
server sends (unknown fields and enum values) kept reachable."""

from __future__ import annotations

import json

import pytest

import langdock
from langdock.testing import Emulator


def test_constructors_take_snake_and_camel_case_and_keep_unknown_names() -> None:
    field = langdock.InputField(label="City", type="SELECT", allow_multi_select=True, futureFlag=1)
    assert (field.label, field.type, field.allow_multi_select, field.required) == ("City", "SELECT", True, False)
    assert field.extra == {"futureFlag": 1}
    same = langdock.InputField(label="City", type="SELECT", allowMultiSelect=True, futureFlag=1)
    assert field == same
    assert field != langdock.InputField(label="Town")
    deleted = langdock.Deleted(message="Action deleted", id="x", already_deleted=True)
    assert deleted.already_deleted and deleted.extra == {}


def test_to_dict_round_trips_through_the_constructor() -> None:
    action = langdock.ActionInput(
        name="A",
        input_fields=[langdock.InputField(label="City", options=[langdock.SelectOption(label="x", value="y")])],
    )
    plain = action.to_dict()
    assert plain["input_fields"][0]["options"] == [{"label": "x", "value": "y"}]
    assert langdock.ActionInput(**plain) == action
    json.dumps(plain)


def test_repr_is_readable_and_hides_secrets() -> None:
    oauth = langdock.OAuthClient(client_id="abc", client_secret="s3cret-value")
    shown = repr(oauth)
    assert "abc" in shown and "s3cret-value" not in shown and "redacted" in shown
    auth = langdock.UpdateAuth(auth_type="OAUTH", oauth_client=oauth)
    assert "s3cret-value" not in repr(auth)
    assert oauth.client_secret == "s3cret-value", "the value itself stays readable"
    assert repr(langdock.Trigger(id="t", name="n")) == "Trigger(id='t', name='n')"


def test_responses_compare_by_data(client: langdock.Client, integration_id: str) -> None:
    first = client.integrations.get(integration_id)
    second = client.integrations.get(integration_id)
    assert first == second and first.request_id != second.request_id
    assert client.integrations.list() == client.integrations.list()


def test_unknown_fields_and_enum_values_from_a_newer_server(client: langdock.Client, emulator: Emulator) -> None:
    body = {
        "integration": {
            "id": "i-1",
            "name": "Future",
            "authType": "MAGIC_LINK",
            "rating": 5,
            "actions": [
                {"id": "a-1", "name": "Act", "inputFields": [{"label": "Colour", "type": "COLOR", "hue": 120}]}
            ],
        }
    }
    emulator.inject("get_integration", body=json.dumps(body))
    integration = client.integrations.get("00000000-0000-4000-8000-000000000001")
    assert integration.auth_type == "MAGIC_LINK"
    assert integration.extra == {"rating": 5}
    field = integration.actions[0].input_fields[0]
    assert (field.type, field.extra) == ("COLOR", {"hue": 120})
    assert integration.to_dict()["rating"] == 5
    assert "rating=5" in repr(integration) or "'rating': 5" in repr(integration)


def test_returned_objects_carry_attempts_and_request_id(client: langdock.Client, emulator: Emulator) -> None:
    created = client.integrations.create(name="Meta")
    entry = emulator.journal("create_integration")[0]
    assert created.request_id == entry.request_id
    assert created.attempts == 1
    assert langdock.IntegrationRef(id="x").attempts == 0, "objects you build carry no call"


def test_models_are_immutable() -> None:
    trigger = langdock.Trigger(id="t", name="n")
    with pytest.raises(AttributeError):
        trigger.name = "other"  # type: ignore[misc]


def test_a_large_list_iterates_indexes_and_converts_item_by_item(client: langdock.Client, emulator: Emulator) -> None:
    items = [
        {"id": f"i-{n}", "name": f"int-{n}", "description": "d" * 60, "authType": "NONE", "buildByLangdock": False,
         "actions": [{"id": f"a-{n}", "name": "Act", "future": n}], "rank": n}
        for n in range(2000)
    ]
    emulator.inject("list_integrations", body=json.dumps({"integrations": items}))
    listed = client.integrations.list()
    assert len(listed) == 2000
    iterator = iter(listed)
    assert next(iterator) == listed[0] and next(iterator) == listed[-2000 + 1]
    assert iterator.__length_hint__() == 1998  # type: ignore[attr-defined]
    rest = list(iterator)
    assert [i.id for i in rest] == [f"i-{n}" for n in range(2, 2000)]
    assert list(iterator) == [], "an exhausted iterator stays exhausted"
    assert [i.name for i in listed] == [i["name"] for i in items], "each iteration starts over"
    assert listed[1999].extra == {"rank": 1999} and listed[5].actions[0].extra == {"future": 5}
    assert [i.id for i in listed[10:4:-3]] == ["i-10", "i-7"]
    plain = listed.to_list()
    assert plain[7] == listed[7].to_dict()
    assert plain[7]["actions"] == [{"id": "a-7", "name": "Act", "description": None, "future": 7}]
    assert (plain[7]["rank"], plain[7]["built_by_langdock"], plain[7]["auth_type"]) == (7, False, "NONE")
    assert listed == list(listed) and listed != list(listed)[:-1]
