"""Composition mode over OSC: the messages (patches/OSC.md, "Composition") and their codec.

A Max for Live device (or any client) sends a clip's context (tracks, their notes, optionally chords),
names the regions to fill and asks for them; it receives the filled regions as notes to put in its clips.
It can then mark stretches of the result to regenerate, undo, restore any version, and reset what the
marks taught. `agent.compose.service.ComposeService` does the work; this module is the wire format
only, pure like `agent.wire.osc` (no sockets, no torch), so a runtime can decode and route these messages
without loading a model. The codec is `agent.wire.osc`'s (same encoder, argument checks and error wording); the
tables are held to patches/OSC.md by tests/test_compose_osc.py. Only `i`, `f` and `s` arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.errors import OscError
from agent.wire.osc import BEAT_HI, Arg, Spec, encode_with, spec_index
from agent.wire.osc import decode as osc_decode

MAX_TRACKS = 64


# ---- into the agent ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Clear:
    pass


@dataclass(frozen=True, slots=True)
class ClearContext:
    pass


@dataclass(frozen=True, slots=True)
class SongIn:
    numerator: int
    denominator: int
    end_beat: float


@dataclass(frozen=True, slots=True)
class TrackIn:
    track: int
    program: int
    name: str


@dataclass(frozen=True, slots=True)
class NoteIn:
    track: int
    beat: float
    pitch: int
    velocity: int
    dur_beats: float


@dataclass(frozen=True, slots=True)
class ComposeChordIn:
    beat: float
    dur_beats: float
    symbol: str


@dataclass(frozen=True, slots=True)
class RegionIn:
    track: int
    start_beat: float
    end_beat: float


@dataclass(frozen=True, slots=True)
class Fill:
    request: int


@dataclass(frozen=True, slots=True)
class MarkIn:
    track: int
    start_beat: float
    end_beat: float


@dataclass(frozen=True, slots=True)
class Regenerate:
    request: int


@dataclass(frozen=True, slots=True)
class Undo:
    request: int


@dataclass(frozen=True, slots=True)
class Restore:
    request: int
    version: int


@dataclass(frozen=True, slots=True)
class ResetLearning:
    pass


# ---- out of the agent --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Begin:
    request: int
    version: int
    regions: int


@dataclass(frozen=True, slots=True)
class RegionOut:
    request: int
    track: int
    start_beat: float
    end_beat: float
    notes: int


@dataclass(frozen=True, slots=True)
class ComposeNoteOut:
    request: int
    track: int
    beat: float
    pitch: int
    velocity: int
    dur_beats: float


@dataclass(frozen=True, slots=True)
class Done:
    request: int
    version: int
    seconds: float


@dataclass(frozen=True, slots=True)
class ErrorOut:
    request: int
    message: str


_REQ = Arg("i", "request", 0, 2**31 - 1)
_TRACK = Arg("i", "track", 1, MAX_TRACKS)
_BEAT = Arg("f", "beat", 0.0, BEAT_HI)
_START, _END = Arg("f", "start_beat", 0.0, BEAT_HI), Arg("f", "end_beat", 0.0, BEAT_HI, lo_open=True)
_DUR = Arg("f", "dur_beats", 0.0, 10_000.0, lo_open=True)
_PITCH, _VELOCITY = Arg("i", "pitch", 0, 127), Arg("i", "velocity", 1, 127)


def _spec(address: str, *args: Arg) -> Spec:
    return Spec(address, args)


#: address -> (spec, message class), into the agent, in the order of patches/OSC.md.
INBOUND: dict[str, tuple[Spec, type[Any]]] = {
    "/compose/clear": (_spec("/compose/clear"), Clear),
    "/compose/clear_context": (_spec("/compose/clear_context"), ClearContext),
    "/compose/song": (_spec("/compose/song", Arg("i", "numerator", 1, 32), Arg("i", "denominator", 1, 32),
                            Arg("f", "end_beat", 0.0, BEAT_HI)), SongIn),
    "/compose/track": (_spec("/compose/track", _TRACK, Arg("i", "program", 0, 128), Arg("s", "name")),
                       TrackIn),
    "/compose/note": (_spec("/compose/note", _TRACK, _BEAT, _PITCH, _VELOCITY, _DUR), NoteIn),
    "/compose/chord": (_spec("/compose/chord", _BEAT, _DUR, Arg("s", "symbol")), ComposeChordIn),
    "/compose/region": (_spec("/compose/region", _TRACK, _START, _END), RegionIn),
    "/compose/fill": (_spec("/compose/fill", _REQ), Fill),
    "/compose/mark": (_spec("/compose/mark", _TRACK, _START, _END), MarkIn),
    "/compose/regenerate": (_spec("/compose/regenerate", _REQ), Regenerate),
    "/compose/undo": (_spec("/compose/undo", _REQ), Undo),
    "/compose/restore": (_spec("/compose/restore", _REQ, Arg("i", "version", 0, 2**31 - 1)), Restore),
    "/compose/reset_learning": (_spec("/compose/reset_learning"), ResetLearning),
}

#: address -> (spec, message class), out of the agent.
OUTBOUND: dict[str, tuple[Spec, type[Any]]] = {
    "/compose/begin": (_spec("/compose/begin", _REQ, Arg("i", "version", 0, 2**31 - 1),
                             Arg("i", "regions", 0, 2**31 - 1)), Begin),
    "/compose/result": (_spec("/compose/result", _REQ, _TRACK, _START, _END, Arg("i", "notes", 0, 2**31 - 1)),
                        RegionOut),
    "/compose/result/note": (_spec("/compose/result/note", _REQ, _TRACK, _BEAT, _PITCH, _VELOCITY, _DUR),
                             ComposeNoteOut),
    "/compose/done": (_spec("/compose/done", _REQ, Arg("i", "version", 0, 2**31 - 1),
                            Arg("f", "seconds", 0.0, 1e9)), Done),
    "/compose/error": (_spec("/compose/error", Arg("i", "request", -1, 2**31 - 1), Arg("s", "message")),
                       ErrorOut),
}

_SPEC_OF = spec_index(INBOUND, OUTBOUND)


def decode(dgram: bytes, table: dict[str, tuple[Spec, type[Any]]] = INBOUND
           ) -> tuple[list[Any], list[OscError]]:
    """Decode a datagram (message or bundle) of the composition contract; see `agent.wire.osc.decode`."""
    return osc_decode(dgram, table)


def encode(message: Any) -> bytes:
    """The exact datagram of a composition message (either direction), by `agent.wire.osc.encode_with`."""
    return encode_with(_SPEC_OF, message)


def heavy(message: Any) -> bool:
    """True for the messages that run the model (seconds): handle them off the event loop."""
    return isinstance(message, (Fill, Regenerate))


#: every message class into the agent (a runtime routes these to the composition service), and out
INBOUND_TYPES: tuple[type[Any], ...] = tuple(cls for _, cls in INBOUND.values())
OUTBOUND_TYPES: tuple[type[Any], ...] = tuple(cls for _, cls in OUTBOUND.values())
ComposeIn = (Clear | ClearContext | SongIn | TrackIn | NoteIn | ComposeChordIn | RegionIn | Fill | MarkIn | Regenerate | Undo
             | Restore | ResetLearning)
