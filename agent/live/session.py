"""The live state machine: decoded input in, outbound messages and worker requests out.

A `Session` owns the clock, the ring buffers (human notes, own notes, chord track), the runtime
parameters and the scheduler. `handle(message)` applies one decoded OSC message in O(1) (or O(buffer)
for a chord change, which replans) and returns the effects for the caller to carry out: OSC messages
to send, and `Generate` / `ResetGenerator` requests for the worker thread: `Effect`, a closed union the
caller (agent/app.py) takes apart with `match` and `assert_never`, so a new kind of effect that nobody
carries out is a type error. No sockets, no threads, so tests drive it with a fake clock.

The scheduler owns the timing settings and the own-notes ring (they change with its plan); the session
reads them through it. `/agent/set` names, ranges and destinations come from agent/settings.py.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable
from typing import Any, assert_never

from agent.config import Config, TimingConfig
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
from agent.metrics import Counters, RateLimiter
from agent.music.chords import parse_symbol
from agent.music.events import ChordSpan, Note, Part, parse_part, parse_parts, part_for_program
from agent.settings import PART_NAMES, PART_SETTINGS, SETTINGS, Setting
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

#: What handling input returns: messages to send (to everyone, or addressed) and requests for the worker.
Effect = OutMessage | Addressed | Generate | ResetGenerator
TimingCheck = Callable[[TimingConfig], "str | None"]  # the timing asked for -> why the model can't, or None
_MAX_ID_PARTS = 8192  # note id -> part remembered for routing cancels

_MIN_HELD_BEATS = 1.0 / 64  # a held human note is shown with at least this duration
_INT32_MAX = 2**31 - 1


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
        self.params = SamplingParams(**dataclasses.asdict(config.sampling))
        self.parts = parse_parts(",".join(config.parts.play))
        self.meter = (4, 4)
        self.bar_origin_beat = 0.0
        self.human = NoteRing(rt.human_capacity)
        self.chords = ChordTrack(rt.chord_capacity)
        self.ensemble = EnsembleBuffer(rt.human_capacity)  # other agents' notes (MQTT), agent/live/ensemble.py
        self.reply_ports: dict[tuple[str, int], None] = {}  # /agent/hello targets, oldest first
        self._held: dict[int, tuple[float, int]] = {}  # pitch -> (onset beat, velocity) of /note/on
        self._check_timing = check_timing
        self._errors = RateLimiter(rt.error_replies_per_s, clock.now)
        self._channels = {parse_part(n): config.parts.output(n).channel for n in PART_NAMES}
        self.outputs = {parse_part(n): config.parts.output(n) for n in PART_NAMES}  # octave, velocity, activity
        self.subscriptions: dict[Target, tuple[Part, ...]] = {}  # /agent/subscribe: port -> its parts
        self._id_parts: dict[int, Part] = {}  # recent note ids -> part, to route their cancels
        self.scheduler = Scheduler(clock, config.timing, self.context_for, fallback, counters,
                                   rt.max_note_beats, rt.own_capacity)
        self.scheduler.model_name = model_name
        self.timeline = self.scheduler.timeline

    @property
    def timing(self) -> TimingConfig:
        """The timing settings now (the scheduler's: `/agent/set` changes them there)."""
        return self.scheduler.timing

    @property
    def own(self) -> NoteRing:
        """The agent's sent notes (the scheduler's ring: they go when its plan goes)."""
        return self.scheduler.own

    # ---- input ---------------------------------------------------------------------------------

    def handle(
        self, message: InMessage | EnsembleIn, sender: tuple[str, int] | None = None,
        received_s: float | None = None,
    ) -> list[Effect]:
        """Apply one decoded input message (received at monotonic `received_s`, default now)."""
        self.counters.packets_handled += 1
        match message:
            case Playhead():  # the one message whose meaning depends on when it arrived
                return self._playhead(message, received_s)
            case Play():
                return self._play()
            case Stop():
                return self._stop()
            case Tempo():
                return self._tempo(message)
            case TimeSig():
                return self._timesig(message)
            case LoopBrace():
                return self._loop(message)
            case ChordIn():
                return self._chord(message)
            case ChordsClear():
                return self._replan(-math.inf, math.inf) if self.chords.clear() else []
            case HumanNote():
                return self._note(message)
            case NoteOn():
                return self._note_on(message)
            case NoteOff():
                return self._note_off(message)
            case Instruments():
                return self._instruments(message)
            case SetParam():
                return self._set(message)
            case Panic():
                return self._panic()
            case Hello():
                return self._hello(message, sender)
            case Subscribe():
                return self._subscribe(message, sender)
            case EnsembleNotes():
                self.ensemble.add(message)
                return []
            case EnsembleCancel():
                self.ensemble.cancel(message, self.clock.beat_now())
                return []
            case EnsembleSilence():
                self.ensemble.silence(message, self.clock.beat_now())
                return []
            case _:
                assert_never(message)

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

    def _play(self) -> list[Effect]:
        if not self.clock.playing:
            log.info("transport playing")
        self.clock.play()
        return []

    def _stop(self) -> list[Effect]:
        if self.clock.playing:
            log.info("transport stopped at beat %.2f", self.clock.beat_now())
        self.clock.stop()
        self._held.clear()
        return self._effects(self.scheduler.stop())

    def _tempo(self, msg: Tempo) -> list[Effect]:
        if msg.bpm != self.clock.tempo_bpm:
            self.clock.set_tempo(msg.bpm)
            self.scheduler.replan_timing()
            plan = self.scheduler.plan
            log.info("tempo %g bpm: chunks of %.3g beats asked %.3g beats ahead, the human heard %d ticks late",
                     msg.bpm, plan.chunk_beats, plan.lead_beats, plan.delay_ticks)
        return []

    def _timesig(self, msg: TimeSig) -> list[Effect]:
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

    def _loop(self, msg: LoopBrace) -> list[Effect]:
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

    def _chord(self, msg: ChordIn) -> list[Effect]:
        chord = parse_symbol(msg.symbol)  # checked by the codec
        end = msg.beat + msg.dur_beats
        if chord is None:
            changed = self.chords.erase(msg.beat, end)
        else:
            changed = self.chords.put(ChordSpan(msg.beat, msg.dur_beats, chord))
        return self._replan(msg.beat, end) if changed else []

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

    def _note(self, msg: HumanNote) -> list[Effect]:
        self.human.add(Note(self._heard_at(msg.beat), msg.dur_beats, msg.pitch, msg.velocity, Part.HUMAN))
        return []

    def _note_on(self, msg: NoteOn) -> list[Effect]:
        if msg.velocity == 0:
            return self._note_off(NoteOff(msg.beat, msg.pitch))
        self._held[msg.pitch] = (self._heard_at(msg.beat), msg.velocity)
        return []

    def _note_off(self, msg: NoteOff) -> list[Effect]:
        held = self._held.pop(msg.pitch, None)
        if held is not None:  # an off without its on (agent started mid-note) is ignored
            onset, velocity = held
            end = self._heard_at(msg.beat)
            self.human.add(Note(onset, max(end - onset, _MIN_HELD_BEATS), msg.pitch, velocity, Part.HUMAN))
        return []

    def _instruments(self, msg: Instruments) -> list[Effect]:
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

    def _panic(self) -> list[Effect]:
        log.info("panic: all notes off, plan dropped")
        if self.clock.running:
            return self._effects(self.scheduler.jump())
        return self._effects(self.scheduler.stop())

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

    def _set(self, msg: SetParam) -> list[Effect]:
        part_name, dot, name = msg.name.partition(".")
        setting = PART_SETTINGS.get(name) if dot else SETTINGS.get(msg.name)
        if dot and (setting is None or part_name not in PART_NAMES):
            per_part = ", ".join(f"<part>.{k}" for k in PART_SETTINGS)
            return self.input_error(f"/agent/set: unknown name {msg.name!r} (per part: {per_part} with <part> one "
                                    f"of {', '.join(PART_NAMES)})")
        if setting is None:
            allowed = ", ".join([*SETTINGS, *(f"<part>.{k}" for k in PART_SETTINGS)])
            return self.input_error(f"/agent/set: unknown name {msg.name!r} (allowed: {allowed})")
        try:
            value = setting.from_wire(msg.value)
        except (TypeError, ValueError) as exc:
            return self.input_error(f"/agent/set {msg.name}: {exc}")
        if dot:
            return self._set_part(parse_part(part_name), setting, value, msg.name)
        match setting.key.partition(".")[0]:
            case "parts":
                return self._set_parts(tuple(parse_part(n) for n in value))
            case "timing":
                return self._set_timing(msg.name, dataclasses.replace(self.timing, **{setting.field: value}))
            case "sampling":
                self.params = dataclasses.replace(self.params, **{setting.field: value})
                log.info("set %s = %s", msg.name, value)
                return self._replan_from(self.clock.beat_now()) if setting.field in ("activity", "style", "control_guidance") else []
            case section:
                raise AssertionError(f"setting {setting.name}: no destination for config section {section!r}")

    def _set_part(self, part: Part, setting: Setting, value: Any, name: str) -> list[Effect]:
        self.outputs[part] = dataclasses.replace(self.outputs[part], **{setting.field: value})
        log.info("set %s = %s", name, value)
        return self._replan_from(self.clock.beat_now()) if setting.field == "activity" else []

    def _set_timing(self, name: str, timing: TimingConfig) -> list[Effect]:
        reason = self._check_timing(timing) if self._check_timing else None
        planned = self.scheduler.plan_for(self.clock.tempo_bpm, timing)
        if reason is None and not planned.fits:
            reason = (f"a chunk of {timing.delta2_beats:g} beats plus a lead of {timing.lead_ms:g} ms exceeds the "
                      f"longest human delay it was trained with ({max(self.scheduler.delays)} ticks of 1/12 beat)"
                      "; use delta2 0 (chosen per tempo) or a shorter chunk")
        if reason:
            return self.input_error(f"/agent/set {name}: the loaded model can't do that ({reason})")
        self.scheduler.set_timing(timing)
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
        """The chords that start before performance beat `hi` (and end after `lo`): the song's chords,
        unrolled over loop wraps. A span is cut only where its pass ends (a wrap), never at `hi`: the
        model reads a chord's duration, and a chord cut at the horizon (a D lasting one tick, then two,
        as the chunks moved on) was a chord track changing every tick, to which it comped busily whatever
        its activity knob said (issue 10: 2.2 notes a beat at activity 0.1 in the live path, 0.75 offline
        with the same model and music)."""
        spans: list[ChordSpan] = []
        for u0, u1, song0 in self.timeline.segments(lo, hi):
            shift = u0 - song0
            wrap = self.timeline.next_wrap_after(u0)
            pass_end = song0 + (wrap - u0) if math.isfinite(wrap) else math.inf  # song beat where this pass ends
            for span in self.chords.window(song0, song0 + (u1 - u0)):
                begin, end = max(span.beat, song0), min(span.end_beat, pass_end)
                if end > begin:
                    spans.append(ChordSpan(begin + shift, end - begin, span.chord))
        return tuple(spans)

    def _effects(self, actions: list[Action]) -> list[Effect]:
        out: list[Effect] = []
        for action in actions:
            match action:
                case SendNotes():
                    out.extend(self._note_out(i, n) for i, n in action.notes)
                case CancelNotes():
                    out.extend(self._route(NoteCancel(i), self._id_parts.pop(i, None)) for i in action.ids)
                case SilenceAll():
                    out.append(AllNotesOff())
                case Generate() | ResetGenerator():
                    out.append(action)
                case _:
                    assert_never(action)
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
