"""The musical events every layer speaks: notes and chord spans, in beats.

Time is song position in quarter-note beats (float), as the DAW counts it; durations are in beats.
Pure module: no sockets, no torch.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from agent.music.chords import Chord


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
