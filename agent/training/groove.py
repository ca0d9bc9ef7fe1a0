"""`sideman groove`: does the accompaniment sound like a band's? Density, rhythm, activity, listening (issue 10).

`sideman bench --feel` plays in real time and measures what timing decides (first beats, loops, lead,
reaction). This command measures what the *model* decides, offline and so over many more bars: the live
generator (`agent.model.live.ModelGenerator`) plays chunk by chunk exactly as the runtime asks at the
tempo given (`agent.live.timing.plan`: the chunk, the lead, the human's delay named in the header),
hearing the melody only up to the playhead (a note still sounding is as long as it has sounded so far),
with the knobs of the config (`sampling.style`, `sampling.activity`) unless told otherwise. Five parts:

- **Density** (comp + bass, notes per beat) on the feel benchmark's lead sheets (`FEEL_PROGRESSIONS`),
  several seeds each: mean over sheets, the lowest sheet, the spread over seeds.
- **Rhythm**: the histogram intersection (1 = the same profile) of onset positions in the bar (1/12-beat
  grid: sixteenths and triplets) and of durations (`measures.DURATION_EDGES`) with the held-out real comp
  and bass parts of POP909, of Nottingham, and of both pooled.
- **Activity**: notes per beat on each sheet at knob values 0.1 .. 0.9 (the goal: 0.1 at most 1 note a
  beat, 0.9 at least 3, on the same sheet).
- **Starts**: takes starting inside the first bar (play or a seek from there) against takes from its
  downbeat (`agent.model.live` plays the bar's beginning unheard first).
- **Listening**: in held-out songs, bars are *quiet* (the melody starts at most one note) or *busy* (at
  least the song's median count, and more than one). The figure is the accompaniment's mean notes in
  quiet bars over its mean in busy bars, pooled over all the segments' bars, with a bootstrap 90%
  interval over segments: below 1, it leaves room when the melody rests... or thins out with it. The real
  accompaniment and the model play the same bars (8-bar segments chosen to hold both kinds of bar, one
  bar of lead-in not counted); the model's figure should be as far from 1 as the real one, on the same side.
  The model plays with the config's style and with the corpus's own (pop for POP909, folk for Nottingham);
  in the corpus's own style its onset and duration profiles over those bars are compared with the real
  parts' (the fair test of "rhythm like the real parts" for each corpus: the lead sheets' harmonic rhythm
  is not Nottingham's, so their folk durations cannot match Nottingham's songs).

Everything is seeded; figures go in models/README.md and the closing notes.
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from agent.live.generator import SamplingParams
from agent.live.timing import plan
from agent.model.drive import Music, play
from agent.model.live import ModelGenerator
from agent.music import measures as M
from agent.music.chords import parse_symbol
from agent.music.events import ChordSpan, Note, Part, Song
from agent.music.leadsheet import FEEL_PROGRESSIONS, feel_sheet
from agent.training.examples import SOURCE_STYLES

PARTS = (Part.COMP, Part.BASS)
SOURCES = ("pop909", "nottingham")
KNOB_VALUES = (0.1, 0.3, 0.5, 0.7, 0.9)
SEGMENT_BARS = 8
START_BEATS = (0.0, 0.5, 1.5, 3.0)  # where a take starts inside the first bar (`starts`)


def accompany(generator: ModelGenerator, music: Music, params: SamplingParams, bpm: float,
              activity: float | tuple[tuple[Part, float], ...], lead_in_beats: float = 0.0) -> list[Note]:
    """The comp and bass the live generator plays over `music` (lead-in notes dropped), chunk by chunk as
    the runtime plans them at `bpm`; `activity` is the knob for both parts (-1: unprompted) or per part."""
    p = plan(bpm, 80.0, 250.0, generator.human_delays)
    if isinstance(activity, tuple):
        knobs = activity
    else:
        knobs = tuple((part, activity) for part in PARTS) if activity >= 0 else ()
    return play(generator, music, params, PARTS, p.chunk_beats, p.lead_beats, tempo_bpm=bpm,
                delay_ticks=p.delay_ticks, activity=knobs, lead_in_beats=lead_in_beats).notes


def sheet_music(name: str, bars: int = 8) -> Music:
    sheet = feel_sheet(name)
    beats = min(sheet.beats, 4.0 * bars)
    chords = tuple(ChordSpan(b, d, chord) for b, d, s in sheet.chords if (chord := parse_symbol(s)) is not None)
    return Music(chords, tuple(sheet.melody), 0.0, beats)


# --- the real parts ---

def bar_start(song: Song, beat: float) -> float:
    downbeats = np.asarray(song.downbeats)
    k = int(np.searchsorted(downbeats, beat + 1e-6, side="right")) - 1
    return float(downbeats[max(k, 0)])


def real_notes(songs: Sequence[Song], source: str | None) -> list[Note]:
    """Held-out comp and bass notes, each placed in its own bar (beat = offset from the bar's start)."""
    out = []
    for song in songs:
        if source is not None and song.source != source:
            continue
        for note in song.notes:
            if note.part in PARTS:
                out.append(replace(note, beat=note.beat - bar_start(song, note.beat)))
    return out


def profiles(notes: Sequence[Note]) -> tuple[np.ndarray, np.ndarray]:
    return M.onset_histogram(notes), M.duration_histogram(notes)


# --- listening ---

@dataclass(frozen=True, slots=True)
class Segment:
    song: Song
    music: Music
    quiet: tuple[int, ...]  # bar indices in the segment
    busy: tuple[int, ...]
    bar_beats: float = 4.0


def listening_segments(songs: Sequence[Song], per_source: int) -> list[Segment]:
    """Per source, up to `per_source` 8-bar segments holding quiet and busy bars (the most quiet ones
    where a song has several; Nottingham tunes rest in a bar or two per phrase)."""
    found: list[Segment] = []
    for source in SOURCES:
        count = 0
        for song in songs:
            if song.source != source or count >= per_source:
                continue
            segment = _best_segment(song)
            if segment is not None:
                found.append(segment)
                count += 1
    return found


def _best_segment(song: Song) -> Segment | None:
    melody = [n for n in song.notes if n.part == Part.LEAD]
    accomp = [n for n in song.notes if n.part in PARTS]
    bar = song.meter[0] * 4.0 / song.meter[1]
    downbeats = [d for d in song.downbeats if d >= bar]  # one bar of lead-in before the segment
    if not melody or not accomp or not song.chords or len(downbeats) < SEGMENT_BARS + 1:
        return None
    best: tuple[int, int] | None = None
    for i in range(0, len(downbeats) - SEGMENT_BARS, 2):
        start, end = downbeats[i], downbeats[i] + bar * SEGMENT_BARS
        counts = M.density_per_bar(melody, start, end, bar)
        real = M.density_per_bar(accomp, start, end, bar)
        if (real == 0).sum() > 2:  # the arrangement is silent there (an intro, a break): not a comping test
            continue
        quiet, busy = _classes(counts)
        score = min(len(quiet), len(busy))
        if score >= 1 and (best is None or score > best[1]):
            best = (i, score)
    if best is None:
        return None
    start = downbeats[best[0]]
    end = start + bar * SEGMENT_BARS
    quiet, busy = _classes(M.density_per_bar(melody, start, end, bar))
    music = Music(tuple(song.chords), tuple(n for n in melody if start - 2 * bar <= n.beat < end), start, end,
                  song.meter, song.downbeats[0])
    return Segment(song, music, quiet, busy, bar)


def _classes(counts: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
    quiet = counts <= 1
    busy = (counts >= max(2.0, float(np.median(counts)))) & ~quiet
    return tuple(int(i) for i in np.flatnonzero(quiet)), tuple(int(i) for i in np.flatnonzero(busy))


def listening_ratio(per_segment: Sequence[tuple[float, int, float, int]], rng: random.Random,
                    group: int = 1, rounds: int = 2000) -> tuple[float, float, float]:
    """Pooled (quiet notes / quiet bars) / (busy notes / busy bars), with a bootstrap 90% interval over
    segments (`group` consecutive rows are one segment's takes, resampled together)."""
    def pooled(rows: Sequence[tuple[float, int, float, int]]) -> float:
        q = sum(r[0] for r in rows) / max(1, sum(r[1] for r in rows))
        b = sum(r[2] for r in rows) / max(1, sum(r[3] for r in rows))
        return q / b if b > 0 else math.nan

    groups = [per_segment[i:i + group] for i in range(0, len(per_segment), group)]
    draws = sorted(pooled([row for _ in groups for row in rng.choice(groups)]) for _ in range(rounds))
    return pooled(per_segment), draws[int(0.05 * rounds)], draws[int(0.95 * rounds) - 1]


def bar_counts(notes: Sequence[Note], segment: Segment) -> tuple[float, int, float, int]:
    bars = M.density_per_bar(notes, segment.music.start, segment.music.end, segment.bar_beats)
    return (float(bars[list(segment.quiet)].sum()), len(segment.quiet),
            float(bars[list(segment.busy)].sum()), len(segment.busy))


# --- the report ---

def run(args: argparse.Namespace, generator: ModelGenerator, params: SamplingParams, activity: float,
        songs: Sequence[Song]) -> str:
    """All four parts, as printed lines."""
    lines = [(f"Sideman groove (offline, the live generator as the runtime drives it at {args.bpm:g} bpm; "
             f"style {params.style}, activity {activity:g}; comp + bass)")]
    heard: list[Note] = []
    per_sheet = []
    for name in FEEL_PROGRESSIONS:
        music = sheet_music(name, args.bars)
        rates = []
        for seed in range(1, args.seeds + 1):
            notes = accompany(generator, music, replace(params, seed=seed), args.bpm, activity)
            rates.append(len(notes) / (music.end - music.start))
            heard += [replace(n, beat=n.beat % 4.0) for n in notes]
        per_sheet.append(float(np.mean(rates)))
        lines.append(f"  {name:6s} notes per beat: mean {np.mean(rates):.2f} over {len(rates)} seeds "
                     f"(min {min(rates):.2f}, max {max(rates):.2f})")
    lines.append(f"  density over sheets: mean {np.mean(per_sheet):.2f}, lowest sheet {min(per_sheet):.2f}")
    model_on, model_dur = profiles(heard)
    for label, source in (("POP909", "pop909"), ("Nottingham", "nottingham"), ("both", None)):
        real_on, real_dur = profiles(real_notes(songs, source))
        lines.append(f"  rhythm vs real {label:10s}: onsets {M.histogram_intersection(model_on, real_on):.2f}, "
                     f"durations {M.histogram_intersection(model_dur, real_dur):.2f}")
    lines.append(f"activity knob (notes per beat per sheet, mean over {args.seeds} seeds)")
    for value in KNOB_VALUES:
        rates = [float(np.mean([len(accompany(generator, m, replace(params, seed=seed), args.bpm, value))
                                for seed in range(1, args.seeds + 1)])) / (m.end - m.start)
                 for m in (sheet_music(name, args.bars) for name in FEEL_PROGRESSIONS)]
        lines.append(f"  {value:.1f}: " + ", ".join(f"{r:.2f}" for r in rates) + f"  (max {max(rates):.2f}, "
                     f"min {min(rates):.2f})")
    lines += starts(args, generator, params, activity)
    lines += listening(args, generator, params, activity, songs)
    return "\n".join(lines)


def starts(args: argparse.Namespace, generator: ModelGenerator, params: SamplingParams, activity: float) -> list[str]:
    """Density of takes that start inside the first bar (play or a seek from there, nothing played yet)
    against takes from its downbeat, at the knob's default and at 0.1: a start should not change how busy
    the part plays."""
    lines = [f"start inside a bar (notes per beat, {len(FEEL_PROGRESSIONS)} sheets x {args.seeds} seeds)"]
    for value in dict.fromkeys((activity, 0.1)):
        row = []
        for start in START_BEATS:
            rates = [len(accompany(generator, replace(m, start=start), replace(params, seed=seed), args.bpm, value))
                     / (m.end - start) for m in (sheet_music(name, args.bars) for name in FEEL_PROGRESSIONS)
                     for seed in range(1, args.seeds + 1)]
            row.append(f"{start:g}: {np.mean(rates):.2f}")
        lines.append(f"  activity {value:g}, from beat " + ", ".join(row))
    return lines


def listening(args: argparse.Namespace, generator: ModelGenerator, params: SamplingParams, activity: float,
              songs: Sequence[Song]) -> list[str]:
    segments = listening_segments(songs, args.segments)
    lines = [(f"listening: accompaniment notes per quiet bar / per busy bar of the melody ({len(segments)} "
             f"8-bar segments; bootstrap 90% interval)")]
    rng = random.Random(5)
    for source in SOURCES:
        chosen = [s for s in segments if s.song.source == source]
        if not chosen:
            continue
        real = [bar_counts(real_parts(s), s) for s in chosen]
        r = listening_ratio(real, rng)
        line = f"  {source:10s} ({len(chosen)} segments): real {r[0]:.2f} [{r[1]:.2f}, {r[2]:.2f}]"
        rhythm: list[str] = []
        for style in dict.fromkeys((params.style, SOURCE_STYLES[source])):
            takes = [(s, accompany(generator, s.music, replace(params, seed=seed, style=style), args.bpm, activity,
                                   s.bar_beats)) for s in chosen for seed in range(1, args.seeds + 1)]
            m = listening_ratio([bar_counts(notes, s) for s, notes in takes], rng, args.seeds)
            line += f"; model ({style}) {m[0]:.2f} [{m[1]:.2f}, {m[2]:.2f}]"
            if style == SOURCE_STYLES[source]:  # its rhythm against the real parts of the same bars
                model_on, model_dur = profiles([n for s, notes in takes for n in in_bar(notes, s)])
                real_on, real_dur = profiles([n for s in chosen for n in in_bar(real_parts(s), s)])
                rhythm.append(f"    rhythm in {style} style vs the real parts of the same bars: onsets "
                              f"{M.histogram_intersection(model_on, real_on):.2f}, durations "
                              f"{M.histogram_intersection(model_dur, real_dur):.2f}")
        lines += [line, *rhythm]
    return lines


def real_parts(segment: Segment) -> list[Note]:
    """The real comp and bass of a segment's bars."""
    return [n for n in segment.song.notes if n.part in PARTS and segment.music.start <= n.beat < segment.music.end]


def in_bar(notes: Sequence[Note], segment: Segment) -> list[Note]:
    """Notes with their onsets as positions in the segment's bars (for the onset profile)."""
    return [replace(n, beat=(n.beat - segment.music.bar_origin) % segment.bar_beats) for n in notes]
