"""Pure figures for the inside-the-model tabs: numpy in, plotly go.Figure out, in the language asked.
Masked cells are NaN (plotly leaves them blank) and their hover says "masked (-inf)"."""
import html

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from ..views import DIVERGING, MONO_BOX, SEQUENTIAL, layout, show_char
from .compute import entropy

KEPT, DROPPED, PICKED = "#1f77b4", "#cfcfcf", "#d62728"
GRID_TICKS_UP_TO = 16  # the small heatmaps label their axes only for short prompts
_layout = layout


def _names(chars: list[str]) -> list[str]:
    return [f"{i} '{repr(c)[1:-1] if c in chr(10) + chr(9) + chr(13) else c}'" for i, c in enumerate(chars)]


def _hover_text(chars: list[str], masked: np.ndarray, lang: str) -> list[list[str]]:
    """Per cell: 'query char → key char', plus why a masked cell is blank."""
    shown = [repr(c)[1:-1] if c in "\n\t\r" else c for c in chars]
    note = " · " + t("att.masked_cell", lang)
    return [[f"{i} '{shown[i]}' → {j} '{shown[j]}'" + (note if masked[i, j] else "") for j in range(len(chars))]
            for i in range(len(chars))]


def _zrange(values: np.ndarray, stage: str) -> dict:
    if stage == "softmax":
        return dict(cmin=0.0, cmax=1.0, colorscale=SEQUENTIAL)
    finite = values[np.isfinite(values)]
    m = float(np.abs(finite).max()) if finite.size else 1.0
    return dict(cmin=-m or -1.0, cmax=m or 1.0, colorscale=DIVERGING)


def blank_inf(values: np.ndarray) -> np.ndarray:
    """-inf (masked) becomes NaN, which plotly draws as a gap."""
    return np.where(np.isfinite(values), values, np.nan)


def _ticks(chars: list[str], show: bool, size: int) -> dict:
    if not show:
        return dict(showticklabels=False, ticks="")
    return dict(tickmode="array", tickvals=list(range(len(chars))), ticktext=[show_char(c) for c in chars],
                tickfont=dict(size=size, family="ui-monospace, monospace"), tickangle=0)


def attention_grid(values: np.ndarray, chars: list[str], stage: str, lang: str,
                   selected: tuple[int, int] | None = None) -> go.Figure:
    """values (n_layer, n_head, T, T) of one stage: one small heatmap per layer x head, one colour scale.
    Rows are queries, columns keys; each title carries the head's mean row entropy (softmax) in nats."""
    L, H, T, _ = values.shape
    z = blank_inf(values).astype(np.float32)
    names = _names(chars)  # unique category names: hover reads "query → key" from the axes
    fig = go.Figure()
    gap = 0.02
    w, h = (1 - gap * (H - 1)) / H, (1 - 0.06 * (L - 1)) / L
    ticks = _ticks(chars, T <= GRID_TICKS_UP_TO, 8)
    ticks.pop("tickvals", None)
    if "ticktext" in ticks:
        ticks["tickvals"] = names
    ent = entropy(np.nan_to_num(z, nan=0.0)).mean(-1) if stage == "softmax" else None  # (L, H)
    titles = []  # set once below: add_annotation() re-validates every earlier one on each call
    for l in range(L):
        for hd in range(H):
            n = l * H + hd + 1
            ax = "" if n == 1 else str(n)
            x0, y1 = hd * (w + gap), 1 - l * (h + 0.06)
            fig.add_trace(go.Heatmap(z=z[l, hd], x=names, y=names, coloraxis="coloraxis", xaxis=f"x{ax}",
                                     yaxis=f"y{ax}", hoverongaps=False,
                                     hovertemplate=f"%{{y}} → %{{x}}<br>%{{z:.3f}}<extra>L{l + 1} H{hd + 1}</extra>"))
            fig.layout[f"xaxis{ax}"] = dict(domain=[max(0.0, x0), min(1.0, x0 + w)], anchor=f"y{ax}", type="category",
                                            **ticks)
            fig.layout[f"yaxis{ax}"] = dict(domain=[max(0.0, y1 - h), min(1.0, y1)], anchor=f"x{ax}",
                                            autorange="reversed", type="category", **ticks)
            label = f"L{l + 1} H{hd + 1}" + (f" · {ent[l, hd]:.2f}b" if ent is not None else "")
            bold = selected == (l, hd)
            titles.append(dict(text=f"<b>{label}</b>" if bold else label, x=x0 + w / 2, y=y1, xref="paper",
                               yref="paper", yanchor="bottom", showarrow=False, font=dict(size=10)))
    _layout(fig, 120 + 150 * L, title=dict(text=t(f"att.stage.{stage}", lang), font=dict(size=13), x=0.01),
            annotations=titles, coloraxis=dict(colorbar=dict(thickness=10, len=0.8), **_zrange(values, stage)),
            margin=dict(l=10, r=10, t=44, b=10))
    return fig


