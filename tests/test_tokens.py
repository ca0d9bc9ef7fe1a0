"""Events -> tokens -> events round trips, header, chord features, and the vocabulary layout."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.model import vocab as V
from agent.model.anticipation import Item, interleave
from agent.model.tokens import ChordTimeline, decode, encode, header, item_tokens


def test_vocabulary_ranges_are_contiguous_and_disjoint() -> None:
    position = 0
    for _name, start, end in V.LAYOUT:
        assert start == position and end > start
        position = end
    assert position == V.VOCAB_SIZE
    assert len(V.vocab_hash()) == 16
    assert "VOCAB_SIZE" in V.describe()


note_st = st.builds(
    lambda t, d, v, part, pitch: Item(t, d, v, part * 128 + pitch),
    st.integers(0, V.MAX_TIME - 1), st.integers(1, V.MAX_DUR), st.integers(0, V.NUM_VEL - 1),
    st.integers(0, V.NUM_PARTS - 1), st.integers(0, 127),
)


@given(st.lists(note_st, max_size=60))
@settings(max_examples=200, deadline=None)
def test_round_trip_events_tokens_events(notes: list[Item]) -> None:
    notes = sorted(notes, key=lambda n: (n.time, n.value))
    items = interleave(notes, [], max((n.time for n in notes), default=0))
    tokens, chords = encode(items, ChordTimeline())
    decoded = decode(header(V.MODE_LIVE, (4, 4), [2, 3], delay_ticks=24) + tokens)
    assert len(chords) == len(tokens)
    assert [(n.time, n.dur, n.part, n.pitch) for n in decoded] == [
        (n.time, n.dur, n.value // 128, n.value % 128) for n in notes
    ]
    assert [n.velocity for n in decoded] == [V.VELOCITY_VALUES[n.vel] for n in notes]


def test_header_is_fixed_length_and_marks_parts() -> None:
    head = header(V.MODE_COMPOSE, (6, 8), [0, 3])
    assert len(head) == V.HEADER_LEN
    assert head[0] == V.MODE_COMPOSE and head[1] == V.meter_token((6, 8))
    assert head[2:] == [V.PART_ON, V.PART_OFF + 2, V.PART_OFF + 4, V.PART_ON + 6, V.NO_HUMAN]
    assert V.meter_token((11, 16)) == V.METER + len(V.METERS)
    with pytest.raises(ValueError):
        header(V.PAD, (4, 4), [])
    with pytest.raises(ValueError, match="delay"):
        header(V.MODE_LIVE, (4, 4), [2])  # a live header says how late the human is heard


def test_header_names_activity_levels_and_the_human_delay() -> None:
    head = header(V.MODE_LIVE, (4, 4), [2, 3], delay_ticks=4, levels={2: 6})
    assert head[2:] == [V.PART_OFF, V.PART_OFF + 2, V.PART_LEVEL + 2 * V.ACTIVITY_LEVELS + 6, V.PART_ON + 6,
                        V.DELAY + V.HUMAN_DELAYS.index(4)]
    assert len(set(head)) == len(head) and all(t < V.VOCAB_SIZE for t in head)
    with pytest.raises(ValueError, match="not one of the trained"):
        header(V.MODE_LIVE, (4, 4), [2], delay_ticks=5)
    with pytest.raises(ValueError, match="activity level"):
        header(V.MODE_LIVE, (4, 4), [2], delay_ticks=4, levels={2: V.ACTIVITY_LEVELS})


def test_the_mode_token_names_the_style_or_leaves_it_unsaid() -> None:
    """Issue 10 (groove): the style of accompaniment rides in the mode token, so the header keeps its length."""
    live = {style: header(V.MODE_LIVE, (4, 4), [2], 4, style=style)[0] for style in (None, *V.STYLES)}
    compose = {style: header(V.MODE_COMPOSE, (4, 4), [2], style=style)[0] for style in (None, *V.STYLES)}
    assert live[None] == V.MODE_LIVE and compose[None] == V.MODE_COMPOSE
    named = [*(live[s] for s in V.STYLES), *(compose[s] for s in V.STYLES)]
    assert len(set(named)) == 2 * len(V.STYLES) and all(V.STYLE_MODE <= t < V.VOCAB_SIZE for t in named)
    assert all(len(header(V.MODE_LIVE, (4, 4), [2], 4, style=s)) == V.HEADER_LEN for s in V.STYLES)
    with pytest.raises(ValueError, match="style 'jazz'"):
        header(V.MODE_LIVE, (4, 4), [2], 4, style="jazz")


def test_activity_levels_follow_notes_per_beat() -> None:
    assert V.activity_level(0.0) == 0 and V.activity_level(0.3) == 1 and V.activity_level(1.0) == 3
    assert V.activity_level(10.0) == V.ACTIVITY_LEVELS - 1
    levels = [V.activity_level(x / 10) for x in range(80)]
    assert levels == sorted(levels)


def test_chord_feature_is_the_chord_at_the_current_time() -> None:
    timeline = ChordTimeline((0, 24), (24, 48), (1, 50))
    items = [Item(0, 6, 1, 300), Item(30, 6, 1, 5, control=True, chord=True, arrival=0), Item(26, 6, 1, 301)]
    _, chords = encode(items, timeline)
    assert chords == [1, 1, 1, 1, 1, 1, 50, 50, 50]  # the control sees the chord at the last event (0)
    assert timeline.at(48) == 0 and timeline.at(-1) == 0


def test_decode_rejects_time_going_backwards_and_non_events() -> None:
    head = header(V.MODE_LIVE, (4, 4), [2], delay_ticks=24)
    later = list(item_tokens(Item(20, 3, 0, 2 * 128 + 60)))
    earlier = list(item_tokens(Item(10, 3, 0, 2 * 128 + 62)))
    with pytest.raises(ValueError, match="backwards"):
        decode(head + later + earlier)
    with pytest.raises(ValueError):
        decode(head + [V.EVENT_TIME, V.EVENT_TIME, V.EVENT_TIME])
    with pytest.raises(ValueError):
        item_tokens(Item(V.MAX_TIME, 3, 0, 60))
