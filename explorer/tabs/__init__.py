"""The tab registry: ui.py builds one gr.Tab per entry, in this order. A later tab (Attention,
Softmax, Sampling, the lecture walkthrough) adds a module here with a build(ctx) function and
its strings in explorer/i18n.py."""
from dataclasses import dataclass
from typing import Callable

from . import attention, lecture, sampling, softmax, train


@dataclass(frozen=True)
class TabSpec:
    id: str                      # elem_id of the tab, and its handle in browser tests
    title_key: str               # i18n key of the tab's title
    build: Callable              # build(ctx: AppContext) -> dict[str, Component]


TABS: tuple[TabSpec, ...] = (
    TabSpec("train", "tab.train", train.build),
    TabSpec("lecture", "tab.lecture", lecture.build),
    TabSpec("attention", "tab.attention", attention.build),
    TabSpec("softmax", "tab.softmax", softmax.build),
    TabSpec("sampling", "tab.sampling", sampling.build),
)
