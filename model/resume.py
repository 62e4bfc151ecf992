"""Checkpoints that training continues from. save_training_state writes the usual checkpoint folder
(config.json + model.safetensors: it opens in the explorer like any other) plus what the next step
needs: train_state.json (step, clock, last evaluation, TrainConfig, AdamW's settings, the timeline's
bookkeeping) and train_state.safetensors (AdamW's moments, the evaluation's and every rank's random
generators). JSON and safetensors only: nothing is unpickled. load_training_state rebuilds a Trainer
whose next step() is exactly the one the uninterrupted run would have taken."""
import json
import sys
from dataclasses import asdict
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from .checkpoint import MAX_CONFIG_BYTES, STATE_JSON, STATE_TENSORS, CheckpointError, load_checkpoint
from .config import TrainConfig, config_from_dict
from .data import CharDataset
from .distributed import Dist, gather
from .timeline import Timeline
from .train import Trainer, save_checkpoint_from_trainer

STATE_FORMAT = "gpt-explorer-train-state"


def rng_state(trainer: Trainer) -> dict[str, torch.Tensor]:
    """This rank's random state: its batch generator and torch's global generator (dropout, on the CPU
    and on its GPU)."""
    state = {"batch": trainer.batch_gen.get_state(), "torch": torch.get_rng_state()}
    if torch.device(trainer.device).type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(trainer.device)
    return state


def save_training_state(path, trainer: Trainer, **meta) -> Path:
    """The trainer's checkpoint folder with its training state, written atomically (save_checkpoint's
    temporary folder, then a rename). meta goes into config.json (command, seconds, curve, ...; a
    Timeline as timeline= is saved with it). Under torchrun every rank must call it: each rank's random
    state is gathered, and rank 0 alone writes."""
    ranks = gather(trainer.dist, rng_state(trainer))
    if not trainer.is_main:
        return Path(path)
    names = [n for n, _ in trainer.model.named_parameters()]  # the optimizer's parameter order
    opt = trainer.optimizer.state_dict()
    tensors = {f"adamw/{names[i]}/{k}": torch.as_tensor(v).detach().cpu().contiguous()
               for i, s in opt["state"].items() for k, v in s.items()}
    tensors["rng/eval"] = trainer.eval_gen.get_state()
    for r, st in enumerate(ranks):
        tensors.update({f"rng/rank{r}/{k}": v.cpu().contiguous() for k, v in st.items()})
    timeline = meta.get("timeline")
    state = {"format": STATE_FORMAT, "version": 1, "iter": trainer.iter, "elapsed": trainer.elapsed,
             "tokens_per_s": trainer.tokens_per_s, "last_eval": trainer.last_eval,
             "train": asdict(trainer.config), "world_size": trainer.world_size,
             "param_groups": [{k: list(v) if isinstance(v, tuple) else v for k, v in g.items() if k != "params"}
                              for g in opt["param_groups"]],
             # Timeline.add's thinning depends on which evaluation each snapshot was: keep it exact
             "timeline": None if timeline is None else {"stride": timeline.stride, "index": timeline._index,
                                                        "seen": timeline._seen, "thinned": timeline.thinned}}

    def write(folder: Path) -> None:
        save_file(tensors, str(folder / STATE_TENSORS))
        (folder / STATE_JSON).write_text(json.dumps(state, indent=2) + "\n", "utf-8")

    return save_checkpoint_from_trainer(path, trainer, write_extra=write, **meta)


