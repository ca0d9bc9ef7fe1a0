"""The Pure Data patches: real Pd 0.53 (headless) plays patches/pd/sideman-selftest.pd against a running agent.

The self-test patch plays 8 bars of 4/4 at 240 bpm: a chord track (with one chord changed while
playing, so the agent withdraws planned notes with /note/cancel), a melody through [sideman]'s MIDI-input
path, and two malformed messages on purpose. With `verbose 1`, [sideman] prints every note it receives
(with the beat on its own transport at that moment) and every note it plays; then the patch quits Pd.

Also checked without running Pd: the committed .pd files are what make_patches.py writes, and every
OSC address and type flag in them is one of the contract (agent/wire/osc.py, patches/OSC.md).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from agent_process import free_udp_port, require_binary, running_agent

from agent.music.chords import parse_symbol
from agent.wire.osc import INBOUND, OUTBOUND

PD_DIR = Path(__file__).resolve().parents[1] / "patches" / "pd"
PD_ERRORS = re.compile(r"couldn't create|connection failed|^error:|no method for|bad arguments|"
                       r"sideman-bug|sideman-unknown-command|sideman: unexpected|stack overflow", re.MULTILINE)


def load_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_patches", PD_DIR / "make_patches.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKER = load_maker()


# ---- without Pd -----------------------------------------------------------------------------------


def test_committed_patches_are_generated() -> None:
    """Edit make_patches.py, then run it: the .pd files and the script must agree."""
    abstraction, _ = MAKER.sideman()
    expected = {"sideman.pd": abstraction.text(), "sideman-help.pd": MAKER.help_patch().text(),
                "sideman-selftest.pd": MAKER.selftest().text()}
    for name, text in expected.items():
        assert (PD_DIR / name).read_text() == text, f"{name} is stale: run python patches/pd/make_patches.py"


def test_boxes_do_not_overlap() -> None:
    """A patch a person opens must be readable: no box drawn over another (estimated at font 12)."""
    abstraction, _ = MAKER.sideman()
    for canvas in [abstraction, *abstraction.subpatches, MAKER.help_patch(), MAKER.selftest()]:
        assert canvas.overlaps() == [], f"{canvas.name or 'top'}: {canvas.overlaps()}"


def test_oscformat_addresses_and_types_follow_the_contract() -> None:
    """Every [oscformat] in sideman.pd names an inbound address; its type flags match the argument kinds."""
    text = (PD_DIR / "sideman.pd").read_text()
    found = re.findall(r"#X obj \d+ \d+ oscformat((?: -f [a-z]+)?(?: [a-z]+)*);", text)
    addresses = set()
    for match in found:
        words = match.split()
        if not words:
            continue  # the generic one behind `osc /address args`
        flags = ""
        if words[0] == "-f":
            flags, words = words[1], words[2:]
        address = "/" + "/".join(words)
        assert address in INBOUND, f"[oscformat {match.strip()}]: {address} is not in the contract"
        spec, _ = INBOUND[address]
        for i, flag in enumerate(flags):
            arg = spec.args[min(i, len(spec.args) - 1)]
            assert i < len(spec.args) or spec.variadic, f"{address}: more type flags than arguments"
            assert arg.kind in (flag, "ifs"), f"{address} argument {arg.name}: flag {flag}, contract {arg.kind}"
        addresses.add(address)
    assert addresses == set(INBOUND), f"addresses the patch cannot send: {set(INBOUND) - addresses}"


def test_inbound_routes_cover_what_the_agent_sends() -> None:
    """[oscparse] words routed by [pd osc-in] are exactly the agent's outbound addresses."""
    text = (PD_DIR / "sideman.pd").read_text()
    assert "#X obj 20 190 route note agent;" in text
    assert "route cancel;" in text and "route status error allnotesoff;" in text
    routed = {"/note", "/note/cancel", "/agent/status", "/agent/error", "/agent/allnotesoff"}
    assert routed == set(OUTBOUND)


# ---- real Pd against the agent --------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    ok: int  # 1 = scheduled, 2 = held until play (stopped), 0 = dropped (late, or past the loop end)
    id: int
    beat: float
    pitch: int
    channel: int
    lead_ms: float  # (beat - the patch's beat at receipt) in ms: > 0 = arrived before its beat


@dataclass(frozen=True)
class Played:
    id: int
    beat: float
    pitch: int
    channel: int
    now: float  # the patch's beat when it played the note


