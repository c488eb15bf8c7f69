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
# # 실습: 선형 회귀
#
# 강의 W1.2 「선형 회귀: nn.Module, nn.Parameter, 학습 과정, 저장과
# 불러오기」의 내용을 직접 실행하고 그림으로 확인하는 실습입니다. 답을 아는
# 합성 데이터로 학습 루프의 각 단계를 살펴본 뒤, 같은 루프를 세 모델과
# `Trainer`로 실행하고, 실제 데이터인 당뇨병 데이터에서 미니배치(minibatch)
# 확률적 경사 하강법(stochastic gradient descent, SGD)으로 학습한 결과를
# scikit-learn의 닫힌 형태의 해(closed-form solution)와 비교합니다.
# 마지막으로 모델을 저장하고 불러오며, 체크포인트(checkpoint)에서 학습을 이어
# 갑니다.
#
# 이 페이지의 출력과 그래프는 사이트를 빌드할 때 노트북을 실제로 실행해서 얻은
# 결과입니다. 코드는 GPU가 없는 컴퓨터에서도 수정 없이 실행되고, 장치나
# 라이브러리 버전이 다르면 손실의 마지막 자리가 조금 다르게 나올 수 있습니다.

# %% [markdown]
# ## 실행 환경 확인
#
# 첫 셀은 필요한 것을 모두 불러오고 실행 환경을 출력합니다.
# `get_device()`는 CUDA GPU, Apple의 MPS, CPU 순서로 이 컴퓨터에서 쓸 수 있는
# 가장 좋은 장치(device)를 고릅니다. 이 노트북은 `"cuda"`라는 문자열을 직접
# 쓰지 않고 언제나 `device` 변수를 쓰므로 같은 코드가 어느 장치에서나
# 실행됩니다.

# %%
import os
import tempfile

import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_diabetes as sklearn_diabetes
from sklearn.linear_model import LinearRegression as ClosedForm
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.data import load_diabetes, split
from torchbasics.devices import environment_report, get_device
from torchbasics.metrics import mse, r2_score
from torchbasics.models import LinearRegression
from torchbasics.plotting import plot_history
from torchbasics.training import Trainer

torch.manual_seed(0)
print(environment_report())
device = get_device()
print(f"\nthis notebook computes on: {device}")

# %% [markdown]
# ## 답을 아는 데이터
#
# 특성(feature)이 두 개인 샘플(sample) 1000개를 만들고, 정해 둔 가중치(weight)와
# 편향(bias)으로 정답을 계산한 뒤 작은 잡음(noise)을 더합니다. 학습이
# 제대로 되었다면 모델은 이 가중치와 편향을 되찾아야 합니다. 데이터는 CPU에서
# 만들고, 학습에 쓸 복사본 `X_dev`, `y_dev`를 `device`에 둡니다.
#
# 그림은 정답 `y`를 각 특성에 대해 그린 것입니다. 첫 번째 특성은 양의
# 가중치라 오른쪽으로 올라가고, 두 번째 특성은 음의 가중치라 내려갑니다. 점이
# 넓게 퍼진 것은 잡음 때문이 아니라 다른 특성의 영향 때문입니다.

# %%
true_w = torch.tensor([[2.0, -3.4]])  # (out_features, in_features)
true_b = 4.2
X = torch.randn(1000, 2)  # (N, d)
y = X @ true_w.T + true_b + 0.01 * torch.randn(1000, 1)  # (N, 1)
X_dev, y_dev = X.to(device), y.to(device)
print("X:", tuple(X.shape), "| y:", tuple(y.shape), "| on", X_dev.device)

w1, w2 = true_w.flatten().tolist()
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharey=True)
for j, ax in enumerate(axes):
    ax.scatter(X[:, j], y[:, 0], s=4, alpha=0.4)
    ax.set_xlabel(f"feature x{j + 1}")
axes[0].set_ylabel("target y")
fig.suptitle(f"y = {w1:.1f} x1 {w2:+.1f} x2 {true_b:+.1f} + noise")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## nn.Parameter와 등록되지 않은 텐서
#
# 선형 회귀 모델을 처음부터 두 번 만듭니다. `LinearModel`은 가중치와 편향을
# 모두 `nn.Parameter`로 만들고, `PlainBias`는 편향만 `requires_grad=True`를 준
# 일반 텐서로 만듭니다. 두 모델의 `forward`는 똑같습니다.
#
# 출력에서 보듯 `PlainBias`의 `named_parameters()`와 `state_dict()`에는 편향이
# 없습니다. 모듈은 `nn.Parameter`로 감싼 텐서만 파라미터(parameter)로
# 등록하기 때문입니다.

# %%
class LinearModel(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1, in_features))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        return X @ self.weight.T + self.bias  # (N, d) @ (d, 1) + (1,)


