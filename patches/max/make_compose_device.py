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

The layout helper here is small and self-contained (the live device's generator has its own); they can
share one later.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
AGENT_PORT = 9000  # config.yaml net.listen_port: where the device sends
LISTEN_PORT = 9002  # the live device listens on 9001 (config.yaml net.send_port); this one says /agent/hello 9002
TIMEOUT_S = 120  # no answer in this long: said, nothing written
STATUS_LINES = ("connection", "activity", "tracks", "version")
TARGETS = ["Session clips", "Arrangement loop"]
WIDTH = 430  # presentation width in pixels (a Live device is 169 px high)

#: object name -> (inlets, outlets) as Max 8 creates them; `None` = from the arguments
SIGNATURES: dict[str, tuple[int, int] | None] = {
    "udpsend": (1, 0), "udpreceive": (1, 1), "route": None, "prepend": (2, 1), "t": None, "js": (1, 2),
    "live.thisdevice": (1, 3), "metro": (2, 1), "sel": None, "i": (2, 1), "pak": None,
}


def signature(text: str) -> tuple[int, int]:
    """(inlets, outlets) of an object box from its text."""
    name, args = text.split()[0], [a for a in text.split()[1:] if not a.startswith("@")]
    sig = SIGNATURES[name]
    if sig is not None:
        return sig
    if name in ("route", "sel"):
        return 2, len(args) + 1
    if name == "t":
        return 1, len(args)
    if name == "pak":
        return len(args), 1
    raise ValueError(text)


class Patcher:
    """Boxes and lines of a .maxpat; boxes are referred to by the id each method returns."""

    def __init__(self) -> None:
        self.boxes: list[dict[str, Any]] = []
        self.lines: list[dict[str, Any]] = []

    def _add(self, box: dict[str, Any]) -> str:
        box["id"] = f"obj-{len(self.boxes) + 1}"
        self.boxes.append({"box": box})
        return str(box["id"])

    def obj(self, x: int, y: int, text: str) -> str:
        inlets, outlets = signature(text)
        return self._add({"maxclass": "newobj", "text": text, "numinlets": inlets, "numoutlets": outlets,
                          "outlettype": [""] * outlets, "patching_rect": [x, y, 10 + 7 * len(text), 22]})

    def msg(self, x: int, y: int, text: str) -> str:
        return self._add({"maxclass": "message", "text": text, "numinlets": 2, "numoutlets": 1,
                          "outlettype": [""], "patching_rect": [x, y, 10 + 7 * len(text), 22]})

    def comment(self, x: int, y: int, text: str, present: list[int]) -> str:
        return self._add({"maxclass": "comment", "text": text, "numinlets": 1, "numoutlets": 0,
                          "patching_rect": [x, y, present[2], present[3]], "presentation": 1,
                          "presentation_rect": present})

    def status(self, x: int, y: int, line: str, present: list[int]) -> str:
        """A message box showing a status line (fed with `set TEXT`)."""
        return self._add({"maxclass": "message", "text": "", "varname": f"status-{line}", "numinlets": 2,
                          "numoutlets": 1, "outlettype": [""], "patching_rect": [x, y, present[2], present[3]],
                          "presentation": 1, "presentation_rect": present})

    def parameter(self, maxclass: str, x: int, y: int, present: list[int], name: str, kind: int, lo: float,
                  hi: float, initial: float, items: list[str] | None = None, **extra: Any) -> str:
        """A Live parameter (saved with the set): live.numbox, live.menu or live.text."""
        value_of: dict[str, Any] = {
            "parameter_longname": name, "parameter_shortname": name, "parameter_type": kind,
            "parameter_mmin": lo, "parameter_mmax": hi, "parameter_initial": [initial],
            "parameter_initial_enable": 1,
        }
        if items is not None:
            value_of["parameter_enum"] = items
        outlets = {"live.menu": 3}.get(maxclass, 2)
        box = {"maxclass": maxclass, "numinlets": 1, "numoutlets": outlets, "outlettype": [""] * outlets,
               "patching_rect": [x, y, present[2], present[3]], "presentation": 1, "presentation_rect": present,
               "varname": name, "saved_attribute_attributes": {"valueof": value_of}}
        box.update(extra)
        return self._add(box)

    def button(self, x: int, y: int, present: list[int], name: str) -> str:
        """A live.text in button mode, labelled `name`."""
        return self.parameter("live.text", x, y, present, name, 2, 0, 1, 0, items=["off", "on"], mode=0,
                              text=name, texton=name)

    def connect(self, src: str, dst: str, outlet: int = 0, inlet: int = 0) -> None:
        self.lines.append({"patchline": {"source": [src, outlet], "destination": [dst, inlet]}})

    def patcher(self) -> dict[str, Any]:
        return {"patcher": {
            "fileversion": 1,
            "appversion": {"major": 8, "minor": 5, "revision": 5, "architecture": "x64", "modernui": 1},
            "classnamespace": "box", "rect": [80, 80, 1200, 760], "openinpresentation": 1,
            "default_fontsize": 10.0, "default_fontname": "Arial Bold", "gridsize": [8, 8],
            "description": "Sideman Compose: fill clips, regenerate, undo over OSC (patches/OSC.md, Composition)",
            "boxes": self.boxes, "lines": self.lines,
        }}


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
    p.comment(20, 460, "Sideman Compose", [4, 2, 120, 16])
    rows = {"connection": [4, 20, WIDTH - 8, 16], "activity": [4, 38, WIDTH - 8, 30],
            "tracks": [4, 70, WIDTH - 8, 16], "version": [4, 88, 200, 16]}
    for i, line in enumerate(STATUS_LINES):
        setter = p.obj(20 + 150 * i, 500, "prepend set")
        p.connect(route, setter, i)
        p.connect(setter, p.status(20 + 150 * i, 540, line, rows[line]))
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
              [4, 150, WIDTH - 8, 16])
    for control in (target, program, agent_port, listen_port, timeout, version):
        p.connect(start, control, 1)  # live.* objects output their value on bang
    return p.patcher()


def amxd(patcher: dict[str, Any]) -> bytes:
    """A Max for Live MIDI effect file: the `ampf` header, device type `mmmm`, then the patcher JSON."""
    body = json.dumps(patcher, indent=1).encode() + b"\n\x00"
    return (b"ampf" + struct.pack("<I", 4) + b"mmmm" + b"meta" + struct.pack("<I", 4) + struct.pack("<I", 0)
            + b"ptch" + struct.pack("<I", len(body)) + body)


def main() -> None:
    patcher = build()
    (HERE / "sideman-compose.maxpat").write_text(json.dumps(patcher, indent=1) + "\n")
    (HERE / "sideman-compose.amxd").write_bytes(amxd(patcher))
    print(f"wrote {HERE / 'sideman-compose.maxpat'} and {HERE / 'sideman-compose.amxd'}")


if __name__ == "__main__":
    main()
