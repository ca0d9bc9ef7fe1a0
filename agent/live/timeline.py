"""Song time and performance time: how a DAW's loop brace unrolls into one line the model can play on.

The model, the scheduler and the clock live on a *performance* timeline: beats that only go forward
while the transport plays. The DAW speaks *song* beats, which go back to the loop start at every wrap.
With no loop the two are the same line shifted by `offset` (0 until a loop has wrapped). With a loop
[start, end) on and the playhead before `end`, the performance beat `wrap_at = end + offset` is where
the song goes back to `start`: performance beat u >= wrap_at plays song beat
`start + (u - wrap_at) mod length`. So the agent plans across the wrap (the beat after the loop end
is the loop start, chords and human notes included), and an expected wrap is not a jump.

`advance(u)` moves `offset` on by one loop length per wrap passed, so song beats near the playhead
unroll to performance beats near it (`unroll`), and `fold` maps a planned note back to the song beat
the patch plays it at. Ableton's rule for a playhead already past the loop end when looping is
switched on: it plays on without wrapping; so does this timeline (`wrap_at` is infinite then).

Pure module: arithmetic only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_LOOP_BEATS = 1.0  # shorter loops are refused (the contract says so)


@dataclass(frozen=True, slots=True)
class Loop:
    """A loop brace in song beats."""

    start_beat: float
    end_beat: float

    @property
    def length_beats(self) -> float:
        return self.end_beat - self.start_beat


class Timeline:
    """Maps song beats (what the DAW reports) to performance beats (what the agent plans in) and back."""

    def __init__(self) -> None:
        self.loop: Loop | None = None
        self.offset = 0.0  # performance beat - song beat on the current pass
        self.wrap_at = math.inf  # performance beat of the next wrap (inf: none coming)
        self.pass_start = -math.inf  # performance beat where the current pass began (after a wrap)

    def set_loop(self, loop: Loop | None, now_performance: float) -> None:
        """A new loop brace (None: looping off), seen when the playhead is at `now_performance`."""
        self.loop = loop
        self._rearm(now_performance)

    def relocate(self, song_beat: float, performance_beat: float) -> None:
        """The playhead is at `song_beat` and we call that `performance_beat` (a jump, or play)."""
        self.offset = performance_beat - song_beat
        self.pass_start = -math.inf
        self._rearm(performance_beat)

    def _rearm(self, now_performance: float) -> None:
        song = now_performance - self.offset
        if self.loop is not None and song < self.loop.end_beat:
            self.wrap_at = self.loop.end_beat + self.offset
        else:
            self.wrap_at = math.inf

    def advance(self, now_performance: float) -> int:
        """Account for the wraps passed up to `now_performance`; how many there were."""
        wraps = 0
        while self.loop is not None and now_performance >= self.wrap_at:
            self.pass_start = self.wrap_at
            self.offset += self.loop.length_beats
            self.wrap_at += self.loop.length_beats
            wraps += 1
        return wraps

    def fold(self, performance_beat: float) -> float:
        """The song beat at which a performance beat plays (earlier passes of the loop included)."""
        if self.loop is None:
            return performance_beat - self.offset
        if performance_beat >= self.wrap_at:
            return self.loop.start_beat + (performance_beat - self.wrap_at) % self.loop.length_beats
        if performance_beat < self.pass_start:
            return self.loop.start_beat + (performance_beat - self.pass_start) % self.loop.length_beats
        return performance_beat - self.offset

    def unroll(self, song_beat: float, near_performance: float) -> float:
        """The performance beat of a song beat reported near `near_performance` (the nearest candidate)."""
        candidates = [song_beat + self.offset]
        if self.loop is not None:
            length = self.loop.length_beats
            inside = self.loop.start_beat <= song_beat < self.loop.end_beat
            if inside:
                candidates.append(song_beat + self.offset - length)  # from before the last wrap
                if math.isfinite(self.wrap_at):
                    candidates.append(self.wrap_at + song_beat - self.loop.start_beat)  # after the next one
        return min(candidates, key=lambda u: abs(u - near_performance))

    def next_wrap_after(self, performance_beat: float) -> float:
        """The first wrap strictly after `performance_beat` (inf if none): a chunk never crosses one."""
        if self.loop is None or not math.isfinite(self.wrap_at):
            return math.inf
        if performance_beat < self.pass_start:  # history: the wraps of earlier passes
            passes_back = math.ceil((self.pass_start - performance_beat) / self.loop.length_beats) - 1
            return self.pass_start - passes_back * self.loop.length_beats
        if performance_beat < self.wrap_at:
            return self.wrap_at
        passes = math.floor((performance_beat - self.wrap_at) / self.loop.length_beats) + 1
        return self.wrap_at + passes * self.loop.length_beats

    def segments(self, lo: float, hi: float) -> list[tuple[float, float, float]]:
        """[lo, hi) in performance beats as pieces (u0, u1, song beat at u0) with no wrap inside."""
        pieces: list[tuple[float, float, float]] = []
        u = lo
        while u < hi:
            end = min(hi, self.next_wrap_after(u))
            pieces.append((u, end, self.fold(u)))
            u = end
        return pieces
