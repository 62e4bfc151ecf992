"""Training jobs (a child process each) and the server-wide slot pool."""
import os
import signal
import threading
import time

import pytest
import torch

from conftest import TEXT
from helpers import wait_for
from explorer.training.job import State, TrainingJob
from explorer.training.pool import SlotPool, available_cores, threads_for
from explorer.training.run import Run
from model.config import GPTConfig, TrainConfig
from faulty_worker import out_of_memory
from model.data import CharDataset

DATA = CharDataset(TEXT, name="test text")
BIGRAM = GPTConfig(model_type="bigram", vocab_size=DATA.tokenizer.vocab_size, block_size=8)
TINY_GPT = GPTConfig(vocab_size=DATA.tokenizer.vocab_size, block_size=16, n_embd=32, n_head=4, n_layer=1)


def make_job(pool, model_cfg=BIGRAM, paused=False, target=None, **train):
    train_cfg = TrainConfig(**{"batch_size": 8, "learning_rate": 1e-2, "max_iters": 100_000,
                               "eval_interval": 0, "eval_iters": 2, **train})
    run = Run("run-1", 1, model_cfg, train_cfg, DATA.name, DATA.tokenizer.vocab_size)
    return TrainingJob(run, DATA, pool, start_paused=paused, target=target).start()


@pytest.fixture
def pool():
    return SlotPool(2, max_waiting=3, tune_threads=False)


def test_threads_share_the_cores():
    assert [threads_for(n, 2) for n in (0, 1, 2, 3)] == [2, 2, 1, 1]
    assert threads_for(2, 16) == 8


def test_pool_serves_in_order_and_reports_positions():
    pool = SlotPool(1, tune_threads=False)
    assert pool.acquire("a", lambda: False)
    got = []
    threads = [threading.Thread(target=lambda j=j: got.append(j) if pool.acquire(j, lambda: False) else None)
               for j in ("b", "c")]
    threads[0].start()
    assert wait_for(lambda: pool.position("b") == 1)
    threads[1].start()
    assert wait_for(lambda: pool.position("c") == 2)
    pool.release("a")
    assert wait_for(lambda: got == ["b"])
    assert pool.position("c") == 1
    pool.release("b")
    assert wait_for(lambda: got == ["b", "c"])
    pool.release("c")


def test_pool_lets_a_waiting_job_give_up():
    pool = SlotPool(1, tune_threads=False)
    pool.acquire("a", lambda: False)
    cancel = threading.Event()
    result = []
    t = threading.Thread(target=lambda: result.append(pool.acquire("b", cancel.is_set)))
    t.start()
    assert wait_for(lambda: pool.position("b") == 1)
    cancel.set()
    t.join(2)
    assert result == [False] and pool.position("b") is None
    pool.release("a")


def test_pool_full():
    pool = SlotPool(1, max_waiting=1, tune_threads=False)
    pool.acquire("a", lambda: False)
    assert not pool.full()
    threading.Thread(target=lambda: pool.acquire("b", lambda: False), daemon=True).start()
    assert wait_for(pool.full)
    pool.release("a")
    assert wait_for(lambda: not pool.full())


def test_start_pause_step_resume_stop(pool):
    job = make_job(pool)
    assert wait_for(lambda: job.state == State.RUNNING and job.run.steps > 5)
    job.pause()
    assert wait_for(lambda: job.state == State.PAUSED)
    paused_at = job.run.steps
    time.sleep(0.2)
    assert job.run.steps == paused_at  # nothing moves while paused
    assert job.step_once(120)
    assert job.run.steps == paused_at + 1 and job.state == State.PAUSED
    assert pool.active == set()  # a paused run holds no slot
    job.resume()
    assert wait_for(lambda: job.run.steps > paused_at + 5)
    assert job.stop(wait=120)  # how soon: tests/benchmarks/training_process.py (stop_s)
    assert job.state == State.STOPPED
    assert not job.process_alive() and job.run.model is not None  # its process (and memory) gone, model kept
    assert not job.run.model.training
    assert pool.active == set()


def test_run_to_the_end_records_evals_and_samples(pool):
    job = make_job(pool, TINY_GPT, max_iters=30, eval_interval=10)
    assert wait_for(lambda: job.state == State.DONE)
    run = job.run
    assert run.steps == 30
    assert [s for s, _, _ in run.evals] == [0, 10, 20, 30]
    assert [s for s, _ in run.samples][-1] == 30 and len(run.samples[-1][1]) == 200
    assert (run.loss[:30] > 0).all()
    assert run.wall > 0 and run.tokens_per_s > 0


