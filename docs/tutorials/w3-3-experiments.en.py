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
# # Lab: checkpoints, TensorBoard and transfer learning
#
# A lab that runs the content of lecture 3.3,
# "[Running experiments](../lectures/w3-3-experiments.md)", through one
# training from start to end. It pretrains a `SmallCNN` on MNIST digits shrunk
# to 8×8 with `ModelCheckpoint`, `EarlyStopping` and `TensorBoardLogger`
# together, and reads TensorBoard's event files back to plot the curves. Next
# it checks that a training resumed from `last.ckpt` is bit-for-bit the
# training done in one go. Finally it carries the pretrained model over to
# scikit-learn's 8×8 digits and plots the accuracy of four methods against the
# number of labels per class.
#
# The outputs and plots on this page come from executing the notebook when the
# site was built. Every file is written to the temporary directory `workdir`,
# which is deleted when the notebook's Python exits.

# %% [markdown]
# ## Checking the environment
#
# The first cell imports everything and prints the environment. The data is
# the MNIST sample of `torchbasics.data` and the 8×8 handwritten digits that
# ship with scikit-learn; TensorBoard's event
# files are read with the `EventAccumulator` of the TensorBoard package. The
# models are so small that keeping several compute threads in step costs more
# than the computation, so `torch.set_num_threads(1)` uses one thread.

# %%
import copy
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.linear_model import LogisticRegression
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.data import load_digits, load_mnist_sample
from torchbasics.devices import environment_report
from torchbasics.metrics import accuracy
from torchbasics.models import SmallCNN
from torchbasics.training import (
    EarlyStopping,
    ModelCheckpoint,
    TensorBoardLogger,
    Trainer,
    load_checkpoint,
)

print(environment_report())
# The models are tiny: one thread avoids the cost of keeping threads in step.
torch.set_num_threads(1)
scratch_dir = tempfile.TemporaryDirectory(prefix="w3-3-")  # deleted when Python exits
workdir = Path(scratch_dir.name)

# %% [markdown]
# ## Data: MNIST shrunk to 8×8, then scikit-learn's digits
#
# Pretraining uses the 5,000-image MNIST sample (28×28, 500 per class), shrunk
# to the 8×8 of scikit-learn's digits: the centre 20×20 (MNIST leaves a
# margin of 4 pixels) is averaged down to 8×8 with `F.adaptive_avg_pool2d`,
# and each image is divided by its largest pixel so that, as in scikit-learn's
# digits, the ink reaches 1. 4,000 images train and 1,000 validate. The new
# task is scikit-learn's 8×8 digits (1,797 images): the same ten classes, but
# other writers, another scanner and a coarser grid. This is the usual
# situation of transfer learning in miniature: a large pretraining set of the
# same kind of content, and a small labelled set of your own.
#
# `make_trainer` builds the model and optimizer with the same seed every time,
# and `train_loader` a loader shuffling with a generator of the same seed every
# time, to mimic rebuilding everything in a fresh process.

# %%
mnist, mnist_labels = load_mnist_sample().tensors  # (5000, 1, 28, 28)
small = F.adaptive_avg_pool2d(mnist[:, :, 4:24, 4:24], 8)  # (5000, 1, 8, 8)
small = small / small.amax(dim=(1, 2, 3), keepdim=True)  # ink up to 1, like the digits
X_new, y_new = load_digits().tensors  # (1797, 1, 8, 8): the new task
order = torch.randperm(len(small), generator=torch.Generator().manual_seed(0))
train_idx, val_idx = order[:4000], order[4000:]
train_old = TensorDataset(small[train_idx], mnist_labels[train_idx])
val_old = TensorDataset(small[val_idx], mnist_labels[val_idx])
print("pretraining:", len(train_old), "train,", len(val_old), "val; new task:", len(X_new))
fig, axes = plt.subplots(2, 6, figsize=(7, 2.6))
for i, ax in enumerate(axes[0]):
    ax.imshow(small[i, 0], cmap="gray_r")
    ax.set_title(f"MNIST {mnist_labels[i].item()}", fontsize=8)
for i, ax in enumerate(axes[1]):
    ax.imshow(X_new[i, 0], cmap="gray_r")
    ax.set_title(f"digits {y_new[i].item()}", fontsize=8)
