"""What the bigram section computes on (the corpus, the trained and an untrained bigram) and its four
views, each with its arguments checked: a bad value is a Refusal the section shows as a notice."""
import math
import threading
from pathlib import Path

import gradio as gr
import torch

from model.bigram import BigramLanguageModel
from model.checkpoint import CheckpointError
from model.data import CharDataset, CorpusError, find_corpus, read_text
from model.lecture.bigram import bigram_table, cross_entropy, fresh_bigram, generate, loss_chain, row_entropy

from ..errors import Refusal
from ..i18n import t
from ..inside import number
from ..models import list_pretrained
from ..session import Session
from . import bigram_views as views

BIGRAM = "bigram"                 # the pretrained checkpoint: assets/bigram
B, T = 4, 8                       # the batch the chain is shown on
BASE_B = 128                      # rows of the batch the baseline is measured on (BASE_B * T positions)
MAX_SEED = 2**31 - 1
MAX_NEW_TOKENS = 500              # characters per sample (two samples per request)
WHICH, VIEWS = ("trained", "fresh"), ("probs", "logits")
DEFAULTS = dict(which="trained", view="probs", init_seed=0, row="q", chain_which="trained", batch_seed=1337,
                b=0, t=0, sample_seed=1337, length=200)

_datasets: dict[Path, CharDataset] = {}   # the corpus, read once and shared read-only
_datasets_lock = threading.Lock()


# what the views compute on ------------------------------------------------------------------
def dataset() -> CharDataset:
    """tiny-shakespeare, encoded and split as the lecture does; never downloaded here."""
    try:
        path = find_corpus(download=False).resolve()
        with _datasets_lock:
            if path not in _datasets:
                _datasets[path] = CharDataset(read_text(path), name=path.name)
            return _datasets[path]
    except (CorpusError, OSError):
        raise Refusal("lec.bigram.no_corpus") from None


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


def choice(value, field: str, allowed: tuple) -> str:
    if value not in allowed:
        raise Refusal("refuse.choice", field=field, value=str(value)[:40], allowed=", ".join(allowed))
    return value


def whole(value, field: str, lo: int, hi: int) -> int:
    """A whole number in [lo, hi] from the UI or the API; inf and NaN refused like any non-number."""
    if isinstance(value, float) and not math.isfinite(value):
        raise Refusal("refuse.number", field=field, value=value)
    return number(value, field, lo, hi, integer=True)


def seed_of(value, field: str = "seed") -> int:
    return whole(value, field, 0, MAX_SEED)


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


# the four views: arguments checked here, each returns its outputs ---------------------------
def table_view(session: Session, which, view, init_seed, row, lang: str) -> list:
    """[heatmap, row HTML, dropdown update] for the chosen bigram's table."""
    which, view = choice(which, "which", WHICH), choice(view, "view", VIEWS)
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
        row = DEFAULTS["row"] if DEFAULTS["row"] in chars else chars[0]
    if not isinstance(row, str) or row not in chars:
        raise Refusal("refuse.choice", field="row", value=str(row)[:40], allowed="…")
    i = chars.index(row)
    name = t(f"lec.bigram.{which}_short", lang)
    title = t(f"lec.bigram.heat_{view}", lang, model=name, V=len(chars))
    fig = views.table_heatmap(W.numpy(), P.numpy(), chars, view, title, lang)
    rows = [(t("lec.bigram.trained_short", lang), None if trained_P is None else trained_P[i].numpy()),
            (t("lec.bigram.fresh_short", lang), fresh_P[i].numpy())]
    if which == "trained" and trained_P is None:  # its own vocabulary: show its row alone
        rows = [(name, P[i].numpy())]
    dropdown = gr.update(choices=[(views.show(c), c) for c in chars], value=row)
    return [fig, views.row_html(chars, i, rows, lang), dropdown]


def chain_view(session: Session, which, batch_seed, b, t_, init_seed, lang: str) -> list:
    """[batch HTML, chain HTML, mean HTML] at position (b, t) of a B x T batch."""
    which = choice(which, "which", WHICH)
    batch_seed, init_seed = seed_of(batch_seed, "batch seed"), seed_of(init_seed, "init seed")
    b, t_ = whole(b, "b", -10**9, 10**9), whole(t_, "t", -10**9, 10**9)
    if not (0 <= b < B and 0 <= t_ < T):
        raise Refusal("lec.bigram.position", b=b, t=t_, B1=B - 1, T1=T - 1)
    model, chars, ds = model_for_batch(session, which, init_seed)
    xb, yb = batch(ds, batch_seed, B)
    chain = loss_chain(model, xb, yb, b, t_)
    with torch.no_grad():
        ce = float(cross_entropy(model(xb)[0], yb))
    x = int(xb[b, t_])
    return [views.batch_html(xb.numpy(), yb.numpy(), chain.losses.numpy(), chars, b, t_, lang),
            views.chain_html(chain, chars, b, t_, x, lang),
            views.mean_html(chain.mean, ce, B, T, len(chars), lang)]


def baseline_view(session: Session, batch_seed, init_seed, lang: str) -> list:
    """[numbers HTML, histogram] of -log p[target] over BASE_B x T positions, untrained vs trained."""
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
    V = len(chars)
    numbers = views.baseline_html(V, float(fresh_terms.mean()),
                                  None if trained_terms is None else float(trained_terms.mean()),
                                  float(row_entropy(P).mean()), float(W.std()), BASE_B * T, lang)
    return [numbers, views.loss_histogram(fresh_terms, trained_terms, V, BASE_B, T, lang)]


def sample_view(session: Session, sample_seed, length, init_seed, lang: str) -> str:
    """The two samples side by side: the untrained bigram and the trained one, the same seed."""
    seed = seed_of(sample_seed, "sampling seed")
    length = whole(length, "max_new_tokens", 1, MAX_NEW_TOKENS)
    init_seed = seed_of(init_seed, "init seed")
    columns = []
    for which in ("fresh", "trained"):
        title = t("lec.bigram.sample_title", lang, model=t(f"lec.bigram.{which}_short", lang), seed=seed)
        try:
            if which == "fresh":
                chars = vocabulary(session)
                model = fresh_bigram(len(chars), init_seed)
            else:
                model, chars = trained(session)
        except Refusal as e:
            columns.append((title, None, e.message(lang)))
            continue
        idx = torch.zeros((1, 1), dtype=torch.long)  # the lecture starts from token 0, a newline
        out = generate(model, idx, length, torch.Generator().manual_seed(seed))
        columns.append((title, "".join(chars[i] for i in out[0, 1:].tolist()), ""))  # the new characters
    return views.samples_html(columns, lang)
