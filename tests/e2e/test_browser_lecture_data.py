"""Chromium (Debian's, via Playwright) opens Lecture -> "1 · Data and tokenizer" and "2 · Batches"
with tiny-shakespeare, encodes and decodes (good and bad input), then changes B, T, the split and
the seed of a batch, in English and Chinese, at 1280x800 and 390 px wide. Screenshots go to
tests/e2e/screenshots/ (git-ignored): look at them."""
import os
from pathlib import Path

import pytest

from conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "screenshots"
ASSETS = Path(__file__).resolve().parents[2] / "assets"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
TABS = {"en": ("Lecture", "1 · Data and tokenizer", "2 · Batches"), "zh": ("课程讲解", "1 · 数据与分词器", "2 · 批次")}
CORPUS = os.environ.get("GPT_EXPLORER_CORPUS", "")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() or not Path(CORPUS).is_file(),
                                reason="needs /usr/bin/chromium and GPT_EXPLORER_CORPUS (tiny-shakespeare)")


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


def wait_text(page, elem: str, text: str, timeout=20_000):
    page.wait_for_function(f"() => (document.querySelector('#{elem}')?.innerText || '').includes({text!r})",
                           timeout=timeout)


def wait_value(page, selector: str, value: str, timeout=20_000):
    page.wait_for_function(f"() => document.querySelector({selector!r})?.value === {value!r}", timeout=timeout)


def count(page, selector: str) -> int:
    return page.evaluate(f"() => document.querySelectorAll({selector!r}).length")


def shot(page, name):
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def set_number(page, elem: str, value):
    box = page.locator(f"#{elem} input[type='number']")
    box.fill(str(value))
    box.press("Enter")


@pytest.mark.parametrize("width, height, lang", [(1280, 800, "en"), (1280, 800, "zh"), (390, 844, "zh")])
def test_data_and_batches(browser, url, width, height, lang):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => document.querySelector('#picker input')?.value", timeout=60_000)
    name = f"{'desktop' if width > 600 else 'phone'}-{lang}"
    zh = lang == "zh"
    lecture, data_tab, batches_tab = TABS[lang]

    # 1 · data: the numbers, the vocabulary and the split are drawn on load; hii there is encoded
    page.get_by_role("tab", name=lecture, exact=True).click()
    page.get_by_role("tab", name=data_tab, exact=True).click()
    wait_text(page, "lec-data-stats", "1,115,394")
    wait_text(page, "lec-data-stats", "字符数" if zh else "characters")
    assert count(page, "#lec-data-vocab .lecd-cell") == 65
    wait_value(page, "#lec-data-ids textarea", "[46, 47, 47, 1, 58, 46, 43, 56, 43]")
    wait_text(page, "lec-data-split", "1,003,854")
    wait_text(page, "lec-data-split", "分界点" if zh else "The split falls")
    page.locator("#lec-data-text textarea").fill("Hi, all!")
    page.click("#lec-data-encode")
    wait_value(page, "#lec-data-ids textarea", "[20, 47, 6, 1, 39, 50, 50, 2]")
    page.locator("#lec-data-text textarea").fill("")
    page.locator("#lec-data-text textarea").press_sequentially("café ☃")  # follows the typing, no button
    wait_text(page, "lec-data-result", "'☃'")
    assert count(page, "#lec-data-result .lecd-cell.bad") == 2
    page.locator("#lec-data-ids textarea").fill("20, 47, 70")
    page.click("#lec-data-decode")
    wait_text(page, "lec-data-result", "超出词表范围:70" if zh else "Outside the vocabulary: 70")
    page.locator("#lec-data-ids textarea").fill("[20, 47]")
    page.click("#lec-data-decode")
    wait_value(page, "#lec-data-text textarea", "Hi")
    page.locator("#lec-data-code-box .label-wrap").first.click()
    wait_text(page, "lec-data-code", "class CharTokenizer")
    shot(page, f"lecture-{name}-data")

    # 2 · batches: the lecture's batch on load; then B, T, the split and the seed
    page.get_by_role("tab", name=batches_tab, exact=True).click()
    wait_text(page, "lec-batches-summary", "76049")  # ix[0] for seed 1337, as in the lecture
    assert count(page, "#lec-batches-grid .lec-row") == 4
    assert count(page, "#lec-batches-examples .ex") == 32
    set_number(page, "lec-batches-B", 6)
    page.wait_for_function("() => document.querySelectorAll('#lec-batches-grid .lec-row').length === 6")
    set_number(page, "lec-batches-T", 12)
    page.wait_for_function("() => document.querySelectorAll('#lec-batches-examples .ex').length === 72")
    page.locator("#lec-batches-split input[value='val']").check()
    wait_text(page, "lec-batches-summary", "val_data")
    page.click("#lec-batches-next")
    wait_text(page, "lec-batches-summary", "1338")
    wait_value(page, "#lec-batches-seed input", "1338")
    set_number(page, "lec-batches-seed", 5)
    wait_text(page, "lec-batches-summary", "种子 5" if zh else "seed 5")
    wait_text(page, "lec-batches-examples", "当输入是" if zh else "when the input is")
    page.locator("#lec-batches-grid .lecd-cell.x").nth(3).hover()
    shot(page, f"lecture-{name}-batches")
    context.close()
