"""Heads over time: one prompt's attention at every snapshot of a model's timeline. One layer x head's
wei as a strip of small heatmaps, step by step (from a smear to a pattern), and each head's mean row
entropy against step (heads sharpen at different times). The Attention tab's Play button walks the
header's step slider through the same snapshots."""
import html
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..errors import Refusal
from ..i18n import t
from ..picker import has_attention
from ..prompts import prepare
from ..session import Session
from ..views import FONT, SEQUENTIAL
from .compute import attention, entropy

MAX_STRIP = 12  # small heatmaps in the strip (the timeline's steps, evenly thinned)


@dataclass
class HeadsOverTime:
    steps: list[int]              # the snapshots' steps, then the final weights' step
    final: list[bool]
    chars: list[str]
    wei: np.ndarray               # (S, n_layer, n_head, T, T)
    row_entropy: np.ndarray       # (S, n_layer, n_head): mean over the rows of wei's entropy, nats
    val_loss: list


def heads_over_time(session: Session, key: str | None, prompt: str) -> HeadsOverTime:
    """Trace the prompt through every snapshot of the picked model (and its final weights)."""
    key = key or session.default_model()
    timeline = session.timeline(key) if key else None
    if timeline is None:
        raise Refusal("refuse.no_timeline", model=session.model_info(key)["name"] if key else "–")
    wei, steps, final, losses, chars = [], [], [], [], []
    for step in [*timeline.steps, None]:
        model, _, info, p = prepare(session, key, prompt, step)
        if not has_attention(model):
            raise Refusal("att.no_attention")
        att = attention(model, p.ids, list(p.text))
        wei.append(att.softmax)
        chars = att.chars
        steps.append(step if step is not None else info.get("step"))
        final.append(step is None)
        losses.append(info.get("val_loss"))
    wei = np.stack(wei)  # (S, L, nh, T, T)
    return HeadsOverTime(steps, final, chars, wei, entropy(wei).mean(-1), losses)


def strip_figure(h: HeadsOverTime, layer: int, head: int, lang: str) -> go.Figure:
    """One head's wei at each snapshot, left to right."""
    keep = sorted(set(np.linspace(0, len(h.steps) - 1, min(MAX_STRIP, len(h.steps))).round().astype(int)))
    titles = [t("heads.final", lang) if h.final[i] else str(h.steps[i]) for i in keep]  # short: a phone fits 12
    fig = make_subplots(rows=1, cols=len(keep), subplot_titles=titles, horizontal_spacing=0.01)
    for col, i in enumerate(keep, start=1):
        fig.add_heatmap(z=h.wei[i, layer, head], coloraxis="coloraxis", row=1, col=col,
                        customdata=np.full(h.wei.shape[-2:], h.steps[i]),
                        hovertemplate="step %{customdata}: row %{y}, col %{x}: %{z:.2f}<extra></extra>")
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False, autorange="reversed", scaleanchor=None)
    fig.update_layout(height=230, margin=dict(l=10, r=10, t=70, b=10), font=dict(family=FONT, size=11),
                      coloraxis=dict(colorscale=SEQUENTIAL, cmin=0, cmax=1, colorbar=dict(thickness=10, len=0.8)),
                      title=dict(text=t("heads.strip_title", lang, layer=layer + 1, head=head + 1), x=0.01,
                                 font=dict(size=13)))
    fig.update_annotations(font_size=9)
    return fig


def entropy_figure(h: HeadsOverTime, layer: int, lang: str) -> go.Figure:
    """Each head of the layer: its mean row entropy of wei (nats) against step; ln of the positions a
    row sees, on average, is what a uniform smear would give."""
    fig = go.Figure()
    T = len(h.chars)
    uniform = float(np.mean(np.log(np.arange(1, T + 1))))
    for head in range(h.row_entropy.shape[2]):
        fig.add_scatter(x=h.steps, y=h.row_entropy[:, layer, head], mode="lines+markers", name=f"H{head + 1}",
                        hovertemplate=f"H{head + 1}, step %{{x}}: %{{y:.2f}} nats<extra></extra>")
    fig.add_hline(y=uniform, line=dict(color="#888", dash="dash", width=1),
                  annotation_text=t("heads.uniform", lang, H=f"{uniform:.2f}"), annotation_position="top right")
    fig.update_layout(height=320, margin=dict(l=50, r=10, t=50, b=40), font=dict(family=FONT, size=12),
                      title=dict(text=t("heads.entropy_title", lang, layer=layer + 1), x=0.01, font=dict(size=13)),
                      xaxis=dict(title="step"), yaxis=dict(title=t("heads.entropy_axis", lang), rangemode="tozero"),
                      plot_bgcolor="#fafafa", legend=dict(orientation="h", y=-0.2))
    return fig


def sharpest_html(h: HeadsOverTime, layer: int, lang: str) -> str:
    """Which head of the layer sharpened most from step 0 to the end, and by how much: read off, not told."""
    drop = h.row_entropy[0, layer] - h.row_entropy[-1, layer]  # (n_head,)
    best = int(np.argmax(drop))
    line = t("heads.sharpest", lang, layer=layer + 1, head=best + 1, start=f"{h.row_entropy[0, layer, best]:.2f}",
             end=f"{h.row_entropy[-1, layer, best]:.2f}")
    return f'<p class="inside-note">{html.escape(line)}</p>'
