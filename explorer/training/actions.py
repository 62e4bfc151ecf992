"""The Train tab's actions on a Session, shared by the UI and the API; status() says where a run stands."""
import os
import shutil
import zipfile
from dataclasses import asdict
from pathlib import Path

from model.checkpoint import save_checkpoint
from model.data import MAX_TEXT_CHARS, CharDataset, CorpusError, check_text, read_text
from model.timeline import Timeline

from .. import checks, corpus as shared_corpus
from ..errors import Refusal
from ..i18n import t
from ..models import upload_name
from ..session import Session, SessionStore
from .fields import build_configs
from .job import State, TrainingJob
from .memory import MemoryBudget
from .pool import SlotPool
from .state import TrainState

CORPUS_SOURCES = ("shakespeare", "upload", "paste")
MAX_UPLOAD_BYTES = 10_000_000  # as launch(max_file_size=...)
STEP_TIMEOUT = 60.0


def pool_of(store: SessionStore) -> SlotPool:
    """The server's training slots, shared by every visitor of this app."""
    return store.resource("pool", lambda limits: SlotPool(limits.max_trainings, limits.max_queue))


def memory_of(store: SessionStore) -> MemoryBudget:
    """The server's memory budget: paused runs go to disk past it (memory.py)."""
    return store.resource("memory", lambda limits: MemoryBudget(limits.max_memory_mb))


def load_corpus(source: str, file_path=None, text: str | None = None) -> CharDataset:
    """tiny-shakespeare (read once, shared read-only), or the visitor's own text."""
    if source == "shakespeare":
        try:
            return shared_corpus.shakespeare(download=True)  # may download it once (model/data.py)
        except CorpusError:
            raise Refusal("refuse.no_shakespeare") from None
    if source == "upload":
        if not file_path:
            raise Refusal("refuse.corpus_no_file")
        path = Path(file_path)
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise Refusal("refuse.corpus_too_big", limit="10 MB")
        try:
            return CharDataset(read_text(path), name=upload_name(path.name))
        except CorpusError as e:
            raise Refusal("refuse.corpus_text", detail=str(e)) from None
    if source == "paste":
        text = checks.text(text, "text", MAX_TEXT_CHARS)
        if not text.strip():
            raise Refusal("refuse.corpus_empty")
        try:
            return CharDataset(check_text(text), name="pasted text")
        except CorpusError as e:
            raise Refusal("refuse.corpus_text", detail=str(e)) from None
    raise Refusal("refuse.choice", field="corpus", value=source, allowed=", ".join(CORPUS_SOURCES))


def _new_job(session: Session, model_type: str, values: dict, corpus: tuple, paused: bool) -> TrainingJob:
    build_configs(model_type, values, session.limits)  # refuse bad fields before reading any text
    pool = pool_of(session.store)
    if pool.full():
        raise Refusal("refuse.server_full")
    dataset = load_corpus(*corpus)
    model_cfg, train_cfg = build_configs(model_type, values, session.limits, dataset.tokenizer.vocab_size)
    shortest = min(len(dataset.train_data), len(dataset.val_data))
    if shortest <= model_cfg.block_size + 1:
        raise Refusal("refuse.corpus_short", block_size=model_cfg.block_size, chars=len(dataset.val_data),
                      need=f"{(model_cfg.block_size + 2) * 10:,}")
    st = session.state(TrainState)
    run = st.new_run(session.next_number(), model_cfg, train_cfg, dataset.name, dataset.tokenizer.vocab_size)
    budget = session.limits.snapshot_mb * 2**20
    st.job = TrainingJob(run, dataset, pool, start_paused=paused, on_snapshot=lambda: st.fit_snapshots(budget),
                         memory=memory_of(session.store), save_dir=session.tmpdir).start()
    return st.job


def start(session: Session, model_type: str, values: dict, corpus: tuple, paused: bool = False) -> None:
    """A new run from the form's values; it trains at once (or waits for a slot), or sits at step 0."""
    with session.lock:
        job = session.state(TrainState).live_job()
        if job is not None:
            raise Refusal("refuse.busy_session", run=job.run.label)
        _new_job(session, model_type, values, corpus, paused)


def pause(session: Session) -> None:
    with session.lock:
        job = session.state(TrainState).live_job()
        if job is None or job.state == State.PAUSED:
            raise Refusal("refuse.not_running")
        job.pause()


def resume(session: Session) -> None:
    with session.lock:
        job = session.state(TrainState).live_job()
        if job is None or job.state != State.PAUSED:
            raise Refusal("refuse.not_paused")
        job.resume()


