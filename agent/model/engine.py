"""The decode engine: the transformer's forward pass for new tokens against a key/value cache, in numpy.

Training and evaluation run the torch graph (`agent.model.network`); generation runs this. Both compute the
same function from the same parameters, and tests/test_engine.py holds them equal. The engine reads
the embeddings through numpy views of the torch tensors and keeps transposed copies of the layer
weights (OpenBLAS multiplies a block of rows by a contiguous (in, out) matrix about twice as fast as by
a transposed view); `engine_for` rebuilds it when the parameters changed in place (an optimiser step,
`load_state_dict`).

Why numpy: at the default size (4 layers x 192) one decode step is ~150 small operations on vectors of
192-768 floats. torch spends ~5-10 us dispatching each, more than the arithmetic; numpy spends ~1 us.
Measured on this 2-core VM, same checkpoint, one thread, in a tight loop: ~0.4 ms per step here
against ~0.85 ms for the same step written with torch vector ops (`MusicTransformer.step` before
commit ac454fa). Whole live path: `sideman bench-model`, figures in models/README.md.

One function, `Engine.feed`, serves the single-token decode step and a block of known tokens (a
window's prefix, the controls released by a sampled event): T new positions attend causally to each
other and to everything cached. `Engine.logits` computes only the slice of the vocabulary the grammar
allows next, with the relative-time and chord-relative pitch heads of `agent.model.network`.

Conditioning (JEP-AGA, issue 14): a model with `cond_dim` > 0 adds, at each position, the projected
row of a per-beat table to the input of its first `cond_layers` blocks and, with `cond_out`, to the
final hidden state (`agent.model.network.MusicTransformer.condition`); `Engine.condition` projects a
window's table once and the cache carries it, so a decode step only adds one row per conditioned place.

BLAS threads: OpenBLAS splits matrix-vector products of this size across every core and spins its
threads between calls, which would take the core the event loop needs. `limit_threads` pins torch
and BLAS to one thread; the live path and the benchmarks call it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from agent.model import vocab as V

if TYPE_CHECKING:
    from agent.model.network import ModelConfig, MusicTransformer

Array = npt.NDArray[np.float32]

GELU_C = math.sqrt(2.0 / math.pi)
LN_EPS = 1e-5


def limit_threads(threads: int) -> None:
    """Use `threads` threads for torch and for numpy's BLAS (process-wide)."""
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(threads)
    threadpool_limits(limits=threads, user_api="blas")


class KVCache:
    """Preallocated keys and values for every layer; `length` positions are valid.

    It also carries the stream's current time (`now`, ticks: the latest event time fed) and bar length
    (`bar_ticks`, from the header's meter token): the state the time features need to continue a
    sequence one token at a time.
    """

    def __init__(self, config: ModelConfig) -> None:
        head_dim, shape = config.d_model // config.n_head, (config.n_layer, config.n_head)
        # keys transposed, (hd, ctx) per head: q @ keys[..., :L] is then a plain matrix product
        self.keys: Array = np.zeros((*shape, head_dim, config.context_len), np.float32)
        self.values: Array = np.zeros((*shape, config.context_len, head_dim), np.float32)
        self.length = 0
        self.now = 0
        self.bar_ticks = 4 * V.TICKS_PER_BEAT
        self.cond: Array | None = None  # (beats, layers, C): projected conditioning per beat (`Engine.condition`)

    def copy(self) -> KVCache:
        """An independent cache holding the same positions and time state (the conditioning is shared:
        it is never written after `Engine.condition`)."""
        other = KVCache.__new__(KVCache)
        other.__dict__.update(self.__dict__)
        other.keys, other.values = self.keys.copy(), self.values.copy()
        return other

    def truncate(self, length: int, now: int) -> None:
        """Forget every position from `length` on (rolling back a withdrawn chunk); `now` is the
        current time of the kept stream (the caller has the tokens)."""
        if not 0 <= length <= self.length:
            raise ValueError(f"cannot truncate a cache of {self.length} positions to {length}")
        self.length = length
        self.now = now


def _normalise(x: Array) -> Array:
    """Layer norm over the rows of (T, C) without the affine part (folded into the next weights)."""
    if x.shape[0] == 1:  # the decode step: scalar arithmetic in Python beats four reductions' dispatch
        row = x[0]
        centred = row - float(np.add.reduce(row)) / row.shape[0]
        normed: Array = centred * (1.0 / math.sqrt(float(centred @ centred) / row.shape[0] + LN_EPS))
        return normed[None]
    scale = np.float32(1.0 / x.shape[-1])
    centred = x - np.add.reduce(x, axis=-1, keepdims=True) * scale
    return centred / np.sqrt(np.add.reduce(centred * centred, axis=-1, keepdims=True) * scale + LN_EPS)  # type: ignore[no-any-return]


def _gelu_times_two(h: Array) -> Array:
    """2 x GELU (tanh form) of h, in place: the 1/2 is folded into the weights that follow."""
    u = h * h
    u *= GELU_C * 0.044715
    u += GELU_C
    u *= h
    np.tanh(u, out=u)
    u += 1.0
    u *= h
    return u


