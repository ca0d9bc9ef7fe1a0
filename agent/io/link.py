"""Follow an Ableton Link session for tempo and beat instead of a patch's `/playhead` (`clock.source: link`).

For live-coding setups with no DAW playhead: the agent joins the Link session on the local network
and reports the session's tempo and beat into its input queue as `/transport/tempo` and `/playhead`
(agent/io/clock_source.py), read every `report_interval_s`. Song beat = the Link session's beat, so agents
and live-coding peers in one session share one timeline (and MQTT ensembles line up). With
`link_start_stop` the agent follows the session's play/stop (Link's start/stop sync); without it, it
plays as soon as it joins.

Licence: this uses `aalink`, a Python wrapper of Ableton's Link library; both are GPL-2.0-or-later. It is
an optional extra (`pip install -e '.[link]'`) and imported only when this source is chosen, so the
rest of Sideman (MIT) neither needs it nor links to it unless you ask for it.

Quirk (aalink#7, ECOSYSTEM.md): enabling a Link instance right after creating it can impose its start
tempo on the session; the agent waits `_JOIN_DELAY_S` between the two, so it adopts the session's tempo.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from agent.config import ClockSourceConfig
from agent.errors import LinkError
from agent.settings import TEMPO_BPM
from agent.wire.mqtt import Emit
from agent.wire.osc import Play, Playhead, Stop, Tempo

log = logging.getLogger("sideman.io.link")

_JOIN_DELAY_S = 1.5  # aalink#7: 0.5 s avoided the tempo takeover in its reporter's tests, 0.2 s did not; 0.6 s failed once here under load
_TEMPO_EPS_BPM = 0.01  # smaller changes are Link's rounding, not a tempo change (no replan, no log line)


def _aalink() -> Any:
    try:
        import aalink
    except ImportError as exc:
        raise LinkError("clock.source is link, but the Ableton Link bindings are not installed: "
                        "pip install -e '.[link]' (aalink, GPL-2.0)") from exc
    return aalink


class LinkClock:
    """A member of an Ableton Link session that reports its tempo, beat and play state."""

    name = "link"

    def __init__(self, config: ClockSourceConfig, tempo_bpm: float, now: Callable[[], float] = time.monotonic) -> None:
        self._aalink = _aalink()  # fail at start-up, not when the task runs
        self.config = config
        self.tempo_bpm = tempo_bpm
        self.now = now
        self.link: Any = None
        self.peers = 0

    async def run(self, emit: Emit) -> None:
        link = self._aalink.Link(self.tempo_bpm)  # needs the running loop
        link.quantum = self.config.link_quantum_beats
        link.start_stop_sync_enabled = self.config.link_start_stop
        await asyncio.sleep(_JOIN_DELAY_S)
        link.enabled = True
        self.link = link
        log.info("joined the Ableton Link session (quantum %g beats)", self.config.link_quantum_beats)
        tempo, playing = None, None
        while True:
            now = self.now()
            beat, new_tempo = link.beat, link.tempo
            new_playing = link.playing if self.config.link_start_stop else True
            if tempo is None or abs(new_tempo - tempo) >= _TEMPO_EPS_BPM:
                tempo = new_tempo
                emit(Tempo(min(max(tempo, TEMPO_BPM.lo), TEMPO_BPM.hi)), now)  # the contract's range
            if new_playing != playing:
                playing = new_playing
                emit(Play() if playing else Stop(), now)
            if playing:
                emit(Playhead(beat), now)
            self._log_peers(link.num_peers)
            await asyncio.sleep(self.config.report_interval_s)

    def _log_peers(self, peers: int) -> None:
        if peers != self.peers:
            log.info("Ableton Link: %d other peer(s) in the session", peers)
            self.peers = peers

    def close(self) -> None:
        if self.link is not None:
            self.link.enabled = False
            self.link = None
