"""patches/OSC.md and agent/wire/osc.py describe the same contract: addresses, argument names, types, order."""

from __future__ import annotations

import re
from pathlib import Path

from agent.wire.osc import INBOUND, OUTBOUND

OSC_MD = Path(__file__).resolve().parent.parent / "patches" / "OSC.md"
_ROW = re.compile(r"^\| `(/[^`]+)` \|([^|]*)\|")


def _table(heading: str) -> dict[str, str]:
    """address -> argument list of the first table under `## heading`."""
    text = OSC_MD.read_text().split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in text.splitlines():
        match = _ROW.match(line)
        if match and match.group(1) not in rows:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def test_inbound_table_matches_code() -> None:
    documented = _table("Into the agent")
    coded = {address: spec.signature() for address, (spec, _) in INBOUND.items()}
    assert documented == coded


def test_outbound_table_matches_code() -> None:
    documented = _table("Out of the agent")
    coded = {address: spec.signature() for address, (spec, _) in OUTBOUND.items()}
    assert documented == coded


def test_version_one_addresses_and_orders_are_kept() -> None:
    """The issue's contract (version 1): these must never change, whatever else is added."""
    required_in = {
        "/transport/play": "", "/transport/stop": "", "/transport/tempo": "f bpm",
        "/transport/timesig": "i numerator, i denominator", "/playhead": "f beat",
        "/chord": "f beat, f dur_beats, s symbol", "/chords/clear": "",
        "/note": "f beat, i pitch, i velocity, f dur_beats", "/note/on": "f beat, i pitch, i velocity",
        "/note/off": "f beat, i pitch", "/agent/instruments": "i program, ...", "/agent/set": "s name, value",
        "/agent/panic": "", "/agent/hello": "i port",
    }
    required_out = {
        "/note": "i id, f beat, i pitch, i velocity, f dur_beats, i channel", "/note/cancel": "i id",
        "/agent/allnotesoff": "", "/agent/error": "s message",
    }
    assert {a: INBOUND[a][0].signature() for a in required_in} == required_in
    assert {a: OUTBOUND[a][0].signature() for a in required_out} == required_out
    assert OUTBOUND["/agent/status"][0].signature().startswith("s state, ")


def test_only_i_f_s_on_the_wire() -> None:
    for spec, _ in (*INBOUND.values(), *OUTBOUND.values()):
        assert all(arg.kind in ("i", "f", "s", "ifs") for arg in spec.args), spec.address
