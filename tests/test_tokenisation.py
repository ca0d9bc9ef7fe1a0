"""The live path and the training path tokenise the same music into the same tokens (issue 11).

The live generator (`agent.model.live`) is fed a song chunk by chunk, as the scheduler feeds it: the
chords known delta1 ahead, the human's notes up to the playhead, its own notes played by a script in
place of sampling (the model's choice is not what is compared, its stream is). The training path
(`agent.training.examples.assemble`, which interleaves) gets the same notes, chords and human with the
same delay, header and window origin. The live stream must begin with every token and chord feature of
the training stream: the training window ends at its last note, the live one goes on with rests.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.live.generator import GenerationContext, SamplingParams
from agent.model import live
from agent.model import vocab as V
from agent.model.anticipation import Interleaver, TimingSettings
from agent.model.live import ModelGenerator
from agent.model.network import ModelConfig, MusicTransformer
from agent.model.sampling import CachedDecoder
from agent.model.tokens import beat_ticks, chord_item, item_tokens, note_item
from agent.music.chords import parse_symbol
from agent.music.events import ChordSpan, Note, Part
from agent.training.examples import assemble

SONG_BEATS = 8
SYMBOLS = ["C", "Am7", "F", "G7", "Dm7b5", "Ebmaj7/G"]


@cache
def tiny() -> MusicTransformer:
    torch.manual_seed(0)
    return MusicTransformer(ModelConfig(n_layer=1, n_head=2, d_model=16)).eval()


class Script:
    """Plays given notes in place of the model's sampling: the times and notes a model might choose."""

    def __init__(self, notes: list[Note]) -> None:
        self.notes = sorted(notes, key=lambda n: (beat_ticks(n.beat), int(n.part) * V.NUM_PITCHES + n.pitch))

    def sample_index(self, logits: np.ndarray[Any, Any], *_: object) -> int:
        """The next note's time as an offset from the earliest allowed time; past the chunk if none."""
        earliest = V.MAX_TIME - len(logits)
        if not self.notes:
            return len(logits) - 1
        return beat_ticks(self.notes[0].beat) - earliest

    def sample_event(self, decoder: CachedDecoder, builder: Interleaver, time: int, chord: int, origin: float,
                     *_: object) -> Note:
        note = self.notes.pop(0)
        item = note_item(note, origin, int(note.part))
        assert item.time == time
        decoder.feed(list(item_tokens(item)), [chord] * 3)
        builder.add_event(item)
        return note


def order(note: Note) -> tuple[float, int, int]:
    return note.beat, int(note.part), note.pitch


def notes_st(parts: list[Part], max_size: int) -> st.SearchStrategy[list[Note]]:
    """Notes of `parts` in the song, some off the tick grid (rounding is part of the tokenisation)."""
    note = st.builds(
        lambda tick, jitter, dur, pitch, vel, part: Note(max(0.0, tick + jitter) / V.TICKS_PER_BEAT, dur / 12, pitch, vel,
                                                       part),
        st.integers(0, SONG_BEATS * V.TICKS_PER_BEAT - 1), st.sampled_from([0.0, 0.0, 0.3, -0.2]),
        st.integers(1, 60), st.integers(30, 100), st.integers(1, 127), st.sampled_from(parts))
    return st.lists(note, max_size=max_size, unique_by=lambda n: (round(n.beat * 12), int(n.part), n.pitch))


@st.composite
def chords_st(draw: st.DrawFn) -> tuple[ChordSpan, ...]:
    """A chord track: spans of 1/4 to 6 beats, with gaps, from beat 0 to past the song's end."""
    spans, beat = [], 0.0
    while beat < SONG_BEATS + 6:
        beat += draw(st.sampled_from([0.0, 0.0, 0.5, 2.0]))
        dur = draw(st.integers(3, 72)) / V.TICKS_PER_BEAT
        chord = parse_symbol(draw(st.sampled_from(SYMBOLS)))
        assert chord is not None  # every symbol drawn parses
        spans.append(ChordSpan(beat, dur, chord))
        beat += dur
    return tuple(spans)


