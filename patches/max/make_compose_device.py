"""Writes the Sideman Compose Max for Live MIDI effect: sideman-compose.maxpat (the source) and .amxd.

A second device beside the live one (sideman.amxd): composing reads and writes clips across many tracks
through the Live API and can sit on any track, while the live device sits on each instrument track and
must stay light. Both talk to the same running agent, so switching between playing along and composing
needs no restart of either. Max cannot run on Linux: the device is generated from this description and
checked as JSON by tests/test_compose_device.py, which also runs its JavaScript (sideman-compose.js) under
node against a Live API stand-in and a real agent. Run `python patches/max/make_compose_device.py` after
editing; the test fails on stale files.

What the device holds (the logic is all in sideman-compose.js):

    [live.thisdevice] -> init, then every control's value once; [metro 500] -> tick (heartbeat, timeouts)
    buttons  Fill, Regenerate, Undo, Restore (with the Version box), Reset learning -> [js]
    settings Target (Session clips / Arrangement loop), Default program, Agent port, Listen port, Timeout
    [js sideman-compose.js] outlet 0 -> [udpsend 127.0.0.1 9000]; [udpreceive 9002] -> [js]
                            outlet 1 -> [route connection activity tracks version] -> four status lines

Boxes, parameters and the file format are patches/max/maxfile.py's, as for the live device; the agent's
port comes from patches/defaults.py (config.yaml).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# run as a script: maxfile sits beside this file, defaults one folder up, and defaults reads the agent's
# config from the repository root
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parents[1])]

from defaults import AGENT_PORT  # config.yaml net.listen_port: where the device sends
from maxfile import Patcher, amxd, signature

__all__ = ["amxd", "build", "signature"]
LISTEN_PORT = 9002  # the live device listens on 9001 (config.yaml net.send_port); this one says /agent/hello 9002
TIMEOUT_S = 120  # no answer in this long: said, nothing written
STATUS_LINES = ("connection", "activity", "tracks", "version")
TARGETS = ["Session clips", "Arrangement loop"]
WIDTH = 430  # presentation width in pixels (a Live device is 169 px high)

def build() -> dict[str, Any]:
    """The device as a .maxpat dictionary."""
    p = Patcher()
    js = p.obj(20, 300, "js sideman-compose.js")
    send = p.obj(20, 380, f"udpsend 127.0.0.1 {AGENT_PORT}")
    receive = p.obj(240, 260, f"udpreceive {LISTEN_PORT}")
    p.connect(js, send, 0)
    p.connect(receive, js)
    # status lines: js outlet 1 says "LINE TEXT"; each line's box shows its text
    route = p.obj(20, 420, "route " + " ".join(STATUS_LINES))
    p.connect(js, route, 1)
    p.comment(20, 460, "Sideman Compose", 120, [4, 2, 120, 16], 16)
    rows = {"connection": [4, 20, WIDTH - 8, 16], "activity": [4, 38, WIDTH - 8, 30],
            "tracks": [4, 70, WIDTH - 8, 16], "version": [4, 88, 200, 16]}
    for i, line in enumerate(STATUS_LINES):
        setter = p.obj(20 + 150 * i, 500, "prepend set")
        p.connect(route, setter, i)
        p.connect(setter, p.display(20 + 150 * i, 540, f"status-{line}", rows[line]))
    # start: init first (right outlet), then every control's value, then the heartbeat
    load = p.obj(20, 20, "live.thisdevice")
    start = p.obj(20, 60, "t b b b")
    p.connect(load, start)
    init = p.msg(200, 100, "init")
    p.connect(start, init, 2)
    p.connect(init, js)
    metro = p.obj(20, 140, "metro 500")
    p.connect(start, metro, 0)
    tick = p.msg(20, 180, "tick")
    p.connect(metro, tick)
    p.connect(tick, js)
    # buttons: [sel 0] lets a press through (1 or bang), never the release (0)
    buttons = [("Fill", "fill", [4, 108, 60, 18]), ("Regenerate", "regenerate", [68, 108, 76, 18]),
               ("Undo", "undo", [148, 108, 48, 18]), ("Reset learning", "reset_learning", [330, 108, 96, 18])]
    for i, (name, message, present) in enumerate(buttons):
        x = 420 + 130 * i
        button = p.button(x, 20, present, name)
        pressed = p.obj(x, 60, "sel 0")
        p.connect(button, pressed)
        bang = p.obj(x, 100, "t b")
        p.connect(pressed, bang, 1)
        out = p.msg(x, 140, message)
        p.connect(bang, out)
        p.connect(out, js)
    version = p.parameter("live.numbox", 940, 20, [200, 108, 40, 18], "Version", 1, 0, 999, 1)
    restore = p.button(990, 20, [244, 108, 82, 18], "Restore")
    held = p.obj(940, 100, "i")
    p.connect(version, held, 0, 1)
    pressed = p.obj(990, 60, "sel 0")
    p.connect(restore, pressed)
    bang = p.obj(990, 100, "t b")
    p.connect(pressed, bang, 1)
    p.connect(bang, held)
    restore_msg = p.obj(940, 140, "prepend restore")
    p.connect(held, restore_msg)
    p.connect(restore_msg, js)
    # settings
    target = p.parameter("live.menu", 420, 220, [4, 132, 110, 16], "Target", 2, 0, len(TARGETS) - 1, 0,
                         items=TARGETS)
    target_msg = p.obj(420, 260, "prepend target")
    p.connect(target, target_msg, 0)  # the item's index: 0 Session, 1 Arrangement
    p.connect(target_msg, js)
    program = p.parameter("live.numbox", 560, 220, [180, 132, 40, 16], "Default program", 1, 0, 128, 0)
    program_msg = p.obj(560, 260, "prepend program")
    p.connect(program, program_msg)
    p.connect(program_msg, js)
    agent_port = p.parameter("live.numbox", 700, 220, [250, 132, 50, 16], "Agent port", 1, 1, 65535, AGENT_PORT)
    listen_port = p.parameter("live.numbox", 760, 220, [304, 132, 50, 16], "Listen port", 1, 1, 65535,
                              LISTEN_PORT)
    pair = p.obj(700, 260, "pak 0 0")
    p.connect(agent_port, pair, 0, 0)
    p.connect(listen_port, pair, 0, 1)
    ports = p.obj(700, 300, "prepend ports")
    p.connect(pair, ports)
    p.connect(ports, js)
    host = p.msg(700, 340, "host 127.0.0.1, port $1")
    p.connect(agent_port, host)
    p.connect(host, send)
    listen = p.msg(820, 340, "port $1")
    p.connect(listen_port, listen)
    p.connect(listen, receive)
    timeout = p.parameter("live.numbox", 880, 220, [370, 132, 56, 16], "Timeout", 1, 1, 3600, TIMEOUT_S)
    timeout_msg = p.obj(880, 260, "prepend timeout")
    p.connect(timeout, timeout_msg)
    p.connect(timeout_msg, js)
    p.comment(420, 400, "target | default program (no number in the track name) | agent, listen port | timeout s",
              WIDTH - 8, [4, 150, WIDTH - 8, 16], 16)
    for control in (target, program, agent_port, listen_port, timeout, version):
        p.connect(start, control, 1)  # live.* objects output their value on bang
    return p.patcher((80, 80, 1200, 760),
                     "Sideman Compose: fill clips, regenerate, undo over OSC (patches/OSC.md, Composition)")


def main() -> None:
    patcher = build()
    (HERE / "sideman-compose.maxpat").write_text(json.dumps(patcher, indent=1) + "\n")
    (HERE / "sideman-compose.amxd").write_bytes(amxd(patcher))
    print(f"wrote {HERE / 'sideman-compose.maxpat'} and {HERE / 'sideman-compose.amxd'}")


if __name__ == "__main__":
    main()
