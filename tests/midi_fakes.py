"""In-memory MIDI ports (mido port subclasses) for tests: no backend, no hardware."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import mido
from mido.ports import BaseInput, BaseOutput


class MemoryOutput(BaseOutput):  # type: ignore[misc]
    """Records every message sent to it with the monotonic time it arrived."""

    def _open(self, **kwargs: Any) -> None:
        self.sent: list[tuple[float, mido.Message]] = []

    def _send(self, msg: mido.Message) -> None:
        self.sent.append((time.monotonic(), msg))

    def of_type(self, kind: str) -> list[tuple[float, mido.Message]]:
        return [(t, m) for t, m in self.sent if m.type == kind]


class MemoryInput(BaseInput):  # type: ignore[misc]
    """`feed(message)` calls the port's callback from another thread, as a MIDI backend does."""

    callback: Callable[[mido.Message], None] | None = None

    def feed(self, message: mido.Message) -> None:
        thread = threading.Thread(target=self._deliver, args=(message,), name="fake-midi-backend")
        thread.start()
        thread.join()

    def _deliver(self, message: mido.Message) -> None:
        if self.callback is not None:
            self.callback(message)
