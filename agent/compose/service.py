"""The composition service behind the OSC messages of `agent.wire.compose_osc` (patches/OSC.md, "Composition").

`ComposeService.handle` applies one decoded message and returns the replies. Context messages (tracks,
notes, chords, regions, marks) only update its state; `/compose/fill` and `/compose/regenerate` run the
model for seconds (`agent.wire.compose_osc.heavy`), so a runtime calls `handle` from a worker thread, never
on its event loop, one message at a time. A request that cannot be met gets `/compose/error` with its
request number and the reason in words.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass, field
from typing import Any

from agent.compose.piece import DRUM_CHANNEL, Piece, Region, Track, as_parts, merge_regions, target_parts
from agent.compose.session import CompositionSession, Mark
from agent.errors import ChordError, CompositionError
from agent.live.generator import SamplingParams
from agent.model.anticipation import TimingSettings
from agent.model.network import MusicTransformer
from agent.music.chords import parse_symbol
from agent.music.events import ChordSpan, Note, Part, part_for_program
from agent.wire.compose_osc import (
    Begin,
    Clear,
    ClearContext,
    ComposeChordIn,
    ComposeNoteOut,
    Done,
    ErrorOut,
    Fill,
    MarkIn,
    NoteIn,
    Regenerate,
    RegionIn,
    RegionOut,
    ResetLearning,
    SongIn,
    TrackIn,
    Undo,
)
from agent.wire.osc import as_float32

log = logging.getLogger("sideman.compose.service")

_CHANNELS = tuple(c for c in range(16) if c != DRUM_CHANNEL)  # pitched tracks' MIDI channels (not on the wire)


@dataclass
class _Context:
    """What the client has sent since the last /compose/clear or /compose/clear_context."""

    meter: tuple[int, int] = (4, 4)
    end_beat: float = 0.0
    tracks: dict[int, TrackIn] = field(default_factory=dict)
    notes: dict[int, list[Note]] = field(default_factory=dict)
    chords: list[ChordSpan] = field(default_factory=list)
    regions: list[RegionIn] = field(default_factory=list)
    marks: list[MarkIn] = field(default_factory=list)


class ComposeService:
    """The composition state behind the OSC messages (see the module docstring)."""

    def __init__(self, model: MusicTransformer, timing: TimingSettings, params: SamplingParams | None = None,
                 learning: bool = True) -> None:
        self.model, self.timing, self.learning = model, timing, learning
        self.params = params or SamplingParams()
        self.context = _Context()
        self.session: CompositionSession | None = None
        self.track_ids: list[int] = []  # piece track position -> the client's track number

    def handle(self, message: Any) -> list[Any]:
        """Apply one decoded message; the replies (`/compose/error` for a request that cannot be met)."""
        request = getattr(message, "request", -1)
        try:
            return self._apply(message)
        except CompositionError as exc:
            log.warning("composition request %d: %s", request, exc)
            return [ErrorOut(request, str(exc))]

    def _apply(self, msg: Any) -> list[Any]:
        ctx = self.context
        if isinstance(msg, Clear):
            self.context, self.session = _Context(), None
        elif isinstance(msg, ClearContext):  # described afresh: the versions (until the fill) and learning stay
            self.context = _Context()
        elif isinstance(msg, SongIn):
            ctx.meter, ctx.end_beat = (msg.numerator, msg.denominator), msg.end_beat
        elif isinstance(msg, TrackIn):
            ctx.tracks[msg.track] = msg
        elif isinstance(msg, NoteIn):
            self._known(msg.track)
            ctx.notes.setdefault(msg.track, []).append(Note(msg.beat, msg.dur_beats, msg.pitch, msg.velocity))
        elif isinstance(msg, ComposeChordIn):
            ctx.chords.append(_chord(msg))
        elif isinstance(msg, RegionIn):
            ctx.regions.append(_checked_span(self._known(msg.track), msg))
        elif isinstance(msg, MarkIn):
            ctx.marks.append(_checked_span(self._known(msg.track), msg))
        elif isinstance(msg, ResetLearning):
            if self.session is not None:
                self.session.reset_learning()
        else:
            return self._run(msg)
        return []

    def _run(self, msg: Any) -> list[Any]:
        if isinstance(msg, Fill):
            return self._fill(msg.request)
        session = self._session()
        if isinstance(msg, Regenerate):
            marks = [Mark(self._position(m.track), m.start_beat, m.end_beat) for m in self.context.marks]
            self.context.marks = []
            if not marks:
                raise CompositionError("/compose/regenerate: mark what to regenerate first (/compose/mark)")
            version = session.regenerate(marks, self.params)
            return self._result(msg.request, version.number, list(version.regions), version.seconds)
        number = session.undo().number if isinstance(msg, Undo) else session.restore(msg.version).number
        written = merge_regions([r for v in session.versions for r in v.regions])
        return self._result(msg.request, number, written, 0.0)

    def _fill(self, request: int) -> list[Any]:
        if not self.context.regions:
            raise CompositionError("/compose/fill: name the regions to fill first (/compose/region)")
        before = self.track_ids
        try:
            for r in self.context.regions:  # a track declared again since its region came may be drums now
                _checked_span(self._known(r.track), r)
            piece = self.piece()
            regions = [Region(self._position(r.track), r.start_beat, r.end_beat,
                              target_parts(piece, self._position(r.track), None, None))
                       for r in self.context.regions]
            learner = self.session.learner if self.session is not None else None  # what the marks taught stays
            session = CompositionSession(self.model, self.timing, piece, regions, learning=self.learning,
                                         learner=learner, held=_as_sent)
            version = session.infill(self.params)
        except CompositionError:
            self.track_ids = before  # a failed fill leaves the previous session (if any) as it was
            raise
        finally:
            self.context.regions = []
        self.session = session
        return self._result(request, version.number, list(version.regions), version.seconds)

    def _result(self, request: int, number: int, regions: list[Region], seconds: float) -> list[Any]:
        session = self._session()
        out: list[Any] = [Begin(request, number, len(regions))]
        for region in regions:
            notes = session.region_notes(number, region)
            track = self.track_ids[region.track]
            out.append(RegionOut(request, track, region.start_beat, region.end_beat, len(notes)))
            out += [ComposeNoteOut(request, track, n.beat, n.pitch, n.velocity, n.dur_beats) for n in notes]
        return out + [Done(request, number, seconds)]

    def _session(self) -> CompositionSession:
        if self.session is None:
            raise CompositionError("nothing has been filled yet: send /compose/region and /compose/fill "
                                   "first")
        return self.session

    def _known(self, track: int) -> TrackIn:
        if track not in self.context.tracks:
            raise CompositionError(f"track {track} was not declared: send /compose/track {track} PROGRAM NAME "
                                   "first")
        return self.context.tracks[track]

    def _position(self, track: int) -> int:
        self._known(track)
        if track not in self.track_ids:
            raise CompositionError(f"track {track} was declared after the last /compose/fill: fill again")
        return self.track_ids.index(track)

    def piece(self) -> Piece:
        """The piece the client has described (bars laid from beat 0 in its meter)."""
        ctx = self.context
        self.track_ids = sorted(ctx.tracks)
        taken: set[Part] = set()
        tracks = []
        for number in self.track_ids:
            declared, notes = ctx.tracks[number], ctx.notes.get(number, [])
            part = part_for_program(declared.program, taken)
            if part is None:  # drums: kept as a track, no context for the model
                tracks.append(Track(declared.name, None, DRUM_CHANNEL, (), Part.COMP))
                continue
            parts = (Part.COMP, Part.BASS) if part == Part.COMP else (part,)  # comping's low voice: bass
            taken |= {part} if notes else set()
            channel = _CHANNELS[(number - 1) % len(_CHANNELS)]
            tracks.append(Track(declared.name, declared.program, channel, tuple(as_parts(notes, parts)), part))
        ends = [ctx.end_beat, *(n.end_beat for ns in ctx.notes.values() for n in ns),
                *(r.end_beat for r in ctx.regions)]
        bar = ctx.meter[0] * 4.0 / ctx.meter[1]
        downbeats = tuple(i * bar for i in range(max(1, math.ceil(max(ends) / bar - 1e-9))))
        chords = tuple(sorted(ctx.chords, key=lambda s: s.beat))
        return Piece(tuple(tracks), downbeats, ctx.meter, chords, max(ends))


def _as_sent(note: Note) -> Note:
    """A note as the client holds it once sent: beat and duration as `f` arguments (float32). A version is
    what the client was sent, so the marks it takes from its notes (a selected note's start, exactly)
    cover the same notes here: with float64 beats, a note at beat 8 + 2/3 sat 3e-7 beats before a
    mark starting at that note, and stayed in the agent's version while the client replaced it."""
    return dataclasses.replace(note, beat=as_float32(note.beat), dur_beats=as_float32(note.dur_beats))


def _chord(msg: ComposeChordIn) -> ChordSpan:
    try:
        chord = parse_symbol(msg.symbol)
    except ChordError as exc:
        raise CompositionError(f"/compose/chord: {exc}") from exc
    if chord is None:
        raise CompositionError("/compose/chord: N (no chord) is not a chord: leave the stretch without one")
    return ChordSpan(msg.beat, msg.dur_beats, chord)


def _checked_span(track: TrackIn, msg: Any) -> Any:
    if msg.end_beat <= msg.start_beat:
        raise CompositionError(f"track {msg.track}: start beat {msg.start_beat:g} must be before end beat "
                               f"{msg.end_beat:g}")
    if track.program == 128:
        raise CompositionError(f"track {msg.track} is drums (program 128): the model plays no drums")
    return msg
