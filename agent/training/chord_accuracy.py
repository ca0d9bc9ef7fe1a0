"""How well `agent.music.chord_recog` recognises POP909's annotated chords from its PIANO part.

`python -m agent.training.chord_accuracy DATA_DIR [--songs N] [--per-bar K]` prints the per-beat root
and root+quality accuracy (the figures in `agent.music.chord_recog`'s docstring). Here, not in the
music layer, because it reads the training corpus (`agent.training.datasets`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from agent.music.chord_recog import beat_accuracy, recognise_chords
from agent.music.events import Part
from agent.training.datasets import load_pop909_song


def evaluate(data_dir: Path, songs: int, per_bar: int = 2) -> tuple[float, float]:
    """Root and root+quality per-beat accuracy against the first `songs` POP909 annotations, recognising
    from the PIANO notes (COMP and BASS parts)."""
    counts = np.zeros(3)
    for folder in sorted(p for p in (data_dir / "pop909").glob("*/") if p.is_dir())[:songs]:
        song = load_pop909_song(folder)
        piano = [n for n in song.notes if n.part in (Part.COMP, Part.BASS)]
        end_beat = max(n.end_beat for n in song.notes)
        predicted = recognise_chords(piano, song.downbeats, end_beat, per_bar)
        counts += beat_accuracy(predicted, song.chords, end_beat)
    return float(counts[1] / counts[0]), float(counts[2] / counts[0])


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m agent.training.chord_accuracy DATA_DIR [--songs N] [--per-bar K]`: print accuracy on POP909."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--songs", type=int, default=100)
    parser.add_argument("--per-bar", type=int, default=2)
    args = parser.parse_args(argv)
    root, full = evaluate(args.data_dir, args.songs, args.per_bar)
    print(f"POP909, first {args.songs} songs, per beat: root {root:.3f}, root+quality {full:.3f}")


if __name__ == "__main__":
    main()
