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
# # Hands-on: tensors, NumPy and the GPU
#
# This is the hands-on companion to lecture W1.1, "Tensors, NumPy and the GPU".
# Every output and plot on this page was produced by running the notebook when
# the site was built, so the timings come from the build machine; run it
# yourself and you will get different numbers. The code runs unchanged on a
# machine without a GPU.

# %% [markdown]
# ## Check the environment
#
# Start by printing what you are running on. `environment_report()` lists the
# torch and Python versions and the devices PyTorch can use, one fact per line.
# `get_device()` picks the best device this machine has: a CUDA GPU first, then
# Apple's MPS, then the CPU.
#
# This notebook never writes the string `"cuda"`; it always goes through the
# `device` variable, so the same code runs on an NVIDIA GPU, an Apple GPU or
# the CPU. To force the CPU on a machine that has a GPU, set the environment
# variable `TORCHBASICS_DEVICE=cpu`.
#
# Outside a notebook, `python -m torchbasics` in a terminal prints the same
# report, says which optional extras are installed, and gives the command that
# installs what is missing.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from torchbasics.devices import (
    Stopwatch,
    environment_report,
    get_device,
    measure,
    synchronize,
)

torch.manual_seed(0)
print(environment_report())
device = get_device()
print(f"\nthis notebook computes on: {device}")

# %% [markdown]
# ## Create tensors and inspect them
#
# There are many ways to create a tensor. Whichever you use, it pays to check
# four attributes straight away: the data type (`dtype`), the `shape`, the
# number of dimensions (`ndim`) and the `device` the tensor lives on. Most
# shape-mismatch and wrong-device errors explain themselves once you print
# these four.
#
# Things to notice in the output:
#
# - A tensor built from a list of Python ints, and `arange` called with integer
#   arguments, get the integer type `torch.int64`.
# - `zeros`, `rand`, `randn` and friends use PyTorch's default floating-point
#   type, `torch.float32`, unless told otherwise.
# - Only the tensor created with `device=` lives on the device that
#   `get_device()` chose; all the others are on the CPU.

# %%
examples = {
    "torch.tensor(nested list)": torch.tensor([[1, 2, 3], [4, 5, 6]]),
    "torch.zeros(2, 3)": torch.zeros(2, 3),
    "torch.ones(2, 3, dtype=float64)": torch.ones(2, 3, dtype=torch.float64),
    "torch.arange(0, 10, 2)": torch.arange(0, 10, 2),
    "torch.rand(2, 3, 4)": torch.rand(2, 3, 4),
    "torch.randn(3, 3, device=device)": torch.randn(3, 3, device=device),
}
for name, tensor in examples.items():
    print(
        f"{name:<34} dtype={str(tensor.dtype):<14} "
        f"shape={str(tuple(tensor.shape)):<10} ndim={tensor.ndim} "
        f"device={tensor.device}"
    )

# %% [markdown]
# ## Arithmetic and indexing
#
# Arithmetic operators work elementwise. One detail about types: `/` always
# returns floating-point values, even when both operands are integer tensors;
# use `//` when you want an integer result. Indexing and slicing follow NumPy's
# syntax, and indexing with a boolean mask returns a 1-D tensor of the elements
# where the condition holds.

