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
# # Hands-on: the math of deep learning
#
# This is the hands-on companion to lecture W2.2, "[The math of deep learning:
# gradient descent, softmax and cross-entropy, Monte Carlo](../lectures/w2-2-math.md)":
# you run what the lecture explains and see it in plots. It shows gradient descent
# stepping across the contour lines of a loss, measures the noise of minibatch
# gradients for each batch size, shows in a plot why log-sum-exp is needed, and
# trains softmax regression on the handwritten digits twice: once with a
# cross-entropy and a gradient descent written out by hand, gradient included,
# and once with `F.cross_entropy` and `torch.optim.SGD`, to see that both give
# the same result. Finally it reads the trained classifier's output as a
# probability distribution and estimates $\pi$ with the Monte Carlo method.
#
# Every output and plot on this page was produced by running the notebook when
# the site was built. All random numbers are drawn from fixed seeds. On another
# device or with other library versions the last digits can differ slightly.

# %% [markdown]
# ## Check the environment
#
# The first cell imports everything this notebook needs and prints the
# environment. Every computation here is small, so it all runs on the CPU. `F`
# is the conventional name for `torch.nn.functional`.

# %%
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Categorical
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.data import load_digits, split
from torchbasics.devices import environment_report

torch.manual_seed(0)
print(environment_report())

# %% [markdown]
# ## Gradient descent on a contour plot
#
# The loss is the lecture's $L(w) = (w_1 - 3)^2 + 5\,(w_2 + 1)^2$. Its minimum is
# at $(3, -1)$, and it is five times steeper along $w_2$ than along $w_1$.
# `loss_fn` takes a tensor whose last dimension holds $(w_1, w_2)$, so it works on
# one point and on the whole grid of the contour plot alike.
#
# `gradient_descent` repeats $w \leftarrow w - \eta\,\nabla L(w)$ and records the
# points it passes and their losses. It also records the step at which each of
# the lecture's two stopping rules first fires: the gradient norm falling below
# $10^{-3}$, and the change of the loss in one step falling below $10^{-3}$. It
# ends once both have fired; for the diverging learning rate 0.21 the number of
# steps is capped at 30.

# %%
def loss_fn(w):
    return (w[..., 0] - 3) ** 2 + 5 * (w[..., 1] + 1) ** 2


def gradient_descent(lr, tol=1e-3, max_steps=200):
    w = torch.tensor([0.0, 0.0], requires_grad=True)
    path, losses, stops = [w.detach().clone()], [], {}
    previous = float("inf")
    for step in range(max_steps):
        loss = loss_fn(w)
        loss.backward()
        losses.append(loss.item())
        if abs(previous - loss.item()) < tol:
            stops.setdefault("loss change", step)
        if w.grad.norm() < tol:
            stops.setdefault("gradient norm", step)
        if len(stops) == 2:
            break
        previous = loss.item()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad = None
        path.append(w.detach().clone())
    return torch.stack(path), losses, stops


runs = {lr: gradient_descent(lr) for lr in (0.05, 0.15, 0.19)}
runs[0.21] = gradient_descent(0.21, max_steps=30)
for lr, (path, losses, stops) in runs.items():
    stopped = ", ".join(f"{rule} after {n}" for rule, n in stops.items())
    print(f"lr {lr:<4}  last w ({path[-1, 0]:8.3f}, {path[-1, 1]:10.3g})"
          f"  stops: {stopped or 'none'}")

# %% [markdown]
# The left plot shows the steps on the contour lines. With learning rate 0.05
# the path creeps along $w_1$; with 0.19 it bounces across the valley along the
# steep $w_2$ direction on its way in. The right plot shows the loss at every
# step on a log scale, with a mark at the step where each stopping rule fired.
# The loss-change rule (circles) always fires before the gradient-norm rule
# (crosses), while the loss is still far above the minimum's loss of 0. With
# 0.21 the loss falls for two steps, while the $w_1$ part shrinks, and then grows
# without bound as the $w_2$ part takes over.

# %%
grid_1 = torch.linspace(-0.5, 4.5, 201)
grid_2 = torch.linspace(-2.5, 0.5, 201)
W1, W2 = torch.meshgrid(grid_1, grid_2, indexing="xy")
surface = loss_fn(torch.stack([W1, W2], dim=-1))

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
left.contour(W1, W2, surface, levels=[0.05, 0.25, 1, 2.5, 5, 10, 15, 25],
             colors="grey", linewidths=0.7)
