"""Ctrl-C and termination requests as a callback on the event loop, on every system.

On Linux and macOS `loop.add_signal_handler` runs the callback on the loop. Windows' loops do not
implement it (NotImplementedError), so there a plain `signal.signal` handler forwards Ctrl-C (SIGINT;
SIGBREAK for Ctrl-Break) to the loop with `call_soon_threadsafe`; the Proactor loop registers a wakeup
fd, so the handler runs promptly even while the loop waits. That fallback is exercised on Linux with
SIDEMAN_PORTABLE=1 (tests/test_portable.py); on Windows itself it was only checked against Python's
documentation. asyncio.run's own SIGINT handling would cancel the main task instead, skipping the
ordered shutdown (all-notes-off first), which is why the agent installs its own either way.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from types import FrameType

from agent.io.server import portable_mode


def _signals() -> list[signal.Signals]:
    names = ("SIGINT", "SIGTERM", "SIGBREAK")  # SIGBREAK exists on Windows only
    return [getattr(signal, name) for name in names if hasattr(signal, name)]


def on_interrupt(loop: asyncio.AbstractEventLoop, callback: Callable[[], None]) -> str:
    """Call `callback` on `loop` at Ctrl-C/SIGTERM; returns how ("loop" or "signal.signal")."""
    if not portable_mode():
        try:
            for sig in _signals():
                loop.add_signal_handler(sig, callback)
            return "loop"
        except NotImplementedError:  # Windows
            pass

    def forward(signum: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(callback)

    for sig in _signals():
        signal.signal(sig, forward)
    return "signal.signal"
