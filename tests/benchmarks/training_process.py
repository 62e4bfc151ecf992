"""A training process: how soon it is ready, and its memory running and paused (a benchmark, not
collected by pytest).

    python tests/benchmarks/training_process.py

starts the process server (as app.py does once it serves), then each app preset's run as the app
does, and prints one JSON line per preset: ready_s, the
seconds from Start until the process has built the model and optimizer; and, read from the
child's /proc/PID/smaps_rollup after a few steps and again after Pause, MB of Rss, Pss and
Private_Dirty (the memory that is the process's own); and stop_s, the seconds Stop takes to end a
run that is training (the app promises 5), and stop_eval_s, to end one in the middle of an
evaluation of hours (the tests check only that both end: a timed assertion flakes under load).
Linux only."""
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
        paused = memory(job.pid)
        job.resume()
        while job.state.value != "running":
            time.sleep(0.05)
        time.sleep(0.5)
        return {"preset": name, "ready_s": round(ready, 3), "running_mb": running, "paused_mb": paused,
                "stop_s": stop_seconds(job), "stop_eval_s": stop_during_evaluation(name, dataset)}
    finally:
        job.stop()


def stop_seconds(job) -> float:
    t0 = time.perf_counter()
    job.stop(wait=60)
    return round(time.perf_counter() - t0, 3)


def stop_during_evaluation(name: str, dataset) -> float:
    """Stop pressed while the run evaluates 100,000 batches a split."""
    from dataclasses import replace

    from explorer.training.fields import app_preset
    from explorer.training.job import TrainingJob
    from explorer.training.pool import SlotPool
    from explorer.training.run import Run

    model_cfg, train_cfg = app_preset(name)
    train_cfg = replace(train_cfg, eval_interval=1, eval_iters=100_000)
    run = Run("run-2", 2, model_cfg, train_cfg, dataset.name, dataset.tokenizer.vocab_size)
    job = TrainingJob(run, dataset, SlotPool(1)).start()
    while not job.started:
        time.sleep(0.01)
    time.sleep(1.0)  # well inside the step-0 evaluation
    return stop_seconds(job)


if __name__ == "__main__":  # the training processes import this script again: keep the guard
    from explorer.training.spawn import warm_up
    from model.data import CharDataset

    data = CharDataset.from_path()
    warm_up()  # as app.py does once it serves
    for preset_name in ("bigram", "gpt-classroom", "gpt-lecture"):
        print(json.dumps(measure(preset_name, data)))
