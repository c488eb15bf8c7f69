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
# # Lab: measuring a data loader
#
# A lab that runs and measures the content of lecture 2.4,
# "[Datasets and DataLoader: batches, samplers, collate_fn and data
# shapes](../lectures/w2-4-data.md)", on the lines of the Constitution. It
# first plots the lengths of the lines and shows how the share of padding
# changes with batch size, and how much grouping by length saves. Next it shows
# how weighted sampling changes what a batch holds when a rare kind of line,
# the chapter titles, is drawn more often. Finally it measures how many batches
# per second a `DataLoader` delivers for several batch sizes and numbers of
# workers, and plots them.
#
# The outputs and plots on this page come from executing the notebook when the
# site was built. The outputs of the first two sections are the same on every
# computer. The timings of the last section depend on the CPU of the computer
# that built the site and on its load at the time, so they are shown as that
# computer measured them; run it yourself and you will get other values.

# %% [markdown]
# ## Checking the environment
#
# The first cell imports everything and prints the environment and the number
# of CPU cores. Workers share the cores with the main process, so the number
# of cores matters when reading the last section. It also prints the start
# method of the workers. With `fork`, the default on Linux up to Python 3.13,
# workers use the classes defined in the notebook as they are. Under `spawn`
# (macOS, Windows) and `forkserver` (Linux from Python 3.14) the workers cannot
# find the notebook's `LawLines` and the last section would stop with an
# error, so this cell sets `profile_workers` to time 1 and 2 workers only when
# the start method is `fork`. To time workers under another start method, move
# the class into a `.py` file and import it.

# %%
import multiprocessing
import os
import re
import time
from functools import partial

import matplotlib.pyplot as plt
import torch
from torch.utils.data import DataLoader, Dataset, WeightedRandomSampler

from torchbasics.data import CharTokenizer, load_korean_corpus, pad_collate
from torchbasics.devices import environment_report

torch.manual_seed(0)
print(environment_report())
print("CPU cores:", os.cpu_count())
print("start method:", multiprocessing.get_start_method())
# workers can load the notebook's classes only when they are forked
fork = multiprocessing.get_start_method() == "fork"
profile_workers = [0, 1, 2] if fork else [0]
print("numbers of workers to profile:", profile_workers)

# %% [markdown]
# ## Lengths of the Constitution's lines, and padding
#
# The data of the lecture's
# [map-style dataset](../lectures/w2-4-data.md#map-style-dataset): one sample
# per non-empty line of the Constitution, with a target saying whether the line
# starts an article (`제1조` and so on). Each call of `__getitem__` turns one
# line into token ids. Unlike the lecture's, this class takes the lines and the
# tokenizer as arguments, so that the last section can build a dataset of the
# lines repeated twice with the same class.

# %%
class LawLines(Dataset):
    """Lines of the Constitution: (token ids, 1 if an article starts)."""

    def __init__(self, lines, tokenizer):
        self.lines, self.tokenizer = lines, tokenizer

    def __len__(self):
        return len(self.lines)

    def __getitem__(self, i):
        line = self.lines[i]
        label = int(re.match(r"제\d+조", line) is not None)
        return self.tokenizer.encode_tensor(line), label


text = load_korean_corpus("kolaw")
lines = [s.strip() for s in text.split("\n") if s.strip()]
tokenizer = CharTokenizer.from_text(text)
dataset = LawLines(lines, tokenizer)
collate = partial(pad_collate, padding_value=tokenizer.pad_id)
lengths = torch.tensor([len(s) for s in lines])
print(f"{len(dataset)} lines, vocabulary of {len(tokenizer)} tokens")
print(f"line length: min {lengths.min().item()}, median "
      f"{lengths.median().item()}, max {lengths.max().item()}")

# %% [markdown]
# The share of padding is the number of padding tokens over all elements of
# the padded batch tensors of one epoch. For each batch size it compares randomly shuffled
# batches (from a seeded generator) with batches cut from the lines sorted by
# length. The length-sorted batches are passed as index groups to
# `batch_sampler=`.

# %%
def padding_share(loader):
    batches = [ids for ids, _, _ in loader]
    padded = sum((ids == tokenizer.pad_id).sum().item() for ids in batches)
    return padded / sum(ids.numel() for ids in batches)


