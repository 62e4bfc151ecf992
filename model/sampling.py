"""Temperature, top-k and top-p; generate() for both models; step-by-step sampling."""
from dataclasses import dataclass
from typing import Iterator

import torch
from torch.nn import functional as F

GREEDY_BELOW = 1e-4  # a temperature at or below this means: take the argmax


@dataclass
class SampleStep:
    """One step of generation, everything the lecture's loop computes (batch row 0 for B > 1)."""
    context: torch.Tensor   # (B, T') ids the model saw, cropped to block_size
    logits: torch.Tensor    # (B, V) last position's logits, before temperature
    probs: torch.Tensor     # (B, V) after temperature, top-k and top-p; rows sum to 1
    idx_next: torch.Tensor  # (B, 1) the sampled ids
    p_next: torch.Tensor    # (B,) the probability idx_next had when it was drawn


def check_sampling_args(temperature: float, top_k: int | None, top_p: float | None) -> None:
    """Refuse values that have no meaning, with a message that says which."""
    if not isinstance(temperature, (int, float)) or temperature != temperature or temperature < 0:
        raise ValueError(f"temperature must be a number >= 0, got {temperature!r}")
    if top_k is not None and (not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"top_k must be a positive integer or None, got {top_k!r}")
    if top_p is not None and (not isinstance(top_p, (int, float)) or not 0 < top_p <= 1):
        raise ValueError(f"top_p must be in (0, 1] or None, got {top_p!r}")


def probs_from_logits(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
                      top_p: float | None = None) -> torch.Tensor:
    """softmax(logits / temperature) over the kept characters; (..., V) -> (..., V)."""
    check_sampling_args(temperature, top_k, top_p)
    logits = logits.float()
    if temperature <= GREEDY_BELOW:  # the limit T -> 0 is one-hot at the argmax, without dividing by 0
        return F.one_hot(logits.argmax(-1), logits.size(-1)).to(logits.dtype)
    logits = logits / temperature
    if top_k is not None and top_k < logits.size(-1):
        kth = torch.topk(logits, top_k, dim=-1).indices  # exactly k kept, even with ties
        keep = torch.zeros_like(logits, dtype=torch.bool).scatter_(-1, kth, True)
        logits = logits.masked_fill(~keep, float("-inf"))
    probs = F.softmax(logits, dim=-1)
    if top_p is not None and top_p < 1.0:
        sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
        # keep the smallest set whose mass reaches top_p: drop a char if the mass before it already does
        drop_sorted = (sorted_probs.cumsum(-1) - sorted_probs) >= top_p
        drop = torch.zeros_like(drop_sorted).scatter_(-1, order, drop_sorted)
        probs = probs.masked_fill(drop, 0.0)
        probs = probs / probs.sum(-1, keepdim=True)
    return probs


def stream(model, idx: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
           top_k: int | None = None, top_p: float | None = None,
           generator: torch.Generator | None = None, use_cache: bool = True) -> Iterator[SampleStep]:
    """Yield one SampleStep per new character; idx (B, T) may be empty (starts from token 0)."""
    check_sampling_args(temperature, top_k, top_p)
    if idx.numel() == 0:
        idx = torch.zeros((max(idx.size(0), 1), 1), dtype=torch.long, device=idx.device)  # the lecture starts from 0 ("\n")
    block_size = model.config.block_size
    was_training = model.training
    model.eval()
    cache = None
    try:
        for _ in range(max_new_tokens):
            idx_cond = idx[:, -block_size:]  # crop to the last block_size tokens
            # the cache is valid only while the window still starts at position 0: once it
            # slides, every token's position changes, so the whole window is computed afresh
            reuse = use_cache and cache is not None and idx.size(1) <= block_size
            with torch.no_grad():
                logits, cache = model.next_logits(idx_cond, cache if reuse else None)  # (B, V)
            probs = probs_from_logits(logits, temperature, top_k, top_p)  # (B, V)
            idx_next = torch.multinomial(probs, num_samples=1, generator=generator)  # (B, 1)
            p_next = probs.gather(-1, idx_next).squeeze(-1)
            yield SampleStep(idx_cond, logits, probs, idx_next, p_next)
            idx = torch.cat((idx, idx_next), dim=1)  # (B, T+1)
    finally:
        model.train(was_training)


def generate(model, idx: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
             top_k: int | None = None, top_p: float | None = None,
             generator: torch.Generator | None = None, use_cache: bool = True) -> torch.Tensor:
    """idx (B, T) followed by max_new_tokens sampled ids: (B, T + max_new_tokens)."""
    out = [idx] if idx.numel() else [torch.zeros((max(idx.size(0), 1), 1), dtype=torch.long, device=idx.device)]
    for step in stream(model, idx, max_new_tokens, temperature, top_k, top_p, generator, use_cache):
        out.append(step.idx_next)
    return torch.cat(out, dim=1)
