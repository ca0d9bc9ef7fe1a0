"""Two agents on a real mosquitto (127.0.0.1, a free port): controls over MQTT, each hears the other's part,
the broker is killed and restarted mid-performance, malformed payloads are answered on the error topic."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path

import aiomqtt
import pytest
from mqtt_broker import Broker, running_broker

from agent.app import AgentThread
from agent.config import Config, override
from agent.live.fallback import FallbackGenerator
from agent.live.generator import GenerationContext
from agent.music.events import Note
from agent.wire.osc import OUTBOUND, NoteOut, Playhead, decode, encode

pytestmark = pytest.mark.mqtt
BPM = 240.0


class Listening(FallbackGenerator):
    """The fallback, remembering the human notes (here: the other agent's) each call was shown."""

    name = "listening"

    def __init__(self) -> None:
        self.heard: list[Note] = []

    def generate(self, context: GenerationContext, start_beat: float, end_beat: float) -> list[Note]:
        self.heard.extend(context.human)
        return super().generate(context, start_beat, end_beat)


def agent_config(broker: Broker, name: str, part: str, send_port: int) -> Config:
    config = override(Config(), "net", {"listen_port": 0, "send_port": send_port})
    config = override(config, "model_path", None)
    config = override(config, "parts.play", [part])
    config = override(config, "runtime.status_interval_s", 0.25)
    return override(config, "mqtt", {"enabled": True, "port": broker.port, "name": name,
                                     "reconnect_min_s": 0.05, "reconnect_max_s": 0.25})


class Patch(asyncio.DatagramProtocol):
    """One transport for every agent: /playhead to each every 20 ms; the notes they send, with arrival times."""

    def __init__(self) -> None:
        self.notes: list[tuple[float, NoteOut]] = []
        self.transport: asyncio.DatagramTransport | None = None
        self.t0 = 0.0

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        now = time.monotonic()
        self.notes += [(now, m) for m in decode(data, OUTBOUND)[0] if isinstance(m, NoteOut)]

    def beat_at(self, t: float) -> float:
        return (t - self.t0) * BPM / 60.0

    async def report(self, agents: list[tuple[str, int]]) -> None:
        assert self.transport is not None
        self.t0 = time.monotonic()
        while True:
            for address in agents:
                self.transport.sendto(encode(Playhead(self.beat_at(time.monotonic()))), address)
            await asyncio.sleep(0.02)


async def observe(port: int, seen: list[tuple[float, str, bytes]], ready: asyncio.Event) -> None:
    """Subscribe to everything under sideman/ (reconnecting like the agents do)."""
    while True:
        try:
            async with aiomqtt.Client("127.0.0.1", port) as client:
                await client.subscribe("sideman/#")
                ready.set()
                async for message in client.messages:
                    payload = message.payload if isinstance(message.payload, bytes) else b""
                    seen.append((time.monotonic(), message.topic.value, payload))
        except aiomqtt.MqttError:
            ready.clear()
            await asyncio.sleep(0.05)


async def publish(port: int, items: list[tuple[str, object]]) -> None:
    async with aiomqtt.Client("127.0.0.1", port) as client:
        for topic, payload in items:
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            await client.publish(topic, data, qos=1)


async def wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> float:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout_s:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)
    return time.monotonic()


def test_two_agents_hear_each_other_and_ride_out_a_broker_restart(tmp_path: Path) -> None:
    with running_broker(tmp_path) as broker:
        asyncio.run(_ensemble(broker))


