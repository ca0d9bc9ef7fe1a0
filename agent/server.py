"""The UDP side: an asyncio datagram protocol that decodes, validates and enqueues; and the send side.

`datagram_received` does only the cheap part: stamp the receipt time, decode and check the datagram
(agent/osc.py), and put each message (or its error) on a bounded queue. When the queue is full the
message is dropped and counted, never silently. Everything else (applying the message to the state,
replies) happens in the app's input task. The kernel's own drops (socket receive buffer overflow in a
flood) are read from /proc/net/udp on Linux and counted too.

This replaces python-osc's AsyncIOOSCUDPServer/Dispatcher on purpose (ECOSYSTEM.md: it blocks the loop
on future bundles, drops parse errors silently, and sends handler return values back).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from agent.errors import OscError
from agent.metrics import Counters
from agent.osc import InMessage, Message, decode, encode

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Received:
    """One decoded input (or the error that stood in its place), with when and from where it came."""

    received_s: float  # monotonic time at receipt
    sender: tuple[str, int]
    message: InMessage | OscError


class OscProtocol(asyncio.DatagramProtocol):
    """Decode each datagram and enqueue its messages; count what the bounded queue cannot take."""

    def __init__(self, queue: asyncio.Queue[Received], counters: Counters, now: Callable[[], float]) -> None:
        self.queue = queue
        self.counters = counters
        self.now = now
        self.transport: asyncio.DatagramTransport | None = None
        self.send_errors = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = typing.cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        t = self.now()
        messages, errors = decode(data)
        for item in (*messages, *errors):
            try:
                self.queue.put_nowait(Received(t, addr, item))
            except asyncio.QueueFull:
                self.counters.dropped_packets += 1

    def error_received(self, exc: Exception) -> None:
        # ICMP "port unreachable" from a patch that is not listening yet: not our input's fault.
        self.send_errors += 1
        if self.send_errors in (1, 10, 100) or self.send_errors % 1000 == 0:
            log.info("send failed (%d so far; is the patch listening?): %s", self.send_errors, exc)


class Sender:
    """Encodes messages and sends each to the main target and every registered reply port."""

    def __init__(self, transport: asyncio.DatagramTransport, target: tuple[str, int],
                 extra: Callable[[], Iterable[tuple[str, int]]]) -> None:
        self.transport = transport
        self.target = target
        self._extra = extra

    def targets(self) -> list[tuple[str, int]]:
        return list(dict.fromkeys([self.target, *self._extra()]))

    def send(self, messages: Iterable[Message]) -> None:
        targets = self.targets()
        for message in messages:
            data = encode(message)
            for target in targets:
                self.transport.sendto(data, target)


async def open_server(
    host: str, port: int, queue: asyncio.Queue[Received], counters: Counters, now: Callable[[], float],
    recv_buffer_bytes: int,
) -> tuple[asyncio.DatagramTransport, OscProtocol]:
    """Bind the UDP socket (with a large receive buffer) and start the protocol on it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, recv_buffer_bytes)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: OscProtocol(queue, counters, now), sock=sock)
    return transport, protocol


def kernel_drops(transport: asyncio.DatagramTransport) -> int | None:
    """Datagrams the kernel dropped on this socket (receive buffer full), from /proc/net/udp; None if unknown."""
    sock = transport.get_extra_info("socket")
    if sock is None:
        return None
    try:
        inode = str(os.fstat(sock.fileno()).st_ino)
        for name in ("/proc/net/udp", "/proc/net/udp6"):
            path = Path(name)
            if not path.exists():
                continue
            for line in path.read_text().splitlines()[1:]:
                fields = line.split()
                if len(fields) >= 13 and fields[9] == inode:
                    return int(fields[12])
    except (OSError, ValueError):
        return None
    return None
