"""MIDI ports besides OSC, for setups with no patch: a keyboard in, a synth out.

`MidiInput` takes the human's notes from an input port. The port's callback runs in the MIDI backend's
thread: it only stamps the arrival time and hands the message to the event loop
(`call_soon_threadsafe`); on the loop it becomes `/note/on` or `/note/off` at the beat the clock gives
for that arrival time, and goes into the same input queue as OSC.

`MidiOutput` plays the agent's notes on an output port at their beats. Notes arrive ahead of time (the
lead); each note-on and note-off waits in a heap keyed by beat, and one asyncio task sleeps until the
earliest is due: `clock.time_of(beat)` minus the synth's latency, recomputed at each wake so tempo
changes and drift corrections are followed (the app wakes the task when the clock may have moved). No
polling. `/note/cancel` drops a note that has not started and ends one that has; `/agent/allnotesoff`
ends every sounding note, drops the plan and sends All Notes Off (CC 123) on the channels used. A note-on
more than `_LATE_S` late is dropped and counted, as a patch would.

Ports are opened by name with mido's default backend (python-rtmidi, the optional `midi` extra);
"virtual:NAME" creates a virtual port other programs can connect to. Tests hand in mido port objects
(in-memory subclasses of mido.ports.BaseInput/BaseOutput) instead of names.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import mido

from agent.errors import MidiError
from agent.live.clock import Clock
from agent.metrics import Histogram
from agent.wire.mqtt import Emit
from agent.wire.osc import AllNotesOff, Message, NoteCancel, NoteOff, NoteOn, NoteOut

log = logging.getLogger("sideman.io.midi_ports")

_LATE_S = 0.1  # a note-on due longer ago than this is dropped (counted), not played late
_ALL_NOTES_OFF = 123  # MIDI control change: all notes off


def open_port(name: str, output: bool, key: str) -> Any:
    """A mido port by name ("virtual:NAME" creates one); MidiError names `key` and says what to install."""
    virtual = name.startswith("virtual:")
    port_name = name.removeprefix("virtual:")
    try:
        if output:
            return mido.open_output(port_name, virtual=virtual)
        return mido.open_input(port_name, virtual=virtual)
    except ImportError as exc:
        raise MidiError(f"{key} {name!r}: no MIDI backend ({exc}); install the optional `midi` extra "
                        "(pip install -e '.[midi]', which brings python-rtmidi)") from exc
    except (OSError, ValueError, RuntimeError) as exc:  # rtmidi's errors derive from RuntimeError
        names = mido.get_output_names() if output else mido.get_input_names()
        raise MidiError(f"{key} {name!r}: cannot open it ({exc}); ports: {', '.join(names) or 'none'}") from exc


class MidiInput:
    """The human's notes from a MIDI input port, into the agent's input queue at the clock's beat."""

    def __init__(self, port: Any, clock: Clock, emit: Emit, channel: int = 0,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.port = port
        self.clock = clock
        self.emit = emit
        self.channel = channel  # 1..16, or 0 for any
        self.now = now
        self.ignored = 0  # messages that are not notes, or on another channel
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        """Start listening (on the running loop): the port calls back from its own thread."""
        self._loop = asyncio.get_running_loop()
        try:
            self.port.callback = self._on_message
        except (AttributeError, NotImplementedError) as exc:
            raise MidiError(f"MIDI input {self.port!r} does not support callbacks") from exc

    def _on_message(self, message: mido.Message) -> None:
        """In the backend's thread: stamp and pass to the loop; nothing else."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._apply, message, self.now())

    def _apply(self, message: mido.Message, arrival_s: float) -> None:
        kind = message.type
        if kind not in ("note_on", "note_off") or (self.channel and message.channel != self.channel - 1):
            self.ignored += 1
            return
        beat = self.clock.beat_at(arrival_s)
        if kind == "note_on" and message.velocity > 0:
            self.emit(NoteOn(beat, message.note, message.velocity), arrival_s)
        else:
            self.emit(NoteOff(beat, message.note), arrival_s)

    def close(self) -> None:
        try:
            self.port.callback = None
        finally:
            self.port.close()


@dataclass(order=True, slots=True)
class _Event:
    beat: float
    seq: int  # ties: offs before ons at the same beat (a repeated note is released, then struck)
    on: bool = field(compare=False)
    note_id: int = field(compare=False)
    channel: int = field(compare=False)  # 1..16
    pitch: int = field(compare=False)
    velocity: int = field(compare=False)


@dataclass(slots=True)
class MidiOutStats:
    note_ons: int = 0
    late: int = 0  # note-ons dropped because they were due more than _LATE_S ago
    errors: int = 0  # port send failures
    error_s: Histogram = field(default_factory=Histogram)  # how late each note-on went out, seconds


class MidiOutput:
    """Plays NoteOut/NoteCancel/AllNotesOff on a MIDI output port at their beats (see the module docstring)."""

    def __init__(self, port: Any, clock: Clock, latency_s: float = 0.0,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.port = port
        self.clock = clock
        self.latency_s = latency_s
        self.now = now
        self.stats = MidiOutStats()
        self._heap: list[_Event] = []
        self._seq = 0
        self._sounding: dict[tuple[int, int], int] = {}  # (channel, pitch) -> note id
        self._cancelled: set[int] = set()
        self._channels: set[int] = set()
        self._wake: asyncio.Event | None = None

    # ---- on the loop, from the app ---------------------------------------------------------------

    def send(self, messages: Iterable[Message]) -> None:
        for message in messages:
            if isinstance(message, NoteOut):
                self._push(message.beat, True, message)
                self._push(message.beat + message.dur_beats, False, message)
                self._channels.add(message.channel)
            elif isinstance(message, NoteCancel):
                self._cancel(message.id)
            elif isinstance(message, AllNotesOff):
                self.silence()
        self.changed()

    def changed(self) -> None:
        """The plan or the clock changed: re-arm the timer."""
        if self._wake is not None:
            self._wake.set()

    def silence(self) -> None:
        """End every sounding note, drop the plan, All Notes Off on the channels used."""
        for (channel, pitch) in list(self._sounding):
            self._out(mido.Message("note_off", channel=channel - 1, note=pitch, velocity=0))
        for channel in sorted(self._channels):
            self._out(mido.Message("control_change", channel=channel - 1, control=_ALL_NOTES_OFF, value=0))
        self._sounding.clear()
        self._heap.clear()
        self._cancelled.clear()

    def close(self) -> None:
        self.silence()
        self.port.close()

    def _push(self, beat: float, on: bool, note: NoteOut) -> None:
        self._seq += 1
        seq = self._seq if on else -self._seq  # offs sort before ons at the same beat
        heapq.heappush(self._heap, _Event(beat, seq, on, note.id, note.channel, note.pitch, note.velocity))

    def _cancel(self, note_id: int) -> None:
        self._cancelled.add(note_id)
        for key, sounding_id in list(self._sounding.items()):
            if sounding_id == note_id:
                self._out(mido.Message("note_off", channel=key[0] - 1, note=key[1], velocity=0))
                del self._sounding[key]

    # ---- the task ------------------------------------------------------------------------------

    async def run(self) -> None:
        """Sleep until the next event is due, play what is due, repeat (until cancelled)."""
        loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        while True:
            self._play_due()
            due = self._next_due()
            # loop.time() is time.monotonic(), the clock's time base (as in agent/app.py)
            timer = None if due is None else loop.call_at(due, self._wake.set)
            await self._wake.wait()
            self._wake.clear()
            if timer is not None:
                timer.cancel()

    def _next_due(self) -> float | None:
        if not self._heap or not self.clock.running:
            return None
        return self.clock.time_of(self._heap[0].beat) - self.latency_s

    def _play_due(self) -> None:
        while (due := self._next_due()) is not None and due <= self.now():
            event = heapq.heappop(self._heap)
            if event.note_id in self._cancelled:
                if not event.on:
                    self._cancelled.discard(event.note_id)
                continue
            late_s = self.now() - due
            key = (event.channel, event.pitch)
            if event.on:
                if late_s > _LATE_S:
                    self.stats.late += 1
                    self._cancelled.add(event.note_id)  # its note-off is skipped too
                    continue
                if key in self._sounding:  # the same key struck again: release it first
                    self._out(mido.Message("note_off", channel=event.channel - 1, note=event.pitch, velocity=0))
                self._out(mido.Message("note_on", channel=event.channel - 1, note=event.pitch,
                                       velocity=event.velocity))
                self._sounding[key] = event.note_id
                self.stats.note_ons += 1
                self.stats.error_s.add(max(late_s, 1e-6))
            elif self._sounding.get(key) == event.note_id:
                self._out(mido.Message("note_off", channel=event.channel - 1, note=event.pitch, velocity=0))
                del self._sounding[key]

    def _out(self, message: mido.Message) -> None:
        try:
            self.port.send(message)
        except Exception:  # a port that went away must not stop the band: count, log (rate-limited by count)
            self.stats.errors += 1
            if self.stats.errors in (1, 10, 100) or self.stats.errors % 1000 == 0:
                log.exception("MIDI output failed (%d so far)", self.stats.errors)
