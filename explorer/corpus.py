"""tiny-shakespeare, read and encoded once per server and shared read-only by every feature. A new server
without it fetches it in the background (start_download, at start-up); status() says where that stands,
refusal() says it to a view's reader in their language, and the views registered with redraw() are drawn
again when it lands (wire_arrival). Imports no gradio at the top: the Train tab's actions use it too."""
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from model import data as D
from model.data import CharDataset, CorpusError, DownloadError, find_corpus, read_text

from .errors import Refusal
from .i18n import STRINGS, add, t

log = logging.getLogger("explorer")

MISSING, DOWNLOADING, FAILED, READY = "missing", "downloading", "failed", "ready"
TICK = 1.0        # seconds between a waiting page's looks at the download
MAX_WAIT = 120.0  # the Train tab's longest wait for it (the download has its own timeout; DNS has none)

add({  # key: (English, 简体中文)
    "corpus.downloading": ("Downloading tiny-shakespeare (1.1 MB)… this fills in by itself when it arrives.",
                           "正在下载 tiny-shakespeare(1.1 MB)……下载完成后这里会自动显示。"),
    "corpus.how": ("To supply it: put input.txt at {cache} and reload the page, or set "
                   "GPT_EXPLORER_CORPUS=/path/to/input.txt and restart the server. The file is {url} (sha256 {sha256}).",
                   "提供方法:把 input.txt 放到 {cache} 后刷新页面,或设置 GPT_EXPLORER_CORPUS=/path/to/input.txt "
                   "后重启服务器。文件地址:{url}(sha256 {sha256})。"),
    # why it is not there: corpus.why.<kind>, the kinds of model.data.DownloadError and of status()
    "corpus.why.timeout": ("{url} did not answer within {seconds} s", "{url} 在 {seconds} 秒内没有应答"),
    "corpus.why.checksum": ("the file downloaded from {url} is not tiny-shakespeare: its sha256 does not match, "
                            "so it was not kept", "从 {url} 下载的文件不是 tiny-shakespeare:sha256 校验不符,已丢弃"),
    "corpus.why.size": ("{url} sent more than {limit}, far more than tiny-shakespeare, so it was not kept",
                        "{url} 发来的数据超过 {limit},远大于 tiny-shakespeare,已丢弃"),
    "corpus.why.network": ("the download from {url} failed: {detail}", "从 {url} 下载失败:{detail}"),
    "corpus.why.write": ("the download could not be saved at {path}: {detail}", "下载的文件无法保存到 {path}:{detail}"),
    "corpus.why.setting": ("{name} must be a positive number of seconds (got {value})",
                           "{name} 必须是正的秒数(收到 {value})"),
    "corpus.why.env": ("GPT_EXPLORER_CORPUS points to {path}, which is not a file",
                       "GPT_EXPLORER_CORPUS 指向的 {path} 不是文件"),
    "corpus.why.absent": ("no copy was found and no download was started", "没有找到副本,也没有开始下载"),
    "corpus.why.other": ("it cannot be read: {detail}", "无法读取:{detail}"),
})

_datasets: dict[Path, CharDataset] = {}   # by resolved path: read-only once made
_lock = threading.Lock()


@dataclass(frozen=True)
class Status:
    """Where tiny-shakespeare stands: missing, downloading, failed or ready. kind and params say why it is
    not there (the string corpus.why.<kind>); reason says it in English, for the log and for errors."""
    state: str
    kind: str = ""
    params: dict = field(default_factory=dict)
    reason: str = ""


class Unavailable(CorpusError):
    """tiny-shakespeare is not on disk: status says whether it is on its way, and if not, why not."""

    def __init__(self, status: Status):
        super().__init__(status.reason)
        self.status = status


class Download:
    """The one background download of a process: started once, shared by every caller."""

    def __init__(self):
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.failed: Status | None = None

    def start(self, retry: bool = False) -> threading.Thread | None:
        """The running download, or a new one when the corpus is neither on disk nor named by
        $GPT_EXPLORER_CORPUS and none has failed (retry=True: even if one has). Returns at once."""
        with self.lock:
            if self.thread is not None and self.thread.is_alive():
                return self.thread
            if (self.failed is not None and not retry) or os.environ.get(D.ENV_VAR) or D.CACHE_FILE.is_file():
                return None  # it failed (say so, do not hammer), a path was named, or it is here
            self.failed = None
            self.thread = threading.Thread(target=self._run, name="corpus-download", daemon=True)
            self.thread.start()
            return self.thread

    def _run(self) -> None:
        try:
            path = D.download_shakespeare()
            log.info("tiny-shakespeare downloaded from %s to %s", D.corpus_url(), path)
            failed = None
        except DownloadError as e:
            log.warning("tiny-shakespeare could not be downloaded: %s", e)
            failed = Status(FAILED, e.kind, e.params, str(e))
        except Exception as e:  # noqa: BLE001 -- logged once; the views say it failed
            log.exception("downloading tiny-shakespeare failed")
            failed = Status(FAILED, "other", {"detail": str(e)}, str(e))
        with self.lock:
            self.failed = failed

    def snapshot(self) -> Status | None:
        """DOWNLOADING while it runs, the failure once it failed, else None."""
        with self.lock:
            if self.failed is not None:
                return self.failed
            if self.thread is not None and self.thread.is_alive():
                return Status(DOWNLOADING, reason="tiny-shakespeare is being downloaded")
            return None


