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
# # Lab: DDP and hyperparameter search
#
# This lab runs the content of lecture 3.4, "[Scaling out](../lectures/w3-4-scaling.md)",
# for real, in several processes. First a script that trains with the `Trainer`
# runs under `torchrun` in two CPU processes with DDP, and its result is compared
# with training in one process. Next a model is split over two devices, and the
# schedule of a pipeline is drawn to show its bubble. Finally Optuna's TPE
# sampler and Hyperband pruner search the hyperparameters of the `Trainer`, and
# two worker processes share the same search through one journal file.
#
# The outputs and plots on this page come from running the notebook while the
# site was built. The two parts of the split model go on two
# different GPUs when there are two or more, both on the GPU when there is
# one, and both on the CPU when there is none, as on the computer that built
# this page. The times, and the details of the search the two workers share,
# change from run to run.

# %% [markdown]
# ## Checking the environment
#
# Import everything needed and print the environment, the number of CPU cores
# and Optuna's version. Every script and file this notebook makes goes into the
# temporary directory `workdir`, deleted when the notebook's Python exits. The
# models of this lab are so small that several compute threads cost more in
# keeping each other in step than they save, so this notebook uses one thread
# (`torch.set_num_threads(1)`) and the processes it starts use one each (the
# environment variable `OMP_NUM_THREADS=1`). That also keeps several processes
# from fighting over a few cores.

# %%
import copy
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt

# optuna's progress bars (tqdm.auto) warn in a notebook without ipywidgets
warnings.filterwarnings("ignore", message="IProgress not found")
import optuna
import torch
from torch import nn

from torchbasics.devices import available_devices, environment_report, get_device

print(environment_report())
print("CPU cores:", os.cpu_count())
print("optuna", optuna.__version__)
optuna.logging.set_verbosity(optuna.logging.WARNING)
torch.set_num_threads(1)
scratch = tempfile.TemporaryDirectory(prefix="w3-4-")  # deleted when Python exits
workdir = Path(scratch.name)
env = dict(os.environ, OMP_NUM_THREADS="1")
sys.path.insert(0, str(workdir))  # to import the scripts written there

# %% [markdown]
# ## DDP training under torchrun
#
# The string below is `ddp_train.py`, the script to run under `torchrun`. It
# trains a small MLP with the `Trainer` on the two half-moons data (512 training and
# 128 validation samples) for 8 epochs, and each process saves its result under
# the name of its rank. For DDP, the script does two things only.
#
# - It gives the loader a `DistributedSampler` itself. The rank and the world
#   size come from the environment variables `torchrun` sets; run plainly, the
#   world size is 1 and the rank 0. The `Trainer` would add a sampler too, but
#   the script reads the world size anyway to divide the batch, and it records
#   the size of the sampler's share (`len(sampler)`). With this sampler in place the `Trainer`
#   uses the loader as it is, and calls `set_epoch` every epoch.
# - The batch size per process is `GLOBAL_BATCH // world_size`, so that the
#   number of samples behind one optimizer step (32) is the same whatever the
#   number of processes.
#
# Joining the process group, wrapping the model in `DistributedDataParallel` and
# summing the metrics over the processes are done by the `Trainer` itself when
# it sees `WORLD_SIZE`. The script sets the device to the CPU, so on any
# computer it runs in CPU processes with the `gloo` backend; take
# `device="cpu"` out of the script and the `Trainer` gives each process its own
# GPU (the GPU of its local rank) and uses `nccl`.

