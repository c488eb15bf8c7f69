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
# # 실습: 오토인코더, VAE, GAN
#
# 강의 4.4 「[생성 모델](../lectures/w4-4-generative.md)」의 세 모델을 MNIST 숫자
# 5,000개(학습 4,000개, 시험 1,000개)로 학습하고, 강의에서 숫자로만 본 것을 그림으로
# 봅니다. 오토인코더의 재구성과 2차원 잠재 공간을 주성분 분석과 나란히 그리고, VAE로
# 새 숫자를 뽑고 잠재 공간의 지도와 보간을 그리며, GAN의 샘플이 에포크마다 어떻게
# 바뀌는지와 두 손실이 어떻게 흔들리는지 봅니다. 마지막으로 작은 분류기로 생성된
# 숫자의 종류를 세어, 픽셀별 모델과 견주며 모드 붕괴의 흔적을 찾아봅니다.
#
# 이 페이지의 출력과 그림은 사이트를 빌드할 때 노트북을 실제로 실행해서 얻은
# 결과입니다. 사이트는 코어 2개짜리 CPU에서 빌드되고 이 노트북 전체가 몇 초 만에
# 끝나야 하므로, 모델은 은닉층 하나짜리 MLP이고 학습은 몇 에포크뿐입니다. 그래서
# 샘플은 흐릿합니다. 계산을 더 쓰면 무엇이 달라지는지는 마지막 절에 적었습니다.
# 오토인코더와 VAE의 수치는 시드를 고정했으므로 다시 실행해도 거의 같지만, GAN의
# 학습은 작은 차이도 크게 키우므로 다른 컴퓨터에서는 다른 샘플과 곡선이 나옵니다.

# %% [markdown]
# ## 준비
#
# 필요한 것을 불러오고 실행 환경을 출력한 다음, MNIST 표본을 시드를 준 순열로 섞어
# 학습 4,000개와 시험 1,000개로 나눕니다. 강의의 예제와 같은 나눔입니다. 이 실습의
# 모델은 아주 작아서
# 계산 스레드를 여럿 쓰면 스레드끼리 맞추는 비용이 계산보다 크므로,
# `torch.set_num_threads(1)`로 스레드를 하나만 씁니다.

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
# ## 기준: 픽셀마다 따로 뽑은 숫자
#
# 강의의 [첫 절](../lectures/w4-4-generative.md#independent-pixels)처럼 픽셀마다
# 잉크일 확률을 학습 이미지의 평균으로 두고, 픽셀마다 따로 뽑아(픽셀마다 베르누이
# 뽑기) 이미지를 만듭니다. 윗줄은 진짜 시험 숫자이고, 아랫줄의 첫 칸은 이 모델의 픽셀별
# 확률, 곧 평균 이미지이며, 나머지 7칸은 그 뽑기입니다. 출력하는 값은 시험 이미지당 이진
# 교차 엔트로피입니다. 회색 픽셀에서는 진짜 음의 로그 가능도가 아니고, 옆에 출력한
# 바닥값 아래로는 내려갈 수 없습니다(강의 참고).

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
# 잉크의 양과 자리는 맞지만 획이 없습니다. 이웃한 픽셀이 함께 잉크가 되는 관계를 이
# 모델은 모릅니다.
#
# ## 오토인코더
#
# 잠재 공간이 2차원인 `AutoEncoder`를 10 에포크 학습하면서, 에포크마다 학습과 시험
# 데이터의 손실(픽셀당 이진 교차 엔트로피)을 기록합니다.

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
# 같은 시험 이미지를 같은 크기(2)의 잠재 공간을 쓰는 PCA로도 재구성하고, 평균 제곱
# 오차를 비교합니다. 코드를 쓰지 않고 언제나 평균 이미지를 내는 모델도 함께 둡니다.
# 그림의 첫 줄은 원래 이미지, 둘째 줄은 PCA, 셋째 줄은 오토인코더의 재구성입니다.

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
# 두 모델 모두 숫자 두 개만으로 재구성하므로 흐릿하지만, 오토인코더 쪽이 숫자의 모양을
# 더 많이 살립니다. 이제 두 잠재 공간을 그립니다. 시험 이미지 1,000개의 코드를 점으로
# 찍고 숫자의 종류마다 색을 다르게 칠했습니다. 두 모델 모두 레이블을 본 적이 없습니다.
# 가까운 학습 코드 5개의 다수결로 시험 숫자의 종류를 맞히는 정확도를 제목에 적었습니다.

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
# PCA의 평면에서는 0과 1 정도만 떨어져 있고 나머지 숫자는 한가운데 겹쳐 있습니다.
# 오토인코더의 잠재 공간에서는 더 많은 숫자가 제 영역을 가지며, 가운데에 겹친 숫자들도
# PCA보다 덜 섞여 있습니다. 다만 열 가지 숫자를 담기에 2차원은 좁습니다. 그런데 코드들이 놓인
# 영역은 원점에 있지도 않고 모양도 제멋대로여서, 이 공간의 어디서 코드를 뽑아야 숫자가
# 나올지 알 수 없습니다. 시험 코드들의 범위를 보십시오.

