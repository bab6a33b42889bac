"""The layering rule of docs/DEVELOPING.md, checked over the package's source with ast: which folder may import
which, and which folder alone may import sqlite_utils, typer and rich."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "psmctl"
# Top to bottom: a folder imports only from folders below it (and the shared modules at the top level).
LAYERS = ("cli", "output", "services", "importing", "rules", "db")
SHARED = {"errors", "models", "memory", "files", "__version__"}
# Third-party modules and the only place each may be imported at run time (an `if TYPE_CHECKING:` import is free).
OWNERS = {"sqlite_utils": ("db",), "typer": ("cli",), "rich": ("output/render.py",)}


def _imports(path: Path) -> list[tuple[int, str, bool]]:
    """(line, imported module, only for type checking) for every import in a file, at any depth."""
    tree = ast.parse(path.read_text("utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            typing_only.update(id(inner) for inner in ast.walk(node))
    found: list[tuple[int, str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, id(node) in typing_only) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            first_party = node.module.split(".")[0] == "psmctl"
            names = [f"{node.module}.{a.name}" for a in node.names] if first_party else [node.module]
            found += [(node.lineno, name, id(node) in typing_only) for name in names]
    return found


def _sources() -> list[tuple[str, Path]]:
    return [(path.relative_to(PACKAGE).as_posix(), path) for path in sorted(PACKAGE.rglob("*.py"))]


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "psmctl" and len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_is_in_a_layer_or_shared() -> None:
    loose = [name for name, _ in _sources() if "/" not in name]
    assert sorted(loose) == sorted(["__init__.py", "__main__.py", *(f"{m}.py" for m in SHARED - {"__version__"})])


def test_a_layer_imports_only_the_layers_below_it() -> None:
    wrong = []
    for name, path in _sources():
        here = name.split("/")[0]
        if here not in LAYERS:
            continue
        for line, module, _ in _imports(path):
            there = _layer(module)
            if there is not None and LAYERS.index(there) < LAYERS.index(here):
                wrong.append(f"psmctl/{name}:{line} imports {module}")
    assert wrong == []


def test_rules_import_no_other_layer_and_write_no_file() -> None:
    wrong = []
    for name, path in _sources():
        if name.startswith("rules/"):
            for line, module, _ in _imports(path):
                if _layer(module) not in (None, "rules") or module.startswith(("psmctl.files", "psmctl.memory")):
                    wrong.append(f"psmctl/{name}:{line} imports {module}")
    assert wrong == []


def test_sqlite_utils_typer_and_rich_each_live_in_one_place() -> None:
    wrong = []
    for name, path in _sources():
        for line, module, typing_only in _imports(path):
            owners = OWNERS.get(module.split(".")[0])
            if owners and not typing_only and not any(name == o or name.startswith(f"{o}/") for o in owners):
                wrong.append(f"psmctl/{name}:{line} imports {module}")
    assert wrong == []


def test_the_checks_see_imports() -> None:
    """Guards the walker itself: a known import of each kind is found."""
    found = {module for _, module, _ in _imports(PACKAGE / "output" / "render.py")}
    assert {"rich.console", "psmctl.output.labels"} <= found
