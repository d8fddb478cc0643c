"""The core's tracing events in Python's logging, under the logger "langdock"; LANGDOCK_LOG."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from typing import Iterator

import pytest

import langdock
from langdock.testing import Emulator


@pytest.fixture
def debug_level() -> Iterator[None]:
    before = langdock.log_level()
    langdock.set_log_level("debug")
    yield
    langdock.set_log_level(before)
    logging.getLogger("langdock").setLevel(logging.NOTSET)


def test_events_reach_the_langdock_logger(
    debug_level: None, client: langdock.Client, emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="langdock")
    emulator.inject("list_integrations", status=503)
    client.integrations.list()
    records = [r for r in caplog.records if r.name == "langdock"]
    sending = [r for r in records if r.getMessage().startswith("sending")]
    assert len(sending) == 2
    assert sending[0].levelno == logging.DEBUG
    assert getattr(sending[0], "langdock")["op"] == "list_integrations"
    assert any(r.levelno == logging.INFO for r in records), "the retry wait is logged at info"
    assert all(emulator.api_key not in r.getMessage() for r in records)


def test_the_level_filters_events(client: langdock.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="langdock")
    langdock.set_log_level("warn")
    client.integrations.list()
    assert [r for r in caplog.records if r.name == "langdock"] == []
    with pytest.raises(ValueError):
        langdock.set_log_level("loud")


SCRIPT = """
import langdock
from langdock.testing import Emulator
with Emulator() as emulator:
    emulator.client().integrations.list()
print("level", langdock.log_level())
"""


def run_with(level: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LANGDOCK_LOG=level)
    return subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)


def test_langdock_log_env_turns_debug_output_on() -> None:
    result = run_with("debug")
    assert result.returncode == 0, result.stderr
    assert "level debug" in result.stdout
    assert "langdock DEBUG sending" in result.stderr


def test_langdock_log_off_is_silent() -> None:
    result = run_with("off")
    assert result.returncode == 0, result.stderr
    assert "level off" in result.stdout
    assert result.stderr == ""
