"""The token vocabulary: offsets derived from each other, sizes asserted, layout printable.

Run `python -m agent.vocab` to print the layout.

A note is a triplet in arrival-time form (Thickstun et al. 2023): (time, duration x velocity,
instrument x pitch), with time in ticks of 1/12 beat relative to the start of the context window (a
bar line), so the model speaks the DAW's grid and is tempo-invariant. Controls use the same triplet
shape in their own ranges: a control's value is either a known note (a part x pitch, the human being
part 4) or a chord id (`agent.chords.chord_id`). REST is a note value with no sound that keeps the
clock moving in silences, so anticipated controls always find a place (see `agent.anticipation`).

Every sequence starts with a fixed six-token header: mode (live or compose), meter, and for each of the
four agent parts whether it is to be generated. Pure module.
"""

from __future__ import annotations

import hashlib

from agent.chords import NUM_CHORD_IDS

TICKS_PER_BEAT = 12  # sixteenths (3 ticks) and eighth-note triplets (4 ticks) both on the grid
WINDOW_BEATS = 64  # longest stretch of music one context window covers, in beats
MAX_TIME = WINDOW_BEATS * TICKS_PER_BEAT  # time tokens 0..MAX_TIME-1 (ticks from window start)
MAX_DUR = 8 * TICKS_PER_BEAT  # longest duration, ticks (longer notes are clipped)
VELOCITY_BINS = (48, 72, 96, 128)  # upper bounds (exclusive) of the coarse velocity classes
VELOCITY_VALUES = (36, 60, 84, 108)  # the velocity a class decodes to
NUM_VEL = len(VELOCITY_BINS)
NUM_PARTS = 4  # agent parts: LEAD, COUNTER, COMP, BASS (agent.events.Part order)
HUMAN = NUM_PARTS  # control-only "part" of the live musician
NUM_PITCHES = 128

# --- event ranges (the model generates these) ---
EVENT_TIME = 0
EVENT_DUR = EVENT_TIME + MAX_TIME
EVENT_NOTE = EVENT_DUR + MAX_DUR * NUM_VEL
REST = EVENT_NOTE + NUM_PARTS * NUM_PITCHES  # the note value of a rest event
EVENT_END = REST + 1
# --- control ranges (given to the model, never sampled) ---
CONTROL_TIME = EVENT_END
CONTROL_DUR = CONTROL_TIME + MAX_TIME
CONTROL_NOTE = CONTROL_DUR + MAX_DUR * NUM_VEL
CONTROL_CHORD = CONTROL_NOTE + (NUM_PARTS + 1) * NUM_PITCHES
CONTROL_END = CONTROL_CHORD + NUM_CHORD_IDS
# --- header tokens ---
MODE_LIVE = CONTROL_END  # the human is a delayed control, chords anticipated
MODE_COMPOSE = MODE_LIVE + 1  # known material anticipated (infilling)
METERS: tuple[tuple[int, int], ...] = ((4, 4), (3, 4), (2, 4), (6, 8), (9, 8), (12, 8), (5, 4), (7, 8))
METER = MODE_COMPOSE + 1  # METER + index in METERS; one more for any other meter
PART_OFF = METER + len(METERS) + 1  # PART_OFF + 2 * part: this part is not generated
PART_ON = PART_OFF + 1  # PART_ON + 2 * part: generate this part
PAD = PART_OFF + 2 * NUM_PARTS
VOCAB_SIZE = PAD + 1

HEADER_LEN = 2 + NUM_PARTS  # mode, meter, one token per part
CONTEXT_LEN = HEADER_LEN + 3 * 168  # 510 tokens: the header and 168 triplets

assert EVENT_NOTE - EVENT_DUR == MAX_DUR * NUM_VEL
assert CONTROL_END - CONTROL_CHORD == NUM_CHORD_IDS
assert VOCAB_SIZE == PAD + 1 and (CONTEXT_LEN - HEADER_LEN) % 3 == 0

LAYOUT: tuple[tuple[str, int, int], ...] = (
    ("EVENT_TIME", EVENT_TIME, EVENT_DUR),
    ("EVENT_DUR", EVENT_DUR, EVENT_NOTE),
    ("EVENT_NOTE", EVENT_NOTE, REST),
    ("REST", REST, EVENT_END),
    ("CONTROL_TIME", CONTROL_TIME, CONTROL_DUR),
    ("CONTROL_DUR", CONTROL_DUR, CONTROL_NOTE),
    ("CONTROL_NOTE", CONTROL_NOTE, CONTROL_CHORD),
    ("CONTROL_CHORD", CONTROL_CHORD, CONTROL_END),
    ("MODE", MODE_LIVE, METER),
    ("METER", METER, PART_OFF),
    ("PART", PART_OFF, PAD),
    ("PAD", PAD, VOCAB_SIZE),
)


def vocab_hash() -> str:
    """A short hash of the layout and grid: a checkpoint records it, a loader compares it."""
    text = repr((LAYOUT, TICKS_PER_BEAT, VELOCITY_BINS, VELOCITY_VALUES, METERS, CONTEXT_LEN))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def velocity_class(velocity: int) -> int:
    """The coarse velocity class 0..NUM_VEL-1 of a MIDI velocity 1..127."""
    for index, bound in enumerate(VELOCITY_BINS):
        if velocity < bound:
            return index
    return NUM_VEL - 1


def meter_token(meter: tuple[int, int]) -> int:
    """The header token of a time signature (unknown meters share one token)."""
    return METER + (METERS.index(meter) if meter in METERS else len(METERS))


def describe() -> str:
    """The vocabulary layout, one range per line."""
    lines = [f"{name:14s} {start:5d} .. {end - 1:5d}  ({end - start})" for name, start, end in LAYOUT]
    lines.append(f"VOCAB_SIZE {VOCAB_SIZE}, CONTEXT_LEN {CONTEXT_LEN}, hash {vocab_hash()}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(describe())
