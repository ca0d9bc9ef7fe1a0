"""The UDP side: a non-blocking socket read from the event loop that decodes, validates and enqueues.

`OscServer` reads with `loop.add_reader`: on each wake it reads every waiting datagram (up to
`_MAX_READS`), stamps each with the kernel's receive time, decodes and checks it (agent/wire/osc.py), and
puts each message (or its error) on a bounded queue. When the queue is full the message is dropped and
counted, never silently. Applying messages to the state happens in the app's input task.

Why not an `asyncio.DatagramProtocol`: a protocol gets one datagram per loop iteration and no
ancillary data. Under a flood that left a backlog in the kernel buffer, and the `/playhead` reports in
it were stamped with the time they were *read*, so the clock followed a playhead up to a second stale
and notes went out late (measured with 10,000 messages/s). Kernel receive timestamps (SO_TIMESTAMPNS)
keep each report paired with the time it really arrived; batch reads cut the per-datagram overhead.
The kernel's own drops (receive buffer overflow) are read from /proc/net/udp and counted too.

Other systems (issue 12): Windows' default event loop (Proactor) has no `add_reader`, and neither
Windows nor macOS has SO_TIMESTAMPNS or /proc/net/udp (macOS's selector loop does have `add_reader`).
Where `add_reader` raises NotImplementedError,
a reader thread waits on the socket with `select` (sockets are selectable everywhere), reads the same
batches, stamps each when read (the thread is waiting on the socket, so that is within a scheduler tick
of arrival rather than behind a busy loop), and hands each batch to the loop with
`call_soon_threadsafe`: the loop still does all decoding and queueing. Kernel timestamps and the drop
counter are simply absent there (input stamped when read, drops counted only in the agent's queue).
`SIDEMAN_PORTABLE=1` switches all Linux-only facilities off so the fallbacks run (and are tested) on
Linux; the thread reader is only checked on Linux, Windows and macOS by reading their documentation.

python-osc's AsyncIOOSCUDPServer/Dispatcher is avoided on purpose (ECOSYSTEM.md: it blocks the loop
on future bundles, drops parse errors silently, and sends handler return values back).
"""

from __future__ import annotations

import asyncio
import logging
import os
import select
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from agent.errors import ConfigError, OscError
from agent.metrics import Counters
from agent.wire import compose_osc
from agent.wire.mqtt import EnsembleIn
from agent.wire.osc import INBOUND, Addressed, InMessage, Message, decode, encode

log = logging.getLogger("sideman.io.server")

_INBOUND = {**INBOUND, **compose_osc.INBOUND}  # the live contract and composition (patches/OSC.md)
_MAX_READS = 32  # datagrams read per wake: fewer loop turns in a flood, yet a short wait for the first
_MAX_DATAGRAM = 65535
_SO_TIMESTAMPNS = 35  # Linux (asm-generic); Python's socket module does not export it
_TIMESPEC = struct.Struct("@ll")
_THREAD_WAIT_S = 0.25  # the reader thread's select timeout: how long close() may wait for it to notice


def portable_mode() -> bool:
    """SIDEMAN_PORTABLE=1: behave as on Windows (no add_reader, no Linux facilities), to test fallbacks."""
    return os.environ.get("SIDEMAN_PORTABLE", "") == "1"


def linux_facilities() -> bool:
    """Kernel timestamps and /proc/net/udp may be used (Linux, unless SIDEMAN_PORTABLE=1)."""
    return sys.platform == "linux" and not portable_mode()


@dataclass(frozen=True, slots=True)
class Received:
    """One decoded input (or the error that stood in its place), with when and from where it came."""

    arrival_s: float  # monotonic time the datagram reached the socket (kernel timestamp when available)
    received_s: float  # monotonic time the agent read it
    sender: tuple[str, int]
    # EnsembleIn: another agent's notes (MQTT); ComposeIn: composition mode (agent.compose.endpoint)
    message: InMessage | EnsembleIn | compose_osc.ComposeIn | OscError


