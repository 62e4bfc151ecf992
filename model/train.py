"""estimate_loss, a Trainer that yields a StepLog per step, and the training CLI."""
import argparse
import contextlib
import json
import math
import shlex
import sys
import time
import typing
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import torch

from .config import DTYPES, MODEL_TYPES, GPTConfig, TrainConfig, field_help, preset
from .data import CharDataset
from .gpt import build_model
from .timeline import Timeline


@dataclass
class StepLog:
    """What one optimizer step did; train_loss/val_loss only on evaluation steps."""
    step: int                   # optimizer steps done so far
    loss: float | None          # this step's minibatch loss (None for the step-0 evaluation)
    lr: float
    tokens_per_s: float         # training tokens per second, smoothed
    elapsed: float              # seconds spent training and evaluating so far
    train_loss: float | None = None
    val_loss: float | None = None


def bf16_is_fast() -> bool:
    """True where the CPU has native bf16 instructions (AVX512-BF16 or AMX); else fp32 is faster."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def resolve_device(device: str = "auto") -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def resolve_dtype(dtype: str, device: str = "cpu") -> torch.dtype:
    """'auto' is bf16 where the hardware does it natively, else fp32."""
    if dtype == "auto":
        fast = torch.cuda.is_bf16_supported() if device == "cuda" else bf16_is_fast()
        return torch.bfloat16 if fast else torch.float32
    return torch.bfloat16 if dtype == "bfloat16" else torch.float32


def autocast(dtype: torch.dtype, device: str = "cpu"):
    """bf16 autocast, or nothing for fp32."""
    if dtype == torch.float32:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device, dtype=dtype)


class Interrupted(Exception):
    """estimate_loss was told to stop between two batches."""


@torch.no_grad()
def estimate_loss(model, dataset: CharDataset, eval_iters: int, batch_size: int,
                  generator: torch.Generator | None = None, dtype=torch.float32,
                  device: str = "cpu", should_stop=None) -> dict[str, float]:
    """Mean loss over eval_iters random batches of each split, in eval mode (the lecture's).

    should_stop, if given, is asked before every batch; when it says True, Interrupted is raised
    (so a UI's Stop never waits for a whole evaluation).
    """
    out = {}
    was_training = model.training
    model.eval()
    for split in ("train", "val"):
        losses = torch.zeros(eval_iters)
        for k in range(eval_iters):
            if should_stop is not None and should_stop():
                model.train(was_training)
                raise Interrupted
            X, Y = dataset.get_batch(split, batch_size, model.config.block_size, generator)
            X, Y = X.to(device), Y.to(device)
            with autocast(dtype, device):
                _, loss = model(X, Y)
            losses[k] = loss.item()
        out[split] = losses.mean().item()
    model.train(was_training)
    return out


class Trainer:
    """AdamW training driven by its caller: step() once, or iterate run() and stop at will."""

    def __init__(self, model, dataset: CharDataset, config: TrainConfig, device: str = "cpu"):
        self.model, self.dataset, self.config = model, dataset, config.validate()
        dataset.check_block_size(model.config.block_size)
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(config.dtype, self.device)
        model.to(self.device)
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate,
                                           weight_decay=config.weight_decay, fused=True)
        self.batch_gen = torch.Generator().manual_seed(config.seed)
        self.eval_gen = torch.Generator().manual_seed(config.seed + 1)
        self.iter = 0
        self.elapsed = 0.0
        self.tokens_per_s = 0.0
        self.last_eval: dict[str, float] | None = None
        self.should_stop = None  # a callable the caller may set to cut an evaluation short
        model.train()

    @classmethod
    def from_configs(cls, model_config: GPTConfig, train_config: TrainConfig, dataset: CharDataset,
                     device: str = "cpu"):
        """Seed, build the model for the dataset's vocabulary, and wrap it in a Trainer."""
        torch.manual_seed(train_config.seed)
        model_config = replace(model_config, vocab_size=dataset.tokenizer.vocab_size)
        return cls(build_model(model_config), dataset, train_config, device)

    @property
    def done(self) -> bool:
        return self.iter >= self.config.max_iters

    def lr_at(self, it: int) -> float:
        """Linear warmup, then constant or cosine decay to min_lr."""
        c = self.config
        if c.warmup_iters and it < c.warmup_iters:
            return c.learning_rate * (it + 1) / c.warmup_iters
        if not c.lr_decay:
            return c.learning_rate
        ratio = min(1.0, (it - c.warmup_iters) / max(1, c.max_iters - c.warmup_iters))
        return c.min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (c.learning_rate - c.min_lr)

    def evaluate(self) -> dict[str, float]:
        t0 = time.perf_counter()
        try:
            self.last_eval = estimate_loss(self.model, self.dataset, self.config.eval_iters,
                                           self.config.batch_size, self.eval_gen, self.dtype,
                                           self.device, self.should_stop)
        finally:
            self.elapsed += time.perf_counter() - t0
        return self.last_eval

    def _eval_due(self) -> bool:
        every = self.config.eval_interval
        return self.iter == self.config.max_iters or (every > 0 and self.iter % every == 0)

    def step(self) -> StepLog:
        """One optimizer step (plus an evaluation when one is due)."""
        c = self.config
        t0 = time.perf_counter()
        lr = self.lr_at(self.iter)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        xb, yb = self.dataset.get_batch("train", c.batch_size, self.model.config.block_size, self.batch_gen)
        xb, yb = xb.to(self.device), yb.to(self.device)
        with autocast(self.dtype, self.device):
            _, loss = self.model(xb, yb)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if c.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), c.grad_clip)
        self.optimizer.step()
        self.iter += 1
        dt = time.perf_counter() - t0
        self.elapsed += dt
        rate = xb.numel() / max(dt, 1e-9)
        self.tokens_per_s = rate if self.iter == 1 else 0.9 * self.tokens_per_s + 0.1 * rate
        log = StepLog(self.iter, loss.item(), lr, self.tokens_per_s, self.elapsed)
        if self._eval_due():
            ev = self.evaluate()
            log.train_loss, log.val_loss, log.elapsed = ev["train"], ev["val"], self.elapsed
        return log

    def run(self):
        """Yield the step-0 evaluation (when evaluating periodically), then a StepLog per step."""
        if self.iter == 0 and self.config.eval_interval > 0:
            ev = self.evaluate()
            yield StepLog(0, None, self.lr_at(0), 0.0, self.elapsed, ev["train"], ev["val"])
        while not self.done:
            yield self.step()


