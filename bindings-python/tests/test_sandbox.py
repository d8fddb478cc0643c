"""langdock.sandbox: integration code run locally, through the same engine as `langdock run`. The HTTP server
here is a Python thread: a run that held the GIL while waiting for it would never get its answer."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from langdock import sandbox


class Api(BaseHTTPRequestHandler):
    """A small weather API: GET /forecast needs a bearer token; POST /notes echoes its JSON body."""

    seen: List[Dict[str, Any]] = []

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        Api.seen.append({"method": "GET", "path": self.path, "auth": self.headers.get("Authorization")})
        if self.headers.get("Authorization") != "Bearer k-123":
            self._answer(401, {"error": "unauthorized"})
            return
        self._answer(200, {"city": "Berlin", "days": [{"t": 3}]})

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Api.seen.append({"method": "POST", "type": self.headers.get("Content-Type"), "body": body})
        self._answer(201, {"created": body})

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def api() -> Iterator[str]:
    Api.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


FORECAST = """
const response = await ld.request({
  url: `${data.input.base}/forecast`,
  params: { city: data.input.city },
  headers: { Authorization: `Bearer ${data.auth.apiKey}` },
});
ld.log('status', response.status);
if (response.status !== 200) throw new Error(`API returned status ${response.status}`);
return response.json;
"""


def test_an_action_calls_a_local_api_and_returns_its_json_with_logs_and_requests(api: str) -> None:
    run = sandbox.run(FORECAST, input={"base": api, "city": "Berlin"}, auth={"apiKey": "k-123"})
    assert run.result == {"city": "Berlin", "days": [{"t": 3}]}
    assert run.logs == ["status 200"]
    assert [(r.method, r.status) for r in run.requests] == [("GET", 200)]
    assert run.requests[0].url.endswith("/forecast?city=Berlin")
    assert Api.seen[0]["auth"] == "Bearer k-123"
    assert run.violations == []


def test_a_post_with_an_object_body_is_sent_as_json(api: str) -> None:
    code = "const r = await ld.request({ method: 'POST', url: data.input.url, body: { n: 1 } }); return r.json;"
    run = sandbox.run(code, input={"url": f"{api}/notes"})
    assert run.result == {"created": {"n": 1}}
    assert Api.seen == [{"method": "POST", "type": "application/json", "body": {"n": 1}}]


def test_code_that_throws_raises_code_error_with_the_line_and_what_it_did(api: str) -> None:
    with pytest.raises(sandbox.CodeError) as caught:
        sandbox.run(FORECAST, input={"base": api, "city": "Berlin"}, auth={"apiKey": "wrong"}, file_name="forecast.js")
    error = caught.value
    assert error.kind == "thrown"
    assert "API returned status 401" in str(error)
    assert (error.file, error.line) == ("forecast.js", 8)
    assert error.logs == ["status 401"]
    assert [r.status for r in error.requests] == [401]


def test_a_syntax_error_names_file_line_and_column() -> None:
    with pytest.raises(sandbox.CodeError) as caught:
        sandbox.run("const a = 1;\nreturn a +;\n", file_name="broken.js")
    assert caught.value.kind == "syntax"
    assert (caught.value.file, caught.value.line) == ("broken.js", 2)
    assert str(caught.value).startswith("broken.js:2:")


def test_an_endless_loop_is_stopped_at_the_time_limit() -> None:
    with pytest.raises(sandbox.CodeError) as caught:
        sandbox.run("while (true) {}", time_limit=0.3)
    assert caught.value.kind == "timeout"


def test_allocating_past_the_memory_limit_fails_cleanly() -> None:
    code = "const all = []; while (true) all.push(new Array(100000).fill('x'));"
    with pytest.raises(sandbox.CodeError) as caught:
        sandbox.run(code, memory_limit_mb=16, time_limit=60)
    assert caught.value.kind == "memory"
    # The sandbox is still usable afterwards.
    assert sandbox.run("return 1;").result == 1


@pytest.mark.parametrize("name", ["eval", "require", "process"])
def test_eval_require_and_process_are_unavailable(name: str) -> None:
    assert sandbox.run(f"return typeof {name};").result == "undefined"
    with pytest.raises(sandbox.CodeError):
        sandbox.run(f"return {name}('1');" if name != "process" else "return process.env;")


def test_a_trigger_result_without_ids_is_reported_as_violations_not_raised() -> None:
    run = sandbox.run("return [{ data: {} }];", kind="trigger", last_poll_time="2026-01-01T00:00:00Z")
    assert run.result == [{"data": {}}]
    assert run.violations, "events need an id and a timestamp"


def test_record_then_replay_offline_gives_the_same_result(api: str, tmp_path: Path) -> None:
    cassette = tmp_path / "forecast.json"
    inputs = {"base": api, "city": "Berlin"}
    live = sandbox.run(FORECAST, input=inputs, auth={"apiKey": "k-123"}, record=cassette)
    assert "k-123" not in cassette.read_text(), "secrets are redacted"
    Api.seen = []
    replayed = sandbox.run(FORECAST, input=inputs, auth={"apiKey": "k-123"}, replay=cassette)
    assert replayed.result == live.result
    assert Api.seen == [], "nothing was sent"
    with pytest.raises(sandbox.CodeError) as caught:
        sandbox.run(FORECAST, input={"base": api, "city": "Paris"}, auth={"apiKey": "k-123"}, replay=cassette)
    assert caught.value.kind == "replay_miss"


def test_record_and_replay_together_are_refused() -> None:
    with pytest.raises(ValueError):
        sandbox.run("return 1;", record="a.json", replay="b.json")


@pytest.mark.asyncio
async def test_run_async_lets_the_event_loop_serve_while_code_waits(api: str) -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    run = await sandbox.run_async("await ld.wait(50); return data.input.x;", input={"x": 7})
    ticker.cancel()
    assert run.result == 7
    assert ticks > 1, "the loop ran while the code waited"
