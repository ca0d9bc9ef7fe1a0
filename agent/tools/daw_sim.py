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
import math
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
    LoopBrace,
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
    lead_s: float  # sounding time on the DAW transport minus arrival time (inf: never sounds)
    cancelled: bool = False
    performed_beat: float = math.nan  # beats since play at which it sounds (nan: never)


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
    human_arrivals: list[tuple[float, float]] = field(default_factory=list)  # (sent at, song beat) of note-ons
    start_beat: float = 0.0
    loop: tuple[float, float] | None = None
    passes: int = 1

    def played(self) -> list[ReceivedNote]:
        return [n for n in self.notes.values() if not n.cancelled and math.isfinite(n.lead_s)]

    def late(self) -> int:
        return sum(1 for n in self.played() if n.lead_s < 0)

    def past_loop_end(self) -> int:
        """Notes the agent sent at or past the loop end: a looping DAW never plays them."""
        if self.loop is None:
            return 0
        return sum(1 for n in self.notes.values() if not n.cancelled and n.note.beat >= self.loop[1] - 1e-6)

    def lead_ms(self, qs: tuple[float, ...] = (1, 50, 99)) -> list[float]:
        return [v * 1000.0 for v in percentiles([n.lead_s for n in self.played()], qs)]

    def pass_starts(self) -> list[float]:
        """Beats since play at which each pass begins (play, then every loop wrap)."""
        if self.loop is None:
            return [0.0]
        first = self.loop[1] - self.start_beat
        return [0.0] + [first + k * (self.loop[1] - self.loop[0]) for k in range(self.passes - 1)]

    def notes_in(self, lo: float, hi: float) -> int:
        """Played notes sounding in [lo, hi) beats since play."""
        return sum(1 for n in self.played() if lo - 1e-6 <= n.performed_beat < hi - 1e-6)


class Transport:
    """The DAW's transport: starts at `start_beat`, loops [loop) if given; beats since play <-> song beats."""

    def __init__(self, bpm: float, start_beat: float, loop: tuple[float, float] | None) -> None:
        self.bps = bpm / 60.0
        self.start_beat, self.loop = start_beat, loop
        self.t0: float | None = None  # monotonic time of play

    def song_beat(self, performed: float) -> float:
        """Song beat at `performed` beats since play."""
        linear = self.start_beat + performed
        if self.loop is None or self.start_beat >= self.loop[1] or linear < self.loop[1]:
            return linear
        start, end = self.loop
        return start + (linear - end) % (end - start)

    def performed_of(self, song_beat: float, after: float, late_ok: bool = False) -> float:
        """The first beat since play, at or after `after`, at which `song_beat` sounds (inf: never).

        With `late_ok`, a note less than half a loop behind `after` inside the loop is late on this pass
        (its beat is returned, before `after`), as patches/OSC.md tells a patch to judge it."""
        lin = song_beat - self.start_beat
        if self.loop is None or self.start_beat >= self.loop[1]:
            return lin if lin >= after - 1e-9 else math.inf
        start, end = self.loop
        if late_ok and start <= song_beat < end and after > 0:
            behind = (self.song_beat(after) - song_beat) % (end - start)
            if 0 < behind < (end - start) / 2:  # a little behind: late on this pass, not the next one
                return after - behind
        if song_beat >= end or song_beat < min(start, self.start_beat):
            return lin if song_beat >= end and self.start_beat >= end else math.inf
        if song_beat < start:  # before the loop: only on the way in
            return lin if lin >= after - 1e-9 else math.inf
        first = lin if song_beat >= self.start_beat else (end - self.start_beat) + (song_beat - start)
        if first >= after - 1e-9:
            return first
        length = end - start
        return first + math.ceil((after - first) / length - 1e-9) * length

    def performed_at(self, t: float) -> float:
        assert self.t0 is not None
        return (t - self.t0) * self.bps

    def time_at(self, performed: float) -> float:
        assert self.t0 is not None
        return self.t0 + performed / self.bps


