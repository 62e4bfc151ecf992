"""Chromium (Debian's, via Playwright) opens Lecture -> 6 · Attention as communication with the
pretrained models from assets/: both graphs and both heatmaps are drawn, then the head, top-k, the
threshold, the prompt (too long, then unknown characters dropped) and the second text change them,
in English at 1280x800 and in Chinese 390 px wide. Screenshots go to tests/e2e/screenshots/."""
from pathlib import Path

import pytest

from conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "screenshots"
ASSETS = Path(__file__).resolve().parents[2] / "assets"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
TABS = {"en": ("Lecture", "6 · Attention as communication"), "zh": ("课程讲解", "6 · 注意力即通信")}
TITLES = {"en": ("Decoder", "Encoder", "Self-attention", "Cross-attention"),
          "zh": ("解码器", "编码器", "自注意力", "交叉注意力")}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() or not (ASSETS / "gpt-small").is_dir(),
                                reason="needs /usr/bin/chromium and the pretrained checkpoints in assets/")


@pytest.fixture(scope="module")
def url():
    from explorer.limits import Limits
    from explorer.ui import build_ui, launch_options

    demo = build_ui(ASSETS, Limits())
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **launch_options())
    yield f"http://127.0.0.1:{port}/"
    demo.explorer_store.close_all()
    demo.close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    SHOTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def plot_title(page, elem: str) -> str:
    return page.evaluate(f"""() => {{
        const gd = document.querySelector('#{elem} .js-plotly-plot');
        const t = gd && gd.layout && gd.layout.title;
        return t ? (t.text || t) : '';
    }}""")


def wait_title(page, elem: str, text: str, timeout=30_000):
    page.wait_for_function(f"""() => {{
        const gd = document.querySelector('#{elem} .js-plotly-plot');
        const t = gd && gd.layout && gd.layout.title;
        return !!t && (t.text || t).includes({text!r});
    }}""", timeout=timeout)


def open_tab(page, name: str):
    """Click a tab; on a phone the tab row may have folded it into its overflow menu."""
    tab = page.get_by_role("tab", name=name, exact=True)
    if tab.count():
        tab.click()
    else:
        page.click("#lecture-tabs .overflow-menu > button")
        page.locator("#lecture-tabs .overflow-dropdown button", has_text=name).click()


def pick(page, elem: str, option: str):
    page.locator(f"#{elem} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def set_slider(page, elem: str, value):
    box = page.locator(f"#{elem} input[type='number']")
    box.fill(str(value))
    box.press("Enter")


def shot(page, name):
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width, height, lang", [(1280, 800, "en"), (390, 844, "zh")])
def test_graph_section(browser, url, width, height, lang):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => document.querySelector('#picker input')?.value", timeout=60_000)
    name = f"lecture-graph-{'desktop' if width > 600 else 'phone'}-{lang}"
    decoder, encoder, self_title, cross_title = TITLES[lang]
    page.get_by_role("tab", name=TABS[lang][0], exact=True).click()
    open_tab(page, TABS[lang][1])

    # drawn on load: both graphs, both heatmaps, the shapes written out
    wait_title(page, "lec-graph-decoder", decoder, timeout=60_000)
    wait_title(page, "lec-graph-encoder", encoder)
    wait_title(page, "lec-graph-self", self_title)
    wait_title(page, "lec-graph-cross", cross_title)
    wait_title(page, "lec-graph-cross", "(16, 13)")
    assert "(T_q, T_kv)" in page.locator("#lec-graph-kv-notice").inner_text()

    # head 2; on the desktop in English also all edges, a threshold, then layer 2
    pick(page, "lec-graph-head", "H2")
    wait_title(page, "lec-graph-decoder", "L1 H2")
    if lang == "en" and width > 600:
        set_slider(page, "lec-graph-threshold", 0)
        set_slider(page, "lec-graph-top-k", 0)
        wait_title(page, "lec-graph-encoder", "256 of 256")  # every pair, the future included
        set_slider(page, "lec-graph-threshold", 0.2)
        page.wait_for_function("""() => {
            const t = document.querySelector('#lec-graph-encoder .js-plotly-plot').layout.title.text;
            return t.includes(' of 256') && !t.includes('256 of');
        }""")
        set_slider(page, "lec-graph-threshold", 0.02)
        set_slider(page, "lec-graph-top-k", 3)
        pick(page, "lec-graph-layer", "L2")
        wait_title(page, "lec-graph-decoder", "L2 H2")
    shot(page, name)

    if lang == "en" and width > 600:  # a long prompt is cropped with a notice; unknown characters are named
        prompt = page.locator("#lec-graph-prompt textarea, #lec-graph-prompt input").first
        prompt.fill("abcdefghijklmnopqrstu")
        page.click("#lec-graph-run")
        page.wait_for_function("() => document.querySelector('#lec-graph-notice').innerText.includes('first 16')")
        prompt.fill("café ☃ ok")
        page.click("#lec-graph-run")
        page.wait_for_function("() => document.querySelector('#lec-graph-notice').innerText.includes(\"'☃'\")")
        page.click("#lec-graph-drop")
        page.wait_for_function("() => document.querySelector('#lec-graph-prompt input, #lec-graph-prompt textarea')"
                               ".value === 'caf  ok'")
        wait_title(page, "lec-graph-decoder", "of 28 edges")  # T = 7: 7 * 8 / 2 past-and-self pairs
        kv = page.locator("#lec-graph-kv textarea, #lec-graph-kv input").first
        kv.fill("hi")
        kv.press("Enter")
        wait_title(page, "lec-graph-cross", "(7, 2)")
        assert "(T_q, T_kv) = (7, 2)" in page.locator("#lec-graph-kv-notice").inner_text()
        page.click("#lec-graph-code-box > button")  # the code behind the view, read from model/
        page.wait_for_function("() => document.querySelector('#lec-graph-code').innerText.includes('def edges(')")
        shot(page, f"{name}-typed")
    context.close()
