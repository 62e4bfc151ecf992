"""What the browser tests do to a page: open a tab, type a number, pick an option, wait for a
figure or a text, take a screenshot. The fixtures (browser, url) are in tests/conftest.py."""
import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import SHOTS

# how long a wait may last before the test fails: a condition met on a quiet machine in a second may
# take a minute on one running a second suite beside this one
TIMEOUT = 120_000

# a figure's title and annotations, as plotly.js holds them on the graph div (what the reader sees)
_PLOT_TEXT = """(elem) => {
    const gd = document.querySelector('#' + elem + ' .js-plotly-plot');
    if (!gd || !gd.layout) return '';
    const t = gd.layout.title; const title = t ? (t.text || t) : '';
    return [title, ...(gd.layout.annotations || []).map(a => a.text)].join(' | ');
}"""


def new_page(browser, url: str, width: int, height: int, lang: str):
    """A fresh session (its own browser context) at that size and language, once the app is ready."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="zh-CN" if lang == "zh" else "en-US")
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => document.querySelector('#picker input')?.value", timeout=TIMEOUT)
    return context, page


def open_tab(page, name: str):
    """Click a tab by its label. A narrow screen folds the tabs that do not fit into the tab row's
    "More tabs" menu, as a user sees it: open that menu, then pick the tab from it."""
    tab = page.get_by_role("tab", name=name, exact=True)
    if tab.count() and tab.is_visible():
        tab.click()
        return
    item = page.locator(".overflow-dropdown > button", has_text=re.compile(f"^\\s*{re.escape(name)}\\s*$"))
    toggle = page.locator(".overflow-menu", has=item).locator(":scope > button")
    for _ in range(3):  # the button toggles the menu, which may still be open from the last pick
        if item.is_visible():
            break
        toggle.click()
        try:
            item.wait_for(state="visible", timeout=3_000)
        except PlaywrightTimeout:
            pass
    item.click()


def plot_text(page, elem: str) -> str:
    return page.evaluate(_PLOT_TEXT, elem)


def wait_plot_text(page, elem: str, text: str, timeout=TIMEOUT):
    """Wait until the figure in #elem has text in its title or one of its annotations."""
    page.wait_for_function(f"(text) => ({_PLOT_TEXT})({elem!r}).includes(text)", arg=text, timeout=timeout)


def wait_text(page, elem: str, text: str, timeout=TIMEOUT):
    page.wait_for_function("([elem, text]) => (document.querySelector('#' + elem)?.innerText || '').includes(text)",
                           arg=[elem, text], timeout=timeout)


def set_number(page, elem: str, value):
    box = page.locator(f"#{elem} input[type='number']")
    box.fill(str(value))
    box.press("Enter")


def pick(page, elem: str, option: str):
    page.locator(f"#{elem} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def shot(page, name: str):
    page.wait_for_timeout(500)  # let plotly finish its redraw
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
