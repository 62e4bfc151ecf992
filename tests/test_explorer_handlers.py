"""In-process tests of the Train tab's actions and the UI handlers, every refusal included."""
import zipfile
from types import SimpleNamespace

import gradio as gr
import plotly.graph_objects as go
import pytest
import torch

from conftest import TEXT
from helpers import refused, wait_for
from explorer import corpus as shared_corpus
from explorer.limits import Limits
from explorer.training import actions as training
from explorer.training.actions import pool_of
from explorer.training.fields import preset_values
from explorer.training.pool import SlotPool
from explorer.training.state import TrainState
from explorer.models import load_zip
from explorer.session import SessionStore
from explorer.ui import build_ui, launch_options

PASTE = ("paste", None, TEXT)
FAST = dict(max_iters=20_000, eval_interval=0, eval_iters=2, batch_size=8)


def bigram(**changes):
    return {**preset_values("bigram"), **FAST, **changes}


@pytest.fixture
def store(tiny_assets):
    store = SessionStore(tiny_assets, Limits(max_trainings=2))
    pool_of(store).tune_threads = False
    yield store
    store.close_all()


@pytest.fixture
def session(store):
    return store.get("session-a")


def train(session) -> TrainState:
    return session.state(TrainState)


def state(session):
    return training.status(session, "en")["state"]


def test_lifecycle_and_refusals(session):
    assert state(session) == "idle"
    assert refused(training.pause, session) == "refuse.not_running"
    assert refused(training.stop, session) == "refuse.nothing_to_stop"
    assert refused(training.step, session) == "refuse.no_run_to_step"
    training.start(session, "bigram", bigram(), PASTE)
    assert wait_for(lambda: state(session) == "running" and train(session).current.steps > 3)
    assert refused(training.start, session, "bigram", bigram(), PASTE) == "refuse.busy_session"
    assert refused(training.resume, session) == "refuse.not_paused"
    assert refused(training.step, session) == "refuse.step_running"
    training.pause(session)
    assert wait_for(lambda: state(session) == "paused")
    assert refused(training.pause, session) == "refuse.not_running"
    at = train(session).current.steps
    training.step(session)
    assert train(session).current.steps == at + 1
    training.resume(session)
    assert wait_for(lambda: train(session).current.steps > at + 3)
    training.stop(session)
    st = training.status(session, "en")
    assert st["state"] == "stopped" and st["model_key"] == "session:run-1"
    assert "Stopped run 1" in st["message"]


def test_step_creates_a_run_at_step_zero(session):
    training.step(session, new_run=("bigram", bigram(eval_interval=10), PASTE))
    st = training.status(session, "en")
    assert (st["state"], st["step"], st["eval_step"]) == ("paused", 1, 0)


def test_status_in_chinese(session):
    training.start(session, "bigram", bigram(), PASTE)
    assert wait_for(lambda: state(session) == "running")
    assert "正在训练" in training.status(session, "zh-CN")["message"]
    training.stop(session)
    assert "已停止" in training.status(session, "zh-CN")["message"]


def test_reset_clears_the_chart_but_keeps_models(session):
    training.start(session, "bigram", bigram(), PASTE)
    assert wait_for(lambda: train(session).current.steps > 0)
    training.reset(session)
    assert train(session).runs == [] and state(session) == "idle"
    assert "session:run-1" in [key for _, key in session.model_choices("en")]


def test_no_shakespeare_is_a_readable_refusal(session, monkeypatch, tmp_path):
    monkeypatch.setenv("GPT_EXPLORER_CORPUS", str(tmp_path / "missing.txt"))
    monkeypatch.setattr(shared_corpus, "_datasets", {})
    e = refused(training.start, session, "bigram", bigram(), ("shakespeare", None, None))
    assert e == "refuse.no_shakespeare"


def test_corpus_refusals(session, tmp_path, monkeypatch):
    start = lambda corpus, **kw: training.start(session, "bigram", bigram(**kw), corpus)  # noqa: E731
    assert refused(start, ("paste", None, "   ")) == "refuse.corpus_empty"
    assert refused(start, ("paste", None, "abc" * 300), block_size=256) == "refuse.corpus_short"
    assert refused(start, ("upload", None, None)) == "refuse.corpus_no_file"
    binary = tmp_path / "data.txt"
    binary.write_bytes(b"\x00\x01" * 1000)
    assert refused(start, ("upload", str(binary), None)) == "refuse.corpus_text"
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café ".encode("latin-1") * 1000)
    assert refused(start, ("upload", str(latin1), None)) == "refuse.corpus_text"
    monkeypatch.setattr(training, "MAX_UPLOAD_BYTES", 100)
    good = tmp_path / "good.txt"
    good.write_text(TEXT)
    assert refused(start, ("upload", str(good), None)) == "refuse.corpus_too_big"
    assert refused(start, ("web", None, None)) == "refuse.choice"
    assert train(session).runs == []  # nothing was started


