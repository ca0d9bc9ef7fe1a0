"""`sideman demo`: the agent against a simulated DAW over real loopback OSC, no DAW needed.

The agent runs in this process (its own event loop in a background thread, listening on a free
loopback port); the simulated patch (agent/tools/daw_sim.py) plays the built-in lead sheet, records what
the agent sends, and this module writes a MIDI file (human, chords and each agent channel on its own
track) and returns a summary: notes, late notes, lead-time percentiles.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import mido

from agent.app import AgentThread
from agent.config import Config, override
from agent.metrics import Counters
from agent.music.chords import parse_symbol
from agent.music.leadsheet import LeadSheet, tiled
from agent.settings import PART_NAMES
from agent.tools.daw_sim import DawReport, SimDaw

log = logging.getLogger("sideman.tools.demo")
TICKS_PER_BEAT = 480
_CHORD_CHANNEL = 16  # channel of the chord track in the MIDI file (1-16)


async def play(config: Config, sheet: LeadSheet, bpm: float) -> tuple[DawReport, Counters, str, str]:
    """Start the agent in-process, play `sheet` at `bpm` through the simulated patch, stop the agent."""
    daw = SimDaw(sheet, bpm, preroll_beats=0.0, wait_before_play_s=0.5)  # play from stop, as a DAW does
    port = await daw.open()
    config = override(config, "net", {"listen_host": "127.0.0.1", "listen_port": 0,
                                      "send_host": "127.0.0.1", "send_port": port})
    agent = AgentThread(config)
    address = agent.start()
    try:
        report = await daw.run(address)
    finally:
        counters = await asyncio.to_thread(agent.stop)
        daw.close()
    return report, counters, agent.agent.generator.name, agent.agent.summary()


def write_midi(report: DawReport, sheet: LeadSheet, config: Config, path: Path, preroll_beats: float) -> list[str]:
    """Human, chords and the agent's channels on separate tracks; returns the track names."""
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    meta = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(report.bpm)),
                           mido.MetaMessage("time_signature", numerator=4, denominator=4),
                           mido.MetaMessage("track_name", name="sideman demo")])
    midi.tracks.append(meta)
    human_ch = config.parts.human_channel
    tracks: dict[str, tuple[int, int, list[tuple[float, float, int, int]]]] = {
        "human": (human_ch, 0, [(n.beat, n.dur_beats, n.pitch, n.velocity) for n in sheet.melody])}
    chord_notes = []
    for beat, dur, symbol in sheet.chords:
        chord = parse_symbol(symbol)
        if chord is not None:
            chord_notes += [(beat, dur, 48 + pc, 50) for pc in sorted(chord.pitch_classes)]
    tracks["chords"] = (_CHORD_CHANNEL, 0, chord_notes)
    by_channel = {config.parts.output(n).channel: n for n in PART_NAMES}
    for received in sorted(report.played(), key=lambda r: r.note.beat):
        note = received.note
        name = by_channel.get(note.channel, f"channel {note.channel}")
        program = config.parts.output(name).program if name in PART_NAMES else 0
        tracks.setdefault(name, (note.channel, program, []))[2].append(
            (note.beat, note.dur_beats, note.pitch, note.velocity))
    for name, (channel, program, notes) in tracks.items():
        midi.tracks.append(_track(name, channel - 1, program, notes, preroll_beats))
    path.parent.mkdir(parents=True, exist_ok=True)
    midi.save(path)
    return list(tracks)


def _track(name: str, channel: int, program: int, notes: list[tuple[float, float, int, int]],
           offset_beats: float) -> mido.MidiTrack:
    events = []
    for beat, dur, pitch, velocity in notes:
        on = round((beat + offset_beats) * TICKS_PER_BEAT)
        off = max(on + 1, round((beat + dur + offset_beats) * TICKS_PER_BEAT))
        events += [(on, 1, mido.Message("note_on", channel=channel, note=pitch, velocity=velocity)),
                   (off, 0, mido.Message("note_off", channel=channel, note=pitch, velocity=0))]
    events.sort(key=lambda e: (e[0], e[1]))
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=name),
                            mido.Message("program_change", channel=channel, program=program)])
    now = 0
    for tick, _, message in events:
        track.append(message.copy(time=max(0, tick - now)))
        now = max(now, tick)
    return track


def summary(report: DawReport, counters: Counters, generator: str, tracks: list[str], path: Path | None,
            agent_line: str = "") -> str:
    p1, p50, p99 = report.lead_ms()
    played = report.played()
    lines = [
        f"Sideman demo: {report.beats / 4:g} bars at {report.bpm:g} bpm, generator {generator}",
        f"  human notes sent:   {report.human_notes}",
        f"  agent notes played: {len(played)} ({len(report.notes) - len(played)} withdrawn before sounding)",
        f"  late notes:         {report.late()} (arrived after their beat)",
        f"  lead time ms:       p1 {p1:.1f}, p50 {p50:.1f}, p99 {p99:.1f}",
        (f"  agent counters:     {counters.fallback_chunks} fallback chunks, {counters.late_notes} late, "
        f"{counters.input_errors} input errors, {counters.dropped_packets + counters.kernel_drops} dropped, "
        f"{counters.generator_errors} generator errors, {counters.invalid_notes} invalid generated notes"),
        f"  error replies:      {len(report.errors)}",
        f"  agent:              {agent_line}",
    ]
    if path is not None:
        lines.append(f"  wrote {path} (tracks: {', '.join(tracks)})")
    return "\n".join(lines)


def run_demo(config: Config, bpm: float, bars: int, out: Path) -> str:
    """Play `bars` bars of the built-in lead sheet at `bpm`; write `out`; return the summary."""
    sheet = tiled(bars)
    log.info("demo: %d bars at %g bpm (%.0f s)", bars, bpm, sheet.beats * 60.0 / bpm)
    report, counters, generator, agent_line = asyncio.run(play(config, sheet, bpm))
    tracks = write_midi(report, sheet, config, out, preroll_beats=0.0)
    return summary(report, counters, generator, tracks, out, agent_line)
