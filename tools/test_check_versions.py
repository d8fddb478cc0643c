"""The version check fails when any one released version differs from the workspace's, and names the place.

Each test copies the version-bearing files of this repository into a temporary tree, changes one version there,
and runs the check on the copy. Run with ``python3 -m unittest discover -s tools -p 'test_*.py'``.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from typing import Any, Callable

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SCRIPT = os.path.join(ROOT, "tools", "check_versions.py")
# Every file the check reads; bindings-node/npm/*/package.json may not exist yet.
FILES = ["Cargo.toml", "bindings-python/pyproject.toml", "bindings-node/package.json",
         "bindings-node/package-lock.json"]


class VersionCheck(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="check-versions-")
        self.addCleanup(shutil.rmtree, self.tmp)
        members = glob.glob(os.path.join(ROOT, "*", "Cargo.toml"))
        platform = glob.glob(os.path.join(ROOT, "bindings-node", "npm", "*", "package.json"))
        for path in [os.path.join(ROOT, f) for f in FILES] + members + platform:
            if os.path.exists(path):
                target = os.path.join(self.tmp, os.path.relpath(path, ROOT))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy(path, target)
        self.version = self.run_check().stdout.split()[-1]

    def run_check(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, SCRIPT, "--root", self.tmp, *args],
                              capture_output=True, text=True, check=False)

    def assert_fails_naming(self, place: str, *args: str) -> None:
        result = self.run_check(*args)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(place, result.stderr)

    def edit_json(self, rel: str, edit: Callable[[dict[str, Any]], object]) -> None:
        path = os.path.join(self.tmp, rel)
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        edit(data)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)

    def add_platform_package(self, name: str, version: str) -> None:
        os.makedirs(os.path.join(self.tmp, "bindings-node", "npm", "test-platform"), exist_ok=True)
        with open(os.path.join(self.tmp, "bindings-node", "npm", "test-platform", "package.json"), "w") as f:
            json.dump({"name": name, "version": version}, f)

    def test_the_repository_as_it_is_passes(self) -> None:
        result = self.run_check()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(self.version, r"^\d+\.\d+\.\d+")

    def test_a_crate_with_its_own_version_fails(self) -> None:
        path = os.path.join(self.tmp, "core", "Cargo.toml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("version.workspace = true", 'version = "9.9.9"', 1))
        self.assert_fails_naming("core/Cargo.toml")

    def test_a_bumped_workspace_version_alone_fails_on_the_npm_package(self) -> None:
        path = os.path.join(self.tmp, "Cargo.toml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(re.sub(r'(?m)^version = ".*"$', 'version = "9.9.9"', text, count=1))
        self.assert_fails_naming("bindings-node/package.json")

    def test_a_static_python_version_that_differs_fails(self) -> None:
        path = os.path.join(self.tmp, "bindings-python", "pyproject.toml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = text.replace('dynamic = ["version"]', 'version = "9.9.9"')
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        self.assert_fails_naming("bindings-python/pyproject.toml")

    def test_the_npm_package_version_that_differs_fails(self) -> None:
        self.edit_json("bindings-node/package.json", lambda p: p.update(version="9.9.9"))
        self.assert_fails_naming("bindings-node/package.json")

    def test_a_stale_npm_lockfile_fails(self) -> None:
        self.edit_json("bindings-node/package-lock.json", lambda p: p.update(version="9.9.9"))
        self.assert_fails_naming("bindings-node/package-lock.json")

    def test_a_platform_package_pin_that_differs_fails(self) -> None:
        self.edit_json("bindings-node/package.json",
                       lambda p: p.setdefault("optionalDependencies", {}).update({"langdock-test-pin": "9.9.9"}))
        self.assert_fails_naming("optionalDependencies langdock-test-pin")

    def test_a_platform_package_with_another_version_fails(self) -> None:
        self.add_platform_package("langdock-test-pkg", self.version)
        self.assertEqual(self.run_check().returncode, 0, self.run_check().stderr)
        self.add_platform_package("langdock-test-pkg", "9.9.9")
        self.assert_fails_naming("bindings-node/npm/test-platform/package.json")

    def test_a_release_tag_for_another_version_fails(self) -> None:
        self.assertEqual(self.run_check("--tag", f"v{self.version}").returncode, 0)
        self.assert_fails_naming("tag 'v9.9.9'", "--tag", "v9.9.9")


if __name__ == "__main__":
    unittest.main()
