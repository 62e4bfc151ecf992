"""Pretrained checkpoints from assets/ (loaded lazily, shared read-only) and safe zip uploads."""
import logging
import math
import os
import re
import shutil
import stat
import tempfile
import threading
import time
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from model.checkpoint import CONFIG_NAME, STATE_NAMES, WEIGHTS_NAME, check_weights, load_checkpoint, read_config

from .errors import Refusal
from .limits import count_params

ASSETS_ENV = "GPT_EXPLORER_ASSETS"
DEFAULT_ASSETS = Path(__file__).resolve().parent.parent / "assets"
# the picker lists these first: the default model, then the rest best first
PRETRAINED_ORDER = ("gpt-small", "gpt-laptop", "gpt-classroom", "bigram")
MAX_ZIP_MEMBERS = 16
# a checkpoint's timeline (model/timeline.py): one file, or shards named as the Hub names them
TIMELINE_FILE = re.compile(r"timeline\.safetensors|timeline-\d{5}-of-\d{5}\.safetensors")
MAX_UNZIPPED_BYTES = 200_000_000      # config + weights (+ timeline); gpt-lecture's weights are about 43 MB
IGNORED_MEMBERS = ("__MACOSX/", ".DS_Store")  # what macOS adds to every zip it makes

log = logging.getLogger("explorer")
_skipped: set[Path] = set()  # assets already logged as left out (the listing is rescanned every few seconds)
_checked: set[tuple] = set()  # (folder, size, mtime) of weights whose header matched their config
_cache: dict[Path, tuple] = {}
_cache_lock = threading.Lock()
_listing: dict[Path, tuple[float, dict]] = {}  # folder -> (when, listing): rescanned every few seconds
LISTING_TTL = 5.0


def assets_dir(path=None) -> Path:
    return Path(path or os.environ.get(ASSETS_ENV) or DEFAULT_ASSETS)


def list_pretrained(folder: Path) -> dict[str, dict]:
    """{name: summary} for every checkpoint folder under assets/; unreadable ones are skipped."""
    now = time.monotonic()
    cached = _listing.get(folder)
    if cached is None or now - cached[0] > LISTING_TTL:
        cached = _listing[folder] = (now, _scan(folder))
    return cached[1]


def _scan(folder: Path) -> dict[str, dict]:
    found = {}
    if not folder.is_dir():
        return found
    # a dot folder is a save in progress, or what a killed one left (model/checkpoint.py): never offered
    names = sorted(p.name for p in folder.iterdir()
                   if not p.name.startswith(".") and (p / CONFIG_NAME).is_file() and (p / WEIGHTS_NAME).is_file())
    names.sort(key=lambda n: PRETRAINED_ORDER.index(n) if n in PRETRAINED_ORDER else len(PRETRAINED_ORDER))
    for name in names:
        try:
            cfg = read_config(folder / name)
            weights = (folder / name / WEIGHTS_NAME).stat()
            stamp = (folder / name, weights.st_size, weights.st_mtime_ns)
            if stamp not in _checked:  # the header only, once per file: a truncated or corrupt one is left out
                check_weights(folder / name, cfg)
                _checked.add(stamp)
            found[name] = summary(cfg)
        except ValueError as e:  # CheckpointError is one
            if (folder / name) not in _skipped:
                _skipped.add(folder / name)
                log.warning("assets/%s is left out of the picker: %s", name, e)
    return found


def summary(cfg: dict) -> dict:
    """What the picker and the model card show about a checkpoint's config.json."""
    mc = cfg["model_config"]
    return {"model_type": mc.model_type, "params": count_params(mc), "block_size": mc.block_size,
            "n_embd": mc.n_embd, "n_head": mc.n_head, "n_layer": mc.n_layer, "vocab_size": mc.vocab_size,
            "step": cfg.get("step"), "val_loss": cfg.get("val_loss"), "train_loss": cfg.get("train_loss"),
            "corpus": cfg.get("corpus"), "curve": _curve(cfg.get("curve"))}


def _curve(curve) -> list | None:
    """The evaluations that model.train recorded in config.json, as (step, train, val); None if absent
    or malformed (an uploaded config.json is anyone's)."""
    if not isinstance(curve, list):
        return None
    try:
        out = [(int(e["step"]), float(e["train_loss"]), float(e["val_loss"])) for e in curve[:1000]]
    except (KeyError, TypeError, ValueError):
        return None
    return out if all(math.isfinite(v) for _, a, b in out for v in (a, b)) else None


