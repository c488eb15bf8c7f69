"""Checkpoints: one plain, documented dict, written atomically, read safely.

A checkpoint holds everything needed to continue training exactly where it
stopped (see [`save_checkpoint`][torchbasics.training.save_checkpoint] for the
keys). Two promises:

- **Nothing lost.** The file is written to a temporary file in the same
  directory, flushed and fsync'ed, then renamed over the old one in a single
  step. A process killed at any moment leaves either the old checkpoint or the
  new one, never half of one.
- **Nothing executed.** Loading uses ``torch.load(..., weights_only=True)``,
  which only rebuilds tensors and plain Python data. A file that holds any
  other object, such as a pickle crafted to run code, is refused before that
  code can run.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import random
import tempfile
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import torch
from torch import nn

__all__ = [
    "CHECKPOINT_FORMAT_VERSION",
    "CheckpointError",
    "load_checkpoint",
    "save_checkpoint",
]

CHECKPOINT_FORMAT_VERSION = 1
"""Version of the dict layout written by [`save_checkpoint`][torchbasics.training.save_checkpoint].

It grows only when a key changes meaning; files of a newer version are refused.
"""

_REQUIRED_KEYS = ("format_version", "epoch", "model")


class CheckpointError(Exception):
    """A checkpoint file could not be used; the message names the file and why.

    Raised for a truncated or corrupted file, a file that is not a
    torchbasics checkpoint, one written by a newer format, and one refused
    because it holds objects that are not plain data.

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from torchbasics.training import CheckpointError, load_checkpoint
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = Path(tmp, "notes.ckpt")
        ...     _ = path.write_text("not a checkpoint")
        ...     try:
        ...         load_checkpoint(path)
        ...     except CheckpointError as error:
        ...         print(str(error).replace(tmp, "..."))
        cannot read checkpoint .../notes.ckpt: the file is truncated, corrupted or not written
        by torch.save (...)
    """


CheckpointError.__module__ = "torchbasics.training"


def save_checkpoint(
    path: str | os.PathLike[str],
    *,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: Any = None,
    grad_scaler: Any = None,
    epoch: int = 0,
    global_step: int = 0,
    history: Mapping[str, list[Any]] | None = None,
    callbacks: Mapping[str, Mapping[str, Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
    dataloader_generator: torch.Generator | None = None,
) -> Path:
    """Write a training checkpoint to ``path``, atomically.

    The file holds one dict with these keys:

    | key | value |
    | --- | --- |
    | `format_version` | [`CHECKPOINT_FORMAT_VERSION`][torchbasics.training.CHECKPOINT_FORMAT_VERSION] |
    | `torchbasics_version`, `torch_version` | versions that wrote the file (strings) |
    | `epoch` | number of epochs completed |
    | `global_step` | number of optimizer steps taken |
    | `model` | `model.state_dict()` (of the inner module if wrapped in DDP) |
    | `optimizer`, `scheduler`, `grad_scaler` | their `state_dict()`, or `None` |
    | `history` | per-epoch values, as returned by `Trainer.fit` |
    | `callbacks` | each callback's `state_dict()`, by its `state_key` |
    | `rng` | random number generator states: `torch`, `cuda`, `numpy`, `python` and `dataloader` |
    | `extra` | anything else you pass (plain data only) |

    Everything in it is a tensor or plain Python data, so
    [`load_checkpoint`][torchbasics.training.load_checkpoint] can read it with
    ``weights_only=True``.

    The data is written to a temporary file next to ``path``, flushed,
    fsync'ed and renamed onto ``path``: if the process dies during the save,
    the previous file at ``path`` is untouched.

    Args:
        path: Where to write. Missing parent directories are created.
        model: The model whose weights are saved.
        optimizer: Its optimizer, if the training is to be resumed.
        scheduler: A learning-rate scheduler, if any.
        grad_scaler: A `torch.amp.GradScaler`, if any.
        epoch: Epochs completed.
        global_step: Optimizer steps taken.
        history: Per-epoch values so far.
        callbacks: Callback states, by key.
        extra: More plain data to keep (a config, a note).
        dataloader_generator: The `torch.Generator` that shuffles the
            training data, if the loader was given one.

    Returns:
        The path written.

    Raises:
        TypeError: If ``model`` is not an `nn.Module`.

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> import torch
        >>> from torch import nn
        >>> from torchbasics.training import load_checkpoint, save_checkpoint
        >>> model = nn.Linear(3, 1)
        >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = save_checkpoint(Path(tmp, "run.ckpt"), model=model,
        ...                            optimizer=optimizer, epoch=3)
        ...     checkpoint = load_checkpoint(path)
        >>> checkpoint["epoch"], sorted(checkpoint["model"])
        (3, ['bias', 'weight'])
    """  # noqa: E501 (a row of the table above)
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    from torchbasics import __version__

    model = getattr(model, "module", model)  # unwrap DistributedDataParallel
    checkpoint = {
        "format_version": CHECKPOINT_FORMAT_VERSION,
        "torchbasics_version": __version__,
        "torch_version": str(torch.__version__),  # a str subclass otherwise
        "epoch": int(epoch),
        "global_step": int(global_step),
        "model": model.state_dict(),
        "optimizer": None if optimizer is None else optimizer.state_dict(),
        "scheduler": None if scheduler is None else scheduler.state_dict(),
        "grad_scaler": None if grad_scaler is None else grad_scaler.state_dict(),
        "history": {key: list(values) for key, values in (history or {}).items()},
        "callbacks": {key: dict(state) for key, state in (callbacks or {}).items()},
        "rng": rng_states(dataloader_generator),
        "extra": dict(extra or {}),
    }
    return atomic_save(checkpoint, path)


def load_checkpoint(path: str | os.PathLike[str], *, map_location: Any = "cpu") -> dict[str, Any]:
    """Read a checkpoint written by [`save_checkpoint`][torchbasics.training.save_checkpoint].

    The file is read with ``torch.load(..., weights_only=True)``: only tensors
    and plain Python data are rebuilt. A file that would need any other object
    (a class, a function, a pickle crafted to run a command) is refused, and
    nothing in it runs.

    Args:
        path: The checkpoint file.
        map_location: Where to put the tensors, as for `torch.load`; the CPU
            by default, so that a GPU checkpoint opens on any machine.

    Returns:
        The checkpoint dict (its keys are listed in `save_checkpoint`).

    Raises:
        FileNotFoundError: If there is no file at ``path``.
        CheckpointError: If the file is truncated or corrupted, refused as
            unsafe, not a torchbasics checkpoint, or of a newer format.

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> import torch
        >>> from torchbasics.training import CheckpointError, load_checkpoint
        >>> class Payload:
        ...     def __reduce__(self):
        ...         return (print, ("this line would run on load",))
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = Path(tmp, "evil.ckpt")
        ...     torch.save({"model": Payload()}, path)
        ...     try:
        ...         load_checkpoint(path)
        ...     except CheckpointError as error:
        ...         print("refused:", "not plain data" in str(error))
        refused: True
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint file at {path}")
    try:
        with warnings.catch_warnings():
            # A hand-made pickle triggers a protocol warning before being refused.
            warnings.filterwarnings("ignore", message="Detected pickle protocol")
            checkpoint = torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        if "global" in str(error).lower():  # an object that is not plain data
            lines = [line.strip() for line in str(error).splitlines() if line.strip()]
            detail = next((line for line in lines if "unsupported" in line.lower()), lines[0])
            raise CheckpointError(
                f"refused to load checkpoint {path}: it holds objects that are not "
                "plain data (tensors, numbers, strings, lists, dicts), and unpickling "
                "them could run arbitrary code; nothing in the file was executed. "
                f"({detail})"
            ) from None
        raise _unreadable(path, error) from error
    except Exception as error:  # zip, EOF, OS and format errors alike
        raise _unreadable(path, error) from error
    return _check_layout(path, checkpoint)


