"""Chromium (Debian's, via Playwright) opens the Layers tab with the pretrained models from assets/ and runs
its three views: the logit lens of a prompt (unknown characters named and dropped in one click), every
character's surprise for a passage of the validation split, against the bigram, and the embeddings; then
picks the bigram, which has no layers. In English and Chinese, at 1280x800 and 390 px wide. Screenshots
go to tests/e2e/screenshots/ (git-ignored): look at them."""
import re

import pytest

from pages import TIMEOUT, new_page, open_tab, plot_text, shot, wait_plot_text, wait_text

NAMES = {"en": ("Layers", "Logit lens", "Surprise", "Embeddings"),
         "zh": ("逐层", "Logit 透镜", "逐字符损失", "嵌入")}
PROMPT = "TEACHER:\nRead the stream after every block, then read it once more."  # our own line
SAID = {"en": {"grid": "Top-1", "falls": "mean loss", "compare": "less surprised", "emb": "of the variance",
               "bigram": "The bigram has no layers", "pca": "the bigram's table"},
        "zh": {"grid": "最可能", "falls": "平均损失", "compare": "损失更低", "emb": "占", "bigram": "Bigram 模型没有层",
               "pca": "Bigram 的查找表"}}


def choose(page, elem: str, starts: str):
    """Pick the first option of a dropdown whose label starts with starts (the labels carry a val loss)."""
    page.locator(f"#{elem} input").click()
    page.get_by_role("option", name=re.compile(f"^{re.escape(starts)}")).first.click()


@pytest.mark.parametrize("width, height, lang", [(1280, 800, "en"), (390, 844, "zh"), (1280, 800, "zh"),
                                                 (390, 844, "en")])
def test_layers_tab(browser, url, corpus_path, width, height, lang):
    context, page = new_page(browser, url, width, height, lang)
    name = f"{'desktop' if width > 600 else 'phone'}-{lang}"
    layers, lens, surprise, embeddings = NAMES[lang]
    said = SAID[lang]

    # the logit lens: drawn on load for the default prompt with gpt-small (4 blocks: 5 columns)
    open_tab(page, layers)
    open_tab(page, lens)
    page.wait_for_selector("#lens-grid .js-plotly-plot", timeout=TIMEOUT)
    wait_plot_text(page, "lens-grid", said["grid"])
    wait_text(page, "lens-summary", said["falls"])
    ticks = page.evaluate("() => document.querySelector('#lens-grid .js-plotly-plot').layout.xaxis.ticktext")
    assert len(ticks) == 5, ticks
    page.locator("#lens-prompt textarea").fill(PROMPT)
    page.click("#lens-run")
    page.wait_for_function("(n) => document.querySelector('#lens-grid .js-plotly-plot').data[0].y.length === n",
                           arg=len(PROMPT))
    shot(page, f"layers-{name}-lens")
    if width > 600 and lang == "en":  # unknown characters are named, and one click drops them
        page.locator("#lens-prompt textarea").fill("ROMEO: café ☃")
        page.click("#lens-run")
        page.wait_for_function("() => document.querySelector('#lens-notice').innerText.includes(\"'☃'\")")
        page.click("#lens-drop")
        page.wait_for_function("() => document.querySelector('#lens-prompt textarea').value === 'ROMEO: caf '")
        page.wait_for_function("() => document.querySelector('#lens-grid .js-plotly-plot')?.data[0].y.length === 11")

    # surprise: a passage of the validation split, scored, then against the bigram
    open_tab(page, surprise)
    page.wait_for_function("() => document.querySelectorAll('#surp-text-view .tok').length > 50")
    page.click("#surp-passage")
    page.wait_for_function("() => document.querySelectorAll('#surp-text-view .tok').length > 300")
    choose(page, "surp-compare", "bigram")
    wait_text(page, "surp-notice", said["compare"])
    assert page.locator("#surp-text-view .tok[title]").count() > 300
    shot(page, f"layers-{name}-surprise")

    # embeddings: the token table by PCA, the positions' cosine similarities
    open_tab(page, embeddings)
    page.wait_for_selector("#emb-scatter .js-plotly-plot", timeout=TIMEOUT)
    page.wait_for_selector("#emb-positions .js-plotly-plot", timeout=TIMEOUT)
    wait_text(page, "emb-notice", said["emb"])
    assert "token_embedding_table" in plot_text(page, "emb-scatter")
    shot(page, f"layers-{name}-embeddings")

    # the bigram: no layers to read, its table's rows by PCA, no positions
    choose(page, "picker", "bigram")
    wait_plot_text(page, "emb-scatter", said["pca"])
    open_tab(page, lens)
    wait_text(page, "lens-notice", said["bigram"])
    if width < 600:
        shot(page, f"layers-{name}-bigram")
    context.close()
