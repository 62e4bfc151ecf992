"""The training process: each run trains in a child process of its own, driven over a pipe.

Why a process and not a thread: a thread that trains after other threads have used torch runs
~20% slower on some CPUs (every thread that used torch keeps its own OpenMP team; they spin and
switch). A child process owns its OpenMP runtime, so training in the app runs at the CLI's speed.
This module imports torch, model/ and limits.py only (no gradio): the process server preloads it.

Commands (parent -> child), each with a sequence number where it changes what the child does:
    ("run", seq)          train until told otherwise
    ("steps", k, seq)     k more optimizer steps (while paused), then idle
    ("pause", seq)        finish the current step, then idle
    ("threads", n)        torch.set_num_threads(n), or 1 for a small step (useful_threads)
    ("snapshot", rid)     send the weights as they are now
    ("save", folder)      write the training state (and the text) to folder, then exit: a paused run
                          leaves memory, and a process started with saved=folder continues it exactly
Events (child -> parent):
    ("ready",)                            the model and optimizer are built
    ("eval", step, train, val, sample, seconds, weights)   the step-0 evaluation (weights: float16)
    ("step", StepLog, sample|None, seconds, weights|None)  one optimizer step (sample and weights on
                                                            evaluation steps, for the timeline)
    ("idle", seq)                         all commands up to seq are done; nothing to do
    ("snapshot", rid, weights|None)
    ("final", weights|None, done)         the run ended (done: reached max_iters); the child exits
    ("error", kind, traceback)            kind is "memory" or "internal"; the child exits
    ("saved", folder|None, traceback|None)  the state is on disk and the child exits (folder), or it
                                          could not be written and the child goes on (None)
Stop is a multiprocessing.Event, so an evaluation is cut short between two batches.
"""
import ctypes
import io
import os
import time
import traceback
from pathlib import Path

import torch
import torch._dynamo  # noqa: F401 -- AdamW imports it (~1.7 s); preloaded, a run starts in ~0.1 s

from model.checkpoint import read_config
from model.data import CharDataset
from model.resume import load_training_state, save_training_state
from model.sampling import generate
from model.tokenizer import CharTokenizer
from model.timeline import half_state
from model.train import Interrupted, Trainer

from ..limits import step_gflop

SAMPLE_CHARS = 200  # characters sampled from the model at every evaluation
CORPUS_TEXT = "corpus.txt"  # an evicted run's text, beside its training state (model/resume.py)
NICENESS = 10  # trainings run below the server's priority: a visitor's view never waits for a step


def to_bytes(model) -> bytes:
    """The weights as bytes (torch.save of the state dict; tied weights stay tied)."""
    buf = io.BytesIO()
    torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, buf)
    return buf.getvalue()


def half_bytes(model) -> bytes:
    """The weights in float16, as bytes: the run's timeline keeps one of these per evaluation."""
    buf = io.BytesIO()
    torch.save(half_state(model), buf)
    return buf.getvalue()


def from_bytes(data: bytes) -> dict:
    return torch.load(io.BytesIO(data), weights_only=True)  # tensors only, never code


