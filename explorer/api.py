"""Typed endpoints for gradio_client: every action of the UI, returning plain JSON.

Each call belongs to the caller's own session (one gradio_client.Client = one session), and each
takes lang ("en" or "zh-CN") for the language of its messages and refusals."""
from dataclasses import asdict

import gradio as gr
import numpy as np
from gradio.data_classes import FileData

from . import training
from .context import AppContext
from .errors import Refusal, user_errors
from .figures import downsample
from .header import model_card, sample_text
from .limits import APP_PRESETS, FIELDS, preset_values
from .models import load_zip, upload_name


def register(ctx: AppContext) -> None:
    """Add the endpoints to the Blocks being built (call inside `with gr.Blocks()`)."""
    control = dict(concurrency_id="train_control", concurrency_limit=8)
    status_group = dict(concurrency_id="status", concurrency_limit=8)
    inspect = dict(concurrency_id="inspect", concurrency_limit=4)

    def train_start(model_type: str = "bigram", preset: str = "", block_size: int | None = None,
                    n_embd: int | None = None, n_head: int | None = None, n_layer: int | None = None,
                    dropout: float | None = None, batch_size: int | None = None,
                    learning_rate: float | None = None, max_iters: int | None = None,
                    eval_interval: int | None = None, eval_iters: int | None = None,
                    warmup_iters: int | None = None, lr_decay: bool | None = None, min_lr: float | None = None,
                    weight_decay: float | None = None, grad_clip: float | None = None, seed: int | None = None,
                    dtype: str | None = None, corpus: str = "shakespeare", text: str = "", paused: bool = False,
                    lang: str = "en", request: gr.Request = None) -> dict:
        """Start a new run. Unset fields come from the preset (default: the model type's own).
        corpus is "shakespeare" or "paste" (with text). paused=True creates the run at step 0."""
        given = dict(block_size=block_size, n_embd=n_embd, n_head=n_head, n_layer=n_layer, dropout=dropout,
                     batch_size=batch_size, learning_rate=learning_rate, max_iters=max_iters,
                     eval_interval=eval_interval, eval_iters=eval_iters, warmup_iters=warmup_iters,
                     lr_decay=lr_decay, min_lr=min_lr, weight_decay=weight_decay, grad_clip=grad_clip,
                     seed=seed, dtype=dtype)
        with user_errors(lang):
            preset = preset or ("bigram" if model_type == "bigram" else "gpt-classroom")
            base = preset_values(preset)
            values = {f.name: given[f.name] if given[f.name] is not None else base[f.name] for f in FIELDS}
            if corpus not in ("shakespeare", "paste"):
                raise Refusal("refuse.choice", field="corpus", value=corpus, allowed="shakespeare, paste")
            session = ctx.session(request)
            training.start(session, model_type, values, (corpus, None, text), paused=paused)
            return training.status(session, lang)

    def simple(kind: str):
        def endpoint(lang: str = "en", request: gr.Request = None) -> dict:
            with user_errors(lang):
                session = ctx.session(request)
                getattr(training, kind)(session)
                return training.status(session, lang)
        endpoint.__doc__ = {
            "pause": "Pause the running (or queued) training at the next step.",
            "resume": "Resume a paused training (it may queue for a slot).",
            "step": "One optimizer step of the paused run; returns once it is done.",
            "stop": "End the training (within a step); the model stays available.",
            "reset": "Stop any training and clear the chart; trained models stay in the picker.",
        }[kind]
        return endpoint

    gr.api(train_start, api_name="train_start", **control)
    for kind in ("pause", "resume", "step", "stop", "reset"):
        gr.api(simple(kind), api_name=f"train_{kind}",
               **(dict(concurrency_id="train_step", concurrency_limit=8) if kind == "step" else control))

    def train_status(lang: str = "en", request: gr.Request = None) -> dict:
        """State, step, losses, speed, ETA, queue position and the latest sample of the latest run."""
        with user_errors(lang):
            return training.status(ctx.session(request), lang)

    def train_history(run: str = "", max_points: int = 500, lang: str = "en", request: gr.Request = None) -> dict:
        """A run's curves: minibatch loss per step (downsampled to max_points) and every evaluation."""
        with user_errors(lang):
            r = ctx.session(request).run(run or None)
            steps = np.arange(1, r.steps + 1)
            x, y = downsample(steps, r.loss[:r.steps].astype(float), max(10, min(int(max_points), 5000)))
            return {"run": r.id, "label": r.label, "steps": [round(float(v), 1) for v in x],
                    "loss": [round(float(v), 4) for v in y],
                    "evals": [{"step": s, "train_loss": tr, "val_loss": va} for s, tr, va in r.evals],
                    "samples": [{"step": s, "text": txt} for s, txt in r.samples],
                    "config": {**asdict(r.model_cfg), **asdict(r.train_cfg)}}

    def list_models(lang: str = "en", request: gr.Request = None) -> list:
        """The picker's models: [{key, label}]; pass a key to select_model or generate."""
        with user_errors(lang):
            return [{"key": key, "label": label} for label, key in ctx.session(request).model_choices(lang)]

    def select_model(key: str, lang: str = "en", request: gr.Request = None) -> dict:
        """Pick a model by key (pretrained:NAME, session:run-N, upload:...); returns its description."""
        with user_errors(lang):
            session = ctx.session(request)
            info = session.model_info(key)
            session.selected = key
            return {**info, "card": model_card(info, lang)}

    def upload_checkpoint(file: FileData, lang: str = "en", request: gr.Request = None) -> dict:
        """Load a checkpoint zip (config.json + model.safetensors, optionally in one folder)."""
        with user_errors(lang):
            path = file.get("path") if isinstance(file, dict) else getattr(file, "path", None)
            if not path:
                raise Refusal("refuse.zip_not_zip")
            session = ctx.session(request)
            name = upload_name((file.get("orig_name") if isinstance(file, dict) else None) or path)
            key = session.add_upload(name, load_zip(path))
            session.selected = key
            return select_model(key, lang, request)

    def save_checkpoint(run: str = "", lang: str = "en", request: gr.Request = None) -> FileData:
        """A zip of a run's checkpoint (config.json + model.safetensors); the latest run by default."""
        with user_errors(lang):
            path = training.save(ctx.session(request), run or None)
            return FileData(path=str(path), orig_name=path.name)

    def generate(model: str = "", prompt: str = "", max_new_tokens: int = 200, temperature: float = 1.0,
                 seed: int = 0, lang: str = "en", request: gr.Request = None) -> str:
        """Text from a model (default: the selected one), continuing prompt."""
        with user_errors(lang):
            session = ctx.session(request)
            return sample_text(session, model or session.default_model(), prompt, max_new_tokens,
                               temperature, seed)

    def presets(lang: str = "en") -> dict:
        """The Train tab's presets: every field's value, by preset name."""
        with user_errors(lang):
            return {name: preset_values(name) for name in APP_PRESETS}

    gr.api(train_status, api_name="train_status", **status_group)
    gr.api(train_history, api_name="train_history", **status_group)
    gr.api(list_models, api_name="list_models", **status_group)
    gr.api(presets, api_name="presets", **status_group)
    gr.api(save_checkpoint, api_name="save_checkpoint", **inspect)
    gr.api(select_model, api_name="select_model", **inspect)
    gr.api(upload_checkpoint, api_name="upload_checkpoint", **inspect)
    gr.api(generate, api_name="generate", **inspect)
