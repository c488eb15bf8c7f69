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
# # Lab: autograd
#
# This lab runs the content of lecture 2.3, "[Autograd: the graph, backward,
# gradcheck and custom Functions](../lectures/w2-3-autograd.md)", and shows it
# in plots. It first reads the computation graphs of linear regression and of
# the 2 → 4 → 1 network from their `grad_fn` and draws them. It then checks the
# linear-regression loss on the diabetes data with `gradcheck`, and shows how
# the error of a finite difference changes with the step `h` and the type.
# Finally it trains the same linear regression with an update written by hand
# inside `torch.no_grad()` and with `torch.optim.SGD`, and checks with
# `torch.equal` that the parameters agree bit for bit at every epoch.
#
# The outputs and plots on this page come from actually running the notebook
# when the site is built. Most outputs are the same on any computer; where an
# output depends on the CPU of the machine that built the site, the text of
# that cell says so.

# %% [markdown]
# ## The environment
#
# The first cell imports everything the notebook needs and prints the
# environment. This lab computes everything on the CPU: the data are too small
# for a GPU to be faster, and the bitwise comparison of the last section is
# about the CPU implementation of `torch.optim.SGD` (for the GPU, see the
# [lecture](../lectures/w2-3-autograd.md#hand-update-vs-sgd)). The CPU
# capability on the last line is the level of vector instructions PyTorch
# chose for this CPU. On x86, the `AVX2`/`AVX512` kernels use fused
# multiply-add (FMA) and the `DEFAULT` ones do not; on ARM (Apple silicon,
# Graviton) the NEON kernels use FMA even though the capability reads
# `DEFAULT`. The last section needs this value.

# %%
import warnings
from collections import OrderedDict

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.autograd import gradcheck

from torchbasics.data import load_diabetes, make_two_classes, split
from torchbasics.devices import environment_report

torch.manual_seed(0)
print(environment_report())
print("CPU capability:", torch.backends.cpu.get_cpu_capability())

# %% [markdown]
# ## The data
#
# Linear regression uses the diabetes data of [lecture
# 1.2](../lectures/w1-2-linear-regression.md#diabetes), split the same way: 10
# features of 442 patients predict how far the disease has progressed a year
# later, standardised with the mean and standard deviation of the training
# part. This lab uses only the training part. The network uses the two moons
# of [lecture 1.3](../lectures/w1-3-binary-classification.md#the-lab-network).

# %%
train_set, _, _ = split(
    load_diabetes(), (0.7, 0.15, 0.15), seed=0, standardize=True
)
X_train, y_train = train_set.tensors
X_moons, y_moons = make_two_classes(200, seed=0).tensors
print("diabetes, training part:", tuple(X_train.shape), tuple(y_train.shape))
print("two moons:", tuple(X_moons.shape), tuple(y_moons.shape))

# %% [markdown]
# ## Drawing the computation graph
#
# Starting from the loss's `grad_fn` and following `next_functions` finds
# every node of the graph. `graph_of` returns, for each node found, how many
# steps it lies from the loss along the longest path (`depth`) and the arrows
# between nodes (`edges`); `draw_graph` draws the nodes of equal depth on one
# row. The arrows point the way `backward()` passes gradients. Orange boxes
# are `AccumulateGrad` nodes, which add the gradient to the `.grad` of a leaf
# tensor; each box names its parameter.
#
# Both models consist of a loss function and `nn.Linear` layers. For a 2-D
# input, `nn.Linear` does the matrix product and the bias addition as one
# operation (`addmm`), hence a single `AddmmBackward0` node, and the weight
# enters transposed (`weight.T`), hence one more node, `TBackward0`. The input
# data `X` need no gradient, so they do not appear in the graph.

