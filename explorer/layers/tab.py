"""The Layers tab: its intro, then three sub-tabs: the logit lens of a prompt, the surprise of every
character of a text (against a second model too), and the embedding tables in 2-D. Each view is
computed once per (model, step, input) and redrawn from the session's cache on a language switch."""
import gradio as gr
import numpy as np

from model import lens as M
from model.gpt import GPTLanguageModel

from .. import links
from ..context import AppContext
from ..errors import Refusal, user_errors
from ..i18n import DEFAULT_LANG, t
from ..picker import model_for
from ..prompts import DEFAULT_PROMPT, QUIET, notice_html, notice_row, prompt_row, wire_drop
from ..session import Session
from ..source import code_panel
from ..steps import step_of
from ..views import note_html, refusal_html
from . import compute, figures as fig
from .compute import DEFAULT_TEXT, MAX_SURPRISE, Embeddings, Lens, Surprise


def _note(texts: list[str]) -> str:
    return note_html(texts) if texts else ""


def build(ctx: AppContext) -> dict:
    """The tab's own content above its sub-tabs: what it is for."""
    return {"intro": ctx.labels.make(gr.Markdown, text="layers.intro", elem_id="layers-intro")}


# the logit lens ------------------------------------------------------------------------------
def lens_notes(lens: Lens, lang: str) -> list[str]:
    """What the per-layer losses say, computed: they fall layer by layer, or where they rise."""
    names = fig.layer_names(len(lens.mean_loss), lang)
    notes = []
    if len(lens.chars) < 2:
        notes.append(t("lens.one_char", lang))
    elif len(names) > 1:
        path = " → ".join(f"{v:.2f}" for v in lens.mean_loss)
        where = ", ".join(names[i] for i in lens.rises)
        notes.append(t("lens.rises", lang, where=where, path=path) if lens.rises else t("lens.falls", lang, path=path))
    if len(names) == 1:
        notes.append(t("lens.zero_layers", lang))
    if not lens.residual and len(names) > 1:
        notes.append(t("lens.no_residual", lang))
    return notes


