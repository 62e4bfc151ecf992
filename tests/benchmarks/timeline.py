"""Moving the step slider (a benchmark, not collected by pytest):

    python tests/benchmarks/timeline.py [--repeat 9]

gives gpt-small a timeline of 12 snapshots (its own weights, each perturbed, in a temporary assets
folder), then times the Attention tab's compute for a 64-character prompt at one step after another,
server side, as a slider move does: the snapshot copied into the session's model built once (no
rebuilding per step), the trace of every layer and head. Prints the median and the slowest in ms
(target: at most 200), and what the first call, which builds the model, took."""
import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from explorer import registry  # noqa: E402,F401 -- the features' strings
from explorer.inside.attention import compute  # noqa: E402
from explorer.limits import Limits  # noqa: E402
from explorer.session import SessionStore  # noqa: E402
from model.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from model.timeline import Timeline, half_state  # noqa: E402

PROMPT = "ROMEO:\nBut soft, what light through yonder window breaks? It is the ea"[:64]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=9)
    p.add_argument("--snapshots", type=int, default=12)
    args = p.parse_args()
    model, tokenizer, cfg = load_checkpoint(ROOT / "assets" / "gpt-small")
    timeline = Timeline()
    g = torch.Generator().manual_seed(0)
    for i in range(args.snapshots):
        state = {k: (v.float() + 0.01 * torch.randn(v.shape, generator=g)).half() for k, v in half_state(model).items()}
        timeline.add(i * 250, None, None, state)
    tmp = Path(tempfile.mkdtemp(prefix="timeline-bench-"))
    try:
        save_checkpoint(tmp / "gpt-small", model, tokenizer, timeline=timeline, step=cfg.get("step"))
        session = SessionStore(tmp, Limits()).get("bench")
        key = "pretrained:gpt-small"
        t0 = time.perf_counter()
        compute(session, key, PROMPT, step=timeline.steps[0])
        first = time.perf_counter() - t0
        times = []
        for r in range(args.repeat):
            for step in timeline.steps[1:]:
                t0 = time.perf_counter()
                compute(session, key, PROMPT, step=step)
                times.append(time.perf_counter() - t0)
        print(json.dumps({"model": "gpt-small", "prompt_chars": len(PROMPT), "snapshots": args.snapshots,
                          "first_ms": round(first * 1000, 1), "median_ms": round(statistics.median(times) * 1000, 1),
                          "max_ms": round(max(times) * 1000, 1), "moves": len(times),
                          "threads": torch.get_num_threads()}))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
