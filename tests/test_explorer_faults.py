"""Faults: a training process killed mid-run, a server killed mid-save, a save into assets/ killed at
random points. Whatever dies, nothing half-written is offered afterwards and what was whole still loads."""
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import torch

from conftest import ROOT, TEXT, free_port
from helpers import wait_for
from explorer import models
from explorer.limits import Limits
from explorer.session import TMP_PREFIX, SessionStore
from explorer.training import actions as training
from explorer.training.actions import pool_of
from explorer.training.fields import preset_values
from explorer.training.job import State
from explorer.training.state import TrainState
from explorer.training.spawn import CTX
from model.checkpoint import load_checkpoint, save_checkpoint

PASTE = ("paste", None, TEXT)
TINY_GPT = dict(model_type="gpt", n_embd=32, n_head=4, n_layer=1, block_size=16, batch_size=8, dtype="float32")


def gpt(**changes) -> dict:
    return {**preset_values("gpt-classroom"), **TINY_GPT, "max_iters": 20_000, "eval_interval": 5,
            "eval_iters": 2, **changes}


def test_a_killed_training_fails_keeps_its_last_snapshot_and_the_next_run_starts(tiny_assets):
    store = SessionStore(tiny_assets, Limits(max_trainings=1))  # one slot: the second run waits for it
    pool = pool_of(store)
    pool.tune_threads = False
    a, b = store.get("killed"), store.get("next")
    try:
        training.start(a, "gpt", gpt(), PASTE)
        job = a.state(TrainState).job
        assert wait_for(lambda: len(job.run.timeline) >= 3)  # steps 0, 5, 10 snapshotted
        training.start(b, "gpt", gpt(), PASTE)
        assert wait_for(lambda: training.status(b, "en")["queue_position"] == 1)
        os.kill(job.pid, signal.SIGKILL)  # what the kernel's OOM killer does
        assert wait_for(lambda: job.state == State.FAILED)
        assert job.id not in pool.active and not job.process_alive()
        assert wait_for(lambda: training.status(b, "en")["state"] == "running" and training.status(b, "en")["step"] > 0)

        last = job.run.timeline.snapshots[-1]  # the latest weights the server had
        st = training.status(a, "en")
        assert st["state"] == "failed" and st["error"] == "memory" and st["model_step"] == last.step
        assert f"step {last.step} is in the model picker" in st["message"]
        assert "session:run-1" in [key for _, key in a.model_choices("en")]
        model, _, info = a.get_model("session:run-1")
        assert info["step"] == last.step and info["val_loss"] == job.run.evals[-1][2]
        assert all(torch.equal(v.half(), last.state[k]) for k, v in model.state_dict().items() if k in last.state)
        with zipfile.ZipFile(training.save(a)) as zf:  # and it saves, under the step it is at
            assert any(f"step{last.step}/" in n for n in zf.namelist())
    finally:
        store.close_all()


# --- the server killed while it saves ------------------------------------------------------------

# python app.py, with one save made to hang at a chosen point once the test creates the file `arm`:
# "checkpoint" (the weights written, not config.json, not renamed) or "zip" (the zip half written)
SLOW_SAVE = r"""
import sys, time, zipfile
from pathlib import Path
import model.checkpoint as checkpoint

point, arm, reached = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])

def hang(path):
    if arm.exists():
        reached.write_text(str(path))
        time.sleep(600)

if point == "checkpoint":
    save_file = checkpoint.save_file
    def slow_save_file(tensors, path, *args, **kwargs):
        save_file(tensors, path, *args, **kwargs)
        hang(path)
    checkpoint.save_file = slow_save_file
else:
    write = zipfile.ZipFile.write
    def slow_write(self, filename, *args, **kwargs):
        write(self, filename, *args, **kwargs)
        hang(self.filename)
    zipfile.ZipFile.write = slow_write

sys.argv = ["app.py"]
import app
app.main()
"""


