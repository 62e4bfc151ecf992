"""Memory of one training process, running and paused (a benchmark, not collected by pytest).

    python tests/benchmarks/process_memory.py

starts each app preset's run as the app does (a child process per run), reads the child's
/proc/PID/smaps_rollup after a few steps and again after Pause, and prints one JSON line per preset
(MB: Rss, Pss, and Private_Dirty, the memory that is the process's own). Linux only."""
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

FIELDS = ("Rss", "Pss", "Private_Dirty")


def memory(pid: int) -> dict[str, int]:
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            name, value = line.split()[:2]
            if name.rstrip(":") in FIELDS:
                out[name.rstrip(":")] = int(value) // 1024
    return out


def measure(name: str, dataset) -> dict:
    from explorer.jobs import TrainingJob
    from explorer.limits import app_preset
    from explorer.pool import SlotPool
    from explorer.run import Run

    model_cfg, train_cfg = app_preset(name)
    run = Run("run-1", 1, model_cfg, train_cfg, dataset.name, dataset.tokenizer.vocab_size)
    job = TrainingJob(run, dataset, SlotPool(1)).start()
    try:
        while run.steps < 3:
            time.sleep(0.05)
        running = memory(job.pid)
        job.pause()
        while job.state.value != "paused":
            time.sleep(0.05)
        time.sleep(0.5)
        return {"preset": name, "running_mb": running, "paused_mb": memory(job.pid)}
    finally:
        job.stop()


if __name__ == "__main__":  # the training processes import this script again: keep the guard
    from model.data import CharDataset

    data = CharDataset.from_path()
    for preset_name in ("bigram", "gpt-classroom", "gpt-lecture"):
        print(json.dumps(measure(preset_name, data)))
