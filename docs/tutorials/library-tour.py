# ---
# jupyter:
#   description: >-
#     강의와 짝을 이루지 않는 튜토리얼입니다. 장치 고르기, 데이터 만들기와 나누기, 모델, 정확도, 그림 그리기까지
#     torchbasics의 모듈을 처음부터 끝까지 한 번씩 써 봅니다.
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # torchbasics 둘러보기
#
# 이 과정의 코드는 작은 라이브러리 `torchbasics`를 함께 씁니다. 이 튜토리얼은
# 그 라이브러리를 처음부터 끝까지 한 번 써 보는 둘러보기입니다. 장치를 고르고
# (`torchbasics.devices`), 데이터를 만들어 나누고(`torchbasics.data`), 모델을
# 만들고(`torchbasics.models`), 정확도를 재고(`torchbasics.metrics`), 결과를
# 그림으로 확인합니다(`torchbasics.plotting`). `torchbasics.plotting`의 네
# 함수는 모두 이 노트북에서 실제로 계산한 결과를 그리는 데 씁니다.
#
# 이 페이지의 출력과 그래프는 사이트를 빌드할 때 노트북을 실제로 실행해서 얻은
# 결과입니다. 코드는 GPU가 없는 컴퓨터에서도 수정 없이 실행되고, CPU에서도 금방
# 끝납니다. 장치나 라이브러리 버전이 다르면 손실과 정확도의 마지막 자리가 조금
# 다르게 나올 수 있습니다.

# %% [markdown]
# ## 실행 환경 확인
#
# 첫 셀은 이 노트북에 필요한 것을 모두 불러온 뒤 실행 환경을 출력합니다.
# `environment_report()`는 torch와 Python의 버전, 그리고 사용할 수 있는
# 장치(device)를 한 줄에 하나씩 알려 줍니다. `get_device()`는 CUDA GPU, Apple의
# MPS, CPU 순서로 이 컴퓨터에서 쓸 수 있는 가장 좋은 장치를 고릅니다. 이
# 노트북은 `"cuda"`라는 문자열을 직접 쓰지 않고 언제나 `device` 변수를 쓰므로,
# 같은 코드가 어느 장치에서나 실행됩니다. 장치에 대한 자세한 설명은 강의 [W1.1
# 텐서, NumPy 그리고 GPU](../lectures/w1-1-tensors.md)에 있습니다.
#
# `torchbasics.plotting`의 함수는 `plt.show()`를 부르지 않고 matplotlib의
# `Figure`를 돌려줍니다. Jupyter는 셀의 마지막 식의 값을 출력으로 보여 주고, 이
# `Figure`는 스스로를 PNG 그림으로 보여 주므로, 그림을 그리는 셀은 함수 호출을
# 마지막 줄에 둡니다. 변수에 담았다면 `fig.savefig("history.png")`처럼 파일로
# 저장할 수 있습니다.

# %%
import torch
from torch import nn
from torch.utils.data import DataLoader

from torchbasics.data import load_digits, make_two_classes, split
from torchbasics.devices import environment_report, get_device, to_device
from torchbasics.metrics import accuracy, predict_labels
from torchbasics.models import MLP, SmallCNN
from torchbasics.plotting import (
    plot_activations,
    plot_decision_boundary,
    plot_history,
    plot_image_grid,
)

torch.manual_seed(0)
print(environment_report())
device = get_device()
print(f"\nthis notebook computes on: {device}")

# %% [markdown]
# ## 활성화 함수와 도함수
#
# 활성화 함수(activation function)는 신경망의 선형 층 사이에 넣는 비선형
# 함수입니다. 활성화 함수가 없으면 선형 층을 아무리 많이 쌓아도 전체가 선형
# 함수 하나와 같아서 곧은 경계밖에 만들 수 없습니다.
#
# `plot_activations()`를 인자 없이 부르면 자주 쓰는 여덟 가지 활성화 함수를
# 그립니다. 실선은 함수 `f(x)`이고 점선은 도함수(derivative) `f'(x)`입니다.
# 도함수는 손으로 쓴 공식이 아니라 autograd로 계산한 값입니다.

