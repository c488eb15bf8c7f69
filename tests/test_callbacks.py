"""Callbacks, and resuming: 4 epochs straight equal 2 epochs + a resume for 2, bit for bit."""

from __future__ import annotations

import csv
import random
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.metrics import accuracy
from torchbasics.training import (
    Callback,
    CSVLogger,
    EarlyStopping,
    ModelCheckpoint,
    TensorBoardLogger,
    Trainer,
    load_checkpoint,
)


def dataset(n: int = 96, seed: int = 0) -> TensorDataset:
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 6, generator=generator)
    return TensorDataset(x, (x[:, 0] + x[:, 1] > 0).long())


def make_trainer(max_epochs: int, callbacks=(), seed: int = 0) -> Trainer:
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 2))
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.8)
    return Trainer(model, optimizer, nn.CrossEntropyLoss(), max_epochs=max_epochs,
                   callbacks=list(callbacks), metrics={"accuracy": accuracy},
                   scheduler=scheduler, device="cpu", progress=False)


def loaders(generator: torch.Generator | None):
    train = DataLoader(dataset(), batch_size=16, shuffle=True, generator=generator)
    val = DataLoader(dataset(32, seed=1), batch_size=16)
    return train, val


def scramble_random_state() -> None:
    """What a new process would start from: different generators everywhere."""
    torch.manual_seed(12345)
    random.seed(12345)
    np.random.seed(12345)


@pytest.mark.parametrize("own_generator", [False, True], ids=["global-rng", "loader-generator"])
def test_resume_is_bit_identical(tmp_path, own_generator) -> None:
    def generator():
        return torch.Generator().manual_seed(7) if own_generator else None

    # 4 epochs in one go.
    torch.manual_seed(0)
    straight = make_trainer(4, [EarlyStopping(patience=10), ModelCheckpoint(tmp_path / "a")])
    straight.fit(*loaders(generator()))

    # 2 epochs, then a fresh trainer (other initial weights, other RNG state) resumes.
    torch.manual_seed(0)
    first = make_trainer(2, [EarlyStopping(patience=10), ModelCheckpoint(tmp_path / "b")])
    first.fit(*loaders(generator()))
    scramble_random_state()
    stopper = EarlyStopping(patience=10)
    resumed = make_trainer(4, [stopper, ModelCheckpoint(tmp_path / "b")], seed=99)
    resumed.fit(*loaders(generator()), ckpt_path=tmp_path / "b" / "last.ckpt")

    assert resumed.history == straight.history  # exact float equality
    assert resumed.history["epoch"] == [1, 2, 3, 4]
    for name, value in straight.model.state_dict().items():
        assert torch.equal(resumed.model.state_dict()[name], value), name
    a, b = straight.optimizer.state_dict(), resumed.optimizer.state_dict()
    for index, state in a["state"].items():
        for key, value in state.items():
            assert torch.equal(b["state"][index][key], value), (index, key)
    assert resumed.scheduler.state_dict() == straight.scheduler.state_dict()
    assert resumed.global_step == straight.global_step == 24
    assert stopper.best == straight.callbacks[0].best  # callback state came back


def test_resume_in_a_new_process(tmp_path) -> None:
    """The real case: the first process is gone; a new one resumes from the file."""
    script = textwrap.dedent(
        f"""
        import sys, torch
        sys.path.insert(0, {str(tmp_path)!r})
        from tests_callbacks_support import run
        run(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None)
        """
    )
    (tmp_path / "tests_callbacks_support.py").write_text(textwrap.dedent(
        f"""
        import torch
        from torch import nn
        from torch.utils.data import DataLoader, TensorDataset
        from torchbasics.training import ModelCheckpoint, Trainer

        def run(epochs, ckpt):
            torch.manual_seed(0)
            x = torch.randn(64, 3)
            y = x.sum(1, keepdim=True)
            model = nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.2), nn.Linear(8, 1))
            trainer = Trainer(model, torch.optim.Adam(model.parameters(), lr=0.01),
                              nn.MSELoss(), max_epochs=epochs, device="cpu", progress=False,
                              callbacks=[ModelCheckpoint({str(tmp_path)!r} + f"/run{{epochs}}"
                                                         + ("r" if ckpt else ""),
                                                         monitor=None)])
            loader = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True)
            trainer.fit(loader, ckpt_path=ckpt)
        """
    ))
    for args in (["4"], ["2"], ["4", str(tmp_path / "run2" / "last.ckpt")]):
        subprocess.run([sys.executable, "-c", script, *args], check=True, timeout=120)
    straight = load_checkpoint(tmp_path / "run4" / "last.ckpt")
    resumed = load_checkpoint(tmp_path / "run4r" / "last.ckpt")
    assert resumed["history"] == straight["history"] and resumed["epoch"] == 4
    for name, value in straight["model"].items():
        assert torch.equal(resumed["model"][name], value), name


