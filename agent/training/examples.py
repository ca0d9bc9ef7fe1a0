"""Training examples: one song, one random window, one role assignment -> tokens, chord ids, loss mask.

Roles are assigned per example (issue 6). In live mode (most examples) one part present in the song
is the human (the lead most often) and becomes delayed controls; a random non-empty set of the other
parts is what the agent generates; the remaining parts are left out. In compose mode (the rest) some
parts are known material (anticipated controls) and the others are generated up to a random cut after
which they too are known (span anticipation): the model learns to write towards known future
material, which is what infilling needs. Chords are anticipated controls in both modes.

Issue 10 and 14 additions: each live example draws the human's delay from `vocab.HUMAN_DELAYS`
(weighted towards the short ones the runtime uses at most tempos) and names it in the header; each
generated part's activity level (its notes per beat over the window as the model sees it) is named in
the header most of the time, so a knob can ask for it, and left unsaid otherwise, so the model still
plays what it would unprompted; composition windows anticipate known material by compose_delta
(16 beats) instead of delta1, so a region sees its surroundings, its own track's future included.
The corpus's style of accompaniment (`SOURCE_STYLES`: POP909's piano "pop", Nottingham's block chords
"folk") is named in the mode token of most windows, so a lead sheet, which looks like a Nottingham
tune, can still be comped like POP909 when the musician asks for it (issue 10, groove).

Windows start on a downbeat; every example is transposed by a random interval (augmentation).
Notes and chords become items and tokens through `agent.model.tokens`, the tokenisation the live
generator and composition share. Pure module (numpy-free, torch-free): `train.py` batches what it returns.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from agent.model import vocab as V
from agent.model.anticipation import Item, TimingSettings, interleave
from agent.model.tokens import beat_ticks, chord_item, chord_timeline, encode, header, note_item
from agent.music.chords import Chord
from agent.music.events import ChordSpan, Note, Part, Song

HUMAN_WEIGHTS = {Part.LEAD: 0.65, Part.COUNTER: 0.1, Part.COMP: 0.2, Part.BASS: 0.05}
COMPOSE_SHARE = 0.3  # share of compose-mode examples
KNOWN_PART_SHARE = 0.35  # in compose mode, chance that a part is wholly known
DELAY_WEIGHTS = (0.15, 0.1, 0.2, 0.2, 0.15, 0.12, 0.08)  # per vocab.HUMAN_DELAYS entry
LEVEL_SHARE = {V.MODE_LIVE: 0.85, V.MODE_COMPOSE: 0.5}  # chance a generated part's level is named
SOURCE_STYLES = {"pop909": "pop", "nottingham": "folk"}  # a corpus's style of accompaniment (vocab.STYLES)
STYLE_SHARE = 0.8  # chance the style of a known source is named (else unsaid: the model guesses)


@dataclass(frozen=True, slots=True)
class Example:
    tokens: list[int]
    chords: list[int]  # chord id at the current time, per token
    targets: list[bool]  # True where the token is an event token the loss should predict


def transpose_chord(chord: Chord, shift: int) -> Chord:
    bass = None if chord.bass is None else (chord.bass + shift) % 12
    return Chord((chord.root + shift) % 12, chord.quality, bass)


def window_notes(song: Song, start: float, shift: int) -> dict[Part, list[Note]]:
    """Notes with onset in [start, start + WINDOW_BEATS), transposed, grouped by part."""
    end = start + V.WINDOW_BEATS
    parts: dict[Part, list[Note]] = {}
    for note in song.notes:
        pitch = note.pitch + shift
        if start <= note.beat < end and 0 <= pitch < V.NUM_PITCHES:
            moved = Note(note.beat - start, note.dur_beats, pitch, note.velocity, note.part)
            parts.setdefault(note.part, []).append(moved)
    return parts


def window_chords(chords: Sequence[ChordSpan], start: float, shift: int) -> list[ChordSpan]:
    """Chord spans overlapping [start, start + WINDOW_BEATS), clipped to it, times from `start`."""
    end = start + V.WINDOW_BEATS
    out = []
    for span in chords:
        if span.end_beat > start and span.beat < end:
            begin = max(span.beat, start)
            dur = min(span.end_beat, end) - begin
            out.append(ChordSpan(begin - start, dur, transpose_chord(span.chord, shift)))
    return out


def part_levels(items: Sequence[Item], parts_on: Sequence[int]) -> dict[int, int]:
    """Activity level of each generated part over the items the window keeps (notes per beat)."""
    span_ticks = max((item.time for item in items if not item.control), default=0) + 1
    beats = max(4.0, span_ticks / V.TICKS_PER_BEAT)
    counts = dict.fromkeys(parts_on, 0)
    for item in items:
        if not item.control and not item.rest and item.value // V.NUM_PITCHES in counts:
            counts[item.value // V.NUM_PITCHES] += 1
    return {part: V.activity_level(count / beats) for part, count in counts.items()}


def assemble(
    mode: int, meter: tuple[int, int], parts_on: Sequence[int], events: list[Item], controls: list[Item],
    chords: Sequence[ChordSpan], delay_ticks: int | None = None, rng: random.Random | None = None,
    source: str = "",
) -> Example:
    """Interleave, encode, prepend the header (levels named for some parts, the source's style in most
    windows), cut to the context length."""
    end_tick = max((e.time for e in events), default=0)
    items = interleave(events, [c for c in controls if c.time < V.MAX_TIME], end_tick)
    items = items[: (V.CONTEXT_LEN - V.HEADER_LEN) // 3]
    body, chord_ids = encode(items, chord_timeline(chords))
    levels = part_levels(items, parts_on)
    share = LEVEL_SHARE[mode]
    named = {p: level for p, level in levels.items() if rng is not None and rng.random() < share}
    style = SOURCE_STYLES.get(source) if rng is not None and rng.random() < STYLE_SHARE else None
    head = header(mode, meter, parts_on, delay_ticks, named, style)
    tokens = head + body
    chord_ids = [chord_ids[0] if chord_ids else 0] * len(head) + chord_ids
    targets = [V.EVENT_TIME <= t < V.EVENT_END for t in tokens]
    return Example(tokens, chord_ids, targets)


def live_roles(present: list[Part], rng: random.Random) -> tuple[Part | None, list[Part]]:
    """Pick the human part and the parts the agent generates."""
    weights = [HUMAN_WEIGHTS[p] for p in present]
    human = rng.choices(present, weights)[0] if len(present) > 1 else None
    others = [p for p in present if p != human]
    if rng.random() < 0.5 or len(others) == 1:
        return human, others
    chosen = [p for p in others if rng.random() < 0.5]
    return human, chosen or [rng.choice(others)]


def live_example(song: Song, parts: dict[Part, list[Note]], chords: list[ChordSpan],
                 rng: random.Random, timing: TimingSettings) -> Example:
    human, agent_parts = live_roles(sorted(parts), rng)
    events = [note_item(n, 0.0, int(p)) for p in agent_parts for n in parts[p]]
    trained = [d for d in V.HUMAN_DELAYS if d in timing.human_delays]
    delay = rng.choices(trained, [DELAY_WEIGHTS[V.HUMAN_DELAYS.index(d)] for d in trained])[0]
    controls = [note_item(n, 0.0, V.HUMAN, True, -delay) for n in parts.get(human, [])] if human is not None else []
    controls += [chord_item(span, 0.0, beat_ticks(timing.delta1_beats)) for span in chords]
    return assemble(V.MODE_LIVE, song.meter, [int(p) for p in agent_parts], events, controls, chords, delay, rng,
                    song.source)


def compose_example(song: Song, parts: dict[Part, list[Note]], chords: list[ChordSpan],
                    rng: random.Random, timing: TimingSettings) -> Example:
    present = sorted(parts)
    known = {p for p in present if rng.random() < KNOWN_PART_SHARE}
    if len(known) == len(present):
        known.discard(rng.choice(present))
    delta = beat_ticks(timing.compose_delta_beats)
    cut = beat_ticks(rng.uniform(4, V.WINDOW_BEATS)) if rng.random() < 0.6 else V.MAX_TIME
    events: list[Item] = []
    controls = [chord_item(span, 0.0, delta) for span in chords]
    for part in present:
        for note in parts[part]:
            as_control = part in known or beat_ticks(note.beat) >= cut
            (controls if as_control else events).append(note_item(note, 0.0, int(part), as_control, delta))
    targets = [int(p) for p in present if p not in known]
    return assemble(V.MODE_COMPOSE, song.meter, targets, events, controls, chords, None, rng, song.source)


def build_example(song: Song, rng: random.Random, timing: TimingSettings) -> Example:
    """One random training example from `song`."""
    starts = [d for d in song.downbeats if any(n.beat >= d for n in song.notes[-8:])] or [0.0]
    start = rng.choice(starts[: max(1, len(starts) - 4)])
    shift = rng.randint(-5, 6)
    parts = window_notes(song, start, shift)
    chords = window_chords(song.chords, start, shift)
    if not parts:
        return assemble(V.MODE_LIVE, song.meter, [], [], [chord_item(s, 0.0, 0) for s in chords], chords, max(timing.human_delays))
    make = compose_example if rng.random() < COMPOSE_SHARE else live_example
    return make(song, parts, chords, rng, timing)
