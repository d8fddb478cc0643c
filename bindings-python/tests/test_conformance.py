"""The Python runner of the shared conformance scenarios in tests/conformance/ (see its README): one test
per scenario file, each made through the public API (``langdock.Client``, ``client.integrations.get(...)``,
...) against one in-process emulator, and checked exactly as the Rust runner (core/tests/conformance.rs)
checks it. The scenarios of the ``endpoints`` area run through ``langdock.AsyncClient`` as well."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Union

import pytest

import langdock
from langdock.testing import Emulator

from .conformance_dispatch import call, call_async

SCENARIOS = Path(__file__).resolve().parents[2] / "tests" / "conformance" / "scenarios"
UNKNOWN_ID = "0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a11"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
#: The fastest backoff the surface allows, in seconds: 1 ms doubling to 5 ms, so retries take milliseconds.
BACKOFF = (0.001, 0.005)
#: Attribute names whose API spelling is not their plain camelCase.
API_NAMES = {"built_by_langdock": "buildByLangdock"}

FILES = sorted(SCENARIOS.glob("*.json"))
assert len(FILES) >= 60, f"the conformance suite has {len(FILES)} scenarios in {SCENARIOS}"

Client = Union[langdock.Client, langdock.AsyncClient]


def load(file: Path) -> Dict[str, Any]:
    scenario: Dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    return scenario


def params(area: Optional[str] = None) -> List[Any]:
    """The scenario files (of one area, when given) as pytest parameters, skipped where the data says so."""
    chosen = []
    for file in FILES:
        scenario = load(file)
        if area is not None and scenario.get("area") != area:
            continue
        reason = scenario.get("skip", {}).get("python")
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        chosen.append(pytest.param(file, id=file.stem, marks=marks))
    return chosen


@dataclass(frozen=True)
class Ids:
    integration: str
    action: str
    trigger: str
    builtin: str


def expand(value: Any, ids: Ids) -> Any:
    """Expands ``$repeat`` strings and the fixture's ids."""
    if isinstance(value, str):
        named = {
            "$integration": ids.integration,
            "$action": ids.action,
            "$trigger": ids.trigger,
            "$builtin": ids.builtin,
            "$unknown": UNKNOWN_ID,
        }
        return named.get(value, value)
    if isinstance(value, list):
        return [expand(item, ids) for item in value]
    if isinstance(value, dict):
        if "$repeat" in value:
            return str(value["$repeat"]) * int(value.get("times", 0))
        return {key: expand(item, ids) for key, item in value.items()}
    return value


def camel(name: str) -> str:
    if name in API_NAMES:
        return API_NAMES[name]
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def api_json(value: Any) -> Any:
    """A returned object as the API's JSON: camelCase names, unknown fields as they came (``extra``)."""
    if isinstance(value, langdock.IntegrationList):
        return [api_json(item) for item in value]
    if isinstance(value, list):
        return [api_json(item) for item in value]
    if hasattr(value, "to_dict") and hasattr(value, "extra"):
        extra: Dict[str, Any] = value.extra
        shown: Dict[str, Any] = {}
        for key, plain in value.to_dict().items():
            if key in extra:
                shown[key] = plain
            else:
                shown[camel(key)] = api_json(getattr(value, key))
        return shown
    return value


def matches(expected: Any, actual: Any, where: str, present: bool = True) -> None:
    """Whether ``actual`` matches ``expected`` as the README defines it; fails naming the first difference."""
    shown = json.dumps(actual) if present else "nothing"
    if expected is None and actual is None:
        return
    if expected == "$string" and isinstance(actual, str):
        return
    if expected == "$uuid" and isinstance(actual, str):
        assert UUID.match(actual), f"{where}: {actual!r} is not a UUID"
        return
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, item in expected.items():
            matches(item, actual.get(key), f"{where}.{key}", key in actual)
        return
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (want, got) in enumerate(zip(expected, actual)):
            matches(want, got, f"{where}[{index}]")
        return
    scalar = (str, int, float, bool)
    if isinstance(expected, scalar) and isinstance(actual, scalar):
        # JSON numbers compare as numbers; a bool is never a number here.
        if isinstance(expected, bool) == isinstance(actual, bool) and expected == actual:
            return
    raise AssertionError(f"{where}: expected {json.dumps(expected)}, got {shown}")


def absent(value: Any, dotted: str) -> bool:
    """Whether the dotted path names nothing (or null) in ``value``."""
    current = value
    for key in dotted.split("."):
        if not isinstance(current, dict) or key not in current:
            return True
        current = current[key]
    return current is None


def fixture(emulator: Emulator) -> Ids:
    """The fixture, made with a plain client: integration ``Fixture``, its action and trigger, a built-in's id."""
    with emulator.client(no_proxy=True) as client:
        integration = client.integrations.create(name="Fixture", description="Conformance fixture").id
        action = client.actions.create(
            integration, name="Existing", code="return 1;", input_fields=[{"label": "City", "type": "TEXT"}]
        )
        trigger = client.triggers.create(integration, name="Existing trigger", polling_code="return [];")
        builtin = next(summary for summary in client.integrations.list() if summary.built_by_langdock)
        return Ids(integration, action.id, trigger.id, builtin.id)


