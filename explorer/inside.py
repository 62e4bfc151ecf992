"""Inside the model: the computations behind the Attention, Softmax and Sampling tabs (tensors in,
numpy out), the checks on their inputs, and the per-session caches they keep."""
import threading
from dataclasses import dataclass, field

import numpy as np
import torch

from model.sampling import GREEDY_BELOW, probs_from_logits

from .errors import Refusal

STAGES = ("raw", "scaled", "masked", "softmax")  # q @ k.T, * 1/sqrt(hs), causal mask, softmax
MAX_PROMPT = 1000       # characters accepted in a prompt (only the last block_size are used)
MAX_NEW_TOKENS = 2000   # characters one streamed generation may ask for
MAX_TEMPERATURE = 5.0
MAX_TEMPERATURES = 6    # side-by-side panels in the Softmax tab
MAX_STEPS = 500         # step-by-step history kept for Back
VISIBLE = {" ": "␣", "\n": "↵", "\t": "⇥", "\r": "␍"}


def show_char(c: str) -> str:
    """A character as it should appear on an axis: space, newline and tab made visible."""
    return VISIBLE.get(c, c)


@dataclass
class Prompt:
    """A prompt as the model will see it."""
    ids: list[int]          # at most block_size ids; [0] for an empty prompt
    text: str               # the characters those ids stand for
    cropped: int = 0        # characters dropped from the front (prompt longer than block_size)
    empty: bool = False     # the prompt was empty: the lecture starts from token 0


def check_prompt(prompt) -> str:
    if prompt is None:
        return ""
    if not isinstance(prompt, str):
        raise Refusal("inside.prompt_type")
    if len(prompt) > MAX_PROMPT:
        raise Refusal("refuse.prompt_long", limit=MAX_PROMPT)
    return prompt


def resolve_prompt(tokenizer, prompt, block_size: int, drop_unknown: bool = False) -> Prompt:
    """The ids the model sees: unknown characters refused (or dropped), an empty prompt is token 0,
    a long one keeps its last block_size characters."""
    prompt = check_prompt(prompt)
    unknown = tokenizer.unknown_chars(prompt)
    if unknown and not drop_unknown:
        raise Refusal("inside.unknown", chars=" ".join(repr(c) for c in unknown[:12]))
    prompt = tokenizer.clean(prompt)
    if not prompt:
        return Prompt([0], tokenizer.decode([0]), 0, True)
    cropped = max(0, len(prompt) - block_size)
    text = prompt[cropped:]
    return Prompt(tokenizer.encode(text), text, cropped)


def number(value, name: str, lo: float, hi: float, integer: bool = False):
    """A number from the UI or the API, refused with a clear message when out of range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise Refusal("refuse.number", field=name, value=value)
    if not lo <= value <= hi:  # first: an infinity is out of range, and int() of it would raise
        raise Refusal("refuse.range", field=name, value=value, lo=lo, hi=hi)
    if integer and int(value) != value:
        raise Refusal("refuse.integer", field=name, value=value)
    return int(value) if integer else float(value)


def cutoffs(top_k, top_p, vocab_size: int) -> tuple[int | None, float | None]:
    """top_k 0 and top_p 1 mean off (None)."""
    k = number(0 if top_k is None else top_k, "top_k", 0, vocab_size, integer=True)
    p = number(1.0 if top_p is None else top_p, "top_p", 0.01, 1.0)
    return (k or None), (None if p >= 1.0 else p)


def entropy_bits(p: np.ndarray, axis: int = -1) -> np.ndarray:
    """Shannon entropy in bits of distributions along axis (0 log 0 = 0)."""
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    return terms.sum(axis=axis)


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


def has_attention(model) -> bool:
    return hasattr(model, "trace") and hasattr(model, "blocks")


def attention(model, ids: list[int], chars: list[str], scale: bool = True, causal: bool = True) -> Attention:
    """Run the traced forward once and stack every layer's stages (batch row 0)."""
    idx = torch.tensor([ids], dtype=torch.long)  # (1, T)
    tr = model.trace(idx, scale=scale, causal=causal)
    stack = lambda name: torch.stack([getattr(l, name)[0] for l in tr.layers]).float().numpy()  # (L, nh, T, T)
    raw, masked, wei = stack("scores"), stack("wei_masked"), stack("wei")
    hs = tr.layers[0].q.size(-1)
    scaled = raw * hs ** -0.5 if scale else raw.copy()
    return Attention(chars, raw, scaled, masked, wei, scale, causal)


# softmax ------------------------------------------------------------------------------------
def last_logits(model, ids: list[int]) -> np.ndarray:
    """The last position's logits (V,): what the lecture's generate() turns into probabilities."""
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
    entropy: float          # bits, of probs


def panel(logits: np.ndarray, temperature: float, top_k: int | None, top_p: float | None) -> Panel:
    x = torch.from_numpy(np.asarray(logits, dtype=np.float32))
    full = probs_from_logits(x, temperature).numpy()
    probs = probs_from_logits(x, temperature, top_k, top_p).numpy()
    kept = probs > 0
    if temperature <= GREEDY_BELOW:
        kept = full > 0
    return Panel(float(temperature), full.astype(np.float64), probs.astype(np.float64), kept,
                 float(entropy_bits(probs)))


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
    return [number(v, "temperature", 0.0, MAX_TEMPERATURE) for v in values]


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
    block_size = model.config.block_size
    context = ids[-block_size:]
    logits = last_logits(model, context)
    probs = probs_from_logits(torch.from_numpy(logits), temperature, top_k, top_p)
    idx_next = int(torch.multinomial(probs, 1, generator=generator))
    probs = probs.double().numpy()
    return Step(context, logits, probs, idx_next, float(probs[idx_next]), generator.get_state(), temperature)


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
class InsideCache:
    """Per session: the last attention trace and logits (so a stage, head or temperature change
    only redraws) and the step-by-step walk."""
    lock: threading.RLock = field(default_factory=threading.RLock)
    attention_key: tuple | None = None
    attention: Attention | None = None
    logits_key: tuple | None = None
    logits: np.ndarray | None = None
    walk: Walk = field(default_factory=Walk)
    attention_args: tuple | None = None   # the Attention tab's last inputs, redrawn on a language switch
    softmax_args: tuple | None = None     # the Softmax tab's likewise
    softmax_lang: str | None = None       # the language the logits chart was last drawn in


def cache_of(session) -> InsideCache:
    """The session's InsideCache, made on first use (it lives and dies with the session)."""
    with session.lock:
        cache = getattr(session, "inside", None)
        if cache is None:
            cache = session.inside = InsideCache()
        return cache


def model_stamp(model) -> tuple:
    """Identifies a model's weights: a session run's snapshot is a new object after more training."""
    return id(model), getattr(model, "_version", None)
