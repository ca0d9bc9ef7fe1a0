"""`sideman bench-model`: generation speed of a checkpoint in the live setting, cached vs no cache.

Plays a lead sheet (the built-in demo progression and melody) chunk by chunk exactly as the live agent
does, and reports notes generated per second of compute and the real-time factor at a tempo (music
seconds generated per second of compute). Then runs, in the same process on the same checkpoint, the
reference-style baseline that re-runs the full context for every token (no key/value cache), and prints
the ratio. A benchmark, not a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence

import torch

from agent.checkpoint import load_checkpoint
from agent.chords import parse_symbol
from agent.events import ChordSpan, Note, Part
from agent.generator import GenerationContext, SamplingParams
from agent.live_model import ModelGenerator
from agent.model_options import add_bench_model_arguments

PROGRESSION = ["C", "Am7", "Dm7", "G7", "Em7", "A7", "Dm7", "G7", "F", "Fm6", "Em7", "A7", "Dm7", "G7", "C", "C"]


def lead_sheet(bars: int) -> tuple[tuple[ChordSpan, ...], tuple[Note, ...]]:
    chords = tuple(ChordSpan(4.0 * i, 4.0, parse_symbol(PROGRESSION[i % 16])) for i in range(bars))  # type: ignore[arg-type]
    melody = []
    for i in range(bars * 4):
        span = chords[i // 4].chord
        tones = sorted(span.pitch_classes)
        melody.append(Note(float(i), 0.9, 72 + tones[i % len(tones)], 90))
    return chords, tuple(melody)


def run_live(generator: ModelGenerator, beats: int, parts: tuple[Part, ...], params: SamplingParams,
             chunk: float, lead: float) -> tuple[list[Note], float]:
    """(notes generated, compute seconds) for `beats` beats of live accompaniment."""
    chords, melody = lead_sheet(beats // 4 + 4)
    generator.reset()
    own: list[Note] = []
    elapsed = 0.0
    h = 0.0
    while h < beats:
        context = GenerationContext(
            playhead_beat=h - lead, tempo_bpm=120.0, meter=(4, 4), chords=chords,
            human=tuple(n for n in melody if n.beat <= h - lead), own=tuple(own[-256:]), parts=parts, params=params,
        )
        started = time.perf_counter()
        notes = generator.generate(context, h, h + chunk)
        elapsed += time.perf_counter() - started
        own.extend(notes)
        h += chunk
    return own, elapsed


def run(args: argparse.Namespace) -> int:
    """Print the figures; returns the exit code."""
    torch.set_num_threads(args.threads)
    model, timing, _ = load_checkpoint(args.model)
    parts = tuple(Part[p.strip().upper()] for p in args.parts.split(","))
    params = SamplingParams(seed=5)
    chunk, lead = timing.delta2_beats, timing.lead_beats
    run_live(ModelGenerator(model, timing), 16, parts, params, chunk, lead)  # warm-up
    figures = {}
    baseline_beats = args.baseline_beats or args.beats
    for label, cached, beats in (("cached", True, args.beats), ("no cache", False, baseline_beats)):
        played, seconds = run_live(ModelGenerator(model, timing, cached=cached), beats, parts, params, chunk, lead)
        notes = len(played)
        music_s = beats * 60.0 / args.bpm
        figures[label] = notes / seconds
        print(f"{label:9s}: {notes} notes in {beats} beats, {seconds:.2f} s compute, {notes / seconds:.0f} notes/s, "
              f"real-time factor {music_s / seconds:.1f} at {args.bpm:g} bpm")
    print(f"speed-up of the cache: {figures['cached'] / figures['no cache']:.1f}x "
          f"(threads {args.threads}, model {model.num_params()} params)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sideman bench-model", description=__doc__.splitlines()[0])
    add_bench_model_arguments(parser)
    logging.basicConfig(level=logging.WARNING)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
