"""Walkthrough section 5, "Why √head_size": the variance of q @ k.T with and without the scale,
their entries as overlaid histograms, and one row's softmax, diffuse (scaled) or near one-hot."""
import html
import math
from dataclasses import dataclass

import gradio as gr
import numpy as np
import plotly.graph_objects as go

from model.lecture import scale as M

from ..context import AppContext
from ..errors import Refusal, user_errors
from ..figures import FONT
from ..i18n import t
from ..inside import number
from ..session import Session
from ..tabs.inside_common import QUIET, refusal_html
from .code import code_panel

MAX_HS, MAX_B, MAX_T, MAX_SEED = 256, 16, 64, 2**31 - 1
DEFAULTS = dict(head_size=16, B=4, T=8, seed=1337)  # the lecture's illustration
SCALED, RAW = "#1f77b4", "#d62728"
BINS = 41
SHARPEN = ([0.1, -0.2, 0.3, -0.2, 0.5], 8)  # the lecture's example scores and factor
CSS = """
#lec-scale-stats .stat .k { white-space: normal; }
#lec-scale-sharpen { font-size: 14px; overflow-wrap: anywhere; }
"""


@dataclass
class Scale:
    """What the section draws for one set of controls (numpy)."""
    head_size: int
    B: int
    T: int
    var_k: float
    var_q: float
    wei: np.ndarray         # (B, T, T) q @ k.T
    wei_scaled: np.ndarray  # (B, T, T) q @ k.T * head_size**-0.5
    row_raw: np.ndarray     # (T,) softmax of wei[0, -1]
    row_scaled: np.ndarray  # (T,) softmax of wei_scaled[0, -1]
    max_raw: float          # mean over all rows of the softmax's largest weight
    max_scaled: float


def whole(value, name: str, lo: int, hi: int) -> int:
    """A whole number in [lo, hi] from a control or an API caller; anything else is refused."""
    if isinstance(value, float) and not math.isfinite(value):
        raise Refusal("refuse.number", field=name, value=value)
    return number(value, name, lo, hi, integer=True)


def compute(head_size, B, T, seed) -> Scale:
    """Draw q and k and measure; raises Refusal for non-numbers or sizes out of range."""
    head_size, B = whole(head_size, "head_size", 1, MAX_HS), whole(B, "B", 1, MAX_B)
    T, seed = whole(T, "T", 2, MAX_T), whole(seed, "seed", 0, MAX_SEED)
    k, q, wei, wei_scaled = M.scores(B, T, head_size, seed)
    row_raw, row_scaled = M.row_softmax(wei, wei_scaled)
    return Scale(head_size, B, T, float(k.var()), float(q.var()), wei.numpy(), wei_scaled.numpy(),
                 row_raw.numpy(), row_scaled.numpy(), float(wei.softmax(-1).amax(-1).mean()),
                 float(wei_scaled.softmax(-1).amax(-1).mean()))


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


def sharpen_html(lang: str) -> str:
    scores, factor = SHARPEN
    p1, p2 = M.sharpen(scores, factor)
    vec = lambda v: "[" + ", ".join(f"{x:.4f}" for x in v) + "]"  # noqa: E731
    text = t("lec.scale.sharpen", lang, x=str(scores), p1=vec(p1), f=factor, p2=vec(p2))
    return f"<div>{html.escape(text)}</div>"


# layout and events -------------------------------------------------------------------------------
def build(ctx: AppContext) -> dict:
    """Lay out the section and wire its events; returns its components by name."""
    L, c, d = ctx.labels, {}, DEFAULTS
    c["intro"] = L.make(gr.Markdown, text="lec.scale.intro", elem_id="lec-scale-intro")
    with gr.Row(equal_height=True, elem_id="lec-scale-controls"):
        c["head_size"] = L.make(gr.Slider, label="lec.scale.head_size", info="lec.scale.head_size.info", minimum=1,
                                maximum=MAX_HS, step=1, value=d["head_size"], elem_id="lec-scale-hs", scale=2,
                                min_width=240)
        c["B"] = L.make(gr.Slider, label="lec.scale.B", minimum=1, maximum=MAX_B,
                        step=1, value=d["B"], elem_id="lec-scale-B", min_width=200)
        c["T"] = L.make(gr.Slider, label="lec.scale.T", info="lec.scale.samples.info", minimum=2, maximum=MAX_T,
                        step=1, value=d["T"], elem_id="lec-scale-T", min_width=200)
        c["seed"] = L.make(gr.Number, label="lec.scale.seed", value=d["seed"], precision=0, minimum=0,
                           maximum=MAX_SEED, elem_id="lec-scale-seed", min_width=200)
    first = compute(d["head_size"], d["B"], d["T"], d["seed"])
    c["stats"] = gr.HTML(stats_html(first, "en"), elem_id="lec-scale-stats")
    with gr.Row(equal_height=False):
        with gr.Column(min_width=320):
            c["hist"] = gr.Plot(histogram(first, "en"), show_label=False, elem_id="lec-scale-hist")
        with gr.Column(min_width=320):
            c["rows"] = gr.Plot(softmax_rows(first, "en"), show_label=False, elem_id="lec-scale-rows")
    c["why"] = L.make(gr.Markdown, text="lec.scale.why", elem_id="lec-scale-why")
    c["sharpen"] = gr.HTML(sharpen_html("en"), elem_id="lec-scale-sharpen")
    _wire(ctx, c)
    code_panel(ctx, c, "lec-scale", M.scores, M.row_softmax, M.sharpen)
    return c


def _wire(ctx: AppContext, c: dict) -> None:
    names = ("head_size", "B", "T", "seed")
    inputs = [c[n] for n in names] + [ctx.lang]
    outputs = [c["stats"], c["hist"], c["rows"], c["sharpen"]]

    def render(session: Session, args: tuple, lang: str) -> list:
        try:
            r = compute(*args)
        except Refusal as e:  # the figures stay as they were; the message says what to change
            return [refusal_html(e, lang)] + [gr.skip()] * (len(outputs) - 1)
        session.lecture_scale = args
        return [stats_html(r, lang), histogram(r, lang), softmax_rows(r, lang), sharpen_html(lang)]

    def lecture_scale_ui(head_size, B, T, seed, lang, request: gr.Request):
        """Controls -> [variance numbers, histogram of wei's entries, one row's softmax, lecture example]."""
        with user_errors(lang):
            return render(ctx.session(request), (head_size, B, T, seed), lang)

    for n in names:
        c[n].input(lecture_scale_ui, inputs, outputs, trigger_mode="always_last", **QUIET)

    def on_language(session: Session, lang: str) -> list:
        args = getattr(session, "lecture_scale", None) or tuple(DEFAULTS[n] for n in names)
        try:
            return render(session, args, lang)
        except Exception:  # noqa: BLE001 -- a language switch never fails because of this section
            return [gr.skip()] * len(outputs)

    ctx.on_language(outputs, on_language)
