"""The ladder's gradio_client endpoints: ladder (every rung with its config and both val losses) and
ladder_code (the source of model/ a rung turns on)."""
from dataclasses import asdict

import gradio as gr

from model.config import LADDER, PRESETS

from ...checks import checked, choice
from ...context import AppContext
from ...errors import user_errors
from ...groups import INSPECT
from ...i18n import t
from ..code import source_of
from .compute import code_of, gains, rungs
from .program import diff, previous
from .runs import my_runs

NAMES = tuple(name for name, _, _ in LADDER)


def register(ctx: AppContext) -> None:
    """Add the endpoints to the Blocks being built."""

    def ladder(lang: str = "en", request: gr.Request = None) -> list:
        """Every rung in order: name (its preset), what it adds, its model config, val_loss (our checkpoint's,
        null if assets/ lacks it), lecture_val_loss (null where the lecture read none), gain over the rung
        before, model (its picker key, e.g. pretrained:ladder-3, for the other endpoints), and yours_val_loss
        with yours_run: the val loss of this session's latest finished run of the rung (null if none)."""
        with user_errors(lang):
            session = ctx.session(request)
            ladder = rungs(session, my_runs(ctx.trainer, session))
            return [{"rung": r.index, "name": r.preset, "adds": t(f"lec.ladder.adds.{r.preset}", lang),
                     "config": asdict(PRESETS[r.preset][0]) | {"train": asdict(PRESETS[r.preset][1])},
                     "val_loss": r.ours, "lecture_val_loss": r.lecture,
                     "gain": None if g is None else round(g, 4), "model": r.key, "checkpoint": r.asset,
                     "yours_val_loss": r.yours, "yours_run": r.yours_label or None}
                    for r, g in zip(ladder, gains(ladder))]

    def ladder_code(rung: str = "ladder-3", lang: str = "en") -> str:
        """The source of the parts of model/ a rung turns on (each under a '# file:line' comment)."""
        with user_errors(lang):
            return source_of(*code_of(choice(rung, "rung", NAMES)))

    def ladder_diff(rung: str = "ladder-4", lang: str = "en") -> dict:
        """A rung's code against the rung before's: model/ read live, every if on a GPTConfig switch replaced
        by the branch the rung takes. diff is unified ("+" added, "-" removed, " " unchanged, a line each)."""
        with user_errors(lang):
            rung = choice(rung, "rung", NAMES)
            before = previous(rung)
            lines = diff(rung, before)
            return {"rung": rung, "against": before, "added": sum(ln.kind == "+" for ln in lines),
                    "removed": sum(ln.kind == "-" for ln in lines), "diff": "\n".join(ln.kind + ln.text for ln in lines)}

    gr.api(checked(ladder), api_name="ladder", **INSPECT)
    gr.api(checked(ladder_diff), api_name="ladder_diff", **INSPECT)
    gr.api(checked(ladder_code), api_name="ladder_code", **INSPECT)
