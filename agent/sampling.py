"""Constrained sampling and the two decoders: cached (the live path) and full re-run (the baseline).

Every sampled token comes from the slice of the vocabulary the grammar allows at that step, so every
sampled sequence decodes (issue 6):

- time: an event time at or after the current time (and the chunk start), inside the window;
- duration x velocity: any;
- note: only the requested parts' pitches (REST only where the caller allows it, see `sample_note`).

Temperature, top-p and the inside/outside guidance (a logit bonus in nats for pitches whose pitch class
is in the chord sounding at the note's onset; negative plays outside) apply on top.

`CachedDecoder` feeds each new token once through the key/value cache. `FullDecoder` is the
reference-style baseline (Thickstun et al.'s sampler re-runs the whole context for every token); it
exists so the speed benchmark can compare the two on the same checkpoint in the same process.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from agent import vocab as V
from agent.chords import chord_from_id
from agent.generator import SamplingParams
from agent.model import KVCache, MusicTransformer


def current_time(tokens: Sequence[int]) -> int:
    """The latest event time (ticks) in a token stream, 0 if none."""
    for token in reversed(tokens):
        if V.EVENT_TIME <= token < V.EVENT_DUR:
            return token - V.EVENT_TIME
    return 0


def top_p_filter(logits: torch.Tensor, top_p: float) -> torch.Tensor:
    """Logits with everything outside the smallest set of mass >= top_p set to -inf (1-D)."""
    if top_p >= 1.0:
        return logits
    sorted_logits, order = torch.sort(logits, descending=True)
    cumulative = torch.softmax(sorted_logits, dim=-1).cumsum(-1)
    drop = cumulative - torch.softmax(sorted_logits, dim=-1) >= top_p  # keep the token that crosses top_p
    sorted_logits[drop] = float("-inf")
    return torch.empty_like(logits).scatter_(0, order, sorted_logits)


def sample_index(logits: torch.Tensor, temperature: float, top_p: float, rng: torch.Generator) -> int:
    """One index from 1-D logits (already masked with -inf where forbidden)."""
    scaled = top_p_filter(logits / max(temperature, 1e-4), top_p)
    probs = torch.softmax(scaled, dim=-1)
    return int(torch.multinomial(probs, 1, generator=rng))


def note_mask(parts: Sequence[int]) -> torch.Tensor:
    """Boolean mask over [EVENT_NOTE, REST): True for the pitches of the requested parts."""
    mask = torch.zeros(V.NUM_PARTS * V.NUM_PITCHES, dtype=torch.bool)
    for part in parts:
        mask[part * V.NUM_PITCHES : (part + 1) * V.NUM_PITCHES] = True
    return mask


def chord_tone_mask(pitch_classes: frozenset[int] | set[int]) -> torch.Tensor:
    """Boolean mask over [EVENT_NOTE, REST): True where the pitch class is a chord tone."""
    pcs = torch.arange(V.NUM_PARTS * V.NUM_PITCHES) % 12
    mask = torch.zeros_like(pcs, dtype=torch.bool)
    for pc in pitch_classes:
        mask |= pcs == pc
    return mask


REST_VALUE = V.REST - V.EVENT_NOTE  # the `value` sample_note returns for a rest
REST_DUR_VEL = 0  # the duration x velocity offset every rest carries (1 tick, class 0)


def sample_note(decoder: CachedDecoder, time: int, chord: int, params: SamplingParams, rng: torch.Generator,
                allowed: torch.Tensor, allow_rest: bool = False) -> tuple[int, int]:
    """Feed an event's time token, then sample and feed its duration x velocity and its note.

    The note is drawn from the `allowed` part x pitch slots (`note_mask`), with `params.guidance` nats
    added to the chord tones of `chord` (the chord id sounding at the note's onset). Returns the
    offsets (dur_vel, value) inside their token ranges; all three tokens have been fed. With
    `allow_rest`, the model may also choose REST (value `REST_VALUE`): an undertrained or sparse
    model sometimes wants a silent event where the rest rule does not put one, and forcing a pitch
    there turns a rest into a spurious short note. Without it, that rest's duration is masked too.
    """
    decoder.feed([V.EVENT_TIME + time], [chord])
    dur_logits = decoder.logits(V.EVENT_DUR, V.EVENT_NOTE).clone()
    if not allow_rest:  # the duration a rest carries (1 tick, softest class) would make a blip of a note
        dur_logits[REST_DUR_VEL] = float("-inf")
    dur_vel = sample_index(dur_logits, params.temperature, params.top_p, rng)
    decoder.feed([V.EVENT_DUR + dur_vel], [chord])
    logits = decoder.logits(V.EVENT_NOTE, V.EVENT_END).clone()  # pitches, then REST last
    notes = logits[:REST_VALUE]  # a view: edits land in `logits`
    tones = chord_from_id(chord) if params.guidance and chord else None
    if tones is not None:
        notes[chord_tone_mask(tones.pitch_classes)] += params.guidance
    notes[~allowed] = float("-inf")
    if not allow_rest:
        logits[REST_VALUE] = float("-inf")
    value = sample_index(logits, params.temperature, params.top_p, rng)
    decoder.feed([V.EVENT_NOTE + value], [chord])
    return dur_vel, value


class CachedDecoder:
    """Feeds tokens through a key/value cache; `logits` reads the next-token logits of a range."""

    def __init__(self, model: MusicTransformer) -> None:
        self.model = model
        self.cache = KVCache(model.config)
        self.tokens: list[int] = []
        self.chords: list[int] = []
        self._hidden: torch.Tensor | None = None  # (C,) at the last fed position

    def __len__(self) -> int:
        return len(self.tokens)

    def feed(self, tokens: Sequence[int], chords: Sequence[int]) -> None:
        if not tokens:
            return
        self.tokens.extend(tokens)
        self.chords.extend(chords)
        with torch.inference_mode():
            if len(tokens) == 1:
                self._hidden = self.model.step(tokens[0], chords[0], self.cache)
            else:  # a block (controls, rests, a rebuilt window): one batched pass
                x = torch.tensor([list(tokens)])
                c = torch.tensor([list(chords)])
                self._hidden = self.model.hidden(x, c, self.cache)[0, -1]

    def logits(self, lo: int, hi: int) -> torch.Tensor:
        """Next-token logits for ids [lo, hi), 1-D."""
        assert self._hidden is not None, "feed at least one token first"
        with torch.inference_mode():
            return self.model.step_logits(self._hidden, self.chords[-1], self.cache.now, lo, hi)

    def truncate(self, length: int) -> None:
        """Forget tokens from `length` on; the next `logits` needs the hidden state of token length-1."""
        if length == len(self.tokens):
            return
        tokens, chords = self.tokens[:length], self.chords[:length]
        self.cache.truncate(max(0, length - 1), current_time(tokens[:-1]))
        self.tokens, self.chords = tokens[:-1], chords[:-1]
        self.feed(tokens[-1:], chords[-1:])  # recompute the last position's hidden state


class FullDecoder(CachedDecoder):
    """The no-cache baseline: every `logits` call re-runs the whole context."""

    def feed(self, tokens: Sequence[int], chords: Sequence[int]) -> None:
        self.tokens.extend(tokens)
        self.chords.extend(chords)

    def logits(self, lo: int, hi: int) -> torch.Tensor:
        with torch.inference_mode():
            x = torch.tensor([self.tokens])
            c = torch.tensor([self.chords])
            hidden = self.model.hidden(x, c)[0, -1]
            return self.model.step_logits(hidden, self.chords[-1], current_time(self.tokens), lo, hi)

    def truncate(self, length: int) -> None:
        self.tokens, self.chords = self.tokens[:length], self.chords[:length]
