"""Install and run from anywhere (issue 12): the built wheel carries the model, and every command finds it.

The wheel is built from a copy of the source tree (so the test never writes build/ into the clone),
installed without dependencies into a fresh virtual environment that borrows this interpreter's
site-packages through a .pth file (torch, numpy: nothing is downloaded, it works offline), and
`sideman infill`, `sideman run` and `sideman doctor` are run from an unrelated folder. The copy's
models/sideman-default.safetensors is a tiny checkpoint of the current vocabulary: the packaging is the
same for any file, and the shipped checkpoint's own quality is tests/test_shipped_model.py's business.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import site
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from agent_process import free_udp_port
from compose_fakes import song_file, toy_model

from agent.errors import ConfigError
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import save_checkpoint
from agent.model.paths import SHIPPED_NAME, model_file, resolve_model

ROOT = Path(__file__).resolve().parents[1]
_SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "config.yaml", "agent", "models/README.md",
            "patches")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _source_copy(dest: Path) -> Path:
    for name in _SOURCES:
        source, target = ROOT / name, dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target)
    save_checkpoint(dest / "models" / SHIPPED_NAME, toy_model(), TimingSettings())
    return dest


def _fresh_venv(path: Path) -> Path:
    """A venv that sees this interpreter's packages after its own (torch without downloading it)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "borrowed.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return python


def test_wheel_installs_and_runs_from_an_unrelated_folder(tmp_path: Path) -> None:
    started = time.monotonic()
    source = _source_copy(tmp_path / "src")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "-w",
                    str(tmp_path / "dist"), str(source)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("sideman-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        packed = archive.read(f"agent/data/{SHIPPED_NAME}")
    assert hashlib.sha256(packed).hexdigest() == _sha(source / "models" / SHIPPED_NAME)

    python = _fresh_venv(tmp_path / "venv")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    sideman = python.parent / ("sideman.exe" if os.name == "nt" else "sideman")
    music = tmp_path / "my music"
    music.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([python, "-c", "import agent.model.paths as p; print(p.shipped_model())"], cwd=music,
                           check=True, capture_output=True, text=True, env=env).stdout.strip()
    assert Path(where).is_relative_to(tmp_path / "venv"), where  # the package's copy, not the clone's

    song_file(music / "song.mid")
    infill = subprocess.run([sideman, "infill", "song.mid", "--track", "Bass", "--bars", "5-8", "--seed", "1"],
                            check=False, cwd=music, capture_output=True, text=True, env=env, timeout=120)
    assert infill.returncode == 0, infill.stderr
    assert (music / "song-filled.mid").is_file()
    _run_until_ready(sideman, music, env, where)
    checked = subprocess.run([sideman, "doctor", "--listen", "127.0.0.1:0"], cwd=music, capture_output=True,
                             text=True, env=env, timeout=120, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    patches = next(line for line in checked.stdout.splitlines() if " patches " in line)
    assert str(tmp_path / "venv") in patches and "pd/sideman.pd" in patches  # the wheel carries the patches
    print(f"built, installed and ran the wheel in {time.monotonic() - started:.1f} s")


def _run_until_ready(sideman: Path, cwd: Path, env: dict[str, str], model: str) -> None:
    args = [str(sideman), "run", "--listen", "127.0.0.1:0", "--send", f"127.0.0.1:{free_udp_port()}"]
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    lines = []
    try:
        for line in proc.stderr:
            lines.append(line)
            if "ready: listening on" in line:
                break
    finally:
        proc.terminate()
        rest = proc.communicate(timeout=20)[1]
    log = "".join(lines) + rest
    assert f"model: {model}" in log, log
    assert "ready: listening on" in log, log
    assert proc.returncode == 0, log


def test_search_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "mine.safetensors"
    mine.write_bytes(b"x")
    monkeypatch.chdir(tmp_path)
    assert resolve_model("mine.safetensors", "/elsewhere.safetensors") == mine  # --model first, cwd-relative
    assert resolve_model(None, "mine.safetensors") == mine  # then the config
    assert resolve_model("none") is None and resolve_model(None, None) is None
    assert resolve_model(None) == ROOT / "models" / SHIPPED_NAME  # the clone's copy
    assert resolve_model(None, "models/sideman-default.safetensors") == ROOT / "models" / SHIPPED_NAME
    with pytest.raises(ConfigError, match=r"--model nope.safetensors: no such model file"):
        resolve_model("nope.safetensors")
    with pytest.raises(ConfigError, match="this command needs a model"):
        model_file("none")


def test_missing_shipped_model_names_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nowhere = [tmp_path / "clone" / SHIPPED_NAME, tmp_path / "package" / SHIPPED_NAME]
    monkeypatch.setattr("agent.model.paths.shipped_model_candidates", lambda: nowhere)
    with pytest.raises(ConfigError, match=r"shipped model sideman-default.safetensors is missing \(searched .*clone.*package"):
        resolve_model(None)


def test_commands_resolve_the_model_the_same_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """infill from another folder finds the shipped model (it looked for ./models/ before)."""
    from agent.compose.cli import add_infill_arguments

    parser = argparse.ArgumentParser()
    add_infill_arguments(parser)
    monkeypatch.chdir(tmp_path)
    args = parser.parse_args(["song.mid", "--track", "Bass", "--bars", "5-8"])
    assert args.model is None and model_file(args.model) == ROOT / "models" / SHIPPED_NAME
