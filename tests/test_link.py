"""The agent follows an Ableton Link session's tempo and beat (optional `link` extra, aalink, GPL-2.0).

Link finds its peers by multicast on every network interface, so the test runs the peer and the agent
in a private network namespace with loopback only (`unshare -n`, as root): nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("aalink", reason="the optional `link` extra (aalink) is not installed")
ROOT = Path(__file__).resolve().parents[1]


def test_tempo_and_beat_follow_a_local_link_peer() -> None:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs `unshare -n` as root, to keep Link's multicast off the real network")
    script = f"ip link set lo up && exec {sys.executable} {ROOT / 'tests' / 'link_session.py'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["unshare", "-n", "sh", "-c", script], capture_output=True, text=True, timeout=60,
                          env=env, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"[link] {result}")
    assert 0 <= result["join_s"] < 5
    assert result["tempo_at_join"] == pytest.approx(100.0, abs=0.01)
    assert result["session_tempo"] == pytest.approx(100.0, abs=0.01)  # the agent did not take the session over
    assert 0 <= result["tempo_settle_s"] < 3
    assert 0 <= result["follow_140_s"] < 0.5 and 0 <= result["follow_90_s"] < 0.5
    assert all(abs(e) < 0.03 for e in result["beat_errors"])  # beats; 0.03 beat = 20 ms at 90 bpm
    assert result["running"]
