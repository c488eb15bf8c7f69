# ---
# jupyter:
#   description: >-
#     A tutorial with no lecture of its own: picking a device, making and
#     splitting data, models, accuracy and plots, using each module of
#     torchbasics once from start to finish.
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A tour of torchbasics
#
# The code of this course leans on a small library, `torchbasics`. This
# tutorial is a tour of it from start to finish: pick a device
# (`torchbasics.devices`), make and split data (`torchbasics.data`), build
# models (`torchbasics.models`), measure accuracy (`torchbasics.metrics`) and
# look at the results (`torchbasics.plotting`). Each of the four functions in
# `torchbasics.plotting` gets used on something this notebook actually
# computes.
#
# Every output and plot on this page was produced by running the notebook when
# the site was built. The code runs unchanged on a machine without a GPU and
# finishes quickly on a CPU. On another device or with other library versions,
# the last digits of the losses and accuracies may come out slightly different.

# %% [markdown]
# ## Check the environment
#
# The first cell imports everything the notebook needs and then describes the
# machine. `environment_report()` lists the torch and Python versions and the
# devices PyTorch can use, one fact per line. `get_device()` picks the best
# device this machine has: a CUDA GPU first, then Apple's MPS, then the CPU.
# The notebook never writes the string `"cuda"`; it always goes through the
# `device` variable, so the same code runs on any of them. Devices are
# explained in lecture [W1.1 Tensors, NumPy and the
# GPU](../lectures/w1-1-tensors.md).
#
# The functions in `torchbasics.plotting` never call `plt.show()`; they return
# a matplotlib `Figure`. Jupyter displays the value of a cell's last
# expression, and these figures display themselves as PNG images, so every
# plotting cell ends with the call that makes the figure. Keep the figure in a
# variable instead and you can save it with `fig.savefig("history.png")`.

# %%
import torch
from torch import nn
from torch.utils.data import DataLoader

from torchbasics.data import load_digits, make_two_classes, split
from torchbasics.devices import environment_report, get_device, to_device
from torchbasics.metrics import accuracy, predict_labels
from torchbasics.models import MLP, SmallCNN
from torchbasics.plotting import (
    plot_activations,
    plot_decision_boundary,
    plot_history,
    plot_image_grid,
)

torch.manual_seed(0)
print(environment_report())
device = get_device()
print(f"\nthis notebook computes on: {device}")

# %% [markdown]
# ## Activation functions and their derivatives
#
# An activation function is the non-linear function placed between the linear
# layers of a network. Without one, any stack of linear layers collapses into a
# single linear function, which can only draw straight boundaries.
#
# Called with no arguments, `plot_activations()` draws eight common activation
# functions. The solid line is the function `f(x)`, the dashed line its
# derivative `f'(x)`. The derivatives are not formulas typed in by hand: they
# are computed with autograd.

# %%
plot_activations()

# %% [markdown]
# Training changes the weights along the gradient that backpropagation
# computes. By the chain rule, backpropagation multiplies by the derivative of
# each layer's activation function as it passes that layer on its way from the
# output back to the input. How large those derivatives are therefore decides
# whether a useful gradient still reaches the early layers.
#
# - **sigmoid**: its derivative is σ'(x) = σ(x)(1 − σ(x)). Since σ(x) lies
#   between 0 and 1, this product is largest where σ(x) = 1/2, at x = 0, and
#   there it is 1/2 × 1/2 = 1/4. Away from 0 the output flattens out against 0
#   or 1 and the derivative drops to almost nothing; this is called saturation.
#   Each layer multiplies the gradient by at most 1/4, so the gradient that
#   reaches the early layers of a deep network shrinks exponentially with
#   depth: the vanishing gradient problem.
# - **tanh**: its derivative reaches 1 at x = 0, better than sigmoid, but tanh
#   saturates too, and its derivative goes to 0 away from 0.
# - **relu**: the derivative of max(0, x) is exactly 1 for a positive input and
#   0 for a negative one. Passing a unit with a positive input multiplies the
#   gradient by 1, so however many layers it crosses, the activation function
#   does not shrink it. The flip side: a unit whose input is always negative
#   gets a zero gradient and stops learning, the "dying ReLU" problem.
# - **leaky_relu, gelu, silu, elu**: their slope is not pinned to 0 for
#   negative inputs, which eases the dying ReLU problem. The leaky_relu here is
#   drawn with a negative slope of 0.1 instead of PyTorch's default 0.01, so
#   that the slope is visible.
# - **softplus**: a smooth version of ReLU whose derivative is exactly the
#   sigmoid.
#
# Two activation functions you will often see listed are missing from the
# figure. Softmax takes a whole vector, not a single value, and turns it into
# probabilities that sum to 1, so it has no single curve to draw; it belongs at
# the output of a multi-class classifier, and the models of this course leave
# it to the loss, `nn.CrossEntropyLoss`. PReLU (parametric ReLU) is a leaky
# ReLU whose negative slope is a learned parameter, available as `nn.PReLU`.
# The name swish refers to the same function as silu in the figure.

