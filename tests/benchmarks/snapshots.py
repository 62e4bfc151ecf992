"""What keeping a timeline costs (a benchmark, not collected by pytest):

    python tests/benchmarks/snapshots.py [--preset gpt-classroom] [--steps 300] [--rounds 3]

trains the preset's model for --steps steps, evaluating every eval_interval steps as the preset does
(eval_iters as the preset), with and without a snapshot at each evaluation made as the app makes it
(the child's float16 state dict through torch.save, loaded back by the parent, added to a Timeline),
in alternating rounds; prints tokens/s of each and the overhead in percent (target: at most 3), then
the bytes a full timeline of that model takes and how many such runs fit the default 64 MB budget; then
builds one session's four runs of it with full timelines, the budget applied after every snapshot as
the app does, and prints the process's resident memory before and after (Linux: /proc/self/status)."""
import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from explorer.limits import Limits  # noqa: E402
from explorer.training.worker import from_bytes, half_bytes  # noqa: E402
from model.config import preset  # noqa: E402
from model.data import CharDataset  # noqa: E402
from model.timeline import MAX_SNAPSHOTS, Timeline  # noqa: E402
from model.train import Trainer  # noqa: E402


def run(model_cfg, train_cfg, dataset, snapshots: bool) -> float:
    trainer = Trainer.from_configs(model_cfg, train_cfg, dataset)
    timeline = Timeline()
    t0 = time.perf_counter()
    for log in trainer.run():
        if snapshots and log.val_loss is not None:
            timeline.add(log.step, log.train_loss, log.val_loss, from_bytes(half_bytes(trainer.model)))
    seconds = time.perf_counter() - t0
    return train_cfg.max_iters * train_cfg.batch_size * model_cfg.block_size / seconds


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def four_runs_rss(model_cfg, train_cfg, model) -> dict:
    """Four runs of 24 evaluations each, every snapshot through the app's path, in one session's state."""
    from explorer.training.state import TrainState
    budget = Limits().snapshot_mb * 2**20
    before, st = rss_mb(), TrainState()
    for number in range(1, 5):
        run = st.new_run(number, model_cfg, train_cfg, "input.txt", 65)
        for k in range(MAX_SNAPSHOTS):
            with torch.no_grad():
                for p in model.parameters():
                    p.add_(1e-3)  # other weights at each evaluation, as training gives
            run.timeline.add(k * 100, 2.0, 2.1, from_bytes(half_bytes(model)))
            st.fit_snapshots(budget)
    kept = sum(len(r.timeline) for r in st.kept.values())
    return {"four_runs_snapshots": kept, "four_runs_mb": round(sum(r.timeline.nbytes for r in st.kept.values()) / 2**20, 1),
            "rss_before_mb": round(before), "rss_after_mb": round(rss_mb()), "budget_mb": Limits().snapshot_mb}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--preset", default="gpt-classroom")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model_cfg, train_cfg = preset(args.preset)
    interval = train_cfg.eval_interval or max(1, train_cfg.max_iters // 10)
    train_cfg = replace(train_cfg, max_iters=args.steps, eval_interval=min(interval, args.steps // 4))
    dataset = CharDataset.from_path()
    model = Trainer.from_configs(model_cfg, train_cfg, dataset).model
    memory = four_runs_rss(model_cfg, train_cfg, model)  # first: the training below would leave its own memory
    rates = {False: [], True: []}
    for _ in range(args.rounds):
        for snapshots in (False, True):
            rates[snapshots].append(run(model_cfg, train_cfg, dataset, snapshots))
    without, with_ = statistics.median(rates[False]), statistics.median(rates[True])
    one = len(half_bytes(model))
    budget = Limits().snapshot_mb * 2**20
    print(json.dumps({"preset": args.preset, "steps": args.steps, "eval_interval": train_cfg.eval_interval,
                      "tokens_per_s_without": round(without), "tokens_per_s_with": round(with_),
                      "overhead_percent": round(100 * (without - with_) / without, 2),
                      "snapshot_mb": round(one / 2**20, 2), "full_timeline_mb": round(one * MAX_SNAPSHOTS / 2**20, 1),
                      "full_runs_in_budget": round(budget / (one * MAX_SNAPSHOTS), 2), **memory}))


if __name__ == "__main__":
    main()
