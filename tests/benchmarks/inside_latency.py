"""Server-side latency of the inside-the-model tabs, through their own UI handlers (not collected
by pytest). Prints one line per measurement and a JSON last line:
attention_grid_ms (gpt-small, 64-character prompt, every layer and head, trace not cached),
temperature_change_ms (Softmax tab, logits cached), stream_chars_per_s (gpt-classroom, HTML included).

    python tests/benchmarks/inside_latency.py [--threads 1] [--repeat 5] [--chars 1000]
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from explorer.inside.compute import DEFAULT_PROMPT, cache_of  # noqa: E402
from explorer.limits import Limits  # noqa: E402
from explorer.ui import build_ui  # noqa: E402

PROMPT = DEFAULT_PROMPT  # the tabs' default prompt: 64 characters


def handler(demo, name):
    return next(f.fn for f in demo.fns.values() if f.name == name)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--chars", type=int, default=1000)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    assert len(PROMPT) == 64
    demo = build_ui(ROOT / "assets", Limits())
    req = SimpleNamespace(session_hash="bench")
    session = demo.explorer_store.get("bench")

    attention = handler(demo, "attention_ui")
    attention("pretrained:gpt-small", PROMPT, "softmax", False, False, None, None, None, "en", req)  # warm-up
    grid = []
    for _ in range(args.repeat):
        cache_of(session).attention_key = None  # the trace is recomputed, as for a new prompt
        t0 = time.perf_counter()
        attention("pretrained:gpt-small", PROMPT, "softmax", False, False, None, None, None, "en", req)
        grid.append((time.perf_counter() - t0) * 1e3)
    print(f"attention grid, gpt-small, 64 chars, 4x4 heads: {statistics.median(grid):.1f} ms (median of {len(grid)})")

    softmax = handler(demo, "softmax_ui")
    softmax("pretrained:gpt-small", PROMPT, 0.5, 1.0, 1.5, "", 0, 1.0, "en", req)  # computes the logits once
    temp = []
    for i in range(args.repeat):
        t0 = time.perf_counter()
        softmax("pretrained:gpt-small", PROMPT, 0.5 + 0.05 * i, 1.0, 1.5, "", 0, 1.0, "en", req)
        temp.append((time.perf_counter() - t0) * 1e3)
    print(f"temperature change (3 panels redrawn; logits cached): {statistics.median(temp):.1f} ms")

    stream = handler(demo, "sample_stream_ui")
    t0 = time.perf_counter()
    last = None
    for last in stream("pretrained:gpt-classroom", "", 1.0, 0, 1.0, 0, args.chars, "en", req):
        pass
    dt = time.perf_counter() - t0
    n = last[2].count('class="tok"')
    assert n == args.chars, n
    print(f"streaming, gpt-classroom: {n} characters in {dt:.2f} s = {n / dt:.0f} chars/s")
    print(json.dumps({"attention_grid_ms": round(statistics.median(grid), 1),
                      "temperature_change_ms": round(statistics.median(temp), 1),
                      "stream_chars_per_s": round(n / dt), "threads": args.threads}))


if __name__ == "__main__":
    main()
