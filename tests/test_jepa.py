"""JEP-AGA: frames, the encoders and their loss, the conditioning table, checkpoints, the conditioned
infiller, the interaction learner (Eq. 2, 3) and the compose stage, on tiny models."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
from compose_fakes import TINY, song_file, toy_model

from agent.compose import store as compose_store
from agent.compose.feedback import LearnerSettings
from agent.compose.infill import Infiller, continuation_surprise
from agent.compose.jepa import (
    JepaLearner,
    distances_to,
    oracle,
    predict,
    region_frames,
    with_content,
)
from agent.compose.piece import Piece, Region, TrackRequest, heard_here, inside, read_piece, resolve
from agent.compose.session import CompositionSession, Mark, nearest_draft
from agent.live.generator import SamplingParams
from agent.model import jepa as J
from agent.model import vocab as V
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import load_checkpoint, save_checkpoint
from agent.model.network import MusicTransformer
from agent.music.events import Note, Part

SMALL = J.JepaConfig(n_frames=48, width=16, n_head=2)
TIMING = TimingSettings()


@pytest.fixture
def piece(tmp_path: Path) -> Piece:
    piece, _ = read_piece(song_file(tmp_path / "song.mid", gap=(99, 99)))  # the bass plays throughout
    return piece


def bass_region(piece: Piece, start: float = 16.0, end: float = 24.0) -> Region:
    return Region(next(i for i, t in enumerate(piece.tracks) if t.name == "Bass"), start, end, (Part.BASS,))


def conditioned_model(jepa: J.JointEmbedding) -> MusicTransformer:
    """The toy model with a conditioning input (a random projection) and its final hidden state let
    through a little (the toy's is a constant: no input could matter)."""
    model = MusicTransformer(dataclasses.replace(TINY, cond_dim=jepa.config.cond_dim))
    model.load_state_dict(toy_model().state_dict(), strict=False)
    assert model.cond_proj is not None
    with torch.no_grad():
        model.cond_proj.weight.normal_(0.0, 0.3)
        model.ln_f.weight.fill_(0.5)
    J.attach(model, jepa)
    return model.eval()


def encoders() -> J.JointEmbedding:
    torch.manual_seed(0)
    return J.JointEmbedding(SMALL).eval()


def test_frames_put_each_note_in_its_beat_and_flag_the_region(piece: Piece) -> None:
    region = bass_region(piece)
    frames = region_frames(piece, region, SMALL)
    assert frames.start_beat == 0.0 and frames.features.shape == (SMALL.n_frames, J.NUM_FEATURES)
    assert frames.masked.nonzero()[0].tolist() == list(range(16, 24))
    bass = piece.tracks[region.track].notes
    onset_beats = {int(n.beat) for n in bass if n.beat < SMALL.n_frames}
    has_onset = set(np.flatnonzero(frames.features[:, 35] > 0).tolist())  # the onset-count slot
    assert has_onset == onset_beats
    low = bass[0]
    assert frames.features[int(low.beat), 12 + low.pitch % 12] > 0  # its pitch class, in its beat
    assert frames.bar_pos[:8].tolist() == [0, 1, 2, 3, 0, 1, 2, 3]


def with_region_rewritten(piece: Piece, region: Region) -> Piece:
    """`piece` with the region's own notes replaced by one low bass note."""
    track = piece.tracks[region.track]
    return piece.replace_notes(region.track, [*(n for n in track.notes if not region.contains(n.beat)),
                                              Note(17.0, 2.0, 30, 100, Part.BASS)])


def test_the_context_encoder_never_reads_the_masked_notes(piece: Piece) -> None:
    jepa = encoders()
    region = bass_region(piece)
    track = piece.tracks[region.track]
    changed = with_region_rewritten(piece, region)
    same = predict(jepa, piece, region).predicted
    torch.testing.assert_close(predict(jepa, changed, region).predicted, same)  # inside: unseen
    outside = piece.replace_notes(region.track, [n for n in track.notes if n.beat >= 8.0])
    assert not torch.allclose(predict(jepa, outside, region).predicted, same)  # outside: context
    batch = J.stack([region_frames(piece, region, SMALL), region_frames(changed, region, SMALL)])
    targets = jepa.targets(batch)
    assert not torch.allclose(targets[0], targets[1])  # the target encoder reads the complete music


def test_the_past_the_encoders_read_is_a_setting(piece: Piece) -> None:
    region = bass_region(piece, 32.0, 40.0)
    assert region_frames(piece, region, SMALL).start_beat == 0.0  # 32 beats of past by default
    longer = dataclasses.replace(SMALL, n_frames=64, past_beats=24)
    frames = region_frames(piece, region, longer)
    assert frames.start_beat == 8.0 and frames.masked.nonzero()[0].tolist() == list(range(24, 32))
    with pytest.raises(ValueError, match="past_beats"):
        J.JepaConfig(n_frames=32, past_beats=32)  # no frame left for the region


def test_the_oracle_is_the_target_representation_of_the_real_region(piece: Piece) -> None:
    jepa = encoders()
    region = bass_region(piece)
    changed = with_region_rewritten(piece, region)
    real = oracle(jepa, piece, region)
    expected = jepa.standardise(jepa.targets(J.stack([region_frames(piece, region, SMALL)]))[0])
    torch.testing.assert_close(real.predicted, expected)
    assert not torch.allclose(oracle(jepa, changed, region).predicted, real.predicted)  # it reads the region
    table = real.table(origin=8.0)
    assert table.shape == (V.WINDOW_BEATS, SMALL.cond_dim) and np.abs(table[8:16]).sum() > 0


def test_drafts_are_measured_against_the_prediction_or_a_reference(piece: Piece) -> None:
    jepa = encoders()
    region = bass_region(piece)
    real = inside(piece.tracks[region.track].notes, region.start_beat, region.end_beat)
    other = [Note(16.0 + k, 0.25, 30, 100, Part.BASS) for k in range(8)]
    by_real = distances_to(jepa, piece, region, [other, real], reference=real)
    assert by_real[1] == pytest.approx(0.0, abs=1e-9) and by_real[0] > 0  # the reference itself is nearest
    by_prediction = distances_to(jepa, piece, region, [real, other])
    assert by_prediction[0] == pytest.approx(float(jepa.parts(J.stack([region_frames(piece, region, SMALL)]))[0]["jepa"].detach()))
    assert by_prediction[0] != pytest.approx(by_prediction[1])


def test_the_predictor_learns_and_the_target_follows_by_ema(piece: Piece) -> None:
    jepa = encoders().train()
    batch = J.stack([region_frames(piece, bass_region(piece, s, s + 8), SMALL) for s in (8.0, 16.0, 28.0)])
    optimiser = torch.optim.Adam([*jepa.context.parameters(), *jepa.predictor.parameters(),
                                  *jepa.decoder.parameters()], lr=3e-3)
    first = float(jepa.loss(batch)[0].detach())
    for _ in range(30):
        loss, _ = jepa.loss(batch)
        optimiser.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        optimiser.step()
    assert float(jepa.loss(batch)[0].detach()) < 0.5 * first
    before = [p.clone() for p in jepa.target.parameters()]
    jepa.update_target(0.5)
    for old, new, ctx in zip(before, jepa.target.parameters(), jepa.context.parameters(), strict=True):
        torch.testing.assert_close(new, (old + ctx) / 2)


def test_the_conditioning_table_conditions_only_the_steps_that_write_the_region() -> None:
    predicted = torch.randn(48, 16)
    masked = torch.zeros(48, dtype=torch.bool)
    masked[20:28] = True
    table = J.cond_table(predicted, masked, start_beat=4.0, origin=12.0, beats=V.WINDOW_BEATS)
    assert table.shape == (V.WINDOW_BEATS, 32)
    # window beat k is frame k + 8: the region's frames 20-27 are window beats 12-19; beat 11 leads in
    torch.testing.assert_close(table[11:20, :16], predicted[20:28].mean(0).expand(9, 16))
    torch.testing.assert_close(table[12:20, 16:], predicted[20:28])
    assert table[11, 16:].abs().sum() == 0 and table[:11].abs().sum() == 0 and table[20:].abs().sum() == 0
    later = J.cond_table(predicted, masked, start_beat=4.0, origin=40.0, beats=V.WINDOW_BEATS)
    assert later.abs().sum() == 0  # a window after the region: nothing to condition


def test_a_checkpoint_carries_the_encoders_and_an_old_one_loads_without(tmp_path: Path) -> None:
    jepa = encoders()
    model = conditioned_model(jepa)
    path = tmp_path / "compose.safetensors"
    save_checkpoint(path, model, TIMING, {"step": 1}, (J.state_tensors(jepa), J.metadata(jepa)))
    loaded, _, _ = load_checkpoint(path)
    found = J.encoders_of(loaded)
    assert found is not None and found.config == SMALL
    for a, b in zip(found.state_dict().values(), jepa.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b)
    plain = tmp_path / "plain.safetensors"
    save_checkpoint(plain, toy_model(), TIMING)
    assert J.encoders_of(load_checkpoint(plain)[0]) is None


def test_the_conditioned_infiller_reads_the_prediction(piece: Piece) -> None:
    jepa = encoders()
    model = conditioned_model(jepa)
    region = bass_region(piece)
    cleared = piece.replace_notes(region.track, [n for n in piece.tracks[region.track].notes if not region.contains(n.beat)])
    on = CompositionSession(model, TIMING, cleared, [region])
    off = CompositionSession(model, TIMING, cleared, [region], conditioned=False)
    assert isinstance(on.learner, JepaLearner) and on.infiller.condition is not None
    assert off.infiller.condition is None
    params = SamplingParams(seed=3)
    notes_on = on.infill(params).piece.tracks[region.track].notes
    notes_off = off.infill(params).piece.tracks[region.track].notes
    assert on.infiller.prediction is not None and inside(notes_on, 16.0, 24.0)
    assert notes_on != notes_off  # the same seed: only the conditioning differs


@pytest.mark.parametrize("critic", ["prediction", "continuation"])
def test_without_feedback_the_draft_the_critic_prefers_is_kept(piece: Piece, critic: str) -> None:
    jepa = encoders()
    model = conditioned_model(jepa)
    region = bass_region(piece)
    cleared = piece.replace_notes(region.track, [n for n in piece.tracks[region.track].notes if not region.contains(n.beat)])
    session = CompositionSession(model, TIMING, cleared, [region],
                                 settings=LearnerSettings(drafts=3, reprises=0, critic=critic))
    chosen = inside(session.infill(SamplingParams(seed=3)).piece.tracks[region.track].notes, 16.0, 24.0)
    drafts = []
    for k in range(3):  # a new session each: a session's later rounds have seeds of their own
        single = CompositionSession(model, TIMING, cleared, [region], settings=LearnerSettings(drafts=1, reprises=0))
        drafts.append(inside(single.infill(SamplingParams(seed=3 + 7 * k)).piece.tracks[region.track].notes, 16.0, 24.0))
    distances = (distances_to(jepa, cleared, region, drafts) if critic == "prediction"
                 else continuation_surprise(model, TIMING, cleared, region, drafts))
    assert len({str(d) for d in drafts}) > 1 and len(set(distances)) == len(drafts)  # the choice matters
    assert chosen == drafts[int(np.argmin(distances))]
    # regenerating without feedback writes one draft: the same as a session that never drafts several
    off = CompositionSession(model, TIMING, cleared, [region], learning=False, settings=LearnerSettings(drafts=3))
    plain = CompositionSession(model, TIMING, cleared, [region], learning=False, settings=LearnerSettings(drafts=1, reprises=0))
    mark = Mark(region.track, 16.0, 24.0)
    for s in (off, plain):
        s.infill(SamplingParams(seed=3))
    assert (off.regenerate([mark], SamplingParams(seed=5)).piece.tracks[region.track].notes
            != off.versions[0].piece.tracks[region.track].notes)
    assert inside(off.version.piece.tracks[region.track].notes, 16.0, 24.0) == inside(
        plain.regenerate([mark], SamplingParams(seed=5)).piece.tracks[region.track].notes, 16.0, 24.0)


@pytest.mark.parametrize("budget, expected", [(0, 4), (10**6, 4), (1, 1)])
def test_a_fill_writes_drafts_within_its_notes_budget(piece: Piece, budget: int, expected: int) -> None:
    jepa = encoders()
    model = conditioned_model(jepa)
    region = bass_region(piece)
    cleared = piece.replace_notes(region.track, [n for n in piece.tracks[region.track].notes if not region.contains(n.beat)])
    infiller = Infiller(model, TIMING, condition=lambda p, r: predict(jepa, p, r))
    best, written, _ = nearest_draft(infiller, lambda p, r, w: distances_to(jepa, p, r, w), cleared, region,
                                  SamplingParams(seed=3), LearnerSettings(drafts=4, draft_notes=budget))
    assert written == expected and best  # 0: no limit; 1 note: the first draft alone
    one = infiller.fill(cleared, region, SamplingParams(seed=3))
    per_draft = len(one)
    limit = per_draft * 2  # room for two drafts like the first (8 beats: the budget is per 4 bars, x1)
    assert nearest_draft(infiller, lambda p, r, w: distances_to(jepa, p, r, w), cleared, region, SamplingParams(seed=3),
                         LearnerSettings(drafts=4, draft_notes=limit), first=one)[1] in (2, 3)


def test_a_fill_offers_the_reprises_to_the_critic_and_keeps_the_rest(piece: Piece, monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.compose import session as S

    jepa = encoders()
    model = conditioned_model(jepa)
    region = bass_region(piece)
    cleared = piece.replace_notes(region.track, [n for n in piece.tracks[region.track].notes if not region.contains(n.beat)])
    reprise = [Note(16.0 + 2 * k, 2.0, 40, 90, Part.BASS) for k in range(4)]
    asked: list[tuple[float, float, int]] = []

    def found(p: Piece, r: Region, limit: int) -> list[list[Note]]:
        asked.append((r.start_beat, r.end_beat, limit))
        return [reprise]

    monkeypatch.setattr(S, "reprises", found)
    for nearest_is_reprise in (True, False):
        session = CompositionSession(model, TIMING, cleared, [region],
                                     settings=LearnerSettings(drafts=2, draft_notes=0, critic="prediction"))
        assert isinstance(session.learner, JepaLearner)
        monkeypatch.setattr(session.learner, "distances", lambda p, r, drafts, want=nearest_is_reprise: [
            (0.0 if want else 2.0) if d == reprise else 1.0 + 0.01 * i for i, d in enumerate(drafts)])
        chosen = inside(session.infill(SamplingParams(seed=3)).piece.tracks[region.track].notes, 16.0, 24.0)
        spare = [d for pool in session.spare.values() for d in pool]
        if nearest_is_reprise:
            assert chosen == reprise and len(spare) == 2 and reprise not in spare  # both drafts wait
        else:
            assert chosen != reprise and spare[-1] == reprise and len(spare) == 2  # a draft and the reprise, last
    assert asked == [(16.0, 24.0, 2), (16.0, 24.0, 2)]


def test_a_fill_keeps_music_over_silence_whatever_the_critic_says(piece: Piece) -> None:
    from agent.compose.session import ranked_candidates

    region = bass_region(piece)
    some = [Note(16.0, 1.0, 40, 90, Part.BASS)]
    other = [Note(17.0, 1.0, 43, 90, Part.BASS)]
    best, rest = ranked_candidates(lambda p, r, c: [0.0, 2.0, 1.0], piece, region, [[], some, other])
    assert best == other and rest == [some, []]  # silence last, the rest by the critic
    assert ranked_candidates(lambda p, r, c: [0.0, 1.0], piece, region, [[], []])[0] == []  # nothing else to offer


class _Scripted:
    """An infiller whose fills come from a list (what each seed is asked for is recorded)."""

    def __init__(self, fills: list[list[Note]]) -> None:
        self.fills: list[list[Note]] = fills
        self.seeds: list[int | None] = []

    def fill(self, piece: Piece, region: Region, params: SamplingParams) -> list[Note]:
        self.seeds.append(params.seed)
        return self.fills[len(self.seeds) - 1]


def test_silent_drafts_are_written_again_until_one_has_notes(piece: Piece) -> None:
    from agent.compose.session import SILENT_RETRIES, write_drafts

    region = bass_region(piece)
    some = [Note(16.0, 1.0, 40, 90, Part.BASS)]
    scripted = _Scripted([[], [], some, some])
    assert write_drafts(scripted, piece, region, SamplingParams(seed=3), 1, 0) == [[], [], some]  # type: ignore[arg-type]
    assert scripted.seeds == [3, 10, 17]  # each try a seed of its own
    scripted = _Scripted([[]] * 10)  # a region that stays silent: bounded
    assert write_drafts(scripted, piece, region, SamplingParams(seed=3), 2, 0) == [[]] * (2 + SILENT_RETRIES)  # type: ignore[arg-type]
    scripted = _Scripted([some, []])  # music at once: nothing more is written
    assert write_drafts(scripted, piece, region, SamplingParams(seed=3), 1, 0) == [some]  # type: ignore[arg-type]


def test_one_draft_that_comes_back_silent_is_written_again(piece: Piece) -> None:
    region = bass_region(piece)
    cleared = piece.replace_notes(region.track, [n for n in piece.tracks[region.track].notes if not region.contains(n.beat)])
    session = CompositionSession(toy_model(), TIMING, cleared, [region], settings=LearnerSettings(drafts=1, reprises=0))
    some = [Note(16.0, 1.0, 40, 90, Part.BASS)]
    session.infiller = _Scripted([[], some])  # type: ignore[assignment]
    assert inside(session.infill(SamplingParams(seed=3)).piece.tracks[region.track].notes, 16.0, 24.0) == some


def test_learner_settings_out_of_range_are_named() -> None:
    for name, bad, message in (("drafts", 0, "drafts=0: must be at least 1"), ("reprises", -1, "reprises=-1"),
                               ("candidates", 0, "candidates=0")):
        with pytest.raises(ValueError, match=message):
            dataclasses.replace(LearnerSettings(), **{name: bad})  # type: ignore[arg-type]


def test_ranks_of_two_scores_are_summed() -> None:
    from agent.compose.session import _rank_sum

    assert _rank_sum([0.1, 0.9, 0.5], [3.0, 1.0, 2.0]) == [2.0, 2.0, 2.0]
    assert _rank_sum([0.1, 0.9, 0.5], [1.0, 3.0, 2.0]) == [0.0, 4.0, 2.0]


def test_with_feedback_the_choice_reads_both_encoders(piece: Piece, monkeypatch: pytest.MonkeyPatch) -> None:
    jepa = encoders()
    model = conditioned_model(jepa)
    region = bass_region(piece)
    chosen = {}
    for choose in ("kept", "kept+generator"):
        session = CompositionSession(model, TIMING, piece, [region],
                                     settings=LearnerSettings(drafts=1, reprises=0, candidates=3, choose=choose))
        session.infill(SamplingParams(seed=1))
        assert isinstance(session.learner, JepaLearner)
        monkeypatch.setattr(session.learner, "preferences",  # most notes first
                            lambda p, r, drafts: [float(len(n)) for n in drafts])
        readings = session._generator_nearness
        seen: list[list[float]] = []

        def spy(p: Piece, r: Region, key: str, pool: list[list[Note]], seen: list[list[float]] = seen,
                readings: Callable[..., list[float]] = readings) -> list[float]:
            seen.append(readings(p, r, key, pool))
            return seen[-1]

        monkeypatch.setattr(session, "_generator_nearness", spy)
        version = session.regenerate([Mark(region.track, 16.0, 24.0)], SamplingParams(seed=2))
        chosen[choose] = inside(version.piece.tracks[region.track].notes, 16.0, 24.0)
        assert len(seen) == (choose == "kept+generator")
        if seen:
            assert len(seen[0]) == 3 and all(-1.0 - 1e-6 <= v <= 1.0 + 1e-6 for v in seen[0])
            assert session._readings and all(key[0] in session.spare for key in session._readings)
    assert all(chosen.values())


def test_the_learner_pushes_the_marked_prediction_away_and_resets(piece: Piece) -> None:
    jepa = encoders()
    learner = JepaLearner(jepa, LearnerSettings(pull=0.0))  # Eq. 2 alone (the pull: the next test)
    dis, neu = bass_region(piece, 16.0, 24.0), bass_region(piece, 32.0, 40.0)
    for region, rejected in ((dis, True), (neu, False)):
        learner.observe(piece, region, inside(piece.tracks[region.track].notes, region.start_beat, region.end_beat),
                        rejected)
    before, _ = learner.loss()
    stats = learner.learn()
    assert stats is not None and stats.loss_after < stats.loss_before and stats.adapter_norm > 0
    assert float(learner.loss()[0].detach()) < float(before.detach())
    moved = learner.predict(piece, dis).predicted
    assert not torch.allclose(moved, predict(jepa, piece, dis).predicted)
    learner.reset()
    torch.testing.assert_close(learner.predict(piece, dis).predicted, predict(jepa, piece, dis).predicted)
    assert not learner.active and not learner.rejected


def test_kept_material_is_heard_in_the_marked_place_repeated_and_clipped() -> None:
    kept = [Note(32.0, 1.0, 40, 90, Part.BASS), Note(33.5, 3.0, 43, 80, Part.BASS)]  # two beats of material
    moved = heard_here(kept, Region(1, 32.0, 34.0, (Part.BASS,)), Region(1, 17.0, 22.0, (Part.BASS,)))
    assert [(n.beat, n.dur_beats, n.pitch) for n in moved] == [
        (17.0, 1.0, 40), (18.5, 3.0, 43), (19.0, 1.0, 40), (20.5, 1.5, 43), (21.0, 1.0, 40)]  # clipped at 22
    assert heard_here(kept, Region(1, 32.0, 32.0, (Part.BASS,)), Region(1, 17.0, 22.0, (Part.BASS,))) == []


def test_the_pull_moves_the_marked_prediction_towards_the_kept_material_heard_there(piece: Piece) -> None:
    jepa = encoders()
    dis, neu = bass_region(piece, 16.0, 24.0), bass_region(piece, 32.0, 40.0)
    # the rejected material: one low note held through the region; the kept: the piece's own bass line
    rejected = [Note(16.0, 8.0, 28, 100, Part.BASS)]
    marked = with_content(piece, dis, rejected)
    distances = {}
    for pull in (0.0, 1.0):
        learner = JepaLearner(jepa, LearnerSettings(pull=pull, steps=20))
        learner.observe(marked, dis, rejected, True)
        learner.observe(marked, neu, inside(marked.tracks[neu.track].notes, 32.0, 40.0), False)
        targets = learner.pull_targets()
        start = float(learner.pull_distance(targets).detach()) if targets is not None else None
        learner.learn()
        targets = learner.pull_targets()
        assert (targets is None) == (pull == 0.0)  # the pull off: nothing to pull towards
        if targets is not None:
            distances[pull] = (start, float(learner.pull_distance(targets).detach()))
    start, end = distances[1.0]
    assert start is not None and end < start - 1e-3  # the prediction moved towards the kept material heard there


def test_with_feedback_the_draft_nearest_the_kept_material_heard_there_is_chosen(piece: Piece) -> None:
    jepa = encoders()
    learner = JepaLearner(jepa)
    dis, neu = bass_region(piece, 16.0, 24.0), bass_region(piece, 32.0, 40.0)
    kept_notes = inside(piece.tracks[neu.track].notes, 32.0, 40.0)
    learner.observe(piece, neu, kept_notes, False)
    learner.observe(piece, dis, [Note(16.0, 8.0, 28, 100, Part.BASS)], True)
    like_kept = heard_here(kept_notes, neu, dis)
    unlike = [Note(16.0 + k, 0.25, 70 + k, 60, Part.BASS) for k in range(8)]  # high, short: not the bass line
    scores = [learner.preference(with_content(piece, dis, c), dis, c) for c in (like_kept, unlike)]
    assert scores[0] > scores[1] and abs(scores[0] - 1.0) < 1e-4  # the kept material itself: cosine 1
    margin = JepaLearner(jepa, LearnerSettings(choose="margin"))
    margin.rejected, margin.kept = learner.rejected, learner.kept
    assert margin.preference(with_content(piece, dis, unlike), dis, unlike) != scores[1]  # Eq. 2's margin: another score


@pytest.mark.parametrize("kept_drafts", [0, 2])
def test_with_feedback_kept_drafts_are_written_as_the_kept_material_heard_there(
        piece: Piece, kept_drafts: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.compose import session as compose_session

    jepa = encoders()
    model = conditioned_model(jepa)
    dis, neu = bass_region(piece, 16.0, 24.0), bass_region(piece, 32.0, 40.0)
    settings = LearnerSettings(drafts=1, reprises=0, candidates=2, kept_drafts=kept_drafts, kept_trust=0.5)
    session = CompositionSession(model, TIMING, piece, [dis], settings=settings)
    session.infill(SamplingParams(seed=1))
    learner = session.learner
    assert isinstance(learner, JepaLearner) and session.kept_infiller is not None
    calls: list[tuple[object, int, int | None]] = []
    original = compose_session.write_drafts

    def spy(infiller: Infiller, p: Piece, r: Region, params: SamplingParams, count: int, budget: int,
            first: list[Note] | None = None) -> list[list[Note]]:
        calls.append((infiller, count, params.seed))
        return original(infiller, p, r, params, count, budget, first)

    pools: list[int] = []
    preferences = learner.preferences
    monkeypatch.setattr(compose_session, "write_drafts", spy)

    def counted(p: Piece, r: Region, pool: list[list[Note]]) -> list[float]:
        pools.append(len(pool))
        return preferences(p, r, pool)

    monkeypatch.setattr(learner, "preferences", counted)
    session.regenerate([Mark(dis.track, 16.0, 24.0)], SamplingParams(seed=2), kept=[neu])
    if kept_drafts:  # at most all candidates but one
        assert [(c[0], c[1]) for c in calls] == [(session.infiller, 1), (session.kept_infiller, 1)]
        assert calls[1][2] != calls[0][2]  # seeds of their own
        assert pools[0] >= 2  # both kinds are candidates
    else:
        assert [(c[0], c[1]) for c in calls] == [(session.infiller, 2)]
    # what the kept drafts are conditioned on: the kept material heard in the marked place, at kept_trust
    wanted = learner.kept_prediction(session.version.piece, dis)
    torch.testing.assert_close(wanted.predicted, 0.5 * learner.kept_here(session.version.piece, dis))
    frames = J.stack([region_frames(session.version.piece, dis, jepa.config)])
    assert torch.equal(wanted.masked, frames.masked[0])


def test_the_generator_reads_the_learners_change_at_its_gain(piece: Piece) -> None:
    jepa = encoders()
    dis, neu = bass_region(piece, 16.0, 24.0), bass_region(piece, 32.0, 40.0)
    learners = [JepaLearner(jepa, LearnerSettings(moved_gain=gain)) for gain in (1.0, 3.0)]
    for learner in learners:
        for region, rejected in ((dis, True), (neu, False)):
            learner.observe(piece, region, inside(piece.tracks[region.track].notes, region.start_beat,
                                                  region.end_beat), rejected)
        learner.learn()
    base = predict(jepa, piece, dis).predicted
    moved = learners[0].predict(piece, dis).predicted  # gain 1: the moved prediction itself
    torch.testing.assert_close(moved, predict(learners[0].jepa, piece, dis).predicted)
    torch.testing.assert_close(learners[1].predict(piece, dis).predicted, base + 3.0 * (moved - base))
    learners[1].reset()
    torch.testing.assert_close(learners[1].predict(piece, dis).predicted, base)  # nothing learned: no change


def test_sessions_learn_on_the_encoders_and_files_continue_exactly(tmp_path: Path) -> None:
    jepa = encoders()
    model = conditioned_model(jepa)
    piece, template = read_piece(song_file(tmp_path / "song.mid"))
    piece, regions = resolve(piece, [TrackRequest("Bass", ((5, 8),))])
    session = CompositionSession(model, TIMING, piece, regions, template)
    session.infill(SamplingParams(seed=1))
    version = session.regenerate([Mark(regions[0].track, 20.0, 24.0)], SamplingParams(seed=2))
    assert version.learn is not None and session.learner.active
    path = tmp_path / "s.session.json"
    compose_store.save(session, path, "model")
    again = compose_store.load(compose_store.read(path), model, TIMING)
    assert isinstance(again.learner, JepaLearner) and again.learner.rounds == 1
    assert isinstance(session.learner, JepaLearner)
    for a, b in zip(again.learner.jepa.state_dict().values(), session.learner.jepa.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b)
    assert again.spare == session.spare and sorted(map(len, session.spare.values())) == [3, 9]
    # the fill: 4 drafts and no reprise, one shown; the regeneration: 4 silent drafts of the toy, 2 more
    # until one has notes, 4 conditioned on the kept material: 10 candidates, one shown
    mark = Mark(regions[0].track, 20.0, 24.0)
    assert (again.regenerate([mark], SamplingParams(seed=5)).piece == session.regenerate([mark], SamplingParams(seed=5)).piece)
    assert session.accept() is not None  # Eq. 3: first version against the current one


DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def test_the_compose_stage_trains_exports_and_resumes(tmp_path: Path) -> None:
    from agent.compose import stage
    from agent.training.datasets import load_corpus

    if not DATA.is_dir():
        pytest.skip(f"training data not found at {DATA}")
    songs = load_corpus(DATA, cache=tmp_path / "corpus.json.gz", limit=34)
    init = tmp_path / "gen.safetensors"
    save_checkpoint(init, toy_model(), TIMING, {"step": 7})
    settings = stage.StageSettings(steps=4, encoder_steps=3, batch=2, encoder_batch=4, eval_every=2, save_every=2,
                                   log_every=2, eval_cases=4, readout_cases=8, readout_steps=3, readout_batch=64)
    first = stage.Stage(init, songs, tmp_path / "run", settings, SMALL)
    (tmp_path / "run").mkdir()
    before = [p.clone() for p in first.jepa.parameters()]
    first.run(until=2, minutes=None)
    assert first.enc_step == 3  # phase 1 ran to its end, then the generator's steps
    frozen = [p.clone() for p in first.jepa.parameters()]
    assert any(not torch.equal(a, b) for a, b in zip(before, frozen, strict=True))
    assert float(first.jepa.rep_std.sub(1).abs().max()) > 0  # the standardisation was fixed
    model, _, info = load_checkpoint(tmp_path / "run" / "model.safetensors")
    assert J.encoders_of(model) is not None and info["step"] == 7 and info["compose_stage"]["step"] == 2
    assert set(info["compose_stage"]) >= {"heldout_region_loss", "heldout_region_loss_unconditioned",
                                          "heldout_region_loss_oracle", "heldout_jepa_loss"}
    again = stage.Stage(init, songs, tmp_path / "run", settings, SMALL)
    assert again.load_state() and again.step == 2
    for a, b in zip(again.jepa.state_dict().values(), first.jepa.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b)
    again.run(until=None, minutes=None)
    assert again.step == 4 and [(h["step"], h["readout"]) for h in again.history] == [(0, 0), (0, 1), (2, 1), (4, 1)]
    for a, b in zip(again.jepa.parameters(), frozen, strict=True):  # phase 2 leaves the encoders alone
        torch.testing.assert_close(a, b)
    assert again.model.cond_proj is not None and float(again.model.cond_proj.weight.detach().abs().max()) > 0


def test_the_cached_readout_is_the_conditioned_generator(tmp_path: Path) -> None:
    """Phase 2 fits the output slice on cached hidden states: its loss must be the network's own."""
    from agent.compose import stage

    piece, _ = read_piece(song_file(tmp_path / "song.mid", gap=(99, 99)))
    torch.manual_seed(3)
    jepa = encoders()
    model = MusicTransformer(dataclasses.replace(TINY, cond_dim=SMALL.cond_dim, cond_layers=0, cond_out=True)).eval()
    model.load_state_dict(toy_model().state_dict(), strict=False)
    model.ln_f.weight.data.fill_(0.5)  # the toy's final state is a constant otherwise
    cases = [stage.make_case(piece, bass_region(piece, a, a + 8.0), TIMING, SMALL, 8.0) for a in (16.0, 24.0)]
    positions = stage.region_positions(model, jepa, cases)
    weight = torch.randn(TINY.d_model, SMALL.cond_dim) * 0.1
    assert model.cond_proj is not None
    model.cond_proj.weight.data.copy_(weight)
    for source in ("target", "predicted"):
        cached = stage.readout_loss(model, weight, positions, source)
        direct = stage.region_loss(model, jepa, cases, [source] * len(cases))
        torch.testing.assert_close(cached, direct, atol=1e-4, rtol=1e-4)
    plain = stage.readout_loss(model, weight, positions, "zero")
    torch.testing.assert_close(plain, stage.region_loss(model, jepa, cases, ["zero"] * len(cases)), atol=1e-4, rtol=1e-4)
    assert abs(float(plain.detach()) - float(stage.readout_loss(model, weight, positions, "target").detach())) > 1e-3


def test_the_paired_interval_brackets_the_difference() -> None:
    from agent.compose.stage import paired_interval

    tokens = torch.full((40,), 10.0)
    base = torch.linspace(5.0, 15.0, 40)
    same = paired_interval(base, base, tokens)
    assert same == (0.0, 0.0, 0.0)
    better = base - 1.0 - 0.5 * torch.sin(torch.arange(40.0))  # 0.1 nats a token less, give or take
    diff, low, high = paired_interval(better, base, tokens)
    assert low < diff < high < 0 and abs(diff + 0.1) < 0.02


def test_compose_eval_adds_the_oracle_and_the_best_of_several_drafts(piece: Piece) -> None:
    from agent.compose.evaluate import Case, run_quality

    jepa = encoders()
    model = conditioned_model(jepa)
    region = bass_region(piece)
    case = Case("toy", piece, region, 8.0)
    table, seconds, drafted, written = run_quality(model, TIMING, [case], SamplingParams(seed=1), with_oracle=True,
                                                   drafts=3, settings=LearnerSettings(draft_notes=0))
    assert {"model", "model without JEP-AGA", "model, oracle representation", "model, best of 3 by the prediction",
            "model, best of 3 by the real region"} <= set(table)
    assert len(seconds) == len(drafted) == 1 and drafted[0] >= seconds[0] and written == [3]
    assert case.systems["model, best of 3 by the prediction"] in [
        case.systems["model"], *(Infiller(model, TIMING, condition=lambda p, r: predict(jepa, p, r)).fill(
            piece, region, SamplingParams(seed=1 + 7 * k)) for k in (1, 2))]
    with pytest.raises(ValueError, match="--oracle"):
        run_quality(toy_model(), TIMING, [case], SamplingParams(seed=1), with_oracle=True)
