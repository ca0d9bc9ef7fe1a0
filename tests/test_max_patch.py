"""The Max for Live device, checked as JSON (Max cannot run here), and its chord namer under node.

- the committed sideman.maxpat / sideman.amxd are what patches/max/make_device.py writes;
- every OSC message the device builds has a contract address (agent/wire/osc.py = patches/OSC.md) and its
  arguments come in the contract's order and types (traced back through the wiring to what makes them);
- what comes back is routed by exactly the agent's outbound addresses and unpacked in their types;
- every connection fits its boxes' inlets and outlets, and the documented signal paths exist;
- the ports are config.yaml's defaults;
- sideman-chords.js names every root x quality so that agent.music.chords.parse_symbol reads it back, and
  reads a chord clip through a Live API stand-in that follows the Live Object Model documentation
  (docs.cycling74.com/apiref/lom/clip: get_notes_extended, start_time, end_time, markers, loop);
- the feel controls (activity, per-part octave and velocity) are clamped inside the device to the ranges the
  agent accepts (agent.live.session), so an out-of-range knob never reaches the agent.
"""

from __future__ import annotations

import importlib.util
import json
import struct
import subprocess
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from agent_process import require_binary

from agent.config import load_config
from agent.music.chords import NOTE_NAMES, QUALITIES, parse_symbol
from agent.wire.osc import INBOUND, OUTBOUND

MAX_DIR = Path(__file__).resolve().parents[1] / "patches" / "max"


def load_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_device", MAX_DIR / "make_device.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKER = load_maker()
PATCHER = json.loads((MAX_DIR / "sideman.maxpat").read_text())["patcher"]
BOXES: dict[str, dict[str, Any]] = {b["box"]["id"]: b["box"] for b in PATCHER["boxes"]}
LINES = [(ln["patchline"]["source"], ln["patchline"]["destination"]) for ln in PATCHER["lines"]]
INTO: dict[str, list[tuple[str, int, int]]] = defaultdict(list)  # dst -> [(src, outlet, inlet)]
OUT_OF: dict[str, list[str]] = defaultdict(list)
for (src, outlet), (dst, inlet) in LINES:
    INTO[dst].append((src, outlet, inlet))
    OUT_OF[src].append(dst)


def text(box_id: str) -> str:
    return str(BOXES[box_id].get("text", ""))


def find(prefix: str) -> list[str]:
    """Boxes whose text starts with `prefix`, or Live parameters named `prefix`."""
    return [i for i, b in BOXES.items() if str(b.get("text", "")).startswith(prefix) or b.get("varname") == prefix]


def one(prefix: str) -> str:
    found = find(prefix)
    assert len(found) == 1, f"{prefix!r}: {len(found)} boxes"
    return found[0]


# ---- files ----------------------------------------------------------------------------------------


def test_committed_device_is_generated() -> None:
    built = MAKER.build()
    assert json.loads((MAX_DIR / "sideman.maxpat").read_text()) == built, "run python patches/max/make_device.py"
    assert (MAX_DIR / "sideman.amxd").read_bytes() == MAKER.amxd(built)


def test_amxd_is_a_midi_effect_holding_the_patcher() -> None:
    data = (MAX_DIR / "sideman.amxd").read_bytes()
    assert data[:4] == b"ampf" and data[8:12] == b"mmmm"  # mmmm: MIDI effect (aaaa audio, iiii instrument)
    at = data.index(b"ptch")
    (size,) = struct.unpack("<I", data[at + 4:at + 8])
    body = data[at + 8:]
    assert len(body) == size and body.endswith(b"\x00")
    assert json.loads(body.rstrip(b"\x00")) == {"patcher": PATCHER}


# ---- OSC out ---------------------------------------------------------------------------------------


