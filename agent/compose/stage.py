"""`sideman train-compose`: the JEP-AGA stage on a trained generator (issue 14; Hu et al. 2025).

A separate stage after the generator's own training ("or as a separate stage on the shipped
generator"): it adds JEP-AGA's encoders (`agent.model.jepa`) and teaches the generator to use them.
Three phases, one command (resumable; the phases' progress is in `state.pt`):

1. **Encoders** (`encoder_steps`, batches of `encoder_batch` regions; frames only, no generator: a
   step costs ~0.35 s): the context encoder and predictor learn to predict the target encoder's
   representation of a masked region (mean squared distance of layer-normed representations per
   frame), with the read-out of the region's own-track features and VICReg's variance and
   covariance terms (`agent.model.jepa`); the target encoder follows by EMA (0.996). Then the
   per-dimension mean and spread of the target representation over 512 training regions are fixed
   (`JointEmbedding.standardise`) and the encoders frozen.
2. **Read-out of the conditioning** (`readout_steps`; `fit_readout`): the generator's final hidden
   states at the region positions of `readout_cases` training regions, teacher-forced in exactly the
   infilling format (`agent.compose.infill.encode_region`, windows opening 4, 8 or 16 beats before
   the region), are computed once; the slice of the conditioning projection that feeds the final
   hidden state (`ModelConfig.cond_out`) is fitted on them with the target representation of the
   real region as the table.
3. **Generator** (`steps`, batches of `batch` regions): the network fine-tuned on regions conditioned,
   per case, on the predictor's output (30%), the target representation (50%), or nothing (20%, a
   zero table: the conditioning's dropout, and the ablation of Hu et al.'s Table 3 on the same
   weights); Adam 1e-4; the projection at `lr_cond` (0: as phase 2 left it).

Why frozen encoders: trained jointly (the first version of this stage, 2,000 steps over five legs;
docs/compose.md), the generator chased a representation that kept moving, and so did the
standardisation; it never learned to use it, not even the target representation of the real region
(held-out loss 1.13 conditioned on it against 1.10 unconditioned). The paper trains jointly on 4
GPUs; here the encoders take minutes and the generator's steps (~2 s each) are the budget. The
interaction learner still fine-tunes E and P per session (`agent.compose.jepa.JepaLearner`).

The run directory holds `train.log`, `state.pt` (resumable: weights, encoders, optimisers, phases,
RNG) and `model.safetensors` (generator + encoders, `agent.model.checkpoint`), exported at every
evaluation with the held-out figures: the generator's loss per region token conditioned on the
prediction, unconditioned, and on the target representation (the oracle); the predictor's loss; how
alike the representations of unrelated regions are (`JointEmbedding.collapse`).
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

import numpy as np
import torch
import torch.nn.functional as F

from agent.compose.infill import encode_region
from agent.compose.jepa import region_frames
from agent.compose.piece import Piece, Region, inside, piece_from_song
from agent.model import jepa as J
from agent.model import vocab as V
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import load_checkpoint, save_checkpoint
from agent.model.network import MusicTransformer, time_features
from agent.music.events import Song
from agent.training.datasets import load_corpus
from agent.training.examples import Example
from agent.training.train import collate, split, write_state

log = logging.getLogger("sideman.compose.stage")

REGION_BARS = (1, 2, 2, 4, 4)  # bars per training region, drawn uniformly from this list
HISTORY_CHOICES = (4.0, 8.0, 16.0)  # beats of past a window opens with (infill uses 16 when it fits)
SOURCES = {"predicted": 0.3, "target": 0.5, "zero": 0.2}  # what a training case is conditioned on
STATS_REGIONS = 512  # training regions the standardisation's mean and spread are taken over
READOUT_SOURCES = ("target", "predicted")  # the conditioning rows the output slice is validated on
PRED_SCALES = tuple(k / 10 for k in range(11))  # trust in the prediction tried after the read-out's fit


@dataclass(frozen=True)
class StageSettings:
    steps: int = 600  # generator steps (phase 2)
    encoder_steps: int = 800  # encoder steps (phase 1; ~0.3 s each)
    batch: int = 8
    encoder_batch: int = 16
    lr_generator: float = 1e-4  # the warm-started network
    lr_cond: float = 0.0  # the conditioning projection in phase 3 (0: kept as phase 2 fitted it)
    lr_encoders: float = 1e-3  # the context encoder, predictor and read-out
    cond_layers: int = 0  # blocks whose input takes the conditioning (the first ones)
    cond_out: bool = True  # the generator's final hidden state takes it
    readout_cases: int = 1024  # training regions the output slice is fitted on (phase 2), 128 more validate it
    readout_steps: int = 300
    readout_batch: int = 2048  # region positions per step
    lr_readout: float = 1e-3
    eval_every: int = 100
    save_every: int = 50  # ~2 minutes on a shared core
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


def make_case(piece: Piece, region: Region, timing: TimingSettings, config: J.JepaConfig, history: float) -> Case:
    content = inside(piece.tracks[region.track].notes, region.start_beat, region.end_beat)
    encoded = encode_region(piece, region, content, timing, history_beats=history)
    targets = [False] * len(encoded.tokens)
    for p in encoded.positions:
        targets[p] = True
    return Case(region_frames(piece, region, config), Example(encoded.tokens, encoded.chords, targets), encoded.origin)


def random_case(pieces: Sequence[Piece], rng: random.Random, timing: TimingSettings, config: J.JepaConfig) -> Case:
    while True:
        piece = rng.choice(pieces)
        region = pick_region(piece, rng)
        if region is not None:
            return make_case(piece, region, timing, config, rng.choice(HISTORY_CHOICES))


def random_frames(pieces: Sequence[Piece], rng: random.Random, config: J.JepaConfig) -> J.Frames:
    """The encoders' frames around a random region (phase 1 needs nothing else)."""
    while True:
        piece = rng.choice(pieces)
        region = pick_region(piece, rng)
        if region is not None:
            return region_frames(piece, region, config)


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


