"""One visitor's training: the runs on the chart, the runs whose models the picker offers, the job."""
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, replace
from typing import ClassVar

from ..errors import Refusal
from ..i18n import t
from ..limits import count_params
from .job import TrainingJob
from .run import Run

MAX_RUNS_ON_CHART = 6   # older runs leave the chart
MAX_RUN_MODELS = 4      # trained models kept per session (older ones leave the picker)


@dataclass
class TrainState:
    """Per session. Its models are offered by the picker as "session:run-N" (a ModelSource)."""
    runs: list[Run] = field(default_factory=list)               # on the chart, oldest first
    kept: OrderedDict = field(default_factory=OrderedDict)      # run id -> Run whose model the picker offers
    job: TrainingJob | None = None                              # the latest run's training, live or ended
    rendered: tuple | None = None   # what the tab last drew, so unchanged ticks send nothing
    rendered_texts: tuple | None = None  # the snapshots "how the text improved" last showed
    reference: bool = False         # the chart shows the lecture's results
    model_prefix: ClassVar[str] = "session"

    def new_run(self, number: int, model_cfg, train_cfg, corpus: str, vocab_size: int) -> Run:
        run = Run(f"run-{number}", number, model_cfg, train_cfg, corpus, vocab_size)
        self.runs = (self.runs + [run])[-MAX_RUNS_ON_CHART:]
        self.kept[run.id] = run
        while len(self.kept) > MAX_RUN_MODELS:
            _, old = self.kept.popitem(last=False)
            old.model = None  # its curve may stay on the chart; its weights go
        return run

    @property
    def current(self) -> Run | None:
        return self.runs[-1] if self.runs else None

    def fit_snapshots(self, budget_bytes: int) -> None:
        """Keep the session's timelines within budget: thin the oldest run's first (halving it), the
        live run's last. Each run's timeline counts what it lost (the views say so)."""
        runs = list({r.id: r for r in [*self.kept.values(), *self.runs]}.values())
        runs.sort(key=lambda r: r.number)
        while sum(r.timeline.nbytes for r in runs) > budget_bytes:
            thinnable = [r for r in runs if len(r.timeline) > 2]
            if not thinnable:
                return
            oldest = thinnable[0]
            oldest.timeline.thin(max(2, len(oldest.timeline) // 2))
            oldest.timeline.max_snapshots = max(2, len(oldest.timeline))  # a live run stays within it
            oldest.version += 1

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
        raise Refusal("refuse.unknown_run", run=str(run_id)[:40])

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

    # the picker's "session:" models ------------------------------------------------------------
    def model_choices(self, lang: str) -> list[tuple[str, str]]:
        choices = []
        for run in list(self.kept.values()):
            live = self.job is not None and self.job.run is run and self.job.state.live
            if run.model is None and not (live and run.steps > 0):
                continue
            val = f" · val {run.evals[-1][2]:.2f}" if run.evals else ""
            choices.append((t("picker.run", lang, label=run.label, step=run.weights_step) + val, f"session:{run.id}"))
        return choices

    def model_info(self, name: str, key: str) -> dict:
        run = self.run(name)
        mc, ev = run.model_cfg, (run.evals[-1] if run.evals else (None, None, None))
        return {"key": key, "kind": "session", "name": run.label, "model_type": mc.model_type,
                "params": count_params(mc), "block_size": mc.block_size, "n_embd": mc.n_embd,
                "n_head": mc.n_head, "n_layer": mc.n_layer, "vocab_size": mc.vocab_size,
                "step": run.weights_step, "train_loss": ev[1], "val_loss": ev[2], "corpus": run.corpus,
                "config": asdict(mc)}

    def get_model(self, name: str) -> tuple:
        run = self.run(name)
        return self.run_model(run), run.tokenizer

    def model_timeline(self, name: str):
        return self.run(name).timeline

    def model_spec(self, name: str) -> tuple:
        run = self.run(name)
        return replace(run.model_cfg, vocab_size=run.vocab_size), run.tokenizer

    # the session's life ------------------------------------------------------------------------
    def close(self) -> None:
        """Stop the training (within a step) and let go of the runs."""
        job, self.job = self.job, None
        if job is not None:
            job.stop(wait=5.0)
        self.runs, self.kept = [], OrderedDict()
