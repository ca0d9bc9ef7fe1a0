"""MIDI files as the music layer reads them: raw tracks, the tempo and meter maps, the 1/12-beat grid,
the bass voice of an accompaniment, and which part a track plays.

Shared by the training corpus (`agent.training.datasets`: POP909, Nottingham, any MIDI file) and
composition (`agent.compose.piece`: the user's MIDI file), so neither imports the other. Every time a
loader returns is on the 1/12-beat grid (`quantise`): sixteenths and eighth-note triplets.
The corpus reads files with symusic (`read_score`, C++: about 7x faster than mido for the corpus, with
the same notes and maps); composition keeps mido (`read_midi`), whose messages it writes back out.
The tempo and meter helpers take either. Pure module (symusic, mido and numpy; no sockets, no torch).
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mido
import numpy as np
import symusic

from agent.errors import DataError
from agent.music.events import TICKS_PER_BEAT, Note, Part

GRID = TICKS_PER_BEAT  # grid steps per beat (events.TICKS_PER_BEAT): sixteenths and eighth-note triplets


BASS_MAX_PITCH = 60  # a PIANO onset group's lowest note is bass only below middle C


@dataclass(frozen=True)
class RawNote:
    """A note as read from a MIDI track, in ticks, before any time conversion."""

    start_tick: int
    end_tick: int
    pitch: int
    velocity: int
    channel: int


@dataclass(frozen=True)
class RawTrack:
    """One MIDI track's name, first program number (or None) and notes."""

    name: str
    program: int | None
    notes: tuple[RawNote, ...]


@dataclass(frozen=True)
class MidiData:
    """What the corpus loaders need of a MIDI file: its tracks' notes and its tempo and meter maps."""

    ticks_per_beat: int
    tracks: tuple[RawTrack, ...]  # tracks with notes, in file order
    tempos: tuple[tuple[int, int], ...]  # (tick, microseconds per beat), in tick order
    time_signatures: tuple[tuple[int, int, int], ...]  # (tick, numerator, denominator), in tick order


def read_score(path: Path) -> MidiData:
    """Parse a MIDI file with symusic; DataError naming the file when it cannot be parsed.

    symusic pairs note-offs with note-ons first in, first out and closes notes left open at the end of
    their track, as `track_notes` does (the same notes on all 1,943 corpus files); it splits a track
    by channel, and a drum track (channel 10) gets channel 9 here."""
    try:
        score: Any = symusic.Score(str(path), ttype="tick")  # its stubs type the factory, not the score
    except (RuntimeError, ValueError, OSError) as exc:
        raise DataError(f"{path}: not a readable MIDI file ({type(exc).__name__}: {exc})") from exc
    tracks = []
    for track in score.tracks:
        columns = track.notes.numpy()
        starts, durs = columns["time"].tolist(), columns["duration"].tolist()
        channel = 9 if track.is_drum else 0
        notes = sorted((RawNote(start, start + dur, pitch, velocity, channel) for start, dur, pitch, velocity
                        in zip(starts, durs, columns["pitch"].tolist(), columns["velocity"].tolist(), strict=True)),
                       key=lambda n: (n.start_tick, n.pitch))
        if notes:
            tracks.append(RawTrack(track.name.strip(), track.program, tuple(notes)))
    return MidiData(score.ticks_per_quarter, tuple(tracks),
                    tuple((t.time, t.mspq) for t in score.tempos),
                    tuple((t.time, t.numerator, t.denominator) for t in score.time_signatures))


def tempo_map(midi: mido.MidiFile | MidiData) -> list[tuple[int, int]]:
    """(tick, microseconds per beat) of every tempo change, in tick order, from either reader."""
    if isinstance(midi, MidiData):
        return list(midi.tempos)
    return [(tick, msg.tempo) for tick, msg in meta_events(midi, "set_tempo")]


def meter_map(midi: mido.MidiFile | MidiData) -> list[tuple[int, int, int]]:
    """(tick, numerator, denominator) of every time signature, in tick order, from either reader."""
    if isinstance(midi, MidiData):
        return list(midi.time_signatures)
    return [(tick, msg.numerator, msg.denominator) for tick, msg in meta_events(midi, "time_signature")]


