# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Hands-on: pipelines, copies and workers
#
# This is the hands-on companion to lecture 2.1, "[Python for deep
# learning](../lectures/w2-1-python.md)": it runs what the lecture explains as
# one story. It reads a CSV file that ships with scikit-learn into tensors with
# `split`, builds a dataset and a batch generator on them, measures the memory
# that a list and a generator hold on to, shows what is left when weights are
# kept during training without being copied, and finally runs a `DataLoader`
# with two workers as a script. (A pipeline is the chain of steps that reads
# the data, cuts it into batches and transforms them.) Every output and plot on this page was produced
# by running the notebook when the site was built. The timings come from the
# build machine; every other output is the same on any machine.

# %% [markdown]
# ## Check the environment
#
# Import everything this notebook needs and print the environment. The data
# here is small, so everything is computed on the CPU.

# %%
import copy
import subprocess
import sys
import tempfile
import time
import weakref
from collections import Counter
from importlib.util import find_spec
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import Tensor, nn
from torch.utils.data import DataLoader, Dataset

from torchbasics.devices import environment_report

torch.manual_seed(0)
print(environment_report())

# %% [markdown]
# ## From a CSV file to tensors
#
# scikit-learn ships the iris data as a text file, `iris.csv`. Its first line
# holds the number of samples, the number of features and the class names;
# after it comes one flower per line: four features (length and width of the
# sepal and the petal, in cm) and a class index, separated by commas.
# `read_csv` wraps what the lecture's [split and
# join](../lectures/w2-1-python.md#split-and-join) section did into a function,
# with type hints for the types of its argument and result and a `Shape:`
# section in its docstring for the shapes.
#
# The file is found with `find_spec`, which tells where a package is installed
# without importing it, so scikit-learn, whose import takes seconds, is never
# loaded.
#
# The first two lines of the output are the first two lines of the file, the
# third the shapes of the tensors read. The last two lines show that the
# values equal those that NumPy's CSV reader, `np.loadtxt`, reads from the same
# file, and how many flowers each class has. (The lecture compared them with
# scikit-learn's `load_iris()`.)

# %%
def read_csv(text: str) -> tuple[Tensor, Tensor, list[str]]:
    """Parse scikit-learn's iris.csv: features, class indices, class names.

    Shape:
        - features: `(N, D)`, float32
        - targets: `(N,)`, int64
    """
    header, *lines = text.strip().split("\n")
    n, d, *class_names = header.split(",")
    rows = [line.split(",") for line in lines]
    features = torch.tensor([[float(v) for v in row[:-1]] for row in rows])
    targets = torch.tensor([int(row[-1]) for row in rows])
    assert features.shape == (int(n), int(d)), features.shape
    return features, targets, class_names


# scikit-learn's folder, found without importing it (an import takes seconds)
sklearn_dir = Path(find_spec("sklearn").origin).parent
csv_path = sklearn_dir / "datasets" / "data" / "iris.csv"
text = csv_path.read_text()
print("\n".join(text.split("\n")[:2]))
X, y, class_names = read_csv(text)
print(
    f"features {tuple(X.shape)} {X.dtype}"
    f", targets {tuple(y.shape)} {y.dtype}"
)

table = np.loadtxt(csv_path, delimiter=",", skiprows=1)  # NumPy's CSV reader
same_X = torch.equal(X, torch.tensor(table[:, :-1], dtype=torch.float32))
same_y = y.tolist() == table[:, -1].astype(int).tolist()
print("same as np.loadtxt:", same_X and same_y)
print(Counter(class_names[i] for i in y.tolist()))

# %% [markdown]
# ## A dataset and a batch generator
#
# The task is a regression: predict the petal width from the sepal length, the
# sepal width and the petal length. `IrisRegression` is a map-style dataset,
# with `__len__` and `__getitem__`; its features are standardized to mean 0
# and standard deviation 1. `batches` is a generator function that hands out
# minibatches of the same dataset one at a time, the way a `DataLoader` makes
# them: it makes the indices (shuffled, if asked), calls `dataset[i]` for each
# index and stacks the samples with `torch.stack`. The `torch.Generator` used
# for shuffling is a random number generator, unrelated to generators.
#
# The first line of the output gives the shapes of one sample. The second
# checks that, without shuffling, the batches of our generator and of a
# `DataLoader` are all equal. The third checks that the targets of the
# shuffled batches, gathered and sorted, equal the original targets sorted:
# shuffling lost or added no value. The last line shows that looping twice over one
# generator object yields no batch the second time.

