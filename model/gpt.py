"""The lecture's GPT: fused attention for training, an explicit traced path for the explorer."""
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn import functional as F

from .bigram import BigramLanguageModel
from .config import GPTConfig

# B batch, T time, C channels = n_embd, nh heads, hs head size = C // nh, V vocab


class Dropout(nn.Dropout):
    """nn.Dropout with a cheaper mask: 16 random bits an element (four from each 64-bit draw)
    instead of a Bernoulli draw. On a 2-core CPU bernoulli_ costs ~6.5 ns an element, this ~2.8:
    at the gpt-lecture size (dropout 0.2) the masks were a fifth of a training step. p is used to
    1/65536 (0.2 -> 0.19999695) and kept values are scaled by 1 / (1 - that p), so the expected
    value is exact. Same global RNG as nn.Dropout: the same seed gives the same masks."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        if self.p >= 1.0:
            return torch.zeros_like(x)
        drop = round(self.p * 65536)  # how many of the 65536 16-bit values drop an element
        bits = torch.empty((x.numel() + 3) // 4, dtype=torch.int64, device=x.device).random_(-2**63, None)
        keep = bits.view(torch.int16)[:x.numel()].view(x.shape) >= drop - 32768
        return x * keep * (65536 / (65536 - drop))


@dataclass
class LayerTrace:
    """One layer's attention internals, each (B, nh, ...)."""
    q: torch.Tensor           # (B, nh, T, hs)
    k: torch.Tensor           # (B, nh, T, hs)
    v: torch.Tensor           # (B, nh, T, hs)
    scores: torch.Tensor      # (B, nh, T, T) raw q @ k.T
    wei_masked: torch.Tensor  # (B, nh, T, T) scaled scores, -inf above the diagonal
    wei: torch.Tensor         # (B, nh, T, T) after softmax; rows sum to 1


@dataclass
class Trace:
    logits: torch.Tensor      # (B, T, V)
    layers: list[LayerTrace]


