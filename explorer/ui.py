"""build_ui(): the shared header, every feature of the registry (its API, then its tab), and the
wiring across them (the language switch)."""
import importlib
import logging
import os
import threading

import gradio as gr

from . import api, corpus, header, present
from .context import AppContext, Labels, LastViews
from .feature import Feature
from .groups import STATUS
from .i18n import normalize_lang, t
from .limits import Limits
from .links import LinkState, open_link
from .models import assets_dir as find_assets
from .registry import FEATURES, every_feature
from .session import SessionStore

log = logging.getLogger(__name__)
WARM_SESSION = "warm-up"   # the session warm() computes in, closed when it is done
QUEUE_SIZE = 128          # waiting events of all kinds; a class of 30 polls at most one tick each
QUEUE_POLL_SECONDS = 0.02  # see _calm_queue
MAX_FILE_SIZE = "10mb"    # uploads: a checkpoint zip or a text file
LANG_KEY = "gpt-explorer-lang"

# the language the page starts in: a link's (?lang=zh-CN), else the visitor's last choice, else the
# browser's language; a link's presenter mode is switched on before the server answers
JS_INITIAL_LANG = f"""(lang) => {{{present.JS_PRESENT_EARLY}
  const linked = (new URLSearchParams(window.location.search).get('lang') || '').toLowerCase();
  if (linked === 'en') return 'en';
  if (linked.startsWith('zh')) return 'zh-CN';
  const saved = window.localStorage.getItem('{LANG_KEY}');
  if (saved === 'en' || saved === 'zh-CN') return saved;
  const nav = ((navigator.languages && navigator.languages[0]) || navigator.language || 'en').toLowerCase();
  return nav.startsWith('zh') ? 'zh-CN' : 'en';
}}"""
JS_REMEMBER_LANG = f"(lang) => {{ window.localStorage.setItem('{LANG_KEY}', lang); return lang; }}"

CSS = """
#header { align-items: center; }
#title h2 { margin: 0 0 2px 0; }
#title p { margin: 0; color: var(--body-text-color-subdued); }
#lang { flex-grow: 0; }
#upload { align-self: flex-start; margin-top: 28px; max-height: 44px; }
@media (max-width: 640px) { #upload { margin-top: 0; } }
#model-card p { margin: 0 0 4px 0; font-size: 14px; }
.mono textarea { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
/* a slider's label keeps a readable width in a narrow column: its number box wraps below it rather
   than squeezing the label to a character a line (Chinese text may break anywhere) */
.head:has(> .tab-like-container) > label { flex: 1 1 8em; min-width: min(8em, 100%); }
.step-texts { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 8px; }
.step-text { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 8px; }
.step-text .k { font-size: 12px; color: var(--body-text-color-subdued); }
.step-text pre { margin: 4px 0 0; white-space: pre-wrap; font-size: 12px; max-height: 12em; overflow: auto; }
.step-note { font-size: 13px; color: var(--body-text-color-subdued); }
#step-info p { margin: 0; }
@media (max-width: 640px) {
  #header { flex-direction: column; align-items: flex-start; }
  #header > * { width: 100%; }
}
"""


def build_ui(assets_dir=None, limits: Limits | None = None) -> gr.Blocks:
    """The whole app, not launched: header, tabs, API. assets_dir defaults to $GPT_EXPLORER_ASSETS
    or ./assets; limits to Limits.from_env()."""
    limits = limits or Limits.from_env()
    corpus.start_download()  # a new server without tiny-shakespeare fetches it in the background
    store = SessionStore(find_assets(assets_dir), limits,
                         states=[LastViews, LinkState] + [f.state for f in every_feature() if f.state])
    ctx = AppContext(store, limits, Labels())
    with gr.Blocks(title="GPT Explorer", delete_cache=(3600, 3600), analytics_enabled=False) as demo:
        header.build(ctx)
        api.register(ctx)  # first, so the API's names are never taken by a tab's private events
        for feature in every_feature():
            if feature.api:
                resolve(feature.api)(ctx)
        with gr.Tabs(elem_id="tabs") as tabs:
            ctx.links.tabsets[""] = tabs  # a link selects its tab (explorer/links.py)
            for feature in FEATURES:
                build_tab(ctx, feature)
        corpus.wire_arrival(ctx)  # views showing "downloading…" fill in when it lands
        _wire_language(ctx, demo)

        def on_unload(request: gr.Request):
            """The tab closed: stop its training and free its models."""
            store.close(request.session_hash)

        demo.unload(on_unload)
    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=4)
    _calm_queue(demo)
    demo.explorer_store = store  # app.py and the tests reach the sessions through this
    demo.explorer_links = ctx.links  # and the tests, what a link can set
    return demo


def warm(demo: gr.Blocks) -> threading.Thread:
    """Compute, in a background thread below the server's priority, what each feature says a class
    asks for first (Feature.warm): the first visitor then waits no longer than the next. A feature
    that cannot (no corpus yet, no assets) is skipped with a log line; its first visitor computes it."""
    store = demo.explorer_store

    def run():
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)  # this thread only (Linux)
        except (AttributeError, OSError):
            pass
        session = store.get(WARM_SESSION)
        try:
            for feature in every_feature():
                if feature.warm:
                    try:
                        feature.warm(session)
                    except Exception as e:  # noqa: BLE001 - a cold view is slower, never wrong
                        log.info("warm-up of %s skipped: %s", feature.id, e)
        finally:
            store.close(WARM_SESSION)

    thread = threading.Thread(target=run, name="warm-up", daemon=True)
    thread.start()
    return thread


