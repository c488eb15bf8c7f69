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
# # Lab: autoencoders, VAEs and GANs
#
# This lab trains the three models of lecture 4.4,
# "[Generative models](../lectures/w4-4-generative.md)", on 5,000 MNIST digits
# (4,000 for training, 1,000 for testing), and draws what the lecture could only
# print as numbers. It draws the autoencoder's reconstructions and its 2-D latent
# space next to principal component analysis, samples new digits from the VAE
# and draws a map of its latent space and some interpolations, and shows how
# the GAN's samples change from epoch to epoch and how its two losses swing.
# Finally it counts the kinds of generated digits with a small classifier to
# look for signs of mode collapse, with the per-pixel model as a control.
#
# The outputs and figures on this page come from executing the notebook when
# the site was built. The site is built on a 2-core CPU and the whole notebook
# must run in seconds, so the models are MLPs with one hidden layer,
# trained for a few epochs only, and the samples are blurry. The last section
# says what more compute would change. The autoencoder's and the VAE's numbers
# come out almost the same when run again, since the seeds are fixed, but GAN
# training magnifies tiny differences, so another computer gives other samples
# and other curves.

# %% [markdown]
# ## Setup
#
# Import what we need, print the environment, then shuffle the MNIST sample with
# a seeded permutation and split it into 4,000 training and 1,000 test images,
# the same split as the lecture's examples. The models of this lab are so small
# that several compute threads spend more time waiting on each other than
# computing, so `torch.set_num_threads(1)` keeps a single one.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.decomposition import PCA
from sklearn.neighbors import KNeighborsClassifier
from torch import nn
from torch.nn import functional as F

from torchbasics.data import load_mnist_sample
from torchbasics.devices import environment_report
from torchbasics.models import GAN, VAE, AutoEncoder, vae_loss
from torchbasics.plotting import plot_image_grid

print(environment_report())
torch.set_num_threads(1)  # tiny models: one thread is faster than two that wait on each other
images, labels = load_mnist_sample().tensors
perm = torch.randperm(5000, generator=torch.Generator().manual_seed(0))
train, test = images[perm[:4000]], images[perm[4000:]]
y_train, y_test = labels[perm[:4000]], labels[perm[4000:]]
print("train", tuple(train.shape), "test", tuple(test.shape))

# %% [markdown]
# ## Baseline: digits drawn pixel by pixel
#
# As in the lecture's [first section](../lectures/w4-4-generative.md#independent-pixels),
# each pixel's probability of ink is its mean over the training images, and an
# image is made by drawing each pixel on its own (a Bernoulli draw per pixel).
# The top row shows real test digits; the bottom row starts with the model's
# pixel means, the mean image, followed by 7 of its draws. The value printed is
# the binary cross-entropy per test image; with grey pixels it is not a true
# negative log-likelihood, and it cannot go below the floor printed next to it
# (see the lecture).

# %%
pixel_p = train.mean(0).clamp(1e-3, 1 - 1e-3)  # (1, 28, 28)
pixel_nll = F.binary_cross_entropy(pixel_p.expand_as(test), test,
                                   reduction="sum").item() / len(test)
bce_floor = F.binary_cross_entropy(test, test, reduction="sum").item() / len(test)
print(f"independent pixels: BCE {pixel_nll:.1f} nats per test image "
      f"(floor of the grey values: {bce_floor:.1f})")
pixel_samples = torch.bernoulli(pixel_p.expand(7, 1, 28, 28),
                                generator=torch.Generator().manual_seed(0))
plot_image_grid(torch.cat([test[:8], pixel_p.unsqueeze(0), pixel_samples]), nrows=2,
                titles=["real"] * 8 + ["pixel means"] + ["pixel draw"] * 7)

# %% [markdown]
# The amount and place of the ink are right, but there are no strokes: this
# model knows nothing of neighbouring pixels being ink together.
#
# ## Autoencoder
#
# Train an `AutoEncoder` with a 2-D latent space for 10 epochs, recording the
# loss (binary cross-entropy per pixel) on the training and the test data after
# every epoch.

# %%
def bce_per_pixel(model, x):
    with torch.no_grad():
        return F.binary_cross_entropy_with_logits(model(x), x).item()