# %%
plot_activations()

# %% [markdown]
# 학습은 역전파(backpropagation)로 구한 기울기(gradient)를 따라 가중치를 고치는
# 과정입니다. 역전파는 연쇄 법칙(chain rule)에 따라, 출력에서 입력 쪽으로 층을
# 하나 지날 때마다 그 층 활성화 함수의 도함수를 곱합니다. 그래서 도함수의
# 크기가 앞쪽 층까지 기울기가 전해지는지를 좌우합니다.
#
# -  **sigmoid**: 도함수는 σ'(x) = σ(x)(1 − σ(x))입니다. σ(x)는 0과 1 사이에
#   있으므로 이 곱은 σ(x) = 1/2인 x = 0에서 가장 크고, 그 값은 1/2 × 1/2 =
#   1/4입니다. 입력이 0에서 멀어지면 출력이 0이나 1에 달라붙고 도함수는 거의
#   0이 되는데, 이 구간을 포화(saturation) 구간이라고 합니다. 층마다 1/4 이하의
#   수가 곱해지므로 층이 깊을수록 앞쪽 층에 도착하는 기울기는 기하급수적으로
#   작아집니다. 이 현상을 기울기 소실(vanishing gradient)이라고 합니다.
# -  **tanh**: 도함수가 x = 0에서 1까지 올라가 sigmoid보다 낫지만, 0에서
#   멀어지면 역시 포화해서 도함수가 0에 가까워집니다.
# -  **relu**: max(0, x)의 도함수는 입력이 양수이면 정확히 1이고 음수이면
#   0입니다. 양수 입력을 받는 유닛을 지날 때는 기울기에 1이 곱해지므로, 층을
#   아무리 많이 지나도 활성화 함수 때문에 기울기가 줄지 않습니다. 대신 입력이
#   늘 음수인 유닛은 기울기가 0이어서 더 이상 학습되지 않습니다. 이것을 죽은
#   ReLU(dying ReLU) 문제라고 합니다.
# -  **leaky_relu, gelu, silu, elu**: 음수 입력에서도 기울기가 0에 고정되지
#   않아 죽은 ReLU 문제를 줄입니다. 이 그림의 leaky_relu는 기울기가 잘 보이도록
#   PyTorch의 기본값 0.01 대신 0.1을 음수 쪽 기울기로 썼습니다.
# -  **softplus**: ReLU를 매끄럽게 만든 함수이고, 도함수가 바로 sigmoid입니다.
#
# 흔히 꼽는 활성화 함수 가운데 softmax와 PReLU는 이 그림에 없습니다. softmax는
# 값 하나가 아니라 벡터 전체를 받아 합이 1인 확률로 바꾸므로 곡선 하나로 그릴
# 수 없고, 다중 클래스 분류의 출력에 씁니다. 이 과정의 모델은 softmax를 따로
# 두지 않고 손실 함수 `nn.CrossEntropyLoss`에 맡깁니다. PReLU(parametric
# ReLU)는 leaky ReLU의 음수 쪽 기울기를 학습하는 파라미터로 바꾼 것으로,
# `nn.PReLU`로 쓸 수 있습니다. swish라는 이름은 그림의 silu와 같은 함수를
# 가리킵니다.

# %% [markdown]
# 그림에서 읽은 내용을 숫자로 확인합니다. 아래 셀은 sigmoid, tanh, relu의
# 도함수를 다섯 점에서 autograd로 계산합니다. 또 −6부터 6까지 촘촘한 격자에서
# 도함수의 최댓값을 찾고, 그 값을 열 번 곱한 값도 출력합니다. 마지막 값은
# 가중치의 영향을 빼고 활성화 함수만 볼 때, 열 개 층을 지난 기울기가 가장 좋은
# 경우에 얼마나 남는지를 나타냅니다.

