"""The server's memory budget: past it, paused runs leave memory for disk, longest idle first.

What is counted is what the container's limit counts: this process (which holds every session's
models, uploads and timelines) plus each training process, measured by the kernel rather than
estimated from parameter counts (an estimate misses the Python heap, Gradio's caches and what glibc
keeps). Only paused runs can be moved to disk without losing anything (job.evict); the rest is freed
by closing idle sessions (SessionStore).
"""
import logging
import os
import threading

log = logging.getLogger("explorer")
CHECK_SECONDS = 10.0  # between two measurements while trainings exist (and at once after a pause)


def process_mb(pid: int) -> float:
    """A process's memory in MB: its proportional share (Pss: pages it shares with other processes, such
    as torch's libraries in every training process, count once in all), or its RSS where the kernel
    does not report Pss; 0 if it has gone."""
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}") as f:
                for line in f:
                    if line.startswith(key):
                        return int(line.split()[1]) / 1024  # kB
        except (OSError, ValueError):
            continue
    return 0.0


class MemoryBudget:
    """Server-wide (SessionStore.resource): knows every training job; a background thread measures while
    any exists, and evicts paused runs (longest idle first) while the total is over max_mb."""

    def __init__(self, max_mb: float, interval: float = CHECK_SECONDS):
        self.max_mb, self.interval = max_mb, interval
        self.jobs: dict[str, object] = {}  # job id -> TrainingJob
        self.evictions = 0
        self._lock = threading.Lock()
        self._check_lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def track(self, job) -> None:
        with self._lock:
            self.jobs[job.id] = job
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="memory-budget", daemon=True)
                self._thread.start()

    def untrack(self, job) -> None:
        with self._lock:
            self.jobs.pop(job.id, None)
        self._wake.set()

    def check_soon(self) -> None:
        self._wake.set()

    def used_mb(self) -> float:
        """This process plus every training process."""
        pids = [job.pid for job in list(self.jobs.values()) if job.process_alive()]
        return process_mb(os.getpid()) + sum(process_mb(pid) for pid in pids if pid)

    def check(self) -> list:
        """Evict paused runs, longest idle first, until the total is within the budget or none is left;
        returns the jobs evicted."""
        evicted, tried = [], set()
        with self._check_lock:  # one check at a time: two would evict for the same excess
            while (used := self.used_mb()) > self.max_mb:
                candidates = [j for j in list(self.jobs.values()) if j.id not in tried and j.evictable()]
                if not candidates:
                    break
                job = min(candidates, key=lambda j: j.paused_since)
                tried.add(job.id)
                if job.evict():
                    self.evictions += 1
                    evicted.append(job)
                    log.info("memory %.0f MB over the budget of %d MB: paused run %s (%s) saved to disk",
                             used, self.max_mb, job.run.id, job.id)
        return evicted

    def _loop(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            with self._lock:
                if not self.jobs:
                    self._thread = None  # track() starts another when a training comes
                    return
            try:
                self.check()
            except Exception:  # noqa: BLE001 -- logged; the next check tries again
                log.exception("the memory check failed")
