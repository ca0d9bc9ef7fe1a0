"""A composition session as a JSON file, so `sideman regenerate` can continue what `sideman infill` began.

The file holds the input MIDI file itself (base64: exports rewrite it, so everything the tool did not
touch stays byte for byte), the piece as read (tracks, bars, chords), the regions asked for, every
version's notes on the tracks the session wrote, which version is current, and the feedback learner:
its adapter's parameters and which material it was shown (re-read with the model on load, so the
learner continues exactly where it stopped), and the drafts written but not shown yet (`spare`; files
from before it have none). Notes are [beat, dur_beats, pitch, velocity, part].
"""

from __future__ import annotations

import base64
import dataclasses
import json
from pathlib import Path
from typing import Any

from agent.compose.piece import Piece, Region, Track
from agent.compose.session import CompositionSession, Version
from agent.errors import CompositionError
from agent.model.anticipation import TimingSettings
from agent.model.network import MusicTransformer
from agent.music.chords import Chord
from agent.music.events import ChordSpan, Note, Part

FORMAT = "sideman-compose-1"


def _notes(notes: tuple[Note, ...]) -> list[list[float]]:
    return [[n.beat, n.dur_beats, n.pitch, n.velocity, int(n.part)] for n in notes]


def _read_notes(rows: list[list[float]]) -> tuple[Note, ...]:
    return tuple(Note(float(b), float(d), int(p), int(v), Part(int(part))) for b, d, p, v, part in rows)


def _region(region: Region) -> list[Any]:
    return [region.track, region.start_beat, region.end_beat, [int(p) for p in region.parts]]


def _read_region(row: list[Any]) -> Region:
    return Region(int(row[0]), float(row[1]), float(row[2]), tuple(Part(int(p)) for p in row[3]))


def piece_json(piece: Piece) -> dict[str, Any]:
    tracks = [{"name": t.name, "program": t.program, "channel": t.channel, "part": int(t.part),
               "source_index": t.source_index, "multichannel": t.multichannel, "notes": _notes(t.notes)}
              for t in piece.tracks]
    chords = [[s.beat, s.dur_beats, s.chord.root, s.chord.quality, s.chord.bass] for s in piece.chords]
    return {"tracks": tracks, "downbeats": list(piece.downbeats), "meter": list(piece.meter), "chords": chords,
            "end_beat": piece.end_beat, "tempo_bpm": piece.tempo_bpm}


def piece_from_json(data: dict[str, Any]) -> Piece:
    tracks = tuple(Track(t["name"], t["program"], int(t["channel"]), _read_notes(t["notes"]), Part(int(t["part"])),
                         int(t["source_index"]), bool(t["multichannel"])) for t in data["tracks"])
    chords = tuple(ChordSpan(float(b), float(d), Chord(int(r), str(q), None if bass is None else int(bass)))
                   for b, d, r, q, bass in data["chords"])
    return Piece(tracks, tuple(float(d) for d in data["downbeats"]), (int(data["meter"][0]), int(data["meter"][1])),
                 chords, float(data["end_beat"]), float(data["tempo_bpm"]))


def save(session: CompositionSession, path: Path, model_path: str) -> None:
    """Write the session (atomically) to `path`."""
    touched = sorted(session.touched_tracks)
    versions = [{"number": v.number, "parent": v.parent, "action": v.action, "seconds": v.seconds,
                 "regions": [_region(r) for r in v.regions],
                 "tracks": {str(i): _notes(v.piece.tracks[i].notes) for i in touched}} for v in session.versions]
    data = {
        "format": FORMAT, "model": model_path, "learning": session.learning,
        "template": base64.b64encode(session.template).decode() if session.template else None,
        "base": piece_json(session.base), "regions": [_region(r) for r in session.regions],
        "versions": versions, "current": session.current,
        "learner": {"rounds": session.learner.rounds, "adapter": session.learner.state(),
                    "observations": [[v, _region(r), rej] for v, r, rej in session.observations]},
        "spare": {key: [_notes(tuple(d)) for d in drafts] for key, drafts in session.spare.items()},
    }
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)


def read(path: Path) -> dict[str, Any]:
    """The raw session data; CompositionError when the file is missing or not a session."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CompositionError(f"{path}: not a readable session file ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CompositionError(f"{path}: not a Sideman composition session ({FORMAT})")
    return data


def load(data: dict[str, Any], model: MusicTransformer, timing: TimingSettings) -> CompositionSession:
    """The session in `data` (from `read`), with `model` (the one it was made with)."""
    base = piece_from_json(data["base"])
    template = base64.b64decode(data["template"]) if data["template"] else None
    session = CompositionSession(model, timing, base, [_read_region(r) for r in data["regions"]], template,
                                 bool(data["learning"]))
    for row in data["versions"]:
        piece = base
        for key, notes in row["tracks"].items():
            track = piece.tracks[int(key)]
            piece = dataclasses.replace(piece, tracks=piece.tracks[: int(key)] + (
                dataclasses.replace(track, notes=_read_notes(notes)),) + piece.tracks[int(key) + 1 :])
        regions = tuple(_read_region(r) for r in row["regions"])
        session.versions.append(Version(int(row["number"]), row["parent"], row["action"], piece, regions,
                                        float(row["seconds"])))
    session.current = int(data["current"])
    learner = data["learner"]
    for number, region_row, rejected in learner["observations"]:
        region = _read_region(region_row)
        session.learner.observe(session.versions[number].piece, region, session.region_notes(number, region), rejected)
        session.observations.append((number, region, bool(rejected)))
    session.learner.load_state(learner["adapter"], int(learner["rounds"]))
    session.spare = {str(key): [list(_read_notes(d)) for d in drafts] for key, drafts in data.get("spare", {}).items()}
    return session
