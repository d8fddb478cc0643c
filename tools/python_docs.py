"""Builds the Python reference (``make docs-python``) with pdoc into the given folder, from the package and
the stubs of its native module, and checks that it is complete: every public module, class, function,
method, property and variable has a description, and the clients, each resource and each error class have
an example (a ``>>>`` line). Every warning is an error.

Usage (the .venv Python, with langdock built): ``python tools/python_docs.py OUTPUT_DIR``.
"""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path
from unittest import mock

import pdoc
import pdoc.doc
import pdoc.doc_pyi
import pdoc.render

MODULES = ["langdock", "langdock.testing", "langdock.sandbox"]
NATIVE = "langdock._native"
_include_stubs = pdoc.doc_pyi.include_typeinfo_from_stub_files


def include_stubs(module: pdoc.doc.Module) -> None:
    """pdoc applies ``X.pyi`` to module ``X`` only; ``langdock`` re-exports the classes of ``_native``, whose
    properties are described in ``_native.pyi`` alone (the compiled getters carry no docstrings)."""
    _include_stubs(module)
    if module.modulename not in MODULES:
        return
    stub_file = pdoc.doc_pyi.find_stub_file(NATIVE)
    assert stub_file is not None, f"no stubs for {NATIVE}"
    imported = pdoc.doc_pyi._import_stub_file(NATIVE, stub_file)
    pdoc.doc_pyi._prepare_module(module)
    stub_module = pdoc.doc.Module(imported)
    native = sys.modules[NATIVE]
    with mock.patch.dict("sys.modules", {NATIVE: imported}):
        for member in module.members.values():
            # The native classes say `__module__ == "langdock"`, so they are found by identity.
            if getattr(native, member.name, None) is member.obj:
                patch(member, stub_module)
    # pdoc reads a variable's docstring from the module it is documented in; a re-exported one keeps the
    # docstring written where it is defined (the stub, or langdock._types).
    types = pdoc.doc.Module.from_name("langdock._types")
    for member in module.members.values():
        if isinstance(member, pdoc.doc.Variable) and not member.docstring:
            for origin in (stub_module, types):
                found = origin.members.get(member.name)
                if isinstance(found, pdoc.doc.Variable) and found.docstring:
                    member.docstring = found.docstring
                    break


def patch(member: pdoc.doc.Doc, stub_module: pdoc.doc.Module) -> None:  # type: ignore[type-arg]
    """pdoc's stub patch, but for a class only its description, constructor and public members: the stubs
    declare the dunders a type checker needs (``__eq__`` without ``__hash__`` reads as ``__hash__ = None``),
    not what the compiled class has, and pdoc does not show them."""
    if not isinstance(member, pdoc.doc.Class):
        pdoc.doc_pyi._patch_doc(member, stub_module)
        return
    stub = stub_module.get(member.qualname)
    if isinstance(stub, pdoc.doc.Class):
        member.docstring = stub.docstring or member.docstring
    for child in member.members.values():
        if not child.name.startswith("_") or child.name == "__init__":
            pdoc.doc_pyi._patch_doc(child, stub_module)


def attributes_section(cls: type) -> set[str]:
    """The names a Google-style ``Attributes:`` section of the class or a base class describes (``help()``
    shows that section, so instance attributes may be described there instead of one by one)."""
    names: set[str] = set()
    for klass in cls.__mro__:
        doc = klass.__dict__.get("__doc__") or ""
        section = re.search(r"^( *)Attributes:\n((?:\1 +.*\n|\s*\n)*)", doc, re.M)
        if section:
            names.update(re.findall(r"^ *(\w+): ", section.group(2), re.M))
    return names


def undocumented(doc: pdoc.doc.Doc, problems: list[str], described: set[str] = set()) -> None:  # type: ignore[type-arg]
    """Every public member pdoc shows (``__all__`` of a module; a class's own members) without a description."""
    # A constructor may leave its description to the class, which pdoc shows above it.
    if not doc.docstring.strip() and doc.name != "__init__" and doc.name not in described:
        problems.append(f"{doc.fullname}: no description")
    if isinstance(doc, pdoc.doc.Module):
        members, described = list(doc.members.values()), set()
    elif isinstance(doc, pdoc.doc.Class):
        members, described = doc.own_members, attributes_section(doc.obj)
    else:
        return
    for member in members:
        if not member.name.startswith("_") or member.name == "__init__":
            undocumented(member, problems, described)


def main(out: str) -> int:
    warnings.simplefilter("error")
    pdoc.doc_pyi.include_typeinfo_from_stub_files = include_stubs
    pdoc.render.configure(docformat="google")
    pdoc.pdoc(*MODULES, output_directory=Path(out))

    import langdock
    import langdock.sandbox
    from langdock import _client

    problems: list[str] = []
    for name in MODULES:
        undocumented(pdoc.doc.Module.from_name(name), problems)
    needs_example: list[type] = [langdock.Client, langdock.AsyncClient]
    needs_example += [getattr(_client, n) for n in ("Integrations", "Actions", "Triggers",
                                                    "AsyncIntegrations", "AsyncActions", "AsyncTriggers")]
    needs_example += [c for c in vars(langdock).values()
                      if isinstance(c, type) and issubclass(c, langdock.LangdockError)]
    needs_example.append(langdock.sandbox.CodeError)
    for cls in needs_example:
        if ">>>" not in (cls.__doc__ or ""):
            problems.append(f"{cls.__module__}.{cls.__qualname__}: no example")

    for problem in sorted(set(problems)):
        print(f"python docs: {problem}", file=sys.stderr)
    if problems:
        print(f"python docs: {len(set(problems))} problem(s)", file=sys.stderr)
        return 1
    print(f"python docs: {out}: every public item of {', '.join(MODULES)} has a description; "
          f"{len(needs_example)} classes (clients, resources, errors) have examples")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
