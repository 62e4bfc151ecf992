"""The Layers tab's computations (tensors in, numpy out): the logit lens of a prompt, the surprise of
every character of a text (against a second model too), and the embedding tables in 2-D; each cached
per session by LayersState, so a language switch only redraws."""
import random
import threading
from dataclasses import dataclass, field

import numpy as np
import torch

from model import lens as L
from model.data import CorpusError

from .. import checks, corpus
from ..errors import Refusal
from ..picker import model_for, model_stamp
from ..prompts import resolve_prompt, unknown_refusal
from ..session import Session
from ..steps import api_step

TOP = 5                   # alternatives shown on hover
MAX_SURPRISE = 2000       # characters scored at once; a longer text is cut there, with a note
PASSAGE = 600             # characters of a passage from the validation split
# our own lines, in the corpus's play format (the corpus itself is never part of the code)
DEFAULT_TEXT = ("TEACHER:\nEach letter looks back at those before it, never ahead.\n\n"
                "PUPIL:\nThen tell me, master, which of them the model finds hard.\n")


def top_of(probs: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """The TOP most likely ids and their probabilities along the last axis."""
    p, ids = torch.topk(probs, min(TOP, probs.size(-1)), dim=-1)
    return ids.numpy(), p.double().numpy()


# the logit lens --------------------------------------------------------------------------------
@dataclass
class Lens:
    """What the residual stream predicts after the embeddings and after each block, for one prompt."""
    chars: list[str]        # the prompt's T characters (idx)
    vocab: list[str]
    next_ids: np.ndarray    # (T - 1,) the prompt's own next characters (its targets)
    top_ids: np.ndarray     # (L + 1, T, TOP)
    top_p: np.ndarray       # (L + 1, T, TOP)
    p_next: np.ndarray      # (L + 1, T) p of the actual next character; NaN at the last position
    mean_loss: np.ndarray   # (L + 1,) mean -log p_next over the prompt, nats (NaN with one character)
    residual: bool = True   # False: without residual connections x is each block's output, not a sum

    @property
    def rises(self) -> list[int]:
        """The layers whose mean loss is above the one before (the stream got worse there)."""
        return [i + 1 for i, d in enumerate(np.diff(self.mean_loss)) if d > 0]


def lens_of(model, ids: list[int], vocab: list[str]) -> Lens:
    """lm_head(ln_f(x)) at every point of the residual stream, as numpy (batch row 0)."""
    idx = torch.tensor([ids], dtype=torch.long)  # (1, T)
    probs = torch.softmax(L.logit_lens(model, idx)[:, 0].float(), dim=-1)  # (L + 1, T, V)
    T = len(ids)
    targets = torch.tensor(ids[1:], dtype=torch.long)  # (T - 1,)
    p_next = torch.full(probs.shape[:2], float("nan"), dtype=torch.float64)
    p_next[:, :T - 1] = probs[:, torch.arange(T - 1), targets].double()  # (L + 1, T - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_loss = (-np.log(p_next[:, :T - 1].numpy())).mean(1) if T > 1 else np.full(len(probs), np.nan)
    top_ids, top_p = top_of(probs)
    return Lens([vocab[i] for i in ids], vocab, targets.numpy(), top_ids, top_p, p_next.numpy(), mean_loss,
                bool(model.config.residual))


# per-character surprise --------------------------------------------------------------------------
@dataclass
class Scored:
    """One model's surprise at each character of a text but the first."""
    key: str
    nll: np.ndarray         # (N - 1,) nats
    top_ids: np.ndarray     # (N - 1, TOP)
    top_p: np.ndarray       # (N - 1, TOP)
    vocab: list[str]
    stride: int
    min_context: int
    block_size: int

    @property
    def mean(self) -> float:
        return float(self.nll.mean())


def score(model, tokenizer, key: str, text: str) -> Scored:
    """-log p(char | the characters before it, at most block_size) for text[1:], with model/lens.py."""
    ids = torch.tensor(tokenizer.encode(text), dtype=torch.long)  # (N,)
    s = L.surprise(model, ids, stride=L.stride_for(model, len(ids)))
    top_ids, top_p = top_of(s.probs)
    return Scored(key, s.nll.double().numpy(), top_ids, top_p, tokenizer.chars, s.stride, s.min_context,
                  model.config.block_size)


@dataclass
class Surprise:
    """A text as scored: by the picked model, and by the one it is compared with (or None)."""
    text: str
    cut: int                # characters dropped from the end (the text was longer than MAX_SURPRISE)
    main: Scored
    other: Scored | None = None

    @property
    def delta(self) -> np.ndarray | None:
        """(N - 1,) the picked model's loss minus the other's: negative where the picked one does better."""
        return None if self.other is None else self.main.nll - self.other.nll


def text_for(text, tokenizers, drop_unknown: bool) -> tuple[str, int]:
    """(the text to score, characters cut from its end): checked, unknown characters refused (or dropped)
    for every model, cut to MAX_SURPRISE, at least 2 characters."""
    text = checks.text(text, "text")
    unknown = list(dict.fromkeys(c for tok in tokenizers for c in tok.unknown_chars(text)))
    if unknown and not drop_unknown:
        raise unknown_refusal(unknown)
    for tok in tokenizers:
        text = tok.clean(text)
    cut = max(0, len(text) - MAX_SURPRISE)
    if len(text) < 2:
        raise Refusal("layers.too_short")
    return text[:MAX_SURPRISE], cut


def passage(seed: int | None = None) -> str:
    """PASSAGE characters of the validation split (the corpus's last 10%), from a random line start."""
    try:
        data = corpus.shakespeare()
    except CorpusError as e:
        raise corpus.refusal("layers.no_corpus", e, downloading="layers.corpus_downloading") from None
    val = data.val_data
    rng = random.Random(seed)
    start = rng.randrange(0, max(1, len(val) - 2 * PASSAGE))
    chunk = data.tokenizer.decode(val[start:start + 2 * PASSAGE].tolist())
    line = chunk.find("\n\n")  # begin at a speaker, as the corpus's plays do
    return chunk[line + 2 if 0 <= line < PASSAGE else 0:][:PASSAGE]


# embeddings ------------------------------------------------------------------------------------
KINDS = ("vowel", "consonant", "capital", "punctuation", "space")


def char_kind(c: str) -> str:
    """Which group a character's point is coloured by."""
    if c.isspace():
        return "space"
    if c.isupper():
        return "capital"
    if c.islower():
        return "vowel" if c in "aeiou" else "consonant"
    return "punctuation"  # digits and symbols too


@dataclass
class Embeddings:
    """The token table's rows in 2-D, and the learned positions' cosine similarities."""
    chars: list[str]
    kinds: list[str]
    xy: np.ndarray          # (V, 2) PCA of wte (V, C), or of the bigram's (V, V) table
    explained: np.ndarray   # (2,) fraction of the variance along each axis
    cosine: np.ndarray | None  # (block_size, block_size) for a GPT; None for the bigram
    bigram: bool
    width: int              # the table's columns: C (n_embd), or V for the bigram


def embeddings_of(model, vocab: list[str]) -> Embeddings:
    table = L.token_table(model)  # (V, C), or (V, V) for the bigram
    p = L.pca(table)
    cos = L.position_cosine(model)
    return Embeddings(list(vocab), [char_kind(c) for c in vocab], p.xy.numpy(), p.explained.numpy(),
                      None if cos is None else cos.numpy(), not L.has_blocks(model), int(table.shape[1]))


# the session's cache -----------------------------------------------------------------------------
@dataclass
class LayersState:
    """Per session: the last lens, surprise and embeddings computed, each by what it was computed from."""
    lock: threading.RLock = field(default_factory=threading.RLock)
    keys: dict = field(default_factory=dict)      # view -> the key its value was computed for
    values: dict = field(default_factory=dict)    # view -> Lens / Surprise / Embeddings

    def get(self, view: str, key: tuple, make):
        """The view's value for key, computed by make() only when key changed."""
        with self.lock:
            if self.keys.get(view) != key:
                self.values[view], self.keys[view] = make(), key
            return self.values[view]


def lens(session: Session, key, prompt, step=None, drop_unknown: bool = False):
    """(Lens, Prompt, model, info) of the picked model; Refusal("layers.no_layers") for the bigram."""
    step = api_step(step)
    model, tokenizer, info = model_for(session, key, step)
    if not L.has_blocks(model):
        raise Refusal("layers.no_layers")
    p = resolve_prompt(tokenizer, prompt, model.config.block_size, drop_unknown)
    ck = (info["key"], model_stamp(model), step, tuple(p.ids))
    return session.state(LayersState).get("lens", ck, lambda: lens_of(model, p.ids, tokenizer.chars)), p, model, info


def surprise(session: Session, key, text, compare=None, step=None, drop_unknown: bool = False):
    """(Surprise, info, compare info or None) of a text under the picked model and, if given, another."""
    step = api_step(step)
    model, tokenizer, info = model_for(session, key, step)
    other = model_for(session, compare) if compare else None  # the other model's final weights
    text, cut = text_for(text, [tokenizer] + ([other[1]] if other else []), drop_unknown)
    ck = (info["key"], model_stamp(model), step, other and (other[2]["key"], model_stamp(other[0])), text)

    def make():
        main = score(model, tokenizer, info["key"], text)
        return Surprise(text, cut, main, score(other[0], other[1], other[2]["key"], text) if other else None)
    return session.state(LayersState).get("surprise", ck, make), info, other and other[2]


def embeddings(session: Session, key, step=None):
    """(Embeddings, model, info) of the picked model."""
    step = api_step(step)
    model, tokenizer, info = model_for(session, key, step)
    ck = (info["key"], model_stamp(model), step)
    return session.state(LayersState).get("embeddings", ck, lambda: embeddings_of(model, tokenizer.chars)), model, info