# %%
DDP_TRAIN = '''\
"""Train a small MLP on two moons; under torchrun, with DDP."""
import os
import sys
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, DistributedSampler

from torchbasics.data import make_two_classes
from torchbasics.metrics import accuracy
from torchbasics.training import Trainer

GLOBAL_BATCH = 32  # samples per optimizer step, over all processes


def main(out_dir):
    world_size = int(os.environ.get("WORLD_SIZE", "1"))  # set by torchrun
    rank = int(os.environ.get("RANK", "0"))
    # the same start as the one-process run below (DDP copies rank 0's weights anyway)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
    train_set = make_two_classes(512, noise=0.2, seed=0)
    val_set = make_two_classes(128, noise=0.2, seed=1)
    sampler = DistributedSampler(train_set, num_replicas=world_size, rank=rank,
                                 shuffle=True, seed=0)
    train_loader = DataLoader(train_set, sampler=sampler,
                              batch_size=GLOBAL_BATCH // world_size)
    trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.5),
                      nn.BCEWithLogitsLoss(), max_epochs=8,
                      metrics={"accuracy": accuracy}, device="cpu",
                      progress=False)
    history = trainer.fit(train_loader, DataLoader(val_set, batch_size=64))
    torch.save({"model": model.state_dict(), "history": history,
                "world_size": world_size, "samples": len(sampler),
                "steps": trainer.global_step},
               Path(out_dir) / f"rank{rank}.pt")


if __name__ == "__main__":
    main(sys.argv[1])
'''
(workdir / "ddp_train.py").write_text(DDP_TRAIN)

# %% [markdown]
# Now run `torchrun --standalone --nproc_per_node=2 ddp_train.py OUT_DIR`. The
# `torchrun` command is the same program as `python -m torch.distributed.run`,
# so the Python that runs this notebook starts that module. `torchrun` runs the
# script in two processes, giving them `RANK=0` and `RANK=1` and
# `WORLD_SIZE=2`, and waits for both to finish.

# %%
ddp_dir = workdir / "ddp"
ddp_dir.mkdir()
start = time.perf_counter()
result = subprocess.run(
    [sys.executable, "-m", "torch.distributed.run", "--standalone",
     "--nproc_per_node=2", str(workdir / "ddp_train.py"), str(ddp_dir)],
    capture_output=True, text=True, env=env, timeout=300,
)
seconds = time.perf_counter() - start
print(f"torchrun exit code {result.returncode} after {seconds:.1f} s")
if result.returncode != 0:
    print(result.stderr[-3000:])
ranks = [torch.load(ddp_dir / f"rank{r}.pt", weights_only=True) for r in range(2)]
for r, saved in enumerate(ranks):
    print(f"rank {r} of {saved['world_size']}: {saved['samples']} samples per "
          f"epoch, {saved['steps']} optimizer steps")
same_weights = all(torch.equal(ranks[0]["model"][name], ranks[1]["model"][name])
                   for name in ranks[0]["model"])
print("identical weights on both ranks:", same_weights)
print("identical histories on both ranks:", ranks[0]["history"] == ranks[1]["history"])

# %% [markdown]
# Each process read half the training data, 256 samples per epoch in batches
# of 16: 16 steps per epoch, 128 steps in 8 epochs. Yet their weights are equal
# bit for bit. They started from rank 0's weights and received the same mean
# gradient from the all-reduce at every step. The histories are equal too: the
# `Trainer` sums loss and accuracy over the two processes and records the
# values for the whole data; computed on each process's own share, they would
# differ.
#
# Run without `torchrun`, the same script trains one process on all the data in
# batches of 32. Here the notebook calls its `main` in its own process. The two
# processes' batches together hold the same samples as the one process's batch
# (`DistributedSampler` shuffles in the same order on every rank, and the ranks
# take turns), so the results should agree to rounding error.

# %%
import ddp_train  # the script written above

single_dir = workdir / "single"
single_dir.mkdir()
start = time.perf_counter()
ddp_train.main(single_dir)
seconds = time.perf_counter() - start
single = torch.load(single_dir / "rank0.pt", weights_only=True)
print(f"one process: {single['samples']} samples per epoch, "
      f"{single['steps']} optimizer steps in {seconds:.1f} s")
largest = max((ranks[0]["model"][name] - single["model"][name]).abs().max().item()
              for name in single["model"])
print("DDP and one process agree to 1e-5:", largest < 1e-5)
print("epoch  val_loss (DDP, one process)  val_accuracy (DDP, one process)")
for epoch, values in enumerate(zip(ranks[0]["history"]["val_loss"],
                                   single["history"]["val_loss"],
                                   ranks[0]["history"]["val_accuracy"],
                                   single["history"]["val_accuracy"],
                                   strict=True), start=1):
    print(f"{epoch:5d}  {values[0]:.4f}  {values[1]:.4f}"
          f"                  {values[2]:.3f}  {values[3]:.3f}")