# %%
class IrisRegression(Dataset):
    """Predict petal width from the other three measurements, standardized."""

    def __init__(self, X: Tensor):
        inputs = X[:, :3]
        self.inputs = (inputs - inputs.mean(dim=0)) / inputs.std(dim=0)
        self.targets = X[:, 3:]  # (N, 1): the petal width in cm

    def __len__(self) -> int:
        return len(self.inputs)

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        return self.inputs[i], self.targets[i]  # shapes (3,) and (1,)


def batches(dataset, batch_size, shuffle=False, seed=0):
    """Yield (inputs, targets) minibatches, the way a DataLoader makes them."""
    if shuffle:
        generator = torch.Generator().manual_seed(seed)
        order = torch.randperm(len(dataset), generator=generator).tolist()
    else:
        order = list(range(len(dataset)))
    for start in range(0, len(order), batch_size):
        samples = [dataset[i] for i in order[start:start + batch_size]]
        yield (
            torch.stack([x for x, _ in samples]),
            torch.stack([t for _, t in samples]),
        )


dataset = IrisRegression(X)
x0, t0 = dataset[0]
print(f"{len(dataset)} samples, each {tuple(x0.shape)} and {tuple(t0.shape)}")

loader = DataLoader(dataset, batch_size=32)
pairs = zip(batches(dataset, 32), loader, strict=True)
agree = [torch.equal(a, c) and torch.equal(b, d) for (a, b), (c, d) in pairs]
print(f"ours vs DataLoader, no shuffling: {len(agree)} batches, all equal:",
      all(agree))

shuffled = list(batches(dataset, 32, shuffle=True))
seen = torch.cat([t for _, t in shuffled]).flatten().sort().values
print("shuffled batches, sorted targets unchanged:",
      torch.equal(seen, dataset.targets.flatten().sort().values))

gen = batches(dataset, 32)
print("batches per pass over one generator object:",
      [sum(1 for _ in gen) for _ in range(2)])

# %% [markdown]
# ## The memory a list and a generator hold on to
#
# Collect batches in a list and all of them are in memory at once; a generator
# makes them one at a time, when the loop asks. Let us measure the difference.
# `sys.getsizeof` does not count the tensors in a list, and PyTorch's CPU
# memory does not show up in `tracemalloc`, Python's memory tracer, either, so
# `LiveBytes` counts by itself: it adds a batch's bytes when the batch is made
# and subtracts them the moment that tensor dies.
# `weakref.finalize(t, function, argument)` registers the function to be
# called when `t` is deleted, without keeping `t` alive. CPython
# deletes an object as soon as its last reference goes, so this count comes
# out exactly the same on any machine.
#
# The data is the iris data enlarged 200 times to 30,000 samples (200 copies of
# each flower with a little noise added); the pipeline cuts it into batches of
# 500 samples and standardizes each batch, a typical preprocessing step that
# makes a new tensor per batch. An "event" is making a batch or using it in one
# training step. The list makes all batches first and then uses them; the
# generator alternates between making and using. After the loops, `del`
# removes the list and the name `xb`, the batches' last references, so "after
# the loop" in the output is 0 bytes.

# %%
class LiveBytes:
    """Bytes of the tracked tensors that are still alive, after each event."""

    def __init__(self):
        self.now = 0
        self.history = []

    def track(self, t: Tensor) -> Tensor:
        self.now += t.nbytes
        weakref.finalize(t, self._release, t.nbytes)  # runs when t dies
        self.history.append(self.now)  # event: a batch was made
        return t

    def _release(self, nbytes: int) -> None:
        self.now -= nbytes

    def used(self) -> None:
        self.history.append(self.now)  # event: a batch was used


g = torch.Generator().manual_seed(0)
big = X.repeat(200, 1) + 0.01 * torch.randn(200 * len(X), 4, generator=g)


def standardized_batches(data: Tensor, batch_size: int, tracker: LiveBytes):
    for start in range(0, len(data), batch_size):
        xb = data[start:start + batch_size]  # a view: no new memory
        yield tracker.track((xb - xb.mean(dim=0)) / xb.std(dim=0))


def train_step(xb: Tensor) -> float:
    return (xb ** 2).mean().item()  # stands in for forward and backward


