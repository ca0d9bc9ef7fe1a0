"""Interleaving controls into the event stream by arrival time (Thickstun et al. 2023, ops.anticipate).

A control with time s and anticipation interval delta *arrives* at s - delta. It is placed right after
the first event whose time is at or past its arrival (before any event if it arrives at or before the
window start). Positive delta anticipates (chords are seen delta1 beats early; known future material in
composition mode), negative delta delays: the human's notes are seen delta2 + lead beats late, which is
exactly what the live agent can know when it generates (Becker et al. 2024, "anti-anticipation").

Rests: a REST event stands at every beat b > 0 of the window such that no event (note or rest) has a
time in [b - 1 beat, b). So silences keep moving the clock and every control finds its place within
two beats of its arrival. The rule only looks backwards, so the live agent can apply it at the start of
each chunk from what it has already generated.

`Interleaver` is the one implementation: training feeds it a whole example at once (`interleave`), the
live generator feeds it controls as they become known and events as they are sampled. The two agree by
construction, and a property test holds them to it. Pure module.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from agent.model import vocab as V
from agent.model.vocab import TICKS_PER_BEAT


@dataclass(frozen=True, slots=True)
class Item:
    """A note, rest or chord on the tick grid of one window. `arrival` matters only for controls."""

    time: int  # onset, ticks from the window start
    dur: int  # ticks, >= 1
    vel: int  # velocity class
    value: int  # part * 128 + pitch for notes; chord id for chords; -1 for a rest
    control: bool = False
    chord: bool = False
    arrival: int = 0  # time - delta, ticks (controls only)

    @property
    def rest(self) -> bool:
        return self.value < 0 and not self.chord


def rest_item(time: int) -> Item:
    return Item(time=time, dur=1, vel=0, value=-1)


class Interleaver:
    """Builds an interleaved item stream one event at a time, applying the arrival and rest rules."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.last_event_time = 0  # ticks: the time of the latest event (0 before any)
        # (arrival, order key, item), sorted: controls arriving together are placed in a canonical
        # order (time, chords before notes, value, duration), whatever order they became known in,
        # so the live stream and the training stream of the same music are the same tokens.
        self._pending: list[tuple[int, tuple[int, int, int, int, int], Item]] = []
        self._last_event_times: list[int] = []  # times of every event, for the rest rule
        self._rests_done_to = 0  # rest rule applied for beats <= this tick

    def add_control(self, item: Item) -> None:
        """Make a control known; it is placed when the stream reaches its arrival."""
        key = (item.time, 0 if item.chord else 1, item.value, item.dur, item.vel)
        bisect.insort(self._pending, (item.arrival, key, item), key=lambda entry: entry[:2])
        self._flush()

    def add_controls(self, items: Iterable[Item]) -> None:
        for item in items:
            self.add_control(item)

    def fill_rests(self, up_to: int) -> list[Item]:
        """Place the rests due at beats <= `up_to` (ticks); call before adding events at or past it."""
        added: list[Item] = []
        beat = self._rests_done_to + TICKS_PER_BEAT
        while beat <= up_to:
            if beat > self.last_event_time and not self._event_in(beat - TICKS_PER_BEAT, beat):
                rest = rest_item(beat)
                self._append_event(rest)
                added.append(rest)
            self._rests_done_to = beat
            beat += TICKS_PER_BEAT
        return added

    def add_event(self, item: Item) -> None:
        """Append an event (time never before the last one), after the rests due before it."""
        if item.time < self.last_event_time:
            raise ValueError(f"event at tick {item.time} before the last event at {self.last_event_time}")
        self.fill_rests(item.time)
        self._append_event(item)

    def snapshot(self) -> tuple[int, list[tuple[int, tuple[int, int, int, int, int], Item]], int, int, int]:
        """Everything needed to roll the stream back to this point (`restore`)."""
        return (len(self.items), list(self._pending), self.last_event_time, len(self._last_event_times),
                self._rests_done_to)

    def restore(self, snap: tuple[int, list[tuple[int, tuple[int, int, int, int, int], Item]], int, int, int]) -> None:
        n_items, pending, self.last_event_time, n_events, self._rests_done_to = snap
        del self.items[n_items:]
        del self._last_event_times[n_events:]
        self._pending = list(pending)

    def pending_before(self, tick: int) -> int:
        """How many known controls arrive before `tick` (they will be placed by then)."""
        return sum(1 for arrival, _, _ in self._pending if arrival < tick)

    def pending(self) -> list[Item]:
        """Controls known but not yet placed."""
        return [item for _, _, item in self._pending]

    def _append_event(self, item: Item) -> None:
        self.items.append(item)
        self.last_event_time = item.time
        self._last_event_times.append(item.time)
        self._flush()

    def _event_in(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self._last_event_times, start)
        return index < len(self._last_event_times) and self._last_event_times[index] < end

    def _flush(self) -> None:
        # Before any event, controls arriving at or before the window start (tick 0) go first.
        while self._pending and self._pending[0][0] <= self.last_event_time:
            self.items.append(self._pending.pop(0)[2])


