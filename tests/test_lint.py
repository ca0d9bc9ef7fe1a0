"""The code stays clean: ruff over the package and the tests, mypy --strict over the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          check=False)


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", "agent", "tests", "patches")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing() -> None:
    result = run("mypy", "--no-error-summary", "--cache-dir", "/tmp/sideman-mypy-cache")
    assert result.returncode == 0, result.stdout + result.stderr
