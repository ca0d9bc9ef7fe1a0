"""`sideman bench`: drive a real agent process over loopback OSC in real time and print timing figures.

For each tempo the agent is started as its own process (`python -m agent run`, so its peak RSS is its
own), the simulated patch (agent/tools/daw_sim.py) plays the built-in lead sheet for `--minutes` of music
with the human part and the chords, and the figures are: notes sent, late notes (arrived after their
beat on the patch's transport), lead time p1/p50/p99 in ms, fallback chunks, input-to-state latency
p50/p99 (measured inside the agent, reported in /agent/status), packets dropped, peak RSS.

`--flood` adds a run at 120 bpm during which a separate process sends 10,000 valid messages a second
(`/playhead` with the right beat and `/note` human notes, alternately) for 10 s: handled and dropped
are the differences of the agent's counters across the flood. Not a test: it takes real minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import socket
import time

from agent.music.leadsheet import tiled
from agent.tools.agent_process import AgentProcess, last_status
from agent.tools.daw_sim import DawReport, SimDaw
from agent.wire.osc import HumanNote, Playhead, Status, encode

_SETTLE_S = 1.5  # after stop, long enough for one more /agent/status heartbeat


def _tempo_lines(title: str, report: DawReport, status: Status | None, rss_mib: float) -> list[str]:
    p1, p50, p99 = report.lead_ms()
    played = report.played()
    lines = [title,
             f"  notes sent:           {len(report.notes)} ({len(played)} played, {report.cancels} cancelled)",
             f"  late notes:           {report.late()} (arrived after their beat)",
             f"  lead time ms:         p1 {p1:.1f}, p50 {p50:.1f}, p99 {p99:.1f}"]
    if status is not None:
        lines += [f"  fallback chunks:      {status.fallback_chunks}",
                  (f"  input-to-state ms:    p50 {status.input_latency_p50_ms:.3f}, "
                  f"p99 {status.input_latency_p99_ms:.3f} ({status.packets_handled} messages)"),
                  (f"  arrival-to-state ms:  p50 {status.arrival_latency_p50_ms:.3f}, "
                  f"p99 {status.arrival_latency_p99_ms:.3f} (from the kernel's receive time: adds OS wake-up)"),
                  (f"  packets dropped:      {status.dropped_packets}; input errors {status.input_errors}; "
                  f"agent-side late notes {status.late_notes}; generator {status.model}")]
    lines.append(f"  peak RSS:             {rss_mib:.1f} MiB")
    return lines


async def _play(args: argparse.Namespace, bpm: float, bars: int, flood: bool) -> list[str]:
    daw = SimDaw(tiled(bars), bpm)
    agent = AgentProcess(args, await daw.open())
    try:
        address = await agent.ready()
        run = asyncio.create_task(daw.run(address))
        flood_lines = await _flood(args, address, daw, bpm) if flood else []
        report = await run
        await asyncio.sleep(_SETTLE_S)
        rss = agent.peak_rss_mib()
    finally:
        agent.stop()
        daw.close()
    stopped = [line.split("stopped: ", 1)[1] for line in agent.log_path.read_text().splitlines() if "stopped: " in line]
    minutes = bars * 4 / bpm
    title = f"{bpm:g} bpm, {minutes:.1f} min of music ({bars} bars)"
    if flood:
        title = f"flood run: {title}"
    agent_line = [f"  agent:                {stopped[-1]}"] if stopped else []
    return _tempo_lines(title, report, last_status(report), rss) + agent_line + flood_lines


async def _flood(args: argparse.Namespace, address: tuple[str, int], daw: SimDaw, bpm: float) -> list[str]:
    await asyncio.sleep(5.0)
    report = daw.report
    before = last_status(report)
    start = time.monotonic()
    ctx = multiprocessing.get_context("spawn")
    result = ctx.Queue()
    assert daw.t0 is not None
    proc = ctx.Process(target=flood_sender, args=(address, args.flood_rate, args.flood_seconds, daw.t0,
                                                  daw.preroll_beats, bpm, result))
    proc.start()
    sent = await asyncio.to_thread(result.get)
    await asyncio.to_thread(proc.join)
    end = time.monotonic()
    await asyncio.sleep(_SETTLE_S)
    after = last_status(report)
    if before is None or after is None:
        return ["  flood: no /agent/status received around the flood"]
    handled = after.packets_handled - before.packets_handled
    dropped = after.dropped_packets - before.dropped_packets
    late_during = sum(1 for n in report.played() if start <= n.arrival_s <= end and n.lead_s < 0)
    return [(f"  flood:                {sent} valid messages in {end - start:.1f} s "
            f"({sent / max(end - start, 1e-9):.0f}/s) while playing"),
            f"  flood handled:        {handled} messages applied (incl. the patch's own), {dropped} dropped",
            f"  late notes in flood:  {late_during}"]


def flood_sender(address: tuple[str, int], rate: int, seconds: float, t0: float, preroll: float, bpm: float,
                 result: multiprocessing.Queue[int]) -> None:
    """Send `rate` valid messages a second for `seconds` (runs in its own process)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    per_tick, tick_s = max(1, rate // 100), 0.01
    sent, start = 0, time.monotonic()
    next_tick = start
    while time.monotonic() - start < seconds:
        beat = -preroll + (time.monotonic() - t0) * bpm / 60.0
        for k in range(per_tick):
            message = Playhead(beat) if k % 2 == 0 else HumanNote(beat, 48 + (sent % 24), 64, 0.25)
            sock.sendto(encode(message), address)
            sent += 1
        next_tick += tick_s
        time.sleep(max(0.0, next_tick - time.monotonic()))
    sock.close()
    result.put(sent)


def run_bench(args: argparse.Namespace) -> str:
    """Run every requested tempo (and the flood); return the printable figures."""
    lines = ["Sideman benchmark (real time, loopback OSC, agent in its own process)"]
    for bpm in args.bpm or [120.0, 180.0]:
        bars = max(1, math.ceil(args.minutes * bpm / 4.0))
        lines += asyncio.run(_play(args, bpm, bars, flood=False))
    if args.flood:
        bars = math.ceil((args.flood_seconds + 12.0) * 120.0 / 240.0)
        lines += asyncio.run(_play(args, 120.0, bars, flood=True))
    return "\n".join(lines)
