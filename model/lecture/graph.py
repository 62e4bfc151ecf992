"""Attention as communication: one head's wei read as a directed graph over the positions, the
decoder (masked) beside the encoder (unmasked), and cross-attention beside self-attention."""
import torch
from torch.nn import functional as F

# T time, C channels = n_embd, hs head size = C // n_head; a single sequence here (no batch dim)


def head_wei(model, idx: torch.Tensor, layer: int, head: int, causal: bool = True) -> torch.Tensor:
    """wei (T, T) of one head for one sequence idx (T,): row i says how much position i listens to
    each position j, and sums to 1. causal=False drops the tril mask in every layer (an encoder)."""
    trace = model.trace(idx[None], causal=causal)  # a batch of one: (1, T); trace runs under no_grad
    return trace.layers[layer].wei[0, head]  # (T, T)


def edges(wei: torch.Tensor, top_k: int = 0, threshold: float = 0.0) -> list[tuple[int, int, float]]:
    """The graph of wei: an edge j -> i of weight wei[i, j] for every pair where node i listens to
    node j; each node keeps its top_k strongest incoming edges (0: all) above threshold."""
    T = wei.size(0)
    keep = wei > threshold  # masked (future) cells are exactly 0 after softmax: never an edge
    if 0 < top_k < T:
        strongest = wei.topk(top_k, dim=-1).indices  # (T, top_k)
        keep &= torch.zeros_like(keep).scatter_(-1, strongest, True)
    return [(j, i, wei[i, j].item()) for i, j in keep.nonzero().tolist()]  # (from, to, weight)


def head_qkv(model, idx: torch.Tensor, head: int):
    """q, k, v (T, hs) of one head of the model's first layer, for one sequence idx (T,)."""
    block, C = model.blocks[0], model.config.n_embd
    hs = C // model.config.n_head
    with torch.no_grad():  # looking, not training
        x = block.ln1(model._embed(idx[None]))[0]  # token + position embeddings, layer-normed: (T, C)
        q, k, v = block.sa.qkv(x).split(C, dim=-1)  # (T, C) @ (C, 3C) -> 3 x (T, C)
    h = slice(head * hs, (head + 1) * hs)  # this head's columns
    return q[:, h], k[:, h], v[:, h]  # (T, hs) each


def attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool):
    """The lecture's head on given queries, keys and values: (wei, out)."""
    hs = q.size(-1)
    wei = q @ k.transpose(-2, -1) * hs**-0.5  # (T_q, hs) @ (hs, T_kv) -> (T_q, T_kv)
    if causal:  # a decoder; delete these two lines and you have an encoder
        tril = torch.tril(torch.ones(q.size(0), k.size(0)))
        wei = wei.masked_fill(tril == 0, float("-inf"))
    wei = F.softmax(wei, dim=-1)  # each row sums to 1
    out = wei @ v  # (T_q, T_kv) @ (T_kv, hs) -> (T_q, hs)
    return wei, out


def self_and_cross(model, idx: torch.Tensor, idx_kv: torch.Tensor, head: int):
    """Self-attention of idx with itself (masked), and cross-attention: queries from idx, keys and
    values from another sequence idx_kv (no mask: every query may read every key)."""
    q, k, v = head_qkv(model, idx, head)  # (T, hs) each
    _, k_kv, v_kv = head_qkv(model, idx_kv, head)  # the same projections on the other text: (T_kv, hs)
    wei_self, out_self = attend(q, k, v, causal=True)  # (T, T), (T, hs)
    wei_cross, out_cross = attend(q, k_kv, v_kv, causal=False)  # (T, T_kv), (T, hs)
    return dict(q=q, k=k_kv, v=v_kv, wei_self=wei_self, out_self=out_self, wei=wei_cross, out=out_cross)
