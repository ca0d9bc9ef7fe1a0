"""How long the chunks are and how early they are asked for, at a tempo: hearing the player in time.

A human note that arrives just after a chunk was asked for can shape the agent's notes only from the
next chunk on, and the model places it `delay` ticks after its onset (it was trained to hear the
human that late, `agent.model.anticipation`). So the worst case from a human note's arrival to the
first agent note that can depend on it is about `delay` (plus half a tick of onset rounding), and the
runtime must ask for a chunk [h, h + chunk) at h - lead with chunk + lead <= delay, so that the model
never assumes it heard something the runtime did not know yet.

`plan(tempo_bpm, ...)` picks, per tempo (issue 10, item 2):

1. the longest human delay the model was trained with (`delays`, ticks of 1/12 beat) whose worst case
   `delay + tick / 2` stays within the reaction budget: `reaction_ms`, and at most one beat (so up to
   180 bpm the budget is 250 ms, at 300 bpm it is 200 ms);
2. the lead: about two thirds of the delay and at least `lead_ms` (time for the model to generate,
   with `safety_ms` to spare), in whole ticks: the longer the lead, the more a slow call is absorbed;
3. the chunk: what is left of the delay, at least one tick.

Figures with the defaults (lead at least 80 ms, reaction 250 ms, delays 2, 3, 4, 6, 8, 12, 24 ticks):

| tempo | tick | delay | lead | chunk | worst case |
|---|---|---|---|---|---|
| 60 bpm | 83 ms | 2 ticks | 1 tick (83 ms) | 1 tick | 208 ms |
| 120 bpm | 42 ms | 4 ticks | 3 ticks (125 ms) | 1 tick | 188 ms |
| 180 bpm | 28 ms | 8 ticks | 5 ticks (139 ms) | 3 ticks | 236 ms |
| 300 bpm | 17 ms | 8 ticks | 5 ticks (83 ms) | 3 ticks | 142 ms (one beat = 200 ms) |

A fixed chunk (`delta2_beats` > 0) takes the smallest trained delay that covers chunk + lead instead.
Pure module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from agent.music.events import TICKS_PER_BEAT  # the model's grid too (agent.model.vocab)

# The human delays a model is trained with (agent.model.vocab.HUMAN_DELAYS is this tuple) and the ones
# the runtime plans with when the generator names none (the fallback hears no one).
DEFAULT_DELAYS = (2, 3, 4, 6, 8, 12, 24)


@dataclass(frozen=True, slots=True)
class LivePlan:
    """The live timing at one tempo."""

    chunk_beats: float  # generation interval
    lead_beats: float  # a chunk [h, h + chunk) is asked for at playhead h - lead
    delay_ticks: int  # how late the model hears the human (told to the model in its header)
    worst_reaction_ms: float  # delay + half a tick: the longest a human note waits to be heard
    fits: bool = True  # False: a fixed chunk plus the lead is longer than any trained human delay

    @property
    def delay_beats(self) -> float:
        return self.delay_ticks / TICKS_PER_BEAT


def plan(tempo_bpm: float, lead_ms: float, reaction_ms: float, delays: tuple[int, ...],
         chunk_beats: float = 0.0) -> LivePlan:
    """The chunk, lead and human delay for `tempo_bpm` (see the module docstring)."""
    tick_ms = 60_000.0 / tempo_bpm / TICKS_PER_BEAT
    lead_ticks = max(1, math.ceil(lead_ms / tick_ms - 1e-9))
    ordered = sorted(set(delays))
    if chunk_beats > 0:
        chunk_ticks = chunk_beats * TICKS_PER_BEAT
        need = chunk_ticks + lead_ticks
        fits = ordered[-1] >= need - 1e-9
        delay = next((d for d in ordered if d >= need - 1e-9), ordered[-1])
        lead = max(lead_ticks, delay - chunk_ticks) if fits else lead_ticks
        return LivePlan(chunk_beats, lead / TICKS_PER_BEAT, delay, (delay + 0.5) * tick_ms, fits)
    budget_ms = min(reaction_ms, TICKS_PER_BEAT * tick_ms)
    usable = [d for d in ordered if d > lead_ticks and (d + 0.5) * tick_ms <= budget_ms + 1e-9]
    delay = usable[-1] if usable else next((d for d in ordered if d > lead_ticks), ordered[-1])
    lead = max(lead_ticks, delay - max(1, round(delay / 3)))
    chunk_ticks = max(1, delay - lead)
    return LivePlan(chunk_ticks / TICKS_PER_BEAT, lead / TICKS_PER_BEAT, delay, (delay + 0.5) * tick_ms)
