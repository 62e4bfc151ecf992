"""The ladder section's builder: the staircase and its table, every rung's sample side by side, and
the code each rung turns on; redrawn in the visitor's language with their last settings."""
import gradio as gr

from model.config import LADDER
from model.gpt import CausalSelfAttention

from ... import links
from ...context import AppContext
from ...errors import Refusal, user_errors
from ...groups import QUIET, QUIET_INSPECT, QUIET_LONG, STATUS, TRAIN_CONTROL
from ...i18n import LANGS, t
from ...limits import MAX_SEED
from ...memo import SharedMemo, shared_views
from ...session import Session
from ...views import refusal_html
from ..code import code_panel, source_of
from . import figures as fig
from .compute import DEFAULT_PROMPT, MAX_LENGTH, anatomy, details, gains, rungs, samples
from .program import diff, previous
from .runs import LadderState, TRAINS, advance, curves, dropout_runs, my_runs, status, stop, train

VIEW, DIFF_VIEW = "lecture.ladder", "lecture.ladder.diff"
DEFAULTS = (DEFAULT_PROMPT, 1337, 120)  # prompt, seed, length
NAMES = [name for name, _, _ in LADDER]
LECTURE = {name: lecture for name, _, lecture in LADDER}
TICK = 1.0  # seconds between two looks at a live run
VIEWS = SharedMemo(16)  # the rungs' samples and tensors for a prompt, seed and length: everyone's


def render(session: Session, prompt, seed, length, lang: str, runs=()) -> list:
    """[staircase, table, samples (or the refusal that stopped them), heads, stream, LayerNorm row]."""
    ladder = rungs(session, runs)
    try:
        text, *views = shared_rung_views(session, prompt, seed, length, lang)
    except Refusal as e:
        text, views = refusal_html(e, lang), [gr.skip()] * 3
    return [fig.staircase(ladder, lang), fig.table_html(ladder, gains(ladder), lang), text, *views]


def shared_rung_views(session: Session, prompt, seed, length, lang: str) -> list:
    return shared_views(VIEWS, (session.assets, prompt, seed, length, lang),
                        lambda: rung_views(session, prompt, seed, length, lang))


def warm(session: Session) -> None:
    """The section as it opens, in both languages: eight rungs sampled and traced (seconds, once)."""
    for lang in LANGS:
        shared_rung_views(session, *DEFAULTS, lang)


def rung_views(session: Session, prompt, seed, length, lang: str) -> list:
    """[samples, heads, stream, LayerNorm row]: the checkpoints' own, so the same for every visitor."""
    an = anatomy(session, prompt)
    return [fig.samples_html(samples(session, prompt, seed, length), lang),
            fig.heads_figure(an, lang), fig.stream_figure(an, lang), fig.layer_norm_html(an, lang)]


def render_diff(preset: str, lang: str) -> str:
    before = previous(preset)
    return fig.diff_html(diff(preset, before), preset, before, lang)


