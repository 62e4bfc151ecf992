"""Walkthrough section 5 (why √head_size): the variances with and without the scale, the softmax of
one row diffuse or near one-hot, the lecture's sharpening example, and the UI handler with good and bad input."""
from types import SimpleNamespace

import gradio as gr
import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from explorer.context import AppContext
from explorer.errors import Refusal
from explorer.lecture.scale import compute as X, figures as XF, tab as XT
from model.lecture import scale as M


@pytest.fixture(scope="module")
def ui(demo):
    fn = next(f for f in demo.fns.values() if f.name == "lecture_scale_ui").fn
    return lambda *args, lang="en", session="scale": fn(*args, lang, SimpleNamespace(session_hash=session))


def test_scores_against_a_direct_computation():
    k, q, wei, wei_scaled = M.scores(2, 5, 16, 1337)
    torch.manual_seed(1337)
    k0, q0 = torch.randn(2, 5, 16), torch.randn(2, 5, 16)  # the lecture's order: k first
    assert torch.equal(k, k0) and torch.equal(q, q0)
    expected = torch.einsum("bth,bsh->bts", q0, k0)
    assert wei.shape == (2, 5, 5) and torch.allclose(wei, expected, atol=1e-5)
    assert torch.allclose(wei_scaled, expected / 4, atol=1e-5)


@pytest.mark.parametrize("head_size", [1, 16, 64, 256])
def test_variance_is_head_size_unscaled_and_1_scaled(head_size):
    k, q, wei, wei_scaled = M.scores(16, 64, head_size, 0)  # 65,536 entries of wei
    assert k.var().item() == pytest.approx(1, abs=0.15) and q.var().item() == pytest.approx(1, abs=0.15)
    assert wei.var().item() == pytest.approx(head_size, rel=0.2)  # q and k rows are shared: not 65,536 draws
    assert wei_scaled.var().item() == pytest.approx(1, rel=0.2)


def test_unscaled_softmax_is_peaky_for_large_head_size():
    for seed in range(5):
        k, q, wei, wei_scaled = M.scores(4, 8, 256, seed)
        raw, scaled = M.row_softmax(wei, wei_scaled)
        assert raw.shape == scaled.shape == (8,)
        assert torch.allclose(raw.sum(), torch.tensor(1.0)) and torch.allclose(scaled.sum(), torch.tensor(1.0))
        assert raw.max() > scaled.max() and raw.max() > 0.5  # near one-hot, the scaled one diffuse
    k, q, wei, wei_scaled = M.scores(16, 64, 256, 0)
    assert wei.softmax(-1).amax(-1).mean() > 0.8 > 0.3 > wei_scaled.softmax(-1).amax(-1).mean()
    k, q, wei, wei_scaled = M.scores(4, 8, 1, 3)  # head_size 1: the scale changes nothing
    assert torch.equal(wei, wei_scaled)


def test_sharpen_is_the_lectures_example():
    p1, p2 = M.sharpen([0.1, -0.2, 0.3, -0.2, 0.5], 8)
    assert torch.allclose(p1, torch.tensor([0.1925, 0.1426, 0.2351, 0.1426, 0.2872]), atol=1e-4)
    assert torch.allclose(p2, torch.tensor([0.0326, 0.0030, 0.1615, 0.0030, 0.8000]), atol=1e-4)


def test_compute_and_views():
    r = X.compute(64, 4, 8, 1337)
    assert r.wei.shape == (4, 8, 8) and r.row_raw.shape == (8,) and r.max_raw > r.max_scaled
    stats = XF.stats_html(r, "en")
    assert "≈ head_size = 64" in stats and "k.var()" in stats and "方差" not in stats
    assert "不缩放的 wei.var()" in XF.stats_html(r, "zh-CN")
    hist, rows = XF.histogram(r, "zh-CN"), XF.softmax_rows(r, "en")
    assert isinstance(hist, go.Figure) and len(hist.data) == 2 and "256 个" in hist.layout.title.text
    assert sum(hist.data[0].y) == pytest.approx(1) and sum(hist.data[1].y) == pytest.approx(1)
    assert "不缩放:方差" in hist.data[0].name
    notes = [a.text for a in rows.layout.annotations]
    assert "<b>scaled</b><br>max" in notes[0] and "unscaled" in notes[1] and "wei[0, 7]" in rows.layout.title.text
    assert "0.8000" in XT.sharpen_html("en") and "课程中的例子" in XT.sharpen_html("zh-CN")