for lr, (path, losses, stops) in runs.items():
    if lr < 0.2:
        left.plot(path[:, 0], path[:, 1], ".-", ms=4, lw=1, label=f"lr {lr}")
    (line,) = right.semilogy(losses, label=f"lr {lr}")
    for rule, marker in (("loss change", "o"), ("gradient norm", "x")):
        if rule in stops:
            right.plot(stops[rule], losses[stops[rule]], marker, color=line.get_color(),
                       ms=8, mfc="none")
left.plot([3], [-1], "k*", ms=10, label="minimum")
left.set(xlabel="w1", ylabel="w2", title="Gradient descent on L(w)")
left.legend(loc="lower right")
right.set(xlabel="step", ylabel="loss (log scale)",
          title="o: loss change < 1e-3   x: gradient norm < 1e-3")
right.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The noise of minibatch gradients
#
# Now the loss is a loss over training data. As in W1.2, the data is a linear
# regression with two features, but the noise added to the targets $y$ now has
# standard deviation 1, so that the per-sample gradients at the minimum, and
# hence the minibatch noise there, are large enough to see. With the residual
# $r_i = \hat y_i - y_i$, the per-sample gradient of the mean squared error is
# $g_i = 2 r_i\,(x_{i1}, x_{i2}, 1)$, and their mean is the full gradient.
#
# At the start of training, $w = 0$ and $b = 0$, the cell draws 1000 minibatches
# for every batch size $B$, measures the RMS error of their gradients and
# compares it with the lecture's formula
# $\sqrt{\frac{\sigma^2}{B}\cdot\frac{N-B}{N-1}}$.

# %%
N = 1000
X = torch.randn(N, 2)
y = X @ torch.tensor([[2.0], [-3.4]]) + 4.2 + torch.randn(N, 1)  # noise std 1
features = torch.cat([X, torch.ones(N, 1)], dim=1)  # (N, 3): x1, x2 and 1 for b


def per_sample_gradients(theta):  # theta = (w1, w2, b)
    residuals = features @ theta - y[:, 0]  # (N,)
    return 2 * residuals[:, None] * features  # (N, 3)


grads = per_sample_gradients(torch.zeros(3))
full = grads.mean(dim=0)
sigma2 = ((grads - full) ** 2).sum(dim=1).mean()
generator = torch.Generator().manual_seed(0)
batch_sizes = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
measured, predicted = [], []
for B in batch_sizes:
    picks = torch.rand(1000, N, generator=generator).argsort(dim=1)[:, :B]
    errors = (grads[picks].mean(dim=1) - full).norm(dim=1)
    measured.append(errors.pow(2).mean().sqrt().item())
    predicted.append(math.sqrt(sigma2 / B * (N - B) / (N - 1)))
for B, m, p in zip(batch_sizes, measured, predicted):
    print(f"B {B:4d}  measured RMS {m:6.2f}  predicted {p:6.2f}")

# %% [markdown]
# The size of the noise does not tell the whole story; here is the difference
# it makes in real training. The next cell trains linear regression on
# the same data with `torch.optim.SGD` at learning rate 0.05 for 60 steps with
# batch sizes 4, 32 and 1000. Batch size 1000 is the whole data set, so that run
# is gradient descent. The vertical axis of the right plot is, at every step, how
# much the loss over all the data exceeds the loss of the least-squares solution:
# the excess loss, on a log scale. The least-squares solution comes from
# `torch.linalg.lstsq`.
#
# At first the three batch sizes go down at about the same pace: while the
# gradient is large, its direction stands out from the noise. In this stretch,
# batch size 4, whose step costs 250 times less, is far more economical: in 60
# steps, batch size 4 has processed 240 samples and batch size 1000 has
# processed 60000. With steps on the horizontal axis, as here, the less noisy
# large batch always leads; counted in samples processed, the small batch does.
# Near the minimum
# the gradient becomes small but the minibatch noise stays, so with a small batch
# the excess loss stops going down at some level and jitters there. Lowering the
# learning rate lowers that level too; that is what a learning-rate scheduler
# does.

