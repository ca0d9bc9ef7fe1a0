"""End to end over real loopback UDP: the agent in-process, a simulated patch playing a short lead sheet."""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from pathlib import Path

import pytest

from agent.app import AgentThread
from agent.config import Config, override
from agent.live.fallback import FallbackGenerator
from agent.live.generator import GenerationContext
from agent.metrics import Counters
from agent.music.chords import parse_symbol
from agent.music.events import ChordSpan, Note, Part, chord_at
from agent.music.leadsheet import tiled
from agent.tools.daw_sim import DawReport, SimDaw
from agent.wire.osc import (
    OUTBOUND,
    AllNotesOff,
    ChordIn,
    Hello,
    NoteOut,
    Play,
    Playhead,
    Status,
    Tempo,
    decode,
    encode,
)

BAD_INPUT = [
    (b"junk", "not an OSC message"),
    (encode(ChordIn(0.0, 4.0, "C")).replace(b"C\0\0\0", b"Q\0\0\0"), "/chord: chord 'Q'"),
    (b"/note\0\0\0,fiif\0\0\0" + struct.pack(">fiif", 1.0, 200, 100, 1.0), "pitch 200 is out of range 0..127"),
    (b"/transport/tempo\0\0\0\0,f\0\0" + struct.pack(">f", 0.0), "bpm 0 is out of range"),
    (b"/note\0\0\0,fiif\0\0\0" + struct.pack(">fiif", 1.0, 60, 100, -1.0), "dur_beats -1 is out of range"),
    (b"/playhead\0\0\0,f\0\0" + struct.pack(">f", float("nan")), "beat must be a finite number"),
    (b"/what\0\0\0,\0\0\0", "unknown address '/what'"),
    (b"/transport/timesig\0\0,s\0\0four\0\0\0\0", "expected i numerator, i denominator"),
]


def config_for(send_port: int) -> Config:
    config = override(Config(), "net", {"listen_port": 0, "send_port": send_port})
    config = override(config, "model_path", None)
    return override(config, "runtime.status_interval_s", 0.25)


async def _play_with_bad_input(bars: int, bpm: float) -> tuple[DawReport, Counters, float]:
    daw = SimDaw(tiled(bars), bpm)
    agent = AgentThread(config_for(await daw.open()), FallbackGenerator())
    address = agent.start()

    async def misbehave() -> float:
        await asyncio.sleep(2.0)
        assert daw.transport is not None
        for data, _ in BAD_INPUT:
            daw.transport.sendto(data, address)
        return time.monotonic()

    try:
        bad_at, report = await asyncio.gather(misbehave(), daw.run(address))
    finally:
        counters = await asyncio.to_thread(agent.stop)
        daw.close()
    return report, counters, bad_at


def test_plays_a_lead_sheet_in_time_and_answers_bad_input() -> None:
    sheet = tiled(8)
    report, counters, bad_at = asyncio.run(_play_with_bad_input(8, 240.0))
    played = report.played()
    assert len(played) > 100
    assert report.late() == 0
    assert min(n.lead_s for n in played) > 0.05
    chords = tuple(ChordSpan(b, d, c) for b, d, s in sheet.chords if (c := parse_symbol(s)) is not None)
    for received in played:
        chord = chord_at(chords, received.note.beat)
        assert chord is not None and received.note.pitch % 12 in chord.pitch_classes
        assert received.note.channel in (2, 3)
    for _, expected in BAD_INPUT:
        assert any(expected in message for message in report.errors), expected
    assert counters.input_errors == len(BAD_INPUT)
    assert [n for n in played if n.arrival_s > bad_at + 0.5]  # still playing after the bad input
    assert report.allnotesoff >= 1  # on stop
    statuses = [s for _, s in report.statuses]
    assert statuses and statuses[-1].input_errors == len(BAD_INPUT)
    assert statuses[-1].notes_sent == counters.notes_sent


def test_shutdown_sends_all_notes_off_to_every_target() -> None:
    main = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    extra = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for sock in (main, extra):
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(2.0)
    agent = AgentThread(config_for(main.getsockname()[1]), FallbackGenerator())
    address = agent.start()
    extra.sendto(encode(Hello(extra.getsockname()[1])), address)
    for message in (Tempo(240.0), ChordIn(0.0, 64.0, "Dm7"), Play(), Playhead(0.0)):
        main.sendto(encode(message), address)
    first = _wait_for(extra, NoteOut)
    assert isinstance(first, NoteOut) and first.pitch % 12 in (2, 5, 9, 0)
    agent.stop()
    for sock in (main, extra):
        assert isinstance(_wait_for(sock, AllNotesOff), AllNotesOff)
        sock.close()


def _wait_for(sock: socket.socket, kind: type) -> object:
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        data = sock.recv(65535)
        for message in decode(data, OUTBOUND)[0]:
            if isinstance(message, kind):
                return message
            assert not isinstance(message, Status) or message.state in ("playing", "stopped")
    raise AssertionError(f"no {kind.__name__} received")