# %%
print("autoencoder codes, min per axis:", ae_codes[1].min(0).round(1))
print("autoencoder codes, max per axis:", ae_codes[1].max(0).round(1))

# %% [markdown]
# ## 변분 오토인코더
#
# 같은 크기의 잠재 공간(2차원)으로 `VAE(latent_dim=2, hidden=(128,))`를 강의의 예제처럼 8 에포크 학습하고, 에포크마다 시험
# 데이터의 음의 ELBO를 재구성 항과 KL 항으로 나눠 기록합니다.

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
# 두 선은 같은 식으로 잰 값이므로, VAE의 선이 점선 아래에 있으면 VAE가 시험 숫자를
# 픽셀별 모델보다 잘 설명한다는 뜻입니다. 맨 아래 점선인 회색 값의 바닥값은 두 값에
# 똑같이 들어 있습니다. KL 항은 코드가 사전 분포에서 얼마나 떨어져 있는지이며, 재구성
# 항보다 훨씬 작습니다. 두 항은 서로 당깁니다. 코드를 사전 분포 쪽으로 모을수록 KL 항은
# 작아지지만 이미지마다 코드를 구별하기 어려워져 재구성 항이 커집니다. 학습 초반에는
# 인코더가 아직 엉망이어서 두 항이 함께 줄어듭니다. 당김은 `vae_loss`의 `beta`를 키울 때
# 분명해집니다. KL이 더 줄고 재구성 항이 커집니다.
#
# 이제 새 숫자를 뽑습니다. `vae.sample(16)`은 $\mathcal{N}(0, I)$에서 코드 16개를 뽑아
# 픽셀별 확률, 곧 코드마다의 평균 이미지로 디코딩합니다. 픽셀별 모델의 뽑기와 공정하게
# 견주도록, 셋째 줄은 둘째 줄의 각 이미지에서 베르누이로 뽑은 것입니다. 이것도 점이
# 흩어져 있지만 점들이 획을 따라 놓입니다.

# %%
vae_samples = vae.sample(16, generator=torch.Generator().manual_seed(0))  # pixel means
vae_draws = torch.bernoulli(vae_samples[8:], generator=torch.Generator().manual_seed(0))
plot_image_grid(torch.cat([vae_samples, vae_draws]), nrows=3,
                titles=["VAE means"] * 16 + ["draws of row 2"] * 8)

