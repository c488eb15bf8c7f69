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
# training from start to end. It pretrains a `SmallCNN` on handwritten digits
# 0–4 with `ModelCheckpoint`, `EarlyStopping` and `TensorBoardLogger`
# together, and reads TensorBoard's event files back to plot the curves. Next
# it checks that a training resumed from `last.ckpt` is bit-for-bit the
# training done in one go. Finally it carries the pretrained model over to
# digits 5–9 and plots the accuracy of four methods against the number of
# labels per class.
#
# The outputs and plots on this page come from executing the notebook when the
# site was built. Every file is written to the temporary directory `workdir`,
# which is deleted when the notebook's Python exits.

# %% [markdown]
# ## Checking the environment
#
# The first cell imports everything and prints the environment. The data is
# the 8×8 handwritten digits that ship with scikit-learn; TensorBoard's event
# files are read with the `EventAccumulator` of the TensorBoard package. The
# models are so small that keeping several compute threads in step costs more
# than the computation, so `torch.set_num_threads(1)` uses one thread.

# %%
import copy
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from sklearn.linear_model import LogisticRegression
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.data import load_digits
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
# ## Data: digits 0–4 and 5–9
#
# Digits 0–4 (901 images) are for pretraining, split into 700 for training
# and 201 for validation. Digits 5–9 (896 images) are the new task, with their
# class numbers moved to 0–4. `make_trainer` builds the model and optimizer
# with the same seed every time, and `train_loader` a loader shuffling with a
# generator of the same seed every time, to mimic rebuilding everything in a
# fresh process.

# %%
images, labels = load_digits().tensors  # (1797, 1, 8, 8)
old = labels < 5
X_old, y_old = images[old], labels[old]  # digits 0-4: pretraining
X_new, y_new = images[~old], labels[~old] - 5  # digits 5-9 as classes 0-4
order = torch.randperm(len(X_old), generator=torch.Generator().manual_seed(0))
train_idx, val_idx = order[:700], order[700:]
train_old = TensorDataset(X_old[train_idx], y_old[train_idx])
val_old = TensorDataset(X_old[val_idx], y_old[val_idx])
print("pretraining:", len(train_old), "train,", len(val_old), "val; new task:", len(X_new))


def make_trainer(max_epochs, callbacks=()):
    torch.manual_seed(0)
    model = SmallCNN(num_classes=5, image_size=8)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    return Trainer(model, optimizer, nn.CrossEntropyLoss(), max_epochs=max_epochs,
                   metrics={"accuracy": accuracy}, callbacks=list(callbacks),
                   device="cpu", progress=False)


def train_loader():
    return DataLoader(train_old, batch_size=32, shuffle=True,
                      generator=torch.Generator().manual_seed(0))


val_loader = DataLoader(val_old, batch_size=256)

# %% [markdown]
# ## Pretraining: checkpoints, early stopping, TensorBoard
#
# Training runs for at most 20 epochs with the three callbacks together.
# `EarlyStopping` stops once the validation loss has not improved by more than
# 0.001 for 2 epochs in a row; `ModelCheckpoint` writes the best epoch to
# `best.ckpt` and the last to `last.ckpt`; `TensorBoardLogger` writes the batch
# loss every 5 steps and the whole record every epoch to event files.

# %%
stopper = EarlyStopping(monitor="val_loss", patience=2, min_delta=1e-3)
checkpoint = ModelCheckpoint(workdir / "ckpt", monitor="val_loss")
logger = TensorBoardLogger(workdir / "runs" / "pretrain", log_every_n_steps=5)
trainer = make_trainer(20, [stopper, checkpoint, logger])
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
# and plotted with matplotlib. Running this yourself, start
# `tensorboard --logdir <workdir>/runs` in a terminal and open
# `http://localhost:6006` in a browser to see the same curves in TensorBoard.
# The dotted line is the step at which `best.ckpt` was saved; the epochs after
# it are those early stopping waited for.

# %%
events = EventAccumulator(str(workdir / "runs" / "pretrain"))
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
# Four epochs in one go are compared with a training stopped after 2 epochs
# and resumed from its `last.ckpt` with a new model, a new optimizer and a new
# loader. The checkpoint holds the states of the random number generators and
# of the loader's generator, so even the shuffling order continues the same,
# and the weights and the history must all be equal.

# %%
straight = make_trainer(4)
_ = straight.fit(train_loader(), val_loader)

first = make_trainer(2, [ModelCheckpoint(workdir / "resume", monitor=None)])
_ = first.fit(train_loader(), val_loader)  # "interrupted" after epoch 2
resumed = make_trainer(4)  # a fresh model, optimizer and loader
resumed_history = resumed.fit(train_loader(), val_loader,
                              ckpt_path=workdir / "resume" / "last.ckpt")
same = all(torch.equal(a, b) for a, b in zip(straight.model.parameters(),
                                             resumed.model.parameters()))
print("epochs:", resumed_history["epoch"])
print("weights bit-identical to 4 epochs in one go:", same)
print("history identical:", resumed_history == straight.history)

