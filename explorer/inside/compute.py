"""Inside the model: the computations behind the Attention, Softmax and Sampling tabs (tensors in,
numpy out), and the per-session state they keep (InsideState)."""
import threading
from dataclasses import dataclass, field

import numpy as np
import torch

from model.sampling import GREEDY_BELOW, probs_from_logits, stream

from .. import checks
from ..errors import Refusal
from ..limits import MAX_SEED, MAX_TEMPERATURE
from ..memo import SharedMemo, shared_model
from ..picker import model_stamp  # noqa: F401 -- this package's name for it
from ..prompts import DEFAULT_PROMPT, Prompt, check_prompt, resolve_prompt  # noqa: F401 -- shared with the Layers tab
from ..session import Session

STAGES = ("raw", "scaled", "masked", "softmax")  # q @ k.T, * 1/sqrt(hs), causal mask, softmax
# what every visitor shares for the pretrained models: a trace of gpt-small at its full context keeps
# 4 stages of (4, 4, 128, 128) float32, 4 MB, so at most 16 of them (64 MB); logits are 65 floats
_SHARED_ATTENTION = SharedMemo(16)
_SHARED_LOGITS = SharedMemo(512)
MAX_TEMPERATURES = 6    # side-by-side panels in the Softmax tab
MAX_STEPS = 500         # step-by-step history kept for Back


def cutoffs(top_k, top_p, vocab_size: int) -> tuple[int | None, float | None]:
    """top_k 0 and top_p 1 mean off (None)."""
    k = checks.number(0 if top_k is None else top_k, "top_k", 0, vocab_size, integer=True)
    p = checks.number(1.0 if top_p is None else top_p, "top_p", 0.01, 1.0)
    return (k or None), (None if p >= 1.0 else p)


def entropy(p: np.ndarray, axis: int = -1) -> np.ndarray:
    """Shannon entropy in nats of distributions along axis (0 log 0 = 0): the loss's unit, so a uniform
    guess over V characters has ln V, as the loss of an untrained model does."""
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return terms.sum(axis=axis)


def entropy_bits(p: np.ndarray, axis: int = -1) -> np.ndarray:
    """The same in bits (the API keeps its *_bits fields)."""
    return entropy(p, axis) / np.log(2)


# attention ----------------------------------------------------------------------------------
@dataclass
class Attention:
    """One prompt's attention in every layer and head: (n_layer, n_head, T, T) per stage."""
    chars: list[str]
    raw: np.ndarray         # q @ k.T
    scaled: np.ndarray      # raw * hs**-0.5 (or raw, with the scale switched off)
    masked: np.ndarray      # wei_masked: scaled with -inf above the diagonal (unless unmasked)
    softmax: np.ndarray     # wei: rows sum to 1
    scale: bool = True
    causal: bool = True

    def stage(self, name: str) -> np.ndarray:
        if name not in STAGES:
            raise Refusal("refuse.choice", field="stage", value=name, allowed=", ".join(STAGES))
        return getattr(self, name)

    def shown(self, name: str) -> np.ndarray:
        """The stage as drawn: with the causal mask on, wei's future cells (exactly 0) are drawn as
        masked (-inf, blank) too, so the triangle the mask removed stays visible."""
        values = self.stage(name)
        if name == "softmax" and self.causal:
            T = values.shape[-1]
            values = np.where(np.tril(np.ones((T, T), dtype=bool)), values, -np.inf)
        return values


def attention(model, ids: list[int], chars: list[str], scale: bool = True, causal: bool = True) -> Attention:
    """Run the traced forward once and stack every layer's stages (batch row 0); for a pretrained
    model, once for every visitor who asks the same (its arrays are then read-only)."""
    if shared_model(model):
        return _SHARED_ATTENTION.get((id(model), tuple(ids), scale, causal),
                                     lambda: _frozen(_attention(model, ids, chars, scale, causal)))
    return _attention(model, ids, chars, scale, causal)


def _frozen(att: Attention) -> Attention:
    for name in STAGES:
        getattr(att, name).setflags(write=False)
    return att


def _attention(model, ids: list[int], chars: list[str], scale: bool, causal: bool) -> Attention:
    idx = torch.tensor([ids], dtype=torch.long)  # (1, T)
    tr = model.trace(idx, scale=scale, causal=causal)
    stack = lambda name: torch.stack([getattr(l, name)[0] for l in tr.layers]).float().numpy()  # (L, nh, T, T)
    raw, masked, wei = stack("scores"), stack("wei_masked"), stack("wei")
    hs = tr.layers[0].q.size(-1)
    scaled = raw * hs ** -0.5 if scale else raw.copy()
    return Attention(chars, raw, scaled, masked, wei, scale, causal)


# softmax ------------------------------------------------------------------------------------
def last_logits(model, ids: list[int]) -> np.ndarray:
    """The last position's logits (V,): what the lecture's generate() turns into probabilities (for a
    pretrained model, computed once for every visitor who asks, and read-only)."""
    if shared_model(model):
        return _SHARED_LOGITS.get((id(model), tuple(ids)), lambda: _frozen_array(_last_logits(model, ids)))
    return _last_logits(model, ids)


