"""Constrained sampling and the two decoders: cached (the live path) and full re-run (the baseline).

Every sampled token comes from the slice of the vocabulary the grammar allows at that step, so every
sampled sequence decodes (issue 6):

- time: an event time at or after the current time (and the chunk start), inside the window;
- duration x velocity: any;
- note: only the requested parts' pitches (REST only where the caller allows it, see `sample_note`).

Temperature, top-p and the inside/outside guidance (a logit bonus in nats for pitches whose pitch class
is in the chord sounding at the note's onset; negative plays outside) apply on top.

`CachedDecoder` feeds each new token once through the key/value cache of the numpy engine
(`agent.model.engine`). `FullDecoder` is the reference-style baseline (Thickstun et al.'s sampler re-runs the
whole context through the torch model for every token); it exists so the speed benchmark can compare
the two on the same checkpoint in the same process. Sampling works on numpy arrays with a numpy
random generator: a token costs a few microseconds of bookkeeping, not a few dozen torch dispatches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch

from agent.live.generator import SamplingParams
from agent.model import vocab as V
from agent.model.anticipation import Interleaver, Item
from agent.model.engine import Array, KVCache, engine_for
from agent.model.network import MusicTransformer
from agent.music.chords import chord_from_id
from agent.music.events import Note, Part

Mask = npt.NDArray[np.bool_]

REST_VALUE = V.REST - V.EVENT_NOTE  # the `value` sample_note returns for a rest
REST_DUR_VEL = 0  # the duration x velocity offset every rest carries (1 tick, class 0)
_NOTE_PCS = np.arange(V.NUM_PARTS * V.NUM_PITCHES) % 12  # pitch class of each note slot


def current_time(tokens: Sequence[int]) -> int:
    """The latest event time (ticks) in a token stream, 0 if none."""
    for token in reversed(tokens):
        if V.EVENT_TIME <= token < V.EVENT_DUR:
            return token - V.EVENT_TIME
    return 0


def sample_index(logits: Array, temperature: float, top_p: float, rng: np.random.Generator) -> int:
    """One index from 1-D logits (-inf where forbidden), with temperature and top-p (nucleus) filtering:
    the smallest set of most likely indices whose mass reaches top_p is kept.

    Only indices with probability >= (1 - top_p) / n are sorted: all the others together hold less than
    1 - top_p, so each has at least top_p of mass before it and is outside the nucleus anyway.
    """
    z = logits / max(temperature, 1e-4)
    probs = np.exp(z - z.max())
    if top_p < 1.0:
        total = float(np.add.reduce(probs))
        candidates = np.flatnonzero(probs >= (1.0 - top_p) / len(probs) * total)
        ranked = candidates[np.argsort(-probs[candidates], kind="stable")]
        mass = probs[ranked]
        before = np.cumsum(mass) - mass  # mass of the more likely indices
        keep = ranked[before < top_p * total]  # keeps the index that crosses top_p
        chosen = np.cumsum(probs[keep])
        return int(keep[min(int(np.searchsorted(chosen, rng.random() * chosen[-1], side="right")), len(keep) - 1)])
    cumulative = np.cumsum(probs)
    index = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    return min(index, len(probs) - 1)


def note_mask(parts: Sequence[int]) -> Mask:
    """Boolean mask over [EVENT_NOTE, REST): True for the pitches of the requested parts."""
    mask = np.zeros(V.NUM_PARTS * V.NUM_PITCHES, dtype=np.bool_)
    for part in parts:
        mask[part * V.NUM_PITCHES : (part + 1) * V.NUM_PITCHES] = True
    return mask


def chord_tone_mask(pitch_classes: frozenset[int] | set[int]) -> Mask:
    """Boolean mask over [EVENT_NOTE, REST): True where the pitch class is a chord tone."""
    tones = np.zeros(12, dtype=np.bool_)
    tones[list(pitch_classes)] = True
    return tones[_NOTE_PCS]


def sample_note(decoder: CachedDecoder, time: int, chord: int, params: SamplingParams, rng: np.random.Generator,
                allowed: Mask, allow_rest: bool = False) -> tuple[int, int]:
    """Feed an event's time token, then sample and feed its duration x velocity and its note.

    The note is drawn from the `allowed` part x pitch slots (`note_mask`), with `params.guidance` nats
    added to the chord tones of `chord` (the chord id sounding at the note's onset). Returns the
    offsets (dur_vel, value) inside their token ranges; all three tokens have been fed. With
    `allow_rest`, the model may also choose REST (value `REST_VALUE`): an undertrained or sparse
    model sometimes wants a silent event where the rest rule does not put one, and forcing a pitch
    there turns a rest into a spurious short note. Without it, that rest's duration is masked too.
    """
    decoder.feed([V.EVENT_TIME + time], [chord])
    dur_logits = decoder.logits(V.EVENT_DUR, V.EVENT_NOTE)
    if not allow_rest:  # the duration a rest carries (1 tick, softest class) would make a blip of a note
        dur_logits[REST_DUR_VEL] = -np.inf
    dur_vel = sample_index(dur_logits, params.temperature, params.top_p, rng)
    decoder.feed([V.EVENT_DUR + dur_vel], [chord])
    logits = decoder.logits(V.EVENT_NOTE, V.EVENT_END)  # pitches, then REST last
    notes = logits[:REST_VALUE]  # a view: edits land in `logits`
    tones = chord_from_id(chord) if params.guidance and chord else None
    if tones is not None:
        notes[chord_tone_mask(tones.pitch_classes)] += params.guidance
    notes[~allowed] = -np.inf
    if not allow_rest:
        logits[REST_VALUE] = -np.inf
    value = sample_index(logits, params.temperature, params.top_p, rng)
    decoder.feed([V.EVENT_NOTE + value], [chord])
    return dur_vel, value


def sample_event(decoder: CachedDecoder, builder: Interleaver, time: int, chord: int, origin: float,
                 params: SamplingParams, rng: np.random.Generator, allowed: Mask, rest_ok: bool = True) -> Note | None:
    """Sample the event at `time` (its three tokens are fed), add it to `builder`, and return it as a
    note of a window starting at beat `origin`; None when the model chose a rest there.

    Two rests at one time never happen in training (the rule places at most one per beat): after a
    rest at this very time the model must play a note, which also ends a rest-after-rest loop an
    undertrained model can fall into.
    """
    last = next((i for i in reversed(builder.items) if not i.control), None)
    allow_rest = rest_ok and (last is None or not (last.rest and last.time == time))
    dur_vel, value = sample_note(decoder, time, chord, params, rng, allowed, allow_rest=allow_rest)
    dur, vel = divmod(dur_vel, V.NUM_VEL)
    part, pitch = divmod(value, V.NUM_PITCHES)
    rest = value == REST_VALUE
    builder.add_event(Item(time, dur + 1, vel, -1 if rest else value))
    if rest:
        return None
    beat = origin + time / V.TICKS_PER_BEAT
    return Note(beat, (dur + 1) / V.TICKS_PER_BEAT, pitch, V.VELOCITY_VALUES[vel], Part(part))


@dataclass(frozen=True)
class DecoderState:
    """What a `CachedDecoder` has been fed: its cache, tokens and chord ids, and the last hidden state."""

    cache: KVCache
    tokens: tuple[int, ...]
    chords: tuple[int, ...]
    hidden: Array


class CachedDecoder:
    """Feeds tokens through a key/value cache; `logits` reads the next-token logits of a range."""

    def __init__(self, model: MusicTransformer) -> None:
        self.model = model
        self.engine = engine_for(model)
        self.cache: KVCache = self.engine.new_cache()
        self.tokens: list[int] = []
        self.chords: list[int] = []
        self._hidden: Array | None = None  # (C,) at the last fed position
        self.cond: Array | None = None  # (beats, cond_dim): the conditioning table, if any

    def condition(self, table: Array) -> None:
        """Condition every token fed from now on on a per-beat table (JEP-AGA; feed it before the header)."""
        self.cond = table
        self.engine.condition(table, self.cache)

    def __len__(self) -> int:
        return len(self.tokens)

    def feed(self, tokens: Sequence[int], chords: Sequence[int]) -> None:
        if not tokens:
            return
        self.tokens.extend(tokens)
        self.chords.extend(chords)
        self._hidden = self.engine.feed(tokens, chords, self.cache)

    def hidden(self) -> Array:
        """The final hidden state (C,) of the last fed token."""
        assert self._hidden is not None, "feed at least one token first"
        return self._hidden

    def logits(self, lo: int, hi: int) -> Array:
        """Next-token logits for ids [lo, hi), 1-D (a new array: callers may edit it)."""
        return self.engine.logits(self.hidden(), self.chords[-1], self.cache.now, lo, hi)

    def state(self) -> DecoderState:
        """A copy of everything fed so far, for `load` into another decoder of the same model."""
        assert self._hidden is not None, "feed at least one token first"
        return DecoderState(self.cache.copy(), tuple(self.tokens), tuple(self.chords), self._hidden.copy())

    def load(self, state: DecoderState) -> None:
        """Continue from `state` (`state`) as if its tokens had been fed here; `state` stays unchanged."""
        self.cache = state.cache.copy()
        self.tokens, self.chords = list(state.tokens), list(state.chords)
        self._hidden = state.hidden.copy()

    def truncate(self, length: int) -> None:
        """Forget tokens from `length` on; the next `logits` needs the hidden state of token length-1."""
        if length == len(self.tokens):
            return
        tokens, chords = self.tokens[:length], self.chords[:length]
        self.cache.truncate(max(0, length - 1), current_time(tokens[:-1]))
        self.tokens, self.chords = tokens[:-1], chords[:-1]
        CachedDecoder.feed(self, tokens[-1:], chords[-1:])  # the last position's hidden state, this cache only


class GuidedDecoder(CachedDecoder):
    """Classifier-free guidance on the header's controls (the activity levels and the style).

    Two caches read the same music: this decoder's under the full header, `uncond`'s under the header
    with those controls unsaid, and `logits` returns, over the range asked for,
    log p_uncond + strength * (log p_cond - log p_uncond): strength 1 is the conditional model itself,
    above 1 follows the knobs more firmly, 0 ignores them (Ho & Salimans 2022; for language models,
    Sanchez et al. 2023, "Stay on topic with classifier-free guidance"). Training leaves the levels unsaid
    in 15% of live windows and the style in 20%, so the unconditioned pass is in the model's
    distribution. The two caches are fed together (`Engine.feed_all`: one pass of matrix products over
    both), so guidance costs far less than a second model (`sideman bench-model` prints both).
    """

    def __init__(self, model: MusicTransformer, strength: float) -> None:
        super().__init__(model)
        self.uncond = CachedDecoder(model)
        self.strength = strength

    def feed_header(self, head: Sequence[int], plain: Sequence[int], chords: Sequence[int]) -> None:
        """The two headers (the same length): `head` names the controls, `plain` leaves them unsaid."""
        if len(head) != len(plain) or len(self):
            raise ValueError("feed the two headers, of one length, first")
        super().feed(head, chords)
        self.uncond.feed(plain, chords)

    def feed(self, tokens: Sequence[int], chords: Sequence[int]) -> None:
        if not tokens:
            return
        if len(self.uncond) != len(self):  # out of step (only while the two headers are fed): one by one
            super().feed(tokens, chords)
            self.uncond.feed(tokens, chords)
            return
        for decoder in (self, self.uncond):
            decoder.tokens.extend(tokens)
            decoder.chords.extend(chords)
        self._hidden, self.uncond._hidden = self.engine.feed_all(tokens, chords, [self.cache, self.uncond.cache])

    def logits(self, lo: int, hi: int) -> Array:
        cond, uncond = _log_softmax(super().logits(lo, hi)), _log_softmax(self.uncond.logits(lo, hi))
        out: Array = uncond + self.strength * (cond - uncond)
        return out

    def truncate(self, length: int) -> None:
        super().truncate(length)
        self.uncond.truncate(length)


def _log_softmax(logits: Array) -> Array:
    shifted = logits - logits.max()
    out: Array = shifted - np.log(np.exp(shifted).sum())
    return out


class FullDecoder(CachedDecoder):
    """The no-cache baseline: every `logits` call re-runs the whole context through the torch model."""

    def feed(self, tokens: Sequence[int], chords: Sequence[int]) -> None:
        self.tokens.extend(tokens)
        self.chords.extend(chords)

    def hidden(self) -> Array:
        with torch.inference_mode():
            x = torch.tensor([self.tokens])
            c = torch.tensor([self.chords])
            cond = None if self.cond is None else torch.from_numpy(self.cond).unsqueeze(0)
            return self.model.hidden(x, c, cond)[0, -1].numpy()

    def logits(self, lo: int, hi: int) -> Array:
        return self.engine.logits(self.hidden(), self.chords[-1], current_time(self.tokens), lo, hi)

    def truncate(self, length: int) -> None:
        self.tokens, self.chords = self.tokens[:length], self.chords[:length]
