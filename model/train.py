"""estimate_loss and a Trainer that yields a StepLog per step. python -m model.train parses the flags
(model/flags.py) and runs model/run.py, in one process or as one of torchrun's (model/distributed.py)."""
import contextlib
import math
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch

from . import distributed
from .config import GPTConfig, TrainConfig
from .data import CharDataset
from .distributed import Dist
from .gpt import build_model


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
        fast = torch.cuda.is_bf16_supported() if torch.device(device).type == "cuda" else bf16_is_fast()
        return torch.bfloat16 if fast else torch.float32
    return torch.bfloat16 if dtype == "bfloat16" else torch.float32


def autocast(dtype: torch.dtype, device: str = "cpu"):
    """bf16 autocast, or nothing for fp32."""
    if dtype == torch.float32:
        return contextlib.nullcontext()
    return torch.autocast(device_type=torch.device(device).type, dtype=dtype)  # "cuda:1" -> "cuda"


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
    """AdamW training driven by its caller: step() once, or iterate run() and stop at will.

    Under torchrun (dist given) each rank draws its own batches, DistributedDataParallel averages the
    gradients, and only rank 0 evaluates. self.model is always the plain module (what is saved,
    evaluated and snapshotted); the step runs through self.train_model, its DDP and/or compiled wrapper.
    """

    def __init__(self, model, dataset: CharDataset, config: TrainConfig, device: str = "cpu",
                 dist: Dist | None = None, compile: bool = False):
        self.model, self.dataset, self.config = model, dataset, config.validate()
        dataset.check_block_size(model.config.block_size)
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(config.dtype, self.device)
        self.dist = dist
        self.rank, self.world_size = (dist.rank, dist.world_size) if dist else (0, 1)
        model.to(self.device)
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate,
                                           weight_decay=config.weight_decay, betas=(0.9, config.beta2),
                                           fused=True)
        self.ddp = distributed.wrap(model, self.device) if dist else None
        self.train_model = self.ddp or model
        if compile:  # the plain module keeps its parameter names: checkpoints carry no "_orig_mod."
            self.train_model = torch.compile(self.train_model)
        # rank r's batches come from seed + 2r: rank 0's are a single process's, and none is the
        # evaluation's stream (seed + 1)
        self.batch_gen = torch.Generator().manual_seed(config.seed + 2 * self.rank)
        self.eval_gen = torch.Generator().manual_seed(config.seed + 1)
        self.iter = 0
        self.elapsed = 0.0
        self.eval_seconds = 0.0  # how long the last evaluation took: a time budget keeps it for the final one
        self.tokens_per_s = 0.0
        self.last_eval: dict[str, float] | None = None
        self.should_stop = None  # a callable the caller may set to cut an evaluation short
        model.train()

    @classmethod
    def from_configs(cls, model_config: GPTConfig, train_config: TrainConfig, dataset: CharDataset,
                     device: str = "cpu", dist: Dist | None = None, compile: bool = False):
        """Seed, build the model for the dataset's vocabulary, and wrap it in a Trainer."""
        torch.manual_seed(train_config.seed)  # the same on every rank: the same initial weights
        model = build_model(replace(model_config, vocab_size=dataset.tokenizer.vocab_size))
        if dist and dist.rank:
            torch.manual_seed(train_config.seed + 2 * dist.rank)  # dropout masks differ between ranks
        return cls(model, dataset, train_config, device, dist, compile)

    @property
    def done(self) -> bool:
        """max_iters steps done, or the time budget spent (with room left for the final evaluation)."""
        c = self.config
        return self.iter >= c.max_iters or 0 < c.max_seconds <= self.elapsed + self.eval_seconds

    @property
    def is_main(self) -> bool:
        """Rank 0 (or the only process): it evaluates, logs and saves."""
        return self.rank == 0

    def get_batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        """This rank's next training micro-batch, on the training device."""
        xb, yb = self.dataset.get_batch("train", self.config.batch_size, self.model.config.block_size,
                                        self.batch_gen)
        return xb.to(self.device, non_blocking=True), yb.to(self.device, non_blocking=True)

    def lr_at(self, it: int) -> float:
        """Linear warmup, then constant or cosine decay to min_lr (over max_iters, or over the time budget
        when the clock says the run is further along than its steps do)."""
        c = self.config
        if c.warmup_iters and it < c.warmup_iters:
            return c.learning_rate * (it + 1) / c.warmup_iters
        if not c.lr_decay:
            return c.learning_rate
        ratio = min(1.0, (it - c.warmup_iters) / max(1, c.max_iters - c.warmup_iters))
        if c.max_seconds:
            ratio = max(ratio, min(1.0, self.elapsed / c.max_seconds))
        return c.min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (c.learning_rate - c.min_lr)

    def evaluate(self) -> dict[str, float]:
        t0 = time.perf_counter()
        try:
            self.last_eval = estimate_loss(self.model, self.dataset, self.config.eval_iters,
                                           self.config.batch_size, self.eval_gen, self.dtype,
                                           self.device, self.should_stop)
        finally:
            self.eval_seconds = time.perf_counter() - t0
            self.elapsed += self.eval_seconds
        return self.last_eval

    def _eval_due(self) -> bool:
        every = self.config.eval_interval
        return self.done or (every > 0 and self.iter % every == 0)

    def _share_clock(self) -> None:
        """Under torchrun with a time budget, every rank takes rank 0's clock: their learning rates and
        their last step must agree (a rank that stopped alone would leave the others in an all-reduce
        nobody joins: they fail as it exits)."""
        if self.dist is None or not self.config.max_seconds:
            return
        clock = torch.tensor([self.elapsed, self.eval_seconds], dtype=torch.float64, device=self.device)
        distributed.broadcast(clock)
        self.elapsed, self.eval_seconds = clock.tolist()

    def step(self) -> StepLog:
        """One optimizer step of grad_accum micro-batches (plus an evaluation when one is due, on rank 0).
        The logged loss is this rank's mean over its micro-batches."""
        c = self.config
        t0 = time.perf_counter()
        lr = self.lr_at(self.iter)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.optimizer.zero_grad(set_to_none=True)
        total = 0.0  # the micro-batches' summed loss, a tensor once one is added (one .item() a step)
        for micro in range(c.grad_accum):
            xb, yb = self.get_batch()
            # DDP averages the gradients across ranks in backward: once a step, on the last micro-batch
            last = micro == c.grad_accum - 1
            with contextlib.nullcontext() if last or self.ddp is None else self.ddp.no_sync():
                with autocast(self.dtype, self.device):
                    _, loss = self.train_model(xb, yb)
                (loss / c.grad_accum).backward()  # the mean over all micro-batches, as one big batch
            total = total + loss.detach()
        if c.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), c.grad_clip)
        self.optimizer.step()
        self.iter += 1
        dt = time.perf_counter() - t0
        self.elapsed += dt
        rate = xb.numel() * c.grad_accum * self.world_size / max(dt, 1e-9)  # every rank's tokens
        self.tokens_per_s = rate if self.iter == 1 else 0.9 * self.tokens_per_s + 0.1 * rate
        log = StepLog(self.iter, (total / c.grad_accum).item(), lr, self.tokens_per_s, self.elapsed)
        if self._eval_due() and self.is_main:
            ev = self.evaluate()
            log.train_loss, log.val_loss, log.elapsed = ev["train"], ev["val"], self.elapsed
        self._share_clock()
        return log

    def run(self):
        """Yield the step-0 evaluation (when evaluating periodically, on rank 0), then a StepLog per step."""
        if self.iter == 0 and self.config.eval_interval > 0 and self.is_main:
            ev = self.evaluate()
            yield StepLog(0, None, self.lr_at(0), 0.0, self.elapsed, ev["train"], ev["val"])
        while not self.done:
            yield self.step()


def main(argv=None) -> dict | None:
    """Train as the flags say; under torchrun, as one of its processes (the result: rank 0's alone)."""
    from .flags import parse_args
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    from .run import run
    dist, device = distributed.setup(resolve_device(args.device))
    try:
        return run(args, argv, dist, device)
    finally:
        distributed.teardown(dist)


def save_checkpoint_from_trainer(path, trainer: Trainer, **meta):
    """The trainer's model as a checkpoint (model/resume.py's save_training_state adds what resuming needs)."""
    from .checkpoint import save_checkpoint
    ev = trainer.last_eval or {}
    return save_checkpoint(path, trainer.model, trainer.dataset.tokenizer, step=trainer.iter,
                           train_loss=ev.get("train"), val_loss=ev.get("val"),
                           train=asdict(trainer.config), corpus=trainer.dataset.name, **meta)


if __name__ == "__main__":
    main()
