"""The mathematical trick in self-attention: token t averages tokens 0..t, four ways. The first three
give the same xbow; the fourth, self-attention, lets the data choose the weights in wei."""
import math

import torch
import torch.nn as nn
from torch.nn import functional as F

# B batch, T time, C channels, hs head_size


def toy_x(B: int, T: int, C: int, seed: int) -> tuple[torch.Tensor, torch.Generator]:
    """x = torch.randn(B, T, C) as after torch.manual_seed(seed), drawn from a generator of our own
    (same numbers, and no other user's seed is touched); g goes on to draw version 4's weights."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(B, T, C, generator=g)  # (B, T, C)
    return x, g


@torch.no_grad()
def version1(x: torch.Tensor) -> torch.Tensor:
    """version 1: a for loop. xbow[b, t] = mean_{i<=t} x[b, i] ("bag of words": an average)."""
    B, T, C = x.shape
    xbow = torch.zeros((B, T, C))
    for b in range(B):
        for t in range(T):
            xprev = x[b, :t + 1]  # (t+1, C)
            xbow[b, t] = torch.mean(xprev, 0)
    return xbow


@torch.no_grad()
def version2(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """version 2: the same averages as one matrix multiply, with weights wei (each row sums to 1)."""
    T = x.shape[1]
    wei = torch.tril(torch.ones(T, T))
    wei = wei / wei.sum(1, keepdim=True)  # (T, T)
    xbow2 = wei @ x  # (T, T) @ (B, T, C) ---> (B, T, T) @ (B, T, C) ---> (B, T, C)
    return wei, xbow2


@torch.no_grad()
def version3(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """version 3: softmax of zeros with the future masked to -inf gives the same wei; the zeros
    are where data-dependent affinities will go."""
    T = x.shape[1]
    tril = torch.tril(torch.ones(T, T))
    wei = torch.zeros((T, T))
    wei = wei.masked_fill(tril == 0, float('-inf'))  # tokens from the future cannot communicate
    wei = F.softmax(wei, dim=-1)  # (T, T)
    xbow3 = wei @ x  # (B, T, C)
    return wei, xbow3


@torch.no_grad()
def version4(x: torch.Tensor, head_size: int, g: torch.Generator, scale: bool = True):
    """version 4: self-attention. Every token emits a query ("what am I looking for") and a key
    ("what do I contain"); their dot products are the affinities wei, so the weights depend on x."""
    B, T, C = x.shape
    key = nn.Linear(C, head_size, bias=False)
    query = nn.Linear(C, head_size, bias=False)
    value = nn.Linear(C, head_size, bias=False)
    for layer in (key, query, value):  # nn.Linear's own init, drawn from g so that a seed repeats
        nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=g)
    k = key(x)    # (B, T, hs)
    q = query(x)  # (B, T, hs)
    wei = q @ k.transpose(-2, -1)  # (B, T, hs) @ (B, hs, T) ---> (B, T, T)
    if scale:  # the final code scales by head_size**-0.5 (why: section 5); the notebook here did not yet
        wei = wei * head_size**-0.5
    tril = torch.tril(torch.ones(T, T))
    wei = wei.masked_fill(tril == 0, float('-inf'))
    wei = F.softmax(wei, dim=-1)  # (B, T, T)
    v = value(x)  # (B, T, hs)
    out = wei @ v  # (B, T, T) @ (B, T, hs) ---> (B, T, hs)
    return wei, out


@torch.no_grad()
def weighted_sum(T: int, t: int, seed: int):
    """The lecture's toy a @ b read as block matrices: row t of c = a @ b is the sum over the rows
    b[s] of b, each weighted by a[t, s]. Returns a (T, T), b (T, 2), c (T, 2), terms (T, 2)."""
    g = torch.Generator().manual_seed(seed)
    a = torch.tril(torch.ones(T, T))
    a = a / torch.sum(a, 1, keepdim=True)
    b = torch.randint(0, 10, (T, 2), generator=g).float()
    c = a @ b  # (T, T) @ (T, 2) ---> (T, 2)
    terms = a[t, :, None] * b  # (T, 2): row s is a[t, s] * b[s]; terms.sum(0) == c[t]
    return a, b, c, terms
