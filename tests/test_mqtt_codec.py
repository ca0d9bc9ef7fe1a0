"""MQTT payloads: JSON objects keyed by the OSC argument names, checked by the OSC table; ensemble notes as context."""

from __future__ import annotations

import json

import pytest
from runtime_fakes import FakeTime

from agent.config import Config
from agent.live.clock import Clock
from agent.live.fallback import FallbackGenerator
from agent.live.session import Session
from agent.metrics import Counters
from agent.wire.mqtt import EnsembleCancel, EnsembleNotes, EnsembleSilence, Topics, decode, encode
from agent.wire.osc import (
    INBOUND,
    AllNotesOff,
    ChordIn,
    ErrorReply,
    HumanNote,
    Instruments,
    NoteCancel,
    NoteOut,
    Play,
    Playhead,
    SetParam,
    Tempo,
)

TOPICS = Topics("sideman", "bass")


def playing_session() -> tuple[Session, FakeTime]:
    """A session playing at 120 bpm, playhead at beat 1.0."""
    now = FakeTime()
    session = Session(Config(), Clock(now, 120.0), FallbackGenerator(), Counters())
    session.handle(Play())
    session.handle(Playhead(1.0))
    return session, now


@pytest.mark.parametrize(
    ("topic", "payload", "expected"),
    [
        ("sideman/bass/in/chord", {"beat": 0, "dur_beats": 4, "symbol": "Am7"}, [ChordIn(0.0, 4.0, "Am7")]),
        ("sideman/all/in/transport/play", None, [Play()]),
        ("sideman/all/in/transport/tempo", {"bpm": 96.5}, [Tempo(96.5)]),
        ("sideman/bass/in/agent/instruments", {"program": [33, 0]}, [Instruments((33, 0))]),
        ("sideman/bass/in/agent/set", {"name": "seed", "value": 7}, [SetParam("seed", 7)]),
        ("sideman/bass/in/note", [{"beat": 1, "pitch": 60, "velocity": 90, "dur_beats": 0.5}] * 2,
         [HumanNote(1.0, 60, 90, 0.5)] * 2),
    ],
)
def test_controls_decode_to_the_osc_messages(topic: str, payload: object, expected: list[object]) -> None:
    data = b"" if payload is None else json.dumps(payload).encode()
    messages, errors = decode(TOPICS, topic, data)
    assert errors == [] and messages == expected


@pytest.mark.parametrize(
    ("topic", "payload", "named"),
    [
        ("sideman/bass/in/chord", b"{not json", "payload is not JSON"),
        ("sideman/bass/in/chord", b'{"beat": "one", "dur_beats": 4, "symbol": "C"}', "beat must be a number"),
        ("sideman/bass/in/chord", b'{"beat": 0, "dur_beats": 4}', "missing field 'symbol'"),
        ("sideman/bass/in/chord", b'{"beat": 0, "dur_beats": 4, "symbol": "C", "x": 1}', "unknown field 'x'"),
        ("sideman/bass/in/chord", b'{"beat": 0, "dur_beats": 4, "symbol": "H7"}', "chord 'H7'"),
        ("sideman/bass/in/note", b'{"beat": 0, "pitch": 128, "velocity": 9, "dur_beats": 1}', "pitch 128 is out of range"),
        ("sideman/bass/in/transport/tempo", b'{"bpm": NaN}', "bpm must be a finite number"),
        ("sideman/bass/in/transport/tempo", b'{"bpm": true}', "bpm must be a number"),
        ("sideman/bass/in/transport/tempo", b"[120]", "expected a JSON object with bpm"),
        ("sideman/bass/in/agent/hello", b'{"port": 9002}', "registers an OSC reply port"),
        ("sideman/bass/in/bogus", b"{}", "unknown control '/bogus'"),
        ("sideman/comp/notes", b'[{"id": 1, "beat": 0, "pitch": 60, "velocity": 0, "dur_beats": 1, "channel": 2}]',
         "velocity 0 is out of range 1..127"),
    ],
)
def test_bad_payloads_name_the_topic_and_field(topic: str, payload: bytes, named: str) -> None:
    messages, errors = decode(TOPICS, topic, payload)
    assert messages == [] and len(errors) == 1
    assert topic in str(errors[0]) and named in str(errors[0])


def test_every_inbound_osc_address_has_a_control_topic() -> None:
    for address in INBOUND:
        if address == "/agent/hello":
            continue
        messages, errors = decode(TOPICS, f"sideman/all/in{address}", b"")
        assert messages or "missing field" in str(errors[0]) or "expected a JSON object" in str(errors[0]), address


def test_other_agents_parts_and_our_own_echo() -> None:
    note = {"id": 5, "beat": 8.0, "pitch": 64, "velocity": 80, "dur_beats": 1.0, "channel": 2}
    assert decode(TOPICS, "sideman/comp/notes", json.dumps([note]).encode()) == (
        [EnsembleNotes("comp", (NoteOut(5, 8.0, 64, 80, 1.0, 2),))], [])
    assert decode(TOPICS, "sideman/comp/cancel", b'[{"id": 5}]') == ([EnsembleCancel("comp", (5,))], [])
    assert decode(TOPICS, "sideman/comp/allnotesoff", b"{}") == ([EnsembleSilence("comp")], [])
    assert decode(TOPICS, "sideman/bass/notes", json.dumps([note]).encode()) == ([], [])  # our own, echoed


def test_encoding_keeps_order_and_groups_runs_of_notes() -> None:
    out = encode(TOPICS, [NoteOut(1, 2.0, 40, 90, 1.0, 3), NoteOut(2, 3.0, 43, 90, 1.0, 3), NoteCancel(1),
                          AllNotesOff(), NoteOut(3, 9.0, 45, 90, 1.0, 3), ErrorReply("bad")])
    assert [topic for topic, _, _ in out] == ["sideman/bass/notes", "sideman/bass/cancel", "sideman/bass/allnotesoff",
                                             "sideman/bass/notes", "sideman/bass/error"]
    notes = json.loads(out[0][1])
    assert notes[1] == {"id": 2, "beat": 3.0, "pitch": 43, "velocity": 90, "dur_beats": 1.0, "channel": 3}
    assert decode(Topics("sideman", "comp"), "sideman/bass/notes", out[0][1])[0] == [
        EnsembleNotes("bass", (NoteOut(1, 2.0, 40, 90, 1.0, 3), NoteOut(2, 3.0, 43, 90, 1.0, 3)))]


def test_ensemble_notes_are_heard_when_they_sound_and_follow_cancels() -> None:
    session, now = playing_session()
    session.handle(EnsembleNotes("comp", (NoteOut(1, 0.5, 60, 80, 1.0, 2), NoteOut(2, 1.5, 64, 80, 1.0, 2),
                                          NoteOut(3, 2.5, 67, 80, 1.0, 2))))
    assert [n.pitch for n in session.context_for(2.0, 3.0).human] == [60]  # playhead at 1.0: only the first
    now.advance(0.5)  # 120 bpm: beat 2.0
    session.handle(EnsembleCancel("comp", (2, 3)))  # 2 is sounding (ends now), 3 has not started (dropped)
    heard = session.context_for(3.0, 4.0).human
    assert [(n.pitch, n.dur_beats) for n in heard] == [(60, 1.0), (64, 0.5)]
    session.handle(EnsembleNotes("comp", (NoteOut(4, 3.0, 72, 80, 1.0, 2),)))
    session.handle(EnsembleSilence("comp"))
    now.advance(1.0)
    assert 72 not in [n.pitch for n in session.context_for(5.0, 6.0).human]
