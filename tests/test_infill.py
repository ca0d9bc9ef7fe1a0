"""Composition mode: reading a songwriter's file, requests and their errors, infilling, MIDI export."""

from __future__ import annotations

import argparse
import dataclasses
import itertools
from pathlib import Path

import mido
import pytest
from compose_fakes import TINY, song_file, toy_model

from agent.compose.cli import add_infill_arguments, run_infill, track_requests
from agent.compose.feedback import LearnerSettings
from agent.compose.infill import (
    PREFIXES,
    Infiller,
    continuation_surprise,
    encode_in_context,
    encode_region,
    region_context,
)
from agent.compose.piece import (
    Piece,
    Region,
    Track,
    TrackRequest,
    clear_regions,
    inside,
    outside,
    parse_bars,
    read_piece,
    resolve,
    with_chords,
)
from agent.errors import CompositionError
from agent.live.generator import SamplingParams
from agent.model import vocab as V
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import save_checkpoint
from agent.model.network import MusicTransformer
from agent.model.tokens import decode
from agent.music.events import Note, Part

TIMING = TimingSettings()


@pytest.fixture(scope="module")
def song(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return song_file(tmp_path_factory.mktemp("song") / "song.mid")


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "toy.safetensors"
    save_checkpoint(path, toy_model(), TIMING)
    return path


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_infill_arguments(parser)
    return run_infill(parser.parse_args(argv))


def note_messages(track: mido.MidiTrack) -> list[tuple[int, str, int, int]]:
    """(absolute tick, type, pitch, velocity) of a track's note messages, note_on velocity 0 as off."""
    tick, out = 0, []
    for msg in track:
        tick += msg.time
        if msg.type in ("note_on", "note_off"):
            kind = "on" if msg.type == "note_on" and msg.velocity > 0 else "off"
            out.append((tick, kind, msg.note, msg.velocity if kind == "on" else 0))
    return sorted(out)


def test_reading_tracks_parts_bars_and_chords(song: Path) -> None:
    piece, data = read_piece(song)
    names = [t.name for t in piece.tracks]
    assert names == ["Melody", "Piano", "Bass", "Drums", "Strings"] and data == song.read_bytes()
    melody, piano, bass, drums, strings = piece.tracks
    assert (melody.part, bass.part, piano.part) == (Part.LEAD, Part.BASS, Part.COMP)
    assert {n.part for n in piano.notes} == {Part.COMP, Part.BASS}  # its lowest voice plays as bass
    assert drums.drums and not drums.notes and strings.notes == () and strings.channel == 4
    assert piece.bar_count == 12 and piece.bar_span(5, 8) == (16.0, 32.0) and piece.meter == (4, 4)
    chords = with_chords(piece).chords
    assert [s.chord.symbol for s in chords[:4]] == ["C", "Am", "F", "G"]


def test_bars_and_track_requests() -> None:
    assert parse_bars("5-8") == ((5, 8),) and parse_bars("3") == ((3, 3),)
    assert parse_bars("1-2, 9-12") == ((1, 2), (9, 12))
    for bad in ("", "a-b", "5-", "-3"):
        with pytest.raises(CompositionError, match="bars"):
            parse_bars(bad)
    with pytest.raises(CompositionError, match="--bars 5-8"):
        track_requests([{"track": "Bass", "new": False, "bars": []}])


@pytest.mark.parametrize("request_, message", [
    (TrackRequest("Bass", ((11, 13),)), "the piece has 12 bars"),
    (TrackRequest("Bass", ((8, 5),)), "1 <= first <= last"),
    (TrackRequest("Tuba", ((1, 2),)), "unknown track 'Tuba'.*'Melody'"),
    (TrackRequest("9", ((1, 2),)), "unknown track '9'"),
    (TrackRequest("Drums", ((1, 2),)), "drum track"),
    (TrackRequest("Bass", ((1, 2),), 130), "program 0-127"),
    (TrackRequest("Viola", ((1, 2),), new=True), "give an instrument"),
])
def test_bad_requests_name_what_is_wrong(song: Path, request_: TrackRequest, message: str) -> None:
    piece, _ = read_piece(song)
    with pytest.raises(CompositionError, match=message):
        resolve(piece, [request_])


def test_empty_and_missing_files_get_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.mid").write_bytes(b"")
    with pytest.raises(CompositionError, match="empty"):
        read_piece(tmp_path / "empty.mid")
    with pytest.raises(CompositionError, match="no such file"):
        read_piece(tmp_path / "missing.mid")
    silent = mido.MidiFile()
    silent.tracks.append(mido.MidiTrack([mido.MetaMessage("track_name", name="Piano")]))
    silent.save(str(tmp_path / "silent.mid"))
    with pytest.raises(CompositionError, match="no notes"):
        read_piece(tmp_path / "silent.mid")


def test_instruments_map_to_parts(song: Path) -> None:
    piece, _ = read_piece(song)
    piece, regions = resolve(piece, [TrackRequest("Strings", ((1, 2),)), TrackRequest("Bass", ((3, 3),), 34),
                                     TrackRequest("Keys", ((4, 4),), 4, new=True),
                                     TrackRequest("Lead", ((5, 5),), 0, Part.LEAD, new=True)])
    parts = {piece.tracks[r.track].name: r.parts for r in regions}
    assert parts == {"Strings": (Part.COUNTER,), "Bass": (Part.BASS,), "Keys": (Part.COMP,), "Lead": (Part.LEAD,)}
    assert piece.tracks[2].program == 34 and piece.tracks[5].program == 4 and piece.tracks[5].source_index == -1


def test_infill_writes_only_the_region_in_the_requested_parts(song: Path) -> None:
    piece, _ = read_piece(song)
    piece, regions = resolve(piece, [TrackRequest("Bass", ((5, 8),))])
    piece = with_chords(clear_regions(piece, regions), regions)
    infiller = Infiller(toy_model(), TIMING)
    notes = infiller.fill(piece, regions[0], SamplingParams(seed=5))
    assert len(notes) >= 8  # the toy writes about one note per beat
    assert all(16.0 <= n.beat < 32.0 and n.end_beat <= 32.0 + 1e-9 and n.part == Part.BASS for n in notes)
    assert infiller.fill(piece, regions[0], SamplingParams(seed=5)) == notes  # a seed reproduces


def test_long_regions_slide_windows_and_see_the_future(song: Path, tmp_path: Path) -> None:
    piece, _ = read_piece(song_file(tmp_path / "long.mid", bars=24))  # 96 beats: more than a window
    piece, regions = resolve(piece, [TrackRequest("Melody", ((1, 24),))])
    piece = with_chords(clear_regions(piece, regions), regions)
    infiller = Infiller(toy_model(), TIMING)
    notes = infiller.fill(piece, regions[0], SamplingParams(seed=2))
    assert infiller.windows_opened >= 2
    assert notes[0].beat < 8.0 and notes[-1].beat >= 88.0  # written through to the end of the region
    assert all(b.beat >= a.beat for a, b in itertools.pairwise(notes))
    piece, _ = read_piece(song)
    ctx = region_context(piece, Region(2, 16.0, 32.0, (Part.BASS,)))
    assert ctx.own_before and ctx.own_after and all(n.beat >= 32.0 for n in ctx.own_after)


def test_encode_region_positions_are_the_regions_events(song: Path) -> None:
    piece, _ = read_piece(song)
    piece = with_chords(piece)
    region = Region(2, 16.0, 32.0, (Part.BASS,))
    content = [Note(16.0 + 2 * i, 1.0, 40 + i, 80, Part.BASS) for i in range(8)]
    encoded = encode_region(piece, region, content, TIMING)
    assert len(encoded.tokens) <= V.CONTEXT_LEN and len(encoded.tokens) == len(encoded.chords)
    triplets = {p - (p - V.HEADER_LEN) % 3 for p in encoded.positions}
    pitches = [encoded.tokens[t + 2] - V.EVENT_NOTE - 3 * V.NUM_PITCHES for t in triplets
               if encoded.tokens[t + 2] != V.REST]
    assert sorted(pitches) == [n.pitch for n in content]
    decoded = decode(encoded.tokens)  # the whole window is grammatical
    assert any(n.part == Part.BASS for n in decoded)


def test_cli_infill_keeps_everything_outside_the_regions(song: Path, checkpoint: Path, tmp_path: Path) -> None:
    out = tmp_path / "filled.mid"
    assert cli([str(song), "--track", "Bass", "--bars", "5-8", "--instrument", "34", "--track", "3",
                "--bars", "11-12", "--new-track", "Pad", "--instrument", "89", "--bars", "2-3",
                "--out", str(out), "--model", str(checkpoint), "--seed", "1"]) == 0
    source, result = mido.MidiFile(str(song)), mido.MidiFile(str(out))
    assert out.with_suffix(".session.json").exists()
    for index in (0, 1, 2, 4, 5):  # conductor, melody, piano, drums, strings: untouched, message for message
        assert result.tracks[index] == source.tracks[index]
    bass_in, bass_out = note_messages(source.tracks[3]), note_messages(result.tracks[3])
    region_ticks = [(16 * 480, 32 * 480), (40 * 480, 48 * 480)]

    def outside_regions(messages: list[tuple[int, str, int, int]]) -> list[tuple[int, str, int, int]]:
        return [m for m in messages if not any(lo <= m[0] < hi for lo, hi in region_ticks) or m[1] == "off"]

    ons_in = [m for m in outside_regions(bass_in) if m[1] == "on"]
    ons_out = [m for m in outside_regions(bass_out) if m[1] == "on"]
    assert ons_in == ons_out and len(bass_out) > len(bass_in) - 8  # new notes where bars 11-12 were
    assert [m.program for m in result.tracks[3] if m.type == "program_change"] == [34]
    assert any(m.type == "control_change" and m.control == 64 for m in result.tracks[3])  # the pedal survives
    pad = result.tracks[6]
    assert pad.name == "Pad" and [m.program for m in pad if m.type == "program_change"] == [89]
    pad_ticks = [t for t, kind, _, _ in note_messages(pad) if kind == "on"]
    assert pad_ticks and all(4 * 480 <= t < 12 * 480 for t in pad_ticks)
    assert len({m.channel for m in pad if hasattr(m, "channel")}) == 1


def test_clear_regions_and_note_filters() -> None:
    notes = [Note(float(b), 1.0, 60, 80) for b in range(8)]
    assert [n.beat for n in inside(notes, 2.0, 4.0)] == [2.0, 3.0]
    assert len(outside(notes, 2.0, 4.0)) == 6
    piece = Piece((), (0.0, 4.0), (4, 4), (), 8.0)
    assert piece.bar_of(5.0) == 2 and piece.bar_end(1) == 8.0


def test_the_sideman_command_has_the_composition_subcommands() -> None:
    from agent.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["infill", "a.mid", "--track", "Bass", "--bars", "5-8", "--instrument", "33",
                              "--new-track", "Pad", "--part", "comp", "--bars", "1-2"])
    assert args.command == "infill" and track_requests(args.requests) == [
        TrackRequest("Bass", ((5, 8),), 33), TrackRequest("Pad", ((1, 2),), None, Part.COMP, new=True)]
    assert parser.parse_args(["regenerate", "s.json", "--undo"]).undo
    assert parser.parse_args(["compose-eval", "--cases", "3"]).cases == 3
    assert parser.parse_args(["compose-eval", "--kept-drafts", "0", "--reprises", "0"]).kept_drafts == 0


