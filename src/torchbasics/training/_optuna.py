"""Hyperparameter search with Optuna: report each epoch to a trial, stop when it is pruned.

Optuna is an optional dependency (the ``tune`` extra): it is imported when an
[`OptunaPruning`][torchbasics.training.OptunaPruning] is created, so
``import torchbasics.training`` works without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from torchbasics.training._callbacks import Callback

if TYPE_CHECKING:
    import optuna

    from torchbasics.training._trainer import Trainer

__all__ = ["OptunaPruning"]


class OptunaPruning(Callback):
    """Report a logged value to an Optuna trial after every epoch, and prune.

    After each epoch the value of ``monitor`` (``val_loss`` by default) is
    reported with ``trial.report(value, step=epoch)``, the epoch counted
    from 1. Then the study's pruner decides (``trial.should_prune()``): if
    the trial is not promising, the callback sets ``trainer.should_stop``
    and raises ``optuna.TrialPruned``, which ends `Trainer.fit` and which
    ``study.optimize`` records as a pruned trial. The objective function
    needs no pruning code of its own: it builds the trainer with this
    callback, calls ``fit`` and returns the final value.

    After the last epoch (``max_epochs``, or an epoch after which another
    callback such as `EarlyStopping` has set ``trainer.should_stop``) the
    value is still reported, but the pruner is not asked: the training is
    over, so pruning would save nothing, and the trial completes with that
    value. (Optuna's pruners do not know the last step; a successive-halving
    or Hyperband rung that falls on it, e.g. epoch 9 with
    ``reduction_factor=3``, would otherwise mark a trial that trained every
    epoch as pruned.)

    It runs after the other callbacks of the epoch (as `ModelCheckpoint`
    does; list it after `ModelCheckpoint` if both are used), so the epoch
    that ends in pruning is still logged by them. The value is reported as
    the study expects it, so the study's ``direction`` must match the
    monitored value (``"minimize"`` for a loss, ``"maximize"`` for an
    accuracy). A ``nan`` is reported as it is; Optuna's successive halving,
    Hyperband, median, percentile and threshold pruners prune on it at the
    steps where they decide.

    This is for one process per trial; under ``torchrun`` every process
    would report to its own copy of the trial.

    Needs the ``optuna`` package: ``pip install "torchbasics[tune]"``.

    Args:
        trial: The trial passed to the objective function
            (``optuna.trial.Trial``).
        monitor: A key of the history, such as ``"val_loss"`` or
            ``"val_accuracy"``.

    Attributes:
        pruned_epoch: The epoch after which the trial was pruned, or
            ``None``.

    Raises:
        MissingExtraError: If optuna is not installed
            ([`MissingExtraError`][torchbasics.data.MissingExtraError], an
            ``ImportError``; the message names the install command).
        TypeError: If ``trial`` is not an Optuna trial.
        ValueError: If ``monitor`` is empty, or (when fit starts) a value
            the training does not log.

    Examples:
        A trial whose validation loss is above 2.5 after an epoch is pruned
        there (`ThresholdPruner`); a learning rate of 0 never lowers it:

        >>> import optuna
        >>> import torch
        >>> from torch import nn
        >>> from torch.utils.data import DataLoader, TensorDataset
        >>> from torchbasics.training import OptunaPruning, Trainer
        >>> optuna.logging.set_verbosity(optuna.logging.WARNING)
        >>> x = torch.linspace(-1, 1, 32).unsqueeze(1)
        >>> loader = DataLoader(TensorDataset(x, 3 * x + 2), batch_size=8)
        >>> def objective(trial):
        ...     torch.manual_seed(0)
        ...     model = nn.Linear(1, 1)
        ...     lr = trial.suggest_categorical("lr", [0.0, 0.1])
        ...     trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=lr),
        ...                       nn.MSELoss(), max_epochs=20, device="cpu",
        ...                       callbacks=[OptunaPruning(trial, monitor="val_loss")],
        ...                       progress=False)
        ...     history = trainer.fit(loader, val_loader=loader)
        ...     return history["val_loss"][-1]
        >>> study = optuna.create_study(pruner=optuna.pruners.ThresholdPruner(upper=2.5))
        >>> study.enqueue_trial({"lr": 0.0})
        >>> study.enqueue_trial({"lr": 0.1})
        >>> study.optimize(objective, n_trials=2)
        >>> [(t.params["lr"], t.state.name, t.last_step) for t in study.trials]
        [(0.0, 'PRUNED', 1), (0.1, 'COMPLETE', 20)]
        >>> study.best_value < 0.01
        True
    """

    runs_last = True

    def __init__(self, trial: optuna.trial.BaseTrial, monitor: str = "val_loss") -> None:
        from torchbasics.data._extras import require

        optuna_module: Any = require("optuna", "OptunaPruning", extra="tune")
        if not isinstance(trial, optuna_module.trial.BaseTrial):
            raise TypeError(
                "OptunaPruning: trial must be the optuna.trial.Trial passed to the "
                f"objective function, got {type(trial).__name__}"
            )
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(
                f"OptunaPruning: monitor must be a non-empty name such as 'val_loss', "
                f"got {monitor!r}"
            )
        self._pruned_error: type[Exception] = optuna_module.TrialPruned
        self.trial = trial
        self.monitor = monitor
        self.pruned_epoch: int | None = None

    def on_fit_start(self, trainer: Trainer) -> None:
        if self.monitor not in trainer.log_names:
            hint = " (pass a val_loader to fit())" if self.monitor.startswith("val_") else ""
            raise ValueError(
                f"OptunaPruning monitors {self.monitor!r}, which this training does not "
                f"log{hint}; logged values: {', '.join(trainer.log_names)}"
            )

    def on_epoch_end(self, trainer: Trainer) -> None:
        value = float(trainer.history[self.monitor][-1])
        self.trial.report(value, step=trainer.epoch)
        last_epoch = trainer.epoch >= trainer.max_epochs or trainer.should_stop
        if not last_epoch and self.trial.should_prune():
            self.pruned_epoch = trainer.epoch
            trainer.should_stop = True
            raise self._pruned_error(
                f"pruned after epoch {trainer.epoch}: {self.monitor} = {value:.6g}"
            )

    def state_dict(self) -> dict[str, Any]:
        return {"pruned_epoch": self.pruned_epoch}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.pruned_epoch = state["pruned_epoch"]
