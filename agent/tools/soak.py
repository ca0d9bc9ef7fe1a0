"""`sideman bench --soak MINUTES`: a long session against the agent, checking it neither slows nor leaks.

The agent runs in its own process (with the model unless `--model none`), started through
`python -m agent.tools.soak --serve ...`: that is `sideman run` on loopback plus a sampler task in the same event
loop that prints, every `--sample-s` seconds, the agent's resident memory, open file handles, threads
and asyncio tasks (a task leak is only visible from inside). A simulated patch (agent/tools/daw_sim.py,
one socket for the whole run, as one patch would be) plays a session at `--bpm` (default 180) made of
segments, round robin:

- a seek: play from another bar (the stopped `/playhead` says where play starts);
- a loop: `/transport/loop 1 start end`, three passes of 2 or 4 bars, the wrap expected, not a jump;
- chord edits: every segment sends a new chord track (the progression rotated), `/chords/clear` first;
- part changes: `/agent/set parts` cycles through comp+bass, comp+bass+lead, bass, comp+bass+counter;
- a flood every `--flood-every` minutes (default 5): 10,000 valid messages a second for 10 s while
  playing (agent/tools/bench.py's sender, in its own process).

Pass criteria (issue 12), printed with the figures: 0 late notes; resident memory at the end within 5%
of its value after the first minute; no more file handles, threads or tasks at the end than after
the first minute. The 30-minute run is a benchmark (minutes of real time), not a test; the test suite
runs a short one. Memory, file handles and threads are read from /proc (Linux); elsewhere they print
as n/a and only lateness and tasks are judged.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from agent.config import load_config, override, parse_override
from agent.model.paths import resolve_model
from agent.music.leadsheet import PROGRESSION, LeadSheet, sheet_of
from agent.tools.agent_process import AgentProcess
from agent.tools.bench import flood_sender
from agent.tools.daw_sim import DawReport, SimDaw
from agent.wire.osc import LoopBrace, SetParam, encode

PART_CYCLE = ("comp,bass", "comp,bass,lead", "bass", "comp,bass,counter")
_SAMPLE_TAG = "soak-sample "
LINEAR_BARS, FLOOD_BARS = 10, 18  # bars played by a plain take and by one carrying a flood (10 s at 180 bpm)
_RSS_GROWTH_LIMIT = 0.05  # issue 12: resident memory grows less than 5% after the first minute


# ---------------------------------------------------------------- inside the agent process


def _proc_status(key: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def sample() -> dict[str, float | int | None]:
    """The serving process's RSS (KiB), open file handles, threads and asyncio tasks (None where unknown)."""
    try:
        fds: int | None = len(os.listdir("/proc/self/fd"))
    except OSError:
        fds = None
    return {"t": time.monotonic(), "rss_kib": _proc_status("VmRSS"), "fds": fds,
            "threads": threading.active_count(), "tasks": len(asyncio.all_tasks()) - 1}  # minus the sampler


def serve(argv: list[str]) -> int:
    """`sideman run` with a sampler printing `soak-sample {json}` lines to stdout."""
    from agent.app import Agent, make_generator
    from agent.io.interrupts import on_interrupt

    parser = argparse.ArgumentParser(prog="python -m agent.tools.soak --serve")
    parser.add_argument("--sample-s", type=float, default=10.0)
    parser.add_argument("--port", type=int, required=True, help="UDP port on 127.0.0.1 to listen on")
    parser.add_argument("--send-port", type=int, required=True, help="UDP port on 127.0.0.1 to send to")
    parser.add_argument("--model", default=None, help="PATH or none (default: the config's)")
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    own = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    config = load_config(own.config)
    for text in own.overrides:
        config = override(config, *parse_override(text))
    config = override(config, "net", {"listen_host": "127.0.0.1", "listen_port": own.port,
                                       "send_host": "127.0.0.1", "send_port": own.send_port})
    if own.model is not None:
        path = resolve_model(own.model)
        config = override(config, "model_path", None if path is None else str(path))
    agent = Agent(config, make_generator(config))

    async def main() -> None:
        stop = asyncio.Event()
        on_interrupt(asyncio.get_running_loop(), stop.set)

        async def sampler() -> None:
            while not stop.is_set():
                print(_SAMPLE_TAG + json.dumps(sample()), flush=True)
                await asyncio.sleep(own.sample_s)

        task = asyncio.create_task(sampler(), name="soak-sampler")
        await agent.run(stop)
        task.cancel()

    asyncio.run(main())
    return 0


