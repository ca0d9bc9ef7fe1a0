"""`sideman eval`: how well a checkpoint accompanies held-out songs, printed and written as a report.

For each held-out song (split by song, `agent.training.train.is_heldout`) a segment of `--beats` beats from a
downbeat is played the way the live agent plays it: chunks of delta2 beats, each generated when the
playhead is `lead` beats before it, seeing the human part (the song's lead) only up to the playhead
and the chord track delta1 beats ahead. The generated accompaniment (comping and bass by default) is
compared with the real accompaniment of the same bars and with a baseline of random pitches in the
real part's register. Figures: held-out loss (per event token, per note), chord-tone ratio by onset and
by sounding time (guidance at its default and off), notes per beat, pitch range, polyphony, collisions
with human onsets, and how bar-by-bar density follows the human's. One piano roll per song.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from agent.live.generator import SamplingParams
from agent.model import vocab as V
from agent.model.checkpoint import load_checkpoint
from agent.model.drive import Music, play
from agent.model.engine import limit_threads
from agent.model.live import ModelGenerator
from agent.model.network import MusicTransformer
from agent.model.paths import model_file
from agent.music import measures as M
from agent.music.events import Note, Part, Song
from agent.training.datasets import load_corpus
from agent.training.examples import build_example
from agent.training.train import collate, split

log = logging.getLogger("sideman.training.evaluate")
DEFAULT_PARTS = (Part.COMP, Part.BASS)


@dataclass
class Segment:
    song: Song
    start: float
    end: float
    human: list[Note]
    real: list[Note]
    generated: dict[str, list[Note]] = field(default_factory=dict)


def pick_segments(songs: Sequence[Song], count: int, beats: float, parts: Sequence[Part]) -> list[Segment]:
    """Segments of held-out songs that have a lead, chords and the requested parts."""
    segments = []
    for song in songs:
        lead = [n for n in song.notes if n.part == Part.LEAD]
        if not lead or not song.chords:
            continue
        start = next((d for d in song.downbeats if d >= lead[0].beat - 1e-9), song.downbeats[0])
        end = start + beats
        real = [n for n in song.notes if n.part in parts and start <= n.beat < end]
        if len(real) < beats / 2:
            continue
        segments.append(Segment(song, start, end, [n for n in lead if start <= n.beat < end], real))
        if len(segments) == count:
            break
    return segments


def play_live(generator: ModelGenerator, segment: Segment, parts: Sequence[Part], params: SamplingParams,
              chunk: float, lead: float) -> list[Note]:
    """Generate the accompaniment chunk by chunk, as the live agent would (`agent.model.drive`)."""
    song = segment.song
    music = Music(song.chords, tuple(segment.human), segment.start, segment.end, song.meter, song.downbeats[0])
    return play(generator, music, params, parts, chunk, lead).notes


def random_baseline(real: Sequence[Note], rng: random.Random) -> list[Note]:
    """The real part's rhythm with random pitches from its own register, part by part."""
    out = []
    for part in {n.part for n in real}:
        notes = [n for n in real if n.part == part]
        lo, hi = M.pitch_range(notes)
        out += [replace(n, pitch=rng.randint(lo, hi)) for n in notes]
    return out


@torch.no_grad()
def heldout_loss(model: MusicTransformer, songs: Sequence[Song], timing: object, examples: int) -> tuple[float, float]:
    """(nats per event token, nats per note) on fixed held-out examples."""
    rng = random.Random(99)
    batch = [build_example(rng.choice(songs), rng, timing) for _ in range(examples)]  # type: ignore[arg-type]
    token_sum = token_count = note_sum = note_count = 0.0
    for start in range(0, len(batch), 16):
        tokens, chords, targets = collate(batch[start : start + 16])
        losses = F.cross_entropy(model(tokens, chords).transpose(1, 2), targets, ignore_index=-100, reduction="none")
        mask = targets != -100
        token_sum += float(losses[mask].sum())
        token_count += int(mask.sum())
        is_note = (targets >= V.EVENT_NOTE) & (targets < V.REST)  # the last token of a sounding note
        for row, col in is_note.nonzero().tolist():
            note_sum += float(losses[row, col - 2 : col + 1].sum())
            note_count += 1
    return token_sum / token_count, note_sum / max(note_count, 1)


def summarise(name: str, notes: Sequence[Note], seg_list: Sequence[Segment], key: str) -> dict[str, float]:
    """Figures for one system over all segments (notes pooled, densities per bar)."""
    onset, sounding, per_beat, collisions, corr, poly, lows, highs, fills = [], [], [], [], [], [], [], [], []
    for seg in seg_list:
        part = seg.generated[key]
        on, so = M.chord_tone_ratio(part, seg.song.chords)
        onset.append(on)
        sounding.append(so)
        per_beat.append(M.notes_per_beat(part, seg.end - seg.start))
        collisions.append(M.collision_share(part, seg.human))
        bar = seg.song.meter[0] * 4 / seg.song.meter[1]
        human_bars = M.density_per_bar(seg.human, seg.start, seg.end, bar)
        part_bars = M.density_per_bar(part, seg.start, seg.end, bar)
        corr.append(M.correlation(human_bars, part_bars))
        fills.append(M.rest_fill_ratio(human_bars, part_bars))
        poly.append(M.polyphony(part, seg.start, seg.end))
        lo, hi = M.pitch_range(part)
        lows.append(lo)
        highs.append(hi)
    return {
        "chord_tone_onset": float(np.nanmean(onset)), "chord_tone_sounding": float(np.nanmean(sounding)),
        "notes_per_beat": float(np.nanmean(per_beat)), "pitch_low": float(np.mean(lows)),
        "pitch_high": float(np.mean(highs)), "polyphony": float(np.nanmean(poly)),
        "human_collisions": float(np.nanmean(collisions)), "density_follow_r": float(np.nanmean(corr)),
        "rest_fill_ratio": float(np.nanmean(fills)) if not np.all(np.isnan(fills)) else float("nan"),
    }


