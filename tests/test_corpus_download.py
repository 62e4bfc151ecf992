"""A server without tiny-shakespeare downloads it by itself: the real file lands (sha256 checked), a wrong
file is refused and never kept, a server that never answers gives up after the timeout, the views say
"downloading…" meanwhile and fill in when it lands, and start-up does not wait for it. Every file comes
from an HTTP server on 127.0.0.1 started here; nothing reaches the internet."""
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from explorer import corpus
from explorer.errors import Refusal
from explorer.i18n import STRINGS
from model import data as D

from helpers import req, wait_for

WRONG = b"To be, or not to be: that is not the file.\n" * 2000


class Files:
    """What the test server answers, and how often it was asked."""

    def __init__(self, real: bytes):
        self.real = real
        self.release = threading.Event()  # /held answers once it is set
        self.stop = threading.Event()     # teardown: /silent and /held give up
        self.gets: dict[str, int] = {}

    def handler(self):
        files = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                files.gets[self.path] = files.gets.get(self.path, 0) + 1
                if self.path == "/silent":  # accepts the connection, never answers
                    files.stop.wait(60)
                    return
                if self.path == "/held":
                    files.release.wait(120)
                body = {"/input.txt": files.real, "/held": files.real, "/wrong.txt": WRONG}.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet
                pass

        return Handler


@pytest.fixture
def served(corpus_path):
    """(base url, Files): the real corpus (read from $GPT_EXPLORER_CORPUS now, never copied into the
    repository), a wrong file, and a server that never answers, on an ephemeral port of 127.0.0.1."""
    files = Files(Path(corpus_path).read_bytes())
    assert hashlib.sha256(files.real).hexdigest() == D.SHAKESPEARE_SHA256
    server = ThreadingHTTPServer(("127.0.0.1", 0), files.handler())
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", files
    files.stop.set()
    files.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def fresh(served, monkeypatch, tmp_path):
    """A process that has no corpus and never downloaded it: no $GPT_EXPLORER_CORPUS, the cache in
    tmp_path, a download of its own. Returns set_url(path) that points the download at the test server."""
    base, files = served
    monkeypatch.delenv(D.ENV_VAR, raising=False)
    monkeypatch.setattr(D, "CACHE_FILE", tmp_path / "cache" / "tinyshakespeare.txt")
    monkeypatch.setattr(corpus, "_download", corpus.Download())
    monkeypatch.setattr(corpus, "_datasets", {})
    monkeypatch.setenv(D.TIMEOUT_VAR, "5")

    def set_url(path: str) -> str:
        monkeypatch.setenv(D.URL_VAR, base + path)
        if path == "/held":  # the download waits for the test, however slow the machine
            monkeypatch.setenv(D.TIMEOUT_VAR, "120")
        return base + path
    return set_url


def leftovers() -> list[Path]:
    return sorted(D.CACHE_FILE.parent.glob("*")) if D.CACHE_FILE.parent.exists() else []


def test_the_real_file_lands_and_loads(fresh, served):
    fresh("/input.txt")
    assert corpus.status().state == corpus.MISSING
    thread = corpus.start_download()
    assert thread is not None and corpus.start_download() is thread  # concurrent callers share it
    thread.join(30)
    assert corpus.status().state == corpus.READY and corpus.available()
    assert hashlib.sha256(D.CACHE_FILE.read_bytes()).hexdigest() == D.SHAKESPEARE_SHA256
    assert leftovers() == [D.CACHE_FILE]  # no temporary file left beside it
    ds = corpus.shakespeare()
    assert ds.tokenizer.vocab_size == 65 and len(ds.text) == 1_115_394
    assert corpus.start_download() is None and served[1].gets == {"/input.txt": 1}  # once per process


def test_a_wrong_file_is_refused_and_not_kept(fresh, served):
    url = fresh("/wrong.txt")
    corpus.start_download().join(30)
    st = corpus.status()
    assert (st.state, st.kind) == (corpus.FAILED, "checksum") and "sha256" in st.reason and url in st.reason
    assert not D.CACHE_FILE.exists() and leftovers() == []
    assert corpus.start_download() is None  # a failure is said, not retried behind the reader's back
    with pytest.raises(D.DownloadError, match="not tiny-shakespeare"):
        D.download_shakespeare()
    from explorer.lecture.data import tab as DT
    stats = DT.views("en")[0]
    assert 'data-refusal="lec.data.no_corpus"' in stats and "is not tiny-shakespeare" in stats
    assert "GPT_EXPLORER_CORPUS" in stats and D.SHAKESPEARE_SHA256 in stats and "Train tab" not in stats
    zh = DT.views("zh-CN")[0]
    assert "sha256 校验不符" in zh and "刷新页面" in zh and "训练" not in zh
    assert served[1].gets == {"/wrong.txt": 2}


