"""Pure views of the scale section: a Scale (numpy) in, the histogram of wei's entries, one row's
softmax with and without the scale, and the numbers as escaped HTML, in the language asked."""
from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ...i18n import t
from ...views import FONT

if TYPE_CHECKING:  # the data drawn; figures never run the computation
    from .compute import Scale

SCALED, RAW = "#1f77b4", "#d62728"
BINS = 41


# figures -----------------------------------------------------------------------------------------
def _base(fig: go.Figure, height: int, **extra) -> go.Figure:
    fig.update_layout(height=height, font=dict(family=FONT, size=12), paper_bgcolor="rgba(0,0,0,0)",
                      plot_bgcolor="rgba(0,0,0,0)", **extra)
    return fig


def histogram(r: Scale, lang: str) -> go.Figure:
    """The entries of wei with and without the scale, binned alike (bars overlaid, shares of entries)."""
    m = float(max(np.abs(r.wei).max(), np.abs(r.wei_scaled).max(), 1e-6))
    edges = np.linspace(-m, m, BINS + 1)
    mids, width = (edges[:-1] + edges[1:]) / 2, edges[1] - edges[0]
    fig = go.Figure()
    for values, color, key in ((r.wei, RAW, "lec.scale.raw"), (r.wei_scaled, SCALED, "lec.scale.scaled")):
        counts, _ = np.histogram(values.ravel(), bins=edges)
        name = t(key, lang, v=f"{values.var():.2f}")
        fig.add_trace(go.Bar(x=mids, y=counts / values.size, width=width, name=name, marker_color=color,
                             opacity=0.6, hovertemplate="%{x:.2f}: %{y:.1%}<extra>" + html.escape(name) + "</extra>"))
    n = r.wei.size
    return _base(fig, 340, barmode="overlay", bargap=0,
                 title=dict(text=t("lec.scale.hist_title", lang, n=n), font=dict(size=13), x=0.01, y=0.97,
                            yanchor="top"),
                 xaxis=dict(title=dict(text=t("lec.scale.value", lang), font=dict(size=11)), zeroline=True),
                 yaxis=dict(title=dict(text=t("lec.scale.share", lang), font=dict(size=11)), tickformat=".0%",
                            gridcolor="rgba(127,127,127,0.25)"),
                 legend=dict(orientation="h", y=-0.22, yanchor="top", x=0, xanchor="left"),
                 margin=dict(l=50, r=12, t=60, b=90))


def softmax_rows(r: Scale, lang: str) -> go.Figure:
    """One row's softmax side by side: diffuse with the scale, near one-hot without it."""
    keys = np.arange(r.T)
    fig = go.Figure()
    panels = ((r.row_scaled, SCALED, "lec.scale.panel_scaled", ""), (r.row_raw, RAW, "lec.scale.panel_raw", "2"))
    for j, (row, color, key, ax) in enumerate(panels):
        fig.add_trace(go.Bar(x=keys, y=row, marker_color=color, xaxis=f"x{ax}", yaxis=f"y{ax}", showlegend=False,
                             hovertemplate="s = %{x}: %{y:.3f}<extra></extra>"))
        x0 = j * 0.54
        fig.layout[f"xaxis{ax}"] = dict(domain=[x0, x0 + 0.46], anchor=f"y{ax}", tickfont=dict(size=10),
                                        title=dict(text=t("lec.scale.key", lang), font=dict(size=11)))
        fig.layout[f"yaxis{ax}"] = dict(range=[0, 1.02], anchor=f"x{ax}", gridcolor="rgba(127,127,127,0.25)",
                                        tickfont=dict(size=10), title=dict(text=t("lec.scale.weight", lang),
                                                                           font=dict(size=11)) if j == 0 else None)
        fig.add_annotation(text=t(key, lang, p=f"{row.max():.2f}"), x=x0 + 0.23, y=1.0, xref="paper",
                           yref="paper", yanchor="bottom", showarrow=False, font=dict(size=12, color=color))
    title = t("lec.scale.rows_title", lang, t=r.T - 1, T=r.T)
    return _base(fig, 340, title=dict(text=title, font=dict(size=13), x=0.01, y=0.97, yanchor="top"),
                 margin=dict(l=50, r=12, t=92, b=44))


# html --------------------------------------------------------------------------------------------
def stats_html(r: Scale, lang: str) -> str:
    items = [("lec.scale.var_k", f"{r.var_k:.3f}"), ("lec.scale.var_q", f"{r.var_q:.3f}"),
             ("lec.scale.var_raw", f"{r.wei.var():.2f}"), ("lec.scale.var_scaled", f"{r.wei_scaled.var():.3f}"),
             ("lec.scale.max_raw", f"{r.max_raw:.2f}"), ("lec.scale.max_scaled", f"{r.max_scaled:.2f}")]
    cells = "".join(f'<div class="stat"><div class="k">{html.escape(t(k, lang, hs=r.head_size))}</div>'
                    f'<div class="v">{v}</div></div>' for k, v in items)
    return f'<div class="stats">{cells}</div>'


def sharpen_html(scores: list[float], factor: float, p1: np.ndarray, p2: np.ndarray, lang: str) -> str:
    """The lecture's example: softmax of the scores, and of the scores times factor."""
    vec = lambda v: "[" + ", ".join(f"{x:.4f}" for x in v) + "]"  # noqa: E731
    text = t("lec.scale.sharpen", lang, x=str(scores), p1=vec(p1), f=factor, p2=vec(p2))
    return f"<div>{html.escape(text)}</div>"
