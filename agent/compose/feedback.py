"""Learning from marks within a session: the Dynamic Interaction Learner of Hu et al. (AAAI 2025), here.

What the paper does: the user marks unsatisfying bars; an encoder/predictor pair that conditions the
generator is fine-tuned with a margin loss, L = max(0, Neg - Pos + alpha) with alpha = 0.1 (Eq. 2),
where Neg compares the prediction for the masked (rejected) part with what was rejected and Pos
compares the prediction for a neutral (kept) part with what was kept; a target encoder (an EMA of the
context encoder) supplies the representations.

What we do, and why. Our model has no separate predictor: the network that reads the context is the
one that writes the notes, and its "prediction of the masked part" is its next-token distribution over
that part. So the learner compares how likely the steered model finds the rejected material and the
kept material, each in its own context (teacher-forced in the infilling format, `encode_region`),
relative to the frozen model, per token (the paper normalises by the masked length too):

    Delta(y) = mean log p_steered(y | context) - mean log p_frozen(y | context)
    L = mean over (rejected r, kept k) of max(0, Delta(r) - Delta(k) + alpha),   alpha = 0.1 nats

The frozen model is the reference, as the target encoder is in the paper; the log-ratio form is the
hinge of SLiC/DPO-style preference learning, so the margin asks "rejected material must lose alpha nats
per token more than kept material", and once it has, the loss stops pushing (no runaway steering).
Both kinds of material enter through the model's own final hidden states; the learned part is small:
an `Adapter` on the final hidden state before the output head (a shift vector plus a rank-4 map,
initialised to the identity), trained for a few dozen Adam steps on cached hidden states (the
transformer runs once per new piece of material, never in the training loop), so a round learns in
well under a second on a CPU. It lives per session and `reset()` forgets it.

Choosing among drafts (the representation side). Once there is feedback, a session writes each marked
region `candidates` times (8 by default; `agent.compose.session`) and keeps the draft whose representation (the
frozen model's mean final hidden state over the region, the target encoder of `agent.compose.simulated_user`)
is closer by cosine to the kept material than to the rejected material, by the most: Eq. 2's margin
used to choose rather than to train. The simulated user measures with that same encoder, so
`sideman compose-eval` also reports its figures on symbolic features (pitch, duration, onset
histograms, density) and, with `--ablations`, steering alone and draft choice alone.

Every probability here is the grammar's: times among time tokens, durations among durations, notes
among notes (as the sampler draws them).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from agent.compose.infill import EncodedRegion, encode_region
from agent.compose.options import CHOOSERS, CRITICS, MODES
from agent.compose.piece import Piece, Region
from agent.model import vocab as V
from agent.model.anticipation import TimingSettings
from agent.model.network import MusicTransformer, time_features
from agent.music.events import Note

log = logging.getLogger("sideman.compose.feedback")

_SLICES = ((V.EVENT_TIME, V.EVENT_DUR), (V.EVENT_DUR, V.EVENT_NOTE), (V.EVENT_NOTE, V.EVENT_END))


@dataclass(frozen=True)
class LearnerSettings:
    alpha: float = 0.1  # margin, nats per token (Hu et al. Eq. 2 use 0.1 on cosine similarities)
    steps: int = 60  # Adam steps per round, at most (the loss reaching 0 stops earlier)
    lr: float = 0.003  # Adam learning rate (small: the hinge then stops near the margin, not far past it)
    rank: int = 4  # rank of the adapter's linear map
    weight_decay: float = 1e-3  # L2 on the adapter's parameters, per step
    memory: int = 8  # most recent rejected (and kept) materials remembered
    mode: str = "likelihood"  # "likelihood" or "representation": what the margin compares
    keep_weight: float = 1.0  # representation mode: weight of keeping the kept material's own representation
    candidates: int = 8  # drafts written per marked region once there is feedback (`kept_drafts` of them as
    # below); the preferred one is kept
    candidate_notes: int = 240  # ... while their notes stay within this per 4 bars (as `draft_notes`; 0: no limit)
    steer: bool = True  # train the adapter (False: only choose among drafts)
    jepa_lr: float = 3e-4  # Adam step size of the JEP-AGA learner (`agent.compose.jepa`: whole encoders, not an adapter)
    moved_gain: float = 1.0  # JEP-AGA learner: how much of the learner's change of the prediction the generator reads
    drafts: int = 4  # a fill without feedback: drafts per region, the one the critic prefers kept (1: one)
    draft_notes: int = 120  # ... while the notes of the drafts stay within this (a dense part gets fewer; 0: no limit)
    reprises: int = 2  # in a fill: the track's own material over the same chords elsewhere, candidates too (0: none)
    critic: str = "continuation"  # a fill's choice: the draft after which the track's next notes surprise the generator
    # least (`agent.compose.infill.continuation_surprise`), or "prediction": nearest JEP-AGA's prediction (needs its encoders)
    kept_drafts: int = 4  # JEP-AGA, with feedback: of the candidates, this many (at most all but one) conditioned on
    # the kept material heard in the marked place (`JepaLearner.kept_prediction`), not on the moved prediction
    kept_trust: float = 3.0  # ... at this strength (1: the scale the compose stage fitted the read-out at; the
    # prediction is read at 0.3. The simulated user, 128 tests: RIC -38.3% at 1, -41.0% at 2, -44.3% at 3)
    pull: float = 1.0  # JEP-AGA learner: weight of pulling the marked part's prediction towards the kept material heard there
    pull_tolerance: float = 0.05  # ... and the distance (1 - cosine) at which it is near enough: learning stops
    choose: str = "kept+generator"  # JEP-AGA, with feedback: nearest the kept material heard there by JEP-AGA's target
    # encoder and the generator's hidden states (ranks summed), "kept" (the target encoder's alone), "margin" (Eq. 2's)

    def __post_init__(self) -> None:
        for name, allowed in (("critic", CRITICS), ("choose", CHOOSERS), ("mode", MODES)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"learner setting {name}={getattr(self, name)!r}: expected one of {', '.join(allowed)}")
        for name, least in (("drafts", 1), ("candidates", 1), ("reprises", 0), ("memory", 1), ("steps", 0),
                            ("kept_drafts", 0)):
            if getattr(self, name) < least:
                raise ValueError(f"learner setting {name}={getattr(self, name)!r}: must be at least {least}")


class Adapter(nn.Module):
    """h -> h + shift + up(down(h)): the identity at initialisation (`up` starts at zero, as in LoRA)."""

    def __init__(self, d_model: int, rank: int) -> None:
        super().__init__()
        generator = torch.Generator().manual_seed(0)  # the same start in every session: reproducible
        self.shift = nn.Parameter(torch.zeros(d_model))
        self.down = nn.Parameter(torch.randn(d_model, rank, generator=generator) / d_model**0.5)
        self.up = nn.Parameter(torch.zeros(rank, d_model))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h + self.shift + (h @ self.down) @ self.up

    def norm(self) -> float:
        """Size of the learned change (0 at the identity)."""
        return float(torch.sqrt(self.shift.detach().square().sum() + (self.down @ self.up).detach().square().sum()))


@dataclass
class Material:
    """One stretch of music the learner was told about, as the frozen model read it.

    `groups` holds, per token kind (time, duration, note), the hidden states that predict the region's
    tokens, their chord ids, the tokens (as offsets in the kind's slice), the slice, and the current
    time (ticks) at each predicting position (the relative-time head needs it).
    """

    key: tuple[object, ...]
    groups: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor, int, int, torch.Tensor]]
    base: float  # mean log-likelihood per token under the frozen model
    tokens: int
    pooled: torch.Tensor  # (C,) mean final hidden state over the region's tokens: the target representation


def material_key(region: Region, content: Sequence[Note]) -> tuple[object, ...]:
    """What makes two observations the same material: the region and its notes (onset, pitch, length)."""
    notes = sorted(content, key=lambda n: (n.beat, n.pitch))
    return (region.track, region.start_beat, region.end_beat, tuple((n.beat, n.pitch, n.dur_beats) for n in notes))


def material(model: MusicTransformer, encoded: EncodedRegion, key: tuple[object, ...]) -> Material:
    """Read a region's content once with the frozen model (one forward pass)."""
    with torch.no_grad():
        hidden = model.hidden(torch.tensor([encoded.tokens]), torch.tensor([encoded.chords]))[0]
    nows = time_features(torch.tensor([encoded.tokens]))[0]
    positions = [p for p in encoded.positions if p >= 1]
    groups = []
    for lo, hi in _SLICES:
        chosen = [p for p in positions if lo <= encoded.tokens[p] < hi]
        if chosen:
            index = torch.tensor(chosen)
            targets = torch.tensor([encoded.tokens[p] - lo for p in chosen])
            groups.append((hidden[index - 1], torch.tensor(encoded.chords)[index - 1], targets, lo, hi,
                           nows[index - 1]))
    found = Material(key, groups, 0.0, sum(len(g[2]) for g in groups), hidden[encoded.positions].mean(dim=0))
    with torch.no_grad():
        found.base = float(log_likelihood(model, None, found))
    return found


def log_likelihood(model: MusicTransformer, adapter: Adapter | None, mat: Material) -> torch.Tensor:
    """Mean log-probability per token of a material's tokens, steered by `adapter` (None: frozen)."""
    total = torch.zeros(())
    for states, chords, targets, lo, hi, nows in mat.groups:
        h = states if adapter is None else adapter(states)
        logits = model.logits_range(h.unsqueeze(0), chords.unsqueeze(0), lo, hi, nows.unsqueeze(0))[0]
        total = total + F.log_softmax(logits, dim=-1).gather(1, targets.unsqueeze(1)).sum()
    return total / max(1, mat.tokens)


class Adam:
    """Plain Adam over a few tensors (torch.optim's first use imports the compiler stack: seconds on a
    CPU, more than a whole feedback round)."""

    def __init__(self, params: Sequence[nn.Parameter], lr: float, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:
        self.params, self.lr, self.betas, self.eps = list(params), lr, betas, eps
        self.moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in self.params]
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        b1, b2 = self.betas
        with torch.no_grad():
            for p, (m, v) in zip(self.params, self.moments, strict=True):
                if p.grad is None:
                    continue
                m.mul_(b1).add_(p.grad, alpha=1 - b1)
                v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                denom = (v / (1 - b2**self.steps)).sqrt_().add_(self.eps)
                p.addcdiv_(m, denom, value=-self.lr / (1 - b1**self.steps))
                p.grad = None


@dataclass(frozen=True)
class LearnStats:
    loss_before: float
    loss_after: float
    margin: float  # mean over pairs of Delta(kept) - Delta(rejected), nats per token
    steps: int
    seconds: float
    adapter_norm: float


class FeedbackLearner:
    """Per-session feedback learning (see the module docstring). `adapt` steers an `Infiller`."""

    def __init__(self, model: MusicTransformer, timing: TimingSettings,
                 settings: LearnerSettings | None = None) -> None:
        self.model, self.timing = model, timing
        self.settings = settings or LearnerSettings()
        model.requires_grad_(False)  # only the adapter learns; the model stays the frozen reference
        self.adapter = Adapter(model.config.d_model, self.settings.rank)
        self.rejected: list[Material] = []
        self.kept: list[Material] = []
        self.rounds = 0

    @property
    def active(self) -> bool:
        """True once the learner has changed anything (a fresh learner steers nothing)."""
        return self.rounds > 0

    def adapt(self, h: torch.Tensor) -> torch.Tensor:
        return self.adapter(h) if self.active else h

    def reset(self) -> None:
        """Forget everything learned in this session."""
        self.adapter = Adapter(self.model.config.d_model, self.settings.rank)
        self.rejected, self.kept, self.rounds = [], [], 0
        log.info("feedback learner reset")

    def observe(self, piece: Piece, region: Region, content: Sequence[Note], rejected: bool) -> None:
        """Tell the learner about `content` in `region` of `piece`: rejected, or kept."""
        key = material_key(region, content)
        store = self.rejected if rejected else self.kept
        if any(m.key == key for m in store):
            return
        store.append(material(self.model, encode_region(piece, region, content, self.timing), key))
        del store[: -self.settings.memory]

    def preference(self, piece: Piece, region: Region, content: Sequence[Note]) -> float:
        """How much closer (mean cosine, target representations) `content` in `region` is to the kept
        material than to the rejected material: the margin of Eq. 2, used to choose among candidates."""
        with torch.no_grad():
            encoded = encode_region(piece, region, content, self.timing)
            hidden = self.model.hidden(torch.tensor([encoded.tokens]), torch.tensor([encoded.chords]))[0]
            pooled = hidden[encoded.positions].mean(dim=0, keepdim=True)
            kept = F.cosine_similarity(pooled, torch.stack([m.pooled for m in self.kept]), dim=-1).mean()
            rejected = F.cosine_similarity(pooled, torch.stack([m.pooled for m in self.rejected]), dim=-1).mean()
        return float(kept - rejected)

    def preferences(self, piece: Piece, region: Region, drafts: Sequence[Sequence[Note]]) -> list[float]:
        """`preference` of each draft of `region` (the interface `agent.compose.jepa.JepaLearner` shares)."""
        return [self.preference(piece, region, d) for d in drafts]

    def loss(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(hinge loss, mean margin) over every (rejected, kept) pair, with the current adapter."""
        if self.settings.mode == "representation":
            return self.representation_loss()
        delta_r = torch.stack([log_likelihood(self.model, self.adapter, m) - m.base for m in self.rejected])
        delta_k = torch.stack([log_likelihood(self.model, self.adapter, m) - m.base for m in self.kept])
        gaps = delta_r.unsqueeze(1) - delta_k.unsqueeze(0)  # (rejected, kept)
        return F.relu(gaps + self.settings.alpha).mean(), -gaps.mean()

    def representation_loss(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Eq. 2 on representations: the steered representation of the marked region must be closer
        (cosine) to the kept material than to the rejected material by alpha; the kept material's own
        representation should stay where it is (so steering does not move what the songwriter kept)."""
        s_r = torch.stack([m.pooled for m in self.rejected])  # (R, C)
        s_k = torch.stack([m.pooled for m in self.kept])  # (K, C)
        steered = self.adapter(s_r)  # the adapter is affine: the mean of steered states
        neg = F.cosine_similarity(steered, s_r, dim=-1)  # (R,)
        pos = F.cosine_similarity(steered.unsqueeze(1), s_k.unsqueeze(0), dim=-1)  # (R, K)
        hinge = F.relu(neg.unsqueeze(1) - pos + self.settings.alpha).mean()
        keep = (1 - F.cosine_similarity(self.adapter(s_k), s_k, dim=-1)).mean()
        return hinge + self.settings.keep_weight * keep, (pos - neg.unsqueeze(1)).mean()

    def learn(self) -> LearnStats | None:
        """A few dozen steps on the margin loss; None when there is nothing to compare yet."""
        if not self.rejected or not self.kept or not self.settings.steer:
            return None
        s = self.settings
        started = time.perf_counter()
        optimiser = Adam(list(self.adapter.parameters()), lr=s.lr)
        first = last = 0.0
        margin = torch.zeros(())
        for step in range(s.steps):
            loss, margin = self.loss()
            last = loss.item()
            first = last if step == 0 else first
            if last == 0.0:
                break
            penalty = s.weight_decay * (self.adapter.shift.square().sum() + self.adapter.up.square().sum())
            (loss + penalty).backward()  # type: ignore[no-untyped-call]
            optimiser.step()
        self.rounds += 1
        stats = LearnStats(first, last, margin.item(), step + 1, time.perf_counter() - started, self.adapter.norm())
        log.info("feedback round %d: loss %.3f -> %.3f, margin %.3f nats/token, %d steps, %.2f s",
                 self.rounds, stats.loss_before, stats.loss_after, stats.margin, stats.steps, stats.seconds)
        return stats

    def state(self) -> dict[str, list[float]]:
        """The adapter's parameters as plain lists (a session file stores them)."""
        return {name: p.detach().flatten().tolist() for name, p in self.adapter.named_parameters()}

    def load_state(self, state: dict[str, list[float]], rounds: int) -> None:
        with torch.no_grad():
            for name, p in self.adapter.named_parameters():
                p.copy_(torch.tensor(state[name]).view_as(p))
        self.rounds = rounds
