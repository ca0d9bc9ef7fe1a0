"""`sideman doctor`: is everything in place to play? Each check says what is wrong in a musician's words.

The nearest tools' most common complaint is a server that silently does not start (issue 12), so this
checks, in order: the Python version, torch, the model file (it loads it and generates one chunk),
that the listen port is free, whether something listens on the send port, a loopback OSC round trip
through a throwaway agent (tempo, chord, play: a note must come back), which Pure Data is installed,
and where this version's patches are. Every check returns a `Check`; none raises. The exit code is 1
when a check failed (a warning alone does not fail).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agent.config import Config, override
from agent.errors import SidemanError
from agent.live.generator import Generator
from agent.model.paths import resolve_model, shipped_patches
from agent.wire.osc import (
    CONTRACT_VERSION,
    OUTBOUND,
    ChordIn,
    Hello,
    NoteOut,
    Play,
    Playhead,
    Tempo,
    decode,
    encode,
)

SUPPORTED_PYTHON = ((3, 11), (3, 13))  # oldest and newest minor version checked against
OK, WARN, FAIL = "ok", "warning", "FAILED"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # OK, WARN or FAIL
    detail: str  # what was found
    advice: str = ""  # what to do about it, for a musician


def python_check(version: tuple[int, int] = sys.version_info[:2]) -> Check:
    found = f"Python {version[0]}.{version[1]} ({platform.system() or sys.platform})"
    (lo_major, lo_minor), (hi_major, hi_minor) = SUPPORTED_PYTHON
    if version < (lo_major, lo_minor):
        return Check("python", FAIL, found, f"Sideman needs Python {lo_major}.{lo_minor} or newer: install "
                     "Python 3.12 from python.org, then install Sideman again with that Python.")
    if version > (hi_major, hi_minor):
        return Check("python", WARN, found, f"Sideman was checked up to Python {hi_major}.{hi_minor}; if something "
                     "fails, try Python 3.12.")
    return Check("python", OK, found)


def torch_check() -> Check:
    try:
        import torch
    except ImportError as exc:
        return Check("torch", FAIL, f"torch cannot be imported ({exc})",
                     "The model needs PyTorch: run `pip install torch` in Sideman's environment (or "
                     "scripts/setup in a clone). Until then `sideman run --model none` plays the simple fallback.")
    return Check("torch", OK, f"torch {torch.__version__}, {torch.get_num_threads()} threads")


def model_check(config: Config) -> Check:
    """Resolve the model as `sideman run` would, load it, and time one 4-beat chunk."""
    try:
        path = resolve_model(None, config.model_path)
    except SidemanError as exc:
        return Check("model", FAIL, str(exc), "Give a model file with --model PATH, or reinstall Sideman to get "
                     "the shipped one back. `sideman run --model none` plays without a model.")
    if path is None:
        return Check("model", WARN, "no model configured (model_path: null)",
                     "The agent will play the simple chord-based fallback; set model_path: default to use the model.")
    try:
        started = time.perf_counter()
        from agent.live.generator import GenerationContext
        from agent.model.live import load_generator
        from agent.music.chords import parse_symbol
        from agent.music.events import ChordSpan

        generator = load_generator(path, config.timing)
        loaded_s = time.perf_counter() - started
        chord = parse_symbol("C")
        assert chord is not None
        context = GenerationContext(0.0, 120.0, (4, 4), (ChordSpan(0.0, 16.0, chord),), (), ())
        started = time.perf_counter()
        notes = generator.generate(context, 0.0, 4.0)
        chunk_s = time.perf_counter() - started
    except (SidemanError, ImportError, RuntimeError, ValueError, OSError) as exc:
        return Check("model", FAIL, f"{path}: {exc}",
                     "This model file does not work with this version of Sideman: reinstall Sideman, or give a "
                     "model trained for it with --model PATH (or --model none for the fallback).")
    return Check("model", OK, f"{path.name} loaded in {loaded_s:.1f} s; one 4-beat chunk: {len(notes)} notes in "
                 f"{chunk_s * 1000:.0f} ms ({path})")


def _bind_error(host: str, port: int) -> OSError | None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            return exc
    return None


def listen_check(host: str, port: int) -> Check:
    error = _bind_error(host, port)
    where = f"UDP {host}:{port}"
    if error is None:
        return Check("listen port", OK, f"{where} is free")
    if error.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
        return Check("listen port", FAIL, f"{where} is taken by another program",
                     "Another Sideman (or another OSC program) is already listening there: close it, or start "
                     f"this one on another port (`sideman run --listen {host}:{port + 10}`) and set the same port "
                     "in your patch.")
    return Check("listen port", FAIL, f"{where}: {error.strerror}",
                 f"This computer has no address {host}: use 127.0.0.1 when the patch runs on the same computer.")


def send_check(host: str, port: int) -> Check:
    """Can the host be resolved, and (on this computer) is something listening on the port?"""
    where = f"UDP {host}:{port}"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    except OSError as exc:
        return Check("send port", FAIL, f"{where}: cannot find the host ({exc})",
                     "Check the computer name or address in --send (127.0.0.1 when the patch is on this computer).")
    address = str(infos[0][4][0])
    if not (address.startswith("127.") or address == "::1"):
        return Check("send port", OK, f"{where} resolves to {address} (another computer: cannot see if it listens)")
    if _bind_error(address, port) is None:
        return Check("send port", WARN, f"nothing is listening on {where} yet",
                     "Open your DAW or Pd and load the Sideman patch (it listens there); notes sent before that are lost.")
    return Check("send port", OK, f"something is listening on {where} (your patch, presumably)")


def round_trip_check(config: Config, timeout_s: float = 5.0, generator: Generator | None = None) -> Check:
    """A throwaway agent (fallback generator) on free loopback ports: tempo, chord, play; a note must return."""
    from agent.app import AgentThread
    from agent.live.fallback import FallbackGenerator

    patch = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    patch.bind(("127.0.0.1", 0))
    patch.settimeout(0.5)
    config = override(config, "net", {"listen_host": "127.0.0.1", "listen_port": 0,
                                       "send_host": "127.0.0.1", "send_port": patch.getsockname()[1]})
    config = override(config, "model_path", None)
    started = time.perf_counter()
    logging.disable(logging.INFO)  # the throwaway agent's start and stop lines are not the report
    try:
        agent = AgentThread(config, generator or FallbackGenerator())
        address = agent.start()
    except (SidemanError, OSError, RuntimeError) as exc:
        patch.close()
        logging.disable(logging.NOTSET)
        return Check("OSC round trip", FAIL, f"the agent did not start ({exc})", _LOOPBACK_ADVICE)
    try:
        for message in (Hello(patch.getsockname()[1]), Tempo(240.0), ChordIn(0.0, 64.0, "C"), Play(), Playhead(0.0)):
            patch.sendto(encode(message), address)
        note = _first_note(patch, timeout_s)
    finally:
        agent.stop()
        patch.close()
        logging.disable(logging.NOTSET)
    if note is None:
        return Check("OSC round trip", FAIL, f"no note came back within {timeout_s:.0f} s", _LOOPBACK_ADVICE)
    return Check("OSC round trip", OK, f"tempo, chord and play in, a note out in "
                 f"{(time.perf_counter() - started) * 1000:.0f} ms (pitch {note.pitch} at beat {note.beat:g})")


_LOOPBACK_ADVICE = ("UDP on this computer's own address (127.0.0.1) is blocked: allow Python in your firewall "
                    "(on Windows: Windows Defender Firewall > Allow an app), then try again.")


def _first_note(sock: socket.socket, timeout_s: float) -> NoteOut | None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            data = sock.recv(65535)
        except (TimeoutError, ConnectionResetError):  # Windows reports an earlier ICMP error this way
            continue
        for message in decode(data, OUTBOUND)[0]:
            if isinstance(message, NoteOut):
                return message
    return None


def pd_candidates() -> list[Path]:
    """Where Pure Data usually is: on the PATH, in macOS's Applications, in Windows' Program Files."""
    found = [Path(p) for name in ("pd", "puredata") if (p := shutil.which(name))]
    found += sorted(Path("/Applications").glob("Pd*.app/Contents/Resources/bin/pd"))
    for root in (os.environ.get("ProgramFiles"), os.environ.get("ProgramFiles(x86)")):
        if root:
            found += sorted(Path(root).glob("Pd*/bin/pd.exe"))
    return list({path.resolve(): path for path in reversed(found)}.values())[::-1]  # one per real file


def pd_check(candidates: Callable[[], list[Path]] = pd_candidates) -> Check:
    found = candidates()
    if not found:
        return Check("Pure Data", WARN, "not found",
                     "Only needed for the Pd patch: get Pd vanilla from puredata.info (Max for Live users can "
                     "ignore this).")
    versions = [f"{path} ({_pd_version(path)})" for path in found]
    return Check("Pure Data", OK, "; ".join(versions))


def _pd_version(path: Path) -> str:
    try:
        result = subprocess.run([str(path), "-version"], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "version unknown"
    text = (result.stdout + result.stderr).strip().splitlines()
    return text[0].split(" (")[0] if text else "version unknown"


def patches_check() -> Check:
    """Where this version's patches are, with a short fingerprint of each, for the OSC contract version."""
    folder = shipped_patches()
    if folder is None:
        return Check("patches", WARN, "this installation has no copy of the patches",
                     "Get the patches from the Sideman repository (patches/pd, patches/max).")
    files = [folder / "pd" / "sideman.pd", folder / "max" / "sideman.amxd", folder / "livecode" / "Sideman.sc"]
    marks = [f"{f.relative_to(folder)} {hashlib.sha256(f.read_bytes()).hexdigest()[:8]}" for f in files if f.is_file()]
    return Check("patches", OK, f"OSC contract version {CONTRACT_VERSION}; {folder}: {', '.join(marks)}",
                 "Use the patches from this folder: a copy from another Sideman version may not match "
                 "(compare the fingerprints).")


def run_checks(config: Config) -> list[Check]:
    net = config.net
    checks = [python_check(), torch_check()]
    checks.append(model_check(config) if checks[-1].status == OK else
                  Check("model", FAIL, "skipped: torch is missing", checks[-1].advice))
    checks += [listen_check(net.listen_host, net.listen_port), send_check(net.send_host, net.send_port),
               round_trip_check(config), pd_check(), patches_check()]
    return checks


def report(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = []
    for check in checks:
        lines.append(f"{check.status:>8}  {check.name:<{width}}  {check.detail}")
        if check.advice and check.status != OK:
            lines.append(f"{'':>8}  {'':<{width}}  -> {check.advice}")
    failed = [c.name for c in checks if c.status == FAIL]
    lines.append("all set: start with `sideman run`" if not failed else f"to fix: {', '.join(failed)}")
    return "\n".join(lines)


def run(config: Config) -> tuple[str, int]:
    """The report and the exit code (1 when a check failed)."""
    checks = run_checks(config)
    return report(checks), int(any(c.status == FAIL for c in checks))
