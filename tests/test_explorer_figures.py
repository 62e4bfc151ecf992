"""The loss chart: built from plain arrays, downsampled, in the language asked for."""
import math

import numpy as np
import plotly.graph_objects as go

from explorer.training.figures import Curve, downsample, loss_figure, smooth


def curve(n=3000, label="run 1 · gpt", evals=True):
    steps = np.arange(1, n + 1)
    loss = 1.5 + 3 * np.exp(-steps / 300) + np.random.default_rng(0).normal(0, 0.05, n)
    ev = np.arange(0, n + 1, 500)
    return Curve(label, loss, ev.astype(float), 1.5 + 3 * np.exp(-ev / 300), 1.55 + 3 * np.exp(-ev / 300)) \
        if evals else Curve(label, loss)


def texts(fig: go.Figure) -> str:
    parts = [tr.name or "" for tr in fig.data] + [a.text for a in fig.layout.annotations]
    parts += [fig.layout.xaxis.title.text, fig.layout.yaxis.title.text]
    return " | ".join(parts)


def test_downsample_keeps_shape_and_cap():
    x = np.arange(1, 20_001)
    y = np.sin(x / 1000)
    xs, ys = downsample(x, y, 500)
    assert len(xs) == 500 and len(ys) == 500
    assert xs[0] < 30 and xs[-1] > 19_970
    assert abs(ys.mean() - y.mean()) < 1e-3
    short = x[:100]
    assert downsample(short, y[:100], 500)[0] is short  # short curves are left alone


def test_smooth_is_debiased_and_skips_nan():
    assert smooth(np.array([2.0, 2.0, 2.0])).tolist() == [2.0, 2.0, 2.0]
    out = smooth(np.array([np.nan, 1.0, np.nan, 1.0]))
    assert math.isnan(out[0]) and out[1:].tolist() == [1.0, 1.0, 1.0]


def test_live_chart_has_train_val_and_uniform_line():
    fig = loss_figure(curve(), [], 65, "en")
    names = [tr.name for tr in fig.data]
    assert "train (smoothed)" in names and "val (eval)" in names
    assert all(len(tr.x) <= 500 for tr in fig.data)
    assert "uniform guess: ln 65 = 4.17" in texts(fig)
    assert 3000 <= fig.layout.xaxis.range[1] < 3200  # the axis follows the data
    assert "step %{x:.0f}" in fig.data[1].hovertemplate


def test_earlier_runs_are_faded_and_labelled():
    fig = loss_figure(curve(label="run 2 · gpt"), [curve(label="run 1 · bigram"), curve(800, "run 0", False)],
                      65, "en")
    earlier = [tr for tr in fig.data if tr.name.startswith(("run 1", "run 0"))]
    assert [tr.name for tr in earlier] == ["run 1 · bigram val", "run 0 train"]
    assert all(tr.opacity < 0.6 for tr in earlier)


def test_reference_lines_only_when_asked_and_for_shakespeare():
    assert "2.49" not in texts(loss_figure(curve(), [], 65, "en"))
    with_refs = texts(loss_figure(curve(), [], 65, "en", reference=True))
    assert "lecture bigram val ≈ 2.49" in with_refs and "lecture GPT val ≈ 1.48" in with_refs
    assert "2.49" not in texts(loss_figure(curve(), [], 80, "en", reference=True))  # another corpus


def test_chinese_text():
    fig = loss_figure(curve(), [], 65, "zh-CN", reference=True)
    text = texts(fig)
    assert "均匀猜测" in text and "验证集" in text and "交叉熵" in text and "步数" in text
    assert "WenQuanYi" in fig.layout.font.family or "CJK" in fig.layout.font.family


def test_empty_chart_invites_a_start_and_shows_the_scale():
    fig = loss_figure(None, [], 65, "en")
    assert "Press Start" in texts(fig)
    lo, hi = fig.layout.yaxis.range
    assert lo == 0 and hi > math.log(65)


def test_a_wild_first_step_does_not_flatten_the_chart():
    c = curve()
    c.loss[0] = 50.0
    hi = loss_figure(c, [], 65, "en").layout.yaxis.range[1]
    assert hi < math.log(65) + 2
