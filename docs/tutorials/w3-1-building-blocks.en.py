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
# # Lab: layers, activations and losses
#
# This lab checks the content of lecture 3.1, "[Layers, activations and
# losses](../lectures/w3-1-building-blocks.md)", by training and draws it. It
# starts with a model that keeps some of its layers in a Python list and
# quietly learns less. Then it draws the activation functions and their
# derivatives, and counts, step by step, the ReLU units that die at each
# learning rate. Next it moves an outlier further and further to measure how
# far the lines of three regression losses follow it, and draws the decision
# boundaries of three classification losses on imbalanced data. Finally it
# draws histograms of the activations after each layer for several
# initializations, and trains a deep ReLU network with three of them.
#
# The outputs and figures on this page were produced by executing the notebook
# when the site was built. Everything runs on the CPU, with fixed seeds, so a
# new run draws the same figures; on another CPU the last digits of trained
# values can differ slightly.

# %% [markdown]
# ## Check the environment
#
# Import everything needed and print the environment. The models are so small
# that several compute threads would spend more time keeping in step than
# computing, so the notebook uses one thread.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy.optimize import minimize
from sklearn.linear_model import HuberRegressor, QuantileRegressor
from sklearn.metrics import recall_score
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.data import load_digits, make_two_classes, split
from torchbasics.devices import environment_report
from torchbasics.metrics import predict_labels, recall
from torchbasics.plotting import plot_activations, plot_decision_boundary

print(environment_report())
torch.set_num_threads(1)

# %% [markdown]
# ## Layers hidden in a list are never trained
#
# In [the lecture](../lectures/w3-1-building-blocks.md#plain-list-bug) all the
# layers were in the list, so the optimizer refused the empty list. Here is the
# more common case: a model with its two hidden layers in a Python list and its
# output layer in an attribute. The optimizer receives only the output layer's
# parameters, so it trains without an error, and the hidden layers keep their
# initial values. It is trained for 200 steps next to the same structure built
# with `nn.ModuleList`, from the same initial values on the same data (512
# points of the two moons), and their losses are compared.

# %%
X_moons, y_moons = make_two_classes(512, seed=0).tensors


class HiddenInList(nn.Module):
    def __init__(self, container):
        super().__init__()
        self.hidden = container([nn.Linear(2, 32), nn.Linear(32, 32)])
        self.out = nn.Linear(32, 1)

    def forward(self, x):
        for layer in self.hidden:
            x = torch.relu(layer(x))
        return self.out(x)


def train_moons(model, lr=0.5, steps=200):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.BCEWithLogitsLoss()(model(X_moons), y_moons)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


models = {}
for name, container in [("plain list", list), ("nn.ModuleList", nn.ModuleList)]:
    torch.manual_seed(0)
    models[name] = HiddenInList(container)
before = models["plain list"].hidden[0].weight.clone()
curves = {name: train_moons(model) for name, model in models.items()}
for name, model in models.items():
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{name:<14} parameters the optimizer sees: {n_params:5d}"
          f"   final loss {curves[name][-1]:.3f}")
print("hidden weights of the plain-list model unchanged:",
      torch.equal(models["plain list"].hidden[0].weight, before))

fig, ax = plt.subplots(figsize=(6, 3.2))
for name, losses in curves.items():
    ax.plot(losses, label=name)
ax.set_xlabel("step")
ax.set_ylabel("training loss (BCE)")
ax.set_title("Hidden layers in a plain list are never trained")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The model with its hidden layers in a list has only trained its output layer
# on top of random hidden layers, so its loss goes down less. There is no error
# and no warning: counting `parameters()` once for every new model is the
# habit that catches this bug.

# %% [markdown]
# ## Activation functions and their derivatives
#
# [`plot_activations`](../api/plotting.md#torchbasics.plotting.plot_activations)
# draws activation functions (solid) and their derivatives from autograd
# (dashed). LeakyReLU is drawn with `negative_slope=0.1`, so that the slope on
# the negative side is visible.

# %%
plot_activations(["sigmoid", "tanh", "relu", "leaky_relu", "gelu"])

# %% [markdown]
# Softmax does not work element by element, so it gets a figure of its own.
# Of three logits, only the first is set to `x` and the other two stay 0; the
# figure shows the first class's probability `p₀`, its derivative (the
# diagonal entry of the Jacobian, `p₀(1 - p₀)`), and how fast the second
# class's probability changes with `x` (the off-diagonal entry `-p₀p₁`). The
# derivatives come from autograd and are compared with the formulas.

