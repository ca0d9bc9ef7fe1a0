"""The soak run (`sideman bench --soak`): a short session with a model, and the verdict's arithmetic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from compose_fakes import toy_model

from agent.cli import main
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import save_checkpoint
from agent.tools.soak import PART_CYCLE, SoakResult, plan, verdict


def test_plan_has_seeks_loops_part_changes_and_floods() -> None:
    segments = [s for _, s in plan(180.0, 5 * 60.0, 30 * 60.0)]
    assert len({s.start_beat for s in segments}) >= 8  # seeks all over the song
    assert sum(s.loop is not None for s in segments) >= len(segments) // 4
    assert {s.parts for s in segments} == set(PART_CYCLE)
    assert len({s.rotation for s in segments}) > 8  # the chord track changes take after take
    assert sum(s.flood for s in segments) == 5  # at 5, 10, 15, 20 and 25 minutes


def _samples(rss: list[int], tasks: list[int]) -> list[dict[str, float | int | None]]:
    return [{"t": 10.0 * i, "rss_kib": r, "fds": 8, "threads": 2, "tasks": k}
            for i, (r, k) in enumerate(zip(rss, tasks, strict=True))]


def test_verdict_catches_growth_and_lateness() -> None:
    flat = SoakResult(segments=3, notes=100, samples=_samples([300, 310, 312, 314], [4, 4, 4, 4]))
    assert verdict(flat, baseline_s=10.0)[1]
    grew = SoakResult(segments=3, notes=100, samples=_samples([300, 310, 320, 330], [4, 4, 4, 4]))
    lines, ok = verdict(grew, baseline_s=10.0)
    assert not ok and any("GREW" in line and "resident memory" in line for line in lines)
    tasks = SoakResult(segments=3, notes=100, samples=_samples([300, 300, 300, 300], [4, 4, 5, 6]))
    assert not verdict(tasks, baseline_s=10.0)[1]
    late = SoakResult(segments=3, notes=100, late=1, samples=flat.samples)
    assert not verdict(late, baseline_s=10.0)[1]


def test_short_soak_with_a_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """45 s of music at 180 bpm: a seek, a loop, part changes, chord edits and a 2-second flood."""
    model = tmp_path / "toy.safetensors"
    save_checkpoint(model, toy_model(), TimingSettings())
    with pytest.raises(SystemExit) as exited:
        main(["bench", "--soak", "0.75", "--flood-every", "0.25", "--flood-seconds", "2", "--sample-s", "2",
              "--model", str(model)])
    out = capsys.readouterr().out
    assert exited.value.code == 0, out
    assert "late notes:           0;" in out and "verdict:              PASS" in out
    assert "messages in" in out  # the flood happened
    played = int(re.search(r"notes played: +(\d+)", out).group(1))  # type: ignore[union-attr]
    assert played > 50 and "segments:             3" in out
