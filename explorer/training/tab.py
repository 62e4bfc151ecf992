"""Train tab: pick the model and its hyperparameters, then Start, Pause, Resume, Step, Stop or Reset
and watch train and val loss come down live."""
import gradio as gr

from .. import corpus
from ..context import AppContext
from ..errors import Refusal, user_errors
from ..groups import LONG, QUIET, STATUS, TRAIN_CONTROL, TRAIN_STEP
from ..i18n import t
from ..limits import count_params, step_gflop
from ..session import Session
from . import actions, view
from .fields import APP_PRESETS, FIELD, FIELDS, build_configs, preset_values



def _field_component(ctx: AppContext, name: str, value, visible: bool = True):
    f, key = FIELD[name], f"field.{name}"
    common = dict(label=key, info=f"{key}.info", value=value, visible=visible, elem_id=f"f-{name}")
    if name in ("block_size", "n_embd", "n_head", "n_layer", "batch_size", "dropout"):
        step = {"n_embd": 8, "dropout": 0.05}.get(name, 1)
        return ctx.labels.make(gr.Slider, minimum=f.lo, maximum=f.hi, step=step, **common)
    if f.kind is bool:
        return ctx.labels.make(gr.Checkbox, **common)
    if f.kind is str:
        return ctx.labels.make(gr.Dropdown, choices=[(f"{name}.{c}", c) for c in f.choices], **common)
    return ctx.labels.make(gr.Number, precision=0 if f.kind is int else None, **common)


def build(ctx: AppContext) -> dict:
    """Lay out the tab and wire its events; returns its components by name."""
    L, c = ctx.labels, {}
    defaults = preset_values("bigram")
    with gr.Row(elem_id="train-controls"):
        for name in view.BUTTONS:
            c[name] = L.make(gr.Button, text=f"train.{name}", variant="primary" if name == "start" else "secondary",
                             interactive=name in view.ENABLED["idle"], size="md", min_width=90, elem_id=f"btn-{name}")
    c["banner"] = gr.HTML(view.banner({"state": "idle", "message": t("status.idle", "en")}), elem_id="train-banner")
    c["stats"] = gr.HTML(view.stats_html(None, "en"), elem_id="train-stats")
    with gr.Row(equal_height=False, elem_id="train-main"):
        with gr.Column(scale=2, min_width=320, elem_id="train-chart-col"):
            c["chart"] = gr.Plot(view.empty_figure("en"), show_label=False, elem_id="loss-chart")
            c["reference"] = L.make(gr.Checkbox, label="train.reference", value=False, elem_id="reference")
            c["start_note"] = L.make(gr.Markdown, text="train.start_note", elem_id="start-note")
            c["sample"] = L.make(gr.Textbox, label="train.sample", lines=6, max_lines=12, interactive=False,
                                 elem_id="sample", elem_classes="mono")
            with gr.Row():
                c["save"] = L.make(gr.Button, text="train.save", interactive=False, size="sm", elem_id="btn-save")
                c["saved"] = L.make(gr.File, label="train.saved", visible=False, interactive=False, elem_id="saved")
            with L.add(gr.Accordion(t("train.texts", "en"), open=False, elem_id="train-texts-box"), label="train.texts"):
                c["texts_note"] = L.make(gr.Markdown, text="train.texts_note", elem_id="train-texts-note")
                c["texts"] = gr.HTML("", elem_id="train-texts")
        with gr.Column(scale=1, min_width=300, elem_id="train-form-col"):
            c["model_type"] = L.make(gr.Radio, label="train.model_type", value="bigram", elem_id="model-type",
                                     choices=[("model.bigram", "bigram"), ("model.gpt", "gpt")])
            c["preset"] = L.make(gr.Dropdown, label="train.preset", value="bigram", elem_id="preset",
                                 choices=[(f"preset.{p}", p) for p in APP_PRESETS])
            c["config_note"] = gr.Markdown(describe("bigram", defaults, "en", ctx), elem_id="config-note")
            fields = {}
            with L.add(gr.Accordion(t("train.group_model", "en"), open=True, elem_id="acc-model"), label="train.group_model"):
                for f in FIELDS:
                    if f.group == "model":  # the bigram (the default) has no width, heads or layers
                        fields[f.name] = _field_component(ctx, f.name, defaults[f.name], not f.gpt_only)
            with L.add(gr.Accordion(t("train.group_train", "en"), open=False, elem_id="acc-train"), label="train.group_train"):
                for f in FIELDS:
                    if f.group == "train":
                        fields[f.name] = _field_component(ctx, f.name, defaults[f.name])
            with L.add(gr.Accordion(t("train.group_corpus", "en"), open=False, elem_id="acc-corpus"), label="train.group_corpus"):
                c["corpus"] = L.make(gr.Radio, label="train.corpus", value="shakespeare", elem_id="corpus",
                                     info="train.corpus.info" if corpus.available() else
                                     "train.corpus.download",
                                     choices=[(f"corpus.{s}", s) for s in actions.CORPUS_SOURCES])
                c["corpus_file"] = L.make(gr.File, label="train.corpus_file", file_types=[".txt"], visible=False,
                                          type="filepath", elem_id="corpus-file")
                c["corpus_text"] = L.make(gr.Textbox, label="train.corpus_text", placeholder="train.corpus_text.ph",
                                          lines=6, max_lines=12, visible=False, elem_id="corpus-text")
    c["timer"] = gr.Timer(view.TICK_RUNNING, active=False)
    c.update(fields)
    _wire(ctx, c, fields)
    return c


