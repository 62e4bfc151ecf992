"""Pure figures for the Layers tab: numpy in, plotly figures (and coloured text) out, in the language
asked. The lens is a positions x layers heatmap; surprise is HTML, one span a character."""
import html
import math

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from ..views import MONO_BOX, SEQUENTIAL, layout, show_char
from .compute import KINDS, Embeddings, Lens, Surprise

KIND_COLOURS = {"vowel": "#d62728", "consonant": "#1f77b4", "capital": "#9467bd", "punctuation": "#2ca02c",
                "space": "#7f7f7f"}
ROW_PX = 20        # the lens grid's row height: a long prompt scrolls, each row stays legible on a phone
SURPRISE_HI = 5.0  # nats at which a character's red saturates (ln 65 = 4.17 is a uniform guess)
DELTA_HI = 3.0     # nats at which a difference saturates
TEXT_BOX = MONO_BOX + ";line-height:1.8;max-height:560px;overflow-y:auto"  # a long text scrolls inside its box


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    return layout(fig, height, **{"margin": dict(l=50, r=12, t=40, b=36), **extra})


def quoted(c: str) -> str:
    """A character as a hover names it: newline and space visible, in quotes."""
    return f"'{show_char(c)}'"


def short_p(p: float) -> str:
    """A probability in four characters at most: .26, 1.0."""
    return "1.0" if p >= 0.995 else f"{p:.2f}"[1:]


def layer_names(n: int, lang: str) -> list[str]:
    """emb, block 1, ..., block n-1: where the residual stream was read."""
    return [t("lens.emb", lang)] + [t("lens.block", lang, n=i) for i in range(1, n)]


def lens_grid(lens: Lens, lang: str) -> go.Figure:
    """Rows: the prompt's positions (idx), columns: layers. Text: the top-1 next character and its p;
    colour: p of the actual next character (NaN, grey, at the last position)."""
    n, T, _ = lens.top_ids.shape
    names = layer_names(n, lang)
    nxt = [quoted(lens.vocab[i]) for i in lens.next_ids] + [t("lens.no_next", lang)]
    cell = [[f"{show_char(lens.vocab[lens.top_ids[l, i, 0]])} {short_p(lens.top_p[l, i, 0])}" for l in range(n)]
            for i in range(T)]
    hover = [[t("lens.hover", lang, layer=names[l], pos=i, char=quoted(lens.chars[i]), next=nxt[i],
                p="—" if math.isnan(lens.p_next[l, i]) else f"{lens.p_next[l, i]:.3f}",
                top=", ".join(f"{quoted(lens.vocab[j])} {q:.2f}" for j, q in zip(lens.top_ids[l, i], lens.top_p[l, i])))
              for l in range(n)] for i in range(T)]
    rows = [f"{i} {show_char(c)}→{show_char(lens.vocab[lens.next_ids[i]]) if i < T - 1 else '?'}"
            for i, c in enumerate(lens.chars)]
    fig = go.Figure(go.Heatmap(
        z=lens.p_next.T, x=list(range(n)), y=list(range(T)), text=cell, customdata=hover, zmin=0, zmax=1,
        colorscale=SEQUENTIAL, texttemplate="%{text}", textfont=dict(size=11, family="ui-monospace, monospace"),
        hovertemplate="%{customdata}<extra></extra>", hoverongaps=False, xgap=1, ygap=1,
        showscale=False))  # the title says what the colour is: a colour bar would take a phone's width
    fig.update_layout(
        xaxis=dict(tickmode="array", tickvals=list(range(n)), ticktext=names, side="top", tickfont=dict(size=11)),
        yaxis=dict(tickmode="array", tickvals=list(range(T)), ticktext=rows, autorange="reversed",
                   tickfont=dict(size=11, family="ui-monospace, monospace")),
        title=dict(text=t("lens.grid_title", lang), font=dict(size=12), x=0.01, y=1, yanchor="top", pad=dict(t=28)))
    return _layout(fig, 110 + ROW_PX * T, margin=dict(l=64, r=4, t=86, b=10))  # the title clears the mode bar


def layer_loss(lens: Lens, lang: str) -> go.Figure:
    """The mean loss of every layer's reading on the prompt, beside ln V (a uniform guess)."""
    n, V = len(lens.mean_loss), len(lens.vocab)
    names = layer_names(n, lang)
    y = np.where(np.isfinite(lens.mean_loss), lens.mean_loss, np.nan)
    fig = go.Figure(go.Bar(x=names, y=y, marker_color=["#d62728" if i in lens.rises else "#1f77b4" for i in range(n)],
                           text=[f"{v:.2f}" if np.isfinite(v) else "" for v in y], textposition="outside",
                           cliponaxis=False, hovertemplate="%{x}: %{y:.3f} nats<extra></extra>"))
    uniform = math.log(V)
    fig.add_hline(y=uniform, line=dict(color="#7f7f7f", dash="dot"),
                  annotation_text=t("lens.uniform", lang, V=V, value=f"{uniform:.2f}"), annotation_position="top right",
                  annotation_font_size=10)
    top = max(uniform, float(np.nanmax(y)) if np.isfinite(y).any() else 0.0) * 1.15
    fig.update_layout(yaxis=dict(range=[0, top], title=dict(text="nats", font=dict(size=11))),
                      title=dict(text=t("lens.loss_title", lang), font=dict(size=12), x=0.01), showlegend=False)
    return _layout(fig, 300, plot_bgcolor="rgba(0,0,0,0)", margin=dict(l=44, r=12, t=40, b=40))


