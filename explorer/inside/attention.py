"""Attention tab: the prompt's wei in every layer and head, along the lecture's pipeline (q @ k.T,
scaled, masked, softmax), one head large, one query row as bars; switches that drop the scale or
the causal mask."""
import html

import gradio as gr
import numpy as np

from .. import links
from ..context import AppContext
from ..errors import Refusal, user_errors
from ..i18n import t
from ..memo import SharedMemo, shared_model, shared_views
from ..picker import has_attention
from ..session import Session
from ..steps import step_of
from ..views import refusal_html
from . import figures as fig
from .compute import DEFAULT_PROMPT, STAGES, Attention, attention, cache_of, entropy, model_stamp
from .heads import entropy_figure, heads_over_time, sharpest_html, strip_figure
from .prompt import QUIET, notice_html, prepare, prompt_row, wire_drop

MEAN = -1  # the head choice that averages the layer's heads
VIEWS = SharedMemo(64)  # a pretrained model's three figures for a prompt and the controls: everyone's
PLAY_TICK = 1.2  # seconds a snapshot stays on screen while playing


def compute(session: Session, key: str | None, prompt: str, scale: bool = True, causal: bool = True,
            step: int | None = None):
    """(Attention, Prompt, model, info) for the picked model at a step (None: its final weights); the
    trace is cached per session, so changing the stage, head or query only redraws.
    Refusal("att.no_attention") for the bigram."""
    model, tokenizer, info, p = prepare(session, key, prompt, step)
    if not has_attention(model):
        raise Refusal("att.no_attention")
    cache = cache_of(session)
    ck = (info["key"], model_stamp(model), tuple(p.ids), bool(scale), bool(causal))
    with cache.lock:
        if cache.attention_key != ck:
            cache.attention = attention(model, p.ids, list(p.text), scale=scale, causal=causal)
            cache.attention_key = ck
        return cache.attention, p, model, info


def head_values(att: Attention, stage: str, layer: int, head: int) -> tuple[np.ndarray, np.ndarray]:
    """(values of the stage, wei) of one head, or their mean over the layer's heads (head = MEAN)."""
    values, wei = att.shown(stage)[layer], att.softmax[layer]
    if head == MEAN:
        with np.errstate(invalid="ignore"):
            return values.mean(0), wei.mean(0)  # -inf stays -inf: masked in every head
    return values[head], wei[head]


def summary(att: Attention, lang: str) -> str:
    """Mean row max and entropy of wei over all heads, beside what a uniform row would give."""
    rows = att.softmax.reshape(-1, att.softmax.shape[-1])
    T = len(att.chars)
    uniform = float(np.mean(np.log(np.arange(1, T + 1)))) if att.causal else float(np.log(T))
    return t("att.summary", lang, max=f"{rows.max(-1).mean():.2f}", H=f"{entropy(rows).mean():.2f}",
             U=f"{uniform:.2f}", scale=t("att.on" if att.scale else "att.off", lang),
             mask=t("att.on" if att.causal else "att.off", lang))


def views(att: Attention, stage: str, layer: int, head: int, query: int, lang: str) -> tuple:
    """(grid, large head, query bars) figures."""
    L, H, T, _ = att.softmax.shape
    layer, query = min(max(layer, 0), L - 1), min(max(query, 0), T - 1)
    head = MEAN if head == MEAN else min(max(head, 0), H - 1)
    values, wei = head_values(att, stage, layer, head)
    name = t("att.mean_heads", lang) if head == MEAN else f"H{head + 1}"
    title = t("att.head_title", lang, layer=layer + 1, head=name, stage=t(f"att.stage.{stage}", lang))
    grid = fig.attention_grid(att.shown(stage), att.chars, stage, lang, None if head == MEAN else (layer, head))
    big = fig.attention_head(values, wei, att.chars, stage, lang, title)
    row = att.softmax[layer, head][query] if head != MEAN else att.softmax[layer].mean(0)[query]
    bars = fig.query_bars(row, att.softmax[layer].mean(0)[query], att.chars, query, lang)
    return grid, big, bars