# %%
points = torch.tensor([-5.0, -2.0, 0.0, 2.0, 5.0], requires_grad=True)
grid = torch.linspace(-6.0, 6.0, 1201, requires_grad=True)
depth = 10
print("f'(x) at x =", points.tolist())
for name, f in [
    ("sigmoid", torch.sigmoid),
    ("tanh", torch.tanh),
    ("relu", torch.relu),
]:
    (at_points,) = torch.autograd.grad(f(points).sum(), points)
    (on_grid,) = torch.autograd.grad(f(grid).sum(), grid)
    best = on_grid.max().item()
    print(
        f"{name:<8} {[round(v, 4) for v in at_points.tolist()]}"
        f"  max {best:.4f}  max ** {depth} = {best**depth:.2e}"
    )

# %% [markdown]
# sigmoid는 가장 좋은 경우에도 열 개 층을 지나면 기울기가 아주 작은 수로
# 줄어듭니다. relu의 최댓값 1은 한 점이 아니라 모든 양수 입력에서 나오는
# 값이므로, 양수 입력을 받는 유닛을 지나는 기울기는 층을 거쳐도 그대로
# 남습니다. tanh의 최댓값도 1이지만 그 값은 x = 0 한 점에서만 나오고, 다른 점의
# 값에서 보듯 0에서 조금만 멀어져도 빠르게 작아집니다. x = 0에서 relu의
# 도함수는 정의되지 않는데, autograd는 그 점의 도함수로 0을 씁니다.
#
# 그래서 요즘 신경망의 은닉층(hidden layer)에는 ReLU나 그 변형을 주로 씁니다.
# 다음 절의 `MLP`도 기본 활성화 함수가 ReLU입니다.

# %% [markdown]
# ## 두 클래스 데이터 만들기와 나누기
#
# `make_two_classes`는 서로 맞물린 반달 두 개 모양으로 2차원 점을 만듭니다. 두
# 클래스를 가르는 직선이 없으므로 곡선 경계를 만들 수 있는 모델이 필요합니다.
# 돌려주는 값은 `TensorDataset`이고, `.tensors`로 점 `X`와 레이블 `y`를 꺼낼 수
# 있습니다. `y`는 0.0과 1.0을 담은 `(N, 1)` 모양의 실수 텐서입니다. 출력이
# 하나인 모델의 출력과 모양이 같아서 `nn.BCEWithLogitsLoss`에 그대로 넣을 수
# 있습니다.
#
# `split`은 데이터를 자기만의 시드(seed)로 섞은 뒤 주어진 비율로 나눕니다.
# 여기서는 4분의 3을 학습 데이터(training set), 나머지를 검증 데이터(validation
# set)로 씁니다. 검증 데이터는 학습에 쓰지 않고, 모델이 처음 보는 데이터도 잘
# 맞히는지 확인하는 데만 씁니다.
#
# `DataLoader`는 학습 데이터를 64개씩 미니배치(mini-batch)로 묶어 주고,
# `shuffle=True`이므로 에포크(epoch)마다 순서를 새로 섞습니다. 섞는 순서도
# 시드를 고정한 `torch.Generator`로 정하므로, 다시 실행해도 같은 결과가
# 나옵니다. 검증 데이터는 배치 하나로 한 번에 평가합니다.

# %%
dataset = make_two_classes(n_samples=400, noise=0.2, seed=0)
X, y = dataset.tensors
print("X:", tuple(X.shape), X.dtype, "| y:", tuple(y.shape), y.dtype)
print("samples per class:", torch.bincount(y.reshape(-1).long()).tolist())

train_set, val_set = split(dataset, (0.75, 0.25), seed=0)
train_loader = DataLoader(
    train_set,
    batch_size=64,
    shuffle=True,
    generator=torch.Generator().manual_seed(0),
)
val_loader = DataLoader(val_set, batch_size=len(val_set))
print("train samples:", len(train_set), "| validation samples:", len(val_set))

