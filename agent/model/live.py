"""The model generator: the anticipatory transformer behind the live `Generator` interface.

State is one context window: a header, then the interleaved stream of the agent's own notes (events),
the human's notes (controls delayed by delta2 + lead) and the chord track (controls anticipated by
delta1), exactly as in training (`agent.training.examples`, `agent.model.anticipation`), with a key/value cache.

Per chunk [h, h + delta2):
1. make sure the window can hold the chunk (else rebuild: a later downbeat becomes the origin and
   the recent history is re-encoded from the context in one forward pass - every few bars, never
   per chunk);
2. add the controls that became known (chords up to h + delta2 + delta1, human notes up to the
   playhead) and the rests due up to h, feeding only the new tokens through the cache;
3. sample events with the grammar masks until the model steps past the chunk's end (that token is
   discarded, not fed).
A snapshot is kept at every chunk boundary, so a replan of [h, ...) rolls the stream back to h.
"""

from __future__ import annotations

import logging
import math
import random
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from agent.config import TimingConfig
from agent.errors import ModelError
from agent.live.generator import GenerationContext, SamplingParams
from agent.model import vocab as V
from agent.model.anticipation import Interleaver, Item, TimingSettings
from agent.model.checkpoint import load_checkpoint
from agent.model.engine import limit_threads
from agent.model.network import MusicTransformer
from agent.model.sampling import (
    CachedDecoder,
    FullDecoder,
    GuidedDecoder,
    Mask,
    note_mask,
    sample_event,
    sample_index,
)
from agent.model.tokens import ChordTimeline, chord_item, chord_timeline, encode, header, note_item
from agent.model.tokens import beat_ticks as beat_to_tick
from agent.music.events import ChordSpan, Note, Part

log = logging.getLogger("sideman.model.live")

RESERVE_TOKENS = 120  # room kept free in the window for one chunk (about 40 notes and controls)
HISTORY_BEATS = 8.0  # music kept before the chunk when the window is rebuilt
MAX_EVENTS_PER_CHUNK = 64  # a bound on the work of one chunk, whatever the model does
MIN_CARRIED_BEATS = 0.25  # a pre-roll note ending sooner after the start is not worth striking
MAX_HUMAN_PER_BEAT = 16  # human notes per beat shown to the model; more is a flood, not a performance


class _WindowFull(Exception):
    """The context window cannot take the tokens that must go in next: rebuild it."""


@dataclass
class Window:
    """One context window: its origin (a downbeat), stream builder, decoder and what it has seen."""

    origin: float
    parts: tuple[int, ...]
    meter: tuple[int, int]
    builder: Interleaver
    decoder: CachedDecoder
    fed_items: int = 0
    delay: int = 24  # the human's delay named in the header, ticks
    levels: tuple[tuple[int, int], ...] = ()  # (part, activity level) named in the header
    style: str | None = None  # the style of accompaniment named in the header (None: unsaid)
    guidance: float = 1.0  # classifier-free guidance on the named controls (1: none, one decoder)
    keys: set[tuple[str, int, int]] = field(default_factory=set)
    snapshots: dict[float, tuple[Any, ...]] = field(default_factory=dict)


