"""The DAW-following clock: where the playhead is now, in beats, from sparse `/playhead` reports.

Between reports the clock extrapolates from the last anchor at the current tempo:
`beat(t) = anchor_beat + (t - anchor_s) * tempo_bpm / 60` while playing (constant while stopped).
Each report at monotonic time t with position b is compared with the prediction beat(t):

- |error| > `jump_threshold_beats`: a jump (seek, loop, restart). The anchor snaps to (t, b) and the
  caller replans (`ClockEvent.JUMP`).
- otherwise drift or jitter: the anchor moves to (t, beat(t) + alpha * error) with
  alpha = 1 - exp(-dt / time_constant_s), dt the time since the previous report: an exponential filter
  on the offset whose speed does not depend on how often the patch reports (reports every 20 ms and
  a 0.1 s time constant correct 18% per report; a flood of reports corrects no faster).

Each report is taken at the time it reached the socket (the kernel's receive timestamp, passed in
by the server), not the time it was handled, so a backlog of input does not age the playhead.

The first report after `/transport/play` syncs the clock (`ClockEvent.SYNC`): until then the clock
does not know where the DAW restarted and the scheduler plans nothing.

This is the one place where beats and monotonic seconds are converted. Time comes from an injected
`now()` (time.monotonic in the agent, a fake in tests). Pure module.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable


class ClockEvent(enum.Enum):
    NONE = "none"  # a report that only corrected drift (or the transport is stopped)
    SYNC = "sync"  # first report after play: the clock now knows where the DAW is
    JUMP = "jump"  # the playhead jumped (seek, loop): replan from the new position


class Clock:
    """Song position in beats as a function of monotonic time, following the DAW's reports."""

    def __init__(
        self,
        now: Callable[[], float],
        tempo_bpm: float = 120.0,
        jump_threshold_beats: float = 0.5,
        time_constant_s: float = 0.1,
    ) -> None:
        self.now = now
        self.tempo_bpm = tempo_bpm
        self.jump_threshold_beats = jump_threshold_beats
        self.time_constant_s = time_constant_s
        self._last_report_s = now()
        self.playing = False
        self.synced = False
        self.last_error_beats = 0.0  # the latest report's error against the prediction (diagnostics)
        self._anchor_s = now()
        self._anchor_beat = 0.0

    @property
    def running(self) -> bool:
        """Playing and synced: the only state in which the scheduler plans."""
        return self.playing and self.synced

    @property
    def last_report_s(self) -> float:
        """Monotonic time of the latest `/playhead` report (or of the clock's creation)."""
        return self._last_report_s

    def beats_per_second(self) -> float:
        return self.tempo_bpm / 60.0

    def beat_at(self, t: float) -> float:
        """The playhead at monotonic time `t` (extrapolated while running, held while not)."""
        if not self.running:
            return self._anchor_beat
        return self._anchor_beat + (t - self._anchor_s) * self.beats_per_second()

    def beat_now(self) -> float:
        return self.beat_at(self.now())

    def time_of(self, beat: float) -> float:
        """The monotonic time at which `beat` plays at the current tempo (meaningful while running)."""
        return self._anchor_s + (beat - self._anchor_beat) / self.beats_per_second()

    def seconds(self, beats: float) -> float:
        """A duration in beats as seconds at the current tempo."""
        return beats / self.beats_per_second()

    def beats(self, seconds: float) -> float:
        """A duration in seconds as beats at the current tempo."""
        return seconds * self.beats_per_second()

    def _reanchor(self, t: float, beat: float) -> None:
        self._anchor_s, self._anchor_beat = t, beat

    def play(self) -> None:
        """The transport started; position unknown until the next report."""
        if not self.playing:
            self.playing, self.synced = True, False

    def stop(self) -> None:
        """The transport stopped: hold the current position."""
        if self.playing:
            self._reanchor(self.now(), self.beat_now())
            self.playing, self.synced = False, False

    def set_tempo(self, tempo_bpm: float) -> None:
        """New tempo from now on; the position stays continuous."""
        t = self.now()
        self._reanchor(t, self.beat_at(t))
        self.tempo_bpm = tempo_bpm

    def observe(self, beat: float, received_s: float | None = None) -> ClockEvent:
        """Take a `/playhead` report received at `received_s` (default now); say if it synced or jumped."""
        t = self.now() if received_s is None else received_s
        dt, self._last_report_s = t - self._last_report_s, t
        if not self.playing:
            moved = abs(beat - self._anchor_beat) > self.jump_threshold_beats
            self._reanchor(t, beat)
            return ClockEvent.JUMP if moved else ClockEvent.NONE
        if not self.synced:
            self.synced = True
            self.last_error_beats = 0.0
            self._reanchor(t, beat)
            return ClockEvent.SYNC
        predicted = self.beat_at(t)
        error = beat - predicted
        self.last_error_beats = error
        if abs(error) > self.jump_threshold_beats:
            self._reanchor(t, beat)
            return ClockEvent.JUMP
        alpha = 1.0 - math.exp(-max(dt, 0.0) / self.time_constant_s)
        self._reanchor(t, predicted + alpha * error)
        return ClockEvent.NONE
