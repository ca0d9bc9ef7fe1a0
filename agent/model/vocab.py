"""The token vocabulary: offsets derived from each other, sizes asserted, layout printable.

Run `python -m agent.model.vocab` to print the layout.

A note is a triplet in arrival-time form (Thickstun et al. 2023): (time, duration x velocity,
instrument x pitch), with time in ticks of 1/12 beat relative to the start of the context window (a
bar line), so the model speaks the DAW's grid and is tempo-invariant. Controls use the same triplet
shape in their own ranges: a control's value is either a known note (a part x pitch, the human being
part 4) or a chord id (`agent.music.chords.chord_id`). REST is a note value with no sound that keeps the
clock moving in silences, so anticipated controls always find a place (see `agent.model.anticipation`).

Every sequence starts with a fixed seven-token header: mode (live or compose, with the style of
accompaniment named or not), meter, for each of the
four agent parts whether it is to be generated (and, optionally, how busily: an activity level learned
from the data, the activity knob of issue 10), and how late the model hears the human (one of
`HUMAN_DELAYS`, or "no human" in composition). The tokens added for issue 10 sit after PAD, so the
ids of every earlier token are unchanged and a checkpoint of the older layout warm-starts this one
(`agent.training.train`); the style tokens came after them, the same way. Pure module.
"""

from __future__ import annotations

import hashlib

from agent.live.timing import DEFAULT_DELAYS
from agent.music.chords import NUM_CHORD_IDS
from agent.music.events import TICKS_PER_BEAT as GRID_TICKS_PER_BEAT
from agent.settings import STYLES as SETTING_STYLES

TICKS_PER_BEAT = GRID_TICKS_PER_BEAT  # the music layer's grid, 1/12 beat: agent.live.timing plans on it too
WINDOW_BEATS = 64  # longest stretch of music one context window covers, in beats
MAX_TIME = WINDOW_BEATS * TICKS_PER_BEAT  # time tokens 0..MAX_TIME-1 (ticks from window start)
MAX_DUR = 8 * TICKS_PER_BEAT  # longest duration, ticks (longer notes are clipped)
VELOCITY_BINS = (48, 72, 96, 128)  # upper bounds (exclusive) of the coarse velocity classes
VELOCITY_VALUES = (36, 60, 84, 108)  # the velocity a class decodes to
NUM_VEL = len(VELOCITY_BINS)
NUM_PARTS = 4  # agent parts: LEAD, COUNTER, COMP, BASS (agent.music.events.Part order)
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
# Activity: a generated part's notes per beat over the window, in ACTIVITY_LEVELS classes whose lower
# bounds are ACTIVITY_BOUNDS (level 0 below the first). PART_ON stays "generate, level unsaid".
ACTIVITY_BOUNDS = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.5)  # notes per beat
ACTIVITY_LEVELS = len(ACTIVITY_BOUNDS) + 1
PART_LEVEL = PAD + 1  # PART_LEVEL + part * ACTIVITY_LEVELS + level: generate this part at this level
# The human's delay in ticks (anti-anticipation): training draws one per live example, the runtime
# picks the one its chunk and lead need at the tempo it plays (issue 10: reaction within 250 ms).
HUMAN_DELAYS = DEFAULT_DELAYS  # (2, 3, 4, 6, 8, 12, 24): one list for training and the runtime's plan
DELAY = PART_LEVEL + NUM_PARTS * ACTIVITY_LEVELS  # DELAY + index into HUMAN_DELAYS
NO_HUMAN = DELAY + len(HUMAN_DELAYS)  # the delay slot of composition windows
# Style: which kind of accompaniment the window holds, named in the mode token (issue 10, groove). The
# two corpora accompany differently: POP909's piano arrangements play 3.4 notes per beat with 54% of
# onsets on the beat; Nottingham's chord parts are block chords held for the bar (1.2 notes per beat, 88%
# on the beat). A lead sheet looks like a Nottingham tune, so a model that must guess the style from
# the music comps like Nottingham under one; named, the musician chooses. MODE_LIVE and MODE_COMPOSE
# stay "style unsaid".
STYLES = SETTING_STYLES  # ("pop", "folk"): POP909's piano, Nottingham's chords; one list with the knob's
STYLE_MODE = NO_HUMAN + 1  # STYLE_MODE + 2 * style + (0 live, 1 compose): the mode token with a style
VOCAB_SIZE = STYLE_MODE + 2 * len(STYLES)