def step(session: Session, new_run: tuple | None = None) -> None:
    """One optimizer step of the paused run; with new_run=(model_type, values, corpus) and no run,
    a fresh run is created at step 0 first (TensorFlow Playground's step button)."""
    with session.lock:
        job = session.state(TrainState).live_job()
        if job is None:
            if new_run is None:
                raise Refusal("refuse.no_run_to_step")
            job = _new_job(session, *new_run, paused=True)
        elif job.state != State.PAUSED:
            raise Refusal("refuse.step_running")
    if not job.step_once(STEP_TIMEOUT):  # outside the lock: Stop must not wait for the step
        raise Refusal("refuse.step_slow")


def stop(session: Session) -> None:
    with session.lock:
        job = session.state(TrainState).live_job()
        if job is None:
            raise Refusal("refuse.nothing_to_stop")
        job.stop(wait=5.0)


def reset(session: Session) -> None:
    """Stop any training, clear the chart and drop the runs' timelines; trained models stay in the picker."""
    with session.lock:
        job = session.state(TrainState).live_job()
        if job is not None:
            job.stop(wait=5.0)
        st = session.state(TrainState)
        for run in [*st.runs, *st.kept.values()]:
            run.timeline = Timeline()  # the snapshots go; the models stay in the picker
        st.runs, st.rendered = [], None


def status(session: Session, lang: str) -> dict:
    """Where the latest run stands, as plain JSON (the API's train_status and the UI's source)."""
    st = session.state(TrainState)
    run = st.current
    if run is None:
        return {"state": "idle", "run": None, "message": t("status.idle", lang)}
    job = st.job if st.job is not None and st.job.run is run else None
    state = job.state.value if job is not None else State.STOPPED.value
    ev = run.evals[-1] if run.evals else (None, None, None)
    last = run.samples[-1] if run.samples else (None, "")
    position = job.queue_position() if job is not None and job.state == State.QUEUED else None
    eta = run.eta() if state == "running" else None
    out = {
        "run": run.id, "label": run.label, "state": state, "model_type": run.model_cfg.model_type,
        "corpus": run.corpus, "vocab_size": run.vocab_size, "step": run.steps,
        "max_iters": run.train_cfg.max_iters,
        "loss": float(run.loss[run.steps - 1]) if run.steps else None,
        "eval_step": ev[0], "train_loss": ev[1], "val_loss": ev[2], "lr": run.lr,
        "tokens_per_s": round(run.tokens_per_s, 1), "elapsed": round(run.wall, 2),
        "eta": round(eta, 1) if eta is not None else None, "queue_position": position,
        "sample_step": last[0], "sample": last[1], "model_key": f"session:{run.id}",
        "error": job.error if job is not None else None,
        "saved": job is not None and job.saved is not None,  # paused, on disk (memory.py); Resume continues
        "model_step": run.model_step if run.model is not None else None,  # its weights are an earlier snapshot's
    }
    out["message"] = message(out, lang)
    return out


def message(st: dict, lang: str) -> str:
    """One line saying what is happening, in the user's language."""
    state = st["state"]
    if state == "queued":
        if st["queue_position"] is None:
            return t("status.starting", lang, label=st["label"])
        return t("status.queued", lang, position=st["queue_position"])
    if state == "failed":
        detail = t(f"error.{st['error'] or 'internal'}", lang)
        if st.get("model_step") is not None:  # its last snapshot is in the picker
            return t("status.failed_kept", lang, detail=detail, step=st["model_step"])
        return t("status.failed", lang, detail=detail)
    val = f"{st['val_loss']:.3f}" if st["val_loss"] is not None else "–"
    key = "status.paused_saved" if state == "paused" and st.get("saved") else f"status.{state}"
    return t(key, lang, label=st["label"], step=st["step"], max_iters=st["max_iters"], val=val)


def save(session: Session, run_id: str | None = None) -> Path:
    """A zip of the run's checkpoint folder (config.json + model.safetensors) to download."""
    with session.lock:
        st = session.state(TrainState)
        run = st.run(run_id)
        model = st.run_model(run)
        ev = run.evals[-1] if run.evals else (None, None, None)
        name = f"gpt-explorer-{run.id}-step{run.weights_step}"
        folder = session.tmpdir() / name
        save_checkpoint(folder, model, run.tokenizer, step=run.weights_step, train_loss=ev[1], val_loss=ev[2],
                        train=asdict(run.train_cfg), corpus=run.corpus, source="GPT Explorer",
                        timeline=run.timeline)
        archive = folder.with_suffix(".zip")
        part = archive.with_name(f".{archive.name}.part")  # renamed into place whole: never half a zip
        try:
            with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as zf:
                for f in sorted(folder.iterdir()):
                    zf.write(f, f"{name}/{f.name}")
            os.replace(part, archive)
        finally:
            part.unlink(missing_ok=True)
            shutil.rmtree(folder, ignore_errors=True)
        return archive
