"""Chromium (Debian's, via Playwright) opens the Attention, Softmax and Sampling tabs with the
pretrained models from assets/, changes the head, the stage and a temperature, streams text and
steps generation twice, in English and Chinese, at 1280x800 and 390 px wide. Screenshots go to
tests/e2e/screenshots/ (git-ignored): look at them."""
from pathlib import Path

import pytest

from conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "screenshots"
ASSETS = Path(__file__).resolve().parents[2] / "assets"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
TABS = {"en": ("Attention", "Softmax", "Sampling"), "zh": ("注意力", "Softmax 与温度", "采样")}

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


def plot_text(page, elem: str) -> str:
    """Every title and annotation plotly drew in a figure (what the reader sees)."""
    return page.evaluate(f"""() => {{
        const gd = document.querySelector('#{elem} .js-plotly-plot');
        if (!gd || !gd.layout) return '';
        const t = gd.layout.title; const title = t ? (t.text || t) : '';
        return [title, ...(gd.layout.annotations || []).map(a => a.text)].join(' | ');
    }}""")


def wait_plot_text(page, elem: str, text: str, timeout=30_000):
    page.wait_for_function(f"""() => {{
        const gd = document.querySelector('#{elem} .js-plotly-plot');
        if (!gd || !gd.layout) return false;
        const t = gd.layout.title; const title = t ? (t.text || t) : '';
        return [title, ...(gd.layout.annotations || []).map(a => a.text)].join(' | ').includes({text!r});
    }}""", timeout=timeout)


def shot(page, name):
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width, height, lang", [(1280, 800, "en"), (390, 844, "zh"), (1280, 800, "zh"),
                                                 (390, 844, "en")])
def test_inside_tabs(browser, url, width, height, lang):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => document.querySelector('#picker input')?.value", timeout=60_000)
    name = f"{'desktop' if width > 600 else 'phone'}-{lang}"
    attention, softmax, sampling = TABS[lang]

    # attention: the grid is drawn on load; pick head 2, then the masked stage
    page.get_by_role("tab", name=attention, exact=True).click()
    page.wait_for_selector("#att-grid .js-plotly-plot", timeout=60_000)
    wait_plot_text(page, "att-grid", "L4 H4")  # gpt-small: 4 layers x 4 heads
    page.locator("#att-head input").click()
    page.get_by_role("option", name="H2", exact=True).click()
    wait_plot_text(page, "att-head-plot", "H2")
    page.locator("#att-stage input[value='masked']").click()
    wait_plot_text(page, "att-head-plot", "wei_masked")
    assert "-inf" in plot_text(page, "att-grid")
    shot(page, f"inside-{name}-attention")
    page.locator("#att-no-scale input").check()
    page.wait_for_function("() => /(Scale off|缩放:关)/.test(document.querySelector('#att-summary').innerText)")
    if width > 600 and lang == "en":  # unknown characters are named, and one click drops them
        page.locator("#att-prompt textarea").fill("ROMEO: café ☃")
        page.click("#att-run")
        page.wait_for_function("() => document.querySelector('#att-notice').innerText.includes(\"'☃'\")")
        page.click("#att-drop")
        page.wait_for_function("() => document.querySelector('#att-prompt textarea').value === 'ROMEO: caf '")
        wait_plot_text(page, "att-grid", "L4 H4")
        page.wait_for_function("() => !document.querySelector('#att-notice').innerText.includes('☃')")

    # softmax: three panels; a new temperature redraws
    page.get_by_role("tab", name=softmax, exact=True).click()
    wait_plot_text(page, "soft-panels", "1.5")
    box = page.locator("#soft-t1 input[type='number']")
    box.fill("0.2")
    box.press("Enter")
    wait_plot_text(page, "soft-panels", "0.2")
    shot(page, f"inside-{name}-softmax")

    # sampling: stream 200 characters, then two steps of the lecture's loop
    page.get_by_role("tab", name=sampling, exact=True).click()
    length = page.locator("#samp-length input[type='number']")
    length.fill("200")
    length.press("Enter")
    page.click("#samp-run")
    page.wait_for_function("() => document.querySelectorAll('#samp-text .tok').length >= 200", timeout=30_000)
    page.click("#samp-next")
    page.wait_for_function("() => /(Step 1|第 1 步)/.test(document.querySelector('#samp-step-info').innerText)")
    page.click("#samp-next")
    page.wait_for_function("() => /(Step 2|第 2 步)/.test(document.querySelector('#samp-step-info').innerText)")
    page.wait_for_selector("#samp-step-probs .js-plotly-plot")
    shot(page, f"inside-{name}-sampling")
    page.click("#samp-back")
    page.wait_for_function("() => /(Step 1|第 1 步)/.test(document.querySelector('#samp-step-info').innerText)")
    context.close()
