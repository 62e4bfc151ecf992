"""The Lecture tab's own content: the intro above its sections (ui.py places the sections as sub-tabs)."""
import gradio as gr

from ..context import AppContext


def build(ctx: AppContext) -> dict:
    """The walkthrough's intro; returns {"intro": Markdown}."""
    return {"intro": ctx.labels.make(gr.Markdown, text="lecture.intro", elem_id="lecture-intro")}
