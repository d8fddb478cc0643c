"""A script that exits right after gathering many async calls exits cleanly.

A runtime thread still handing a result to the finished event loop used to take the GIL while the
interpreter shut down, which aborted the process (SIGABRT) in about one run in five.
"""

from __future__ import annotations

import os
import subprocess
import sys

from langdock.testing import Emulator

SCRIPT = """
import asyncio, langdock
async def main() -> None:
    client = langdock.AsyncClient(no_proxy=True)
    for _ in range(3):
        await asyncio.gather(*(client.integrations.list() for _ in range(64)))
asyncio.run(main())
"""


def test_an_asyncio_script_exits_cleanly_right_after_its_calls(emulator: Emulator) -> None:
    env = dict(os.environ, LANGDOCK_BASE_URL=emulator.base_url, LANGDOCK_API_KEY=emulator.api_key)
    codes = [subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True).returncode for _ in range(12)]
    assert codes == [0] * 12, f"exit codes {codes} (-6 is an abort)"
