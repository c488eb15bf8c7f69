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
# # Lab: linear regression
#
# This lab runs the content of lecture W1.2, "Linear regression: nn.Module,
# nn.Parameter, training, saving and loading", and shows it in plots. It
# first looks at each step of the training loop on synthetic data with a
# known answer, then runs the same loop with three models and the `Trainer`,
# and compares a model trained by minibatch SGD with scikit-learn's
# closed-form solution on real data,
# the diabetes data set. Finally it saves and loads a model and resumes
# training from a checkpoint.
#
# The outputs and plots on this page come from actually running the notebook
# when the site is built. The code runs unchanged on a computer without a
# GPU; on another device or with other library versions, the last digits of
# the losses can differ slightly.

# %% [markdown]
# ## The environment
#
# The first cell imports everything the notebook needs and prints the
# environment. `get_device()` picks the best device this computer has: a
# CUDA GPU, then Apple's MPS, then the CPU. The notebook never writes
# `"cuda"`; it always uses the `device` variable, so the same code runs on
# any device.

# %%
import os
import tempfile

import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_diabetes as sklearn_diabetes
from sklearn.linear_model import LinearRegression as ClosedForm
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.data import load_diabetes, split
from torchbasics.devices import environment_report, get_device
from torchbasics.metrics import mse, r2_score
from torchbasics.models import LinearRegression
from torchbasics.plotting import plot_history
from torchbasics.training import Trainer

torch.manual_seed(0)
print(environment_report())
device = get_device()
print(f"\nthis notebook computes on: {device}")

# %% [markdown]
# ## Data with a known answer
#
# The cell makes 1000 samples with two features each, computes their
# targets with a chosen weight and bias, and adds a little noise. If
# training works, the model must recover this weight and bias. The data is
# made on the CPU, and the copies used for training, `X_dev` and `y_dev`,
# live on `device`.
#
# The plots show the target `y` against each feature. The first feature has
# a positive weight, so the cloud rises to the right; the second has a
# negative weight, so it falls. The points spread widely not because of the
# noise but because of the other feature.

# %%
true_w = torch.tensor([[2.0, -3.4]])  # (out_features, in_features)
true_b = 4.2
X = torch.randn(1000, 2)  # (N, d)
y = X @ true_w.T + true_b + 0.01 * torch.randn(1000, 1)  # (N, 1)
X_dev, y_dev = X.to(device), y.to(device)
print("X:", tuple(X.shape), "| y:", tuple(y.shape), "| on", X_dev.device)

w1, w2 = true_w.flatten().tolist()
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharey=True)
for j, ax in enumerate(axes):
    ax.scatter(X[:, j], y[:, 0], s=4, alpha=0.4)
    ax.set_xlabel(f"feature x{j + 1}")
axes[0].set_ylabel("target y")
fig.suptitle(f"y = {w1:.1f} x1 {w2:+.1f} x2 {true_b:+.1f} + noise")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## nn.Parameter and a tensor that is not registered
#
# The cell writes the linear regression model from scratch twice.
# `LinearModel` makes both its weight and its bias `nn.Parameter`s;
# `PlainBias` makes its bias a plain tensor with `requires_grad=True`. The
# two `forward` methods are the same.
#
# As the output shows, the bias of `PlainBias` is missing from its
# `named_parameters()` and its `state_dict()`: a module registers as
# parameters only the tensors wrapped in `nn.Parameter`.

# %%
class LinearModel(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1, in_features))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        return X @ self.weight.T + self.bias  # (N, d) @ (d, 1) + (1,)


class PlainBias(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1, in_features))
        self.bias = torch.zeros(1, requires_grad=True)  # not registered

    def forward(self, X):
        return X @ self.weight.T + self.bias


for cls in (LinearModel, PlainBias):
    net = cls(in_features=2)
    names = [name for name, _ in net.named_parameters()]
    print(f"{cls.__name__:<12} parameters: {names}")
    print(f"{'':<12} state_dict:  {list(net.state_dict())}")

# %% [markdown]
# A tensor that is not registered does not follow `model.to(device)` either.
# The cell below moves `PlainBias` to `device`, prints where its two values
# are, and tries a forward pass. On a GPU only the weight moves; the bias
# stays on the CPU and the forward pass fails with an error about different
# devices. On a CPU-only computer both are on the CPU and nothing shows,
# which is why this kind of bug appears only on GPUs.

