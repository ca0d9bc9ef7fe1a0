"""Ring buffers: fixed capacity, oldest overwritten and counted, windows in time order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agent.live.ring import ChordTrack, NoteRing, Ring
from agent.music.chords import parse_symbol
from agent.music.events import ChordSpan, Note


@given(st.integers(1, 20), st.lists(st.integers(), max_size=100))
def test_ring_keeps_the_last_capacity_items(capacity: int, items: list[int]) -> None:
    ring: Ring[int] = Ring(capacity)
    for item in items:
        ring.append(item)
    assert list(ring) == items[-capacity:] if items else list(ring) == []
    assert len(ring) == min(capacity, len(items))
    assert ring.overwritten == max(0, len(items) - capacity)


def test_ring_remove_if_keeps_order() -> None:
    ring: Ring[int] = Ring(4)
    for i in range(6):
        ring.append(i)
    assert ring.remove_if(lambda x: x % 2 == 1) == 2
    assert list(ring) == [2, 4]


def test_note_ring_window_and_ids() -> None:
    notes = NoteRing(3)
    for i, beat in enumerate([3.0, 1.0, 2.0, 5.0]):
        notes.add(Note(beat, 1.0, 60 + i, 90), note_id=i)
    assert [n.beat for n in notes.window(0.0, 4.0)] == [1.0, 2.0]  # beat 3.0 was overwritten
    assert notes.overwritten == 1
    notes.remove_ids({1})
    assert [n.beat for n in notes.window(0.0, 10.0)] == [2.0, 5.0]


def span(beat: float, dur: float, symbol: str) -> ChordSpan:
    chord = parse_symbol(symbol)
    assert chord is not None
    return ChordSpan(beat, dur, chord)


def test_chord_track_replaces_and_detects_changes() -> None:
    track = ChordTrack(8)
    assert track.put(span(0, 4, "C")) and track.put(span(4, 4, "F"))
    assert not track.put(span(4, 4, "F"))  # resent: no change
    assert track.put(span(4, 4, "Dm7"))
    assert track.put(span(0, 8, "G7"))  # covers both: they are replaced
    assert [s.chord.symbol for s in track.window(0, 100)] == ["G7"]
    assert track.erase(0, 1) and len(track) == 0


def test_chord_track_is_bounded_and_windows() -> None:
    track = ChordTrack(4)
    for bar in range(10):
        track.put(span(bar * 4.0, 4.0, "C"))
    assert len(track) == 4 and track.evicted == 6
    assert [s.beat for s in track.window(26.0, 33.0)] == [24.0, 28.0, 32.0]
