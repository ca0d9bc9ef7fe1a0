"""`sideman render`: a recording to audio with fluidsynth and a General MIDI soundfont (Debian packages)."""

from __future__ import annotations

import wave
from pathlib import Path

import mido
import numpy as np
import pytest
from agent_process import require_binary, require_package

from agent.cli import main
from agent.errors import MidiError
from agent.io.recorder import RecNote, Take, write_take
from agent.io.render import SOUNDFONTS, TAIL_S, find_soundfont


def test_render_a_recording_to_a_wav_of_its_length(tmp_path: Path) -> None:
    require_binary("fluidsynth", "fluidsynth")
    if not any(Path(p).is_file() for p in SOUNDFONTS):
        require_package("fluid-soundfont-gm")
    take = Take(started_wall=0.0, tempos=[(0.0, 120.0)], meters=[(0.0, 4, 4)], end_beat=6.0)
    take.notes += [RecNote(float(b), 0.9, 60 + 2 * b, 100, 1, "human") for b in range(4)]
    take.notes += [RecNote(0.0, 4.0, 36, 90, 3, "bass"), RecNote(4.0, 2.0, 43, 90, 3, "bass")]
    midi = write_take(take, tmp_path / "take.mid", {"bass": 33})
    out = tmp_path / "take.wav"
    with pytest.raises(SystemExit) as done:
        main(["render", str(midi), "--out", str(out)])
    assert done.value.code == 0
    with wave.open(str(out)) as wav:
        rate, frames = wav.getframerate(), wav.getnframes()
        assert (wav.getnchannels(), wav.getsampwidth(), rate) == (2, 2, 44100)
        samples = np.frombuffer(wav.readframes(frames), dtype=np.int16).astype(np.float64)
    length = mido.MidiFile(midi).length
    assert length == pytest.approx(3.0)  # 6 beats at 120 bpm
    assert frames / rate == pytest.approx(length + TAIL_S, abs=0.01)
    rms = np.sqrt(np.mean(samples[: int(length * rate) * 2] ** 2))
    print(f"[render] {frames / rate:.2f} s, RMS {rms:.0f} of 32768")
    assert rms > 100  # audible, not silence


def test_render_errors_say_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(MidiError, match="--soundfont .*nope.sf2: no such file"):
        find_soundfont(tmp_path / "nope.sf2")
    with pytest.raises(SystemExit) as done:
        main(["render", str(tmp_path / "missing.mid")])
    assert done.value.code == 2
