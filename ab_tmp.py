import json, subprocess, sys, time
if __name__ == "__main__":
    from explorer.jobs import Run, SlotPool, TrainingJob
    from explorer.limits import app_preset
    from model.config import preset
    from dataclasses import replace
    from model.data import CharDataset
    DATA = CharDataset.from_path()
    for r in range(3):
        out = subprocess.run([sys.executable, "-m", "model.train", "--preset", "gpt-classroom", "--max-iters", "200", "--eval-interval", "0", "--threads", "2"], capture_output=True, text=True).stdout
        cli = json.loads(out.strip().splitlines()[-1])["tokens_per_s"]
        m, tc = preset("gpt-classroom"); tc = replace(tc, max_iters=200, eval_interval=0)
        run = Run("r", 1, m, tc, "x", 65)
        job = TrainingJob(run, DATA, SlotPool(1)).start()
        while job.state.live: time.sleep(0.5)
        print(f"cli {cli:.0f}  job {200*32*64/run.elapsed:.0f}  wall {run.wall:.2f} elapsed {run.elapsed:.2f} threads {job.threads}", flush=True)
