"""The part-name parser every entry point uses (config, /agent/set, sideman infill, bench-model)."""

from __future__ import annotations

import pytest

from agent.music.events import Part, parse_part, parse_parts


def test_parse_part_takes_any_case_and_names_the_known_parts() -> None:
    assert parse_part("Bass") is Part.BASS and parse_part(" lead ") is Part.LEAD
    for bad in ("drums", "human", "", "BASS2"):
        with pytest.raises(ValueError, match=r"unknown part .*known: lead, counter, comp, bass"):
            parse_part(bad)


def test_parse_parts_lists_without_repeats_and_none_is_silence() -> None:
    assert parse_parts("comp,bass") == (Part.COMP, Part.BASS)
    assert parse_parts("lead comp, lead") == (Part.LEAD, Part.COMP)
    assert parse_parts("") == () and parse_parts("None") == ()
    with pytest.raises(ValueError, match="unknown part 'piano'"):
        parse_parts("comp,piano")