def _unreadable(path: Path, error: BaseException) -> CheckpointError:
    cause = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return CheckpointError(
        f"cannot read checkpoint {path}: the file is truncated, corrupted or not "
        f"written by torch.save ({type(error).__name__}: {cause})"
    )


def _check_layout(path: Path, checkpoint: object) -> dict[str, Any]:
    """Return ``checkpoint`` if it is a dict laid out as `save_checkpoint` writes."""
    if not isinstance(checkpoint, dict):
        raise CheckpointError(
            f"{path} is not a torchbasics checkpoint: it holds a "
            f"{type(checkpoint).__name__}, not a dict"
        )
    missing = [key for key in _REQUIRED_KEYS if key not in checkpoint]
    if missing:
        hint = ""
        if "format_version" in missing and all(
            isinstance(value, torch.Tensor) for value in checkpoint.values()
        ):
            hint = (
                "; it looks like a bare state_dict: load it with "
                "model.load_state_dict(torch.load(path, weights_only=True))"
            )
        raise CheckpointError(
            f"{path} is not a torchbasics checkpoint: missing key(s) "
            f"{', '.join(repr(key) for key in missing)}{hint}"
        )
    version = checkpoint["format_version"]
    if not isinstance(version, int) or version > CHECKPOINT_FORMAT_VERSION:
        raise CheckpointError(
            f"{path} has checkpoint format {version!r}, but this torchbasics reads "
            f"format {CHECKPOINT_FORMAT_VERSION} and older: upgrade torchbasics"
        )
    return checkpoint


