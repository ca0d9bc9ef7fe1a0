"""Training songs: POP909 and Nottingham (and any MIDI file) read into notes, chords and bars, in beats.

Every loader returns a `Song` on the same time grid: onsets and offsets are rounded to 1/12 beat
(sixteenths and triplets) and every note lasts at least 1/12 beat.

- POP909 (`load_pop909_song`): `beat_midi.txt` is the time base (its beats are beat 0, 1, 2, ...);
  note times in seconds (from the file's tempo map) become beats by piecewise-linear interpolation
  between the annotated beat times, extrapolated linearly outside them. MELODY -> LEAD, BRIDGE ->
  COUNTER, PIANO -> COMP except its lowest voice -> BASS (`split_bass`). Chords from `chord_midi.txt`.
- Nottingham (`load_nottingham_song`): beats are ticks / ticks_per_beat; bars follow the file's time
  signatures from beat 0 (the files pad a pickup to a full bar, so beat 0 is a downbeat). The melody
  track is LEAD; the block-chord track is COMP with the lowest note of each block -> BASS; chord symbols
  are recovered by matching each block's pitch classes against the chord templates.
- Any MIDI file (`load_midi_song`): tracks are mapped to parts by name, program and range
  (`guess_part`), chords come from `agent.music.chord_recog`.

Files are parsed with symusic (`agent.music.midi_files.read_score`): the raw parse and note pairing of
all 1,943 POP909 and Nottingham files take about 7 s of CPU against 47 s with mido, with the same notes,
tempo and meter maps (every file checked; tests/test_datasets.py compares whole songs on a sample).

`load_corpus` loads everything under a data folder and caches it as gzipped JSON.
`python -m agent.training.datasets DATA_DIR` prints a summary. Pure module: no torch.
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import json
import logging
import math
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agent.errors import ChordError, DataError
from agent.music.chord_recog import match_chord, recognise_chords
from agent.music.chords import QUALITY_NAMES, Chord, parse_harte
from agent.music.events import ChordSpan, Note, Part, Song
from agent.music.midi_files import (
    GRID,
    RawTrack,
    beat_notes,
    extend_downbeats,
    guess_part,
    make_note,
    mean_polyphony,
    median_tempo,
    meter_bars,
    onset_groups,
    pick_lead,
    quantise,
    read_score,
    retag,
    seconds_to_beats,
    sort_notes,
    split_bass,
    ticks_to_seconds,
)

log = logging.getLogger("sideman.training.datasets")

CACHE_VERSION = "sideman-corpus-1"  # bump when loading rules change: old caches are then ignored
NOTTINGHAM_BASS_MAX = 55  # Nottingham chord roots above this drop an octave to sound like a bass


# ---------------------------------------------------------------- block chords (Nottingham)


def block_chords(groups: Sequence[Sequence[Note]]) -> list[ChordSpan]:
    """One chord per onset group, lasting to the next group's onset or its own end; equal neighbours merge."""
    spans: list[ChordSpan] = []
    for i, group in enumerate(groups):
        chord = match_chord(frozenset(n.pitch % 12 for n in group))
        start = group[0].beat
        stop = max(n.end_beat for n in group)
        if i + 1 < len(groups):
            stop = min(stop, groups[i + 1][0].beat)
        if chord is None or stop <= start:
            continue
        if spans and spans[-1].chord == chord and spans[-1].end_beat == start:
            spans[-1] = ChordSpan(spans[-1].beat, stop - spans[-1].beat, chord)
        else:
            spans.append(ChordSpan(start, stop - start, chord))
    return spans


def nottingham_accompaniment(notes: Sequence[Note]) -> tuple[list[Note], list[ChordSpan]]:
    """Block chords -> COMP notes, the lowest of each block -> BASS (an octave down above MIDI 55)."""
    groups = onset_groups(notes)
    out: list[Note] = []
    for group in groups:
        low = group[0]
        out.append(retag(low, Part.BASS, low.pitch - 12 if low.pitch > NOTTINGHAM_BASS_MAX else low.pitch))
        out.extend(retag(n, Part.COMP) for n in group[1:])
    return out, block_chords(groups)


