"""The composition root: wires config, clock, buffers, scheduler, generator worker and the UDP server.

One `asyncio.TaskGroup` runs three named tasks:

- `input`: takes decoded messages off the bounded queue, applies them to the session (the state), and
  records the input-to-state latency (receipt of the datagram to the state updated);
- `scheduler`: sleeps until the scheduler's next ask time or deadline (or until input wakes it), polls
  it, and carries out what it returns;
- `status`: the `/agent/status` heartbeat, kernel drop counts, and one log line when fallbacks, late
  notes or drops happened in the last period.

The generator runs in ONE worker thread (a single-thread executor): calls are serialised and in
order, and the event loop never waits for them; results come back through `call_soon_threadsafe`.
Shutdown is ordered: stop the tasks, send `/agent/allnotesoff`, let the worker finish (bounded wait),
close the socket. The all-notes-off is in a `finally`, so a crash also leaves no note hanging.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Self, assert_never, cast

from agent.compose.endpoint import ComposeEndpoint
from agent.config import Config
from agent.errors import ConfigError, ModelError, OscError, SidemanError
from agent.io.connections import Connections, MidiPorts
from agent.io.server import OscServer, Received, Sender, open_server
from agent.live.clock import Clock
from agent.live.fallback import FallbackGenerator
from agent.live.generator import Generator
from agent.live.scheduler import Generate, ResetGenerator
from agent.live.session import Effect, Session
from agent.metrics import Counters, Histogram
from agent.model.paths import resolve_model
from agent.music.events import Note
from agent.wire.compose_osc import INBOUND_TYPES as COMPOSE_INBOUND
from agent.wire.mqtt import EnsembleIn
from agent.wire.osc import (
    Addressed,
    AllNotesOff,
    ErrorReply,
    HumanNote,
    InMessage,
    Message,
    NoteCancel,
    NoteOff,
    NoteOn,
    NoteOut,
    Playhead,
    Status,
)

log = logging.getLogger("sideman.app")
_BATCH = 256  # input messages applied per wake of the input task before yielding to the loop
# Input that never moves a deadline by more than drift: it does not wake the scheduler task (a
# /playhead that syncs or jumps returns effects, and those do).
_QUIET = (Playhead, HumanNote, NoteOn, NoteOff)
_LOCAL = ("127.0.0.1", 0)  # the "sender" of input from MQTT, MIDI and clock sources (no OSC reply port)


def model_path(config: Config) -> Path | None:
    """`config.model_path` resolved by agent/model/paths.py; None (logged) when there is none or it is missing."""
    try:
        return resolve_model(None, config.model_path)
    except ConfigError as exc:  # a missing model file: play the fallback rather than stay silent
        log.warning("%s: playing the chord-based fallback generator only", exc)
        return None


def make_generator(config: Config) -> Generator:
    """The model generator from `config.model_path`, or the fallback when there is none (logged)."""
    path = model_path(config)
    if path is None:
        log.info("no model configured: playing the chord-based fallback generator")
        return FallbackGenerator()
    log.info("model: %s", path)
    try:
        from agent.model import live as live_model  # lazy: torch is imported only when a model is used
    except ImportError as exc:
        raise ModelError(f"model {path.name}: cannot load the model code ({exc}); use --model none") from exc
    return live_model.load_generator(path, config.timing)


class Agent:
    """The running agent. `await run(stop)` serves until `stop` is set, then shuts down in order."""

    def __init__(self, config: Config, generator: Generator, now: Callable[[], float] = time.monotonic,
                 midi_ports: MidiPorts | None = None) -> None:
        timing = config.timing
        self.config = config
        self.generator = generator
        self.now = now
        self.counters = Counters()
        self.latency = Histogram()  # input-to-state latency (read from the socket -> state updated), s
        self.arrival_latency = Histogram()  # kernel arrival -> state updated (adds OS wake-up, backlog), s
        self.generate_time = Histogram()  # duration of generator.generate calls in the worker, s
        self.worker_busy = threading.Event()  # set while a generator call runs (a stuck model blocks exit)
        self.clock = Clock(now, timing.default_tempo_bpm, timing.jump_threshold_beats, timing.drift_time_constant_s)
        self.session = Session(config, self.clock, FallbackGenerator(), self.counters, generator.name,
                               getattr(generator, "check_timing", None))
        delays = getattr(generator, "human_delays", None)  # a model says which human delays it knows
        if delays:
            self.session.scheduler.set_delays(tuple(delays))
        self.address: tuple[str, int] | None = None
        self._sender: Sender | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._compose: ComposeEndpoint | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._scheduler_idle = True  # the scheduler task waits without a timer (stopped, or paused)
        self._midi_ports = midi_ports
        self.connections: Connections | None = None  # MQTT, MIDI, recorder, clock source (agent/io/connections.py)

    async def run(self, stop: asyncio.Event, ready: Callable[[tuple[str, int]], None] | None = None) -> Counters:
        """Serve until `stop` is set; call `ready(address)` once listening. Returns the final counters."""
        net, rt = self.config.net, self.config.runtime
        # The model's worker thread holds the GIL between numpy calls; with 80-ms leads the event loop
        # (deadlines, the fallback) must get it back within a millisecond, not Python's default 5 ms.
        sys.setswitchinterval(0.001)
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        queue: asyncio.Queue[Received] = asyncio.Queue(rt.queue_size)
        self.connections = Connections(self.config, self.clock, lambda m, t: self._enqueue(queue, m, t), self.now,
                                       self._midi_ports)
        try:
            server = open_server(net.listen_host, net.listen_port, queue, self.counters, self.now,
                                 net.recv_buffer_bytes)
        except OSError as exc:
            raise SidemanError(f"cannot listen on {net.listen_host}:{net.listen_port}: {exc.strerror}") from exc
        self._sender = Sender(server, (net.send_host, net.send_port), lambda: self.session.reply_ports)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="generator")
        # /compose/* (composition mode): its own worker thread and model copy, never the live worker
        self._compose = ComposeEndpoint(model_path(self.config), self._sender.send,
                                        self._loop.call_soon_threadsafe, params=self.session.params)
        self.address = server.address
        log.info("ready: listening on %s:%d, sending to %s:%d, generator %s", *self.address, net.send_host,
                 net.send_port, self.generator.name)
        if net.listen_host not in ("127.0.0.1", "::1", "localhost"):
            log.warning("listening on %s, not loopback: other machines can reach the agent", net.listen_host)
        if ready is not None:
            ready(self.address)
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [
                    group.create_task(self._input_loop(queue), name="input"),
                    group.create_task(self._schedule_loop(), name="scheduler"),
                    group.create_task(self._status_loop(server), name="status"),
                ]
                outer = [group.create_task(coro, name=name) for name, coro in self.connections.tasks()]
                await stop.wait()
                for task in tasks:
                    task.cancel()
                await self.connections.stop()  # all-notes-off out of every connection, MQTT flushed
                for task in outer:
                    task.cancel()
        finally:
            await self._shutdown(server)
        return self.counters

    # ---- tasks ---------------------------------------------------------------------------------

    def _enqueue(self, queue: asyncio.Queue[Received], message: InMessage | EnsembleIn | OscError,
                 arrival_s: float) -> None:
        """Input from MQTT, MIDI or a clock source joins the OSC input queue (full: dropped, counted)."""
        try:
            queue.put_nowait(Received(arrival_s, self.now(), _LOCAL, message))
        except asyncio.QueueFull:
            self.counters.dropped_packets += 1

    async def _input_loop(self, queue: asyncio.Queue[Received]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < _BATCH and not queue.empty():
                batch.append(queue.get_nowait())
            replan = False
            for item in batch:
                effects = self._apply_input(item)
                replan = replan or bool(effects) or not isinstance(item.message, _QUIET)
                self._carry_out(effects)
            if replan or (self._scheduler_idle and self.clock.running):
                # deadlines may have moved, or planning may resume: let the scheduler task re-arm its timer
                assert self._wake is not None and self.connections is not None
                self._wake.set()
                self.connections.changed()

    def _apply_input(self, item: Received) -> list[Effect]:
        try:
            if isinstance(item.message, COMPOSE_INBOUND):
                assert self._compose is not None
                self._compose.submit(item.message)
                effects = []
            elif isinstance(item.message, OscError):
                effects = self.session.input_error(str(item.message))
            else:
                message = cast("InMessage | EnsembleIn", item.message)  # compose messages went above
                effects = self.session.handle(message, item.sender, item.arrival_s)
                assert self.connections is not None
                self.connections.observe(message)
        except Exception:  # a bug handling one message must not stop the band: count, log, go on
            self.counters.input_errors += 1
            log.exception("error applying %r", item.message)
            effects = []
        done = self.now()
        self.latency.add(done - item.received_s)
        self.arrival_latency.add(done - item.arrival_s)
        return effects

    async def _schedule_loop(self) -> None:
        assert self._wake is not None and self._loop is not None
        while True:
            wake_at = self.session.scheduler.wakeup()
            # loop.time() is time.monotonic(): the clock's time base when the agent runs for real
            timer = None if wake_at is None else self._loop.call_at(wake_at, self._wake.set)
            self._scheduler_idle = timer is None
            await self._wake.wait()
            self._wake.clear()
            if timer is not None:
                timer.cancel()
            try:
                self._carry_out(self.session.poll())
            except Exception:  # same reasoning as in _apply_input
                self.counters.generator_errors += 1
                log.exception("scheduler error")

    async def _status_loop(self, server: OscServer) -> None:
        interval = self.config.runtime.status_interval_s
        last = Counters()
        while True:
            await asyncio.sleep(interval)
            drops = server.kernel_drops()
            if drops is not None:
                self.counters.kernel_drops = drops
            self._carry_out([self.status()])
            self._log_changes(last)
            last = dataclasses.replace(self.counters)

    def _log_changes(self, last: Counters) -> None:
        c = self.counters
        for name, what in (("fallback_chunks", "chunks played by the fallback (model late or failed)"),
                           ("late_notes", "notes too late to send"),
                           ("dropped_packets", "input messages dropped (queue full)"),
                           ("kernel_drops", "input datagrams dropped by the kernel"),
                           ("errors_suppressed", "error replies suppressed by the rate limit")):
            delta = getattr(c, name) - getattr(last, name)
            if delta:
                log.warning("%d %s in the last %g s", delta, what, self.config.runtime.status_interval_s)

    def status(self) -> Status:
        return self.session.status(*(h.percentile(q) * 1000.0 for h in (self.latency, self.arrival_latency)
                                     for q in (50, 99)))

    # ---- effects and the worker ----------------------------------------------------------------

    def _carry_out(self, effects: list[Effect]) -> None:
        assert self._sender is not None and self._executor is not None
        messages: list[Message | Addressed] = []  # for the OSC targets (addressed ones to theirs only)
        plain: list[Message] = []  # for the outer connections (MQTT, MIDI, recorder): every message
        for effect in effects:
            match effect:
                case Generate():
                    self._submit(effect)
                case ResetGenerator():
                    self._executor.submit(self._reset_generator)
                case Addressed():
                    messages.append(effect)
                    plain.append(effect.message)
                case NoteOut() | NoteCancel() | AllNotesOff() | Status() | ErrorReply():
                    messages.append(effect)
                    plain.append(effect)
                case _:
                    assert_never(effect)
        if messages:
            self._sender.send(messages)
            assert self.connections is not None
            self.connections.send(plain)

    def _reset_generator(self) -> None:
        try:
            self.generator.reset()
        except Exception:  # runs in the worker: log it, the next call starts as clean as it can
            log.exception("generator reset failed")

    def _submit(self, request: Generate) -> None:
        assert self._executor is not None and self._loop is not None
        future = self._executor.submit(self._timed_generate, request)
        loop = self._loop

        def done(f: Future[list[Note]]) -> None:
            try:
                loop.call_soon_threadsafe(self._on_done, request.request_id, f)
            except RuntimeError:  # the loop closed during shutdown: nothing left to play
                pass

        future.add_done_callback(done)

    def _timed_generate(self, request: Generate) -> list[Note]:
        """generator.generate in the worker, timed (the figure tells how much lead a model needs)."""
        start = time.perf_counter()
        self.worker_busy.set()
        try:
            return self.generator.generate(request.context, request.start_beat, request.end_beat)
        finally:
            self.worker_busy.clear()
            self.generate_time.add(time.perf_counter() - start)

    def _on_done(self, request_id: int, future: Future[list[Note]]) -> None:
        notes: list[Note] | None = None
        error: BaseException | None = None
        if future.cancelled():
            error = RuntimeError("cancelled at shutdown")
        elif future.exception() is not None:
            error = future.exception()
        else:
            try:
                result = list(future.result())
            except TypeError as exc:  # the generator returned something that is not a list of notes
                error = exc
            else:
                notes = [n for n in result if isinstance(n, Note)]
                self.counters.invalid_notes += len(result) - len(notes)
        self._carry_out(self.session.on_result(request_id, notes, error))
        assert self._wake is not None
        self._wake.set()

    async def _shutdown(self, server: OscServer) -> None:
        try:
            if self._compose is not None:
                self._compose.close()
            if self._sender is not None:
                self._sender.send([AllNotesOff()])
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                try:
                    await asyncio.wait_for(asyncio.to_thread(self._executor.shutdown, True),
                                           self.config.runtime.shutdown_timeout_s)
                except TimeoutError:
                    log.warning("generator still busy after %g s; leaving it", self.config.runtime.shutdown_timeout_s)
        finally:
            if self.connections is not None:
                await self.connections.close()  # MIDI silenced and closed, the take written
            server.close()
            log.info("stopped: %s", self.summary())

    def summary(self) -> str:
        """One line of what happened: counts, and how long generator calls took."""
        c, g = self.counters, self.generate_time
        return (f"{c.notes_sent} notes sent, {c.late_notes} late, {c.fallback_chunks} fallback chunks, "
                f"{c.dropped_packets + c.kernel_drops} dropped, {c.input_errors} input errors, "
                f"{c.generator_errors} generator errors; {g.count} generator calls, "
                f"p50 {g.percentile(50) * 1000:.1f} ms, p99 {g.percentile(99) * 1000:.1f} ms"
                + (f"; {outer}" if self.connections and (outer := self.connections.summary()) else ""))


class AgentThread:
    """The agent on its own event loop in a background thread (tests, demo): start(), stop()."""

    def __init__(self, config: Config, generator: Generator | None = None, midi_ports: MidiPorts | None = None) -> None:
        self.agent = Agent(config, generator or make_generator(config), midi_ports=midi_ports)
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name="sideman-agent", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self.error: BaseException | None = None

    def _main(self) -> None:
        async def serve() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            await self.agent.run(self._stop, lambda _: self._ready.set())

        try:
            asyncio.run(serve())
        except BaseException as exc:  # noqa: BLE001 - reported to the thread that called start()/stop()
            self.error = exc
            self._ready.set()

    def start(self, timeout_s: float = 10.0) -> tuple[str, int]:
        """Start serving; return the bound address."""
        self._thread.start()
        if not self._ready.wait(timeout_s) or self.agent.address is None:
            raise SidemanError(f"agent did not start: {self.error!r}")
        return self.agent.address

    def stop(self, timeout_s: float = 10.0) -> Counters:
        """Shut down in order (all-notes-off sent) and return the final counters."""
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout_s)
        if self.error is not None:
            raise SidemanError(f"agent failed: {self.error!r}") from self.error
        return self.agent.counters

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
