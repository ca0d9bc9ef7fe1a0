"""The code stays clean: ruff over the package and the tests, mypy --strict over the package (for Linux, macOS
and Windows) and over the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          check=False)


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", "agent", "tests", "patches")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_mypy_strict_finds_nothing(platform: str) -> None:
    """Also as if on macOS and Windows: platform-only socket calls and signals must be guarded there."""
    result = run("mypy", "--no-error-summary", "--platform", platform,
                 "--cache-dir", f"/tmp/sideman-mypy-cache-{platform}")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing_in_the_tests() -> None:
    """The tests call the package as its users do: a wrong argument or an attribute a type lacks shows here."""
    result = run("mypy", "--no-error-summary", "--cache-dir", "/tmp/sideman-mypy-cache-tests", "tests")
    assert result.returncode == 0, result.stdout + result.stderr
