"""The walkthrough's bigram section: each computation against a direct one (cross-entropy by hand vs
F.cross_entropy, softmax rows, the ln V baseline, the generate() loop), and every handler with good
and bad input, called in process on the section built alone (the pretrained bigram from assets/)."""
import math
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from torch.nn import functional as F

from conftest import TEXT
from helpers import req
from explorer.context import AppContext, Labels
from explorer.lecture.bigram import compute as core, figures as views, tab as LB
from explorer.limits import Limits
from explorer.session import SessionStore
from model import sampling
from model.lecture.bigram import (bigram_table, cross_entropy, fresh_bigram, generate, loss_chain, row_entropy,
                                  uniform_loss)

ASSETS = Path(__file__).resolve().parent.parent / "assets"
pytestmark = pytest.mark.skipif(not (ASSETS / "bigram").is_dir(), reason="needs the pretrained bigram in assets/")


def build_section(assets: Path) -> SimpleNamespace:
    """The section alone in a Blocks, with its handlers by name."""
    store = SessionStore(assets, Limits())
    ctx = AppContext(store, Limits(), Labels())
    with gr.Blocks() as demo:
        ctx.lang = gr.Radio(["en", "zh-CN"], value="en")
        c = LB.build(ctx)
    fns = {f.name: f.fn for f in demo.fns.values()}
    return SimpleNamespace(store=store, ctx=ctx, c=c, fns=fns)


@pytest.fixture(scope="module")
def sec(corpus_path):
    s = build_section(ASSETS)
    yield s
    s.store.close_all()


def ds():
    return core.dataset()


# computations ---------------------------------------------------------------------------------
def test_chain_equals_cross_entropy(corpus_path):
    model = fresh_bigram(65, 0)
    xb, yb = core.batch(ds(), 1337, 4)
    assert xb.shape == yb.shape == (4, 8) and torch.equal(xb[:, 1:], yb[:, :-1])
    with torch.no_grad():
        logits, loss = model(xb, yb)
    B, T, V = logits.shape
    ce = F.cross_entropy(logits.view(B * T, V), yb.view(B * T))
    for b, t in [(0, 0), (1, 2), (3, 7)]:
        chain = loss_chain(model, xb, yb, b, t)
        assert torch.equal(chain.logits, model.token_embedding_table.weight[xb[b, t]].detach())
        assert chain.probs.sum().item() == pytest.approx(1.0, abs=1e-5)
        assert chain.p_target == pytest.approx(float(F.softmax(logits[b, t], -1)[yb[b, t]]), rel=1e-6)
        one = F.cross_entropy(logits[b, t][None], yb[b, t][None])  # this position alone
        assert chain.term == pytest.approx(float(one), abs=1e-5) and chain.term == pytest.approx(
            -math.log(chain.p_target), abs=1e-5)
    assert chain.losses.shape == (B, T)
    assert chain.mean == pytest.approx(float(ce), abs=1e-5) == chain.loss   # the mean over B*T is the reduction
    assert float(cross_entropy(logits, yb)) == pytest.approx(float(ce), abs=1e-6)
    assert float(F.cross_entropy(logits.view(B * T, V), yb.view(B * T), reduction="none").mean()) == pytest.approx(
        chain.mean, abs=1e-5)


def test_table_softmax_rows_and_fresh_init(corpus_path):
    model = fresh_bigram(65, 7)
    W, P = bigram_table(model)
    assert W.shape == P.shape == (65, 65)
    assert torch.allclose(P.sum(-1), torch.ones(65), atol=1e-5) and (P > 0).all()
    assert torch.allclose(P, torch.softmax(W, -1))
    assert torch.equal(fresh_bigram(65, 7).token_embedding_table.weight, W)     # seeded: the same table
    assert not torch.equal(fresh_bigram(65, 8).token_embedding_table.weight, W)
    assert abs(float(W.mean())) < 0.05 and 0.9 < float(W.std()) < 1.1            # nn.Embedding's N(0, 1)
    idx = torch.tensor([[3, 5, 5]])
    assert torch.equal(model(idx)[0][0], W[[3, 5, 5]])                           # the row is the logits
    assert uniform_loss(65) == pytest.approx(4.1744, abs=1e-4)
    flat = fresh_bigram(65, 0)
    with torch.no_grad():
        flat.token_embedding_table.weight.zero_()
    xb, yb = core.batch(ds(), 1, 32)
    with torch.no_grad():
        assert float(flat(xb, yb)[1]) == pytest.approx(math.log(65), abs=1e-5)      # uniform -> exactly ln V
        assert float(row_entropy(bigram_table(flat)[1]).mean()) == pytest.approx(math.log(65), abs=1e-4)
        assert float(row_entropy(P).mean()) < math.log(65) - 0.3                     # peaked rows
        losses = [float(fresh_bigram(65, s)(*core.batch(ds(), 1337, 128))[1]) for s in range(4)]
        assert all(math.log(65) < v < 5.4 for v in losses), losses                  # confidently wrong
    assert 4.4 < np.mean(losses) < 5.1


