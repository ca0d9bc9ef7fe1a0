"""The session: runtime parameters, instruments, human notes, panic, hello, error replies."""

from __future__ import annotations

import pytest
from runtime_fakes import LiveHarness

from agent.model.anticipation import TimingSettings
from agent.model.live import timing_problem
from agent.music.events import Part, part_for_program
from agent.wire.osc import (
    AllNotesOff,
    ChordsClear,
    ErrorReply,
    Hello,
    HumanNote,
    Instruments,
    NoteCancel,
    NoteOff,
    NoteOn,
    Panic,
    Playhead,
    SetParam,
    TimeSig,
)

CHORDS = [(float(b * 4), 4.0, s) for b, s in enumerate(["C", "Am7", "F", "G7"] * 4)]


def errors(live: LiveHarness) -> list[str]:
    return [e.message for _, e in live.sent if isinstance(e, ErrorReply)]


@pytest.mark.parametrize(
    ("name", "value", "field", "expected"),
    [("temperature", 0.5, "temperature", 0.5), ("top_p", 1, "top_p", 1.0), ("guidance", -2.0, "guidance", -2.0),
     ("seed", 42.0, "seed", 42), ("seed", "none", "seed", None), ("seed", -1, "seed", None)],
)
def test_set_sampling_params(name: str, value: object, field: str, expected: object) -> None:
    live = LiveHarness()
    live.send(SetParam(name, value))  # type: ignore[arg-type]
    assert getattr(live.session.params, field) == expected and not errors(live)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("temperature", 0.0, "out of range (0, 2]"), ("top_p", 1.5, "out of range"), ("seed", 1.5, "whole number"),
     ("temperature", "hot", "must be a number"), ("parts", 3, "must be text"), ("parts", "drums", "unknown part"),
     ("volume", 1.0, "unknown name 'volume' (allowed: temperature, top_p"), ("delta2", 9.0, "out of range"),
     ("lead_ms", 5.0, "out of range"), ("activity", -0.5, "neither -1"), ("comp.octave", 4, "out of range"),
     ("comp.octave", 1.5, "whole number"), ("drums.octave", 1, "per part"), ("bass.volume", 1.0, "per part"),
     ("comp.velocity", 3.0, "out of range"), ("lead", 0.5, "unknown name 'lead'")],
)
def test_bad_set_is_answered(name: str, value: object, message: str) -> None:
    live = LiveHarness()
    live.send(SetParam(name, value))  # type: ignore[arg-type]
    assert len(errors(live)) == 1 and message in errors(live)[0]
    assert live.counters.input_errors == 1


def test_timing_the_model_cannot_honour_is_refused() -> None:
    live = LiveHarness()

    # the real check: a model trained with delta1 4, delta2 1, lead 1 (ModelGenerator.check_timing)
    trained = TimingSettings(4.0, 1.0, 1.0)
    live.session._check_timing = lambda timing: timing_problem(trained, timing)
    live.send(SetParam("delta2", 2.0))  # 2 beats + 500 ms (1 beat at 120 bpm) > the longest delay, 2 beats
    assert "can't do that" in errors(live)[0] and "exceeds" in errors(live)[0]
    assert live.session.timing.delta2_beats == 1.0
    live.send(SetParam("delta1", 2.0))
    assert "delta1" in errors(live)[1]
    live.send(SetParam("lead_ms", 250.0))
    assert live.session.scheduler.plan.lead_beats == 1.0  # 1 beat chunk + 1/2 beat: the 2-beat delay, lead 1
    live.send(SetParam("delta2", 0.0))  # per tempo: a 6-tick lead leaves no delay within 250 ms; 8 ticks then
    assert live.session.scheduler.plan.chunk_beats == pytest.approx(2 / 12) and len(errors(live)) == 2
    assert live.session.scheduler.plan.delay_ticks == 8


