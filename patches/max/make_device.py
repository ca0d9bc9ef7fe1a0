"""Writes the Sideman Max for Live MIDI effect: sideman.maxpat (the source) and sideman.amxd (the device).

Max cannot run on Linux, so the device is generated from this description and checked as JSON by
tests/test_max_patch.py (OSC addresses and argument types against agent/wire/osc.py, wiring, ports against
config.yaml). Run `python patches/max/make_device.py` after editing; the test fails on stale files.

What the device does (patches/README.md has the user's view):

    Live's transport   [live.observer is_playing / tempo / signature_* / loop*] -> /transport/play|stop, /tempo,
                       /timesig, /transport/loop (at load, on change, before play)
    position           [metro 10] while playing -> [when] -> ticks / 480 = beats -> /playhead; stopped:
                       current_song_time -> /playhead (load, relocation, stop: where play will start)
    chord clip         [js sideman-chords.js] readclip TRACK CLIP SOURCE (Live API, get_notes_extended) ->
                       /chords/clear + /chord beat dur SYMBOL per chord (load, control change, before play)
    MIDI in            [midiin] -> [midiparse]: chord channel -> [js] names held notes -> /chord beat-now 16 SYMBOL
                                                other channels  -> /note/on beat pitch velocity
                       and every MIDI message passes through to the device's output
    notes from agent   [udpreceive] -> [route /note ...] -> beats ahead (across a loop wrap) * 60000 / bpm ms
                       (dropped if later than 50 ms or at/after the end of Live's active loop; stopped: held
                       in a [coll] until play) -> [pipe] -> cancelled? ([coll]) -> [makenote] -> [midiformat]
                       on the note's channel -> [midiout]
    controls           ports, instruments (2 GM programs), parts, delta1, delta2, temperature, chord channel,
                       chord track / clip / source, activity + auto, octave and velocity per part (clamped),
                       part (/agent/subscribe); a status light (a status in the last 3 s) and the last error
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# run as a script: maxfile sits beside this file, layout and defaults one folder up, and defaults reads
# the agent's config from the repository root
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parents[1])]

from defaults import AGENT_PORT, LATE_MS, LISTEN_PORT, PLAYHEAD_INTERVAL_MS, TICKS_PER_BEAT
from layout import Grid, Row
from maxfile import Patcher, amxd, signature

from agent.settings import SETTINGS

__all__ = ["amxd", "build", "signature"]
PARTS_MENU = ["comp,bass", "comp", "bass", "lead", "counter", "lead,bass", "comp,bass,lead", "none"]
PART_MENU = ["all", "comp", "bass", "lead", "counter"]  # the Part chooser: this device's own part


def transport(p: Patcher, send: str) -> dict[str, str]:
    """Live's state, tempo, loop brace and position (Live Object Model, Song: docs.cycling74.com/apiref/lom/song).

    Playing: /playhead from [when] every 10 ms. Stopped: /playhead current_song_time (play will start here)
    at load, on every relocation and after stop. Play sends /transport/loop first, then /transport/play.
    """
    load = p.obj(20, 20, "live.thisdevice")
    path = p.obj(20, 60, "live.path live_set")
    p.connect(load, path)
    ids: dict[str, str] = {}
    props = ("is_playing", "tempo", "signature_numerator", "signature_denominator", "loop", "loop_start",
             "loop_length", "current_song_time")
    row = Row(p, 20, 100, gap_px=30)
    for prop in props:
        obs = row.obj(f"live.observer {prop}")
        p.connect(path, obs, 0, 1)
        ids[prop] = obs
    # play: the loop brace, then /transport/play (then the held notes: receive()); stop: /transport/stop
    g = Grid(p, 20, 140, col_px=110)
    sel = g.obj(0, 0, "sel 1 0")
    p.connect(ids["is_playing"], sel)
    ids["on_play"] = tplay = g.obj(0, 1, "t b b b")
    p.connect(sel, tplay, 0)
    play = g.msg(0, 2, "/transport/play")
    stop = g.msg(1, 2, "/transport/stop")
    p.connect(tplay, play, 1)
    p.connect(sel, stop, 1)
    p.connect(play, send)
    p.connect(stop, send)
    # tempo (float bpm)
    tempo = g.obj(2, 0, "prepend /transport/tempo")
    p.connect(ids["tempo"], tempo)
    p.connect(tempo, send)
    # time signature: numerator is cold, the denominator sends both
    num = g.obj(4, 0, "i")
    p.connect(ids["signature_numerator"], num, 0, 1)
    tden = g.obj(5, 0, "t b i")
    p.connect(ids["signature_denominator"], tden)
    pk = g.obj(4, 1, "pack 0 0")
    p.connect(tden, pk, 1, 1)
    p.connect(tden, num, 0)
    p.connect(num, pk, 0, 0)
    sig = g.obj(4, 2, "prepend /transport/timesig")
    p.chain(pk, sig, send)
    loop_brace(p, Grid(p, 800, 140, col_px=110), ids, send)
    playhead(p, Grid(p, 20, 260, col_px=110), ids, send, load, sel)
    ids["load"] = load
    ids["play_stop"] = sel
    return ids


def loop_brace(p: Patcher, g: Grid[str], ids: dict[str, str], send: str) -> None:
    """/transport/loop ON START END from the Song's loop, loop_start and loop_length (beats): at load (the
    observers report once), on every change, and before play. On needs a brace of at least 1 beat."""
    pak = g.obj(0, 0, "pak 0 0. 0.")
    p.connect(ids["loop"], pak, 0, 0)
    p.connect(ids["loop_start"], pak, 0, 1)
    p.connect(ids["loop_length"], pak, 0, 2)
    p.connect(ids["on_play"], pak, 2, 0)  # a bang re-sends it, before /transport/play
    unp = g.obj(0, 1, "unpack 0 0. 0.")
    p.connect(pak, unp)
    on = g.obj(0, 2.5, "expr ($i1 != 0) * ($f2 >= 1.)")
    end = g.obj(2, 2, "expr $f1 + $f2")
    p.connect(unp, on, 0, 0)
    p.connect(unp, on, 2, 1)
    p.connect(unp, end, 2, 1)
    p.connect(unp, end, 1, 0)
    pk = g.obj(0, 3.5, "pack 0 0. 0.")
    p.connect(end, pk, 0, 2)
    p.connect(unp, pk, 1, 1)
    p.connect(on, pk, 0, 0)
    msg = g.obj(0, 4.5, "prepend /transport/loop")
    p.chain(pk, msg, send)
    ids["loop_end"] = end


def playhead(p: Patcher, g: Grid[str], ids: dict[str, str], send: str, load: str, play_stop: str) -> None:
    """/playhead: [when] every 10 ms while playing; current_song_time while stopped (at load, after a
    relocation, after stop), which tells the agent where play will start."""
    metro = g.obj(0, 0, f"metro {PLAYHEAD_INTERVAL_MS}")
    p.connect(ids["is_playing"], metro)
    when = g.obj(0, 1, "when")
    p.connect(metro, when)
    beats = g.obj(0, 2, f"/ {TICKS_PER_BEAT}.")
    p.connect(when, beats, 1)
    head = g.obj(0, 4, "prepend /playhead")
    p.chain(beats, head, send)
    stopped = g.obj(2, 0, "expr $i1 == 0")
    p.connect(ids["is_playing"], stopped)
    gate = g.obj(1, 3, "gate 1")
    p.connect(stopped, gate, 0, 0)
    p.connect(ids["current_song_time"], gate, 0, 1)
    p.connect(gate, head)
    ask = g.obj(2, 1, "deferlow")  # after stop / at load: ask for the position once the gate is open
    p.connect(play_stop, ask, 1)
    p.connect(load, ask)
    p.connect(ask, ids["current_song_time"])


def midi_in(p: Patcher, send: str, chord_channel: str) -> tuple[str, str]:
    """MIDI in: passes through; the chord channel is named live (/chord at the beat now), the rest /note/on.

    Returns ([midiout], [js sideman-chords.js]), which also reads the chord clip (chord_clip())."""
    midiin = p.obj(800, 20, "midiin")
    thru = p.obj(800, 60, "t i i")
    p.connect(midiin, thru)
    midiout = p.obj(800, 820, "midiout")
    p.connect(thru, midiout, 1)  # pass everything through, so the human still hears their instrument
    parse = p.obj(800, 100, "midiparse")
    p.connect(thru, parse, 0)
    # channel (outlet 6) comes before the note list (outlet 0): pick the path, then the note goes through
    is_chord = p.obj(950, 140, "expr ($i1 == $i2) + 1")
    p.connect(parse, is_chord, 6)
    p.connect(chord_channel, is_chord, 0, 1)
    gate = p.obj(800, 180, "gate 2")
    p.connect(is_chord, gate, 0, 0)
    p.connect(parse, gate, 0, 1)
    # human: /note/on beat pitch velocity (velocity 0 = off)
    thuman = p.obj(800, 220, "t b l")
    p.connect(gate, thuman, 0)
    unp = p.obj(880, 260, "unpack 0 0")
    p.connect(thuman, unp, 1)
    when = p.obj(800, 260, "when")
    p.connect(thuman, when, 0)
    beats = p.obj(800, 300, f"/ {TICKS_PER_BEAT}.")
    p.connect(when, beats, 1)
    pk = p.obj(800, 340, "pack 0. 0 0")
    p.connect(unp, pk, 1, 2)
    p.connect(unp, pk, 0, 1)
    p.connect(beats, pk, 0, 0)
    on = p.obj(800, 380, "prepend /note/on")
    p.chain(pk, on, send)
    # chords played live on the chord channel: named by js, sent at the beat now for 16 beats (until the next)
    js = p.obj(1050, 220, "js sideman-chords.js")
    p.connect(gate, js, 1)
    routejs = p.obj(1050, 250, "route held chord clear missing")
    p.connect(js, routejs)
    tchord = p.obj(1050, 280, "t s b")
    p.connect(routejs, tchord, 0)
    when2 = p.obj(1150, 310, "when")
    p.connect(tchord, when2, 1)
    beats2 = p.obj(1150, 340, f"/ {TICKS_PER_BEAT}.")
    p.connect(when2, beats2, 1)
    pkc = p.obj(1050, 420, "pack 0. 16. s")
    p.connect(beats2, pkc, 0, 0)
    p.connect(tchord, pkc, 0, 2)
    chord = p.obj(1050, 460, "prepend /chord")
    p.chain(pkc, chord, send)
    # the chord clip read through the Live API: /chords/clear, then /chord BEAT DUR NAME per chord
    pkclip = p.obj(1250, 280, "pack 0. 0. s")
    p.connect(routejs, pkclip, 1)
    p.connect(pkclip, chord)
    clear = p.msg(1250, 250, "/chords/clear")
    p.connect(routejs, clear, 2)
    p.connect(clear, send)
    missing = p.obj(1400, 250, "prepend chord clip not found:")
    p.connect(routejs, missing, 3)
    return midiout, js


# Beats until a note ($f1 beat, $f2 ticks now, $i3 loop on, $f4 loop start, $f5 loop end): a note inside an
# active loop more than half a loop behind the beat now is for the next pass (the agent plans across the
# wrap), so it waits across the wrap.
AHEAD = (f"$f1 - $f2 / {TICKS_PER_BEAT}. + ($i3 != 0 && $f1 >= $f4 && $f1 < $f5 && "
         f"$f1 - $f2 / {TICKS_PER_BEAT}. < ($f4 - $f5) / 2.) * ($f5 - $f4)")


def receive(p: Patcher, receiver: str, live: dict[str, str], midiout: str) -> dict[str, str]:
    """Notes from the agent: wait until their beat on Live's transport, play them on their channel.

    Stopped, a note at or after the beat now is held ([coll ---sideman-held]) until play, then judged again."""
    route = p.obj(20, 460, "route /note /note/cancel /agent/allnotesoff /agent/status /agent/error")
    p.connect(receiver, route)
    # /note id beat pitch velocity dur_beats channel
    tnote = p.obj(20, 500, "t l l b")
    p.connect(route, tnote, 0)
    when = p.obj(160, 540, "when")
    p.connect(tnote, when, 2)
    unp = p.obj(20, 540, "unpack 0 0. 0 0 0. 0")
    p.connect(tnote, unp, 0)
    ahead = p.obj(20, 580, f"expr {AHEAD}")
    p.connect(when, ahead, 1, 1)
    p.connect(live["loop"], ahead, 0, 2)
    p.connect(live["loop_start"], ahead, 0, 3)
    p.connect(live["loop_end"], ahead, 0, 4)
    tbeat = p.obj(20, 560, "t f f")
    p.connect(unp, tbeat, 1)
    p.connect(tbeat, ahead, 0, 0)
    delay = p.obj(20, 600, "expr $f1 * 60000. / $f2")  # beats -> ms at this tempo
    p.connect(ahead, delay)
    p.connect(live["tempo"], delay, 0, 1)
    tdelay = p.obj(20, 620, "t f f")
    p.connect(delay, tdelay)
    # ok: not too late, playing, and not at or after the end of an active loop (that beat never comes)
    ok = p.obj(160, 660, f"expr $f1 >= -{LATE_MS}. && $i2 != 0 && ($i3 == 0 || $f4 < $f5)")
    p.connect(tdelay, ok, 0)
    p.connect(live["is_playing"], ok, 0, 1)
    p.connect(live["loop"], ok, 0, 2)
    p.connect(tbeat, ok, 1, 3)
    p.connect(live["loop_end"], ok, 0, 4)
    hold = p.obj(600, 660, "expr $f1 > -1. && $i2 == 0 && ($i3 == 0 || $f4 < $f5)")
    p.connect(tdelay, hold, 0)
    p.connect(live["is_playing"], hold, 0, 1)
    p.connect(live["loop"], hold, 0, 2)
    p.connect(tbeat, hold, 1, 3)
    p.connect(live["loop_end"], hold, 0, 4)
    held = hold_notes(p, Grid(p, 600, 700, col_px=120), tnote, hold, live["on_play"])
    gate = p.obj(20, 740, "gate 1")
    p.connect(ok, gate, 0, 0)
    wait = p.obj(60, 660, "maximum 0.")
    p.connect(tdelay, wait, 1)
    dur = p.obj(300, 580, "expr $f1 * 60000. / $f2")
    p.connect(unp, dur, 4, 0)
    p.connect(live["tempo"], dur, 0, 1)
    pk = p.obj(20, 700, "pack 0 0 0 0. 0 0.")  # id pitch velocity dur_ms channel wait_ms
    p.connect(unp, pk, 5, 4)
    p.connect(dur, pk, 0, 3)
    p.connect(unp, pk, 3, 2)
    p.connect(unp, pk, 2, 1)
    p.connect(wait, pk, 0, 5)
    p.connect(unp, pk, 0, 0)
    p.connect(pk, gate, 0, 1)
    pipe = p.obj(20, 780, "pipe 0 0 0 0. 0 0")
    p.connect(gate, pipe, 0)
    pk2 = p.obj(20, 820, "pack 0 0 0 0. 0")
    for i in range(5):
        p.connect(pipe, pk2, i, i)
    cancelled = cancel_check(p, pk2)
    mk = play_note(p, cancelled["gate"], midiout)
    # /note/cancel id: remember it until its time comes, and forget it if it is held
    store = p.obj(300, 820, "prepend store")
    tcan = p.obj(300, 780, "t i i")
    p.connect(route, tcan, 1)
    pcan = p.obj(400, 780, "pack 0 1")
    p.connect(tcan, pcan, 0)
    p.chain(pcan, store, cancelled["coll"])
    unheld = p.obj(400, 740, "prepend remove")
    p.connect(tcan, unheld, 1)
    p.connect(unheld, held)
    # /agent/allnotesoff (and stop): drop what waits and what is held, end what sounds, CC 123 on every channel
    silence = p.obj(500, 500, "t b b b b")
    p.connect(route, silence, 2)
    clear = p.msg(700, 540, "clear")
    p.connect(silence, clear, 3)
    p.connect(clear, pipe)
    p.connect(clear, cancelled["coll"])
    p.connect(clear, held)
    stopmk = p.msg(640, 580, "stop")
    p.connect(silence, stopmk, 2)
    p.connect(stopmk, mk)
    cc = p.msg(500, 620, " ".join(f"{b}" for ch in range(16) for b in (176 + ch, 123, 0)))
    p.connect(silence, cc, 0)
    p.connect(cc, midiout)
    return {"route": route, "silence": silence, "makenote": mk}


def hold_notes(p: Patcher, g: Grid[str], tnote: str, hold: str, on_play: str) -> str:
    """Notes received while stopped wait in [coll ---sideman-held] (by id); at play they go back through the
    judge ([t l l b]) in id order, now playing, and the coll is emptied. Returns the coll."""
    gate = g.obj(0, 0, "gate 1")
    p.connect(hold, gate, 0, 0)
    p.connect(tnote, gate, 1, 1)
    store = g.obj(0, 1, "prepend store")  # index = the id, data = beat pitch velocity dur_beats channel
    p.connect(gate, store)
    held = g.obj(0, 2, "coll ---sideman-held")
    p.connect(store, held)
    tdump = g.obj(1.5, 0, "t b b")
    p.connect(on_play, tdump, 0)
    dump = g.msg(2.5, 1, "dump")
    clear = g.msg(1.5, 1, "clear")
    p.connect(tdump, dump, 1)
    p.connect(tdump, clear, 0)
    p.connect(dump, held)
    p.connect(clear, held)
    join = g.obj(0, 3, "join 2 @triggers 1")  # the id (outlet 1) comes first, then the data
    p.connect(held, join, 1, 0)
    p.connect(held, join, 0, 1)
    p.connect(join, tnote)
    return held


def cancel_check(p: Patcher, pk2: str) -> dict[str, str]:
    """A due note: open, then close if [coll ---sideman-cancelled] knows its id (and forget it)."""
    tdue = p.obj(20, 860, "t l i b")
    p.connect(pk2, tdue)
    cancelled = p.obj(300, 900, "coll ---sideman-cancelled")
    openg = p.msg(380, 860, "1")
    gate2 = p.obj(20, 940, "gate 1")
    p.connect(tdue, openg, 2)
    p.connect(openg, gate2, 0, 0)
    tid = p.obj(300, 860, "t i i")  # look the id up (right, first), then forget it (left)
    p.connect(tdue, tid, 1)
    p.connect(tid, cancelled, 1)
    forget = p.obj(420, 900, "prepend remove")
    p.connect(tid, forget, 0)
    p.connect(forget, cancelled)
    tfound = p.obj(300, 940, "t b")
    p.connect(cancelled, tfound, 0)
    close = p.msg(300, 980, "0")
    p.chain(tfound, close)
    p.connect(close, gate2, 0, 0)
    p.connect(tdue, gate2, 0, 1)
    return {"gate": gate2, "coll": cancelled}


def play_note(p: Patcher, gate2: str, midiout: str) -> str:
    """Play: key = pitch + 128 * (channel - 1), so one [makenote] keeps channels apart; returns [makenote]."""
    unp2 = p.obj(20, 980, "unpack 0 0 0 0. 0")
    p.connect(gate2, unp2)
    key = p.obj(20, 1020, "expr $i1 + 128 * ($i2 - 1)")
    p.connect(unp2, key, 4, 1)
    mk = p.obj(20, 1060, "makenote 100 250")
    p.connect(unp2, mk, 3, 2)
    p.connect(unp2, mk, 2, 1)
    p.connect(unp2, key, 1, 0)
    p.connect(key, mk)
    tkey = p.obj(20, 1100, "t i i")
    p.connect(mk, tkey, 0)
    ch = p.obj(120, 1140, "expr $i1 / 128 + 1")
    pitch = p.obj(20, 1140, "% 128")
    p.connect(tkey, ch, 1)
    p.connect(tkey, pitch, 0)
    pkn = p.obj(20, 1180, "pack 0 0")
    p.connect(mk, pkn, 1, 1)
    p.connect(pitch, pkn, 0, 0)
    fmt = p.obj(20, 1220, "midiformat")
    p.connect(ch, fmt, 0, 6)
    p.connect(pkn, fmt, 0, 0)
    p.connect(fmt, midiout)
    return mk


def status(p: Patcher, route: str) -> tuple[str, str]:
    """The status light: on with each /agent/status, off 3 s after the last; the last /agent/error shown."""
    tstat = p.obj(500, 700, "t b b")
    p.connect(route, tstat, 3)
    on = p.msg(500, 740, "1")
    dl = p.obj(560, 740, "delay 3000")
    off = p.msg(560, 780, "0")
    light = p.ui("led", 500, 820, [12, 92, 18, 18], 1, oncolor=[0.2, 0.9, 0.3, 1.0])
    p.connect(tstat, on, 1)
    p.connect(tstat, dl, 0)
    p.chain(dl, off, light)
    p.connect(on, light)
    err = p.obj(700, 700, "prepend set")
    p.connect(route, err, 4)
    shown = p.ui("message", 700, 740, [36, 92, 250, 20], 1, text="")
    p.connect(err, shown)
    perr = p.obj(700, 780, "print sideman")
    p.connect(route, perr, 4)
    return light, shown


def controls(p: Patcher, send: str, receiver: str, load: str) -> dict[str, str]:
    """Ports, instruments, parts, delta1, delta2, temperature, the chord clip, the feel controls, the part."""
    ids: dict[str, str] = {}
    p.comment(1200, 500, "Sideman", 80, present=[4, 2, 80, 18])
    agent_port = p.parameter("live.numbox", 1200, 540, [4, 22, 56, 15], "Agent port", 1, 1, 65535, AGENT_PORT)
    listen_port = p.parameter("live.numbox", 1270, 540, [64, 22, 56, 15], "Listen port", 1, 1, 65535,
                              LISTEN_PORT)
    host = p.msg(1200, 580, "host 127.0.0.1, port $1")
    p.connect(agent_port, host)
    p.connect(host, send)
    port = p.msg(1270, 580, "port $1")
    p.connect(listen_port, port)
    p.connect(port, receiver)
    # /agent/hello LISTEN_PORT, so the agent also answers on a port other than its --send one
    hello = p.obj(1270, 620, "prepend /agent/hello")
    p.connect(listen_port, hello)
    p.connect(hello, send)
    ids["agent_port"], ids["listen_port"] = agent_port, listen_port
    inst1 = p.parameter("live.numbox", 1200, 660, [4, 42, 40, 15], "Program A", 1, 0, 128, 0)
    inst2 = p.parameter("live.numbox", 1250, 660, [48, 42, 40, 15], "Program B", 1, 0, 128, 33)
    pk = p.obj(1200, 700, "pack 0 0")
    tb = p.obj(1250, 700, "t b i")
    p.connect(inst2, tb)
    p.connect(tb, pk, 1, 1)
    p.connect(tb, pk, 0, 0)  # a bang re-sends with the stored first program
    p.connect(inst1, pk, 0, 0)
    instruments = p.obj(1200, 740, "prepend /agent/instruments")
    p.chain(pk, instruments, send)
    parts = p.parameter("live.menu", 1400, 660, [92, 42, 90, 15], "Parts", 2, 0, len(PARTS_MENU) - 1, 0,
                        items=PARTS_MENU)
    parts_set = p.obj(1400, 700, "prepend /agent/set parts")
    p.connect(parts, parts_set, 1)  # the menu's middle outlet gives the item's text
    p.connect(parts_set, send)
    ids["program_a"], ids["program_b"], ids["parts"] = inst1, inst2, parts
    # range and initial value from the agent's own settings, so loading the device (which sends every
    # control once) leaves the agent as its config has it: Delta2 0 = the chunk chosen per tempo
    for i, (name, key, lo) in enumerate((("Delta1", "delta1", 0.0), ("Delta2", "delta2", 0.0),
                                         ("Temperature", "temperature", 0.05))):
        setting = SETTINGS[key]
        assert setting.hi is not None
        dial = p.parameter("live.dial", 1200 + 90 * i, 800, [190 + 44 * i, 2, 40, 48], name, 0, lo, setting.hi,
                           setting.default)
        setter = p.obj(1200 + 90 * i, 860, f"prepend /agent/set {key}")
        p.connect(dial, setter)
        p.connect(setter, send)
        ids[key] = dial
    chord_channel = p.parameter("live.numbox", 1200, 900, [4, 62, 40, 15], "Chord channel", 1, 1, 16, 16)
    ids["chord_channel"] = chord_channel
    p.comment(1200, 940, "ports | programs A B, parts | chord channel, chord track, clip, source | delta1 delta2 "
              "temp", 400, present=[4, 112, 300, 18])
    ids.update(chord_clip_controls(p, Grid(p, 1200, 980, col_px=90)))
    ids.update(feel_controls(p, Grid(p, 1600, 500, col_px=90), send))
    ids["part"] = part_chooser(p, Grid(p, 1600, 900, col_px=110), send, listen_port)
    # on load: send every control's value once (live.* objects output their value on bang)
    for key in ("agent_port", "listen_port", "program_a", "program_b", "parts", "delta1", "delta2", "temperature",
                "chord_channel", "chord_track", "chord_clip", "chord_source", "activity", "auto", "style", "part",
                *(f"{part}.{knob}" for part in PARTS for knob in ("octave", "velocity"))):
        p.connect(load, ids[key])
    return ids


def chord_clip_controls(p: Patcher, g: Grid[str]) -> dict[str, str]:
    """Chord track, Chord clip (count from 1) and Chord source (arrangement or session) -> `readclip TRACK
    CLIP SOURCE` to the chord js (connected in build()), on every change and, through [pak], at load and play."""
    track = p.parameter("live.numbox", *g.xy(0, 0), [48, 62, 30, 15], "Chord track", 1, 1, 128, 1)
    clip = p.parameter("live.numbox", *g.xy(1, 0), [82, 62, 30, 15], "Chord clip", 1, 1, 256, 1)
    source = p.parameter("live.menu", *g.xy(2, 0), [116, 62, 70, 15], "Chord source", 2, 0, 1, 0,
                         items=["arrangement", "session"])
    pak = g.obj(0, 1.5, "pak 0 0 s")
    p.connect(track, pak, 0, 0)
    p.connect(clip, pak, 0, 1)
    p.connect(source, pak, 1, 2)
    read = g.obj(0, 2.5, "prepend readclip")
    p.connect(pak, read)
    return {"chord_track": track, "chord_clip": clip, "chord_source": source, "chord_read": pak,
            "chord_readclip": read}


#: /agent/set ranges the device clamps to (patches/OSC.md): name -> (lo, hi), per part for octave and velocity.
ACTIVITY_RANGE = (0.0, 1.0)  # and -1 = the model's own choice (the Auto switch)
STYLE_MENU = SETTINGS["style"].choices  # pop (the default), folk, auto: /agent/set style
OCTAVE_RANGE = (-3, 3)
VELOCITY_RANGE = (0.25, 2.0)
PARTS = ("comp", "bass", "lead", "counter")


def feel_controls(p: Patcher, g: Grid[str], send: str) -> dict[str, str]:
    """Activity (a dial, and Auto = -1: the model's own choice) and per part Octave and Velocity, each
    clamped by [clip] to the contract's range before it leaves the device."""
    ids: dict[str, str] = {}
    default = SETTINGS["activity"].default  # the agent's (0.6): the device starts where the agent does
    auto_on = int(default < 0)
    activity = p.parameter("live.dial", *g.xy(0, 0), [320, 2, 40, 48], "Activity", 0, *ACTIVITY_RANGE,
                           0.5 if auto_on else default)
    auto = p.parameter("live.text", *g.xy(1, 0), [320, 52, 40, 15], "Auto", 2, 0, 1, auto_on, items=["off", "on"])
    p.boxes[-1]["box"].update(mode=1, text="Auto", texton="Auto")
    pak = g.obj(0, 2, "pak 0 0.")
    p.connect(auto, pak, 0, 0)
    p.connect(activity, pak, 0, 1)
    value = g.obj(0, 3, "expr ($i1 != 0) * -1. + ($i1 == 0) * $f2")
    clamp = g.obj(0, 4, "clip -1. 1.")
    setter = g.obj(0, 5, "prepend /agent/set activity")
    p.chain(pak, value, clamp, setter, send)
    ids["activity"], ids["auto"] = activity, auto
    style = p.parameter("live.menu", *g.xy(1, 2), [320, 92, 44, 15], "Style", 2, 0, len(STYLE_MENU) - 1, 0,
                        items=list(STYLE_MENU))
    style_setter = g.obj(1, 3, "prepend /agent/set style")
    p.connect(style, style_setter, 1)  # outlet 1: the chosen item as a symbol
    p.connect(style_setter, send)
    ids["style"] = style
    for i, part in enumerate(PARTS):
        x = 366 + 48 * i
        octave = p.parameter("live.numbox", *g.xy(2 + i, 0), [x, 2, 44, 15], f"{part.title()} octave", 1,
                             *OCTAVE_RANGE, 0)
        velocity = p.parameter("live.dial", *g.xy(2 + i, 1), [x, 20, 44, 44], f"{part.title()} velocity", 0,
                               *VELOCITY_RANGE, 1.0)
        for knob, box, clip in (("octave", octave, "clip -3 3"), ("velocity", velocity, "clip 0.25 2.")):
            row = 2 if knob == "octave" else 4
            clamped = g.obj(2 + i, row, clip)
            setter = g.obj(2 + i, row + 1, f"prepend /agent/set {part}.{knob}")
            p.chain(box, clamped, setter, send)
            ids[f"{part}.{knob}"] = box
    p.comment(*g.xy(0, 6.5), "activity, auto, style | octave and velocity: comp bass lead counter", 400,
              present=[320, 70, 240, 18])
    return ids


def part_chooser(p: Patcher, g: Grid[str], send: str, listen_port: str) -> str:
    """Part: `all` (every part nobody subscribed to, as before) or one part for this device's track, sent as
    /agent/subscribe LISTEN_PORT PART (`all` unsubscribes: `none`)."""
    menu = p.parameter("live.menu", *g.xy(0, 0), [190, 92, 60, 15], "Part", 2, 0, len(PART_MENU) - 1, 0,
                       items=PART_MENU)
    sel = g.obj(0, 1, "sel all")
    p.connect(menu, sel, 1)
    none = g.msg(0, 2, "symbol none")
    p.connect(sel, none, 0)
    tb = g.obj(1, 3, "t b s")
    p.connect(none, tb)
    p.connect(sel, tb, 1)
    pk = g.obj(0, 4, "pack 0 s")
    p.connect(tb, pk, 1, 1)
    p.connect(tb, pk, 0, 0)
    p.connect(listen_port, pk, 0, 0)
    sub = g.obj(0, 5, "prepend /agent/subscribe")
    p.chain(pk, sub, send)
    return menu


def build() -> dict[str, Any]:
    """The device as a .maxpat dictionary."""
    p = Patcher()
    send = p.obj(20, 420, f"udpsend 127.0.0.1 {AGENT_PORT}")
    receiver = p.obj(20, 440, f"udpreceive {LISTEN_PORT}")
    ids_transport = transport(p, send)
    ids = controls(p, send, receiver, ids_transport["load"])
    midiout, js = midi_in(p, send, ids["chord_channel"])
    out = receive(p, receiver, ids_transport, midiout)
    # the chord clip: read at load and on every change (controls), and again before /transport/play
    p.connect(ids["chord_readclip"], js)
    p.connect(ids_transport["on_play"], ids["chord_read"], 2, 0)
    # stop clears the live chord naming too
    clear_js = p.msg(1050, 180, "clear")
    p.connect(out["silence"], clear_js, 1)
    p.connect(clear_js, js)
    panic = p.parameter("live.text", 1400, 800, [190, 62, 44, 15], "Panic", 2, 0, 1, 0, items=["off", "on"])
    p.boxes[-1]["box"].update(mode=0, text="Panic", texton="Panic")
    tpanic = p.obj(1400, 840, "t b b")
    p.connect(panic, tpanic)
    mpanic = p.msg(1400, 880, "/agent/panic")
    p.connect(tpanic, mpanic, 1)
    p.connect(mpanic, send)
    p.connect(tpanic, out["silence"], 0)
    p.connect(ids_transport["play_stop"], out["silence"], 1)  # Live stopped: silence here too, agent or not
    status(p, out["route"])
    return p.patcher()

def main() -> None:
    patcher = build()
    (HERE / "sideman.maxpat").write_text(json.dumps(patcher, indent=1) + "\n")
    (HERE / "sideman.amxd").write_bytes(amxd(patcher))
    print(f"wrote {HERE / 'sideman.maxpat'} and {HERE / 'sideman.amxd'}")


if __name__ == "__main__":
    main()
