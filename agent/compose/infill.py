"""Infilling: write a region of one track from the music around it, before and after (issue 4).

A request is put to the model in exactly the format it is trained on in compose mode
(`agent.training.examples.compose_example`): a window that starts on a downbeat before the region; the header
MODE_COMPOSE with PART_ON for the region's parts; the track's notes before the region as events (a
teacher-forced prefix); the track's notes after the region, every other track's notes and the chords
as controls anticipated by compose_delta (16 beats; delta1 before issue 14). Events of the region's parts are then sampled with the grammar
masks (`agent.model.sampling.sample_note`) from the region's start; the first sampled time at or past the
region's end stops it. So the future around a region reaches the model as anticipation: what lies
compose_delta beats ahead of the note being written is always in view.

Regions longer than a window: when the window is full (CONTEXT_LEN tokens) or sampling reaches its
last compose_delta beats (past which the future could not be shown), a new window opens at a later downbeat,
with everything written so far as events (past) and the rest as anticipated controls (future), and
sampling resumes where it stopped.

Dense pieces: 16 beats of anticipated material take most of a window (POP909's other tracks play up to
~10 notes a beat: 160 triplets of the 168). A window always opens with RESERVE_TOKENS to write with:
when no downbeat's prefix leaves that much, the busiest other tracks are left out of the window one by
one (`RegionContext.without`: a piece with fewer tracks, which the model was trained on; the chords stay),
and only when the region's own track alone is too much is the prefix cut at its start (the oldest items
go, the notes sounding now among them: out of the trained format). On the 100 held-out cases of seed 2,
24 have a crowded window; on them, one draft each x 2 seeds, leaving tracks out against cutting: DD_p 0.44
against 0.40, DD_f 0.42 against 0.39, PD and CD within 0.01, 0.14 s a fill against 0.15 (max 0.40 against
0.53; `/work/s6/thin.py`). Before, a prefix that fit the
context with only a few tokens to spare was kept whole; the window wrote one note or none, the next
opened on the same prefix, and the fill skipped a beat of silence (28 skipped beats in 400 fills of
`sideman compose-eval`'s 100 held-out cases, seed 2, 4 drafts; 44 in its log). A window that still
writes nothing opens again with twice the reserve (up to MAX_RESERVE_TOKENS) before a beat is given up
(`beats_skipped`: 0 on those cases). Choosing the origin no longer builds the stream of origins that
cannot fit (a lower bound, `_placed_at_least`) nor passes over the whole piece per origin (`known`):
building rejected streams was a third of the slowest fills' time (docs/compose.md, "Silent beats in
dense pieces").

JEP-AGA (issue 14): given `condition` (a region -> its predicted representation, `agent.compose.jepa`),
every window of a region is conditioned on the prediction (`Prediction.table`: at the steps that write
the region, its mean predicted representation and each beat's own predicted frame), as the compose stage
trained the generator (`agent.compose.stage`).

Steering: `adapt`, when given, maps each final hidden state before the output head; the feedback
learner (`agent.compose.feedback`) steers regenerations this way without touching the model's weights.
`encode_region` gives the teacher-forced tokens of a region's content in the same format, for the
feedback learner and the target encoder (`region_states`).
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import random
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import torch

from agent.compose.piece import Piece, Region, as_parts, inside, outside
from agent.errors import CompositionError
from agent.live.generator import SamplingParams
from agent.model import vocab as V
from agent.model.anticipation import Interleaver, Item, TimingSettings
from agent.model.engine import Array
from agent.model.network import MusicTransformer, time_features
from agent.model.sampling import CachedDecoder, DecoderState, Mask, note_mask, sample_event, sample_index
from agent.model.tokens import (
    ChordTimeline,
    beat_ticks,
    chord_item,
    chord_timeline,
    encode,
    header,
    note_item,
)
from agent.music.events import ChordSpan, Note

if TYPE_CHECKING:
    from agent.compose.jepa import Prediction

log = logging.getLogger("sideman.compose.infill")

HISTORY_BEATS = 16.0  # past music a window opens with, when it fits
RESERVE_TOKENS = 150  # room a window must leave for writing when it opens (about 50 notes and controls)
MAX_RESERVE_TOKENS = 3 * 150  # the most it leaves, when a window with less wrote nothing (doubling from RESERVE)
MAX_NOTES_PER_BEAT = 24  # a bound on the work of one region, whatever the model does
PREFIXES = 4  # window prefixes whose decoder state an infiller keeps (`Infiller.prefixes`: a fill's drafts share them)
MAX_ONSETS = 10  # notes starting at one time in one region, at most (an undertrained model can loop)

Adapt = Callable[[torch.Tensor], torch.Tensor]
Condition = Callable[[Piece, Region], "Prediction"]


class WindowFull(Exception):
    """The window cannot take the next tokens: open a later one."""


@dataclass(frozen=True)
class RegionContext:
    """What the model is told about a region: its track outside it, the other tracks, chords, bars."""

    region: Region
    own_before: tuple[Note, ...]  # the region's track before the region: events
    own_after: tuple[Note, ...]  # ... after it: anticipated controls
    others: tuple[Note, ...]  # every other pitched track: anticipated controls
    chords: tuple[ChordSpan, ...]
    downbeats: tuple[float, ...]
    meter: tuple[int, int]
    other_tracks: tuple[tuple[Note, ...], ...] = ()  # `others`, track by track

    def without(self, dropped: int) -> RegionContext:
        """This context with its `dropped` busiest other tracks left out (`thin`)."""
        busiest = sorted(range(len(self.other_tracks)), key=lambda i: -len(self.other_tracks[i]))
        kept = [t for i, t in enumerate(self.other_tracks) if i not in busiest[:dropped]]
        return dataclasses.replace(self, others=tuple(n for t in kept for n in t), other_tracks=tuple(kept))

    @cached_property
    def known(self) -> tuple[tuple[float, ...], tuple[Note, ...]]:
        """The anticipated notes (others, own after) sorted by onset, and their onsets: a window's
        are found by bisection instead of a pass over the whole piece."""
        notes = tuple(sorted((*self.others, *self.own_after), key=lambda n: n.beat))
        return tuple(n.beat for n in notes), notes


def region_context(piece: Piece, region: Region) -> RegionContext:
    """The context of `region` in `piece` (its own old notes inside the region are left out)."""
    if not 0 <= region.track < len(piece.tracks):
        raise CompositionError(f"region track {region.track + 1}: the piece has {len(piece.tracks)} tracks")
    track = piece.tracks[region.track]
    own = as_parts(outside(track.notes, region.start_beat, region.end_beat), region.parts)
    tracks = tuple(tuple(t.notes) for i, t in enumerate(piece.tracks) if i != region.track and not t.drums)
    return RegionContext(
        region, tuple(n for n in own if n.beat < region.start_beat), tuple(n for n in own if n.beat >= region.end_beat),
        tuple(n for t in tracks for n in t), piece.chords, piece.downbeats or (0.0,), piece.meter, tracks)


def window_controls(ctx: RegionContext, origin: float, delta: int) -> list[Item]:
    """Every known note after the window start and every chord in it, anticipated by `delta` ticks."""
    items = []
    beats, notes = ctx.known
    lo = bisect.bisect_left(beats, origin - 1.0)  # a margin over the tick grid's rounding
    hi = bisect.bisect_left(beats, origin + V.WINDOW_BEATS + 1.0)
    for note in notes[lo:hi]:
        if 0 <= beat_ticks(note.beat, origin) < V.MAX_TIME:
            items.append(note_item(note, origin, int(note.part), True, delta))
    for span in ctx.chords:
        if span.end_beat > origin and beat_ticks(span.beat, origin) < V.MAX_TIME:
            items.append(chord_item(span, origin, delta))
    return items


def build_stream(ctx: RegionContext, origin: float, events: Sequence[Note], now_beat: float,
                 delta: int) -> Interleaver:
    """The interleaved stream of a window up to `now_beat`: the events before it, rests, controls."""
    builder = Interleaver()
    builder.add_controls(window_controls(ctx, origin, delta))
    for note in sorted(events, key=lambda n: (n.beat, int(n.part), n.pitch)):
        if 0 <= beat_ticks(note.beat, origin) < V.MAX_TIME:
            builder.add_event(note_item(note, origin, int(note.part)))
    builder.fill_rests(min(beat_ticks(now_beat, origin), V.MAX_TIME - 1))
    return builder


@dataclass
class Window:
    """One context window being written: its origin, stream, decoder and chord timeline."""

    origin: float
    builder: Interleaver
    decoder: CachedDecoder
    timeline: ChordTimeline
    fed: int = 0

    def sync(self) -> None:
        """Feed the items placed since the last feed; WindowFull when they do not fit."""
        new = self.builder.items[self.fed :]
        if not new:
            return
        now = next((i.time for i in reversed(self.builder.items[: self.fed]) if not i.control), 0)
        tokens, chords = encode(new, self.timeline, now)
        if len(self.decoder) + len(tokens) > V.CONTEXT_LEN:
            raise WindowFull
        self.decoder.feed(tokens, chords)
        self.fed = len(self.builder.items)


class SteeredDecoder(CachedDecoder):
    """A cached decoder whose next-token logits read `adapt(hidden)` instead of the hidden state."""

    def __init__(self, model: MusicTransformer, adapt: Adapt) -> None:
        super().__init__(model)
        self.adapt = adapt

    def hidden(self) -> Array:
        with torch.inference_mode():
            return self.adapt(torch.from_numpy(super().hidden())).numpy()


@dataclass
class _Progress:
    """Where a region's writing stands: the notes so far and the beat sampling resumes from."""

    now_beat: float
    notes: list[Note] = field(default_factory=list)