# the short forms older commands (and the README) use
ALIASES = {"learning_rate": ["--lr"], "model_type": ["--model"]}
CHOICES = {"model_type": MODEL_TYPES, "dtype": DTYPES}
# vocab_size is never a flag: the corpus sets it (Trainer.from_configs)
NOT_FLAGS = {"vocab_size"}


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
    p = argparse.ArgumentParser(prog="python -m model.train", description=__doc__)
    p.add_argument("--preset", default="gpt-classroom", help="bigram, gpt-classroom, gpt-lecture, gpt-small")
    p.add_argument("--data", help="UTF-8 text file (default: tiny-shakespeare, see model/data.py)")
    p.add_argument("--out", help="save a checkpoint folder here")
    p.add_argument("--threads", type=int, help="torch.set_num_threads")
    p.add_argument("--device", default="auto", help="cpu, cuda or auto (cuda when available)")
    p.add_argument("--timeline", action="store_true",
                   help="keep the weights at step 0 and each evaluation (float16, at most 24, evenly spaced) "
                        "and write them beside the checkpoint (timeline.safetensors)")
    add_config_flags(p, GPTConfig)
    add_config_flags(p, TrainConfig)
    return p


def parse_args(argv=None):
    return build_parser().parse_args(argv)


def configs_from_args(args) -> tuple[GPTConfig, TrainConfig]:
    model_cfg, train_cfg = preset(args.preset)
    given = {k: v for k, v in vars(args).items() if v is not None}
    model_cfg = replace(model_cfg, **{k: v for k, v in given.items() if k in asdict(model_cfg)})
    train_cfg = replace(train_cfg, **{k: v for k, v in given.items() if k in asdict(train_cfg)})
    return model_cfg.validate(), train_cfg.validate()


def main(argv=None) -> dict:
    from tqdm import tqdm
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    model_cfg, train_cfg = configs_from_args(args)
    dataset = CharDataset.from_path(args.data)
    trainer = Trainer.from_configs(model_cfg, train_cfg, dataset, args.device)
    n_params = sum(p.numel() for p in trainer.model.parameters())
    print(f"{n_params / 1e6:.3f}M parameters, {dataset.tokenizer.vocab_size} characters, "
          f"{trainer.device}, {trainer.dtype}", file=sys.stderr)
    t0 = time.perf_counter()
    curve, last = [], None
    timeline = Timeline() if args.timeline else None
    bar = tqdm(total=train_cfg.max_iters, file=sys.stderr, dynamic_ncols=True)
    for log in trainer.run():
        bar.update(log.step - bar.n)
        if log.val_loss is not None:
            curve.append({"step": log.step, "seconds": round(time.perf_counter() - t0, 2),
                          "train_loss": round(log.train_loss, 4), "val_loss": round(log.val_loss, 4)})
            if timeline is not None:
                timeline.add(log.step, round(log.train_loss, 4), round(log.val_loss, 4), trainer.model)
            bar.write(f"step {log.step}: train loss {log.train_loss:.4f}, val loss {log.val_loss:.4f}",
                      file=sys.stderr)
            last = log
        bar.set_postfix(loss=f"{log.loss:.3f}" if log.loss else "-", tok_s=f"{log.tokens_per_s:,.0f}", refresh=False)
    bar.close()
    seconds = time.perf_counter() - t0
    train_tokens = train_cfg.max_iters * train_cfg.batch_size * model_cfg.block_size
    result = {"preset": args.preset, "iters": trainer.iter, "seconds": round(seconds, 2),
              "tokens_per_s": round(train_tokens / seconds, 1), "train_loss": round(last.train_loss, 4),
              "val_loss": round(last.val_loss, 4), "params": n_params, "dtype": str(trainer.dtype),
              "curve": curve}
    if args.out:
        command = "python -m model.train " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
        save_checkpoint_from_trainer(args.out, trainer, command=command, seconds=result["seconds"], curve=curve,
                                     timeline=timeline)
        result["out"] = args.out
    print(json.dumps(result))
    return result


def save_checkpoint_from_trainer(path, trainer: Trainer, **meta):
    from .checkpoint import save_checkpoint
    ev = trainer.last_eval or {}
    return save_checkpoint(path, trainer.model, trainer.dataset.tokenizer, step=trainer.iter,
                           train_loss=ev.get("train"), val_loss=ev.get("val"),
                           train=asdict(trainer.config), corpus=trainer.dataset.name, **meta)


if __name__ == "__main__":
    main()