def build(ctx: AppContext) -> dict:
    """Lay out the tab and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    c["intro"] = L.make(gr.Markdown, text="att.intro", elem_id="att-intro")
    prompt_row(ctx, c, "att")
    with gr.Row(equal_height=True, elem_id="att-controls"):
        c["stage"] = L.make(gr.Radio, label="att.stage", value="softmax", elem_id="att-stage", scale=3,
                            choices=[(f"att.stage.{s}", s) for s in STAGES])
        with gr.Column(scale=2, min_width=220):
            c["no_scale"] = L.make(gr.Checkbox, label="att.no_scale", info="att.no_scale.info", value=False,
                                   elem_id="att-no-scale")
            c["no_mask"] = L.make(gr.Checkbox, label="att.no_mask", info="att.no_mask.info", value=False,
                                  elem_id="att-no-mask")
    c["summary"] = gr.HTML("", elem_id="att-summary")
    c["grid"] = gr.Plot(None, show_label=False, elem_id="att-grid")
    with gr.Row(equal_height=True, elem_id="att-pick"):
        c["layer"] = L.make(gr.Dropdown, label="att.layer", choices=[], value=None, elem_id="att-layer", min_width=100)
        c["head"] = L.make(gr.Dropdown, label="att.head", choices=[], value=None, elem_id="att-head", min_width=100)
        c["query"] = L.make(gr.Slider, label="att.query", info="att.query.info", minimum=0, maximum=63, step=1,
                            value=63, elem_id="att-query", scale=2, min_width=200)
    c["big"] = gr.Plot(None, show_label=False, elem_id="att-head-plot")
    c["bars"] = gr.Plot(None, show_label=False, elem_id="att-query-plot")
    with L.add(gr.Accordion(t("heads.title", "en"), open=False, elem_id="att-heads-box"), label="heads.title"):
        c["heads_intro"] = L.make(gr.Markdown, text="heads.intro", elem_id="att-heads-intro")
        with gr.Row():
            c["heads_run"] = L.make(gr.Button, text="heads.run", variant="primary", elem_id="att-heads-run")
            c["play"] = L.make(gr.Button, text="heads.play", elem_id="att-play")
        c["heads_msg"] = gr.HTML("", elem_id="att-heads-msg")
        c["strip"] = gr.Plot(None, show_label=False, elem_id="att-strip")
        c["heads_entropy"] = gr.Plot(None, show_label=False, elem_id="att-heads-entropy")
    c["play_timer"] = gr.Timer(PLAY_TICK, active=False)
    for key, name, check in (("prompt", "prompt", links.prompt), ("stage", "stage", None), ("noscale", "no_scale", None),
                             ("nomask", "no_mask", None), ("layer", "layer", links.model_range("layer", "n_layer")),
                             ("head", "head", links.model_range("head", "n_head", lo=0)),  # 0: the mean over heads
                             ("query", "query", links.model_range("query", "block_size", lo=0, offset=-1))):
        ctx.linkable(key, c[name], check)
    _wire(ctx, c)
    _wire_heads(ctx, c)
    return c


def _wire_heads(ctx: AppContext, c: dict) -> None:
    """Heads over time, and Play: a timer that moves the header's step slider one snapshot a tick."""

    def heads_ui(key, prompt, layer, head, lang, request: gr.Request):
        """wei of the picked layer and head at every snapshot, and each head's entropy by step."""
        with user_errors(lang):
            session = ctx.session(request)
            try:
                h = heads_over_time(session, key, prompt)
            except Refusal as e:
                return refusal_html(e, lang), None, None
            L, H = h.wei.shape[1:3]
            layer = min(max(int(layer or 1) - 1, 0), L - 1)
            head = min(max(int(head or 1) - 1, 0), H - 1)  # the mean over heads shows the first head
            return sharpest_html(h, layer, lang), strip_figure(h, layer, head, lang), entropy_figure(h, layer, lang)

    c["heads_run"].click(heads_ui, [ctx.picker, c["prompt"], c["layer"], c["head"], ctx.lang],
                         [c["heads_msg"], c["strip"], c["heads_entropy"]], **QUIET)

    def play_ui(key, index, lang, request: gr.Request):
        """Start (from the first snapshot, if the slider is at the end) or pause the walk through the steps."""
        with user_errors(lang):
            session = ctx.session(request)
            state = cache_of(session)
            timeline = session.timeline(key) if key else None
            if timeline is None or state.playing:
                state.playing = False
                msg = "" if timeline is not None else refusal_html(
                    Refusal("refuse.no_timeline", model=session.model_info(key)["name"] if key else "–"), lang)
                return gr.skip(), gr.Timer(active=False), gr.update(value=t("heads.play", lang)), msg
            state.playing, state.play_key = True, key
            start = 0 if index is None or int(index) >= len(timeline) else int(index)
            return gr.update(value=start), gr.Timer(active=True), gr.update(value=t("heads.pause", lang)), ""

    c["play"].click(play_ui, [ctx.picker, ctx.step, ctx.lang], [ctx.step, c["play_timer"], c["play"], c["heads_msg"]],
                    **QUIET)

    def play_tick(key, index, lang, request: gr.Request):
        session = ctx.session(request)
        timeline = session.timeline(key) if key else None
        state = cache_of(session)
        if (timeline is None or not state.playing or key != state.play_key or index is None
                or int(index) >= len(timeline)):  # paused, another model picked, or at the end
            state.playing = False
            return gr.skip(), gr.Timer(active=False), gr.update(value=t("heads.play", lang))
        return gr.update(value=int(index) + 1), gr.skip(), gr.skip()

    c["play_timer"].tick(play_tick, [ctx.picker, ctx.step, ctx.lang], [ctx.step, c["play_timer"], c["play"]],
                         trigger_mode="always_last", **QUIET)