# %%
best, *_ = torch.linalg.lstsq(features, y)
best_loss = F.mse_loss(features @ best, y).item()
dataset = TensorDataset(features, y)
curves = {}
for B in (4, 32, N):
    torch.manual_seed(1)
    model = nn.Linear(3, 1, bias=False)  # the 1s column of features plays b
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    loader = DataLoader(dataset, batch_size=B, shuffle=True)
    excess = []
    while len(excess) < 60:
        for xb, yb in loader:
            optimizer.zero_grad()
            F.mse_loss(model(xb), yb).backward()
            optimizer.step()
            with torch.no_grad():
                excess.append(F.mse_loss(model(features), y).item() - best_loss)
            if len(excess) == 60:
                break
    curves[B] = excess
    print(f"B {B:4d}: excess loss after 60 steps {excess[-1]:.2e}")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
left.loglog(batch_sizes, measured, "o", label="measured (1000 minibatches)")
left.loglog(batch_sizes, predicted, "-", label="sigma / sqrt(B) * sqrt((N-B)/(N-1))")
left.set(xlabel="batch size B", ylabel="RMS error of the gradient",
         title="Minibatch gradient noise")
left.legend()
for B, excess in curves.items():
    right.semilogy(range(1, 61), excess, label=f"B = {B}")
right.set(xlabel="step", ylabel="loss - least-squares loss (log scale)",
          title="SGD with lr 0.05")
right.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Why log-sum-exp is needed
#
# The log-probability of the first class of the logits $s \cdot (1, 0.5, 0)$ is
# computed two ways while $s$ grows. `naive` is the formula as written,
# $z_k - \log \sum_j e^{z_j}$; `stable` is the lecture's method, which subtracts
# the largest logit first. As the logits spread apart, the first class's
# probability approaches 1, so its log-probability should approach 0. `naive`
# stops giving finite values from the moment $e^{s}$ exceeds the range of
# `float32`.

# %%
def log_softmax_naive(z):
    return z - torch.log(torch.exp(z).sum(dim=-1, keepdim=True))


def log_softmax_stable(z):
    shifted = z - z.max(dim=-1, keepdim=True).values
    return shifted - torch.log(torch.exp(shifted).sum(dim=-1, keepdim=True))


scales = torch.linspace(1, 150, 150)
z = scales[:, None] * torch.tensor([1.0, 0.5, 0.0])  # (150, 3)
naive = log_softmax_naive(z)[:, 0]
stable = log_softmax_stable(z)[:, 0]
first_bad = scales[~torch.isfinite(naive)][0].item()
print(f"naive log-softmax first fails at s = {first_bad:.0f}: {naive[int(first_bad) - 1]}")
print("stable equals F.log_softmax:",
      torch.allclose(stable, F.log_softmax(z, dim=-1)[:, 0], atol=1e-6))

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(scales, stable, lw=3, alpha=0.5, label="stable (max subtracted)")
ax.plot(scales, naive, "--", label="naive")
ax.axvline(math.log(torch.finfo(torch.float32).max), color="grey", lw=0.8)
ax.set(xlabel="s (logits = s * [1, 0.5, 0])", ylabel="log p(class 0)",
       title="The naive formula breaks where exp(s) overflows")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The grey vertical line is the log of the largest `float32` number, where
# $e^{s}$ starts to overflow. To its right the `naive` line disappears.
#
# ## Softmax regression: trained by hand and by PyTorch
#
# `load_digits` holds 1797 images of 8×8 pixels with labels 0 to 9.
# `flatten=True` gives each image as a vector of 64 pixels; 80% of them train,
# 20% test. The model is softmax regression: logits $z = W x + b$ with no hidden
# layer, that is, logistic regression with more than two classes.
#
# It is trained twice from the same starting point:
#
# - **ours**: the cross-entropy is computed with the stable log-softmax, and the
#   gradient comes from the lecture's formula, without autograd. Stack the
#   samples as rows: the inputs $X$ (1437×64), the probabilities $P$ (1437×10)
#   and the one-hot vectors $Q$ (1437×10). The logits are
#   $z_{i,k} = \sum_j W_{k,j} x_{i,j} + b_k$, so by the chain rule
#   $\partial \mathcal{L}/\partial W_{k,j} = \frac{1}{N}\sum_i (p_{i,k} - q_{i,k})\, x_{i,j}$,
#   which as a matrix is $(P - Q)^\top X / N$. The input that multiplies $b_k$ is
#   1, so the gradient of $b$ is the column sums of $P - Q$ divided by $N$. The
#   update $W \leftarrow W - \eta\, \nabla_W \mathcal{L}$ is written out as well.
# - **PyTorch**: `nn.Linear`, `F.cross_entropy`, `loss.backward()` and
#   `torch.optim.SGD`.
#
# Both runs take 200 steps of gradient descent over all the data with learning
# rate 1.0.