def parse_pd_output(text: str) -> tuple[list[Received], list[Played], list[int], list[str]]:
    received, played, cancelled, errors = [], [], [], []
    for line in text.splitlines():
        words = line.split()
        if words[:1] != ["sideman:"] or len(words) < 2:
            continue
        kind, values = words[1], words[2:]
        if kind == "received":  # OK ID BEAT PITCH VEL DUR_MS CH WAIT_MS LEAD_MS NOW
            ok, id_, beat, pitch, _, _, ch, _, lead, _ = (float(v) for v in values)
            received.append(Received(int(ok), int(id_), beat, int(pitch), int(ch), lead))
        elif kind == "played":  # ID BEAT PITCH VEL DUR_MS CH NOW
            id_, beat, pitch, _, _, ch, now = (float(v) for v in values)
            played.append(Played(int(id_), beat, int(pitch), int(ch), now))
        elif kind == "cancel":
            cancelled.append(int(float(values[0])))
        elif kind == "error":
            errors.append(" ".join(values).replace("\\", ""))
    return received, played, cancelled, errors


def chord_track() -> list[tuple[float, float, frozenset[int]]]:
    """The self-test's chords after its change while playing, as (start, end, pitch classes)."""
    spans = []
    _, beat, dur, symbol = MAKER.SELFTEST_CHANGE
    for start, length, sym in MAKER.SELFTEST_CHORDS:
        chord = parse_symbol(sym)
        assert chord is not None
        spans.append((float(start), float(start + length), chord.pitch_classes))
    changed = parse_symbol(symbol)
    assert changed is not None
    out = []
    for start, end, pcs in spans:  # a chord replaces the part of the track it covers
        if start < beat < end:
            out.append((start, float(beat), pcs))
            out.append((float(beat), float(beat + dur), changed.pitch_classes))
            if beat + dur < end:
                out.append((float(beat + dur), end, pcs))
        else:
            out.append((start, end, pcs))
    return out


def chord_at(track: list[tuple[float, float, frozenset[int]]], beat: float) -> frozenset[int]:
    return next(pcs for start, end, pcs in track if start <= beat + 1e-6 < end)


@pytest.mark.pd
def test_pd_plays_along_with_the_agent(capsys: pytest.CaptureFixture[str]) -> None:
    pd = require_binary("pd", "puredata-core")
    pd_port = free_udp_port()
    with running_agent(pd_port, "runtime.status_interval_s=0.5") as agent:
        run = subprocess.run(
            [pd, "-nogui", "-noaudio", "-nomidi", "-stderr", "-noprefs", "-path", str(PD_DIR),
             "-open", str(PD_DIR / "sideman-selftest.pd"),
             "-send", f"sideman-selftest run {agent.port} {pd_port} 1"],
            capture_output=True, text=True, timeout=40, check=False,
        )
    out = run.stderr + run.stdout
    assert run.returncode == 0, out
    assert not PD_ERRORS.findall(out), f"Pd reported errors:\n{out}"
    assert "sideman-selftest: done" in out, out
    received, played, cancelled, errors = parse_pd_output(out)
    n_bars = len(MAKER.SELFTEST_MELODY) // 4

    # notes arrived, ahead of their beats, and were played at their beats on Pd's transport
    assert len(received) >= 8 * n_bars, f"only {len(received)} notes received:\n{out}"
    held = {r.id for r in received if r.ok == 2}  # sent before play: held, then judged again at play
    leads = [r.lead_ms for r in received if r.ok == 1 and r.id not in held]
    assert all(r.ok for r in received), [r for r in received if not r.ok]
    assert min(leads) > 0, f"a note arrived after its beat: {min(leads):.1f} ms"
    assert all(r.lead_ms >= 0 for r in received if r.id in held)  # at or after the beat where play starts
    by_id = {r.id: r for r in received}
    assert {p.id for p in played} <= set(by_id)
    assert all(abs(p.now - p.beat) < 0.01 for p in played), [p for p in played if abs(p.now - p.beat) >= 0.01]

    # the chord change withdrew planned notes: cancelled ones never sounded, the rest did
    assert cancelled, "the chord change while playing cancelled nothing"
    assert not set(cancelled) & {p.id for p in played}
    expected = {r.id for r in received} - set(cancelled)
    assert {p.id for p in played} == {i for i in expected if by_id[i].beat < len(MAKER.SELFTEST_MELODY)}

    # in the chord (the fallback plays chord tones), on the parts' channels (comp 2, bass 3)
    track = chord_track()
    outside = [p for p in played if p.pitch % 12 not in chord_at(track, p.beat)]
    assert not outside, outside
    assert {p.channel for p in played} == {2, 3}

    # both malformed messages were answered with /agent/error, shown by the patch
    assert any("velocity 300 is out of range" in e for e in errors), errors
    assert any("unknown address '/bogus'" in e for e in errors), errors
    assert "transport stopped" in agent.log()

    with capsys.disabled():
        print(f"\n[pd] {len(received)} notes received, {len(played)} played, {len(cancelled)} cancelled; "
              f"lead before the beat: min {min(leads):.1f} ms, median {sorted(leads)[len(leads) // 2]:.1f} ms, "
              f"max {max(leads):.1f} ms; play error max "
              f"{max(abs(p.now - p.beat) for p in played) * 60000 / MAKER.SELFTEST_BPM:.2f} ms")