def test_uploaded_text_trains(session, tmp_path):
    path = tmp_path / "My notes.txt"
    path.write_text(TEXT, "utf-8")
    training.start(session, "bigram", bigram(), ("upload", str(path), None))
    assert wait_for(lambda: train(session).current.steps > 0)
    assert train(session).current.corpus == "My-notes.txt"
    training.stop(session)


def test_large_vocabulary_is_checked_against_the_caps(session):
    text = "".join(chr(0x4E00 + i) for i in range(4000)) * 3  # 4,000 distinct characters
    assert refused(training.start, session, "bigram", bigram(), ("paste", None, text)) == "refuse.params"


def test_server_full(tiny_assets):
    store = SessionStore(tiny_assets, Limits(max_trainings=1), pool=SlotPool(1, max_waiting=0, tune_threads=False))
    a, b = store.get("a"), store.get("b")
    training.start(a, "bigram", bigram(), PASTE)
    assert wait_for(lambda: state(a) == "running")
    assert refused(training.start, b, "bigram", bigram(), PASTE) == "refuse.server_full"
    store.close_all()


def test_queue_message_names_the_position(tiny_assets):
    store = SessionStore(tiny_assets, Limits(max_trainings=1), pool=SlotPool(1, tune_threads=False))
    a, b = store.get("a"), store.get("b")
    training.start(a, "bigram", bigram(), PASTE)
    assert wait_for(lambda: state(a) == "running")
    training.start(b, "bigram", bigram(), PASTE)
    assert wait_for(lambda: training.status(b, "en")["queue_position"] == 1)
    st = training.status(b, "en")
    assert st["state"] == "queued" and "queued (position 1)" in st["message"]
    assert "第 1 位" in training.status(b, "zh-CN")["message"]
    training.stop(a)
    assert wait_for(lambda: state(b) == "running")
    store.close_all()


def test_save_and_load_back(session):
    training.start(session, "bigram", bigram(max_iters=50, eval_interval=25), PASTE)
    assert wait_for(lambda: state(session) == "done")
    path = training.save(session)
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["gpt-explorer-run-1-step50/config.json",
                                         "gpt-explorer-run-1-step50/model.safetensors",
                                         "gpt-explorer-run-1-step50/timeline.safetensors"]
    model, tokenizer, cfg = load_zip(path)
    run = session.state(TrainState).run()
    assert cfg["snapshots"].steps == run.timeline.steps and run.timeline.steps == [0, 25, 50]
    mine, _, info = session.get_model("session:run-1")
    assert cfg["step"] == 50 and info["step"] == 50
    for (k, a), (_, b) in zip(model.state_dict().items(), mine.state_dict().items()):
        assert torch.equal(a, b), k
    assert refused(training.save, session, "run-9") == "refuse.unknown_run"


def test_models_for_every_tab(session, tiny_assets):
    keys = [key for _, key in session.model_choices("en")]
    assert keys == ["pretrained:gpt-small", "pretrained:bigram"]
    model, tokenizer, info = session.get_model("pretrained:bigram")
    assert info["model_type"] == "bigram" and not model.training
    training.start(session, "bigram", bigram(), PASTE)
    assert wait_for(lambda: train(session).current.steps > 2)
    live, _, info = session.get_model("session:run-1")  # a snapshot while it trains
    assert not live.training and info["step"] >= 2 and train(session).job.process_alive()
    training.stop(session)
    assert refused(session.get_model, "pretrained:nope") == "refuse.unknown_model"
    assert refused(session.get_model, "upload:1-x") == "refuse.unknown_model"


def test_sessions_are_separate_and_closed(store):
    a, b = store.get("a"), store.get("b")
    training.start(a, "bigram", bigram(), PASTE)
    assert wait_for(lambda: state(a) == "running" and train(a).current.steps > 0)
    assert state(b) == "idle" and b.model_choices("en") == b.model_choices("en")
    job = train(a).job
    store.close("a")  # what closing the tab does: it ends the training (Stop's bound: the benchmark)
    assert wait_for(lambda: not job.thread.is_alive())
    assert "a" not in store.sessions and job.run.model is not None and train(a).runs == []


def test_idle_sessions_are_swept(store):
    store.ttl = 0
    store.get("old")
    store._last_sweep = 0
    store.get("new")
    assert "old" not in store.sessions


# the UI handlers, called as Gradio would ------------------------------------------------------

def handler(demo, name):
    return next(f for f in demo.fns.values() if f.name == name)


def form(fn, **values):
    """{component: value} for an event's inputs: each component's default, then values by elem_id."""
    data = {c: c.value for c in fn.inputs}
    for c in fn.inputs:
        key = (c.elem_id or "").removeprefix("f-").replace("-", "_")
        if key in values:
            data[c] = values[key]
    return data


@pytest.fixture(scope="module")
def demo(tiny_assets):
    demo = build_ui(tiny_assets, Limits(max_trainings=2))
    pool_of(demo.explorer_store).tune_threads = False
    yield demo
    demo.explorer_store.close_all()