@pytest.mark.parametrize("args, key", [
    ((10**6, 4, 8, 1), "refuse.range"),          # head_size absurd
    ((0, 4, 8, 1), "refuse.range"),
    ((-5, 4, 8, 1), "refuse.range"),
    ((16, 4, 0, 1), "refuse.range"),             # T = 0
    ((16, 4, 10**6, 1), "refuse.range"),         # T huge
    ((16, -1, 8, 1), "refuse.range"),
    ((float("nan"), 4, 8, 1), "refuse.number"),
    ((float("inf"), 4, 8, 1), "refuse.number"),
    ((16, 4, 8, float("-inf")), "refuse.number"),
    (("16", 4, 8, 1), "refuse.number"),
    ((16, 4, 8, "seed"), "refuse.number"),
    ((16.5, 4, 8, 1), "refuse.integer"),
    ((None, 4, 8, 1), "refuse.number"),
])
def test_compute_refuses_bad_input(args, key):
    with pytest.raises(Refusal) as info:
        X.compute(*args)
    assert info.value.key == key


def test_handler_good_and_bad_input(ui, demo):
    stats, hist, rows, sharpen = ui(256, 16, 64, 1)
    assert "≈ head_size = 256" in stats and isinstance(hist, go.Figure) and isinstance(rows, go.Figure)
    assert "0.8000" in sharpen and AppContext.last(demo.explorer_store.get("scale"), "lecture.scale") == (256, 16, 64, 1)
    zh = ui(1, 1, 2, 0, lang="zh-CN")
    assert "缩放后的 wei.var()" in zh[0] and "<b>缩放</b><br>最大" in zh[2].layout.annotations[0].text
    for bad in ((10**9, 4, 8, 1), (16, 4, 0, 1), (16, 4, 10**6, 1), (-16, 4, 8, 1), (float("nan"), 4, 8, 1),
                ("big", 4, 8, 1), (16, 4, 8, None)):
        out = ui(*bad)
        assert "inside-warn" in out[0] and all(o is gr.skip() or o == gr.skip() for o in out[1:])
    assert "必须是数字" in ui("x", 4, 8, 1, lang="zh-CN")[0]
    assert AppContext.last(demo.explorer_store.get("scale"), "lecture.scale") == (1, 1, 2, 0)  # a refusal keeps the last view


def test_language_switch_redraws_the_sessions_last_view(demo, ui):
    ui(128, 2, 4, 9, session="lang")
    switch = next(f for f in demo.fns.values() if f.name == "set_language")
    values = dict(zip((getattr(c, "elem_id", None) for c in switch.outputs),
                      switch.fn("zh-CN", SimpleNamespace(session_hash="lang"))))
    assert "≈ head_size = 128" in values["lec-scale-stats"]["value"]
    assert "最后一个 token" in values["lec-scale-rows"]["value"].layout.title.text


def test_code_panel_shows_the_model_source(demo):
    code = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "lec-scale-code").value
    assert "# model/lecture/scale.py:" in code and "site-packages" not in code
    assert "def scores(" in code and "def row_softmax(" in code and "def sharpen(" in code


def test_the_largest_request_is_served():
    r = X.compute(256, 16, 64, 1)
    XF.histogram(r, "en"), XF.softmax_rows(r, "en"), XF.stats_html(r, "en")
    assert np.isfinite(r.wei).all()
