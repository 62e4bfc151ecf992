"""Answers every visitor shares. A Lecture section's views depend on their controls and language
only, and an inspection of a pretrained model (its weights shared by every session, never trained)
on its inputs only: when a teacher says "now move T to 16", thirty laptops ask the same question
within a second, and it is computed once.

SharedMemo is an LRU of such answers that also computes each key once when identical requests
arrive together (the later callers wait for the first, they do not compute it again). What it keeps
is shared by every caller: never mutate it; `fresh()` copies the dicts Gradio consumes."""
import threading
from collections import OrderedDict
from typing import Callable, Hashable


class SharedMemo:
    """A thread-safe LRU of at most maxsize answers, computed once per key even when asked at once."""

    def __init__(self, maxsize: int = 64):
        self.maxsize = maxsize
        self._lock = threading.Lock()
        self._done: OrderedDict = OrderedDict()
        self._pending: dict[Hashable, threading.Event] = {}
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], object]):
        """compute()'s answer for key: remembered, or computed now (once, however many ask)."""
        while True:
            with self._lock:
                if key in self._done:
                    self._done.move_to_end(key)
                    self.hits += 1
                    return self._done[key]
                waiting = self._pending.get(key)
                if waiting is None:  # nobody computes it: this caller does
                    self._pending[key] = threading.Event()
                    self.misses += 1
                    break
            waiting.wait()  # the first caller's answer (or its failure: then compute it here)
        try:
            value = compute()
        except BaseException:
            with self._lock:
                self._pending.pop(key).set()
            raise  # a refusal or a fault is never remembered
        with self._lock:
            self._done[key] = value
            while len(self._done) > self.maxsize:
                self._done.popitem(last=False)
            self._pending.pop(key).set()
        return value

    def clear(self) -> None:
        with self._lock:
            self._done.clear()


def fresh(outputs: list) -> list:
    """A remembered list of a handler's outputs, safe to return again: Gradio pops keys out of the
    update dicts it is given, so each caller gets its own copies (figures and text are only read)."""
    return [dict(o) if isinstance(o, dict) else o for o in outputs]


def shared_model(model) -> bool:
    """True for a pretrained model loaded once for every visitor (explorer/models.load_pretrained
    marks it): its answers may be shared. A session's run or upload, or a snapshot copied into a
    session's scratch model, is not."""
    return getattr(model, "_shared_by_all", False)


def shared_views(memo: SharedMemo, key, compute: Callable[[], list | str]) -> list | str:
    """A handler's outputs for key (its controls and language), remembered for every visitor; an
    unhashable key (an API caller's list where a number belongs) is just computed, and refused there."""
    try:
        hash(key)
    except TypeError:
        return compute()
    value = memo.get(key, compute)
    return fresh(value) if isinstance(value, list) else value
