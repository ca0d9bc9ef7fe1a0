"""The simulated user of Hu et al. (AAAI 2025, Eq. 4 and 5) and the figures IUS and RIC.

A test: a fixed region I_dis of a track is the unsatisfying part, a random region I_neu of the same
length elsewhere on the same track is the satisfying one. Round 0 fills I_dis; in every later round the
user marks I_dis (and keeps I_neu), and the session regenerates it. With f the target encoder's
representation of a region and Diff the Euclidean distance, D_i = Diff(f_neu,i, f_dis,i) and

    SS_i = (D_0 - D_i) / max(D_0, D_i)     in [-1, 1]   (Eq. 4)
    IC   = min{ i : SS_i >= gamma },  gamma = 10%       (Eq. 5)

The target encoder is the frozen model: f = the mean of its final hidden states over the region's event
tokens, read in the infilling format (`agent.compose.infill.encode_region`: the region's notes as events after
the past, the rest of the piece as anticipated controls). Those states are what the model predicts the
next notes from, so they summarise a region as the model hears it in its context: register, rhythm,
density and harmony. The learner never changes it (the paper's target encoder is an EMA of the encoder
being tuned; ours is the limit of a slow EMA), so the measure cannot be gamed by the learner moving the
yardstick. A test that never reaches gamma within the rounds gets IC = rounds + 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agent.compose.feedback import LearnerSettings
from agent.compose.infill import region_reading
from agent.compose.piece import Piece, Region, inside
from agent.compose.session import CompositionSession, Mark
from agent.live.generator import SamplingParams
from agent.model.anticipation import TimingSettings
from agent.model.network import MusicTransformer


def representation(model: MusicTransformer, timing: TimingSettings, piece: Piece, region: Region) -> np.ndarray:
    """The target encoder's view of what `piece` has in `region` (a vector of d_model floats)."""
    content = inside(piece.tracks[region.track].notes, region.start_beat, region.end_beat)
    return region_reading(model, timing, piece, region, content).numpy()


def satisfaction(d0: float, di: float) -> float:
    """Eq. 4: the relative reduction of the distance between the unsatisfying and satisfying parts."""
    scale = max(d0, di)
    return (d0 - di) / scale if scale > 0 else 0.0


def interaction_cost(ss: Sequence[float], gamma: float) -> int:
    """Eq. 5: the first round (1-based) whose satisfaction reaches gamma, len(ss) + 1 if none does."""
    return next((i for i, value in enumerate(ss, start=1) if value >= gamma), len(ss) + 1)


ENCODERS = ("model", "features")  # the target encoder, and a symbolic cross-check


def features(piece: Piece, region: Region) -> np.ndarray:
    """A symbolic representation of what `piece` has in `region`, independent of the model: the
    normalised pitch, duration and onset-in-beat histograms and the notes per beat. The simulated
    user's figures are also computed with it, so a gain that only games the model's own
    representation would show up as a gap between the two."""
    notes = inside(piece.tracks[region.track].notes, region.start_beat, region.end_beat)
    beats = max(region.end_beat - region.start_beat, 1e-9)

    def normalised(values: list[int], size: int) -> np.ndarray:
        hist = np.bincount(np.clip(values, 0, size - 1), minlength=size).astype(float) if values else np.zeros(size)
        return hist / hist.sum() if hist.sum() else hist

    pitch = normalised([n.pitch for n in notes], 128)
    dur = normalised([round(n.dur_beats * 12) for n in notes], 97)
    onset = normalised([round((n.beat - region.start_beat) * 12) % 12 for n in notes], 12)
    return np.concatenate([pitch, dur, onset, [len(notes) / beats / 4.0]])


@dataclass
class FeedbackResult:
    """One test with one system: distances D_0..D_R per encoder, seconds per round."""

    distances: dict[str, list[float]] = field(default_factory=lambda: {e: [] for e in ENCODERS})
    round_seconds: list[float] = field(default_factory=list)
    learn_seconds: list[float] = field(default_factory=list)

    def ss(self, encoder: str = "model") -> list[float]:
        """SS_1..SS_R (Eq. 4) with one encoder's distances."""
        d = self.distances[encoder]
        return [satisfaction(d[0], di) for di in d[1:]]


def distances(model: MusicTransformer, timing: TimingSettings, piece: Piece, dis: Region,
              neu: Region) -> dict[str, float]:
    """Diff(f_neu, f_dis) with the target encoder and with the symbolic features."""
    rep = representation(model, timing, piece, neu) - representation(model, timing, piece, dis)
    return {"model": float(np.linalg.norm(rep)),
            "features": float(np.linalg.norm(features(piece, neu) - features(piece, dis)))}


