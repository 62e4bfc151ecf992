"""Data-parallel training under torchrun: which process this is, the process group, and the model wrapper.

`torchrun --nproc_per_node=N -m model.train ...` starts N copies of the CLI with RANK, WORLD_SIZE and
LOCAL_RANK set; each joins one process group (nccl between GPUs, gloo between CPU processes), draws its
own batches, and DistributedDataParallel averages the gradients in backward, so every copy takes the
same optimizer step. Plain `python -m model.train` has no RANK: no process group is ever created.
"""
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class Dist:
    """This process's place among the ones training together."""
    rank: int = 0          # 0 .. world_size - 1, unique across machines; rank 0 logs and saves
    world_size: int = 1    # processes in the run
    local_rank: int = 0    # index on this machine: which GPU it drives

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def launched() -> bool:
    """True under torchrun, which sets RANK and WORLD_SIZE for every process it starts."""
    return "RANK" in os.environ and "WORLD_SIZE" in os.environ


def setup(device: str) -> tuple[Dist | None, str]:
    """Join torchrun's process group: nccl when training on CUDA, gloo on the CPU. Returns this
    process's Dist and its device (cuda:LOCAL_RANK on a GPU machine); (None, device) outside torchrun."""
    if not launched():
        return None, device
    d = Dist(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), int(os.environ.get("LOCAL_RANK", 0)))
    if torch.device(device).type == "cuda":
        device = f"cuda:{d.local_rank}"
        torch.cuda.set_device(device)  # nccl's collectives run on the current device
        dist.init_process_group("nccl", device_id=torch.device(device))
    else:
        dist.init_process_group("gloo")
    return d, device


def teardown(d: Dist | None) -> None:
    if d is not None and dist.is_initialized():
        dist.destroy_process_group()


def wrap(model: torch.nn.Module, device: str):
    """DistributedDataParallel around the model; it broadcasts rank 0's weights at once, so every rank
    starts equal, and averages the gradients across ranks in backward."""
    from torch.nn.parallel import DistributedDataParallel as DDP
    if torch.device(device).type == "cuda":
        return DDP(model, device_ids=[torch.device(device).index])
    return DDP(model)


def gather(d: Dist | None, obj) -> list:
    """Every rank's obj, in rank order, on every rank (a collective: all ranks must call it)."""
    if d is None:
        return [obj]
    out = [None] * d.world_size
    dist.all_gather_object(out, obj)  # pickled in flight between our own processes, never on disk
    return out


def broadcast(tensor: torch.Tensor) -> None:
    """Rank 0's tensor, in place, on every rank (a collective: all ranks must call it)."""
    dist.broadcast(tensor, src=0)
