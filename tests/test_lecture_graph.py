"""Walkthrough section 6, attention as communication: the graph's edges are wei (masked and not),
cross-attention equals a direct softmax(q @ k.T * hs**-0.5) @ v, and the handlers with good and bad
input (tiny checkpoints from conftest: a one-layer GPT with block_size 16, 4 heads, n_embd 32)."""

import gradio as gr
import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from torch.nn import functional as F

from helpers import refused, req
from explorer.lecture.graph import compute as G, figures as fig, tab as GT
from explorer.limits import Limits
from explorer.session import SessionStore
from model.lecture.graph import attend, edges, head_qkv, head_wei, self_and_cross

GPT, BIGRAM = "pretrained:gpt-small", "pretrained:bigram"
PROMPT, KV = "hello, my friend", "good day, sir"  # 16 and 13 characters, all in conftest's TEXT


@pytest.fixture(scope="module")
def model(store):
    model, tokenizer, _ = store.get("model").get_model(GPT)
    return model, tokenizer


def ui(demo, name):
    return next(f for f in demo.fns.values() if f.name == name).fn


def test_head_wei_is_the_traced_wei(model):
    model, tok = model
    idx = torch.tensor(tok.encode(PROMPT))
    T = len(PROMPT)
    for head in range(4):
        wei = head_wei(model, idx, 0, head)
        assert wei.shape == (T, T)
        assert torch.equal(wei, model.trace(idx[None]).layers[0].wei[0, head])
        assert torch.allclose(wei.sum(-1), torch.ones(T), atol=1e-5)
        past = torch.tril(torch.ones(T, T, dtype=torch.bool))
        assert (wei[~past] == 0).all() and (wei[past] > 0).all()  # no future; past and self all > 0
        enc = head_wei(model, idx, 0, head, causal=False)
        assert torch.allclose(enc.sum(-1), torch.ones(T), atol=1e-5) and (enc > 0).all()
        assert torch.equal(enc, model.trace(idx[None], causal=False).layers[0].wei[0, head])


def test_edges_equal_wei(model):
    model, tok = model
    idx = torch.tensor(tok.encode(PROMPT))
    T = len(PROMPT)
    wei, enc = head_wei(model, idx, 0, 1), head_wei(model, idx, 0, 1, causal=False)
    # masked: exactly the past-and-self pairs, each with weight wei[i, j]; a node's incoming weights sum to 1
    es = edges(wei)
    assert {(j, i) for j, i, _ in es} == {(j, i) for i in range(T) for j in range(i + 1)}
    assert all(w == wei[i, j].item() for j, i, w in es)
    incoming = np.zeros(T)
    for j, i, w in es:
        incoming[i] += w
    assert np.allclose(incoming, 1.0, atol=1e-5)
    # unmasked: every pair, the future included, rows sum to 1
    es = edges(enc)
    assert len(es) == T * T and any(j > i for j, i, _ in es)
    assert np.allclose(np.bincount([i for _, i, _ in es], weights=[w for *_, w in es]), 1.0, atol=1e-5)
    # top-k keeps each node's k strongest incoming edges; a threshold drops the weak ones
    for k in (1, 3):
        kept = edges(enc, top_k=k)
        for i in range(T):
            mine = sorted(w for _, dst, w in kept if dst == i)
            assert len(mine) == k and np.allclose(mine, sorted(enc[i].topk(k).values.tolist()))
    masked_top = edges(wei, top_k=3)
    assert all(j <= i for j, i, _ in masked_top) and len(masked_top) == 1 + 2 + 3 * (T - 2)
    thin = edges(enc, threshold=0.1)
    assert all(w > 0.1 for *_, w in thin) and len(thin) == int((enc > 0.1).sum())
    assert edges(wei, threshold=1.0) == []


