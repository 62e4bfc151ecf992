import time, os, sys
if __name__ == "__main__":
    from explorer.jobs import Run, SlotPool, TrainingJob
    from model.config import preset
    from model.data import CharDataset
    DATA = CharDataset.from_path()
    m, tc = preset("gpt-classroom")
    job = TrainingJob(Run("r", 1, m, tc, "x", 65), DATA, SlotPool(1), start_paused=sys.argv[1] == "paused").start()
    if sys.argv[1] == "paused": job.step_once()
    while job.run.steps < 2: time.sleep(0.05)
    print(job.pid, flush=True)
    os.kill(os.getpid(), 9)
