"""`sideman infill` and `sideman regenerate`: composition mode from the command line.

    sideman infill song.mid --track Bass --bars 5-8 --instrument 33 \\
                            --track 2 --bars 1-2,13-16 --out song-filled.mid
    sideman infill song.mid --new-track Strings --instrument 48 --bars 9-12
    sideman infill song.mid --list                      # tracks, parts and bars of the file
    sideman regenerate song-filled.session.json --track Bass --bars 6-6
    sideman regenerate song-filled.session.json --undo | --restore 0 | --history | --reset-learning | --accept

`--track` (or `--new-track`) starts a request; the `--bars`, `--instrument` and `--part` after it
belong to it. Bars are 1-based and inclusive, as a DAW numbers them. `infill` writes the filled file and
a session file beside it (`OUT.session.json`); `regenerate` rewrites the marked bars of the session's
current version, learning from the marks (unless the session was started with `--no-learning`),
and writes the new version as `OUT-vN.mid`. Every version stays in the session: `--undo` / `--restore N`
make an earlier one current (and write it), `--history` lists them.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.compose.options import at_least
from agent.compose.piece import Piece, TrackRequest, parse_bars
from agent.errors import CompositionError
from agent.live.generator import SamplingParams
from agent.model.paths import add_model_argument, model_file
from agent.music.events import parse_part
from agent.settings import add_option

if TYPE_CHECKING:
    from agent.compose.feedback import LearnerSettings
    from agent.compose.session import CompositionSession, Version

log = logging.getLogger("sideman.compose.cli")

class _Request(argparse.Action):
    """`--track` / `--new-track` open a request; `--bars`, `--instrument`, `--part` fill the latest."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        requests: list[dict[str, Any]] = list(getattr(namespace, "requests", None) or [])
        if self.dest in ("track", "new_track"):
            requests.append({"track": values, "new": self.dest == "new_track", "bars": []})
        elif not requests:
            parser.error(f"{option_string} must come after the --track (or --new-track) it belongs to")
        elif self.dest == "bars":
            requests[-1]["bars"].append(values)
        else:
            requests[-1][self.dest] = values
        namespace.requests = requests


def track_requests(raw: Sequence[dict[str, Any]] | None) -> list[TrackRequest]:
    """The parsed `--track ... --bars ...` groups; CompositionError names a group without bars."""
    requests = []
    for group in raw or []:
        if not group["bars"]:
            raise CompositionError(f"--track {group['track']}: give the bars to fill, e.g. --bars 5-8")
        bars = tuple(span for text in group["bars"] for span in parse_bars(text))
        try:
            part = parse_part(group["part"]) if group.get("part") else None
        except ValueError as exc:
            raise CompositionError(f"--part: {exc}") from exc
        requests.append(TrackRequest(group["track"], bars, group.get("instrument"), part, group["new"]))
    return requests


def _add_request_options(parser: argparse.ArgumentParser, verb: str) -> None:
    parser.set_defaults(requests=None)
    parser.add_argument("--track", action=_Request, metavar="T", help=f"track to {verb}: its number or name")
    parser.add_argument("--bars", action=_Request, metavar="A-B", help="bars, 1-based inclusive: 5-8, 3, 1-2,9-12")


def _add_sampling_options(parser: argparse.ArgumentParser) -> None:
    add_model_argument(parser)
    for name in ("seed", "temperature", "top_p", "guidance"):  # default, range and help: agent/settings.py
        add_option(parser, name)
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for torch")


_positive, _count = at_least(1), at_least(0)


def add_infill_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="MIDI file with the context")
    _add_request_options(parser, "fill")
    parser.add_argument("--new-track", action=_Request, metavar="NAME", help="add a track with this name and fill it")
    parser.add_argument("--instrument", action=_Request, type=int, metavar="PROGRAM",
                        help="General MIDI program 0-127 of the track's output (and the part it plays)")
    parser.add_argument("--part", action=_Request, metavar="PART", help="override: lead, counter, comp or bass")
    parser.add_argument("--out", type=Path, default=None, help="output MIDI file (default IN-filled.mid)")
    parser.add_argument("--session", type=Path, default=None, help="session file (default OUT.session.json)")
    parser.add_argument("--no-learning", action="store_true", help="regenerate rounds learn nothing")
    parser.add_argument("--drafts", type=_positive, default=None, metavar="N",
                        help="drafts of each region (at most; a dense part gets fewer), which with the region's "
                             "reprises (the track over the same chords elsewhere) are candidates, the one after which "
                             "the track's next bars sound most natural to the model kept (default 4; 1 = one draft "
                             "and no reprises, about 3x faster)")
    parser.add_argument("--reprises", type=_count, default=None, metavar="N",
                        help="the region's reprises offered beside the drafts (default 2; 0 with --drafts 1); "
                             "--drafts 1 --reprises 2 chooses between one draft and the song's own material")
    parser.add_argument("--list", action="store_true", help="print the file's tracks and bars, fill nothing")
    _add_sampling_options(parser)


def add_regenerate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", type=Path, help="session file written by `sideman infill`")
    _add_request_options(parser, "mark")
    parser.add_argument("--undo", action="store_true", help="make the previous version current")
    parser.add_argument("--restore", type=int, default=None, metavar="N", help="make version N current")
    parser.add_argument("--history", action="store_true", help="list the versions")
    parser.add_argument("--reset-learning", action="store_true", help="forget what the marks taught")
    parser.add_argument("--accept", action="store_true",
                        help="happy with the current version: learn from it against the first one")
    parser.add_argument("--out", type=Path, default=None, help="output MIDI file (default SESSION-vN.mid)")
    _add_sampling_options(parser)


