"""The training command line's flags: one per GPTConfig and TrainConfig field (its help the field's own
comment), the presets, --resume and friends, and how parsed flags become configs."""
import argparse
import typing
from dataclasses import asdict, fields, replace

from .config import DTYPES, MODEL_TYPES, PRESETS, GPTConfig, TrainConfig, field_help, preset

# the short forms older commands (and the README) use
ALIASES = {"learning_rate": ["--lr"], "model_type": ["--model"]}
CHOICES = {"model_type": MODEL_TYPES, "dtype": DTYPES}
# vocab_size is never a flag: the corpus sets it (Trainer.from_configs)
NOT_FLAGS = {"vocab_size"}
DEFAULT_PRESET = "gpt-classroom"
EPILOG = """several processes: torchrun --nproc_per_node=N -m model.train ... starts N of them (gloo
between CPU processes, nccl between GPUs; --nnodes, --node-rank and --rdzv-endpoint add machines).
Each draws its own batch_size sequences per micro-batch, so one step learns from batch_size x
grad_accum x N sequences; the learning rate is used as given (scale it yourself when you scale the
batch). Rank 0 alone evaluates, prints and writes --out."""


def add_config_flags(p: argparse.ArgumentParser, cls) -> None:
    """A --field-name flag per field of a config dataclass, its help the field's own comment."""
    helps, types = field_help(cls), typing.get_type_hints(cls)
    group = p.add_argument_group(f"{cls.__name__} fields (default: the preset's)")
    for f in fields(cls):
        if f.name in NOT_FLAGS:
            continue
        flags = ["--" + f.name.replace("_", "-"), *ALIASES.get(f.name, [])]
        text = helps.get(f.name, "").replace("%", "%%")  # argparse %-formats help strings
        # default None: a flag overrides the preset only when given
        if types[f.name] is bool:
            group.add_argument(*flags, dest=f.name, default=None, help=text,
                               action=argparse.BooleanOptionalAction)
        elif f.name in CHOICES:
            group.add_argument(*flags, dest=f.name, default=None, help=text, choices=CHOICES[f.name])
        else:
            group.add_argument(*flags, dest=f.name, default=None, help=text, type=types[f.name],
                               metavar=types[f.name].__name__.upper())


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m model.train", description=__doc__, epilog=EPILOG)
    p.add_argument("--preset", help=f"one of {', '.join(PRESETS)} (default {DEFAULT_PRESET})")
    p.add_argument("--data", help="UTF-8 text file (default: tiny-shakespeare, see model/data.py)")
    p.add_argument("--out", help="save a checkpoint folder here, with the optimizer and random state for --resume")
    p.add_argument("--resume", metavar="DIR",
                   help="continue the run saved in DIR by --out (same --data): its model, optimizer, step, random "
                        "state, curve and timeline; TrainConfig flags given (e.g. --max-iters) override its settings")
    p.add_argument("--save-every-eval", action="store_true",
                   help="write --out at every evaluation too, so a run that dies can be resumed from there")
    p.add_argument("--threads", type=int, help="torch.set_num_threads (per process under torchrun)")
    p.add_argument("--device", default="auto", help="cpu, cuda or auto (cuda when available)")
    p.add_argument("--compile", action="store_true",
                   help="torch.compile the model for the training step (pays off on a GPU; compiling takes a while)")
    p.add_argument("--timeline", action="store_true",
                   help="keep the weights at step 0 and each evaluation (float16, at most 24, evenly spaced) "
                        "and write them beside the checkpoint (timeline.safetensors)")
    add_config_flags(p, GPTConfig)
    add_config_flags(p, TrainConfig)
    return p


def parse_args(argv=None):
    return build_parser().parse_args(argv)


def configs_from_args(args) -> tuple[GPTConfig, TrainConfig]:
    model_cfg, train_cfg = preset(args.preset or DEFAULT_PRESET)
    given = {k: v for k, v in vars(args).items() if v is not None}
    model_cfg = replace(model_cfg, **{k: v for k, v in given.items() if k in asdict(model_cfg)})
    train_cfg = replace(train_cfg, **{k: v for k, v in given.items() if k in asdict(train_cfg)})
    return model_cfg.validate(), train_cfg.validate()


def resume_overrides(args) -> dict:
    """The TrainConfig flags given beside --resume; a model flag or a preset cannot change a saved model."""
    fixed = [f.name for f in fields(GPTConfig) if getattr(args, f.name, None) is not None]
    if fixed or args.preset:
        flags = ", ".join("--" + n.replace("_", "-") for n in (["preset"] if args.preset else []) + fixed)
        raise SystemExit(f"--resume continues the saved model: drop {flags}")
    return {f.name: getattr(args, f.name) for f in fields(TrainConfig) if getattr(args, f.name) is not None}