# %%
on_device = PlainBias(in_features=2).to(device)
print("weight on", on_device.weight.device, "| bias on", on_device.bias.device)
try:
    on_device(X_dev)
    print("forward pass ran: both values are on the same device")
except RuntimeError as err:
    print("forward pass failed:", str(err).splitlines()[0])

# %% [markdown]
# ## Gradient descent, one step at a time
#
# Before the training loop, a picture of what gradient descent does on a
# function of a single parameter. Instead of a loss, the cell lowers
# `f(w) = (w - 3)^2 + 1`, whose minimum is at `w = 3`, starting from `w = 0`.
# At every step `descend` gets the derivative `f'(w)` from autograd and moves
# `w` by `lr * f'(w)` against it. The line that changes the weight is inside
# `torch.no_grad()`, so that it is not recorded in the graph. The output lists
# `w`, `f(w)` and the slope at every step for a learning rate of 0.1.

# %%
def f(w):
    return (w - 3) ** 2 + 1


def descend(w, lr, steps):
    w = torch.tensor(w, requires_grad=True)
    path = []  # (w, f(w), slope) before each step
    for _ in range(steps):
        loss = f(w)
        loss.backward()  # w.grad = f'(w)
        path.append((w.item(), loss.item(), w.grad.item()))
        with torch.no_grad():
            w -= lr * w.grad  # a step against the slope
        w.grad = None
    return path


paths = {lr: descend(0.0, lr, steps=6) for lr in (0.1, 0.9)}
print(f"{'step':>4} {'w':>7} {'f(w)':>7} {'slope':>7}   (lr 0.1)")
for step, (w, loss, slope) in enumerate(paths[0.1]):
    print(f"{step:>4} {w:>7.3f} {loss:>7.3f} {slope:>+7.3f}")

grid = torch.linspace(-1, 7, 200)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
for ax, (lr, path) in zip(axes, paths.items()):
    ax.plot(grid, f(grid), color="gray", label="f(w) = (w - 3)^2 + 1")
    w0, f0, slope0 = path[0]
    near = torch.tensor([w0 - 1.0, w0 + 1.5])
    ax.plot(near, f0 + slope0 * (near - w0), "--", label="tangent at the start")
    ax.plot([p[0] for p in path], [p[1] for p in path], "o-", label="steps")
    ax.set_title(f"gradient descent, lr = {lr}")
    ax.set_xlabel("w")
    ax.legend()
axes[0].set_ylabel("f(w)")
fig.tight_layout()
plt.show()


# %% [markdown]
# The dashed line is the tangent at the starting point; its slope is `f'(0)`.
# The tangent falls to the right, that is the slope is negative, so the loss
# goes down when `w` grows, and the update `w - lr * f'(w)` does exactly that.
# In the left plot the slope gets smaller near the minimum, and so do the
# steps. The right plot has too large a learning rate: every step jumps over
# the minimum and lands on the other side, so `w` swings from side to side.
# It still closes in as fast as on the left: for this `f`, each step multiplies
# the distance to the minimum by `|1 - 2 * lr|`, which is 0.8 for both 0.1 and
# 0.9. A still larger learning rate makes the swings grow until
# they diverge (see the example in the
# [lecture](../lectures/w1-2-linear-regression.md#gradient-descent)).
#
# The training loop below computes the gradient from the whole data at every
# step, so it is gradient descent; the `Trainer`, which updates after every
# minibatch, does stochastic gradient descent (SGD).

# %% [markdown]
# ## The training loop
#
# `train_full_batch` is the training loop of the lecture. It uses the whole
# data set in every iteration, so one iteration is one epoch, and each
# iteration runs the four steps: forward pass, loss, backward pass and
# optimizer step, preceded by `zero_grad()` to clear the last gradients. The
# optimizer is `torch.optim.SGD` with a learning rate of 0.1, but since every
# step takes the gradient of the whole data, what it does is the gradient
# descent of the previous section. Each epoch, the loss and the
# parameter values are recorded in `history`, under the key names
# `"epoch"` and `"train_loss"` that `plot_history` can draw directly.
# `zero_grad=False` is there to see what happens when that line is
# forgotten.
#
# First `LinearModel` and `PlainBias` are trained with this function in the
# same way. As the previous cell showed, `PlainBias` cannot even run a
# forward pass on a GPU, so this one comparison uses the CPU tensors `X` and
# `y`.