# %% [markdown]
# 잠재 공간이 2차원이므로 공간 전체를 한 장의 지도로 그릴 수 있습니다. 각 축에서
# 표준정규분포의 분위수 12개(2%에서 98%까지)를 골라 만든 12 × 12 격자의 코드를
# 디코딩해 이어 붙였습니다. 사전 분포에서 뽑은 코드가 실제로 자주 나오는 범위입니다.
# `icdf`는 누적 확률을 값으로 바꾸는 함수(분위수 함수)로, `icdf(0.02)`는 표준정규분포에서
# 2%가 그보다 작은 값입니다. 숫자가 한 모양에서 다른 모양으로 빈틈없이 바뀌어 가지만,
# 제 자리가 거의 없는 숫자도 있습니다.

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
# 마지막으로 보간입니다. 시험 숫자 세 쌍(0 → 1, 3 → 9, 4 → 9)마다 두 코드($\mu$)를
# 잇는 직선 위의 8개 점을 디코딩했습니다. 양 끝은 시험 이미지가 아니라 VAE의
# 재구성입니다. 각 쌍의 아랫줄은 비교를 위해 두 이미지의
# 픽셀을 같은 비율로 직접 섞은 것입니다.

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
# 픽셀을 섞은 줄에서는 중간의 이미지가 두 숫자를 겹쳐 놓은 흐린 그림입니다. 0 → 1과
# 3 → 9의 잠재 공간 줄에서는 중간 이미지가 모두 디코더가 그린 하나의 숫자 모양입니다.
# 4 → 9의 줄은 실패의 예로 남겨 두었습니다. 이 VAE에서는 그 4의 코드가 9의 영역에
# 떨어져, 줄이 처음부터 끝까지 9입니다. 열 종류의 숫자를 담기에 2차원은 좁아서 4와 9처럼
# 닮은 숫자는 한 자리를 나눠 씁니다. 잠재 공간을 키우면 나아집니다.
#
# ## GAN
#
# `GAN(latent_dim=32, hidden=(128,))`의 생성자는 32 → 128 → 784, 판별자는
# 784 → 128 → 1입니다. 진짜 이미지는 `x * 2 - 1`로 생성자의 범위 $[-1, 1]$로 옮깁니다.
# 강의의 [번갈아 학습하기](../lectures/w4-4-generative.md#gan-training)와 같은 루프로
# 학습하면서 걸음마다 두 손실을, 에포크마다 판별자가 진짜와 가짜에 주는 평균 확률을
# 기록하고, 고정된 잡음 8개로 만든 샘플을 모아 둡니다.

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
# 같은 잡음 8개에서 나온 샘플을 2 에포크와 8 에포크가 끝날 때 한 줄씩
# 그렸습니다. 잡음이 같으므로 한 열은 같은 $z$가 학습이 진행되며 어떻게 바뀌는지를
# 보여 줍니다.

# %%
shown = [2, GAN_EPOCHS]
plot_image_grid(torch.cat([snapshots[e - 1] for e in shown]), nrows=len(shown),
                titles=[f"epoch {e}" if i == 0 else "" for e in shown for i in range(8)])