as_list = LiveBytes()
all_batches = list(standardized_batches(big, 500, as_list))
for xb in all_batches:
    train_step(xb)
    as_list.used()
del all_batches, xb

lazy = LiveBytes()
for xb in standardized_batches(big, 500, lazy):
    train_step(xb)
    lazy.used()
del xb

batch_bytes = 500 * 4 * 4  # 500 samples x 4 float32 features
print(f"data: {len(big):,} samples, {big.nbytes:,} bytes;"
      f" one batch: {batch_bytes:,} bytes")
for name, tracker in [("list", as_list), ("generator", lazy)]:
    peak = max(tracker.history)
    batches_held = peak // batch_bytes
    print(f"{name:<9}  peak {peak:>7,} bytes = {batches_held:>2} batches,"
          f"  after the loop {tracker.now} bytes")

# %% [markdown]
# The horizontal axis of the plot is the order of the events; the vertical
# axis, the bytes of the batches alive at that moment. The list fills memory
# with as much as the whole data before training starts and holds on to it all
# through training. The generator holds two batches at most. Why two and not
# one? While the loop asks for the next batch, the loop variable `xb` still
# refers to the previous one, so at the moment a new batch is made, two batches
# are alive. Once the next batch is assigned to `xb`, the previous one has lost
# its last reference and dies at once.

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
for name, tracker in [("list", as_list), ("generator", lazy)]:
    kilobytes = [b / 1e3 for b in tracker.history]
    ax.step(range(len(kilobytes)), kilobytes, where="post", label=name)
ax.set_xlabel("event (a batch made or used)")
ax.set_ylabel("bytes held by batches (kB)")
ax.set_title("Batches alive: a list of batches vs a generator")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Snapshots during training, not copied
#
# Train `nn.Linear(3, 1)` on the `IrisRegression` data from above and keep the
# weights after every epoch in two ways: `live` gets `model.state_dict()` as it
# is, `copies` gets `copy.deepcopy(model.state_dict())`. The update is written
# out without an optimizer, as the `p ← p - lr * p.grad` of
# [W1.2](../lectures/w1-2-linear-regression.md#gradient-descent):
# `model.parameters()` hands out the model's own parameter objects, so changing
# them in place with `p -= ...` changes the model.
#
# The first line of the output is the loss before and after training; the next
# lines, the first weight (the sepal length's weight, `weight[0, 0]`) that the
# two lists recorded at epochs 1, 5 and 40. The last line checks whether every
# `weight` tensor in `live` points at the same memory as the model's current
# weight.

# %%
torch.manual_seed(0)
model = nn.Linear(3, 1)
lr = 0.05
loss_fn = nn.MSELoss()
inputs, targets = dataset.inputs, dataset.targets
live, copies = [], []
with torch.no_grad():
    first_loss = loss_fn(model(inputs), targets).item()
for epoch in range(1, 41):
    for xb, yb in batches(dataset, 32, shuffle=True, seed=epoch):
        model.zero_grad()
        loss_fn(model(xb), yb).backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad  # torch.optim.SGD's update, in place
    live.append(model.state_dict())  # the bug: a live view of the weights
    copies.append(copy.deepcopy(model.state_dict()))  # what was true then
with torch.no_grad():
    last_loss = loss_fn(model(inputs), targets).item()
print(f"MSE before training {first_loss:.3f}, after 40 epochs {last_loss:.3f}")
for epoch in (1, 5, 40):
    w_live = live[epoch - 1]["weight"][0, 0].item()
    w_copy = copies[epoch - 1]["weight"][0, 0].item()
    print(f"epoch {epoch:>2}: live {w_live:+.3f}   deepcopy {w_copy:+.3f}")
print("every live entry shares the weight's memory:",
      all(s["weight"].data_ptr() == model.weight.data_ptr() for s in live))

# %% [markdown]
# The plot shows how the three weights moved from epoch to epoch. The solid
# lines are the values kept with `deepcopy`: the actual path of training. The
# dashed lines are the values kept as plain `state_dict()`: flat, because every
# epoch shows the last value. Something was recorded every epoch, but the
# tensors it points at kept changing until training ended.

