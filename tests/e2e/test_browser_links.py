"""Chromium opens links to views: each top tab (and a few sections) from a link with a non-default
state shows those values in its controls and draws its view with them; a bad value is named in a
line under the header; "Copy link" copies a link that reopens the same view, with its QR code; and
?present=1 at 1920x1080 is legible from the back of a room (screenshots under the test's tmp dir,
and in /tmp/helpers/shots/ where that folder exists: look at them)."""
import os
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest

from conftest import ASSETS
from pages import TIMEOUT, new_page, pick, plot_text, wait_plot_text, wait_text

LOOK_HERE = Path("/tmp/helpers")


def classroom_step() -> int:
    """A step in the middle of gpt-classroom's timeline (the header's slider stands there)."""
    from explorer.models import load_pretrained
    steps = load_pretrained(ASSETS / "gpt-classroom")[2]["snapshots"].steps
    return steps[len(steps) // 2]


def value(page, selector: str) -> str:
    return page.locator(selector).first.input_value()


def wait_value(page, selector: str, expected: str):
    page.wait_for_function("([s, v]) => document.querySelector(s)?.value === v", arg=[selector, expected],
                           timeout=TIMEOUT)


def opened(browser, url: str, query: dict, width=1280, height=800, lang="en"):
    context, page = new_page(browser, f"{url}?{urlencode(query)}", width, height, lang)
    return context, page


def test_a_link_opens_each_tab_as_it_says(browser, url):
    step = classroom_step()
    cases = [
        ({"tab": "attention", "model": "gpt-classroom", "step": step, "prompt": "ROMEO:", "stage": "masked",
          "layer": 2, "head": 3, "query": 4}, _attention),
        ({"tab": "softmax", "model": "gpt-small", "t1": 0.2, "t2": 2, "topk": 5, "n": 7, "seed": 3, "layer": "x"},
         _softmax),
        ({"tab": "sampling", "model": "gpt-small", "prompt": "JULIET:", "seed": 7, "length": 40, "temp": 0.5},
         _sampling),
        ({"tab": "train", "preset": "gpt-lecture"}, _train),
        ({"tab": "lecture-data", "text": "hello"}, _data),
        ({"tab": "lecture-bigram", "which": "fresh", "table": "logits", "b": 2}, _bigram),
        ({"tab": "lecture-graph", "model": "gpt-small", "prompt": "To be", "layer": 3, "head": 2}, _graph),
        ({"tab": "layers-lens", "model": "gpt-small", "prompt": "KING:"}, _lens),
        ({"tab": "layers-surprise", "model": "gpt-small", "text": "To be, or not to be", "compare": "bigram"},
         _surprise),
    ]
    for query, check in cases:
        context, page = opened(browser, url, query)
        check(page, query)
        context.close()


def _attention(page, q):
    wait_plot_text(page, "att-head-plot", "Layer 2, H3: masked")
    assert value(page, "#att-prompt textarea") == "ROMEO:" and value(page, "#att-head input") == "H3"
    assert value(page, "#att-query input[type='number']") == "4"
    wait_text(page, "step-info", f"step {q['step']:,}")  # the header's slider at the link's step
    assert "-inf" in plot_text(page, "att-grid")


def _softmax(page, q):
    wait_plot_text(page, "soft-panels", "0.2")
    assert value(page, "#soft-t2 input[type='number']") == "2" and value(page, "#soft-top-k input[type='number']") == "5"
    page.wait_for_function("() => document.querySelectorAll('#soft-draws .draw').length === 7")  # pressed by the link
    wait_text(page, "link-notice", "layer=x: the tab softmax has no such setting")  # and the page still opened


def _sampling(page, q):
    page.wait_for_function("() => document.querySelectorAll('#samp-text .tok').length >= 40", timeout=TIMEOUT)
    assert value(page, "#samp-prompt textarea") == "JULIET:" and value(page, "#samp-seed input") == "7"
    assert value(page, "#samp-temperature input[type='number']") == "0.5"


def _train(page, q):
    wait_value(page, "#f-n_layer input[type='number']", "6")  # the preset filled the form
    assert page.locator("#model-type input[value='gpt']").is_checked()


def _data(page, q):
    chars = sorted(set(Path(os.environ["GPT_EXPLORER_CORPUS"]).read_text()))
    wait_value(page, "#lec-data-ids textarea", str([chars.index(c) for c in "hello"]))
    assert page.locator("#tab-lecture-data").is_visible()


def _bigram(page, q):
    wait_plot_text(page, "lec-bigram-heatmap", "untrained")
    assert page.locator("#lec-bigram-view input[value='logits']").is_checked()
    assert value(page, "#lec-bigram-b input[type='number']") == "2"


def _graph(page, q):
    wait_plot_text(page, "lec-graph-decoder", "L3 H2")
    assert value(page, "#lec-graph-prompt input, #lec-graph-prompt textarea") == "To be"


def _lens(page, q):
    page.wait_for_selector("#lens-grid .js-plotly-plot", timeout=TIMEOUT)
    assert value(page, "#lens-prompt textarea") == "KING:"
    page.wait_for_function("() => document.querySelector('#lens-grid .js-plotly-plot')?.data?.[0]?.y?.length === 5")


def _surprise(page, q):
    wait_text(page, "surp-notice", "bigram")  # the second model's loss is named beside the first's
    assert value(page, "#surp-text textarea") == "To be, or not to be"
    assert page.locator("#surp-text-view .tok").count() == len(q["text"])


def test_copy_link_reopens_the_view_with_its_qr_code_and_presenter_mode(browser, url, tmp_path):
    query = {"tab": "attention", "model": "gpt-small", "prompt": "ROMEO: O, she doth teach the torches", "lang": "zh-CN",
             "present": 1, "stage": "masked"}
    context, page = opened(browser, url, query, 1920, 1080)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    wait_plot_text(page, "att-head-plot", "第 1 层,H1")
    page.wait_for_function("() => document.querySelector('.gradio-container').classList.contains('present')")
    assert not page.locator("#att-intro").is_visible() and not page.locator(".info-text").first.is_visible()
    page.wait_for_function("() => (document.querySelector('#att-grid .js-plotly-plot')?.layout?.font?.size || 0) >= 18")
    pick(page, "att-head", "H2")
    wait_plot_text(page, "att-head-plot", "H2")
    page.click("#link-attention")
    page.wait_for_selector("#link-qr-attention svg", timeout=TIMEOUT)
    link = value(page, "#link-url-attention textarea")
    assert link.startswith(url) and "head=2" in link and "present=1" in link and "lang=zh-CN" in link
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    page.evaluate("() => window.scrollTo(0, 0)")
    for name in ("links-present-1920-header", "links-present-1920-grid"):
        path = tmp_path / f"{name}.png"
        page.wait_for_timeout(600)  # plotly redraws the figures larger
        page.screenshot(path=str(path))
        if LOOK_HERE.is_dir():
            (LOOK_HERE / "shots").mkdir(exist_ok=True)
            shutil.copy(path, LOOK_HERE / "shots" / path.name)
        page.locator("#att-grid").scroll_into_view_if_needed()
    context.close()

    context, page = new_page(browser, link, 1920, 1080, "en")  # the copied link, in a new session
    wait_plot_text(page, "att-head-plot", "第 1 层,H2:掩码后")
    assert value(page, "#att-prompt textarea") == query["prompt"]
    page.wait_for_function("() => document.querySelector('.gradio-container').classList.contains('present')")
    page.locator("#present input").uncheck()  # the switch turns it off, figures back to their own size
    page.wait_for_function("() => !document.querySelector('.gradio-container').classList.contains('present')")
    page.wait_for_function("() => (document.querySelector('#att-grid .js-plotly-plot')?.layout?.font?.size || 12) < 18")
    context.close()


@pytest.mark.parametrize("query", [{"tab": "nope", "model": "run:1", "lang": "fr", "present": "maybe"}])
def test_a_bad_link_still_opens_the_app(browser, url, query):
    context, page = opened(browser, url, query)
    for text in ("tab=nope", "run:1 exists only in this browser session", "lang=fr", "present=maybe"):
        wait_text(page, "link-notice", text)
    page.wait_for_selector("#loss-chart .js-plotly-plot", timeout=TIMEOUT)  # the first tab, drawn as usual
    context.close()
