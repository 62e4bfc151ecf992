"""Server-side latency of the Layers tab, through its own UI handlers, figures and HTML included, the
session's cache cleared before each call (not collected by pytest). Prints one line per measurement
and a JSON last line: logit_lens_ms (gpt-small, 128-character prompt, 5 layers x 128 positions),
surprise_ms (gpt-small, 1,000 characters of the validation split), embeddings_ms (gpt-small); targets
150, 300 and 100 ms.

    python tests/benchmarks/layers.py [--threads 2] [--repeat 9] [--model gpt-small]
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

from explorer import corpus  # noqa: E402
from explorer.layers.compute import DEFAULT_TEXT, LayersState  # noqa: E402
from explorer.limits import Limits  # noqa: E402
from explorer.ui import build_ui  # noqa: E402
from model.data import CorpusError  # noqa: E402


def handler(demo, name):
    return next(f.fn for f in demo.fns.values() if f.name == name)


def validation_text(n: int) -> tuple[str, str]:
    """n characters of tiny-shakespeare's validation split, or our own lines repeated without it."""
    try:
        data = corpus.shakespeare()
        return data.text[int(0.9 * len(data.text)):][:n], "validation split"
    except CorpusError:
        return (DEFAULT_TEXT * (n // len(DEFAULT_TEXT) + 1))[:n], "our own lines (no corpus)"


def timed(fn, repeat: int, clear) -> float:
    """The median of repeat calls in ms, the cache cleared before each; one warm-up call first."""
    fn()
    times = []
    for _ in range(repeat):
        clear()
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--model", default="gpt-small")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    demo = build_ui(ROOT / "assets", Limits())
    req = SimpleNamespace(session_hash="bench")
    state = demo.explorer_store.get("bench").state(LayersState)
    clear = lambda: state.keys.clear()  # noqa: E731
    key = f"pretrained:{args.model}"
    text, source = validation_text(1000)
    prompt = text[:128]

    lens = handler(demo, "logit_lens_ui")
    out = lens(key, prompt, None, "en", req)
    assert out[3] is not None and len(out[3].data[0].y) == 128, out[0]
    lens_ms = timed(lambda: lens(key, prompt, None, "en", req), args.repeat, clear)
    print(f"logit lens, {args.model}, 128-character prompt: {lens_ms:.1f} ms (median of {args.repeat}; target 150)")

    surprise = handler(demo, "surprise_ui")
    out = surprise(key, text, "", None, "en", req)
    assert out[2].count('class="tok') == 1000, out[0]
    surprise_ms = timed(lambda: surprise(key, text, "", None, "en", req), args.repeat, clear)
    stride = state.values["surprise"].main.stride
    print(f"surprise, {args.model}, 1,000 characters of the {source} (stride {stride}): {surprise_ms:.1f} ms "
          f"(target 300)")

    emb = handler(demo, "embeddings_ui")
    emb_ms = timed(lambda: emb(key, None, "en", req), args.repeat, clear)
    print(f"embeddings, {args.model}: {emb_ms:.1f} ms (target 100)")
    print(json.dumps({"model": args.model, "logit_lens_ms": round(lens_ms, 1), "surprise_ms": round(surprise_ms, 1),
                      "surprise_stride": stride, "embeddings_ms": round(emb_ms, 1), "threads": args.threads,
                      "repeat": args.repeat}))


if __name__ == "__main__":
    main()
