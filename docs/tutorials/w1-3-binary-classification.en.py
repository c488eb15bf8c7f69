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
# # Hands-on: binary classification
#
# This is the hands-on companion to lecture W1.3, "[Binary classification:
# logits, sigmoid, ReLU, training](../lectures/w1-3-binary-classification.md)":
# you run what the lecture explains and see it in plots. Every output and plot
# on this page was produced by running the notebook when the site was built.
# The code runs unchanged on a machine without a GPU and finishes quickly on a
# CPU. On another device or with other library versions the last digits of
# losses and accuracies can differ slightly, and the timings differ from
# machine to machine.

# %% [markdown]
# ## Check the environment
#
# The first cell imports everything this notebook needs and prints the
# environment. `get_device()` picks the best device available: a CUDA GPU,
# then Apple's MPS, then the CPU. This notebook never writes the string
# `"cuda"`; it always goes through the `device` variable, so the same code runs
# on any device.

# %%
import copy
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from matplotlib.ticker import MaxNLocator
from sklearn.linear_model import LogisticRegression
from torch import nn
from torch.utils.data import DataLoader

from torchbasics.data import load_breast_cancer, make_two_classes, split
from torchbasics.devices import Stopwatch, environment_report, get_device
from torchbasics.metrics import (
    accuracy,
    confusion_matrix,
    precision,
    predict_labels,
    recall,
)
from torchbasics.models import MLP
from torchbasics.plotting import plot_decision_boundary, plot_history
from torchbasics.training import Trainer

torch.manual_seed(0)
print(environment_report())
device = get_device()
print(f"\nthis notebook computes on: {device}")

# %% [markdown]
# ## Logits, sigmoid and the loss
#
# The score that the last layer of a classifier produces is called a logit,
# and the sigmoid `σ(z) = 1 / (1 + exp(-z))` turns it into the probability of
# class 1. The cell below computes three things for logits from -30 to 30:
#
# 1. The probability `σ(z)`.
# 2. The loss of a sample whose correct class is 0: once with `nn.BCELoss`,
#    which takes probabilities, fed `σ(z)`; once with `nn.BCEWithLogitsLoss`,
#    which takes logits, fed `z` itself.
# 3. The gradient of each loss with respect to the logit `z`, computed by
#    autograd.
#
# The first line of the output is the logit from which `σ(z)` rounds to exactly
# 1.0 in `float32`. The lines after it give both losses and both gradients at a
# few logits.

# %%
z = torch.linspace(-30, 30, 601, requires_grad=True)
target = torch.zeros_like(z)  # every sample is class 0
prob = torch.sigmoid(z)
loss_probs = nn.BCELoss(reduction="none")(prob, target)
loss_logits = nn.BCEWithLogitsLoss(reduction="none")(z, target)
(grad_probs,) = torch.autograd.grad(loss_probs.sum(), z)
(grad_logits,) = torch.autograd.grad(loss_logits.sum(), z)

z, prob = z.detach(), prob.detach()
rounds_to_one = z[prob == 1.0][0].item()
print(f"sigmoid(z) == 1.0 in float32 from z = {rounds_to_one:.1f}")
print(f"{'z':>6} {'BCELoss':>9} {'BCEWithLogits':>14} {'grad':>6} {'grad':>6}")
for value in (0.0, 5.0, 15.0, 20.0, 30.0):
    i = int(torch.argmin((z - value).abs()))
    print(
        f"{value:>6.1f} {loss_probs[i]:>9.3f} {loss_logits[i]:>14.3f} "
        f"{grad_probs[i]:>6.3f} {grad_logits[i]:>6.3f}"
    )

fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
axes[0].plot(z, prob)
axes[0].axhline(0.5, color="0.6", linestyle=":")
axes[0].set_title("probability sigmoid(z)")
axes[1].plot(z, loss_logits.detach(), label="BCEWithLogitsLoss(z)")
axes[1].plot(z, loss_probs.detach(), "--", label="BCELoss(sigmoid(z))")
axes[1].set_title("loss of a class-0 sample")
axes[2].plot(z, grad_logits, label="BCEWithLogitsLoss(z)")
axes[2].plot(z, grad_probs, "--", label="BCELoss(sigmoid(z))")
axes[2].set_title("gradient d loss / d z")
for ax in axes:
    ax.axvline(rounds_to_one, color="0.6", linestyle=":")
    ax.set_xlabel("logit z")
    ax.grid(alpha=0.3)
axes[1].legend()
axes[2].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The dotted vertical line in the three plots is the logit from which `σ(z)`
# rounds to 1.0.
#
# - **Middle plot**: the exact loss keeps growing along a straight line as the
#   logit grows. The dashed `nn.BCELoss` curve follows it up to the dotted line;
#   at the moment `1 - σ(z)` becomes 0, it jumps to the value it is clamped at
#   to avoid `log(0)`, and stays flat. A larger logit, that is a model more
#   confidently wrong, no longer changes the loss. As the `z = 15` row of the
#   table shows, `1 - σ(z)` already loses precision a little before the
#   rounding, and the loss drifts slightly from the exact value.
# - **Right plot**: the gradient of `nn.BCEWithLogitsLoss` is `σ(z) - y`, so
#   the more wrong the model, the closer it gets to 1, and the harder it
#   corrects the weights. The dashed curve, with the sigmoid computed
#   separately, drops to 0 after the rounding: the samples that are the most
#   wrong give training no signal at all.
#
# So the model outputs logits, and training uses `nn.BCEWithLogitsLoss`.
# Sigmoid is only for showing probabilities.

# %% [markdown]
# ## Activations in hidden layers: measuring the gradient
#
# Backpropagation multiplies by the derivative of a layer's activation
# function each time it passes a layer. The derivative of sigmoid is largest at
# `z = 0`, and even there it is smaller than 1, so the deeper the network, the
# smaller the gradient of the layers near the input. This is the vanishing
# gradient problem. The derivative of ReLU is 1 for positive inputs, so the
# activation does not shrink the gradient; the weights it also passes through
# still can, depending on how they were initialised (ReLU keeps the size only
# with a matching scale, the He or Kaiming initialisation).
#
# The data and the models come from the course library.
# `make_two_classes(n, seed=...)` returns `n` points in the plane in the shape
# of two interleaving half-moons, as a `TensorDataset` of the coordinates, of
# shape `(n, 2)`, and the `float32` labels (0 or 1), of shape `(n, 1)`.
# `MLP(in_features, hidden, out_features, activation=...)` is a network that
# stacks a linear layer and an activation for each width listed in `hidden`
# and ends with a linear layer without activation, so it outputs logits.
# The cell below builds two `MLP`s with eight hidden layers of width 32 that
# differ only in their activation function; with the same seed they also start
# from the same weights. It backpropagates the loss on the half-moons data once
# and measures the norm of the weight gradient of each linear layer. The output
# gives the norm for each layer, and the ratio of the first layer's norm to the
# output layer's.

# %%
X_moons, y_moons = make_two_classes(400, seed=0).tensors
depth = 8
grad_norms = {}
for activation in (nn.Sigmoid, nn.ReLU):
    torch.manual_seed(0)
    deep = MLP(2, [32] * depth, 1, activation=activation).to(device)
    logits = deep(X_moons.to(device))
    nn.BCEWithLogitsLoss()(logits, y_moons.to(device)).backward()
    linears = [m for m in deep.layers if isinstance(m, nn.Linear)]
    norms = [m.weight.grad.norm().item() for m in linears]
    grad_norms[activation.__name__] = norms
    print(f"{activation.__name__:<8}", " ".join(f"{n:.0e}" for n in norms))
    print(f"{'':<8} first layer / output layer = {norms[0] / norms[-1]:.1e}")

fig, ax = plt.subplots(figsize=(6.5, 3.8))
for name, norms in grad_norms.items():
    ax.semilogy(range(1, len(norms) + 1), norms, marker="o", label=name)
