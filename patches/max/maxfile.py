"""A small writer for Max patchers (.maxpat JSON) and Max for Live devices (.amxd), used by make_device.py
(the live device) and make_compose_device.py (the composition device).

Boxes are added with their position and their text as typed in Max; each box gets its inlet and outlet
counts from SIGNATURES (as Max 8 creates them), so tests can check that every connection fits its boxes.
Connections name boxes by the id `obj`, `msg`, ... return. The counterpart of patches/pd/pdfile.py.
"""

from __future__ import annotations

import itertools
import json
import re
import struct
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _count_args(text: str) -> int:
    return len(text.split()) - 1


#: object name -> (inlets, outlets) as Max 8 creates them; `None` = computed from the arguments.
SIGNATURES: dict[str, tuple[int, int] | None] = {
    "udpsend": (1, 0), "udpreceive": (1, 1), "route": None, "prepend": (2, 1), "t": None, "unpack": None,
    "pack": None, "expr": None, "pipe": None, "makenote": (3, 2), "midiin": (1, 1), "midiparse": (1, 8),
    "midiformat": (7, 1), "midiout": (1, 0), "metro": (2, 1), "when": (1, 2), "live.thisdevice": (1, 3),
    "live.path": (1, 3), "live.observer": (2, 2), "gate": None, "coll": (1, 4), "maximum": (2, 1),
    "/": (2, 1), "+": (2, 1), "%": (2, 1), "*": (2, 1), "delay": (2, 1), "js": None, "sel": None,
    "f": (2, 1), "i": (2, 1), "print": (1, 0), "deferlow": (1, 1), "change": (1, 3), "loadbang": (1, 1),
    "zl": (2, 2), "pak": None, "sprintf": None, "tosymbol": (1, 1), "fromsymbol": (1, 1),
    "clip": (3, 1), "join": None,
}


def signature(text: str) -> tuple[int, int]:
    """(inlets, outlets) of a Max object box from its text."""
    name = text.split()[0]
    sig = SIGNATURES[name]
    if sig is not None:
        return sig
    args = [a for a in text.split()[1:] if not a.startswith("@")]
    if name == "route" or name == "sel":
        return 2, len(args) + 1
    if name == "t":
        return 1, len(args)
    if name == "unpack":
        return 1, len(args)
    if name == "join":
        return int(args[0]), 1
    if name == "js":  # as many as the script beside this file declares (`inlets = 1;`, `outlets = 2;`)
        script = (HERE / args[0]).read_text()
        declared = dict(re.findall(r"^(inlets|outlets) = (\d+);", script, re.MULTILINE))
        return int(declared["inlets"]), int(declared["outlets"])
    if name in ("pack", "pak"):
        return len(args), 1
    if name == "pipe":
        return len(args), len(args) - 1
    if name == "gate":
        return 2, int(args[0])
    if name == "expr":
        indices = [int(m) for m in re.findall(r"\$[fis](\d+)", text)]
        return max(indices), 1
    if name == "sprintf":
        return max(1, text.count("%") - 2 * text.count("%%")), 1
    raise ValueError(text)