def attention_head(values: np.ndarray, wei: np.ndarray, chars: list[str], stage: str, lang: str,
                   title: str) -> go.Figure:
    """One head large: values (T, T) of the stage, with each query row's max weight and entropy
    of wei (T, T) on the right, so a saturated (near one-hot) row shows as a number, not only a colour."""
    T = len(chars)
    masked = ~np.isfinite(values)
    fig = go.Figure()
    fig.add_trace(go.Heatmap(z=blank_inf(values), text=_hover_text(chars, masked, lang), hoverongaps=True,
                             hovertemplate="%{text}<br>%{z:.3f}<extra></extra>", xaxis="x", yaxis="y",
                             showscale=False, **_zrange_heatmap(values, stage)))  # the grid's colour bar applies
    rows = np.arange(T)
    fig.add_trace(go.Bar(x=wei.max(-1), y=rows, orientation="h", name=t("att.row_max", lang), xaxis="x2",
                         yaxis="y", marker_color="#ff7f0e",
                         hovertemplate="%{y}: max %{x:.2f}<extra></extra>"))
    ent = entropy(wei)
    fig.add_trace(go.Scatter(x=ent, y=rows, customdata=ent / np.log(2), mode="markers", name=t("att.row_entropy", lang),
                             xaxis="x3", yaxis="y", marker=dict(color="#2ca02c", size=5),
                             hovertemplate="%{y}: %{x:.2f} nats (%{customdata:.2f} bits)<extra></extra>"))
    size = 11 if T <= 32 else 8
    fig.update_layout(
        xaxis=dict(domain=[0, 0.72], side="bottom", **_ticks(chars, True, size)),
        yaxis=dict(autorange="reversed", **_ticks(chars, True, size)),
        xaxis2=dict(domain=[0.80, 1.0], range=[0, 1], title=dict(text=t("att.row_max", lang), font=dict(size=10)),
                    tickfont=dict(size=9), side="bottom", anchor="y"),
        xaxis3=dict(domain=[0.80, 1.0], overlaying="x2", side="top", anchor="y", tickfont=dict(size=9),
                    range=[0, max(1.0, float(np.log2(max(T, 2))))],
                    title=dict(text=t("att.row_entropy", lang), font=dict(size=10))),
        showlegend=False, bargap=0.1, title=dict(text=title, font=dict(size=13), x=0.01, y=0.99))
    return _layout(fig, max(460, 120 + 11 * T), margin=dict(l=30, r=10, t=70, b=40))


def _zrange_heatmap(values: np.ndarray, stage: str) -> dict:
    r = _zrange(values, stage)
    return dict(zmin=r["cmin"], zmax=r["cmax"], colorscale=r["colorscale"])


