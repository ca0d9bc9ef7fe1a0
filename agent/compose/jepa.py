"""JEP-AGA in composition: the predicted representation of a region, and the interaction learner on
the encoder-predictor (Hu et al., AAAI 2025, Eq. 2 and 3; the encoders: `agent.model.jepa`).

`predict` reads a piece with a region masked through the context encoder and predictor; the infiller
conditions the generator on the result (`Prediction.table`, one row per beat of a window).
`distances_to` measures finished drafts against the prediction (the session keeps the nearest of
several in a fill: `agent.compose.session`); `oracle` is the target representation of the real
region in the prediction's place (a diagnostic of compose-eval: what a perfect predictor would give).

`JepaLearner` is the paper's Dynamic Interaction Learner, on a per-session copy of the encoders:

- iteration-wise (Eq. 2): for the marked (rejected) part I_dis and a kept (neutral) part I_neu, each
  masked in turn, Neg = Sim(s_y,dis, s^_x,dis), Pos = Sim(s_y,neu, s^_x,neu), with s the target
  encoder's representation of what the part holds and s^ the prediction from its context (both the
  means over the part's frames: normalised by its length), Sim the cosine;
  L_ite = mean over (rejected, kept) pairs of max(0, Neg - Pos + alpha), alpha = 0.1. The predictions
  for the marked part move away from the rejected material while those for kept parts stay accurate;
  the regenerated draft is conditioned on the new prediction.
- sample-wise (Eq. 3, `CompositionSession.accept`): the first version of a region rejected and the
  final one kept, the same mask: the same loss with y2 (first) in Neg and y1 (final) in Pos.

A departure from the paper (`pull`, measured): Eq. 2 only pushes the marked part's prediction away from
the rejected material, in no particular direction, and its hinge is met in one or two Adam steps (the
third version's figures: the learner alone did not steer). So the loss also pulls the prediction of each
marked part's frames towards the kept material heard in its place (`heard_here`: the kept notes moved
into the marked bars, repeated if shorter, in the marked part's context; `kept_here` its target
representation): pull x max(0, 1 - cos - pull_tolerance), mean over the marked frames. The regenerated
draft is conditioned on that prediction.

Only the context encoder and predictor are fine-tuned (Adam, up to `steps` steps, stopping when the
loss reaches 0: the hinge met and the pull within its tolerance); the target encoder follows them by EMA
after each step. Everything lives in the
session: `reset` returns to the checkpoint's encoders. The learner keeps the interface of
`agent.compose.feedback.FeedbackLearner` (observe, learn, preference, reset, state), so sessions,
the session file and the OSC service use either.

Draft choice (`preference`): the cosine between a draft's target representation and the kept material
heard in the draft's place (`kept_here`), both pooled over the region's frames: nearest what the
songwriter kept, in the same context, so that the context (which differs between the kept and the marked
bars) drops out. Eq. 2's margin on the parts in their own places (`choose="margin"`, the third version's
choice) is dominated by their different contexts: on 32 simulated-user tests x 8 drafts, the rank
correlation of the choice with the user's symbolic judge was 0.16 for the margin, 0.46 for nearness to
the kept material heard here, 0.13 for the margin with the kept material heard here (the rejected term
hurts). The session sums its ranks with those of the same nearness read by the frozen generator's hidden
states (`CompositionSession._generator_nearness`, `choose="kept+generator"`): on the same tests the
generator's reading alone correlated +0.58 with the judge, the two ranks summed +0.60, and the best of 8
by them reached the judge's threshold in 0.66 of the tests (JEP-AGA's alone 0.59, the judge's own best
of 8: 0.69). Neither reads the simulated user's symbolic features; the simulated user's other judge,
the generator's hidden states, is then no longer independent of the choice.
"""

from __future__ import annotations

import base64
import copy
import io
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from agent.compose.feedback import Adam, LearnerSettings, LearnStats, material_key
from agent.compose.piece import Piece, Region, heard_here
from agent.model import jepa as J
from agent.model import vocab as V
from agent.music.events import Note

log = logging.getLogger("sideman.compose.jepa")


@dataclass(frozen=True)
class Prediction:
    """The predicted representation of a region: per frame (N, w), which frames are the region."""

    predicted: torch.Tensor
    masked: torch.Tensor
    start_beat: float

    def table(self, origin: float) -> np.ndarray:
        """The generator's conditioning table (WINDOW_BEATS, 2w) for a window starting at `origin`."""
        return J.cond_table(self.predicted, self.masked, self.start_beat, origin, V.WINDOW_BEATS).numpy()


