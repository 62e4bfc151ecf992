"""The inside-the-model figures, built from known arrays: masked cells blank, labels are the
characters, bars sum to 1 after softmax, the cut-off greys bars out; and the helpers behind them."""
import math

import numpy as np
import pytest

from explorer.inside import figures as F
from explorer.inside.compute import Panel, entropy_bits, panel, parse_temperatures
from explorer.views import show_char
from explorer.errors import Refusal

CHARS = list("a b\n")  # 'a', ' ', 'b', '\n'


def causal(T=4, seed=0):
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(T, T))
    masked = np.where(np.tril(np.ones((T, T), bool)), scores, -np.inf)
    wei = np.exp(masked - masked.max(-1, keepdims=True))
    return masked, wei / wei.sum(-1, keepdims=True)


def test_visible_characters():
    assert [show_char(c) for c in CHARS] == ["a", "␣", "b", "↵"]
    assert show_char("\t") == "⇥"


def test_grid_blanks_masked_cells_and_shares_one_colour_scale():
    masked, wei = causal()
    wei = np.where(np.isfinite(masked), wei, -np.inf)  # as the tab draws wei: the masked triangle stays marked
    values = np.stack([np.stack([wei, wei]), np.stack([wei, wei])])  # (2 layers, 2 heads, T, T)
    fig = F.attention_grid(values, CHARS, "softmax", "en")
    assert len(fig.data) == 4 and {tr.coloraxis for tr in fig.data} == {"coloraxis"}
    z = np.asarray(fig.data[0].z, dtype=float)
    assert np.isnan(z[0, 1:]).all() and np.isnan(z[np.triu_indices(4, 1)]).all()  # above the diagonal: blank
    assert np.allclose(np.nansum(z, -1), 1.0)
    assert fig.layout.coloraxis.cmin == 0 and fig.layout.coloraxis.cmax == 1
    # short prompts label the axes with the characters, visibly
    assert list(fig.layout.xaxis.ticktext) == ["a", "␣", "b", "↵"]
    assert list(fig.data[0].x)[1] == "1 ' '" and list(fig.data[0].y)[3] == "3 '\\n'"


def test_masked_stage_shows_minus_inf_as_blank_with_a_reason_on_hover():
    masked, wei = causal()
    big = F.attention_head(masked, wei, CHARS, "masked", "en", "L1 H1")
    z = np.asarray(big.data[0].z, dtype=float)
    assert np.isnan(z[0, 3]) and np.isfinite(z[3, 0])
    assert "masked (-inf)" in big.data[0].text[0][3] and "masked" not in big.data[0].text[3][0]
    assert "'a' → 3 '\\n'" in big.data[0].text[0][3]
    assert list(big.layout.yaxis.ticktext) == ["a", "␣", "b", "↵"]
    # the row max and entropy sit beside the rows: the first row attends only to itself
    assert big.data[1].x[0] == pytest.approx(1.0) and big.data[2].x[0] == pytest.approx(0.0)
    zh = F.attention_head(masked, wei, CHARS, "masked", "zh-CN", "L1 H1")
    assert "已掩码" in zh.data[0].text[0][3]


def test_raw_stage_uses_a_symmetric_diverging_scale():
    rng = np.random.default_rng(1)
    raw = rng.normal(size=(1, 1, 4, 4)) * 3
    fig = F.attention_grid(raw, CHARS, "raw", "en")
    assert fig.layout.coloraxis.cmin == -fig.layout.coloraxis.cmax == -np.abs(raw).max()


def test_query_bars_are_the_row_and_the_mean():
    _, wei = causal()
    fig = F.query_bars(wei[2], wei[2] / 2, CHARS, 2, "en")
    y = np.asarray(fig.data[0].y, dtype=float)
    assert y.sum() == pytest.approx(1.0) and y[3] == 0.0
    assert list(fig.layout.xaxis.ticktext) == ["a", "␣", "b", "↵"]


