"""An independent OSC implementation (liblo's `oscsend` / `oscdump`) talks to the agent with the contract.

This is what a live-coding client does (patches/livecode/README.md): Python plays the DAW's clock and
calls `oscsend` for every message (tempo, meter, chords, play, a playhead every 50 ms, human notes,
stop); `oscdump` listens where the agent sends. Checked: the agent's replies parse in liblo with the
contract's type tags, notes arrive before their beats and fit the chords, malformed input (an
out-of-range velocity, a `d` double that Pd could not read either) is answered with /agent/error, and
stop brings /agent/allnotesoff.
"""

from __future__ import annotations

import shlex
import subprocess
import threading
import time
from dataclasses import dataclass, field

import pytest
from agent_process import free_udp_port, require_binary, running_agent

from agent.music.chords import parse_symbol
from agent.wire.osc import OUTBOUND

BPM = 240.0
BEATS = 16  # 4 bars: 4 s at 240 bpm
CHORDS = [(0.0, 4.0, "C"), (4.0, 4.0, "Am7"), (8.0, 4.0, "Dm7"), (12.0, 4.0, "G7")]
MELODY = [(1.0, 72), (2.0, 76), (5.0, 72), (6.0, 69), (9.0, 74), (13.0, 71)]


@dataclass
class Dump:
    """`oscdump -L PORT` read line by line; each line stamped with time.monotonic() on arrival."""

    proc: subprocess.Popen[str]
    lines: list[tuple[float, str]] = field(default_factory=list)

    def read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    def messages(self) -> list[tuple[float, str, str, list[str]]]:
        """(arrival, address, type tags, arguments) of each message."""
        out = []
        for t, line in self.lines:
            words = shlex.split(line)  # `TIMETAG /address TAGS ARGS...`, strings in double quotes
            if len(words) >= 2 and words[1].startswith("/"):
                tags = words[2] if len(words) > 2 else ""
                out.append((t, words[1], tags, words[3:]))
        return out


def tags_of(address: str) -> str:
    spec, _ = OUTBOUND[address]
    return "".join(arg.kind for arg in spec.args)


def chord_pcs(beat: float) -> frozenset[int]:
    for start, length, symbol in CHORDS:
        if start <= beat < start + length:
            chord = parse_symbol(symbol)
            assert chord is not None
            return chord.pitch_classes
    raise AssertionError(f"no chord at beat {beat}")


@pytest.mark.liblo
def test_liblo_client_plays_with_the_agent(capsys: pytest.CaptureFixture[str]) -> None:
    oscsend = require_binary("oscsend", "liblo-tools")
    oscdump = require_binary("oscdump", "liblo-tools")
    port = free_udp_port()
    dump = Dump(subprocess.Popen([oscdump, "-L", str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True))
    reader = threading.Thread(target=dump.read, name="oscdump", daemon=True)
    reader.start()
    try:
        with running_agent(port, "runtime.status_interval_s=0.5") as agent:
            def send(address: str, types: str = "", *args: object) -> None:
                cmd = [oscsend, "127.0.0.1", str(agent.port), address] + ([types] if types else [])
                subprocess.run(cmd + [str(a) for a in args], check=True, timeout=5)

            send("/transport/tempo", "f", BPM)
            send("/transport/timesig", "ii", 4, 4)
            send("/chords/clear")
            for start, length, symbol in CHORDS:
                send("/chord", "ffs", start, length, symbol)
            send("/agent/set", "sf", "temperature", 0.9)
            send("/note/on", "fii", 0, 60, 300)  # malformed on purpose: velocity out of range
            send("/playhead", "d", 0.0)  # malformed on purpose: a type the contract (and Pd) does not read
            send("/transport/play")
            t0 = time.monotonic()
            send("/playhead", "f", 0.0)
            melody = list(MELODY)
            beat = 0.0
            while beat < BEATS:
                time.sleep(0.05)
                beat = (time.monotonic() - t0) * BPM / 60.0
                send("/playhead", "f", round(beat, 4))
                if melody and beat >= melody[0][0]:
                    onset, pitch = melody.pop(0)
                    send("/note/on", "fii", onset, pitch, 90)
                    send("/note/off", "fi", onset + 0.5, pitch)
                    send("/note", "fiif", onset, pitch + 12, 70, 0.5)
            send("/transport/stop")
            time.sleep(0.8)
        log = agent.log()
    finally:
        dump.proc.terminate()
        dump.proc.wait(timeout=5)
        reader.join(timeout=5)
        if dump.proc.stdout is not None:
            dump.proc.stdout.close()

    messages = dump.messages()
    notes = [(t, args) for t, address, tags, args in messages if address == "/note"]
    assert len(notes) >= 2 * BEATS, f"only {len(notes)} notes:\n{dump.lines}"
    assert {tags for _, address, tags, _ in messages if address == "/note"} == {tags_of("/note")}
    leads_ms = []
    for arrival, args in notes:
        _voice, note_beat, note_pitch, velocity, dur, channel = args
        arrival_beat = (arrival - t0) * BPM / 60.0
        leads_ms.append((float(note_beat) - arrival_beat) * 60000.0 / BPM)
        assert int(note_pitch) % 12 in chord_pcs(float(note_beat)), args
        assert 1 <= int(velocity) <= 127 and float(dur) > 0 and int(channel) in (2, 3)
    assert min(leads_ms) > 0, f"a note arrived after its beat (min lead {min(leads_ms):.1f} ms)"

    statuses = [(tags, args) for _, address, tags, args in messages if address == "/agent/status"]
    assert statuses and all(tags == tags_of("/agent/status") for tags, _ in statuses)
    fields = dict(zip((arg.name for arg in OUTBOUND["/agent/status"][0].args), statuses[-1][1], strict=True))
    assert fields["state"] == "stopped" and int(fields["input_errors"]) == 2 and int(fields["late_notes"]) == 0
    errors = [args[0] for _, address, tags, args in messages if address == "/agent/error" and tags == "s"]
    assert any("velocity 300 is out of range" in e for e in errors), errors
    assert any("'d'" in e for e in errors), errors
    assert len(errors) == 2, errors  # everything else was accepted
    assert any(address == "/agent/allnotesoff" for _, address, _, _ in messages)
    assert "transport stopped" in log

    with capsys.disabled():
        print(f"\n[liblo] {len(notes)} notes, lead before the beat: min {min(leads_ms):.1f} ms, "
              f"median {sorted(leads_ms)[len(leads_ms) // 2]:.1f} ms; {len(statuses)} statuses, "
              f"errors: {errors}")
