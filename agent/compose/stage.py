"""`sideman train-compose`: the JEP-AGA stage on a trained generator (issue 14; Hu et al. 2025).

A separate stage after the generator's own training ("or as a separate stage on the shipped
generator"): it adds JEP-AGA's encoders (`agent.model.jepa`) and teaches the generator to use them.
Every step takes a batch of infilling cases from training songs (a track, a region of 1-4 bars, the
piece around it) and

- trains the context encoder and predictor to predict the target encoder's representation of the
  masked region (mean squared distance of layer-normed representations per frame), then moves the
  target encoder towards the context encoder (EMA, 0.996);
- trains the generator on the region's real notes, teacher-forced in exactly the infilling format
  (`agent.compose.infill.encode_region`, windows opening 4, 8 or 16 beats before the region),
  conditioned through the zero-initialised projection of `MusicTransformer.condition` (Adam, 1e-4
  for the generator and the projection alike) on, per case: the predictor's output (30%, detached:
  the representation is JEP-AGA's, the generator learns to read it), the target encoder's
  representation of the real region (50%), or nothing (20%, a zero table: the same weights also
  infill without the encoders, so the ablation of Hu et al.'s Table 3 runs on one checkpoint).

Why the target representation: conditioned on predictions alone (two tries of 50-300 steps), the
conditioned held-out loss stayed 0.02-0.03 nats per region token above the unconditioned one, on
training cases too: the prediction tells the generator little its own view of the context (past,
and every known note 16 beats ahead) does not, so the projection's gradient is weak and Adam's
normalised steps mostly add noise to it (its norm after 50 steps, 0.09, is that of a random walk
of 49k weights). The target representation describes the region itself: the generator learns to
follow it, and at inference the prediction (cosine ~0.9 to the target) stands in for it, as in the
paper, and the interaction learner moves it.

The run directory holds `train.log`, `state.pt` (resumable: weights, encoders, optimiser, step, RNG)
and `model.safetensors` (generator + encoders, `agent.model.checkpoint`), exported at every evaluation
with the held-out figures: the generator's loss per region token with and without the conditioning,
and the predictor's loss.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F

from agent.compose.infill import encode_region
from agent.compose.jepa import region_frames
from agent.compose.piece import Piece, Region, inside, piece_from_song
from agent.model import jepa as J
from agent.model import vocab as V
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import load_checkpoint, save_checkpoint
from agent.model.network import MusicTransformer
from agent.music.events import Song
from agent.training.datasets import load_corpus
from agent.training.examples import Example
from agent.training.train import collate, split

log = logging.getLogger("sideman.compose.stage")

REGION_BARS = (1, 2, 2, 4, 4)  # bars per training region, drawn uniformly from this list
HISTORY_CHOICES = (4.0, 8.0, 16.0)  # beats of past a window opens with (infill uses 16 when it fits)
SOURCES = {"predicted": 0.3, "target": 0.5, "zero": 0.2}  # what a training case is conditioned on


@dataclass(frozen=True)
class StageSettings:
    steps: int = 3000
    batch: int = 8
    lr_generator: float = 1e-4  # the warm-started network and its conditioning projection
    lr_encoders: float = 3e-4  # the context encoder and predictor
    eval_every: int = 100
    save_every: int = 50  # ~2-3 minutes on a shared core
    log_every: int = 10
    eval_cases: int = 48
    seed: int = 0


@dataclass(frozen=True)
class Case:
    """One training case: frames for the encoders, the region teacher-forced for the generator."""

    frames: J.Frames
    example: Example
    origin: float


def pick_region(piece: Piece, rng: random.Random, tries: int = 20) -> Region | None:
    """A random region of 1-4 bars of a pitched track holding at least two of its notes."""
    tracks = [i for i, t in enumerate(piece.tracks) if not t.drums and len(t.notes) >= 8]
    beats = piece.downbeats
    if not tracks or len(beats) < 3:
        return None
    for _ in range(tries):
        position = rng.choice(tracks)
        bars = rng.choice(REGION_BARS)
        k = rng.randrange(1, max(2, len(beats) - bars))
        start = beats[k]
        end = beats[k + bars] if k + bars < len(beats) else piece.bar_end(len(beats) - 1)
        track = piece.tracks[position]
        if len(inside(track.notes, start, end)) >= 2:
            return Region(position, start, end, (track.part,))
    return None


def make_case(piece: Piece, region: Region, timing: TimingSettings, n_frames: int, history: float) -> Case:
    content = inside(piece.tracks[region.track].notes, region.start_beat, region.end_beat)
    encoded = encode_region(piece, region, content, timing, history_beats=history)
    targets = [False] * len(encoded.tokens)
    for p in encoded.positions:
        targets[p] = True
    return Case(region_frames(piece, region, n_frames), Example(encoded.tokens, encoded.chords, targets), encoded.origin)


def random_case(pieces: Sequence[Piece], rng: random.Random, timing: TimingSettings, n_frames: int) -> Case:
    while True:
        piece = rng.choice(pieces)
        region = pick_region(piece, rng)
        if region is not None:
            return make_case(piece, region, timing, n_frames, rng.choice(HISTORY_CHOICES))


def tables(cases: Sequence[Case], reps: dict[str, torch.Tensor], sources: Sequence[str]) -> torch.Tensor:
    """(B, WINDOW_BEATS, cond_dim) conditioning tables, each case from the representation its source
    names ("predicted", "target") or zeros ("zero")."""
    rows = []
    for b, (case, source) in enumerate(zip(cases, sources, strict=True)):
        rep = reps["predicted" if source == "zero" else source][b]
        table = J.cond_table(rep, torch.from_numpy(case.frames.masked), case.frames.start_beat, case.origin,
                             V.WINDOW_BEATS)
        rows.append(torch.zeros_like(table) if source == "zero" else table)
    return torch.stack(rows)


def losses(model: MusicTransformer, jepa: J.JointEmbedding, cases: Sequence[Case], sources: Sequence[str]
           ) -> tuple[torch.Tensor, torch.Tensor]:
    """(generator cross-entropy per region token, predictor loss) for a batch of cases."""
    batch = J.stack([c.frames for c in cases])
    jepa_loss, predicted = jepa.loss(batch)
    reps = {"predicted": jepa.standardise(predicted.detach()), "target": jepa.standardise(jepa.targets(batch))}
    cond = tables(cases, reps, sources)
    tokens, chords, targets = collate([c.example for c in cases])
    logits = model(tokens, chords, cond)
    lm = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100)
    return lm, jepa_loss


class Stage:
    """The generator, the encoders, one optimiser, the run directory."""

    def __init__(self, init: Path, songs: Sequence[Song], out: Path, settings: StageSettings,
                 config: J.JepaConfig) -> None:
        self.out, self.settings = out, settings
        base, self.timing, self.base_info = load_checkpoint(init)
        self.model = MusicTransformer(replace(base.config, cond_dim=config.cond_dim))
        missing = self.model.load_state_dict(base.state_dict(), strict=False).missing_keys
        assert set(missing) <= {"cond_proj.weight"}, missing
        assert self.model.cond_proj is not None
        with torch.no_grad():  # new encoders, a new representation: the projection starts from zero
            self.model.cond_proj.weight.zero_()
        torch.manual_seed(settings.seed)
        self.jepa = J.JointEmbedding(config)
        train, held = split(songs)
        self.pieces = [piece_from_song(s) for s in train]
        held_pieces = [piece_from_song(s) for s in held]
        eval_rng = random.Random(4321)
        self.eval_cases = [random_case(held_pieces, eval_rng, self.timing, config.n_frames)
                           for _ in range(settings.eval_cases)]
        self.rng = random.Random(settings.seed)
        # The conditioning projection learns at the generator's rate: at 1e-3 (a first try) Adam moved its
        # 256 x 192 weights so fast that the conditioned held-out loss rose from 1.19 to 1.63 nats per
        # region token in 100 steps while the unconditioned one stayed at 1.19.
        encoders = [*self.jepa.context.parameters(), *self.jepa.predictor.parameters(), *self.jepa.decoder.parameters()]
        self.opt = torch.optim.AdamW([{"params": list(self.model.parameters()), "lr": settings.lr_generator},
                                      {"params": encoders, "lr": settings.lr_encoders}], weight_decay=0.01)
        self.step, self.elapsed_s = 0, 0.0
        self.history: list[dict[str, float]] = []

    def save_state(self) -> None:
        state = {"model": self.model.state_dict(), "jepa": self.jepa.state_dict(), "opt": self.opt.state_dict(),
                 "step": self.step, "elapsed_s": self.elapsed_s, "history": json.dumps(self.history),
                 "rng": json.dumps(self.rng.getstate())}
        tmp = self.out / "state.pt.tmp"
        torch.save(state, tmp)
        tmp.replace(self.out / "state.pt")

    def load_state(self) -> bool:
        path = self.out / "state.pt"
        if not path.exists():
            return False
        state = torch.load(path, weights_only=True)
        self.model.load_state_dict(state["model"])
        self.jepa.load_state_dict(state["jepa"])
        self.opt.load_state_dict(state["opt"])
        self.step, self.elapsed_s = int(state["step"]), float(state["elapsed_s"])
        self.history = json.loads(state["history"])
        rng = json.loads(state["rng"])
        self.rng.setstate((rng[0], tuple(rng[1]), rng[2]))
        return True

    def train_step(self) -> tuple[float, float]:
        self.model.train()
        self.jepa.train()
        cases = [random_case(self.pieces, self.rng, self.timing, self.jepa.config.n_frames)
                 for _ in range(self.settings.batch)]
        sources = self.rng.choices(list(SOURCES), list(SOURCES.values()), k=len(cases))
        lm, jepa_loss = losses(self.model, self.jepa, cases, sources)
        self.opt.zero_grad(set_to_none=True)
        (lm + jepa_loss).backward()  # type: ignore[no-untyped-call]
        for group in self.opt.param_groups:  # per group: the encoders' gradients never shrink the generator's
            torch.nn.utils.clip_grad_norm_(group["params"], 1.0)
        self.opt.step()
        self.jepa.update_target()
        self.jepa.update_stats(J.stack([c.frames for c in cases]))
        self.step += 1
        return float(lm.detach()), float(jepa_loss.detach())

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        """Held-out generator loss per region token conditioned on the prediction (what infilling
        uses), unconditioned, and on the target representation (an oracle: what the prediction
        could give at best); the predictor's loss."""
        self.model.eval()
        self.jepa.eval()
        figures = {"cond": 0.0, "zero": 0.0, "oracle": 0.0, "jepa": 0.0}
        chunks = [self.eval_cases[i : i + 8] for i in range(0, len(self.eval_cases), 8)]
        for chunk in chunks:
            for name, source in (("cond", "predicted"), ("zero", "zero"), ("oracle", "target")):
                lm, jl = losses(self.model, self.jepa, chunk, [source] * len(chunk))
                figures[name] += float(lm) / len(chunks)
            figures["jepa"] += float(jl) / len(chunks)
        return figures

    def export(self, figures: dict[str, float]) -> None:
        info = {**self.base_info, "compose_stage": {"step": self.step, "train_seconds": self.elapsed_s,
                                                    "heldout_region_loss": figures["cond"],
                                                    "heldout_region_loss_unconditioned": figures["zero"],
                                                    "heldout_region_loss_oracle": figures["oracle"],
                                                    "heldout_jepa_loss": figures["jepa"],
                                                    "train_pieces": len(self.pieces)}}
        extra = (J.state_tensors(self.jepa), J.metadata(self.jepa))
        save_checkpoint(self.out / "model.safetensors", self.model, self.timing, info, extra)

    def run(self, until: int | None, minutes: float | None) -> None:
        s = self.settings
        stop = min(s.steps, until if until is not None else s.steps)
        deadline = time.monotonic() + 60 * minutes if minutes is not None else None
        if self.step == 0:
            self.jepa.update_stats(J.stack([c.frames for c in self.eval_cases]), momentum=0.0)
            figures = self.evaluate()
            log.info("step 0 heldout region loss %.4f (unconditioned %.4f, oracle %.4f), jepa %.4f", figures["cond"],
                     figures["zero"], figures["oracle"], figures["jepa"])
        sums = [0.0, 0.0]
        while self.step < stop and (deadline is None or time.monotonic() < deadline):
            t0 = time.monotonic()
            lm, jl = self.train_step()
            self.elapsed_s += time.monotonic() - t0
            sums = [sums[0] + lm, sums[1] + jl]
            if self.step % s.log_every == 0:
                log.info("step %d/%d region loss %.3f jepa %.4f elapsed %.0fs", self.step, s.steps,
                         sums[0] / s.log_every, sums[1] / s.log_every, self.elapsed_s)
                sums = [0.0, 0.0]
            if self.step % s.eval_every == 0 or self.step == stop:
                self._evaluate_and_export()
            if self.step % s.save_every == 0:
                self.save_state()
        if not self.history or self.history[-1]["step"] != self.step:
            self._evaluate_and_export()
        self.save_state()

    def _evaluate_and_export(self) -> None:
        figures = self.evaluate()
        self.history.append({"step": self.step, **figures})
        self.export(figures)
        log.info("step %d heldout region loss %.4f (unconditioned %.4f, oracle %.4f), jepa %.4f; exported",
                 self.step, figures["cond"], figures["zero"], figures["oracle"], figures["jepa"])


def run_from_args(args: argparse.Namespace) -> int:
    """Entry point of `sideman train-compose`."""
    args.out.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(args.out / "train.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    torch.set_num_threads(args.threads)
    songs = load_corpus(args.data, cache=args.cache, limit=args.limit)
    settings = StageSettings(steps=args.steps, batch=args.batch, eval_every=args.eval_every,
                             eval_cases=args.eval_cases)
    stage = Stage(args.init, songs, args.out, settings, J.JepaConfig(width=args.width))
    resumed = stage.load_state()
    if not resumed and args.init_encoders is not None:
        encoders = J.from_checkpoint(args.init_encoders)
        if encoders is None or encoders.config != stage.jepa.config:
            raise ValueError(f"{args.init_encoders}: no JEP-AGA encoders of this size ({stage.jepa.config})")
        stage.jepa.load_state_dict(encoders.state_dict())
        log.info("encoders from %s", args.init_encoders)
    log.info("%s at step %d from %s: %d train pieces, jepa %s", "resumed" if resumed else "started", stage.step,
             args.init, len(stage.pieces), stage.jepa.config)
    stage.run(args.until, args.minutes)
    return 0
