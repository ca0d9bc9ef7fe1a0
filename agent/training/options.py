"""Options of the model commands (`train`, `eval`, `bench-model`): settings and argparse definitions.

Torch-free on purpose: the CLI builds every subcommand's parser at start, and `sideman run --help`
must not wait for torch to import.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from agent.model.anticipation import TimingSettings
from agent.model.paths import add_model_argument
from agent.settings import add_option

PRESET_NAMES = ("default", "tiny")  # model sizes, see agent.training.train.PRESETS


@dataclass(frozen=True)
class TrainSettings:
    steps: int = 30000  # total optimiser steps the schedule is planned for
    batch: int = 16  # examples per step
    lr: float = 1e-3  # peak learning rate
    min_lr: float = 1e-4  # final learning rate of the cosine schedule
    warmup: int = 300  # steps of linear warm-up
    weight_decay: float = 0.1
    ema: float = 0.998  # decay of the exponential moving average of the weights (a ~500-step horizon)
    eval_every: int = 250  # steps between held-out evaluations (and exports)
    save_every: int = 50  # steps between resumable saves
    log_every: int = 10
    eval_examples: int = 96
    seed: int = 0
    bf16: bool = False  # bfloat16 autocast (sideman train: --precision auto picks it where the hardware has bf16)


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, required=True, help="folder with pop909/ and/or nottingham/")
    parser.add_argument("--out", type=Path, default=Path("runs/default"), help="run directory (resumes)")
    parser.add_argument("--preset", choices=PRESET_NAMES, default="default")
    parser.add_argument("--steps", type=int, default=TrainSettings.steps, help="planned total steps")
    parser.add_argument("--until", type=int, default=None, help="stop at this step (resume later)")
    parser.add_argument("--init", type=Path, default=None,
                        help="with no state.pt in --out: start from this checkpoint's weights (e.g. the shipped model)")
    parser.add_argument("--batch", type=int, default=TrainSettings.batch)
    parser.add_argument("--eval-every", type=int, default=TrainSettings.eval_every)
    parser.add_argument("--limit", type=int, default=None, help="load at most this many songs")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for torch")
    parser.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                        help="auto: bfloat16 autocast where the CPU (AVX512-BF16/AMX) or GPU has bf16, else float32")
    parser.add_argument("--fp32", action="store_true", help="the same as --precision fp32")
    parser.add_argument("--device", default="auto", metavar="auto|cpu|cuda|cuda:N|mps",
                        help="where to train (auto: this process's GPU under torchrun when there is one, else the CPU)")
    parser.add_argument("--delta1", type=float, default=TimingSettings().delta1_beats, help="beats")
    parser.add_argument("--delta2", type=float, default=TimingSettings().delta2_beats, help="beats")
    parser.add_argument("--lead", type=float, default=TimingSettings().lead_beats, help="beats")
    parser.add_argument("--compose-delta", type=float, default=TimingSettings().compose_delta_beats,
                        help="anticipation of known material in composition, beats")
    parser.add_argument("--lr", type=float, default=TrainSettings.lr, help="peak learning rate")
    parser.add_argument("--min-lr", type=float, default=TrainSettings.min_lr, help="final learning rate")
    parser.add_argument("--warmup", type=int, default=TrainSettings.warmup, help="warm-up steps")


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_argument(parser)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--cache", type=Path, default=None, help="parsed-corpus cache file")
    parser.add_argument("--report", type=Path, default=Path("reports/eval"))
    parser.add_argument("--songs", type=int, default=10)
    parser.add_argument("--beats", type=float, default=64.0)
    parser.add_argument("--examples", type=int, default=96, help="held-out examples for the loss")
    for name in ("guidance", "temperature", "top_p"):  # default, range and help: agent/settings.py
        add_option(parser, name)
    parser.add_argument("--threads", type=int, default=1)


def add_bench_model_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_argument(parser)
    parser.add_argument("--beats", type=int, default=256, help="beats of music for the cached run")
    parser.add_argument("--baseline-beats", type=int, default=None,
                        help="beats for the no-cache baseline (default: the same music as the cached run)")
    parser.add_argument("--bpm", type=float, default=120.0)
    parser.add_argument("--parts", default="comp,bass", help="comma-separated: lead,counter,comp,bass")
    parser.add_argument("--data", type=Path, default=None,
                        help="play held-out songs from this data folder instead of the built-in lead sheet")
    parser.add_argument("--cache", type=Path, default=None, help="parsed-corpus cache file (with --data)")
    parser.add_argument("--songs", type=int, default=4, help="held-out songs to play (with --data)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed runs of the cached decoder (this VM's speed varies by up to 2x from run to "
                             "run; the median and the best are printed)")