def region_loss(model: MusicTransformer, jepa: J.JointEmbedding, cases: Sequence[Case], sources: Sequence[str]
                ) -> torch.Tensor:
    """The generator's cross-entropy per region token for a batch of cases, each conditioned as its
    source says (the encoders frozen: no gradient reaches them)."""
    nats, tokens = case_nats(model, jepa, cases, sources)
    return nats.sum() / tokens.sum().clamp(min=1)


def case_nats(model: MusicTransformer, jepa: J.JointEmbedding, cases: Sequence[Case], sources: Sequence[str]
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """(the generator's cross-entropy summed over each case's region tokens (B,), their counts (B,))."""
    batch = J.stack([c.frames for c in cases])
    with torch.no_grad():
        reps = {"predicted": jepa.condition(jepa.predict(batch)), "target": jepa.standardise(jepa.targets(batch))}
    cond = tables(cases, reps, sources)
    tokens, chords, targets = collate([c.example for c in cases])
    logits = model(tokens, chords, cond)
    nats = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100,
                           reduction="none").view(targets.shape)
    return nats.sum(1), (targets != -100).sum(1).to(nats.dtype)


def paired_interval(nats: torch.Tensor, base: torch.Tensor, tokens: torch.Tensor, resamples: int = 2000,
                    seed: int = 0) -> tuple[float, float, float]:
    """(difference per token of `nats` against `base` over all cases, its 95% bootstrap interval over
    cases): the cases are resampled, the same ones for both."""
    rng = np.random.default_rng(seed)
    a, b, n = nats.numpy(), base.numpy(), tokens.numpy()
    picks = rng.integers(0, len(n), (resamples, len(n)))
    diffs = (a[picks].sum(1) - b[picks].sum(1)) / n[picks].sum(1)
    low, high = np.percentile(diffs, [2.5, 97.5])
    return float((a.sum() - b.sum()) / n.sum()), float(low), float(high)


