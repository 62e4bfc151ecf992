"""How a link's query text becomes a component's value and back (explorer/links.py holds the registry):
the checks a component implies (a slider's range, a radio's choices, a checkbox's true/false, a text's
length), those that read the linked model (a layer, a head, a position; its step), and the model's
own (only a pretrained model can be named: the others live in one session). Each check raises a
Refusal that names the query key; the link's notice quotes it."""
from dataclasses import dataclass
from typing import Callable

import gradio as gr

from . import checks
from .errors import Refusal
from .i18n import LANGS
from .limits import MAX_SEED, MAX_TEXT

PRETRAINED = "pretrained:"      # the only models a link can name: the others live in one session
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass
class LinkEnv:
    """What a check or a write may need besides the value: the session and the model the link opens."""
    session: object
    key: str | None = None      # the picker key
    info: dict | None = None    # its summary (n_layer, n_head, block_size, ...); None without a model

    def at(self, key: str | None) -> "LinkEnv":
        info = None
        if key:
            try:
                info = self.session.model_info(key)
            except Refusal:
                key = None
        return LinkEnv(self.session, key, info)


def as_text(value) -> str | None:
    """A value as a query writes it: 1/0 for a switch, 0.35 not 0.35000000000000003, 2 not 2.0."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.6g}"
    return str(value)


# checks of query text, by component ----------------------------------------------------------------
def number(field: str, lo: float, hi: float, integer: bool = False) -> Callable:
    def check(text: str, env: LinkEnv):
        value = checks.from_text(text, field)
        return checks.whole(value, field, lo, hi) if integer else checks.number(value, field, lo, hi)
    return check


def flag(field: str) -> Callable:
    def check(text: str, env: LinkEnv) -> bool:
        value = text.strip().lower()
        if value not in TRUE + FALSE:
            raise Refusal("refuse.bool", field=field, value=checks._short(text))
        return value in TRUE
    return check


def one_of(field: str, values) -> Callable:
    """One of the choices' values, given as text (a number choice is matched by its text)."""
    by_text = {as_text(v): v for v in values}

    def check(text: str, env: LinkEnv):
        if text not in by_text:
            raise Refusal("refuse.choice", field=field, value=checks._short(text), allowed=", ".join(by_text))
        return by_text[text]
    return check


def text_up_to(field: str, limit: int) -> Callable:
    return lambda text, env: checks.text(text, field, limit)


def prompt(text: str, env: LinkEnv) -> str:
    return checks.prompt(text)


def inferred(key: str, comp) -> Callable:
    """The check a component implies: its range, choices or kind."""
    if isinstance(comp, gr.Checkbox):
        return flag(key)
    if isinstance(comp, gr.Slider):
        step = float(comp.step or 1)
        return number(key, comp.minimum, comp.maximum, integer=step.is_integer() and float(comp.minimum).is_integer())
    if isinstance(comp, gr.Number):
        integer = comp.precision == 0
        lo = comp.minimum if comp.minimum is not None else -MAX_SEED
        hi = comp.maximum if comp.maximum is not None else MAX_SEED
        return number(key, lo, hi, integer)
    if isinstance(comp, (gr.Radio, gr.Dropdown)) and comp.choices:
        return one_of(key, [c[1] if isinstance(c, (tuple, list)) else c for c in comp.choices])
    if isinstance(comp, gr.Textbox):
        return text_up_to(key, MAX_TEXT)
    raise TypeError(f"no check for {type(comp).__name__} {key!r}: pass check=")


def model_range(field: str, attr: str, lo: int = 1, offset: int = 0) -> Callable:
    """A whole number from lo to the linked model's attr (+ offset): a layer, a head, a position."""
    def check(text: str, env: LinkEnv) -> int:
        if env.info is None or not isinstance(env.info.get(attr), int):
            raise Refusal("inside.no_model")
        return checks.whole(checks.from_text(text, field), field, lo, env.info[attr] + offset)
    return check


def into(cls: type, name: str) -> Callable:
    """A store that puts the value in a field of a feature's state (for a view drawn from that state)."""
    def store(env: LinkEnv, value) -> None:
        setattr(env.session.state(cls), name, value)
    return store


def model_key(text: str, env: LinkEnv, blank: bool = False) -> str:
    """gpt-small (or pretrained:gpt-small) -> its picker key; a run or an upload lives in one session."""
    if blank and text == "":
        return ""
    key = text if ":" in text else PRETRAINED + text
    if not key.startswith(PRETRAINED):
        raise Refusal("link.session_model", model=checks._short(text))
    if key not in {k for _, k in env.session.model_choices("en")}:
        raise Refusal("refuse.unknown_model", key=checks._short(text))
    return key


def compare_key(text: str, env: LinkEnv) -> str:
    """A second model, or none (the empty text)."""
    return model_key(text, env, blank=True)


def model_text(key, env: LinkEnv) -> str | None:
    """A picker key as a link names it; a session's own model cannot be named (the notice says so)."""
    if not key:
        return None
    if not key.startswith(PRETRAINED):
        raise Refusal("link.session_model", model=env.at(key).info["name"] if env.at(key).info else key)
    return key[len(PRETRAINED):]


def step_index(text: str, env: LinkEnv) -> int:
    """A training step of the model's timeline -> the step slider's position."""
    step = checks.whole(checks.from_text(text, "step"), "step", 0, 10**9)
    timeline = env.session.timeline(env.key) if env.key else None
    if timeline is None:
        raise Refusal("refuse.no_timeline", model=(env.info or {}).get("name", "–"))
    if step not in timeline.steps:
        raise Refusal("refuse.no_step", step=step, steps=", ".join(map(str, timeline.steps)))
    return timeline.steps.index(step)


def step_text(index, env: LinkEnv) -> str | None:
    """The slider's position as the training step it shows; None at the final weights (left out)."""
    timeline = env.session.timeline(env.key) if env.key else None
    if timeline is None or not isinstance(index, (int, float)) or not 0 <= index < len(timeline):
        return None
    return str(timeline.steps[int(index)])


def language(text: str, env: LinkEnv) -> str:
    value = text.strip().lower()
    if value == "en" or value.startswith("zh"):
        return "zh-CN" if value.startswith("zh") else "en"
    raise Refusal("refuse.choice", field="lang", value=checks._short(text), allowed=", ".join(LANGS))