class _Client(asyncio.DatagramProtocol):
    def __init__(self, daw: SimDaw) -> None:
        self.daw = daw

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.daw.received(data, time.monotonic())

    def error_received(self, exc: Exception) -> None:
        pass  # the agent is not up yet (port unreachable): the next packets will tell


class SimDaw:
    """A patch driving the agent from a lead sheet; `await open()`, then `await run(agent_address)`.

    As a DAW has it: the transport starts at `start_beat` the moment it plays (with `preroll_beats` > 0
    it starts that many beats earlier, a count-in, as the first versions of this simulator did); with
    `loop` it wraps from the loop end to the loop start for `passes` passes and tells the agent
    (`/transport/loop`); while stopped it reports where play will start (`/playhead`) and waits
    `wait_before_play_s`, and it keeps the notes it receives until its transport reaches their beat.
    Chords go out `chord_ahead_beats` before they start, or all at once before play when looping (as
    the Max device reads the chord clip through the Live API).
    """

    def __init__(
        self, sheet: LeadSheet, bpm: float, playhead_interval_s: float = 0.02, preroll_beats: float = 2.0,
        chord_ahead_beats: float = 8.0, start_beat: float = 0.0, loop: tuple[float, float] | None = None,
        passes: int = 1, wait_before_play_s: float = 0.0, human: bool = True,
    ) -> None:
        self.sheet = sheet
        self.bpm = bpm
        self.playhead_interval_s = playhead_interval_s
        self.preroll_beats = preroll_beats
        self.chord_ahead_beats = chord_ahead_beats
        self.loop, self.passes, self.human = loop, passes, human
        self.wait_before_play_s = wait_before_play_s
        self.transport_ = Transport(bpm, start_beat - preroll_beats, loop)
        length = (loop[1] - start_beat) + (passes - 1) * (loop[1] - loop[0]) if loop else sheet.beats - start_beat
        self.length_beats = length + preroll_beats  # beats played from play to stop
        self.report = DawReport(bpm, sheet.beats, start_beat=start_beat - preroll_beats, loop=loop,
                                passes=passes if loop else 1)
        self.transport: asyncio.DatagramTransport | None = None
        self.agent: tuple[str, int] | None = None

    @property
    def t0(self) -> float | None:
        """Monotonic time of play (None before)."""
        return self.transport_.t0

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
        """The song beat the transport is at, at monotonic time `t` (after play)."""
        return self.transport_.song_beat(self.transport_.performed_at(t))

    def time_of(self, beat: float) -> float:
        """When song `beat` first sounds after play (linear: the first pass)."""
        performed = self.transport_.performed_of(beat, 0.0)
        return self.transport_.time_at(performed) if math.isfinite(performed) else math.inf

    def received(self, data: bytes, t: float) -> None:
        messages, _ = decode(data, OUTBOUND)
        for message in messages:
            self._record(message, t)

    def _sounds_at(self, beat: float, t: float) -> tuple[float, float]:
        """(beats since play, time) at which a note for song `beat` received at `t` sounds."""
        tr = self.transport_
        now = tr.performed_at(t) if tr.t0 is not None else 0.0
        performed = tr.performed_of(beat, max(now, 0.0), late_ok=True)
        if tr.t0 is None:  # held until play; the time is fixed when play comes (see run)
            return performed, math.nan
        return performed, tr.time_at(performed) if math.isfinite(performed) else math.inf

    def _record(self, message: Any, t: float) -> None:
        report = self.report
        if isinstance(message, NoteOut):
            performed, when = self._sounds_at(message.beat, t)
            report.notes[message.id] = ReceivedNote(message, t, when - t if self.t0 is not None else math.nan,
                                                    performed_beat=performed)
        elif isinstance(message, NoteCancel):
            note = report.notes.get(message.id)
            if note is not None and not self._sounded(note, t):
                note.cancelled = True
                report.cancels += 1
        elif isinstance(message, AllNotesOff):
            report.allnotesoff += 1
            for note in report.notes.values():
                if not self._sounded(note, t):
                    note.cancelled = True
        elif isinstance(message, ErrorReply):
            report.errors.append(message.message)
        elif isinstance(message, Status):
            report.statuses.append((t, message))

    def _sounded(self, note: ReceivedNote, t: float) -> bool:
        if self.t0 is None or not math.isfinite(note.performed_beat):
            return False
        return self.transport_.time_at(note.performed_beat) <= t

    def _events(self) -> list[tuple[float, int, Message]]:
        """(beats since play, order, message) of the chord track and the human part, on this transport."""
        events: list[tuple[float, int, Message]] = []
        tr = self.transport_
        if self.loop is None:
            for k, (beat, dur, symbol) in enumerate(self.sheet.chords):
                events.append((beat - self.chord_ahead_beats - tr.start_beat, k, ChordIn(beat, dur, symbol)))
        if not self.human:
            return events
        for k, note in enumerate(self.sheet.melody):
            onset = tr.performed_of(note.beat, 0.0)
            while math.isfinite(onset) and onset < self.length_beats:
                end = onset + note.dur_beats
                off_beat = tr.song_beat(end) if tr.song_beat(end) > note.beat else note.beat + note.dur_beats
                events.append((onset, 2 * k + 1, NoteOn(note.beat, note.pitch, note.velocity)))
                events.append((end, 2 * k, NoteOff(off_beat, note.pitch)))
                onset = tr.performed_of(note.beat, onset + 1e-6) if self.loop else math.inf
        heapq.heapify(events)
        return events

    async def run(self, agent: tuple[str, int], settle_s: float = 0.3) -> DawReport:
        """Play the lead sheet (or its loop, `passes` times) from stop, then stop; return what the agent sent."""
        self.agent = agent
        tr = self.transport_
        setup: list[Message] = [Hello(self._port()), Tempo(self.bpm), TimeSig(4, 4), ChordsClear()]
        if self.loop is not None:
            setup.append(LoopBrace(1, *self.loop))
            setup += [ChordIn(beat, dur, symbol) for beat, dur, symbol in self.sheet.chords]
        events = self._events()
        before_play: list[Message] = []
        while events and events[0][0] <= 0.0:  # due before the start: chords are known at load (the
            message = heapq.heappop(events)[2]  # device reads the chord clip), before the stopped report
            (setup if isinstance(message, ChordIn) else before_play).append(message)
        if self.preroll_beats == 0:
            setup.append(Playhead(tr.start_beat))  # stopped: play will start here
        for message in setup:
            self.send(message)
        await asyncio.sleep(settle_s + self.wait_before_play_s)
        tr.t0 = time.monotonic()
        self._fix_held_notes()
        for message in before_play:
            self.send(message)
        self.send(Play())
        end = tr.time_at(self.length_beats)
        next_playhead = tr.t0
        while True:
            now = time.monotonic()
            if now >= next_playhead:
                self.send(Playhead(self.beat_at(now)))
                next_playhead += self.playhead_interval_s
            while events and tr.time_at(events[0][0]) <= now:
                message = heapq.heappop(events)[2]
                if isinstance(message, NoteOn):
                    self.report.human_notes += 1
                    self.report.human_arrivals.append((now, message.beat))
                self.send(message)
            if now >= end:
                break
            wake = min(next_playhead, tr.time_at(events[0][0]) if events else end, end)
            await asyncio.sleep(max(0.0, wake - time.monotonic()))
        self.send(Stop())
        await asyncio.sleep(settle_s)
        return self.report

    def _fix_held_notes(self) -> None:
        """Notes received while stopped sound at their beat after play: their lead is now known."""
        for note in self.report.notes.values():
            if math.isnan(note.lead_s) and math.isfinite(note.performed_beat):
                note.lead_s = self.transport_.time_at(note.performed_beat) - note.arrival_s
            elif math.isnan(note.lead_s):
                note.lead_s = math.inf

    def _port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
