"""Corpus loading (path, env var, cache, download), the 90/10 split and get_batch."""
import hashlib
import http.client
import os
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import torch

from .tokenizer import CharTokenizer

SHAKESPEARE_URL = "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"
SHAKESPEARE_SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"
ENV_VAR = "GPT_EXPLORER_CORPUS"
URL_VAR = "GPT_EXPLORER_CORPUS_URL"          # where the download comes from (a mirror, or a test's server)
TIMEOUT_VAR = "GPT_EXPLORER_CORPUS_TIMEOUT"  # seconds the download may take
DOWNLOAD_TIMEOUT = 20.0
MAX_DOWNLOAD_BYTES = 4 * 2**20  # tiny-shakespeare is 1.1 MB; anything far larger is not it
CACHE_FILE = Path(__file__).resolve().parent.parent / "assets" / "cache" / "tinyshakespeare.txt"
MAX_TEXT_CHARS = 5_000_000  # user text above this is refused (about 5 MB)


class CorpusError(ValueError):
    """The corpus cannot be found, read or used."""


class DownloadError(CorpusError):
    """The download failed; kind ("timeout", "checksum", "size", "network", "write", "setting") and params
    let the UI say why in the reader's language."""

    def __init__(self, kind: str, message: str, **params):
        super().__init__(message)
        self.kind, self.params = kind, params


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def corpus_url() -> str:
    """$GPT_EXPLORER_CORPUS_URL, else tiny-shakespeare's address on GitHub."""
    return os.environ.get(URL_VAR) or SHAKESPEARE_URL


def download_timeout() -> float:
    """$GPT_EXPLORER_CORPUS_TIMEOUT seconds (default 20)."""
    raw = os.environ.get(TIMEOUT_VAR)
    try:
        seconds = float(raw) if raw else DOWNLOAD_TIMEOUT
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise DownloadError("setting", f"${TIMEOUT_VAR} must be a positive number of seconds (got {raw!r})",
                            name=TIMEOUT_VAR, value=repr(raw))
    return seconds


def _fetch(url: str, timeout: float) -> bytes:
    """The body at url, read within timeout seconds (a server that accepts and never answers included)."""
    deadline = time.monotonic() + timeout
    late = DownloadError("timeout", f"{url} did not answer within {timeout:g} s", url=url, seconds=f"{timeout:g}")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # timeout: connect and each read
            chunks, size = [], 0
            while chunk := r.read(64 * 1024):
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise DownloadError("size", f"{url} sends more than {MAX_DOWNLOAD_BYTES:,} bytes; not using it",
                                        url=url, limit=f"{MAX_DOWNLOAD_BYTES // 2**20} MB")
                if time.monotonic() > deadline:  # a trickle that never ends
                    raise late
                chunks.append(chunk)
    except DownloadError:
        raise
    except TimeoutError:
        raise late from None
    except urllib.error.HTTPError as e:
        raise DownloadError("network", f"{url} answered {e.code} {e.reason}", url=url,
                            detail=f"HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError):
            raise late from None
        raise DownloadError("network", f"cannot reach {url} ({e.reason})", url=url, detail=str(e.reason)) from None
    except (OSError, ValueError, http.client.HTTPException) as e:  # ValueError: not a URL
        detail = str(e) or type(e).__name__
        raise DownloadError("network", f"cannot download {url} ({detail})", url=url, detail=detail) from None
    return b"".join(chunks)


def download_shakespeare(cache: Path | None = None, url: str | None = None, timeout: float | None = None) -> Path:
    """Download tiny-shakespeare into the cache (default CACHE_FILE, from corpus_url(), within
    download_timeout()), checked against its sha256: a wrong file is refused and never written."""
    cache = Path(cache or CACHE_FILE)
    url = url or corpus_url()
    data = _fetch(url, download_timeout() if timeout is None else timeout)
    if _sha256(data) != SHAKESPEARE_SHA256:
        raise DownloadError("checksum", f"the file at {url} is not tiny-shakespeare (sha256 {_sha256(data)}, "
                            f"expected {SHAKESPEARE_SHA256}); it was not kept", url=url)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=cache.name + ".", suffix=".tmp", dir=cache.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, cache)  # never leave half a file under the cache's name
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise DownloadError("write", f"cannot save the corpus at {cache} ({e})", path=str(cache),
                            detail=e.strerror or str(e)) from None
    return cache


