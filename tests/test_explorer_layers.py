"""The Layers tab (logit lens, surprise, embeddings): its computations, figures and UI handlers in-process,
and its API through gradio_client, each with good and bad input (tiny checkpoints from conftest)."""
import math

import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from gradio_client import Client
from torch.nn import functional as F

from conftest import free_port
from helpers import refused, req
from explorer.layers import compute as C, figures as fig, tab
from explorer.limits import Limits, MAX_TEXT
from explorer.session import SessionStore
from model.config import GPTConfig
from model.data import CorpusError
from model.gpt import build_model
from model.lens import windows

GPT, BIGRAM = "pretrained:gpt-small", "pretrained:bigram"   # tiny: block_size 16 (gpt, 1 layer) and 8 (bigram)
PROMPT = "The quick brown fox"                              # 19 characters: longer than block_size 16
TEXT = "The lazy dog jumps over the quick brown fox; QUICK, BROWN?\n" * 3


def handler(demo, name):
    return next(f for f in demo.fns.values() if f.name == name).fn


# the logit lens ------------------------------------------------------------------------------
def test_lens_compute_cache_and_refusals(session):
    lens, p, model, info = C.lens(session, GPT, PROMPT)
    n, T, k = lens.top_ids.shape
    assert (n, T, k) == (2, 16, 5) and p.cropped == 3 and lens.chars == list(PROMPT[-16:])
    assert np.isnan(lens.p_next[:, -1]).all() and (lens.p_next[:, :-1] > 0).all()
    ids = torch.tensor([p.ids])
    logits, loss = model(ids[:, :-1], ids[:, 1:])
    assert lens.mean_loss[-1] == pytest.approx(loss.item(), abs=1e-5)  # the last layer is the model's loss
    assert np.allclose(lens.top_p.sum(-1) <= 1 + 1e-6, True)
    assert C.lens(session, GPT, PROMPT)[0] is lens  # cached per (model, step, prompt)
    assert C.lens(session, GPT, PROMPT, step=-1)[0] is lens  # -1 (or None): the final weights
    assert refused(C.lens, session, GPT, PROMPT, step=5) == "refuse.no_timeline"  # the tiny models keep none
    assert refused(C.lens, session, GPT, PROMPT, step=1.5) == "refuse.integer"
    assert refused(C.lens, session, BIGRAM, PROMPT) == "layers.no_layers"
    assert refused(C.lens, session, GPT, "Thé ☃") == "inside.unknown"
    assert C.lens(session, GPT, "Thé ☃", drop_unknown=True)[1].text == "Th "
    assert refused(C.lens, session, "pretrained:nope", PROMPT) == "refuse.unknown_model"
    assert refused(C.lens, session, GPT, "x" * 1001) == "refuse.prompt_long"


def test_lens_notes_are_computed():
    torch.manual_seed(0)
    vocab = [chr(97 + i) for i in range(11)]
    zero = build_model(GPTConfig(vocab_size=11, block_size=8, n_embd=16, n_head=2, n_layer=0)).eval()
    lens = C.lens_of(zero, [1, 2, 3], vocab)
    assert lens.top_ids.shape[0] == 1 and "no blocks" in " ".join(tab.lens_notes(lens, "en"))
    deep = build_model(GPTConfig(vocab_size=11, block_size=8, n_embd=16, n_head=2, n_layer=3, residual=False,
                                 ffwd=False, layer_norm=False)).eval()
    lens = C.lens_of(deep, [1, 2, 3, 4], vocab)
    lens.mean_loss = np.array([3.0, 2.0, 2.5, 1.0])
    notes = " ".join(tab.lens_notes(lens, "en"))
    assert "rises at block 2" in notes and "Without residual connections" in notes
    lens.mean_loss = np.array([3.0, 2.0, 1.5, 1.0])
    assert "falls layer by layer: 3.00 → 2.00 → 1.50 → 1.00" in tab.lens_notes(lens, "en")[0]
    assert "逐层下降" in tab.lens_notes(lens, "zh-CN")[0]
    one = C.lens_of(deep, [1], vocab)
    assert np.isnan(one.mean_loss).all() and "one character" in tab.lens_notes(one, "en")[0]
    for lang in ("en", "zh-CN"):
        assert isinstance(fig.lens_grid(one, lang), go.Figure) and isinstance(fig.layer_loss(one, lang), go.Figure)


