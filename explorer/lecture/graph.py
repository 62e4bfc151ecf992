"""Walkthrough section 6, attention as communication: one head's wei of the picked model drawn as a
directed graph over the prompt's characters, decoder (masked) beside encoder (unmasked), then
cross-attention's (T_q, T_kv) wei beside self-attention's (T, T)."""
import html
from dataclasses import dataclass

import gradio as gr
import numpy as np
import torch

from model.gpt import CausalSelfAttention
from model.lecture.graph import attend, edges, head_qkv, head_wei, self_and_cross

from ..context import AppContext
from ..errors import Refusal, user_errors
from ..i18n import t
from ..inside import check_prompt, has_attention, number
from ..session import Session
from ..tabs.inside_common import NOTE, QUIET, model_for, refusal_html
from . import graph_figures as fig
from .code import code_panel

MAX_NODES = 16                  # characters drawn: more would not stay legible on a phone
DEFAULT_PROMPT = "hello, my friend"
DEFAULT_KV = "good day, sir"
DEFAULT_TOP_K, DEFAULT_THRESHOLD = 3, 0.02
CSS = """
#lec-graph-plots > div, #lec-graph-heat > div { min-width: min(340px, 100%); }
#lec-graph-shapes { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
                    white-space: pre-wrap; line-height: 1.5; padding: 6px 10px; border-radius: 8px;
                    border: 1px solid var(--border-color-primary); }
"""


@dataclass
class Text:
    """A text box's characters as the model sees them (at most MAX_NODES)."""
    ids: list[int]
    chars: list[str]
    dropped: int = 0  # characters left out at the end


def nodes(tokenizer, text, block_size: int, kv: bool = False) -> Text:
    """The first MAX_NODES (and block_size) characters; empty text or unknown characters are refused."""
    text = check_prompt(text)
    unknown = tokenizer.unknown_chars(text)
    if unknown:
        raise Refusal("lec.graph.unknown_kv" if kv else "lec.graph.unknown",
                      chars=" ".join(repr(c) for c in unknown[:12]))
    if not text:
        raise Refusal("lec.graph.empty_kv" if kv else "lec.graph.empty")
    n = min(MAX_NODES, block_size)
    return Text(tokenizer.encode(text[:n]), list(text[:n]), max(0, len(text) - n))


def pick(value, field: str, hi: int, reset: bool) -> int:
    """A 1-based layer or head from a dropdown (or an API caller); None is 1. With reset (a new
    prompt or model) a number out of the model's range falls back to 1 instead of being refused."""
    if value is None or (reset and isinstance(value, (int, float)) and not isinstance(value, bool)
                         and value == value and not 1 <= value <= hi):
        return 0
    return number(value, field, 1, hi, integer=True) - 1


@dataclass
class View:
    """Everything the section draws for one set of controls."""
    text: Text
    layer: int
    head: int
    n_layer: int
    n_head: int
    wei: np.ndarray             # (T, T) decoder
    wei_enc: np.ndarray         # (T, T) encoder
    edges: list
    edges_enc: list
    wei_self: np.ndarray | None = None  # (T, T) first layer's head, masked: beside the cross-attention
    cross: dict | None = None   # q, k, v, wei, out as numpy; None when the second text is refused
    kv: Text | None = None
    kv_refusal: Refusal | None = None


def compute(session: Session, key, prompt, kv_text, layer, head, top_k, threshold, reset=False) -> View:
    """The decoder's and encoder's wei of one head, their edges, and self-/cross-attention;
    Refusal for a missing model, the bigram, a bad prompt or bad numbers."""
    model, tokenizer, _ = model_for(session, key)
    if not has_attention(model):
        raise Refusal("lec.graph.no_attention")
    cfg = model.config
    text = nodes(tokenizer, prompt, cfg.block_size)
    layer, head = pick(layer, "layer", cfg.n_layer, reset), pick(head, "head", cfg.n_head, reset)
    top_k = number(DEFAULT_TOP_K if top_k is None else top_k, "top-k", 0, MAX_NODES, integer=True)
    threshold = number(DEFAULT_THRESHOLD if threshold is None else threshold, "threshold", 0.0, 1.0)
    idx = torch.tensor(text.ids, dtype=torch.long)  # (T,)
    wei, wei_enc = head_wei(model, idx, layer, head), head_wei(model, idx, layer, head, causal=False)
    view = View(text, layer, head, cfg.n_layer, cfg.n_head, wei.numpy(), wei_enc.numpy(),
                edges(wei, top_k, threshold), edges(wei_enc, top_k, threshold))
    try:
        view.kv = nodes(tokenizer, kv_text, cfg.block_size, kv=True)
    except Refusal as e:
        view.kv_refusal = e
        view.wei_self = attend(*head_qkv(model, idx, head), causal=True)[0].numpy()
        return view
    out = self_and_cross(model, idx, torch.tensor(view.kv.ids, dtype=torch.long), head)
    view.cross = {name: value.numpy() for name, value in out.items()}
    view.wei_self = view.cross.pop("wei_self")
    return view


