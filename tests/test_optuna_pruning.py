"""OptunaPruning: each epoch reported to the trial, a pruned trial stops the Trainer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.data import MissingExtraError
from torchbasics.training import Callback, OptunaPruning, Trainer

optuna = pytest.importorskip("optuna")
optuna.logging.set_verbosity(optuna.logging.WARNING)

ROOT = Path(__file__).resolve().parents[1]


def loader() -> DataLoader:
    x = torch.linspace(-1, 1, 32).unsqueeze(1)
    return DataLoader(TensorDataset(x, 3 * x + 2), batch_size=8)


class Recorder(Callback):
    """Remembers the epochs it saw end, and the exception fit raised."""

    def __init__(self) -> None:
        self.epochs: list[int] = []
        self.error: BaseException | None = None

    def on_epoch_end(self, trainer: Trainer) -> None:
        self.epochs.append(trainer.epoch)

    def on_exception(self, trainer: Trainer, error: BaseException) -> None:
        self.error = error


def make_trainer(trial, lr: float, max_epochs: int = 10, monitor: str = "val_loss",
                 extra: tuple[Callback, ...] = ()) -> Trainer:
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    pruning = OptunaPruning(trial, monitor=monitor)
    return Trainer(model, torch.optim.SGD(model.parameters(), lr=lr), nn.MSELoss(),
                   max_epochs=max_epochs, callbacks=[pruning, *extra], device="cpu",
                   progress=False)


def test_a_pruned_trial_stops_the_trainer_after_that_epoch() -> None:
    trainers: list[Trainer] = []
    recorder = Recorder()

    def objective(trial) -> float:
        trainer = make_trainer(trial, lr=0.0, extra=(recorder,))  # the loss never drops
        trainers.append(trainer)
        return trainer.fit(loader(), val_loader=loader())["val_loss"][-1]

    study = optuna.create_study(pruner=optuna.pruners.ThresholdPruner(upper=1.0))
    study.optimize(objective, n_trials=1)
    (trial,) = study.trials
    (trainer,) = trainers
    (pruning,) = [c for c in trainer.callbacks if isinstance(c, OptunaPruning)]
    assert trial.state == optuna.trial.TrialState.PRUNED
    assert trainer.epoch == 1 and trainer.should_stop and pruning.pruned_epoch == 1
    assert list(trial.intermediate_values) == [1]
    assert trial.intermediate_values[1] == trainer.history["val_loss"][0] > 1.0
    # It runs last: a callback listed after it still saw the epoch end, then the pruning.
    assert recorder.epochs == [1]
    assert isinstance(recorder.error, optuna.TrialPruned)
    assert str(recorder.error) == (
        f"pruned after epoch 1: val_loss = {trainer.history['val_loss'][0]:.6g}"
    )


def test_every_epoch_is_reported_and_an_unpruned_trial_completes() -> None:
    histories = []

    def objective(trial) -> float:
        history = make_trainer(trial, lr=0.1, max_epochs=5).fit(loader(), val_loader=loader())
        histories.append(history)
        return history["val_loss"][-1]

    study = optuna.create_study(pruner=optuna.pruners.NopPruner())
    study.optimize(objective, n_trials=1)
    (trial,) = study.trials
    assert trial.state == optuna.trial.TrialState.COMPLETE
    assert trial.intermediate_values == dict(enumerate(histories[0]["val_loss"], start=1))
    assert trial.value == histories[0]["val_loss"][-1]


def test_monitor_can_be_a_training_value_or_a_maximized_metric() -> None:
    def objective(trial) -> float:
        trainer = make_trainer(trial, lr=0.1, max_epochs=3, monitor="train_loss")
        return trainer.fit(loader())["train_loss"][-1]

    study = optuna.create_study()
    study.optimize(objective, n_trials=1)
    assert sorted(study.trials[0].intermediate_values) == [1, 2, 3]


def test_hyperband_with_tpe_prunes_some_trials_and_keeps_the_best_complete() -> None:
    def objective(trial) -> float:
        lr = trial.suggest_float("lr", 1e-4, 0.5, log=True)
        trainer = make_trainer(trial, lr=lr, max_epochs=9)
        return trainer.fit(loader(), val_loader=loader())["val_loss"][-1]

    study = optuna.create_study(
        study_name="hyperband-test",  # Hyperband assigns brackets from the name
        sampler=optuna.samplers.TPESampler(seed=0),
        pruner=optuna.pruners.HyperbandPruner(min_resource=1, max_resource=9,
                                              reduction_factor=3),
    )
    study.optimize(objective, n_trials=20)
    states = [t.state for t in study.trials]
    assert states.count(optuna.trial.TrialState.PRUNED) > 0
    best = study.best_trial
    assert best.state == optuna.trial.TrialState.COMPLETE and best.last_step == 9
    # Pruned trials stop at a rung before the last epoch (1 or 3; the rung at 9 is the
    # end of training, where nothing is pruned): fewer epochs than 20 full trainings.
    assert {t.last_step for t in study.trials if t.state.name == "PRUNED"} <= {1, 3}
    assert all(t.last_step == 9 for t in study.trials if t.state.name == "COMPLETE")
    assert sum(t.last_step for t in study.trials) < 20 * 9


class PruneFromStep(optuna.pruners.BasePruner):
    """Prunes every trial once it has reported step ``first`` or later."""

    def __init__(self, first: int) -> None:
        self.first = first

    def prune(self, study, trial) -> bool:
        return trial.last_step is not None and trial.last_step >= self.first


class StopAfter(Callback):
    """Ends the training after ``epoch`` epochs, as EarlyStopping would."""

    def __init__(self, epoch: int) -> None:
        self.epoch = epoch

    def on_epoch_end(self, trainer: Trainer) -> None:
        trainer.should_stop = trainer.epoch >= self.epoch


@pytest.mark.parametrize(
    ("max_epochs", "stop_after", "state", "last_step"),
    [
        (4, None, "PRUNED", 3),  # epoch 3 is not the last: the pruner decides
        (3, None, "COMPLETE", 3),  # epoch 3 is the last (max_epochs): not asked
        (5, 3, "COMPLETE", 3),  # another callback ended the training at epoch 3
    ],
)
def test_the_last_epoch_is_reported_but_never_pruned(max_epochs, stop_after, state,
                                                     last_step) -> None:
    def objective(trial) -> float:
        extra = () if stop_after is None else (StopAfter(stop_after),)
        trainer = make_trainer(trial, lr=0.1, max_epochs=max_epochs, extra=extra)
        return trainer.fit(loader(), val_loader=loader())["val_loss"][-1]

    study = optuna.create_study(pruner=PruneFromStep(3))
    study.optimize(objective, n_trials=1)
    (trial,) = study.trials
    assert (trial.state.name, trial.last_step) == (state, last_step)
    assert sorted(trial.intermediate_values) == list(range(1, last_step + 1))
    if state == "COMPLETE":
        assert trial.value == trial.intermediate_values[last_step]


def test_a_fixed_trial_reruns_parameters_without_pruning() -> None:
    trainer = make_trainer(optuna.trial.FixedTrial({}), lr=0.0, max_epochs=3)
    history = trainer.fit(loader(), val_loader=loader())
    assert history["epoch"] == [1, 2, 3]
    (pruning,) = trainer.callbacks
    assert isinstance(pruning, OptunaPruning) and pruning.pruned_epoch is None


def test_a_monitor_the_training_does_not_log_is_named_when_fit_starts() -> None:
    trial = optuna.trial.FixedTrial({})
    with pytest.raises(ValueError, match=r"monitors 'val_loss', which this training does not "
                                         r"log \(pass a val_loader to fit\(\)\); logged values: "
                                         r"epoch, train_loss, lr"):
        make_trainer(trial, lr=0.1).fit(loader())


@pytest.mark.parametrize(
    ("trial", "monitor", "error", "message"),
    [
        ("a trial", "val_loss", TypeError, r"trial must be the optuna.trial.Trial .*got str"),
        (None, "", ValueError, r"monitor must be a non-empty name such as 'val_loss', got ''"),
        (None, 3, ValueError, r"monitor must be a non-empty name .*got 3"),
    ],
)
def test_bad_arguments_say_what_was_expected(trial, monitor, error, message) -> None:
    trial = optuna.trial.FixedTrial({}) if trial is None else trial
    with pytest.raises(error, match=message):
        OptunaPruning(trial, monitor=monitor)


def test_state_is_saved_in_checkpoints() -> None:
    pruning = OptunaPruning(optuna.trial.FixedTrial({}))
    pruning.pruned_epoch = 4
    restored = OptunaPruning(optuna.trial.FixedTrial({}))
    restored.load_state_dict(pruning.state_dict())
    assert restored.pruned_epoch == 4


def test_without_optuna_the_error_names_the_install_command(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "optuna", None)  # "import optuna" now fails
    with pytest.raises(MissingExtraError) as caught:
        OptunaPruning(object())
    assert str(caught.value) == (
        "OptunaPruning needs the package 'optuna', which is not installed; install the "
        'tune extra with: pip install "torchbasics[tune]"'
    )
    assert isinstance(caught.value, ImportError)


def test_torchbasics_imports_without_optuna() -> None:
    code = (
        "import sys\n"
        "sys.modules['optuna'] = None\n"
        "import torchbasics, torchbasics.training\n"
        "print(torchbasics.training.OptunaPruning.__name__)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "OptunaPruning\n"
