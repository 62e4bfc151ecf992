"""The lecture's BigramLanguageModel: each token reads the logits for the next from a table."""
import torch
import torch.nn as nn
from torch.nn import functional as F

from .config import GPTConfig


class BigramLanguageModel(nn.Module):
    """A (V, V) lookup table: row idx holds the logits of the character that follows idx."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        # each token directly reads off the logits for the next token from a lookup table
        self.token_embedding_table = nn.Embedding(config.vocab_size, config.vocab_size)

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        logits = self.token_embedding_table(idx)  # (B, T, V)
        if targets is None:
            return logits, None
        B, T, V = logits.shape
        loss = F.cross_entropy(logits.view(B * T, V), targets.view(B * T))
        return logits, loss

    @torch.no_grad()
    def next_logits(self, idx: torch.Tensor, cache=None):
        """Logits of the next character after idx (B, T) -> (B, V); a bigram needs no cache."""
        return self.token_embedding_table(idx[:, -1]), None