# %% [markdown]
# ## 모델: 다층 퍼셉트론
#
# `MLP(2, [16, 16], 1)`은 입력 특성(feature) 2개를 받아 유닛 16개짜리 은닉층 두
# 개를 지나 출력 1개를 내는 다층 퍼셉트론(multi-layer perceptron, MLP)입니다.
# 은닉층마다 뒤에 ReLU가 붙고, 마지막 층에는 활성화 함수가 없습니다. 그래서
# 출력은 확률이 아니라 로짓(logit), 즉 sigmoid에 넣기 전의 점수입니다.
# sigmoid는 손실 함수 `nn.BCEWithLogitsLoss`가 안에서 적용하는데, 모델에
# sigmoid 층을 따로 두는 것보다 수치적으로 안정적입니다.
#
# 이 과정의 실습에서는 더 작은 `MLP(2, [4], 1)`을 씁니다. 아래 출력에서 두
# 모델의 파라미터(parameter) 수를 비교할 수 있습니다. 이 노트북은 반달 모양의
# 곡선 경계를 짧은 학습으로도 배울 수 있도록 조금 더 큰 모델을 씁니다.

# %%
model = MLP(2, [16, 16], 1).to(device)
print(model)
sizes = {"MLP(2, [16, 16], 1)": model, "MLP(2, [4], 1)": MLP(2, [4], 1)}
for name, net in sizes.items():
    n_params = sum(p.numel() for p in net.parameters())
    print(f"{name:<20} {n_params:>4} parameters")

# %% [markdown]
# ## 학습 루프
#
# 학습 루프(training loop)는 두 함수로 나누어 씁니다. `train_one_epoch`는 학습
# 데이터를 한 바퀴 돌며 가중치를 고치고, `evaluate`는 가중치를 고치지 않고
# 손실과 정확도만 잽니다. `train_one_epoch`는 배치 하나를 다음 순서로
# 처리합니다.
#
# 1.  `to_device((xb, yb), device)`: 배치를 모델과 같은 장치로 옮깁니다.
#    `to_device`는 튜플, 리스트, 딕셔너리 안의 텐서를 한 번에 옮기므로 배치가
#    어떤 모양이든 한 줄이면 됩니다.
# 2.  `optimizer.zero_grad()`: 이전 배치의 기울기를 지웁니다. `backward()`는
#    새로 계산한 기울기를 기존 값에 더하기 때문입니다.
# 3.  `model(xb)`: 순전파(forward pass)로 로짓을 구합니다.
# 4.  `loss_fn(logits, yb)`: 손실(loss)을 계산합니다.
# 5.  `loss.backward()`: 역전파로 모든 파라미터의 기울기를 구합니다.
# 6.  `optimizer.step()`: 기울기를 써서 파라미터를 고칩니다.
#
# `model.train()`과 `model.eval()`은 드롭아웃(dropout)이나 배치 정규화(batch
# normalization)처럼 학습할 때와 평가할 때 다르게 동작하는 층의 모드를
# 바꿉니다. 이 MLP에는 그런 층이 없지만, 언제나 짝을 맞춰 부르는 습관을 들이면
# 좋습니다. `evaluate`는 `torch.no_grad()` 안에서 실행하므로 기울기 계산을 위한
# 기록을 남기지 않아 더 빠르고 메모리도 덜 씁니다.
#
# 정확도(accuracy)는 `torchbasics.metrics.accuracy`로 잽니다. 이 함수는 로짓을
# 그대로 받습니다. 로짓의 모양이 `(N, 1)`이면 이진 분류로 보고 로짓이 0보다 큰
# 샘플을 클래스 1로 예측하는데, sigmoid(0) = 0.5이므로 확률 0.5를 기준으로
# 자르는 것과 같습니다. 모양이 `(N, C)`이면 로짓이 가장 큰 클래스를 고르므로,
# 같은 두 함수를 다중 클래스 분류에도 쓸 수 있습니다. 손실은 배치 크기로 가중
# 평균해서, 마지막 배치가 작아도 데이터 전체의 평균이 되게 합니다.

