"""`sideman train`: build examples from a folder of MIDI and train, resumably, on the CPU.

Design: examples are made on the fly (a random song, window, role assignment and transposition per
example, `agent.training.examples`), so the data never repeats exactly and there is no preprocessing step
beyond the parsed-corpus cache. Songs are split by song (a hash of the name), so held-out songs are
never seen. The run directory holds:

- `train.log`  - one progress line per log interval (step, loss, held-out loss, lr, tokens/s, elapsed);
- `state.pt`   - the resumable state (weights, EMA weights, optimiser, step, RNG), written atomically;
- `model.safetensors` - the exported EMA weights with settings, after each evaluation: what ships.

Training continues from `state.pt` when it exists, so a run can be stopped and resumed across days.
Under torchrun it trains on several processes or GPUs with the results of one (agent/training/distributed.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from agent.model import vocab as V
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import save_checkpoint
from agent.model.network import ModelConfig, MusicTransformer
from agent.music.events import Song
from agent.training import distributed
from agent.training.datasets import load_corpus
from agent.training.distributed import Ranks
from agent.training.examples import Example, build_example
from agent.training.options import TrainSettings

log = logging.getLogger("sideman.training.train")

# The default size is chosen for the live speed target (issue 6: >= 300 notes/s on 2 CPU cores):
# decoding one token at batch 1 streams every weight from memory, so time per token follows the
# weight bytes. On this machine 4 x 256 (4.3M parameters) took ~2.2-3.8 ms per token, 4 x 192
# (2.6M) ~1.3 ms; and with a few hours of CPU training (~15-30M tokens) the smaller model is not
# the bottleneck of quality either.
PRESETS = {
    "default": ModelConfig(n_layer=4, n_head=4, d_model=192),
    "tiny": ModelConfig(n_layer=1, n_head=2, d_model=32),
}


def is_heldout(name: str) -> bool:
    """5% of songs, chosen by a stable hash of the name, never used for training."""
    return zlib.crc32(name.encode()) % 20 == 0


def write_state(state: dict[str, Any], path: Path) -> None:
    """`torch.save` a run's state to `path` through a temporary file and a rename: a run stopped while
    saving keeps its previous state whole (the resumable runs of `sideman train` and `train-compose`)."""
    tmp = path.with_name(path.name + ".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def split(songs: Sequence[Song]) -> tuple[list[Song], list[Song]]:
    train = [s for s in songs if not is_heldout(s.name)]
    held = [s for s in songs if is_heldout(s.name)]
    return train, held


def collate(examples: Sequence[Example]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(inputs, chord ids, targets) with targets -100 where no loss is taken; padded with PAD."""
    length = max(len(e.tokens) for e in examples)
    tokens = torch.full((len(examples), length), V.PAD, dtype=torch.long)
    chords = torch.zeros((len(examples), length), dtype=torch.long)
    targets = torch.full((len(examples), length), -100, dtype=torch.long)
    for row, ex in enumerate(examples):
        n = len(ex.tokens)
        tokens[row, :n] = torch.tensor(ex.tokens)
        chords[row, :n] = torch.tensor(ex.chords)
        targets[row, :n] = torch.where(torch.tensor(ex.targets), tokens[row, :n], -100)
    return tokens[:, :-1], chords[:, :-1], targets[:, 1:]


def batch_loss(model: torch.nn.Module, batch: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
               bf16: bool = False) -> torch.Tensor:
    """Mean cross-entropy over target tokens; `bf16` runs the matmuls in bfloat16 (weights stay fp32)."""
    count = max(int((batch[2] != -100).sum()), 1)
    return batch_loss_sum(model, batch, bf16) / count