# %%
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.6))
epochs = ranks[0]["history"]["epoch"]
for label, history, style in (("DDP, 2 processes", ranks[0]["history"], "o-"),
                              ("1 process", single["history"], "x--")):
    ax_loss.plot(epochs, history["train_loss"], style, label=f"train, {label}")
    ax_loss.plot(epochs, history["val_loss"], style, label=f"val, {label}")
    ax_acc.plot(epochs, history["val_accuracy"], style, label=label)
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("loss")
ax_loss.set_title("The same training, 2 processes or 1")
ax_loss.legend()
ax_acc.set_xlabel("epoch")
ax_acc.set_ylabel("validation accuracy")
ax_acc.set_title("Validation accuracy")
ax_acc.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The curves lie on top of each other: data parallelism does not change what
# is learned, it only shares out the work of each step. The same training in
# one process takes, as printed above, a fraction of the `torchrun` time, so
# that time is mostly three processes (the launcher and two trainers) starting
# and importing `torch`. With a model this small, the communication
# and the start-up cost more than the computation, so DDP is not faster. It
# pays off with large models on GPUs, where one step's computation is much
# larger than its communication. With several machines, give `--nnodes` and the
# rendezvous options instead of `--standalone` (the lecture's
# [several machines](../lectures/w3-4-scaling.md#multi-node)).

# %% [markdown]
# ## Model parallelism and pipelines
#
# As in the lecture's [model parallelism](../lectures/w3-4-scaling.md#model-parallelism)
# example, the first part and the second part go on different devices. With two
# or more CUDA GPUs the second part uses the second GPU; otherwise both parts
# go on the same device. The output below shows the devices chosen on this
# computer.

# %%
gpus = [d for d in available_devices() if d.startswith("cuda")]
if len(gpus) >= 2:
    first, second = torch.device(gpus[0]), torch.device(gpus[1])
else:  # one device: both halves on it (on the CPU without a GPU)
    first = second = get_device()


class TwoDeviceMLP(nn.Module):
    def __init__(self, first, second):
        super().__init__()
        self.first, self.second = first, second
        self.part1 = nn.Sequential(nn.Linear(2, 64), nn.ReLU()).to(first)
        self.part2 = nn.Sequential(nn.Linear(64, 64), nn.ReLU(),
                                   nn.Linear(64, 1)).to(second)

    def forward(self, x):
        h = self.part1(x.to(self.first))
        return self.part2(h.to(self.second))  # the transfer between devices


torch.manual_seed(0)
split_model = TwoDeviceMLP(first, second)
whole = copy.deepcopy(nn.Sequential(*split_model.part1, *split_model.part2)).cpu()
X = torch.randn(256, 2)
out = split_model(X)
print("part1 on", first, "| part2 on", second, "| output on", out.device)
print("same output as the unsplit model:", torch.allclose(out.cpu(), whole(X), atol=1e-5))
micro = torch.cat([split_model(chunk) for chunk in X.chunk(8)])
print("8 micro-batches give the same output:", torch.allclose(micro, out, atol=1e-5))

# %% [markdown]
# Cutting the batch into micro-batches leaves the output the same; what
# changes is when the devices work. The cell below computes a GPipe schedule:
# stage (device) `s` runs the forward pass of micro-batch `i` in time slot
# `i + s`, and once all forward passes are done, the backward passes run in
# reverse. It counts the empty slots of the schedule to get the share of the
# bubble, compares it with the lecture's formula `(S - 1) / (M + S - 1)`, and
# draws the schedules for 1 and for 4 micro-batches.

# %%
def gpipe_schedule(stages, micro_batches):
    """(stage, slot, micro-batch, "F" or "B") for every unit of work."""
    work = []
    for i in range(micro_batches):
        for s in range(stages):
            work.append((s, i + s, i, "F"))
    start = micro_batches + stages - 1  # the first backward slot
    for i in reversed(range(micro_batches)):
        for s in reversed(range(stages)):
            # the last micro-batch goes back first, starting at the last stage
            back = (micro_batches - 1 - i) + (stages - 1 - s)
            work.append((s, start + back, i, "B"))
    return work


