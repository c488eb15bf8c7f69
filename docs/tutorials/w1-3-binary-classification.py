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
# # 실습: 이진 분류
#
# 강의 W1.3 「[이진 분류: 로짓, 시그모이드, ReLU,
# 학습](../lectures/w1-3-binary-classification.md)」에서 다룬 내용을 직접 실행하며
# 그림으로 확인하는 실습입니다. 이 페이지의 출력과 그래프는 사이트를 빌드할 때
# 노트북을 실제로 실행해서 얻은 결과입니다. 코드는 GPU가 없는 컴퓨터에서도 수정
# 없이 실행되고 CPU에서도 금방 끝납니다. 장치나 라이브러리 버전이 다르면 손실과
# 정확도의 마지막 자리가 조금 다르게 나올 수 있고, 시간 측정값은 컴퓨터마다
# 다릅니다.

# %% [markdown]
# ## 실행 환경 확인
#
# 첫 셀은 이 노트북에 필요한 것을 모두 불러오고 실행 환경을 출력합니다.
# `get_device()`는 CUDA GPU, Apple의 MPS, CPU 순서로 쓸 수 있는 가장 좋은
# 장치(device)를 고릅니다. 이 노트북은 `"cuda"`라는 문자열을 쓰지 않고 언제나
# `device` 변수를 쓰므로, 같은 코드가 어느 장치에서나 실행됩니다.

# %%
import copy
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from matplotlib.ticker import MaxNLocator
from sklearn.linear_model import LogisticRegression
from torch import nn
from torch.utils.data import DataLoader

from torchbasics.data import load_breast_cancer, make_two_classes, split
from torchbasics.devices import Stopwatch, environment_report, get_device
from torchbasics.metrics import (
    accuracy,
    confusion_matrix,
    precision,
    predict_labels,
    recall,
)
from torchbasics.models import MLP
from torchbasics.plotting import plot_decision_boundary, plot_history
from torchbasics.training import Trainer

torch.manual_seed(0)
print(environment_report())
device = get_device()
print(f"\nthis notebook computes on: {device}")

# %% [markdown]
# ## 로짓, 시그모이드, 그리고 손실
#
# 분류 모델의 마지막 층이 내는 점수를 로짓(logit)이라고 하고, 시그모이드(sigmoid)
# `σ(z) = 1 / (1 + exp(-z))`가 로짓을 클래스 1의 확률로 바꿉니다. 아래 셀은
# -30부터 30까지의 로짓에서 세 가지를 계산합니다.
#
# 1. 확률 `σ(z)`.
# 2. 정답이 클래스 0인 샘플(sample)의 손실(loss). 확률을 받는 `nn.BCELoss`에
#    `σ(z)`를 넣은 값과, 로짓을 받는 `nn.BCEWithLogitsLoss`에 `z`를 그대로 넣은
#    값입니다.
# 3. 두 손실을 로짓 `z`로 미분한 기울기(gradient). 자동 미분(autograd)으로 계산합니다.
#
# 출력의 첫 줄은 `float32`에서 `σ(z)`가 정확히 1.0으로 반올림되기 시작하는
# 로짓입니다. 둘째 줄부터는 몇몇 로짓에서 두 손실과 두 기울기의 값입니다.

# %%
z = torch.linspace(-30, 30, 601, requires_grad=True)
target = torch.zeros_like(z)  # every sample is class 0
prob = torch.sigmoid(z)
loss_probs = nn.BCELoss(reduction="none")(prob, target)
loss_logits = nn.BCEWithLogitsLoss(reduction="none")(z, target)
(grad_probs,) = torch.autograd.grad(loss_probs.sum(), z)
(grad_logits,) = torch.autograd.grad(loss_logits.sum(), z)

z, prob = z.detach(), prob.detach()
rounds_to_one = z[prob == 1.0][0].item()
print(f"sigmoid(z) == 1.0 in float32 from z = {rounds_to_one:.1f}")
print(f"{'z':>6} {'BCELoss':>9} {'BCEWithLogits':>14} {'grad':>6} {'grad':>6}")
for value in (0.0, 5.0, 15.0, 20.0, 30.0):
    i = int(torch.argmin((z - value).abs()))
    print(
        f"{value:>6.1f} {loss_probs[i]:>9.3f} {loss_logits[i]:>14.3f} "
        f"{grad_probs[i]:>6.3f} {grad_logits[i]:>6.3f}"
    )

fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
axes[0].plot(z, prob)
axes[0].axhline(0.5, color="0.6", linestyle=":")
axes[0].set_title("probability sigmoid(z)")
axes[1].plot(z, loss_logits.detach(), label="BCEWithLogitsLoss(z)")
axes[1].plot(z, loss_probs.detach(), "--", label="BCELoss(sigmoid(z))")
axes[1].set_title("loss of a class-0 sample")
axes[2].plot(z, grad_logits, label="BCEWithLogitsLoss(z)")
axes[2].plot(z, grad_probs, "--", label="BCELoss(sigmoid(z))")
axes[2].set_title("gradient d loss / d z")
for ax in axes:
    ax.axvline(rounds_to_one, color="0.6", linestyle=":")
    ax.set_xlabel("logit z")
    ax.grid(alpha=0.3)