# %%
epochs = range(1, len(copies) + 1)
fig, ax = plt.subplots(figsize=(7, 3.5))
feature_names = ["sepal length", "sepal width", "petal length"]
for k, feature in enumerate(feature_names):
    kept = [state["weight"][0, k].item() for state in copies]
    line, = ax.plot(epochs, kept, label=f"{feature} (deepcopy)")
    stale = [state["weight"][0, k].item() for state in live]
    ax.plot(epochs, stale, "--", color=line.get_color(), alpha=0.7)
ax.set_xlabel("epoch")
ax.set_ylabel("weight")
ax.set_title("Weights kept each epoch: deepcopy (solid), state_dict() (dashed)")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## DataLoader workers and `__main__`
#
# Finally, run a real `DataLoader` with two workers (`num_workers=2`). A
# notebook has no script file for the workers to import, so the script is
# written to a file in a temporary directory and run in a new Python process
# as `python workers_demo.py`. The start method is set to `spawn`, the default
# on macOS and Windows, so that the same thing happens whatever system builds
# the site.
#
# At its top level the script prints the name under which it was imported.
# The dataset's `__getitem__` returns, with each sample, the number of the
# worker that made it (`get_worker_info().id`). The dataset class reaches the
# workers through pickle, so it is defined with `class` at the top level of the
# module (a class defined in a notebook cell cannot be found by `spawn`
# workers), and the code that stands for training is called only from
# `main()`, under the guard.

# %%
script = '''
"""Batches from two DataLoader workers started with spawn."""
import torch
from torch.utils.data import DataLoader, Dataset, get_worker_info

print(f"workers_demo.py imported as {__name__!r}", flush=True)


class Squares(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        x = torch.tensor(float(i))
        return x, x ** 2, get_worker_info().id


def main():
    loader = DataLoader(
        Squares(), batch_size=2, num_workers=2, multiprocessing_context="spawn"
    )
    for x, y, worker in loader:
        print(f"batch x={x.tolist()} y={y.tolist()} workers {worker.tolist()}")


if __name__ == "__main__":
    main()
'''

with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp, "workers_demo.py")
    path.write_text(script)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120
    )
    seconds = time.perf_counter() - start
print(f"exit code {result.returncode} after {seconds:.1f} s")
lines = result.stdout.splitlines()
imports = Counter(line for line in lines if "imported as" in line)
for line, count in sorted(imports.items()):
    print(f"{count} x {line}")
for line in lines:
    if line.startswith("batch"):
        print(line)

# %% [markdown]
# The output shows three things.
#
# - The script is imported three times: once as `'__main__'`, run by
#   `python workers_demo.py`, and twice as `'__mp_main__'`, imported again by
#   each worker as it starts. In the workers `__name__` is not `"__main__"`, so
#   the guarded `main()` does not run there. Without the guard the training
#   code would run again inside the workers and, as in [the lecture's
#   example](../lectures/w2-1-python.md#main-guard), stop with a `RuntimeError`
#   when it tries to start workers of its own.
# - The workers take turns: batches 0 and 2 come from worker 0, batches 1 and 3
#   from worker 1, and the `DataLoader` hands them out in their original order,
#   not in the order they were finished.
# - Making four tiny batches from eight samples takes no time; nearly all of the
#   time goes into starting three new Python processes that each import
#   `torch`. A `DataLoader` starts new workers at every `for` over it, that is
#   every epoch, whatever the start method; under `spawn` that start-up cost is
#   paid again every epoch, which is what `persistent_workers=True` avoids by
#   keeping the workers alive across epochs. Workers
#   are worth their start-up cost when `__getitem__` is heavy, such as reading
#   files or decoding images.

# %% [markdown]
# ## Summary
#
# - Cut text data with `split` and build tensors with comprehensions; check
#   values read by hand against a library function that reads the same file.
# - A map-style dataset needs only `__len__` and `__getitem__`, and a generator
#   that makes batches does what a `DataLoader` does (indices, `dataset[i]`,
#   `torch.stack`). A generator object runs only once.
# - A list holds on to all its batches at once; a generator, to two at most.
# - Keeping `state_dict()` as it is only points at the current weights. To keep
#   earlier values, copy them with `copy.deepcopy`.
# - `DataLoader` workers started with `spawn` import the script again as
#   `__mp_main__`. Put training code in `main()`, call it under
#   `if __name__ == "__main__":`, and define the classes and functions the
#   workers get at the top level of a module.
#
# The concepts and the exercises are in lecture [2.1 Python for deep
# learning](../lectures/w2-1-python.md).