# %% [markdown]
# ## Moving to digits 5–9
#
# The pretrained model takes the weights of `best.ckpt` (the best epoch, not
# the last). Four methods are compared on the same labels:
#
# - **frozen + head**: the pretrained model is frozen, the 128 features before
#   its last layer are computed once, and only a new linear head trains on
#   them;
# - **fine-tune (2 stages)**: first the backbone is frozen and a new head
#   trains for 30 steps; then the backbone is unfrozen and, with parameter
#   groups giving learning rates of `1e-4` to the convolutions, `1e-3` to the
#   first linear layer and `1e-2` to the head, everything trains 30 more steps;
# - **from scratch**: a `SmallCNN` of the same shape trains from random
#   weights for 60 steps;
# - **sklearn pixels**: as an independent reference, scikit-learn's
#   `LogisticRegression` learns from the pixels.
#
# With so few labels, every method uses all the labelled images as one batch.
# The evaluation uses the rest of the images, which got no label.

# %%
pretrained = copy.deepcopy(trainer.model)
_ = pretrained.load_state_dict(best["model"])  # the best epoch, not the last
_ = pretrained.eval()
with torch.no_grad():
    features = pretrained.classifier[:-1](pretrained.features(X_new))  # (N, 128)


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
    """n labelled images per class of digits 5-9; the rest are for testing."""
    generator = torch.Generator().manual_seed(seed)
    picked = torch.cat([
        torch.nonzero(y_new == c).flatten()[
            torch.randperm(int((y_new == c).sum()), generator=generator)[:n]]
        for c in range(5)])
    rest = torch.ones(len(y_new), dtype=torch.bool)
    rest[picked] = False
    return picked, rest


def fine_tune(picked):
    """Stage 1: frozen backbone, new head. Stage 2: unfreeze, smaller lr for the backbone."""
    model = copy.deepcopy(pretrained)
    model.requires_grad_(False)
    model.classifier[-1] = nn.Linear(128, 5)
    fit(model, X_new[picked], y_new[picked], steps=30)
    model.requires_grad_(True)
    groups = [{"params": model.features.parameters(), "lr": 1e-4},
              {"params": model.classifier[:-1].parameters(), "lr": 1e-3},
              {"params": model.classifier[-1].parameters()}]  # default lr 1e-2
    return fit(model, X_new[picked], y_new[picked], steps=30, param_groups=groups)

# %% [markdown]
# Each method trains with 1, 3, 10 and 30 labels per class, for 2 seeds of
# choosing the labelled images, and the accuracies are averaged.

# %%
label_counts = [1, 3, 10, 30]
methods = ["frozen + head", "fine-tune (2 stages)", "from scratch", "sklearn pixels"]
results = {m: [] for m in methods}
flat = X_new.flatten(1)
for n in label_counts:
    runs = {m: [] for m in methods}
    for seed in range(2):
        picked, rest = few_labels(n, seed)
        torch.manual_seed(seed)
        head = fit(nn.Linear(128, 5), features[picked], y_new[picked], steps=100)
        runs["frozen + head"].append(score(head, features[rest], y_new[rest]))
        runs["fine-tune (2 stages)"].append(score(fine_tune(picked), X_new[rest], y_new[rest]))
        scratch = fit(SmallCNN(num_classes=5, image_size=8), X_new[picked], y_new[picked],
                      steps=60)
        runs["from scratch"].append(score(scratch, X_new[rest], y_new[rest]))
        reference = LogisticRegression(max_iter=200).fit(flat[picked], y_new[picked])
        runs["sklearn pixels"].append(reference.score(flat[rest], y_new[rest]))
    for m in methods:
        results[m].append(sum(runs[m]) / len(runs[m]))
print("labels/class  " + "  ".join(f"{m:>20s}" for m in methods))
for i, n in enumerate(label_counts):
    print(f"{n:12d}  " + "  ".join(f"{results[m][i]:20.3f}" for m in methods))

# %% [markdown]
# The x-axis is logarithmic.

# %%
fig, ax = plt.subplots(figsize=(6.5, 4))
for m, marker in zip(methods, "osD^"):
    ax.plot(label_counts, results[m], marker + "-", label=m)
ax.set_xscale("log")
ax.set_xticks(label_counts, [str(n) for n in label_counts])
ax.set_xlabel("labelled images per class (digits 5-9)")
ax.set_ylabel("accuracy on the unlabelled rest")
ax.set_title("Pretrained on digits 0-4, tested on 5-9 (mean of 2 seeds)")
ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Three things can be read from the table and the plot.
#
# - The accuracy of every method rises with the number of labels, and the gaps
#   between the methods shrink.
# - The head on frozen features is the lowest on this data: the features
#   before the last layer, learned from 900 images of 8×8 pixels to separate
#   digits 0–4, have dropped much of what separates 5–9. Unfreezing and
#   fine-tuning the whole model with parameter groups wins part of that back.
# - The CNN trained from scratch and logistic regression on the pixels beat
#   both pretrained methods. Pretraining on small, narrow data did not help;
#   for transfer learning to win, the pretraining data must be large and
#   varied enough for the features to be general. As in this comparison,
#   always evaluate a pretrained model next to a model trained from scratch and
#   a simple reference on the same labels.
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
# - What transfer learning gains depends on the pretraining data, so check it
#   against a model trained from scratch on the same labels.
#
# Each concept is explained in detail, with exercises, in lecture
# [3.3 Running experiments](../lectures/w3-3-experiments.md).
