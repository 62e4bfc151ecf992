"""The boundary refuses any wrong type: every named endpoint, called through gradio_client with each
parameter in turn set to a value of each wrong JSON type, answers with a readable refusal, and the
server log stays quiet (a refusal is no fault); a real fault is logged once, with its traceback."""
import inspect
import json
import logging
import math
import types
import typing
import urllib.request

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from explorer.i18n import t

ALL = {"null": None, "true": True, "int": 7, "float": 1.5, "nan": math.nan, "inf": math.inf,
       "string": "abc", "huge string": "x" * 100_000, "list": [1, 2], "object": {"a": 1}}


def kinds(hint) -> set[str]:
    """The JSON kinds a parameter's annotation accepts."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return set().union(*(kinds(h) for h in typing.get_args(hint)))
    if hint is type(None):
        return {"null"}
    return {bool: {"true"}, int: {"int"}, float: {"int", "float", "nan", "inf"}, str: {"string", "huge string"},
            list: {"list"}}.get(typing.get_origin(hint) or hint, {"object"} if hint.__name__ == "FileData" else set())


def wrong_values(param: inspect.Parameter, hint) -> dict:
    """Values of every JSON type the parameter does not take (NaN and inf for a float: out of range)."""
    ok = kinds(hint) - ({"nan", "inf"} if hint is float or "float" in str(hint) else set())
    if param.default is None:
        ok.add("null")
    return {name: v for name, v in ALL.items() if name not in ok}


def endpoints(demo) -> dict:
    """{api_name: (signature, type hints)} of every public endpoint, read from the functions themselves."""
    out = {}
    for fn in demo.fns.values():
        if fn.api_visibility == "public" and fn.api_name:
            target = fn.fn
            out[fn.api_name] = (inspect.signature(target), typing.get_type_hints(target))
    return out


def uploaded(url: str) -> dict:
    """A file the server holds as uploaded (gradio refuses, itself, a path nobody uploaded)."""
    r = httpx.post(f"{url}gradio_api/upload", files={"files": ("not-a-checkpoint.zip", b"not a zip")})
    return {"path": r.json()[0], "orig_name": "not-a-checkpoint.zip", "meta": {"_type": "gradio.FileData"}}


def probe_calls(url, demo):
    """(endpoint, parameter, kind, data): every parameter's default but the probed one."""
    required = {"key": "pretrained:bigram", "file": uploaded(url)}  # the parameters without a default
    for name, (sig, hints) in sorted(endpoints(demo).items()):
        params = [p for p in sig.parameters.values() if p.name != "request"]
        defaults = [required[p.name] if p.default is inspect.Parameter.empty else p.default for p in params]
        for i, p in enumerate(params):
            for kind, value in wrong_values(p, hints.get(p.name)).items():
                yield name, p.name, kind, defaults[:i] + [value] + defaults[i + 1:]


def call(url: str, name: str, data: list) -> tuple[str, object]:
    """POST the JSON as any HTTP client may (NaN and Infinity included, which gradio_client will not
    send), then read the event stream: ("complete" or "error", its data)."""
    body = json.dumps({"data": data}, allow_nan=True).encode()
    req = urllib.request.Request(f"{url}gradio_api/call/{name}", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        event_id = json.loads(r.read())["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/{name}/{event_id}", timeout=60) as r:
        lines = r.read().decode().splitlines()
    events = [line.removeprefix("event: ") for line in lines if line.startswith("event: ")]
    datas = [line.removeprefix("data: ") for line in lines if line.startswith("data: ")]
    return events[-1], json.loads(datas[-1]) if datas else None


def test_every_endpoint_refuses_every_wrong_type(app, capfd, caplog):
    url, demo = app
    calls = list(probe_calls(url, demo))
    assert len(calls) > 400 and {"train_start", "attention", "generate", "upload_checkpoint"} <= {n for n, *_ in calls}
    capfd.readouterr()
    wrong = []
    with caplog.at_level(logging.INFO, logger="explorer"):
        for name, param, kind, data in calls:
            event, out = call(url, name, data)
            message = (out or {}).get("error") if isinstance(out, dict) else None
            if event != "error":
                wrong.append(f"{name}({param}={kind}): accepted")
            elif not message or param not in message:  # a refusal names what was wrong
                wrong.append(f"{name}({param}={kind}): {message!r}")
    assert not wrong, "\n".join(wrong[:30]) + f"\n({len(wrong)} of {len(calls)} calls)"
    err = capfd.readouterr().err
    assert "Traceback" not in err, err[-3000:]
    faults = [r for r in caplog.records if r.name.startswith("explorer") and r.levelno >= logging.ERROR]
    assert not faults, faults[0].getMessage()


def test_a_real_fault_is_logged_once(app, capfd, caplog, monkeypatch):
    url, demo = app
    import explorer.api

    def broken(*args, **kwargs):
        raise RuntimeError("an injected fault")

    monkeypatch.setattr(explorer.api, "sample_text", broken)
    c = Client(url, verbose=False)
    capfd.readouterr()
    with caplog.at_level(logging.INFO, logger="explorer"), pytest.raises(AppError) as info:
        c.predict(api_name="/generate")
    assert t("error.internal", "en") in str(info.value)  # the visitor reads a message, not internals
    assert "injected" not in str(info.value)
    err = capfd.readouterr().err
    logged = [r for r in caplog.records if r.name.startswith("explorer") and r.exc_info]
    assert len(logged) == 1 and "an injected fault" in str(logged[0].exc_info[1])
    assert err.count("Traceback") == 0  # gradio printed none of its own
