"""The musical events every layer speaks: notes and chord spans, in beats.

Time is song position in quarter-note beats (float), as the DAW counts it; durations are in beats.
Where time is counted in whole steps it is on one grid, `TICKS_PER_BEAT`: the model's tokens
(agent.model.vocab) and the runtime's chunks, leads and human delays (agent.live.timing) both.
Pure module: no sockets, no torch.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from agent.music.chords import Chord

#: The grid every tick count is on: sixteenths (3 ticks) and eighth-note triplets (4 ticks) both on it.
TICKS_PER_BEAT = 12


class Part(enum.IntEnum):
    """The roles a note can play. The agent's parts come first; their value is the model's instrument id."""

    LEAD = 0  # the tune (POP909 MELODY, Nottingham melody)
    COUNTER = 1  # a counter-melody (POP909 BRIDGE)
    COMP = 2  # comping chords (POP909 PIANO minus its lowest voice, Nottingham chords)
    BASS = 3  # the lowest voice of the accompaniment
    HUMAN = 4  # the live musician's notes (a control, never generated)


AGENT_PARTS: tuple[Part, ...] = (Part.LEAD, Part.COUNTER, Part.COMP, Part.BASS)


@dataclass(frozen=True, slots=True)
class Note:
    """One note: onset and duration in beats, MIDI pitch 0-127, velocity 1-127, and its part."""

    beat: float
    dur_beats: float
    pitch: int
    velocity: int
    part: Part = Part.HUMAN

    @property
    def end_beat(self) -> float:
        return self.beat + self.dur_beats


@dataclass(frozen=True, slots=True)
class ChordSpan:
    """One chord of the chord track: it sounds from `beat` for `dur_beats` beats."""

    beat: float
    dur_beats: float
    chord: Chord

    @property
    def end_beat(self) -> float:
        return self.beat + self.dur_beats


def chord_at(chords: list[ChordSpan] | tuple[ChordSpan, ...], beat: float) -> Chord | None:
    """The chord sounding at `beat` (the latest span starting at or before it that still lasts), or None."""
    found: Chord | None = None
    for span in chords:
        if span.beat <= beat < span.end_beat:
            found = span.chord
        elif span.beat > beat:
            break
    return found


@dataclass(frozen=True)
class Song:
    """One song on the 1/12-beat grid; times in quarter-note beats."""

    name: str  # "pop909/001", "nottingham/ashover1"
    source: str  # "pop909" | "nottingham" | "midi"
    notes: tuple[Note, ...]  # every part, sorted by (beat, pitch, part)
    chords: tuple[ChordSpan, ...]  # sorted, non-overlapping; no-chord (N) spans omitted
    downbeats: tuple[float, ...]  # beats where bars start, increasing
    meter: tuple[int, int]  # (numerator, denominator), the most common one
    tempo_bpm: float  # median tempo


def parse_part(name: str) -> Part:
    """One of the agent's parts by name, any case (`"Bass"` -> BASS); ValueError naming the known ones.

    The one part-name parser: config `parts.play`, OSC `/agent/set parts`, `sideman infill --part`
    and `sideman bench-model --parts` all read names through it (or `parse_parts`).
    """
    part = Part.__members__.get(name.strip().upper())
    if part not in AGENT_PARTS:
        known = ", ".join(p.name.lower() for p in AGENT_PARTS)
        raise ValueError(f"unknown part {name.strip()!r} (known: {known})")
    return part


def parse_parts(text: str) -> tuple[Part, ...]:
    """`"comp,bass"` (commas or spaces) -> (COMP, BASS); `""` or `"none"` -> no parts (the agent is silent)."""
    names = [w for w in text.replace(" ", ",").split(",") if w.strip()]
    if [n.strip().lower() for n in names] == ["none"]:
        return ()
    return tuple(dict.fromkeys(parse_part(n) for n in names))


def part_for_program(program: int, taken: set[Part]) -> Part | None:
    """The part a General MIDI program asks for (None for drums, 128): see patches/OSC.md's
    `/agent/instruments`; live sessions and composition both assign parts by it."""
    if program == 128:
        return None
    if 32 <= program <= 39:
        return Part.BASS
    if program < 32 or 88 <= program <= 103:  # keys, chromatic percussion, organ, guitar, pads
        return Part.COMP
    preferred = Part.COUNTER if 40 <= program <= 55 or program >= 104 else Part.LEAD
    other = Part.LEAD if preferred is Part.COUNTER else Part.COUNTER
    return other if preferred in taken and other not in taken else preferred
