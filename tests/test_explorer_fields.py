"""One source for every training field: a field of GPTConfig or TrainConfig reaches the CLI, the
Train form's FIELDS, the train_start API and both languages; forgetting it anywhere fails here."""
from dataclasses import fields

import pytest

import explorer.registry  # noqa: F401 -- every feature declares its strings
from explorer.i18n import STRINGS
from explorer.training.api import start_signature
from explorer.training.fields import CLI_ONLY, FIELDS
from model.config import GPTConfig, TrainConfig
from model.flags import build_parser

NOT_EDITABLE = {"vocab_size": "set by the corpus", "model_type": "the form's own radio and train_start's first argument"}
CONFIG_FIELDS = [f.name for cls in (GPTConfig, TrainConfig) for f in fields(cls)]


def cli_dests() -> set[str]:
    return {a.dest for a in build_parser()._actions}


@pytest.mark.parametrize("name", CONFIG_FIELDS)
def test_every_config_field_reaches_every_surface(name):
    if name != "vocab_size":
        assert name in cli_dests(), f"model/train.py has no flag for {name}"
    if name in CLI_ONLY:
        assert name not in start_signature().parameters and name not in {f.name for f in FIELDS}
        return
    if name != "vocab_size":
        assert name in start_signature().parameters, f"train_start has no parameter {name}"
    if name in NOT_EDITABLE:
        return
    assert name in {f.name for f in FIELDS}, f"explorer/training/fields.py FIELDS lacks {name}"
    for key in (f"field.{name}", f"field.{name}.info"):
        assert key in STRINGS and all(STRINGS[key].values()), f"no {key} in both languages"


def test_fields_are_config_fields_and_train_start_follows_fields():
    assert {f.name for f in FIELDS} <= set(CONFIG_FIELDS)
    params = list(start_signature().parameters)
    assert params[2:2 + len(FIELDS)] == [f.name for f in FIELDS]  # in the form's order, after model_type, preset
    for f in FIELDS:  # None means "the preset's value"; the type is the field's own
        p = start_signature().parameters[f.name]
        assert p.default is None and p.annotation == (f.kind | None)
