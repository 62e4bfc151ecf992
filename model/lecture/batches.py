"""Batches: B random chunks of T characters; the targets are the inputs shifted by one, so every
chunk holds T examples (context x[b, :t+1] -> target y[b, t])."""
import torch

from ..data import CharDataset

# B batch_size, T block_size


def get_batch(data: torch.Tensor, batch_size: int, block_size: int,
              generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The lecture's get_batch, with the starts ix returned too (model/data.py's is the same draw, vectorised)."""
    ix = torch.randint(len(data) - block_size, (batch_size,), generator=generator)  # (B,) random starts
    x = torch.stack([data[i:i + block_size] for i in ix])  # (B, T)
    y = torch.stack([data[i + 1:i + block_size + 1] for i in ix])  # (B, T): x shifted by one
    return ix, x, y


def draw(dataset: CharDataset, split: str, batch_size: int, block_size: int,
         seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """ix, xb, yb for one seed: the batch training would get from dataset.get_batch, and where its rows start."""
    data = dataset.train_data if split == "train" else dataset.val_data
    g = torch.Generator().manual_seed(seed)  # our own generator: the same seed gives the same batch
    xb, yb = dataset.get_batch(split, batch_size, block_size, generator=g)  # (B, T), (B, T)
    g = torch.Generator().manual_seed(seed)  # the same seed again: the same first draw, the same ix
    ix = torch.randint(len(data) - block_size, (batch_size,), generator=g)  # (B,)
    return ix, xb, yb


def examples(xb: torch.Tensor, yb: torch.Tensor) -> list[tuple[int, int, list[int], int]]:
    """The lecture's loop over the batch: B * T examples (b, t, context, target) hidden in one batch."""
    B, T = xb.shape
    out = []
    for b in range(B):  # batch dimension
        for t in range(T):  # time dimension
            context = xb[b, :t + 1]
            target = yb[b, t]
            out.append((b, t, context.tolist(), target.item()))
    return out
