"""The shell's gradio_client endpoints: the picker's models (list, select, upload) and generate.
Each feature registers its own (explorer/<feature>/api.py); every call belongs to the caller's
session (one gradio_client.Client = one session) and takes lang ("en" or "zh-CN") for its messages."""
import gradio as gr
from gradio.data_classes import FileData

from .checks import checked
from .context import AppContext
from .errors import Refusal, user_errors
from .groups import INSPECT, LONG, STATUS
from .models import load_zip, upload_name
from .picker import model_card, sample_text
from .steps import api_step, texts_over_time, timeline_info


def register(ctx: AppContext) -> None:
    """Add the endpoints to the Blocks being built (call inside `with gr.Blocks()`)."""

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
            key = session.add_upload(name, load_zip(path, ctx.limits.max_params))
            session.selected = key
            return select_model(key, lang, request)

    def generate(model: str = "", prompt: str = "", max_new_tokens: int = 200, temperature: float = 1.0,
                 seed: int = 0, lang: str = "en", step: int | None = None, request: gr.Request = None) -> str:
        """Text from a model (default: the selected one), continuing prompt; step: the model as it was at
        that step of its timeline (null or -1: its final weights)."""
        with user_errors(lang):
            session = ctx.session(request)
            return sample_text(session, model or session.default_model(), prompt, max_new_tokens,
                               temperature, seed, api_step(step))

    def timeline(model: str = "", lang: str = "en", request: gr.Request = None) -> dict:
        """The steps of a model's timeline (its weights kept at step 0 and each evaluation), each with
        step, train_loss, val_loss; empty for a model without one. Pass a step to the other endpoints."""
        with user_errors(lang):
            session = ctx.session(request)
            return timeline_info(session, model or session.default_model() or "")

    def timeline_texts(model: str = "", prompt: str = "", seed: int = 1337, length: int = 120,
                       lang: str = "en", request: gr.Request = None) -> list:
        """How the text improved: what the model writes at each snapshot from the same prompt and seed,
        [{step, val_loss, text, final}], oldest first, then the final weights."""
        with user_errors(lang):
            session = ctx.session(request)
            return texts_over_time(session, model or session.default_model() or "", prompt, seed, length)

    gr.api(checked(list_models), api_name="list_models", **STATUS)
    gr.api(checked(select_model), api_name="select_model", **INSPECT)
    gr.api(checked(upload_checkpoint), api_name="upload_checkpoint", **LONG)
    gr.api(checked(generate), api_name="generate", **LONG)
    gr.api(checked(timeline), api_name="timeline", **STATUS)
    gr.api(checked(timeline_texts), api_name="timeline_texts", **LONG)
