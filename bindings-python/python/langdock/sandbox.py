"""Run Langdock integration code (an action's ``code``, a trigger's ``pollingCode``, auth code) locally, in
the same embedded sandbox as ``langdock run``, so that you can test it with pytest.

>>> from langdock import sandbox
>>> run = sandbox.run("return { city: data.input.city, n: 2 * data.input.n };", input={"city": "Berlin", "n": 2})
>>> run.result
{'city': 'Berlin', 'n': 4}

The code is the body of an async function, as on the platform: ``data.input``, ``data.auth``, ``ld.request``,
``ld.log`` and the other ``ld`` utilities are there; ``require``, ``eval`` and ``process`` are not.

Code that does not parse, throws, or breaks the time or memory limit raises :class:`CodeError` (what a test
wants: the test fails with the message and ``file:line:column``, or ``pytest.raises(CodeError)`` checks the
failure). A result the platform would refuse (e.g. trigger events without ``id``) does not raise: it is listed in
:attr:`Run.violations`, next to the result, so a test can assert on both.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Mapping, Optional, Union

from . import _native

__all__ = ["run", "run_async", "Run", "Request", "CodeWarning", "CodeError", "Kind"]

Kind = Literal["action", "trigger", "auth"]
"""What the code is: an action's code, a trigger's polling code, or authentication code."""


@dataclass(frozen=True)
class Request:
    """One ``ld.request`` the code made (auth values redacted from the URL)."""

    method: str
    """The HTTP method."""
    url: str
    """The URL with its query, auth values redacted."""
    status: Optional[int]
    """The response status; ``None`` when no response came (connection error, timeout, replay miss)."""
    duration_ms: int
    """Milliseconds until the response or the failure."""


@dataclass(frozen=True)
class CodeWarning:
    """A name the platform probably lacks (e.g. ``fetch``), with the documented equivalent, at line:column."""

    message: str
    """What was found and what to use instead."""
    line: int
    """1-based line in the code."""
    column: int
    """1-based column in the code."""


@dataclass(frozen=True)
class Run:
    """What a run that returned produced."""

    result: Any
    """The returned value, as JSON data (bytes as base64 strings, as in a file's ``base64``)."""
    logs: List[str] = field(default_factory=list)
    """``ld.log`` lines, in order."""
    requests: List[Request] = field(default_factory=list)
    """Every ``ld.request``, in order."""
    warnings: List[CodeWarning] = field(default_factory=list)
    """Names the platform probably lacks."""
    violations: List[str] = field(default_factory=list)
    """Ways the result breaks what the platform expects of this kind of code (empty when it is fine)."""


class CodeError(Exception):
    """The code did not parse, threw, broke a limit, or (replay) made a request the cassette lacks.

    ``kind`` is ``syntax``, ``thrown``, ``timeout``, ``memory``, ``unsupported``, ``replay_miss`` or
    ``invalid_spec``; ``file``, ``line`` and ``column`` locate it in the user's code when known; ``logs`` and
    ``requests`` are what the code did before it failed.

    >>> try:
    ...     run("while (true) {}", time_limit=0.2)
    ... except CodeError as error:
    ...     print(error.kind)
    timeout

    Attributes:
        message: What happened, without the location.
        kind: What kind of failure it is (see above).
        file: The code's file name, when the failure has a location.
        line: 1-based line, when known.
        column: 1-based column, when known.
        logs: ``ld.log`` lines before the failure.
        requests: ``ld.request`` calls before the failure.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        file: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        logs: Optional[List[str]] = None,
        requests: Optional[List[Request]] = None,
    ) -> None:
        where = f"{file}:{line}:{column}: " if file and line and column else ""
        super().__init__(f"{where}{message}")
        self.message = message
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.logs = logs or []
        self.requests = requests or []


PathLike = Union[str, "os.PathLike[str]"]


def _spec(
    code: str,
    input: Optional[Mapping[str, Any]],
    auth: Optional[Mapping[str, Any]],
    kind: Kind,
    env: Optional[Mapping[str, str]],
    last_poll_time: Optional[str],
    file_name: Optional[str],
    time_limit: Optional[float],
    memory_limit_mb: Optional[int],
    record: Optional[PathLike],
    replay: Optional[PathLike],
) -> str:
    """The engine's run spec as JSON; what the caller leaves out is left to the engine's defaults."""
    if record is not None and replay is not None:
        raise ValueError("give record or replay, not both")
    spec: Dict[str, Any] = {"code": code, "kind": kind, "input": dict(input or {}), "auth": dict(auth or {})}
    if env is not None:
        spec["env"] = dict(env)
    if last_poll_time is not None:
        spec["lastPollTime"] = last_poll_time
    if file_name is not None:
        spec["fileName"] = file_name
    if time_limit is not None:
        spec["timeLimitSeconds"] = time_limit
    if memory_limit_mb is not None:
        spec["memoryLimitMb"] = memory_limit_mb
    if record is not None:
        spec["http"] = {"mode": "record", "cassette": os.fspath(record)}
    elif replay is not None:
        spec["http"] = {"mode": "replay", "cassette": os.fspath(replay)}
    return json.dumps(spec)


def _outcome(text: str) -> Run:
    """A returned run, or the :class:`CodeError` of a failed one."""
    outcome = json.loads(text)
    logs = [line["message"] for line in outcome.get("logs", [])]
    requests = [
        Request(method=r["method"], url=r["url"], status=r.get("status"), duration_ms=r["durationMs"])
        for r in outcome.get("requests", [])
    ]
    if not outcome.get("ok"):
        error = outcome.get("error") or {}
        raise CodeError(
            error.get("message", "the run failed"),
            kind=error.get("kind", "thrown"),
            file=error.get("file"),
            line=error.get("line"),
            column=error.get("column"),
            logs=logs,
            requests=requests,
        )
    return Run(
        result=outcome.get("result"),
        logs=logs,
        requests=requests,
        warnings=[CodeWarning(w["message"], w["line"], w["column"]) for w in outcome.get("warnings", [])],
        violations=list(outcome.get("violations", [])),
    )


def run(
    code: str,
    *,
    input: Optional[Mapping[str, Any]] = None,
    auth: Optional[Mapping[str, Any]] = None,
    kind: Kind = "action",
    env: Optional[Mapping[str, str]] = None,
    last_poll_time: Optional[str] = None,
    file_name: Optional[str] = None,
    time_limit: Optional[float] = None,
    memory_limit_mb: Optional[int] = None,
    record: Optional[PathLike] = None,
    replay: Optional[PathLike] = None,
) -> Run:
    """Runs ``code`` in the local sandbox and returns what it returned, with its logs and requests.

    ``input`` and ``auth`` become ``data.input`` and ``data.auth``; ``env`` is ``env`` of OAuth code;
    ``last_poll_time`` is a trigger's ``lastPollTime``. ``time_limit`` (seconds) and ``memory_limit_mb`` default
    to the platform's 120 s and 128 MB. ``record`` writes every ``ld.request`` to a cassette (secrets redacted);
    ``replay`` answers them from one, offline. ``file_name`` names the code in error locations.

    The GIL is released while the code runs. Raises :class:`CodeError` when the code does not return.

    >>> run("ld.log('hi'); return 1 + 1;").logs
    ['hi']
    """
    spec = _spec(code, input, auth, kind, env, last_poll_time, file_name, time_limit, memory_limit_mb, record, replay)
    return _outcome(_native.sandbox_run(spec))


async def run_async(
    code: str,
    *,
    input: Optional[Mapping[str, Any]] = None,
    auth: Optional[Mapping[str, Any]] = None,
    kind: Kind = "action",
    env: Optional[Mapping[str, str]] = None,
    last_poll_time: Optional[str] = None,
    file_name: Optional[str] = None,
    time_limit: Optional[float] = None,
    memory_limit_mb: Optional[int] = None,
    record: Optional[PathLike] = None,
    replay: Optional[PathLike] = None,
) -> Run:
    """:func:`run` for asyncio: the event loop keeps running while the code runs."""
    spec = _spec(code, input, auth, kind, env, last_poll_time, file_name, time_limit, memory_limit_mb, record, replay)
    return _outcome(await _native.sandbox_run_async(spec))
