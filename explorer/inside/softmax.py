"""Softmax tab: the next character's probabilities under several temperatures side by side, the raw
logits, and the top-k / top-p cut-off greyed out. Logits are computed once per prompt."""
import gradio as gr

from .. import links
from ..context import AppContext
from ..errors import Refusal, user_errors
from ..i18n import t
from ..limits import MAX_TEMPERATURE
from ..session import Session
from ..steps import step_of
from ..views import refusal_html
from . import figures as fig
from .compute import (DEFAULT_PROMPT, MAX_DRAWS, cache_of, distributions, draws, last_logits, model_stamp,
                      parse_temperatures)
from .prompt import QUIET, notice_html, prepare, prompt_row, wire_drop

TOP_N = 20  # bars per panel; the title says how much probability the others hold


def logits_for(session: Session, key: str | None, prompt: str, step: int | None = None):
    """(logits (V,), chars, Prompt, model, fresh) of the model at a step (None: its final weights); cached
    per session until the prompt, the model or the step changes (fresh: they were just computed)."""
    model, tokenizer, info, p = prepare(session, key, prompt, step)
    cache = cache_of(session)
    ck = (info["key"], model_stamp(model), tuple(p.ids))
    with cache.lock:
        fresh = cache.logits_key != ck
        if fresh:
            cache.logits = last_logits(model, p.ids)
            cache.logits_key = ck
        return cache.logits, tokenizer.chars, p, model, fresh


def draw_view(session: Session, key, index, prompt, t1, t2, t3, more, top_k, top_p, num_samples, replacement, seed,
              lang: str) -> str:
    """The draws from the first panel's distribution as HTML, or the refusal that stopped them."""
    try:
        logits, chars, _, _, _ = logits_for(session, key, prompt, step_of(session, key, index))
        first = distributions(logits, temperatures_of(t1, t2, t3, more)[:1], min(int(top_k or 0), len(chars)), top_p)[0]
        ids = draws(first.probs, num_samples, replacement, seed)
    except Refusal as e:
        return refusal_html(e, lang)
    return fig.draws_html(chars, ids, first.probs, replacement, first.temperature, lang)


def temperatures_of(t1, t2, t3, more: str) -> list:
    extra = parse_temperatures(more) if (more or "").strip() else []
    return [v for v in (t1, t2, t3) if v is not None] + extra