# %%
def values_of(model):
    weight = model.weight.detach().flatten().tolist()
    return [*weight, *model.bias.detach().flatten().tolist()]


def train_full_batch(model, X, y, num_epochs=50, lr=0.1, zero_grad=True):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    history = {"epoch": [], "train_loss": [], "values": []}
    for epoch in range(1, num_epochs + 1):
        if zero_grad:
            optimizer.zero_grad()  # clear the gradients of the last step
        y_hat = model(X)  # 1. forward pass
        loss = loss_fn(y_hat, y)  # 2. loss
        loss.backward()  # 3. backward pass
        optimizer.step()  # 4. optimizer step
        history["epoch"].append(epoch)
        history["train_loss"].append(loss.item())
        history["values"].append(values_of(model))
    return history


def fmt(values):
    return "[" + ", ".join(f"{v:6.2f}" for v in values) + "]"


compared = {
    "nn.Parameter bias": LinearModel(2),
    "plain tensor bias": PlainBias(2),
}
curves = {}
print(f"{'true values':<18} {fmt([w1, w2, true_b])}  (w1, w2, b)")
for name, net in compared.items():
    curves[name] = train_full_batch(net, X, y)
    final_loss = curves[name]["train_loss"][-1]
    print(f"{name:<18} {fmt(values_of(net))}  final loss {final_loss:.4f}")
plain_grad = compared["plain tensor bias"].bias.grad
print("gradient piled up in the plain bias:", round(plain_grad.item(), 1))

# %% [markdown]
# The model built with `nn.Parameter` recovered both the weights and the
# bias. The bias of `PlainBias` stayed at its initial 0, and its weights
# drifted from the answer to make up for the missing bias. A gradient was
# computed for that bias too, and the last line of the output shows it; but
# the optimizer does not know the tensor, so it neither updated it nor
# cleared its gradient, which simply piled up epoch after epoch. Without a
# bias, the loss cannot go below a certain level. The vertical axis of the
# plot is logarithmic.

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, history in curves.items():
    ax.plot(history["epoch"], history["train_loss"], label=name)
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training MSE (log scale)")
ax.set_title("The same loop, a registered and an unregistered bias")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## What the backward pass computes
#
# The `.grad` that `loss.backward()` fills in is the derivative of the loss
# with respect to each parameter. For the mean squared error
# `L = mean((X w^T + b - y)^2)` the derivative can be worked out by hand:
# with the residual `r = X w^T + b - y`, `dL/dw = 2 r^T X / N` and
# `dL/db = 2 mean(r)`. The cell below compares the gradients autograd
# computes for a fresh model with these formulas. If they agree, you can
# trust `backward()` to take the derivatives that would be hard to work out
# by hand in every later model.

# %%
model = LinearModel(2).to(device)
loss = nn.MSELoss()(model(X_dev), y_dev)
loss.backward()
with torch.no_grad():
    r = model(X_dev) - y_dev  # residuals, (N, 1)
    grad_w = 2 * r.T @ X_dev / len(X_dev)  # (1, N) @ (N, d) -> (1, d)
    grad_b = 2 * r.mean(dim=0)  # (1,)
print("autograd weight.grad:", fmt(model.weight.grad.flatten().tolist()))
print("by hand:             ", fmt(grad_w.flatten().tolist()))
print("autograd bias.grad:  ", fmt(model.bias.grad.tolist()))
print("by hand:             ", fmt(grad_b.tolist()))
same = torch.allclose(model.weight.grad, grad_w, rtol=1e-4, atol=1e-5)
print("weight gradients agree:", same)

# %% [markdown]
# ## Watching training
#
# Now `LinearModel` is trained on `device`, and the loss and the parameter
# values recorded each epoch are plotted. On the left is the loss curve
# drawn by `plot_history`; on the right, the three values approach the
# answers marked by dotted lines. The output compares the learned values
# with the answers to two decimals.
#
# The loss falls fastest in the first few epochs because the gradient of the
# squared error is proportional to the error: steps are large while the
# error is large, and shrink by themselves near the answer. The loss does
# not reach 0; it stops near the variance of the noise.

# %%
model = LinearModel(2).to(device)
scratch_history = train_full_batch(model, X_dev, y_dev)
scratch_values = values_of(model)
print(f"true     {fmt([w1, w2, true_b])}")
print(f"learned  {fmt(scratch_values)}")
print(f"final training MSE {scratch_history['train_loss'][-1]:.6f}")