class PlainBias(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1, in_features))
        self.bias = torch.zeros(1, requires_grad=True)  # not registered

    def forward(self, X):
        return X @ self.weight.T + self.bias


for cls in (LinearModel, PlainBias):
    net = cls(in_features=2)
    names = [name for name, _ in net.named_parameters()]
    print(f"{cls.__name__:<12} parameters: {names}")
    print(f"{'':<12} state_dict:  {list(net.state_dict())}")

# %% [markdown]
# 등록되지 않은 텐서는 `model.to(device)`도 따라가지 않습니다. 아래 셀은
# `PlainBias`를 `device`로 옮긴 뒤 두 값이 어디에 있는지 출력하고 순전파를
# 시도합니다. GPU에서 실행하면 가중치만 GPU로 옮겨지고 편향은 CPU에 남아
# 순전파가 장치가 다르다는 오류로 실패합니다. CPU만 있는 컴퓨터에서는 둘 다
# CPU에 있으므로 문제가 드러나지 않습니다. 이런 버그가 GPU에서만 나타나는
# 이유입니다.

# %%
on_device = PlainBias(in_features=2).to(device)
print("weight on", on_device.weight.device, "| bias on", on_device.bias.device)
try:
    on_device(X_dev)
    print("forward pass ran: both values are on the same device")
except RuntimeError as err:
    print("forward pass failed:", str(err).splitlines()[0])

# %% [markdown]
# ## 경사 하강법 한 걸음씩 보기
#
# 학습 루프로 들어가기 전에, 파라미터가 하나뿐인 함수에서 경사 하강법이 무엇을
# 하는지 그림으로 봅니다. 손실 대신 최솟값이 `w = 3`에 있는
# `f(w) = (w - 3)^2 + 1`을 `w = 0`에서 출발해 줄입니다. `descend`는 걸음마다
# 자동 미분(autograd)으로 기울기 `f'(w)`를 구하고, `w`를 `lr * f'(w)`만큼 기울기와 반대
# 방향으로 옮깁니다. 가중치를 고치는 줄은 `torch.no_grad()` 안에 두어 그래프에
# 기록되지 않게 합니다. 출력은 학습률(learning rate) 0.1일 때 걸음마다의 `w`,
# `f(w)`, 기울기(slope)입니다.

# %%
def f(w):
    return (w - 3) ** 2 + 1


def descend(w, lr, steps):
    w = torch.tensor(w, requires_grad=True)
    path = []  # (w, f(w), slope) before each step
    for _ in range(steps):
        loss = f(w)
        loss.backward()  # w.grad = f'(w)
        path.append((w.item(), loss.item(), w.grad.item()))
        with torch.no_grad():
            w -= lr * w.grad  # a step against the slope
        w.grad = None
    return path


paths = {lr: descend(0.0, lr, steps=6) for lr in (0.1, 0.9)}
print(f"{'step':>4} {'w':>7} {'f(w)':>7} {'slope':>7}   (lr 0.1)")
for step, (w, loss, slope) in enumerate(paths[0.1]):
    print(f"{step:>4} {w:>7.3f} {loss:>7.3f} {slope:>+7.3f}")

grid = torch.linspace(-1, 7, 200)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
for ax, (lr, path) in zip(axes, paths.items()):
    ax.plot(grid, f(grid), color="gray", label="f(w) = (w - 3)^2 + 1")
    w0, f0, slope0 = path[0]
    near = torch.tensor([w0 - 1.0, w0 + 1.5])
    ax.plot(near, f0 + slope0 * (near - w0), "--", label="tangent at the start")
    ax.plot([p[0] for p in path], [p[1] for p in path], "o-", label="steps")
    ax.set_title(f"gradient descent, lr = {lr}")
    ax.set_xlabel("w")
    ax.legend()
axes[0].set_ylabel("f(w)")
fig.tight_layout()
plt.show()


# %% [markdown]
# 점선은 출발점에서 그은 접선(tangent)이고, 그 기울기가 `f'(0)`입니다. 접선이
# 오른쪽으로 내려가므로 기울기는 음수이고, `w`를 늘려야 손실이 줄어듭니다.
# 갱신 `w - lr * f'(w)`가 바로 그렇게 합니다. 왼쪽 그림에서는 최솟값에
# 가까워질수록 기울기가 작아져 걸음도 짧아집니다. 오른쪽 그림은 학습률이 너무 큰
# 경우입니다. 걸음마다 최솟값을 건너뛰어 반대편에 떨어지므로 양쪽을 오갑니다.
# 그래도 다가가는 속도는 왼쪽과 같습니다. 이 `f`에서는 걸음마다 최솟값까지의
# 거리가 `|1 - 2 * lr|`배가 되는데, 0.1과 0.9 모두 0.8이기 때문입니다. 학습률을 더 키우면 오가는 폭이 점점 커져 발산합니다
# ([강의](../lectures/w1-2-linear-regression.md#gradient-descent)의 예제 참고).
#
# 아래의 학습 루프는 걸음마다 데이터 전체로 기울기를 구하므로 경사 하강법이고,
# 미니배치(minibatch)마다 갱신하는 `Trainer`는 확률적 경사 하강법(stochastic
# gradient descent, SGD)입니다.

