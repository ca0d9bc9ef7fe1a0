"""A simulated DAW patch over real loopback OSC: the client side of the contract, for demo, bench and tests.

It keeps its own transport (`beat(t) = start + (t - t0) * bpm / 60` on the monotonic clock), sends what
a patch sends (tempo, meter, play, `/playhead` every `playhead_interval_s`, each chord `chord_ahead_beats`
before it starts, the human melody as `/note/on` and `/note/off` when they happen, stop), and records
what the agent sends back. A note's lead time is the time from its arrival to its beat on this
transport; a note that arrives after its beat is late. `/note/cancel` and `/agent/allnotesoff` withdraw
notes that have not started, as a patch would.
"""

from __future__ import annotations

import asyncio
import heapq
import time
from dataclasses import dataclass, field
from typing import Any

from agent.metrics import percentiles
from agent.music.leadsheet import LeadSheet
from agent.wire.osc import (
    OUTBOUND,
    AllNotesOff,
    ChordIn,
    ChordsClear,
    ErrorReply,
    Hello,
    Message,
    NoteCancel,
    NoteOff,
    NoteOn,
    NoteOut,
    Play,
    Playhead,
    Status,
    Stop,
    Tempo,
    TimeSig,
    decode,
    encode,
)


@dataclass(slots=True)
class ReceivedNote:
    note: NoteOut
    arrival_s: float
    lead_s: float  # beat time on the DAW transport minus arrival time
    cancelled: bool = False


@dataclass(slots=True)
class DawReport:
    """What the simulated DAW saw during a run."""

    bpm: float
    beats: float
    human_notes: int = 0
    notes: dict[int, ReceivedNote] = field(default_factory=dict)
    cancels: int = 0
    allnotesoff: int = 0
    errors: list[str] = field(default_factory=list)
    statuses: list[tuple[float, Status]] = field(default_factory=list)  # (arrival, status)

    def played(self) -> list[ReceivedNote]:
        return [n for n in self.notes.values() if not n.cancelled]

    def late(self) -> int:
        return sum(1 for n in self.played() if n.lead_s < 0)

    def lead_ms(self, qs: tuple[float, ...] = (1, 50, 99)) -> list[float]:
        return [v * 1000.0 for v in percentiles([n.lead_s for n in self.played()], qs)]


class _Client(asyncio.DatagramProtocol):
    def __init__(self, daw: SimDaw) -> None:
        self.daw = daw

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.daw.received(data, time.monotonic())

    def error_received(self, exc: Exception) -> None:
        pass  # the agent is not up yet (port unreachable): the next packets will tell


class SimDaw:
    """A patch driving the agent from a lead sheet; `await open()`, then `await run(agent_address)`."""

    def __init__(
        self, sheet: LeadSheet, bpm: float, playhead_interval_s: float = 0.02, preroll_beats: float = 2.0,
        chord_ahead_beats: float = 8.0,
    ) -> None:
        self.sheet = sheet
        self.bpm = bpm
        self.playhead_interval_s = playhead_interval_s
        self.preroll_beats = preroll_beats
        self.chord_ahead_beats = chord_ahead_beats
        self.report = DawReport(bpm, sheet.beats)
        self.transport: asyncio.DatagramTransport | None = None
        self.agent: tuple[str, int] | None = None
        self.t0: float | None = None  # monotonic time of beat -preroll_beats

    async def open(self) -> int:
        """Bind the patch's socket on loopback; return its port (the agent's --send target)."""
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(lambda: _Client(self), local_addr=("127.0.0.1", 0))
        self.transport = transport
        return int(transport.get_extra_info("sockname")[1])

    def send(self, message: Message) -> None:
        assert self.transport is not None and self.agent is not None
        self.transport.sendto(encode(message), self.agent)

    def beat_at(self, t: float) -> float:
        assert self.t0 is not None
        return -self.preroll_beats + (t - self.t0) * self.bpm / 60.0

    def time_of(self, beat: float) -> float:
        assert self.t0 is not None
        return self.t0 + (beat + self.preroll_beats) * 60.0 / self.bpm

    def received(self, data: bytes, t: float) -> None:
        messages, _ = decode(data, OUTBOUND)
        for message in messages:
            self._record(message, t)

    def _record(self, message: Any, t: float) -> None:
        report = self.report
        if isinstance(message, NoteOut):
            lead = self.time_of(message.beat) - t if self.t0 is not None else 0.0
            report.notes[message.id] = ReceivedNote(message, t, lead)
        elif isinstance(message, NoteCancel):
            note = report.notes.get(message.id)
            if note is not None and self.t0 is not None and self.time_of(note.note.beat) > t:
                note.cancelled = True
                report.cancels += 1
        elif isinstance(message, AllNotesOff):
            report.allnotesoff += 1
            for note in report.notes.values():
                if self.t0 is not None and self.time_of(note.note.beat) > t:
                    note.cancelled = True
        elif isinstance(message, ErrorReply):
            report.errors.append(message.message)
        elif isinstance(message, Status):
            report.statuses.append((t, message))

    def _events(self) -> list[tuple[float, int, Message]]:
        """(time, order, message) of the chord track and the human part, on this transport."""
        events: list[tuple[float, int, Message]] = []
        for k, (beat, dur, symbol) in enumerate(self.sheet.chords):
            events.append((self.time_of(beat - self.chord_ahead_beats), k, ChordIn(beat, dur, symbol)))
        for k, note in enumerate(self.sheet.melody):
            events.append((self.time_of(note.beat), 2 * k + 1, NoteOn(note.beat, note.pitch, note.velocity)))
            events.append((self.time_of(note.end_beat), 2 * k, NoteOff(note.end_beat, note.pitch)))
        heapq.heapify(events)
        return events

    async def run(self, agent: tuple[str, int], settle_s: float = 0.3) -> DawReport:
        """Play the lead sheet once through, then stop; return what the agent sent."""
        self.agent = agent
        setup: tuple[Message, ...] = (Hello(self._port()), Tempo(self.bpm), TimeSig(4, 4), ChordsClear())
        for message in setup:
            self.send(message)
        await asyncio.sleep(settle_s)
        self.t0 = time.monotonic()
        events = self._events()
        while events and events[0][0] <= self.t0:  # chords due before the start go out before play
            self.send(heapq.heappop(events)[2])
        self.send(Play())
        end = self.time_of(self.sheet.beats)
        next_playhead = self.t0
        while True:
            now = time.monotonic()
            if now >= next_playhead:
                self.send(Playhead(self.beat_at(now)))
                next_playhead += self.playhead_interval_s
            while events and events[0][0] <= now:
                message = heapq.heappop(events)[2]
                self.report.human_notes += isinstance(message, NoteOn)
                self.send(message)
            if now >= end:
                break
            wake = min(next_playhead, events[0][0] if events else end, end)
            await asyncio.sleep(max(0.0, wake - time.monotonic()))
        self.send(Stop())
        await asyncio.sleep(settle_s)
        return self.report

    def _port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
