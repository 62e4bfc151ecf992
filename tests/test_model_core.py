"""Unit tests for model/: tokenizer, data, bigram, GPT shapes and attention internals."""
import math

import pytest
import torch
import torch.nn as nn
from torch.nn import functional as F

from model.config import GPTConfig, TrainConfig, config_from_dict, preset
from model.data import CharDataset, CorpusError, check_text
from model.gpt import Dropout, GPTLanguageModel, build_model
from model.tokenizer import CharTokenizer, UnknownCharactersError

TINY = GPTConfig(vocab_size=65, block_size=8, n_embd=32, n_head=4, n_layer=2)


def test_tokenizer_round_trip_and_sorted_vocab():
    tok = CharTokenizer.from_text("hello world\n")
    assert tok.chars == sorted(set("hello world\n"))
    assert tok.decode(tok.encode("low hello")) == "low hello"
    assert tok.encode("\n") == [0]  # newline sorts first, as in the lecture's vocabulary


def test_tokenizer_names_unknown_characters():
    tok = CharTokenizer.from_text("abc")
    with pytest.raises(UnknownCharactersError) as e:
        tok.encode("abxyx")
    assert e.value.chars == ["x", "y"]
    assert "'x'" in str(e.value) and "'y'" in str(e.value)
    assert tok.unknown_chars("abz") == ["z"]
    assert tok.clean("a-b-c") == "abc"


def test_tokenizer_any_utf8_text():
    tok = CharTokenizer.from_text("注意力机制，温度。")
    assert tok.vocab_size == len(set("注意力机制，温度。"))
    assert tok.decode(tok.encode("温度")) == "温度"


def test_tokenizer_rejects_bad_vocab_and_ids():
    with pytest.raises(ValueError):
        CharTokenizer(["a", "a"])
    with pytest.raises(ValueError, match="outside the vocabulary"):
        CharTokenizer.from_text("ab").decode([5])


def test_dataset_split_and_vectorised_batch():
    text = "".join(chr(97 + i % 26) for i in range(1000))
    ds = CharDataset(text)
    assert len(ds.train_data) == 900 and len(ds.val_data) == 100
    g = torch.Generator().manual_seed(0)
    xb, yb = ds.get_batch("train", 4, 8, g)
    assert xb.shape == yb.shape == (4, 8)
    assert torch.equal(xb[:, 1:], yb[:, :-1])  # y is x shifted by one
    # same generator seed, same batch
    xb2, _ = ds.get_batch("train", 4, 8, torch.Generator().manual_seed(0))
    assert torch.equal(xb, xb2)
    # given the ids already encoded (as a training process is), the same dataset without encoding
    again = CharDataset(text, ds.tokenizer, ids=torch.cat([ds.train_data, ds.val_data]))
    assert torch.equal(again.train_data, ds.train_data) and torch.equal(again.val_data, ds.val_data)


def test_dataset_refuses_short_and_bad_text():
    ds = CharDataset("abcdefghij" * 5)
    with pytest.raises(CorpusError, match="too short for block_size 8"):
        ds.check_block_size(8)
    with pytest.raises(CorpusError, match="empty"):
        check_text("   ")
    with pytest.raises(CorpusError, match="binary"):
        check_text("ab\x00cd")
    with pytest.raises(CorpusError, match="limit"):
        check_text("a" * 101, max_chars=100)


def test_config_validation_messages():
    with pytest.raises(ValueError, match="divisible"):
        GPTConfig(n_embd=30, n_head=4).validate()
    with pytest.raises(ValueError, match="learning_rate"):
        TrainConfig(learning_rate=-1).validate()
    with pytest.raises(ValueError, match="unknown"):
        config_from_dict(GPTConfig, {"n_embd": 32, "evil": 1})
    with pytest.raises(ValueError, match="wrong type"):
        config_from_dict(GPTConfig, {"n_embd": "32"})
    with pytest.raises(ValueError, match="unknown preset"):
        preset("nope")


@pytest.mark.parametrize("model_type", ["bigram", "gpt"])
def test_logits_shape_and_loss(model_type):
    torch.manual_seed(0)
    m = build_model(GPTConfig(**{**TINY.__dict__, "model_type": model_type}))
    idx = torch.randint(65, (3, 8))
    logits, loss = m(idx)
    assert logits.shape == (3, 8, 65) and loss is None
    _, loss = m(idx, idx)
    assert loss.ndim == 0


def test_initial_gpt_loss_near_uniform():
    # small init makes the untrained GPT close to a uniform guess: -ln(1/65) = 4.17
    torch.manual_seed(0)
    m = build_model(TINY)
    idx = torch.randint(65, (16, 8))
    _, loss = m(idx, torch.randint(65, (16, 8)))
    assert abs(loss.item() - math.log(65)) < 0.1


