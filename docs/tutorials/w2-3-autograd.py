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
# # 실습: 자동 미분
#
# 강의 2.3 「[자동 미분: 계산 그래프, backward, gradcheck, 사용자 정의
# Function](../lectures/w2-3-autograd.md)」의 내용을 직접 실행하고 그림으로
# 확인하는 실습입니다. 먼저 선형 회귀와 2 → 4 → 1 신경망의 계산 그래프(computation
# graph)를 `grad_fn`에서 읽어 그림으로 그립니다. 다음으로 당뇨병 데이터의 선형
# 회귀 손실을 `gradcheck`로 검사하고, 유한 차분(finite difference)의 오차가 간격
# `h`와 자료형에 따라 어떻게 변하는지 봅니다. 마지막으로 같은 선형 회귀를
# `torch.no_grad()` 안에서 직접 쓴 갱신과 `torch.optim.SGD`로 학습해, 모든
# 에포크(epoch)에서 파라미터가 비트 하나까지 같은지 `torch.equal`로 확인합니다.
#
# 이 페이지의 출력과 그래프는 사이트를 빌드할 때 노트북을 실제로 실행해서 얻은
# 결과입니다. 출력 대부분은 어느 컴퓨터에서나 같고, 빌드한 컴퓨터의 CPU에 따라
# 달라지는 출력은 그 셀의 설명에 그렇다고 적었습니다.

# %% [markdown]
# ## 실행 환경 확인
#
# 첫 셀은 필요한 것을 모두 불러오고 실행 환경을 출력합니다. 이 실습은 모든
# 계산을 CPU에서 합니다. 데이터가 작아서 GPU가 빠르지 않고, 마지막 절의 비트
# 단위 비교가 CPU에서의 `torch.optim.SGD` 구현에 관한 것이기 때문입니다(GPU에
# 대해서는 [강의](../lectures/w2-3-autograd.md#hand-update-vs-sgd)를 보십시오).
# 마지막 줄의 CPU capability는 PyTorch가 이 CPU에서 고른 벡터 명령어 수준입니다.
# x86에서는 `AVX2`나 `AVX512`이면 융합 곱셈-덧셈(fused multiply-add, FMA)을 쓰는
# 커널이, `DEFAULT`이면 쓰지 않는 커널이 실행됩니다. ARM CPU(Apple 실리콘,
# Graviton)는 `DEFAULT`로 표시되어도 NEON 커널이 FMA를 씁니다. 마지막 절에서 이
# 값이 필요합니다.

# %%
import warnings
from collections import OrderedDict

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.autograd import gradcheck

from torchbasics.data import load_diabetes, make_two_classes, split
from torchbasics.devices import environment_report

torch.manual_seed(0)
print(environment_report())
print("CPU capability:", torch.backends.cpu.get_cpu_capability())

# %% [markdown]
# ## 데이터
#
# 선형 회귀에는 [1.2 강의](../lectures/w1-2-linear-regression.md#diabetes)와
# 같은 당뇨병 데이터와 같은 분할을 씁니다. 환자 442명의 특성(feature) 10개로 1년
# 뒤의 병의 진행도를 예측하며, 학습 데이터의 평균과 표준편차로 표준화합니다. 이
# 실습은 학습 데이터만 씁니다. 신경망에는
# [1.3 강의](../lectures/w1-3-binary-classification.md#the-lab-network)의 두
# 반달 데이터를 씁니다.

# %%
train_set, _, _ = split(
    load_diabetes(), (0.7, 0.15, 0.15), seed=0, standardize=True
)
X_train, y_train = train_set.tensors
X_moons, y_moons = make_two_classes(200, seed=0).tensors
print("diabetes, training part:", tuple(X_train.shape), tuple(y_train.shape))
print("two moons:", tuple(X_moons.shape), tuple(y_moons.shape))

