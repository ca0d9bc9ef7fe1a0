"""The abstraction [sideman] (sideman.pd), stage by stage: one function per subpatch or per part of one.

Message flow inside [sideman] (every internal name carries $0, so instances never talk to each other):

    inlet commands --> [s $0-tx] "address words + args" --> [pd osc-out] --> [oscformat] --> [netsend]
    [netreceive] --> [oscparse] --> [pd osc-in] --> /note         --> [pd schedule] --> [pipe] --> [makenote]
                                                 --> /note/cancel, /agent/allnotesoff, /agent/status, /agent/error
    [pd clock]: the patch's own transport. beat = anchor + playing * elapsed_ms * bpm / 60000, where the
    anchor (beat, [timer] reset) moves on play, stop, tempo change and locate.

Boxes are placed with patches/layout.py: a chain runs down a Column, a trigger's fan-out sits on a Grid
(column, row) as a staircase, right outlets first. Each stage gets the top-left corner of its area.
"""

from __future__ import annotations

from defaults import AGENT_PORT, LATE_MS, LISTEN_PORT, PLAYHEAD_INTERVAL_MS
from layout import Column, Grid
from pdfile import Box, Canvas

CANCEL_SLOTS = 4096  # note ids are remembered modulo this for /note/cancel (ids count up, so no clash)

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
    ("activity", "s $0-activity"),
    ("octave", "s $0-octave"),
    ("velocity", "s $0-velocity"),
    ("subscribe", "s $0-subscribe"),
]

# Outbound OSC: internal address words -> [oscformat] type flags (None = Pd's own: floats, symbols as s).
# A symbol argument is never forced to `s`: [oscformat] would read a number there as a symbol and crash.
OSC_OUT = [
    ("transport play", None),
    ("transport stop", None),
    ("transport tempo", "f"),
    ("transport timesig", "ii"),
    ("transport loop", "iff"),
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
    ("agent subscribe", "i"),  # then the parts, a symbol
]


def getter(c: Canvas, x: int, y: int, name: str) -> tuple[Box, Box]:
    """[t b b] -> [s $0-now] (the clock computes the beat), then [v $0-beat]: returns (trigger, value)."""
    g = Grid(c, x, y, col_px=60, row_px=25)
    trig = g.obj(0, 0, "t b b")
    now = g.obj(1, 1, "s $0-now")
    val = g.obj(0, 2, f"v $0-{name}")
    c.connect(trig, now, 1)
    c.connect(trig, val, 0)
    return trig, val


# ---- [pd clock] ------------------------------------------------------------------------------------


def clock_now(c: Canvas, col: Column[Box]) -> None:
    """[r $0-now] computes the beat now into [v $0-beat] from the anchor, the timer, playing and bpm, and
    the loop: past its end the beat wraps (modulo the loop), so the loop needs no re-anchoring and a note
    timed across the wrap plays on its beat. Pd's floats are 32-bit: after an hour at 120 bpm the beat is
    still exact to about 0.25 ms."""
    col.comment("beat now = anchor + playing * elapsed ms * bpm / 60000 (one [timer]), wrapped into an active "
                "loop, written to [v $0-beat]", rows=4 / 3, width=90)
    rnow = col.obj("r $0-now")
    t6 = col.obj("t b b b b b b")
    rreset = col.obj("r $0-timer-reset")
    row = col.row(gap_px=30)
    timer, anchor, playing, bpm = (row.obj(t) for t in ("timer", "v $0-anchor", "v $0-playing", "v $0-bpm"))
    row = col.row(gap_px=30).skip(77)
    lstart, lend = row.obj("v $0-loopstart"), row.obj("v $0-loopend")
    col.skip(1 / 3)
    raw = "$f2 + $f3 * $f1 * $f4 / 60000"
    expr = col.obj(f"expr if($f6 > $f5 && {raw} >= $f6, $f5 + fmod({raw} - $f5, $f6 - $f5), {raw})", width=60,
                   rows=2)
    store = col.obj("v $0-beat")
    c.chain(rnow, t6)
    c.connect(t6, lend, 5)
    c.connect(lend, expr, 0, 5)
    c.connect(t6, lstart, 4)
    c.connect(lstart, expr, 0, 4)
    c.connect(t6, bpm, 3)
    c.connect(bpm, expr, 0, 3)  # outlets 3..0: the rest, then the timer (hot) last
    c.connect(t6, playing, 2)
    c.connect(playing, expr, 0, 2)
    c.connect(t6, anchor, 1)
    c.connect(anchor, expr, 0, 1)
    c.connect(t6, timer, 0, 1)
    c.connect(rreset, timer, 0, 0)
    c.chain(timer, expr, store)


def clock_reanchor(c: Canvas, g: Grid[Box]) -> None:
    """[r $0-reanchor]: anchor = beat now, then restart the timer (before a tempo change, stop, ...)."""
    g.comment(0, 0, "re-anchor: anchor = beat now, timer restarts")
    rre = g.obj(0, 1, "r $0-reanchor")
    t3 = g.obj(0, 2, "t b b b")
    snow = g.obj(2, 3, "s $0-now")
    vbeat = g.obj(1, 4, "v $0-beat")
    vanchor = g.obj(1, 5, "v $0-anchor")
    sreset = g.obj(0, 6, "s $0-timer-reset")
    c.chain(rre, t3)
    c.connect(t3, snow, 2)
    c.connect(t3, vbeat, 1)
    c.connect(vbeat, vanchor)
    c.connect(t3, sreset, 0)


def clock_play(c: Canvas, col: Column[Box]) -> tuple[Box, Box, Box]:
    """play (if stopped): returns the [s $0-tx], [s $0-run] and [s $0-state] that stop shares."""
    col.comment("play (if stopped): anchor, playing = 1, /transport/loop, /transport/play, start the playhead "
                "metro, then the notes held while stopped", width=56)
    rplay = col.obj("r $0-play")
    vp1 = col.obj("v $0-playing")
    sel0 = col.obj("sel 0")
    tplay = col.obj("t b b b b b b")
    c.chain(rplay, vp1, sel0, tplay)
    g = col.grid()
    s_re1 = g.obj(5, 0, "s $0-reanchor")
    one = g.msg(4, 1, "1")
    vp2 = g.obj(4, 2, "v $0-playing")
    sloop = g.obj(3.3, 3, "s $0-sendloop")
    mplay = g.msg(1, 3, "transport play")
    srun1 = g.msg(0, 4, "1")
    srelease = g.obj(4.5, 4, "s $0-release")
    c.connect(tplay, s_re1, 5)
    c.connect(tplay, one, 4)
    c.connect(one, vp2)
    c.connect(tplay, sloop, 3)
    c.connect(tplay, mplay, 2)
    c.connect(tplay, srun1, 1)
    c.connect(tplay, srelease, 0)
    stx = g.obj(1, 5, "s $0-tx")
    c.connect(mplay, stx)
    srun = g.obj(0, 6, "s $0-run")
    c.connect(srun1, srun)
    sstate1 = g.msg(2.5, 4, "playing")
    c.connect(tplay, sstate1, 2)
    sst = g.obj(2.5, 6, "s $0-state")
    c.connect(sstate1, sst)
    return stx, srun, sst


