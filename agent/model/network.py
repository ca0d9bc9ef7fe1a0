"""The anticipatory music transformer: a small decoder-only network with a key/value cache.

nanoGPT-shaped (one file, config dataclass on top, (B, T, C) comments), with two additions for
following chords (issue 6: the first probe leaned on its own notes and ignored the chord controls):

- chord input at every position: the embedding of the chord sounding at the current time (an id
  embedding plus a projection of its 12-bit pitch-class set) is added to each token's embedding;
- a chord-relative pitch head: 12 logits per position, one per interval above the current chord's
  root, added to the logits of every event-note token with that interval. The model thinks "third of
  the chord" directly, in every key, which transposition augmentation alone teaches slowly.

And two for time, because absolute time tokens (ticks from the window start) make "the next note
comes an eighth later, on the off-beat" something every one of 768 time embeddings has to learn:

- the position in the bar of the current time (the latest event's onset) is embedded at every
  position (the bar length comes from the meter token of the header);
- a relative-time head: logits per offset 0..95 ticks from the current time (plus one for "before
  now", which is never right, and one for 8 beats or more), added to the time-token logits.

Both features are derived from the token stream itself (`time_features`), so callers pass tokens and
chord ids only (the decode engine's key/value cache carries the current time and bar length along).

This module is the torch graph for training and evaluation; generation runs the same function in numpy
with a key/value cache (`agent.model.engine`), held equal to `forward` by tests/test_engine.py.
`logits_range` computes only a slice of the vocabulary (feedback learning scores with it).

Conditioning (issue 14, JEP-AGA of Hu et al. 2025): with `cond_dim` > 0 the network takes a per-beat
table (B, beats, cond_dim) beside the tokens; each position adds the projection of the row of the beat
its current time falls in. Composition puts the normalised predicted representation of the region
in the rows of the region's beats (`agent.model.jepa.cond_table`). The paper concatenates the
representation to the token embedding; a linear map of a concatenation is the sum of the two maps, so
adding a projection is the same function. The projection has one slice per conditioned place: slice
i is added to the input of block i for i < `cond_layers` (block 0's input is the embedding), and with
`cond_out` a last slice is added to the final hidden state, after the last layer norm, where it shifts
the logits directly (through the tied output embedding and the pitch and time heads). Conditioning
every layer is WaveNet's and conditional PixelCNN's way; the output slice is there because a
warm-started generator has no circuit that reads a new input: a signal added only at the embedding
must wait for the network to learn to use it (the first version of the stage, embedding only, never
lowered the held-out loss, docs/compose.md). The projection starts at zero, so a warm-started
generator computes exactly what it did before.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from agent.model import vocab as V
from agent.music.chords import NUM_CHORD_IDS, chord_from_id


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int = V.VOCAB_SIZE
    context_len: int = 512  # positions, >= vocab.CONTEXT_LEN
    n_layer: int = 4
    n_head: int = 4
    d_model: int = 256
    dropout: float = 0.0  # on attention output and MLP, training only
    cond_dim: int = 0  # width of the per-beat conditioning input (0: none; JEP-AGA uses 2 x its width)
    cond_layers: int = 1  # blocks whose input adds a projection of the conditioning (1: the embedding only)
    cond_out: bool = False  # the final hidden state adds one too

    @property
    def cond_slices(self) -> int:
        """Places the conditioning is added: the first `cond_layers` blocks' inputs, and the output."""
        return self.cond_layers + int(self.cond_out)

    def to_dict(self) -> dict[str, int | float]:
        return asdict(self)


def _chord_tables() -> tuple[torch.Tensor, torch.Tensor]:
    """(NUM_CHORD_IDS, 12) pitch-class masks and (NUM_CHORD_IDS,) roots (-1 for no chord)."""
    masks = torch.zeros(NUM_CHORD_IDS, 12)
    roots = torch.full((NUM_CHORD_IDS,), -1, dtype=torch.long)
    for ident in range(1, NUM_CHORD_IDS):
        chord = chord_from_id(ident)
        assert chord is not None
        masks[ident, list(chord.pitch_classes)] = 1.0
        roots[ident] = chord.root
    return masks, roots


MAX_OFFSET = 96  # ticks (8 beats): offsets the relative-time head tells apart
MAX_BAR = 96  # ticks: longest bar the bar-position embedding covers


def _bar_ticks_table() -> torch.Tensor:
    """Bar length in ticks for each meter token offset (the last entry: any other meter, as 4/4)."""
    bars = [round(num * 4 / den * V.TICKS_PER_BEAT) for num, den in V.METERS] + [4 * V.TICKS_PER_BEAT]
    return torch.tensor(bars, dtype=torch.long)


