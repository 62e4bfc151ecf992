"""Sampling tab: generate with temperature, top-k, top-p, seed and length, streamed with each
character coloured by its probability; and the lecture's loop one step per click, with Back."""
import html

import gradio as gr

from .. import links
from ..context import AppContext
from ..errors import Refusal, user_errors
from ..i18n import t
from ..limits import MAX_NEW_TOKENS, MAX_TEMPERATURE
from ..picker import model_for
from ..session import Session
from ..steps import step_of, texts_html, texts_over_time
from ..views import refusal_html
from . import figures as fig, sampler
from .compute import Panel, cache_of, entropy, panel
from .prompt import QUIET, notice_html, prepare, prompt_row, wire_drop

TOP_N = 15
TEXTS_LENGTH = 120  # characters each snapshot writes in "how the text improved"


def build(ctx: AppContext) -> dict:
    """Lay out the tab and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    c["intro"] = L.make(gr.Markdown, text="samp.intro", elem_id="samp-intro")
    prompt_row(ctx, c, "samp", value="ROMEO:", lines=1)
    with gr.Row(equal_height=True, elem_id="samp-settings"):
        c["temperature"] = L.make(gr.Slider, label="soft.temperature", minimum=0, maximum=MAX_TEMPERATURE, step=0.05,
                                  value=1.0, elem_id="samp-temperature", min_width=160)
        c["top_k"] = L.make(gr.Slider, label="inside.top_k", info="inside.top_k.info", minimum=0, maximum=65, step=1,
                            value=0, elem_id="samp-top-k", min_width=160)
        c["top_p"] = L.make(gr.Slider, label="inside.top_p", info="inside.top_p.info", minimum=0.05, maximum=1,
                            step=0.05, value=1.0, elem_id="samp-top-p", min_width=160)
    with gr.Row(equal_height=True):
        c["seed"] = L.make(gr.Number, label="field.seed", value=0, precision=0, minimum=0, elem_id="samp-seed",
                           min_width=120)
        c["length"] = L.make(gr.Slider, label="samp.length", minimum=1, maximum=MAX_NEW_TOKENS, step=1, value=300,
                             elem_id="samp-length", min_width=200, scale=2)
        c["stop"] = L.make(gr.Button, text="samp.stop", variant="stop", min_width=90, elem_id="samp-stop", scale=0)
    c["text"] = gr.HTML("", elem_id="samp-text")
    with L.add(gr.Accordion(t("samp.steps", "en"), open=True, elem_id="samp-steps"), label="samp.steps"):
        c["steps_intro"] = L.make(gr.Markdown, text="samp.steps.intro")
        with gr.Row(elem_id="samp-step-buttons"):
            c["next"] = L.make(gr.Button, text="samp.next", variant="primary", elem_id="samp-next", min_width=100)
            c["back"] = L.make(gr.Button, text="samp.back", elem_id="samp-back", min_width=100)
            c["restart"] = L.make(gr.Button, text="samp.restart", elem_id="samp-restart", min_width=100)
        c["step_info"] = gr.HTML("", elem_id="samp-step-info")
        c["step_text"] = gr.HTML("", elem_id="samp-step-text")
        with gr.Row(equal_height=False):
            c["step_logits"] = gr.Plot(None, show_label=False, elem_id="samp-step-logits", min_width=300)
            c["step_probs"] = gr.Plot(None, show_label=False, elem_id="samp-step-probs", min_width=300)
    with L.add(gr.Accordion(t("samp.texts", "en"), open=False, elem_id="samp-texts-box"), label="samp.texts"):
        c["texts_intro"] = L.make(gr.Markdown, text="samp.texts.intro", elem_id="samp-texts-intro")
        c["texts_run"] = L.make(gr.Button, text="samp.texts.run", elem_id="samp-texts-run")
        c["texts"] = gr.HTML("", elem_id="samp-texts")
    ctx.linkable("prompt", c["prompt"], links.prompt)
    for key, name in (("temp", "temperature"), ("topk", "top_k"), ("topp", "top_p"), ("seed", "seed"), ("length", "length")):
        ctx.linkable(key, c[name])
    ctx.link_press(c["run"])  # the text, as the link's seed writes it
    _wire(ctx, c)
    _wire_texts(ctx, c)
    return c


def _wire_texts(ctx: AppContext, c: dict) -> None:
    """How the text improved: the picked model's text at every snapshot, with the tab's prompt and seed."""

    def sample_texts_ui(key, prompt, seed, lang, request: gr.Request):
        """What each snapshot writes from the prompt with the seed: the same draws, other weights."""
        with user_errors(lang):
            session = ctx.session(request)
            try:
                key = key or session.default_model()
                rows = texts_over_time(session, key, prompt, seed, TEXTS_LENGTH)
            except Refusal as e:
                return refusal_html(e, lang)
            return texts_html(rows, lang, session.timeline(key).thinned)

    c["texts_run"].click(sample_texts_ui, [ctx.picker, c["prompt"], c["seed"], ctx.lang], [c["texts"]], **QUIET)


def step_view(session: Session, tokenizer, lang: str) -> list:
    """[info, coloured text so far, logits figure, probabilities figure] of the walk's last step."""
    walk = cache_of(session).walk
    if not walk.start:
        return [f'<div class="inside-note">{html.escape(t("samp.no_steps", lang))}</div>', "", None, None]
    chars = tokenizer.chars
    text = fig.colored_text(tokenizer.decode(walk.start), sampler.walk_sampled(walk, tokenizer), lang)
    if not walk.steps:
        return [f'<div class="inside-note">{html.escape(t("samp.no_steps", lang))}</div>', text, None, None]
    st = walk.steps[-1]
    full = panel(st.logits, st.temperature, None, None).full
    p = Panel(st.temperature, full, st.probs, st.probs > 0, float(entropy(st.probs)))
    ids = walk.ids()
    cropped = max(0, len(ids) - 1 - len(st.context))
    info = t("samp.step_info", lang, n=len(walk.steps), T=len(st.context), char=repr(chars[st.idx_next]),
             p=f"{st.p_next:.3f}")
    bigram = session.model_info(walk.key).get("model_type") == "bigram"
    ctx_html = fig.context_html(tokenizer.decode(st.context), cropped, chars[st.idx_next], lang, only_last=bigram)
    return [f'<div class="inside-note">{html.escape(info)}</div>{ctx_html}', text,
            fig.logits_bars(chars, st.logits, lang, TOP_N),
            fig.probability_panels(chars, [p], lang, TOP_N, picked=st.idx_next)]


