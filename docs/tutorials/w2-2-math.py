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
# # 실습: 딥러닝의 수학
#
# 강의 W2.2 「[딥러닝의 수학: 경사 하강법, 소프트맥스와 교차 엔트로피,
# 몬테카를로](../lectures/w2-2-math.md)」의 내용을 실행하고 그림으로 확인하는
# 실습입니다. 등고선 위에서 경사 하강법의 걸음을 보고, 미니배치 기울기의 잡음을
# 배치 크기별로 잽니다. 이어서 로그-합-지수가 왜 필요한지 그림으로 확인하고, 손글씨
# 숫자 데이터에서 소프트맥스 회귀(softmax regression)를 두 번 학습합니다. 한 번은
# 기울기까지 직접 쓴 교차 엔트로피와 경사 하강법으로, 한 번은 `F.cross_entropy`와
# `torch.optim.SGD`로 학습하고 두 결과가 같은지 봅니다. 마지막으로 학습한 분류기의
# 출력을 확률 분포로 읽고, 몬테카를로 방법으로 원주율 $\pi$를 어림합니다.
#
# 이 페이지의 출력과 그래프는 사이트를 빌드할 때 노트북을 실제로 실행해서 얻은
# 결과입니다. 무작위 수는 모두 시드를 정해 뽑습니다. 장치나 라이브러리 버전이
# 다르면 마지막 자리가 조금 다르게 나올 수 있습니다.

