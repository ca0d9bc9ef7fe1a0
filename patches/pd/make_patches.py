"""Writes the Pure Data patches of this folder: sideman.pd, sideman-help.pd, sideman-selftest.pd.

The .pd files are generated so their wiring can be reviewed as code (Pd's file format numbers boxes
and connects them by index). Run `python patches/pd/make_patches.py` after editing this file or
abstraction.py (the [sideman] abstraction, stage by stage); tests/test_pd_patch.py fails when the
committed .pd files and these scripts disagree. Vanilla Pd 0.53, no externals. The OSC contract is
patches/OSC.md (addresses and argument orders of agent/wire/osc.py); ports and the lateness limit come
from patches/defaults.py (config.yaml), box positions from patches/layout.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# run as a script: pdfile and abstraction sit beside this file, layout and defaults one folder up, and
# defaults reads the agent's config from the repository root
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parents[1])]

from abstraction import sideman
from defaults import AGENT_PORT, LISTEN_PORT
from layout import Column
from pdfile import Box, Canvas

__all__ = ["help_patch", "selftest", "sideman"]

SELFTEST_CHORDS = [(0, 4, "C"), (4, 4, "Am"), (8, 4, "F"), (12, 4, "G"), (16, 4, "C"), (20, 4, "Am"),
                   (24, 4, "Dm7"), (28, 4, "G7")]
# at beat 13.75 the chord of beats 14-16 changes: the agent, which sends notes ~60-200 ms ahead, has sent
# beat 14's notes (62 ms ahead at 240 bpm) and withdraws them with /note/cancel
SELFTEST_CHANGE = (13.75, 14, 2, "Eb")
SELFTEST_MELODY = [72, 76, 79, 76, 72, 69, 76, 72, 77, 72, 69, 72, 71, 74, 79, 74,
                   76, 79, 84, 79, 81, 76, 72, 76, 74, 77, 81, 77, 79, 77, 74, 71]  # one per beat
SELFTEST_BPM = 240
SELFTEST_MALFORMED = ["osc /note/on 4 60 300", "osc /bogus 1"]  # the agent must answer both with /agent/error


def selftest_start(p: Canvas, col: Column[Box]) -> tuple[Box, Box]:
    """`run AGENT_PORT LISTEN_PORT QUIT` -> listen, connect, the setup messages; returns ([sideman], the
    [t b f] whose left outlet starts the run)."""
    start = col.msg(f"run {AGENT_PORT} {LISTEN_PORT} 0")
    sst = col.obj("s sideman-selftest", rows=4 / 3)
    p.connect(start, sst)
    rst = col.obj("r sideman-selftest")
    route = col.obj("route run")
    unp = col.obj("unpack f f f")
    p.chain(rst, route, unp)
    g = col.grid(col_px=110)
    vquit = g.obj(2.1, 0, "v sideman-selftest-quit")
    p.connect(unp, vquit, 2)
    tports = g.obj(1, 0, "t f f")
    p.connect(unp, tports, 1)
    sideman_box = p.obj(20, 720, "sideman -1 -1")
    mlisten = g.msg(1, 1, "listen $1")
    p.connect(tports, mlisten, 0)
    p.connect(mlisten, sideman_box)
    tagent = g.obj(0, 1, "t b f")
    p.connect(unp, tagent, 0)
    mconnect = g.msg(0.36, 2, "connect 127.0.0.1 $1")
    p.connect(tagent, mconnect, 1)
    p.connect(mconnect, sideman_box)
    setup_lines = ["verbose 1", "set seed 1", "instruments 0 33", f"tempo {SELFTEST_BPM}", "timesig 4 4",
                   "clearchords", "locate 0"]
    setup_lines += [f"chord {b} {d} {s}" for b, d, s in SELFTEST_CHORDS]
    setup_lines += SELFTEST_MALFORMED
    setup = g.msg(0, 10 / 3, ", ".join(setup_lines), width=28)
    p.connect(tagent, setup, 0)
    p.connect(setup, sideman_box)
    return sideman_box, tagent


def selftest_melody(p: Canvas, col: Column[Box], tplay: Box, sideman_box: Box, ms: float) -> Box:
    """The melody as MIDI input: one `noteon PITCH 90` a beat, off after 60% of the beat; returns the metro."""
    metro = col.obj(f"metro {ms:g}")
    p.connect(tplay, metro, 1)
    row = col.row(gap_px=10)
    counter, inc = row.obj("f"), row.obj("+ 1")
    p.chain(metro, counter, inc)
    p.connect(inc, counter, 0, 1)
    zero = p.msg(col.x + 100, col.y - 90, "0")
    p.connect(tplay, zero, 3)
    p.connect(zero, counter, 0, 1)
    moses = col.obj(f"moses {len(SELFTEST_MELODY)}")
    p.connect(counter, moses)
    tk = col.obj("t b f")
    p.connect(moses, tk)
    melody = col.msg(" ".join(str(n) for n in SELFTEST_MELODY), width=30, rows=10 / 3)
    split = col.obj("list split")
    p.connect(tk, split, 1, 1)
    p.connect(tk, melody, 0)
    p.connect(melody, split)
    split1 = col.obj("list split 1")
    p.connect(split, split1, 1)
    ton = col.obj("t f f")
    p.connect(split1, ton, 0)
    g = col.grid(col_px=100)
    non = g.msg(0, 0, "noteon $1 90")
    p.connect(ton, non, 0)
    p.connect(non, sideman_box)
    poff = g.obj(1, 0, f"pipe {ms * 0.6:g}")
    p.connect(ton, poff, 1)
    noff = g.msg(1, 1, "noteon $1 0")
    p.connect(poff, noff)
    p.connect(noff, sideman_box)
    return metro


def selftest_stop(p: Canvas, col: Column[Box], tplay: Box, metro: Box, sideman_box: Box, ms: float) -> None:
    """Stop after the last bar, say done, quit Pd if asked."""
    dstop = col.obj(f"delay {len(SELFTEST_MELODY) * ms:g}")
    p.connect(tplay, dstop, 2)
    tstop = col.obj("t b b")
    p.connect(dstop, tstop)
    row = col.row()
    mstop, mmetro = row.msg("stop"), row.skip(20).msg("0")
    p.connect(tstop, mstop, 0)
    p.connect(mstop, sideman_box)
    p.connect(tstop, mmetro, 1)
    p.connect(mmetro, metro)
    ddone = col.obj("delay 800")
    p.connect(tstop, ddone, 0)
    tdone = col.obj("t b b")
    p.connect(ddone, tdone)
    g = col.grid(col_px=200)
    mdone = g.msg(1, 0, "done")
    pdone = g.obj(1, 1, "print sideman-selftest")
    p.connect(tdone, mdone, 1)
    p.connect(mdone, pdone)
    vq = col.skip().obj("v sideman-selftest-quit")
    p.connect(tdone, vq, 0)
    selq = col.obj("sel 1")
    dq = col.obj("delay 100")
    quit_ = col.msg("; pd quit")
    p.chain(vq, selq, dq, quit_)


def selftest() -> Canvas:
    """sideman-selftest.pd: 8 bars at 240 bpm against a running agent; prints everything; can quit Pd."""
    p = Canvas(width=1000, height=800)
    ms = 60000 / SELFTEST_BPM
    bars = len(SELFTEST_MELODY)
    p.comment(20, 10, f"Sideman self-test: {bars // 4} bars of 4/4 at {SELFTEST_BPM} bpm, a chord progression and "
              "a melody (as if played on MIDI input), against a running agent (`sideman run`). With verbose on, "
              "[sideman] prints every note it receives, schedules, plays or drops. Two malformed messages are "
              "sent on purpose: the agent answers each with /agent/error. tests/test_pd_patch.py runs this "
              "headless: pd -nogui -noaudio -nomidi -stderr -open sideman-selftest.pd -send "
              "\"sideman-selftest run AGENT_PORT LISTEN_PORT 1\" (1 = quit Pd at the end).", width=100)
    sideman_box, tagent = selftest_start(p, Column(p, 20, 150))
    # play 500 ms after the setup, with the melody metro
    col = Column(p, 450, 220)
    dplay = col.obj("delay 500")
    p.connect(tagent, dplay, 0)
    tplay = col.obj("t b b b b")
    p.connect(dplay, tplay)
    mplay = col.msg("play")
    p.connect(tplay, mplay, 0)
    p.connect(mplay, sideman_box)
    metro = selftest_melody(p, Column(p, 650, 310), tplay, sideman_box, ms)
    # the chord change while playing
    at, beat, dur, sym = SELFTEST_CHANGE
    dchange = col.skip().obj(f"delay {at * ms:g}")
    p.connect(tplay, dchange, 2)
    mchange = col.msg(f"chord {beat} {dur} {sym}")
    p.chain(dchange, mchange, sideman_box)
    selftest_stop(p, Column(p, 250, 460), tplay, metro, sideman_box, ms)
    return p


def help_patch() -> Canvas:
    """sideman-help.pd: what [sideman] takes and gives, with message boxes to click."""
    p = Canvas(width=980, height=760)
    p.comment(20, 10, "[sideman] - play along with the Sideman agent over OSC (Pd 0.53 vanilla, no externals)",
              width=90)
    p.comment(20, 40, "Start the agent first: `sideman run` (listens on 9000, sends to 9001). [sideman] sends "
              "your transport, tempo, time signature and a playhead every 10 ms, your chord track and what you "
              "play (MIDI input, or noteon messages), and plays the notes the agent sends back at their beats "
              "on this transport with [makenote] / [noteout] on each note's channel (comp 2, bass 3, lead 4, "
              "counter 5 by default). Copy sideman.pd next to your patch.", width=110)
    x = 20
    boxes = [
        "play", "stop", "tempo 120", "timesig 4 4", "locate 0", "loop 0 16", "loop 0 0",
        "chord 0 4 C", "chord 4 4 Am", "chord 8 4 F", "chord 12 4 G7", "clearchords",
        "noteon 64 100", "noteon 64 0", "note 0 60 100 1",
        "instruments 0 33 65", "set temperature 0.9", "set parts comp\\,bass", "panic",
        "verbose 1", "verbose 0", "interval 10", "late 50",
        "connect 127.0.0.1 9000", "listen 9001",
        "activity 0.8", "activity -1", "activity bass 0.3", "octave bass -1", "velocity comp 0.7",
        "set style pop", "set style folk", "subscribe bass", "subscribe none",
    ]
    sm = p.obj(20, 560, f"sideman {AGENT_PORT} {LISTEN_PORT}")
    y = 130
    for text in boxes:
        box = p.msg(x, y, text)
        p.connect(box, sm)
        y += 28
        if y > 520:
            x, y = x + 190, 130
    pn = p.obj(20, 700, "print played")
    pi = p.obj(200, 700, "print info")
    p.connect(sm, pn, 0)
    p.connect(sm, pi, 1)
    notes = [
        ("Creation arguments: AGENT_PORT (default 9000) and LISTEN_PORT (default 9001). -1 opens no socket "
        "until connect / listen. Several instances need different LISTEN_PORTs: each tells the agent its "
        "port with /agent/hello."),
        ("Left outlet: PITCH VELOCITY CHANNEL for each note played (velocity 0 = note off), to drive a synth "
        "in Pd instead of [noteout]."),
        ("Right outlet: status STATE MODEL NOTES_SENT LATE FALLBACK DROPPED INPUT_ERRORS GENERATOR_ERRORS "
        "PACKETS PLAYHEAD TEMPO and four latency figures in ms (every second), and error MESSAGE when the agent rejects "
        "something (always printed too)."),
        ("Timing: the agent sends each note ahead of its beat with the beat in the message. [sideman] waits "
        "(beat - beat now) * 60000 / bpm ms with [pipe]. A note later than `late` ms is dropped and counted, "
        "a slightly late one plays at once. stop, locate, panic and /agent/allnotesoff drop what waits and "
        "end what sounds (CC 123 on every channel)."),
        ("Stopped: [sideman] reports where play will start (/playhead at connect, after stop and locate) and "
        "holds the notes the agent sends for it until play, so beat 1 sounds at once. loop START END (at "
        "least 1 beat, else off) is sent as /transport/loop. At the loop end the transport wraps without "
        "silencing, and a note for the next pass waits across the wrap."),
        ("activity X (0..1, -1 = the model's own choice) sets how busy every part plays, activity PART X for one "
        "part. octave PART N (-3..3) and velocity PART X (0.25..2) set a part's register and dynamics, values "
        "are clamped to these ranges here. set style pop|folk|auto: the style of accompaniment (pop: busy and syncopated, folk: block chords, auto: the model guesses). subscribe PARTS: this instance gets only these parts' notes (one "
        "instance per part), none undoes it."),
        ("The display: agent = a status came in the last 3 s, the agent's state, the beat, notes played, "
        "late notes, the last error."),
        "osc /ADDRESS ARGS... sends any OSC message (testing). The contract: patches/OSC.md.",
    ]
    y = 130
    for text in notes:
        p.comment(600, y, text, width=50)
        y += 30 + 16 * (len(text) // 46 + 1)  # about 46 characters a line at width 50
    return p


def main() -> None:
    """Write the three patches next to this script."""
    abstraction, _ = sideman()
    for name, canvas in (("sideman.pd", abstraction), ("sideman-help.pd", help_patch()),
                         ("sideman-selftest.pd", selftest())):
        (HERE / name).write_text(canvas.text())
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
