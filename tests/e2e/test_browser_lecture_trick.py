"""Chromium (Debian's, via Playwright) opens Lecture -> 4 · Averaging the past and 5 · Why √head_size:
the four wei heatmaps, the allclose checks and the a @ b row are drawn; B, T, C, head_size, the seed,
b, the scale and the row change them; then head_size, B, T and the seed of section 5 change the
variances, the histogram and the softmax rows.
One page load: English at 1280x800, the language switched to Chinese, then 390 px wide.
Screenshots go to tests/e2e/screenshots/ (git-ignored): look at them."""
from pathlib import Path

import pytest

from conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "screenshots"
ASSETS = Path(__file__).resolve().parents[2] / "assets"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
TABS = {"en": ("Lecture", "4 · Averaging the past", "5 · Why √head_size"),
        "zh": ("课程讲解", "4 · 对过去取平均", "5 · 为何除以 √head_size")}
WORDS = {"en": dict(v1="Version 1", v4="Version 4", unscaled="unscaled", row="Row 2 of a", checks="Live checks",
                    raw="unscaled</b><br>max", hs="≈ head_size = 256", hist="Entries of wei"),
         "zh": dict(v1="第 1 种", v4="第 4 种", unscaled="未缩放", row="a 的第 2 行", checks="实时检查",
                    raw="不缩放</b><br>最大", hs="≈ head_size = 256", hist="wei = q @ k.T 的元素")}

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


def wait_plot(page, elem: str, text: str, timeout=30_000):
    """Wait until the figure's title or one of its annotations holds text."""
    page.wait_for_function(f"""() => {{
        const gd = document.querySelector('#{elem} .js-plotly-plot');
        if (!gd || !gd.layout) return false;
        const t = gd.layout.title; const title = t ? (t.text || t) : '';
        return [title, ...(gd.layout.annotations || []).map(a => a.text)].join(' | ').includes({text!r});
    }}""", timeout=timeout)


def wait_text(page, elem: str, text: str, timeout=30_000):
    page.wait_for_function(f"() => (document.querySelector('#{elem}')?.innerText || '').includes({text!r})",
                           timeout=timeout)


def open_tab(page, name: str):
    """Click a tab; on a phone the tab row may have folded it into its overflow menu."""
    tab = page.get_by_role("tab", name=name, exact=True)
    if tab.count():
        tab.click()
    else:
        page.click("#lecture-tabs .overflow-menu > button")
        page.locator("#lecture-tabs .overflow-dropdown button", has_text=name).click()


def set_number(page, elem: str, value):
    box = page.locator(f"#{elem} input[type='number']")
    box.fill(str(value))
    box.press("Enter")


def shot(page, name):
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def trick(page, w: dict, every: bool):
    """Section 4: drawn with the lecture's sizes; then T, C, head_size, B, b, the scale, the seed, the row."""
    wait_plot(page, "lec-trick-v1", w["v1"], timeout=60_000)
    wait_plot(page, "lec-trick-v4", "wei[0]" if every else "wei[1]")
    wait_text(page, "lec-trick-check", "torch.allclose(xbow, xbow2)")
    assert "False" not in page.locator("#lec-trick-check").inner_text()
    assert page.locator("#lec-trick-v2-text code").first.is_visible()
    set_number(page, "lec-trick-T", 5)
    wait_text(page, "lec-trick-check", ", 5, ")  # x.shape (B, T, C)
    if every:
        set_number(page, "lec-trick-C", 2)
        wait_text(page, "lec-trick-check", "(4, 5, 2)")
        set_number(page, "lec-trick-hs", 4)
        wait_text(page, "lec-trick-check", "(4, 5, 4)")  # out.shape
        set_number(page, "lec-trick-B", 2)
        wait_text(page, "lec-trick-check", "(2, 5, 2)")
        set_number(page, "lec-trick-b", 1)
        wait_plot(page, "lec-trick-v4", "wei[1]")
        page.locator("#lec-trick-scale input").uncheck()
        wait_plot(page, "lec-trick-v4", w["unscaled"])
        seed = page.locator("#lec-trick-seed input")
        seed.fill("42")
        seed.press("Enter")
    set_number(page, "lec-trick-row", 2)
    wait_text(page, "lec-trick-block", w["row"])
    assert "✓" in page.locator("#lec-trick-block").inner_text()


def scale(page, w: dict, every: bool):
    """Section 5: head_size 256 makes the unscaled softmax near one-hot; B, T and the seed resample."""
    wait_plot(page, "lec-scale-hist", w["hist"])
    set_number(page, "lec-scale-hs", 256)
    wait_text(page, "lec-scale-stats", w["hs"])
    if every:
        set_number(page, "lec-scale-B", 8)
        set_number(page, "lec-scale-T", 16)
        wait_plot(page, "lec-scale-hist", "2048")  # 8 * 16 * 16 entries
        wait_plot(page, "lec-scale-rows", "wei[0, 15]")
        page.locator("#lec-scale-seed input").fill("7")
        page.locator("#lec-scale-seed input").press("Enter")
    wait_plot(page, "lec-scale-rows", w["raw"])
    unscaled = page.evaluate("() => Math.max(...Array.from("
                             "document.querySelector('#lec-scale-rows .js-plotly-plot')._fullData[1].y))")
    assert unscaled > 0.5


def test_trick_and_scale_sections(browser, url):
    """One page: English at 1280x800 (every control), then switched to Chinese (the views redraw in it),
    then 390 px wide."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => document.querySelector('#picker input')?.value", timeout=60_000)
    page.get_by_role("tab", name=TABS["en"][0], exact=True).click()
    en, zh = WORDS["en"], WORDS["zh"]
    open_tab(page, TABS["en"][1])
    trick(page, en, every=True)
    shot(page, "lecture-trick-desktop-en")
    open_tab(page, TABS["en"][2])
    scale(page, en, every=True)
    shot(page, "lecture-scale-desktop-en")

    # 中文: the session's last views come back in Chinese, then a control or two in Chinese
    page.locator("#lang").get_by_text("中文").click()
    wait_plot(page, "lec-scale-rows", zh["raw"])
    wait_text(page, "lec-scale-stats", zh["hs"])
    assert "缩放后的 wei.var()" in page.locator("#lec-scale-stats").inner_text()
    set_number(page, "lec-scale-hs", 64)
    wait_text(page, "lec-scale-stats", "≈ head_size = 64")
    shot(page, "lecture-scale-desktop-zh")
    open_tab(page, TABS["zh"][1])
    wait_plot(page, "lec-trick-v4", "wei[1]")
    wait_plot(page, "lec-trick-v4", zh["unscaled"])
    wait_text(page, "lec-trick-check", zh["checks"])
    trick(page, zh, every=False)
    shot(page, "lecture-trick-desktop-zh")

    # a phone
    page.set_viewport_size({"width": 390, "height": 844})
    set_number(page, "lec-trick-T", 8)
    wait_text(page, "lec-trick-check", "(2, 8, 2)")
    shot(page, "lecture-trick-phone-zh")
    open_tab(page, TABS["zh"][2])
    scale(page, zh, every=False)
    shot(page, "lecture-scale-phone-zh")
    context.close()