def build(ctx: AppContext) -> dict:
    """Lay out the section and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    c["intro"] = L.make(gr.Markdown, text="lec.ladder.intro", elem_id="lec-ladder-intro")
    c["chart"] = gr.Plot(None, show_label=False, elem_id="lec-ladder-chart")
    c["table"] = gr.HTML("", elem_id="lec-ladder-table")
    c["why"] = L.make(gr.Markdown, text="lec.ladder.why_hurts", elem_id="lec-ladder-why")
    c["train_head"] = L.make(gr.Markdown, text="lec.ladder.train_head", elem_id="lec-ladder-train-head")
    with gr.Row(equal_height=True):
        c["train_rung"] = L.make(gr.Dropdown, label="lec.ladder.rung", value="ladder-3", min_width=200,
                                 choices=[(f"lec.ladder.short.{n}", n) for n in TRAINS], elem_id="lec-ladder-train-rung")
        c["train"] = L.make(gr.Button, text="lec.ladder.train_one", variant="primary", min_width=140,
                            elem_id="lec-ladder-train")
        c["train_all"] = L.make(gr.Button, text="lec.ladder.train_all", min_width=140, elem_id="lec-ladder-train-all")
        c["stop"] = L.make(gr.Button, text="lec.ladder.stop", variant="stop", min_width=100, elem_id="lec-ladder-stop")
    c["status"] = gr.HTML("", elem_id="lec-ladder-status")
    c["curves"] = gr.Plot(None, show_label=False, elem_id="lec-ladder-curves")
    c["timer"] = gr.Timer(TICK, active=False)
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
    c["dropout_head"] = L.make(gr.Markdown, text="lec.ladder.dropout_head", elem_id="lec-ladder-dropout-head")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            c["dropout"] = gr.Plot(None, show_label=False, elem_id="lec-ladder-dropout")
        with gr.Column(scale=2, min_width=300):
            c["dropout_table"] = gr.HTML("", elem_id="lec-ladder-dropout-table")
    with L.add(gr.Accordion(t("lec.ladder.details", "en"), open=False, elem_id="lec-ladder-details-box"),
               label="lec.ladder.details"):
        c["details"] = gr.HTML(fig.details_html(details(), "en"), elem_id="lec-ladder-details")
        c["details_code"] = gr.Code(source_of(CausalSelfAttention.__init__, CausalSelfAttention._heads),
                                    language="python", interactive=False, show_label=False,
                                    elem_id="lec-ladder-details-code")
    c["code_head"] = L.make(gr.Markdown, text="lec.ladder.code_head", elem_id="lec-ladder-code-head")
    c["rung"] = L.make(gr.Dropdown, label="lec.ladder.rung", choices=[(f"lec.ladder.short.{n}", n) for n in NAMES],
                       value=NAMES[4], elem_id="lec-ladder-rung")
    c["diff"] = gr.HTML(render_diff(NAMES[4], "en"), elem_id="lec-ladder-diff")
    for key in ("prompt", "seed", "length", "rung"):
        ctx.linkable(key, c[key], links.prompt if key == "prompt" else None)
    _wire(ctx, c)
    code_panel(ctx, c, "lec-ladder", rungs, samples, train, advance, diff)
    return c


def _wire(ctx: AppContext, c: dict) -> None:
    inputs = [c["prompt"], c["seed"], c["length"], ctx.lang]
    outputs = [c["chart"], c["table"], c["samples"], c["heads"], c["stream"], c["ln"]]

    def draw(session: Session, *args) -> list:
        return render(session, *args, runs=my_runs(ctx.trainer, session))

    def lecture_ladder_ui(prompt, seed, length, lang, request: gr.Request):
        """Samples from every rung with the same prompt and seed (and the staircase, in lang)."""
        with user_errors(lang):
            session = ctx.session(request)
            ctx.remember(session, VIEW, (prompt, seed, length))
            return draw(session, prompt, seed, length, lang)

    c["run"].click(lecture_ladder_ui, inputs, outputs, **QUIET_LONG)  # a sample from every rung
    c["prompt"].submit(lecture_ladder_ui, inputs, outputs, **QUIET_LONG)
    ctx.redraw(VIEW, outputs, draw, lambda session: DEFAULTS, inputs=inputs[:-1])
    ctx.on_language([c["details"]], lambda session, lang: [fig.details_html(details(), lang)])

    def dropout_views(session: Session, lang: str) -> list:
        d = dropout_runs(session)  # assets/dropout.json, read once for both views
        return [fig.dropout_figure(d, lang), fig.dropout_html(d, lang)]

    ctx.on_language([c["dropout"], c["dropout_table"]], dropout_views)
    _wire_training(ctx, c)

    def lecture_ladder_diff_ui(preset: str, lang: str, request: gr.Request):
        """The picked rung's code against the rung before's: what the lecture changed."""
        if preset not in NAMES:
            return gr.skip()
        ctx.remember(ctx.session(request), DIFF_VIEW, (preset,))
        return render_diff(preset, lang)

    c["rung"].input(lecture_ladder_diff_ui, [c["rung"], ctx.lang], [c["diff"]], **QUIET_INSPECT)
    ctx.redraw(DIFF_VIEW, [c["diff"]], lambda session, preset, lang: [render_diff(preset, lang)],
               lambda session: (NAMES[4],), inputs=[c["rung"]])


def _wire_training(ctx: AppContext, c: dict) -> None:
    """Train this rung / the whole ladder through the Train tab's machinery; a timer follows the run."""
    outputs = [c["status"], c["curves"], c["chart"], c["table"], c["timer"]]

    def view(session: Session, lang: str, active: bool) -> list:
        runs = my_runs(ctx.trainer, session)
        ladder = rungs(session, runs)
        return [fig.status_html(status(ctx.trainer, session), lang), fig.curves_figure(curves(session, runs), LECTURE, lang),
                fig.staircase(ladder, lang), fig.table_html(ladder, gains(ladder), lang), gr.Timer(active=active)]

    def lecture_ladder_train_ui(which: str, lang: str, request: gr.Request):
        with user_errors(lang):
            session = ctx.session(request)
            train(ctx.trainer, session, which)
            return view(session, lang, True)

    def lecture_ladder_stop_ui(lang: str, request: gr.Request):
        with user_errors(lang):
            session = ctx.session(request)
            stop(ctx.trainer, session)
            return view(session, lang, False)

    def lecture_ladder_tick(lang: str, request: gr.Request):
        session = ctx.session(request)
        active = advance(ctx.trainer, session)
        seen = (active, tuple((r.id, r.step, r.state) for r in my_runs(ctx.trainer, session)), lang)
        state = session.state(LadderState)
        if seen == state.drawn:
            return [gr.skip()] * len(outputs)
        state.drawn = seen
        return view(session, lang, active)

    c["train"].click(lecture_ladder_train_ui, [c["train_rung"], ctx.lang], outputs, **TRAIN_CONTROL, **QUIET)
    def lecture_ladder_train_all_ui(lang: str, request: gr.Request):
        return lecture_ladder_train_ui("all", lang, request)

    c["train_all"].click(lecture_ladder_train_all_ui, [ctx.lang], outputs, **TRAIN_CONTROL, **QUIET)
    c["stop"].click(lecture_ladder_stop_ui, [ctx.lang], outputs, **TRAIN_CONTROL, **QUIET)
    c["timer"].tick(lecture_ladder_tick, [ctx.lang], outputs, **STATUS, **QUIET)
    ctx.on_language(outputs[:2], lambda session, lang: view(session, lang, False)[:2])
