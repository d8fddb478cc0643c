#!/usr/bin/env python3
"""One version number for everything we release: the Cargo workspace's ``[workspace.package] version``.

Checks that every crate, the Python package, the npm package, its platform packages and their pins in
``optionalDependencies`` carry that version, and optionally that a release tag and an installed wheel do too.
A release that ships ``langdock`` 0.2.0 on PyPI beside a 0.1.0 platform package on npm installs, then fails at
run time: this check makes it fail in ``make test`` instead.

Usage: ``python3 tools/check_versions.py [--root DIR] [--tag v0.1.0] [--python .venv/bin/python]``.
Exit status 0 when every version agrees, 1 with one line per disagreement. Standard library only.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11: maturin brings tomli into .venv
    try:
        import tomli as tomllib  # type: ignore[import-not-found,no-redef]
    except ModuleNotFoundError:
        sys.exit("check_versions.py needs Python 3.11+ (tomllib) or tomli")


def _toml(path: str) -> dict[str, Any]:
    with open(path, "rb") as f:
        return tomllib.load(f)


def _json(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
        return data


def pep440(version: str) -> str:
    """The Python spelling of a Cargo (SemVer) version, as maturin writes it: ``1.2.0-rc.1`` is ``1.2.0rc1``."""
    m = re.fullmatch(r"(\d+\.\d+\.\d+)(?:-(alpha|beta|rc)\.?(\d+))?", version)
    if not m:
        return version
    release, pre, num = m.groups()
    return release + ({"alpha": "a", "beta": "b", "rc": "rc"}[pre] + num if pre else "")


def check(root: str, tag: str | None = None, python: str | None = None) -> tuple[str, list[str]]:
    """Every disagreement with the workspace version, as ``path: what`` lines (empty when all agree)."""
    problems: list[str] = []

    def rel(path: str) -> str:
        return os.path.relpath(path, root)

    workspace_toml = os.path.join(root, "Cargo.toml")
    workspace = _toml(workspace_toml).get("workspace", {})
    version = workspace.get("package", {}).get("version")
    if not isinstance(version, str):
        return "", ["Cargo.toml: no [workspace.package] version"]

    # Crates: each member inherits the workspace version (or states the same one).
    members = [m for pattern in workspace.get("members", []) for m in sorted(glob.glob(os.path.join(root, pattern)))]
    for member in members:
        path = os.path.join(member, "Cargo.toml")
        own = _toml(path).get("package", {}).get("version")
        if own != {"workspace": True} and own != version:
            problems.append(f"{rel(path)}: version {own!r}, not version.workspace = true ({version})")
    # Path dependencies that also name a version (needed to publish) must name this one.
    for name, dep in workspace.get("dependencies", {}).items():
        if isinstance(dep, dict) and "path" in dep and "version" in dep and dep["version"].lstrip("=^") != version:
            problems.append(f"Cargo.toml: [workspace.dependencies] {name} version {dep['version']!r}, not {version}")

    # Python: maturin takes the version from the crate named by manifest-path, unless pyproject states its own.
    pyproject_path = os.path.join(root, "bindings-python", "pyproject.toml")
    pyproject = _toml(pyproject_path)
    project = pyproject.get("project", {})
    if "version" in project:
        if project["version"] != pep440(version):
            problems.append(f"{rel(pyproject_path)}: version {project['version']!r}, not {pep440(version)}")
    elif "version" not in project.get("dynamic", []):
        problems.append(f'{rel(pyproject_path)}: neither a version nor dynamic = ["version"]')
    if pyproject.get("build-system", {}).get("build-backend") != "maturin":
        problems.append(f"{rel(pyproject_path)}: build-backend is not maturin, so the version is not Cargo's")
    manifest = os.path.join(os.path.dirname(pyproject_path), pyproject.get("tool", {}).get("maturin", {}).get(
        "manifest-path", "Cargo.toml"))
    if os.path.realpath(os.path.dirname(manifest)) not in {os.path.realpath(m) for m in members}:
        problems.append(f"{rel(pyproject_path)}: manifest-path {rel(manifest)} is not a workspace member")
    if python:
        installed = subprocess.run(
            [python, "-c", "import importlib.metadata as m; print(m.version('langdock'))"],
            capture_output=True, text=True, check=False,
        )
        found = installed.stdout.strip() or (installed.stderr.strip().splitlines() or ["nothing"])[-1]
        if found != pep440(version):
            problems.append(f"{python}: the installed langdock wheel is version {found!r}, not {pep440(version)}")

    # Node: the main package, its lockfile, its pins of the platform packages, and the platform packages.
    node = os.path.join(root, "bindings-node")
    package_path = os.path.join(node, "package.json")
    package = _json(package_path)
    if package.get("version") != version:
        problems.append(f"{rel(package_path)}: version {package.get('version')!r}, not {version}")
    lock_path = os.path.join(node, "package-lock.json")
    if os.path.exists(lock_path):
        lock = _json(lock_path)
        lock_versions = {"version": lock.get("version"),
                         'packages[""].version': lock.get("packages", {}).get("", {}).get("version")}
        for where, locked in lock_versions.items():
            if locked != version:
                problems.append(f"{rel(lock_path)}: {where} {locked!r}, not {version} (run npm install)")
    pins = package.get("optionalDependencies", {})
    for name, pinned in sorted(pins.items()):
        if pinned != version:
            problems.append(f"{rel(package_path)}: optionalDependencies {name} {pinned!r}, not {version}")
    for path in sorted(glob.glob(os.path.join(node, "npm", "*", "package.json"))):
        platform = _json(path)
        if platform.get("version") != version:
            problems.append(f"{rel(path)}: version {platform.get('version')!r}, not {version}")
        # The committed package.json has no pins (npm ci could not resolve unpublished packages); the pack step
        # and `napi prepublish` add one per napi target. When pins are there, every platform package needs one.
        if pins and platform.get("name") not in pins:
            problems.append(f"{rel(path)}: {platform.get('name')} is not in {rel(package_path)} optionalDependencies")

    if tag is not None and tag != f"v{version}":
        problems.append(f"tag {tag!r} is not v{version}, the workspace version")
    return version, problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("--tag", help="a release tag, which must be v<version>")
    parser.add_argument("--python", help="a Python with langdock installed, whose wheel metadata is checked")
    args = parser.parse_args(argv)
    version, problems = check(os.path.abspath(args.root), args.tag, args.python)
    for problem in problems:
        print(f"version mismatch: {problem}", file=sys.stderr)
    if problems:
        print(f"check_versions: {len(problems)} place(s) differ from the workspace version", file=sys.stderr)
        return 1
    print(f"check_versions: every crate, the Python package and every npm package are version {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