def clock_stop(c: Canvas, col: Column[Box], stx: Box, srun: Box, sst: Box) -> None:
    """stop (if playing): anchor, playing = 0, metro off, /transport/stop, silence."""
    col.comment("stop (if playing): anchor, playing = 0, metro off, /transport/stop, silence, then /playhead "
                "(play will start here)", width=56)
    rstop = col.obj("r $0-stop")
    vs1 = col.obj("v $0-playing")
    sel1 = col.obj("sel 1")
    tstop = col.obj("t b b b b b b")
    c.chain(rstop, vs1, sel1, tstop)
    g = col.grid()
    s_re2 = g.obj(5, 0, "s $0-reanchor")
    zero = g.msg(4, 1, "0")
    vs2 = g.obj(4, 2, "v $0-playing")
    zero2 = g.msg(3, 3, "0")
    mstop = g.msg(1.5, 4, "transport stop")
    ssil = g.obj(0.5, 5, "s $0-silence")
    stick = g.obj(0, 6, "s $0-tick")
    c.connect(tstop, s_re2, 5)
    c.connect(tstop, zero, 4)
    c.connect(zero, vs2)
    c.connect(tstop, zero2, 3)
    c.connect(zero2, srun)
    c.connect(tstop, mstop, 2)
    c.connect(mstop, stx)
    c.connect(tstop, ssil, 1)
    c.connect(tstop, stick, 0)
    sstate2 = g.msg(3.5, 5, "stopped")
    c.connect(tstop, sstate2, 2)
    c.connect(sstate2, sst)


def clock_tempo(c: Canvas, g: Grid[Box]) -> None:
    """tempo BPM: anchor at the old tempo, then the new one, and tell the agent."""
    g.comment(0, 0, "tempo: anchor at the old tempo, then the new one")
    rtempo = g.obj(0, 1, "r $0-tempo")
    clip = g.obj(0, 2, "clip 10 1000")
    tt = g.obj(0, 3, "t f f b")
    s_re3 = g.obj(2, 4, "s $0-reanchor")
    vbpm = g.obj(1, 5, "v $0-bpm")
    ptempo = g.obj(0, 6, "list prepend transport tempo")
    stx2 = g.obj(0, 7, "s $0-tx")
    c.chain(rtempo, clip, tt)
    c.connect(tt, s_re3, 2)
    c.connect(tt, vbpm, 1)
    c.connect(tt, ptempo, 0)
    c.connect(ptempo, stx2)


def clock_locate(c: Canvas, g: Grid[Box]) -> None:
    """locate BEAT: silence, move, report at once."""
    g.comment(0, 0, "locate BEAT: silence, move, report at once")
    rloc = g.obj(0, 1, "r $0-locate")
    tl = g.obj(0, 2, "t b b f b")
    ssil2 = g.obj(3, 3, "s $0-silence")
    vanc2 = g.obj(2, 4, "v $0-anchor")
    sres2 = g.obj(1, 5, "s $0-timer-reset")
    stick = g.obj(0, 6, "s $0-tick")
    c.chain(rloc, tl)
    c.connect(tl, ssil2, 3)
    c.connect(tl, vanc2, 2)
    c.connect(tl, sres2, 1)
    c.connect(tl, stick, 0)


def clock_loop(c: Canvas, col: Column[Box]) -> None:
    """loop START END: the loop [START, END) if END - START >= 1 beat (as /transport/loop wants), else off
    (stored as 0 0); then /transport/loop ON START END. Also sent before play and when [netsend] connects."""
    col.comment("loop START END: on if END - START >= 1, else off (0 0)")
    rloop = col.obj("r $0-loop")
    norm = col.obj("expr if($f2 - $f1 >= 1, $f1, 0); if($f2 - $f1 >= 1, $f2, 0)", rows=4 / 3)
    c.chain(rloop, norm)
    row = col.row(gap_px=30)
    tstart, vle = row.obj("t b f"), row.obj("v $0-loopend")
    c.connect(norm, vle, 1)
    c.connect(norm, tstart, 0)
    vls = col.beside(40).obj("v $0-loopstart")
    c.connect(tstart, vls, 1)
    col.skip()
    ssend = col.obj("s $0-sendloop", rows=4 / 3)
    c.connect(tstart, ssend, 0)
    # /transport/loop ON START END from what is stored
    rsend = col.obj("r $0-sendloop")
    t2 = col.obj("t b b")
    g = col.grid(col_px=60)
    vle2 = g.obj(1, 0, "v $0-loopend")
    vls2 = g.obj(0, 1, "v $0-loopstart")
    pk = g.obj(0, 2, "pack f f")
    c.chain(rsend, t2)
    c.connect(t2, vle2, 1)
    c.connect(vle2, pk, 0, 1)
    c.connect(t2, vls2, 0)
    c.connect(vls2, pk)
    on = g.obj(0, 3, "expr $f2 > $f1; $f1; $f2")
    pk3 = g.obj(0, 5, "pack f f f")
    c.connect(pk, on)
    for i in (2, 1, 0):
        c.connect(on, pk3, i, i)
    ploop = g.obj(0, 6, "list prepend transport loop")
    stx = g.obj(0, 7, "s $0-tx")
    c.chain(pk3, ploop, stx)


def clock_connected(c: Canvas, col: Column[Box]) -> None:
    """When [netsend] connects (at load, or `connect`): /transport/loop, then /playhead (stopped: play will
    start here), so the agent can send the first notes before play."""
    rcon = col.obj("r $0-connected")
    sel = col.obj("sel 1")
    t2 = col.obj("t b b")
    row = col.row()
    stick, ssend = row.obj("s $0-tick"), row.obj("s $0-sendloop")
    c.chain(rcon, sel, t2)
    c.connect(t2, ssend, 1)
    c.connect(t2, stick, 0)


