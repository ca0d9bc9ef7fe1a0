"""Fixed-capacity buffers for the live state: recent human notes, the agent's sent notes, the chord track.

Nothing here grows over a long set: each buffer has a capacity fixed at construction and overwrites
(or evicts) its oldest entry when full, counting what it evicted. Pure module.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from agent.music.events import ChordSpan, Note

T = TypeVar("T")


class Ring(Generic[T]):
    """A ring buffer of fixed capacity: appends overwrite the oldest item once full."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"ring capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._items: list[T | None] = [None] * capacity
        self._start = 0  # index of the oldest item
        self._size = 0
        self.overwritten = 0  # items lost to overwriting, over the ring's life

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[T]:
        """Items oldest first."""
        for i in range(self._size):
            item = self._items[(self._start + i) % self.capacity]
            assert item is not None
            yield item

    def append(self, item: T) -> None:
        if self._size == self.capacity:
            self._items[self._start] = item
            self._start = (self._start + 1) % self.capacity
            self.overwritten += 1
        else:
            self._items[(self._start + self._size) % self.capacity] = item
            self._size += 1

    def clear(self) -> None:
        self._items = [None] * self.capacity
        self._start = self._size = 0

    def remove_if(self, predicate: Callable[[T], bool]) -> int:
        """Drop every item for which `predicate` is true, keeping order; return how many were dropped."""
        kept = [item for item in self if not predicate(item)]
        dropped = self._size - len(kept)
        if dropped:
            self.clear()
            for item in kept:
                self.append(item)
        return dropped


class NoteRing:
    """Recent notes in arrival order, with windowed snapshots for the generator."""

    def __init__(self, capacity: int) -> None:
        self._ring: Ring[tuple[int, Note]] = Ring(capacity)

    def __len__(self) -> int:
        return len(self._ring)

    @property
    def overwritten(self) -> int:
        return self._ring.overwritten

    def add(self, note: Note, note_id: int = -1) -> None:
        """Keep `note`; `note_id` lets the agent withdraw its own notes later (-1: no id)."""
        self._ring.append((note_id, note))

    def remove_ids(self, ids: set[int]) -> int:
        return self._ring.remove_if(lambda entry: entry[0] in ids)

    def clear(self) -> None:
        self._ring.clear()

    def window(self, lo_beat: float, hi_beat: float) -> tuple[Note, ...]:
        """Notes with lo_beat <= onset <= hi_beat, oldest onset first."""
        notes = [note for _, note in self._ring if lo_beat <= note.beat <= hi_beat]
        notes.sort(key=lambda note: (note.beat, note.pitch))
        return tuple(notes)


class ChordTrack:
    """The chord track as spans sorted by start beat, at most `capacity` of them (earliest evicted)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._starts: list[float] = []
        self._spans: list[ChordSpan] = []
        self.evicted = 0

    def __len__(self) -> int:
        return len(self._spans)

    def put(self, span: ChordSpan) -> bool:
        """Set a chord; spans starting inside it are replaced. True if the track changed."""
        lo = bisect.bisect_left(self._starts, span.beat)
        hi = bisect.bisect_left(self._starts, span.end_beat, lo)
        if hi - lo == 1 and self._spans[lo] == span:
            return False  # the same chord sent again (patches resend the track): nothing to replan
        self._starts[lo:hi] = [span.beat]
        self._spans[lo:hi] = [span]
        if len(self._spans) > self.capacity:
            del self._starts[0], self._spans[0]
            self.evicted += 1
        return True

    def erase(self, lo_beat: float, hi_beat: float) -> bool:
        """Remove the spans starting in [lo_beat, hi_beat) (an `N` chord). True if any was removed."""
        lo = bisect.bisect_left(self._starts, lo_beat)
        hi = bisect.bisect_left(self._starts, hi_beat, lo)
        del self._starts[lo:hi], self._spans[lo:hi]
        return hi > lo

    def clear(self) -> bool:
        changed = bool(self._spans)
        self._starts.clear()
        self._spans.clear()
        return changed

    def window(self, lo_beat: float, hi_beat: float) -> tuple[ChordSpan, ...]:
        """Spans sounding at some point of [lo_beat, hi_beat), in start order."""
        hi = bisect.bisect_left(self._starts, hi_beat)
        return tuple(span for span in self._spans[:hi] if span.end_beat > lo_beat)
