"""Walkthrough section 1, data and tokenizer: the corpus in numbers, its vocabulary as a table, an
encode/decode playground and the 90/10 split. Also the corpus both sections read (never downloaded here)."""
import html
import re
import threading
from dataclasses import dataclass

import gradio as gr

from model.data import CharDataset, CorpusError, find_corpus, read_text
from model.lecture.data import character_counts, corpus_stats, split_at
from model.tokenizer import CharTokenizer

from ..context import AppContext
from ..errors import Refusal, user_errors
from ..i18n import t
from ..session import Session
from .code import code_panel

MAX_TEXT = 1000       # characters the playground encodes at once
MAX_IDS = 1000        # ids it decodes at once
PREVIEW = 500         # characters of the corpus shown as they are
AROUND = 60           # characters shown on each side of the split
DEFAULT_TEXT = "hii there"  # the lecture's own example
# UI-only events, in the inspection group of the inside tabs (never waits behind training); not
# imported from explorer.tabs, which imports this module
QUIET = dict(show_progress="hidden", api_visibility="private", concurrency_id="inspect", concurrency_limit=4)

CSS = """
.lecd-note { padding: 6px 10px; border-radius: 8px; margin: 4px 0; font-size: 14px; overflow-wrap: anywhere; }
.lecd-warn { background: rgba(255,193,7,0.18); }
.lecd-cells { display: flex; flex-wrap: wrap; gap: 4px; margin: 6px 0; }
.lecd-cell { display: inline-flex; flex-direction: column; align-items: center; justify-content: center;
            min-width: 2.3em; padding: 3px 4px; border-radius: 6px; border: 1px solid var(--border-color-primary);
            background: var(--block-background-fill); line-height: 1.15; }
.lecd-cell .ch { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 17px;
                font-weight: 600; white-space: pre; }
.lecd-cell .ch.ws { color: #1e88e5; font-size: 15px; }
.lecd-cell .id { font-size: 12px; opacity: 0.7; font-variant-numeric: tabular-nums; }
.lecd-cell.bad { background: rgba(229,57,53,0.18); border-color: rgba(229,57,53,0.7); }
#lec-data-vocab .lecd-cells { display: grid; grid-template-columns: repeat(auto-fill, minmax(2.6em, 1fr)); }
.lecd-mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
            white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; padding: 6px 8px; border-radius: 6px;
            background: var(--block-background-fill); border: 1px solid var(--border-color-primary); }
.lecd-preview { max-height: 220px; overflow-y: auto; }
.lecd-bar { display: flex; height: 30px; border-radius: 6px; overflow: hidden; margin: 6px 0 4px 0; }
.lecd-bar .train { background: rgba(33,150,243,0.55); }
.lecd-bar .val { background: rgba(255,152,0,0.75); }
.lecd-legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 14px; }
.lecd-legend .sw { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 3px; margin-right: 5px;
                  vertical-align: -1px; }
.lecd-tr { background: rgba(33,150,243,0.18); }
.lecd-va { background: rgba(255,152,0,0.28); }
.lecd-cut { border-left: 3px solid #e53935; margin-left: 1px; }
"""


@dataclass(frozen=True)
class Corpus:
    """tiny-shakespeare as both sections use it: read once, shared read-only."""
    name: str
    text: str
    dataset: CharDataset    # the tokenizer, train_data and val_data, get_batch
    counts: list            # how often each id occurs
    stats: dict             # corpus_stats(text)

    @property
    def tokenizer(self) -> CharTokenizer:
        return self.dataset.tokenizer


_corpus: Corpus | None = None
_corpus_lock = threading.Lock()


def corpus() -> Corpus:
    """tiny-shakespeare from disk ($GPT_EXPLORER_CORPUS or the cache), or Refusal("lec.data.no_corpus").
    Found once, kept; a missing file is looked for again on the next call."""
    global _corpus
    with _corpus_lock:
        if _corpus is None:
            try:
                path = find_corpus(download=False)
                text = read_text(path)
            except (CorpusError, OSError):
                raise Refusal("lec.data.no_corpus") from None
            dataset = CharDataset(text, name=path.name)  # encode(text), then the 90/10 split
            V = dataset.tokenizer.vocab_size
            counts = character_counts(dataset.train_data, dataset.val_data, V).tolist()
            _corpus = Corpus(path.name, text, dataset, counts, corpus_stats(text))
        return _corpus


# html pieces both sections use ----------------------------------------------------------------
def visible(ch: str) -> str:
    """A character as a cell shows it: '\\n' for the newline, '␣' for the space, '\\t' for a tab."""
    return {"\n": "\\n", " ": "␣", "\t": "\\t", "\r": "\\r"}.get(ch, ch)


