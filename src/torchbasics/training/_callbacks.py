"""Callbacks: code that runs at fixed points of `Trainer.fit`.

A callback is a subclass of [`Callback`][torchbasics.training.Callback] that
overrides the hooks it needs; every hook receives the trainer, so it can read
``trainer.history``, ``trainer.epoch`` or ``trainer.model`` and set
``trainer.should_stop``. Hooks are methods, not event names in strings, and a
method named like a hook that is not one (``on_epoch_ned``) is a ``TypeError``
when the trainer is created, rather than a silent no-op.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from torchbasics._validation import check_choice, check_int, check_number
from torchbasics.training._checkpoint import atomic_write_text

if TYPE_CHECKING:
    from torchbasics.training._trainer import Trainer

__all__ = [
    "CSVLogger",
    "Callback",
    "EarlyStopping",
    "ModelCheckpoint",
    "TensorBoardLogger",
]

_MODES = ("min", "max")


class Callback:
    """Base class of the callbacks: every hook does nothing until overridden.

    The trainer calls, in this order::

        on_fit_start
        for each epoch:
            on_epoch_start
            on_batch_end            (after each optimizer step)
            on_validation_end       (only when fit() was given a val_loader)
            on_epoch_end            (the epoch's values are in trainer.history)
        on_fit_end                  (or on_exception, if training raised)

    A callback that keeps state across epochs returns it from
    [`state_dict`][torchbasics.training.Callback.state_dict] as plain data
    (numbers, strings, lists, dicts) and takes it back in
    [`load_state_dict`][torchbasics.training.Callback.load_state_dict]; the
    state is saved in every checkpoint, so a resumed run carries on exactly.

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> from torch.utils.data import DataLoader, TensorDataset
        >>> from torchbasics.training import Callback, Trainer
        >>> class PrintLoss(Callback):
        ...     def on_epoch_end(self, trainer):
        ...         print(trainer.epoch, round(trainer.history["train_loss"][-1], 3))
        >>> _ = torch.manual_seed(0)
        >>> x = torch.randn(64, 1)
        >>> loader = DataLoader(TensorDataset(x, 2 * x), batch_size=16)
        >>> model = nn.Linear(1, 1)
        >>> trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1),
        ...                   nn.MSELoss(), max_epochs=2, callbacks=[PrintLoss()],
        ...                   device="cpu", progress=False)
        >>> _ = trainer.fit(loader)
        1 1.296
        2 0.169
    """

    #: Runs after the other callbacks in each hook (checkpoints must see the
    #: state the other callbacks reached this epoch).
    runs_last: bool = False

    @property
    def state_key(self) -> str:
        """The key of this callback's state in a checkpoint (its class name)."""
        return type(self).__name__

    def on_fit_start(self, trainer: Trainer) -> None:
        """Called once, after a checkpoint (if any) was loaded and before the first epoch."""

    def on_fit_end(self, trainer: Trainer) -> None:
        """Called once, after the last epoch, when training ended normally."""

    def on_exception(self, trainer: Trainer, error: BaseException) -> None:
        """Called instead of ``on_fit_end`` when training raised ``error``."""

    def on_epoch_start(self, trainer: Trainer) -> None:
        """Called before the first batch of each epoch."""

    def on_batch_end(self, trainer: Trainer, batch_index: int, loss: float) -> None:
        """Called after each optimizer step, with the batch's loss as a float."""

    def on_validation_end(self, trainer: Trainer) -> None:
        """Called after validation; its values are in ``trainer.logs`` (``val_loss``, ...)."""

    def on_epoch_end(self, trainer: Trainer) -> None:
        """Called when the epoch's values have been appended to ``trainer.history``."""

    def state_dict(self) -> dict[str, Any]:
        """This callback's state, as plain data; empty by default."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore the state returned by `state_dict`; nothing to do by default."""


def hook_names() -> tuple[str, ...]:
    """The names of the hooks a `Callback` may override."""
    return tuple(name for name in vars(Callback) if name.startswith("on_"))