def clock_playhead(c: Canvas, col: Column[Box]) -> None:
    """Every `interval` ms while playing, and on [s $0-tick]: /playhead beat (already wrapped in a loop)."""
    col.comment("every interval ms while playing, and on a tick: /playhead beat", width=40)
    g = col.grid()
    rrun = g.obj(0, 0, "r $0-run")
    rint = g.obj(1.3, 0, "r $0-interval")
    metro = g.obj(0, 1, f"metro {PLAYHEAD_INTERVAL_MS}")
    rtick = g.obj(2.6, 1, "r $0-tick")
    c.connect(rrun, metro)
    c.connect(rint, metro, 0, 1)
    tk = g.obj(0, 2, "t b b")
    c.connect(metro, tk)
    c.connect(rtick, tk)
    snow = g.obj(1, 3, "s $0-now")
    vb = g.obj(0, 4, "v $0-beat")
    c.connect(tk, snow, 1)
    c.connect(tk, vb, 0)
    tph = g.obj(0, 5, "t f f")
    pph = g.obj(0, 7, "list prepend playhead")
    stx = g.obj(0, 8, "s $0-tx")
    c.chain(vb, tph)
    c.connect(tph, pph, 0)
    c.connect(pph, stx)
    disp = g.obj(3, 6, "i")
    chg = g.obj(3, 7, "change")
    sdisp = g.obj(3, 8, "s $0-beat-disp")
    c.connect(tph, disp, 1)
    c.chain(disp, chg, sdisp)


def clock(p: Canvas) -> None:
    """[pd clock]: the transport, the playhead sender, loops."""
    c = p.subpatch(20, 420, "clock", 1100, 1000)
    clock_now(c, Column(c, 20, 10))
    clock_reanchor(c, Grid(c, 450, 50, col_px=55))
    stx, srun, sst = clock_play(c, Column(c, 20, 300))
    clock_stop(c, Column(c, 450, 300), stx, srun, sst)
    clock_tempo(c, Grid(c, 900, 50))
    clock_locate(c, Grid(c, 900, 300, col_px=60))
    clock_loop(c, Column(c, 900, 520))
    clock_playhead(c, Column(c, 20, 700))
    clock_connected(c, Column(c, 700, 700))


# ---- [pd human], [pd osc-out], [pd osc-in] ---------------------------------------------------------


def human(p: Canvas) -> None:
    """[pd human]: [notein] and `noteon PITCH VEL` -> /note/on beat pitch velocity (0 = off)."""
    c = p.subpatch(20, 450, "human", 600, 400)
    col = Column(c, 20, 10)
    col.comment("MIDI in (any channel) and noteon PITCH VEL, stamped with the beat now", width=72)
    notein = col.obj("notein")
    row = col.row(gap_px=60)
    pk, rh = row.obj("pack f f"), row.obj("r $0-human")
    c.connect(notein, pk, 0, 0)
    c.connect(notein, pk, 1, 1)
    tl = col.obj("t l b")
    c.connect(pk, tl)
    c.connect(rh, tl)
    trig, val = getter(c, col.x + 100, col.y, "beat")
    c.connect(tl, trig, 1)
    col.skip(3)
    pre = col.obj("list prepend")
    c.connect(val, pre, 0, 1)
    c.connect(tl, pre, 0)
    pon = col.obj("list prepend note on")
    stx = col.obj("s $0-tx")
    c.chain(pre, pon, stx)


def osc_out_formats(c: Canvas, route1: Box, netsend_in: Box, firsts: list[str]) -> list[str]:
    """One [oscformat] per outbound address, under a second [route] for addresses of two words."""
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
        g = Grid(c, x, 240, row_px=60)
        for j, (address, flags) in enumerate(group):
            text = "oscformat " + (f"-f {flags} " if flags else "") + address
            formats.append(text)
            dest = fmt = g.obj(0, j + 25 / 60, text)
            widest = max(widest, len(text))
            words = address.split()
            if flags is None and address == "agent set":
                dest = g.obj(0, j, "list")  # `set seed 1` leaves `seed 1`: make it a list
                c.connect(dest, fmt)
            if len(words) > 1:
                c.connect(src, dest, seconds.index(words[1]))
            elif seconds:
                c.connect(src, dest, len(seconds))  # the reject outlet: the address is the first word alone
            else:
                c.connect(route1, dest, src_outlet)
            c.connect(fmt, netsend_in)
        x += 7 * widest + 30
    return formats


def osc_out_raw(c: Canvas, col: Column[Box], netsend_in: Box) -> None:
    """`osc /any/address args`: anything, for testing (and for what the contract adds later)."""
    col.comment("osc /ADDRESS ARGS...: any message")
    rraw = col.obj("r $0-rawosc")
    traw = col.obj("t a a")
    g = col.grid(col_px=100)
    split_set = g.obj(1, 0, "list split 1")
    setmsg = g.msg(1, 1, "set $1")
    split_args = g.obj(0, 2, "list split 1")
    generic = g.obj(0, 3.3, "oscformat")
    c.chain(rraw, traw)
    c.connect(traw, split_set, 1)
    c.connect(split_set, setmsg, 0)
    c.connect(setmsg, generic)
    c.connect(traw, split_args, 0)
    c.connect(split_args, generic, 1)
    c.connect(generic, netsend_in)


def osc_out_socket(c: Canvas, col: Column[Box], netsend_in: Box) -> None:
    """[netsend -u -b] behind a gate that opens once connected; `connect HOST PORT` (re)connects it."""
    gate = col.obj("spigot")
    trim2 = col.obj("list trim")
    netsend = col.obj("netsend -u -b")
    c.chain(netsend_in, gate, trim2, netsend)
    g = Grid(c, col.x + 280, col.y - 90)
    rcon = g.obj(0, -1, "r $0-connect")
    lcon = g.obj(0, 0, "list")
    mcon = g.msg(0, 1, "disconnect, connect $1 $2")
    c.chain(rcon, lcon, mcon)
    c.connect(mcon, netsend)
    tcon = col.obj("t f f")
    scon = col.obj("s $0-connected")
    c.connect(netsend, tcon)
    c.connect(tcon, gate, 1, 1)  # connected (1) or not (0): open the gate first, then say so
    c.connect(tcon, scon, 0)


def osc_out(p: Canvas) -> list[str]:
    """[pd osc-out]: internal "address words + args" -> [oscformat] -> [netsend -u -b]."""
    c = p.subpatch(20, 480, "osc-out", 1300, 760)
    col = Column(c, 20, 10)
    col.comment("[s $0-tx] takes the OSC address as words, then the arguments (transport tempo 120 -> "
                "/transport/tempo 120), type flags as patches/OSC.md. Nothing is sent until [netsend] is "
                "connected.", width=120, rows=5 / 3)
    rtx = col.obj("r $0-tx")
    trim = col.obj("list trim")
    c.chain(rtx, trim)
    firsts = list(dict.fromkeys(a.split()[0] for a, _ in OSC_OUT))
    row = col.row(gap_px=100)
    route1 = row.obj("route " + " ".join(firsts))
    c.connect(trim, route1)
    bad = row.obj("print sideman-bug-unknown-tx")
    c.connect(route1, bad, len(firsts))
    netsend_in = c.obj(20, 560, "list prepend send")
    formats = osc_out_formats(c, route1, netsend_in, firsts)
    osc_out_raw(c, Column(c, 600, 500), netsend_in)
    osc_out_socket(c, Column(c, 20, 590), netsend_in)
    return formats