@pytest.mark.parametrize(("option", "value", "why"), [("--candidates", "0", "must be at least 1, got 0"),
                                                      ("--drafts", "0", "must be at least 1, got 0"),
                                                      ("--kept-drafts", "-1", "must be at least 0, got -1"),
                                                      ("--reprises", "x", "not a whole number: 'x'")])
def test_compose_eval_refuses_a_bad_count_by_name(option: str, value: str, why: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from agent.cli import build_parser

    with pytest.raises(SystemExit) as exit_code:
        build_parser().parse_args(["compose-eval", option, value])
    assert exit_code.value.code == 2 and f"argument {option}: {why}" in capsys.readouterr().err


def test_cli_infill_drafts_reach_the_session_and_a_bad_count_is_named(
        song: Path, checkpoint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`sideman infill --drafts N`: how many drafts a fill with JEP-AGA writes (LearnerSettings.drafts)."""
    from agent.compose import session as compose_session

    seen = []
    original = compose_session.CompositionSession.__init__

    def spy(self: compose_session.CompositionSession, *args: object, **kwargs: object) -> None:
        seen.append(kwargs.get("settings"))
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(compose_session.CompositionSession, "__init__", spy)
    common = [str(song), "--track", "Bass", "--bars", "5-6", "--out", str(tmp_path / "d.mid"), "--model",
              str(checkpoint), "--seed", "1"]
    assert cli([*common, "--drafts", "2"]) == 0
    assert isinstance(seen[-1], LearnerSettings) and seen[-1].drafts == 2
    assert cli(common) == 0 and seen[-1] is None  # the defaults (4)
    assert cli([*common, "--drafts", "1"]) == 0 and (seen[-1].drafts, seen[-1].reprises) == (1, 0)
    assert cli([*common, "--drafts", "1", "--reprises", "2"]) == 0 and (seen[-1].drafts, seen[-1].reprises) == (1, 2)
    assert cli([*common, "--reprises", "0"]) == 0 and (seen[-1].drafts, seen[-1].reprises) == (4, 0)
    for option, bad, why in (("--drafts", "0", "must be at least 1, got 0"), ("--drafts", "two", "not a whole number: 'two'"),
                             ("--reprises", "-1", "must be at least 0, got -1")):
        with pytest.raises(SystemExit) as exit_code:
            cli([*common, option, bad])
        assert exit_code.value.code == 2 and why in capsys.readouterr().err


def dense_piece(per_16_beats: int) -> Piece:
    """A bass line to fill under a piano playing `per_16_beats` notes every 16 beats (up to 14 a beat):
    so many that 16 beats of anticipated piano fill a window, with all but a few tokens to spare."""
    piano = tuple(Note(i * 16 / per_16_beats, 0.5, 60 + i % 12, 80, Part.COMP) for i in range(4 * per_16_beats))
    bass = tuple(Note(float(b), 1.0, 36 + b % 5, 90, Part.BASS) for b in range(64) if not 16 <= b < 32)
    tracks = (Track("Piano", 0, 0, piano, Part.COMP), Track("Bass", 33, 1, bass, Part.BASS))
    return Piece(tracks, tuple(4.0 * bar for bar in range(16)), (4, 4), (), 64.0)


@pytest.mark.parametrize("thin", [True, False])
def test_dense_context_never_leaves_a_beat_silent_for_lack_of_room(thin: bool) -> None:
    """Window by window, a region under dense music is written through: a window whose prefix fits the
    context with less than RESERVE_TOKENS to spare leaves out the busiest other track (`thin`), or is cut
    at its start, and a window that writes nothing opens again with more room, instead of a beat of
    silence being skipped (issue 14: 44 skipped beats on 100 held-out POP909 fills before)."""
    region = Region(1, 16.0, 32.0, (Part.BASS,))
    infiller = Infiller(toy_model(), TIMING)
    infiller.thin = thin
    for per_16_beats in range(150, 230, 4):
        notes = infiller.fill(dense_piece(per_16_beats), region, SamplingParams(seed=per_16_beats))
        assert infiller.beats_skipped == 0, per_16_beats
        assert notes and all(16.0 <= n.beat < 32.0 and n.part == Part.BASS for n in notes)
    if thin:  # the piano left out of crowded windows, none cut
        assert infiller.tracks_dropped > 0 and infiller.windows_cut == 0
    else:  # the prefix did not fit with room to spare, so it was cut
        assert infiller.windows_cut > 0 and infiller.tracks_dropped == 0
    assert infiller.windows_opened <= 20 * 5  # about 16 beats / 50 triplets of dense piano each: 4 or 5


def test_a_crowded_window_leaves_out_the_busiest_other_track_first() -> None:
    piece = dense_piece(200)
    flute = Track("Flute", 73, 2, tuple(Note(float(b), 2.0, 72 + b % 7, 70, Part.HUMAN) for b in range(0, 64, 2)),
                  Part.HUMAN)
    piece = dataclasses.replace(piece, tracks=(*piece.tracks, flute))
    ctx = region_context(piece, Region(1, 16.0, 32.0, (Part.BASS,)))
    assert len(ctx.other_tracks) == 2 and len(ctx.others) == 800 + 32
    assert ctx.without(1).others == flute.notes  # the piano (800 notes) goes first
    assert ctx.without(2).others == () and ctx.without(0) == ctx
    infiller = Infiller(toy_model(), TIMING)
    notes = infiller.fill(piece, Region(1, 16.0, 32.0, (Part.BASS,)), SamplingParams(seed=1))
    assert notes and infiller.tracks_dropped >= 1 and infiller.windows_cut == 0


def test_continuation_surprise_reads_the_tracks_next_notes_after_each_draft(song: Path) -> None:
    """The critic of a fill: the generator's mean surprise (nats per token) at the track's events in the
    stretch after the region, teacher-forced with each draft in place; batched as computed one by one."""
    import torch

    torch.manual_seed(0)
    model = MusicTransformer(TINY).eval()  # random, so that every token reads the ones before it
    piece = with_chords(read_piece(song)[0])
    region = Region(2, 32.0, 40.0, (Part.BASS,))  # the bass plays beats 40-48 after it
    drafts = [[Note(32.0 + k, 1.0, 36 + (k * step) % 12, 80, Part.BASS) for k in range(8)] for step in (0, 5, 7)]
    scores = continuation_surprise(model, TIMING, piece, region, drafts)
    assert len(set(scores)) == 3 and all(s > 0 for s in scores)  # each draft changes how the next bars read
    alone = [continuation_surprise(model, TIMING, piece, region, [d])[0] for d in drafts]
    assert scores == pytest.approx(alone, abs=1e-5)  # the padding of a batch changes nothing
    # by hand: the region and as long again after it, the next bars' tokens scored from the position before
    stretch = Region(2, 32.0, 48.0, (Part.BASS,))
    filled = piece.replace_notes(2, [*outside(piece.tracks[2].notes, 32.0, 40.0), *drafts[1]])
    encoded = encode_region(filled, stretch, inside(filled.tracks[2].notes, 32.0, 48.0), TIMING)
    after = [p for p, t in zip(encoded.positions, encoded.onsets, strict=True) if t >= (40.0 - encoded.origin) * V.TICKS_PER_BEAT]
    assert after and not encoded.cut
    with torch.no_grad():
        logp = torch.log_softmax(model(torch.tensor([encoded.tokens]), torch.tensor([encoded.chords]))[0], dim=-1)
    assert scores[1] == pytest.approx(-sum(float(logp[p - 1, encoded.tokens[p]]) for p in after) / len(after), abs=1e-4)
    # what follows matters: other next bars, other scores
    moved = piece.replace_notes(2, [n if not 40.0 <= n.beat < 48.0 else dataclasses.replace(n, pitch=n.pitch + 7)
                                    for n in piece.tracks[2].notes])
    assert continuation_surprise(model, TIMING, moved, region, drafts) != scores


def test_continuation_surprise_leaves_out_busy_tracks_to_reach_the_next_bars() -> None:
    piece = dense_piece(200)  # 12.5 piano notes a beat: 16 beats of them fill a window
    region = Region(1, 16.0, 32.0, (Part.BASS,))
    stretch = Region(1, 16.0, 48.0, (Part.BASS,))
    content = inside(piece.tracks[1].notes, 16.0, 48.0)
    assert encode_region(piece, stretch, content, TIMING).cut  # with the piano, the next bars fall out
    assert not encode_in_context(region_context(piece, stretch).without(1), content, TIMING).cut
    drafts = [[Note(16.0 + 2 * k, 1.0, 36 + k + j, 90, Part.BASS) for k in range(8)] for j in (0, 3)]
    scores = continuation_surprise(MusicTransformer(TINY).eval(), TIMING, piece, region, drafts)
    assert len(set(scores)) == 2 and all(s > 0 for s in scores)


def test_the_drafts_of_a_region_share_their_first_windows_prefix(song: Path) -> None:
    """An infiller keeps the decoder state of its latest window prefixes: a region's later drafts load
    the first window's instead of feeding it again, and write exactly the notes they would have."""
    import torch

    model = toy_model()
    with torch.no_grad():  # the toy's notes depend on the state fed as well as on its time bias
        model.ln_f.weight.normal_(0.0, 0.5, generator=torch.Generator().manual_seed(1))
    piece = with_chords(read_piece(song)[0])
    region = Region(2, 16.0, 32.0, (Part.BASS,))
    alone = [Infiller(model, TIMING).fill(piece, region, SamplingParams(seed=s)) for s in (1, 2, 3)]
    shared = Infiller(model, TIMING)
    assert [shared.fill(piece, region, SamplingParams(seed=s)) for s in (1, 2, 3)] == alone
    assert len({str(a) for a in alone}) == 3 and shared.prefixes_reused >= 2
    assert len(shared.prefixes) <= PREFIXES
    other = Region(2, 0.0, 8.0, (Part.BASS,))  # another region: another prefix
    reused = shared.prefixes_reused
    shared.fill(piece, other, SamplingParams(seed=1))
    assert shared.prefixes_reused == reused