# %%
train, test = split(load_digits(flatten=True), (0.8, 0.2), seed=0)
X_train, y_train = train.tensors  # (1437, 64), (1437,)
X_test, y_test = test.tensors
num_classes = 10
lr, num_steps = 1.0, 200

torch.manual_seed(0)
reference = nn.Linear(64, num_classes)
W = reference.weight.detach().clone()  # ours starts where PyTorch's starts
b = reference.bias.detach().clone()
optimizer = torch.optim.SGD(reference.parameters(), lr=lr)
Q = F.one_hot(y_train, num_classes).float()  # (1437, 10) one-hot targets
history = {"ours": [], "PyTorch": []}
for step in range(num_steps):
    # ours: forward, cross-entropy and gradient written out
    log_p = log_softmax_stable(X_train @ W.T + b)  # (1437, 10)
    history["ours"].append(-(Q * log_p).sum(dim=1).mean().item())
    grad_logits = (log_p.exp() - Q) / len(X_train)  # (p - q) / N
    W -= lr * grad_logits.T @ X_train
    b -= lr * grad_logits.sum(dim=0)
    # PyTorch: autograd and torch.optim.SGD
    optimizer.zero_grad()
    loss = F.cross_entropy(reference(X_train), y_train)
    loss.backward()
    optimizer.step()
    history["PyTorch"].append(loss.item())

print(f"final training loss: ours {history['ours'][-1]:.4f}"
      f"  PyTorch {history['PyTorch'][-1]:.4f}")
print("same weights:", torch.allclose(W, reference.weight, atol=1e-5),
      "| same bias:", torch.allclose(b, reference.bias, atol=1e-5))
with torch.no_grad():
    test_logits = X_test @ W.T + b
