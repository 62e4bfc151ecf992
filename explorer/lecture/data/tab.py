"""The data section's builder: the corpus's numbers, its vocabulary, the encode/decode playground
and the split, redrawn in the visitor's language."""
from dataclasses import dataclass

import gradio as gr

from model.data import CharDataset
from model.lecture.data import character_counts, corpus_stats, split_at
from model.tokenizer import CharTokenizer

from ... import corpus as shared
from ...context import AppContext
from ...errors import Refusal, user_errors
from ...groups import QUIET_INSPECT
from ...i18n import t
from ...session import Session
from ..code import code_panel
from . import figures as F
from .compute import check_ids, check_text, corpus, parse_ids

DEFAULT_TEXT = "hii there"  # the lecture's own example


@dataclass
class DataState:
    """The playground as the visitor last used it: which box they typed in, and what (as sent)."""
    kind: str = "encode"            # "encode": the text box; "decode": the ids box
    value: str | None = DEFAULT_TEXT


def encode_view(text, lang: str) -> tuple:
    """(ids box value, result html) for the text box; unknown characters are named and marked."""
    try:
        c = corpus()
        text = check_text(text)
    except Refusal as e:
        return gr.skip(), F.refusal_note(e, lang)
    tok = c.tokenizer
    if not text:
        return "[]", F.note(t("lec.data.empty_text", lang))
    unknown = tok.unknown_chars(text)
    if unknown:
        return gr.skip(), F.unknown_html(text, tok.stoi, unknown, lang)
    ids = tok.encode(text)
    return str(ids), F.encoded_html(text, ids, lang)


def decode_view(raw, lang: str) -> tuple:
    """(text box value, result html) for the ids box; ids outside 0..V-1 are refused, all of them named."""
    try:
        c = corpus()
        ids = check_ids(parse_ids(raw), c.tokenizer.vocab_size)
    except Refusal as e:
        return gr.skip(), F.refusal_note(e, lang)
    if not ids:
        return "", F.note(t("lec.data.empty_ids", lang))
    text = c.tokenizer.decode(ids)
    return text, F.decoded_html(text, ids, lang)


def views(lang: str) -> list:
    """[stats, vocab, split] html, or the missing-corpus notice in the first and nothing in the others."""
    try:
        c = corpus()
    except Refusal as e:
        return [F.refusal_note(e, lang), "", ""]
    ds = c.dataset
    return [F.stats_html(c, lang), F.vocab_html(c.tokenizer.chars, c.counts, len(c.text), lang),
            F.split_html(len(c.text), c.split, len(ds.train_data), len(ds.val_data), c.stats["lines"], lang)]


def _encoded(env, text: str) -> None:
    """A link's text is what the playground encodes on load."""
    state = env.session.state(DataState)
    state.kind, state.value = "encode", text


def build(ctx: AppContext) -> dict:
    """Lay out the section and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    c["intro"] = L.make(gr.Markdown, text="lec.data.intro", elem_id="lec-data-intro")
    c["stats"] = gr.HTML("", elem_id="lec-data-stats")
    c["vocab_title"] = L.make(gr.Markdown, text="lec.data.vocab.title")
    c["vocab_note"] = L.make(gr.Markdown, text="lec.data.vocab.note")
    c["vocab"] = gr.HTML("", elem_id="lec-data-vocab")
    c["play_title"] = L.make(gr.Markdown, text="lec.data.play.title")
    c["play_note"] = L.make(gr.Markdown, text="lec.data.play.note")
    with gr.Row(equal_height=False, elem_id="lec-data-play"):
        with gr.Column(min_width=240):
            c["text"] = L.make(gr.Textbox, label="lec.data.text", value=DEFAULT_TEXT, lines=2, max_lines=6,
                               elem_id="lec-data-text", elem_classes="mono")
            c["encode"] = L.make(gr.Button, text="lec.data.encode", variant="primary", elem_id="lec-data-encode")
        with gr.Column(min_width=240):
            c["ids"] = L.make(gr.Textbox, label="lec.data.ids", placeholder="lec.data.ids.ph", lines=2,
                              max_lines=6, elem_id="lec-data-ids", elem_classes="mono")
            c["decode"] = L.make(gr.Button, text="lec.data.decode", elem_id="lec-data-decode")
    c["result"] = gr.HTML("", elem_id="lec-data-result")
    c["split_title"] = L.make(gr.Markdown, text="lec.data.split.title")
    c["split"] = gr.HTML("", elem_id="lec-data-split")
    code_panel(ctx, c, "lec-data", CharTokenizer, CharDataset.__init__, corpus_stats, split_at, character_counts)
    ctx.linkable("text", c["text"], store=_encoded)
    _wire(ctx, c)
    return c


def _wire(ctx: AppContext, c: dict) -> None:
    def remember(request, kind: str, value) -> None:
        state = ctx.session(request).state(DataState)
        state.kind, state.value = kind, value

    def lecture_data_encode_ui(text, lang, request: gr.Request):
        """Text box -> [ids box, result html]: the ids of each character, or the characters not in the vocabulary."""
        with user_errors(lang):
            remember(request, "encode", text)
            return list(encode_view(text, lang))

    def lecture_data_decode_ui(ids, lang, request: gr.Request):
        """Ids box -> [text box, result html]: the characters of the ids, or the ids outside the vocabulary."""
        with user_errors(lang):
            remember(request, "decode", ids)
            return list(decode_view(ids, lang))

    live = dict(trigger_mode="always_last", **QUIET_INSPECT)  # the other box follows as you type
    c["encode"].click(lecture_data_encode_ui, [c["text"], ctx.lang], [c["ids"], c["result"]], **QUIET_INSPECT)
    c["text"].input(lecture_data_encode_ui, [c["text"], ctx.lang], [c["ids"], c["result"]], **live)
    c["decode"].click(lecture_data_decode_ui, [c["ids"], ctx.lang], [c["text"], c["result"]], **QUIET_INSPECT)
    c["ids"].input(lecture_data_decode_ui, [c["ids"], ctx.lang], [c["text"], c["result"]], **live)

    def render(session: Session, lang: str) -> list:
        """Every view in lang, the playground as last used (on page load, the lecture's encode('hii there'))."""
        state = session.state(DataState)
        if state.kind == "encode":
            ids, result = encode_view(state.value, lang)
            return [*views(lang), ids, gr.skip(), result]
        text, result = decode_view(state.value, lang)
        return [*views(lang), gr.skip(), text, result]

    outputs = [c["stats"], c["vocab"], c["split"], c["ids"], c["text"], c["result"]]
    shared.redraw(ctx, "lecture.data", outputs, render, default=lambda session: ())  # and when the corpus lands
