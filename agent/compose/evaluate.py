"""`sideman compose-eval`: composition mode on held-out songs, printed and written as a report.

Infill quality (Hu et al. 2025, Table 1). For each case (a held-out song, one of its parts, a region
of `--bars` bars with as many bars of past and future around it, all with notes of that part) the
region is filled by the model from everything else, and the overlap (histogram intersection, 0..1) of
the filled region's pitch (PD), duration (DD) and chord (CD) distributions with the same part's past
(p) and future (f) context is measured. Beside the model: the real region, the preceding bars copied
in (so its _p figures are 1 by construction), the following bars copied in (its _f figures are 1),
and the model without the part's own future (the anticipated controls after the region left out:
what anticipation of the future adds). Chords are recognised from the part's own notes
(`agent.music.chord_recog`), as the paper recognises them from the infilled material.

Feedback (Hu et al. Eq. 4, 5; `agent.compose.simulated_user`). Per test, a fixed region of `--feedback-bars`
bars is the unsatisfying part and a random equally long region of the same track elsewhere is the
satisfying one; every round the user marks the first and keeps the second; the session regenerates
the first. Satisfaction SS_i comes from the distance of the two regions' representations (the frozen
model's mean final hidden states, the target encoder), IC is the first round with SS_i >= gamma.
The same tests run with feedback learning off (same seeds, so the first infill is identical), and
IUS = (SS_on - SS_off) / |SS_off|, RIC = (IC_on - IC_off) / IC_off, as in the paper.
"""

from __future__ import annotations

import argparse
import logging
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from agent.compose.feedback import LearnerSettings
from agent.compose.infill import Infiller, continuation_surprise
from agent.compose.jepa import distances_to, oracle, predict
from agent.compose.piece import Piece, Region, inside, piece_from_song
from agent.compose.reprise import reprises
from agent.compose.session import nearest_draft, ranked_candidates
from agent.compose.simulated_user import ENCODERS, FeedbackResult, feedback_test, summarise_feedback
from agent.live.generator import SamplingParams
from agent.model import vocab as V
from agent.model.anticipation import TimingSettings
from agent.model.jepa import encoders_of
from agent.model.network import MusicTransformer
from agent.model.paths import model_file
from agent.music.chord_recog import recognise_chords
from agent.music.chords import NUM_CHORD_IDS, chord_id
from agent.music.events import Note, Song
from agent.training.datasets import load_corpus
from agent.training.train import split

log = logging.getLogger("sideman.compose.evaluate")

FIGURES = ("PD_p", "PD_f", "DD_p", "DD_f", "CD_p", "CD_f")
PAPER_ROW = {"PD_p": 0.83, "PD_f": 0.78, "DD_p": 0.80, "DD_f": 0.81, "CD_p": 0.83, "CD_f": 0.88}  # CMI on Bread