# %%
x = torch.tensor([[1, 2, 3], [4, 5, 6]])
print("x + 10   ->", (x + 10).tolist())
print("x * x    ->", (x * x).tolist())
print("x / 2    ->", (x / 2).tolist(), (x / 2).dtype)
print("x // 2   ->", (x // 2).tolist(), (x // 2).dtype)
print("x[1]     ->", x[1].tolist())
print("x[:, 1]  ->", x[:, 1].tolist())
print("x[x > 2] ->", x[x > 2].tolist())

# %% [markdown]
# ## Moving tensors between devices
#
# `.to(device)` copies a tensor to the given device and `.cpu()` brings it
# back. If the tensor is already on that device, no copy is made and the
# original tensor is returned. All tensors in one operation must be on the same
# device: mixing a CPU tensor and a GPU tensor raises a `RuntimeError`
# (except a 0-dimensional CPU tensor, which is accepted as a scalar). The
# first line of output shows the devices the tensor passed through; the second
# checks that the values survived the round trip.

# %%
x_dev = x.to(device)
back = x_dev.cpu()
print(x.device, "->", x_dev.device, "->", back.device)
print("same values after the round trip:", torch.equal(x, back))

# %% [markdown]
# ## Broadcasting: RGB to luminance
#
# Images are usually handled as tensors of shape (channels, height, width),
# written `(C, H, W)`. Instead of downloading anything, we build two small
# synthetic images from tensor operations:
#
# - the first one gets brighter in red from left to right and in green from top
#   to bottom, with diagonal stripes in blue and a little seeded noise on top;
# - the second one is four solid bars: pure red, pure green, pure blue and
#   white.
#
# Building the first image already uses broadcasting. Adding the vertical
# coordinates `ys`, of shape `(H, 1)`, to the horizontal coordinates `xs`, of
# shape `(1, W)`, gives an `(H, W)` grid. Broadcasting compares two shapes
# **starting from the rightmost dimension**. Each pair of sizes must be equal,
# or one of them must be 1 (or missing altogether); a dimension of size 1 then
# behaves as if it were stretched to the other size. Nothing is actually
# copied.
#
# Three functions in the cell are new: `torch.linspace(0, 1, n)` makes `n`
# evenly spaced values from 0 to 1; `expand(H, W)` does that stretching
# explicitly, returning a view of size `(H, W)` without copying; and
# `clamp(0, 1)` cuts every value below 0 to 0 and above 1 to 1, the range of
# valid colour values.

# %%
H, W = 64, 96
ys = torch.linspace(0, 1, H).unsqueeze(1)  # (H, 1)
xs = torch.linspace(0, 1, W).unsqueeze(0)  # (1, W)
red = xs.expand(H, W)
green = ys.expand(H, W)
blue = 0.5 + 0.5 * torch.sin(12 * (xs + ys))  # (H, W)
noise = 0.03 * torch.randn(3, H, W)
img = (torch.stack([red, green, blue]) + noise).clamp(0, 1)

bars = torch.zeros(3, H, W)
bar_w = W // 4
for channel in range(3):
    bars[channel, :, channel * bar_w:(channel + 1) * bar_w] = 1.0
bars[:, :, 3 * bar_w:] = 1.0

print("ys:", tuple(ys.shape), " xs:", tuple(xs.shape))
print("xs + ys:", tuple((xs + ys).shape))
print("img:", tuple(img.shape), img.dtype)
print("bars:", tuple(bars.shape), bars.dtype)

# %% [markdown]
# To turn a color image into a gray one we do not simply average the three
# channels. The eye is most sensitive to green and least to blue, so the
# channels get different weights. We use the relative-luminance weights of the
# Rec. 709 (sRGB) primaries, `[0.2126, 0.7152, 0.0722]`.
#
# The weights have shape `(3,)` and the image has shape `(3, H, W)`. Multiply
# them as they are and the 3 of the weights is paired with the image's
# rightmost dimension, the width `W`, which fails: the printed error message
# describes exactly that mismatch. Calling `unsqueeze(-1)` twice gives shape
# `(3, 1, 1)`: now the 3 lines up with the channel dimension, and the two
# size-1 dimensions stretch to `H` and `W`. Multiplying and then summing over
# the channel dimension leaves an `(H, W)` luminance image.
#
# The channel dimension is given as `dim=-3` (third from the end) rather than
# `dim=0`, so the very same code also works on a batch of shape
# `(N, 3, H, W)`. The last line checks the result against a sum written out
# channel by channel.

# %%
weights = torch.tensor([0.2126, 0.7152, 0.0722])
print("weights:", tuple(weights.shape))
try:
    img * weights
except RuntimeError as err:
    print("img * weights fails:", err)

w = weights.unsqueeze(-1).unsqueeze(-1)
gray = (img * w).sum(dim=-3)
print("w:", tuple(w.shape))
print("img:", tuple(img.shape), "-> gray:", tuple(gray.shape))

by_hand = weights[0] * img[0] + weights[1] * img[1] + weights[2] * img[2]
print("same as the per-channel sum:", torch.allclose(gray, by_hand))

# %% [markdown]
# `torch.stack` puts the two images into a batch of shape `(2, 3, H, W)`.
# Multiplying it by the `(3, 1, 1)` weights treats them as `(1, 3, 1, 1)`, with
# a size-1 dimension added on the left, and converts both images at once,
# without a loop.
#
# The output tells you whether the first image of the batch matches the single
# image converted above, and what gray value each of the four bars gets. A pure
# color bar comes out as exactly its channel's weight, and the white bar as
# the sum of all three weights.

# %%
batch = torch.stack([img, bars])
batch_gray = (batch * w).sum(dim=-3)
print("batch:", tuple(batch.shape), "-> gray:", tuple(batch_gray.shape))
print("first image as before:", torch.allclose(batch_gray[0], gray))
bar_values = batch_gray[1, 0, ::bar_w].tolist()
print("gray value of each bar:", [round(v, 4) for v in bar_values])

# %% [markdown]
# matplotlib's `imshow` expects a color image as `(H, W, 3)`, so
# `permute(1, 2, 0)` moves the channel dimension to the end. Like
# broadcasting, `permute` copies no data; it only changes the order in which
# the data is read. In the bars at the bottom, all three color bars have the
# value 1 in their own channel, yet in gray the green bar is far brighter than
# the red one and the blue bar is almost black.

# %%
fig, axes = plt.subplots(2, 2, figsize=(8, 5.6))
for row in range(2):
    axes[row, 0].imshow(batch[row].permute(1, 2, 0))
    axes[row, 0].set_title(f"batch[{row}]: RGB")
    axes[row, 1].imshow(batch_gray[row], cmap="gray", vmin=0, vmax=1)
    axes[row, 1].set_title(f"batch[{row}]: luminance")
    axes[row, 0].set_ylabel("height (pixels)")
for ax in axes[1]:
    ax.set_xlabel("width (pixels)")
fig.suptitle("Luminance by broadcasting: (2, 3, H, W) * (3, 1, 1)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Sharing memory with NumPy
#
# `torch.from_numpy()` and `.numpy()` do not copy data. The tensor and the
# NumPy array point to the same memory, so changing one changes the other.
# `torch.tensor()`, by contrast, always makes a copy.
#
# The code below changes the first element of the array **after** both
# tensors have been created. Look at which tensor sees the change, and at what
# `np.shares_memory` and a comparison of memory addresses (`data_ptr()`) say.

# %%
arr = np.arange(5, dtype=np.float32)
shared = torch.from_numpy(arr)
copied = torch.tensor(arr)
arr[0] = 100.0
print("numpy array:      ", arr)
print("torch.from_numpy: ", shared)
print("torch.tensor:     ", copied)
print("shares memory with arr?")
print("  from_numpy  :", np.shares_memory(arr, shared.numpy()))
print("  torch.tensor:", np.shares_memory(arr, copied.numpy()))
print("  same address:", shared.data_ptr() == arr.ctypes.data)

# %% [markdown]
# The same holds in the other direction: the array returned by `.numpy()`
# shares memory with its tensor, so an in-place operation such as `add_` on the
# tensor shows up in the array too. The trailing underscore in a method name
# marks an operation that modifies the tensor in place.
#
# Two more things worth remembering:
#
# - NumPy's default floating-point type is `float64`; PyTorch's is `float32`.
#   `from_numpy` keeps the type it is given, which is why `.float()` often
#   appears before data goes into a model. The last two lines of output show
#   the difference.
# - `.numpy()` only works on CPU tensors. A tensor on a GPU has to be brought
#   over with `.cpu()` first, and the resulting array is a copy that no longer
#   shares memory with the GPU tensor.

# %%
ones = torch.ones(3)
ones_np = ones.numpy()
ones.add_(1)
print("tensor after add_: ", ones)
print("the .numpy() array:", ones_np)
from_float64 = torch.from_numpy(np.arange(3.0))
print("from_numpy(np.arange(3.0)).dtype:", from_float64.dtype)
print("torch.get_default_dtype():       ", torch.get_default_dtype())

# %% [markdown]
# ## view, reshape and contiguity
#
# A tensor is a flat block of numbers, its storage, plus a description of how
# to read that storage as a shape. The stride says, for each dimension, how
# many elements to skip in the storage to move one step along that dimension.
# A tensor whose elements sit in storage in row-major order, with no gaps, is
# called contiguous.
#
# Transposing with `.t()` moves no numbers: it only swaps the shape and the
# strides. In the output, the two stride values trade places after the
# transpose, `is_contiguous()` becomes `False`, and the storage is still the
# original one.

# %%
m = torch.arange(12).reshape(3, 4)
mt = m.t()
for name, tensor in [("m", m), ("m.t()", mt)]:
    print(
        f"{name:<6} shape={tuple(tensor.shape)} stride={tensor.stride()} "
        f"contiguous={tensor.is_contiguous()} "
        f"shares storage with m={tensor.data_ptr() == m.data_ptr()}"
    )

# %% [markdown]
# `view` always returns a new shape over the same storage, and raises an error
# when that is impossible. Flattening the non-contiguous `m.t()` would require
# the elements in a different order, so `view` fails. `reshape` shares the
# storage like `view` when it can and copies when it cannot. It therefore
# always succeeds, but whether its result shares memory with the input depends
# on the input. `.contiguous()` copies a non-contiguous tensor into a new,
# contiguous one.
#
# Use `view` when you rely on writes through the result reaching the original,
# since sharing is then guaranteed; use `reshape` when all you need is the new
# shape.

# %%
print("m.view(2, 6) shares storage:", m.view(2, 6).data_ptr() == m.data_ptr())
try:
    mt.view(12)
except RuntimeError as err:
    print("mt.view(12) fails:", err)
flat = mt.reshape(12)
print("mt.reshape(12):", flat.tolist())
print("mt.reshape(12) shares storage:", flat.data_ptr() == m.data_ptr())
fixed = mt.contiguous()
print(
    "mt.contiguous(): stride", fixed.stride(),
    "contiguous", fixed.is_contiguous(),
)

# %% [markdown]
# ## Matrix multiplication speed: CPU vs accelerator
#
# Now for some timing. For several sizes `n` we multiply two `n × n` matrices
# and measure how long it takes. `measure` first runs the function a few times
# as a warm-up, so that one-off costs of the first calls (CUDA initialization,
# memory allocation) are left out; it then repeats the call, synchronizing the
# device each time, and reports the median. A single product of small matrices
# is so short that the clock and the synchronization would swamp it, so
# `number` runs several products back to back inside each timed repetition
# and averages them; the smaller the size, the more products per repetition
# (`number` is inversely proportional to `n³`).
#
# If an accelerator such as a GPU is present, both the CPU and the accelerator
# are timed; otherwise only the CPU is. Which case you are looking at is
# printed, and shown in the plot title. The matrices are created directly on
# the device being timed, so no transfer between devices is included.
#
# The `accelerator:` line below says what the machine that built this page had.
# When it says `none (cpu only)`, the table and the plots show the CPU only, and
# the `vs cpu` column, the CPU compared with itself, is always 1.0x; the
# accelerator's rows and curves appear when you run this notebook on a machine
# with a GPU, and their numbers are then measured on that machine.
#
# Multiplying two `n × n` matrices takes about `2n³` floating-point operations
# (multiplications plus additions), so `2n³` divided by the time gives the
# throughput in GFLOP/s. The `vs cpu` column says how many times faster than
# the CPU each device is at that size.

# %%
sizes = [64, 128, 256, 512, 1024]
devices = [torch.device("cpu")]
if device.type != "cpu":
    devices.append(device)
accelerator = "none (cpu only)" if device.type == "cpu" else str(device)
print("accelerator:", accelerator)
print("timing on:", ", ".join(str(dev) for dev in devices))


def time_matmul(n, dev):
    a = torch.randn(n, n, device=dev)
    b = torch.randn(n, n, device=dev)
    number = max(1, 2**24 // n**3)
    return measure(lambda: a @ b, dev, repeats=5, warmup=3, number=number)


medians = {}
for dev in devices:
    medians[str(dev)] = [time_matmul(n, dev).median for n in sizes]

header = ["n", "device", "median ms", "GFLOP/s", "vs cpu"]
print("\n{:>6} {:>8} {:>10} {:>9} {:>7}".format(*header))
for i, n in enumerate(sizes):
    for name, seconds in medians.items():
        gflops = 2 * n**3 / seconds[i] / 1e9
        speedup = medians["cpu"][i] / seconds[i]
        print(
            f"{n:>6} {name:>8} {seconds[i] * 1e3:>10.3f} "
            f"{gflops:>9.1f} {speedup:>6.1f}x"
        )

# %% [markdown]
# Both plots use log scales. The left one shows the time of one
# multiplication, the right one the throughput. Things to look for:
#
# - Doubling `n` multiplies the work by eight. On the CPU, check whether the
#   time for large `n` grows by close to that factor.
# - Throughput is low for small matrices: fixed costs such as the function call
#   take up most of the time, not the arithmetic.
# - If the machine you run this on has an accelerator, find where the two
#   curves start to pull apart. A GPU pays a fixed cost to start each piece of
#   work, so on small matrices it may be barely faster than the CPU, or even
#   slower; the gap grows with the size of the matrices.
# - The numbers differ from machine to machine: the number of CPU cores, the
#   linear-algebra library (BLAS) and the kind of GPU all matter.

# %%
fig, (ax_time, ax_rate) = plt.subplots(1, 2, figsize=(9, 3.8))
for name, seconds in medians.items():
    ms = [s * 1e3 for s in seconds]
    gflops = [2 * n**3 / s / 1e9 for n, s in zip(sizes, seconds)]
    ax_time.plot(sizes, ms, marker="o", label=name)
    ax_rate.plot(sizes, gflops, marker="o", label=name)
ax_time.set_title("Time per matmul")
ax_time.set_ylabel("median time (ms, log scale)")
ax_rate.set_title("Throughput, $2n^3$ / time")
ax_rate.set_ylabel("GFLOP/s (log scale)")
for ax in (ax_time, ax_rate):
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(sizes, [str(n) for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel("matrix size n (n x n @ n x n)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
fig.suptitle(f"Matrix multiplication, accelerator: {accelerator}")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Why synchronization matters
#
# GPU work on CUDA and MPS is asynchronous. When Python reaches `a @ b`, it
# only puts the work in the GPU's queue and moves on to the next line without
# waiting for the result. A bare `time.perf_counter()` before and after the
# operation therefore measures how long it took to queue the work, not to do
# it. To time it properly you have to wait until the device has finished
# everything queued before reading the clock; this is called synchronization.
# `Stopwatch` and `measure` call `synchronize(device)` at the start and at the
# end of each measurement.
#
# The next cell times ten `1024 × 1024` matrix multiplications on `device` in
# three ways: `perf_counter` without synchronizing, `Stopwatch`, and
# `measure`.

# %%
n = 1024
a = torch.randn(n, n, device=device)
b = torch.randn(n, n, device=device)


def ten_matmuls():
    for _ in range(10):
        c = a @ b
    return c


ten_matmuls()
synchronize(device)
start = time.perf_counter()
ten_matmuls()
naive = time.perf_counter() - start

with Stopwatch(device) as sw:
    ten_matmuls()
timing = measure(ten_matmuls, device, repeats=3, warmup=0)

print(f"device: {device}")
print(f"naive perf_counter: {naive * 1e3:9.3f} ms")
print(f"Stopwatch:          {sw.elapsed * 1e3:9.3f} ms")
print(f"measure:            {timing.median * 1e3:9.3f} ms (median)")
print(f"Stopwatch / naive:  {sw.elapsed / naive:9.1f}x")

# %% [markdown]
# On the CPU an operation has finished by the time the call returns, so the
# three numbers are close and the ratio on the last line is near one. Run the
# same cell on a GPU and the unsynchronized number comes out far smaller than
# the other two: it is the time spent queueing the work, not computing it.
#
# Synchronization also happens where you do not see it. Anything that brings a
# GPU value back to the CPU, such as `print(c)`, `.item()` or `.cpu()`, waits
# for the computation to finish. Timed carelessly, the slow line appears to be
# the one that fetches the value rather than the one that does the work. Always
# time GPU code with a tool that synchronizes.

# %% [markdown]
# ## Summary
#
# - After creating a tensor, check its `dtype`, `shape`, `ndim` and `device`.
# - Broadcasting matches shapes from the rightmost dimension; `unsqueeze`
#   inserts size-1 dimensions to choose which dimensions pair up.
# - `torch.from_numpy` and `.numpy()` share memory; `torch.tensor` copies.
# - `view` only succeeds when it can share the storage; `reshape` copies when
#   it has to. Operations such as a transpose leave a tensor non-contiguous.
# - Choose the device with `get_device()`, and synchronize when timing GPU
#   work.
#
# Lecture [W1.1 Tensors, NumPy and the GPU](../lectures/w1-1-tensors.md)
# explains each of these ideas in more depth.
