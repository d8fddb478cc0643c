"""The bounded schemathesis run of `make schemathesis`: property-based requests against the emulator, every
answer checked against tests/openapi.yaml.

Run under the emulator (`langdock-emulator -- python tests/schemathesis/run.py`), which sets LANGDOCK_BASE_URL and
LANGDOCK_API_KEY. It first makes a fixture over plain HTTP (an integration with an action and a trigger) and
finds a Langdock-built integration, so that most generated requests name things that exist and reach the
emulator's validation and handlers instead of stopping at 404; the rest keep schemathesis' own ids.

Checks: no 5xx, every status documented, every content type documented, every body valid against its schema.
Extra arguments go to `schemathesis run` (e.g. `--max-examples 200`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any, Dict, List

OPENAPI = Path(__file__).resolve().parents[1] / "openapi.yaml"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
#: How often a path id is one that exists (the fixture's, or a Langdock-built integration's).
KNOWN_ID_PROBABILITY = 0.8


def call(base_url: str, key: str, method: str, path: str, body: Any = None) -> Dict[str, Any]:
    """One API request over plain HTTP (no proxy), answering the parsed JSON body."""
    request = urllib.request.Request(
        f"{base_url.rstrip('/')}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"authorization": f"Bearer {key}", "content-type": "application/json"},
        method=method,
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as answer:
        parsed: Dict[str, Any] = json.loads(answer.read())
        return parsed


def fixture(base_url: str, key: str) -> Dict[str, List[str]]:
    """Ids that exist: the fixture's integration, action and trigger, and a Langdock-built integration."""
    created = call(base_url, key, "POST", "/integrations/v1/create", {"name": "Schemathesis fixture"})
    integration = created["integration"]["id"]
    action = call(
        base_url,
        key,
        "POST",
        f"/integrations/v1/{integration}/actions/create",
        {"name": "Existing", "code": "return 1;", "inputFields": [{"label": "City", "type": "TEXT"}]},
    )["action"]["id"]
    trigger = call(
        base_url,
        key,
        "POST",
        f"/integrations/v1/{integration}/triggers/create",
        {"name": "Existing trigger", "pollingCode": "return [];"},
    )["trigger"]["id"]
    doomed_action = call(
        base_url, key, "POST", f"/integrations/v1/{integration}/actions/create", {"name": "Doomed", "code": "return 1;"}
    )["action"]["id"]
    doomed_trigger = call(
        base_url,
        key,
        "POST",
        f"/integrations/v1/{integration}/triggers/create",
        {"name": "Doomed trigger", "pollingCode": "return [];"},
    )["trigger"]["id"]
    listed = call(base_url, key, "GET", "/integrations/v1/get")["integrations"]
    builtin = next(summary["id"] for summary in listed if summary.get("buildByLangdock"))
    return {
        "integrations": [integration, builtin],
        "actions": [action],
        "triggers": [trigger],
        "doomed_actions": [doomed_action],
        "doomed_triggers": [doomed_trigger],
    }


def config(ids: Dict[str, List[str]]) -> str:
    """A schemathesis.toml binding the path ids to the known ones, most of the time. The deletes get ids of
    their own, so that deleting does not leave the updates only 404s."""

    def binding(parameter: str, dictionary: str) -> str:
        return f'"path.{parameter}" = {{ dictionary = "{dictionary}", probability = {KNOWN_ID_PROBABILITY} }}'

    lines = []
    for name, values in ids.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    lines += ["[parameters]", binding("integrationId", "integrations")]
    lines += [binding("actionId", "actions"), binding("triggerId", "triggers"), ""]
    for operation, parameter, dictionary in (
        ("delete_action", "actionId", "doomed_actions"),
        ("delete_trigger", "triggerId", "doomed_triggers"),
    ):
        lines += ["[[operations]]", f'include-operation-id = "{operation}"', "[operations.parameters]"]
        lines += [binding("integrationId", "integrations"), binding(parameter, dictionary), ""]
    return "\n".join(lines)


def main() -> int:
    base_url, key = os.environ.get("LANGDOCK_BASE_URL"), os.environ.get("LANGDOCK_API_KEY")
    if not base_url or not key:
        print("LANGDOCK_BASE_URL, LANGDOCK_API_KEY: run it under langdock-emulator --", file=sys.stderr)
        return 2
    ids = fixture(base_url, key)
    schemathesis = shutil.which("schemathesis", path=os.path.dirname(sys.executable)) or "schemathesis"
    with tempfile.TemporaryDirectory() as scratch:
        settings = Path(scratch) / "schemathesis.toml"
        settings.write_text(config(ids), encoding="utf-8")
        command = [
            schemathesis,
            "--config-file",
            str(settings),
            "run",
            str(OPENAPI),
            "--url",
            base_url,
            "--header",
            f"Authorization: Bearer {key}",
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "50",
            "--seed",
            "42",
            # One worker: CPython 3.11 before 3.11.8 can fail hypothesis' ast.parse in threads
            # ("AST constructor recursion depth mismatch").
            "--workers",
            "1",
            "--report-dir",
            str(Path(scratch) / "report"),
            *sys.argv[1:],
        ]
        # Run in the scratch folder, so that schemathesis' cache (.schemathesis/) stays out of the work tree.
        return subprocess.run(command, check=False, cwd=scratch).returncode


if __name__ == "__main__":
    sys.exit(main())