def release_free_memory() -> None:
    """Return the heap's free pages to the OS (glibc keeps them after a step's tensors are freed)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def failure_kind(e: BaseException) -> str:
    return "memory" if isinstance(e, MemoryError) or "out of memory" in str(e).lower() else "internal"


SMALL_STEP_GFLOP = 1.0  # a step under this is too small to split across cores


def useful_threads(n: int, model_cfg, train_cfg) -> int:
    """n, or 1 for a small step: threads then wait on each other more than they compute (ladder-7,
    0.06 GFLOP a step: 300 steps in 1.28 s on one thread, 1.72 s on two; gpt-classroom, 10 GFLOP:
    17.9 s on one, 13.8 s on two; AMD EPYC, 2 cores)."""
    return 1 if step_gflop(model_cfg, train_cfg.batch_size) < SMALL_STEP_GFLOP else n


def load_corpus(folder) -> CharDataset:
    """An evicted run's text, with the vocabulary and name its checkpoint's config.json records."""
    cfg = read_config(folder)
    return CharDataset((Path(folder) / CORPUS_TEXT).read_text("utf-8"), cfg["tokenizer"], name=cfg.get("corpus"))


class Worker:
    def __init__(self, conn, stop, model_cfg, train_cfg, dataset: CharDataset, saved: str | None = None):
        self.conn, self.stop = conn, stop
        self.model_cfg, self.train_cfg, self.dataset = model_cfg, train_cfg, dataset
        self.saved = saved  # the folder of an evicted run's state: the trainer continues from it
        self.trainer: Trainer | None = None
        self.budget: int | None = 0  # steps still to do; None: until paused
        self.seq = self.acked = 0
        self.leaving = False  # the state is saved: end without a final message

    def serve(self) -> None:
        try:
            while not self.stop.is_set():
                self._commands(wait=self.budget == 0)
                if self.leaving:
                    return
                if self.stop.is_set() or self.budget == 0:
                    continue
                if self.trainer is None:
                    self._build()
                self._step()
                if self.trainer.done:
                    break
        except Interrupted:  # stopped in the middle of an evaluation
            pass
        except (EOFError, OSError):  # the pipe broke: the parent has gone, nobody to report to
            raise
        except Exception as e:  # noqa: BLE001 -- reported to the parent, which shows the kind
            self.conn.send(("error", failure_kind(e), traceback.format_exc()))
            return
        done = self.trainer is not None and self.trainer.done
        self.conn.send(("final", to_bytes(self.trainer.model) if self.trainer else None, done))

    def _commands(self, wait: bool) -> None:
        """Handle every pending command; when wait, first block (checking stop) until one comes."""
        self._ack()
        while wait and not self.stop.is_set() and not self.conn.poll(0.1):
            pass
        while not self.stop.is_set() and self.conn.poll():
            msg = self.conn.recv()
            kind = msg[0]
            if kind == "run":
                self.budget, self.seq = None, msg[1]
            elif kind == "steps":
                self.budget = None if self.budget is None else self.budget + msg[1]
                self.seq = msg[2]
            elif kind == "pause":
                self.budget, self.seq = 0, msg[1]
            elif kind == "threads":
                torch.set_num_threads(useful_threads(msg[1], self.model_cfg, self.train_cfg))
            elif kind == "snapshot":
                self.conn.send(("snapshot", msg[1], to_bytes(self.trainer.model) if self.trainer else None))
            elif kind == "save":
                self.leaving = self._save(msg[1])
                if self.leaving:
                    return
        self._ack()

    def _save(self, folder: str) -> bool:
        """Write the training state and the text to folder; True once they are all on disk."""
        try:
            if self.trainer is None:
                raise RuntimeError("the model is not built yet: nothing to save")
            save_training_state(folder, self.trainer)
            (Path(folder) / CORPUS_TEXT).write_text(self.dataset.text, "utf-8")  # the parent keeps no copy
        except Exception:  # noqa: BLE001 -- e.g. the disk is full: the run keeps its process
            self.conn.send(("saved", None, traceback.format_exc()))
            return False
        self.conn.send(("saved", folder, None))
        return True

    def _ack(self) -> None:
        if self.budget == 0 and self.acked < self.seq:
            self.conn.send(("idle", self.seq))
            self.acked = self.seq
            release_free_memory()  # a paused run may sit for long: hand freed activations back

    def _build(self) -> None:
        if self.saved:  # an evicted run: weights, optimizer, step and random state as they were
            self.trainer = load_training_state(self.saved, self.dataset)
        else:
            self.trainer = Trainer.from_configs(self.model_cfg, self.train_cfg, self.dataset)
        self.trainer.should_stop = self.stop.is_set  # Stop never waits for a whole evaluation
        self.conn.send(("ready",))
        if self.train_cfg.eval_interval > 0 and self.trainer.iter == 0:  # step 0's evaluation, as run() does
            t0 = time.perf_counter()
            ev = self.trainer.evaluate()
            sample = self._sample(0)
            snapshot = half_bytes(self.trainer.model)
            self.conn.send(("eval", 0, ev["train"], ev["val"], sample, time.perf_counter() - t0, snapshot))

    def _step(self) -> None:
        t0 = time.perf_counter()
        log = self.trainer.step()
        evaluated = log.val_loss is not None
        sample = self._sample(log.step) if evaluated else None
        snapshot = half_bytes(self.trainer.model) if evaluated else None
        self.conn.send(("step", log, sample, time.perf_counter() - t0, snapshot))
        if self.budget is not None:
            self.budget -= 1

    def _sample(self, step: int) -> str:
        """A short text from the model as it is now (seeded by step, so reruns read the same)."""
        g = torch.Generator().manual_seed(self.train_cfg.seed + step)
        idx = torch.zeros((1, 1), dtype=torch.long)
        out = generate(self.trainer.model, idx, SAMPLE_CHARS, generator=g)[0, 1:].tolist()
        return self.dataset.tokenizer.decode(out)


def lower_priority(niceness: int = NICENESS) -> None:
    """Let a visitor's click run before a training's next step: the training waits milliseconds, where
    the visitor would wait for a whole step (tests/benchmarks/classroom.py measures both)."""
    try:
        os.nice(niceness)
    except OSError:  # not allowed here: train at the server's priority
        pass


def main(conn, stop, model_cfg, train_cfg, text: str, chars: list[str], name: str, ids, threads: int | None,
         saved: str | None = None) -> None:
    """The child process's entry point; ids is the text as the parent encoded it (a numpy array). With
    saved (an evicted run's folder), the text and the training state come from there instead."""
    try:
        lower_priority()
        if threads:
            torch.set_num_threads(useful_threads(threads, model_cfg, train_cfg))
        if saved:
            dataset = load_corpus(saved)
        else:
            dataset = CharDataset(text, CharTokenizer(chars), name=name, ids=torch.from_numpy(ids))
        Worker(conn, stop, model_cfg, train_cfg, dataset, saved).serve()
    except (EOFError, OSError):  # the parent has gone (the app was killed): end quietly
        pass
    except Exception as e:  # noqa: BLE001 -- e.g. out of memory while building the dataset
        conn.send(("error", failure_kind(e), traceback.format_exc()))
    finally:
        conn.close()
