"""The model at a step of its training: a checkpoint's timeline reaches every view through
Session.model_at (a model built once, the snapshot copied in), the header's slider positions map to
steps, "how the text improved" writes from each snapshot, and the API takes a step."""
import pytest
import torch

from conftest import serve
from helpers import refused
from explorer.limits import Limits
from explorer.session import SessionStore
from explorer.steps import api_step, step_of, texts_over_time, timeline_info


@pytest.fixture(scope="module")
def assets(timeline_assets):
    """conftest's GPT with a timeline (steps 0, 10, 20, 30), and the same without one."""
    return timeline_assets


@pytest.fixture
def session(assets):
    store = SessionStore(assets, Limits())
    yield store.get("steps")
    store.close_all()


KEY = "pretrained:gpt-timeline"


def test_model_at_a_step_is_that_snapshot_in_a_model_built_once(session):
    timeline = session.timeline(KEY)
    assert timeline.steps == [0, 10, 20, 30] and session.timeline("pretrained:gpt-plain") is None
    final, _, info = session.model_at(KEY, None)
    assert "step_shown" not in info
    early, _, info0 = session.model_at(KEY, 0)
    assert info0["step_shown"] == 0 and info0["val_loss"] == timeline.at(0).val_loss and early is not final
    assert torch.equal(early.lm_head.weight, timeline.at(0).state["lm_head.weight"].float())
    stamp0 = early._version
    mid, _, _ = session.model_at(KEY, 20)
    again, _, _ = session.model_at(KEY, 0)
    assert again is early and again._version == stamp0  # two slots: both steps stay loaded
    later, _, _ = session.model_at(KEY, 30)
    assert later is mid and later._version != stamp0  # the slot used least recently takes the new step
    assert not torch.equal(early.lm_head.weight, later.lm_head.weight)
    idx = torch.zeros((1, 4), dtype=torch.long)
    assert not torch.allclose(early(idx)[0], later(idx)[0])


def test_refusals_name_the_model_and_its_steps(session):
    assert refused(session.model_at, "pretrained:gpt-plain", 0) == "refuse.no_timeline"
    assert refused(session.model_at, KEY, 5) == "refuse.no_step"
    assert api_step(None) is None and api_step(-1) is None and api_step(20) == 20
    for bad in (-2, 1.5, float("nan"), True, "10"):
        refused(api_step, bad)


def test_slider_positions_map_to_steps_and_the_last_to_the_final_weights(session):
    assert [step_of(session, KEY, i) for i in range(5)] == [0, 10, 20, 30, None]
    assert step_of(session, KEY, None) is None and step_of(session, "pretrained:gpt-plain", 0) is None
    assert step_of(session, KEY, 99) is None and step_of(session, KEY, "x") is None
    info = timeline_info(session, KEY)
    assert [s["step"] for s in info["steps"]] == [0, 10, 20, 30] and info["thinned"] == 0
    assert timeline_info(session, "pretrained:gpt-plain")["steps"] == []


def test_how_the_text_improved_writes_from_each_snapshot_then_the_final_weights(session):
    out = texts_over_time(session, KEY, "ab", 3, 40)
    assert [o["step"] for o in out] == [0, 10, 20, 30, 30] and out[-1]["final"] and not out[0]["final"]
    assert all(len(o["text"]) == 40 for o in out) and out[0]["text"] != out[3]["text"]
    assert out == texts_over_time(session, KEY, "ab", 3, 40)  # same prompt and seed: same texts
    assert refused(texts_over_time, session, "pretrained:gpt-plain", "", 1, 10) == "refuse.no_timeline"
    assert refused(texts_over_time, session, KEY, "", 1, 10_000) == "refuse.range"


def test_api_timeline_and_a_step_on_generate(assets):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    for url, _ in serve(assets):
        c = Client(url, verbose=False)
        steps = c.predict(KEY, api_name="/timeline")["steps"]
        assert [s["step"] for s in steps] == [0, 10, 20, 30] and steps[0]["val_loss"] > steps[-1]["val_loss"]
        early = c.predict(KEY, "ab", 60, 1.0, 0, step=0, api_name="/generate")
        final = c.predict(KEY, "ab", 60, 1.0, 0, api_name="/generate")
        assert early != final and final == c.predict(KEY, "ab", 60, 1.0, 0, step=-1, api_name="/generate")
        with pytest.raises(AppError, match="steps 0, 10, 20, 30"):
            c.predict(KEY, "ab", 60, 1.0, 0, step=7, api_name="/generate")
        att = c.predict(KEY, "ab", step=10, api_name="/attention")
        assert att["values"] != c.predict(KEY, "ab", api_name="/attention")["values"]
        soft = c.predict(KEY, "ab", step=0, api_name="/softmax")["panels"][1]["entropy"]
        assert soft > c.predict(KEY, "ab", step=30, api_name="/softmax")["panels"][1]["entropy"]  # it learns
        texts = c.predict(KEY, "", 1, 30, api_name="/timeline_texts")
        assert len(texts) == 5 and texts[-1]["final"]


