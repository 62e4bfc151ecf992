"""Walkthrough section 4, "Averaging the past": the lecture's four versions of xbow, each with its
wei heatmap, live allclose checks, and the block-matrix reading of a @ b for one row."""
import html
import math
from dataclasses import dataclass
from fractions import Fraction

import gradio as gr
import numpy as np
import plotly.graph_objects as go
import torch

from model.lecture import trick as M

from ..context import AppContext
from ..errors import Refusal, user_errors
from ..figures import FONT
from ..i18n import t
from ..inside import number
from ..session import Session
from ..tabs.inside_common import QUIET, refusal_html
from .code import code_panel

MAX_B, MAX_T, MAX_C, MAX_HS, MAX_SEED = 8, 16, 64, 64, 2**31 - 1
DEFAULTS = dict(B=4, T=8, C=32, head_size=16, seed=1337, b=0, scale=True, row=3)  # the lecture's v4 sizes
COLORS = [[0.0, "#ffffff"], [0.02, "#deebf7"], [0.25, "#6baed6"], [1.0, "#08306b"]]  # 0 stays white
MONO = "font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-variant-numeric:tabular-nums;"
CSS = """
#lec-trick-check table, #lec-trick-block table { border-collapse: collapse; font-size: 14px; }
#lec-trick-check td, #lec-trick-block td, #lec-trick-block th { padding: 3px 8px;
  border-bottom: 1px solid var(--border-color-primary); }
#lec-trick-check code { overflow-wrap: anywhere; }
#lec-trick-block td { white-space: nowrap; }
#lec-trick-block th { font-weight: 600; text-align: left; }
@media (max-width: 640px) { #lec-trick-block table, #lec-trick-check table { font-size: 12px; } }
.lec-mats { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center; margin: 6px 0; }
.lec-mat td { padding: 1px 5px !important; border: none !important; text-align: right; }
.lec-mat { border-left: 2px solid var(--body-text-color); border-right: 2px solid var(--body-text-color); }
.lec-hot { background: rgba(255, 200, 0, 0.45); }
.lec-wrap { overflow-x: auto; max-width: 100%; }
"""


@dataclass
class Trick:
    """Everything the section draws for one set of controls."""
    B: int
    T: int
    C: int
    head_size: int
    b: int
    row: int
    scale: bool
    weis: list            # [(T, T)] * 3 for versions 1-3, then version 4's (B, T, T); numpy
    diffs: list           # (name, name, allclose, max abs difference) for the pairs of versions 1-3
    rows_err: float       # version 4: max |row sum - 1|
    future: float         # version 4: the largest weight above the diagonal
    out_shape: tuple
    spread: float         # version 4: how far wei[b] differs from wei[0] (its weights depend on x)
    block: tuple          # a, b, c, terms of the worked example (numpy)


def whole(value, name: str, lo: int, hi: int) -> int:
    """A whole number in [lo, hi] from a control or an API caller; anything else is refused."""
    if isinstance(value, float) and not math.isfinite(value):
        raise Refusal("refuse.number", field=name, value=value)
    return number(value, name, lo, hi, integer=True)


def parse(B, T, C, head_size, seed, b, row) -> tuple:
    """The controls as ints (refused when not numbers or out of range; b and row are clamped)."""
    B, T, C = whole(B, "B", 1, MAX_B), whole(T, "T", 1, MAX_T), whole(C, "C", 1, MAX_C)
    head_size, seed = whole(head_size, "head_size", 1, MAX_HS), whole(seed, "seed", 0, MAX_SEED)
    b = min(whole(0 if b is None else b, "b", 0, MAX_B), B - 1)
    row = min(whole(T - 1 if row is None else row, "t", 0, MAX_T), T - 1)
    return B, T, C, head_size, seed, b, row


