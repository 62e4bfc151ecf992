"""The server's memory budget (paused runs go to disk and come back exactly) and idle sessions' expiry."""
import os
import signal
import time

import numpy as np
import pytest
import torch

from conftest import TEXT
from helpers import wait_for
from explorer.limits import Limits
from explorer.session import SessionStore
from explorer.training import actions as training
from explorer.training.actions import memory_of, pool_of
from explorer.training.fields import preset_values
from explorer.training.job import State, TrainingJob
from explorer.training.memory import MemoryBudget, process_mb
from explorer.training.pool import SlotPool
from explorer.training.run import Run
from explorer.training.state import TrainState
from model.config import GPTConfig, TrainConfig
from model.data import CharDataset

DATA = CharDataset(TEXT, name="test text")
V = DATA.tokenizer.vocab_size
# dropout, so that torch's own random state must come back too; fp32, so that reruns agree to the bit
TINY = GPTConfig(vocab_size=V, block_size=16, n_embd=32, n_head=4, n_layer=1, dropout=0.1)
HUGE_MB = 10**9
PASTE = ("paste", None, TEXT)


def make_job(pool, memory=None, save_dir=None, paused=True, model_cfg=TINY, **train):
    train_cfg = TrainConfig(**{"batch_size": 8, "learning_rate": 3e-3, "max_iters": 100_000, "eval_interval": 4,
                               "eval_iters": 2, "dtype": "float32", **train})
    run = Run("run-1", 1, model_cfg, train_cfg, DATA.name, V)
    return TrainingJob(run, DATA, pool, start_paused=paused, memory=memory, save_dir=save_dir).start()


def steps(job, n):
    for _ in range(n):
        assert job.step_once(120)


@pytest.fixture
def pool():
    return SlotPool(2, tune_threads=False)


def test_a_paused_run_goes_to_disk_and_continues_exactly(pool, tmp_path):
    memory = MemoryBudget(HUGE_MB, interval=3600)  # measures only when asked (and after each pause)
    job, reference = make_job(pool, memory, lambda: tmp_path), make_job(pool)
    try:
        steps(job, 6)
        steps(reference, 6)
        assert memory.check() == [] and job.process_alive()  # within the budget: nothing moves
        pid = job.pid
        memory.max_mb = 1  # less than any process: every paused run must go
        assert memory.check() == [job]
        memory.max_mb = HUGE_MB
        assert not job.process_alive() and job.pid is None and not os.path.exists(f"/proc/{pid}/status")
        assert job.state == State.PAUSED and job.saved == tmp_path / "run-1-state"
        assert {"config.json", "model.safetensors", "train_state.json", "corpus.txt"} <= {
            p.name for p in job.saved.iterdir()}
        # the picker still offers it: its model is read from disk, the same weights as the run that stayed
        on_disk, live = job.snapshot_model(), reference.snapshot_model()
        assert all(torch.equal(a, b) for a, b in zip(on_disk.state_dict().values(), live.state_dict().values()))
        steps(job, 6)  # a new process, from the saved state: optimizer moments, step and random state
        steps(reference, 6)
        assert job.run.steps == reference.run.steps == 12 and job.saved is None and not any(tmp_path.iterdir())
        assert np.array_equal(job.run.loss[:12], reference.run.loss[:12])
        assert job.run.evals == reference.run.evals  # steps 0, 4, 8, 12
        assert [s for s, _, _ in job.run.evals] == [0, 4, 8, 12]
        os.kill(job.pid, signal.SIGKILL)  # the process started from disk is watched like the first
        assert wait_for(lambda: job.state == State.FAILED) and job.error == "memory"
    finally:
        job.stop(), reference.stop()


def test_the_thread_evicts_a_paused_run_but_never_a_running_one(pool, tmp_path):
    memory = MemoryBudget(1, interval=0.2)  # always over: whatever may go, goes
    running = make_job(pool, memory, lambda: tmp_path / "a", paused=False, model_cfg=GPTConfig(
        model_type="bigram", vocab_size=V, block_size=8), eval_interval=0)
    paused = make_job(pool, memory, lambda: tmp_path / "b")
    try:
        steps(paused, 2)  # its pause wakes the check at once
        assert wait_for(lambda: paused.saved is not None and not paused.process_alive())
        time.sleep(1.0)  # five more checks
        assert running.state == State.RUNNING and running.process_alive() and running.saved is None
        assert running.run.steps > 0 and memory.evictions == 1
    finally:
        running.stop(), paused.stop()
    assert memory.jobs == {}  # ended runs are no longer watched


