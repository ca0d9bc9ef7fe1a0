"""The shipped default checkpoint: it loads, it plays in the live setting, and it follows the chords."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import TimingConfig
from agent.live.generator import SamplingParams
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import load_checkpoint, read_metadata
from agent.model.live import load_generator
from agent.music.events import Part
from agent.music.measures import chord_tone_ratio
from agent.training.bench_model import lead_sheet, run_live

SHIPPED = Path(__file__).resolve().parents[1] / "models" / "sideman-default.safetensors"


def test_shipped_checkpoint_is_small_safe_and_described() -> None:
    assert SHIPPED.is_file(), "models/sideman-default.safetensors is the default model: it must be committed"
    assert SHIPPED.stat().st_size < 40 * 2**20
    meta = read_metadata(SHIPPED)  # safetensors: weights and JSON strings, nothing that executes
    assert meta["format"] == "sideman-checkpoint-1"
    model, timing, info = load_checkpoint(SHIPPED)
    assert timing == TimingSettings()  # what the shipped model was trained with (the defaults)
    assert info["step"] > 0 and info["heldout_loss_per_event_token"] < 3.0
    card = (SHIPPED.parent / "README.md").read_text()
    assert str(model.num_params()) in card.replace(",", "")


def test_shipped_model_accompanies_a_lead_sheet_in_the_chords() -> None:
    generator = load_generator(SHIPPED, TimingConfig())
    notes, _ = run_live(generator, 32, (Part.COMP, Part.BASS), SamplingParams(seed=3), 1.0, 1.0)
    assert len(notes) >= 16  # at least two notes a bar over eight bars
    assert all(n.part in (Part.COMP, Part.BASS) and 0 <= n.beat < 32 for n in notes)
    chords, _melody = lead_sheet(12)
    onset_ratio, _ = chord_tone_ratio(notes, chords)
    assert onset_ratio > 0.7


def test_shipped_model_refuses_a_timing_it_was_not_trained_for() -> None:
    from agent.errors import ModelError

    with pytest.raises(ModelError, match="delta1"):
        load_generator(SHIPPED, TimingConfig(delta1_beats=2.0))


def test_shipped_model_knows_the_short_human_delays_the_runtime_plans_with() -> None:
    from agent.live.timing import DEFAULT_DELAYS

    generator = load_generator(SHIPPED, TimingConfig())
    assert generator.human_delays == DEFAULT_DELAYS