_download = Download()


def start_download(retry: bool = False) -> threading.Thread | None:
    """Fetch tiny-shakespeare in the background if it is not here (server start-up calls this; once per
    process, concurrent callers share it). The thread, or None when none is needed or it already failed."""
    return _download.start(retry)


def _missing(fetching: Status | None, e: CorpusError) -> Status:
    if os.environ.get(D.ENV_VAR):  # the operator named a file: no download replaces it
        return Status(MISSING, "env", {"path": os.environ[D.ENV_VAR]}, str(e))
    return fetching or Status(MISSING, "absent", {}, str(e))


def status() -> Status:
    """Where tiny-shakespeare stands now (ready means it is on disk, not that it was read)."""
    fetching = _download.snapshot()  # before looking on disk: a download landing meanwhile reads as ready
    try:
        find_corpus(download=False)
        return Status(READY)
    except CorpusError as e:
        return _missing(fetching, e)


def shakespeare(download: bool = False) -> CharDataset:
    """The corpus encoded and split 90/10 as the lecture does. Found each call ($GPT_EXPLORER_CORPUS or the
    cache), read once; Unavailable when it is not there. download=True (the Train tab) joins the shared
    download, starting it again if it failed, and waits for it."""
    fetching = _download.snapshot()
    try:
        path = find_corpus(download=False).resolve()
    except CorpusError as e:
        thread = _download.start(retry=True) if download else None
        if thread is None:
            raise Unavailable(_missing(None if download else fetching, e)) from None
        thread.join(MAX_WAIT)
        return shakespeare(download=False)
    with _lock:
        if path not in _datasets:
            try:
                _datasets[path] = CharDataset(read_text(path), name=path.name)
            except OSError as e:
                raise CorpusError(str(e)) from None
        return _datasets[path]


def available() -> bool:
    """True when tiny-shakespeare is on disk (no download is tried)."""
    return status().state == READY


def why(st: Status, lang: str) -> str:
    """Why the corpus is not there, in lang."""
    key = f"corpus.why.{st.kind}"
    try:
        return t(key if key in STRINGS else "corpus.why.other", lang, **{"detail": st.reason, **st.params})
    except (KeyError, IndexError):  # params that do not fit the string: its English reason still does
        return t("corpus.why.other", lang, detail=st.reason)


def how(lang: str) -> str:
    """How an operator supplies the corpus by hand, in lang."""
    cache = D.CACHE_FILE
    try:
        cache = cache.relative_to(Path.cwd())
    except ValueError:
        pass
    return t("corpus.how", lang, cache=str(cache), url=D.SHAKESPEARE_URL, sha256=D.SHAKESPEARE_SHA256)


def refusal(key: str, e: CorpusError, downloading: str = "corpus.downloading") -> Refusal:
    """What a view shows instead of the corpus: `downloading` while it is on its way, else key with {why}
    it is missing and {how} to supply it (both in the reader's language)."""
    st = e.status if isinstance(e, Unavailable) else Status(MISSING, "other", {"detail": str(e)}, str(e))
    if st.state == DOWNLOADING:
        return Refusal(downloading)
    return Refusal(key, why=lambda lang: why(st, lang), how=how)


# the views that wait for it ------------------------------------------------------------------------
def _waiting_views(ctx) -> list:
    return ctx.store.resource("corpus.views", lambda limits: [])


def redraw(ctx, view: str, outputs: list, render, default, **options) -> None:
    """ctx.redraw(...) for a view that needs the corpus: it is also drawn again when the download ends."""
    ctx.redraw(view, outputs, render, default, **options)
    _waiting_views(ctx).append(ctx.refreshers[-1])  # the (outputs, refresh) ctx.redraw has just added


def wire_arrival(ctx) -> None:
    """One timer per page, switched on when the page is drawn while the download runs; at its first tick
    after the download ends, the views registered with redraw() are drawn again (filled in, or saying why
    not) and it stops. Call once every tab is built and before the language switch is wired."""
    import gradio as gr

    from .groups import QUIET, STATUS

    views = _waiting_views(ctx)
    if not views:
        return
    timer = gr.Timer(TICK, active=False)
    outputs, seen = [], set()
    for comp in (c for outs, _ in views for c in outs):
        if id(comp) not in seen:
            seen.add(id(comp))
            outputs.append(comp)
    # first of the page's refreshers: it looks before the views do, so a download that lands while they are
    # drawn leaves the timer on for one more tick rather than a "downloading…" notice that never goes away
    ctx.refreshers.insert(0, ([timer], lambda session, lang: [gr.update(active=status().state == DOWNLOADING)]))

    def corpus_arrival_tick(lang: str, request: gr.Request):
        """While the download runs, nothing; once it ended, every view that waited for it, and the timer off."""
        if status().state == DOWNLOADING:
            return [gr.skip()] * (len(outputs) + 1)
        session = ctx.session(request)
        drawn = {}
        for outs, refresh in views:
            drawn.update(zip(map(id, outs), refresh(session, lang)))
        return [drawn.get(id(c), gr.skip()) for c in outputs] + [gr.update(active=False)]

    timer.tick(corpus_arrival_tick, [ctx.lang], outputs + [timer], **STATUS, **QUIET)