# %% [markdown]
# ## 실행 환경 확인
#
# 첫 셀은 필요한 것을 모두 불러오고 실행 환경을 출력합니다. 이 실습의 계산은
# 모두 작아서 CPU에서 합니다. `F`는 관례대로 `torch.nn.functional`을 부르는
# 이름입니다.

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
# ## 등고선 위의 경사 하강법
#
# 강의와 같은 손실 $L(w) = (w_1 - 3)^2 + 5\,(w_2 + 1)^2$를 씁니다. 최솟값은
# $(3, -1)$이고, $w_2$ 방향이 $w_1$ 방향보다 다섯 배 가파릅니다. `loss_fn`은
# 마지막 차원에 $(w_1, w_2)$가 든 텐서를 받으므로 점 하나에도, 등고선을 그릴
# 격자 전체에도 쓸 수 있습니다.
#
# `gradient_descent`는 $w \leftarrow w - \eta\,\nabla L(w)$를 되풀이하면서 지나간
# 자리와 손실을 기록합니다. 강의의 두 멈춤 규칙이 처음 멈추라고 한 걸음도
# 기록합니다. 기울기 노름이 $10^{-3}$보다 작아진 걸음과 한 걸음의 손실 변화가
# $10^{-3}$보다 작아진 걸음입니다. 두 규칙이 모두 멈추라고 하면 끝내고, 발산하는
# 학습률 0.21에서는 걸음 수의 상한을 30으로 둡니다.

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
# 왼쪽 그림은 등고선 위의 걸음입니다. 학습률 0.05는 $w_1$ 방향으로 천천히
# 다가가고, 0.19는 가파른 $w_2$ 방향으로 골짜기를 가로질러 오가며 다가갑니다.
# 오른쪽 그림은 걸음마다의 손실을 로그 눈금으로 그리고, 두 멈춤 규칙이 멈추라고
# 한 걸음에 표시를 했습니다. 손실 변화 규칙(동그라미)이 기울기 노름 규칙(가위표)보다
# 늘 먼저 멈추며, 그때 손실은 아직 최솟값의 손실 0보다 한참 위에 있습니다. 0.21의
# 손실은 $w_1$ 쪽이 줄어드는 동안 두 걸음 줄다가, 그 뒤로 $w_2$ 쪽이 커지면서 끝없이
# 커집니다.

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
# ## 미니배치 기울기의 잡음
#
# 이번에는 학습 데이터의 손실입니다. W1.2처럼 특성 두 개로 선형 회귀 데이터를
# 만들되, 정답 $y$에 더하는 잡음의 표준편차를 1로 키웁니다. 그래야 최솟값에서도
# 샘플별 기울기, 곧 미니배치 기울기의 잡음이 눈에 띌 만큼 큽니다. 잔차(residual)
# $r_i = \hat y_i - y_i$로 평균 제곱 오차의 샘플별 기울기는
# $g_i = 2 r_i\,(x_{i1}, x_{i2}, 1)$이고, 모두 평균하면 전체 기울기입니다.
#
# 학습을 시작하는 자리 $w = 0$, $b = 0$에서 배치 크기 $B$마다 미니배치를 1000번
# 뽑아 기울기 오차의 RMS를 재고, 강의의 식
# $\sqrt{\frac{\sigma^2}{B}\cdot\frac{N-B}{N-1}}$과 비교합니다.

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
# 잡음의 크기만으로는 이야기가 끝나지 않습니다. 잡음이 실제 학습에서 어떤 차이를
# 만드는지 봅니다. 아래 셀은 같은 데이터에서 선형 회귀를
# 학습률 0.05의 `torch.optim.SGD`로 배치 크기 4, 32, 1000마다 60걸음씩
# 학습합니다. 배치 크기 1000은 데이터 전체이므로 경사 하강법입니다. 오른쪽 그림의
# 세로축은 걸음마다 데이터 전체에서 잰 손실이 최소제곱 해의 손실보다 얼마나 큰지,
# 곧 남은 손실을 로그 눈금으로 나타냅니다. 최소제곱 해(least-squares solution)는
# `torch.linalg.lstsq`로 구합니다.
#
# 처음에는 세 배치 크기가 거의 같은 속도로 내려갑니다. 기울기가 크면 잡음에 비해
# 방향이 뚜렷하기 때문입니다. 이 구간에서는 한 걸음의 계산이 250분의 1인 배치
# 크기 4가 훨씬 경제적입니다. 60걸음 동안 배치 크기 4는 샘플 240개를, 배치 크기
# 1000은 60000개를 계산했습니다. 가로축이 걸음 수인 이 그림에서는 잡음이 적은 큰
# 배치가 늘 앞서지만, 계산한 샘플 수로 보면 작은 배치가 앞섭니다. 최솟값에 가까워지면 기울기는 작아지는데 미니배치의
# 잡음은 그대로 남아서, 작은 배치는 남은 손실이 어느 높이 아래로 내려가지 못하고
# 흔들립니다. 학습률을 줄여 가면 이 높이도 내려가며, 학습률
# 스케줄러(learning-rate scheduler)가 하는 일이 이것입니다.

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
# ## 로그-합-지수가 필요한 이유
#
# 로짓 벡터 $s \cdot (1, 0.5, 0)$의 첫 클래스 로그 확률을 $s$를 키워 가며 두 가지로
# 계산합니다. 식을 그대로 옮긴 `naive`는
# $z_k - \log \sum_j e^{z_j}$이고, `stable`은 가장 큰 로짓을 먼저 빼는 강의의
# 방법입니다. 로짓의 차이가 커질수록 첫 클래스의 확률은 1에 가까워지므로 로그
# 확률은 0에 가까워져야 합니다. `naive`는 $e^{s}$가 `float32`의 범위를 넘는
# 순간부터 유한한 값을 내지 못합니다.

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
# 회색 세로선은 `float32`의 가장 큰 수의 로그, 곧 $e^{s}$가 넘치기 시작하는
# 자리입니다. 그 오른쪽에서 `naive`의 선이 사라집니다.
#
# ## 소프트맥스 회귀: 직접 쓴 학습과 PyTorch의 학습
#
# 손글씨 숫자 데이터 `load_digits`는 8×8 픽셀 이미지 1797장과 0부터 9까지의
# 레이블입니다. `flatten=True`로 이미지마다 픽셀 64개의 벡터를 받고, 80%를 학습에,
# 20%를 시험 데이터(test data)로 씁니다. 모델은 은닉층(hidden layer) 없이 로짓
# $z = W x + b$를 내는 소프트맥스 회귀, 곧 클래스가 여럿인 로지스틱 회귀(logistic
# regression)입니다.
#
# 같은 시작점에서 두 번 학습합니다.
#
# - **직접 쓴 것**: 안정한 로그 소프트맥스로 교차 엔트로피를 계산하고, 기울기는
#   자동 미분 없이 강의의 식으로 구합니다. 샘플을 행으로 쌓아 입력을
#   $X$(1437×64), 확률을 $P$(1437×10), 원-핫 벡터를 $Q$(1437×10)라고 하겠습니다.
#   로짓은 $z_{i,k} = \sum_j W_{k,j} x_{i,j} + b_k$이므로 연쇄 법칙(chain rule)으로
#   $\partial \mathcal{L}/\partial W_{k,j} = \frac{1}{N}\sum_i (p_{i,k} - q_{i,k})\, x_{i,j}$이고,
#   이를 행렬로 쓰면 $(P - Q)^\top X / N$입니다. $b_k$는 곱해지는 입력이 1이므로
#   $P - Q$의 열별 합을 $N$으로 나눈 값입니다. 갱신도
#   $W \leftarrow W - \eta\, \nabla_W \mathcal{L}$를 직접 씁니다.
# - **PyTorch**: `nn.Linear`, `F.cross_entropy`, `loss.backward()`,
#   `torch.optim.SGD`입니다.
#
# 두 학습 모두 학습률 1.0으로 데이터 전체를 쓰는 경사 하강법을 200걸음 합니다.

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
# 두 곡선이 겹치고 가중치도 같습니다. `F.cross_entropy`와 `torch.optim.SGD`가
# 하는 일이 강의에서 유도한 식 그대로라는 뜻입니다.
#
# ## 분류기의 출력은 분포입니다
#
# 시험 이미지마다 모델은 10개 클래스에 대한 범주형 분포를 냅니다.
# `Categorical(logits=...)`로 만들면 확률(`probs`)과 엔트로피(entropy, `entropy()`)를
# 바로 얻습니다. 엔트로피는 분포 $p$와 자기 자신의 교차 엔트로피
# $-\sum_k p_k \log p_k$입니다. 10개 클래스에 고르게 퍼져 $p_k = 1/10$이면
# $-\sum_k \tfrac{1}{10}\log\tfrac{1}{10} = \log 10$으로 가장 크고, 한 클래스에 몰려
# 있으면 0에 가깝습니다. 아래
# 셀은 엔트로피가 가장 작은, 곧 모델이 가장 확신하는 이미지 두 장과 엔트로피가 가장
# 큰 이미지 두 장을 그 분포와 함께 그립니다.
#
# 모델이 `argmax`로 답할 때 모델 자신이 믿는 정답 확률은 가장 큰 확률이므로, 그
# 평균은 모델이 기대하는 정답률입니다. 출력에서 이것을 실제 시험 정확도와
# 비교합니다. 둘은 꼭 같지 않습니다. 모델이 내는 확률이 실제로 맞히는 비율과 얼마나
# 맞는지를 보정(calibration)이라고 합니다. 여기서는 보여 주기 위해 시험 데이터로
# 비교했지만, 확률을 그대로 믿고 쓰려면 학습에도 시험에도 쓰지 않는 검증 데이터로
# 따로 확인해야 합니다.

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
# ## 몬테카를로로 원주율 어림하기
#
# 단위 정사각형 $[0, 1]^2$에서 점 $(U_1, U_2)$를 고르게 뽑으면, 정사각형의 넓이가
# 1이므로 점이 반지름 1인 사분원 안에 들어갈 확률은 사분원의 넓이 $\pi/4$입니다.
# 그러니 사분원 안에 들면 1, 아니면 0인 값 $f$의 기댓값이 $\pi/4$이고, 그 표본
# 평균의 4배가 $\pi$의 어림입니다. $f$는 0 또는 1이므로 $f^2 = f$이고, 분산은
# $\mathbb{E}[f^2] - (\mathbb{E}f)^2 = p - p^2$, 표준편차는 $\sigma = \sqrt{p(1-p)}$입니다
# ($p = \pi/4$). 어림이 표본 평균의 4배이므로 표준 오차도 4배인
# $4\sigma/\sqrt{n}$입니다.
#
# 점 수 $n$마다 어림을 100번 되풀이해 오차의 RMS를 재고, 로그-로그 그림의 점들에
# 최소제곱으로 직선을 그어 그 직선의 기울기(slope)를 구합니다. 오차가
# $1/\sqrt{n}$로 줄어든다면 기울기는 $-1/2$입니다.

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
# 점을 100배로 늘릴 때마다 오차는 약 10분의 1로 줄고, 맞춘 직선의 기울기가
# $-1/2$ 가까이 나옵니다. 강의의 적분 예제와 같은 $\sigma/\sqrt{n}$ 법칙입니다.
#
# ## 정리
#
# - 경사 하강법에서 학습률의 상한은 가장 가파른 방향이 정합니다. 이 손실에서는
#   손실 변화 규칙이 기울기 노름 규칙보다 먼저, 최솟값에 닿기 전에 멈췄습니다.
# - 미니배치 기울기의 잡음은 배치 크기의 제곱근에 반비례해 줄고, 학습률이 고정된
#   SGD는 그 잡음 때문에 최솟값 근처에서 흔들립니다.
# - 로그 소프트맥스는 가장 큰 로짓을 빼고 계산해야 넘치지 않습니다.
#   소프트맥스에 나중에 로그를 씌우지 말고 `F.log_softmax`를 씁니다.
# - 직접 쓴 교차 엔트로피와 기울기 $(p - q)/N$의 경사 하강법은
#   `F.cross_entropy`와 `torch.optim.SGD`의 학습과 같은 가중치에 도착합니다.
# - 분류기의 출력은 범주형 분포이고, 엔트로피와 가장 큰 확률로 모델이 얼마나
#   확신하는지 읽습니다.
# - 몬테카를로 어림의 오차는 $1/\sqrt{n}$로 줄어듭니다.
#
# 개념 설명과 연습 문제는 강의 [W2.2 딥러닝의 수학](../lectures/w2-2-math.md)에
# 있습니다.
