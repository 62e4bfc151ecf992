"""Chromium (Debian's, via Playwright): a model's timeline in every view. gpt-classroom ships one: the
header's step slider appears, scrubbing to step 0 changes the attention grid and the sampled text, Play
walks the steps, heads over time draws; a small run trained here has one too, and the Train tab shows
how its text improved. In both languages at 1280 and 390 px; screenshots in tests/e2e/screenshots/."""
import pytest

from pages import TIMEOUT, new_page, open_tab, set_number, shot, wait_plot_text, wait_text

TABS = {"en": ("Attention", "Sampling", "Train", "Heads over time: how attention sharpens while the model trains",
               "How the text improved"),
        "zh": ("注意力", "采样", "训练", "注意力头随训练的变化:模型训练时注意力怎样变得集中", "文字是怎样变好的")}
WORDS = {"en": ("step 0", "final weights", "sharpened most", "step 180"),
         "zh": ("第 0 步", "最终权重", "变得最集中", "第 180 步")}
FULL = {(1280, "en"), (390, "zh")}  # these also play the steps and train a run (both languages, both widths)
GRID = "() => JSON.stringify(document.querySelector('#att-grid .js-plotly-plot').data.map(d => d.z))"


def pick_option(page, elem: str, text: str):
    """Pick the first option of a dropdown whose label holds text."""
    page.locator(f"#{elem} input").click()
    page.get_by_role("option").filter(has_text=text).first.click()


@pytest.mark.parametrize("width, height, lang", [(1280, 800, "en"), (390, 844, "zh"), (1280, 800, "zh"),
                                                 (390, 844, "en")])
def test_scrub_play_and_a_run_of_our_own(browser, url, width, height, lang):
    context, page = new_page(browser, url, width, height, lang)
    name = f"timeline-{'desktop' if width > 600 else 'phone'}-{lang}"
    attention, sampling, train, heads, texts = TABS[lang]
    step0, final, sharpest, step180 = WORDS[lang]

    pick_option(page, "picker", "gpt-classroom")
    page.wait_for_selector("#step", state="visible")
    wait_text(page, "step-info", final)
    open_tab(page, attention)
    wait_plot_text(page, "att-grid", "L4 H4")
    at_end = page.evaluate(GRID)
    set_number(page, "step", 0)  # scrub back to the untrained model
    wait_text(page, "step-info", step0)
    page.wait_for_function(f"(before) => ({GRID})() !== before", arg=at_end)
    shot(page, f"{name}-step0-attention")

    open_tab(page, sampling)
    page.locator("#samp-length input[type='number']").fill("60")
    page.click("#samp-run")
    page.wait_for_function("() => document.querySelectorAll('#samp-text .tok').length === 60")
    early = page.locator("#samp-text").inner_text()
    set_number(page, "step", 11)  # the right end: the final weights
    wait_text(page, "step-info", final)
    page.click("#samp-run")
    page.wait_for_function("(early) => document.querySelectorAll('#samp-text .tok').length === 60 && "
                           "document.querySelector('#samp-text').innerText !== early", arg=early)

    if (width, lang) not in FULL:  # the other two check the scrubbing and take their screenshots
        context.close()
        return

    open_tab(page, attention)
    page.locator("#att-heads-box").get_by_text(heads, exact=True).click()
    page.click("#att-heads-run")
    wait_text(page, "att-heads-msg", sharpest)
    wait_plot_text(page, "att-strip", "wei")
    set_number(page, "step", 0)
    wait_text(page, "step-info", step0)
    page.click("#att-play")  # the slider walks the snapshots: 0, 180, ...
    wait_text(page, "step-info", step180)
    page.click("#att-play")  # pause
    shot(page, f"{name}-heads")

    # a small run of our own keeps a timeline too: it appears in the picker with its slider
    open_tab(page, train)
    pick_option(page, "preset", "ladder-1")
    wait_text(page, "config-note", "4,481")  # the rung's own size, not the preset before it's
    page.click("#btn-start")
    page.wait_for_function("() => document.querySelector('#train-banner [data-state]')?.dataset.state === 'done'",
                           timeout=TIMEOUT)
    page.locator("#train-texts-box").get_by_text(texts, exact=True).click()
    page.wait_for_function("() => document.querySelectorAll('#train-texts .step-text').length >= 10")
    pick_option(page, "picker", "run 1")
    wait_text(page, "step-info", final)
    shot(page, f"{name}-train-texts")
    context.close()