def params_from(args: argparse.Namespace) -> SamplingParams:
    """The sampling options (argparse checked their ranges, agent/settings.py)."""
    return SamplingParams(args.temperature, args.top_p, args.guidance, args.seed)


def describe(piece: Piece) -> str:
    """Tracks (number, name, program, part, notes) and bars of a piece."""
    lines = [f"{piece.bar_count} bars of {piece.meter[0]}/{piece.meter[1]}, {piece.tempo_bpm:g} bpm"]
    for i, track in enumerate(piece.tracks):
        kind = "drums" if track.drums else track.part.name.lower() if track.notes else "empty"
        lines.append(f"  track {track.label(i)}: program {track.program}, {kind}, {len(track.notes)} notes")
    return "\n".join(lines)


def _bars(piece: Piece, start: float, end: float) -> str:
    first, last = piece.bar_of(start), piece.bar_of(end - 1e-6)
    return f"bar {first}" if first == last else f"bars {first}-{last}"


def summary(session: CompositionSession, version: Version, out: Path | None) -> str:
    """What a round did, one line per region, and where it went."""
    piece = version.piece
    head = f"version {version.number} ({version.action}" + (f" from {version.parent})" if version.parent is not None else ")")
    lines = [f"{head}: {version.seconds:.2f} s" + (f", learning {version.learn.seconds:.2f} s" if version.learn else "")]
    for region in version.regions:
        notes = session.region_notes(version.number, region)
        lines.append(f"  track {piece.tracks[region.track].label(region.track)}, {_bars(piece, region.start_beat, region.end_beat)}:"
                     f" {len(notes)} notes as {'+'.join(p.name.lower() for p in region.parts)}")
    if out is not None:
        lines.append(f"wrote {out}")
    return "\n".join(lines)


def run_infill(args: argparse.Namespace) -> int:
    """`sideman infill`: fill the requested regions, write the MIDI file and the session."""

    from agent.compose import store as compose_store
    from agent.compose.piece import read_piece, resolve
    from agent.compose.session import CompositionSession
    from agent.model.checkpoint import load_checkpoint
    from agent.model.engine import limit_threads

    piece, template = read_piece(args.input)
    if args.list:
        print(describe(piece))
        return 0
    piece, regions = resolve(piece, track_requests(args.requests))
    params = params_from(args)
    limit_threads(args.threads)
    args.model = model_file(args.model)
    model, timing, _ = load_checkpoint(args.model)
    settings = fill_settings(args.drafts, args.reprises)
    session = CompositionSession(model, timing, piece, regions, template, learning=not args.no_learning,
                                 settings=settings)
    version = session.infill(params)
    out = args.out or args.input.with_name(args.input.stem + "-filled.mid")
    session_path = args.session or out.with_suffix(".session.json")
    session.export(out)
    compose_store.save(session, session_path, str(args.model))
    print(summary(session, version, out) + f"\nsession {session_path} (sideman regenerate {session_path} --bars ...)")
    return 0


def fill_settings(drafts: int | None, reprises: int | None) -> LearnerSettings | None:
    """The learner settings `--drafts` and `--reprises` ask for (None: the defaults). One draft alone
    means no reprises unless they are asked for."""
    from agent.compose.feedback import LearnerSettings

    if drafts is None and reprises is None:
        return None
    default = LearnerSettings()
    return LearnerSettings(drafts=default.drafts if drafts is None else drafts,
                           reprises=reprises if reprises is not None else 0 if drafts == 1 else default.reprises)


def run_regenerate(args: argparse.Namespace) -> int:
    """`sideman regenerate`: mark bars, undo, restore, list; write the resulting version."""

    from agent.compose import store as compose_store
    from agent.model.checkpoint import load_checkpoint
    from agent.model.engine import limit_threads

    data = compose_store.read(args.session)
    limit_threads(args.threads)
    model_path = model_file(args.model) if args.model is not None else Path(data["model"])
    model, timing, _ = load_checkpoint(model_path)
    session = compose_store.load(data, model, timing)
    if args.history:
        print(history(session))
        return 0
    version = _apply(session, args)
    out = args.out or args.session.with_name(args.session.name.removesuffix(".session.json") + f"-v{version.number}.mid")
    session.export(out)
    compose_store.save(session, args.session, str(model_path))
    print(summary(session, version, out))
    return 0


def _apply(session: CompositionSession, args: argparse.Namespace) -> Version:
    """The version an action leaves current: reset, undo, restore, or a regenerate round."""
    from agent.compose.session import Mark

    if args.reset_learning:
        session.reset_learning()
    if args.accept:
        stats = session.accept()
        log.info("accepted version %d%s", session.current, "" if stats else " (nothing to learn)")
        return session.version
    if args.undo:
        return session.undo()
    if args.restore is not None:
        return session.restore(args.restore)
    requests = track_requests(args.requests)
    if not requests:
        if args.reset_learning:
            return session.version
        raise CompositionError("mark what to regenerate: --track T --bars A-B (or --undo, --restore N, --history)")
    piece = session.version.piece
    marks = [Mark(piece.find_track(r.track), *piece.bar_span(first, last)) for r in requests for first, last in r.bars]
    return session.regenerate(marks, params_from(args))


def history(session: CompositionSession) -> str:
    lines = []
    for v in session.versions:
        current = " <- current" if v.number == session.current else ""
        regions = ", ".join(f"track {r.track + 1} {_bars(v.piece, r.start_beat, r.end_beat)}" for r in v.regions)
        lines.append(f"version {v.number}: {v.action}" + (f" from {v.parent}" if v.parent is not None else "")
                     + f" ({regions}), {v.seconds:.2f} s{current}")
    return "\n".join(lines)