by_length = sorted(range(len(lines)), key=lambda i: len(lines[i]))
batch_sizes = [1, 4, 16, 64]
shuffled_share, sorted_share = [], []
for batch_size in batch_sizes:
    shuffled = DataLoader(dataset, batch_size=batch_size, shuffle=True,
                          collate_fn=collate,
                          generator=torch.Generator().manual_seed(0))
    buckets = [by_length[i:i + batch_size]
               for i in range(0, len(lines), batch_size)]
    bucketed = DataLoader(dataset, batch_sampler=buckets, collate_fn=collate)
    shuffled_share.append(padding_share(shuffled))
    sorted_share.append(padding_share(bucketed))
    print(f"batch_size {batch_size:3d}: padding {shuffled_share[-1]:.2f} "
          f"shuffled, {sorted_share[-1]:.2f} sorted by length")

fig, (ax_len, ax_pad) = plt.subplots(1, 2, figsize=(11, 4))
ax_len.hist(lengths.numpy(), bins=40, color="tab:blue")
ax_len.set_xlabel("characters per line")
ax_len.set_ylabel("lines")
ax_len.set_title("Lengths of the Constitution's lines")
ax_pad.plot(batch_sizes, shuffled_share, "o-", label="shuffled")
ax_pad.plot(batch_sizes, sorted_share, "s-", label="sorted by length")
ax_pad.set_xscale("log", base=2)
ax_pad.set_xlabel("batch_size")
ax_pad.set_ylabel("share of padding tokens")
ax_pad.set_ylim(0, 1)
ax_pad.set_title("Padding per epoch")
ax_pad.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# As the left plot shows, most lines are short and long ones are rare, so the
# distribution has a long tail to the right. The larger a random
# batch, the more likely it holds one very long line, so its share of padding
# grows fast; a batch size of 1 has no padding at all. Grouping by length
# leaves far less padding at the same batch size. For training, shuffle the
# order of those batches every epoch.

# %% [markdown]
# ## Weighted sampling and what a batch holds
#
# Chapter titles (`제1장 총강` and so on) are very rare among the lines of the
# Constitution. This counts the chapter titles in each batch of a plain
# shuffle and of a `WeightedRandomSampler` weighted by
# `1 / (lines in the group)`. Both loaders use seeded generators, so the
# result is the same on every run.

# %%
is_heading = torch.tensor([re.match(r"제\d+장", s) is not None for s in lines])
group_sizes = torch.bincount(is_heading.long())
weights = 1.0 / group_sizes[is_heading.long()].double()
print(f"{int(is_heading.sum())} chapter titles among {len(lines)} lines")


def headings_per_batch(loader):
    return [int(is_heading[indices].sum()) for indices in loader]


indices = torch.arange(len(lines))
plain = DataLoader(indices, batch_size=32, shuffle=True,
                   generator=torch.Generator().manual_seed(0))
sampler = WeightedRandomSampler(weights, num_samples=len(lines),
                                generator=torch.Generator().manual_seed(0))
weighted = DataLoader(indices, batch_size=32, sampler=sampler)
plain_counts = headings_per_batch(plain)
weighted_counts = headings_per_batch(weighted)
drawn = torch.cat(list(weighted))
print("chapter titles per batch, shuffled:", plain_counts)
print("chapter titles per batch, weighted:", weighted_counts)
print(f"weighted epoch: {len(drawn.unique())} distinct lines drawn, "
      f"{len(drawn[is_heading[drawn]].unique())} of them chapter titles")

fig, ax = plt.subplots(figsize=(7, 3.6))
positions = torch.arange(len(plain_counts))
ax.bar(positions - 0.2, plain_counts, width=0.4, label="shuffle=True")
ax.bar(positions + 0.2, weighted_counts, width=0.4,
       label="WeightedRandomSampler")
ax.axhline(16, color="gray", linestyle="--", linewidth=1, label="half a batch")
ax.set_xlabel("batch")
ax.set_ylabel("chapter titles in the batch")
ax.set_title("Rare lines per batch of 32")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# With plain shuffling most batches hold no chapter title at all. With
# weighted sampling close to half of each batch is chapter titles (the last
# batch holds only 24, so the dashed line at 16 does not apply to it); in
# exchange the same titles are repeated several times in an epoch, and many of
# the other lines are not drawn at all in that epoch (the number of distinct
# lines in the output above).

