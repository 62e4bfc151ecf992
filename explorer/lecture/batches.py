"""Walkthrough section 2, batches: one batch drawn by model/data.py's get_batch with a seed, x and y
aligned on the text so the shift by one shows, the tensors as the lecture prints them, and the B x T
examples ("when the input is [...] the target is ...")."""
import html
import math

import gradio as gr

from model.data import CharDataset
from model.lecture.batches import draw, examples, get_batch

from ..context import AppContext
from ..errors import Refusal, user_errors
from ..i18n import t
from ..session import Session
from . import data as lecture_data
from .code import code_panel
from .data import QUIET, cell, note, refusal_note

MAX_B, MAX_T = 8, 32          # what a page can show legibly (and one request stays far under 10 ms)
MAX_SEED = 2**31 - 1
SPLITS = ("train", "val")
DEFAULTS = (4, 8, 1337, "train")  # the lecture's batch_size, block_size and torch.manual_seed(1337)

CSS = """
#lec-batches-grid .lec-row { margin: 4px 0 10px 0; }
#lec-batches-grid .lec-row-head { font-size: 13px; color: var(--body-text-color-subdued); margin-bottom: 2px; }
#lec-batches-grid .lec-scroll { overflow-x: auto; padding-bottom: 2px; }
#lec-batches-grid .lec-grid { display: grid; gap: 2px; width: max-content; --w: 2.3em;
  grid-template-columns: 1.4em repeat(var(--cols), var(--w)); }
@media (max-width: 640px) { #lec-batches-grid .lec-grid { --w: 1.95em; }
  #lec-batches-next { flex-grow: 1; }
  #lec-batches-grid .lecd-cell .ch { font-size: 15px; } }
#lec-batches-grid .lec-grid .lab { font-weight: 700; align-self: center; font-family: ui-monospace, monospace; }
#lec-batches-grid .lecd-cell { min-width: 0; padding: 2px 0; }
#lec-batches-grid .lecd-cell.x { background: rgba(33,150,243,0.14); }
#lec-batches-grid .lecd-cell.y { background: rgba(255,152,0,0.20); }
#lec-batches-grid .lecd-cell.y.after { border-style: dashed; border-color: rgba(255,152,0,0.9); }
#lec-batches-grid .arrow { text-align: right; font-size: 16px; line-height: 1; color: #e65100; opacity: 0.75; }
#lec-batches-grid .lecd-cell.x:hover, #lec-batches-grid .lecd-cell.x:has(~ .x:hover) {
  background: rgba(33,150,243,0.45); }
#lec-batches-tensors .lec-pair { display: flex; flex-wrap: wrap; gap: 8px 16px; }
#lec-batches-tensors .lec-pair > div { flex: 1 1 300px; min-width: 0; }
#lec-batches-tensors pre { overflow-x: auto; white-space: pre; margin: 2px 0; font-size: 12px; }
#lec-batches-examples .lec-list { max-height: 420px; overflow-y: auto; font-size: 13px; padding: 4px 8px;
  border: 1px solid var(--border-color-primary); border-radius: 8px; }
#lec-batches-examples .ex { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  overflow-wrap: anywhere; padding: 1px 0; }
#lec-batches-examples .ex .chars { color: var(--body-text-color-subdued); margin-left: 8px; }
#lec-batches-examples .b { font-weight: 600; margin-top: 6px; }
""" + "\n".join(  # hovering x[b, t] lights up its target y[b, t]
    f'#lec-batches-grid .lec-grid:has(.x[data-t="{t_}"]:hover) .y[data-t="{t_}"] '
    f"{{ background: rgba(255,152,0,0.6); outline: 2px solid #e65100; }}" for t_ in range(MAX_T))


def whole_number(value, field: str, lo: int, hi: int) -> int:
    """value as an int in lo..hi, or a Refusal naming the field (API callers bypass the sliders)."""
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise Refusal("refuse.number", field=field, value=repr(value[:40])) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Refusal("refuse.number", field=field, value=repr(value)[:40])
    if value != int(value):
        raise Refusal("refuse.integer", field=field, value=value)
    if not lo <= value <= hi:
        raise Refusal("refuse.range", field=field, value=f"{int(value):,}", lo=lo, hi=f"{hi:,}")
    return int(value)


