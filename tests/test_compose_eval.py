"""The infill-quality figures of compose-eval: histogram overlaps, cases, the copy baselines."""

from __future__ import annotations

import math

import numpy as np

from agent.compose.evaluate import Case, candidate_regions, copy_shifted, duration_histogram, overlap, quality
from agent.compose.piece import Piece, Region, Track
from agent.music.chords import parse_symbol
from agent.music.events import ChordSpan, Note, Part


def test_overlap_is_histogram_intersection() -> None:
    a, b = np.array([1.0, 1.0, 0.0]), np.array([0.0, 2.0, 2.0])
    assert overlap(a, a) == 1.0 and overlap(a, b) == 0.5 and overlap(a, np.array([0.0, 0.0, 5.0])) == 0.0
    assert overlap(a, np.zeros(3)) == 0.0 and math.isnan(overlap(np.zeros(3), np.zeros(3)))
    assert duration_histogram([Note(0.0, 20.0, 60, 80)])[96] == 1.0  # clipped to the longest duration


def _piece() -> Piece:
    riff = [(0.0, 60), (1.0, 64), (2.0, 67), (3.0, 64)]
    notes = tuple(Note(4.0 * bar + b, 1.0, p + (12 if bar >= 8 else 0), 80, Part.LEAD)
                  for bar in range(12) if bar not in (5, 6) for b, p in riff)
    chords = tuple(ChordSpan(4.0 * i, 4.0, parse_symbol("C")) for i in range(12))  # type: ignore[arg-type]
    return Piece((Track("lead", 73, 0, notes, Part.LEAD),), tuple(4.0 * i for i in range(12)), (4, 4), chords, 48.0)


def test_cases_need_notes_before_in_and_after_the_region() -> None:
    regions = candidate_regions(_piece(), 2)
    starts = [r.start_beat for r, _ in regions]
    assert all(length == 8.0 for _, length in regions)
    assert 8.0 in starts and 12.0 not in starts and 20.0 not in starts  # bars 6-7 are empty


def test_copying_the_past_overlaps_the_past_fully() -> None:
    piece = _piece()
    case = Case("toy", piece, Region(0, 24.0, 32.0, (Part.LEAD,)), 8.0)
    copied = copy_shifted(case.past, 8.0)
    figures = quality(copied, case.past, case.future, case)
    assert figures["PD_p"] == 1.0 and figures["DD_p"] == 1.0 and figures["CD_p"] == 1.0
    assert figures["PD_f"] < 0.5  # the future is an octave up
    silent = quality([], case.past, case.future, case)
    assert silent["PD_p"] == 0.0 and silent["CD_f"] == 0.0


def test_the_interval_over_pieces_brackets_the_figure() -> None:
    from agent.compose.simulated_user import FeedbackResult, summarise_feedback

    def result(distances: list[float]) -> FeedbackResult:
        found = FeedbackResult()
        found.distances = {"model": distances, "features": distances}
        return found

    tests, groups = [], []
    for piece, (on, off) in enumerate([(0.5, 0.95), (0.7, 0.95), (0.85, 0.97), (0.6, 0.9)]):
        for k in range(3):
            tests.append({"on": result([1.0, 0.95, on - 0.01 * k]), "off": result([1.0, 0.98, off])})
            groups.append(piece)
    figures = summarise_feedback(tests, 2, 0.1, groups=groups, resamples=300)
    row = figures["systems"]["on"]["features"]
    low, high = row["ci"]["ius"]
    assert low <= row["ius"] <= high and low < high
    low, high = row["ci"]["ric"]
    assert low <= row["ric"] <= high
    assert "ci" not in figures["systems"]["off"]["features"]
    assert figures["systems"]["off"]["features"]["unreachable"] == 0
    tests[0]["off"].distances["features"] = [0.0, 0.1, 0.0]  # round 0 was the kept part itself
    figures = summarise_feedback(tests, 2, 0.1, groups=groups, resamples=10)
    assert figures["systems"]["off"]["features"]["unreachable"] == 1 and figures["systems"]["off"]["model"]["unreachable"] == 0