def time_features(tokens: torch.Tensor, now0: int = 0) -> torch.Tensor:
    """The current time (ticks) at each position of `tokens` (B, T): the latest event time so far.

    Event times never go backwards, so this is a running maximum; `now0` is the time before the block.
    """
    is_time = (tokens >= V.EVENT_TIME) & (tokens < V.EVENT_DUR)
    values = torch.where(is_time, tokens - V.EVENT_TIME, torch.full_like(tokens, -1))
    return torch.cummax(values, dim=1).values.clamp(min=now0)


class Attention(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model)
        self.proj = nn.Linear(config.d_model, config.d_model)
        self.dropout = config.dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hd)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        drop = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=drop)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return F.dropout(self.proj(y), self.dropout, self.training)


class Block(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(config.d_model)
        self.attn = Attention(config)
        self.ln2 = nn.LayerNorm(config.d_model)
        self.fc = nn.Linear(config.d_model, 4 * config.d_model)
        self.out = nn.Linear(4 * config.d_model, config.d_model)
        self.dropout = config.dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))
        hidden = F.gelu(self.fc(self.ln2(x)), approximate="tanh")
        return x + F.dropout(self.out(hidden), self.dropout, self.training)


class MusicTransformer(nn.Module):
    """Tokens and per-token chord ids in, next-token logits out."""

    # buffers (registered in __init__), typed for the checker
    chord_masks: torch.Tensor
    chord_roots: torch.Tensor
    note_pcs: torch.Tensor
    note_intervals: torch.Tensor
    bar_table: torch.Tensor

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.tok_emb = nn.Embedding(config.vocab_size, config.d_model)
        self.pos_emb = nn.Embedding(config.context_len, config.d_model)
        self.chord_emb = nn.Embedding(NUM_CHORD_IDS, config.d_model)
        self.chord_pc = nn.Linear(12, config.d_model, bias=False)
        self.blocks: list[Block] = nn.ModuleList(Block(config) for _ in range(config.n_layer))  # type: ignore[assignment]
        self.ln_f = nn.LayerNorm(config.d_model)
        self.rel_pitch = nn.Linear(config.d_model, 12)  # logit per interval above the chord root
        self.bar_emb = nn.Embedding(MAX_BAR, config.d_model)  # position of the current time in its bar
        self.rel_time = nn.Linear(config.d_model, MAX_OFFSET + 2)  # [before now, 0..95, >= 96] ticks ahead
        self.register_buffer("bar_table", _bar_ticks_table(), persistent=False)
        masks, roots = _chord_tables()
        self.register_buffer("chord_masks", masks, persistent=False)
        self.register_buffer("chord_roots", roots, persistent=False)
        pcs = torch.arange(V.NUM_PARTS * V.NUM_PITCHES) % 12  # pitch class of each event-note token
        self.register_buffer("note_pcs", pcs, persistent=False)
        intervals = (pcs.view(1, -1) - torch.arange(12).view(-1, 1)) % 12  # (root, note): interval
        self.register_buffer("note_intervals", intervals, persistent=False)
        if config.cond_dim and not (0 <= config.cond_layers <= config.n_layer and config.cond_slices > 0):
            raise ValueError(f"cond_layers {config.cond_layers}: between 0 and n_layer ({config.n_layer}), "
                             "and at least one place conditioned")
        self.cond_proj = (nn.Linear(config.cond_dim, config.cond_slices * config.d_model, bias=False)
                          if config.cond_dim else None)
        self.apply(self._init)
        for name, param in self.named_parameters():  # GPT-2 scaled init of residual projections
            if name.endswith(("attn.proj.weight", "out.weight")):
                nn.init.normal_(param, 0.0, 0.02 / math.sqrt(2 * config.n_layer))
        if self.cond_proj is not None:  # zero: an unconditioned warm start computes what it did
            nn.init.zeros_(self.cond_proj.weight)

    @staticmethod
    def _init(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, 0.0, 0.02)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def hidden(self, tokens: torch.Tensor, chords: torch.Tensor, cond: torch.Tensor | None = None) -> torch.Tensor:
        """Final hidden states (B, T, C) of `tokens` (B, T) with chord ids (B, T), from position 0;
        `cond` (B, beats, cond_dim): the conditioning row of each beat of the window (None: none)."""
        B, T = tokens.shape
        if T > self.config.context_len:
            raise ValueError(f"{T} positions exceed the context of {self.config.context_len}")
        now = time_features(tokens)  # (B, T)
        bar = self.bar_ticks(tokens[:, 1]) if T > 1 else torch.full((B,), 4 * V.TICKS_PER_BEAT)
        x = self.tok_emb(tokens) + self.pos_emb(torch.arange(T)) + self.chord_emb(chords)
        x = x + self.chord_pc(self.chord_masks[chords])  # (B, T, C)
        x = x + self.bar_emb((now % bar.unsqueeze(1)).clamp(max=MAX_BAR - 1))
        injected = self.condition(cond, now) if cond is not None else None  # (B, T, slices, C)
        layers = self.config.cond_layers
        for i, block in enumerate(self.blocks):
            if injected is not None and i < layers:
                x = x + injected[:, :, i]
            x = block(x)
        out: torch.Tensor = self.ln_f(x)
        if injected is not None and self.config.cond_out:
            out = out + injected[:, :, layers]
        return out

    def condition(self, cond: torch.Tensor, now: torch.Tensor) -> torch.Tensor:
        """(B, T, cond_slices, C): the projected conditioning row of the beat of each position's current
        time, one slice per conditioned place (`ModelConfig.cond_slices`)."""
        if self.cond_proj is None:
            raise ValueError("this model takes no conditioning input (cond_dim 0)")
        if cond.dim() != 3 or cond.shape[-1] != self.config.cond_dim:
            raise ValueError(f"conditioning of shape {tuple(cond.shape)}: expected (B, beats, {self.config.cond_dim})")
        projected = self.cond_proj(cond)  # (B, beats, layers * C)
        beat = torch.div(now, V.TICKS_PER_BEAT, rounding_mode="floor").clamp(max=cond.shape[1] - 1)
        rows = torch.gather(projected, 1, beat.unsqueeze(-1).expand(-1, -1, projected.shape[-1]))
        return rows.view(*rows.shape[:2], self.config.cond_slices, self.config.d_model)

    def bar_ticks(self, meter_tokens: torch.Tensor) -> torch.Tensor:
        """Bar length in ticks (B,) from meter header tokens (B,); a non-meter token counts as 4/4."""
        index = meter_tokens - V.METER
        index = torch.where((index >= 0) & (index < len(self.bar_table)), index, len(self.bar_table) - 1)
        return self.bar_table[index]

    def forward(self, tokens: torch.Tensor, chords: torch.Tensor, cond: torch.Tensor | None = None) -> torch.Tensor:
        """Logits (B, T, vocab) for every position (training and evaluation)."""
        return self.head(self.hidden(tokens, chords, cond), chords, time_features(tokens))

    def head(self, h: torch.Tensor, chords: torch.Tensor, now: torch.Tensor) -> torch.Tensor:
        """Logits (B, T, vocab) from final hidden states (B, T, C), the chord ids and current times (ticks)
        (B, T) at those positions: `forward`'s output head, for a caller that needs a few positions only."""
        logits = F.linear(h, self.tok_emb.weight)  # tied input and output embeddings
        note_bias = self._note_bias(h, chords)  # (B, T, parts * pitches)
        time_bias = self._time_bias(h, now)  # (B, T, MAX_TIME)
        return torch.cat(
            [logits[..., : V.EVENT_DUR] + time_bias, logits[..., V.EVENT_DUR : V.EVENT_NOTE],
             logits[..., V.EVENT_NOTE : V.REST] + note_bias, logits[..., V.REST :]],
            dim=-1,
        )

    def _time_bias(self, h: torch.Tensor, now: torch.Tensor) -> torch.Tensor:
        rel = self.rel_time(h)  # (B, T, MAX_OFFSET + 2)
        offset = torch.arange(V.MAX_TIME).view(1, 1, -1) - now.unsqueeze(-1) + 1  # 0 = before now
        return torch.gather(rel, -1, offset.clamp(0, MAX_OFFSET + 1))

    def logits_range(self, h: torch.Tensor, chords: torch.Tensor, lo: int, hi: int,
                     now: torch.Tensor | None = None) -> torch.Tensor:
        """Logits for token ids [lo, hi) only, from hidden states (B, T, C) and current times (B, T)."""
        logits = F.linear(h, self.tok_emb.weight[lo:hi])
        if lo < V.EVENT_DUR:
            if now is None:
                raise ValueError("time-token logits need the current time of each position")
            t_hi = min(hi, V.EVENT_DUR)
            bias = self._time_bias(h, now)[..., lo:t_hi]
            logits = torch.cat([logits[..., : t_hi - lo] + bias, logits[..., t_hi - lo :]], -1)
        a, b = max(lo, V.EVENT_NOTE), min(hi, V.REST)
        if a < b:
            bias = self._note_bias(h, chords)[..., a - V.EVENT_NOTE : b - V.EVENT_NOTE]
            logits = torch.cat([logits[..., : a - lo], logits[..., a - lo : b - lo] + bias, logits[..., b - lo :]], -1)
        return logits

    def _note_bias(self, h: torch.Tensor, chords: torch.Tensor) -> torch.Tensor:
        rel = self.rel_pitch(h)  # (B, T, 12)
        roots = self.chord_roots[chords]  # (B, T), -1 = no chord
        interval = (self.note_pcs.view(1, 1, -1) - roots.clamp(min=0).unsqueeze(-1)) % 12
        bias = torch.gather(rel, -1, interval)  # (B, T, parts * pitches)
        return bias * (roots >= 0).unsqueeze(-1).to(bias.dtype)
