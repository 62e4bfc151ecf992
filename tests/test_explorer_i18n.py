"""Every string exists in English and Simplified Chinese, with the same placeholders, and every key
the code uses is defined."""
import re
import string
from pathlib import Path

import pytest

import explorer.registry  # noqa: F401 -- every feature declares its strings
from explorer.i18n import LANGS, STRINGS, normalize_lang, t
from explorer.training.fields import APP_PRESETS, FIELDS
from explorer.training.job import State

EXPLORER = Path(__file__).resolve().parent.parent / "explorer"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages():
    assert set(LANGS) == {"en", "zh-CN"}
    for key, texts in STRINGS.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key


def test_placeholders_match_between_languages():
    for key, texts in STRINGS.items():
        assert placeholders(texts["en"]) == placeholders(texts["zh-CN"]), key


def test_chinese_strings_are_chinese():
    # a handful of keys hold names (Bigram, GPT, float32); the rest must not be left in English
    same = [k for k, v in STRINGS.items() if v["en"] == v["zh-CN"]]
    assert set(same) <= {"model.bigram", "model.gpt", "corpus.shakespeare", "dtype.float32"}, same
    assert t("train.start", "zh-CN") == "开始"
    assert "交叉熵" in t("chart.loss", "zh-CN")


def literal_keys() -> set[str]:
    """Keys written as literals in explorer/: t("key"...), label="key", text="key", Refusal("key"...)."""
    pattern = re.compile(r'''(?:\bt\(|Refusal\(|label=|info=|text=|placeholder=)\s*"([a-z_]+\.[A-Za-z0-9_.-]+)"''')
    found = set()
    for path in EXPLORER.rglob("*.py"):
        found |= set(pattern.findall(path.read_text("utf-8")))
    return found


def test_every_literal_key_is_defined():
    keys = literal_keys()
    assert len(keys) > 60  # the pattern does find them
    missing = sorted(k for k in keys if k not in STRINGS)
    assert not missing, missing


def test_every_generated_key_is_defined():
    generated = [f"field.{f.name}" for f in FIELDS] + [f"field.{f.name}.info" for f in FIELDS]
    generated += [f"preset.{p}" for p in APP_PRESETS] + [f"status.{s.value}" for s in State]
    generated += [f"{f.name}.{c}" for f in FIELDS for c in f.choices]
    generated += [f"train.{b}" for b in ("start", "pause", "resume", "step", "stop", "reset")]
    generated += [f"corpus.{s}" for s in ("shakespeare", "upload", "paste")]
    generated += ["error.memory", "error.internal"]  # a failed run's kinds
    assert [k for k in generated if k not in STRINGS] == []


@pytest.mark.parametrize("given, expected", [
    ("en", "en"), ("en-US", "en"), ("zh", "zh-CN"), ("zh-CN", "zh-CN"), ("zh-Hans", "zh-CN"),
    ("zh-TW", "zh-CN"), ("中文", "zh-CN"), ("fr", "en"), ("", "en"), (None, "en")])
def test_normalize_lang(given, expected):
    assert normalize_lang(given) == expected


def test_format_fills_placeholders():
    assert t("chart.uniform", "en", V=65, value="4.17") == "uniform guess: ln 65 = 4.17"
    assert t("chart.uniform", "zh-CN", V=65, value="4.17") == "均匀猜测:ln 65 = 4.17"
