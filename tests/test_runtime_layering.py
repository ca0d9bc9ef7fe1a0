"""Dependency direction: the runtime's pure modules import no sockets, event loop, threads or torch."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

AGENT = Path(__file__).resolve().parent.parent / "agent"
PURE = ["wire/osc", "live/clock", "live/ring", "metrics", "live/scheduler", "live/session", "live/fallback", "config",
        "music/leadsheet", "live/ensemble", "wire/mqtt", "io/recorder"]
FORBIDDEN = {"socket", "asyncio", "threading", "concurrent", "torch", "subprocess", "multiprocessing"}


@pytest.mark.parametrize("module", PURE)
def test_pure_module_imports(module: str) -> None:
    tree = ast.parse((AGENT / f"{module}.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & FORBIDDEN, f"agent/{module}.py imports {imported & FORBIDDEN}"


@pytest.mark.parametrize("module", [*PURE, "app", "io/server", "tools/daw_sim", "tools/demo", "tools/bench",
                                    "io/connections", "io/mqtt", "io/midi_ports", "io/clock_source", "io/link",
                                    "io/render"])
def test_only_the_cli_exits(module: str) -> None:
    assert "sys.exit(" not in (AGENT / f"{module}.py").read_text()