# ---------------------------------------------------------------- the session driver


@dataclass
class Segment:
    """One stretch of the session: where play starts, an optional loop, the parts, the chord rotation."""

    start_beat: float
    loop: tuple[float, float] | None
    parts: str
    rotation: int
    flood: bool = False


@dataclass
class SoakResult:
    segments: int = 0
    notes: int = 0
    late: int = 0
    past_loop_end: int = 0
    errors: list[str] = field(default_factory=list)
    floods: list[str] = field(default_factory=list)
    samples: list[dict[str, float | int | None]] = field(default_factory=list)


def plan(bpm: float, flood_every_s: float, seconds: float) -> Iterator[tuple[float, Segment]]:
    """(seconds into the session, segment) until `seconds`: seeks, loops, part changes in turn."""
    t, k, next_flood = 0.0, 0, flood_every_s
    while t < seconds:
        bar = (k * 5) % 16
        loop_bars = 2 if k % 2 else 4
        loop = (bar * 4.0, (bar + loop_bars) * 4.0) if k % 3 == 1 else None
        flood = t >= next_flood and loop is None
        if flood:
            next_flood += flood_every_s
        segment = Segment(bar * 4.0, loop, PART_CYCLE[k % len(PART_CYCLE)], k % len(PROGRESSION), flood)
        yield t, segment
        beats = 3 * (loop[1] - loop[0]) if loop else 4.0 * (FLOOD_BARS if flood else LINEAR_BARS)
        t += beats * 60.0 / bpm + 0.6  # plus the stopped settle time between takes
        k += 1


class _Patch(asyncio.DatagramProtocol):
    """One socket for the whole session; datagrams go to the segment playing now."""

    def __init__(self) -> None:
        self.daw: SimDaw | None = None

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if self.daw is not None:
            self.daw.received(data, time.monotonic())


def _sheet(rotation: int, bars: int) -> LeadSheet:
    return sheet_of([PROGRESSION[(b + rotation) % len(PROGRESSION)] for b in range(bars)])


async def _segment(patch: _Patch, transport: asyncio.DatagramTransport, agent: tuple[str, int],
                   segment: Segment, bpm: float, flood_seconds: float) -> tuple[DawReport, str | None]:
    passes = 3 if segment.loop else 1
    sheet = _sheet(segment.rotation, int(segment.start_beat / 4) + (LINEAR_BARS if not segment.flood else FLOOD_BARS))
    daw = SimDaw(sheet, bpm, preroll_beats=0.0, start_beat=segment.start_beat, loop=segment.loop, passes=passes)
    daw.transport = transport
    patch.daw = daw
    transport.sendto(encode(SetParam("parts", segment.parts)), agent)
    if segment.loop is None:  # the previous take's loop brace is switched off, as a DAW would
        transport.sendto(encode(LoopBrace(0, 0.0, 0.0)), agent)
    flood_line = None
    if segment.flood:
        run = asyncio.create_task(daw.run(agent))
        flood_line = await _flood(agent, daw, bpm, flood_seconds)
        report = await run
    else:
        report = await daw.run(agent)
    return report, flood_line


async def _flood(agent: tuple[str, int], daw: SimDaw, bpm: float, seconds: float, rate: int = 10_000) -> str:
    while daw.t0 is None:
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    ctx = multiprocessing.get_context("spawn")
    result = ctx.Queue()
    proc = ctx.Process(target=flood_sender, args=(agent, rate, seconds, daw.t0, 0.0, bpm, result))
    started = time.monotonic()
    proc.start()
    sent = await asyncio.to_thread(result.get)
    await asyncio.to_thread(proc.join)
    return f"{sent} messages in {time.monotonic() - started:.1f} s"


class _AgentProcess(AgentProcess):
    """The agent with the sampler (`agent.tools.soak --serve`) in its own process; its log in a temporary file."""

    log_prefix = "sideman-soak-"
    stop_signal = signal.SIGTERM

    def command(self, args: argparse.Namespace, port: int, send_port: int) -> list[str]:
        return ["agent.tools.soak", "--serve", "--sample-s", str(args.sample_s), "--port", str(port),
                "--send-port", str(send_port)]

    def samples(self) -> list[dict[str, float | int | None]]:
        lines = self.log().splitlines()
        return [json.loads(line[len(_SAMPLE_TAG):]) for line in lines if line.startswith(_SAMPLE_TAG)]