def osc_in(p: Canvas) -> None:
    """[pd osc-in]: [netreceive -u -b] -> [oscparse] -> notes, cancels, all-notes-off, status, errors."""
    c = p.subpatch(20, 510, "osc-in", 900, 420)
    col = Column(c, 20, 10)
    col.comment("[oscparse] splits the address into words: /note/cancel 5 -> note cancel 5", width=80)
    rl = col.obj("r $0-listen")
    ml = col.msg("listen $1")
    nr = col.obj("netreceive -u -b")
    parse = col.obj("oscparse")
    trim = col.obj("list trim")
    route = col.obj("route note agent", rows=4 / 3)
    c.chain(rl, ml, nr, parse, trim, route)
    g = col.grid(col_px=100)
    rc = g.obj(0, 0, "route cancel")
    c.connect(route, rc, 0)
    scancel = g.obj(0, 4 / 3, "s $0-cancel")
    snote = g.obj(1, 4 / 3, "s $0-incoming")
    c.connect(rc, scancel, 0)
    c.connect(rc, snote, 1)
    ra = g.obj(2.3, 0, "route status error allnotesoff")
    c.connect(route, ra, 1)
    sstatus = g.obj(2.3, 4 / 3, "s $0-status")
    serror = g.obj(3.3, 7 / 3, "s $0-error")
    c.connect(ra, sstatus, 0)
    c.connect(ra, serror, 1)
    taoff = g.obj(4.3, 4 / 3, "t b b")
    c.connect(ra, taoff, 2)
    ssil = g.obj(4.3, 10 / 3, "s $0-silence")
    c.connect(taoff, ssil, 0)
    maoff = g.msg(5, 7 / 3, "allnotesoff")
    c.connect(taoff, maoff, 1)
    sverb = g.obj(5.4, 13 / 3, "s $0-vprint")
    c.connect(maoff, sverb)
    other = g.obj(6.8, 0, "list prepend unexpected")
    c.connect(ra, other, 3)
    c.connect(route, other, 2)
    tother = g.obj(6.8, 1, "list trim")
    pother = g.obj(6.8, 2, "print sideman")
    c.chain(other, tother, pother)
    # remember the port we listen on and tell the agent (/agent/hello) so it replies here too
    vport = c.obj(150, 70, "v $0-listenport")
    c.connect(rl, vport)
    shello = c.obj(150, 100, "s $0-hello")
    c.connect(rl, shello)


# ---- [pd schedule] ---------------------------------------------------------------------------------

# The [expr] that judges an incoming note. Inputs: $f1 id, $f2 beat, $f3 pitch, $f4 velocity, $f5 dur_beats,
# $f6 channel, $f7 now, $f8 bpm, $f9 playing, $f10 late ms, $f11 loop start, $f12 loop end.
# Beats until the note ($f13 of JUDGE): in a loop [$f11, $f12), a note inside the loop more than half a
# loop behind the beat now is for the next pass (the agent plans across the wrap): add the loop's length.
AHEAD = "$f2 - $f7 + if($f12 > $f11 && $f2 >= $f11 && $f2 < $f12 && $f2 - $f7 < ($f11 - $f12) / 2, $f12 - $f11, 0)"
IN_LOOP = "($f12 <= $f11 || $f2 < $f12)"  # no loop, or the note starts before its end (a note past it never comes)
JUDGE = [
    # 1 = schedule it (playing, not later than `late` ms), 2 = hold it until play (stopped, not behind
    # the beat now), 0 = drop it
    f"if($f9 != 0, $f13 * 60000 / $f8 >= -$f10 && {IN_LOOP}, 2 * ($f13 > -0.001 && {IN_LOOP}))",
    "$f1", "$f2", "$f3", "$f4",
    "$f5 * 60000 / $f8",  # duration, ms
    "$f6",
    "max($f13 * 60000 / $f8, 0)",  # wait, ms
    "$f13 * 60000 / $f8",  # lead, ms (negative = late)
    "$f7",
]


def schedule_judge(c: Canvas, col: Column[Box]) -> tuple[Box, Box, int]:
    """Each /note with the transport's state appended -> [expr JUDGE] -> (ok route, [s $0-vprint],
    the y below it).

    A new note first forgets an old cancel in its slot; a note held while stopped comes back through
    [r $0-rejudge] at play, keeping a cancel that came meanwhile."""
    row = col.row()
    rin, rre = row.obj("r $0-incoming"), row.skip(60).obj("r $0-rejudge")
    tnew = col.obj("t l l")
    c.connect(rin, tnew)
    gc = Grid(c, col.x + 40, col.y, col_px=40)
    first = gc.obj(0, 0, "list split 1")
    c.connect(tnew, first, 1)
    tclr = gc.obj(0, 1, "t b f")
    c.connect(first, tclr)
    modc = gc.obj(1, 2, f"mod {CANCEL_SLOTS}")
    zero = gc.msg(0, 2, "0")
    tw = gc.obj(0, 3, "tabwrite $0-cancel")
    c.connect(tclr, modc, 1)
    c.connect(modc, tw, 0, 1)
    c.connect(tclr, zero, 0)
    c.connect(zero, tw)
    col.skip(4)
    tl = col.obj("t l b")
    c.connect(tnew, tl, 0)
    c.connect(rre, tl)
    g = col.grid()
    t7 = g.obj(2.6, 0, "t b b b b b b b")
    c.connect(tl, t7, 1)
    snow = g.obj(7.6, 2 / 3, "s $0-now")
    vle = g.obj(6.6, 4 / 3, "v $0-loopend")
    vls = g.obj(5.6, 2, "v $0-loopstart")
    vlate = g.obj(5.6, 3, "v $0-latems")
    vplay = g.obj(4.6, 4, "v $0-playing")
    vbpm = g.obj(3.6, 4, "v $0-bpm")
    vbeat = g.obj(2.6, 5, "v $0-beat")
    pk = g.obj(2.6, 6, "pack f f f f f f")
    c.connect(t7, snow, 6)
    for i, box in ((5, vle), (4, vls), (3, vlate), (2, vplay), (1, vbpm), (0, vbeat)):
        c.connect(t7, box, i)
        c.connect(box, pk, 0, i)
    app = g.obj(0, 7, "list append")
    c.connect(pk, app, 0, 1)
    c.connect(tl, app, 0)
    tahead = g.obj(0, 8, "t l l")
    ahead = g.obj(1, 8.6, "expr " + AHEAD, width=80)
    app2 = g.obj(0, 10, "list append")
    c.connect(app, tahead)
    c.connect(tahead, ahead, 1)
    c.connect(ahead, app2, 0, 1)
    c.connect(tahead, app2, 0)
    ex = g.obj(0, 11, "expr " + "; ".join(JUDGE), width=60)
    c.connect(app2, ex)
    pack10 = g.obj(0, 19, "pack f f f f f f f f f f")
    for i in range(10):
        c.connect(ex, pack10, i, i)
    tv = g.obj(0, 20, "t l l")
    c.connect(pack10, tv)
    prec = g.obj(2.6, 21, "list prepend received")
    c.connect(tv, prec, 1)
    svp = g.obj(2.6, 22, "s $0-vprint")
    c.connect(prec, svp)
    g.comment(5.2, 21, "received OK ID BEAT PITCH VEL DUR_MS CH WAIT_MS LEAD_MS NOW (verbose)", width=50)
    okroute = g.obj(0, 21, "route 1 0 2")
    c.connect(tv, okroute, 0)
    # late (or stopped): count, tell
    gl = Grid(c, 300, g.y + 22 * 30 + 10)
    late = gl.obj(0, 0, "list prepend late")
    c.connect(okroute, late, 1)
    c.connect(late, svp)
    cnt = gl.obj(0, 1, "f")
    inc = gl.obj(0.6, 1, "+ 1")
    slate = gl.obj(0, 2, "s $0-late-disp")
    c.connect(okroute, cnt, 1)
    c.connect(cnt, inc)
    c.connect(inc, cnt, 0, 1)
    c.connect(cnt, slate)
    return okroute, svp, g.y + 22 * 30 + 10


