"""The command line's run: train (or resume) as the flags say, in one process or as one of torchrun's,
with a progress bar, the curve, the timeline and the checkpoint; python -m model.train calls run()."""
import json
import os
import shlex
import sys
import time

import torch

from .checkpoint import CheckpointError
from .data import CharDataset
from .distributed import Dist
from .resume import resume_run, save_training_state
from .timeline import Timeline
from .flags import DEFAULT_PRESET, configs_from_args, resume_overrides
from .train import Trainer


def run(args, argv, dist: Dist | None, device: str) -> dict | None:
    """Train (or resume) as the parsed flags say: a progress bar, the curve and timeline, --out; rank 0
    prints the result as one JSON line and returns it (the other ranks return None)."""
    from tqdm import tqdm
    if torch.device(device).type == "cuda":
        torch.set_float32_matmul_precision("high")  # TF32 for the matmuls autocast leaves in fp32
    dataset = CharDataset.from_path(args.data)
    curve, timeline, seconds0 = [], None, 0.0
    if args.resume:
        try:
            trainer, saved = resume_run(args.resume, dataset, device, dist, args.compile, **resume_overrides(args))
        except CheckpointError as e:
            raise SystemExit(f"--resume {args.resume}: {e}") from None
        curve, timeline, seconds0 = list(saved.get("curve") or []), saved["snapshots"], saved.get("seconds") or 0.0
    else:
        model_cfg, train_cfg = configs_from_args(args)
        trainer = Trainer.from_configs(model_cfg, train_cfg, dataset, device, dist, args.compile)
    if args.timeline and timeline is None:
        timeline = Timeline()
    c, model_cfg, main_rank, start = trainer.config, trainer.model.config, trainer.is_main, trainer.iter
    n_params = sum(p.numel() for p in trainer.model.parameters())
    if main_rank:
        print(f"{n_params / 1e6:.3f}M parameters, {dataset.tokenizer.vocab_size} characters, {trainer.device}, "
              f"{trainer.dtype}, {trainer.world_size} process(es), from step {start}", file=sys.stderr)
    launcher = (f"torchrun --nproc_per_node={os.environ.get('LOCAL_WORLD_SIZE', trainer.world_size)} -m model.train "
                if dist else "python -m model.train ")
    command = launcher + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    t0 = time.perf_counter() - seconds0  # a resumed run's clock goes on from where it stopped

    def save():  # every rank calls it (their random states are gathered); rank 0 writes
        save_training_state(args.out, trainer, command=command, curve=curve, timeline=timeline,
                            seconds=round(time.perf_counter() - t0, 2))

    # a time budget is a bar of seconds (its steps in the postfix); otherwise a bar of steps
    timed = bool(c.max_seconds)
    bar = tqdm(total=round(c.max_seconds) if timed else c.max_iters, initial=round(trainer.elapsed) if timed else start,
               unit="s" if timed else "it", file=sys.stderr, dynamic_ncols=True, disable=not main_rank)
    for log in trainer.run():
        bar.update(min(round(trainer.elapsed), bar.total) - bar.n if timed else log.step - bar.n)
        if log.val_loss is not None:  # rank 0's evaluations
            curve.append({"step": log.step, "seconds": round(time.perf_counter() - t0, 2),
                          "train_loss": round(log.train_loss, 4), "val_loss": round(log.val_loss, 4)})
            if timeline is not None:
                timeline.add(log.step, round(log.train_loss, 4), round(log.val_loss, 4), trainer.model)
            bar.write(f"step {log.step}: train loss {log.train_loss:.4f}, val loss {log.val_loss:.4f}",
                      file=sys.stderr)
        bar.set_postfix(**({"step": log.step} if timed else {}), loss=f"{log.loss:.3f}" if log.loss else "-",
                        tok_s=f"{log.tokens_per_s:,.0f}", refresh=False)
        # every rank knows when an evaluation was due, and all of them join the save (it gathers their state)
        if args.out and args.save_every_eval and log.loss is not None and trainer._eval_due() and not trainer.done:
            save()
    bar.close()
    seconds = time.perf_counter() - t0
    if main_rank and trainer.iter < c.max_iters:  # the time budget ended it: the schedule followed the clock
        print(f"the time budget (--max-seconds {c.max_seconds:g}) ended the run at step {trainer.iter}",
              file=sys.stderr)
    if args.out:
        save()
    if not main_rank:
        return None
    tokens = (trainer.iter - start) * c.batch_size * c.grad_accum * trainer.world_size * model_cfg.block_size
    ev = trainer.last_eval or {}
    result = {"preset": args.preset or (None if args.resume else DEFAULT_PRESET), "iters": trainer.iter,
              "seconds": round(seconds, 2),
              "tokens_per_s": round(tokens / max(seconds - seconds0, 1e-9), 1),
              "train_loss": round(ev["train"], 4) if ev else None, "val_loss": round(ev["val"], 4) if ev else None,
              "params": n_params, "dtype": str(trainer.dtype), "world_size": trainer.world_size, "curve": curve}
    if args.resume:
        result["resumed"] = args.resume
    if args.out:
        result["out"] = args.out
    print(json.dumps(result))
    return result
