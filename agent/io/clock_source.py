"""Where song position and tempo come from, when it is not the patch's `/playhead` (config `clock.source`).

A clock source is a task that feeds the agent's input queue with the very messages a patch would send:
`/transport/tempo`, `/transport/play`, `/transport/stop` and `/playhead` every `report_interval_s`,
each stamped with the monotonic time its position was read. So the clock (agent/live/clock.py), the
scheduler and everything else follow it exactly as they follow a patch: drift correction, jumps, the
pause when reports stop. The sources:

- `osc` (default): none here; the patch reports.
- `internal`: free running from start-up at `timing.default_tempo_bpm`, for a keyboard and a synth with no
  patch (MIDI ports). It reports the agent's own clock, so `/transport/tempo`, `/transport/stop` and
  `/transport/play` (over OSC or MQTT) still change tempo, stop and resume it.
- `link`: an Ableton Link session (agent/io/link.py; the optional `link` extra).

Do not send `/playhead` from a patch while another source runs: the two would fight.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol

from agent.config import Config
from agent.live.clock import Clock
from agent.wire.mqtt import Emit
from agent.wire.osc import Play, Playhead, Tempo


class ClockSource(Protocol):
    """A task that reports position and tempo into the input queue (see the module docstring)."""

    name: str

    async def run(self, emit: Emit) -> None:
        """Report until cancelled."""
        ...

    def close(self) -> None:
        """Leave (e.g. the Link session); called once at shutdown."""
        ...


class InternalClock:
    """Free running at the configured tempo from start-up, reporting the agent's own clock."""

    name = "internal"

    def __init__(self, clock: Clock, tempo_bpm: float, interval_s: float,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.tempo_bpm = tempo_bpm
        self.interval_s = interval_s
        self.now = now

    async def run(self, emit: Emit) -> None:
        start = self.now()
        for message in (Tempo(self.tempo_bpm), Play(), Playhead(0.0)):
            emit(message, start)
        while True:
            await asyncio.sleep(self.interval_s)
            now = self.now()
            emit(Playhead(self.clock.beat_at(now)), now)

    def close(self) -> None:
        """Nothing to leave."""


def make_clock_source(config: Config, clock: Clock, now: Callable[[], float] = time.monotonic) -> ClockSource | None:
    """The configured source, or None for `osc` (the patch reports). LinkError if Link is not installed."""
    source = config.clock
    if source.source == "internal":
        return InternalClock(clock, config.timing.default_tempo_bpm, source.report_interval_s, now)
    if source.source == "link":
        from agent.io.link import LinkClock  # only with the optional extra

        return LinkClock(source, config.timing.default_tempo_bpm, now)
    return None
