"""langdock.testing.Emulator, the in-process emulator users test their own code with."""

from __future__ import annotations

import os

import pytest

import langdock
from langdock.testing import OPERATIONS, Emulator


def test_it_serves_on_a_free_loopback_port_and_stops() -> None:
    with Emulator() as first, Emulator() as second:
        assert first.base_url.startswith("http://127.0.0.1:")
        assert first.base_url != second.base_url
        assert first.api_key == "sk-ld-emulator-local"
    with pytest.raises(RuntimeError):
        first.journal()
    first.stop()  # idempotent


def test_faults_are_listed_until_used_and_can_be_cleared(emulator: Emulator, client: langdock.Client) -> None:
    emulator.inject("create_action", status=503, headers={"Retry-After": "1"}, times=2)
    emulator.inject(status=500, method="DELETE", latency_ms=5)
    faults = emulator.faults()
    assert [f["operation"] for f in faults] == ["create_action", "*"]
    assert faults[0]["times"] == 2 and faults[0]["headers"] == {"Retry-After": "1"}
    emulator.clear_faults()
    assert emulator.faults() == []
    with pytest.raises(ValueError):
        emulator.inject("no_such_operation", status=500)


def test_journal_reset_and_clear(emulator: Emulator, client: langdock.Client) -> None:
    created = client.integrations.create(name="Kept until reset")
    entry = emulator.journal()[0]
    assert (entry.seq, entry.method, entry.operation, entry.status, entry.applied) == (
        1,
        "POST",
        "create_integration",
        201,
        True,
    )
    assert entry.body == {"name": "Kept until reset"}
    emulator.clear_journal()
    assert emulator.journal() == []
    emulator.reset()
    with pytest.raises(langdock.NotFoundError):
        client.integrations.get(created.id)
    assert set(OPERATIONS) >= {e.operation for e in emulator.journal() if e.operation}


def test_keys_and_rate_limit() -> None:
    with Emulator(keys=["sk-ld-mine", "sk-ld-reader:ASSISTANT_API"], rate_limit=1, seed=False) as emulator:
        assert emulator.api_key == "sk-ld-mine"
        client = emulator.client(max_retries=0)
        assert len(client.integrations.list()) == 0, "no seed data"
        with pytest.raises(langdock.RateLimitError) as error:
            client.integrations.list()
        assert error.value.retry_after is not None
        emulator.set_rate_limit(None)
        client.integrations.list()
        with pytest.raises(langdock.AuthenticationError):
            langdock.Client(api_key="sk-ld-emulator-local", base_url=emulator.base_url).integrations.list()


def test_state_file_survives_a_restart(tmp_path: "os.PathLike[str]") -> None:
    path = os.path.join(os.fspath(tmp_path), "state.json")
    with Emulator(state_file=path) as emulator:
        created = emulator.client().integrations.create(name="Persistent")
    with Emulator(state_file=path) as emulator:
        assert emulator.client().integrations.get(created.id).name == "Persistent"
