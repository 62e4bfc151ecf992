"""What the trick section computes: the lecture's four versions of xbow on a toy x, their wei, the
checks that they agree, and the a @ b worked example, as numpy; the controls checked first."""
from dataclasses import dataclass

import torch

from model.lecture import trick as M

from ... import checks
from ...limits import MAX_SEED

MAX_B, MAX_T, MAX_C, MAX_HS = 8, 16, 64, 64
DEFAULTS = dict(B=4, T=8, C=32, head_size=16, seed=1337, b=0, scale=False, row=3)  # the notebook's v4: no scale yet


@dataclass
class Trick:
    """Everything the section draws for one set of controls."""
    B: int
    T: int
    C: int
    head_size: int
    b: int
    row: int
    scale: bool
    weis: list            # [(T, T)] * 3 for versions 1-3, then version 4's (B, T, T); numpy
    diffs: list           # (name, name, allclose, max abs difference) for the pairs of versions 1-3
    rows_err: float       # version 4: max |row sum - 1|
    future: float         # version 4: the largest weight above the diagonal
    out_shape: tuple
    spread: float         # version 4: how far wei[b] differs from wei[0] (its weights depend on x)
    block: tuple          # a, b, c, terms of the worked example (numpy)


def parse(B, T, C, head_size, seed, b, row) -> tuple:
    """The controls as ints (refused when not numbers or out of range; b and row are clamped)."""
    B, T, C = checks.whole(B, "B", 1, MAX_B), checks.whole(T, "T", 1, MAX_T), checks.whole(C, "C", 1, MAX_C)
    head_size, seed = checks.whole(head_size, "head_size", 1, MAX_HS), checks.whole(seed, "seed", 0, MAX_SEED)
    b = min(checks.whole(0 if b is None else b, "b", 0, MAX_B), B - 1)
    row = min(checks.whole(T - 1 if row is None else row, "t", 0, MAX_T), T - 1)
    return B, T, C, head_size, seed, b, row


def compute(B, T, C, head_size, seed, b, scale, row) -> Trick:
    """Run the four versions and the worked example; raises Refusal on bad input."""
    B, T, C, head_size, seed, b, row = parse(B, T, C, head_size, seed, b, row)
    x, g = M.toy_x(B, T, C, seed)
    xbow = M.version1(x)
    wei1 = M.version1(torch.eye(T)[None])[0]  # the loop is linear: its matrix is what it does to I
    wei2, xbow2 = M.version2(x)
    wei3, xbow3 = M.version3(x)
    wei4, out = M.version4(x, head_size, g, scale=bool(scale))
    pairs = (("xbow", xbow, "xbow2", xbow2), ("xbow", xbow, "xbow3", xbow3), ("xbow2", xbow2, "xbow3", xbow3))
    diffs = [(n1, n2, bool(torch.allclose(u, v)), float((u - v).abs().max())) for n1, u, n2, v in pairs]
    return Trick(B, T, C, head_size, b, row, bool(scale),
                 [w.numpy() for w in (wei1, wei2, wei3, wei4)], diffs,
                 float((wei4.sum(-1) - 1).abs().max()), float(torch.triu(wei4, 1).max()), tuple(out.shape),
                 float((wei4 - wei4[:1]).abs().max()),
                 tuple(m.numpy() for m in M.weighted_sum(T, row, seed)))
