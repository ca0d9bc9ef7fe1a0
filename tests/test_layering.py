"""The package's layers (agent/__init__.py), checked over every module's imports (lazy ones included):
nothing imports upward; the pure layers import no socket, event loop, thread, process or torch, and only
pure modules of the package; only the CLI exits the process; every logger hangs under `sideman.`; and
each subpackage's docstring names exactly the layers it may import."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

AGENT = Path(__file__).resolve().parent.parent / "agent"
FORBIDDEN = {"socket", "asyncio", "threading", "concurrent", "torch", "subprocess", "multiprocessing"}
PURE_LAYERS = {"errors", "metrics", "settings", "config", "music", "wire", "live"}
PURE_MODULES = {"agent.model.vocab", "agent.model.tokens", "agent.model.anticipation", "agent.io.recorder"}
EXITS_ALLOWED = {"agent.cli"}


def layers() -> list[str]:
    """The layer order, bottom first, as agent/__init__.py's docstring writes it (`errors < ... < cli`)."""
    doc = ast.get_docstring(ast.parse((AGENT / "__init__.py").read_text())) or ""
    line = re.search(r"^\s*(errors <[^\n]*)$", doc, re.MULTILINE)
    assert line is not None, "agent/__init__.py's docstring lost its layer line"
    return [word.strip() for word in line.group(1).split("<")]


@cache
def modules() -> dict[str, ast.Module]:
    """Every module of the package by dotted name (packages by their own name), parsed."""
    found = {}
    for path in sorted(AGENT.rglob("*.py")):
        parts = path.relative_to(AGENT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(), str(path))
    return found


def layer_of(module: str) -> str:
    """`agent.live.session` -> live, `agent.cli` -> cli (`agent.__main__` runs the CLI: cli)."""
    name = module.split(".")[1]
    return "cli" if name == "__main__" else name


def imports(tree: ast.Module) -> set[str]:
    """Every module name an import statement anywhere in `tree` names (`from a import b` gives a.b and a)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def agent_imports(tree: ast.Module) -> set[str]:
    """The package's modules an import anywhere in `tree` loads: `from agent.model import vocab` is
    agent.model.vocab (a submodule), `from agent.music.events import Note` is agent.music.events."""
    known = modules()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module in known:
            subs = {f"{node.module}.{alias.name}" for alias in node.names} & set(known)
            names |= subs or {node.module}
    return names - {"agent"}


def is_pure(module: str) -> bool:
    return module in PURE_MODULES or (module != "agent" and layer_of(module) in PURE_LAYERS)


def test_the_layer_line_names_every_subpackage_and_top_module() -> None:
    units = {layer_of(m) for m in modules() if m != "agent"}
    assert set(layers()) == units and len(layers()) == len(units)


@pytest.mark.parametrize("module", sorted(set(modules()) - {"agent"}))
def test_nothing_imports_upward(module: str) -> None:
    order = layers()
    rank = order.index(layer_of(module))
    upward = {name for name in agent_imports(modules()[module]) if order.index(layer_of(name)) > rank}
    assert not upward, f"{module} ({layer_of(module)}) imports from higher layers: {sorted(upward)}"


@pytest.mark.parametrize("module", sorted(m for m in modules() if is_pure(m)))
def test_pure_modules_import_no_io_threads_or_torch(module: str) -> None:
    tree = modules()[module]
    banned = {name.split(".")[0] for name in imports(tree)} & FORBIDDEN
    assert not banned, f"{module} is pure but imports {sorted(banned)}"
    impure = {name for name in agent_imports(tree) if not is_pure(name)}
    assert not impure, f"{module} is pure but imports {sorted(impure)} (not pure)"


def _exits(tree: ast.Module) -> list[str]:
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                    (func.value.id, func.attr) in {("sys", "exit"), ("os", "_exit")}:
                calls.append(f"{func.value.id}.{func.attr}")
            elif isinstance(func, ast.Name) and func.id in {"exit", "quit"}:
                calls.append(func.id)
    return calls


@pytest.mark.parametrize("module", sorted(set(modules()) - EXITS_ALLOWED))
def test_only_the_cli_exits(module: str) -> None:
    assert not _exits(modules()[module]), f"{module} calls {_exits(modules()[module])}"


def test_the_checks_catch_what_they_look_for() -> None:
    """The checkers on snippets: an upward lazy import, torch in a function, an exit call."""
    lazy = ast.parse("def f():\n    from agent.app import Agent\n")
    assert "agent.app" in agent_imports(lazy)
    assert {n.split(".")[0] for n in imports(ast.parse("def f():\n    import torch.nn\n"))} & FORBIDDEN
    assert _exits(ast.parse("import sys\nsys.exit(2)\n")) == ["sys.exit"]


@pytest.mark.parametrize("module", sorted(modules()))
def test_loggers_hang_under_sideman_by_module_name(module: str) -> None:
    expected = "sideman" if module in ("agent", "agent.cli") else "sideman." + module.removeprefix("agent.")
    for node in ast.walk(modules()[module]):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "getLogger":
            arg = node.args[0] if node.args else None
            assert isinstance(arg, ast.Constant), f"{module}: getLogger needs the literal name {expected!r}"
            assert arg.value == expected, f"{module}: logger {arg.value!r}, expected {expected!r}"


@pytest.mark.parametrize("package", sorted(p.name for p in AGENT.iterdir() if (p / "__init__.py").exists()))
def test_each_subpackage_says_what_it_may_import(package: str) -> None:
    doc = ast.get_docstring(modules()[f"agent.{package}"]) or ""
    line = re.search(r"May import: ([a-z_, \n]+)", doc)
    assert line is not None, f"agent/{package}/__init__.py: no 'May import:' line"
    named = [w.strip() for w in line.group(1).replace("\n", " ").split(",") if w.strip()]
    order = layers()
    assert named == order[: order.index(package)], f"agent/{package}: 'May import' disagrees with the layers"