def check_hook_names(callback: Callback) -> None:
    """Raise if ``callback`` defines an ``on_*`` method that is not a hook.

    A misspelt hook (``on_epoch_ned``) would otherwise never be called.

    Raises:
        TypeError: Naming the method, the closest hook and the known hooks.
    """
    hooks = hook_names()
    for klass in type(callback).__mro__:
        if klass is Callback or klass is object:
            continue
        for name, member in vars(klass).items():
            if name.startswith("on_") and callable(member) and name not in hooks:
                close = difflib.get_close_matches(name, hooks, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise TypeError(
                    f"{klass.__name__}.{name} is not a Callback hook and would never "
                    f"be called{hint}; the hooks are: {', '.join(hooks)}"
                )


class _Monitor:
    """Tracks the best value of one logged quantity (shared by two callbacks)."""

    def __init__(self, owner: str, monitor: str, mode: str, min_delta: float = 0.0) -> None:
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"{owner}: monitor must be a non-empty name such as 'val_loss'")
        check_choice(mode, f"{owner}: mode", _MODES)
        check_number(min_delta, f"{owner}: min_delta", minimum=0)
        self.owner, self.monitor, self.mode, self.min_delta = owner, monitor, mode, float(min_delta)
        self.best: float | None = None

    def check_available(self, trainer: Trainer) -> None:
        if self.monitor not in trainer.log_names:
            available = ", ".join(trainer.log_names)
            hint = " (pass a val_loader to fit())" if self.monitor.startswith("val_") else ""
            raise ValueError(
                f"{self.owner} monitors {self.monitor!r}, which this training does not "
                f"log{hint}; logged values: {available}"
            )

    def current(self, trainer: Trainer) -> float:
        return float(trainer.history[self.monitor][-1])

    def improved(self, value: float) -> bool:
        if math.isnan(value):
            return False
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta


class EarlyStopping(Callback):
    """Stop training when a monitored value has stopped improving.

    After each epoch the monitored value is compared with the best so far.
    It improves when it is lower (``mode="min"``) or higher (``"max"``) by
    more than ``min_delta``. At the end of the ``patience``-th epoch in a row
    without improvement, ``trainer.should_stop`` is set and `fit` returns
    (as Keras and Lightning do): with ``patience=2`` and the best value at
    epoch 3, training stops after epoch 5. A ``nan`` never counts as an
    improvement; ``patience=0`` stops at the first epoch that does not improve.

    Args:
        monitor: A key of the history, such as ``"val_loss"`` or
            ``"val_accuracy"``.
        mode: ``"min"`` for losses and errors, ``"max"`` for scores.
        patience: Epochs in a row without improvement after which to stop.
        min_delta: Smallest change that counts as an improvement.

    Raises:
        TypeError: For an argument of the wrong type.
        ValueError: For a bad value, or (when fit starts) a ``monitor``
            the training does not log.

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> from torch.utils.data import DataLoader, TensorDataset
        >>> from torchbasics.training import EarlyStopping, Trainer
        >>> _ = torch.manual_seed(0)
        >>> x = torch.randn(64, 1)
        >>> loader = DataLoader(TensorDataset(x, 3 * x), batch_size=16)
        >>> model = nn.Linear(1, 1)
        >>> stopper = EarlyStopping(monitor="val_loss", mode="min", patience=2, min_delta=1e-3)
        >>> trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1),
        ...                   nn.MSELoss(), max_epochs=100, callbacks=[stopper],
        ...                   device="cpu", progress=False)
        >>> history = trainer.fit(loader, val_loader=loader)
        >>> len(history["epoch"]) < 100, stopper.stopped_epoch == history["epoch"][-1]
        (True, True)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: str = "min",
        patience: int = 3,
        min_delta: float = 0.0,
    ) -> None:
        check_int(patience, "EarlyStopping: patience", minimum=0)
        self._monitor = _Monitor("EarlyStopping", monitor, mode, min_delta)
        self.patience = patience
        self.wait = 0
        self.stopped_epoch: int | None = None

    @property
    def monitor(self) -> str:
        """The history key watched."""
        return self._monitor.monitor

    @property
    def best(self) -> float | None:
        """The best value seen so far (``None`` before the first epoch)."""
        return self._monitor.best

    def on_fit_start(self, trainer: Trainer) -> None:
        self._monitor.check_available(trainer)

    def on_epoch_end(self, trainer: Trainer) -> None:
        value = self._monitor.current(trainer)
        if self._monitor.improved(value):
            self._monitor.best = value
            self.wait = 0
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = trainer.epoch
            trainer.should_stop = True

    def state_dict(self) -> dict[str, Any]:
        return {"best": self._monitor.best, "wait": self.wait, "stopped_epoch": self.stopped_epoch}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._monitor.best = state["best"]
        self.wait = state["wait"]
        self.stopped_epoch = state["stopped_epoch"]


class ModelCheckpoint(Callback):
    """Save a full training checkpoint after every epoch, and keep the best one.

    Files written in ``dirpath`` (each atomically, by
    [`save_checkpoint`][torchbasics.training.save_checkpoint]):

    - ``best.ckpt``: the epoch whose ``monitor`` value was best so far;
    - ``last.ckpt``: the latest epoch, when ``save_last`` is true. Pass it as
      ``fit(..., ckpt_path=...)`` to resume an interrupted run.

    With `DistributedDataParallel` only the process of rank 0 writes.

    Args:
        dirpath: Directory for the files (created if missing).
        monitor: History key that decides the best epoch, or ``None`` to keep
            only ``last.ckpt``.
        mode: ``"min"`` or ``"max"``, as in `EarlyStopping`.
        save_last: Also write ``last.ckpt`` after every epoch.

    Attributes:
        best_model_path: Path of ``best.ckpt`` once written, else ``None``.
        best_score: The monitored value of that epoch.

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> import torch
        >>> from torch import nn
        >>> from torch.utils.data import DataLoader, TensorDataset
        >>> from torchbasics.training import ModelCheckpoint, Trainer
        >>> _ = torch.manual_seed(0)
        >>> x = torch.randn(32, 1)
        >>> loader = DataLoader(TensorDataset(x, 2 * x), batch_size=8)
        >>> model = nn.Linear(1, 1)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     checkpoint = ModelCheckpoint(tmp, monitor="val_loss")
        ...     trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1),
        ...                       nn.MSELoss(), max_epochs=3, callbacks=[checkpoint],
        ...                       device="cpu", progress=False)
        ...     _ = trainer.fit(loader, val_loader=loader)
        ...     print(sorted(path.name for path in Path(tmp).iterdir()))
        ['best.ckpt', 'last.ckpt']
    """

    runs_last = True
    BEST = "best.ckpt"
    LAST = "last.ckpt"

    def __init__(
        self,
        dirpath: str | os.PathLike[str],
        monitor: str | None = "val_loss",
        mode: str = "min",
        save_last: bool = True,
    ) -> None:
        if monitor is None and not save_last:
            raise ValueError("ModelCheckpoint: with monitor=None, save_last must be True")
        self.dirpath = Path(dirpath)
        self._monitor = None if monitor is None else _Monitor("ModelCheckpoint", monitor, mode)
        self.save_last = save_last
        self.best_model_path: Path | None = None

    @property
    def best_score(self) -> float | None:
        """The monitored value of the best epoch so far."""
        return None if self._monitor is None else self._monitor.best

    def on_fit_start(self, trainer: Trainer) -> None:
        if self._monitor is not None:
            self._monitor.check_available(trainer)

    def on_epoch_end(self, trainer: Trainer) -> None:
        improved = False
        if self._monitor is not None:
            value = self._monitor.current(trainer)
            improved = self._monitor.improved(value)
            if improved:
                self._monitor.best = value
                self.best_model_path = self.dirpath / self.BEST
        if not trainer.is_global_zero:
            return
        # The state saved includes this epoch's update of best_score above.
        if improved:
            trainer.save_checkpoint(self.dirpath / self.BEST)
        if self.save_last:
            trainer.save_checkpoint(self.dirpath / self.LAST)

    def state_dict(self) -> dict[str, Any]:
        return {
            "best_score": self.best_score,
            "best_model_path": None if self.best_model_path is None else str(self.best_model_path),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if self._monitor is not None:
            self._monitor.best = state["best_score"]
        path = state["best_model_path"]
        self.best_model_path = None if path is None else Path(path)


class CSVLogger(Callback):
    """Write the history to a CSV file after every epoch: one row per epoch.

    The whole file is rewritten (atomically) from ``trainer.history`` each
    epoch, so it always matches the history exactly, also after a resume.
    Only the process of rank 0 writes.

    Args:
        path: The ``.csv`` file (parent directories are created).

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> import torch
        >>> from torch import nn
        >>> from torch.utils.data import DataLoader, TensorDataset
        >>> from torchbasics.training import CSVLogger, Trainer
        >>> x = torch.randn(32, 1)
        >>> loader = DataLoader(TensorDataset(x, 2 * x), batch_size=8)
        >>> model = nn.Linear(1, 1)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = Path(tmp, "history.csv")
        ...     trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1),
        ...                       nn.MSELoss(), max_epochs=2, callbacks=[CSVLogger(path)],
        ...                       device="cpu", progress=False)
        ...     _ = trainer.fit(loader)
        ...     lines = path.read_text().splitlines()
        >>> lines[0], len(lines)
        ('epoch,train_loss,lr', 3)
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def on_epoch_end(self, trainer: Trainer) -> None:
        if not trainer.is_global_zero:
            return
        history = trainer.history
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(history)
        writer.writerows(zip(*history.values(), strict=True))
        atomic_write_text(self.path, buffer.getvalue())