for ax in axes.flat:
    ax.axis("off")
plt.tight_layout()
plt.show()


def make_trainer(max_epochs, callbacks=()):
    torch.manual_seed(0)
    model = SmallCNN(num_classes=10, image_size=8)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    return Trainer(model, optimizer, nn.CrossEntropyLoss(), max_epochs=max_epochs,
                   metrics={"accuracy": accuracy}, callbacks=list(callbacks),
                   device="cpu", progress=False)


def train_loader(dataset=train_old):
    return DataLoader(dataset, batch_size=32, shuffle=True,
                      generator=torch.Generator().manual_seed(0))


val_loader = DataLoader(val_old, batch_size=500)

# %% [markdown]
# ## Pretraining: checkpoints, early stopping, TensorBoard
#
# Training runs for at most 8 epochs with the three callbacks together.
# `EarlyStopping` stops once the validation loss has not improved by more than
# 0.001 for 2 epochs in a row; `ModelCheckpoint` writes the best epoch to
# `best.ckpt` and the last to `last.ckpt`; `TensorBoardLogger` writes the batch
# loss every 5 steps and the whole record every epoch to event files.

# %%
stopper = EarlyStopping(monitor="val_loss", patience=2, min_delta=1e-3)
checkpoint = ModelCheckpoint(workdir / "ckpt", monitor="val_loss")
logger = TensorBoardLogger(workdir / "runs" / "pretrain", log_every_n_steps=5)
trainer = make_trainer(8, [stopper, checkpoint, logger])
history = trainer.fit(train_loader(), val_loader)
best = load_checkpoint(checkpoint.best_model_path)
print("epochs run:", len(history["epoch"]), "| stopped after epoch", stopper.stopped_epoch)
print("best epoch:", best["epoch"], "| val_loss", round(checkpoint.best_score, 4),
      "| val_accuracy", round(best["history"]["val_accuracy"][-1], 3))
print("files:", sorted(path.name for path in (workdir / "ckpt").iterdir()))

# %% [markdown]
# ## Reading the event files and plotting them
#
# A static page cannot hold TensorBoard's interface, so the same files are read
# and plotted with matplotlib. Running this yourself, before you close the
# notebook, start `tensorboard --logdir <workdir>/runs` in a terminal with the
# path printed below and open `http://localhost:6006` in a browser to see the
# same curves in TensorBoard. `EventAccumulator` keeps at most 10,000 values
# per tag by default and drops the rest at random; `size_guidance` with 0
# keeps them all. It reads one run's folder, not its subfolders.
# The dotted line is the step at which `best.ckpt` was saved; the epochs after
# it are those early stopping waited for.

# %%
print("logdir:", workdir / "runs")
events = EventAccumulator(str(workdir / "runs" / "pretrain"), size_guidance={"scalars": 0})
_ = events.Reload()
print(sorted(events.Tags()["scalars"]))
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
for tag, style in [("batch/train_loss", "-"), ("loss/train", "o-"), ("loss/val", "s-")]:
    scalars = events.Scalars(tag)
    ax_loss.plot([s.step for s in scalars], [s.value for s in scalars], style,
                 label=tag, alpha=0.6 if tag.startswith("batch") else 1.0)
for tag in ["accuracy/train", "accuracy/val"]:
    scalars = events.Scalars(tag)
    ax_acc.plot([s.step for s in scalars], [s.value for s in scalars], "o-", label=tag)
best_step = best["global_step"]
for ax in (ax_loss, ax_acc):
    ax.axvline(best_step, color="grey", linestyle=":", label="best.ckpt")
    ax.set_xlabel("optimizer step")
    ax.legend()
ax_loss.set_yscale("log")
ax_loss.set_title("Loss, read back from the event files")
ax_acc.set_title("Accuracy")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Resuming from last.ckpt
#
# To save time this check uses the first 1,000 training images. Two epochs in
# one go are compared with a training stopped after 1 epoch and resumed from its `last.ckpt` with a new model, a new optimizer and a new
# loader. The checkpoint holds the states of the random number generators and
# of the loader's generator, so even the shuffling order continues the same,
# and the weights and the history must all be equal.