# %%
x = torch.linspace(-6, 6, 241, requires_grad=True)
logits = torch.stack([x, torch.zeros_like(x), torch.zeros_like(x)], dim=1)
p = torch.softmax(logits, dim=1)
(dp0,) = torch.autograd.grad(p[:, 0].sum(), x, retain_graph=True)
(dp1,) = torch.autograd.grad(p[:, 1].sum(), x)
p = p.detach()
print("diagonal matches p0(1 - p0):", torch.allclose(dp0, p[:, 0] * (1 - p[:, 0]), atol=1e-6))
print("off-diagonal matches -p0 p1:", torch.allclose(dp1, -p[:, 0] * p[:, 1], atol=1e-6))
print(f"largest slope of p0: {dp0.max():.3f}")

fig, ax = plt.subplots(figsize=(6, 3.2))
xs = x.detach()
ax.plot(xs, p[:, 0], label="p0 = softmax(x, 0, 0)[0]", linewidth=2)
ax.plot(xs, dp0, "--", label="d p0 / dx")
ax.plot(xs, dp1, ":", label="d p1 / dx")
ax.axhline(0, color="0.7", linewidth=0.8)
ax.set_xlabel("x (the first logit)")
ax.set_title("Softmax with three classes: one logit varied")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# The two derivatives, plus the third class's, add up to 0: the probabilities
# always sum to 1, so when one goes up the others go down by as much.

# %% [markdown]
# ## Counting dying ReLUs
#
# The network of [the lecture](../lectures/w3-1-building-blocks.md#dead-relus)
# (hidden layers of 64 and 64) is trained for 100 steps with learning rates
# 0.5, 2 and 8, and after every step the dead units of both hidden layers are
# counted. A unit is dead when the input of its activation function is 0 or
# less on all 512 samples. At the largest learning rate the network is also
# trained with LeakyReLU; a "dead" LeakyReLU unit only has negative inputs, it
# still gets gradients.
#
# The two hidden layers differ. The first layer's input is the data itself, so
# once a dead unit's weights stop changing, it stays dead for good. The input
# of a second-layer unit is the first layer's output: its own weights stay put,
# but it can come back to life when the first layer changes.

# %%
def pre_activations(model, X):
    """The input of every activation module of a Sequential, for the batch X."""
    found = []
    h = X
    with torch.no_grad():
        for module in model:
            if isinstance(module, (nn.ReLU, nn.LeakyReLU)):
                found.append(h)
            h = module(h)
    return found


def dead_per_layer(model, X):
    """How many units of each hidden layer have a non-positive input on every sample."""
    return [int((h <= 0).all(dim=0).sum()) for h in pre_activations(model, X)]


