"""The Trainer: its loop, batches, errors, metrics, schedulers, AMP and progress bars."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.metrics import accuracy, mse
from torchbasics.training import (
    Callback,
    EarlyStopping,
    NonFiniteLossError,
    Trainer,
)
from torchbasics.training._progress import progress_enabled

HAS_CUDA = torch.cuda.is_available()
needs_cuda = pytest.mark.skipif(not HAS_CUDA, reason="no CUDA GPU on this machine")


def regression_data(n: int = 64, seed: int = 0) -> TensorDataset:
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, generator=generator)
    y = x @ torch.tensor([[1.5], [-2.0], [0.5]]) + 0.25
    return TensorDataset(x, y)


def classification_data(n: int = 60, seed: int = 0) -> TensorDataset:
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 4, generator=generator)
    return TensorDataset(x, (x[:, 0] > 0).long() + (x[:, 1] > 1).long())


def linear_trainer(**kwargs) -> Trainer:
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    options = {"max_epochs": 3, "device": "cpu", "progress": False, **kwargs}
    return Trainer(model, torch.optim.SGD(model.parameters(), lr=0.05), nn.MSELoss(), **options)


def hand_loop(model, optimizer, loss_fn, loader, epochs):
    """The loop of the lectures, written out."""
    for _ in range(epochs):
        model.train()
        for inputs, target in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), target)
            loss.backward()
            optimizer.step()


def test_fit_is_the_hand_written_loop() -> None:
    data = regression_data()
    weights = []
    for use_trainer in (False, True):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.2), nn.ReLU(), nn.Linear(8, 1))
        optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
        loader = DataLoader(data, batch_size=16, shuffle=True)
        if use_trainer:
            trainer = Trainer(model, optimizer, nn.MSELoss(), max_epochs=3, device="cpu",
                              progress=False)
            trainer.fit(loader)
        else:
            hand_loop(model, optimizer, nn.MSELoss(), loader, epochs=3)
        weights.append(model.state_dict())
    for name in weights[0]:
        assert torch.equal(weights[0][name], weights[1][name]), name


def test_history_is_plain_data_with_one_value_per_epoch() -> None:
    trainer = linear_trainer(metrics={"mse": mse})
    loader = DataLoader(regression_data(), batch_size=16)
    history = trainer.fit(loader, val_loader=loader)
    assert list(history) == ["epoch", "train_loss", "train_mse", "val_loss", "val_mse", "lr"]
    assert history["epoch"] == [1, 2, 3]
    assert all(type(v) is float for key in history if key != "epoch" for v in history[key])
    assert history["train_loss"][0] > history["train_loss"][-1]
    assert history is trainer.history and trainer.epoch == 3 and trainer.global_step == 12
    # mse on the batches and MSELoss agree, weighted by batch size.
    assert history["val_mse"] == pytest.approx(history["val_loss"], rel=1e-6)


def test_epoch_values_are_means_over_samples_not_batches() -> None:
    # 10 samples in batches of 4, 4, 2: a mean of batch means would be wrong.
    x = torch.arange(10.0).unsqueeze(1)
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(0.0)
        model.bias.fill_(0.0)
    trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.0), nn.MSELoss(),
                      max_epochs=1, device="cpu", progress=False)
    result = trainer.evaluate(DataLoader(TensorDataset(x, x), batch_size=4))
    assert result["loss"] == pytest.approx(float((x**2).mean()))


def test_evaluate_and_predict() -> None:
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    trainer = Trainer(model, torch.optim.Adam(model.parameters(), lr=0.05),
                      nn.CrossEntropyLoss(), max_epochs=30, metrics={"accuracy": accuracy},
                      device="cpu", progress=False)
    data = classification_data()
    loader = DataLoader(data, batch_size=16)
    before = trainer.evaluate(loader)
    trainer.fit(loader)
    after = trainer.evaluate(loader)
    assert set(after) == {"loss", "accuracy"}
    assert after["loss"] < before["loss"] and after["accuracy"] > before["accuracy"]
    logits = trainer.predict(loader)  # (x, y) batches: the target is ignored
    assert logits.shape == (60, 3) and logits.device.type == "cpu"
    torch.testing.assert_close(logits, trainer.predict(DataLoader(data.tensors[0], batch_size=7)))
    assert after["accuracy"] == pytest.approx(accuracy(logits, data.tensors[1]))
    assert not model.training  # predict leaves the model in eval mode


def test_dict_batches_and_extra_positional_inputs() -> None:
    class Scaled(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear = nn.Linear(3, 1)

        def forward(self, features, scale=None):
            out = self.linear(features)
            return out if scale is None else out * scale

    data = regression_data(16)
    x, y = data.tensors
    batches = [{"features": x, "scale": torch.ones(16, 1), "target": y}]
    model = Scaled()
    trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1), nn.MSELoss(),
                      max_epochs=2, device="cpu", progress=False)
    assert len(trainer.fit(batches)["train_loss"]) == 2
    assert len(trainer.fit([(x, torch.ones(16, 1), y)])["train_loss"]) == 2
    labelled = [{"features": x, "label": y}]
    assert trainer.evaluate(labelled)["loss"] >= 0
    custom = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1), nn.MSELoss(),
                     max_epochs=1, device="cpu", progress=False, target_key="out")
    assert custom.evaluate([{"features": x, "out": y}])["loss"] >= 0


@pytest.mark.parametrize(
    ("batch", "message"),
    [
        ({"features": torch.zeros(2, 3)}, "has no target"),
        (torch.zeros(2, 3), "single tensor of shape (2, 3)"),
        ((torch.zeros(2, 3),), "tuple of 1 item"),
    ],
)
def test_batches_without_a_target_are_refused(batch, message) -> None:
    trainer = linear_trainer()
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        trainer.fit([batch])


def test_mismatched_shapes_fail_before_the_loss_runs() -> None:
    class CountingMSELoss(nn.MSELoss):
        calls = 0

        def forward(self, output, target):
            CountingMSELoss.calls += 1
            return super().forward(output, target)

    loss_fn = CountingMSELoss()
    model = nn.Linear(3, 1)
    trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1), loss_fn,
                      max_epochs=1, device="cpu", progress=False)
    x, y = regression_data(8).tensors
    with pytest.raises(ValueError) as error:
        trainer.fit([(x, y.squeeze(1))])
    message = str(error.value)
    assert "(8, 1)" in message and "(8,)" in message and "MSELoss" in message
    assert CountingMSELoss.calls == 0


@pytest.mark.parametrize(
    ("loss_fn", "output_features", "target", "ok"),
    [
        (nn.CrossEntropyLoss(), 3, torch.tensor([0, 2, 1, 0]), True),
        (nn.CrossEntropyLoss(), 3, torch.tensor([[0], [2], [1], [0]]), False),
        (nn.CrossEntropyLoss(), 3, torch.softmax(torch.randn(4, 3), 1), True),
        (nn.BCEWithLogitsLoss(), 1, torch.ones(4, 1), True),
        (nn.BCEWithLogitsLoss(), 1, torch.ones(4), False),
        (lambda out, tgt: (out.sum() - tgt.sum()) ** 2, 1, torch.ones(5), False),
        (lambda out, tgt: (out.sum() - tgt.sum()) ** 2, 1, torch.ones(4, 7), True),
    ],
)
def test_shape_checks_follow_the_loss(loss_fn, output_features, target, ok) -> None:
    model = nn.Linear(2, output_features)
    trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.0), loss_fn,
                      max_epochs=1, device="cpu", progress=False)
    batches = [(torch.randn(4, 2), target)]
    if ok:
        trainer.evaluate(batches)
    else:
        with pytest.raises(ValueError, match="model output has shape"):
            trainer.evaluate(batches)


def test_a_nan_loss_stops_training_naming_epoch_and_batch() -> None:
    x, y = regression_data(32).tensors
    x = x.clone()
    x[20] = float("nan")  # in the third batch of 8
    trainer = linear_trainer()
    seen = []

    class Record(Callback):
        def on_batch_end(self, trainer, batch_index, loss):
            seen.append(batch_index)
            self.weights = trainer.model.weight.detach().clone()

        def on_exception(self, trainer, error):
            seen.append(type(error).__name__)

    record = Record()
    trainer.callbacks.append(record)
    with pytest.raises(NonFiniteLossError, match=r"nan at epoch 1, batch 3 of 4"):
        trainer.fit(DataLoader(TensorDataset(x, y), batch_size=8))
    assert seen == [0, 1, "NonFiniteLossError"]
    # The bad batch never reached the weights.
    assert torch.equal(trainer.model.weight, record.weights)
    assert torch.isfinite(trainer.model.weight).all()


def test_an_infinite_loss_stops_too() -> None:
    model = nn.Linear(3, 1)
    trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1),
                      lambda out, tgt: (out - tgt).abs().mean() / 0.0, max_epochs=2,
                      device="cpu", progress=False)
    with pytest.raises(NonFiniteLossError, match="inf at epoch 1, batch 1"):
        trainer.fit([regression_data(4).tensors])


def test_callback_hooks_run_in_order() -> None:
    calls = []

    class Record(Callback):
        def __getattribute__(self, name):
            if name.startswith("on_"):
                calls.append(name)
            return super().__getattribute__(name)

    trainer = linear_trainer(max_epochs=2, callbacks=[Record()])
    loader = DataLoader(regression_data(16), batch_size=8)
    trainer.fit(loader, val_loader=loader)
    epoch = ["on_epoch_start", "on_batch_end", "on_batch_end", "on_validation_end",
             "on_epoch_end"]
    assert calls == ["on_fit_start", *epoch, *epoch, "on_fit_end"]


def test_bad_arguments_are_named() -> None:
    model = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="max_epochs"):
        Trainer(model, optimizer, nn.MSELoss(), max_epochs=0)
    with pytest.raises(TypeError, match="optimizer"):
        Trainer(model, "sgd", nn.MSELoss(), max_epochs=1)
    with pytest.raises(TypeError, match="add parentheses"):
        Trainer(model, optimizer, nn.MSELoss(), max_epochs=1, callbacks=[EarlyStopping])
    with pytest.raises(ValueError, match="metric names"):
        Trainer(model, optimizer, nn.MSELoss(), max_epochs=1, metrics={"loss": mse})
    with pytest.raises(ValueError, match="grad_clip"):
        Trainer(model, optimizer, nn.MSELoss(), max_epochs=1, grad_clip=-1)
    with pytest.raises(ValueError, match="no batches"):
        Trainer(model, optimizer, nn.MSELoss(), max_epochs=1, device="cpu",
                progress=False).fit([])


def test_grad_clip_bounds_the_step() -> None:
    model = nn.Linear(3, 1)
    before = torch.cat([p.detach().flatten() for p in model.parameters()])
    x, y = regression_data(16).tensors
    trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=1.0), nn.MSELoss(),
                      max_epochs=1, grad_clip=0.01, device="cpu", progress=False)
    trainer.fit([(x, y * 100)])
    after = torch.cat([p.detach().flatten() for p in model.parameters()])
    assert (after - before).norm() == pytest.approx(0.01, rel=1e-4)


def test_schedulers_step_per_epoch_or_per_batch() -> None:
    loader = DataLoader(regression_data(32), batch_size=8)
    trainer = linear_trainer(max_epochs=3)
    trainer.scheduler = torch.optim.lr_scheduler.StepLR(trainer.optimizer, step_size=1, gamma=0.5)
    assert trainer.fit(loader)["lr"] == pytest.approx([0.05, 0.025, 0.0125])

    trainer = linear_trainer(max_epochs=2, scheduler_interval="step")
    trainer.scheduler = torch.optim.lr_scheduler.StepLR(trainer.optimizer, step_size=2, gamma=0.5)
    trainer.fit(loader)  # 8 steps: halved 4 times
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(0.05 / 16)

    trainer = linear_trainer(max_epochs=3)
    trainer.optimizer.param_groups[0]["lr"] = 1e-6  # too small to improve: a plateau
    trainer.scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
        trainer.optimizer, patience=0, factor=0.5)
    history = trainer.fit(loader, val_loader=loader)
    assert history["lr"] == pytest.approx([1e-6, 1e-6, 5e-7])  # epoch 1 sets the best


def test_amp_on_cpu_uses_bfloat16_autocast() -> None:
    trainer = linear_trainer(amp=True, max_epochs=5)
    assert trainer.grad_scaler is None
    seen = []
    trainer.model.register_forward_hook(lambda module, args, out: seen.append(out.dtype))
    loader = DataLoader(regression_data(), batch_size=16)
    history = trainer.fit(loader, val_loader=loader)
    assert torch.bfloat16 in seen
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert trainer.predict(loader).dtype == torch.float32


def test_amp_is_ignored_with_a_warning_elsewhere(monkeypatch) -> None:
    trainer = linear_trainer()
    trainer.device = torch.device("meta")
    with pytest.warns(UserWarning, match="amp=True is ignored on meta"):
        assert trainer._choose_amp_dtype(True) is None


@needs_cuda
@pytest.mark.cuda
def test_amp_on_cuda_uses_float16_and_a_grad_scaler() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 32), nn.ReLU(), nn.Linear(32, 1))
    trainer = Trainer(model, torch.optim.Adam(model.parameters(), lr=0.01), nn.MSELoss(),
                      max_epochs=20, amp=True, device="cuda", progress=False)
    assert trainer.grad_scaler is not None
    seen = []
    model.register_forward_hook(lambda module, args, out: seen.append(out.dtype))
    loader = DataLoader(regression_data(256), batch_size=32)
    history = trainer.fit(loader, val_loader=loader)
    assert torch.float16 in seen
    assert history["val_loss"][-1] < 0.1 * history["val_loss"][0]
    assert next(model.parameters()).device.type == "cuda"
    assert trainer.predict(loader).device.type == "cpu"


@needs_cuda
@pytest.mark.cuda
def test_cuda_checkpoint_resumes_on_cuda(tmp_path) -> None:
    from torchbasics.training import ModelCheckpoint

    def run(max_epochs, ckpt_path=None):
        torch.manual_seed(0)
        model = nn.Linear(3, 1)
        trainer = Trainer(model, torch.optim.Adam(model.parameters(), lr=0.01), nn.MSELoss(),
                          max_epochs=max_epochs, amp=True, device="cuda", progress=False,
                          callbacks=[ModelCheckpoint(tmp_path, monitor=None)])
        trainer.fit(DataLoader(regression_data(), batch_size=16), ckpt_path=ckpt_path)
        return trainer

    run(2)
    trainer = run(4, ckpt_path=tmp_path / "last.ckpt")
    assert trainer.history["epoch"] == [1, 2, 3, 4]
    assert trainer.grad_scaler.get_scale() > 0


def test_progress_bars_only_where_a_person_looks(monkeypatch, capsys) -> None:
    monkeypatch.delenv("TORCHBASICS_PROGRESS", raising=False)
    monkeypatch.delenv("CI", raising=False)
    loader = DataLoader(regression_data(32), batch_size=8)
    linear_trainer(max_epochs=2, progress=True).fit(loader)  # stderr is not a terminal here
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("TORCHBASICS_PROGRESS", "1")
    linear_trainer(max_epochs=2, progress=True).fit(loader, val_loader=loader)
    err = capsys.readouterr().err
    assert "epoch 1/2" in err and "epoch 2/2" in err and "loss=" in err
    linear_trainer(max_epochs=2, progress=False).fit(loader)
    assert capsys.readouterr().err == ""


class SlowLoader:
    """Yields the batches of ``loader``, sleeping before each one."""

    def __init__(self, loader: DataLoader, seconds: float) -> None:
        self.loader, self.seconds = loader, seconds

    def __len__(self) -> int:
        return len(self.loader)

    def __iter__(self):
        for batch in self.loader:
            time.sleep(self.seconds)
            yield batch


def test_validation_bar_shows_only_when_validation_is_slow(monkeypatch, capsys) -> None:
    monkeypatch.setenv("TORCHBASICS_PROGRESS", "1")
    loader = DataLoader(regression_data(32), batch_size=8)
    linear_trainer(max_epochs=1, progress=True).fit(loader, val_loader=loader)
    assert "validation" not in capsys.readouterr().err  # quick: no flicker
    slow = SlowLoader(loader, seconds=0.2)  # 4 batches: 0.8 s, over the 0.5 s delay
    linear_trainer(max_epochs=1, progress=True).fit(loader, val_loader=slow)
    assert "validation" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("env", "tty", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"CI": "true"}, True, False),
        ({"CI": "true", "TORCHBASICS_PROGRESS": "1"}, False, True),
        ({"TORCHBASICS_PROGRESS": "off"}, True, False),
    ],
)
def test_progress_enabled(monkeypatch, env, tty, expected) -> None:
    for name in ("CI", "TORCHBASICS_PROGRESS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stderr.isatty", lambda: tty, raising=False)
    assert progress_enabled(True) is expected


def test_fit_again_starts_a_new_history() -> None:
    trainer = linear_trainer(max_epochs=2)
    loader = DataLoader(regression_data(16), batch_size=8)
    trainer.fit(loader)
    assert trainer.fit(loader)["epoch"] == [1, 2]


def test_default_device_comes_from_get_device(monkeypatch) -> None:
    monkeypatch.setenv("TORCHBASICS_DEVICE", "cpu")
    model = nn.Linear(3, 1)
    trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1), nn.MSELoss(),
                      max_epochs=1)
    assert trainer.device == torch.device("cpu")
    assert "device='cpu'" in repr(trainer)


def test_seeded_python_and_numpy_generators_are_untouched() -> None:
    random.seed(1)
    np.random.seed(1)
    linear_trainer(max_epochs=1).fit(DataLoader(regression_data(16), batch_size=8))
    assert random.random() == pytest.approx(random.Random(1).random())
    assert np.random.rand() == np.random.RandomState(1).rand()


def test_a_shape_that_changes_mid_epoch_is_still_checked() -> None:
    # Shapes are checked on the first batch and again whenever they change.
    x = torch.randn(8, 3)
    good = (x[:4], x[:4, :1])
    bad = (x[4:], x[4:, :1].squeeze(1))  # target (4,) against output (4, 1)
    trainer = linear_trainer(max_epochs=1)
    with pytest.raises(ValueError, match="model output has shape"):
        trainer.fit([good, good, bad])
    assert trainer.global_step == 2


def test_batches_already_on_the_device_are_not_moved(monkeypatch) -> None:
    import torchbasics.training._trainer as trainer_module

    moved = []
    real = trainer_module.to_device
    monkeypatch.setattr(trainer_module, "to_device",
                        lambda batch, device: moved.append(batch) or real(batch, device))
    loader = DataLoader(regression_data(16), batch_size=8)
    linear_trainer(max_epochs=1).fit(loader)
    assert moved == []  # (inputs, target) on the CPU: used as they are
    dict_loader = [{"input": torch.randn(4, 3), "target": torch.randn(4, 1)}]
    linear_trainer(max_epochs=1).fit(dict_loader)
    assert len(moved) == 1  # anything else takes the general path
