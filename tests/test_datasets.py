"""Tests for agent.training.datasets: the POP909 and Nottingham loaders, the bass rule, the cache, bad files."""

from __future__ import annotations

import shutil
from pathlib import Path

import mido
import numpy as np
import pytest
from compose_fakes import song_file

from agent.errors import DataError
from agent.music.chord_recog import match_chord
from agent.music.chords import Chord
from agent.music.events import Note, Part, Song
from agent.music.midi_files import (
    MidiData,
    meter_map,
    read_midi,
    seconds_to_beats,
    split_bass,
    tempo_map,
    track_notes,
)
from agent.training.datasets import (
    chord_tone_share,
    corpus_files,
    load_corpus,
    load_midi_song,
    load_nottingham_song,
    load_pop909_song,
    load_song,
    song_from_json,
    song_to_json,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="module")
def data() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"training data not found at {DATA}")
    return DATA


def check_song(song: Song) -> None:
    """Invariants every loaded song must hold."""
    assert song.notes, song.name
    keys = [(n.beat, n.pitch, n.part) for n in song.notes]
    assert keys == sorted(keys)
    for note in song.notes:
        assert note.beat >= 0
        assert note.beat * 12 == pytest.approx(round(note.beat * 12), abs=1e-9)
        assert note.dur_beats * 12 == pytest.approx(round(note.dur_beats * 12), abs=1e-9)
        assert note.dur_beats >= 1 / 12 - 1e-9
    assert all(b > a for a, b in zip(song.downbeats, song.downbeats[1:]))
    assert all(b.beat >= a.end_beat - 1e-9 for a, b in zip(song.chords, song.chords[1:]))
    assert all(c.dur_beats > 0 for c in song.chords)


def test_pop909_song(data: Path) -> None:
    song = load_pop909_song(data / "pop909" / "001")
    check_song(song)
    assert song.name == "pop909/001" and song.source == "pop909"
    assert {n.part for n in song.notes} == {Part.LEAD, Part.COUNTER, Part.COMP, Part.BASS}
    assert song.meter == (4, 4)
    assert set(np.diff(song.downbeats).tolist()) == {4.0}
    assert 80 < song.tempo_bpm < 100  # beat_midi.txt: 0.667 s per beat
    assert chord_tone_share([song]) > 0.9
    assert song.chords[0].chord == Chord(11, "maj")  # chord_midi.txt: first non-N label is B:maj
    bass = [n for n in song.notes if n.part == Part.BASS]
    assert all(n.pitch < 60 for n in bass)
    assert 0.05 < len(bass) / sum(n.part in (Part.COMP, Part.BASS) for n in song.notes) < 0.5


def test_nottingham_song(data: Path) -> None:
    song = load_nottingham_song(data / "nottingham" / "ashover1.mid")
    check_song(song)
    assert song.name == "nottingham/ashover1" and song.source == "nottingham"
    assert {n.part for n in song.notes} == {Part.LEAD, Part.COMP, Part.BASS}
    assert song.meter == (3, 4)
    assert song.downbeats[:4] == (0.0, 3.0, 6.0, 9.0)
    assert song.tempo_bpm == pytest.approx(120.0)
    assert song.chords[0].chord == Chord(7, "maj")  # first block: G2 B2 D3
    assert chord_tone_share([song]) > 0.99


def test_several_real_songs_hold_invariants(data: Path) -> None:
    songs = [load_pop909_song(data / "pop909" / f"{i:03d}") for i in (2, 50, 300)]
    songs += [load_nottingham_song(p) for p in sorted((data / "nottingham").glob("*.mid"))[:40:10]]
    for song in songs:
        check_song(song)
    assert chord_tone_share(s for s in songs if s.source == "pop909") > 0.9
    assert chord_tone_share(s for s in songs if s.source == "nottingham") > 0.99


def test_split_bass_takes_lowest_unshadowed_note_below_middle_c() -> None:
    notes = [
        Note(0.0, 2.0, 36, 80),  # C2, lowest of its group -> BASS
        Note(0.0, 1.0, 64, 80),  # E4 -> COMP
        Note(1.0, 1.0, 43, 80),  # G2: C2 still sounds below it -> COMP
        Note(2.0, 1.0, 41, 80),  # F2, alone and nothing lower sounding -> BASS
        Note(2.0, 1.0, 57, 80),  # A3 -> COMP
        Note(3.0, 1.0, 62, 80),  # D4, lowest of its group but not below middle C -> COMP
    ]
    parts = [n.part for n in sorted(split_bass(notes), key=lambda n: (n.beat, n.pitch))]
    assert parts == [Part.BASS, Part.COMP, Part.COMP, Part.BASS, Part.COMP, Part.COMP]


def test_match_chord_templates() -> None:
    assert match_chord(frozenset({7, 11, 2})) == Chord(7, "maj")
    assert match_chord(frozenset({9, 0, 4, 7})) == Chord(9, "min7")  # exact beats C maj6
    assert match_chord(frozenset({7, 11, 2, 5})) == Chord(7, "7")
    assert match_chord(frozenset({0, 2, 4, 7})) == Chord(0, "maj")  # no exact match: C add9 -> C
    assert match_chord(frozenset()) is None


