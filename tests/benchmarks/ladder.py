"""Every rung of the ladder retrained from its preset, as the README's table says (a benchmark, not
collected by pytest):

    python tests/benchmarks/ladder.py [--threads 1] [--rungs ladder-2 ladder-3]

prints a JSON line per rung: the seconds its training took (evaluations included), its val loss, the
checkpoint's in assets/ and the lecture's (each rung the lecture reports must come within 0.06), and
a last line with the whole ladder's seconds. Needs tiny-shakespeare ($GPT_EXPLORER_CORPUS)."""
import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from model import train  # noqa: E402
from model.checkpoint import read_config  # noqa: E402
from model.config import LADDER  # noqa: E402

ASSET = {"ladder-0": "bigram"}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rungs", nargs="*", default=[name for name, _, _ in LADDER[:-1]])
    args = p.parse_args()
    lecture = {name: value for name, _, value in LADDER}
    total = 0.0
    for rung in args.rungs:
        r = train.main(["--preset", "bigram" if rung == "ladder-0" else rung, "--threads", str(args.threads)])
        ours = read_config(ROOT / "assets" / ASSET.get(rung, rung)).get("val_loss")
        total += r["seconds"]
        out = {"rung": rung, "seconds": r["seconds"], "val_loss": r["val_loss"],
               "checkpoint_val_loss": None if ours is None else round(ours, 4), "lecture_val_loss": lecture[rung]}
        if lecture[rung] is not None:
            out["within_0.06_of_the_lecture"] = abs(r["val_loss"] - lecture[rung]) <= 0.06
        print(json.dumps(out), flush=True)
    print(json.dumps({"rungs": len(args.rungs), "seconds": round(total, 1), "threads": args.threads}))


if __name__ == "__main__":
    main()