# ---------------------------------------------------------------- histogram overlaps


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Histogram intersection of two non-negative histograms after normalising each: 0 when only one is
    empty (a region left silent overlaps nothing), NaN when both are."""
    if a.sum() <= 0 or b.sum() <= 0:
        return float("nan") if a.sum() <= 0 and b.sum() <= 0 else 0.0
    return float(np.minimum(a / a.sum(), b / b.sum()).sum())


def pitch_histogram(notes: Sequence[Note]) -> np.ndarray:
    return np.bincount([n.pitch for n in notes], minlength=128).astype(float)


def duration_histogram(notes: Sequence[Note]) -> np.ndarray:
    """Durations on the model's grid (1/12 beat), clipped to the vocabulary's longest (8 beats)."""
    ticks = [min(V.MAX_DUR, max(1, round(n.dur_beats * V.TICKS_PER_BEAT))) for n in notes]
    return np.bincount(ticks, minlength=V.MAX_DUR + 1).astype(float)


def chord_histogram(notes: Sequence[Note], downbeats: Sequence[float], start: float, end: float) -> np.ndarray:
    """Beats of each recognised chord (root x quality) in [start, end), from these notes alone."""
    bars = [d for d in downbeats if start - 1e-9 <= d < end - 1e-9] or [start]
    hist = np.zeros(NUM_CHORD_IDS)
    for span in recognise_chords(list(notes), bars, end):
        hist[chord_id(span.chord)] += max(0.0, min(span.end_beat, end) - max(span.beat, start))
    return hist


def quality(notes: Sequence[Note], past: Sequence[Note], future: Sequence[Note], case: Case) -> dict[str, float]:
    """The six overlaps of a filled region with its past and future context."""
    downbeats = case.piece.downbeats
    reg, lo, hi = case.region, case.region.start_beat - case.length, case.region.end_beat + case.length
    chords = chord_histogram(notes, downbeats, reg.start_beat, reg.end_beat)
    return {
        "PD_p": overlap(pitch_histogram(notes), pitch_histogram(past)),
        "PD_f": overlap(pitch_histogram(notes), pitch_histogram(future)),
        "DD_p": overlap(duration_histogram(notes), duration_histogram(past)),
        "DD_f": overlap(duration_histogram(notes), duration_histogram(future)),
        "CD_p": overlap(chords, chord_histogram(past, downbeats, lo, reg.start_beat)),
        "CD_f": overlap(chords, chord_histogram(future, downbeats, reg.end_beat, hi)),
    }


# ---------------------------------------------------------------- cases


@dataclass
class Case:
    """One infilling case: a piece, the region to fill, and its context length in beats."""

    song: str
    piece: Piece
    region: Region
    length: float
    systems: dict[str, list[Note]] = field(default_factory=dict)

    def part_notes(self, start: float, end: float) -> list[Note]:
        return inside(self.piece.tracks[self.region.track].notes, start, end)

    @property
    def past(self) -> list[Note]:
        return self.part_notes(self.region.start_beat - self.length, self.region.start_beat)

    @property
    def future(self) -> list[Note]:
        return self.part_notes(self.region.end_beat, self.region.end_beat + self.length)


def candidate_regions(piece: Piece, bars: int, min_notes: int = 2) -> list[tuple[Region, float]]:
    """(region, length in beats) for every track and bar where the region and the same number of bars
    before and after it all hold at least `min_notes` notes of the track."""
    out = []
    beats = piece.downbeats
    for position, track in enumerate(piece.tracks):
        for k in range(bars, len(beats) - 2 * bars):
            start, end = beats[k], beats[k + bars]
            length = end - start
            spans = ((start - length, start), (start, end), (end, end + length))
            if all(len(inside(track.notes, a, b)) >= min_notes for a, b in spans):
                out.append((Region(position, start, end, (track.part,)), length))
    return out


def pick_cases(songs: Sequence[Song], count: int, bars: int, rng: random.Random) -> list[Case]:
    """At most one case per song, songs in random order, until `count`."""
    cases = []
    for song in rng.sample(list(songs), len(songs)):
        piece = piece_from_song(song)
        options = candidate_regions(piece, bars)
        if options:
            region, length = rng.choice(options)
            cases.append(Case(song.name, piece, region, length))
        if len(cases) == count:
            break
    return cases


def copy_shifted(notes: Sequence[Note], shift: float) -> list[Note]:
    return [Note(n.beat + shift, n.dur_beats, n.pitch, n.velocity, n.part) for n in notes]


def without_future(case: Case) -> Piece:
    """The piece with the case's track emptied after the region (no future of its own to anticipate)."""
    track = case.piece.tracks[case.region.track]
    return case.piece.replace_notes(case.region.track, [n for n in track.notes if n.beat < case.region.end_beat])


