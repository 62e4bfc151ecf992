"""Walkthrough section 4 (averaging the past): the four versions against direct computations and
the lecture's printed numbers, the a @ b row as a weighted sum, and the UI handler with good and bad input."""
from types import SimpleNamespace

import gradio as gr
import plotly.graph_objects as go
import pytest
import torch
from torch.nn import functional as F

from explorer.context import AppContext
from explorer.errors import Refusal
from explorer.lecture.trick import compute as X, figures as XF
from model.lecture import trick as M


@pytest.fixture(scope="module")
def ui(demo):
    fn = next(f for f in demo.fns.values() if f.name == "lecture_trick_ui").fn
    return lambda *args, lang="en", session="trick": fn(*args, lang, SimpleNamespace(session_hash=session))


def test_toy_x_is_the_lectures_x():
    torch.manual_seed(1337)
    expected = torch.randn(4, 8, 2)
    x, _ = M.toy_x(4, 8, 2, 1337)
    assert torch.equal(x, expected) and x.shape == (4, 8, 2)
    assert torch.allclose(x[0, 0], torch.tensor([0.1808, -0.0700]), atol=1e-4)


@pytest.mark.parametrize("B, T, C, seed", [(4, 8, 2, 1337), (2, 16, 64, 0), (1, 1, 1, 7), (3, 5, 7, 42)])
def test_versions_1_to_3_agree_and_average_the_past(B, T, C, seed):
    x, _ = M.toy_x(B, T, C, seed)
    xbow = M.version1(x)
    direct = torch.stack([torch.stack([x[b, :t + 1].mean(0) for t in range(T)]) for b in range(B)])
    assert torch.allclose(xbow, direct) and xbow.shape == (B, T, C)
    wei2, xbow2 = M.version2(x)
    wei3, xbow3 = M.version3(x)
    assert torch.allclose(xbow, xbow2, atol=1e-6) and torch.allclose(xbow, xbow3, atol=1e-6)
    assert torch.allclose(wei2, wei3) and wei2.shape == (T, T)
    expected = torch.tril(torch.ones(T, T)) / torch.arange(1, T + 1)[:, None]
    assert torch.allclose(wei2, expected)
    assert torch.allclose(M.version1(torch.eye(T)[None])[0], wei2)  # the loop's own matrix


def test_version4_is_causal_rows_sum_to_1_and_matches_the_lecture():
    x, g = M.toy_x(4, 8, 32, 1337)
    wei, out = M.version4(x, 16, g, scale=False)  # the notebook, before the scale was added
    assert torch.allclose(wei[0, 1, :2], torch.tensor([0.1574, 0.8426]), atol=1e-4)
    assert torch.allclose(wei[0, 2, :3], torch.tensor([0.2088, 0.1646, 0.6266]), atol=1e-4)
    x, g = M.toy_x(4, 8, 32, 1337)
    wei, out = M.version4(x, 16, g)
    assert wei.shape == (4, 8, 8) and out.shape == (4, 8, 16)
    assert torch.allclose(wei.sum(-1), torch.ones(4, 8), atol=1e-6)
    assert (torch.triu(wei, 1) == 0).all() and (wei[:, torch.tril(torch.ones(8, 8)) == 1] > 0).all()
    assert not torch.allclose(wei[0], wei[1])  # data-dependent: every batch element its own wei


def test_version4_against_a_direct_computation():
    x, g = M.toy_x(2, 6, 10, 5)
    g_copy = torch.Generator().set_state(g.get_state())
    wei, out = M.version4(x, 4, g)
    bound = 1 / 10 ** 0.5  # nn.Linear's init: uniform in +-1/sqrt(fan_in)
    Wk, Wq, Wv = (torch.rand(4, 10, generator=g_copy) * 2 * bound - bound for _ in range(3))
    scores = (x @ Wq.T) @ (x @ Wk.T).transpose(-2, -1) / 4 ** 0.5
    scores = scores.masked_fill(torch.tril(torch.ones(6, 6)) == 0, float("-inf"))
    expected = F.softmax(scores, dim=-1)
    assert torch.allclose(wei, expected, atol=1e-6) and torch.allclose(out, expected @ (x @ Wv.T), atol=1e-5)


