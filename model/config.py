"""Typed configs for the models and for training, plus the named presets."""
import inspect
import io
import math
import textwrap
import tokenize
from dataclasses import dataclass, asdict, fields, replace

# the allowed values, shared by validate() and the CLI's choices
MODEL_TYPES = ("bigram", "gpt")
DTYPES = ("float32", "bfloat16", "auto")
INITS = ("gpt", "torch")


@dataclass(frozen=True)
class GPTConfig:
    """Model hyperparameters, with the lecture's names."""
    model_type: str = "gpt"   # "bigram" (lecture's bigram.py) or "gpt" (lecture's gpt.py)
    vocab_size: int = 65      # V: number of distinct characters, set from the corpus
    block_size: int = 64      # T max: context length the model can see
    n_embd: int = 128         # C: embedding channels (unused by the bigram)
    n_head: int = 4           # nh: attention heads per layer, head size hs = C // nh
    n_layer: int = 4          # number of transformer blocks (0: embeddings straight into lm_head)
    dropout: float = 0.0      # dropout rate in attention, residual and feed-forward
    # the lecture adds these one at a time; all on is its final gpt.py
    ffwd: bool = True         # a feed-forward layer after attention in each block
    residual: bool = True     # x + sa(x), x + ffwd(x), with the projections and the 4x wide feed-forward
    layer_norm: bool = True   # LayerNorm before attention, before feed-forward, and before lm_head
    init: str = "gpt"         # "gpt": weights drawn from N(0, 0.02); "torch": PyTorch's own defaults

    def validate(self) -> "GPTConfig":
        if self.model_type not in MODEL_TYPES:
            raise ValueError(f"model_type must be 'bigram' or 'gpt', got {self.model_type!r}")
        for name in ("vocab_size", "block_size", "n_embd", "n_head", "n_layer"):
            value, low = getattr(self, name), 0 if name == "n_layer" else 1  # 0 layers: the lecture's first step
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
        if self.n_embd % self.n_head != 0:
            raise ValueError(f"n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head})")
        if not 0.0 <= float(self.dropout) < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}")
        for name in ("ffwd", "residual", "layer_norm"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, got {getattr(self, name)!r}")
        if self.init not in INITS:
            raise ValueError(f"init must be one of {', '.join(INITS)}, got {self.init!r}")
        return self

    @property
    def head_size(self) -> int:
        return self.n_embd // self.n_head


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings for one training run."""
    batch_size: int = 32      # B: independent sequences per step
    learning_rate: float = 1e-3  # peak AdamW step size (after warmup)
    max_iters: int = 3000     # optimizer steps in the whole run
    eval_interval: int = 300  # evaluate every this many steps; 0 = only at the end
    eval_iters: int = 200     # batches averaged by estimate_loss
    warmup_iters: int = 0     # linear warmup steps
    lr_decay: bool = False    # cosine decay to min_lr over max_iters
    min_lr: float = 0.0       # where the cosine ends; unused without lr_decay
    weight_decay: float = 0.01  # AdamW's decoupled decay; 0.01 is its default, as in the lecture
    beta2: float = 0.999      # AdamW's second-moment decay; 0.99 forgets faster, for small batches
    grad_clip: float = 0.0    # max gradient norm; 0 = no clipping
    seed: int = 1337          # seeds init, batches and evaluation, so a run repeats exactly
    dtype: str = "float32"    # "float32", "bfloat16" (autocast) or "auto"
    grad_accum: int = 1       # micro-batches per step; a step sees batch_size x grad_accum x processes sequences
    max_seconds: float = 0.0  # a time budget: stop once training and evaluating took this long (0: none); the cosine then follows the clock

    def validate(self) -> "TrainConfig":
        for name in ("batch_size", "max_iters", "eval_iters", "grad_accum"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not isinstance(self.eval_interval, int) or self.eval_interval < 0:
            raise ValueError(f"eval_interval must be a non-negative integer, got {self.eval_interval!r}")
        if not (isinstance(self.learning_rate, (int, float)) and 0 < self.learning_rate <= 1):
            raise ValueError(f"learning_rate must be a positive number up to 1, got {self.learning_rate!r}")
        if not (isinstance(self.beta2, (int, float)) and 0 <= self.beta2 < 1):
            raise ValueError(f"beta2 must be in [0, 1), got {self.beta2!r}")
        if not (isinstance(self.max_seconds, (int, float)) and 0 <= self.max_seconds < math.inf):
            raise ValueError(f"max_seconds must be a number of seconds >= 0, got {self.max_seconds!r}")
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype must be float32, bfloat16 or auto, got {self.dtype!r}")
        return self


def _rungs(base: GPTConfig) -> list[GPTConfig]:
    """Rungs 1.. of the ladder: each the one before plus what the lecture added next."""
    return [replace(base, n_layer=0),                   # 1 token and position embeddings into lm_head
            replace(base, n_head=1),                     # 2 one self-attention head of size n_embd
            base,                                        # 3 four heads of size 8, concatenated
            replace(base, ffwd=True),                    # 4 + a feed-forward layer
            replace(base, ffwd=True, n_layer=3),         # 5 three blocks, no residual: it hurts
            replace(base, ffwd=True, n_layer=3, residual=True),                    # 6 + residual, projections
            replace(base, ffwd=True, n_layer=3, residual=True, layer_norm=True)]   # 7 + LayerNorm


PRESETS: dict[str, tuple[GPTConfig, TrainConfig]] = {
    # the lecture's bigram.py
    "bigram": (
        GPTConfig(model_type="bigram", block_size=8),  # n_embd, n_head, n_layer unused
        TrainConfig(batch_size=32, learning_rate=1e-2, max_iters=3000, eval_interval=300,
                    eval_iters=200),
    ),
    # the lecture's gpt.py: meant for a GPU (about 10.8M parameters)
    "gpt-lecture": (
        GPTConfig(block_size=256, n_embd=384, n_head=6, n_layer=6, dropout=0.2),
        TrainConfig(batch_size=64, learning_rate=3e-4, max_iters=5000, eval_interval=500,
                    eval_iters=200, dtype="auto"),
    ),
    # fits a 2-core CPU: val <= 1.70 within three minutes even in fp32 (a CPU without native bf16:
    # 1.698 at 165 s); the cosine schedule ends at max_iters, so a shorter run decays fully
    "gpt-classroom": (
        GPTConfig(block_size=64, n_embd=128, n_head=4, n_layer=4, dropout=0.0),
        TrainConfig(batch_size=32, learning_rate=2e-3, max_iters=1200, eval_interval=300,
                    eval_iters=20, warmup_iters=100, lr_decay=True, min_lr=2e-4,
                    dtype="auto"),
    ),
    # the lecture's second half, one addition at a time, each with its hyperparameters at that point
    # (batch 32, block 8, n_embd 32, lr 1e-3, 5000 iterations) and PyTorch's default init; LADDER
    # below names each rung and the val loss the lecture read off it
    **{f"ladder-{i}": (cfg, TrainConfig(batch_size=32, learning_rate=1e-3, max_iters=5000, eval_interval=500,
                                        eval_iters=200))
       for i, cfg in enumerate(_rungs(GPTConfig(block_size=8, n_embd=32, n_head=4, n_layer=1, ffwd=False,
                                                residual=False, layer_norm=False, init="torch")), start=1)},
    # a larger model trained longer for the app's default GPT (about 3.2M parameters, 13 MB)
    "gpt-small": (
        GPTConfig(block_size=128, n_embd=256, n_head=4, n_layer=4, dropout=0.1),
        TrainConfig(batch_size=32, learning_rate=1.5e-3, max_iters=3000, eval_interval=500,
                    eval_iters=20, warmup_iters=100, lr_decay=True, min_lr=1.5e-4,
                    dtype="auto"),
    ),
    # the lecture's number on a laptop: its 6 layers and 6 heads, narrower (n_embd 192) and with half the
    # context, no dropout, trained for 590 seconds whatever the CPU (the cosine follows the clock, and
    # the last evaluation fits inside the budget); measured in the README ("The lecture's number on a CPU")
    "gpt-laptop": (
        GPTConfig(block_size=128, n_embd=192, n_head=6, n_layer=6, dropout=0.0),
        TrainConfig(batch_size=32, learning_rate=1.5e-3, max_iters=10_000, eval_interval=500,
                    eval_iters=40, warmup_iters=100, lr_decay=True, min_lr=1e-4, weight_decay=0.5,
                    beta2=0.99, dtype="auto", max_seconds=590.0),
    ),
}


def field_help(cls) -> dict[str, str]:
    """Each field's trailing comment, read from the class source, so a field is explained once."""
    names = {f.name for f in fields(cls)}
    try:
        src = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):  # no source to read (e.g. a frozen build): flags go without help
        return {}
    helps, depth, line = {}, 0, []
    # tokenize, not a regex on '#': a '#' inside a string default is not a comment
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type == tokenize.INDENT:
            depth += 1
        elif tok.type == tokenize.DEDENT:
            depth -= 1
        elif tok.type == tokenize.NEWLINE:  # end of a logical line: is it `name: type ...  # help`?
            comments = [t.string for t in line if t.type == tokenize.COMMENT]
            if (depth == 1 and len(line) > 1 and line[0].string in names and line[1].string == ":"
                    and comments):
                helps[line[0].string] = comments[0].lstrip("#").strip()
            line = []
        elif tok.type != tokenize.NL and not (tok.type == tokenize.COMMENT and not line):
            line.append(tok)  # comments on a line of their own belong to no field
    return helps


