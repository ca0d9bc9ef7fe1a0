"""`sideman render FILE.mid`: a recording to audio with FluidSynth and a General MIDI soundfont.

So a musician can listen to a take without a DAW. FluidSynth renders faster than real time to a WAV
file (`-F`); it is an outside program (Debian: `fluidsynth`), and so is the soundfont (Debian:
`fluid-soundfont-gm`, /usr/share/sounds/sf2/FluidR3_GM.sf2). Neither is a Python dependency: when they
are missing, the error says what to install.

FluidSynth pads its output with a few seconds of silence after the last event; the WAV is cut to the
MIDI file's length plus `TAIL_S` for the release and reverb, so its duration is the recording's.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import wave
from pathlib import Path

import mido

from agent.errors import MidiError

log = logging.getLogger("sideman.io.render")

#: Where Debian and other distributions put a General MIDI soundfont, in order of preference.
SOUNDFONTS = (
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",
    "/usr/share/sounds/sf2/default-GM.sf2",
    "/usr/share/soundfonts/default.sf2",
    "/usr/share/soundfonts/FluidR3_GM.sf2",
)
TAIL_S = 1.0  # seconds kept after the last note-off (release, reverb)
_TIMEOUT_S = 600.0  # a one-hour take renders in well under a minute; this only catches a hung process


def find_soundfont(explicit: Path | None = None) -> Path:
    """`explicit`, else $SIDEMAN_SOUNDFONT, else the first of SOUNDFONTS that exists."""
    if explicit is not None:
        if not explicit.is_file():
            raise MidiError(f"--soundfont {explicit}: no such file")
        return explicit
    env = os.environ.get("SIDEMAN_SOUNDFONT")
    for candidate in ([env] if env else []) + list(SOUNDFONTS):
        if Path(candidate).is_file():
            return Path(candidate)
    raise MidiError("no General MIDI soundfont found (looked in " + ", ".join(SOUNDFONTS) + "); install one "
                    "(Debian: apt-get install fluid-soundfont-gm) or pass --soundfont FILE.sf2")


def render(midi: Path, out: Path | None = None, soundfont: Path | None = None, sample_rate: int = 44100) -> Path:
    """Render `midi` to a 16-bit stereo WAV (default: next to it, .wav); returns the WAV's path."""
    if not midi.is_file():
        raise MidiError(f"{midi}: no such MIDI file")
    binary = shutil.which("fluidsynth")
    if binary is None:
        raise MidiError("fluidsynth is not installed (Debian: apt-get install fluidsynth)")
    font = find_soundfont(soundfont)
    out = out if out is not None else midi.with_suffix(".wav")
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [binary, "-n", "-i", "-q", "-F", str(out), "-T", "wav", "-r", str(sample_rate), str(font), str(midi)]
    log.info("rendering %s with %s", midi, font.name)
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MidiError(f"fluidsynth did not finish rendering {midi} within {_TIMEOUT_S:g} s") from exc
    if result.returncode != 0 or not out.is_file():
        raise MidiError(f"fluidsynth failed on {midi} (exit {result.returncode}): {result.stderr.strip()[-500:]}")
    try:
        length_s = mido.MidiFile(midi).length
    except (OSError, ValueError, EOFError) as exc:
        raise MidiError(f"{midi}: not a readable MIDI file ({exc})") from exc
    _cut(out, length_s + TAIL_S)
    return out


def _cut(path: Path, seconds: float) -> None:
    """Keep the first `seconds` of a WAV file (rewritten in chunks, then renamed over it)."""
    tmp = path.with_name(f".{path.name}.tmp")
    with wave.open(str(path), "rb") as src:
        keep = min(src.getnframes(), round(seconds * src.getframerate()))
        if keep == src.getnframes():
            return
        with wave.open(str(tmp), "wb") as dst:
            dst.setparams(src.getparams())
            while keep > 0:
                chunk = src.readframes(min(keep, src.getframerate()))
                if not chunk:
                    break
                dst.writeframes(chunk)
                keep -= len(chunk) // (src.getsampwidth() * src.getnchannels())
    os.replace(tmp, path)
