"""Draws what the Sideman Compose device shows, from the generated sideman-compose.maxpat's presentation.

Each frame is the device's presentation view (boxes where the .maxpat puts them) with the status lines
the device's JavaScript printed in a run of tests/test_compose_device.py (its harness, against a real
agent). Writes patches/max/sideman-compose.png. Needs matplotlib:
`python patches/max/render_compose_device.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

HERE = Path(__file__).resolve().parent
# status lines in the order the device showed them (copied from the harness output of one run)
FRAMES = [
    ("1. agent online, empty clips made", {
        "connection": "agent online (port 9000)", "activity": "ready: make empty clips, then Fill",
        "tracks": "", "version": ""}),
    ("2. Fill pressed", {
        "connection": "agent online (port 9000)", "activity": "filling 2 clips...",
        "tracks": "Keys [0] 0 (named), Bass (33) 33 (named), Lead #80 80 (named), Drums drums (guessed)",
        "version": ""}),
    ("3. written (one Live undo step)", {
        "connection": "agent online (port 9000)", "activity": "done in 0.3 s: version 0 of 1, 17 notes in 2 clips",
        "tracks": "Keys [0] 0 (named), Bass (33) 33 (named), Lead #80 80 (named), Drums drums (guessed)",
        "version": "version 0 of 1 (agent: 0.1 s)"}),
    ("4. notes selected, Regenerate", {
        "connection": "agent online (port 9000)", "activity": "done in 0.1 s: version 1 of 2, 10 notes in 1 clip",
        "tracks": "Keys [0] 0 (named), Bass (33) 33 (named), Lead #80 80 (named), Drums drums (guessed)",
        "version": "version 1 of 2 (agent: 0.1 s)"}),
    ("5. agent stopped", {
        "connection": "agent offline: start `sideman run` (this device sends to port 9000 and listens on 9002)",
        "activity": "no answer from the agent in 120 s while filling 2 clips: is `sideman run` running with a "
                    "model? Nothing was written", "tracks": "", "version": ""}),
]


def draw(ax: plt.Axes, boxes: list[dict], title: str, status: dict[str, str]) -> None:
    ax.set_xlim(0, 440)
    ax.set_ylim(172, 0)
    ax.set_axis_off()
    ax.add_patch(Rectangle((0, 0), 436, 169, facecolor="#2b2b2b", edgecolor="#555"))
    ax.set_title(title, fontsize=9, loc="left")
    for box in boxes:
        if not box.get("presentation"):
            continue
        x, y, w, h = box["presentation_rect"]
        cls = box["maxclass"]
        if cls == "comment":
            ax.text(x + 2, y + h / 2, box["text"], color="#ddd", fontsize=5.5, va="center")
        elif cls == "message":
            line = box["varname"].removeprefix("status-")
            ax.add_patch(Rectangle((x, y), w, h, facecolor="#1e1e1e", edgecolor="#666", lw=0.5))
            words = status.get(line, "")
            ax.text(x + 3, y + h / 2, words if len(words) < 95 else words[:92] + "...", color="#9fe870",
                    fontsize=5, va="center")
        else:
            ax.add_patch(Rectangle((x, y), w, h, facecolor="#4a4a4a", edgecolor="#888", lw=0.5))
            label = box.get("text") or box["varname"]
            ax.text(x + w / 2, y + h / 2, label, color="white", fontsize=5, va="center", ha="center")


def main() -> None:
    boxes = [b["box"] for b in json.loads((HERE / "sideman-compose.maxpat").read_text())["patcher"]["boxes"]]
    fig, axes = plt.subplots(len(FRAMES), 1, figsize=(6.2, 1.75 * len(FRAMES)))
    for ax, (title, status) in zip(axes, FRAMES, strict=True):
        draw(ax, boxes, title, status)
    fig.tight_layout()
    fig.savefig(HERE / "sideman-compose.png", dpi=130)
    print(f"wrote {HERE / 'sideman-compose.png'}")


if __name__ == "__main__":
    main()