class ModelGenerator:
    """A stateful `Generator` over a trained checkpoint (see the module docstring)."""

    def __init__(self, model: MusicTransformer, timing: TimingSettings, name: str = "model",
                 cached: bool = True) -> None:
        self.model, self.timing, self.name, self.cached = model, timing, name, cached
        self._window: Window | None = None
        self._generated_to = -math.inf
        self._carried: list[Note] = []  # notes of a pre-roll still sounding where the chunk starts
        self._timeline = ChordTimeline()
        self._timeline_of: tuple[tuple[ChordSpan, ...], float] | None = None  # what _timeline was built from
        self._seed_rng = random.Random()
        self.rebuilds = 0
        self.human_delays = timing.human_delays  # the runtime plans its chunks and lead with these
        self.delay_ticks = max(timing.human_delays)  # the human's delay told to the model, ticks
        self.levels: dict[int, int] = {}  # activity level per part told to the model
        self.style: str | None = None  # the style of accompaniment told to the model
        self.control_guidance = 1.0  # how firmly the named controls are followed (GuidedDecoder)

    # --- the Generator interface ---
    def reset(self) -> None:
        self._window = None
        self._generated_to = -math.inf
        self._carried = []

    def check_timing(self, timing: TimingConfig) -> str | None:
        """Why the runtime timing (delta1, delta2, lead) cannot be honoured by the model, or None."""
        return timing_problem(self.timing, timing)

    def generate(self, context: GenerationContext, start_beat: float, end_beat: float) -> list[Note]:
        try:
            return self._generate(context, start_beat, end_beat)
        except _WindowFull:  # more controls arrived than the window had room for: start a fresh one
            self._window = None
            return self._generate(context, start_beat, end_beat)

    def _generate(self, context: GenerationContext, start_beat: float, end_beat: float) -> list[Note]:
        window = self._prepare(context, start_beat, end_beat)
        carried, self._carried = self._carried, []  # what a pre-roll left sounding at the start
        self._timeline = self._chord_timeline(context.chords, window.origin)
        self._add_controls(window, context, end_beat)
        start_tick, end_tick = beat_to_tick(start_beat, window.origin), beat_to_tick(end_beat, window.origin)
        window.builder.fill_rests(start_tick)
        self._sync(window)
        notes = carried + self._sample_chunk(window, context.params, start_tick, end_tick,
                                             context.downbeat and not carried)
        window.snapshots[end_beat] = (window.builder.snapshot(), len(window.decoder), set(window.keys))
        for old in [b for b in window.snapshots if b < start_beat - 4 * (end_beat - start_beat)]:
            del window.snapshots[old]
        self._generated_to = end_beat
        return notes

    # --- window management ---
    def _prepare(self, context: GenerationContext, start_beat: float, end_beat: float) -> Window:
        self._header_for(context)
        window = self._window
        parts = tuple(sorted(int(p) for p in context.parts if p != Part.HUMAN))
        if window is not None and start_beat < self._generated_to - 1e-9 and not self._rollback(window, start_beat):
            window = None  # a replan from a point with no snapshot: start afresh
        if window is None or self._must_rebuild(window, parts, context.meter, start_beat, end_beat):
            window = self._rebuild(context, parts, start_beat, end_beat)
        elif start_beat > self._generated_to + 1e-9:
            self._catch_up(window, context, start_beat)
        self._window = window
        return window

    def _must_rebuild(self, window: Window, parts: tuple[int, ...], meter: tuple[int, int],
                      start_beat: float, end_beat: float) -> bool:
        # A gap of more than a few chunks is a jump: the history in between is not ours to append.
        gap = start_beat > self._generated_to + 4 * max(end_beat - start_beat, 1.0)
        full = len(window.decoder) > V.CONTEXT_LEN - RESERVE_TOKENS
        late = beat_to_tick(end_beat + self.timing.delta1_beats, window.origin) >= V.MAX_TIME
        header_changed = ((window.delay, window.levels, window.style, window.guidance)
                          != (self.delay_ticks, tuple(sorted(self.levels.items())), self.style, self.control_guidance))
        return gap or full or late or header_changed or parts != window.parts or meter != window.meter

    def _header_for(self, context: GenerationContext) -> None:
        """The human delay, activity levels and style this chunk asks for (a change rebuilds the window)."""
        wanted = context.human_delay_ticks
        trained = sorted(self.human_delays)
        if wanted is None:
            self.delay_ticks = trained[-1]
        else:  # the runtime knows the human at least this early: the smallest trained delay covering it
            self.delay_ticks = next((d for d in trained if d >= wanted), trained[-1])
        self.style = None if context.params.style not in V.STYLES else context.params.style
        knobs = [(int(part), value) for part, value in context.activity if part in context.parts]
        self.levels = {part: activity_level(value, part, self.style) for part, value in knobs}
        guidance = context.params.control_guidance  # 1 = as trained, one model pass: left as it is
        self.control_guidance = guidance * sparse_boost([v for _, v in knobs]) if guidance > 1.0 else guidance

    def _catch_up(self, window: Window, context: GenerationContext, start_beat: float) -> None:
        """Append what sounded in a short gap (chunks the fallback played when the model was late)."""
        self._timeline = self._chord_timeline(context.chords, window.origin)
        self._add_controls(window, context, start_beat)
        for note in sorted(context.own, key=lambda n: (n.beat, n.pitch)):
            if self._generated_to <= note.beat < start_beat and int(note.part) in window.parts:
                window.builder.add_event(self._note_item(note, window.origin, int(note.part)))
        self._sync(window)

    def _rollback(self, window: Window, start_beat: float) -> bool:
        snap = window.snapshots.get(start_beat)
        if snap is None:
            return False
        builder_snap, n_tokens, keys = snap
        window.builder.restore(builder_snap)
        window.decoder.truncate(n_tokens)
        window.fed_items = len(window.builder.items)
        window.keys = set(keys)
        window.snapshots = {b: s for b, s in window.snapshots.items() if b <= start_beat}
        return True

    def _rebuild(self, context: GenerationContext, parts: tuple[int, ...], start_beat: float,
                 end_beat: float) -> Window:
        """A fresh window whose origin is a downbeat before the chunk, with the recent history encoded.

        The origin goes back up to HISTORY_BEATS, but never before the downbeat of the first own note
        in that stretch: beats with no history would be encoded as rests, and a model that starts from
        bars of rests believes it is in a silent intro and stays silent.
        """
        self.rebuilds += 1
        bar = context.meter[0] * 4.0 / context.meter[1]

        def downbeat_before(beat: float) -> float:
            return context.bar_origin_beat + math.floor((beat - context.bar_origin_beat) / bar + 1e-9) * bar

        recent = [n.beat for n in context.own if start_beat - HISTORY_BEATS <= n.beat < start_beat
                  and int(n.part) in parts]
        origin = downbeat_before(max(start_beat - HISTORY_BEATS, min(recent, default=start_beat)))
        while True:
            try:
                window = self._new_window(context, parts, origin, start_beat)
                if len(window.decoder) <= V.CONTEXT_LEN - RESERVE_TOKENS or origin + bar > start_beat:
                    return window
            except _WindowFull:
                if origin + bar > start_beat:
                    raise
            origin += bar

    def _new_window(self, context: GenerationContext, parts: tuple[int, ...], origin: float,
                    start_beat: float) -> Window:
        head = header(V.MODE_LIVE, context.meter, parts, self.delay_ticks, self.levels, self.style)
        plain = header(V.MODE_LIVE, context.meter, parts, self.delay_ticks)  # the same, the controls unsaid
        guided = self.cached and self.control_guidance != 1.0 and plain != head
        decoder: CachedDecoder
        if guided:
            decoder = GuidedDecoder(self.model, self.control_guidance)
        else:
            decoder = CachedDecoder(self.model) if self.cached else FullDecoder(self.model)
        window = Window(origin, parts, context.meter, Interleaver(), decoder, delay=self.delay_ticks,
                        levels=tuple(sorted(self.levels.items())), style=self.style, guidance=self.control_guidance)
        self._timeline = self._chord_timeline(context.chords, origin)
        self._add_controls(window, context, start_beat)
        history = [n for n in context.own if origin <= n.beat < start_beat and int(n.part) in parts]
        for note in history:
            window.builder.add_event(self._note_item(note, origin, int(note.part)))
        # A take starting inside a bar (play, a seek or a loop start there: the runtime's downbeat chunk)
        # with nothing played yet: the model first plays the bar from its downbeat, unheard, so the chunk
        # continues a bar it began rather than a part silent since the downbeat and made to enter on
        # whatever off-beat the transport started at; what that pre-roll leaves sounding at the start is
        # played from the start (as a band's held chord is heard when you drop in mid-bar), and counts as
        # the chunk's first note. Not for a window rebuilt during a take: a part that chose silence is not
        # made to strike mid-bar. `sideman groove` prints takes from inside the first bar against takes
        # from the downbeat (models/README.md).
        self._carried = []
        preroll = context.downbeat and not history and bool(parts) and start_beat > origin + 1e-9
        if not preroll:
            window.builder.fill_rests(beat_to_tick(start_beat, origin))
        if isinstance(decoder, GuidedDecoder):
            decoder.feed_header(head, plain, [self._timeline.at(0)] * len(head))
        else:
            decoder.feed(head, [self._timeline.at(0)] * len(head))
        self._sync(window)
        if preroll:
            unheard = self._sample_chunk(window, context.params, 0, beat_to_tick(start_beat, origin))
            self._carried = [replace(n, beat=start_beat, dur_beats=n.beat + n.dur_beats - start_beat)
                             for n in unheard if n.beat + n.dur_beats > start_beat + MIN_CARRIED_BEATS]
        return window

    # --- controls and tokens ---
    def _chord_timeline(self, chords: tuple[ChordSpan, ...], origin: float) -> ChordTimeline:
        """The chord track on the window's tick grid (kept while the track object and origin stay)."""
        if self._timeline_of is not None and self._timeline_of[0] is chords and self._timeline_of[1] == origin:
            return self._timeline
        self._timeline_of = (chords, origin)
        return chord_timeline(chords, origin)

    def _note_item(self, note: Note, origin: float, part: int, control: bool = False, delta: int = 0) -> Item:
        return note_item(note, origin, part, control, delta)

    def _add_controls(self, window: Window, context: GenerationContext, end_beat: float) -> None:
        origin, delay = window.origin, window.delay
        horizon = end_beat + self.timing.delta1_beats
        anticipation = beat_to_tick(self.timing.delta1_beats)
        for span in context.chords:
            if span.end_beat <= origin or span.beat >= horizon:
                continue
            item = chord_item(span, origin, anticipation)
            if ("c", item.time, item.value) not in window.keys and item.time < V.MAX_TIME:
                window.keys.add(("c", item.time, item.value))
                window.builder.add_control(item)
        per_beat: dict[int, int] = {}
        for kind, tick, _ in window.keys:
            if kind == "h":
                per_beat[tick // V.TICKS_PER_BEAT] = per_beat.get(tick // V.TICKS_PER_BEAT, 0) + 1
        for note in context.human:
            time = beat_to_tick(note.beat, origin)
            if not origin <= note.beat <= context.playhead_beat or ("h", time, note.pitch) in window.keys:
                continue
            if per_beat.get(time // V.TICKS_PER_BEAT, 0) >= MAX_HUMAN_PER_BEAT:
                continue  # a flood of notes: the model hears the first ones of each beat
            per_beat[time // V.TICKS_PER_BEAT] = per_beat.get(time // V.TICKS_PER_BEAT, 0) + 1
            window.keys.add(("h", time, note.pitch))
            window.builder.add_control(self._note_item(note, origin, V.HUMAN, True, -delay))

    def _sync(self, window: Window) -> None:
        """Feed the items the builder placed since the last feed."""
        new = window.builder.items[window.fed_items :]
        if not new:
            return
        before = window.builder.items[: window.fed_items]
        now = next((i.time for i in reversed(before) if not i.control), 0)
        tokens, chords = encode(new, self._timeline, now)
        if len(window.decoder) + len(tokens) > V.CONTEXT_LEN:
            raise _WindowFull
        window.decoder.feed(tokens, chords)
        window.fed_items = len(window.builder.items)

    # --- sampling ---
    def _sample_chunk(self, window: Window, params: SamplingParams, start_tick: int, end_tick: int,
                      downbeat: bool = False) -> list[Note]:
        """Events of [start_tick, end_tick) until the model steps past the end. On a `downbeat` (play, a
        loop wrap) the chunk must start with a note: until one is sampled, times are drawn from inside
        the chunk only and a rest is not allowed (constrained decoding: the model still chooses which
        notes and when within the chunk, as a band comes in at the top of the loop)."""
        seed = params.seed if params.seed is not None else self._seed_rng.getrandbits(31)
        rng = np.random.default_rng(seed + start_tick)
        allowed = note_mask(window.parts)
        notes: list[Note] = []
        decoder, builder = window.decoder, window.builder
        for _ in range(MAX_EVENTS_PER_CHUNK):
            # room for an event and every control it could release before the chunk ends
            if not window.parts or len(decoder) + 3 + 3 * builder.pending_before(end_tick) + 3 > V.CONTEXT_LEN:
                break
            earliest = max(builder.last_event_time, start_tick)  # no time before now (nor the chunk)
            must_play = downbeat and not notes and earliest < end_tick
            logits = decoder.logits(V.EVENT_TIME + earliest, V.EVENT_TIME + end_tick if must_play else V.EVENT_DUR)
            time = earliest + sample_index(logits, params.temperature, params.top_p, rng)
            if time >= end_tick:
                break
            if builder.fill_rests(time):  # a rest is due before this time: place it, then ask again
                self._sync(window)
                continue
            note = self._sample_note(window, params, rng, time, allowed, rest_ok=not must_play)
            if note is not None:
                notes.append(note)
        return notes

    def _sample_note(self, window: Window, params: SamplingParams, rng: np.random.Generator, time: int,
                     allowed: Mask, rest_ok: bool = True) -> Note | None:
        """Sample the event at `time`; None when the model chose a rest there."""
        note = sample_event(window.decoder, window.builder, time, self._timeline.at(time), window.origin, params,
                            rng, allowed, rest_ok)
        window.fed_items += 1  # its tokens were fed by sample_event; controls it released are fed by _sync
        self._sync(window)
        return note


def timing_problem(trained: TimingSettings, timing: TimingConfig) -> str | None:
    """Why a runtime timing breaks what the model was trained to know, or None when it is fine.

    The runtime may show chords further ahead (the model's own delta1 is used for the tokens). The
    chunk and lead are planned per tempo from the model's trained human delays (agent.live.timing), so
    they always fit one of them.
    """
    if timing.delta1_beats < trained.delta1_beats:
        return (f"chords shown {timing.delta1_beats:g} beats ahead, the model was trained to see them "
                f"{trained.delta1_beats:g} beats ahead; set delta1 to at least that")
    return None


#: Per style, per part, the activity levels the knob's 0.1, 0.6 (its default) and 0.9 stand for; in
#: between the level moves linearly (rounded), beyond them it goes on towards the ends (0 and 7). Each
#: style's range is what its corpus does (levels of 32-beat windows of the training songs,
#: `vocab.ACTIVITY_BOUNDS`): POP909's comp sits at levels 5-6 (2-4.5 notes a beat) and its bass at 1-2
#: (85% of windows); Nottingham's chord part at 2 (0.5-1 notes a beat: 60%) and its bass at 1 (64%). So
#: the default asks each part for its corpus's median level, and the knob never asks for one the style's
#: own data barely holds: asking folk for pop's density made the model leave the style (a take in four,
#: at the old single table), and asking POP909's bass for level 3 (6% of windows) thinned its comp out
#: (knob 0.7 played 2.1 notes a beat on three sheets, against 2.7 at 0.5). At the low end, comp stays at
#: level 2 (a chord a bar, the sparsest comping the model plays well: at level 1, 3 of 5 takes on the demo
#: sheet played scattered single notes in the melody's register) and the bass goes to level 0.
#: Measured with `sideman groove` (models/README.md). "auto" (style unsaid) uses pop's table; the agent's
#: lead and counter parts keep one table (POP909's and Nottingham's leads agree: median level 3).
KNOB_ANCHORS = (0.1, 0.6, 0.9)
KNOB_LEVELS: dict[str, dict[int, tuple[int, int, int]]] = {
    "pop": {0: (1, 3, 5), 1: (0, 2, 4), 2: (2, 5, 6), 3: (0, 2, 2)},
    "folk": {0: (1, 3, 5), 1: (0, 2, 4), 2: (0, 2, 3), 3: (0, 1, 2)},
}
#: Classifier-free guidance follows a rare condition weakly (the bass at level 0: 7% of POP909's windows),
#: so it is scaled by up to this factor towards the knob's low end: x1.5 at 0.1 and below, fading to x1 at
#: 0.3. At 0.1 on the four lead sheets (3 seeds): 1.12, 0.97, 0.89, 0.94 notes a beat with it (bass
#: level 0); 1.21, 0.84, 1.05, 0.91 without it (bass level 1). More (x2, x2.5) made takes on the demo
#: sheet leave the chords for scattered high notes, as comp level 1 does.
SPARSE_GUIDANCE = 1.5


def activity_level(value: float, part: int = 2, style: str | None = None) -> int:
    """The activity level (vocab.ACTIVITY_LEVELS classes) of `part` for a knob value in [0, 1], in `style`."""
    table = KNOB_LEVELS.get(style or "pop", KNOB_LEVELS["pop"])
    lo, mid, hi = table.get(part, (0, V.ACTIVITY_LEVELS // 2, V.ACTIVITY_LEVELS - 1))
    (x0, x1, x2) = KNOB_ANCHORS
    level = lo + (value - x0) / (x1 - x0) * (mid - lo) if value <= x1 else mid + (value - x1) / (x2 - x1) * (hi - mid)
    return min(V.ACTIVITY_LEVELS - 1, max(0, math.floor(level + 0.5)))


def sparse_boost(values: list[float]) -> float:
    """The factor on control guidance for these knob values (`SPARSE_GUIDANCE`: the lowest one decides)."""
    low = min(values, default=1.0)
    return 1.0 + (SPARSE_GUIDANCE - 1.0) * min(1.0, max(0.0, (0.3 - low) / 0.2))


def load_generator(path: Path, timing: TimingConfig, cached: bool = True) -> ModelGenerator:
    """The model generator for a checkpoint; ModelError when the runtime timing cannot be honoured."""
    limit_threads(1)  # one core for the model, the other for the event loop
    model, trained, info = load_checkpoint(path)
    problem = timing_problem(trained, timing)
    if problem is not None:
        raise ModelError(f"{path.name}: {problem}")
    log.info("model %s: %d parameters, step %s, timing %s", path.name, model.num_params(), info.get("step"), trained)
    return ModelGenerator(model, trained, name=path.stem, cached=cached)