async def soak(args: argparse.Namespace) -> SoakResult:
    loop = asyncio.get_running_loop()
    patch = _Patch()
    transport, _ = await loop.create_datagram_endpoint(lambda: patch, local_addr=("127.0.0.1", 0))
    agent = _AgentProcess(args, int(transport.get_extra_info("sockname")[1]))
    result = SoakResult()
    try:
        address = await agent.ready()
        started = time.monotonic()
        for offset, segment in plan(args.soak_bpm, args.flood_every * 60.0, args.soak * 60.0):
            if time.monotonic() - started > args.soak * 60.0:
                break
            report, flood = await _segment(patch, transport, address, segment, args.soak_bpm, args.flood_seconds)
            result.segments += 1
            result.notes += len(report.played())
            result.late += report.late()
            result.past_loop_end += report.past_loop_end()
            result.errors += report.errors
            if flood is not None:
                result.floods.append(f"at {offset / 60:.1f} min: {flood}")
        await asyncio.sleep(args.sample_s + 0.5)  # one more sample after the last segment
    finally:
        agent.stop()
        transport.close()
    result.samples = agent.samples()
    return result


# ---------------------------------------------------------------- figures and verdict


def _at(samples: list[dict[str, float | int | None]], since_s: float) -> dict[str, float | int | None]:
    t0 = float(samples[0]["t"] or 0.0)
    return next((s for s in samples if float(s["t"] or 0.0) - t0 >= since_s), samples[-1])


def verdict(result: SoakResult, baseline_s: float = 60.0) -> tuple[list[str], bool]:
    """Printable figures and whether every criterion holds (baseline: the first sample after a minute)."""
    lines = [f"  segments:             {result.segments} (seeks, loops, chord edits, part changes)",
             f"  notes played:         {result.notes}",
             f"  late notes:           {result.late}; notes past a loop end {result.past_loop_end}",
             f"  floods:               {'; '.join(result.floods) or 'none'}"]
    ok = result.late == 0 and result.past_loop_end == 0 and bool(result.samples)
    if result.errors:
        lines.append(f"  agent errors:         {len(result.errors)}, first: {result.errors[0]}")
        ok = False
    if not result.samples:
        return [*lines, "  no samples from the agent"], False
    base, end = _at(result.samples, baseline_s), result.samples[-1]
    for key, label in (("rss_kib", "resident memory KiB"), ("fds", "file handles"), ("threads", "threads"),
                       ("tasks", "asyncio tasks")):
        first, last = base[key], end[key]
        if first is None or last is None:
            lines.append(f"  {label + ':':<22}n/a on this system")
            continue
        peak = max(int(s[key] or 0) for s in result.samples)
        if key == "rss_kib":
            growth = (last - first) / first
            good = growth < _RSS_GROWTH_LIMIT
            lines.append(f"  {label + ':':<22}{first} after {baseline_s:.0f} s -> {last} at the end "
                         f"({growth:+.1%}; peak {peak}) {'ok' if good else 'GREW'}")
        else:
            good = last <= first
            lines.append(f"  {label + ':':<22}{first} -> {last} (peak {peak}) {'ok' if good else 'GREW'}")
        ok = ok and good
    lines.append(f"  verdict:              {'PASS' if ok else 'FAIL'}")
    return lines, ok


def run_soak(args: argparse.Namespace) -> tuple[str, bool]:
    """The soak run's printable figures and whether it passed."""
    result = asyncio.run(soak(args))
    baseline_s = min(60.0, args.soak * 60.0 / 3)  # a short run judges from its first third
    lines, ok = verdict(result, baseline_s)
    title = (f"Sideman soak: {args.soak:g} min at {args.soak_bpm:g} bpm, model {args.model or 'default'}, "
             f"a flood every {args.flood_every:g} min")
    return "\n".join([title, *lines]), ok


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        raise SystemExit(serve(sys.argv[2:]))
    raise SystemExit("usage: sideman bench --soak MINUTES (this module's --serve is its agent process)")
