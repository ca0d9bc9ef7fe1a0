"""`sideman groove` (agent/training/groove.py): the offline measures of density, rhythm and listening."""

from __future__ import annotations

import random

import numpy as np
import torch

from agent.live.generator import SamplingParams
from agent.live.timing import plan
from agent.model.anticipation import TimingSettings
from agent.model.live import ModelGenerator
from agent.model.network import ModelConfig, MusicTransformer
from agent.music.events import Note, Part, Song
from agent.training import groove

TINY = ModelConfig(n_layer=2, n_head=2, d_model=32)


def song(melody_per_bar: list[int], source: str = "pop909") -> Song:
    """A 4/4 song whose melody starts `melody_per_bar[k]` notes in bar k, comp on every beat, C major."""
    from agent.music.chords import parse_symbol
    from agent.music.events import ChordSpan

    notes = []
    for bar, count in enumerate(melody_per_bar):
        notes += [Note(4.0 * bar + 4.0 * i / count, 0.5, 72, 90, Part.LEAD) for i in range(count)]
        notes += [Note(4.0 * bar + b, 1.0, 60, 70, Part.COMP) for b in range(4) if count > 1 or b < 2]
    bars = len(melody_per_bar)
    chord = parse_symbol("C")
    assert chord is not None
    return Song(f"{source}/test", source, tuple(sorted(notes, key=lambda n: (n.beat, n.pitch))),
                (ChordSpan(0.0, 4.0 * bars, chord),), tuple(4.0 * b for b in range(bars)), (4, 4), 120.0)


def test_segments_hold_quiet_and_busy_bars_and_the_real_ratio_sees_the_comp_thin_out() -> None:
    s = song([4, 4, 0, 4, 1, 4, 4, 0, 4, 4, 4, 4])
    [segment] = groove.listening_segments([s], per_source=3)
    assert len(segment.quiet) >= 2 and len(segment.busy) >= 2
    counts = groove.bar_counts([n for n in s.notes if n.part == Part.COMP], segment)
    ratio, lo, hi = groove.listening_ratio([counts], random.Random(1), rounds=50)
    assert ratio == 0.5 and lo == hi == 0.5  # two comp notes in a quiet bar, four in a busy one
    assert groove.listening_segments([song([4] * 12)], per_source=3) == []  # no quiet bars: nothing to learn


def test_a_segment_s_real_parts_are_its_comp_and_bass_placed_in_their_bars() -> None:
    s = song([4, 4, 0, 4, 1, 4, 4, 0, 4, 4, 4, 4])
    [segment] = groove.listening_segments([s], per_source=3)
    real = groove.real_parts(segment)
    assert real and all(n.part in groove.PARTS and segment.music.start <= n.beat < segment.music.end for n in real)
    assert len(real) == sum(1 for n in s.notes if n.part == Part.COMP and segment.music.start <= n.beat < segment.music.end)
    placed = groove.in_bar(real, segment)
    assert sorted({n.beat for n in placed}) == [0.0, 1.0, 2.0, 3.0]  # comp on every beat of its bars


def test_the_listening_bootstrap_keeps_a_segment_s_takes_together() -> None:
    """Three takes of one segment and three of another: resampling segments, never single takes, so a
    draw holds 0, 3 or 6 of each segment's rows (here: one segment thins out, the other not at all)."""
    thin, flat = (2.0, 1, 4.0, 1), (4.0, 1, 4.0, 1)
    ratio, lo, hi = groove.listening_ratio([thin] * 3 + [flat] * 3, random.Random(1), group=3, rounds=400)
    assert ratio == 0.75
    assert (lo, hi) == (0.5, 1.0)  # the bootstrap's extremes: both draws of one segment
    ratio, lo, hi = groove.listening_ratio([thin, flat] * 3, random.Random(1), group=2, rounds=400)
    assert lo == hi == 0.75  # every group holds one of each


def test_real_notes_sit_in_their_bar_and_split_by_source() -> None:
    pop, folk = song([4, 1, 4, 4]), song([4, 4, 4, 4], "nottingham")
    notes = groove.real_notes([pop, folk], "nottingham")
    assert len(notes) == 16 and all(0.0 <= n.beat < 4.0 for n in notes)
    onsets, durations = groove.profiles(groove.real_notes([pop, folk], None))
    assert np.isclose(onsets.sum(), 1.0) and np.isclose(durations.sum(), 1.0)


def test_accompany_drives_the_generator_as_the_runtime_plans_it() -> None:
    torch.manual_seed(0)
    generator = ModelGenerator(MusicTransformer(TINY).eval(), TimingSettings())
    music = groove.sheet_music("axis", bars=1)
    notes = groove.accompany(generator, music, SamplingParams(seed=2, style="pop"), 120.0, 0.5)
    assert notes and all(0.0 <= n.beat < 4.0 and n.part in groove.PARTS for n in notes)
    assert notes[0].beat < plan(120.0, 80.0, 250.0, generator.human_delays).chunk_beats  # the downbeat rule
    again = groove.accompany(generator, music, SamplingParams(seed=2, style="pop"), 120.0, 0.5)
    assert again == notes  # seeded: the benchmark's figures can be rerun
