"""Pure figures of the graph section: wei as an arc diagram (nodes on a line, edges as arcs with
width and opacity by weight), and wei as a heatmap for self- and cross-attention."""
import numpy as np
import plotly.graph_objects as go

from ...i18n import t
from ...views import FONT, SEQUENTIAL, show_char

PAST, FUTURE, NODE = "#1f5fa8", "#e6550d", "#333333"
LEVELS = 6        # edges are drawn in this many bands of weight (one trace each)
ARC_POINTS = 25   # points along one arc
MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"


def _q(c: str) -> str:
    """A character as hover text shows it: quoted, with space and newline made visible."""
    return f"'{show_char(c)}'"


def _arc(j: int, i: int, T: int) -> tuple[np.ndarray, np.ndarray]:
    """Points from node j to node i: a half ellipse above the line when j < i (from the past),
    below when j > i (from the future), a small loop on top of the node when j == i."""
    if j == i:
        a = np.linspace(-np.pi / 2, 3 * np.pi / 2, ARC_POINTS)
        return i + 0.2 * np.cos(a), 0.08 + 0.14 * (1 + np.sin(a))
    d = abs(i - j)
    theta = np.linspace(np.pi, 0, ARC_POINTS) if j < i else np.linspace(0, np.pi, ARC_POINTS)
    height = 0.35 + 0.65 * (d / max(T - 1, 1)) ** 0.5  # short arcs stay tall enough to see
    return (i + j) / 2 + d / 2 * np.cos(theta), np.sign(i - j) * height * np.sin(theta)


def _edge_trace(arcs: list, colour: str, weight: float) -> go.Scatter:
    """Arcs [(x, y, arrow)] of one colour and band of weight as one trace, NaN between them."""
    xs, ys, sizes = [], [], []
    for x, y, arrow in arcs:
        size = np.zeros(ARC_POINTS + 1)  # + the gap (NaN) that ends this edge
        if arrow:
            size[ARC_POINTS - 4] = 13  # the arrowhead sits just before the listener
        xs += [x, [np.nan]]
        ys += [y, [np.nan]]
        sizes.append(size)
    return go.Scatter(x=np.concatenate(xs), y=np.concatenate(ys), mode="lines+markers", hoverinfo="skip",
                      showlegend=False, opacity=0.25 + 0.75 * weight,
                      line=dict(color=colour, width=1 + 7 * weight, shape="spline"),
                      marker=dict(symbol="arrow", size=np.concatenate(sizes), angleref="previous", color=colour,
                                  line_width=0))