# %% [markdown]
# ## Loader speed: batch size and number of workers
#
# Now it times one epoch for several batch sizes `batch_size` and numbers of
# workers `num_workers`, and turns the time into batches per second. The time
# includes starting the worker processes (`persistent_workers=False`, the
# default). So that an epoch is not too short, the dataset holds the
# Constitution's lines twice over, and each combination is timed twice,
# keeping the faster run, to reduce the effect of other programs briefly
# taking the CPU. Starting workers takes time, so the grid is kept small. The
# numbers of workers are the `profile_workers` set in the first cell: only
# `num_workers=0` unless the start method is `fork`.

# %%
profile_set = LawLines(lines * 2, tokenizer)


def epoch_seconds(batch_size, num_workers):
    loader = DataLoader(profile_set, batch_size=batch_size, shuffle=True,
                        collate_fn=collate, num_workers=num_workers,
                        generator=torch.Generator().manual_seed(0))
    start = time.perf_counter()
    n_batches = sum(1 for _ in loader)
    return time.perf_counter() - start, n_batches


profile_batch_sizes = [8, 32, 128]
rates = {}
for num_workers in profile_workers:
    for batch_size in profile_batch_sizes:
        seconds, n_batches = min(epoch_seconds(batch_size, num_workers)
                                 for _ in range(2))
        rates[num_workers, batch_size] = n_batches / seconds
        print(f"num_workers={num_workers} batch_size={batch_size:3d}: "
              f"{n_batches:3d} batches in {seconds:.3f} s, "
              f"{n_batches / seconds:7.1f} batches/s")

# %% [markdown]
# The left plot shows batches per second, the right one the same results as
# samples per second. Batches of different sizes hold different amounts of
# work. Samples per second are inversely proportional to the time an epoch
# takes, so to compare batch sizes, look at samples per second. To compare
# numbers of workers at the same batch size, either plot gives the same
# conclusion.

# %%
fig, (ax_b, ax_s) = plt.subplots(1, 2, figsize=(11, 4))
for num_workers in profile_workers:
    per_batch = [rates[num_workers, b] for b in profile_batch_sizes]
    per_sample = [r * b for r, b in
                  zip(per_batch, profile_batch_sizes, strict=True)]
    label = f"num_workers={num_workers}"
    ax_b.plot(profile_batch_sizes, per_batch, "o-", label=label)
    ax_s.plot(profile_batch_sizes, per_sample, "o-", label=label)
for ax, what in ((ax_b, "batches"), (ax_s, "samples")):
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("batch_size")
    ax.set_ylabel(f"{what} per second")
    ax.set_title(f"DataLoader throughput ({what}/s, {os.cpu_count()} cores)")
    ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# Whether workers helped on this computer is computed from the measurements
# above and printed by the cell below. The `__getitem__` of this dataset does
# light work, turning one short string into token ids, so starting workers and
# moving batches between processes can cost more than it saves, all the
# more if the number of cores printed above is small, since the workers and
# the main process share them.
# Workers pay off when `__getitem__` is heavy, such as reading files or
# decoding images, when there are cores to spare, and with
# `persistent_workers=True`, which pays the start-up once.

# %%
for batch_size in profile_batch_sizes:
    best = max(profile_workers, key=lambda w: rates[w, batch_size])
    line = f"batch_size {batch_size:3d}: fastest with num_workers={best}"
    if 2 in profile_workers:
        ratio = rates[2, batch_size] / rates[0, batch_size]
        line += f"; 2 workers run at {ratio:.2f}x the speed of 0 workers"
    print(line)

# %% [markdown]
# ## Summary
#
# - When line lengths are uneven, the padding of random batches grows with the
#   batch size. Length-sorted batches (`batch_sampler=`) cut the padding a lot.
# - A `WeightedRandomSampler` weighted by the inverse group sizes (chapter
#   title or not) fills close to half of each batch with the rare lines, but
#   repeats the same samples many times.
# - Batches per second depend on batch size and number of workers, and whether
#   workers pay off depends on how heavy `__getitem__` is and on the number of
#   cores. Measure on your own data and computer before choosing.
#
# Each concept is explained in detail, with exercises, in lecture
# [2.4 Datasets and DataLoader](../lectures/w2-4-data.md).
