"""The bigram section's builder: the table, the loss chain, the ln V baseline and the samples, each
view redrawn in the visitor's language with the settings they last used (BigramState)."""
import logging
from dataclasses import dataclass

import gradio as gr

from model.bigram import BigramLanguageModel
from model.data import CharDataset
from model.lecture.bigram import (bigram_table, cross_entropy, fresh_bigram, generate, loss_chain, row_entropy,
                                  uniform_loss)

from ... import checks, corpus, links
from ...context import AppContext
from ...errors import Refusal, user_errors
from ...groups import QUIET_INSPECT
from ...i18n import t
from ...limits import MAX_SEED
from ...memo import SharedMemo, shared_views
from ...session import Session
from ...views import refusal_html
from ..code import code_panel
from . import compute as C, figures as F
from .compute import B, BASE_B, MAX_NEW_TOKENS, T, seed_of

log = logging.getLogger("explorer")
VIEWS = SharedMemo(64)  # the assets' bigram and a fresh one from a seed: the same views for every visitor


@dataclass
class BigramState:
    """The section's controls as the visitor last set them (as sent; checked when drawn)."""
    which: str = "trained"          # the table's bigram
    view: str = "probs"
    init_seed: int = 1337           # the untrained bigram's seed, shared by every view: the lecture's 4.8786
    row: str = C.DEFAULT_ROW
    chain_which: str = "trained"    # the chain's bigram
    batch_seed: int = 1337
    b: int = 0
    t: int = 0
    sample_seed: int = 1337
    length: int = 200


# the four views: computed (compute.py), then drawn (figures.py) in lang ---------------------------
def table_view(session: Session, which, view, init_seed, row, lang: str) -> list:
    """[heatmap, row HTML, dropdown update] for the chosen bigram's table."""
    r = C.table(session, which, view, init_seed, row)
    name = t(f"lec.bigram.{r.which}_short", lang)
    fig = F.table_heatmap(r.W, r.P, r.chars, r.view, t(f"lec.bigram.heat_{r.view}", lang, model=name, V=len(r.chars)),
                          lang)
    rows = [(t(f"lec.bigram.{which}_short", lang), probs) for which, probs in r.rows]
    dropdown = gr.update(choices=[(F.show(c), c) for c in r.chars], value=r.row)
    return [fig, F.row_html(r.chars, r.chars.index(r.row), rows, lang), dropdown]


def chain_view(session: Session, which, batch_seed, b, t_, init_seed, lang: str) -> list:
    """[batch HTML, chain HTML, mean HTML] at position (b, t) of a B x T batch."""
    r = C.chain(session, which, batch_seed, b, t_, init_seed)
    x = int(r.xb[r.b, r.t])
    return [F.batch_html(r.xb, r.yb, r.losses, r.chars, r.b, r.t, lang),
            F.chain_html(r.logits, r.probs, r.target, r.p_target, r.term, r.chars, r.b, r.t, x, lang),
            F.mean_html(r.mean, r.ce, B, T, len(r.chars), lang)]


def baseline_view(session: Session, batch_seed, init_seed, lang: str) -> list:
    """[numbers HTML, histogram] of -log p[target] over BASE_B x T positions, untrained vs trained."""
    r = C.baseline(session, batch_seed, init_seed)
    trained = None if r.trained is None else float(r.trained.mean())
    numbers = F.baseline_html(r.V, float(r.fresh.mean()), trained, r.entropy, r.std, BASE_B * T, lang)
    return [numbers, F.loss_histogram(r.fresh, r.trained, r.V, BASE_B, T, lang)]


def sample_view(session: Session, sample_seed, length, init_seed, lang: str) -> str:
    """The two samples side by side: the untrained bigram and the trained one, the same seed."""
    seed, samples = C.samples(session, sample_seed, length, init_seed)
    columns = [(t("lec.bigram.sample_title", lang, model=t(f"lec.bigram.{which}_short", lang), seed=seed), text,
                "" if refusal is None else refusal.message(lang)) for which, text, refusal in samples]
    return F.samples_html(columns, lang)


