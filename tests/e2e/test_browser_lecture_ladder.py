"""Chromium (Debian's, via Playwright) opens Lecture -> 7 · Building the Transformer with the rungs'
checkpoints from assets/: the staircase and its table are drawn, every rung samples with one seed; a
rung trained live from the section lands on the staircase with its curve on the chart; picking a rung
shows its code against the rung before's; the dropout gap is drawn. In both languages at 1280 and
390 px. Screenshots go to tests/e2e/screenshots/."""
import pytest

from pages import new_page, open_tab, pick, shot, wait_plot_text, wait_text

TABS = {"en": ("Lecture", "7 · Building the Transformer"), "zh": ("课程讲解", "7 · 搭建 Transformer")}
WORDS = {"en": ("Validation loss, rung by rung", "residual connections", "+ ffwd", "embeddings",
                "it is on the staircase", "yours (run 1", "lines added", "without and with dropout"),
         "zh": ("逐级的验证集损失", "残差连接", "+ 前馈", "嵌入", "已出现在上面的阶梯图上", "你训练的 (run 1",
                "新增", "无 dropout 与有 dropout")}


@pytest.mark.parametrize("width, height, lang", [(1280, 800, "en"), (390, 844, "zh"), (1280, 800, "zh"),
                                                 (390, 844, "en")])
def test_ladder_section(browser, url, width, height, lang):
    context, page = new_page(browser, url, width, height, lang)
    name = f"lecture-ladder-{'desktop' if width > 600 else 'phone'}-{lang}"
    title, residual, ffwd, embeddings, landed, yours, added, dropout = WORDS[lang]
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
    wait_plot_text(page, "lec-ladder-dropout", dropout)
    assert page.locator("#lec-ladder-dropout-table tr[data-dropout]").count() == 2

    # train rung 1 (seconds) from the section: it runs, then lands on the staircase as "yours"
    pick(page, "lec-ladder-train-rung", embeddings)
    page.click("#lec-ladder-train")
    wait_text(page, "lec-ladder-status", landed)
    wait_text(page, "lec-ladder-table", yours)
    curves = page.evaluate("() => document.querySelector('#lec-ladder-curves .js-plotly-plot').data.map(d => d.name)")
    assert any("run 1" in n for n in curves), curves

    # the code rung 4 adds to rung 3: the feed-forward class, green
    pick(page, "lec-ladder-rung", ffwd)
    wait_text(page, "lec-ladder-diff", "class FeedForward")
    wait_text(page, "lec-ladder-diff", added)
    assert page.locator("#lec-ladder-diff .add").count() > 5
    shot(page, name)
    context.close()