def batch_loss_sum(model: torch.nn.Module, batch: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
                   bf16: bool = False) -> torch.Tensor:
    """Summed cross-entropy over target tokens (a rank's share of a global batch's mean, once divided).

    bfloat16 autocast trains about 1.9x faster on a CPU with AVX512-BF16 (4-layer, 256-wide model at
    batch 16 x 510 tokens) and about 2x slower on one without (distributed.use_bf16 decides).
    """
    tokens, chords, targets = batch
    with torch.autocast(tokens.device.type, dtype=torch.bfloat16, enabled=bf16):
        logits = model(tokens, chords)
    return F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100,
                           reduction="sum")


def lr_at(step: int, s: TrainSettings) -> float:
    if step < s.warmup:
        return s.lr * (step + 1) / s.warmup
    progress = min(1.0, (step - s.warmup) / max(1, s.steps - s.warmup))
    return s.min_lr + 0.5 * (s.lr - s.min_lr) * (1 + math.cos(math.pi * progress))


@torch.no_grad()
def evaluate_loss(model: MusicTransformer, examples: Sequence[Example], batch: int = 16) -> float:
    """Mean cross-entropy per event token (nats) over fixed examples."""
    model.eval()
    device = next(model.parameters()).device
    total, count = 0.0, 0
    for start in range(0, len(examples), batch):
        tokens, chords, targets = (t.to(device) for t in collate(examples[start : start + batch]))
        logits = model(tokens, chords)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), reduction="sum",
                               ignore_index=-100)
        total += float(loss)
        count += int((targets != -100).sum())
    return total / max(count, 1)


