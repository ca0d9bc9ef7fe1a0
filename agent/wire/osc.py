"""The OSC contract (version 1) as code: typed messages, the address table, and a pure codec.

`decode(datagram)` turns bytes into typed messages, checking each argument against the table below
(type, allowed range, finiteness) and naming the field and its range when something is wrong;
`encode(message)` turns a typed message into the exact datagram. Only `i`, `f` and `s` arguments exist
on the wire (Pure Data 0.53 reads nothing else). Pd sends floats for everything unless told otherwise,
so a whole-valued `f` is accepted where an `i` is expected, and an `i` where an `f` is expected.

Bundles are unpacked and their time tags ignored: the beat inside each message is the schedule (Pd's
`[oscparse]` ignores them too, ECOSYSTEM.md). Parsing uses python-osc's `osc_types` primitives; its
`OscMessage` is not used because it accepts every type tag (and logs a warning per unknown tag).

The tables here are held to `patches/OSC.md` by tests/test_osc_contract.py. Pure module: no sockets.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Mapping
from dataclasses import astuple, dataclass
from typing import Any

from pythonosc.parsing import osc_types

from agent.errors import ChordError, OscError
from agent.music.chords import parse_symbol
from agent.settings import TEMPO_BPM, Range, SettingError, read_number

CONTRACT_VERSION = 1
BEAT_LO, BEAT_HI = -10_000.0, 1_000_000.0  # song positions we accept, in beats
DUR_HI = 10_000.0  # longest duration we accept, in beats
MAX_ID = 2**24  # note ids wrap below this: Pd reads numbers as 32-bit floats, exact up to 2^24
_MAX_BUNDLE_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Arg:
    """One argument: OSC type (`i`, `f`, `s`, or `ifs` for any), name, allowed range [lo, hi] or (lo, hi]."""

    kind: str
    name: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False

    @property
    def range(self) -> Range | None:
        return None if self.lo is None or self.hi is None else Range(self.lo, self.hi, self.lo_open)

    def describe_range(self) -> str:
        return "" if self.range is None else self.range.describe(whole=self.kind != "f")


@dataclass(frozen=True, slots=True)
class Spec:
    """One address of the contract: its arguments in order; `variadic` repeats the last one (1..16 times)."""

    address: str
    args: tuple[Arg, ...]
    variadic: bool = False

    def signature(self) -> str:
        """The argument list as patches/OSC.md writes it: `f beat, i pitch`, `i program, ...`."""
        words = [arg.name if arg.kind == "ifs" else f"{arg.kind} {arg.name}" for arg in self.args]
        return ", ".join(words + (["..."] if self.variadic else []))


# ---- Messages into the agent -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Play:
    pass


@dataclass(frozen=True, slots=True)
class Stop:
    pass


@dataclass(frozen=True, slots=True)
class Tempo:
    bpm: float


@dataclass(frozen=True, slots=True)
class TimeSig:
    numerator: int
    denominator: int


@dataclass(frozen=True, slots=True)
class Playhead:
    beat: float


@dataclass(frozen=True, slots=True)
class ChordIn:
    beat: float
    dur_beats: float
    symbol: str  # checked by parse_symbol during decode


@dataclass(frozen=True, slots=True)
class ChordsClear:
    pass


@dataclass(frozen=True, slots=True)
class HumanNote:
    beat: float
    pitch: int
    velocity: int
    dur_beats: float


@dataclass(frozen=True, slots=True)
class NoteOn:
    beat: float
    pitch: int
    velocity: int  # 0 means note off, as in MIDI


@dataclass(frozen=True, slots=True)
class NoteOff:
    beat: float
    pitch: int


@dataclass(frozen=True, slots=True)
class Instruments:
    programs: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SetParam:
    name: str
    value: int | float | str


@dataclass(frozen=True, slots=True)
class Panic:
    pass


@dataclass(frozen=True, slots=True)
class Hello:
    port: int


@dataclass(frozen=True, slots=True)
class LoopBrace:
    """The DAW's loop: on = 1 loops [start_beat, end_beat); on = 0 turns looping off."""

    on: int
    start_beat: float
    end_beat: float


@dataclass(frozen=True, slots=True)
class Subscribe:
    """Send `port` (on the sender's host) only the notes of `parts` (e.g. "bass"); "none" unsubscribes."""

    port: int
    parts: str


