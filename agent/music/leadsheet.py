"""A built-in lead sheet (chords plus a human melody) for the demo, the benchmark and the end-to-end test.

The tune is original and deliberately plain: a 16-bar progression in C major with a melody made of
chord tones and a few rhythm cells, so a listener can hear at once whether the accompaniment follows
the chords. `tiled(bars)` repeats it for as long as a run needs. Pure module.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.music.chords import QUALITIES, parse_symbol
from agent.music.events import Note, Part

#: one chord symbol per 4/4 bar
PROGRESSION: tuple[str, ...] = (
    "C", "Am7", "Fmaj7", "G7", "C", "Am7", "Dm7", "G7",
    "Em7", "A7", "Dm7", "G7", "F", "G7", "C", "C",
)
#: rhythm cells: (onset in the bar, duration) in beats, used bar by bar in turn
_CELLS: tuple[tuple[tuple[float, float], ...], ...] = (
    ((0.0, 1.0), (1.0, 1.0), (2.0, 2.0)),
    ((0.0, 1.5), (1.5, 0.5), (2.0, 1.0), (3.0, 1.0)),
    ((0.0, 0.5), (0.5, 0.5), (1.0, 1.0), (2.0, 1.5), (3.5, 0.5)),
    ((0.0, 3.0),),
)
_CONTOUR = (0, 1, 2, 1, 2, 3, 2, 1)  # index into the chord tones (from the lowest in the register)
_MELODY_LOW = 67  # G4: the melody's register starts here
BEATS_PER_BAR = 4.0


@dataclass(frozen=True, slots=True)
class LeadSheet:
    """Chords as (beat, dur_beats, symbol) and the human melody, from beat 0, in 4/4."""

    chords: tuple[tuple[float, float, str], ...]
    melody: tuple[Note, ...]
    bars: int

    @property
    def beats(self) -> float:
        return self.bars * BEATS_PER_BAR


def _melody_bar(bar: int, symbol: str) -> list[Note]:
    chord = parse_symbol(symbol)
    assert chord is not None
    tones = sorted(_MELODY_LOW + (chord.root + i - _MELODY_LOW) % 12 for i in QUALITIES[chord.quality])
    notes = []
    for k, (onset, dur) in enumerate(_CELLS[bar % len(_CELLS)]):
        pitch = tones[_CONTOUR[(bar + k) % len(_CONTOUR)] % len(tones)]
        velocity = 96 if onset == 0.0 else 84
        notes.append(Note(bar * BEATS_PER_BAR + onset, dur * 0.95, pitch, velocity, Part.HUMAN))
    return notes


def tiled(bars: int) -> LeadSheet:
    """The progression and melody repeated to `bars` bars (a final bar of C closes any length)."""
    symbols = [PROGRESSION[b % len(PROGRESSION)] for b in range(bars)]
    if bars > 1:
        symbols[-1] = "C"
    return sheet_of(symbols)


def sheet_of(symbols: list[str] | tuple[str, ...]) -> LeadSheet:
    """A lead sheet with one chord per bar and the rhythm-cell melody over it."""
    chords = tuple((b * BEATS_PER_BAR, BEATS_PER_BAR, s) for b, s in enumerate(symbols))
    melody = tuple(n for b, s in enumerate(symbols) for n in _melody_bar(b, s))
    return LeadSheet(chords, melody, len(symbols))


#: Progressions for the feel benchmark (`sideman bench --feel`), none of them the demo's: a 12-bar
#: blues in F, the pop "axis" (I-V-vi-IV) in G, a minor ii-V-i in D, a rock progression in E.
FEEL_PROGRESSIONS: dict[str, tuple[str, ...]] = {
    "blues": ("F7", "Bb7", "F7", "F7", "Bb7", "Bb7", "F7", "D7", "Gm7", "C7", "F7", "C7"),
    "axis": ("G", "D", "Em", "C", "G", "D", "Em", "C"),
    "minor": ("Em7b5", "A7", "Dm", "Dm", "Gm7", "C7", "Fmaj7", "Bbmaj7"),
    "rock": ("E", "D", "A", "E", "E", "D", "A", "B7"),
}


def feel_sheet(name: str) -> LeadSheet:
    """One of FEEL_PROGRESSIONS as a lead sheet."""
    return sheet_of(FEEL_PROGRESSIONS[name])
