"""Links that open a view. Each feature names its linkable components once, ctx.linkable(key, component):
the query key (short, unique within its tab) and how a query's text is checked (explorer/link_checks.py;
by default from the component itself: a slider's range, a radio's choices). Opening
?tab=attention&model=gpt-small&layer=2&head=3 sets those components and draws the views with them
(open_link); "Copy link" writes them back (build_query). A bad or unknown value is left out with a
notice in the reader's language, never an error. A link's QR code is drawn by segno."""
import html
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlencode

import gradio as gr
import segno

from . import checks
from .errors import Refusal
from .i18n import t
from .limits import MAX_TEXT
from .link_checks import (LinkEnv, as_text, compare_key, inferred, into, language, model_key,  # noqa: F401
                          model_range, model_text, number, prompt, step_index, step_text)  # the features' names

GLOBAL = ""                     # the header's links (model, step, language, presenter mode): in every link
IGNORED = {"view"}              # gradio's own query keys (?view=api); keys starting "__" are the host's
MAX_QUERY_VALUE = MAX_TEXT      # characters of one query value looked at


@dataclass(eq=False)
class Link:
    """One linkable component: its query key, its tab, how query text becomes its value and back."""
    key: str
    comp: object
    tab: str
    check: Callable                 # (text, LinkEnv) -> value; raises Refusal
    default: object = None          # a value the link leaves out (the component's own, by default)
    write: Callable | None = None   # (value, LinkEnv) -> text or None (left out); may raise Refusal
    store: Callable | None = None   # (LinkEnv, value): into a feature state a view draws from
    also: tuple | None = None       # (components, fn(value, lang) -> an update each): what else the value sets
    model: bool = False             # this link names the model: the checks after it read it

    def text(self, value, env: LinkEnv) -> str | None:
        if self.write is not None:
            return self.write(value, env)
        if value is None or as_text(value) == as_text(self.default):
            return None
        return as_text(value)


# the registry --------------------------------------------------------------------------------------
@dataclass
class Links:
    """Every linkable component by tab, the tabs (and the Tabs that hold them), the views drawn from
    components, and the button a link to a tab presses once its values are in place."""
    entries: list[Link] = field(default_factory=list)
    tabs: dict[str, str] = field(default_factory=dict)       # tab id -> its parent's ("" for a top tab)
    tabsets: dict[str, object] = field(default_factory=dict)  # parent id ("" the top) -> gr.Tabs
    views: dict[str, tuple] = field(default_factory=dict)     # view -> (input components, default(session))
    press: dict[str, str] = field(default_factory=dict)       # tab id -> elem_id of a button
    building: str = GLOBAL                                     # the tab whose components are being built
    notice: object = None                                      # where the page says what a link left out

    def add(self, key: str, comp, check: Callable | None = None, **options) -> Link:
        if any(e.key == key and e.tab == self.building for e in self.entries):
            raise ValueError(f"link key {key!r} used twice in tab {self.building!r}")
        options.setdefault("default", getattr(comp, "value", None))
        link = Link(key, comp, self.building, check or inferred(key, comp), **options)
        self.entries.append(link)
        return link

    def of(self, tab: str) -> list[Link]:
        """The links in a link to that tab: the header's, then the tab's own."""
        return [e for e in self.entries if e.tab == GLOBAL] + [e for e in self.entries if e.tab == tab and tab]

    def path(self, tab: str) -> list[str]:
        """The tab and the tabs above it, outermost first."""
        out = []
        while tab:
            out.insert(0, tab)
            tab = self.tabs.get(tab, "")
        return out


# opening a link ------------------------------------------------------------------------------------
@dataclass
class Opened:
    """What a link asks for, checked: a value per component (by id), the tab, and what was left out."""
    tab: str | None = None
    values: dict[int, tuple] = field(default_factory=dict)  # id(component) -> (Link, value)
    notices: list[str] = field(default_factory=list)
    env: LinkEnv | None = None