def compute(B, T, C, head_size, seed, b, scale, row) -> Trick:
    """Run the four versions and the worked example; raises Refusal on bad input."""
    B, T, C, head_size, seed, b, row = parse(B, T, C, head_size, seed, b, row)
    x, g = M.toy_x(B, T, C, seed)
    xbow = M.version1(x)
    wei1 = M.version1(torch.eye(T)[None])[0]  # the loop is linear: its matrix is what it does to I
    wei2, xbow2 = M.version2(x)
    wei3, xbow3 = M.version3(x)
    wei4, out = M.version4(x, head_size, g, scale=bool(scale))
    pairs = (("xbow", xbow, "xbow2", xbow2), ("xbow", xbow, "xbow3", xbow3), ("xbow2", xbow2, "xbow3", xbow3))
    diffs = [(n1, n2, bool(torch.allclose(u, v)), float((u - v).abs().max())) for n1, u, n2, v in pairs]
    return Trick(B, T, C, head_size, b, row, bool(scale),
                 [w.numpy() for w in (wei1, wei2, wei3, wei4)], diffs,
                 float((wei4.sum(-1) - 1).abs().max()), float(torch.triu(wei4, 1).max()), tuple(out.shape),
                 float((wei4 - wei4[:1]).abs().max()),
                 tuple(m.numpy() for m in M.weighted_sum(T, row, seed)))


# figures -----------------------------------------------------------------------------------------
def wei_heatmap(wei: np.ndarray, title: str, lang: str) -> go.Figure:
    """wei (T, T): rows are the tokens that gather, columns the tokens read; values printed when T <= 8."""
    T = wei.shape[0]
    hover = [[t("lec.trick.hover", lang, t=i, s=j, w=f"{wei[i, j]:.3f}") if j <= i else
              t("lec.trick.hover_masked", lang, t=i, s=j) for j in range(T)] for i in range(T)]
    shown = [[f"{wei[i, j]:.2f}" if j <= i and T <= 8 else "" for j in range(T)] for i in range(T)]  # the future: blank
    fig = go.Figure(go.Heatmap(z=wei, zmin=0, zmax=1, colorscale=COLORS, customdata=hover, text=shown,
                               hovertemplate="%{customdata}<extra></extra>", texttemplate="%{text}",
                               textfont=dict(size=11), xgap=1, ygap=1, colorbar=dict(thickness=10, len=0.9)))
    ticks = dict(tickmode="array", tickvals=list(range(T)), tickfont=dict(size=10 if T > 10 else 12))
    fig.update_layout(
        height=340, margin=dict(l=50, r=10, t=44, b=44), font=dict(family=FONT, size=12),
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", title=dict(text=title, font=dict(size=13), x=0.01),
        xaxis=dict(title=dict(text=t("lec.trick.axis.key", lang), font=dict(size=11)), side="bottom", **ticks),
        yaxis=dict(title=dict(text=t("lec.trick.axis.query", lang), font=dict(size=11)), autorange="reversed",
                   scaleanchor="x", constrain="domain", **ticks))
    return fig


def figures(r: Trick, lang: str) -> list[go.Figure]:
    scale = t("lec.trick.scaled" if r.scale else "lec.trick.unscaled", lang)
    titles = [t(f"lec.trick.fig.v{i}", lang) for i in (1, 2, 3)] + [t("lec.trick.fig.v4", lang, b=r.b, scale=scale)]
    return [wei_heatmap(w, title, lang) for w, title in zip(r.weis[:3] + [r.weis[3][r.b]], titles)]


# html --------------------------------------------------------------------------------------------
def _mark(flag: bool) -> str:
    """A green tick or a red cross (plain glyphs: no emoji font needed)."""
    return f'<b style="color:{"#2e7d32" if flag else "#c62828"}">{"✓" if flag else "✗"}</b>'


def _ok(flag: bool) -> str:
    return f"{_mark(flag)} <b>{flag}</b>"


def checks_html(r: Trick, lang: str) -> str:
    """torch.allclose of each pair of versions 1-3, and version 4's rows and causality."""
    rows = [(f"<code>torch.allclose({a}, {b})</code>", f"{_ok(ok)} · {t('lec.trick.maxdiff', lang, d=f'{d:.1e}')}"
             + ("" if ok else " · " + html.escape(t("lec.trick.rounding", lang, ok=d <= 1e-6))))
            for a, b, ok, d in r.diffs]
    rows.append((html.escape(t("lec.trick.rows_sum", lang)),
                 f"{_ok(r.rows_err < 1e-5)} · {t('lec.trick.maxdiff', lang, d=f'{r.rows_err:.1e}')}"))
    rows.append((html.escape(t("lec.trick.causal", lang)), _ok(r.future == 0.0)))
    body = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
    shape = f"({r.B}, {r.T}, {r.C})"
    note = t("lec.trick.differs", lang, shape=str(r.out_shape), d=f"{r.spread:.3f}") if r.B > 1 else ""
    return (f'<div class="lec-wrap"><b>{html.escape(t("lec.trick.checks", lang, shape=shape))}</b>'
            f"<table>{body}</table><div style='font-size:13px;opacity:0.8'>{html.escape(note)}</div></div>")


