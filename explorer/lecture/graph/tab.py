"""The graph section's builder: the prompt, layer, head and edge filters, both graphs and both heatmaps,
redrawn in the visitor's language with their last settings (the default prompt and model at first)."""
import html

import gradio as gr

from model.gpt import CausalSelfAttention
from model.lecture.graph import attend, edges, head_qkv, head_wei, self_and_cross

from ... import checks, links
from ...context import AppContext
from ...errors import Refusal, user_errors
from ...groups import QUIET_INSPECT
from ...i18n import t
from ...memo import SharedMemo, shared_views
from ...picker import model_for
from ...session import Session
from ...steps import step_of
from ...views import note_html, refusal_html
from ..code import code_panel
from . import figures as fig
from .compute import DEFAULT_KV, DEFAULT_PROMPT, DEFAULT_THRESHOLD, DEFAULT_TOP_K, MAX_NODES, View, compute

VIEW = "lecture.graph"  # its last arguments, for a language switch
VIEWS = SharedMemo(32)   # a pretrained model's graphs: the same for every visitor who asks the same


def render(view: View, lang: str) -> list:
    """[notice, drop, decoder, encoder, layer, head, kv notice, self heatmap, cross heatmap]."""
    T, L, H = len(view.text.chars), view.layer + 1, view.head + 1
    chars = view.text.chars
    notes = [t("lec.graph.cropped", lang, n=T, dropped=view.text.dropped)] if view.text.dropped else []
    decoder = fig.graph_figure(view.wei, view.edges, chars, t("lec.graph.decoder_title", lang, layer=L, head=H),
                               lang, causal=True)
    encoder = fig.graph_figure(view.wei_enc, view.edges_enc, chars,
                               t("lec.graph.encoder_title", lang, layer=L, head=H), lang, causal=False)
    layers = gr.update(choices=[(f"L{i + 1}", i + 1) for i in range(view.n_layer)], value=L)
    heads = gr.update(choices=[(f"H{h + 1}", h + 1) for h in range(view.n_head)], value=H)
    self_map = fig.wei_heatmap(view.wei_self, chars, chars, t("lec.graph.self_title", lang, t=T),
                               t("lec.graph.keys_self", lang), t("lec.graph.queries", lang), lang, causal=True)
    x, kv = view.cross, view.kv
    if x is None:
        drop = gr.update(visible=view.kv_refusal.key == "lec.graph.unknown_kv")
        return [note_html(notes), drop, decoder, encoder, layers, heads, refusal_html(view.kv_refusal, lang),
                self_map, None]
    tq, tkv, hs = x["q"].shape[0], x["k"].shape[0], x["q"].shape[1]
    kv_notes = [t("lec.graph.cropped_kv", lang, n=tkv, dropped=kv.dropped)] if kv.dropped else []
    shapes = t("lec.graph.shapes", lang, head=H, hs=hs, tq=tq, tkv=tkv)
    kv_note = note_html(kv_notes) + f'<div id="lec-graph-shapes">{html.escape(shapes)}</div>'
    cross = fig.wei_heatmap(x["wei"], chars, kv.chars, t("lec.graph.cross_title", lang, tq=tq, tkv=tkv),
                            t("lec.graph.keys_cross", lang), t("lec.graph.queries", lang), lang, causal=False)
    return [note_html(notes), gr.update(visible=False), decoder, encoder, layers, heads, kv_note, self_map, cross]


