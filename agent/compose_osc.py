"""Composition mode over OSC: the messages (patches/OSC.md, "Composition"), their codec, the service.

A Max for Live device (or any client) sends a clip's context (tracks, their notes, optionally chords),
names the regions to fill and asks for them; it receives the filled regions as notes to put in its clips.
It can then mark stretches of the result to regenerate, undo, restore any version, and reset what the
marks taught. `ComposeService.handle` applies one decoded message and returns the replies; filling and
regenerating take seconds, so a runtime calls it in a worker thread (`heavy`), never on its event loop.
The codec reuses `agent.osc` (same argument checks, same error wording); the tables below are held to
patches/OSC.md by tests/test_compose_osc.py. Only `i`, `f` and `s` arguments, as everywhere.
"""

from __future__ import annotations

import logging
import math
from dataclasses import astuple, dataclass, field
from typing import Any

from pythonosc.parsing import osc_types

from agent.anticipation import TimingSettings
from agent.chords import parse_symbol
from agent.compose import CompositionSession, Mark
from agent.errors import ChordError, CompositionError, OscError
from agent.events import ChordSpan, Note, Part
from agent.generator import SamplingParams
from agent.model import MusicTransformer
from agent.osc import BEAT_HI, Arg, Spec
from agent.osc import decode as osc_decode
from agent.piece import DRUM_CHANNEL, Piece, Region, Track, as_parts, merge_regions, target_parts
from agent.session import part_for_program

log = logging.getLogger("sideman.compose_osc")

MAX_TRACKS = 64
_CHANNELS = tuple(c for c in range(16) if c != DRUM_CHANNEL)  # a pitched track's MIDI channel (unused on the wire)


# ---- into the agent ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Clear:
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
class ChordIn:
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
class NoteOut:
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
    "/compose/song": (_spec("/compose/song", Arg("i", "numerator", 1, 32), Arg("i", "denominator", 1, 32),
                            Arg("f", "end_beat", 0.0, BEAT_HI)), SongIn),
    "/compose/track": (_spec("/compose/track", _TRACK, Arg("i", "program", 0, 128), Arg("s", "name")), TrackIn),
    "/compose/note": (_spec("/compose/note", _TRACK, _BEAT, _PITCH, _VELOCITY, _DUR), NoteIn),
    "/compose/chord": (_spec("/compose/chord", _BEAT, _DUR, Arg("s", "symbol")), ChordIn),
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
    "/compose/result/note": (_spec("/compose/result/note", _REQ, _TRACK, _BEAT, _PITCH, _VELOCITY, _DUR), NoteOut),
    "/compose/done": (_spec("/compose/done", _REQ, Arg("i", "version", 0, 2**31 - 1),
                            Arg("f", "seconds", 0.0, 1e9)), Done),
    "/compose/error": (_spec("/compose/error", Arg("i", "request", -1, 2**31 - 1), Arg("s", "message")), ErrorOut),
}

_SPEC_OF = {cls: spec for spec, cls in (*INBOUND.values(), *OUTBOUND.values())}
_WRITE = {"i": lambda v: osc_types.write_int(int(v)), "f": lambda v: osc_types.write_float(float(v)),
          "s": lambda v: osc_types.write_string(str(v))}


def decode(dgram: bytes, table: dict[str, tuple[Spec, type[Any]]] = INBOUND) -> tuple[list[Any], list[OscError]]:
    """Decode a datagram (message or bundle) of the composition contract; see `agent.osc.decode`."""
    return osc_decode(dgram, table)


def encode(message: Any) -> bytes:
    """The exact datagram of a composition message (either direction)."""
    spec = _SPEC_OF[type(message)]
    kinds = "".join(a.kind for a in spec.args)
    parts = [osc_types.write_string(spec.address), osc_types.write_string("," + kinds)]
    return b"".join(parts + [_WRITE[k](v) for k, v in zip(kinds, astuple(message), strict=True)])


def heavy(message: Any) -> bool:
    """True for the messages that run the model (seconds): call `handle` for them off the event loop."""
    return isinstance(message, (Fill, Regenerate))


@dataclass
class _Context:
    """What the client has sent since the last /compose/clear."""

    meter: tuple[int, int] = (4, 4)
    end_beat: float = 0.0
    tracks: dict[int, TrackIn] = field(default_factory=dict)
    notes: dict[int, list[Note]] = field(default_factory=dict)
    chords: list[ChordSpan] = field(default_factory=list)
    regions: list[RegionIn] = field(default_factory=list)
    marks: list[MarkIn] = field(default_factory=list)