test_accuracy = (test_logits.argmax(dim=1) == y_test).float().mean().item()
print(f"test accuracy {test_accuracy:.3f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(history["ours"], lw=3, alpha=0.5, label="ours: hand-written gradient")
ax.plot(history["PyTorch"], "--", label="F.cross_entropy + torch.optim.SGD")
ax.set_yscale("log")
ax.set(xlabel="step", ylabel="training cross-entropy (log scale)",
       title="Softmax regression on the digits")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The two curves lie on top of each other and the weights are the same: what
# `F.cross_entropy` and `torch.optim.SGD` compute is exactly the formulas derived
# in the lecture.
#
# ## A classifier's output is a distribution
#
# For every test image the model gives a categorical distribution over 10
# classes. Built with `Categorical(logits=...)`, it has the probabilities
# (`probs`) and the entropy (`entropy()`) at hand. The entropy is the
# cross-entropy of the distribution $p$ with itself, $-\sum_k p_k \log p_k$.
# Spread evenly, $p_k = 1/10$, it is $-\sum_k \tfrac{1}{10}\log\tfrac{1}{10} = \log 10$,
# its largest value; concentrated on one class, it is close to 0. The cell below draws the two images with the smallest entropy, the
# ones the model is surest about, and the two with the largest, each with its
# distribution.
#
# When the model answers with the `argmax`, the probability it gives itself of
# being right is its largest probability, so the mean of that is the accuracy the
# model expects. The output compares it with the real test accuracy. The two need
# not agree. How well a model's probabilities match how often it is actually
# right is called calibration. The test data is used here only to show it; to
# take the probabilities at face value, check them on validation data, used
# neither for training nor for testing.

# %%
dist = Categorical(logits=test_logits)
entropy = dist.entropy()
confidence = dist.probs.max(dim=1).values
print(f"mean confidence (expected accuracy) {confidence.mean():.3f}"
      f"  test accuracy {test_accuracy:.3f}")
print(f"entropy: min {entropy.min():.3f}, max {entropy.max():.3f},"
      f" log(10) = {math.log(10):.3f}")

order = entropy.argsort()
chosen = [*order[:2].tolist(), *order[-2:].tolist()]
fig, axes = plt.subplots(2, 4, figsize=(11, 4.5),
                         gridspec_kw={"height_ratios": [1.2, 1]})
for column, i in enumerate(chosen):
    axes[0, column].imshow(X_test[i].reshape(8, 8), cmap="gray_r")
    axes[0, column].set_title(f"true {y_test[i].item()}, entropy {entropy[i]:.2f}")
    axes[0, column].axis("off")
    axes[1, column].bar(range(num_classes), dist.probs[i])
    axes[1, column].set(xticks=range(num_classes), ylim=(0, 1), xlabel="class")
axes[1, 0].set_ylabel("probability")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Estimating π with Monte Carlo
#
# Draw a point $(U_1, U_2)$ uniformly from the unit square $[0, 1]^2$: the
# square's area is 1, so the probability that the point lands inside the
# quarter circle of radius 1 is the quarter circle's area, $\pi/4$. So the value
# $f$ that is 1 inside the quarter circle and 0 outside has expectation $\pi/4$,
# and 4 times its sample mean estimates $\pi$. Since $f$ is 0 or 1, $f^2 = f$,
# so its variance is $\mathbb{E}[f^2] - (\mathbb{E}f)^2 = p - p^2$ and its
# standard deviation $\sigma = \sqrt{p(1-p)}$, with $p = \pi/4$. The estimate is
# 4 times a sample mean, so its standard error is 4 times as large too:
# $4\sigma/\sqrt{n}$.
#
# For every number of points $n$ the cell repeats the estimate 100 times, measures
# the RMS of the error, and fits a least-squares line to the points of the
# log-log plot to get its slope. If
# the error shrinks as $1/\sqrt{n}$, the slope is $-1/2$.

# %%
generator = torch.Generator().manual_seed(0)
points = torch.rand(2000, 2, generator=generator)
inside = (points ** 2).sum(dim=1) <= 1
print(f"2000 points: pi is about {4 * inside.float().mean():.3f}")

sizes = [10, 100, 1_000, 10_000, 100_000]
rms = []
for n in sizes:
    u = torch.rand(100, n, 2, generator=generator)  # 100 estimates of n points
    estimates = 4 * ((u ** 2).sum(dim=-1) <= 1).float().mean(dim=1)
    rms.append((estimates - math.pi).pow(2).mean().sqrt().item())
p = math.pi / 4
theory = [4 * math.sqrt(p * (1 - p) / n) for n in sizes]
slope = torch.linalg.lstsq(
    torch.tensor([[math.log(n), 1.0] for n in sizes]),
    torch.tensor([[math.log(e)] for e in rms]),
).solution[0].item()
for n, e, t in zip(sizes, rms, theory):
    print(f"n {n:6d}  RMS error {e:.4f}  4 sigma / sqrt(n) {t:.4f}")
print(f"slope of log(error) against log(n): {slope:.2f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5))
left.scatter(*points[inside].T, s=3, label="inside")
left.scatter(*points[~inside].T, s=3, label="outside")
left.set(aspect="equal", title="2000 random points", xlabel="u1", ylabel="u2")
left.legend(loc="lower left", markerscale=4)
right.loglog(sizes, rms, "o", label="RMS error of 100 estimates")
right.loglog(sizes, theory, "-", label="4 sigma / sqrt(n)")
right.set(xlabel="number of points n", ylabel="error", title="Monte Carlo error")
right.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# Every time the number of points grows 100 times, the error shrinks to about a
# tenth, and the fitted line's slope comes out close to $-1/2$: the same
# $\sigma/\sqrt{n}$ law as in the lecture's integral.
#
# ## Summary
#
# - The steepest direction caps gradient descent's learning rate. On this loss
#   the loss-change rule stopped before the gradient-norm rule, before reaching
#   the minimum.
# - The noise of a minibatch gradient shrinks with the square root of the batch
#   size, and SGD with a fixed learning rate jitters near the minimum because of
#   that noise.
# - The log-softmax must be computed with the largest logit subtracted, or it
#   overflows. Never take the log of a softmax afterwards: use `F.log_softmax`.
# - Gradient descent written by hand, with the cross-entropy and its gradient
#   $(p - q)/N$, arrives at the same weights as training with `F.cross_entropy`
#   and `torch.optim.SGD`.
# - A classifier's output is a categorical distribution; its entropy and its
#   largest probability tell how sure the model is.
# - The error of a Monte Carlo estimate shrinks as $1/\sqrt{n}$.
#
# The concepts and the exercises are in lecture
# [W2.2 The math of deep learning](../lectures/w2-2-math.md).
