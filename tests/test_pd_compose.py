"""[sideman-compose] in real headless Pd 0.53 against a running agent with a model: fill a [text] region,
regenerate a mark (every other line untouched), undo, and an agent error shown; plus the committed
abstraction is what make_compose_patches.py writes and its OSC addresses are the contract's."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import threading
from pathlib import Path
from types import ModuleType

import pytest
from agent_process import ROOT, AgentProcess, free_udp_port, require_binary
from compose_fakes import PROGRESSION, toy_model

from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import save_checkpoint
from agent.wire import compose_osc

PD_DIR = ROOT / "patches" / "pd"
Line = tuple[float, int, int, int, float]


def load_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_compose_patches", PD_DIR / "make_compose_patches.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKER = load_maker()


def test_committed_abstraction_is_generated() -> None:
    assert (PD_DIR / "sideman-compose.pd").read_text() == MAKER.abstraction().text(), \
        "run python patches/pd/make_compose_patches.py"
    assert (PD_DIR / "sideman-compose-help.pd").read_text() == MAKER.help_patch().text()


def test_osc_addresses_are_the_contracts() -> None:
    text = (PD_DIR / "sideman-compose.pd").read_text()
    sent = {"/" + "/".join(m.split()) for m in re.findall(r"oscformat(?: -f [a-z]+)? ([a-z_ ]+);", text)}
    assert sent == set(compose_osc.INBOUND) - {"/compose/chord"} | {"/agent/hello"}
    routed = re.findall(r"route begin result done error;", text)
    assert routed and {"/compose/begin", "/compose/result", "/compose/done", "/compose/error"} <= set(
        compose_osc.OUTBOUND)


def song_lines() -> list[Line]:
    """12 bars: piano chords throughout (track 1), a bass (track 2) except bars 4-7 (the region to fill)."""
    lines: list[Line] = []
    for bar in range(12):
        lines += [(4.0 * bar, 1, p + 12, 80, 3.5) for p in PROGRESSION[bar % 4]]
        if not 4 <= bar < 8:
            lines.append((4.0 * bar, 2, PROGRESSION[bar % 4][0] - 12, 90, 2.0))
    return lines


# The user's patch: [text define song] read from song.txt, [sideman-compose], and on each `done` the next
# step: print the text (`dump: ...`), then mark + regenerate, undo, restore a version that does not exist.
SCRIPT = r"""#N canvas 0 50 900 700 12;
#X obj 20 20 r go;
#X obj 600 20 text define song;
#X obj 600 80 loadbang;
#X msg 600 50 read song.txt;
#X msg 20 60 listen \$2 \, connect 127.0.0.1 \$1 \, clear \, song 4 4 48 \, track 1 0 Piano \, track 2 33 Bass \, track 3 128 Drums \, context \, region 2 16 32 \, fill;
#X obj 20 300 sideman-compose -1 -1 song;
#X obj 20 340 t a a;
#X obj 250 380 print compose;
#X obj 20 380 route done error;
#X obj 20 410 t b b;
#X obj 20 440 f;
#X obj 60 440 + 1;
#X obj 20 470 sel 1 2 3;
#X msg 20 500 mark 2 20 24 \, regenerate;
#X msg 150 500 undo;
#X msg 220 500 restore 99;
#X obj 300 410 text tolist song;
#X obj 300 440 print dump;
#X obj 450 380 t b b;
#X msg 450 500 \; pd quit;
#X obj 600 120 delay 90000;
#X connect 0 0 4 0;
#X connect 4 0 5 0;
#X connect 5 0 6 0;
#X connect 6 1 7 0;
#X connect 6 0 8 0;
#X connect 8 0 9 0;
#X connect 9 1 16 0;
#X connect 16 0 17 0;
#X connect 9 0 10 0;
#X connect 10 0 11 0;
#X connect 11 0 10 1;
#X connect 11 0 12 0;
#X connect 12 0 13 0;
#X connect 12 1 14 0;
#X connect 12 2 15 0;
#X connect 13 0 5 0;
#X connect 14 0 5 0;
#X connect 15 0 5 0;
#X connect 8 1 18 0;
#X connect 18 1 16 0;
#X connect 18 0 19 0;
#X connect 2 0 3 0;
#X connect 3 0 1 0;
#X connect 0 0 20 0;
#X connect 20 0 19 0;
"""


def dumps(out: str) -> list[list[Line]]:
    """Each `dump:` print of the text, as its lines."""
    found = []
    for line in out.splitlines():
        if line.startswith("dump:"):
            rows = [r.split() for r in line[len("dump:"):].replace("\\", "").split(";") if r.strip()]
            found.append(sorted((float(b), int(float(t)), int(float(p)), int(float(v)), float(d))
                                for b, t, p, v, d in rows))
    return found


@pytest.mark.pd
def test_pd_fills_a_text_region_regenerates_and_undoes(tmp_path: Path) -> None:
    pd = require_binary("pd", "puredata-core")
    model = tmp_path / "toy.safetensors"
    save_checkpoint(model, toy_model(), TimingSettings())
    (tmp_path / "song.txt").write_text("".join(f"{b:g} {t} {p} {v} {d:g};\n" for b, t, p, v, d in song_lines()))
    (tmp_path / "script.pd").write_text(SCRIPT)
    listen = free_udp_port()
    proc = subprocess.Popen([sys.executable, "-m", "agent", "run", "--model", str(model), "--listen", "127.0.0.1:0",
                             "--send", f"127.0.0.1:{free_udp_port()}"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    agent = AgentProcess(proc)
    reader = threading.Thread(target=agent._read, daemon=True)
    reader.start()
    try:
        assert agent.ready.wait(60) and agent.port, agent.log()
        run = subprocess.run([pd, "-nogui", "-noaudio", "-nomidi", "-stderr", "-noprefs", "-path", str(PD_DIR),
                              "-open", str(tmp_path / "script.pd"), "-send", f"go {agent.port} {listen}"],
                             capture_output=True, text=True, timeout=120, check=False)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        reader.join(timeout=5)
        if proc.stderr is not None:
            proc.stderr.close()
    out = run.stderr + run.stdout
    assert run.returncode == 0, out
    assert not re.search(r"couldn't create|error:|no method|sideman-compose-unknown", out), out
    texts = dumps(out)
    assert len(texts) == 4, out  # fill, regenerate, undo, and the error
    context = sorted(song_lines())
    filled, regenerated, undone, last = texts

    def region(lines: list[Line], lo: float, hi: float) -> list[Line]:
        return [x for x in lines if x[1] == 2 and lo <= x[0] < hi]

    # fill: bass notes now in beats 16..32; every other line exactly as it was
    assert region(filled, 16, 32), out
    assert [x for x in filled if not (x[1] == 2 and 16 <= x[0] < 32)] == context
    # regenerate 20..24: every line outside the mark untouched
    assert [x for x in regenerated if not (x[1] == 2 and 20 <= x[0] < 24)] == \
        [x for x in filled if not (x[1] == 2 and 20 <= x[0] < 24)]
    assert region(regenerated, 20, 24) != region(filled, 20, 24)
    # undo: the filled version back
    assert undone == filled
    # restore 99: the agent's error is shown, the text untouched
    assert last == undone
    assert re.search(r"compose: error \d+ version 99", out.replace("\\", "")), out
    assert "compose: done 0" in out and "compose: done 1" in out
