"""The live generator driven offline, chunk by chunk, as the runtime drives it.

One loop for every offline measure of what the model plays live: `sideman eval` (chord tones, density
against the real parts), `sideman groove` (density, rhythm, activity, listening, starts) and `sideman
bench-model` (speed). The runtime (`agent.live.session`) asks for [h, h + chunk) when its playhead is at
h - lead, and shows the generator the chord track, the human's notes up to the playhead (a note still
sounding is as long as it has sounded so far: the runtime learns a note's length only at its note-off),
what the agent has played, both over the last `HISTORY_BEATS` (config `runtime.history_beats`), and the
knobs; play starts with a downbeat chunk (the model must begin with a note). What the offline driver
leaves out is timing: no fallback when the model is late, no replan when a chord or a human note arrives
after its chunk was planned. So these figures are about the model's choices; `sideman bench --feel` and
`sideman demo` measure the rest in real time.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from agent.live.generator import GenerationContext, SamplingParams
from agent.model.live import ModelGenerator
from agent.music.events import ChordSpan, Note, Part

HISTORY_BEATS = 32.0  # the runtime's default `runtime.history_beats`
SHORTEST_HEARD = 1 / 12  # a note just struck is shown one tick long


@dataclass(frozen=True, slots=True)
class Music:
    """What the human brings: chords, a melody, where to play, the meter and where bars start."""

    chords: tuple[ChordSpan, ...]
    melody: tuple[Note, ...]
    start: float
    end: float
    meter: tuple[int, int] = (4, 4)
    bar_origin: float = 0.0


@dataclass(frozen=True, slots=True)
class Take:
    notes: list[Note]  # what the agent played from `music.start` on
    seconds: float  # compute time spent in the generator


def heard(melody: Sequence[Note], playhead: float, since: float) -> tuple[Note, ...]:
    """The human's notes as the runtime knows them at `playhead`: started by then (and not before `since`),
    each as long as it has sounded so far (at least one tick)."""
    return tuple(replace(n, dur_beats=max(SHORTEST_HEARD, min(n.dur_beats, playhead - n.beat)))
                 for n in melody if since <= n.beat <= playhead)


def play(generator: ModelGenerator, music: Music, params: SamplingParams, parts: Sequence[Part],
         chunk_beats: float, lead_beats: float, *, tempo_bpm: float = 120.0, delay_ticks: int | None = None,
         activity: tuple[tuple[Part, float], ...] = (), lead_in_beats: float = 0.0) -> Take:
    """The generator's take over `music`, from a reset: chunks of `chunk_beats` asked `lead_beats` ahead,
    the human named `delay_ticks` late (None: the model's longest delay), the activity knobs per part;
    `lead_in_beats` before `music.start` are played and dropped (a take's first bars, not measured)."""
    generator.reset()
    own: list[Note] = []
    seconds = 0.0
    beat = music.start - lead_in_beats
    first = True
    while beat < music.end - 1e-9:
        playhead = beat - lead_beats
        context = GenerationContext(
            playhead_beat=playhead, tempo_bpm=tempo_bpm, meter=music.meter, chords=music.chords,
            human=heard(music.melody, playhead, beat - HISTORY_BEATS),
            own=tuple(n for n in own if n.beat >= beat - HISTORY_BEATS), parts=tuple(parts), params=params,
            bar_origin_beat=music.bar_origin, human_delay_ticks=delay_ticks, activity=activity, downbeat=first,
        )
        started = time.perf_counter()
        notes = generator.generate(context, beat, beat + chunk_beats)
        seconds += time.perf_counter() - started
        own.extend(notes)
        beat += chunk_beats
        first = False
    return Take([n for n in own if n.beat >= music.start], seconds)
