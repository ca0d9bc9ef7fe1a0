"""The agent's outer connections beside the OSC socket: MQTT, MIDI ports, the recorder, the clock source.

The composition root (agent/app.py) owns one `Connections`. It builds what the config asks for, and
the app calls it at four points, all on the event loop and none of them waiting on the outside world:

- `send(messages)`: everything the agent sends over OSC also goes to the MQTT bridge (a bounded queue),
  the MIDI output (a heap of timed events) and the recorder;
- `observe(message)`: every input the session applied goes to the recorder;
- `changed()`: the plan or the clock moved, so the MIDI output re-arms its timer;
- `tasks()`: the long-running parts, added to the app's task group by name (`mqtt`, `midi-out`,
  `clock-source`, `recorder`); a failure in one is logged and ends that connection, not the band.

Input from MQTT, MIDI and the clock source goes through `emit`, into the same bounded input queue as
OSC (full: dropped and counted). Shutdown: `stop()` sends all-notes-off everywhere and lets the bridge
publish what is queued and the offline status (bounded wait); `close()`, in the app's `finally`,
silences and closes the MIDI ports, leaves the Link session and writes the take in progress. Takes are
written in one worker thread, in order, each file atomically (agent/io/recorder.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.config import Config
from agent.io.clock_source import ClockSource, make_clock_source
from agent.io.midi_ports import MidiInput, MidiOutput, open_port
from agent.io.mqtt import MqttBridge
from agent.io.recorder import Recorder, Take, take_path, write_take
from agent.live.clock import Clock
from agent.settings import PART_NAMES
from agent.wire.mqtt import Emit, EnsembleIn
from agent.wire.osc import AllNotesOff, InMessage, Message, OutMessage

log = logging.getLogger("sideman.io.connections")

_WRITE_TIMEOUT_S = 10.0  # at shutdown, wait this long for the last take to be on disk


@dataclass(frozen=True, slots=True)
class MidiPorts:
    """mido port objects handed in instead of names (tests, or a program embedding the agent)."""

    input: Any = None
    output: Any = None


class Connections:
    """MQTT bridge, MIDI input and output, recorder and clock source, as the config asks."""

    def __init__(self, config: Config, clock: Clock, emit: Emit, now: Callable[[], float] = time.monotonic,
                 ports: MidiPorts | None = None) -> None:
        self.config = config
        self.name = config.mqtt.name
        midi = config.midi
        self.source: ClockSource | None = make_clock_source(config, clock, now)
        self.bridge = MqttBridge(config.mqtt, emit, now) if config.mqtt.enabled else None
        out_port = ports.output if ports and ports.output is not None else (
            open_port(midi.output_port, True, "midi.output_port") if midi.output_port else None)
        try:
            in_port = ports.input if ports and ports.input is not None else (
                open_port(midi.input_port, False, "midi.input_port") if midi.input_port else None)
        except Exception:
            if out_port is not None:
                out_port.close()
            raise
        self.midi_out = MidiOutput(out_port, clock, midi.output_latency_ms / 1000.0, now) if out_port else None
        self.midi_in = MidiInput(in_port, clock, emit, midi.input_channel, now) if in_port else None
        folder = config.record.folder
        self.folder = Path(folder).expanduser() if folder else None
        self.recorder = Recorder(config, clock, self.name) if self.folder else None
        self.written: list[Path] = []  # takes written (each path once)
        self._emit = emit
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recorder") if self.recorder else None
        self._writes: list[Future[Path]] = []
        self._programs = {name: config.parts.output(name).program for name in PART_NAMES}

    def tasks(self) -> list[tuple[str, Coroutine[Any, Any, None]]]:
        """The named tasks to run in the app's task group."""
        tasks: list[tuple[str, Coroutine[Any, Any, None]]] = []
        if self.midi_in is not None:
            self.midi_in.start()
        if self.bridge is not None:
            tasks.append(("mqtt", self._guard("MQTT bridge", self.bridge.run())))
        if self.midi_out is not None:
            tasks.append(("midi-out", self._guard("MIDI output", self.midi_out.run())))
        if self.source is not None:
            tasks.append(("clock-source", self._guard(f"{self.source.name} clock", self.source.run(self._emit))))
        if self.recorder is not None:
            tasks.append(("recorder", self._guard("recorder", self._flush_loop())))
        return tasks

    async def _guard(self, what: str, coro: Coroutine[Any, Any, None]) -> None:
        try:
            await coro
        except Exception:  # one connection failing must not stop the band: log it, play on without it
            log.exception("%s failed; the agent plays on without it", what)

    # ---- on the loop, from the app ---------------------------------------------------------------

    def send(self, messages: list[Message]) -> None:
        out: list[OutMessage] = [m for m in messages if not isinstance(m, InMessage)]
        if self.bridge is not None:
            self.bridge.send(out)
        if self.midi_out is not None:
            self.midi_out.send(out)
        if self.recorder is not None:
            self._write(self.recorder.send(list(out)))

    def observe(self, message: InMessage | EnsembleIn) -> None:
        if self.recorder is not None:
            self._write(self.recorder.observe(message))

    def changed(self) -> None:
        if self.midi_out is not None:
            self.midi_out.changed()

    # ---- recording -----------------------------------------------------------------------------

    def _write(self, take: Take | None) -> None:
        if take is None or self._writer is None or self.folder is None:
            return
        path = take_path(self.folder, self.name, take)
        self._writes = [f for f in self._writes if not f.done()]
        self._writes.append(self._writer.submit(write_take, take, path, self._programs))
        if path not in self.written:
            self.written.append(path)
            log.info("recording %s", path)

    async def _flush_loop(self) -> None:
        assert self.recorder is not None
        while True:
            await asyncio.sleep(self.config.record.flush_interval_s)
            self._write(self.recorder.snapshot())

    # ---- shutdown ------------------------------------------------------------------------------

    async def stop(self) -> None:
        """Before the tasks end: all-notes-off everywhere, and the bridge publishes what it holds."""
        self.send([AllNotesOff()])
        if self.bridge is not None:
            await self.bridge.flush()

    async def close(self) -> None:
        """Last: silence and close the MIDI ports, leave Link, write the take in progress (bounded wait)."""
        for closer in (self.midi_out, self.midi_in, self.source):
            if closer is not None:
                try:
                    closer.close()
                except Exception:  # a port that is already gone: the others must still close
                    log.exception("closing %r failed", closer)
        if self.recorder is not None and self._writer is not None:
            self._write(self.recorder.finish())
            pending = [asyncio.wrap_future(f) for f in self._writes]
            if pending:
                done, late = await asyncio.wait(pending, timeout=_WRITE_TIMEOUT_S)
                for future in done:
                    if future.exception() is not None:
                        log.error("could not write a take: %s", future.exception())
                if late:
                    log.error("a take is still being written after %g s", _WRITE_TIMEOUT_S)
            self._writer.shutdown(wait=False)

    def summary(self) -> str:
        parts = []
        if self.bridge is not None:
            s = self.bridge.stats
            parts.append(f"MQTT {s.published} published, {s.dropped} dropped, {s.received} received "
                         f"({s.bad_payloads} bad), {s.connects} connections")
        if self.midi_out is not None:
            m = self.midi_out.stats
            parts.append(f"MIDI out {m.note_ons} notes, {m.late} late, p99 {m.error_s.percentile(99) * 1000:.1f} ms")
        if self.written:
            parts.append(f"recorded {len(self.written)} file(s) in {self.folder}")
        return "; ".join(parts)