def schedule_wait(c: Canvas, g: Grid[Box], okroute: Box) -> tuple[Box, Box]:
    """Accepted: wait in [pipe]; due: pass unless cancelled meanwhile (its slot holds id + 1).

    Returns ([pipe], the [t l l b] that plays a due note).
    """
    split = g.obj(0, 0, "list split 7")
    c.connect(okroute, split, 0)
    pipe = g.obj(0, 1.5, "pipe 0 0 0 0 0 0 0")  # six values, then the delay
    c.connect(split, pipe, 0)
    pack6 = g.obj(0, 2.5, "pack f f f f f f")
    for i in range(6):
        c.connect(pipe, pack6, i, i)
    tdue = g.obj(0, 3.5, "t l l")
    c.connect(pack6, tdue)
    first2 = g.obj(4.5, 4.5, "list split 1")
    c.connect(tdue, first2, 1)
    tid = g.obj(4.5, 5.5, "t f f")
    c.connect(first2, tid)
    mod2 = g.obj(6, 6.5, f"mod {CANCEL_SLOTS}")
    tr = g.obj(6, 7.5, "tabread $0-cancel")
    plus = g.obj(4.5, 7.5, "+ 1")
    ne = g.obj(4.5, 8.5, "!=")
    c.connect(tid, mod2, 1)
    c.chain(mod2, tr)
    c.connect(tr, ne, 0, 1)
    c.connect(tid, plus, 0)
    c.connect(plus, ne)
    gate = g.obj(0, 9.5, "spigot")
    c.connect(ne, gate, 0, 1)
    c.connect(tdue, gate, 0)
    tplay = g.obj(0, 10.5, "t l l b")
    c.connect(gate, tplay)
    return pipe, tplay


def schedule_play(c: Canvas, g: Grid[Box], tplay: Box, svp: Box) -> tuple[Box, Box, Box, Box]:
    """A due note: tell (verbose), [makenote] on pitch + 128 * (channel - 1), [noteout], the left outlet.

    Remembers what sounds in its slot (id + 1, and its pitch + channel key) for a /note/cancel. Returns
    ([makenote], [noteout], the outlet's [pack f f f], the [t f f] that splits a key into pitch and channel).
    """
    trig, val = getter(c, g.x + 280, g.y, "beat")
    c.connect(tplay, trig, 2)
    papp = g.obj(2.6, 3, "list append")
    c.connect(val, papp, 0, 1)
    c.connect(tplay, papp, 1)
    pplayed = g.obj(2.6, 4, "list prepend played")
    g.comment(5.2, 4, "played ID BEAT PITCH VEL DUR_MS CH NOW (verbose)")
    c.chain(papp, pplayed, svp)
    unp = g.obj(0, 5.33, "unpack f f f f f f")
    c.connect(tplay, unp, 0)
    enc = g.obj(0, 6.67, "expr $f1 + 128 * ($f2 - 1)")
    g.comment(3.3, 6.67, "pitch + 128 * (channel - 1): one [makenote] keeps every channel's note-offs apart",
              width=34)
    c.connect(unp, enc, 5, 1)
    c.connect(unp, enc, 2, 0)
    mk = g.obj(0, 8, "makenote 100 250")
    c.connect(enc, mk)
    keep = g.obj(8.6, 8, "f")
    c.connect(enc, keep, 0, 1)
    tid2 = g.obj(6.9, 6, "t f f")
    c.connect(unp, tid2, 0)
    mod3 = g.obj(7.7, 7, f"mod {CANCEL_SLOTS}")
    tslot = g.obj(7.7, 8, "t f f")
    c.connect(tid2, mod3, 1)
    c.connect(mod3, tslot)
    tw3 = g.obj(6.9, 9, "t f b")
    c.connect(tid2, tw3, 0)
    c.connect(tw3, keep, 1)
    wkey = g.obj(8.6, 10, "tabwrite $0-key")
    c.connect(keep, wkey)
    c.connect(tslot, wkey, 1, 1)
    plus3 = g.obj(6.9, 10, "+ 1")
    wplayed = g.obj(6.9, 11, "tabwrite $0-played")
    c.connect(tw3, plus3, 0)
    c.connect(plus3, wplayed)
    c.connect(tslot, wplayed, 0, 1)
    c.connect(unp, mk, 3, 1)
    c.connect(unp, mk, 4, 2)
    tdec = g.obj(0, 9.33, "t f f")
    c.connect(mk, tdec, 0)
    div = g.obj(1.4, 10.33, "div 128")
    plus1 = g.obj(1.4, 11.33, "+ 1")
    modp = g.obj(0, 11.33, "mod 128")
    nout = g.obj(0, 12.67, "noteout")
    c.connect(tdec, div, 1)
    c.chain(div, plus1)
    c.connect(plus1, nout, 0, 2)
    c.connect(tdec, modp, 0)
    c.connect(modp, nout, 0, 0)
    c.connect(mk, nout, 1, 1)
    pk3 = g.obj(3.3, 12.67, "pack f f f")
    c.connect(modp, pk3, 0, 0)
    c.connect(mk, pk3, 1, 1)
    c.connect(plus1, pk3, 0, 2)
    outlet_notes = g.obj(3.3, 13.67, "outlet")
    c.connect(pk3, outlet_notes)
    # played counter for the display
    cnt2 = g.obj(0, 14, "f")
    inc2 = g.obj(0.6, 14, "+ 1")
    c.connect(unp, cnt2, 0)
    c.connect(cnt2, inc2)
    c.connect(inc2, cnt2, 0, 1)
    splayed = g.obj(0, 15, "s $0-played-disp")
    c.connect(cnt2, splayed)
    return mk, nout, pk3, tdec