PRESETS["ladder-0"] = PRESETS["bigram"]  # the lecture's bigram.py is the ladder's first rung

# (preset, what the rung adds, the lecture's val loss or None where it read none off)
LADDER: tuple[tuple[str, str, float | None], ...] = (
    ("ladder-0", "bigram: a (V, V) table", 2.49),
    ("ladder-1", "token + position embeddings, lm_head", None),
    ("ladder-2", "one self-attention head", 2.4),
    ("ladder-3", "multi-head attention (4 heads of 8)", 2.28),
    ("ladder-4", "+ feed-forward", 2.24),
    ("ladder-5", "3 blocks, no residual connections", None),
    ("ladder-6", "+ residual connections and projections", 2.08),
    ("ladder-7", "+ LayerNorm", 2.06),
    ("gpt-lecture", "scaled up: 6 layers, 6 heads, n_embd 384, block 256, dropout 0.2 (a GPU)", 1.48),
)


def preset(name: str) -> tuple[GPTConfig, TrainConfig]:
    """The (model, train) configs of a named preset."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    return PRESETS[name]


def config_from_dict(cls, d: dict):
    """Build a config dataclass from a dict, refusing unknown keys and wrong types."""
    known = {f.name: f for f in fields(cls)}
    unknown = set(d) - set(known)
    if unknown:
        raise ValueError(f"unknown {cls.__name__} fields: {', '.join(sorted(unknown))}")
    kwargs = {}
    for name, value in d.items():
        default = getattr(cls(), name)
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(default, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            value = float(value) if ok else value
        else:
            ok = isinstance(value, type(default))
        if not ok:
            raise ValueError(f"{cls.__name__}.{name} has the wrong type: {value!r}")
        kwargs[name] = value
    return cls(**kwargs).validate()


__all__ = ["GPTConfig", "TrainConfig", "PRESETS", "MODEL_TYPES", "DTYPES", "preset", "field_help",
           "config_from_dict", "asdict", "replace"]