fig, (ax_loss, ax_values) = plt.subplots(1, 2, figsize=(10, 3.6))
plot_history(scratch_history, ax=ax_loss)
ax_loss.set_yscale("log")
trajectory = torch.tensor(scratch_history["values"])  # (num_epochs, 3)
targets = [w1, w2, true_b]
epochs = scratch_history["epoch"]
for i, label in enumerate(["weight[0]", "weight[1]", "bias"]):
    line, = ax_values.plot(epochs, trajectory[:, i], label=label)
    ax_values.axhline(targets[i], color=line.get_color(), linestyle=":")
ax_values.set_xlabel("epoch")
ax_values.set_title("parameters (dotted: true values)")
ax_values.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Forgetting zero_grad()
#
# `backward()` adds each new gradient to `.grad`. Without `zero_grad()`,
# every step moves by the sum of all the gradients so far, so the weights
# overshoot the answer and come back, again and again. The cell below runs
# the same training once more without `zero_grad()` and plots it next to the
# run of the previous section. On the right, the bias swings widely around
# the answer; on the left, the loss keeps going down and up again.

# %%
net = LinearModel(2).to(device)
forgetful = train_full_batch(net, X_dev, y_dev, zero_grad=False)
runs = {"with zero_grad()": scratch_history, "without zero_grad()": forgetful}
for label, run in runs.items():
    print(f"{label:<20} final loss {run['train_loss'][-1]:10.4f}"
          f"  values {fmt(run['values'][-1])}")

fig, (ax_loss, ax_bias) = plt.subplots(1, 2, figsize=(10, 3.6))
for label, run in runs.items():
    ax_loss.plot(run["epoch"], run["train_loss"], label=label)
    bias = [values[-1] for values in run["values"]]
    ax_bias.plot(run["epoch"], bias, label=label)
ax_bias.axhline(true_b, color="gray", linestyle=":", label="true bias")
ax_loss.set_yscale("log")
ax_loss.set_title("training MSE (log scale)")
ax_bias.set_title("bias")
for ax in (ax_loss, ax_bias):
    ax.set_xlabel("epoch")
    ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The same loop: three models and the Trainer
#
# `nn.Linear` and the course library's `LinearRegression` are the same
# model as `LinearModel`: both hold a `weight` and a `bias` as
# `nn.Parameter`s and compute `X @ weight.T + bias` in `forward`; only their
# initial values are random instead of zero. So `train_full_batch` works for
# them without changing a single character. The values of `LinearModel` are
# those learned in the previous section.
#
# The `Trainer` runs the same four steps inside, but for every minibatch a
# `DataLoader` hands out. `TensorDataset(X, y)` bundles `X` and `y` into a
# data set whose sample `i` is `(X[i], y[i])`, and the `DataLoader` shuffles
# it into minibatches of 32. The parameters are updated many times per epoch
# (stochastic gradient descent), so fewer epochs are enough.
# The table in the output shows all four recovering the same answer to two
# decimals.

# %%
learned = {"true values": [w1, w2, true_b], "LinearModel": scratch_values}
for name, net in [
    ("nn.Linear", nn.Linear(2, 1)),
    ("LinearRegression", LinearRegression(2)),
]:
    net = net.to(device)
    train_full_batch(net, X_dev, y_dev)
    learned[name] = values_of(net)