def test_lens_ui_handler(demo):
    fn = handler(demo, "logit_lens_ui")
    notice, drop, summary, grid, loss = fn(GPT, PROMPT, None, "en", req("lens"))
    assert "last 16 characters" in notice and drop["visible"] is False and "nats" in summary
    assert isinstance(grid, go.Figure) and grid.data[0].z.shape == (16, 2)
    assert list(grid.layout.xaxis.ticktext) == ["emb", "block 1"] and "p(next)" in grid.data[0].customdata[0][0]
    assert "the prompt ends here" in grid.data[0].customdata[-1][0]
    assert [b for b in loss.data[0].x] == ["emb", "block 1"]
    notice, drop, summary, grid, loss = fn(BIGRAM, PROMPT, None, "zh-CN", req("lens"))
    assert "Bigram 模型没有层" in notice and grid is None and drop["visible"] is False
    notice, drop, *_ = fn(GPT, "Thé ☃", None, "en", req("lens"))
    assert "&#x27;☃&#x27;" in notice and drop["visible"] is True
    notice, _, summary, grid, _ = fn(GPT, "", None, "zh-CN", req("lens"))
    assert "第 0 个 token" in notice and "只有一个字符" in summary and grid.layout.xaxis.ticktext[0] == "嵌入"


# per-character surprise ----------------------------------------------------------------------
def test_surprise_mean_is_the_models_loss(session):
    s, info, other = C.surprise(session, GPT, TEXT)
    model, tok, _ = session.get_model(GPT)
    assert other is None and s.cut == 0 and len(s.main.nll) == len(TEXT) - 1
    ids = torch.tensor(tok.encode(TEXT))
    starts, window, pos = windows(len(ids), 16, s.main.stride)
    with torch.no_grad():
        logits, _ = model(ids[starts[:, None] + torch.arange(16)])
    assert s.main.mean == pytest.approx(F.cross_entropy(logits[window, pos], ids[1:]).item(), abs=1e-5)
    assert C.surprise(session, GPT, TEXT)[0] is s  # cached
    both, _, other = C.surprise(session, GPT, TEXT, BIGRAM)
    assert other["key"] == BIGRAM and np.allclose(both.delta, both.main.nll - both.other.nll)
    assert both.main.mean == pytest.approx(s.main.mean)


def test_surprise_refusals_and_caps(session):
    assert refused(C.surprise, session, GPT, "") == "layers.too_short"
    assert refused(C.surprise, session, GPT, "T") == "layers.too_short"
    assert refused(C.surprise, session, GPT, "Thé ☃ dog") == "inside.unknown"
    assert C.surprise(session, GPT, "Thé ☃ dog", drop_unknown=True)[0].text == "Th  dog"
    assert refused(C.surprise, session, GPT, 42) == "refuse.type"
    assert refused(C.surprise, session, GPT, TEXT, step=3) == "refuse.no_timeline"
    long = ("The quick brown fox; " * 5000)[:MAX_TEXT]  # 100,000 characters: cut, with a note
    s, *_ = C.surprise(session, GPT, long)
    assert len(s.text) == C.MAX_SURPRISE and s.cut == MAX_TEXT - C.MAX_SURPRISE
    assert any("Only the first 2,000" in n for n in tab.surprise_notes(s, ("gpt-small", ""), "en"))
    assert refused(C.surprise, session, GPT, long + "x") == "refuse.text_long"
    s, *_ = C.surprise(session, BIGRAM, TEXT)  # the bigram has no layers, but it has a loss
    assert 0 < s.main.mean < 10 and s.main.stride == 1


