"""Recording a performance: each take (transport play to stop) as a MIDI file, never losing what was played.

A take holds what was heard and played: the human's notes (`/note`, `/note/on` + `/note/off`, and the
MIDI input, which arrives as those), the chord track as it sounded, and the agent's notes as sent
(`/note`, shortened by `/note/cancel` and `/agent/allnotesoff` when they were withdrawn or silenced),
with the tempo map and the meter. Other agents' notes heard over MQTT are theirs to record.

Time in the file is performance time, not song position: a loop played four times is written four
times, one after the other. While the transport runs, song beats and take beats advance together, so a
take is a list of segments (take beat where it starts, song beat there); a jump (seek, loop) starts a new
segment at the take beat reached. Notes are mapped when they arrive (a note announced ahead lands where
it will sound); the chord track is mapped segment by segment when the segment ends.

The take starts when the clock first runs after play and ends at stop: `observe`/`send` then return
it, and the app writes it (`write_take`, atomic: a temporary file, fsync, rename). The app also rewrites
the take in progress every `flush_interval_s` and writes it at shutdown, so a crash loses at most that
much. A take longer than `max_take_notes` notes continues in a new file. Pure module: no sockets, no
threads (the app writes files in a worker thread).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import mido

from agent.config import Config
from agent.live.clock import Clock
from agent.live.ring import ChordTrack
from agent.music.chords import parse_symbol
from agent.music.events import ChordSpan
from agent.settings import PART_NAMES
from agent.wire.mqtt import EnsembleIn
from agent.wire.osc import (
    AllNotesOff,
    ChordIn,
    ChordsClear,
    HumanNote,
    InMessage,
    Message,
    NoteCancel,
    NoteOff,
    NoteOn,
    NoteOut,
    Stop,
    TimeSig,
)

TICKS_PER_BEAT = 480
CHORD_CHANNEL = 16  # chord tones are written on this channel (1..16), as in the demo's file
_MIN_BEATS = 1.0 / 64


@dataclass(frozen=True, slots=True)
class RecNote:
    """One note of a take, in take beats; `channel` 1..16 (the human's, a part's, or the chord channel)."""

    beat: float
    dur_beats: float
    pitch: int
    velocity: int
    channel: int
    track: str  # "human", "chords", or the agent part's name


@dataclass(slots=True)
class Take:
    """Everything recorded between play and stop (or the part of it after a split)."""

    started_wall: float  # time.time() at the start, for the file name
    part: int = 1  # 2, 3, ... when a long take is split
    tempos: list[tuple[float, float]] = field(default_factory=list)  # (take beat, bpm)
    meters: list[tuple[float, int, int]] = field(default_factory=list)  # (take beat, numerator, denominator)
    notes: list[RecNote] = field(default_factory=list)
    end_beat: float = 0.0  # where the take ends, in take beats (set when it is finished or copied)


class Recorder:
    """Collects takes from the agent's applied input and its output (see the module docstring)."""

    def __init__(self, config: Config, clock: Clock, name: str = "sideman") -> None:
        self.config = config
        self.clock = clock
        self.name = name
        self.take: Take | None = None
        self._human_channel = config.parts.human_channel
        self._parts = {config.parts.output(p).channel: p for p in PART_NAMES}
        self._chords = ChordTrack(config.runtime.chord_capacity)
        self._meter = (4, 4)
        self._seg_take = 0.0  # take beat where the current segment starts
        self._seg_song = 0.0  # song beat there
        self._last_song = 0.0  # song beat at the latest check (jump detection)
        self._last_t = 0.0
        self._held: dict[int, tuple[float, int]] = {}  # human pitch -> (take beat, velocity)
        self._agent: dict[int, int] = {}  # agent note id -> index in take.notes, while it may still change

    # ---- what the app calls --------------------------------------------------------------------

    def observe(self, message: InMessage | EnsembleIn) -> Take | None:
        """An input message the session has applied; returns a finished take to write, if one ended."""
        if isinstance(message, ChordIn):
            chord = parse_symbol(message.symbol)
            if chord is None:
                self._chords.erase(message.beat, message.beat + message.dur_beats)
            else:
                self._chords.put(ChordSpan(message.beat, message.dur_beats, chord))
        elif isinstance(message, ChordsClear):
            self._chords.clear()
        elif isinstance(message, TimeSig):
            self._meter = (message.numerator, message.denominator)
            if self.take is not None:
                self.take.meters.append((self._now_take(), *self._meter))
        finished = self._tick(stopping=isinstance(message, Stop))
        if self.take is not None:
            self._human(message)
        return finished

    def send(self, messages: list[Message]) -> Take | None:
        """What the agent sent (its notes, cancels, all-notes-off)."""
        finished = self._tick()
        if self.take is None:
            return finished
        now = self._now_take()
        for message in messages:
            if isinstance(message, NoteOut):
                self._agent[message.id] = len(self.take.notes)
                part = self._parts.get(message.channel, f"channel {message.channel}")
                self._add(RecNote(self._to_take(message.beat), message.dur_beats, message.pitch,
                                  message.velocity, message.channel, part))
            elif isinstance(message, NoteCancel):
                self._end_agent(message.id, now)
            elif isinstance(message, AllNotesOff):
                for note_id in list(self._agent):
                    self._end_agent(note_id, now)
        return finished or self._split_if_long()

    def snapshot(self) -> Take | None:
        """A copy of the take in progress, its chords up to now included (for the periodic rewrite)."""
        if self.take is None:
            return None
        take = dataclasses.replace(self.take, tempos=list(self.take.tempos), meters=list(self.take.meters),
                                   notes=list(self.take.notes))
        take.notes += self._segment_chords(self.clock.beat_now())
        take.end_beat = _end_beat(take, self._now_take())
        return take

    def finish(self) -> Take | None:
        """End the take now (shutdown): returns it to write."""
        return self._end_take() if self.take is not None else None

    # ---- takes and segments ----------------------------------------------------------------------

    def _tick(self, stopping: bool = False) -> Take | None:
        running = self.clock.running
        if self.take is not None and (stopping or not self.clock.playing):
            return self._end_take()
        if self.take is None and running:
            self._start_take(time.time(), 1)
        elif self.take is not None and running:
            song = self.clock.beat_now()
            expected = self._last_song + self.clock.beats(self.clock.now() - self._last_t)
            if abs(song - expected) > self.config.timing.jump_threshold_beats:  # a seek or loop
                self._new_segment(self._to_take(expected), song, closing_at=expected)
            if self.take.tempos[-1][1] != self.clock.tempo_bpm:
                self.take.tempos.append((self._now_take(), self.clock.tempo_bpm))
        if self.take is not None:
            self._last_song, self._last_t = self.clock.beat_now(), self.clock.now()
        return None

    def _start_take(self, wall: float, part: int) -> None:
        song = self.clock.beat_now()
        self.take = Take(wall, part, tempos=[(0.0, self.clock.tempo_bpm)], meters=[(0.0, *self._meter)])
        self._seg_take, self._seg_song = 0.0, song
        self._last_song, self._last_t = song, self.clock.now()
        self._held.clear()
        self._agent.clear()

    def _new_segment(self, take_beat: float, song_beat: float, closing_at: float) -> None:
        assert self.take is not None
        self.take.notes += self._segment_chords(closing_at)
        self._seg_take, self._seg_song = take_beat, song_beat

    def _segment_chords(self, song_end: float) -> list[RecNote]:
        """The chord tones that sounded in the current segment, in take beats."""
        notes = []
        for span in self._chords.window(self._seg_song, song_end):
            start, end = max(span.beat, self._seg_song), min(span.end_beat, song_end)
            if end - start > _MIN_BEATS:
                notes += [RecNote(self._to_take(start), end - start, 48 + pc, 50, CHORD_CHANNEL, "chords")
                          for pc in sorted(span.chord.pitch_classes)]
        return notes

    def _end_take(self) -> Take:
        assert self.take is not None
        now_song = self.clock.beat_now()
        now = self._now_take()
        for pitch, (onset, velocity) in self._held.items():
            self._add(RecNote(onset, max(now - onset, _MIN_BEATS), pitch, velocity, self._human_channel, "human"))
        for note_id in list(self._agent):
            self._end_agent(note_id, now)
        self.take.notes += self._segment_chords(now_song)
        self.take.end_beat = _end_beat(self.take, now)
        take, self.take = self.take, None
        return take

    def _split_if_long(self) -> Take | None:
        if self.take is None or len(self.take.notes) < self.config.record.max_take_notes:
            return None
        wall, part, bpm = self.take.started_wall, self.take.part + 1, self.clock.tempo_bpm
        finished = self._end_take()
        self._start_take(wall, part)
        assert self.take is not None
        self.take.tempos = [(0.0, bpm)]
        return finished

    # ---- notes -------------------------------------------------------------------------------------

    def _now_take(self) -> float:
        return self._to_take(self.clock.beat_now())

    def _to_take(self, song_beat: float) -> float:
        return max(0.0, self._seg_take + song_beat - self._seg_song)

    def _add(self, note: RecNote) -> None:
        assert self.take is not None
        self.take.notes.append(note)

    def _human(self, message: InMessage | EnsembleIn) -> None:
        ch = self._human_channel
        if isinstance(message, HumanNote):
            self._add(RecNote(self._to_take(message.beat), message.dur_beats, message.pitch, message.velocity, ch,
                              "human"))
        elif isinstance(message, NoteOn) and message.velocity > 0:
            self._held[message.pitch] = (self._to_take(message.beat), message.velocity)
        elif isinstance(message, (NoteOn, NoteOff)) and message.pitch in self._held:
            onset, velocity = self._held.pop(message.pitch)
            dur = max(self._to_take(message.beat) - onset, _MIN_BEATS)
            self._add(RecNote(onset, dur, message.pitch, velocity, ch, "human"))

    def _end_agent(self, note_id: int, now: float) -> None:
        """Withdrawn or silenced: a note not started is removed; a sounding one ends now."""
        assert self.take is not None
        index = self._agent.pop(note_id, None)
        if index is None:
            return
        note = self.take.notes[index]
        if note.beat >= now:
            self.take.notes[index] = dataclasses.replace(note, dur_beats=0.0)  # removed when written
        elif note.beat + note.dur_beats > now:
            self.take.notes[index] = dataclasses.replace(note, dur_beats=max(now - note.beat, _MIN_BEATS))