axes[1].legend()
axes[2].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 세 그래프의 세로 점선이 `σ(z)`가 1.0으로 반올림되기 시작하는 로짓입니다.
#
# - **가운데 그래프**: 정확한 손실은 로짓이 커질수록 직선처럼 계속 커집니다.
#   `nn.BCELoss`의 점선은 점선 앞까지는 실선과 겹치다가, `1 - σ(z)`가 0이 되는
#   순간 `log(0)`을 피하려고 잘라 둔 값으로 뛰어오른 뒤 평평해집니다. 로짓이 더
#   커져도, 곧 모델이 더 확신하며 틀려도 손실이 달라지지 않습니다. 표의
#   `z = 15` 줄에서 보듯, 반올림되기 조금 전부터 이미 `1 - σ(z)`의 정밀도가
#   떨어져 손실이 정확한 값에서 조금 어긋납니다.
# - **오른쪽 그래프**: `nn.BCEWithLogitsLoss`의 기울기는 `σ(z) - y`이므로, 크게
#   틀릴수록 1에 가까워져 가중치를 힘껏 고칩니다. 시그모이드를 따로 계산한 점선은
#   반올림 이후 0으로 떨어집니다. 가장 크게 틀린 샘플이 학습에 아무 신호도 주지
#   못합니다.
#
# 그래서 모델은 로짓을 출력하고, 학습에는 `nn.BCEWithLogitsLoss`를 씁니다.
# 시그모이드는 확률을 보여 줄 때만 씁니다.

# %% [markdown]
# ## 은닉층의 활성화 함수: 기울기 재기
#
# 역전파(backpropagation)는 층을 하나 지날 때마다 그 층 활성화 함수(activation
# function)의 도함수(derivative)를 곱합니다. 시그모이드의 도함수는 `z = 0`에서
# 가장 크고 그 값도 1보다 작아서, 층이 깊을수록 입력 쪽 층의 기울기가 작아집니다.
# 이것이 기울기 소실(vanishing gradient)입니다. ReLU의 도함수는 양수 입력에서
# 1이므로 활성화 함수가 기울기를 줄이지는 않지만, 기울기가 함께 지나는 가중치는
# 초기화(initialization)에 따라 기울기를 줄일 수 있습니다. ReLU에서 크기가
# 유지되려면 그에 맞는 He(Kaiming) 초기화가 필요합니다.
#
# 데이터와 모델은 강좌 라이브러리로 만듭니다. `make_two_classes(n, seed=...)`는
# 평면 위에서 서로 맞물린 두 반달 모양의 점 `n`개를, `(n, 2)` 모양의 좌표와
# `(n, 1)` 모양의 `float32` 레이블(0 또는 1)을 담은 `TensorDataset`으로
# 돌려줍니다. `MLP(in_features, hidden, out_features, activation=...)`는 `hidden`에
# 적은 폭(width, 층의 유닛(unit) 수)마다 선형 층과 활성화 함수를 쌓고 맨 끝에 활성화 함수가 없는 선형 층을 둔
# 신경망으로, 로짓을 출력합니다. 아래 셀은 폭 32인 은닉층(hidden layer) 여덟 개를
# 가진 `MLP`를 활성화 함수만 바꿔 두 개 만듭니다. 시드가 같으므로 처음 가중치도
# 같습니다. 두 반달 데이터로 손실을 한 번 역전파하고, 선형 층마다 가중치 기울기의
# 노름(norm)을 잽니다. 출력은 층마다의 노름과, 첫 층의 노름을 출력 층의 노름으로
# 나눈 비율입니다.

# %%
X_moons, y_moons = make_two_classes(400, seed=0).tensors
depth = 8
grad_norms = {}
for activation in (nn.Sigmoid, nn.ReLU):
    torch.manual_seed(0)
    deep = MLP(2, [32] * depth, 1, activation=activation).to(device)
    logits = deep(X_moons.to(device))
    nn.BCEWithLogitsLoss()(logits, y_moons.to(device)).backward()
    linears = [m for m in deep.layers if isinstance(m, nn.Linear)]
    norms = [m.weight.grad.norm().item() for m in linears]
    grad_norms[activation.__name__] = norms
    print(f"{activation.__name__:<8}", " ".join(f"{n:.0e}" for n in norms))
    print(f"{'':<8} first layer / output layer = {norms[0] / norms[-1]:.1e}")

fig, ax = plt.subplots(figsize=(6.5, 3.8))
for name, norms in grad_norms.items():
    ax.semilogy(range(1, len(norms) + 1), norms, marker="o", label=name)