class MisbehavingModel:
    """Every third call is too slow, every third raises, the rest play pitch 96 on the comp part."""

    name = "misbehaving"

    def __init__(self) -> None:
        self.calls = 0
        self.resets = 0

    def reset(self) -> None:
        self.resets += 1

    def generate(self, context: GenerationContext, start_beat: float, end_beat: float) -> list[Note]:
        self.calls += 1
        if self.calls % 3 == 0:
            time.sleep(0.3)  # past the deadline at 240 bpm (ask 250 ms ahead, deadline 100 ms before)
            return [Note(start_beat, 0.5, 100, 100, Part.COMP)]
        if self.calls % 3 == 1:
            raise RuntimeError("model crashed")
        return [Note(start_beat, 0.5, 96, 100, Part.COMP)]


def test_a_slow_or_failing_model_never_makes_the_agent_late_or_silent() -> None:
    model = MisbehavingModel()

    async def main() -> tuple[DawReport, Counters]:
        daw = SimDaw(tiled(6), 240.0)
        agent = AgentThread(config_for(await daw.open()), model)
        address = agent.start()
        try:
            report = await daw.run(address)
        finally:
            counters = await asyncio.to_thread(agent.stop)
            daw.close()
        return report, counters

    report, counters = asyncio.run(main())
    played = report.played()
    assert report.late() == 0 and counters.late_notes == 0
    assert all(n.note.pitch != 100 for n in played)  # late model results are discarded
    assert any(n.note.pitch == 96 for n in played)  # timely ones are played
    assert counters.generator_errors >= 2 and counters.fallback_chunks >= 4
    assert counters.discarded_results >= 1 and model.resets >= 1
    beats = {int(n.note.beat) for n in played}
    assert set(range(1, 24)) <= beats  # a note on every beat after the first: never silent


def test_the_agent_pauses_when_the_patch_goes_quiet_and_resumes_when_it_returns() -> None:
    patch = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    patch.bind(("127.0.0.1", 0))
    patch.setblocking(False)
    agent = AgentThread(config_for(patch.getsockname()[1]), FallbackGenerator())
    address = agent.start()
    received: list[tuple[float, NoteOut]] = []

    def play_for(seconds: float, report: bool, start: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if report:
                patch.sendto(encode(Playhead((time.monotonic() - start) * 4.0)), address)  # 240 bpm
            time.sleep(0.02)
            while True:
                try:
                    data = patch.recv(65535)
                except BlockingIOError:
                    break
                received.extend((time.monotonic(), m) for m in decode(data, OUTBOUND)[0] if isinstance(m, NoteOut))

    try:
        for message in (Tempo(240.0), ChordIn(0.0, 400.0, "G7"), Play()):
            patch.sendto(encode(message), address)
        start = time.monotonic()
        play_for(1.0, True, start)
        quiet = time.monotonic()
        play_for(2.0, False, start)  # the patch stops reporting; the DAW plays on
        back = time.monotonic()
        play_for(1.0, True, start)
    finally:
        agent.stop()
        patch.close()
    assert [t for t, _ in received if t < quiet]
    assert not [t for t, _ in received if quiet + 1.3 < t < back]  # paused after the 1 s timeout
    after = [n for t, n in received if t > back]
    assert after and min(n.beat for n in after) > (back - start) * 4.0  # resumed ahead of the playhead


SHIPPED = Path(__file__).resolve().parents[1] / "models" / "sideman-default.safetensors"


async def _loop_from_stop(model: str | None, bpm: float, bars: int, passes: int) -> tuple[DawReport, str]:
    """The agent in its own process (as `sideman bench` runs it: no GIL shared with the simulated DAW)."""
    import argparse

    from agent.music.leadsheet import feel_sheet
    from agent.tools.agent_process import AgentProcess

    daw = SimDaw(feel_sheet("axis"), bpm, preroll_beats=0.0, loop=(0.0, 4.0 * bars), passes=passes,
                 wait_before_play_s=0.5)
    args = argparse.Namespace(config=None, overrides=["runtime.status_interval_s=0.25"], model=model or "none")
    agent = AgentProcess(args, await daw.open())
    try:
        report = await daw.run(await agent.ready(), settle_s=0.5)
    finally:
        agent.stop()
        daw.close()
    return report, agent.log_path.read_text()


@pytest.mark.parametrize("model", [None, str(SHIPPED)], ids=["fallback", "model"])
def test_plays_from_the_downbeat_and_through_every_wrap_of_a_loop(model: str | None) -> None:
    """Issue 10 over real UDP: the DAW plays from stop at the loop start (no count-in) and loops 2 bars
    three times: a note in the first beat after play and after every wrap, none past the loop end,
    none late, and a wrap is not a jump."""
    report, log = asyncio.run(_loop_from_stop(model, 120.0, 2, 3))
    starts = report.pass_starts()
    assert len(starts) == 3
    assert all(report.notes_in(s, s + 1.0) >= 1 for s in starts), [report.notes_in(s, s + 1.0) for s in starts]
    assert report.past_loop_end() == 0 and report.late() == 0
    assert "jumped" not in log and report.allnotesoff <= 2  # at stop and shutdown only
