"""What a feature is: a tab (or a lecture section) with its strings, CSS, API and per-session state,
declared in one place. explorer/registry.py lists them; ui.py and the API read only that list."""
from dataclasses import dataclass
from typing import Callable

from . import i18n


@dataclass(frozen=True)
class Feature:
    """One feature of the app. Declaring it registers its strings (so t() knows them on import)."""
    id: str                          # the tab's id: elem_id "tab-<id>", the handle in browser tests
    title_key: str                   # i18n key of the tab's title
    build: Callable | str | None = None  # build(ctx) -> dict of components, inside its gr.Tab; or "module:name"
    strings: dict | None = None      # {key: (English, 简体中文)}
    css: str = ""                    # added to the app's CSS
    api: Callable | str | None = None    # register(ctx): its gradio_client endpoints (no tab builder)
    state: type | None = None        # its per-session state: session.state(cls), created empty
    sections: tuple = ()             # sub-features shown as sub-tabs after build's content
    warm: Callable | None = None     # warm(session): at start-up, in the background, compute the shared
                                     # answers a class asks for first (a cold one took 4.8 s under load)

    def __post_init__(self):
        i18n.add(self.strings or {})

    def walk(self):
        """This feature and its sections, depth first."""
        yield self
        for section in self.sections:
            yield from section.walk()
