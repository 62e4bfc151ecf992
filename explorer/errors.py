"""Refusals carry an i18n key; at the handler boundary they become a gr.Error in the user's language."""
import logging
from contextlib import contextmanager

from model.checkpoint import CheckpointError
from model.data import CorpusError

from .i18n import t

log = logging.getLogger("explorer")


class Refusal(Exception):
    """Something the user asked for that the app will not do; the key names the message."""

    def __init__(self, key: str, /, **params):
        super().__init__(key)
        self.key, self.params = key, params

    def message(self, lang: str) -> str:
        """The message in lang; a callable parameter is asked for its own text in lang."""
        return t(self.key, lang, **{k: v(lang) if callable(v) else v for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.message("en")


def to_gr_error(e: Exception, lang: str):
    """A readable gr.Error for a refusal or a known model-side error; never raw internals otherwise.
    Gradio prints a traceback for every gr.Error unless told not to: a refusal is no fault, and a
    real fault is logged here once, with its traceback, through the "explorer" logger."""
    import gradio as gr  # here, not at the top: the training process imports Refusal, never gradio
    if isinstance(e, Refusal):
        text = e.message(lang)
    elif isinstance(e, CorpusError):
        text = t("error.corpus", lang, detail=str(e))
    elif isinstance(e, CheckpointError):
        text = t("error.checkpoint", lang, detail=str(e))
    else:
        log.exception("unexpected error in a handler")
        text = t("error.internal", lang)
    return gr.Error(text, title=t("error.title", lang), duration=10, print_exception=False)


@contextmanager
def user_errors(lang: str):
    """Turn any exception raised inside into a gr.Error the user can read (gr.Error passes through)."""
    import gradio as gr
    try:
        yield
    except gr.Error as e:
        e.print_exception = False  # raised on purpose somewhere inside: a message, not a fault
        raise
    except Exception as e:  # noqa: BLE001 -- the boundary: nothing raw reaches the browser
        raise to_gr_error(e, lang) from None