def note_html(parts: list[str]) -> str:
    return "".join(f'<div class="inside-note" style="{NOTE}">ℹ️ {html.escape(p)}</div>' for p in parts)


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
    _wire(ctx, c)
    code_panel(ctx, c, "lec-graph", head_wei, edges, head_qkv, attend, self_and_cross,
               CausalSelfAttention.forward_traced)
    return c


def _wire(ctx: AppContext, c: dict) -> None:
    inputs = [ctx.picker, c["prompt"], c["kv"], c["layer"], c["head"], c["top_k"], c["threshold"], ctx.lang]
    outputs = [c["notice"], c["drop"], c["decoder"], c["encoder"], c["layer"], c["head"], c["kv_notice"], c["self"],
               c["cross"]]

    def draw(session: Session, key, prompt, kv, layer, head, top_k, threshold, lang, reset=False) -> list:
        session.lecture_graph_args = (key, prompt, kv, layer, head, top_k, threshold)
        try:
            return render(compute(session, key, prompt, kv, layer, head, top_k, threshold, reset), lang)
        except Refusal as e:
            drop = gr.update(visible=e.key == "lec.graph.unknown")
            return [refusal_html(e, lang), drop, None, None, gr.skip(), gr.skip(), "", None, None]

    def handler(reset: bool):
        def on_event(key, prompt, kv, layer, head, top_k, threshold, lang, request: gr.Request):
            """Redraw both graphs and both heatmaps for the current controls (reset: a new prompt or
            model, so a layer or head the model lacks falls back to 1)."""
            with user_errors(lang):
                return draw(ctx.session(request), key, prompt, kv, layer, head, top_k, threshold, lang, reset)
        on_event.__name__ = "lecture_graph_ui" if reset else "lecture_graph_redraw_ui"
        return on_event

    new_input, same_input = handler(True), handler(False)
    for ev in (c["run"].click, c["prompt"].submit, c["kv"].submit, ctx.picker.change):
        ev(new_input, inputs, outputs, **QUIET)
    for comp in (c["layer"], c["head"], c["top_k"], c["threshold"]):
        comp.input(same_input, inputs, outputs, trigger_mode="always_last", **QUIET)

    def lecture_graph_drop_ui(key, prompt, kv, lang, request: gr.Request):
        """Both texts without the characters outside the picked model's vocabulary."""
        try:
            _, tokenizer, _ = model_for(ctx.session(request), key)
            return tokenizer.clean(check_prompt(prompt)), tokenizer.clean(check_prompt(kv)), gr.update(visible=False)
        except Refusal:
            return gr.skip(), gr.skip(), gr.update(visible=False)

    dropped = c["drop"].click(lecture_graph_drop_ui, [ctx.picker, c["prompt"], c["kv"], ctx.lang],
                              [c["prompt"], c["kv"], c["drop"]], **QUIET)
    dropped.then(new_input, inputs, outputs, **QUIET)

    def on_language(session: Session, lang: str) -> list:
        args = getattr(session, "lecture_graph_args", None)
        if args is None:  # first load: the default prompt with the default model
            args = (session.default_model(), DEFAULT_PROMPT, DEFAULT_KV, 1, 1, DEFAULT_TOP_K, DEFAULT_THRESHOLD)
        try:
            return draw(session, *args, lang, reset=True)
        except Exception:  # noqa: BLE001 -- a language switch never fails because of this section
            return [gr.skip()] * len(outputs)

    ctx.on_language(outputs, on_language)
