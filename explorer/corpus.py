"""tiny-shakespeare, read and encoded once per server and shared read-only by every feature."""
import threading
from pathlib import Path

from model.data import CharDataset, CorpusError, find_corpus, read_text

_datasets: dict[Path, CharDataset] = {}   # by resolved path: read-only once made
_lock = threading.Lock()


def shakespeare(download: bool = False) -> CharDataset:
    """The corpus encoded and split 90/10 as the lecture does. Found each call ($GPT_EXPLORER_CORPUS,
    the cache, or with download=True a download), read once; CorpusError when there is none."""
    try:
        path = find_corpus(download=download).resolve()
    except OSError as e:
        raise CorpusError(str(e)) from None
    with _lock:
        if path not in _datasets:
            try:
                _datasets[path] = CharDataset(read_text(path), name=path.name)
            except OSError as e:
                raise CorpusError(str(e)) from None
        return _datasets[path]


def available() -> bool:
    """True when tiny-shakespeare is on disk (no download is tried)."""
    try:
        find_corpus(download=False)
        return True
    except CorpusError:
        return False