def feedback_test(model: MusicTransformer, timing: TimingSettings, piece: Piece, dis: Region, neu: Region,
                  params: SamplingParams, rounds: int, learning: bool,
                  settings: LearnerSettings | None = None) -> FeedbackResult:
    """Run one simulated interaction (see the module docstring)."""
    session = CompositionSession(model, timing, piece, [dis], learning=learning, settings=settings)
    version = session.infill(params)
    result = FeedbackResult()

    def measure(p: Piece) -> None:
        for encoder, value in distances(model, timing, p, dis, neu).items():
            result.distances[encoder].append(value)

    measure(version.piece)
    mark = Mark(dis.track, dis.start_beat, dis.end_beat)
    for _ in range(rounds):
        version = session.regenerate([mark], params, kept=[neu])
        measure(version.piece)
        result.round_seconds.append(version.seconds)
        result.learn_seconds.append(version.learn.seconds if version.learn else 0.0)
    return result


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if len(values) else math.nan


def _relative(new: float, base: float) -> float:
    return (new - base) / abs(base) if base else math.nan


def _figures(results: Sequence[FeedbackResult], encoder: str, rounds: int, gamma: float) -> dict[str, Any]:
    curves = [r.ss(encoder) for r in results]
    costs = [interaction_cost(ss, gamma) for ss in curves]
    return {
        "ss_stop": _mean([ss[min(c, rounds) - 1] for ss, c in zip(curves, costs)]),
        "ss_mean": _mean([float(np.mean(ss)) for ss in curves]),
        "ic": _mean(costs), "satisfied": _mean([c <= rounds for c in costs]),
        # round 0 already as near the kept part as anything can be (D_0 = 0): no round can satisfy
        "unreachable": sum(r.distances[encoder][0] <= 1e-12 for r in results),
        "ss_curve": [_mean([ss[i] for ss in curves]) for i in range(rounds)],
    }


def summarise_feedback(tests: Sequence[dict[str, FeedbackResult]], rounds: int, gamma: float,
                       base: str = "off", groups: Sequence[int] | None = None,
                       resamples: int = 1000) -> dict[str, Any]:
    """Figures per system and encoder over the tests, IUS and RIC against the `base` system.

    SS "at stop" is the satisfaction when the simulated user stops: at IC, or after the last round
    when never satisfied (IC = rounds + 1 then); IUS uses it, "IUS (mean)" the mean SS over rounds.
    With `groups` (the piece of each test), each system's IUS and RIC get a 95% bootstrap interval
    over pieces (tests on one piece are not independent: whole pieces are resampled)."""
    figures: dict[str, Any] = {"tests": len(tests), "rounds": rounds, "gamma": gamma, "systems": {}}
    if not tests:
        return figures
    for name in tests[0]:
        results = [t[name] for t in tests]
        row: dict[str, Any] = {e: _figures(results, e, rounds, gamma) for e in ENCODERS}
        row["round_seconds"] = _mean([s for r in results for s in r.round_seconds])
        row["learn_seconds"] = _mean([s for r in results for s in r.learn_seconds])
        figures["systems"][name] = row
    for row in figures["systems"].values():
        for e in ENCODERS:
            ref = figures["systems"][base][e]
            row[e]["ius"] = _relative(row[e]["ss_stop"], ref["ss_stop"])
            row[e]["ius_mean"] = _relative(row[e]["ss_mean"], ref["ss_mean"])
            row[e]["ric"] = _relative(row[e]["ic"], ref["ic"])
    if groups is not None and len(set(groups)) > 1:
        for name, row in figures["systems"].items():
            for e in ENCODERS if name != base else ():
                row[e]["ci"] = bootstrap(tests, groups, name, base, e, rounds, gamma, resamples)
    return figures


def bootstrap(tests: Sequence[dict[str, FeedbackResult]], groups: Sequence[int], name: str, base: str,
              encoder: str, rounds: int, gamma: float, resamples: int, seed: int = 0) -> dict[str, list[float]]:
    """95% percentile intervals of IUS and RIC of system `name` against `base`, resampling pieces."""
    rng = np.random.default_rng(seed)
    pieces = sorted(set(groups))
    by_piece = {p: [i for i, g in enumerate(groups) if g == p] for p in pieces}
    ius, ric = [], []
    for _ in range(resamples):
        chosen = [i for p in rng.choice(pieces, len(pieces)) for i in by_piece[int(p)]]
        new = _figures([tests[i][name] for i in chosen], encoder, rounds, gamma)
        ref = _figures([tests[i][base] for i in chosen], encoder, rounds, gamma)
        ius.append(_relative(new["ss_stop"], ref["ss_stop"]))
        ric.append(_relative(new["ic"], ref["ic"]))
    return {"ius": [float(np.nanpercentile(ius, 2.5)), float(np.nanpercentile(ius, 97.5))],
            "ric": [float(np.nanpercentile(ric, 2.5)), float(np.nanpercentile(ric, 97.5))]}