# %% [markdown]
# Now check what the figure shows with numbers. The next cell uses autograd to
# compute the derivatives of sigmoid, tanh and relu at five points. It also
# finds the largest derivative on a fine grid from −6 to 6 and raises it to the
# tenth power: leaving the weights aside and looking only at the activation
# function, that is how much of a gradient survives ten layers in the best
# case.

# %%
points = torch.tensor([-5.0, -2.0, 0.0, 2.0, 5.0], requires_grad=True)
grid = torch.linspace(-6.0, 6.0, 1201, requires_grad=True)
depth = 10
print("f'(x) at x =", points.tolist())
for name, f in [
    ("sigmoid", torch.sigmoid),
    ("tanh", torch.tanh),
    ("relu", torch.relu),
]:
    (at_points,) = torch.autograd.grad(f(points).sum(), points)
    (on_grid,) = torch.autograd.grad(f(grid).sum(), grid)
    best = on_grid.max().item()
    print(
        f"{name:<8} {[round(v, 4) for v in at_points.tolist()]}"
        f"  max {best:.4f}  max ** {depth} = {best**depth:.2e}"
    )

# %% [markdown]
# Even in the best case, ten sigmoid layers leave only a tiny fraction of the
# gradient. The maximum of 1 for relu is not reached at a single point but for
# every positive input, so a gradient that passes through units with positive
# inputs keeps its size layer after layer. tanh also has a maximum of 1, but
# only at x = 0; as the other points show, its derivative falls off quickly
# away from 0. The derivative of relu is undefined at exactly x = 0, and
# autograd uses 0 there.
#
# This is why the hidden layers of modern networks mostly use ReLU or one of
# its variants. The `MLP` of the next sections uses ReLU by default.

# %% [markdown]
# ## Make and split two-class data
#
# `make_two_classes` places 2-D points on two interleaving half-moons. No
# straight line separates the classes, so the model has to learn a curved
# boundary. It returns a `TensorDataset`, and `.tensors` gives back the points
# `X` and the labels `y`. `y` is a float tensor of 0.0s and 1.0s shaped `(N,
# 1)`: the same shape as the output of a one-output model, so it goes into
# `nn.BCEWithLogitsLoss` as it is.
#
# `split` shuffles the data with a seed of its own and cuts it in the given
# proportions. Here three quarters become the training set and the rest the
# validation set. The validation set is never trained on; it only tells us how
# well the model does on data it has not seen.
#
# `DataLoader` hands out the training set in mini-batches of 64, and with
# `shuffle=True` it reshuffles them every epoch. The shuffling order comes from
# a seeded `torch.Generator`, so a rerun gives the same results. The validation
# set is evaluated as a single batch.

# %%
dataset = make_two_classes(n_samples=400, noise=0.2, seed=0)
X, y = dataset.tensors
print("X:", tuple(X.shape), X.dtype, "| y:", tuple(y.shape), y.dtype)
print("samples per class:", torch.bincount(y.reshape(-1).long()).tolist())

