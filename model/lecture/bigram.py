"""The bigram and its loss, as the lecture builds them: the (V, V) table, cross-entropy one position
at a time, the uniform baseline ln V, and the generate() loop."""
import math
from dataclasses import dataclass

import torch
from torch.nn import functional as F

from ..bigram import BigramLanguageModel
from ..config import GPTConfig


def fresh_bigram(vocab_size: int, seed: int) -> BigramLanguageModel:
    """An untrained bigram: nn.Embedding's own init, every logit drawn from N(0, 1), seeded."""
    model = BigramLanguageModel(GPTConfig(model_type="bigram", vocab_size=vocab_size, block_size=8))
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        model.token_embedding_table.weight.normal_(0.0, 1.0, generator=g)  # same as nn.Embedding, but seeded
    return model.eval()


def bigram_table(model) -> tuple[torch.Tensor, torch.Tensor]:
    """The whole model: row i of the table holds the logits of the character after i."""
    W = model.token_embedding_table.weight.detach()  # (V, V)
    probs = F.softmax(W, dim=-1)                     # (V, V), every row sums to 1
    return W.clone(), probs


@dataclass
class Chain:
    """Cross-entropy at one position (b, t), step by step, and over the whole batch."""
    logits: torch.Tensor    # (V,) the row of the table for xb[b, t]
    probs: torch.Tensor     # (V,) softmax(logits)
    target: int             # yb[b, t]: the character that really comes next
    p_target: float         # probs[target]
    term: float             # -log p_target: this position's share of the loss
    losses: torch.Tensor    # (B, T) the term at every position
    mean: float             # losses.mean()
    loss: float             # F.cross_entropy, as the model's forward computes it


def loss_chain(model, xb: torch.Tensor, yb: torch.Tensor, b: int, t: int) -> Chain:
    """logits -> softmax -> p[target] -> -log p, at (b, t) and then averaged over all B*T positions."""
    with torch.no_grad():
        logits, loss = model(xb, yb)                 # (B, T, V); loss = F.cross_entropy(...)
    B, T, V = logits.shape
    probs = F.softmax(logits, dim=-1)                # (B, T, V)
    p_target = probs.gather(-1, yb.unsqueeze(-1))    # (B, T, 1): the probability of the right answer
    losses = -torch.log(p_target.squeeze(-1))        # (B, T)
    return Chain(logits[b, t], probs[b, t], int(yb[b, t]), float(p_target[b, t]), float(losses[b, t]),
                 losses, float(losses.mean()), float(loss))


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The lecture's reshape: (B, T, V) logits and (B, T) targets -> one number."""
    B, T, V = logits.shape
    return F.cross_entropy(logits.view(B * T, V), targets.view(B * T))


def uniform_loss(vocab_size: int) -> float:
    """The loss of a model that knows nothing and says so: p = 1/V everywhere, -log(1/V) = ln V."""
    return math.log(vocab_size)


def row_entropy(probs: torch.Tensor) -> torch.Tensor:
    """Entropy of each row in nats; ln V for a flat row, lower for a peaked (confident) one."""
    return -(probs * torch.log(probs)).sum(dim=-1)  # (V,)


def generate(model, idx: torch.Tensor, max_new_tokens: int, generator: torch.Generator) -> torch.Tensor:
    """The lecture's loop: idx (B, T) -> (B, T + max_new_tokens)."""
    for _ in range(max_new_tokens):
        with torch.no_grad():
            logits, loss = model(idx)                  # (B, T, V)
        logits = logits[:, -1, :]                      # (B, V): only the last character matters
        probs = F.softmax(logits, dim=-1)              # (B, V)
        idx_next = torch.multinomial(probs, num_samples=1, generator=generator)  # (B, 1)
        idx = torch.cat((idx, idx_next), dim=1)        # (B, T+1)
    return idx