ax.set_xlabel("linear layer (1 = input side)")
ax.set_ylabel("gradient norm of the weights")
ax.set_title(f"{depth} hidden layers of 32 units")
ax.grid(alpha=0.3)
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 세로축은 로그 눈금입니다. 시그모이드의 선은 입력 쪽으로 갈수록 가파르게
# 내려가고, 출력의 비율은 첫 층이 출력 층보다 몇 자릿수나 작은 기울기를 받는다는
# 뜻입니다. 같은 학습률로 갱신하면 앞쪽 층은 사실상 멈춰 있습니다. ReLU의 선도
# 내려갑니다. 이 층들은 He 초기화가 아니라 PyTorch의 기본 초기화를 썼기
# 때문인데, 그래도 시그모이드의 선보다는 훨씬 덜 내려갑니다. 그래서 은닉층에는 ReLU를 쓰고, 시그모이드는
# 출력의 로짓을 확률로 바꿀 때만 씁니다.

# %% [markdown]
# ## 2 → 4 → 1 신경망
#
# 이제 강의의 2 → 4 → 1 신경망을 학습시킵니다. 입력은 점의 좌표 두 개, 은닉층은 ReLU
# 유닛 네 개, 출력은 로짓 하나입니다. `forward`에 시그모이드가 없다는 점을 눈여겨
# 보십시오.
#
# 데이터는 `make_two_classes`가 만드는 두 반달 모양의 점 400개이고, `split`으로
# 학습 데이터(training set), 검증 데이터(validation set), 시험 데이터(test set)를
# 70 : 15 : 15로 나눕니다. 학습 루프(training loop)는 직접 씁니다.
# `train_one_epoch`는 미니배치(minibatch)마다 기울기 지우기, 순전파(forward
# pass), 손실, 역전파, 갱신을 하고, `evaluate`는 손실과 정확도(accuracy)만 잽니다.
# `train_one_epoch`는 `loss.detach()`를 장치 위에서 더하고 `.item()`은 에포크마다
# 한 번만 부르므로, GPU에서도 CPU가 걸음마다 기다리지 않습니다. `evaluate` 안의
# `model.eval()`은 층의 동작을 평가용으로 바꾸고, 함수에 붙인
# `@torch.no_grad()`는 계산 그래프를 만들지 않게 합니다. 옵티마이저(optimizer)는
# 학습률(learning rate) 0.01의 Adam입니다.
#
# 에포크(epoch) 수의 영향을 보려고, 학습을 시작하기 전과 2, 10, 60 에포크를 마친
# 순간의 모델을 `copy.deepcopy`로 복사해 둡니다. 출력은 그 시점마다의 검증 손실과
# 정확도입니다.

# %%
class BinaryClassifier(nn.Module):
    def __init__(self, in_features=2, hidden=4):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, 1)

    def forward(self, x):  # (N, in_features) -> (N, 1) logits
        return self.fc2(torch.relu(self.fc1(x)))


def train_one_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total_loss = torch.zeros((), device=device)  # summed on the device
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total_loss += loss.detach() * len(X)  # no .item(): no wait per step
    return total_loss.item() / len(loader.dataset)


@torch.no_grad()
def evaluate(model, loader, loss_fn):
    model.eval()
    total_loss, all_logits, all_targets = 0.0, [], []
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        logits = model(X)
        total_loss += loss_fn(logits, y).item() * len(X)
        all_logits.append(logits)
        all_targets.append(y)
    logits, targets = torch.cat(all_logits), torch.cat(all_targets)
    return total_loss / len(targets), accuracy(logits, targets)


moons = make_two_classes(400, seed=0)
train_set, val_set, test_set = split(moons, (0.7, 0.15, 0.15), seed=0)
print("train / val / test:", len(train_set), len(val_set), len(test_set))
train_loader = DataLoader(
    train_set,
    batch_size=32,
    shuffle=True,
    generator=torch.Generator().manual_seed(0),
)
val_loader = DataLoader(val_set, batch_size=len(val_set))
test_loader = DataLoader(test_set, batch_size=len(test_set))

torch.manual_seed(0)
model = BinaryClassifier().to(device)
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
history = {key: [] for key in ("epoch", "train_loss", "val_loss", "val_accuracy")}
snapshots = {0: copy.deepcopy(model)}
val_loss, val_acc = evaluate(model, val_loader, loss_fn)
print(f"epoch   0: val loss {val_loss:.3f}, val accuracy {val_acc:.3f}")
for epoch in range(1, 61):
    train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer)
    val_loss, val_acc = evaluate(model, val_loader, loss_fn)
    for key, value in zip(history, (epoch, train_loss, val_loss, val_acc)):
        history[key].append(value)
    if epoch in (2, 10, 60):
        snapshots[epoch] = copy.deepcopy(model)
        print(
            f"epoch {epoch:>3}: val loss {val_loss:.3f}, "
            f"val accuracy {val_acc:.3f}"
        )

