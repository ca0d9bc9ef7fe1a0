"""The chunk scheduler under a fake clock: ask times, deadlines, fallback, replans, jumps, stop."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime_fakes import BEAT_CHUNKS, LiveHarness

from agent.config import Config, override
from agent.live.generator import GenerationContext
from agent.music.events import Note, Part
from agent.wire.osc import AllNotesOff, ChordIn, NoteCancel, NoteOut, SetParam, Stop, Tempo

CHORDS = [(float(b * 4), 4.0, s) for b, s in enumerate(["C", "Am7", "F", "G7"] * 4)]
SAFETY_S = Config().timing.safety_ms / 1000.0


def test_chunks_are_asked_for_at_h_minus_lead_with_context_up_to_the_playhead() -> None:
    live = LiveHarness()
    live.start(CHORDS)
    live.run(4.0)  # 8 beats at 120 bpm
    starts = [r.start_beat for r in live.requests]
    assert starts == [float(b) for b in range(1, len(starts) + 1)]
    for request in live.requests:
        context = request.context
        assert request.end_beat == request.start_beat + 1.0
        assert context.playhead_beat >= request.start_beat - 1.0 - 1e-6  # not asked early
        assert context.playhead_beat <= request.start_beat - 1.0 + 0.02  # ... and not late
        assert all(n.beat <= context.playhead_beat for n in context.human)
        assert max(s.beat for s in context.chords) < request.end_beat + 4.0
        assert any(s.end_beat >= request.end_beat + 4.0 for s in context.chords) or request.end_beat > 60


def test_notes_reach_the_patch_at_least_the_safety_margin_ahead() -> None:
    live = LiveHarness(latency_s=0.05)
    live.start(CHORDS)
    live.run(8.0)
    notes = live.notes()
    assert len(notes) > 50
    for sent_at, note in notes:
        assert live.time_of(note.beat) - sent_at >= SAFETY_S - 1e-6
    assert live.counters.fallback_chunks == 0 and live.counters.late_notes == 0
    assert {n.channel for _, n in notes} == {2, 3}  # comp and bass channels


def test_a_late_model_gets_the_fallback_at_the_deadline_and_its_result_is_discarded() -> None:
    def model(context: GenerationContext, start: float, end: float) -> list[Note]:
        return [Note(start, 0.5, 90, 100, Part.COMP)]  # a pitch the fallback never plays

    live = LiveHarness(model=model, latency_s=0.6)  # longer than lead - safety (0.4 s)
    live.start(CHORDS)
    live.run(6.0)
    notes = live.notes()
    assert live.counters.fallback_chunks >= 5
    assert live.counters.discarded_results >= 5
    assert all(n.pitch != 90 for _, n in notes)
    assert len({n.beat for _, n in notes}) >= 10  # never silent
    for sent_at, note in notes:
        assert live.time_of(note.beat) - sent_at >= SAFETY_S - 0.006  # the 5 ms polling step


def test_a_failing_model_is_counted_and_replaced() -> None:
    def model(context: GenerationContext, start: float, end: float) -> list[Note]:
        raise RuntimeError("boom")

    live = LiveHarness(model=model)
    live.start(CHORDS)
    live.run(3.0)
    assert live.counters.generator_errors >= 4
    assert live.counters.fallback_chunks == live.counters.generator_errors
    assert live.notes()


def test_invalid_generated_notes_are_dropped_and_long_ones_clipped() -> None:
    def model(context: GenerationContext, start: float, end: float) -> list[Note]:
        return [Note(start, 100.0, 60, 100, Part.COMP), Note(end + 1, 1.0, 61, 100, Part.COMP),
                Note(start, 1.0, 62, 100, Part.LEAD), Note(start, 1.0, 128, 100, Part.BASS)]

    live = LiveHarness(model=model)
    live.start(CHORDS)
    live.run(1.2)
    notes = [n for _, n in live.notes()]
    assert [(n.pitch, n.dur_beats) for n in notes] == [(60, 16.0)] * len(notes) and notes
    assert live.counters.invalid_notes == 3 * len(notes)


def test_chord_change_replans_planned_chunks_with_cancels() -> None:
    live = LiveHarness()
    live.start(CHORDS)
    live.run(1.1)  # playhead ~2.2: chunks up to [3, 4) are planned
    planned = {n.id: n for _, n in live.notes() if n.beat >= 3.0}
    assert planned
    before = len(live.requests)
    live.send(ChordIn(3.0, 1.0, "Eb"))
    cancelled = {e.id for _, e in live.sent if isinstance(e, NoteCancel)}
    assert cancelled == set(planned)
    live.run(0.2)
    assert live.requests[before].start_beat == 3.0
    new = [n for _, n in live.notes() if n.beat == 3.0 and n.id not in planned]
    assert {n.pitch % 12 for n in new if n.channel == 2} == {3, 7, 10}  # Eb major
    assert live.counters.replans >= 1


def test_the_same_chord_resent_changes_nothing() -> None:
    live = LiveHarness()
    live.start(CHORDS)
    live.run(1.1)
    live.send(ChordIn(*CHORDS[0]))
    assert not any(isinstance(e, NoteCancel) for _, e in live.sent)


def test_a_chord_change_for_a_chunk_past_its_deadline_does_not_replan() -> None:
    live = LiveHarness()
    live.start(CHORDS)
    live.run(1.0)  # playhead 2.0: chunk [2, 3) is sounding
    live.send(ChordIn(2.0, 1.0, "Eb"))
    assert not any(isinstance(e, NoteCancel) for _, e in live.sent)


def test_a_jump_silences_resets_and_plans_from_the_new_position() -> None:
    live = LiveHarness()
    live.start(CHORDS)
    live.run(2.0)
    resets = live.resets
    live.locate(32.0)  # the DAW jumps to bar 9
    assert isinstance(live.sent[-1][1], AllNotesOff)
    assert live.resets == resets + 1 and live.counters.jumps == 1
    jump_at = live.now.t
    live.run(1.0)
    after = [n for t, n in live.notes() if t > jump_at]
    assert after and min(n.beat for n in after) >= 33.0


def test_stop_silences_and_plans_nothing_more() -> None:
    live = LiveHarness()
    live.start(CHORDS)
    live.run(1.0)
    live.send(Stop())
    assert isinstance(live.sent[-1][1], AllNotesOff)
    count = len(live.notes())
    live.daw_start = None
    live.run(2.0)
    assert len(live.notes()) == count and live.session.scheduler.wakeup() is None


def test_delta2_change_moves_the_grid_from_the_next_chunk() -> None:
    live = LiveHarness()
    live.start(CHORDS)
    live.run(1.0)
    live.send(SetParam("lead_ms", 200.0))  # 5 ticks: with 1.5-beat chunks, within the 2-beat human delay
    live.send(SetParam("delta2", 1.5))
    live.run(4.0)
    windows = [(r.start_beat, r.end_beat) for r in live.requests]
    assert (4.5, 6.0) in windows and all(e - s <= 1.5 for s, e in windows)
    assert all(e % 1.5 == 0 for s, e in windows if s >= 4.5)


@pytest.mark.parametrize("bpm", [60.0, 240.0])
def test_tempos(bpm: float) -> None:
    live = LiveHarness()
    live.start(CHORDS, bpm=bpm)
    live.run(8 * 60.0 / bpm)
    assert live.counters.fallback_chunks == 0
    for sent_at, note in live.notes():
        assert live.time_of(note.beat) - sent_at >= SAFETY_S - 1e-6


def test_note_ids_wrap_below_two_to_the_24() -> None:
    live = LiveHarness()
    live.session.scheduler._next_id = 2**24 - 2
    live.start(CHORDS)
    live.run(1.0)
    ids = [n.id for _, n in live.notes()]
    assert ids[:3] == [2**24 - 2, 2**24 - 1, 0]


def test_short_lead_at_fast_tempo_still_plays_via_fallback() -> None:
    config = override(BEAT_CHUNKS, "timing.lead_ms", 30.0)  # 2 ticks (42 ms) at 240 bpm, less than the safety
    live = LiveHarness(config)
    live.start(CHORDS, bpm=240.0)
    live.run(2.0)
    assert live.notes() and live.counters.late_notes == 0
    assert all(isinstance(n, NoteOut) for _, n in live.notes())


_events = st.lists(
    st.tuples(
        st.floats(0.05, 1.0),  # seconds of play before the event
        st.one_of(
            st.tuples(st.just("chord"), st.integers(0, 30), st.sampled_from(["C", "Eb", "F#m7b5", "N"])),
            st.tuples(st.just("jump"), st.integers(0, 30), st.just("")),
            st.tuples(st.just("tempo"), st.sampled_from([60, 90, 150, 240]), st.just("")),
            st.tuples(st.just("delta2"), st.sampled_from([0.5, 1, 2]), st.just("")),
        ),
    ),
    max_size=8,
)


@settings(max_examples=25, deadline=None)
@given(_events, st.sampled_from([0.01, 0.2, 0.7]))
def test_never_late_whatever_happens(events: list[tuple[float, tuple[str, float, str]]], latency_s: float) -> None:
    """Under random chord edits, seeks, tempo and chunk changes, and a fast or slow model: every note
    reaches the patch before its beat on the DAW's transport, and only notes already sent are cancelled."""
    live = LiveHarness(latency_s=latency_s)
    live.start(CHORDS)
    sent_before: dict[int, float] = {}
    for wait, (kind, value, symbol) in events:
        live.run(wait)
        if kind == "chord":
            live.send(ChordIn(float(value), 1.0, symbol))
        elif kind == "jump":
            live.locate(float(value))
        elif kind == "tempo":
            live.send(Tempo(float(value)))
            live.locate(live.daw_beat(), float(value))
        else:
            live.send(SetParam("delta2", float(value)))
    live.run(1.0)
    segments = live.segments
    for t, effect in live.sent:
        if isinstance(effect, NoteOut):
            sent_before[effect.id] = t
            assert _daw_time(segments, t, effect.beat) >= t - 1e-9, effect
        elif isinstance(effect, NoteCancel):
            assert effect.id in sent_before


def _daw_time(segments: list[tuple[float, float, float]], sent_at: float, beat: float) -> float:
    """When `beat` plays on the DAW transport that was current when the note was sent (inf if never)."""
    start, beat0, bpm = next(s for s in reversed(segments) if s[0] <= sent_at + 1e-12)
    return start + (beat - beat0) * 60.0 / bpm if beat >= beat0 - 1e-9 else float("inf")


def test_planning_pauses_when_the_patch_stops_reporting_and_resumes_after() -> None:
    live = LiveHarness()
    live.start(CHORDS)
    live.run(1.0)
    start, beat0, bpm = live.daw_start, live.daw_beat0, live.bpm
    live.daw_start = None  # the patch goes quiet (crashed, or its socket closed), the DAW plays on
    live.run(3.0)
    quiet_from = live.now.t - 3.0
    assert not [n for t, n in live.notes() if t > quiet_from + 1.0 + 0.01]
    assert live.session.scheduler.wakeup() is None
    live.daw_start, live.daw_beat0, live.bpm = start, beat0, bpm  # it comes back, in time
    live.run(1.0)
    assert [n for t, n in live.notes() if t > live.now.t - 1.0]
    assert live.counters.late_notes == 0
