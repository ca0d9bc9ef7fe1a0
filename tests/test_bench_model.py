"""`sideman bench-model` runs end to end on a tiny checkpoint and prints parseable figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch

from agent import cli
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import save_checkpoint
from agent.model.network import ModelConfig, MusicTransformer


def test_bench_model_prints_cached_runs_the_baseline_and_the_ratio(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    torch.manual_seed(0)
    path = tmp_path / "tiny.safetensors"
    model = MusicTransformer(ModelConfig(n_layer=1, n_head=2, d_model=32))
    with torch.no_grad():
        model.rel_time.bias[1:7] = 10.0  # random weights pick any time in 64 beats: make it play soon
    save_checkpoint(path, model, TimingSettings(), {"step": 1})
    with pytest.raises(SystemExit) as exit_code:
        cli.main(["bench-model", "--model", str(path), "--beats", "8", "--baseline-beats", "4", "--repeats", "2"])
    assert exit_code.value.code == 0
    out = capsys.readouterr().out
    runs = re.findall(r"cached   : run \d: (\d+) notes in 8 beats, .* (\d+) windows encoded", out)
    assert len(runs) == 2 and runs[0] == runs[1] and int(runs[0][0]) > 0, out  # fixed seed: the same music
    assert re.search(r"no cache : \d+ notes in 4 beats", out), out
    assert re.search(r"guided   : \d+ notes in 8 beats, .* two readings fed together", out), out
    median = re.search(r"median (\d+) notes/s \(best (\d+), worst (\d+) of 2 runs\)", out)
    assert median and int(median[3]) <= int(median[1]) <= int(median[2]), out
    assert re.search(r"speed-up of the cache: [\d.]+x at the median", out), out
