"""Why attention divides by sqrt(head_size): with unit-variance q and k, q @ k.T has variance
head_size, and softmax of such large numbers is nearly one-hot; the scale brings it back to 1."""
import torch
from torch.nn import functional as F

# B batch, T time, hs head_size


@torch.no_grad()
def scores(B: int, T: int, head_size: int, seed: int):
    """Unit-variance k and q (B, T, hs), drawn as after torch.manual_seed(seed), and their
    affinities without and with the scale: wei (variance ~ head_size), wei_scaled (variance ~ 1)."""
    g = torch.Generator().manual_seed(seed)
    k = torch.randn(B, T, head_size, generator=g)  # (B, T, hs)
    q = torch.randn(B, T, head_size, generator=g)  # (B, T, hs)
    wei = q @ k.transpose(-2, -1)  # (B, T, hs) @ (B, hs, T) ---> (B, T, T): a sum of hs products
    wei_scaled = q @ k.transpose(-2, -1) * head_size**-0.5  # the final code's "scaled attention"
    return k, q, wei, wei_scaled


@torch.no_grad()
def row_softmax(wei: torch.Tensor, wei_scaled: torch.Tensor, b: int = 0, t: int = -1):
    """Softmax over one row of each (the last token's, which sees every key): diffuse with the
    scale, nearly one-hot without it once head_size is large."""
    return F.softmax(wei[b, t], dim=-1), F.softmax(wei_scaled[b, t], dim=-1)  # (T,), (T,)


@torch.no_grad()
def sharpen(scores: list[float], factor: float) -> tuple[torch.Tensor, torch.Tensor]:
    """The lecture's example: multiplying the scores by a large factor makes softmax peaky, and in
    the limit one-hot (the same thing an unscaled q @ k.T does with head_size large)."""
    x = torch.tensor(scores)
    return torch.softmax(x, dim=-1), torch.softmax(x * factor, dim=-1)
