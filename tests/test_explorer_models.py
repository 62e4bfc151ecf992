"""Pretrained listing and the checkpoint-zip upload: what loads, and a refusal for everything else."""
import stat
import zipfile
from pathlib import Path

import pytest

from explorer import models
from explorer.errors import Refusal, to_gr_error
from explorer.models import list_pretrained, load_pretrained, load_zip, upload_name
from model.checkpoint import CheckpointError


@pytest.fixture
def ckpt(tiny_assets):
    folder = tiny_assets / "gpt-small"
    return {"config.json": (folder / "config.json").read_bytes(),
            "model.safetensors": (folder / "model.safetensors").read_bytes()}


def make_zip(path, entries: dict, links=()):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


def refused(path) -> str:
    with pytest.raises(Refusal) as info:
        load_zip(path)
    return info.value.key


def test_lists_pretrained_best_first(tiny_assets, tmp_path):
    found = list_pretrained(tiny_assets)
    assert list(found) == ["gpt-small", "bigram"]
    assert found["bigram"]["params"] == found["bigram"]["vocab_size"] ** 2
    assert list_pretrained(tmp_path / "missing") == {}
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "config.json").write_text("{not json")
    (tmp_path / "broken" / "model.safetensors").write_bytes(b"x")
    assert list_pretrained(tmp_path) == {}  # skipped, not fatal


def test_pretrained_models_load_once(tiny_assets):
    a = load_pretrained(tiny_assets / "bigram")
    assert load_pretrained(tiny_assets / "bigram")[0] is a[0]
    assert not a[0].training


@pytest.mark.parametrize("prefix", ["", "my-run/"])
def test_zip_at_top_or_in_one_folder_loads(tmp_path, ckpt, prefix):
    entries = {prefix + k: v for k, v in ckpt.items()}
    entries["__MACOSX/._config.json"] = b"junk"  # what macOS adds; ignored
    model, tokenizer, cfg = load_zip(make_zip(tmp_path / "c.zip", entries))
    assert cfg["model_config"].n_layer == 1 and tokenizer.vocab_size == cfg["model_config"].vocab_size


def test_refusals(tmp_path, ckpt):
    (tmp_path / "plain.zip").write_text("not a zip")
    assert refused(tmp_path / "plain.zip") == "refuse.zip_not_zip"
    assert refused(make_zip(tmp_path / "a.zip", {**ckpt, "../evil.txt": b"x"})) == "refuse.zip_path"
    assert refused(make_zip(tmp_path / "b.zip", {**ckpt, "/etc/cron.d/x": b"x"})) == "refuse.zip_path"
    assert refused(make_zip(tmp_path / "c.zip", ckpt, links=["link"])) == "refuse.zip_link"
    assert refused(make_zip(tmp_path / "d.zip", {**ckpt, "run.py": b"import os"})) == "refuse.zip_extra"
    assert refused(make_zip(tmp_path / "e.zip", {**ckpt, "pytorch_model.bin": b"x"})) == "refuse.zip_extra"
    assert refused(make_zip(tmp_path / "f.zip", {"config.json": ckpt["config.json"]})) == "refuse.zip_missing"
    two = {"a/config.json": ckpt["config.json"], "b/model.safetensors": ckpt["model.safetensors"]}
    assert refused(make_zip(tmp_path / "g.zip", two)) == "refuse.zip_extra"
    deep = {f"a/b/{k}": v for k, v in ckpt.items()}
    assert refused(make_zip(tmp_path / "h.zip", deep)) == "refuse.zip_extra"
    many = {f"__MACOSX/{i}": b"" for i in range(20)} | ckpt
    assert refused(make_zip(tmp_path / "i.zip", many)) == "refuse.zip_members"


def test_zip_bomb_is_refused_before_and_while_unpacking(tmp_path, ckpt, monkeypatch):
    monkeypatch.setattr(models, "MAX_UNZIPPED_BYTES", 1000)
    assert refused(make_zip(tmp_path / "big.zip", ckpt)) == "refuse.zip_size"


def test_bad_weights_become_a_readable_error(tmp_path, ckpt):
    path = make_zip(tmp_path / "w.zip", {**ckpt, "model.safetensors": b"\x00" * 64})
    with pytest.raises(CheckpointError) as info:
        load_zip(path)
    err = to_gr_error(info.value, "zh-CN")
    assert "无法加载检查点" in err.message and "safetensors" in err.message


def test_upload_name_is_display_only():
    assert upload_name("/tmp/gradio/abc/My Run (2).zip") == "My-Run-2"
    assert upload_name("../../etc/passwd") == "passwd"
    assert upload_name("") == "checkpoint"


def _huge_config_zip(tmp_path):
    """A zip whose config.json names a 400M-parameter GPT beside a few bytes of weights."""
    import json
    import zipfile

    import torch
    from safetensors.torch import save_file

    from model.checkpoint import FORMAT

    chars = [chr(c) for c in range(32, 97)]
    config = {"format": FORMAT, "version": 1, "vocab": chars,
              "model": {"model_type": "gpt", "vocab_size": 65, "block_size": 256, "n_embd": 2048, "n_head": 8,
                        "n_layer": 8}}
    save_file({"lm_head.bias": torch.zeros(65)}, str(tmp_path / "model.safetensors"))
    archive = tmp_path / "huge.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("huge/config.json", json.dumps(config))
        zf.write(tmp_path / "model.safetensors", "huge/model.safetensors")
    return archive


def test_a_huge_config_is_refused_before_anything_is_built(tmp_path):
    """Over the server's limit: refused from config.json; and even without a limit, the weights' header is
    checked against a model on the meta device, so the server's peak memory barely moves."""
    import subprocess
    import sys

    archive = _huge_config_zip(tmp_path)
    with pytest.raises(Refusal) as info:
        load_zip(archive, max_params=12_000_000)
    assert info.value.key == "refuse.upload_too_big" and "12,000,000" in info.value.message("en")
    with pytest.raises(CheckpointError, match="missing"):
        load_zip(archive)
    probe = (
        "import resource, sys\n"
        "from explorer.models import load_zip\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n    load_zip(sys.argv[1])\nexcept Exception as e:\n    print(type(e).__name__)\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)\n")
    out = subprocess.run([sys.executable, "-c", probe, str(archive)], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout.split()
    assert out[0] == "CheckpointError" and float(out[1]) < 50, out  # MB of peak memory the refusal cost


def test_a_corrupt_asset_is_left_out_with_one_log_line(tmp_path, caplog):
    """A truncated model.safetensors in assets/: the app starts, the picker leaves it out, the log says why."""
    import shutil

    from explorer.limits import Limits
    from explorer.session import SessionStore

    assets = Path(__file__).resolve().parent.parent / "assets"
    shutil.copytree(assets / "bigram", tmp_path / "bigram")
    shutil.copytree(assets / "ladder-3", tmp_path / "ladder-3")
    weights = tmp_path / "ladder-3" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with caplog.at_level("WARNING", logger="explorer"):
        session = SessionStore(tmp_path, Limits()).get("corrupt")
        assert [k for _, k in session.model_choices("en")] == ["pretrained:bigram"]
        models._listing.clear()
        session.model_choices("en")  # listed again: no second log line
    lines = [r for r in caplog.records if "ladder-3" in r.getMessage()]
    assert len(lines) == 1 and "not a valid safetensors" in lines[0].getMessage()
