"""Typical user code, checked by `mypy --strict` (see make.mk) and run as a test: the stubs must let
type checkers follow every call and attribute."""

from __future__ import annotations

import asyncio
from typing import List, Optional

import langdock
from langdock.testing import Emulator, JournalEntry


def describe(integration: langdock.Integration) -> str:
    fields: List[str] = [f.slug for f in integration.auth_fields]
    actions: List[Optional[str]] = [a.slug for a in integration.actions]
    return f"{integration.name} {integration.auth_type} {fields} {actions} {integration.attempts}"


def sync_flow(client: langdock.Client) -> str:
    created: langdock.IntegrationRef = client.integrations.create(name="Typed")
    client.integrations.update_auth(
        created.id, langdock.UpdateAuth(auth_type="API_KEY", auth_fields=[{"slug": "k", "label": "K"}])
    )
    action: langdock.Action = client.actions.create(
        created.id,
        name="Typed action",
        input_fields=[langdock.InputField(label="City", type="TEXT", required=True)],
        timeout=10.0,
        max_retries=1,
    )
    order: Optional[int] = action.input_fields[0].order
    assert order == 0
    trigger: langdock.Trigger = client.triggers.create(created.id, langdock.TriggerInput(name="T"))
    deleted: langdock.Deleted = client.triggers.delete(created.id, trigger.id)
    assert deleted.already_deleted is False
    icon: Optional[str] = client.integrations.icon(created.id).icon_url
    assert icon is None
    listed: langdock.IntegrationList = client.integrations.list()
    first: langdock.IntegrationSummary = listed[0]
    some: List[langdock.IntegrationSummary] = listed[:1]
    assert first == some[0]
    return describe(client.integrations.get(created.id))


async def async_flow(client: langdock.AsyncClient) -> int:
    created = await client.integrations.create({"name": "Typed async"})
    full: langdock.Integration = await client.integrations.get(created.id)
    return len(full.actions) + (await client.integrations.list()).attempts


def handle(error: langdock.LangdockError) -> Optional[float]:
    if isinstance(error, langdock.RateLimitError):
        return error.retry_after
    if isinstance(error, langdock.ValidationError):
        return float(len([v.path for v in error.violations]))
    return None


def test_typed_usage() -> None:
    with Emulator() as emulator:
        with emulator.client() as client:
            assert sync_flow(client).startswith("Typed API_KEY ['k'] ['typed_action'] 1")
        assert asyncio.run(async_flow(emulator.async_client())) == 1
        journal: List[JournalEntry] = emulator.journal()
        assert journal[0].operation == "create_integration"
    assert handle(langdock.RateLimitError("x", retry_after=1.5)) == 1.5
