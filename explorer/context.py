"""What every tab builder receives: the session store, the shared header controls, and the
registry of translatable text (so a language switch relabels every component)."""
from dataclasses import dataclass, field
from typing import Callable

import gradio as gr

from .i18n import DEFAULT_LANG, t
from .limits import Limits
from .session import Session, SessionStore

TEXT_PROPS = ("label", "info", "placeholder")  # component properties that hold i18n keys


class Labels:
    """Components built with i18n keys; updates(lang) relabels them all."""

    def __init__(self):
        self.entries: list[tuple[gr.components.Component, dict]] = []

    def make(self, cls, *, text: str | None = None, choices: list | None = None, **kwargs):
        """Build cls with English text and remember its keys. text= is a Button's or Markdown's
        value; choices= is [(key, value), ...]; label=/info=/placeholder= are keys."""
        keys = {p: kwargs[p] for p in TEXT_PROPS if kwargs.get(p)}
        for p, key in keys.items():
            kwargs[p] = t(key, DEFAULT_LANG)
        if text is not None:
            keys["value"] = text
            kwargs["value"] = t(text, DEFAULT_LANG)
        if choices is not None:
            keys["choices"] = choices
            kwargs["choices"] = [(t(k, DEFAULT_LANG), v) for k, v in choices]
        comp = cls(**kwargs)
        self.entries.append((comp, keys))
        return comp

    def add(self, comp, **keys):
        """Register a component built elsewhere (a Tab, an Accordion) by its keys."""
        self.entries.append((comp, keys))
        return comp

    @property
    def components(self) -> list:
        return [c for c, _ in self.entries]

    def updates(self, lang: str) -> list:
        out = []
        for _, keys in self.entries:
            props = {p: t(k, lang) for p, k in keys.items() if p != "choices"}
            if "choices" in keys:
                props["choices"] = [(t(k, lang), v) for k, v in keys["choices"]]
            out.append(gr.update(**props))
        return out


@dataclass
class AppContext:
    """Shared by all tabs: build components with ctx.labels.make, find the session with ctx.session."""
    store: SessionStore
    limits: Limits
    labels: Labels
    lang: gr.Radio = None          # the header's language switch; an input of every handler
    picker: gr.Dropdown = None     # the header's model picker; its value is a session model key
    # (outputs, fn(session, lang) -> list of values) redrawn when the language changes
    refreshers: list[tuple[list, Callable]] = field(default_factory=list)

    def session(self, request: gr.Request | None) -> Session:
        return self.store.get(getattr(request, "session_hash", None))

    def on_language(self, outputs: list, fn: Callable) -> None:
        self.refreshers.append((outputs, fn))
