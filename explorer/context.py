"""What every tab builder receives: the session store, the shared header controls, and the
registry of translatable text (so a language switch relabels every component)."""
import logging
from dataclasses import dataclass, field
from typing import Callable

import gradio as gr

from .errors import Refusal
from .i18n import DEFAULT_LANG, t
from .limits import Limits
from .links import Links, linked
from .services import Trainer
from .session import Session, SessionStore

log = logging.getLogger("explorer")

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
class LastViews:
    """Each view's last arguments in a session (by view name), so a language switch redraws what the
    visitor last saw, not the defaults."""
    args: dict[str, tuple] = field(default_factory=dict)


@dataclass
class AppContext:
    """Shared by all tabs: build components with ctx.labels.make, find the session with ctx.session."""
    store: SessionStore
    limits: Limits
    labels: Labels
    lang: gr.Radio = None          # the header's language switch; an input of every handler
    picker: gr.Dropdown = None     # the header's model picker; its value is a session model key
    step: gr.Slider = None         # the header's step slider: a position in the picked model's timeline
    # (outputs, fn(session, lang) -> list of values) redrawn when the language changes
    refreshers: list[tuple[list, Callable]] = field(default_factory=list)
    trainer: Trainer | None = None  # the training feature's runs, for other views (services.py)
    links: Links = field(default_factory=Links)  # what a link to a view sets (explorer/links.py)

    def session(self, request: gr.Request | None) -> Session:
        return self.store.get(getattr(request, "session_hash", None))

    def on_language(self, outputs: list, fn: Callable) -> None:
        """fn(session, lang) -> a value per output, called when the language changes (and on load)."""
        self.refreshers.append((outputs, fn))

    @staticmethod
    def remember(session: Session, view: str, args: tuple) -> None:
        """Keep a view's arguments (call it when the view is drawn), for redraw()."""
        session.state(LastViews).args[view] = tuple(args)

    @staticmethod
    def last(session: Session, view: str) -> tuple | None:
        return session.state(LastViews).args.get(view)

    def redraw(self, view: str, outputs: list, render: Callable, default: Callable[[Session], tuple],
               inputs: list | None = None) -> None:
        """On a language switch, render(session, *args, lang) again with the view's last arguments
        (default(session) before it was ever drawn). A view that cannot be drawn keeps what it shows:
        a language switch never fails because of one view. inputs: the components whose values are
        its arguments, in order (a link that sets one of them draws the view with it)."""
        if inputs is not None:
            self.links.views[view] = (list(inputs), default)
        def refresh(session: Session, lang: str) -> list:
            args = self.last(session, view)
            try:
                return render(session, *(default(session) if args is None else args), lang)
            except Refusal:  # nothing to draw yet (no model, no corpus): the view says so when used
                return [gr.skip()] * len(outputs)
            except Exception:  # noqa: BLE001 -- logged once; the other views still switch
                log.exception("redrawing %s in %s failed", view, lang)
                return [gr.skip()] * len(outputs)

        self.on_language(outputs, refresh)

    # links that open a view (explorer/links.py) ----------------------------------------------------
    def linkable(self, key: str, comp, check: Callable | None = None, **options):
        """Name a component of the tab being built in its links: ?key=value sets it (checked by check(text,
        env), by default from the component's range or choices); returns the component. options: see
        links.Link (default, write, store, also)."""
        self.links.add(key, comp, check, **options)
        return comp

    def link_press(self, button) -> None:
        """A link to the tab being built presses this button once its values are in place (a view that
        is drawn on demand: streamed text, draws)."""
        self.links.press[self.links.building] = button.elem_id

    @staticmethod
    def linked(session: Session, view: str, key) -> bool:
        """Whether a link just set this view for this model: the picker's change on load keeps the link's
        values rather than resetting them (once)."""
        return linked(session, view, key)
