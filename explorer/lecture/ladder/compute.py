"""The ladder as data: each rung's preset, the checkpoint that stands for it in assets/, our val loss
and the lecture's, the lines of model/ it turns on, and a sample from each rung with one seed."""
import functools
from dataclasses import dataclass, replace

import torch

from model import gpt
from model.bigram import BigramLanguageModel
from model.config import LADDER, PRESETS
from model.gpt import build_model
from model.sampling import generate

from ... import checks
from ...errors import Refusal
from ...limits import MAX_SEED
from ...models import list_pretrained
from ...services import RunView
from ...session import Session
from .runs import ASSET, rung_of

MAX_LENGTH = 300
DEFAULT_PROMPT = ""  # empty: start from token 0, a newline, as the lecture does
ANATOMY_TEXT = "TEACHER:\nEach token looks back."  # our own line: the views' text when the prompt is shorter than 8


@dataclass(frozen=True)
class Rung:
    """One step of the lecture's second half."""
    index: int
    preset: str                 # its preset (python -m model.train --preset ...)
    lecture: float | None       # the val loss the lecture read off it
    asset: str                  # the folder in assets/ that holds it trained
    ours: float | None          # that checkpoint's val loss (None: not in assets/)
    params: int | None
    yours: float | None = None  # the val loss of the visitor's latest run of this rung's model
    yours_label: str = ""       # that run's name, e.g. "run 2 · gpt"

    @property
    def key(self) -> str | None:
        return f"pretrained:{self.asset}" if self.ours is not None else None


def rungs(session: Session, runs: list[RunView] = ()) -> list[Rung]:
    """Every rung with our checkpoint's numbers, read from assets/ (a missing one has None), and the
    visitor's latest finished run of it (runs: the Trainer's, oldest first)."""
    found = list_pretrained(session.assets)
    mine = {rung_of(r): r for r in runs if r.state == "done" and r.val_loss is not None}
    out = []
    for i, (preset, _, lecture) in enumerate(LADDER):
        asset = ASSET.get(preset, preset)
        info = found.get(asset) or {}
        run = mine.get(preset)
        out.append(Rung(i, preset, lecture, asset, info.get("val_loss"), info.get("params"),
                        run.val_loss if run else None, run.label if run else ""))
    return out


def gains(ladder: list[Rung]) -> list[float | None]:
    """Each rung's val loss minus the one before it (negative: better)."""
    return [None if i == 0 or r.ours is None or ladder[i - 1].ours is None else r.ours - ladder[i - 1].ours
            for i, r in enumerate(ladder)]


def samples(session: Session, prompt, seed, length) -> list[tuple[Rung, str | None]]:
    """(rung, text) for every rung in assets/, each from the same prompt and seed (None: no checkpoint,
    or the prompt has characters the rung's vocabulary lacks)."""
    prompt = checks.prompt(prompt)
    seed = checks.whole(seed, "seed", 0, MAX_SEED)
    length = checks.whole(length, "length", 1, MAX_LENGTH)
    out = []
    for rung in rungs(session):
        if rung.key is None:
            out.append((rung, None))
            continue
        model, tokenizer, _ = session.get_model(rung.key)
        if tokenizer.unknown_chars(prompt):
            raise Refusal("lec.ladder.unknown", chars=" ".join(repr(c) for c in tokenizer.unknown_chars(prompt)[:8]))
        ids = tokenizer.encode(prompt[-model.config.block_size:])
        idx = torch.tensor([ids], dtype=torch.long).reshape(1, -1)
        text = generate(model, idx, length, generator=torch.Generator().manual_seed(seed))
        out.append((rung, tokenizer.decode(text[0, len(ids) or 1:].tolist())))  # an empty prompt began at token 0
    return out


def code_of(preset: str) -> list:
    """The parts of model/ a rung adds: what runs at this rung that did not at the one before."""
    return {
        "ladder-0": [BigramLanguageModel.forward],
        "ladder-1": [gpt.GPTLanguageModel._embed, gpt.GPTLanguageModel.forward],
        "ladder-2": [gpt.CausalSelfAttention.forward_traced],
        "ladder-3": [gpt.CausalSelfAttention._heads, gpt.CausalSelfAttention._merge],
        "ladder-4": [gpt.FeedForward],
        "ladder-5": [gpt.Block.run, gpt.GPTLanguageModel.__init__],
        "ladder-6": [gpt.Block.run, gpt.FeedForward, gpt.CausalSelfAttention.__init__],
        "ladder-7": [gpt.layer_norm, gpt.Block.__init__, gpt.Block.run],
        "gpt-lecture": [gpt.GPTLanguageModel._init_weights, gpt.Dropout],
    }[preset]



