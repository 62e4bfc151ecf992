"""Sampling for the Sampling tab and the API: streamed generation (KV cache) with each character's
probability and alternatives, and the lecture's loop one step at a time with Back."""
import time
from dataclasses import dataclass

import numpy as np
import torch

from model.sampling import stream

from .. import checks
from ..errors import Refusal
from ..limits import MAX_NEW_TOKENS, MAX_SEED, MAX_TEMPERATURE
from .compute import MAX_STEPS, Prompt, Step, Walk, cache_of, cutoffs, resolve_prompt, step_once, top_alternatives


@dataclass
class Settings:
    """Checked sampling settings (the server's ranges; top_k 0 and top_p 1 mean off)."""
    temperature: float
    top_k: int | None
    top_p: float | None
    seed: int


def settings(temperature, top_k, top_p, seed, vocab_size: int) -> Settings:
    k, p = cutoffs(top_k, top_p, vocab_size)
    return Settings(checks.number(temperature, "temperature", 0.0, MAX_TEMPERATURE), k, p,
                    checks.whole(0 if seed is None else seed, "seed", 0, MAX_SEED))


def sampled_chars(model, tokenizer, prompt: Prompt, max_new_tokens, s: Settings, every: float = 0.08):
    """Yield (all sampled so far as [(char, p, top alternatives)], done) at most every `every` seconds
    and once at the end. The prompt's full context (cropped to block_size) seeds the KV cache."""
    n = checks.whole(max_new_tokens, "max_new_tokens", 1, MAX_NEW_TOKENS)
    g = torch.Generator().manual_seed(s.seed)
    idx = torch.tensor([prompt.ids], dtype=torch.long)
    chars, out, last = tokenizer.chars, [], time.monotonic()
    for st in stream(model, idx, n, s.temperature, s.top_k, s.top_p, generator=g):
        probs = st.probs[0]
        top = torch.topk(probs, min(5, probs.numel()))
        i = int(st.idx_next[0, 0])
        out.append((chars[i], float(st.p_next[0]),
                    [(chars[j], float(q)) for q, j in zip(top.values.tolist(), top.indices.tolist()) if q > 0]))
        now = time.monotonic()
        if now - last >= every:
            last = now
            yield out, False
    yield out, True


# step by step ---------------------------------------------------------------------------------
def walk_step(session, key: str, model, tokenizer, prompt: str, s: Settings) -> Walk:
    """One more step of the walk (a new walk when the model, the prompt or the seed changed)."""
    cache = cache_of(session)
    with cache.lock:
        walk = cache.walk
        if walk.key != key or walk.start_text != prompt or walk.seed != s.seed or not walk.start:
            p = resolve_prompt(tokenizer, prompt, model.config.block_size)
            walk = cache.walk = Walk(key, p.ids, prompt, (), s.seed, [])
        if len(walk.steps) >= MAX_STEPS:
            raise Refusal("samp.too_many", n=MAX_STEPS)
        g = torch.Generator()
        if walk.steps:
            g.set_state(walk.steps[-1].rng_after)
        else:
            g.manual_seed(s.seed)
        walk.settings = (s.temperature, s.top_k, s.top_p)
        walk.steps.append(step_once(model, walk.ids(), s.temperature, s.top_k, s.top_p, g))
        return walk


def walk_back(session) -> Walk:
    """Undo the last step (nothing happens at the start)."""
    cache = cache_of(session)
    with cache.lock:
        if cache.walk.steps:
            cache.walk.steps.pop()
        return cache.walk


def walk_reset(session) -> Walk:
    cache = cache_of(session)
    with cache.lock:
        cache.walk = Walk()
        return cache.walk


def step_record(walk: Walk, tokenizer, temperature: float | None = None) -> dict:
    """The walk's last step as plain JSON (for the API), or just the text when no step is taken."""
    chars = tokenizer.chars
    text = tokenizer.decode(walk.ids()) if walk.start else ""
    if not walk.steps:
        return {"step": 0, "text": text}
    st: Step = walk.steps[-1]
    order = np.argsort(-st.probs)[:10]
    return {"step": len(walk.steps), "text": text, "context": tokenizer.decode(st.context),
            "idx_next": st.idx_next, "char": chars[st.idx_next], "p_next": round(st.p_next, 6),
            "top": [{"char": chars[i], "logit": round(float(st.logits[i]), 4), "p": round(float(st.probs[i]), 6)}
                    for i in order]}


def walk_sampled(walk: Walk, tokenizer) -> list:
    """[(char, p, alternatives)] of every step, for the coloured text."""
    chars = tokenizer.chars
    return [(chars[s.idx_next], s.p_next, top_alternatives(s.probs, chars)) for s in walk.steps]