async def _ensemble(broker: Broker) -> None:
    loop = asyncio.get_running_loop()
    patch = Patch()
    transport, _ = await loop.create_datagram_endpoint(lambda: patch, local_addr=("127.0.0.1", 0))
    patch.transport = transport
    send_port = transport.get_extra_info("sockname")[1]
    ears = {"bass": Listening(), "comp": Listening()}
    agents = {name: AgentThread(agent_config(broker, name, name, send_port), ears[name]) for name in ears}
    addresses = [await asyncio.to_thread(a.start) for a in agents.values()]
    bridges = [a.agent.connections.bridge for a in agents.values()]  # type: ignore[union-attr]
    seen: list[tuple[float, str, bytes]] = []
    ready = asyncio.Event()
    observer = asyncio.create_task(observe(broker.port, seen, ready))
    reporter: asyncio.Task[None] | None = None
    try:
        await wait_until(lambda: all(b is not None and b.connected for b in bridges), 10, "both agents connected")
        await asyncio.wait_for(ready.wait(), 10)
        chords = [{"beat": 4.0 * i, "dur_beats": 4.0, "symbol": "C" if i % 2 == 0 else "Am7"} for i in range(40)]
        await publish(broker.port, [("sideman/all/in/transport/tempo", {"bpm": BPM}),
                                    ("sideman/all/in/chord", chords), ("sideman/all/in/transport/play", {})])
        reporter = asyncio.create_task(patch.report(addresses))
        await asyncio.sleep(2.0)
        killed = time.monotonic()
        broker.kill()
        await asyncio.sleep(1.5)
        restarted = time.monotonic()
        await asyncio.to_thread(broker.start)
        back = await wait_until(lambda: all(b is not None and b.connected for b in bridges), 10, "reconnection")
        await asyncio.sleep(2.0)
    finally:
        if reporter is not None:
            reporter.cancel()
        observer.cancel()
        for agent in agents.values():
            await asyncio.to_thread(agent.stop)
        transport.close()

    print(f"[mqtt] reconnected {1000 * (back - restarted):.0f} ms after the broker restarted; dropped "
          f"{[b.stats.dropped for b in bridges if b]}, published {[b.stats.published for b in bridges if b]}")
    # the band played on through the outage, never late
    for channel in (2, 3):  # comp, bass
        during = [n for t, n in patch.notes if killed + 0.3 < t < restarted and n.channel == channel]
        assert len(during) >= 2, f"channel {channel} went silent without the broker"  # bass: every 2 beats
    assert all(patch.t0 + n.beat * 60.0 / BPM > t for t, n in patch.notes)
    for bridge in bridges:
        assert bridge is not None and bridge.stats.connects == 2 and bridge.stats.dropped > 0
    # each heard the other's part as context, before the outage and after the reconnection
    notes_of = {name: {(round(n.beat, 3), n.pitch) for _, n in patch.notes if n.channel == channel}
                for name, channel in (("bass", 3), ("comp", 2))}
    for me, other in (("bass", "comp"), ("comp", "bass")):
        heard = {(round(n.beat, 3), n.pitch) for n in ears[me].heard}
        assert heard <= notes_of[other], f"{me} heard notes {other} never played"
        beats = sorted(b for b, _ in heard)
        assert beats and beats[0] < patch.beat_at(killed), f"{me} heard nothing from {other} before the outage"
        assert beats[-1] > patch.beat_at(back), f"{me} heard nothing from {other} after the reconnection"
    published = {topic for t, topic, _ in seen if t > back}
    assert {"sideman/bass/notes", "sideman/comp/notes", "sideman/bass/status"} <= published
    status = json.loads(next(p for _, topic, p in reversed(seen) if topic == "sideman/comp/status"))
    assert status["name"] == "comp" and status["state"] in ("playing", "stopped", "offline")


def test_malformed_payloads_are_answered_on_the_error_topic(tmp_path: Path) -> None:
    with running_broker(tmp_path) as broker:
        asyncio.run(_malformed(broker))


BAD = [
    ("sideman/solo/in/chord", b"{beat: 0}", "payload is not JSON"),
    ("sideman/solo/in/chord", {"beat": "soon", "dur_beats": 4, "symbol": "C"}, "beat must be a number"),
    ("sideman/solo/in/chord", {"beat": 0, "symbol": "C"}, "missing field 'dur_beats'"),
    ("sideman/all/in/transport/tempo", {"bpm": 0}, "bpm 0 is out of range"),
    ("sideman/solo/in/note/on", {"beat": 0, "pitch": 60, "velocity": 64, "channel": 1}, "unknown field 'channel'"),
    ("sideman/solo/in/volume", {"db": -3}, "unknown control '/volume'"),
    ("sideman/solo/in/agent/hello", {"port": 9002}, "registers an OSC reply port"),
    ("sideman/drums/notes", [{"id": 1, "beat": 0, "pitch": 36}], "missing field 'velocity'"),
]


async def _malformed(broker: Broker) -> None:
    config = override(Config(), "net", {"listen_port": 0})
    config = override(config, "mqtt", {"enabled": True, "port": broker.port, "name": "solo"})
    config = override(config, "runtime.status_interval_s", 0.1)
    agent = AgentThread(override(config, "model_path", None), FallbackGenerator())
    await asyncio.to_thread(agent.start)
    bridge = agent.agent.connections.bridge  # type: ignore[union-attr]
    seen: list[tuple[float, str, bytes]] = []
    ready = asyncio.Event()
    observer = asyncio.create_task(observe(broker.port, seen, ready))
    try:
        await wait_until(lambda: bridge is not None and bridge.connected, 10, "the agent connected")
        await asyncio.wait_for(ready.wait(), 10)
        await publish(broker.port, [(topic, payload) for topic, payload, _ in BAD])
        await publish(broker.port, [("sideman/solo/in/transport/tempo", {"bpm": 133})])  # still listening
        await wait_until(lambda: any(topic == "sideman/solo/status" and b'"tempo_bpm":133' in p
                                     for _, topic, p in seen), 5, "the good message after the bad ones")
    finally:
        counters = await asyncio.to_thread(agent.stop)
        await asyncio.sleep(0.2)  # the offline status reaches the observer
        observer.cancel()
    errors = [json.loads(p)["message"] for _, topic, p in seen if topic == "sideman/solo/error"]
    for topic, _, expected in BAD:
        assert any(topic in e and expected in e for e in errors), (expected, errors)
    assert counters.input_errors == len(BAD)
    assert bridge is not None and bridge.stats.bad_payloads == len(BAD)
    offline = [p for _, topic, p in seen if topic == "sideman/solo/status"][-1]
    assert json.loads(offline) == {"state": "offline"}  # published on a clean stop, retained
