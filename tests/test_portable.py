"""macOS and Windows paths run on Linux: SIDEMAN_PORTABLE=1 switches the Linux-only facilities off.

Off: `loop.add_reader` (Windows' Proactor loop lacks it: a reader thread feeds the loop), kernel receive
timestamps (SO_TIMESTAMPNS) and the drop counter (/proc/net/udp), and `loop.add_signal_handler`
(Ctrl-C arrives through `signal.signal`). The agent must play the same, in time, and shut down cleanly.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_live_e2e import BAD_INPUT, _play_with_bad_input

from agent.io.interrupts import on_interrupt
from agent.io.server import OscServer, Received, open_server
from agent.metrics import Counters
from agent.wire.osc import OUTBOUND, AllNotesOff, Playhead, Tempo, decode, encode

REPO = Path(__file__).resolve().parents[1]


class NoReaderLoop(asyncio.SelectorEventLoop):
    """An event loop without add_reader, like Windows' ProactorEventLoop."""

    def add_reader(self, *args: object, **kwargs: object) -> None:
        raise NotImplementedError


async def _receive_two(server_of: list[OscServer]) -> list[Received]:
    queue: asyncio.Queue[Received] = asyncio.Queue(maxsize=16)
    server = open_server("127.0.0.1", 0, queue, Counters(), time.monotonic, 65536)
    server_of.append(server)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as patch:
        patch.sendto(encode(Tempo(120.0)), server.address)
        patch.sendto(encode(Playhead(3.0)), server.address)
        got = [await asyncio.wait_for(queue.get(), 2.0) for _ in range(2)]
    server.close()
    return got


def test_reader_thread_where_the_loop_has_no_add_reader() -> None:
    servers: list[OscServer] = []
    loop = NoReaderLoop()
    try:
        got = loop.run_until_complete(_receive_two(servers))
    finally:
        loop.close()
    assert servers[0].threaded
    assert [g.message for g in got] == [Tempo(120.0), Playhead(3.0)]
    assert all(g.arrival_s <= g.received_s for g in got)  # kernel timestamps still read in the thread
    assert not servers[0]._thread or not servers[0]._thread.is_alive()  # close() stopped it


def test_portable_mode_switches_linux_facilities_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIDEMAN_PORTABLE", "1")
    servers: list[OscServer] = []
    got = asyncio.run(_receive_two(servers))
    server = servers[0]
    assert server.threaded and not server._timestamps
    assert server.kernel_drops() is None
    assert len(got) == 2 and all(g.arrival_s == g.received_s for g in got)  # stamped when read


def test_linux_facilities_on_by_default() -> None:
    servers: list[OscServer] = []
    asyncio.run(_receive_two(servers))
    assert not servers[0].threaded and servers[0]._timestamps


def test_agent_plays_in_time_with_the_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The end-to-end lead sheet at 240 bpm with bad input (test_live_e2e), through the reader thread."""
    monkeypatch.setenv("SIDEMAN_PORTABLE", "1")
    report, counters, _ = asyncio.run(_play_with_bad_input(8, 240.0))
    assert len(report.played()) > 100
    assert report.late() == 0
    assert counters.input_errors == len(BAD_INPUT)
    assert counters.kernel_drops == 0 and report.allnotesoff >= 1


def test_interrupt_without_posix_signal_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIDEMAN_PORTABLE", "1")
    previous = signal.getsignal(signal.SIGINT)

    async def interrupted() -> str:
        stop = asyncio.Event()
        how = on_interrupt(asyncio.get_running_loop(), stop.set)
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.wait_for(stop.wait(), 2.0)
        return how

    try:
        assert asyncio.run(interrupted()) == "signal.signal"
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def test_python_m_agent_run_stops_on_ctrl_c_without_posix_facilities() -> None:
    """`python -m agent run` (no bash) in portable mode: ready, Ctrl-C, all-notes-off, exit 0."""
    patch = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    patch.bind(("127.0.0.1", 0))
    patch.settimeout(5.0)
    proc = subprocess.Popen(
        [sys.executable, "-m", "agent", "run", "--model", "none", "--listen", "127.0.0.1:0",
         "--send", f"127.0.0.1:{patch.getsockname()[1]}"],
        cwd=REPO, stderr=subprocess.PIPE, text=True, env={**os.environ, "SIDEMAN_PORTABLE": "1"})
    try:
        assert proc.stderr is not None
        lines = [proc.stderr.readline()]
        deadline = time.monotonic() + 20
        while "ready:" not in lines[-1]:
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines)
            lines.append(proc.stderr.readline())
        assert any("reading UDP in a thread" in line for line in lines)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 0
        messages = decode(patch.recv(65535), OUTBOUND)[0]
        while not any(isinstance(m, AllNotesOff) for m in messages):
            messages = decode(patch.recv(65535), OUTBOUND)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
        patch.close()