# %% [markdown]
# `plot_decision_boundary`는 평면을 촘촘한 격자로 나누어 모델이 예측한 클래스의
# 색으로 칠하고, 그 위에 점을 실제 클래스의 색으로 찍습니다. 검은 선이 로짓이 0,
# 곧 확률이 0.5인 결정 경계(decision boundary)입니다. 네 그림은 학습 데이터 위에
# 그린, 에포크 수가 다른 네 시점의 모델입니다.

# %%
fig, axes = plt.subplots(2, 2, figsize=(9, 7))
X_train, y_train = train_set.tensors
for ax, (epoch, snapshot) in zip(axes.flat, snapshots.items()):
    plot_decision_boundary(snapshot, X_train, y_train, ax=ax, resolution=100)
    ax.set_title(f"after {epoch} epochs")
fig.tight_layout()
plt.show()

# %% [markdown]
# 학습 전의 경계는 처음 가중치가 우연히 정한 꺾은선이라서 두 클래스와 상관이
# 없습니다. 2 에포크와 10 에포크를 지나며 경계가 두 반달 사이로 옮겨 가고, 60
# 에포크 뒤에는 아래쪽 반달을 감싸듯 꺾입니다. 유닛이 네 개뿐인 ReLU 신경망의
# 경계는 곧은 선분 몇 개를 이은 꺾은선입니다. ReLU 유닛 하나하나가 평면을 직선
# 하나를 따라 접기 때문입니다. 그래서 반달의 곡선을 완전히 따라가지는 못하고, 두
# 반달이 맞물린 끝부분의 점 일부는 다른 쪽 색 영역에 남습니다.
#
# `plot_history`는 에포크마다의 기록을 그립니다. 파란 선은 학습 손실, 주황 선은
# 검증 손실이고, 별표는 검증 값이 가장 좋았던 에포크입니다.

# %%
plot_history(history)

# %% [markdown]
# 손실은 처음 몇십 에포크 동안 빠르게 줄다가 평평해집니다. 평평해진 뒤의 에포크는
# 경계를 거의 바꾸지 못하므로, 이 모델과 데이터에서는 에포크를 더 늘려도 얻을
# 것이 적습니다. 마지막으로 시험 데이터로 한 번 평가합니다. 시험 데이터는 모든
# 결정을 마친 뒤 이렇게 한 번만 씁니다.

# %%
test_loss, test_acc = evaluate(model, test_loader, loss_fn)
print(f"test loss {test_loss:.3f}, test accuracy {test_acc:.3f}")

# %% [markdown]
# ## 학습률과 배치 크기
#
# 학습률과 배치 크기(batch size)의 영향을 같은 문제에서 비교합니다. 설정마다 모델을
# 새로 만들어 학습해야 하므로, 여기서는 강좌 라이브러리의
# [`Trainer`](../api/training.md)를 씁니다. `Trainer.fit`이 미니배치마다 실행하는
# 코드는 위의 `train_one_epoch`와 같이 `zero_grad` 다음에 네 단계(순전파, 손실,
# `backward`, `step`)를 실행하는 것이고, 에포크마다 검증 데이터로 평가해 `history` 딕셔너리에
# 기록합니다. `fit` 함수는 시드를 고정하므로 설정만 다르고 처음 가중치와 섞는
# 순서는 같습니다.
#
# 먼저 배치 크기를 32로 두고 학습률을 네 가지로 바꿉니다. 가장 큰 값 4.0은 일부러
# 지나치게 크게 고른 값입니다. 출력은 설정마다 마지막 에포크의 학습 손실, 검증
# 손실, 검증 정확도와 걸린 시간이며, 시간은
# [W1.1](../lectures/w1-1-tensors.md#timing-helpers)의 `Stopwatch`로 잽니다.