def test_generate_loop_reproducible_and_matches_the_apps_sampler(corpus_path):
    model = fresh_bigram(65, 0)
    idx = torch.zeros((1, 1), dtype=torch.long)
    a = generate(model, idx, 50, torch.Generator().manual_seed(3))
    b = generate(model, idx, 50, torch.Generator().manual_seed(3))
    c = generate(model, idx, 50, torch.Generator().manual_seed(4))
    assert a.shape == (1, 51) and torch.equal(a, b) and not torch.equal(a, c) and a[0, 0] == 0
    same = sampling.generate(model, idx, 50, generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, same)  # the lecture's loop draws what the app's sampler draws


# handlers -------------------------------------------------------------------------------------
def test_table_handler(sec):
    fn = sec.fns["lec_bigram_table"]
    notice, fig, row, dropdown = fn("trained", "probs", 0, "q", "en", request=req())
    assert notice == "" and isinstance(fig, go.Figure) and "F.softmax" in fig.layout.title.text
    assert np.allclose(np.asarray(fig.data[0].z).sum(-1), 1.0, atol=1e-5)
    assert "after '%{y}' the next char is '%{x}'" in fig.data[0].hovertemplate
    assert "␣" in fig.data[0].x and "\\n" in fig.data[0].y
    assert "After &#x27;q&#x27;" in row and "&#x27;u&#x27;" in row and "untrained" in row
    assert ("␣", " ") in dropdown["choices"] and dropdown["value"] == "q"
    notice, fig, row, _ = fn("fresh", "logits", 5, None, "zh-CN", request=req())
    assert "未训练" in fig.layout.title.text and "logit" in fig.data[0].hovertemplate and "之后" in row
    for bad in [("nope", "probs", 0, "q"), ("fresh", "bars", 0, "q"), ("fresh", "probs", -1, "q"),
                ("fresh", "probs", float("nan"), "q"), ("fresh", "probs", "abc", "q"),
                ("fresh", "probs", 2**40, "q"), ("fresh", "probs", 0, "é"), ("fresh", "probs", 0, 42)]:
        out = fn(*bad, "en", request=req())
        assert "⚠️" in out[0] and out[1] is None and out[3] == gr.skip(), bad


def test_chain_handler(sec):
    fn = sec.fns["lec_bigram_chain"]
    notice, batch, chain, mean = fn("trained", 1337, 1, 2, 0, "en", request=req())
    assert notice == "" and batch.count("<td") == 32 and 'data-b="1" data-t="2" style="background' in batch
    assert "xb[1, 2]" in chain and "-log p[target]" in chain and "rank" in chain
    assert 'data-equal="true"' in mean and "F.cross_entropy(logits.view(B*T, C), targets.view(B*T))" in mean
    again = fn("trained", 1337, 1, 2, 0, "en", request=req())
    assert again[1:] == [batch, chain, mean]  # a seeded batch is the same batch
    other = fn("fresh", 1338, 3, 7, 0, "zh-CN", request=req())
    assert other[1] != batch and "正确答案的概率" in other[2] and "相等" in other[3]
    for b, t in [(4, 0), (0, 8), (-1, 0), (0, -3), (10**9, 0)]:
        out = fn("fresh", 1, b, t, 0, "en", request=req())
        assert "outside the batch" in out[0] and out[1:] == [None] * 3, (b, t)
    for bad in [("fresh", 1, 1.5, 0, 0), ("fresh", 1, "x", 0, 0), ("fresh", -5, 0, 0, 0),
                ("fresh", 1, 0, 0, 10**12), ("fresh", 1, float("inf"), 0, 0), ("trained?", 1, 0, 0, 0),
                ("fresh", None, 0, 0, 0)]:
        out = fn(*bad, "en", request=req())
        assert "⚠️" in out[0] and out[1] is None, bad


def test_baseline_handler(sec):
    fn = sec.fns["lec_bigram_baseline"]
    notice, numbers, fig = fn(1337, 0, "en", request=req())
    assert notice == "" and "ln V = ln 65" in numbers and "4.174" in numbers and "1024 positions" in numbers
    names = [d.name for d in fig.data]
    assert names == ["trained", "untrained"] and "-log p[target] at 1024 positions" in fig.layout.title.text
    fresh = np.asarray(fig.data[1].x)
    assert math.log(65) < fresh.mean() < 5.4 and np.asarray(fig.data[0].x).mean() < 3.0
    notice, numbers, fig = fn(1337, 0, "zh-CN", request=req())
    assert "均匀分布基线" in numbers and "自信" not in notice
    out = fn(1337, -1, "en", request=req())
    assert "⚠️" in out[0] and out[1:] == [None, None]


def test_sample_handlers(sec):
    fn, again = sec.fns["lec_bigram_sample"], sec.fns["lec_bigram_again"]
    a = fn(7, 200, 0, "en", request=req())
    assert a == fn(7, 200, 0, "en", request=req())  # the same seed, the same text
    assert a != fn(8, 200, 0, "en", request=req())
    assert "untrained, seed 7" in a and "trained, seed 7" in a and a.count("<pre") == 2
    seed, b = again(7, 200, 0, "zh-CN", request=req())
    assert seed == 8 and "未训练,种子 8" in b
    for bad in [(7, 0, 0), (7, 10**6, 0), (7, 2.5, 0), (-1, 10, 0), (7, 10, float("inf")), ("s", 10, 0)]:
        out = fn(*bad, "en", request=req())
        assert "⚠️" in out and "<pre" not in out, bad
    assert again("x", 10, 0, "en", request=req())[0] == gr.skip()
    big = fn(1, core.MAX_NEW_TOKENS, 0, "en", request=req())   # the largest request is served
    assert big.count("<pre") == 2 and "⚠️" not in big