def run_quality(model: MusicTransformer, timing: TimingSettings, cases: Sequence[Case], params: SamplingParams,
                baseline: MusicTransformer | None = None, with_oracle: bool = False, drafts: int = 1,
                settings: LearnerSettings | None = None
                ) -> tuple[dict[str, dict[str, float]], list[float], list[float], list[int]]:
    """Fill every case with each system; (figures per system, seconds per model infill, seconds per
    infill with up to `drafts` drafts, the critic included, drafts written per infill: the session's
    `nearest_draft`, with `settings`'s notes budget).

    With JEP-AGA's encoders in the checkpoint, "model" is conditioned on their prediction and
    "model without JEP-AGA" is the same weights unconditioned (the ablation of Hu et al.'s Table 3);
    `with_oracle` adds "model, oracle representation": conditioned on the target encoder's
    representation of the real region (`agent.compose.jepa.oracle`), the ceiling of a better
    predictor. `drafts` > 1 writes N drafts (the first is "model"'s) and finds the region's reprises
    (`agent.compose.reprise`), and adds, for each critic (`LearnerSettings.critic`), "model, best of N by
    the C" (the drafts alone) and "model, best of N and reprises by the C" (the candidates a session's
    fill chooses among; with `settings.critic`, what `sideman infill` writes): "continuation", the draft
    after which the track's next notes surprise the generator least (`continuation_surprise`), and
    "prediction", the one the target encoder finds closest to the predictor's expectation
    (`agent.compose.jepa.distances_to`); with `with_oracle`, "best of N by the real region" (the ceiling of
    choosing by this representation). `baseline` (another checkpoint, e.g. the generator before the
    compose stage) adds a row."""
    jepa = encoders_of(model)
    infiller = Infiller(model, timing, condition=(lambda p, r: predict(jepa, p, r)) if jepa is not None else None)
    plain = Infiller(model, timing)
    if with_oracle and jepa is None:
        raise ValueError("--oracle needs a checkpoint with JEP-AGA's encoders (sideman train-compose)")
    ceiling = Infiller(model, timing, condition=lambda p, r: oracle(jepa, p, r)) if with_oracle and jepa else None
    before = Infiller(baseline, timing) if baseline is not None else None
    seconds: list[float] = []
    drafted: list[float] = []
    drafts_written: list[int] = []
    reprised: list[bool] = []  # per case with a reprise: whether the critic chose it
    settings = settings or LearnerSettings()
    for index, case in enumerate(cases):
        shift = case.region.end_beat - case.region.start_beat
        case.systems["real region"] = case.part_notes(case.region.start_beat, case.region.end_beat)
        started = time.perf_counter()
        case.systems["model"] = infiller.fill(case.piece, case.region, _seeded(params, index))
        seconds.append(time.perf_counter() - started)
        if jepa is not None:
            case.systems["model without JEP-AGA"] = plain.fill(case.piece, case.region, _seeded(params, index))
        if drafts > 1 and jepa is not None:
            seeded = _seeded(params, index)
            started = time.perf_counter() - seconds[-1]  # the first draft is "model"'s
            found = reprises(case.piece, case.region, settings.reprises)
            critics = {"continuation": lambda p, r, w: continuation_surprise(model, timing, p, r, w),
                       "prediction": lambda p, r, w: distances_to(jepa, p, r, w)}
            best, count, rest = nearest_draft(infiller, critics[settings.critic], case.piece, case.region, seeded,
                                              replace(settings, drafts=drafts), first=case.systems["model"], extra=found)
            drafted.append(time.perf_counter() - started)
            drafts_written.append(count)
            if found:
                reprised.append(best in found)
            written = [c for c in [best, *rest] if c not in found] or [best]
            for name, critic in critics.items():  # the same candidates, each critic choosing
                case.systems[f"model, best of {drafts} by the {name}"] = ranked_candidates(
                    critic, case.piece, case.region, written)[0]
                case.systems[f"model, best of {drafts} and reprises by the {name}"] = best if name == settings.critic \
                    else ranked_candidates(critic, case.piece, case.region, [*written, *found])[0]
            if with_oracle:  # the same drafts, chosen by the real region
                by_real = distances_to(jepa, case.piece, case.region, written, case.systems["real region"])
                case.systems[f"model, best of {drafts} by the real region"] = written[int(np.argmin(by_real))]
        if ceiling is not None:
            case.systems["model, oracle representation"] = ceiling.fill(case.piece, case.region, _seeded(params, index))
        if before is not None:
            case.systems["generator before the stage"] = before.fill(case.piece, case.region, _seeded(params, index))
        case.systems["model, no future of its part"] = infiller.fill(without_future(case), case.region,
                                                                      _seeded(params, index))
        case.systems["copy previous bars"] = copy_shifted(case.past, shift)
        case.systems["copy next bars"] = copy_shifted(case.future, -shift)
        log.info("case %d/%d %s track %s beats %g-%g: %d real, %d model notes in %.2f s", index + 1, len(cases),
                 case.song, case.piece.tracks[case.region.track].name, case.region.start_beat, case.region.end_beat,
                 len(case.systems["real region"]), len(case.systems["model"]), seconds[-1])
    table = {name: _mean_rows([quality(c.systems[name], c.past, c.future, c) for c in cases])
             for name in cases[0].systems} if cases else {}
    if reprised:
        log.info("reprises: %d of %d cases have one; the critic chose it in %d", len(reprised), len(cases), sum(reprised))
    return table, seconds, drafted, drafts_written


def _seeded(params: SamplingParams, index: int) -> SamplingParams:
    seed = (params.seed or 0) + 7919 * index
    return SamplingParams(params.temperature, params.top_p, params.guidance, seed)