def read_state(path) -> tuple[dict, dict[str, torch.Tensor]]:
    """(train_state.json, train_state.safetensors) of a checkpoint folder, or a CheckpointError."""
    path = Path(path)
    file = path / STATE_JSON
    if not file.is_file() or not (path / STATE_TENSORS).is_file():
        raise CheckpointError(f"{path.name} holds no training state ({STATE_JSON} and {STATE_TENSORS}): "
                              "only a folder written by python -m model.train --out can be resumed "
                              "(a --half copy keeps the model alone)")
    if file.stat().st_size > MAX_CONFIG_BYTES:
        raise CheckpointError(f"{STATE_JSON} is too large")
    try:
        state = json.loads(file.read_text("utf-8"))
        tensors = load_file(str(path / STATE_TENSORS))
    except (UnicodeDecodeError, json.JSONDecodeError, SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(f"the training state in {path.name} is unreadable ({e})") from None
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        raise CheckpointError(f"{STATE_JSON} is not a GPT Explorer training state")
    return state, tensors


def resume_run(path, dataset: CharDataset, device: str = "cpu", dist: Dist | None = None,
               compile: bool = False, **overrides) -> tuple[Trainer, dict]:
    """(Trainer, the checkpoint's config dict as load_checkpoint returns it: curve, seconds, snapshots).
    overrides replace TrainConfig fields (e.g. max_iters, to train on past the saved run's end)."""
    state, tensors = read_state(path)
    model, tokenizer, cfg = load_checkpoint(path)
    if tokenizer.chars != dataset.tokenizer.chars:
        raise CheckpointError(f"this text's {dataset.tokenizer.vocab_size} characters are not the run's "
                              f"{tokenizer.vocab_size} (it trained on {cfg.get('corpus')!r}): "
                              "resume on the same text")
    try:
        config = config_from_dict(TrainConfig, {**state["train"], **overrides})
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(f"cannot continue {Path(path).name} with these settings: {e}") from None
    trainer = Trainer(model, dataset, config, device, dist, compile)
    try:
        trainer.iter, trainer.elapsed = int(state["iter"]), float(state["elapsed"])
        trainer.tokens_per_s = float(state["tokens_per_s"])
        trainer.last_eval = None if state["last_eval"] is None else {
            k: float(v) for k, v in state["last_eval"].items()}
        _restore_optimizer(trainer, state["param_groups"], tensors)
        _restore_rng(trainer, int(state["world_size"]), tensors)
        _restore_timeline(cfg.get("snapshots"), state.get("timeline"))
    except (KeyError, TypeError, ValueError, RuntimeError) as e:  # CheckpointError is a ValueError
        raise CheckpointError(f"the training state in {Path(path).name} does not fit its model: {e}") from None
    return trainer, cfg


def load_training_state(path, dataset: CharDataset, device: str = "cpu", dist: Dist | None = None,
                        compile: bool = False, **overrides) -> Trainer:
    """A Trainer that continues the run saved in path by save_training_state (weights, optimizer, step,
    clock, random generators, last evaluation); CheckpointError for a folder without training state."""
    return resume_run(path, dataset, device, dist, compile, **overrides)[0]


def _restore_optimizer(trainer: Trainer, groups: list, tensors: dict) -> None:
    names = [n for n, _ in trainer.model.named_parameters()]
    saved = {k for k in tensors if k.startswith("adamw/")}
    state = {}
    for i, name in enumerate(names):
        keys = {k for k in saved if k.rsplit("/", 1)[0] == f"adamw/{name}"}
        if keys:
            state[i] = {k.rsplit("/", 1)[1]: tensors[k] for k in keys}
        saved -= keys
    if saved:
        raise CheckpointError(f"the optimizer state names parameters the model lacks: {sorted(saved)[:3]}")
    if trainer.iter and len(state) != len(names):  # after a step AdamW holds moments for every parameter
        raise CheckpointError(f"the optimizer state lacks {len(names) - len(state)} of the model's parameters")
    if len(groups) != len(trainer.optimizer.param_groups):
        raise CheckpointError("the optimizer state has another number of parameter groups")
    groups = [{**{k: tuple(v) if isinstance(v, list) else v for k, v in g.items()}, "params": list(range(len(names)))}
              for g in groups]
    trainer.optimizer.load_state_dict({"state": state, "param_groups": groups})  # checks shapes, moves to device


def _restore_rng(trainer: Trainer, saved_world: int, tensors: dict) -> None:
    """The evaluation's generator, and this rank's generators when the saved run had this rank; a rank
    it did not have (resumed on more processes) re-derives its streams from seed, rank and step."""
    trainer.eval_gen.set_state(tensors["rng/eval"])
    key = f"rng/rank{trainer.rank}/"
    if key + "batch" in tensors:
        trainer.batch_gen.set_state(tensors[key + "batch"])
        torch.set_rng_state(tensors[key + "torch"])
        if key + "cuda" in tensors and torch.device(trainer.device).type == "cuda":
            torch.cuda.set_rng_state(tensors[key + "cuda"], trainer.device)
    else:
        seed = trainer.config.seed + 2 * trainer.rank + 1_000_003 * trainer.iter
        trainer.batch_gen.manual_seed(seed)
        torch.manual_seed(seed)
    if saved_world != trainer.world_size and trainer.is_main:
        print(f"resuming a run of {saved_world} processes on {trainer.world_size}: the batches differ from "
              "the ones the run would have drawn", file=sys.stderr)


def _restore_timeline(timeline: Timeline | None, book: dict | None) -> None:
    if timeline is None or not book or len(book["index"]) != len(timeline):
        return
    timeline.stride, timeline._seen, timeline.thinned = int(book["stride"]), int(book["seen"]), int(book["thinned"])
    timeline._index = [int(i) for i in book["index"]]
