"""The ladder section's builder: the staircase and its table, every rung's sample side by side, and
the code each rung turns on; redrawn in the visitor's language with their last settings."""
import gradio as gr

from model.config import LADDER
from model.gpt import CausalSelfAttention

from ...context import AppContext
from ...errors import Refusal, user_errors
from ...groups import QUIET_INSPECT
from ...i18n import t
from ...limits import MAX_SEED
from ...session import Session
from ...views import refusal_html
from ..code import code_panel, source_of
from . import figures as fig
from .compute import DEFAULT_PROMPT, MAX_LENGTH, anatomy, code_of, details, gains, rungs, samples

VIEW = "lecture.ladder"
DEFAULTS = (DEFAULT_PROMPT, 1337, 120)  # prompt, seed, length


def render(session: Session, prompt, seed, length, lang: str) -> list:
    """[staircase, table, samples (or the refusal that stopped them), heads, stream, LayerNorm row]."""
    ladder = rungs(session)
    try:
        text = fig.samples_html(samples(session, prompt, seed, length), lang)
        an = anatomy(session, prompt)
        views = [fig.heads_figure(an, lang), fig.stream_figure(an, lang), fig.layer_norm_html(an, lang)]
    except Refusal as e:
        text, views = refusal_html(e, lang), [gr.skip()] * 3
    return [fig.staircase(ladder, lang), fig.table_html(ladder, gains(ladder), lang), text, *views]


def build(ctx: AppContext) -> dict:
    """Lay out the section and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    c["intro"] = L.make(gr.Markdown, text="lec.ladder.intro", elem_id="lec-ladder-intro")
    c["chart"] = gr.Plot(None, show_label=False, elem_id="lec-ladder-chart")
    c["table"] = gr.HTML("", elem_id="lec-ladder-table")
    c["why"] = L.make(gr.Markdown, text="lec.ladder.why_hurts", elem_id="lec-ladder-why")
    c["samples_head"] = L.make(gr.Markdown, text="lec.ladder.samples_head", elem_id="lec-ladder-samples-head")
    with gr.Row(equal_height=True):
        c["prompt"] = L.make(gr.Textbox, label="lec.ladder.prompt", placeholder="lec.ladder.prompt.ph",
                             value=DEFAULTS[0], lines=1, max_lines=1,
                             scale=3, elem_id="lec-ladder-prompt", elem_classes="mono")
        c["seed"] = L.make(gr.Number, label="lec.ladder.seed", value=DEFAULTS[1], precision=0, minimum=0,
                           maximum=MAX_SEED, elem_id="lec-ladder-seed", min_width=120)
        c["length"] = L.make(gr.Slider, label="lec.ladder.length", minimum=1, maximum=MAX_LENGTH, step=1,
                             value=DEFAULTS[2], elem_id="lec-ladder-length", min_width=200)
        c["run"] = L.make(gr.Button, text="lec.ladder.sample", variant="primary", min_width=140,
                          elem_id="lec-ladder-run")
    c["samples"] = gr.HTML("", elem_id="lec-ladder-samples")
    c["anatomy_head"] = L.make(gr.Markdown, text="lec.ladder.anatomy_head", elem_id="lec-ladder-anatomy-head")
    c["heads"] = gr.Plot(None, show_label=False, elem_id="lec-ladder-heads")
    with gr.Row(equal_height=False):
        with gr.Column(min_width=300):
            c["stream"] = gr.Plot(None, show_label=False, elem_id="lec-ladder-stream")
        with gr.Column(min_width=300):
            c["ln"] = gr.HTML("", elem_id="lec-ladder-ln")
    with L.add(gr.Accordion(t("lec.ladder.details", "en"), open=False, elem_id="lec-ladder-details-box"),
               label="lec.ladder.details"):
        c["details"] = gr.HTML(fig.details_html(details(), "en"), elem_id="lec-ladder-details")
        c["details_code"] = gr.Code(source_of(CausalSelfAttention.__init__, CausalSelfAttention._heads),
                                    language="python", interactive=False, show_label=False,
                                    elem_id="lec-ladder-details-code")
    c["code_head"] = L.make(gr.Markdown, text="lec.ladder.code_head", elem_id="lec-ladder-code-head")
    names = [name for name, _, _ in LADDER]
    c["rung"] = L.make(gr.Dropdown, label="lec.ladder.rung", choices=[(f"lec.ladder.short.{n}", n) for n in names],
                       value=names[2], elem_id="lec-ladder-rung")
    c["rung_code"] = gr.Code(source_of(*code_of(names[2])), language="python", interactive=False,
                             show_label=False, elem_id="lec-ladder-rung-code")
    _wire(ctx, c)
    code_panel(ctx, c, "lec-ladder", rungs, samples)
    return c


def _wire(ctx: AppContext, c: dict) -> None:
    inputs = [c["prompt"], c["seed"], c["length"], ctx.lang]
    outputs = [c["chart"], c["table"], c["samples"], c["heads"], c["stream"], c["ln"]]

    def lecture_ladder_ui(prompt, seed, length, lang, request: gr.Request):
        """Samples from every rung with the same prompt and seed (and the staircase, in lang)."""
        with user_errors(lang):
            session = ctx.session(request)
            ctx.remember(session, VIEW, (prompt, seed, length))
            return render(session, prompt, seed, length, lang)

    c["run"].click(lecture_ladder_ui, inputs, outputs, **QUIET_INSPECT)
    c["prompt"].submit(lecture_ladder_ui, inputs, outputs, **QUIET_INSPECT)
    ctx.redraw(VIEW, outputs, render, lambda session: DEFAULTS)
    ctx.on_language([c["details"]], lambda session, lang: [fig.details_html(details(), lang)])

    def lecture_ladder_code_ui(preset: str):
        """The source of the parts of model/ the picked rung turns on."""
        try:
            return source_of(*code_of(preset))
        except KeyError:
            return gr.skip()

    c["rung"].input(lecture_ladder_code_ui, [c["rung"]], [c["rung_code"]], **QUIET_INSPECT)