# ---- Messages out of the agent -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoteOut:
    id: int
    beat: float
    pitch: int
    velocity: int
    dur_beats: float
    channel: int


@dataclass(frozen=True, slots=True)
class NoteCancel:
    id: int


@dataclass(frozen=True, slots=True)
class AllNotesOff:
    pass


@dataclass(frozen=True, slots=True)
class Status:
    state: str  # "playing" or "stopped"
    model: str  # the generator's name
    notes_sent: int
    late_notes: int
    fallback_chunks: int
    dropped_packets: int
    input_errors: int
    generator_errors: int
    packets_handled: int
    playhead_beat: float
    tempo_bpm: float
    input_latency_p50_ms: float  # datagram read by the agent -> state updated
    input_latency_p99_ms: float
    arrival_latency_p50_ms: float  # datagram reached the socket (kernel) -> state updated
    arrival_latency_p99_ms: float


@dataclass(frozen=True, slots=True)
class ErrorReply:
    message: str


InMessage = (
    Play | Stop | Tempo | TimeSig | Playhead | ChordIn | ChordsClear | HumanNote | NoteOn | NoteOff
    | Instruments | SetParam | Panic | Hello | LoopBrace | Subscribe
)
OutMessage = NoteOut | NoteCancel | AllNotesOff | Status | ErrorReply
Message = InMessage | OutMessage
Target = tuple[str, int]  # (host, port)


@dataclass(frozen=True, slots=True)
class Addressed:
    """An outbound message for some targets only (the subscribers of a part), not for every target."""

    message: OutMessage
    targets: tuple[Target, ...]

def spec_index(*tables: Mapping[str, tuple[Spec, type[Any]]]) -> dict[type[Any], Spec]:
    """Message class -> its contract entry, over address tables (`address -> (spec, class)`)."""
    return {cls: spec for table in tables for spec, cls in table.values()}


_BEAT = Arg("f", "beat", BEAT_LO, BEAT_HI)
_DUR = Arg("f", "dur_beats", 0.0, DUR_HI, lo_open=True)
_PITCH = Arg("i", "pitch", 0, 127)
_COUNT = (0, 2**31 - 1)

#: address -> (spec, message class), into the agent. Order is the order of patches/OSC.md.
INBOUND: dict[str, tuple[Spec, type[Any]]] = {
    "/transport/play": (Spec("/transport/play", ()), Play),
    "/transport/stop": (Spec("/transport/stop", ()), Stop),
    "/transport/tempo": (Spec("/transport/tempo", (Arg("f", "bpm", TEMPO_BPM.lo, TEMPO_BPM.hi),)), Tempo),
    "/transport/timesig": (
        Spec("/transport/timesig", (Arg("i", "numerator", 1, 32), Arg("i", "denominator", 1, 32))),
        TimeSig,
    ),
    "/playhead": (Spec("/playhead", (_BEAT,)), Playhead),
    "/chord": (Spec("/chord", (_BEAT, _DUR, Arg("s", "symbol"))), ChordIn),
    "/chords/clear": (Spec("/chords/clear", ()), ChordsClear),
    "/note": (Spec("/note", (_BEAT, _PITCH, Arg("i", "velocity", 1, 127), _DUR)), HumanNote),
    "/note/on": (Spec("/note/on", (_BEAT, _PITCH, Arg("i", "velocity", 0, 127))), NoteOn),
    "/note/off": (Spec("/note/off", (_BEAT, _PITCH)), NoteOff),
    "/agent/instruments": (Spec("/agent/instruments", (Arg("i", "program", 0, 128),), variadic=True), Instruments),
    "/agent/set": (Spec("/agent/set", (Arg("s", "name"), Arg("ifs", "value"))), SetParam),
    "/agent/panic": (Spec("/agent/panic", ()), Panic),
    "/agent/hello": (Spec("/agent/hello", (Arg("i", "port", 1, 65535),)), Hello),
    "/transport/loop": (
        Spec("/transport/loop", (Arg("i", "on", 0, 1), Arg("f", "start_beat", BEAT_LO, BEAT_HI),
                                 Arg("f", "end_beat", BEAT_LO, BEAT_HI))),
        LoopBrace,
    ),
    "/agent/subscribe": (Spec("/agent/subscribe", (Arg("i", "port", 1, 65535), Arg("s", "parts"))), Subscribe),
}

