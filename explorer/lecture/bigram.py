"""Walkthrough section 3, the bigram and its loss: the (V, V) table of the trained and an untrained
bigram, cross-entropy at one position of a batch and over all of it, why an untrained model starts
above ln V, and samples from both. The numbers come from model/lecture/bigram.py."""
import math
import threading
from pathlib import Path

import gradio as gr
import torch

from model.bigram import BigramLanguageModel
from model.checkpoint import CheckpointError
from model.data import CharDataset, CorpusError, find_corpus, read_text
from model.lecture.bigram import (bigram_table, cross_entropy, fresh_bigram, generate, loss_chain, row_entropy,
                                  uniform_loss)

from ..context import AppContext
from ..errors import Refusal, user_errors
from ..i18n import t
from ..inside import number
from ..models import list_pretrained
from ..session import Session
from ..tabs.inside_common import QUIET, refusal_html
from . import bigram_views as views
from .code import code_panel

BIGRAM = "bigram"                 # the pretrained checkpoint: assets/bigram
B, T = 4, 8                       # the batch the chain is shown on
BASE_B = 128                      # rows of the batch the baseline is measured on (BASE_B * T positions)
MAX_SEED = 2**31 - 1
MAX_NEW_TOKENS = 500              # characters per sample (two samples per request)
WHICH, VIEWS = ("trained", "fresh"), ("probs", "logits")
DEFAULTS = dict(which="trained", view="probs", init_seed=0, row="q", chain_which="trained", batch_seed=1337,
                b=0, t=0, sample_seed=1337, length=200)

CSS = """
#lec-bigram-batch table, #lec-bigram-batch th, #lec-bigram-batch td, #lec-bigram-mean table, #lec-bigram-mean td,
#lec-bigram-base table, #lec-bigram-base td, #lec-bigram-batch tr, #lec-bigram-mean tr, #lec-bigram-base tr {
  border: none !important; width: auto; }
#lec-bigram-batch th, #lec-bigram-batch td { padding: 2px 4px; }
"""

_datasets: dict[Path, CharDataset] = {}   # the corpus, read once and shared read-only
_datasets_lock = threading.Lock()


# what the views compute on ------------------------------------------------------------------
def dataset() -> CharDataset:
    """tiny-shakespeare, encoded and split as the lecture does; never downloaded here."""
    try:
        path = find_corpus(download=False).resolve()
        with _datasets_lock:
            if path not in _datasets:
                _datasets[path] = CharDataset(read_text(path), name=path.name)
            return _datasets[path]
    except (CorpusError, OSError):
        raise Refusal("lec.bigram.no_corpus") from None


def trained(session: Session) -> tuple[BigramLanguageModel, list[str]]:
    """The pretrained bigram (shared, read-only) and its vocabulary, or a readable refusal."""
    info = list_pretrained(session.assets).get(BIGRAM)
    if not info or info.get("model_type") != "bigram":
        raise Refusal("lec.bigram.no_checkpoint")
    try:
        model, tokenizer, _ = session.get_model(f"pretrained:{BIGRAM}")
    except (CheckpointError, OSError, Refusal):
        raise Refusal("lec.bigram.no_checkpoint") from None
    return model, tokenizer.chars


def vocabulary(session: Session) -> list[str]:
    """The corpus's characters (the trained bigram's when there is no corpus)."""
    try:
        return dataset().tokenizer.chars
    except Refusal:
        return trained(session)[1]


def choice(value, field: str, allowed: tuple) -> str:
    if value not in allowed:
        raise Refusal("refuse.choice", field=field, value=str(value)[:40], allowed=", ".join(allowed))
    return value


def whole(value, field: str, lo: int, hi: int) -> int:
    """A whole number in [lo, hi] from the UI or the API; inf and NaN refused like any non-number."""
    if isinstance(value, float) and not math.isfinite(value):
        raise Refusal("refuse.number", field=field, value=value)
    return number(value, field, lo, hi, integer=True)


def seed_of(value, field: str = "seed") -> int:
    return whole(value, field, 0, MAX_SEED)


