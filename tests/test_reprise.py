"""Reprises: the region's track over the same chords elsewhere, offered as a fill's candidate."""

from __future__ import annotations

from agent.compose.piece import Piece, Region, Track
from agent.compose.reprise import chord_pattern, reprises
from agent.music.chords import Chord
from agent.music.events import ChordSpan, Note, Part

C, F, G, A = (Chord(0, "maj", None), Chord(5, "maj", None), Chord(7, "maj", None), Chord(9, "min", None))


def song(progression: list[Chord], bass_from: float = 0.0) -> Piece:
    """One chord a bar (4/4) and a bass line that plays each bar's root on beats 1 and 3 (pitch + the bar)."""
    chords = tuple(ChordSpan(4.0 * i, 4.0, c) for i, c in enumerate(progression))
    bass = tuple(Note(4.0 * i + k, 2.0, 36 + c.root, 90 + i, Part.BASS)
                 for i, c in enumerate(progression) for k in (0.0, 2.0) if 4.0 * i >= bass_from)
    melody = tuple(Note(4.0 * i, 4.0, 72, 80, Part.HUMAN) for i in range(len(progression)))
    tracks = (Track("Melody", 73, 0, melody, Part.HUMAN), Track("Bass", 33, 1, bass, Part.BASS))
    return Piece(tracks, tuple(4.0 * i for i in range(len(progression))), (4, 4), chords, 4.0 * len(progression))


VERSE = [C, A, F, G]
PIECE = song(VERSE + [C, C, F, F] + VERSE + [G, G, G, G] + VERSE)  # the verse at bars 1, 9, 17


def test_the_same_chords_elsewhere_give_the_tracks_notes_moved_into_the_region() -> None:
    region = Region(1, 32.0, 48.0, (Part.BASS,))  # the second verse
    found = reprises(PIECE, region)
    assert len(found) == 2  # the first and the third verse, nearest first (both 32 beats away: earlier first)
    for notes in found:
        assert [(n.beat, n.pitch) for n in notes][:4] == [(32.0, 36), (34.0, 36), (36.0, 45), (38.0, 45)]
        assert all(32.0 <= n.beat < 48.0 and n.end_beat <= 48.0 and n.part == Part.BASS for n in notes)
    assert {n.velocity for n in found[0]} != {n.velocity for n in found[1]}  # two stretches, not one twice
    assert reprises(PIECE, region, limit=1) == found[:1] and reprises(PIECE, region, limit=0) == []


def test_neighbours_other_chords_and_empty_stretches_are_not_reprises() -> None:
    # bars 5-8 (C C F F) and 13-16 (G G G G) occur once: no reprise
    assert reprises(PIECE, Region(1, 16.0, 32.0, (Part.BASS,))) == []
    # a 4-beat region under C: the C bars nearby are neighbours (less than two regions away) and skipped
    near = reprises(PIECE, Region(1, 16.0, 20.0, (Part.BASS,)), limit=10)
    assert near and all(n.beat >= 16.0 for notes in near for n in notes)
    assert chord_pattern(PIECE.chords, 16.0, 20.0) == ((0.0, chord_pattern(PIECE.chords, 0.0, 4.0)[0][1]),)
    silent = song(VERSE + [C, C, F, F] + VERSE, bass_from=32.0)  # the first verse has no bass yet
    assert reprises(silent, Region(1, 32.0, 48.0, (Part.BASS,))) == []
    chordless = Piece(PIECE.tracks, PIECE.downbeats, PIECE.meter, (), PIECE.end_beat)
    assert reprises(chordless, Region(1, 32.0, 48.0, (Part.BASS,))) == []


def test_the_regions_own_notes_are_never_read() -> None:
    region = Region(1, 32.0, 48.0, (Part.BASS,))
    bass = PIECE.tracks[1]
    changed = Track(bass.name, bass.program, bass.channel,
                    tuple(Note(n.beat, n.dur_beats, 99, 1, n.part) if 32.0 <= n.beat < 48.0 else n for n in bass.notes),
                    bass.part)
    other = Piece((PIECE.tracks[0], changed), PIECE.downbeats, PIECE.meter, PIECE.chords, PIECE.end_beat)
    assert reprises(other, region) == reprises(PIECE, region)
