"""Helpers for end-to-end tests against outside programs: Debian packages, free ports, the agent as a process.

The agent runs exactly as a musician starts it (`sideman run`), on loopback ports of its own, with the
fallback generator (`--model none`) so a test does not wait for torch. It listens on port 0 (the kernel
picks a free one) and the test reads the port from its "ready" log line.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SIDEMAN = [sys.executable, "-m", "agent"]  # `sideman` as installed, without relying on PATH
_READY = re.compile(r"ready: listening on ([\d.]+):(\d+)")


def require_package(package: str) -> None:
    """Install Debian's `package` (we run as root), running apt-get update first if the install fails."""
    install = ["apt-get", "install", "-y", "-q", package]
    env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=False)
        if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
            pytest.fail(f"`apt-get install {package}` failed")


def require_binary(binary: str, package: str) -> str:
    """The path of `binary`, installing Debian's `package` first if it is missing (we run as root)."""
    found = shutil.which(binary)
    if found:
        return found
    install = ["apt-get", "install", "-y", "-q", package]
    env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=False)
        subprocess.run(install, env=env, capture_output=True, check=False)
    found = shutil.which(binary)
    if found is None:
        pytest.fail(f"{binary} not found and `apt-get install {package}` did not provide it")
    return found


def free_udp_port() -> int:
    """A UDP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class AgentProcess:
    """A running `sideman run`; `log()` is its stderr so far (complete after the context exits)."""

    proc: subprocess.Popen[str]
    port: int = 0
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)

    def log(self) -> str:
        return "".join(self.lines)

    def _read(self) -> None:
        """Drain stderr (a full pipe would block the agent); note the port from the ready line."""
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            match = _READY.search(line)
            if match and not self.ready.is_set():
                self.port = int(match.group(2))
                self.ready.set()
        self.ready.set()  # exited: let the waiter see it


@contextmanager
def running_agent(send_port: int, *overrides: str, timeout_s: float = 20.0) -> Iterator[AgentProcess]:
    """`sideman run --model none` listening on a free loopback port and sending to `send_port`."""
    args = [*SIDEMAN, "run", "--model", "none", "--listen", "127.0.0.1:0", "--send", f"127.0.0.1:{send_port}"]
    for item in overrides:
        args += ["--set", item]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    agent = AgentProcess(proc)
    reader = threading.Thread(target=agent._read, name="agent-stderr", daemon=True)
    reader.start()
    try:
        if not agent.ready.wait(timeout_s) or agent.port == 0:
            pytest.fail(f"the agent was not ready within {timeout_s} s:\n{agent.log()}")
        yield agent
    finally:
        if proc.poll() is None:
            proc.terminate()  # SIGTERM: the agent shuts down in order (all-notes-off first)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        if proc.stderr is not None:
            proc.stderr.close()