def _wire(ctx: AppContext, c: dict) -> None:
    inputs = [ctx.picker, ctx.step, c["prompt"], c["stage"], c["no_scale"], c["no_mask"], c["layer"], c["head"], c["query"],
              ctx.lang]
    outputs = [c["notice"], c["drop"], c["summary"], c["grid"], c["big"], c["bars"], c["layer"], c["head"], c["query"]]

    def render(session: Session, key, index, prompt, stage, no_scale, no_mask, layer, head, query, lang, reset=False):
        ctx.remember(session, "attention", (key, index, prompt, stage, no_scale, no_mask, layer, head, query))
        blank = [gr.update(value=None)] * 3 + [gr.skip()] * 3  # the pickers keep their choices (and values)
        try:
            att, p, model, _ = compute(session, key, prompt, scale=not no_scale, causal=not no_mask,
                                       step=step_of(session, key, index))
        except Refusal as e:
            drop = gr.update(visible=e.key == "inside.unknown")
            return [refusal_html(e, lang), drop, ""] + blank
        nL, nH, T, _ = att.softmax.shape
        layer = int(layer) - 1 if isinstance(layer, (int, float)) and not reset else 0
        head = int(head) - 1 if isinstance(head, (int, float)) and not reset else 0
        query = T - 1 if reset or query is None else min(int(query), T - 1)
        stage = stage if stage in STAGES else "softmax"
        draw = lambda: list(views(att, stage, layer, head, query, lang))
        if shared_model(model):  # a pretrained model's figures are everyone's (explorer/memo.py)
            grid, big, bars = shared_views(VIEWS, (id(model), tuple(p.ids), att.scale, att.causal, stage, layer,
                                                   head, query, lang), draw)
        else:
            grid, big, bars = draw()
        heads = [(f"H{h + 1}", h + 1) for h in range(nH)] + [(t("att.mean_heads", lang), MEAN + 1)]
        return [notice_html(p, lang, model.config.block_size), gr.update(visible=False),
                f'<div class="inside-note">{html.escape(summary(att, lang))}</div>', grid, big, bars,
                gr.update(choices=[(f"L{i + 1}", i + 1) for i in range(nL)], value=min(layer, nL - 1) + 1),
                gr.update(choices=heads, value=(head if head == MEAN else min(head, nH - 1)) + 1),
                gr.update(maximum=T - 1, value=query)]

    def handler(reset: bool):
        def on_event(key, index, prompt, stage, no_scale, no_mask, layer, head, query, lang, request: gr.Request):
            """Redraw the grid, the large head and the query row for the current controls."""
            with user_errors(lang):
                session = ctx.session(request)
                keep = reset and ctx.linked(session, "attention", key)  # a link's layer, head and query stay
                return render(session, key, index, prompt, stage, no_scale, no_mask, layer, head, query, lang,
                              reset and not keep)
        on_event.__name__ = "attention_ui" if reset else "attention_redraw_ui"
        return on_event

    new_input, same_input = handler(True), handler(False)
    for ev in (c["run"].click, c["prompt"].submit, ctx.picker.change):
        ev(new_input, inputs, outputs, **QUIET)
    for comp in (c["stage"], c["no_scale"], c["no_mask"], c["layer"], c["head"]):
        comp.input(same_input, inputs, outputs, trigger_mode="always_last", **QUIET)
    ctx.step.change(same_input, inputs, outputs, trigger_mode="always_last", **QUIET)
    c["query"].release(same_input, inputs, outputs, trigger_mode="always_last", **QUIET)
    wire_drop(ctx, c)
    c["dropped"].then(new_input, inputs, outputs, **QUIET)

    # first load: the default prompt with the default model
    ctx.redraw("attention", outputs, render,
               lambda session: (session.default_model(), None, DEFAULT_PROMPT, "softmax", False, False, 1, 1, None),
               inputs=inputs[:-1])
