"""The batches section's builder: the batch controls, x and y aligned, the tensors and the examples,
redrawn in the visitor's language with their last settings."""
import gradio as gr

from model.data import CharDataset
from model.lecture.batches import draw, examples, get_batch

from ... import corpus as shared
from ...context import AppContext
from ...errors import Refusal, user_errors
from ...groups import QUIET_INSPECT
from ...limits import MAX_SEED
from ..code import code_panel
from ..data.compute import corpus
from ..data.figures import refusal_note
from . import figures as F
from .compute import DEFAULTS, MAX_B, MAX_T, batch, next_seed

VIEW = "lecture.batches"  # its last arguments, for a language switch


def render(B, T, seed, split, lang: str) -> list:
    """[summary, grid, tensors, examples] html for one batch, or a refusal in the summary."""
    try:
        c = corpus()
        r = batch(c, B, T, seed, split)
    except Refusal as e:
        return [refusal_note(e, lang), "", "", ""]
    chars = c.tokenizer.chars
    return [F.summary_html(r.ix.tolist(), r.B, r.split, r.n, r.seed, lang),
            F.grid_html(c.text, r.offset, r.ix, r.xb, r.yb, chars, lang),
            F.tensors_html(r.xb.shape, r.printed, lang), F.examples_html(r.examples, r.B, r.T, chars, lang)]


def build(ctx: AppContext) -> dict:
    """Lay out the section and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    B, T, seed, split = DEFAULTS
    c["intro"] = L.make(gr.Markdown, text="lec.batches.intro", elem_id="lec-batches-intro")
    with gr.Row(equal_height=True, elem_id="lec-batches-controls"):
        c["B"] = L.make(gr.Slider, label="lec.batches.B", info="lec.batches.B.info", minimum=1, maximum=MAX_B,
                        step=1, value=B, elem_id="lec-batches-B", min_width=160)
        c["T"] = L.make(gr.Slider, label="lec.batches.T", info="lec.batches.T.info", minimum=1, maximum=MAX_T,
                        step=1, value=T, elem_id="lec-batches-T", min_width=160)
    with gr.Row(equal_height=False, elem_id="lec-batches-controls2"):
        c["seed"] = L.make(gr.Number, label="lec.batches.seed", info="lec.batches.seed.info", value=seed,
                           precision=0, minimum=0, maximum=MAX_SEED, elem_id="lec-batches-seed", min_width=140)
        c["split"] = L.make(gr.Radio, label="lec.batches.split", value=split, elem_id="lec-batches-split",
                            choices=[("lec.batches.split.train", "train"), ("lec.batches.split.val", "val")],
                            min_width=160)
        c["next"] = L.make(gr.Button, text="lec.batches.next", variant="primary", elem_id="lec-batches-next",
                           scale=0, min_width=200)
    c["summary"] = gr.HTML("", elem_id="lec-batches-summary")
    c["grid_title"] = L.make(gr.Markdown, text="lec.batches.grid.title")
    c["grid_note"] = L.make(gr.Markdown, text="lec.batches.grid.note")
    c["grid"] = gr.HTML("", elem_id="lec-batches-grid")
    c["tensors_title"] = L.make(gr.Markdown, text="lec.batches.tensors")
    c["tensors"] = gr.HTML("", elem_id="lec-batches-tensors")
    c["examples"] = gr.HTML("", elem_id="lec-batches-examples")
    code_panel(ctx, c, "lec-batches", get_batch, CharDataset.get_batch, draw, examples)
    for name in ("B", "T", "seed", "split"):
        ctx.linkable(name, c[name])
    _wire(ctx, c)
    return c


def _wire(ctx: AppContext, c: dict) -> None:
    inputs = [c["B"], c["T"], c["seed"], c["split"], ctx.lang]
    outputs = [c["summary"], c["grid"], c["tensors"], c["examples"]]

    def lecture_batches_ui(B, T, seed, split, lang, request: gr.Request):
        """(B, T, seed, split) -> [summary, grid, tensors, examples] html: the batch get_batch draws with seed."""
        with user_errors(lang):
            ctx.remember(ctx.session(request), VIEW, (B, T, seed, split))
            return render(B, T, seed, split, lang)

    def lecture_batches_next_ui(B, T, seed, split, lang, request: gr.Request):
        """The next seed (wrapping to 0) and its batch: [seed, summary, grid, tensors, examples]."""
        with user_errors(lang):
            try:
                seed = next_seed(seed)
            except Refusal as e:
                return [gr.skip(), refusal_note(e, lang), "", "", ""]
            ctx.remember(ctx.session(request), VIEW, (B, T, seed, split))
            return [seed, *render(B, T, seed, split, lang)]

    for name in ("B", "T", "seed", "split"):
        c[name].input(lecture_batches_ui, inputs, outputs, trigger_mode="always_last", **QUIET_INSPECT)
    c["seed"].submit(lecture_batches_ui, inputs, outputs, **QUIET_INSPECT)
    c["next"].click(lecture_batches_next_ui, inputs, [c["seed"], *outputs], **QUIET_INSPECT)
    # the last batch again in the new language (the lecture's on page load)
    shared.redraw(ctx, VIEW, outputs, lambda session, *args: render(*args),  # and when the corpus lands
                  default=lambda session: DEFAULTS, inputs=inputs[:-1])