#: address -> (spec, message class), out of the agent.
OUTBOUND: dict[str, tuple[Spec, type[Any]]] = {
    "/note": (
        Spec("/note", (Arg("i", "id", 0, MAX_ID - 1), _BEAT, _PITCH, Arg("i", "velocity", 1, 127), _DUR,
                       Arg("i", "channel", 1, 16))),
        NoteOut,
    ),
    "/note/cancel": (Spec("/note/cancel", (Arg("i", "id", 0, MAX_ID - 1),)), NoteCancel),
    "/agent/allnotesoff": (Spec("/agent/allnotesoff", ()), AllNotesOff),
    "/agent/status": (
        Spec("/agent/status", (
            Arg("s", "state"), Arg("s", "model"),
            *(Arg("i", name, *_COUNT) for name in (
                "notes_sent", "late_notes", "fallback_chunks", "dropped_packets", "input_errors",
                "generator_errors", "packets_handled")),
            _BEAT, Arg("f", "tempo_bpm", 0.0, 1000.0),
            *(Arg("f", f"{kind}_latency_{q}_ms", 0.0, 1e9) for kind in ("input", "arrival") for q in ("p50", "p99")),
        )),
        Status,
    ),
    "/agent/error": (Spec("/agent/error", (Arg("s", "message"),)), ErrorReply),
}

_SPEC_OF: dict[type[Any], Spec] = spec_index(INBOUND, OUTBOUND)


def _check_timesig(msg: TimeSig) -> None:
    if msg.denominator & (msg.denominator - 1):
        raise OscError(f"/transport/timesig: denominator {msg.denominator} must be 1, 2, 4, 8, 16 or 32")


def _check_chord(msg: ChordIn) -> None:
    try:
        parse_symbol(msg.symbol)
    except ChordError as exc:
        raise OscError(f"/chord: {exc}") from exc


_CHECKS: dict[type[Any], Callable[[Any], None]] = {TimeSig: _check_timesig, ChordIn: _check_chord}


def _coerce(address: str, arg: Arg, tag: str, value: Any) -> Any:
    """Check one decoded argument against its spec; return it in the spec's Python type."""
    where = f"{address}: {arg.name}"
    if arg.kind == "ifs":
        if tag == "f" and not math.isfinite(value):
            raise OscError(f"{where} must be a finite number, got {value}")
        return value
    if arg.kind == "s":
        if tag != "s":
            raise OscError(f"{where} must be text, got the number {value:g}")
        return value
    try:
        number = read_number(value, whole=arg.kind == "i")
        if arg.range is not None:
            arg.range.check(number, whole=arg.kind == "i")
    except SettingError as exc:
        raise OscError(f"{where} {exc}") from exc
    return number


def _read_args(dgram: bytes) -> tuple[str, str, list[Any]]:
    """Address, type tags and raw values of one OSC message; only i, f, s are accepted."""
    address, index = osc_types.get_string(dgram, 0)
    tags = ""
    value: Any
    if index < len(dgram):
        tag_string, index = osc_types.get_string(dgram, index)
        if not tag_string.startswith(","):
            raise OscError(f"{address}: the type tag string must start with ',', got {tag_string!r}")
        tags = tag_string[1:]
    values: list[Any] = []
    for tag in tags:
        if tag == "i":
            value, index = osc_types.get_int(dgram, index)
        elif tag == "f":
            value, index = osc_types.get_float(dgram, index)
        elif tag == "s":
            value, index = osc_types.get_string(dgram, index)
        else:
            raise OscError(f"{address}: argument type '{tag}' is not supported (only i, f and s)")
        values.append(value)
    return address, tags, values


def _build(table: dict[str, tuple[Spec, type[Any]]], address: str, tags: str, values: list[Any]) -> Any:
    entry = table.get(address)
    if entry is None:
        raise OscError(f"unknown address {address!r} (see patches/OSC.md for the contract)")
    spec, cls = entry
    count_ok = len(values) >= len(spec.args) if spec.variadic else len(values) == len(spec.args)
    if not count_ok or (spec.variadic and len(values) > 16):
        expected = spec.signature() or "no arguments"
        raise OscError(f"{address}: expected {expected}, got {len(values)} argument(s)")
    coerced = [
        _coerce(address, spec.args[min(i, len(spec.args) - 1)], tag, value)
        for i, (tag, value) in enumerate(zip(tags, values, strict=True))
    ]
    message = cls(tuple(coerced)) if spec.variadic else cls(*coerced)
    check = _CHECKS.get(cls)
    if check is not None:
        check(message)
    return message