# ---------------------------------------------------------------- POP909


def read_pop909_beats(path: Path) -> np.ndarray:
    """`beat_midi.txt` as an (n, 3) array: seconds, group-downbeat flag, bar-downbeat flag."""
    try:
        table = np.loadtxt(path, ndmin=2)
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read beat table ({exc})") from exc
    if table.shape[0] < 2 or table.shape[1] < 3 or np.any(np.diff(table[:, 0]) <= 0):
        raise DataError(f"{path}: expected >= 2 lines of 'seconds flag flag' with increasing seconds")
    return table


def read_pop909_chords(path: Path, beat_secs: np.ndarray, shift: float) -> tuple[ChordSpan, ...]:
    """`chord_midi.txt` as chord spans in beats (no-chord spans dropped, overlaps clipped)."""
    spans: list[ChordSpan] = []
    for line_no, line in _read_lines(path):
        fields = line.split()
        if len(fields) != 3:
            raise DataError(f"{path}:{line_no}: expected 'start end label', got {line!r}")
        try:
            chord = parse_harte(fields[2])
            secs = np.array([float(fields[0]), float(fields[1])])
        except (ChordError, ValueError) as exc:
            raise DataError(f"{path}:{line_no}: {exc}") from exc
        start, stop = (quantise(b + shift) for b in seconds_to_beats(secs, beat_secs))
        if spans:
            start = max(start, spans[-1].end_beat)
        if chord is not None and stop > start:
            spans.append(ChordSpan(start, stop - start, chord))
    return tuple(spans)


def _read_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of the non-blank lines of a text file; DataError naming it when unreadable."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read ({exc})") from exc
    return [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]


_POP909_PARTS = {"MELODY": Part.LEAD, "BRIDGE": Part.COUNTER, "PIANO": Part.COMP}


def pop909_raw_notes(folder: Path) -> tuple[list[tuple[float, float, int, int, Part]], np.ndarray, float]:
    """Unquantised (start beat, end beat, pitch, velocity, part) of a song's notes, its beat table and
    median tempo in bpm."""
    midi_path = folder / f"{folder.name}.mid"
    midi = read_score(midi_path)
    table = read_pop909_beats(folder / "beat_midi.txt")
    raw: list[tuple[float, float, int, int, Part]] = []
    for track in midi.tracks:
        part = _POP909_PARTS.get(track.name.upper())
        if part is None or not track.notes:
            if track.notes:
                log.warning("%s: track %r is not MELODY/BRIDGE/PIANO, skipped", midi_path, track.name)
            continue
        ticks = np.array([(n.start_tick, n.end_tick) for n in track.notes], dtype=float)
        beats = seconds_to_beats(ticks_to_seconds(ticks, midi), table[:, 0])
        raw.extend((s, e, n.pitch, n.velocity, part) for (s, e), n in zip(beats.tolist(), track.notes))
    if not raw:
        raise DataError(f"{midi_path}: no notes in MELODY, BRIDGE or PIANO tracks")
    return raw, table, float(np.median(60.0 / np.diff(table[:, 0])))