# %% [markdown]
# ## 학습 루프
#
# `train_full_batch`는 강의의 학습 루프입니다. 매 반복마다 데이터 전체를
# 쓰므로 반복 한 번이 에포크(epoch) 하나이고, 반복마다 네 단계를 실행합니다.
# 순전파(forward pass), 손실(loss) 계산, 역전파(backpropagation), 옵티마이저
# 단계(optimizer step)이며, 그 앞에서 `zero_grad()`로 지난 기울기를 지웁니다.
# 옵티마이저는 학습률 0.1의 `torch.optim.SGD`이지만, 걸음마다 데이터 전체로
# 기울기를 구하므로 하는 일은 앞 절의 경사 하강법입니다. 에포크마다 손실과
# 파라미터 값을 `history`에 기록하는데, `plot_history`가 그대로 그릴 수 있도록
# 키 이름을 `"epoch"`와 `"train_loss"`로 정합니다. `zero_grad=False`는 이 줄을
# 빠뜨렸을 때를 보려고 둔 인자입니다.
#
# 먼저 `LinearModel`과 `PlainBias`를 이 함수로 똑같이 학습합니다. 앞 셀에서
# 보았듯 `PlainBias`는 GPU에서 순전파조차 할 수 없으므로 이 비교만은 CPU의
# `X`, `y`로 합니다.

# %%
def values_of(model):
    weight = model.weight.detach().flatten().tolist()
    return [*weight, *model.bias.detach().flatten().tolist()]


def train_full_batch(model, X, y, num_epochs=50, lr=0.1, zero_grad=True):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    history = {"epoch": [], "train_loss": [], "values": []}
    for epoch in range(1, num_epochs + 1):
        if zero_grad:
            optimizer.zero_grad()  # clear the gradients of the last step
        y_hat = model(X)  # 1. forward pass
        loss = loss_fn(y_hat, y)  # 2. loss
        loss.backward()  # 3. backward pass
        optimizer.step()  # 4. optimizer step
        history["epoch"].append(epoch)
        history["train_loss"].append(loss.item())
        history["values"].append(values_of(model))
    return history


def fmt(values):
    return "[" + ", ".join(f"{v:6.2f}" for v in values) + "]"


compared = {
    "nn.Parameter bias": LinearModel(2),
    "plain tensor bias": PlainBias(2),
}
curves = {}
print(f"{'true values':<18} {fmt([w1, w2, true_b])}  (w1, w2, b)")
for name, net in compared.items():
    curves[name] = train_full_batch(net, X, y)
    final_loss = curves[name]["train_loss"][-1]
    print(f"{name:<18} {fmt(values_of(net))}  final loss {final_loss:.4f}")
plain_grad = compared["plain tensor bias"].bias.grad
print("gradient piled up in the plain bias:", round(plain_grad.item(), 1))

# %% [markdown]
# `nn.Parameter`로 만든 모델은 가중치와 편향을 모두 되찾았습니다. `PlainBias`의
# 편향은 처음 값 0에 그대로 머물렀고, 가중치도 빠진 편향을 메우느라 정답에서
# 벗어났습니다. 편향에도 기울기는 계산되었고, 출력의 마지막 줄이 그
# 기울기입니다. 다만 옵티마이저가 그 텐서를 모르므로 값을 고치지도, 기울기를
# 지우지도 않아서 기울기가 에포크마다 쌓이기만 했습니다. 편향이 없으니 손실은
# 어느 수준 아래로 내려가지 못합니다. 그래프의 세로축은 로그 눈금입니다.

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, history in curves.items():
    ax.plot(history["epoch"], history["train_loss"], label=name)
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training MSE (log scale)")
ax.set_title("The same loop, a registered and an unregistered bias")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 역전파가 계산하는 것
#
# `loss.backward()`가 채우는 `.grad`는 손실을 각 파라미터로 미분한 값입니다.
# 평균 제곱 오차 `L = mean((X w^T + b - y)^2)`의 도함수는 손으로도 구할 수
# 있습니다. 잔차(residual)를 `r = X w^T + b - y`라 하면 `dL/dw = 2 r^T X / N`,
# `dL/db = 2 mean(r)`입니다. 아래 셀은 처음 상태의 모델에서 자동 미분이 구한
# 기울기와 이 공식을 비교합니다. 둘이 같다면, 이후의 모든 모델에서도
# `backward()`가 손으로 풀기 어려운 미분을 대신 해 준다고 믿을 수 있습니다.

