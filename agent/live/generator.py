"""The generator interface: what the live scheduler asks of a generator, and what it gets back.

The scheduler (runtime) owns time; a generator owns music. Each call asks for the notes of one chunk
[start_beat, end_beat) given a snapshot of everything the agent knows (`GenerationContext`). Calls run
in a worker thread, never on the event loop, so a generator may take milliseconds; it must not touch
sockets or the loop.

Calls come in increasing start order. A call whose `start_beat` is earlier than the end of the previous
call means "the plan from start_beat on is withdrawn, generate it again" (a replan after a chord change);
`reset()` means a jump (seek, loop, stop): forget all generated state.

Pure module: no torch here; the model generator lives in `agent/model/live.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from agent.music.events import ChordSpan, Note, Part


@dataclass(frozen=True, slots=True)
class SamplingParams:
    """Knobs a musician may turn while playing (OSC `/agent/set`)."""

    temperature: float = 0.9  # softmax temperature, (0, 2] (settings.SETTINGS has the reason)
    top_p: float = 0.95  # nucleus mass kept, (0, 1]
    guidance: float = 2.0  # inside/outside: logit bonus (nats) for chord tones; 0 = off, <0 = outside
    seed: int | None = None  # fixed seed for reproducible output; None = fresh randomness
    activity: float = -1.0  # how busy every part plays, 0..1 (learned activity levels); -1 = unprompted
    style: str = "auto"  # pop, folk or auto (settings.STYLES): the style of accompaniment asked for; auto: unsaid
    control_guidance: float = 2.0  # how firmly activity and style are followed (classifier-free guidance; 1: none)


@dataclass(frozen=True, slots=True)
class GenerationContext:
    """A snapshot of what the agent knows when it asks for a chunk (all times in beats)."""

    playhead_beat: float  # where the DAW is now; human notes after this are not known yet
    tempo_bpm: float
    meter: tuple[int, int]  # numerator, denominator
    chords: tuple[ChordSpan, ...]  # the chord track, known up to end_beat + delta1 at least
    human: tuple[Note, ...]  # recent human notes (onset <= playhead), oldest first
    own: tuple[Note, ...]  # the agent's own recent notes that were sent, oldest first
    parts: tuple[Part, ...] = (Part.COMP, Part.BASS)  # which parts to generate
    params: SamplingParams = field(default_factory=SamplingParams)
    bar_origin_beat: float = 0.0  # a beat where a bar starts (downbeat), to place bar lines
    human_delay_ticks: int | None = None  # how late the human is heard (chunk + lead); None: the model's longest
    activity: tuple[tuple[Part, float], ...] = ()  # per-part activity 0..1 where set (else unprompted)
    downbeat: bool = False  # the chunk starts a pass (play, a loop wrap): it must start with a note


class Generator(Protocol):
    """Anything that can fill a chunk. The fallback generator and the model generator implement it."""

    name: str

    def generate(self, context: GenerationContext, start_beat: float, end_beat: float) -> list[Note]:
        """Notes with start_beat <= beat < end_beat, each tagged with its part (one of context.parts)."""
        ...

    def reset(self) -> None:
        """Forget generated state: the transport jumped or stopped."""
        ...
