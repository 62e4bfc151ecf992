"""What the bigram section computes on (the corpus, the trained and an untrained bigram) and what each
of its four views shows, as numpy and plain values, its arguments checked: a bad value is a Refusal the
section shows as a notice."""
from dataclasses import dataclass

import numpy as np
import torch

from model.bigram import BigramLanguageModel
from model.checkpoint import CheckpointError
from model.data import CharDataset, CorpusError
from model.lecture.bigram import bigram_table, cross_entropy, fresh_bigram, generate, loss_chain, row_entropy

from ... import checks, corpus
from ...errors import Refusal
from ...limits import MAX_SEED
from ...models import list_pretrained
from ...session import Session

BIGRAM = "bigram"                 # the pretrained checkpoint: assets/bigram
B, T = 4, 8                       # the batch the chain is shown on
BASE_B = 128                      # rows of the batch the baseline is measured on (BASE_B * T positions)
MAX_NEW_TOKENS = 500              # characters per sample (two samples per request): below limits.MAX_NEW_TOKENS
WHICH, VIEWS = ("trained", "fresh"), ("probs", "logits")
DEFAULT_ROW = "q"


# what the views compute on ------------------------------------------------------------------
def dataset() -> CharDataset:
    """tiny-shakespeare, encoded and split as the lecture does (the one shared copy); never downloaded here
    ("downloading…" while the server fetches it)."""
    try:
        return corpus.shakespeare(download=False)
    except CorpusError as e:
        raise corpus.refusal("lec.bigram.no_corpus", e) from None


def trained(session: Session) -> tuple[BigramLanguageModel, list[str]]:
    """The pretrained bigram (shared, read-only) and its vocabulary, or a readable refusal."""
    info = list_pretrained(session.assets).get(BIGRAM)
    if not info or info.get("model_type") != "bigram":
        raise Refusal("lec.bigram.no_checkpoint")
    try:
        model, tokenizer, _ = session.get_model(f"pretrained:{BIGRAM}")
    except (CheckpointError, OSError, Refusal):
        raise Refusal("lec.bigram.no_checkpoint") from None
    return model, tokenizer.chars


def vocabulary(session: Session) -> list[str]:
    """The corpus's characters (the trained bigram's when there is no corpus)."""
    try:
        return dataset().tokenizer.chars
    except Refusal:
        return trained(session)[1]


def seed_of(value, field: str = "seed") -> int:
    return checks.whole(value, field, 0, MAX_SEED)


def model_for_batch(session: Session, which: str, init_seed: int):
    """(model, chars, dataset) for the loss views: the trained bigram must share the corpus's vocabulary."""
    ds = dataset()
    chars = ds.tokenizer.chars
    if which == "fresh":
        return fresh_bigram(len(chars), init_seed), chars, ds
    model, model_chars = trained(session)
    if model_chars != chars:
        raise Refusal("lec.bigram.vocab_mismatch", n=len(model_chars), m=len(chars))
    return model, chars, ds