def check(B, T, seed, split) -> tuple[int, int, int, str]:
    """The batch's settings, checked; the first problem is a Refusal."""
    B = whole_number(B, "batch_size (B)", 1, MAX_B)
    T = whole_number(T, "block_size (T)", 1, MAX_T)
    seed = whole_number(seed, "seed", 0, MAX_SEED)
    if split not in SPLITS:
        raise Refusal("refuse.choice", field="split", value=repr(split)[:40], allowed=", ".join(SPLITS))
    return B, T, seed, split


def grid_html(text: str, offset: int, ix, xb, yb, tok, lang: str) -> str:
    """Per row b: x[b] over y[b], one column per place in the text, so y[b, t] sits under x[b, t+1]."""
    B, T = xb.shape
    rows = []
    for b in range(B):
        start = offset + int(ix[b])  # where the row starts in the whole text
        line = text.count("\n", 0, start) + 1
        head = t("lec.batches.row", lang, b=b, ix=f"{int(ix[b]):,}", line=f"{line:,}")
        xs, ys = xb[b].tolist(), yb[b].tolist()
        x_cells = [cell(tok.itos[i], i, cls="x", data=f' data-t="{s}"',
                        title=example_text(xs[:s + 1], ys[s], lang)) for s, i in enumerate(xs)]
        y_cells = [cell(tok.itos[i], i, cls="y after" if s == T - 1 else "y", data=f' data-t="{s}"')
                   for s, i in enumerate(ys)]
        arrows = ['<span class="arrow">↘</span>'] * T
        body = ('<span class="lab">x</span>' + "".join(x_cells) + "<span></span>"
                + "<span></span>" + "".join(arrows) + "<span></span>"
                + '<span class="lab">y</span><span></span>' + "".join(y_cells))
        rows.append(f'<div class="lec-row"><div class="lec-row-head">{html.escape(head)}</div>'
                    f'<div class="lec-scroll"><div class="lec-grid" style="--cols:{T + 1}">'
                    f"{body}</div></div></div>")
    return "".join(rows)


def example_text(context: list[int], target: int, lang: str) -> str:
    """The lecture's line: when the input is [24, 43] the target is 58."""
    return t("lec.batches.example", lang, context=str(context), target=target)


def tensors_html(xb, yb, lang: str) -> str:
    """xb and yb side by side, printed by torch as the lecture prints them."""
    parts = [(t("lec.batches.inputs", lang, shape=f"torch.Size({list(xb.shape)})"), xb),
             (t("lec.batches.targets", lang, shape=f"torch.Size({list(yb.shape)})"), yb)]
    cols = [f'<div><div class="lecd-note">{html.escape(label)}</div>'
            f'<pre class="lecd-mono">{html.escape(str(v))}</pre></div>' for label, v in parts]
    return f'<div class="lec-pair">{"".join(cols)}</div>'


def examples_html(xb, yb, tok, lang: str) -> str:
    B, T = xb.shape
    items = examples(xb, yb)
    out = [f'<h3>{html.escape(t("lec.batches.examples", lang, n=len(items), B=B, T=T))}</h3><div class="lec-list">']
    for b, t_, context, target in items:
        if t_ == 0:
            out.append(f'<div class="b">b = {b}</div>')
        chars = f"{tok.decode(context)!r} → {tok.itos[target]!r}"
        out.append(f'<div class="ex" data-b="{b}" data-t="{t_}">{html.escape(example_text(context, target, lang))}'
                   f'<span class="chars">{html.escape(chars)}</span></div>')
    out.append("</div>")
    return "".join(out)


def render(B, T, seed, split, lang: str) -> list:
    """[summary, grid, tensors, examples] html for one batch, or a refusal in the summary."""
    try:
        B, T, seed, split = check(B, T, seed, split)
        c = lecture_data.corpus()
    except Refusal as e:
        return [refusal_note(e, lang), "", "", ""]
    ix, xb, yb = draw(c.dataset, split, B, T, seed)
    data = c.dataset.train_data if split == "train" else c.dataset.val_data
    offset = 0 if split == "train" else len(c.dataset.train_data)  # val_data starts where train_data ends
    tok = c.tokenizer
    summary = t("lec.batches.summary", lang, ix=str(ix.tolist()), B=B, split=f"{split}_data", n=f"{len(data):,}",
                seed=seed)
    return [note(summary), grid_html(c.text, offset, ix, xb, yb, tok, lang), tensors_html(xb, yb, lang),
            examples_html(xb, yb, tok, lang)]


