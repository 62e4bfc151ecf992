"""model/lens.py: the logit lens ends at the model's own logits, surprise's mean is F.cross_entropy over
the same windows, and the PCA matches numpy's SVD; on the pretrained gpt-small, two ladder rungs and the
bigram from assets/, and on tiny untrained models."""
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from model import lens
from model.checkpoint import load_checkpoint
from model.config import GPTConfig
from model.gpt import build_model

ASSETS = Path(__file__).resolve().parent.parent / "assets"
# our own lines (never the corpus): every character is in tiny-shakespeare's vocabulary
TEXT = ("TEACHER:\nEach letter looks back at those before it, never ahead.\n\nPUPIL:\nThen tell me, master, "
        "which of them the model finds hard? I would know it, and soon!\n") * 3


def pretrained(name: str):
    if not (ASSETS / name / "config.json").is_file():
        pytest.skip(f"needs assets/{name}")
    model, tok, _ = load_checkpoint(ASSETS / name)
    return model, tok


def tiny(**kw):
    torch.manual_seed(0)
    cfg = GPTConfig(**{**dict(vocab_size=11, block_size=8, n_embd=16, n_head=2, n_layer=2), **kw})
    return build_model(cfg).eval()


def reference_nll(model, ids: torch.Tensor) -> torch.Tensor:
    """The lecture's way, one character at a time: the block_size characters before it, its last logits."""
    bs, out = model.config.block_size, []
    with torch.no_grad():
        for i in range(1, len(ids)):
            logits, _ = model(ids[max(0, i - bs):i][None])  # (1, T, V)
            out.append(F.cross_entropy(logits[0, -1:], ids[i:i + 1]))
    return torch.stack(out)


@pytest.mark.parametrize("name", ["gpt-small", "ladder-3", "ladder-1", "ladder-5", "ladder-7"])
def test_the_lens_at_the_last_layer_is_the_models_logits(name):
    model, tok = pretrained(name)
    idx = torch.tensor([tok.encode(TEXT[:model.config.block_size])])  # (1, T)
    out = lens.logit_lens(model, idx)
    L, B, T, V = out.shape
    assert (L, B, T, V) == (model.config.n_layer + 1, 1, idx.size(1), tok.vocab_size)
    logits, _ = model(idx)
    assert torch.allclose(out[-1], logits, atol=1e-5)
    xs = lens.residual_stream(model, idx)
    assert len(xs) == L and xs[0].shape == (1, T, model.config.n_embd)
    assert torch.allclose(xs[0], model.token_embedding_table(idx) + model.position_embedding_table.weight[:T])
    assert not model.training


def test_the_lens_restores_training_mode():
    model = tiny().train()
    lens.logit_lens(model, torch.tensor([[1, 2, 3]]))
    assert model.training


@pytest.mark.parametrize("name", ["gpt-small", "ladder-3", "ladder-1", "bigram"])
def test_surprise_mean_is_the_cross_entropy_of_the_same_windows(name):
    model, tok = pretrained(name)
    ids = torch.tensor(tok.encode(TEXT))  # (N,), longer than every block_size here
    bs = model.config.block_size
    for stride in (1, 3, max(1, bs // 2)):
        s = lens.surprise(model, ids, stride=stride)
        assert s.nll.shape == (len(ids) - 1,) and s.probs.shape == (len(ids) - 1, tok.vocab_size)
        starts, window, pos = lens.windows(len(ids), bs, stride)
        T = min(bs, len(ids) - 1)
        with torch.no_grad():
            logits, _ = model(ids[starts[:, None] + torch.arange(T)])  # (W, T, V): every window at once
        ce = F.cross_entropy(logits[window, pos], ids[1:])
        assert torch.allclose(s.nll.mean(), ce, atol=1e-5)
        assert torch.allclose(-s.probs[torch.arange(len(ids) - 1), ids[1:]].log(), s.nll, atol=1e-4)
        context = pos + 1  # characters each target sees
        assert (context[bs:] >= s.min_context).all() and (context <= bs).all()
        assert (starts[window] + pos + 1 == torch.arange(1, len(ids))).all()  # each window's output predicts its target


@pytest.mark.parametrize("name", ["ladder-3", "bigram"])
def test_surprise_with_stride_1_is_the_lectures_sliding_window(name):
    model, tok = pretrained(name)
    ids = torch.tensor(tok.encode(TEXT[:60]))
    s = lens.surprise(model, ids, stride=1)
    assert torch.allclose(s.nll, reference_nll(model, ids), atol=1e-5)
    assert s.stride == 1 and s.min_context == model.config.block_size


def test_surprise_of_a_text_within_one_window_is_the_models_loss():
    model = tiny()
    ids = torch.tensor([1, 5, 2, 7, 3, 3])  # N = 6 <= block_size + 1: one window
    _, loss = model(ids[None, :-1], ids[None, 1:])
    s = lens.surprise(model, ids)
    assert torch.allclose(s.nll.mean(), loss, atol=1e-6) and s.min_context == 1
    with pytest.raises(ValueError):
        lens.surprise(model, ids[:1])


def test_stride_is_exact_for_small_models_and_bounded_for_large_ones():
    small, large = tiny(), tiny(block_size=128, n_embd=256, n_head=4, n_layer=4)
    assert lens.stride_for(small, 2000) == 1
    assert lens.stride_for(large, 50) == 1 and lens.stride_for(large, 2000) == 64  # never past block_size // 2


@pytest.mark.parametrize("name", ["gpt-small", "ladder-1", "bigram"])
def test_pca_axes_are_orthonormal_and_match_numpys_svd(name):
    model, tok = pretrained(name)
    table = lens.token_table(model)
    p = lens.pca(table)
    assert p.xy.shape == (tok.vocab_size, 2) and p.components.shape == (2, table.shape[1])
    assert torch.allclose(p.components @ p.components.T, torch.eye(2, dtype=p.components.dtype), atol=1e-10)
    X = table.double().numpy()
    Xc = X - X.mean(0)
    _, S, Vh = np.linalg.svd(Xc, full_matrices=False)
    ref = Xc @ Vh[:2].T  # (V, 2)
    signs = np.sign((ref * p.xy.numpy()).sum(0))  # up to each axis's sign
    assert np.allclose(p.xy.numpy(), ref * signs, atol=1e-8)
    assert np.allclose(p.explained.numpy(), S[:2] ** 2 / (S ** 2).sum())
    assert p.explained[0] >= p.explained[1] > 0


def test_position_cosine():
    model = tiny()
    cos = lens.position_cosine(model)
    assert cos.shape == (8, 8) and torch.allclose(cos.diagonal(), torch.ones(8, dtype=cos.dtype))
    assert torch.allclose(cos, cos.T)
    assert lens.position_cosine(tiny(model_type="bigram")) is None
    assert lens.has_blocks(tiny(n_layer=0)) and not lens.has_blocks(tiny(model_type="bigram"))