def client_options(emulator: Emulator, options: Mapping[str, Any]) -> Dict[str, Any]:
    """The scenario's client settings: absent keys keep the defaults (the emulator's key, 2 retries, validation on)."""
    settings: Dict[str, Any] = {
        "api_key": options.get("apiKey", emulator.api_key),
        "base_url": emulator.base_url,
        "no_proxy": True,
        "backoff": BACKOFF,
    }
    if "maxRetries" in options:
        settings["max_retries"] = options["maxRetries"]
    if "timeoutMs" in options:
        settings["timeout"] = options["timeoutMs"] / 1000
    if "deadlineMs" in options:
        settings["deadline"] = options["deadlineMs"] / 1000
    if "validation" in options:
        settings["validation"] = options["validation"]
    return settings


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def queue_faults(emulator: Emulator, faults: List[Dict[str, Any]]) -> None:
    """Queues the scenario's faults (the control API's JSON) through ``Emulator.inject``."""
    for fault in faults:
        settings = {snake(key): value for key, value in fault.items()}
        emulator.inject(settings.pop("operation", "*"), **settings)


@dataclass
class Outcome:
    value: Any = None
    attempts: int = 0
    error: Optional[BaseException] = None


def outcome_of(client: Client, spec: Mapping[str, Any]) -> Outcome:
    try:
        if isinstance(client, langdock.AsyncClient):
            answer = asyncio.run(call_async(client, spec))
        else:
            answer = call(client, spec)
    except Exception as error:  # noqa: BLE001 - a foreign exception fails the check below, by name
        return Outcome(error=error)
    return Outcome(value=api_json(answer), attempts=answer.attempts)


def check_error(expected: Mapping[str, Any], error: BaseException) -> None:
    """Checks the README's error fields (``retryAfter`` in seconds, as the Python errors carry it)."""
    described = f"{type(error).__name__}: {error}"
    assert isinstance(error, langdock.LangdockError), f"expected {expected['class']}, got a foreign {described}"
    assert type(error).__name__ == expected["class"], f"expected {expected['class']}, got {described}"
    if "status" in expected:
        assert error.status == expected["status"], f"expected status {expected['status']}, got {error.status}"
    if isinstance(expected.get("retryAfter"), (int, float)):
        want = expected["retryAfter"]
        assert error.retry_after == want, f"expected retryAfter {want} s, got {error.retry_after}"
    if isinstance(expected.get("maybeCreated"), bool):
        want = expected["maybeCreated"]
        assert error.maybe_created is want, f"expected maybe_created {want}, got {error.maybe_created}"
    if "violations" in expected:
        paths = [violation.path for violation in error.violations]
        assert paths == expected["violations"], f"expected violations {expected['violations']}, got {paths}"
    if isinstance(expected.get("messageContains"), str):
        assert expected["messageContains"] in error.message, (
            f"expected the message to contain {expected['messageContains']!r}: {described}"
        )
    if isinstance(expected.get("messageExcludes"), str):
        assert expected["messageExcludes"] not in error.message, (
            f"expected the message not to contain {expected['messageExcludes']!r}: {described}"
        )


def run(emulator: Emulator, scenario: Mapping[str, Any], asynchronous: bool = False) -> None:
    emulator.reset()
    emulator.set_rate_limit(None)
    for key in scenario.get("setup", {}).get("keys", []):
        emulator.add_key(key["key"], key.get("scopes"))
    emulator.clear_journal()
    ids = fixture(emulator)
    emulator.clear_journal()
    queue_faults(emulator, scenario.get("faults", []))
    settings = client_options(emulator, scenario.get("client", {}))
    client: Client = langdock.AsyncClient(**settings) if asynchronous else langdock.Client(**settings)
    spec = expand(scenario["call"], ids)
    outcome = Outcome()
    for _ in range(int(scenario.get("repeat", 1))):
        outcome = outcome_of(client, spec)

    expect = expand(scenario["expect"], ids)
    if "ok" in expect and "error" not in expect:
        if outcome.error is not None:
            error = outcome.error
            raise AssertionError(f"expected success, got {type(error).__name__}: {error}") from error
        matches(expect["ok"], outcome.value, "result")
        for dotted in expect.get("absent", []):
            assert absent(outcome.value, dotted), f"{dotted} should be absent: {json.dumps(outcome.value)}"
        attempts = outcome.attempts
    else:
        assert outcome.error is not None, f"expected an error, got {json.dumps(outcome.value)}"
        check_error(expect["error"], outcome.error)
        attempts = getattr(outcome.error, "attempts", -1)
    if "attempts" in expect:
        assert attempts == expect["attempts"], f"expected {expect['attempts']} attempts, got {attempts}"
    if "journal" in scenario:
        seen = [{"operation": entry.operation, "status": entry.status} for entry in emulator.journal()]
        assert seen == scenario["journal"], f"the journal: expected {scenario['journal']}, got {seen}"


@pytest.fixture(scope="module")
def shared_emulator() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.mark.parametrize("file", params())
def test_scenario(shared_emulator: Emulator, file: Path) -> None:
    run(shared_emulator, load(file))


@pytest.mark.parametrize("file", params(area="endpoints"))
def test_scenario_through_the_async_client(shared_emulator: Emulator, file: Path) -> None:
    run(shared_emulator, load(file), asynchronous=True)
