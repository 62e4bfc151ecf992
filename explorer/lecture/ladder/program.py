"""The code each rung runs, read from the live source of model/ and specialised on the rung's switches:
every `if` and `a if cond else b` whose condition is a switch of GPTConfig (config.ffwd, self.residual,
...) is replaced by the branch the rung takes. Two rungs' programs then differ only in what the
lecture changed between them, and diff() shows exactly those lines."""
import ast
import difflib
import functools
import inspect
import textwrap
from dataclasses import asdict, dataclass
from types import SimpleNamespace

from model import gpt
from model.bigram import BigramLanguageModel
from model.config import LADDER, PRESETS, GPTConfig

from ..code import where

INDENT = " " * 4
CONFIG_FIELDS = ("block_size", "n_embd", "n_head", "n_layer", "dropout", "ffwd", "residual", "layer_norm", "init")


def _parts(cfg: GPTConfig) -> list:
    """(class, [methods]) or a function, in reading order: what the rung's forward pass runs."""
    if cfg.model_type == "bigram":
        return [(BigramLanguageModel, ["__init__", "forward"])]
    parts = [gpt.layer_norm]
    if cfg.n_layer:
        parts += [(gpt.CausalSelfAttention, ["__init__", "_heads", "_merge", "forward", "_attend"])]
        parts += [(gpt.FeedForward, ["__init__", "forward"])] if cfg.ffwd else []
        parts += [(gpt.Block, ["__init__", "forward", "run"])]
    methods = ["__init__", "_init_weights"] if cfg.init == "gpt" else ["__init__"]
    return parts + [(gpt.GPTLanguageModel, methods + ["_embed", "forward"])]


def _switches(cfg: GPTConfig) -> dict:
    """What a condition may read: config itself, and self's copies of its switches in the modules."""
    me = SimpleNamespace(residual=cfg.residual, ffwd=object() if cfg.ffwd else None, dropout=cfg.dropout)
    return {"config": cfg, "self": me}


def _decided(test: ast.expr, names: dict):
    """The condition's value under the rung's switches, or None if it reads anything else (a tensor)."""
    if {n.id for n in ast.walk(test) if isinstance(n, ast.Name)} - set(names):
        return None
    try:
        return bool(eval(compile(ast.Expression(test), "<switch>", "eval"), {"__builtins__": {}}, dict(names)))
    except (AttributeError, NameError, TypeError):
        return None


def _comment(line: str) -> str:
    """The trailing comment of a line (for an `if` or `else:` line that disappears), or ''."""
    code, hash_, comment = line.partition("  #")
    return f"# {comment.strip()}" if hash_ and code.rstrip().endswith(":") else ""


def specialise(source: str, names: dict) -> str:
    """source with every switch-decided if/if-else replaced by the branch taken; the rest as written."""
    while True:
        lines = source.split("\n")
        tree = ast.parse(source)
        node = next((n for n in ast.walk(tree) if isinstance(n, (ast.If, ast.IfExp))
                     and _decided(n.test, names) is not None), None)
        if node is None:
            return source
        taken = _decided(node.test, names)
        if isinstance(node, ast.IfExp):
            branch = ast.get_source_segment(source, node.body if taken else node.orelse)
            first, last = node.lineno - 1, node.end_lineno - 1
            joined = lines[first][:node.col_offset] + branch + lines[last][node.end_col_offset:]
            lines[first:last + 1] = [joined]
        else:
            body = node.body if taken else node.orelse
            pad = lines[node.lineno - 1][:node.col_offset]
            head = lines[node.lineno - 1] if taken else _else_line(lines, node)
            kept = [pad + _comment(head)] if body and _comment(head) else []
            if body:
                kept += [ln[len(INDENT):] if ln.startswith(pad + INDENT) else ln
                         for ln in lines[body[0].lineno - 1:body[-1].end_lineno]]
            lines[node.lineno - 1:node.end_lineno] = kept
        source = "\n".join(lines)


def _else_line(lines: list, node: ast.If) -> str:
    for i in range(node.orelse[0].lineno - 2, node.body[-1].end_lineno - 1, -1) if node.orelse else ():
        if lines[i].strip().startswith("else"):
            return lines[i]
    return ""


def program(cfg: GPTConfig) -> str:
    """The rung's code: its config, then each class with the methods its forward pass runs."""
    names, blocks = _switches(cfg), []
    shown = {k: v for k, v in asdict(cfg).items() if k in CONFIG_FIELDS and cfg.model_type == "gpt"}
    fields = "".join(f"\n{INDENT}{k}={v!r}," for k, v in shown.items())  # a line each: a diff names the field
    blocks.append(f"config = GPTConfig({fields}\n)" if shown else "config = GPTConfig(model_type='bigram')")
    for part in _parts(cfg):
        if not isinstance(part, tuple):
            blocks.append(f"# {where(part)}\n" + specialise(textwrap.dedent(inspect.getsource(part)), names).rstrip())
            continue
        cls, methods = part
        base = cls.__bases__[0]
        out = [f"# {where(cls)}\nclass {cls.__name__}({'nn.' if base.__module__.startswith('torch') else ''}"
               f"{base.__name__}):"]
        for m in methods:
            src = textwrap.dedent(inspect.getsource(inspect.unwrap(cls.__dict__[m])))
            out.append(textwrap.indent(specialise(src, names), INDENT).rstrip())
        blocks.append("\n\n".join(out))
    return "\n\n".join(blocks) + "\n"


@dataclass(frozen=True)
class Line:
    kind: str   # " " unchanged, "+" added at this rung, "-" gone at this rung
    text: str


def previous(preset: str) -> str | None:
    """The rung before this one on the ladder (None for the first)."""
    names = [name for name, _, _ in LADDER]
    i = names.index(preset)
    return names[i - 1] if i else None


@functools.lru_cache(maxsize=None)  # the source is fixed while the app runs: each pair is diffed once
def diff(preset: str, before: str | None) -> tuple[Line, ...]:
    """The rung's program line by line against the rung before's (before None: all of it is new)."""
    new = program(PRESETS[preset][0]).splitlines()
    old = program(PRESETS[before][0]).splitlines() if before else []
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out += [Line(" ", s) for s in new[j1:j2]]
            continue
        out += [Line("-", s) for s in old[i1:i2]] + [Line("+", s) for s in new[j1:j2]]
    return tuple(out)
