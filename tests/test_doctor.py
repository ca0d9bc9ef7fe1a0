"""`sideman doctor`: every check passes when things are in place and fails, with advice, when provoked."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from compose_fakes import toy_model

from agent.cli import main
from agent.config import Config, override
from agent.live.generator import GenerationContext
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import save_checkpoint
from agent.music.events import Note
from agent.tools import doctor
from agent.tools.doctor import FAIL, OK, WARN

REPO = Path(__file__).resolve().parents[1]


def test_python_versions() -> None:
    assert doctor.python_check((3, 12)).status == OK
    old = doctor.python_check((3, 10))
    assert old.status == FAIL and "3.11 or newer" in old.advice
    assert doctor.python_check((3, 14)).status == WARN


def test_torch_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert doctor.torch_check().status == OK
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    check = doctor.torch_check()
    assert check.status == FAIL and "pip install torch" in check.advice and "--model none" in check.advice


def test_model_loads_and_plays_or_says_why(tmp_path: Path) -> None:
    good = tmp_path / "toy.safetensors"
    save_checkpoint(good, toy_model(), TimingSettings())
    check = doctor.model_check(override(Config(), "model_path", str(good)))
    assert check.status == OK and "one 4-beat chunk" in check.detail
    missing = doctor.model_check(override(Config(), "model_path", str(tmp_path / "gone.safetensors")))
    assert missing.status == FAIL and "no such model file" in missing.detail and "--model PATH" in missing.advice
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"not a checkpoint")
    broken = doctor.model_check(override(Config(), "model_path", str(junk)))
    assert broken.status == FAIL and "not a readable checkpoint" in broken.detail
    assert doctor.model_check(override(Config(), "model_path", None)).status == WARN


def test_listen_port_taken_or_foreign() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other:
        other.bind(("127.0.0.1", 0))
        port = other.getsockname()[1]
        taken = doctor.listen_check("127.0.0.1", port)
    assert taken.status == FAIL and "taken" in taken.detail and f"127.0.0.1:{port + 10}" in taken.advice
    assert doctor.listen_check("127.0.0.1", port).status == OK  # free again
    foreign = doctor.listen_check("192.0.2.1", 9000)  # TEST-NET-1: never this computer's address
    assert foreign.status == FAIL and "127.0.0.1" in foreign.advice


def test_send_port() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as patch:
        patch.bind(("127.0.0.1", 0))
        port = patch.getsockname()[1]
        assert doctor.send_check("127.0.0.1", port).status == OK
    quiet = doctor.send_check("127.0.0.1", port)
    assert quiet.status == WARN and "load the Sideman patch" in quiet.advice
    lost = doctor.send_check("no-such-host.invalid", 9001)
    assert lost.status == FAIL and "cannot find the host" in lost.detail


class Silent:
    name = "silent"

    def generate(self, context: GenerationContext, start_beat: float, end_beat: float) -> list[Note]:
        return []

    def reset(self) -> None:
        pass


def test_round_trip() -> None:
    config = Config()
    assert doctor.round_trip_check(config).status == OK
    silent = doctor.round_trip_check(config, timeout_s=1.0, generator=Silent())
    assert silent.status == FAIL and "no note came back" in silent.detail and "firewall" in silent.advice


def test_pure_data(tmp_path: Path) -> None:
    assert doctor.pd_check(list).status == WARN
    fake = tmp_path / "pd"
    fake.write_text('#!/bin/sh\necho "Pd-0.99.0 (test) compiled today" >&2\n')
    fake.chmod(0o755)
    check = doctor.pd_check(lambda: [fake])
    assert check.status == OK and "Pd-0.99.0" in check.detail


def test_patches(monkeypatch: pytest.MonkeyPatch) -> None:
    check = doctor.patches_check()
    assert check.status == OK and "OSC contract version 1" in check.detail and "pd/sideman.pd" in check.detail
    monkeypatch.setattr(doctor, "shipped_patches", lambda: None)
    assert doctor.patches_check().status == WARN


def test_command_exit_code_and_advice(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other:
        other.bind(("127.0.0.1", 0))
        with pytest.raises(SystemExit) as exited:
            main(["doctor", "--model", "none", "--listen", f"127.0.0.1:{other.getsockname()[1]}"])
    out = capsys.readouterr().out
    assert exited.value.code == 1
    assert "FAILED  listen port" in out and "-> Another Sideman" in out and "to fix: listen port" in out


def test_python_m_agent_doctor_passes_here() -> None:
    result = subprocess.run([sys.executable, "-m", "agent", "doctor", "--model", "none", "--listen", "127.0.0.1:0"],
                            cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all set" in result.stdout
