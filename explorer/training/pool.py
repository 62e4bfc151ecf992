"""Training slots shared by the whole server, and the cores the running trainings share."""
import math
import os
import threading
from collections import deque
from pathlib import Path


def available_cores(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """CPUs this process may use: its affinity, capped by a cgroup CPU quota (a container, such as
    a Space's 2 vCPUs, often sees every core of its host in os.cpu_count())."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    for quota_file, period_file in (("cpu.max", None), ("cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us")):
        try:
            if period_file is None:  # cgroup v2: "max 100000" or "200000 100000"
                quota, period = (cgroup / quota_file).read_text().split()[:2]
            else:                     # cgroup v1: quota -1 when unlimited
                quota, period = (cgroup / quota_file).read_text(), (cgroup / period_file).read_text()
            if quota.strip() not in ("max", "-1"):
                cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
            break
        except (OSError, ValueError):
            continue
    return cores


def threads_for(active: int, cores: int) -> int:
    """Intra-op threads so that `active` trainings share `cores` without oversubscribing them."""
    return max(1, cores // max(1, active))


class SlotPool:
    """At most `size` trainings compute at once across the server; the others wait in FIFO order."""

    def __init__(self, size: int, max_waiting: int = 30, cores: int | None = None, tune_threads: bool = True):
        self.size, self.max_waiting = size, max_waiting
        self.cores = cores or int(os.environ.get("GPT_EXPLORER_THREADS", 0)) or available_cores()
        self.tune_threads = tune_threads
        self.active: set[str] = set()
        self.tuners: dict[str, object] = {}  # job id -> callable(threads) of each active job
        self.waiting: deque[str] = deque()
        self.cond = threading.Condition()

    def full(self) -> bool:
        with self.cond:
            return len(self.active) >= self.size and len(self.waiting) >= self.max_waiting

    def acquire(self, job_id: str, cancelled, poll: float = 0.1, tune=None) -> bool:
        """Wait for a slot in turn; False (and out of the line) as soon as cancelled() is true.

        tune, if given, is called with the job's share of the cores now and whenever it changes."""
        with self.cond:
            self.waiting.append(job_id)
            try:
                while not (self.waiting[0] == job_id and len(self.active) < self.size):
                    if cancelled():
                        return False
                    self.cond.wait(poll)
                self.active.add(job_id)
                if tune is not None:
                    self.tuners[job_id] = tune
                self._retune()
                return True
            finally:
                self.waiting.remove(job_id)
                self.cond.notify_all()

    def release(self, job_id: str) -> None:
        with self.cond:
            self.active.discard(job_id)
            self.tuners.pop(job_id, None)
            self._retune()
            self.cond.notify_all()

    def position(self, job_id: str) -> int | None:
        """1 for the next in line, 2 for the one after, ...; None when not waiting."""
        with self.cond:
            return self.waiting.index(job_id) + 1 if job_id in self.waiting else None

    def _retune(self) -> None:
        # one training gets every core, two get one each (each trains in its own process)
        if self.tune_threads and self.active:
            n = threads_for(len(self.active), self.cores)
            for tune in self.tuners.values():
                tune(n)