train_set, val_set = split(dataset, (0.75, 0.25), seed=0)
train_loader = DataLoader(
    train_set,
    batch_size=64,
    shuffle=True,
    generator=torch.Generator().manual_seed(0),
)
val_loader = DataLoader(val_set, batch_size=len(val_set))
print("train samples:", len(train_set), "| validation samples:", len(val_set))

# %% [markdown]
# ## The model: a multi-layer perceptron
#
# `MLP(2, [16, 16], 1)` is a multi-layer perceptron (MLP): it takes 2 input
# features, passes them through two hidden layers of 16 units each and produces
# 1 output. Every hidden layer is followed by a ReLU; the last layer has no
# activation. Its output is therefore not a probability but a logit, the score
# before the sigmoid. The sigmoid is applied inside the loss,
# `nn.BCEWithLogitsLoss`, which is numerically more stable than putting a
# sigmoid layer into the model.
#
# The course lab uses the smaller `MLP(2, [4], 1)`; the output below compares
# the number of parameters of the two. This notebook uses the somewhat larger
# model so that a short training run can learn the curved half-moon boundary.

# %%
model = MLP(2, [16, 16], 1).to(device)
print(model)
sizes = {"MLP(2, [16, 16], 1)": model, "MLP(2, [4], 1)": MLP(2, [4], 1)}
for name, net in sizes.items():
    n_params = sum(p.numel() for p in net.parameters())
    print(f"{name:<20} {n_params:>4} parameters")

# %% [markdown]
# ## The training loop
#
# The training loop is split into two functions. `train_one_epoch` makes one
# pass over the training set and updates the weights; `evaluate` only measures
# loss and accuracy and changes nothing. `train_one_epoch` handles each batch
# in this order:
#
# 1. `to_device((xb, yb), device)`: move the batch to the model's device.
#    `to_device` moves every tensor inside a tuple, list or dict at once, so
#    one line works whatever the batch looks like.
# 2. `optimizer.zero_grad()`: clear the gradients of the previous batch,
#    because `backward()` adds new gradients to the ones already stored.
# 3. `model(xb)`: the forward pass computes the logits.
# 4. `loss_fn(logits, yb)`: compute the loss.
# 5. `loss.backward()`: backpropagation computes the gradient of every
#    parameter.
# 6. `optimizer.step()`: update the parameters using those gradients.
#
# `model.train()` and `model.eval()` switch layers that behave differently in
# training and in evaluation, such as dropout and batch normalization. This MLP
# has none, but calling them in pairs is a good habit. `evaluate` runs inside
# `torch.no_grad()`, so nothing is recorded for gradients, which is faster and
# uses less memory.
#
# Accuracy comes from `torchbasics.metrics.accuracy`, which takes the logits
# directly. Logits of shape `(N, 1)` mean binary classification: a sample is
# predicted as class 1 where its logit is above 0, which is the same as cutting
# the probability at 0.5 because sigmoid(0) = 0.5. Logits of shape `(N, C)`
# pick the class with the largest logit, so the same two functions work for
# multi-class problems too. The loss is averaged with the batch sizes as
# weights, so it is the mean over the whole data set even when the last batch
# is smaller.

# %%
def train_one_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total_loss, all_logits, all_targets = 0.0, [], []
    for xb, yb in loader:
        xb, yb = to_device((xb, yb), device)
        optimizer.zero_grad()
        logits = model(xb)
        loss = loss_fn(logits, yb)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(xb)
        all_logits.append(logits.detach())
        all_targets.append(yb)
    logits, targets = torch.cat(all_logits), torch.cat(all_targets)
    return total_loss / len(targets), accuracy(logits, targets)