def query_bars(row: np.ndarray, mean_row: np.ndarray, chars: list[str], query: int, lang: str) -> go.Figure:
    """One query's weights over the keys (bars) and the layer's mean over heads (markers)."""
    keys = np.arange(len(chars))
    fig = go.Figure()
    fig.add_trace(go.Bar(x=keys, y=blank_inf(row), name=t("att.this_head", lang), marker_color=KEPT,
                         hovertemplate="%{x}: %{y:.3f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=keys, y=blank_inf(mean_row), mode="markers", name=t("att.mean_heads", lang),
                             marker=dict(color="#ff7f0e", size=7, symbol="diamond"),
                             hovertemplate="%{x}: %{y:.3f}<extra></extra>"))
    q = f"'{show_char(chars[query])}'"
    fig.update_layout(xaxis=_ticks(chars, True, 10 if len(chars) <= 40 else 8),
                      yaxis=dict(range=[0, 1], title=dict(text="wei", font=dict(size=11))),
                      legend=dict(orientation="h", y=-0.18, yanchor="top", x=0, xanchor="left"),
                      title=dict(text=t("att.query_title", lang, pos=query, char=q), font=dict(size=13), x=0.01))
    return _layout(fig, 320, plot_bgcolor="rgba(0,0,0,0)", margin=dict(l=40, r=16, t=36, b=70))


def _label(c: str) -> str:
    return show_char(c)


def probability_panels(chars: list[str], panels: list, lang: str, top_n: int = 20,
                       picked: int | None = None) -> go.Figure:
    """One horizontal bar chart per temperature, side by side, sorted by probability (the order
    does not depend on temperature); bars cut by top-k / top-p are grey; picked is drawn red."""
    order = np.argsort(-panels[0].full, kind="stable")[:top_n] if panels else []
    labels = [f"{_label(chars[i])}\u2009" for i in order]
    n = max(len(panels), 1)
    fig = go.Figure()
    gap = 0.04
    w = (1 - gap * (n - 1)) / n
    for j, p in enumerate(panels):
        ax = "" if j == 0 else str(j + 1)
        colors = [PICKED if i == picked else (KEPT if p.kept[i] else DROPPED) for i in order]
        shown = np.where(p.kept[order], p.probs[order], p.full[order])
        hover = [t("soft.hover_kept" if p.kept[i] else "soft.hover_dropped", lang, char=repr(chars[i]),
                   p=f"{p.probs[i]:.3f}", full=f"{p.full[i]:.3f}") for i in order]
        fig.add_trace(go.Bar(x=shown, y=list(range(len(order))), orientation="h", marker_color=colors,
                             hovertext=hover, hoverinfo="text", xaxis=f"x{ax}", yaxis=f"y{ax}", showlegend=False))
        x0 = j * (w + gap)
        rest = 1.0 - float(p.full[order].sum())
        fig.layout[f"xaxis{ax}"] = dict(domain=[max(0.0, x0), min(1.0, x0 + w)], range=[0, 1], anchor=f"y{ax}",
                                        tickfont=dict(size=9), nticks=3)
        fig.layout[f"yaxis{ax}"] = dict(anchor=f"x{ax}", autorange="reversed", tickmode="array",
                                        tickvals=list(range(len(order))), ticktext=labels,
                                        tickfont=dict(size=11, family="ui-monospace, monospace"))
        head = t("soft.panel_title", lang, T=f"{p.temperature:g}", H=f"{p.entropy:.2f}")
        if rest > 0.0005:
            head += "<br>" + t("soft.rest", lang, n=len(chars) - len(order), p=f"{rest:.3f}")
        fig.add_annotation(text=head, x=x0 + w / 2, y=1.0, xref="paper", yref="paper", yanchor="bottom",
                           showarrow=False, font=dict(size=10))
    return _layout(fig, 130 + 19 * len(order), margin=dict(l=30, r=10, t=66, b=30), plot_bgcolor="rgba(0,0,0,0)")


def logits_bars(chars: list[str], logits: np.ndarray, lang: str, top_n: int = 20) -> go.Figure:
    """The raw logits of the last position, in the same (probability) order as the panels."""
    order = np.argsort(-logits, kind="stable")[:top_n]
    fig = go.Figure(go.Bar(x=list(range(len(order))),
                           y=logits[order], marker_color="#7f7f7f",
                           hovertext=[f"{chars[i]!r}: {logits[i]:.3f}" for i in order], hoverinfo="text"))
    fig.update_layout(xaxis=dict(tickmode="array", tickvals=list(range(len(order))),
                                 ticktext=[_label(chars[i]) for i in order],
                                 tickfont=dict(size=11, family="ui-monospace, monospace")),
                      title=dict(text=t("soft.logits_title", lang), font=dict(size=13), x=0.01))
    return _layout(fig, 260, plot_bgcolor="rgba(0,0,0,0)")


