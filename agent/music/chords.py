"""Chord symbols: parse the OSC contract's symbols (`C`, `Am7`, `F#m7b5`, `Bb/D`, `N`) and Harte labels.

A chord is a root pitch class, a quality from a fixed table, and an optional bass pitch class. The
table is the union of POP909's annotation qualities and what lead sheets write; extensions beyond the
seventh (9, 11, 13, add9, altered fifths) fold to the nearest quality in the table, because the model
sees chords as a small closed vocabulary (`chord_id`). Pure module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.errors import ChordError

#: quality name -> intervals above the root, in semitones. Order fixes `chord_id`: append only.
QUALITIES: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dim": (0, 3, 6),
    "aug": (0, 4, 8),
    "sus2": (0, 2, 7),
    "sus4": (0, 5, 7),
    "7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "min7": (0, 3, 7, 10),
    "hdim7": (0, 3, 6, 10),
    "dim7": (0, 3, 6, 9),
    "minmaj7": (0, 3, 7, 11),
    "maj6": (0, 4, 7, 9),
    "min6": (0, 3, 7, 9),
    "7sus4": (0, 5, 7, 10),
}
QUALITY_NAMES: tuple[str, ...] = tuple(QUALITIES)
NUM_CHORD_IDS = 1 + 12 * len(QUALITIES)  # 0 is "no chord"

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}

# Lead-sheet suffix -> quality, longest first so `m7b5` wins over `m7` and `m`.
_SUFFIXES: dict[str, str] = {
    "": "maj", "M": "maj", "maj": "maj", "major": "maj", "add9": "maj", "add2": "maj", "5": "maj",
    "m": "min", "min": "min", "minor": "min", "-": "min", "madd9": "min",
    "dim": "dim", "o": "dim", "°": "dim",
    "aug": "aug", "+": "aug", "#5": "aug",
    "sus2": "sus2", "sus4": "sus4", "sus": "sus4",
    "7": "7", "9": "7", "11": "7", "13": "7", "dom7": "7", "7b9": "7", "7#9": "7", "7b5": "7",
    "maj7": "maj7", "M7": "maj7", "Δ": "maj7", "Δ7": "maj7", "ma7": "maj7", "maj9": "maj7", "M9": "maj7",
    "m7": "min7", "min7": "min7", "-7": "min7", "m9": "min7", "m11": "min7", "min9": "min7",
    "m7b5": "hdim7", "ø": "hdim7", "ø7": "hdim7", "hdim7": "hdim7", "min7b5": "hdim7", "-7b5": "hdim7",
    "dim7": "dim7", "o7": "dim7", "°7": "dim7",
    "mMaj7": "minmaj7", "mmaj7": "minmaj7", "m(maj7)": "minmaj7", "minmaj7": "minmaj7", "-Δ7": "minmaj7",
    "6": "maj6", "maj6": "maj6", "M6": "maj6", "69": "maj6", "6/9": "maj6",
    "m6": "min6", "min6": "min6", "-6": "min6",
    "7sus4": "7sus4", "7sus": "7sus4", "9sus4": "7sus4", "sus4(b7)": "7sus4",
}
_SYMBOL = re.compile(r"^([A-G])([#b]*)(.*?)(?:/([A-G][#b]*))?$")
_NO_CHORD = frozenset({"N", "NC", "N.C.", "N.C", "X", ""})


@dataclass(frozen=True, slots=True)
class Chord:
    """Root pitch class 0-11, a quality name from `QUALITIES`, and the bass pitch class (root if None)."""

    root: int
    quality: str
    bass: int | None = None

    @property
    def pitch_classes(self) -> frozenset[int]:
        """The chord tones as pitch classes (the bass of a slash chord counts as a chord tone)."""
        tones = {(self.root + i) % 12 for i in QUALITIES[self.quality]}
        if self.bass is not None:
            tones.add(self.bass)
        return frozenset(tones)

    @property
    def symbol(self) -> str:
        """A lead-sheet symbol that `parse_symbol` reads back to the same chord."""
        suffix = {"maj": "", "min": "m", "hdim7": "m7b5", "minmaj7": "mMaj7", "maj6": "6", "min6": "m6"}
        text = NOTE_NAMES[self.root] + suffix.get(self.quality, self.quality)
        if self.bass is not None and self.bass != self.root:
            text += "/" + NOTE_NAMES[self.bass]
        return text


def _pitch_class(letter: str, accidentals: str, text: str) -> int:
    if any(a not in "#b" for a in accidentals):
        raise ChordError(f"chord {text!r}: bad accidental {accidentals!r} (use # or b)")
    return (_LETTER_PC[letter] + accidentals.count("#") - accidentals.count("b")) % 12


def parse_symbol(text: str) -> Chord | None:
    """Parse a lead-sheet symbol (`C`, `Am7`, `F#m7b5`, `Bb/D`); `N` or `NC` means no chord (None).

    Raises ChordError naming the symbol when it cannot be read.
    """
    stripped = text.strip()
    if stripped in _NO_CHORD:
        return None
    match = _SYMBOL.match(stripped)
    if match is None:
        raise ChordError(f"chord {text!r}: expected a root A-G, e.g. C, Am7, F#m7b5, Bb/D, or N")
    letter, accidentals, suffix, bass_text = match.groups()
    root = _pitch_class(letter, accidentals, text)
    quality = _SUFFIXES.get(suffix.replace("(", "").replace(")", "") if suffix not in _SUFFIXES else suffix)
    if quality is None:
        raise ChordError(f"chord {text!r}: unknown quality {suffix!r} (known: m, 7, maj7, m7, dim, m7b5, ...)")
    bass = None
    if bass_text:
        bass = _pitch_class(bass_text[0], bass_text[1:], text)
    return Chord(root, quality, bass)


_HARTE_QUALITY = {"sus4(b7)": "7sus4", "maj": "maj", "min": "min"}


def parse_harte(label: str) -> Chord | None:
    """Parse a Harte-style label as POP909 writes it (`B:maj`, `E:min7`, `A:sus4(b7)`, `N`)."""
    if label.strip() in _NO_CHORD:
        return None
    root_text, _, rest = label.strip().partition(":")
    quality_text, _, bass_text = rest.partition("/")
    quality = _HARTE_QUALITY.get(quality_text, quality_text or "maj")
    if quality not in QUALITIES or not root_text or root_text[0] not in _LETTER_PC:
        raise ChordError(f"Harte label {label!r}: unknown root or quality")
    root = _pitch_class(root_text[0], root_text[1:], label)
    bass = None
    if bass_text:
        # Harte bass is a scale degree (e.g. /3, /b7); keep the chord, drop the inversion.
        bass = None
    return Chord(root, quality, bass)


def chord_id(chord: Chord | None) -> int:
    """A dense id in [0, NUM_CHORD_IDS): 0 for no chord, else 1 + root * len(QUALITIES) + quality."""
    if chord is None:
        return 0
    return 1 + chord.root * len(QUALITIES) + QUALITY_NAMES.index(chord.quality)


def chord_from_id(ident: int) -> Chord | None:
    """Inverse of `chord_id` (the bass of a slash chord is not part of the id)."""
    if not 0 <= ident < NUM_CHORD_IDS:
        raise ChordError(f"chord id {ident} out of range 0..{NUM_CHORD_IDS - 1}")
    if ident == 0:
        return None
    root, quality = divmod(ident - 1, len(QUALITIES))
    return Chord(root, QUALITY_NAMES[quality])
