"""A run's timeline: its weights at step 0 and at each evaluation, in half precision, so every view can
show the model as it was at any of those steps. Bounded: at most MAX_SNAPSHOTS a run, evenly spaced
(the first and the latest always kept); saved beside a checkpoint as timeline.safetensors (one tensor a
parameter a step, "step{step}/{name}"; shards as the Hub does when over 9 MiB), validated on load."""
import json
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

MAX_SNAPSHOTS = 24
TIMELINE_NAME = "timeline.safetensors"
SHARD_BYTES = 9 * 2**20      # a Space refuses a plain file over 10 MiB
MAX_TIMELINE_BYTES = 200 * 2**20


class TimelineError(ValueError):
    """A timeline that cannot be loaded, with the reason."""


@dataclass
class Snapshot:
    step: int
    train_loss: float | None
    val_loss: float | None
    state: dict               # parameter name -> float16 tensor (on the CPU)

    @property
    def nbytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in self.state.values())


def half_state(model: torch.nn.Module) -> dict:
    """The model's weights as float16 CPU tensors (buffers such as tril are rebuilt, not kept)."""
    return {k: v.detach().to("cpu", torch.float16).clone() for k, v in model.state_dict().items()}


def even(n: int, k: int) -> list[int]:
    """k indices of n, evenly spaced, the first and the last among them (all of them if k >= n)."""
    if k >= n:
        return list(range(n))
    if k <= 1:
        return [n - 1]
    return sorted({round(i * (n - 1) / (k - 1)) for i in range(k)})


class Timeline:
    """Snapshots oldest first. add() keeps every stride-th evaluation plus the latest; when they would
    pass max_snapshots the stride doubles, so the kept steps stay evenly spaced as the run goes on."""

    def __init__(self, max_snapshots: int = MAX_SNAPSHOTS):
        self.max_snapshots = max(2, max_snapshots)
        self.snapshots: list[Snapshot] = []
        self.stride = 1
        self.thinned = 0        # snapshots dropped so far (the views say so)
        self._index: list[int] = []  # each snapshot's evaluation number (0: step 0)
        self._seen = 0

    def __len__(self) -> int:
        return len(self.snapshots)

    @property
    def steps(self) -> list[int]:
        return [s.step for s in self.snapshots]

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.snapshots)

    def add(self, step: int, train_loss, val_loss, model_or_state) -> None:
        state = model_or_state if isinstance(model_or_state, dict) else half_state(model_or_state)
        if self.snapshots and self._index[-1] % self.stride:  # the previous latest is not on the stride
            self._drop(len(self.snapshots) - 1)
        self.snapshots.append(Snapshot(step, train_loss, val_loss, state))
        self._index.append(self._seen)
        self._seen += 1
        while len(self.snapshots) > self.max_snapshots:
            self.stride *= 2
            for i in reversed(range(len(self.snapshots) - 1)):  # the latest stays
                if self._index[i] % self.stride:
                    self._drop(i)

    def _drop(self, i: int) -> None:
        del self.snapshots[i], self._index[i]
        self.thinned += 1

    def thin(self, k: int) -> int:
        """Keep k evenly spaced snapshots (first and last among them); returns how many went."""
        keep = even(len(self.snapshots), max(2, k))
        gone = len(self.snapshots) - len(keep)
        self.snapshots = [self.snapshots[i] for i in keep]
        self._index = [self._index[i] for i in keep]
        self.thinned += gone
        return gone

    def at(self, step: int) -> Snapshot:
        """The snapshot of that step (KeyError if the timeline has none)."""
        for s in self.snapshots:
            if s.step == step:
                return s
        raise KeyError(step)

    def losses(self) -> list[dict]:
        return [{"step": s.step, "train_loss": s.train_loss, "val_loss": s.val_loss} for s in self.snapshots]


def load_into(model: torch.nn.Module, snapshot: Snapshot) -> torch.nn.Module:
    """Copy a snapshot's weights into a model already built for them (no rebuilding per step)."""
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name in snapshot.state:
                tensor.copy_(snapshot.state[name])
    return model


# on disk -----------------------------------------------------------------------------------------
def save_timeline(folder, timeline: Timeline) -> list[dict]:
    """Write the snapshots beside a checkpoint (sharded when large); returns the losses for config.json."""
    folder = Path(folder)
    for old in folder.glob("timeline*.safetensors"):
        old.unlink()
    shards, current, size = [], {}, 0
    for s in timeline.snapshots:
        if current and size + s.nbytes > SHARD_BYTES:
            shards.append(current)
            current, size = {}, 0
        current.update({f"step{s.step}/{k}": v.contiguous() for k, v in s.state.items()})
        size += s.nbytes
    if current:
        shards.append(current)
    names = [TIMELINE_NAME] if len(shards) == 1 else [
        f"timeline-{i + 1:05d}-of-{len(shards):05d}.safetensors" for i in range(len(shards))]
    for name, shard in zip(names, shards):
        save_file(shard, str(folder / name))
    return timeline.losses()


def timeline_files(folder) -> list[Path]:
    folder = Path(folder)
    single = folder / TIMELINE_NAME
    return [single] if single.is_file() else sorted(folder.glob("timeline-*-of-*.safetensors"))


def load_timeline(folder, expected: dict, losses) -> Timeline | None:
    """The timeline beside a checkpoint (None if it has none), checked against the model's state dict
    (expected: name -> tensor) and config.json's losses: every step has every parameter, with its shape,
    finite, nothing else. Safetensors only: nothing is ever unpickled."""
    files = timeline_files(folder)
    if not files:
        return None
    if not isinstance(losses, list) or not losses or len(losses) > 4 * MAX_SNAPSHOTS:
        raise TimelineError("config.json lists no timeline steps (or too many) for timeline.safetensors")
    if sum(f.stat().st_size for f in files) > MAX_TIMELINE_BYTES:
        raise TimelineError("timeline.safetensors is too large")
    try:
        steps = [(int(e["step"]), _loss(e.get("train_loss")), _loss(e.get("val_loss"))) for e in losses]
    except (KeyError, TypeError, ValueError):
        raise TimelineError("config.json's timeline steps are malformed") from None
    if len({s for s, _, _ in steps}) != len(steps) or any(s < 0 for s, _, _ in steps):
        raise TimelineError("config.json's timeline steps repeat or are negative")
    tensors = {}
    for f in files:
        try:
            tensors.update(load_file(str(f)))
        except (SafetensorError, OSError, ValueError, json.JSONDecodeError) as e:
            raise TimelineError(f"{f.name} is not a valid safetensors file ({e}); pickles are never loaded") from None
    want = {f"step{s}/{k}" for s, _, _ in steps for k in expected}
    missing, extra = want - set(tensors), set(tensors) - want
    if missing or extra:
        raise TimelineError(f"timeline does not match the model: missing {sorted(missing)[:3]}, "
                            f"unexpected {sorted(extra)[:3]}")
    timeline = Timeline(max(MAX_SNAPSHOTS, len(steps)))
    for step, train, val in steps:
        state = {}
        for k, ref in expected.items():
            t = tensors[f"step{step}/{k}"]
            if t.shape != ref.shape or not t.is_floating_point():
                raise TimelineError(f"step {step}: {k} has shape {tuple(t.shape)} ({t.dtype}), "
                                    f"the model needs {tuple(ref.shape)}")
            if not torch.isfinite(t.float()).all():
                raise TimelineError(f"step {step}: {k} holds NaN or infinite values")
            state[k] = t.to(torch.float16)
        timeline.add(step, train, val, state)
    return timeline


def _loss(v):
    return None if v is None else float(v)