def build(ctx: AppContext) -> dict:
    """Lay out the tab and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    c["intro"] = L.make(gr.Markdown, text="soft.intro", elem_id="soft-intro")
    prompt_row(ctx, c, "soft", value=DEFAULT_PROMPT[:-1])
    with gr.Row(equal_height=True, elem_id="soft-temps"):
        for i, v in enumerate((0.5, 1.0, 1.5), start=1):
            c[f"t{i}"] = L.make(gr.Slider, label="soft.temperature", minimum=0, maximum=MAX_TEMPERATURE, step=0.05,
                                value=v, elem_id=f"soft-t{i}", min_width=150)
        c["more"] = L.make(gr.Textbox, label="soft.more", info="soft.more.info", placeholder="soft.more.ph",
                           elem_id="soft-more", min_width=150)
    with gr.Row(equal_height=True, elem_id="soft-cut"):
        c["top_k"] = L.make(gr.Slider, label="inside.top_k", info="inside.top_k.info", minimum=0, maximum=65,
                            step=1, value=0, elem_id="soft-top-k")
        c["top_p"] = L.make(gr.Slider, label="inside.top_p", info="inside.top_p.info", minimum=0.05, maximum=1,
                            step=0.05, value=1.0, elem_id="soft-top-p")
    c["panels"] = gr.Plot(None, show_label=False, elem_id="soft-panels")
    c["logits"] = gr.Plot(None, show_label=False, elem_id="soft-logits")
    c["draw_head"] = L.make(gr.Markdown, text="soft.draw_head", elem_id="soft-draw-head")
    with gr.Row(equal_height=True, elem_id="soft-draw-row"):
        c["num_samples"] = L.make(gr.Slider, label="soft.num_samples", minimum=1, maximum=MAX_DRAWS, step=1, value=20,
                                  elem_id="soft-num-samples", min_width=200)
        c["replacement"] = L.make(gr.Checkbox, label="soft.replacement", value=True, elem_id="soft-replacement",
                                  min_width=140)
        c["draw_seed"] = L.make(gr.Number, label="soft.draw_seed", value=1337, precision=0, minimum=0,
                                elem_id="soft-draw-seed", min_width=120)
        c["draw"] = L.make(gr.Button, text="soft.draw", variant="secondary", min_width=100, elem_id="soft-draw")
    c["draws"] = gr.HTML("", elem_id="soft-draws")
    for key, name in (("t1", "t1"), ("t2", "t2"), ("t3", "t3"), ("more", "more"), ("topk", "top_k"), ("topp", "top_p"),
                      ("n", "num_samples"), ("repl", "replacement"), ("seed", "draw_seed")):
        ctx.linkable(key, c[name])
    ctx.linkable("prompt", c["prompt"], links.prompt)
    ctx.link_press(c["draw"])  # the draws, as the link's seed gives them
    _wire(ctx, c)
    return c


def _wire(ctx: AppContext, c: dict) -> None:
    inputs = [ctx.picker, ctx.step, c["prompt"], c["t1"], c["t2"], c["t3"], c["more"], c["top_k"], c["top_p"], ctx.lang]
    outputs = [c["notice"], c["drop"], c["panels"], c["logits"], c["top_k"]]

    def render(session: Session, key, index, prompt, t1, t2, t3, more, top_k, top_p, lang,
               redraw_logits=False) -> list:
        """Only the panels are redrawn while the logits (and the language) stay the same."""
        cache = cache_of(session)
        redraw_logits = redraw_logits or cache.softmax_lang != lang
        ctx.remember(session, "softmax", (key, index, prompt, t1, t2, t3, more, top_k, top_p))
        cache.softmax_lang = lang
        try:
            logits, chars, p, model, fresh = logits_for(session, key, prompt, step_of(session, key, index))
            top_k = min(int(top_k or 0), len(chars))
            panels = distributions(logits, temperatures_of(t1, t2, t3, more), top_k, top_p)
        except Refusal as e:
            cache.softmax_lang = None  # the figures are cleared: draw the logits again next time
            return [refusal_html(e, lang), gr.update(visible=e.key == "inside.unknown"), None, None, gr.skip()]
        extra = t("soft.after", lang, char=repr(p.text[-1]))
        return [notice_html(p, lang, model.config.block_size, extra), gr.update(visible=False),
                fig.probability_panels(chars, panels, lang, TOP_N),
                fig.logits_bars(chars, logits, lang, TOP_N) if fresh or redraw_logits else gr.skip(),
                gr.update(maximum=len(chars))]

    def softmax_ui(key, index, prompt, t1, t2, t3, more, top_k, top_p, lang, request: gr.Request):
        """Redraw the panels (from the cached logits unless the prompt, the model or its step changed)."""
        with user_errors(lang):
            return render(ctx.session(request), key, index, prompt, t1, t2, t3, more, top_k, top_p, lang)

    for ev in (c["run"].click, c["prompt"].submit, ctx.picker.change, c["more"].submit, ctx.step.change):
        ev(softmax_ui, inputs, outputs, **QUIET)
    for name in ("t1", "t2", "t3", "top_k", "top_p"):
        c[name].input(softmax_ui, inputs, outputs, trigger_mode="always_last", **QUIET)
    wire_drop(ctx, c)
    c["dropped"].then(softmax_ui, inputs, outputs, **QUIET)

    def softmax_draw_ui(key, index, prompt, t1, t2, t3, more, top_k, top_p, num_samples, replacement, seed, lang,
                        request: gr.Request):
        """torch.multinomial on the first panel's distribution (after top-k / top-p), num_samples at once."""
        with user_errors(lang):
            return draw_view(ctx.session(request), key, index, prompt, t1, t2, t3, more, top_k, top_p, num_samples,
                             replacement, seed, lang)

    c["draw"].click(softmax_draw_ui, inputs[:-1] + [c["num_samples"], c["replacement"], c["draw_seed"], ctx.lang],
                    [c["draws"]], **QUIET)

    ctx.redraw("softmax", outputs, lambda session, *args: render(session, *args, redraw_logits=True),
               lambda session: (session.default_model(), None, DEFAULT_PROMPT[:-1], 0.5, 1.0, 1.5, "", 0, 1.0),
               inputs=inputs[:-1])
