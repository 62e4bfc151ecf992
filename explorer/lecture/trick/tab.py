"""The trick section's builder: the sizes, the four versions' heatmaps beside their text, the live
checks and the a @ b worked row, redrawn in the visitor's language with their last settings."""
import gradio as gr

from model.lecture import trick as M

from ... import links
from ...context import AppContext
from ...errors import Refusal, user_errors
from ...groups import QUIET_INSPECT
from ...limits import MAX_SEED
from ...memo import SharedMemo, shared_views
from ...session import Session
from ...views import refusal_html
from ..code import code_panel
from .compute import DEFAULTS, MAX_B, MAX_C, MAX_HS, MAX_T, compute
from .figures import block_html, checks_html, figures

VIEW = "lecture.trick"  # its last arguments, for a language switch
VIEWS = SharedMemo(32)   # the same controls draw the same views for every visitor


def build(ctx: AppContext) -> dict:
    """Lay out the section and wire its events; returns its components by name."""
    L, c, d = ctx.labels, {}, DEFAULTS
    c["intro"] = L.make(gr.Markdown, text="lec.trick.intro", elem_id="lec-trick-intro")
    with gr.Row(equal_height=True, elem_id="lec-trick-controls"):
        c["B"] = L.make(gr.Slider, label="lec.trick.B", minimum=1, maximum=MAX_B, step=1, value=d["B"],
                        elem_id="lec-trick-B", min_width=200)
        c["T"] = L.make(gr.Slider, label="lec.trick.T", info="lec.trick.T.info", minimum=1, maximum=MAX_T, step=1,
                        value=d["T"], elem_id="lec-trick-T", min_width=200)
        c["C"] = L.make(gr.Slider, label="lec.trick.C", minimum=1, maximum=MAX_C, step=1, value=d["C"],
                        elem_id="lec-trick-C", min_width=200)
        c["head_size"] = L.make(gr.Slider, label="lec.trick.head_size", minimum=1, maximum=MAX_HS, step=1,
                                value=d["head_size"], elem_id="lec-trick-hs", min_width=200)
        c["seed"] = L.make(gr.Number, label="lec.trick.seed", info="lec.trick.seed.info", value=d["seed"],
                           precision=0, minimum=0, maximum=MAX_SEED, elem_id="lec-trick-seed", min_width=200)
    first = compute(d["B"], d["T"], d["C"], d["head_size"], d["seed"], d["b"], d["scale"], d["row"])
    figs = figures(first, "en")
    c["check"] = gr.HTML(checks_html(first, "en"), elem_id="lec-trick-check")
    for pair in ((1, 2), (3, 4)):
        with gr.Row(equal_height=False):
            for i in pair:
                with gr.Column(min_width=300):
                    c[f"v{i}_text"] = L.make(gr.Markdown, text=f"lec.trick.v{i}", elem_id=f"lec-trick-v{i}-text")
                    if i == 4:  # version 4's own controls, beside its heatmap
                        c["b"] = L.make(gr.Slider, label="lec.trick.b", info="lec.trick.b.info", minimum=0,
                                        maximum=d["B"] - 1, step=1, value=d["b"], elem_id="lec-trick-b")
                        c["scale"] = L.make(gr.Checkbox, label="lec.trick.scale", info="lec.trick.scale.info",
                                            value=d["scale"], elem_id="lec-trick-scale")
                    c[f"v{i}"] = gr.Plot(figs[i - 1], show_label=False, elem_id=f"lec-trick-v{i}")
    c["block_intro"] = L.make(gr.Markdown, text="lec.trick.block_title", elem_id="lec-trick-block-intro")
    c["row"] = L.make(gr.Slider, label="lec.trick.row", minimum=0, maximum=d["T"] - 1, step=1, value=d["row"],
                      elem_id="lec-trick-row")
    c["block"] = gr.HTML(block_html(first, "en"), elem_id="lec-trick-block")
    for key, name in (("B", "B"), ("T", "T"), ("C", "C"), ("hs", "head_size"), ("seed", "seed"), ("scale", "scale")):
        ctx.linkable(key, c[name])
    ctx.linkable("b", c["b"], links.number("b", 0, MAX_B - 1, integer=True))  # its slider's range follows B
    ctx.linkable("row", c["row"], links.number("row", 0, MAX_T - 1, integer=True))  # and T
    _wire(ctx, c)
    code_panel(ctx, c, "lec-trick", M.toy_x, M.version1, M.version2, M.version3, M.version4, M.weighted_sum)
    return c


def views(args: tuple, lang: str) -> list:
    """[checks, four wei heatmaps, the a @ b worked row, b slider, t slider] for these controls."""
    r = compute(*args)
    return [checks_html(r, lang), *figures(r, lang), block_html(r, lang),
            gr.update(maximum=r.B - 1, value=r.b), gr.update(maximum=r.T - 1, value=r.row)]


def _wire(ctx: AppContext, c: dict) -> None:
    names = ("B", "T", "C", "head_size", "seed", "b", "scale", "row")
    inputs = [c[n] for n in names] + [ctx.lang]
    outputs = [c["check"], c["v1"], c["v2"], c["v3"], c["v4"], c["block"], c["b"], c["row"]]

    def render(session: Session, B, T, C, head_size, seed, b, scale, row, lang: str) -> list:
        """Every view for these controls, remembered for a language switch; a refusal keeps them as they were."""
        args = (B, T, C, head_size, seed, b, scale, row)
        try:
            out = shared_views(VIEWS, (args, lang), lambda: views(args, lang))
        except Refusal as e:  # the figures stay as they were; the message says what to change
            return [refusal_html(e, lang)] + [gr.skip()] * (len(outputs) - 1)
        ctx.remember(session, VIEW, args)
        return out

    def lecture_trick_ui(B, T, C, head_size, seed, b, scale, row, lang, request: gr.Request):
        """Controls -> [checks, four wei heatmaps, the a @ b worked row, b slider, t slider]."""
        with user_errors(lang):
            return render(ctx.session(request), B, T, C, head_size, seed, b, scale, row, lang)

    for n in names:
        c[n].input(lecture_trick_ui, inputs, outputs, trigger_mode="always_last", **QUIET_INSPECT)
    ctx.redraw(VIEW, outputs, render, default=lambda session: tuple(DEFAULTS[n] for n in names),
               inputs=inputs[:-1])
