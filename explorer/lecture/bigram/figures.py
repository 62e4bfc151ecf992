"""Pure views of the bigram section: numpy and plain values in, plotly figures and escaped HTML out,
in the language asked."""
import html
import math

import numpy as np
import plotly.graph_objects as go

from ...i18n import t
from ...views import DIVERGING, FONT, SEQUENTIAL

VISIBLE = {" ": "␣", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
MONO = "font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
BOX = "padding:8px 10px;border-radius:8px;border:1px solid var(--border-color-primary);margin:4px 0;"
TRAINED, FRESH = "#1f77b4", "#ff7f0e"


def show(c: str) -> str:
    """A character as it reads on an axis or in a cell: space and newline made visible."""
    return VISIBLE.get(c, c)


def quoted(c: str) -> str:
    return f"'{show(c)}'"


def axis_names(chars: list[str]) -> list[str]:
    """Unique category names for the axes (a vocabulary holding both ' ' and '␣' gets indices)."""
    names = [show(c) for c in chars]
    if len(set(names)) < len(names):
        names = [f"{n} {i}" for i, n in enumerate(names)]
    return [html.escape(n) for n in names]


def table_heatmap(W: np.ndarray, P: np.ndarray, chars: list[str], view: str, title: str, lang: str) -> go.Figure:
    """The (V, V) table: logits W (diverging around 0) or softmax rows P (0..max); rows are the
    current character, columns the next; hover says 'after x the next char is y with p = ...'."""
    names = axis_names(chars)
    height = 140 + 13 * len(chars)
    if view == "probs":
        trace = go.Heatmap(z=P, x=names, y=names, colorscale=SEQUENTIAL, zmin=0.0, zmax=float(P.max()),
                           hovertemplate=t("lec.bigram.hover_probs", lang) + "<extra></extra>")
    else:
        m = float(np.abs(W).max()) or 1.0
        trace = go.Heatmap(z=W, x=names, y=names, customdata=P, colorscale=DIVERGING, zmin=-m, zmax=m,
                           hovertemplate=t("lec.bigram.hover_logits", lang) + "<extra></extra>")
    # the colour bar lies under the table, so a phone gives the table its whole width
    trace.update(colorbar=dict(orientation="h", thickness=10, len=0.6, x=0.5, xanchor="center",
                               y=-62 / (13 * len(chars)), yanchor="top", tickfont=dict(size=10)))
    fig = go.Figure(trace)
    ticks = dict(type="category", tickfont=dict(size=10, family="ui-monospace, monospace"), tickangle=0)
    fig.update_layout(
        xaxis=dict(title=dict(text=t("lec.bigram.axis_next", lang), font=dict(size=12)), **ticks),
        yaxis=dict(title=dict(text=t("lec.bigram.axis_cur", lang), font=dict(size=12)), autorange="reversed",
                   **ticks),
        title=dict(text=title, font=dict(size=14), x=0.01), height=height,
        margin=dict(l=60, r=10, t=44, b=96), font=dict(family=FONT, size=12), paper_bgcolor="rgba(0,0,0,0)")
    return fig


def _chips(items: list[tuple[str, float]], fmt: str, picked: str | None = None) -> str:
    """Characters with a number each, the picked one (the target) outlined."""
    out = []
    for c, v in items:
        edge = "outline:2px solid #d62728;" if c == picked else ""
        out.append(f'<span style="{MONO}display:inline-block;margin:2px 3px;padding:1px 6px;border-radius:5px;'
                   f'background:rgba(127,127,127,0.14);{edge}">{html.escape(quoted(c))} {v:{fmt}}</span>')
    return "".join(out)


def row_html(chars: list[str], i: int, rows: list[tuple[str, np.ndarray | None]], lang: str, top: int = 8) -> str:
    """One row of the table for each model: its most likely next characters."""
    head = html.escape(t("lec.bigram.row_head", lang, char=quoted(chars[i]), i=i))
    lines = []
    for name, probs in rows:
        if probs is None:
            body = html.escape(t("lec.bigram.row_missing", lang))
        else:
            order = np.argsort(-probs, kind="stable")[:top]
            body = _chips([(chars[j], float(probs[j])) for j in order], ".3f")
        lines.append(f'<div><b>{html.escape(name)}</b>: {body}</div>')
    return f'<div class="lec-bigram-row" style="{BOX}"><div>{head}</div>{"".join(lines)}</div>'


def _heat(v: float, top: float) -> str:
    """A cell's background for a loss term: pale (small) to red (large)."""
    a = 0.08 + 0.6 * min(1.0, max(0.0, v / top))
    return f"rgba(214,39,40,{a:.2f})"


def batch_html(xb: np.ndarray, yb: np.ndarray, losses: np.ndarray, chars: list[str], b: int, t_: int,
               lang: str) -> str:
    """The (B, T) batch: each cell 'x→y' over its loss term; the chosen (b, t) outlined."""
    B, T = xb.shape
    top = max(float(losses.max()), 1e-6)
    head = "".join(f'<th style="font-weight:400;opacity:0.7">{j}</th>' for j in range(T))
    rows = []
    for i in range(B):
        cells = []
        for j in range(T):
            edge = "outline:3px solid #111;outline-offset:-3px;" if (i, j) == (b, t_) else ""
            cells.append(f'<td data-b="{i}" data-t="{j}" style="background:{_heat(losses[i, j], top)};{edge}'
                         f'padding:2px 3px;text-align:center;border-radius:4px">'
                         f'<span style="{MONO}">{html.escape(show(chars[xb[i, j]]))}→'
                         f'{html.escape(show(chars[yb[i, j]]))}</span><br>'
                         f'<span style="font-size:11px">{losses[i, j]:.2f}</span></td>')
        rows.append(f'<tr><th style="font-weight:400;opacity:0.7">{i}</th>{"".join(cells)}</tr>')
    title = html.escape(t("lec.bigram.batch_title", lang))
    return (f'<div class="lec-bigram-batch" style="overflow-x:auto"><div>{title}</div>'
            f'<table style="border-collapse:separate;border-spacing:2px;font-size:14px">'
            f'<tr><th style="font-weight:400;opacity:0.7">b\\t</th>{head}</tr>{"".join(rows)}</table></div>')


def chain_html(logits: np.ndarray, probs: np.ndarray, y: int, p_target: float, term: float, chars: list[str],
               b: int, t_: int, x: int, lang: str, top: int = 5) -> str:
    """logits -> softmax -> p[target] -> -log p at one position (input x, target y), each step with its numbers."""
    V = len(chars)
    order = np.argsort(-logits, kind="stable")[:top]
    rank = int((logits > logits[y]).sum()) + 1
    steps = [
        t("lec.bigram.step_input", lang, b=b, t=t_, x=quoted(chars[x]), xi=x, y=quoted(chars[y]), yi=y),
        t("lec.bigram.step_logits", lang, b=b, t=t_, x=quoted(chars[x])),
        t("lec.bigram.step_probs", lang, total=f"{probs.sum():.4f}"),
        t("lec.bigram.step_p", lang, y=quoted(chars[y]), p=f"{p_target:.4f}"),
        t("lec.bigram.step_term", lang, term=f"{term:.4f}"),
    ]
    items = [html.escape(s) for s in steps]
    items[1] += "<br>" + _chips([(chars[j], float(logits[j])) for j in order], "+.2f", chars[y])
    items[1] += "<br>" + html.escape(t("lec.bigram.step_target_logit", lang, logit=f"{logits[y]:+.2f}",
                                       rank=rank, V=V))
    items[2] += "<br>" + _chips([(chars[j], float(probs[j])) for j in order], ".3f", chars[y])
    items[4] = f"<b>{items[4]}</b>"
    lis = "".join(f'<li style="margin:4px 0">{s}</li>' for s in items)
    return f'<ol class="lec-bigram-chain" style="{BOX}padding-left:28px;margin:4px 0">{lis}</ol>'


def mean_html(mean: float, ce: float, B: int, T: int, V: int, lang: str) -> str:
    """The mean of the B*T terms beside F.cross_entropy, and whether they agree."""
    diff = abs(mean - ce)
    ok = math.isclose(mean, ce, rel_tol=1e-5, abs_tol=1e-5)
    verdict = t("lec.bigram.same" if ok else "lec.bigram.differ", lang, diff=f"{diff:.1e}")
    rows = [(t("lec.bigram.mean", lang, n=B * T, B=B, T=T), f"{mean:.6f}"),
            (t("lec.bigram.ce", lang, V=V), f"{ce:.6f}")]
    body = "".join(f'<tr><td style="padding:2px 8px 2px 0">{html.escape(k)}</td>'
                   f'<td style="{MONO}font-weight:700">{v}</td></tr>' for k, v in rows)
    mark = '<b style="color:#2ca02c">✓</b>' if ok else '<b style="color:#d62728">✗</b>'
    return (f'<div class="lec-bigram-mean" data-equal="{str(ok).lower()}" style="{BOX}"><table>{body}</table>'
            f'<div>{mark} {html.escape(verdict)}</div></div>')  # mark is ours, not user text


def baseline_html(V: int, fresh: float, trained: float | None, entropy: float, std: float, n: int,
                  lang: str) -> str:
    """ln V beside the untrained (and trained) loss, with the numbers that say why."""
    rows = [(t("lec.bigram.base_uniform", lang, V=V), math.log(V), ""),
            (t("lec.bigram.base_fresh", lang, n=n), fresh, FRESH),
            (t("lec.bigram.base_entropy", lang), entropy, ""),
            (t("lec.bigram.base_std", lang), std, "")]
    if trained is not None:
        rows.insert(2, (t("lec.bigram.base_trained", lang), trained, TRAINED))
    body = "".join(f'<tr><td style="padding:2px 8px 2px 0;color:{c or "inherit"}">{html.escape(k)}</td>'
                   f'<td style="{MONO}font-weight:700">{v:.3f}</td></tr>' for k, v, c in rows)
    why = html.escape(t("lec.bigram.base_why", lang))
    return (f'<div class="lec-bigram-base" style="{BOX}"><table>{body}</table>'
            f'<div style="margin-top:6px">{why}</div></div>')


def loss_histogram(fresh: np.ndarray, trained: np.ndarray | None, V: int, B: int, T: int, lang: str) -> go.Figure:
    """-log p[target] at every position, untrained and trained overlaid, with ln V and the means."""
    fig = go.Figure()
    bins = dict(start=0.0, end=float(max(fresh.max(), 0 if trained is None else trained.max())) + 0.25, size=0.25)
    series = [(t("lec.bigram.fresh_short", lang), fresh, FRESH)]
    if trained is not None:
        series.insert(0, (t("lec.bigram.trained_short", lang), trained, TRAINED))
    for name, values, color in series:
        fig.add_trace(go.Histogram(x=values, xbins=bins, name=name, marker_color=color, opacity=0.6,
                                   hovertemplate="%{x}: %{y}<extra>" + html.escape(name) + "</extra>"))
        fig.add_vline(x=float(values.mean()), line=dict(color=color, width=2, dash="dot"))
        fig.add_annotation(x=float(values.mean()), y=1.0, yref="paper", yanchor="bottom", showarrow=False,
                           text=t("lec.bigram.hist_mean", lang, model=name, v=f"{values.mean():.2f}"),
                           font=dict(size=11, color=color), xanchor="left" if color == FRESH else "right")
    lnv = math.log(V)
    fig.add_vline(x=lnv, line=dict(color="#111", width=2))
    fig.add_annotation(x=lnv, y=0.88, yref="paper", showarrow=False, xanchor="left",
                       text=t("lec.bigram.hist_lnv", lang, v=f"{lnv:.2f}"), font=dict(size=11),
                       bgcolor="rgba(255,255,255,0.8)")
    fig.update_layout(
        barmode="overlay", height=360, font=dict(family=FONT, size=12), paper_bgcolor="rgba(0,0,0,0)",
        title=dict(text=t("lec.bigram.hist_title", lang, n=B * T, B=B, T=T), font=dict(size=14), x=0.01),
        xaxis=dict(title=dict(text=t("lec.bigram.hist_x", lang), font=dict(size=12))),
        yaxis=dict(title=dict(text=t("lec.bigram.hist_y", lang), font=dict(size=12))),
        legend=dict(orientation="h", yanchor="top", y=-0.2, x=0), margin=dict(l=50, r=10, t=60, b=40))
    return fig


def samples_html(columns: list[tuple[str, str | None, str]], lang: str) -> str:
    """Sampled texts side by side (stacked on a phone); a column without text shows its message."""
    out = []
    for title, text, message in columns:
        body = (f'<pre style="{MONO}white-space:pre-wrap;overflow-wrap:anywhere;margin:0;font-size:13px">'
                f"{html.escape(text)}</pre>" if text is not None else f"<div>⚠️ {html.escape(message)}</div>")
        out.append(f'<div class="lec-bigram-sample" style="{BOX}flex:1 1 300px;min-width:0">'
                   f'<div style="font-weight:700;margin-bottom:4px">{html.escape(title)}</div>{body}</div>')
    return f'<div class="lec-bigram-samples" style="display:flex;flex-wrap:wrap;gap:8px">{"".join(out)}</div>'
