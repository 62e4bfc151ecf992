"""The Trainer that the training feature offers other views (explorer/services.py): a run of a preset
through the same actions as the Train tab's Start and Stop, and the session's runs as RunViews."""
from dataclasses import asdict

from ..services import RunView
from ..session import Session
from . import actions
from .fields import preset_values
from .job import State
from .state import TrainState


class TrainingService:
    """ctx.trainer: set when the training feature registers its API."""

    def start_preset(self, session: Session, preset: str) -> RunView:
        values = preset_values(preset)  # a Refusal for a preset the app does not train
        actions.start(session, values["model_type"], values, ("shakespeare", None, None))
        return self.runs(session)[-1]

    def stop(self, session: Session) -> None:
        actions.stop(session)

    def runs(self, session: Session) -> list[RunView]:
        st = session.state(TrainState)
        job, out, seen = st.job, [], set()
        for run in [*st.runs, *st.kept.values()]:
            if run.id in seen:
                continue
            seen.add(run.id)
            state = job.state if job is not None and job.run is run else (
                State.DONE if run.steps >= run.train_cfg.max_iters else State.STOPPED)
            out.append(RunView(run.id, run.label, f"session:{run.id}", asdict(run.model_cfg), run.corpus, state.value,
                               run.steps, run.train_cfg.max_iters, tuple(run.evals)))
        return sorted(out, key=lambda r: int(r.id.rpartition("-")[2]))
