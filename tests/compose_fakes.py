"""Shared fixtures for the composition tests: a toy model that writes notes, and a songwriter's MIDI file."""

from __future__ import annotations

from pathlib import Path

import mido
import torch

from agent.model import vocab as V
from agent.model.network import ModelConfig, MusicTransformer

TINY = ModelConfig(n_layer=2, n_head=2, d_model=32)
torch.set_num_threads(1)  # tiny tensors: a second thread only contends (the machine has two cores)
PROGRESSION = ([48, 52, 55], [45, 48, 52], [41, 45, 48], [43, 47, 50])  # C, Am, F, G


def toy_model() -> MusicTransformer:
    """A tiny random transformer whose time logits fall by one nat per beat, whatever the context.

    Its final hidden state is a constant (ln_f weight 0, bias e_0), so the time token's logit is
    column 0 of its embedding: -t / 12. The sampler masks times before the current one, and an
    exponential is memoryless, so the toy writes about one note per beat, like a sparse part; durations
    and pitches come from the random embeddings. Enough to exercise every path with real notes.
    """
    torch.manual_seed(0)
    model = MusicTransformer(TINY)
    with torch.no_grad():
        model.ln_f.weight.zero_()
        model.ln_f.bias.zero_()
        model.ln_f.bias[0] = 1.0
        model.tok_emb.weight[:, 0] = 0.0
        model.tok_emb.weight[V.EVENT_TIME : V.EVENT_DUR, 0] = -torch.arange(V.MAX_TIME) / V.TICKS_PER_BEAT
    return model.eval()


def _track(name: str, program: int, channel: int, notes: list[tuple[float, float, int]], tpb: int) -> mido.MidiTrack:
    events = []
    for beat, dur, pitch in notes:
        events.append((round(beat * tpb), 1, mido.Message("note_on", channel=channel, note=pitch, velocity=80)))
        events.append((round((beat + dur) * tpb), 0, mido.Message("note_off", channel=channel, note=pitch)))
    events.sort(key=lambda e: (e[0], e[1]))
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=name),
                            mido.Message("program_change", channel=channel, program=program),
                            mido.Message("control_change", channel=channel, control=64, value=127, time=0)])
    last = 0
    for tick, _, msg in events:
        track.append(msg.copy(time=tick - last))
        last = tick
    return track


def song_file(path: Path, bars: int = 12, tpb: int = 480, gap: tuple[int, int] = (5, 8)) -> Path:
    """A 4/4 song: melody (flute), piano chords, bass; the bass is silent in bars gap[0]..gap[1];
    a drum track and an empty strings track; a sustain pedal message that must survive export."""
    midi = mido.MidiFile(type=1, ticks_per_beat=tpb)
    midi.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(100)),
                                       mido.MetaMessage("time_signature", numerator=4, denominator=4),
                                       mido.MetaMessage("end_of_track", time=bars * 4 * tpb)]))
    melody = [(b + 0.0, 0.9, 72 + (b * 5) % 7) for b in range(bars * 4)]
    piano = [(4.0 * bar, 3.5, p + 12) for bar in range(bars) for p in PROGRESSION[bar % 4]]
    bass = [(4.0 * bar + off, 1.0, PROGRESSION[bar % 4][0] - 12) for bar in range(bars) for off in (0, 2)
            if not gap[0] <= bar + 1 <= gap[1]]
    drums = [(float(b), 0.25, 36) for b in range(bars * 4)]
    midi.tracks.append(_track("Melody", 73, 0, melody, tpb))
    midi.tracks.append(_track("Piano", 0, 1, piano, tpb))
    midi.tracks.append(_track("Bass", 33, 2, bass, tpb))
    midi.tracks.append(_track("Drums", 0, 9, drums, tpb))
    midi.tracks.append(_track("Strings", 48, 4, [], tpb))
    midi.save(str(path))
    return path