def test_softmax_panels_sum_to_one_sorted_and_grey_out_the_cut():
    logits = np.array([2.0, 0.5, 1.0, -1.0])
    panels = [panel(logits, T, 2, None) for T in (0.5, 1.0, 1.5)]
    for p in panels:
        assert p.full.sum() == pytest.approx(1.0) and p.probs.sum() == pytest.approx(1.0)
        assert p.kept.sum() == 2
    assert panels[0].entropy < panels[1].entropy < panels[2].entropy  # low temperature sharpens
    fig = F.probability_panels(CHARS, panels, "en")
    assert len(fig.data) == 3
    assert list(fig.layout.yaxis.ticktext) == ["a\u2009", "b\u2009", "␣\u2009", "↵\u2009"]  # sorted by probability
    colors = list(fig.data[0].marker.color)
    assert colors[:2] == [F.KEPT, F.KEPT] and colors[2:] == [F.DROPPED, F.DROPPED]
    assert np.asarray(fig.data[1].x, dtype=float)[:2].sum() == pytest.approx(1.0)  # kept: renormalised
    assert "T = 0.5" in fig.layout.annotations[0].text and "H = " in fig.layout.annotations[0].text


def test_logits_bars_and_a_picked_bar():
    logits = np.array([2.0, 0.5, 1.0, -1.0])
    fig = F.logits_bars(CHARS, logits, "zh-CN")
    assert list(fig.layout.xaxis.ticktext) == ["a", "b", "␣", "↵"] and "logits" in fig.layout.title.text
    p = panel(logits, 1.0, None, None)
    fig = F.probability_panels(CHARS, [p], "en", picked=2)
    assert list(fig.data[0].marker.color)[1] == F.PICKED


def test_top_p_and_greedy_panels():
    logits = np.array([3.0, 2.9, 0.0, -5.0])
    p = panel(logits, 1.0, None, 0.5)
    assert p.kept.tolist() == [True, False, False, False] and p.probs[0] == pytest.approx(1.0)
    g = panel(logits, 0.0, None, None)
    assert g.probs.tolist() == [1.0, 0.0, 0.0, 0.0] and g.entropy == 0.0


def test_entropy_in_bits():
    assert entropy_bits(np.full(8, 1 / 8)) == pytest.approx(3.0)
    assert entropy_bits(np.array([1.0, 0.0])) == 0.0


def test_coloured_text_escapes_html_and_carries_alternatives():
    out = F.colored_text("<b>", [("<", 0.9, [("<", 0.9), ("&", 0.05)]), ("\n", 0.01, [("a", 0.5)])], "en")
    assert "<b>" not in out and "&lt;b&gt;" in out
    assert 'title="&#x27;&lt;&#x27;: p = 0.900; top: &#x27;&lt;&#x27; 0.90, &#x27;&amp;&#x27; 0.05"' in out
    assert out.count('class="tok"') == 2 and "hsla(108" in out and "hsla(1," in out


def test_parse_temperatures():
    assert parse_temperatures("0.5, 1 1.5") == [0.5, 1.0, 1.5]
    assert parse_temperatures([0, 5]) == [0.0, 5.0]
    for bad in ("", "hot", [6.0], [-1], list(range(7)), [float("nan")], [True]):
        with pytest.raises(Refusal):
            parse_temperatures(bad)


def test_panel_is_a_dataclass_of_arrays():
    p = Panel(1.0, np.ones(2) / 2, np.ones(2) / 2, np.ones(2, bool), 1.0)
    assert F.probability_panels(["x", "y"], [p], "en").data[0].x.tolist() == [0.5, 0.5]


def test_entropy_in_nats_the_losss_unit():
    """One unit everywhere: a uniform guess over 65 characters has ln 65 = 4.17, as an untrained loss."""
    from explorer.inside.compute import entropy
    assert entropy(np.full(65, 1 / 65)) == pytest.approx(math.log(65)) == pytest.approx(4.174, abs=1e-3)
    assert entropy_bits(np.full(65, 1 / 65)) == pytest.approx(entropy(np.full(65, 1 / 65)) / math.log(2))
    flat = panel(np.zeros(65, dtype=np.float32), 1.0, None, None)
    assert flat.entropy == pytest.approx(math.log(65), abs=1e-5)