# %%
model = LinearModel(2).to(device)
loss = nn.MSELoss()(model(X_dev), y_dev)
loss.backward()
with torch.no_grad():
    r = model(X_dev) - y_dev  # residuals, (N, 1)
    grad_w = 2 * r.T @ X_dev / len(X_dev)  # (1, N) @ (N, d) -> (1, d)
    grad_b = 2 * r.mean(dim=0)  # (1,)
print("autograd weight.grad:", fmt(model.weight.grad.flatten().tolist()))
print("by hand:             ", fmt(grad_w.flatten().tolist()))
print("autograd bias.grad:  ", fmt(model.bias.grad.tolist()))
print("by hand:             ", fmt(grad_b.tolist()))
same = torch.allclose(model.weight.grad, grad_w, rtol=1e-4, atol=1e-5)
print("weight gradients agree:", same)

# %% [markdown]
# ## 학습 과정 지켜보기
#
# 이제 `LinearModel`을 `device`에서 학습하고, 에포크마다 기록한 손실과
# 파라미터 값을 그립니다. 왼쪽은 `plot_history`로 그린 손실 곡선이고, 오른쪽은
# 세 값이 점선으로 표시한 정답으로 다가가는 모습입니다. 출력에서 학습한 값을
# 정답과 소수 둘째 자리까지 비교할 수 있습니다.
#
# 손실이 처음 몇 에포크에 가장 빨리 줄어드는 것은 제곱 오차의 기울기가
# 오차에 비례하기 때문입니다. 오차가 클 때는 걸음이 크고, 정답에 가까워지면
# 걸음이 저절로 작아집니다. 손실은 0까지 내려가지 않고 잡음의 분산 근처에서
# 멈춥니다.

# %%
model = LinearModel(2).to(device)
scratch_history = train_full_batch(model, X_dev, y_dev)
scratch_values = values_of(model)
print(f"true     {fmt([w1, w2, true_b])}")
print(f"learned  {fmt(scratch_values)}")
print(f"final training MSE {scratch_history['train_loss'][-1]:.6f}")

fig, (ax_loss, ax_values) = plt.subplots(1, 2, figsize=(10, 3.6))
plot_history(scratch_history, ax=ax_loss)
ax_loss.set_yscale("log")
trajectory = torch.tensor(scratch_history["values"])  # (num_epochs, 3)
targets = [w1, w2, true_b]
epochs = scratch_history["epoch"]
for i, label in enumerate(["weight[0]", "weight[1]", "bias"]):
    line, = ax_values.plot(epochs, trajectory[:, i], label=label)
    ax_values.axhline(targets[i], color=line.get_color(), linestyle=":")
ax_values.set_xlabel("epoch")
ax_values.set_title("parameters (dotted: true values)")
ax_values.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## zero_grad()를 빠뜨리면
#
# `backward()`는 새 기울기를 `.grad`에 더합니다. `zero_grad()`를 빠뜨리면 매
# 단계가 지금까지의 모든 기울기의 합만큼 움직이므로, 가중치가 정답을 지나쳤다가
# 되돌아오기를 되풀이합니다. 아래 셀은 같은 학습을 `zero_grad()` 없이 한 번 더
# 실행하고 앞 절의 결과와 나란히 그립니다. 오른쪽 그림의 편향은 정답 주위를 크게
# 오가며, 왼쪽의 손실도 줄었다 늘었다를 되풀이합니다.

# %%
net = LinearModel(2).to(device)
forgetful = train_full_batch(net, X_dev, y_dev, zero_grad=False)
runs = {"with zero_grad()": scratch_history, "without zero_grad()": forgetful}
for label, run in runs.items():
    print(f"{label:<20} final loss {run['train_loss'][-1]:10.4f}"
          f"  values {fmt(run['values'][-1])}")

fig, (ax_loss, ax_bias) = plt.subplots(1, 2, figsize=(10, 3.6))
for label, run in runs.items():
    ax_loss.plot(run["epoch"], run["train_loss"], label=label)
    bias = [values[-1] for values in run["values"]]
    ax_bias.plot(run["epoch"], bias, label=label)
ax_bias.axhline(true_b, color="gray", linestyle=":", label="true bias")
ax_loss.set_yscale("log")
ax_loss.set_title("training MSE (log scale)")
ax_bias.set_title("bias")
for ax in (ax_loss, ax_bias):
    ax.set_xlabel("epoch")
    ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 같은 루프: 세 모델과 Trainer
