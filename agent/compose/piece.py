"""A piece being composed: tracks with their notes and instruments, bars, chords; MIDI in and out.

Composition mode (issue 4) works on tracks, not on the model's parts: a songwriter's MIDI file has
tracks (each with a name, a General MIDI program and a channel); some have empty stretches to fill.
Every track plays as one of the model's parts when it is context (`agent.music.midi_files.guess_part`: by
name, bass programs, range and polyphony, a keyboard track's lowest voice as bass, exactly as the
training data was made), and a track to fill plays as the part its requested program asks for
(`agent.music.events.part_for_program`, the rule of the OSC contract's `/agent/instruments`).

Times are beats (ticks / ticks_per_beat), kept exact: writing a piece back puts every note that was
not regenerated on its original tick. `write_midi` copies the input file and replaces only the note
messages of the tracks that changed, so controllers, pitch bends, lyrics, tempo and meter survive.
Bars are numbered from 1 in requests (`bar_span`), as a DAW shows them. Pure module: no torch.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import mido

from agent.errors import CompositionError
from agent.music.chord_recog import recognise_chords
from agent.music.events import AGENT_PARTS, ChordSpan, Note, Part, Song, part_for_program
from agent.music.midi_files import (
    RawTrack,
    guess_part,
    median_tempo,
    meter_bars,
    pick_lead,
    read_midi,
    sort_notes,
    split_bass,
    track_notes,
)

DRUM_CHANNEL = 9  # MIDI channel 10, 0-based
PIANO_PROGRAMS = range(8)  # GM acoustic/electric pianos: comping with their own bass line


@dataclass(frozen=True)
class Track:
    """One track: its notes (exact beats; each note's part is the part it plays as context)."""

    name: str
    program: int | None  # General MIDI program 0-127, None when the file sets none
    channel: int  # 0-15
    notes: tuple[Note, ...]
    part: Part  # the track's main part
    source_index: int = -1  # its index among the MIDI file's tracks, -1 for a track added here
    multichannel: bool = False  # the file's track uses several channels (cannot be rewritten)

    @property
    def drums(self) -> bool:
        return self.channel == DRUM_CHANNEL

    def label(self, position: int) -> str:
        return f"{position + 1} {self.name or '(unnamed)'!r}"


@dataclass(frozen=True)
class Region:
    """A stretch of one track to (re)generate: [start_beat, end_beat) as the given parts."""

    track: int  # position in Piece.tracks
    start_beat: float
    end_beat: float
    parts: tuple[Part, ...]

    def contains(self, beat: float) -> bool:
        return self.start_beat - 1e-9 <= beat < self.end_beat - 1e-9


@dataclass(frozen=True)
class Piece:
    """Tracks, bars (downbeats covering the whole piece), meter, chords, tempo, in beats."""

    tracks: tuple[Track, ...]
    downbeats: tuple[float, ...]
    meter: tuple[int, int]
    chords: tuple[ChordSpan, ...]
    end_beat: float
    tempo_bpm: float = 120.0

    @property
    def bar_count(self) -> int:
        return len(self.downbeats)

    def bar_span(self, first: int, last: int) -> tuple[float, float]:
        """[start, end) in beats of bars first..last (1-based, inclusive); CompositionError if outside."""
        if not 1 <= first <= last:
            raise CompositionError(f"bars {first}-{last}: expected 1 <= first <= last")
        if last > self.bar_count:
            raise CompositionError(f"bars {first}-{last}: the piece has {self.bar_count} bars (1-{self.bar_count})")
        end = self.downbeats[last] if last < self.bar_count else self.bar_end(last - 1)
        return self.downbeats[first - 1], end

    def bar_end(self, index: int) -> float:
        """End beat of the bar with 0-based `index`."""
        if index + 1 < len(self.downbeats):
            return self.downbeats[index + 1]
        return self.downbeats[index] + self.meter[0] * 4.0 / self.meter[1]

    def bar_of(self, beat: float) -> int:
        """The 1-based bar holding `beat` (1 before the first downbeat)."""
        return max(1, sum(1 for d in self.downbeats if d <= beat + 1e-9))

    def find_track(self, spec: str) -> int:
        """Position of the track named `spec` (case-insensitive) or numbered `spec` (1-based)."""
        names = [t.name.strip().lower() for t in self.tracks]
        if spec.strip().lower() in names:
            return names.index(spec.strip().lower())
        if spec.strip().isdigit() and 1 <= int(spec) <= len(self.tracks):
            return int(spec) - 1
        listing = ", ".join(t.label(i) for i, t in enumerate(self.tracks)) or "none"
        raise CompositionError(f"unknown track {spec!r}: give a number or a name (tracks: {listing})")

    def replace_notes(self, position: int, notes: Iterable[Note], program: int | None = None) -> Piece:
        """A copy with track `position`'s notes (and optionally its program) replaced."""
        track = self.tracks[position]
        new = dataclasses.replace(track, notes=sort_notes(notes),
                                  program=track.program if program is None else program)
        return dataclasses.replace(self, tracks=self.tracks[:position] + (new,) + self.tracks[position + 1 :])

    def add_track(self, track: Track) -> Piece:
        return dataclasses.replace(self, tracks=self.tracks + (track,))


def outside(notes: Iterable[Note], start_beat: float, end_beat: float) -> list[Note]:
    """The notes whose onset is not in [start_beat, end_beat)."""
    return [n for n in notes if not start_beat - 1e-9 <= n.beat < end_beat - 1e-9]


def inside(notes: Iterable[Note], start_beat: float, end_beat: float) -> list[Note]:
    """The notes whose onset is in [start_beat, end_beat)."""
    return [n for n in notes if start_beat - 1e-9 <= n.beat < end_beat - 1e-9]


def heard_here(notes: Sequence[Note], source: Region, region: Region) -> list[Note]:
    """`notes` of `source` moved into `region`: shifted to its start, repeated while `source` is shorter,
    ends clipped to the region's end (what kept material would be in the marked part's place)."""
    length = source.end_beat - source.start_beat
    if length <= 0:
        return []
    out = []
    offset = region.start_beat - source.start_beat
    while source.start_beat + offset < region.end_beat - 1e-9:
        for note in notes:
            beat = note.beat + offset
            if region.start_beat - 1e-9 <= beat < region.end_beat - 1e-9:
                out.append(dataclasses.replace(note, beat=beat, dur_beats=min(note.dur_beats, region.end_beat - beat)))
        offset += length
    return out


def as_parts(notes: Sequence[Note], parts: Sequence[Part]) -> list[Note]:
    """A track's notes as the parts it is generated as: one part, or comping with its bass split off."""
    if set(parts) == {Part.COMP, Part.BASS}:
        return split_bass([dataclasses.replace(n, part=Part.COMP) for n in notes])
    return [dataclasses.replace(n, part=parts[0]) for n in notes]


def target_parts(piece: Piece, position: int, program: int | None, part: Part | None) -> tuple[Part, ...]:
    """The parts a track is filled as: `part` if given, else by program (a piano with no bass track in
    the piece plays comping and its own bass, as POP909's piano does), else the track's own part."""
    if part is not None:
        if part not in AGENT_PARTS:
            raise CompositionError(f"part {part.name.lower()}: allowed lead, counter, comp, bass")
        return (part,)
    track = piece.tracks[position]
    program = track.program if program is None else program
    if program is None:
        return (track.part,)
    taken = {t.part for i, t in enumerate(piece.tracks) if i != position and t.notes}
    chosen = part_for_program(program, taken)
    if chosen is None:
        raise CompositionError(f"program {program} is drums: the model plays no drums (allowed 0-127)")
    if chosen == Part.COMP and program in PIANO_PROGRAMS and Part.BASS not in taken:
        return (Part.COMP, Part.BASS)
    return (chosen,)


# ---------------------------------------------------------------- reading


def exact_notes(raw: RawTrack, ticks_per_beat: int, part: Part) -> list[Note]:
    """A track's notes in exact beats (no grid rounding), drums excluded."""
    return [Note(n.start_tick / ticks_per_beat, (n.end_tick - n.start_tick) / ticks_per_beat, n.pitch,
                 max(1, n.velocity), part) for n in raw.notes if n.channel != DRUM_CHANNEL]


def _track_end_beat(midi: mido.MidiFile) -> float:
    """The latest end-of-track (or last message) of the file, in beats: empty clips at the end count."""
    ticks = max((sum(msg.time for msg in t) for t in midi.tracks), default=0)
    return float(ticks / midi.ticks_per_beat)


def _channel(raw: RawTrack, messages: mido.MidiTrack) -> tuple[int, bool]:
    """The track's commonest note channel (else its first channel message's, else 0); several?"""
    channels = [n.channel for n in raw.notes]
    if not channels:
        return next((m.channel for m in messages if hasattr(m, "channel")), 0), False
    return max(set(channels), key=channels.count), len(set(channels)) > 1


def piece_from_midi(midi: mido.MidiFile, name: str = "piece") -> Piece:
    """Tracks (every track with notes, a name or a program), bars, meter, tempo and recognised chords."""
    raws = [(i, track_notes(t)) for i, t in enumerate(midi.tracks)]
    kept = [(i, r) for i, r in raws if r.notes or (r.program is not None) or (r.name and i > 0)]
    pitched = [r for _, r in kept if any(n.channel != DRUM_CHANNEL for n in r.notes)]
    if not any(r.notes for _, r in kept):
        raise CompositionError(f"{name}: the file has no notes, so there is no context to fill from")
    lead = pick_lead(pitched) if len(pitched) > 1 else None
    tracks = []
    for index, raw in kept:
        channel, multi = _channel(raw, midi.tracks[index])
        part = guess_part(raw, lead) if any(n.channel != DRUM_CHANNEL for n in raw.notes) else Part.COMP
        notes = exact_notes(raw, midi.ticks_per_beat, part)
        if part == Part.COMP:
            notes = split_bass(notes)
        tracks.append(Track(raw.name, raw.program, channel, sort_notes(notes), part, index, multi))
    end_beat = max([_track_end_beat(midi)] + [n.end_beat for t in tracks for n in t.notes])
    downbeats, meter = meter_bars(midi, end_beat)
    return Piece(tuple(tracks), downbeats, meter, (), end_beat, median_tempo(midi))


def read_piece(path: Path) -> tuple[Piece, bytes]:
    """The piece in a MIDI file and the file's bytes (the template `write_midi` rewrites)."""
    path = Path(path)
    if not path.is_file():
        raise CompositionError(f"{path}: no such file")
    data = path.read_bytes()
    if not data:
        raise CompositionError(f"{path}: the file is empty")
    return piece_from_midi(read_midi(path), path.name), data


def with_chords(piece: Piece, cleared: Sequence[Region] = ()) -> Piece:
    """The piece with chords recognised from its pitched notes, leaving out the regions being filled
    (their old content is what the songwriter wants replaced, so it must not dictate the harmony)."""
    notes = []
    for position, track in enumerate(piece.tracks):
        if track.drums:
            continue
        kept = list(track.notes)
        for region in cleared:
            if region.track == position:
                kept = outside(kept, region.start_beat, region.end_beat)
        notes += kept
    harmony = [n for n in notes if n.part in (Part.COMP, Part.BASS)] or notes
    chords = recognise_chords(harmony, piece.downbeats, piece.end_beat) if harmony else []
    return dataclasses.replace(piece, chords=tuple(chords))


# ---------------------------------------------------------------- writing


def _note_messages(notes: Sequence[Note], channel: int, ticks_per_beat: int) -> list[tuple[int, int, mido.Message]]:
    """(absolute tick, order, message): offs before ons at the same tick, so repeated notes restrike."""
    out = []
    for note in notes:
        on = round(note.beat * ticks_per_beat)
        off = max(on, round(note.end_beat * ticks_per_beat))
        out.append((on, 1, mido.Message("note_on", channel=channel, note=note.pitch, velocity=note.velocity)))
        out.append((off, 0, mido.Message("note_off", channel=channel, note=note.pitch, velocity=0)))
    return out


def _rebuild_track(old: Iterable[mido.Message], track: Track, ticks_per_beat: int) -> mido.MidiTrack:
    """`old` without its note messages, with `track`'s notes and program; delta times recomputed."""
    events: list[tuple[int, int, mido.Message]] = []
    tick, has_program, end_tick = 0, False, 0
    for msg in old:
        tick += msg.time
        if msg.type == "end_of_track":
            end_tick = tick
        elif msg.type not in ("note_on", "note_off"):
            if msg.type == "program_change" and track.program is not None:
                msg = msg.copy(program=track.program, channel=track.channel)
                has_program = True
            events.append((tick, 0 if msg.is_meta else 1, msg))
    if not has_program and track.program is not None:
        events.append((0, 1, mido.Message("program_change", channel=track.channel, program=track.program)))
    events += _note_messages(track.notes, track.channel, ticks_per_beat)
    events.sort(key=lambda e: (e[0], e[1]))
    out = mido.MidiTrack()
    if track.name and not any(m.type == "track_name" for _, _, m in events):
        out.append(mido.MetaMessage("track_name", name=track.name, time=0))
    last = 0
    for at, _, msg in events:
        out.append(msg.copy(time=at - last))
        last = at
    out.append(mido.MetaMessage("end_of_track", time=max(0, end_tick - last)))
    return out


def write_midi(piece: Piece, path: Path, template: bytes | None, changed: Iterable[int]) -> None:
    """Write the piece: the template file with the `changed` track positions rewritten and added tracks
    appended (without a template: a fresh type-1 file at the piece's tempo and meter)."""
    if template is not None:
        midi = mido.MidiFile(file=io.BytesIO(template), clip=True)
    else:
        midi = mido.MidiFile(type=1, ticks_per_beat=480)
        conductor = mido.MidiTrack([
            mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(piece.tempo_bpm), time=0),
            mido.MetaMessage("time_signature", numerator=piece.meter[0], denominator=piece.meter[1], time=0)])
        midi.tracks.append(conductor)
    for position in sorted(set(changed)):
        track = piece.tracks[position]
        if template is not None and track.source_index >= 0:
            midi.tracks[track.source_index] = _rebuild_track(midi.tracks[track.source_index], track,
                                                             midi.ticks_per_beat)
    for track in piece.tracks:
        if template is None or track.source_index < 0:
            midi.tracks.append(_rebuild_track([], track, midi.ticks_per_beat))
    if midi.type == 0 and len(midi.tracks) > 1:
        midi.type = 1
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    midi.save(str(path))