# %%
part = TensorDataset(*train_old[:1000])
straight = make_trainer(2)
_ = straight.fit(train_loader(part), val_loader)

# monitor=None: no best.ckpt, only last.ckpt after every epoch
first = make_trainer(1, [ModelCheckpoint(workdir / "resume", monitor=None)])
_ = first.fit(train_loader(part), val_loader)  # "interrupted" after epoch 1
resumed = make_trainer(2)  # a fresh model, optimizer and loader
resumed_history = resumed.fit(train_loader(part), val_loader,
                              ckpt_path=workdir / "resume" / "last.ckpt")
same = all(torch.equal(a, b) for a, b in zip(straight.model.parameters(),
                                             resumed.model.parameters()))
print("epochs:", resumed_history["epoch"])
print("weights bit-identical to 2 epochs in one go:", same)
print("history identical:", resumed_history == straight.history)

# %% [markdown]
# ## Moving to scikit-learn's digits
#
# The pretrained model takes the weights of `best.ckpt` (the best epoch, not
# the last). It already knows the ten digits, so it can be tried on
# scikit-learn's digits before it sees a single label of them. In this lab
# the head is the last linear layer `classifier[-1]` and the backbone is
# everything before it (`features` and `classifier[:-1]`). Four methods are
# then compared on the same few labels:
#
# - **frozen + head**: the backbone is frozen, its 128 features are computed
#   once, and only a new linear head trains on them (100 steps);
# - **fine-tune**: a new head, and the whole model trains for 50 steps with
#   two parameter groups: learning rate `1e-3` for the pretrained backbone and
#   `1e-2` for the new head;
# - **from scratch**: a `SmallCNN` of the same shape trains from random
#   weights for the same 50 steps as fine-tuning;
# - **sklearn pixels**: as an independent reference, scikit-learn's
#   `LogisticRegression` learns from the 64 pixels.
#
# With so few labels, the three torch methods use all the labelled images as
# one batch (logistic regression fits them all at once anyway). The
# evaluation uses the rest of the images, which got no label.

# %%
pretrained = copy.deepcopy(trainer.model)
_ = pretrained.load_state_dict(best["model"])  # the best epoch, not the last
_ = pretrained.eval()
with torch.no_grad():
    zero_shot = (pretrained(X_new).argmax(dim=1) == y_new).float().mean().item()
    features = pretrained.classifier[:-1](pretrained.features(X_new))  # (N, 128)
print(f"pretrained model on the digits, no digit labels used: {zero_shot:.2f}")


def fit(model, X, y, steps, param_groups=None):
    """Full-batch Adam on the few labelled images."""
    optimizer = torch.optim.Adam(param_groups or model.parameters(), lr=1e-2)
    model.train()
    for _ in range(steps):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        optimizer.step()
    return model.eval()


def score(model, X, y):
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


def few_labels(n, seed):
    """n labelled images per class; the rest are for testing."""
    generator = torch.Generator().manual_seed(seed)
    picked = []
    for c in range(10):
        of_class = torch.nonzero(y_new == c).flatten()
        picked.append(of_class[torch.randperm(len(of_class), generator=generator)[:n]])
    picked = torch.cat(picked)
    rest = torch.ones(len(y_new), dtype=torch.bool)
    rest[picked] = False
    return picked, rest


def fine_tune(picked):
    """A new head; the backbone trains too, with a 10 times smaller learning rate."""
    model = copy.deepcopy(pretrained)
    model.classifier[-1] = nn.Linear(128, 10)
    backbone = list(model.features.parameters()) + list(model.classifier[:-1].parameters())
    groups = [{"params": backbone, "lr": 1e-3},
              {"params": model.classifier[-1].parameters()}]  # default lr 1e-2
    start = torch.cat([p.detach().flatten() for p in backbone])
    fit(model, X_new[picked], y_new[picked], steps=50, param_groups=groups)
    moved = torch.cat([p.detach().flatten() for p in backbone]) - start
    return model, (moved.norm() / start.norm()).item()

# %% [markdown]
# Each method trains with 1, 3, 10 and 30 labels per class, for 3 seeds of
# choosing the labelled images; the table gives the mean ± standard deviation
# over the seeds. Chance is 0.10 (ten classes). The last column is how far
# fine-tuning moved the backbone, `‖Δw‖ / ‖w‖`.