class Infiller:
    """Fills regions of a piece with a checkpoint's model (see the module docstring)."""

    def __init__(self, model: MusicTransformer, timing: TimingSettings, adapt: Adapt | None = None,
                 condition: Condition | None = None) -> None:
        self.model, self.timing, self.adapt, self.condition = model, timing, adapt, condition
        self.delta = timing.ticks(timing.compose_delta_beats)
        self.windows_opened = 0
        self.windows_cut = 0  # windows whose prefix was cut at the start to leave room to write
        self.tracks_dropped = 0  # other tracks left out of windows to leave room to write (`thin`)
        self.thin = True  # on a crowded window, leave out the busiest other tracks before cutting its start
        self.beats_skipped = 0  # beats given up on: even the largest reserve wrote nothing there
        self.prediction: Prediction | None = None  # the region being written's, when conditioned
        self.prefixes: OrderedDict[tuple[object, ...], DecoderState] = OrderedDict()  # the latest PREFIXES windows'
        self.prefixes_reused = 0

    def fill(self, piece: Piece, region: Region, params: SamplingParams) -> list[Note]:
        """New notes for `region` (onsets inside it, ends clipped to it), as the region's parts."""
        ctx = region_context(piece, region)
        self.prediction = self.condition(piece, region) if self.condition is not None else None
        seed = params.seed if params.seed is not None else random.getrandbits(31)
        rng = np.random.default_rng(seed)
        allowed = note_mask([int(p) for p in region.parts])
        progress = _Progress(region.start_beat)
        budget = MAX_NOTES_PER_BEAT * max(1.0, region.end_beat - region.start_beat)
        reserve = RESERVE_TOKENS
        while len(progress.notes) < budget:
            window = self.open_window(ctx, progress, reserve)
            before = (progress.now_beat, len(progress.notes))
            if self._write(window, region, params, rng, allowed, progress):
                break
            if (progress.now_beat, len(progress.notes)) != before:
                reserve = RESERVE_TOKENS
            elif reserve < MAX_RESERVE_TOKENS:  # no progress: the same place with more room
                reserve = min(2 * reserve, MAX_RESERVE_TOKENS)
            else:  # not for lack of room: do not loop on it
                log.warning("window at beat %g made no progress; skipping a beat", window.origin)
                self.beats_skipped += 1
                progress.now_beat += 1.0
            if progress.now_beat >= region.end_beat - 1e-9:
                break
        return finish(progress.notes, region)

    # --- windows ---
    def open_window(self, ctx: RegionContext, progress: _Progress, reserve: int = RESERVE_TOKENS) -> Window:
        """A window on the latest downbeat that leaves the past HISTORY_BEATS in view, or a later one
        when that prefix would leave less than `reserve` tokens to write with; if none does, the same with
        the busiest other tracks left out (`thin`); on the latest downbeat, a prefix that still leaves less
        is cut at its start (`_truncated`), whether or not it fits the context."""
        now = progress.now_beat
        starts = [d for d in ctx.downbeats if d <= now + 1e-9] or [now]
        first = max([i for i, d in enumerate(starts) if d <= now - HISTORY_BEATS] or [0])
        events = [n for n in (*ctx.own_before, *progress.notes) if n.beat <= now + 1e-9]
        room = V.CONTEXT_LEN - V.HEADER_LEN - reserve
        for dropped in range(len(ctx.other_tracks) + 1 if self.thin else 1):
            view = ctx.without(dropped) if dropped else ctx
            for origin in starts[first:]:
                if origin != starts[-1] and 3 * self._placed_at_least(view, origin, now, events) > room:
                    continue  # cannot fit: not worth building
                builder = build_stream(view, origin, events, now, self.delta)
                if 3 * len(builder.items) <= room:
                    break
            if 3 * len(builder.items) <= room:
                self.tracks_dropped += dropped
                break
        self.windows_opened += 1
        timeline = chord_timeline(ctx.chords, origin)
        decoder = CachedDecoder(self.model) if self.adapt is None else SteeredDecoder(self.model, self.adapt)
        table = self.prediction.table(origin) if self.prediction is not None else None
        if table is not None:
            decoder.condition(table)
        head = header(V.MODE_COMPOSE, ctx.meter, [int(p) for p in ctx.region.parts])
        window = Window(origin, builder, decoder, timeline)
        if 3 * len(builder.items) <= room:
            self._feed_prefix(window, head, table)
        else:  # too long a prefix to write after: keep its most recent part
            decoder.feed(head, [timeline.at(0)] * len(head))
            self._truncated(window, room // 3)
        return window

    def _feed_prefix(self, window: Window, head: list[int], table: Array | None) -> None:
        """Feed a new window its header and prefix, or load the decoder state of the same prefix from
        `prefixes` (the drafts of a region open their first window on the same prefix, and feeding it is
        most of a short fill's time): the same state either way, so the same notes."""
        body, chords = encode(window.builder.items, window.timeline, 0)
        key = (tuple(head), tuple(body), tuple(chords), window.timeline.at(0), None if table is None else table.tobytes())
        state = self.prefixes.get(key)
        if state is not None:
            window.decoder.load(state)
            self.prefixes.move_to_end(key)
            self.prefixes_reused += 1
        else:
            window.decoder.feed(head, [window.timeline.at(0)] * len(head))
            window.decoder.feed(body, chords)
            self.prefixes[key] = window.decoder.state()
            while len(self.prefixes) > PREFIXES:
                self.prefixes.popitem(last=False)
        window.fed = len(window.builder.items)

    def _placed_at_least(self, ctx: RegionContext, origin: float, now: float, events: Sequence[Note]) -> int:
        """A lower bound on the items of `build_stream(ctx, origin, events, now)`, without building it:
        the events from `origin` and the notes anticipated to arrive by then (after the rests up to `now`,
        the stream's last event is at most 23 ticks before it)."""
        last = max(0, beat_ticks(now, origin) - 2 * V.TICKS_PER_BEAT + 1)  # ticks
        placed_to = min(last + self.delta, V.MAX_TIME - 1)  # controls up to this tick have arrived
        beats = ctx.known[0]
        anticipated = bisect.bisect_right(beats, origin + (placed_to - 1) / V.TICKS_PER_BEAT) - bisect.bisect_left(beats, origin)
        return anticipated + sum(1 for n in events if n.beat >= origin)

    def _truncated(self, window: Window, keep: int) -> None:
        """Feed only the last `keep` items of the window's prefix: the oldest are cut (out of the trained
        format, which always starts at the window's start, but it leaves room to write)."""
        log.info("context at beat %g leaves too little room to write; its start is cut", window.origin)
        self.windows_cut += 1
        items = window.builder.items
        now = next((i.time for i in reversed(items[: len(items) - keep]) if not i.control), 0)
        tokens, chords = encode(items[len(items) - keep :], window.timeline, now)
        window.decoder.feed(tokens, chords)
        window.fed = len(items)

    # --- sampling ---
    def _write(self, window: Window, region: Region, params: SamplingParams, rng: np.random.Generator,
               allowed: Mask, progress: _Progress) -> bool:
        """Sample events in one window; True when the region is done, False to go on in a new window."""
        origin, builder, decoder = window.origin, window.builder, window.decoder
        end_tick = beat_ticks(region.end_beat, origin)
        last_tick = V.MAX_TIME - self.delta  # past this the future is out of the window's view
        min_tick = beat_ticks(progress.now_beat, origin)
        while len(decoder) + 3 <= V.CONTEXT_LEN:
            earliest = max(builder.last_event_time, min_tick)
            if _onsets_at(progress.notes, origin + earliest / V.TICKS_PER_BEAT) >= MAX_ONSETS:
                earliest += 1  # a chord that big is a loop, not music: move on
            if earliest >= last_tick:  # whatever comes next is past the window's view
                progress.now_beat = origin + last_tick / V.TICKS_PER_BEAT
                return False
            logits = decoder.logits(V.EVENT_TIME + earliest, V.EVENT_DUR)  # no time before `earliest`
            time = earliest + sample_index(logits, params.temperature, params.top_p, rng)
            if time >= end_tick:
                return True
            if time >= last_tick:
                progress.now_beat = origin + last_tick / V.TICKS_PER_BEAT
                return False
            try:
                if builder.fill_rests(time):  # rests are due before this time: place them, ask again
                    window.sync()
                    continue
                note = self._note(window, params, rng, time, allowed)
                if note is not None:
                    progress.notes.append(note)
                window.sync()
            except WindowFull:
                break
        progress.now_beat = max(progress.now_beat, origin + builder.last_event_time / V.TICKS_PER_BEAT)
        return False

    def _note(self, window: Window, params: SamplingParams, rng: np.random.Generator, time: int,
              allowed: Mask) -> Note | None:
        """Sample an event at `time`; None when the model chose a rest there."""
        note = sample_event(window.decoder, window.builder, time, window.timeline.at(time), window.origin, params,
                            rng, allowed)
        window.fed += 1  # its three tokens were fed by sample_event
        return note


def _onsets_at(notes: Sequence[Note], beat: float) -> int:
    """How many of the latest notes start at `beat` (notes are in time order)."""
    count = 0
    for note in reversed(notes):
        if abs(note.beat - beat) > 1e-6:
            break
        count += 1
    return count


def finish(notes: Sequence[Note], region: Region) -> list[Note]:
    """Notes inside the region, ends clipped to its end, exact duplicates (onset, pitch) dropped."""
    out: dict[tuple[float, int], Note] = {}
    for note in inside(notes, region.start_beat, region.end_beat):
        dur = min(note.dur_beats, region.end_beat - note.beat)
        out.setdefault((round(note.beat * V.TICKS_PER_BEAT), note.pitch),
                       Note(note.beat, max(dur, 1 / V.TICKS_PER_BEAT), note.pitch, note.velocity, note.part))
    return sorted(out.values(), key=lambda n: (n.beat, n.pitch))


# ---------------------------------------------------------------- teacher-forced encoding


@dataclass(frozen=True)
class EncodedRegion:
    """A region's content in context, as the model reads it; `positions` index the region's events."""

    tokens: list[int]
    chords: list[int]
    positions: list[int]
    origin: float = 0.0  # beat of the window's start (JEP-AGA's conditioning table is laid out from it)
    onsets: list[int] = field(default_factory=list)  # per position: its event's time, ticks from `origin` (-1: a stand-in)
    cut: bool = False  # the window could not hold it all: the latest tokens are missing


def encode_region(piece: Piece, region: Region, content: Sequence[Note], timing: TimingSettings,
                  history_beats: float = 4.0) -> EncodedRegion:
    """`content` in `region` of `piece`, teacher-forced in the infilling format: a window from the
    downbeat `history_beats` before the region (later if the region would not fit), events up to the
    region's end. `positions` are the token indices of the region's events (notes and rests)."""
    return encode_in_context(region_context(piece, region), content, timing, history_beats)


def encode_in_context(ctx: RegionContext, content: Sequence[Note], timing: TimingSettings,
                      history_beats: float = 4.0) -> EncodedRegion:
    """`encode_region` from a region's context (`region_context`, perhaps `without` some tracks): one
    context serves every content of the same region."""
    region = ctx.region
    delta = timing.ticks(timing.compose_delta_beats)
    events = [*ctx.own_before, *as_parts(list(content), region.parts)]
    starts = [d for d in ctx.downbeats if d <= region.start_beat + 1e-9] or [region.start_beat]
    first = max([i for i, d in enumerate(starts) if d <= region.start_beat - history_beats] or [0])
    for origin in starts[first:]:
        builder = build_stream(ctx, origin, [n for n in events if n.beat < region.end_beat], region.end_beat, delta)
        if V.HEADER_LEN + 3 * len(builder.items) <= V.CONTEXT_LEN:
            break
    timeline = chord_timeline(ctx.chords, origin)
    body, chords = encode(builder.items, timeline)
    head = header(V.MODE_COMPOSE, ctx.meter, [int(p) for p in region.parts])
    cut = len(head) + len(body) > V.CONTEXT_LEN
    tokens = (head + body)[: V.CONTEXT_LEN]
    chords = ([timeline.at(0)] * len(head) + chords)[: V.CONTEXT_LEN]
    lo, hi = beat_ticks(region.start_beat, origin), beat_ticks(region.end_beat, origin)
    placed = [(V.HEADER_LEN + 3 * i + k, item.time) for i, item in enumerate(builder.items)
              if not item.control and lo <= item.time < hi for k in range(3)]
    # none in the window: the last token stands in (for a reading), at no onset of the region's events
    placed = [(p, t) for p, t in placed if p < len(tokens)] or [(len(tokens) - 1, -1)]
    return EncodedRegion(tokens, chords, [p for p, _ in placed], origin, [t for _, t in placed], cut)


def region_states(model: MusicTransformer, encoded: EncodedRegion) -> torch.Tensor:
    """Final hidden states (len(positions), C) of a region's events, from the model as given (frozen)."""
    with torch.no_grad():
        hidden = model.hidden(torch.tensor([encoded.tokens]), torch.tensor([encoded.chords]))[0]
    return hidden[encoded.positions]


def continuation_surprise(model: MusicTransformer, timing: TimingSettings, piece: Piece, region: Region,
                          drafts: Sequence[Sequence[Note]], beats: float | None = None,
                          history_beats: float = 4.0) -> list[float]:
    """How unexpected the track's own next notes are after each draft of `region`: the frozen generator's
    mean negative log-probability (nats per token) of the track's events in the `beats` after the region
    (default: as long as the region), teacher-forced with the draft in place (`encode_region` over the
    region and that stretch; the rest of the piece anticipated as usual). The same notes are scored after
    every draft, so a lower figure is a draft the music that follows grows out of more naturally: the
    right-hand context read the way a left-to-right model can read it. One batch for all the drafts.
    A window too crowded to reach the stretch's end leaves out the busiest other tracks, as a fill's
    does (`RegionContext.without`), the same ones for every draft. 0.0 for every draft when no event of
    the stretch fits a window."""
    if not drafts:
        return []
    length = region.end_beat - region.start_beat if beats is None else beats
    stretch = dataclasses.replace(region, end_beat=region.end_beat + length)
    ctx = region_context(piece, stretch)  # the same for every draft: they lie inside the stretch
    after = inside(piece.tracks[region.track].notes, region.end_beat, stretch.end_beat)
    contents = [[*inside(draft, region.start_beat, region.end_beat), *after] for draft in drafts]
    longest = max(contents, key=len)
    for dropped in range(len(ctx.other_tracks) + 1):  # a crowded window leaves out the busiest other tracks
        thinned = ctx.without(dropped)
        if not encode_in_context(thinned, longest, timing, history_beats).cut:
            break
    encoded = [encode_in_context(thinned, content, timing, history_beats) for content in contents]
    scored = []
    for one in encoded:
        end = beat_ticks(region.end_beat, one.origin)
        scored.append([p for p, t in zip(one.positions, one.onsets, strict=True) if t >= end and p >= 1])
    if not any(scored):
        return [0.0] * len(drafts)
    width = max(len(e.tokens) for e in encoded)
    tokens = torch.tensor([e.tokens + [V.PAD] * (width - len(e.tokens)) for e in encoded])
    chords = torch.tensor([e.chords + [e.chords[-1]] * (width - len(e.chords)) for e in encoded])
    rows = torch.tensor([row for row, positions in enumerate(scored) for _ in positions], dtype=torch.long)
    at = torch.tensor([p for positions in scored for p in positions], dtype=torch.long)
    with torch.no_grad():  # causal: the padding after a sequence changes nothing before it
        hidden = model.hidden(tokens, chords)
        before = (rows, at - 1)  # the logits of a token are read at the position before it
        logits = model.head(hidden[before][None], chords[before][None], time_features(tokens)[before][None])[0]
        surprise = -torch.log_softmax(logits, dim=-1).gather(1, tokens[rows, at][:, None])[:, 0]
    totals = torch.zeros(len(drafts)).index_add_(0, rows, surprise)
    counts = torch.tensor([max(1, len(p)) for p in scored], dtype=torch.float)
    return (totals / counts).tolist()


def region_reading(model: MusicTransformer, timing: TimingSettings, piece: Piece, region: Region,
                   content: Sequence[Note]) -> torch.Tensor:
    """The frozen model's reading of `content` in `region` of `piece`: the mean of its final hidden states
    over the region's events, in the infilling format (d_model floats; the simulated user's target
    encoder and the session's second reading of drafts)."""
    return region_states(model, encode_region(piece, region, content, timing)).mean(dim=0)