ax.set_xlabel("linear layer (1 = input side)")
ax.set_ylabel("gradient norm of the weights")
ax.set_title(f"{depth} hidden layers of 32 units")
ax.grid(alpha=0.3)
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The vertical axis is logarithmic. The sigmoid line falls steeply towards the
# input side, and the ratio in the output says that the first layer receives a
# gradient several orders of magnitude smaller than the output layer. Updated
# with the same learning rate, the early layers practically stand still. The
# ReLU line falls too, since these layers keep PyTorch's default
# initialisation rather than He initialisation, but far less than the sigmoid
# line. Hence ReLU in hidden layers,
# and sigmoid only to turn the output logit into a probability.

# %% [markdown]
# ## The 2 → 4 → 1 network
#
# Now train the 2 → 4 → 1 network of the lecture. Its input is the two coordinates of a
# point, its hidden layer has four ReLU units, and its output is one logit.
# Note that `forward` has no sigmoid.
#
# The data are 400 points in the shape of two half-moons from
# `make_two_classes`, which `split` divides 70 : 15 : 15 into a training, a
# validation and a test set. The training loop is written by hand:
# `train_one_epoch` clears the gradients, runs the forward pass, computes the
# loss, runs the backward pass and updates the weights for each minibatch;
# `evaluate` only measures the loss and the accuracy. `train_one_epoch` sums
# `loss.detach()` on the device and calls `.item()` once per epoch, so that on
# a GPU the CPU does not wait for every step. Inside `evaluate`,
# `model.eval()` switches the layers to their evaluation behaviour, and the
# `@torch.no_grad()` on the function stops the computation graph from being
# built. The optimizer is Adam with a learning rate of 0.01.
#
# To see the effect of the number of epochs, the model is copied with
# `copy.deepcopy` before training starts and after 2, 10 and 60 epochs. The
# output gives the validation loss and accuracy at each of these moments.

# %%
class BinaryClassifier(nn.Module):
    def __init__(self, in_features=2, hidden=4):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, 1)

    def forward(self, x):  # (N, in_features) -> (N, 1) logits
        return self.fc2(torch.relu(self.fc1(x)))


def train_one_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total_loss = torch.zeros((), device=device)  # summed on the device
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total_loss += loss.detach() * len(X)  # no .item(): no wait per step
    return total_loss.item() / len(loader.dataset)


@torch.no_grad()
def evaluate(model, loader, loss_fn):
    model.eval()
    total_loss, all_logits, all_targets = 0.0, [], []
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        logits = model(X)
        total_loss += loss_fn(logits, y).item() * len(X)
        all_logits.append(logits)
        all_targets.append(y)
    logits, targets = torch.cat(all_logits), torch.cat(all_targets)
    return total_loss / len(targets), accuracy(logits, targets)


moons = make_two_classes(400, seed=0)
train_set, val_set, test_set = split(moons, (0.7, 0.15, 0.15), seed=0)
print("train / val / test:", len(train_set), len(val_set), len(test_set))
train_loader = DataLoader(
    train_set,
    batch_size=32,
    shuffle=True,
    generator=torch.Generator().manual_seed(0),
)
val_loader = DataLoader(val_set, batch_size=len(val_set))
test_loader = DataLoader(test_set, batch_size=len(test_set))

torch.manual_seed(0)
model = BinaryClassifier().to(device)
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
history = {key: [] for key in ("epoch", "train_loss", "val_loss", "val_accuracy")}
snapshots = {0: copy.deepcopy(model)}
val_loss, val_acc = evaluate(model, val_loader, loss_fn)
print(f"epoch   0: val loss {val_loss:.3f}, val accuracy {val_acc:.3f}")
for epoch in range(1, 61):
    train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer)
    val_loss, val_acc = evaluate(model, val_loader, loss_fn)
    for key, value in zip(history, (epoch, train_loss, val_loss, val_acc)):
        history[key].append(value)
    if epoch in (2, 10, 60):
        snapshots[epoch] = copy.deepcopy(model)
        print(
            f"epoch {epoch:>3}: val loss {val_loss:.3f}, "
            f"val accuracy {val_acc:.3f}"
        )