def build(ctx: AppContext) -> dict:
    """Lay out the section and wire its events; returns its components by name."""
    L, c, D = ctx.labels, {}, BigramState()
    which_choices = [("lec.bigram.trained", "trained"), ("lec.bigram.fresh", "fresh")]
    c["intro"] = L.make(gr.Markdown, text="lec.bigram.intro", elem_id="lec-bigram-intro")
    c["init_seed"] = L.make(gr.Number, label="lec.bigram.init_seed", value=D.init_seed, precision=0,
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
        c["batch_seed"] = L.make(gr.Number, label="lec.bigram.batch_seed", value=D.batch_seed,
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
        c["sample_seed"] = L.make(gr.Number, label="lec.bigram.sample_seed", value=D.sample_seed,
                                  precision=0, minimum=0, maximum=MAX_SEED, elem_id="lec-bigram-sample-seed",
                                  min_width=140)
        c["length"] = L.make(gr.Slider, label="lec.bigram.length", minimum=1, maximum=MAX_NEW_TOKENS, step=1,
                             value=D.length, elem_id="lec-bigram-length", min_width=160)
        c["again"] = L.make(gr.Button, text="lec.bigram.again", variant="primary", elem_id="lec-bigram-again",
                            min_width=200, scale=0)
    c["samples"] = gr.HTML("", elem_id="lec-bigram-samples")
    for key, name in (("which", "which"), ("table", "view"), ("init", "init_seed"), ("chain", "chain_which"),
                      ("bseed", "batch_seed"), ("b", "b"), ("t", "t"), ("sseed", "sample_seed"), ("length", "length")):
        ctx.linkable(key, c[name], store=links.into(BigramState, name))
    ctx.linkable("row", c["row"], lambda text, env: checks.text(text, "row", 1) or C.DEFAULT_ROW,
                 default=C.DEFAULT_ROW, store=links.into(BigramState, "row"))
    _wire(ctx, c)
    code_panel(ctx, c, "lec-bigram", BigramLanguageModel, fresh_bigram, bigram_table, loss_chain, cross_entropy,
               uniform_loss, row_entropy, generate, CharDataset.get_batch)
    return c


def _guard(fn, n_out: int, lang: str) -> list:
    """[notice, *fn()]: the notice cleared; a Refusal becomes the notice and the n_out outputs are cleared."""
    with user_errors(lang):
        try:
            return [""] + fn()
        except Refusal as e:
            return [refusal_html(e, lang)] + [None] * n_out


def _wire(ctx: AppContext, c: dict) -> None:
    table_out = [c["table_notice"], c["heatmap"], c["row_box"], c["row"]]
    chain_out = [c["chain_notice"], c["batch"], c["chain"], c["mean"]]
    base_out = [c["base_notice"], c["base"], c["hist"]]

    def table(session, which, view, init_seed, row, lang) -> list:
        s = session.state(BigramState)
        s.which, s.view, s.init_seed, s.row = which, view, init_seed, row
        out = _guard(lambda: shared_views(VIEWS, (session.assets, "table", which, view, init_seed, row, lang),
                                         lambda: table_view(session, which, view, init_seed, row, lang)), 3, lang)
        return out[:3] + [gr.skip() if out[3] is None else out[3]]

    def chain(session, which, batch_seed, b, t_, init_seed, lang) -> list:
        s = session.state(BigramState)
        s.chain_which, s.batch_seed, s.b, s.t, s.init_seed = which, batch_seed, b, t_, init_seed
        return _guard(lambda: shared_views(VIEWS, (session.assets, "chain", which, batch_seed, b, t_, init_seed, lang),
                                           lambda: chain_view(session, which, batch_seed, b, t_, init_seed, lang)),
                      3, lang)

    def base(session, batch_seed, init_seed, lang) -> list:
        return _guard(lambda: shared_views(VIEWS, (session.assets, "base", batch_seed, init_seed, lang),
                                           lambda: baseline_view(session, batch_seed, init_seed, lang)), 2, lang)

    def sample(session, seed, length, init_seed, lang) -> str:
        s = session.state(BigramState)
        s.sample_seed, s.length, s.init_seed = seed, length, init_seed
        with user_errors(lang):
            try:
                return shared_views(VIEWS, (session.assets, "sample", seed, length, init_seed, lang),
                                    lambda: sample_view(session, seed, length, init_seed, lang))
            except Refusal as e:
                return refusal_html(e, lang)

    def lec_bigram_table(which, view, init_seed, row, lang, request: gr.Request):
        """The table of the chosen bigram as a heatmap, and one row of both bigrams:
        [notice, heatmap, row HTML, row dropdown]."""
        return table(ctx.session(request), which, view, init_seed, row, lang)

    def lec_bigram_chain(which, batch_seed, b, t_, init_seed, lang, request: gr.Request):
        """The batch, the chain at (b, t), and the mean beside F.cross_entropy: [notice, batch, chain, mean]."""
        return chain(ctx.session(request), which, batch_seed, b, t_, init_seed, lang)

    def lec_bigram_baseline(batch_seed, init_seed, lang, request: gr.Request):
        """ln V beside the untrained loss, and the histogram of -log p[target]: [notice, numbers, histogram]."""
        return base(ctx.session(request), batch_seed, init_seed, lang)

    def lec_bigram_sample(seed, length, init_seed, lang, request: gr.Request):
        """Samples of both bigrams with one seed: their HTML."""
        return sample(ctx.session(request), seed, length, init_seed, lang)

    def lec_bigram_again(seed, length, init_seed, lang, request: gr.Request):
        """The next seed, and samples with it: [seed, samples HTML]."""
        try:
            seed = (seed_of(seed, "sampling seed") + 1) % (MAX_SEED + 1)
        except Refusal as e:
            return [gr.skip(), refusal_html(e, lang)]
        return [seed, sample(ctx.session(request), seed, length, init_seed, lang)]

    table_in = [c["which"], c["view"], c["init_seed"], c["row"], ctx.lang]
    chain_in = [c["chain_which"], c["batch_seed"], c["b"], c["t"], c["init_seed"], ctx.lang]
    base_in = [c["batch_seed"], c["init_seed"], ctx.lang]
    sample_in = [c["sample_seed"], c["length"], c["init_seed"], ctx.lang]
    live = dict(trigger_mode="always_last", **QUIET_INSPECT)
    for ev in (c["which"].input, c["view"].input, c["row"].input, c["init_seed"].input):
        ev(lec_bigram_table, table_in, table_out, **live)
    for ev in (c["chain_which"].input, c["batch_seed"].input, c["b"].input, c["t"].input, c["init_seed"].input):
        ev(lec_bigram_chain, chain_in, chain_out, **live)
    for ev in (c["batch_seed"].input, c["init_seed"].input):
        ev(lec_bigram_baseline, base_in, base_out, **live)
    for ev in (c["sample_seed"].input, c["length"].input, c["init_seed"].input):
        ev(lec_bigram_sample, sample_in, [c["samples"]], **live)
    c["again"].click(lec_bigram_again, sample_in, [c["sample_seed"], c["samples"]], **QUIET_INSPECT)

    def render(session: Session, lang: str) -> list:
        """Every view of the section again, with this session's last settings (defaults at first)."""
        s = session.state(BigramState)
        out = []
        for fn, outs in ((lambda: table(session, s.which, s.view, s.init_seed, s.row, lang), table_out),
                         (lambda: chain(session, s.chain_which, s.batch_seed, s.b, s.t, s.init_seed, lang), chain_out),
                         (lambda: base(session, s.batch_seed, s.init_seed, lang), base_out),
                         (lambda: [sample(session, s.sample_seed, s.length, s.init_seed, lang)], [c["samples"]])):
            try:
                out += fn()
            except Exception:  # noqa: BLE001 -- one view failing leaves the other three to switch
                log.exception("redrawing a view of the bigram section failed")
                out += [gr.skip()] * len(outs)
        return out

    corpus.redraw(ctx, "lecture.bigram", table_out + chain_out + base_out + [c["samples"]], render,
                  default=lambda session: ())  # and again when the corpus lands
