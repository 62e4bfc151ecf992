"""Seconds from `python app.py` to its first HTTP 200, with the pretrained checkpoints of assets/
(not collected by pytest). The target is under 10 s on a 2-core machine.

    python tests/benchmarks/startup_time.py [--starts 3]

prints each start, then one JSON line: {"seconds": [...], "best": ..., "median": ...}."""
import argparse
import json
import statistics
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

from test_explorer_startup import ROOT, start_once  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--starts", type=int, default=3)
    args = p.parse_args()
    seconds = []
    for i in range(args.starts):
        seconds.append(round(start_once(ROOT / "assets"), 2))
        print(f"start {i + 1}/{args.starts}: first HTTP 200 after {seconds[-1]} s", file=sys.stderr)
    print(json.dumps({"seconds": seconds, "best": min(seconds), "median": statistics.median(seconds)}))


if __name__ == "__main__":
    main()
