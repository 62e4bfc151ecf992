"""What every feature's views share: the font, the colour scales, how a character is drawn on an
axis, and the small notes (a notice, a refusal) shown above a view."""
import html

from .errors import Refusal

FONT = "Inter, 'Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'Microsoft YaHei', sans-serif"
SEQUENTIAL = [[0.0, "#ffffff"], [0.15, "#c6dbef"], [0.5, "#4292c6"], [1.0, "#08306b"]]
BLANK = "#e4e4e4"  # a plot's background: what a masked cell, or one with nothing to colour, looks like
MONO_BOX = ("font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:14px;line-height:1.7;"
            "white-space:pre-wrap;overflow-wrap:anywhere;padding:8px 10px;border-radius:8px;"
            "border:1px solid var(--border-color-primary)")  # a box of text coloured character by character


def layout(fig, height: int, margin: dict | None = None, **extra):
    """The house layout of a figure: its height, the app's font, a blank background; extra overrides."""
    base = dict(height=height, margin=margin or dict(l=40, r=16, t=36, b=36), font=dict(family=FONT, size=12),
                plot_bgcolor=BLANK, paper_bgcolor="rgba(0,0,0,0)")
    fig.update_layout(**{**base, **extra})
    return fig
DIVERGING = "RdBu_r"
VISIBLE = {" ": "␣", "\n": "↵", "\t": "⇥", "\r": "␍"}
NOTE = "padding:6px 10px;border-radius:8px;margin:2px 0;font-size:14px;overflow-wrap:anywhere;"


def show_char(c: str) -> str:
    """A character as it should appear on an axis: space, newline and tab made visible."""
    return VISIBLE.get(c, c)


def note_html(texts: list[str]) -> str:
    """Each text as an ℹ️ note."""
    return "".join(f'<div class="inside-note" style="{NOTE}">ℹ️ {html.escape(p)}</div>' for p in texts)


def refusal_html(e: Refusal, lang: str) -> str:
    """A refusal shown in place, above the view it left as it was."""
    return (f'<div class="inside-note inside-warn" data-refusal="{html.escape(e.key)}" style="{NOTE}'
            f'background:rgba(255,193,7,0.18)">⚠️ {html.escape(e.message(lang))}</div>')
