"""Retries as Python sees them: attempts on answers and errors, the journal of what was sent, creates
never duplicated, deletes that already happened, per-call options."""

from __future__ import annotations

import langdock
from langdock.testing import Emulator


def test_a_retried_list_reports_its_attempts(client: langdock.Client, emulator: Emulator) -> None:
    emulator.inject("list_integrations", status=503, times=2)
    integrations = client.integrations.list()
    assert integrations.attempts == 3
    assert [e.status for e in emulator.journal("list_integrations")] == [503, 503, 200]


def test_retry_after_is_honoured_and_seen(client: langdock.Client, emulator: Emulator) -> None:
    emulator.inject("get_integration", status=429, headers={"Retry-After": "0"})
    integration_id = client.integrations.list()[0].id
    assert client.integrations.get(integration_id).attempts == 2


def test_an_action_create_is_not_duplicated_after_a_reset_connection(
    client: langdock.Client, emulator: Emulator, integration_id: str
) -> None:
    emulator.inject("create_action", drop="after_body")
    action = client.actions.create(integration_id, name="Once", code="return 1;")
    assert action.name == "Once"
    assert action.attempts >= 2
    assert [a.name for a in client.integrations.get(integration_id).actions] == ["Once"]
    assert [e.applied for e in emulator.journal("create_action")] == [True, False]


def test_a_trigger_create_is_not_duplicated_either(client: langdock.Client, emulator: Emulator, integration_id: str) -> None:
    emulator.inject("create_trigger", drop="after_body")
    trigger = client.triggers.create(integration_id, name="Once", polling_code="return [];")
    assert [t.id for t in client.integrations.get(integration_id).triggers] == [trigger.id]


def test_a_retried_delete_that_meets_404_succeeded(client: langdock.Client, emulator: Emulator, integration_id: str) -> None:
    action = client.actions.create(integration_id, name="Doomed")
    emulator.inject("delete_action", drop="after_body")
    deleted = client.actions.delete(integration_id, action.id)
    assert deleted.already_deleted is True
    assert deleted.attempts == 2


def test_an_integration_create_is_retried_when_it_provably_did_not_happen(
    client: langdock.Client, emulator: Emulator
) -> None:
    emulator.inject("create_integration", status=503, headers={"Retry-After": "0"})
    created = client.integrations.create(name="Safe")
    assert created.attempts == 2
    assert [i.name for i in client.integrations.list() if not i.built_by_langdock] == ["Safe"]


def test_per_call_max_retries_zero_fails_on_the_first_answer(client: langdock.Client, emulator: Emulator) -> None:
    emulator.inject("list_integrations", status=503)
    try:
        client.integrations.list(max_retries=0)
    except langdock.InternalServerError as error:
        assert error.attempts == 1 and error.status == 503
    else:
        raise AssertionError("expected InternalServerError")