# %%
def train_one_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total_loss, all_logits, all_targets = 0.0, [], []
    for xb, yb in loader:
        xb, yb = to_device((xb, yb), device)
        optimizer.zero_grad()
        logits = model(xb)
        loss = loss_fn(logits, yb)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(xb)
        all_logits.append(logits.detach())
        all_targets.append(yb)
    logits, targets = torch.cat(all_logits), torch.cat(all_targets)
    return total_loss / len(targets), accuracy(logits, targets)


def evaluate(model, loader, loss_fn):
    model.eval()
    total_loss, all_logits, all_targets = 0.0, [], []
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = to_device((xb, yb), device)
            logits = model(xb)
            total_loss += loss_fn(logits, yb).item() * len(xb)
            all_logits.append(logits)
            all_targets.append(yb)
    logits, targets = torch.cat(all_logits), torch.cat(all_targets)
    return total_loss / len(targets), accuracy(logits, targets)

# %% [markdown]
# ## 학습하기
#
# 옵티마이저(optimizer)는 Adam, 학습률(learning rate)은 0.01로 60 에포크 동안
# 학습합니다. 에포크마다 학습 손실과 정확도, 검증 손실과 정확도를 `history`
# 딕셔너리의 리스트에 하나씩 덧붙입니다. 키 이름의 `train_`과 `val_` 접두사는
# 다음 절의 `plot_history`가 학습 곡선과 검증 곡선을 짝짓는 데 씁니다. 진행
# 상황은 10 에포크마다 한 줄씩 출력하고, 마지막에 최종 검증 정확도와 가장
# 높았던 검증 정확도를 출력합니다.

# %%
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
history = {
    "epoch": [],
    "train_loss": [],
    "val_loss": [],
    "train_accuracy": [],
    "val_accuracy": [],
}
for epoch in range(1, 61):
    train_loss, train_acc = train_one_epoch(
        model, train_loader, loss_fn, optimizer
    )
    val_loss, val_acc = evaluate(model, val_loader, loss_fn)
    history["epoch"].append(epoch)
    history["train_loss"].append(train_loss)
    history["val_loss"].append(val_loss)
    history["train_accuracy"].append(train_acc)
    history["val_accuracy"].append(val_acc)
    if epoch == 1 or epoch % 10 == 0:
        print(
            f"epoch {epoch:>3}  train loss {train_loss:.4f} "
            f"acc {train_acc:.3f} | val loss {val_loss:.4f} acc {val_acc:.3f}"
        )

best_acc = max(history["val_accuracy"])
best_epoch = history["epoch"][history["val_accuracy"].index(best_acc)]
print(f"\nfinal validation accuracy: {history['val_accuracy'][-1]:.3f}")
print(f"best validation accuracy:  {best_acc:.3f} (epoch {best_epoch})")

# %% [markdown]
# ## 학습 곡선 그리기
#
# `plot_history(history)`는 지표(metric)마다 그래프를 하나씩 그립니다. 왼쪽은
# 손실, 오른쪽은 정확도이고, 파란 선이 학습 데이터의 학습 곡선(training curve),
# 주황 선이 검증 데이터의 곡선입니다. 별표와 세로 점선은 검증 지표가 가장
# 좋았던 에포크를 표시합니다. 손실은 가장 낮은 값, 정확도는 가장 높은 값을
# 찾고, 같은 값이 여러 번 나오면 가장 이른 에포크를 고릅니다.

# %%
plot_history(history)