def _wire(ctx: AppContext, c: dict) -> None:
    settings_in = [c["temperature"], c["top_k"], c["top_p"], c["seed"]]
    gen_in = [ctx.picker, ctx.step, c["prompt"], *settings_in, c["length"], ctx.lang]
    gen_out = [c["notice"], c["drop"], c["text"]]

    def sample_stream_ui(key, index, prompt, temperature, top_k, top_p, seed, length, lang, request: gr.Request):
        """Stream the sampled text (from the model at the slider's step), each character coloured by the
        probability it was drawn with."""
        with user_errors(lang):
            session = ctx.session(request)
            try:
                model, tokenizer, _, p = prepare(session, key, prompt, step_of(session, key, index))
                s = sampler.settings(temperature, min(int(top_k or 0), tokenizer.vocab_size), top_p, seed,
                                     tokenizer.vocab_size)
                steps = sampler.sampled_chars(model, tokenizer, p, length, s)
            except Refusal as e:
                yield refusal_html(e, lang), gr.update(visible=e.key == "inside.unknown"), gr.skip()
                return
            note = notice_html(p, lang, model.config.block_size)
            yield note, gr.update(visible=False), fig.colored_text(p.text, [], lang)
            for out, _ in steps:
                yield gr.skip(), gr.skip(), fig.colored_text(p.text, out, lang)

    gen = c["run"].click(sample_stream_ui, gen_in, gen_out, **QUIET)
    sub = c["prompt"].submit(sample_stream_ui, gen_in, gen_out, **QUIET)
    c["stop"].click(None, None, None, cancels=[gen, sub], api_visibility="private")
    wire_drop(ctx, c)

    step_in = [ctx.picker, ctx.step, c["prompt"], *settings_in, ctx.lang]
    step_out = [c["notice"], c["drop"], c["step_info"], c["step_text"], c["step_logits"], c["step_probs"]]

    def step(kind: str):
        def on_click(key, index, prompt, temperature, top_k, top_p, seed, lang, request: gr.Request):
            """Next: one more character by the lecture's loop (the model at the slider's step); Back: undo
            it; Start over: clear."""
            with user_errors(lang):
                session = ctx.session(request)
                try:
                    model, tokenizer, info = model_for(session, key, step_of(session, key, index))
                    if kind == "next":
                        s = sampler.settings(temperature, min(int(top_k or 0), tokenizer.vocab_size), top_p, seed,
                                     tokenizer.vocab_size)
                        sampler.walk_step(session, info["key"], model, tokenizer, prompt or "", s)
                    elif kind == "back":
                        sampler.walk_back(session)
                    else:
                        sampler.walk_reset(session)
                except Refusal as e:
                    return [refusal_html(e, lang), gr.update(visible=e.key == "inside.unknown")] + [gr.skip()] * 4
                return ["", gr.update(visible=False)] + step_view(session, tokenizer, lang)
        on_click.__name__ = f"sample_{kind}_ui"
        return on_click

    for kind in ("next", "back", "restart"):
        c[kind].click(step(kind), step_in, step_out, **QUIET)

    def on_language(session: Session, lang: str) -> list:
        try:
            _, tokenizer, _ = model_for(session, cache_of(session).walk.key or session.default_model())
            return step_view(session, tokenizer, lang)
        except Exception:  # noqa: BLE001 -- a language switch never fails because of this tab
            return [gr.skip()] * 4

    ctx.on_language(step_out[2:], on_language)