def read_midi(path: Path) -> mido.MidiFile:
    """Open a MIDI file; raise DataError naming the file when it cannot be parsed."""
    try:
        return mido.MidiFile(path, clip=True)
    except (OSError, EOFError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise DataError(f"{path}: not a readable MIDI file ({type(exc).__name__}: {exc})") from exc


def track_notes(track: mido.MidiTrack) -> RawTrack:
    """The notes of one track, pairing each note-off with the earliest open note-on (FIFO)."""
    tick, program, notes = 0, None, []
    open_notes: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for msg in track:
        tick += msg.time
        if msg.type == "program_change" and program is None:
            program = msg.program
        elif msg.type == "note_on" and msg.velocity > 0:
            open_notes.setdefault((msg.channel, msg.note), []).append((tick, msg.velocity))
        elif msg.type in ("note_on", "note_off") and open_notes.get((msg.channel, msg.note)):
            start, velocity = open_notes[(msg.channel, msg.note)].pop(0)
            notes.append(RawNote(start, tick, msg.note, velocity, msg.channel))
    for (channel, pitch), starts in open_notes.items():  # never closed: end at the end of the track
        notes.extend(RawNote(start, tick, pitch, velocity, channel) for start, velocity in starts)
    return RawTrack(track.name.strip(), program, tuple(sorted(notes, key=lambda n: (n.start_tick, n.pitch))))


def meta_events(midi: mido.MidiFile, kind: str) -> list[tuple[int, mido.MetaMessage]]:
    """(absolute tick, message) for every meta message of type `kind`, in tick order, across tracks."""
    found = []
    for track in midi.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == kind:
                found.append((tick, msg))
    return sorted(found, key=lambda item: item[0])


def ticks_to_seconds(ticks: np.ndarray, midi: mido.MidiFile | MidiData) -> np.ndarray:
    """Convert absolute ticks to seconds with the file's tempo map (120 bpm before the first tempo)."""
    change_ticks, tempos = [0], [500_000]
    for tick, tempo in tempo_map(midi):
        if tick == change_ticks[-1]:
            tempos[-1] = tempo
        else:
            change_ticks.append(tick)
            tempos.append(tempo)
    starts = np.array(change_ticks, dtype=float)
    sec_per_tick = np.array(tempos, dtype=float) / 1e6 / midi.ticks_per_beat
    start_secs = np.concatenate([[0.0], np.cumsum(np.diff(starts) * sec_per_tick[:-1])])
    index = np.searchsorted(starts, ticks, side="right") - 1
    secs: np.ndarray = start_secs[index] + (ticks - starts[index]) * sec_per_tick[index]
    return secs


def seconds_to_beats(seconds: np.ndarray, beat_secs: np.ndarray) -> np.ndarray:
    """Piecewise-linear map from seconds to beats (beat i at beat_secs[i]), linear outside the range."""
    beats: np.ndarray = np.interp(seconds, beat_secs, np.arange(len(beat_secs), dtype=float))
    first_rate = 1.0 / (beat_secs[1] - beat_secs[0])
    last_rate = 1.0 / (beat_secs[-1] - beat_secs[-2])
    before, after = seconds < beat_secs[0], seconds > beat_secs[-1]
    beats[before] = (seconds[before] - beat_secs[0]) * first_rate
    beats[after] = len(beat_secs) - 1 + (seconds[after] - beat_secs[-1]) * last_rate
    return beats


def quantise(beat: float) -> float:
    """Round a time in beats to the 1/12-beat grid."""
    return round(beat * GRID) / GRID


def make_note(start_beat: float, end_beat: float, pitch: int, velocity: int, part: Part) -> Note:
    """A Note on the grid: onset and offset rounded, duration at least one grid step."""
    onset = quantise(start_beat)
    dur = max(quantise(end_beat) - onset, 1 / GRID)
    return Note(onset, round(dur * GRID) / GRID, pitch, max(1, min(127, velocity)), part)


def sort_notes(notes: Iterable[Note]) -> tuple[Note, ...]:
    """Notes sorted by (beat, pitch, part)."""
    return tuple(sorted(notes, key=lambda n: (n.beat, n.pitch, n.part)))


def onset_groups(notes: Sequence[Note]) -> list[list[Note]]:
    """Notes grouped by equal onset, in onset order (each group sorted by pitch)."""
    groups: dict[float, list[Note]] = {}
    for note in notes:
        groups.setdefault(note.beat, []).append(note)
    return [sorted(groups[beat], key=lambda n: n.pitch) for beat in sorted(groups)]


def retag(note: Note, part: Part, pitch: int | None = None) -> Note:
    """The same note with another part (and optionally another pitch)."""
    return Note(note.beat, note.dur_beats, note.pitch if pitch is None else pitch, note.velocity, part)


def split_bass(notes: Sequence[Note]) -> list[Note]:
    """Tag an accompaniment's notes COMP or BASS.

    Rule: in each onset group (notes with the same onset after quantisation), the lowest note is BASS
    when it is below MIDI 60 (middle C) and no lower note of the accompaniment is still sounding at that
    onset; every other note is COMP.
    """
    out: list[Note] = []
    sounding: list[Note] = []
    for group in onset_groups(notes):
        onset = group[0].beat
        sounding = [n for n in sounding if n.end_beat > onset]
        low = group[0]
        is_bass = low.pitch < BASS_MAX_PITCH and all(n.pitch >= low.pitch for n in sounding)
        out.append(retag(low, Part.BASS if is_bass else Part.COMP))
        out.extend(retag(n, Part.COMP) for n in group[1:])
        sounding.extend(group)
    return out


def meter_bars(midi: mido.MidiFile | MidiData, end_beat: float) -> tuple[tuple[float, ...], tuple[int, int]]:
    """Downbeats from the time-signature map, bars laid from beat 0 (4/4 if none), and the commonest meter.

    A time signature starts a new bar where it is written; bar length = numerator * 4 / denominator beats.
    """
    changes: dict[float, tuple[int, int]] = {0.0: (4, 4)}
    for tick, numerator, denominator in meter_map(midi):
        changes[tick / midi.ticks_per_beat] = (numerator, denominator)
    starts = sorted(changes) + [max(end_beat, 1e-9)]
    downbeats: list[float] = []
    meters: Counter[tuple[int, int]] = Counter()
    for start, stop in itertools.pairwise(starts):
        num, den = changes[start]
        bar = num * 4 / den
        count = max(0, math.ceil((stop - start) / bar - 1e-9))
        downbeats.extend(quantise(start + i * bar) for i in range(count))
        meters[(num, den)] += count
    return tuple(sorted(set(downbeats))), meters.most_common(1)[0][0] if meters else (4, 4)


def extend_downbeats(downbeats: Sequence[float], bar_beats: float, end_beat: float) -> tuple[float, ...]:
    """Downbeats extended by whole bars back towards beat 0 and forward to cover `end_beat`."""
    out = list(downbeats)
    while out[0] - bar_beats >= 0:
        out.insert(0, out[0] - bar_beats)
    while out[-1] + bar_beats < end_beat:
        out.append(out[-1] + bar_beats)
    return tuple(out)


def median_tempo(midi: mido.MidiFile | MidiData) -> float:
    """Median of the file's set_tempo values in bpm (120 when there are none)."""
    tempos = [mido.tempo2bpm(tempo) for _, tempo in tempo_map(midi)]
    return float(statistics.median(tempos)) if tempos else 120.0


def beat_notes(track: RawTrack, ticks_per_beat: int, part: Part) -> list[Note]:
    """A track's notes on the grid with beats = ticks / ticks_per_beat."""
    return [make_note(n.start_tick / ticks_per_beat, n.end_tick / ticks_per_beat, n.pitch, n.velocity, part)
            for n in track.notes]


def mean_polyphony(track: RawTrack) -> float:
    """Notes per distinct onset tick (1.0 for a monophonic line, about 3 for block triads)."""
    onsets = {n.start_tick for n in track.notes}
    return len(track.notes) / len(onsets) if onsets else 0.0


_NAME_PARTS = (("bass", Part.BASS), ("melody", Part.LEAD), ("lead", Part.LEAD), ("vocal", Part.LEAD),
               ("voice", Part.LEAD), ("bridge", Part.COUNTER), ("counter", Part.COUNTER))


def guess_part(track: RawTrack, lead_track: RawTrack | None) -> Part:
    """A track's part: by name, else General MIDI bass programs (32-39) -> BASS, else the chosen
    lead track -> LEAD, a mostly monophonic track centred below MIDI 55 -> BASS, other mostly monophonic
    tracks -> COUNTER, and polyphonic tracks -> COMP (their lowest voice split off by `split_bass`)."""
    for word, part in _NAME_PARTS:
        if word in track.name.lower():
            return part
    if track.program is not None and 32 <= track.program <= 39:
        return Part.BASS
    if track is lead_track:
        return Part.LEAD
    centre = statistics.median(n.pitch for n in track.notes)
    if mean_polyphony(track) < 1.3:
        return Part.BASS if centre < 55 else Part.COUNTER
    return Part.COMP


def pick_lead(tracks: Sequence[RawTrack]) -> RawTrack | None:
    """The most likely melody: the mostly monophonic track with the highest median pitch."""
    lines = [t for t in tracks if mean_polyphony(t) < 1.3]
    return max(lines, key=lambda t: statistics.median(n.pitch for n in t.notes), default=None)