def test_resuming_a_finished_run_trains_no_more(tmp_path) -> None:
    trainer = make_trainer(2, [ModelCheckpoint(tmp_path, monitor=None)])
    trainer.fit(*loaders(None))
    again = make_trainer(2)
    history = again.fit(*loaders(None), ckpt_path=tmp_path / "last.ckpt")
    assert history == trainer.history and again.global_step == trainer.global_step


def test_early_stopping_waits_patience_epochs() -> None:
    values = iter([1.0, 0.5, 0.6, 0.55, 0.7, 0.4])

    class FakeMetric(Callback):  # replaces val_loss with a scripted sequence
        def on_validation_end(self, trainer):
            trainer.logs["val_loss"] = next(values)

    stopper = EarlyStopping(monitor="val_loss", mode="min", patience=2)
    trainer = make_trainer(10, [FakeMetric(), stopper])
    history = trainer.fit(*loaders(None))
    # Best 0.5 at epoch 2; epochs 3 and 4 do not improve: patience 2 is used
    # up at the end of epoch 4, which is the last (as in Keras and Lightning).
    assert history["epoch"] == [1, 2, 3, 4]
    assert stopper.best == 0.5 and stopper.stopped_epoch == 4


def test_early_stopping_with_patience_zero_stops_at_the_first_stall() -> None:
    values = iter([1.0, 0.5, 0.6, 0.4])

    class FakeMetric(Callback):
        def on_validation_end(self, trainer):
            trainer.logs["val_loss"] = next(values)

    stopper = EarlyStopping(monitor="val_loss", patience=0)
    history = make_trainer(10, [FakeMetric(), stopper]).fit(*loaders(None))
    assert history["epoch"] == [1, 2, 3] and stopper.stopped_epoch == 3


def test_early_stopping_mode_max_and_min_delta() -> None:
    values = iter([0.5, 0.6, 0.605, 0.61, 0.9])

    class FakeMetric(Callback):
        def on_validation_end(self, trainer):
            trainer.logs["val_accuracy"] = next(values)

    stopper = EarlyStopping(monitor="val_accuracy", mode="max", patience=1, min_delta=0.02)
    history = make_trainer(10, [FakeMetric(), stopper]).fit(*loaders(None))
    # 0.605 and 0.61 do not beat 0.6 by more than 0.02: patience 1 ends at epoch 3
    assert history["epoch"] == [1, 2, 3] and stopper.best == 0.6


def test_a_monitor_that_is_never_logged_fails_before_training() -> None:
    trainer = make_trainer(3, [EarlyStopping(monitor="val_loss")])
    with pytest.raises(ValueError, match=r"'val_loss'.*pass a val_loader"):
        trainer.fit(loaders(None)[0])
    assert trainer.global_step == 0
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        EarlyStopping(mode="maximum")
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=-1)


def test_model_checkpoint_keeps_the_best_epoch(tmp_path) -> None:
    values = iter([0.9, 0.3, 0.5, 0.4])

    class FakeMetric(Callback):
        def on_validation_end(self, trainer):
            trainer.logs["val_loss"] = next(values)

    checkpoint = ModelCheckpoint(tmp_path, monitor="val_loss", mode="min")
    make_trainer(4, [FakeMetric(), checkpoint]).fit(*loaders(None))
    assert load_checkpoint(tmp_path / "best.ckpt")["epoch"] == 2
    assert load_checkpoint(tmp_path / "last.ckpt")["epoch"] == 4
    assert checkpoint.best_score == 0.3 and checkpoint.best_model_path == tmp_path / "best.ckpt"
    state = load_checkpoint(tmp_path / "last.ckpt")["callbacks"]["ModelCheckpoint"]
    assert state == {"best_score": 0.3, "best_model_path": str(tmp_path / "best.ckpt")}


def test_checkpoints_hold_the_state_other_callbacks_reached_that_epoch(tmp_path) -> None:
    # ModelCheckpoint is listed first but runs last.
    stopper = EarlyStopping(monitor="train_loss", patience=5)
    make_trainer(2, [ModelCheckpoint(tmp_path, monitor=None), stopper]).fit(*loaders(None))
    saved = load_checkpoint(tmp_path / "last.ckpt")["callbacks"]["EarlyStopping"]
    assert saved["best"] == stopper.best