# %% [markdown]
# 학습 곡선은 과적합(overfitting)을 알아보는 가장 쉬운 도구입니다. 과적합된
# 모델은 학습 데이터를 외워 버려서, 학습 손실은 계속 내려가는데 검증 손실은
# 어느 에포크부터 다시 올라갑니다. 두 곡선이 벌어지기 시작하는 곳이 학습을 멈출
# 때입니다. 이 예제는 파라미터가 적은 모델을 짧게 학습하므로 그런 벌어짐이
# 없고, 검증 손실이 학습 손실과 함께 내려갑니다.
#
# 이 그래프처럼 검증 곡선이 학습 곡선보다 좋게 나오기도 합니다. 이유는 두
# 가지입니다. 첫째, 학습 손실과 정확도는 에포크 동안 가중치가 바뀌는 중에
# 배치마다 잰 값의 평균이고, 검증 값은 에포크가 끝난 뒤의 모델로 잽니다. 둘째,
# 검증 데이터는 개수가 적어서 어떤 점들이 뽑혔는지에 따라 우연히 더 쉬울 수
# 있습니다. 검증 정확도 곡선이 계단 모양인 것도 점이 적기 때문입니다. 점 하나를
# 더 맞히거나 틀릴 때마다 한 계단씩 움직입니다.

# %% [markdown]
# ## 결정 경계 그리기
#
# `plot_decision_boundary(model, X, y)`는 평면을 촘촘한 격자로 나누어 각 점에서
# 모델의 예측을 구하고, 예측한 클래스의 색으로 칠합니다. 검은 선은 sigmoid를
# 지난 확률이 0.5인 곳, 곧 결정 경계(decision boundary)입니다. 데이터 점은 실제
# 클래스의 색으로 찍히므로, 다른 색 영역에 놓인 점이 모델이 틀린 점입니다. 이
# 함수는 모델을 잠시 평가 모드로 바꾸고 `torch.no_grad()` 안에서 예측하며,
# 격자는 모델이 있는 장치에서 계산합니다. 여기서는 학습 데이터와 검증 데이터를
# 합친 점 전체를 그립니다.

# %%
plot_decision_boundary(model, X, y)

# %% [markdown]
# 경계가 곧은 선분을 이어 붙인 꺾은선 모양인 것은 ReLU 때문입니다. ReLU
# 신경망은 입력 평면을 여러 조각으로 나누고 조각마다 선형 함수처럼 동작하므로,
# 경계도 조각마다 곧은 선이 됩니다. 은닉층이 없는 `MLP(2, [], 1)`, 곧 로지스틱
# 회귀(logistic regression)라면 경계 전체가 직선 하나이므로 두 반달을 이렇게
# 가를 수 없습니다. 경계 근처에서 다른 색 영역에 놓인 점들은 잡음(noise) 때문에
# 상대 클래스 쪽으로 밀려난 점입니다.

# %% [markdown]
# ## 손글씨 숫자 이미지
#
# 이번에는 이미지를 다룹니다. `load_digits()`는 scikit-learn에 들어 있는 8×8
# 픽셀의 흑백 손글씨 숫자 이미지를 불러옵니다. 이미지 텐서는 PyTorch의 합성곱
# 층이 기대하는 `(N, C, H, W)`, 즉 (개수, 채널, 높이, 너비) 모양이고, 픽셀 값은
# 0과 1 사이로 맞춰져 있습니다. 레이블은 `nn.CrossEntropyLoss`가 받는 `int64`
# 클래스 번호입니다. 아래 출력에서 모양, 값의 범위, 숫자별 이미지 수를 확인할
# 수 있습니다.

# %%
digits = load_digits()
images, labels = digits.tensors
print("images:", tuple(images.shape), images.dtype)
print(f"pixel values from {images.min():.1f} to {images.max():.1f}")
print("labels:", tuple(labels.shape), labels.dtype)
print("images per digit:", torch.bincount(labels).tolist())