def value_types(box_id: str, outlet: int) -> str:
    """The OSC types a box sends out of `outlet`, as udpsend will tag them (i, f, s)."""
    box, words = BOXES[box_id], text(box_id).split()
    cls = box["maxclass"]
    if cls in ("live.numbox", "live.dial"):
        return "f" if box["saved_attribute_attributes"]["valueof"]["parameter_type"] == 0 else "i"
    if cls == "live.menu":
        assert outlet == 1, "a menu's item text comes out of its middle outlet"
        return "s"
    name = words[0]
    if name in ("gate", "sel"):  # passes on what comes into its right (gate) or left (sel) inlet
        inlet = 1 if name == "gate" else 0
        (feeder, out, _), = [(f, o, i) for f, o, i in INTO[box_id] if i == inlet]
        return value_types(feeder, out)
    if name == "message" or box["maxclass"] == "message":
        return "s" if words[0] == "symbol" else "?"
    if name == "expr":
        return "f"
    if name == "clip":
        return "f" if any("." in w for w in words[1:]) else "i"
    if name == "pack":
        return "".join("s" if w == "s" else "f" if "." in w else "i" for w in words[1:])
    if name in ("/", "+", "*"):
        return "f" if "." in words[1] else "i"
    if name == "live.observer":
        return "f" if words[1] in ("tempo", "current_song_time") else "i"
    if name == "t":
        if words[1 + outlet] == "b":
            return ""
        return {"i": "i", "f": "f", "s": "s", "l": "?"}[words[1 + outlet]]
    raise AssertionError(f"no type rule for [{text(box_id)}] outlet {outlet}")


def outbound_messages() -> dict[str, list[str]]:
    """address -> the argument types of every way the device sends it."""
    send = one("udpsend")
    found: dict[str, list[str]] = defaultdict(list)
    for src, _, _ in INTO[send]:
        words = text(src).split()
        if BOXES[src]["maxclass"] == "message" and words[0].startswith("/"):
            found[words[0]].append("")  # a fixed message: the address alone
            continue
        if words[0] != "prepend":
            continue  # host/port configuration of [udpsend]
        address, fixed = words[1], "".join("s" for _ in words[2:])
        for feeder, outlet, inlet in INTO[src]:
            assert inlet == 0
            found[address].append(fixed + value_types(feeder, outlet))
    return found


def test_every_message_sent_follows_the_contract() -> None:
    sent = outbound_messages()
    for address, variants in sent.items():
        assert address in INBOUND, f"the device sends {address}, which is not in patches/OSC.md"
        spec, _ = INBOUND[address]
        for types in variants:
            if spec.variadic:
                assert 1 <= len(types) <= 16
            else:
                assert len(types) == len(spec.args), f"{address}: sends {types!r}, contract {spec.signature()}"
            for i, kind in enumerate(types):
                arg = spec.args[min(i, len(spec.args) - 1)]
                assert kind == arg.kind or arg.kind == "ifs", f"{address} {arg.name}: {kind}, contract {arg.kind}"
    needed = {"/transport/play", "/transport/stop", "/transport/tempo", "/transport/timesig", "/transport/loop",
              "/playhead", "/chord", "/chords/clear", "/note/on", "/agent/instruments", "/agent/set", "/agent/panic",
              "/agent/hello", "/agent/subscribe"}
    assert needed <= set(sent), needed - set(sent)
    names = {text(s).split()[2] for s in find("prepend /agent/set")}
    feel = {f"{part}.{knob}" for part in MAKER.PARTS for knob in ("octave", "velocity")}
    assert names == {"parts", "delta1", "delta2", "temperature", "activity", "style"} | feel