def _tint(p: float) -> str:
    """A background for a character sampled with probability p: red (unlikely) to green (likely)."""
    hue = int(120 * max(0.0, min(1.0, p)))
    return f"hsla({hue}, 75%, 55%, 0.35)"


def colored_text(prompt: str, sampled: list[tuple[str, float, list]], lang: str) -> str:
    """The prompt in plain text, then each sampled character on a background coloured by the
    probability it had when drawn; the title (hover) names it and the top alternatives. Escaped."""
    out = [f'<span class="prompt">{html.escape(prompt)}</span>']
    for c, p, top in sampled:
        alts = ", ".join(f"{a!r} {q:.2f}" for a, q in top)
        title = t("samp.hover", lang, char=repr(c), p=f"{p:.3f}", alts=alts)
        glyph = "↵\n" if c == "\n" else c
        out.append(f'<span class="tok" style="background:{_tint(p)}" title="{html.escape(title, quote=True)}">'
                   f"{html.escape(glyph)}</span>")
    legend = html.escape(t("samp.legend", lang))
    return (f'<div class="sampled-text" style="{MONO_BOX}">{"".join(out)}</div>'
            f'<div class="sampled-legend" style="font-size:12px;opacity:0.75">{legend}</div>')


def context_html(chars: str, cropped: int, picked: str | None, lang: str, only_last: bool = False) -> str:
    """The context the model sees at one step (cropped to block_size), and the character sampled. With
    only_last (the bigram) every character but the last is greyed: it is fed them, and reads none."""
    cell = "display:inline-block;min-width:0.9em;text-align:center;margin:1px;border-radius:3px;"
    n = len(chars)
    body = "".join(f'<span class="ctx{" unread" if only_last and i < n - 1 else ""}" style="{cell}'
                   f'background:rgba(127,127,127,0.15){";opacity:0.3" if only_last and i < n - 1 else ""}">'
                   f"{html.escape(show_char(c))}</span>" for i, c in enumerate(chars))
    notes = [t("samp.bigram_last", lang)] if only_last else [t("samp.cropped", lang, n=cropped)] if cropped else []
    note = "".join(f'<div class="ctx-note" style="font-size:12px;opacity:0.75">{html.escape(s)}</div>' for s in notes)
    nxt = (f' → <span class="tok picked" style="{cell}background:rgba(214,39,40,0.35);font-weight:700">'
           f"{html.escape(show_char(picked))}</span>" if picked is not None else "")
    return f'{note}<div class="context-line" style="{MONO_BOX}">{body}{nxt}</div>'


def draws_html(chars: list[str], ids: list[int], probs: np.ndarray, replacement: bool, temperature: float,
               lang: str) -> str:
    """What torch.multinomial drew: the characters in order, then each one's count beside n * p."""
    n = len(ids)
    cell = "display:inline-block;min-width:0.9em;text-align:center;margin:1px;border-radius:3px;"
    seq = "".join(f'<span class="draw" style="{cell}background:rgba(31,119,180,0.18)">'
                  f"{html.escape(show_char(chars[i]))}</span>" for i in ids)
    counts = {}
    for i in ids:
        counts[i] = counts.get(i, 0) + 1
    rows = "".join(f"<tr><td><code>{html.escape(show_char(chars[i]))}</code></td><td>{c}</td>"
                   f"<td>{n * float(probs[i]):.1f}</td></tr>"
                   for i, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:12])
    head = t("soft.draw_said", lang, n=n, T=f"{temperature:g}", replacement=str(replacement),
             distinct=len(counts))
    table = (f'<table class="draw-counts"><tr><th>{html.escape(t("soft.draw_char", lang))}</th>'
             f'<th>{html.escape(t("soft.draw_count", lang))}</th><th>n · p</th></tr>{rows}</table>')
    return (f'<div class="inside-note">{html.escape(head)}</div>'
            f'<div class="draws" style="{MONO_BOX}">{seq}</div>{table}')
