"""Chunk planning: which chunk to generate when, deadlines, replans, the fallback when late, pre-roll.

Timing design (song times in performance beats, `agent.live.timeline`; deadlines are absolute
monotonic seconds from the clock)
-----------------------------------------------------------------------------------------------
The performance is cut into chunks on a grid of `plan.chunk_beats` (`agent.live.timing`: at 120 bpm
2 ticks = 1/6 beat, chosen per tempo so the human is heard within 250 ms). A chunk never crosses a
loop wrap: it ends there, and the next one starts at the loop start's performance beat. For the chunk
[h, h + chunk):

    ask time   playhead = h - lead      the chunk is asked for then, not earlier, so the generator
                                        sees human notes up to the playhead only (the model is
                                        told it hears the human chunk + lead late)
    deadline   time_of(h) - safety_ms   its notes must be sent by then; at 120 bpm the lead is
                                        83 ms and safety 20 ms: the model has ~60 ms
    sounding   [h, h + chunk)           the patch plays the notes at their beats on the DAW transport

One request runs at a time, in the single generator worker thread (the model is stateful: calls are
serialised and in order). The scheduler asks for the earliest unplanned chunk once its ask time has
come and the worker is idle. When a chunk's deadline comes and its notes are not sent (the worker is
still busy with it or with an earlier chunk, or the call raised), the fallback generator fills the
chunk on the spot (microseconds) and it is counted; a model result that arrives later is discarded.
So the agent is never silent and never late because the model is slow: at worst it is simpler.

Pre-roll: while the transport is stopped, `prepare(beat)` (the patch reported where play will start)
generates the chunks of the first `preroll_beats` with no deadline and sends them; the patch holds
them until its transport reaches their beat. When play starts there, they stand and planning goes on
after them, so beat 1 sounds the moment the DAW plays. Play that starts elsewhere, after a jump,
starts cold: the first chunk is the first grid point at least `safety_ms` ahead of the playhead.
A jump (seek) silences everything (`/agent/allnotesoff`, which also drops notes the patch has
scheduled), resets the generator, and plans from the new position. An expected loop wrap is not a jump.

A chord change (or a change of parts) that touches a chunk already planned but whose deadline has not
passed withdraws that chunk and every later one: their sent notes get `/note/cancel`, and planning
resumes at the earliest withdrawn chunk (for the generator: a call that starts before the end of the
previous call means "generate again from here", see agent/live/generator.py).

If the patch stops reporting the playhead for `playhead_timeout_s` while playing (it crashed, or its
socket closed), planning pauses rather than playing on into the void; the next report resumes it from
the first chunk ahead, with a fresh generator.

Generated notes are checked before they go out: inside their chunk, one of the requested parts, MIDI
ranges, durations clipped to `max_note_beats` and to the next loop wrap (a note never rings across
it); a note whose beat has already passed is counted late and not sent. Note ids count up and wrap
below 2^24 (exact in Pd's 32-bit floats).

Pure-ish: no sockets and no threads; the caller executes the returned actions (agent/app.py).
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from agent.config import TimingConfig
from agent.live.clock import Clock
from agent.live.generator import GenerationContext, Generator
from agent.live.ring import NoteRing
from agent.live.timeline import Timeline
from agent.live.timing import DEFAULT_DELAYS, LivePlan, plan
from agent.metrics import Counters
from agent.music.events import Note, Part
from agent.wire.osc import MAX_ID

log = logging.getLogger("sideman.live.scheduler")
_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Generate:
    """Run generator.generate(context, start_beat, end_beat) in the worker; report with on_result."""

    request_id: int
    context: GenerationContext
    start_beat: float
    end_beat: float


@dataclass(frozen=True, slots=True)
class ResetGenerator:
    """Run generator.reset() in the worker (after any call already queued)."""


@dataclass(frozen=True, slots=True)
class SendNotes:
    notes: tuple[tuple[int, Note], ...]  # (id, note)
    source: str  # the generator's name


@dataclass(frozen=True, slots=True)
class CancelNotes:
    ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SilenceAll:
    """Send /agent/allnotesoff: stop sounding notes and drop scheduled ones."""


Action = Generate | ResetGenerator | SendNotes | CancelNotes | SilenceAll


@dataclass(slots=True)
class Chunk:
    start_beat: float
    end_beat: float
    request_id: int = -1  # the pending request, -1 once notes are sent
    parts: tuple[Part, ...] = ()  # the parts asked for
    note_ids: list[int] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return self.request_id >= 0


class Scheduler:
    """Keeps generation `lead` beats ahead of the playhead; returns actions, never blocks."""

    def __init__(
        self,
        clock: Clock,
        timing: TimingConfig,
        context_for: Callable[[float, float], GenerationContext],
        fallback: Generator,
        counters: Counters,
        max_note_beats: float = 16.0,
        own_capacity: int = 512,
    ) -> None:
        self.clock = clock
        self.timing = timing  # changed with set_timing, which replans
        self._context_for = context_for
        self._fallback = fallback
        self.own = NoteRing(own_capacity)  # the notes sent: the plan's, so they go when the plan goes
        self._counters = counters
        self._max_note_beats = max_note_beats
        self._chunks: dict[float, Chunk] = {}  # by start beat, in start order
        self._next_start = 0.0
        self._inflight: int | None = None  # request id the worker is busy with
        self._next_request = 0
        self._next_id = 0
        self.model_name = "model"  # names the source of model notes in logs
        self._reports_lost = False  # no /playhead for playhead_timeout_s: planning paused
        self._resumed = False  # reports came back: skip what was missed (see _resume)
        self.timeline = Timeline()  # song <-> performance beats (loops); the session moves it on
        self.delays: tuple[int, ...] = DEFAULT_DELAYS  # the human delays the generator was trained with
        self.plan: LivePlan = self.plan_for(clock.tempo_bpm)
        self.prepared_at: float | None = None  # performance beat the pre-roll starts at (while stopped)
        self._pass_starts: set[float] = set()  # chunk starts where play begins (a note is due there)
        self._prepare_to = -math.inf  # the pre-roll covers up to here

    def plan_for(self, tempo_bpm: float, timing: TimingConfig | None = None) -> LivePlan:
        """The chunk, lead and human delay at `tempo_bpm` with `timing` (default: the current one)."""
        t = timing or self.timing
        return plan(tempo_bpm, t.lead_ms, t.reaction_ms, self.delays, t.delta2_beats)

    def replan_timing(self) -> None:
        """The tempo changed: the next chunks use the plan for the new tempo."""
        self.plan = self.plan_for(self.clock.tempo_bpm)

    def set_timing(self, timing: TimingConfig) -> None:
        """New timing settings (`/agent/set delta1|delta2|lead_ms|reaction_ms`): the next chunks use them."""
        self.timing = timing
        self.replan_timing()

    def set_delays(self, delays: tuple[int, ...]) -> None:
        """The human delays the generator was trained with: the timing plan picks among them."""
        self.delays = tuple(delays)
        self.replan_timing()

    # ---- transport events ----------------------------------------------------------------------

    def start(self) -> list[Action]:
        """The clock synced after play: go on from the pre-roll if play started where it was prepared,
        else plan from the playhead on, with a fresh generator (and silence whatever was prepared)."""
        self._reports_lost = self._resumed = False
        prepared, self.prepared_at = self.prepared_at, None
        playhead = self.clock.beat_now()
        if prepared is not None and prepared - _EPS <= playhead < prepared + self.timing.jump_threshold_beats:
            return self.poll()
        silence: list[Action] = [SilenceAll()] if prepared is not None else []
        self._forget()
        self._next_start = self._first_chunk_start()
        self._pass_starts = {self._next_start}
        return [*silence, ResetGenerator(), *self.poll()]

    def stop(self) -> list[Action]:
        """The transport stopped: silence, forget the plan, reset the generator."""
        self._forget()
        self.prepared_at = None
        return [SilenceAll(), ResetGenerator()]

    def jump(self) -> list[Action]:
        """The playhead jumped (seek) or panic: silence, reset, plan again from the new position."""
        self.prepared_at = None
        return [SilenceAll(), *self.start()]

    def prepare(self, beat: float) -> list[Action]:
        """While stopped: the patch says play will start at `beat` (performance beats). Withdraw any
        earlier pre-roll and generate the first `preroll_beats` from there, to be sent before play."""
        if self.clock.running:
            return []
        ids = tuple(i for c in self._chunks.values() for i in c.note_ids)
        self._forget()  # the own-notes ring goes with the plan
        actions: list[Action] = [CancelNotes(ids)] if ids else []
        if self.timing.preroll_beats <= 0:
            self.prepared_at = None
            return actions
        self.prepared_at, self._next_start = beat, beat
        self._pass_starts = {beat}
        self._prepare_to = beat + max(self.timing.preroll_beats, self.plan.lead_beats + self.plan.chunk_beats)
        return [*actions, ResetGenerator(), *self._prepare_next()]

    def _prepare_next(self) -> list[Action]:
        """Ask for the next pre-roll chunk (one at a time: the worker is serial)."""
        if self.prepared_at is None or self._inflight is not None or self._next_start >= self._prepare_to - _EPS:
            return []
        chunk = Chunk(self._next_start, self._chunk_end(self._next_start))
        self._chunks[chunk.start_beat] = chunk
        self._next_start = chunk.end_beat
        self._counters.chunks += 1
        return [self._request(chunk)]

    def _request(self, chunk: Chunk) -> Generate:
        chunk.request_id = self._inflight = self._next_request
        self._next_request += 1
        context = self._context_for(chunk.start_beat, chunk.end_beat)
        if self._starts_a_pass(chunk.start_beat):
            context = dataclasses.replace(context, downbeat=True)
        chunk.parts = context.parts
        return Generate(chunk.request_id, context, chunk.start_beat, chunk.end_beat)

    def _starts_a_pass(self, beat: float) -> bool:
        """The first chunk after play (prepared or cold) or at a loop wrap: a band comes in there."""
        if beat in self._pass_starts:
            self._pass_starts.discard(beat)
            return True
        return self.timeline.next_wrap_after(beat - _EPS) <= beat + _EPS

    def _forget(self) -> None:
        self._chunks.clear()
        self.own.clear()

    def _first_chunk_start(self) -> float:
        ahead = self.clock.beat_now() + self.clock.beats(self.timing.safety_ms / 1000.0)
        return self._grid_ceil(ahead)

    # ---- grid and deadlines --------------------------------------------------------------------

    def _grid_ceil(self, beat: float) -> float:
        step = self.plan.chunk_beats
        return min(math.ceil(beat / step - _EPS) * step, self.timeline.next_wrap_after(beat - _EPS))

    def _chunk_end(self, start: float) -> float:
        step = self.plan.chunk_beats
        return min((math.floor(start / step + _EPS) + 1) * step, self.timeline.next_wrap_after(start))

    def deadline(self, start_beat: float) -> float:
        """Monotonic time by which the notes of the chunk starting at `start_beat` must be sent."""
        return self.clock.time_of(start_beat) - self.timing.safety_ms / 1000.0

    def _ask_beat(self, start_beat: float) -> float:
        return start_beat - self.plan.lead_beats

    # ---- planning ------------------------------------------------------------------------------

    def _paused(self, now: float) -> bool:
        """True while the patch has not reported the playhead for playhead_timeout_s (it may be gone):
        nothing new is planned or sent, so the agent never plays on into the void; the next report resumes."""
        lost = now - self.clock.last_report_s > self.timing.playhead_timeout_s
        if lost != self._reports_lost:
            self._reports_lost = lost
            if lost:
                log.warning("no /playhead for %.1f s while playing: planning paused until the patch reports",
                            now - self.clock.last_report_s)
            else:
                log.info("/playhead reports again: planning resumed")
                self._resumed = True
        return lost

    def _resume(self) -> list[Action]:
        """After a pause, drop what is now too late to plan and go on from the first chunk ahead."""
        self._resumed = False
        now = self.clock.now()
        for chunk in [c for c in self._chunks.values() if c.pending and now >= self.deadline(c.start_beat)]:
            del self._chunks[chunk.start_beat]  # its late result will be discarded when it comes
        first = self._first_chunk_start()
        if self._next_start >= first:
            return []
        self._next_start = first
        return [ResetGenerator()]  # the generator's history has a gap: start it afresh

    def poll(self) -> list[Action]:
        """Fill chunks whose deadline came, and ask for the next chunk when its time has come."""
        now = self.clock.now()
        if not self.clock.running or self._paused(now):
            return []
        playhead = self.clock.beat_at(now)
        actions: list[Action] = self._resume() if self._resumed else []
        for start in [s for s, c in self._chunks.items() if c.end_beat <= playhead]:
            del self._chunks[start]  # fully sounded
        for chunk in self._chunks.values():
            if chunk.pending and now >= self.deadline(chunk.start_beat):
                actions.append(self._fill_with_fallback(chunk, "the model was late"))
        while playhead >= self._ask_beat(self._next_start) - _EPS:
            chunk = Chunk(self._next_start, self._chunk_end(self._next_start))
            if now < self.deadline(chunk.start_beat) and self._inflight is not None:
                break  # wait for the worker; the deadline timer falls back if it does not come free
            self._chunks[chunk.start_beat] = chunk
            self._next_start = chunk.end_beat
            self._counters.chunks += 1
            if now >= self.deadline(chunk.start_beat):
                actions.append(self._fill_with_fallback(chunk, "the worker was busy"))
                continue
            actions.append(self._request(chunk))
        return actions

    def wakeup(self) -> float | None:
        """The next monotonic time poll() has something to do (None while stopped or paused)."""
        if not self.clock.running or self._paused(self.clock.now()):
            return None
        times = [self.deadline(c.start_beat) for c in self._chunks.values() if c.pending]
        ask_at = self.clock.time_of(self._ask_beat(self._next_start))
        times.append(max(ask_at, self.deadline(self._next_start)) if self._inflight is not None else ask_at)
        return min(times)

    def on_result(self, request_id: int, notes: list[Note] | None, error: BaseException | None) -> list[Action]:
        """The worker finished request `request_id` with `notes` or `error`."""
        if request_id == self._inflight:
            self._inflight = None
        chunk = next((c for c in self._chunks.values() if c.request_id == request_id), None)
        actions: list[Action] = []
        if error is not None:
            self._counters.generator_errors += 1
            log.error("generator failed on request %d: %r", request_id, error)
        if chunk is not None and not self.clock.running and self.prepared_at is not None:
            if error is not None or notes is None:  # pre-roll: no deadline, the fallback fills in
                actions.append(self._fill_with_fallback(chunk, "the model failed"))
            else:
                actions.append(self._send(chunk, notes, self.model_name))
            return actions + self._prepare_next()
        if chunk is None or not self.clock.running:
            self._counters.discarded_results += 1  # withdrawn, stopped, or already filled by the fallback
        elif error is not None or notes is None:
            actions.append(self._fill_with_fallback(chunk, "the model failed"))
        elif self.clock.now() >= self.deadline(chunk.start_beat):
            self._counters.discarded_results += 1
            actions.append(self._fill_with_fallback(chunk, "the model was late"))
        else:
            actions.append(self._send(chunk, notes, self.model_name))
        return actions + (self.poll() if self.clock.running else self._prepare_next())

    def withdraw(self, lo_beat: float, hi_beat: float = math.inf, song: bool = False) -> list[Action]:
        """Replan every chunk not yet due from the first one overlapping [lo_beat, hi_beat) (performance
        beats, or song beats with `song`: a chord edit touches every pass of a loop that plays them)."""
        now = self.clock.now()

        def touches(c: Chunk) -> bool:
            lo, hi = (self.timeline.fold(c.start_beat), self.timeline.fold(c.start_beat)
                      + c.end_beat - c.start_beat) if song else (c.start_beat, c.end_beat)
            return lo < hi_beat and hi > lo_beat

        first = next((c.start_beat for c in self._chunks.values() if touches(c) and now < self.deadline(c.start_beat)),
                     None)
        if first is None:
            return []
        withdrawn = [c for c in self._chunks.values() if c.start_beat >= first]
        ids = tuple(i for c in withdrawn for i in c.note_ids)
        for chunk in withdrawn:
            del self._chunks[chunk.start_beat]
        self._next_start = first
        self._counters.replans += len(withdrawn)
        self._counters.notes_cancelled += len(ids)
        self.own.remove_ids(set(ids))
        actions: list[Action] = [CancelNotes(ids)] if ids else []
        return actions + self.poll()

    # ---- filling chunks ------------------------------------------------------------------------

    def _fill_with_fallback(self, chunk: Chunk, reason: str) -> SendNotes:
        self._counters.fallback_chunks += 1
        log.debug("chunk [%g, %g): fallback (%s) at beat %.3f, deadline in %.3f s", chunk.start_beat, chunk.end_beat, reason, self.clock.beat_now(), self.deadline(chunk.start_beat) - self.clock.now())
        context = self._context_for(chunk.start_beat, chunk.end_beat)
        chunk.parts = context.parts
        notes = self._fallback.generate(context, chunk.start_beat, chunk.end_beat)
        return self._send(chunk, notes, self._fallback.name)

    def _send(self, chunk: Chunk, notes: list[Note], source: str) -> SendNotes:
        chunk.request_id = -1
        playhead = self.clock.beat_now()
        out: list[tuple[int, Note]] = []
        for note in sorted(notes, key=lambda n: (n.beat, n.pitch)):
            checked = self._check(note, chunk)
            if checked is None:
                continue
            if checked.beat < playhead:
                self._counters.late_notes += 1
                continue
            note_id, self._next_id = self._next_id, (self._next_id + 1) % MAX_ID
            chunk.note_ids.append(note_id)
            self.own.add(checked, note_id)
            out.append((note_id, checked))
        self._counters.notes_sent += len(out)
        return SendNotes(tuple(out), source)

    def _check(self, note: Note, chunk: Chunk) -> Note | None:
        """The note as it may be sent (duration clipped), or None if it is outside the contract."""
        ok = (
            chunk.start_beat - _EPS <= note.beat < chunk.end_beat
            and note.part in chunk.parts
            and 0 <= note.pitch <= 127
            and 1 <= note.velocity <= 127
            and math.isfinite(note.dur_beats) and note.dur_beats > 0
        )
        if not ok:
            self._counters.invalid_notes += 1
            return None
        longest = min(self._max_note_beats, self.timeline.next_wrap_after(note.beat) - note.beat)
        if note.dur_beats > longest:
            return Note(note.beat, longest, note.pitch, note.velocity, note.part)
        return note