fig, axes = plt.subplots(1, 2, figsize=(11, 2.6))
for ax, m in zip(axes, (1, 4), strict=True):
    schedule = gpipe_schedule(2, m)
    slots = max(slot for _, slot, _, _ in schedule) + 1
    idle = 2 * slots - len(schedule)
    formula = (2 - 1) / (m + 2 - 1)
    print(f"{m} micro-batch(es): {slots} slots, idle share {idle / (2 * slots):.3f}"
          f" (formula {formula:.3f})")
    for stage, slot, i, kind in schedule:
        color = "tab:blue" if kind == "F" else "tab:orange"
        ax.barh(stage, 1, left=slot, color=color, edgecolor="white")
        ax.text(slot + 0.5, stage, f"{kind}{i}", ha="center", va="center",
                color="white", fontsize=9)
    ax.set_yticks([0, 1], ["device 0", "device 1"])
    ax.invert_yaxis()
    ax.set_xlabel("time slot")
    ax.set_title(f"GPipe, {m} micro-batch(es): bubble {idle / (2 * slots):.0%}")
fig.tight_layout()
plt.show()

# %% [markdown]
# With one micro-batch each device is idle half the time (forward passes F in
# blue, backward passes B in orange). With four, the two devices work together
# in most slots, and the idle slots are left at the start and the end only. On
# this CPU computer both parts are on the same device, so nothing actually
# overlaps. Real pipelines are run on GPUs by `torch.distributed.pipelining`.

# %% [markdown]
# ## Hyperparameter search with Optuna
#
# On the two half-moons data (256 samples each for training and validation) we choose
# the learning rate `lr` and the hidden width `hidden` of an MLP. The string
# below is the module `moons_search.py`, which holds the objective function and
# makes the study. This notebook imports it for its own search, and in the next
# section the worker processes run the same module, so the objective function
# lives in one place.
#
# - The objective function builds a `Trainer` with
#   `OptunaPruning(trial, monitor="val_loss")` and returns the validation loss
#   of the last epoch. When a trial is pruned, the callback stops `fit`.
# - The study uses `TPESampler` (random for the first 8 trials) and
#   `HyperbandPruner` (1 to 12 epochs, `η = 3`): the combination of BOHB's two
#   ideas. Hyperband assigns brackets from the study's name and the trial's
#   number, so the study is given a name.
# - A trial's randomness is seeded with the trial's number, so a search in one
#   process gives the same results on every run.

# %%
MOONS_SEARCH = '''\
"""The two-moons search: the objective, and a worker that runs it."""
import sys

import optuna
import torch
from torch import nn
from torch.utils.data import DataLoader

from torchbasics.data import make_two_classes
from torchbasics.training import OptunaPruning, Trainer

MAX_EPOCHS = 12
train_set = make_two_classes(256, noise=0.25, seed=0)
val_set = make_two_classes(256, noise=0.25, seed=1)


def objective(trial):
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    hidden = trial.suggest_int("hidden", 2, 64, log=True)
    torch.manual_seed(trial.number)
    model = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 1))
    trainer = Trainer(model, torch.optim.Adam(model.parameters(), lr=lr),
                      nn.BCEWithLogitsLoss(), max_epochs=MAX_EPOCHS,
                      callbacks=[OptunaPruning(trial, monitor="val_loss")],
                      device="cpu", progress=False)
    train_loader = DataLoader(train_set, batch_size=64, shuffle=True,
                              generator=torch.Generator().manual_seed(trial.number))
    history = trainer.fit(train_loader, DataLoader(val_set, batch_size=256))
    return history["val_loss"][-1]


def make_study(name, storage=None, seed=0):
    return optuna.create_study(
        study_name=name, storage=storage, load_if_exists=True,
        sampler=optuna.samplers.TPESampler(seed=seed, n_startup_trials=8),
        pruner=optuna.pruners.HyperbandPruner(
            min_resource=1, max_resource=MAX_EPOCHS, reduction_factor=3),
    )


def work(journal, name, worker, n_trials):
    """One worker process: join the study in the journal file and run trials."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    backend = optuna.storages.journal.JournalFileBackend(journal)
    study = make_study(name, optuna.storages.JournalStorage(backend), seed=worker)

    def tagged(trial):
        trial.set_user_attr("worker", worker)
        return objective(trial)

    study.optimize(tagged, n_trials=n_trials)


if __name__ == "__main__":  # python moons_search.py JOURNAL NAME WORKER N_TRIALS
    journal, name, worker, n_trials = sys.argv[1:]
    work(journal, name, int(worker), int(n_trials))
'''
(workdir / "moons_search.py").write_text(MOONS_SEARCH)
import moons_search  # the module written above

