"""A real Chromium (Debian's package, driven by Playwright) clicks through the Train tab in both
languages, on a desktop and on a phone screen, and saves a screenshot of each state under
tests/e2e/screenshots/ (git-ignored)."""
import time

from conftest import SHOTS
from explorer.training.state import TrainState
from pages import TIMEOUT, shot

# points on the chart as plotly.js holds them (_fullData: arrays sent base64-packed are decoded there)
POINTS = "(gd && gd._fullData || []).reduce((n, tr) => n + (tr.x ? tr.x.length : 0), 0)"


def open_app(browser, url, width, height, locale="en-US"):
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#loss-chart .js-plotly-plot", timeout=TIMEOUT)  # plotly.js has loaded
    page.wait_for_function("() => document.querySelector('#picker input')?.value", timeout=TIMEOUT)
    return context, page


def chart_points(page) -> int:
    """Points drawn on the loss chart, read from plotly's own data on the graph div."""
    return page.evaluate("""() => {
        const gd = document.querySelector('#loss-chart .js-plotly-plot');
        return POINTS(gd);
    }""".replace("POINTS(gd)", POINTS))


def wait_points(page, more_than: int, timeout=TIMEOUT):
    page.wait_for_function(f"""() => {{
        const gd = document.querySelector('#loss-chart .js-plotly-plot');
        return {POINTS} > {more_than};
    }}""", timeout=timeout)


def wait_state(page, state, timeout=TIMEOUT):
    page.wait_for_selector(f"#train-banner .banner[data-state='{state}']", timeout=timeout)


def set_max_iters(page, value):
    page.click("#acc-train .label-wrap")
    box = page.locator("#f-max_iters input")
    box.fill(str(value))
    box.press("Enter")
    page.click("#acc-train .label-wrap")


def test_desktop_train_in_both_languages(browser, app):
    url, demo = app
    context, page = open_app(browser, url, 1280, 800)
    assert page.inner_text("#btn-start") == "Start"
    assert chart_points(page) == 0
    shot(page, "desktop-en-idle")

    page.click("#lang label:has-text('中文')")
    page.wait_for_function("() => document.querySelector('#btn-start').innerText.trim() === '开始'")
    assert "均匀猜测" in page.inner_text("#loss-chart")
    assert "模型" in page.inner_text("#picker")
    shot(page, "desktop-zh-idle")

    set_max_iters(page, 20000)
    page.click("#btn-start")
    wait_state(page, "running")
    wait_points(page, 0)  # the first points (the model is built and evaluated at step 0 first)
    before = chart_points(page)
    wait_points(page, before)  # the chart gains points while training
    assert chart_points(page) > before
    assert "正在训练" in page.inner_text("#train-banner")
    shot(page, "desktop-zh-running")
    # past the second evaluation (step 300), so the run has a val curve to show beside the next one:
    # a machine under load may take a while to get there, and the comparison below needs it
    page.wait_for_function("""() => {
        const v = document.querySelector("#train-stats [data-stat='step'] .v");
        return v && parseInt(v.innerText.replace(/,/g, '')) > 300;
    }""", timeout=TIMEOUT)

    page.click("#btn-stop")
    wait_state(page, "stopped")
    stopped = chart_points(page)
    page.wait_for_timeout(1500)
    assert chart_points(page) == stopped  # nothing moves once stopped
    page.click("#btn-save")
    page.wait_for_selector("#saved a", timeout=TIMEOUT)
    assert ".zip" in page.inner_text("#saved")
    shot(page, "desktop-zh-stopped")

    page.click("#lang label:has-text('English')")
    page.wait_for_function("() => document.querySelector('#btn-start').innerText.trim() === 'Start'")
    page.check("#reference input")
    page.wait_for_function("() => document.querySelector('#loss-chart').innerText.includes('lecture GPT val')")
    shot(page, "desktop-en-stopped")

    # a GPT next to the bigram: the first run stays on the chart, faded
    page.click("#model-type label:has-text('GPT')")
    page.wait_for_selector("#f-n_layer", state="visible")
    assert "gpt-classroom" in page.input_value("#preset input")
    page.fill("#f-n_layer input[type=number]", "1")
    page.press("#f-n_layer input[type=number]", "Enter")
    page.wait_for_function("() => document.querySelector('#config-note').innerText.includes('parameters')")
    page.click("#btn-start")
    wait_state(page, "running")
    page.wait_for_function("""() => {
        const gd = document.querySelector('#loss-chart .js-plotly-plot');
        const names = (gd && gd._fullData || []).map(tr => tr.name + ':' + (tr.x ? tr.x.length : 0));
        const current = names.find(n => n.startsWith('train (smoothed):'));
        return names.some(n => n.startsWith('run 1 · bigram val')) && current && +current.split(':')[1] >= 15;
    }""", timeout=TIMEOUT)
    shot(page, "desktop-en-compare")
    page.click("#btn-stop")
    wait_state(page, "stopped")
    context.close()


