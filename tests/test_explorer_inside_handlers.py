"""In-process tests of the Attention, Softmax and Sampling tabs: their computations, their UI
handlers and their API functions, each with good and bad input (tiny checkpoints from conftest)."""

import gradio as gr
import numpy as np
import plotly.graph_objects as go
import pytest

from conftest import TEXT
from helpers import refused, req
from explorer import checks
from explorer.inside import api as api_inside, compute as inside, sampler
from explorer.errors import Refusal
from explorer.inside import attention as A, softmax as S

GPT, BIGRAM = "pretrained:gpt-small", "pretrained:bigram"   # tiny: block_size 16 (gpt) and 8 (bigram)
PROMPT = "The quick brown fox"                              # 19 characters: longer than block_size 16


def handler(demo, name):
    return next(f for f in demo.fns.values() if f.name == name)


def test_prompt_resolution(session):
    model, tok, _ = session.get_model(GPT)
    p = inside.resolve_prompt(tok, PROMPT, 16)
    assert p.text == PROMPT[-16:] and p.cropped == 3 and len(p.ids) == 16
    e = inside.resolve_prompt(tok, "", 16)
    assert e.ids == [0] and e.empty and e.text == "\n"
    with pytest.raises(Refusal) as info:
        inside.resolve_prompt(tok, "Thé ☃ fox", 16)
    assert info.value.key == "inside.unknown" and "'é'" in info.value.message("en") and "'☃'" in str(info.value)
    assert inside.resolve_prompt(tok, "Thé ☃ fox", 16, drop_unknown=True).text == "Th  fox"
    assert refused(inside.resolve_prompt, tok, "x" * 1001, 16) == "refuse.prompt_long"
    assert refused(inside.resolve_prompt, tok, 42, 16) == "inside.prompt_type"