def parse(links: Links, query: dict, session, lang: str) -> Opened:
    """Check every query value against its link; the rest become notices."""
    out = Opened(env=LinkEnv(session).at(session.default_model()))
    query = {k: str(v)[:MAX_QUERY_VALUE] for k, v in query.items() if k not in IGNORED and not k.startswith("__")}

    def notice(key: str, text: str, reason: str) -> None:
        out.notices.append(t("link.ignored", lang, key=key, value=checks._short(text), reason=reason))

    tab = query.pop("tab", None)
    if tab is not None and tab not in links.tabs:
        notice("tab", tab, t("link.no_tab", lang, tabs=", ".join(links.tabs)))
        tab = None
    out.tab = tab
    for link in links.of(tab or GLOBAL):
        if link.key not in query:
            continue
        text = query.pop(link.key)
        try:
            value = link.check(text, out.env)
        except Refusal as e:
            notice(link.key, text, e.message(lang))
            continue
        out.values[id(link.comp)] = (link, value)
        if link.model:
            out.env = out.env.at(value)
    for key, text in query.items():
        notice(key, text, t("link.no_key", lang, tab=tab or "–"))
    return out


def open_link(links: Links, ctx, session, query: dict, lang: str) -> tuple[list, list[str]]:
    """Apply a link to a new session: its model picked, its values stored for the views that draw from
    them (ctx.remember), so the load draws them, not the defaults. Returns ([(component, update)],
    notices); the updates set each component, select the tabs and set what a value implies."""
    opened = parse(links, query, session, lang)
    pairs = []
    for link, value in opened.values.values():
        if link.store is not None:
            link.store(opened.env, value)
        pairs.append((link.comp, gr.update(value=value)))
        if link.also is not None:
            outs, fn = link.also
            pairs += list(zip(outs, fn(value, lang)))
    values = {k: v for k, (_, v) in opened.values.items()}
    if opened.values:
        for view, (inputs, default) in links.views.items():
            if any(id(c) in values for c in inputs):
                args = tuple(values.get(id(c), d) for c, d in zip(inputs, default(session)))
                ctx.remember(session, view, args)
                session.state(LinkState).pending[view] = session.default_model()
    path = links.path(opened.tab or "")
    for parent, tab in zip([GLOBAL] + path[:-1], path):
        if parent in links.tabsets:
            pairs.append((links.tabsets[parent], gr.update(selected=tab)))
    return pairs, opened.notices


@dataclass
class LinkState:
    """Per session: whether its page was opened (a link is applied once, by the page's load), and the
    views the link set, each with its model: the first event that would reset such a view (the
    picker's change on load) keeps the link's values instead."""
    opened: bool = False
    pending: dict[str, str | None] = field(default_factory=dict)


def linked(session, view: str, key) -> bool:
    """Whether a link just set this view for this model (once: the next call says False)."""
    return session.state(LinkState).pending.pop(view, object()) == key


# writing a link ------------------------------------------------------------------------------------
def build_query(links: Links, tab: str, values: dict[int, object], session, lang: str) -> tuple[str, list[str]]:
    """The query of a link to the tab with these component values (by id); what a link cannot hold
    (a model trained in this session) is left out, with a notice."""
    env, pairs, notices = LinkEnv(session), [("tab", tab)], []
    for link in links.of(tab):
        if id(link.comp) not in values:
            continue
        value = values[id(link.comp)]
        try:
            text = link.text(value, env)
        except Refusal as e:
            notices.append(e.message(lang))
            text = None
        if link.model:
            env = env.at(value if text is not None else None)
        if text is not None:
            pairs.append((link.key, text))
    return urlencode(pairs), notices


def qr_html(url: str, lang: str) -> str:
    """The link as a QR code (an inline SVG that scales with its box), or why it does not fit in one."""
    try:
        qr = segno.make(url, error="m", micro=False)
    except segno.DataOverflowError:
        return f'<div class="inside-note link-long">⚠️ {html.escape(t("link.qr_long", lang, n=len(url)))}</div>'
    svg = qr.svg_inline(scale=1, border=2, omitsize=True, dark="#000", light="#fff", title=url)
    return f'<div class="link-qr" data-version="{qr.version}">{svg}</div>'
