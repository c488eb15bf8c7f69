"""The Trainer: the training loop of the lectures, made reusable.

Read `Trainer._train_epoch` first: it is the loop you write by hand,

    model.train()
    for inputs, target in loader:
        optimizer.zero_grad()
        output = model(inputs)
        loss = loss_fn(output, target)
        loss.backward()
        optimizer.step()

with the checks, logging and resuming a real run needs around it.
"""

from __future__ import annotations

import contextlib
import math
import os
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader

from torchbasics._validation import check_choice, check_int, check_number
from torchbasics.devices import DeviceLike, get_device, to_device
from torchbasics.training._callbacks import Callback, check_hook_names
from torchbasics.training._checkpoint import load_checkpoint, save_checkpoint, set_rng_states
from torchbasics.training._distributed import (
    DistributedContext,
    all_reduce_sum,
    distribute_loader,
    distributed_context,
    init_process_group,
)
from torchbasics.training._progress import progress_bar, progress_enabled
from torchbasics.training._shapes import check_output_target, loss_kind

__all__ = ["History", "Metric", "NonFiniteLossError", "Trainer"]

History = dict[str, list[Any]]
"""What `Trainer.fit` returns: one value per epoch under each key,
``{"epoch": [1, 2], "train_loss": [...], "val_loss": [...], "lr": [...]}``."""

Metric = Callable[[torch.Tensor, torch.Tensor], Any]
"""A metric: ``(output, target) -> number``, such as `torchbasics.metrics.accuracy`."""

# Keys a dict batch may keep its target under, tried in this order.
_TARGET_KEYS = ("target", "targets", "label", "labels", "y")


class NonFiniteLossError(FloatingPointError):
    """The loss became ``nan`` or infinite; the message names the epoch and batch."""


NonFiniteLossError.__module__ = "torchbasics.training"