def test_language_switch_redraws_everything(sec):
    session = sec.store.get("lang")
    outs, refresh = sec.ctx.refreshers[-1]
    values = refresh(session, "zh-CN")
    assert len(values) == len(outs) == 12
    assert "未训练" in values[1].layout.title.text or "已训练" in values[1].layout.title.text
    assert "正确答案的概率" in values[6] and isinstance(values[10], go.Figure) and "种子" in values[11]
    code = sec.c["code"].value
    assert "def loss_chain" in code and "def generate" in code and "def get_batch" in code
    heads = [line for line in code.splitlines() if line.startswith("# ") and ".py:" in line]
    assert heads and all(h.startswith("# model/") for h in heads), heads  # each names its file in model/


def test_no_checkpoint_is_a_readable_message(corpus_path, tmp_path):
    s = build_section(tmp_path)  # an assets folder without any checkpoint
    r = req("empty")
    out = s.fns["lec_bigram_table"]("trained", "probs", 0, "q", "en", request=r)
    assert "No trained bigram checkpoint" in out[0] and out[1] is None
    out = s.fns["lec_bigram_table"]("fresh", "probs", 0, "q", "en", request=r)
    assert out[0] == "" and "not available" in out[2]
    assert "No trained bigram checkpoint" in s.fns["lec_bigram_chain"]("trained", 1, 0, 0, 0, "en", request=r)[0]
    notice, numbers, fig = s.fns["lec_bigram_baseline"](1, 0, "en", request=r)
    assert notice == "" and len(fig.data) == 1                     # the untrained one alone
    text = s.fns["lec_bigram_sample"](1, 20, 0, "zh-CN", request=r)
    assert text.count("<pre") == 1 and "没有已训练的 Bigram 检查点" in text


def test_other_vocabulary_and_no_corpus(tiny_assets, corpus_path, monkeypatch, tmp_path):
    s = build_section(tiny_assets)  # its bigram knows the test text's characters only
    out = s.fns["lec_bigram_chain"]("trained", 1, 0, 0, 0, "en", request=req("tiny"))
    V = len(set(TEXT))
    assert f"vocabulary ({V} characters) differs" in out[0]
    out = s.fns["lec_bigram_table"]("trained", "logits", 0, None, "en", request=req("tiny"))
    assert out[0] == "" and f"({V} × {V})" in out[1].layout.title.text
    monkeypatch.setenv("GPT_EXPLORER_CORPUS", str(tmp_path / "missing.txt"))
    out = s.fns["lec_bigram_chain"]("fresh", 1, 0, 0, 0, "zh-CN", request=req("tiny"))
    assert "没有 tiny-shakespeare 语料" in out[0] and out[1] is None
    assert "corpus is not on this server" in s.fns["lec_bigram_baseline"](1, 0, "en", request=req("tiny"))[0]
    assert s.fns["lec_bigram_sample"](1, 20, 0, "en", request=req("tiny")).count("<pre") == 2  # both still sample


def test_views_escape_and_show_whitespace():
    assert views.show(" ") == "␣" and views.show("\n") == "\\n" and views.show("a") == "a"
    assert views.axis_names([" ", "␣", "<"]) == ["␣ 0", "␣ 1", "&lt; 2"]
    html = views.samples_html([("<b>", "<script>", ""), ("x", None, "<i>no</i>")], "en")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;i&gt;" in html


def test_an_untrained_rows_largest_probability_is_about_a_tenth():
    """The section says so (and so not "confidently" wrong): N(0, 1) logits over 65 characters."""
    import torch

    from model.bigram import BigramLanguageModel
    from model.config import GPTConfig
    for seed in range(3):
        torch.manual_seed(seed)
        table = BigramLanguageModel(GPTConfig(model_type="bigram", vocab_size=65, block_size=8))
        top = torch.softmax(table.token_embedding_table.weight, -1).max(-1).values
        assert 0.08 < top.mean().item() < 0.15 and 1 / 65 < 0.016


def test_the_default_seeds_give_the_lectures_first_loss(corpus_path):
    """The label says so: torch.manual_seed(1337) for the batch (B 4, T 8) and again for the table."""
    from explorer.lecture.bigram.tab import BigramState
    d = BigramState()
    store = SessionStore(Path(__file__).resolve().parent.parent / "assets", Limits())
    view = core.chain(store.get("seed"), "fresh", d.batch_seed, 0, 0, d.init_seed)
    assert (d.init_seed, d.batch_seed, view.xb.shape) == (1337, 1337, (4, 8))
    assert view.mean == pytest.approx(4.8786, abs=1e-4)
    store.close_all()
