"""Small helpers shared by the in-process tests (fixtures live in conftest.py)."""
import time
from types import SimpleNamespace

import pytest

from explorer.errors import Refusal


def refused(fn, *args, **kwargs) -> str:
    """The message key of the Refusal that fn(*args, **kwargs) raises (the test fails if none)."""
    with pytest.raises(Refusal) as info:
        fn(*args, **kwargs)
    return info.value.key


def wait_for(predicate, timeout=120.0) -> bool:
    """True as soon as predicate() is; the timeout only bounds a hung test (a machine under load may
    take many times longer than a quiet one, and a test must not fail for that)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def req(name="ui"):
    """What Gradio passes a handler as its request: only the session hash matters here."""
    return SimpleNamespace(session_hash=name)