# %%
def fit(lr=0.01, batch_size=32, num_epochs=20):
    torch.manual_seed(0)
    model = MLP(2, [4], 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    trainer = Trainer(
        model,
        optimizer,
        nn.BCEWithLogitsLoss(),
        device=device,
        max_epochs=num_epochs,
        metrics={"accuracy": accuracy},
        progress=False,
    )
    loader = DataLoader(
        train_set,
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    )
    with Stopwatch(device) as sw:  # synchronises on a GPU (see W1.1)
        history = trainer.fit(loader, val_loader)
    return model, history, sw.elapsed


def report(label, history, seconds):
    print(
        f"{label:<16} train loss {history['train_loss'][-1]:.3f}  "
        f"val loss {history['val_loss'][-1]:.3f}  "
        f"val accuracy {history['val_accuracy'][-1]:.3f}  {seconds:.1f} s"
    )


lr_runs = {}
for lr in (0.001, 0.01, 0.1, 4.0):
    lr_runs[lr] = fit(lr=lr)
    report(f"lr {lr}", *lr_runs[lr][1:])

# %% [markdown]
# 위쪽 그래프는 에포크마다의 학습 손실(왼쪽)과 검증 손실(오른쪽)이고, 아래쪽은
# 학습이 끝난 네 모델의 결정 경계입니다.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
for lr, (_, run_history, _) in lr_runs.items():
    axes[0].plot(run_history["epoch"], run_history["train_loss"], label=f"lr {lr}")
    axes[1].plot(run_history["epoch"], run_history["val_loss"], label=f"lr {lr}")
for ax, title in zip(axes, ("training loss", "validation loss")):
    ax.set_title(title)
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
plt.show()

fig, axes = plt.subplots(2, 2, figsize=(9, 7))
for ax, (lr, (run_model, _, _)) in zip(axes.flat, lr_runs.items()):
    plot_decision_boundary(run_model, X_train, y_train, ax=ax, resolution=100)
    ax.set_title(f"lr {lr}")
fig.tight_layout()
plt.show()

# %% [markdown]
# - **너무 작은 학습률**: 손실 곡선이 천천히 내려가고, 같은 에포크 수로는 학습이
#   끝나지 않습니다. 경계는 얼추 자리를 잡았어도 손실은 아직 높습니다.
# - **알맞은 학습률**: 손실이 꾸준히 내려갑니다. 이 문제에서는 가운데 두 값이
#   여기에 해당하고, 더 큰 쪽이 더 빨리 내려가 일찍 평평해집니다.
# - **너무 큰 학습률**: 한 번의 갱신이 너무 커서 손실이 출렁이고, 좋은 곳에
#   자리 잡지 못합니다. 경계를 보면 모델이 두 반달을 가르지 못했습니다. 너무 큰
#   갱신은 ReLU 유닛을 모든 입력에서 음수를 받는 죽은 ReLU(dying ReLU) 유닛으로
#   만들기도 하는데,
#   유닛이 넷뿐인 신경망에서는 그만큼 그릴 수 있는 경계가 단순해집니다.
#
# 다음은 학습률을 0.01로 두고 배치 크기를 바꿉니다. 배치 크기 32는 위의 실행을
# 그대로 다시 씁니다. 배치 크기가 학습 데이터 수와 같으면 에포크마다 데이터 전체로
# 한 번만 갱신합니다. 출력에는 에포크당 갱신 횟수도 있습니다.

# %%
bs_runs = {}
for batch_size in (8, 32, len(train_set)):
    if batch_size == 32:
        bs_runs[batch_size] = lr_runs[0.01]
    else:
        bs_runs[batch_size] = fit(batch_size=batch_size)
    steps = len(DataLoader(train_set, batch_size=batch_size))
    report(f"batch_size {batch_size}", *bs_runs[batch_size][1:])
    print(f"{'':<16} {steps} updates per epoch")

fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
for batch_size, (_, run_history, _) in bs_runs.items():
    steps = len(DataLoader(train_set, batch_size=batch_size))
    updates = [epoch * steps for epoch in run_history["epoch"]]
    label = f"batch_size {batch_size}"
    axes[0].plot(run_history["epoch"], run_history["val_loss"], label=label)
    axes[1].plot(updates, run_history["val_loss"], label=label)
axes[0].set_xlabel("epoch")
axes[0].xaxis.set_major_locator(MaxNLocator(integer=True))
axes[1].set_xlabel("optimizer updates")
axes[1].set_xscale("log")
for ax in axes:
    ax.set_title("validation loss")
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 왼쪽 그래프는 에포크를 가로축으로, 오른쪽은 갱신 횟수를 로그 눈금 가로축으로
# 그린 것입니다.
#
# - 에포크로 보면 작은 배치가 가장 빨리 내려갑니다. 에포크마다 갱신을 더 많이
#   하기 때문입니다. 대신 기울기를 적은 샘플로 추정하므로 곡선이 더 출렁일 수
#   있습니다.
# - 데이터 전체를 한 배치로 쓰면 에포크당 한 번만 갱신하므로, 같은 에포크 수로는
#   훨씬 덜 학습됩니다. 출력의 시간 열에서 보듯 에포크 하나는 가장 빨리 끝납니다.
# - 갱신 횟수로 보면 곡선들이 훨씬 가까워집니다. 이 문제에서는 같은 횟수만큼
#   갱신하면 배치 크기와 상관없이 비슷한 곳에 이른다는 뜻입니다. 작은 배치의 갱신
#   한 번은 샘플이 적어 계산이 싸지만 기울기에 잡음이 많고, 큰 배치의 갱신은 그
#   반대입니다. 갱신 횟수로 볼 때 배치 8이 배치 32보다 조금 뒤처지는 것이 잡음의
#   대가입니다. 하지만 그 차이가 작아서, 에포크마다 싼 갱신을 많이 하는 작은
#   배치가 에포크 기준으로는 앞섰습니다. 다른 문제에서도 그렇다는 보장은
#   없습니다. 기울기의 잡음이 더 큰 문제에서는 작은 배치가 같은 곳에 이르는 데 더
#   많은 갱신이 필요할 수 있고, GPU에서는 큰 배치의 갱신 한 번이 작은 배치의 갱신
#   한 번보다 별로 느리지 않은 경우가 많습니다.
#
# 실제로는 메모리에 들어가는 범위에서 수십에서 수백 개의 배치 크기가 흔히
# 쓰이고, 배치 크기를 바꾸면 학습률도 다시 맞춥니다.

# %% [markdown]
# ## 실제 데이터: 유방암 진단
#
# `load_breast_cancer()`는 종양마다 세포핵을 측정한 특성과 레이블(1 = 양성
# 종양(benign), 0 = 악성 종양(malignant))을 돌려줍니다. 특성의 크기가
# 제각각이므로 `split(..., standardize=True)`로 표준화(standardization)합니다. 평균과 표준편차(standard deviation)는 학습 부분에서만 구해 세 부분에
# 똑같이 적용하므로, 검증과 시험 데이터의 정보가 학습에 새어 들지 않습니다. 그
# 통계는 결과의 `standardizer` 속성에 남아 있어서, 나중에 새 데이터에 똑같이 쓸 수
# 있습니다.
#
# 모델은 은닉층 하나(유닛 8개)짜리 `MLP(30, [8], 1)`이고, 같은 `Trainer`로
# 학습합니다. 출력의 첫 두 줄은 데이터의 모양과 원래 특성 값의 범위, 다음 줄들은
# 표준화한 뒤 부분마다의 종양 수, 평균, 표준편차입니다.

# %%
cancer = load_breast_cancer()
parts = split(cancer, (0.7, 0.15, 0.15), seed=0, standardize=True)
cancer_train, cancer_val, cancer_test = parts
features, labels = cancer.tensors
print("features:", tuple(features.shape), " labels:", tuple(labels.shape))
print(f"raw features from {features.min():.4f} to {features.max():.1f}")
for name, part in zip(("train", "val", "test"), parts):
    X_part = part.tensors[0]
    print(
        f"{name:<5} {len(part):>3} tumours: mean {X_part.mean():+.3f}, "
        f"std {X_part.std(correction=0):.3f}"
    )

torch.manual_seed(0)
cancer_model = MLP(30, [8], 1)
trainer = Trainer(
    cancer_model,
    torch.optim.Adam(cancer_model.parameters(), lr=0.01),
    nn.BCEWithLogitsLoss(),
    device=device,
    max_epochs=40,
    metrics={"accuracy": accuracy},
    progress=False,
)
cancer_history = trainer.fit(
    DataLoader(
        cancer_train,
        batch_size=32,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    ),
    DataLoader(cancer_val, batch_size=len(cancer_val)),
)
plot_history(cancer_history, ["loss", "accuracy"])

# %% [markdown]
# 검증 손실은 몇 에포크 만에 크게 줄고, 그 뒤로는 조금씩 움직입니다. 학습 손실은
# 그 뒤로도 계속 내려가 검증 손실 아래로 벌어지는데, 모델이 학습 데이터 자체에
# 맞춰지기 시작했다는 신호입니다. 이 간격이 커지고 검증 손실이 오르기 시작하면
# 과적합(overfitting)입니다. 검증 데이터가 작아서 정확도 곡선은 종양 하나를 더
# 맞히거나 틀릴 때마다 계단처럼 움직입니다.
#
# 이제 시험 데이터에서 비교 기준(baseline)인 scikit-learn의 `LogisticRegression`과
# 나란히 놓습니다. 기본으로 L2 정규화(L2 regularization, `C=1.0`)를 쓰는 로지스틱
# 회귀를 같은 학습 데이터로 맞추고,
# `decision_function`이 돌려주는 로짓에 같은 지표 함수를 씁니다.
# `trainer.predict`는 로더의 모든 배치에 대한 모델 출력(로짓)을 CPU로 모아
# 줍니다. 정밀도(precision)와 재현율(recall)은 클래스 1, 곧 양성 종양을 양성
# 클래스(positive class)로 봅니다. 의학에서 말하는 '양성 종양'과 지표에서 말하는
# '양성 클래스'는 다른 개념인데, 이 데이터에서는 클래스 1이 둘 다에 해당합니다.
# 혼동 행렬(confusion matrix)의 행은 실제 클래스, 열은 예측 클래스입니다.

# %%
X_ctrain, y_ctrain = cancer_train.tensors
X_ctest, y_ctest = cancer_test.tensors
baseline = LogisticRegression().fit(X_ctrain.numpy(), y_ctrain.numpy().ravel())
test_logits = {
    "pytorch": trainer.predict(
        DataLoader(cancer_test, batch_size=len(cancer_test))
    ).reshape(-1),
    "sklearn": torch.from_numpy(
        baseline.decision_function(X_ctest.numpy())
    ).float(),
}
y_true = y_ctest.reshape(-1)
print(f"{'':<10} {'pytorch':>8} {'sklearn':>8}")
rows = {
    "accuracy": lambda logits: accuracy(logits, y_true),
    "precision": lambda logits: precision(predict_labels(logits), y_true),
    "recall": lambda logits: recall(predict_labels(logits), y_true),
}
for name, score in rows.items():
    pt, sk = (score(logits) for logits in test_logits.values())
    print(f"{name:<10} {pt:>8.3f} {sk:>8.3f}")
for name, logits in test_logits.items():
    matrix = confusion_matrix(predict_labels(logits), y_true, num_classes=2)
    print(f"\n{name}: rows = true (malignant, benign), columns = predicted")
    print(matrix)

# %% [markdown]
# 표에서 두 모델의 점수를 나란히 볼 수 있고, 혼동 행렬에서 틀린 종양이 어느
# 칸에 있는지 볼 수 있습니다. 첫 행 둘째 열이 악성 종양을 양성 종양으로 판정한
# 경우로, 이 문제에서 가장 위험한 실수입니다. 이 칸이 클래스 1의 정밀도를
# 낮춥니다. 둘째 행 첫째 열은 양성 종양을 악성 종양으로 판정한 경우로, 클래스 1의
# 재현율을 낮춥니다. 시험 데이터가 작아서 종양 한두 개의 차이로 점수가
# 움직이므로, 두 모델의 작은 차이를 어느 한쪽이 낫다는 증거로 읽으면 안 됩니다.

# %% [markdown]
# ## PyTorch 프로그램의 뼈대
#
# 강의의 뼈대 스크립트를 한 글자도 바꾸지 않고 실행합니다. 모델(`BinaryClassifier`),
# 데이터셋(`PointsDataset`), 학습(`train_one_epoch`), 검증과 시험(`evaluate`)의
# 네 부분과 이것을 묶는 `main`으로 이루어져 있습니다. 노트북에서는 `__name__`이
# `"__main__"`이므로 마지막 줄이 `main()`을 부릅니다. 출력은 20 에포크마다의 학습
# 손실, 검증 손실, 검증 정확도와 마지막의 시험 결과입니다.

# %%
"""Binary classification of 2-D points: the skeleton of a PyTorch program."""

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from torchbasics.data import make_two_classes
from torchbasics.devices import get_device


# 1. Model: layers in __init__, the computation in forward
class BinaryClassifier(nn.Module):
    def __init__(self, in_features=2, hidden=4):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, 1)

    def forward(self, x):  # (N, in_features) -> (N, 1) logits
        return self.fc2(torch.relu(self.fc1(x)))


