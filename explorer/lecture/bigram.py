"""Walkthrough section 3, the bigram and its loss: the (V, V) table of the trained and an untrained
bigram, cross-entropy at one position of a batch and over all of it, why an untrained model starts
above ln V, and samples from both. The numbers come from model/lecture/bigram.py (via bigram_core)."""
import gradio as gr

from model.bigram import BigramLanguageModel
from model.data import CharDataset
from model.lecture.bigram import (bigram_table, cross_entropy, fresh_bigram, generate, loss_chain, row_entropy,
                                  uniform_loss)

from ..context import AppContext
from ..errors import Refusal, user_errors
from ..i18n import t
from ..session import Session
from ..tabs.inside_common import QUIET, refusal_html
from .bigram_core import (B, DEFAULTS, MAX_NEW_TOKENS, MAX_SEED, T, baseline_view, chain_view, sample_view, seed_of,
                          table_view)
from .code import code_panel

CSS = """
#lec-bigram-batch table, #lec-bigram-batch th, #lec-bigram-batch td, #lec-bigram-mean table, #lec-bigram-mean td,
#lec-bigram-base table, #lec-bigram-base td, #lec-bigram-batch tr, #lec-bigram-mean tr, #lec-bigram-base tr {
  border: none !important; width: auto; }
#lec-bigram-batch th, #lec-bigram-batch td { padding: 2px 4px; }
@media (max-width: 480px) { #lec-bigram-batch table { font-size: 12px !important; border-spacing: 1px !important; }
  #lec-bigram-batch th, #lec-bigram-batch td { padding: 1px 2px; } }
"""


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
        state_of(session).update(which=which, view=view, init_seed=init_seed, row=row)
        out = _guard(lambda: table_view(session, which, view, init_seed, row, lang), 3, lang)
        return out[:3] + [gr.skip() if out[3] is None else out[3]]

    def chain(session, which, batch_seed, b, t_, init_seed, lang) -> list:
        state_of(session).update(chain_which=which, batch_seed=batch_seed, b=b, t=t_, init_seed=init_seed)
        return _guard(lambda: chain_view(session, which, batch_seed, b, t_, init_seed, lang), 3, lang)

    def base(session, batch_seed, init_seed, lang) -> list:
        return _guard(lambda: baseline_view(session, batch_seed, init_seed, lang), 2, lang)

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
    for ev in (c["sample_seed"].input, c["length"].input, c["init_seed"].input):
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
