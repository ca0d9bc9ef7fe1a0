"""Writes [sideman-compose], the Pure Data abstraction for composition mode, and its help patch.

Pd users sequence in [text] (or [qlist]); [sideman-compose AGENT_PORT LISTEN_PORT TEXT] fills a region of
the [text define TEXT] its third argument names, over the /compose/* contract (patches/OSC.md,
"Composition"). The text holds one note a line, `BEAT TRACK PITCH VELOCITY DURATION;` (beats from 0):
`context` sends every line to the agent as /compose/note; when an answer is complete (/compose/done), the
notes starting in each answered region of that track are deleted from the text and the answer's notes
appended, so the text is only touched by complete answers. Vanilla Pd 0.53, no externals. Run
`python patches/pd/make_compose_patches.py` after editing; tests/test_pd_compose.py fails on stale files
and runs the abstraction in real headless Pd against an agent.

Inlet commands: connect HOST PORT, listen PORT, clear, clear_context, song NUM DEN END, track N PROGRAM NAME, context,
note TRACK BEAT PITCH VELOCITY DUR, region TRACK START END, fill, mark TRACK START END, regenerate, undo,
restore VERSION, reset. Outlet: `done VERSION SECONDS`, `error REQUEST MESSAGE...`, `bad EXPECTED GOT`
(a reply whose note count does not add up: nothing written).

The live abstraction's generator (make_patches.py) is left alone; this one shares only pdfile.py's writer.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pdfile import Canvas  # after the path insert: pdfile sits beside this script

HERE = Path(__file__).resolve().parent
DEFAULT_AGENT_PORT = 9000  # config.yaml net.listen_port
DEFAULT_LISTEN_PORT = 9002  # the live [sideman] listens on 9001; this one says /agent/hello 9002

# inlet command -> [oscformat] flags and address words ("" = Pd's own types)
SENDS = [
    ("clear", "", "compose clear"),
    ("clear_context", "", "compose clear_context"),  # describe again, keep what the marks taught
    ("song", "iif", "compose song"),
    ("track", "ii", "compose track"),  # the name keeps Pd's own type: a symbol is sent as `s`
    ("note", "ifiif", "compose note"),
    ("region", "iff", "compose region"),
    ("mark", "iff", "compose mark"),
    ("reset", "", "compose reset_learning"),
]
REQUESTS = [("fill", "compose fill"), ("regenerate", "compose regenerate"), ("undo", "compose undo")]


Box = object


def loop(c: Canvas, x: int, y: int, text: str, down: bool) -> tuple[Box, Box]:
    """Bang -> every line index of [text define text] (ascending, or descending for deleting): (in, out)."""
    start = c.obj(x, y, f"text size {text}")
    size = c.obj(x, y + 30, "t f f")
    c.connect(start, size)
    until = c.obj(x, y + 60, "until")
    count = c.obj(x, y + 90, "f")
    step = c.obj(x + 60, y + 90, "- 1" if down else "+ 1")
    index = c.obj(x, y + 120, "t f f")
    if down:  # N-1 .. 0: [f] starts at N and each bang takes one off
        c.connect(size, count, 1, 1)
        c.connect(size, until, 0)
        c.connect(until, count)
        c.connect(count, step)
        c.connect(step, index)
        c.connect(index, count, 1, 1)
        out = c.obj(x, y + 150, "f")
        c.connect(index, out, 0)
        return start, out
    zero = c.msg(x + 60, y + 60, "0")
    c.connect(size, zero, 1)
    c.connect(zero, count, 0, 1)
    c.connect(size, until, 0)
    c.connect(until, count)
    c.connect(count, index)
    c.connect(index, step, 1)
    c.connect(step, count, 0, 1)
    out = c.obj(x, y + 150, "f")
    c.connect(index, out, 0)
    return start, out


def abstraction() -> Canvas:
    c = Canvas(width=1300, height=900)
    c.comment(20, 10, "[sideman-compose AGENT_PORT LISTEN_PORT TEXT]: fills regions of [text define TEXT] "
              "(lines: BEAT TRACK PITCH VELOCITY DUR) over /compose/* - see sideman-compose-help.pd", width=120)
    inlet = c.obj(20, 60, "inlet")
    outlet = c.obj(20, 890, "list trim")  # `done 0 1.5`, not `list done 0 1.5`: [route done] in the user's patch
    c.connect(outlet, c.obj(20, 920, "outlet"))
    names = [s[0] for s in SENDS] + [r[0] for r in REQUESTS] + ["restore", "context", "connect", "listen"]
    route = c.obj(20, 90, "route " + " ".join(names))
    c.connect(inlet, route)
    unknown = c.obj(1000, 130, "print sideman-compose-unknown-command")
    c.connect(route, unknown, len(names))
    send_in = c.obj(20, 330, "list prepend send")
    send_trim = c.obj(20, 360, "list trim")
    netsend = c.obj(20, 390, "netsend -u -b")
    c.chain(send_in, send_trim, netsend)
    for i, (_, flags, address) in enumerate(SENDS):
        x, y = 20 + 140 * (i % 4), 150 + 80 * (i // 4)
        fmt = c.obj(x, y + 30, "oscformat " + (f"-f {flags} " if flags else "") + address)
        if flags:
            c.connect(route, fmt, i)
        else:  # a bare command: an empty list makes the message
            empty = c.msg(x, y, "list")
            c.connect(route, empty, i)
            c.connect(empty, fmt)
        c.connect(fmt, send_in)
    # requests: each one counts up [v $0-request] first, then goes out with that number
    rnext = c.obj(600, 40, "r $0-next")
    count = c.obj(600, 70, "f")
    plus = c.obj(640, 70, "+ 1")
    vreq = c.obj(600, 100, "v $0-request")
    c.chain(rnext, count, plus)
    c.connect(plus, count, 0, 1)
    c.connect(plus, vreq)
    for j, (_, address) in enumerate(REQUESTS):
        x = 600 + 200 * j
        t = c.obj(x, 150, "t b b")
        c.connect(route, t, len(SENDS) + j)
        snext = c.obj(x + 60, 180, "s $0-next")
        c.connect(t, snext, 1)
        value = c.obj(x, 210, "v $0-request")
        c.connect(t, value, 0)
        fmt = c.obj(x, 240, f"oscformat -f i {address}")
        c.connect(value, fmt)
        c.connect(fmt, send_in)
    trestore = c.obj(600, 280, "t b b f")
    c.connect(route, trestore, len(SENDS) + len(REQUESTS))
    prestore = c.obj(600, 370, "pack f f")
    c.connect(trestore, prestore, 2, 1)
    snext2 = c.obj(700, 310, "s $0-next")
    c.connect(trestore, snext2, 1)
    vrestore = c.obj(600, 340, "v $0-request")
    c.connect(trestore, vrestore, 0)
    c.connect(vrestore, prestore)
    frestore = c.obj(600, 400, "oscformat -f ii compose restore")
    c.connect(prestore, frestore)
    c.connect(frestore, send_in)
    # context: every line BEAT TRACK PITCH VEL DUR -> /compose/note TRACK BEAT PITCH VEL DUR
    ctx_in, ctx_index = loop(c, 900, 150, "$3", down=False)
    c.connect(route, ctx_in, len(SENDS) + len(REQUESTS) + 1)
    ctx_get = c.obj(900, 330, "text get $3")
    c.connect(ctx_index, ctx_get)
    reorder = c.msg(900, 360, "$2 $1 $3 $4 $5")
    c.connect(ctx_get, reorder)
    ctx_fmt = c.obj(900, 390, "oscformat -f ifiif compose note")
    c.connect(reorder, ctx_fmt)
    c.connect(ctx_fmt, send_in)
    # connect / listen (and /agent/hello LISTEN_PORT, so the agent answers this port)
    mconnect = c.msg(20, 460, "connect $1 $2")
    host_list = c.obj(20, 430, "list")  # `connect HOST PORT` leaves `HOST PORT`, a symbol first: make it a list
    c.connect(route, host_list, len(names) - 2)
    tconnect = c.obj(20, 490, "t b l")  # connect, then say hello again if already listening
    c.connect(host_list, tconnect)
    c.connect(tconnect, mconnect, 1)
    vport = c.obj(120, 520, "v $0-port")
    c.connect(tconnect, vport, 0)
    known = c.obj(120, 550, "moses 1")
    c.connect(vport, known)
    c.connect(mconnect, netsend)
    rlisten = c.obj(200, 430, "r $0-listen")
    c.connect(route, c.obj(300, 430, "s $0-listen"), len(names) - 1)
    tlisten = c.obj(200, 460, "t f f")
    c.connect(rlisten, tlisten)
    hello = c.obj(300, 490, "oscformat -f i agent hello")
    c.connect(tlisten, hello, 0)
    c.connect(known, hello, 1)
    c.connect(tlisten, c.obj(400, 460, "v $0-port"), 1)
    c.connect(hello, send_in)
    mlisten = c.msg(200, 520, "listen $1")
    c.connect(tlisten, mlisten, 1)
    # creation arguments: connect to $1 and listen on $2 when they are ports
    load = c.obj(450, 430, "loadbang")
    fagent = c.obj(450, 460, "f $1")
    flisten = c.obj(560, 460, "f $2")
    c.connect(load, fagent)
    c.connect(load, flisten)
    magent = c.obj(450, 490, "moses 1")
    mlport = c.obj(560, 490, "moses 1")
    c.connect(fagent, magent)
    c.connect(flisten, mlport)
    mhost = c.msg(450, 520, "connect 127.0.0.1 $1")
    c.connect(magent, mhost, 1)
    c.connect(mhost, netsend)
    c.connect(mlport, c.obj(560, 520, "s $0-listen"), 1)
    # replies: [netreceive] -> [oscparse] -> compose begin/result/done/error, agent error
    netreceive = c.obj(200, 560, "netreceive -u -b")
    c.connect(mlisten, netreceive)
    parse = c.obj(200, 590, "oscparse")
    trim = c.obj(200, 620, "list trim")
    top = c.obj(200, 650, "route compose agent")
    c.chain(netreceive, parse, trim, top)
    agent = c.obj(420, 680, "route error")
    c.connect(top, agent, 1)
    agent_error = c.obj(420, 710, "list prepend agent-error")
    c.connect(agent, agent_error)
    c.connect(agent_error, outlet)
    kinds = c.obj(200, 680, "route begin result done error")
    c.connect(top, kinds, 0)
    error = c.obj(600, 710, "list prepend error")
    c.connect(kinds, error, 3)
    c.connect(error, outlet)
    # begin: ours? (its request is the last we sent); empty the pending answer
    begin = c.obj(20, 710, "t f b")
    c.connect(kinds, begin, 0)
    vmine = c.obj(80, 740, "v $0-request")
    c.connect(begin, vmine, 1)
    same = c.obj(20, 770, "expr $f1 == $f2")
    c.connect(vmine, same, 0, 1)
    c.connect(begin, same, 0)
    sours = c.obj(20, 800, "s $0-ours")
    c.connect(same, sours)
    clear = c.msg(160, 770, "clear")
    c.connect(begin, clear, 1)
    pending = c.obj(1000, 560, "text define $0-pending")
    regions = c.obj(1000, 590, "text define $0-regions")
    c.connect(clear, pending)
    c.connect(clear, regions)
    zero = c.msg(220, 770, "0")
    c.connect(begin, zero, 1)
    vexpect = c.obj(220, 800, "v $0-expect")
    c.connect(zero, vexpect)
    # result: a region header (kept), or one of its notes (kept as a line of the text)
    result = c.obj(420, 750, "route note")
    c.connect(kinds, result, 1)
    rours = [c.obj(640 + 120 * k, 750, "r $0-ours") for k in range(3)]
    note_split = c.obj(420, 780, "list split 1")
    c.connect(result, note_split, 0)
    note_gate = c.obj(420, 810, "spigot")
    c.connect(rours[0], note_gate, 0, 1)
    c.connect(note_split, note_gate, 1)
    as_line = c.msg(420, 840, "$2 $1 $3 $4 $5")
    c.connect(note_gate, as_line)
    c.connect(as_line, c.obj(420, 870, "text insert $0-pending 1e+07"))
    head_split = c.obj(640, 780, "list split 1")
    c.connect(result, head_split, 1)
    head_gate = c.obj(640, 810, "spigot")
    c.connect(rours[1], head_gate, 0, 1)
    c.connect(head_split, head_gate, 1)
    thead = c.obj(640, 840, "t l l")
    c.connect(head_gate, thead)
    c.connect(thead, c.obj(640, 900, "text insert $0-regions 1e+07"), 0)
    unpack_n = c.obj(760, 870, "unpack f f f f")
    c.connect(thead, unpack_n, 1)
    tn = c.obj(860, 900, "t f b")
    c.connect(unpack_n, tn, 3)
    vexp2 = c.obj(920, 930, "v $0-expect")
    c.connect(tn, vexp2, 1)
    add = c.obj(860, 960, "+")
    c.connect(vexp2, add, 0, 1)
    c.connect(tn, add, 0)
    c.connect(add, c.obj(860, 990, "v $0-expect"))
    # done: when the notes add up, apply (delete each region's old lines, append the new) and say done
    done_split = c.obj(1060, 750, "list split 1")
    c.connect(kinds, done_split, 2)
    done_gate = c.obj(1060, 780, "spigot")
    c.connect(rours[2], done_gate, 0, 1)
    c.connect(done_split, done_gate, 1)
    tdone = c.obj(1060, 810, "t l b")
    c.connect(done_gate, tdone)
    got = c.obj(1160, 840, "text size $0-pending")
    c.connect(tdone, got, 1)
    tgot = c.obj(1160, 870, "t f b")  # the expected count first (cold), then the count got (hot)
    c.connect(got, tgot)
    vexp3 = c.obj(1240, 900, "v $0-expect")
    c.connect(tgot, vexp3, 1)
    both = c.obj(1160, 930, "pack f f")
    c.connect(tgot, both, 0, 0)
    c.connect(vexp3, both, 0, 1)
    tboth = c.obj(1160, 960, "t l l")
    c.connect(both, tboth)
    equal = c.obj(1160, 990, "expr $f1 == $f2")
    c.connect(tboth, equal, 1)
    okgate = c.obj(1060, 1050, "spigot")
    tok = c.obj(1160, 1020, "t f f")
    c.connect(equal, tok)
    c.connect(tok, okgate, 1, 1)
    sel = c.obj(1160, 1050, "sel 1 0")
    c.connect(tok, sel, 0)
    c.connect(sel, c.obj(1160, 1080, "s $0-apply"), 0)
    # a mismatch opens the gate for `bad EXPECTED GOT` ([t l l] sends it after the check), then closes it
    badgate = c.obj(1250, 1080, "spigot")
    opengate = c.msg(1250, 1050, "1")
    c.connect(sel, opengate, 1)
    c.connect(opengate, badgate, 0, 1)
    bad = c.msg(1250, 1110, "bad $2 $1")
    c.connect(tboth, badgate, 0)
    c.connect(badgate, bad)
    c.connect(bad, outlet)
    closebad = c.msg(1320, 1110, "0")
    c.connect(bad, closebad)
    c.connect(closebad, badgate, 0, 1)
    sdone = c.obj(1060, 1080, "list prepend done")
    c.connect(tdone, okgate, 0)
    c.connect(okgate, sdone)
    c.connect(sdone, outlet)
    # apply: regions (each: delete the text's lines of its track starting inside), then the new lines
    rapply = c.obj(20, 950, "r $0-apply")
    tapply = c.obj(20, 980, "t b b")
    c.connect(rapply, tapply)
    reg_in, reg_index = loop(c, 200, 980, "$0-regions", down=False)
    c.connect(tapply, reg_in, 1)
    reg_get = c.obj(200, 1160, "text get $0-regions")
    c.connect(reg_index, reg_get)
    treg = c.obj(200, 1190, "t b l")
    c.connect(reg_get, treg)
    match = c.obj(400, 1400, "expr $f1 >= $f3 && $f1 < $f4 && $f2 == $f5")
    unreg = c.obj(400, 1190, "unpack f f f")
    c.connect(treg, unreg, 1)
    c.connect(unreg, match, 0, 4)
    c.connect(unreg, match, 1, 2)
    c.connect(unreg, match, 2, 3)
    del_in, del_index = loop(c, 200, 1220, "$3", down=True)
    c.connect(treg, del_in, 0)
    tidx = c.obj(200, 1400, "t f f")
    c.connect(del_index, tidx)
    fidx = c.obj(200, 1460, "f")
    c.connect(tidx, fidx, 1, 1)
    line = c.obj(260, 1430, "text get $3")
    c.connect(tidx, line, 0)
    first2 = c.obj(260, 1460, "list split 2")
    c.connect(line, first2)
    bt = c.obj(400, 1370, "unpack f f")
    c.connect(first2, bt, 0)
    c.connect(bt, match, 1, 1)
    c.connect(bt, match, 0, 0)
    hit = c.obj(400, 1430, "sel 1")
    c.connect(match, hit)
    c.connect(hit, fidx)
    c.connect(fidx, c.obj(200, 1490, "text delete $3"))
    add_in, add_index = loop(c, 700, 1220, "$0-pending", down=False)
    c.connect(tapply, add_in, 0)
    add_get = c.obj(700, 1400, "text get $0-pending")
    c.connect(add_index, add_get)
    c.connect(add_get, c.obj(700, 1430, "text insert $3 1e+07"))
    return c


def help_patch() -> Canvas:
    """sideman-compose-help.pd: the steps, clickable, on a small song in [text define sideman-song]."""
    c = Canvas(width=900, height=690)
    c.comment(20, 10, "[sideman-compose] - composition mode: the agent fills regions of a [text] from the "
              "music around them. Start the agent first: sideman run --model PATH", width=100)
    c.comment(20, 50, "The text holds one note a line: BEAT TRACK PITCH VELOCITY DURATION (beats from 0). "
              "Click [text define] to see or edit it. Play it with [text sequence] or your own player.", width=100)
    song = c.obj(560, 100, "text define -k sideman-song")
    c.lines[-1] = c.lines[-1].rstrip(";") + ";"
    steps = [
        ("1. describe the song and its tracks (GM program, 128 = drums)",
         "clear, song 4 4 32, track 1 0 Piano, track 2 33 Bass"),
        ("2. send the notes of the text as context", "context"),
        ("3. name a region (track 2, beats 8 to 24) and fill it", "region 2 8 24, fill"),
        ("4. dislike beats 12-16? mark them and regenerate", "mark 2 12 16, regenerate"),
        ("5. go back, or to any version", "undo"),
        ("", "restore 1"),
        ("6. forget what the marks taught (the versions stay)", "reset"),
        ("7. fill again, keeping what the marks taught: describe afresh, then 2 and 3",
         "clear_context, song 4 4 32, track 1 0 Piano, track 2 33 Bass"),
    ]
    compose = c.obj(20, 530, "sideman-compose 9000 9002 sideman-song")
    for i, (words, message) in enumerate(steps):
        y = 100 + 50 * i
        if words:
            c.comment(20, y, words, width=60)
        box = c.msg(20 + (300 if not words else 0), y + 22 if words else y, message)
        c.connect(box, compose)
    out = c.obj(20, 570, "print sideman-compose")
    c.connect(compose, out)
    c.comment(20, 610, "Outlet: done VERSION SECONDS (the text was written), error REQUEST MESSAGE (the agent "
              "could not), bad EXPECTED GOT (a reply lost notes: nothing written). Arguments: agent port, "
              "listen port (the abstraction says /agent/hello to it), the [text] name.", width=100)
    del song
    return c


def main() -> None:
    (HERE / "sideman-compose.pd").write_text(abstraction().text())
    (HERE / "sideman-compose-help.pd").write_text(help_patch().text())
    print(f"wrote {HERE / 'sideman-compose.pd'} and sideman-compose-help.pd")


if __name__ == "__main__":
    main()