def _split_bundle(dgram: bytes, depth: int) -> list[bytes]:
    """The message datagrams inside a bundle (nested bundles flattened); time tags ignored."""
    if depth > _MAX_BUNDLE_DEPTH:
        raise OscError(f"bundle nested deeper than {_MAX_BUNDLE_DEPTH} levels")
    index, elements = 16, []  # "#bundle\0" + 8-byte time tag
    if len(dgram) < 16:
        raise OscError("bundle shorter than its header")
    while index < len(dgram):
        size, index = osc_types.get_int(dgram, index)
        if size <= 0 or size % 4 or index + size > len(dgram):
            raise OscError(f"bundle element size {size} does not fit the packet")
        element = dgram[index:index + size]
        index += size
        elements.extend(_split_bundle(element, depth + 1) if element.startswith(b"#bundle\0") else [element])
    return elements


def decode(
    dgram: bytes, table: dict[str, tuple[Spec, type[Any]]] = INBOUND
) -> tuple[list[Any], list[OscError]]:
    """Decode a datagram (message or bundle) into typed messages, and the errors of those that failed."""
    messages: list[Any] = []
    errors: list[OscError] = []
    try:
        parts = _split_bundle(dgram, 0) if dgram.startswith(b"#bundle\0") else [dgram]
    except (OscError, osc_types.ParseError) as exc:
        return messages, [OscError(f"could not read an OSC bundle ({len(dgram)} bytes): {exc}")]
    for part in parts:
        try:
            if not part.startswith(b"/"):
                raise OscError(f"not an OSC message ({len(part)} bytes): it must start with '/'")
            messages.append(_build(table, *_read_args(part)))
        except OscError as exc:
            errors.append(exc)
        except (osc_types.ParseError, ValueError) as exc:  # ValueError: bad UTF-8 in a string
            errors.append(OscError(f"could not read an OSC message ({len(part)} bytes): {exc}"))
    return messages, errors


def build(
    address: str, tags: str, values: list[Any], table: dict[str, tuple[Spec, type[Any]]] = INBOUND
) -> Any:
    """A typed message from values that came another way than a datagram (JSON over MQTT), checked by the
    same table as `decode`: `tags` holds the OSC type of each value (`i`, `f` or `s`). Raises OscError."""
    return _build(table, address, tags, values)


def spec_of(message: Message) -> Spec:
    """The contract entry of a typed message."""
    return _SPEC_OF[type(message)]


def _tag(kind: str, value: Any) -> str:
    """The wire tag of one value: the spec's, or for an `ifs` argument the one its Python type picks."""
    if kind != "ifs":
        return kind
    return "s" if isinstance(value, str) else "i" if isinstance(value, int) else "f"


_WRITERS: dict[str, Callable[[Any], bytes]] = {
    "i": lambda v: osc_types.write_int(int(v)),
    "f": lambda v: osc_types.write_float(float(v)),
    "s": lambda v: osc_types.write_string(str(v)),
}


def as_float32(value: float) -> float:
    """The number an `f` argument carries for `value` (IEEE 754 single precision, what every client
    holds after decoding): 2/3 of a beat arrives as 0.66666698..., 3e-7 beats late. A party that keeps
    float64 beats while its client keeps these can disagree on which side of a boundary a note starts."""
    return float(struct.unpack(">f", struct.pack(">f", value))[0])


def encode(message: Message) -> bytes:
    """The exact datagram of a typed message (either direction), types taken from the contract."""
    return encode_with(_SPEC_OF, message)


def encode_with(specs: Mapping[type[Any], Spec], message: Any) -> bytes:
    """The exact datagram of a typed message of any contract (`specs`: `spec_index` of its tables); the
    one OSC encoder, for the live contract here and the composition contract (`agent.wire.compose_osc`)."""
    spec = specs[type(message)]
    values = list(astuple(message))
    if spec.variadic:
        values = list(values[0])
    tags = [_tag(spec.args[min(i, len(spec.args) - 1)].kind, v) for i, v in enumerate(values)]
    out = [osc_types.write_string(spec.address), osc_types.write_string("," + "".join(tags))]
    out.extend(_WRITERS[tag](value) for tag, value in zip(tags, values, strict=True))
    return b"".join(out)
