"""The scale section's builder: head_size and the batch's sizes, the variances, the histogram and one
row's softmax, redrawn in the visitor's language with their last settings."""
import gradio as gr

from model.lecture import scale as M

from ...context import AppContext
from ...errors import Refusal, user_errors
from ...groups import QUIET_INSPECT
from ...limits import MAX_SEED
from ...memo import SharedMemo, shared_views
from ...session import Session
from ...views import refusal_html
from ..code import code_panel
from . import figures as F
from .compute import DEFAULTS, MAX_B, MAX_HS, MAX_T, compute, sharpen
from .figures import histogram, softmax_rows, stats_html

VIEW = "lecture.scale"  # its last arguments, for a language switch
VIEWS = SharedMemo(32)   # the same controls draw the same views for every visitor


def sharpen_html(lang: str) -> str:
    """The lecture's sharpening example, in lang."""
    return F.sharpen_html(*sharpen(), lang)


def build(ctx: AppContext) -> dict:
    """Lay out the section and wire its events; returns its components by name."""
    L, c, d = ctx.labels, {}, DEFAULTS
    c["intro"] = L.make(gr.Markdown, text="lec.scale.intro", elem_id="lec-scale-intro")
    with gr.Row(equal_height=True, elem_id="lec-scale-controls"):
        c["head_size"] = L.make(gr.Slider, label="lec.scale.head_size", info="lec.scale.head_size.info", minimum=1,
                                maximum=MAX_HS, step=1, value=d["head_size"], elem_id="lec-scale-hs", scale=2,
                                min_width=240)
        c["B"] = L.make(gr.Slider, label="lec.scale.B", minimum=1, maximum=MAX_B,
                        step=1, value=d["B"], elem_id="lec-scale-B", min_width=200)
        c["T"] = L.make(gr.Slider, label="lec.scale.T", info="lec.scale.samples.info", minimum=2, maximum=MAX_T,
                        step=1, value=d["T"], elem_id="lec-scale-T", min_width=200)
        c["seed"] = L.make(gr.Number, label="lec.scale.seed", value=d["seed"], precision=0, minimum=0,
                           maximum=MAX_SEED, elem_id="lec-scale-seed", min_width=200)
    first = compute(d["head_size"], d["B"], d["T"], d["seed"])
    c["stats"] = gr.HTML(stats_html(first, "en"), elem_id="lec-scale-stats")
    with gr.Row(equal_height=False):
        with gr.Column(min_width=320):
            c["hist"] = gr.Plot(histogram(first, "en"), show_label=False, elem_id="lec-scale-hist")
        with gr.Column(min_width=320):
            c["rows"] = gr.Plot(softmax_rows(first, "en"), show_label=False, elem_id="lec-scale-rows")
    c["why"] = L.make(gr.Markdown, text="lec.scale.why", elem_id="lec-scale-why")
    c["sharpen"] = gr.HTML(sharpen_html("en"), elem_id="lec-scale-sharpen")
    for key, name in (("hs", "head_size"), ("B", "B"), ("T", "T"), ("seed", "seed")):
        ctx.linkable(key, c[name])
    _wire(ctx, c)
    code_panel(ctx, c, "lec-scale", M.scores, M.row_softmax, M.sharpen)
    return c


def views(args: tuple, lang: str) -> list:
    """[variance numbers, histogram of wei's entries, one row's softmax, lecture example] for these controls."""
    r = compute(*args)
    return [stats_html(r, lang), histogram(r, lang), softmax_rows(r, lang), sharpen_html(lang)]


def _wire(ctx: AppContext, c: dict) -> None:
    names = ("head_size", "B", "T", "seed")
    inputs = [c[n] for n in names] + [ctx.lang]
    outputs = [c["stats"], c["hist"], c["rows"], c["sharpen"]]

    def render(session: Session, head_size, B, T, seed, lang: str) -> list:
        """Every view for these controls, remembered for a language switch; a refusal keeps them as they were."""
        args = (head_size, B, T, seed)
        try:
            out = shared_views(VIEWS, (args, lang), lambda: views(args, lang))
        except Refusal as e:  # the figures stay as they were; the message says what to change
            return [refusal_html(e, lang)] + [gr.skip()] * (len(outputs) - 1)
        ctx.remember(session, VIEW, args)
        return out

    def lecture_scale_ui(head_size, B, T, seed, lang, request: gr.Request):
        """Controls -> [variance numbers, histogram of wei's entries, one row's softmax, lecture example]."""
        with user_errors(lang):
            return render(ctx.session(request), head_size, B, T, seed, lang)

    for n in names:
        c[n].input(lecture_scale_ui, inputs, outputs, trigger_mode="always_last", **QUIET_INSPECT)
    ctx.redraw(VIEW, outputs, render, default=lambda session: tuple(DEFAULTS[n] for n in names),
               inputs=inputs[:-1])
