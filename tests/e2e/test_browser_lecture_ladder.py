"""Chromium (Debian's, via Playwright) opens Lecture -> 7 · Building the Transformer with the rungs'
checkpoints from assets/: the staircase and its table are drawn, every rung samples with one seed,
and picking a rung shows the code it turns on; in English at 1280x800 and in Chinese 390 px wide.
Screenshots go to tests/e2e/screenshots/."""
import pytest

from pages import new_page, open_tab, pick, shot, wait_plot_text, wait_text

TABS = {"en": ("Lecture", "7 · Building the Transformer"), "zh": ("课程讲解", "7 · 搭建 Transformer")}
WORDS = {"en": ("Validation loss, rung by rung", "residual connections", "+ ffwd"),
         "zh": ("逐级的验证集损失", "残差连接", "+ 前馈")}


@pytest.mark.parametrize("width, height, lang", [(1280, 800, "en"), (390, 844, "zh")])
def test_ladder_section(browser, url, width, height, lang):
    context, page = new_page(browser, url, width, height, lang)
    name = f"lecture-ladder-{'desktop' if width > 600 else 'phone'}-{lang}"
    title, residual, ffwd = WORDS[lang]
    open_tab(page, TABS[lang][0])
    open_tab(page, TABS[lang][1])

    wait_plot_text(page, "lec-ladder-chart", title)  # drawn on load, with the samples
    wait_text(page, "lec-ladder-table", residual)
    assert page.locator("#lec-ladder-table tr[data-rung]").count() == 9
    page.wait_for_function("() => document.querySelectorAll('#lec-ladder-samples .ladder-sample pre').length === 9")
    before = page.locator("#lec-ladder-samples pre").nth(7).inner_text()

    page.locator("#lec-ladder-seed input[type='number']").fill("7")
    page.click("#lec-ladder-run")
    page.wait_for_function("(before) => document.querySelectorAll('#lec-ladder-samples pre')[7]?.innerText !== before",
                           arg=before)
    pick(page, "lec-ladder-rung", ffwd)
    wait_text(page, "lec-ladder-rung-code", "class FeedForward")
    shot(page, name)
    context.close()