def build_lens(ctx: AppContext) -> dict:
    """The sub-tab of the logit lens: lay it out and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    c["intro"] = L.make(gr.Markdown, text="lens.intro", elem_id="lens-intro")
    prompt_row(ctx, c, "lens")
    c["summary"] = gr.HTML("", elem_id="lens-summary")
    with gr.Row(equal_height=False):
        c["grid"] = gr.Plot(None, show_label=False, elem_id="lens-grid", scale=3, min_width=300)
        c["loss"] = gr.Plot(None, show_label=False, elem_id="lens-loss", scale=2, min_width=280)
    code_panel(ctx, c, "lens", "layers.code", M.residual_stream, M.logit_lens, GPTLanguageModel.forward)
    ctx.linkable("prompt", c["prompt"], links.prompt)
    outputs = [c["notice"], c["drop"], c["summary"], c["grid"], c["loss"]]

    def render(session: Session, key, prompt, index, lang) -> list:
        ctx.remember(session, "lens", (key, prompt, index))
        try:
            lens, p, model, _ = compute.lens(session, key, prompt, step_of(session, key, index))
        except Refusal as e:
            return [refusal_html(e, lang), gr.update(visible=e.key == "inside.unknown"), "", None, None]
        return [notice_html(p, lang, model.config.block_size), gr.update(visible=False),
                _note(lens_notes(lens, lang)), fig.lens_grid(lens, lang), fig.layer_loss(lens, lang)]

    def logit_lens_ui(key, prompt, index, lang, request: gr.Request):
        """Read the residual stream after the embeddings and every block through ln_f and lm_head."""
        with user_errors(lang):
            return render(ctx.session(request), key, prompt, index, lang)

    inputs = [ctx.picker, c["prompt"], ctx.step, ctx.lang]
    for ev in (c["run"].click, c["prompt"].submit, ctx.picker.change, ctx.step.release):
        ev(logit_lens_ui, inputs, outputs, **QUIET)
    wire_drop(ctx, c)
    c["dropped"].then(logit_lens_ui, inputs, outputs, **QUIET)
    ctx.redraw("lens", outputs, render, lambda session: (session.default_model(), DEFAULT_PROMPT, None),
               inputs=inputs[:-1])
    return c


# per-character surprise ------------------------------------------------------------------------
def surprise_notes(s: Surprise, names: tuple[str, str], lang: str) -> list[str]:
    """The mean loss (and the other model's, and who wins where), how the windows ran, what was cut."""
    m, n = s.main, len(s.main.nll)
    notes = [t("surp.summary", lang, model=names[0], loss=f"{m.mean:.3f}", n=n)]
    if s.other is not None:
        d = s.delta
        notes.append(t("surp.summary_compare", lang, other=names[1], loss=f"{s.other.mean:.3f}", model=names[0],
                       better=int((d < 0).sum()), worse=int((d > 0).sum()), n=n))
    for sc, name in zip([m, s.other], names):
        if sc is not None and sc.stride == 1:
            notes.append(t("surp.context", lang, model=name, block_size=sc.block_size))
        elif sc is not None:
            notes.append(t("surp.strided", lang, model=name, block_size=sc.block_size, stride=sc.stride,
                           min_context=sc.min_context))
    if s.cut:
        notes.append(t("surp.cut", lang, limit=f"{MAX_SURPRISE:,}", n=f"{s.cut:,}"))
    return list(dict.fromkeys(notes))


def compare_choices(session: Session, lang: str) -> list[tuple[str, str]]:
    return [(t("surp.none", lang), "")] + session.model_choices(lang)


def build_surprise(ctx: AppContext) -> dict:
    """The sub-tab of per-character surprise: lay it out and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    c["intro"] = L.make(gr.Markdown, text="surp.intro", elem_id="surp-intro")
    c["text"] = L.make(gr.Textbox, label="surp.text", info="surp.text.info", value=DEFAULT_TEXT, lines=5,
                       max_lines=12, elem_id="surp-text", elem_classes="mono")
    with gr.Row(equal_height=True):
        c["compare"] = L.add(gr.Dropdown([(t("surp.none", DEFAULT_LANG), "")], value="", elem_id="surp-compare",
                                         label=t("surp.compare", DEFAULT_LANG), info=t("surp.compare.info", DEFAULT_LANG),
                                         scale=2, min_width=200), label="surp.compare", info="surp.compare.info")
        c["passage"] = L.make(gr.Button, text="surp.passage", elem_id="surp-passage", scale=1, min_width=160)
        c["run"] = L.make(gr.Button, text="surp.run", variant="primary", elem_id="surp-run", scale=1, min_width=140)
    notice_row(ctx, c, "surp")
    c["view"] = gr.HTML("", elem_id="surp-text-view")
    code_panel(ctx, c, "surp", "layers.code", M.surprise, M.windows, M.stride_for)
    ctx.linkable("text", c["text"])
    ctx.linkable("compare", c["compare"], links.compare_key, write=links.model_text)
    outputs = [c["notice"], c["drop"], c["view"], c["compare"]]

    def render(session: Session, key, text, compare, index, lang) -> list:
        ctx.remember(session, "surprise", (key, text, compare, index))
        choices = gr.update(choices=compare_choices(session, lang))
        try:
            s, info, other = compute.surprise(session, key, text, compare or None, step_of(session, key, index))
        except Refusal as e:
            return [refusal_html(e, lang), gr.update(visible=e.key == "inside.unknown"), "", choices]
        names = (info["name"], other["name"] if other else "")
        return [_note(surprise_notes(s, names, lang)), gr.update(visible=False), fig.surprise_html(s, lang, names),
                choices]

    def surprise_ui(key, text, compare, index, lang, request: gr.Request):
        """Colour every character of the text by the model's -log p (or by two models' difference)."""
        with user_errors(lang):
            return render(ctx.session(request), key, text, compare, index, lang)

    def passage_ui(key, compare, index, lang, request: gr.Request):
        """A random passage of the validation split into the text box, scored (or why there is none)."""
        with user_errors(lang):
            try:
                text = compute.passage()
            except Refusal as e:
                return [gr.skip(), refusal_html(e, lang)] + [gr.skip()] * 3
            return [text] + render(ctx.session(request), key, text, compare, index, lang)

    def drop_unknown_text_ui(key, text, compare, index, lang, request: gr.Request):
        """The text without the characters outside either model's vocabulary."""
        try:
            session = ctx.session(request)
            for k in [key] + ([compare] if compare else []):
                text = model_for(session, k)[1].clean(text or "")
            return text, gr.update(visible=False)
        except Refusal:
            return gr.skip(), gr.update(visible=False)

    inputs = [ctx.picker, c["text"], c["compare"], ctx.step, ctx.lang]
    for ev in (c["run"].click, c["compare"].input, ctx.picker.change, ctx.step.release):
        ev(surprise_ui, inputs, outputs, **QUIET)
    c["passage"].click(passage_ui, [ctx.picker, c["compare"], ctx.step, ctx.lang], [c["text"]] + outputs, **QUIET)
    c["drop"].click(drop_unknown_text_ui, inputs, [c["text"], c["drop"]], **QUIET).then(
        surprise_ui, inputs, outputs, **QUIET)
    ctx.redraw("surprise", outputs, render, lambda session: (session.default_model(), DEFAULT_TEXT, "", None),
               inputs=inputs[:-1])
    return c