def test_trace_shapes_causal_and_agrees_with_fast_path():
    torch.manual_seed(0)
    m = build_model(TINY)
    m.train()  # trace must switch to eval and restore the mode
    idx = torch.randint(65, (2, 7))
    tr = m.trace(idx)
    assert m.training
    m.eval()
    logits, _ = m(idx)
    torch.testing.assert_close(tr.logits, logits, atol=1e-5, rtol=1e-5)
    assert len(tr.layers) == TINY.n_layer
    for layer in tr.layers:
        assert layer.q.shape == layer.k.shape == layer.v.shape == (2, 4, 7, 8)
        assert layer.wei.shape == layer.wei_masked.shape == layer.scores.shape == (2, 4, 7, 7)
        upper = torch.triu(torch.ones(7, 7, dtype=torch.bool), diagonal=1)
        assert torch.isinf(layer.wei_masked[..., upper]).all()
        assert (layer.wei[..., upper] == 0).all()
        torch.testing.assert_close(layer.wei.sum(-1), torch.ones(2, 4, 7))
        torch.testing.assert_close(layer.wei_masked[..., ~upper], (layer.scores * 8**-0.5)[..., ~upper])


def test_explicit_attention_equals_sdpa():
    """The training forward takes the lecture's explicit path in bf16 and with dropout; SDPA in fp32."""
    torch.manual_seed(0)
    m = build_model(TINY).eval()
    sa = m.blocks[0].sa
    q, k, v = (torch.randn(2, 4, 7, 8) for _ in range(3))
    sdpa = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    torch.testing.assert_close(sa._attend(q, k, v), sdpa, atol=1e-5, rtol=1e-5)
    idx = torch.randint(65, (2, 7))
    fp32, _ = m(idx)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        bf16, _ = m(idx)
    assert bf16.dtype == torch.bfloat16
    torch.testing.assert_close(bf16.float(), fp32, atol=0.05, rtol=0.05)


def test_dropout_mask_rate_scale_and_gradient():
    torch.manual_seed(0)
    x = torch.ones(200_000, requires_grad=True)
    d = Dropout(0.2)
    y = d(x)
    dropped = (y == 0).float().mean().item()
    assert abs(dropped - 0.2) < 0.005
    assert abs(y.mean().item() - 1.0) < 0.01  # kept values scaled so the expectation stays 1
    assert torch.unique(y).tolist() == pytest.approx([0.0, 65536 / (65536 - 13107)])
    y.sum().backward()
    torch.testing.assert_close(x.grad, y.detach())  # the gradient flows through the same mask
    torch.manual_seed(1)
    a = d(torch.ones(3, 5, 7))
    torch.manual_seed(1)
    assert torch.equal(a, d(torch.ones(3, 5, 7)))  # same seed, same mask; shape kept
    assert torch.equal(d.eval()(x), x)
    assert torch.equal(Dropout(0.0)(x), x) and not Dropout(1.0)(x).any()


def test_trace_teaching_switches():
    torch.manual_seed(0)
    m = build_model(TINY)
    idx = torch.randint(65, (1, 8))
    unmasked = m.trace(idx, causal=False).layers[0]
    assert (unmasked.wei[0, :, 0, 1:] > 0).all()  # the first query sees the future
    unscaled = m.trace(idx, scale=False).layers[0]
    torch.testing.assert_close(unscaled.wei_masked[0, 0, -1], unscaled.scores[0, 0, -1])


class LectureHead(nn.Module):
    """The lecture's per-head attention, written as in gpt.py, for the parity test."""

    def __init__(self, n_embd, head_size, block_size):
        super().__init__()
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.value = nn.Linear(n_embd, head_size, bias=False)
        self.register_buffer("tril", torch.tril(torch.ones(block_size, block_size)))

    def forward(self, x):
        B, T, C = x.shape
        k, q = self.key(x), self.query(x)
        wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5
        wei = wei.masked_fill(self.tril[:T, :T] == 0, float("-inf"))
        wei = F.softmax(wei, dim=-1)
        return wei @ self.value(x)


def test_fused_qkv_equals_lecture_per_head_linears():
    torch.manual_seed(0)
    m = GPTLanguageModel(TINY).eval()
    sa = m.blocks[0].sa
    C, nh, hs = TINY.n_embd, TINY.n_head, TINY.head_size
    heads = [LectureHead(C, hs, TINY.block_size) for _ in range(nh)]
    Wq, Wk, Wv = sa.qkv.weight.split(C, dim=0)  # (C, C) each, rows = output features
    for h, head in enumerate(heads):
        rows = slice(h * hs, (h + 1) * hs)
        head.query.weight.data.copy_(Wq[rows])
        head.key.weight.data.copy_(Wk[rows])
        head.value.weight.data.copy_(Wv[rows])
    x = torch.randn(2, 8, C)
    lecture = sa.proj(torch.cat([head(x) for head in heads], dim=-1))
    torch.testing.assert_close(sa(x), lecture, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(sa.forward_traced(x)[0], lecture, atol=1e-5, rtol=1e-5)
