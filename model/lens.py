"""Looking inside a trained model: the logit lens (what the residual stream predicts after every
block), per-character surprise (-log p of each character of a text), and the embedding tables
projected to 2-D by PCA. Pure PyTorch; every function runs in eval mode with no gradients."""
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch.nn import functional as F

# B batch, T time, C channels = n_embd, V vocab, L n_layer, N characters of a text


@contextmanager
def evaluating(model):
    """model.eval() and no gradients inside; the previous mode is restored after."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield model
    finally:
        model.train(was_training)


def has_blocks(model) -> bool:
    """A GPT (it has a residual stream, even with 0 blocks); the bigram has only its table."""
    return hasattr(model, "blocks") and hasattr(model, "ln_f")


# the logit lens ------------------------------------------------------------------------------
def residual_stream(model, idx: torch.Tensor) -> list[torch.Tensor]:
    """x after the embeddings (tok_emb + pos_emb) and after each block: L + 1 tensors (B, T, C)."""
    with evaluating(model):
        x = model._embed(idx)  # (B, T, C): tok_emb + pos_emb, as forward() begins
        xs = [x]
        for block in model.blocks:
            x = block(x)  # (B, T, C)
            xs.append(x)
    return xs


def logit_lens(model, idx: torch.Tensor) -> torch.Tensor:
    """Read every point of the residual stream out as the last block's output is read: lm_head(ln_f(x)).
    Returns logits (L + 1, B, T, V); the last row is the model's own logits."""
    with evaluating(model):
        xs = torch.stack(residual_stream(model, idx))  # (L + 1, B, T, C)
        return model.lm_head(model.ln_f(xs))           # (L + 1, B, T, V)


# per-character surprise -----------------------------------------------------------------------
@dataclass
class Surprise:
    """-log p of every character of a text but the first, each given the characters before it."""
    nll: torch.Tensor       # (N - 1,) nats: -log p(ids[i] | context) for i = 1 .. N - 1
    probs: torch.Tensor     # (N - 1, V) the distribution each character was drawn against
    stride: int             # the windows of block_size moved by this many characters
    min_context: int        # characters of context every character past the first window has at least


def windows(n: int, block_size: int, stride: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """How a text of n ids is scored: (starts (W,), window (M,), pos (M,)). Window w covers
    ids[starts[w] : starts[w] + block_size]; target i (i = 1 .. n - 1) is read from window window[i-1] at
    position pos[i-1] (the window's output there predicts ids[i]). The first window scores all its
    positions; after it each window ends at the last target it scores, and moves by stride."""
    T = min(block_size, n - 1)  # the first window: ids[0:T] predicts ids[1:T+1]
    later = torch.arange(T + 1, n)  # targets past the first window
    chunk = (later - (T + 1)) // stride  # which later window scores each target
    ends = torch.clamp((T + 1) + stride * (torch.arange(int(chunk[-1]) + 1 if len(later) else 0) + 1) - 1,
                       max=n - 1)  # the last target each later window scores
    starts = torch.cat([torch.zeros(1, dtype=torch.long), ends - T])  # window w: ids[start : start + T]
    window = torch.cat([torch.zeros(T, dtype=torch.long), chunk + 1])
    pos = torch.cat([torch.arange(T), later - 1 - starts[chunk + 1]])
    return starts, window, pos


def surprise(model, ids: torch.Tensor, stride: int = 1, batch: int = 32) -> Surprise:
    """Score every character of ids (N,) but the first with the model, in windows of block_size: the
    first window gives all its positions, then each later window ends at the characters it scores
    (stride 1: every character has exactly min(i, block_size) characters of context, as in generate()).
    The windows run through the model in batches of `batch`; only the positions scored are kept."""
    n, block_size = len(ids), model.config.block_size
    if n < 2:
        raise ValueError("a text of at least 2 characters is needed: the first has no context")
    stride = max(1, min(int(stride), block_size))
    starts, window, pos = windows(n, block_size, stride)
    T = min(block_size, n - 1)
    rows = starts[:, None] + torch.arange(T)  # (W, T) ids of each window
    picked = []
    with evaluating(model):
        for lo in range(0, len(starts), batch):
            logits, _ = model(ids[rows[lo:lo + batch]])  # (b, T, V)
            mine = (window >= lo) & (window < lo + batch)
            picked.append(logits[window[mine] - lo, pos[mine]])  # (m, V)
    logits = torch.cat(picked).float()  # (N - 1, V), in target order
    targets = ids[1:]
    nll = F.cross_entropy(logits, targets, reduction="none")  # (N - 1,)
    min_context = T - stride + 1 if n - 1 > T else 1
    return Surprise(nll, F.softmax(logits, dim=-1), stride, min_context)


def stride_for(model, n: int, budget: float = 6.5e9) -> int:
    """The smallest stride (1, 2, 4, ... up to block_size // 2) whose windows cost at most budget
    multiply-adds (tokens x parameters): exact windows for the small models, half-overlapping
    windows for a long text on a large one (each character then sees at least block_size // 2)."""
    block_size = model.config.block_size
    params = sum(p.numel() for p in model.parameters())
    stride, top = 1, max(1, block_size // 2)
    cost = lambda s: (1 + -(-max(0, n - 1 - block_size) // s)) * min(block_size, n) * params  # windows x T x params
    while stride < top and cost(stride) > budget:
        stride *= 2
    return min(stride, top)


# embeddings ----------------------------------------------------------------------------------
@dataclass
class PCA:
    """Rows of a table projected onto its k principal axes."""
    xy: torch.Tensor          # (rows, k) the centred rows projected: (X - mean) @ components.T
    components: torch.Tensor  # (k, D) orthonormal axes, each signed so its largest entry is positive
    explained: torch.Tensor   # (k,) fraction of the variance along each axis


def pca(X: torch.Tensor, k: int = 2) -> PCA:
    """PCA through the SVD of the centred table X (rows, D) = U S Vh: the axes are Vh's first k rows,
    the variance along axis j is S[j]^2 / (rows - 1)."""
    X = X.detach().double()
    Xc = X - X.mean(0)  # (rows, D)
    _, S, Vh = torch.linalg.svd(Xc, full_matrices=False)  # S (r,), Vh (r, D)
    comps = Vh[:k]  # (k, D)
    flip = torch.sign(comps.gather(1, comps.abs().argmax(1, keepdim=True)))  # (k, 1): a fixed sign
    comps = comps * flip
    var = S ** 2
    return PCA(Xc @ comps.T, comps, var[:k] / var.sum())  # (rows, D) @ (D, k) -> (rows, k)


def token_table(model) -> torch.Tensor:
    """wte (V, C) of a GPT; the bigram's table (V, V): row i holds the logits that follow character i."""
    return model.token_embedding_table.weight.detach()


def position_cosine(model) -> torch.Tensor | None:
    """Cosine similarity of every pair of learned positions (block_size, block_size); None for the bigram."""
    if not has_blocks(model):
        return None
    wpe = F.normalize(model.position_embedding_table.weight.detach().double(), dim=1)  # (T, C), unit rows
    return wpe @ wpe.T  # (T, C) @ (C, T) -> (T, T)
