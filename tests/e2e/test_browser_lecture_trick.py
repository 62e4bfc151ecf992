"""Chromium (Debian's, via Playwright) opens Lecture -> 4 · Averaging the past and 5 · Why √head_size:
the four wei heatmaps, the allclose checks and the a @ b row are drawn; B, T, C, head_size, the seed,
b, the scale and the row change them; then head_size, B, T and the seed of section 5 change the
variances, the histogram and the softmax rows.
One page load: English at 1280x800, the language switched to Chinese, then 390 px wide.
Screenshots go to tests/e2e/screenshots/ (git-ignored): look at them."""
from pages import new_page, open_tab, set_number, shot, wait_plot_text, wait_text

TABS = {"en": ("Lecture", "4 · Averaging the past", "5 · Why √head_size"),
        "zh": ("课程讲解", "4 · 对过去取平均", "5 · 为何除以 √head_size")}
WORDS = {"en": dict(v1="Version 1", v4="Version 4", unscaled="unscaled", row="Row 2 of a", checks="Live checks",
                    raw="unscaled</b><br>max", hs="≈ head_size = 256", hist="Entries of wei"),
         "zh": dict(v1="第 1 种", v4="第 4 种", unscaled="未缩放", row="a 的第 2 行", checks="实时检查",
                    raw="不缩放</b><br>最大", hs="≈ head_size = 256", hist="wei = q @ k.T 的元素")}


def trick(page, w: dict, every: bool):
    """Section 4: drawn with the lecture's sizes; then T, C, head_size, B, b, the scale, the seed, the row."""
    wait_plot_text(page, "lec-trick-v1", w["v1"])
    wait_plot_text(page, "lec-trick-v4", "wei[0]" if every else "wei[1]")
    wait_text(page, "lec-trick-check", "torch.allclose(xbow, xbow2)")
    assert "False" not in page.locator("#lec-trick-check").inner_text()
    assert page.locator("#lec-trick-v2-text code").first.is_visible()
    set_number(page, "lec-trick-T", 5)
    wait_text(page, "lec-trick-check", ", 5, ")  # x.shape (B, T, C)
    if every:
        set_number(page, "lec-trick-C", 2)
        wait_text(page, "lec-trick-check", "(4, 5, 2)")
        set_number(page, "lec-trick-hs", 4)
        wait_text(page, "lec-trick-check", "(4, 5, 4)")  # out.shape
        set_number(page, "lec-trick-B", 2)
        wait_text(page, "lec-trick-check", "(2, 5, 2)")
        set_number(page, "lec-trick-b", 1)
        wait_plot_text(page, "lec-trick-v4", "wei[1]")
        page.locator("#lec-trick-scale input").uncheck()
        wait_plot_text(page, "lec-trick-v4", w["unscaled"])
        seed = page.locator("#lec-trick-seed input")
        seed.fill("42")
        seed.press("Enter")
    set_number(page, "lec-trick-row", 2)
    wait_text(page, "lec-trick-block", w["row"])
    assert "✓" in page.locator("#lec-trick-block").inner_text()


def scale(page, w: dict, every: bool):
    """Section 5: head_size 256 makes the unscaled softmax near one-hot; B, T and the seed resample."""
    wait_plot_text(page, "lec-scale-hist", w["hist"])
    set_number(page, "lec-scale-hs", 256)
    wait_text(page, "lec-scale-stats", w["hs"])
    if every:
        set_number(page, "lec-scale-B", 8)
        set_number(page, "lec-scale-T", 16)
        wait_plot_text(page, "lec-scale-hist", "2048")  # 8 * 16 * 16 entries
        wait_plot_text(page, "lec-scale-rows", "wei[0, 15]")
        page.locator("#lec-scale-seed input").fill("7")
        page.locator("#lec-scale-seed input").press("Enter")
    wait_plot_text(page, "lec-scale-rows", w["raw"])
    unscaled = page.evaluate("() => Math.max(...Array.from("
                             "document.querySelector('#lec-scale-rows .js-plotly-plot')._fullData[1].y))")
    assert unscaled > 0.5


def test_trick_and_scale_sections(browser, url):
    """One page: English at 1280x800 (every control), then switched to Chinese (the views redraw in it),
    then 390 px wide."""
    context, page = new_page(browser, url, 1280, 800, "en")
    open_tab(page, TABS["en"][0])
    en, zh = WORDS["en"], WORDS["zh"]
    open_tab(page, TABS["en"][1])
    trick(page, en, every=True)
    shot(page, "lecture-trick-desktop-en")
    open_tab(page, TABS["en"][2])
    scale(page, en, every=True)
    shot(page, "lecture-scale-desktop-en")

    # 中文: the session's last views come back in Chinese, then a control or two in Chinese
    page.locator("#lang").get_by_text("中文").click()
    wait_plot_text(page, "lec-scale-rows", zh["raw"])
    wait_text(page, "lec-scale-stats", zh["hs"])
    assert "缩放后的 wei.var()" in page.locator("#lec-scale-stats").inner_text()
    set_number(page, "lec-scale-hs", 64)
    wait_text(page, "lec-scale-stats", "≈ head_size = 64")
    shot(page, "lecture-scale-desktop-zh")
    open_tab(page, TABS["zh"][1])
    wait_plot_text(page, "lec-trick-v4", "wei[1]")
    wait_plot_text(page, "lec-trick-v4", zh["unscaled"])
    wait_text(page, "lec-trick-check", zh["checks"])
    trick(page, zh, every=False)
    shot(page, "lecture-trick-desktop-zh")

    # a phone
    page.set_viewport_size({"width": 390, "height": 844})
    set_number(page, "lec-trick-T", 8)
    wait_text(page, "lec-trick-check", "(2, 8, 2)")
    shot(page, "lecture-trick-phone-zh")
    open_tab(page, TABS["zh"][2])
    scale(page, zh, every=False)
    shot(page, "lecture-scale-phone-zh")
    context.close()