study = moons_search.make_study("moons")
study.optimize(moons_search.objective, n_trials=30)
states = Counter(t.state.name for t in study.trials)
epochs_run = sum(t.last_step for t in study.trials)
print(f"{len(study.trials)} trials: {states['COMPLETE']} complete, "
      f"{states['PRUNED']} pruned")
print(f"epochs trained: {epochs_run} of {len(study.trials) * moons_search.MAX_EPOCHS}"
      " without pruning")
best = study.best_trial
print(f"best: trial {best.number}, lr={best.params['lr']:.3g}, "
      f"hidden={best.params['hidden']}, val_loss={best.value:.3f}")

# %% [markdown]
# The left plot below shows, for each trial, the validation loss of every
# epoch: the values `OptunaPruning` reported with `trial.report`. The pruned
# trials (gray) stop at rungs such as epochs 1, 3 and 9, where each was
# compared with the trials of its bracket that had reached that epoch before
# it, and only the trials that were not pruned (in color) reach epoch 12. The
# right plot shows the learning rate and width each trial chose: the completed
# trials are colored by their final validation loss (brighter is lower), and
# the pruned ones are hollow gray circles, since their losses were measured at
# other epochs and cannot be compared with the final ones. See whether, after
# the first 8 random trials, TPE gathers its trials in the good region.

# %%
fig, (ax_curves, ax_space) = plt.subplots(1, 2, figsize=(11, 4))
for t in study.trials:
    steps = sorted(t.intermediate_values)
    values = [t.intermediate_values[s] for s in steps]
    if t.state.name == "PRUNED":
        ax_curves.plot(steps, values, color="gray", alpha=0.5, linewidth=1)
    else:
        ax_curves.plot(steps, values, marker=".", linewidth=1.5)
ax_curves.set_yscale("log")
ax_curves.set_xlabel("epoch")
ax_curves.set_ylabel("validation loss")
ax_curves.set_title("Learning curves (gray: pruned)")
complete = [t for t in study.trials if t.state.name == "COMPLETE"]
pruned = [t for t in study.trials if t.state.name == "PRUNED"]
ax_space.scatter([t.params["lr"] for t in pruned], [t.params["hidden"] for t in pruned],
                 facecolors="none", edgecolors="gray", marker="o", label="pruned")
points = ax_space.scatter([t.params["lr"] for t in complete],
                          [t.params["hidden"] for t in complete],
                          c=[t.value for t in complete], cmap="viridis_r", norm="log",
                          marker="o", edgecolors="black", label="complete")
for t in study.trials:
    ax_space.annotate(str(t.number), (t.params["lr"], t.params["hidden"]),
                      textcoords="offset points", xytext=(4, 4), fontsize=7)
