"""What the batches section computes: its settings checked, and one batch drawn by get_batch with a
seed, as plain data (ids as numpy, the tensors as torch prints them)."""
from dataclasses import dataclass

import numpy as np

from model.lecture.batches import draw, examples

from ... import checks
from ...limits import MAX_SEED
from ..data.compute import Corpus

MAX_B, MAX_T = 8, 32          # what a page can show legibly (and one request stays far under 10 ms)
SPLITS = ("train", "val")
DEFAULTS = (4, 8, 1337, "train")  # the lecture's batch_size, block_size and torch.manual_seed(1337)


def whole(value, field: str, lo: int, hi: int) -> int:
    """checks.whole, reading a number sent as text too ("32", " 0 "): an API caller may send one."""
    return checks.whole(checks.from_text(value, field), field, lo, hi)


def check(B, T, seed, split) -> tuple[int, int, int, str]:
    """The batch's settings, checked; the first problem is a Refusal."""
    B = whole(B, "batch_size (B)", 1, MAX_B)
    T = whole(T, "block_size (T)", 1, MAX_T)
    seed = whole(seed, "seed", 0, MAX_SEED)
    return B, T, seed, checks.choice(split, "split", SPLITS)


def next_seed(seed) -> int:
    """The seed after this one, wrapping to 0."""
    return (whole(seed, "seed", 0, MAX_SEED) + 1) % (MAX_SEED + 1)


@dataclass
class Batch:
    """One batch and where it sits in the text."""
    B: int
    T: int
    seed: int
    split: str
    n: int                  # ids in the split
    offset: int             # where the split starts in the whole text
    ix: np.ndarray          # (B,) the random starts
    xb: np.ndarray          # (B, T) inputs
    yb: np.ndarray          # (B, T) targets: xb moved on by one
    printed: tuple          # (str(xb), str(yb)): the tensors as the lecture prints them
    examples: list          # (b, t, context, target) for each of the B x T examples


def batch(c: Corpus, B, T, seed, split) -> Batch:
    """The batch get_batch draws with seed from the corpus's split; Refusal for bad settings."""
    B, T, seed, split = check(B, T, seed, split)
    ix, xb, yb = draw(c.dataset, split, B, T, seed)
    data = c.dataset.train_data if split == "train" else c.dataset.val_data
    offset = 0 if split == "train" else len(c.dataset.train_data)  # val_data starts where train_data ends
    return Batch(B, T, seed, split, len(data), offset, ix.numpy(), xb.numpy(), yb.numpy(), (str(xb), str(yb)),
                 examples(xb, yb))
