"""A composition session: the piece, the regions asked for, every round kept, learning from marks.

Round 0 fills the requested regions (`infill`). Each later round regenerates only the stretches the
songwriter marked in the current version and keeps everything else (`regenerate`); before it writes,
the feedback learner (`agent.compose.feedback`) learns from the marks: the marked material is rejected, the
rest of the filled regions on the same track is kept (when the whole region is marked, the equally
long stretches of the track just before and after it stand in for it). Every version is kept: `undo`
returns to the version the current one came from, `restore(n)` to any version, `export` writes any
version as MIDI, and the next round starts from whichever version is current. `accept` learns from a
finished interaction (the first version rejected, the current one kept). `agent.compose.store` keeps
a session in a JSON file between command-line calls.

A fill writes `LearnerSettings.drafts` drafts of each region (fewer for a dense part, within
`draft_notes`) and offers them with the region's reprises (`agent.compose.reprise`) to a critic
(`nearest_draft`, `fill_critic`): by default the one after which the track's own next bars surprise
the generator least (`agent.compose.infill.continuation_surprise`), the music after the gap heard the
way a left-to-right model can hear it. With a checkpoint that carries JEP-AGA's encoders
(`agent.compose.stage`), the generator is conditioned on their prediction of each region, and the
learner is `agent.compose.jepa.JepaLearner` (the paper's, on the encoder-predictor); otherwise
`agent.compose.feedback.FeedbackLearner` steers the generator.

With feedback, a regeneration writes `candidates` drafts (with JEP-AGA, `kept_drafts` of them conditioned
on the kept material heard in the marked place rather than on the moved prediction: "write these bars
the way the part I kept would go here"; the simulated user, 128 tests: RIC -36.9% -> -44.3%) and keeps
the learner's preferred one among them and the drafts of earlier rounds not shown (`spare`, per region
and context: `context_digest`; the best SPARE_DRAFTS kept): a draft the songwriter never heard is as
good a candidate as a new one, and each round then offers the next best the session has (the
simulated user, 64 tests: RIC -23% -> -34% with the pool; docs/compose.md). A changed context (another region rewritten, an undo) starts an
empty pool; `reset_learning` empties them all; the session file keeps them. The region's reprises are
not offered here: on 128 tests they left the interaction cost as it was (3.70 rounds either way;
docs/compose.md, fifth version).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from agent.compose.feedback import FeedbackLearner, LearnerSettings, LearnStats, material_key
from agent.compose.infill import Infiller, continuation_surprise, region_reading
from agent.compose.jepa import JepaLearner
from agent.compose.piece import (
    Piece,
    Region,
    clear_regions,
    heard_here,
    inside,
    merge_regions,
    target_parts,
    with_chords,
    write_midi,
)
from agent.compose.reprise import reprises
from agent.errors import CompositionError
from agent.live.generator import SamplingParams
from agent.model.anticipation import TimingSettings
from agent.model.jepa import encoders_of
from agent.model.network import MusicTransformer
from agent.music.events import Note

log = logging.getLogger("sideman.compose.session")

Distances = Callable[[Piece, Region, list[list[Note]]], list[float]]  # candidates of a region -> lower is preferred

SPARE_DRAFTS = 12  # drafts kept per region and context for later rounds, the preferred ones (`CompositionSession.spare`)
SILENT_RETRIES = 3  # more drafts written when every draft of a region is silent (`write_drafts`)


@dataclass(frozen=True)
class Mark:
    """A stretch of a track the songwriter is unhappy with: [start_beat, end_beat) of track `track`."""

    track: int
    start_beat: float
    end_beat: float


@dataclass(frozen=True)
class Version:
    """One round's result: the whole piece, what the round wrote, how long it took."""

    number: int
    parent: int | None
    action: str  # "infill" or "regenerate"
    piece: Piece
    regions: tuple[Region, ...]  # the stretches this round (re)wrote
    seconds: float  # the whole round: learning and writing
    learn: LearnStats | None = None


