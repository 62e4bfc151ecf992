"""What the scale section computes: unit-variance q and k, their affinities with and without the
scale, one row's softmax of each, and the lecture's sharpening example, as numpy; the controls checked first."""
from dataclasses import dataclass

import numpy as np

from model.lecture import scale as M

from ... import checks
from ...limits import MAX_SEED

MAX_HS, MAX_B, MAX_T = 256, 16, 64
DEFAULTS = dict(head_size=16, B=4, T=8, seed=1337)  # the lecture's illustration
SHARPEN = ([0.1, -0.2, 0.3, -0.2, 0.5], 8)  # the lecture's example scores and factor


@dataclass
class Scale:
    """What the section draws for one set of controls (numpy)."""
    head_size: int
    B: int
    T: int
    var_k: float
    var_q: float
    wei: np.ndarray         # (B, T, T) q @ k.T
    wei_scaled: np.ndarray  # (B, T, T) q @ k.T * head_size**-0.5
    row_raw: np.ndarray     # (T,) softmax of wei[0, -1]
    row_scaled: np.ndarray  # (T,) softmax of wei_scaled[0, -1]
    max_raw: float          # mean over all rows of the softmax's largest weight
    max_scaled: float


def compute(head_size, B, T, seed) -> Scale:
    """Draw q and k and measure; raises Refusal for non-numbers or sizes out of range."""
    head_size, B = checks.whole(head_size, "head_size", 1, MAX_HS), checks.whole(B, "B", 1, MAX_B)
    T, seed = checks.whole(T, "T", 2, MAX_T), checks.whole(seed, "seed", 0, MAX_SEED)
    k, q, wei, wei_scaled = M.scores(B, T, head_size, seed)
    row_raw, row_scaled = M.row_softmax(wei, wei_scaled)
    return Scale(head_size, B, T, float(k.var()), float(q.var()), wei.numpy(), wei_scaled.numpy(),
                 row_raw.numpy(), row_scaled.numpy(), float(wei.softmax(-1).amax(-1).mean()),
                 float(wei_scaled.softmax(-1).amax(-1).mean()))


def sharpen() -> tuple[list[float], float, np.ndarray, np.ndarray]:
    """(scores, factor, softmax(scores), softmax(scores * factor)): the lecture's example."""
    scores, factor = SHARPEN
    p1, p2 = M.sharpen(scores, factor)
    return scores, factor, p1.numpy(), p2.numpy()
