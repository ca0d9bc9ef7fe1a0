"""A rule-based chord recogniser for MIDI without chord annotations (in the spirit of `chorder`).

Per window (a bar split into `per_bar` equal parts), pitch classes are weighted by how long they sound
inside the window (notes of `Part.BASS`, or the lowest note when no part is marked as bass, count a bit
more). Every root x quality of `agent.chords.QUALITIES` is scored: chord tones present earn their
weight, sounding non-chord tones cost theirs, chord tones that are absent cost a little, and every tone
beyond a triad costs a little more so that a plain triad wins a near tie. Consecutive windows with the
same chord merge into one `ChordSpan`; windows with no sounding note give no span.

Pure module.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from agent.chords import QUALITIES, QUALITY_NAMES, Chord
from agent.events import ChordSpan, Note, Part

BASS_WEIGHT = 1.5  # multiplier for the weight of bass notes
NON_CHORD_COST = 1.0  # cost per beat of a sounding non-chord tone
MISSING_COST = 0.3  # cost (in share of the window's mean tone weight) of an absent chord tone
EXTRA_TONE_COST = 0.05  # cost (same unit) of each template tone beyond three
ROOT_IN_BASS_BONUS = 0.3  # bonus (in share of the window's total weight) when the bass plays the root

_TEMPLATES = np.zeros((12 * len(QUALITIES), 12))
for _q, _name in enumerate(QUALITY_NAMES):
    for _root in range(12):
        for _interval in QUALITIES[_name]:
            _TEMPLATES[_root * len(QUALITIES) + _q, (_root + _interval) % 12] = 1.0
_SIZES = _TEMPLATES.sum(axis=1)
_ROOTS = np.repeat(np.arange(12), len(QUALITIES))


def windows(downbeats: Sequence[float], end_beat: float, per_bar: int) -> list[tuple[float, float]]:
    """The analysis windows: each bar split into `per_bar` equal parts, plus a pickup before bar 1."""
    edges = [b for b in downbeats if b < end_beat]
    if not edges or edges[0] > 0:
        edges.insert(0, 0.0)
    edges.append(end_beat)
    out: list[tuple[float, float]] = []
    for start, stop in zip(edges, edges[1:]):
        step = (stop - start) / per_bar
        out.extend((start + i * step, start + (i + 1) * step) for i in range(per_bar) if step > 0)
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
    score -= EXTRA_TONE_COST * mean * (_SIZES - 3)
    if bass_pc is not None:
        score += ROOT_IN_BASS_BONUS * total * (_ROOTS == bass_pc)
    best = int(np.argmax(score))  # argmax keeps the first maximum: lower roots, earlier qualities
    return Chord(best // len(QUALITIES), QUALITY_NAMES[best % len(QUALITIES)])


def recognise_chords(
    notes: Sequence[Note], downbeats: Sequence[float], end_beat: float, per_bar: int = 2
) -> list[ChordSpan]:
    """Chord spans for `notes`, one decision per `per_bar`-th of a bar, equal neighbours merged."""
    ordered = sorted(notes, key=lambda n: n.beat)
    spans: list[ChordSpan] = []
    for start, stop in windows(downbeats, end_beat, per_bar):
        chord = best_chord(*pitch_weights(_sounding(ordered, start, stop), start, stop))
        if chord is None:
            continue
        if spans and spans[-1].chord == chord and abs(spans[-1].end_beat - start) < 1e-9:
            spans[-1] = ChordSpan(spans[-1].beat, stop - spans[-1].beat, chord)
        else:
            spans.append(ChordSpan(start, stop - start, chord))
    return spans


def _sounding(ordered: Sequence[Note], start: float, stop: float) -> list[Note]:
    """Notes of `ordered` (sorted by onset) that overlap [start, stop)."""
    hi = int(np.searchsorted([n.beat for n in ordered], stop)) if ordered else 0
    return [n for n in ordered[:hi] if n.end_beat > start]
