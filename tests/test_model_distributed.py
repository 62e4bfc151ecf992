"""Training beyond one process: torchrun + DistributedDataParallel (gloo), gradient accumulation,
resuming a run from its checkpoint, and the CUDA path (skipped without a GPU)."""
import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from model.checkpoint import CheckpointError, load_checkpoint
from model.config import GPTConfig, TrainConfig
from model.data import CharDataset
from model.resume import load_training_state, save_training_state
from model.flags import configs_from_args, parse_args, resume_overrides
from model.train import Trainer, save_checkpoint_from_trainer

ROOT = Path(__file__).resolve().parent.parent
TEXT = "".join(f"line {i}: the quick brown fox jumps over the lazy dog.\n" for i in range(200))
TINY = GPTConfig(vocab_size=65, block_size=16, n_embd=32, n_head=2, n_layer=1)
# batch 2 x grad_accum 2 a rank: DDP's no_sync path runs too; constant lr after warmup, so a run
# stopped at step 10 and resumed to 20 follows the same schedule as one run of 20
FLAGS = ["--preset", "gpt-classroom", "--n-layer", "1", "--n-embd", "32", "--n-head", "2", "--block-size", "16",
         "--dropout", "0", "--batch-size", "2", "--grad-accum", "2", "--lr", "3e-3", "--warmup-iters", "2",
         "--no-lr-decay", "--eval-interval", "10", "--eval-iters", "2", "--dtype", "float32", "--threads", "1"]


def launch(*args, nproc: int | None = None) -> subprocess.CompletedProcess:
    """python -m model.train, or torchrun's launcher (run as a module: no script on PATH needed)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    runner = ["-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}"] if nproc else []
    r = subprocess.run([sys.executable, *runner, "-m", "model.train", *args], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return r


def result_of(r: subprocess.CompletedProcess) -> dict:
    lines = [line for line in r.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, r.stdout  # rank 0 alone prints the result
    return json.loads(lines[0])


class BothRanks(Trainer):
    """One process that feeds each micro-batch of rank 0 and rank 1 side by side (rank r draws from
    seed + 2r): the gradient of their mean is the average DDP must compute across the two ranks."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ranks = [torch.Generator().manual_seed(self.config.seed + 2 * r) for r in range(2)]

    def get_batch(self):
        T = self.model.config.block_size
        xs, ys = zip(*(self.dataset.get_batch("train", self.config.batch_size, T, g) for g in self.ranks))
        return torch.cat(xs), torch.cat(ys)


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory):
    """The data, and single-process runs of 20 steps: on both ranks' batches, and on rank 0's alone."""
    folder = tmp_path_factory.mktemp("ddp")
    (folder / "text.txt").write_text(TEXT)
    model_cfg, train_cfg = configs_from_args(parse_args([*FLAGS, "--max-iters", "20"]))
    runs = {}
    for name, cls in (("both", BothRanks), ("rank0", Trainer)):
        t = cls.from_configs(model_cfg, train_cfg, CharDataset(TEXT, name="text.txt"))
        runs[name] = (t, [log for log in t.run() if log.val_loss is not None])
    return folder, runs


def assert_same_weights(model, reference, atol=2e-5):
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        torch.testing.assert_close(p, q, atol=atol, rtol=1e-4, msg=name)


