"""The transformer, checkpoints and the live model generator, on a tiny random model (the cached
numpy decoder: tests/test_engine.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.config import TimingConfig
from agent.errors import ModelError
from agent.live.generator import GenerationContext, SamplingParams
from agent.model import vocab as V
from agent.model.anticipation import TimingSettings
from agent.model.checkpoint import load_checkpoint, save_checkpoint
from agent.model.live import ModelGenerator, load_generator
from agent.model.network import ModelConfig, MusicTransformer, time_features
from agent.model.tokens import decode, header
from agent.music.chords import parse_symbol
from agent.music.events import ChordSpan, Note, Part

TINY = ModelConfig(n_layer=2, n_head=2, d_model=32)


@pytest.fixture(scope="module")
def tiny() -> MusicTransformer:
    torch.manual_seed(0)
    model = MusicTransformer(TINY)
    model.eval()
    return model


def stream(length: int) -> torch.Tensor:
    """A random token stream with a header and nondecreasing event times, like a real one."""
    body = torch.randint(0, V.VOCAB_SIZE, (length - V.HEADER_LEN,))
    times = (body >= V.EVENT_TIME) & (body < V.EVENT_DUR)
    body[times] = torch.sort(body[times]).values
    head = torch.tensor(header(V.MODE_LIVE, (3, 4), [0, 2, 3], delay_ticks=6, levels={2: 5}))
    return torch.cat([head, body]).unsqueeze(0)


def test_time_features_follow_the_latest_event_time() -> None:
    tokens = torch.tensor([[V.MODE_LIVE, V.METER, V.EVENT_TIME + 5, V.EVENT_DUR, V.CONTROL_TIME + 2, V.EVENT_TIME + 9]])
    assert time_features(tokens).tolist() == [[0, 0, 5, 5, 5, 9]]
    assert time_features(tokens[:, :2], now0=7).tolist() == [[7, 7]]


def test_logits_range_matches_the_full_head(tiny: MusicTransformer) -> None:
    tokens = stream(12)
    chords = torch.full((1, 12), 40)
    with torch.inference_mode():
        full = tiny(tokens, chords)
        h = tiny.hidden(tokens, chords)
        part = tiny.logits_range(h, chords, V.EVENT_DUR, V.REST)
        times = tiny.logits_range(h, chords, V.EVENT_TIME, V.EVENT_NOTE, time_features(tokens))
        with pytest.raises(ValueError, match="current time"):
            tiny.logits_range(h, chords, V.EVENT_TIME, V.EVENT_DUR)
    assert torch.allclose(part, full[..., V.EVENT_DUR : V.REST], atol=1e-5)
    assert torch.allclose(times, full[..., V.EVENT_TIME : V.EVENT_NOTE], atol=1e-5)


def test_checkpoint_round_trip_and_errors(tiny: MusicTransformer, tmp_path: Path) -> None:
    path = tmp_path / "tiny.safetensors"
    save_checkpoint(path, tiny, TimingSettings(4, 1, 1), {"step": 7})
    model, timing, info = load_checkpoint(path)
    assert info["step"] == 7 and timing == TimingSettings(4, 1, 1)
    for a, b in zip(model.parameters(), tiny.parameters(), strict=True):
        assert torch.equal(a, b)
    (tmp_path / "junk.safetensors").write_bytes(b"not a checkpoint")
    with pytest.raises(ModelError, match="junk"):
        load_checkpoint(tmp_path / "junk.safetensors")
    with pytest.raises(ModelError, match="does not exist"):
        load_checkpoint(tmp_path / "missing.safetensors")
    import json

    from safetensors.torch import load_file, save_file

    from agent.model.checkpoint import read_metadata

    meta = read_metadata(path)
    newer = dict(meta, model=json.dumps({**json.loads(meta["model"]), "wings": 2}))
    save_file(load_file(str(path)), str(tmp_path / "newer.safetensors"), metadata=newer)
    with pytest.raises(ModelError, match="model settings this code does not know: wings"):
        load_checkpoint(tmp_path / "newer.safetensors")


def test_load_generator_refuses_a_timing_the_model_cannot_honour(tiny: MusicTransformer, tmp_path: Path) -> None:
    path = tmp_path / "tiny.safetensors"
    save_checkpoint(path, tiny, TimingSettings(4, 1, 1))
    with pytest.raises(ModelError, match="delta1"):
        load_generator(path, TimingConfig(delta1_beats=2.0))


def lead_sheet(bars: int = 12) -> tuple[tuple[ChordSpan, ...], tuple[Note, ...]]:
    symbols = ["C", "Am7", "F", "G7"]
    chords = tuple(ChordSpan(4.0 * i, 4.0, parse_symbol(symbols[i % 4])) for i in range(bars))  # type: ignore[arg-type]
    melody = tuple(Note(float(b), 0.9, 72 + (b % 5), 90) for b in range(bars * 4))
    return chords, melody


def play(generator: ModelGenerator, beats: int, parts: tuple[Part, ...], seed: int = 3) -> list[list[Note]]:
    chords, melody = lead_sheet(beats // 4 + 2)
    own: list[Note] = []
    chunks = []
    for h in range(beats):
        ctx = GenerationContext(
            playhead_beat=h - 1.0, tempo_bpm=120.0, meter=(4, 4), chords=chords,
            human=tuple(n for n in melody if n.beat <= h - 1), own=tuple(own), parts=parts,
            params=SamplingParams(temperature=1.0, top_p=1.0, seed=seed),
        )
        notes = generator.generate(ctx, float(h), h + 1.0)
        chunks.append(notes)
        own.extend(notes)
    return chunks


def test_live_generation_is_grammatical_in_window_and_in_parts(tiny: MusicTransformer) -> None:
    generator = ModelGenerator(tiny, TimingSettings(4, 1, 1))
    chunks = play(generator, 120, (Part.BASS,))  # long enough to force several window rebuilds
    assert generator.rebuilds >= 2
    for h, notes in enumerate(chunks):
        assert all(h <= n.beat < h + 1 and n.part == Part.BASS for n in notes)
    window = generator._window
    assert window is not None
    decode(window.decoder.tokens)  # the whole stream decodes (raises on any bad triplet)
    assert len(window.decoder.tokens) <= V.CONTEXT_LEN
    assert sum(len(c) for c in chunks) > 0


@given(
    seed=st.integers(0, 10_000),
    parts=st.lists(st.sampled_from(list(Part)[:4]), min_size=1, max_size=4, unique=True),
    temperature=st.floats(0.3, 2.0),
    top_p=st.floats(0.1, 1.0),
    guidance=st.floats(-5.0, 5.0),
    chunk=st.sampled_from([0.5, 1.0]),
)
@settings(max_examples=15, deadline=None)
def test_constrained_sampling_always_decodes(seed: int, parts: list[Part], temperature: float, top_p: float,
                                             guidance: float, chunk: float) -> None:
    torch.manual_seed(seed)
    model = MusicTransformer(TINY).eval()  # a fresh random model: the grammar must hold whatever it says
    generator = ModelGenerator(model, TimingSettings(4, 1, 1))
    chords, melody = lead_sheet(6)
    own: list[Note] = []
    h = 0.0
    while h < 16:
        ctx = GenerationContext(playhead_beat=h - 1, tempo_bpm=120.0, meter=(4, 4), chords=chords,
                                human=tuple(n for n in melody if n.beat <= h - 1), own=tuple(own), parts=tuple(parts),
                                params=SamplingParams(temperature, top_p, guidance, seed))
        notes = generator.generate(ctx, h, h + chunk)
        assert all(h <= n.beat < h + chunk and n.part in parts and 0 <= n.pitch < 128 for n in notes)
        own += notes
        h += chunk
    assert generator._window is not None
    decoded = decode(generator._window.decoder.tokens)  # raises on any triplet that does not decode
    assert {Part(n.part) for n in decoded} <= set(parts)


def test_replan_rolls_back_and_is_reproducible(tiny: MusicTransformer) -> None:
    generator = ModelGenerator(tiny, TimingSettings(4, 1, 1))
    chords, melody = lead_sheet()
    def ctx(h: int) -> GenerationContext:
        return GenerationContext(playhead_beat=h - 1.0, tempo_bpm=120.0, meter=(4, 4), chords=chords,
                                 human=tuple(n for n in melody if n.beat <= h - 1), own=(),
                                 parts=(Part.COMP, Part.BASS), params=SamplingParams(seed=11))
    first = [generator.generate(ctx(h), float(h), h + 1.0) for h in range(6)]
    tokens_before = list(generator._window.decoder.tokens)  # type: ignore[union-attr]
    replanned = [generator.generate(ctx(h), float(h), h + 1.0) for h in range(4, 6)]
    assert replanned == first[4:]
    assert generator._window.decoder.tokens == tokens_before  # type: ignore[union-attr]
    generator.reset()
    assert generator._window is None


def test_generator_timing_check_names_the_problem(tiny: MusicTransformer) -> None:
    generator = ModelGenerator(tiny, TimingSettings(4, 1, 1))

    def runtime(d1: float, d2: float, lead_ms: float) -> TimingConfig:
        return TimingConfig(delta1_beats=d1, delta2_beats=d2, lead_ms=lead_ms)

    assert generator.check_timing(runtime(4, 1, 500)) is None
    assert generator.check_timing(runtime(8, 0.5, 500)) is None  # more look-ahead, shorter chunk: fine
    assert "delta1" in (generator.check_timing(runtime(2, 1, 500)) or "")
    # chunk and lead are planned per tempo within the trained delays (agent.live.timing, tests/test_feel.py)
    assert generator.check_timing(runtime(4, 2, 500)) is None


def test_a_gap_filled_by_the_fallback_is_appended_not_rebuilt(tiny: MusicTransformer) -> None:
    generator = ModelGenerator(tiny, TimingSettings(4, 1, 1))
    chords, melody = lead_sheet()
    fallback_note = Note(3.0, 0.5, 40, 80, Part.BASS)

    def ctx(h: int, own: tuple[Note, ...] = ()) -> GenerationContext:
        return GenerationContext(playhead_beat=h - 1.0, tempo_bpm=120.0, meter=(4, 4), chords=chords,
                                 human=tuple(n for n in melody if n.beat <= h - 1), own=own,
                                 parts=(Part.BASS,), params=SamplingParams(seed=2))

    for h in range(3):
        generator.generate(ctx(h), float(h), h + 1.0)
    rebuilds = generator.rebuilds
    generator.generate(ctx(4, (fallback_note,)), 4.0, 5.0)  # chunk [3, 4) was the fallback's
    assert generator.rebuilds == rebuilds
    window = generator._window
    assert window is not None
    assert any(not i.control and i.value == 3 * 128 + 40 and i.time == 36 for i in window.builder.items)
    generator.generate(ctx(40), 40.0, 41.0)  # a long jump forward is a rebuild
    assert generator.rebuilds == rebuilds + 1


def test_a_flood_of_human_notes_never_overflows_the_window(tiny: MusicTransformer) -> None:
    generator = ModelGenerator(tiny, TimingSettings(4, 1, 1))
    chords, _ = lead_sheet()
    flood = tuple(Note(b / 40, 0.1, 40 + b % 60, 90) for b in range(40 * 40))  # 40 notes a beat
    for h in range(4, 40):
        ctx = GenerationContext(playhead_beat=h - 1.0, tempo_bpm=120.0, meter=(4, 4), chords=chords,
                                human=tuple(n for n in flood if n.beat <= h - 1), own=(), parts=(Part.COMP,),
                                params=SamplingParams(seed=h))
        generator.generate(ctx, float(h), h + 1.0)
        window = generator._window
        assert window is not None and len(window.decoder) <= V.CONTEXT_LEN
        heard = [i for i in window.builder.items if i.control and i.value // 128 == V.HUMAN]
        per_beat: dict[int, int] = {}
        for item in heard:
            per_beat[item.time // 12] = per_beat.get(item.time // 12, 0) + 1
        assert max(per_beat.values(), default=0) <= 16


def test_the_header_names_the_runtime_delay_and_activity(tiny: MusicTransformer) -> None:
    """Issue 10: the runtime's chunk + lead picks the human delay and the knobs pick activity levels;
    both go into the header, and a change starts a new window (the header is the window's first tokens)."""
    import dataclasses

    from agent.model.live import KNOB_LEVELS, activity_level

    generator = ModelGenerator(tiny, TimingSettings())
    chords, _melody = lead_sheet(4)
    ctx = GenerationContext(
        playhead_beat=-0.25, tempo_bpm=120.0, meter=(4, 4), chords=chords, human=(), own=(),
        parts=(Part.COMP, Part.BASS), params=SamplingParams(seed=1), human_delay_ticks=3,
        activity=((Part.COMP, 0.9), (Part.LEAD, 0.2)),
    )
    generator.generate(ctx, 0.0, 1 / 6)
    window = generator._window
    assert window is not None
    assert window.decoder.tokens[: V.HEADER_LEN] == header(V.MODE_LIVE, (4, 4), [2, 3], 3, {2: activity_level(0.9, 2)})
    rebuilds = generator.rebuilds
    generator.generate(dataclasses.replace(ctx, human_delay_ticks=5, activity=()), 1 / 6, 2 / 6)
    assert generator.rebuilds == rebuilds + 1  # 5 ticks is not trained: the next longer one, 6
    assert generator._window.decoder.tokens[: V.HEADER_LEN] == header(V.MODE_LIVE, (4, 4), [2, 3], 6)  # type: ignore[union-attr]
    assert 0 <= activity_level(0.0, 2) <= activity_level(0.1, 2) and activity_level(1.0, 2) <= V.ACTIVITY_LEVELS - 1
    assert [activity_level(x / 10, 2) for x in range(11)] == sorted(activity_level(x / 10, 2) for x in range(11))
    for style in ("pop", "folk"):
        for part in (2, 3):  # the anchors: 0.1, 0.6 and 0.9
            assert tuple(activity_level(x, part, style) for x in (0.1, 0.6, 0.9)) == KNOB_LEVELS[style][part]
    assert activity_level(0.9, 2, None) == activity_level(0.9, 2, "pop")  # style unsaid: pop's table
    # the knob's default asks each style's parts for their corpus's median level, never pop's for folk
    assert activity_level(0.6, 2, "folk") < activity_level(0.6, 2, "pop")
    assert activity_level(0.6, 3, "folk") < activity_level(0.6, 3, "pop")


def test_the_knob_s_low_end_is_followed_more_firmly() -> None:
    """Control guidance x1.5 at knob 0.1 and below (the sparsest levels are rare in the data), fading to
    x1 at 0.3; the lowest knob of the parts decides; no knob named, no change."""
    from agent.model.live import SPARSE_GUIDANCE, sparse_boost

    assert sparse_boost([0.1]) == sparse_boost([0.0]) == SPARSE_GUIDANCE == 1.5
    assert sparse_boost([0.3]) == sparse_boost([0.6, 0.9]) == sparse_boost([]) == 1.0
    assert 1.0 < sparse_boost([0.2]) < 1.5
    assert sparse_boost([0.9, 0.1]) == 1.5


def test_the_activity_knob_reads_the_style_s_table(tiny: MusicTransformer) -> None:
    """The same knob value names a lower level in folk than in pop (agent.model.live.KNOB_LEVELS)."""
    from agent.model.live import activity_level

    generator = ModelGenerator(tiny, TimingSettings())
    chords, _melody = lead_sheet(4)
    for style in ("pop", "folk"):
        ctx = GenerationContext(
            playhead_beat=-0.25, tempo_bpm=120.0, meter=(4, 4), chords=chords, human=(), own=(),
            parts=(Part.COMP, Part.BASS), params=SamplingParams(seed=1, style=style), human_delay_ticks=3,
            activity=((Part.COMP, 0.6), (Part.BASS, 0.6)),
        )
        generator.generate(ctx, 0.0, 1 / 6)
        assert generator._window is not None
        levels = {2: activity_level(0.6, 2, style), 3: activity_level(0.6, 3, style)}
        assert generator._window.decoder.tokens[: V.HEADER_LEN] == header(V.MODE_LIVE, (4, 4), [2, 3], 3, levels, style)


@pytest.mark.parametrize("style", ["pop", "folk", "auto"])
def test_the_style_knob_reaches_the_header(tiny: MusicTransformer, style: str) -> None:
    """`/agent/set style` (SamplingParams.style) is named in the mode token; "auto" leaves it unsaid; a
    change of style starts a new window."""
    import dataclasses

    generator = ModelGenerator(tiny, TimingSettings())
    chords, _melody = lead_sheet(4)
    ctx = GenerationContext(
        playhead_beat=-0.25, tempo_bpm=120.0, meter=(4, 4), chords=chords, human=(), own=(),
        parts=(Part.COMP,), params=SamplingParams(seed=1, style=style), human_delay_ticks=4,
    )
    generator.generate(ctx, 0.0, 1 / 6)
    expected = None if style == "auto" else style
    assert generator._window is not None
    assert generator._window.decoder.tokens[0] == V.mode_token(V.MODE_LIVE, expected)
    rebuilds = generator.rebuilds
    other = "folk" if style == "pop" else "pop"
    generator.generate(dataclasses.replace(ctx, params=SamplingParams(seed=1, style=other)), 1 / 6, 2 / 6)
    assert generator.rebuilds == rebuilds + 1
    assert generator._window.decoder.tokens[0] == V.mode_token(V.MODE_LIVE, other)


@given(seed=st.integers(0, 10_000))
@settings(max_examples=15, deadline=None)
def test_a_downbeat_chunk_always_starts_with_a_note(seed: int) -> None:
    """Play or a loop wrap: the chunk must hold a note (constrained decoding), whatever the model says."""
    torch.manual_seed(seed)
    generator = ModelGenerator(MusicTransformer(TINY).eval(), TimingSettings())
    chords, _melody = lead_sheet(4)
    ctx = GenerationContext(playhead_beat=0.0, tempo_bpm=120.0, meter=(4, 4), chords=chords, human=(), own=(),
                            parts=(Part.BASS,), params=SamplingParams(seed=seed), human_delay_ticks=4, downbeat=True)
    notes = generator.generate(ctx, 0.0, 2 / 12)
    assert notes and all(0.0 <= n.beat < 2 / 12 and n.part == Part.BASS for n in notes)


def test_a_start_inside_a_bar_plays_the_bar_s_beginning_unheard(tiny: MusicTransformer,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Play or a seek from inside a bar with nothing played: the model first plays the bar from its
    downbeat into the window (not returned), then the chunk; with notes of its own in the bar, or from the
    downbeat, there is nothing to pre-roll. (`sideman groove` prints what it does to the density.)"""
    import dataclasses

    from agent.model.live import MIN_CARRIED_BEATS
    from agent.model.tokens import beat_ticks

    generator = ModelGenerator(tiny, TimingSettings())
    calls: list[tuple[int, int, bool]] = []
    sampled: list[list[Note]] = []
    original = generator._sample_chunk
    extra: list[Note] = []  # what the pre-roll "plays" besides the model's own choice (the tiny model rests)

    def spy(window: Any, params: SamplingParams, start: int, end: int, downbeat: bool = False) -> list[Note]:
        calls.append((start, end, downbeat))
        sampled.append(original(window, params, start, end, downbeat) + (extra if not calls[1:] else []))
        return sampled[-1]

    monkeypatch.setattr(generator, "_sample_chunk", spy)
    chords, _melody = lead_sheet(4)
    ctx = GenerationContext(playhead_beat=2.5, tempo_bpm=120.0, meter=(4, 4), chords=chords, human=(), own=(),
                            parts=(Part.COMP, Part.BASS), params=SamplingParams(seed=1, temperature=1.0, top_p=1.0),
                            human_delay_ticks=4, downbeat=True)
    held_chord = Note(0.0, 4.0, 60, 80, Part.COMP)  # sounds through the start: struck there for 1.5 beats
    short = Note(1.0, 1.5 + MIN_CARRIED_BEATS, 40, 80, Part.BASS)  # ends too soon after the start to strike
    for pre in ([], [held_chord, short]):
        extra[:] = pre
        generator.reset()
        calls.clear()
        sampled.clear()
        notes = generator.generate(ctx, 2.5, 3.0)
        assert calls[0] == (0, beat_ticks(2.5), False)  # the bar from its downbeat, first, unheard
        held = [dataclasses.replace(n, beat=2.5, dur_beats=n.beat + n.dur_beats - 2.5) for n in sampled[0]
                if n.beat + n.dur_beats > 2.5 + MIN_CARRIED_BEATS]
        assert held == ([Note(2.5, 1.5, 60, 80, Part.COMP)] if extra else [])
        # what the pre-roll left sounding is struck at the start and stands for the chunk's first note
        # (else the chunk must begin with one of its own); nothing else of it is played
        assert calls[1] == (beat_ticks(2.5), beat_ticks(3.0), not held)
        assert notes == held + sampled[1]
        assert notes and all(2.5 <= n.beat < 3.0 for n in notes)
    # nothing to pre-roll: notes of its own in the bar, a start on the downbeat, or a window rebuilt during
    # a take (not the runtime's downbeat chunk: a part that chose silence is not made to strike mid-bar)
    for own, start, downbeat in (((Note(0.0, 2.0, 40, 80, Part.BASS),), 2.5, True), ((), 4.0, True),
                                 ((), 2.5, False)):
        generator.reset()
        calls.clear()
        generator.generate(dataclasses.replace(ctx, own=own, playhead_beat=start, downbeat=downbeat), start,
                           start + 0.5)
        assert [c[0] for c in calls] == [beat_ticks(start % 4.0)]


def test_guided_decoder_mixes_the_two_headers_and_stays_in_step(tiny: MusicTransformer) -> None:
    """Classifier-free guidance on the header's controls: strength 1 is the conditional model, 0 the
    unconditioned one, and truncation (the live path's rollback) keeps both caches in step."""
    import numpy as np

    from agent.model.sampling import CachedDecoder, GuidedDecoder

    head = header(V.MODE_LIVE, (4, 4), [2, 3], 4, {2: 6}, "pop")
    plain = header(V.MODE_LIVE, (4, 4), [2, 3], 4)
    body = [V.EVENT_TIME + 3, V.EVENT_DUR + 5, V.EVENT_NOTE + 2 * 128 + 60, V.EVENT_TIME + 6]
    chords = [0] * (len(head) + len(body))

    def fed(tokens: list[int]) -> CachedDecoder:
        d = CachedDecoder(tiny)
        d.feed(tokens, chords[: len(tokens)])
        return d

    def log_softmax(x: np.ndarray) -> np.ndarray:
        out: np.ndarray = x - x.max() - np.log(np.exp(x - x.max()).sum())
        return out

    lo, hi = V.EVENT_DUR, V.EVENT_NOTE
    cond, uncond = fed(head + body).logits(lo, hi), fed(plain + body).logits(lo, hi)
    for strength, expected in ((1.0, log_softmax(cond)), (0.0, log_softmax(uncond)),
                               (2.0, 2 * log_softmax(cond) - log_softmax(uncond))):
        guided = GuidedDecoder(tiny, strength)
        guided.feed_header(head, plain, chords[: len(head)])
        guided.feed(body, chords[len(head):])
        assert np.allclose(guided.logits(lo, hi), expected, atol=1e-4)
    guided.truncate(len(head) + 2)
    expected = 2 * log_softmax(fed(head + body[:2]).logits(lo, hi)) - log_softmax(fed(plain + body[:2]).logits(lo, hi))
    assert len(guided) == len(head) + 2 and np.allclose(guided.logits(lo, hi), expected, atol=1e-4)
    with pytest.raises(ValueError, match="headers"):
        guided.feed_header(head, plain, chords[: len(head)])  # only into an empty decoder


def test_the_live_generator_guides_only_when_a_control_is_named(tiny: MusicTransformer) -> None:
    import dataclasses

    from agent.model.sampling import GuidedDecoder

    generator = ModelGenerator(tiny, TimingSettings())
    chords, _melody = lead_sheet(4)
    ctx = GenerationContext(
        playhead_beat=-0.25, tempo_bpm=120.0, meter=(4, 4), chords=chords, human=(), own=(),
        parts=(Part.COMP,), params=SamplingParams(seed=1, style="auto", control_guidance=2.0), human_delay_ticks=4,
    )
    generator.generate(ctx, 0.0, 1 / 6)
    assert not isinstance(generator._window.decoder, GuidedDecoder)  # type: ignore[union-attr]  # nothing named
    named = dataclasses.replace(ctx, params=SamplingParams(seed=1, style="pop", control_guidance=2.0))
    generator.generate(named, 1 / 6, 2 / 6)
    decoder = generator._window.decoder  # type: ignore[union-attr]
    assert isinstance(decoder, GuidedDecoder) and decoder.strength == 2.0
    assert decoder.uncond.tokens[: V.HEADER_LEN] == header(V.MODE_LIVE, (4, 4), [2], 4)
    assert decoder.tokens[len(decoder.tokens) - 3:] == decoder.uncond.tokens[len(decoder.uncond.tokens) - 3:]
    rebuilds = generator.rebuilds
    generator.generate(dataclasses.replace(ctx, params=SamplingParams(seed=1, style="pop", control_guidance=1.0)),
                       2 / 6, 3 / 6)
    assert generator.rebuilds == rebuilds + 1 and not isinstance(generator._window.decoder, GuidedDecoder)  # type: ignore[union-attr]