#
# `nn.Linear`와 강좌 라이브러리의 `LinearRegression`은 `LinearModel`과 같은
# 모델입니다. 둘 다 `weight`와 `bias`를 `nn.Parameter`로 갖고 `forward`에서
# `X @ weight.T + bias`를 계산하며, 초기값만 0이 아니라 무작위입니다. 그래서
# `train_full_batch`를 한 글자도 바꾸지 않고 그대로 쓸 수 있습니다.
# `LinearModel`의 값은 앞 절에서 학습한 결과입니다.
#
# `Trainer`도 안에서는 같은 네 단계를 실행합니다. 다른 점은 `DataLoader`가
# 내주는 미니배치마다 실행한다는 것입니다. `TensorDataset(X, y)`는 `X`와 `y`를
# 묶어 `i`번째 샘플로 `(X[i], y[i])`를 돌려주는 데이터셋이고, `DataLoader`는 이것을
# 섞어 32개씩 묶습니다. 에포크 하나에 파라미터가 여러 번 갱신되므로(확률적 경사
# 하강법) 더 적은 에포크로 충분합니다. 출력의 표에서 네 가지 방법 모두 같은 답을
# 소수 둘째 자리까지 되찾은 것을 확인할 수 있습니다.

# %%
learned = {"true values": [w1, w2, true_b], "LinearModel": scratch_values}
for name, net in [
    ("nn.Linear", nn.Linear(2, 1)),
    ("LinearRegression", LinearRegression(2)),
]:
    net = net.to(device)
    train_full_batch(net, X_dev, y_dev)
    learned[name] = values_of(net)

