"""A training job's side of its child process: starting it (on the dataset, or from the state an
eviction saved), relaying commands to it, and applying its events to the Run (TrainingJob's base)."""
import gc
import logging
import shutil
import signal
import threading
from pathlib import Path

import torch

from .spawn import CTX

log = logging.getLogger("explorer")
SAVE_SECONDS = 120.0  # how long a paused run's process may take to write its training state and exit


class ChildLink:
    """The child-process half of TrainingJob: every attribute it uses is TrainingJob's."""

    def _spawn(self) -> None:
        """Start the child: on the dataset (the first time), or from the state an eviction saved."""
        ds, saved = self.dataset, self.saved
        self._save_reply, self._exited = None, False  # what an earlier eviction left: this process is new
        self._conn, child = CTX.Pipe()
        if saved is None:
            ids = torch.cat([ds.train_data, ds.val_data]).numpy()  # numpy: pickled as bytes, not shared memory
            corpus = (ds.text, ds.tokenizer.chars, ds.name, ids)
        else:
            corpus = ("", [], "", None)  # the child reads the text from the saved folder
        args = (child, self._stop, self.run.model_cfg, self.run.train_cfg, *corpus, self._threads,
                str(saved) if saved else None)
        self._proc = CTX.Process(target=self._target, args=args, name=f"train-{self.run.id}", daemon=True)
        self._proc.start()
        child.close()
        self.dataset = None  # the child has its own copy
        threading.Thread(target=self._read, args=(self._conn, self._proc),
                         name=f"train-{self.run.id}-events", daemon=True).start()

    def _save_and_end(self) -> None:
        """Eviction, on the control thread (so a Resume cannot interleave): the idle child writes its
        state to a folder of the session's and exits; the next _spawn starts from that folder."""
        folder = Path(self._save_dir()) / f"{self.run.id}-state"
        with self._cond:
            self._save_reply, self._exited = None, False
        if not self._send(("save", str(folder))):
            return
        with self._cond:
            self._cond.wait_for(lambda: self._ended or self._save_reply is not None and (
                self._save_reply[0] is None or self._exited), SAVE_SECONDS)
            reply, exited = self._save_reply, self._exited
        if reply is None or reply[0] is None or not exited:
            if reply is not None and reply[1]:
                log.error("training run %s: its state could not be saved:\n%s", self.run.id, reply[1])
            return  # it keeps its process (or has ended: _work sees that)
        self._proc.join(5)
        with self._cond:
            self._proc = self._conn = None
            self.started, self.saved = False, folder
            self.run.version += 1  # its status now says "saved to disk"
            self._cond.notify_all()
        gc.collect()

    def _drive(self) -> None:
        """Relay run/step/pause to the child until it is idle with nothing wanted, stopped or ended."""
        told = None  # what the child was last told: "run", "steps" or "pause"
        while True:
            with self._cond:
                while True:
                    if self._stop.is_set() or self._ended:
                        return
                    if self._want_running and told != "run":
                        told, cmd = "run", ("run",)
                    elif not self._want_running and self._step_requests:
                        told, cmd = "steps", ("steps", self._step_requests)
                        self._step_requests = 0
                    elif not self._want_running and told == "run":
                        told, cmd = "pause", ("pause",)
                    elif not self._want_running and self._idle == self._sent:
                        return  # the child is idle and nothing more is wanted
                    else:
                        self._cond.wait(0.5)
                        continue
                    self._sent += 1
                    cmd += (self._sent,)
                    break
            self._send(cmd)

    def _set_threads(self, n: int) -> None:
        """The pool's share of the cores for this run (it changes as other runs start and end)."""
        self._threads = n
        if self._conn is not None:
            self._send(("threads", n))

    def _send(self, msg) -> bool:
        with self._send_lock:
            try:
                self._conn.send(msg)
                return True
            except (OSError, ValueError):  # the child has ended
                return False

    # reader thread --------------------------------------------------------------------------
    def _read(self, conn, proc) -> None:
        """Apply the child's events to the Run until it ends (or dies)."""
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                break
            kind, run = msg[0], self.run
            with self._cond:
                if kind == "step":
                    _, step_log, sample, seconds, weights = msg
                    run.wall += seconds
                    run.record(step_log)
                    if sample is not None:
                        self._add_sample(step_log.step, sample)
                    if weights is not None:
                        self._add_snapshot(step_log.step, step_log.train_loss, step_log.val_loss, weights)
                elif kind == "eval":
                    _, step, train, val, sample, seconds, weights = msg
                    run.evals.append((step, train, val))
                    self._add_sample(step, sample)
                    self._add_snapshot(step, train, val, weights)
                    run.wall += seconds
                    run.version += 1
                elif kind == "idle":
                    self._idle = msg[1]
                elif kind == "ready":
                    self.started = True
                    if self.saved is not None:  # a resumed process has read its state: the folder goes
                        shutil.rmtree(self.saved, ignore_errors=True)
                        self.saved = None
                elif kind == "saved":
                    self._save_reply = (msg[1], msg[2])
                elif kind == "snapshot":
                    self._snapshots[msg[1]] = msg[2]
                elif kind == "final":
                    self._final = msg[1]
                    self._ended = "done" if msg[2] else "stopped"
                elif kind == "error":
                    log.error("training run %s failed in its process:\n%s", run.id, msg[2])
                    self._fail(msg[1])
                self._cond.notify_all()
        conn.close()
        proc.join(5)
        with self._cond:
            if not self._ended and self._save_reply is not None and self._save_reply[0]:
                self._exited = True  # it saved its state and ended, as asked
            elif not self._ended and self._killed:
                self._ended = "stopped"
            elif not self._ended:  # died without a word: the kernel's OOM killer sends SIGKILL
                code = proc.exitcode
                log.error("training run %s: its process ended with exit code %s", self.run.id, code)
                self._fail("memory" if code == -signal.SIGKILL else "internal")
            self._cond.notify_all()

    def _fail(self, kind: str) -> None:
        with self._cond:
            self.error, self._ended = kind, "failed"
            self._cond.notify_all()
