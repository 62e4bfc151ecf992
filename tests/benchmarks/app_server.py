"""The classroom benchmark's plumbing: python app.py in its own process, the memory and CPU of its process
tree, and two ways to call it: Gradio's queue protocol as the page speaks it, or gradio_client."""
import json
import os
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
LECTURE_EVENTS = ["lecture_data_encode_ui", "lecture_batches_ui", "lec_bigram_table", "lecture_trick_ui",
                  "lecture_scale_ui", "lecture_graph_ui", "lecture_ladder_ui"]  # no public API: called through the queue


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    total = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def cpu_seconds(pids) -> float:
    """User + system CPU time the processes have used so far (from /proc/<pid>/stat)."""
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / tick


def tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children[ppid].append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


class Server:
    """python app.py in its own process, as the Space runs it."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.proc = subprocess.Popen([sys.executable, "app.py", "--port", str(self.port)], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + 90
        while True:
            try:
                httpx.get(self.url + "config", timeout=2).raise_for_status()
                return
            except Exception:
                if time.monotonic() > end or self.proc.poll() is not None:
                    self.close()
                    raise RuntimeError("the app did not start")
                time.sleep(0.5)

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Page:
    """What a visitor's page can call: the public API (its parameters read once through gradio_client's
    view_api) and the page's own Lecture events (their inputs' values read from /config)."""

    def __init__(self, url: str):
        from gradio_client import Client
        self.url, self.base = url, url + "gradio_api/"
        cfg = httpx.get(url + "config", timeout=30).json()
        comps = {c["id"]: c for c in cfg["components"]}
        ids = {d.get("api_name"): d for d in cfg["dependencies"]}
        api = Client(url, verbose=False).view_api(return_format="dict", print_info=False)["named_endpoints"]
        # api_name -> (fn_index, trigger, [(parameter, default)])
        self.endpoints = {name.lstrip("/"): (ids[name.lstrip("/")]["id"], None,
                                             [(p["parameter_name"], p.get("parameter_default")) for p in info["parameters"]])
                          for name, info in api.items()}
        for name in LECTURE_EVENTS:
            if name not in ids:
                raise RuntimeError(f"the page has no event {name}")
            d = ids[name]
            self.endpoints[name] = (d["id"], d["targets"][0][0] if d["targets"] else None,
                                    [(None, comps[i].get("props", {}).get("value")) for i in d["inputs"]])


class QueueClient:
    """One visitor's connection, speaking Gradio's queue protocol (queue/join, then the event's messages
    from queue/data) as the page and gradio_client do, with one kept-alive HTTP connection and none of
    gradio_client's threads: its ~65 ms of CPU a call would be taken from the server it measures."""

    def __init__(self, page: Page, session_hash: str):
        self.page, self.session = page, session_hash
        self.http = httpx.Client(timeout=120)

    def _join(self, name: str, kwargs: dict) -> str:
        fn_index, trigger, params = self.page.endpoints[name]
        data = [kwargs.get(p, default) if p else default for p, default in params]
        r = self.http.post(self.page.base + "queue/join", json={"data": data, "fn_index": fn_index, "event_data": None,
                                                                "session_hash": self.session, "trigger_id": trigger})
        r.raise_for_status()
        return r.json()["event_id"]

    def messages(self, name: str, **kwargs):
        """Every output the event sends (a generator's each yield), ending with its last."""
        event_id = self._join(name, kwargs)
        with self.http.stream("GET", self.page.base + "queue/data", params={"session_hash": self.session}) as s:
            for line in s.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("event_id") != event_id:
                    continue
                if msg["msg"] == "process_generating":
                    yield msg["output"]
                elif msg["msg"] == "process_completed":
                    if not msg.get("success"):
                        raise RuntimeError(str(msg.get("output", {}).get("error") or msg.get("output"))[:200])
                    yield msg["output"]
                    return
        raise RuntimeError("the event stream ended before the event completed")

    def predict(self, name: str, **kwargs):
        last = None
        for last in self.messages(name, **kwargs):
            pass
        data = last["data"]
        return data[0] if len(data) == 1 else data


class GradioClient:
    """The same calls through gradio_client itself (--client gradio), to compare."""

    def __init__(self, page: Page, session_hash: str):
        from gradio_client import Client
        self.client = Client(page.url, verbose=False)
        self.raw = QueueClient(page, session_hash)  # the Lecture's events have no public API

    def messages(self, name: str, **kwargs):
        if name in LECTURE_EVENTS:
            yield from self.raw.messages(name, **kwargs)
            return
        job = self.client.submit(api_name="/" + name, **kwargs)
        yield from job
        yield job.result()

    def predict(self, name: str, **kwargs):
        if name in LECTURE_EVENTS:
            return self.raw.predict(name, **kwargs)
        return self.client.predict(api_name="/" + name, **kwargs)