# %% [markdown]
# 다음은 학습의 흐름입니다. 왼쪽은 걸음마다의 두 손실(옅은 선)과 그 이동 평균(진한
# 선)이고, 점선은 판별자가 아무것도 가리지 못할 때의 값 $2\ln 2$와 $\ln 2$입니다.
# 오른쪽은 에포크가 끝날 때 판별자가 진짜 이미지와 가짜 이미지에 준 평균 확률입니다.

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
# 두 손실은 내려가기만 하는 곡선이 아닙니다. 한쪽이 좋아지면 다른 쪽의 목표가 바뀌므로
# 서로 밀고 당기며 오르내립니다. 두 점선은 판별자가 모든 이미지에 정확히 0.5를 줄 때의
# 값이어서, 두 손실이 동시에 그 아래에 있을 수도 있습니다. 판별자가 진짜에 높은 확률을,
# 가짜에도 0.5보다 조금 큰 확률을 주면, 판별자 손실은 진짜 쪽 덕분에 $2\ln 2$보다 작고
# 생성자 손실은 $\ln 2$보다 작습니다. 누가 이기는지는 오른쪽 그림의 두 확률로 읽는 편이
# 쉽습니다. D(fake)가 0.5보다 크면 생성자가 판별자를 평균적으로 속이고 있는 것이고, 두
# 확률이 벌어진 채 D(fake)가 0.5보다 작으면 판별자가 이기고 있는 것입니다.
#
# ## 모드 붕괴: 생성된 숫자의 종류 세기
#
# 생성된 이미지가 어떤 숫자인지 세려면 판정할 분류기가 필요합니다. 은닉층 하나짜리
# MLP를 학습 데이터로 5 에포크 학습하고, 시험 정확도를 확인합니다.

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
# 이제 같은 수(1,000개)의 이미지를 네 곳에서 가져와 분류기가 판정한 숫자의 비율을
# 그립니다. 진짜 시험 이미지, VAE의 샘플, GAN의 샘플, 픽셀별 모델의 샘플입니다. VAE와
# 픽셀별 모델은 둘 다 베르누이로 뽑은 같은 종류의 이미지로 분류기에 넣습니다. 제목에는
# 분류기가 그 숫자라고 확신하는 정도(가장 큰 확률의 평균)를, 출력에는 분류기가 확신하는
# (가장 큰 확률이 0.9보다 큰) 샘플의 비율도 적었습니다. 진짜 이미지는 열 종류가 고르게
# 나옵니다. 모드 붕괴가 있으면 몇몇 숫자에 몰리고 다른 숫자는 거의 나오지 않지만, 몰림만으로는
# 아무것도 증명되지 않습니다. 픽셀별 모델은 샘플마다 따로 뽑으므로 붕괴할 수 없어, 비교
# 기준(대조군)이 됩니다.

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
# 진짜 시험 이미지는 열 종류에 고르게 나뉘고, 분류기는 그 대부분을 확신합니다. 픽셀별
# 모델의 샘플은 점 구름이어서 분류기가 거의 하나도 확신하지 못하는데도, 그 상당수를 한
# 숫자로 판정합니다. 이것이 대조군이 보여 주는 것입니다. 붕괴할 수 없는 모델도 한 숫자로
# 몰립니다. 진짜 숫자로 학습한 분류기는 읽을 수 없는 이미지를 한두 종류로 보내기 쉽기
# 때문입니다. VAE의 뽑기는 여러 숫자에 퍼져 있지만 몇몇 숫자가 모자라거나 넘칩니다. 2차원
# 잠재 공간의 지도에서 넓은 자리를 차지한 숫자가 더 자주 뽑히고, 자리가 거의 없는 숫자는
# 드물게 뽑히기 때문입니다. GAN의 막대도 소수의 숫자에 몰릴 수 있습니다. 그 몰림은 확신의
# 정도, 확신하는 샘플의 비율, 그리고 픽셀별 모델의 막대와 함께 읽어야 합니다. 분류기가 GAN의
# 샘플도 거의 확신하지 못한다면, 이렇게 짧은 학습에서 이 개수만으로는 모드 붕괴와 분류기가
# 읽지 못하는 샘플을 가려낼 수 없습니다. 먼저 볼 것은 위의 고정 잡음 그림입니다. 그 열들이
# 서로 다른 모양이면 생성자는 한 이미지로 붕괴하지 않은 것입니다. 모드 붕괴라고 말하려면
# 샘플이 숫자다워질 때까지 더 오래 학습한 뒤에도 몇 가지 숫자만 나와야 합니다. GAN의 결과는
# 시드와 컴퓨터에 따라 달라지므로, 직접 실행하면 다른 숫자에 몰리는 모습을 볼 수도 있습니다.
#
# ## 더 많은 계산이 바꾸는 것
#
# - MNIST 전체(6만 개)로 수십 에포크 이상 학습하면 VAE의 샘플도 GAN의 샘플도 훨씬
#   또렷해집니다. 특히 GAN은 수천 걸음이 지나야 숫자다운 샘플을 냅니다. 여기서는
#   8 에포크, 504걸음입니다.
# - 이미지에는 합성곱 신경망이 맞습니다. 합성곱 인코더·판별자와 전치 합성곱
#   디코더·생성자(DCGAN)는 같은 파라미터 수로 더 선명한 숫자를 만듭니다.
# - 잠재 공간을 16차원이나 32차원으로 키우면 재구성은 좋아지지만, 사전 분포에서 뽑은
#   샘플이 꼭 나아지지는 않습니다. 2차원은 지도로 그리기 위한 선택입니다.
# - GAN의 흔들림과 모드 붕괴는 스펙트럼 정규화나 WGAN-GP 같은 방법으로 줄이고,
#   샘플의 질과 다양성은 이 실습의 분류기 대신 큰 사전 학습 신경망으로 재는 FID 같은
#   지표로 평가합니다.

# %% [markdown]
# 각 개념의 설명과 연습 문제는 강의 [4.4 생성 모델](../lectures/w4-4-generative.md)에
# 있습니다.