def piece_from_song(song: Song) -> Piece:
    """A `agent.music.events.Song` as a piece with one track per part (the evaluation's held-out songs)."""
    programs = {Part.LEAD: 73, Part.COUNTER: 48, Part.COMP: 0, Part.BASS: 33}
    tracks = []
    for part in AGENT_PARTS:
        notes = [n for n in song.notes if n.part == part]
        if notes:
            tracks.append(Track(part.name.lower(), programs[part], int(part), sort_notes(notes), part))
    end_beat = max((n.end_beat for n in song.notes), default=0.0)
    return Piece(tuple(tracks), song.downbeats, song.meter, song.chords, end_beat, song.tempo_bpm)


# ---------------------------------------------------------------- requests


@dataclass(frozen=True)
class TrackRequest:
    """What a songwriter asks for one track: bars to fill (1-based, inclusive), instrument, part."""

    track: str  # number or name of an existing track; the new track's name when `new`
    bars: tuple[tuple[int, int], ...]
    program: int | None = None  # General MIDI program 0-127 for the track's output
    part: Part | None = None  # override of the part the program maps to
    new: bool = False  # add a track instead of filling an existing one


def parse_bars(text: str) -> tuple[tuple[int, int], ...]:
    """`"5-8"`, `"3"`, `"1-2,9-12"` -> ((5, 8),), ((3, 3),), ((1, 2), (9, 12)); CompositionError if not."""
    spans = []
    for chunk in text.replace(" ", "").split(","):
        first, sep, last = chunk.partition("-")
        if not first.isdigit() or (sep and not last.isdigit()):
            raise CompositionError(f"bars {text!r}: expected A-B with 1-based bar numbers, e.g. 5-8 or 3 or 1-2,9-12")
        spans.append((int(first), int(last) if sep else int(first)))
    return tuple(spans)


