"""The agent as its own process, as a musician starts it (`python -m agent run`), for the tools that
measure it from outside: `sideman bench` and `sideman bench --feel` (agent/tools/bench.py, feel.py) and
the end-to-end tests. Its own process, so its peak RSS is its own and it shares no GIL with the
simulated DAW driving it.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from agent.errors import SidemanError
from agent.tools.daw_sim import DawReport
from agent.wire.osc import Status

_REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A UDP port on loopback that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AgentProcess:
    """`python -m agent run` on a free loopback port, its log in a temporary file. `args` carries the
    command line's config, overrides and model (`config`, `overrides`, `model`); a subclass may run
    another entry point (`command`) and stop it another way (`stop_signal`)."""

    log_prefix = "sideman-bench-"
    stop_signal = signal.SIGINT  # as Ctrl-C: the agent shuts down in order (all notes off)

    def __init__(self, args: argparse.Namespace, send_port: int) -> None:
        self.port = free_port()
        cmd = [sys.executable, "-m", *self.command(args, self.port, send_port)]
        if args.config is not None:
            cmd += ["--config", str(Path(args.config).resolve())]  # the process runs in the repository
        for text in args.overrides:
            cmd += ["--set", text]
        if args.model is not None:
            cmd += ["--model", args.model]
        self.log_path = Path(tempfile.mkstemp(prefix=self.log_prefix, suffix=".log")[1])
        with self.log_path.open("w") as log_file:
            self.proc = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, cwd=_REPO)

    def command(self, args: argparse.Namespace, port: int, send_port: int) -> list[str]:
        """What runs after `python -m`: the module and its options, listening on `port`."""
        return ["agent", "--log-level", "INFO", "run", "--listen", f"127.0.0.1:{port}",
                "--send", f"127.0.0.1:{send_port}"]

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def ready(self, timeout_s: float = 120.0) -> tuple[str, int]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if "ready:" in self.log():
                return ("127.0.0.1", self.port)
            if self.proc.poll() is not None:
                break
            await asyncio.sleep(0.05)
        self.stop()
        raise SidemanError(f"agent did not start; its log:\n{self.log()[-2000:]}")

    def peak_rss_mib(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        except OSError:
            pass
        return math.nan

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(self.stop_signal)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return int(self.proc.returncode)


def last_status(report: DawReport, before: float = math.inf) -> Status | None:
    """The last /agent/status the simulated DAW received before monotonic time `before`."""
    found = [s for t, s in report.statuses if t < before]
    return found[-1] if found else None