def test_surprise_ui_handler(demo, monkeypatch):
    fn = handler(demo, "surprise_ui")
    notice, drop, view, compare = fn(GPT, TEXT, "", None, "en", req("surp"))
    assert "mean -log p" in notice and drop["visible"] is False and view.count('class="tok') == len(TEXT)
    assert ("(no comparison)", "") in compare["choices"] and (any(k == BIGRAM for _, k in compare["choices"]))
    notice, _, view, _ = fn(GPT, TEXT, BIGRAM, None, "zh-CN", req("surp"))
    assert "损失更低(蓝色)" in notice and "rgba(31,119,180" in view and "差值" in view
    notice, drop, *_ = fn(GPT, "Thé ☃ dog", BIGRAM, None, "en", req("surp"))
    assert "inside.unknown" in notice and drop["visible"] is True
    text, drop = handler(demo, "drop_unknown_text_ui")(GPT, "Thé ☃ dog", BIGRAM, None, "en", req("surp"))
    assert text == "Th  dog" and drop["visible"] is False
    notice, *_ = fn(GPT, "", "", None, "en", req("surp"))
    assert "layers.too_short" in notice

    def no_corpus(download=False):
        raise CorpusError("not here")
    monkeypatch.setattr(C.corpus, "shakespeare", no_corpus)
    out = handler(demo, "passage_ui")(GPT, "", None, "zh-CN", req("surp"))
    assert "服务器上没有 tiny-shakespeare" in out[1]


def test_passage_comes_from_the_validation_split(corpus_path):
    from explorer import corpus
    data = corpus.shakespeare()
    val = data.text[int(0.9 * len(data.text)):]
    for seed in range(3):
        p = C.passage(seed)
        assert 100 < len(p) <= C.PASSAGE and p in val


# embeddings ------------------------------------------------------------------------------------
def test_embeddings(session, demo):
    e, model, _ = C.embeddings(session, GPT)
    assert e.xy.shape == (len(e.chars), 2) and e.cosine.shape == (16, 16) and not e.bigram and e.width == 32
    assert np.allclose(np.diag(e.cosine), 1) and 0 < e.explained.sum() <= 1
    assert C.embeddings(session, GPT)[0] is e
    assert C.char_kind("a") == "vowel" and C.char_kind("b") == "consonant" and C.char_kind("Q") == "capital"
    assert C.char_kind(";") == "punctuation" and C.char_kind("\n") == "space" and C.char_kind("3") == "punctuation"
    b, *_ = C.embeddings(session, BIGRAM)
    assert b.bigram and b.cosine is None and b.width == len(b.chars)
    assert refused(C.embeddings, session, GPT, step=99) == "refuse.no_timeline"
    fn = handler(demo, "embeddings_ui")
    notice, scatter, positions = fn(GPT, None, "en", req("emb"))
    assert "of the variance" in notice and "Positions next to each other" in notice
    assert isinstance(scatter, go.Figure) and isinstance(positions, go.Figure)
    assert "↵" in sum((list(d.text) for d in scatter.data), [])  # the newline drawn readably
    notice, scatter, positions = fn(BIGRAM, None, "zh-CN", req("emb"))
    assert "Bigram 没有位置嵌入" in notice and positions is None and "Bigram 的查找表" in scatter.layout.title.text


# the API ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(tiny_assets):
    from explorer.ui import build_ui, launch_options

    demo = build_ui(tiny_assets, Limits())
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **launch_options())
    yield Client(f"http://127.0.0.1:{port}/", verbose=False)
    demo.explorer_store.close_all()
    demo.close()


def test_endpoints_are_listed_with_their_parameters(client):
    api = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    params = lambda name: [p["parameter_name"] for p in api[name]["parameters"]]
    assert params("/logit_lens") == ["model", "prompt", "step", "drop_unknown", "lang"]
    assert params("/surprise") == ["model", "text", "compare_model", "step", "drop_unknown", "lang"]
    assert params("/embeddings") == ["model", "step", "lang"]