def test_a_visitor_beyond_the_slots_is_told_they_are_queued(browser, app):
    from gradio_client import Client
    url, demo = app
    others = [Client(url, verbose=False) for _ in range(2)]  # two visitors take both slots
    try:
        for c in others:
            c.predict(model_type="gpt", n_layer=1, n_embd=32, n_head=4, block_size=32, batch_size=8,
                      max_iters=20000, eval_interval=0, dtype="float32", api_name="/train_start")
        context, page = open_app(browser, url, 1280, 800)
        set_max_iters(page, 20000)  # the bigram preset's 3000 steps take 2 s on a fast CPU: it must not end before Stop
        page.click("#btn-start")
        wait_state(page, "queued")
        page.wait_for_function("() => document.querySelector('#train-banner').innerText.includes('position 1')")
        assert "Busy" in page.inner_text("#train-banner")
        assert page.is_disabled("#btn-start") and page.is_enabled("#btn-stop")
        shot(page, "desktop-en-queued")
        others[0].predict(api_name="/train_stop")  # a slot frees: the page starts training by itself
        wait_state(page, "running")
        wait_points(page, 10)
        page.click("#btn-stop")
        wait_state(page, "stopped")
        context.close()
    finally:  # a failure midway must not leave the two trainings holding both slots
        for c in others:
            c.predict(api_name="/train_reset")


def test_phone_screen_and_closing_the_tab_stops_training(browser, app):
    url, demo = app
    store = demo.explorer_store
    context, page = open_app(browser, url, 390, 844, locale="zh-CN")
    page.wait_for_function("() => document.querySelector('#btn-start').innerText.trim() === '开始'")
    shot(page, "phone-zh-idle")
    page.click("#lang label:has-text('English')")
    page.wait_for_function("() => document.querySelector('#btn-start').innerText.trim() === 'Start'")
    set_max_iters(page, 20000)
    live_before = {h for h, s in store.sessions.items() if s.state(TrainState).live_job()}
    page.click("#btn-start")
    wait_state(page, "running")
    wait_points(page, 50)
    shot(page, "phone-en-running")
    page.locator("#loss-chart").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "phone-en-chart.png"))  # the viewport a phone shows

    mine = {h for h, s in store.sessions.items() if s.state(TrainState).live_job()} - live_before
    assert len(mine) == 1
    job = store.sessions[next(iter(mine))].state(TrainState).job
    page.close()  # closing the tab ends that training and frees its session
    end = time.monotonic() + 120  # within seconds (tests/benchmarks/training_process.py); a loaded machine is slower
    while time.monotonic() < end and job.thread.is_alive():
        time.sleep(0.05)
    assert not job.thread.is_alive() and job.state.value == "stopped"
    assert job.pid is not None and not job.process_alive()  # its training process has exited
    assert not mine & set(store.sessions)
    context.close()