@dataclass(frozen=True)
class Details:
    """Two details of the attention code, checked on a live model of rung 3 (4 heads of 8)."""
    tril_buffer: bool       # tril is among the module's buffers
    tril_parameter: bool    # ... and not among its parameters (the optimizer never sees it)
    tril_grad: bool         # requires_grad
    tril_saved: bool        # in state_dict (persistent=False: rebuilt from block_size, not stored)
    n_head: int
    head_size: int
    allclose: bool          # fused (C, 3C) projection == the lecture's per-head key/query/value Linears
    max_diff: float
    matmuls_fused: int
    matmuls_heads: int


@functools.lru_cache(maxsize=4)  # the same facts for every visitor and every language switch
def details(seed: int = 1337) -> Details:
    """tril as a buffer, and the fused QKV against one Linear per head and per q/k/v, on one model."""
    torch.manual_seed(seed)
    model = build_model(replace(PRESETS["ladder-3"][0], vocab_size=65)).eval()
    att, name = model.blocks[0].sa, "blocks.0.sa.tril"
    x = model._embed(torch.randint(0, 65, (2, 8), generator=torch.Generator().manual_seed(seed)))  # (B, T, C)
    C, nh = model.config.n_embd, model.config.n_head
    hs = C // nh
    with torch.no_grad():
        fused = att._heads(x)  # q, k, v: (B, nh, T, hs) each, one matmul
        W = att.qkv.weight     # (3C, C): rows [q | k | v], head h at [h*hs:(h+1)*hs] inside each
        diff = 0.0
        for i, which in enumerate(fused):  # the lecture's Head: key, query, value = nn.Linear(C, hs) each
            for h in range(nh):
                head = torch.nn.Linear(C, hs, bias=False)
                head.weight.copy_(W[i * C + h * hs:i * C + (h + 1) * hs])
                diff = max(diff, (head(x) - which[:, h]).abs().max().item())  # (B, T, hs)
    return Details(name in dict(model.named_buffers()), name in dict(model.named_parameters()),
                   att.tril.requires_grad, name in model.state_dict(), nh, hs,
                   diff < 1e-6, diff, 1, 3 * nh)


# what an addition does, shown with the rung's own tensors ----------------------------------------
@dataclass(frozen=True)
class Anatomy:
    """One prompt through the rungs' checkpoints: multi-head attention's outputs (rung 3), how much of the
    embeddings the stream still carries after each block (rungs 5, 6, 7), one row through LayerNorm (rung 7)."""
    chars: list                 # the prompt's last block_size characters
    heads: list                 # rung 3: each head's wei @ v, (T, hs)
    concat: object              # rung 3: the heads side by side, (T, C): what lm_head (after ffwd) reads
    kept: dict                  # preset -> [cos(x, embeddings), mean over positions: 1 at the embeddings, then after each block]
    norms: dict                 # preset -> [|x|, mean over positions, at the same points]
    ln_before: object           # rung 7: the last position's x entering block 1, (C,)
    ln_after: object            # ... and after ln1, (C,)


def anatomy(session: Session, prompt) -> Anatomy:
    """Every tensor the three views draw; the prompt is refused if a rung's vocabulary lacks a character."""
    prompt = checks.prompt(prompt)
    prompt = prompt if len(prompt) >= 8 else ANATOMY_TEXT
    models = {}
    for preset in ("ladder-3", "ladder-5", "ladder-6", "ladder-7"):
        model, tokenizer, _ = session.get_model(f"pretrained:{preset}")
        if tokenizer.unknown_chars(prompt):
            raise Refusal("lec.ladder.unknown", chars=" ".join(repr(c) for c in tokenizer.unknown_chars(prompt)[:8]))
        models[preset] = model
    ids = tokenizer.encode(prompt)[-models["ladder-3"].config.block_size:]
    idx = torch.tensor([ids], dtype=torch.long)  # (1, T)
    with torch.no_grad():
        m = models["ladder-3"]
        block = m.blocks[0]
        _, rec = block.sa.forward_traced(block.ln1(m._embed(idx)))
        out = (rec.wei @ rec.v)[0]  # (nh, T, T) @ (nh, T, hs) -> (nh, T, hs)
        concat = out.transpose(0, 1).reshape(len(ids), -1)  # (T, nh * hs) = (T, C)
        kept, norms = {}, {}
        for preset in ("ladder-5", "ladder-6", "ladder-7"):
            x = emb = models[preset]._embed(idx)  # (1, T, C)
            kept[preset], norms[preset] = [1.0], [emb.norm(dim=-1).mean().item()]
            for b in models[preset].blocks:
                x = b(x)
                kept[preset].append(torch.cosine_similarity(x, emb, dim=-1).mean().item())
                norms[preset].append(x.norm(dim=-1).mean().item())
        m7 = models["ladder-7"]
        x = m7._embed(idx)[0, -1]  # (C,)
        after = m7.blocks[0].ln1(x)
    return Anatomy([tokenizer.itos[i] for i in ids], [h.numpy() for h in out], concat.numpy(), kept, norms,
                   x.numpy(), after.numpy())
