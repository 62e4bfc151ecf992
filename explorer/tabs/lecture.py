"""The "Lecture" tab: one sub-tab per idea of the lecture, in its order (explorer/lecture/)."""
import gradio as gr

from ..context import AppContext
from ..i18n import t
from ..lecture import batches, bigram, data, graph, scale, trick

# (id, title key, module with build(ctx) -> dict and optionally CSS), in the lecture's order
SECTIONS = (
    ("data", "lecture.tab.data", data),
    ("batches", "lecture.tab.batches", batches),
    ("bigram", "lecture.tab.bigram", bigram),
    ("trick", "lecture.tab.trick", trick),
    ("scale", "lecture.tab.scale", scale),
    ("graph", "lecture.tab.graph", graph),
)
CSS = "\n".join(getattr(module, "CSS", "") for _, _, module in SECTIONS)  # added to the app's CSS


def build(ctx: AppContext) -> dict:
    """The walkthrough's intro and its sub-tabs; returns every section's components as {section: {...}}."""
    out = {"intro": ctx.labels.make(gr.Markdown, text="lecture.intro", elem_id="lecture-intro")}
    with gr.Tabs(elem_id="lecture-tabs"):
        for section_id, title_key, module in SECTIONS:
            tab = gr.Tab(t(title_key, "en"), id=f"lecture-{section_id}", elem_id=f"tab-lecture-{section_id}")
            with ctx.labels.add(tab, label=title_key):
                out[section_id] = module.build(ctx)
    return out