class Trainer:
    """Train, evaluate and predict with any model, optimizer and loss.

    `fit` runs, for every epoch, the loop of the lectures (``zero_grad``,
    forward, loss, ``backward``, ``step``) over ``train_loader``, then
    evaluates on ``val_loader`` if given, and returns the history. Around it:

    - batches, tuples or dicts, are moved to ``device`` with
      [`to_device`][torchbasics.devices.to_device];
    - an output whose shape cannot match the target for the loss (an MSE
      between ``(N, 1)`` and ``(N,)``) raises an error naming both shapes
      before the loss is computed;
    - a ``nan`` or infinite loss stops training with
      [`NonFiniteLossError`][torchbasics.training.NonFiniteLossError] naming
      the epoch and batch, before the bad gradient reaches the weights;
    - callbacks ([`EarlyStopping`][torchbasics.training.EarlyStopping],
      [`ModelCheckpoint`][torchbasics.training.ModelCheckpoint], loggers) run
      at fixed points; ``fit(..., ckpt_path=...)`` resumes from a checkpoint;
    - under ``torchrun`` the same script trains with
      `DistributedDataParallel` (see "Distributed training" below).

    **Batches.** A tuple or list ``(x, y)`` calls ``model(x)`` with target
    ``y``; a longer one, ``(x, lengths, y)``, calls ``model(x, lengths)``: the
    last item is always the target. A dict calls ``model(**rest)`` with the
    target taken from ``target_key``, or by default from the first of
    ``"target"``, ``"targets"``, ``"label"``, ``"labels"``, ``"y"`` present.

    **Metrics** are functions ``(output, target) -> number``. Each epoch's
    value is the mean over batches weighted by batch size: exactly the value
    over all samples for accuracy, MSE and MAE; an approximation for metrics
    that do not decompose into per-sample terms (R², F1).

    **AMP.** ``amp=True`` on CUDA runs the forward pass under float16
    autocast with gradient scaling (`torch.amp.GradScaler`); on the CPU it
    uses bfloat16 autocast (no scaling needed); on other devices it is
    ignored with a warning.

    **Distributed training.** Started with ``torchrun --nproc_per_node=N``,
    each process joins the process group (NCCL on CUDA, gloo on CPU), wraps
    the model in `DistributedDataParallel`, and reads its own share of every
    loader through a `DistributedSampler`. Loss and metrics are summed over
    all processes before they are logged, so every process sees the global
    values; files (checkpoints, logs) and progress bars come from rank 0
    only. `predict` is not split: each process predicts the whole loader.

    Args:
        model: The network. It is moved to ``device``.
        optimizer: An optimizer built on ``model.parameters()``.
        loss_fn: ``(output, target) -> scalar tensor``, e.g. `nn.MSELoss()`.
        device: Where to train; by default
            [`get_device()`][torchbasics.devices.get_device] (under
            ``torchrun`` with CUDA: this process's GPU).
        max_epochs: Epochs to train (counting those of a resumed checkpoint).
        callbacks: [`Callback`][torchbasics.training.Callback] instances.
        metrics: Named metrics, e.g. ``{"accuracy": accuracy}``; logged as
            ``train_accuracy`` and ``val_accuracy``.
        scheduler: A learning-rate scheduler, stepped after every epoch
            (`ReduceLROnPlateau` with ``val_loss``, or ``train_loss`` without
            validation), or after every batch with ``scheduler_interval="step"``.
        grad_clip: If given, gradients are clipped to this total norm.
        amp: Use automatic mixed precision (see above).
        progress: Show tqdm progress bars; they appear only in a terminal or
            a notebook, never in CI logs (``TORCHBASICS_PROGRESS=0/1`` forces).
            Validation and predict bars show only for passes over 0.5 s.
        scheduler_interval: ``"epoch"`` or ``"step"``.
        target_key: Key of the target in dict batches.
        check_shapes: Check output against target shapes before each loss.

    Attributes:
        history: The values logged so far (see `fit`).
        epoch: Epochs completed.
        global_step: Optimizer steps taken.
        should_stop: Set to ``True`` (by a callback) to end `fit` after the
            current epoch.
        logs: The values of the current epoch, filled as it runs.

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> from torch.utils.data import DataLoader, TensorDataset
        >>> from torchbasics import Trainer
        >>> from torchbasics.metrics import mse
        >>> _ = torch.manual_seed(0)
        >>> x = torch.randn(256, 3)
        >>> y = x @ torch.tensor([[2.0], [-1.0], [0.5]]) + 0.3
        >>> loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
        >>> model = nn.Linear(3, 1)
        >>> trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1),
        ...                   nn.MSELoss(), max_epochs=20, metrics={"mse": mse},
        ...                   device="cpu", progress=False)
        >>> history = trainer.fit(loader, val_loader=loader)
        >>> list(history)
        ['epoch', 'train_loss', 'train_mse', 'val_loss', 'val_mse', 'lr']
        >>> [round(w, 2) for w in model.weight.flatten().tolist()], round(model.bias.item(), 2)
        ([2.0, -1.0, 0.5], 0.3)
        >>> trainer.predict(DataLoader(torch.ones(2, 3))).round(decimals=2)
        tensor([[1.8000],
                [1.8000]])
    """

    def __init__(
        self,
        model: nn.Module,
        optimizer: torch.optim.Optimizer,
        loss_fn: Callable[[Any, Any], torch.Tensor],
        *,
        device: DeviceLike | None = None,
        max_epochs: int,
        callbacks: Iterable[Callback] = (),
        metrics: Mapping[str, Metric] | None = None,
        scheduler: Any = None,
        grad_clip: float | None = None,
        amp: bool = False,
        progress: bool = True,
        scheduler_interval: str = "epoch",
        target_key: str | None = None,
        check_shapes: bool = True,
    ) -> None:
        _check_arguments(model, optimizer, loss_fn, max_epochs, grad_clip, scheduler_interval)
        self.callbacks: list[Callback] = _checked_callbacks(callbacks)
        self.metrics: dict[str, Metric] = _checked_metrics(metrics)
        self.optimizer = optimizer
        self.loss_fn = loss_fn
        self.max_epochs = max_epochs
        self.scheduler = scheduler
        self.scheduler_interval = scheduler_interval
        self.grad_clip = None if grad_clip is None else float(grad_clip)
        self.target_key = target_key
        self.check_shapes = check_shapes
        self.progress = progress

        self.distributed: DistributedContext | None = distributed_context()
        self.device = self._choose_device(device)
        self.model = model.to(self.device)
        self.network: nn.Module = self.model  # what the batches go through
        if self.distributed is not None:
            init_process_group(self.device)
            device_ids = [self.device] if self.device.type == "cuda" else None
            self.network = DistributedDataParallel(self.model, device_ids=device_ids)

        self._amp_dtype = self._choose_amp_dtype(amp)
        use_scaler = self._amp_dtype == torch.float16
        self.grad_scaler = torch.amp.GradScaler(self.device.type) if use_scaler else None
        self._loss_kind = loss_kind(loss_fn)
        self._loss_name = (
            type(loss_fn).__name__
            if isinstance(loss_fn, nn.Module)
            else getattr(loss_fn, "__name__", "the loss")
        )

        self.history: History = {}
        self.logs: dict[str, Any] = {}
        self.log_names: list[str] = []
        self.epoch = 0
        self.global_step = 0
        self.should_stop = False
        self._train_generator: torch.Generator | None = None

    # ------------------------------------------------------------------ set-up

    def _choose_device(self, device: DeviceLike | None) -> torch.device:
        chosen = get_device(device)
        if self.distributed is not None and chosen.type == "cuda" and chosen.index is None:
            chosen = torch.device("cuda", self.distributed.local_rank)
        if chosen.type == "cuda":
            torch.cuda.set_device(chosen)
        return chosen

    def _choose_amp_dtype(self, amp: bool) -> torch.dtype | None:
        if not amp:
            return None
        if self.device.type == "cuda":
            return torch.float16
        if self.device.type == "cpu":
            return torch.bfloat16
        warnings.warn(
            f"amp=True is ignored on {self.device.type}: mixed precision is used on "
            "CUDA (float16) and the CPU (bfloat16) only",
            stacklevel=3,
        )
        return None

    @property
    def is_global_zero(self) -> bool:
        """True in the process that writes files: the only one, or rank 0 under torchrun."""
        return self.distributed is None or self.distributed.rank == 0

    # --------------------------------------------------------------------- fit

    def fit(
        self,
        train_loader: Iterable[Any],
        val_loader: Iterable[Any] | None = None,
        ckpt_path: str | os.PathLike[str] | None = None,
    ) -> History:
        """Train for ``max_epochs`` epochs (fewer if a callback stops early).

        Args:
            train_loader: Batches to train on, usually a `DataLoader`.
            val_loader: Batches to evaluate on after every epoch.
            ckpt_path: A checkpoint written by this trainer (or
                `ModelCheckpoint`) to resume from: weights, optimizer,
                scheduler, history, callback states and random number
                generators are restored, and training continues with the
                epoch after the saved one.

        Returns:
            The history: a dict of lists with one value per epoch, keys
            ``epoch``, ``train_loss``, ``train_<metric>``..., then
            ``val_loss``, ``val_<metric>``... (with a ``val_loader``), and
            ``lr`` (the learning rate of the first parameter group during
            the epoch). The same dict is ``trainer.history``.

        Raises:
            NonFiniteLossError: If the training loss becomes nan or infinite.
            ValueError: If the output and target shapes cannot match the
                loss, a batch has no target, or a loader yields no batches.
            CheckpointError: If ``ckpt_path`` cannot be read.
        """
        if self.distributed is not None:
            train_loader = self._distributed(train_loader)
            val_loader = None if val_loader is None else self._distributed(val_loader)
        self.history, self.logs, self.epoch, self.global_step = {}, {}, 0, 0
        self.should_stop = False
        self._train_generator = getattr(train_loader, "generator", None)
        if ckpt_path is not None:
            self._restore(load_checkpoint(ckpt_path, map_location=self.device))
        self.log_names = self._log_names(with_validation=val_loader is not None)
        self._call("on_fit_start")
        try:
            while self.epoch < self.max_epochs and not self.should_stop:
                self._run_epoch(train_loader, val_loader)
        except BaseException as error:
            for callback in self.callbacks:
                callback.on_exception(self, error)
            raise
        self._call("on_fit_end")
        return self.history

    def _run_epoch(self, train_loader: Iterable[Any], val_loader: Iterable[Any] | None) -> None:
        self._call("on_epoch_start")
        sampler: Any = getattr(train_loader, "sampler", None)
        if hasattr(sampler, "set_epoch"):
            sampler.set_epoch(self.epoch)  # a new shuffle each epoch under DDP
        learning_rate = self.optimizer.param_groups[0]["lr"]
        self.logs = {"epoch": self.epoch + 1}
        self.logs.update(self._train_epoch(train_loader))
        if val_loader is not None:
            values = self._evaluate(val_loader, description="validation")
            self.logs.update({f"val_{name}": value for name, value in values.items()})
            self._call("on_validation_end")
        self.logs["lr"] = learning_rate
        if self.scheduler is not None and self.scheduler_interval == "epoch":
            self._step_scheduler()
        self.epoch += 1
        for name, value in self.logs.items():
            self.history.setdefault(name, []).append(value)
        self._call("on_epoch_end")

    def _train_epoch(self, loader: Iterable[Any]) -> dict[str, float]:
        """One pass over ``loader``: the hand-written loop, plus checks and logging.

        The common case costs a few microseconds a step over the bare loop: a
        ``(inputs, target)`` batch already on the device is used as it is, and
        shapes are checked on the first batch and whenever they change.
        """
        self.network.train()
        totals = _Totals(self.metrics)
        bar = self._bar(loader, f"epoch {self.epoch + 1}/{self.max_epochs}")
        show = not bar.disable
        autocast = self._autocast()
        checked: tuple[Any, ...] | None = None  # the shapes checked last
        for batch_index, batch in enumerate(bar):
            args, kwargs, target = self._prepare(batch)
            self.optimizer.zero_grad()
            with autocast:
                output = self.network(*args, **kwargs)
                if self.check_shapes:
                    seen = _signature(output, target)
                    if seen is None or seen != checked:
                        check_output_target(output, target, self._loss_kind, self._loss_name)
                        checked = seen
                loss = self.loss_fn(output, target)
            loss_value = loss.item()
            if not math.isfinite(loss_value):
                raise self._non_finite(loss_value, batch_index, loader)
            self._backward_and_step(loss)
            self.global_step += 1
            totals.add(loss_value, output, target)
            for callback in self.callbacks:
                callback.on_batch_end(self, batch_index, loss_value)
            if show:
                bar.set_postfix_str(f"loss={loss_value:.4g}", refresh=False)
        values = totals.result(reduce=self.distributed is not None)
        if not bar.disable:
            bar.set_postfix_str(f"loss={values['loss']:.4g}")
            bar.close()
        return {f"train_{name}": value for name, value in values.items()}

    def _backward_and_step(self, loss: torch.Tensor) -> None:
        if self.grad_scaler is None:
            loss.backward()
            if self.grad_clip is not None:
                nn.utils.clip_grad_norm_(self.model.parameters(), self.grad_clip)
            self.optimizer.step()
        else:  # float16: scale the loss so that small gradients do not round to 0
            self.grad_scaler.scale(loss).backward()
            if self.grad_clip is not None:
                self.grad_scaler.unscale_(self.optimizer)
                nn.utils.clip_grad_norm_(self.model.parameters(), self.grad_clip)
            self.grad_scaler.step(self.optimizer)
            self.grad_scaler.update()
        if self.scheduler is not None and self.scheduler_interval == "step":
            self.scheduler.step()

    def _step_scheduler(self) -> None:
        if isinstance(self.scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
            self.scheduler.step(self.logs.get("val_loss", self.logs["train_loss"]))
        else:
            self.scheduler.step()

    # --------------------------------------------------------- evaluate/predict

    def evaluate(self, loader: Iterable[Any]) -> dict[str, float]:
        """Loss and metrics of the model on ``loader``, without training.

        Runs in ``eval()`` mode under `torch.no_grad`. Under ``torchrun`` the
        loader is split between the processes and the values are global.

        Returns:
            ``{"loss": ..., "<metric>": ...}``, means over all samples.

        Examples:
            >>> import torch
            >>> from torch import nn
            >>> from torch.utils.data import DataLoader, TensorDataset
            >>> from torchbasics import Trainer
            >>> from torchbasics.metrics import accuracy
            >>> model = nn.Linear(2, 3)
            >>> trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1),
            ...                   nn.CrossEntropyLoss(), max_epochs=1,
            ...                   metrics={"accuracy": accuracy}, device="cpu")
            >>> data = TensorDataset(torch.randn(10, 2), torch.randint(0, 3, (10,)))
            >>> sorted(trainer.evaluate(DataLoader(data, batch_size=4)))
            ['accuracy', 'loss']
        """
        if self.distributed is not None:
            loader = self._distributed(loader)
        return self._evaluate(loader, description="evaluate")

    @torch.no_grad()
    def _evaluate(self, loader: Iterable[Any], description: str) -> dict[str, float]:
        self.network.eval()
        totals = _Totals(self.metrics)
        for batch in self._bar(loader, description, leave=False):
            args, kwargs, target = self._unpack(to_device(batch, self.device))
            with self._autocast():
                output = self.network(*args, **kwargs)
                if self.check_shapes:
                    check_output_target(output, target, self._loss_kind, self._loss_name)
                loss = self.loss_fn(output, target)
            totals.add(loss.item(), output, target)
        return totals.result(reduce=self.distributed is not None)

    @torch.no_grad()
    def predict(self, loader: Iterable[Any]) -> torch.Tensor:
        """The model's outputs for every batch of ``loader``, concatenated, on the CPU.

        Batches may be bare input tensors, or tuples/dicts as in `fit` (the
        target, if there is one, is ignored). Runs in ``eval()`` mode under
        `torch.no_grad`.

        Examples:
            >>> import torch
            >>> from torch import nn
            >>> from torch.utils.data import DataLoader
            >>> from torchbasics import Trainer
            >>> model = nn.Linear(4, 2)
            >>> trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1),
            ...                   nn.CrossEntropyLoss(), max_epochs=1, device="cpu")
            >>> trainer.predict(DataLoader(torch.randn(10, 4), batch_size=3)).shape
            torch.Size([10, 2])
        """
        self.model.eval()
        outputs = []
        kwargs: dict[str, Any]
        for batch in self._bar(loader, "predict", leave=False):
            batch = to_device(batch, self.device)
            if isinstance(batch, torch.Tensor):
                args, kwargs = (batch,), {}
            elif isinstance(batch, Sequence) and len(batch) == 1:
                args, kwargs = tuple(batch), {}
            else:
                args, kwargs, _ = self._unpack(batch)
            with self._autocast():
                output = self.model(*args, **kwargs)
            outputs.append(output.detach().float().cpu() if self._amp_dtype else output.cpu())
        if not outputs:
            raise ValueError("the loader passed to predict() yielded no batches")
        return torch.cat(outputs)

    # ------------------------------------------------------------- checkpoints

    def save_checkpoint(self, path: str | os.PathLike[str], **extra: Any) -> os.PathLike[str]:
        """Save everything needed to resume this training (see `save_checkpoint`).

        The random number generators are saved as they are at the moment of
        the call, so call it right after `fit` (or let `ModelCheckpoint` save
        after every epoch): anything drawn from them in between, such as
        creating another model, is not undone by a resume. Keyword arguments
        are stored under the checkpoint's ``extra`` key.
        """
        return save_checkpoint(
            path,
            model=self.model,
            optimizer=self.optimizer,
            scheduler=self.scheduler,
            grad_scaler=self.grad_scaler,
            epoch=self.epoch,
            global_step=self.global_step,
            history=self.history,
            callbacks={key: cb.state_dict() for key, cb in self._keyed_callbacks()},
            extra=extra,
            dataloader_generator=self._train_generator,
        )

    def _restore(self, checkpoint: Mapping[str, Any]) -> None:
        self.model.load_state_dict(checkpoint["model"])
        if checkpoint.get("optimizer") is not None:
            self.optimizer.load_state_dict(checkpoint["optimizer"])
        if self.scheduler is not None and checkpoint.get("scheduler") is not None:
            self.scheduler.load_state_dict(checkpoint["scheduler"])
        if self.grad_scaler is not None and checkpoint.get("grad_scaler"):
            self.grad_scaler.load_state_dict(checkpoint["grad_scaler"])
        self.epoch = checkpoint["epoch"]
        self.global_step = checkpoint.get("global_step", 0)
        self.history = {key: list(values) for key, values in checkpoint["history"].items()}
        states = checkpoint.get("callbacks", {})
        for key, callback in self._keyed_callbacks():
            if key in states:
                callback.load_state_dict(states[key])
        if checkpoint.get("rng"):
            set_rng_states(checkpoint["rng"], self._train_generator)

    def _keyed_callbacks(self) -> list[tuple[str, Callback]]:
        seen: dict[str, int] = {}
        keyed = []
        for callback in self.callbacks:
            key = callback.state_key
            seen[key] = seen.get(key, 0) + 1
            keyed.append((key if seen[key] == 1 else f"{key}-{seen[key]}", callback))
        return keyed

    # ----------------------------------------------------------------- helpers

    def _call(self, hook: str) -> None:
        for callback in self.callbacks:
            getattr(callback, hook)(self)

    def _autocast(self) -> contextlib.AbstractContextManager[Any]:
        """A reusable context: autocast under AMP, else one that does nothing."""
        if self._amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=self._amp_dtype)

    def _prepare(self, batch: Any) -> tuple[tuple[Any, ...], dict[str, Any], Any]:
        """The batch on the device, split into args, keyword args and target."""
        if type(batch) in (list, tuple) and len(batch) == 2:
            inputs, target = batch
            device = self.device
            if (
                type(inputs) is torch.Tensor
                and type(target) is torch.Tensor
                and inputs.device == device
                and target.device == device
            ):
                return (inputs,), {}, target  # already there: nothing to move
        return self._unpack(to_device(batch, self.device))

    def _bar(self, loader: Iterable[Any], description: str, leave: bool = True) -> Any:
        enabled = self.is_global_zero and progress_enabled(self.progress)
        # A bar that disappears when done (validation, predict) shows only if the
        # pass takes over half a second: no flicker, and 5x cheaper when it is quick.
        delay = 0.0 if leave else 0.5
        return progress_bar(loader, enabled=enabled, desc=description, leave=leave, delay=delay)

    def _distributed(self, loader: Iterable[Any]) -> Iterable[Any]:
        assert self.distributed is not None
        if isinstance(loader, DataLoader):
            return distribute_loader(loader, self.distributed)
        return loader  # any other iterable: the caller shards it

    def _log_names(self, with_validation: bool) -> list[str]:
        names = ["loss", *self.metrics]
        logged = ["epoch", *(f"train_{name}" for name in names)]
        if with_validation:
            logged += [f"val_{name}" for name in names]
        return [*logged, "lr"]

    def _unpack(self, batch: Any) -> tuple[tuple[Any, ...], dict[str, Any], Any]:
        """Split a batch into the model's positional args, keyword args and the target."""
        if isinstance(batch, Mapping):
            key = self.target_key or next((k for k in _TARGET_KEYS if k in batch), None)
            if key is None or key not in batch:
                wanted = (
                    repr(self.target_key)
                    if self.target_key
                    else "one of " + ", ".join(map(repr, _TARGET_KEYS))
                )
                raise ValueError(
                    f"dict batch with keys {sorted(batch)} has no target: expected "
                    f"{wanted} (or pass Trainer(target_key=...))"
                )
            return (), {k: v for k, v in batch.items() if k != key}, batch[key]
        if isinstance(batch, Sequence) and not isinstance(batch, str) and len(batch) >= 2:
            return tuple(batch[:-1]), {}, batch[-1]
        raise ValueError(
            f"a training batch must be (inputs, target), (inputs..., target) or a dict "
            f"with a target; got {_describe(batch)}"
        )

    def _non_finite(self, value: float, batch_index: int, loader: Iterable[Any]) -> Exception:
        try:
            of = f" of {len(loader)}"  # type: ignore[arg-type]
        except TypeError:
            of = ""
        return NonFiniteLossError(
            f"the training loss is {value} at epoch {self.epoch + 1}, batch "
            f"{batch_index + 1}{of}; training stopped before this batch changed the "
            "weights. Usual causes: a learning rate too high, nan/inf in the data, "
            "log(0) or division by 0 in the loss."
        )

    def __repr__(self) -> str:
        return (
            f"Trainer(model={type(self.model).__name__}, optimizer="
            f"{type(self.optimizer).__name__}, loss_fn={self._loss_name}, "
            f"device={str(self.device)!r}, max_epochs={self.max_epochs}, "
            f"epoch={self.epoch})"
        )