def test_feel_controls_are_clamped_to_what_the_agent_accepts() -> None:
    """Each /agent/set activity|<part>.octave|<part>.velocity comes out of a [clip LO HI] inside the agent's
    range, fed by a Live parameter whose own range is inside it too."""
    from agent.settings import PART_SETTINGS, SETTINGS

    for setter in find("prepend /agent/set "):
        name = text(setter).split()[2]
        if name == "activity":
            setting = SETTINGS["activity"]
        elif "." in name:
            setting = PART_SETTINGS[name.split(".")[1]]
        else:
            continue
        assert setting.lo is not None and setting.hi is not None
        lo = setting.lo if setting.off is None else min(setting.lo, setting.off)  # activity: -1 = Auto
        hi = setting.hi
        (clip, _, _), = INTO[setter]
        assert text(clip).startswith("clip "), f"{name}: fed by [{text(clip)}], not a [clip]"
        clip_lo, clip_hi = (float(w) for w in text(clip).split()[1:])
        assert lo <= clip_lo <= clip_hi <= hi, f"{name}: [{text(clip)}] outside [{lo}, {hi}]"
        feeders = [f for f, _, _ in INTO[clip]]
        while feeders and "varname" not in BOXES[feeders[0]]:
            feeders = [f for f, _, _ in INTO[feeders[0]]]
        assert feeders, f"{name}: no Live parameter behind it"
        for param in feeders:
            value_of = BOXES[param]["saved_attribute_attributes"]["valueof"]
            assert lo <= value_of["parameter_mmin"] <= value_of["parameter_mmax"] <= hi, name


# ---- OSC in ----------------------------------------------------------------------------------------


def test_replies_are_routed_and_unpacked_as_the_contract_says() -> None:
    route = one("route /")
    routed = text(route).split()[1:]
    assert set(routed) == set(OUTBOUND)
    assert INTO[route] == [(one("udpreceive"), 0, 0)]
    note_out = [dst for (src, outlet), (dst, _) in LINES if src == route and outlet == routed.index("/note")]
    assert [text(d) for d in note_out] == ["t l l b"]
    unpack = [d for d in OUT_OF[note_out[0]] if text(d).startswith("unpack")]
    kinds = "".join("f" if "." in w else "i" for w in text(unpack[0]).split()[1:])
    assert kinds == "".join(a.kind for a in OUTBOUND["/note"][0].args)  # id beat pitch velocity dur channel


# ---- wiring ----------------------------------------------------------------------------------------


def test_connections_fit_the_boxes() -> None:
    for (src, outlet), (dst, inlet) in LINES:
        assert src in BOXES and dst in BOXES
        assert 0 <= outlet < BOXES[src]["numoutlets"], f"[{text(src)}] has no outlet {outlet}"
        assert 0 <= inlet < BOXES[dst]["numinlets"], f"[{text(dst)}] has no inlet {inlet}"
    for box in BOXES.values():
        if box["maxclass"] == "newobj":
            assert (box["numinlets"], box["numoutlets"]) == MAKER.signature(box["text"])


def path_exists(*prefixes: str) -> bool:
    """A chain of connections visiting boxes whose text starts with each prefix, in order."""
    frontier = set(find(prefixes[0]))
    for prefix in prefixes[1:]:
        targets, seen, stack = set(find(prefix)), set(frontier), list(frontier)
        reached = set()
        while stack:
            for nxt in OUT_OF[stack.pop()]:
                if nxt in targets:
                    reached.add(nxt)
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        if not reached:
            return False
        frontier = reached
    return True