# %% [markdown]
# ## 계산 그래프 그리기
#
# 손실의 `grad_fn`에서 출발해 `next_functions`를 따라가면 그래프의 노드(node)를 모두
# 찾을 수 있습니다. `graph_of`는 그렇게 찾은 노드마다 손실에서 가장 긴 경로로 몇 단계
# 떨어져 있는지(`depth`)와 노드 사이의 화살표(`edges`)를 돌려주고, `draw_graph`는 같은
# 깊이의 노드를 한 줄에 놓아 그립니다. 화살표는 `backward()`가 기울기를 전하는
# 방향입니다. 주황색 상자는 `AccumulateGrad`, 곧 리프 텐서(leaf tensor)의 `.grad`에
# 기울기를 더하는 노드이며, 상자 안에 그 파라미터의 이름을 적었습니다.
#
# 두 모델 모두 손실 함수 하나와 `nn.Linear` 층으로 되어 있습니다. `nn.Linear`는
# 입력이 2차원이면 행렬 곱과 편향 덧셈을 연산 하나(`addmm`)로 하므로 노드도
# `AddmmBackward0` 하나이고, 가중치는 전치(`weight.T`)를 거쳐 들어가므로
# `TBackward0`이 하나 더 있습니다. 입력 데이터 `X`는 기울기가 필요 없으므로
# 그래프에 나타나지 않습니다.

# %%
def graph_of(loss):
    """Each node of loss's graph with its distance from the loss, and the arrows."""
    depth, edges, order = {loss.grad_fn: 0}, [], [loss.grad_fn]
    for node in order:  # order grows while we walk it: breadth first
        for child, _ in node.next_functions:
            if child is None:  # an input that needs no gradient
                continue
            edges.append((node, child))
            if child not in depth:
                depth[child] = depth[node] + 1
                order.append(child)
    changed = True
    while changed:  # a node sits one row below its lowest parent
        changed = False
        for parent, child in edges:
            if depth[child] < depth[parent] + 1:
                depth[child] = depth[parent] + 1
                changed = True
    return depth, edges


def label_of(node, names):
    if hasattr(node, "variable"):  # AccumulateGrad holds its leaf
        return "AccumulateGrad\n" + names[id(node.variable)]
    return type(node).__name__