def _free_channel(piece: Piece) -> int:
    used = {t.channel for t in piece.tracks}
    return next((c for c in range(16) if c not in used and c != DRUM_CHANNEL), 0)


def _request_track(piece: Piece, request: TrackRequest) -> tuple[Piece, int]:
    """The piece (with the new track added, when asked) and the position of the request's track."""
    if not request.new:
        return piece, piece.find_track(request.track)
    if request.program is None and request.part is None:
        raise CompositionError(f"new track {request.track!r}: give an instrument (program 0-127) or a part")
    part = request.part or Part.COMP
    track = Track(request.track, request.program, _free_channel(piece), (), part)
    return piece.add_track(track), len(piece.tracks)


def _check_track(piece: Piece, position: int, request: TrackRequest) -> None:
    track = piece.tracks[position]
    if track.drums:
        raise CompositionError(f"track {track.label(position)} is a drum track (channel 10): the model "
                               "plays no drums; choose a pitched track")
    if track.multichannel:
        raise CompositionError(f"track {track.label(position)} uses several MIDI channels; fill a "
                               "single-channel track (or split it in the DAW first)")
    if request.program is not None and not 0 <= request.program <= 127:
        raise CompositionError(f"instrument {request.program}: a General MIDI program 0-127")


def resolve(piece: Piece, requests: Sequence[TrackRequest]) -> tuple[Piece, list[Region]]:
    """Check the requests against the piece; the piece with new tracks and requested programs, and
    the regions (merged where they overlap on a track), in order of start."""
    if not requests:
        raise CompositionError("nothing to fill: give at least one track and its bars")
    regions: list[Region] = []
    programs: dict[int, int] = {}
    for request in requests:
        piece, position = _request_track(piece, request)
        _check_track(piece, position, request)
        if request.program is not None:
            if programs.setdefault(position, request.program) != request.program:
                raise CompositionError(f"track {piece.tracks[position].label(position)}: one instrument per "
                                       f"track (asked for {programs[position]} and {request.program})")
            piece = piece.replace_notes(position, piece.tracks[position].notes, request.program)
        parts = target_parts(piece, position, request.program, request.part)
        for first, last in request.bars:
            start, end = piece.bar_span(first, last)
            regions.append(Region(position, start, end, parts))
    return piece, merge_regions(regions)


def merge_regions(regions: Sequence[Region]) -> list[Region]:
    """Overlapping or touching regions of one track merged; CompositionError if their parts differ."""
    out: list[Region] = []
    for region in sorted(regions, key=lambda r: (r.track, r.start_beat)):
        last = out[-1] if out else None
        if last is not None and last.track == region.track and region.start_beat <= last.end_beat + 1e-9:
            if last.parts != region.parts:
                raise CompositionError(f"track {region.track + 1}: overlapping regions asked as different parts")
            out[-1] = dataclasses.replace(last, end_beat=max(last.end_beat, region.end_beat))
        else:
            out.append(region)
    return sorted(out, key=lambda r: (r.start_beat, r.track))


def clear_regions(piece: Piece, regions: Sequence[Region]) -> Piece:
    """The piece with the notes starting inside each region removed from its track."""
    for region in regions:
        track = piece.tracks[region.track]
        piece = piece.replace_notes(region.track, outside(track.notes, region.start_beat, region.end_beat))
    return piece
