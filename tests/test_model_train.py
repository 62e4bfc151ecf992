"""Training, reproducibility, checkpoints (incl. refusing pickles) and the CLIs."""
import json
import os
import pickle
import subprocess
import sys
from dataclasses import dataclass, fields
from pathlib import Path

import pytest
import torch

from model.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from model.config import GPTConfig, TrainConfig, field_help, preset
from model.data import CharDataset
from model.gpt import build_model
from model.tokenizer import CharTokenizer
from model.flags import build_parser, configs_from_args, parse_args
from model.train import Trainer, save_checkpoint_from_trainer

ROOT = Path(__file__).resolve().parent.parent
TINY = GPTConfig(vocab_size=65, block_size=8, n_embd=32, n_head=4, n_layer=1)
TEXT = "".join(f"line {i}: the quick brown fox jumps over the lazy dog.\n" for i in range(200))


def corpus_path():
    p = os.environ.get("GPT_EXPLORER_CORPUS")
    if not p or not Path(p).is_file():
        pytest.skip("set GPT_EXPLORER_CORPUS to tiny-shakespeare (../shared/data/tinyshakespeare/input.txt)")
    return p


def tiny_trainer(seed=0, **kw):
    cfg = TrainConfig(batch_size=8, learning_rate=3e-3, max_iters=20, eval_interval=10, eval_iters=4,
                      seed=seed, **kw)
    return Trainer.from_configs(TINY, cfg, CharDataset(TEXT))


def test_same_seed_same_losses():
    a = [(l.loss, l.val_loss) for l in tiny_trainer(seed=3).run()]
    b = [(l.loss, l.val_loss) for l in tiny_trainer(seed=3).run()]
    c = [(l.loss, l.val_loss) for l in tiny_trainer(seed=4).run()]
    assert a == b and a != c


def test_trainer_steps_pause_resume_and_logs():
    t = tiny_trainer(warmup_iters=5, lr_decay=True, min_lr=1e-4)
    first = t.step()
    assert first.step == 1 and first.val_loss is None and first.lr == pytest.approx(3e-3 / 5)
    logs = [first]
    while not t.done:  # the caller may stop after any step and carry on later
        logs.append(t.step())
    assert [l.step for l in logs] == list(range(1, 21))
    assert [l.step for l in logs if l.val_loss is not None] == [10, 20]
    assert logs[5].lr == pytest.approx(3e-3) and logs[-1].lr < logs[10].lr < logs[5].lr
    assert t.lr_at(t.config.max_iters) == pytest.approx(1e-4)  # cosine ends at min_lr
    assert logs[-1].loss < logs[0].loss and all(l.tokens_per_s > 0 for l in logs)


def test_eval_interval_zero_evaluates_only_at_the_end():
    t = tiny_trainer()
    t.config = TrainConfig(**{**t.config.__dict__, "eval_interval": 0})
    logs = list(t.run())
    assert [l.step for l in logs if l.val_loss is not None] == [20]
    assert logs[0].step == 1  # no step-0 evaluation either


def test_a_time_budget_ends_the_run_and_its_schedule():
    t = tiny_trainer(max_seconds=60.0, warmup_iters=2, lr_decay=True, min_lr=1e-4)
    t.config = TrainConfig(**{**t.config.__dict__, "max_iters": 10**6})
    assert t.lr_at(5) == pytest.approx(3e-3, rel=1e-3)  # nothing spent yet: the peak, after warmup
    t.elapsed = 30.0  # half the budget: the cosine is half-way down, whatever the step count says
    assert t.lr_at(5) == pytest.approx(1e-4 + 0.5 * (3e-3 - 1e-4))
    t.elapsed, t.eval_seconds = 50.0, 0.5
    assert not t.done and t.step().val_loss is None  # 9.5 s left: no evaluation due
    t.elapsed = 59.6  # what is left would not hold the final evaluation: done
    assert t.done
    t.elapsed = 60.0
    assert t.lr_at(5) == pytest.approx(1e-4)  # the budget spent: the cosine at its end
    timed = tiny_trainer(max_seconds=0.5)
    timed.config = TrainConfig(**{**timed.config.__dict__, "max_iters": 10**6, "eval_interval": 0})
    logs = list(timed.run())
    assert 0 < logs[-1].step < 10**6 and logs[-1].val_loss is not None  # stopped by the clock, evaluated
    assert [log.step for log in logs if log.val_loss is not None] == [logs[-1].step]
    for bad in (-1.0, float("nan"), float("inf"), "10"):
        with pytest.raises(ValueError, match="max_seconds"):
            TrainConfig(max_seconds=bad).validate()


