"""Music -> items -> tokens, the per-token chord feature, and decoding back to notes.

The one tokenisation that training (`agent.training.examples`), composition (`agent.compose.infill`)
and the live generator (`agent.model.live`) share (issue 11): beats to ticks on a window's grid
(`beat_ticks`), notes to items (`note_item`), chord spans to anticipated controls (`chord_item`) and
the chord timeline (`chord_timeline`). One copy, so the live model never hears music tokenised
differently from what it was trained on; tests/test_tokens.py holds the live and training streams of
the same music to the same tokens.

A context window is a header (`vocab.HEADER_LEN` tokens) followed by triplets. Next to the tokens the
model gets, at every position, the chord sounding at the *current time* (the onset of the latest
event so far): the chord is visible at every step, not only as an anticipated control, which is what
the first probe lacked (issue 6). For the duration token of an event, whose successor is the pitch,
that is the chord at the event's own onset, so the model's chord-relative pitch head
(`agent.model.network`) and the sampler's inside/outside guidance both know which pitch classes are in.
Pure module.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from agent.model import vocab as V
from agent.model.anticipation import Item
from agent.music.chords import chord_id
from agent.music.events import ChordSpan, Note


@dataclass(frozen=True, slots=True)
class ChordTimeline:
    """Chord ids over ticks of one window: `starts` sorted, chord `ids[i]` from starts[i] to ends[i]."""

    starts: tuple[int, ...] = ()
    ends: tuple[int, ...] = ()
    ids: tuple[int, ...] = ()

    def at(self, tick: int) -> int:
        """The chord id sounding at `tick`, 0 (no chord) if none."""
        index = bisect.bisect_right(self.starts, tick) - 1
        if index >= 0 and tick < self.ends[index]:
            return self.ids[index]
        return 0


def beat_ticks(beat: float, origin: float = 0.0) -> int:
    """Beats from `origin` (a window's start) to ticks, rounded to the grid (TICKS_PER_BEAT = 12)."""
    return round((beat - origin) * V.TICKS_PER_BEAT)


def note_item(note: Note, origin: float, part: int, control: bool = False, delta: int = 0) -> Item:
    """A note as an item of the window starting at beat `origin`, played by `part` (0-3, or
    `vocab.HUMAN`); as a control it arrives `delta` ticks early (negative: late, the human's delay)."""
    time = beat_ticks(note.beat, origin)
    dur = max(1, beat_ticks(note.dur_beats))
    return Item(time, dur, V.velocity_class(note.velocity), part * V.NUM_PITCHES + note.pitch, control, False,
                time - delta)


def chord_item(span: ChordSpan, origin: float, delta: int) -> Item:
    """A chord span as a control anticipated by `delta` ticks; a span begun before the window starts
    at tick 0 and keeps its end."""
    time = max(0, beat_ticks(span.beat, origin))
    dur = max(1, beat_ticks(span.end_beat, origin) - time)
    return Item(time, dur, 0, chord_id(span.chord), True, True, time - delta)


def chord_timeline(chords: Sequence[ChordSpan], origin: float = 0.0) -> ChordTimeline:
    """The chord track on the tick grid of the window starting at `origin` (spans ended before it
    left out, a span begun before it starting at tick 0)."""
    spans = [s for s in chords if s.end_beat > origin]
    return ChordTimeline(tuple(max(0, beat_ticks(s.beat, origin)) for s in spans),
                         tuple(beat_ticks(s.end_beat, origin) for s in spans), tuple(chord_id(s.chord) for s in spans))


def header(mode: int, meter: tuple[int, int], parts_on: Sequence[int], delay_ticks: int | None = None,
           levels: Mapping[int, int] | None = None, style: str | None = None) -> list[int]:
    """The fixed-length header: mode and style, meter, on/off (and activity level) per agent part, human delay.

    `delay_ticks` is the human's delay in live mode (one of `vocab.HUMAN_DELAYS`; None in composition);
    `levels` maps a generated part to its activity level (a part left out: level unsaid); `style` is
    one of `vocab.STYLES` or None (unsaid).
    """
    first = V.mode_token(mode, style)
    if mode == V.MODE_LIVE and delay_ticks is None:
        raise ValueError("a live header needs the human's delay")
    levels = levels or {}
    parts = [V.part_token(p, p in parts_on, levels.get(p)) for p in range(V.NUM_PARTS)]
    return [first, V.meter_token(meter), *parts, V.delay_token(delay_ticks)]


def item_tokens(item: Item) -> tuple[int, int, int]:
    """The triplet of one item (its time must already be inside the window)."""
    if not 0 <= item.time < V.MAX_TIME:
        raise ValueError(f"item time {item.time} outside the window 0..{V.MAX_TIME - 1}")
    dur = min(max(item.dur, 1), V.MAX_DUR) - 1
    dur_vel = dur * V.NUM_VEL + item.vel
    if item.control:
        value = V.CONTROL_CHORD + item.value if item.chord else V.CONTROL_NOTE + item.value
        return V.CONTROL_TIME + item.time, V.CONTROL_DUR + dur_vel, value
    value = V.REST if item.rest else V.EVENT_NOTE + item.value
    return V.EVENT_TIME + item.time, V.EVENT_DUR + dur_vel, value


def encode(items: Sequence[Item], chords: ChordTimeline, now: int = 0) -> tuple[list[int], list[int]]:
    """Tokens of an item stream and the chord id at the current time for each token.

    `now` is the current time (ticks) before the first item: the time of the latest earlier event.
    """
    tokens: list[int] = []
    chord_ids: list[int] = []
    current = chords.at(now)
    for item in items:
        if not item.control:
            current = chords.at(item.time)
        tokens.extend(item_tokens(item))
        chord_ids.extend((current, current, current))
    return tokens, chord_ids


@dataclass(frozen=True, slots=True)
class TokenNote:
    """A decoded event: ticks from the window start, part 0-3, MIDI pitch, velocity."""

    time: int
    dur: int
    part: int
    pitch: int
    velocity: int


def decode_triplet(time_tok: int, dur_tok: int, note_tok: int) -> TokenNote | None:
    """The note of an event triplet, None for a rest; ValueError when the triplet is not an event."""
    if not (V.EVENT_TIME <= time_tok < V.EVENT_DUR and V.EVENT_DUR <= dur_tok < V.EVENT_NOTE):
        raise ValueError(f"not an event triplet: {(time_tok, dur_tok, note_tok)}")
    if note_tok == V.REST:
        return None
    if not V.EVENT_NOTE <= note_tok < V.REST:
        raise ValueError(f"not an event note token: {note_tok}")
    dur, vel = divmod(dur_tok - V.EVENT_DUR, V.NUM_VEL)
    part, pitch = divmod(note_tok - V.EVENT_NOTE, V.NUM_PITCHES)
    return TokenNote(time_tok - V.EVENT_TIME, dur + 1, part, pitch, V.VELOCITY_VALUES[vel])


def decode(tokens: Sequence[int]) -> list[TokenNote]:
    """Every event note of a token sequence (header first, then triplets); controls and rests skipped.

    Raises ValueError at the first triplet that does not decode or whose time goes backwards.
    """
    notes: list[TokenNote] = []
    last_time = 0
    body = tokens[V.HEADER_LEN :]
    for start in range(0, len(body) - len(body) % 3, 3):
        time_tok, dur_tok, note_tok = body[start : start + 3]
        if V.CONTROL_TIME <= time_tok < V.CONTROL_DUR:
            continue
        if time_tok - V.EVENT_TIME < last_time:
            raise ValueError(f"event time goes backwards at triplet {start // 3}")
        last_time = time_tok - V.EVENT_TIME
        note = decode_triplet(time_tok, dur_tok, note_tok)
        if note is not None:
            notes.append(note)
    return notes