def test_weighted_sum_is_the_lectures_a_at_b_row_by_row():
    a, b, c, terms = M.weighted_sum(3, 2, 42)
    assert torch.equal(b, torch.tensor([[2.0, 7.0], [6.0, 4.0], [6.0, 5.0]]))
    assert torch.allclose(c, torch.tensor([[2.0, 7.0], [4.0, 5.5], [4.6667, 5.3333]]), atol=1e-4)
    for T, t, seed in ((8, 5, 1337), (16, 15, 3), (1, 0, 0)):
        a, b, c, terms = M.weighted_sum(T, t, seed)
        assert torch.allclose(terms.sum(0), c[t]) and torch.allclose(c[t], b[:t + 1].mean(0))
        assert torch.allclose(terms.sum(0), sum(a[t, s] * b[s] for s in range(T)))
        assert ((b >= 0) & (b <= 9) & (b == b.round())).all()


def test_compute_checks_and_views():
    r = X.compute(4, 8, 32, 16, 1337, 2, True, 3)
    assert [w.shape for w in r.weis] == [(8, 8), (8, 8), (8, 8), (4, 8, 8)] and r.b == 2 and r.row == 3
    assert all(d < 1e-5 for *_, d in r.diffs) and r.rows_err < 1e-5 and r.future == 0 and r.out_shape == (4, 8, 16)
    html_en, html_zh = XF.checks_html(r, "en"), XF.checks_html(r, "zh-CN")
    assert "torch.allclose(xbow, xbow2)" in html_en and "True" in html_en and "最大绝对差" in html_zh
    figs = XF.figures(r, "zh-CN")
    assert all(isinstance(f, go.Figure) for f in figs) and "wei[2]" in figs[3].layout.title.text
    assert "第 2 种" in figs[1].layout.title.text and figs[0].data[0].text[1][0] == "0.50"  # printed at T = 8
    assert figs[0].data[0].text[0][1] == "" and "未来" in figs[0].data[0].customdata[0][1]  # the future: blank
    block = XF.block_html(r, "en")
    assert "Row 3 of a" in block and "equal: True" in block and "<td>1/4</td>" in block and block.count("lec-hot") >= 3
    unscaled = X.compute(4, 8, 32, 16, 1337, 0, False, 3)
    assert "unscaled" in XF.figures(unscaled, "en")[3].layout.title.text
    assert X.compute(2, 5, 3, 4, 0, 7, True, 15).b == 1  # b and row are clamped to the sizes
    assert X.compute(2, 5, 3, 4, 0, None, True, None).row == 4


@pytest.mark.parametrize("args, key", [
    ((4, 0, 32, 16, 1, 0, True, 0), "refuse.range"),            # T = 0
    ((4, 10**6, 32, 16, 1, 0, True, 0), "refuse.range"),        # T huge
    ((4, 8, -3, 16, 1, 0, True, 0), "refuse.range"),            # C negative
    ((4, 8, 32, 10**9, 1, 0, True, 0), "refuse.range"),         # head_size absurd
    ((10**4, 8, 32, 16, 1, 0, True, 0), "refuse.range"),        # B huge
    ((4, float("nan"), 32, 16, 1, 0, True, 0), "refuse.number"),
    ((4, 8, "32", 16, 1, 0, True, 0), "refuse.number"),
    ((4, 8, 32, 16, "seed", 0, True, 0), "refuse.number"),
    ((4, 8.5, 32, 16, 1, 0, True, 0), "refuse.integer"),
    ((4, 8, 32, float("inf"), 1, 0, True, 0), "refuse.number"),
    ((4, 8, 32, 16, 1, True, True, 0), "refuse.number"),
    ((4, 8, 32, 16, -1, 0, True, 0), "refuse.range"),
    ((4, 8, 32, 16, 1, -2, True, 0), "refuse.range"),
])
def test_compute_refuses_bad_input(args, key):
    with pytest.raises(Refusal) as info:
        X.compute(*args)
    assert info.value.key == key


