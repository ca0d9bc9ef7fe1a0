"""The fallback generator: chord tones, the right parts and registers, only inside the window."""

from __future__ import annotations

from agent.live.fallback import FallbackGenerator
from agent.live.generator import GenerationContext
from agent.music.chords import parse_symbol
from agent.music.events import ChordSpan, Part


def context(parts: tuple[Part, ...] = (Part.COMP, Part.BASS), meter: tuple[int, int] = (4, 4)) -> GenerationContext:
    chords = []
    for beat, symbol in [(0.0, "C"), (4.0, "Am7"), (8.0, "Bb/D"), (10.0, "N")]:
        chord = parse_symbol(symbol)
        if chord is not None:
            chords.append(ChordSpan(beat, 4.0 if beat < 8 else 2.0, chord))
    return GenerationContext(0.0, 120.0, meter, tuple(chords), (), (), parts)


def test_notes_are_chord_tones_in_window_and_parts() -> None:
    generator = FallbackGenerator()
    for start in range(12):
        notes = generator.generate(context(), float(start), start + 1.0)
        for note in notes:
            assert start <= note.beat < start + 1
            assert note.part in (Part.COMP, Part.BASS)
            assert 1 <= note.velocity <= 127 and note.dur_beats > 0
    comp = generator.generate(context(), 4.0, 5.0)
    assert {n.pitch % 12 for n in comp if n.part is Part.COMP} == {9, 0, 4, 7}  # Am7
    bass = [n for n in generator.generate(context(), 8.0, 9.0) if n.part is Part.BASS]
    assert [n.pitch for n in bass] == [38]  # Bb/D: the slash bass, D2


def test_no_chord_is_silence_and_it_is_deterministic() -> None:
    generator = FallbackGenerator()
    assert generator.generate(context(), 10.0, 12.0) == []
    assert generator.generate(context(), 0.0, 4.0) == generator.generate(context(), 0.0, 4.0)


def test_bass_on_strong_beats_and_all_parts() -> None:
    generator = FallbackGenerator()
    bass = [n.beat for n in generator.generate(context(), 0.0, 8.0) if n.part is Part.BASS]
    assert bass == [0.0, 2.0, 4.0, 6.0]
    every = generator.generate(context(tuple(Part)[:4]), 0.0, 1.0)
    assert {n.part for n in every} == {Part.LEAD, Part.COUNTER, Part.COMP, Part.BASS}


def test_compound_meter_and_half_chunks() -> None:
    generator = FallbackGenerator()
    notes = generator.generate(context(meter=(6, 8)), 0.0, 3.0)
    assert sorted({n.beat for n in notes}) == [0.0, 1.0, 2.0]
    assert generator.generate(context(), 0.5, 1.0) == []