@pytest.mark.parametrize("chain", [
    ("live.thisdevice", "live.path live_set", "live.observer is_playing", "sel 1 0", "/transport/play", "udpsend"),
    ("live.observer tempo", "prepend /transport/tempo", "udpsend"),
    ("live.observer is_playing", "metro 10", "when", "/ 480.", "prepend /playhead", "udpsend"),
    # stopped: where play will start, at load, on relocation and after stop
    ("live.observer current_song_time", "gate 1", "prepend /playhead", "udpsend"),
    ("live.observer is_playing", "expr $i1 == 0", "gate 1"),
    ("live.observer is_playing", "sel 1 0", "deferlow", "live.observer current_song_time"),
    ("live.thisdevice", "deferlow", "live.observer current_song_time"),
    # the loop brace, at every change and before play
    ("live.observer loop_length", "pak 0 0. 0.", "unpack 0 0. 0.", "pack 0 0. 0.", "prepend /transport/loop",
     "udpsend"),
    ("live.observer is_playing", "sel 1 0", "t b b b", "pak 0 0. 0."),
    ("midiin", "midiparse", "gate 2", "prepend /note/on", "udpsend"),
    ("midiin", "midiparse", "gate 2", "js sideman-chords.js", "route held", "pack 0. 16. s", "prepend /chord",
     "udpsend"),
    # the chord clip through the Live API: at load, on change, before play
    ("live.thisdevice", "Chord track", "pak 0 0 s", "prepend readclip", "js sideman-chords.js", "route held",
     "pack 0. 0. s", "prepend /chord", "udpsend"),
    ("js sideman-chords.js", "route held", "/chords/clear", "udpsend"),
    ("live.observer is_playing", "sel 1 0", "t b b b", "pak 0 0 s"),
    ("midiin", "midiout"),  # MIDI passes through
    ("udpreceive", "route /note", "unpack 0 0. 0 0 0. 0", "expr $f1 - $f2", "expr $f1 * 60000.", "gate 1", "pipe",
     "coll", "makenote", "midiformat", "midiout"),
    ("live.observer tempo", "expr $f1 * 60000."),  # the wait in ms follows Live's tempo
    ("live.observer loop_start", "expr $f1 - $f2"),  # a note for the next pass waits across the wrap
    ("live.observer loop_start", "pak 0 0. 0.", "unpack 0 0. 0.", "expr $f1 + $f2", "expr $f1 >= -50."),
    ("live.observer loop", "expr $f1 >= -50."),
    # stopped: notes at or after the beat now are held, and judged again at play
    ("route /note", "t l l b", "gate 1", "prepend store", "coll ---sideman-held", "join 2", "t l l b"),
    ("live.observer is_playing", "expr $f1 > -1.", "gate 1"),
    ("live.observer is_playing", "sel 1 0", "t b b b", "t b b", "dump", "coll ---sideman-held"),
    ("route /note", "t i i", "prepend remove", "coll ---sideman-held"),
    ("route /note", "t b b b b", "clear", "coll ---sideman-held"),
    # the feel controls and the part chooser
    ("Activity", "pak 0 0.", "expr ($i1", "clip -1. 1.", "prepend /agent/set activity", "udpsend"),
    ("Auto", "pak 0 0.", "expr ($i1"),
    ("Bass octave", "clip -3 3", "prepend /agent/set bass.octave", "udpsend"),
    ("Comp velocity", "clip 0.25 2.", "prepend /agent/set comp.velocity", "udpsend"),
    ("Part", "sel all", "t b s", "pack 0 s", "prepend /agent/subscribe", "udpsend"),
    ("Listen port", "pack 0 s", "prepend /agent/subscribe"),
    ("route /note", "t i i", "pack 0 1", "prepend store", "coll ---sideman-cancelled"),
    ("route /note", "t b b b b", "clear", "pipe"),
    ("route /note", "t b b b b", "stop", "makenote"),
    ("route /note", "t b b", "delay 3000", "0"),
])
def test_documented_paths_exist(chain: tuple[str, ...]) -> None:
    assert path_exists(*chain), " -> ".join(chain)


def test_ports_are_the_config_defaults() -> None:
    net = load_config().net
    assert text(one("udpsend")).split()[1:] == [net.send_host, str(net.listen_port)]
    assert text(one("udpreceive")).split()[1:] == [str(net.send_port)]
    params = {b["varname"]: b["saved_attribute_attributes"]["valueof"] for b in BOXES.values() if "varname" in b}
    assert params["Agent port"]["parameter_initial"] == [net.listen_port]
    assert params["Listen port"]["parameter_initial"] == [net.send_port]