LOOP_PATCH = """#N canvas 0 50 600 400 12;
#X obj 20 20 r go;
#X msg 20 50 listen $2, connect 127.0.0.1 $1, verbose 1, tempo 240, chord 0 8 C, loop 0 4, play;
#X obj 20 200 sideman -1 -1;
#X obj 300 50 delay 2600;
#X msg 300 80 panic;
#X obj 300 110 delay 400;
#X msg 300 140 stop;
#X obj 420 140 delay 600;
#X msg 420 170 ; pd quit;
#X obj 20 240 print looptest-note;
#X obj 300 20 t b;
#X connect 0 0 1 0;
#X connect 1 0 2 0;
#X connect 0 0 10 0;
#X connect 10 0 3 0;
#X connect 3 0 4 0;
#X connect 4 0 2 0;
#X connect 3 0 5 0;
#X connect 5 0 6 0;
#X connect 6 0 2 0;
#X connect 5 0 7 0;
#X connect 7 0 8 0;
#X connect 2 0 9 0;
"""


@pytest.mark.pd
def test_pd_abstraction_loops_panics_and_answers_on_its_own_port(tmp_path: Path) -> None:
    """[sideman] in a user's patch: loop 0..4 at 240 bpm for 3 s, panic, stop. The agent sends to a port
    nobody listens on: the patch gets its notes only through /agent/hello."""
    pd = require_binary("pd", "puredata-core")
    pd_port, nobody = free_udp_port(), free_udp_port()
    patch = tmp_path / "looptest.pd"
    patch.write_text(LOOP_PATCH.replace("$", "\\$").replace(", ", " \\, ").replace("; pd", "\\; pd"))
    with running_agent(nobody) as agent:
        run = subprocess.run(
            [pd, "-nogui", "-noaudio", "-nomidi", "-stderr", "-noprefs", "-path", str(PD_DIR), "-open", str(patch),
             "-send", f"go {agent.port} {pd_port}"],
            capture_output=True, text=True, timeout=30, check=False,
        )
    out = run.stderr + run.stdout
    assert run.returncode == 0 and not PD_ERRORS.findall(out), out
    received, played, _, errors = parse_pd_output(out)
    assert received and played and not errors, out
    assert all(0 <= p.beat < 4 for p in played), out
    # the patch's own beat never passed the loop end (Pd prints 6 digits: 3.999999 shows as 4)
    assert all(0 <= p.now < 4.001 for p in played), [p for p in played if not 0 <= p.now < 4.001]
    log = agent.log()
    assert "playhead jumped" not in log, log  # the agent knows the loop: a wrap is expected, not a jump
    assert "panic" in log and "transport stopped" in log
    assert out.count("sideman: allnotesoff") >= 1  # the panic, answered by the agent (the wraps silence nothing)
    notes_out = [line for line in out.splitlines() if line.startswith("looptest-note:")]
    assert len(notes_out) >= 2 * len(played)  # each played note: on, then off, out of the left outlet