# %% [markdown]
# `plot_decision_boundary` divides the plane into a fine grid, colours it by the
# class the model predicts, and draws the points on top in the colour of their
# true class. The black line, where the logit is 0 and the probability 0.5, is
# the decision boundary. The four plots show the model at four moments, with
# different numbers of epochs, over the training data.

# %%
fig, axes = plt.subplots(2, 2, figsize=(9, 7))
X_train, y_train = train_set.tensors
for ax, (epoch, snapshot) in zip(axes.flat, snapshots.items()):
    plot_decision_boundary(snapshot, X_train, y_train, ax=ax, resolution=100)
    ax.set_title(f"after {epoch} epochs")
fig.tight_layout()
plt.show()

# %% [markdown]
# Before training, the boundary is a bent line set by the random initial
# weights, unrelated to the two classes. After 2 and 10 epochs it has moved in
# between the two moons, and after 60 epochs it bends as if to wrap around the
# lower moon. The boundary of a ReLU network with only four units is a bent
# line of a few straight segments, because each ReLU unit folds the plane along
# one straight line. So it cannot follow the curve of the moons exactly, and
# some points at the tips where the moons interleave stay in the region of the
# other colour.
#
# `plot_history` draws the values recorded at every epoch: the blue line is the
# training loss, the orange line the validation loss, and the star marks the
# epoch with the best validation value.

# %%
plot_history(history)

# %% [markdown]
# The loss falls quickly over the first few dozen epochs and then flattens out.
# Epochs after that hardly change the boundary, so for this model and these
# data more epochs gain little. Finally, evaluate once on the test set: the
# test set is used like this, once, after every decision has been made.

# %%
test_loss, test_acc = evaluate(model, test_loader, loss_fn)
print(f"test loss {test_loss:.3f}, test accuracy {test_acc:.3f}")

# %% [markdown]
# ## Learning rate and batch size
#
# Next, compare the effect of the learning rate and the batch size on the same
# problem. Each setting needs a new model trained from scratch, so this section
# uses the course library's [`Trainer`](../api/training.md). For each
# minibatch, `Trainer.fit` runs the same code as `train_one_epoch` above
# (`zero_grad`, then the four steps: forward pass, loss, `backward`, `step`);
# after each epoch it
# evaluates on the validation set and records the values in the `history`
# dictionary. The `fit` function fixes the seed, so only the setting changes:
# the initial weights and the shuffling order stay the same.
#
# First the batch size stays at 32 and the learning rate takes four values;
# the largest, 4.0, is deliberately far too large. For
# each setting the output gives the training loss, validation loss and
# validation accuracy of the last epoch, and the time it took, measured with
# the `Stopwatch` of [W1.1](../lectures/w1-1-tensors.md#timing-helpers).

