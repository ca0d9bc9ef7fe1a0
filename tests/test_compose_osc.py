"""Composition over OSC: the contract section of patches/OSC.md, exact datagrams, the service."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from compose_fakes import PROGRESSION, toy_model

from agent.compose.service import ComposeService
from agent.live.generator import SamplingParams
from agent.model.anticipation import TimingSettings
from agent.wire import compose_osc as C

OSC_MD = Path(__file__).resolve().parent.parent / "patches" / "OSC.md"
_ROW = re.compile(r"^\| `(/[^`]+)` \|([^|]*)\|")


def _table(heading: str) -> dict[str, str]:
    text = OSC_MD.read_text().split(f"### {heading}\n", 1)[1].split("\n#", 1)[0]
    return {m.group(1): m.group(2).strip() for line in text.splitlines() if (m := _ROW.match(line))}


def test_the_composition_tables_match_patches_osc_md() -> None:
    assert _table("Composition: into the agent") == {a: s.signature() for a, (s, _) in C.INBOUND.items()}
    assert _table("Composition: out of the agent") == {a: s.signature() for a, (s, _) in C.OUTBOUND.items()}
    for spec, _ in (*C.INBOUND.values(), *C.OUTBOUND.values()):
        assert all(arg.kind in "ifs" for arg in spec.args)


def test_exact_datagrams_both_ways() -> None:
    datagram = C.encode(C.RegionIn(2, 16.0, 32.0))
    assert datagram == (b"/compose/region\x00" b",iff\x00\x00\x00\x00" b"\x00\x00\x00\x02" b"\x41\x80\x00\x00"
                        b"\x42\x00\x00\x00")
    assert C.decode(datagram) == ([C.RegionIn(2, 16.0, 32.0)], [])
    out = C.encode(C.Done(7, 1, 0.5))
    assert out == (b"/compose/done\x00\x00\x00" b",iif\x00\x00\x00\x00" b"\x00\x00\x00\x07" b"\x00\x00\x00\x01"
                   b"\x3f\x00\x00\x00")
    assert C.decode(out, C.OUTBOUND) == ([C.Done(7, 1, 0.5)], [])


@pytest.mark.parametrize("message, words", [
    (C.encode(C.NoteIn(65, 0.0, 60, 90, 1.0)), "track 65 is out of range 1..64"),
    (C.encode(C.RegionIn(1, 4.0, 0.0)), "end_beat 0 is out of range"),
    (b"/compose/fill\x00\x00\x00,s\x00\x00now\x00", "request must be a number"),
])
def test_bad_messages_are_named(message: bytes, words: str) -> None:
    messages, errors = C.decode(message)
    assert not messages and words in str(errors[0])


def send(service: ComposeService, *messages: Any) -> list[Any]:
    """Through the codec, as a client would send them."""
    replies = []
    for message in messages:
        decoded, errors = C.decode(C.encode(message))
        assert not errors
        replies += service.handle(decoded[0])
    return replies


@pytest.fixture
def service() -> ComposeService:
    made = ComposeService(toy_model(), TimingSettings(), SamplingParams(seed=4))
    send(made, C.SongIn(4, 4, 48.0), C.TrackIn(1, 0, "Piano"), C.TrackIn(2, 33, "Bass"), C.TrackIn(3, 128, "Drums"))
    for bar in range(12):
        send(made, *[C.NoteIn(1, 4.0 * bar, p + 12, 80, 3.5) for p in PROGRESSION[bar % 4]])
        if not 4 <= bar < 8:
            send(made, C.NoteIn(2, 4.0 * bar, PROGRESSION[bar % 4][0] - 12, 90, 2.0))
    return made


def results(replies: list[Any]) -> dict[tuple[int, float, float], list[C.ComposeNoteOut]]:
    """Replies checked for shape: begin, (result, its notes)*, done; notes per region."""
    assert isinstance(replies[0], C.Begin) and isinstance(replies[-1], C.Done)
    regions: dict[tuple[int, float, float], list[C.ComposeNoteOut]] = {}
    index = 1
    while index < len(replies) - 1:
        head = replies[index]
        assert isinstance(head, C.RegionOut)
        notes = replies[index + 1 : index + 1 + head.notes]
        assert all(isinstance(n, C.ComposeNoteOut) and n.track == head.track for n in notes)
        regions[(head.track, head.start_beat, head.end_beat)] = notes
        index += 1 + head.notes
    assert len(regions) == replies[0].regions
    return regions


def test_fill_regenerate_undo_over_osc(service: ComposeService) -> None:
    assert C.heavy(C.Fill(1)) and not C.heavy(C.NoteIn(1, 0.0, 60, 90, 1.0))
    first = results(send(service, C.RegionIn(2, 16.0, 32.0), C.Fill(1)))
    assert list(first) == [(2, 16.0, 32.0)]
    notes = first[(2, 16.0, 32.0)]
    assert notes and all(16.0 <= n.beat < 32.0 and n.beat + n.dur_beats <= 32.0 + 1e-6 for n in notes)
    second = results(send(service, C.MarkIn(2, 20.0, 24.0), C.Regenerate(2)))
    assert list(second) == [(2, 20.0, 24.0)]
    assert [n for n in second[(2, 20.0, 24.0)]] != [n for n in notes if 20.0 <= n.beat < 24.0]
    back = send(service, C.Undo(3))
    assert back[0] == C.Begin(3, 0, 1)
    assert results(back)[(2, 16.0, 32.0)] == [dataclasses.replace(n, request=3) for n in notes]
    assert send(service, C.Restore(4, 1))[0] == C.Begin(4, 1, 1)
    assert send(service, C.ResetLearning()) == [] and not service._session().learner.active


@pytest.mark.parametrize("messages, words", [
    ([C.NoteIn(9, 0.0, 60, 90, 1.0)], "track 9 was not declared"),
    ([C.RegionIn(3, 0.0, 4.0)], "drums"),
    ([C.Fill(5)], "name the regions to fill first"),
    ([C.Regenerate(6)], "nothing has been filled yet"),
    ([C.Undo(7)], "nothing has been filled yet"),
    ([C.ComposeChordIn(0.0, 4.0, "H7")], "expected a root"),
])
def test_bad_requests_get_compose_errors(service: ComposeService, messages: list[Any], words: str) -> None:
    reply = send(service, *messages)[-1]
    assert isinstance(reply, C.ErrorOut) and words in reply.message
    assert reply.request == getattr(messages[-1], "request", -1)


def test_clear_forgets_everything(service: ComposeService) -> None:
    send(service, C.RegionIn(2, 16.0, 20.0), C.Fill(1))
    send(service, C.Clear())
    assert service.session is None and not service.context.tracks
    assert isinstance(send(service, C.Undo(2))[0], C.ErrorOut)


def test_the_codec_is_pure() -> None:
    """A runtime decodes and routes these messages without loading torch (the service loads it)."""
    import ast

    tree = ast.parse((Path(C.__file__)).read_text())
    imported = {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not imported & {"torch", "socket", "asyncio", "threading"}


def test_the_endpoint_answers_in_order_off_the_caller_thread(tmp_path: Path) -> None:
    import threading

    from agent.compose.endpoint import ComposeEndpoint
    from agent.model.checkpoint import save_checkpoint

    model = tmp_path / "toy.safetensors"
    save_checkpoint(model, toy_model(), TimingSettings())
    sent: list[Any] = []
    threads: set[str] = set()

    def call_soon(callback: Any) -> None:
        threads.add(threading.current_thread().name)
        callback()

    endpoint = ComposeEndpoint(model, sent.extend, call_soon)
    messages = [C.SongIn(4, 4, 16.0), C.TrackIn(1, 33, "Bass"), C.NoteIn(1, 0.0, 36, 90, 1.0),
                C.RegionIn(1, 4.0, 12.0), C.Fill(9)]
    futures = [endpoint.submit(m) for m in messages]
    futures[-1].result(timeout=60)
    endpoint.close()
    assert isinstance(sent[0], C.Begin) and sent[0].request == 9 and isinstance(sent[-1], C.Done)
    assert threads == {"compose_0"}
    nobody: list[Any] = []
    without = ComposeEndpoint(None, nobody.extend, lambda callback: callback())
    without.submit(C.Fill(3)).result(timeout=10)
    without.close()
    assert nobody == [C.ErrorOut(3, "composition needs a model: start the agent with --model PATH")]


def test_a_running_agent_serves_composition_over_udp(tmp_path: Path) -> None:
    """The runtime routes /compose/* to the endpoint and sends its replies, beside the live contract."""
    import socket

    from agent.app import AgentThread
    from agent.config import Config, override
    from agent.live.fallback import FallbackGenerator
    from agent.model.checkpoint import save_checkpoint

    model = tmp_path / "toy.safetensors"
    save_checkpoint(model, toy_model(), TimingSettings())
    patch = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    patch.bind(("127.0.0.1", 0))
    patch.settimeout(30.0)
    config = override(Config(), "net", {"listen_port": 0, "send_port": patch.getsockname()[1]})
    agent = AgentThread(override(config, "model_path", str(model)), FallbackGenerator())
    address = agent.start()
    try:
        for message in (C.TrackIn(1, 33, "Bass"), C.NoteIn(1, 0.0, 36, 90, 1.0), C.NoteIn(1, 12.0, 36, 90, 1.0),
                        C.RegionIn(1, 4.0, 12.0), C.Fill(21)):
            patch.sendto(C.encode(message), address)
        replies: list[Any] = []
        while not any(isinstance(r, (C.Done, C.ErrorOut)) for r in replies):
            data = patch.recv(65535)
            if data.startswith(b"/compose/"):
                replies += C.decode(data, C.OUTBOUND)[0]
    finally:
        agent.stop()
        patch.close()
    assert replies[0] == C.Begin(21, 0, 1) and isinstance(replies[-1], C.Done)
    assert all(4.0 <= r.beat < 12.0 for r in replies if isinstance(r, C.ComposeNoteOut))


def test_learning_outlives_a_new_fill_until_clear(service: ComposeService) -> None:
    send(service, C.RegionIn(2, 16.0, 24.0), C.Fill(1), C.MarkIn(2, 16.0, 20.0), C.Regenerate(2))
    learner = service._session().learner
    assert learner.rejected
    replies = send(service, C.RegionIn(2, 24.0, 32.0), C.Fill(3))
    assert replies[0] == C.Begin(3, 0, 1) and service._session().learner is learner
    send(service, C.Clear())
    assert service.session is None


def describe(service: ComposeService) -> None:
    """The set as the Max device sends it before every Fill (after /compose/clear_context)."""
    send(service, C.SongIn(4, 4, 48.0), C.TrackIn(1, 0, "Piano"), C.TrackIn(2, 33, "Bass"))
    for bar in range(12):
        send(service, *[C.NoteIn(1, 4.0 * bar, p + 12, 80, 3.5) for p in PROGRESSION[bar % 4]])


def test_learning_outlives_clear_context_and_a_fill_until_reset(service: ComposeService) -> None:
    """The device's Fill: /compose/clear_context, the whole set again, the regions, /compose/fill."""
    send(service, C.RegionIn(2, 16.0, 24.0), C.Fill(1), C.MarkIn(2, 16.0, 20.0), C.Regenerate(2))
    learner = service._session().learner
    taught = (len(learner.rejected), len(learner.kept), learner.rounds)
    assert taught[0] and taught[1] and learner.active
    send(service, C.ClearContext())
    assert not service.context.tracks and not service.context.notes
    assert service._session().current == 1  # the versions stay until the next fill
    describe(service)
    replies = send(service, C.RegionIn(2, 24.0, 32.0), C.Fill(3))
    assert replies[0] == C.Begin(3, 0, 1)
    assert service._session().learner is learner and learner.active  # the marks' lesson went on
    assert (len(learner.rejected), len(learner.kept), learner.rounds) == taught
    assert len(service.context.notes[1]) == 36  # the context was replaced, not added to
    send(service, C.ResetLearning())
    assert not learner.active and not learner.rejected and not learner.kept
    send(service, C.MarkIn(2, 24.0, 28.0), C.Regenerate(4))
    assert learner.rejected  # learning starts again from the next marks


def test_a_failed_fill_leaves_the_session_as_it_was(service: ComposeService) -> None:
    send(service, C.RegionIn(2, 16.0, 24.0), C.Fill(1))
    session, ids = service._session(), list(service.track_ids)
    send(service, C.ClearContext(), C.TrackIn(5, 80, "Lead"), C.RegionIn(5, 0.0, 4.0))
    reply = send(service, C.TrackIn(5, 128, "Drums"), C.Fill(2))[-1]  # the region's track became drums
    assert isinstance(reply, C.ErrorOut) and reply.request == 2 and "drums" in reply.message, reply
    assert service.session is session and service.track_ids == ids


def client_applies(held: dict[int, list[tuple[float, int, int, float]]], replies: list[Any]) -> None:
    """What the Max device does with an answer, on the values it decoded: each region's notes replace the
    notes of its track starting in [start_beat, end_beat)."""
    decoded = [C.decode(C.encode(r), C.OUTBOUND)[0][0] for r in replies]
    for region, notes in results(decoded).items():
        track, start, end = region
        kept = [n for n in held.get(track, []) if not start <= n[0] < end]
        held[track] = sorted(kept + [(n.beat, n.pitch, n.velocity, n.dur_beats) for n in notes])


def test_a_restored_version_is_what_the_client_held(service: ComposeService) -> None:
    """Marks start exactly at a note the client holds (a selected note's start): the agent must agree
    that the note lies in the mark. 18 + 7/12 beats arrives as 18.58333397 (float32, 6e-7 later); an
    agent keeping 18.58333333 left that note out of the mark, kept it in its version, and brought it
    back on restore although the client had replaced it."""
    held: dict[int, list[tuple[float, int, int, float]]] = {}
    client_applies(held, send(service, C.RegionIn(2, 16.0, 32.0), C.Fill(1)))
    filled = {t: list(ns) for t, ns in held.items()}
    rounded_up = [n for n in held[2] if n[0] > round(n[0] * 12) / 12]  # beats float32 rounded up
    assert len(rounded_up) >= 2, held[2]
    marks = [C.MarkIn(2, n[0], n[0] + n[3] - 0.001) for n in rounded_up[:2]]
    client_applies(held, send(service, *marks, C.Regenerate(2)))
    regenerated = {t: list(ns) for t, ns in held.items()}
    for n in rounded_up[:2]:
        assert n not in regenerated[2]  # the marked note is gone at the client...
    client_applies(held, send(service, C.Undo(3)))
    assert held == filled
    client_applies(held, send(service, C.Restore(4, 1)))
    assert held == regenerated  # ...and stays gone when its version comes back


def test_live_and_compose_share_one_running_agent(tmp_path: Path) -> None:
    """Switching between playing along and composing needs no restart: while a simulated DAW plays a lead
    sheet with the agent, a composing client (the Max device's part) says hello on its own port and fills a
    region; live notes arrive before and after the fill, none late, and the answer arrives."""
    import asyncio
    import socket
    import time

    from agent.app import AgentThread
    from agent.config import Config, override
    from agent.live.fallback import FallbackGenerator
    from agent.model.checkpoint import save_checkpoint
    from agent.music.leadsheet import tiled
    from agent.tools.daw_sim import SimDaw
    from agent.wire.osc import Hello
    from agent.wire.osc import encode as live_encode

    model = tmp_path / "toy.safetensors"
    save_checkpoint(model, toy_model(), TimingSettings())

    def compose(address: tuple[str, int]) -> tuple[float, float, list[Any]]:
        time.sleep(1.5)  # the DAW is playing by now
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            client.bind(("127.0.0.1", 0))
            client.settimeout(30.0)
            client.sendto(live_encode(Hello(client.getsockname()[1])), address)
            messages = [C.Clear(), C.SongIn(4, 4, 16.0), C.TrackIn(1, 0, "Piano"), C.TrackIn(2, 33, "Bass"),
                        *[C.NoteIn(1, 4.0 * bar, p + 12, 80, 3.5) for bar in range(4) for p in PROGRESSION[bar]],
                        C.RegionIn(2, 0.0, 16.0), C.Fill(31)]
            asked = time.monotonic()
            for message in messages:
                client.sendto(C.encode(message), address)
            replies: list[Any] = []
            while not any(isinstance(r, (C.Done, C.ErrorOut)) for r in replies):
                data = client.recv(65535)
                if data.startswith(b"/compose/"):
                    replies += C.decode(data, C.OUTBOUND)[0]
            return asked, time.monotonic(), replies

    async def play() -> tuple[Any, tuple[float, float, list[Any]]]:
        daw = SimDaw(tiled(6), 240.0)
        config = override(Config(), "net", {"listen_port": 0, "send_port": await daw.open()})
        agent = AgentThread(override(config, "model_path", str(model)), FallbackGenerator())
        address = agent.start()
        try:
            report, composed = await asyncio.gather(daw.run(address), asyncio.to_thread(compose, address))
        finally:
            await asyncio.to_thread(agent.stop)
            daw.close()
        return report, composed

    report, (asked, answered, replies) = asyncio.run(play())
    assert replies[0] == C.Begin(31, 0, 1) and isinstance(replies[-1], C.Done), replies[-1]
    played = report.played()
    assert report.late() == 0 and report.errors == []
    assert any(n.arrival_s < asked for n in played) and any(n.arrival_s > answered for n in played)