def schedule_cancel(c: Canvas, col: Column[Box], svp: Box, nout: Box, pk3: Box, tdec: Box) -> None:
    """/note/cancel id: mark slot id mod 4096 with id + 1; if the note already sounds, end it now."""
    col.comment("/note/cancel id: mark slot id mod 4096 with id + 1")
    rc = col.obj("r $0-cancel")
    tcan = col.obj("t f f f")
    g = col.grid(col_px=50)
    modc2 = g.obj(2, 0, f"mod {CANCEL_SLOTS}")
    plusc = g.obj(1, 0, "+ 1")
    tw2 = g.obj(1, 1, "tabwrite $0-cancel")
    c.chain(rc, tcan)
    c.connect(tcan, modc2, 2)
    c.connect(modc2, tw2, 0, 1)
    c.connect(tcan, plusc, 1)
    c.connect(plusc, tw2)
    pcan = g.obj(0, 2, "list prepend cancel")
    c.connect(tcan, pcan, 0)
    c.connect(pcan, svp)
    # ... and if it already sounds (slot holds id + 1 in $0-played), end it now
    g = Grid(c, col.x + 200, col.y - 30, col_px=60)
    tsnd = g.obj(0, 0, "t f f")
    c.connect(tcan, tsnd, 0)
    mod4 = g.obj(1, 1, f"mod {CANCEL_SLOTS}")
    ts2 = g.obj(1, 2, "t f f")
    rkey = g.obj(2.33, 3, "tabread $0-key")
    rplayed = g.obj(1, 4, "tabread $0-played")
    plus4 = g.obj(0, 4, "+ 1")
    eq = g.obj(0, 5, "==")
    sel1 = g.obj(0, 6, "sel 1")
    keep2 = g.obj(0, 7, "f")
    tend = g.obj(0, 8, "t f b")
    vel0 = g.msg(1, 9, "0")
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


def schedule_hold(c: Canvas, col: Column[Box], okroute: Box) -> Box:
    """Notes received while stopped (from the /playhead that says where play will start) wait in a
    [textfile] until play, then go back through the judge, now playing; returns the [textfile]."""
    col.comment("held while stopped: judged again at play", width=40)
    split = col.obj("list split 6")
    c.connect(okroute, split, 2)
    tb = col.obj("t l b")
    c.connect(split, tb)
    vbpm = col.beside(60).obj("v $0-bpm")
    c.connect(tb, vbpm, 1)
    app = col.skip().obj("list append")
    c.connect(vbpm, app, 0, 1)
    c.connect(tb, app, 0)
    # the judge gave the duration in ms: back to beats, as the agent sent it
    beats = col.obj("expr $f1; $f2; $f3; $f4; $f5 * $f7 / 60000; $f6", rows=4)
    c.connect(app, beats)
    pk = col.obj("pack f f f f f f")
    for i in range(6):
        c.connect(beats, pk, i, i)
    add = col.obj("list prepend add")
    trim = col.obj("list trim")
    held = col.obj("textfile", rows=4 / 3)
    c.chain(pk, add, trim, held)
    rrel = col.obj("r $0-release")
    trel = col.obj("t b b b")
    g = col.grid(col_px=60)
    rewind = g.msg(2, 0, "rewind")
    until = g.obj(1, 1, "until")
    clear = g.msg(0, 2, "clear")
    c.chain(rrel, trel)
    c.connect(trel, rewind, 2)
    c.connect(rewind, held)
    c.connect(trel, until, 1)
    c.connect(until, held)
    c.connect(held, until, 1, 1)  # the end of the file stops [until]
    c.connect(trel, clear, 0)
    c.connect(clear, held)
    srej = g.obj(2.5, 2, "s $0-rejudge")
    c.connect(held, srej, 0)
    return held


def schedule_silence(c: Canvas, col: Column[Box], pipe: Box, mk: Box, held: Box) -> None:
    """All notes off (stop, locate, /agent/allnotesoff, panic): drop what waits, end what sounds, CC 123."""
    col.comment("silence (stop, locate, /agent/allnotesoff, panic)")
    rs = col.obj("r $0-silence")
    ts = col.obj("t b b b")
    g = col.grid()
    clr = g.msg(2, 0, "clear")
    stp = g.msg(1, 1, "stop")
    cc = g.msg(0, 2, ", ".join(f"0 123 {ch}" for ch in range(1, 17)), width=40)
    ctl = g.obj(0, 5.67, "ctlout")
    c.chain(rs, ts)
    c.connect(ts, clr, 2)
    c.connect(clr, pipe)
    c.connect(clr, held)
    c.connect(ts, stp, 1)
    c.connect(stp, mk)
    c.connect(ts, cc, 0)
    c.connect(cc, ctl)


def schedule(p: Canvas) -> None:
    """[pd schedule]: /note -> [pipe] at its beat on our transport -> [makenote] -> [noteout] on its channel."""
    c = p.subpatch(20, 540, "schedule", 1300, 1000)
    col = Column(c, 20, 10)
    col.comment("/note id beat pitch velocity dur_beats channel: wait (beat - beat now) * 60000 / bpm ms, "
                "unless cancelled meanwhile. Late by more than `late` ms (default 50), or at or after the end of "
                "the loop: dropped. Less late: played now", width=120)
    okroute, svp, y = schedule_judge(c, col)
    pipe, tplay = schedule_wait(c, Grid(c, 20, y, col_px=40), okroute)
    mk, nout, pk3, tdec = schedule_play(c, Grid(c, 20, y + 320, col_px=70), tplay, svp)
    schedule_cancel(c, Column(c, 700, 60), svp, nout, pk3, tdec)
    for i, name in enumerate(("cancel", "played", "key")):
        c.obj(700, 450 + 30 * i, f"array define $0-{name} {CANCEL_SLOTS}")
    held = schedule_hold(c, Column(c, 1080, 400), okroute)
    schedule_silence(c, Column(c, 700, 560), pipe, mk, held)


# ---- [pd status], [pd init], the top level ---------------------------------------------------------


