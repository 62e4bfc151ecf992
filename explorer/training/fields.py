"""The Train form's fields: each hyperparameter's type and the range this server accepts, the app's
presets, and build_configs, which checks form or API values into (GPTConfig, TrainConfig)."""
from dataclasses import asdict, dataclass, replace

from model.config import INITS, LADDER, GPTConfig, TrainConfig, preset

from .. import checks
from ..errors import Refusal
from ..limits import Limits, count_params, step_gflop


@dataclass(frozen=True)
class Field:
    """One editable hyperparameter: its type and the range the server accepts."""
    name: str
    kind: type           # int, float, bool or str
    lo: float = 0
    hi: float = 0
    gpt_only: bool = False  # the bigram has no embedding width, heads or layers
    choices: tuple = ()

    @property
    def group(self) -> str:
        return "model" if self.name in GPTConfig.__dataclass_fields__ else "train"


FIELDS: tuple[Field, ...] = (
    Field("block_size", int, 2, 256),
    Field("n_embd", int, 8, 512, gpt_only=True),
    Field("n_head", int, 1, 16, gpt_only=True),
    Field("n_layer", int, 0, 8, gpt_only=True),
    Field("dropout", float, 0.0, 0.5, gpt_only=True),
    Field("ffwd", bool, gpt_only=True),
    Field("residual", bool, gpt_only=True),
    Field("layer_norm", bool, gpt_only=True),
    Field("init", str, gpt_only=True, choices=INITS),
    Field("batch_size", int, 1, 128),
    Field("learning_rate", float, 1e-6, 1.0),
    Field("max_iters", int, 1, 20_000),
    Field("eval_interval", int, 0, 20_000),
    Field("eval_iters", int, 1, 500),
    Field("warmup_iters", int, 0, 20_000),
    Field("lr_decay", bool),
    Field("min_lr", float, 0.0, 1.0),
    Field("weight_decay", float, 0.0, 1.0),
    Field("grad_clip", float, 0.0, 100.0),
    Field("seed", int, 0, 2**31 - 1),
    Field("dtype", str, choices=("float32", "bfloat16", "auto")),
)
FIELD = {f.name: f for f in FIELDS}
# TrainConfig fields the form leaves to the command line (python -m model.train), at their defaults here
CLI_ONLY = {"grad_accum": "gradient accumulation, for batches too large for a device: an app run takes one batch "
                          "a step, so a step's cost stays within its limit",
            "beta2": "AdamW's beta2, a tuning knob of the presets",
            "max_seconds": "a time budget for a command-line run; the app's runs are paused and resumed at will"}
MODEL_TYPES = ("bigram", "gpt")
APP_PRESETS = ("bigram", "gpt-classroom", "gpt-lecture", *(name for name, _, _ in LADDER[1:-1]))


def app_preset(name: str) -> tuple[GPTConfig, TrainConfig]:
    """model/'s presets, adjusted where a live run in the app needs it (each change says why)."""
    if name not in APP_PRESETS:
        raise Refusal("refuse.preset", value=name, allowed=", ".join(APP_PRESETS))
    model_cfg, train_cfg = preset(name)
    if train_cfg.eval_interval == 0:
        # evaluating only at the end suits the CLI; a learner wants a val curve and samples as it goes
        train_cfg = replace(train_cfg, eval_interval=max(1, train_cfg.max_iters // 10))
    if name == "gpt-lecture":
        # the lecture's architecture; its batch of 64 x 256 tokens takes ~10 s a step on 2 vCPUs
        # (it was trained on a GPU), so fewer sequences per step and a cheaper evaluation
        train_cfg = replace(train_cfg, batch_size=4, eval_iters=20, eval_interval=250)
    return model_cfg, train_cfg


def preset_values(name: str) -> dict:
    """Every field's value under a preset, flat, as the form shows them."""
    model_cfg, train_cfg = app_preset(name)
    values = {**asdict(model_cfg), **asdict(train_cfg)}
    return {f.name: values[f.name] for f in FIELDS} | {"model_type": model_cfg.model_type}


def _coerce(field: Field, value, ranged: bool = True):
    """The value as the field's type (and, if ranged, in the server's range), or a Refusal naming
    the field and its range."""
    if field.kind is bool:
        return checks.boolean(value, field.name)
    if field.kind is str:
        return checks.choice(value, field.name, field.choices)
    value = checks.finite(checks.from_text(value, field.name), field.name, integer=field.kind is int)
    if not ranged:
        return value
    if field.name == "learning_rate" and value <= 0:
        raise Refusal("refuse.lr", value=value, hi=field.hi)
    if not field.lo <= value <= field.hi:
        key = "refuse.lr" if field.name == "learning_rate" else "refuse.range"
        raise Refusal(key, field=field.name, value=value, lo=_fmt(field.lo), hi=_fmt(field.hi))
    return value


def _fmt(x: float) -> str:
    return f"{x:,}" if float(x).is_integer() else f"{x:g}"


def build_configs(model_type, values: dict, limits: Limits, vocab_size: int = 65
                  ) -> tuple[GPTConfig, TrainConfig]:
    """Checked (GPTConfig, TrainConfig) from form or API values; the first problem is a Refusal."""
    if model_type not in MODEL_TYPES:
        raise Refusal("refuse.choice", field="model_type", value=model_type, allowed=", ".join(MODEL_TYPES))
    clean = {}
    for f in FIELDS:
        if f.gpt_only and model_type == "bigram":
            if values.get(f.name) is not None:
                _coerce(f, values[f.name], ranged=False)  # unused by the bigram, yet it must be a number
            continue  # the lecture's defaults stay in its config
        if f.name not in values or values[f.name] is None:
            raise Refusal("refuse.missing", field=f.name)
        clean[f.name] = _coerce(f, values[f.name])
    if model_type == "gpt" and clean["n_embd"] % clean["n_head"]:
        raise Refusal("refuse.divisible", n_embd=clean["n_embd"], n_head=clean["n_head"])
    if clean["warmup_iters"] > clean["max_iters"]:
        raise Refusal("refuse.warmup", warmup_iters=clean["warmup_iters"], max_iters=clean["max_iters"])
    if clean["min_lr"] > clean["learning_rate"]:
        raise Refusal("refuse.min_lr", min_lr=clean["min_lr"], learning_rate=clean["learning_rate"])
    model_fields = {k: v for k, v in clean.items() if k in GPTConfig.__dataclass_fields__}
    train_fields = {k: v for k, v in clean.items() if k in TrainConfig.__dataclass_fields__}
    model_cfg = GPTConfig(model_type=model_type, vocab_size=vocab_size, **model_fields)
    train_cfg = TrainConfig(**train_fields)
    n = count_params(model_cfg)
    if n > limits.max_params:
        raise Refusal("refuse.params", params=f"{n / 1e6:.1f}M", limit=f"{limits.max_params / 1e6:.1f}M")
    gflop = step_gflop(model_cfg, train_cfg.batch_size)
    if gflop > limits.max_step_gflop:
        raise Refusal("refuse.compute", gflop=f"{gflop:.0f}", limit=f"{limits.max_step_gflop:.0f}")
    try:
        return model_cfg.validate(), train_cfg.validate()
    except ValueError as e:  # model/'s own checks, should ours ever miss one
        raise Refusal("refuse.config", detail=str(e)) from None