def dying_run(lr, activation, steps=100):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 64), activation(), nn.Linear(64, 64),
                          activation(), nn.Linear(64, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    counts, losses = [dead_per_layer(model, X_moons)], []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.BCEWithLogitsLoss()(model(X_moons), y_moons)
        loss.backward()
        optimizer.step()
        counts.append(dead_per_layer(model, X_moons))
        losses.append(loss.item())
    with torch.no_grad():
        accuracy = ((model(X_moons) > 0).float() == y_moons).float().mean().item()
    return torch.tensor(counts), losses, accuracy


runs = {f"ReLU, lr={lr}": dying_run(lr, nn.ReLU) for lr in (0.5, 2.0, 8.0)}
runs["LeakyReLU, lr=8.0"] = dying_run(8.0, nn.LeakyReLU)
for name, (counts, losses, accuracy) in runs.items():
    first = counts[:, 0]
    never_revived = bool((first[1:] >= first[:-1]).all())
    print(f"{name:<18} dead after 100 steps: layer 1 {int(counts[-1, 0]):2d}/64,"
          f" layer 2 {int(counts[-1, 1]):2d}/64   layer 1 never decreased: {never_revived!s:5}"
          f"   final loss {losses[-1]:.3f}   accuracy {accuracy:.3f}")

fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
for name, (counts, losses, _) in runs.items():
    style = "--" if name.startswith("Leaky") else "-"
    axes[0].plot(counts[:, 0], style, label=name)
    axes[1].plot(counts[:, 1], style, label=name)
    axes[2].plot(losses, style, label=name)
for ax, title in zip(axes[:2], ["hidden layer 1", "hidden layer 2"]):
    ax.set_xlabel("step")
    ax.set_ylabel("dead units (of 64)")
    ax.set_title(f"Dead units, {title}")
axes[2].set_xlabel("step")
axes[2].set_ylabel("training loss (BCE)")
axes[2].set_title("Training loss")
axes[2].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# At learning rate 0.5 no unit dies beyond the few that were dead from the
# start. The larger the learning rate, the more units die in the first few
# steps, and the number of dead units in ReLU's first layer never goes down.
# The ReLU network at learning rate 8 loses even all the units of its second
# layer: its output becomes a constant that ignores the input, and its loss
# stays at the value of calling both classes half and half, `log 2 ≈ 0.693`.
# At the same learning rate the LeakyReLU network's count of "dead" first-layer
# units even goes down at times, and it keeps learning: units on the negative
# side still get gradients.

# %% [markdown]
# ## A line pulled by an outlier
#
# On the 30 points of the lecture, the rightmost point is moved up by 0 to 40,
# and lines are fitted with MSE, MAE and the Huber loss. Rather than training
# once per offset, the slopes and intercepts of the 9 offsets are kept in one
# `(9, 2)` tensor and the losses, averaged per offset, are summed. Adam chooses
# the step of every parameter element separately, so training them together
# is the same as training the 9 apart. The references are those of the
# lecture: the least-squares solution, scikit-learn's `QuantileRegressor`, and
# the Huber loss minimized with SciPy. scikit-learn's `HuberRegressor` also
# estimates the scale of the residuals, so its objective is not that of
# `nn.HuberLoss`; it is drawn as one more example of a line that an outlier
# does not drag along.

# %%
g = torch.Generator().manual_seed(0)
x_line = torch.linspace(0, 3, 30, dtype=torch.float64)
clean = 2 * x_line + 1 + 0.3 * torch.randn(30, generator=g, dtype=torch.float64)
offsets = torch.linspace(0, 40, 9, dtype=torch.float64)
targets = clean.repeat(9, 1)  # (9, 30): one row per offset
targets[:, -1] += offsets


def fit_lines(loss_fn, targets, steps=3000):
    w = torch.zeros(len(targets), 2, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([w], lr=0.05)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 1 - t / steps)
    for _ in range(steps):
        optimizer.zero_grad()
        predictions = w[:, :1] * x_line + w[:, 1:]  # (9, 30)
        loss_fn(predictions, targets).mean(dim=1).sum().backward()
        optimizer.step()
        scheduler.step()
    return w.detach()


loss_fns = {"MSE": nn.MSELoss(reduction="none"), "MAE": nn.L1Loss(reduction="none"),
            "Huber": nn.HuberLoss(reduction="none")}
fitted = {name: fit_lines(f, targets) for name, f in loss_fns.items()}

A = torch.stack([x_line, torch.ones_like(x_line)], dim=1)
X_np = x_line[:, None].numpy()


def huber_np(w, y):
    e = np.abs(w[0] * x_line.numpy() + w[1] - y)
    return np.where(e <= 1, 0.5 * e ** 2, e - 0.5).mean()


references = {"MSE": [], "MAE": [], "Huber": []}
for y_row in targets:
    references["MSE"].append(torch.linalg.lstsq(A, y_row[:, None]).solution.squeeze())
    qr = QuantileRegressor(quantile=0.5, alpha=0.0).fit(X_np, y_row.numpy())
    references["MAE"].append(torch.tensor([qr.coef_[0], qr.intercept_]))
    references["Huber"].append(torch.tensor(minimize(huber_np, [0.0, 0.0],
                                                     args=(y_row.numpy(),)).x))
sk_huber = [HuberRegressor(alpha=0.0).fit(X_np, y_row.numpy()).coef_[0] for y_row in targets]

print("offset:     ", " ".join(f"{o:6.0f}" for o in offsets.tolist()))
for name, w in fitted.items():
    print(f"{name:<6} slope", " ".join(f"{s:6.2f}" for s in w[:, 0].tolist()))
print("HuberRegressor", " ".join(f"{s:6.2f}" for s in sk_huber))
for name, w in fitted.items():
    gap = (w - torch.stack(references[name])).abs().max().item()
    print(f"{name:<6} largest gap to its reference over all offsets: {gap:.4f}")

fig, (ax_lines, ax_slopes) = plt.subplots(1, 2, figsize=(11, 3.8))
ax_lines.scatter(x_line, targets[4], s=12, color="0.3", label="data (offset 20)")
for name, w in fitted.items():
    ax_lines.plot(x_line, w[4, 0] * x_line + w[4, 1], label=name)
ax_lines.set_title("Lines fitted with an outlier of +20")
ax_lines.set_xlabel("x")
ax_lines.set_ylabel("y")
ax_lines.legend(fontsize=8)
for name, w in fitted.items():
    ax_slopes.plot(offsets, w[:, 0], "o-", label=name)
ax_slopes.plot(offsets, sk_huber, "x:", color="0.4", label="sklearn HuberRegressor")
ax_slopes.set_xlabel("how far the outlier is moved up")
ax_slopes.set_ylabel("fitted slope")
ax_slopes.set_title("The outlier's pull on the slope")
ax_slopes.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# The slope of the MSE line grows in a straight line with the outlier's
# offset: under squared error the outlier pulls in proportion to its error,
# and the least-squares solution is a linear function of the targets. The
# slopes of the MAE and Huber lines follow only while the outlier is moved a
# little, then stop: once its error is beyond $\delta$, an outlier pulls no
# harder on the Huber loss. All three trained results match their references
# at every offset.

# %% [markdown]
# ## Decision boundaries on imbalanced data
#
# The three-class data of [the lecture](../lectures/w3-1-building-blocks.md#imbalance)
# (500, 100 and 20 training points) is learned by a linear model with plain
# cross-entropy, with class weights `N / (K n_k)`, and with label smoothing
# 0.2, and the decision boundaries are drawn. The recalls are measured with
# `torchbasics.metrics` and with scikit-learn's `recall_score`.

# %%
centers = torch.tensor([[0.0, 0.0], [2.0, 0.5], [0.5, 2.0]])


def blobs(counts, seed):
    g = torch.Generator().manual_seed(seed)
    X = torch.cat([c + torch.randn(n, 2, generator=g) for c, n in zip(centers, counts)])
    y = torch.cat([torch.full((n,), k) for k, n in enumerate(counts)])
    return X, y


X_imb, y_imb = blobs([500, 100, 20], seed=0)
X_test, y_test = blobs([500, 500, 500], seed=1)


def train_linear(loss_fn):
    torch.manual_seed(0)
    model = nn.Linear(2, 3)
    optimizer = torch.optim.LBFGS(model.parameters(), max_iter=500, tolerance_grad=1e-9,
                                  tolerance_change=1e-12, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = loss_fn(model(X_imb), y_imb)
        loss.backward()
        return loss

    optimizer.step(closure)
    return model


balanced = len(y_imb) / (3 * torch.bincount(y_imb).float())
classifiers = {
    "plain": train_linear(nn.CrossEntropyLoss()),
    "class weights": train_linear(nn.CrossEntropyLoss(weight=balanced)),
    "label smoothing 0.2": train_linear(nn.CrossEntropyLoss(label_smoothing=0.2)),
}
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
for ax, (name, model) in zip(axes, classifiers.items()):
    with torch.no_grad():
        pred = predict_labels(model(X_test))
    ours = [(pred[y_test == k] == k).float().mean().item() for k in range(3)]
    theirs = recall_score(y_test.numpy(), pred.numpy(), average=None)
    macro = recall(pred, y_test, average="macro")
    print(f"{name:<20} recall per class {[round(r, 3) for r in ours]}"
          f"   balanced accuracy {macro:.3f}"
          f"   same as sklearn: {np.allclose(ours, theirs)}")
    plot_decision_boundary(model, X_imb, y_imb, ax=ax)
    ax.set_title(name)
fig.tight_layout()
plt.show()

# %% [markdown]
# With plain cross-entropy, the region of the rare class 2 (the smallest
# cloud of points) is narrow. Class weights widen it and raise its recall.
# The boundaries with label smoothing look like the plain ones, and the rare
# class's region is even a little narrower: smoothing is not a tool against
# imbalance but one that shrinks the probabilities.

# %% [markdown]
# ## Initialization and the activations of each layer
#
# With the five initializations of [the lecture](../lectures/w3-1-building-blocks.md#bad-init),
# the activations that pass through 10 layers of width 256 are collected after
# each layer and drawn as histograms. The rows are the initializations, the
# columns layers 1, 4, 7 and 10. Each row's horizontal axis spans the values of
# its first layer; the number below a histogram is the standard deviation of
# that layer's activations.

# %%
def activations_by_layer(init, activation, depth=10, width=256):
    torch.manual_seed(0)
    h = torch.randn(1000, width)
    found = []
    with torch.no_grad():
        for _ in range(depth):
            layer = nn.Linear(width, width)
            init(layer.weight)
            nn.init.zeros_(layer.bias)
            h = activation(layer(h))
            found.append(h.flatten())
    return found


setups = {
    "N(0, 0.01), tanh": (lambda w: nn.init.normal_(w, std=0.01), torch.tanh),
    "N(0, 1), tanh": (lambda w: nn.init.normal_(w, std=1.0), torch.tanh),
    "Xavier, tanh": (nn.init.xavier_normal_, torch.tanh),
    "default, ReLU": (lambda w: nn.init.kaiming_uniform_(w, a=5 ** 0.5), torch.relu),
    "He, ReLU": (lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"), torch.relu),
}
shown_layers = (0, 3, 6, 9)
fig, axes = plt.subplots(len(setups), len(shown_layers), figsize=(11, 9))
for row, (name, (init, activation)) in zip(axes, setups.items()):
    layers = activations_by_layer(init, activation)
    low, high = layers[0].min().item(), layers[0].max().item()
    for ax, k in zip(row, shown_layers):
        values = layers[k].clamp(low, high).numpy()
        ax.hist(values, bins=50, range=(low, high), color="C0")
        ax.set_yticks([])
        ax.set_xlabel(f"std {layers[k].std():.1e}", fontsize=8)
        ax.tick_params(labelsize=7)
        if row is axes[0]:
            ax.set_title(f"layer {k + 1}")
    row[0].set_ylabel(name, fontsize=9)
fig.suptitle("Activations after each layer, by initialization")
fig.tight_layout()
plt.show()

# %% [markdown]
# With small weights the distribution narrows at every layer, until at layer
# 10 a single bar at 0 is left. With large weights, tanh's values pile up at
# the two ends ±1 from the first layer on. Xavier with tanh and He with ReLU
# keep their shape and width through 10 layers, while `nn.Linear`'s default
# with ReLU narrows layer by layer.

# %% [markdown]
# ## Training a deep ReLU network from three initializations
#
# To see how the initialization shows in training, a ReLU network with 10
# hidden layers of width 64 learns the 8×8 digit images (70% for training)
# from three initializations: `nn.Linear`'s default, He initialization, and
# the too small $N(0, 0.01^2)$. It is trained with SGD (learning rate 0.01,
# momentum 0.9) and batches of 64 for 8 epochs, and the validation accuracies
# are compared.

# %%
train_set, val_set, _ = split(load_digits(flatten=True), (0.7, 0.15, 0.15), seed=0)
X_val, y_val = val_set.tensors


def deep_relu(init):
    torch.manual_seed(0)
    layers = [nn.Linear(64, 64), nn.ReLU()]
    for _ in range(9):
        layers += [nn.Linear(64, 64), nn.ReLU()]
    model = nn.Sequential(*layers, nn.Linear(64, 10))

    def init_linear(module):
        if isinstance(module, nn.Linear):
            init(module.weight)
            nn.init.zeros_(module.bias)

    if init is not None:
        model.apply(init_linear)
    return model


inits = {
    "default": None,
    "He": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "N(0, 0.01)": lambda w: nn.init.normal_(w, std=0.01),
}
histories = {}
for name, init in inits.items():
    model = deep_relu(init)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loader = DataLoader(train_set, batch_size=64, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    history = []
    for epoch in range(8):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            nn.CrossEntropyLoss()(model(xb), yb).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            history.append((model(X_val).argmax(dim=1) == y_val).float().mean().item())
    histories[name] = history
    print(f"{name:<11} validation accuracy by epoch:",
          " ".join(f"{a:.2f}" for a in history))

fig, ax = plt.subplots(figsize=(6, 3.4))
for name, history in histories.items():
    ax.plot(range(1, 9), history, "o-", label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("validation accuracy")
ax.set_title("A 10-hidden-layer ReLU network on digits")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The network started with He initialization learns from the first epoch on.
# Those started with `nn.Linear`'s default and with weights that are too small
# lose their activations and gradients across the 10 layers and, for 8 epochs,
# never get beyond the level of guessing (10%). Same data, same optimizer,
# same structure: only the initialization differed. A network of a few layers
# trains well enough from the default, so this difference is made by depth.

# %% [markdown]
# ## Summary
#
# - Layers put in a Python list are not in `parameters()` and are never
#   trained, without an error. Wrap them in `nn.ModuleList`, and count the
#   parameters to check.
# - With a large learning rate, ReLU units die within a few steps and do not
#   come back. LeakyReLU keeps a slope on the negative side.
# - The MSE line follows the outlier as far as it is moved; the MAE and Huber
#   lines soon stop.
# - Class weights widen the region of a rare class; label smoothing changes
#   the confidence more than the boundaries.
# - The initialization sets the distribution of the activations at every
#   layer, and in a deep network decides whether it trains at all.
