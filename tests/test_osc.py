"""The OSC codec: exact datagrams both ways, coercion of Pd's floats, and errors that name the field."""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.wire.osc import (
    OUTBOUND,
    AllNotesOff,
    ChordIn,
    ErrorReply,
    Hello,
    HumanNote,
    Instruments,
    NoteCancel,
    NoteOn,
    NoteOut,
    Play,
    Playhead,
    SetParam,
    Status,
    Tempo,
    TimeSig,
    decode,
    encode,
)


def osc_string(text: str) -> bytes:
    data = text.encode() + b"\0"
    return data + b"\0" * (-len(data) % 4)


def datagram(address: str, tags: str, *values: object) -> bytes:
    out = osc_string(address) + osc_string("," + tags)
    for tag, value in zip(tags, values, strict=True):
        out += {"i": lambda v: struct.pack(">i", v), "f": lambda v: struct.pack(">f", v),
                "s": lambda v: osc_string(v)}[tag](value)
    return out


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (NoteOut(7, 4.5, 60, 100, 0.5, 2), datagram("/note", "ifiifi", 7, 4.5, 60, 100, 0.5, 2)),
        (NoteCancel(7), datagram("/note/cancel", "i", 7)),
        (AllNotesOff(), b"/agent/allnotesoff\0\0,\0\0\0"),
        (ErrorReply("bad"), datagram("/agent/error", "s", "bad")),
        (Play(), b"/transport/play\0,\0\0\0"),
        (Tempo(120.0), datagram("/transport/tempo", "f", 120.0)),
        (ChordIn(0.0, 4.0, "Am7"), datagram("/chord", "ffs", 0.0, 4.0, "Am7")),
        (Instruments((0, 33)), datagram("/agent/instruments", "ii", 0, 33)),
        (SetParam("temperature", 0.5), datagram("/agent/set", "sf", "temperature", 0.5)),
        (SetParam("parts", "comp,bass"), datagram("/agent/set", "ss", "parts", "comp,bass")),
    ],
)
def test_exact_datagrams(message: object, expected: bytes) -> None:
    assert encode(message) == expected  # type: ignore[arg-type]
    table = OUTBOUND if isinstance(message, (NoteOut, NoteCancel, AllNotesOff, ErrorReply)) else None
    messages, errors = decode(expected, table) if table else decode(expected)
    assert (messages, errors) == ([message], [])


def test_status_round_trip() -> None:
    status = Status("playing", "fallback", 1, 2, 3, 4, 5, 6, 7, 8.5, 120.0, 0.25, 0.5, 0.75, 1.0)
    assert decode(encode(status), OUTBOUND) == ([status], [])


def test_pd_floats_accepted_for_integer_fields_and_ints_for_floats() -> None:
    data = datagram("/note", "ffff", 1.0, 60.0, 100.0, 0.5)
    assert decode(data)[0] == [HumanNote(1.0, 60, 100, 0.5)]
    assert decode(datagram("/playhead", "i", 3))[0] == [Playhead(3.0)]
    assert decode(datagram("/agent/hello", "f", 9001.0))[0] == [Hello(9001)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (datagram("/note", "fiif", 0.0, 200, 100, 1.0), "/note: pitch 200 is out of range 0..127"),
        (datagram("/note", "fiif", 0.0, 60, 100, -1.0), "/note: dur_beats -1 is out of range (0, 10000]"),
        (datagram("/note", "ffif", 0.0, 60.5, 100, 1.0), "/note: pitch must be a whole number, got 60.5"),
        (datagram("/transport/tempo", "f", 0.0), "/transport/tempo: bpm 0 is out of range [10, 1000]"),
        (datagram("/transport/tempo", "f", math.nan), "/transport/tempo: bpm must be a finite number"),
        (datagram("/playhead", "f", math.inf), "/playhead: beat must be a finite number"),
        (datagram("/transport/tempo", "s", "fast"), "/transport/tempo: bpm must be a number, got the text 'fast'"),
        (datagram("/transport/tempo", ""), "/transport/tempo: expected f bpm, got 0 argument(s)"),
        (datagram("/transport/play", "i", 1), "/transport/play: expected no arguments, got 1 argument(s)"),
        (datagram("/transport/timesig", "ii", 3, 6), "denominator 6 must be 1, 2, 4, 8, 16 or 32"),
        (datagram("/chord", "ffs", 0.0, 4.0, "H7"), "/chord: chord 'H7'"),
        (datagram("/nope", ""), "unknown address '/nope'"),
        (b"/transport/tempo\0\0\0\0,d\0\0" + struct.pack(">d", 120.0), "argument type 'd' is not supported"),
        (b"\x00\x01garbage", "not an OSC message"),
        (b"/transport/tempo\0\0\0\0,f\0\0\x42", None),  # float padded by python-osc: accepted, range-checked
        (b"/note\0\0\0,fiif\0\0\0", "could not read an OSC message"),
        (b"/chord\0\0,ffs\0\0\0\0\0\0\0\0\0\0\x80\xff\xfe\0", "could not read an OSC message"),
    ],
)
def test_errors_name_the_field_and_range(data: bytes, message: str | None) -> None:
    messages, errors = decode(data)
    if message is None:
        assert len(messages) + len(errors) == 1
        return
    assert messages == []
    assert len(errors) == 1 and message in str(errors[0])