# %%
def fit(lr=0.01, batch_size=32, num_epochs=20):
    torch.manual_seed(0)
    model = MLP(2, [4], 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    trainer = Trainer(
        model,
        optimizer,
        nn.BCEWithLogitsLoss(),
        device=device,
        max_epochs=num_epochs,
        metrics={"accuracy": accuracy},
        progress=False,
    )
    loader = DataLoader(
        train_set,
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    )
    with Stopwatch(device) as sw:  # synchronises on a GPU (see W1.1)
        history = trainer.fit(loader, val_loader)
    return model, history, sw.elapsed


def report(label, history, seconds):
    print(
        f"{label:<16} train loss {history['train_loss'][-1]:.3f}  "
        f"val loss {history['val_loss'][-1]:.3f}  "
        f"val accuracy {history['val_accuracy'][-1]:.3f}  {seconds:.1f} s"
    )


lr_runs = {}
for lr in (0.001, 0.01, 0.1, 4.0):
    lr_runs[lr] = fit(lr=lr)
    report(f"lr {lr}", *lr_runs[lr][1:])

# %% [markdown]
# The first figure shows the training loss (left) and validation loss (right)
# of every epoch; the second shows the decision boundaries of the four trained
# models.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
for lr, (_, run_history, _) in lr_runs.items():
    axes[0].plot(run_history["epoch"], run_history["train_loss"], label=f"lr {lr}")
    axes[1].plot(run_history["epoch"], run_history["val_loss"], label=f"lr {lr}")
for ax, title in zip(axes, ("training loss", "validation loss")):
    ax.set_title(title)
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
plt.show()

fig, axes = plt.subplots(2, 2, figsize=(9, 7))
for ax, (lr, (run_model, _, _)) in zip(axes.flat, lr_runs.items()):
    plot_decision_boundary(run_model, X_train, y_train, ax=ax, resolution=100)
    ax.set_title(f"lr {lr}")
fig.tight_layout()
plt.show()

# %% [markdown]
# - **Too small a learning rate**: the loss curve goes down slowly, and the
#   same number of epochs is not enough to finish training. The boundary is
#   roughly in place, but the loss is still high.
# - **A suitable learning rate**: the loss goes down steadily. For this problem
#   the two middle values qualify; the larger one goes down faster and
#   flattens out earlier.
# - **Too large a learning rate**: each update is too big, so the loss
#   oscillates and never settles anywhere good. The boundary shows that the
#   model did not separate the two moons. Updates that are too large can also
#   turn ReLU units into dead units (dying ReLU) whose input is negative for
#   every sample,
#   and in a network of four units every unit lost makes the boundary it can
#   draw simpler.
#
# Next, the learning rate stays at 0.01 and the batch size changes. The run with
# batch size 32 is reused from above. A batch size equal to the size of the
# training set means one update per epoch with all the data. The output also
# gives the number of updates per epoch.

# %%
bs_runs = {}
for batch_size in (8, 32, len(train_set)):
    if batch_size == 32:
        bs_runs[batch_size] = lr_runs[0.01]
    else:
        bs_runs[batch_size] = fit(batch_size=batch_size)
    steps = len(DataLoader(train_set, batch_size=batch_size))
    report(f"batch_size {batch_size}", *bs_runs[batch_size][1:])
    print(f"{'':<16} {steps} updates per epoch")

fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
for batch_size, (_, run_history, _) in bs_runs.items():
    steps = len(DataLoader(train_set, batch_size=batch_size))
    updates = [epoch * steps for epoch in run_history["epoch"]]
    label = f"batch_size {batch_size}"
    axes[0].plot(run_history["epoch"], run_history["val_loss"], label=label)
    axes[1].plot(updates, run_history["val_loss"], label=label)
axes[0].set_xlabel("epoch")
axes[0].xaxis.set_major_locator(MaxNLocator(integer=True))
axes[1].set_xlabel("optimizer updates")
axes[1].set_xscale("log")
for ax in axes:
    ax.set_title("validation loss")
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The left plot has epochs on the horizontal axis, the right one the number of
# updates, on a logarithmic axis.
#
# - By epochs, the small batch goes down fastest, because it makes more updates
#   per epoch. In exchange it estimates the gradient from fewer samples, so its
#   curve can be noisier.
# - Using the whole data set as one batch means one update per epoch, so it
#   learns far less in the same number of epochs. As the time column of the
#   output shows, each of its epochs is the quickest, though.
# - By updates, the curves come much closer together: on this problem, the
#   same number of updates gets to about the same place whatever the batch
#   size. An update on a small batch is cheap, because it uses few samples,
#   but its gradient is noisy; an update on a large batch is the other way
#   round. Counted in updates, batch size 8 trails batch size 32 a little:
#   that is the price of the noise. The gap is small, though, so the small
#   batch, with many cheap updates per epoch, came out ahead by epochs. Nothing guarantees the
#   same elsewhere: on a problem with noisier gradients a small batch can need
#   more updates to get to the same place, and on a GPU one update on a large
#   batch often takes hardly longer than one on a small batch.
#
# In practice, batch sizes of tens to hundreds are common, as far as memory
# allows, and changing the batch size means tuning the learning rate again.

# %% [markdown]
# ## Real data: diagnosing breast cancer
#
# `load_breast_cancer()` returns, for each tumour, features measured on its
# cell nuclei and a label (1 = a benign tumour, 0 = a malignant one). The
# features come in very different scales, so they are standardised with
# `split(..., standardize=True)`. The mean and standard deviation come from the
# training part only and are applied to all three parts, so nothing of the
# validation and test data leaks into training. The statistics are kept in the
# result's `standardizer` attribute, ready to be applied to new data later.
#
# The model is `MLP(30, [8], 1)`, with one hidden layer of 8 units, trained
# with the same `Trainer`. The first two lines of the output give the shapes of
# the data and the range of the raw feature values; the lines after them give,
# for each part after standardisation, the number of tumours, the mean and the
# standard deviation.

# %%
cancer = load_breast_cancer()
parts = split(cancer, (0.7, 0.15, 0.15), seed=0, standardize=True)
cancer_train, cancer_val, cancer_test = parts
features, labels = cancer.tensors
print("features:", tuple(features.shape), " labels:", tuple(labels.shape))
print(f"raw features from {features.min():.4f} to {features.max():.1f}")
for name, part in zip(("train", "val", "test"), parts):
    X_part = part.tensors[0]
    print(
        f"{name:<5} {len(part):>3} tumours: mean {X_part.mean():+.3f}, "
        f"std {X_part.std(correction=0):.3f}"
    )

torch.manual_seed(0)
cancer_model = MLP(30, [8], 1)
trainer = Trainer(
    cancer_model,
    torch.optim.Adam(cancer_model.parameters(), lr=0.01),
    nn.BCEWithLogitsLoss(),
    device=device,
    max_epochs=40,
    metrics={"accuracy": accuracy},
    progress=False,
)
cancer_history = trainer.fit(
    DataLoader(
        cancer_train,
        batch_size=32,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    ),
    DataLoader(cancer_val, batch_size=len(cancer_val)),
)
plot_history(cancer_history, ["loss", "accuracy"])

# %% [markdown]
# The validation loss falls sharply within a few epochs and moves only a little
# after that. The training loss keeps going down and opens a gap below the
# validation loss: a sign that the model starts to fit the training data
# themselves. If the gap widens and the validation loss starts to rise, that is
# overfitting. The validation set is small, so the accuracy curve moves in steps,
# one tumour more or less classified correctly at a time.
#
# Now set the model next to the baseline, scikit-learn's `LogisticRegression`,
# on the test set. The logistic regression, L2-regularised by default
# (`C=1.0`), is fitted on the same training data,
# and the same metric functions are applied to the logits that its
# `decision_function` returns. `trainer.predict` collects the model's outputs
# (logits) for all batches of a loader on the CPU. Precision and recall treat
# class 1, a benign tumour, as the positive class: "benign" is the medical
# verdict and "positive" the class the metrics are computed for, and in this
# data class 1 is both. The rows of a confusion matrix are the
# true classes, its columns the predicted ones.

# %%
X_ctrain, y_ctrain = cancer_train.tensors
X_ctest, y_ctest = cancer_test.tensors
baseline = LogisticRegression().fit(X_ctrain.numpy(), y_ctrain.numpy().ravel())
test_logits = {
    "pytorch": trainer.predict(
        DataLoader(cancer_test, batch_size=len(cancer_test))
    ).reshape(-1),
    "sklearn": torch.from_numpy(
        baseline.decision_function(X_ctest.numpy())
    ).float(),
}
y_true = y_ctest.reshape(-1)
print(f"{'':<10} {'pytorch':>8} {'sklearn':>8}")
rows = {
    "accuracy": lambda logits: accuracy(logits, y_true),
    "precision": lambda logits: precision(predict_labels(logits), y_true),
    "recall": lambda logits: recall(predict_labels(logits), y_true),
}
for name, score in rows.items():
    pt, sk = (score(logits) for logits in test_logits.values())
    print(f"{name:<10} {pt:>8.3f} {sk:>8.3f}")
for name, logits in test_logits.items():
    matrix = confusion_matrix(predict_labels(logits), y_true, num_classes=2)
    print(f"\n{name}: rows = true (malignant, benign), columns = predicted")
    print(matrix)

# %% [markdown]
# The table shows the two models' scores side by side, and the confusion
# matrices show in which cell the misclassified tumours lie. The first row,
# second column counts malignant tumours called benign, the most dangerous
# mistake in this problem; this cell lowers the precision of class 1. The
# second row, first column counts benign tumours called malignant; this cell
# lowers the recall of class 1. The test set is small, and a difference of one
# or two tumours moves the scores, so a small difference between the two
# models is no evidence that one of them is better.

# %% [markdown]
# ## The skeleton of a PyTorch program
#
# This runs the lecture's skeleton script without changing a character. It
# consists of four parts, the model (`BinaryClassifier`), the dataset
# (`PointsDataset`), training (`train_one_epoch`), and validation & test
# (`evaluate`), plus `main`, which ties them together. In a notebook
# `__name__` is `"__main__"`, so the last line calls `main()`. The output gives
# the training loss, validation loss and validation accuracy every 20 epochs,
# and the test result at the end.

# %%
"""Binary classification of 2-D points: the skeleton of a PyTorch program."""

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from torchbasics.data import make_two_classes
from torchbasics.devices import get_device


# 1. Model: layers in __init__, the computation in forward
class BinaryClassifier(nn.Module):
    def __init__(self, in_features=2, hidden=4):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, 1)

    def forward(self, x):  # (N, in_features) -> (N, 1) logits
        return self.fc2(torch.relu(self.fc1(x)))