class Engine:
    """Numpy inference for one `MusicTransformer` (see the module docstring).

    Built from the model's parameters with rewrites that save work per step and change the function
    only by float rounding: each layer norm's scale and shift are folded into the matrix that follows
    it (LN(x) W + b = norm(x) (diag(w) W) + (beta W + b)), the attention scale 1/sqrt(head_dim) into
    the query columns, the GELU's 1/2 into the MLP's output matrix, and the chord embedding plus the
    projection of its pitch-class set into one table.
    """

    def __init__(self, model: MusicTransformer) -> None:
        self.config = model.config
        C, nh = self.config.d_model, self.config.n_head
        p = {name: t.detach().numpy() for name, t in model.named_parameters()}
        self.tok_emb, self.pos_emb, self.bar_emb = p["tok_emb.weight"], p["pos_emb.weight"], p["bar_emb.weight"]
        chord_masks = model.chord_masks.numpy().astype(np.float32)  # (chords, 12)
        self.chord_table = p["chord_emb.weight"] + chord_masks @ p["chord_pc.weight"].T  # (chords, C)
        self.ln_f = (p["ln_f.weight"], p["ln_f.bias"])
        self.rel_time = (p["rel_time.weight"], p["rel_time.bias"])
        self.rel_pitch = (p["rel_pitch.weight"], p["rel_pitch.bias"])

        def folded(ln: str, linear: str, query_scale: float | None = None) -> tuple[Array, Array]:
            weight = p[f"{linear}.weight"].T * p[f"{ln}.weight"][:, None]  # (in, out)
            bias = p[f"{ln}.bias"] @ p[f"{linear}.weight"].T + p[f"{linear}.bias"]
            if query_scale is not None:
                weight[:, :C] *= query_scale
                bias[:C] *= query_scale
            return np.ascontiguousarray(weight, np.float32), bias.astype(np.float32)

        self.layers = []
        for i in range(self.config.n_layer):
            block = f"blocks.{i}."
            qkv_w, qkv_b = folded(block + "ln1", block + "attn.qkv", 1.0 / math.sqrt(C // nh))
            fc_w, fc_b = folded(block + "ln2", block + "fc")
            proj_w = np.ascontiguousarray(p[block + "attn.proj.weight"].T)
            out_w = np.ascontiguousarray(p[block + "out.weight"].T * 0.5)  # takes 2 x GELU: exact
            self.layers.append((qkv_w, qkv_b, proj_w, p[block + "attn.proj.bias"], fc_w, fc_b, out_w,
                                p[block + "out.bias"]))
        self.version = parameter_version(model)
        self.chord_roots = model.chord_roots.numpy()  # (chords,), -1 = no chord
        self.note_intervals = model.note_intervals.numpy()  # (root, note slot): interval above the root
        self.bar_table = model.bar_table.numpy()
        self.max_bar = self.bar_emb.shape[0]
        self.max_offset = self.rel_time[0].shape[0] - 2
        self.cond_proj = (np.ascontiguousarray(p["cond_proj.weight"].T)
                          if self.config.cond_dim else None)

    def condition(self, table: Array, cache: KVCache) -> None:
        """Condition everything fed to `cache` from now on on `table` (beats, cond_dim), projected once."""
        if self.cond_proj is None:
            raise ValueError("this model takes no conditioning input (cond_dim 0)")
        if table.ndim != 2 or table.shape[1] != self.config.cond_dim:
            raise ValueError(f"conditioning of shape {table.shape}: expected (beats, {self.config.cond_dim})")
        projected = (table.astype(np.float32) @ self.cond_proj).astype(np.float32)
        cache.cond = projected.reshape(len(table), self.config.cond_slices, self.config.d_model)

    def new_cache(self) -> KVCache:
        return KVCache(self.config)

    def feed(self, tokens: Sequence[int], chords: Sequence[int], cache: KVCache) -> Array:
        """Append `tokens` (with their chord ids) to the cache; the final hidden state (C,) of the last."""
        return self.feed_all(tokens, chords, [cache])[0]

    def feed_all(self, tokens: Sequence[int], chords: Sequence[int], caches: Sequence[KVCache]) -> list[Array]:
        """Append the same `tokens` to several caches of one length and time state (the two readings of
        classifier-free guidance: the same music under two headers); the final hidden state of each.

        The matrix products run once over every cache's rows: a decode step's cost is reading the
        weights, so two rows cost little more than one (`sideman bench-model`, guided against cached).
        Only attention, which reads each cache's own keys and values, runs per cache."""
        cache = caches[0]
        T, start, B = len(tokens), cache.length, len(caches)
        if T == 0:
            raise ValueError("feed needs at least one token")
        if start + T > self.config.context_len:
            raise ValueError(f"{start + T} positions exceed the context of {self.config.context_len}")
        if any((c.length, c.now, c.bar_ticks) != (start, cache.now, cache.bar_ticks) or (c.cond is None) != (cache.cond is None)
               for c in caches[1:]):
            raise ValueError("caches fed together must hold the same number of positions and time state")
        C, nh = self.config.d_model, self.config.n_head
        hd = C // nh
        now = np.empty(T, np.int64)  # the time features: latest event time at each position
        current = cache.now
        for i, token in enumerate(tokens):
            if V.EVENT_TIME <= token < V.EVENT_DUR:
                current = max(current, token - V.EVENT_TIME)
            now[i] = current
            if start + i == 1:  # the header's meter token sets the bar length
                index = token - V.METER
                for c in caches:
                    c.bar_ticks = int(self.bar_table[index if 0 <= index < len(self.bar_table) else -1])
        x = (self.tok_emb[np.asarray(tokens)] + self.pos_emb[start : start + T] + self.chord_table[np.asarray(chords)]
             + self.bar_emb[np.minimum(now % cache.bar_ticks, self.max_bar - 1)])  # (T, C)
        beats = np.minimum(now // V.TICKS_PER_BEAT, len(cache.cond) - 1) if cache.cond is not None else None
        injected = (np.concatenate([c.cond[beats] for c in caches]) if beats is not None  # type: ignore[index]
                    else None)  # (B*T, slices, C)
        x = np.tile(x, (B, 1)) if B > 1 else x  # (B*T, C): cache b's rows are b*T .. b*T + T - 1
        end = start + T
        mask = None
        if T > 1:  # causal inside the block, everything cached before it is visible
            mask = np.where(np.arange(end)[None, :] > start + np.arange(T)[:, None], -np.inf, 0.0).astype(np.float32)
        for i, (qkv_w, qkv_b, proj_w, proj_b, fc_w, fc_b, out_w, out_b) in enumerate(self.layers):
            if injected is not None and i < self.config.cond_layers:
                x = x + injected[:, i]  # (B*T, C): this block's slice of the conditioning
            qkv = (_normalise(x) @ qkv_w + qkv_b).reshape(B, T, 3, nh, hd)  # queries pre-scaled
            ys = []
            for b, c in enumerate(caches):
                keys, values = c.keys[i], c.values[i]
                keys[:, :, start:end] = qkv[b, :, 1].transpose(1, 2, 0)  # (nh, hd, T)
                values[:, start:end] = qkv[b, :, 2].transpose(1, 0, 2)  # (nh, T, hd)
                scores = np.matmul(qkv[b, :, 0].transpose(1, 0, 2), keys[:, :, :end])  # (nh, T, L)
                if mask is not None:
                    scores += mask
                scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
                scores /= np.add.reduce(scores, axis=-1, keepdims=True)
                ys.append(np.matmul(scores, values[:, :end]).transpose(1, 0, 2).reshape(T, C))  # (T, C)
            y = ys[0] if B == 1 else np.concatenate(ys)
            x = x + (y @ proj_w + proj_b)
            h = _gelu_times_two(_normalise(x) @ fc_w + fc_b)
            x = x + (h @ out_w + out_b)
        outs = []
        for b, c in enumerate(caches):
            c.length = end
            c.now = int(now[-1])
            row = b * T + T - 1
            out: Array = _normalise(x[row : row + 1])[0] * self.ln_f[0] + self.ln_f[1]
            if injected is not None and self.config.cond_out:
                out = out + injected[row, self.config.cond_layers]
            outs.append(out)
        return outs

    def logits(self, h: Array, chord: int, now: int, lo: int, hi: int) -> Array:
        """Next-token logits (hi - lo,) for ids [lo, hi) from a final hidden state (C,) at time `now`."""
        logits: Array = self.tok_emb[lo:hi] @ h  # tied input and output embeddings
        a, b = max(lo, V.EVENT_TIME), min(hi, V.EVENT_DUR)
        if a < b:
            rel = self.rel_time[0] @ h + self.rel_time[1]  # [before now, 0 .. max_offset - 1, >= max_offset]
            offsets = np.clip(np.arange(a - V.EVENT_TIME - now + 1, b - V.EVENT_TIME - now + 1), 0, self.max_offset + 1)
            logits[a - lo : b - lo] += rel[offsets]
        a, b = max(lo, V.EVENT_NOTE), min(hi, V.REST)
        root = int(self.chord_roots[chord])
        if a < b and root >= 0:
            rel = self.rel_pitch[0] @ h + self.rel_pitch[1]  # one logit per interval above the root
            logits[a - lo : b - lo] += rel[self.note_intervals[root, a - V.EVENT_NOTE : b - V.EVENT_NOTE]]
        return logits


def parameter_version(model: MusicTransformer) -> int:
    """A counter that grows with every in-place change to the model's parameters."""
    return sum(p._version for p in model.parameters())


def engine_for(model: MusicTransformer) -> Engine:
    """The model's engine, built once and rebuilt after its parameters changed."""
    engine: Engine | None = model.__dict__.get("_engine")
    if engine is None or engine.version != parameter_version(model):
        engine = Engine(model)
        model.__dict__["_engine"] = engine
    return engine
