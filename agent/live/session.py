"""The live state machine: decoded input in, outbound messages and worker requests out.

A `Session` owns the clock, the ring buffers (human notes, own notes, chord track), the runtime
parameters and the scheduler. `handle(message)` applies one decoded OSC message in O(1) (or O(buffer)
for a chord change, which replans) and returns the effects for the caller to carry out: OSC messages
to send, and `Generate` / `ResetGenerator` requests for the worker thread. No sockets, no threads, so
tests drive it with a fake clock.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable
from typing import Any

from agent.config import PART_NAMES, Config, TimingConfig
from agent.live.clock import Clock, ClockEvent
from agent.live.ensemble import EnsembleBuffer
from agent.live.generator import GenerationContext, Generator, SamplingParams
from agent.live.ring import ChordTrack, NoteRing
from agent.live.scheduler import (
    Action,
    CancelNotes,
    Generate,
    ResetGenerator,
    Scheduler,
    SendNotes,
    SilenceAll,
)
from agent.live.timeline import MIN_LOOP_BEATS, Loop
from agent.live.timing import plan as plan_timing
from agent.metrics import Counters, RateLimiter
from agent.music.chords import parse_symbol
from agent.music.events import ChordSpan, Note, Part, parse_parts, part_for_program
from agent.wire.mqtt import EnsembleCancel, EnsembleIn, EnsembleNotes, EnsembleSilence
from agent.wire.osc import (
    Addressed,
    AllNotesOff,
    ChordIn,
    ChordsClear,
    ErrorReply,
    Hello,
    HumanNote,
    InMessage,
    Instruments,
    LoopBrace,
    NoteCancel,
    NoteOff,
    NoteOn,
    NoteOut,
    OutMessage,
    Panic,
    Play,
    Playhead,
    SetParam,
    Status,
    Stop,
    Subscribe,
    Target,
    Tempo,
    TimeSig,
)

log = logging.getLogger("sideman.live.session")

Effect = OutMessage | Addressed | Generate | ResetGenerator
TimingCheck = Callable[[TimingConfig], "str | None"]  # the timing asked for -> why the model can't, or None
_MAX_ID_PARTS = 8192  # note id -> part remembered for routing cancels

_MIN_HELD_BEATS = 1.0 / 64  # a held human note is shown with at least this duration
_INT32_MAX = 2**31 - 1

#: /agent/set name -> (kind, lo, hi, lo_open, SamplingParams/TimingConfig field)
SET_PARAMS: dict[str, tuple[str, float, float, bool, str]] = {
    "temperature": ("f", 0.0, 2.0, True, "temperature"),
    "top_p": ("f", 0.0, 1.0, True, "top_p"),
    "guidance": ("f", -5.0, 5.0, True, "guidance"),
    "seed": ("i", -1, 2**31 - 1, False, "seed"),
    "delta1": ("f", 0.0, 32.0, False, "delta1_beats"),
    "delta2": ("f", 0.0, 8.0, False, "delta2_beats"),
    "lead_ms": ("f", 10.0, 4000.0, False, "lead_ms"),
    "reaction_ms": ("f", 50.0, 4000.0, False, "reaction_ms"),
    "parts": ("s", 0, 0, False, "parts"),
    "activity": ("f", -1.0, 1.0, False, "activity"),
}
#: /agent/set <part>.<name> -> (kind, lo, hi, PartOutput field)
PART_SET_PARAMS: dict[str, tuple[str, float, float, str]] = {
    "activity": ("f", -1.0, 1.0, "activity"),
    "octave": ("i", -3, 3, "octave"),
    "velocity": ("f", 0.25, 2.0, "velocity_scale"),
}


class Session:
    """Applies input to the live state; returns what to send and what the worker must run."""

    def __init__(
        self, config: Config, clock: Clock, fallback: Generator, counters: Counters,
        model_name: str = "fallback", check_timing: TimingCheck | None = None,
    ) -> None:
        rt = config.runtime
        self.config = config
        self.clock = clock
        self.counters = counters
        self.model_name = model_name
        self.timing = config.timing
        self.params = SamplingParams(**dataclasses.asdict(config.sampling))
        self.parts = parse_parts(",".join(config.parts.play))
        self.meter = (4, 4)
        self.bar_origin_beat = 0.0
        self.human = NoteRing(rt.human_capacity)
        self.own = NoteRing(rt.own_capacity)
        self.chords = ChordTrack(rt.chord_capacity)
        self.ensemble = EnsembleBuffer(rt.human_capacity)  # other agents' notes (MQTT), agent/live/ensemble.py
        self.reply_ports: dict[tuple[str, int], None] = {}  # /agent/hello targets, oldest first
        self._held: dict[int, tuple[float, int]] = {}  # pitch -> (onset beat, velocity) of /note/on
        self._check_timing = check_timing
        self._errors = RateLimiter(rt.error_replies_per_s, clock.now)
        self._channels = {Part[n.upper()]: config.parts.output(n).channel for n in PART_NAMES}
        self.outputs = {Part[n.upper()]: config.parts.output(n) for n in PART_NAMES}  # octave, velocity, activity
        self.subscriptions: dict[Target, tuple[Part, ...]] = {}  # /agent/subscribe: port -> its parts
        self._id_parts: dict[int, Part] = {}  # recent note ids -> part, to route their cancels
        self.scheduler = Scheduler(clock, self.timing, self.context_for, fallback, self.own, counters,
                                   rt.max_note_beats)
        self.scheduler.model_name = model_name
        self.timeline = self.scheduler.timeline

    def set_human_delays(self, delays: tuple[int, ...]) -> None:
        """The human delays the generator was trained with: the timing plan picks among them."""
        self.scheduler.delays = tuple(delays)
        self.scheduler.replan_timing()

    # ---- input ---------------------------------------------------------------------------------

    def handle(
        self, message: InMessage | EnsembleIn, sender: tuple[str, int] | None = None,
        received_s: float | None = None,
    ) -> list[Effect]:
        """Apply one decoded input message (received at monotonic `received_s`, default now)."""
        self.counters.packets_handled += 1
        if isinstance(message, Playhead):  # the one message whose meaning depends on when it arrived
            return self._playhead(message, received_s)
        handler = _HANDLERS.get(type(message))
        assert handler is not None, f"no handler for {type(message).__name__}"
        return handler(self, message, sender)

    def input_error(self, message: str) -> list[Effect]:
        """Count a bad input; answer it with /agent/error unless the rate limit says otherwise."""
        self.counters.input_errors += 1
        if not self._errors.allow():
            self.counters.errors_suppressed += 1
            return []
        log.warning("bad input: %s", message)
        return [ErrorReply(message)]

    def poll(self) -> list[Effect]:
        if self.clock.running:
            self.timeline.advance(self.clock.beat_now())
        return self._effects(self.scheduler.poll())

    def on_result(self, request_id: int, notes: list[Note] | None, error: BaseException | None) -> list[Effect]:
        return self._effects(self.scheduler.on_result(request_id, notes, error))

    def _play(self, msg: Play, sender: Any) -> list[Effect]:
        if not self.clock.playing:
            log.info("transport playing")
        self.clock.play()
        return []

    def _stop(self, msg: Stop, sender: Any) -> list[Effect]:
        if self.clock.playing:
            log.info("transport stopped at beat %.2f", self.clock.beat_now())
        self.clock.stop()
        self._held.clear()
        return self._effects(self.scheduler.stop())

    def _tempo(self, msg: Tempo, sender: Any) -> list[Effect]:
        if msg.bpm != self.clock.tempo_bpm:
            self.clock.set_tempo(msg.bpm)
            self.scheduler.replan_timing()
            plan = self.scheduler.plan
            log.info("tempo %g bpm: chunks of %.3g beats asked %.3g beats ahead, the human heard %d ticks late",
                     msg.bpm, plan.chunk_beats, plan.lead_beats, plan.delay_ticks)
        return []

    def _timesig(self, msg: TimeSig, sender: Any) -> list[Effect]:
        if self.clock.running:  # a DAW changes meter at a bar line: the next one under the old meter
            bar = self.meter[0] * 4.0 / self.meter[1]
            bars = math.ceil((self.clock.beat_now() - self.bar_origin_beat) / bar - 1e-6)
            self.bar_origin_beat += bars * bar
        self.meter = (msg.numerator, msg.denominator)
        return []

    def _playhead(self, msg: Playhead, received_s: float | None) -> list[Effect]:
        """Song beat in, performance beat to the clock (an expected loop wrap is no jump)."""
        t = self.clock.now() if received_s is None else received_s
        if self.clock.running:  # near where the clock expects the DAW: a wrap is not a jump
            beat = self.timeline.unroll(msg.beat, self.clock.beat_at(t))
        else:  # stopped, or the first report after play: the DAW is where it says
            beat = msg.beat + self.timeline.offset
        event = self.clock.observe(beat, received_s)
        if event is ClockEvent.JUMP:
            self.timeline.relocate(msg.beat, beat)
            self.human.clear()
            self.ensemble.clear()
            self._held.clear()
        if event is ClockEvent.SYNC:
            self.timeline.relocate(msg.beat, beat)
            return self._effects(self.scheduler.start())
        if not self.clock.playing:  # stopped: play will start here, have the first beat ready
            prepared = self.scheduler.prepared_at
            if prepared is None or abs(prepared - beat) > 0.01:
                return self._effects(self.scheduler.prepare(beat))
            return []
        if event is ClockEvent.JUMP and self.clock.running:
            self.counters.jumps += 1
            log.info("playhead jumped to beat %.2f: replanning", msg.beat)
            return self._effects(self.scheduler.jump())
        self.timeline.advance(self.clock.beat_now())
        return []

    def _loop(self, msg: LoopBrace, sender: Any) -> list[Effect]:
        if msg.on and msg.end_beat - msg.start_beat < MIN_LOOP_BEATS:
            return self.input_error(f"/transport/loop: the loop {msg.start_beat:g}..{msg.end_beat:g} is shorter "
                                    f"than {MIN_LOOP_BEATS:g} beat; looping unchanged")
        loop = Loop(msg.start_beat, msg.end_beat) if msg.on else None
        if loop == self.timeline.loop:
            return []
        before = self.timeline.wrap_at
        self.timeline.set_loop(loop, self.clock.beat_now())
        log.info("loop %s", f"{loop.start_beat:g}..{loop.end_beat:g}" if loop else "off")
        return self._replan_from(min(before, self.timeline.wrap_at))

    def _chord(self, msg: ChordIn, sender: Any) -> list[Effect]:
        chord = parse_symbol(msg.symbol)  # checked by the codec
        end = msg.beat + msg.dur_beats
        if chord is None:
            changed = self.chords.erase(msg.beat, end)
        else:
            changed = self.chords.put(ChordSpan(msg.beat, msg.dur_beats, chord))
        return self._replan(msg.beat, end) if changed else []

    def _chords_clear(self, msg: ChordsClear, sender: Any) -> list[Effect]:
        return self._replan(-math.inf, math.inf) if self.chords.clear() else []

    def _replan(self, lo_song: float, hi_song: float) -> list[Effect]:
        """Song beats [lo, hi) changed (chords): replan the planned chunks that play them."""
        if not self.clock.running:
            return self._reprepare()
        return self._effects(self.scheduler.withdraw(lo_song, hi_song, song=True))

    def _replan_from(self, beat: float) -> list[Effect]:
        """Everything planned from performance `beat` on is stale (parts, loop, knobs)."""
        if not self.clock.running:
            return self._reprepare()
        return self._effects(self.scheduler.withdraw(beat, math.inf))

    def _reprepare(self) -> list[Effect]:
        prepared = self.scheduler.prepared_at
        return self._effects(self.scheduler.prepare(prepared)) if prepared is not None else []

    def _heard_at(self, song_beat: float) -> float:
        """A human note's song beat on the performance timeline (near the playhead)."""
        return self.timeline.unroll(song_beat, self.clock.beat_now())

    def _note(self, msg: HumanNote, sender: Any) -> list[Effect]:
        self.human.add(Note(self._heard_at(msg.beat), msg.dur_beats, msg.pitch, msg.velocity, Part.HUMAN))
        return []

    def _note_on(self, msg: NoteOn, sender: Any) -> list[Effect]:
        if msg.velocity == 0:
            return self._note_off(NoteOff(msg.beat, msg.pitch), sender)
        self._held[msg.pitch] = (self._heard_at(msg.beat), msg.velocity)
        return []

    def _note_off(self, msg: NoteOff, sender: Any) -> list[Effect]:
        held = self._held.pop(msg.pitch, None)
        if held is not None:  # an off without its on (agent started mid-note) is ignored
            onset, velocity = held
            end = self._heard_at(msg.beat)
            self.human.add(Note(onset, max(end - onset, _MIN_HELD_BEATS), msg.pitch, velocity, Part.HUMAN))
        return []

    def _instruments(self, msg: Instruments, sender: Any) -> list[Effect]:
        parts: list[Part] = []
        errors: list[Effect] = []
        for program in msg.programs:
            part = part_for_program(program, set(parts))
            if part is None:
                errors += self.input_error("/agent/instruments: program 128 is drums, and the model plays "
                                           "no drums; the other programs are used")
            elif part not in parts:
                parts.append(part)
        if not parts:
            return errors + self.input_error("/agent/instruments: no playable program; parts unchanged")
        return errors + self._set_parts(tuple(parts))

    def _set_parts(self, parts: tuple[Part, ...]) -> list[Effect]:
        if parts == self.parts:
            return []
        self.parts = parts
        log.info("agent plays: %s", ", ".join(p.name.lower() for p in parts) or "nothing")
        return self._replan_from(-math.inf)

    def _panic(self, msg: Panic, sender: Any) -> list[Effect]:
        log.info("panic: all notes off, plan dropped")
        if self.clock.running:
            return self._effects(self.scheduler.jump())
        return self._effects(self.scheduler.stop())

    def _ensemble(self, msg: EnsembleIn, sender: Any) -> list[Effect]:
        if isinstance(msg, EnsembleNotes):
            self.ensemble.add(msg)
        elif isinstance(msg, EnsembleCancel):
            self.ensemble.cancel(msg, self.clock.beat_now())
        else:
            self.ensemble.silence(msg, self.clock.beat_now())
        return []

    def _hello(self, msg: Hello, sender: tuple[str, int] | None) -> list[Effect]:
        host = sender[0] if sender else "127.0.0.1"
        self.reply_ports.pop((host, msg.port), None)
        self.reply_ports[(host, msg.port)] = None
        while len(self.reply_ports) > self.config.net.max_reply_targets:
            del self.reply_ports[next(iter(self.reply_ports))]
        log.info("replies also go to %s:%d", host, msg.port)
        return []

    def _subscribe(self, msg: Subscribe, sender: tuple[str, int] | None) -> list[Effect]:
        host = sender[0] if sender else "127.0.0.1"
        try:
            parts = parse_parts(msg.parts)
        except ValueError as exc:
            return self.input_error(f"/agent/subscribe: {exc}")
        target = (host, msg.port)
        self.subscriptions.pop(target, None)
        if parts:
            self.subscriptions[target] = parts
            while len(self.subscriptions) > self.config.net.max_reply_targets:
                del self.subscriptions[next(iter(self.subscriptions))]
        log.info("%s:%d gets %s", host, msg.port, ", ".join(p.name.lower() for p in parts) or "nothing of its own")
        wanted = tuple(dict.fromkeys((*self.parts, *parts)))
        return self._set_parts(wanted)

    # ---- /agent/set ----------------------------------------------------------------------------

    def _set(self, msg: SetParam, sender: Any) -> list[Effect]:
        part_name, dot, key = msg.name.partition(".")
        if dot:
            return self._set_part(msg, part_name, key)
        entry = SET_PARAMS.get(msg.name)
        if entry is None:
            allowed = ", ".join([*SET_PARAMS, *(f"<part>.{k}" for k in PART_SET_PARAMS)])
            return self.input_error(f"/agent/set: unknown name {msg.name!r} (allowed: {allowed})")
        try:
            value = _set_value(msg.name, msg.value, entry)
        except (TypeError, ValueError) as exc:
            return self.input_error(f"/agent/set {msg.name}: {exc}")
        name = entry[4]
        if msg.name == "parts":
            return self._set_parts(parse_parts(str(value)))
        if name in {f.name for f in dataclasses.fields(TimingConfig)}:
            return self._set_timing(msg.name, dataclasses.replace(self.timing, **{name: value}))
        self.params = dataclasses.replace(self.params, **{name: value})
        log.info("set %s = %s", msg.name, value)
        return self._replan_from(self.clock.beat_now()) if msg.name == "activity" else []

    def _set_part(self, msg: SetParam, part_name: str, key: str) -> list[Effect]:
        entry = PART_SET_PARAMS.get(key)
        if part_name not in PART_NAMES or entry is None:
            return self.input_error(f"/agent/set: unknown name {msg.name!r} (per part: <part>.activity, "
                                    f"<part>.octave, <part>.velocity with <part> one of {', '.join(PART_NAMES)})")
        kind, lo, hi, field_name = entry
        try:
            value = _set_value(msg.name, msg.value, (kind, lo, hi, False, field_name))
        except (TypeError, ValueError) as exc:
            return self.input_error(f"/agent/set {msg.name}: {exc}")
        part = Part[part_name.upper()]
        self.outputs[part] = dataclasses.replace(self.outputs[part], **{field_name: value})
        log.info("set %s = %s", msg.name, value)
        return self._replan_from(self.clock.beat_now()) if key == "activity" else []

    def _set_timing(self, name: str, timing: TimingConfig) -> list[Effect]:
        reason = self._check_timing(timing) if self._check_timing else None
        planned = plan_timing(self.clock.tempo_bpm, timing.lead_ms, timing.reaction_ms, self.scheduler.delays,
                       timing.delta2_beats)
        if reason is None and not planned.fits:
            reason = (f"a chunk of {timing.delta2_beats:g} beats plus a lead of {timing.lead_ms:g} ms exceeds the "
                      f"longest human delay it was trained with ({max(self.scheduler.delays)} ticks of 1/12 beat)"
                      "; use delta2 0 (chosen per tempo) or a shorter chunk")
        if reason:
            return self.input_error(f"/agent/set {name}: the loaded model can't do that ({reason})")
        self.timing = self.scheduler.timing = timing
        self.scheduler.replan_timing()
        plan = self.scheduler.plan
        log.info("timing now delta1 %g beats, chunks of %.3g beats asked %.3g beats ahead (lead %g ms), "
                 "the human heard %d ticks late", timing.delta1_beats, plan.chunk_beats, plan.lead_beats,
                 timing.lead_ms, plan.delay_ticks)
        return []

    # ---- output --------------------------------------------------------------------------------

    def context_for(self, start_beat: float, end_beat: float) -> GenerationContext:
        """A snapshot for the chunk [start_beat, end_beat): chords to end + delta1, humans to the playhead."""
        playhead = self.clock.beat_now()
        since = playhead - self.timing.history_beats
        held = tuple(
            Note(onset, max(playhead - onset, _MIN_HELD_BEATS), pitch, velocity, Part.HUMAN)
            for pitch, (onset, velocity) in self._held.items() if since <= onset <= playhead
        )
        heard = self.human.window(since, playhead) + held + self.ensemble.window(since, playhead)
        human = tuple(sorted(heard, key=lambda n: (n.beat, n.pitch)))
        return GenerationContext(
            playhead_beat=playhead,
            tempo_bpm=self.clock.tempo_bpm,
            meter=self.meter,
            chords=self._chords_performed(since, end_beat + self.timing.delta1_beats),
            human=human,
            own=self.own.window(since, start_beat - 1e-9),
            parts=self.parts,
            params=self.params,
            bar_origin_beat=self.bar_origin_beat,
            human_delay_ticks=self.scheduler.plan.delay_ticks,
            activity=self._activity(),
        )

    def _activity(self) -> tuple[tuple[Part, float], ...]:
        """Each played part's activity where one is set (its own, else the global knob)."""
        out = []
        for part in self.parts:
            own = self.outputs[part].activity
            value = own if own >= 0 else self.params.activity
            if value >= 0:
                out.append((part, value))
        return tuple(out)

    def _chords_performed(self, lo: float, hi: float) -> tuple[ChordSpan, ...]:
        """The chord track over performance beats [lo, hi): the song's chords, unrolled over loop wraps."""
        spans: list[ChordSpan] = []
        for u0, u1, song0 in self.timeline.segments(lo, hi):
            shift = u0 - song0
            for span in self.chords.window(song0, song0 + (u1 - u0)):
                begin, end = max(span.beat, song0), min(span.end_beat, song0 + (u1 - u0))
                if end > begin:
                    spans.append(ChordSpan(begin + shift, end - begin, span.chord))
        return tuple(spans)

    def _effects(self, actions: list[Action]) -> list[Effect]:
        out: list[Effect] = []
        for action in actions:
            if isinstance(action, SendNotes):
                out.extend(self._note_out(i, n) for i, n in action.notes)
            elif isinstance(action, CancelNotes):
                out.extend(self._route(NoteCancel(i), self._id_parts.pop(i, None)) for i in action.ids)
            elif isinstance(action, SilenceAll):
                out.append(AllNotesOff())
            else:
                out.append(action)
        return out

    def _note_out(self, note_id: int, note: Note) -> Effect:
        """A planned note as the patch plays it: song beat, register, dynamics, channel, route."""
        output = self.outputs[note.part]
        pitch = note.pitch + 12 * output.octave
        while pitch > 127:
            pitch -= 12
        while pitch < 0:
            pitch += 12
        velocity = min(127, max(1, round(note.velocity * output.velocity_scale)))
        self._id_parts[note_id] = note.part
        while len(self._id_parts) > _MAX_ID_PARTS:
            del self._id_parts[next(iter(self._id_parts))]
        beat = self.timeline.fold(note.beat)
        return self._route(NoteOut(note_id, beat, pitch, velocity, note.dur_beats, self._channels[note.part]), note.part)

    def _route(self, message: OutMessage, part: Part | None) -> Effect:
        targets = tuple(t for t, parts in self.subscriptions.items() if part in parts)
        return Addressed(message, targets) if targets else message

    def status(self, p50_ms: float, p99_ms: float, arrival_p50_ms: float, arrival_p99_ms: float) -> Status:
        c = self.counters

        def i32(n: int) -> int:  # OSC i is int32: saturate rather than fail after 2^31
            return min(n, _INT32_MAX)

        return Status(
            "playing" if self.clock.playing else "stopped", self.model_name, i32(c.notes_sent), i32(c.late_notes),
            i32(c.fallback_chunks), i32(c.dropped_packets + c.kernel_drops), i32(c.input_errors),
            i32(c.generator_errors), i32(c.packets_handled),
            self.timeline.fold(self.clock.beat_now()), self.clock.tempo_bpm, p50_ms, p99_ms, arrival_p50_ms,
            arrival_p99_ms,
        )