def cell(ch: str, ident, title: str = "", cls: str = "", data: str = "") -> str:
    """One character over its id."""
    shown = visible(ch)
    ws = " ws" if shown != ch else ""
    tip = f' title="{html.escape(title)}"' if title else ""
    return (f'<span class="lecd-cell {cls}"{tip}{data}><span class="ch{ws}">{html.escape(shown)}</span>'
            f'<span class="id">{html.escape(str(ident))}</span></span>')


def note(text: str, warn: bool = False) -> str:
    icon, cls = ("⚠️", "lecd-note lecd-warn") if warn else ("ℹ️", "lecd-note")
    return f'<div class="{cls}">{icon} {html.escape(text)}</div>'


def refusal_note(e: Refusal, lang: str) -> str:
    return note(e.message(lang), warn=True).replace('<div class', f'<div data-refusal="{html.escape(e.key)}" class', 1)


def running(text: str) -> str:
    """Corpus text for reading: escaped, newlines marked with ↵ (and kept as line breaks)."""
    return html.escape(text).replace("\n", "↵\n")


# the views -------------------------------------------------------------------------------------
def stats_html(c: Corpus, lang: str) -> str:
    s = c.stats
    cards = [("lec.data.stat.chars", f"{s['characters']:,}"), ("lec.data.stat.lines", f"{s['lines']:,}"),
             ("lec.data.stat.vocab", f"{s['vocab_size']}"), ("lec.data.stat.shape", f"({len(c.text):,},)")]
    out = [f'<div class="lecd-note">{html.escape(t("lec.data.source", lang, name=c.name))}</div><div class="stats">']
    out += [f'<div class="stat"><div class="k">{html.escape(t(k, lang))}</div><div class="v">{v}</div></div>'
            for k, v in cards]
    out.append("</div>")
    out.append(f'<details><summary>{html.escape(t("lec.data.preview", lang, n=PREVIEW))}</summary>'
               f'<div class="lecd-mono lecd-preview">{running(c.text[:PREVIEW])}</div></details>')
    return "".join(out)


def vocab_html(c: Corpus, lang: str) -> str:
    V, total = c.tokenizer.vocab_size, max(1, len(c.text))
    cells = [cell(ch, i, t("lec.data.vocab.hover", lang, id=i, char=repr(ch), count=f"{c.counts[i]:,}",
                              share=f"{c.counts[i] / total:.2%}"))
             for i, ch in enumerate(c.tokenizer.chars)]
    caption = t("lec.data.vocab.caption", lang, V=V, hi=V - 1)
    return f'<div class="lecd-note">{html.escape(caption)}</div><div class="lecd-cells">{"".join(cells)}</div>'


def split_html(c: Corpus, lang: str) -> str:
    n, line, before, after = split_at(c.text, AROUND)
    train_data, val_data = c.dataset.train_data, c.dataset.val_data
    share = 100 * n / max(1, len(c.text))
    return "".join([
        f'<div class="lecd-mono">n = int(0.9 * len(data)) = int(0.9 * {len(c.text):,}) = {n:,}</div>',
        f'<div class="lecd-bar" role="img"><div class="train" style="width:{share:.2f}%"></div>'
        f'<div class="val" style="width:{100 - share:.2f}%"></div></div>',
        '<div class="lecd-legend">',
        f'<span><span class="sw" style="background:rgba(33,150,243,0.55)"></span>'
        f'{html.escape(t("lec.data.split.train", lang, n=f"{len(train_data):,}"))}</span>',
        f'<span><span class="sw" style="background:rgba(255,152,0,0.75)"></span>'
        f'{html.escape(t("lec.data.split.val", lang, n=f"{len(val_data):,}"))}</span></div>',
        note(t("lec.data.split.where", lang, n=f"{n:,}", line=f"{line:,}", lines=f"{c.stats['lines']:,}")),
        f'<div class="lecd-note">{html.escape(t("lec.data.split.around", lang))}</div>',
        f'<div class="lecd-mono"><span class="lecd-tr">{running(before)}</span>'
        f'<span class="lecd-va lecd-cut">{running(after)}</span></div>',
    ])


def parse_ids(raw) -> list[int]:
    """'46, 47, 47', '[46 47 47]' or 'tensor([46, 47])' as a list of ints; anything else is refused."""
    if raw is None:
        return []
    if not isinstance(raw, str):
        raise Refusal("lec.data.not_text")
    if len(raw) > 8 * MAX_IDS:
        raise Refusal("lec.data.too_long", limit=f"{8 * MAX_IDS:,}", n=f"{len(raw):,}")
    tokens = [s for s in re.split(r"[\s,;\[\]()]+", raw.strip().removeprefix("tensor")) if s]
    if len(tokens) > MAX_IDS:
        raise Refusal("lec.data.too_many", limit=f"{MAX_IDS:,}", n=f"{len(tokens):,}")
    for s in tokens:
        if not re.fullmatch(r"[+-]?\d{1,30}", s):
            raise Refusal("lec.data.bad_id", token=repr(s[:20]))
    return [int(s) for s in tokens]


