"""The numpy decode engine against the torch graph, and the numpy sampler, on a tiny random model."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_info

from agent.model import vocab as V
from agent.model.engine import engine_for, limit_threads
from agent.model.network import ModelConfig, MusicTransformer
from agent.model.sampling import CachedDecoder, FullDecoder, sample_index
from agent.model.tokens import header

TINY = ModelConfig(n_layer=2, n_head=2, d_model=32)


@pytest.fixture()
def tiny() -> MusicTransformer:
    torch.manual_seed(0)
    return MusicTransformer(TINY).eval()


def stream(length: int, seed: int = 0) -> tuple[list[int], list[int]]:
    """Random tokens after a 3/4 header, event times nondecreasing like a real stream, and chord ids."""
    g = torch.Generator().manual_seed(seed)
    body = torch.randint(0, V.VOCAB_SIZE, (length - V.HEADER_LEN,), generator=g)
    times = (body >= V.EVENT_TIME) & (body < V.EVENT_DUR)
    body[times] = torch.sort(body[times]).values
    head = header(V.MODE_LIVE, (3, 4), [0, 2, 3], delay_ticks=6, levels={2: 5})
    chords = torch.randint(0, 181, (length,), generator=g)
    return head + body.tolist(), chords.tolist()


def full_logits(model: MusicTransformer, tokens: list[int], chords: list[int]) -> np.ndarray:
    with torch.inference_mode():
        logits: np.ndarray = model(torch.tensor([tokens]), torch.tensor([chords]))[0].numpy()
    return logits


@pytest.mark.parametrize("prefix", [1, 2, 40])
def test_block_then_single_steps_equal_the_full_forward(tiny: MusicTransformer, prefix: int) -> None:
    tokens, chords = stream(90)
    full = full_logits(tiny, tokens, chords)
    engine = engine_for(tiny)
    cache = engine.new_cache()
    h = engine.feed(tokens[:prefix], chords[:prefix], cache)  # a block ...
    for i in range(prefix, 90):  # ... then one token at a time
        logits = engine.logits(h, chords[i - 1], cache.now, 0, V.VOCAB_SIZE)
        np.testing.assert_allclose(logits, full[i - 1], atol=1e-4, err_msg=f"position {i - 1}")
        h = engine.feed(tokens[i : i + 1], chords[i : i + 1], cache)
    assert cache.bar_ticks == 36  # from the header's meter token: 3/4 at 12 ticks per beat
    np.testing.assert_allclose(engine.logits(h, chords[-1], cache.now, 0, V.VOCAB_SIZE), full[-1], atol=1e-4)


def test_blocks_in_the_middle_equal_the_full_forward(tiny: MusicTransformer) -> None:
    tokens, chords = stream(120, seed=3)
    full = full_logits(tiny, tokens, chords)
    engine = engine_for(tiny)
    cache = engine.new_cache()
    for a, b in [(0, 7), (7, 8), (8, 30), (30, 31), (31, 77), (77, 120)]:
        h = engine.feed(tokens[a:b], chords[a:b], cache)
        sliced = engine.logits(h, chords[b - 1], cache.now, V.EVENT_TIME, V.EVENT_END)
        np.testing.assert_allclose(sliced, full[b - 1, V.EVENT_TIME : V.EVENT_END], atol=1e-4)


def test_two_caches_fed_together_equal_each_fed_alone(tiny: MusicTransformer) -> None:
    """`Engine.feed_all` (classifier-free guidance's two readings) equals feeding each cache on its own:
    two headers, then the same body in blocks and single steps, both caches checked against the torch
    graph of their own stream."""
    tokens, chords = stream(70, seed=4)
    plain = header(V.MODE_LIVE, (3, 4), [0, 2, 3], delay_ticks=6)
    other = plain + tokens[V.HEADER_LEN:]
    full_a, full_b = full_logits(tiny, tokens, chords), full_logits(tiny, other, chords)
    engine = engine_for(tiny)
    a, b = engine.new_cache(), engine.new_cache()
    engine.feed(tokens[: V.HEADER_LEN], chords[: V.HEADER_LEN], a)
    engine.feed(plain, chords[: V.HEADER_LEN], b)
    for lo, hi in [(V.HEADER_LEN, 20), (20, 21), (21, 22), (22, 50), (50, 70)]:
        ha, hb = engine.feed_all(tokens[lo:hi], chords[lo:hi], [a, b])
        for h, full in ((ha, full_a), (hb, full_b)):
            np.testing.assert_allclose(engine.logits(h, chords[hi - 1], a.now, 0, V.VOCAB_SIZE), full[hi - 1],
                                       atol=1e-4, err_msg=f"position {hi - 1}")
    assert (a.length, b.length, a.now) == (70, 70, b.now)
    behind = engine.new_cache()
    with pytest.raises(ValueError, match="same number of positions"):
        engine.feed_all(tokens[:1], chords[:1], [a, behind])


def test_truncate_and_refeed_gives_the_same_state(tiny: MusicTransformer) -> None:
    tokens, chords = stream(60, seed=1)
    decoder = CachedDecoder(tiny)
    decoder.feed(tokens[:30], chords[:30])
    decoder.feed(tokens[30:45], chords[30:45])
    first = decoder.logits(0, V.VOCAB_SIZE)
    decoder.feed(tokens[45:], chords[45:])
    decoder.truncate(45)
    assert len(decoder) == 45 and decoder.cache.length == 45
    np.testing.assert_allclose(decoder.logits(0, V.VOCAB_SIZE), first, atol=1e-5)
    with pytest.raises(ValueError, match="truncate"):
        decoder.cache.truncate(46, 0)


def test_the_no_cache_baseline_reads_the_same_logits(tiny: MusicTransformer) -> None:
    tokens, chords = stream(50, seed=2)
    cached, full = CachedDecoder(tiny), FullDecoder(tiny)
    for a, b in [(0, 20), (20, 21), (21, 50)]:
        cached.feed(tokens[a:b], chords[a:b])
        full.feed(tokens[a:b], chords[a:b])
        np.testing.assert_allclose(cached.logits(0, V.VOCAB_SIZE), full.logits(0, V.VOCAB_SIZE), atol=1e-4)


def test_context_overflow_is_refused(tiny: MusicTransformer) -> None:
    engine = engine_for(tiny)
    cache = engine.new_cache()
    engine.feed([V.MODE_LIVE] * TINY.context_len, [0] * TINY.context_len, cache)
    with pytest.raises(ValueError, match="exceed the context"):
        engine.feed([V.MODE_LIVE], [0], cache)
    with pytest.raises(ValueError, match="at least one"):
        engine.feed([], [], engine.new_cache())


def test_the_engine_follows_in_place_parameter_changes(tiny: MusicTransformer) -> None:
    tokens, chords = stream(20)
    before = engine_for(tiny)
    assert engine_for(tiny) is before  # built once
    with torch.no_grad():
        tiny.blocks[0].fc.weight.mul_(1.5)  # an optimiser step or load_state_dict does this
    after = engine_for(tiny)
    assert after is not before
    h = after.feed(tokens, chords, after.new_cache())
    np.testing.assert_allclose(after.logits(h, chords[-1], after.new_cache().now, V.EVENT_DUR, V.REST),
                               full_logits(tiny, tokens, chords)[-1, V.EVENT_DUR : V.REST], atol=1e-4)


def test_limit_threads_pins_blas_and_torch() -> None:
    limit_threads(1)
    assert torch.get_num_threads() == 1
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")


@settings(max_examples=200, deadline=None)
@given(
    logits=st.lists(st.floats(-20, 20), min_size=2, max_size=40),
    forbidden=st.lists(st.booleans(), min_size=40, max_size=40),
    temperature=st.floats(0.05, 2.0),
    top_p=st.floats(0.05, 1.0),
    seed=st.integers(0, 2**31 - 1),
)
def test_sampling_never_picks_a_masked_index(logits: list[float], forbidden: list[bool], temperature: float,
                                            top_p: float, seed: int) -> None:
    values = np.array(logits, np.float32)
    mask = np.array(forbidden[: len(values)])
    mask[int(np.argmax(np.where(mask, -np.inf, values)))] = False  # at least one allowed
    values[mask] = -np.inf
    index = sample_index(values, temperature, top_p, np.random.default_rng(seed))
    assert 0 <= index < len(values) and not mask[index]


def test_top_p_keeps_only_the_nucleus_and_temperature_sharpens() -> None:
    logits = np.log(np.array([0.5, 0.3, 0.15, 0.05], np.float32))
    rng = np.random.default_rng(0)
    picks = [sample_index(logits, 1.0, 0.7, rng) for _ in range(2000)]
    assert set(picks) == {0, 1}  # 0.5 < 0.7: the second index crosses the threshold and is kept
    assert 0.55 < picks.count(0) / len(picks) < 0.70  # renormalised: 0.5 / 0.8
    picks = [sample_index(logits, 1.0, 1.0, rng) for _ in range(4000)]
    assert 0.03 < picks.count(3) / len(picks) < 0.07
    cold = [sample_index(logits, 0.02, 1.0, rng) for _ in range(200)]  # odds of index 1: 0.6 ** 50
    assert cold.count(0) == len(cold)


def conditioned(seed: int = 0, layers: int = 1, out: bool = False) -> MusicTransformer:
    """A tiny model with a conditioning input (into its first `layers` blocks, and its output with `out`)
    whose projection is random (not the zero it starts at)."""
    torch.manual_seed(seed)
    config = ModelConfig(n_layer=2, n_head=2, d_model=32, cond_dim=12, cond_layers=layers, cond_out=out)
    model = MusicTransformer(config).eval()
    assert model.cond_proj is not None
    with torch.no_grad():
        model.cond_proj.weight.normal_(0.0, 0.5)
    return model


@pytest.mark.parametrize(("layers", "out"), [(1, False), (2, False), (1, True), (0, True)])
def test_the_conditioned_engine_equals_the_conditioned_forward(layers: int, out: bool) -> None:
    model = conditioned(layers=layers, out=out)
    tokens, chords = stream(100, seed=4)
    table = torch.randn(V.WINDOW_BEATS, 12, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        full = model(torch.tensor([tokens]), torch.tensor([chords]), table.unsqueeze(0))[0].numpy()
        plain = model(torch.tensor([tokens]), torch.tensor([chords]))[0].numpy()
    assert np.abs(full - plain).max() > 1e-2  # the table changes the function ...
    decoder = CachedDecoder(model)
    decoder.condition(table.numpy())
    for a, b in [(0, 9), (9, 10), (10, 60), (60, 61), (61, 100)]:
        decoder.feed(tokens[a:b], chords[a:b])
        np.testing.assert_allclose(decoder.logits(0, V.VOCAB_SIZE), full[b - 1], atol=1e-4)  # ... the same in both
    baseline = FullDecoder(model)
    baseline.condition(table.numpy())
    baseline.feed(tokens, chords)
    np.testing.assert_allclose(baseline.logits(0, V.VOCAB_SIZE), full[-1], atol=1e-4)


def test_a_fresh_conditioning_input_changes_nothing(tiny: MusicTransformer) -> None:
    plain = tiny  # an unconditioned checkpoint, warm-starting a conditioned model: the same function
    model = MusicTransformer(ModelConfig(n_layer=2, n_head=2, d_model=32, cond_dim=12)).eval()
    missing = model.load_state_dict(plain.state_dict(), strict=False).missing_keys
    assert missing == ["cond_proj.weight"]
    tokens, chords = stream(40, seed=5)
    table = torch.randn(1, V.WINDOW_BEATS, 12)
    with torch.inference_mode():
        np.testing.assert_allclose(model(torch.tensor([tokens]), torch.tensor([chords]), table).numpy(),
                                   plain(torch.tensor([tokens]), torch.tensor([chords])).numpy(), atol=1e-6)


def test_conditioning_a_model_without_the_input_is_refused(tiny: MusicTransformer) -> None:
    with pytest.raises(ValueError, match="cond_dim 0"):
        CachedDecoder(tiny).condition(np.zeros((V.WINDOW_BEATS, 12), np.float32))
    with pytest.raises(ValueError, match="expected"):
        CachedDecoder(conditioned()).condition(np.zeros((V.WINDOW_BEATS, 5), np.float32))
    for layers in (3, 0):  # more than the blocks; nowhere at all
        with pytest.raises(ValueError, match=f"cond_layers {layers}"):
            MusicTransformer(ModelConfig(n_layer=2, n_head=2, d_model=32, cond_dim=12, cond_layers=layers))


def test_each_conditioned_place_reads_its_own_slice() -> None:
    model = conditioned(layers=2, out=True)
    tokens, chords = stream(40, seed=6)
    table = torch.randn(1, V.WINDOW_BEATS, 12)
    assert model.cond_proj is not None
    with torch.inference_mode():
        both = model(torch.tensor([tokens]), torch.tensor([chords]), table)
        model.cond_proj.weight[64:].zero_()  # the output's slice: only the blocks' inputs are conditioned now
        inputs = model(torch.tensor([tokens]), torch.tensor([chords]), table)
        model.cond_proj.weight[32:].zero_()  # block 1's slice: only block 0's input is conditioned now
        first = model(torch.tensor([tokens]), torch.tensor([chords]), table)
    assert (both - inputs).abs().max() > 1e-2 and (inputs - first).abs().max() > 1e-2
