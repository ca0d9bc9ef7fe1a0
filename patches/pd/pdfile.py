"""A small writer for Pure Data patch files (Pd 0.53 syntax), used by make_patches.py.

Boxes are added with their position and their text as you would type it in Pd (`$1`, `,` and `;`
included); the writer escapes them the way Pd saves them. Connections name boxes, not indices, so a
patch can be written and reviewed as code. Subpatches (`[pd name]`) are canvases inside a canvas.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field


def escape(text: str) -> str:
    """Box text as Pd saves it: `$` -> `\\$`, `,` and `;` as separate escaped atoms.

    A comma already escaped (`comp\\,bass`) stays inside its symbol, as Pd 0.51+ reads it.
    """
    out = text.replace("\\,", "\0").replace("$", "\\$").replace(",", " \\, ").replace(";", " \\; ")
    return " ".join(out.split()).replace("\0", "\\,")


@dataclass(frozen=True, slots=True)
class Box:
    """A box on a canvas: its index there (Pd counts boxes in file order from 0)."""

    canvas: Canvas
    index: int


@dataclass
class Canvas:
    """One canvas (the patch, or a subpatch): its lines, boxes and connections."""

    width: int = 900
    height: int = 700
    name: str | None = None
    x: int = 0
    y: int = 50
    font: int = 12
    lines: list[str] = field(default_factory=list)
    subpatches: list[Canvas] = field(default_factory=list)
    wires: list[str] = field(default_factory=list)
    coords: str | None = None
    count: int = 0
    box_x: int = 0  # where a subpatch's [pd name] box sits on its parent
    box_y: int = 0
    parent_box: Box | None = None

    def _add(self, line: str) -> Box:
        self.lines.append(line)
        box = Box(self, self.count)
        self.count += 1
        return box

    def obj(self, x: int, y: int, text: str, width: int | None = None) -> Box:
        """An object box, `[text]`; `width` in characters (Pd's `, f N`)."""
        return self._add(f"#X obj {x} {y} {escape(text)}" + (f", f {width}" if width else "") + ";")

    def msg(self, x: int, y: int, text: str, width: int | None = None) -> Box:
        """A message box."""
        return self._add(f"#X msg {x} {y} {escape(text)}" + (f", f {width}" if width else "") + ";")

    def comment(self, x: int, y: int, text: str, width: int | None = None) -> Box:
        """A comment (counts as a box in Pd's numbering); no `;` (Pd shows it as a line break)."""
        if ";" in text:
            raise ValueError(f"a `;` breaks the line in a Pd comment: {text!r}")
        return self._add(f"#X text {x} {y} {escape(text)}" + (f", f {width}" if width else "") + ";")

    def floatatom(self, x: int, y: int, width: int = 5, receive: str = "-", send: str = "-",
                  label: str = "-") -> Box:
        """A number box; `receive`/`send` names or `-`; the label sits on the right."""
        return self._add(f"#X floatatom {x} {y} {width} 0 0 1 {escape(label)} {escape(receive)} {escape(send)} 0;")

    def symbolatom(self, x: int, y: int, width: int = 10, receive: str = "-", send: str = "-",
                   label: str = "-") -> Box:
        """A symbol box."""
        return self._add(f"#X symbolatom {x} {y} {width} 0 0 1 {escape(label)} {escape(receive)} {escape(send)} 0;")

    def toggle(self, x: int, y: int, receive: str = "empty", send: str = "empty", label: str = "empty",
               size: int = 15) -> Box:
        """A toggle (IEM [tgl]) with its label on the right."""
        return self._add(f"#X obj {x} {y} tgl {size} 0 {escape(send)} {escape(receive)} {escape(label)} "
                         f"{size + 4} {size // 2} 0 10 #fcfcfc #000000 #000000 0 1;")

    def bang(self, x: int, y: int, receive: str = "empty", send: str = "empty", label: str = "empty",
             size: int = 15) -> Box:
        """A bang (IEM [bng]) that flashes for 120 ms."""
        return self._add(f"#X obj {x} {y} bng {size} 120 50 0 {escape(send)} {escape(receive)} "
                         f"{escape(label)} {size + 4} {size // 2} 0 10 #fcfcfc #000000 #000000;")

    def panel(self, x: int, y: int, width: int, height: int, label: str = "empty", color: str = "#e0e0e0") -> Box:
        """A background panel (IEM [cnv]) with a label in its top left corner."""
        return self._add(f"#X obj {x} {y} cnv 15 {width} {height} empty empty {escape(label)} 6 10 0 12 "
                         f"{color} #404040 0;")

    def subpatch(self, x: int, y: int, name: str, width: int = 700, height: int = 500) -> Canvas:
        """A `[pd name]` box; returns its inner canvas to fill."""
        inner = Canvas(width=width, height=height, name=name, x=80, y=80, box_x=x, box_y=y)
        inner.parent_box = Box(self, self.count)
        self.subpatches.append(inner)
        self.lines.append(f"<subpatch {len(self.subpatches) - 1}>")  # rendered in place
        self.count += 1
        return inner

    @staticmethod
    def box_of(sub: Canvas) -> Box:
        """The `[pd name]` box of a subpatch made with `subpatch`."""
        if sub.parent_box is None:
            raise ValueError("not a subpatch")
        return sub.parent_box

    def connect(self, src: Box | Canvas, dst: Box | Canvas, outlet: int = 0, inlet: int = 0) -> None:
        """Wire `src` outlet `outlet` to `dst` inlet `inlet` (both on this canvas)."""
        a = self.box_of(src) if isinstance(src, Canvas) else src
        b = self.box_of(dst) if isinstance(dst, Canvas) else dst
        if a.canvas is not self or b.canvas is not self:
            raise ValueError("both boxes must be on this canvas")
        self.wires.append(f"#X connect {a.index} {outlet} {b.index} {inlet};")

    def chain(self, *boxes: Box | Canvas) -> None:
        """Wire each box's left outlet to the next box's left inlet."""
        for a, b in itertools.pairwise(boxes):
            self.connect(a, b)

    def graph_on_parent(self, x: int, y: int, width: int, height: int) -> None:
        """Show the GUI boxes inside (x, y, width, height) on the parent, and hide the box text."""
        self.coords = f"#X coords 0 -1 1 1 {width} {height} 2 {x} {y};"

    def overlaps(self) -> list[tuple[str, str]]:
        """Pairs of boxes whose rectangles overlap (font 12: about 7 px a character, 19 px a line)."""
        rects = []
        for line in self.lines:
            sub = re.fullmatch(r"<subpatch (\d+)>", line)
            if sub:
                inner = self.subpatches[int(sub.group(1))]
                text, x, y, width = f"pd {inner.name}", inner.box_x, inner.box_y, None
            else:
                m = re.match(r"#X (obj|msg|text|floatatom|symbolatom) (-?\d+) (-?\d+) (.*?)(?:, f (\d+))?;$", line)
                if m is None or m.group(4).split()[0] in ("cnv", "tgl", "bng"):
                    continue
                text, x, y = m.group(4), int(m.group(2)), int(m.group(3))
                width = int(m.group(5)) if m.group(5) else None
                if m.group(1) in ("floatatom", "symbolatom"):
                    text = "0" * int(text.split()[0])
            parts = text.replace("\\", "").split(" ; ") if " \\; " in text else [text.replace("\\", "")]
            wrap = width or 60  # Pd wraps boxes at 60 characters unless given a width
            chars = min(wrap, max(len(part) for part in parts))
            lines = sum(max(1, -(-len(part) // wrap)) for part in parts)
            rects.append((text, x, y, x + 7 * chars + 6, y + 19 * lines))
        found = []
        for i, (ta, ax0, ay0, ax1, ay1) in enumerate(rects):
            for tb, bx0, by0, bx1, by1 in rects[i + 1:]:
                if ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1:
                    found.append((ta, tb))
        return found

    def render(self) -> list[str]:
        """The canvas as lines of a .pd file."""
        size = f"{self.x} {self.y} {self.width} {self.height}"
        out = [f"#N canvas {size} {self.font};" if self.name is None else f"#N canvas {size} {self.name} 0;"]
        for line in self.lines:
            sub = re.fullmatch(r"<subpatch (\d+)>", line)
            if sub:
                inner = self.subpatches[int(sub.group(1))]
                out.extend(inner.render())
                out.append(f"#X restore {inner.box_x} {inner.box_y} pd {inner.name};")
            else:
                out.append(line)
        if self.coords:
            out.append(self.coords)
        out.extend(self.wires)
        return out

    def text(self) -> str:
        """The whole file's text."""
        return "\n".join(self.render()) + "\n"
