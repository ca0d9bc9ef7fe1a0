"""Anticipation invariants as property tests: placement by arrival, order kept, delays honoured."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agent.model import vocab as V
from agent.model.anticipation import Interleaver, Item, TimingSettings, interleave

times = st.integers(min_value=0, max_value=400)
events_st = st.lists(
    st.builds(lambda t, p: Item(t, 6, 1, p), times, st.integers(0, 4 * 128 - 1)), max_size=40
).map(lambda evs: sorted(evs, key=lambda e: (e.time, e.value)))
controls_st = st.lists(
    st.builds(lambda t, d, p: Item(t, 6, 1, p, control=True, arrival=t - d), times,
              st.integers(-48, 48), st.integers(0, 639)),
    max_size=40,
)


def event_list(items: list[Item]) -> list[Item]:
    return [i for i in items if not i.control]


@given(events_st, controls_st)
@settings(max_examples=200, deadline=None)
def test_every_control_sits_after_first_event_at_or_past_its_arrival(events: list[Item], controls: list[Item]) -> None:
    end = max((e.time for e in events), default=0)
    out = interleave(events, controls, end)
    last_event_time = 0
    seen_event = False
    for item in out:
        if item.control:
            # placed once the stream reached its arrival ...
            assert item.arrival <= last_event_time
        else:
            # ... and not later than needed: no control waiting that should have come before this event
            last_event_time, seen_event = item.time, True
    placed = [i for i in out if i.control]
    for control in controls:
        if control.arrival <= end:
            assert control in placed
    assert seen_event or not events


@given(events_st, controls_st)
@settings(max_examples=200, deadline=None)
def test_controls_are_not_placed_later_than_their_arrival_requires(events: list[Item], controls: list[Item]) -> None:
    out = interleave(events, controls, max((e.time for e in events), default=0))
    previous_event_time = 0
    for index, item in enumerate(out):
        if item.control:
            continue
        # every control still to come after this event arrives strictly after the previous event time
        for later in out[index:]:
            if later.control:
                assert later.arrival > previous_event_time
        previous_event_time = item.time


@given(events_st, controls_st)
@settings(max_examples=200, deadline=None)
def test_event_order_is_kept_and_rests_fill_every_silent_beat(events: list[Item], controls: list[Item]) -> None:
    end = max((e.time for e in events), default=0)
    out = event_list(interleave(events, controls, end))
    notes = [i for i in out if not i.rest]
    assert notes == events
    assert [i.time for i in out] == sorted(i.time for i in out)
    times = [i.time for i in out]
    for beat in range(V.TICKS_PER_BEAT, end + 1, V.TICKS_PER_BEAT):
        assert any(beat - V.TICKS_PER_BEAT <= t < beat for t in times) or beat in times


def test_negative_interval_delays_the_human() -> None:
    timing = TimingSettings(delta1_beats=4, delta2_beats=1, lead_beats=1)
    delay = timing.ticks(timing.human_delay_beats)
    human = Item(12, 6, 1, V.HUMAN * 128 + 60, control=True, arrival=12 + delay)
    events = [Item(t, 3, 1, 2 * 128 + 48) for t in range(0, 96, 6)]
    out = interleave(events, [human], 96)
    index = out.index(human)
    before = [i for i in out[:index] if not i.control]
    assert before[-1].time >= 12 + delay  # seen only once the agent reached time 12 + 24 ticks
    assert not [i for i in before[:-1] if i.time >= 12 + delay]


def test_incremental_builder_matches_batch_interleave() -> None:
    events = [Item(t, 3, 1, 128 + 60) for t in (0, 5, 30, 31, 70, 100)]
    controls = [Item(t, 6, 1, 600, control=True, arrival=t + 24) for t in (0, 10, 40)]
    controls += [Item(t, 24, 0, 5, control=True, chord=True, arrival=t - 48) for t in (0, 48, 96)]
    batch = interleave(events, controls, 100)
    live = Interleaver()
    for tick in range(0, 101, 12):  # chunks of one beat: controls known when the playhead allows
        live.add_controls([c for c in controls if c not in live.items and c not in live.pending()
                           and (c.chord or c.time <= tick - 12)])
        live.fill_rests(tick)
        for event in [e for e in events if tick <= e.time < tick + 12]:
            live.add_event(event)
    assert live.items == batch


def test_identical_controls_arriving_together_are_both_placed() -> None:
    twin = Item(12, 6, 1, 600, control=True, arrival=0)
    out = interleave([Item(0, 3, 1, 60), Item(24, 3, 1, 60)], [twin, twin], 24)
    assert out.count(twin) == 2