def status_light(c: Canvas, g: Grid[Box]) -> Box:
    """/agent/status: the alive light (on with each, off 3 s after the last; the heartbeat is 1 s), the
    agent's state on the display, verbose print; returns [s $0-info] (the right outlet's feed)."""
    rs = g.obj(0, 0, "r $0-status")
    ls = g.obj(1.6, 0, "list")
    ts = g.obj(0, 1, "t l l b")
    c.chain(rs, ls, ts)
    one = g.msg(4, 2, "1")
    dl = g.obj(4.9, 2, "delay 3000")
    zero = g.msg(4.9, 3, "0")
    salive = g.obj(4, 4, "s $0-alive")
    c.connect(ts, one, 2)
    c.connect(ts, dl, 2)
    c.chain(dl, zero, salive)
    c.connect(one, salive)
    pst = g.obj(2, 2, "list prepend status")
    c.connect(ts, pst, 1)
    svp = g.obj(2, 3, "s $0-vprint")
    c.connect(pst, svp)
    sinfo = g.obj(2, 4, "s $0-info")
    c.connect(pst, sinfo)
    unp = g.obj(0, 5.33, "unpack s s f f f f f f f f f f f")
    c.connect(ts, unp, 0)
    sstate = g.obj(0, 6.67, "s $0-agentstate-disp")
    c.connect(unp, sstate, 0)
    return sinfo


def status_errors(c: Canvas, g: Grid[Box], sinfo: Box) -> None:
    """Errors: always printed, shown on the display, and sent out of the right outlet."""
    re_ = g.obj(0, 0, "r $0-error")
    le = g.obj(1.14, 0, "list")
    te = g.obj(0, 1, "t l l")
    perr = g.obj(0, 2, "list prepend error")
    trim3 = g.obj(0, 3, "list trim")
    prt = g.obj(0, 4, "print sideman")
    c.chain(re_, le, te, perr, trim3, prt)
    c.connect(perr, sinfo)
    pset = g.obj(2, 2, "list prepend set")
    trim = g.obj(2, 3, "list trim")
    sdisp = g.obj(2, 4, "s $0-error-disp")
    c.connect(te, pset, 1)
    c.chain(pset, trim, sdisp)


def status_verbose(c: Canvas, g: Grid[Box]) -> None:
    """verbose 0/1 gates [print sideman] for everything sent to [s $0-vprint]."""
    rv = g.obj(0, 0, "r $0-vprint")
    rverb = g.obj(1.43, 0, "r $0-verbose")
    gate = g.obj(0, 1, "spigot")
    trim2 = g.obj(0, 2, "list trim")
    prt2 = g.obj(0, 3, "print sideman")
    c.connect(rv, gate)
    c.connect(rverb, gate, 0, 1)
    c.chain(gate, trim2, prt2)


def status_hello(c: Canvas, col: Column[Box]) -> None:
    """/agent/hello LISTEN_PORT on connect, listen and every 5 s, so the agent answers on our port."""
    col.comment("/agent/hello listen-port: on connect, listen, every 5 s")
    g = col.grid(col_px=100)
    rh = g.obj(0, 0, "r $0-hello")
    rcon = g.obj(1, 0, "r $0-connected")
    lb = g.obj(2.2, 0, "loadbang")
    mt = g.obj(2.2, 1, "metro 5000")
    c.chain(lb, mt)
    th = g.obj(0, 2, "t b")
    c.connect(rh, th)
    c.connect(rcon, th)
    c.connect(mt, th)
    vport = g.obj(0, 3, "v $0-listenport")
    mo = g.obj(0, 4, "moses 1")
    phello = g.obj(0.8, 5, "list prepend agent hello")
    stx = g.obj(0.8, 6, "s $0-tx")
    c.chain(th, vport, mo)
    c.connect(mo, phello, 1)
    c.connect(phello, stx)


def status(p: Canvas) -> None:
    """[pd status]: /agent/status and /agent/error -> the right outlet, the display, [print sideman]."""
    c = p.subpatch(20, 570, "status", 900, 500)
    sinfo = status_light(c, Grid(c, 20, 40))
    status_errors(c, Grid(c, 500, 40), sinfo)
    status_verbose(c, Grid(c, 20, 300))
    status_hello(c, Column(c, 300, 220))


def init(p: Canvas) -> None:
    """[pd init]: defaults, then the ports from the creation arguments."""
    c = p.subpatch(20, 600, "init", 800, 420)
    col = Column(c, 20, 10)
    col.comment(f"[sideman AGENT_PORT LISTEN_PORT]: 0 or none = {AGENT_PORT} / {LISTEN_PORT}, -1 = wait for "
                "connect / listen messages", width=100)
    lb = col.obj("loadbang")
    t = col.obj("t b b b")
    c.chain(lb, t)
    g = col.grid(col_px=110)
    bpm = g.msg(2, 0, "120")
    vbpm = g.obj(2, 1, "v $0-bpm")
    late = g.msg(2.9, 0, str(LATE_MS))
    vlate = g.obj(2.9, 1, "v $0-latems")
    c.connect(t, bpm, 2)
    c.connect(bpm, vbpm)
    c.connect(t, late, 2)
    c.connect(late, vlate)
    fa = g.obj(0, 2, "f $1")
    fl = g.obj(1, 1, "f $2")
    c.connect(t, fl, 1)
    c.connect(t, fa, 0)
    sa = g.obj(0, 3, "sel 0 -1")
    c.connect(fa, sa)
    da = g.msg(0, 4, str(AGENT_PORT))
    c.connect(sa, da, 0)
    host = g.obj(0, 5.33, "list prepend 127.0.0.1")
    c.connect(da, host)
    c.connect(sa, host, 2)
    scon = g.obj(0, 6.33, "s $0-connect")
    c.connect(host, scon)
    sl = g.obj(1, 2, "sel 0 -1")
    c.connect(fl, sl)
    dl = g.msg(1, 3, str(LISTEN_PORT))
    c.connect(sl, dl, 0)
    slisten = g.obj(1, 6.33, "s $0-listen")
    c.connect(dl, slisten)
    c.connect(sl, slisten, 2)
    rl = g.obj(4, 5.33, "r $0-late")
    vl = g.obj(4, 6.33, "v $0-latems")
    c.chain(rl, vl)


def control_activity(c: Canvas, col: Column[Box]) -> None:
    """activity X, or activity PART X: X < 0 is -1 (the model's own choice), else clipped to [0, 1]."""
    col.comment("activity [PART] X: -1 (auto) or 0..1")
    ract = col.obj("r $0-activity")
    rf = col.obj("route float")
    c.chain(ract, rf)
    g = col.grid(col_px=130)
    # one number: every part
    clamp = g.obj(0, 0, "expr if($f1 < 0, -1, min($f1, 1))")
    c.connect(rf, clamp, 0)
    pall = g.obj(0, 1, "list prepend agent set activity")
    # PART X: <part>.activity
    lpart = g.obj(2.3, 0, "list")
    c.connect(rf, lpart, 1)
    c.chain(clamp, pall, _tx(c, g, 0, 2))
    unp = g.obj(2.3, 1, "unpack s f")
    c.connect(lpart, unp)
    clamp2 = g.obj(3.2, 2, "expr if($f1 < 0, -1, min($f1, 1))")
    name = g.obj(2.3, 3, "makefilename %s.activity")
    _part_setting(c, g, unp, name, clamp2, 2.3, 4)