def test_attention_compute_stages_and_switches(session):
    att, p, model, _ = A.compute(session, GPT, PROMPT)
    L, H, T, _ = att.softmax.shape
    assert (L, H, T) == (1, 4, 16) and att.chars == list(PROMPT[-16:])
    assert np.allclose(att.softmax.sum(-1), 1.0, atol=1e-5)
    assert np.isneginf(att.masked[0, 0][np.triu_indices(T, 1)]).all()
    assert np.allclose(att.scaled, att.raw * (32 // 4) ** -0.5)
    again, *_ = A.compute(session, GPT, PROMPT)
    assert again is att  # cached: a stage or head change only redraws
    unscaled, *_ = A.compute(session, GPT, PROMPT, scale=False)
    assert np.allclose(unscaled.scaled, unscaled.raw) and unscaled is not att
    encoder, *_ = A.compute(session, GPT, PROMPT, causal=False)
    assert np.isfinite(encoder.masked).all() and (encoder.softmax[0, 0][0, 1:] > 0).all()  # the future lights up
    assert refused(A.compute, session, BIGRAM, PROMPT) == "att.no_attention"
    assert refused(A.compute, session, GPT, "é") == "inside.unknown"
    assert refused(A.compute, session, "pretrained:nope", PROMPT) == "refuse.unknown_model"
    grid, big, bars = A.views(att, "masked", 0, A.MEAN, 99, "zh-CN")
    assert all(isinstance(f, go.Figure) for f in (grid, big, bars)) and "各头平均" in big.layout.title.text
    assert "Scale on, causal mask on" in A.summary(att, "en") and "缩放:关" in A.summary(unscaled, "zh-CN")


def test_attention_ui_handler(demo):
    fn = handler(demo, "attention_ui").fn
    out = fn(GPT, None, PROMPT, "softmax", False, False, None, None, None, "en", req())
    notice, drop, summary, grid, big, bars, layer, head, query = out
    assert "last 16 characters" in notice and drop["visible"] is False and "mean row max" in summary
    assert isinstance(grid, go.Figure) and len(grid.data) == 4
    assert [c for c, _ in layer["choices"]] == ["L1"] and len(head["choices"]) == 5 and query["maximum"] == 15
    redraw = handler(demo, "attention_redraw_ui").fn
    out = redraw(GPT, None, PROMPT, "raw", True, True, 1, 3, 4, "zh-CN", req())
    assert "缩放:关" in out[2] and "H3" in out[4].layout.title.text and out[8]["value"] == 4
    out = redraw(GPT, None, "Thé", "softmax", False, False, 1, 1, 0, "en", req())
    assert "inside.unknown" in out[0] and out[1]["visible"] is True and out[3]["value"] is None
    out = redraw(BIGRAM, None, PROMPT, "softmax", False, False, 1, 1, 0, "zh-CN", req())
    assert "Bigram 模型没有注意力" in out[0] and out[1]["visible"] is False
    drop = handler(demo, "drop_unknown_ui").fn
    assert drop(GPT, "Thé ☃", "en", req())[0] == "Th "
    empty = fn(GPT, None, "", "softmax", False, False, None, None, None, "en", req())
    assert "token 0" in empty[0] and empty[8]["maximum"] == 0


def test_softmax_logits_once_and_panels(session):
    logits, chars, p, model, fresh = S.logits_for(session, GPT, "The ")
    cached, *_, again = S.logits_for(session, GPT, "The ")
    assert cached is logits and logits.shape == (len(chars),) and fresh and not again
    panels = inside.distributions(logits, [0.5, 1.0, 1.5], 5, 0.9)
    assert [x.temperature for x in panels] == [0.5, 1.0, 1.5]
    assert all(x.probs.sum() == pytest.approx(1.0) and x.kept.sum() <= 5 for x in panels)
    assert refused(inside.distributions, logits, [9.0], 0, 1.0) == "refuse.range"
    assert refused(inside.distributions, logits, [1.0], 1000, 1.0) == "refuse.range"
    assert refused(inside.distributions, logits, [1.0], 0, 0.0) == "refuse.range"
    assert refused(inside.distributions, logits, [1.0], 2.5, 1.0) == "refuse.integer"


@pytest.mark.parametrize("value, key", [(float("inf"), "refuse.range"), (float("-inf"), "refuse.range"),
                                        (float("nan"), "refuse.number"), ("12", "refuse.number"),
                                        (True, "refuse.number"), (None, "refuse.number"),
                                        (3.5, "refuse.integer"), (1e300, "refuse.range")])
def test_numbers_from_the_api_are_refused_with_a_message(value, key):
    """API callers bypass the sliders: infinities, NaN, strings and fractions get a readable refusal."""
    with pytest.raises(Refusal) as info:
        checks.number(value, "length", 1, 2000, integer=True)
    assert info.value.key == key and "length" in info.value.message("en") and info.value.message("zh")


def test_softmax_ui_handler(demo):
    fn = handler(demo, "softmax_ui").fn
    notice, drop, panels, logits, top_k = fn(BIGRAM, None, "The", 0.5, 1.0, 1.5, "0.1, 3", 3, 1.0, "en", req("soft"))
    assert "Next character after &#x27;e&#x27;" in notice and len(panels.data) == 5
    assert top_k["maximum"] == len(set(TEXT))
    assert "T = 3" in panels.layout.annotations[4].text and isinstance(logits, go.Figure)
    moved = fn(BIGRAM, None, "The", 0.7, 1.0, 1.5, "", 3, 1.0, "en", req("soft"))
    assert "T = 0.7" in moved[2].layout.annotations[0].text and moved[3] is gr.skip() or moved[3] == gr.skip()
    out = fn(BIGRAM, None, "The", 0.5, 1.0, 1.5, "hot", 0, 1.0, "zh-CN", req("soft"))
    assert "inside.temperatures" in out[0] and out[2] is None
    out = fn(BIGRAM, None, "", 1.0, 1.0, 1.0, "", 0, 1.0, "en", req("soft"))
    assert "token 0" in out[0]


def test_streamed_sampling_with_kv_cache(session):
    model, tok, _ = session.get_model(GPT)
    p = inside.resolve_prompt(tok, "The", 16)
    s = sampler.settings(1.0, 5, 0.95, 7, tok.vocab_size)
    chunks = list(sampler.sampled_chars(model, tok, p, 40, s, every=0.0))
    out, done = chunks[-1]
    assert done and len(out) == 40 and all(0 < q <= 1 for _, q, _ in out)
    assert all(c == top[0][0] or any(a == c for a, _ in top) for c, _, top in out)  # drawn from the top 5
    again = list(sampler.sampled_chars(model, tok, p, 40, s))[-1][0]
    assert [c for c, _, _ in again] == [c for c, _, _ in out]  # the seed reproduces it
    for bad in (dict(temperature=-1), dict(temperature=6), dict(top_k=-1), dict(top_p=0), dict(seed=-3)):
        args = {"temperature": 1.0, "top_k": 0, "top_p": 1.0, "seed": 0, **bad}
        with pytest.raises(Refusal):
            sampler.settings(vocab_size=tok.vocab_size, **args)
    with pytest.raises(Refusal):
        next(sampler.sampled_chars(model, tok, p, 2001, s))


def test_step_by_step_with_back(session):
    model, tok, info = session.get_model(GPT)
    s = sampler.settings(1.0, 0, 1.0, 3, tok.vocab_size)
    first = sampler.step_record(sampler.walk_step(session, GPT, model, tok, PROMPT, s), tok)
    assert first["step"] == 1 and first["context"] == PROMPT[-16:] and len(first["top"]) == 10
    second = sampler.step_record(sampler.walk_step(session, GPT, model, tok, PROMPT, s), tok)
    assert second["step"] == 2 and second["context"] == (PROMPT + first["char"])[-16:]  # cropped to block_size
    assert sum(x["p"] for x in second["top"]) <= 1.0 + 1e-6
    back = sampler.step_record(sampler.walk_back(session), tok)
    assert back["text"] == first["text"] and back["step"] == 1
    redo = sampler.step_record(sampler.walk_step(session, GPT, model, tok, PROMPT, s), tok)
    assert redo == second  # Back then Next draws the same character
    other = sampler.walk_step(session, GPT, model, tok, "The", s)
    assert len(other.steps) == 1  # a new prompt starts a new walk
    sampler.walk_reset(session)
    assert sampler.walk_back(session).steps == []


def test_sampling_ui_handlers(demo):
    gen = handler(demo, "sample_stream_ui").fn
    outs = list(gen(BIGRAM, None, "<b>The", 1.0, 0, 1.0, 0, 30, "en", req("samp")))
    assert "inside.unknown" in outs[0][0] and "&lt;" in outs[0][0]  # '<' is not in the vocabulary: named, escaped
    outs = list(gen(BIGRAM, None, "The", 1.0, 0, 1.0, 0, 30, "en", req("samp")))
    assert outs[-1][2].count('class="tok"') == 30
    outs = list(gen(GPT, None, "The", 9.0, 0, 1.0, 0, 30, "zh-CN", req("samp")))
    assert "temperature" in outs[0][0] and "0 与 5" in outs[0][0]
    nxt, back = handler(demo, "sample_next_ui").fn, handler(demo, "sample_back_ui").fn
    out = nxt(GPT, None, "The", 1.0, 100, 1.0, 0, "en", req("samp"))  # top_k above the vocabulary: clamped
    assert "Step 1" in out[2] and isinstance(out[4], go.Figure) and isinstance(out[5], go.Figure)
    out = nxt(GPT, None, "The", 1.0, 0, 1.0, 0, "en", req("samp"))
    assert "Step 2" in out[2]
    assert "Step 1" in back(GPT, None, "The", 1.0, 0, 1.0, 0, "en", req("samp"))[2]
    out = handler(demo, "sample_restart_ui").fn(GPT, None, "The", 1.0, 0, 1.0, 0, "zh-CN", req("samp"))
    assert "还没有步骤" in out[2]


def test_api_functions_in_process(demo, tiny_assets):
    fns = {f.api_name: f.fn for f in demo.fns.values() if f.api_name in (
        "attention", "softmax", "sample_stream", "sample_step", "sample_back")}
    assert set(fns) == {"attention", "softmax", "sample_stream", "sample_step", "sample_back"}
    lanes = {f.api_name: f.concurrency_id for f in demo.fns.values() if f.api_name in fns}
    assert lanes == {"attention": "inspect", "softmax": "inspect", "sample_step": "inspect", "sample_back": "inspect",
                     "sample_stream": "long"}
    r = req("api")
    att = fns["attention"](GPT, PROMPT, "masked", True, True, False, "en", request=r)
    assert att["cropped"] == 3 and att["values"][0][0][0][1] is None and len(att["row_entropy"][0][0]) == 16
    with pytest.raises(gr.Error, match="stage must be one of"):
        fns["attention"](GPT, PROMPT, "after", True, True, False, "en", request=r)
    with pytest.raises(gr.Error, match="no attention"):
        fns["attention"](BIGRAM, PROMPT, "softmax", True, True, False, "en", request=r)
    soft = fns["softmax"](BIGRAM, "Th☃", [0.5, 2], 3, 1.0, True, "en", request=r)
    assert soft["prompt_used"] == "Th" and [p["temperature"] for p in soft["panels"]] == [0.5, 2.0]
    assert sum(soft["panels"][0]["kept"]) == 3
    with pytest.raises(gr.Error, match="not|☃"):
        fns["softmax"](BIGRAM, "Th☃", [1.0], 0, 1.0, False, "en", request=r)
    last = list(fns["sample_stream"](GPT, "", 25, 0.8, 0, 1.0, 1, False, "en", request=r))[-1]
    assert last["done"] and last["empty"] and len(last["text"]) == 26 and len(last["chars"]) == 25
    with pytest.raises(gr.Error, match="max_new_tokens"):
        list(fns["sample_stream"](GPT, "", 5000, 0.8, 0, 1.0, 1, False, "en", request=r))
    step = fns["sample_step"](GPT, "The", 1.0, 0, 1.0, 0, "en", request=r)
    assert step["step"] == 1 and fns["sample_back"]("en", request=r)["step"] == 0
    assert api_inside.endpoints  # the factory binds the endpoints to one app's sessions


def test_the_bigrams_step_greys_all_but_the_last_character(session):
    """The bigram is fed the whole context but reads only its last character: the step view says so."""
    from explorer.inside.sampling import step_view
    for key, only_last in ((BIGRAM, True), (GPT, False)):
        model, tok, _ = session.get_model(key)
        s = sampler.settings(1.0, 0, 1.0, 3, tok.vocab_size)
        sampler.walk_reset(session)
        walk = sampler.walk_step(session, key, model, tok, "The quick", s)
        info = step_view(session, tok, "en")[0]
        assert ("last character alone" in info) == only_last
        assert info.count('class="ctx unread"') == (len(walk.steps[-1].context) - 1 if only_last else 0)
        model_view = step_view(session, tok, "zh-CN")[0]
        assert ("只取决于最后一个字符" in model_view) == only_last
    sampler.walk_reset(session)


def test_multinomial_draws_with_and_without_replacement(session):
    """The Softmax tab draws num_samples at once: with replacement a character repeats, without each once."""
    from explorer.inside.softmax import draw_view
    probs = np.array([0.7, 0.2, 0.1, 0.0])
    many = inside.draws(probs, 200, True, 0)
    assert len(many) == 200 and 3 not in many and 100 < many.count(0) < 180  # counts near n * p
    once = inside.draws(probs, 3, False, 0)
    assert sorted(once) == [0, 1, 2]  # every character with p > 0, each once
    assert refused(inside.draws, probs, 4, False, 0) == "soft.draw_too_many"
    assert refused(inside.draws, probs, 0, True, 0) == "refuse.range"
    assert refused(inside.draws, probs, 2, "yes", 0) == "refuse.bool"
    out = draw_view(session, BIGRAM, None, "The", 1.0, 1.0, 1.0, "", 0, 1.0, 30, True, 1, "en")
    assert out.count('class="draw"') == 30 and "replacement=True" in out
    out = draw_view(session, BIGRAM, None, "The", 1.0, 1.0, 1.0, "", 3, 1.0, 5, False, 1, "zh-CN")
    assert 'data-refusal="soft.draw_too_many"' in out and "无放回" in out  # top-k 3 leaves 3 characters