def test_build_ui_without_launch(demo):
    names = {f.api_name for f in demo.fns.values() if f.api_visibility == "public"}
    assert names >= {"train_start", "train_pause", "train_resume", "train_step", "train_stop", "train_reset",
                     "train_status", "train_history", "save_checkpoint", "upload_checkpoint", "list_models",
                     "select_model", "generate", "presets"}
    opts = launch_options()
    assert opts["max_file_size"] and opts["enable_monitoring"] is False
    assert opts["ssr_mode"] is False and opts["show_error"] is False
    train = [f for f in demo.fns.values() if (f.name or "").startswith("train_") and f.name.endswith("_ui")]
    assert {f.concurrency_id for f in train} == {"train_control", "train_step"}
    lanes = {(f.api_name or f.name): f.concurrency_id for f in demo.fns.values()
             if f.api_name in ("generate", "select_model", "upload_checkpoint") or f.name == "on_try"}
    # the quick views in one lane, what takes a second or more in another: a click never waits for a stream
    assert lanes == {"select_model": "inspect", "generate": "long", "upload_checkpoint": "long", "on_try": "long"}


def test_start_button_and_tick(demo, corpus_path):
    request = SimpleNamespace(session_hash="ui-1")
    start = handler(demo, "train_start_ui")
    out = start.fn(form(start, batch_size=8, max_iters=20_000, eval_interval=50, eval_iters=2), request)
    assert len(out) == len(start.outputs)
    assert "Training run 1" in out[0] or "Starting" in out[0]
    tick = handler(demo, "tick")
    session = demo.explorer_store.get("ui-1")
    assert wait_for(lambda: train(session).current.steps > 60)
    out = tick.fn("en", False, request)
    assert isinstance(out[2], go.Figure) and "step" in out[1]
    out = tick.fn("en", False, request)  # nothing changed since? then nothing is sent
    assert out[4]["active"] is True
    train(session).job.pause()
    assert wait_for(lambda: train(session).job.state.value == "paused")
    tick.fn("en", False, request)
    out = tick.fn("en", False, request)
    assert out[0] == gr.skip() and out[4]["active"] is False  # paused: polling stops
    demo.explorer_store.close("ui-1")


def test_start_button_refusal_is_a_readable_error(demo):
    request = SimpleNamespace(session_hash="ui-2")
    start = handler(demo, "train_start_ui")
    data = form(start, model_type="gpt", n_embd=100, n_head=6)
    with pytest.raises(gr.Error, match="divisible by n_head"):
        start.fn(data, request)
    data[next(c for c in start.inputs if c.elem_id == "lang")] = "zh-CN"
    with pytest.raises(gr.Error, match="整除"):
        start.fn(data, request)


def test_language_switch_relabels_everything(demo):
    fn = handler(demo, "set_language")
    out = fn.fn("zh", SimpleNamespace(session_hash="ui-3"))
    labels = {c.elem_id: o for c, o in zip(fn.outputs, out) if isinstance(o, dict)}
    assert labels["lang"]["value"] == "zh-CN"
    assert labels["btn-start"]["value"] == "开始"
    assert labels["f-learning_rate"]["label"] == "学习率 learning_rate"
    assert "均匀猜测" in str(labels["loss-chart"]["value"].to_json())
    assert "准备就绪" in labels["train-banner"]["value"]
    assert all(o.get("label") != "Model" for o in labels.values())  # nothing left in English


def test_form_preview_explains_refusals(demo):
    fn = handler(demo, "on_form")
    data = form(fn, model_type="gpt", n_embd=100, n_head=6)
    assert fn.fn(data).startswith("⚠️") and "n_head" in fn.fn(data)
    ok = fn.fn(form(fn))
    assert "4,225 parameters" in ok


def test_header_pick_try_and_upload(demo, tmp_path, tiny_assets):
    request = SimpleNamespace(session_hash="ui-4")
    card, row, slider, step_info = handler(demo, "on_pick").fn("pretrained:bigram", "en", request)
    assert "**bigram**" in card and "lookup table" in card
    assert row.visible is False and step_info == ""  # no timeline: no step slider
    assert "查找表" in handler(demo, "on_pick").fn("pretrained:bigram", "zh-CN", request)[0]
    text = handler(demo, "on_try").fn("pretrained:gpt-small", "The ", 1, "en", request)
    assert text.startswith("The ") and len(text) == 4 + 300
    with pytest.raises(gr.Error, match="does not know these characters"):
        handler(demo, "on_try").fn("pretrained:gpt-small", "日本", 1, "en", request)
    archive = tmp_path / "mine.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in (tiny_assets / "bigram").iterdir():
            zf.write(f, f"mine/{f.name}")
    picker, card = handler(demo, "on_upload").fn(str(archive), "en", request)
    assert picker["value"].startswith("upload:") and picker["value"] in [k for _, k in picker["choices"]]
    assert "**mine**" in card
    bad = tmp_path / "bad.zip"
    bad.write_text("nope")
    with pytest.raises(gr.Error, match="Please upload a .zip"):
        handler(demo, "on_upload").fn(str(bad), "en", request)
