"""The model at a step of its training, for every view: the header's step slider gives a position in
the picked model's timeline (its last position: the final weights), the API a training step; both
come here. Also the texts a model wrote at each of its snapshots ("how the text improved")."""
import html
import math
from collections import OrderedDict
from dataclasses import dataclass, field

import torch

from model.sampling import generate

from . import checks
from .errors import Refusal
from .i18n import t
from .limits import MAX_SEED
from .prompts import resolve_prompt
from .session import Session

MAX_TEXT_CHARS = 300  # characters each snapshot writes in "how the text improved"
MAX_CACHED = 200      # snapshots' texts kept per session


def step_of(session: Session, key: str | None, index) -> int | None:
    """The training step at a slider position (None: the final weights, or a model without a timeline)."""
    if not key or index is None or isinstance(index, bool):
        return None
    try:
        index = int(index)
    except (TypeError, ValueError, OverflowError):
        return None
    timeline = session.timeline(key)
    if timeline is None or not 0 <= index < len(timeline):
        return None
    return timeline.steps[index]


def api_step(step) -> int | None:
    """An API caller's step: None or -1 for the final weights, else a whole number (checked)."""
    if step is None or (isinstance(step, (int, float)) and not isinstance(step, bool) and step == -1):
        return None
    return checks.whole(step, "step", 0, 10**9)


def timeline_info(session: Session, key: str) -> dict:
    """The steps and losses of a model's snapshots, and how many a memory budget thinned."""
    info = session.model_info(key)
    timeline = session.timeline(key)
    if timeline is None:
        return {"model": key, "name": info["name"], "steps": [], "thinned": 0}
    return {"model": key, "name": info["name"], "steps": timeline.losses(), "thinned": timeline.thinned}


@dataclass
class StepTexts:
    """Per session: each snapshot's text, written once (a live run's tick adds only the newest)."""
    texts: OrderedDict = field(default_factory=OrderedDict)


def texts_over_time(session: Session, key: str, prompt: str, seed, length, final: bool = True) -> list[dict]:
    """The text the model writes at each snapshot, from the same prompt and seed: noise, then words.
    [{step, val_loss, text, final}], oldest first, then (final=True) the final weights."""
    seed = checks.whole(seed, "seed", 0, MAX_SEED)
    length = checks.whole(length, "length", 1, MAX_TEXT_CHARS)
    prompt = checks.prompt(prompt)
    timeline = session.timeline(key)
    if timeline is None:
        raise Refusal("refuse.no_timeline", model=session.model_info(key)["name"])
    cache, out = session.state(StepTexts).texts, []
    for snap in [*timeline.snapshots, *([None] if final else [])]:
        step = None if snap is None else snap.step
        ck = (key, step, id(snap), prompt, seed, length)
        if ck not in cache:
            model, tokenizer, info = session.model_at(key, step)
            ids = resolve_prompt(tokenizer, prompt, model.config.block_size).ids  # an empty prompt: token 0
            idx = torch.tensor([ids], dtype=torch.long)
            text = generate(model, idx, length, generator=torch.Generator().manual_seed(seed))
            val = info.get("val_loss")
            cache[ck] = {"step": step if step is not None else info.get("step"), "final": step is None,
                         "val_loss": None if val is None or not math.isfinite(val) else round(val, 4),
                         "text": tokenizer.decode(text[0, len(ids):].tolist())}
            while len(cache) > MAX_CACHED:
                cache.popitem(last=False)
        out.append(cache[ck])
    return out


def texts_html(rows: list[dict], lang: str, thinned: int = 0) -> str:
    """Each snapshot's text under its step and val loss, oldest first: the lecture's noise -> words."""
    items = []
    for r in rows:
        val = "–" if r["val_loss"] is None else f"{r['val_loss']:.3f}"
        head = t("steps.text_final" if r["final"] else "steps.text_at", lang, step=f"{r['step'] or 0:,}", val=val)
        items.append(f'<div class="step-text" data-step="{r["step"]}"><div class="k">{html.escape(head)}</div>'
                     f'<pre>{html.escape(r["text"])}</pre></div>')
    note = f'<p class="step-note">{html.escape(t("steps.thinned", lang, n=thinned))}</p>' if thinned else ""
    return f'<div class="step-texts">{"".join(items)}</div>{note}'