class Patcher:
    """Boxes and lines of a .maxpat; boxes are referred to by the id this returns."""

    def __init__(self) -> None:
        self.boxes: list[dict[str, Any]] = []
        self.lines: list[dict[str, Any]] = []

    def _add(self, box: dict[str, Any]) -> str:
        box_id = f"obj-{len(self.boxes) + 1}"
        box["id"] = box_id
        self.boxes.append({"box": box})
        return box_id

    def obj(self, x: int, y: int, text: str, width: int | None = None) -> str:
        inlets, outlets = signature(text)
        return self._add({
            "maxclass": "newobj", "text": text, "numinlets": inlets, "numoutlets": outlets,
            "outlettype": [""] * outlets, "patching_rect": [x, y, width or 10 + 7 * len(text), 22],
        })

    def msg(self, x: int, y: int, text: str) -> str:
        return self._add({"maxclass": "message", "text": text, "numinlets": 2, "numoutlets": 1,
                          "outlettype": [""], "patching_rect": [x, y, 10 + 7 * len(text), 22]})

    def comment(self, x: int, y: int, text: str, width: int = 300, present: list[int] | None = None,
                height: int = 20) -> str:
        box: dict[str, Any] = {"maxclass": "comment", "text": text, "numinlets": 1, "numoutlets": 0,
                               "patching_rect": [x, y, width, height]}
        if present:
            box.update(presentation=1, presentation_rect=present)
        return self._add(box)

    def ui(self, maxclass: str, x: int, y: int, present: list[int], outlets: int, **extra: Any) -> str:
        box = {"maxclass": maxclass, "numinlets": 1, "numoutlets": outlets, "outlettype": [""] * outlets,
               "patching_rect": [x, y, present[2], present[3]], "presentation": 1,
               "presentation_rect": present}
        box.update(extra)
        return self._add(box)

    def parameter(self, maxclass: str, x: int, y: int, present: list[int], name: str, kind: int,
                  lo: float, hi: float, initial: float, items: list[str] | None = None, **extra: Any) -> str:
        """A Live parameter (saved with the set, automatable): live.numbox, live.dial, live.menu or live.text
        (`extra`: more box attributes, e.g. a live.text's mode and labels)."""
        value_of: dict[str, Any] = {
            "parameter_longname": name, "parameter_shortname": name, "parameter_type": kind,
            "parameter_mmin": lo, "parameter_mmax": hi, "parameter_initial": [initial],
            "parameter_initial_enable": 1,
        }
        if items is not None:
            value_of["parameter_enum"] = items
        outlets = {"live.menu": 3}.get(maxclass, 2)
        return self.ui(maxclass, x, y, present, outlets, varname=name,
                       saved_attribute_attributes={"valueof": value_of}, **extra)

    def button(self, x: int, y: int, present: list[int], name: str) -> str:
        """A live.text in button mode, labelled `name`."""
        return self.parameter("live.text", x, y, present, name, 2, 0, 1, 0, items=["off", "on"], mode=0,
                              text=name, texton=name)

    def display(self, x: int, y: int, varname: str, present: list[int]) -> str:
        """An empty message box shown in presentation, for text sent into it with `set TEXT`."""
        return self._add({"maxclass": "message", "text": "", "varname": varname, "numinlets": 2,
                          "numoutlets": 1, "outlettype": [""], "patching_rect": [x, y, present[2], present[3]],
                          "presentation": 1, "presentation_rect": present})

    def connect(self, src: str, dst: str, outlet: int = 0, inlet: int = 0) -> None:
        self.lines.append({"patchline": {"source": [src, outlet], "destination": [dst, inlet]}})

    def chain(self, *ids: str) -> None:
        for a, b in itertools.pairwise(ids):
            self.connect(a, b)

    def patcher(self, rect: tuple[int, int, int, int] = (80, 80, 1500, 900),
                description: str = "Sideman: an AI sideman that plays along over OSC (patches/OSC.md)") -> dict[str, Any]:
        return {"patcher": {
            "fileversion": 1,
            "appversion": {"major": 8, "minor": 5, "revision": 5, "architecture": "x64", "modernui": 1},
            "classnamespace": "box", "rect": list(rect), "openinpresentation": 1,
            "default_fontsize": 10.0, "default_fontname": "Arial Bold", "gridsize": [8, 8],
            "description": description,
            "boxes": self.boxes, "lines": self.lines,
        }}


def amxd(patcher: dict[str, Any]) -> bytes:
    """A Max for Live MIDI effect file: the `ampf` header, device type `mmmm`, then the patcher JSON."""
    body = json.dumps(patcher, indent=1).encode() + b"\n\x00"
    return (b"ampf" + struct.pack("<I", 4) + b"mmmm" + b"meta" + struct.pack("<I", 4) + struct.pack("<I", 0)
            + b"ptch" + struct.pack("<I", len(body)) + body)