def atomic_save(obj: object, path: str | os.PathLike[str]) -> Path:
    """``torch.save`` ``obj`` to ``path`` so that a crash never leaves half a file.

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> import torch
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = atomic_save({"w": torch.ones(2)}, Path(tmp, "w.pt"))
        ...     names = sorted(p.name for p in path.parent.iterdir())
        ...     print(torch.load(path, weights_only=True)["w"], names)
        tensor([1., 1.]) ['w.pt']
    """
    return _atomic_write(path, lambda file: torch.save(obj, file))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` with the same guarantee as `atomic_save`."""
    return _atomic_write(path, lambda file: file.write(text.encode("utf-8")))


def _atomic_write(path: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> Path:
    """Write through a temporary file in the same directory, then rename it onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())  # the bytes are on disk before the rename
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, path)  # atomic on POSIX and Windows
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_directory(path.parent)  # make the rename itself survive a power cut
    _remove_stale_temporaries(path)
    return path


@functools.cache
def _umask() -> int:
    """The process umask (read once: reading it means setting it briefly)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_temporaries(path: Path) -> None:
    """Delete temporary files left next to ``path`` by saves that were killed."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def rng_states(dataloader_generator: torch.Generator | None = None) -> dict[str, Any]:
    """The states of every random number generator training draws from, as plain data."""
    version, internal, gauss = random.getstate()
    name, keys, position, has_gauss, cached = np.random.get_state(legacy=True)
    states: dict[str, Any] = {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else [],
        "numpy": {
            "name": str(name),
            "keys": torch.from_numpy(np.asarray(keys, dtype=np.int64)),
            "position": int(position),
            "has_gauss": int(has_gauss),
            "cached_gaussian": float(cached),
        },
        "python": {"version": version, "internal": list(internal), "gauss": gauss},
        "dataloader": None if dataloader_generator is None else dataloader_generator.get_state(),
    }
    return states


def set_rng_states(
    states: Mapping[str, Any], dataloader_generator: torch.Generator | None = None
) -> None:
    """Restore the generators saved by
    [`rng_states`][torchbasics.training._checkpoint.rng_states]."""
    torch.set_rng_state(states["torch"].cpu())
    if states.get("cuda") and torch.cuda.is_available():
        cuda = [state.cpu() for state in states["cuda"]]
        if len(cuda) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(cuda)
    numpy_state = states["numpy"]
    np.random.set_state(
        (
            numpy_state["name"],
            numpy_state["keys"].numpy().astype(np.uint32),
            numpy_state["position"],
            numpy_state["has_gauss"],
            numpy_state["cached_gaussian"],
        )
    )
    python_state = states["python"]
    random.setstate(
        (python_state["version"], tuple(python_state["internal"]), python_state["gauss"])
    )
    if dataloader_generator is not None and states.get("dataloader") is not None:
        dataloader_generator.set_state(states["dataloader"].cpu())
