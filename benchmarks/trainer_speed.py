"""Is `Trainer.fit` as fast as the loop you write by hand? Prints figures, asserts nothing.

Same model (an MLP 64 -> 128 -> 64 -> 10), same data (scikit-learn's digits,
1,438 training and 359 validation images), same optimizer, epochs and seed.
The hand-written loop is the one of the lectures, with what any real loop
also does: move batches to the device, sum the training loss, and compute the
validation loss after every epoch. The Trainer's progress bar is off unless
``--progress`` is given (it then goes to standard error). The two are
timed in interleaved repetitions whose order alternates (hand, Trainer, then
Trainer, hand, ...) so that a change in machine load hits both and neither
always runs first; garbage is collected before each run. The median of the
per-pair ratios is printed, and the ratio of the fastest runs, which is the
least disturbed by other work on a shared machine. If PyTorch Lightning is
installed, its ratio on the same work is printed too (it is not a dependency
of torchbasics).

Run from the repository root:  python benchmarks/trainer_speed.py [--repeats 11]
Target on the 2-core CI machine: Trainer / hand-written <= 1.03, by the
ratio of the smallest process CPU times (the measure least disturbed by other
work on a shared machine).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.data import load_digits, split
from torchbasics.devices import get_device, synchronize, to_device
from torchbasics.training import Trainer

TARGET = 1.03
EPOCHS = 20
BATCH_SIZE = 32


def make_model() -> nn.Module:
    return nn.Sequential(
        nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10)
    )


def make_data() -> tuple[TensorDataset, TensorDataset]:
    train, val = split(load_digits(flatten=True), fractions=(0.8, 0.2), seed=0,
                          standardize=True)
    return train, val


def hand_written(train: TensorDataset, val: TensorDataset, device: torch.device) -> float:
    torch.manual_seed(0)
    model = make_model().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    train_loader = DataLoader(train, batch_size=BATCH_SIZE, shuffle=True)
    val_loader = DataLoader(val, batch_size=BATCH_SIZE)
    for _ in range(EPOCHS):
        model.train()
        total, count = 0.0, 0
        for inputs, target in train_loader:
            inputs, target = to_device((inputs, target), device)
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), target)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(target)
            count += len(target)
        model.eval()
        val_total, val_count = 0.0, 0
        with torch.no_grad():
            for inputs, target in val_loader:
                inputs, target = to_device((inputs, target), device)
                val_total += loss_fn(model(inputs), target).item() * len(target)
                val_count += len(target)
    return val_total / val_count


def with_trainer(train: TensorDataset, val: TensorDataset, device: torch.device) -> float:
    torch.manual_seed(0)
    model = make_model()
    trainer = Trainer(model, torch.optim.Adam(model.parameters(), lr=1e-3),
                      nn.CrossEntropyLoss(), max_epochs=EPOCHS, device=device)
    history = trainer.fit(DataLoader(train, batch_size=BATCH_SIZE, shuffle=True),
                          DataLoader(val, batch_size=BATCH_SIZE))
    return history["val_loss"][-1]


def with_lightning(train: TensorDataset, val: TensorDataset, device: torch.device) -> float:
    import lightning as L

    class Module(L.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.model = make_model()
            self.loss_fn = nn.CrossEntropyLoss()

        def training_step(self, batch, batch_idx):
            inputs, target = batch
            loss = self.loss_fn(self.model(inputs), target)
            self.log("train_loss", loss, on_epoch=True, on_step=False)
            return loss

        def validation_step(self, batch, batch_idx):
            inputs, target = batch
            self.log("val_loss", self.loss_fn(self.model(inputs), target))

        def configure_optimizers(self):
            return torch.optim.Adam(self.parameters(), lr=1e-3)

    torch.manual_seed(0)
    module = Module()
    trainer = L.Trainer(max_epochs=EPOCHS, accelerator=device.type, devices=1, logger=False,
                        enable_checkpointing=False, enable_model_summary=False,
                        num_sanity_val_steps=0,
                        enable_progress_bar=os.environ.get("TORCHBASICS_PROGRESS") == "1")
    with contextlib.redirect_stdout(sys.stderr):  # Lightning's bars go to stdout
        trainer.fit(module, DataLoader(train, batch_size=BATCH_SIZE, shuffle=True),
                    DataLoader(val, batch_size=BATCH_SIZE))
    return float(trainer.callback_metrics["val_loss"])


def timed(run: Callable[..., float], *args: object) -> tuple[float, float, float]:
    """Wall-clock seconds, CPU seconds of this process (all threads), and the result."""
    device = args[-1]
    gc.collect()
    synchronize(device)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = run(*args)
    synchronize(device)
    return time.perf_counter() - started, time.process_time() - cpu_started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11,
                        help="interleaved repetitions (default 11)")
    parser.add_argument("--device", default=None, help="default: get_device()")
    parser.add_argument("--progress", action="store_true",
                        help="show the Trainer's progress bar, as a person would see it "
                             "(default: off, to time the loop itself)")
    args = parser.parse_args()
    os.environ["TORCHBASICS_PROGRESS"] = "1" if args.progress else "0"
    device = get_device(args.device)
    train, val = make_data()
    runs: dict[str, Callable[..., float]] = {"hand": hand_written, "trainer": with_trainer}
    if importlib.util.find_spec("lightning") is not None:
        runs["lightning"] = with_lightning

    for run in runs.values():  # warm-up: imports, allocator, first-call costs
        run(train, val, device)
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    cpu_seconds: dict[str, list[float]] = {name: [] for name in runs}
    losses: dict[str, float] = {}
    order = list(runs.items())
    for _ in range(args.repeats):
        for name, run in order:
            elapsed, cpu, losses[name] = timed(run, train, val, device)
            seconds[name].append(elapsed)
            cpu_seconds[name].append(cpu)
        order.reverse()

    print(f"\ndevice {device}, torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{EPOCHS} epochs x {len(train)} samples, batch {BATCH_SIZE}, "
          f"{args.repeats} interleaved repetitions", file=sys.stdout)
    for name in runs:
        times = seconds[name]
        print(f"  {name:9s} median {statistics.median(times):.3f} s  "
              f"(min {min(times):.3f}, max {max(times):.3f})  final val_loss {losses[name]:.4f}")
    for name in runs:
        if name == "hand":
            continue
        ratios = [t / h for t, h in zip(seconds[name], seconds["hand"], strict=True)]
        verdict = "" if name != "trainer" else (
            "  within target" if statistics.median(ratios) <= TARGET else "  OVER target")
        fastest = min(seconds[name]) / min(seconds["hand"])
        print(f"  {name} / hand-written: median ratio {statistics.median(ratios):.3f}, "
              f"fastest runs {fastest:.3f} "
              f"(per pair: {', '.join(f'{r:.3f}' for r in ratios)}){verdict}")
        cpu_ratios = [t / h for t, h in zip(cpu_seconds[name], cpu_seconds["hand"], strict=True)]
        cpu_fastest = min(cpu_seconds[name]) / min(cpu_seconds["hand"])
        cpu_verdict = "" if name != "trainer" else (
            "  within target" if cpu_fastest <= TARGET else "  OVER target")
        print(f"  {' ' * len(name)}   CPU time of the process: min ratio {cpu_fastest:.3f}"
              f"{cpu_verdict}, median ratio {statistics.median(cpu_ratios):.3f} "
              "(CPU time leaves out the time the machine gave to others)")
    if "lightning" not in runs:
        print("  lightning: not installed (pip install lightning to compare)")


if __name__ == "__main__":
    main()
