"""The fallback generator: simple, deterministic, chord-based accompaniment that is always on time.

It plays when the model is late or fails, and it is the only generator until a model is loaded.
On each pulse (a quarter note; a half note in x/2 meters) of the chunk, with the chord sounding there:

- BASS: the chord's bass note (root, or the slash bass) in C2-B2, on the downbeat, on the half-bar of
  even meters, and wherever the chord changes; it lasts until the next bass note.
- COMP: the chord tones in close position in G3-F#4 on every pulse, accented on the downbeat.
- COUNTER: a chord tone held from each chord change or downbeat, in C4-B4.
- LEAD: the chord tones arpeggiated upwards in G4-F#5, one per pulse.

No chord (`N`) means silence. A call costs microseconds, so it runs on the event loop. Pure module.
"""

from __future__ import annotations

import math

from agent.live.generator import GenerationContext
from agent.music.chords import QUALITIES, Chord
from agent.music.events import ChordSpan, Note, Part, chord_at

_EPS = 1e-6
_LOW = {Part.BASS: 36, Part.COMP: 55, Part.COUNTER: 60, Part.LEAD: 67}  # lowest MIDI pitch of each register
_VELOCITY = {Part.BASS: 90, Part.COMP: 64, Part.COUNTER: 56, Part.LEAD: 80}
_ACCENT = 14  # velocity added on the downbeat
_GATE = 0.9  # share of the time to the next onset a note sounds (leaves air between repeated notes)


def _place(pitch_class: int, low: int) -> int:
    """The pitch with this pitch class in [low, low + 12)."""
    return low + (pitch_class - low) % 12


class FallbackGenerator:
    """Chord-based accompaniment from the chord track alone; deterministic and fast."""

    name = "fallback"

    def reset(self) -> None:
        """Stateless: nothing to forget."""

    def generate(self, context: GenerationContext, start_beat: float, end_beat: float) -> list[Note]:
        """Notes with start_beat <= beat < end_beat for the parts in `context.parts`."""
        numerator, denominator = context.meter
        pulse = max(1.0, 4.0 / denominator)
        bar_beats = numerator * 4.0 / denominator
        origin = context.bar_origin_beat
        first = math.ceil((start_beat - origin) / pulse - _EPS)
        notes: list[Note] = []
        k = first
        while origin + k * pulse < end_beat - _EPS:
            beat = origin + k * pulse
            chord = chord_at(context.chords, beat)
            if chord is not None:
                in_bar = (beat - origin) % bar_beats
                downbeat = in_bar < _EPS or bar_beats - in_bar < _EPS
                for part in context.parts:
                    notes.extend(self._part_note(part, context.chords, chord, beat, pulse, bar_beats, downbeat, k))
            k += 1
        return notes

    def _part_note(
        self, part: Part, chords: tuple[ChordSpan, ...], chord: Chord, beat: float, pulse: float,
        bar_beats: float, downbeat: bool, k: int,
    ) -> list[Note]:
        velocity = _VELOCITY[part] + (_ACCENT if downbeat else 0)
        tones = sorted(_place((chord.root + i) % 12, _LOW[part]) for i in QUALITIES[chord.quality])
        if part is Part.COMP:
            return [Note(beat, pulse * _GATE, pitch, velocity, part) for pitch in tones]
        if part is Part.LEAD:
            return [Note(beat, pulse * _GATE, tones[k % len(tones)], velocity, part)]
        half_bar = bar_beats / 2 if bar_beats >= 4 and (bar_beats / pulse) % 2 == 0 else bar_beats
        if not self._is_change(chords, chord, beat, pulse, half_bar):
            return []
        length = self._until_next_change(chords, chord, beat, pulse, half_bar)
        if part is Part.BASS:
            bass_pc = chord.root if chord.bass is None else chord.bass
            return [Note(beat, length * _GATE, _place(bass_pc, _LOW[part]), velocity, part)]
        third = tones[1] if len(tones) > 1 else tones[0]
        return [Note(beat, length * _GATE, third, velocity, part)]

    @staticmethod
    def _is_change(chords: tuple[ChordSpan, ...], chord: Chord, beat: float, pulse: float, every: float) -> bool:
        """True at the held parts' onsets: a chord change, or a multiple of `every` beats from beat 0."""
        on_grid = abs(beat / every - round(beat / every)) < _EPS
        return on_grid or chord_at(chords, beat - pulse) != chord

    @staticmethod
    def _until_next_change(
        chords: tuple[ChordSpan, ...], chord: Chord, beat: float, pulse: float, every: float
    ) -> float:
        """Beats from `beat` to the part's next onset (at most `every` beats)."""
        steps = 1
        while steps * pulse < every - _EPS:
            nxt = beat + steps * pulse
            if chord_at(chords, nxt) != chord or abs(nxt / every - round(nxt / every)) < _EPS:
                break
            steps += 1
        return steps * pulse
