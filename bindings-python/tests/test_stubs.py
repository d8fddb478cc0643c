"""The stubs in _native.pyi stay in step with the native module: a stub for every exported name and
member, and no stub for a name the module lacks."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Dict, Set

import langdock
from langdock import _native

STUB = Path(_native.__file__).with_name("_native.pyi")
#: Stub-only helpers: base classes that give the model classes their shared members.
STUB_ONLY = {"_Model", "_Returned"}
#: Compiled into debug builds only (release wheels lack them).
DEBUG_ONLY = {"_debug_panic_next", "_debug_spin_always"}


def stub_names() -> Dict[str, Set[str]]:
    """Top-level names of the stub; for classes, their members (including inherited stub bases)."""
    tree = ast.parse(STUB.read_text())
    names: Dict[str, Set[str]] = {}
    classes: Dict[str, ast.ClassDef] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            classes[node.name] = node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = set()
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = set()
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = set()

    def members(cls: ast.ClassDef) -> Set[str]:
        found = {n.name for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for base in cls.bases:
            if isinstance(base, ast.Name) and base.id in classes:
                found |= members(classes[base.id])
        return found

    for name, cls in classes.items():
        names[name] = members(cls)
    return names


def runtime_names() -> Set[str]:
    return {name for name in dir(_native) if not name.startswith("__")}


def test_every_exported_name_has_a_stub_and_no_stub_is_missing_at_runtime() -> None:
    stubbed = set(stub_names()) - STUB_ONLY
    assert runtime_names() - stubbed == set(), "exported but not in _native.pyi"
    assert stubbed - runtime_names() - DEBUG_ONLY == set(), "in _native.pyi but not exported"


def test_class_members_match() -> None:
    stubs = stub_names()
    for name, stub_members in stubs.items():
        obj = getattr(_native, name, None)
        if not inspect.isclass(obj):
            continue
        runtime = {m for m in vars(obj) if not m.startswith("_")} | {
            m for m in vars(obj) if m in ("__len__", "__getitem__", "__iter__", "__init__", "__eq__")
        }
        public_stub = {m for m in stub_members if not m.startswith("_")}
        public_runtime = {m for m in runtime if not m.startswith("_")}
        assert public_runtime - public_stub == set(), f"{name}: members missing from the stub"
        assert public_stub - public_runtime == set(), f"{name}: stubbed members missing at runtime"


def test_the_package_exports_what_it_declares() -> None:
    for name in langdock.__all__:
        assert hasattr(langdock, name), name
