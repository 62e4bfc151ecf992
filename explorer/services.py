"""What one feature offers another without importing it. The training feature puts a Trainer on the
AppContext (ctx.trainer); the lecture's ladder starts runs through it and reads their curves, knowing
only this protocol: imports still go one way, and a view without a trainer says so."""
from dataclasses import dataclass
from typing import Protocol

from .session import Session


@dataclass(frozen=True)
class RunView:
    """One of a visitor's runs as another view sees it: plain values, read at one moment."""
    id: str
    label: str          # "run 3 · gpt"
    key: str            # its model in the picker, "session:run-3"
    config: dict        # the model's GPTConfig, as a dict
    corpus: str         # the text's name ("input.txt": tiny-shakespeare)
    state: str          # queued, running, paused, done, stopped, failed
    step: int
    max_iters: int
    evals: tuple        # ((step, train loss, val loss), ...)

    @property
    def live(self) -> bool:
        return self.state in ("queued", "running", "paused")

    @property
    def val_loss(self) -> float | None:
        return self.evals[-1][2] if self.evals else None


class Trainer(Protocol):
    """The Train tab's machinery (slots, queue, Stop, one live run per session) for other views."""

    def start_preset(self, session: Session, preset: str) -> RunView:
        """A new run of a preset on tiny-shakespeare; a Refusal if the session is busy or the server full."""
        ...

    def stop(self, session: Session) -> None: ...

    def runs(self, session: Session) -> list[RunView]:
        """The session's runs, oldest first (those on the Train tab's chart or in the picker)."""
        ...