def test_within_the_budget_nothing_is_evicted(pool, tmp_path):
    memory = MemoryBudget(HUGE_MB, interval=0.1)
    job = make_job(pool, memory, lambda: tmp_path)
    try:
        steps(job, 2)
        time.sleep(0.5)
        assert job.process_alive() and job.saved is None and memory.evictions == 0
        mine, child = process_mb(os.getpid()), process_mb(job.pid)
        assert child > 10 and mine > 10  # torch alone is more than that in either
        assert memory.used_mb() >= mine + child - 1  # both counted (the server's own may have moved a little)
    finally:
        job.stop()


def test_stopping_a_run_on_disk_keeps_its_model(pool, tmp_path):
    memory = MemoryBudget(HUGE_MB, interval=3600)
    job = make_job(pool, memory, lambda: tmp_path)
    steps(job, 3)
    expected = job.snapshot_model().state_dict()
    assert job.evict() and job.saved is not None
    assert job.stop(wait=120) and job.state == State.STOPPED
    assert all(torch.equal(expected[k], v) for k, v in job.run.model.state_dict().items())
    assert not any(tmp_path.iterdir())  # its state on disk went with it


@pytest.fixture
def store(tiny_assets):
    store = SessionStore(tiny_assets, Limits(max_trainings=2, max_memory_mb=1))
    pool_of(store).tune_threads = False
    yield store
    store.close_all()


def values(**changes):
    return {**preset_values("gpt-classroom"), "n_embd": 32, "n_head": 4, "n_layer": 1, "block_size": 16,
            "batch_size": 8, "max_iters": 1000, "eval_interval": 5, "eval_iters": 2, **changes}


def test_the_train_tab_says_saved_and_resume_continues(store):
    session = store.get("memory-a")
    training.step(session, ("gpt", values(), PASTE))  # a run at step 1, paused: over a 1 MB budget
    job = session.state(TrainState).job
    assert wait_for(lambda: job.saved is not None)
    assert job.saved.parent == session.tmpdir()
    st = training.status(session, "en")
    assert st["state"] == "paused" and st["saved"] and "saved to disk" in st["message"]
    assert "磁盘" in training.status(session, "zh")["message"]
    model, _, info = session.get_model("session:run-1")  # the picker's model, from disk
    assert info["step"] == 1 and not model.training
    memory_of(store).max_mb = HUGE_MB  # so that it stays in memory once resumed
    training.resume(session)
    assert wait_for(lambda: job.run.steps > 5 and job.process_alive())
    assert job.saved is None and training.status(session, "en")["saved"] is False
    store.close("memory-a")
    assert not session.tmpdir().exists()


def test_idle_sessions_are_closed_and_active_ones_stay(tiny_assets):
    store = SessionStore(tiny_assets, Limits(max_trainings=2, session_idle_minutes=1 / 60))  # one second
    pool_of(store).tune_threads = False
    try:
        idle, active = store.get("idle"), store.get("active")
        bigram = {**preset_values("bigram"), "max_iters": 20_000, "eval_interval": 0, "batch_size": 8}
        for session in (idle, active):
            training.start(session, "bigram", bigram, PASTE)
        folder = idle.tmpdir()
        orphan = idle.state(TrainState).job  # training on, but nobody polls it: its page is gone
        end = time.monotonic() + 2.5
        while time.monotonic() < end:  # the page that stays open polls its training
            assert store.get("active") is active
            time.sleep(0.2)
        assert "idle" not in store.sessions
        assert wait_for(lambda: idle.closed and not folder.exists())  # its models and folder freed
        assert wait_for(lambda: orphan.state == State.STOPPED and not orphan.process_alive())
        assert store.sessions["active"] is active and not active.closed
        assert active.state(TrainState).job.state == State.RUNNING
    finally:
        store.close_all()


def test_the_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GPT_EXPLORER_MAX_MEMORY_MB", "3000")
    monkeypatch.setenv("GPT_EXPLORER_SESSION_IDLE_MINUTES", "30")
    limits = Limits.from_env()
    assert (limits.max_memory_mb, limits.session_idle_minutes) == (3000, 30.0)
    assert Limits().max_memory_mb < 16_000  # a free Space has 16 GB in all
