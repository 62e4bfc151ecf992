"""Checks of every value that crosses the boundary (a control, or an API caller who bypasses the
controls): the type first, then the range. Each refuses with a Refusal that names the field."""
import inspect
import math
import types
import typing
from functools import wraps

from .errors import Refusal, user_errors
from .i18n import t
from .limits import MAX_PROMPT, MAX_TEXT


def number(value, field: str, lo: float, hi: float, integer: bool = False):
    """A number in [lo, hi] (an int when integer=True); NaN, bools, strings and None are refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise Refusal("refuse.number", field=field, value=_short(value))
    if not lo <= value <= hi:  # first: an infinity is out of range, and int() of it would raise
        raise Refusal("refuse.range", field=field, value=value, lo=lo, hi=hi)
    if integer and int(value) != value:
        raise Refusal("refuse.integer", field=field, value=value)
    return int(value) if integer else float(value)


def whole(value, field: str, lo: int, hi: int) -> int:
    """A whole number in [lo, hi]; an infinity is refused as not a number (a count can't be one)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise Refusal("refuse.number", field=field, value=value)
    return number(value, field, lo, hi, integer=True)


def from_text(value, field: str):
    """A number typed as text ("32", " 0.5 ", as a form or an API caller may send it) as a float;
    other text is refused as not a number; any other value comes back as it is."""
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise Refusal("refuse.number", field=field, value=_short(value)) from None
    return value


def finite(value, field: str, integer: bool = False):
    """A finite number (an int when integer=True), whatever its range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Refusal("refuse.number", field=field, value=_short(value))
    if integer and int(value) != value:
        raise Refusal("refuse.integer", field=field, value=value)
    return int(value) if integer else float(value)


def choice(value, field: str, allowed) -> str:
    """One of allowed (exact match)."""
    if not isinstance(value, str) or value not in allowed:
        raise Refusal("refuse.choice", field=field, value=_short(value), allowed=", ".join(map(str, allowed)))
    return value


def boolean(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise Refusal("refuse.bool", field=field, value=_short(value))
    return value


def text(value, field: str, limit: int = MAX_TEXT) -> str:
    """A string of at most limit characters; None is the empty string."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Refusal("refuse.type", field=field, value=_short(value), kind=lambda lang: t("kind.text", lang))
    if len(value) > limit:
        raise Refusal("refuse.text_long", field=field, n=f"{len(value):,}", limit=f"{limit:,}")
    return value


def prompt(value) -> str:
    """A prompt: text of at most MAX_PROMPT characters (None is empty); anything else says what a
    prompt is."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Refusal("inside.prompt_type")
    if len(value) > MAX_PROMPT:
        raise Refusal("refuse.prompt_long", limit=MAX_PROMPT)
    return value


def _short(value) -> str:
    """A value as a message may quote it: at most 40 characters."""
    s = str(value)
    return s if len(s) <= 40 else s[:37] + "..."


# the API boundary ------------------------------------------------------------------------------
_KINDS = {str: "text", int: "whole", float: "number", bool: "bool", list: "list", dict: "object"}


def _accepts(hint, value) -> bool:
    """Whether a JSON value has the type a parameter's annotation names (range checks come later)."""
    if hint is inspect.Parameter.empty or hint is typing.Any:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_accepts(h, value) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is list:
        return isinstance(value, list)
    if origin is dict:
        return isinstance(value, dict)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool) or (
            isinstance(value, float) and math.isfinite(value) and value.is_integer())
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if isinstance(hint, type) and hint.__name__ == "FileData":  # an upload: {"path": ..., ...}
        return isinstance(value, dict) and isinstance(value.get("path"), str) or hasattr(value, "path")
    return True


def _kind(hint):
    """What a parameter takes, as its message says it in the reader's language."""
    args = [h for h in typing.get_args(hint) if h is not type(None)] or [hint]
    kinds = list(dict.fromkeys(_KINDS.get(typing.get_origin(h) or h, "file") for h in args))
    return lambda lang: t("kind.or", lang).join(t(f"kind.{k}", lang) for k in kinds)


def checked(fn):
    """An API endpoint that refuses, before it runs, any argument whose JSON type its signature does
    not name (gradio_client passes whatever the caller sends). Ranges are the endpoint's to check."""
    sig = inspect.signature(fn)
    hints = typing.get_type_hints(fn)

    def check(args, kwargs):
        bound = sig.bind_partial(*args, **kwargs)
        lang = bound.arguments.get("lang", "en")
        lang = lang if isinstance(lang, str) else "en"
        with user_errors(lang):
            for name, value in bound.arguments.items():
                hint = hints.get(name, inspect.Parameter.empty)
                if name == "request" or _accepts(hint, value):
                    continue
                if name == "lang":
                    raise Refusal("refuse.type", field="lang", value=_short(value), kind=lambda lang: '"en", "zh-CN"')
                raise Refusal("refuse.type", field=name, value=_short(value), kind=_kind(hint))

    if inspect.isgeneratorfunction(fn):
        @wraps(fn)
        def stream(*args, **kwargs):
            check(args, kwargs)
            yield from fn(*args, **kwargs)
        return stream

    @wraps(fn)
    def call(*args, **kwargs):
        check(args, kwargs)
        return fn(*args, **kwargs)
    return call