class CompositionSession:
    """Infill, regenerate, undo, restore, export (see the module docstring)."""

    def __init__(self, model: MusicTransformer, timing: TimingSettings, piece: Piece, regions: Sequence[Region],
                 template: bytes | None = None, learning: bool = True, settings: LearnerSettings | None = None,
                 learner: FeedbackLearner | JepaLearner | None = None, held: Callable[[Note], Note] | None = None,
                 conditioned: bool = True) -> None:
        if not regions:
            raise CompositionError("a composition session needs at least one region to fill")
        self.regions = tuple(merge_regions(regions))
        self.base = piece if piece.chords else with_chords(piece, self.regions)
        self.template = template
        self.learning = learning
        jepa = encoders_of(model) if conditioned else None
        self.learner = learner or (JepaLearner(jepa, settings) if jepa is not None  # shared: learning goes on
                                   else FeedbackLearner(model, timing, settings))
        # how the client holds a written note (over OSC: beats as float32, `ComposeService`); a version
        # keeps exactly that, so a mark taken from the client's notes selects the same notes here
        self.held = held
        condition = self.learner.predict if isinstance(self.learner, JepaLearner) and conditioned else None
        self.infiller = Infiller(model, timing, self.learner.adapt, condition)
        # with feedback, `kept_drafts` of the candidates are written as the kept material would be heard here
        self.kept_infiller = Infiller(model, timing, condition=self.learner.kept_prediction) \
            if isinstance(self.learner, JepaLearner) and conditioned else None
        self.versions: list[Version] = []
        self.current = -1
        self.observations: list[tuple[int, Region, bool]] = []  # (version, region, rejected): for `load`
        # drafts written with feedback and not chosen, by region and context (`context_digest`): a later
        # round chooses among them too (`_draft`)
        self.spare: dict[str, list[list[Note]]] = {}
        self._readings: dict[tuple[str, tuple[object, ...]], torch.Tensor] = {}  # `_generator_nearness`
        self.model, self.timing = model, timing

    @property
    def version(self) -> Version:
        if self.current < 0:
            raise CompositionError("nothing has been filled yet: run the infill first")
        return self.versions[self.current]

    @property
    def touched_tracks(self) -> set[int]:
        """Track positions any round wrote to, plus tracks added to the piece."""
        added = {i for i, t in enumerate(self.base.tracks) if t.source_index < 0}
        return {r.track for v in self.versions for r in v.regions} | {r.track for r in self.regions} | added

    # --- rounds ---
    def infill(self, params: SamplingParams) -> Version:
        """Round 0: fill every requested region (in order of start; each sees the ones before it)."""
        started = time.perf_counter()
        piece = self._write(clear_regions(self.base, self.regions), self.regions, params, len(self.versions),
                            first=True)
        return self._add(Version(len(self.versions), None, "infill", piece, self.regions,
                                 time.perf_counter() - started))

    def regenerate(self, marks: Sequence[Mark], params: SamplingParams,
                   kept: Sequence[Region] | None = None) -> Version:
        """Rewrite the marked stretches of the current version, after learning from them.

        `kept` names the material the songwriter is happy with (default: see the module docstring).
        """
        if not marks:
            raise CompositionError("mark at least one bar to regenerate")
        current = self.version
        regions = merge_regions([self.region_for(m) for m in marks])
        started = time.perf_counter()
        stats = self._learn(current, regions, kept) if self.learning else None
        piece = self._write(clear_regions(current.piece, regions), regions, params, len(self.versions))
        return self._add(Version(len(self.versions), current.number, "regenerate", piece, tuple(regions),
                                 time.perf_counter() - started, stats))

    def undo(self) -> Version:
        """Back to the version the current one was made from."""
        parent = self.version.parent
        if parent is None:
            raise CompositionError(f"version {self.current} is the first one: nothing to undo")
        self.current = parent
        return self.version

    def restore(self, number: int) -> Version:
        """Make version `number` current (the next round starts from it)."""
        self.current = self._checked(number)
        return self.version

    def accept(self) -> LearnStats | None:
        """The songwriter is happy with the current version: learn from the whole interaction, the
        first version of every region as rejected and the current one as kept (Hu et al.'s sample-wise
        loss, Eq. 3), so later regions of the session start closer to their taste."""
        current, first = self.version, self.versions[0]
        if not self.learning or current.number == 0:
            return None
        for region in self.regions:
            for number, rejected in ((first.number, True), (current.number, False)):
                notes = self.region_notes(number, region)
                self.learner.observe(self.versions[number].piece, region, notes, rejected)
                self.observations.append((number, region, rejected))
        return self.learner.learn()

    def reset_learning(self) -> None:
        """Forget what the learner learned in this session (the versions stay)."""
        self.learner.reset()
        self.observations.clear()
        self.spare.clear()

    def export(self, path: Path, number: int | None = None) -> Path:
        """Write a version (default: the current one) as a MIDI file."""
        version = self.version if number is None else self.versions[self._checked(number)]
        write_midi(version.piece, path, self.template, self.touched_tracks)
        return path

    def _checked(self, number: int) -> int:
        if not 0 <= number < len(self.versions):
            raise CompositionError(f"version {number}: this session has versions 0-{len(self.versions) - 1}")
        return number

    # --- regions and material ---
    def region_for(self, mark: Mark) -> Region:
        """The region a mark asks to rewrite: the parts of the filled region it overlaps, else the
        parts its track's instrument maps to."""
        piece = self.version.piece
        if not 0 <= mark.track < len(piece.tracks):
            raise CompositionError(f"mark on track {mark.track + 1}: the piece has tracks 1-{len(piece.tracks)}")
        if not (0 <= mark.start_beat < mark.end_beat <= piece.bar_end(piece.bar_count - 1) + 1e-9):
            raise CompositionError(f"mark at beats {mark.start_beat:g}-{mark.end_beat:g}: outside the piece "
                                   f"(beats 0-{piece.bar_end(piece.bar_count - 1):g})")
        if piece.tracks[mark.track].drums:
            raise CompositionError(f"track {mark.track + 1} is a drum track: the model plays no drums")
        for region in self.regions:
            if region.track == mark.track and region.start_beat < mark.end_beat and mark.start_beat < region.end_beat:
                return Region(mark.track, mark.start_beat, mark.end_beat, region.parts)
        parts = target_parts(piece, mark.track, None, None)
        return Region(mark.track, mark.start_beat, mark.end_beat, parts)

    def kept_regions(self, piece: Piece, marked: Sequence[Region]) -> list[Region]:
        """What the songwriter keeps beside each mark (see the module docstring); stretches with notes."""
        def with_notes(regions: Sequence[Region]) -> list[Region]:
            return [r for r in regions if r.start_beat >= 0 and inside(piece.tracks[r.track].notes, r.start_beat, r.end_beat)]

        kept: list[Region] = []
        for region in marked:
            for filled in (r for r in self.regions if r.track == region.track):
                kept += with_notes(_minus(filled, [m for m in marked if m.track == region.track]))
            if not any(k.track == region.track for k in kept):  # no leftover with notes: the music around it
                length = region.end_beat - region.start_beat
                kept += with_notes([
                    dataclasses.replace(region, start_beat=region.start_beat - length, end_beat=region.start_beat),
                    dataclasses.replace(region, start_beat=region.end_beat, end_beat=region.end_beat + length)])
        return list(dict.fromkeys(kept))

    def _learn(self, current: Version, regions: Sequence[Region], kept: Sequence[Region] | None) -> LearnStats | None:
        piece = current.piece
        for region, rejected in [(r, True) for r in regions] + [(k, False) for k in (kept or self.kept_regions(piece, regions))]:
            content = inside(piece.tracks[region.track].notes, region.start_beat, region.end_beat)
            self.learner.observe(piece, region, content, rejected)
            self.observations.append((current.number, region, rejected))
        log.info("feedback remembers %d rejected and %d kept stretches", len(self.learner.rejected),
                 len(self.learner.kept))
        return self.learner.learn()

    def _write(self, piece: Piece, regions: Sequence[Region], params: SamplingParams, round_number: int,
               first: bool = False) -> Piece:
        for index, region in enumerate(regions):
            seed = None if params.seed is None else params.seed + 1000 * round_number + index
            notes = self._draft(piece, region, dataclasses.replace(params, seed=seed), first)
            if self.held is not None:
                notes = [h for h in map(self.held, notes) if inside([h], region.start_beat, region.end_beat)]
            piece = piece.replace_notes(region.track, [*piece.tracks[region.track].notes, *notes])
            log.info("round %d: %d notes in track %d, beats %g-%g", round_number, len(notes), region.track + 1,
                     region.start_beat, region.end_beat)
        return piece

    def _draft(self, piece: Piece, region: Region, params: SamplingParams, first: bool = False) -> list[Note]:
        """The region's notes: one draft; with feedback to go by, the preferred of `candidates` drafts;
        in a fill (`first`) without feedback, the one of `drafts` drafts and the reprises the fill's critic
        prefers (`_nearest`, `fill_critic`). Not when regenerating without feedback: the songwriter asked
        for something other than what the critic chose, and its choice among several drafts is more of the
        same (the simulated user with learning off, 32 pieces: SS 0.175 -> 0.104, IC 5.16 -> 6.02 when
        every round kept the draft nearest JEP-AGA's prediction)."""
        feedback = self.learning and bool(self.learner.rejected) and bool(self.learner.kept)
        settings = self.learner.settings
        if first and not feedback and (settings.drafts > 1 or settings.reprises > 0) \
                and (critic := self.fill_critic()) is not None:
            return self._nearest(piece, region, params, critic)
        if not feedback or settings.candidates == 1:  # one draft (another only if it is silent)
            return write_drafts(self.infiller, piece, region, params, 1, 0)[-1]
        kept = min(settings.kept_drafts, settings.candidates - 1) if self.kept_infiller is not None else 0
        written = write_drafts(self.infiller, piece, region, params, settings.candidates - kept, settings.candidate_notes)
        if kept and self.kept_infiller is not None:  # as the kept material would go here (`kept_drafts`), seeds of their own
            moved = params if params.seed is None else dataclasses.replace(params, seed=params.seed + 500)
            written += write_drafts(self.kept_infiller, piece, region, moved, kept, settings.candidate_notes)
        key = context_digest(piece, region)
        pool = [*written, *self.spare.get(key, [])]  # this round's drafts, then the ones not shown before
        scores = self.learner.preferences(piece, region, pool)
        if isinstance(self.learner, JepaLearner) and settings.choose == "kept+generator":
            scores = _rank_sum(scores, self._generator_nearness(piece, region, key, pool))
        # silence last (as `ranked_candidates`); stable: this round's first on ties
        ranked = sorted(range(len(pool)), key=lambda i: (not pool[i], -scores[i]))
        self.spare[key] = [pool[i] for i in ranked[1 : 1 + SPARE_DRAFTS]]  # the best of the rest, best first
        return pool[ranked[0]]

    def _generator_nearness(self, piece: Piece, region: Region, key: str, pool: Sequence[list[Note]]) -> list[float]:
        """Cosine between each draft and the kept material heard in the region (`agent.compose.piece.heard_here`),
        read by the frozen generator: the mean of its final hidden states over the region's events
        (`agent.compose.infill.region_reading`). A draft's reading is kept while it waits in the pool (`_readings`)."""
        assert isinstance(self.learner, JepaLearner)

        def reading(notes: Sequence[Note]) -> torch.Tensor:
            return region_reading(self.model, self.timing, piece, region, notes)

        kept = torch.stack([reading(heard_here(m.notes, m.region, region)) for m in self.learner.kept]).mean(dim=0)
        readings: dict[tuple[str, tuple[object, ...]], torch.Tensor] = {}
        for notes in pool:
            name = (key, material_key(region, notes))
            known = self._readings.get(name)
            readings[name] = known if known is not None else reading(notes)
        self._readings = readings
        return [float(torch.nn.functional.cosine_similarity(readings[(key, material_key(region, n))], kept, dim=0))
                for n in pool]

    def fill_critic(self) -> Distances | None:
        """How a fill ranks its candidates (lower is preferred; `LearnerSettings.critic`): the generator's
        surprise at the track's next notes after each, or the distance to JEP-AGA's prediction (None
        without its encoders: one draft)."""
        if self.learner.settings.critic == "prediction":  # LearnerSettings checks it is one of CRITICS
            return self.learner.distances if isinstance(self.learner, JepaLearner) else None
        return lambda p, r, drafts: continuation_surprise(self.model, self.timing, p, r, drafts)

    def _nearest(self, piece: Piece, region: Region, params: SamplingParams, critic: Distances) -> list[Note]:
        """`nearest_draft` with the region's reprises; the candidates not chosen wait in `spare`."""
        settings = self.learner.settings
        found = reprises(piece, region, settings.reprises)
        best, written, rest = nearest_draft(self.infiller, critic, piece, region, params, settings, extra=found)
        log.info("fill of track %d, beats %g-%g: %d drafts, %d reprises; kept %s", region.track + 1, region.start_beat,
                 region.end_beat, written, len(found), "a reprise" if best in found else "a draft")
        if rest:
            self.spare[context_digest(piece, region)] = rest[:SPARE_DRAFTS]
        return best

    def _add(self, version: Version) -> Version:
        self.versions.append(version)
        self.current = version.number
        return version

    def region_notes(self, number: int, region: Region) -> list[Note]:
        """The notes of version `number` inside `region`."""
        piece = self.versions[self._checked(number)].piece
        return inside(piece.tracks[region.track].notes, region.start_beat, region.end_beat)


