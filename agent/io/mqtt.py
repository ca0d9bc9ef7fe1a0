"""The MQTT bridge: publishes what the agent plays, takes controls and the other agents' parts.

`send(messages)` is the live path's side: it encodes (agent/wire/mqtt.py) and puts the payloads on a
bounded queue without ever waiting; while the broker is away, or when the queue is full, a payload is
dropped and counted (`stats.dropped`), never delayed: a note announced late is worth nothing.

`run()` is the bridge's task. aiomqtt's client does not reconnect by itself (ECOSYSTEM.md), so `run()`
loops: connect, subscribe, then read and write until the connection breaks; wait (exponential backoff
from `reconnect_min_s`, doubling to `reconnect_max_s`, reset after each good connection); again. It never
raises for a broker problem (unreachable, refused, bad credentials, TLS): it logs once per outage and
keeps trying, so the band plays on without the broker. What arrives is decoded and checked with the same
table as OSC; each message (or its error) goes to `emit`, the agent's input queue, like a datagram.

The broker keeps a retained status per agent: the `/agent/status` heartbeat while it runs, and
`{"state": "offline"}` (the MQTT will, or published on a clean stop) when it is gone.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import aiomqtt

from agent.config import MqttConfig
from agent.errors import ConfigError
from agent.wire.mqtt import Emit, Topics, decode, encode, offline_status
from agent.wire.osc import OutMessage

log = logging.getLogger("sideman.io.mqtt")

_FLUSH_TIMEOUT_S = 1.0


@dataclass(slots=True)
class MqttStats:
    """What the bridge counted since the agent started (published in the status payload as `mqtt`)."""

    published: int = 0  # MQTT messages handed to the broker
    dropped: int = 0  # payloads not sent: the broker was away or the publish queue was full
    received: int = 0  # MQTT messages received (controls and other agents' parts)
    bad_payloads: int = 0  # of which were malformed or out of contract (answered on the error topic)
    connects: int = 0  # successful connections (the first, then one per reconnection)
    failures: int = 0  # connection attempts that failed, and connections that broke


class MqttBridge:
    """The agent's MQTT connection: a sink for outgoing messages and a source of input."""

    def __init__(self, config: MqttConfig, emit: Emit, now: Callable[[], float] = time.monotonic) -> None:
        for key in ("tls_ca_file", "tls_cert_file", "tls_key_file"):
            path = getattr(config, key)
            if path is not None and not Path(path).expanduser().is_file():
                raise ConfigError(f"mqtt.{key}: no such file {path!r}")
        self.config = config
        self.topics = Topics(config.topic_prefix, config.name)
        self.emit = emit
        self.now = now
        self.stats = MqttStats()
        self.connected = False
        self.connected_at_s: float | None = None  # monotonic time of the latest successful connection
        self._queue: asyncio.Queue[tuple[str, bytes, bool]] | None = None

    # ---- the live path's side ------------------------------------------------------------------

    def send(self, messages: Sequence[OutMessage]) -> None:
        """Queue the payloads of `messages` for the broker; never waits (drops are counted)."""
        if not messages:
            return
        for item in encode(self.topics, list(messages), {"mqtt": asdict(self.stats)}):
            self._put(item)

    def _put(self, item: tuple[str, bytes, bool]) -> None:
        if self._queue is None or not self.connected:
            self.stats.dropped += 1
            return
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            self.stats.dropped += 1

    async def flush(self, timeout_s: float = _FLUSH_TIMEOUT_S) -> None:
        """On a clean stop: publish what is queued, then the retained offline status (bounded wait)."""
        self._put((self.topics.status, offline_status(), True))
        if self._queue is not None and self.connected:
            try:
                await asyncio.wait_for(self._queue.join(), timeout_s)
            except TimeoutError:
                log.warning("MQTT: %d messages not published at shutdown", self._queue.qsize())

    # ---- the bridge's task ---------------------------------------------------------------------

    async def run(self) -> None:
        """Connect, serve, and reconnect with backoff, until cancelled."""
        cfg = self.config
        self._queue = asyncio.Queue(cfg.publish_queue_size)
        delay, outage_logged = cfg.reconnect_min_s, False
        while True:
            reason = await self._session()
            self.stats.failures += 1
            if self.connected:
                log.warning("MQTT connection to %s:%d lost (%s); reconnecting", cfg.host, cfg.port, reason)
                delay, outage_logged = cfg.reconnect_min_s, True
            elif not outage_logged:
                log.warning("MQTT broker %s:%d unreachable (%s); retrying every %g s at most", cfg.host,
                            cfg.port, reason, cfg.reconnect_max_s)
                outage_logged = True
            self._disconnected()
            await asyncio.sleep(delay)
            delay = min(delay * 2.0, cfg.reconnect_max_s)

    async def _session(self) -> str:
        """One connection, from connect to its end; returns why it ended (it never raises but cancel)."""
        reason = "connection closed"
        try:
            async with self._client() as client:
                for topic in self.topics.subscriptions(self.config.ensemble):
                    await client.subscribe(topic, qos=self.config.qos)
                self.connected, self.connected_at_s = True, self.now()
                self.stats.connects += 1
                log.info("MQTT connected to %s:%d as %r (%s/%s/...)", self.config.host, self.config.port,
                         self.config.name, self.config.topic_prefix, self.config.name)
                async with asyncio.TaskGroup() as group:
                    group.create_task(self._read(client), name="mqtt-read")
                    group.create_task(self._write(client), name="mqtt-write")
        except* aiomqtt.MqttError as group:
            reason = str(group.exceptions[0])
        except* (OSError, ssl.SSLError) as group:  # TLS files or handshake: same policy, keep trying
            reason = str(group.exceptions[0])
        return reason

    def _client(self) -> aiomqtt.Client:
        cfg = self.config
        tls = None
        if cfg.tls:
            tls = aiomqtt.TLSParameters(ca_certs=cfg.tls_ca_file, certfile=cfg.tls_cert_file,
                                        keyfile=cfg.tls_key_file, cert_reqs=ssl.CERT_REQUIRED)
        will = aiomqtt.Will(self.topics.status, offline_status(), qos=cfg.qos, retain=True)
        return aiomqtt.Client(
            cfg.host, cfg.port, username=cfg.username, password=cfg.password, will=will,
            keepalive=cfg.keepalive_s, tls_params=tls, tls_insecure=cfg.tls_insecure if cfg.tls else None,
            max_queued_incoming_messages=cfg.publish_queue_size, timeout=max(2.0, cfg.keepalive_s / 2),
        )

    async def _read(self, client: aiomqtt.Client) -> None:
        async for message in client.messages:
            arrival = self.now()
            self.stats.received += 1
            payload = message.payload if isinstance(message.payload, bytes) else str(message.payload).encode()
            messages, errors = decode(self.topics, message.topic.value, payload)
            self.stats.bad_payloads += len(errors)
            for item in (*messages, *errors):
                self.emit(item, arrival)

    async def _write(self, client: aiomqtt.Client) -> None:
        assert self._queue is not None
        while True:
            topic, payload, retain = await self._queue.get()
            try:
                await client.publish(topic, payload, qos=self.config.qos, retain=retain)
                self.stats.published += 1
            except aiomqtt.MqttError:
                self.stats.dropped += 1
                raise
            finally:
                self._queue.task_done()

    def _disconnected(self) -> None:
        """The connection is gone: what waits in the queue is stale by the time it could go out."""
        self.connected = False
        assert self._queue is not None
        while not self._queue.empty():
            self._queue.get_nowait()
            self._queue.task_done()
            self.stats.dropped += 1