def model_for_batch(session: Session, which: str, init_seed: int):
    """(model, chars, dataset) for the loss views: the trained bigram must share the corpus's vocabulary."""
    ds = dataset()
    chars = ds.tokenizer.chars
    if which == "fresh":
        return fresh_bigram(len(chars), init_seed), chars, ds
    model, model_chars = trained(session)
    if model_chars != chars:
        raise Refusal("lec.bigram.vocab_mismatch", n=len(model_chars), m=len(chars))
    return model, chars, ds


def batch(ds: CharDataset, seed: int, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return ds.get_batch("train", batch_size, T, generator=g)  # (B, T), (B, T)


# the four views: arguments checked here, each returns its outputs ---------------------------
def table_view(session: Session, which, view, init_seed, row, lang: str) -> list:
    """[heatmap, row HTML, dropdown update] for the chosen bigram's table."""
    which, view = choice(which, "which", WHICH), choice(view, "view", VIEWS)
    init_seed = seed_of(init_seed, "init seed")
    chars = vocabulary(session)
    fresh_W, fresh_P = bigram_table(fresh_bigram(len(chars), init_seed))
    try:
        model, trained_chars = trained(session)
        trained_P = bigram_table(model)[1] if trained_chars == chars else None
    except Refusal:
        model, trained_chars, trained_P = None, chars, None
    if which == "trained":
        if model is None:
            raise Refusal("lec.bigram.no_checkpoint")
        chars = trained_chars
        W, P = bigram_table(model)
    else:
        W, P = fresh_W, fresh_P
    if row is None or row == "":
        row = DEFAULTS["row"] if DEFAULTS["row"] in chars else chars[0]
    if not isinstance(row, str) or row not in chars:
        raise Refusal("refuse.choice", field="row", value=str(row)[:40], allowed="…")
    i = chars.index(row)
    name = t(f"lec.bigram.{which}_short", lang)
    title = t(f"lec.bigram.heat_{view}", lang, model=name, V=len(chars))
    fig = views.table_heatmap(W.numpy(), P.numpy(), chars, view, title, lang)
    rows = [(t("lec.bigram.trained_short", lang), None if trained_P is None else trained_P[i].numpy()),
            (t("lec.bigram.fresh_short", lang), fresh_P[i].numpy())]
    if which == "trained" and trained_P is None:  # its own vocabulary: show its row alone
        rows = [(name, P[i].numpy())]
    dropdown = gr.update(choices=[(views.show(c), c) for c in chars], value=row)
    return [fig, views.row_html(chars, i, rows, lang), dropdown]


def chain_view(session: Session, which, batch_seed, b, t_, init_seed, lang: str) -> list:
    """[batch HTML, chain HTML, mean HTML] at position (b, t) of a B x T batch."""
    which = choice(which, "which", WHICH)
    batch_seed, init_seed = seed_of(batch_seed, "batch seed"), seed_of(init_seed, "init seed")
    b, t_ = whole(b, "b", -10**9, 10**9), whole(t_, "t", -10**9, 10**9)
    if not (0 <= b < B and 0 <= t_ < T):
        raise Refusal("lec.bigram.position", b=b, t=t_, B1=B - 1, T1=T - 1)
    model, chars, ds = model_for_batch(session, which, init_seed)
    xb, yb = batch(ds, batch_seed, B)
    chain = loss_chain(model, xb, yb, b, t_)
    with torch.no_grad():
        ce = float(cross_entropy(model(xb)[0], yb))
    x = int(xb[b, t_])
    return [views.batch_html(xb.numpy(), yb.numpy(), chain.losses.numpy(), chars, b, t_, lang),
            views.chain_html(chain, chars, b, t_, x, lang),
            views.mean_html(chain.mean, ce, B, T, len(chars), lang)]


def baseline_view(session: Session, batch_seed, init_seed, lang: str) -> list:
    """[numbers HTML, histogram] of -log p[target] over BASE_B x T positions, untrained vs trained."""
    batch_seed, init_seed = seed_of(batch_seed, "batch seed"), seed_of(init_seed, "init seed")
    fresh, chars, ds = model_for_batch(session, "fresh", init_seed)
    xb, yb = batch(ds, batch_seed, BASE_B)
    fresh_terms = loss_chain(fresh, xb, yb, 0, 0).losses.flatten().numpy()
    try:
        model, _, _ = model_for_batch(session, "trained", init_seed)
        trained_terms = loss_chain(model, xb, yb, 0, 0).losses.flatten().numpy()
    except Refusal:
        trained_terms = None
    W, P = bigram_table(fresh)
    V = len(chars)
    numbers = views.baseline_html(V, float(fresh_terms.mean()),
                                  None if trained_terms is None else float(trained_terms.mean()),
                                  float(row_entropy(P).mean()), float(W.std()), BASE_B * T, lang)
    return [numbers, views.loss_histogram(fresh_terms, trained_terms, V, BASE_B, T, lang)]


def sample_view(session: Session, sample_seed, length, init_seed, lang: str) -> str:
    """The two samples side by side: the untrained bigram and the trained one, the same seed."""
    seed = seed_of(sample_seed, "sampling seed")
    length = whole(length, "max_new_tokens", 1, MAX_NEW_TOKENS)
    init_seed = seed_of(init_seed, "init seed")
    columns = []
    for which in ("fresh", "trained"):
        title = t("lec.bigram.sample_title", lang, model=t(f"lec.bigram.{which}_short", lang), seed=seed)
        try:
            if which == "fresh":
                chars = vocabulary(session)
                model = fresh_bigram(len(chars), init_seed)
            else:
                model, chars = trained(session)
        except Refusal as e:
            columns.append((title, None, e.message(lang)))
            continue
        idx = torch.zeros((1, 1), dtype=torch.long)  # the lecture starts from token 0, a newline
        out = generate(model, idx, length, torch.Generator().manual_seed(seed))
        columns.append((title, "".join(chars[i] for i in out[0, 1:].tolist()), ""))  # the new characters
    return views.samples_html(columns, lang)


# the UI -------------------------------------------------------------------------------------
def state_of(session: Session) -> dict:
    """The section's last arguments in this session, so a language switch redraws the same views."""
    with session.lock:
        state = getattr(session, "lec_bigram", None)
        if state is None:
            state = session.lec_bigram = dict(DEFAULTS)
        return state


def build(ctx: AppContext) -> dict:
    """Lay out the section and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    which_choices = [("lec.bigram.trained", "trained"), ("lec.bigram.fresh", "fresh")]
    c["intro"] = L.make(gr.Markdown, text="lec.bigram.intro", elem_id="lec-bigram-intro")
    c["init_seed"] = L.make(gr.Number, label="lec.bigram.init_seed", value=DEFAULTS["init_seed"], precision=0,
                            minimum=0, maximum=MAX_SEED, elem_id="lec-bigram-init-seed")
    c["table_head"] = L.make(gr.Markdown, text="lec.bigram.table_head", elem_id="lec-bigram-table-head")
    with gr.Row(equal_height=True):
        c["which"] = L.make(gr.Radio, label="lec.bigram.which", choices=which_choices, value="trained",
                            elem_id="lec-bigram-which", min_width=200)
        c["view"] = L.make(gr.Radio, label="lec.bigram.view", value="probs", elem_id="lec-bigram-view",
                           choices=[("lec.bigram.view_probs", "probs"), ("lec.bigram.view_logits", "logits")],
                           min_width=200)
        c["row"] = L.add(gr.Dropdown(choices=[], value=None, label=t("lec.bigram.row", "en"), min_width=160,
                                     elem_id="lec-bigram-row"), label="lec.bigram.row")
    c["table_notice"] = gr.HTML("", elem_id="lec-bigram-table-notice")
    c["heatmap"] = gr.Plot(None, show_label=False, elem_id="lec-bigram-heatmap")
    c["row_box"] = gr.HTML("", elem_id="lec-bigram-row-box")

    c["chain_head"] = L.make(gr.Markdown, text="lec.bigram.chain_head", elem_id="lec-bigram-chain-head")
    with gr.Row(equal_height=True):
        c["chain_which"] = L.make(gr.Radio, label="lec.bigram.which", choices=which_choices, value="trained",
                                  elem_id="lec-bigram-chain-which", min_width=200)
        c["batch_seed"] = L.make(gr.Number, label="lec.bigram.batch_seed", value=DEFAULTS["batch_seed"],
                                 precision=0, minimum=0, maximum=MAX_SEED, elem_id="lec-bigram-batch-seed",
                                 min_width=140)
        c["b"] = L.make(gr.Slider, label="lec.bigram.b", minimum=0, maximum=B - 1, step=1, value=0,
                        elem_id="lec-bigram-b", min_width=220)
        c["t"] = L.make(gr.Slider, label="lec.bigram.t", minimum=0, maximum=T - 1, step=1, value=0,
                        elem_id="lec-bigram-t", min_width=220)
    c["chain_notice"] = gr.HTML("", elem_id="lec-bigram-chain-notice")
    with gr.Row():  # side by side on a desktop, stacked on a phone
        with gr.Column(min_width=340):
            c["batch"] = gr.HTML("", elem_id="lec-bigram-batch", min_height=0)
        with gr.Column(min_width=340):
            c["chain"] = gr.HTML("", elem_id="lec-bigram-chain", min_height=0)
    c["mean"] = gr.HTML("", elem_id="lec-bigram-mean")

    c["base_head"] = L.make(gr.Markdown, text="lec.bigram.base_head", elem_id="lec-bigram-base-head")
    c["base_notice"] = gr.HTML("", elem_id="lec-bigram-base-notice")
    with gr.Row():
        with gr.Column(min_width=340):
            c["base"] = gr.HTML("", elem_id="lec-bigram-base", min_height=0)
        with gr.Column(min_width=340, scale=2):
            c["hist"] = gr.Plot(None, show_label=False, elem_id="lec-bigram-hist")

    c["sample_head"] = L.make(gr.Markdown, text="lec.bigram.sample_head", elem_id="lec-bigram-sample-head")
    with gr.Row(equal_height=True):
        c["sample_seed"] = L.make(gr.Number, label="lec.bigram.sample_seed", value=DEFAULTS["sample_seed"],
                                  precision=0, minimum=0, maximum=MAX_SEED, elem_id="lec-bigram-sample-seed",
                                  min_width=140)
        c["length"] = L.make(gr.Slider, label="lec.bigram.length", minimum=1, maximum=MAX_NEW_TOKENS, step=1,
                             value=DEFAULTS["length"], elem_id="lec-bigram-length", min_width=160)
        c["again"] = L.make(gr.Button, text="lec.bigram.again", variant="primary", elem_id="lec-bigram-again",
                            min_width=200, scale=0)
    c["samples"] = gr.HTML("", elem_id="lec-bigram-samples")
    _wire(ctx, c)
    code_panel(ctx, c, "lec-bigram", BigramLanguageModel, fresh_bigram, bigram_table, loss_chain, cross_entropy,
               uniform_loss, row_entropy, generate, CharDataset.get_batch)
    return c


def _guard(fn, n_out: int, notice: bool, lang: str) -> list:
    """fn()'s outputs, after a cleared notice; a Refusal becomes the notice and clears the outputs."""
    with user_errors(lang):
        try:
            out = fn()
        except Refusal as e:
            return ([refusal_html(e, lang)] if notice else []) + [None] * n_out
    return ([""] if notice else []) + (out if isinstance(out, list) else [out])


def _wire(ctx: AppContext, c: dict) -> None:
    table_out = [c["table_notice"], c["heatmap"], c["row_box"], c["row"]]
    chain_out = [c["chain_notice"], c["batch"], c["chain"], c["mean"]]
    base_out = [c["base_notice"], c["base"], c["hist"]]

    def table(session, which, view, init_seed, row, lang) -> list:
        state_of(session).update(which=which, view=view, init_seed=init_seed, row=row)
        out = _guard(lambda: table_view(session, which, view, init_seed, row, lang), 3, True, lang)
        return out[:3] + [gr.skip() if out[3] is None else out[3]]

    def chain(session, which, batch_seed, b, t_, init_seed, lang) -> list:
        state_of(session).update(chain_which=which, batch_seed=batch_seed, b=b, t=t_, init_seed=init_seed)
        return _guard(lambda: chain_view(session, which, batch_seed, b, t_, init_seed, lang), 3, True, lang)

    def base(session, batch_seed, init_seed, lang) -> list:
        return _guard(lambda: baseline_view(session, batch_seed, init_seed, lang), 2, True, lang)

    def sample(session, seed, length, init_seed, lang) -> str:
        state_of(session).update(sample_seed=seed, length=length, init_seed=init_seed)
        with user_errors(lang):
            try:
                return sample_view(session, seed, length, init_seed, lang)
            except Refusal as e:
                return refusal_html(e, lang)

    def lec_bigram_table(which, view, init_seed, row, lang, request: gr.Request):
        """The table of the chosen bigram as a heatmap, and one row of both bigrams."""
        return table(ctx.session(request), which, view, init_seed, row, lang)

    def lec_bigram_chain(which, batch_seed, b, t_, init_seed, lang, request: gr.Request):
        """The batch, the chain at (b, t), and the mean beside F.cross_entropy."""
        return chain(ctx.session(request), which, batch_seed, b, t_, init_seed, lang)

    def lec_bigram_baseline(batch_seed, init_seed, lang, request: gr.Request):
        """ln V beside the untrained loss, and the histogram of -log p[target]."""
        return base(ctx.session(request), batch_seed, init_seed, lang)

    def lec_bigram_sample(seed, length, init_seed, lang, request: gr.Request):
        """Samples of both bigrams with one seed."""
        return sample(ctx.session(request), seed, length, init_seed, lang)

    def lec_bigram_again(seed, length, init_seed, lang, request: gr.Request):
        """The next seed, and samples with it."""
        try:
            seed = (seed_of(seed, "sampling seed") + 1) % (MAX_SEED + 1)
        except Refusal as e:
            return [gr.skip(), refusal_html(e, lang)]
        return [seed, sample(ctx.session(request), seed, length, init_seed, lang)]

    table_in = [c["which"], c["view"], c["init_seed"], c["row"], ctx.lang]
    chain_in = [c["chain_which"], c["batch_seed"], c["b"], c["t"], c["init_seed"], ctx.lang]
    base_in = [c["batch_seed"], c["init_seed"], ctx.lang]
    sample_in = [c["sample_seed"], c["length"], c["init_seed"], ctx.lang]
    live = dict(trigger_mode="always_last", **QUIET)
    for ev in (c["which"].input, c["view"].input, c["row"].input, c["init_seed"].input):
        ev(lec_bigram_table, table_in, table_out, **live)
    for ev in (c["chain_which"].input, c["batch_seed"].input, c["b"].input, c["t"].input, c["init_seed"].input):
        ev(lec_bigram_chain, chain_in, chain_out, **live)
    for ev in (c["batch_seed"].input, c["init_seed"].input):
        ev(lec_bigram_baseline, base_in, base_out, **live)
    for ev in (c["sample_seed"].input, c["length"].release, c["init_seed"].input):
        ev(lec_bigram_sample, sample_in, [c["samples"]], **live)
    c["again"].click(lec_bigram_again, sample_in, [c["sample_seed"], c["samples"]], **QUIET)

    def on_language(session: Session, lang: str) -> list:
        """Every view of the section again, with this session's last arguments (defaults at first)."""
        s = dict(state_of(session))
        out = []
        for fn, outs in ((lambda: table(session, s["which"], s["view"], s["init_seed"], s["row"], lang), table_out),
                         (lambda: chain(session, s["chain_which"], s["batch_seed"], s["b"], s["t"],
                                        s["init_seed"], lang), chain_out),
                         (lambda: base(session, s["batch_seed"], s["init_seed"], lang), base_out),
                         (lambda: [sample(session, s["sample_seed"], s["length"], s["init_seed"], lang)],
                          [c["samples"]])):
            try:
                out += fn()
            except Exception:  # noqa: BLE001 -- a language switch never fails because of this section
                out += [gr.skip()] * len(outs)
        return out

    ctx.on_language(table_out + chain_out + base_out + [c["samples"]], on_language)