def test_bundle_is_unpacked_and_bad_elements_reported() -> None:
    good, bad = encode(Playhead(2.0)), datagram("/note/on", "fii", 0.0, 300, 1)
    inner = b"#bundle\0" + b"\0" * 8 + struct.pack(">i", len(good)) + good
    bundle = (b"#bundle\0" + struct.pack(">Q", 1) + struct.pack(">i", len(inner)) + inner
              + struct.pack(">i", len(bad)) + bad)
    messages, errors = decode(bundle)
    assert messages == [Playhead(2.0)]
    assert len(errors) == 1 and "pitch 300" in str(errors[0])
    assert "bundle" in str(decode(b"#bundle\0" + b"\0" * 8 + struct.pack(">i", 400))[1][0])


def test_note_on_velocity_zero_is_allowed() -> None:
    assert decode(datagram("/note/on", "fii", 1.0, 60, 0))[0] == [NoteOn(1.0, 60, 0)]


def test_instruments_variadic_bounds() -> None:
    assert "expected i program, ..." in str(decode(datagram("/agent/instruments", ""))[1][0])
    assert decode(datagram("/agent/instruments", "i" * 17, *range(17)))[1]
    assert decode(datagram("/agent/instruments", "iii", 0, 33, 128))[0] == [Instruments((0, 33, 128))]


def test_time_signature() -> None:
    assert decode(datagram("/transport/timesig", "ff", 6.0, 8.0))[0] == [TimeSig(6, 8)]


_beats = st.floats(-10_000, 1_000_000, allow_nan=False, width=32)
_durs = st.floats(0.0625, 10_000, allow_nan=False, width=32)
_ints = st.integers(0, 127)


@given(st.one_of(
    st.builds(HumanNote, _beats, _ints, st.integers(1, 127), _durs),
    st.builds(NoteOn, _beats, _ints, _ints),
    st.builds(Playhead, _beats),
    st.builds(Tempo, st.floats(10, 1000, width=32)),
    st.builds(ChordIn, _beats, _durs, st.sampled_from(["C", "Am7", "F#m7b5", "Bb/D", "N", "G7sus4"])),
    st.builds(Instruments, st.lists(st.integers(0, 128), min_size=1, max_size=16).map(tuple)),
    st.builds(SetParam, st.text(st.characters(codec="ascii", exclude_characters="\0"), max_size=20),
              st.one_of(st.integers(-2**31, 2**31 - 1), st.floats(-1e6, 1e6, width=32), st.just("none"))),
))
def test_valid_messages_round_trip(message: object) -> None:
    assert decode(encode(message)) == ([message], [])  # type: ignore[arg-type]


@given(st.binary(max_size=64))
def test_any_bytes_decode_without_raising(data: bytes) -> None:
    messages, errors = decode(data)
    assert len(messages) + len(errors) >= 1 or data.startswith(b"#bundle\0")


def test_send_host_is_resolved_once_so_hello_from_it_is_not_a_duplicate() -> None:
    from agent.io.server import resolve

    assert resolve(("localhost", 9001)) in {("127.0.0.1", 9001), ("::1", 9001)}
    assert resolve(("127.0.0.1", 9001)) == ("127.0.0.1", 9001)
