"""`sideman bench-model`: generation speed of a checkpoint in the live setting, cached vs no cache.

Plays a lead sheet chunk by chunk exactly as the live agent does: with `--data`, the melody and chord
track of held-out songs (the density the model plays there is realistic for pop), else a built-in
progression and melody (on which the model comps sparsely, folk style). It reports notes generated per
second of compute and the real-time factor at a tempo (music seconds generated per second of compute),
for `--repeats` runs of the cached decoder (the numpy engine, `agent.model.engine`): this VM's speed varies
by up to 2x between identical runs (other tenants share its caches), so the median and the best are
printed. Then runs, in the same process on the same checkpoint, the reference-style baseline that
re-runs the full context through the torch model for every token (no key/value cache), and prints the
ratio. A benchmark, not a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Sequence
from pathlib import Path

from agent.live.generator import SamplingParams
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import load_checkpoint
from agent.model.drive import Music, play
from agent.model.engine import limit_threads
from agent.model.live import ModelGenerator
from agent.model.network import MusicTransformer
from agent.model.paths import model_file
from agent.music.chords import parse_symbol
from agent.music.events import ChordSpan, Note, Part, parse_parts

PROGRESSION = ["C", "Am7", "Dm7", "G7", "Em7", "A7", "Dm7", "G7", "F", "Fm6", "Em7", "A7", "Dm7", "G7", "C", "C"]


def lead_sheet(bars: int) -> tuple[tuple[ChordSpan, ...], tuple[Note, ...]]:
    chords = tuple(ChordSpan(4.0 * i, 4.0, parse_symbol(PROGRESSION[i % 16])) for i in range(bars))  # type: ignore[arg-type]
    melody = []
    for i in range(bars * 4):
        span = chords[i // 4].chord
        tones = sorted(span.pitch_classes)
        melody.append(Note(float(i), 0.9, 72 + tones[i % len(tones)], 90))
    return chords, tuple(melody)


Piece = tuple[tuple[ChordSpan, ...], tuple[Note, ...]]  # chord track and human melody, from beat 0


def run_live(generator: ModelGenerator, beats: int, parts: tuple[Part, ...], params: SamplingParams,
             chunk: float, lead: float, piece: Piece | None = None, delay_ticks: int | None = None,
             activity: tuple[tuple[Part, float], ...] = ()) -> tuple[list[Note], float]:
    """(notes generated, compute seconds) for `beats` beats of live accompaniment of `piece`, in chunks of
    `chunk` beats asked `lead` beats ahead, the human heard `delay_ticks` late (None: the model's longest)."""
    chords, melody = piece if piece is not None else lead_sheet(beats // 4 + 4)
    take = play(generator, Music(chords, melody, 0.0, float(beats)), params, parts, chunk, lead,
                delay_ticks=delay_ticks, activity=activity)
    return take.notes, take.seconds


def heldout_pieces(data: Path, cache: Path | None, count: int, beats: int) -> list[Piece]:
    """Melody and chords of held-out songs, shifted so each segment starts at beat 0."""
    from agent.training.datasets import load_corpus
    from agent.training.evaluate import pick_segments
    from agent.training.train import split

    _, held = split(load_corpus(data, cache=cache))
    pieces = []
    for seg in pick_segments(held, count, beats, (Part.COMP, Part.BASS)):
        shift = seg.start
        chords = tuple(ChordSpan(c.beat - shift, c.dur_beats, c.chord) for c in seg.song.chords if c.end_beat > shift)
        melody = tuple(Note(n.beat - shift, n.dur_beats, n.pitch, n.velocity) for n in seg.human)
        pieces.append((chords, melody))
    return pieces


def timed(model: MusicTransformer, timing: TimingSettings, pieces: Sequence[Piece | None], beats: int,
          parts: tuple[Part, ...], cached: bool, guided: bool = False) -> tuple[int, float, int]:
    """(notes, compute seconds, window rebuilds) for `beats` beats of each piece, played live from a
    fresh generator; `guided`: with the runtime's default knobs named (style pop, activity 0.6) and
    followed by classifier-free guidance (two readings of the music, fed together: `sampling.GuidedDecoder`)."""
    params = SamplingParams(seed=5)
    activity: tuple[tuple[Part, float], ...] = ()
    if guided:
        params = SamplingParams(seed=5, style="pop", control_guidance=2.0)
        activity = tuple((part, 0.6) for part in parts)
    notes, seconds, rebuilds = 0, 0.0, 0
    for piece in pieces:
        generator = ModelGenerator(model, timing, cached=cached)
        played, spent = run_live(generator, beats, parts, params, timing.delta2_beats, timing.lead_beats, piece,
                                 activity=activity)
        notes, seconds, rebuilds = notes + len(played), seconds + spent, rebuilds + generator.rebuilds
    return notes, seconds, rebuilds


def run(args: argparse.Namespace) -> int:
    """Print the figures; returns the exit code."""
    limit_threads(args.threads)
    model, timing, _ = load_checkpoint(model_file(args.model))
    parts = parse_parts(args.parts)
    pieces: list[Piece | None] = [None]
    if args.data is not None:
        pieces = list(heldout_pieces(args.data, args.cache, args.songs, args.beats))
    timed(model, timing, [None], 16, parts, cached=True)  # warm-up
    music_s = args.beats * len(pieces) * 60.0 / args.bpm
    rates, factors = [], []
    for repeat in range(max(1, args.repeats)):
        notes, seconds, rebuilds = timed(model, timing, pieces, args.beats, parts, cached=True)
        rates.append(notes / seconds)
        factors.append(music_s / seconds)
        print(f"cached   : run {repeat + 1}: {notes} notes in {args.beats * len(pieces)} beats, {seconds:.2f} s "
              f"compute, {notes / seconds:.0f} notes/s, real-time factor {music_s / seconds:.1f} at {args.bpm:g} bpm; "
              f"{rebuilds} windows encoded in one pass (one per {args.beats * len(pieces) / max(1, rebuilds):.0f} "
              "beats), otherwise only new tokens fed")
    notes, seconds, _ = timed(model, timing, pieces, args.beats, parts, cached=True, guided=True)
    print(f"guided   : {notes} notes in {args.beats * len(pieces)} beats, {seconds:.2f} s compute, "
          f"{notes / seconds:.0f} notes/s, real-time factor {music_s / seconds:.1f} at {args.bpm:g} bpm (style pop, "
          "activity 0.6, control guidance 2: two readings fed together, the live default)")
    beats = args.baseline_beats or args.beats
    notes, seconds, _ = timed(model, timing, pieces, beats, parts, cached=False)
    baseline = notes / seconds
    print(f"no cache : {notes} notes in {beats * len(pieces)} beats, {seconds:.2f} s compute, {baseline:.0f} notes/s, "
          f"real-time factor {beats * len(pieces) * 60.0 / args.bpm / seconds:.1f} at {args.bpm:g} bpm")
    median = statistics.median(rates)
    print(f"cached   : median {median:.0f} notes/s (best {max(rates):.0f}, worst {min(rates):.0f} of {len(rates)} runs), "
          f"real-time factor {statistics.median(factors):.1f} at {args.bpm:g} bpm")
    if baseline > 0:
        print(f"speed-up of the cache: {median / baseline:.1f}x at the median, {max(rates) / baseline:.1f}x at the "
              f"best (threads {args.threads}, model {model.num_params()} params)")
    else:
        print("speed-up of the cache: none measured (the baseline played no notes; give it more --baseline-beats)")
    return 0
