"""Chromium (Debian's, via Playwright) opens Lecture -> "1 · Data and tokenizer" and "2 · Batches"
with tiny-shakespeare, encodes and decodes (good and bad input), then changes B, T, the split and
the seed of a batch, in English and Chinese, at 1280x800 and 390 px wide. Screenshots go to
tests/e2e/screenshots/ (git-ignored): look at them."""
import pytest

from pages import TIMEOUT, new_page, open_tab, set_number, shot, wait_text

TABS = {"en": ("Lecture", "1 · Data and tokenizer", "2 · Batches"), "zh": ("课程讲解", "1 · 数据与分词器", "2 · 批次")}


def wait_value(page, selector: str, value: str, timeout=TIMEOUT):
    page.wait_for_function(f"() => document.querySelector({selector!r})?.value === {value!r}", timeout=timeout)


def count(page, selector: str) -> int:
    return page.evaluate(f"() => document.querySelectorAll({selector!r}).length")


@pytest.mark.parametrize("width, height, lang", [(1280, 800, "en"), (1280, 800, "zh"), (390, 844, "zh")])
def test_data_and_batches(browser, url, corpus_path, width, height, lang):
    context, page = new_page(browser, url, width, height, lang)
    name = f"{'desktop' if width > 600 else 'phone'}-{lang}"
    zh = lang == "zh"
    lecture, data_tab, batches_tab = TABS[lang]

    # 1 · data: the numbers, the vocabulary and the split are drawn on load; hii there is encoded
    open_tab(page, lecture)
    open_tab(page, data_tab)
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
    open_tab(page, batches_tab)
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
