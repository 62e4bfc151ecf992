"""Pure views of the trick section: a Trick (numpy) in, the wei heatmaps, the live checks and the
block-matrix reading of a @ b out, as plotly figures and escaped HTML in the language asked."""
from __future__ import annotations

import html
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ...i18n import t
from ...views import FONT

if TYPE_CHECKING:  # the data drawn; figures never run the computation
    from .compute import Trick

COLORS = [[0.0, "#ffffff"], [0.02, "#deebf7"], [0.25, "#6baed6"], [1.0, "#08306b"]]  # 0 stays white
DENOMINATOR = 64  # a's entries are 1/(t+1) with t < T <= 16: exact as fractions below this
MONO = "font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-variant-numeric:tabular-nums;"


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
    f = Fraction(float(v)).limit_denominator(DENOMINATOR)
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
