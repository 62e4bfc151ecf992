"""Dropout against overfitting, measured. The ladder's rungs are too small to memorise tiny-shakespeare,
so their train and val losses stay together and dropout has nothing to do. Here the last rung, a little
wider (n_embd 64, block 32, 2 blocks), trains on the first 20,000 characters only (the first 18,000 to
train on, the next 2,000 to validate): without dropout it memorises them (train falls, val turns back
up); with dropout 0.2, as in the lecture's final gpt.py, the gap stays small and val ends lower.

    python -m model.lecture.dropout --out assets/dropout.json
"""
import argparse
import json
import shlex
import sys
import time
from dataclasses import asdict, replace

import torch

from ..config import PRESETS, TrainConfig
from ..data import CharDataset
from ..train import Trainer

CHARS = 20_000
RATES = (0.0, 0.2)
MODEL = replace(PRESETS["ladder-7"][0], n_embd=64, block_size=32, n_layer=2)
TRAIN = TrainConfig(batch_size=32, learning_rate=1e-3, max_iters=2000, eval_interval=250, eval_iters=50)


def curve(text: str, dropout: float, max_iters: int | None = None) -> dict:
    """Train MODEL with this dropout on text (split 90/10); its evaluations and the seconds taken."""
    train = TRAIN if max_iters is None else replace(TRAIN, max_iters=max_iters, eval_interval=max_iters)
    trainer = Trainer.from_configs(replace(MODEL, dropout=dropout), train, CharDataset(text, name="first chars"))
    t0, out = time.perf_counter(), []
    for log in trainer.run():
        if log.val_loss is not None:
            out.append({"step": log.step, "train_loss": round(log.train_loss, 4), "val_loss": round(log.val_loss, 4)})
    return {"dropout": dropout, "seconds": round(time.perf_counter() - t0, 2), "curve": out}


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", help="UTF-8 text file (default: tiny-shakespeare)")
    p.add_argument("--out", help="write the curves to this JSON file")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    text = CharDataset.from_path(args.data).text[:CHARS]
    result = {"command": "python -m model.lecture.dropout " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:])),
              "chars": CHARS, "model": asdict(MODEL), "train": asdict(TRAIN),
              "runs": [curve(text, rate) for rate in RATES]}
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
    print(json.dumps({r["dropout"]: r["curve"][-1] | {"seconds": r["seconds"]} for r in result["runs"]}))
    return result


if __name__ == "__main__":
    main()
