"""explorer/memo.py: answers shared by every visitor, computed once however many ask at once."""
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest

from explorer.inside import compute as inside
from explorer.memo import SharedMemo, fresh, shared_model, shared_views
from explorer.models import load_pretrained


def test_a_key_is_computed_once_when_many_ask_at_once():
    memo, calls, started = SharedMemo(8), [], threading.Event()

    def slow():
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return {"answer": 42}

    out = []
    threads = [threading.Thread(target=lambda: out.append(memo.get("k", slow))) for _ in range(10)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(calls) == 1 and len(out) == 10 and all(o is out[0] for o in out)
    assert (memo.hits, memo.misses) == (9, 1)


def test_a_failure_is_not_remembered_and_the_waiters_compute_it_themselves():
    memo, calls = SharedMemo(8), []

    def fails_once():
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.1)
            raise ValueError("first")
        return "second"

    results = []

    def ask():
        try:
            results.append(memo.get("k", fails_once))
        except ValueError as e:
            results.append(str(e))

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == ["first", "second", "second"] and len(calls) == 2
    assert memo.get("k", lambda: "never") == "second"


def test_least_recently_used_goes_first():
    memo = SharedMemo(2)
    memo.get("a", lambda: 1)
    memo.get("b", lambda: 2)
    memo.get("a", lambda: 0)   # a is used again: b is now the oldest
    memo.get("c", lambda: 3)
    assert memo.get("a", lambda: "recomputed") == 1
    assert memo.get("b", lambda: "recomputed") == "recomputed"


def test_fresh_copies_the_update_dicts_gradio_consumes():
    update, figure = {"__type__": "update", "value": 3}, object()
    memo = SharedMemo(2)
    first = shared_views(memo, ("k",), lambda: ["html", update, figure])
    first[1].pop("value")  # what Gradio's postprocess_update_dict does
    second = shared_views(memo, ("k",), lambda: ["never"])
    assert second[1] == {"__type__": "update", "value": 3} and second[2] is figure and second[0] == "html"
    assert fresh([1, {"a": 1}])[1] is not update


def test_an_unhashable_key_is_computed_each_time():
    memo, calls = SharedMemo(2), []
    for _ in range(2):
        shared_views(memo, ([1, 2], "en"), lambda: calls.append(1) or ["x"])
    assert len(calls) == 2 and memo.misses == 0


def test_only_pretrained_models_are_shared(store):
    model, tokenizer, _ = load_pretrained(store.assets / "gpt-small")
    assert shared_model(model)
    assert not shared_model(SimpleNamespace())


def test_a_pretrained_models_attention_is_computed_once_for_every_session(store):
    model, tokenizer, _ = load_pretrained(store.assets / "gpt-small")
    ids = tokenizer.encode("hello there")
    a = inside.attention(model, ids, list("hello there"))
    b = inside.attention(model, ids, list("hello there"))
    assert a is b
    with pytest.raises(ValueError):  # shared, so read-only: nobody can change another's view
        a.softmax[0, 0, 0, 0] = 1.0
    logits = inside.last_logits(model, ids)
    assert logits is inside.last_logits(model, ids) and not logits.flags.writeable
    panel = inside.panel(logits, 1.0, None, None)  # drawing from read-only logits still works
    assert np.isclose(panel.probs.sum(), 1.0)