def parts(live: LiveHarness) -> tuple[Part, ...]:
    """The session's parts now (a call: each comparison reads them afresh, for mypy too)."""
    return live.session.parts


def test_parts_by_name_and_by_program() -> None:
    live = LiveHarness()
    live.send(SetParam("parts", "bass, lead"))
    assert live.session.parts == (Part.BASS, Part.LEAD)
    live.send(Instruments((33, 0, 48, 128)))
    assert parts(live) == (Part.BASS, Part.COMP, Part.COUNTER)
    assert "program 128 is drums" in errors(live)[0]
    live.send(Instruments((128,)))
    assert parts(live) == (Part.BASS, Part.COMP, Part.COUNTER)
    live.send(SetParam("parts", "none"))
    assert parts(live) == ()


def test_program_families() -> None:
    assert part_for_program(34, set()) is Part.BASS
    assert part_for_program(5, set()) is Part.COMP and part_for_program(25, set()) is Part.COMP
    assert part_for_program(48, set()) is Part.COUNTER and part_for_program(65, set()) is Part.LEAD
    assert part_for_program(66, {Part.LEAD}) is Part.COUNTER and part_for_program(128, set()) is None


def test_parts_change_while_playing_replans() -> None:
    live = LiveHarness()
    live.start(CHORDS)
    live.run(1.1)
    live.send(SetParam("parts", "bass"))
    assert any(isinstance(e, NoteCancel) for _, e in live.sent)
    live.run(2.0)
    late = [n for _, n in live.notes() if n.beat >= 4.0]
    assert late and {n.channel for n in late} == {3}


def test_human_notes_live_and_known_duration() -> None:
    live = LiveHarness()
    live.start(CHORDS)
    live.run(0.6)  # playhead 1.2
    live.send(NoteOn(1.0, 64, 90))
    live.send(HumanNote(1.0, 67, 80, 0.5))
    live.send(HumanNote(3.0, 72, 80, 0.5))  # a note in the future: not shown before it happens
    live.send(NoteOff(0.5, 50))  # an off without its on: ignored
    context = live.session.context_for(3.0, 4.0)
    assert {n.pitch for n in context.human} == {64, 67}
    held = next(n for n in context.human if n.pitch == 64)
    assert held.dur_beats > 0
    live.run(0.25)
    live.send(NoteOn(1.5, 64, 0))  # velocity 0 = off
    assert 64 not in live.session._held


def test_panic_silences_and_keeps_playing() -> None:
    live = LiveHarness()
    live.start(CHORDS)
    live.run(1.0)
    live.send(Panic())
    assert isinstance(live.sent[-1][1], AllNotesOff) and live.counters.jumps == 0
    at = live.now.t
    live.run(1.0)
    assert [n for t, n in live.notes() if t > at]


def test_hello_registers_bounded_reply_ports() -> None:
    live = LiveHarness()
    for port in range(20000, 20010):
        live.send(Hello(port))
    assert len(live.session.reply_ports) == 8
    assert ("127.0.0.1", 20009) in live.session.reply_ports


def test_error_replies_are_rate_limited_but_counted() -> None:
    live = LiveHarness()
    for _ in range(100):
        live.apply(live.session.input_error("bad"))
    assert live.counters.input_errors == 100
    assert len(errors(live)) == 40 and live.counters.errors_suppressed == 60


def test_meter_change_while_playing_starts_at_the_next_bar_line() -> None:
    live = LiveHarness()
    live.start(CHORDS)
    live.run(3.0)  # beat 6
    live.send(TimeSig(3, 4))
    assert live.session.meter == (3, 4) and live.session.bar_origin_beat == 8.0


def test_chords_clear_replans_to_silence() -> None:
    live = LiveHarness()
    live.start(CHORDS)
    live.run(1.1)
    live.send(ChordsClear())
    live.send(Playhead(live.daw_beat()))
    at = live.now.t
    live.run(1.0)
    assert not [n for t, n in live.notes() if t > at]