@dataclass
class Positions:
    """The region positions of many cases with the generator's final hidden states unconditioned: what
    the conditioning's output slice is fitted on (phase 2) without running the network again."""

    hidden: torch.Tensor  # (P, C)
    targets: torch.Tensor  # (P,) next tokens
    chords: torch.Tensor  # (P,)
    now: torch.Tensor  # (P,) current time, ticks
    rows: dict[str, torch.Tensor]  # source -> (P, cond_dim): the conditioning row each position reads

    def __len__(self) -> int:
        return len(self.targets)


@torch.no_grad()
def region_positions(model: MusicTransformer, jepa: J.JointEmbedding, cases: Sequence[Case]) -> Positions:
    parts: list[Positions] = []
    for i in range(0, len(cases), 8):
        chunk = cases[i : i + 8]
        batch = J.stack([c.frames for c in chunk])
        reps = {"predicted": jepa.condition(jepa.predict(batch)), "target": jepa.standardise(jepa.targets(batch))}
        tokens, chords, targets = collate([c.example for c in chunk])
        hidden = model.hidden(tokens, chords)
        now = time_features(tokens)
        keep = targets != -100
        beat = torch.div(now, V.TICKS_PER_BEAT, rounding_mode="floor").clamp(max=V.WINDOW_BEATS - 1)
        rows = {}
        for source in READOUT_SOURCES:
            table = tables(chunk, reps, [source] * len(chunk))  # (B, beats, cond_dim)
            rows[source] = torch.gather(table, 1, beat.unsqueeze(-1).expand(-1, -1, table.shape[-1]))[keep]
        parts.append(Positions(hidden[keep], targets[keep], chords[keep], now[keep], rows))
    return Positions(torch.cat([p.hidden for p in parts]), torch.cat([p.targets for p in parts]),
                     torch.cat([p.chords for p in parts]), torch.cat([p.now for p in parts]),
                     {k: torch.cat([p.rows[k] for p in parts]) for k in READOUT_SOURCES})


def readout_loss(model: MusicTransformer, weight: torch.Tensor, positions: Positions, source: str,
                 index: torch.Tensor | None = None) -> torch.Tensor:
    """Cross-entropy at `positions` (a subset by `index`) with `weight` (C, cond_dim) projecting the
    source's rows onto the final hidden states; "zero": unconditioned."""
    pick = slice(None) if index is None else index
    hidden = positions.hidden[pick]
    if source != "zero":
        hidden = hidden + positions.rows[source][pick] @ weight.T
    logits = model.logits_range(hidden.unsqueeze(0), positions.chords[pick].unsqueeze(0), 0, model.config.vocab_size,
                                positions.now[pick].unsqueeze(0))[0]
    return F.cross_entropy(logits, positions.targets[pick])