class OscServer:
    """The agent's UDP socket: reads, decodes and enqueues input; sends output."""

    def __init__(self, sock: socket.socket, queue: asyncio.Queue[Received], counters: Counters,
                 now: Callable[[], float]) -> None:
        self.sock = sock
        self.queue = queue
        self.counters = counters
        self.now = now
        self.send_errors = 0
        self._timestamps = False
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()
        if linux_facilities():
            try:
                sock.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
                self._timestamps = True
            except OSError:
                log.info("no kernel receive timestamps: input is stamped when read")
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.sock.getsockname()[:2]
        return str(host), int(port)

    @property
    def threaded(self) -> bool:
        """True when a reader thread feeds the loop (no add_reader on this loop, or SIDEMAN_PORTABLE=1)."""
        return self._thread is not None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if not portable_mode():
            try:  # selector loops (Linux, macOS): read on the loop itself
                self._loop.add_reader(self.sock.fileno(), self._on_readable)
                return
            except NotImplementedError:  # Windows' Proactor loop
                pass
        log.info("reading UDP in a thread (this event loop cannot watch sockets)")
        self._thread = threading.Thread(target=self._read_thread, name="osc-reader", daemon=True)
        self._thread.start()

    def close(self) -> None:
        if self._thread is not None:
            self._closing.set()
            self._thread.join(timeout=2 * _THREAD_WAIT_S)
        elif self._loop is not None:
            self._loop.remove_reader(self.sock.fileno())
        self.sock.close()

    def _on_readable(self) -> None:
        for data, arrival_s, read_s, sender in self._read_batch():
            self._enqueue(data, arrival_s, read_s, sender)

    def _read_batch(self) -> list[tuple[bytes, float, float, tuple[str, int]]]:
        """Every waiting datagram (up to _MAX_READS) with its arrival and read times and sender."""
        now = self.now()
        wall_offset = time.time() - now  # realtime minus monotonic, to place kernel timestamps
        batch: list[tuple[bytes, float, float, tuple[str, int]]] = []
        for _ in range(_MAX_READS):
            try:
                data, arrival_s, sender = self._receive(now, wall_offset)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as exc:  # e.g. an ICMP error queued on the socket (Windows: ConnectionResetError)
                self._send_failed(exc)
                continue
            batch.append((data, arrival_s, now, sender))
        return batch

    def _receive(self, now: float, wall_offset: float) -> tuple[bytes, float, tuple[str, int]]:
        """One datagram, its arrival time and sender; BlockingIOError when none is waiting."""
        if sys.platform != "win32" and self._timestamps:
            data, ancillary, _, sender = self.sock.recvmsg(_MAX_DATAGRAM, 64)
            return data, self._arrival(ancillary, now, wall_offset), sender
        data, sender = self.sock.recvfrom(_MAX_DATAGRAM)  # Windows has no recvmsg
        return data, now, sender

    def _read_thread(self) -> None:
        """Wait on the socket, read batches, hand each to the loop (which decodes and enqueues)."""
        loop = self._loop
        assert loop is not None
        while not self._closing.is_set():
            try:
                readable, _, _ = select.select([self.sock], [], [], _THREAD_WAIT_S)
                batch = self._read_batch() if readable else []
            except (OSError, ValueError):  # the socket was closed under us: shutting down
                return
            if batch:
                try:
                    loop.call_soon_threadsafe(self._enqueue_batch, batch)
                except RuntimeError:  # the loop has closed
                    return

    def _enqueue_batch(self, batch: list[tuple[bytes, float, float, tuple[str, int]]]) -> None:
        for data, arrival_s, read_s, sender in batch:
            self._enqueue(data, arrival_s, read_s, sender)

    def _arrival(self, ancillary: list[tuple[int, int, bytes]], now: float, wall_offset: float) -> float:
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS and len(payload) >= _TIMESPEC.size:
                seconds, nanos = _TIMESPEC.unpack_from(payload)
                return min(now, float(seconds + nanos * 1e-9 - wall_offset))
        return now

    def _enqueue(self, data: bytes, arrival_s: float, read_s: float, sender: tuple[str, int]) -> None:
        messages, errors = decode(data, _INBOUND)
        for item in (*messages, *errors):
            try:
                self.queue.put_nowait(Received(arrival_s, read_s, sender, item))
            except asyncio.QueueFull:
                self.counters.dropped_packets += 1

    def sendto(self, data: bytes, target: tuple[str, int]) -> None:
        try:
            self.sock.sendto(data, target)
        except OSError as exc:  # buffer full, or the patch's host unreachable: count it, keep playing
            self._send_failed(exc)

    def _send_failed(self, exc: OSError) -> None:
        self.send_errors += 1
        if self.send_errors in (1, 10, 100) or self.send_errors % 1000 == 0:
            log.warning("send failed (%d so far; is the patch listening?): %s", self.send_errors, exc)

    def kernel_drops(self) -> int | None:
        """Datagrams the kernel dropped on this socket (receive buffer full), from /proc/net/udp; None
        where that does not exist (macOS, Windows, SIDEMAN_PORTABLE=1)."""
        if not linux_facilities():
            return None
        try:
            inode = str(os.fstat(self.sock.fileno()).st_ino)
            for name in ("/proc/net/udp", "/proc/net/udp6"):
                path = Path(name)
                if path.exists():
                    for line in path.read_text().splitlines()[1:]:
                        fields = line.split()
                        if len(fields) >= 13 and fields[9] == inode:
                            return int(fields[12])
        except (OSError, ValueError):
            return None
        return None


def resolve(target: tuple[str, int]) -> tuple[str, int]:
    """The numeric address of a `(host, port)` target, resolved once (not on every datagram), so a
    `send_host` of `localhost` and a hello from 127.0.0.1 are recognised as the same place."""
    host, port = target
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    except OSError as exc:
        raise ConfigError(f"net.send_host {host!r}: cannot resolve it ({exc})") from exc
    return str(infos[0][4][0]), port


class Sender:
    """Encodes messages and sends each to the main target and every registered reply port."""

    def __init__(self, server: OscServer, target: tuple[str, int],
                 extra: Callable[[], Iterable[tuple[str, int]]]) -> None:
        self.server = server
        self.target = resolve(target)
        self._extra = extra

    def targets(self) -> list[tuple[str, int]]:
        return list(dict.fromkeys([self.target, *self._extra()]))

    def send(self, messages: Iterable[Message | Addressed]) -> None:
        """Each message to every target, or an `Addressed` one to its own targets only."""
        targets = self.targets()
        for item in messages:
            message, to = (item.message, list(item.targets)) if isinstance(item, Addressed) else (item, targets)
            composing = isinstance(message, compose_osc.OUTBOUND_TYPES)
            data = compose_osc.encode(message) if composing else encode(message)
            for target in to:
                self.server.sendto(data, target)


def open_server(host: str, port: int, queue: asyncio.Queue[Received], counters: Counters,
                now: Callable[[], float], recv_buffer_bytes: int) -> OscServer:
    """Bind a non-blocking UDP socket (large receive buffer) and start reading it on the running loop."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, recv_buffer_bytes)
        sock.setblocking(False)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    server = OscServer(sock, queue, counters, now)
    server.start()
    return server
