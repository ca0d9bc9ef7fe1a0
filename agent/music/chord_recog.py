"""A rule-based chord recogniser for MIDI without chord annotations (in the spirit of `chorder`).

Per window (a bar split into `per_bar` equal parts), pitch classes are weighted by how long they sound
inside the window (notes of `Part.BASS`, or the lowest note when no part is marked as bass, count a bit
more). Every root x quality of `agent.music.chords.QUALITIES` is scored: chord tones present earn their
weight, sounding non-chord tones cost theirs, absent chord tones cost a little, every tone beyond a
triad costs a little more, the root in the bass earns a bonus, and a small log prior over qualities
(POP909's annotation counts) makes plain triads win near ties. Consecutive windows with the same chord
merge into one `ChordSpan`; windows with no sounding note give no span.

Measured (`python -m agent.training.chord_accuracy DATA_DIR --songs N`): recognising from POP909's PIANO part and
comparing with `chord_midi.txt` at the middle of every beat that has an annotated chord:

    songs          per_bar  root   root+quality
    first 100      2        0.933  0.868   (the weights below were tuned on these)
    101-200        2        0.918  0.846   (held out)
    all 909        2        0.931  0.858
    first 100      4        0.945  0.851
    first 100      1        0.728  0.491

Most quality errors are added or dropped sevenths (min vs min7, maj vs maj7) and sus2/sus4 vs maj.

Pure module.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence

import numpy as np

from agent.music.chords import QUALITIES, QUALITY_NAMES, Chord
from agent.music.events import TICKS_PER_BEAT, ChordSpan, Note, Part, chord_at

BASS_WEIGHT = 1.25  # multiplier for the weight of bass notes
NON_CHORD_COST = 0.9  # cost per beat of a sounding non-chord tone
MISSING_COST = 0.2  # cost (in share of the window's mean tone weight) of an absent chord tone
EXTRA_TONE_COST = 0.4  # cost (same unit) of each template tone beyond three
ROOT_IN_BASS_BONUS = 0.1  # bonus (in share of the window's total weight) when the bass plays the root
PRIOR_WEIGHT = 0.1  # weight (in the window's mean tone weight) of the log prior of each quality

#: chord segments per quality in POP909's annotations (chord_midi.txt, all 909 songs): the prior.
QUALITY_COUNTS: dict[str, int] = {
    "maj": 60396, "min": 38181, "sus2": 5748, "min7": 5075, "maj7": 3153, "sus4": 2780, "7": 1599,
    "7sus4": 1239, "maj6": 723, "dim": 640, "hdim7": 207, "aug": 178, "min6": 58, "dim7": 56, "minmaj7": 36,
}


def _templates() -> np.ndarray:
    """(12 * len(QUALITIES), 12) chord-tone masks, row = root * len(QUALITIES) + quality index."""
    masks = np.zeros((12 * len(QUALITIES), 12))
    for q, name in enumerate(QUALITY_NAMES):
        for root in range(12):
            masks[root * len(QUALITIES) + q, [(root + i) % 12 for i in QUALITIES[name]]] = 1.0
    return masks


_TEMPLATES = _templates()
_SIZES = _TEMPLATES.sum(axis=1)
_ROOTS = np.repeat(np.arange(12), len(QUALITIES))
_QUALITY_INDEX = np.tile(np.arange(len(QUALITIES)), 12)
_RAREST = min(QUALITY_COUNTS.values())  # the prior count of a quality added to the table later
_LOG_PRIOR = np.tile([math.log(QUALITY_COUNTS.get(q, _RAREST) / QUALITY_COUNTS["maj"])
                      for q in QUALITY_NAMES], 12)


def windows(downbeats: Sequence[float], end_beat: float, per_bar: int) -> list[tuple[float, float]]:
    """The analysis windows: each bar split into `per_bar` equal parts, plus a pickup before bar 1."""
    edges = [b for b in downbeats if b < end_beat]
    if not edges or edges[0] > 0:
        edges.insert(0, 0.0)
    edges.append(end_beat)
    out: list[tuple[float, float]] = []
    for start, stop in itertools.pairwise(edges):
        # window edges on the 1/12-beat grid, like every other time in a Song
        grid = {round((start + i * (stop - start) / per_bar) * TICKS_PER_BEAT) / TICKS_PER_BEAT
                for i in range(per_bar)}
        out.extend(itertools.pairwise(sorted(grid | {stop})))
    return out


def pitch_weights(notes: Sequence[Note], start: float, stop: float) -> tuple[np.ndarray, int | None]:
    """Beats each pitch class sounds in [start, stop) (bass notes weighted up) and the bass pitch class."""
    weights = np.zeros(12)
    inside = [n for n in notes if n.beat < stop and n.end_beat > start]
    has_bass_part = any(n.part == Part.BASS for n in inside)
    lowest = min(inside, key=lambda n: n.pitch) if inside else None
    for note in inside:
        overlap = min(note.end_beat, stop) - max(note.beat, start)
        is_bass = note.part == Part.BASS if has_bass_part else note is lowest
        weights[note.pitch % 12] += overlap * (BASS_WEIGHT if is_bass else 1.0)
    bass_notes = [n for n in inside if n.part == Part.BASS] or ([lowest] if lowest else [])
    bass_pc = min(bass_notes, key=lambda n: n.pitch).pitch % 12 if bass_notes else None
    return weights, bass_pc


def best_chord(weights: np.ndarray, bass_pc: int | None = None) -> Chord | None:
    """The best-scoring root x quality for pitch-class weights, or None when nothing sounds."""
    total = float(weights.sum())
    if total <= 0:
        return None
    mean = total / max(1, int((weights > 0).sum()))
    present = _TEMPLATES @ weights
    absent = _TEMPLATES @ (weights <= 0).astype(float)
    score = present - NON_CHORD_COST * (total - present) - MISSING_COST * mean * absent
    score += mean * (PRIOR_WEIGHT * _LOG_PRIOR - EXTRA_TONE_COST * (_SIZES - 3))
    if bass_pc is not None:
        score += ROOT_IN_BASS_BONUS * total * (_ROOTS == bass_pc)
    best = int(np.argmax(score))  # argmax keeps the first maximum: lower roots, earlier qualities
    return Chord(best // len(QUALITIES), QUALITY_NAMES[best % len(QUALITIES)])


def match_chord(pitch_classes: frozenset[int]) -> Chord | None:
    """The template (root x quality) equal to a pitch-class set, else the one with the most shared tones
    net of the tones that differ; ties go to the earlier quality, then the lower root. For block chords,
    whose notes are the chord (Nottingham's accompaniment); `best_chord` weighs what sounds in a window."""
    if not pitch_classes:
        return None
    tones = np.zeros(12)
    tones[list(pitch_classes)] = 1.0
    shared = _TEMPLATES @ tones
    differing = _SIZES + len(pitch_classes) - 2 * shared
    # (exact, shared - differing, -quality index) compared in that order, as one number: each term < 100
    score = (differing == 0) * 10_000 + (shared - differing) * 100 - _QUALITY_INDEX
    best = int(np.argmax(score))  # the first maximum: the lower root
    return Chord(best // len(QUALITIES), QUALITY_NAMES[best % len(QUALITIES)])


def recognise_chords(
    notes: Sequence[Note], downbeats: Sequence[float], end_beat: float, per_bar: int = 2
) -> list[ChordSpan]:
    """Chord spans for `notes`, one decision per `per_bar`-th of a bar, equal neighbours merged."""
    ordered = sorted(notes, key=lambda n: n.beat)
    onsets = [n.beat for n in ordered]
    longest = max((n.dur_beats for n in ordered), default=0.0)
    spans: list[ChordSpan] = []
    for start, stop in windows(downbeats, end_beat, per_bar):
        inside = ordered[bisect.bisect_left(onsets, start - longest): bisect.bisect_left(onsets, stop)]
        chord = best_chord(*pitch_weights(inside, start, stop))
        if chord is None:
            continue
        if spans and spans[-1].chord == chord and abs(spans[-1].end_beat - start) < 1e-9:
            spans[-1] = ChordSpan(spans[-1].beat, stop - spans[-1].beat, chord)
        else:
            spans.append(ChordSpan(start, stop - start, chord))
    return spans


def beat_accuracy(predicted: Sequence[ChordSpan], reference: Sequence[ChordSpan], end_beat: float
                  ) -> tuple[int, int, int]:
    """(beats with a reference chord, of which the root matches, of which root and quality match),
    sampling both chord tracks at the middle of every beat."""
    total = root_hits = full_hits = 0
    for beat in range(math.ceil(end_beat)):
        ref = chord_at(tuple(reference), beat + 0.5)
        if ref is None:
            continue
        pred = chord_at(tuple(predicted), beat + 0.5)
        total += 1
        root_hits += pred is not None and pred.root == ref.root
        full_hits += pred is not None and pred.root == ref.root and pred.quality == ref.quality
    return total, root_hits, full_hits