def batch(ds: CharDataset, seed: int, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return ds.get_batch("train", batch_size, T, generator=g)  # (B, T), (B, T)


# the four views: arguments checked here, each returns what its figures draw -------------------
@dataclass
class Table:
    which: str
    view: str
    chars: list[str]        # the shown bigram's vocabulary
    row: str                # the picked current character
    W: np.ndarray           # (V, V) logits
    P: np.ndarray           # (V, V) softmax rows
    rows: list              # [(which, (V,) probs or None)]: the picked row of each bigram


def table(session: Session, which, view, init_seed, row) -> Table:
    """The chosen bigram's table, and the picked row of both (the trained one's when it shares the vocabulary)."""
    which, view = checks.choice(which, "which", WHICH), checks.choice(view, "view", VIEWS)
    init_seed = seed_of(init_seed, "init seed")
    chars = vocabulary(session)
    fresh_W, fresh_P = bigram_table(fresh_bigram(len(chars), init_seed))
    try:
        model, trained_chars = trained(session)
        trained_P = bigram_table(model)[1] if trained_chars == chars else None
    except Refusal:
        model, trained_chars, trained_P = None, chars, None
    if which == "trained":
        if model is None:
            raise Refusal("lec.bigram.no_checkpoint")
        chars = trained_chars
        W, P = bigram_table(model)
    else:
        W, P = fresh_W, fresh_P
    if row is None or row == "":
        row = DEFAULT_ROW if DEFAULT_ROW in chars else chars[0]
    if not isinstance(row, str) or row not in chars:
        raise Refusal("refuse.choice", field="row", value=str(row)[:40], allowed="…")
    i = chars.index(row)
    rows = [("trained", None if trained_P is None else trained_P[i].numpy()), ("fresh", fresh_P[i].numpy())]
    if which == "trained" and trained_P is None:  # its own vocabulary: show its row alone
        rows = [("trained", P[i].numpy())]
    return Table(which, view, chars, row, W.numpy(), P.numpy(), rows)


@dataclass
class ChainView:
    chars: list[str]
    b: int
    t: int
    xb: np.ndarray          # (B, T)
    yb: np.ndarray          # (B, T)
    losses: np.ndarray      # (B, T) -log p[target] at every position
    logits: np.ndarray      # (V,) the table's row for xb[b, t]
    probs: np.ndarray       # (V,) softmax(logits)
    target: int             # yb[b, t]
    p_target: float
    term: float             # -log p_target
    mean: float             # losses.mean()
    ce: float               # F.cross_entropy over the batch


def chain(session: Session, which, batch_seed, b, t_, init_seed) -> ChainView:
    """logits -> softmax -> p[target] -> -log p at position (b, t) of a B x T batch, and the batch's mean."""
    which = checks.choice(which, "which", WHICH)
    batch_seed, init_seed = seed_of(batch_seed, "batch seed"), seed_of(init_seed, "init seed")
    b, t_ = checks.whole(b, "b", -10**9, 10**9), checks.whole(t_, "t", -10**9, 10**9)
    if not (0 <= b < B and 0 <= t_ < T):
        raise Refusal("lec.bigram.position", b=b, t=t_, B1=B - 1, T1=T - 1)
    model, chars, ds = model_for_batch(session, which, init_seed)
    xb, yb = batch(ds, batch_seed, B)
    c = loss_chain(model, xb, yb, b, t_)
    with torch.no_grad():
        ce = float(cross_entropy(model(xb)[0], yb))
    return ChainView(chars, b, t_, xb.numpy(), yb.numpy(), c.losses.numpy(), c.logits.numpy(), c.probs.numpy(),
                     c.target, c.p_target, c.term, c.mean, ce)


@dataclass
class Baseline:
    V: int
    fresh: np.ndarray           # -log p[target] at BASE_B x T positions, untrained
    trained: np.ndarray | None  # the same for the trained bigram (None without it)
    entropy: float              # the untrained rows' mean entropy
    std: float                  # the untrained table's std


def baseline(session: Session, batch_seed, init_seed) -> Baseline:
    """-log p[target] over BASE_B x T positions, untrained vs trained, beside ln V."""
    batch_seed, init_seed = seed_of(batch_seed, "batch seed"), seed_of(init_seed, "init seed")
    fresh, chars, ds = model_for_batch(session, "fresh", init_seed)
    xb, yb = batch(ds, batch_seed, BASE_B)
    fresh_terms = loss_chain(fresh, xb, yb, 0, 0).losses.flatten().numpy()
    try:
        model, _, _ = model_for_batch(session, "trained", init_seed)
        trained_terms = loss_chain(model, xb, yb, 0, 0).losses.flatten().numpy()
    except Refusal:
        trained_terms = None
    W, P = bigram_table(fresh)
    return Baseline(len(chars), fresh_terms, trained_terms, float(row_entropy(P).mean()), float(W.std()))


def samples(session: Session, sample_seed, length, init_seed) -> tuple[int, list]:
    """(seed, [(which, text or None, refusal or None)]): the untrained and the trained bigram, one seed."""
    seed = seed_of(sample_seed, "sampling seed")
    length = checks.whole(length, "max_new_tokens", 1, MAX_NEW_TOKENS)
    init_seed = seed_of(init_seed, "init seed")
    out = []
    for which in ("fresh", "trained"):
        try:
            if which == "fresh":
                chars = vocabulary(session)
                model = fresh_bigram(len(chars), init_seed)
            else:
                model, chars = trained(session)
        except Refusal as e:
            out.append((which, None, e))
            continue
        idx = torch.zeros((1, 1), dtype=torch.long)  # the lecture starts from token 0, a newline
        ids = generate(model, idx, length, torch.Generator().manual_seed(seed))
        out.append((which, "".join(chars[i] for i in ids[0, 1:].tolist()), None))  # the new characters
    return seed, out
