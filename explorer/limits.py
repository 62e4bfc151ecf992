"""Caps that keep a 2-vCPU Space alive: the server's Limits (from the environment), and what a model
would cost (parameters, GFLOP a step), which those caps are checked against."""
import os
from dataclasses import dataclass

from model.config import GPTConfig

# what one request may ask for, whoever sends it
MAX_PROMPT = 1000        # characters accepted in a prompt (a model uses only its last block_size)
MAX_NEW_TOKENS = 2000    # characters one generation may ask for
MAX_TEMPERATURE = 5.0
MAX_SEED = 2**31 - 1
MAX_TEXT = 100_000       # characters of any other text argument (a pasted corpus has its own cap)


@dataclass(frozen=True)
class Limits:
    """Server-wide caps; the defaults fit a 2-vCPU, 16 GB Space shared by a class."""
    max_params: int = 12_000_000      # the lecture's GPT (10.8M) fits
    max_step_gflop: float = 100.0     # about one second per step on 2 vCPUs: Stop stays prompt
    max_trainings: int = 2            # trainings computing at once; the rest queue
    max_queue: int = 30               # trainings waiting for a slot before "full, try later"
    snapshot_mb: int = 64             # a session's training timelines, in all; past it the oldest run's thin
    # the server's memory (its own, which holds the sessions' models, plus every training process's): past
    # it, paused runs are saved to disk, longest idle first. 12 GB of a Space's 16 leaves room for what
    # this check cannot see coming: the running trainings' activations between two checks, an upload
    # being checked, a burst of inspections, and the container's own overhead.
    max_memory_mb: int = 12_000
    session_idle_minutes: float = 120.0  # a session without a request for this long is closed and freed

    @classmethod
    def from_env(cls, **overrides) -> "Limits":
        env = {"max_params": "GPT_EXPLORER_MAX_PARAMS", "max_step_gflop": "GPT_EXPLORER_MAX_STEP_GFLOP",
               "max_trainings": "GPT_EXPLORER_MAX_TRAININGS", "max_queue": "GPT_EXPLORER_MAX_QUEUE",
               "snapshot_mb": "GPT_EXPLORER_SNAPSHOT_MB", "max_memory_mb": "GPT_EXPLORER_MAX_MEMORY_MB",
               "session_idle_minutes": "GPT_EXPLORER_SESSION_IDLE_MINUTES"}
        values = {}
        for name, var in env.items():
            raw = os.environ.get(var)
            if raw:
                kind = type(getattr(cls, name))
                try:
                    values[name] = kind(raw)
                except ValueError:
                    raise SystemExit(f"{var} must be a number, got {raw!r}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def count_params(cfg: GPTConfig) -> int:
    """Parameters of the model a config describes (model/gpt.py's layout, checked by a test)."""
    V, T, C, L = cfg.vocab_size, cfg.block_size, cfg.n_embd, cfg.n_layer
    if cfg.model_type == "bigram":
        return V * V
    ln = 2 * C if cfg.layer_norm else 0
    per_block = 3 * C * C + ln  # qkv, ln1
    if cfg.residual:
        per_block += C * C + C  # proj
    if cfg.ffwd:
        per_block += (8 * C * C + 5 * C if cfg.residual else C * C + C) + ln  # 4x wide with the residual; ln2
    return V * C + T * C + L * per_block + ln + C * V + V


def step_gflop(cfg: GPTConfig, batch_size: int) -> float:
    """Rough forward+backward cost of one optimizer step: 6 flops per weight per token, plus attention."""
    tokens = batch_size * cfg.block_size
    if cfg.model_type == "bigram":
        return 6 * cfg.vocab_size * tokens / 1e9
    dense = count_params(cfg) - cfg.vocab_size * cfg.n_embd - cfg.block_size * cfg.n_embd  # no lookups
    attention = 6 * cfg.n_layer * cfg.block_size * cfg.n_embd  # per token: q@k.T and wei@v, causal half
    return (6 * dense + attention) * tokens / 1e9