def load_pop909_song(folder: Path) -> Song:
    """Load one POP909 song folder (`NNN/NNN.mid`, `beat_midi.txt`, `chord_midi.txt`); see the module doc.

    Notes that start before the first annotated beat shift the whole song later by whole beats so that
    no time is negative; downbeats are extended by whole bars to cover the song.
    """
    folder = Path(folder)
    raw, table, tempo_bpm = pop909_raw_notes(folder)
    shift = float(max(0, math.ceil(-quantise(min(r[0] for r in raw)))))
    notes = [make_note(s + shift, e + shift, p, v, part) for s, e, p, v, part in raw]
    piano = [n for n in notes if n.part == Part.COMP]
    notes = [n for n in notes if n.part != Part.COMP] + split_bass(piano)
    bar_starts = np.flatnonzero(table[:, 2] > 0)
    if len(bar_starts) == 0:
        raise DataError(f"{folder / 'beat_midi.txt'}: no bar downbeats (column 3) marked")
    bar_beats = Counter(np.diff(bar_starts).tolist()).most_common(1)[0][0] if len(bar_starts) > 1 else 4
    end_beat = max(n.end_beat for n in notes)
    downbeats = extend_downbeats([float(b) + shift for b in bar_starts], float(bar_beats), end_beat)
    chords = read_pop909_chords(folder / "chord_midi.txt", table[:, 0], shift)
    return Song(f"pop909/{folder.name}", "pop909", sort_notes(notes), chords, downbeats,
                (int(bar_beats), 4), tempo_bpm)


# ---------------------------------------------------------------- Nottingham and any MIDI file


def load_nottingham_song(path: Path) -> Song:
    """Load one Nottingham MIDI file: melody -> LEAD, block chords -> COMP + BASS, chords recovered."""
    path = Path(path)
    midi = read_score(path)
    tracks = list(midi.tracks)
    if not tracks:
        raise DataError(f"{path}: no notes")
    tracks.sort(key=mean_polyphony)  # the melody is the most monophonic track
    notes = beat_notes(tracks[0], midi.ticks_per_beat, Part.LEAD)
    chords: list[ChordSpan] = []
    if len(tracks) > 1:
        accompaniment = [n for t in tracks[1:] for n in beat_notes(t, midi.ticks_per_beat, Part.COMP)]
        comp, chords = nottingham_accompaniment(accompaniment)
        notes += comp
    end_beat = max(n.end_beat for n in notes)
    downbeats, meter = meter_bars(midi, end_beat)
    return Song(f"nottingham/{path.stem}", "nottingham", sort_notes(notes), tuple(chords), downbeats,
                meter, median_tempo(midi))


def load_midi_song(path: Path) -> Song:
    """Load any MIDI file: drums (channel 10) dropped, tracks -> parts by `guess_part`, chords recognised
    by `agent.music.chord_recog` from the COMP and BASS notes (all notes when there are none)."""
    path = Path(path)
    midi = read_score(path)
    tracks = [RawTrack(t.name, t.program, tuple(n for n in t.notes if n.channel != 9)) for t in midi.tracks]
    tracks = [t for t in tracks if t.notes]
    if not tracks:
        raise DataError(f"{path}: no pitched notes")
    lead = pick_lead(tracks) if len(tracks) > 1 else None
    notes: list[Note] = []
    for track in tracks:
        part = guess_part(track, lead)
        track_beats = beat_notes(track, midi.ticks_per_beat, part)
        notes += split_bass(track_beats) if part == Part.COMP else track_beats
    end_beat = max(n.end_beat for n in notes)
    downbeats, meter = meter_bars(midi, end_beat)
    harmony = [n for n in notes if n.part in (Part.COMP, Part.BASS)] or notes
    chords = recognise_chords(harmony, downbeats, end_beat)
    return Song(f"midi/{path.stem}", "midi", sort_notes(notes), tuple(chords), downbeats, meter,
                median_tempo(midi))


# ---------------------------------------------------------------- the corpus and its cache


def corpus_files(data_dir: Path) -> list[tuple[str, Path]]:
    """(source, path) of every POP909 song folder, Nottingham MIDI file, and any other MIDI file
    (`*.mid`, `*.midi`, anywhere else under `data_dir`: parts guessed, chords recognised), sorted."""
    pop = sorted(p for p in (data_dir / "pop909").glob("*/") if p.is_dir())
    folk = sorted((data_dir / "nottingham").glob("*.mid"))
    known = {data_dir / "pop909", data_dir / "nottingham"}
    other = sorted(p for p in data_dir.rglob("*") if p.suffix.lower() in (".mid", ".midi") and p.is_file()
                   and not any(k in p.parents for k in known))
    return [("pop909", p) for p in pop] + [("nottingham", p) for p in folk] + [("midi", p) for p in other]


