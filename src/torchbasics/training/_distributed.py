"""DistributedDataParallel set-up for a script started with ``torchrun``.

``torchrun --nproc_per_node=N train.py`` starts N copies of the script with
``RANK``, ``LOCAL_RANK`` and ``WORLD_SIZE`` in their environment. The
`Trainer` reads them: it joins the process group, wraps the model in
`DistributedDataParallel`, gives each process its own share of the data with
a `DistributedSampler`, and adds up the metrics of all processes.
"""

from __future__ import annotations

import atexit
import os
from dataclasses import dataclass
from typing import TypeVar

import torch
import torch.distributed as dist
from torch.utils.data import (
    BatchSampler,
    DataLoader,
    DistributedSampler,
    IterableDataset,
    RandomSampler,
)

T = TypeVar("T")


@dataclass(frozen=True)
class DistributedContext:
    """Where this process stands in a distributed run."""

    rank: int
    local_rank: int
    world_size: int


def distributed_context() -> DistributedContext | None:
    """The context from an initialised process group or torchrun's variables; ``None`` alone.

    Examples:
        >>> import os
        >>> from unittest import mock
        >>> with mock.patch.dict(os.environ, {"WORLD_SIZE": "1"}):
        ...     print(distributed_context())
        None
    """
    if dist.is_available() and dist.is_initialized():
        world_size = dist.get_world_size()
        rank = dist.get_rank()
    else:
        world_size = int(os.environ.get("WORLD_SIZE", "1"))
        rank = int(os.environ.get("RANK", "0"))
    if world_size <= 1:
        return None
    return DistributedContext(rank, int(os.environ.get("LOCAL_RANK", "0")), world_size)


def init_process_group(device: torch.device) -> None:
    """Join the process group torchrun prepared (NCCL on CUDA, gloo otherwise)."""
    if not dist.is_available():
        raise RuntimeError("WORLD_SIZE > 1, but this PyTorch build has no torch.distributed")
    if dist.is_initialized():
        return
    dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    atexit.register(_destroy)


def _destroy() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()


def distribute_loader(loader: DataLoader[T], context: DistributedContext) -> DataLoader[T]:
    """A copy of ``loader`` that yields only this process's share of the data.

    The share comes from a `DistributedSampler`; it shuffles if ``loader``
    did. A loader that already has a `DistributedSampler` is returned as is.
    """
    if isinstance(loader.sampler, DistributedSampler):
        return loader
    if isinstance(loader.dataset, IterableDataset):
        raise ValueError(
            "an IterableDataset cannot be split between processes automatically: "
            "make each process read its own part (see torch.utils.data.get_worker_info)"
        )
    if loader.batch_size is None or type(loader.batch_sampler) is not BatchSampler:
        raise ValueError(
            "this DataLoader uses a custom batch_sampler; under torchrun give it a "
            "DistributedSampler yourself"
        )
    sampler: DistributedSampler[int] = DistributedSampler(  # yields indices
        loader.dataset,
        num_replicas=context.world_size,
        rank=context.rank,
        shuffle=isinstance(loader.sampler, RandomSampler),
    )
    return DataLoader(
        loader.dataset,
        batch_size=loader.batch_size,
        sampler=sampler,
        num_workers=loader.num_workers,
        collate_fn=loader.collate_fn,
        pin_memory=loader.pin_memory,
        drop_last=loader.drop_last,
        timeout=loader.timeout,
        worker_init_fn=loader.worker_init_fn,
        multiprocessing_context=loader.multiprocessing_context,
        generator=loader.generator,
        prefetch_factor=loader.prefetch_factor if loader.num_workers > 0 else None,
        persistent_workers=loader.persistent_workers,
    )


def all_reduce_sum(values: torch.Tensor) -> torch.Tensor:
    """Sum ``values`` over all processes (returns ``values`` unchanged when alone)."""
    if dist.is_available() and dist.is_initialized():
        dist.all_reduce(values, op=dist.ReduceOp.SUM)
    return values