def test_cross_attention_is_a_direct_softmax(model):
    model, tok = model
    idx, idx_kv = torch.tensor(tok.encode(PROMPT)), torch.tensor(tok.encode(KV))
    Tq, Tkv, hs = len(PROMPT), len(KV), 32 // 4
    out = self_and_cross(model, idx, idx_kv, 2)
    q, k, v, wei = out["q"], out["k"], out["v"], out["wei"]
    assert q.shape == (Tq, hs) and k.shape == (Tkv, hs) and v.shape == (Tkv, hs)
    assert wei.shape == (Tq, Tkv) and out["out"].shape == (Tq, hs) and out["wei_self"].shape == (Tq, Tq)
    assert torch.allclose(wei.sum(-1), torch.ones(Tq), atol=1e-5) and (wei > 0).all()  # no mask
    direct = F.softmax(q @ k.T * hs**-0.5, dim=-1)
    assert torch.allclose(wei, direct, atol=1e-6) and torch.allclose(out["out"], direct @ v, atol=1e-6)
    # keys and values are the same first-layer projections, applied to the second text
    _, k2, v2 = head_qkv(model, idx_kv, 2)
    assert torch.equal(k, k2) and torch.equal(v, v2)
    # self-attention with the same head is layer 1's traced wei: the projections really are the model's
    assert torch.allclose(out["wei_self"], head_wei(model, idx, 0, 2), atol=1e-6)
    q, k, v = head_qkv(model, idx, 2)
    wei, o = attend(q, k, v, causal=False)
    assert torch.allclose(wei, F.softmax(q @ k.T * hs**-0.5, dim=-1), atol=1e-6) and o.shape == (Tq, hs)


def test_figures():
    wei = np.tril(np.full((4, 4), 0.25))
    wei[0, 0], wei[1, :2], wei[2, :3] = 1.0, 0.5, 1 / 3
    es = edges(torch.tensor(wei))
    f = fig.graph_figure(wei, es, list("ab c"), "Decoder", "en", causal=True)
    assert isinstance(f, go.Figure) and "10 of 10 edges" in f.layout.title.text
    hover = [h for tr in f.data for h in (tr.hovertext or ()) if "listens to" in h]
    assert len(hover) == 10 and any("wei[3, 0] = 0.250" in h for h in hover)
    assert f.layout.annotations[0].text.startswith("no edges from the future")
    h = fig.wei_heatmap(wei, list("ab c"), list("ab c"), "t", "x", "y", "zh-CN", causal=True)
    assert np.isnan(h.data[0].z[0, 1]) and h.data[0].z[3, 0] == 0.25 and "已掩码" in h.data[0].text[0][1]


def test_compute_good_and_bad_input(session, tiny_assets, tmp_path):
    v = G.compute(session, GPT, PROMPT, KV, 1, 2, 3, 0.0)
    T = len(PROMPT)
    assert v.text.chars == list(PROMPT) and (v.layer, v.head, v.n_layer, v.n_head) == (0, 1, 1, 4)
    assert len(v.edges) == 1 + 2 + 3 * (T - 2) and len(v.edges_enc) == 3 * T
    assert v.cross["wei"].shape == (T, len(KV)) and v.wei_self.shape == (T, T)
    long = G.compute(session, GPT, "abcdefghijklmnopqrstu", KV, None, None, None, None)
    assert long.text.dropped == 5 and len(long.text.chars) == 16 and (long.layer, long.head) == (0, 0)
    out = GT.render(long, "en")
    assert "first 16 characters" in out[0] and "(T_q, T_kv) = (16, 13)" in out[6]
    assert isinstance(out[2], go.Figure) and "L1 H1" in out[2].layout.title.text
    assert "(T_q, T_kv) = (16, 13)" in out[8].layout.title.text
    for bad, key in (("", "lec.graph.empty"), ("héllo ☃", "lec.graph.unknown"), (42, "inside.prompt_type"),
                     ("x" * 1001, "refuse.prompt_long")):
        assert refused(G.compute, session, GPT, bad, KV, 1, 1, 3, 0.0) == key
    for layer, head in ((2, 1), (0, 1), ("1", 1), (1, 5), (1, 1.5), (1, True), (1, float("nan"))):
        assert refused(G.compute, session, GPT, PROMPT, KV, layer, head, 3, 0.0).startswith("refuse.")
    assert G.compute(session, GPT, PROMPT, KV, 7, 9, 3, 0.0, reset=True).layer == 0  # a new model: back to L1 H1
    assert refused(G.compute, session, GPT, PROMPT, KV, "x", 1, 3, 0.0, reset=True) == "refuse.number"
    for top_k, threshold in ((17, 0.0), (-1, 0.0), (2.5, 0.0), (3, float("nan")), (3, 1.5), (3, -0.1), (3, "0.1")):
        assert refused(G.compute, session, GPT, PROMPT, KV, 1, 1, top_k, threshold).startswith("refuse.")
    assert refused(G.compute, session, BIGRAM, PROMPT, KV, 1, 1, 3, 0.0) == "lec.graph.no_attention"
    empty = SessionStore(tmp_path, Limits())
    try:
        assert refused(G.compute, empty.get("none"), None, PROMPT, KV, 1, 1, 3, 0.0) == "inside.no_model"
    finally:
        empty.close_all()
    # the second text refused alone: the graphs and self-attention still drawn, its message beside it
    for kv, key in (("", "lec.graph.empty_kv"), ("☃", "lec.graph.unknown_kv")):
        v = G.compute(session, GPT, PROMPT, kv, 1, 1, 3, 0.0)
        assert v.cross is None and v.kv_refusal.key == key and v.wei_self.shape == (T, T)
        out = GT.render(v, "zh-CN")
        assert key in out[6] and out[8] is None and isinstance(out[7], go.Figure)
        assert "解码器" in out[2].layout.title.text


