"""The header every tab shares: title, presenter mode, language switch, the model picker with its card
and step slider (each part of every link), and the line that says what a link could not open."""
import gradio as gr

from . import links, present
from .context import AppContext
from .errors import Refusal, user_errors
from .groups import INSPECT, LONG, QUIET
from .i18n import LANGS, t
from .models import load_zip, upload_name
from .picker import model_card, sample_text
from .session import Session
from .steps import step_of

STEP_VIEW = "header.step"  # the step slider's last position, with its model


def build(ctx: AppContext) -> dict:
    """Title, language radio, model picker, checkpoint upload, model card; sets ctx.lang/ctx.picker."""
    L, c = ctx.labels, {}
    with gr.Row(equal_height=True, elem_id="header"):
        c["title"] = L.make(gr.Markdown, text="app.header", elem_id="title", min_width=300)
        c["present"] = present.switch(ctx)
        ctx.lang = c["lang"] = gr.Radio([(name, code) for code, name in LANGS.items()], value="en",
                                        show_label=False, container=False, elem_id="lang", scale=0, min_width=220)
    with gr.Row(equal_height=False, elem_id="model-row"):
        ctx.picker = c["picker"] = L.make(gr.Dropdown, label="picker.label", info="picker.info", choices=[],
                                          elem_id="picker", scale=3, min_width=240, allow_custom_value=False)
        c["upload"] = L.make(gr.UploadButton, label="picker.upload", file_types=[".zip"], file_count="single",
                             elem_id="upload", scale=1, min_width=200, size="md", variant="secondary")
    c["card"] = gr.Markdown(t("card.none", "en"), elem_id="model-card")
    ctx.links.notice = c["link_notice"] = gr.HTML("", elem_id="link-notice")
    with gr.Row(equal_height=True, elem_id="step-row", visible=False) as c["step_row"]:
        ctx.step = c["step"] = L.make(gr.Slider, label="step.label", info="step.info", minimum=0, maximum=1, step=1,
                                      value=1, elem_id="step", scale=3, min_width=240)
        c["step_info"] = gr.Markdown("", elem_id="step-info")
    with L.add(gr.Accordion(t("try.title", "en"), open=False, elem_id="try"), label="try.title"):
        with gr.Row(equal_height=True):
            c["prompt"] = L.make(gr.Textbox, label="try.prompt", placeholder="try.prompt.ph", scale=3, max_lines=2)
            c["try"] = L.make(gr.Button, text="try.button", scale=1, min_width=120, elem_id="btn-try")
        c["sample"] = L.make(gr.Textbox, label="try.output", lines=5, max_lines=12, interactive=False,
                             elem_classes="mono", elem_id="try-output")
    _wire(ctx, c)
    ctx.linkable("model", ctx.picker, links.model_key, write=links.model_text, store=_select, model=True)
    ctx.linkable("step", ctx.step, links.step_index, write=links.step_text, store=_at_step)
    ctx.linkable("lang", ctx.lang, links.language, write=lambda lang, env: lang)
    return c


def _select(env: links.LinkEnv, key: str) -> None:
    """A link's model is the session's picked model."""
    env.session.selected = key


def _at_step(env: links.LinkEnv, index: int) -> None:
    """A link's step: the slider's position for its model, kept as the slider's own (see step_row)."""
    AppContext.remember(env.session, STEP_VIEW, (env.key, index))