def _red(loss: float) -> str:
    """White (0 nats) to red (SURPRISE_HI and above)."""
    a = max(0.0, min(1.0, loss / SURPRISE_HI))
    return f"rgba(214,39,40,{0.75 * a:.3f})"


def _blue_red(d: float) -> str:
    """Blue (the picked model less surprised) through white to red (more surprised)."""
    a = max(-1.0, min(1.0, d / DELTA_HI))
    return f"rgba(214,39,40,{0.75 * a:.3f})" if a > 0 else f"rgba(31,119,180,{-0.75 * a:.3f})"


def surprise_html(s: Surprise, lang: str, names: tuple[str, str] = ("", "")) -> str:
    """The text, each character on a background by its loss (or by the difference between the two models'
    losses); its title (hover) says p, the loss and the top alternatives. Escaped."""
    model, other = names
    delta = s.delta
    first = html.escape(t("surp.first", lang), quote=True)
    out = [f'<span class="tok first" title="{first}">{html.escape(_glyph(s.text[0]))}</span>']
    m = s.main
    for i, c in enumerate(s.text[1:]):
        loss = float(m.nll[i])
        if delta is None:
            alts = ", ".join(f"{quoted(m.vocab[j])} {q:.2f}" for j, q in zip(m.top_ids[i], m.top_p[i]))
            title = t("surp.hover", lang, char=quoted(c), loss=f"{loss:.2f}", p=f"{math.exp(-loss):.3f}", alts=alts)
            colour = _red(loss)
        else:
            title = t("surp.hover_compare", lang, char=quoted(c), model=model, other=other, a=f"{loss:.2f}",
                      b=f"{s.other.nll[i]:.2f}", d=f"{delta[i]:+.2f}")
            colour = _blue_red(float(delta[i]))
        out.append(f'<span class="tok" style="background:{colour}" title="{html.escape(title, quote=True)}">'
                   f"{html.escape(_glyph(c))}</span>")
    legend = (t("surp.legend", lang, hi=f"{SURPRISE_HI:g}") if delta is None else
              t("surp.legend_compare", lang, model=model, other=other, hi=f"{DELTA_HI:g}"))
    return (f'<div class="surprise-text" style="{TEXT_BOX}">{"".join(out)}</div>'
            f'<div class="surprise-legend" style="font-size:12px;opacity:0.75">{html.escape(legend)}</div>')


def _glyph(c: str) -> str:
    return "↵\n" if c == "\n" else c


def embedding_scatter(e: Embeddings, lang: str) -> go.Figure:
    """Each character at its row's first two principal coordinates, coloured by kind."""
    fig = go.Figure()
    for kind in KINDS:
        mine = [i for i, k in enumerate(e.kinds) if k == kind]
        if not mine:
            continue
        fig.add_trace(go.Scatter(
            x=e.xy[mine, 0], y=e.xy[mine, 1], mode="text", text=[show_char(e.chars[i]) for i in mine],
            textfont=dict(size=15, color=KIND_COLOURS[kind], family="ui-monospace, monospace"),
            name=t(f"emb.kind.{kind}", lang), customdata=[quoted(e.chars[i]) for i in mine],
            hovertemplate="%{customdata}: (%{x:.2f}, %{y:.2f})<extra></extra>"))
    V = len(e.chars)
    title = t("emb.title_bigram", lang, V=V) if e.bigram else t("emb.title", lang, V=V, C=e.width)
    axis = lambda n: dict(title=dict(text=t("emb.axis", lang, n=n, pct=f"{e.explained[n - 1]:.1%}"),
                                     font=dict(size=11)), zeroline=False)
    fig.update_layout(xaxis=axis(1), yaxis=axis(2), title=dict(text=title, font=dict(size=12), x=0.01),
                      legend=dict(orientation="h", y=-0.18, yanchor="top", x=0, font=dict(size=11)))
    return _layout(fig, 480, plot_bgcolor="rgba(127,127,127,0.06)", margin=dict(l=50, r=12, t=40, b=90))


def position_heatmap(cos: np.ndarray, lang: str) -> go.Figure:
    """cos(position i, position j) for every pair of learned positions (block_size, block_size)."""
    T = len(cos)
    fig = go.Figure(go.Heatmap(z=cos, zmin=-1, zmax=1, colorscale="RdBu_r", colorbar=dict(thickness=8),
                               hovertemplate="cos(%{y}, %{x}) = %{z:.2f}<extra></extra>"))
    fig.update_layout(xaxis=dict(title=dict(text="j", font=dict(size=11)), constrain="domain"),
                      yaxis=dict(title=dict(text="i", font=dict(size=11)), autorange="reversed",
                                 scaleanchor="x", constrain="domain"),
                      title=dict(text=t("emb.pos_title", lang, T=T), font=dict(size=12), x=0.01))
    return _layout(fig, 440, plot_bgcolor="rgba(0,0,0,0)", margin=dict(l=40, r=12, t=40, b=40))