def _fmt(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.3f}"


def _frac(v: float) -> str:
    """a's entries are 1/(t+1): written as fractions, exact and narrow."""
    f = Fraction(float(v)).limit_denominator(MAX_T)
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _matrix(m: np.ndarray, name: str, hot: set, tint: np.ndarray | None = None, fmt=_fmt) -> str:
    """A matrix as a small bracketed table; rows in hot are highlighted, or tinted by weight."""
    out = []
    for i, values in enumerate(m):
        if i in hot:
            style = ' class="lec-hot"'
        elif tint is not None and tint[i] > 0:
            style = f' style="background:rgba(66,146,198,{0.15 + 0.6 * float(tint[i]):.2f})"'
        else:
            style = ""
        out.append(f"<tr{style}>" + "".join(f"<td>{fmt(v)}</td>" for v in values) + "</tr>")
    return (f'<div><div style="text-align:center">{name}</div><table class="lec-mat" style="{MONO}font-size:13px">'
            f"{''.join(out)}</table></div>")


def _vec(v: np.ndarray) -> str:
    return "[" + ", ".join(_fmt(x) for x in v) + "]"


def block_html(r: Trick, lang: str) -> str:
    """a @ b = c with row t of a and c highlighted, then row t of c as the sum of the weighted rows of b."""
    a, b, c, terms = r.block
    row = r.row
    mats = (_matrix(a, "a", {row}, fmt=_frac) + '<div style="font-size:20px">@</div>' + _matrix(b, "b", set(), a[row])
            + '<div style="font-size:20px">=</div>' + _matrix(c, "c", {row}))
    head = f"<tr><th>s</th><th>a[{row}, s]</th><th>b[s]</th><th>a[{row}, s] · b[s]</th></tr>"
    body = "".join(f"<tr><td>{s}</td><td>{_frac(a[row, s])}</td><td>{_vec(b[s])}</td><td>{_vec(terms[s])}</td></tr>"
                   for s in range(row + 1))
    total = terms.sum(0)
    ok = bool(np.allclose(total, c[row], atol=1e-5))
    body += (f"<tr><td><b>{html.escape(t('lec.trick.sum', lang))}</b></td><td>{_fmt(a[row].sum())}</td><td></td>"
             f"<td><b>{_vec(total)}</b></td></tr>"
             f"<tr class='lec-hot'><td colspan='3'>{html.escape(t('lec.trick.from_matmul', lang, t=row))}</td>"
             f"<td><b>{_vec(c[row])}</b></td></tr>")
    caption = t("lec.trick.block_caption", lang, t=row)
    equal, note = t("lec.trick.equal", lang, ok=ok), t("lec.trick.mean_note", lang, t=row)
    tail = f"{html.escape(equal)} {_mark(ok)} · {html.escape(note)}"
    return (f'<div class="lec-wrap"><div class="lec-mats">{mats}</div><div>{html.escape(caption)}</div>'
            f'<table style="{MONO}">{head}{body}</table><div>{tail}</div></div>')


