"""`python app.py` answers HTTP, honours Gradio's environment, and starts with no checkpoints at
all. How fast it answers (the target is 10 s) is measured by tests/benchmarks/startup_time.py,
not asserted here: a busy machine must not fail a test."""
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import ROOT, free_port

import app


def first_200(port: int, proc: subprocess.Popen, t0: float, limit: float) -> float:
    """Seconds from t0 (just before the command) to the first HTTP 200."""
    while time.perf_counter() - t0 < limit:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as r:
                if r.status == 200:
                    return time.perf_counter() - t0
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"no HTTP 200 within {limit} s")


def start_once(assets: Path, limit: float = 120) -> float:
    """Start `python app.py` on a free port (via GRADIO_SERVER_PORT) with that assets folder; seconds to
    the first HTTP 200."""
    port = free_port()
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GPT_EXPLORER_ASSETS": str(assets)}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        seconds = first_200(port, proc, t0, limit)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=5) as r:
            assert b"GPT Explorer" in r.read()
        return seconds
    finally:
        proc.terminate()
        proc.wait(10)


def test_serves_via_gradio_env_with_no_checkpoints(tmp_path):
    seconds = start_once(tmp_path / "none")
    print(f"python app.py: first HTTP 200 after {seconds:.2f} s")


def test_command_line_defaults(monkeypatch):
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    monkeypatch.delenv("GRADIO_SERVER_PORT", raising=False)
    args = app.parse_args([])
    assert (args.host, args.port, args.share) == ("127.0.0.1", 7860, False)
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "7861")
    args = app.parse_args([])
    assert (args.host, args.port) == ("0.0.0.0", 7861)
    args = app.parse_args(["--host", "::", "--port", "9000", "--share", "--max-trainings", "3"])
    assert (args.host, args.port, args.share, args.max_trainings) == ("::", 9000, True, 3)


def test_builds_with_no_checkpoints(tmp_path):
    from explorer.ui import build_ui
    demo = build_ui(Path(tmp_path / "empty"))
    session = demo.explorer_store.get("s")
    assert session.model_choices("en") == [] and session.default_model() is None


def test_warm_up_computes_what_a_class_opens_first_so_the_first_visitor_waits_no_longer(corpus_path):
    """app.py calls ui.warm(demo) once the server answers: the ladder's eight rungs are sampled and
    traced (seconds, cold) in both languages before anyone asks, in a session that is closed after."""
    from conftest import ASSETS

    from explorer.lecture.ladder import tab as ladder
    from explorer.limits import Limits
    from explorer.ui import WARM_SESSION, build_ui, warm

    demo = build_ui(ASSETS, Limits())
    try:
        ladder.VIEWS.clear()
        misses = ladder.VIEWS.misses
        thread = warm(demo)
        thread.join(300)
        assert not thread.is_alive()
        assert ladder.VIEWS.misses == misses + 2  # English and Chinese
        assert WARM_SESSION not in demo.explorer_store.sessions
        hits = ladder.VIEWS.hits
        first = demo.explorer_store.get("first-visitor")
        ladder.render(first, *ladder.DEFAULTS, "zh-CN")
        assert ladder.VIEWS.hits == hits + 1
    finally:
        demo.explorer_store.close_all()


def test_a_warm_up_that_fails_is_a_log_line_and_the_others_still_run(monkeypatch, caplog, tiny_assets):
    from explorer import ui
    from explorer.feature import Feature
    from explorer.limits import Limits

    done = []

    def boom(session):
        raise RuntimeError("no corpus yet")

    demo = ui.build_ui(tiny_assets, Limits())
    monkeypatch.setattr(ui, "every_feature", lambda: [Feature("a", "tab.attention", warm=boom),
                                                      Feature("b", "tab.attention", warm=done.append)])
    with caplog.at_level("INFO", logger="explorer.ui"):
        ui.warm(demo).join(60)
    demo.explorer_store.close_all()
    assert len(done) == 1 and "warm-up of a skipped: no corpus yet" in caplog.text
