"""The loss chart, pure: a run's curves in, a plotly Figure out (text in the language asked for)."""
import math
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from ..views import FONT

TRAIN, VAL = "#1f77b4", "#ff7f0e"
EARLIER = ("#7f7f7f", "#8c564b", "#9467bd", "#2ca02c", "#17becf", "#bcbd22")
SMOOTHING = 0.95  # EMA weight per step for the minibatch loss (about a 20-step window)
TEMPLATE = {"layout": {}}  # no stock template: copying one costs more than drawing the chart
LECTURE_VAL = {"bigram": 2.49, "gpt": 1.48}  # the lecture's final val losses on tiny-shakespeare


@dataclass
class Curve:
    """One run's losses: the minibatch loss per step and the evaluations."""
    label: str                      # "run 2 · gpt"
    loss: np.ndarray                # (steps,) minibatch loss of step 1..steps
    eval_steps: np.ndarray = field(default_factory=lambda: np.zeros(0))
    train_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    val_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))


def downsample(x: np.ndarray, y: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """At most max_points points: means over equal buckets, so the line keeps its shape."""
    n = len(x)
    if n <= max_points:
        return x, y
    starts = np.linspace(0, n, max_points + 1).astype(int)[:-1]
    counts = np.diff(np.append(starts, n))
    xs = np.add.reduceat(np.asarray(x, dtype=float), starts) / counts
    y = np.asarray(y, dtype=float)
    finite = np.isfinite(y)
    sums = np.add.reduceat(np.where(finite, y, 0.0), starts)
    seen = np.add.reduceat(finite.astype(int), starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        ys = np.where(seen > 0, sums / np.maximum(seen, 1), np.nan)
    return xs, ys


def smooth(y: np.ndarray, weight: float = 0.95) -> np.ndarray:
    """Debiased exponential moving average (TensorBoard's smoothing); NaNs are skipped."""
    out = np.empty_like(y, dtype=np.float64)
    acc, norm = 0.0, 0.0
    for i, v in enumerate(y):
        if np.isfinite(v):
            acc = weight * acc + (1 - weight) * v
            norm = weight * norm + (1 - weight)
        out[i] = acc / norm if norm else np.nan
    return out


def _line(x, y, name, color, width=2.0, opacity=1.0, dash=None, mode="lines", group=None,
          showlegend=True, hover=True) -> dict:
    return dict(
        type="scatter", x=np.asarray(x, dtype=float).round(1), y=np.asarray(y, dtype=float).round(4),
        name=name, mode=mode, legendgroup=group, showlegend=showlegend, opacity=opacity,
        line=dict(color=color, width=width, dash=dash), marker=dict(size=6, color=color),
        hovertemplate=f"{name}<br>step %{{x:.0f}}: %{{y:.3f}}<extra></extra>" if hover else None,
        hoverinfo=None if hover else "skip")


def _curve_traces(c: Curve, lang: str, max_points: int) -> list[dict]:
    steps = np.arange(1, len(c.loss) + 1)
    traces = []
    if len(c.loss):
        raw_x, raw_y = downsample(steps, c.loss, max_points)
        sm_y = smooth(raw_y, SMOOTHING ** (len(c.loss) / len(raw_y)))  # a bucket counts as its steps
        traces.append(_line(raw_x, raw_y, t("chart.batch_raw", lang), TRAIN, width=1, opacity=0.25,
                            group="train", showlegend=False, hover=False))
        traces.append(_line(raw_x, sm_y, t("chart.batch", lang), TRAIN, width=2.5, group="train"))
    if len(c.eval_steps):
        mode = "lines+markers"
        traces.append(_line(c.eval_steps, c.train_loss, t("chart.train_eval", lang), TRAIN, width=1.5,
                            dash="dot", mode=mode, group="train"))
        traces.append(_line(c.eval_steps, c.val_loss, t("chart.val_eval", lang), VAL, width=2.5,
                            mode=mode, group="val"))
    return traces


def _earlier_trace(c: Curve, i: int, lang: str, max_points: int) -> dict | None:
    color = EARLIER[i % len(EARLIER)]
    if len(c.eval_steps) >= 2:
        name = t("chart.earlier_val", lang, label=c.label)
        return _line(c.eval_steps, c.val_loss, name, color, width=1.5, opacity=0.45, mode="lines+markers")
    if len(c.loss):
        x, y = downsample(np.arange(1, len(c.loss) + 1), c.loss, max_points)
        y = smooth(y, SMOOTHING ** (len(c.loss) / len(y)))
        return _line(x, y, t("chart.earlier_train", lang, label=c.label), color, width=1.5, opacity=0.45)
    return None


def _hline(y: float, text: str, color: str, dash: str) -> tuple[dict, dict]:
    """A full-width horizontal line and its label, above the line at the right."""
    shape = dict(type="line", xref="paper", x0=0, x1=1, y0=y, y1=y, line=dict(color=color, width=1.2, dash=dash))
    label = dict(text=text, xref="paper", x=1, xanchor="right", y=y, yanchor="bottom", showarrow=False,
                 font=dict(size=11, color=color))
    return shape, label


def loss_figure(current: Curve | None, earlier: list[Curve], vocab_size: int, lang: str,
                reference: bool = False, max_points: int = 500,
                height: int = 420) -> go.Figure:
    """Train/val loss against step; earlier runs faded; ln(V) and, optionally, the lecture's results."""
    traces = [tr for i, c in enumerate(earlier) if (tr := _earlier_trace(c, i, lang, max_points // 2))]
    if current is not None:
        traces += _curve_traces(current, lang, max_points)
    uniform = math.log(vocab_size)
    lines = [(uniform, t("chart.uniform", lang, V=vocab_size, value=f"{uniform:.2f}"), "#555", "dash")]
    if reference and vocab_size == 65:
        lines += [(LECTURE_VAL["bigram"], t("chart.lecture_bigram", lang), "#2ca02c", "dot"),
                  (LECTURE_VAL["gpt"], t("chart.lecture_gpt", lang), "#d62728", "dot")]
    shapes, annotations = zip(*(_hline(*line) for line in lines))
    annotations = list(annotations)
    if not traces:
        annotations.append(dict(text=t("chart.empty", lang), x=0.5, y=0.35, xref="paper", yref="paper",
                                showarrow=False, font=dict(size=14, color="#777")))
    ys = np.concatenate([tr["y"] for tr in traces] + [np.array([y for y, *_ in lines])])
    ys = ys[np.isfinite(ys)]
    if not traces:
        ys = np.append(ys, [0.0, uniform + 0.6])  # empty: show the whole scale
    lo = max(0.0, float(ys.min()) - 0.15)
    hi = min(float(ys.max()), uniform + 1.5) + 0.2  # a bad first step should not flatten the rest
    # the x axis follows the data (as W&B does), so the first steps are visible, not a dot at 0
    x_hi = max([10] + [max(len(c.loss), c.eval_steps.max(initial=0)) for c in [current, *earlier] if c is not None])
    axis = dict(gridcolor="#e8e8e8", linecolor="#b0b0b0", zeroline=False, ticks="outside", tickcolor="#b0b0b0")
    layout = dict(
        template=TEMPLATE, height=height, font=dict(family=FONT, size=13), plot_bgcolor="white",
        paper_bgcolor="white", margin=dict(l=56, r=16, t=24, b=96), hovermode="closest", uirevision="loss",
        # the legend sits at the figure's bottom edge, below the axis title, however narrow the screen
        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0.01, xanchor="left", x=0,
                    font=dict(size=12)),
        xaxis=dict(axis, title=dict(text=t("chart.step", lang)), range=[0, x_hi * 1.02]),
        yaxis=dict(axis, title=dict(text=t("chart.loss", lang)), range=[lo, hi]),
        shapes=list(shapes), annotations=annotations)
    return go.Figure(data=traces, layout=layout, _validate=False)  # built from known-good dicts