def evaluate(model, loader, loss_fn):
    model.eval()
    total_loss, all_logits, all_targets = 0.0, [], []
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = to_device((xb, yb), device)
            logits = model(xb)
            total_loss += loss_fn(logits, yb).item() * len(xb)
            all_logits.append(logits)
            all_targets.append(yb)
    logits, targets = torch.cat(all_logits), torch.cat(all_targets)
    return total_loss / len(targets), accuracy(logits, targets)

# %% [markdown]
# ## Train the model
#
# The optimizer is Adam with a learning rate of 0.01, and training runs for 60
# epochs. After every epoch the training loss and accuracy and the validation
# loss and accuracy are appended to the lists of the `history` dict. The
# `train_` and `val_` prefixes of its keys are what `plot_history` uses in the
# next section to pair each training curve with its validation curve. Progress
# is printed every 10 epochs, followed by the final validation accuracy and the
# best one.

# %%
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
history = {
    "epoch": [],
    "train_loss": [],
    "val_loss": [],
    "train_accuracy": [],
    "val_accuracy": [],
}
for epoch in range(1, 61):
    train_loss, train_acc = train_one_epoch(
        model, train_loader, loss_fn, optimizer
    )
    val_loss, val_acc = evaluate(model, val_loader, loss_fn)
    history["epoch"].append(epoch)
    history["train_loss"].append(train_loss)
    history["val_loss"].append(val_loss)
    history["train_accuracy"].append(train_acc)
    history["val_accuracy"].append(val_acc)
    if epoch == 1 or epoch % 10 == 0:
        print(
            f"epoch {epoch:>3}  train loss {train_loss:.4f} "
            f"acc {train_acc:.3f} | val loss {val_loss:.4f} acc {val_acc:.3f}"
        )

best_acc = max(history["val_accuracy"])
best_epoch = history["epoch"][history["val_accuracy"].index(best_acc)]
print(f"\nfinal validation accuracy: {history['val_accuracy'][-1]:.3f}")
print(f"best validation accuracy:  {best_acc:.3f} (epoch {best_epoch})")

# %% [markdown]
# ## Plot the training curves
#
# `plot_history(history)` draws one plot per metric: loss on the left, accuracy
# on the right. The blue line is the training curve, the orange line the
# validation curve. A star and a dotted vertical line mark the epoch with the
# best validation value: the lowest loss, the highest accuracy, and the
# earliest epoch when the best value occurs more than once.

# %%
plot_history(history)

# %% [markdown]
# Training curves are the easiest way to spot overfitting. An overfitting model
# memorizes its training data: the training loss keeps falling while the
# validation loss turns around and rises. Where the two curves start to drift
# apart is the time to stop training. This example trains a small model for a
# short time, and no such gap opens: the validation loss falls along with the
# training loss.
#
# As in this plot, the validation curve can even look better than the training
# curve, for two reasons. First, the training loss and accuracy are averages
# over the batches of an epoch, measured while the weights were still changing;
# the validation values are measured with the model as it stands at the end of
# the epoch. Second, the validation set is small, and the points that happened
# to land in it may be easier ones. The small size is also why the validation
# accuracy moves in steps: it changes by one step each time one more point is
# classified right or wrong.

# %% [markdown]
# ## Plot the decision boundary
#
# `plot_decision_boundary(model, X, y)` covers the plane with a fine grid, asks
# the model for a prediction at every grid point and colours each region by its
# predicted class. The black line, where the probability after the sigmoid is
# 0.5, is the decision boundary. The data points are drawn in the colour of
# their true class, so a point lying in a region of the other colour is one the
# model gets wrong. The function puts the model in evaluation mode for the
# moment, predicts under `torch.no_grad()` and evaluates the grid on the
# model's device. Here it draws every point, training and validation together.

# %%
plot_decision_boundary(model, X, y)

# %% [markdown]
# The boundary is a chain of straight segments because of the ReLUs. A ReLU
# network cuts the input plane into pieces and acts as a linear function on
# each piece, so on each piece the boundary is a straight line. Without hidden
# layers, `MLP(2, [], 1)` is logistic regression, whose whole boundary is a
# single straight line; it could not separate the two half-moons like this. The
# points near the boundary that sit in the other colour's region are ones the
# noise pushed towards the other class.

