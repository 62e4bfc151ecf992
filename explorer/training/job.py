"""Training off the request thread: each run trains in a child process, driven from here."""
import gc
import itertools
import logging
import shutil
import threading
import time
from dataclasses import replace
from enum import Enum
from pathlib import Path

from model.checkpoint import load_checkpoint
from model.gpt import build_model
from model.timeline import load_into

from . import worker as train_worker
from .child import SAVE_SECONDS, ChildLink
from .spawn import CTX
from .pool import SlotPool
from .run import Run

log = logging.getLogger("explorer")
_job_ids = itertools.count(1)
STOP_SECONDS = 3.5  # how long a stopped run's process may take to finish its step, send its weights and exit


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

class TrainingJob(ChildLink):
    """Trains one Run in a child process; start/pause/resume/step/stop/evict are safe from any thread.

    A control thread here waits for a training slot and tells the child what to do; a reader
    thread applies the child's events (steps, evaluations, samples) to the Run. A paused run may be
    evicted: its process writes its training state to disk and ends, and the next Resume or Step
    starts a process from that state (memory.py decides when).
    """

    def __init__(self, run: Run, dataset, pool: SlotPool, start_paused: bool = False, target=None,
                 on_snapshot=None, memory=None, save_dir=None):
        self.run, self.dataset, self.pool = run, dataset, pool
        self.on_snapshot = on_snapshot  # called after each snapshot joins the run's timeline
        self.memory = memory      # the server's MemoryBudget (memory.py), or None: never evicted
        self._save_dir = save_dir  # callable -> the folder an evicted run's state is written under
        self.id = f"job-{next(_job_ids)}"  # unique in the server (run ids are per session)
        self.state = State.PAUSED if start_paused else State.QUEUED
        self.error: str | None = None  # "memory" or "internal" once FAILED
        self.started = False           # the child has built the model (shown by snapshot_model)
        run.tokenizer = dataset.tokenizer
        self._target = target or train_worker.main
        self._want_running = not start_paused
        self._step_requests = 0
        self._stop = CTX.Event()  # shared with the child: it checks it between steps and eval batches
        self._cond = threading.Condition()
        self._proc = self._conn = None
        self._killed = False
        self._send_lock = threading.Lock()
        self._threads: int | None = None
        self._sent = self._idle = 0          # sequence numbers of commands sent / done by the child
        self._ended: str | None = None       # "done", "stopped" or "failed", once the child has ended
        self._final: bytes | None = None     # the weights the child sent when it ended
        self._snapshots: dict[int, bytes | None] = {}
        self._snapshot_ids = itertools.count(1)
        self.saved: Path | None = None     # the training state on disk while the run has no process
        self.paused_since = time.monotonic()  # when it last came to rest (the longest idle is evicted first)
        self._evict = False                # eviction asked for; the control thread does it
        self._exited = False               # the child ended after saving its state
        self._save_reply: tuple | None = None  # (folder or None, traceback or None) from the child
        self.thread = threading.Thread(target=self._work, name=f"train-{run.id}", daemon=True)

    # commands -------------------------------------------------------------------------------
    def start(self) -> "TrainingJob":
        if self.memory is not None:
            self.memory.track(self)
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
            # done once the step is recorded and the run is back at rest (or resumed meanwhile)
            return self._cond.wait_for(lambda: not self.state.live or self.run.steps >= target and (
                self.state == State.PAUSED or self._want_running), timeout)

    def stop(self, wait: float = 5.0) -> bool:
        """End the run; True once it has ended (the child stops between steps and eval batches)."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self.thread.is_alive() and threading.current_thread() is not self.thread:
            self.thread.join(wait)
        return not self.thread.is_alive()

    def queue_position(self) -> int | None:
        return self.pool.position(self.id)

    @property
    def pid(self) -> int | None:
        """The training process's id, once it has started (None while the run is on disk)."""
        proc = self._proc  # read once: an eviction may clear it from another thread
        return proc.pid if proc is not None else None

    @property
    def threads(self) -> int | None:
        """The cores this run computes on, as the pool last shared them out (None: torch's default)."""
        return self._threads

    def process_alive(self) -> bool:
        proc = self._proc
        return proc is not None and proc.is_alive()

    def evictable(self) -> bool:
        """Paused, with a process that holds memory (a run being saved or resumed is not)."""
        return (self.state == State.PAUSED and not self._evict and not self._wanted() and self.saved is None
                and self._save_dir is not None and self.process_alive() and self.started)

    def evict(self, timeout: float = SAVE_SECONDS) -> bool:
        """Write the paused run's training state (weights, optimizer, step, random state) to disk and end
        its process, freeing its memory; Resume or Step then continues from it as if it never left.
        False when the run is not paused (or was resumed meanwhile) or the state could not be written."""
        with self._cond:
            if not self.evictable():
                return False
            self._evict = True
            self._cond.notify_all()
            self._cond.wait_for(lambda: not self._evict, timeout)
            return self.saved is not None

    def snapshot_model(self, timeout: float = 30.0):
        """A copy of the model as it is now, in eval mode, safe to use while training goes on."""
        if self.run.model is not None:
            return self.run.model
        if self.saved is not None:
            return self._saved_model()
        if not self.started or self._ended:
            return None
        rid = next(self._snapshot_ids)
        if not self._send(("snapshot", rid)):
            return self._saved_model()
        with self._cond:  # the child answers between two steps (or ends, if it was being evicted)
            if not self._cond.wait_for(lambda: rid in self._snapshots or self._ended or self._exited, timeout):
                return None
            weights = self._snapshots.pop(rid, None)
        return self._model(weights) if weights else (self.run.model or self._saved_model())

    # control thread -------------------------------------------------------------------------
    def _wanted(self) -> bool:
        return self._want_running or self._step_requests > 0

    def _work(self) -> None:
        try:
            while not self._stop.is_set() and not self._ended:
                with self._cond:
                    self._cond.wait_for(lambda: self._stop.is_set() or self._wanted() or self._evict, 0.5)
                if self._stop.is_set():
                    break
                if self._evict:
                    try:
                        if not self._wanted():  # a Resume that came meanwhile wins
                            self._save_and_end()
                    finally:
                        with self._cond:
                            self._evict = False
                            self._cond.notify_all()
                    continue
                if not self._wanted():
                    continue
                self._set_state(State.QUEUED)
                if not self.pool.acquire(self.id, lambda: self._stop.is_set() or not self._wanted(),
                                         tune=self._set_threads):
                    self._set_state(State.PAUSED)
                    continue
                try:
                    self._set_state(State.RUNNING)
                    if self._proc is None:
                        self._spawn()
                    self._drive()
                finally:
                    self.pool.release(self.id)
                if not self._ended and not self._stop.is_set():
                    self._set_state(State.PAUSED)
        except Exception as e:  # noqa: BLE001 -- e.g. no process could be started
            log.exception("training run %s failed", self.run.id)
            self._fail(train_worker.failure_kind(e))
        finally:
            self._finish()

    def _add_sample(self, step: int, text: str) -> None:
        self.run.samples = (self.run.samples + [(step, text)])[-5:]

    def _add_snapshot(self, step: int, train, val, weights: bytes) -> None:
        self.run.timeline.add(step, train, val, train_worker.from_bytes(weights))
        if self.on_snapshot is not None:
            self.on_snapshot()

    def _model(self, weights: bytes):
        model_cfg = replace(self.run.model_cfg, vocab_size=self.run.vocab_size)
        model = build_model(model_cfg)
        model.load_state_dict(train_worker.from_bytes(weights))
        return model.eval()

    def _saved_model(self):
        """The model from the state an eviction wrote (None if there is none)."""
        saved = self.saved
        if saved is None:
            return None
        try:
            return load_checkpoint(saved)[0]  # the training state's folder is a checkpoint (model/resume.py)
        except (OSError, ValueError):  # resumed (and the folder removed) meanwhile
            return None

    def _last_snapshot_model(self):
        """The model at the run's latest timeline snapshot, when its process died without its weights."""
        timeline = self.run.timeline
        if not len(timeline):
            return None
        snap = timeline.snapshots[-1]
        model = build_model(replace(self.run.model_cfg, vocab_size=self.run.vocab_size))
        self.run.model_step = snap.step
        return load_into(model, snap).eval()

    def _set_state(self, state: State) -> None:
        with self._cond:
            if self.state != state:
                self.state = state
                self.run.version += 1
                if state == State.PAUSED:
                    self.paused_since = time.monotonic()
            self._cond.notify_all()
        if state == State.PAUSED and self.memory is not None:
            self.memory.check_soon()  # a run just came to rest: the budget may want it on disk

    def _finish(self) -> None:
        """Wait (briefly) for the child's last weights, keep them as the run's model, end the child."""
        if self._proc is not None:
            self._stop.set()  # a no-op when the child has ended
            deadline = time.monotonic() + STOP_SECONDS
            with self._cond:
                self._cond.wait_for(lambda: self._ended, STOP_SECONDS)
            self._proc.join(max(0.1, deadline - time.monotonic()))  # it exits right after its last message
            if self._proc.is_alive():  # still in a step after STOP_SECONDS: end it, freeing its memory
                if not self._ended:
                    log.warning("training run %s: its process did not stop in time; killing it", self.run.id)
                self._killed = True
                self._proc.kill()
                self._proc.join(1)
        try:
            if self._final is not None:
                self.run.model = self._model(self._final)
            else:  # stopped while on disk, or the process died (killed): the last weights known
                self.run.model = self._saved_model() or self._last_snapshot_model()
        except Exception:  # noqa: BLE001 -- the run keeps its curves, without a model
            log.exception("training run %s: its weights could not be loaded", self.run.id)
        if self.saved is not None:
            shutil.rmtree(self.saved, ignore_errors=True)
            self.saved = None
        if self.memory is not None:
            self.memory.untrack(self)
        self._final, self._snapshots, self.dataset = None, {}, None
        self._set_state({"done": State.DONE, "failed": State.FAILED}.get(self._ended, State.STOPPED))
        gc.collect()