def test_torchrun_two_processes_average_their_gradients(two_ranks):
    from explorer.models import list_pretrained, load_zip

    folder, runs = two_ranks
    # --save-every-eval: all ranks join the save at step 10 too (it gathers their random states)
    r = launch(*FLAGS, "--max-iters", "20", "--data", str(folder / "text.txt"), "--out", str(folder / "ck"),
               "--save-every-eval", nproc=2)
    result = result_of(r)
    assert (result["iters"], result["world_size"]) == (20, 2)
    assert r.stderr.count("parameters,") == 1  # one banner: rank 0's
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]  # no temporary folder left
    ref, evals = runs["both"]
    # evaluation is rank 0's, on the same batches a single process draws
    assert [e["step"] for e in result["curve"]] == [e.step for e in evals] == [0, 10, 20]
    assert [e["val_loss"] for e in result["curve"]] == pytest.approx([e.val_loss for e in evals], abs=2e-4)
    model, _, cfg = load_checkpoint(folder / "ck")
    assert cfg["command"].startswith("torchrun --nproc_per_node=2 -m model.train")
    assert_same_weights(model, ref.model)  # the two ranks' gradients were averaged...
    with pytest.raises(AssertionError):
        assert_same_weights(model, runs["rank0"][0].model)  # ...and rank 1's batches counted
    # the folder opens in the app: as an asset, and zipped whole as an upload
    assert list_pretrained(folder)["ck"]["step"] == 20
    with zipfile.ZipFile(folder / "ck.zip", "w") as zf:
        for f in (folder / "ck").iterdir():
            zf.write(f, f"ck/{f.name}")
    uploaded, _, _ = load_zip(folder / "ck.zip")
    assert_same_weights(uploaded, model, atol=0)


def test_torchrun_resumes_a_distributed_run(two_ranks):
    folder, runs = two_ranks
    data = ["--data", str(folder / "text.txt")]
    launch(*FLAGS, "--max-iters", "10", *data, "--out", str(folder / "half"), nproc=2)
    r = launch("--resume", str(folder / "half"), "--max-iters", "20", "--threads", "1", *data,
               "--out", str(folder / "resumed"), nproc=2)
    result = result_of(r)
    assert result["iters"] == 20 and [e["step"] for e in result["curve"]] == [0, 10, 20]
    assert_same_weights(load_checkpoint(folder / "resumed")[0], runs["both"][0].model)


def test_torchrun_ranks_stop_together_on_a_time_budget(two_ranks):
    folder, _ = two_ranks
    # rank 0 alone evaluates, so the ranks' clocks differ: they take rank 0's, or one would stop alone and
    # the other, left in an all-reduce nobody joins, would fail as it exits (seen with the sharing off)
    r = launch(*FLAGS, "--max-iters", "1000000", "--max-seconds", "3", "--eval-interval", "5",
               "--data", str(folder / "text.txt"), nproc=2)
    result = result_of(r)
    assert 5 < result["iters"] < 1000000 and result["curve"][-1]["step"] == result["iters"]
    assert "the time budget (--max-seconds 3) ended the run" in r.stderr


def tiny_config(**kw) -> TrainConfig:
    return TrainConfig(**{"batch_size": 4, "learning_rate": 3e-3, "max_iters": 12, "eval_interval": 4,
                          "eval_iters": 2, "warmup_iters": 2, "lr_decay": True, "min_lr": 1e-4, "seed": 0, **kw})


def test_grad_accum_is_a_positive_integer_and_old_configs_default_to_one():
    from model.config import config_from_dict
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="grad_accum"):
            TrainConfig(grad_accum=bad).validate()
    assert config_from_dict(TrainConfig, {"batch_size": 8}).grad_accum == 1  # a checkpoint saved before it


def test_grad_accum_equals_one_batch_of_all_its_micro_batches():
    def run(batch_size, grad_accum):
        t = Trainer.from_configs(TINY, tiny_config(batch_size=batch_size, grad_accum=grad_accum, eval_interval=0),
                                 CharDataset(TEXT))
        return t, [t.step().loss for _ in range(8)]

    (a, la), (b, lb), (_, lc) = run(4, 4), run(16, 1), run(4, 1)
    # the four micro-batches of 4 are the batch of 16's rows (one generator, drawn in order)
    assert la == pytest.approx(lb, abs=1e-5) and lc != pytest.approx(lb, abs=1e-3)
    assert_same_weights(a.model, b.model, atol=1e-5)
    assert a.tokens_per_s > 0 and a.config.grad_accum == 4