# %% [markdown]
# ## Handwritten digit images
#
# Now for images. `load_digits()` loads the 8×8-pixel greyscale handwritten
# digits that ship with scikit-learn. The image tensor has the shape `(N, C, H,
# W)` (count, channels, height, width) that PyTorch's convolution layers
# expect, with pixel values scaled to lie between 0 and 1. The labels are
# `int64` class indices, as `nn.CrossEntropyLoss` expects. The output below
# shows the shapes, the range of the values and the number of images per digit.

# %%
digits = load_digits()
images, labels = digits.tensors
print("images:", tuple(images.shape), images.dtype)
print(f"pixel values from {images.min():.1f} to {images.max():.1f}")
print("labels:", tuple(labels.shape), labels.dtype)
print("images per digit:", torch.bincount(labels).tolist())

# %% [markdown]
# `plot_image_grid(images[:16], labels[:16])` shows the first 16 images in a
# grid, each with its label above it. The channels-first `(N, 1, 8, 8)` tensor
# goes in as it is, and the brightness is scaled from the range of the pixel
# values. At 8×8 pixels, a stroke is only a handful of squares.

# %%
plot_image_grid(images[:16], labels[:16])

# %% [markdown]
# ## A small convolutional network
#
# `SmallCNN` is a convolutional neural network (CNN): two stages of a 3×3
# convolution, a ReLU and 2×2 max pooling, followed by two linear layers that
# produce a score per class. Each pooling halves the height and width, so once
# it is told the image size with `image_size=8`, the model works out by itself
# how many features remain after flattening (`feature_size`).
#
# The next cell feeds 16 images to the untrained model and checks the shape of
# the output: 10 logits per image, one per digit. `predict_labels` turns logits
# into predicted classes, and `accuracy` is the very function used for the
# binary classifier above; it sees the shape of the logits and measures
# multi-class accuracy.

# %%
cnn = SmallCNN(image_size=8).to(device)
batch = to_device(images[:16], device)
cnn.eval()
with torch.no_grad():
    logits = cnn(batch)
print("input:", tuple(batch.shape), "-> logits:", tuple(logits.shape))
print("features after the convolutions:", cnn.feature_size)
print("true labels:     ", labels[:16].tolist())
print("predicted labels:", predict_labels(logits).tolist())
print(
    "untrained accuracy:",
    accuracy(logits, to_device(labels[:16], device)),
)

# %% [markdown]
# The weights are still random, so the predictions have next to nothing to do
# with the true labels, and the accuracy is at the level of guessing. To train
# this model, reuse `train_one_epoch` and `evaluate` from above and only swap
# the loss for `nn.CrossEntropyLoss()`. The labels are already `int64` class
# indices, so the data needs no change.

# %% [markdown]
# ## Summary
#
# - Choose the device with `get_device()` and move batches with `to_device()`,
#   and the same code runs on a CPU and on a GPU.
# - Backpropagation multiplies by the derivative of each layer's activation
#   function. The derivative of sigmoid never exceeds 1/4, so the gradient
#   vanishes in deep networks; the derivative of ReLU is 1 for positive inputs,
#   so the gradient keeps its size.
# - One step of the training loop is `zero_grad()`, the forward pass, the loss,
#   `backward()` and `step()`. Validation runs under `model.eval()` and
#   `torch.no_grad()`.
# - The models of `torchbasics` return logits, and `accuracy` takes logits
#   directly.
# - See overfitting with `plot_history`, the boundary a model has learned with
#   `plot_decision_boundary`, image data with `plot_image_grid` and activation
#   functions with `plot_activations`.
#
# Each module is documented in detail in the API reference:
# [torchbasics.devices](../api/devices.md),
# [torchbasics.data](../api/data.md),
# [torchbasics.models](../api/models.md),
# [torchbasics.metrics](../api/metrics.md) and
# [torchbasics.plotting](../api/plotting.md).