class _Totals:
    """Sums of loss and metrics weighted by batch size; means at the end."""

    def __init__(self, metrics: Mapping[str, Metric]) -> None:
        self.metrics = metrics
        self.sums = dict.fromkeys(["loss", *metrics], 0.0)
        self.count = 0

    def add(self, loss: float, output: Any, target: Any) -> None:
        size = _batch_size(target)
        self.sums["loss"] += loss * size
        if self.metrics:
            output = output.detach()
            if output.is_floating_point() and output.dtype != torch.float32:
                output = output.float()  # autocast outputs are float16/bfloat16
            for name, metric in self.metrics.items():
                self.sums[name] += float(metric(output, target)) * size
        self.count += size

    def result(self, reduce: bool = False) -> dict[str, float]:
        sums = list(self.sums.values())
        count = self.count
        if reduce:  # sum over all processes, so every process gets the global means
            totals = all_reduce_sum(
                torch.tensor([*sums, count], dtype=torch.float64, device=_reduce_device())
            )
            *sums, count = totals.tolist()
        if count == 0:
            raise ValueError("the loader yielded no batches")
        return {name: total / count for name, total in zip(self.sums, sums, strict=True)}


def _reduce_device() -> torch.device:
    import torch.distributed as dist

    if dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def _signature(output: Any, target: Any) -> tuple[Any, ...] | None:
    """What the shape check depends on, or None if it must always run."""
    if type(output) is torch.Tensor and type(target) is torch.Tensor:
        return output.shape, output.dtype, target.shape, target.dtype
    return None