def build(ctx: AppContext) -> dict:
    """Lay out the section and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    c["intro"] = L.make(gr.Markdown, text="lec.graph.intro", elem_id="lec-graph-intro")
    with gr.Row(equal_height=True):
        c["prompt"] = L.make(gr.Textbox, label="lec.graph.prompt", info="lec.graph.prompt.info", value=DEFAULT_PROMPT,
                             lines=1, max_lines=1, scale=4, elem_id="lec-graph-prompt", elem_classes="mono")
        c["run"] = L.make(gr.Button, text="lec.graph.run", variant="primary", scale=1, min_width=110,
                          elem_id="lec-graph-run")
    with gr.Row(equal_height=True, elem_classes="notice-row"):
        c["notice"] = gr.HTML("", elem_id="lec-graph-notice", elem_classes="inside-notice")
        c["drop"] = L.make(gr.Button, text="lec.graph.drop", visible=False, size="sm", scale=0, min_width=180,
                           variant="secondary", elem_id="lec-graph-drop")
    with gr.Row(equal_height=True, elem_id="lec-graph-controls"):
        c["layer"] = L.make(gr.Dropdown, label="lec.graph.layer", choices=[], value=None, min_width=90,
                            elem_id="lec-graph-layer")
        c["head"] = L.make(gr.Dropdown, label="lec.graph.head", choices=[], value=None, min_width=90,
                           elem_id="lec-graph-head")
        c["top_k"] = L.make(gr.Slider, label="lec.graph.top_k", info="lec.graph.top_k.info", minimum=0,
                            maximum=MAX_NODES, step=1, value=DEFAULT_TOP_K, min_width=200, elem_id="lec-graph-top-k")
        c["threshold"] = L.make(gr.Slider, label="lec.graph.threshold", info="lec.graph.threshold.info", minimum=0,
                                maximum=0.5, step=0.01, value=DEFAULT_THRESHOLD, min_width=200,
                                elem_id="lec-graph-threshold")
    with gr.Row(elem_id="lec-graph-plots"):
        c["decoder"] = gr.Plot(None, show_label=False, elem_id="lec-graph-decoder")
        c["encoder"] = gr.Plot(None, show_label=False, elem_id="lec-graph-encoder")
    c["how"] = L.make(gr.Markdown, text="lec.graph.how", elem_id="lec-graph-how")
    c["encoder_note"] = L.make(gr.Markdown, text="lec.graph.encoder_note", elem_id="lec-graph-encoder-note")
    c["cross_heading"] = L.make(gr.Markdown, text="lec.graph.cross_heading", elem_id="lec-graph-cross-heading")
    c["cross_intro"] = L.make(gr.Markdown, text="lec.graph.cross_intro", elem_id="lec-graph-cross-intro")
    c["kv"] = L.make(gr.Textbox, label="lec.graph.kv", info="lec.graph.kv.info", value=DEFAULT_KV, lines=1,
                     max_lines=1, elem_id="lec-graph-kv", elem_classes="mono")
    c["kv_notice"] = gr.HTML("", elem_id="lec-graph-kv-notice", elem_classes="inside-notice")
    with gr.Row(elem_id="lec-graph-heat"):
        c["self"] = gr.Plot(None, show_label=False, elem_id="lec-graph-self")
        c["cross"] = gr.Plot(None, show_label=False, elem_id="lec-graph-cross")
    for key, name, check in (("prompt", "prompt", links.prompt), ("kv", "kv", links.prompt),
                             ("layer", "layer", links.model_range("layer", "n_layer")),
                             ("head", "head", links.model_range("head", "n_head")), ("topk", "top_k", None),
                             ("threshold", "threshold", None)):
        ctx.linkable(key, c[name], check)
    _wire(ctx, c)
    code_panel(ctx, c, "lec-graph", head_wei, edges, head_qkv, attend, self_and_cross,
               CausalSelfAttention.forward_traced)
    return c


def _wire(ctx: AppContext, c: dict) -> None:
    inputs = [ctx.picker, ctx.step, c["prompt"], c["kv"], c["layer"], c["head"], c["top_k"], c["threshold"], ctx.lang]
    outputs = [c["notice"], c["drop"], c["decoder"], c["encoder"], c["layer"], c["head"], c["kv_notice"], c["self"],
               c["cross"]]

    def draw(session: Session, key, index, prompt, kv, layer, head, top_k, threshold, lang, reset=False) -> list:
        ctx.remember(session, VIEW, (key, index, prompt, kv, layer, head, top_k, threshold))
        views = lambda: render(compute(session, key, prompt, kv, layer, head, top_k, threshold, reset,
                                       step=step_of(session, key, index)), lang)
        try:
            if isinstance(key, str) and key.startswith("pretrained:"):  # the same for every visitor
                return shared_views(VIEWS, (session.assets, key, index, prompt, kv, layer, head, top_k, threshold, reset, lang), views)
            return views()
        except Refusal as e:
            drop = gr.update(visible=e.key == "lec.graph.unknown")
            return [refusal_html(e, lang), drop, None, None, gr.skip(), gr.skip(), "", None, None]

    def handler(reset: bool):
        def on_event(key, index, prompt, kv, layer, head, top_k, threshold, lang, request: gr.Request):
            """Redraw both graphs and both heatmaps for the current controls, of the model at the header's
            step (reset: a new prompt or model, so a layer or head the model lacks falls back to 1)."""
            with user_errors(lang):
                return draw(ctx.session(request), key, index, prompt, kv, layer, head, top_k, threshold, lang, reset)
        on_event.__name__ = "lecture_graph_ui" if reset else "lecture_graph_redraw_ui"
        return on_event

    new_input, same_input = handler(True), handler(False)
    for ev in (c["run"].click, c["prompt"].submit, c["kv"].submit, ctx.picker.change):
        ev(new_input, inputs, outputs, **QUIET_INSPECT)
    for comp in (c["layer"], c["head"], c["top_k"], c["threshold"]):
        comp.input(same_input, inputs, outputs, trigger_mode="always_last", **QUIET_INSPECT)
    ctx.step.change(same_input, inputs, outputs, trigger_mode="always_last", **QUIET_INSPECT)

    def lecture_graph_drop_ui(key, prompt, kv, lang, request: gr.Request):
        """Both texts without the characters outside the picked model's vocabulary."""
        try:
            _, tok, _ = model_for(ctx.session(request), key)
            return tok.clean(checks.prompt(prompt)), tok.clean(checks.prompt(kv)), gr.update(visible=False)
        except Refusal:
            return gr.skip(), gr.skip(), gr.update(visible=False)

    dropped = c["drop"].click(lecture_graph_drop_ui, [ctx.picker, c["prompt"], c["kv"], ctx.lang],
                              [c["prompt"], c["kv"], c["drop"]], **QUIET_INSPECT)
    dropped.then(new_input, inputs, outputs, **QUIET_INSPECT)

    def redraw(session: Session, key, index, prompt, kv, layer, head, top_k, threshold, lang: str) -> list:
        """The last view again, in lang (as for a new prompt: a layer or head the model lacks falls back to 1)."""
        return draw(session, key, index, prompt, kv, layer, head, top_k, threshold, lang, reset=True)

    def first_load(session: Session) -> tuple:
        """The default prompt with the session's default model."""
        return session.default_model(), None, DEFAULT_PROMPT, DEFAULT_KV, 1, 1, DEFAULT_TOP_K, DEFAULT_THRESHOLD

    ctx.redraw(VIEW, outputs, redraw, default=first_load, inputs=inputs[:-1])
