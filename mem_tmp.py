import time, os
def rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(("VmRSS", "RssAnon")): yield line.split()[1]
if __name__ == "__main__":
    from explorer.jobs import Run, SlotPool, TrainingJob
    from model.config import preset
    from model.data import CharDataset
    DATA = CharDataset.from_path()
    for name in ("gpt-classroom", "gpt-lecture"):
        m, tc = preset(name)
        run = Run("r", 1, m, tc, "x", 65)
        job = TrainingJob(run, DATA, SlotPool(1)).start()
        while run.steps < 2: time.sleep(0.05)
        print(name, "child RSS/anon kB", list(rss(job.pid)), "parent", list(rss(os.getpid())))
        job.stop()