def test_the_laptop_preset_is_the_lectures_shape_on_a_ten_minute_budget():
    from explorer.training.fields import APP_PRESETS
    model_cfg, train_cfg = preset("gpt-laptop")
    model_cfg.validate(), train_cfg.validate()
    assert (model_cfg.n_layer, model_cfg.n_head) == (6, 6)  # the lecture's depth and heads, narrower
    assert 0 < train_cfg.max_seconds <= 600 and train_cfg.lr_decay  # the cosine ends inside ten minutes
    assert "gpt-laptop" not in APP_PRESETS  # a command-line run: the app's runs pause and resume at will
    assert "gpt-laptop" in build_parser().format_help()


def test_checkpoint_round_trip(tmp_path):
    t = tiny_trainer()
    list(t.run())
    path = save_checkpoint_from_trainer(tmp_path / "ck", t, command="test")
    model, tok, cfg = load_checkpoint(path)
    assert tok.chars == t.dataset.tokenizer.chars and cfg["step"] == 20 and cfg["command"] == "test"
    assert cfg["val_loss"] == pytest.approx(t.last_eval["val"])
    idx = torch.randint(tok.vocab_size, (2, 8))
    t.model.eval()
    torch.testing.assert_close(model(idx)[0], t.model(idx)[0])
    save_checkpoint(path, model, tok, note="overwritten")  # replacing an existing folder works
    assert load_checkpoint(path)[2]["note"] == "overwritten"
    assert [p.name for p in tmp_path.iterdir()] == ["ck"]  # no temporary folders left behind


def test_checkpoint_in_half_precision_halves_the_file_and_loads_as_float32(tmp_path):
    from safetensors.torch import load_file
    from model.checkpoint import main as checkpoint_main

    t = tiny_trainer()
    list(t.run())
    full = save_checkpoint_from_trainer(tmp_path / "full", t, command="test")
    half = save_checkpoint_from_trainer(tmp_path / "half", t, command="test")
    checkpoint_main(["--half", str(half)])  # python -m model.checkpoint --half DIR
    size = lambda p: (p / "model.safetensors").stat().st_size  # noqa: E731
    assert size(half) < 0.6 * size(full)
    assert {v.dtype for v in load_file(str(half / "model.safetensors")).values()} == {torch.float16}
    model, _, cfg = load_checkpoint(half)
    assert cfg["weights_dtype"] == "float16" and cfg["command"] == "test" and cfg["step"] == 20
    assert all(p.dtype == torch.float32 for p in model.parameters())
    idx = torch.randint(cfg["model_config"].vocab_size, (2, 8))
    t.model.eval()
    torch.testing.assert_close(model(idx)[0], t.model(idx)[0], atol=2e-2, rtol=0)