# 2. Dataset: the number of samples, and sample i as (input, target)
class PointsDataset(Dataset):
    def __init__(self, n_samples, seed):
        self.X, self.y = make_two_classes(n_samples, seed=seed).tensors

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return self.X[i], self.y[i]  # shapes (2,) and (1,), float32


# 3. Training: one pass over the training data
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total_loss = torch.zeros((), device=device)  # summed on the device
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total_loss += loss.detach() * len(X)  # no .item(): no wait per step
    return total_loss.item() / len(loader.dataset)


# 4. Validation & test: measure, without changing the weights
@torch.no_grad()
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total_loss, correct = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        logits = model(X)
        total_loss += loss_fn(logits, y).item() * len(X)
        correct += ((logits > 0).float() == y).sum().item()
    n = len(loader.dataset)
    return total_loss / n, correct / n


def main(lr=0.01, batch_size=32, num_epochs=60, seed=0):
    torch.manual_seed(seed)
    device = get_device()
    train_set = PointsDataset(200, seed=1)
    val_set = PointsDataset(100, seed=2)
    test_set = PointsDataset(100, seed=3)
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    val_loader = DataLoader(val_set, batch_size=100)
    test_loader = DataLoader(test_set, batch_size=100)

    model = BinaryClassifier().to(device)
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    for epoch in range(1, num_epochs + 1):
        train_loss = train_one_epoch(
            model, train_loader, loss_fn, optimizer, device
        )
        val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
        if epoch % 20 == 0:
            print(
                f"epoch {epoch:3d}: train loss {train_loss:.3f}, "
                f"val loss {val_loss:.3f}, val accuracy {val_acc:.3f}"
            )

    test_loss, test_acc = evaluate(model, test_loader, loss_fn, device)
    print(f"test loss {test_loss:.3f}, test accuracy {test_acc:.3f}")
    return model