def find_corpus(path: str | os.PathLike | None = None, download: bool = True) -> Path:
    """Find tiny-shakespeare: explicit path, $GPT_EXPLORER_CORPUS, the cache, then a download."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise CorpusError(f"corpus file not found: {p}")
        return p
    env = os.environ.get(ENV_VAR)
    if env:
        p = Path(env)
        if not p.is_file():
            raise CorpusError(f"${ENV_VAR} points to {p}, which is not a file")
        return p
    if CACHE_FILE.is_file():
        return CACHE_FILE
    tried = f"no path given, ${ENV_VAR} unset, no cache at {CACHE_FILE}"
    if download:
        try:
            return download_shakespeare()
        except CorpusError as e:
            tried += f", and the download failed ({e})"
    raise CorpusError(
        f"cannot find the tiny-shakespeare corpus ({tried}). Supply text in one of these ways: "
        f"pass a path (--data PATH), set {ENV_VAR}=/path/to/input.txt, put the file at {CACHE_FILE}, "
        f"or download {SHAKESPEARE_URL} there (sha256 {SHAKESPEARE_SHA256})."
    )


def read_text(path: str | os.PathLike, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Read a UTF-8 text file, refusing binary files and files over the size cap."""
    p = Path(path)
    if p.stat().st_size > 4 * max_chars:  # cheap check before reading a huge file
        raise CorpusError(f"{p.name} is too large (limit {max_chars:,} characters)")
    try:
        text = p.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise CorpusError(f"{p.name} is not UTF-8 text") from None
    return check_text(text, max_chars=max_chars)


def check_text(text: str, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Refuse text that is empty, binary-looking or over the size cap."""
    if not isinstance(text, str) or not text.strip():
        raise CorpusError("the text is empty")
    if len(text) > max_chars:
        raise CorpusError(f"the text has {len(text):,} characters; the limit is {max_chars:,}")
    if "\x00" in text:
        raise CorpusError("the text contains NUL bytes; it looks like a binary file, not text")
    return text


class CharDataset:
    """A corpus encoded as ids, split 90/10 into train and val, as in the lecture."""

    def __init__(self, text: str, tokenizer: CharTokenizer | None = None, name: str = "text",
                 ids: torch.Tensor | None = None):
        """ids, if given, are the text already encoded with tokenizer (it is not encoded again)."""
        self.text = text
        self.name = name
        self.tokenizer = tokenizer or CharTokenizer.from_text(text)
        data = ids if ids is not None else torch.tensor(self.tokenizer.encode(text), dtype=torch.long)
        n = int(0.9 * len(data))  # first 90% will be train, rest val
        self.train_data = data[:n]
        self.val_data = data[n:]

    @classmethod
    def from_path(cls, path=None, download: bool = True) -> "CharDataset":
        p = find_corpus(path, download=download)
        return cls(read_text(p), name=p.name)

    def check_block_size(self, block_size: int) -> None:
        """Both splits must hold more than block_size + 1 characters to cut a batch."""
        shortest = min(len(self.train_data), len(self.val_data))
        if shortest <= block_size + 1:
            need = (block_size + 2) * 10
            raise CorpusError(
                f"the text is too short for block_size {block_size}: the validation split (10%) has "
                f"{len(self.val_data)} characters; give at least {need:,} characters or lower block_size"
            )

    def get_batch(self, split: str, batch_size: int, block_size: int,
                  generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """A random batch (xb, yb) of shape (B, T); yb is xb shifted by one character."""
        data = self.train_data if split == "train" else self.val_data
        ix = torch.randint(len(data) - block_size, (batch_size,), generator=generator)  # (B,)
        offsets = ix[:, None] + torch.arange(block_size + 1)  # (B, T+1), one gather, no loop
        chunk = data[offsets]
        return chunk[:, :-1].contiguous(), chunk[:, 1:].contiguous()  # (B, T), (B, T)