def describe(model_type, values: dict, lang: str, ctx: AppContext) -> str:
    """A line under the preset: parameters and cost per step, or the reason the server would refuse."""
    try:
        model_cfg, train_cfg = build_configs(model_type, values, ctx.limits)
    except Refusal as e:
        return f"⚠️ {e.message(lang)}"
    return t("train.describe", lang, params=f"{count_params(model_cfg):,}",
             gflop=f"{step_gflop(model_cfg, train_cfg.batch_size):.2g}", limit=f"{ctx.limits.max_step_gflop:.0f}")


def _wire(ctx: AppContext, c: dict, fields: dict) -> None:
    names = list(fields)
    form = [c["model_type"], *fields.values(), c["corpus"], c["corpus_file"], c["corpus_text"]]
    outputs = [c["banner"], c["stats"], c["chart"], c["sample"], c["timer"],
               *(c[b] for b in view.BUTTONS), c["save"], ctx.picker, c["saved"], c["texts"]]

    def parse(data: dict):
        values = {n: data[fields[n]] for n in names}
        corpus = tuple(data.get(c[k]) for k in ("corpus", "corpus_file", "corpus_text"))
        return data[c["model_type"]], values, corpus

    def render(session: Session, lang: str, reference: bool | None, force: bool = True) -> list:
        return view.render(session, lang, reference, force, n_outputs=len(outputs))

    def action(kind: str):
        def handler(data: dict, request: gr.Request):
            lang = data[ctx.lang]
            with user_errors(lang):
                session = ctx.session(request)
                if kind == "start":
                    actions.start(session, *parse(data))
                elif kind == "step":
                    actions.step(session, new_run=parse(data))
                else:
                    getattr(actions, kind)(session)
                return render(session, lang, data[c["reference"]])
        handler.__name__ = f"train_{kind}_ui"
        return handler

    inputs = {*form, ctx.lang, c["reference"]}
    for kind in view.BUTTONS:
        c[kind].click(action(kind), inputs, outputs, **(TRAIN_STEP if kind == "step" else TRAIN_CONTROL), **QUIET)

    def tick(lang: str, reference: bool, request: gr.Request):
        session = ctx.session(request)
        return render(session, lang, reference, force=False)

    c["timer"].tick(tick, [ctx.lang, c["reference"]], outputs, **STATUS, **QUIET)

    def on_reference(lang: str, reference: bool, request: gr.Request):
        return render(ctx.session(request), lang, reference)

    c["reference"].change(on_reference, [ctx.lang, c["reference"]], outputs, **STATUS, **QUIET)
    ctx.on_language(outputs, lambda session, lang: render(session, lang, None))

    def save(lang: str, request: gr.Request):
        """Save the latest run as a checkpoint zip (config.json + model.safetensors); returns the file."""
        with user_errors(lang):
            return gr.File(value=str(actions.save(ctx.session(request))), visible=True)

    c["save"].click(save, [ctx.lang], [c["saved"]], **LONG, show_progress="minimal", api_visibility="private")

    def on_preset(preset: str, lang: str):
        """The preset's values in every field, and the line that describes them (said here, from the values
        themselves: the fields' own change events may still carry the old ones)."""
        with user_errors(lang):
            values = preset_values(preset)
        gpt = values["model_type"] == "gpt"
        return [gr.update(value=values["model_type"])] + [
            gr.update(value=values[n], visible=gpt or not FIELD[n].gpt_only) for n in names] + [
            describe(values["model_type"], values, lang, ctx)]

    c["preset"].input(on_preset, [c["preset"], ctx.lang], [c["model_type"], *fields.values(), c["config_note"]],
                      **QUIET)
    # a link names the preset (never a run): opening it fills the form as picking the preset does
    ctx.linkable("preset", c["preset"], also=([c["model_type"], *fields.values(), c["config_note"]], on_preset))

    def on_model_type(model_type: str, preset: str, lang: str):
        wanted = "bigram" if model_type == "bigram" else (preset if preset != "bigram" else "gpt-classroom")
        return [gr.update(value=wanted)] + on_preset(wanted, lang)

    c["model_type"].input(on_model_type, [c["model_type"], c["preset"], ctx.lang],
                          [c["preset"], c["model_type"], *fields.values(), c["config_note"]], **QUIET)

    def on_form(data: dict):
        model_type, values, _ = parse(data)
        return describe(model_type, values, data[ctx.lang], ctx)

    gr.on([comp.change for comp in [c["model_type"], *fields.values(), ctx.lang]], on_form,
          {c["model_type"], *fields.values(), ctx.lang}, c["config_note"], trigger_mode="always_last",
          **STATUS, **QUIET)

    def on_corpus(source: str):
        return gr.update(visible=source == "upload"), gr.update(visible=source == "paste")

    c["corpus"].change(on_corpus, c["corpus"], [c["corpus_file"], c["corpus_text"]], **QUIET)
