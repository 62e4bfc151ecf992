"""The prompt box the tabs that read a model share (Attention, Softmax, Sampling, Layers): the text
checked and resolved as the model will see it (unknown characters named, an empty prompt starting
from token 0, a long one cropped to block_size), its notice, and the one-click "drop unknown
characters" button. Its strings are the inside.* keys."""
from dataclasses import dataclass

import gradio as gr

from . import checks
from .context import AppContext
from .errors import Refusal
from .groups import QUIET_INSPECT as QUIET
from .i18n import t
from .picker import model_for
from .session import Session
from .views import note_html

# our own line, in the corpus's play format (the corpus itself is never part of the code)
DEFAULT_PROMPT = "TEACHER:\nEach letter looks back at those before it, never ahead."


@dataclass
class Prompt:
    """A prompt as the model will see it."""
    ids: list[int]          # at most block_size ids; [0] for an empty prompt
    text: str               # the characters those ids stand for
    cropped: int = 0        # characters dropped from the front (prompt longer than block_size)
    empty: bool = False     # the prompt was empty: the lecture starts from token 0


check_prompt = checks.prompt  # a prompt: text up to MAX_PROMPT characters, None is empty


def unknown_refusal(unknown: list[str]) -> Refusal:
    """The refusal that names characters outside the vocabulary (the drop button answers it)."""
    return Refusal("inside.unknown", chars=" ".join(repr(c) for c in unknown[:12]))


def resolve_prompt(tokenizer, prompt, block_size: int, drop_unknown: bool = False) -> Prompt:
    """The ids the model sees: unknown characters refused (or dropped), an empty prompt is token 0,
    a long one keeps its last block_size characters."""
    prompt = check_prompt(prompt)
    unknown = tokenizer.unknown_chars(prompt)
    if unknown and not drop_unknown:
        raise unknown_refusal(unknown)
    prompt = tokenizer.clean(prompt)
    if not prompt:
        return Prompt([0], tokenizer.decode([0]), 0, True)
    cropped = max(0, len(prompt) - block_size)
    text = prompt[cropped:]
    return Prompt(tokenizer.encode(text), text, cropped)


def prompt_row(ctx: AppContext, c: dict, prefix: str, value: str = DEFAULT_PROMPT, lines: int = 2) -> None:
    """c["prompt"], c["run"], c["notice"], c["drop"] for a tab whose elem_ids start with prefix."""
    L = ctx.labels
    with gr.Row(equal_height=True):
        c["prompt"] = L.make(gr.Textbox, label="inside.prompt", info="inside.prompt.info", value=value, lines=lines,
                             max_lines=6, scale=4, elem_id=f"{prefix}-prompt", elem_classes="mono")
        c["run"] = L.make(gr.Button, text=f"{prefix}.run", variant="primary", scale=1, min_width=110,
                          elem_id=f"{prefix}-run")
    notice_row(ctx, c, prefix)


def notice_row(ctx: AppContext, c: dict, prefix: str) -> None:
    """c["notice"] (what happened to the text, or why nothing was drawn) and c["drop"], hidden."""
    with gr.Row(equal_height=True, elem_classes="notice-row"):
        c["notice"] = gr.HTML("", elem_id=f"{prefix}-notice", elem_classes="inside-notice")
        c["drop"] = ctx.labels.make(gr.Button, text="inside.drop", visible=False, size="sm", scale=0, min_width=180,
                                    variant="secondary", elem_id=f"{prefix}-drop")


def notice_html(prompt: Prompt | None, lang: str, block_size: int = 0, extra: str = "") -> str:
    """Says what happened to the prompt: started from token 0, or cropped to block_size."""
    parts = []
    if prompt is not None and prompt.empty:
        parts.append(t("inside.empty", lang))
    if prompt is not None and prompt.cropped:
        parts.append(t("inside.cropped", lang, n=prompt.cropped, block_size=block_size))
    if extra:
        parts.append(extra)
    return note_html(parts)


def prepare(session: Session, key: str | None, prompt: str, step: int | None = None):
    """Model (at a step of its timeline: None, its final weights), tokenizer, info and the resolved
    Prompt; unknown characters raise Refusal("inside.unknown")."""
    model, tokenizer, info = model_for(session, key, step)
    return model, tokenizer, info, resolve_prompt(tokenizer, prompt, model.config.block_size)


def wire_drop(ctx: AppContext, c: dict) -> None:
    """The drop button removes the characters the picked model does not know, then redraws."""

    def drop_unknown_ui(key: str | None, prompt: str, lang: str, request: gr.Request):
        """The prompt without the characters outside the picked model's vocabulary."""
        try:
            _, tokenizer, _ = model_for(ctx.session(request), key)
            return tokenizer.clean(check_prompt(prompt)), gr.update(visible=False)
        except Refusal:
            return gr.skip(), gr.update(visible=False)

    ev = c["drop"].click(drop_unknown_ui, [ctx.picker, c["prompt"], ctx.lang], [c["prompt"], c["drop"]], **QUIET)
    c["dropped"] = ev  # the tab chains its redraw on this