# %%
def graph_of(loss):
    """Each node of loss's graph with its distance from the loss, and the arrows."""
    depth, edges, order = {loss.grad_fn: 0}, [], [loss.grad_fn]
    for node in order:  # order grows while we walk it: breadth first
        for child, _ in node.next_functions:
            if child is None:  # an input that needs no gradient
                continue
            edges.append((node, child))
            if child not in depth:
                depth[child] = depth[node] + 1
                order.append(child)
    changed = True
    while changed:  # a node sits one row below its lowest parent
        changed = False
        for parent, child in edges:
            if depth[child] < depth[parent] + 1:
                depth[child] = depth[parent] + 1
                changed = True
    return depth, edges


def label_of(node, names):
    if hasattr(node, "variable"):  # AccumulateGrad holds its leaf
        return "AccumulateGrad\n" + names[id(node.variable)]
    return type(node).__name__


def draw_graph(ax, loss, names, title):
    depth, edges = graph_of(loss)
    rows = {}
    for node, d in depth.items():
        rows.setdefault(d, []).append(node)
    where = {}
    for d, nodes in rows.items():
        for k, node in enumerate(nodes):
            where[node] = ((k + 1) / (len(nodes) + 1), -d)
    boxes = {}
    for node, (x, y) in where.items():
        leaf = hasattr(node, "variable")
        boxes[node] = ax.text(
            x, y, label_of(node, names), ha="center", va="center",
            fontsize=8, bbox={"boxstyle": "round",
                              "fc": "#ffcc80" if leaf else "#bbdefb"},
        )
    for parent, child in edges:  # arrows end at the edges of the boxes
        ax.annotate(
            "", xy=where[child], xytext=where[parent],
            arrowprops={"arrowstyle": "-|>", "color": "gray",
                        "patchA": boxes[parent].get_bbox_patch(),
                        "patchB": boxes[child].get_bbox_patch()},
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(-max(rows) - 0.5, 0.5)
    ax.set_title(title)
    ax.axis("off")


torch.manual_seed(0)
linear = nn.Linear(10, 1)
mlp = nn.Sequential(OrderedDict(
    fc1=nn.Linear(2, 4), relu=nn.ReLU(), fc2=nn.Linear(4, 1)
))
losses = {
    "linear regression, MSELoss": (
        nn.MSELoss()(linear(X_train), y_train), linear),
    "2 -> 4 -> 1 network, BCEWithLogitsLoss": (
        nn.BCEWithLogitsLoss()(mlp(X_moons), y_moons), mlp),
}
fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
for ax, (title, (loss, model)) in zip(axes, losses.items()):
    names = {id(p): name for name, p in model.named_parameters()}
    draw_graph(ax, loss, names, title)
    depth, edges = graph_of(loss)
    print(f"{title}: {len(depth)} nodes")
    for parent, child in edges:
        print(f"    {label_of(parent, names)} -> "
              + label_of(child, names).replace("\n", " "))
fig.tight_layout()
plt.show()

# %% [markdown]
# Read bottom-up, the graph on the right is the order of the forward pass: the
# weight and bias of `fc1` meet in `AddmmBackward0`, pass `ReluBackward0`, meet
# the parameters of `fc2` in another `AddmmBackward0`, and become the loss.
# `backward()` passes gradients top-down, along the arrows. What the lecture's
# [hand computation](../lectures/w2-3-autograd.md#chain-rule-by-hand) did line
# by line is exactly the `backward` of these nodes.

# %% [markdown]
# ## Checking with gradcheck
#
# The mean squared error of linear regression, `mean((X @ w.T + b - y) ** 2)`,
# is a function of the weight `w` and the bias `b`. `gradcheck` builds the
# Jacobian matrix of this function once by finite differences and once by
# backpropagation, and compares them. Finite differences need double
# precision, so the data and the parameters are converted to `float64`. The
# `True` in the output means that the gradients of all 11 parameters agree
# within the tolerances. The cell also checks the same function in `float32`.
# Called with `raise_exception=False`, `gradcheck` returns `True` or `False`
# instead of raising, and it warns about `float32` inputs; the last line of
# the output is the first sentence of that warning.

# %%
X64, y64 = X_train.double(), y_train.double()


def mse_of(w, b):
    return ((X64 @ w.T + b - y64) ** 2).mean()


w64 = linear.weight.detach().double().requires_grad_()
b64 = linear.bias.detach().double().requires_grad_()
print("gradcheck in float64:", gradcheck(mse_of, (w64, b64)))

w32 = linear.weight.detach().clone().requires_grad_()
b32 = linear.bias.detach().clone().requires_grad_()


def mse32_of(w, b):
    return ((X_train @ w.T + b - y_train) ** 2).mean()


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    result = gradcheck(mse32_of, (w32, b32), raise_exception=False)
print("gradcheck in float32:", result)
print("its warning:", str(caught[0].message).split(". ")[0])

# %% [markdown]
# ## The error of a finite difference, and the type
#
# Here is why `float32` failed, in a figure. The function is the sigmoid
# (`torch.sigmoid`); its derivative `σ'(x) = σ(x)(1 - σ(x))`, computed in
# `float64`, serves as the exact answer. At 100 points the cell computes the
# central difference `(σ(x + h) - σ(x - h)) / (2h)` and plots the median
# relative error against `h`. The loss of linear regression is quadratic, so
# its central difference is exact (up to rounding); a curved function shows
# both sources of error.
#
# On the right of the figure, the error shrinks like `h²` as `h` shrinks (a
# straight line with slope 2 on the log-log plot). On the left, the error
# grows like `1/h` as `h` shrinks: `σ(x + h)` and `σ(x - h)` are nearly equal,
# so subtracting them leaves a rounding error of the size of the type's
# precision `eps`, which the division by `2h` magnifies. The best `h` is where
# the two errors meet, in theory near the cube root of `eps`; compare the cube
# roots printed below with the minima in the figure. The dotted line is
# `gradcheck`'s default step (its argument `eps`), `1e-6`: a step `h`, not the
# precision `eps` of the type. In `float64` the error there is small; in
# `float32` it lies on the left, where rounding dominates, beyond the
# tolerances.

# %%
def sigmoid_slope_error(dtype, h_values):
    x = torch.linspace(-3, 3, 100, dtype=torch.float64)
    s = torch.sigmoid(x)
    exact = s * (1 - s)  # float64
    xd = x.to(dtype)
    errors = []
    for h in h_values:
        central = (torch.sigmoid(xd + h) - torch.sigmoid(xd - h)) / (2 * h)
        relative = (central.double() - exact).abs() / exact
        errors.append(relative.median().item())
    return errors


h_values = torch.logspace(-12, 0, 49, dtype=torch.float64).tolist()
fig, ax = plt.subplots(figsize=(6.5, 4))
for dtype in (torch.float32, torch.float64):
    eps = torch.finfo(dtype).eps
    print(f"{str(dtype):<13} eps {eps:.2e}   eps ** (1/3) {eps ** (1 / 3):.1e}")
    errors = [max(e, 1e-17) for e in sigmoid_slope_error(dtype, h_values)]
    ax.loglog(h_values, errors, "o-", markersize=3, label=str(dtype))
ax.axvline(1e-6, color="gray", linestyle=":", label="gradcheck's eps = 1e-6")
ax.set_xlabel("step h")
ax.set_ylabel("median relative error of the central difference")
ax.set_title("Central differences of sigmoid: truncation vs rounding")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Gradient descent by hand and torch.optim.SGD
#
# Now train linear regression with full-batch gradient descent for 300 epochs.
# `train` writes the training loop once and takes only the update, as the
# argument `make_step`: `make_step(params, lr)` returns a function `step` that
# performs one update each time it is called.
# All gradients come from autograd, and every epoch records the loss and all
# parameters (10 weights and the bias). Each model is built with the same
# seed, so every run starts from the same point.
#
# - `sgd`: the `step` of `torch.optim.SGD(params, lr=lr)`.
# - `sgd_foreach`: `SGD` with `foreach=True`, which picks the implementation
#   that updates many tensors at once.
# - `add_by_hand`: `p.add_(p.grad, alpha=-lr)` per parameter inside
#   `torch.no_grad()`: the very line `SGD` runs on the CPU.
# - `minus_by_hand`: `p -= lr * p.grad` inside `torch.no_grad()`: the same
#   update, mathematically.

# %%
def train(make_step, num_epochs=300, lr=0.1):
    torch.manual_seed(0)
    model = nn.Linear(10, 1)
    params = list(model.parameters())
    step = make_step(params, lr)
    losses, snapshots = [], []
    for epoch in range(num_epochs):
        for p in params:
            p.grad = None  # what optimizer.zero_grad() does
        loss = nn.functional.mse_loss(model(X_train), y_train)
        loss.backward()
        step()
        losses.append(loss.item())
        snapshots.append(torch.cat([p.detach().flatten() for p in params]))
    return losses, torch.stack(snapshots)  # (num_epochs,), (num_epochs, 11)


def sgd(params, lr):
    return torch.optim.SGD(params, lr=lr).step


def sgd_foreach(params, lr):
    return torch.optim.SGD(params, lr=lr, foreach=True).step


def add_by_hand(params, lr):
    def step():
        with torch.no_grad():  # the update must not be recorded
            for p in params:
                p.add_(p.grad, alpha=-lr)  # the line SGD runs on the CPU
    return step


def minus_by_hand(params, lr):
    def step():
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad  # rounds lr * p.grad, then subtracts
    return step


runs = {f.__name__: train(f) for f in
        (sgd, sgd_foreach, add_by_hand, minus_by_hand)}
sgd_losses, sgd_params = runs["sgd"]
print(f"{'update':<14} {'final loss':>10}  {'bit for bit at every epoch':>26}")
for name in ("sgd_foreach", "add_by_hand"):
    losses, params = runs[name]
    bitwise = all(torch.equal(a, b) for a, b in zip(params, sgd_params))
    print(f"{name:<14} {losses[-1]:>10.1f}  {bitwise!s:>26}")
print(f"{'sgd':<14} {sgd_losses[-1]:>10.1f}")

# %% [markdown] `add_by_hand` agrees with `SGD` on all 11 parameters, bit for
# bit, for all 300 epochs. Same kernel, same inputs: no surprise, but also
# evidence that, while the loop itself computes and clears the gradients,
# `optimizer.step()` really does nothing inside `no_grad` but this one line.
# `foreach=True` is the same on the CPU too: the CPU has no dedicated foreach
# kernel, so it calls the same `add_` tensor by tensor. On a GPU there is a
# dedicated foreach kernel, so do not read this result as a statement about
# GPUs.
#
# In the figure, lines are `SGD` and dots are `add_by_hand`, one dot every 10
# epochs; every dot lies on its line. The left panel shows, on a log scale,
# how far each epoch's loss is above the lowest loss that can be reached. That
# lowest loss comes from solving the least-squares problem directly with
# `torch.linalg.lstsq` in `float64`; the first line of the output is its
# value. The right panel shows the paths of the 10 weights. The loss falls
# almost all the way within the first few dozen epochs, yet some weights are
# still moving after 300. As [lecture
# 1.2](../lectures/w1-2-linear-regression.md#diabetes) explained, some
# features are strongly correlated, so the loss has a long, narrow valley, and
# gradient descent moves along it very slowly.

# %%
A = torch.cat([X64, torch.ones(len(X64), 1, dtype=torch.float64)], dim=1)
solution = torch.linalg.lstsq(A, y64).solution  # least squares: the minimum
best = ((A @ solution - y64) ** 2).mean().item()
print(f"lowest training MSE (least squares): {best:.1f}")

hand_losses, hand_params = runs["add_by_hand"]
epochs = torch.arange(1, len(sgd_losses) + 1)
marks = slice(0, None, 10)
fig, (ax_loss, ax_w) = plt.subplots(1, 2, figsize=(11, 4))
ax_loss.plot(epochs, [v - best for v in sgd_losses], label="torch.optim.SGD")
ax_loss.plot(epochs[marks], [v - best for v in hand_losses[marks]], "o",
             markersize=4, label="p.add_(p.grad, alpha=-lr) by hand")
ax_loss.set_yscale("log")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("training MSE minus the lowest (log scale)")
ax_loss.legend()
for i in range(10):
    line, = ax_w.plot(epochs, sgd_params[:, i], linewidth=1)
    ax_w.plot(epochs[marks], hand_params[marks, i], "o", markersize=2.5,
              color=line.get_color())
ax_w.set_xlabel("epoch")
ax_w.set_title("the 10 weights: SGD (lines), by hand (dots)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## p -= lr * p.grad depends on the CPU
#
# The output of this section **depends on the CPU of the machine that built the
# site.** `minus_by_hand` is the same update mathematically, so it always
# agrees with `SGD` within rounding; the first line of the output checks that,
# with a tolerance proportional to the size of the parameters. But it rounds
# `lr * p.grad` to `float32` first and rounds again when subtracting, so on a
# CPU where `add_` is computed with FMA, which rounds once (on x86 a CPU
# capability of `AVX2` or `AVX512` in the first cell; ARM CPUs too), the last
# bit can differ, and once a bit differs, it carries on to the next epochs. At
# the `DEFAULT` level on x86 the two computations round the same way and may
# agree bit for bit.
#
# The second part looks at one update on its own: 1000 pairs of random
# parameters and gradients of similar size, updated once each way, and the
# number of elements whose bits differ.

# %%
minus_losses, minus_params = runs["minus_by_hand"]
scale = sgd_params.abs().max()
close = torch.allclose(minus_params, sgd_params, rtol=0, atol=1e-6 * scale)
print("minus_by_hand equals SGD within 1e-6 of the largest parameter:", close)
first = next((e for e, (a, b) in enumerate(zip(minus_params, sgd_params), 1)
              if not torch.equal(a, b)), None)
print("CPU capability:", torch.backends.cpu.get_cpu_capability())
print("first epoch where minus_by_hand differs from SGD bitwise:", first)

generator = torch.Generator().manual_seed(0)
p = torch.randn(1000, generator=generator)
grad = torch.randn(1000, generator=generator)
fused = p.clone().add_(grad, alpha=-0.1)
rounded_twice = p.clone()
rounded_twice -= 0.1 * grad
differ = (fused != rounded_twice).sum().item()
print(f"one update of 1000 values: {differ} differ in the last bit;"
      f" largest gap {(fused - rounded_twice).abs().max().item():.1e}")

# %% [markdown]
# Check the values the build machine produced in the output above. Where
# elements differ, the difference is about one unit in the last place of a
# `float32`. That is not enough to change what is learned. But to show "the
# same as `SGD`" with `torch.equal`, the update must be written as the
# operation `SGD` uses: `p.add_(p.grad, alpha=-lr)`.

# %% [markdown]
# ## Summary
#
# - Following `next_functions` from the loss's `grad_fn` reveals the whole
#   computation graph. At the leaf end sits `AccumulateGrad`, which adds to
#   `.grad`.
# - `gradcheck` compares gradients with finite differences in `float64`. The
#   error of a central difference goes like `h²` for large `h` and like
#   `eps / h` for small `h`, so in `float32` the rounding error at
#   `gradcheck`'s default step is far too large.
# - `p.add_(p.grad, alpha=-lr)` inside `torch.no_grad()` agrees with
#   `torch.optim.SGD` on the CPU bit for bit at every epoch.
#   `p -= lr * p.grad` agrees only within rounding; whether it agrees bit for
#   bit depends on the CPU.
#
# The lecture [2.3 Autograd](../lectures/w2-3-autograd.md) explains each
# concept in detail and has exercises.
