"""MIDI ports and recording end to end: in-memory mido ports, the agent in-process, real time."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import mido
import pytest
from midi_fakes import MemoryInput, MemoryOutput

from agent.app import AgentThread
from agent.config import Config, override
from agent.errors import MidiError
from agent.io.connections import MidiPorts
from agent.io.midi_ports import open_port
from agent.live.fallback import FallbackGenerator
from agent.live.generator import GenerationContext
from agent.metrics import percentiles
from agent.music.events import Note
from agent.music.leadsheet import tiled
from agent.tools.daw_sim import DawReport, SimDaw
from agent.wire.osc import ChordIn, encode


class Listening(FallbackGenerator):
    """The fallback, remembering the human notes each call was shown."""

    name = "listening"

    def __init__(self) -> None:
        self.heard: list[tuple[Note, ...]] = []

    def generate(self, context: GenerationContext, start_beat: float, end_beat: float) -> list[Note]:
        self.heard.append(context.human)
        return super().generate(context, start_beat, end_beat)


def base_config(send_port: int, folder: Path) -> Config:
    config = override(Config(), "net", {"listen_port": 0, "send_port": send_port})
    config = override(config, "model_path", None)
    return override(config, "record", {"folder": str(folder), "flush_interval_s": 0.5})


def balanced(out: MemoryOutput) -> bool:
    """Every note-on on the port has been ended (a note-off or All Notes Off on its channel) by the end."""
    sounding: set[tuple[int, int]] = set()
    for _, m in out.sent:
        if m.type == "note_on":
            sounding.add((m.channel, m.note))
        elif m.type == "note_off":
            sounding.discard((m.channel, m.note))
        elif m.type == "control_change" and m.control == 123:
            sounding = {k for k in sounding if k[0] != m.channel}
    return not sounding


def test_midi_out_plays_each_note_at_its_beat_and_the_take_is_recorded(tmp_path: Path) -> None:
    out = MemoryOutput()

    async def main() -> tuple[SimDaw, DawReport]:
        daw = SimDaw(tiled(4), 120.0)
        agent = AgentThread(base_config(await daw.open(), tmp_path), FallbackGenerator(), MidiPorts(output=out))
        address = agent.start()
        try:
            report = await daw.run(address)
        finally:
            await asyncio.to_thread(agent.stop)
            daw.close()
        return daw, report

    daw, report = asyncio.run(main())
    played = report.played()
    ons = out.of_type("note_on")
    errors_ms = []
    for received in played:
        due = daw.time_of(received.note.beat)
        same = [t for t, m in ons if m.channel == received.note.channel - 1 and m.note == received.note.pitch]
        errors_ms.append(1000.0 * min((t - due for t in same), key=abs))
    p50, p99 = percentiles(errors_ms, (50, 99))
    print(f"[midi] {len(ons)} note-ons for {len(played)} notes; error vs the beat p50 {p50:.2f} ms, "
          f"p99 {p99:.2f} ms, max {max(errors_ms, key=abs):.2f} ms")
    assert len(played) > 30 and abs(len(ons) - len(played)) <= 2
    assert 0.0 <= p50 < 5.0 and max(abs(e) for e in errors_ms) < 40.0
    assert balanced(out)  # every note ended: note-offs in time, all notes off on stop and shutdown
    assert any(m.type == "control_change" and m.control == 123 for _, m in out.sent)

    files = sorted(tmp_path.glob("*.mid"))
    assert len(files) == 1 and not list(tmp_path.glob(".*.tmp"))
    midi = mido.MidiFile(files[0])
    tracks = {t.name: [m for m in t if m.type == "note_on"] for t in midi.tracks}
    assert len(tracks["human"]) == len(tiled(4).melody)
    assert tracks["chords"] and len(tracks["comp"]) + len(tracks["bass"]) == pytest.approx(len(ons), abs=2)
    assert [m.tempo for m in midi.tracks[0] if m.type == "set_tempo"] == [500000]
    assert midi.length == pytest.approx((2 + 4 * 4) * 0.5, abs=0.3)  # 2 beats of pre-roll, 4 bars at 120 bpm


def test_keyboard_and_synth_without_a_patch(tmp_path: Path) -> None:
    """Free-running clock, the human on a MIDI input, the agent on a MIDI output, chords over OSC."""
    keyboard, synth = MemoryInput(), MemoryOutput()
    listening = Listening()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as patchless:
        patchless.bind(("127.0.0.1", 0))
        config = override(base_config(patchless.getsockname()[1], tmp_path), "clock.source", "internal")
        agent = AgentThread(config, listening, MidiPorts(input=keyboard, output=synth))
        address = agent.start()
        start = time.monotonic()
        patchless.sendto(encode(ChordIn(0.0, 64.0, "F")), address)
        time.sleep(0.5)
        keyboard.feed(mido.Message("note_on", note=77, velocity=100))
        keyboard.feed(mido.Message("control_change", control=64, value=127))  # ignored, counted
        time.sleep(0.5)
        keyboard.feed(mido.Message("note_off", note=77))
        time.sleep(0.6)
        on_disk = sorted(tmp_path.glob("*.mid"))  # rewritten every 0.5 s while the take goes on
        time.sleep(0.6)
        agent.stop()
    assert on_disk, "the take in progress was not flushed"
    ons = synth.of_type("note_on")
    assert ons and all(m.note % 12 in (5, 9, 0) for _, m in ons)  # F major chord tones
    assert ons[0][0] - start < 1.0  # playing from start-up, no patch
    assert balanced(synth)
    assert any(77 in [n.pitch for n in human] for human in listening.heard)  # the keyboard was heard
    midi = mido.MidiFile(max(tmp_path.glob("*.mid")))
    human = [m for t in midi.tracks if t.name == "human" for m in t if m.type == "note_on"]
    assert [m.note for m in human] == [77]
    stats = agent.agent.connections.midi_out.stats  # type: ignore[union-attr]
    print(f"[midi] internal clock: {stats.note_ons} notes, {stats.late} late, "
          f"wake-up error p50 {stats.error_s.percentile(50) * 1000:.2f} ms, "
          f"p99 {stats.error_s.percentile(99) * 1000:.2f} ms")
    assert stats.late == 0


def test_a_named_port_without_a_backend_says_what_to_install() -> None:
    try:
        import rtmidi  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        with pytest.raises(MidiError, match=r"midi.input_port 'Keyboard': no MIDI backend.*\[midi\]"):
            open_port("Keyboard", False, "midi.input_port")
    else:
        with pytest.raises(MidiError, match="midi.input_port 'no such port here'"):
            open_port("no such port here", False, "midi.input_port")