if __name__ == "__main__":
    main()

# %% [markdown]
# ## 저장하고 불러와서 예측하기
#
# 유방암 분류기를 나중에 쓰려면 세 가지를 저장합니다. 모델을 다시 만들 설정,
# `state_dict`, 그리고 표준화에 쓴 학습 데이터의 평균과 표준편차입니다. 모두
# 텐서와 기본 자료형이므로 `torch.load(..., weights_only=True)`로 안전하게
# 읽힙니다. 파일은 임시 디렉터리에 쓰고, 블록이 끝나면 지워집니다.

# %%
standardizer = parts.standardizer
config = {"in_features": 30, "hidden": [8], "out_features": 1}
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "breast_cancer_classifier.pt"
    torch.save(
        {
            "config": config,
            "model": cancer_model.state_dict(),
            "mean": standardizer.mean,
            "std": standardizer.std,
        },
        path,
    )
    print(f"saved {path.name}: {path.stat().st_size} bytes")
    checkpoint = torch.load(path, weights_only=True, map_location="cpu")
print("keys:", list(checkpoint))

# %% [markdown]
# 불러올 때는 설정으로 모델을 만들고 `load_state_dict`로 값을 채운 뒤 평가 모드로
# 바꿉니다. 새 환자의 측정값은 원래 단위로 들어오므로, 저장해 둔 평균과 표준편차로
# 표준화한 다음 모델에 넣습니다. 여기서는 시험 데이터의 처음 다섯 종양을 원래
# 단위로 되돌려 새 환자처럼 씁니다. 출력은 종양마다 양성 종양(클래스 1)일 확률,
# 예측, 실제 레이블입니다. 마지막 두 줄은 시험 데이터 전체의 정확도를, 표준화했을
# 때와 표준화를 빼먹었을 때로 비교합니다.