def _batch_size(target: Any) -> int:
    if isinstance(target, torch.Tensor) and target.ndim > 0:
        return target.shape[0]
    if isinstance(target, Sequence):
        return len(target)
    return 1


def _describe(batch: Any) -> str:
    if isinstance(batch, torch.Tensor):
        return f"a single tensor of shape {tuple(batch.shape)} (no target)"
    if isinstance(batch, Sequence):
        return f"a {type(batch).__name__} of {len(batch)} item(s)"
    return type(batch).__name__


def _check_arguments(
    model: object,
    optimizer: object,
    loss_fn: object,
    max_epochs: object,
    grad_clip: object,
    scheduler_interval: str,
) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}"
        )
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    check_int(max_epochs, "max_epochs", minimum=1)
    if grad_clip is not None:
        check_number(grad_clip, "grad_clip", minimum=0, inclusive=False)
    check_choice(scheduler_interval, "scheduler_interval", ("epoch", "step"))


def _checked_callbacks(callbacks: Iterable[Callback]) -> list[Callback]:
    callbacks = list(callbacks)
    for callback in callbacks:
        if not isinstance(callback, Callback):
            raise TypeError(
                f"callbacks must be Callback instances, got {type(callback).__name__}"
                + (" (a class: add parentheses)" if isinstance(callback, type) else "")
            )
        check_hook_names(callback)
    # Checkpointing callbacks run last, so the state they save includes what
    # the other callbacks did this epoch.
    return sorted(callbacks, key=lambda callback: callback.runs_last)


def _checked_metrics(metrics: Mapping[str, Metric] | None) -> dict[str, Metric]:
    if metrics is None:
        return {}
    if not isinstance(metrics, Mapping):
        raise TypeError(
            "metrics must be a dict of name -> function, e.g. {'accuracy': accuracy}, "
            f"got {type(metrics).__name__}"
        )
    for name, metric in metrics.items():
        if not isinstance(name, str) or not name.isidentifier() or name in ("loss", "lr", "epoch"):
            raise ValueError(
                f"metric names must be identifiers other than loss/lr/epoch, got {name!r}"
            )
        if not callable(metric):
            raise TypeError(f"metric {name!r} is not callable")
    return dict(metrics)