train_loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
model = LinearRegression(2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
trainer = Trainer(
    model, optimizer, nn.MSELoss(), device=device, max_epochs=10,
    progress=False,
)
trainer_history = trainer.fit(train_loader)
learned["Trainer"] = values_of(model)

print(f"{'':<17} {'weight[0]':>9} {'weight[1]':>9} {'bias':>9}")
for name, values in learned.items():
    print(f"{name:<17} " + " ".join(f"{v:>9.2f}" for v in values))
print("Trainer history keys:", list(trainer_history))

# %% [markdown]
# `Trainer.fit`이 돌려준 `history`는 `plot_history`에 그대로 넘길 수 있습니다.
# `"lr"` 키에는 학습률이 기록되는데, 여기서는 손실만 그립니다.

# %%
fig, ax = plt.subplots(figsize=(5, 3.5))
plot_history(trainer_history, metrics="loss", ax=ax)
ax.set_yscale("log")
plt.show()

# %% [markdown]
# ## 실제 데이터: 당뇨병 진행도
#
# 당뇨병 데이터는 환자 442명의 특성 10가지로 1년 뒤 병의 진행도를 예측하는
# 회귀 문제입니다. `split`으로 학습, 검증, 시험 데이터(70%, 15%, 15%)로
# 나누고, `standardize=True`로 학습 데이터의 평균과 표준편차(standard deviation)만 써서 특성을
# 표준화(standardization)합니다. 검증 데이터(validation data)는 학습 중에
# 곡선을 그려 보는 데, 시험 데이터(test data)는 마지막에 한 번 성능을 재는 데
# 씁니다.
#
# 강의에서 경사 하강법이 일부 가중치에서 느리게 수렴하는 이유로 특성 사이의
# 강한 상관을 들었습니다. 아래 셀은 학습 데이터에서 상관계수(correlation
# coefficient)의 절댓값이 가장 큰 특성 쌍을 찾아 출력합니다. 마지막 줄은
# 조건수(condition number)입니다. 입력의 작은 상대 오차가 답의 상대 오차로 최대
# 몇 배까지 커질 수 있는지를 나타내며, 특성끼리 강하게 상관될수록 커집니다. `X_train`의 조건수와,
# 정규 방정식(normal equation) `XᵀX w = Xᵀy`에 들어가는 `X_train.T @ X_train`의
# 조건수를 함께 출력합니다.

# %%
feature_names = sklearn_diabetes().feature_names
parts = split(load_diabetes(), (0.7, 0.15, 0.15), seed=0, standardize=True)
train_set, val_set, test_set = parts
X_train, y_train = train_set.tensors
X_test, y_test = test_set.tensors
print("train / validation / test:", len(train_set), len(val_set), len(test_set))
print("features:", feature_names)

corr = torch.corrcoef(X_train.T).abs().fill_diagonal_(0)  # (10, 10)
i, j = divmod(corr.argmax().item(), corr.shape[1])
print(f"most correlated pair: {feature_names[i]} and {feature_names[j]},"
      f" |r| = {corr[i, j].item():.2f}")
cond_X = torch.linalg.cond(X_train).item()
cond_XtX = torch.linalg.cond(X_train.T @ X_train).item()
print(f"condition number: X_train {cond_X:.0f}, X_train.T @ X_train {cond_XtX:.0f}")

# %% [markdown]
# `LinearRegression(10)`을 `Trainer`로 학습합니다. 미니배치는 32개, 옵티마이저는
# SGD이고, `metrics`로 결정 계수(coefficient of determination)
# R²(`r2_score`)를 함께 기록합니다. R²는 1이면 완벽하고, 0이면 늘 평균을 예측한
# 것과 같으며, 그보다 못하면 음수가 됩니다. 검증 데이터는 한 배치로 평가합니다.
# 왼쪽은 손실, 오른쪽은 R²의 곡선이며, 별표는 검증 값이 가장 좋았던 에포크입니다.
# 정답의 단위가 그대로라 손실(MSE)은 큰 수입니다.

# %%
torch.manual_seed(0)
model = LinearRegression(10)
optimizer = torch.optim.SGD(model.parameters(), lr=0.02)
trainer = Trainer(
    model, optimizer, nn.MSELoss(), device=device, max_epochs=50,
    metrics={"r2": r2_score}, progress=False,
)
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
val_loader = DataLoader(val_set, batch_size=len(val_set))
history = trainer.fit(train_loader, val_loader)
print(f"after {history['epoch'][-1]} epochs:"
      f" val loss {history['val_loss'][-1]:.1f},"
      f" val R2 {history['val_r2'][-1]:.3f}")
plot_history(history, metrics=["loss", "r2"])

# %% [markdown]
# ## 미니배치 SGD와 닫힌 형태의 해
#
# scikit-learn의 `LinearRegression`은 학습 데이터의 제곱 오차를 정확히
# 최소화하는 가중치를 반복 없이 한 번에 계산합니다. 이때 정규 방정식을 그대로
# 풀지 않고, `scipy.linalg.lstsq`로 `X`를 특잇값 분해(singular value
# decomposition, SVD)해 풉니다. 앞 셀의 출력에서 보듯 `XᵀX`의 조건수는 `X`의
# 조건수의 제곱이어서, `XᵀX`를 거치면 반올림 오차가 그만큼 더 크게 불어날 수
# 있기 때문입니다. 이 차이는 조건수가 아주 큰 데이터에서 중요하며, 위의
# 조건수는 크지 않아 이 데이터에서는 정규 방정식으로 풀어도 거의 같습니다. 같은 학습 데이터로 맞추고, 같은 시험 데이터에서 두 방법을
# 비교합니다. 분할이 강의와 같으므로 scikit-learn 쪽 숫자는 강의의 출력과
# 같습니다. `trainer.predict`는 모델의 출력을 CPU로 모아 돌려줍니다.
#
# 위의 모델은 `Trainer`가 섞은 32개짜리 미니배치로 학습했으므로 확률적 경사
# 하강법(SGD)이고, 표에는 `SGD (minibatches)`로 나옵니다. 강의는 전체 배치 경사
# 하강법과 비교하므로 첫 행의 숫자가 강의와 다릅니다. 닫힌 형태의 해는 학습
# MSE의 최솟값이므로, 표에서 SGD의 학습 MSE는 그보다 낮을 수 없습니다. 시험 R²는 처음 보는 데이터에서의 성능이라 어느 쪽이
# 높을지 미리 정해져 있지 않습니다. 출력에서 두 시험 R²가 얼마나 가까운지
# 확인해 보십시오.

# %%
gd_train = trainer.predict(DataLoader(train_set, batch_size=len(train_set)))
gd_test = trainer.predict(DataLoader(test_set, batch_size=len(test_set)))
closed = ClosedForm().fit(X_train.numpy(), y_train.numpy())
cf_train = torch.from_numpy(closed.predict(X_train.numpy()))
cf_test = torch.from_numpy(closed.predict(X_test.numpy()))

print(f"{'':<17} {'train MSE':>10} {'test MSE':>10} {'test R2':>8}")
for name, p_train, p_test in [
    ("SGD (minibatches)", gd_train, gd_test),
    ("closed form", cf_train, cf_test),
]:
    print(f"{name:<17} {mse(p_train, y_train):>10.1f}"
          f" {mse(p_test, y_test):>10.1f} {r2_score(p_test, y_test):>8.4f}")

# %% [markdown]
# 왼쪽 그림은 시험 데이터에서 두 방법의 예측을 정답에 대해 그린 것입니다.
# 점선 위에 있으면 정확한 예측입니다. 두 방법의 점이 거의 겹치므로 예측도 거의
# 같습니다. 오른쪽 그림은 특성마다 두 방법의 가중치를
# 비교합니다. 예측은 거의 같은데도 일부 가중치는 크게 다를 수 있습니다. 차이가
# 나는 곳은 혈액 검사 수치(`s1`부터 `s6`)처럼 서로 상관된 특성들입니다. 앞에서
# 찾은 가장 강하게 상관된 쌍을 보십시오. 이런 특성들에서는 한 가중치를 늘리고
# 다른 가중치를 줄여도 예측이 거의 바뀌지 않습니다. 이 방향이 손실 표면의 길고
# 좁은 골짜기를 이루고, SGD를 비롯한 경사 하강법은 그 골짜기를 따라 아주 천천히
# 움직입니다.
# 닫힌 형태의 해는 골짜기의 바닥까지 단번에 가므로, 상관된 특성에 부호가 반대인
# 큰 가중치를 주기도 합니다.

# %%
fig, (ax_pred, ax_w) = plt.subplots(1, 2, figsize=(11, 4))
ax_pred.scatter(y_test, gd_test, s=14, label="SGD (minibatches)")
ax_pred.scatter(y_test, cf_test, s=14, marker="x", label="closed form")
low, high = y_test.min().item(), y_test.max().item()
ax_pred.plot([low, high], [low, high], color="gray", linestyle=":")
ax_pred.set_xlabel("true value")
ax_pred.set_ylabel("prediction")
ax_pred.set_title("test data")
ax_pred.legend()

positions = torch.arange(len(feature_names))
gd_weight = model.weight.detach().cpu().flatten()
cf_weight = torch.from_numpy(closed.coef_).flatten()
ax_w.bar(positions - 0.2, gd_weight, width=0.4, label="SGD (minibatches)")
ax_w.bar(positions + 0.2, cf_weight, width=0.4, label="closed form")
ax_w.set_xticks(positions.tolist(), feature_names)
ax_w.axhline(0, color="gray", linewidth=0.8)
ax_w.set_title("weight per standardized feature")
ax_w.legend(loc="lower left")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 표준화하지 않으면
#
# scikit-learn은 당뇨병 데이터의 특성을 미리 평균 0으로 맞추고 아주 작은
# 크기로 줄여 둡니다. 이 특성을 표준화하지 않고 그대로 쓰면 어떻게 될까요?
# 아래 셀은 같은 분할(같은 `seed`)을 `standardize=False`로 만들어, 표준화한
# 특성과 그대로의 특성에서 `nn.Linear`를 같은 학습률과 같은 에포크 수로
# 학습합니다. 특성이 작으면 손실의 기울기도 작아 가중치가 거의 움직이지
# 않으므로, 같은 에포크 안에 손실이 훨씬 느리게 줄어듭니다. 학습률을 키우면
# 되지만, 그 값은 특성의 크기마다 다시 찾아야 합니다. 표준화하면 한 학습률이
# 모든 가중치에 알맞습니다.

# %%
raw_train, _, raw_test = split(load_diabetes(), (0.7, 0.15, 0.15), seed=0)
scaling_runs = {}
for name, train_part, test_part in [
    ("standardized", train_set, test_set),
    ("raw", raw_train, raw_test),
]:
    torch.manual_seed(0)
    net = nn.Linear(10, 1).to(device)
    X_part, y_part = (t.to(device) for t in train_part.tensors)
    scaling_runs[name] = train_full_batch(net, X_part, y_part, num_epochs=100)
    with torch.no_grad():
        X_t, y_t = test_part.tensors
        test_r2 = r2_score(net(X_t.to(device)).cpu(), y_t)
    final = scaling_runs[name]["train_loss"][-1]
    print(f"{name:<13} final training MSE {final:8.1f}  test R2 {test_r2:.3f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
for name, run in scaling_runs.items():
    ax.plot(run["epoch"], run["train_loss"], label=f"{name} features")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training MSE (log scale)")
ax.set_title("Full-batch gradient descent, lr = 0.1")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 저장하고 불러오기
#
# 학습한 당뇨병 모델의 `state_dict`를 `torch.save`로 파일에 저장하고, 같은
# 구조의 새 `LinearRegression(10)`에 `load_state_dict`로 불러옵니다. 파일은
# `tempfile.TemporaryDirectory()` 안에 만들므로 셀이 끝나면 지워집니다.
# 불러올 때는 `weights_only=True`로 텐서와 기본 자료형만 되살리고,
# `map_location="cpu"`로 텐서를 CPU에 놓습니다. 그래서 GPU에서 저장한 파일도
# GPU가 없는 컴퓨터에서 열 수 있습니다. 파일에는 숫자 11개(가중치 10개와 편향
# 하나)와 그 이름, 약간의 형식 정보만 들어 있으므로 작습니다. 불러온 모델의
# 예측은 원래 모델의 예측과 같습니다.

# %%
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "diabetes_linear.pt")
    torch.save(model.state_dict(), path)
    size = os.path.getsize(path)
    print("saved", list(model.state_dict()), "-", size, "bytes")
    state = torch.load(path, map_location="cpu", weights_only=True)

restored = LinearRegression(10)
print(restored.load_state_dict(state))
restored.eval()  # evaluation mode (explained in W1.3)
with torch.no_grad():
    restored_test = restored(X_test)
same = torch.allclose(restored_test, gd_test, atol=1e-4)
print("same test predictions:", same)

# %% [markdown]
# ## 체크포인트에서 이어서 학습하기
#
# 학습을 이어 가려면 모델과 함께 옵티마이저의 상태와 에포크 번호가 필요합니다.
# 여기서는 모멘텀(momentum)을 쓰는 SGD를 써서 옵티마이저에 상태가 있게 합니다.
# `Trainer.save_checkpoint`는 이것들에 더해 `history`와 난수 생성기(random
# number generator)의 상태도 저장하고, `fit(..., ckpt_path=...)`은 저장된
# 에포크의 다음 에포크부터 학습합니다.
#
# 아래 셀은 40 에포크를 한 번에 학습한 경우와, 20 에포크 뒤 체크포인트를
# 저장하고 새 `Trainer`로 불러와 40 에포크까지 마저 학습한 경우를 비교합니다.
# 출력에서 체크포인트에 든 키와, 두 경우의 최종 가중치가 같은지 확인할 수
# 있습니다. 그래프는 처음 몇 에포크를 빼고 확대한 것으로, 이어서 학습한 구간의
# 검증 손실이 한 번에 학습한 곡선의 작은 흔들림까지 그대로 겹칩니다.

# %%
def make_trainer(max_epochs):
    torch.manual_seed(0)
    model = LinearRegression(10)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    return Trainer(
        model, optimizer, nn.MSELoss(), device=device, max_epochs=max_epochs,
        progress=False,
    )


loader = DataLoader(train_set, batch_size=32, shuffle=True)
straight = make_trainer(max_epochs=40)
straight_history = straight.fit(loader, val_loader)

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "checkpoint.pt")
    first_half = make_trainer(max_epochs=20)
    first_half.fit(loader, val_loader)
    first_half.save_checkpoint(path)  # right away: it records the RNG state
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    print("checkpoint keys:", sorted(checkpoint))
    print("saved after epoch", checkpoint["epoch"])
    resumed = make_trainer(max_epochs=40)
    resumed_history = resumed.fit(loader, val_loader, ckpt_path=path)

