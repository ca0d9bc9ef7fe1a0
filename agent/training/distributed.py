"""Training past one process: torchrun's environment, the device, and the batch split across ranks.

`sideman train` runs unchanged under torchrun (one process per GPU, or per core on a CPU machine):

    torchrun --standalone --nproc_per_node=2 -m agent train --data DIR --out RUN --steps N   # one machine
    torchrun --nnodes=2 --nproc_per_node=8 --rdzv-backend=c10d --rdzv-endpoint=HOST:29500 \\
        -m agent train --data DIR --out RUN --device cuda                                   # two nodes

torchrun sets RANK, WORLD_SIZE and LOCAL_RANK; without them this is one process. The backend is `gloo`
on CPU and `nccl` on CUDA. Same results as one process for the same global batch: every rank draws the
whole batch from the same random stream (identical seeds), pads it as one process would, and trains
on its rows (rank, rank + world, ...); each rank's loss is its share of the global token-mean, times
the world size, because DistributedDataParallel averages gradients over ranks. Only rank 0 evaluates,
exports and writes the run directory. Checked here with 2 CPU processes (gloo); `nccl` and several
nodes were checked only against torch's documentation.

bfloat16 autocast pays only with hardware bf16: on a CPU without AVX512-BF16/AMX it is about 2x SLOWER
than float32 (this machine's Xeon, measured by the lead), so `auto` picks bf16 on such CPUs and on CUDA
devices that support it, float32 elsewhere.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.distributed as dist

log = logging.getLogger("sideman.training.distributed")

DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("auto", "bf16", "fp32")


@dataclass(frozen=True)
class Ranks:
    """This process's place in the run: rank among `world`, and the device it trains on."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))

    @property
    def main(self) -> bool:
        return self.rank == 0

    def rows(self, batch: int) -> slice:
        """This rank's rows of a global batch of `batch` examples."""
        return slice(self.rank, batch, self.world)


def pick_device(name: str, local_rank: int) -> torch.device:
    """`auto`: this rank's CUDA device when there is one, else the CPU; ValueError for a missing one."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(f"--device {name}: no CUDA device here (torch {torch.__version__}); use --device cpu")
        return torch.device("cuda", local_rank if name == "cuda" else int(name.split(":")[1]))
    if name == "mps" and not torch.backends.mps.is_available():
        raise ValueError("--device mps: Apple's Metal backend is not available here; use --device cpu")
    return torch.device(name)


def start(device_name: str = "auto") -> Ranks:
    """Join torchrun's process group when launched by it (WORLD_SIZE > 1); otherwise one process."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank, local_rank = int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0"))
    device = pick_device(device_name, local_rank)
    if world > 1:
        if device.type == "cuda":
            torch.cuda.set_device(device)
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
        log.info("rank %d of %d on %s (%s)", rank, world, device, dist.get_backend())
    return Ranks(rank, world, local_rank, device)


def stop(ranks: Ranks) -> None:
    if ranks.world > 1 and dist.is_initialized():
        dist.destroy_process_group()


def barrier(ranks: Ranks) -> None:
    if ranks.world > 1:
        dist.barrier()


def all_sum(value: torch.Tensor, ranks: Ranks) -> torch.Tensor:
    """The sum of `value` over ranks (a copy; `value` itself when there is one process)."""
    if ranks.world == 1:
        return value
    total = value.detach().clone()
    dist.all_reduce(total)
    return total


def cpu_has_bf16() -> bool:
    """AVX512-BF16 or AMX-BF16 in /proc/cpuinfo (Linux); False elsewhere (no cheap portable test)."""
    if sys.platform != "linux":
        return False
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def use_bf16(precision: str, device: torch.device) -> bool:
    """Whether to train under bfloat16 autocast (see the module docstring for why `auto` decides so)."""
    if precision != "auto":
        return precision == "bf16"
    if device.type == "cuda":
        return bool(torch.cuda.is_bf16_supported())
    return device.type == "cpu" and cpu_has_bf16()