def start_server(command: list, env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(command, cwd=ROOT, env={**env, "GRADIO_SERVER_PORT": str(port)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    from gradio_client import Client

    def up():
        assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
        try:
            return Client(f"http://127.0.0.1:{port}/", verbose=False)
        except Exception:  # noqa: BLE001 -- not answering yet
            return None

    assert wait_for(up, timeout=300)
    return proc


def session_folders(tmp: Path) -> list[Path]:
    return sorted(tmp.glob(f"{TMP_PREFIX}*"))


@pytest.mark.slow
@pytest.mark.parametrize("point", ["checkpoint", "zip"])
def test_a_server_killed_mid_save_leaves_nothing_partial(tiny_assets, tmp_path, point):
    from gradio_client import Client, handle_file

    assets, tmp, arm, reached = tmp_path / "assets", tmp_path / "tmp", tmp_path / "arm", tmp_path / "reached"
    shutil.copytree(tiny_assets, assets)
    tmp.mkdir()
    env = {**os.environ, "GPT_EXPLORER_ASSETS": str(assets), "TMPDIR": str(tmp), "GPT_EXPLORER_MAX_TRAININGS": "1"}
    port = free_port()
    proc = start_server([sys.executable, "-c", SLOW_SAVE, point, str(arm), str(reached)], env, port)
    try:
        c = Client(f"http://127.0.0.1:{port}/", verbose=False)
        c.predict(**TINY_GPT, max_iters=20, warmup_iters=0, eval_interval=10, eval_iters=2, corpus="paste", text=TEXT,
                  api_name="/train_start")
        assert wait_for(lambda: c.predict(api_name="/train_status")["state"] == "done")
        earlier = tmp_path / "earlier.zip"
        shutil.copy(c.predict(api_name="/save_checkpoint"), earlier)  # a save that completed
        arm.touch()
        c.submit(api_name="/save_checkpoint")  # this one hangs halfway: the server dies there
        assert wait_for(reached.exists)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    [dead] = session_folders(tmp)  # the dead server's session folder, with its half-written save in it
    half = Path(reached.read_text())
    assert half.exists() and dead in half.parents
    for z in dead.glob("*.zip"):  # only a whole zip is ever named .zip (the earlier save's is there)
        with zipfile.ZipFile(z) as zf:
            assert zf.testzip() is None
    if point == "checkpoint":
        assert not (half.parent / "config.json").exists()

    port = free_port()
    proc = start_server([sys.executable, "app.py"], env, port)  # restarted, as a Space restarts it
    try:
        assert not dead.exists()  # the dead server's folders were removed at start-up
        c = Client(f"http://127.0.0.1:{port}/", verbose=False)
        keys = [m["key"] for m in c.predict(api_name="/list_models")]
        assert sorted(keys) == ["pretrained:bigram", "pretrained:gpt-small"]  # nothing else is offered
        for key in keys:  # and what is offered loads
            assert isinstance(c.predict(model=key, prompt="Line", max_new_tokens=5, api_name="/generate"), str)
        info = c.predict(handle_file(str(earlier)), api_name="/upload_checkpoint")  # the earlier save loads
        assert info["step"] == 20 and info["model_type"] == "gpt"
        assert c.predict(model=info["key"], prompt="Line", max_new_tokens=5, api_name="/generate")
    finally:
        proc.terminate()
        proc.wait(30)


# --- a save into assets/ killed at random points --------------------------------------------------

def overwrite_forever(folder: str, ready) -> None:
    """Save the checkpoint in folder over and over, each time with other weights (a training process)."""
    model, tokenizer, _ = load_checkpoint(folder)
    for i in range(10**9):
        with torch.no_grad():
            model.lm_head.weight.fill_(i % 7)
        save_checkpoint(folder, model, tokenizer, step=i, val_loss=4.0)
        ready.set()  # one save is whole: config.json's step now says what the weights hold


def test_leftovers_of_a_killed_save_are_never_offered(tiny_assets, tmp_path):
    assets = tmp_path / "assets"
    shutil.copytree(tiny_assets, assets)
    shutil.copytree(assets / "gpt-small", assets / ".gpt-small.k2j4x_1a")  # killed before its rename
    shutil.copytree(assets / "bigram", assets / ".bigram.old")            # killed between two renames
    assert sorted(models.list_pretrained(assets)) == ["bigram", "gpt-small"]


@pytest.mark.slow
def test_a_save_into_assets_killed_at_random_points_leaves_a_whole_checkpoint(tiny_assets, tmp_path):
    assets = tmp_path / "assets"
    shutil.copytree(tiny_assets, assets)
    rng = random.Random(0)
    for _ in range(30):
        ready = CTX.Event()
        proc = CTX.Process(target=overwrite_forever, args=(str(assets / "gpt-small"), ready), daemon=True)
        proc.start()
        assert ready.wait(120)
        time.sleep(rng.uniform(0.0, 0.2))  # some saves in, killed wherever it is
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(30)
        models._listing.clear()  # rescan now, as a restarted server does
        assert sorted(models.list_pretrained(assets)) == ["bigram", "gpt-small"]  # no temporary folder offered
        model, _, cfg = load_checkpoint(assets / "gpt-small")  # the old one or the new, but whole
        assert model.lm_head.weight.flatten()[0].item() == cfg["step"] % 7