same = torch.equal(resumed.model.weight, straight.model.weight)
print("resumed run ends with the same weights:", same)

fig, ax = plt.subplots(figsize=(6, 3.5))
start = checkpoint["epoch"]
shown = slice(start // 2, None)  # zoom in: leave out the first epochs
ax.plot(straight_history["epoch"][shown], straight_history["val_loss"][shown],
        linewidth=5, alpha=0.4, label="40 epochs in one go")
ax.plot(resumed_history["epoch"][start:], resumed_history["val_loss"][start:],
        color="black", label="resumed from the checkpoint")
ax.axvline(start, color="gray", linestyle=":")
ax.set_xlabel("epoch")
ax.set_ylabel("validation MSE")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 정리
#
# - 모듈은 `nn.Parameter`로 감싼 텐서만 파라미터로 등록합니다. 등록되지 않은
#   텐서는 기울기를 받아도 옵티마이저가 고치지 않고, `state_dict`에도 없으며,
#   `.to(device)`를 따라가지 않습니다.
# - 경사 하강법은 파라미터를 기울기와 반대 방향으로, 기울기에 학습률을 곱한
#   만큼 옮깁니다. 학습률이 너무 크면 최솟값을 건너뛰어 오가거나 발산합니다.
# - 학습 반복은 `zero_grad()`, 순전파, 손실, `backward()`, `step()`입니다.
#   `zero_grad()`를 빠뜨리면 기울기가 쌓여 학습이 수렴하지 않습니다.
# - 직접 쓴 모듈, `nn.Linear`, `LinearRegression`은 같은 루프를 손으로 쓰든
#   `Trainer`로 돌리든 같은 답을 찾습니다.
# - 당뇨병 데이터에서 미니배치 SGD는 닫힌 형태의 해와 거의 같은 예측을 합니다.
#   표준화는 경사 하강법이 빨리 수렴하게 합니다.
# - `state_dict`는 `torch.save`로 저장하고 `weights_only=True`로 불러옵니다.
#   체크포인트에는 모델, 옵티마이저, 에포크를 함께 담아 학습을 그대로 이어
#   갑니다.
#
# 각 개념의 자세한 설명은 강의
# [W1.2 선형 회귀](../lectures/w1-2-linear-regression.md)에 있습니다.
