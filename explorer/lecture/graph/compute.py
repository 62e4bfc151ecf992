"""What the graph section computes: the prompt's (and the second text's) characters as the picked model
sees them, one head's wei with and without the mask, the edges kept, and cross-attention, as numpy;
Refusal for a missing model, the bigram, a bad prompt or bad numbers."""
from dataclasses import dataclass

import numpy as np
import torch

from model.lecture.graph import attend, edges, head_qkv, head_wei, self_and_cross

from ... import checks
from ...errors import Refusal
from ...picker import has_attention, model_for
from ...session import Session

MAX_NODES = 16                  # characters drawn: more would not stay legible on a phone
DEFAULT_PROMPT = "hello, my friend"
DEFAULT_KV = "good day, sir"
DEFAULT_TOP_K, DEFAULT_THRESHOLD = 3, 0.02


@dataclass
class Text:
    """A text box's characters as the model sees them (at most MAX_NODES)."""
    ids: list[int]
    chars: list[str]
    dropped: int = 0  # characters left out at the end


def nodes(tokenizer, text, block_size: int, kv: bool = False) -> Text:
    """The first MAX_NODES (and block_size) characters; empty text or unknown characters are refused."""
    text = checks.prompt(text)
    unknown = tokenizer.unknown_chars(text)
    if unknown:
        raise Refusal("lec.graph.unknown_kv" if kv else "lec.graph.unknown",
                      chars=" ".join(repr(c) for c in unknown[:12]))
    if not text:
        raise Refusal("lec.graph.empty_kv" if kv else "lec.graph.empty")
    n = min(MAX_NODES, block_size)
    return Text(tokenizer.encode(text[:n]), list(text[:n]), max(0, len(text) - n))


def pick(value, field: str, hi: int, reset: bool) -> int:
    """A 1-based layer or head from a dropdown (or an API caller); None is 1. With reset (a new
    prompt or model) a number out of the model's range falls back to 1 instead of being refused."""
    if value is None or (reset and isinstance(value, (int, float)) and not isinstance(value, bool)
                         and value == value and not 1 <= value <= hi):
        return 0
    return checks.number(value, field, 1, hi, integer=True) - 1


@dataclass
class View:
    """Everything the section draws for one set of controls."""
    text: Text
    layer: int
    head: int
    n_layer: int
    n_head: int
    wei: np.ndarray             # (T, T) decoder
    wei_enc: np.ndarray         # (T, T) encoder
    edges: list
    edges_enc: list
    wei_self: np.ndarray | None = None  # (T, T) first layer's head, masked: beside the cross-attention
    cross: dict | None = None   # q, k, v, wei, out as numpy; None when the second text is refused
    kv: Text | None = None
    kv_refusal: Refusal | None = None


def compute(session: Session, key, prompt, kv_text, layer, head, top_k, threshold, reset=False,
            step: int | None = None) -> View:
    """The decoder's and encoder's wei of one head (of the model at a step of its timeline: None, its final
    weights), their edges, and self-/cross-attention; Refusal for a missing model, the bigram, a bad prompt
    or bad numbers."""
    model, tokenizer, _ = model_for(session, key, step)
    if not has_attention(model):
        raise Refusal("lec.graph.no_attention")
    cfg = model.config
    text = nodes(tokenizer, prompt, cfg.block_size)
    layer, head = pick(layer, "layer", cfg.n_layer, reset), pick(head, "head", cfg.n_head, reset)
    top_k = checks.number(DEFAULT_TOP_K if top_k is None else top_k, "top-k", 0, MAX_NODES, integer=True)
    threshold = checks.number(DEFAULT_THRESHOLD if threshold is None else threshold, "threshold", 0.0, 1.0)
    idx = torch.tensor(text.ids, dtype=torch.long)  # (T,)
    wei, wei_enc = head_wei(model, idx, layer, head), head_wei(model, idx, layer, head, causal=False)
    view = View(text, layer, head, cfg.n_layer, cfg.n_head, wei.numpy(), wei_enc.numpy(),
                edges(wei, top_k, threshold), edges(wei_enc, top_k, threshold))
    try:
        view.kv = nodes(tokenizer, kv_text, cfg.block_size, kv=True)
    except Refusal as e:
        view.kv_refusal = e
        view.wei_self = attend(*head_qkv(model, idx, head), causal=True)[0].numpy()
        return view
    out = self_and_cross(model, idx, torch.tensor(view.kv.ids, dtype=torch.long), head)
    view.cross = {name: value.numpy() for name, value in out.items()}
    view.wei_self = view.cross.pop("wei_self")
    return view
