"""Chromium (Debian's, via Playwright) opens the Attention, Softmax and Sampling tabs with the
pretrained models from assets/, changes the head, the stage and a temperature, streams text and
steps generation twice, in English and Chinese, at 1280x800 and 390 px wide. Screenshots go to
tests/e2e/screenshots/ (git-ignored): look at them."""
import pytest

from pages import TIMEOUT, new_page, open_tab, pick, plot_text, set_number, shot, wait_plot_text

TABS = {"en": ("Attention", "Softmax", "Sampling"), "zh": ("注意力", "Softmax 与温度", "采样")}


@pytest.mark.parametrize("width, height, lang", [(1280, 800, "en"), (390, 844, "zh"), (1280, 800, "zh"),
                                                 (390, 844, "en")])
def test_inside_tabs(browser, url, width, height, lang):
    context, page = new_page(browser, url, width, height, lang)
    name = f"{'desktop' if width > 600 else 'phone'}-{lang}"
    attention, softmax, sampling = TABS[lang]

    # attention: the grid is drawn on load; pick head 2, then the masked stage
    open_tab(page, attention)
    page.wait_for_selector("#att-grid .js-plotly-plot", timeout=TIMEOUT)
    wait_plot_text(page, "att-grid", "L4 H4")  # gpt-small: 4 layers x 4 heads
    pick(page, "att-head", "H2")
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
    open_tab(page, softmax)
    wait_plot_text(page, "soft-panels", "1.5")
    set_number(page, "soft-t1", 0.2)
    wait_plot_text(page, "soft-panels", "0.2")
    page.click("#soft-draw")  # torch.multinomial, 20 at once with replacement
    page.wait_for_function("() => document.querySelectorAll('#soft-draws .draw').length === 20")
    assert "replacement=True" in page.inner_text("#soft-draws")
    shot(page, f"inside-{name}-softmax")

    # sampling: stream 200 characters, then two steps of the lecture's loop
    open_tab(page, sampling)
    set_number(page, "samp-length", 200)
    page.click("#samp-run")
    page.wait_for_function("() => document.querySelectorAll('#samp-text .tok').length >= 200", timeout=TIMEOUT)
    page.click("#samp-next")
    page.wait_for_function("() => /(Step 1|第 1 步)/.test(document.querySelector('#samp-step-info').innerText)")
    page.click("#samp-next")
    page.wait_for_function("() => /(Step 2|第 2 步)/.test(document.querySelector('#samp-step-info').innerText)")
    page.wait_for_selector("#samp-step-probs .js-plotly-plot")
    shot(page, f"inside-{name}-sampling")
    page.click("#samp-back")
    page.wait_for_function("() => /(Step 1|第 1 步)/.test(document.querySelector('#samp-step-info').innerText)")
    context.close()
