"""Checkpoints as folders: config.json + model.safetensors (+ a run's training state, model/resume.py).
Loading never unpickles."""
import ctypes
import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file

from .config import GPTConfig, config_from_dict
from .gpt import build_model
from .timeline import Timeline, TimelineError, load_timeline, save_timeline
from .tokenizer import CharTokenizer

FORMAT = "gpt-explorer-checkpoint"
CONFIG_NAME, WEIGHTS_NAME = "config.json", "model.safetensors"
MAX_CONFIG_BYTES = 1_000_000
PICKLE_NAMES = ("pytorch_model.bin", "model.pt", "model.pth", "model.bin", "model.ckpt")
# what training needs to continue (model/resume.py); the explorer reads the model and skips these
STATE_JSON, STATE_TENSORS = "train_state.json", "train_state.safetensors"
STATE_NAMES = (STATE_JSON, STATE_TENSORS)


class CheckpointError(ValueError):
    """A checkpoint folder that cannot be loaded, with the reason."""


def save_checkpoint(path, model: torch.nn.Module, tokenizer: CharTokenizer, half: bool = False,
                    timeline: Timeline | None = None, write_extra=None, **meta) -> Path:
    """Write config.json and model.safetensors to a temporary folder, then rename it into place.
    half=True stores the weights in float16 (half the bytes: a Space refuses a plain file over 10 MiB);
    loading turns them back into float32. A timeline (its snapshots) goes beside them, its steps and
    losses into config.json. write_extra(folder), if given, adds files to the folder before it appears
    (the training state). The folder is replaced whole: files an older save had are gone."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    config = {"format": FORMAT, "version": 1, "model": asdict(model.config),
              "vocab": tokenizer.chars, **meta, **({"weights_dtype": "float16"} if half else {})}
    config.pop("timeline", None)
    if timeline is not None and len(timeline):
        config["timeline"] = timeline.losses()
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; a checkpoint is meant to be shared
    try:
        dtype = torch.float16 if half else torch.float32
        state = {k: v.detach().to(dtype).cpu().contiguous() for k, v in model.state_dict().items()}
        save_file(state, str(tmp / WEIGHTS_NAME))
        if "timeline" in config:
            save_timeline(tmp, timeline)
        if write_extra is not None:
            write_extra(tmp)
        (tmp / CONFIG_NAME).write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", "utf-8")
        if path.exists() and _exchange(tmp, path):  # tmp now holds the old checkpoint: finally removes it
            return path
        old = None
        if path.exists():  # no atomic exchange here: for a moment only .old holds the checkpoint
            old = path.with_name(f".{path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
        os.replace(tmp, path)  # the checkpoint appears whole or not at all
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux's renameat2 with RENAME_EXCHANGE): whoever reads, or a save
    killed at any point, finds the old checkpoint or the new one, never none. False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a libc without it
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def read_config(path) -> dict:
    """config.json of a checkpoint folder, checked for format, model config and vocabulary."""
    path = Path(path)
    cfg_file = path / CONFIG_NAME
    if not path.is_dir():
        raise CheckpointError(f"{path} is not a checkpoint folder")
    if not cfg_file.is_file():
        raise CheckpointError(f"no {CONFIG_NAME} in {path.name}")
    if cfg_file.stat().st_size > MAX_CONFIG_BYTES:
        raise CheckpointError(f"{CONFIG_NAME} is too large")
    try:
        cfg = json.loads(cfg_file.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckpointError(f"{CONFIG_NAME} is not valid JSON ({e})") from None
    if not isinstance(cfg, dict) or cfg.get("format") != FORMAT:
        raise CheckpointError(f"{CONFIG_NAME} is not a GPT Explorer checkpoint (format {FORMAT!r} missing)")
    try:
        model_config = config_from_dict(GPTConfig, cfg.get("model") or {})
        tokenizer = CharTokenizer(cfg.get("vocab") or [])
    except (TypeError, ValueError) as e:
        raise CheckpointError(f"{CONFIG_NAME} is invalid: {e}") from None
    if tokenizer.vocab_size != model_config.vocab_size:
        raise CheckpointError(f"vocabulary has {tokenizer.vocab_size} characters but vocab_size is "
                              f"{model_config.vocab_size}")
    cfg["model_config"], cfg["tokenizer"] = model_config, tokenizer
    return cfg


def check_weights(path, cfg: dict) -> None:
    """The weights file's tensors against the config's model, read from the safetensors header and a model
    built on the meta device: nothing the size of the model is allocated before both agree (a config
    naming a huge model beside small weights is refused at once)."""
    with torch.device("meta"):
        expected = {k: tuple(v.shape) for k, v in build_model(cfg["model_config"]).state_dict().items()}
    try:
        with safe_open(str(Path(path) / WEIGHTS_NAME), framework="pt") as f:
            found = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(f"{WEIGHTS_NAME} is not a valid safetensors file ({e}); "
                              "pickled weights are never loaded") from None
    missing, extra = set(expected) - set(found), set(found) - set(expected)
    if missing or extra:
        raise CheckpointError(f"weights do not match the config: missing {sorted(missing)[:5]}, "
                              f"unexpected {sorted(extra)[:5]}")
    for name, shape in expected.items():
        if found[name] != shape:
            raise CheckpointError(f"{name} has shape {found[name]}, the config needs {shape}")


def load_checkpoint(path) -> tuple[torch.nn.Module, CharTokenizer, dict]:
    """(model in eval mode, tokenizer, config dict) from a checkpoint folder; refuses pickles."""
    path = Path(path)
    weights = path / WEIGHTS_NAME
    if not weights.is_file():
        pickles = [n for n in PICKLE_NAMES if (path / n).exists()]
        hint = (f" Found {', '.join(pickles)}: pickle files can run code when loaded, so they are "
                "refused; convert the weights to safetensors.") if pickles else ""
        raise CheckpointError(f"no {WEIGHTS_NAME} in {path.name}.{hint}")
    cfg = read_config(path)
    check_weights(path, cfg)
    model = build_model(cfg["model_config"])
    try:
        state = load_file(str(weights))  # safetensors: plain tensors, no code is ever run
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(f"{WEIGHTS_NAME} is not a valid safetensors file ({e}); "
                              "pickled weights are never loaded") from None
    expected = model.state_dict()
    missing, extra = set(expected) - set(state), set(state) - set(expected)
    if missing or extra:
        raise CheckpointError(f"weights do not match the config: missing {sorted(missing)[:5]}, "
                              f"unexpected {sorted(extra)[:5]}")
    for name, tensor in expected.items():
        if state[name].shape != tensor.shape:
            raise CheckpointError(f"{name} has shape {tuple(state[name].shape)}, "
                                  f"the config needs {tuple(tensor.shape)}")
        if not torch.isfinite(state[name].float()).all():
            raise CheckpointError(f"{name} holds NaN or infinite values")
    model.load_state_dict({k: v.float() for k, v in state.items()})
    model.eval()
    try:  # None when the checkpoint has no timeline
        cfg["snapshots"] = load_timeline(path, expected, cfg.get("timeline"))
    except TimelineError as e:
        raise CheckpointError(str(e)) from None
    return model, cfg.pop("tokenizer"), cfg


def main(argv=None) -> None:
    """python -m model.checkpoint --half DIR: rewrite a checkpoint's weights in float16, in place."""
    import argparse
    p = argparse.ArgumentParser(prog="python -m model.checkpoint", description=main.__doc__)
    p.add_argument("--half", action="store_true", required=True, help="store the weights in float16")
    p.add_argument("folder")
    args = p.parse_args(argv)
    model, tokenizer, cfg = load_checkpoint(args.folder)
    snapshots = cfg.pop("snapshots")
    meta = {k: v for k, v in cfg.items() if k not in ("format", "version", "model", "vocab", "model_config")}
    save_checkpoint(args.folder, model, tokenizer, half=args.half, timeline=snapshots, **meta)


if __name__ == "__main__":
    main()
