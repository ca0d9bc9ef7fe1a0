"""The take recorder under a fake clock: performance time (loops written out), tempo map, withdrawn notes."""

from __future__ import annotations

from pathlib import Path

import mido
import pytest
from runtime_fakes import FakeTime

from agent.config import Config
from agent.io.recorder import Recorder, Take, seconds, take_path, write_take
from agent.live.clock import Clock
from agent.wire.osc import (
    AllNotesOff,
    ChordIn,
    HumanNote,
    NoteCancel,
    NoteOff,
    NoteOn,
    NoteOut,
    Play,
    Playhead,
    Stop,
    Tempo,
    TimeSig,
)


class Performance:
    """A recorder fed like the app feeds it: each input is applied to the clock first, then observed."""

    def __init__(self) -> None:
        self.now = FakeTime()
        self.clock = Clock(self.now, 120.0)
        self.recorder = Recorder(Config(), self.clock, "test")
        self.takes: list[Take] = []

    def input(self, message: object) -> None:
        if isinstance(message, Play):
            self.clock.play()
        elif isinstance(message, Stop):
            self.clock.stop()
        elif isinstance(message, Tempo):
            self.clock.set_tempo(message.bpm)
        elif isinstance(message, Playhead):
            self.clock.observe(message.beat)
        self._keep(self.recorder.observe(message))  # type: ignore[arg-type]

    def out(self, *messages: object) -> None:
        self._keep(self.recorder.send(list(messages)))  # type: ignore[arg-type]

    def play_for(self, beats: float) -> None:
        """The DAW plays on: a /playhead every 0.05 s."""
        end = self.clock.beat_now() + beats
        while self.clock.beat_now() < end - 1e-9:
            self.now.advance(0.05)
            self.input(Playhead(self.clock.beat_now()))

    def _keep(self, take: Take | None) -> None:
        if take is not None:
            self.takes.append(take)


def notes_by_track(take: Take) -> dict[str, list[tuple[float, float, int]]]:
    out: dict[str, list[tuple[float, float, int]]] = {}
    for n in take.notes:
        if n.dur_beats > 0:
            out.setdefault(n.track, []).append((round(n.beat, 3), round(n.dur_beats, 3), n.pitch))
    return {k: sorted(v) for k, v in out.items()}


def test_a_loop_is_written_out_in_performance_time_with_chords_and_parts() -> None:
    p = Performance()
    p.input(ChordIn(0.0, 4.0, "C"))
    p.input(ChordIn(4.0, 4.0, "G7"))
    p.input(Play())
    p.input(Playhead(0.0))
    p.out(NoteOut(0, 1.0, 36, 90, 1.0, 3), NoteOut(1, 5.0, 43, 90, 1.0, 3))  # bass (channel 3)
    p.input(NoteOn(0.5, 72, 100))
    p.play_for(1.0)
    p.input(NoteOff(p.clock.beat_now(), 72))
    p.play_for(5.0)  # to beat 6, then the DAW loops back to beat 4
    p.input(Playhead(4.0))
    p.out(NoteOut(2, 5.0, 43, 90, 1.0, 3))
    p.play_for(2.0)
    p.input(Stop())
    assert len(p.takes) == 1
    tracks = notes_by_track(p.takes[0])
    assert tracks["bass"] == [(1.0, 1.0, 36), (5.0, 1.0, 43), (7.0, 1.0, 43)]  # the loop's note lands after
    assert tracks["human"] == [(0.5, 0.5, 72)]
    chord_starts = sorted({b for b, _, _ in tracks["chords"]})
    assert chord_starts == [0.0, 4.0, 6.0]  # C, G7 (beats 4-6), then G7 again after the loop
    assert p.takes[0].end_beat == pytest.approx(8.0, abs=0.06)


def test_withdrawn_and_silenced_notes_and_the_tempo_map(tmp_path: Path) -> None:
    p = Performance()
    p.input(TimeSig(3, 4))
    p.input(Play())
    p.input(Playhead(0.0))
    p.out(NoteOut(0, 0.5, 60, 80, 2.0, 2), NoteOut(1, 3.0, 64, 80, 1.0, 2), NoteOut(2, 3.5, 67, 80, 1.0, 2))
    p.play_for(1.0)
    p.out(NoteCancel(0), NoteCancel(1))  # 0 sounds since 0.5 (ends at 1.0); 1 never started
    p.input(Tempo(60.0))
    p.input(HumanNote(1.0, 50, 70, 0.5))
    p.play_for(2.75)  # beat 3.75: note 2 sounds since 3.5
    p.out(AllNotesOff())
    p.play_for(0.25)
    p.input(Stop())
    take = p.takes[0]
    assert notes_by_track(take)["comp"] == [(0.5, 0.5, 60), (3.5, 0.25, 67)]
    assert take.tempos == [(0.0, 120.0), (pytest.approx(1.0), 60.0)]
    assert take.meters[0] == (0.0, 3, 4)
    assert seconds(take) == pytest.approx(0.5 + 3.0, abs=0.06)  # 1 beat at 120, 3 at 60
    path = write_take(take, take_path(tmp_path, "test", take), {"comp": 0})
    midi = mido.MidiFile(path)
    assert midi.length == pytest.approx(seconds(take), abs=0.06)
    names = [t.name for t in midi.tracks]
    assert names[1:] == ["human", "comp"]
    tempos = [m.tempo for m in midi.tracks[0] if m.type == "set_tempo"]
    assert tempos == [500000, 1000000]
    assert [(m.numerator, m.denominator) for m in midi.tracks[0] if m.type == "time_signature"] == [(3, 4)]
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically: no temporary file left


def test_snapshot_and_finish_keep_a_take_in_progress() -> None:
    p = Performance()
    p.input(Play())
    p.input(Playhead(0.0))
    p.input(NoteOn(0.0, 60, 90))
    p.play_for(2.0)
    snapshot = p.recorder.snapshot()
    assert snapshot is not None and snapshot.end_beat == pytest.approx(2.0, abs=0.06)
    p.out(NoteOut(0, 2.5, 48, 90, 4.0, 2))
    p.play_for(1.0)
    take = p.recorder.finish()  # shutdown while playing: the held note and the sounding one end now
    assert take is not None and p.recorder.take is None
    tracks = notes_by_track(take)
    (human_start, human_length), (comp_start, comp_length) = tracks["human"][0][:2], tracks["comp"][0][:2]
    assert human_start == 0.0 and human_length == pytest.approx(3.0, abs=0.06)
    assert comp_start == 2.5 and comp_length == pytest.approx(0.5, abs=0.06)