# 2. Dataset: the number of samples, and sample i as (input, target)
class PointsDataset(Dataset):
    def __init__(self, n_samples, seed):
        self.X, self.y = make_two_classes(n_samples, seed=seed).tensors

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return self.X[i], self.y[i]  # shapes (2,) and (1,), float32


# 3. Training: one pass over the training data
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total_loss = torch.zeros((), device=device)  # summed on the device
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total_loss += loss.detach() * len(X)  # no .item(): no wait per step
    return total_loss.item() / len(loader.dataset)


# 4. Validation & test: measure, without changing the weights
@torch.no_grad()
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total_loss, correct = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        logits = model(X)
        total_loss += loss_fn(logits, y).item() * len(X)
        correct += ((logits > 0).float() == y).sum().item()
    n = len(loader.dataset)
    return total_loss / n, correct / n


def main(lr=0.01, batch_size=32, num_epochs=60, seed=0):
    torch.manual_seed(seed)
    device = get_device()
    train_set = PointsDataset(200, seed=1)
    val_set = PointsDataset(100, seed=2)
    test_set = PointsDataset(100, seed=3)
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    val_loader = DataLoader(val_set, batch_size=100)
    test_loader = DataLoader(test_set, batch_size=100)

    model = BinaryClassifier().to(device)
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    for epoch in range(1, num_epochs + 1):
        train_loss = train_one_epoch(
            model, train_loader, loss_fn, optimizer, device
        )
        val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
        if epoch % 20 == 0:
            print(
                f"epoch {epoch:3d}: train loss {train_loss:.3f}, "
                f"val loss {val_loss:.3f}, val accuracy {val_acc:.3f}"
            )

    test_loss, test_acc = evaluate(model, test_loader, loss_fn, device)
    print(f"test loss {test_loss:.3f}, test accuracy {test_acc:.3f}")
    return model


