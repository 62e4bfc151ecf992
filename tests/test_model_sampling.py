"""Sampling: temperature, top-k, top-p, the KV cache past block_size, step records."""
import pytest
import torch

from model.config import GPTConfig
from model.gpt import build_model
from model.sampling import generate, probs_from_logits, stream

TINY = GPTConfig(vocab_size=65, block_size=8, n_embd=32, n_head=4, n_layer=2)


def test_temperature_to_zero_is_argmax_without_nans():
    logits = torch.tensor([[1.0, 3.0, 2.0, 3.0 - 1e-3]])
    for t in (0.0, 1e-6, 1e-4):
        p = probs_from_logits(logits, temperature=t)
        assert not torch.isnan(p).any()
        assert p.argmax().item() == 1 and p.max().item() == 1.0
    p = probs_from_logits(logits, temperature=1e-3)  # small but not greedy: still finite
    assert torch.isfinite(p).all() and abs(p.sum().item() - 1) < 1e-6


def test_temperature_sharpens_and_flattens():
    logits = torch.randn(65)
    h = lambda p: -(p * p.clamp_min(1e-12).log()).sum()
    cold, warm, hot = (probs_from_logits(logits, t) for t in (0.5, 1.0, 1.5))
    assert h(cold) < h(warm) < h(hot)


def test_top_k_keeps_exactly_k_even_with_ties():
    logits = torch.tensor([[1.0, 1.0, 1.0, 1.0, 0.0, -1.0]])
    p = probs_from_logits(logits, top_k=2)
    assert (p > 0).sum().item() == 2
    p = probs_from_logits(torch.randn(4, 65), top_k=5)
    assert ((p > 0).sum(-1) == 5).all()
    torch.testing.assert_close(p.sum(-1), torch.ones(4))


def test_top_p_keeps_smallest_set_reaching_p():
    logits = torch.log(torch.tensor([0.5, 0.3, 0.15, 0.05]))
    p = probs_from_logits(logits, top_p=0.7)
    assert (p > 0).tolist() == [True, True, False, False]
    torch.testing.assert_close(p, torch.tensor([0.625, 0.375, 0.0, 0.0]))
    p = probs_from_logits(logits, top_p=0.1)  # the top character always stays
    assert (p > 0).sum().item() == 1


@pytest.mark.parametrize("bad", [dict(temperature=-1), dict(temperature=float("nan")),
                                 dict(top_k=0), dict(top_p=0.0), dict(top_p=1.5)])
def test_bad_sampling_args_are_refused(bad):
    with pytest.raises(ValueError):
        probs_from_logits(torch.randn(65), **bad)


@pytest.mark.parametrize("model_type", ["bigram", "gpt"])
def test_kv_cache_equals_no_cache_past_block_size(model_type):
    torch.manual_seed(0)
    m = build_model(GPTConfig(**{**TINY.__dict__, "model_type": model_type}))
    idx = torch.randint(65, (2, 3))
    n = 3 * TINY.block_size  # well past the window
    with_cache = list(stream(m, idx, n, generator=torch.Generator().manual_seed(7), use_cache=True))
    no_cache = list(stream(m, idx, n, generator=torch.Generator().manual_seed(7), use_cache=False))
    for a, b in zip(with_cache, no_cache):
        assert torch.equal(a.context, b.context)
        torch.testing.assert_close(a.probs, b.probs, atol=1e-5, rtol=1e-4)
        assert torch.equal(a.idx_next, b.idx_next)
    # and both equal the plain full forward of the cropped context, as the lecture computes it
    for s in with_cache:
        logits, _ = m(s.context)
        torch.testing.assert_close(s.logits, logits[:, -1, :], atol=1e-5, rtol=1e-4)


def test_stream_records_and_generate():
    torch.manual_seed(0)
    m = build_model(TINY)
    steps = list(stream(m, torch.zeros((1, 0), dtype=torch.long), 12, temperature=0.8, top_k=10,
                        generator=torch.Generator().manual_seed(1)))
    assert len(steps) == 12
    assert steps[0].context.tolist() == [[0]]  # an empty prompt starts from token 0
    assert max(s.context.size(1) for s in steps) == TINY.block_size  # cropped to block_size
    for s in steps:
        assert s.logits.shape == s.probs.shape == (1, 65)
        assert ((s.probs > 0).sum() <= 10).item()
        assert s.p_next.item() == s.probs[0, s.idx_next.item()].item() > 0
    out = generate(m, torch.zeros((1, 0), dtype=torch.long), 12, temperature=0.8, top_k=10,
                   generator=torch.Generator().manual_seed(1))
    assert out.shape == (1, 13)
    assert out[0, 1:].tolist() == [s.idx_next.item() for s in steps]


def test_greedy_generation_is_deterministic():
    torch.manual_seed(0)
    m = build_model(TINY)
    a = generate(m, torch.tensor([[1, 2]]), 10, temperature=0)
    b = generate(m, torch.tensor([[1, 2]]), 10, temperature=0, generator=torch.Generator().manual_seed(9))
    assert torch.equal(a, b)