def _frozen_array(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _last_logits(model, ids: list[int]) -> np.ndarray:
    with torch.no_grad():
        logits, _ = model.next_logits(torch.tensor([ids], dtype=torch.long))
    return logits[0].float().numpy()


@dataclass
class Panel:
    """The next-character distribution at one temperature."""
    temperature: float
    full: np.ndarray        # (V,) softmax(logits / T) before any cut-off
    probs: np.ndarray       # (V,) after top-k / top-p, renormalised: what sampling draws from
    kept: np.ndarray        # (V,) bool
    entropy: float          # nats, of probs


def panel(logits: np.ndarray, temperature: float, top_k: int | None, top_p: float | None) -> Panel:
    x = torch.tensor(np.asarray(logits, dtype=np.float32))  # a copy: shared logits are read-only
    full = probs_from_logits(x, temperature).numpy()
    probs = probs_from_logits(x, temperature, top_k, top_p).numpy()
    kept = probs > 0
    if temperature <= GREEDY_BELOW:
        kept = full > 0
    return Panel(float(temperature), full.astype(np.float64), probs.astype(np.float64), kept,
                 float(entropy(probs)))


def parse_temperatures(values) -> list[float]:
    """1..MAX_TEMPERATURES temperatures from a list or a "0.5, 1, 1.5" string; each in [0, 5]."""
    if isinstance(values, str):
        parts = [v for v in values.replace(";", ",").replace(",", " ").split() if v]
        try:
            values = [float(v) for v in parts]
        except ValueError:
            raise Refusal("inside.temperatures", value=values) from None
    if not isinstance(values, (list, tuple)) or not 1 <= len(values) <= MAX_TEMPERATURES:
        raise Refusal("inside.temperatures", value=values)
    return [checks.number(v, "temperature", 0.0, MAX_TEMPERATURE) for v in values]


def distributions(logits: np.ndarray, temperatures, top_k, top_p) -> list[Panel]:
    """One Panel per temperature (each checked against the server's ranges)."""
    k, q = cutoffs(top_k, top_p, len(logits))
    return [panel(logits, T, k, q) for T in parse_temperatures(temperatures)]


# sampling -----------------------------------------------------------------------------------
def top_alternatives(probs: np.ndarray, chars: list[str], n: int = 5) -> list[tuple[str, float]]:
    order = np.argsort(-probs)[:n]
    return [(chars[i], float(probs[i])) for i in order if probs[i] > 0]


@dataclass
class Step:
    """One click of Next step: what the lecture's loop computes for one new character."""
    context: list[int]      # ids the model saw, cropped to block_size
    logits: np.ndarray      # (V,)
    probs: np.ndarray       # (V,) after temperature / top-k / top-p
    idx_next: int
    p_next: float
    rng_after: torch.Tensor  # the generator's state after drawing, so Next after Back is the same draw
    temperature: float = 1.0


def step_once(model, ids: list[int], temperature: float, top_k, top_p, generator: torch.Generator) -> Step:
    """One step of model/sampling.py's stream (no cache: a walk may go Back), kept with the generator's state."""
    idx = torch.tensor([ids], dtype=torch.long)  # (1, T)
    st = next(stream(model, idx, 1, temperature, top_k, top_p, generator=generator, use_cache=False))
    probs = st.probs[0].double().numpy()
    idx_next = int(st.idx_next[0, 0])
    return Step(st.context[0].tolist(), st.logits[0].float().numpy(), probs, idx_next, float(probs[idx_next]),
                generator.get_state(), temperature)


@dataclass
class Walk:
    """The step-by-step walkthrough of one session: the start and every step taken (for Back)."""
    key: str | None = None
    start: list[int] = field(default_factory=list)
    start_text: str = ""
    settings: tuple = ()
    seed: int = 0
    steps: list[Step] = field(default_factory=list)

    def ids(self) -> list[int]:
        return self.start + [s.idx_next for s in self.steps]


@dataclass
class InsideState:
    """Per session: the last attention trace and logits (so a stage, head or temperature change
    only redraws) and the step-by-step walk."""
    lock: threading.RLock = field(default_factory=threading.RLock)
    attention_key: tuple | None = None
    attention: Attention | None = None
    logits_key: tuple | None = None
    logits: np.ndarray | None = None
    walk: Walk = field(default_factory=Walk)
    softmax_lang: str | None = None       # the language the logits chart was last drawn in
    playing: bool = False                 # the Attention tab's Play walks the step slider...
    play_key: str | None = None           # ... of this model (picking another one stops it)


def cache_of(session: Session) -> InsideState:
    """The session's InsideState (it lives and dies with the session)."""
    return session.state(InsideState)


# drawing ------------------------------------------------------------------------------------
MAX_DRAWS = 200  # num_samples one call of torch.multinomial may ask for here


def draws(probs: np.ndarray, num_samples, replacement, seed) -> list[int]:
    """torch.multinomial(probs, num_samples, replacement): with replacement a character may come back;
    without, each at most once, so num_samples can't pass the characters with p > 0."""
    n = checks.whole(num_samples, "num_samples", 1, MAX_DRAWS)
    replacement = checks.boolean(replacement, "replacement")
    seed = checks.whole(seed, "seed", 0, MAX_SEED)
    p = torch.from_numpy(np.asarray(probs, dtype=np.float64))
    possible = int((p > 0).sum())
    if not replacement and n > possible:
        raise Refusal("soft.draw_too_many", n=n, possible=possible)
    return torch.multinomial(p, n, replacement=replacement, generator=torch.Generator().manual_seed(seed)).tolist()