ax_space.set_xscale("log")
ax_space.set_yscale("log", base=2)
ax_space.set_xlabel("lr")
ax_space.set_ylabel("hidden")
ax_space.set_title("Trials (number): complete by final val_loss, pruned hollow")
ax_space.legend(loc="center left", fontsize=8)
fig.colorbar(points, ax=ax_space, label="final val_loss (complete trials)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Two workers, one study
#
# Now two worker processes share the same search. The notebook first creates the
# study in a journal file, then starts
# `python moons_search.py JOURNAL NAME WORKER 10` twice with `subprocess.Popen`.
# Each worker loads the study of that name, runs 10 trials and leaves its number
# in each trial's `worker` attribute. The two workers' samplers have different
# seeds, or both would draw the same random start-up values and try each
# configuration twice. Each time they choose new values they read the trials of
# both workers from the file, and so does the pruner: at a rung, a trial of
# worker 1 is compared with worker 0's trials of the same bracket.
# `subprocess.Popen`, unlike `subprocess.run`, does not wait for the process to
# end, so the two workers run at the same time. The study is created before the
# workers start so that the two do not race to create it. On several machines, put the file on a shared file
# system or give a database URL as the storage.

# %%
journal = str(workdir / "moons.journal")
storage = optuna.storages.JournalStorage(
    optuna.storages.journal.JournalFileBackend(journal))
# create it once, before the workers, so that the two do not race to create it
moons_search.make_study("moons-shared", storage)
start = time.perf_counter()
# Popen, unlike subprocess.run, does not wait: the two workers run at the same time
workers = [subprocess.Popen([sys.executable, str(workdir / "moons_search.py"),
                             journal, "moons-shared", str(worker), "10"], env=env)
           for worker in range(2)]
codes = [w.wait(timeout=300) for w in workers]
seconds = time.perf_counter() - start
shared = optuna.load_study(study_name="moons-shared", storage=storage)
by_worker = Counter(t.user_attrs["worker"] for t in shared.trials)
print(f"worker exit codes {codes} after {seconds:.1f} s")
print(f"{len(shared.trials)} trials in the journal; trials per worker:",
      dict(sorted(by_worker.items())))
print("trial numbers are unique:",
      sorted(t.number for t in shared.trials) == list(range(len(shared.trials))))
print("the best trial trained all epochs:",
      shared.best_trial.last_step == moons_search.MAX_EPOCHS)

# %% [markdown]
# The two workers ran 10 trials each, 20 in all, and no trial number is used
# twice: the storage hands out the numbers. Which worker ran which trial, and
# the values found, depend on the order in which the two processes wrote to the
# file, which changes from run to run, so they are not printed above; the plot
# below shows them over time instead. Time runs to the right, and each bar is a
# trial (the number inside is the trial's number; a gray edge marks a pruned
# trial). Where the two workers' bars overlap in time, the two processes ran
# trials at the same time. Time is counted from the start of the first trial,
# so the time the worker processes spent importing `torch` and `optuna` is not
# in it. Each worker's first trial is unusually long because creating the
# first optimizer in a process makes PyTorch import more of its modules.

# %%
t0 = min(t.datetime_start for t in shared.trials)
fig, ax = plt.subplots(figsize=(10, 2.6))
for t in shared.trials:
    begin = (t.datetime_start - t0).total_seconds()
    length = (t.datetime_complete - t.datetime_start).total_seconds()
    worker = t.user_attrs["worker"]
    pruned = t.state.name == "PRUNED"
    ax.barh(worker, length, left=begin, color=f"C{worker}",
            edgecolor="gray" if pruned else "black", alpha=0.5 if pruned else 0.9)
    ax.text(begin + length / 2, worker, str(t.number), ha="center", va="center",
            fontsize=7)
ax.set_yticks([0, 1], ["worker 0", "worker 1"])
ax.invert_yaxis()
ax.set_xlabel("seconds since the first trial started")
ax.set_title("Two processes, one study (journal file)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Summary
#
# - In the DDP training run with `torchrun --standalone --nproc_per_node=2`, the
#   two processes ended with the same weights and the same history, and agreed,
#   to rounding error, with training in one process on the same global batch.
#   `DistributedSampler` and `set_epoch` give the two processes shares that do
#   not overlap (512 divides evenly).
# - A model split over two devices gives the same output, and cutting the batch
#   into micro-batches adds slots where the devices work together, which
#   shrinks the bubble.
# - The search with TPE and Hyperband saved epochs by stopping hopeless trials
#   early, through `OptunaPruning`.
# - Two workers sharing a journal file shared the trials of one study. Adding
#   machines means starting more workers and giving them the same storage.
#
# The explanation of each idea, and exercises, are in lecture
# [3.4 Scaling out](../lectures/w3-4-scaling.md).