class TensorBoardLogger(Callback):
    """Log the history to TensorBoard, through `torch.utils.tensorboard`.

    Every value is written at the **global step** (optimizer steps so far),
    as Lightning does, so batch and epoch values share one x-axis. After every
    epoch each history value is written as a scalar, training and validation
    of the same quantity under one tag group (``loss/train``, ``loss/val``,
    ``accuracy/train``, ...), plus ``lr`` and ``epoch``. Every
    ``log_every_n_steps`` optimizer steps the batch loss is written as
    ``batch/train_loss``. On resume, whatever an interrupted run logged after
    the checkpoint's step is discarded, so each step appears once. View with
    ``tensorboard --logdir <log_dir>``. Only the process of rank 0 writes.

    Needs the ``tensorboard`` package: ``pip install "torchbasics[tensorboard]"``.

    Args:
        log_dir: Directory for the event files.
        log_every_n_steps: How often to log the batch loss; ``0`` never.

    Raises:
        ImportError: If ``tensorboard`` is not installed.
        TypeError: If ``log_every_n_steps`` is not an int.
        ValueError: If ``log_every_n_steps`` is negative.
    """

    def __init__(self, log_dir: str | os.PathLike[str], log_every_n_steps: int = 50) -> None:
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as error:
            raise ImportError(
                "TensorBoardLogger needs the tensorboard package: "
                'pip install "torchbasics[tensorboard]"'
            ) from error
        check_int(log_every_n_steps, "log_every_n_steps", minimum=0)
        self._writer_class = SummaryWriter
        self.log_dir = Path(log_dir)
        self.log_every_n_steps = log_every_n_steps
        self.writer: Any = None

    def on_fit_start(self, trainer: Trainer) -> None:
        if trainer.is_global_zero:
            # TensorBoard drops every event at or after purge_step, of every
            # tag: anything logged after the checkpoint being resumed from.
            resumed = trainer.global_step > 0
            self.writer = self._writer_class(
                str(self.log_dir), purge_step=trainer.global_step + 1 if resumed else None
            )

    def on_batch_end(self, trainer: Trainer, batch_index: int, loss: float) -> None:
        every = self.log_every_n_steps
        if self.writer is not None and every and trainer.global_step % every == 0:
            self.writer.add_scalar("batch/train_loss", loss, trainer.global_step)

    def on_epoch_end(self, trainer: Trainer) -> None:
        if self.writer is None:
            return
        for key, values in trainer.history.items():
            self.writer.add_scalar(self.tag(key), values[-1], trainer.global_step)
        self.writer.flush()

    @staticmethod
    def tag(key: str) -> str:
        """The TensorBoard tag of a history key: ``val_loss`` becomes ``loss/val``.

        Examples:
            >>> TensorBoardLogger.tag("val_loss"), TensorBoardLogger.tag("train_accuracy")
            ('loss/val', 'accuracy/train')
            >>> TensorBoardLogger.tag("lr")
            'lr'
        """
        for prefix in ("train", "val"):
            if key.startswith(prefix + "_"):
                return f"{key[len(prefix) + 1 :]}/{prefix}"
        return key

    def on_fit_end(self, trainer: Trainer) -> None:
        self._close()

    def on_exception(self, trainer: Trainer, error: BaseException) -> None:
        self._close()

    def _close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
