"""One description per setting (agent/settings.py): config loading, `/agent/set`, the CLI and patches/OSC.md's
table all read it, and agree at every range boundary."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from runtime_fakes import LiveHarness

from agent.config import Config, override
from agent.errors import ConfigError
from agent.live.generator import SamplingParams
from agent.settings import (
    PART_NAMES,
    PART_SETTINGS,
    SETTINGS,
    Range,
    Setting,
    SettingError,
    add_option,
    markdown_rows,
)
from agent.wire.osc import ErrorReply, SetParam

OSC_MD = Path(__file__).resolve().parent.parent / "patches" / "OSC.md"
ALL = [*SETTINGS.values(), *PART_SETTINGS.values()]


def _config_key(setting: Setting) -> str:
    return setting.key if setting in SETTINGS.values() else f"parts.comp.{setting.key}"


def _wire_name(setting: Setting) -> str:
    return setting.name if setting in SETTINGS.values() else f"comp.{setting.name}"


def _config_value(config: Any, key: str) -> Any:
    for name in key.split("."):
        config = getattr(config, name)
    return config


def test_the_osc_table_is_generated_from_the_settings() -> None:
    text = OSC_MD.read_text()
    start = text.index("  | name | value | default |")
    documented = text[start:text.index("\n\n", start)].split("\n")
    expected = ["  " + row for row in markdown_rows()]
    assert documented == expected, "patches/OSC.md's /agent/set table is stale; paste `python -m agent.settings`:\n" + "\n".join(expected)


@pytest.mark.parametrize("setting", ALL, ids=lambda s: s.name)
def test_config_reads_each_setting_default_and_check(setting: Setting) -> None:
    key = _config_key(setting)
    section, _, field_name = key.rpartition(".")
    fields = {f.name: f for f in dataclasses.fields(_config_value(Config(), section))}
    assert fields[field_name].metadata.get("setting") is setting, f"config {key} does not read its Setting"
    assert _config_value(Config(), key) == setting.default


def test_sampling_params_default_to_the_settings() -> None:
    """SamplingParams() (composition, evaluation) samples as the config's defaults do; its activity is
    deliberately unprompted (-1), the config's 0.6 is what the live agent asks for."""
    params = SamplingParams()
    for name in ("temperature", "top_p", "guidance", "seed"):
        assert getattr(params, name) == SETTINGS[name].default, name
    assert params.activity == SETTINGS["activity"].off
    assert params.style == "auto" and "auto" in SETTINGS["style"].choices  # unprompted too: the model's guess


def _outside(setting: Setting) -> list[float]:
    r = setting.range
    assert r is not None
    below = [r.lo] if r.lo_open else [r.lo - (1 if setting.kind == "int" else 0.01)]
    below = [v for v in below if v != setting.off and not (setting.nullable and v == -1)]
    return [*below, r.hi + (1 if setting.kind == "int" else 0.01)]


def _inside(setting: Setting) -> list[float]:
    r = setting.range
    assert r is not None
    return [r.hi] + ([] if r.lo_open else [r.lo]) + ([setting.off] if setting.off is not None else [])


RANGED = [s for s in ALL if s.range is not None]


@pytest.mark.parametrize("setting", RANGED, ids=lambda s: s.name)
def test_config_set_and_cli_agree_at_the_range_ends(setting: Setting) -> None:
    parser = argparse.ArgumentParser(exit_on_error=False)
    parser.add_argument("--value", type=setting.from_text)
    for value in _inside(setting):
        typed = int(value) if setting.kind == "int" else float(value)
        assert _config_value(override(Config(), _config_key(setting), typed), _config_key(setting)) == typed
        live = LiveHarness()
        live.send(SetParam(_wire_name(setting), typed))
        replies = [e.message for _, e in live.sent if isinstance(e, ErrorReply)]
        # a timing at a range end may be more than the plan can do at 120 bpm: refused for that, not its range
        assert all("can't do that" in r for r in replies), (setting.name, value, replies)
        assert parser.parse_args(["--value", str(typed)]).value == typed
    for value in _outside(setting):
        typed = int(value) if setting.kind == "int" else float(value)
        with pytest.raises(ConfigError, match=_config_key(setting).replace(".", r"\.")):
            override(Config(), _config_key(setting), typed)
        live = LiveHarness()
        live.send(SetParam(_wire_name(setting), typed))
        replies = [e.message for _, e in live.sent if isinstance(e, ErrorReply)]
        assert len(replies) == 1 and f"/agent/set {_wire_name(setting)}:" in replies[0], (setting.name, value)
        with pytest.raises(argparse.ArgumentError):
            parser.parse_args(["--value", str(typed)])


def test_the_cli_option_takes_default_range_and_help() -> None:
    parser = argparse.ArgumentParser(exit_on_error=False)
    for name in ("temperature", "top_p", "guidance", "seed"):
        add_option(parser, name)
    args = parser.parse_args([])
    assert (args.temperature, args.top_p, args.guidance, args.seed) == (0.9, 0.95, 2.0, None)
    assert parser.parse_args(["--top-p", "0.5", "--seed", "7"]).top_p == 0.5
    help_text = parser.format_help()
    assert "(0, 2]" in help_text and "nats in (-5, 5]" in help_text
    with pytest.raises(argparse.ArgumentError, match=r"out of range \(0, 2\]"):
        parser.parse_args(["--temperature", "0"])


def test_a_choice_setting_is_one_line() -> None:
    """What the `style` setting will be: a choice, checked the same way everywhere."""
    style = Setting("style", "sampling.style", "choice", "auto", "style of accompaniment", choices=("pop", "folk", "auto"))
    assert style.from_wire("folk") == "folk" and style.from_text("pop") == "pop"
    with pytest.raises(SettingError, match="not one of pop, folk, auto"):
        style.from_wire("jazz")
    with pytest.raises(TypeError, match="must be text"):
        style.from_wire(1.0)
    assert style.describe_value() == "s, one of `pop`, `folk`, `auto`"


def test_parts_setting_names_and_none() -> None:
    parts = SETTINGS["parts"]
    assert parts.from_wire("Bass, lead") == ("bass", "lead") and parts.from_wire("none") == ()
    assert set(parts.choices) == set(PART_NAMES)
    with pytest.raises(SettingError, match="unknown part 'drums'"):
        parts.check(("drums",))


def test_the_one_range_checker() -> None:
    Range(0, 1, lo_open=True).check(1.0)
    with pytest.raises(SettingError, match=r"^0 is out of range \(0, 1\]$"):
        Range(0, 1, lo_open=True).check(0.0)
    with pytest.raises(SettingError, match=r"^200 is out of range 0\.\.127$"):
        Range(0, 127).check(200, whole=True)