def graph_figure(wei: np.ndarray, edges: list[tuple[int, int, float]], chars: list[str], title: str, lang: str,
                 causal: bool) -> go.Figure:
    """The graph of wei (T, T) over the nodes chars, drawing the edges (j, i, wei[i, j]) kept."""
    T = len(chars)
    fig = go.Figure()
    bands: dict[tuple, list] = {}  # (band of weight, from the future) -> arcs: width and opacity grow with wei
    for j, i, w in edges:
        band = min(int(w * LEVELS), LEVELS - 1)
        bands.setdefault((band, j > i), []).append((*_arc(j, i, T), j != i))
    for (band, future), arcs in sorted(bands.items()):
        fig.add_trace(_edge_trace(arcs, FUTURE if future else PAST, (band + 0.5) / LEVELS))
    hx, hy, ht = [], [], []  # one invisible point at each arc's top, carrying its hover text
    for j, i, w in edges:
        x, y = _arc(j, i, T)
        k = int(np.argmax(np.abs(y))) if j != i else ARC_POINTS // 2
        hx.append(x[k])
        hy.append(y[k])
        ht.append(t("lec.graph.edge_hover", lang, i=i, ci=_q(chars[i]), j=j, cj=_q(chars[j]), w=f"{w:.3f}"))
    fig.add_trace(go.Scatter(x=np.array(hx), y=np.array(hy), mode="markers", hovertext=ht, hoverinfo="text",
                             showlegend=False, marker=dict(size=14, color="rgba(0,0,0,0)")))
    best = wei.argmax(-1)
    node_hover = [t("lec.graph.node_hover", lang, i=i, c=_q(c), j=best[i], cj=_q(chars[best[i]]),
                    w=f"{wei[i, best[i]]:.2f}") for i, c in enumerate(chars)]
    fig.add_trace(go.Scatter(
        x=np.arange(T), y=np.zeros(T), mode="markers+text", text=[show_char(c) for c in chars],
        textfont=dict(size=14 if T <= 12 else 13, family=MONO, color="#111111"), hovertext=node_hover,
        hoverinfo="text", showlegend=False,  # 16 nodes must fit side by side on a phone
        marker=dict(size=19 if T <= 12 else 17, color="white", line=dict(color=NODE, width=1.5))))
    if causal:  # the empty lower half says why it is empty
        fig.add_annotation(text=t("lec.graph.no_future", lang), x=(T - 1) / 2, y=-0.55, showarrow=False,
                           font=dict(size=12, color="#888888"))
    sub = t("lec.graph.subtitle", lang, n=len(edges), total=int((wei > 0).sum()))
    fig.update_layout(
        title=dict(text=f"{title}<br><span style='font-size:12px'>{sub}</span>", font=dict(size=15), x=0.01,
                   y=0.97, yanchor="top"),
        xaxis=dict(range=[-0.7, T - 0.3], tickmode="array", tickvals=list(range(T)), ticktext=[str(i) for i in
                   range(T)], tickfont=dict(size=10, color="#777777"), showgrid=False, zeroline=False,
                   fixedrange=True),
        yaxis=dict(range=[-1.05, 1.08], visible=False, fixedrange=True),
        height=360, margin=dict(l=6, r=6, t=62, b=24), font=dict(family=FONT, size=12), dragmode=False,
        plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)", hovermode="closest")
    return fig


def wei_heatmap(wei: np.ndarray, q_chars: list[str], kv_chars: list[str], title: str, x_title: str,
                y_title: str, lang: str, causal: bool) -> go.Figure:
    """wei (T_q, T_kv): rows the queries, columns the keys; with causal, the future cells are blank."""
    Tq, Tkv = wei.shape
    masked = np.triu(np.ones((Tq, Tkv), dtype=bool), 1) if causal else np.zeros((Tq, Tkv), dtype=bool)
    z = np.where(masked, np.nan, wei)
    note = " · " + t("lec.graph.masked", lang)
    hover = [[t("lec.graph.cell", lang, i=i, ci=_q(q_chars[i]), j=j, cj=_q(kv_chars[j]))
              + (note if masked[i, j] else f"<br>wei = {wei[i, j]:.3f}") for j in range(Tkv)] for i in range(Tq)]
    fig = go.Figure(go.Heatmap(z=z, text=hover, hoverinfo="text", hoverongaps=True, zmin=0.0, zmax=1.0,
                               colorscale=SEQUENTIAL, xgap=1, ygap=1,
                               colorbar=dict(thickness=10, len=0.75, tickfont=dict(size=10))))
    ticks = lambda chars: dict(tickmode="array", tickvals=list(range(len(chars))),
                               ticktext=[show_char(c) for c in chars], tickfont=dict(size=13, family=MONO),
                               tickangle=0, fixedrange=True)
    fig.update_layout(
        title=dict(text=title, font=dict(size=14), x=0.01, y=0.97, yanchor="top"),
        xaxis=dict(title=dict(text=x_title, font=dict(size=12)), side="bottom", **ticks(kv_chars)),
        yaxis=dict(title=dict(text=y_title, font=dict(size=12)), autorange="reversed", **ticks(q_chars)),
        height=380, margin=dict(l=56, r=8, t=62, b=50), font=dict(family=FONT, size=12), dragmode=False,
        plot_bgcolor="#e4e4e4", paper_bgcolor="rgba(0,0,0,0)")
    return fig