# embeddings ------------------------------------------------------------------------------------
def embedding_notes(e: Embeddings, lang: str) -> list[str]:
    """The variance the two axes hold; how alike neighbouring positions are, against distant ones."""
    notes = [t("emb.explained", lang, pct=f"{e.explained.sum():.1%}", V=len(e.chars),
               rest=max(0, min(len(e.chars), e.width) - 3))]  # rank of a centred table: min(V, C) - 1
    if e.cosine is None:
        return notes + [t("emb.no_positions", lang)]
    T = len(e.cosine)
    if T > 2:
        far = max(2, T // 4)
        i, j = divmod(np.arange(T * T), T)
        gap = abs(i - j)
        notes.append(t("emb.neighbours", lang, near=f"{e.cosine.ravel()[gap == 1].mean():.2f}", far=far,
                       farval=f"{e.cosine.ravel()[gap >= far].mean():.2f}"))
    return notes


def build_embeddings(ctx: AppContext) -> dict:
    """The sub-tab of the embeddings: lay it out and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    c["intro"] = L.make(gr.Markdown, text="emb.intro", elem_id="emb-intro")
    with gr.Row(equal_height=True):
        c["notice"] = gr.HTML("", elem_id="emb-notice")
        c["run"] = L.make(gr.Button, text="emb.run", variant="primary", elem_id="emb-run", scale=0, min_width=180)
    with gr.Row(equal_height=False):
        c["scatter"] = gr.Plot(None, show_label=False, elem_id="emb-scatter", min_width=300)
        c["positions"] = gr.Plot(None, show_label=False, elem_id="emb-positions", min_width=300)
    code_panel(ctx, c, "emb", "layers.code", M.pca, M.token_table, M.position_cosine)
    outputs = [c["notice"], c["scatter"], c["positions"]]

    def render(session: Session, key, index, lang) -> list:
        ctx.remember(session, "embeddings", (key, index))
        try:
            e, _, _ = compute.embeddings(session, key, step_of(session, key, index))
        except Refusal as err:
            return [refusal_html(err, lang), None, None]
        return [_note(embedding_notes(e, lang)), fig.embedding_scatter(e, lang),
                None if e.cosine is None else fig.position_heatmap(e.cosine, lang)]

    def embeddings_ui(key, index, lang, request: gr.Request):
        """The token table by PCA, coloured by kind of character; the positions' cosine similarities."""
        with user_errors(lang):
            return render(ctx.session(request), key, index, lang)

    for ev in (c["run"].click, ctx.picker.change, ctx.step.release):
        ev(embeddings_ui, [ctx.picker, ctx.step, ctx.lang], outputs, **QUIET)
    ctx.redraw("embeddings", outputs, render, lambda session: (session.default_model(), None),
               inputs=[ctx.picker, ctx.step])
    return c

