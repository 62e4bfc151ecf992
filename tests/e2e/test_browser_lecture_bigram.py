"""Chromium (Debian's, via Playwright) opens Lecture -> 3 · Bigram and loss with the pretrained bigram
from assets/: the table (both bigrams, both views, one row), the chain at a chosen (b, t) with the
mean beside F.cross_entropy, the ln V baseline and samples from both, in English and Chinese, at
1280x800 and 390 px wide. Screenshots go to tests/e2e/screenshots/ (git-ignored): look at them."""
from pathlib import Path

import pytest

from conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "screenshots"
ASSETS = Path(__file__).resolve().parents[2] / "assets"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
TABS = {"en": ("Lecture", "3 · Bigram and loss"), "zh": ("课程讲解", "3 · Bigram 与损失")}
WORDS = {"en": dict(trained="trained", fresh="untrained", softmax="F.softmax", seed="seed", equal="equal"),
         "zh": dict(trained="已训练", fresh="未训练", softmax="F.softmax", seed="种子", equal="相等")}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() or not (ASSETS / "bigram").is_dir(),
                                reason="needs /usr/bin/chromium and the pretrained bigram in assets/")


@pytest.fixture(scope="module")
def url(corpus_path):
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


def wait_title(page, elem: str, text: str, timeout=30_000):
    page.wait_for_function(f"""() => {{
        const gd = document.querySelector('#{elem} .js-plotly-plot');
        const t = gd && gd.layout && gd.layout.title;
        return !!t && (t.text || t).includes({text!r});
    }}""", timeout=timeout)


def wait_text(page, elem: str, text: str, timeout=30_000):
    page.wait_for_function(f"() => (document.querySelector('#{elem}')?.innerText || '').includes({text!r})",
                           timeout=timeout)


def open_tab(page, name: str):
    """Click a sub-tab; on a phone the tab row folds it into its "More tabs" menu (plain buttons)."""
    tab = page.get_by_role("tab", name=name, exact=True)
    if not tab.is_visible():
        page.locator("#lecture-tabs .overflow-menu > button").click()
        tab = page.locator("#lecture-tabs .overflow-dropdown button", has_text=name)
    tab.click()


def type_number(page, elem: str, value):
    box = page.locator(f"#{elem} input[type='number']")
    box.fill(str(value))
    box.press("Enter")


def shot(page, name):
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width, height, lang", [(1280, 800, "en"), (1280, 800, "zh"), (390, 844, "zh")])
def test_bigram_section(browser, url, width, height, lang):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => document.querySelector('#picker input')?.value", timeout=60_000)
    name = f"lecture-bigram-{'desktop' if width > 600 else 'phone'}-{lang}"
    w = WORDS[lang]
    page.get_by_role("tab", name=TABS[lang][0], exact=True).click()
    open_tab(page, TABS[lang][1])

    # drawn on load: the trained table's softmax rows, the chain, the baseline, both samples
    wait_title(page, "lec-bigram-heatmap", w["softmax"], timeout=60_000)
    wait_title(page, "lec-bigram-heatmap", w["trained"])
    wait_text(page, "lec-bigram-row-box", "'u'")          # after 'q' comes 'u'
    wait_text(page, "lec-bigram-mean", w["equal"])
    assert page.locator("#lec-bigram-mean [data-equal='true']").count() == 1
    wait_title(page, "lec-bigram-hist", "1024")
    wait_text(page, "lec-bigram-samples", f"{w['seed']} 1337")

    # the chain at (2, 5), a new batch, then the untrained bigram
    type_number(page, "lec-bigram-b", 2)
    wait_text(page, "lec-bigram-chain", "xb[2, 0]")
    type_number(page, "lec-bigram-t", 5)
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
        wait_title(page, "lec-bigram-heatmap", "token_embedding_table.weight")
        page.locator("#lec-bigram-which input[value='fresh']").click()
        wait_title(page, "lec-bigram-heatmap", w["fresh"])
        page.locator("#lec-bigram-row input").click()
        page.get_by_role("option", name="z", exact=True).click()
        wait_text(page, "lec-bigram-row-box", "'z'")
        before = page.locator("#lec-bigram-batch").inner_text()
        type_number(page, "lec-bigram-batch-seed", 42)
        page.wait_for_function(f"() => document.querySelector('#lec-bigram-batch').innerText !== {before!r}")
        page.locator("#lec-bigram-chain-which input[value='fresh']").click()
        page.wait_for_function("() => document.querySelector('#lec-bigram-mean [data-equal=\"true\"]')")
        base = page.locator("#lec-bigram-base").inner_text()
        type_number(page, "lec-bigram-init-seed", 3)          # a new untrained bigram: every view follows
        page.wait_for_function(f"() => document.querySelector('#lec-bigram-base').innerText !== {base!r}")

    # samples: fewer characters, then the next seed
    type_number(page, "lec-bigram-length", 60)
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
