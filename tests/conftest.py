"""Shared fixtures: the corpus, tiny pretrained checkpoints, and a running explorer app."""
import os
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# a small corpus for tests that need no tiny-shakespeare: 60 distinct characters, ~50k of them
TEXT = "".join(f"Line {i}: The quick brown fox jumps over the lazy dog; QUICK, BROWN? {i % 7}!\n"
               for i in range(700))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than a few seconds")
    # gradio's queue calls pandas APIs that pandas 3 deprecates; not ours to fix
    for message in ("'future.no_silent_downcasting' is deprecated", "The copy keyword is deprecated"):
        config.addinivalue_line("filterwarnings", f"ignore:{message}:Warning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def corpus_path() -> str:
    p = os.environ.get("GPT_EXPLORER_CORPUS")
    if not p or not Path(p).is_file():
        pytest.skip("set GPT_EXPLORER_CORPUS to tiny-shakespeare (../shared/data/tinyshakespeare/input.txt)")
    return p


@pytest.fixture(scope="session")
def tiny_assets(tmp_path_factory) -> Path:
    """An assets folder with an untrained bigram and a one-layer GPT, as the app expects them."""
    from model.checkpoint import save_checkpoint
    from model.config import GPTConfig
    from model.gpt import build_model
    from model.tokenizer import CharTokenizer

    folder = tmp_path_factory.mktemp("assets")
    tok = CharTokenizer.from_text(TEXT)
    V = tok.vocab_size
    save_checkpoint(folder / "bigram", build_model(GPTConfig(model_type="bigram", vocab_size=V, block_size=8)),
                    tok, step=0, val_loss=4.1)
    save_checkpoint(folder / "gpt-small", build_model(GPTConfig(vocab_size=V, block_size=16, n_embd=32,
                                                                n_head=4, n_layer=1)), tok, step=0, val_loss=4.09)
    return folder


@pytest.fixture(scope="session")
def timeline_assets(tmp_path_factory) -> Path:
    """An assets folder with a GPT trained 30 steps on TEXT, its timeline kept (steps 0, 10, 20, 30), as
    gpt-timeline, and the same model without it, as gpt-plain."""
    from model.config import GPTConfig, TrainConfig
    from model.data import CharDataset
    from model.timeline import Timeline
    from model.train import Trainer, save_checkpoint_from_trainer

    folder = tmp_path_factory.mktemp("timeline-assets")
    trainer = Trainer.from_configs(GPTConfig(block_size=16, n_embd=32, n_head=4, n_layer=1),
                                   TrainConfig(batch_size=8, learning_rate=3e-3, max_iters=30, eval_interval=10,
                                               eval_iters=2), CharDataset(TEXT))
    timeline = Timeline()
    for log in trainer.run():
        if log.val_loss is not None:
            timeline.add(log.step, log.train_loss, log.val_loss, trainer.model)
    save_checkpoint_from_trainer(folder / "gpt-timeline", trainer, timeline=timeline)
    save_checkpoint_from_trainer(folder / "gpt-plain", trainer)
    return folder


@pytest.fixture(scope="module")
def store(tiny_assets):
    """Sessions on the tiny checkpoints (a module may define its own store or session instead)."""
    from explorer.limits import Limits
    from explorer.session import SessionStore

    store = SessionStore(tiny_assets, Limits())
    yield store
    store.close_all()


@pytest.fixture
def session(store, request):
    """A session of its own for each test."""
    return store.get(request.node.name)


def serve(assets: Path, **limits):
    """The explorer on those checkpoints, launched in this process on a free port: yields (url, demo)."""
    from explorer.limits import Limits
    from explorer.ui import build_ui, launch_options

    demo = build_ui(assets, Limits(**limits))
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                **launch_options())
    yield f"http://127.0.0.1:{port}/", demo
    demo.explorer_store.close_all()
    demo.close()


@pytest.fixture(scope="session")
def app(tiny_assets, corpus_path):
    """The explorer on the tiny checkpoints, with two training slots: (url, demo)."""
    yield from serve(tiny_assets, max_trainings=2)


@pytest.fixture(scope="session")
def app_url(app) -> str:
    return app[0]


# --- the browser tests (tests/e2e/): one Chromium and one app with assets/, shared by all of them ---

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ASSETS = ROOT / "assets"
SHOTS = ROOT / "tests" / "e2e" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (never 'playwright install')."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    SHOTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_call = report.failed  # for _close_pages
    return report


@pytest.fixture(autouse=True)
def _close_pages(request):
    """A browser test that fails midway leaves no page open (its session would keep training and
    take a slot from the tests after it), and leaves a screenshot of each page as it was."""
    yield
    if "browser" not in request.fixturenames:
        return
    for i, context in enumerate(request.getfixturevalue("browser").contexts):
        if getattr(request.node, "failed_call", False):
            for j, page in enumerate(context.pages):
                page.screenshot(path=str(SHOTS / f"failed-{request.node.name}-{i}{j}.png"), full_page=True)
        context.close()


@pytest.fixture(scope="session")
def url():
    """The explorer serving the pretrained bigram, gpt-classroom and gpt-small from assets/."""
    if not all((ASSETS / name / "config.json").is_file() for name in ("bigram", "gpt-small")):
        pytest.skip("needs the pretrained checkpoints in assets/")
    for url, _ in serve(ASSETS):
        yield url


@pytest.fixture(scope="module")
def demo(tiny_assets):
    """The app built (not launched) on the tiny checkpoints, for calling its handlers in-process."""
    from explorer.limits import Limits
    from explorer.ui import build_ui

    demo = build_ui(tiny_assets, Limits())
    yield demo
    demo.explorer_store.close_all()