def test_handler_good_and_bad_input(ui):
    out = ui(4, 8, 32, 16, 1337, 0, True, 3)
    check, v1, v2, v3, v4, block, b, row = out
    assert "True" in check and all(isinstance(f, go.Figure) for f in (v1, v2, v3, v4))
    assert b["maximum"] == 3 and row["maximum"] == 7 and row["value"] == 3 and "c[3]" in block
    small = ui(2, 4, 2, 1, 0, 3, False, 9, lang="zh-CN")
    assert small[6]["value"] == 1 and small[7]["value"] == 3 and "第 4 种" in small[4].layout.title.text
    assert "未缩放" in small[4].layout.title.text
    for bad in ((4, 0, 32, 16, 1, 0, True, 0), (4, 10**6, 32, 16, 1, 0, True, 0), (4, 8, -1, 16, 1, 0, True, 0),
                (4, 8, 32, 10**12, 1, 0, True, 0), (4, float("nan"), 32, 16, 1, 0, True, 0),
                ("four", 8, 32, 16, 1, 0, True, 0), (None, 8, 32, 16, 1, 0, True, 0)):
        out = ui(*bad)
        assert "inside-warn" in out[0] and all(o is gr.skip() or o == gr.skip() for o in out[1:])
    assert "必须是数字" in ui(4, 8, "x", 16, 1, 0, True, 0, lang="zh-CN")[0]


def test_language_switch_redraws_the_sessions_last_view(demo, ui):
    ui(2, 4, 2, 3, 5, 1, False, 2, session="lang")
    assert AppContext.last(demo.explorer_store.get("lang"), "lecture.trick")[:3] == (2, 4, 2)
    switch = next(f for f in demo.fns.values() if f.name == "set_language")
    values = dict(zip((getattr(c, "elem_id", None) for c in switch.outputs),
                      switch.fn("zh-CN", SimpleNamespace(session_hash="lang"))))
    title = values["lec-trick-v4"]["value"].layout.title.text
    assert "wei[1]" in title and "未缩放" in title and "实时检查" in values["lec-trick-check"]["value"]
    fresh = dict(zip((getattr(c, "elem_id", None) for c in switch.outputs),
                     switch.fn("en", SimpleNamespace(session_hash="new"))))
    assert "wei[0]" in fresh["lec-trick-v4"]["value"].layout.title.text  # the defaults on first load


def test_code_panel_shows_the_model_source(demo):
    code = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "lec-trick-code").value
    assert "# model/lecture/trick.py:" in code and "site-packages" not in code
    assert all(f"def {name}(" in code for name in ("toy_x", "version1", "version2", "version3", "version4",
                                                     "weighted_sum"))
    assert "wei = q @ k.transpose(-2, -1)" in code and "head_size**-0.5" in code


def test_one_request_is_cheap():
    import time
    X.compute(8, 16, 64, 64, 1, 0, True, 15)  # warm
    start = time.perf_counter()
    r = X.compute(8, 16, 64, 64, 1, 0, True, 15)
    XF.figures(r, "en"), XF.checks_html(r, "en"), XF.block_html(r, "en")
    assert time.perf_counter() - start < 1.0  # ~0.05 s alone; generous for a shared 2-core machine


def test_the_sections_defaults_give_the_lectures_numbers():
    """Its seed says 1337 gives the lecture's numbers: so the default has the scale off, as the notebook."""
    from explorer.lecture.trick.compute import DEFAULTS
    r = X.compute(**DEFAULTS)
    assert DEFAULTS["seed"] == 1337 and DEFAULTS["scale"] is False
    wei0 = r.weis[3][0]  # version 4, batch element 0
    assert abs(wei0[1, 0] - 0.1574) < 1e-4 and abs(wei0[1, 1] - 0.8426) < 1e-4
    assert abs(wei0[2, 2] - 0.6266) < 1e-4