def resolve(fn):
    """A feature's builder or API: the function, or "package.module:name" (a feature whose package
    a training process imports names its gradio code this way, so that process never loads gradio)."""
    if isinstance(fn, str):
        module, _, name = fn.partition(":")
        return getattr(importlib.import_module(module), name)
    return fn


def build_tab(ctx: AppContext, feature: Feature, parent: str = "") -> dict:
    """A feature's tab: its own content, then its sections as sub-tabs. A tab without sections starts
    with "Copy link to this view", a link built from the components its feature made linkable."""
    tab_id = f"{parent}-{feature.id}" if parent else feature.id
    ctx.links.tabs[tab_id], ctx.links.building = parent, tab_id
    with ctx.labels.add(gr.Tab(t(feature.title_key, "en"), id=tab_id, elem_id=f"tab-{tab_id}"),
                        label=feature.title_key):
        row = None if feature.sections else present.link_row(ctx, tab_id)
        out = resolve(feature.build)(ctx) if feature.build else {}
        if row is not None:
            present.wire_link_row(ctx, tab_id, row)
        if feature.sections:
            with gr.Tabs(elem_id=f"{tab_id}-tabs") as tabs:
                ctx.links.tabsets[tab_id] = tabs
                for section in feature.sections:
                    out[section.id] = build_tab(ctx, section, parent=tab_id)
    ctx.links.building = parent
    return out


def _calm_queue(demo: gr.Blocks) -> None:
    """Gradio's queue polls every 1 ms when idle (10 ms for progress): about 5% of a core and a
    GIL wake-up a millisecond, which cost training ~10% of its speed. 20 ms still answers clicks
    at once. (Private attributes of gradio 6.31's Queue: if they go away, nothing happens.)"""
    queue = getattr(demo, "_queue", None)
    if queue is not None and hasattr(queue, "sleep_when_free"):
        queue.sleep_when_free = max(queue.sleep_when_free, QUEUE_POLL_SECONDS)
    if queue is not None and hasattr(queue, "progress_update_sleep_when_free"):
        queue.progress_update_sleep_when_free = max(queue.progress_update_sleep_when_free, 0.1)


def _as_update(value):
    return value if isinstance(value, dict) and "__type__" in value else gr.update(value=value)


def _wire_language(ctx: AppContext, demo: gr.Blocks) -> None:
    """One handler relabels everything; it also runs on page load with the browser's language, after
    applying the link in the page's address (?tab=attention&layer=2&lang=zh-CN: explorer/links.py)."""
    links = ctx.links
    linked = [c for e in links.entries for c in [e.comp, *(e.also[0] if e.also else [])]]
    outputs, seen = [], set()
    for comp in [ctx.lang, *ctx.labels.components, *(c for outs, _ in ctx.refreshers for c in outs), *linked,
                 *links.tabsets.values(), links.notice]:
        if comp is not None and id(comp) not in seen:
            seen.add(id(comp))
            outputs.append(comp)

    def draw(session, lang: str, pairs: list) -> list:
        merged = {id(ctx.lang): gr.update(value=lang)}
        pairs = pairs + list(zip(ctx.labels.components, ctx.labels.updates(lang)))
        for outs, fn in ctx.refreshers:
            pairs += list(zip(outs, fn(session, lang)))
        for comp, value in pairs:
            merged[id(comp)] = {**merged.get(id(comp), {}), **_as_update(value)}
        return [merged.get(id(c), gr.skip()) for c in outputs]

    def set_language(lang: str, request: gr.Request):
        """Every label, help text, chart and message in the chosen language ("en" or "zh-CN"). The page's
        first call (its load) applies the link in its address first: its tab, model and values set (what
        it could not open said in a line under the header), then every view drawn with them."""
        lang = normalize_lang(lang)
        session = ctx.session(request)
        pairs = []
        if not session.state(LinkState).opened:
            session.state(LinkState).opened = True
            query = dict(getattr(request, "query_params", None) or {})
            pairs, notices = open_link(links, ctx, session, query, lang)
            if links.notice is not None:
                pairs.append((links.notice, present.notice_html(notices, lang)))
        return draw(session, lang, pairs)

    common = dict(outputs=outputs, show_progress="hidden", api_visibility="private", **STATUS)
    demo.load(set_language, [ctx.lang], js=JS_INITIAL_LANG, **common).then(
        None, js=present.js_press(links.press), api_visibility="private")
    ctx.lang.input(set_language, [ctx.lang], js=JS_REMEMBER_LANG, **common)


def launch_options() -> dict:
    """launch() settings for a public Space: capped uploads, no monitoring page, no SSR, no raw errors."""
    return dict(max_file_size=MAX_FILE_SIZE, enable_monitoring=False, ssr_mode=False, show_error=False,
                css=CSS + present.CSS + "".join(f.css for f in every_feature()), theme=gr.themes.Default())