def _mean_rows(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    return {key: float(np.nanmean([r[key] for r in rows])) for key in FIGURES}


# ---------------------------------------------------------------- the command


def run(args: argparse.Namespace) -> int:
    """Entry point of `sideman compose-eval`: evaluate, write the report, print the figures."""
    print(format_result(evaluate(args)))
    return 0


def evaluate(args: argparse.Namespace) -> dict[str, object]:
    """Both evaluations; the result dict (also written to the report folder)."""
    from agent.model.checkpoint import load_checkpoint
    from agent.model.engine import limit_threads

    limit_threads(args.threads)
    args.model = model_file(args.model)
    model, timing, info = load_checkpoint(args.model)
    baseline = load_checkpoint(args.baseline)[0] if args.baseline is not None else None
    _, held = split(load_corpus(args.data, cache=args.cache))
    rng = random.Random(args.seed)
    params = SamplingParams(args.temperature, args.top_p, args.guidance, args.seed)
    cases = [] if args.skip_quality else pick_cases(held, args.cases, args.bars, rng)
    chosen = {"draft_notes": args.draft_notes, "critic": args.critic, "reprises": args.reprises}
    settings = LearnerSettings(**{k: v for k, v in chosen.items() if v is not None})
    table, infill_seconds, drafted_seconds, drafts_written = run_quality(
        model, timing, cases, params, baseline, args.oracle, args.drafts or settings.drafts, settings)
    feedback = _run_feedback(model, timing, held, args, rng, params)
    result: dict[str, object] = {
        "checkpoint": str(args.model), "info": info, "jep_aga": encoders_of(model) is not None, "cases": len(cases), "region_bars": args.bars,
        "quality": table, "paper_cmi_bread": PAPER_ROW, "seconds_per_infill": _stats(infill_seconds),
        "seconds_per_infill_drafts": _stats(drafted_seconds),
        "drafts_per_infill": float(np.mean(drafts_written)) if drafts_written else math.nan,
        "notes_per_region": {n: float(np.mean([len(c.systems[n]) for c in cases])) for n in table},
        "feedback": feedback, "settings": {k: str(v) for k, v in vars(args).items()},
    }
    write_report(args.report, result, cases)
    return result


def feedback_systems(args: argparse.Namespace) -> dict[str, tuple[bool, LearnerSettings | None]]:
    """The systems the simulated user talks to: (learning on?, learner settings)."""
    chosen = {"alpha": args.alpha, "steps": args.learn_steps, "mode": args.learn_mode, "lr": args.learn_lr,
              "candidates": args.candidates, "moved_gain": args.moved_gain, "drafts": args.drafts,
              "draft_notes": args.draft_notes, "critic": args.critic, "choose": args.choose,
              "reprises": args.reprises, "kept_drafts": args.kept_drafts, "kept_trust": args.kept_trust}
    settings = LearnerSettings(**{k: v for k, v in chosen.items() if v is not None})
    systems: dict[str, tuple[bool, LearnerSettings | None]] = {"feedback learning": (True, settings)}
    if args.ablations:
        systems["learning, 1 draft"] = (True, replace(settings, candidates=1))
        systems["drafts only (no learning)"] = (True, replace(settings, steer=False))
    systems["off"] = (False, None)
    return systems


def _run_feedback(model: MusicTransformer, timing: TimingSettings, held: Sequence[Song], args: argparse.Namespace,
                  rng: random.Random, params: SamplingParams) -> dict[str, object]:
    tests: list[dict[str, FeedbackResult]] = []
    groups: list[int] = []  # the piece of each test (the confidence intervals resample pieces)
    described: list[dict[str, object]] = []  # each test's piece, regions and distances (the report's eval.json)
    pieces = 0
    for song in rng.sample(list(held), len(held)):
        if pieces == args.feedback_pieces:
            break
        made = feedback_test_set(model, timing, piece_from_song(song), args, rng, params, len(tests))
        if made:
            pieces += 1
            tests += [systems for _, _, systems in made]
            groups += [pieces] * len(made)
            described += [{"piece": song.name, "track": dis.track, "marked": [dis.start_beat, dis.end_beat],
                           "kept": [neu.start_beat, neu.end_beat],
                           "distances": {name: r.distances for name, r in systems.items()}}
                          for dis, neu, systems in made]
            log.info("feedback: %s, %d tests so far", song.name, len(tests))
    return summarise_feedback(tests, args.rounds, args.gamma, groups=groups) | {
        "pieces": pieces, "asked": args.feedback_pieces, "per_test": described}


def feedback_test_set(model: MusicTransformer, timing: TimingSettings, piece: Piece, args: argparse.Namespace,
                      rng: random.Random, params: SamplingParams, offset: int
                      ) -> list[tuple[Region, Region, dict[str, FeedbackResult]]]:
    """`--tests-per-piece` tests on one piece (regions with notes of one track): (the marked region, the
    kept one, one run per system)."""
    options = candidate_regions(piece, args.feedback_bars)
    if len(options) < 4:
        return []
    out = []
    for index in range(args.tests_per_piece):
        dis, _ = rng.choice(options)
        far = [r for r, _ in options if r.track == dis.track and (r.end_beat <= dis.start_beat or r.start_beat >= dis.end_beat)]
        if not far:
            continue
        neu = rng.choice(far)
        seeded = _seeded(params, (params.seed or 0) + 104729 * (offset + index))
        out.append((dis, neu, {name: feedback_test(model, timing, piece, dis, neu, seeded, args.rounds, on, settings)
                               for name, (on, settings) in feedback_systems(args).items()}))
    return out


def _stats(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {}
    return {"mean": float(np.mean(values)), "median": float(np.median(values)), "p90": float(np.percentile(values, 90)),
            "max": float(np.max(values)), "n": len(values)}


def format_quality(result: dict[str, object]) -> str:
    table: dict[str, dict[str, float]] = result["quality"]  # type: ignore[assignment]
    rows = {**table, "Hu et al. CMI (Bread, their data)": PAPER_ROW}
    head = f"{'system':36s}" + "".join(f"{f:>7s}" for f in FIGURES)
    lines = [head] + [f"{name:36s}" + "".join(f"{row[f]:7.2f}" for f in FIGURES) for name, row in rows.items()]
    return "\n".join(lines)


def format_feedback(feedback: dict[str, Any]) -> str:
    if feedback.get("asked") == 0:
        return "feedback: not run (--feedback-pieces 0)"
    if not feedback.get("tests"):
        return "feedback: no tests (no held-out piece had enough regions with notes)"
    lines = [(f"feedback (simulated user): {feedback['tests']} tests on {feedback['pieces']} pieces, up to "
              f"{feedback['rounds']} rounds, gamma {feedback['gamma']:g}; IUS, RIC against 'off'")]
    for encoder, title in (("model", "target encoder (the frozen model's hidden states)"),
                           ("features", "cross-check: symbolic features (pitch, duration, onset, density)")):
        lines.append(f"  {title}")
        lines.append(f"  {'system':28s}{'SS@stop':>8s}{'SS mean':>8s}{'IC':>6s}{'sat.':>6s}{'IUS':>8s}"
                     f"{'IUS mean':>9s}{'RIC':>8s}{'s/round':>8s}")
        for name, row in feedback["systems"].items():
            f = row[encoder]
            lines.append(f"  {name:28s}{f['ss_stop']:+8.3f}{f['ss_mean']:+8.3f}{f['ic']:6.2f}{f['satisfied']:6.0%}"
                         f"{f['ius']:+8.1%}{f['ius_mean']:+9.1%}{f['ric']:+8.1%}{row['round_seconds']:8.2f}")
    base = feedback["systems"].get("off") or next(iter(feedback["systems"].values()))  # round 0 is every system's
    lines.append("  tests whose round 0 already matched the kept part (D_0 = 0: no round can satisfy them): "
                 + ", ".join(f"{base[e]['unreachable']} by the {e}" for e in ENCODERS))
    learning = {name: row["learn_seconds"] for name, row in feedback["systems"].items() if row["learn_seconds"]}
    lines += [f"  seconds of learning per round (within s/round): {name} {value:.3f}" for name, value in learning.items()]
    for name, row in feedback["systems"].items():
        for encoder in ENCODERS:
            ci = row[encoder].get("ci")
            if ci:
                lines.append(f"  95% interval over pieces, {name}, {encoder}: IUS {ci['ius'][0]:+.1%} .. {ci['ius'][1]:+.1%}, "
                             f"RIC {ci['ric'][0]:+.1%} .. {ci['ric'][1]:+.1%}")
    return "\n".join(lines)


def format_result(result: dict[str, object]) -> str:
    seconds: dict[str, float] = result["seconds_per_infill"]  # type: ignore[assignment]
    drafted: dict[str, float] = result.get("seconds_per_infill_drafts") or {}  # type: ignore[assignment]
    timing = f"seconds per infill: mean {seconds.get('mean', math.nan):.2f}, median {seconds.get('median', math.nan):.2f}"
    if drafted:
        timing += (f"; with the drafts ({result.get('drafts_per_infill', math.nan):.2f} a fill): mean {drafted['mean']:.2f}, "
                   f"median {drafted['median']:.2f}, 90% {drafted.get('p90', math.nan):.2f}, max {drafted['max']:.2f}")
    return "\n".join([
        (f"infill quality: {result['cases']} held-out cases of {result['region_bars']} bars, overlap with past (_p) "
         "and future (_f) context"), format_quality(result), timing,
        format_feedback(result["feedback"])])  # type: ignore[arg-type]


def write_report(folder: Path, result: dict[str, object], cases: Sequence[Case]) -> None:
    from agent.compose.report import write

    write(folder, result, format_result(result), cases)