def test_handlers(demo):
    fn, redraw = ui(demo, "lecture_graph_ui"), ui(demo, "lecture_graph_redraw_ui")
    drop = ui(demo, "lecture_graph_drop_ui")
    out = fn(GPT, None, PROMPT, KV, None, None, 3, 0.02, "en", req())
    notice, dropbtn, dec, enc, layer, head, kv_notice, self_map, cross = out
    assert notice == "" and dropbtn["visible"] is False and "Decoder" in dec.layout.title.text
    assert "Encoder" in enc.layout.title.text and layer["value"] == 1 and len(head["choices"]) == 4
    assert "q: (T_q, hs) = (16, 8)" in kv_notice and "(16, 13)" in cross.layout.title.text
    assert "(16, 16)" in self_map.layout.title.text
    out = redraw(GPT, None, PROMPT, KV, 1, 4, 0, 0.0, "zh-CN", req())
    assert "编码器" in out[3].layout.title.text and "L1 H4" in out[3].layout.title.text
    assert "画出 256 条边中的 256 条" in out[3].layout.title.text
    out = redraw(GPT, None, PROMPT, KV, 1, 9, 3, 0.0, "en", req())  # an API caller past the dropdown
    assert "refuse.range" in out[0] and out[2] is None and out[4] == gr.skip()
    out = redraw(GPT, None, PROMPT, KV, 1, 1, 3, float("nan"), "en", req())
    assert "threshold must be a number" in out[0]
    out = redraw(GPT, None, "é!", KV, 1, 1, 3, 0.0, "en", req())
    assert "&#x27;é&#x27;" in out[0] and out[1]["visible"] is True
    out = redraw(GPT, None, PROMPT, "☃", 1, 1, 3, 0.0, "en", req())
    assert "lec.graph.unknown_kv" in out[6] and out[1]["visible"] is True and isinstance(out[2], go.Figure)
    out = fn(GPT, None, "", KV, 1, 1, 3, 0.0, "en", req())
    assert "at least one character" in out[0] and out[2] is None
    out = fn(BIGRAM, None, PROMPT, KV, 1, 1, 3, 0.0, "zh-CN", req())
    assert "Bigram 模型没有注意力" in out[0]
    assert drop(GPT, "hé☃llo", "ok ☃", "en", req())[:2] == ("hllo", "ok ")
    assert drop(GPT, 42, "ok", "en", req())[0] == gr.skip()