if __name__ == "__main__":
    main()

# %% [markdown]
# ## Saving, loading and predicting
#
# To use the breast cancer classifier later, save three things: the
# configuration to rebuild the model, the `state_dict`, and the mean and
# standard deviation of the training data used for standardisation. All of them
# are tensors and plain Python data, so `torch.load(..., weights_only=True)`
# reads them safely. The file is written to a temporary directory that is
# deleted at the end of the block.

# %%
standardizer = parts.standardizer
config = {"in_features": 30, "hidden": [8], "out_features": 1}
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "breast_cancer_classifier.pt"
    torch.save(
        {
            "config": config,
            "model": cancer_model.state_dict(),
            "mean": standardizer.mean,
            "std": standardizer.std,
        },
        path,
    )
    print(f"saved {path.name}: {path.stat().st_size} bytes")
    checkpoint = torch.load(path, weights_only=True, map_location="cpu")
print("keys:", list(checkpoint))

# %% [markdown]
# To load, build the model from the configuration, fill it with
# `load_state_dict`, and switch it to evaluation mode. A new patient's
# measurements arrive in their original units, so they are standardised with
# the saved mean and standard deviation before they go into the model. Here the
# first five tumours of the test set, turned back into original units, play the
# new patients. For each tumour the output gives the probability that it is
# benign (class 1), the prediction and the true label. The last two lines compare the
# accuracy on the whole test set with standardisation and with the
# standardisation forgotten.

