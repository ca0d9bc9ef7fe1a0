"""agent/model/drive.py: the live generator driven offline as the runtime drives it."""

from __future__ import annotations

import torch

from agent.live.generator import SamplingParams
from agent.model.anticipation import TimingSettings
from agent.model.drive import Music, heard, play
from agent.model.live import ModelGenerator
from agent.model.network import ModelConfig, MusicTransformer
from agent.music.chords import parse_symbol
from agent.music.events import ChordSpan, Note, Part


def test_the_human_is_heard_as_far_as_the_playhead() -> None:
    melody = [Note(0.0, 4.0, 60, 90), Note(2.0, 0.5, 62, 90), Note(3.0, 1.0, 64, 90)]
    notes = heard(melody, 2.5, 0.0)
    assert [(n.pitch, n.dur_beats) for n in notes] == [(60, 2.5), (62, 0.5)]  # the held one: as long as so far
    assert [n.pitch for n in heard(melody, 3.0, 1.0)] == [62, 64]  # from `since`, and one struck just now...
    assert heard(melody, 3.0, 1.0)[-1].dur_beats == 1 / 12  # ...is shown one tick long


def test_a_take_starts_with_a_note_and_keeps_to_its_span() -> None:
    torch.manual_seed(0)
    generator = ModelGenerator(MusicTransformer(ModelConfig(n_layer=2, n_head=2, d_model=32)).eval(), TimingSettings())
    chord = parse_symbol("C")
    assert chord is not None
    music = Music((ChordSpan(0.0, 16.0, chord),), tuple(Note(float(b), 0.9, 72, 90) for b in range(16)), 4.0, 8.0)
    take = play(generator, music, SamplingParams(seed=1), (Part.BASS,), 0.5, 0.25, lead_in_beats=4.0)
    assert all(4.0 <= n.beat < 8.0 and n.part == Part.BASS for n in take.notes)  # the lead-in is dropped
    assert take.seconds > 0
    first = play(generator, music, SamplingParams(seed=1), (Part.BASS,), 0.5, 0.25)
    assert first.notes and first.notes[0].beat < 4.5  # play begins with a note in its first chunk