class Trainer:
    """Owns the model, its EMA copy, the optimiser and the run directory."""

    def __init__(self, songs: Sequence[Song], out: Path, config: ModelConfig, settings: TrainSettings,
                 timing: TimingSettings, ranks: Ranks | None = None) -> None:
        self.out, self.settings, self.timing = out, settings, timing
        self.ranks = ranks or Ranks()
        if settings.batch < self.ranks.world:
            raise ValueError(f"--batch {settings.batch} is smaller than the {self.ranks.world} processes: "
                             "every process needs at least one example per step")
        self.train_songs, held = split(songs)
        if not self.train_songs or not held:
            raise ValueError(f"need songs for training and held-out, got {len(self.train_songs)}/{len(held)}")
        eval_rng = random.Random(1234)
        self.eval_set = [build_example(eval_rng.choice(held), eval_rng, timing) for _ in range(settings.eval_examples)]
        self.rng = random.Random(settings.seed)
        torch.manual_seed(settings.seed)
        self.model = MusicTransformer(config).to(self.ranks.device)
        self.ema = MusicTransformer(config).to(self.ranks.device)
        self.ema.load_state_dict(self.model.state_dict())
        self._net: torch.nn.Module | None = None  # the model as trained: DDP-wrapped under torchrun
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=settings.lr, betas=(0.9, 0.95),
                                     weight_decay=settings.weight_decay)
        self.step, self.elapsed_s, self.tokens_seen, self.best = 0, 0.0, 0, float("inf")
        self.history: list[dict[str, float]] = []

    def save_state(self) -> None:
        state = {
            "model": self.model.state_dict(), "ema": self.ema.state_dict(), "opt": self.opt.state_dict(),
            "step": self.step, "elapsed_s": self.elapsed_s, "tokens_seen": self.tokens_seen,
            "best": self.best, "history": json.dumps(self.history), "rng": json.dumps(self.rng.getstate()),
            "config": json.dumps(self.model.config.to_dict()),
        }
        write_state(state, self.out / "state.pt")

    def load_state(self) -> bool:
        path = self.out / "state.pt"
        if not path.exists():
            return False
        state = torch.load(path, weights_only=True, map_location=self.ranks.device)
        if json.loads(state["config"]) != self.model.config.to_dict():
            raise ValueError(f"{path} holds a different model config; use another --out")
        self.model.load_state_dict(state["model"])
        self.ema.load_state_dict(state["ema"])
        self.opt.load_state_dict(state["opt"])
        self.step, self.elapsed_s = int(state["step"]), float(state["elapsed_s"])
        self.tokens_seen, self.best = int(state["tokens_seen"]), float(state["best"])
        self.history = json.loads(state["history"])
        rng = json.loads(state["rng"])
        self.rng.setstate((rng[0], tuple(rng[1]), rng[2]))
        return True

    def warm_start(self, path: Path) -> None:
        """Start from an exported checkpoint's weights (a run directory lost with its machine): the
        step count goes on from the checkpoint's; the optimiser state starts afresh.

        A checkpoint of an older vocabulary whose layout is a prefix of this one (tokens added after
        PAD, as issue 10's activity and delay tokens were) warm-starts too: every tensor of the same
        shape is copied, the token embedding row by row for the old ids; the new rows keep their
        fresh initialisation."""
        from safetensors.torch import load_file

        from agent.model.checkpoint import read_metadata

        meta = read_metadata(path)
        info = json.loads(meta.get("info", "{}"))
        old = load_file(str(path))
        own = self.model.state_dict()
        copied = 0
        for name, tensor in old.items():
            if name not in own:
                continue
            if own[name].shape == tensor.shape:
                own[name] = tensor
            elif name == "tok_emb.weight" and tensor.shape[1] == own[name].shape[1] and tensor.shape[0] < own[name].shape[0]:
                own[name][: tensor.shape[0]] = tensor
            else:
                raise ValueError(f"{path}: {name} has shape {tuple(tensor.shape)}, this run {tuple(own[name].shape)}")
            copied += 1
        self.model.load_state_dict(own)
        self.ema.load_state_dict(own)
        self.step = int(info.get("step", 0))
        self.elapsed_s = float(info.get("train_seconds", 0.0))
        self.tokens_seen = int(info.get("event_tokens_seen", 0))
        same = meta.get("vocab_hash") == V.vocab_hash()
        log.info("warm start from %s at step %d (%d tensors; vocabulary %s)", path, self.step, copied,
                 "the same" if same else f"{meta.get('vocab_hash')} extended to {V.vocab_hash()}")

    def net(self) -> torch.nn.Module:
        """The model wrapped for DistributedDataParallel under torchrun (made after any resume or warm
        start: wrapping broadcasts rank 0's weights), the model itself in one process."""
        if self._net is None:
            if self.ranks.world > 1:
                from torch.nn.parallel import DistributedDataParallel

                ids = [self.ranks.device.index] if self.ranks.device.type == "cuda" else None
                self._net = DistributedDataParallel(self.model, device_ids=ids)
            else:
                self._net = self.model
        return self._net

    def train_step(self) -> float:
        """One optimiser step on a global batch of `batch` examples; returns its mean loss.

        Every rank draws the same examples (the same seeded stream) and trains on its own rows, so
        the step equals one process's (agent/training/distributed.py)."""
        s, ranks = self.settings, self.ranks
        net = self.net()
        self.model.train()
        examples = [build_example(self.rng.choice(self.train_songs), self.rng, self.timing) for _ in range(s.batch)]
        batch = collate(examples)
        count = max(int((batch[2] != -100).sum()), 1)  # target tokens in the global batch
        mine = tuple(t[ranks.rows(s.batch)].to(ranks.device) for t in batch)
        for group in self.opt.param_groups:
            group["lr"] = lr_at(self.step, s)
        share = batch_loss_sum(net, (mine[0], mine[1], mine[2]), s.bf16) / count
        self.opt.zero_grad(set_to_none=True)
        (share * ranks.world).backward()  # type: ignore[no-untyped-call]  # DDP averages over ranks
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.opt.step()
        with torch.no_grad():
            for ema_p, p in zip(self.ema.parameters(), self.model.parameters(), strict=True):
                ema_p.lerp_(p, 1.0 - s.ema)
        self.step += 1
        self.tokens_seen += count
        return float(distributed.all_sum(share.detach(), ranks))

    def evaluate_and_export(self) -> float:
        """Held-out loss of the raw and the averaged weights; the better one is exported."""
        raw, ema = evaluate_loss(self.model, self.eval_set), evaluate_loss(self.ema, self.eval_set)
        held, best_model = (ema, self.ema) if ema <= raw else (raw, self.model)
        self.history.append({"step": self.step, "heldout": held, "raw": raw, "ema": ema, "elapsed_s": self.elapsed_s})
        self.best = min(self.best, held)
        info = {"step": self.step, "heldout_loss_per_event_token": held, "train_seconds": self.elapsed_s,
                "event_tokens_seen": self.tokens_seen, "train_songs": len(self.train_songs),
                "params": self.model.num_params(), "weights": "ema" if best_model is self.ema else "raw"}
        save_checkpoint(self.out / "model.safetensors", best_model, self.timing, info)
        return held

    def run(self, until_step: int | None = None) -> None:
        s = self.settings
        stop = min(s.steps, until_step if until_step is not None else s.steps)
        window_loss, window_t, window_tokens = 0.0, time.monotonic(), self.tokens_seen
        while self.step < stop:
            t0 = time.monotonic()
            window_loss += self.train_step()
            self.elapsed_s += time.monotonic() - t0
            if self.step % s.log_every == 0 and self.ranks.main:
                rate = (self.tokens_seen - window_tokens) / max(time.monotonic() - window_t, 1e-9)
                log.info("step %d/%d loss %.3f lr %.2e event-tok/s %.0f elapsed %.0fs", self.step, s.steps,
                         window_loss / s.log_every, lr_at(self.step, s), rate, self.elapsed_s)
                window_loss, window_t, window_tokens = 0.0, time.monotonic(), self.tokens_seen
            if not self.ranks.main:  # rank 0 evaluates and writes the run directory
                continue
            if self.step % s.eval_every == 0 or self.step == stop:
                held = self.evaluate_and_export()
                log.info("step %d heldout %.4f (raw %.4f, ema %.4f, best %.4f)", self.step, held,
                         self.history[-1]["raw"], self.history[-1]["ema"], self.best)
            if self.step % s.save_every == 0 or self.step == stop:
                self.save_state()