def test_csv_logger_writes_the_history(tmp_path) -> None:
    path = tmp_path / "logs" / "history.csv"
    trainer = make_trainer(3, [CSVLogger(path)])
    history = trainer.fit(*loaders(None))
    with path.open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == list(history)
    assert [int(row["epoch"]) for row in rows] == [1, 2, 3]
    assert [float(row["val_accuracy"]) for row in rows] == history["val_accuracy"]


def test_csv_logger_after_a_resume_has_every_epoch_once(tmp_path) -> None:
    path = tmp_path / "history.csv"
    make_trainer(2, [CSVLogger(path), ModelCheckpoint(tmp_path, monitor=None)]).fit(
        *loaders(None))
    make_trainer(4, [CSVLogger(path)]).fit(*loaders(None), ckpt_path=tmp_path / "last.ckpt")
    lines = path.read_text().splitlines()
    assert [line.split(",")[0] for line in lines] == ["epoch", "1", "2", "3", "4"]


def test_tensorboard_logger_writes_scalars(tmp_path) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logger = TensorBoardLogger(tmp_path, log_every_n_steps=2)
    history = make_trainer(3, [logger]).fit(*loaders(None))
    events = EventAccumulator(str(tmp_path))
    events.Reload()
    tags = set(events.Tags()["scalars"])
    assert {"loss/train", "loss/val", "accuracy/train", "accuracy/val", "lr",
            "batch/train_loss"} <= tags
    logged = [(e.step, e.value) for e in events.Scalars("loss/val")]
    assert [step for step, _ in logged] == [6, 12, 18]  # global steps: 6 batches an epoch
    assert [e.value for e in events.Scalars("epoch")] == [1, 2, 3]
    assert [value for _, value in logged] == pytest.approx(history["val_loss"])
    assert len(events.Scalars("batch/train_loss")) == 9  # 18 steps, every 2nd
    assert logger.writer is None  # closed at the end of fit


def test_tensorboard_logger_after_a_resume_has_every_step_exactly_once(tmp_path) -> None:
    """A run interrupted after epoch 3, resumed from its epoch-2 checkpoint."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    def scalars(log_dir):
        events = EventAccumulator(str(log_dir), size_guidance={"scalars": 0})
        events.Reload()
        return {tag: [(e.step, e.value) for e in events.Scalars(tag)]
                for tag in events.Tags()["scalars"]}

    straight_dir, resumed_dir = tmp_path / "straight", tmp_path / "resumed"
    make_trainer(4, [TensorBoardLogger(straight_dir, log_every_n_steps=1)]).fit(
        *loaders(None))

    make_trainer(2, [TensorBoardLogger(resumed_dir, log_every_n_steps=1),
                     ModelCheckpoint(tmp_path / "ckpt", monitor=None)]).fit(*loaders(None))
    saved = tmp_path / "epoch2.ckpt"
    saved.write_bytes((tmp_path / "ckpt" / "last.ckpt").read_bytes())
    # the run goes on to epoch 3 and is lost before its checkpoint is kept
    make_trainer(3, [TensorBoardLogger(resumed_dir, log_every_n_steps=1)]).fit(
        *loaders(None), ckpt_path=saved)
    make_trainer(4, [TensorBoardLogger(resumed_dir, log_every_n_steps=1)]).fit(
        *loaders(None), ckpt_path=saved)

    straight, resumed = scalars(straight_dir), scalars(resumed_dir)
    steps = [step for step, _ in resumed["batch/train_loss"]]
    assert steps == list(range(1, 25)), "every one of the 24 steps exactly once"
    assert set(resumed) == set(straight)
    for tag, points in straight.items():
        assert [s for s, _ in resumed[tag]] == [s for s, _ in points], tag
        assert [v for _, v in resumed[tag]] == pytest.approx([v for _, v in points]), tag


def test_a_misspelt_hook_is_an_error_naming_it_and_the_hooks() -> None:
    class Typo(Callback):
        def on_epoch_ned(self, trainer):
            pass

    with pytest.raises(TypeError) as error:
        make_trainer(1, [Typo()])
    message = str(error.value)
    assert "Typo.on_epoch_ned is not a Callback hook" in message
    assert "did you mean on_epoch_end?" in message
    assert "on_fit_start, on_fit_end, on_exception" in message

    class Helper(Callback):  # other methods are fine, hooks too
        def on_epoch_end(self, trainer):
            self.log_it()

        def log_it(self):
            pass

    make_trainer(1, [Helper()])


def test_tensorboard_logger_closes_on_an_exception(tmp_path) -> None:
    logger = TensorBoardLogger(tmp_path)

    class Boom(Callback):
        def on_epoch_end(self, trainer):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        make_trainer(2, [logger, Boom()]).fit(*loaders(None))
    assert logger.writer is None