def load_pretrained(folder: Path):
    """(model, tokenizer, cfg) of a pretrained checkpoint, loaded once per process and shared.

    Shared between every visitor: callers run it in eval mode and never train or modify it."""
    folder = folder.resolve()
    with _cache_lock:
        if folder not in _cache:
            _cache[folder] = load_checkpoint(folder)
            _cache[folder][0]._shared_by_all = True  # explorer/memo.py: its answers are everyone's
        return _cache[folder]


def upload_name(filename: str) -> str:
    """A short display name from an uploaded file's name (never used as a path)."""
    stem = Path(filename or "checkpoint").name
    stem = re.sub(r"\.zip$", "", stem, flags=re.I)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:40] or "checkpoint"


def _members(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """config.json and model.safetensors (and a timeline's files), at the top or inside one folder;
    refuse anything else."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise Refusal("refuse.zip_members", count=len(infos), limit=MAX_ZIP_MEMBERS)
    if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise Refusal("refuse.zip_size", limit=f"{MAX_UNZIPPED_BYTES // 1_000_000} MB")
    files = {}
    for info in infos:
        name = info.filename
        if name.startswith("/") or "\\" in name or re.match(r"^[A-Za-z]:", name):
            raise Refusal("refuse.zip_path", name=name[:80])
        path = PurePosixPath(name)
        if ".." in path.parts:
            raise Refusal("refuse.zip_path", name=name[:80])
        if stat.S_ISLNK(info.external_attr >> 16):
            raise Refusal("refuse.zip_link", name=name[:80])
        if info.is_dir() or any(name.startswith(p) or path.name == p for p in IGNORED_MEMBERS):
            continue
        if path.name in STATE_NAMES and len(path.parts) <= 2:  # model.train's optimizer state: never read here
            continue
        files[name] = info
    by_base = {}
    for name, info in files.items():
        parts = PurePosixPath(name).parts
        if len(parts) > 2 or not (parts[-1] in (CONFIG_NAME, WEIGHTS_NAME) or TIMELINE_FILE.fullmatch(parts[-1])):
            raise Refusal("refuse.zip_extra", name=name[:80])
        by_base.setdefault(parts[-1], []).append((parts[:-1], info))
    if not {CONFIG_NAME, WEIGHTS_NAME} <= set(by_base):
        raise Refusal("refuse.zip_missing")
    folders = {folder for entries in by_base.values() for folder, _ in entries}
    if any(len(entries) > 1 for entries in by_base.values()) or len(folders) > 1:
        raise Refusal("refuse.zip_extra", name=", ".join(sorted(files))[:120])
    return {base: entries[0][1] for base, entries in by_base.items()}


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, budget: int) -> int:
    """Copy one member to dest, never writing more than budget bytes whatever its header says."""
    written = 0
    with zf.open(info) as src, open(dest, "wb") as out:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > budget:
                raise Refusal("refuse.zip_size", limit=f"{MAX_UNZIPPED_BYTES // 1_000_000} MB")
            out.write(chunk)
    return written


def load_zip(path, max_params: int | None = None) -> tuple:
    """(model, tokenizer, cfg) from an uploaded checkpoint zip, checked before anything is written; a
    model over max_params (the server's training limit) is refused from its config alone, before any
    of it is built."""
    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise Refusal("refuse.zip_not_zip")
    tmp = Path(tempfile.mkdtemp(prefix="gpt-explorer-upload-"))
    try:
        try:
            with zipfile.ZipFile(path) as zf:
                members = _members(zf)
                budget = MAX_UNZIPPED_BYTES
                for base, info in members.items():  # fixed names: member paths never reach the disk
                    budget -= _extract(zf, info, tmp / base, budget)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, RuntimeError,
                zlib.error) as e:  # RuntimeError: an encrypted member
            raise Refusal("refuse.zip_bad", detail=str(e)[:200]) from None
        if max_params is not None:
            mc = read_config(tmp)["model_config"]
            if count_params(mc) > max_params:
                raise Refusal("refuse.upload_too_big", params=f"{count_params(mc):,}", limit=f"{max_params:,}")
        return load_checkpoint(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
