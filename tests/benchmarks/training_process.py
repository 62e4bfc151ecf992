"""A training process: how soon it is ready, and its memory running and paused (a benchmark, not
collected by pytest).

    python tests/benchmarks/training_process.py

starts the process server (as app.py does once it serves), then each app preset's run as the app
does, and prints one JSON line per preset: ready_s, the
seconds from Start until the process has built the model and optimizer; and, read from the
child's /proc/PID/smaps_rollup after a few steps and again after Pause, MB of Rss, Pss and
Private_Dirty (the memory that is the process's own). Linux only."""
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
    from explorer.training.job import TrainingJob
    from explorer.training.fields import app_preset
    from explorer.training.pool import SlotPool
    from explorer.training.run import Run

    model_cfg, train_cfg = app_preset(name)
    run = Run("run-1", 1, model_cfg, train_cfg, dataset.name, dataset.tokenizer.vocab_size)
    t0 = time.perf_counter()
    job = TrainingJob(run, dataset, SlotPool(1)).start()
    try:
        while not job.started:
            time.sleep(0.002)
        ready = time.perf_counter() - t0
        while run.steps < 3:
            time.sleep(0.05)
        running = memory(job.pid)
        job.pause()
        while job.state.value != "paused":
            time.sleep(0.05)
        time.sleep(0.5)
        return {"preset": name, "ready_s": round(ready, 3), "running_mb": running, "paused_mb": memory(job.pid)}
    finally:
        job.stop()


if __name__ == "__main__":  # the training processes import this script again: keep the guard
    from explorer.training.spawn import warm_up
    from model.data import CharDataset

    data = CharDataset.from_path()
    warm_up()  # as app.py does once it serves
    for preset_name in ("bigram", "gpt-classroom", "gpt-lecture"):
        print(json.dumps(measure(preset_name, data)))
