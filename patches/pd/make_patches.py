"""Writes the Pure Data patches of this folder: sideman.pd, sideman-help.pd, sideman-selftest.pd.

The .pd files are generated so their wiring can be reviewed as code (Pd's file format numbers boxes
and connects them by index). Run `python patches/pd/make_patches.py` after editing this file;
tests/test_pd_patch.py fails when the committed .pd files and this script disagree. Vanilla Pd 0.53,
no externals. The OSC contract is patches/OSC.md (addresses and argument orders of agent/wire/osc.py).

Message flow inside [sideman] (every internal name carries $0, so instances never talk to each other):

    inlet commands --> [s $0-tx] "address words + args" --> [pd osc-out] --> [oscformat] --> [netsend]
    [netreceive] --> [oscparse] --> [pd osc-in] --> /note         --> [pd schedule] --> [pipe] --> [makenote]
                                                 --> /note/cancel, /agent/allnotesoff, /agent/status, /agent/error
    [pd clock]: the patch's own transport. beat = anchor + playing * elapsed_ms * bpm / 60000, where the
    anchor (beat, [timer] reset) moves on play, stop, tempo change and locate.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pdfile import Canvas  # after the path insert: pdfile sits beside this script

HERE = Path(__file__).resolve().parent
CANCEL_SLOTS = 4096  # note ids are remembered modulo this for /note/cancel (ids count up, so no clash)
DEFAULT_AGENT_PORT = 9000  # config.yaml net.listen_port
DEFAULT_LISTEN_PORT = 9001  # config.yaml net.send_port

# Inlet commands of [sideman] -> where they go ("tx WORDS" = sent to the agent as /WORDS).
COMMANDS = [
    ("play", "s $0-play"),
    ("stop", "s $0-stop"),
    ("tempo", "s $0-tempo"),
    ("timesig", "tx transport timesig"),
    ("locate", "s $0-locate"),
    ("loop", "s $0-loop"),
    ("chord", "tx chord"),
    ("clearchords", "tx chords clear"),
    ("note", "tx note"),
    ("noteon", "s $0-human"),
    ("instruments", "tx agent instruments"),
    ("set", "tx agent set"),
    ("panic", "s $0-panic"),
    ("connect", "s $0-connect"),
    ("listen", "s $0-listen"),
    ("verbose", "s $0-verbose"),
    ("interval", "s $0-interval"),
    ("late", "s $0-late"),
    ("osc", "s $0-rawosc"),
]

# Outbound OSC: internal address words -> [oscformat] type flags (None = Pd's own: floats, symbols as s).
# A symbol argument is never forced to `s`: [oscformat] would read a number there as a symbol and crash.
OSC_OUT = [
    ("transport play", None),
    ("transport stop", None),
    ("transport tempo", "f"),
    ("transport timesig", "ii"),
    ("playhead", "f"),
    ("chord", "ff"),
    ("chords clear", None),
    ("note", "fiif"),
    ("note on", "fii"),
    ("note off", "fi"),
    ("agent instruments", "i"),  # the programs after the first go as floats: accepted
    ("agent set", None),
    ("agent panic", None),
    ("agent hello", "i"),
]


def getter(c: Canvas, x: int, y: int, name: str) -> tuple[object, object]:
    """[t b b] -> [s $0-now] (the clock computes the beat), then [v $0-beat]: returns (trigger, value)."""
    trig = c.obj(x, y, "t b b")
    now = c.obj(x + 60, y + 25, "s $0-now")
    val = c.obj(x, y + 50, f"v $0-{name}")
    c.connect(trig, now, 1)
    c.connect(trig, val, 0)
    return trig, val


def clock(p: Canvas) -> None:
    """[pd clock]: the transport, the playhead sender, loops."""
    c = p.subpatch(20, 420, "clock", 1100, 720)
    c.comment(20, 10, "beat now = anchor + playing * elapsed ms * bpm / 60000 (one [timer], written to [v $0-beat])",
              width=90)
    rnow = c.obj(20, 50, "r $0-now")
    t4 = c.obj(20, 80, "t b b b b")
    rreset = c.obj(20, 110, "r $0-timer-reset")
    timer = c.obj(20, 140, "timer")
    anchor = c.obj(110, 140, "v $0-anchor")
    playing = c.obj(210, 140, "v $0-playing")
    bpm = c.obj(310, 140, "v $0-bpm")
    expr = c.obj(20, 180, "expr $f2 + $f3 * $f1 * $f4 / 60000")
    store = c.obj(20, 210, "v $0-beat")
    c.chain(rnow, t4)
    c.connect(t4, bpm, 3)
    c.connect(bpm, expr, 0, 3)
    c.connect(t4, playing, 2)
    c.connect(playing, expr, 0, 2)
    c.connect(t4, anchor, 1)
    c.connect(anchor, expr, 0, 1)
    c.connect(t4, timer, 0, 1)
    c.connect(rreset, timer, 0, 0)
    c.chain(timer, expr, store)

    # re-anchor: anchor = beat now, then restart the timer (before a tempo change, stop, ...)
    c.comment(450, 50, "re-anchor: anchor = beat now, timer restarts")
    rre = c.obj(450, 80, "r $0-reanchor")
    t3 = c.obj(450, 110, "t b b b")
    snow = c.obj(560, 140, "s $0-now")
    vbeat = c.obj(505, 170, "v $0-beat")
    vanchor = c.obj(505, 200, "v $0-anchor")
    sreset = c.obj(450, 230, "s $0-timer-reset")
    c.chain(rre, t3)
    c.connect(t3, snow, 2)
    c.connect(t3, vbeat, 1)
    c.connect(vbeat, vanchor)
    c.connect(t3, sreset, 0)

    # play
    c.comment(20, 250, "play (if stopped): anchor, playing = 1, /transport/play, start the playhead metro", width=56)
    rplay = c.obj(20, 290, "r $0-play")
    vp1 = c.obj(20, 320, "v $0-playing")
    sel0 = c.obj(20, 350, "sel 0")
    tplay = c.obj(20, 380, "t b b b b")
    c.chain(rplay, vp1, sel0, tplay)
    s_re1 = c.obj(230, 410, "s $0-reanchor")
    one = c.msg(160, 440, "1")
    vp2 = c.obj(160, 470, "v $0-playing")
    mplay = c.msg(90, 500, "transport play")
    srun1 = c.msg(20, 530, "1")
    c.connect(tplay, s_re1, 3)
    c.connect(tplay, one, 2)
    c.connect(one, vp2)
    c.connect(tplay, mplay, 1)
    c.connect(tplay, srun1, 0)
    stx1 = c.obj(90, 560, "s $0-tx")
    c.connect(mplay, stx1)
    srun = c.obj(20, 600, "s $0-run")
    c.connect(srun1, srun)
    sstate1 = c.msg(180, 530, "playing")
    c.connect(tplay, sstate1, 1)
    sst = c.obj(180, 600, "s $0-state")
    c.connect(sstate1, sst)

    # stop
    c.comment(450, 250, "stop (if playing): anchor, playing = 0, metro off, /transport/stop, silence", width=56)
    rstop = c.obj(450, 290, "r $0-stop")
    vs1 = c.obj(450, 320, "v $0-playing")
    sel1 = c.obj(450, 350, "sel 1")
    tstop = c.obj(450, 380, "t b b b b b")
    c.chain(rstop, vs1, sel1, tstop)
    s_re2 = c.obj(730, 410, "s $0-reanchor")
    zero = c.msg(660, 440, "0")
    vs2 = c.obj(660, 470, "v $0-playing")
    zero2 = c.msg(590, 500, "0")
    mstop = c.msg(520, 530, "transport stop")
    ssil = c.obj(450, 560, "s $0-silence")
    c.connect(tstop, s_re2, 4)
    c.connect(tstop, zero, 3)
    c.connect(zero, vs2)
    c.connect(tstop, zero2, 2)
    c.connect(zero2, srun)
    c.connect(tstop, mstop, 1)
    c.connect(mstop, stx1)
    c.connect(tstop, ssil, 0)
    sstate2 = c.msg(650, 560, "stopped")
    c.connect(tstop, sstate2, 1)
    c.connect(sstate2, sst)

    # tempo
    c.comment(900, 50, "tempo: anchor at the old tempo, then the new one")
    rtempo = c.obj(900, 80, "r $0-tempo")
    clip = c.obj(900, 110, "clip 10 1000")
    tt = c.obj(900, 140, "t f f b")
    s_re3 = c.obj(1040, 170, "s $0-reanchor")
    vbpm = c.obj(970, 200, "v $0-bpm")
    ptempo = c.obj(900, 230, "list prepend transport tempo")
    stx2 = c.obj(900, 260, "s $0-tx")
    c.chain(rtempo, clip, tt)
    c.connect(tt, s_re3, 2)
    c.connect(tt, vbpm, 1)
    c.connect(tt, ptempo, 0)
    c.connect(ptempo, stx2)

    # locate
    c.comment(900, 300, "locate BEAT: silence, move, report at once")
    rloc = c.obj(900, 330, "r $0-locate")
    tl = c.obj(900, 360, "t b b f b")
    ssil2 = c.obj(1080, 390, "s $0-silence")
    vanc2 = c.obj(1020, 420, "v $0-anchor")
    sres2 = c.obj(960, 450, "s $0-timer-reset")
    stick = c.obj(900, 480, "s $0-tick")
    c.chain(rloc, tl)
    c.connect(tl, ssil2, 3)
    c.connect(tl, vanc2, 2)
    c.connect(tl, sres2, 1)
    c.connect(tl, stick, 0)

    # loop START END (END <= START: off)
    rloop = c.obj(900, 520, "r $0-loop")
    unl = c.obj(900, 550, "unpack f f")
    vls = c.obj(900, 580, "v $0-loopstart")
    vle = c.obj(1020, 580, "v $0-loopend")
    c.chain(rloop, unl)
    c.connect(unl, vls, 0)
    c.connect(unl, vle, 1)

    # the playhead: every `interval` ms while playing, and on [s $0-tick]
    c.comment(20, 640, "every interval ms while playing: /playhead beat (or a loop jump)", width=40)
    rrun = c.obj(20, 680, "r $0-run")
    rint = c.obj(110, 680, "r $0-interval")
    metro = c.obj(20, 710, "metro 10")
    rtick = c.obj(200, 710, "r $0-tick")
    c.connect(rrun, metro)
    c.connect(rint, metro, 0, 1)
    tk = c.obj(20, 740, "t b b b b")
    c.connect(metro, tk)
    c.connect(rtick, tk)
    snow2 = c.obj(230, 770, "s $0-now")
    vle2 = c.obj(160, 800, "v $0-loopend")
    vls2 = c.obj(90, 830, "v $0-loopstart")
    vb2 = c.obj(20, 860, "v $0-beat")
    c.connect(tk, snow2, 3)
    c.connect(tk, vle2, 2)
    c.connect(tk, vls2, 1)
    c.connect(tk, vb2, 0)
    wrap = c.obj(20, 900, "expr if($f3 > $f2 && $f1 >= $f3, 1, 0); if($f3 > $f2 && $f1 >= $f3, $f2 + $f1 - $f3, $f1)",
                 width=60)
    c.connect(vb2, wrap, 0, 0)
    c.connect(vls2, wrap, 0, 1)
    c.connect(vle2, wrap, 0, 2)
    sel01 = c.obj(20, 960, "sel 0 1")
    fa = c.obj(20, 990, "f")
    fb = c.obj(360, 990, "f")
    c.connect(wrap, sel01, 0)
    c.connect(wrap, fa, 1, 1)
    c.connect(wrap, fb, 1, 1)
    c.connect(sel01, fa, 0)
    c.connect(sel01, fb, 1)
    tph = c.obj(20, 1020, "t f f")
    pph = c.obj(20, 1080, "list prepend playhead")
    stx3 = c.obj(20, 1110, "s $0-tx")
    c.chain(fa, tph)
    c.connect(tph, pph, 0)
    c.connect(pph, stx3)
    disp = c.obj(220, 1050, "i")
    chg = c.obj(220, 1080, "change")
    sdisp = c.obj(220, 1110, "s $0-beat-disp")
    c.connect(tph, disp, 1)
    c.chain(disp, chg, sdisp)
    sloc = c.obj(360, 1020, "s $0-locate")
    c.connect(fb, sloc)


def human(p: Canvas) -> None:
    """[pd human]: [notein] and `noteon PITCH VEL` -> /note/on beat pitch velocity (0 = off)."""
    c = p.subpatch(20, 450, "human", 600, 400)
    c.comment(20, 10, "MIDI in (any channel) and noteon PITCH VEL, stamped with the beat now", width=72)
    notein = c.obj(20, 40, "notein")
    pk = c.obj(20, 70, "pack f f")
    rh = c.obj(150, 70, "r $0-human")
    c.connect(notein, pk, 0, 0)
    c.connect(notein, pk, 1, 1)
    tl = c.obj(20, 110, "t l b")
    c.connect(pk, tl)
    c.connect(rh, tl)
    trig, val = getter(c, 120, 140, "beat")
    c.connect(tl, trig, 1)
    pre = c.obj(20, 230, "list prepend")
    c.connect(val, pre, 0, 1)
    c.connect(tl, pre, 0)
    pon = c.obj(20, 260, "list prepend note on")
    stx = c.obj(20, 290, "s $0-tx")
    c.chain(pre, pon, stx)


def osc_out(p: Canvas) -> list[str]:
    """[pd osc-out]: internal "address words + args" -> [oscformat] -> [netsend -u -b]."""
    c = p.subpatch(20, 480, "osc-out", 1300, 760)
    c.comment(20, 10, "[s $0-tx] takes the OSC address as words, then the arguments (transport tempo 120 -> "
              "/transport/tempo 120), type flags as patches/OSC.md. Nothing is sent until [netsend] is connected.",
              width=120)
    rtx = c.obj(20, 60, "r $0-tx")
    trim = c.obj(20, 90, "list trim")
    c.chain(rtx, trim)
    firsts = list(dict.fromkeys(a.split()[0] for a, _ in OSC_OUT))
    route1 = c.obj(20, 120, "route " + " ".join(firsts))
    c.connect(trim, route1)
    bad = c.obj(400, 120, "print sideman-bug-unknown-tx")
    c.connect(route1, bad, len(firsts))
    netsend_in = c.obj(20, 560, "list prepend send")
    x = 20
    formats: list[str] = []
    for i, first in enumerate(firsts):
        group = [(a, f) for a, f in OSC_OUT if a.split()[0] == first]
        seconds = [a.split()[1] for a, _ in group if len(a.split()) > 1]
        src, src_outlet = route1, i
        widest = 0
        if seconds:
            route2 = c.obj(x, 180, "route " + " ".join(seconds))
            c.connect(route1, route2, i)
            src = route2
            widest = len("route " + " ".join(seconds))
        y = 240
        for j, (address, flags) in enumerate(group):
            text = "oscformat " + (f"-f {flags} " if flags else "") + address
            formats.append(text)
            dest = fmt = c.obj(x, y + 60 * j + 25, text)
            widest = max(widest, len(text))
            words = address.split()
            if flags is None and address == "agent set":
                dest = c.obj(x, y + 60 * j, "list")  # `set seed 1` leaves `seed 1`: make it a list
                c.connect(dest, fmt)
            if len(words) > 1:
                c.connect(src, dest, seconds.index(words[1]))
            elif seconds:
                c.connect(src, dest, len(seconds))  # the reject outlet: the address is the first word alone
            else:
                c.connect(route1, dest, src_outlet)
            c.connect(fmt, netsend_in)
        x += 7 * widest + 30
    # `osc /any/address args`: anything, for testing (and for what the contract adds later)
    c.comment(600, 500, "osc /ADDRESS ARGS...: any message")
    rraw = c.obj(600, 530, "r $0-rawosc")
    traw = c.obj(600, 560, "t a a")
    split_set = c.obj(700, 590, "list split 1")
    setmsg = c.msg(700, 620, "set $1")
    split_args = c.obj(600, 650, "list split 1")
    generic = c.obj(600, 690, "oscformat")
    c.chain(rraw, traw)
    c.connect(traw, split_set, 1)
    c.connect(split_set, setmsg, 0)
    c.connect(setmsg, generic)
    c.connect(traw, split_args, 0)
    c.connect(split_args, generic, 1)
    c.connect(generic, netsend_in)
    gate = c.obj(20, 590, "spigot")
    trim2 = c.obj(20, 620, "list trim")
    netsend = c.obj(20, 650, "netsend -u -b")
    c.chain(netsend_in, gate, trim2, netsend)
    rcon = c.obj(300, 560, "r $0-connect")
    lcon = c.obj(300, 590, "list")
    mcon = c.msg(300, 620, "disconnect, connect $1 $2")
    c.chain(rcon, lcon, mcon)
    c.connect(mcon, netsend)
    tcon = c.obj(20, 690, "t f f")
    scon = c.obj(20, 720, "s $0-connected")
    c.connect(netsend, tcon)
    c.connect(tcon, gate, 1, 1)  # connected (1) or not (0): open the gate first, then say so
    c.connect(tcon, scon, 0)
    return formats


def osc_in(p: Canvas) -> None:
    """[pd osc-in]: [netreceive -u -b] -> [oscparse] -> notes, cancels, all-notes-off, status, errors."""
    c = p.subpatch(20, 510, "osc-in", 900, 420)
    c.comment(20, 10, "[oscparse] splits the address into words: /note/cancel 5 -> note cancel 5", width=80)
    rl = c.obj(20, 40, "r $0-listen")
    ml = c.msg(20, 70, "listen $1")
    nr = c.obj(20, 100, "netreceive -u -b")
    parse = c.obj(20, 130, "oscparse")
    trim = c.obj(20, 160, "list trim")
    route = c.obj(20, 190, "route note agent")
    c.chain(rl, ml, nr, parse, trim, route)
    rc = c.obj(20, 230, "route cancel")
    c.connect(route, rc, 0)
    scancel = c.obj(20, 270, "s $0-cancel")
    snote = c.obj(120, 270, "s $0-incoming")
    c.connect(rc, scancel, 0)
    c.connect(rc, snote, 1)
    ra = c.obj(250, 230, "route status error allnotesoff")
    c.connect(route, ra, 1)
    sstatus = c.obj(250, 270, "s $0-status")
    serror = c.obj(350, 300, "s $0-error")
    c.connect(ra, sstatus, 0)
    c.connect(ra, serror, 1)
    taoff = c.obj(450, 270, "t b b")
    c.connect(ra, taoff, 2)
    ssil = c.obj(450, 330, "s $0-silence")
    c.connect(taoff, ssil, 0)
    maoff = c.msg(520, 300, "allnotesoff")
    c.connect(taoff, maoff, 1)
    sverb = c.obj(560, 360, "s $0-vprint")
    c.connect(maoff, sverb)
    other = c.obj(700, 230, "list prepend unexpected")
    c.connect(ra, other, 3)
    c.connect(route, other, 2)
    tother = c.obj(700, 260, "list trim")
    pother = c.obj(700, 290, "print sideman")
    c.chain(other, tother, pother)
    # remember the port we listen on and tell the agent (/agent/hello) so it replies here too
    vport = c.obj(150, 70, "v $0-listenport")
    c.connect(rl, vport)
    shello = c.obj(150, 100, "s $0-hello")
    c.connect(rl, shello)


def schedule(p: Canvas) -> None:
    """[pd schedule]: /note -> [pipe] at its beat on our transport -> [makenote] -> [noteout] on its channel."""
    c = p.subpatch(20, 540, "schedule", 1200, 900)
    c.comment(20, 10, "/note id beat pitch velocity dur_beats channel: wait (beat - beat now) * 60000 / bpm ms, "
              "unless cancelled meanwhile. Late by more than `late` ms (default 50), or at or after the end of "
              "the loop: dropped. Less late: played now",
              width=120)
    rin = c.obj(20, 60, "r $0-incoming")
    tl = c.obj(20, 90, "t l b")
    c.connect(rin, tl)
    t7 = c.obj(200, 120, "t b b b b b b b")
    c.connect(tl, t7, 1)
    snow = c.obj(550, 140, "s $0-now")
    vle = c.obj(480, 160, "v $0-loopend")
    vls = c.obj(410, 180, "v $0-loopstart")
    vlate = c.obj(410, 210, "v $0-latems")
    vplay = c.obj(340, 240, "v $0-playing")
    vbpm = c.obj(270, 240, "v $0-bpm")
    vbeat = c.obj(200, 270, "v $0-beat")
    pk = c.obj(200, 300, "pack f f f f f f")
    c.connect(t7, snow, 6)
    for i, box in ((5, vle), (4, vls), (3, vlate), (2, vplay), (1, vbpm), (0, vbeat)):
        c.connect(t7, box, i)
        c.connect(box, pk, 0, i)
    app = c.obj(20, 330, "list append")
    c.connect(pk, app, 0, 1)
    c.connect(tl, app, 0)
    # $f1 id, $f2 beat, $f3 pitch, $f4 velocity, $f5 dur_beats, $f6 channel, $f7 now, $f8 bpm, $f9 playing,
    # $f10 late ms, $f11 loop start, $f12 loop end
    exprs = [
        # ok to play: playing, not too late, and not at or past the end of an active loop (it never comes)
        "$f9 != 0 && ($f2 - $f7) * 60000 / $f8 >= -$f10 && ($f12 <= $f11 || $f2 < $f12)",
        "$f1", "$f2", "$f3", "$f4",
        "$f5 * 60000 / $f8",  # duration, ms
        "$f6",
        "max(($f2 - $f7) * 60000 / $f8, 0)",  # wait, ms
        "($f2 - $f7) * 60000 / $f8",  # lead, ms (negative = late)
        "$f7",
    ]
    ex = c.obj(20, 360, "expr " + "; ".join(exprs), width=60)
    c.connect(app, ex)
    pack10 = c.obj(20, 610, "pack f f f f f f f f f f")
    for i in range(10):
        c.connect(ex, pack10, i, i)
    tv = c.obj(20, 640, "t l l")
    c.connect(pack10, tv)
    prec = c.obj(200, 670, "list prepend received")
    c.connect(tv, prec, 1)
    svp = c.obj(200, 700, "s $0-vprint")
    c.connect(prec, svp)
    c.comment(380, 670, "received OK ID BEAT PITCH VEL DUR_MS CH WAIT_MS LEAD_MS NOW (verbose)", width=50)
    okroute = c.obj(20, 670, "route 1 0")
    c.connect(tv, okroute, 0)
    # late (or stopped): count, tell
    late = c.obj(300, 730, "list prepend late")
    c.connect(okroute, late, 1)
    c.connect(late, svp)
    cnt = c.obj(300, 760, "f")
    inc = c.obj(340, 760, "+ 1")
    slate = c.obj(300, 790, "s $0-late-disp")
    c.connect(okroute, cnt, 1)
    c.connect(cnt, inc)
    c.connect(inc, cnt, 0, 1)
    c.connect(cnt, slate)
    # accepted: forget an old cancel in this slot, then wait
    split = c.obj(20, 730, "list split 7")
    c.connect(okroute, split, 0)
    tacc = c.obj(20, 760, "t l l")
    c.connect(split, tacc)
    first = c.obj(60, 790, "list split 1")
    c.connect(tacc, first, 1)
    tclr = c.obj(60, 820, "t b f")
    c.connect(first, tclr)
    modc = c.obj(100, 850, f"mod {CANCEL_SLOTS}")
    zero = c.msg(60, 850, "0")
    tw = c.obj(60, 880, "tabwrite $0-cancel")
    c.connect(tclr, modc, 1)
    c.connect(modc, tw, 0, 1)
    c.connect(tclr, zero, 0)
    c.connect(zero, tw)
    pipe = c.obj(20, 930, "pipe 0 0 0 0 0 0 0")  # six values, then the delay
    c.connect(tacc, pipe, 0)
    pack6 = c.obj(20, 960, "pack f f f f f f")
    for i in range(6):
        c.connect(pipe, pack6, i, i)
    # due: play unless cancelled (slot holds id + 1)
    tdue = c.obj(20, 990, "t l l")
    c.connect(pack6, tdue)
    first2 = c.obj(200, 1020, "list split 1")
    c.connect(tdue, first2, 1)
    tid = c.obj(200, 1050, "t f f")
    c.connect(first2, tid)
    mod2 = c.obj(260, 1080, f"mod {CANCEL_SLOTS}")
    tr = c.obj(260, 1110, "tabread $0-cancel")
    plus = c.obj(200, 1110, "+ 1")
    ne = c.obj(200, 1140, "!=")
    c.connect(tid, mod2, 1)
    c.chain(mod2, tr)
    c.connect(tr, ne, 0, 1)
    c.connect(tid, plus, 0)
    c.connect(plus, ne)
    gate = c.obj(20, 1170, "spigot")
    c.connect(ne, gate, 0, 1)
    c.connect(tdue, gate, 0)
    tplay = c.obj(20, 1200, "t l l b")
    c.connect(gate, tplay)
    trig, val = getter(c, 300, 1200, "beat")
    c.connect(tplay, trig, 2)
    papp = c.obj(200, 1290, "list append")
    c.connect(val, papp, 0, 1)
    c.connect(tplay, papp, 1)
    pplayed = c.obj(200, 1320, "list prepend played")
    c.comment(380, 1320, "played ID BEAT PITCH VEL DUR_MS CH NOW (verbose)")
    c.chain(papp, pplayed, svp)
    unp = c.obj(20, 1360, "unpack f f f f f f")
    c.connect(tplay, unp, 0)
    enc = c.obj(20, 1400, "expr $f1 + 128 * ($f2 - 1)")
    c.comment(250, 1400, "pitch + 128 * (channel - 1): one [makenote] keeps every channel's note-offs apart",
              width=34)
    c.connect(unp, enc, 5, 1)
    c.connect(unp, enc, 2, 0)
    mk = c.obj(20, 1440, "makenote 100 250")
    c.connect(enc, mk)
    # remember what sounds in this slot (id + 1, and its pitch + channel key) for a /note/cancel
    keep = c.obj(620, 1440, "f")
    c.connect(enc, keep, 0, 1)
    tid2 = c.obj(500, 1380, "t f f")
    c.connect(unp, tid2, 0)
    mod3 = c.obj(560, 1410, f"mod {CANCEL_SLOTS}")
    tslot = c.obj(560, 1440, "t f f")
    c.connect(tid2, mod3, 1)
    c.connect(mod3, tslot)
    tw3 = c.obj(500, 1470, "t f b")
    c.connect(tid2, tw3, 0)
    c.connect(tw3, keep, 1)
    wkey = c.obj(620, 1500, "tabwrite $0-key")
    c.connect(keep, wkey)
    c.connect(tslot, wkey, 1, 1)
    plus3 = c.obj(500, 1500, "+ 1")
    wplayed = c.obj(500, 1530, "tabwrite $0-played")
    c.connect(tw3, plus3, 0)
    c.connect(plus3, wplayed)
    c.connect(tslot, wplayed, 0, 1)
    c.connect(unp, mk, 3, 1)
    c.connect(unp, mk, 4, 2)
    tdec = c.obj(20, 1480, "t f f")
    c.connect(mk, tdec, 0)
    div = c.obj(120, 1510, "div 128")
    plus1 = c.obj(120, 1540, "+ 1")
    modp = c.obj(20, 1540, "mod 128")
    nout = c.obj(20, 1580, "noteout")
    c.connect(tdec, div, 1)
    c.chain(div, plus1)
    c.connect(plus1, nout, 0, 2)
    c.connect(tdec, modp, 0)
    c.connect(modp, nout, 0, 0)
    c.connect(mk, nout, 1, 1)
    pk3 = c.obj(250, 1580, "pack f f f")
    c.connect(modp, pk3, 0, 0)
    c.connect(mk, pk3, 1, 1)
    c.connect(plus1, pk3, 0, 2)
    outlet_notes = c.obj(250, 1610, "outlet")
    c.connect(pk3, outlet_notes)
    # played counter for the display
    cnt2 = c.obj(20, 1620, "f")
    inc2 = c.obj(60, 1620, "+ 1")
    c.connect(unp, cnt2, 0)
    c.connect(cnt2, inc2)
    c.connect(inc2, cnt2, 0, 1)
    splayed = c.obj(20, 1650, "s $0-played-disp")
    c.connect(cnt2, splayed)
    # /note/cancel id: mark its slot
    c.comment(700, 60, "/note/cancel id: mark slot id mod 4096 with id + 1")
    rc = c.obj(700, 90, "r $0-cancel")
    tcan = c.obj(700, 120, "t f f f")
    modc2 = c.obj(800, 150, f"mod {CANCEL_SLOTS}")
    plusc = c.obj(750, 150, "+ 1")
    tw2 = c.obj(750, 180, "tabwrite $0-cancel")
    c.chain(rc, tcan)
    c.connect(tcan, modc2, 2)
    c.connect(modc2, tw2, 0, 1)
    c.connect(tcan, plusc, 1)
    c.connect(plusc, tw2)
    pcan = c.obj(700, 210, "list prepend cancel")
    c.connect(tcan, pcan, 0)
    c.connect(pcan, svp)
    # ... and if it already sounds (slot holds id + 1 in $0-played), end it now
    tsnd = c.obj(900, 120, "t f f")
    c.connect(tcan, tsnd, 0)
    mod4 = c.obj(960, 150, f"mod {CANCEL_SLOTS}")
    ts2 = c.obj(960, 180, "t f f")
    rkey = c.obj(1040, 210, "tabread $0-key")
    rplayed = c.obj(960, 240, "tabread $0-played")
    plus4 = c.obj(900, 240, "+ 1")
    eq = c.obj(900, 270, "==")
    sel1 = c.obj(900, 300, "sel 1")
    keep2 = c.obj(900, 330, "f")
    tend = c.obj(900, 360, "t f b")
    vel0 = c.msg(960, 390, "0")
    c.connect(tsnd, mod4, 1)
    c.connect(mod4, ts2)
    c.connect(ts2, rkey, 1)
    c.connect(rkey, keep2, 0, 1)
    c.connect(ts2, rplayed, 0)
    c.connect(rplayed, eq, 0, 1)
    c.connect(tsnd, plus4, 0)
    c.chain(plus4, eq, sel1, keep2, tend)
    c.connect(tend, vel0, 1)
    c.connect(vel0, nout, 0, 1)
    c.connect(vel0, pk3, 0, 1)
    c.connect(tend, tdec, 0)
    for i, name in enumerate(("cancel", "played", "key")):
        c.obj(700, 450 + 30 * i, f"array define $0-{name} {CANCEL_SLOTS}")
    # all notes off: drop what waits, end what sounds, CC 123 on every channel
    c.comment(700, 560, "silence (stop, locate, /agent/allnotesoff, panic)")
    rs = c.obj(700, 590, "r $0-silence")
    ts = c.obj(700, 620, "t b b b")
    clr = c.msg(840, 650, "clear")
    stp = c.msg(770, 680, "stop")
    cc = c.msg(700, 710, ", ".join(f"0 123 {ch}" for ch in range(1, 17)), width=40)
    ctl = c.obj(700, 820, "ctlout")
    c.chain(rs, ts)
    c.connect(ts, clr, 2)
    c.connect(clr, pipe)
    c.connect(ts, stp, 1)
    c.connect(stp, mk)
    c.connect(ts, cc, 0)
    c.connect(cc, ctl)


def status(p: Canvas) -> None:
    """[pd status]: /agent/status and /agent/error -> the right outlet, the display, [print sideman]."""
    c = p.subpatch(20, 570, "status", 900, 500)
    rs = c.obj(20, 40, "r $0-status")
    ls = c.obj(130, 40, "list")
    ts = c.obj(20, 70, "t l l b")
    c.chain(rs, ls, ts)
    # alive: on with each status, off 3 s after the last one (the heartbeat is 1 s by default)
    one = c.msg(300, 100, "1")
    dl = c.obj(360, 100, "delay 3000")
    zero = c.msg(360, 130, "0")
    salive = c.obj(300, 160, "s $0-alive")
    c.connect(ts, one, 2)
    c.connect(ts, dl, 2)
    c.chain(dl, zero, salive)
    c.connect(one, salive)
    pst = c.obj(160, 100, "list prepend status")
    c.connect(ts, pst, 1)
    svp = c.obj(160, 130, "s $0-vprint")
    c.connect(pst, svp)
    sinfo = c.obj(160, 160, "s $0-info")
    c.connect(pst, sinfo)
    unp = c.obj(20, 200, "unpack s s f f f f f f f f f f f")
    c.connect(ts, unp, 0)
    sstate = c.obj(20, 240, "s $0-agentstate-disp")
    c.connect(unp, sstate, 0)
    # errors: always printed, shown, and sent out of the right outlet
    re_ = c.obj(500, 40, "r $0-error")
    le = c.obj(580, 40, "list")
    te = c.obj(500, 70, "t l l")
    perr = c.obj(500, 100, "list prepend error")
    trim3 = c.obj(500, 130, "list trim")
    prt = c.obj(500, 160, "print sideman")
    c.chain(re_, le, te, perr, trim3, prt)
    c.connect(perr, sinfo)
    pset = c.obj(640, 100, "list prepend set")
    trim = c.obj(640, 130, "list trim")
    sdisp = c.obj(640, 160, "s $0-error-disp")
    c.connect(te, pset, 1)
    c.chain(pset, trim, sdisp)
    # verbose printing
    rv = c.obj(20, 300, "r $0-vprint")
    rverb = c.obj(120, 300, "r $0-verbose")
    gate = c.obj(20, 330, "spigot")
    trim2 = c.obj(20, 360, "list trim")
    prt2 = c.obj(20, 390, "print sideman")
    c.connect(rv, gate)
    c.connect(rverb, gate, 0, 1)
    c.chain(gate, trim2, prt2)
    # /agent/hello PORT at connect, listen and every 5 s, so the agent answers on our port
    c.comment(300, 220, "/agent/hello listen-port: on connect, listen, every 5 s")
    rh = c.obj(300, 250, "r $0-hello")
    rcon = c.obj(400, 250, "r $0-connected")
    lb = c.obj(520, 250, "loadbang")
    mt = c.obj(520, 280, "metro 5000")
    c.chain(lb, mt)
    th = c.obj(300, 310, "t b")
    c.connect(rh, th)
    c.connect(rcon, th)
    c.connect(mt, th)
    vport = c.obj(300, 340, "v $0-listenport")
    mo = c.obj(300, 370, "moses 1")
    phello = c.obj(380, 400, "list prepend agent hello")
    stx = c.obj(380, 430, "s $0-tx")
    c.chain(th, vport, mo)
    c.connect(mo, phello, 1)
    c.connect(phello, stx)


def init(p: Canvas) -> None:
    """[pd init]: defaults, then the ports from the creation arguments."""
    c = p.subpatch(20, 600, "init", 800, 420)
    c.comment(20, 10, f"[sideman AGENT_PORT LISTEN_PORT]: 0 or none = {DEFAULT_AGENT_PORT} / "
              f"{DEFAULT_LISTEN_PORT}, -1 = wait for connect / listen messages", width=100)
    lb = c.obj(20, 50, "loadbang")
    t = c.obj(20, 80, "t b b b")
    c.chain(lb, t)
    bpm = c.msg(240, 110, "120")
    vbpm = c.obj(240, 140, "v $0-bpm")
    late = c.msg(340, 110, "50")
    vlate = c.obj(340, 140, "v $0-latems")
    c.connect(t, bpm, 2)
    c.connect(bpm, vbpm)
    c.connect(t, late, 2)
    c.connect(late, vlate)
    fa = c.obj(20, 200, "f $1")
    fl = c.obj(130, 170, "f $2")
    c.connect(t, fl, 1)
    c.connect(t, fa, 0)
    sa = c.obj(20, 230, "sel 0 -1")
    c.connect(fa, sa)
    da = c.msg(20, 260, str(DEFAULT_AGENT_PORT))
    c.connect(sa, da, 0)
    host = c.obj(20, 300, "list prepend 127.0.0.1")
    c.connect(da, host)
    c.connect(sa, host, 2)
    scon = c.obj(20, 330, "s $0-connect")
    c.connect(host, scon)
    sl = c.obj(130, 200, "sel 0 -1")
    c.connect(fl, sl)
    dl = c.msg(130, 230, str(DEFAULT_LISTEN_PORT))
    c.connect(sl, dl, 0)
    slisten = c.obj(130, 330, "s $0-listen")
    c.connect(dl, slisten)
    c.connect(sl, slisten, 2)
    rl = c.obj(450, 300, "r $0-late")
    vl = c.obj(450, 330, "v $0-latems")
    c.chain(rl, vl)


def sideman() -> tuple[Canvas, list[str]]:
    """The abstraction [sideman]: inlet commands, two outlets (played notes, info), a small display."""
    p = Canvas(width=1100, height=820)
    p.panel(20, 20, 236, 104, label="sideman")
    p.toggle(26, 40, receive="$0-alive", label="agent")
    p.symbolatom(90, 40, 9, receive="$0-agentstate-disp")
    p.floatatom(180, 40, 5, receive="$0-beat-disp", label="beat")
    p.floatatom(26, 70, 5, receive="$0-played-disp", label="played")
    p.floatatom(130, 70, 4, receive="$0-late-disp", label="late")
    p.symbolatom(26, 100, 26, receive="$0-error-disp")
    p.graph_on_parent(20, 20, 236, 104)
    p.comment(300, 20, "Sideman for Pd: see sideman-help.pd and patches/README.md. Left inlet: play, stop, "
              "tempo BPM, timesig N D, locate BEAT, loop START END, chord BEAT DUR SYMBOL, clearchords, "
              "note BEAT PITCH VEL DUR, noteon PITCH VEL, instruments P..., set NAME VALUE, panic, "
              "connect HOST PORT, listen PORT, verbose 0/1, interval MS, late MS, osc /ADDRESS ARGS...",
              width=60)
    inlet = p.obj(300, 200, "inlet")
    names = [name for name, _ in COMMANDS]
    route = p.obj(300, 230, "route " + " ".join(names), width=60)
    p.connect(inlet, route)
    x, y = 300, 290
    for i, (name, dest) in enumerate(COMMANDS):  # three columns of seven
        if dest.startswith("tx "):
            pre = p.obj(x, y, "list prepend " + dest[3:])
            send = p.obj(x, y + 25, "s $0-tx")
            p.connect(route, pre, i)
            p.connect(pre, send)
        else:
            send = p.obj(x, y, dest)
            p.connect(route, send, i)
        y += 55
        if y > 620:
            x, y = x + 260, 290
    unknown = p.obj(x, y, "print sideman-unknown-command")
    p.connect(route, unknown, len(COMMANDS))
    # panic: tell the agent, and silence here at once
    rp = p.obj(300, 700, "r $0-panic")
    tp = p.obj(300, 725, "t b b")
    mp = p.msg(300, 750, "agent panic")
    stx = p.obj(300, 775, "s $0-tx")
    ssil = p.obj(400, 750, "s $0-silence")
    p.chain(rp, tp)
    p.connect(tp, ssil, 1)
    p.connect(tp, mp, 0)
    p.connect(mp, stx)
    clock(p)
    human(p)
    formats = osc_out(p)
    osc_in(p)
    schedule(p)
    status(p)
    init(p)
    out_notes = p.obj(20, 680, "outlet")
    rinfo = p.obj(200, 650, "r $0-info")
    out_info = p.obj(200, 680, "outlet")
    p.connect(rinfo, out_info)
    sub = next(s for s in p.subpatches if s.name == "schedule")
    p.connect(sub, out_notes)
    return p, formats


SELFTEST_CHORDS = [(0, 4, "C"), (4, 4, "Am"), (8, 4, "F"), (12, 4, "G"), (16, 4, "C"), (20, 4, "Am"),
                   (24, 4, "Dm7"), (28, 4, "G7")]
SELFTEST_CHANGE = (13.25, 14, 2, "Eb")  # at beat 13.25 the chord of beats 14-16 changes: the agent replans
SELFTEST_MELODY = [72, 76, 79, 76, 72, 69, 76, 72, 77, 72, 69, 72, 71, 74, 79, 74,
                   76, 79, 84, 79, 81, 76, 72, 76, 74, 77, 81, 77, 79, 77, 74, 71]  # one per beat
SELFTEST_BPM = 240
SELFTEST_MALFORMED = ["osc /note/on 4 60 300", "osc /bogus 1"]  # the agent must answer both with /agent/error


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
    start = p.msg(20, 150, f"run {DEFAULT_AGENT_PORT} {DEFAULT_LISTEN_PORT} 0")
    sst = p.obj(20, 180, "s sideman-selftest")
    p.connect(start, sst)
    rst = p.obj(20, 220, "r sideman-selftest")
    route = p.obj(20, 250, "route run")
    unp = p.obj(20, 280, "unpack f f f")
    p.chain(rst, route, unp)
    vquit = p.obj(250, 310, "v sideman-selftest-quit")
    p.connect(unp, vquit, 2)
    tports = p.obj(130, 310, "t f f")
    p.connect(unp, tports, 1)
    sideman_box = p.obj(20, 720, "sideman -1 -1")
    mlisten = p.msg(130, 340, "listen $1")
    p.connect(tports, mlisten, 0)
    p.connect(mlisten, sideman_box)
    tagent = p.obj(20, 340, "t b f")
    p.connect(unp, tagent, 0)
    mconnect = p.msg(60, 370, "connect 127.0.0.1 $1")
    p.connect(tagent, mconnect, 1)
    p.connect(mconnect, sideman_box)
    setup_lines = ["verbose 1", "set seed 1", "instruments 0 33", f"tempo {SELFTEST_BPM}", "timesig 4 4",
                   "clearchords", "locate 0"]
    setup_lines += [f"chord {b} {d} {s}" for b, d, s in SELFTEST_CHORDS]
    setup_lines += SELFTEST_MALFORMED
    setup = p.msg(20, 410, ", ".join(setup_lines), width=28)
    p.connect(tagent, setup, 0)
    p.connect(setup, sideman_box)
    # play 500 ms after the setup, with the melody metro
    dplay = p.obj(450, 220, "delay 500")
    p.connect(tagent, dplay, 0)
    tplay = p.obj(450, 250, "t b b b b")
    p.connect(dplay, tplay)
    mplay = p.msg(450, 280, "play")
    p.connect(tplay, mplay, 0)
    p.connect(mplay, sideman_box)
    metro = p.obj(650, 310, f"metro {ms:g}")
    p.connect(tplay, metro, 1)
    counter = p.obj(650, 340, "f")
    inc = p.obj(690, 340, "+ 1")
    p.chain(metro, counter, inc)
    p.connect(inc, counter, 0, 1)
    zero = p.msg(750, 280, "0")
    p.connect(tplay, zero, 3)
    p.connect(zero, counter, 0, 1)
    moses = p.obj(650, 370, f"moses {bars}")
    p.connect(counter, moses)
    tk = p.obj(650, 400, "t b f")
    p.connect(moses, tk)
    melody = p.msg(650, 430, " ".join(str(n) for n in SELFTEST_MELODY), width=30)
    split = p.obj(650, 530, "list split")
    p.connect(tk, split, 1, 1)
    p.connect(tk, melody, 0)
    p.connect(melody, split)
    split1 = p.obj(650, 560, "list split 1")
    p.connect(split, split1, 1)
    ton = p.obj(650, 590, "t f f")
    p.connect(split1, ton, 0)
    non = p.msg(650, 620, "noteon $1 90")
    p.connect(ton, non, 0)
    p.connect(non, sideman_box)
    poff = p.obj(750, 620, f"pipe {ms * 0.6:g}")
    p.connect(ton, poff, 1)
    noff = p.msg(750, 650, "noteon $1 0")
    p.connect(poff, noff)
    p.connect(noff, sideman_box)
    # the chord change while playing
    at, beat, dur, sym = SELFTEST_CHANGE
    dchange = p.obj(450, 340, f"delay {at * ms:g}")
    p.connect(tplay, dchange, 2)
    mchange = p.msg(450, 370, f"chord {beat} {dur} {sym}")
    p.chain(dchange, mchange, sideman_box)
    # stop after the last bar, say done, quit if asked
    dstop = p.obj(250, 460, f"delay {bars * ms:g}")
    p.connect(tplay, dstop, 2)
    tstop = p.obj(250, 490, "t b b")
    p.connect(dstop, tstop)
    mstop = p.msg(250, 520, "stop")
    p.connect(tstop, mstop, 0)
    p.connect(mstop, sideman_box)
    mmetro = p.msg(330, 520, "0")
    p.connect(tstop, mmetro, 1)
    p.connect(mmetro, metro)
    ddone = p.obj(250, 550, "delay 800")
    p.connect(tstop, ddone, 0)
    tdone = p.obj(250, 580, "t b b")
    p.connect(ddone, tdone)
    mdone = p.msg(450, 610, "done")
    pdone = p.obj(450, 640, "print sideman-selftest")
    p.connect(tdone, mdone, 1)
    p.connect(mdone, pdone)
    vq = p.obj(250, 640, "v sideman-selftest-quit")
    p.connect(tdone, vq, 0)
    selq = p.obj(250, 670, "sel 1")
    dq = p.obj(250, 700, "delay 100")
    quit_ = p.msg(250, 730, "; pd quit")
    p.chain(vq, selq, dq, quit_)
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
    ]
    sm = p.obj(20, 560, f"sideman {DEFAULT_AGENT_PORT} {DEFAULT_LISTEN_PORT}")
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
        "a slightly late one plays at once. stop, locate, loop jumps, panic and /agent/allnotesoff drop "
        "what waits and end what sounds (CC 123 on every channel)."),
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
