"""Chromium (Debian's, via Playwright) opens Lecture -> 6 · Attention as communication with the
pretrained models from assets/: both graphs and both heatmaps are drawn, then the head, top-k, the
threshold, the prompt (too long, then unknown characters dropped) and the second text change them,
in English at 1280x800 and in Chinese 390 px wide. Screenshots go to tests/e2e/screenshots/."""
import pytest

from pages import new_page, open_tab, pick, set_number, shot, wait_plot_text, wait_text

TABS = {"en": ("Lecture", "6 · Attention as communication"), "zh": ("课程讲解", "6 · 注意力即通信")}
TITLES = {"en": ("Decoder", "Encoder", "Self-attention", "Cross-attention"),
          "zh": ("解码器", "编码器", "自注意力", "交叉注意力")}


@pytest.mark.parametrize("width, height, lang", [(1280, 800, "en"), (390, 844, "zh")])
def test_graph_section(browser, url, width, height, lang):
    context, page = new_page(browser, url, width, height, lang)
    name = f"lecture-graph-{'desktop' if width > 600 else 'phone'}-{lang}"
    decoder, encoder, self_title, cross_title = TITLES[lang]
    open_tab(page, TABS[lang][0])
    open_tab(page, TABS[lang][1])

    # drawn on load: both graphs, both heatmaps, the shapes written out
    wait_plot_text(page, "lec-graph-decoder", decoder)
    wait_plot_text(page, "lec-graph-encoder", encoder)
    wait_plot_text(page, "lec-graph-self", self_title)
    wait_plot_text(page, "lec-graph-cross", cross_title)
    wait_plot_text(page, "lec-graph-cross", "(16, 13)")
    assert "(T_q, T_kv)" in page.locator("#lec-graph-kv-notice").inner_text()

    # head 2; on the desktop in English also all edges, a threshold, then layer 2
    pick(page, "lec-graph-head", "H2")
    wait_plot_text(page, "lec-graph-decoder", "L1 H2")
    if lang == "en" and width > 600:
        set_number(page, "lec-graph-threshold", 0)
        set_number(page, "lec-graph-top-k", 0)
        wait_plot_text(page, "lec-graph-encoder", "256 of 256")  # every pair, the future included
        set_number(page, "lec-graph-threshold", 0.2)
        page.wait_for_function("""() => {
            const t = document.querySelector('#lec-graph-encoder .js-plotly-plot').layout.title.text;
            return t.includes(' of 256') && !t.includes('256 of');
        }""")
        set_number(page, "lec-graph-threshold", 0.02)
        set_number(page, "lec-graph-top-k", 3)
        pick(page, "lec-graph-layer", "L2")
        wait_plot_text(page, "lec-graph-decoder", "L2 H2")
    shot(page, name)

    if lang == "en" and width > 600:  # a long prompt is cropped with a notice; unknown characters are named
        prompt = page.locator("#lec-graph-prompt textarea, #lec-graph-prompt input").first
        prompt.fill("abcdefghijklmnopqrstu")
        page.click("#lec-graph-run")
        page.wait_for_function("() => document.querySelector('#lec-graph-notice').innerText.includes('first 16')")
        prompt.fill("café ☃ ok")
        page.click("#lec-graph-run")
        page.wait_for_function("() => document.querySelector('#lec-graph-notice').innerText.includes(\"'☃'\")")
        page.click("#lec-graph-drop")
        page.wait_for_function("() => document.querySelector('#lec-graph-prompt input, #lec-graph-prompt textarea')"
                               ".value === 'caf  ok'")
        wait_plot_text(page, "lec-graph-decoder", "of 28 edges")  # T = 7: 7 * 8 / 2 past-and-self pairs
        kv = page.locator("#lec-graph-kv textarea, #lec-graph-kv input").first
        kv.fill("hi")
        kv.press("Enter")
        wait_plot_text(page, "lec-graph-cross", "(7, 2)")
        assert "(T_q, T_kv) = (7, 2)" in page.locator("#lec-graph-kv-notice").inner_text()
        page.click("#lec-graph-code-box > button")  # the code behind the view, read from model/
        wait_text(page, "lec-graph-code", "def edges(")  # the accordion renders its content when opened
        shot(page, f"{name}-typed")
    context.close()