def write_drafts(infiller: Infiller, piece: Piece, region: Region, params: SamplingParams, count: int,
                 notes_per_4_bars: int, first: list[Note] | None = None) -> list[list[Note]]:
    """Up to `count` drafts of `region` (seeds s, s + 7, ...; `first`, when given, is the first one) while
    their notes stay within `notes_per_4_bars` per 4 bars of region (0: no limit): another draft is written
    only if one like the largest so far fits, so a dense part gets fewer and the time stays bounded. When
    every draft is silent, up to SILENT_RETRIES more are written until one has notes (one draft of a
    POP909 counter or lead part came back empty in 2-3 of 100 held-out fills)."""
    written = [first] if first is not None else []
    budget = notes_per_4_bars * max(1.0, (region.end_beat - region.start_beat) / 16)

    def draft(k: int) -> list[Note]:
        seeded = params if params.seed is None else dataclasses.replace(params, seed=params.seed + 7 * k)
        return infiller.fill(piece, region, seeded)

    for k in range(len(written), count):
        if written and budget and sum(map(len, written)) + max(map(len, written)) > budget:
            break
        written.append(draft(k))
    for k in range(len(written), len(written) + SILENT_RETRIES):  # all silent: asked for music, try again
        if any(written):
            break
        written.append(draft(k))
    return written


