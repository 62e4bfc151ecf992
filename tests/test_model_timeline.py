"""A run's timeline: snapshots thinned evenly (first and latest kept), a checkpoint that carries them
round-trips bit-exactly (as float16), and a hostile timeline file is refused with a readable reason."""
import json
import os
import pickle

import pytest
import torch
from safetensors.torch import load_file, save_file

from model import timeline as T
from model.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from model.config import GPTConfig
from model.gpt import build_model
from model.tokenizer import CharTokenizer

CFG = GPTConfig(vocab_size=12, block_size=8, n_embd=16, n_head=2, n_layer=2)
TOK = CharTokenizer(list("abcdefghij \n"))


def trained_timeline(evals: int, max_snapshots: int = T.MAX_SNAPSHOTS):
    """A model whose weights change at every 'evaluation', and the timeline of them."""
    torch.manual_seed(0)
    model, tl = build_model(CFG), T.Timeline(max_snapshots)
    for i in range(evals):
        with torch.no_grad():
            for p in model.parameters():
                p.add_(0.01 * torch.randn_like(p))
        tl.add(i * 100, 4.0 - i * 0.01, 4.1 - i * 0.01, model)
    return model, tl


def test_even_keeps_the_first_and_the_last_evenly():
    assert T.even(5, 10) == [0, 1, 2, 3, 4]
    assert T.even(101, 5) == [0, 25, 50, 75, 100]
    idx = T.even(50, 12)
    assert idx[0] == 0 and idx[-1] == 49 and len(idx) == 12
    gaps = {b - a for a, b in zip(idx, idx[1:])}
    assert max(gaps) - min(gaps) <= 1


@pytest.mark.parametrize("evals", [3, 24, 25, 51, 100, 200])
def test_a_long_run_keeps_at_most_24_evenly_spaced_the_first_and_the_latest(evals):
    model, tl = trained_timeline(evals)
    steps = tl.steps
    assert len(steps) <= 24 and steps[0] == 0 and steps[-1] == (evals - 1) * 100
    gaps = [b - a for a, b in zip(steps, steps[1:-1])]  # the latest may sit between two stride points
    assert len(set(gaps)) <= 1, steps
    assert len(steps) >= min(evals, 12)  # thinning halves at most: never fewer than half the budget
    assert tl.thinned == evals - len(steps)
    assert all(t.dtype == torch.float16 for t in tl.snapshots[-1].state.values())
    assert torch.equal(tl.snapshots[-1].state["lm_head.weight"], model.lm_head.weight.half())


def test_thin_to_k_and_load_a_snapshot_into_a_built_model():
    model, tl = trained_timeline(20)
    assert tl.thin(5) == 15 and tl.steps == [0, 500, 1000, 1400, 1900]
    other = build_model(CFG)
    T.load_into(other, tl.at(500))
    assert torch.equal(other.lm_head.weight, tl.at(500).state["lm_head.weight"].float())
    with pytest.raises(KeyError):
        tl.at(123)


def test_a_checkpoint_carries_its_timeline_bit_exactly(tmp_path):
    model, tl = trained_timeline(7)
    save_checkpoint(tmp_path / "ck", model, TOK, timeline=tl, step=600)
    assert (tmp_path / "ck" / T.TIMELINE_NAME).is_file()
    _, _, cfg = load_checkpoint(tmp_path / "ck")
    back = cfg["snapshots"]
    assert back.steps == tl.steps and cfg["timeline"] == tl.losses()
    for a, b in zip(tl.snapshots, back.snapshots):
        assert a.state.keys() == b.state.keys() and all(torch.equal(a.state[k], b.state[k]) for k in a.state)
    save_checkpoint(tmp_path / "plain", model, TOK)
    assert load_checkpoint(tmp_path / "plain")[2]["snapshots"] is None


def test_a_large_timeline_is_sharded_as_the_hub_does(tmp_path, monkeypatch):
    monkeypatch.setattr(T, "SHARD_BYTES", 30_000)
    model, tl = trained_timeline(6)
    save_checkpoint(tmp_path / "ck", model, TOK, timeline=tl)
    files = T.timeline_files(tmp_path / "ck")
    assert len(files) > 1 and files[0].name.startswith("timeline-00001-of-")
    assert load_checkpoint(tmp_path / "ck")[2]["snapshots"].steps == tl.steps


def _tamper(folder, fn):
    path = folder / T.TIMELINE_NAME
    tensors = load_file(str(path))
    fn(tensors)
    save_file(tensors, str(path))


@pytest.mark.parametrize("attack, reason", [
    (lambda t: t.__setitem__("step0/lm_head.weight", torch.zeros(3, 3, dtype=torch.float16)), "shape"),
    (lambda t: t.__setitem__("step0/evil", torch.zeros(1, dtype=torch.float16)), "unexpected"),
    (lambda t: t.pop("step100/lm_head.bias"), "missing"),
    (lambda t: t["step200/lm_head.bias"].fill_(float("nan")), "NaN"),
])
def test_a_hostile_timeline_is_refused_with_a_reason(tmp_path, attack, reason):
    model, tl = trained_timeline(3)
    save_checkpoint(tmp_path / "ck", model, TOK, timeline=tl)
    _tamper(tmp_path / "ck", attack)
    with pytest.raises(CheckpointError, match=reason):
        load_checkpoint(tmp_path / "ck")


class RunsCode:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def test_a_pickle_renamed_timeline_is_refused_without_running(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model, tl = trained_timeline(2)
    save_checkpoint(tmp_path / "ck", model, TOK, timeline=tl)
    (tmp_path / "ck" / T.TIMELINE_NAME).write_bytes(pickle.dumps(RunsCode()))
    with pytest.raises(CheckpointError, match="not a valid safetensors"):
        load_checkpoint(tmp_path / "ck")
    assert not (tmp_path / "PWNED").exists()


def test_timeline_steps_in_config_must_match(tmp_path):
    model, tl = trained_timeline(3)
    save_checkpoint(tmp_path / "ck", model, TOK, timeline=tl)
    cfg_path = tmp_path / "ck" / "config.json"
    cfg = json.loads(cfg_path.read_text())
    for bad in (None, [], [{"step": "x"}], [{"step": 0}, {"step": 0}]):
        cfg["timeline"] = bad
        cfg_path.write_text(json.dumps(cfg))
        with pytest.raises(CheckpointError, match="timeline"):
            load_checkpoint(tmp_path / "ck")
