"""Test doubles shared by the runtime tests: a settable monotonic clock and a live-session harness."""

from __future__ import annotations

from collections.abc import Callable

from agent.config import Config, override
from agent.live.clock import Clock
from agent.live.fallback import FallbackGenerator
from agent.live.scheduler import Generate, ResetGenerator
from agent.live.session import Effect, Session
from agent.metrics import Counters
from agent.music.events import Note
from agent.wire.osc import ChordIn, InMessage, LoopBrace, NoteOut, Play, Playhead, Tempo


class FakeTime:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start_s: float = 1000.0) -> None:
        self.t = start_s

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


#: The timing of the first versions (1-beat chunks asked 1 beat ahead at 120 bpm, 100 ms safety, no
#: pre-roll): the scheduler and session tests of those mechanisms keep it; tests/test_feel.py covers
#: the default short-chunk timing, loops and the pre-roll.
BEAT_CHUNKS = override(Config(), "timing", {"delta2_beats": 1.0, "lead_ms": 500.0, "safety_ms": 100.0,
                                            "preroll_beats": 0.0})


class LiveHarness:
    """A Session under a fake clock with a simulated DAW and a simulated worker.

    `run(seconds)` advances time in 5 ms steps: the DAW reports its playhead every 20 ms, the
    scheduler is polled whenever its wakeup time has come, and each Generate request is answered by
    `model(context, start, end)` after `latency_s` (or raises if `model` raises). Everything sent is
    recorded with the time it was sent.
    """

    def __init__(self, config: Config | None = None, model: Callable[..., list[Note]] | None = None,
                 latency_s: float = 0.05) -> None:
        self.now = FakeTime()
        self.config = config or BEAT_CHUNKS
        self.clock = Clock(self.now, 120.0, self.config.timing.jump_threshold_beats,
                           self.config.timing.drift_time_constant_s)
        self.counters = Counters()
        self.session = Session(self.config, self.clock, FallbackGenerator(), self.counters, "model")
        self.model = model or FallbackGenerator().generate
        self.latency_s = latency_s
        self.sent: list[tuple[float, object]] = []  # (time, effect)
        self.requests: list[Generate] = []
        self.resets = 0
        self._pending: list[tuple[float, Generate]] = []
        self.daw_start: float | None = None
        self.daw_beat0 = 0.0
        self.bpm = 120.0
        self.segments: list[tuple[float, float, float]] = []  # DAW transport: (from time, beat there, bpm)
        self.loop: tuple[float, float] | None = None  # the DAW's loop brace (set with `set_loop`)

    def daw_beat(self) -> float:
        """The DAW's song position now (wrapping at the loop end when a loop is on)."""
        assert self.daw_start is not None
        linear = self.daw_beat0 + (self.now.t - self.daw_start) * self.bpm / 60.0
        if self.loop is not None and self.daw_beat0 < self.loop[1] <= linear:
            start, end = self.loop
            return start + (linear - end) % (end - start)
        return linear

    def set_loop(self, start: float, end: float) -> None:
        self.loop = (start, end)
        self.send(LoopBrace(1, start, end))

    def apply(self, effects: list[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, Generate):
                self.requests.append(effect)
                self._pending.append((self.now.t + self.latency_s, effect))
            elif isinstance(effect, ResetGenerator):
                self.resets += 1
            else:
                self.sent.append((self.now.t, effect))

    def send(self, message: InMessage) -> None:
        self.apply(self.session.handle(message, ("127.0.0.1", 9999), self.now.t))

    def start(self, chords: list[tuple[float, float, str]], beat: float = 0.0, bpm: float = 120.0) -> None:
        self.bpm = bpm
        self.send(Tempo(bpm))
        for chord in chords:
            self.send(ChordIn(*chord))
        self.send(Play())
        self.locate(beat)

    def locate(self, beat: float, bpm: float | None = None) -> None:
        """The DAW's transport goes on from `beat` now (a seek, a loop, or a tempo change), and reports it."""
        self.daw_start, self.daw_beat0, self.bpm = self.now.t, beat, bpm or self.bpm
        self.segments.append((self.now.t, beat, self.bpm))
        self.send(Playhead(beat))

    def run(self, seconds: float, step_s: float = 0.005) -> None:
        end = self.now.t + seconds
        next_report = self.now.t
        while self.now.t < end - 1e-9:
            self.now.advance(step_s)
            if self.daw_start is not None and self.now.t >= next_report:
                self.send(Playhead(self.daw_beat()))
                next_report += 0.02
            for due, request in [p for p in self._pending if p[0] <= self.now.t]:
                self._pending.remove((due, request))
                try:
                    notes, error = self.model(request.context, request.start_beat, request.end_beat), None
                except Exception as exc:  # noqa: BLE001 - the harness reports it like the worker does
                    notes, error = None, exc
                self.apply(self.session.on_result(request.request_id, notes, error))
            wake = self.session.scheduler.wakeup()
            if wake is not None and self.now.t >= wake:
                self.apply(self.session.poll())

    def notes(self) -> list[tuple[float, NoteOut]]:
        return [(t, e) for t, e in self.sent if isinstance(e, NoteOut)]

    def time_of(self, beat: float) -> float:
        assert self.daw_start is not None
        return self.daw_start + (beat - self.daw_beat0) * 60.0 / self.bpm