def _end_beat(take: Take, now: float) -> float:
    """Where the take ends: now, or later if a note (with a known duration) rings on."""
    return max([now] + [n.beat + n.dur_beats for n in take.notes if n.dur_beats > 0])


def take_path(folder: Path, name: str, take: Take) -> Path:
    """`<folder>/<YYYYmmdd-HHMMSS>-<name>[-partN].mid`, from the take's start time."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(take.started_wall))
    suffix = f"-part{take.part}" if take.part > 1 else ""
    return folder / f"{stamp}-{name}{suffix}.mid"


def write_take(take: Take, path: Path, programs: dict[str, int]) -> Path:
    """Write `take` as a type-1 MIDI file, atomically (temporary file, fsync, rename); returns `path`."""
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    meta: list[tuple[int, mido.MetaMessage]] = [(0, mido.MetaMessage("track_name", name=path.stem))]
    meta += [(_tick(b), mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm))) for b, bpm in take.tempos]
    meta += [(_tick(b), mido.MetaMessage("time_signature", numerator=n, denominator=d)) for b, n, d in take.meters]
    meta.append((_tick(take.end_beat), mido.MetaMessage("end_of_track")))  # the file lasts as long as the take
    midi.tracks.append(_track(meta))
    by_track: dict[str, list[RecNote]] = {}
    for note in take.notes:
        if note.dur_beats > 0:
            by_track.setdefault(note.track, []).append(note)
    for name in sorted(by_track, key=lambda n: (n != "human", n != "chords", n)):
        midi.tracks.append(_note_track(name, by_track[name], programs.get(name, 0)))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as handle:
        midi.save(file=handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path


def _tick(beat: float) -> int:
    return max(0, round(beat * TICKS_PER_BEAT))


def _note_track(name: str, notes: list[RecNote], program: int) -> mido.MidiTrack:
    channel = notes[0].channel - 1
    events: list[tuple[int, mido.Message]] = [(0, mido.MetaMessage("track_name", name=name))]
    if name != "chords":
        events.append((0, mido.Message("program_change", channel=channel, program=program)))
    for n in notes:
        on = _tick(n.beat)
        off = max(on + 1, _tick(n.beat + n.dur_beats))
        events.append((on, mido.Message("note_on", channel=n.channel - 1, note=n.pitch, velocity=n.velocity)))
        events.append((off, mido.Message("note_off", channel=n.channel - 1, note=n.pitch, velocity=0)))
    return _track(events)


def _track(events: list[tuple[int, mido.Message | mido.MetaMessage]]) -> mido.MidiTrack:
    """Absolute ticks -> a track with delta times; at equal ticks, note-offs go first."""
    order = sorted(range(len(events)), key=lambda i: (events[i][0], events[i][1].type != "note_off", i))
    track, now = mido.MidiTrack(), 0
    for i in order:
        tick, message = events[i]
        track.append(message.copy(time=tick - now))
        now = tick
    return track


def seconds(take: Take) -> float:
    """The take's length in seconds, through its tempo map."""
    total, tempos = 0.0, take.tempos + [(math.inf, 0.0)]
    for (beat, bpm), (next_beat, _) in itertools.pairwise(tempos):
        total += (min(next_beat, take.end_beat) - beat) * 60.0 / bpm if take.end_beat > beat else 0.0
    return total