HEADER_LEN = 3 + NUM_PARTS  # mode, meter, one token per part, the human's delay
CONTEXT_LEN = HEADER_LEN + 3 * 168  # 511 tokens: the header and 168 triplets

assert EVENT_NOTE - EVENT_DUR == MAX_DUR * NUM_VEL
assert CONTROL_END - CONTROL_CHORD == NUM_CHORD_IDS
assert VOCAB_SIZE == STYLE_MODE + 2 * len(STYLES) and (CONTEXT_LEN - HEADER_LEN) % 3 == 0 and CONTEXT_LEN <= 512

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
    ("PAD", PAD, PART_LEVEL),
    ("PART_LEVEL", PART_LEVEL, DELAY),
    ("DELAY", DELAY, STYLE_MODE),
    ("STYLE_MODE", STYLE_MODE, VOCAB_SIZE),
)


def vocab_hash() -> str:
    """A short hash of the layout and grid: a checkpoint records it, a loader compares it."""
    text = repr((LAYOUT, TICKS_PER_BEAT, VELOCITY_BINS, VELOCITY_VALUES, METERS, CONTEXT_LEN, ACTIVITY_BOUNDS,
                 HUMAN_DELAYS, STYLES))
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


def activity_level(notes_per_beat: float) -> int:
    """The activity class 0..ACTIVITY_LEVELS-1 of a part playing `notes_per_beat`."""
    return sum(1 for bound in ACTIVITY_BOUNDS if notes_per_beat >= bound)


def part_token(part: int, on: bool, level: int | None = None) -> int:
    """The header token of one agent part: off, on (level unsaid) or on at an activity level."""
    if not on:
        return PART_OFF + 2 * part
    if level is None:
        return PART_ON + 2 * part
    if not 0 <= level < ACTIVITY_LEVELS:
        raise ValueError(f"activity level {level} outside 0..{ACTIVITY_LEVELS - 1}")
    return PART_LEVEL + part * ACTIVITY_LEVELS + level


def delay_token(delay_ticks: int | None) -> int:
    """The header token of the human's delay (None: no human, composition)."""
    if delay_ticks is None:
        return NO_HUMAN
    if delay_ticks not in HUMAN_DELAYS:
        raise ValueError(f"human delay {delay_ticks} ticks is not one of the trained {HUMAN_DELAYS}")
    return DELAY + HUMAN_DELAYS.index(delay_ticks)


def mode_token(mode: int, style: str | None = None) -> int:
    """The first header token: MODE_LIVE or MODE_COMPOSE, with one of STYLES named or (None) unsaid."""
    if mode not in (MODE_LIVE, MODE_COMPOSE):
        raise ValueError(f"mode token {mode} is not MODE_LIVE or MODE_COMPOSE")
    if style is None:
        return mode
    if style not in STYLES:
        raise ValueError(f"style {style!r} is not one of {', '.join(STYLES)}")
    return STYLE_MODE + 2 * STYLES.index(style) + (mode - MODE_LIVE)


def describe() -> str:
    """The vocabulary layout, one range per line."""
    lines = [f"{name:14s} {start:5d} .. {end - 1:5d}  ({end - start})" for name, start, end in LAYOUT]
    lines.append(f"VOCAB_SIZE {VOCAB_SIZE}, CONTEXT_LEN {CONTEXT_LEN}, hash {vocab_hash()}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(describe())
