"""Rows-and-columns placement for the generated patches (Pd's pdfile.Canvas and Max's maxfile.Patcher).

A generator says where a box goes by its place in the signal flow, not by pixel: the next row of a
column (a chain reads top-down, as people patch), or the next place along a row (boxes fed side by
side, left to right). Both writers take `(x, y, text, ...)` first, so one helper serves both:

    col = Column(canvas, x=20, y=50)         # a column of boxes, 30 px a row
    rnow = col.obj("r $0-now")               # at (20, 50)
    trig = col.obj("t b b")                  # at (20, 80)
    side = col.beside(200)                   # another column 200 px to the right, from the current row
    row = col.row()                          # boxes side by side on the current row, then col moves on
    timer, anchor = row.obj("timer"), row.obj("v $0-anchor")

A fan-out (a trigger whose outlets fire right to left into boxes placed as a staircase) reads best on a
grid of cells: `grid = Grid(canvas, x=20, y=290, col_px=70)`, then `grid.obj(2, 5, "v $0-playing")` is
column 2, row 5 (fractions allowed).

The whole API: `Column` (obj, msg, comment, skip, at, beside, row, grid), `Row` (obj, msg, comment, skip),
`Grid` (obj, msg, comment, column) and `width_px` (a box's estimated width). Positions are estimates for a 12-point font (about 7 px a
character, a box 19 px high at Pd's font 12, 22 px in Max at 10-point Arial): tests/test_pd_patch.py
checks the Pd result has no overlapping boxes. Keyword arguments (`width=`, `present=`) pass through to
the writer unchanged.
"""

from __future__ import annotations

from typing import Any, Generic, Protocol, TypeVar

B = TypeVar("B")
B_co = TypeVar("B_co", covariant=True)

CHAR_PX = 7  # one character at font 12 (Pd) / Arial 10 (Max)
ROW_PX = 30  # a box (19-22 px) and a gap for its wires
GAP_PX = 20  # between boxes side by side


class Places(Protocol[B_co]):
    """A patch writer: pdfile.Canvas or maxfile.Patcher (each method returns the new box's handle)."""

    def obj(self, x: int, y: int, text: str, *args: Any, **kwargs: Any) -> B_co: ...
    def msg(self, x: int, y: int, text: str, *args: Any, **kwargs: Any) -> B_co: ...
    def comment(self, x: int, y: int, text: str, *args: Any, **kwargs: Any) -> B_co: ...


def width_px(text: str, width_chars: int | None = None) -> int:
    """A box's estimated width: its text (or the `width` it was given, in characters) plus the border."""
    chars = width_chars if width_chars is not None else min(60, len(text))  # Pd wraps at 60
    return CHAR_PX * chars + 6


class Column(Generic[B]):
    """Boxes stacked down a column, each on the next row (`row_px` apart)."""

    def __init__(self, canvas: Places[B], x: int, y: int, row_px: int = ROW_PX) -> None:
        self.canvas, self.x, self.y, self.row_px = canvas, x, y, row_px

    def _place(self, kind: str, text: str, rows: float, kwargs: dict[str, Any]) -> B:
        box: B = getattr(self.canvas, kind)(self.x, self.y, text, **kwargs)
        self.y += round(rows * self.row_px)
        return box

    def obj(self, text: str, rows: float = 1, **kwargs: Any) -> B:
        """An object box here; the column moves down `rows` rows (more for a box of several lines)."""
        return self._place("obj", text, rows, kwargs)

    def msg(self, text: str, rows: float = 1, **kwargs: Any) -> B:
        """A message box here."""
        return self._place("msg", text, rows, kwargs)

    def comment(self, text: str, rows: float | None = None, **kwargs: Any) -> B:
        """A comment here; the column moves past its wrapped lines (19 px each) unless given `rows`."""
        if rows is None:
            lines = -(-len(text) // (kwargs.get("width") or 60))
            rows = 1 if lines == 1 else (19 * lines + 12) / self.row_px
        return self._place("comment", text, rows, kwargs)

    def skip(self, rows: float = 1) -> Column[B]:
        """Leave `rows` rows empty (where a side branch comes back in, say)."""
        self.y += round(rows * self.row_px)
        return self

    def at(self, y: int) -> Column[B]:
        """Continue from the same height as `y` (to line up with another column)."""
        self.y = y
        return self

    def beside(self, dx: int, rows: float = 0) -> Column[B]:
        """A new column `dx` px to the right, starting `rows` rows below this one's current row."""
        return Column(self.canvas, self.x + dx, self.y + round(rows * self.row_px), self.row_px)

    def grid(self, col_px: int = 70) -> Grid[B]:
        """A Grid whose cell (0, 0) is this column's current row (for a fan-out below a chain)."""
        return Grid(self.canvas, self.x, self.y, col_px, self.row_px)

    def row(self, gap_px: int = GAP_PX) -> Row[B]:
        """Boxes side by side on the current row; the column moves down one row."""
        row = Row(self.canvas, self.x, self.y, gap_px)
        self.y += self.row_px
        return row


class Row(Generic[B]):
    """Boxes placed left to right on one row, each `gap_px` after the previous box's estimated width."""

    def __init__(self, canvas: Places[B], x: int, y: int, gap_px: int = GAP_PX) -> None:
        self.canvas, self.x, self.y, self.gap_px = canvas, x, y, gap_px

    def _place(self, kind: str, text: str, kwargs: dict[str, Any]) -> B:
        box: B = getattr(self.canvas, kind)(self.x, self.y, text, **kwargs)
        self.x += width_px(text, kwargs.get("width")) + self.gap_px
        return box

    def obj(self, text: str, **kwargs: Any) -> B:
        """An object box next along the row."""
        return self._place("obj", text, kwargs)

    def msg(self, text: str, **kwargs: Any) -> B:
        """A message box next along the row."""
        return self._place("msg", text, kwargs)

    def comment(self, text: str, **kwargs: Any) -> B:
        """A comment next along the row."""
        return self._place("comment", text, kwargs)

    def skip(self, px: int) -> Row[B]:
        """Leave `px` pixels empty."""
        self.x += px
        return self


class Grid(Generic[B]):
    """Boxes in cells: column `col` (`col_px` wide) and row `row` (`row_px` high) counted from (x, y)."""

    def __init__(self, canvas: Places[B], x: int, y: int, col_px: int = 70, row_px: int = ROW_PX) -> None:
        self.canvas, self.x, self.y, self.col_px, self.row_px = canvas, x, y, col_px, row_px

    def xy(self, col: float, row: float) -> tuple[int, int]:
        """The pixel position of a cell."""
        return self.x + round(col * self.col_px), self.y + round(row * self.row_px)

    def obj(self, col: float, row: float, text: str, **kwargs: Any) -> B:
        """An object box in cell (col, row)."""
        box: B = self.canvas.obj(*self.xy(col, row), text, **kwargs)
        return box

    def msg(self, col: float, row: float, text: str, **kwargs: Any) -> B:
        """A message box in cell (col, row)."""
        box: B = self.canvas.msg(*self.xy(col, row), text, **kwargs)
        return box

    def comment(self, col: float, row: float, text: str, **kwargs: Any) -> B:
        """A comment in cell (col, row)."""
        box: B = self.canvas.comment(*self.xy(col, row), text, **kwargs)
        return box

    def column(self, col: float, row: float) -> Column[B]:
        """A Column flowing down from cell (col, row)."""
        return Column(self.canvas, *self.xy(col, row), row_px=self.row_px)