# %% [markdown]
# `plot_image_grid(images[:16], labels[:16])`는 처음 16장을 격자로 보여 주고 각
# 이미지 위에 레이블을 씁니다. 채널 차원이 앞에 있는 `(N, 1, 8, 8)` 텐서를
# 그대로 넘기면 되고, 픽셀 값의 범위를 보고 밝기를 알아서 맞춥니다. 8×8은 아주
# 낮은 해상도라서 획이 몇 개의 네모 칸으로만 보입니다.

# %%
plot_image_grid(images[:16], labels[:16])

# %% [markdown]
# ## 작은 합성곱 신경망
#
# `SmallCNN`은 합성곱 신경망(convolutional neural network, CNN)입니다. 3×3
# 합성곱(convolution), ReLU, 2×2 최대 풀링(max pooling)으로 된 단계를 두 번
# 거친 뒤, 선형 층 두 개로 클래스마다 점수를 냅니다. 풀링을 지날 때마다 높이와
# 너비가 절반이 되므로, `image_size=8`로 이미지 크기를 알려 주면 모델이 펼친
# 뒤의 특성 수(`feature_size`)를 스스로 계산합니다.
#
# 아래 셀은 아직 학습하지 않은 모델에 이미지 16장을 넣어 출력 모양을
# 확인합니다. 출력은 이미지마다 숫자 클래스 10개의 로짓입니다.
# `predict_labels`는 로짓을 예측 클래스로 바꾸고, `accuracy`는 앞의 이진
# 분류에서 쓴 바로 그 함수인데 로짓의 모양을 보고 다중 클래스 정확도를 잽니다.

# %%
cnn = SmallCNN(image_size=8).to(device)
batch = to_device(images[:16], device)
cnn.eval()
with torch.no_grad():
    logits = cnn(batch)
print("input:", tuple(batch.shape), "-> logits:", tuple(logits.shape))
print("features after the convolutions:", cnn.feature_size)
print("true labels:     ", labels[:16].tolist())
print("predicted labels:", predict_labels(logits).tolist())
print(
    "untrained accuracy:",
    accuracy(logits, to_device(labels[:16], device)),
)

# %% [markdown]
# 가중치가 무작위로 초기화된 상태이므로 예측은 정답과 거의 상관이 없고,
# 정확도도 찍어서 맞히는 수준입니다. 이 모델을 학습시키려면 앞에서 만든
# `train_one_epoch`와 `evaluate`를 그대로 쓰고, 손실 함수만
# `nn.CrossEntropyLoss()`로 바꾸면 됩니다. 레이블이 `int64` 클래스 번호라서
# 데이터를 따로 바꿀 필요도 없습니다.

# %% [markdown]
# ## 정리
#
# -  `get_device()`로 장치를 고르고 `to_device()`로 배치를 옮기면 같은 코드가
#   CPU와 GPU에서 모두 실행됩니다.
# -  역전파는 층마다 활성화 함수의 도함수를 곱합니다. sigmoid의 도함수는 1/4을
#   넘지 않아서 깊은 신경망에서 기울기가 사라지고, ReLU의 도함수는 양수
#   입력에서 1이어서 기울기가 줄지 않습니다.
# -  학습 루프의 한 단계는 `zero_grad()`, 순전파, 손실 계산, `backward()`,
#   `step()`입니다. 검증은 `model.eval()`과 `torch.no_grad()` 안에서 합니다.
# -  `torchbasics`의 모델은 로짓을 돌려주고, `accuracy`는 로짓을 그대로
#   받습니다.
# -  `plot_history`로 과적합을, `plot_decision_boundary`로 모델이 배운 경계를,
#   `plot_image_grid`로 이미지 데이터를, `plot_activations`로 활성화 함수를
#   눈으로 확인합니다.
#
# 각 모듈의 자세한 설명은 API 레퍼런스의
# [torchbasics.devices](../api/devices.md), [torchbasics.data](../api/data.md),
# [torchbasics.models](../api/models.md),
# [torchbasics.metrics](../api/metrics.md),
# [torchbasics.plotting](../api/plotting.md) 페이지에 있습니다.
