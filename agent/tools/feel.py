"""`sideman bench --feel`: does the agent play like a sideman? Figures a musician would notice (issue 10).

Each run starts a real agent process (as `sideman bench` does) and a simulated DAW (agent/tools/daw_sim.py)
that behaves as Live does for a user practising: it reports its position while stopped, waits half a
second, presses play at the loop start (no count-in), loops a 2-, 4- or 8-bar brace for several passes,
and plays the human melody live. Printed per sheet and tempo:

- notes in the first beat after play, and after every wrap (silence there is what a band notices first);
- notes planned past the loop end (never heard), late notes, lead p1/p50/p99 (ms);
- reaction: the worst case from a human note's arrival to the first agent note that can depend on it,
  as planned at that tempo (`agent.live.timing`), and as measured: for every human note, the first agent
  note that arrived at the DAW after it and sounds at least the model's human delay after it;
- notes per beat (comp + bass) and, with `--data`, the histogram intersection of onset positions in the
  bar (1/12-beat grid: sixteenths and triplets) and of durations with the held-out real comp and bass
  parts of the corpus whose style is asked (`sampling.style`: pop is POP909's, folk Nottingham's; auto,
  both);
- activity 0.1 / 0.5 / 0.9 on the same sheet: notes per beat.

Not a test: it takes minutes of real time. The figures go in the closing notes and models/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agent.config import Config
from agent.live.timing import DEFAULT_DELAYS, plan
from agent.music.events import TICKS_PER_BEAT, Note, Part
from agent.music.leadsheet import feel_sheet
from agent.music.measures import duration_histogram, histogram_intersection, onset_histogram
from agent.tools.agent_process import AgentProcess, last_status
from agent.tools.daw_sim import DawReport, SimDaw


@dataclass(frozen=True, slots=True)
class FeelRun:
    sheet: str
    bpm: float
    loop_bars: int
    passes: int
    activity: float = -1.0  # -1: the config's (the model's own choice by default)
    seed: int | None = None


LOOP_RUNS = (
    FeelRun("minor", 60.0, 2, 3),
    FeelRun("axis", 100.0, 2, 6),
    FeelRun("blues", 120.0, 4, 4),
    FeelRun("rock", 180.0, 8, 2),
    FeelRun("blues", 300.0, 4, 4),
)
ACTIVITY_RUNS = tuple(FeelRun("axis", 120.0, 4, 2, activity) for activity in (0.1, 0.5, 0.9))


@dataclass(slots=True)
class FeelResult:
    run: FeelRun
    report: DawReport
    fallback_chunks: int
    chunks_note: str
    reaction_planned_ms: float
    reaction_measured_ms: tuple[float, float]  # p50, max
    notes_per_beat: float
    onset_overlap: float = math.nan
    duration_overlap: float = math.nan


def performed_notes(report: DawReport) -> list[Note]:
    """The agent's played notes on the beats-since-play line (what the audience heard), comp and bass."""
    return [Note(n.performed_beat, n.note.dur_beats, n.note.pitch, n.note.velocity, Part.COMP)
            for n in report.played() if math.isfinite(n.performed_beat)]


def measured_reaction(report: DawReport, daw: SimDaw, delay_beats: float) -> tuple[float, float]:
    """p50 and worst seconds->ms from a human note's arrival to the first agent note that can depend on it."""
    tr = daw.transport_
    played = sorted((n for n in report.played() if math.isfinite(n.performed_beat)), key=lambda n: n.arrival_s)
    waits = []
    for sent_s, _song in report.human_arrivals:
        depends_from = tr.performed_at(sent_s) + delay_beats - 1e-6
        sounding = [tr.time_at(n.performed_beat) for n in played
                    if n.arrival_s > sent_s and n.performed_beat >= depends_from]
        if sounding:
            waits.append(min(sounding) - sent_s)
    if not waits:
        return math.nan, math.nan
    return float(np.percentile(waits, 50)) * 1000.0, max(waits) * 1000.0


async def play_run(args: argparse.Namespace, run: FeelRun, config: Config) -> FeelResult:
    sheet = feel_sheet(run.sheet)
    loop_beats = 4.0 * run.loop_bars
    daw = SimDaw(sheet, run.bpm, preroll_beats=0.0, loop=(0.0, loop_beats), passes=run.passes,
                 wait_before_play_s=0.5)
    extra = list(args.overrides)
    if run.activity >= 0:
        extra.append(f"sampling.activity={run.activity}")
    if run.seed is not None:
        extra.append(f"sampling.seed={run.seed}")
    agent = AgentProcess(argparse.Namespace(config=args.config, overrides=extra, model=args.model), await daw.open())
    try:
        report = await daw.run(await agent.ready(), settle_s=1.2)
    finally:
        agent.stop()
        daw.close()
    status = last_status(report)
    t = config.timing
    p = plan(run.bpm, t.lead_ms, t.reaction_ms, DEFAULT_DELAYS, t.delta2_beats)
    beats = daw.length_beats
    return FeelResult(
        run, report, status.fallback_chunks if status else -1,
        f"chunk {p.chunk_beats * TICKS_PER_BEAT:.0f} ticks, lead {p.lead_beats * 60_000 / run.bpm:.0f} ms, "
        f"human delay {p.delay_ticks} ticks",
        p.worst_reaction_ms, measured_reaction(report, daw, p.delay_beats), len(report.played()) / beats,
    )


