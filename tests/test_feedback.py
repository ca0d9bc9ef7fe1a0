"""Regenerate rounds, undo/restore, the feedback learner, session files, the simulated user."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
import torch
from compose_fakes import song_file, toy_model

from agent.compose import store as compose_store
from agent.compose.cli import add_infill_arguments, add_regenerate_arguments, run_infill, run_regenerate
from agent.compose.feedback import FeedbackLearner, LearnerSettings, log_likelihood
from agent.compose.infill import Infiller, _Progress, region_context
from agent.compose.piece import Region, TrackRequest, inside, outside, read_piece, resolve, with_chords
from agent.compose.session import CompositionSession, Mark
from agent.compose.simulated_user import (
    FeedbackResult,
    features,
    feedback_test,
    interaction_cost,
    satisfaction,
    summarise_feedback,
)
from agent.errors import CompositionError
from agent.live.generator import SamplingParams
from agent.model import vocab as V
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import save_checkpoint
from agent.music.events import Note, Part

TIMING = TimingSettings()
BASS_GAP = Region(2, 16.0, 32.0, (Part.BASS,))  # bars 5-8 of the bass track


@pytest.fixture
def session(tmp_path: Path) -> CompositionSession:
    piece, template = read_piece(song_file(tmp_path / "song.mid"))
    piece, regions = resolve(piece, [TrackRequest("Bass", ((5, 8),))])
    made = CompositionSession(toy_model(), TIMING, piece, regions, template, settings=LearnerSettings(candidates=2, drafts=1, reprises=0))
    made.infill(SamplingParams(seed=1))
    return made


def test_regenerate_rewrites_only_the_marked_bars(session: CompositionSession) -> None:
    before = session.version
    after = session.regenerate([Mark(2, 20.0, 28.0)], SamplingParams(seed=1))
    assert (after.number, after.parent, session.current) == (1, 0, 1)
    for old, new in zip(before.piece.tracks, after.piece.tracks, strict=True):
        assert outside(new.notes, 20.0, 28.0) == outside(old.notes, 20.0, 28.0)
    rewritten = inside(after.piece.tracks[2].notes, 20.0, 28.0)
    assert rewritten and rewritten != inside(before.piece.tracks[2].notes, 20.0, 28.0)
    assert all(n.end_beat <= 28.0 + 1e-9 and n.part == Part.BASS for n in rewritten)
    assert after.learn is not None and after.learn.loss_after <= after.learn.loss_before


def test_undo_and_restore_bring_back_the_exact_version(session: CompositionSession, tmp_path: Path) -> None:
    first = session.version
    session.export(tmp_path / "v0.mid")
    session.regenerate([Mark(2, 16.0, 20.0)], SamplingParams(seed=2))
    second = session.regenerate([Mark(2, 24.0, 28.0)], SamplingParams(seed=3))
    assert session.undo().number == 1 and session.undo() is first
    assert session.version.piece == first.piece
    session.export(tmp_path / "again.mid")
    assert (tmp_path / "again.mid").read_bytes() == (tmp_path / "v0.mid").read_bytes()
    with pytest.raises(CompositionError, match="nothing to undo"):
        session.undo()
    assert session.restore(2) is second
    branch = session.regenerate([Mark(2, 16.0, 20.0)], SamplingParams(seed=4))
    assert branch.parent == 2 and len(session.versions) == 4
    with pytest.raises(CompositionError, match="versions 0-3"):
        session.restore(7)


@pytest.mark.parametrize("mark, message", [(Mark(3, 0.0, 4.0), "drum"), (Mark(9, 0.0, 4.0), "tracks 1-5"),
                                           (Mark(2, 44.0, 60.0), "outside the piece")])
def test_bad_marks_get_clear_errors(session: CompositionSession, mark: Mark, message: str) -> None:
    with pytest.raises(CompositionError, match=message):
        session.regenerate([mark], SamplingParams(seed=1))


def test_the_learner_separates_rejected_from_kept(session: CompositionSession) -> None:
    piece = session.version.piece
    learner = FeedbackLearner(toy_model(), TIMING)
    h = torch.randn(32)
    assert torch.equal(learner.adapt(h), h) and learner.learn() is None
    rejected = [Note(20.0 + i, 0.5, 84 + i % 3, 100, Part.BASS) for i in range(4)]
    learner.observe(piece, Region(2, 20.0, 24.0, (Part.BASS,)), rejected, rejected=True)
    learner.observe(piece, Region(2, 8.0, 12.0, (Part.BASS,)), inside(piece.tracks[2].notes, 8.0, 12.0), rejected=False)
    stats = learner.learn()
    assert stats is not None and stats.loss_before > 0.0 and stats.loss_after < stats.loss_before
    assert stats.margin > 0.0 and stats.adapter_norm > 0.0
    gap_rejected = log_likelihood(learner.model, learner.adapter, learner.rejected[0]).item() - learner.rejected[0].base
    gap_kept = log_likelihood(learner.model, learner.adapter, learner.kept[0]).item() - learner.kept[0].base
    assert gap_rejected < gap_kept
    learner.reset()
    assert not learner.active and torch.equal(learner.adapt(h), h)


def test_marks_steer_the_next_rounds_away_from_what_was_rejected(tmp_path: Path) -> None:
    """After rejecting high notes and keeping low ones, the steered model gives the rejected pitches less
    probability, and the kept ones more relative to them, where it writes the next round. (The toy's
    random embeddings have no notion of register, so only these exact pitches can move.)"""
    piece, _ = read_piece(song_file(tmp_path / "song.mid"))
    piece = with_chords(piece)
    model = toy_model()
    learner = FeedbackLearner(model, TIMING, LearnerSettings(alpha=1.0, lr=0.02))  # a clear effect
    high, low = [80, 83, 86, 89], [28, 30, 32, 34]
    for start in (20.0, 24.0):
        rejected = [Note(start + i, 0.5, high[i], 100, Part.BASS) for i in range(4)]
        learner.observe(piece, Region(2, start, start + 4.0, (Part.BASS,)), rejected, rejected=True)
        kept = [Note(start - 16.0 + i, 0.5, low[i], 100, Part.BASS) for i in range(4)]
        learner.observe(piece, Region(2, start - 16.0, start - 12.0, (Part.BASS,)), kept, rejected=False)
    learner.learn()
    probs = {}
    for name, infiller in (("steered", Infiller(model, TIMING, learner.adapt)), ("plain", Infiller(model, TIMING))):
        window = infiller.open_window(region_context(piece, BASS_GAP), _Progress(BASS_GAP.start_beat))
        window.decoder.feed([V.EVENT_TIME + 20 * V.TICKS_PER_BEAT - 12, V.EVENT_DUR + 20], [1, 1])
        logits = window.decoder.logits(V.EVENT_NOTE + 3 * V.NUM_PITCHES, V.REST)
        probs[name] = torch.softmax(torch.from_numpy(logits), dim=-1)
    assert probs["steered"][high].sum() < 0.7 * probs["plain"][high].sum()
    ratio = {name: float(p[low].sum() / p[high].sum()) for name, p in probs.items()}
    assert ratio["steered"] > 1.5 * ratio["plain"]  # kept relative to rejected: up


def test_later_rounds_choose_among_the_drafts_not_shown_before(session: CompositionSession,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    offered: list[list[tuple[float, int]]] = []

    def low_first(piece: object, region: Region, content: list[Note]) -> float:  # lowest mean pitch wins
        offered[-1].append((content[0].beat, content[0].pitch) if content else (0.0, 0))
        return -sum(n.pitch for n in content) / max(1, len(content))

    monkeypatch.setattr(session.learner, "preference", low_first)
    mark = Mark(2, 20.0, 28.0)
    shown = []
    for seed in (1, 2, 3):
        offered.append([])
        version = session.regenerate([mark], SamplingParams(seed=seed))
        shown.append(inside(version.piece.tracks[2].notes, 20.0, 28.0))
    assert [len(o) for o in offered] == [2, 3, 4]  # 2 candidates a round, plus the ones not chosen before
    pools = list(session.spare.values())
    assert len(pools) == 1 and len(pools[0]) == 3 and not any(s in pools[0] for s in shown)  # shown: never again
    mean = [sum(n.pitch for n in notes) / len(notes) for notes in shown]
    assert all(-m >= max(-sum(n.pitch for n in d) / len(d) for d in pools[0]) for m in mean[-1:])
    session.regenerate([Mark(2, 16.0, 20.0)], SamplingParams(seed=4))  # the context of bars 6-7 changed
    offered.append([])
    session.regenerate([mark], SamplingParams(seed=5))
    assert len(offered[-1]) == 2  # drafts of another context are not offered
    session.reset_learning()
    assert not session.spare


def test_a_session_file_continues_exactly(session: CompositionSession, tmp_path: Path) -> None:
    session.regenerate([Mark(2, 20.0, 24.0)], SamplingParams(seed=5))
    compose_store.save(session, tmp_path / "s.json", "toy")
    loaded = compose_store.load(compose_store.read(tmp_path / "s.json"), toy_model(), TIMING)
    assert [v.piece for v in loaded.versions] == [v.piece for v in session.versions]
    assert loaded.current == session.current and loaded.learner.rounds == session.learner.rounds
    assert loaded.learner.state() == session.learner.state()
    ours = session.regenerate([Mark(2, 24.0, 28.0)], SamplingParams(seed=6))
    theirs = loaded.regenerate([Mark(2, 24.0, 28.0)], SamplingParams(seed=6))
    assert theirs.piece == ours.piece
    (tmp_path / "junk.json").write_text("{}")
    with pytest.raises(CompositionError, match="not a Sideman composition session"):
        compose_store.read(tmp_path / "junk.json")


def _cli(kind: str, argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    (add_infill_arguments if kind == "infill" else add_regenerate_arguments)(parser)
    args = parser.parse_args(argv)
    return (run_infill if kind == "infill" else run_regenerate)(args)


def test_cli_regenerate_undo_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "toy.safetensors"
    save_checkpoint(model, toy_model(), TIMING)
    song = song_file(tmp_path / "song.mid")
    _cli("infill", [str(song), "--track", "Bass", "--bars", "5-8", "--model", str(model), "--seed", "1"])
    state = tmp_path / "song-filled.session.json"
    assert _cli("regenerate", [str(state), "--track", "Bass", "--bars", "6", "--seed", "2"]) == 0
    assert (tmp_path / "song-filled-v1.mid").exists()
    assert _cli("regenerate", [str(state), "--undo"]) == 0
    capsys.readouterr()
    assert _cli("regenerate", [str(state), "--history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("<- current") and lines[1].startswith("version 1: regenerate from 0 (track 3 bar 6)")
    with pytest.raises(CompositionError, match="mark what to regenerate"):
        _cli("regenerate", [str(state)])
    with pytest.raises(CompositionError, match="the piece has 12 bars"):
        _cli("regenerate", [str(state), "--track", "Bass", "--bars", "12-14"])


def test_satisfaction_and_interaction_cost() -> None:
    assert satisfaction(2.0, 1.0) == 0.5 and satisfaction(1.0, 2.0) == -0.5 and satisfaction(0.0, 0.0) == 0.0
    assert interaction_cost([0.0, 0.05, 0.2, 0.3], 0.1) == 3 and interaction_cost([0.0, 0.05], 0.1) == 3
    on, off = FeedbackResult(), FeedbackResult()
    on.distances = {"model": [1.0, 1.0, 0.8, 0.7], "features": [1.0, 1.0, 1.0, 1.0]}  # SS 0, 0.2, 0.3
    off.distances = {"model": [1.0, 1.1, 1.0, 0.95], "features": [1.0, 1.0, 1.0, 1.0]}  # SS -0.09, 0, 0.05
    figures = summarise_feedback([{"on": on, "off": off}], 3, 0.1)
    row, base = figures["systems"]["on"]["model"], figures["systems"]["off"]["model"]
    assert row["ic"] == 2 and base["ic"] == 4 and row["ric"] == pytest.approx(-0.5)
    assert row["ss_stop"] == pytest.approx(0.2) and base["ss_stop"] == pytest.approx(0.05)
    assert row["ius"] == pytest.approx(3.0) and base["ius"] == 0.0
    assert figures["systems"]["on"]["features"]["ic"] == 4  # never satisfied: rounds + 1


def test_simulated_user_runs_rounds(session: CompositionSession) -> None:
    piece = session.base
    result = feedback_test(toy_model(), TIMING, piece, Region(2, 20.0, 24.0, (Part.BASS,)),
                           Region(2, 36.0, 40.0, (Part.BASS,)), SamplingParams(seed=3), 2, learning=True)
    assert len(result.distances["model"]) == 3 and len(result.ss()) == 2 and all(-1 <= s <= 1 for s in result.ss())
    assert all(d >= 0 for d in result.distances["model"])  # the toy's states are constant: often 0
    assert all(d > 0 for d in result.distances["features"]) and len(result.learn_seconds) == 2
    assert features(piece, Region(2, 36.0, 40.0, (Part.BASS,)))[-1] == pytest.approx(2 / 4 / 4)


def test_a_test_set_names_its_regions_and_the_report_counts_unreachable_tests(session: CompositionSession) -> None:
    import random

    from agent.cli import build_parser
    from agent.compose.evaluate import feedback_test_set, format_feedback

    args = build_parser().parse_args(["compose-eval", "--tests-per-piece", "2", "--rounds", "1", "--candidates", "2",
                                      "--drafts", "1", "--reprises", "0"])
    made = feedback_test_set(toy_model(), TIMING, session.base, args, random.Random(0), SamplingParams(seed=1), 0)
    assert len(made) == 2
    for dis, neu, systems in made:
        assert dis.track == neu.track and (neu.end_beat <= dis.start_beat or neu.start_beat >= dis.end_beat)
        assert set(systems) == {"feedback learning", "off"} and all(len(r.distances["features"]) == 2
                                                                     for r in systems.values())
    figures = summarise_feedback([systems for _, _, systems in made], 1, 0.1) | {"pieces": 1}
    unreachable = sum(systems["off"].distances["features"][0] == 0.0 for _, _, systems in made)
    assert figures["systems"]["off"]["features"]["unreachable"] == unreachable
    assert (f"tests whose round 0 already matched the kept part (D_0 = 0: no round can satisfy them): "
            f"{figures['systems']['off']['model']['unreachable']} by the model, {unreachable} by the features"
            in format_feedback(figures))
    assert format_feedback(summarise_feedback([], 1, 0.1) | {"pieces": 0, "asked": 0}) == "feedback: not run (--feedback-pieces 0)"
    assert "no held-out piece" in format_feedback(summarise_feedback([], 1, 0.1) | {"pieces": 0, "asked": 5})


def test_accept_learns_first_version_against_the_current(session: CompositionSession) -> None:
    assert session.accept() is None  # version 0: nothing to compare yet
    session.regenerate([Mark(2, 20.0, 24.0)], SamplingParams(seed=2))
    rounds = session.learner.rounds
    stats = session.accept()
    assert stats is not None and session.learner.rounds == rounds + 1
    assert (0, session.regions[0], True) in session.observations
    assert (1, session.regions[0], False) in session.observations


def test_kept_material_is_the_music_around_a_mark_when_the_rest_of_the_region_is_silent(
        session: CompositionSession) -> None:
    """Marking every note of a fill whose leftover is silent still teaches the learner: the equally long
    stretches before and after the mark stand in for what is kept (a silent leftover used to count,
    so nothing was learned)."""
    import dataclasses

    piece = session.version.piece
    bass = piece.tracks[2]
    silent_tail = [n for n in bass.notes if not 24.0 <= n.beat < 32.0]  # the fill's second half emptied
    piece = dataclasses.replace(piece, tracks=(*piece.tracks[:2], dataclasses.replace(bass, notes=tuple(silent_tail)),
                                               *piece.tracks[3:]))
    kept = session.kept_regions(piece, [Region(2, 16.0, 24.0, (Part.BASS,))])
    assert kept and all(r.track == 2 and inside(piece.tracks[2].notes, r.start_beat, r.end_beat) for r in kept)
    assert {(r.start_beat, r.end_beat) for r in kept} <= {(8.0, 16.0), (24.0, 32.0)}
    assert (8.0, 16.0) in {(r.start_beat, r.end_beat) for r in kept}


@pytest.mark.parametrize("field, value", [("critic", "nearest"), ("choose", "best"), ("mode", "likelyhood")])
def test_a_wrong_learner_setting_is_named(field: str, value: str) -> None:
    wrong: dict[str, Any] = {field: value}
    with pytest.raises(ValueError, match=f"{field}='{value}'"):
        LearnerSettings(**wrong)