torch.manual_seed(0)
ae = AutoEncoder(latent_dim=2, hidden=(128,))
optimizer = torch.optim.Adam(ae.parameters(), lr=1e-2)
ae_history = {"epoch": [], "train_loss": [], "val_loss": []}
start = time.perf_counter()
for epoch in range(1, 11):
    for x in train[torch.randperm(4000)].split(100):
        loss = F.binary_cross_entropy_with_logits(ae(x), x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    ae_history["epoch"].append(epoch)
    ae_history["train_loss"].append(bce_per_pixel(ae, train))
    ae_history["val_loss"].append(bce_per_pixel(ae, test))
print(f"autoencoder: 10 epochs in {time.perf_counter() - start:.1f} s")
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.plot(ae_history["epoch"], ae_history["train_loss"], marker="o", label="train")
ax.plot(ae_history["epoch"], ae_history["val_loss"], marker="o", label="test")
ax.set_xlabel("epoch")
ax.set_ylabel("BCE per pixel")
ax.set_title("Autoencoder, 2-D latent space")
ax.legend()
plt.show()

# %% [markdown]
# Reconstruct the same test images with PCA in a latent space of the same size
# (2) too, and compare the mean squared errors, next to a model that ignores
# the code and always gives the mean image. In the figure, the first row holds
# the original images, the second PCA's reconstructions and the third the
# autoencoder's.

# %%
flat_train, flat_test = train.flatten(1).numpy(), test.flatten(1).numpy()
pca = PCA(n_components=2).fit(flat_train)
pca_codes = pca.transform(flat_train), pca.transform(flat_test)
pca_recon = torch.from_numpy(pca.inverse_transform(pca_codes[1])).view_as(test)
with torch.no_grad():
    ae_recon = torch.sigmoid(ae(test))
    ae_codes = ae.encode(train).numpy(), ae.encode(test).numpy()
mse = {
    "mean image": F.mse_loss(train.mean(0).expand_as(test), test).item(),
    "PCA, 2 numbers": F.mse_loss(pca_recon, test).item(),
    "autoencoder, 2 numbers": F.mse_loss(ae_recon, test).item(),
}
for name, value in mse.items():
    print(f"{name:>24}: test MSE {value:.4f}")
plot_image_grid(torch.cat([test[:8], pca_recon[:8].clamp(0, 1), ae_recon[:8]]),
                nrows=3, titles=["original"] * 8 + ["PCA"] * 8 + ["autoencoder"] * 8)

# %% [markdown]
# Both rebuild from two numbers only and are blurry, but the autoencoder keeps
# more of each digit's shape. Now draw both latent spaces: the codes of the
# 1,000 test images as dots, one colour per kind of digit. Neither model has
# ever seen a label. The titles give the accuracy of telling the kind of each
# test digit by the majority vote of the 5 nearest training codes.

# %%
def knn_accuracy(codes):
    knn = KNeighborsClassifier(5).fit(codes[0], y_train.numpy())
    return knn.score(codes[1], y_test.numpy())


fig, axes = plt.subplots(1, 2, figsize=(8, 3.3))
for ax, (name, codes) in zip(axes, [("PCA", pca_codes), ("autoencoder", ae_codes)]):
    points = ax.scatter(codes[1][:, 0], codes[1][:, 1], c=y_test.numpy(), cmap="tab10",
                        s=8, vmin=-0.5, vmax=9.5)
    ax.set_title(f"{name}: 5-NN accuracy {knn_accuracy(codes):.2f}")
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
fig.colorbar(points, ax=axes, ticks=range(10), label="digit")
plt.show()

# %% [markdown]
# In PCA's plane only the 0s and 1s stand apart, and the other digits overlap in
# the middle. In the autoencoder's latent space more digits have a region of
# their own, and those that overlap in the middle are less mixed than in PCA's,
# though two dimensions are narrow for ten kinds of digits. But the region the codes cover is neither centred on the origin nor of
# any regular shape, so there is no telling where in this space to draw a code
# from to get a digit. Look at the range of the test codes.

# %%
print("autoencoder codes, min per axis:", ae_codes[1].min(0).round(1))
print("autoencoder codes, max per axis:", ae_codes[1].max(0).round(1))

# %% [markdown]
# ## Variational autoencoder
#
# Train a `VAE(latent_dim=2, hidden=(128,))`, with a latent space of the same
# size (2), for 8 epochs like the lecture's example, recording the negative ELBO on the test data after
# every epoch, split into its reconstruction and KL terms.

# %%
def vae_parts(model, x):
    with torch.no_grad():
        logits, mu, logvar = model(x)
        return vae_loss(logits, x, mu, logvar)


torch.manual_seed(0)
vae = VAE(latent_dim=2, hidden=(128,))
optimizer = torch.optim.Adam(vae.parameters(), lr=3e-3)
vae_history = {"epoch": [], "reconstruction": [], "kl": [], "total": []}
start = time.perf_counter()
for epoch in range(1, 9):
    for x in train[torch.randperm(4000)].split(100):
        logits, mu, logvar = vae(x)
        loss = vae_loss(logits, x, mu, logvar).total
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    parts = vae_parts(vae, test)
    vae_history["epoch"].append(epoch)
    for key in ("reconstruction", "kl", "total"):
        vae_history[key].append(getattr(parts, key).item())
print(f"VAE: 8 epochs in {time.perf_counter() - start:.1f} s")
print(f"test -ELBO {vae_history['total'][-1]:.1f} nats per image "
      f"(reconstruction {vae_history['reconstruction'][-1]:.1f} "
      f"+ KL {vae_history['kl'][-1]:.1f}); independent pixels: {pixel_nll:.1f}; "
      f"floor: {bce_floor:.1f}")
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
axes[0].plot(vae_history["epoch"], vae_history["total"], marker="o", label="VAE: -ELBO")
axes[0].axhline(pixel_nll, color="gray", linestyle="--", label="independent pixels")
axes[0].axhline(bce_floor, color="black", linestyle=":", label="floor of the grey values")
axes[0].set_ylabel("BCE per test image (nats)")
axes[0].legend()
axes[1].plot(vae_history["epoch"], vae_history["kl"], marker="o", color="C2")
axes[1].set_ylabel("KL term, nats per image")
for ax in axes:
    ax.set_xlabel("epoch")
fig.suptitle("VAE on the test images")
fig.tight_layout()
plt.show()

# %% [markdown]
# Both curves are measured with the same formula, so a VAE curve below the
# dashed line means the VAE scores the test digits better than the per-pixel
# model; the dotted floor of the grey values is part of both. The KL term is
# how far the codes are from the prior, and it is much smaller than the
# reconstruction term. The two terms pull against each other: gathering the
# codes towards the prior makes the KL term smaller, but the codes of different
# images become harder to tell apart, and the reconstruction term grows. Early
# in training the encoder is still poor and both terms fall together; the pull
# shows when `beta` in `vae_loss` is raised: the KL falls further and the
# reconstruction term grows.
#
# Now draw new digits: `vae.sample(16)` draws 16 codes from $\mathcal{N}(0, I)$
# and decodes them into pixel probabilities, the mean image for each code. To
# compare fairly with the per-pixel model's draws, the third row is a Bernoulli
# draw from each image of the second row: speckled too, but along strokes.

# %%
vae_samples = vae.sample(16, generator=torch.Generator().manual_seed(0))  # pixel means
vae_draws = torch.bernoulli(vae_samples[8:], generator=torch.Generator().manual_seed(0))
plot_image_grid(torch.cat([vae_samples, vae_draws]), nrows=3,
                titles=["VAE means"] * 16 + ["draws of row 2"] * 8)

# %% [markdown]
# With a 2-D latent space, the whole space fits on one map. Twelve quantiles of
# the standard normal (from 2% to 98%) on each axis make a 12 × 12 grid of codes,
# decoded and put side by side: the range where codes drawn from the prior
# mostly fall. `icdf` (the quantile function) turns a cumulative probability
# into a value: `icdf(0.02)` is the value that 2% of the standard normal lies
# below. The digits change from one shape into another without gaps; some
# digits have little or no area of their own.

# %%
quantiles = torch.distributions.Normal(0.0, 1.0).icdf(torch.linspace(0.02, 0.98, 12))
# rows: z[1] from high to low; columns: z[0] from low to high
grid = torch.cartesian_prod(quantiles.flip(0), quantiles)[:, [1, 0]]  # (144, 2)
with torch.no_grad():
    tiles = torch.sigmoid(vae.decode(grid)).view(12, 12, 28, 28)
mosaic = tiles.permute(0, 2, 1, 3).reshape(12 * 28, 12 * 28)  # (12, 28, 12, 28) -> one image
fig, ax = plt.subplots(figsize=(3.6, 3.6))
ax.imshow(mosaic.numpy(), cmap="gray", extent=(0, 12, 0, 12))
ax.set_xticks(np.arange(12) + 0.5, [f"{q:.1f}" for q in quantiles.tolist()], fontsize=7)
ax.set_yticks(np.arange(12) + 0.5, [f"{q:.1f}" for q in quantiles.tolist()], fontsize=7)
ax.set_xlabel("z[0]")
ax.set_ylabel("z[1]")
ax.set_title("VAE decoder over the 2-D latent space")
plt.show()

# %% [markdown]
# Last, interpolation. For three pairs of test digits (0 → 1, 3 → 9, 4 → 9),
# 8 points on the straight line between their codes ($\mu$) are decoded; the
# ends are the VAE's reconstructions, not the test images. Below
# each pair, for comparison, the pixels of the two images are mixed directly in
# the same proportions.

# %%
rows, row_titles = [], []
steps = torch.linspace(0, 1, 8).unsqueeze(1)  # (8, 1)
for first, last in [(0, 1), (3, 9), (4, 9)]:
    a, b = test[y_test == first][:1], test[y_test == last][:1]
    with torch.no_grad():
        mu_a, mu_b = vae.encode(a)[0], vae.encode(b)[0]
        rows.append(torch.sigmoid(vae.decode((1 - steps) * mu_a + steps * mu_b)))
    rows.append((1 - steps.view(8, 1, 1, 1)) * a + steps.view(8, 1, 1, 1) * b)
    row_titles += [f"latent {first}->{last}"] * 8 + [f"pixels {first}->{last}"] * 8
plot_image_grid(torch.cat(rows), nrows=6, titles=row_titles)

# %% [markdown]
# In the rows that mix pixels, the images in the middle are blurry double
# exposures of the two digits. In the latent-space rows for 0 → 1 and 3 → 9,
# every image in between is a single digit shape made by the decoder. The
# 4 → 9 row is kept as a failure: with this VAE it is a 9 from start to end,
# because the code of that 4 lies in the 9s' region, where it decodes as a 9.
# Two dimensions are narrow for ten kinds of digits, so look-alike digits such
# as 4 and 9 share one place; a larger latent space does better.
#
# ## GAN
#
# The generator of `GAN(latent_dim=32, hidden=(128,))` is 32 → 128 → 784 and
# its discriminator 784 → 128 → 1. The real images are moved to the generator's
# range $[-1, 1]$ with `x * 2 - 1`. The loop is the one of the lecture's
# [training them in turn](../lectures/w4-4-generative.md#gan-training); it
# records both losses at every step and, after every epoch, the mean
# probabilities the discriminator gives real and fake images, and keeps the
# samples made from 8 fixed noise vectors.

# %%
GAN_EPOCHS = 8
torch.manual_seed(0)
gan = GAN(latent_dim=32, hidden=(128,))
opt_d = torch.optim.Adam(gan.discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_g = torch.optim.Adam(gan.generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
real_train = train * 2 - 1
fixed_noise = gan.noise(8, generator=torch.Generator().manual_seed(0))
steps_log = {"d_loss": [], "g_loss": []}
epoch_log = {"d_real": [], "d_fake": []}
snapshots = []
start = time.perf_counter()
for epoch in range(1, GAN_EPOCHS + 1):
    for real in real_train[torch.randperm(4000)].split(64):
        fake = gan.generator(gan.noise(len(real)))
        d_loss = gan.discriminator_loss(real, fake)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = gan.generator_loss(fake)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        steps_log["d_loss"].append(d_loss.item())
        steps_log["g_loss"].append(g_loss.item())
    with torch.no_grad():
        epoch_log["d_real"].append(torch.sigmoid(gan.discriminator(real_train[:1000])).mean().item())
        epoch_log["d_fake"].append(torch.sigmoid(gan.discriminator(gan.sample(1000))).mean().item())
        snapshots.append((gan.generator(fixed_noise) + 1) / 2)  # back to [0, 1]
print(f"GAN: {GAN_EPOCHS} epochs, {len(steps_log['d_loss'])} steps "
      f"in {time.perf_counter() - start:.1f} s")

# %% [markdown]
# The samples from the same 8 noise vectors, one row after epoch 2 and one
# after epoch 8. The noise is fixed, so each column shows how
# the image made from one $z$ changes as training goes on.

# %%
shown = [2, GAN_EPOCHS]
plot_image_grid(torch.cat([snapshots[e - 1] for e in shown]), nrows=len(shown),
                titles=[f"epoch {e}" if i == 0 else "" for e in shown for i in range(8)])

# %% [markdown]
# Next, the course of training. On the left, both losses at every step (light)
# and their moving averages (dark); the dotted lines are their values when the
# discriminator cannot tell anything apart, $2\ln 2$ and $\ln 2$. On the right,
# the mean probabilities the discriminator gives real and fake images at the end
# of each epoch.

# %%
def moving_average(values, width=25):
    kernel = np.ones(width) / width
    return np.convolve(values, kernel, mode="valid")


fig, axes = plt.subplots(1, 2, figsize=(12, 3.6))
for key, color in (("d_loss", "C0"), ("g_loss", "C1")):
    axes[0].plot(steps_log[key], color=color, alpha=0.25)
    axes[0].plot(np.arange(24, len(steps_log[key])), moving_average(steps_log[key]),
                 color=color, label=key)
axes[0].axhline(2 * np.log(2), color="C0", linestyle=":")
axes[0].axhline(np.log(2), color="C1", linestyle=":")
axes[0].set_xlabel("step")
axes[0].set_ylabel("loss")
axes[0].legend()
epochs = range(1, GAN_EPOCHS + 1)
axes[1].plot(epochs, epoch_log["d_real"], marker="o", label="D(real)")
axes[1].plot(epochs, epoch_log["d_fake"], marker="o", label="D(fake)")
axes[1].axhline(0.5, color="gray", linestyle=":")
axes[1].set_ylim(0, 1)
axes[1].set_xlabel("epoch")
axes[1].set_ylabel("mean probability of 'real'")
axes[1].legend()
fig.suptitle("GAN training dynamics")
fig.tight_layout()
plt.show()

# %% [markdown]
# The two losses do not only go down. When one side improves, the other side's
# target moves, so they push and pull, up and down. The dotted lines are the
# values when the discriminator gives every image exactly 0.5, so both losses
# can lie below them at once: if the discriminator gives real images a high
# probability and fakes a little more than 0.5, its loss is below $2\ln 2$
# thanks to the real half, and the generator's loss is below $\ln 2$. Who is
# winning is easier to read from the two probabilities on the right: where
# D(fake) is above 0.5 the generator is fooling the discriminator on average;
# where the two stay apart with D(fake) below 0.5, the discriminator is
# winning.
#
# ## Mode collapse: counting the kinds of generated digits
#
# To count which digits the generated images are, we need a classifier to
# judge them. Train an MLP with one hidden layer on the training data for 5
# epochs and check its test accuracy.

# %%
torch.manual_seed(0)
classifier = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
optimizer = torch.optim.Adam(classifier.parameters(), lr=1e-3)
for epoch in range(5):
    order = torch.randperm(4000)
    for x, y in zip(train[order].split(100), y_train[order].split(100)):
        loss = F.cross_entropy(classifier(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
with torch.no_grad():
    accuracy = (classifier(test).argmax(1) == y_test).float().mean().item()
print(f"classifier test accuracy: {accuracy:.3f}")

# %% [markdown]
# Now take the same number (1,000) of images from four sources and plot the
# share of each digit the classifier predicts: real test images, VAE samples,
# GAN samples and samples of the per-pixel model. The VAE and the per-pixel
# model are both shown to the classifier as Bernoulli draws, the same kind of
# image. Each title also gives how sure the classifier is of its answer (the
# mean of its largest probability), and the printout the share of samples it
# is sure of (largest probability above 0.9). Real images come out evenly over
# the ten kinds. Under mode collapse the samples crowd onto a few digits and
# others hardly appear, but crowding alone proves nothing: the per-pixel model
# draws every sample independently and cannot collapse, so it is the control.

# %%
sources = {  # VAE and per-pixel model: both as Bernoulli draws
    "real test images": test,
    "VAE draws": torch.bernoulli(vae.sample(1000, generator=torch.Generator().manual_seed(1)),
                                 generator=torch.Generator().manual_seed(1)),
    "GAN samples": (gan.sample(1000, generator=torch.Generator().manual_seed(1)) + 1) / 2,
    "independent pixels": torch.bernoulli(pixel_p.expand(1000, 1, 28, 28),
                                          generator=torch.Generator().manual_seed(1)),
}
fig, axes = plt.subplots(1, 4, figsize=(14, 3), sharey=True)
for ax, (name, batch) in zip(axes, sources.items()):
    with torch.no_grad():
        probs = F.softmax(classifier(batch), dim=1)
    counts = torch.bincount(probs.argmax(1), minlength=10)
    ax.bar(range(10), (counts / len(batch)).numpy())
    ax.set_xticks(range(10))
    ax.set_title(f"{name}\nconfidence {probs.max(1).values.mean():.2f}", fontsize=10)
    ax.set_xlabel("predicted digit")
    confident = probs.max(1).values > 0.9
    print(f"{name:>18}: {int((counts >= 20).sum())} digits with at least 2% of the samples, "
          f"largest share {counts.max().item() / len(batch):.2f}; "
          f"confident (p > 0.9): {confident.float().mean().item():.2f} of the samples")
axes[0].set_ylabel("share of the samples")
fig.tight_layout()
plt.show()

# %% [markdown]
# The real test images split evenly over the ten kinds, and the classifier is
# sure of most of them. The per-pixel model's samples are clouds of dots: the
# classifier is sure of almost none of them, and yet it puts a large share of
# them on one digit. That is what the control shows: a model that cannot
# collapse crowds onto one digit too, because a classifier trained on real
# digits tends to send images it cannot read to one or two classes. The VAE's
# draws spread over many digits, with some too rare or too frequent: digits
# that take up a large area of the 2-D latent map are drawn more often, and
# digits with almost no area rarely. The GAN's bars may crowd onto a
# few digits too. Read that crowding together with the confidence, the share
# of confident samples and the per-pixel model's bars: if the classifier is
# sure of almost none of the GAN's samples either, then in a run this short
# the count cannot tell mode collapse from samples the classifier cannot read.
# Look first at the fixed-noise figure above: if its columns are different
# shapes, the generator has not collapsed onto one image. To call it mode
# collapse, the samples must still come out as only a few digits after
# training long enough for them to look like digits. GAN results change with
# the seed and the computer, so running it yourself may show the samples
# crowding onto other digits.
#
# ## What more compute would change
#
# - Training on the whole of MNIST (60,000 images) for tens of epochs or more
#   makes both the VAE's and the GAN's samples much sharper. A GAN in
#   particular needs thousands of steps before its samples look like digits;
#   here it had 8 epochs, 504 steps.
# - Images call for convolutional networks: convolutional encoders and
#   discriminators with transposed-convolution decoders and generators (DCGAN)
#   make sharper digits with the same number of parameters.
# - A latent space of 16 or 32 dimensions makes reconstructions better, though
#   samples from the prior need not improve; two dimensions were chosen to draw
#   the map.
# - GAN swings and mode collapse are reduced with methods such as spectral
#   normalisation or WGAN-GP, and the quality and diversity of samples are
#   judged with metrics such as FID, computed with a large pretrained network
#   instead of this lab's classifier.

# %% [markdown]
# The explanations of each idea and the exercises are in lecture
# [4.4 Generative models](../lectures/w4-4-generative.md).
