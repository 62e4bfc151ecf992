"""Pure views of the ladder: the staircase of val losses (ours beside the lecture's), the table of
rungs with each step's gain, and the samples side by side."""
import html

import numpy as np
import plotly.graph_objects as go

from ...i18n import t
from ...views import FONT

OURS, LECTURE, YOURS = "#1f77b4", "#ff7f0e", "#2ca02c"


def _name(rung, lang: str) -> str:
    return f"{rung.index} · {t(f'lec.ladder.short.{rung.preset}', lang)}"


def staircase(ladder: list, lang: str) -> go.Figure:
    """One bar per rung (our checkpoint's val loss), the lecture's value as a marker on it."""
    names = [_name(r, lang) for r in ladder]
    ours = [r.ours for r in ladder]
    fig = go.Figure()
    fig.add_bar(x=names, y=ours, name=t("lec.ladder.ours", lang), marker_color=OURS,
                text=[f"{v:.2f}" if v is not None else "" for v in ours], textposition="outside",
                hovertemplate="%{x}<br>" + t("lec.ladder.ours", lang) + ": %{y:.3f}<extra></extra>")
    fig.add_scatter(x=names, y=[r.lecture for r in ladder], mode="markers", name=t("lec.ladder.lecture", lang),
                    marker=dict(symbol="diamond", size=12, color=LECTURE, line=dict(width=1, color="#fff")),
                    hovertemplate="%{x}<br>" + t("lec.ladder.lecture", lang) + ": %{y:.2f}<extra></extra>")
    if any(r.yours is not None for r in ladder):
        fig.add_scatter(x=names, y=[r.yours for r in ladder], mode="markers", name=t("lec.ladder.yours", lang),
                        marker=dict(symbol="star", size=15, color=YOURS, line=dict(width=1, color="#fff")),
                        customdata=[r.yours_label for r in ladder],
                        hovertemplate="%{x}<br>%{customdata}: %{y:.3f}<extra></extra>")
    fig.add_hline(y=4.174, line=dict(color="#888", dash="dash", width=1),
                  annotation_text=t("lec.ladder.uniform", lang), annotation_position="top right")
    fig.update_layout(height=380, margin=dict(l=50, r=10, t=40, b=90), font=dict(family=FONT, size=12),
                      title=dict(text=t("lec.ladder.chart_title", lang), x=0.01, font=dict(size=14)),
                      yaxis=dict(title=t("lec.ladder.val", lang), range=[1.0, 4.6]), xaxis=dict(tickangle=-30),
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", x=1, xanchor="right"),
                      plot_bgcolor="#fafafa", bargap=0.35)
    return fig


def table_html(ladder: list, gains: list, lang: str) -> str:
    """The rungs as rows: what each adds, its preset, our val loss, the lecture's, the step's gain."""
    head = "".join(f"<th>{html.escape(t(k, lang))}</th>" for k in
                   ("lec.ladder.col.rung", "lec.ladder.col.adds", "lec.ladder.col.preset", "lec.ladder.ours",
                    "lec.ladder.lecture", "lec.ladder.col.gain"))
    rows = []
    for r, g in zip(ladder, gains):
        ours = "–" if r.ours is None else f"{r.ours:.3f}"
        if r.yours is not None:
            ours += (f'<br><span class="yours">{html.escape(t("lec.ladder.yours", lang))} '
                     f"({html.escape(r.yours_label)}): {r.yours:.3f}</span>")
        lecture = "–" if r.lecture is None else f"{r.lecture:.2f}"
        gain = "" if g is None else f'<span class="{"up" if g > 0 else "down"}">{g:+.3f}</span>'
        asset = "" if r.asset == r.preset else f" ({html.escape(t('lec.ladder.on_cpu', lang, asset=r.asset))})"
        rows.append(f'<tr data-rung="{r.preset}"><td>{r.index}</td>'
                    f"<td>{html.escape(t(f'lec.ladder.adds.{r.preset}', lang))}</td>"
                    f"<td><code>{r.preset}</code>{asset}</td><td>{ours}</td><td>{lecture}</td><td>{gain}</td></tr>")
    return f'<table class="ladder-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def samples_html(pairs: list, lang: str) -> str:
    """Each rung's sample in a box of its own, in the ladder's order."""
    boxes = []
    for rung, text in pairs:
        body = html.escape(text) if text is not None else html.escape(t("lec.ladder.no_checkpoint", lang))
        val = "" if rung.ours is None else f" · val {rung.ours:.2f}"
        boxes.append(f'<div class="ladder-sample" data-rung="{rung.preset}"><div class="k">'
                     f"{html.escape(_name(rung, lang))}{val}</div><pre>{body}</pre></div>")
    return f'<div class="ladder-samples">{"".join(boxes)}</div>'