def nearest_draft(infiller: Infiller, distances: Distances, piece: Piece, region: Region, params: SamplingParams,
                  settings: LearnerSettings, first: list[Note] | None = None, extra: Sequence[list[Note]] = ()
                  ) -> tuple[list[Note], int, list[list[Note]]]:
    """(the candidate for `region` the critic prefers, how many drafts were written, the other candidates,
    preferred first). Candidates: up to `settings.drafts` drafts (seeds s, s + 7, ...; `first`, when given,
    is the first one), while their notes stay within `settings.draft_notes` per 4 bars (a dense part gets
    fewer drafts: a 4-bar fill in about a second), and `extra` (reprises: `agent.compose.reprise`); the
    one with the least `distances` is kept (`CompositionSession.fill_critic`; docs/compose.md, "Figures,
    issue 14, fifth version", compares the critics)."""
    written = write_drafts(infiller, piece, region, params, settings.drafts, settings.draft_notes, first)
    best, rest = ranked_candidates(distances, piece, region, [*written, *(e for e in extra if e not in written)])
    return best, len(written), rest


def ranked_candidates(distances: Distances, piece: Piece, region: Region, candidates: Sequence[list[Note]]
                      ) -> tuple[list[Note], list[list[Note]]]:
    """(the candidate with the least `distances`, the others by distance; ties keep their order). An
    empty candidate comes after every one with notes: asked to fill a region, the session does not hand
    back silence while it has music for it (the continuation critic kept an empty draft in 2 of 100
    held-out fills of seed 4, where the real region had 2 and 28 notes)."""
    if len(candidates) == 1:
        return candidates[0], []
    measured = distances(piece, region, list(candidates))
    ranked = sorted(range(len(candidates)), key=lambda i: (not candidates[i], measured[i]))
    return candidates[ranked[0]], [candidates[i] for i in ranked[1:]]