def encode_view(text, lang: str) -> tuple:
    """(ids box value, result html) for the text box; unknown characters are named and marked."""
    try:
        c = corpus()
        if text is not None and not isinstance(text, str):
            raise Refusal("lec.data.not_text")
        text = text or ""
        if len(text) > MAX_TEXT:
            raise Refusal("lec.data.too_long", limit=f"{MAX_TEXT:,}", n=f"{len(text):,}")
    except Refusal as e:
        return gr.skip(), refusal_note(e, lang)
    tok = c.tokenizer
    if not text:
        return "[]", note(t("lec.data.empty_text", lang))
    unknown = tok.unknown_chars(text)
    if unknown:
        strip = "".join(cell(ch, tok.stoi.get(ch, "?"), cls="" if ch in tok.stoi else "bad") for ch in text)
        msg = t("lec.data.unknown", lang, chars=", ".join(repr(ch) for ch in unknown[:20]))
        return gr.skip(), note(msg, warn=True) + f'<div class="lecd-cells">{strip}</div>'
    ids = tok.encode(text)
    strip = "".join(cell(ch, i) for ch, i in zip(text, ids))
    return str(ids), note(t("lec.data.encoded", lang, n=len(ids))) + f'<div class="lecd-cells">{strip}</div>'


def decode_view(raw, lang: str) -> tuple:
    """(text box value, result html) for the ids box; ids outside 0..V-1 are refused, all of them named."""
    try:
        c = corpus()
        ids = parse_ids(raw)
        V = c.tokenizer.vocab_size
        bad = list(dict.fromkeys(i for i in ids if not 0 <= i < V))
        if bad:
            raise Refusal("lec.data.out_of_range", ids=", ".join(map(str, bad[:20])), hi=V - 1, V=V)
    except Refusal as e:
        return gr.skip(), refusal_note(e, lang)
    if not ids:
        return "", note(t("lec.data.empty_ids", lang))
    text = c.tokenizer.decode(ids)
    strip = "".join(cell(ch, i) for ch, i in zip(text, ids))
    return text, note(t("lec.data.decoded", lang, n=len(text))) + f'<div class="lecd-cells">{strip}</div>'


def views(lang: str) -> list:
    """[stats, vocab, split] html, or the missing-corpus notice in the first and nothing in the others."""
    try:
        c = corpus()
    except Refusal as e:
        return [refusal_note(e, lang), "", ""]
    return [stats_html(c, lang), vocab_html(c, lang), split_html(c, lang)]


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
    _wire(ctx, c)
    return c


def _wire(ctx: AppContext, c: dict) -> None:
    def lecture_data_encode_ui(text, lang, request: gr.Request):
        """Text box -> [ids box, result html]: the ids of each character, or the characters not in the vocabulary."""
        with user_errors(lang):
            ctx.session(request).lecture_play = ("encode", text)
            return list(encode_view(text, lang))

    def lecture_data_decode_ui(ids, lang, request: gr.Request):
        """Ids box -> [text box, result html]: the characters of the ids, or the ids outside the vocabulary."""
        with user_errors(lang):
            ctx.session(request).lecture_play = ("decode", ids)
            return list(decode_view(ids, lang))

    live = dict(trigger_mode="always_last", **QUIET)  # the other box follows as you type
    c["encode"].click(lecture_data_encode_ui, [c["text"], ctx.lang], [c["ids"], c["result"]], **QUIET)
    c["text"].input(lecture_data_encode_ui, [c["text"], ctx.lang], [c["ids"], c["result"]], **live)
    c["decode"].click(lecture_data_decode_ui, [c["ids"], ctx.lang], [c["text"], c["result"]], **QUIET)
    c["ids"].input(lecture_data_decode_ui, [c["ids"], ctx.lang], [c["text"], c["result"]], **live)

    outputs = [c["stats"], c["vocab"], c["split"], c["ids"], c["text"], c["result"]]

    def on_language(session: Session, lang: str) -> list:
        """Every view in lang; on page load, the lecture's encode('hii there')."""
        try:
            kind, value = getattr(session, "lecture_play", None) or ("encode", DEFAULT_TEXT)
            if kind == "encode":
                ids, result = encode_view(value, lang)
                return [*views(lang), ids, gr.skip(), result]
            text, result = decode_view(value, lang)
            return [*views(lang), gr.skip(), text, result]
        except Exception:  # noqa: BLE001 -- a language switch never fails because of this section
            return [gr.skip()] * len(outputs)

    ctx.on_language(outputs, on_language)
