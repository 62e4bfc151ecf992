"""What the data section computes: tiny-shakespeare's numbers (derived once per dataset from the one
corpus cache, explorer/corpus.py), and the playground's checks of what it is asked to encode or decode."""
import re
import threading
import weakref
from dataclasses import dataclass

from model.data import CharDataset, CorpusError
from model.lecture.data import character_counts, corpus_stats, split_at
from model.tokenizer import CharTokenizer

from ... import corpus as shared
from ...errors import Refusal

MAX_TEXT = 1000       # characters the playground encodes at once
MAX_IDS = 1000        # ids it decodes at once
AROUND = 60           # characters shown on each side of the split


@dataclass(frozen=True)
class Corpus:
    """tiny-shakespeare as the section shows it: the dataset and what is counted in it (read-only)."""
    dataset: CharDataset    # the tokenizer, train_data and val_data, get_batch
    counts: list            # how often each id occurs
    stats: dict             # corpus_stats(text)
    split: tuple            # split_at(text, AROUND): (n, line, before, after)

    @property
    def name(self) -> str:
        return self.dataset.name

    @property
    def text(self) -> str:
        return self.dataset.text

    @property
    def tokenizer(self) -> CharTokenizer:
        return self.dataset.tokenizer


_derived: "weakref.WeakKeyDictionary[CharDataset, Corpus]" = weakref.WeakKeyDictionary()  # by dataset
_lock = threading.Lock()


def corpus() -> Corpus:
    """tiny-shakespeare from disk ($GPT_EXPLORER_CORPUS or the cache; never downloaded here), or a Refusal:
    "downloading…" while the server fetches it, else lec.data.no_corpus saying why and how to supply it.
    Counted once per dataset; a missing file is looked for again next call."""
    try:
        ds = shared.shakespeare(download=False)
    except CorpusError as e:
        raise shared.refusal("lec.data.no_corpus", e) from None
    with _lock:
        found = _derived.get(ds)
        if found is None:
            V = ds.tokenizer.vocab_size
            counts = character_counts(ds.train_data, ds.val_data, V).tolist()
            found = _derived[ds] = Corpus(ds, counts, corpus_stats(ds.text), split_at(ds.text, AROUND))
        return found


def check_text(text) -> str:
    """The playground's text box: text of at most MAX_TEXT characters (None is empty)."""
    if text is not None and not isinstance(text, str):
        raise Refusal("lec.data.not_text")
    text = text or ""
    if len(text) > MAX_TEXT:
        raise Refusal("lec.data.too_long", limit=f"{MAX_TEXT:,}", n=f"{len(text):,}")
    return text


def parse_ids(raw) -> list[int]:
    """'46, 47, 47', '[46 47 47]' or 'tensor([46, 47])' as a list of ints; anything else is refused."""
    if raw is None:
        return []
    if not isinstance(raw, str):
        raise Refusal("lec.data.not_text")
    if len(raw) > 8 * MAX_IDS:
        raise Refusal("lec.data.too_long", limit=f"{8 * MAX_IDS:,}", n=f"{len(raw):,}")
    tokens = [s for s in re.split(r"[\s,;\[\]()]+", raw.strip().removeprefix("tensor")) if s]
    if len(tokens) > MAX_IDS:
        raise Refusal("lec.data.too_many", limit=f"{MAX_IDS:,}", n=f"{len(tokens):,}")
    for s in tokens:
        if not re.fullmatch(r"[+-]?\d{1,30}", s):
            raise Refusal("lec.data.bad_id", token=repr(s[:20]))
    return [int(s) for s in tokens]


def check_ids(ids: list[int], vocab_size: int) -> list[int]:
    """ids all in 0..V-1; otherwise a Refusal naming every one outside it."""
    bad = list(dict.fromkeys(i for i in ids if not 0 <= i < vocab_size))
    if bad:
        raise Refusal("lec.data.out_of_range", ids=", ".join(map(str, bad[:20])), hi=vocab_size - 1, V=vocab_size)
    return ids