class ComposeService:
    """The composition state behind the OSC messages (see the module docstring)."""

    def __init__(self, model: MusicTransformer, timing: TimingSettings, params: SamplingParams | None = None,
                 learning: bool = True) -> None:
        self.model, self.timing, self.learning = model, timing, learning
        self.params = params or SamplingParams()
        self.context = _Context()
        self.session: CompositionSession | None = None
        self.track_ids: list[int] = []  # piece track position -> the client's track number

    def handle(self, message: Any) -> list[Any]:
        """Apply one decoded message; the replies (`/compose/error` for a request that cannot be met)."""
        request = getattr(message, "request", -1)
        try:
            return self._apply(message)
        except CompositionError as exc:
            log.warning("composition request %d: %s", request, exc)
            return [ErrorOut(request, str(exc))]

    def _apply(self, msg: Any) -> list[Any]:
        ctx = self.context
        if isinstance(msg, Clear):
            self.context, self.session = _Context(), None
        elif isinstance(msg, SongIn):
            ctx.meter, ctx.end_beat = (msg.numerator, msg.denominator), msg.end_beat
        elif isinstance(msg, TrackIn):
            ctx.tracks[msg.track] = msg
        elif isinstance(msg, NoteIn):
            self._known(msg.track)
            ctx.notes.setdefault(msg.track, []).append(Note(msg.beat, msg.dur_beats, msg.pitch, msg.velocity))
        elif isinstance(msg, ChordIn):
            ctx.chords.append(_chord(msg))
        elif isinstance(msg, RegionIn):
            ctx.regions.append(_checked_span(self._known(msg.track), msg))
        elif isinstance(msg, MarkIn):
            ctx.marks.append(_checked_span(self._known(msg.track), msg))
        elif isinstance(msg, ResetLearning):
            if self.session is not None:
                self.session.reset_learning()
        else:
            return self._run(msg)
        return []

    def _run(self, msg: Any) -> list[Any]:
        if isinstance(msg, Fill):
            return self._fill(msg.request)
        session = self._session()
        if isinstance(msg, Regenerate):
            marks = [Mark(self._position(m.track), m.start_beat, m.end_beat) for m in self.context.marks]
            self.context.marks = []
            if not marks:
                raise CompositionError("/compose/regenerate: mark what to regenerate first (/compose/mark)")
            version = session.regenerate(marks, self.params)
            return self._result(msg.request, version.number, list(version.regions), version.seconds)
        number = session.undo().number if isinstance(msg, Undo) else session.restore(msg.version).number
        written = merge_regions([r for v in session.versions for r in v.regions])
        return self._result(msg.request, number, written, 0.0)

    def _fill(self, request: int) -> list[Any]:
        if not self.context.regions:
            raise CompositionError("/compose/fill: name the regions to fill first (/compose/region)")
        piece = self.piece()
        regions = [Region(self._position(r.track), r.start_beat, r.end_beat,
                          target_parts(piece, self._position(r.track), None, None)) for r in self.context.regions]
        self.context.regions = []
        self.session = CompositionSession(self.model, self.timing, piece, regions, learning=self.learning)
        version = self.session.infill(self.params)
        return self._result(request, version.number, list(version.regions), version.seconds)

    def _result(self, request: int, number: int, regions: list[Region], seconds: float) -> list[Any]:
        session = self._session()
        out: list[Any] = [Begin(request, number, len(regions))]
        for region in regions:
            notes = session.region_notes(number, region)
            track = self.track_ids[region.track]
            out.append(RegionOut(request, track, region.start_beat, region.end_beat, len(notes)))
            out += [NoteOut(request, track, n.beat, n.pitch, n.velocity, n.dur_beats) for n in notes]
        return out + [Done(request, number, seconds)]

    def _session(self) -> CompositionSession:
        if self.session is None:
            raise CompositionError("nothing has been filled yet: send /compose/region and /compose/fill first")
        return self.session

    def _known(self, track: int) -> TrackIn:
        if track not in self.context.tracks:
            raise CompositionError(f"track {track} was not declared: send /compose/track {track} PROGRAM NAME first")
        return self.context.tracks[track]

    def _position(self, track: int) -> int:
        self._known(track)
        if track not in self.track_ids:
            raise CompositionError(f"track {track} was declared after the last /compose/fill: fill again")
        return self.track_ids.index(track)

    def piece(self) -> Piece:
        """The piece the client has described (bars laid from beat 0 in its meter)."""
        ctx = self.context
        self.track_ids = sorted(ctx.tracks)
        taken: set[Part] = set()
        tracks = []
        for number in self.track_ids:
            declared = ctx.tracks[number]
            part = part_for_program(declared.program, taken)
            channel = DRUM_CHANNEL if part is None else _CHANNELS[(number - 1) % len(_CHANNELS)]
            parts = (Part.COMP, Part.BASS) if part == Part.COMP else (part,)  # comping's low voice: bass
            notes = [] if part is None else as_parts(ctx.notes.get(number, []), parts)
            if part is not None and ctx.notes.get(number):
                taken.add(part)
            program = None if part is None else declared.program
            tracks.append(Track(declared.name, program, channel, tuple(notes), part or Part.COMP))
        ends = [ctx.end_beat] + [n.end_beat for ns in ctx.notes.values() for n in ns] + [r.end_beat for r in ctx.regions]
        bar = ctx.meter[0] * 4.0 / ctx.meter[1]
        downbeats = tuple(i * bar for i in range(max(1, math.ceil(max(ends) / bar - 1e-9))))
        return Piece(tuple(tracks), downbeats, ctx.meter, tuple(sorted(ctx.chords, key=lambda s: s.beat)), max(ends))


def _chord(msg: ChordIn) -> ChordSpan:
    try:
        chord = parse_symbol(msg.symbol)
    except ChordError as exc:
        raise CompositionError(f"/compose/chord: {exc}") from exc
    if chord is None:
        raise CompositionError("/compose/chord: N (no chord) is not a chord: leave the stretch without one")
    return ChordSpan(msg.beat, msg.dur_beats, chord)


def _checked_span(track: TrackIn, msg: Any) -> Any:
    if msg.end_beat <= msg.start_beat:
        raise CompositionError(f"track {msg.track}: start beat {msg.start_beat:g} must be before end beat {msg.end_beat:g}")
    if track.program == 128:
        raise CompositionError(f"track {msg.track} is drums (program 128): the model plays no drums")
    return msg