def _rank_sum(*scores: Sequence[float]) -> list[float]:
    """Each item's ranks under every score, summed (higher is better; ties keep their order)."""
    total = [0.0] * len(scores[0])
    for values in scores:
        for rank, i in enumerate(sorted(range(len(values)), key=values.__getitem__)):
            total[i] += rank
    return total


def context_digest(piece: Piece, region: Region) -> str:
    """A digest of `region` and of everything in `piece` outside it: drafts of the region written in
    one context are offered again only in the same context."""
    rows = sorted((i, round(n.beat, 6), round(n.dur_beats, 6), n.pitch, n.velocity, int(n.part))
                  for i, t in enumerate(piece.tracks) for n in t.notes
                  if not (i == region.track and region.start_beat - 1e-9 <= n.beat < region.end_beat - 1e-9))
    head = (region.track, round(region.start_beat, 6), round(region.end_beat, 6), tuple(int(p) for p in region.parts))
    return hashlib.sha1(repr((head, rows)).encode()).hexdigest()


def _minus(region: Region, cuts: Sequence[Region]) -> list[Region]:
    """`region` without the stretches in `cuts` (the pieces at least one beat long)."""
    pieces = [(region.start_beat, region.end_beat)]
    for cut in cuts:
        pieces = [part for lo, hi in pieces for part in ((lo, min(hi, cut.start_beat)), (max(lo, cut.end_beat), hi))]
    return [dataclasses.replace(region, start_beat=lo, end_beat=hi) for lo, hi in pieces if hi - lo >= 1.0 - 1e-9]