def details_html(d, lang: str) -> str:
    """The two details as checked facts: each a line with its live value."""
    def line(key: str, value, **params) -> str:
        return (f'<li data-check="{key}"><b>{html.escape(str(value))}</b> · '
                f"{html.escape(t(f'lec.ladder.detail.{key}', lang, **params))}</li>")
    tril = [line("buffer", d.tril_buffer), line("parameter", d.tril_parameter), line("grad", d.tril_grad),
            line("saved", d.tril_saved)]
    fused = [line("allclose", d.allclose, diff=f"{d.max_diff:.1e}"),
             line("matmuls", f"{d.matmuls_fused} vs {d.matmuls_heads}", n_head=d.n_head, hs=d.head_size)]
    return (f'<div class="ladder-details"><p>{html.escape(t("lec.ladder.detail.tril_head", lang))}</p>'
            f'<ul>{"".join(tril)}</ul><p>{html.escape(t("lec.ladder.detail.fused_head", lang))}</p>'
            f'<ul>{"".join(fused)}</ul></div>')


def heads_figure(an, lang: str) -> go.Figure:
    """Rung 3's heads: each one's output wei @ v (T, hs) side by side, then all of them concatenated."""
    from plotly.subplots import make_subplots
    nh, hs = len(an.heads), an.heads[0].shape[1]
    titles = [f"H{h + 1}: wei @ v" for h in range(nh)] + [t("lec.ladder.concat", lang, C=nh * hs)]
    fig = make_subplots(rows=1, cols=nh + 1, column_widths=[hs] * nh + [nh * hs], subplot_titles=titles,
                        horizontal_spacing=0.02)
    ys = [f"{i}:{c!r}"[:8] for i, c in enumerate(an.chars)]
    for h, out in enumerate([*an.heads, an.concat]):
        fig.add_heatmap(z=out, y=ys, colorscale="RdBu_r", zmid=0, showscale=h == nh, row=1, col=h + 1,
                        hovertemplate="%{y}, channel %{x}: %{z:.2f}<extra></extra>")
    fig.update_yaxes(autorange="reversed", showticklabels=False)
    fig.update_yaxes(showticklabels=True, row=1, col=1)
    fig.update_layout(height=300, margin=dict(l=60, r=10, t=60, b=30), font=dict(family=FONT, size=11),
                      title=dict(text=t("lec.ladder.heads_title", lang), x=0.01, font=dict(size=13)))
    return fig


