"""Server-side checks of every hyperparameter: what is accepted, and a readable refusal for the rest."""
import math

import pytest

from explorer.errors import Refusal
from explorer.limits import Limits, count_params, step_gflop
from explorer.training.fields import APP_PRESETS, CLI_ONLY, FIELD, FIELDS, app_preset, build_configs, preset_values
from model.config import GPTConfig
from model.gpt import build_model

LIMITS = Limits()


def gpt(**changes) -> dict:
    return {**preset_values("gpt-classroom"), **changes}


def refusal(model_type="gpt", values=None, limits=LIMITS) -> Refusal:
    with pytest.raises(Refusal) as info:
        build_configs(model_type, values if values is not None else gpt(), limits)
    return info.value


@pytest.mark.parametrize("name", APP_PRESETS)
def test_every_preset_is_accepted(name):
    values = preset_values(name)
    model_cfg, train_cfg = build_configs(values["model_type"], values, LIMITS)
    assert model_cfg.model_type == ("bigram" if name == "bigram" else "gpt")
    assert train_cfg.eval_interval > 0  # the app always shows a val curve and samples


def test_presets_follow_model_presets_where_they_can():
    m, tr = app_preset("bigram")
    assert (m.block_size, tr.learning_rate, tr.batch_size) == (8, 1e-2, 32)
    m, tr = app_preset("gpt-lecture")
    assert (m.n_embd, m.n_head, m.n_layer, m.block_size, m.dropout) == (384, 6, 6, 256, 0.2)


@pytest.mark.parametrize("cfg", [
    GPTConfig(model_type="bigram", vocab_size=65, block_size=8),
    GPTConfig(vocab_size=65, block_size=64, n_embd=128, n_head=4, n_layer=4),
    GPTConfig(vocab_size=91, block_size=32, n_embd=48, n_head=3, n_layer=2),
])
def test_count_params_matches_the_model(cfg):
    assert count_params(cfg) == sum(p.numel() for p in build_model(cfg).parameters())


def test_step_cost_grows_with_the_batch():
    cfg = GPTConfig(vocab_size=65, block_size=64, n_embd=128, n_head=4, n_layer=4)
    assert 8 < step_gflop(cfg, 32) < 12  # about 6 * 0.8M weights * 2048 tokens
    assert step_gflop(cfg, 64) == pytest.approx(2 * step_gflop(cfg, 32))


def test_bigram_ignores_gpt_only_fields():
    values = {**preset_values("bigram"), "n_embd": 10_000, "n_head": 7, "n_layer": None}
    model_cfg, _ = build_configs("bigram", values, LIMITS)
    assert model_cfg.model_type == "bigram"


@pytest.mark.parametrize("f", [f for f in FIELDS if f.kind in (int, float)], ids=lambda f: f.name)
def test_out_of_range_is_refused_naming_the_field_and_range(f):
    below = f.lo - (1 if f.kind is int else max(f.lo, 1e-3))
    for value in (below, f.hi * 2 + 1):
        e = refusal(values=gpt(**{f.name: value}))
        assert f.name in e.message("en")
        if f.name != "learning_rate":
            assert e.key == "refuse.range"
            assert str(f.hi).split(".")[0][:2] in e.message("en").replace(",", "")
        assert f.name in e.message("zh-CN") and e.message("zh-CN") != e.message("en")


@pytest.mark.parametrize("value", [0, -0.1, float("nan"), float("inf"), "fast", None, True])
def test_learning_rate_must_be_a_positive_number(value):
    e = refusal(values=gpt(learning_rate=value))
    assert "learning_rate" in e.message("en")
    assert e.key in ("refuse.lr", "refuse.number", "refuse.missing")


def test_whole_numbers_and_numeric_strings():
    assert build_configs("gpt", gpt(n_layer=2.0, batch_size="16"), LIMITS)[0].n_layer == 2
    assert refusal(values=gpt(n_layer=2.5)).key == "refuse.integer"
    assert refusal(values=gpt(seed="abc")).key == "refuse.number"


def test_n_embd_divisible_by_n_head():
    e = refusal(values=gpt(n_embd=100, n_head=6))
    assert e.key == "refuse.divisible"
    assert "100" in e.message("en") and "6" in e.message("en")
    assert "整除" in e.message("zh-CN")


def test_choices_and_flags():
    assert refusal("transformer").key == "refuse.choice"
    assert refusal(values=gpt(dtype="float16")).key == "refuse.choice"
    assert refusal(values=gpt(lr_decay="yes")).key == "refuse.bool"
    with pytest.raises(Refusal) as info:
        app_preset("gpt-huge")
    assert info.value.key == "refuse.preset"


def test_cross_field_rules():
    assert refusal(values=gpt(warmup_iters=500, max_iters=100)).key == "refuse.warmup"
    assert refusal(values=gpt(min_lr=0.1, learning_rate=0.01)).key == "refuse.min_lr"
    assert refusal(values={k: v for k, v in gpt().items() if k != "seed"}).key == "refuse.missing"


def test_size_caps_keep_a_small_server_alive():
    e = refusal(values=gpt(n_embd=512, n_head=8, n_layer=8, block_size=64, batch_size=1))
    assert e.key == "refuse.params" and "25.3M" in e.message("en")
    e = refusal(values=gpt(n_embd=384, n_head=6, n_layer=6, block_size=256, batch_size=64))
    assert e.key == "refuse.compute"  # the lecture's batch: about 10 s a step on 2 vCPUs
    roomy = Limits(max_params=50_000_000, max_step_gflop=5000)
    build_configs("gpt", gpt(n_embd=384, n_head=6, n_layer=6, block_size=256, batch_size=64), roomy)


def test_limits_from_env(monkeypatch):
    monkeypatch.setenv("GPT_EXPLORER_MAX_TRAININGS", "3")
    monkeypatch.setenv("GPT_EXPLORER_MAX_STEP_GFLOP", "250")
    limits = Limits.from_env()
    assert (limits.max_trainings, limits.max_step_gflop) == (3, 250.0)
    assert Limits.from_env(max_trainings=1).max_trainings == 1
    monkeypatch.setenv("GPT_EXPLORER_MAX_TRAININGS", "two")
    with pytest.raises(SystemExit, match="GPT_EXPLORER_MAX_TRAININGS"):
        Limits.from_env()


def test_field_table_matches_the_configs():
    from model.config import TrainConfig
    names = set(GPTConfig.__dataclass_fields__) | set(TrainConfig.__dataclass_fields__)
    assert set(FIELD) == names - {"model_type", "vocab_size", *CLI_ONLY}
    assert all(math.isfinite(f.lo) and math.isfinite(f.hi) for f in FIELDS)