def control_part(c: Canvas, col: Column[Box], key: str, clamp: str, help_text: str) -> None:
    """`key PART X`: `agent set PART.key X` with X clamped by the expression `clamp`."""
    col.comment(help_text)
    rin = col.obj(f"r $0-{key}")
    lst = col.obj("list")
    unp = col.obj("unpack s f")
    c.chain(rin, lst, unp)
    g = col.grid(col_px=110)
    clamped = g.obj(1, 0, f"expr {clamp}")
    name = g.obj(0, 1, f"makefilename %s.{key}")
    _part_setting(c, g, unp, name, clamped, 0, 2)


def _part_setting(c: Canvas, g: Grid[Box], unp: Box, name: Box, clamped: Box, col: float, row: float) -> None:
    """[unpack s f]: the value (right, first) through `clamped`, the part through `name`, then
    `agent set <part>.<key> VALUE` to the agent."""
    pk = g.obj(col, row, "pack s f")
    c.connect(unp, clamped, 1)
    c.connect(clamped, pk, 0, 1)
    c.connect(unp, name, 0)
    c.connect(name, pk)
    pset = g.obj(col, row + 1, "list prepend agent set")
    c.chain(pk, pset, _tx(c, g, col, row + 2))


def _tx(c: Canvas, g: Grid[Box], col: float, row: float) -> Box:
    return g.obj(col, row, "s $0-tx")


def control_subscribe(c: Canvas, col: Column[Box]) -> None:
    """subscribe PARTS: /agent/subscribe LISTEN_PORT PARTS (this instance gets these parts' notes only;
    `none` unsubscribes)."""
    col.comment("subscribe PARTS (comp\\,bass ... or none)")
    rin = col.obj("r $0-subscribe")
    lst = col.obj("list")
    tl = col.obj("t l b")
    c.chain(rin, lst, tl)
    vport = col.beside(60).obj("v $0-listenport")
    col.skip()
    c.connect(tl, vport, 1)
    pre = col.obj("list prepend")
    c.connect(vport, pre, 0, 1)
    c.connect(tl, pre, 0)
    psub = col.obj("list prepend agent subscribe")
    c.chain(pre, psub, col.obj("s $0-tx"))


def controls(p: Canvas) -> None:
    """[pd controls]: activity, octave and velocity per part (clamped here, so an out-of-range value never
    reaches the agent), and subscribe."""
    c = p.subpatch(20, 630, "controls", 1100, 600)
    control_activity(c, Column(c, 20, 10))
    control_part(c, Column(c, 720, 10), "octave", "rint(min(max($f1, -3), 3))", "octave PART N: -3..3 octaves")
    control_part(c, Column(c, 720, 300), "velocity", "min(max($f1, 0.25), 2)", "velocity PART X: 0.25..2 times")
    control_subscribe(c, Column(c, 20, 250))


def display(p: Canvas) -> None:
    """The graph-on-parent face: agent light, state, beat, notes played, late notes, the last error."""
    p.panel(20, 20, 236, 104, label="sideman")
    p.toggle(26, 40, receive="$0-alive", label="agent")
    p.symbolatom(90, 40, 9, receive="$0-agentstate-disp")
    p.floatatom(180, 40, 5, receive="$0-beat-disp", label="beat")
    p.floatatom(26, 70, 5, receive="$0-played-disp", label="played")
    p.floatatom(130, 70, 4, receive="$0-late-disp", label="late")
    p.symbolatom(26, 100, 26, receive="$0-error-disp")
    p.graph_on_parent(20, 20, 236, 104)


def inlet_commands(p: Canvas, col: Column[Box]) -> None:
    """The left inlet: [route] by the first word, each command to its receiver, three columns of eight."""
    inlet = col.obj("inlet")
    names = [name for name, _ in COMMANDS]
    route = col.obj("route " + " ".join(names), width=60, rows=2)
    p.connect(inlet, route)
    column = col.beside(0)
    for i, (name, dest) in enumerate(COMMANDS):
        if i and i % 8 == 0:
            column = column.beside(260).at(col.y)
        if dest.startswith("tx "):
            pre = column.obj("list prepend " + dest[3:], rows=5 / 6)
            send = column.obj("s $0-tx")
            p.connect(route, pre, i)
            p.connect(pre, send)
        else:
            send = column.obj(dest, rows=11 / 6)
            p.connect(route, send, i)
    unknown = column.obj("print sideman-unknown-command")
    p.connect(route, unknown, len(COMMANDS))


def panic(p: Canvas, col: Column[Box]) -> None:
    """panic: tell the agent, and silence here at once."""
    rp = col.obj("r $0-panic", rows=5 / 6)
    tp = col.obj("t b b", rows=5 / 6)
    g = col.grid(col_px=100)
    mp = col.msg("agent panic", rows=5 / 6)
    stx = col.obj("s $0-tx")
    ssil = g.obj(1, 0, "s $0-silence")
    p.chain(rp, tp)
    p.connect(tp, ssil, 1)
    p.connect(tp, mp, 0)
    p.connect(mp, stx)


def sideman() -> tuple[Canvas, list[str]]:
    """The abstraction [sideman]: inlet commands, two outlets (played notes, info), a small display."""
    p = Canvas(width=1100, height=820)
    display(p)
    p.comment(300, 20, "Sideman for Pd: see sideman-help.pd and patches/README.md. Left inlet: play, stop, "
              "tempo BPM, timesig N D, locate BEAT, loop START END, chord BEAT DUR SYMBOL, clearchords, "
              "note BEAT PITCH VEL DUR, noteon PITCH VEL, instruments P..., set NAME VALUE, panic, "
              "connect HOST PORT, listen PORT, verbose 0/1, interval MS, late MS, osc /ADDRESS ARGS..., "
              "activity [PART] X (0..1, -1 = auto), octave PART N (-3..3), velocity PART X (0.25..2), "
              "subscribe PARTS",
              width=60)
    inlet_commands(p, Column(p, 300, 200))
    panic(p, Column(p, 20, 720))
    clock(p)
    human(p)
    formats = osc_out(p)
    osc_in(p)
    schedule(p)
    status(p)
    init(p)
    controls(p)
    out_notes = p.obj(20, 680, "outlet")
    rinfo = p.obj(200, 650, "r $0-info")
    out_info = p.obj(200, 680, "outlet")
    p.connect(rinfo, out_info)
    sub = next(s for s in p.subpatches if s.name == "schedule")
    p.connect(sub, out_notes)
    return p, formats
