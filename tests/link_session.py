"""Run inside a private network namespace by tests/test_link.py: a Link peer and the agent following it.

Prints one JSON line of measurements: how long the agent took to join and to follow each tempo change,
and the beat difference (modulo the quantum) between the peer's timeline and the agent's clock.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

import aalink

from agent.app import AgentThread
from agent.config import Config, override
from agent.live.fallback import FallbackGenerator

QUANTUM = 4.0


async def wait_for(condition: Callable[[], bool], timeout_s: float) -> float:
    """Seconds until `condition` held (or -1 after the timeout)."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout_s:
            return -1.0
        await asyncio.sleep(0.01)
    return time.monotonic() - start


def beat_error(peer: aalink.Link, agent: AgentThread) -> float:
    """The agent's beat minus the peer's, folded into [-quantum/2, quantum/2)."""
    diff = agent.agent.clock.beat_now() - float(peer.beat)
    return (diff + QUANTUM / 2) % QUANTUM - QUANTUM / 2


async def main() -> dict[str, object]:
    peer = aalink.Link(100.0)  # the session: a live-coding peer at 100 bpm
    peer.quantum = QUANTUM
    peer.enabled = True
    config = override(Config(), "net", {"listen_port": 0, "send_port": 9})
    config = override(config, "model_path", None)
    config = override(config, "clock", {"source": "link", "link_quantum_beats": QUANTUM})
    agent = AgentThread(config, FallbackGenerator())
    await asyncio.to_thread(agent.start)
    clock = agent.agent.clock
    result: dict[str, object] = {}
    try:
        result["join_s"] = await wait_for(lambda: peer.num_peers >= 1 and clock.running, 10)
        # The session's tempo, not the agent's default (120): the agent's first report may still carry
        # its own tempo for a moment after joining, so wait for it to settle, then check that the
        # session itself was not taken over (aalink#7).
        result["tempo_settle_s"] = await wait_for(lambda: abs(clock.tempo_bpm - 100.0) < 0.01, 3)
        result["tempo_at_join"] = clock.tempo_bpm
        result["session_tempo"] = peer.tempo
        await asyncio.sleep(0.5)
        result["beat_errors"] = [beat_error(peer, agent)]
        for tempo in (140.0, 90.0):
            peer.tempo = tempo
            def settled(t: float = tempo) -> bool:
                return abs(clock.tempo_bpm - t) < 0.01

            result[f"follow_{tempo:g}_s"] = await wait_for(settled, 5)
            await asyncio.sleep(0.5)
            result["beat_errors"].append(beat_error(peer, agent))  # type: ignore[attr-defined]
        result["running"] = clock.running
    finally:
        await asyncio.to_thread(agent.stop)
        peer.enabled = False
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
