"""`sideman train` under torchrun: 2 processes (gloo, CPU) give one process's results for the same global batch.

The data is a folder of plain MIDI files (no POP909/Nottingham layout): parts guessed, chords
recognised by agent/music/chord_recog.py, as for a Lakh-style corpus.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from compose_fakes import song_file
from safetensors.torch import load_file

from agent.training.distributed import Ranks, use_bf16
from agent.training.train import is_heldout

REPO = Path(__file__).resolve().parents[1]
STEPS, BATCH = 4, 4


def midi_folder(folder: Path, count: int = 6) -> Path:
    """`count` MIDI files of different lengths, at least one of them held out by the song split."""
    folder.mkdir()
    stems = [f"tune{i}" for i in range(200)]
    held = next(s for s in stems if is_heldout(f"midi/{s}"))
    chosen = [held, *[s for s in stems if not is_heldout(f"midi/{s}")][: count - 1]]
    for i, stem in enumerate(chosen):
        song_file(folder / f"{stem}.mid", bars=8 + 2 * i, gap=(99, 99))
    return folder


def _train(launcher: list[str], data: Path, out: Path) -> subprocess.CompletedProcess[str]:
    args = [*launcher, "-m", "agent", "train", "--data", str(data), "--out", str(out), "--preset", "tiny",
            "--steps", str(STEPS), "--batch", str(BATCH), "--eval-every", str(STEPS), "--threads", "1",
            "--precision", "fp32", "--warmup", "2"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300, check=False, env=env)


def test_two_processes_train_like_one(tmp_path: Path) -> None:
    data = midi_folder(tmp_path / "midi")
    one = _train([sys.executable], data, tmp_path / "one")
    assert one.returncode == 0, one.stderr
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    two = _train(torchrun, data, tmp_path / "two")
    assert two.returncode == 0, two.stderr
    assert "rank 1 of 2 on cpu (gloo)" in two.stderr
    a = load_file(str(tmp_path / "one" / "model.safetensors"))
    b = load_file(str(tmp_path / "two" / "model.safetensors"))
    assert a.keys() == b.keys()
    worst = max(float((a[k] - b[k]).abs().max()) for k in a)
    print(f"largest weight difference, 2 processes vs 1: {worst:.2e}")
    assert worst < 1e-5, f"weights differ by up to {worst}"
    first, second = (p.read_text() for p in (tmp_path / "one" / "train.log", tmp_path / "two" / "train.log"))
    assert f"done at step {STEPS}" in first and f"done at step {STEPS}" in second
    assert "x 2" in second and "x 1" in first  # the world size is logged


def test_rows_split_a_global_batch() -> None:
    ranks = [Ranks(rank, 3) for rank in range(3)]
    rows = [list(range(7))[r.rows(7)] for r in ranks]
    assert sorted(row for part in rows for row in part) == list(range(7)) and rows[0] == [0, 3, 6]


def test_precision_auto_follows_the_hardware(monkeypatch: pytest.MonkeyPatch) -> None:
    cpu = torch.device("cpu")
    assert use_bf16("bf16", cpu) and not use_bf16("fp32", cpu)
    monkeypatch.setattr("agent.training.distributed.cpu_has_bf16", lambda: False)
    assert not use_bf16("auto", cpu)
    monkeypatch.setattr("agent.training.distributed.cpu_has_bf16", lambda: True)
    assert use_bf16("auto", cpu)