def test_every_view_at_a_chosen_step(assets):
    """The header's slider position reaches each view's handler: step 0 draws something else than the end."""
    from types import SimpleNamespace

    import plotly.graph_objects as go

    from explorer.ui import build_ui

    demo = build_ui(assets, Limits())
    fns = {f.name: f.fn for f in demo.fns.values()}
    r = SimpleNamespace(session_hash="views-at-steps")
    prompt = "abcab ca"
    att0 = fns["attention_ui"](KEY, 0, prompt, "softmax", False, False, None, None, None, "en", r)
    att_end = fns["attention_ui"](KEY, 4, prompt, "softmax", False, False, None, None, None, "en", r)
    assert isinstance(att0[3], go.Figure) and list(map(list, att0[3].data[0].z)) != list(map(list, att_end[3].data[0].z))
    soft0 = fns["softmax_ui"](KEY, 0, prompt, 1.0, 1.0, 1.0, "", 0, 1.0, "en", r)
    soft_end = fns["softmax_ui"](KEY, None, prompt, 1.0, 1.0, 1.0, "", 0, 1.0, "en", r)
    assert list(soft0[2].data[0].x) != list(soft_end[2].data[0].x)
    text0 = list(fns["sample_stream_ui"](KEY, 0, prompt, 1.0, 0, 1.0, 3, 40, "en", r))[-1][2]
    text_end = list(fns["sample_stream_ui"](KEY, 4, prompt, 1.0, 0, 1.0, 3, 40, "en", r))[-1][2]
    assert text0 != text_end
    graph0 = fns["lecture_graph_ui"](KEY, 0, prompt, "ab", None, None, 3, 0.0, "en", r)
    graph_end = fns["lecture_graph_ui"](KEY, None, prompt, "ab", None, None, 3, 0.0, "en", r)
    assert list(map(list, graph0[7].data[0].z)) != list(map(list, graph_end[7].data[0].z))
    texts = fns["sample_texts_ui"](KEY, prompt, 3, "zh-CN", r)
    assert texts.count('class="step-text"') == 5 and "第 0 步" in texts and "最终权重" in texts
    msg, strip, entropy = fns["heads_ui"](KEY, prompt, 1, 2, "en", r)
    assert "sharpened most" in msg and len(strip.data) == 5 and len(entropy.data) == 4
    assert "no timeline" in fns["heads_ui"]("pretrained:gpt-plain", prompt, 1, 1, "en", r)[0]
    line = fns["on_step"](KEY, 1, "en", r)
    assert "step 10" in line and "val" in line and "final weights" in fns["on_step"](KEY, 4, "en", r)
    demo.explorer_store.close_all()


def test_a_hostile_timeline_in_an_upload_is_refused_and_the_session_keeps_its_models(assets, tmp_path):
    """A checkpoint zip whose timeline holds a NaN: a readable refusal; the session's models stay."""
    import shutil
    import zipfile
    from types import SimpleNamespace

    import gradio as gr
    from safetensors.torch import load_file, save_file

    from explorer.ui import build_ui

    folder = tmp_path / "ck"
    shutil.copytree(assets / "gpt-timeline", folder)
    tensors = load_file(str(folder / "timeline.safetensors"))
    tensors["step10/lm_head.bias"][0] = float("nan")
    save_file(tensors, str(folder / "timeline.safetensors"))
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f"evil/{f.name}")
    demo = build_ui(assets, Limits())
    fns = {f.name: f.fn for f in demo.fns.values()}
    r = SimpleNamespace(session_hash="hostile-upload")
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as zf:
        for f in (assets / "gpt-timeline").iterdir():
            zf.write(f, f"good/{f.name}")
    picker, _ = fns["on_upload"](str(good), "en", r)
    session = demo.explorer_store.get("hostile-upload")
    before = [k for _, k in session.model_choices("en")]
    assert session.timeline(picker["value"]).steps == [0, 10, 20, 30]  # an upload keeps its timeline
    with pytest.raises(gr.Error, match="NaN"):
        fns["on_upload"](str(archive), "en", r)
    assert [k for _, k in session.model_choices("en")] == before
    demo.explorer_store.close_all()


def test_play_walks_the_steps_and_stops_at_the_end_on_pause_or_another_model(assets):
    from types import SimpleNamespace

    from explorer.ui import build_ui

    demo = build_ui(assets, Limits())
    fns = {f.name: f.fn for f in demo.fns.values()}
    r = SimpleNamespace(session_hash="play")
    slider, timer, button, msg = fns["play_ui"](KEY, 4, "en", r)  # at the end: play from the first snapshot
    assert slider["value"] == 0 and timer.active is True and "Pause" in button["value"] and msg == ""
    assert fns["play_tick"](KEY, 0, "en", r)[0]["value"] == 1
    assert fns["play_tick"](KEY, 3, "en", r)[0]["value"] == 4
    assert fns["play_tick"](KEY, 4, "en", r)[1].active is False  # the final weights: done
    fns["play_ui"](KEY, 1, "en", r)
    assert fns["play_tick"]("pretrained:gpt-plain", 1, "en", r)[1].active is False  # another model: stop
    fns["play_ui"](KEY, 1, "en", r)
    fns["play_ui"](KEY, 2, "en", r)  # pressed again: pause
    assert fns["play_tick"](KEY, 2, "en", r)[1].active is False
    assert "no timeline" in fns["play_ui"]("pretrained:gpt-plain", 0, "en", r)[3]
    demo.explorer_store.close_all()
