"""Per-browser-session state: the visitor's models and each feature's own declared state; nothing is
shared between visitors except what SessionStore.resource() names (a server-wide slot pool)."""
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Protocol, TypeVar, runtime_checkable

from model.gpt import build_model
from model.timeline import Timeline, load_into

from .errors import Refusal
from .i18n import t
from .limits import Limits
from .models import list_pretrained, load_pretrained, summary

log = logging.getLogger("explorer")
MAX_UPLOADS = 3         # uploaded models kept per session
SWEEP_SECONDS = 60.0    # idle sessions are looked for at most this often (on a request)
TMP_PREFIX = "gpt-explorer-session-"
S = TypeVar("S")


def _process_tag(pid: int) -> str | None:
    """pid and start time ("1234.5678"): names a process uniquely, even after its pid is reused."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f"{pid}.{f.read().rpartition(')')[2].split()[19]}"  # field 22, starttime
    except (OSError, IndexError):
        return None


def remove_stale_folders(root: Path | None = None) -> list[Path]:
    """Session folders (saves, evicted runs' states) left by a server that is no longer running, e.g.
    one killed mid-save: each is named after its server's process, so a live server's stay."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    for folder in root.glob(f"{TMP_PREFIX}*.*-*"):
        tag = folder.name[len(TMP_PREFIX):].partition("-")[0]
        pid = tag.partition(".")[0]
        if pid.isdigit() and _process_tag(int(pid)) != tag:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@runtime_checkable
class ModelSource(Protocol):
    """A feature state whose models the picker offers under "<model_prefix>:<name>" (the runs
    trained in this session are one)."""
    model_prefix: str

    def model_choices(self, lang: str) -> list[tuple[str, str]]: ...
    def model_info(self, name: str, key: str) -> dict: ...
    def get_model(self, name: str) -> tuple: ...
    def model_timeline(self, name: str) -> Timeline | None: ...
    def model_spec(self, name: str) -> tuple: ...  # (GPTConfig, tokenizer), without the weights


class Session:
    """One visitor: each feature's state (session.state(Cls)), uploads, and the picked model."""

    def __init__(self, session_hash: str, assets: Path, limits: Limits, store: "SessionStore", states=()):
        self.hash, self.assets, self.limits, self.store = session_hash, assets, limits, store
        self.lock = threading.RLock()   # one action at a time per session (Start racing Stop, ...)
        self.uploads: OrderedDict[str, tuple] = OrderedDict()
        self.selected: str | None = None
        self.last_seen = time.monotonic()
        self.rendered_choices = None    # the picker's choices as last sent
        self.closed = False
        self._states: dict[type, object] = {cls: cls() for cls in states}  # every declared state, empty
        self._numbers = 0
        self._tmp: Path | None = None
        self._tmp_lock = threading.Lock()
        self._scratch_lock = threading.Lock()
        self._scratch_key, self._scratch = None, []  # model_at's models: [[model, snapshot loaded], ...]

    def state(self, cls: type[S]) -> S:
        """The feature state of type cls (a dataclass a Feature declares); one the store was not told
        of (a store built without the registry, in a test) is made empty on first use."""
        found = self._states.get(cls)  # no lock to read: a tick must not wait while Stop holds it
        if found is None:
            with self.lock:
                found = self._states.setdefault(cls, cls())
        return found

    def next_number(self) -> int:
        """1, 2, 3, ...: numbers runs and uploads, so their names never repeat in a session."""
        with self.lock:
            self._numbers += 1
            return self._numbers

    def _sources(self) -> list[ModelSource]:
        return [s for s in list(self._states.values()) if isinstance(s, ModelSource)]

    # models for every tab --------------------------------------------------------------------
    def model_choices(self, lang: str) -> list[tuple[str, str]]:
        """(label, key) for the picker: pretrained, then this session's runs, then uploads."""
        choices = []
        for name, info in list_pretrained(self.assets).items():
            val = f" · val {info['val_loss']:.2f}" if info.get("val_loss") is not None else ""
            choices.append((t("picker.pretrained", lang, name=name) + val, f"pretrained:{name}"))
        for source in self._sources():
            choices += source.model_choices(lang)
        for key, (_, _, cfg) in self.uploads.items():
            choices.append((t("picker.uploaded", lang, name=cfg["upload_name"]), key))
        return choices

    def default_model(self) -> str | None:
        keys = [key for _, key in self.model_choices("en")]
        return self.selected if self.selected in keys else (keys[0] if keys else None)

    def model_info(self, key) -> dict:
        """What the picker key names (kind, size, losses), without loading or copying weights."""
        if not isinstance(key, str):
            raise Refusal("refuse.unknown_model", key=repr(key)[:40])
        kind, _, name = key.partition(":")
        if kind == "pretrained" and name in (found := list_pretrained(self.assets)):
            return {"key": key, "kind": kind, "name": name, **found[name]}
        if kind == "upload" and key in self.uploads:
            cfg = self.uploads[key][2]
            return {"key": key, "kind": kind, "name": cfg["upload_name"], **summary(cfg)}
        for source in self._sources():
            if kind == source.model_prefix:
                return source.model_info(name, key)
        raise Refusal("refuse.unknown_model", key=key[:60])

    def get_model(self, key: str):
        """(model in eval mode, tokenizer, info) for a picker key; every tab inspects models this way.
        Pretrained models are shared by all visitors and a live run's is a snapshot: never train them."""
        info = self.model_info(key)
        kind, _, name = key.partition(":")
        if kind == "pretrained":
            model, tokenizer, _ = load_pretrained(self.assets / info["name"])
        elif kind == "upload":
            model, tokenizer, _ = self.uploads[key]
        else:
            model, tokenizer = next(s for s in self._sources() if s.model_prefix == kind).get_model(name)
        return model, tokenizer, info

    def timeline(self, key: str) -> Timeline | None:
        """The snapshots of the model a key names (None: it has none), from its checkpoint or its run."""
        info = self.model_info(key)
        kind, _, name = key.partition(":")
        if kind == "pretrained":
            found = load_pretrained(self.assets / info["name"])[2].get("snapshots")
        elif kind == "upload":
            found = self.uploads[key][2].get("snapshots")
        else:
            found = next(s for s in self._sources() if s.model_prefix == kind).model_timeline(name)
        return found if found is not None and len(found) else None

    def model_at(self, key: str, step: int | None):
        """(model, tokenizer, info) as get_model, or with the weights of one snapshot of its timeline
        (info then says which: step_shown, and that snapshot's losses). The snapshot is copied into a
        model built once per session and kept (two, for two steps in flight), never rebuilt per step."""
        if step is None:
            return self.get_model(key)
        info = self.model_info(key)
        config, tokenizer = self._spec(key)
        timeline = self.timeline(key)
        if timeline is None:
            raise Refusal("refuse.no_timeline", model=info["name"])
        try:
            snap = timeline.at(step)
        except KeyError:
            raise Refusal("refuse.no_step", step=step, steps=", ".join(map(str, timeline.steps))) from None
        with self._scratch_lock:
            if self._scratch_key != key or self._scratch[0][0].config != config:
                self._scratch_key = key
                self._scratch = [[build_model(config).eval(), None] for _ in range(2)]
            slot = next((s for s in self._scratch if s[1] is snap), None)
            if slot is None:
                slot = self._scratch.pop(0)  # the one used least recently
                load_into(slot[0], snap)
                slot[0]._version = ("snapshot", step, id(snap))  # the views' caches tell the steps apart
                slot[1] = snap
            else:
                self._scratch.remove(slot)
            self._scratch.append(slot)
        return slot[0], tokenizer, {**info, "step_shown": step, "train_loss": snap.train_loss,
                                    "val_loss": snap.val_loss, "timeline_steps": timeline.steps}

    def _spec(self, key: str) -> tuple:
        """(GPTConfig, tokenizer) of the model a key names, without its weights (a live run's stay put)."""
        kind, _, name = key.partition(":")
        if kind == "pretrained":
            model, tokenizer, _ = load_pretrained(self.assets / self.model_info(key)["name"])
            return model.config, tokenizer
        if kind == "upload":
            model, tokenizer, _ = self.uploads[key]
            return model.config, tokenizer
        return next(s for s in self._sources() if s.model_prefix == kind).model_spec(name)

    def add_upload(self, name: str, loaded: tuple) -> str:
        model, tokenizer, cfg = loaded
        key = f"upload:{self.next_number()}-{name}"
        cfg["upload_name"] = name
        self.uploads[key] = (model, tokenizer, cfg)
        while len(self.uploads) > MAX_UPLOADS:
            self.uploads.popitem(last=False)
        return key

    def tmpdir(self) -> Path:
        """The session's own folder (saves, an evicted run's state); it goes when the session closes."""
        with self._tmp_lock:  # not self.lock: a training's eviction asks for it while Stop may hold that
            if self._tmp is None:
                tag = _process_tag(os.getpid()) or str(os.getpid())
                self._tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{tag}-"))
            return self._tmp

    def close(self) -> None:
        """Each feature state lets go of what it holds (a training stops within a step); then the rest."""
        self.closed = True
        for state in list(self._states.values()):
            close = getattr(state, "close", None)
            if close is not None:
                close()
        self.uploads = OrderedDict()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)


