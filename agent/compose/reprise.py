"""Reprises: what the region's own track plays elsewhere in the piece over the same chords.

Songs repeat: of the held-out 4-bar regions `sideman compose-eval` draws (seed 1: 50, seed 2: 100),
35 and 62 lie under a chord progression that the same track plays, bar for bar, somewhere else in the
piece (at least a region's length away from the region's neighbours), and the notes from there,
moved into the region, overlap the region's surroundings as the real region does (within 0.01-0.03 on
all six figures; `/work/s6/repeat.py`). An arranger filling such a gap starts from that material, so a
fill offers it as one more candidate beside the model's drafts, and JEP-AGA's critic decides
(`agent.compose.session.nearest_draft`); rejected, it is one more draft not to offer again.

A reprise is found only from the piece outside the region and its neighbours: the region's own notes
(which a songwriter asks to replace) are never read, and the bars just before and after are left out
because copying them is the naive baseline the figures compare against ("copy previous bars").
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.compose.piece import Piece, Region, as_parts, heard_here, inside
from agent.music.chords import chord_id
from agent.music.events import ChordSpan, Note

MIN_NOTES = 2  # a stretch with fewer notes of the track is not material to reuse


def chord_pattern(chords: Sequence[ChordSpan], start: float, end: float) -> tuple[tuple[float, int], ...]:
    """The chords of [start, end) relative to `start`: the one sounding at `start`, then every change."""
    out = [(0.0, chord_id(s.chord)) for s in chords if s.beat <= start + 1e-6 < s.end_beat][:1]
    out += [(round(s.beat - start, 3), chord_id(s.chord)) for s in chords if start + 1e-6 < s.beat < end - 1e-6]
    return tuple(out)


def reprises(piece: Piece, region: Region, limit: int = 2) -> list[list[Note]]:
    """Up to `limit` stretches of the region's track, as long as the region and starting on a downbeat,
    whose chords are the region's, their notes moved into the region (nearest stretches first; the same
    material found twice is offered once). Empty when the piece has no chords there."""
    length = region.end_beat - region.start_beat
    wanted = chord_pattern(piece.chords, region.start_beat, region.end_beat)
    if limit <= 0 or length <= 0 or not wanted:
        return []
    notes = piece.tracks[region.track].notes
    found: list[list[Note]] = []
    starts = sorted((d for d in piece.downbeats if abs(d - region.start_beat) >= 2 * length - 1e-6
                     and d + length <= piece.end_beat + 1e-6), key=lambda d: abs(d - region.start_beat))
    for start in starts:
        if chord_pattern(piece.chords, start, start + length) != wanted:
            continue
        source = inside(notes, start, start + length)
        if len(source) < MIN_NOTES:
            continue
        moved = as_parts(heard_here(source, Region(region.track, start, start + length, region.parts), region),
                         region.parts)
        if moved not in found:
            found.append(moved)
        if len(found) == limit:
            break
    return found
