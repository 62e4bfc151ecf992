"""Typed configs for the models and for training, plus the named presets."""
import inspect
import io
import textwrap
import tokenize
from dataclasses import dataclass, asdict, fields, replace

# the allowed values, shared by validate() and the CLI's choices
MODEL_TYPES = ("bigram", "gpt")
DTYPES = ("float32", "bfloat16", "auto")


@dataclass(frozen=True)
class GPTConfig:
    """Model hyperparameters, with the lecture's names."""
    model_type: str = "gpt"   # "bigram" (lecture's bigram.py) or "gpt" (lecture's gpt.py)
    vocab_size: int = 65      # V: number of distinct characters, set from the corpus
    block_size: int = 64      # T max: context length the model can see
    n_embd: int = 128         # C: embedding channels (unused by the bigram)
    n_head: int = 4           # nh: attention heads per layer, head size hs = C // nh
    n_layer: int = 4          # number of transformer blocks
    dropout: float = 0.0      # dropout rate in attention, residual and feed-forward

    def validate(self) -> "GPTConfig":
        if self.model_type not in MODEL_TYPES:
            raise ValueError(f"model_type must be 'bigram' or 'gpt', got {self.model_type!r}")
        for name in ("vocab_size", "block_size", "n_embd", "n_head", "n_layer"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.n_embd % self.n_head != 0:
            raise ValueError(f"n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head})")
        if not 0.0 <= float(self.dropout) < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}")
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
    grad_clip: float = 0.0    # max gradient norm; 0 = no clipping
    seed: int = 1337          # seeds init, batches and evaluation, so a run repeats exactly
    dtype: str = "float32"    # "float32", "bfloat16" (autocast) or "auto"

    def validate(self) -> "TrainConfig":
        for name in ("batch_size", "max_iters", "eval_iters"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not isinstance(self.eval_interval, int) or self.eval_interval < 0:
            raise ValueError(f"eval_interval must be a non-negative integer, got {self.eval_interval!r}")
        if not (isinstance(self.learning_rate, (int, float)) and 0 < self.learning_rate <= 1):
            raise ValueError(f"learning_rate must be a positive number up to 1, got {self.learning_rate!r}")
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype must be float32, bfloat16 or auto, got {self.dtype!r}")
        return self


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
    # a larger model trained longer for the app's default GPT (about 3.2M parameters, 13 MB)
    "gpt-small": (
        GPTConfig(block_size=128, n_embd=256, n_head=4, n_layer=4, dropout=0.1),
        TrainConfig(batch_size=32, learning_rate=1.5e-3, max_iters=3000, eval_interval=500,
                    eval_iters=20, warmup_iters=100, lr_decay=True, min_lr=1.5e-4,
                    dtype="auto"),
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