def test_the_knobs_start_where_the_agent_does() -> None:
    """The device sends every control once at load, so each starts at the agent's own default: a
    Delta2 of 1 beat would have pinned the chunk (0 = chosen per tempo, issue 10's reaction time) and an
    Auto switch on would have overridden the default activity."""
    from agent.settings import SETTINGS

    params = {b["varname"]: b["saved_attribute_attributes"]["valueof"] for b in BOXES.values() if "varname" in b}
    for name, key in (("Delta1", "delta1"), ("Delta2", "delta2"), ("Temperature", "temperature")):
        assert params[name]["parameter_initial"] == [SETTINGS[key].default], name
        assert params[name]["parameter_mmin"] <= SETTINGS[key].default <= params[name]["parameter_mmax"], name
    default = SETTINGS["activity"].default
    assert params["Auto"]["parameter_initial"] == [int(default < 0)]
    if default >= 0:
        assert params["Activity"]["parameter_initial"] == [default]
    style = params["Style"]
    assert style["parameter_enum"][style["parameter_initial"][0]] == SETTINGS["style"].default


# ---- the chord namer under node ---------------------------------------------------------------------


def run_js(script: str) -> Any:
    node = require_binary("node", "nodejs")
    harness = ("var sent = []; global.outlet = function (n) {\n"
               "  var args = Array.prototype.slice.call(arguments, 1);\n"
               "  sent.push(args.length === 1 ? args[0] : args); };\n"
               f"{LIVE_API_STAND_IN}\n"
               f"var c = require({json.dumps(str(MAX_DIR / 'sideman-chords.js'))});\n{script}")
    out = subprocess.run([node, "-e", harness], capture_output=True, text=True, timeout=20, check=True)
    return json.loads(out.stdout)


def test_chord_names_read_back_as_the_same_chords() -> None:
    cases = [(root, quality) for root in range(12) for quality in QUALITIES]
    script = "var out = [];\n"
    for root, quality in cases:
        pcs = [root + i for i in QUALITIES[quality]]
        script += f"out.push(c.chordName({json.dumps(pcs)}, {root}));\n"
    script += "out.push(c.chordName([4, 7, 12], 4));\n"  # C over E
    script += "console.log(JSON.stringify(out));"
    names = run_js(script)
    for (root, quality), name in zip(cases, names, strict=False):
        chord = parse_symbol(name)
        assert chord is not None, name
        expected = frozenset((root + i) % 12 for i in QUALITIES[quality])
        assert chord.pitch_classes == expected, f"{NOTE_NAMES[root]} {quality}: named {name}"
    slash = parse_symbol(names[-1])
    assert names[-1] == "C/E" and slash is not None and slash.bass == 4


def test_held_notes_name_each_new_chord_once() -> None:
    script = ("c.list(48, 100); c.list(52, 100); c.list(55, 100);"  # C E G -> C
              "c.list(58, 100);"  # + Bb -> C7
              "c.list(48, 0); c.list(52, 0); c.list(55, 0); c.list(58, 0);"  # release: nothing
              "c.list(57, 90); c.list(60, 90); c.list(64, 90);"  # A C E -> Am
              "console.log(JSON.stringify(sent));")
    assert run_js(script) == [["held", "C"], ["held", "C7"], ["held", "Am"]]