def test_resume_continues_exactly(tmp_path):
    model_cfg = replace(TINY, dropout=0.1)  # dropout draws from torch's global generator: restored too
    full = Trainer.from_configs(model_cfg, tiny_config(), CharDataset(TEXT))
    expected = [(log.step, log.loss, log.val_loss) for log in full.run()]
    first = Trainer.from_configs(model_cfg, tiny_config(), CharDataset(TEXT))
    logs = []
    for log in first.run():
        logs.append((log.step, log.loss, log.val_loss))
        if log.step == 6:
            break
    save_training_state(tmp_path / "ck", first, command="test")
    del first
    torch.manual_seed(123)  # whatever happened in between
    resumed = load_training_state(tmp_path / "ck", CharDataset(TEXT))
    assert (resumed.iter, resumed.last_eval["val"]) == (6, expected[4][2])  # step 4's evaluation
    logs += [(log.step, log.loss, log.val_loss) for log in resumed.run()]
    assert logs == expected  # exactly: the same batches, masks and evaluations
    for p, q in zip(resumed.model.parameters(), full.model.parameters()):
        assert torch.equal(p, q)


def test_resume_refuses_what_it_cannot_continue(tmp_path):
    t = Trainer.from_configs(TINY, tiny_config(max_iters=2), CharDataset(TEXT))
    list(t.run())
    save_checkpoint_from_trainer(tmp_path / "plain", t)
    with pytest.raises(CheckpointError, match="no training state"):
        load_training_state(tmp_path / "plain", CharDataset(TEXT))
    save_training_state(tmp_path / "ck", t)
    with pytest.raises(CheckpointError, match="same text"):
        load_training_state(tmp_path / "ck", CharDataset(TEXT + "XYZ"))
    with pytest.raises(SystemExit, match="--n-layer"):
        resume_overrides(parse_args(["--resume", "ck", "--n-layer", "2"]))
    assert resume_overrides(parse_args(["--resume", "ck", "--max-iters", "50"])) == {"max_iters": 50}


def test_cli_resume_matches_an_uninterrupted_run(tmp_path):
    data = tmp_path / "text.txt"
    data.write_text(TEXT)
    flags = [*FLAGS, "--data", str(data), "--timeline"]
    full = result_of(launch(*flags, "--max-iters", "20", "--out", str(tmp_path / "full")))
    launch(*flags, "--max-iters", "10", "--out", str(tmp_path / "half"))
    resumed = result_of(launch("--resume", str(tmp_path / "half"), "--max-iters", "20", "--data", str(data),
                               "--threads", "1", "--out", str(tmp_path / "resumed")))
    losses = lambda result: [(e["step"], e["train_loss"], e["val_loss"]) for e in result["curve"]]  # noqa: E731
    assert losses(resumed) == losses(full) and resumed["val_loss"] == full["val_loss"]
    a, _, cfg_a = load_checkpoint(tmp_path / "full")
    b, _, cfg_b = load_checkpoint(tmp_path / "resumed")
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    assert cfg_b["snapshots"].steps == cfg_a["snapshots"].steps == [0, 10, 20]  # the timeline went on
    assert cfg_b["seconds"] >= cfg_b["curve"][1]["seconds"]  # the clock went on from the first part's


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_path_saves_a_checkpoint_that_loads_on_the_cpu(tmp_path):
    compile = importlib.util.find_spec("triton") is not None  # torch.compile's GPU backend
    cfg = tiny_config(dtype="auto", grad_accum=2, max_iters=6, eval_interval=3)
    t = Trainer.from_configs(TINY, cfg, CharDataset(TEXT), device="cuda", compile=compile)
    assert t.dtype == (torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float32)
    logs = list(t.run())
    assert all(torch.isfinite(torch.tensor(log.loss)) for log in logs[1:]) and logs[-1].val_loss is not None
    save_training_state(tmp_path / "ck", t)
    from safetensors import safe_open
    for name in ("model.safetensors", "train_state.safetensors"):
        with safe_open(str(tmp_path / "ck" / name), framework="pt", device="cpu") as f:
            assert not any("_orig_mod" in k for k in f.keys())
    model, _, _ = load_checkpoint(tmp_path / "ck")
    assert_same_weights(model, t.model.cpu(), atol=0)
    on_cpu = load_training_state(tmp_path / "ck", CharDataset(TEXT), device="cpu", max_iters=7)
    assert on_cpu.step().step == 7
