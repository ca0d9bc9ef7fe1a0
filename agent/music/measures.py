"""Musical measures of a generated part: chord-tone ratio, density, range, polyphony, collisions.

Pure module (numpy only): evaluation and composition mode both use it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

from agent.music.events import TICKS_PER_BEAT, ChordSpan, Note

STEP = 1.0 / TICKS_PER_BEAT  # beats: the sampling grid for "by sounding time" figures


class ChordLookup:
    """Fast chord-at-beat lookup over a sorted chord track."""

    def __init__(self, chords: Sequence[ChordSpan]) -> None:
        self.chords = sorted(chords, key=lambda s: s.beat)
        self.starts = [s.beat for s in self.chords]

    def at(self, beat: float) -> ChordSpan | None:
        index = bisect.bisect_right(self.starts, beat + 1e-9) - 1
        if index >= 0 and beat < self.chords[index].end_beat - 1e-9:
            return self.chords[index]
        return None


def chord_tone_ratio(notes: Sequence[Note], chords: Sequence[ChordSpan]) -> tuple[float, float]:
    """(by onset, by sounding time): the share of notes (of sounding time) whose pitch class is in the
    chord sounding at that moment; moments with no chord are left out. NaN when nothing counts."""
    lookup = ChordLookup(chords)
    onset_hits = onset_total = 0
    time_hits = time_total = 0
    for note in notes:
        span = lookup.at(note.beat)
        if span is not None:
            onset_total += 1
            onset_hits += (note.pitch % 12) in span.chord.pitch_classes
        for beat in np.arange(note.beat, note.end_beat - 1e-9, STEP):
            span = lookup.at(float(beat))
            if span is not None:
                time_total += 1
                time_hits += (note.pitch % 12) in span.chord.pitch_classes
    return (onset_hits / onset_total if onset_total else float("nan"),
            time_hits / time_total if time_total else float("nan"))


def notes_per_beat(notes: Sequence[Note], beats: float) -> float:
    return len(notes) / beats if beats > 0 else float("nan")


def pitch_range(notes: Sequence[Note]) -> tuple[int, int]:
    if not notes:
        return (0, 0)
    pitches = [n.pitch for n in notes]
    return min(pitches), max(pitches)


def polyphony(notes: Sequence[Note], start: float, end: float) -> float:
    """Mean number of sounding notes over the grid steps where at least one sounds."""
    steps = np.arange(start, end, STEP)
    counts = np.zeros(len(steps))
    for note in notes:
        lo = np.searchsorted(steps, note.beat - 1e-9)
        hi = np.searchsorted(steps, note.end_beat - 1e-9)
        counts[lo:hi] += 1
    sounding = counts[counts > 0]
    return float(sounding.mean()) if len(sounding) else 0.0


def collision_share(generated: Sequence[Note], human: Sequence[Note]) -> float:
    """Share of generated onsets that coincide (same grid step, same pitch) with a human onset."""
    if not generated:
        return float("nan")
    human_keys = {(round(n.beat * TICKS_PER_BEAT), n.pitch) for n in human}
    return sum((round(n.beat * TICKS_PER_BEAT), n.pitch) in human_keys for n in generated) / len(generated)


def density_per_bar(notes: Sequence[Note], start: float, end: float, bar_beats: float) -> np.ndarray:
    bars = max(1, round((end - start) / bar_beats))
    counts = np.zeros(bars)
    for note in notes:
        index = int((note.beat - start) // bar_beats)
        if 0 <= index < bars:
            counts[index] += 1
    return counts


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation; NaN when either side is constant."""
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def rest_fill_ratio(human_per_bar: np.ndarray, part_per_bar: np.ndarray) -> float:
    """How much busier a part plays in bars where the human rests than in bars where the human is busy:
    its mean notes per bar in bars with at most one human note, over its mean in bars with at least the
    median human count (and more than one). NaN when either kind of bar is missing. Above 1 = it fills."""
    quiet = human_per_bar <= 1
    busy = (human_per_bar >= max(2.0, float(np.median(human_per_bar)))) & ~quiet
    if not quiet.any() or not busy.any() or part_per_bar[busy].mean() == 0:
        return float("nan")
    return float(part_per_bar[quiet].mean() / part_per_bar[busy].mean())


DURATION_EDGES = (1 / 6, 1 / 4, 1 / 3, 1 / 2, 2 / 3, 1.0, 1.5, 2.0, 3.0, 4.0)  # beats: bin k is [edge k-1, edge k)


def onset_histogram(notes: Sequence[Note], bar_beats: float = 4.0, origin_beat: float = 0.0,
                    ticks_per_beat: int = 12) -> np.ndarray:
    """Share of onsets at each position in the bar, on the 1/12-beat grid (sixteenths and triplets)."""
    bins = max(1, round(bar_beats * ticks_per_beat))
    counts = np.zeros(bins)
    for note in notes:
        counts[round((note.beat - origin_beat) % bar_beats * ticks_per_beat) % bins] += 1
    out: np.ndarray = counts / max(counts.sum(), 1.0)
    return out


def duration_histogram(notes: Sequence[Note]) -> np.ndarray:
    """Share of notes in each duration bin (DURATION_EDGES, beats; the last bin is 4 beats or more)."""
    counts = np.zeros(len(DURATION_EDGES) + 1)
    for note in notes:
        counts[int(np.searchsorted(DURATION_EDGES, note.dur_beats, side="right"))] += 1
    out: np.ndarray = counts / max(counts.sum(), 1.0)
    return out


def histogram_intersection(a: np.ndarray, b: np.ndarray) -> float:
    """Sum of the bin-wise minimum of two normalised histograms: 1 = the same profile, 0 = disjoint."""
    return float(np.minimum(a, b).sum())