def draw_graph(ax, loss, names, title):
    depth, edges = graph_of(loss)
    rows = {}
    for node, d in depth.items():
        rows.setdefault(d, []).append(node)
    where = {}
    for d, nodes in rows.items():
        for k, node in enumerate(nodes):
            where[node] = ((k + 1) / (len(nodes) + 1), -d)
    boxes = {}
    for node, (x, y) in where.items():
        leaf = hasattr(node, "variable")
        boxes[node] = ax.text(
            x, y, label_of(node, names), ha="center", va="center",
            fontsize=8, bbox={"boxstyle": "round",
                              "fc": "#ffcc80" if leaf else "#bbdefb"},
        )
    for parent, child in edges:  # arrows end at the edges of the boxes
        ax.annotate(
            "", xy=where[child], xytext=where[parent],
            arrowprops={"arrowstyle": "-|>", "color": "gray",
                        "patchA": boxes[parent].get_bbox_patch(),
                        "patchB": boxes[child].get_bbox_patch()},
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(-max(rows) - 0.5, 0.5)
    ax.set_title(title)
    ax.axis("off")


torch.manual_seed(0)
linear = nn.Linear(10, 1)
mlp = nn.Sequential(OrderedDict(
    fc1=nn.Linear(2, 4), relu=nn.ReLU(), fc2=nn.Linear(4, 1)
))
losses = {
    "linear regression, MSELoss": (
        nn.MSELoss()(linear(X_train), y_train), linear),
    "2 -> 4 -> 1 network, BCEWithLogitsLoss": (
        nn.BCEWithLogitsLoss()(mlp(X_moons), y_moons), mlp),
}
fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
for ax, (title, (loss, model)) in zip(axes, losses.items()):
    names = {id(p): name for name, p in model.named_parameters()}
    draw_graph(ax, loss, names, title)
    depth, edges = graph_of(loss)
    print(f"{title}: {len(depth)} nodes")
    for parent, child in edges:
        print(f"    {label_of(parent, names)} -> "
              + label_of(child, names).replace("\n", " "))
fig.tight_layout()
plt.show()

# %% [markdown]
# 오른쪽 그래프를 아래에서 위로 읽으면 순전파(forward pass)의 순서입니다. `fc1`의
# 가중치와 편향이 `AddmmBackward0`에서 만나고, `ReluBackward0`을 지나, `fc2`의
# 파라미터와 다시 `AddmmBackward0`에서 만난 뒤 손실이 됩니다. `backward()`는 위에서
# 아래로, 화살표를 따라 기울기를 전합니다. 강의의
# [손 계산](../lectures/w2-3-autograd.md#chain-rule-by-hand)이 한 줄씩 한 일이
# 바로 이 노드들의 `backward`입니다.

# %% [markdown]
# ## gradcheck로 검사하기
#
# 선형 회귀의 평균 제곱 오차(mean squared error) `mean((X @ w.T + b - y) ** 2)`는
# 가중치 `w`와 편향 `b`의 함수입니다. `gradcheck`는 이 함수의 야코비 행렬(Jacobian
# matrix)을 유한 차분으로 한 번, 역전파로 한 번 만들어 비교합니다. 유한 차분에는
# 배정밀도(double precision)가 필요하므로 데이터와 파라미터를 `float64`로 바꿉니다.
# 출력의 `True`는 파라미터 11개의 기울기가 모두 허용 오차 안에서 같다는 뜻입니다. 이
# 셀은 같은 함수를 `float32`로도 검사합니다. `raise_exception=False`로 부르면
# `gradcheck`는 오류 대신 `True`나 `False`를 돌려주며, `float32` 입력에는 경고를
# 냅니다. 출력의 마지막 줄이 그 경고의 첫 문장입니다.

# %%
X64, y64 = X_train.double(), y_train.double()


def mse_of(w, b):
    return ((X64 @ w.T + b - y64) ** 2).mean()


w64 = linear.weight.detach().double().requires_grad_()
b64 = linear.bias.detach().double().requires_grad_()
print("gradcheck in float64:", gradcheck(mse_of, (w64, b64)))

w32 = linear.weight.detach().clone().requires_grad_()
b32 = linear.bias.detach().clone().requires_grad_()


def mse32_of(w, b):
    return ((X_train @ w.T + b - y_train) ** 2).mean()


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    result = gradcheck(mse32_of, (w32, b32), raise_exception=False)
print("gradcheck in float32:", result)
print("its warning:", str(caught[0].message).split(". ")[0])

# %% [markdown]
# ## 유한 차분의 오차와 자료형
#
# `float32`에서 실패한 이유를 그림으로 봅니다. 함수는 시그모이드(`torch.sigmoid`)이고,
# 도함수 `σ'(x) = σ(x)(1 - σ(x))`를 `float64`로 계산해 정답으로 씁니다. 점 100개에서
# 중앙 차분(central difference) `(σ(x + h) - σ(x - h)) / (2h)`를 계산하고, 정답과의
# 상대 오차의 중앙값을 `h`에 대해 그립니다. 선형 회귀의 손실은 이차 함수라서 중앙
# 차분이 (반올림을 빼면) 정확하므로, 오차의 두 원인이 모두 보이도록 곡선인 함수를
# 씁니다.
#
# 그림의 오른쪽에서는 `h`가 작아질수록 오차가 `h²`에 비례해 줄어듭니다(로그-로그
# 그림에서 경사(slope)가 2인 직선). 왼쪽에서는 반대로 `h`가 작아질수록 오차가 `1/h`에
# 비례해 커집니다. `σ(x + h)`와 `σ(x - h)`가 거의 같은 수여서, 빼는 순간 자료형의
# 정밀도 `eps`만큼의 반올림 오차가 `2h`로 나뉘어 커지기 때문입니다. 두 오차가 같아지는
# 곳이 가장 좋은 `h`이고, 이론적으로는 `eps`의 세제곱근 근처입니다. 아래 출력의
# 세제곱근과 그림의 최솟값을 비교해 보십시오. 점선은 `gradcheck`의 기본 간격(인자
# `eps`) `1e-6`입니다. 이 `eps`는 차분 간격 `h`이고, 앞에서 말한 자료형의 정밀도 `eps`와는
# 다릅니다. `float64`에서는 그 자리의 오차가 작지만, `float32`에서는 반올림 오차가
# 지배하는 왼쪽에 있어 허용 오차를 넘습니다.

# %%
def sigmoid_slope_error(dtype, h_values):
    x = torch.linspace(-3, 3, 100, dtype=torch.float64)
    s = torch.sigmoid(x)
    exact = s * (1 - s)  # float64
    xd = x.to(dtype)
    errors = []
    for h in h_values:
        central = (torch.sigmoid(xd + h) - torch.sigmoid(xd - h)) / (2 * h)
        relative = (central.double() - exact).abs() / exact
        errors.append(relative.median().item())
    return errors


h_values = torch.logspace(-12, 0, 49, dtype=torch.float64).tolist()
fig, ax = plt.subplots(figsize=(6.5, 4))
for dtype in (torch.float32, torch.float64):
    eps = torch.finfo(dtype).eps
    print(f"{str(dtype):<13} eps {eps:.2e}   eps ** (1/3) {eps ** (1 / 3):.1e}")
    errors = [max(e, 1e-17) for e in sigmoid_slope_error(dtype, h_values)]
    ax.loglog(h_values, errors, "o-", markersize=3, label=str(dtype))
ax.axvline(1e-6, color="gray", linestyle=":", label="gradcheck's eps = 1e-6")
ax.set_xlabel("step h")
ax.set_ylabel("median relative error of the central difference")
ax.set_title("Central differences of sigmoid: truncation vs rounding")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 직접 쓴 경사 하강법과 torch.optim.SGD
#
# 이제 선형 회귀를 전체 배치 경사 하강법(gradient descent)으로 300 에포크 학습합니다.
# `train`은 학습 루프를 한 번만 쓰고, 갱신 방법은 인자 `make_step`으로 받습니다.
# `make_step(params, lr)`은 부를 때마다 갱신을 한 번 하는 함수 `step`을
# 돌려줍니다. 기울기는
# 모두 자동 미분으로 구하고, 에포크마다 손실과 파라미터 전체(가중치 10개와 편향)를
# 기록합니다. 모델은 매번 같은 시드(seed)로 만들므로 출발점이 같습니다.
#
# - `sgd`: `torch.optim.SGD(params, lr=lr)`의 `step`.
# - `sgd_foreach`: `foreach=True`를 준 `SGD`. 여러 텐서를 한 번에 갱신하는
#   구현을 고릅니다.
# - `add_by_hand`: `torch.no_grad()` 안에서 파라미터마다
#   `p.add_(p.grad, alpha=-lr)`. `SGD`가 CPU에서 실행하는 바로 그 줄입니다.
# - `minus_by_hand`: `torch.no_grad()` 안에서 `p -= lr * p.grad`. 수학적으로는
#   같은 갱신입니다.

# %%
def train(make_step, num_epochs=300, lr=0.1):
    torch.manual_seed(0)
    model = nn.Linear(10, 1)
    params = list(model.parameters())
    step = make_step(params, lr)
    losses, snapshots = [], []
    for epoch in range(num_epochs):
        for p in params:
            p.grad = None  # what optimizer.zero_grad() does
        loss = nn.functional.mse_loss(model(X_train), y_train)
        loss.backward()
        step()
        losses.append(loss.item())
        snapshots.append(torch.cat([p.detach().flatten() for p in params]))
    return losses, torch.stack(snapshots)  # (num_epochs,), (num_epochs, 11)


def sgd(params, lr):
    return torch.optim.SGD(params, lr=lr).step


def sgd_foreach(params, lr):
    return torch.optim.SGD(params, lr=lr, foreach=True).step


def add_by_hand(params, lr):
    def step():
        with torch.no_grad():  # the update must not be recorded
            for p in params:
                p.add_(p.grad, alpha=-lr)  # the line SGD runs on the CPU
    return step


def minus_by_hand(params, lr):
    def step():
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad  # rounds lr * p.grad, then subtracts
    return step


runs = {f.__name__: train(f) for f in
        (sgd, sgd_foreach, add_by_hand, minus_by_hand)}
sgd_losses, sgd_params = runs["sgd"]
print(f"{'update':<14} {'final loss':>10}  {'bit for bit at every epoch':>26}")
for name in ("sgd_foreach", "add_by_hand"):
    losses, params = runs[name]
    bitwise = all(torch.equal(a, b) for a, b in zip(params, sgd_params))
    print(f"{name:<14} {losses[-1]:>10.1f}  {bitwise!s:>26}")
print(f"{'sgd':<14} {sgd_losses[-1]:>10.1f}")

# %% [markdown] `add_by_hand`는 300 에포크 내내 `SGD`와 파라미터 11개가 비트 하나까지
# 같습니다. 같은 커널에 같은 입력을 주었으니 당연한 결과이지만, 기울기 계산과 기울기
# 지우기는 루프가 따로 하고, `optimizer.step()`이 `no_grad` 안에서 하는 일은 정말 이
# 한 줄뿐이라는 증거이기도 합니다. `foreach=True`도 CPU에서는 같습니다. CPU에는
# foreach 전용 커널이 없어 텐서마다 같은 `add_`를 부르기 때문입니다. GPU에서는 foreach
# 전용 커널이 따로 있으므로 이 결과를 GPU로 넓혀 읽으면 안 됩니다.
#
# 그림에서 선은 `SGD`, 점은 `add_by_hand`이며, 점은 10 에포크마다 찍었습니다. 모든
# 점이 선 위에 있습니다. 왼쪽 그림은 각 에포크의 손실이 도달할 수 있는 가장 낮은
# 손실보다 얼마나 큰지를 로그 눈금(log scale)으로 그린 것입니다. 가장 낮은 손실은
# `torch.linalg.lstsq`로 최소제곱(least squares) 문제를 직접 풀어 `float64`로 구했고,
# 출력의 첫 줄이 그 값입니다. 오른쪽은 가중치 10개의 궤적입니다. 손실은 처음 몇십
# 에포크에 거의 다 줄지만, 몇몇 가중치는 300 에포크가 지나도 계속 움직입니다. [1.2
# 강의](../lectures/w1-2-linear-regression.md#diabetes)에서 본 것처럼 서로 강하게
# 상관된 특성 때문에 손실의 골짜기가 길고 좁아서, 그 방향으로는 경사 하강법이 아주
# 천천히 나아가기 때문입니다.

# %%
A = torch.cat([X64, torch.ones(len(X64), 1, dtype=torch.float64)], dim=1)
solution = torch.linalg.lstsq(A, y64).solution  # least squares: the minimum
best = ((A @ solution - y64) ** 2).mean().item()
print(f"lowest training MSE (least squares): {best:.1f}")

hand_losses, hand_params = runs["add_by_hand"]
epochs = torch.arange(1, len(sgd_losses) + 1)
marks = slice(0, None, 10)
fig, (ax_loss, ax_w) = plt.subplots(1, 2, figsize=(11, 4))
ax_loss.plot(epochs, [v - best for v in sgd_losses], label="torch.optim.SGD")
ax_loss.plot(epochs[marks], [v - best for v in hand_losses[marks]], "o",
             markersize=4, label="p.add_(p.grad, alpha=-lr) by hand")
ax_loss.set_yscale("log")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("training MSE minus the lowest (log scale)")
ax_loss.legend()
for i in range(10):
    line, = ax_w.plot(epochs, sgd_params[:, i], linewidth=1)
    ax_w.plot(epochs[marks], hand_params[marks, i], "o", markersize=2.5,
              color=line.get_color())
ax_w.set_xlabel("epoch")
ax_w.set_title("the 10 weights: SGD (lines), by hand (dots)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## p -= lr * p.grad는 CPU에 따라 다릅니다
#
# 이 절의 출력은 **빌드한 컴퓨터의 CPU에 따라 다릅니다.** `minus_by_hand`는
# 수학적으로 같은 갱신이므로 반올림 오차 안에서는 언제나 `SGD`와 같습니다. 아래
# 출력의 첫 줄이 그것을 파라미터의 크기에 비례한 허용 오차로 확인합니다.
# 하지만 `lr * p.grad`를 먼저 `float32`로 반올림하고 빼면서 한 번 더 반올림하므로,
# 반올림을 한 번만 하는 FMA로 `add_`를 계산하는 CPU(x86에서는 첫 셀의 CPU
# capability가 `AVX2`나 `AVX512`, 그리고 ARM CPU)에서는 마지막 비트가 달라질 수
# 있고, 한 번 달라진 비트는 다음 에포크로 이어집니다. x86의 `DEFAULT` 수준에서는
# 두 계산이 같은 반올림을 하므로 비트까지 같을 수 있습니다.
#
# 둘째 부분은 갱신 한 번만 따로 떼어 봅니다. 크기가 비슷한 무작위 파라미터와
# 기울기 1000쌍에 두 방법으로 갱신을 한 번 하고, 비트가 다른 원소의 수를 셉니다.

# %%
minus_losses, minus_params = runs["minus_by_hand"]
scale = sgd_params.abs().max()
close = torch.allclose(minus_params, sgd_params, rtol=0, atol=1e-6 * scale)
print("minus_by_hand equals SGD within 1e-6 of the largest parameter:", close)
first = next((e for e, (a, b) in enumerate(zip(minus_params, sgd_params), 1)
              if not torch.equal(a, b)), None)
print("CPU capability:", torch.backends.cpu.get_cpu_capability())
print("first epoch where minus_by_hand differs from SGD bitwise:", first)

generator = torch.Generator().manual_seed(0)
p = torch.randn(1000, generator=generator)
grad = torch.randn(1000, generator=generator)
fused = p.clone().add_(grad, alpha=-0.1)
rounded_twice = p.clone()
rounded_twice -= 0.1 * grad
differ = (fused != rounded_twice).sum().item()
print(f"one update of 1000 values: {differ} differ in the last bit;"
      f" largest gap {(fused - rounded_twice).abs().max().item():.1e}")

# %% [markdown]
# 빌드한 컴퓨터에서 나온 값을 위 출력에서 확인하십시오. 비트가 다른 원소가 있다면
# 그 차이는 `float32`의 마지막 자리 하나 정도입니다. 학습 결과를 바꿀 크기는
# 아닙니다. 하지만 "`SGD`와 똑같다"를 `torch.equal`로 보이려면 `SGD`와 같은
# 연산인 `p.add_(p.grad, alpha=-lr)`로 써야 합니다.

# %% [markdown]
# ## 정리
#
# - 손실의 `grad_fn`에서 `next_functions`를 따라가면 계산 그래프 전체가
#   나옵니다. 리프 쪽 끝에는 `.grad`에 더하는 `AccumulateGrad`가 있습니다.
# - `gradcheck`는 `float64`에서 기울기를 유한 차분과 비교합니다. 중앙 차분의
#   오차는 큰 `h`에서 `h²`, 작은 `h`에서 `eps / h`에 비례하므로, `float32`에서는
#   `gradcheck`의 기본 간격에서 반올림 오차가 너무 큽니다.
# - `torch.no_grad()` 안의 `p.add_(p.grad, alpha=-lr)`는 CPU에서
#   `torch.optim.SGD`와 모든 에포크에서 비트까지 같습니다.
#   `p -= lr * p.grad`는 반올림 오차 안에서만 같고, 비트까지 같은지는 CPU에 따라
#   다릅니다.
#
# 각 개념의 자세한 설명과 연습 문제는 강의
# [2.3 자동 미분](../lectures/w2-3-autograd.md)에 있습니다.