# layout and events -------------------------------------------------------------------------------
def build(ctx: AppContext) -> dict:
    """Lay out the section and wire its events; returns its components by name."""
    L, c, d = ctx.labels, {}, DEFAULTS
    c["intro"] = L.make(gr.Markdown, text="lec.trick.intro", elem_id="lec-trick-intro")
    with gr.Row(equal_height=True, elem_id="lec-trick-controls"):
        c["B"] = L.make(gr.Slider, label="lec.trick.B", minimum=1, maximum=MAX_B, step=1, value=d["B"],
                        elem_id="lec-trick-B", min_width=200)
        c["T"] = L.make(gr.Slider, label="lec.trick.T", info="lec.trick.T.info", minimum=1, maximum=MAX_T, step=1,
                        value=d["T"], elem_id="lec-trick-T", min_width=200)
        c["C"] = L.make(gr.Slider, label="lec.trick.C", minimum=1, maximum=MAX_C, step=1, value=d["C"],
                        elem_id="lec-trick-C", min_width=200)
        c["head_size"] = L.make(gr.Slider, label="lec.trick.head_size", minimum=1, maximum=MAX_HS, step=1,
                                value=d["head_size"], elem_id="lec-trick-hs", min_width=200)
        c["seed"] = L.make(gr.Number, label="lec.trick.seed", info="lec.trick.seed.info", value=d["seed"],
                           precision=0, minimum=0, maximum=MAX_SEED, elem_id="lec-trick-seed", min_width=200)
    first = compute(d["B"], d["T"], d["C"], d["head_size"], d["seed"], d["b"], d["scale"], d["row"])
    figs = figures(first, "en")
    c["check"] = gr.HTML(checks_html(first, "en"), elem_id="lec-trick-check")
    for pair in ((1, 2), (3, 4)):
        with gr.Row(equal_height=False):
            for i in pair:
                with gr.Column(min_width=300):
                    c[f"v{i}_text"] = L.make(gr.Markdown, text=f"lec.trick.v{i}", elem_id=f"lec-trick-v{i}-text")
                    if i == 4:  # version 4's own controls, beside its heatmap
                        c["b"] = L.make(gr.Slider, label="lec.trick.b", info="lec.trick.b.info", minimum=0,
                                        maximum=d["B"] - 1, step=1, value=d["b"], elem_id="lec-trick-b")
                        c["scale"] = L.make(gr.Checkbox, label="lec.trick.scale", info="lec.trick.scale.info",
                                            value=d["scale"], elem_id="lec-trick-scale")
                    c[f"v{i}"] = gr.Plot(figs[i - 1], show_label=False, elem_id=f"lec-trick-v{i}")
    c["block_intro"] = L.make(gr.Markdown, text="lec.trick.block_title", elem_id="lec-trick-block-intro")
    c["row"] = L.make(gr.Slider, label="lec.trick.row", minimum=0, maximum=d["T"] - 1, step=1, value=d["row"],
                      elem_id="lec-trick-row")
    c["block"] = gr.HTML(block_html(first, "en"), elem_id="lec-trick-block")
    _wire(ctx, c)
    code_panel(ctx, c, "lec-trick", M.toy_x, M.version1, M.version2, M.version3, M.version4, M.weighted_sum)
    return c


def _wire(ctx: AppContext, c: dict) -> None:
    names = ("B", "T", "C", "head_size", "seed", "b", "scale", "row")
    inputs = [c[n] for n in names] + [ctx.lang]
    outputs = [c["check"], c["v1"], c["v2"], c["v3"], c["v4"], c["block"], c["b"], c["row"]]

    def render(session: Session, args: tuple, lang: str) -> list:
        try:
            r = compute(*args)
        except Refusal as e:  # the figures stay as they were; the message says what to change
            return [refusal_html(e, lang)] + [gr.skip()] * (len(outputs) - 1)
        session.lecture_trick = args
        return [checks_html(r, lang), *figures(r, lang), block_html(r, lang),
                gr.update(maximum=r.B - 1, value=r.b), gr.update(maximum=r.T - 1, value=r.row)]

    def lecture_trick_ui(B, T, C, head_size, seed, b, scale, row, lang, request: gr.Request):
        """Controls -> [checks, four wei heatmaps, the a @ b worked row, b slider, t slider]."""
        with user_errors(lang):
            return render(ctx.session(request), (B, T, C, head_size, seed, b, scale, row), lang)

    for n in names:
        c[n].input(lecture_trick_ui, inputs, outputs, trigger_mode="always_last", **QUIET)

    def on_language(session: Session, lang: str) -> list:
        d = DEFAULTS
        args = getattr(session, "lecture_trick", None) or tuple(d[n] for n in names)
        try:
            return render(session, args, lang)
        except Exception:  # noqa: BLE001 -- a language switch never fails because of this section
            return [gr.skip()] * len(outputs)

    ctx.on_language(outputs, on_language)
