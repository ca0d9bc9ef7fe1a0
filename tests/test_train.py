"""Training on a few real songs with the tiny preset: checkpoints, export, exact resume, the CLI."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import torch

from agent.cli import main
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import load_checkpoint
from agent.music.events import Song
from agent.training.datasets import load_corpus
from agent.training.options import TrainSettings
from agent.training.train import PRESETS, Trainer, is_heldout, split

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SETTINGS = TrainSettings(steps=8, batch=2, eval_every=4, save_every=4, log_every=2, eval_examples=8)


@pytest.fixture(scope="module")
def songs(tmp_path_factory: pytest.TempPathFactory) -> list[Song]:
    if not DATA.is_dir():
        pytest.skip(f"training data not found at {DATA}")
    return load_corpus(DATA, cache=tmp_path_factory.mktemp("cache") / "corpus.json.gz", limit=34)


def trainer(songs: list[Song], out: Path) -> Trainer:
    out.mkdir(parents=True, exist_ok=True)
    return Trainer(songs, out, PRESETS["tiny"], SETTINGS, TimingSettings())


def test_split_is_by_song_and_stable(songs: list[Song]) -> None:
    train, held = split(songs)
    assert held and train
    assert {s.name for s in train}.isdisjoint(s.name for s in held)
    assert all(is_heldout(s.name) for s in held)


def test_resumed_run_equals_an_uninterrupted_one(songs: list[Song], tmp_path: Path) -> None:
    straight = trainer(songs, tmp_path / "a")
    straight.run()
    first = trainer(songs, tmp_path / "b")
    first.run(until_step=4)
    resumed = trainer(songs, tmp_path / "b")
    assert resumed.load_state() and resumed.step == 4
    resumed.run()
    for p, q in zip(straight.model.parameters(), resumed.model.parameters(), strict=True):
        assert torch.allclose(p, q, atol=1e-6)
    _, timing, info = load_checkpoint(tmp_path / "b" / "model.safetensors")
    assert info["step"] == 8 and timing == TimingSettings()
    assert info["heldout_loss_per_event_token"] < 9.0  # ln(vocab) is 8.2: a finite, sane figure


def test_training_lowers_the_loss(songs: list[Song], tmp_path: Path) -> None:
    run = Trainer(songs, tmp_path, PRESETS["tiny"],
                  TrainSettings(steps=60, batch=4, lr=3e-3, warmup=5, eval_every=60, save_every=60, eval_examples=8),
                  TimingSettings())
    losses = [run.train_step() for _ in range(60)]
    assert sum(losses[-10:]) / 10 < sum(losses[:10]) / 10 - 0.5


def test_cli_train_writes_log_state_and_model(songs: list[Song], tmp_path: Path) -> None:
    out = tmp_path / "run"
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--data", str(DATA), "--out", str(out), "--preset", "tiny", "--steps", "4",
              "--batch", "2", "--eval-every", "2", "--limit", "34", "--threads", "1"])
    for handler in logging.getLogger("sideman.training.train").handlers[:]:
        handler.close()
        logging.getLogger("sideman.training.train").removeHandler(handler)
    assert exit_info.value.code == 0
    assert (out / "state.pt").exists() and (out / "model.safetensors").exists()
    assert "heldout" in (out / "train.log").read_text()


def test_warm_start_from_an_exported_checkpoint(songs: list[Song], tmp_path: Path) -> None:
    first = trainer(songs, tmp_path / "a")
    first.run(until_step=4)
    second = trainer(songs, tmp_path / "b")
    second.warm_start(tmp_path / "a" / "model.safetensors")
    assert second.step == 4
    exported, _, _ = load_checkpoint(tmp_path / "a" / "model.safetensors")
    for p, q in zip(exported.parameters(), second.model.parameters(), strict=True):
        assert torch.equal(p, q)
    retimed = Trainer(songs, tmp_path / "c", PRESETS["tiny"], SETTINGS, TimingSettings(delta1_beats=2.0))
    retimed.warm_start(tmp_path / "a" / "model.safetensors")  # retraining for a new timing is the point
    assert torch.equal(retimed.model.tok_emb.weight, exported.tok_emb.weight)
    wider = Trainer(songs, tmp_path / "d", PRESETS["default"], SETTINGS, TimingSettings())
    with pytest.raises(ValueError, match="shape"):
        wider.warm_start(tmp_path / "a" / "model.safetensors")


def test_warm_start_from_an_older_vocabulary_keeps_the_old_rows(songs: list[Song], tmp_path: Path) -> None:
    """A checkpoint from before the activity and delay tokens (vocabulary up to PAD) warm-starts."""
    from safetensors.torch import load_file, save_file

    from agent.model import vocab as V
    from agent.model.checkpoint import read_metadata

    first = trainer(songs, tmp_path / "a")
    first.run(until_step=4)
    path = tmp_path / "a" / "model.safetensors"
    state, meta = load_file(str(path)), read_metadata(path)
    state["tok_emb.weight"] = state["tok_emb.weight"][: V.PAD + 1].clone()
    old = tmp_path / "old.safetensors"
    save_file(state, str(old), metadata={**meta, "vocab_hash": "f926d38e57e5dbad"})
    second = trainer(songs, tmp_path / "b")
    fresh_rows = second.model.tok_emb.weight[V.PAD + 1 :].detach().clone()
    second.warm_start(old)
    assert torch.equal(second.model.tok_emb.weight[: V.PAD + 1], state["tok_emb.weight"])
    assert torch.equal(second.model.tok_emb.weight[V.PAD + 1 :], fresh_rows)
    assert torch.equal(second.ema.tok_emb.weight, second.model.tok_emb.weight)
