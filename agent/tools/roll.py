"""`sideman roll FILE.mid`: a take as a piano roll (PNG), one colour per track: human, chords, each part.

For looking at what the agent played (the README shows `sideman demo`'s take before and after issue 10)
rather than reading figures. Reads any MIDI file (a demo take, a `--record` take); matplotlib (the
`report` extra) draws it.
"""

from __future__ import annotations

from pathlib import Path

import mido

from agent.errors import SidemanError

COLOURS = ("#444444", "#bbbbbb", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def read_tracks(path: Path) -> dict[str, list[tuple[float, float, int]]]:
    """Track name -> notes as (onset beat, duration beats, pitch)."""
    try:
        midi = mido.MidiFile(str(path))
    except (OSError, ValueError, EOFError) as exc:
        raise SidemanError(f"{path}: not a readable MIDI file ({exc})") from exc
    tracks: dict[str, list[tuple[float, float, int]]] = {}
    for index, track in enumerate(midi.tracks):
        name, tick, held = f"track {index}", 0, {}
        notes: list[tuple[float, float, int]] = []
        for message in track:
            tick += message.time
            if message.type == "track_name":
                name = message.name
            elif message.type == "note_on" and message.velocity > 0:
                held[(message.channel, message.note)] = tick
            elif message.type in ("note_off", "note_on"):
                start = held.pop((message.channel, message.note), None)
                if start is not None:
                    notes.append((start / midi.ticks_per_beat, (tick - start) / midi.ticks_per_beat, message.note))
        if notes:
            tracks[name] = notes
    return tracks


def render_roll(midi_path: Path, png_path: Path, title: str | None = None, beats: float | None = None) -> Path:
    """Draw the take in `midi_path` to `png_path` (the first `beats` beats, or all)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    tracks = read_tracks(midi_path)
    if not tracks:
        raise SidemanError(f"{midi_path}: no notes to draw")
    end = beats or max(on + dur for notes in tracks.values() for on, dur, _ in notes)
    fig, ax = plt.subplots(figsize=(max(8.0, end / 4.0), 4.5), dpi=100)
    for k, (name, notes) in enumerate(tracks.items()):
        colour = COLOURS[k % len(COLOURS)]
        for on, dur, pitch in notes:
            if on < end:
                ax.broken_barh([(on, min(dur, end - on))], (pitch - 0.4, 0.8), facecolors=colour)
    for bar in range(0, int(end) + 1, 4):
        ax.axvline(bar, color="#dddddd", lw=0.6, zorder=0)
    ax.set_xlim(0, end)
    ax.set_xlabel("beat")
    ax.set_ylabel("MIDI pitch")
    ax.set_title(title or midi_path.name)
    ax.legend(handles=[Patch(color=COLOURS[k % len(COLOURS)], label=name) for k, name in enumerate(tracks)],
              loc="upper right", fontsize=8, ncol=len(tracks))
    fig.tight_layout()
    png_path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png_path)
    plt.close(fig)
    return png_path