def test_logit_lens_api(client):
    out = client.predict(model=GPT, prompt=PROMPT, api_name="/logit_lens")
    assert out["layers"] == ["emb", "block 1"] and out["cropped"] == 3 and len(out["chars"]) == 16
    assert out["p_next"][0][-1] is None and out["next"][-1] is None and len(out["top"][1][0]) == 5
    assert out["falls"] == (out["mean_loss"][1] < out["mean_loss"][0])
    assert client.predict(model=GPT, prompt=PROMPT, step=-1, api_name="/logit_lens")["mean_loss"] == out["mean_loss"]
    with pytest.raises(Exception, match="no layers"):
        client.predict(model=BIGRAM, prompt=PROMPT, api_name="/logit_lens")
    with pytest.raises(Exception, match="no timeline"):
        client.predict(model=GPT, prompt=PROMPT, step=100, api_name="/logit_lens")
    with pytest.raises(Exception, match="没有 'é'"):
        client.predict(model=GPT, prompt="Thé", lang="zh-CN", api_name="/logit_lens")


def test_surprise_api(client):
    out = client.predict(model=GPT, text=TEXT, compare_model=BIGRAM, api_name="/surprise")
    assert len(out["loss"]) == len(TEXT) - 1 and out["mean_loss"] == pytest.approx(np.mean(out["loss"]), abs=1e-3)
    assert out["compare"]["model"] == BIGRAM and len(out["delta"]) == len(TEXT) - 1
    assert out["delta"][0] == pytest.approx(out["loss"][0] - out["compare"]["loss"][0], abs=1e-3)
    assert out["p"][0] == pytest.approx(math.exp(-out["loss"][0]), rel=1e-3) and len(out["top"][0]) == 5
    alone = client.predict(model=BIGRAM, text="The dog", api_name="/surprise")
    assert alone["compare"] is None and alone["cut"] == 0 and alone["stride"] == 1
    capped = client.predict(model=GPT, text="The dog; " * 11_000, api_name="/surprise")
    assert capped["cut"] == 99_000 - 2000 and len(capped["loss"]) == 1999
    with pytest.raises(Exception, match="at least 2 characters"):
        client.predict(model=GPT, text="", api_name="/surprise")
    with pytest.raises(Exception, match="'☃'"):
        client.predict(model=GPT, text="dog ☃", api_name="/surprise")
    with pytest.raises(Exception, match="100,000"):
        client.predict(model=GPT, text="x" * 100_001, api_name="/surprise")


def test_embeddings_api(client):
    out = client.predict(model=GPT, api_name="/embeddings")
    assert len(out["xy"]) == len(out["chars"]) == len(out["kind"]) and out["table"] == [len(out["chars"]), 32]
    assert len(out["position_cosine"]) == 16 and out["explained"][0] >= out["explained"][1]
    bigram = client.predict(model=BIGRAM, step=None, api_name="/embeddings")
    assert bigram["bigram"] and bigram["position_cosine"] is None
    with pytest.raises(Exception, match="step"):
        client.predict(model=GPT, step=2.5, api_name="/embeddings")


# a step of the timeline ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def timeline_session(timeline_assets):
    """A session on conftest's GPT with a timeline (steps 0, 10, 20, 30)."""
    store = SessionStore(timeline_assets, Limits())
    yield store.get("timeline")
    store.close_all()


def test_every_view_reads_the_model_at_a_step(timeline_session):
    key = "pretrained:gpt-timeline"
    final, *_ = C.lens(timeline_session, key, PROMPT)
    first, *_ = C.lens(timeline_session, key, PROMPT, step=0)
    assert first is not final and first.mean_loss[-1] > final.mean_loss[-1]  # 30 steps of training helped
    assert abs(first.mean_loss[-1] - math.log(len(first.vocab))) < 0.5  # at step 0, about a uniform guess
    assert C.lens(timeline_session, key, PROMPT, step=-1)[0] is not first
    s0 = C.surprise(timeline_session, key, TEXT, step=0)[0]
    s30 = C.surprise(timeline_session, key, TEXT, step=30)[0]
    assert s0.main.mean > s30.main.mean
    e0, _, info = C.embeddings(timeline_session, key, step=10)
    assert info["step_shown"] == 10 and e0.cosine.shape == (16, 16)
    assert refused(C.embeddings, timeline_session, key, step=5) == "refuse.no_step"