def test_seconds_to_beats_interpolates_and_extrapolates() -> None:
    beat_secs = np.array([1.0, 1.5, 2.5])
    got = seconds_to_beats(np.array([0.5, 1.0, 1.25, 2.0, 3.5]), beat_secs)
    assert got.tolist() == pytest.approx([-1.0, 0.0, 0.5, 1.5, 3.0])


def test_broken_midi_raises_data_error_naming_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.mid"
    bad.write_bytes(b"MThd\x00\x00\x00\x06garbage garbage garbage")
    with pytest.raises(DataError, match="broken.mid"):
        load_nottingham_song(bad)
    with pytest.raises(DataError, match="broken.mid"):
        load_midi_song(bad)


def test_load_corpus_skips_bad_files_and_caches(
    data: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "data"
    shutil.copytree(data / "pop909" / "001", root / "pop909" / "001")
    (root / "pop909" / "002").mkdir()  # an empty song folder: missing files
    (root / "nottingham").mkdir()
    shutil.copy(data / "nottingham" / "ashover1.mid", root / "nottingham")
    (root / "nottingham" / "zz_broken.mid").write_bytes(b"\x00\x01not midi at all" * 10)
    cache = tmp_path / "cache.json.gz"
    songs = load_corpus(root, cache=cache)
    assert [s.name for s in songs] == ["pop909/001", "nottingham/ashover1"]
    warnings = " ".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert "zz_broken.mid" in warnings and "002" in warnings
    assert cache.exists()
    (root / "nottingham" / "ashover1.mid").unlink()  # the second load must come from the cache
    assert load_corpus(root, cache=cache) == songs
    assert [s.name for s in load_corpus(root, cache=cache, limit=1)] == ["pop909/001"]


def test_json_round_trip(data: Path) -> None:
    song = load_pop909_song(data / "pop909" / "003")
    assert song_from_json(song_to_json(song)) == song


def test_load_midi_song_maps_tracks(tmp_path: Path) -> None:
    midi = mido.MidiFile(ticks_per_beat=480)
    melody, chords = mido.MidiTrack(), mido.MidiTrack()
    melody.append(mido.MetaMessage("time_signature", numerator=3, denominator=4))
    for pitch in (72, 74, 76, 77, 79, 81):  # one quarter note each
        melody += [mido.Message("note_on", note=pitch, velocity=90),
                   mido.Message("note_off", note=pitch, time=480)]
    for block in ((48, 52, 55), (45, 48, 52)):  # C then Am, a bar each
        chords += [mido.Message("note_on", note=p, velocity=70) for p in block]
        chords += [mido.Message("note_off", note=p, time=1440 if i == 0 else 0) for i, p in enumerate(block)]
    midi.tracks += [melody, chords]
    path = tmp_path / "song.mid"
    midi.save(path)
    song = load_midi_song(path)
    check_song(song)
    assert song.meter == (3, 4) and song.downbeats == (0.0, 3.0)
    assert {n.pitch for n in song.notes if n.part == Part.LEAD} == {72, 74, 76, 77, 79, 81}
    assert [n.pitch for n in song.notes if n.part == Part.BASS] == [48, 45]
    assert [c.chord for c in song.chords] == [Chord(0, "maj"), Chord(9, "min")]


def test_bad_chord_label_raises_data_error_naming_file_and_line(data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "001"
    shutil.copytree(data / "pop909" / "001", folder)
    with (folder / "chord_midi.txt").open("a") as stream:
        stream.write("500.0\t501.0\tH:weird\n")
    with pytest.raises(DataError, match=r"chord_midi.txt:\d+"):
        load_pop909_song(folder)


def test_any_other_midi_in_the_folder_is_a_song(tmp_path: Path) -> None:
    midi = mido.MidiFile(ticks_per_beat=480)
    for pitches in ([72, 74, 76, 77], [48, 52, 55, 48]):
        track = mido.MidiTrack()
        for pitch in pitches * 2:
            track += [mido.Message("note_on", note=pitch, velocity=80, time=0),
                      mido.Message("note_off", note=pitch, velocity=0, time=480)]
        midi.tracks.append(track)
    (tmp_path / "mine").mkdir()
    midi.save(tmp_path / "mine" / "song.mid")
    (tmp_path / "mine" / "broken.midi").write_bytes(b"MThd garbage")
    songs = load_corpus(tmp_path)
    assert [s.source for s in songs] == ["midi"] and len(songs[0].notes) == 16


def _mido_score(path: Path) -> MidiData:
    """The file as the loaders read it before symusic: mido, notes paired by track_notes."""
    midi = read_midi(path)
    tracks = tuple(t for t in (track_notes(t) for t in midi.tracks) if t.notes)
    return MidiData(midi.ticks_per_beat, tracks, tuple(tempo_map(midi)), tuple(meter_map(midi)))


def test_symusic_parse_equals_the_mido_parse(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every 25th POP909 song and every 25th Nottingham tune (and a plain MIDI file with drums) load to
    the same Song, notes, chords (POP909's annotations aligned to the beat) and bars, with either reader."""
    files = corpus_files(data)
    sample = [f for source in ("pop909", "nottingham") for f in [g for g in files if g[0] == source][::25]]
    sample.append(("midi", song_file(tmp_path / "plain.mid")))
    fast = [load_song(source, path) for source, path in sample]
    monkeypatch.setattr("agent.training.datasets.read_score", _mido_score)  # the loaders import it by name
    for song, (source, path) in zip(fast, sample, strict=True):
        assert song == load_song(source, path), path
    assert len(sample) > 70
