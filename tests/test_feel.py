"""Issue 10 in the runtime: loops planned across the wrap, the first beat ready before play, hearing the
player within 250 ms, the knobs (activity, register, dynamics) and one part per subscriber.

Under a fake clock (tests/runtime_fakes.py) with the default timing: short chunks chosen per tempo.
The same behaviours over real UDP with the model: tests/test_live_e2e.py; the figures: `sideman bench --feel`.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime_fakes import LiveHarness

from agent.config import Config
from agent.live.generator import GenerationContext
from agent.live.timeline import Loop, Timeline
from agent.live.timing import DEFAULT_DELAYS, plan
from agent.music.events import Note, Part
from agent.wire.osc import (
    Addressed,
    AllNotesOff,
    ErrorReply,
    NoteCancel,
    NoteOut,
    Play,
    Playhead,
    SetParam,
    Stop,
    Subscribe,
)
from agent.wire.osc import (
    ChordIn as ChordLike,
)
from agent.wire.osc import (
    HumanNote as NoteLike,
)
from agent.wire.osc import (
    LoopBrace as LoopLike,
)
from agent.wire.osc import (
    Tempo as TempoLike,
)

CHORDS = [(float(b), 4.0, s) for b, s in zip(range(0, 64, 4), ["C", "Am", "F", "G"] * 4, strict=True)]


def notes(live: LiveHarness) -> list[NoteOut]:
    return [e for _, e in live.sent if isinstance(e, NoteOut)]


# ---- the timeline -------------------------------------------------------------------------------


def test_timeline_unrolls_a_loop_and_folds_back() -> None:
    tl = Timeline()
    tl.relocate(0.0, 0.0)
    tl.set_loop(Loop(0.0, 8.0), 0.0)
    assert tl.wrap_at == 8.0 and tl.fold(7.5) == 7.5 and tl.fold(8.0) == 0.0 and tl.fold(17.0) == 1.0
    assert tl.unroll(7.9, near_performance=7.95) == pytest.approx(7.9)
    assert tl.unroll(0.05, near_performance=7.98) == pytest.approx(8.05)  # after the wrap: no jump
    assert tl.next_wrap_after(3.0) == 8.0 and tl.next_wrap_after(8.0) == 16.0
    assert tl.advance(8.2) == 1 and tl.offset == 8.0 and tl.wrap_at == 16.0
    assert tl.unroll(7.99, near_performance=8.3) == pytest.approx(7.99)  # a straggler from the last pass
    assert tl.fold(7.0) == 7.0  # the previous pass
    assert tl.segments(6.0, 18.0) == [(6.0, 8.0, 6.0), (8.0, 16.0, 0.0), (16.0, 18.0, 0.0)]


def test_a_playhead_past_the_loop_end_plays_on_as_in_live() -> None:
    tl = Timeline()
    tl.relocate(20.0, 20.0)
    tl.set_loop(Loop(0.0, 8.0), 20.0)
    assert math.isinf(tl.wrap_at) and tl.fold(30.0) == 30.0


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 32), st.floats(1, 16), st.floats(0, 200))
def test_fold_of_unroll_is_the_song_beat(start: float, length: float, ahead: float) -> None:
    tl = Timeline()
    tl.relocate(start, start)
    tl.set_loop(Loop(start, start + length), start)
    u = start + ahead
    tl.advance(u)
    song = tl.fold(u)
    assert start - 1e-6 <= song < start + length + 1e-6
    assert tl.unroll(song, near_performance=u) == pytest.approx(u, abs=1e-6)


# ---- timing: hearing the player ---------------------------------------------------------------------


@pytest.mark.parametrize("bpm", [60.0, 75.0, 90.0, 100.0, 120.0, 140.0, 160.0, 180.0, 220.0, 260.0, 300.0])
def test_the_plan_hears_the_player_within_250_ms_and_a_beat(bpm: float) -> None:
    p = plan(bpm, lead_ms=80.0, reaction_ms=250.0, delays=DEFAULT_DELAYS)
    beat_ms = 60_000.0 / bpm
    assert p.worst_reaction_ms <= min(250.0, beat_ms) + 1e-6
    assert (p.chunk_beats + p.lead_beats) * 12 <= p.delay_ticks + 1e-9  # the model never hears too early
    assert p.lead_beats * beat_ms >= 80.0 - 1e-6 and p.chunk_beats > 0


def test_the_runtime_tells_the_model_its_delay_and_asks_in_short_chunks() -> None:
    live = LiveHarness(Config(), latency_s=0.005)  # the model's typical call (p50 ~1 ms, `sideman bench`)
    live.start(CHORDS)
    live.run(2.0)
    requests = live.requests
    assert requests and all(r.end_beat - r.start_beat <= 1 / 12 + 1e-9 for r in requests)
    assert {r.context.human_delay_ticks for r in requests} == {4}  # 120 bpm: 4 ticks = 167 ms
    # a cold start (no pre-roll) plays its first chunk, due at once, with the fallback; then the model
    assert live.counters.late_notes == 0 and live.counters.fallback_chunks <= 1


# ---- pre-roll: beat 1 sounds the moment the DAW plays -------------------------------------------


def test_the_first_beat_is_sent_before_play() -> None:
    live = LiveHarness(Config())
    live.send(SetParam("parts", "comp,bass"))
    for chord in CHORDS:
        live.send(ChordLike(*chord))
    live.send(Playhead(8.0))  # stopped: play will start at beat 8
    live.run(0.5)
    before = notes(live)
    assert before and min(n.beat for n in before) == pytest.approx(8.0)
    assert max(n.beat for n in before) < 8.0 + 1.0 + 1e-9
    live.send(Play())
    live.locate(8.0)
    live.run(2.0)
    assert not [e for _, e in live.sent if isinstance(e, AllNotesOff)]  # the pre-roll stood
    assert live.counters.late_notes == 0
    first_beat = [n for n in notes(live) if 8.0 <= n.beat < 9.0]
    assert len(first_beat) >= len([n for n in before if n.beat < 9.0]) > 0


def test_a_seek_while_stopped_withdraws_the_preroll_and_prepares_again() -> None:
    live = LiveHarness(Config())
    for chord in CHORDS:
        live.send(ChordLike(*chord))
    live.send(Playhead(0.0))
    live.run(0.5)
    first = {n.id for n in notes(live)}
    live.send(Playhead(16.0))
    live.run(0.5)
    cancelled = {e.id for _, e in live.sent if isinstance(e, NoteCancel)}
    assert first and first <= cancelled
    assert any(16.0 <= n.beat < 17.0 for n in notes(live))


def test_play_elsewhere_than_prepared_silences_the_preroll() -> None:
    live = LiveHarness(Config())
    for chord in CHORDS:
        live.send(ChordLike(*chord))
    live.send(Playhead(0.0))
    live.run(0.5)
    live.send(Play())
    live.locate(32.0)  # the DAW started somewhere else than it said
    live.run(1.0)
    assert any(isinstance(e, AllNotesOff) for _, e in live.sent)
    assert live.counters.late_notes == 0


# ---- loops ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("bars", "bpm"), [(2, 100.0), (4, 120.0), (8, 180.0)])
def test_a_loop_is_planned_across_the_wrap(bars: int, bpm: float) -> None:
    live = LiveHarness(Config())
    end = 4.0 * bars
    for chord in CHORDS:
        live.send(ChordLike(*chord))
    live.set_loop(0.0, end)
    live.send(Playhead(0.0))
    live.run(0.3)
    live.bpm = bpm
    live.send(TempoLike(bpm))
    live.send(Playhead(0.0))
    live.run(0.3)
    live.send(Play())
    live.locate(0.0, bpm)
    passes = 3
    live.run(passes * end * 60.0 / bpm)
    played = notes(live)
    assert not [e for _, e in live.sent if isinstance(e, AllNotesOff)]  # wraps are not jumps
    assert all(n.beat < end for n in played)
    assert all(n.beat + n.dur_beats <= end + 1e-6 for n in played)  # nothing rings across the wrap
    assert live.counters.late_notes == 0 and live.counters.jumps == 0
    downbeats = [n for n in played if n.beat < 1.0]
    assert len({n.id for n in downbeats}) >= passes  # something in the first beat of every pass


def test_chords_after_the_wrap_are_the_loop_starts_chords() -> None:
    live = LiveHarness(Config())
    for chord in [(0.0, 4.0, "C"), (4.0, 4.0, "F"), (8.0, 4.0, "Ab")]:
        live.send(ChordLike(*chord))
    live.set_loop(0.0, 8.0)
    live.start([], beat=6.0)
    live.run(1.5)  # the playhead crosses the wrap at beat 8 -> 0
    across = [r for r in live.requests if r.end_beat > 8.0]
    assert across
    ctx = across[-1].context
    after = [c for c in ctx.chords if c.beat >= 8.0 - 1e-9]
    assert after and after[0].chord.root == 0  # C again, not the Ab that follows beat 8 in the song


def test_the_human_is_heard_across_the_wrap() -> None:
    live = LiveHarness(Config())
    for chord in CHORDS:
        live.send(ChordLike(*chord))
    live.set_loop(0.0, 4.0)
    live.start([], beat=3.0)
    live.run(0.2)
    live.send(NoteLike(live.daw_beat(), 64, 90, 0.5))
    live.run(0.6)  # past the wrap at beat 4 (0.5 s)
    heard = [n for r in live.requests[-3:] for n in r.context.human]
    assert heard and all(n.beat >= 3.0 for n in heard)  # kept, on the performance timeline


def test_a_loop_shorter_than_a_beat_is_refused() -> None:
    live = LiveHarness(Config())
    live.send(LoopLike(1, 4.0, 4.5))
    assert any(isinstance(e, ErrorReply) and "shorter" in e.message for _, e in live.sent)
    assert live.session.timeline.loop is None


# ---- knobs and subscriptions ----------------------------------------------------------------------


def test_register_and_dynamics_shape_what_is_sent() -> None:
    def model(context: GenerationContext, start: float, end: float) -> list[Note]:
        return [Note(start, 0.1, 60, 100, Part.COMP), Note(start, 0.1, 40, 100, Part.BASS)]

    live = LiveHarness(Config(), model=model, latency_s=0.001)
    live.send(SetParam("comp.octave", 1))
    live.send(SetParam("bass.octave", -1))
    live.send(SetParam("comp.velocity", 0.5))
    live.send(SetParam("bass.velocity", 2.0))
    live.start(CHORDS)
    live.run(0.5)
    comp = [n for n in notes(live) if n.channel == 2]
    bass = [n for n in notes(live) if n.channel == 3]
    assert comp and {n.pitch for n in comp} == {72} and {n.velocity for n in comp} == {50}
    assert bass and {n.pitch for n in bass} == {28} and {n.velocity for n in bass} == {127}


def test_activity_reaches_the_generator_per_part() -> None:
    live = LiveHarness(Config())
    live.send(SetParam("activity", 0.8))
    live.send(SetParam("bass.activity", 0.1))
    live.start(CHORDS)
    live.run(0.5)
    assert dict(live.requests[-1].context.activity) == {Part.COMP: 0.8, Part.BASS: 0.1}
    live.send(SetParam("activity", -1))
    live.run(0.5)
    assert dict(live.requests[-1].context.activity) == {Part.BASS: 0.1}


def test_the_style_knob_reaches_the_generator_and_a_bad_one_is_named() -> None:
    live = LiveHarness(Config())
    live.start(CHORDS)
    live.run(0.5)
    assert live.requests[-1].context.params.style == "pop"  # config.yaml's and Config()'s default
    live.send(SetParam("style", "folk"))
    live.run(0.5)
    assert live.requests[-1].context.params.style == "folk"
    sent = len(live.sent)
    live.send(SetParam("style", "jazz"))
    errors = [e for _, e in live.sent[sent:] if isinstance(e, ErrorReply)]
    assert len(errors) == 1 and "style" in errors[0].message and "'jazz'" in errors[0].message
    live.run(0.5)
    assert live.requests[-1].context.params.style == "folk"


def test_a_subscriber_gets_its_part_only() -> None:
    live = LiveHarness(Config())
    live.session.handle(Subscribe(9100, "bass"), ("127.0.0.1", 5555), live.now.t)
    live.start(CHORDS)
    live.run(1.0)
    routed = [e for _, e in live.sent if isinstance(e, Addressed)]
    assert routed and all(e.targets == (("127.0.0.1", 9100),) for e in routed)
    assert all(isinstance(e.message, (NoteOut, NoteCancel)) for e in routed)
    assert {e.message.channel for e in routed if isinstance(e.message, NoteOut)} == {3}  # bass
    assert {n.channel for n in notes(live)} == {2}  # comp still goes to everyone
    assert live.session.parts == (Part.COMP, Part.BASS)


def test_stop_then_report_prepares_again() -> None:
    live = LiveHarness(Config())
    for chord in CHORDS:
        live.send(ChordLike(*chord))
    live.start([], beat=0.0)
    live.run(1.0)
    live.send(Stop())
    live.daw_start = None  # the DAW's transport stopped: no more moving reports
    count = len(notes(live))
    live.send(Playhead(live.session.clock.beat_now()))
    live.run(0.5)
    assert len(notes(live)) > count


def test_the_first_chunk_after_play_and_every_wrap_asks_for_a_downbeat() -> None:
    live = LiveHarness(Config())
    for chord in CHORDS:
        live.send(ChordLike(*chord))
    live.set_loop(0.0, 4.0)
    live.send(Playhead(0.0))
    live.run(0.3)
    live.send(Play())
    live.locate(0.0)
    live.run(4.5)  # two and a bit passes at 120 bpm
    downbeats = sorted(r.start_beat for r in live.requests if r.context.downbeat)
    assert downbeats == [0.0, 4.0, 8.0]  # the pre-roll's first chunk, then each wrap (performance beats)


def test_rest_fill_ratio_says_whether_a_part_fills_the_players_rests() -> None:
    import numpy as np

    from agent.music.measures import rest_fill_ratio

    human = np.array([0.0, 6.0, 1.0, 5.0])
    assert rest_fill_ratio(human, np.array([8.0, 4.0, 8.0, 4.0])) == pytest.approx(2.0)  # busier in the rests
    assert rest_fill_ratio(human, np.array([2.0, 4.0, 2.0, 4.0])) == pytest.approx(0.5)
    assert math.isnan(rest_fill_ratio(np.array([4.0, 5.0]), np.array([1.0, 1.0])))  # no resting bar


def test_a_context_holds_whole_chords_cut_only_at_the_loop_end() -> None:
    """The model reads each chord's duration: a chord cut at the context's horizon (one tick of D, then
    two, as the chunks moved on) is a chord track changing every tick, and the model comped it busily
    whatever the activity knob asked (issue 10). Spans end where they end, or at the loop's end."""
    live = LiveHarness(Config())
    live.start([(0.0, 4.0, "G"), (4.0, 4.0, "D"), (8.0, 8.0, "Em")])
    live.run(0.6)
    spans = {(s.beat, s.dur_beats, s.chord.symbol) for r in live.requests for s in r.context.chords}
    assert spans <= {(0.0, 4.0, "G"), (4.0, 4.0, "D"), (8.0, 8.0, "Em")}, spans
    assert (4.0, 4.0, "D") in spans
    looped = LiveHarness(Config())
    for chord in [(0.0, 4.0, "G"), (4.0, 8.0, "D")]:
        looped.send(ChordLike(*chord))
    looped.set_loop(0.0, 8.0)
    looped.send(Playhead(0.0))
    looped.run(0.3)
    looped.send(Play())
    looped.locate(0.0)
    looped.run(4.5)  # past the first wrap (8 beats at 120 bpm = 4 s)
    spans = {(round(s.beat, 6), round(s.dur_beats, 6), s.chord.symbol) for r in looped.requests for s in r.context.chords}
    assert (4.0, 4.0, "D") in spans and (8.0, 4.0, "G") in spans  # D cut at the loop end; the next pass's G
    assert all(b + d <= 8.0 + 1e-6 or b >= 8.0 - 1e-6 for b, d, _ in spans)  # nothing crosses the wrap


def test_the_feel_benchmark_measures_rhythm_against_the_style_s_own_corpus() -> None:
    """Pop is asked by default and is POP909's accompaniment; folk is Nottingham's; auto, both."""
    from agent.settings import STYLES
    from agent.tools.feel import style_source

    assert (style_source("pop"), style_source("folk"), style_source("auto")) == ("pop909", "nottingham", None)
    assert all(style_source(style) is not None for style in STYLES)  # every named style has its corpus