def stream_figure(an, lang: str) -> go.Figure:
    """How much of the embeddings the stream still carries: cos(x, embeddings) after each block, per rung."""
    fig = go.Figure()
    for preset, color in (("ladder-5", "#c62828"), ("ladder-6", OURS), ("ladder-7", "#2ca02c")):
        ys = an.kept[preset]
        xs = [t("lec.ladder.embeddings", lang)] + [t("lec.ladder.after_block", lang, n=i) for i in range(1, len(ys))]
        fig.add_scatter(x=xs, y=ys, mode="lines+markers+text", name=t(f"lec.ladder.short.{preset}", lang),
                        line=dict(color=color), customdata=an.norms[preset],
                        text=[f"|x| {n:.1f}" for n in an.norms[preset]], textposition="top center",
                        textfont=dict(size=10, color=color),
                        hovertemplate="%{x}: cos = %{y:.2f}, |x| = %{customdata:.2f}<extra></extra>")
    fig.update_layout(height=300, margin=dict(l=50, r=10, t=50, b=40), font=dict(family=FONT, size=12),
                      title=dict(text=t("lec.ladder.stream_title", lang), x=0.01, font=dict(size=13)),
                      yaxis=dict(title="cos(x, tok_emb + pos_emb)", range=[-0.2, 1.05]), plot_bgcolor="#fafafa",
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", x=1, xanchor="right"))
    return fig


def layer_norm_html(an, lang: str) -> str:
    """One row (the last position's x) before LayerNorm, normalised, and after its learned scale and shift."""
    x = an.ln_before
    normed = (x - x.mean()) / np.sqrt(x.var() + 1e-5)
    rows = [(t("lec.ladder.ln_before", lang), x), (t("lec.ladder.ln_normed", lang), normed),
            (t("lec.ladder.ln_after", lang), an.ln_after)]
    body = "".join(f"<tr><td>{html.escape(name)}</td><td>{round(float(v.mean()), 3) + 0.0:+.3f}</td><td>{v.std():.3f}</td></tr>"
                   for name, v in rows)
    return (f'<table class="ladder-table ladder-ln"><tr><th></th><th>mean</th><th>std</th></tr>{body}</table>'
            f'<p class="ladder-note">{html.escape(t("lec.ladder.ln_note", lang, C=len(x)))}</p>')


# training rungs live, and each rung's code against the one before ------------------------------
RUNG_COLORS = ("#7f7f7f", "#8c564b", "#9467bd", "#1f77b4", "#17becf", "#c62828", "#ff7f0e", "#2ca02c", "#000000")
CURVE_RANGE = (1.95, 3.2)  # the first evaluations (near ln 65 = 4.17) are above it: the differences are below 3


def curves_figure(curves: list, lecture: dict, lang: str) -> go.Figure:
    """Every rung's val loss against step: ours dotted, the visitor's runs solid (the live one with its
    latest point marked), the lecture's value as a mark at the right edge in the rung's colour."""
    order = {preset: i for i, preset in enumerate(lecture)}
    fig = go.Figure()
    for c in curves:
        i = order[c.preset]
        steps, vals = [e[0] for e in c.evals], [e[2] for e in c.evals]
        name = f"{i} · {t(f'lec.ladder.short.{c.preset}', lang)}" + (f" · {c.label}" if c.yours else "")
        fig.add_scatter(x=steps, y=vals, mode="lines+markers" if c.live else "lines", name=name,
                        legendgroup=c.preset, opacity=1.0 if c.yours else 0.6,
                        line=dict(color=RUNG_COLORS[i], width=3 if c.yours else 1.5, dash=None if c.yours else "dot"),
                        marker=dict(size=[0] * (len(vals) - 1) + [9]),
                        hovertemplate=f"{html.escape(name)}<br>step %{{x}}: val %{{y:.3f}}<extra></extra>")
    marks = [(order[p], v) for p, v in lecture.items() if v is not None]
    fig.add_scatter(x=[5250] * len(marks), y=[v for _, v in marks], mode="markers", name=t("lec.ladder.lecture", lang),
                    marker=dict(symbol="line-ew", size=22, line=dict(width=3, color=[RUNG_COLORS[i] for i, _ in marks])),
                    customdata=[f"{i} · {v:.2f}" for i, v in marks],
                    hovertemplate=t("lec.ladder.lecture", lang) + " %{customdata}<extra></extra>")
    fig.update_layout(height=480, margin=dict(l=50, r=10, t=40, b=40), font=dict(family=FONT, size=12),
                      title=dict(text=t("lec.ladder.curves_title", lang), x=0.01, font=dict(size=14)),
                      xaxis=dict(title="step", range=[0, 5400]), plot_bgcolor="#fafafa",
                      yaxis=dict(title=t("lec.ladder.val", lang), range=list(CURVE_RANGE)),
                      legend=dict(font=dict(size=11), orientation="h", y=-0.15, yanchor="top"))  # below: a phone keeps the width
    return fig


def status_html(st: dict | None, lang: str) -> str:
    """One line: which rung is training (step, val) and which come next, or how the last one ended."""
    if st is None:
        return f'<p class="ladder-note">{html.escape(t("lec.ladder.train_idle", lang))}</p>'
    rung = f"{st['preset'].rpartition('-')[2] if st['preset'].startswith('ladder') else 8}"
    val = "–" if st["val"] is None else f"{st['val']:.3f}"
    line = t(f"lec.ladder.train_{st['state']}", lang, rung=rung, label=st["label"], step=st["step"],
             max_iters=st["max_iters"], val=val)
    if st["pending"]:
        line += " " + t("lec.ladder.train_next", lang, rungs=", ".join(p.rpartition("-")[2] for p in st["pending"]))
    return f'<p class="ladder-status" data-state="{st["state"]}">{html.escape(line)}</p>'


def diff_html(lines: list, preset: str, before: str | None, lang: str) -> str:
    """The rung's code with the lines it adds (green) and removes (red) against the rung before; long
    stretches of unchanged code fold into a line that opens them."""
    added, removed = sum(ln.kind == "+" for ln in lines), sum(ln.kind == "-" for ln in lines)
    head = t("lec.ladder.diff_head", lang, rung=preset, before=before or "–", added=added, removed=removed)
    rows, run = [], []

    def flush(last: bool) -> None:
        """Fold the unchanged lines in run, keeping 3 lines of context beside each change."""
        before_keep, after_keep = (3 if rows else 0), (0 if last else 3)
        if len(run) > before_keep + after_keep + 4:
            folded = run[before_keep:len(run) - after_keep]
            rows.extend(run[:before_keep])
            rows.append(f'<details class="fold"><summary>{html.escape(t("lec.ladder.unchanged", lang, n=len(folded)))}'
                        f'</summary>{"".join(folded)}</details>')
            rows.extend(run[len(run) - after_keep:])
        else:
            rows.extend(run)
        run.clear()

    for ln in lines:
        span = f'<span class="{ {"+": "add", "-": "del", " ": "same"}[ln.kind]}">{ln.kind} {html.escape(ln.text)}\n</span>'
        if ln.kind == " ":
            run.append(span)
        else:
            flush(False)
            rows.append(span)
    flush(True)
    return (f'<div class="ladder-diff"><p>{html.escape(head)}</p>'
            f'<div class="code" data-added="{added}" data-removed="{removed}">{"".join(rows)}</div></div>')


def dropout_figure(d: dict | None, lang: str) -> go.Figure:
    """Train (dashed) and val (solid) loss against step, without dropout and with it."""
    fig = go.Figure()
    for rate, evals in (d or {}).get("runs", {}).items():
        color = "#c62828" if rate == 0 else "#2ca02c"
        name = t("lec.ladder.dropout_rate", lang, p=f"{rate:g}")
        for split, i, dash in (("train", 1, "dash"), ("val", 2, None)):
            fig.add_scatter(x=[e[0] for e in evals], y=[e[i] for e in evals], mode="lines+markers",
                            name=f"{name} · {split}", line=dict(color=color, dash=dash), marker=dict(size=5),
                            hovertemplate=f"{html.escape(name)} · {split}<br>step %{{x}}: %{{y:.3f}}<extra></extra>")
    fig.update_layout(height=340, margin=dict(l=50, r=10, t=40, b=40), font=dict(family=FONT, size=12),
                      title=dict(text=t("lec.ladder.dropout_title", lang), x=0.01, font=dict(size=13)),
                      xaxis=dict(title="step"), yaxis=dict(title=t("lec.ladder.loss", lang), range=[1.0, 2.8]),
                      plot_bgcolor="#fafafa", legend=dict(font=dict(size=11)))
    return fig


def dropout_html(d: dict | None, lang: str) -> str:
    """Each rate's last train and val loss and the gap between them, and the command that measured them."""
    if d is None:
        return f'<p class="ladder-note">{html.escape(t("lec.ladder.dropout_missing", lang))}</p>'
    rows = "".join(f'<tr data-dropout="{rate:g}"><td>{rate:g}</td><td>{ev[-1][1]:.3f}</td><td>{ev[-1][2]:.3f}</td>'
                   f"<td><b>{ev[-1][2] - ev[-1][1]:+.3f}</b></td><td>{min(e[2] for e in ev):.3f}</td></tr>"
                   for rate, ev in d["runs"].items())
    head = "".join(f"<th>{html.escape(t(k, lang))}</th>" for k in
                   ("lec.ladder.dropout_col.p", "lec.ladder.dropout_col.train", "lec.ladder.dropout_col.val",
                    "lec.ladder.dropout_col.gap", "lec.ladder.dropout_col.best"))
    note = t("lec.ladder.dropout_note", lang, chars=f"{d['chars']:,}")
    return (f'<table class="ladder-table ladder-dropout"><tr>{head}</tr>{rows}</table>'
            f'<p class="ladder-note">{html.escape(note)} <code>{html.escape(d["command"])}</code></p>')