class SessionStore:
    """Sessions by Gradio's session_hash; closed on unload, or after ttl seconds without a request
    (limits.session_idle_minutes): a tab left open, an API client gone. A page whose run trains or
    queues polls it, so its session stays; a training whose page is gone is stopped with its session.
    states: the state types every session starts with (the registry's); resources: server-wide
    objects a feature shares between visitors (e.g. pool=SlotPool(...))."""

    def __init__(self, assets: Path, limits: Limits, ttl: float | None = None, states=(), **resources):
        self.assets, self.limits, self.states = assets, limits, tuple(dict.fromkeys(states))
        self.ttl = limits.session_idle_minutes * 60 if ttl is None else ttl
        self.resources = dict(resources)
        self.sessions: dict[str, Session] = {}
        self.lock = threading.Lock()
        self._last_sweep = time.monotonic()
        remove_stale_folders()

    def resource(self, name: str, make: Callable[[Limits], object]):
        """The server-wide object by that name, made once from the limits."""
        with self.lock:
            if name not in self.resources:
                self.resources[name] = make(self.limits)
            return self.resources[name]

    def get(self, session_hash: str | None) -> Session:
        if not session_hash:
            raise Refusal("refuse.no_session")
        self._maybe_sweep()
        with self.lock:
            session = self.sessions.get(session_hash)
            if session is None:
                session = self.sessions[session_hash] = Session(session_hash, self.assets, self.limits, self,
                                                                self.states)
            session.last_seen = time.monotonic()
            return session

    def close(self, session_hash: str | None) -> None:
        with self.lock:
            session = self.sessions.pop(session_hash, None) if session_hash else None
        if session is not None:
            session.close()

    def close_all(self) -> None:
        for session_hash in list(self.sessions):
            self.close(session_hash)

    def _maybe_sweep(self) -> None:
        """On a request (cheap: at most once a minute): close the sessions idle for longer than ttl.
        A server without requests has nobody to free memory for; its paused runs still go to disk."""
        now = time.monotonic()
        if now - self._last_sweep < min(SWEEP_SECONDS, self.ttl / 2):
            return
        self._last_sweep = now
        with self.lock:
            idle = [self.sessions.pop(h) for h, s in list(self.sessions.items()) if now - s.last_seen > self.ttl]
        if idle:  # closing stops trainings (a second or so each): not on this request's time
            log.info("%d session(s) closed after %.0f minutes without a request", len(idle), self.ttl / 60)
            threading.Thread(target=lambda: [s.close() for s in idle], name="close-idle", daemon=True).start()
