"""The DAW-following clock under a fake monotonic time: extrapolation, tempo changes, drift, jumps."""

from __future__ import annotations

import pytest
from runtime_fakes import FakeTime

from agent.live.clock import Clock, ClockEvent


def playing_clock(tempo_bpm: float = 120.0, beat: float = 0.0) -> tuple[Clock, FakeTime]:
    now = FakeTime()
    clock = Clock(now, tempo_bpm, jump_threshold_beats=0.5, time_constant_s=0.1)
    clock.play()
    assert clock.observe(beat) is ClockEvent.SYNC
    return clock, now


def test_not_running_until_the_first_report_after_play() -> None:
    now = FakeTime()
    clock = Clock(now, 120.0)
    clock.play()
    assert not clock.running
    assert clock.observe(8.0) is ClockEvent.SYNC
    assert clock.running and clock.beat_now() == 8.0


def test_extrapolates_at_the_tempo() -> None:
    clock, now = playing_clock(120.0, 4.0)
    now.advance(1.5)
    assert clock.beat_now() == pytest.approx(7.0)
    assert clock.time_of(8.0) == pytest.approx(now.t + 0.5)
    assert clock.seconds(2.0) == pytest.approx(1.0) and clock.beats(1.0) == pytest.approx(2.0)


def test_tempo_change_keeps_the_position_continuous() -> None:
    clock, now = playing_clock(120.0)
    now.advance(1.0)
    clock.set_tempo(60.0)
    assert clock.beat_now() == pytest.approx(2.0)
    now.advance(1.0)
    assert clock.beat_now() == pytest.approx(3.0)


def _true(now: FakeTime, offset: float = 0.0) -> float:
    """Where a DAW at 120 bpm that started at beat 0 at t=1000 s really is."""
    return (now.t - 1000.0) * 2.0 + offset


def test_drift_is_corrected_smoothly_not_at_once() -> None:
    clock, now = playing_clock(120.0)
    now.advance(0.02)
    assert clock.observe(_true(now, 0.05)) is ClockEvent.NONE  # 0.05 beats ahead of the prediction
    assert 0.0 < clock.beat_now() - _true(now) < 0.05
    for _ in range(50):  # the DAW keeps reporting the same 0.05-beat offset every 20 ms
        now.advance(0.02)
        clock.observe(_true(now, 0.05))
    assert clock.beat_now() == pytest.approx(_true(now, 0.05), abs=1e-3)


def test_report_rate_does_not_change_the_correction_speed() -> None:
    slow, slow_now = playing_clock()
    fast, fast_now = playing_clock()
    slow_now.advance(0.1)
    slow.observe(_true(slow_now, 0.1))
    for _ in range(100):
        fast_now.advance(0.001)
        fast.observe(_true(fast_now, 0.1))
    assert slow.beat_now() == pytest.approx(fast.beat_now(), abs=0.005)


def test_seek_and_loop_are_jumps() -> None:
    clock, now = playing_clock(120.0, 0.0)
    now.advance(1.0)
    assert clock.observe(32.0) is ClockEvent.JUMP
    assert clock.beat_now() == 32.0
    now.advance(0.5)
    assert clock.observe(0.0) is ClockEvent.JUMP  # loop back


def test_backlogged_report_uses_its_arrival_time() -> None:
    clock, now = playing_clock(120.0)
    arrival = now.t + 0.5
    now.advance(1.5)  # read a second after it arrived
    assert clock.observe(1.0, received_s=arrival) is ClockEvent.NONE
    assert clock.beat_now() == pytest.approx(3.0)


def test_stop_holds_position_and_a_move_while_stopped_is_a_jump() -> None:
    clock, now = playing_clock(120.0)
    now.advance(1.0)
    clock.stop()
    now.advance(5.0)
    assert clock.beat_now() == pytest.approx(2.0) and not clock.running
    assert clock.observe(2.1) is ClockEvent.NONE
    assert clock.observe(16.0) is ClockEvent.JUMP