class RunsCode:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def test_pickle_checkpoint_is_refused_without_running(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model = build_model(TINY)
    good = save_checkpoint(tmp_path / "ck", model, CharTokenizer([chr(32 + i) for i in range(65)]))
    payload = pickle.dumps({"state": RunsCode()})
    (good / "model.safetensors").write_bytes(payload)  # a pickle under the safetensors name
    with pytest.raises(CheckpointError, match="not a valid safetensors"):
        load_checkpoint(good)
    (good / "model.safetensors").unlink()
    (good / "pytorch_model.bin").write_bytes(payload)
    with pytest.raises(CheckpointError, match="pickle"):
        load_checkpoint(good)
    assert not (tmp_path / "PWNED").exists()


def test_checkpoint_validation(tmp_path):
    model = build_model(TINY)
    tok = CharTokenizer([chr(32 + i) for i in range(65)])
    ck = save_checkpoint(tmp_path / "ck", model, tok)
    cfg = json.loads((ck / "config.json").read_text())
    cfg["model"]["n_embd"] = 64  # shapes no longer match the weights
    (ck / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(CheckpointError, match="shape"):
        load_checkpoint(ck)
    (ck / "config.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="JSON"):
        load_checkpoint(ck)
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "missing")


def test_bigram_preset_learns_on_the_real_corpus():
    # the lecture's bigram.py: 4.7 at step 0, ~2.57 after 600 steps
    mc, tc = preset("bigram")
    tc = TrainConfig(**{**tc.__dict__, "max_iters": 600})
    logs = [l for l in Trainer.from_configs(mc, tc, CharDataset.from_path(corpus_path())).run()
            if l.val_loss is not None]
    assert logs[0].step == 0 and 4.4 < logs[0].val_loss < 5.0
    assert logs[-1].step == 600 and logs[-1].val_loss < 2.65


def run_cli(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


def test_cli_train_sample_evaluate(tmp_path):
    data = tmp_path / "text.txt"
    data.write_text(TEXT)
    out = run_cli("model.train", "--preset", "gpt-classroom", "--n-layer", "1", "--n-embd", "32",
                  "--n-head", "2", "--block-size", "16", "--batch-size", "4", "--max-iters", "30",
                  "--eval-interval", "0", "--eval-iters", "2", "--data", str(data),
                  "--out", str(tmp_path / "ck"), "--threads", "1")
    result = json.loads(out.strip().splitlines()[-1])
    for key in ("iters", "seconds", "tokens_per_s", "train_loss", "val_loss"):
        assert key in result
    assert result["iters"] == 30
    cfg = json.loads((tmp_path / "ck" / "config.json").read_text())
    assert cfg["command"].startswith("python -m model.train --preset gpt-classroom")
    assert cfg["val_loss"] == pytest.approx(result["val_loss"], abs=1e-4)
    text = run_cli("model.sample", "--checkpoint", str(tmp_path / "ck"), "--prompt", "line",
                   "--max-new-tokens", "40", "--seed", "1")
    assert text.startswith("line") and len(text.rstrip("\n")) >= 40
    ev = json.loads(run_cli("model.evaluate", "--checkpoint", str(tmp_path / "ck"), "--data",
                            str(data), "--eval-iters", "3").strip().splitlines()[-1])
    assert set(ev) >= {"train_loss", "val_loss"}


def test_evaluation_can_be_interrupted_between_batches():
    from model.train import Interrupted
    t = tiny_trainer()
    asked = []
    t.should_stop = lambda: asked.append(1) or len(asked) > 3
    with pytest.raises(Interrupted):
        t.evaluate()
    assert len(asked) == 4 and t.model.training  # stopped at once, mode restored


def test_cli_has_a_flag_per_config_field():
    helps = {**field_help(GPTConfig), **field_help(TrainConfig)}
    names = [f.name for cls in (GPTConfig, TrainConfig) for f in fields(cls)]
    assert all(helps.get(name) for name in names), set(names) - set(helps)
    actions = {a.dest: a for a in build_parser()._actions}
    assert "vocab_size" not in actions  # set from the corpus, never a flag
    for name in names:
        if name == "vocab_size":
            continue
        assert "--" + name.replace("_", "-") in actions[name].option_strings
        assert actions[name].default is None and actions[name].help == helps[name].replace("%", "%%")


@dataclass(frozen=True)
class Commented:
    tag: str = "a # b"  # the comment, not the string
    n: int = 1
    # a comment on a line of its own belongs to no field
    m: int = 2  # m's help


def test_field_help_reads_comments_not_strings():
    assert field_help(Commented) == {"tag": "the comment, not the string", "m": "m's help"}


def test_cli_flags_land_in_the_configs():
    mc, tc = configs_from_args(parse_args(["--preset", "gpt-classroom", "--weight-decay", "0.1",
                                           "--grad-clip", "1.0", "--no-lr-decay", "--model-type", "gpt",
                                           "--n-layer", "2"]))
    assert (tc.weight_decay, tc.grad_clip, tc.lr_decay) == (0.1, 1.0, False)
    assert (mc.model_type, mc.n_layer) == ("gpt", 2)
    assert tc.min_lr == preset("gpt-classroom")[1].min_lr  # what is not given stays the preset's
    mc, tc = configs_from_args(parse_args(["--preset", "gpt-classroom", "--lr", "0.002",
                                           "--model", "bigram"]))
    assert (tc.learning_rate, mc.model_type) == (0.002, "bigram")  # the short forms still work


def test_cli_refuses_a_bad_choice(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--dtype", "float16"])
    assert "invalid choice" in capsys.readouterr().err
