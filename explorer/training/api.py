"""The Train tab's gradio_client endpoints: train_start (its fields generated from FIELDS), the
buttons, status, history, presets, save_checkpoint. Each call is the caller's own session."""
import inspect
from dataclasses import asdict

import gradio as gr
import numpy as np
from gradio.data_classes import FileData

from ..checks import checked, choice
from ..context import AppContext
from ..errors import user_errors
from ..groups import LONG, STATUS, TRAIN_CONTROL, TRAIN_STEP
from . import actions
from .fields import APP_PRESETS, FIELDS, MODEL_TYPES, preset_values
from .figures import downsample
from .service import TrainingService
from .state import TrainState

CORPUS_CHOICES = ("shakespeare", "paste")  # an API caller pastes text; the page also uploads a file


def start_signature() -> inspect.Signature:
    """train_start's parameters: model_type and preset, then one per FIELDS entry (None = the
    preset's value), then the corpus, paused and lang. A field added to FIELDS appears here."""
    P = inspect.Parameter
    kw = P.POSITIONAL_OR_KEYWORD
    params = [P("model_type", kw, default="bigram", annotation=str), P("preset", kw, default="", annotation=str)]
    params += [P(f.name, kw, default=None, annotation=f.kind | None) for f in FIELDS]
    params += [P("corpus", kw, default="shakespeare", annotation=str), P("text", kw, default="", annotation=str),
               P("paused", kw, default=False, annotation=bool), P("lang", kw, default="en", annotation=str),
               P("request", kw, default=None, annotation=gr.Request)]
    return inspect.Signature(params, return_annotation=dict)


def register(ctx: AppContext) -> None:
    """Add the endpoints to the Blocks being built (call inside `with gr.Blocks()`), and offer the
    other views a Trainer (ctx.trainer: the lecture's ladder trains its rungs through it)."""
    ctx.trainer = TrainingService()

    def train_start(*args, **kwargs) -> dict:
        """Start a new run. Unset fields come from the preset (default: the model type's own).
        corpus is "shakespeare" or "paste" (with text). paused=True creates the run at step 0."""
        a = start_signature().bind(*args, **kwargs)
        a.apply_defaults()
        v = a.arguments
        with user_errors(v["lang"]):
            model_type = choice(v["model_type"], "model_type", MODEL_TYPES)
            preset = v["preset"] or ("bigram" if model_type == "bigram" else "gpt-classroom")
            base = preset_values(preset)
            values = {f.name: v[f.name] if v[f.name] is not None else base[f.name] for f in FIELDS}
            corpus = choice(v["corpus"], "corpus", CORPUS_CHOICES)
            session = ctx.session(v["request"])
            actions.start(session, model_type, values, (corpus, None, v["text"]), paused=v["paused"])
            return actions.status(session, v["lang"])

    train_start.__signature__ = start_signature()
    train_start.__annotations__ = {p.name: p.annotation for p in start_signature().parameters.values()}

    def simple(kind: str):
        def endpoint(lang: str = "en", request: gr.Request = None) -> dict:
            with user_errors(lang):
                session = ctx.session(request)
                getattr(actions, kind)(session)
                return actions.status(session, lang)
        endpoint.__doc__ = {
            "pause": "Pause the running (or queued) training at the next step.",
            "resume": "Resume a paused training (it may queue for a slot).",
            "step": "One optimizer step of the paused run; returns once it is done.",
            "stop": "End the training (within a step); the model stays available.",
            "reset": "Stop any training and clear the chart; trained models stay in the picker.",
        }[kind]
        endpoint.__name__ = f"train_{kind}"
        return endpoint

    gr.api(checked(train_start), api_name="train_start", **TRAIN_CONTROL)
    for kind in ("pause", "resume", "step", "stop", "reset"):
        gr.api(checked(simple(kind)), api_name=f"train_{kind}", **(TRAIN_STEP if kind == "step" else TRAIN_CONTROL))

    def train_status(lang: str = "en", request: gr.Request = None) -> dict:
        """State, step, losses, speed, ETA, queue position and the latest sample of the latest run."""
        with user_errors(lang):
            return actions.status(ctx.session(request), lang)

    def train_history(run: str = "", max_points: int = 500, lang: str = "en", request: gr.Request = None) -> dict:
        """A run's curves: minibatch loss per step (downsampled to max_points) and every evaluation."""
        with user_errors(lang):
            r = ctx.session(request).state(TrainState).run(run or None)
            steps = np.arange(1, r.steps + 1)
            x, y = downsample(steps, r.loss[:r.steps].astype(float), max(10, min(int(max_points), 5000)))
            return {"run": r.id, "label": r.label, "steps": [round(float(v), 1) for v in x],
                    "loss": [round(float(v), 4) for v in y],
                    "evals": [{"step": s, "train_loss": tr, "val_loss": va} for s, tr, va in r.evals],
                    "samples": [{"step": s, "text": txt} for s, txt in r.samples],
                    "config": {**asdict(r.model_cfg), **asdict(r.train_cfg)}}

    def save_checkpoint(run: str = "", lang: str = "en", request: gr.Request = None) -> FileData:
        """A zip of a run's checkpoint (config.json + model.safetensors); the latest run by default."""
        with user_errors(lang):
            path = actions.save(ctx.session(request), run or None)
            return FileData(path=str(path), orig_name=path.name)

    def presets(lang: str = "en") -> dict:
        """The Train tab's presets: every field's value, by preset name."""
        with user_errors(lang):
            return {name: preset_values(name) for name in APP_PRESETS}

    gr.api(checked(train_status), api_name="train_status", **STATUS)
    gr.api(checked(train_history), api_name="train_history", **STATUS)
    gr.api(checked(presets), api_name="presets", **STATUS)
    gr.api(checked(save_checkpoint), api_name="save_checkpoint", **LONG)

