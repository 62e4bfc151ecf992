"""
training throughput: the lecture's gpt.py training step vs ours (model.train.Trainer.step),
interleaved in one process, on 2 threads. not a pytest file: run it directly.

    python tests/benchmarks/train_throughput.py [--quick] [--parity] [--dtype auto] [--data PATH]
    python tests/benchmarks/train_throughput.py --ddp [--quick] [--dtype auto] [--data PATH]

progress goes to stderr; the last stdout line is one JSON object.

note: "lecture" has dropout 0.2, and on the CPU scaled_dot_product_attention with dropout_p > 0
falls back to its math kernel (the T x T matrix is materialised, as in the lecture), so ours
gains less there from the fused attention than in "classroom" (dropout 0, flash kernel).
the wall clock is shared: on a busy machine both sides slow down, the ratios hold up better.

--ddp instead times python -m model.train under torchrun (gloo) with 1 and 2 processes on the same 2
cores (2 threads for one process, 1 each for two; each process trains its own batch of 32): tokens/s
of all processes together. on 2 cores expect no speed-up: two processes share the cores one used and
add a gradient all-reduce a step; the mode checks the path that scales to more machines.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]  # the repo root (for model/) and this folder

import torch

import lecture_baseline as lb
from model.config import preset
from model.data import CharDataset
from model.train import Trainer, bf16_is_fast, estimate_loss


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def matmul_peak_gflops(dtype, n=2048, reps=5):
    # best of a few n x n matmuls: 2*n^3 flops each
    a, b = torch.randn(n, n).to(dtype), torch.randn(n, n).to(dtype)
    a @ b  # warmup
    best = float('inf')
    for _ in range(reps):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * n**3 / best / 1e9


def train_flops_per_token(model):
    # flops per trained token = 6*N + 12*n_layer*T*C, where
    #   6*N: every weight does a multiply-add forward (2N) and twice that backward (4N); N counts
    #        the parameters of the matmuls (everything but the two embedding tables, which are lookups)
    #   12*n_layer*T*C: attention's q @ k.T and wei @ v, 2*T*C each forward per layer, x3 with the
    #        backward (nanoGPT's estimate; not halved for the causal mask)
    c = model.config
    n_emb = model.token_embedding_table.weight.numel() + model.position_embedding_table.weight.numel()
    n = sum(p.numel() for p in model.parameters()) - n_emb
    return 6 * n + 12 * c.n_layer * c.block_size * c.n_embd


def baseline_step(model, optimizer, data, block_size, batch_size):
    # the lecture's training loop body
    xb, yb = lb.get_batch(data, block_size, batch_size)
    logits, loss = model(xb, yb)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.item()


def bench_config(name, preset_name, batch_size, dataset, dtype, warmup, rounds, steps):
    """interleaved rounds of `steps` baseline steps and `steps` of ours; tokens/s of each"""
    model_cfg, train_cfg = preset(preset_name)
    # no evaluation inside the timed steps: eval_interval=0 evaluates only at max_iters, never reached
    train_cfg = replace(train_cfg, batch_size=batch_size, eval_interval=0, max_iters=10**9, dtype=dtype)
    ours = Trainer.from_configs(model_cfg, train_cfg, dataset)
    model_cfg = ours.model.config  # with the dataset's vocab_size
    torch.manual_seed(train_cfg.seed)
    base = lb.from_config(model_cfg)
    base.train()
    base_opt = torch.optim.AdamW(base.parameters(), lr=train_cfg.learning_rate)  # plain fp32, not fused
    n_base = sum(p.numel() for p in base.parameters())
    n_ours = sum(p.numel() for p in ours.model.parameters())
    assert n_base == n_ours, f"{name}: baseline has {n_base} parameters, ours {n_ours}"
    T = model_cfg.block_size
    log(f"[{name}] {n_ours / 1e6:.2f}M parameters in both, B={batch_size} T={T}, ours in {ours.dtype}")

    run_base = lambda: baseline_step(base, base_opt, dataset.train_data, T, batch_size)
    run_ours = lambda: ours.step().loss
    for _ in range(warmup):
        run_base(), run_ours()
    times = {'baseline': 0.0, 'ours': 0.0}
    for r in range(rounds):
        order = [('baseline', run_base), ('ours', run_ours)]
        if r % 2:
            order.reverse()  # alternate who goes first, so neither always follows the other
        for who, fn in order:
            t0 = time.perf_counter()
            for _ in range(steps):
                loss = fn()
            dt = time.perf_counter() - t0
            times[who] += dt
            log(f"[{name}] round {r + 1}/{rounds} {who:8s}: {steps * batch_size * T / dt:8.0f} tok/s, loss {loss:.3f}")
    tokens = rounds * steps * batch_size * T
    rate_base, rate_ours = tokens / times['baseline'], tokens / times['ours']
    gflops = rate_ours * train_flops_per_token(ours.model) / 1e9
    log(f"[{name}] baseline {rate_base:.0f} tok/s, ours {rate_ours:.0f} tok/s "
        f"({rate_ours / rate_base:.2f}x), ours {gflops:.1f} GFLOP/s")
    return rate_base, rate_ours, gflops, ours.dtype


def parity(dataset, steps, eval_iters):
    """the classroom preset trained `steps` steps in fp32 and in bf16 autocast, same seed;
    both evaluated in fp32 on the same val batches. a second fp32 seed shows the noise scale."""
    model_cfg, train_cfg = preset('gpt-classroom')
    out = {}
    runs = [('fp32', 'float32', 1337), ('bf16', 'bfloat16', 1337), ('fp32_seed2', 'float32', 1338)]
    if not bf16_is_fast():  # emulated bf16 runs hundreds of times slower; 'auto' never picks it here
        log("[parity] this CPU has no native bf16 (AVX512-BF16 or AMX): bf16 run skipped")
        runs.pop(1)
    for key, dtype, seed in runs:
        # eval_iters=1: the trainer's own end-of-run evaluation is skipped over cheaply, we do ours
        cfg = replace(train_cfg, max_iters=steps, eval_interval=0, eval_iters=1, seed=seed, dtype=dtype,
                      warmup_iters=min(train_cfg.warmup_iters, steps // 10))
        trainer = Trainer.from_configs(model_cfg, cfg, dataset)
        t0 = time.perf_counter()
        while not trainer.done:
            trainer.step()
        ev = estimate_loss(trainer.model, dataset, eval_iters, cfg.batch_size,
                           torch.Generator().manual_seed(0))  # fp32, same batches for all three
        out[f'parity_{key}_val'] = round(ev['val'], 4)
        log(f"[parity] {key:10s} seed {seed}: {steps} steps in {time.perf_counter() - t0:.1f}s, "
            f"train {ev['train']:.4f}, val {ev['val']:.4f}")
    return out


def ddp(data, dtype, iters):
    """tokens/s (all ranks) of the CLI's gpt-classroom under torchrun with 1 and 2 processes"""
    out = {}
    env = {**os.environ, 'PYTHONPATH': str(HERE.parents[1])}
    for n in (1, 2):
        cmd = [sys.executable, '-m', 'torch.distributed.run', '--standalone', f'--nproc_per_node={n}',
               '-m', 'model.train', '--preset', 'gpt-classroom', '--max-iters', str(iters), '--eval-interval', '0',
               '--eval-iters', '1', '--dtype', dtype, '--threads', str(2 // n), *(['--data', data] if data else [])]
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=HERE.parents[1])
        if r.returncode:
            raise SystemExit(f"torchrun with {n} process(es) failed:\n{r.stderr[-2000:]}")
        rate = json.loads(r.stdout.strip().splitlines()[-1])['tokens_per_s']
        out[f'ddp_{n}_tokens_per_s'] = rate
        log(f"[ddp] {n} process(es) x {2 // n} thread(s): {rate:.0f} tok/s over {iters} steps")
    out['ddp_speedup'] = round(out['ddp_2_tokens_per_s'] / out['ddp_1_tokens_per_s'], 3)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--quick', action='store_true', help='very few steps, for smoke-testing')
    p.add_argument('--parity', action='store_true', help='also the fp32-vs-bf16 loss parity check')
    p.add_argument('--dtype', default='auto', choices=['auto', 'float32', 'bfloat16'],
                   help="ours' dtype (default auto: bf16 where the CPU has native bf16)")
    p.add_argument('--data', help='corpus file (default: $GPT_EXPLORER_CORPUS, then the cache)')
    p.add_argument('--ddp', action='store_true', help='only tokens/s under torchrun with 1 and 2 processes')
    args = p.parse_args()
    if args.ddp:
        t_start = time.perf_counter()
        result = ddp(args.data, args.dtype, iters=10 if args.quick else 100)
        result.update(dtype=args.dtype, seconds=round(time.perf_counter() - t_start, 1))
        print(json.dumps(result))
        return
    torch.set_num_threads(2)
    dataset = CharDataset.from_path(args.data)

    t_start = time.perf_counter()
    result = {}
    result['matmul_peak_gflops_fp32'] = round(matmul_peak_gflops(torch.float32), 1)
    result['matmul_peak_gflops_bf16'] = round(matmul_peak_gflops(torch.bfloat16), 1)
    log(f"matmul 2048x2048 on 2 threads: fp32 {result['matmul_peak_gflops_fp32']} GFLOP/s, "
        f"bf16 {result['matmul_peak_gflops_bf16']} GFLOP/s")

    # (name, preset, batch size, warmup steps, rounds, steps per round)
    if args.quick:
        plan = [('classroom', 'gpt-classroom', 32, 1, 2, 2), ('lecture', 'gpt-lecture', 8, 1, 1, 1)]
    else:
        plan = [('classroom', 'gpt-classroom', 32, 3, 6, 10), ('lecture', 'gpt-lecture', 8, 1, 4, 2)]
    for name, preset_name, batch_size, warmup, rounds, steps in plan:
        rate_base, rate_ours, gflops, dtype = bench_config(name, preset_name, batch_size, dataset,
                                                           args.dtype, warmup, rounds, steps)
        result[f'{name}_baseline_tokens_per_s'] = round(rate_base, 1)
        result[f'{name}_tokens_per_s'] = round(rate_ours, 1)
        result[f'ratio_{name}'] = round(rate_ours / rate_base, 3)
        result[f'{name}_gflops'] = round(gflops, 2)
    result['dtype'] = str(dtype).replace('torch.', '')

    if args.parity:
        result.update(parity(dataset, steps=20 if args.quick else 200, eval_iters=5 if args.quick else 50))
    result['seconds'] = round(time.perf_counter() - t_start, 1)
    print(json.dumps(result))


if __name__ == '__main__':
    main()