def build(ctx: AppContext) -> dict:
    """Lay out the section and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    B, T, seed, split = DEFAULTS
    c["intro"] = L.make(gr.Markdown, text="lec.batches.intro", elem_id="lec-batches-intro")
    with gr.Row(equal_height=True, elem_id="lec-batches-controls"):
        c["B"] = L.make(gr.Slider, label="lec.batches.B", info="lec.batches.B.info", minimum=1, maximum=MAX_B,
                        step=1, value=B, elem_id="lec-batches-B", min_width=160)
        c["T"] = L.make(gr.Slider, label="lec.batches.T", info="lec.batches.T.info", minimum=1, maximum=MAX_T,
                        step=1, value=T, elem_id="lec-batches-T", min_width=160)
    with gr.Row(equal_height=False, elem_id="lec-batches-controls2"):
        c["seed"] = L.make(gr.Number, label="lec.batches.seed", info="lec.batches.seed.info", value=seed,
                           precision=0, minimum=0, maximum=MAX_SEED, elem_id="lec-batches-seed", min_width=140)
        c["split"] = L.make(gr.Radio, label="lec.batches.split", value=split, elem_id="lec-batches-split",
                            choices=[("lec.batches.split.train", "train"), ("lec.batches.split.val", "val")],
                            min_width=160)
        c["next"] = L.make(gr.Button, text="lec.batches.next", variant="primary", elem_id="lec-batches-next",
                           scale=0, min_width=200)
    c["summary"] = gr.HTML("", elem_id="lec-batches-summary")
    c["grid_title"] = L.make(gr.Markdown, text="lec.batches.grid.title")
    c["grid_note"] = L.make(gr.Markdown, text="lec.batches.grid.note")
    c["grid"] = gr.HTML("", elem_id="lec-batches-grid")
    c["tensors_title"] = L.make(gr.Markdown, text="lec.batches.tensors")
    c["tensors"] = gr.HTML("", elem_id="lec-batches-tensors")
    c["examples"] = gr.HTML("", elem_id="lec-batches-examples")
    code_panel(ctx, c, "lec-batches", get_batch, CharDataset.get_batch, draw, examples)
    _wire(ctx, c)
    return c


def _wire(ctx: AppContext, c: dict) -> None:
    inputs = [c["B"], c["T"], c["seed"], c["split"], ctx.lang]
    outputs = [c["summary"], c["grid"], c["tensors"], c["examples"]]

    def lecture_batches_ui(B, T, seed, split, lang, request: gr.Request):
        """(B, T, seed, split) -> [summary, grid, tensors, examples] html: the batch get_batch draws with seed."""
        with user_errors(lang):
            ctx.session(request).lecture_batch = (B, T, seed, split)
            return render(B, T, seed, split, lang)

    def lecture_batches_next_ui(B, T, seed, split, lang, request: gr.Request):
        """The next seed (wrapping to 0) and its batch: [seed, summary, grid, tensors, examples]."""
        with user_errors(lang):
            try:
                seed = (whole_number(seed, "seed", 0, MAX_SEED) + 1) % (MAX_SEED + 1)
            except Refusal as e:
                return [gr.skip(), refusal_note(e, lang), "", "", ""]
            ctx.session(request).lecture_batch = (B, T, seed, split)
            return [seed, *render(B, T, seed, split, lang)]

    for name in ("B", "T", "seed", "split"):
        c[name].input(lecture_batches_ui, inputs, outputs, trigger_mode="always_last", **QUIET)
    c["seed"].submit(lecture_batches_ui, inputs, outputs, **QUIET)
    c["next"].click(lecture_batches_next_ui, inputs, [c["seed"], *outputs], **QUIET)

    def on_language(session: Session, lang: str) -> list:
        """The last batch again (the lecture's on page load), in lang."""
        try:
            return render(*(getattr(session, "lecture_batch", None) or DEFAULTS), lang)
        except Exception:  # noqa: BLE001 -- a language switch never fails because of this section
            return [gr.skip()] * len(outputs)

    ctx.on_language(outputs, on_language)
