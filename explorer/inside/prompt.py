"""What the Attention, Softmax and Sampling tabs share: the prompt box with its notice and its
"drop unknown characters" button, and the picked model with its prompt resolved."""
import gradio as gr

from ..context import AppContext
from ..errors import Refusal
from ..groups import QUIET_INSPECT as QUIET
from ..i18n import t
from ..picker import model_for
from ..session import Session
from ..views import note_html
from .compute import DEFAULT_PROMPT, Prompt, check_prompt, resolve_prompt


def prompt_row(ctx: AppContext, c: dict, prefix: str, value: str = DEFAULT_PROMPT, lines: int = 2) -> None:
    """c["prompt"], c["run"], c["notice"], c["drop"] for a tab whose elem_ids start with prefix."""
    L = ctx.labels
    with gr.Row(equal_height=True):
        c["prompt"] = L.make(gr.Textbox, label="inside.prompt", info="inside.prompt.info", value=value, lines=lines,
                             max_lines=6, scale=4, elem_id=f"{prefix}-prompt", elem_classes="mono")
        c["run"] = L.make(gr.Button, text=f"{prefix}.run", variant="primary", scale=1, min_width=110,
                          elem_id=f"{prefix}-run")
    with gr.Row(equal_height=True, elem_classes="notice-row"):
        c["notice"] = gr.HTML("", elem_id=f"{prefix}-notice", elem_classes="inside-notice")
        c["drop"] = L.make(gr.Button, text="inside.drop", visible=False, size="sm", scale=0, min_width=180,
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


def prepare(session: Session, key: str | None, prompt: str):
    """Model, tokenizer, info and the resolved Prompt; unknown characters raise Refusal("inside.unknown")."""
    model, tokenizer, info = model_for(session, key)
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