# %%
restored = MLP(**checkpoint["config"])
restored.load_state_dict(checkpoint["model"])
restored.eval()


def predict_logits(raw_features):
    scaled = (raw_features - checkpoint["mean"]) / checkpoint["std"]
    with torch.no_grad():
        return restored(scaled).reshape(-1)


raw_test = standardizer.inverse_transform(X_ctest)
names = ("malignant", "benign")
probs = torch.sigmoid(predict_logits(raw_test[:5]))
for prob, label in zip(probs.tolist(), y_true[:5].long().tolist()):
    guess = names[int(prob > 0.5)]
    print(f"P(benign) = {prob:.3f}  predicted {guess:<9}  true {names[label]}")

with torch.no_grad():
    unscaled_logits = restored(raw_test).reshape(-1)
scaled_logits = predict_logits(raw_test)
print(f"\nstandardized input: accuracy {accuracy(scaled_logits, y_true):.3f}")
print(f"raw input:          accuracy {accuracy(unscaled_logits, y_true):.3f}")

# %% [markdown]
# 표준화를 빼먹으면 모델은 학습 때 본 적 없는 크기의 입력을 받아 엉뚱한 답을
# 냅니다. 오류 메시지도 없이 정확도만 떨어지므로 알아차리기 어렵습니다.
# 그래서 전처리에 쓴 값은 모델과 같은 파일에 저장합니다. 학습을 중간에 멈췄다가
# 이어 가려면 옵티마이저의 상태도 필요한데, 그때는 W1.2에서 본
# `trainer.save_checkpoint(path)`와 `trainer.fit(..., ckpt_path=path)`를 씁니다.

# %% [markdown]
# ## 정리
#
# - 모델은 로짓을 출력하고, `nn.BCEWithLogitsLoss`로 학습합니다. 시그모이드 뒤의
#   `nn.BCELoss`는 큰 로짓에서 손실이 잘리고 기울기가 0이 됩니다.
# - 깊은 시그모이드 신경망은 입력 쪽 층의 기울기가 사라집니다. 은닉층에는 ReLU를
#   씁니다.
# - 2 → 4 → 1 신경망의 경계는 에포크가 지나며 자리를 잡고, ReLU 때문에 꺾은선
#   모양입니다.
# - 학습률이 너무 작으면 느리고, 너무 크면 학습이 망가집니다. 작은 배치는 에포크당
#   더 많이 갱신합니다.
# - 실제 데이터는 학습 부분의 통계로 표준화하고, 단순한 기준 모델과 비교하며,
#   혼동 행렬로 어떤 실수를 하는지 봅니다.
# - 분류기를 저장할 때는 설정, `state_dict`, 전처리 통계를 함께 저장합니다.
#
# 개념 설명은 강의 [W1.3 이진 분류](../lectures/w1-3-binary-classification.md)에,
# 라이브러리의 자세한 설명은 [torchbasics.training](../api/training.md),
# [torchbasics.models](../api/models.md), [torchbasics.data](../api/data.md),
# [torchbasics.metrics](../api/metrics.md),
# [torchbasics.plotting](../api/plotting.md) 페이지에 있습니다.