def interleave(events: Sequence[Item], controls: Sequence[Item], end_tick: int) -> list[Item]:
    """The whole interleaved stream of one window: events in time order, rests, controls placed.

    Controls that arrive after the last event (or after `end_tick`) are left out, as the window ends.
    """
    builder = Interleaver()
    builder.add_controls(controls)
    for event in sorted(events, key=lambda e: (e.time, e.value)):
        builder.add_event(event)
    builder.fill_rests(end_tick)
    return builder.items


@dataclass(frozen=True, slots=True)
class TimingSettings:
    """How far ahead and how late the model sees things: one setting shared by training and runtime.

    Chords are anticipated by delta1 in live mode. The human is delayed by one of `vocab.HUMAN_DELAYS`
    ticks, drawn per training example and named in the header, so one model serves every chunk/lead
    combination the runtime picks at a tempo (issue 10: hear the player within 250 ms): the live agent
    generates the chunk [h, h + delta2) when the playhead is at h - lead, so it knows the human up to
    delta2 + lead before the chunk's last note, and uses the smallest trained delay at least that long.
    In composition, known material (every other track, and the region's own track after it) is
    anticipated by compose_delta: the region's surroundings as far ahead as a window can hold (issue 14).
    A checkpoint records these.

    Not the runtime's timing (`agent.config.TimingConfig`, changed with `/agent/set`): that one is in
    milliseconds and per tempo (lead, reaction, safety, pre-roll, drift), and only has to fit inside
    this one: `agent.model.live.timing_problem` checks its delta1 against the trained delta1, and
    `agent.live.timing.plan` picks its chunk and lead among the trained `human_delays`. delta2 and lead
    here are the fixed chunk and lead of offline play (evaluation, `sideman bench-model`).
    """

    delta1_beats: float = 4.0  # chord anticipation (live), beats
    delta2_beats: float = 1.0  # chunk length of offline play (evaluation, bench-model), beats
    lead_beats: float = 1.0  # how far ahead of a chunk offline play generates it, beats
    compose_delta_beats: float = 16.0  # anticipation of known material in composition, beats
    human_delays: tuple[int, ...] = V.HUMAN_DELAYS  # ticks: the human delays the model was trained with

    def __post_init__(self) -> None:
        object.__setattr__(self, "human_delays", tuple(int(d) for d in self.human_delays))

    @property
    def human_delay_beats(self) -> float:
        """The longest human delay the model knows, beats (the most a chunk plus lead may span)."""
        return max(self.human_delays) / V.TICKS_PER_BEAT

    def ticks(self, beats: float) -> int:
        return round(beats * V.TICKS_PER_BEAT)

    def delay_for(self, delta2_beats: float, lead_beats: float) -> int | None:
        """The smallest trained human delay (ticks) covering a chunk plus lead, None if none does."""
        need = (delta2_beats + lead_beats) * V.TICKS_PER_BEAT - 1e-6
        return min((d for d in self.human_delays if d >= need), default=None)
