"""What a teacher projects: presenter mode and each tab's link. Presenter mode (?present=1, or the
header's switch) is a class on the page: everything drawn larger (type, controls and figures alike,
as a browser's zoom would), hints hidden. Each tab starts with "Copy link to this view": the link
built from the tab's linkable components (explorer/links.py), copied, shown, and drawn as a QR code."""
import html

import gradio as gr

from .context import AppContext
from .groups import QUIET, STATUS
from .i18n import t
from .links import build_query, qr_html

ZOOM = 1.5  # presenter mode: 1920x1080 is laid out as 1280x720, the app's desktop layout, then enlarged

# a plotly figure under CSS zoom reads the mouse at the wrong place (its hover maps screen pixels to
# its own unzoomed ones), so figures are left unzoomed and drawn larger by plotly itself: every font,
# the height and the margins times ZOOM (every figure sets its own font sizes, so a page-wide font
# size would not reach them). The server's figure is kept, to be drawn again when the mode goes off.
CSS = f"""
.gradio-container.present {{ zoom: {ZOOM}; }}
.gradio-container.present .js-plotly-plot {{ zoom: {1 / ZOOM:.4f}; }}
.present .info-text, .present [id$="-intro"], .present .hint, .present #title p, .present #try
  {{ display: none !important; }}
#present {{ flex: 0 1 12em; align-self: center; }}
.link-row {{ justify-content: flex-end; gap: 8px; }}
.link-row > button {{ flex-grow: 0; }}
.link-qr {{ background: #fff; padding: 6px; border-radius: 8px; width: fit-content; }}
.link-qr svg {{ width: 220px; height: 220px; display: block; }}
"""

_JS_DEFINE = """
  if (!window.gptxPresent) {
    const K = %s, kept = new WeakMap();  // a figure drawn larger -> the server's figure
    const grow = (o) => { for (const key in o) { const v = o[key]; if (v && typeof v === 'object') {
      if (/font$/i.test(key) && typeof v.size === 'number') v.size = Math.round(v.size * K); grow(v); } } };
    const larger = (gd) => {
      if (!window.Plotly || !gd.layout || !gd.data || kept.has(gd.layout)) return;
      const layout = JSON.parse(JSON.stringify(gd.layout)), data = gd.data.map((tr) => ({...tr}));
      grow(layout);
      layout.font = {...(layout.font || {}), size: Math.round(((gd.layout.font || {}).size || 12) * K)};
      if (layout.height) layout.height = Math.round(layout.height * K);
      for (const side of ['l', 'r', 't', 'b']) if (layout.margin && layout.margin[side]) layout.margin[side] *= K;
      data.forEach((tr) => { for (const key in tr) if (/font$/i.test(key) && tr[key] && typeof tr[key].size === 'number')
        tr[key] = {...tr[key], size: Math.round(tr[key].size * K)}; });
      kept.set(layout, {layout: gd.layout, data: gd.data});
      window.Plotly.react(gd, data, layout);
    };
    let timer = null;
    window.gptxPresent = (on) => {
      document.querySelector('.gradio-container')?.classList.toggle('present', on);
      clearInterval(timer);
      if (on) { timer = setInterval(() => document.querySelectorAll('.present .js-plotly-plot').forEach(larger), 400); return; }
      document.querySelectorAll('.js-plotly-plot').forEach((gd) => {
        const was = gd.layout && kept.get(gd.layout);
        if (was && window.Plotly) window.Plotly.react(gd, was.data, was.layout);
      });
    };
  }""" % ZOOM

# the page's own class and its figures: set from the switch (and from the address before the server answers)
JS_PRESENT = "(on) => {" + _JS_DEFINE + "\n  window.gptxPresent(!!on);\n}"
JS_PRESENT_EARLY = """
  const present = new URLSearchParams(window.location.search).get('present');
  if (present && ['1', 'true', 'yes', 'on'].includes(present.toLowerCase()))
    document.querySelector('.gradio-container')?.classList.add('present');"""
JS_BASE = "(...args) => { args[0] = window.location.origin + window.location.pathname; return args; }"
JS_COPY = "(url) => { if (url && navigator.clipboard) navigator.clipboard.writeText(url).catch(() => {}); }"


def js_press(press: dict[str, str]) -> str:
    """After the page's first draw: a link to a tab whose view is drawn on demand presses its button."""
    return f"""() => {{
  const ids = {press!r};
  const id = ids[new URLSearchParams(window.location.search).get('tab')];
  if (id) document.getElementById(id)?.click();
}}"""


def switch(ctx: AppContext) -> gr.Checkbox:
    """The header's presenter-mode switch; its value is part of every link (?present=1)."""
    box = ctx.labels.make(gr.Checkbox, label="present.label", value=False, elem_id="present", container=False,
                          scale=0, min_width=170)
    box.change(None, [box], None, js=JS_PRESENT, api_visibility="private")
    ctx.linkable("present", box)
    return box


def link_row(ctx: AppContext, tab: str) -> dict:
    """The tab's "Copy link to this view" button, and (once pressed) the link and its QR code."""
    L, c = ctx.labels, {}
    with gr.Row(elem_classes="link-row"):
        c["copy"] = L.make(gr.Button, text="link.copy", size="sm", variant="secondary", scale=0, min_width=220,
                           elem_id=f"link-{tab}")
    with gr.Row(visible=False, equal_height=False, elem_classes="link-box") as c["box"]:
        with gr.Column(scale=3, min_width=260):
            c["url"] = L.make(gr.Textbox, label="link.url", info="link.url.info", interactive=False, lines=2,
                              max_lines=4, buttons=["copy"], elem_id=f"link-url-{tab}", elem_classes="mono")
            c["note"] = gr.HTML("", elem_id=f"link-note-{tab}")
        c["qr"] = gr.HTML("", elem_id=f"link-qr-{tab}", min_height=0)
    return c


def wire_link_row(ctx: AppContext, tab: str, c: dict) -> None:
    """Call once the tab's components are built: the link reads the header's and the tab's linkables."""
    comps = list({id(link.comp): link.comp for link in ctx.links.of(tab)}.values())

    def copy_link_ui(request: gr.Request, base: str, *values):
        """The page's address (filled in by the browser), the tab's values -> the link, shown and as a QR code."""
        by_id = {id(comp): v for comp, v in zip(comps, values)}
        lang = by_id.get(id(ctx.lang)) or "en"
        query, notices = build_query(ctx.links, tab, by_id, ctx.session(request), lang)
        url = f"{base or ''}?{query}"
        notes = "".join(f'<div class="inside-note">ℹ️ {html.escape(n)}</div>' for n in notices)
        return gr.Row(visible=True), url, notes, qr_html(url, lang)

    ev = c["copy"].click(copy_link_ui, [c["url"], *comps], [c["box"], c["url"], c["note"], c["qr"]], js=JS_BASE,
                         **QUIET, **STATUS)
    ev.then(None, [c["url"]], None, js=JS_COPY, api_visibility="private")


def notice_html(notices: list[str], lang: str) -> str:
    """What a link asked for that the page could not do, as one block under the header."""
    if not notices:
        return ""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notices)
    return (f'<div class="inside-note inside-warn" style="background:rgba(255,193,7,0.18);padding:6px 10px;'
            f'border-radius:8px">⚠️ {html.escape(t("link.notice", lang))}<ul>{items}</ul></div>')
