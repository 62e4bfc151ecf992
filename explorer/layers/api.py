"""gradio_client endpoints of the Layers tab: logit_lens, surprise, embeddings. Plain JSON out (NaN
becomes null). Each takes step: a step of the model's timeline (see the timeline endpoint), null or -1
for its final weights (a model without a timeline has only those); and lang for its messages."""
import gradio as gr
import numpy as np

from ..checks import boolean, checked
from ..context import AppContext
from ..errors import user_errors
from ..groups import INSPECT
from ..prompts import DEFAULT_PROMPT
from . import compute
from .compute import DEFAULT_TEXT, MAX_SURPRISE, Scored


def _rounded(a, digits: int = 4):
    """Nested lists with NaN as None (JSON has no NaN)."""
    a = np.round(np.asarray(a, dtype=np.float64), digits)
    return np.where(np.isfinite(a), a, None).tolist()


def _tops(vocab: list[str], ids: np.ndarray, p: np.ndarray) -> list:
    """[[char, p], ...] along the last axis, nested as ids is."""
    if ids.ndim == 1:
        return [[vocab[int(i)], round(float(q), 5)] for i, q in zip(ids, p)]
    return [_tops(vocab, i, q) for i, q in zip(ids, p)]


def _step(info: dict) -> int | None:
    """The training step of the weights read: the timeline's step shown, else the final one."""
    return info.get("step_shown", info.get("step"))


def _scored(s: Scored) -> dict:
    return {"model": s.key, "mean_loss": round(s.mean, 5), "loss": _rounded(s.nll), "stride": s.stride,
            "min_context": s.min_context, "block_size": s.block_size}


def endpoints(ctx: AppContext) -> dict:
    """The endpoint functions, bound to this app's sessions."""
    ctx_session = ctx.session

    def logit_lens(model: str = "", prompt: str = DEFAULT_PROMPT, step: int | None = None,
                   drop_unknown: bool = False, lang: str = "en", request: gr.Request = None) -> dict:
        """lm_head(ln_f(x)) of the residual stream x after the embeddings and after every block, at every
        position of the prompt (cropped to block_size): per layer ("layers": emb, block 1, ...) the top 5 next
        characters ("top"[layer][position] = [[char, p], ...]), p of the prompt's actual next character
        ("p_next", null at the last position) and the mean loss on the prompt in nats ("mean_loss"); "falls"
        says whether it falls layer by layer. Refused for the bigram, which has no layers."""
        with user_errors(lang):
            drop_unknown = boolean(drop_unknown, "drop_unknown")
            lens, p, m, info = compute.lens(ctx_session(request), model or None, prompt, step, drop_unknown)
            n = len(lens.mean_loss)
            return {"model": info["key"], "step": _step(info), "prompt_used": p.text, "cropped": p.cropped,
                    "empty": p.empty, "block_size": m.config.block_size, "n_layer": n - 1,
                    "layers": ["emb"] + [f"block {i}" for i in range(1, n)], "chars": lens.chars,
                    "next": [lens.vocab[i] for i in lens.next_ids] + [None],
                    "top": _tops(lens.vocab, lens.top_ids, lens.top_p), "p_next": _rounded(lens.p_next, 5),
                    "mean_loss": _rounded(lens.mean_loss), "falls": not lens.rises and len(lens.chars) > 1,
                    "rises_at": lens.rises}

    def surprise(model: str = "", text: str = DEFAULT_TEXT, compare_model: str = "", step: int | None = None,
                 drop_unknown: bool = False, lang: str = "en", request: gr.Request = None) -> dict:
        """-log p(char | the block_size characters before it) in nats for every character of text but the
        first ("loss"[i] is text[i + 1]'s), p and the top 5 alternatives; "mean_loss" is their mean, the model's
        loss on the text. At most MAX_SURPRISE (2,000) characters are scored ("cut": how many more were left
        out). With compare_model (a picker key) its losses too, and "delta" = loss of model - loss of
        compare_model. "stride": long texts on large models move their windows by more than 1 character, so
        each character sees at least "min_context" before it."""
        with user_errors(lang):
            drop_unknown = boolean(drop_unknown, "drop_unknown")
            s, info, other = compute.surprise(ctx_session(request), model or None, text, compare_model or None,
                                              step, drop_unknown)
            m = s.main
            out = {**_scored(m), "step": _step(info), "text": s.text, "cut": s.cut, "limit": MAX_SURPRISE,
                   "p": _rounded(np.exp(-m.nll), 5), "top": _tops(m.vocab, m.top_ids, m.top_p),
                   "compare": None, "delta": None}
            if s.other is not None:
                out["compare"], out["delta"] = _scored(s.other), _rounded(s.delta)
            return out

    def embeddings(model: str = "", step: int | None = None, lang: str = "en", request: gr.Request = None) -> dict:
        """token_embedding_table (V, C) projected on its two principal axes (PCA by an SVD of the centred
        table): "xy" per character, "explained" the fraction of the variance along each axis, "kind" each
        character's group; "position_cosine" the (block_size, block_size) cosine similarity of the learned
        positions. For the bigram its (V, V) table's rows, and position_cosine null (it has no positions)."""
        with user_errors(lang):
            e, m, info = compute.embeddings(ctx_session(request), model or None, step)
            return {"model": info["key"], "step": _step(info), "bigram": e.bigram, "chars": e.chars,
                    "kind": e.kinds, "xy": _rounded(e.xy), "explained": _rounded(e.explained, 5),
                    "table": [len(e.chars), e.width],
                    "position_cosine": None if e.cosine is None else _rounded(e.cosine, 3)}

    return {"logit_lens": logit_lens, "surprise": surprise, "embeddings": embeddings}


def register(ctx: AppContext) -> None:
    """Add the endpoints to the Blocks being built, in the inspection concurrency group."""
    for name, fn in endpoints(ctx).items():
        gr.api(checked(fn), api_name=name, **INSPECT)