# A Live API stand-in after the Live Object Model documentation (docs.cycling74.com/apiref/lom/clip and
# /song): `new LiveAPI(path)`, `.id` ("0" when nothing is there), `.get(name)` -> [value],
# `.call("get_notes_extended", from_pitch, pitch_span, from_time, time_span)` -> a JSON dictionary
# {"notes": [{note_id, pitch, start_time, duration, velocity, mute, ...}]} of the notes starting in the range.
# The deprecated get_notes / set_notes throw, so the device cannot use them.
LIVE_API_STAND_IN = """
var CLIPS = {}, CALLS = [];
function LiveAPI(path) {
  var clip = CLIPS[path];
  this.id = clip ? "7" : "0";
  this.get = function (name) { return [clip[name]]; };
  this.call = function (name, fromPitch, pitchSpan, fromTime, timeSpan) {
    CALLS.push([name, fromPitch, pitchSpan, fromTime, timeSpan]);
    if (name !== "get_notes_extended") { throw new Error(name + " is deprecated or unknown"); }
    var notes = clip.notes.filter(function (n) {
      return n.pitch >= fromPitch && n.pitch < fromPitch + pitchSpan && n.start_time >= fromTime
             && n.start_time < fromTime + timeSpan; });
    return JSON.stringify({notes: notes});
  };
}
global.LiveAPI = LiveAPI;
function block(pitches, start, dur) {
  return pitches.map(function (p, i) {
    return {note_id: start * 10 + i, pitch: p, start_time: start, duration: dur, velocity: 100, mute: 0,
            probability: 1, velocity_deviation: 0, release_velocity: 64}; });
}
"""

PROGRESSION = ("block([48, 52, 55], 0, 4).concat(block([45, 48, 52], 4, 4), block([41, 45, 48], 8, 2), "
               "block([43, 47, 50, 53], 10, 2), [{note_id: 99, pitch: 61, start_time: 2, duration: 1, velocity: 90, "
               "mute: 1}])")


def test_chord_clip_in_the_arrangement_is_read_where_it_sits() -> None:
    """An Arrangement clip at beat 16 (start_marker 0, a 12-beat loop, end_time 40): C Am F G7 from beat 16,
    the loop repeated up to beat 40; the muted note is ignored; get_notes_extended over the whole clip."""
    script = (f"CLIPS['live_set tracks 2 arrangement_clips 0'] = {{notes: {PROGRESSION}, is_midi_clip: 1, "
              "looping: 1, start_marker: 0, end_marker: 12, loop_start: 0, loop_end: 12, start_time: 16, "
              "end_time: 40};\n"
              "c.readclip(3, 1, 'arrangement');\nconsole.log(JSON.stringify({sent: sent, calls: CALLS}));")
    out = run_js(script)
    assert out["calls"] == [["get_notes_extended", 0, 128, 0, 12]]
    assert out["sent"] == ["clear",
                           ["chord", 16, 4, "C"], ["chord", 20, 4, "Am"], ["chord", 24, 2, "F"], ["chord", 26, 2, "G7"],
                           ["chord", 28, 4, "C"], ["chord", 32, 4, "Am"], ["chord", 36, 2, "F"], ["chord", 38, 2, "G7"]]
    for _, _, _, name in out["sent"][1:]:
        assert parse_symbol(name) is not None


def test_chord_clip_in_a_session_slot_starts_at_beat_zero() -> None:
    """A Session clip has no place in the song: its progression from beat 0, one pass (start_marker 4: from
    Am); a held chord that names nothing (two notes) keeps the previous chord."""
    script = (f"CLIPS['live_set tracks 0 clip_slots 1 clip'] = {{notes: {PROGRESSION}.concat(block([30, 31], 6, 1)), "
              "is_midi_clip: 1, looping: 0, start_marker: 4, end_marker: 12, loop_start: 0, loop_end: 12, "
              "start_time: 0, end_time: 0};\n"
              "c.readclip(1, 2, 'session');\nconsole.log(JSON.stringify(sent));")
    assert run_js(script) == ["clear", ["chord", 0, 4, "Am"], ["chord", 4, 2, "F"], ["chord", 6, 2, "G7"]]


def test_a_missing_chord_clip_is_reported_and_nothing_is_sent() -> None:
    script = "c.readclip(5, 1, 'arrangement');\nconsole.log(JSON.stringify({sent: sent, calls: CALLS}));"
    assert run_js(script) == {"sent": [["missing", "live_set tracks 4 arrangement_clips 0"]], "calls": []}