def region_frames(piece: Piece, region: Region, config: J.JepaConfig) -> J.Frames:
    """The encoders' frames around `region` of `piece` (`config.n_frames` of them, `config.past_beats`
    before the region when the piece has them); the region's own notes are in the frames but flagged
    (`masked`): the context encoder never reads them, the target encoder does."""
    track = piece.tracks[region.track]
    others = [n for i, t in enumerate(piece.tracks) if i != region.track and not t.drums for n in t.notes]
    return J.frames(track.notes, others, piece.chords, piece.downbeats, int(region.parts[0]),
                    J.span_start(region.start_beat, config.past_beats), config.n_frames,
                    (region.start_beat, region.end_beat))


def predict(jepa: J.JointEmbedding, piece: Piece, region: Region) -> Prediction:
    """P(E(piece with the region masked)) (no gradient)."""
    frames = region_frames(piece, region, jepa.config)
    with torch.no_grad():
        predicted = jepa.condition(jepa.predict(J.stack([frames]))[0])
    return Prediction(predicted, torch.from_numpy(frames.masked), frames.start_beat)


def oracle(jepa: J.JointEmbedding, piece: Piece, region: Region) -> Prediction:
    """The target encoder's standardised representation of what `region` of `piece` really holds, in the
    place of the prediction (no gradient): what the generator was fitted to read (the compose stage's
    phase 2), so infilling conditioned on it is the ceiling a perfect predictor could reach. A
    diagnostic (`sideman compose-eval --oracle`): it reads the very notes it is asked to write."""
    frames = region_frames(piece, region, jepa.config)
    with torch.no_grad():
        target = jepa.standardise(jepa.targets(J.stack([frames]))[0])
    return Prediction(target, torch.from_numpy(frames.masked), frames.start_beat)


def with_content(piece: Piece, region: Region, content: Sequence[Note]) -> Piece:
    """`piece` with `region` of its track holding `content` instead of what it holds."""
    track = piece.tracks[region.track]
    kept = [n for n in track.notes if not region.start_beat - 1e-9 <= n.beat < region.end_beat - 1e-9]
    return piece.replace_notes(region.track, [*kept, *content])


def distances_to(jepa: J.JointEmbedding, piece: Piece, region: Region, drafts: Sequence[Sequence[Note]],
                 reference: Sequence[Note] | None = None) -> list[float]:
    """How far each draft of `region` is from what the predictor expects there: the mean squared
    distance, per masked frame and dimension, between P's prediction from the context (the JEPA loss)
    and the target encoder's layer-normed representation of the piece holding the draft. With
    `reference` (a diagnostic: the real region's notes), the distance is to the target representation
    of the reference instead of to the prediction: the ceiling of choosing drafts by a representation."""
    pieces = [with_content(piece, region, d) for d in drafts]
    batch = J.stack([region_frames(p, region, jepa.config) for p in pieces])
    with torch.no_grad():
        if reference is None:
            expected = jepa.predict(J.stack([region_frames(pieces[0], region, jepa.config)]))  # the context is shared
        else:
            expected = jepa.targets(J.stack([region_frames(with_content(piece, region, reference), region, jepa.config)]))
        targets = jepa.targets(batch)
    mask = batch.masked.unsqueeze(-1).to(targets.dtype)
    per = ((targets - expected).square() * mask).sum((1, 2)) / mask.sum((1, 2)).clamp(min=1) / jepa.config.width
    return [float(v) for v in per]


Pull = tuple[J.Batch, torch.Tensor]  # the marked parts' frames and the kept material heard there (N, w) each


@dataclass
class Material:
    """A part the learner was told about: the piece around it as frames, the part masked; and the piece,
    the region and its notes (the kept ones are heard in the place of the marked ones: `heard_here`)."""

    key: tuple[object, ...]
    frames: J.Frames
    piece: Piece
    region: Region
    notes: tuple[Note, ...]