def run_from_args(args: argparse.Namespace) -> int:
    """Entry point of `sideman train` (also one process of a torchrun launch); returns the exit code."""
    ranks = distributed.start(args.device)
    try:
        _train(args, ranks)
    finally:
        distributed.stop(ranks)
    return 0


def _train(args: argparse.Namespace, ranks: Ranks) -> None:
    args.out.mkdir(parents=True, exist_ok=True)
    if ranks.main:
        handler = logging.FileHandler(args.out / "train.log")
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)  # the progress file gets every line, whatever the console level
    torch.set_num_threads(args.threads)
    if not ranks.main:
        distributed.barrier(ranks)  # rank 0 parses the corpus and writes the cache first
    songs = load_corpus(args.data, cache=args.out / "corpus.json.gz", limit=args.limit)
    if ranks.main:
        distributed.barrier(ranks)
    bf16 = distributed.use_bf16("fp32" if args.fp32 else args.precision, ranks.device)
    settings = TrainSettings(steps=args.steps, batch=args.batch, eval_every=min(args.eval_every, args.steps),
                             bf16=bf16, lr=args.lr, min_lr=args.min_lr, warmup=args.warmup)
    timing = TimingSettings(args.delta1, args.delta2, args.lead, args.compose_delta)
    trainer = Trainer(songs, args.out, PRESETS[args.preset], settings, timing, ranks)
    resumed = trainer.load_state()
    if not resumed and args.init is not None:
        trainer.warm_start(args.init)
    log.info("%s at step %d: %d train songs, %d params, timing %s, %s on %s x %d", "resumed" if resumed else "started",
             trainer.step, len(trainer.train_songs), trainer.model.num_params(), timing,
             "bf16" if bf16 else "fp32", ranks.device, ranks.world)
    trainer.run(args.until)
    log.info("done at step %d, best held-out loss %.4f", trainer.step, trainer.best)
