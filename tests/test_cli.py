"""The `sideman` command: subcommands, checked options, exit codes, and Ctrl-C shutting down cleanly."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.cli import apply_net_options, build_parser, host_port, main
from agent.config import Config
from agent.errors import ConfigError
from agent.wire.osc import OUTBOUND, AllNotesOff, decode

REPO = Path(__file__).resolve().parent.parent


def test_subcommands_are_registered() -> None:
    parser = build_parser()
    for command in ("run", "demo", "bench"):
        assert parser.parse_args([command]).command == command


def test_host_port_and_net_options() -> None:
    assert host_port("127.0.0.1:9000", "--listen") == ("127.0.0.1", 9000)
    assert host_port(":9001", "--send") == ("127.0.0.1", 9001)
    with pytest.raises(ConfigError, match="--listen 'nine'"):
        host_port("nine", "--listen")
    args = build_parser().parse_args(["run", "--listen", "0.0.0.0:9100", "--model", "none"])
    config = apply_net_options(Config(), args)
    assert (config.net.listen_host, config.net.listen_port, config.model_path) == ("0.0.0.0", 9100, None)


@pytest.mark.parametrize("argv", [["run", "--listen", "x:y"], ["run", "--model", "/no/such/model.pt"],
                                  ["run", "--set", "timing.lead_ms=soon"]])
def test_bad_options_exit_2_with_a_message(argv: list[str], caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert caplog.records and caplog.records[-1].levelname == "ERROR"


def test_ctrl_c_shuts_down_cleanly_with_all_notes_off() -> None:
    patch = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    patch.bind(("127.0.0.1", 0))
    patch.settimeout(5.0)
    proc = subprocess.Popen(
        [sys.executable, "-m", "agent", "run", "--model", "none", "--listen", "127.0.0.1:0",
         "--send", f"127.0.0.1:{patch.getsockname()[1]}"],
        cwd=REPO, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 20
        while "ready:" not in proc.stderr.readline():
            assert time.monotonic() < deadline and proc.poll() is None
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 0
        messages = decode(patch.recv(65535), OUTBOUND)[0]
        while not any(isinstance(m, AllNotesOff) for m in messages):
            messages = decode(patch.recv(65535), OUTBOUND)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
        patch.close()