class JepaLearner:
    """Per-session fine-tuning of the encoder-predictor from marks (see the module docstring)."""

    def __init__(self, jepa: J.JointEmbedding, settings: LearnerSettings | None = None) -> None:
        self.base = jepa
        self.settings = settings or LearnerSettings()
        self.jepa = copy.deepcopy(jepa).eval()
        self.rejected: list[Material] = []
        self.kept: list[Material] = []
        self.rounds = 0

    @property
    def active(self) -> bool:
        return self.rounds > 0

    def adapt(self, h: torch.Tensor) -> torch.Tensor:
        """No steering of the generator's hidden states: JEP-AGA steers through the conditioning."""
        return h

    def predict(self, piece: Piece, region: Region) -> Prediction:
        """The prediction the generator is conditioned on, from this session's encoders: once the
        learner has moved them, the checkpoint's prediction plus `moved_gain` times the learner's
        change of it (1: the moved prediction itself)."""
        moved = predict(self.jepa, piece, region)
        gain = self.settings.moved_gain
        if not self.active or gain == 1.0:
            return moved
        base = predict(self.base, piece, region)
        return Prediction(base.predicted + gain * (moved.predicted - base.predicted), moved.masked, moved.start_beat)

    def distances(self, piece: Piece, region: Region, drafts: Sequence[Sequence[Note]]) -> list[float]:
        """How far each draft of `region` is from this session's prediction of it (`distances_to`)."""
        return distances_to(self.jepa, piece, region, drafts)

    def reset(self) -> None:
        """Forget everything learned in this session: the checkpoint's encoders again."""
        self.jepa = copy.deepcopy(self.base).eval()
        self.rejected, self.kept, self.rounds = [], [], 0
        log.info("JEP-AGA learner reset")

    def observe(self, piece: Piece, region: Region, content: Sequence[Note], rejected: bool) -> None:
        """Tell the learner about `content` in `region` of `piece` (which already holds it)."""
        key = material_key(region, content)
        store = self.rejected if rejected else self.kept
        if any(m.key == key for m in store):
            return
        store.append(Material(key, region_frames(piece, region, self.jepa.config), piece, region, tuple(content)))
        del store[: -self.settings.memory]

    def _pooled(self, materials: Sequence[Material]) -> tuple[torch.Tensor, torch.Tensor]:
        """(targets s, predictions s^) (M, w): means over each material's masked frames."""
        batch = J.stack([m.frames for m in materials])
        predicted = J.pooled(self.jepa.standardise(self.jepa.predict(batch)), batch.masked)
        targets = J.pooled(self.jepa.standardise(self.jepa.targets(batch)), batch.masked)
        return targets, predicted

    def kept_here(self, piece: Piece, region: Region) -> torch.Tensor:
        """The target encoder's standardised frames (N, w) of `region` of `piece` holding the kept material
        instead (`heard_here`; the mean over the kept materials): what the songwriter kept, in the marked
        part's place and context (no gradient)."""
        batch = J.stack([region_frames(with_content(piece, region, heard_here(m.notes, m.region, region)), region,
                                       self.jepa.config) for m in self.kept])
        with torch.no_grad():
            return self.jepa.standardise(self.jepa.targets(batch)).mean(0)

    def kept_prediction(self, piece: Piece, region: Region) -> Prediction:
        """What the generator is conditioned on to write `region` like the kept material: the target
        encoder's reading of it heard in the region's place (`kept_here`), at `kept_trust` (no gradient)."""
        frames = region_frames(piece, region, self.jepa.config)
        wanted = self.kept_here(piece, region) * self.settings.kept_trust
        return Prediction(wanted, torch.from_numpy(frames.masked), frames.start_beat)

    def loss(self, pull: Pull | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(hinge of Eq. 2/3 over every (rejected, kept) pair, plus `settings.pull` times the pull towards the
        kept material heard in the marked part's place, given its `pull_targets`; mean Pos - Neg)."""
        targets, predicted = self._pooled([*self.rejected, *self.kept])
        sims = F.cosine_similarity(targets, predicted, dim=-1)
        neg, pos = sims[: len(self.rejected)], sims[len(self.rejected) :]
        gaps = neg.unsqueeze(1) - pos.unsqueeze(0)  # (rejected, kept)
        hinge = F.relu(gaps + self.settings.alpha).mean()
        if self.settings.pull > 0 and pull is not None:
            # near enough (`pull_tolerance`) counts as there: the stop rule of `learn` is a zero loss
            hinge = hinge + self.settings.pull * F.relu(self.pull_distance(pull) - self.settings.pull_tolerance)
        return hinge, -gaps.mean()

    def pull_distance(self, pull: Pull) -> torch.Tensor:
        """1 - cosine between the prediction of each marked part's frames and the kept material heard
        there (`pull_targets`), the mean over the marked parts' frames."""
        batch, wanted = pull
        predicted = self.jepa.standardise(self.jepa.predict(batch))
        cos = F.cosine_similarity(predicted, wanted, dim=-1)  # (R, N)
        weights = batch.masked.to(cos.dtype)
        return ((1.0 - cos) * weights).sum() / weights.sum().clamp(min=1)

    def pull_targets(self) -> Pull | None:
        """The marked parts (one per region: the latest material) and the kept material heard there; None
        with the pull off or nothing kept."""
        if self.settings.pull <= 0 or not self.kept:
            return None
        latest: dict[tuple[object, ...], Material] = {}
        for m in self.rejected:
            latest[(m.region.track, m.region.start_beat, m.region.end_beat)] = m
        marked = list(latest.values())
        wanted = torch.stack([self.kept_here(m.piece, m.region) for m in marked])
        return J.stack([m.frames for m in marked]), wanted

    def preference(self, piece: Piece, region: Region, content: Sequence[Note]) -> float:
        """`preferences` of one draft, `piece` already holding it."""
        return self.preferences(piece, region, [content])[0]

    def preferences(self, piece: Piece, region: Region, drafts: Sequence[Sequence[Note]]) -> list[float]:
        """How close (cosine, target encoder, mean over the region's frames) each draft in `region` of `piece`
        is to the kept material heard in its place (`kept_here`, read once): the choice among drafts once
        there is feedback. With `choose` = "margin", Eq. 2's margin instead: how much closer the draft is
        to the kept material (in its own place) than to the rejected material."""
        with torch.no_grad():
            batch = J.stack([region_frames(with_content(piece, region, d), region, self.jepa.config) for d in drafts])
            pooled = J.pooled(self.jepa.standardise(self.jepa.targets(batch)), batch.masked)  # (D, w)
            if self.settings.choose == "margin":
                kept, _ = self._pooled(self.kept)
                rejected, _ = self._pooled(self.rejected)
                scores = (F.cosine_similarity(pooled.unsqueeze(1), kept.unsqueeze(0), dim=-1).mean(1)
                          - F.cosine_similarity(pooled.unsqueeze(1), rejected.unsqueeze(0), dim=-1).mean(1))
            else:  # the region's frames are the same for every draft: one reading of the kept material
                here = J.pooled(self.kept_here(piece, region).unsqueeze(0), batch.masked[:1])
                scores = F.cosine_similarity(pooled, here, dim=-1)
        return [float(v) for v in scores]

    def learn(self) -> LearnStats | None:
        """Fine-tune the context encoder and predictor on the hinge; None with nothing to compare."""
        if not self.rejected or not self.kept or not self.settings.steer:
            return None
        s = self.settings
        started = time.perf_counter()
        pull = self.pull_targets()
        params = [*self.jepa.context.parameters(), *self.jepa.predictor.parameters()]
        optimiser = Adam(params, lr=s.jepa_lr)
        first = last = 0.0
        margin = torch.zeros(())
        step = 0
        for step in range(s.steps):
            loss, margin = self.loss(pull)
            last = float(loss.detach())
            first = last if step == 0 else first
            if last == 0.0:
                break
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            self.jepa.update_target()
        self.rounds += 1
        base = [*self.base.context.parameters(), *self.base.predictor.parameters()]
        with torch.no_grad():
            change = float(sum((a - b).square().sum() for a, b in zip(params, base, strict=True)) ** 0.5)
        stats = LearnStats(first, last, float(margin.detach()), step + 1, time.perf_counter() - started, change)
        log.info("JEP-AGA round %d: loss %.3f -> %.3f, margin %.3f, %d steps, %.2f s", self.rounds, stats.loss_before,
                 stats.loss_after, stats.margin, stats.steps, stats.seconds)
        return stats

    def state(self) -> dict[str, Any]:
        """The fine-tuned encoders as base64 of a torch state dict (a session file stores it)."""
        buffer = io.BytesIO()
        torch.save(self.jepa.state_dict(), buffer)
        return {"jepa": base64.b64encode(buffer.getvalue()).decode()}

    def load_state(self, state: dict[str, Any], rounds: int) -> None:
        if "jepa" in state:
            self.jepa.load_state_dict(torch.load(io.BytesIO(base64.b64decode(state["jepa"])), weights_only=True))
        self.rounds = rounds
