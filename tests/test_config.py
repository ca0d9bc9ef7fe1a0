"""Config: the shipped config.yaml equals the defaults, every key is documented, errors name the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.config import DEFAULT_CONFIG_PATH, Config, load_config, override, parse_override
from agent.errors import ConfigError


def test_shipped_config_equals_defaults() -> None:
    assert load_config(DEFAULT_CONFIG_PATH) == Config()


def test_every_key_in_config_yaml_has_a_comment() -> None:
    for line in DEFAULT_CONFIG_PATH.read_text().splitlines():
        if re.match(r"^\s*\w+:\s*\S", line) and not line.lstrip().startswith("#"):
            assert "#" in line, f"undocumented key: {line.strip()}"


def test_nested_override_keeps_sibling_defaults() -> None:
    config = override(Config(), "parts.bass", {"program": 34})
    assert config.parts.bass.program == 34
    assert config.parts.bass.channel == Config().parts.bass.channel


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("timing.lead_ms: soon", "timing.lead_ms"),
        ("timing.lead_bets: 1.0", "timing.lead_bets"),
        ("net: {listen_port: 70000}", "net.listen_port"),
        ("net: {listen_port: 9.5}", "net.listen_port"),
        ("sampling: {temperature: 0}", "sampling.temperature"),
        ("parts: {play: [drums]}", "parts.play"),
        ("runtime: 3", "runtime"),
        ("sampling: {activity: -0.5}", "sampling.activity"),
        ("sampling: {style: jazz}", "sampling.style"),
        ("parts: {comp: {octave: 4}}", "parts.comp.octave"),
        ("bogus: 1", "bogus"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "c.yaml"
    key, _, value = text.partition(": ")
    if "." in key:
        section, leaf = key.split(".")
        text = f"{section}:\n  {leaf}: {value}\n"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(named)):
        load_config(path)


def test_cli_override_is_typed_and_checked() -> None:
    config = override(Config(), *parse_override("timing.lead_ms=150"))
    assert config.timing.lead_ms == 150.0
    assert override(Config(), *parse_override("model_path=null")).model_path is None
    with pytest.raises(ConfigError, match="timing.lead_ms"):
        override(Config(), *parse_override("timing.lead_ms=soon"))
    with pytest.raises(ConfigError, match="expected section.key=value"):
        parse_override("lead_ms")


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("net: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
