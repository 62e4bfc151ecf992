"""Training off the request thread: a worker per run, and a server-wide pool of training slots."""
import copy
import gc
import itertools
import logging
import os
import threading
import time
from collections import deque
from enum import Enum

import numpy as np
import torch

from model.sampling import generate
from model.train import Interrupted, Trainer

log = logging.getLogger("explorer")
_job_ids = itertools.count(1)
SAMPLE_CHARS = 200  # characters sampled from the model at every evaluation


class State(str, Enum):
    QUEUED = "queued"    # waiting for a training slot
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"        # reached max_iters
    STOPPED = "stopped"  # ended by the user (Stop, Reset, closing the tab)
    FAILED = "failed"

    @property
    def live(self) -> bool:
        return self in (State.QUEUED, State.RUNNING, State.PAUSED)


def threads_for(active: int, cores: int) -> int:
    """Intra-op threads so that `active` trainings share `cores` without oversubscribing them."""
    return max(1, cores // max(1, active))


class SlotPool:
    """At most `size` trainings compute at once across the server; the others wait in FIFO order."""

    def __init__(self, size: int, max_waiting: int = 30, cores: int | None = None, tune_threads: bool = True):
        self.size, self.max_waiting = size, max_waiting
        self.cores = cores or int(os.environ.get("GPT_EXPLORER_THREADS", 0)) or os.cpu_count() or 1
        self.tune_threads = tune_threads
        self.active: set[str] = set()
        self.waiting: deque[str] = deque()
        self.cond = threading.Condition()

    def full(self) -> bool:
        with self.cond:
            return len(self.active) >= self.size and len(self.waiting) >= self.max_waiting

    def acquire(self, job_id: str, cancelled, poll: float = 0.1) -> bool:
        """Wait for a slot in turn; False (and out of the line) as soon as cancelled() is true."""
        with self.cond:
            self.waiting.append(job_id)
            try:
                while not (self.waiting[0] == job_id and len(self.active) < self.size):
                    if cancelled():
                        return False
                    self.cond.wait(poll)
                self.active.add(job_id)
                self._retune()
                return True
            finally:
                self.waiting.remove(job_id)
                self.cond.notify_all()

    def release(self, job_id: str) -> None:
        with self.cond:
            self.active.discard(job_id)
            self._retune()
            self.cond.notify_all()

    def position(self, job_id: str) -> int | None:
        """1 for the next in line, 2 for the one after, ...; None when not waiting."""
        with self.cond:
            return self.waiting.index(job_id) + 1 if job_id in self.waiting else None

    def _retune(self) -> None:
        # torch's thread count is process-wide: one training gets every core, two get one each
        if self.tune_threads and self.active:
            torch.set_num_threads(threads_for(len(self.active), self.cores))


class Run:
    """One training run's record: curves for the chart, samples, and the model once it ends."""

    def __init__(self, run_id: str, number: int, model_cfg, train_cfg, corpus: str, vocab_size: int):
        self.id, self.number = run_id, number
        self.model_cfg, self.train_cfg = model_cfg, train_cfg
        self.corpus, self.vocab_size = corpus, vocab_size
        self.steps = 0
        self.loss = np.full(train_cfg.max_iters, np.nan, dtype=np.float32)  # minibatch loss per step
        self.evals: list[tuple[int, float, float]] = []  # (step, train, val)
        self.samples: list[tuple[int, str]] = []          # (step, text), the last few
        self.lr = 0.0
        self.tokens_per_s = 0.0
        self.elapsed = 0.0
        self.wall = 0.0      # seconds spent training, evaluating and sampling (pauses excluded)
        self.recent: deque[tuple[float, int]] = deque(maxlen=40)  # (wall time, step) every 0.25 s
        self.model = None    # set when the run ends; the live model is the job's
        self.tokenizer = None
        self.version = 0     # bumped on every change, so the UI redraws only when needed

    @property
    def label(self) -> str:
        return f"run {self.number} · {self.model_cfg.model_type}"

    def record(self, step_log) -> None:
        i = step_log.step - 1
        if step_log.loss is not None and 0 <= i < len(self.loss):
            self.loss[i] = step_log.loss
        self.steps = step_log.step
        self.lr, self.tokens_per_s, self.elapsed = step_log.lr, step_log.tokens_per_s, step_log.elapsed
        if step_log.val_loss is not None:
            self.evals.append((step_log.step, step_log.train_loss, step_log.val_loss))
        now = time.monotonic()
        if not self.recent or now - self.recent[-1][0] >= 0.25:  # about a 10 s window for the ETA
            self.recent.append((now, step_log.step))
        self.version += 1

    def eta(self) -> float | None:
        """Seconds to max_iters at the recent pace (evaluations included), or None if unknown."""
        if len(self.recent) < 2:
            return None
        (t0, s0), (t1, s1) = self.recent[0], self.recent[-1]
        if s1 <= s0 or t1 <= t0:
            return None
        return (self.train_cfg.max_iters - self.steps) * (t1 - t0) / (s1 - s0)


class TrainingJob:
    """Trains one Run on a worker thread; start/pause/resume/step/stop are safe from any thread."""

    def __init__(self, run: Run, dataset, pool: SlotPool, start_paused: bool = False):
        self.run, self.dataset, self.pool = run, dataset, pool
        self.id = f"job-{next(_job_ids)}"  # unique in the server (run ids are per session)
        self.state = State.PAUSED if start_paused else State.QUEUED
        self.error: str | None = None  # "memory" or "internal" once FAILED
        self.trainer: Trainer | None = None
        self._want_running = not start_paused
        self._step_requests = 0
        self._stop = threading.Event()
        self._cond = threading.Condition()
        self.model_lock = threading.Lock()  # held during each optimizer step; snapshots take it
        self.thread = threading.Thread(target=self._work, name=f"train-{run.id}", daemon=True)

    # commands -------------------------------------------------------------------------------
    def start(self) -> "TrainingJob":
        self.thread.start()
        return self

    def pause(self) -> None:
        with self._cond:
            self._want_running = False
            self._cond.notify_all()

    def resume(self) -> None:
        with self._cond:
            self._want_running = True
            self._cond.notify_all()

    def step_once(self, timeout: float = 60.0) -> bool:
        """One optimizer step while paused; waits until it is done (True) or timeout (False)."""
        with self._cond:
            target = self.run.steps + self._step_requests + 1
            self._step_requests += 1
            self._cond.notify_all()
            return self._cond.wait_for(lambda: self.run.steps >= target or not self.state.live, timeout)

    def stop(self, wait: float = 5.0) -> bool:
        """End the run; True once the worker has exited (it checks between steps and eval batches)."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self.thread.is_alive() and threading.current_thread() is not self.thread:
            self.thread.join(wait)
        return not self.thread.is_alive()

    def queue_position(self) -> int | None:
        return self.pool.position(self.id)

    def snapshot_model(self):
        """A copy of the model as it is now, in eval mode, safe to use while training goes on."""
        if self.run.model is not None:
            return self.run.model
        if self.trainer is None:
            return None
        with self.model_lock:
            model = copy.deepcopy(self.trainer.model)
        return model.eval()

    # worker ---------------------------------------------------------------------------------
    def _wanted(self) -> bool:
        return self._want_running or self._step_requests > 0

    def _work(self) -> None:
        try:
            while not self._stop.is_set():
                with self._cond:
                    self._cond.wait_for(lambda: self._stop.is_set() or self._wanted())
                if self._stop.is_set():
                    break
                self._set_state(State.QUEUED)
                if not self.pool.acquire(self.id, lambda: self._stop.is_set() or not self._wanted()):
                    self._set_state(State.PAUSED)
                    continue
                try:
                    self._set_state(State.RUNNING)
                    self._train_while_wanted()
                finally:
                    self.pool.release(self.id)
                if self.trainer.done:
                    self._set_state(State.DONE)
                    return
                if not self._stop.is_set():
                    self._set_state(State.PAUSED)
            self._set_state(State.STOPPED)
        except Interrupted:  # stopped in the middle of an evaluation
            self._set_state(State.STOPPED)
        except Exception as e:  # noqa: BLE001 -- shown to the user as a failed run
            log.exception("training run %s failed", self.run.id)
            # the log keeps the traceback; the visitor learns what kind of failure it was
            self.error = "memory" if isinstance(e, MemoryError) or "out of memory" in str(e).lower() else "internal"
            self._set_state(State.FAILED)
        finally:
            self._finish()

    def _train_while_wanted(self) -> None:
        if self.trainer is None:
            run = self.run
            self.trainer = Trainer.from_configs(run.model_cfg, run.train_cfg, self.dataset)
            self.trainer.should_stop = self._stop.is_set  # Stop never waits for a whole evaluation
            run.tokenizer = self.dataset.tokenizer
            if run.train_cfg.eval_interval > 0:  # the step-0 evaluation, as trainer.run() does
                t0 = time.perf_counter()
                ev = self.trainer.evaluate()
                self._record_eval(0, ev["train"], ev["val"])
                run.wall += time.perf_counter() - t0
        while not self._stop.is_set() and not self.trainer.done:
            with self._cond:
                if not self._want_running:
                    if self._step_requests == 0:
                        return
                    self._step_requests -= 1
            t0 = time.perf_counter()
            with self.model_lock:
                step_log = self.trainer.step()
                sample = self._sample(step_log.step) if step_log.val_loss is not None else None
            with self._cond:
                self.run.wall += time.perf_counter() - t0
                self.run.record(step_log)
                if sample is not None:
                    self._add_sample(step_log.step, sample)
                self._cond.notify_all()

    def _record_eval(self, step: int, train: float, val: float) -> None:
        with self._cond:
            self.run.evals.append((step, train, val))
            self._add_sample(step, self._sample(step))
            self.run.version += 1
            self._cond.notify_all()

    def _add_sample(self, step: int, text: str) -> None:
        self.run.samples = (self.run.samples + [(step, text)])[-5:]

    def _sample(self, step: int) -> str:
        """A short text from the model as it is now (seeded by step, so reruns read the same)."""
        g = torch.Generator().manual_seed(self.run.train_cfg.seed + step)
        idx = torch.zeros((1, 1), dtype=torch.long)
        out = generate(self.trainer.model, idx, SAMPLE_CHARS, generator=g)[0, 1:].tolist()
        return self.dataset.tokenizer.decode(out)

    def _set_state(self, state: State) -> None:
        with self._cond:
            if self.state != state:
                self.state = state
                self.run.version += 1
            self._cond.notify_all()

    def _finish(self) -> None:
        """Keep the trained model for the session; free the optimizer, the data and the thread's refs."""
        if self.trainer is not None:
            self.run.model = self.trainer.model.eval()
            self.trainer.optimizer = None
            self.trainer = None
        self.dataset = None
        with self._cond:
            self.run.version += 1
            self._cond.notify_all()
        gc.collect()
