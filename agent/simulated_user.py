"""The simulated user of Hu et al. (AAAI 2025, Eq. 4 and 5) and the figures IUS and RIC.

A test: a fixed region I_dis of a track is the unsatisfying part, a random region I_neu of the same
length elsewhere on the same track is the satisfying one. Round 0 fills I_dis; in every later round the
user marks I_dis (and keeps I_neu), and the session regenerates it. With f the target encoder's
representation of a region and Diff the Euclidean distance, D_i = Diff(f_neu,i, f_dis,i) and

    SS_i = (D_0 - D_i) / max(D_0, D_i)     in [-1, 1]   (Eq. 4)
    IC   = min{ i : SS_i >= gamma },  gamma = 10%       (Eq. 5)

The target encoder is the frozen model: f = the mean of its final hidden states over the region's event
tokens, read in the infilling format (`agent.infill.encode_region`: the region's notes as events after
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

import numpy as np

from agent.anticipation import TimingSettings
from agent.compose import CompositionSession, Mark
from agent.feedback import LearnerSettings
from agent.generator import SamplingParams
from agent.infill import encode_region, region_states
from agent.model import MusicTransformer
from agent.piece import Piece, Region, inside


def representation(model: MusicTransformer, timing: TimingSettings, piece: Piece, region: Region) -> np.ndarray:
    """The target encoder's view of what `piece` has in `region` (a vector of d_model floats)."""
    content = inside(piece.tracks[region.track].notes, region.start_beat, region.end_beat)
    states = region_states(model, encode_region(piece, region, content, timing))
    return states.mean(dim=0).numpy()


def satisfaction(d0: float, di: float) -> float:
    """Eq. 4: the relative reduction of the distance between the unsatisfying and satisfying parts."""
    scale = max(d0, di)
    return (d0 - di) / scale if scale > 0 else 0.0


def interaction_cost(ss: Sequence[float], gamma: float) -> int:
    """Eq. 5: the first round (1-based) whose satisfaction reaches gamma, len(ss) + 1 if none does."""
    return next((i for i, value in enumerate(ss, start=1) if value >= gamma), len(ss) + 1)


@dataclass
class FeedbackResult:
    """One test with one system: distances D_0..D_R, satisfaction SS_1..SS_R, seconds per round."""

    distances: list[float] = field(default_factory=list)
    ss: list[float] = field(default_factory=list)
    round_seconds: list[float] = field(default_factory=list)
    learn_seconds: list[float] = field(default_factory=list)


def feedback_test(model: MusicTransformer, timing: TimingSettings, piece: Piece, dis: Region, neu: Region,
                  params: SamplingParams, rounds: int, learning: bool,
                  settings: LearnerSettings | None = None) -> FeedbackResult:
    """Run one simulated interaction (see the module docstring)."""
    session = CompositionSession(model, timing, piece, [dis], learning=learning, settings=settings)
    version = session.infill(params)
    result = FeedbackResult()

    def distance(p: Piece) -> float:
        return float(np.linalg.norm(representation(model, timing, p, neu) - representation(model, timing, p, dis)))

    result.distances.append(distance(version.piece))
    mark = Mark(dis.track, dis.start_beat, dis.end_beat)
    for _ in range(rounds):
        version = session.regenerate([mark], params, kept=[neu])
        result.distances.append(distance(version.piece))
        result.ss.append(satisfaction(result.distances[0], result.distances[-1]))
        result.round_seconds.append(version.seconds)
        result.learn_seconds.append(version.learn.seconds if version.learn else 0.0)
    return result


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if len(values) else math.nan


def _relative(new: float, base: float) -> float:
    return (new - base) / abs(base) if base else math.nan


def summarise_feedback(tests: Sequence[tuple[FeedbackResult, FeedbackResult]], rounds: int,
                       gamma: float) -> dict[str, object]:
    """Figures over tests of (learning on, learning off). SS "at stop" is the satisfaction when the
    simulated user stops: at IC, or after the last round when never satisfied."""
    if not tests:
        return {"tests": 0, "rounds": rounds, "gamma": gamma}
    figures: dict[str, object] = {"tests": len(tests), "rounds": rounds, "gamma": gamma}
    for label, index in (("on", 0), ("off", 1)):
        results = [t[index] for t in tests]
        costs = [interaction_cost(r.ss, gamma) for r in results]
        figures[f"ss_stop_{label}"] = float(np.mean([r.ss[min(c, rounds) - 1] for r, c in zip(results, costs)]))
        figures[f"ss_mean_{label}"] = float(np.mean([np.mean(r.ss) for r in results]))
        figures[f"ic_{label}"] = float(np.mean(costs))
        figures[f"satisfied_{label}"] = float(np.mean([c <= rounds for c in costs]))
        figures[f"ss_curve_{label}"] = [float(np.mean([r.ss[i] for r in results])) for i in range(rounds)]
        figures[f"round_seconds_{label}"] = _mean([s for r in results for s in r.round_seconds])
    figures["learn_seconds"] = _mean([s for t in tests for s in t[0].learn_seconds])
    figures["ius"] = _relative(figures["ss_stop_on"], figures["ss_stop_off"])  # type: ignore[arg-type]
    figures["ius_mean"] = _relative(figures["ss_mean_on"], figures["ss_mean_off"])  # type: ignore[arg-type]
    figures["ric"] = _relative(figures["ic_on"], figures["ic_off"])  # type: ignore[arg-type]
    return figures
