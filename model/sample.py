"""CLI: print text sampled from a checkpoint. python -m model.sample --checkpoint DIR"""
import argparse
import sys

import torch

from .checkpoint import CheckpointError, load_checkpoint
from .sampling import generate
from .tokenizer import UnknownCharactersError


def main(argv=None) -> str:
    p = argparse.ArgumentParser(prog="python -m model.sample", description=__doc__)
    p.add_argument("--checkpoint", required=True, help="checkpoint folder (config.json + model.safetensors)")
    p.add_argument("--prompt", default="", help="text to continue (default: start from token 0, '\\n')")
    p.add_argument("--max-new-tokens", type=int, default=500)
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--top-k", type=int)
    p.add_argument("--top-p", type=float)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--threads", type=int)
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        model, tok, _ = load_checkpoint(args.checkpoint)
        idx = torch.tensor([tok.encode(args.prompt)], dtype=torch.long)
        if args.max_new_tokens < 0:
            raise ValueError("--max-new-tokens must be >= 0")
        out = generate(model, idx, args.max_new_tokens, args.temperature, args.top_k, args.top_p,
                       generator=torch.Generator().manual_seed(args.seed))
    except (CheckpointError, UnknownCharactersError, ValueError) as e:
        p.exit(2, f"error: {e}\n")
    text = tok.decode(out[0].tolist())
    if not args.prompt:
        text = text[1:]  # drop the starting token 0 the lecture seeds generation with
    sys.stdout.write(text + "\n")
    return text


if __name__ == "__main__":
    main()
