"""The running app driven through gradio_client, as a notebook or a script would drive it."""
import time
import urllib.error
import urllib.request
import zipfile

import pytest
from gradio_client import Client, handle_file

ENDPOINTS = {"/train_start", "/train_pause", "/train_resume", "/train_step", "/train_stop", "/train_reset",
             "/train_status", "/train_history", "/save_checkpoint", "/upload_checkpoint", "/list_models",
             "/select_model", "/generate", "/presets",
             "/attention", "/softmax", "/sample_stream", "/sample_step", "/sample_back"}  # inside-the-model tabs
BIGRAM = dict(model_type="bigram", batch_size=16, eval_interval=100, eval_iters=5)
TINY_GPT = dict(model_type="gpt", n_layer=1, n_embd=32, n_head=4, block_size=32, batch_size=8, eval_interval=0,
                dtype="float32")  # slow enough not to finish 20,000 steps during a test


def client(url) -> Client:
    return Client(url, verbose=False)


def status(c: Client) -> dict:
    return c.predict(api_name="/train_status")


def wait_status(c: Client, predicate, timeout=120.0) -> dict:
    end = time.monotonic() + timeout
    while True:
        st = status(c)
        if predicate(st) or time.monotonic() > end:
            return st
        time.sleep(0.1)


def test_every_action_has_a_stable_api_name(app_url):
    api = client(app_url).view_api(print_info=False, return_format="dict")
    assert ENDPOINTS <= set(api["named_endpoints"])  # later tabs add their own
    params = {p["parameter_name"] for p in api["named_endpoints"]["/train_start"]["parameters"]}
    assert {"model_type", "preset", "n_embd", "learning_rate", "max_iters", "corpus", "paused", "lang"} <= params


def test_train_pause_step_resume_stop_save_and_load_back(app_url, tmp_path):
    c = client(app_url)
    st = c.predict(**BIGRAM, max_iters=20_000, api_name="/train_start")
    assert st["run"] == "run-1" and st["state"] in ("queued", "running")
    st = wait_status(c, lambda s: s["step"] > 200 and s["val_loss"] is not None)
    assert st["state"] == "running" and st["loss"] < 4.0 and st["tokens_per_s"] > 0
    first = st["step"]
    st = wait_status(c, lambda s: s["step"] > first + 100)
    assert st["step"] > first  # steps advance

    c.predict(api_name="/train_pause")
    st = wait_status(c, lambda s: s["state"] == "paused")
    assert st["state"] == "paused"
    at = st["step"]
    time.sleep(0.3)
    assert status(c)["step"] == at
    st = c.predict(api_name="/train_step")
    assert (st["state"], st["step"]) == ("paused", at + 1)
    c.predict(api_name="/train_resume")
    assert wait_status(c, lambda s: s["step"] > at + 50)["state"] == "running"
    st = c.predict(api_name="/train_stop")
    assert st["state"] == "stopped"
    stopped_at = st["step"]

    path = c.predict(api_name="/save_checkpoint")
    with zipfile.ZipFile(path) as zf:
        names = sorted(n.split("/")[-1] for n in zf.namelist())
    assert names == ["config.json", "model.safetensors", "timeline.safetensors"]  # step 0 and each evaluation
    info = c.predict(handle_file(path), api_name="/upload_checkpoint")
    assert info["key"].startswith("upload:") and info["step"] == stopped_at
    assert info["model_type"] == "bigram" and info["val_loss"] is not None
    keys = [m["key"] for m in c.predict(api_name="/list_models")]
    assert keys[:2] == ["pretrained:gpt-small", "pretrained:bigram"]
    assert "session:run-1" in keys and info["key"] in keys
    text = c.predict(model=info["key"], prompt="ROMEO:", max_new_tokens=40, api_name="/generate")
    assert text.startswith("ROMEO:") and len(text) == 46
    history = c.predict(api_name="/train_history")
    assert history["run"] == "run-1" and len(history["steps"]) <= 500
    assert history["evals"][0]["step"] == 0 and history["config"]["model_type"] == "bigram"