def _set_value(name: str, value: float | str, entry: tuple[str, float, float, bool, str]) -> Any:
    """Check an /agent/set value against its entry; TypeError or ValueError says what was wrong."""
    kind, lo, hi, lo_open, _ = entry
    if kind == "s":
        if not isinstance(value, str):
            raise TypeError(f"expected text such as \"comp,bass\", got {value!r}")
        parse_parts(value)
        return value
    if name == "seed" and isinstance(value, str) and value.lower() == "none":
        return None
    if isinstance(value, str):
        raise TypeError(f"expected a number, got the text {value!r}")
    if kind == "i":
        if value != int(value):
            raise ValueError(f"expected a whole number, got {value:g}")
        value = int(value)
    below = value <= lo if lo_open else value < lo
    if below or value > hi:
        raise ValueError(f"{value:g} is out of range {'(' if lo_open else '['}{lo:g}, {hi:g}]")
    if name.endswith("activity") and -1 < value < 0:
        raise ValueError(f"{value:g} is neither -1 (the model's own choice) nor in [0, 1]")
    if name == "seed" and value == -1:
        return None
    return float(value) if kind == "f" else value


_HANDLERS: dict[type[Any], Callable[[Session, Any, Any], list[Effect]]] = {
    Play: Session._play, Stop: Session._stop, Tempo: Session._tempo, TimeSig: Session._timesig,
    ChordIn: Session._chord, ChordsClear: Session._chords_clear,
    HumanNote: Session._note, NoteOn: Session._note_on, NoteOff: Session._note_off,
    Instruments: Session._instruments, SetParam: Session._set, Panic: Session._panic, Hello: Session._hello,
    LoopBrace: Session._loop, Subscribe: Session._subscribe,
    EnsembleNotes: Session._ensemble, EnsembleCancel: Session._ensemble, EnsembleSilence: Session._ensemble,
}
