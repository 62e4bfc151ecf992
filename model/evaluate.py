"""CLI: train/val loss of a checkpoint. python -m model.evaluate --checkpoint DIR"""
import argparse
import json

import torch

from .checkpoint import CheckpointError, load_checkpoint
from .data import CharDataset, CorpusError
from .train import estimate_loss


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(prog="python -m model.evaluate", description=__doc__)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--data", help="UTF-8 text file (default: tiny-shakespeare, see model/data.py)")
    p.add_argument("--eval-iters", type=int, default=200)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--threads", type=int)
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        model, tok, cfg = load_checkpoint(args.checkpoint)
        ds = CharDataset.from_path(args.data)
        ds = CharDataset(ds.text, tokenizer=tok, name=ds.name)  # the checkpoint's vocabulary
        ds.check_block_size(model.config.block_size)
        losses = estimate_loss(model, ds, args.eval_iters, args.batch_size,
                               torch.Generator().manual_seed(args.seed))
    except (CheckpointError, CorpusError, ValueError) as e:
        p.exit(2, f"error: {e}\n")
    result = {"checkpoint": str(args.checkpoint), "train_loss": round(losses["train"], 4),
              "val_loss": round(losses["val"], 4), "eval_iters": args.eval_iters}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