def test_step_from_paused_start(pool):
    job = make_job(pool, paused=True, eval_interval=5)
    time.sleep(0.2)
    assert job.state == State.PAUSED and job.run.steps == 0
    assert job.step_once(120)
    assert job.run.steps == 1 and [s for s, _, _ in job.run.evals] == [0]
    job.stop()


def test_stop_interrupts_a_long_evaluation(pool):
    job = make_job(pool, TINY_GPT, eval_interval=1, eval_iters=100_000)  # an evaluation of hours
    assert wait_for(lambda: job.started)
    time.sleep(0.3)
    assert job.stop(wait=120)  # long before the evaluation's hours; how soon: the benchmark's stop_eval_s
    assert job.state == State.STOPPED


def test_queued_job_waits_for_a_slot():
    pool = SlotPool(1, tune_threads=False)
    first = make_job(pool)
    assert wait_for(lambda: first.state == State.RUNNING)
    second = make_job(pool)
    assert wait_for(lambda: second.state == State.QUEUED and second.queue_position() == 1)
    assert second.run.steps == 0
    first.stop()
    assert wait_for(lambda: second.state == State.RUNNING and second.run.steps > 0)
    second.stop()


def test_a_failing_run_reports_its_error(pool, caplog):
    job = make_job(pool, target=out_of_memory)
    assert wait_for(lambda: job.state == State.FAILED)
    assert job.error == "memory"  # the kind, not the raw text (the log has the traceback)
    assert pool.active == set() and not job.process_alive()
    assert "out of memory (simulated)" in caplog.text


def test_a_killed_process_is_a_failed_run(pool):
    job = make_job(pool)
    assert wait_for(lambda: job.run.steps > 2)
    os.kill(job.pid, signal.SIGKILL)  # what the kernel's OOM killer does
    assert wait_for(lambda: job.state == State.FAILED)
    assert job.error == "memory" and pool.active == set()


def test_a_training_runs_below_the_servers_priority(pool):
    from explorer.training.worker import NICENESS
    job = make_job(pool)
    assert wait_for(lambda: job.run.steps > 2)
    nice = int(open(f"/proc/{job.pid}/stat").read().rsplit(")", 1)[1].split()[16])  # field 19: nice
    assert nice == min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)  # a click never waits for a step
    job.stop()


def test_two_runs_train_in_two_processes_sharing_the_cores():
    pool = SlotPool(2, cores=2)
    jobs = [make_job(pool), make_job(pool)]
    assert wait_for(lambda: all(j.run.steps > 2 for j in jobs))
    assert len({j.pid for j in jobs} | {os.getpid()}) == 3
    assert [j.threads for j in jobs] == [1, 1]  # two at once: a core each
    jobs[0].stop()
    assert wait_for(lambda: jobs[1].threads == 2)  # alone: both cores
    jobs[1].stop()
    assert pool.active == set() and pool.tuners == {}


def test_snapshot_is_a_copy(pool):
    job = make_job(pool, TINY_GPT)
    assert wait_for(lambda: job.run.steps > 2)
    snap = job.snapshot_model()
    assert not snap.training and snap.config.n_embd == TINY_GPT.n_embd
    # the reply came after every step the child had made before it: one more step message, one more step
    # (a busy parent reads the pipe late, so a count fixed in advance may already be passed)
    seen = job.run.steps
    assert wait_for(lambda: job.run.steps > seen)
    later = job.snapshot_model()  # the weights as they are now; the first copy did not move
    assert later is not snap and not torch.equal(later.lm_head.weight, snap.lm_head.weight)
    job.stop()
    assert job.snapshot_model() is job.run.model


def test_eta_from_recent_pace():
    run = Run("run-1", 1, BIGRAM, TrainConfig(max_iters=1000), "x", 65)
    assert run.eta() is None
    run.recent.extend([(0.0, 0), (10.0, 100)])
    run.steps = 100
    assert run.eta() == pytest.approx(90.0)


@pytest.mark.parametrize("files, expected", [
    ({"cpu.max": "200000 100000\n"}, 2),                                  # cgroup v2, 2 vCPUs
    ({"cpu.max": "max 100000\n"}, None),                                  # v2, no quota
    ({"cpu/cpu.cfs_quota_us": "150000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 2),  # v1, 1.5 CPUs
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),   # v1, none
    ({}, None),
])
def test_cores_follow_the_container_quota(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    mine = len(os.sched_getaffinity(0))
    assert available_cores(tmp_path) == (min(expected, mine) if expected else mine)