class Stage:
    """The generator, the encoders, their optimisers, the run directory."""

    def __init__(self, init: Path, songs: Sequence[Song], out: Path, settings: StageSettings,
                 config: J.JepaConfig) -> None:
        self.out, self.settings = out, settings
        base, self.timing, self.base_info = load_checkpoint(init)
        self.model = MusicTransformer(replace(base.config, cond_dim=config.cond_dim, cond_layers=settings.cond_layers,
                                              cond_out=settings.cond_out))
        missing = self.model.load_state_dict(base.state_dict(), strict=False).missing_keys
        if set(missing) - {"cond_proj.weight"}:
            raise ValueError(f"{init}: the generator lacks {missing}")
        assert self.model.cond_proj is not None
        with torch.no_grad():  # new encoders, a new representation: the projection starts from zero
            self.model.cond_proj.weight.zero_()
        torch.manual_seed(settings.seed)
        self.jepa = J.JointEmbedding(config)
        train, held = split(songs)
        self.pieces = [piece_from_song(s) for s in train]
        held_pieces = [piece_from_song(s) for s in held]
        eval_rng = random.Random(4321)
        self.eval_cases = [random_case(held_pieces, eval_rng, self.timing, config)
                           for _ in range(settings.eval_cases)]
        self.rng = random.Random(settings.seed)
        projection = [self.model.cond_proj.weight]
        network = [p for n, p in self.model.named_parameters() if n != "cond_proj.weight"]
        self.opt = torch.optim.AdamW([{"params": network, "lr": settings.lr_generator},
                                      {"params": projection, "lr": settings.lr_cond}], weight_decay=0.01)
        encoders = [*self.jepa.context.parameters(), *self.jepa.predictor.parameters(), *self.jepa.decoder.parameters()]
        self.enc_opt = torch.optim.AdamW(encoders, lr=settings.lr_encoders, weight_decay=0.01)
        self.step, self.enc_step, self.elapsed_s = 0, 0, 0.0
        self.readout_done = False
        self.history: list[dict[str, float]] = []

    def save_state(self) -> None:
        state = {"model": self.model.state_dict(), "jepa": self.jepa.state_dict(), "opt": self.opt.state_dict(),
                 "enc_opt": self.enc_opt.state_dict(), "step": self.step, "enc_step": self.enc_step,
                 "readout_done": self.readout_done,
                 "elapsed_s": self.elapsed_s, "history": json.dumps(self.history),
                 "rng": json.dumps(self.rng.getstate())}
        write_state(state, self.out / "state.pt")

    def load_state(self) -> bool:
        path = self.out / "state.pt"
        if not path.exists():
            return False
        state = torch.load(path, weights_only=True)
        if "enc_step" not in state:
            raise ValueError(f"{path}: a state of the earlier, one-phase stage; start a new run directory")
        self.model.load_state_dict(state["model"])
        self.jepa.load_state_dict(state["jepa"])
        self.opt.load_state_dict(state["opt"])
        self.enc_opt.load_state_dict(state["enc_opt"])
        self.step, self.enc_step = int(state["step"]), int(state["enc_step"])
        self.readout_done = bool(state.get("readout_done", self.step > 0))
        self.elapsed_s = float(state["elapsed_s"])
        self.history = json.loads(state["history"])
        rng = json.loads(state["rng"])
        self.rng.setstate((rng[0], tuple(rng[1]), rng[2]))
        return True

    # ------------------------------------------------------------ phase 1: the encoders

    def encoder_step(self) -> dict[str, float]:
        self.jepa.train()
        batch = J.stack([random_frames(self.pieces, self.rng, self.jepa.config) for _ in range(self.settings.encoder_batch)])
        parts, _ = self.jepa.parts(batch)
        loss = sum(parts.values(), torch.zeros(()))
        self.enc_opt.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_([p for g in self.enc_opt.param_groups for p in g["params"]], 1.0)
        self.enc_opt.step()
        self.jepa.update_target()
        self.enc_step += 1
        return {k: float(v.detach()) for k, v in parts.items()}

    @torch.no_grad()
    def fix_stats(self) -> None:
        """The standardisation's mean and spread over STATS_REGIONS training regions (end of phase 1)."""
        rng = random.Random(self.settings.seed + 1)
        frames = [random_frames(self.pieces, rng, self.jepa.config) for _ in range(STATS_REGIONS)]
        self.jepa.eval()
        self.jepa.update_stats(J.stack(frames), momentum=0.0)

    @torch.no_grad()
    def encoder_figures(self) -> dict[str, float]:
        """Held-out: the loss's terms and how alike the representations of unrelated regions are."""
        self.jepa.eval()
        batch = J.stack([c.frames for c in self.eval_cases])
        parts, _ = self.jepa.parts(batch)
        return {**{k: float(v) for k, v in parts.items()}, **self.jepa.collapse(batch)}

    def run_encoders(self, deadline: float | None) -> bool:
        """Phase 1 up to `encoder_steps`; True when it is complete."""
        s = self.settings
        sums: dict[str, float] = {}
        every = 5 * s.log_every
        while self.enc_step < s.encoder_steps and (deadline is None or time.monotonic() < deadline):
            t0 = time.monotonic()
            parts = self.encoder_step()
            self.elapsed_s += time.monotonic() - t0
            sums = {k: sums.get(k, 0.0) + v for k, v in parts.items()}
            if self.enc_step % every == 0:
                log.info("encoders %d/%d %s elapsed %.0fs", self.enc_step, s.encoder_steps,
                         " ".join(f"{k} {v / every:.4f}" for k, v in sums.items()), self.elapsed_s)
                sums = {}
            if self.enc_step % (10 * every) == 0 or self.enc_step == s.encoder_steps:
                log.info("encoders %d heldout %s", self.enc_step,
                         " ".join(f"{k} {v:.4f}" for k, v in self.encoder_figures().items()))
                if self.enc_step < s.encoder_steps:
                    self.save_state()
        if self.enc_step < s.encoder_steps:
            return False
        if self.step == 0:
            self.fix_stats()
            log.info("encoders frozen at step %d; standardised heldout %s", self.enc_step,
                     " ".join(f"{k} {v:.4f}" for k, v in self.jepa.collapse(
                         J.stack([c.frames for c in self.eval_cases])).items()))
        return True

    # ------------------------------------------------------------ phase 2: the output slice, fitted

    def out_slice(self) -> torch.Tensor:
        """The rows of the conditioning projection that feed the final hidden state (a view)."""
        assert self.model.cond_proj is not None and self.model.config.cond_out
        C, layers = self.model.config.d_model, self.model.config.cond_layers
        return self.model.cond_proj.weight.data[layers * C : (layers + 1) * C]

    def fit_readout(self) -> dict[str, float]:
        """Fit the output slice on cached final hidden states of `readout_cases` training regions
        conditioned on the target representation of the real region (Adam, `readout_batch` positions a
        step), keeping the weights that lower the loss on the target representation most on 128 more
        regions, and how far the prediction is trusted (`JointEmbedding.pred_scale`).

        Why cached: trained with the network (tries 1-2 in docs/compose.md), 8 regions a step gave the
        projection's weights a gradient mostly noise, and Adam's normalised steps turned it into a
        random walk that kept the conditioned loss above the unconditioned one for hundreds of steps;
        cached, a step sees ~2,000 positions and costs no pass through the network. Why the target
        representation only: fitted on predictions too (try 3), the map learnt the 512 regions'
        predictions by heart (training loss down, validation up 0.04 nats). Fitted on targets, the map
        reads the region's content, which the prediction gets less right than the context: read at
        full trust, predictions raised the loss (try 4), so the trust in them (`pred_scale`, the
        prediction's standardised value times it) is then chosen on the validating regions."""
        s = self.settings
        self.model.eval()
        self.jepa.eval()
        self.jepa.pred_scale.fill_(1.0)
        rng = random.Random(s.seed + 2)
        cases = [random_case(self.pieces, rng, self.timing, self.jepa.config) for _ in range(s.readout_cases + 128)]
        train = region_positions(self.model, self.jepa, cases[: s.readout_cases])
        valid = region_positions(self.model, self.jepa, cases[s.readout_cases :])
        weight = torch.zeros_like(self.out_slice(), requires_grad=True)
        opt = torch.optim.Adam([weight], lr=s.lr_readout)
        generator = torch.Generator().manual_seed(s.seed)

        def validate() -> dict[str, float]:
            with torch.no_grad():
                return {source: float(readout_loss(self.model, weight, valid, source))
                        for source in ("zero", *READOUT_SOURCES)}

        best = validate()
        best_weight = weight.detach().clone()
        log.info("readout on %d positions (%d validating): start %s", len(train), len(valid), best)
        for step in range(1, s.readout_steps + 1):
            index = torch.randint(len(train), (min(s.readout_batch, len(train)),), generator=generator)
            loss = readout_loss(self.model, weight, train, "target", index)
            opt.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            if step % 25 == 0 or step == s.readout_steps:
                figures = validate()
                log.info("readout %d/%d train %.4f valid %s", step, s.readout_steps, float(loss.detach()),
                         " ".join(f"{k} {v:.4f}" for k, v in figures.items()))
                if figures["target"] < best["target"]:
                    best, best_weight = figures, weight.detach().clone()
        self.out_slice().copy_(best_weight)
        with torch.no_grad():  # how far to trust the prediction: a line search on the validating regions
            trust = {scale: float(readout_loss(self.model, best_weight * scale, valid, "predicted"))
                     for scale in PRED_SCALES}
        scale = min(trust, key=lambda k: trust[k])
        self.jepa.pred_scale.fill_(scale)
        self.readout_done = True
        log.info("readout fitted: validation %s; prediction trusted at %.2f (%s)",
                 " ".join(f"{k} {v:.4f}" for k, v in best.items()), scale,
                 " ".join(f"{k:.2f}: {v:.4f}" for k, v in trust.items()))
        return {**best, "predicted": trust[scale], "pred_scale": scale}

    # ------------------------------------------------------------ phase 3: the generator

    def train_step(self) -> float:
        self.model.train()
        self.jepa.eval()
        cases = [random_case(self.pieces, self.rng, self.timing, self.jepa.config)
                 for _ in range(self.settings.batch)]
        sources = self.rng.choices(list(SOURCES), list(SOURCES.values()), k=len(cases))
        lm = region_loss(self.model, self.jepa, cases, sources)
        self.opt.zero_grad(set_to_none=True)
        lm.backward()  # type: ignore[no-untyped-call]
        for group in self.opt.param_groups:  # per group: the projection's gradients never shrink the network's
            torch.nn.utils.clip_grad_norm_(group["params"], 1.0)
        self.opt.step()
        self.step += 1
        return float(lm.detach())

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        """Held-out generator loss per region token conditioned on the prediction (what infilling
        uses), unconditioned, and on the target representation (an oracle: what the prediction
        could give at best); the predictor's loss; the collapse figures."""
        self.model.eval()
        self.jepa.eval()
        per_case: dict[str, list[torch.Tensor]] = {"cond": [], "zero": [], "oracle": []}
        counts = []
        for i in range(0, len(self.eval_cases), 8):
            chunk = self.eval_cases[i : i + 8]
            for name, source in (("cond", "predicted"), ("zero", "zero"), ("oracle", "target")):
                nats, tokens = case_nats(self.model, self.jepa, chunk, [source] * len(chunk))
                per_case[name].append(nats)
            counts.append(tokens)
        n = torch.cat(counts)
        nats_of = {name: torch.cat(parts) for name, parts in per_case.items()}
        figures = {name: float(v.sum() / n.sum()) for name, v in nats_of.items()}
        for name in ("cond", "oracle"):
            diff, low, high = paired_interval(nats_of[name], nats_of["zero"], n)
            figures |= {f"{name}_gain": diff, f"{name}_gain_low": low, f"{name}_gain_high": high}
        encoders = self.encoder_figures()
        return {**figures, "jepa": encoders["jepa"], "cos": encoders["cos"], "cos_empty": encoders["cos_empty"]}

    def export(self, figures: dict[str, float]) -> None:
        info = {**self.base_info, "compose_stage": {"step": self.step, "encoder_steps": self.enc_step,
                                                    "train_seconds": self.elapsed_s,
                                                    "heldout_region_loss": figures["cond"],
                                                    "heldout_region_loss_unconditioned": figures["zero"],
                                                    "heldout_region_loss_oracle": figures["oracle"],
                                                    "heldout_gain_interval": [figures["cond_gain_low"],
                                                                              figures["cond_gain_high"]],
                                                    "heldout_oracle_gain_interval": [figures["oracle_gain_low"],
                                                                                     figures["oracle_gain_high"]],
                                                    "heldout_cases": len(self.eval_cases),
                                                    "pred_scale": float(self.jepa.pred_scale),
                                                    "heldout_jepa_loss": figures["jepa"],
                                                    "heldout_cosine_unrelated": figures["cos"],
                                                    "train_pieces": len(self.pieces)}}
        extra = (J.state_tensors(self.jepa), J.metadata(self.jepa))
        save_checkpoint(self.out / "model.safetensors", self.model, self.timing, info, extra)

    def run(self, until: int | None, minutes: float | None) -> None:
        """Phase 1 then phase 2, until `until` generator steps or `minutes` (then resume later)."""
        s = self.settings
        stop = min(s.steps, until if until is not None else s.steps)
        deadline = time.monotonic() + 60 * minutes if minutes is not None else None
        if not self.run_encoders(deadline):
            self.save_state()
            return
        if not self.history:
            self._evaluate_and_export()
        if not self.readout_done and self.model.config.cond_out and s.readout_steps > 0:
            self.fit_readout()
            self._evaluate_and_export()
            self.save_state()
        total = 0.0
        while self.step < stop and (deadline is None or time.monotonic() < deadline):
            t0 = time.monotonic()
            total += self.train_step()
            self.elapsed_s += time.monotonic() - t0
            if self.step % s.log_every == 0:
                log.info("step %d/%d region loss %.3f elapsed %.0fs", self.step, s.steps, total / s.log_every,
                         self.elapsed_s)
                total = 0.0
            if self.step % s.eval_every == 0 or self.step == stop:
                self._evaluate_and_export()
            if self.step % s.save_every == 0:
                self.save_state()
        if self.history[-1]["step"] != self.step:
            self._evaluate_and_export()
        self.save_state()

    def _evaluate_and_export(self) -> None:
        figures = self.evaluate()
        self.history.append({"step": self.step, "readout": float(self.readout_done), **figures})
        self.export(figures)
        log.info("step %d heldout region loss %.4f (unconditioned %.4f, oracle %.4f; against unconditioned "
                 "%+.4f [%+.4f, %+.4f], oracle %+.4f [%+.4f, %+.4f]), jepa %.4f, cos %.3f, cos_empty %.3f; exported",
                 self.step, figures["cond"], figures["zero"], figures["oracle"], figures["cond_gain"],
                 figures["cond_gain_low"], figures["cond_gain_high"], figures["oracle_gain"], figures["oracle_gain_low"],
                 figures["oracle_gain_high"], figures["jepa"], figures["cos"], figures["cos_empty"])


