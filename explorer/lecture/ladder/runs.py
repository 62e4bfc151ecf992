"""Training rungs from the section: "Train this rung" and "Train the whole ladder" start runs through
the Train tab's machinery (ctx.trainer: its slots, queue and Stop, one live run per session), and
every rung's val curve, ours from assets/ and the visitor's own, goes on one chart."""
import json
from dataclasses import asdict, dataclass, field, replace

from model.config import LADDER, PRESETS
from model.data import CorpusError

from ... import corpus
from ...errors import Refusal
from ...models import list_pretrained
from ...services import RunView, Trainer
from ...session import Session

# the preset the Train tab trains for a rung: the bigram is its own preset; the last rung, the
# lecture's 10.8M-parameter GPT, needs a GPU (gpt-small stands for it, trained offline)
TRAINS = {"ladder-0": "bigram", **{name: name for name, _, _ in LADDER[1:-1]}}
# the checkpoint in assets/ that stands for each rung (the last: the lecture's 1.48 needs a GPU)
ASSET = {"ladder-0": "bigram", "gpt-lecture": "gpt-small"}
DROPOUT_FILE = "dropout.json"  # the train/val gap with and without dropout (model/lecture/dropout.py)


@dataclass
class LadderState:
    """Per session: the rungs still to train after the live one ("Train the whole ladder")."""
    pending: list[str] = field(default_factory=list)
    drawn: tuple | None = None  # what the timer last drew (runs' steps and states), so an idle tick sends nothing


@dataclass(frozen=True)
class Curve:
    """One val curve on the chart: a rung's, from a checkpoint in assets/ or from the visitor's run."""
    preset: str
    label: str          # "ours" or the run's label
    yours: bool
    live: bool
    evals: tuple        # ((step, train, val), ...)


def my_runs(trainer: Trainer | None, session: Session) -> list[RunView]:
    return trainer.runs(session) if trainer is not None else []


def rung_of(run: RunView) -> str | None:
    """The rung whose model a run trains (tiny-shakespeare only: another text's loss is not comparable)."""
    try:
        if run.corpus != corpus.shakespeare().name:
            return None
    except CorpusError:  # no corpus on this server: no run of it either
        return None
    for preset, _, _ in LADDER:
        if asdict(replace(PRESETS[preset][0], vocab_size=run.config.get("vocab_size"))) == run.config:
            return preset
    return None


def train(trainer: Trainer | None, session: Session, which: str) -> RunView:
    """Start one rung (which = its preset), or every trainable rung in order (which = "all")."""
    if trainer is None:
        raise Refusal("lec.ladder.no_trainer")
    if which == "all":
        todo = list(TRAINS)
    elif which in TRAINS:
        todo = [which]
    else:
        raise Refusal("lec.ladder.needs_gpu")
    state = session.state(LadderState)
    run = trainer.start_preset(session, TRAINS[todo[0]])  # a Refusal if a run is live or the server full
    state.pending = todo[1:]
    return run


def advance(trainer: Trainer | None, session: Session) -> bool:
    """On each tick: when the live run has ended, start the next pending rung. True while any is left."""
    if trainer is None:
        return False
    state = session.state(LadderState)
    if any(r.live for r in trainer.runs(session)):
        return True
    while state.pending:
        preset = state.pending.pop(0)
        try:
            trainer.start_preset(session, TRAINS[preset])
            return True
        except Refusal:  # e.g. the server is full now: the rest waits for the visitor to press again
            state.pending = []
    return False


def stop(trainer: Trainer | None, session: Session) -> None:
    session.state(LadderState).pending = []
    if trainer is not None and any(r.live for r in trainer.runs(session)):
        trainer.stop(session)


def curves(session: Session, runs: list[RunView]) -> list[Curve]:
    """Every rung's curve from assets/ (recorded by model.train), then the visitor's runs of rungs."""
    found = list_pretrained(session.assets)
    out = []
    for preset, _, _ in LADDER:
        curve = (found.get(ASSET.get(preset, preset)) or {}).get("curve")
        if curve:
            out.append(Curve(preset, "ours", False, False, tuple(curve)))
    for run in runs:
        preset = rung_of(run)
        if preset is not None and run.evals:
            out.append(Curve(preset, run.label, True, run.live, run.evals))
    return out


def status(trainer: Trainer | None, session: Session) -> dict | None:
    """The live (or latest) run of a rung and the rungs still to come, for the line under the chart."""
    runs = [r for r in my_runs(trainer, session) if rung_of(r)]
    if not runs:
        return None
    run = runs[-1]
    return {"preset": rung_of(run), "label": run.label, "state": run.state, "step": run.step,
            "max_iters": run.max_iters, "val": run.val_loss, "pending": list(session.state(LadderState).pending)}


def dropout_runs(session: Session) -> dict | None:
    """assets/dropout.json (python -m model.lecture.dropout): {rate: ((step, train, val), ...)} and its
    command; None if it is missing or malformed."""
    try:
        data = json.loads((session.assets / DROPOUT_FILE).read_text("utf-8"))
        runs = {float(r["dropout"]): tuple((int(e["step"]), float(e["train_loss"]), float(e["val_loss"]))
                                          for e in r["curve"]) for r in data["runs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {"runs": runs, "command": str(data.get("command", "")), "chars": data.get("chars")} if runs else None