def load_song(source: str, path: Path) -> Song:
    """Load one song with the loader for its source ("pop909", "nottingham" or "midi")."""
    loaders = {"pop909": load_pop909_song, "nottingham": load_nottingham_song, "midi": load_midi_song}
    if source not in loaders:
        raise DataError(f"{path}: unknown source {source!r} (known: {', '.join(loaders)})")
    return loaders[source](path)


def load_corpus(data_dir: Path, cache: Path | None = None, limit: int | None = None) -> list[Song]:
    """Every song under `data_dir` (`pop909/*/`, `nottingham/*.mid`, other MIDI), at most `limit` per source.

    Files that fail to load are logged as warnings (file and reason) and skipped. With `cache`, the songs
    are stored as gzipped JSON keyed by `CACHE_VERSION`, the data folder and `limit`; a later call with
    the same key reads the cache instead (delete the file, or bump the version, after changing the data).
    A cold load of all 1,943 songs takes about 75 s on one core; a cached one about 8 s.
    """
    data_dir = Path(data_dir)
    key = f"{CACHE_VERSION}|{data_dir.resolve()}|{limit}"
    if cache is not None and (songs := read_cache(Path(cache), key)) is not None:
        return songs
    files = corpus_files(data_dir)
    if limit is not None:
        files = [f for src in ("pop909", "nottingham", "midi") for f in [g for g in files if g[0] == src][:limit]]
    songs = load_files(files)
    if cache is not None:
        write_cache(Path(cache), key, songs)
    return songs


def load_files(files: Sequence[tuple[str, Path]]) -> list[Song]:
    """Load (source, path) pairs in order, logging progress; failures are logged as warnings and skipped."""
    songs: list[Song] = []
    started = time.monotonic()
    for i, (source, path) in enumerate(files, start=1):
        try:
            songs.append(load_song(source, path))
        except DataError as exc:
            log.warning("skipped %s: %s", path, exc)
        if i % 200 == 0 or i == len(files):
            log.info("loaded %d/%d files (%d songs) in %.1f s", i, len(files), len(songs),
                     time.monotonic() - started)
    return songs


def song_to_json(song: Song) -> dict[str, Any]:
    """A compact JSON form: times as integer grid steps, notes and chords as flat integer lists."""
    notes = [v for n in song.notes for v in (_steps(n.beat), _steps(n.dur_beats), n.pitch, n.velocity,
                                             int(n.part))]
    chords = [v for c in song.chords for v in (_steps(c.beat), _steps(c.dur_beats), c.chord.root,
                                               QUALITY_NAMES.index(c.chord.quality))]
    return {"name": song.name, "source": song.source, "notes": notes, "chords": chords,
            "downbeats": [_steps(b) for b in song.downbeats], "meter": list(song.meter),
            "tempo_bpm": song.tempo_bpm}


def song_from_json(data: dict[str, Any]) -> Song:
    """Inverse of `song_to_json`."""
    flat, chord_flat = data["notes"], data["chords"]
    notes = tuple(Note(flat[i] / GRID, flat[i + 1] / GRID, flat[i + 2], flat[i + 3], Part(flat[i + 4]))
                  for i in range(0, len(flat), 5))
    chords = tuple(ChordSpan(chord_flat[i] / GRID, chord_flat[i + 1] / GRID,
                             Chord(chord_flat[i + 2], QUALITY_NAMES[chord_flat[i + 3]]))
                   for i in range(0, len(chord_flat), 4))
    return Song(data["name"], data["source"], notes, chords, tuple(b / GRID for b in data["downbeats"]),
                (int(data["meter"][0]), int(data["meter"][1])), float(data["tempo_bpm"]))


