"""The Python runner of the shared settings table (tests/settings/cases.json): each case's arguments given to
``langdock.Client(...)`` as keyword arguments, with exactly the case's ``LANGDOCK_*`` environment (restored after
the case, so nothing leaks), and ``client.settings`` or the raised error compared with the table, as the Rust and
Node runners compare theirs."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Dict, List

import pytest

import langdock

TABLE = Path(__file__).resolve().parents[2] / "tests" / "settings" / "cases.json"
CASES: List[Dict[str, Any]] = json.loads(TABLE.read_text(encoding="utf-8"))["cases"]
UA = f"langdock-python/{langdock.__version__}"
NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _argument(name: str, value: Any) -> Any:
    """A table value as a Python user gives it: the non-finite names as floats, a backoff as a tuple."""
    if isinstance(value, str) and value in NON_FINITE and name != "api_key":
        return NON_FINITE[value]
    if isinstance(value, list):
        return tuple(_argument(name, item) for item in value)
    return value


def _matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and all(key in actual and _matches(value, actual[key]) for key, value in expected.items())
            and (not expected) == (not actual)
        )
    if isinstance(expected, str):
        return bool(expected.replace("{ua}", UA) == actual)
    return bool(expected == actual)


def test_the_table_has_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30
    assert len({case["name"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_settings_case_gives_the_tables_outcome(case: Dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in [name for name in os.environ if name.startswith("LANGDOCK_")]:
        monkeypatch.delenv(name)
    for name, value in case["env"].items():
        monkeypatch.setenv(name, value)
    arguments = {name: _argument(name, value) for name, value in case["args"].items()}
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(langdock.LangdockError) as raised:
            langdock.Client(**arguments)
        assert type(raised.value).__name__ == expect["error"]["class"]
        assert str(raised.value) == expect["error"]["message"]
    else:
        with langdock.Client(**arguments) as client:
            described = client.settings
        assert _matches(expect["settings"], described), described


def test_the_async_client_describes_the_same_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGDOCK_MAX_RETRIES", "4")
    sync = langdock.Client(api_key="sk-ld-test", user_agent_suffix="app/1")
    described = langdock.AsyncClient(api_key="sk-ld-test", user_agent_suffix="app/1").settings
    assert described == sync.settings
    assert described["max_retries"] == 4 and described["user_agent"] == f"{UA} app/1"


def test_with_options_shows_in_the_description() -> None:
    client = langdock.Client(api_key="sk-ld-test").with_options(timeout=2.5, max_retries=1)
    assert client.settings["timeout"] == 2.5 and client.settings["max_retries"] == 1


def test_a_negative_per_call_timeout_is_a_configuration_error(client: langdock.Client) -> None:
    with pytest.raises(langdock.ConfigurationError, match="timeout must be a finite, positive duration"):
        client.integrations.list(timeout=-1)


def test_the_key_never_shows_in_the_description() -> None:
    described = json.dumps(langdock.Client(api_key="sk-ld-very-secret").settings)
    assert "very-secret" not in described and "redacted" in described