def piano_roll(seg: Segment, key: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 1, figsize=(14, 6), sharex=True)
    for ax, (title, notes) in zip(axes, (("generated", seg.generated[key]), ("real", seg.real)), strict=True):
        for span in seg.song.chords:
            if span.end_beat > seg.start and span.beat < seg.end:
                ax.axvspan(span.beat, span.end_beat, color="0.93" if round(span.beat) % 8 else "0.87", lw=0)
                ax.text(span.beat + 0.1, 100, span.chord.symbol, fontsize=7)
        for note, color in [(n, "tab:blue") for n in seg.human] + [(n, "tab:orange") for n in notes]:
            ax.broken_barh([(note.beat, note.dur_beats)], (note.pitch - 0.4, 0.8), color=color)
        ax.set_ylabel(f"{title}\npitch"), ax.set_ylim(24, 104), ax.set_xlim(seg.start, seg.end)
    axes[1].set_xlabel("beat (blue: human lead, orange: accompaniment, bands: chords)")
    fig.suptitle(seg.song.name)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def run(args: argparse.Namespace) -> dict[str, object]:
    limit_threads(args.threads)
    args.model = model_file(args.model)
    model, timing, info = load_checkpoint(args.model)
    songs = load_corpus(args.data, cache=args.cache)
    _, held = split(songs)
    parts = DEFAULT_PARTS
    segments = pick_segments(held, args.songs, args.beats, parts)
    token_loss, note_loss = heldout_loss(model, held, timing, args.examples)
    generator = ModelGenerator(model, timing)
    rng = random.Random(7)
    systems = {f"model (guidance {args.guidance:.1f})": args.guidance, "model (guidance off)": 0.0}
    started = time.perf_counter()
    for seg in segments:
        for label, guidance in systems.items():
            params = SamplingParams(temperature=args.temperature, top_p=args.top_p, guidance=guidance, seed=1)
            seg.generated[label] = play_live(generator, seg, parts, params, timing.delta2_beats, timing.lead_beats)
        seg.generated["real accompaniment"] = seg.real
        seg.generated["random pitches"] = random_baseline(seg.real, rng)
    gen_seconds = time.perf_counter() - started
    table = {label: summarise(label, [], segments, label) for label in segments[0].generated}
    args.report.mkdir(parents=True, exist_ok=True)
    for index, seg in enumerate(segments):
        piano_roll(seg, next(iter(systems)), args.report / f"roll_{index:02d}.png")
    result = {"checkpoint": str(args.model), "info": info, "songs": [s.song.name for s in segments],
              "heldout_loss_per_event_token": token_loss, "heldout_loss_per_note": note_loss,
              "generation_seconds": gen_seconds, "systems": table}
    write_report(args.report, result)
    return result


def write_report(folder: Path, result: dict[str, object]) -> None:
    (folder / "eval.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    systems: dict[str, dict[str, float]] = result["systems"]  # type: ignore[assignment]
    columns = list(next(iter(systems.values())))
    lines = [f"# Evaluation of {result['checkpoint']}", "",
             (f"Held-out loss: {result['heldout_loss_per_event_token']:.3f} nats per event token, "
              f"{result['heldout_loss_per_note']:.3f} nats per note."), "",
             "| system | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(f"{v:.3f}" for v in row.values()) + " |" for name, row in systems.items()]
    lines += ["", "Songs: " + ", ".join(result["songs"]), ""]  # type: ignore[arg-type]
    lines += [f"![{p.stem}]({p.name})" for p in sorted(folder.glob("roll_*.png"))]
    (folder / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def format_table(result: dict[str, object]) -> str:
    systems: dict[str, dict[str, float]] = result["systems"]  # type: ignore[assignment]
    columns = list(next(iter(systems.values())))
    head = f"{'system':26s}" + "".join(f"{c[:14]:>15s}" for c in columns)
    rows = [f"{name:26s}" + "".join(f"{v:15.3f}" for v in row.values()) for name, row in systems.items()]
    loss = (f"held-out loss {result['heldout_loss_per_event_token']:.3f} nats/event token, "
            f"{result['heldout_loss_per_note']:.3f} nats/note; generation {result['generation_seconds']:.1f} s")
    return "\n".join([loss, head, *rows])


def run_from_args(args: argparse.Namespace) -> int:
    """Entry point of `sideman eval`: print the table, write the report; returns the exit code."""
    result = run(args)
    print(format_table(result))
    print(f"report: {args.report / 'README.md'}")
    return 0