# %%
label_counts = [1, 3, 10, 30]
methods = ["frozen + head", "fine-tune", "from scratch", "sklearn pixels"]
means = {m: [] for m in methods}
spreads = {m: [] for m in methods}
flat = X_new.flatten(1)
print("labels/class" + "".join(f"{m:>16s}" for m in methods) + "   backbone moved")
for n in label_counts:
    runs = {m: [] for m in methods}
    moved = []
    for seed in range(3):
        picked, rest = few_labels(n, seed)
        torch.manual_seed(seed)
        head = fit(nn.Linear(128, 10), features[picked], y_new[picked], steps=100)
        runs["frozen + head"].append(score(head, features[rest], y_new[rest]))
        tuned, distance = fine_tune(picked)
        runs["fine-tune"].append(score(tuned, X_new[rest], y_new[rest]))
        moved.append(distance)
        scratch = fit(SmallCNN(num_classes=10, image_size=8), X_new[picked], y_new[picked],
                      steps=50)
        runs["from scratch"].append(score(scratch, X_new[rest], y_new[rest]))
        reference = LogisticRegression(max_iter=500).fit(flat[picked], y_new[picked])
        runs["sklearn pixels"].append(reference.score(flat[rest], y_new[rest]))
    for m in methods:
        values = torch.tensor(runs[m])
        means[m].append(values.mean().item())
        spreads[m].append(values.std().item())
    print(f"{n:12d}" + "".join(f"{means[m][-1]:>10.2f} ± {spreads[m][-1]:.2f}" for m in methods)
          + f"{sum(moved) / len(moved):>17.3f}")

# %% [markdown]
# The x-axis is logarithmic; the bars are ± one standard deviation over the
# seeds.

# %%
fig, ax = plt.subplots(figsize=(6.5, 4))
for m, marker in zip(methods, "osD^"):
    ax.errorbar(label_counts, means[m], yerr=spreads[m], fmt=marker + "-", capsize=3, label=m)
ax.axhline(zero_shot, color="grey", linestyle=":", label="pretrained, no digit labels")
ax.set_xscale("log")
ax.set_xticks(label_counts, [str(n) for n in label_counts])
ax.set_xlabel("labelled images per class")
ax.set_ylabel("accuracy on the unlabelled rest")
ax.set_title("Pretrained on MNIST at 8x8, tested on sklearn digits (3 seeds)")
ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# What the table and the plot show:
#
# - Before any digit label, the pretrained model already gets 0.81 of
#   scikit-learn's digits right: the two data sets share their ten classes.
# - With 1 label per class, the pretrained features win by far: frozen + head
#   and fine-tuning 0.84, from scratch 0.55, logistic regression on the
#   pixels 0.70 (chance 0.10). With 30 labels per class the four methods are
#   within 0.02 of each other (0.95, 0.96, 0.94, 0.94): the fewer the
#   labels, the more pretraining is worth.
# - Fine-tuning is level with the frozen features at 1 label and slightly
#   ahead from 3 labels on; it moved the backbone by 5–8 % of its size. With
#   few labels, freezing is the cheap and safe choice.
# - Transfer works here because the pretraining data is much larger than the
#   new task's labels and covers the same content. It is not guaranteed:
#   features learned for other classes or other kinds of images may carry
#   little over, so always compare with a model trained from scratch and a
#   simple reference on the same labels, as this table does.
#
# ## Summary
#
# - `ModelCheckpoint`, `EarlyStopping` and `TensorBoardLogger` go on one
#   training together; after early stopping, the model to use is in
#   `best.ckpt`.
# - TensorBoard's event files can be read with `EventAccumulator`; the
#   interface opens with `tensorboard --logdir`.
# - A training resumed from `last.ckpt` has bit-for-bit the weights and the
#   history of the training done in one go.
# - Pretrained on a larger set of the same kind of images, a model's features
#   beat training from scratch when labels are few (0.84 against 0.55 with one
#   label per class) and the gap closes as labels grow; check it against a
#   model trained from scratch on the same labels every time.
#
# Each concept is explained in detail, with exercises, in lecture
# [3.3 Running experiments](../lectures/w3-3-experiments.md).