def test_two_clients_training_at_once_see_only_their_own_runs(app_url):
    a, b = client(app_url), client(app_url)
    a.predict(**BIGRAM, max_iters=20_000, seed=1, api_name="/train_start")
    b.predict(**BIGRAM, max_iters=19_000, seed=2, api_name="/train_start")
    sa = wait_status(a, lambda s: s["state"] == "running" and s["step"] > 20)
    sb = wait_status(b, lambda s: s["state"] == "running" and s["step"] > 20)
    assert (sa["run"], sa["max_iters"]) == ("run-1", 20_000)
    assert (sb["run"], sb["max_iters"]) == ("run-1", 19_000)  # each session numbers its own runs
    assert status(a)["state"] == status(b)["state"] == "running"  # both at once
    a.predict(api_name="/train_stop")
    assert status(b)["state"] == "running"  # stopping one leaves the other alone
    b.predict(api_name="/train_stop")
    for c, seed, max_iters in ((a, 1, 20_000), (b, 2, 19_000)):
        sessions = [m["key"] for m in c.predict(api_name="/list_models") if m["key"].startswith("session:")]
        assert sessions == ["session:run-1"]
        config = c.predict(api_name="/train_history")["config"]
        assert (config["seed"], config["max_iters"]) == (seed, max_iters)


def test_a_third_training_is_queued_with_a_clear_message(app_url):
    clients = [client(app_url) for _ in range(3)]
    for c in clients[:2]:
        c.predict(**TINY_GPT, max_iters=20_000, api_name="/train_start")
        wait_status(c, lambda s: s["state"] == "running")
    third = clients[2]
    st = third.predict(**BIGRAM, max_iters=20_000, lang="zh-CN", api_name="/train_start")
    st = wait_status(third, lambda s: s["queue_position"] == 1)
    assert st["state"] == "queued" and st["step"] == 0
    zh = third.predict(lang="zh-CN", api_name="/train_status")["message"]
    assert "排队" in zh and "第 1 位" in zh
    assert "Busy" in st["message"] and "You are queued (position 1)" in st["message"]
    clients[0].predict(api_name="/train_stop")
    assert wait_status(third, lambda s: s["state"] == "running" and s["step"] > 0)["step"] > 0
    for c in clients[1:]:
        c.predict(api_name="/train_stop")


def test_refusals_are_readable_in_both_languages(app_url):
    c = client(app_url)
    with pytest.raises(Exception, match="n_embd \\(100\\) must be divisible by n_head \\(6\\)"):
        c.predict(model_type="gpt", n_embd=100, n_head=6, api_name="/train_start")
    with pytest.raises(Exception, match="学习率"):
        c.predict(model_type="gpt", learning_rate=-1.0, lang="zh-CN", api_name="/train_start")
    with pytest.raises(Exception, match="block_size must be between 2 and 256"):
        c.predict(model_type="gpt", block_size=4096, api_name="/train_start")
    with pytest.raises(Exception, match="Nothing is training"):
        c.predict(api_name="/train_pause")
    with pytest.raises(Exception, match="Unknown model"):
        c.predict(model="pretrained:nope", api_name="/generate")
    with pytest.raises(Exception, match="Paste some text"):
        c.predict(model_type="bigram", corpus="paste", text="", api_name="/train_start")
    with pytest.raises(Exception, match="not know these characters"):
        c.predict(model="pretrained:bigram", prompt="日本", api_name="/generate")


def test_server_hardening(app_url, tmp_path):
    # the monitoring page is off
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(app_url + "monitoring", timeout=10)
    # uploads are capped at 10 MB
    big = tmp_path / "big.zip"
    big.write_bytes(b"\0" * 11_000_000)
    with pytest.raises(Exception):
        client(app_url).predict(handle_file(str(big)), api_name="/upload_checkpoint")
    # UI-only events are not callable as an API
    with pytest.raises(Exception):
        client(app_url).predict("zh-CN", api_name="/set_language")
