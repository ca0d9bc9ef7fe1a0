"""The report folder of `sideman compose-eval`: figures as JSON and Markdown, satisfaction curves, rolls."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROLL_SYSTEMS = ("real region", "model", "model, no future of its part")


def write(folder: Path, result: dict[str, Any], printed: str, cases: Sequence[Any]) -> None:
    """eval.json, README.md (the printed figures and the pictures), satisfaction.png, roll_*.png."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "eval.json").write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    pictures = []
    if result["feedback"].get("tests"):
        satisfaction_plot(result["feedback"], folder / "satisfaction.png")
        pictures.append("satisfaction.png")
    for index, case in enumerate(cases[:4]):
        name = f"roll_{index:02d}.png"
        roll(case, folder / name)
        pictures.append(name)
    lines = [f"# Composition mode: {result['checkpoint']}", "", "```", printed, "```", "",
             "Settings: " + ", ".join(f"{k}={v}" for k, v in result["settings"].items()), ""]
    lines += [f"![{p}]({p})" for p in pictures]
    (folder / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def satisfaction_plot(feedback: dict[str, Any], path: Path) -> None:
    """Mean SS_i per round and system, with the target encoder and with the symbolic features."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
    rounds = range(1, feedback["rounds"] + 1)
    for ax, encoder in zip(axes, ("model", "features"), strict=True):
        for name, row in feedback["systems"].items():
            ax.plot(rounds, row[encoder]["ss_curve"], marker="o", label=name)
        ax.axhline(feedback["gamma"], color="0.6", ls="--", lw=1, label="gamma")
        ax.set_xlabel("round"), ax.set_title(f"{encoder} representation", fontsize=9)
    axes[0].set_ylabel("mean SS_i"), axes[1].legend(fontsize=7)
    fig.suptitle(f"simulated user, {feedback['tests']} tests", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def roll(case: Any, path: Path) -> None:
    """The case's track around the region: the real notes and the model's, one panel each."""
    plt = _pyplot()
    region, length = case.region, case.length
    lo, hi = region.start_beat - length, region.end_beat + length
    context = case.past + case.future
    systems = [s for s in ROLL_SYSTEMS if s in case.systems]
    fig, axes = plt.subplots(len(systems), 1, figsize=(12, 2.2 * len(systems)), sharex=True, squeeze=False)
    for ax, name in zip(axes[:, 0], systems, strict=True):
        ax.axvspan(region.start_beat, region.end_beat, color="0.92", lw=0)
        for note, color in [(n, "tab:blue") for n in context] + [(n, "tab:orange") for n in case.systems[name]]:
            ax.broken_barh([(note.beat, note.dur_beats)], (note.pitch - 0.4, 0.8), color=color)
        ax.set_ylabel(name, fontsize=7), ax.set_xlim(lo, hi)
    axes[-1, 0].set_xlabel("beat (blue: context, orange: region, grey: the region)")
    fig.suptitle(f"{case.song}: {case.piece.tracks[region.track].name}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