def test_a_server_that_never_answers_times_out(fresh, monkeypatch):
    url = fresh("/silent")
    monkeypatch.setenv(D.TIMEOUT_VAR, "1")
    t0 = time.monotonic()
    corpus.start_download().join(30)
    assert time.monotonic() - t0 < 1 + 4
    st = corpus.status()
    assert (st.state, st.kind) == (corpus.FAILED, "timeout") and st.reason == f"{url} did not answer within 1 s"
    assert corpus.why(st, "en") == f"{url} did not answer within 1 s"
    assert corpus.why(st, "zh-CN") == f"{url} 在 1 秒内没有应答"
    assert not D.CACHE_FILE.exists() and leftovers() == []
    monkeypatch.setenv(D.TIMEOUT_VAR, "soon")
    with pytest.raises(D.DownloadError, match="GPT_EXPLORER_CORPUS_TIMEOUT must be a positive number"):
        D.download_shakespeare()


def test_every_reason_reads_in_both_languages(fresh):
    fresh("/missing")
    with pytest.raises(D.DownloadError) as info:
        D.download_shakespeare()
    assert info.value.kind == "network" and "404" in str(info.value)
    for kind in ("timeout", "checksum", "size", "network", "write", "setting", "env", "absent", "other"):
        assert f"corpus.why.{kind}" in STRINGS
    st = corpus.Status(corpus.FAILED, info.value.kind, info.value.params, str(info.value))
    assert "404" in corpus.why(st, "en") and "下载失败" in corpus.why(st, "zh-CN")


def test_the_train_tab_joins_the_same_download(fresh, served):
    fresh("/held")
    thread = corpus.start_download()
    got = {}
    joiner = threading.Thread(target=lambda: got.update(ds=corpus.shakespeare(download=True)))
    joiner.start()
    time.sleep(0.2)
    assert joiner.is_alive() and corpus.status().state == corpus.DOWNLOADING
    served[1].release.set()
    joiner.join(30)
    thread.join(30)
    assert got["ds"].tokenizer.vocab_size == 65 and served[1].gets == {"/held": 1}


def timer_of(fn) -> int:
    """The position of the corpus timer among an event's outputs."""
    import gradio as gr
    return next(i for i, c in enumerate(fn.outputs) if isinstance(c, gr.Timer) and c.value == corpus.TICK)


@pytest.mark.slow
def test_start_up_does_not_wait_and_views_fill_in(fresh, served, tiny_assets):
    from explorer.limits import Limits
    from explorer.ui import build_ui

    fresh("/held")  # answers only when the test says so: the download is in progress until then
    demo = build_ui(tiny_assets, Limits())  # starts the download in the background and returns
    try:
        assert corpus.status().state == corpus.DOWNLOADING and corpus._download.thread.is_alive()
        assert wait_for(lambda: served[1].gets == {"/held": 1})  # asked for, not answered yet
        fns = {f.name: f for f in demo.fns.values()}
        batches, tick, load = fns["lecture_batches_ui"], fns["corpus_arrival_tick"], fns["set_language"]
        summary = batches.fn(4, 8, 1337, "train", "en", req("wait"))[0]
        assert 'data-refusal="corpus.downloading"' in summary and "Downloading tiny-shakespeare (1.1 MB)" in summary
        drawn = load.fn("zh-CN", req("wait"))  # the page opens while it downloads: its timer is switched on
        assert drawn[timer_of(load)]["active"] is True
        stats = next(o for c, o in zip(load.outputs, drawn) if c.elem_id == "lec-data-stats")
        assert "正在下载 tiny-shakespeare(1.1 MB)" in stats["value"]
        waiting = tick.fn("zh-CN", req("wait"))
        assert all(o.get("__type__") == "update" and len(o) == 1 for o in waiting)  # gr.skip(): nothing yet

        served[1].release.set()
        corpus._download.thread.join(30)
        assert corpus.status().state == corpus.READY
        filled = tick.fn("zh-CN", req("wait"))
        assert filled[timer_of(tick)]["active"] is False
        stats = next(o for c, o in zip(tick.outputs, filled) if c.elem_id == "lec-data-stats")
        assert "1,115,394" in stats and "data-refusal" not in stats
        summary = batches.fn(4, 8, 1337, "train", "en", req("wait"))[0]
        assert "data-refusal" not in summary and "1337" in summary
        assert load.fn("en", req("later"))[timer_of(load)]["active"] is False  # a page opened now never polls
    finally:
        demo.explorer_store.close_all()


def test_a_named_file_is_never_replaced_by_a_download(fresh, served, tmp_path, monkeypatch):
    fresh("/input.txt")
    monkeypatch.setenv(D.ENV_VAR, str(tmp_path / "nowhere.txt"))
    assert corpus.start_download() is None and served[1].gets == {}
    st = corpus.status()
    assert (st.state, st.kind) == (corpus.MISSING, "env") and "nowhere.txt" in corpus.why(st, "en")
    with pytest.raises(corpus.Unavailable):
        corpus.shakespeare(download=True)
    assert served[1].gets == {}


def test_views_say_downloading_in_their_own_words(fresh, served):
    from explorer.layers import compute as LC
    from explorer.lecture.bigram import compute as BC
    fresh("/held")
    corpus.start_download()
    for fn, key in ((LC.passage, "layers.corpus_downloading"), (BC.dataset, "corpus.downloading")):
        with pytest.raises(Refusal) as info:
            fn()
        assert info.value.key == key
    served[1].release.set()
    corpus._download.thread.join(30)
    assert len(LC.passage(0)) > 100 and BC.dataset().tokenizer.vocab_size == 65