def _wire(ctx: AppContext, c: dict) -> None:
    def card_for(session: Session, key: str | None, lang: str) -> str:
        if not key:
            return model_card(None, lang)
        try:
            return model_card(session.model_info(key), lang)
        except Exception as e:  # noqa: BLE001 -- a model that will not load says so in the card
            return f"⚠️ {t('error.checkpoint', lang, detail=str(e))}"

    def step_row(session: Session, key: str | None, lang: str) -> list:
        """The step slider for a model with a timeline (hidden otherwise): where it last stood for this
        model (a link's step, or before a language switch), else at the final weights."""
        try:
            timeline = session.timeline(key) if key else None
        except Refusal:  # a model that will not load: its card says why
            return [gr.Row(visible=False), gr.skip(), ""]
        if timeline is None:
            return [gr.Row(visible=False), gr.update(maximum=1, value=1), ""]
        n, last = len(timeline), ctx.last(session, STEP_VIEW)
        index = last[1] if last and last[0] == key and isinstance(last[1], int) and 0 <= last[1] <= n else n
        return [gr.Row(visible=True), gr.update(maximum=n, value=index), step_line(session, key, index, lang)]

    def on_pick(key: str | None, lang: str, request: gr.Request):
        """Picking a model makes it the one every tab inspects; returns its card and step slider."""
        session = ctx.session(request)
        session.selected = key or None
        return [card_for(session, key, lang), *step_row(session, key, lang)]

    step_outputs = [c["step_row"], c["step"], c["step_info"]]
    c["picker"].change(on_pick, [c["picker"], ctx.lang], [c["card"], *step_outputs], **INSPECT, **QUIET)

    def on_step(key: str | None, index, lang: str, request: gr.Request):
        """Where the slider stands: the step and its losses (the views redraw on their own)."""
        with user_errors(lang):
            session = ctx.session(request)
            if key and isinstance(index, (int, float)):
                ctx.remember(session, STEP_VIEW, (key, int(index)))
            return step_line(session, key, index, lang)

    c["step"].change(on_step, [c["picker"], c["step"], ctx.lang], c["step_info"], trigger_mode="always_last",
                     **INSPECT, **QUIET)

    def on_upload(file: str | None, lang: str, request: gr.Request):
        """Load an uploaded checkpoint zip, add it to the picker and pick it."""
        with user_errors(lang):
            if not file:
                raise Refusal("refuse.zip_not_zip")
            session = ctx.session(request)
            key = session.add_upload(upload_name(file), load_zip(file, ctx.limits.max_params))
            session.selected = key
            session.rendered_choices = choices = session.model_choices(lang)
            return gr.update(choices=choices, value=key), card_for(session, key, lang)

    c["upload"].upload(on_upload, [c["upload"], ctx.lang], [c["picker"], c["card"]], **LONG,
                       show_progress="minimal", api_visibility="private")

    def on_try(key: str | None, prompt: str, index, lang: str, request: gr.Request):
        """A 300-character sample from the picked model (at the slider's step), continuing the prompt."""
        with user_errors(lang):
            session = ctx.session(request)
            return sample_text(session, key, prompt or "", 300, 1.0, seed=0, step=step_of(session, key, index))

    c["try"].click(on_try, [c["picker"], c["prompt"], c["step"], ctx.lang], c["sample"], **LONG,
                   show_progress="minimal", api_visibility="private")

    def refresh(session: Session, lang: str) -> list:
        session.rendered_choices = choices = session.model_choices(lang)
        key = session.default_model()
        session.selected = key
        return [gr.update(choices=choices, value=key), card_for(session, key, lang), *step_row(session, key, lang)]

    ctx.on_language([c["picker"], c["card"], *step_outputs], refresh)


def step_line(session: Session, key: str | None, index, lang: str) -> str:
    """"step 540 of 1,800 · train 1.98 · val 2.03", or the final weights', for the slider's position."""
    step = step_of(session, key, index)
    if step is None:
        info = session.model_info(key)
        return t("step.final", lang, step=f"{info.get('step') or 0:,}")
    timeline = session.timeline(key)
    snap = timeline.at(step)
    val = "–" if snap.val_loss is None else f"{snap.val_loss:.3f}"
    train = "–" if snap.train_loss is None else f"{snap.train_loss:.3f}"
    line = t("step.at", lang, step=f"{step:,}", train=train, val=val)
    return line + (" · " + t("steps.thinned", lang, n=timeline.thinned) if timeline.thinned else "")