def run_from_args(args: argparse.Namespace) -> int:
    """Entry point of `sideman train-compose`."""
    args.out.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(args.out / "train.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    torch.set_num_threads(args.threads)
    songs = load_corpus(args.data, cache=args.cache, limit=args.limit)
    settings = StageSettings(steps=args.steps, encoder_steps=args.encoder_steps, batch=args.batch,
                             encoder_batch=args.encoder_batch,
                             eval_every=args.eval_every, eval_cases=args.eval_cases, lr_cond=args.lr_cond,
                             cond_layers=args.cond_layers, cond_out=args.cond_out, readout_steps=args.readout_steps)
    stage = Stage(args.init, songs, args.out, settings,
                  J.JepaConfig(width=args.width, n_frames=args.frames, past_beats=args.past_beats))
    resumed = stage.load_state()
    if not resumed and args.init_encoders is not None:
        encoders = J.from_checkpoint(args.init_encoders)
        if encoders is None or encoders.config != stage.jepa.config:
            raise ValueError(f"{args.init_encoders}: no JEP-AGA encoders of this size ({stage.jepa.config})")
        stage.jepa.load_state_dict(encoders.state_dict())
        log.info("encoders from %s", args.init_encoders)
    log.info("%s at step %d (encoders %d) from %s: %d train pieces, jepa %s, %s", "resumed" if resumed else "started",
             stage.step, stage.enc_step, args.init, len(stage.pieces), stage.jepa.config, settings)
    if args.eval_only:
        if not resumed:
            raise ValueError(f"{args.out}: no stage state to evaluate")
        figures = stage.evaluate()
        log.info("evaluation only, %d held-out cases: %s", len(stage.eval_cases),
                 " ".join(f"{k} {v:.4f}" for k, v in figures.items()))
        print(json.dumps({"step": stage.step, "cases": len(stage.eval_cases), **figures}, indent=1))
        return 0
    stage.run(args.until, args.minutes)
    return 0
