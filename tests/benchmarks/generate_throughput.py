"""
generation throughput: the lecture's generate (full forward of the cropped context for every
new token) vs ours (model.sampling.generate with the KV cache), interleaved, on 2 threads.
a gpt-lecture-sized model (vocab 65, block 256), random init, the same weights in both.
not a pytest file: run it directly.

    python tests/benchmarks/generate_throughput.py [--quick] [--tokens N]

progress goes to stderr; the last stdout line is one JSON object.

note: our cache is only valid while the window starts at position 0. past block_size every
token's (learned) position shifts by one, so ours recomputes the whole window per token, exactly
like the lecture; the overall ratio is limited by that, within_window_ratio shows the cache alone.
"""
import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]  # the repo root (for model/) and this folder

import torch

import lecture_baseline as lb
from model.config import preset
from model.gpt import GPTLanguageModel
from model.sampling import generate


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def run_baseline(model, n, window, seed):
    """lecture's generate from a 1-token prompt; (seconds for all n, seconds for the first window, ids)"""
    stamps = []
    torch.manual_seed(seed)  # multinomial draws from the global generator, as in the lecture
    idx = torch.zeros((1, 1), dtype=torch.long)
    t0 = time.perf_counter()
    # no_grad + eval to be fair to the baseline (the lecture's script calls generate without
    # no_grad, which would also build an autograd graph for every token)
    with torch.no_grad():
        out = model.generate(idx, n, on_token=lambda: stamps.append(time.perf_counter()))
    return stamps[-1] - t0, stamps[window - 1] - t0, out


def run_ours(model, n, seed, use_cache=True):
    """model.sampling.generate from a 1-token prompt; (seconds, ids)"""
    torch.manual_seed(seed)  # same global generator state as the baseline, so same draws
    idx = torch.zeros((1, 1), dtype=torch.long)
    t0 = time.perf_counter()
    out = generate(model, idx, n, use_cache=use_cache)
    return time.perf_counter() - t0, out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--quick', action='store_true', help='fewer tokens (just past the window), one round')
    p.add_argument('--tokens', type=int, help='new tokens per run (default 500; 270 with --quick)')
    p.add_argument('--rounds', type=int, help='baseline/ours rounds (default 2; 1 with --quick)')
    args = p.parse_args()
    torch.set_num_threads(2)
    n = args.tokens or (270 if args.quick else 500)
    rounds = args.rounds or (1 if args.quick else 2)

    # the same random weights in both models
    config = replace(preset('gpt-lecture')[0], vocab_size=65)
    block_size = config.block_size
    window = min(block_size - 1, n)  # tokens generated while the whole context fits: 255 from 1 token
    torch.manual_seed(1337)
    ours = GPTLanguageModel(config).eval()
    base = lb.load_from_ours(lb.from_config(config), ours).eval()
    with torch.no_grad():
        x = torch.randint(0, config.vocab_size, (1, block_size))
        max_diff = (ours(x)[0] - base(x)[0]).abs().max().item()
    log(f"{sum(p.numel() for p in ours.parameters()) / 1e6:.2f}M parameters, block {block_size}, "
        f"max |logit diff| baseline vs ours {max_diff:.2e}; {n} new tokens, window {window}")
    assert max_diff < 1e-3, "baseline and ours disagree; the comparison would be meaningless"

    run_baseline(base, 8, 8, seed=0), run_ours(ours, 8, seed=0)  # warmup
    t = {'base': 0.0, 'base_win': 0.0, 'ours': 0.0, 'ours_win': 0.0}
    identical = None
    for r in range(rounds):
        seed = 1000 + r
        dt, dt_win, out_base = run_baseline(base, n, window, seed)
        t['base'] += dt
        t['base_win'] += dt_win
        log(f"round {r + 1}/{rounds} baseline: {n / dt:7.1f} tok/s ({window / dt_win:7.1f} in the window)")
        dt, out_ours = run_ours(ours, n, seed)
        dt_win, _ = run_ours(ours, window, seed)  # the first `window` tokens alone
        t['ours'] += dt
        t['ours_win'] += dt_win
        log(f"round {r + 1}/{rounds} ours    : {n / dt:7.1f} tok/s ({window / dt_win:7.1f} in the window)")
        if identical is None:
            # same weights, same random draws: the texts should agree (fp noise may flip a rare draw)
            same = (out_base[0] == out_ours[0]).tolist()
            identical = same.index(False) - 1 if False in same else n  # leading new tokens that agree
            log(f"baseline and ours agree on the first {identical} of {n} new tokens")
    dt_nc, _ = run_ours(ours, n, seed=0, use_cache=False)
    log(f"ours without cache: {n / dt_nc:7.1f} tok/s")

    total = rounds * n
    result = {
        'baseline_tokens_per_s': round(total / t['base'], 2),
        'ours_tokens_per_s': round(total / t['ours'], 2),
        'ratio': round(t['base'] / t['ours'], 3),
        'within_window_baseline_tokens_per_s': round(rounds * window / t['base_win'], 2),
        'within_window_ours_tokens_per_s': round(rounds * window / t['ours_win'], 2),
        'within_window_ratio': round(t['base_win'] / t['ours_win'], 3),
        'ours_no_cache_tokens_per_s': round(n / dt_nc, 2),
        'new_tokens': n,
        'window_tokens': window,
        'tokens_identical': identical,
        'max_logit_diff': max_diff,
    }
    print(json.dumps(result))


if __name__ == '__main__':
    main()
