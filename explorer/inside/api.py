"""gradio_client endpoints of the inside-the-model tabs: attention, softmax, sample_stream,
sample_step, sample_back. Plain JSON out; -inf (masked) becomes null. Each call takes lang."""
import math
from typing import Iterator

import gradio as gr
import numpy as np

from ..checks import boolean, checked, choice, whole
from ..context import AppContext
from ..errors import Refusal, user_errors
from ..groups import INSPECT, LONG
from ..limits import MAX_NEW_TOKENS
from ..picker import has_attention, model_for
from ..steps import api_step
from . import sampler
from .compute import (DEFAULT_PROMPT, STAGES, attention as trace_attention, cutoffs, entropy, entropy_bits, last_logits, panel,
                      parse_temperatures, resolve_prompt)


def _rounded(a: np.ndarray, digits: int = 4):
    """Nested lists with -inf / nan as None (JSON has no infinity)."""
    a = np.round(np.asarray(a, dtype=np.float64), digits)
    return np.where(np.isfinite(a), a, None).tolist()


def _resolve(m, tokenizer, prompt: str, drop_unknown: bool):
    """The prompt as the model sees it: resolved last, once every number has been checked."""
    return resolve_prompt(tokenizer, prompt, m.config.block_size, drop_unknown=boolean(drop_unknown, "drop_unknown"))


def _prompt_json(p, block_size: int) -> dict:
    return {"prompt_used": p.text, "cropped": p.cropped, "empty": p.empty, "block_size": block_size}


def endpoints(ctx: AppContext) -> dict:
    """The endpoint functions, bound to this app's sessions."""
    ctx_session = ctx.session

    def attention(model: str = "", prompt: str = DEFAULT_PROMPT, stage: str = "softmax", scale: bool = True,
                  causal: bool = True, drop_unknown: bool = False, lang: str = "en",
                  step: int | None = None, request: gr.Request = None) -> dict:
        """Every layer's and head's attention for the prompt at one stage (raw, scaled, masked, softmax):
        values[layer][head][query][key] (null where masked), plus each row's max weight and entropy (row_entropy in
        nats, the loss's unit; row_entropy_bits in bits). step: the model at that step of its timeline."""
        with user_errors(lang):
            stage, scale, causal = choice(stage, "stage", STAGES), boolean(scale, "scale"), boolean(causal, "causal")
            m, tokenizer, info = model_for(ctx_session(request), model or None, api_step(step))
            p = _resolve(m, tokenizer, prompt, drop_unknown)
            if not has_attention(m):
                raise Refusal("att.no_attention")
            att = trace_attention(m, p.ids, list(p.text), scale=scale, causal=causal)
            return {"model": info["key"], **_prompt_json(p, m.config.block_size), "chars": att.chars, "stage": stage,
                    "n_layer": int(att.softmax.shape[0]), "n_head": int(att.softmax.shape[1]),
                    "values": _rounded(att.stage(stage)), "row_max": _rounded(att.softmax.max(-1)),
                    "row_entropy": _rounded(entropy(att.softmax)), "row_entropy_bits": _rounded(entropy_bits(att.softmax))}


    def softmax(model: str = "", prompt: str = DEFAULT_PROMPT, temperatures: list[float] | str = "0.5, 1.0, 1.5",
                top_k: int = 0, top_p: float = 1.0, drop_unknown: bool = False, lang: str = "en",
                step: int | None = None, request: gr.Request = None) -> dict:
        """The next character's distribution after the prompt, at each temperature (0..5, at most 6), with
        top-k (0 = off) and top-p (1 = off): probs after the cut, full before it, kept, entropy in nats (and bits).
        step: the model at that step of its timeline (null or -1: its final weights)."""
        with user_errors(lang):
            m, tokenizer, info = model_for(ctx_session(request), model or None, api_step(step))
            temps, (k, q) = parse_temperatures(temperatures), cutoffs(top_k, top_p, tokenizer.vocab_size)
            p = _resolve(m, tokenizer, prompt, drop_unknown)
            logits = last_logits(m, p.ids)
            panels = [panel(logits, T, k, q) for T in temps]
            return {"model": info["key"], **_prompt_json(p, m.config.block_size), "vocab": tokenizer.chars,
                    "logits": _rounded(logits),
                    "panels": [{"temperature": x.temperature, "entropy": round(x.entropy, 4), "entropy_bits": round(x.entropy / math.log(2), 4),
                                "probs": _rounded(x.probs, 6), "full": _rounded(x.full, 6), "kept": x.kept.tolist()}
                               for x in panels]}


    def sample_stream(model: str = "", prompt: str = "", max_new_tokens: int = 200, temperature: float = 1.0,
                      top_k: int = 0, top_p: float = 1.0, seed: int = 0, drop_unknown: bool = False,
                      lang: str = "en", step: int | None = None, request: gr.Request = None) -> Iterator[dict]:
        """Generate max_new_tokens (1..2000) characters with a KV cache, yielding the text so far (about
        12 times a second); each of "chars" is {char, p, top: [[char, p], ...]}. Empty prompt: token 0.
        step: the model at that step of its timeline (null or -1: its final weights)."""
        with user_errors(lang):
            m, tokenizer, info = model_for(ctx_session(request), model or None, api_step(step))
            s = sampler.settings(temperature, top_k, top_p, seed, tokenizer.vocab_size)
            n = whole(max_new_tokens, "max_new_tokens", 1, MAX_NEW_TOKENS)
            p = _resolve(m, tokenizer, prompt, drop_unknown)
            for out, done in sampler.sampled_chars(m, tokenizer, p, n, s):
                yield {"model": info["key"], **_prompt_json(p, m.config.block_size), "done": done,
                       "text": p.text + "".join(c for c, _, _ in out),
                       "chars": [{"char": c, "p": round(q, 5), "top": [[a, round(b, 5)] for a, b in top]}
                                 for c, q, top in out]}


    def sample_step(model: str = "", prompt: str = "", temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0,
                    seed: int = 0, lang: str = "en", step: int | None = None, request: gr.Request = None) -> dict:
        """One step of the lecture's loop: context (cropped to block_size) -> last logits -> probs ->
        idx_next appended. Same model, prompt and seed continue the walk; anything else starts a new one.
        step: the model at that step of its timeline (null or -1: its final weights)."""
        with user_errors(lang):
            session = ctx_session(request)
            m, tokenizer, info = model_for(session, model or None, api_step(step))
            s = sampler.settings(temperature, top_k, top_p, seed, tokenizer.vocab_size)
            walk = sampler.walk_step(session, info["key"], m, tokenizer, prompt or "", s)
            return sampler.step_record(walk, tokenizer)


    def sample_back(lang: str = "en", request: gr.Request = None) -> dict:
        """Undo the last step of the walk; returns the step now last (step 0: none left)."""
        with user_errors(lang):
            session = ctx_session(request)
            walk = sampler.walk_back(session)
            if not walk.key:
                return {"step": 0, "text": ""}
            _, tokenizer, _ = model_for(session, walk.key)
            return sampler.step_record(walk, tokenizer)

    return {"attention": attention, "softmax": softmax, "sample_stream": sample_stream,
            "sample_step": sample_step, "sample_back": sample_back}


def register(ctx: AppContext) -> None:
    """Add the endpoints to the Blocks being built, in the inspection concurrency group."""
    for name, fn in endpoints(ctx).items():
        gr.api(checked(fn), api_name=name, **(LONG if name == "sample_stream" else INSPECT))
