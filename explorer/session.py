"""Per-browser-session state: its runs, its training job, its uploaded models; nothing is shared."""
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path

from .errors import Refusal
from .i18n import t
from .jobs import TrainingJob
from .pool import SlotPool
from .run import Run
from .limits import Limits, count_params
from .models import list_pretrained, load_pretrained, summary

MAX_RUNS_ON_CHART = 6   # older runs leave the chart
MAX_RUN_MODELS = 4      # trained models kept per session (older ones leave the picker)
MAX_UPLOADS = 3         # uploaded models kept per session


class Session:
    """One visitor: runs (curves and trained models), the live job, uploads, the picked model."""

    def __init__(self, session_hash: str, assets: Path, pool: SlotPool, limits: Limits):
        self.hash, self.assets, self.pool, self.limits = session_hash, assets, pool, limits
        self.lock = threading.RLock()   # one action at a time per session (Start racing Stop, ...)
        self.runs: list[Run] = []       # on the chart, oldest first
        self.kept: OrderedDict[str, Run] = OrderedDict()  # runs whose models the picker offers
        self.job: TrainingJob | None = None
        self.uploads: OrderedDict[str, tuple] = OrderedDict()
        self.selected: str | None = None
        self.last_seen = time.monotonic()
        self.rendered = None            # what the UI last drew, so unchanged ticks send nothing
        self.rendered_choices = None    # the picker's choices as last sent
        self.reference = False          # the chart shows the lecture's results
        self._numbers = 0
        self._tmp: Path | None = None
        self.closed = False

    # runs ------------------------------------------------------------------------------------
    def new_run(self, model_cfg, train_cfg, corpus: str, vocab_size: int) -> Run:
        self._numbers += 1
        run = Run(f"run-{self._numbers}", self._numbers, model_cfg, train_cfg, corpus, vocab_size)
        self.runs = (self.runs + [run])[-MAX_RUNS_ON_CHART:]
        self.kept[run.id] = run
        while len(self.kept) > MAX_RUN_MODELS:
            _, old = self.kept.popitem(last=False)
            old.model = None  # its curve may stay on the chart; its weights go
        return run

    @property
    def current(self) -> Run | None:
        return self.runs[-1] if self.runs else None

    def live_job(self) -> TrainingJob | None:
        job = self.job
        return job if job is not None and job.state.live else None

    def run(self, run_id: str | None = None) -> Run:
        """A run by id (one still on the chart or still in the picker); the latest by default."""
        if not run_id:
            latest = self.current or (next(reversed(self.kept.values())) if self.kept else None)
            if latest is None:
                raise Refusal("refuse.no_run")
            return latest
        for run in [*self.runs, *self.kept.values()]:
            if run.id == run_id:
                return run
        raise Refusal("refuse.unknown_run", run=run_id)

    def run_model(self, run: Run):
        """The run's model: its final weights, or a snapshot of a live one."""
        if run.model is not None:
            return run.model
        job = self.job
        if job is not None and job.run is run:
            model = job.snapshot_model()
            if model is not None:
                return model
        raise Refusal("refuse.run_no_model", run=run.label)

    # models for every tab --------------------------------------------------------------------
    def model_choices(self, lang: str) -> list[tuple[str, str]]:
        """(label, key) for the picker: pretrained, then this session's runs, then uploads."""
        choices = []
        for name, info in list_pretrained(self.assets).items():
            val = f" · val {info['val_loss']:.2f}" if info.get("val_loss") is not None else ""
            choices.append((t("picker.pretrained", lang, name=name) + val, f"pretrained:{name}"))
        for run in self.kept.values():
            if run.model is None and not (self.job and self.job.run is run and run.steps > 0):
                continue
            val = f" · val {run.evals[-1][2]:.2f}" if run.evals else ""
            choices.append((t("picker.run", lang, label=run.label, step=run.steps) + val, f"session:{run.id}"))
        for key, (_, _, cfg) in self.uploads.items():
            choices.append((t("picker.uploaded", lang, name=cfg["upload_name"]), key))
        return choices

    def default_model(self) -> str | None:
        keys = [key for _, key in self.model_choices("en")]
        return self.selected if self.selected in keys else (keys[0] if keys else None)

    def model_info(self, key: str) -> dict:
        """What the picker key names (kind, size, losses), without loading or copying weights."""
        kind, _, name = (key or "").partition(":")
        if kind == "pretrained" and name in (found := list_pretrained(self.assets)):
            return {"key": key, "kind": kind, "name": name, **found[name]}
        if kind == "session":
            run = self.run(name)
            mc, ev = run.model_cfg, (run.evals[-1] if run.evals else (None, None, None))
            return {"key": key, "kind": kind, "name": run.label, "model_type": mc.model_type,
                    "params": count_params(mc), "block_size": mc.block_size, "n_embd": mc.n_embd,
                    "n_head": mc.n_head, "n_layer": mc.n_layer, "vocab_size": mc.vocab_size,
                    "step": run.steps, "train_loss": ev[1], "val_loss": ev[2], "corpus": run.corpus}
        if kind == "upload" and key in self.uploads:
            cfg = self.uploads[key][2]
            return {"key": key, "kind": kind, "name": cfg["upload_name"], **summary(cfg)}
        raise Refusal("refuse.unknown_model", key=key)

    def get_model(self, key: str):
        """(model in eval mode, tokenizer, info) for a picker key; every tab inspects models this way.
        Pretrained models are shared by all visitors and a live run's is a snapshot: never train them."""
        info = self.model_info(key)
        if info["kind"] == "pretrained":
            model, tokenizer, _ = load_pretrained(self.assets / info["name"])
        elif info["kind"] == "session":
            run = self.run(key.partition(":")[2])
            model, tokenizer = self.run_model(run), run.tokenizer
        else:
            model, tokenizer, _ = self.uploads[key]
        return model, tokenizer, info

    def add_upload(self, name: str, loaded: tuple) -> str:
        model, tokenizer, cfg = loaded
        self._numbers += 1
        key = f"upload:{self._numbers}-{name}"
        cfg["upload_name"] = name
        self.uploads[key] = (model, tokenizer, cfg)
        while len(self.uploads) > MAX_UPLOADS:
            self.uploads.popitem(last=False)
        return key

    def tmpdir(self) -> Path:
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="gpt-explorer-session-"))
        return self._tmp

    def close(self) -> None:
        """Stop the training (within a step) and drop everything this session holds."""
        self.closed = True
        job, self.job = self.job, None
        if job is not None:
            job.stop(wait=5.0)
        self.runs, self.kept, self.uploads = [], OrderedDict(), OrderedDict()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)


class SessionStore:
    """Sessions by Gradio's session_hash; closed on unload, or after ttl seconds idle (API clients)."""

    def __init__(self, assets: Path, limits: Limits, pool: SlotPool | None = None, ttl: float = 3 * 3600):
        self.assets, self.limits, self.ttl = assets, limits, ttl
        self.pool = pool or SlotPool(limits.max_trainings, limits.max_queue)
        self.sessions: dict[str, Session] = {}
        self.lock = threading.Lock()
        self._last_sweep = time.monotonic()

    def get(self, session_hash: str | None) -> Session:
        if not session_hash:
            raise Refusal("refuse.no_session")
        self._maybe_sweep()
        with self.lock:
            session = self.sessions.get(session_hash)
            if session is None:
                session = self.sessions[session_hash] = Session(session_hash, self.assets, self.pool, self.limits)
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
        now = time.monotonic()
        if now - self._last_sweep < 60:
            return
        self._last_sweep = now
        with self.lock:
            idle = [h for h, s in self.sessions.items()
                    if now - s.last_seen > self.ttl and not (s.job and s.job.state.value == "running")]
        for h in idle:
            self.close(h)