@given(
    data=st.data(),
    parts=st.lists(st.sampled_from([Part.LEAD, Part.COUNTER, Part.COMP, Part.BASS]), min_size=1, max_size=3,
                   unique=True).map(sorted),
    chords=chords_st(),
    chunk_beats=st.sampled_from([0.5, 1.0]),
    lead_beats=st.sampled_from([0.25, 0.5, 1.0]),
)
@settings(max_examples=40, deadline=None)
def test_live_stream_equals_the_training_stream(data: st.DataObject, parts: list[Part],
                                                chords: tuple[ChordSpan, ...], chunk_beats: float,
                                                lead_beats: float) -> None:
    own = data.draw(notes_st(parts, 24), "own")
    human = data.draw(notes_st([Part.HUMAN], 24), "human")
    timing = TimingSettings(4.0, chunk_beats, lead_beats)
    delay = data.draw(st.sampled_from([d for d in V.HUMAN_DELAYS
                                       if d >= timing.delay_for(chunk_beats, lead_beats)]), "delay")  # type: ignore[operator]
    script = Script(own)
    generator = ModelGenerator(tiny(), timing)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(live, "sample_index", script.sample_index)
        patch.setattr(live, "sample_event", script.sample_event)
        played: list[Note] = []
        for h in np.arange(0.0, SONG_BEATS, chunk_beats):
            playhead = h - lead_beats
            ctx = GenerationContext(
                playhead_beat=playhead, tempo_bpm=120.0, meter=(4, 4), chords=chords,
                human=tuple(n for n in human if n.beat <= playhead), own=tuple(played), parts=tuple(parts),
                params=SamplingParams(seed=0), human_delay_ticks=delay)
            played += generator.generate(ctx, float(h), float(h + chunk_beats))
    assert generator.rebuilds == 1 and generator._window is not None and generator._window.origin == 0.0
    assert sorted(played, key=order) == sorted(own, key=order)  # the script played it all

    events = [note_item(n, 0.0, int(n.part)) for n in own]
    controls = [note_item(n, 0.0, V.HUMAN, True, -delay) for n in human]  # those never known arrive too late
    controls += [chord_item(span, 0.0, beat_ticks(timing.delta1_beats)) for span in chords]
    example = assemble(V.MODE_LIVE, (4, 4), [int(p) for p in parts], events, controls, chords, delay)

    decoder = generator._window.decoder
    assert decoder.tokens[: len(example.tokens)] == example.tokens
    assert decoder.chords[: len(example.chords)] == example.chords
    rest = decoder.tokens[len(example.tokens) :]  # after the training window's last note: rests, controls
    assert not any(V.EVENT_NOTE <= t < V.REST for t in rest)


def test_training_names_each_source_style_in_most_windows_and_never_a_wrong_one() -> None:
    """Issue 10 (groove): POP909 windows say "pop", Nottingham windows "folk" (STYLE_SHARE of the time),
    a source of unknown style never says one; the header's length is the same either way."""
    import random

    from agent.training.examples import STYLE_SHARE

    span = ChordSpan(0.0, 4.0, parse_symbol("C"))  # type: ignore[arg-type]
    events = [note_item(Note(float(b), 1.0, 60, 80, Part.COMP), 0.0, int(Part.COMP)) for b in range(4)]
    rng = random.Random(3)
    for source, style in (("pop909", "pop"), ("nottingham", "folk"), ("midi", None)):
        firsts = [assemble(V.MODE_LIVE, (4, 4), [2], list(events), [], [span], 4, rng, source).tokens[0]
                  for _ in range(400)]
        named = sum(t != V.MODE_LIVE for t in firsts) / len(firsts)
        assert set(firsts) <= {V.MODE_LIVE, V.mode_token(V.MODE_LIVE, style)}
        assert (named == 0.0) if style is None else abs(named - STYLE_SHARE) < 0.07
