"""Chromium (Debian's, via Playwright) opens Lecture -> 3 · Bigram and loss with the pretrained bigram
from assets/: the table (both bigrams, both views, one row), the chain at a chosen (b, t) with the
mean beside F.cross_entropy, the ln V baseline and samples from both, in English and Chinese, at
1280x800 and 390 px wide. Screenshots go to tests/e2e/screenshots/ (git-ignored): look at them."""
import pytest

from pages import new_page, open_tab, set_number, shot, wait_plot_text, wait_text

TABS = {"en": ("Lecture", "3 · Bigram and loss"), "zh": ("课程讲解", "3 · Bigram 与损失")}
WORDS = {"en": dict(trained="trained", fresh="untrained", softmax="F.softmax", seed="seed", equal="equal"),
         "zh": dict(trained="已训练", fresh="未训练", softmax="F.softmax", seed="种子", equal="相等")}


@pytest.mark.parametrize("width, height, lang", [(1280, 800, "en"), (1280, 800, "zh"), (390, 844, "zh")])
def test_bigram_section(browser, url, width, height, lang):
    context, page = new_page(browser, url, width, height, lang)
    name = f"lecture-bigram-{'desktop' if width > 600 else 'phone'}-{lang}"
    w = WORDS[lang]
    open_tab(page, TABS[lang][0])
    open_tab(page, TABS[lang][1])

    # drawn on load: the trained table's softmax rows, the chain, the baseline, both samples
    wait_plot_text(page, "lec-bigram-heatmap", w["softmax"])
    wait_plot_text(page, "lec-bigram-heatmap", w["trained"])
    wait_text(page, "lec-bigram-row-box", "'u'")          # after 'q' comes 'u'
    wait_text(page, "lec-bigram-mean", w["equal"])
    assert page.locator("#lec-bigram-mean [data-equal='true']").count() == 1
    wait_plot_text(page, "lec-bigram-hist", "1024")
    wait_text(page, "lec-bigram-samples", f"{w['seed']} 1337")

    # the chain at (2, 5), a new batch, then the untrained bigram
    set_number(page, "lec-bigram-b", 2)
    wait_text(page, "lec-bigram-chain", "xb[2, 0]")
    set_number(page, "lec-bigram-t", 5)
    wait_text(page, "lec-bigram-chain", "xb[2, 5]")
    if lang == "en" and width > 600:  # every other control once, in one run
        x, y = page.evaluate("""() => {
            const gd = document.querySelector('#lec-bigram-heatmap .js-plotly-plot');
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
            return [r.left + xa._offset + xa.l2p(xa._categories.indexOf('u')),
                    r.top + ya._offset + ya.l2p(ya._categories.indexOf('q'))];
        }""")
        page.mouse.move(x, y)
        page.wait_for_function("() => [...document.querySelectorAll('#lec-bigram-heatmap .hovertext')]"
                               ".some(h => h.textContent.includes(\"after 'q' the next char is 'u' with p = 0.9\"))")
        page.locator("#lec-bigram-view input[value='logits']").click()
        wait_plot_text(page, "lec-bigram-heatmap", "token_embedding_table.weight")
        page.locator("#lec-bigram-which input[value='fresh']").click()
        wait_plot_text(page, "lec-bigram-heatmap", w["fresh"])
        page.locator("#lec-bigram-row input").click()
        page.get_by_role("option", name="z", exact=True).click()
        wait_text(page, "lec-bigram-row-box", "'z'")
        before = page.locator("#lec-bigram-batch").inner_text()
        set_number(page, "lec-bigram-batch-seed", 42)
        page.wait_for_function(f"() => document.querySelector('#lec-bigram-batch').innerText !== {before!r}")
        page.locator("#lec-bigram-chain-which input[value='fresh']").click()
        page.wait_for_function("() => document.querySelector('#lec-bigram-mean [data-equal=\"true\"]')")
        base = page.locator("#lec-bigram-base").inner_text()
        set_number(page, "lec-bigram-init-seed", 3)          # a new untrained bigram: every view follows
        page.wait_for_function(f"() => document.querySelector('#lec-bigram-base').innerText !== {base!r}")

    # samples: fewer characters, then the next seed
    set_number(page, "lec-bigram-length", 60)
    page.click("#lec-bigram-again")
    wait_text(page, "lec-bigram-samples", f"{w['seed']} 1338")
    lengths = page.evaluate("() => [...document.querySelectorAll('#lec-bigram-samples pre')]"
                            ".map(p => p.textContent.length)")
    assert lengths == [60, 60]  # the sampled characters, after the newline they start from
    if width > 600:
        page.locator("#lec-bigram-code-box").get_by_text("The code behind" if lang == "en" else "背后的代码").click()
        wait_text(page, "lec-bigram-code", "class BigramLanguageModel")
    shot(page, name)
    context.close()