train_loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
model = LinearRegression(2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
trainer = Trainer(
    model, optimizer, nn.MSELoss(), device=device, max_epochs=10,
    progress=False,
)
trainer_history = trainer.fit(train_loader)
learned["Trainer"] = values_of(model)

print(f"{'':<17} {'weight[0]':>9} {'weight[1]':>9} {'bias':>9}")
for name, values in learned.items():
    print(f"{name:<17} " + " ".join(f"{v:>9.2f}" for v in values))
print("Trainer history keys:", list(trainer_history))

# %% [markdown]
# The `history` that `Trainer.fit` returned goes straight into
# `plot_history`. Its `"lr"` key records the learning rate; only the loss is
# plotted here.

# %%
fig, ax = plt.subplots(figsize=(5, 3.5))
plot_history(trainer_history, metrics="loss", ax=ax)
ax.set_yscale("log")
plt.show()

# %% [markdown]
# ## Real data: diabetes progression
#
# The diabetes data set is a regression problem: predict how far the disease
# has progressed one year later from 10 features of 442 patients. `split`
# divides it into training, validation and test data (70%, 15%, 15%), and
# `standardize=True` standardises the features with the mean and standard
# deviation of the training data only. The validation data is for watching
# curves during training; the test data measures performance once, at the
# end.
#
# The lecture blamed strong correlation between features for the slow
# convergence of some weights under gradient descent. The cell below finds
# the pair of features with the largest absolute correlation coefficient in
# the training data. The last line is the condition number: how many times,
# at most, a small relative error in the input can grow as a relative error
# in the answer. It grows as the
# features become more strongly correlated. The line shows the condition
# number of `X_train` and that of `X_train.T @ X_train`, the matrix in the
# normal equation `XᵀX w = Xᵀy`.

# %%
feature_names = sklearn_diabetes().feature_names
parts = split(load_diabetes(), (0.7, 0.15, 0.15), seed=0, standardize=True)
train_set, val_set, test_set = parts
X_train, y_train = train_set.tensors
X_test, y_test = test_set.tensors
print("train / validation / test:", len(train_set), len(val_set), len(test_set))
print("features:", feature_names)

corr = torch.corrcoef(X_train.T).abs().fill_diagonal_(0)  # (10, 10)
i, j = divmod(corr.argmax().item(), corr.shape[1])
print(f"most correlated pair: {feature_names[i]} and {feature_names[j]},"
      f" |r| = {corr[i, j].item():.2f}")
cond_X = torch.linalg.cond(X_train).item()
cond_XtX = torch.linalg.cond(X_train.T @ X_train).item()
print(f"condition number: X_train {cond_X:.0f}, X_train.T @ X_train {cond_XtX:.0f}")

# %% [markdown]
# `LinearRegression(10)` is trained with the `Trainer`: minibatches of 32,
# SGD, and the coefficient of determination R² (`r2_score`) recorded as a
# metric. R² is 1 for a perfect fit and 0 for always predicting the mean;
# anything worse than that is negative. The validation data is evaluated as one batch. The left plot shows
# the loss and the right one R²; the star marks the epoch with the best
# validation value. The targets are in their original units, so the loss
# (MSE) is a large number.

# %%
torch.manual_seed(0)
model = LinearRegression(10)
optimizer = torch.optim.SGD(model.parameters(), lr=0.02)
trainer = Trainer(
    model, optimizer, nn.MSELoss(), device=device, max_epochs=50,
    metrics={"r2": r2_score}, progress=False,
)
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
val_loader = DataLoader(val_set, batch_size=len(val_set))
history = trainer.fit(train_loader, val_loader)
print(f"after {history['epoch'][-1]} epochs:"
      f" val loss {history['val_loss'][-1]:.1f},"
      f" val R2 {history['val_r2'][-1]:.3f}")
plot_history(history, metrics=["loss", "r2"])

# %% [markdown]
# ## Minibatch SGD and the closed form
#
# scikit-learn's `LinearRegression` computes, in one go and without
# iterating, the weights that minimise the training squared error exactly. It
# does not solve the normal equation as written: it solves the problem with
# `scipy.linalg.lstsq`, from the singular value decomposition (SVD) of `X`.
# As the previous cell's output shows, the condition number of `XᵀX` is the
# square of that of `X`, so going through `XᵀX` can magnify rounding errors
# that much more. That matters for badly conditioned data; the numbers above
# are mild, and on this data set the normal equation would do almost as well.
# It is fitted on the same training data, and the two methods
# are compared on the same test data. The split is the lecture's, so
# scikit-learn's numbers are the same as in the lecture's output. `trainer.predict` collects the model's outputs on
# the CPU.
#
# The model above was trained by the `Trainer` on shuffled minibatches of 32,
# so it is stochastic gradient descent (SGD), labelled `SGD (minibatches)`; the
# lecture compares full-batch gradient descent instead, so its first row has
# different numbers. The closed form is the minimum of the training MSE, so
# SGD's training MSE in the table cannot be lower. The test R² measures
# performance on unseen data, so which one is higher is not settled in
# advance. See in the output how close the two test R² are.

# %%
gd_train = trainer.predict(DataLoader(train_set, batch_size=len(train_set)))
gd_test = trainer.predict(DataLoader(test_set, batch_size=len(test_set)))
closed = ClosedForm().fit(X_train.numpy(), y_train.numpy())
cf_train = torch.from_numpy(closed.predict(X_train.numpy()))
cf_test = torch.from_numpy(closed.predict(X_test.numpy()))

print(f"{'':<17} {'train MSE':>10} {'test MSE':>10} {'test R2':>8}")
for name, p_train, p_test in [
    ("SGD (minibatches)", gd_train, gd_test),
    ("closed form", cf_train, cf_test),
]:
    print(f"{name:<17} {mse(p_train, y_train):>10.1f}"
          f" {mse(p_test, y_test):>10.1f} {r2_score(p_test, y_test):>8.4f}")

# %% [markdown]
# The left plot shows both methods' predictions on the test data against the
# targets; points on the dotted line are exact. The two methods' points
# nearly coincide: their predictions are almost the same. The right plot
# compares the two methods' weights feature by feature. Although the
# predictions are nearly the same, some weights can differ a lot. They are
# those of correlated features such as the blood serum measurements (`s1`
# to `s6`); look at the most correlated pair found above. For such features,
# increasing one weight and decreasing another hardly changes the
# predictions. That direction forms a long, narrow valley in the loss
# surface, and SGD, like any form of gradient descent, moves along it very slowly. The closed form
# goes straight to the floor of the valley, and may give correlated features
# large weights of opposite signs.

# %%
fig, (ax_pred, ax_w) = plt.subplots(1, 2, figsize=(11, 4))
ax_pred.scatter(y_test, gd_test, s=14, label="SGD (minibatches)")
ax_pred.scatter(y_test, cf_test, s=14, marker="x", label="closed form")
low, high = y_test.min().item(), y_test.max().item()
ax_pred.plot([low, high], [low, high], color="gray", linestyle=":")
ax_pred.set_xlabel("true value")
ax_pred.set_ylabel("prediction")
ax_pred.set_title("test data")
ax_pred.legend()

positions = torch.arange(len(feature_names))
gd_weight = model.weight.detach().cpu().flatten()
cf_weight = torch.from_numpy(closed.coef_).flatten()
ax_w.bar(positions - 0.2, gd_weight, width=0.4, label="SGD (minibatches)")
ax_w.bar(positions + 0.2, cf_weight, width=0.4, label="closed form")
ax_w.set_xticks(positions.tolist(), feature_names)
ax_w.axhline(0, color="gray", linewidth=0.8)
ax_w.set_title("weight per standardized feature")
ax_w.legend(loc="lower left")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Without standardisation
#
# scikit-learn ships the diabetes features already centred and scaled down
# to very small values. What happens if they are used as they are, without
# standardisation? The cell below makes the same split (the same `seed`)
# with `standardize=False` and trains an `nn.Linear` on the standardised and
# on the raw features with the same learning rate and the same number of
# epochs. Small features give small gradients, so the weights barely move
# and the loss falls much more slowly in the same number of epochs. A larger
# learning rate would help, but it would have to be found again for every
# scale of the features; with standardised features one learning rate suits
# all the weights.

# %%
raw_train, _, raw_test = split(load_diabetes(), (0.7, 0.15, 0.15), seed=0)
scaling_runs = {}
for name, train_part, test_part in [
    ("standardized", train_set, test_set),
    ("raw", raw_train, raw_test),
]:
    torch.manual_seed(0)
    net = nn.Linear(10, 1).to(device)
    X_part, y_part = (t.to(device) for t in train_part.tensors)
    scaling_runs[name] = train_full_batch(net, X_part, y_part, num_epochs=100)
    with torch.no_grad():
        X_t, y_t = test_part.tensors
        test_r2 = r2_score(net(X_t.to(device)).cpu(), y_t)
    final = scaling_runs[name]["train_loss"][-1]
    print(f"{name:<13} final training MSE {final:8.1f}  test R2 {test_r2:.3f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
for name, run in scaling_runs.items():
    ax.plot(run["epoch"], run["train_loss"], label=f"{name} features")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training MSE (log scale)")
ax.set_title("Full-batch gradient descent, lr = 0.1")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Saving and loading
#
# The trained diabetes model's `state_dict` is saved to a file with
# `torch.save` and loaded into a new `LinearRegression(10)` of the same
# architecture with `load_state_dict`. The file is made inside a
# `tempfile.TemporaryDirectory()`, so it is deleted when the cell ends.
# Loading uses `weights_only=True`, which rebuilds only tensors and basic
# types, and `map_location="cpu"`, which puts the tensors on the CPU, so a
# file saved on a GPU opens on a computer without one. The file holds only
# 11 numbers (10 weights and a bias), their names and a little format
# information, so it is small. The loaded model's predictions are the
# original model's.

# %%
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "diabetes_linear.pt")
    torch.save(model.state_dict(), path)
    size = os.path.getsize(path)
    print("saved", list(model.state_dict()), "-", size, "bytes")
    state = torch.load(path, map_location="cpu", weights_only=True)

restored = LinearRegression(10)
print(restored.load_state_dict(state))
restored.eval()  # evaluation mode (explained in W1.3)
with torch.no_grad():
    restored_test = restored(X_test)
same = torch.allclose(restored_test, gd_test, atol=1e-4)
print("same test predictions:", same)

# %% [markdown]
# ## Resuming from a checkpoint
#
# Resuming training needs the optimizer's state and the epoch number as well
# as the model. Here SGD with momentum gives the optimizer some state.
# `Trainer.save_checkpoint` saves these plus the `history` and the states of
# the random number generators, and `fit(..., ckpt_path=...)` trains from the
# epoch after the saved one.
#
# The cell below compares 40 epochs trained in one go with a run that saves a
# checkpoint after 20 epochs, loads it into a new `Trainer` and trains on up
# to epoch 40. The output lists the keys in the checkpoint and whether the
# final weights of the two runs are the same. The plot, zoomed in by leaving
# out the first epochs, shows the validation loss of the resumed part lying
# on top of the uninterrupted curve, down to its small wiggles.

# %%
def make_trainer(max_epochs):
    torch.manual_seed(0)
    model = LinearRegression(10)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    return Trainer(
        model, optimizer, nn.MSELoss(), device=device, max_epochs=max_epochs,
        progress=False,
    )


loader = DataLoader(train_set, batch_size=32, shuffle=True)
straight = make_trainer(max_epochs=40)
straight_history = straight.fit(loader, val_loader)

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "checkpoint.pt")
    first_half = make_trainer(max_epochs=20)
    first_half.fit(loader, val_loader)
    first_half.save_checkpoint(path)  # right away: it records the RNG state
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    print("checkpoint keys:", sorted(checkpoint))
    print("saved after epoch", checkpoint["epoch"])
    resumed = make_trainer(max_epochs=40)
    resumed_history = resumed.fit(loader, val_loader, ckpt_path=path)