FEEL_BPM = 240
FEEL_LOOP_BEATS = 8  # a 2-bar loop
FEEL_PASSES = 4
FEEL_PATCH = """#N canvas 0 50 600 400 12;
#X obj 20 20 r go;
#X msg 20 50 listen $2, connect 127.0.0.1 $1, verbose 1, tempo {bpm}, timesig 4 4, chord 0 4 C, chord 4 4 G7, \
loop 0 {loop}, locate 0, activity 7, octave bass 9, velocity comp 0.1, activity comp -0.5;
#X obj 20 200 sideman -1 -1;
#X obj 300 50 delay 1000;
#X msg 300 80 play;
#X obj 300 110 delay {play_ms};
#X msg 300 140 stop;
#X obj 420 140 delay 800;
#X msg 420 170 ; pd quit;
#X obj 20 240 print feeltest-note;
#X obj 300 20 t b;
#X connect 0 0 1 0;
#X connect 1 0 2 0;
#X connect 0 0 10 0;
#X connect 10 0 3 0;
#X connect 3 0 4 0;
#X connect 4 0 2 0;
#X connect 3 0 5 0;
#X connect 5 0 6 0;
#X connect 6 0 2 0;
#X connect 5 0 7 0;
#X connect 7 0 8 0;
#X connect 2 0 9 0;
"""


def passes(played: list[Played]) -> list[list[Played]]:
    """The played notes split where their beats go back (a wrap), in the order they sounded."""
    out: list[list[Played]] = [[]]
    for p in played:
        if out[-1] and p.beat < out[-1][-1].beat - 0.5:
            out.append([])
        out[-1].append(p)
    return out


@pytest.mark.pd
def test_pd_plays_from_the_downbeat_and_through_the_loop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """[sideman] stopped at beat 0 with a 2-bar loop: it reports /transport/loop and /playhead while stopped,
    holds the notes the agent sends before play, then plays 4 passes at 240 bpm. The issue's figures: at least
    one agent note in the first beat after play and after every wrap, 0 notes past the loop end, 0 late. The
    out-of-range knobs (activity 7, octave 9, velocity 0.1, activity -0.5) are clamped by the patch, so the
    agent takes them without an error."""
    pd = require_binary("pd", "puredata-core")
    pd_port = free_udp_port()
    play_ms = FEEL_PASSES * FEEL_LOOP_BEATS * 60000 // FEEL_BPM
    text = FEEL_PATCH.format(bpm=FEEL_BPM, loop=FEEL_LOOP_BEATS, play_ms=play_ms)
    patch = tmp_path / "feeltest.pd"
    patch.write_text(text.replace("$", "\\$").replace(", ", " \\, ").replace("; pd", "\\; pd"))
    with running_agent(pd_port) as agent:
        run = subprocess.run(
            [pd, "-nogui", "-noaudio", "-nomidi", "-stderr", "-noprefs", "-path", str(PD_DIR), "-open", str(patch),
             "-send", f"go {agent.port} {pd_port}"],
            capture_output=True, text=True, timeout=40, check=False,
        )
    out = run.stderr + run.stdout
    assert run.returncode == 0 and not PD_ERRORS.findall(out), out
    received, played, _, errors = parse_pd_output(out)
    assert not errors, errors  # every knob was clamped into range before it left the patch
    log = agent.log()
    for setting in ("activity = 1", "bass.octave = 3", "comp.velocity = 0.25", "comp.activity = -1"):
        assert f"set {setting}" in log, log

    held = [r for r in received if r.ok == 2]
    assert held and min(r.beat for r in held) < 1, "nothing for the first beat arrived before play"
    late = [r for r in received if r.ok == 0 and r.beat < FEEL_LOOP_BEATS]
    assert not late, late
    assert all(p.beat < FEEL_LOOP_BEATS for p in played), "a note past the loop end sounded"
    # on its beat, modulo the loop (Pd prints 6 digits: 7.999999 shows as 8)
    off = [p for p in played if min((p.now - p.beat) % FEEL_LOOP_BEATS, (p.beat - p.now) % FEEL_LOOP_BEATS) >= 0.01]
    assert not off, off
    runs = passes(played)
    assert len(runs) >= FEEL_PASSES - 1, [[p.beat for p in r] for r in runs]
    first_beat = [sum(1 for p in r if p.beat < 1) for r in runs[:FEEL_PASSES - 1]]
    assert all(n >= 1 for n in first_beat), f"notes in the first beat of each pass: {first_beat}"
    assert "playhead jumped" not in log, log
    with capsys.disabled():
        print(f"\n[pd feel] {len(held)} notes held before play; notes in the first beat of each pass {first_beat}; "
              f"{len(played)} played, 0 past the loop end, {len(late)} late")