# %%
restored = MLP(**checkpoint["config"])
restored.load_state_dict(checkpoint["model"])
restored.eval()


def predict_logits(raw_features):
    scaled = (raw_features - checkpoint["mean"]) / checkpoint["std"]
    with torch.no_grad():
        return restored(scaled).reshape(-1)


raw_test = standardizer.inverse_transform(X_ctest)
names = ("malignant", "benign")
probs = torch.sigmoid(predict_logits(raw_test[:5]))
for prob, label in zip(probs.tolist(), y_true[:5].long().tolist()):
    guess = names[int(prob > 0.5)]
    print(f"P(benign) = {prob:.3f}  predicted {guess:<9}  true {names[label]}")

with torch.no_grad():
    unscaled_logits = restored(raw_test).reshape(-1)
scaled_logits = predict_logits(raw_test)
print(f"\nstandardized input: accuracy {accuracy(scaled_logits, y_true):.3f}")
print(f"raw input:          accuracy {accuracy(unscaled_logits, y_true):.3f}")

# %% [markdown]
# Without the standardisation, the model receives inputs of a size it never saw
# in training and gives absurd answers. There is no error message,
# only a lower accuracy, which makes the mistake hard to notice. That is why the
# values used for preprocessing are saved in the same file as the model.
# Resuming an interrupted training also needs the optimizer's state; for that,
# use `trainer.save_checkpoint(path)` and `trainer.fit(..., ckpt_path=path)`,
# seen in W1.2.

# %% [markdown]
# ## Summary
#
# - The model outputs logits and is trained with `nn.BCEWithLogitsLoss`. With a
#   sigmoid followed by `nn.BCELoss`, large logits clamp the loss and zero the
#   gradient.
# - In a deep sigmoid network the gradient vanishes in the layers near the
#   input. Hidden layers use ReLU.
# - The boundary of the 2 → 4 → 1 network settles in over the epochs, and ReLU
#   makes it a bent line.
# - Too small a learning rate is slow, too large a one breaks training. Small
#   batches make more updates per epoch.
# - Standardise real data with statistics of the training part, compare with a
#   simple baseline, and look at the confusion matrix to see which mistakes the
#   model makes.
# - Save a classifier's configuration, `state_dict` and preprocessing
#   statistics together.
#
# The concepts are explained in lecture
# [W1.3 Binary classification](../lectures/w1-3-binary-classification.md); the
# library is documented on the pages of
# [torchbasics.training](../api/training.md),
# [torchbasics.models](../api/models.md), [torchbasics.data](../api/data.md),
# [torchbasics.metrics](../api/metrics.md) and
# [torchbasics.plotting](../api/plotting.md).