class CausalSelfAttention(nn.Module):
    """The lecture's MultiHeadAttention, with the heads' key/query/value stacked into one matmul."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.n_head, self.n_embd = config.n_head, config.n_embd
        # (C, 3C): columns [q | k | v], head h at [h*hs:(h+1)*hs] inside each
        self.qkv = nn.Linear(config.n_embd, 3 * config.n_embd, bias=False)
        # the projection back into the residual stream came with the residual connections
        self.proj = nn.Linear(config.n_embd, config.n_embd) if config.residual else nn.Identity()
        self.dropout = config.dropout
        self.attn_dropout = Dropout(config.dropout)
        self.resid_dropout = Dropout(config.dropout)
        tril = torch.tril(torch.ones(config.block_size, config.block_size, dtype=torch.bool))
        self.register_buffer("tril", tril, persistent=False)

    def _heads(self, x: torch.Tensor):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(self.n_embd, dim=2)  # (B, T, C) each
        split = lambda t: t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        return split(q), split(k), split(v)  # (B, nh, T, hs) each

    def _merge(self, out: torch.Tensor) -> torch.Tensor:
        B, nh, T, hs = out.shape
        out = out.transpose(1, 2).contiguous().view(B, T, nh * hs)  # concat heads: (B, T, C)
        return self.resid_dropout(self.proj(out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self._heads(x)
        dropout = self.training and self.dropout > 0
        if q.is_cuda or (q.dtype == torch.float32 and not dropout):
            out = F.scaled_dot_product_attention(q, k, v, dropout_p=self.dropout if dropout else 0.0,
                                                 is_causal=True)  # (B, nh, T, hs)
        else:
            out = self._attend(q, k, v)
        return self._merge(out)

    def _attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        """The lecture's explicit attention. On CPU it beats SDPA's fused kernel in bf16 (forward and
        backward of the gpt-classroom shapes: 2.4 vs 11.3 ms; gpt-lecture's: 11.7 vs 21.6 ms) and
        whenever attention dropout is on (SDPA then falls back to this maths with a slower mask)."""
        T, hs = q.size(2), q.size(3)
        wei = (q @ k.transpose(-2, -1)) * hs**-0.5  # (B, nh, T, T)
        wei = wei.masked_fill(~self.tril[:T, :T], float("-inf"))
        wei = F.softmax(wei, dim=-1)
        return self.attn_dropout(wei) @ v  # (B, nh, T, hs)

    def forward_traced(self, x: torch.Tensor, scale: bool = True, causal: bool = True):
        """The lecture's explicit path, materialising wei; scale/causal off are for teaching."""
        q, k, v = self._heads(x)
        T, hs = q.size(2), q.size(3)
        scores = q @ k.transpose(-2, -1)  # (B, nh, T, hs) @ (B, nh, hs, T) -> (B, nh, T, T)
        wei_masked = scores * hs**-0.5 if scale else scores
        if causal:
            wei_masked = wei_masked.masked_fill(~self.tril[:T, :T], float("-inf"))
        wei = F.softmax(wei_masked, dim=-1)  # (B, nh, T, T)
        out = self.attn_dropout(wei) @ v  # (B, nh, T, T) @ (B, nh, T, hs) -> (B, nh, T, hs)
        return self._merge(out), LayerTrace(q, k, v, scores, wei_masked, wei)

    def forward_cached(self, x: torch.Tensor, kv: tuple | None):
        """Attend from new positions x to the cached keys/values plus their own; returns new kv."""
        q, k, v = self._heads(x)  # (B, nh, Tnew, hs)
        if kv is not None:
            k, v = torch.cat([kv[0], k], dim=2), torch.cat([kv[1], v], dim=2)
        # a prefill (no cache) is causal; one new token attends to everything before it
        causal = kv is None and q.size(2) > 1
        out = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        return self._merge(out), (k, v)


class FeedForward(nn.Module):
    """A simple linear layer followed by a non-linearity; with the residual connections the lecture
    makes it 4x wide and projects it back into the residual stream."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        C = config.n_embd
        if config.residual:  # 4x wide, and projected back into the residual stream
            self.net = nn.Sequential(
                nn.Linear(C, 4 * C),
                nn.ReLU(),
                nn.Linear(4 * C, C),
                Dropout(config.dropout),
            )
        else:  # as first added: each token thinks on what it gathered, alone
            self.net = nn.Sequential(nn.Linear(C, C), nn.ReLU())

    def forward(self, x):
        return self.net(x)


def layer_norm(config: GPTConfig) -> nn.Module:
    return nn.LayerNorm(config.n_embd) if config.layer_norm else nn.Identity()


class Block(nn.Module):
    """Transformer block: communication (attention) followed by computation (feed-forward)."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.residual = config.residual
        self.sa = CausalSelfAttention(config)
        self.ffwd = FeedForward(config) if config.ffwd else None
        self.ln1 = layer_norm(config)
        self.ln2 = layer_norm(config) if config.ffwd else None

    def forward(self, x):
        return self.run(x, lambda h: (self.sa(h), None))[0]

    def run(self, x, attend):
        """The block around any attention path: attend(h) -> (out, extra); returns (x, extra). The
        training, traced and cached forwards differ only in how they attend."""
        out, extra = attend(self.ln1(x))  # pre-LayerNorm, as in the lecture
        x = x + out if self.residual else out
        if self.ffwd is not None:
            out = self.ffwd(self.ln2(x))
            x = x + out if self.residual else out
        return x, extra


class GPTLanguageModel(nn.Module):
    """Token + position embeddings, n_layer blocks, final LayerNorm, lm_head."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        self.token_embedding_table = nn.Embedding(config.vocab_size, config.n_embd)
        self.position_embedding_table = nn.Embedding(config.block_size, config.n_embd)
        self.blocks = nn.ModuleList([Block(config) for _ in range(config.n_layer)])
        self.ln_f = layer_norm(config)  # final layer norm
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size)
        if config.init == "gpt":  # better init, not covered in the original GPT video, but important
            self.apply(self._init_weights)

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def _embed(self, idx: torch.Tensor, start: int = 0) -> torch.Tensor:
        B, T = idx.shape
        if start + T > self.config.block_size:
            raise ValueError(f"context of {start + T} exceeds block_size {self.config.block_size}")
        tok_emb = self.token_embedding_table(idx)  # (B, T, C)
        pos_emb = self.position_embedding_table(torch.arange(start, start + T, device=idx.device))  # (T, C)
        return tok_emb + pos_emb  # (B, T, C)

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        x = self._embed(idx)
        for block in self.blocks:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))  # (B, T, V)
        if targets is None:
            return logits, None
        B, T, V = logits.shape
        loss = F.cross_entropy(logits.view(B * T, V), targets.view(B * T))
        return logits, loss

    @torch.no_grad()
    def trace(self, idx: torch.Tensor, scale: bool = True, causal: bool = True) -> Trace:
        """Logits plus every layer's q, k, v, wei_masked and wei, in eval mode."""
        was_training = self.training
        self.eval()
        try:
            x = self._embed(idx)
            layers = []
            for block in self.blocks:
                x, rec = block.run(x, lambda h: block.sa.forward_traced(h, scale=scale, causal=causal))
                layers.append(rec)
            return Trace(self.lm_head(self.ln_f(x)), layers)
        finally:
            self.train(was_training)

    @torch.no_grad()
    def next_logits(self, idx: torch.Tensor, cache: list | None = None):
        """Logits (B, V) of the character after idx (B, T <= block_size), with a KV cache.

        cache holds the keys/values of idx[:, :-1] at positions 0.. (from the previous call);
        pass None to compute the whole context afresh. Returns (logits, new cache).
        """
        if cache is not None:
            x = self._embed(idx[:, -1:], start=idx.size(1) - 1)  # (B, 1, C): only the new token
        else:
            x = self._embed(idx)  # (B, T, C): prefill the whole context
        new_cache = []
        for i, block in enumerate(self.blocks):
            x, kv = block.run(x, lambda h: block.sa.forward_cached(h, None if cache is None else cache[i]))
            new_cache.append(kv)
        return self.lm_head(self.ln_f(x[:, -1])), new_cache  # only the last position: (B, V)


def build_model(config: GPTConfig) -> nn.Module:
    """The model a config describes: the bigram or the GPT."""
    config.validate()
    if config.model_type == "bigram":
        return BigramLanguageModel(config)
    return GPTLanguageModel(config)