def _steps(beat: float) -> int:
    """A time in beats as a whole number of grid steps."""
    return round(beat * GRID)


def read_cache(path: Path, key: str) -> list[Song] | None:
    """The cached songs when `path` holds a cache with this key, else None (a stale or broken cache is
    logged and ignored)."""
    if not path.exists():
        return None
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            data = json.load(stream)
    except (OSError, EOFError, ValueError) as exc:
        log.warning("cache %s unreadable (%s): reloading the corpus", path, exc)
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        log.info("cache %s is for another version, folder or limit: reloading the corpus", path)
        return None
    songs = [song_from_json(s) for s in data["songs"]]
    log.info("read %d songs from cache %s", len(songs), path)
    return songs


def write_cache(path: Path, key: str, songs: Sequence[Song]) -> None:
    """Write songs to a gzipped JSON cache (atomically: a temporary file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=3) as stream:
        json.dump({"key": key, "songs": [song_to_json(s) for s in songs]}, stream, separators=(",", ":"))
    tmp.replace(path)
    log.info("wrote %d songs to cache %s", len(songs), path)


# ---------------------------------------------------------------- sanity figures


def chord_tone_share(songs: Iterable[Song]) -> float:
    """Share of COMP and BASS notes whose pitch class belongs to the chord sounding at their onset
    (notes where no chord sounds are not counted)."""
    hits = total = 0
    for song in songs:
        starts = [c.beat for c in song.chords]
        for note in song.notes:
            index = bisect.bisect_right(starts, note.beat) - 1  # chords are sorted and do not overlap
            if note.part in (Part.COMP, Part.BASS) and index >= 0 and note.beat < song.chords[index].end_beat:
                total += 1
                hits += note.pitch % 12 in song.chords[index].chord.pitch_classes
    return hits / total if total else 0.0


def grid_share(beats: Iterable[float], tolerance: float = 1 / 48) -> float:
    """Share of unquantised times within `tolerance` beats of the 1/12-beat grid."""
    values = np.fromiter(beats, dtype=float)
    if values.size == 0:
        return 0.0
    distance = np.abs(values * GRID - np.round(values * GRID)) / GRID
    return float(np.mean(distance <= tolerance))


def summary(songs: Sequence[Song]) -> list[str]:
    """Lines describing a corpus: songs, notes per part, chord-tone share, meters, per source."""
    lines = []
    for source in sorted({s.source for s in songs}):
        group = [s for s in songs if s.source == source]
        parts = Counter(n.part.name for s in group for n in s.notes)
        meters = Counter(f"{s.meter[0]}/{s.meter[1]}" for s in group).most_common(5)
        lines.append(f"{source}: {len(group)} songs, notes per part {dict(parts)}")
        lines.append(f"{source}: chord-tone share of COMP+BASS {chord_tone_share(group):.3f}, "
                     f"meters {meters}, songs with chords {sum(bool(s.chords) for s in group)}")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m agent.training.datasets DATA_DIR [--cache FILE] [--limit N]`: load the corpus, print a summary."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None, help="at most N songs per source")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    started = time.monotonic()
    songs = load_corpus(args.data_dir, args.cache, args.limit)
    print(f"{len(songs)} songs in {time.monotonic() - started:.1f} s")
    for line in summary(songs):
        print(line)
    pop = [f for src, f in corpus_files(args.data_dir) if src == "pop909"][: args.limit or 50]
    onsets = [r[0] for folder in pop[:50] for r in pop909_raw_notes(folder)[0]]
    print(f"pop909: share of onsets within 1/48 beat of the 1/12 grid before quantising "
          f"(first {min(50, len(pop))} songs): {grid_share(onsets):.3f}")


if __name__ == "__main__":
    main()