same = torch.equal(resumed.model.weight, straight.model.weight)
print("resumed run ends with the same weights:", same)

fig, ax = plt.subplots(figsize=(6, 3.5))
start = checkpoint["epoch"]
shown = slice(start // 2, None)  # zoom in: leave out the first epochs
ax.plot(straight_history["epoch"][shown], straight_history["val_loss"][shown],
        linewidth=5, alpha=0.4, label="40 epochs in one go")
ax.plot(resumed_history["epoch"][start:], resumed_history["val_loss"][start:],
        color="black", label="resumed from the checkpoint")
ax.axvline(start, color="gray", linestyle=":")
ax.set_xlabel("epoch")
ax.set_ylabel("validation MSE")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Summary
#
# - A module registers as parameters only the tensors wrapped in
#   `nn.Parameter`. An unregistered tensor may receive gradients, but the
#   optimizer does not update it, it is not in the `state_dict`, and it does
#   not follow `.to(device)`.
# - Gradient descent moves the parameters against the gradient, by the
#   gradient times the learning rate. With too large a learning rate it jumps
#   over the minimum, swinging from side to side or diverging.
# - A training iteration is `zero_grad()`, forward pass, loss, `backward()`,
#   `step()`. Without `zero_grad()` the gradients pile up and training does
#   not converge.
# - A module written from scratch, `nn.Linear` and `LinearRegression`, trained
#   by the same loop written by hand or run by the `Trainer`, find the same
#   answer.
# - On the diabetes data, minibatch SGD makes nearly the same predictions as
#   the closed-form solution. Standardisation makes gradient descent converge
#   quickly.
# - Save a `state_dict` with `torch.save` and load it with
#   `weights_only=True`. A checkpoint holds the model, the optimizer and the
#   epoch, so training continues exactly where it stopped.
#
# Each concept is explained in detail in the lecture
# [W1.2 Linear regression](../lectures/w1-2-linear-regression.md).