def real_profiles(data: Path, cache: Path | None, source: str | None, songs: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Onset-position and duration histograms of the held-out real comp and bass parts of `source`'s 4/4
    songs (None: both corpora, in their file order)."""
    from agent.training.datasets import load_corpus
    from agent.training.groove import profiles, real_notes
    from agent.training.train import is_heldout

    corpus = [s for s in load_corpus(data, cache=cache)
              if is_heldout(s.name) and s.meter == (4, 4) and source in (None, s.source)][:songs]
    return profiles(real_notes(corpus, None))


def style_source(style: str) -> str | None:
    """The corpus whose accompaniment a style is (pop: POP909, folk: Nottingham; auto: None, both)."""
    from agent.training.examples import SOURCE_STYLES

    return next((source for source, named in SOURCE_STYLES.items() if named == style), None)


def run_feel(args: argparse.Namespace, config: Config) -> str:
    source = style_source(config.sampling.style)
    profiles = real_profiles(args.data, args.cache, source) if args.data is not None else None
    lines = [("Sideman feel benchmark (real time, loopback OSC, agent in its own process; play from stop, loops; "
             f"style {config.sampling.style}: rhythm against the real parts of {source or 'POP909 and Nottingham'})")]
    results = []
    for run in (*LOOP_RUNS, *ACTIVITY_RUNS):
        result = asyncio.run(play_run(args, run, config))
        if profiles is not None:
            heard = performed_notes(result.report)
            result.onset_overlap = histogram_intersection(onset_histogram(heard), profiles[0])
            result.duration_overlap = histogram_intersection(duration_histogram(heard), profiles[1])
        results.append(result)
        lines += describe(result)
    lines += summary(results)
    if profiles is not None:
        heard = [n for r in results if r.run.activity < 0 for n in performed_notes(r.report)]
        lines.append(f"  rhythm over all loop runs vs real: onsets "
                     f"{histogram_intersection(onset_histogram(heard), profiles[0]):.2f}, durations "
                     f"{histogram_intersection(duration_histogram(heard), profiles[1]):.2f} ({len(heard)} notes)")
    return "\n".join(lines)


def describe(result: FeelResult) -> list[str]:
    run, report = result.run, result.report
    starts = report.pass_starts()
    firsts = [report.notes_in(s, s + 1.0) for s in starts]
    p1, p50, p99 = report.lead_ms()
    title = (f"{run.sheet} at {run.bpm:g} bpm, {run.loop_bars}-bar loop x {run.passes}"
             + (f", activity {run.activity:g}" if run.activity >= 0 else ""))
    return [
        title,
        f"  first beat after play: {firsts[0]} notes; after each wrap: {firsts[1:]}",
        (f"  past the loop end:     {report.past_loop_end()}; late: {report.late()}; fallback chunks: "
        f"{result.fallback_chunks}"),
        f"  lead ms:               p1 {p1:.0f}, p50 {p50:.0f}, p99 {p99:.0f} ({result.chunks_note})",
        (f"  reaction ms:           planned worst {result.reaction_planned_ms:.0f}; measured p50 "
        f"{result.reaction_measured_ms[0]:.0f}, worst {result.reaction_measured_ms[1]:.0f} "
        f"({len(report.human_arrivals)} human notes)"),
        f"  notes per beat:        {result.notes_per_beat:.2f}"
        + (f"; onset profile vs real {result.onset_overlap:.2f}, durations vs real {result.duration_overlap:.2f}"
           if math.isfinite(result.onset_overlap) else ""),
    ]


def summary(results: Sequence[FeelResult]) -> list[str]:
    loops = [r for r in results if r.run.activity < 0]
    silent = sum(1 for r in loops for s in r.report.pass_starts() if r.report.notes_in(s, s + 1.0) == 0)
    downbeats = sum(len(r.report.pass_starts()) for r in loops)
    lines = ["summary",
             f"  silent first beats (after play or a wrap): {silent} of {downbeats}",
             (f"  notes past a loop end: {sum(r.report.past_loop_end() for r in results)}; late: "
             f"{sum(r.report.late() for r in results)}"),
             (f"  notes per beat over the loop runs: mean {np.mean([r.notes_per_beat for r in loops]):.2f}, "
             f"min {min(r.notes_per_beat for r in loops):.2f}")]
    for r in results:
        if r.run.activity >= 0:
            lines.append(f"  activity {r.run.activity:g}: {r.notes_per_beat:.2f} notes per beat")
    return lines
