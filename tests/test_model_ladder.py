"""The lecture's second half as configurations of the one GPT class: each rung of the ladder builds,
trains and inspects like the final model (traced path == training path, cache == no cache,
checkpoint round trip), and each rung is the one before plus exactly what the lecture added."""
from dataclasses import asdict, replace

import pytest
import torch

from explorer.limits import count_params
from model.checkpoint import load_checkpoint, save_checkpoint
from model.config import LADDER, PRESETS, GPTConfig, config_from_dict
from model.gpt import build_model
from model.sampling import generate
from model.tokenizer import CharTokenizer

RUNGS = [name for name, _, _ in LADDER if name.startswith("ladder-")]
GPT_RUNGS = RUNGS[1:]  # ladder-0 is the bigram
V = 65


def model_of(name: str, seed: int = 0):
    torch.manual_seed(seed)
    cfg = replace(PRESETS[name][0], vocab_size=V)
    return build_model(cfg).eval(), cfg


def test_each_rung_adds_what_the_lecture_added():
    cfg = {name: asdict(PRESETS[name][0]) for name in RUNGS}
    changed = lambda a, b: {k for k in cfg[a] if cfg[a][k] != cfg[b][k]}  # noqa: E731
    assert cfg["ladder-0"]["model_type"] == "bigram" and cfg["ladder-1"]["n_layer"] == 0
    assert changed("ladder-1", "ladder-2") == {"n_layer", "n_head"} and cfg["ladder-2"]["n_head"] == 1
    assert changed("ladder-2", "ladder-3") == {"n_head"} and cfg["ladder-3"]["n_head"] == 4
    assert changed("ladder-3", "ladder-4") == {"ffwd"}
    assert changed("ladder-4", "ladder-5") == {"n_layer"} and cfg["ladder-5"]["n_layer"] == 3
    assert changed("ladder-5", "ladder-6") == {"residual"}
    assert changed("ladder-6", "ladder-7") == {"layer_norm"}
    for name in GPT_RUNGS:  # the lecture's hyperparameters and init at that point
        m, t = PRESETS[name]
        assert (m.block_size, m.n_embd, m.init, t.batch_size, t.learning_rate, t.max_iters, t.eval_interval,
                t.eval_iters) == (8, 32, "torch", 32, 1e-3, 5000, 500, 200)
    assert [v for _, _, v in LADDER] == [2.49, None, 2.4, 2.28, 2.24, None, 2.08, 2.06, 1.48]


@pytest.mark.parametrize("name", GPT_RUNGS)
def test_rung_shapes_parameters_and_loss(name):
    model, cfg = model_of(name)
    idx = torch.randint(0, V, (4, 8))
    logits, loss = model(idx, idx)
    assert logits.shape == (4, 8, V) and loss.ndim == 0
    assert count_params(cfg) == sum(p.numel() for p in model.parameters())
    assert len(model.blocks) == cfg.n_layer


@pytest.mark.parametrize("name", GPT_RUNGS)
def test_rung_traced_path_equals_training_path(name):
    model, cfg = model_of(name)
    idx = torch.randint(0, V, (2, 8))
    tr = model.trace(idx)
    assert torch.allclose(tr.logits, model(idx)[0], atol=1e-5) and len(tr.layers) == cfg.n_layer
    for layer in tr.layers:
        assert layer.wei.shape == (2, cfg.n_head, 8, 8)
        assert torch.allclose(layer.wei.sum(-1), torch.ones(2, cfg.n_head, 8), atol=1e-5)
        assert (layer.wei.triu(1) == 0).all()  # causal: no token reads the future


@pytest.mark.parametrize("name", GPT_RUNGS)
def test_rung_cache_equals_no_cache(name):
    model, cfg = model_of(name)
    idx = torch.randint(0, V, (2, 12))  # past block_size 8: the window slides
    with torch.no_grad():
        a = generate(model, idx[:, :3], 9, temperature=1.0, generator=torch.Generator().manual_seed(1))
        b = generate(model, idx[:, :3], 9, temperature=1.0, generator=torch.Generator().manual_seed(1),
                     use_cache=False)
        assert torch.equal(a, b)
        logits, cache = model.next_logits(idx[:, :5])
        step, _ = model.next_logits(idx[:, :6], cache)
        assert torch.allclose(step, model(idx[:, :6])[0][:, -1], atol=1e-5)
        assert torch.allclose(logits, model(idx[:, :5])[0][:, -1], atol=1e-5)


@pytest.mark.parametrize("name", GPT_RUNGS)
def test_rung_checkpoint_round_trip(name, tmp_path):
    model, cfg = model_of(name)
    tok = CharTokenizer([chr(32 + i) for i in range(V)])
    save_checkpoint(tmp_path / name, model, tok, step=0)
    loaded, tok2, meta = load_checkpoint(tmp_path / name)
    assert loaded.config == cfg and tok2.chars == tok.chars
    idx = torch.randint(0, V, (2, 8))
    assert torch.equal(loaded(idx)[0], model(idx)[0])


def test_switches_default_to_the_final_gpt_and_old_checkpoints_load():
    cfg = GPTConfig()
    assert (cfg.ffwd, cfg.residual, cfg.layer_norm, cfg.init) == (True, True, True, "gpt")
    old = {k: v for k, v in asdict(cfg).items() if k not in ("ffwd", "residual", "layer_norm", "init")}
    assert config_from_dict(GPTConfig, old) == cfg  # a checkpoint written before the switches
    with pytest.raises(ValueError, match="init"):
        GPTConfig(init="xavier").validate()
    with pytest.raises(ValueError, match="residual"):
        GPTConfig(residual=1).validate()


def test_torch_init_differs_from_the_gpt_init():
    torch.manual_seed(0)
    gpt = build_model(GPTConfig(vocab_size=V, block_size=8, n_embd=32, n_layer=1))
    torch.manual_seed(0)
    lecture = build_model(GPTConfig(vocab_size=V, block_size=8, n_embd=32, n_layer=1, init="torch"))
    assert abs(gpt.token_embedding_table.weight.std().item() - 0.02) < 0.005
    assert abs(lecture.token_embedding_table.weight.std().item() - 1.0) < 0.1  # nn.Embedding: N(0, 1)


def test_where_the_curves_start():
    """What the Train tab says: the GPT (N(0, 0.02)) starts near ln 65, the bigram (N(0, 1)) about 0.5 above."""
    import math

    torch.manual_seed(0)
    idx = torch.randint(0, V, (64, 8))
    targets = torch.randint(0, V, (64, 8))
    gpt_loss = build_model(GPTConfig(vocab_size=V, block_size=8, n_embd=32, n_layer=1))(idx, targets)[1].item()
    bigram = build_model(GPTConfig(model_type="bigram", vocab_size=V, block_size=8))
    bigram_loss = bigram(idx, targets)[1].item()
    assert abs(gpt_loss - math.log(V)) < 0.05
    assert 0.3 < bigram_loss - math.log(V) < 0.8
