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
# # 실습: 층, 활성화 함수, 손실 함수
#
# 강의 3.1 「[층, 활성화 함수, 손실 함수](../lectures/w3-1-building-blocks.md)」의
# 내용을 학습으로 확인하고 그림으로 보는 실습입니다. 먼저 층 일부를 파이썬 리스트에
# 둔 모델이 어떻게 조용히 덜 학습하는지 봅니다. 다음으로 활성화 함수와 도함수를
# 그리고, 학습률에 따라 ReLU 유닛이 죽어 가는 모습을 걸음마다 셉니다. 이어서
# 이상치의 크기를 바꿔 가며 세 회귀 손실의 직선이 얼마나 끌려가는지 재고, 불균형
# 데이터에서 세 분류 손실의 결정 경계를 그립니다. 마지막으로 초기화마다 층별
# 활성값의 히스토그램을 그리고, 깊은 ReLU 신경망을 세 가지 초기화로 학습해
# 비교합니다.
#
# 이 페이지의 출력과 그래프는 사이트를 빌드할 때 노트북을 실제로 실행해서 얻은
# 결과입니다. 모든 계산은 CPU에서 하며, 시드를 정해 두었으므로 다시 실행해도 같은
# 그림이 나옵니다. 다른 CPU에서는 학습한 값의 마지막 자리가 조금 다를 수 있습니다.

# %% [markdown]
# ## 실행 환경 확인
#
# 필요한 것을 모두 불러오고 실행 환경을 출력합니다. 모델이 아주 작아서 계산
# 스레드를 여럿 쓰면 스레드끼리 맞추는 비용이 계산보다 크므로, 스레드를 하나만
# 씁니다.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy.optimize import minimize
from sklearn.linear_model import HuberRegressor, QuantileRegressor
from sklearn.metrics import recall_score
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.data import load_digits, make_two_classes, split
from torchbasics.devices import environment_report
from torchbasics.metrics import predict_labels, recall
from torchbasics.plotting import plot_activations, plot_decision_boundary

print(environment_report())
torch.set_num_threads(1)

# %% [markdown]
# ## 리스트에 숨은 층은 학습되지 않습니다
#
# [강의](../lectures/w3-1-building-blocks.md#plain-list-bug)에서는 층이 모두 리스트에
# 있어서 옵티마이저가 빈 목록을 거절했습니다. 여기서는 더 흔한 경우를 봅니다. 은닉층
# 두 개는 파이썬 리스트에, 출력 층은 속성에 둔 모델입니다. 옵티마이저는 출력 층의
# 파라미터만 받으므로 오류 없이 학습하지만, 은닉층은 처음 값 그대로 남습니다. 같은
# 구조를 `nn.ModuleList`로 만든 모델과 같은 초기값, 같은 데이터(두 달 모양 512개)로
# 200걸음씩 학습해 손실을 비교합니다.

# %%
X_moons, y_moons = make_two_classes(512, seed=0).tensors


class HiddenInList(nn.Module):
    def __init__(self, container):
        super().__init__()
        self.hidden = container([nn.Linear(2, 32), nn.Linear(32, 32)])
        self.out = nn.Linear(32, 1)

    def forward(self, x):
        for layer in self.hidden:
            x = torch.relu(layer(x))
        return self.out(x)


def train_moons(model, lr=0.5, steps=200):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.BCEWithLogitsLoss()(model(X_moons), y_moons)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


models = {}
for name, container in [("plain list", list), ("nn.ModuleList", nn.ModuleList)]:
    torch.manual_seed(0)
    models[name] = HiddenInList(container)
before = models["plain list"].hidden[0].weight.clone()
curves = {name: train_moons(model) for name, model in models.items()}
for name, model in models.items():
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{name:<14} parameters the optimizer sees: {n_params:5d}"
          f"   final loss {curves[name][-1]:.3f}")
print("hidden weights of the plain-list model unchanged:",
      torch.equal(models["plain list"].hidden[0].weight, before))

fig, ax = plt.subplots(figsize=(6, 3.2))
for name, losses in curves.items():
    ax.plot(losses, label=name)
ax.set_xlabel("step")
ax.set_ylabel("training loss (BCE)")
ax.set_title("Hidden layers in a plain list are never trained")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 리스트에 은닉층을 둔 모델은 무작위 은닉층 위에서 출력 층만 학습한 셈이라 손실이
# 덜 내려갑니다. 오류도 경고도 없으므로, 새 모델을 만들면 `parameters()`의 개수를
# 한 번 세어 보는 습관이 이런 버그를 잡습니다.

# %% [markdown]
# ## 활성화 함수와 도함수
#
# [`plot_activations`](../api/plotting.md#torchbasics.plotting.plot_activations)는
# 활성화 함수(실선)와 자동 미분으로 구한 도함수(점선)를 그립니다. LeakyReLU는 음수
# 쪽 기울기가 눈에 보이도록 `negative_slope=0.1`로 그립니다.

# %%
plot_activations(["sigmoid", "tanh", "relu", "leaky_relu", "gelu"])

# %% [markdown]
# 소프트맥스는 원소별 함수가 아니므로 따로 그립니다. 로짓 세 개 가운데 첫째만 `x`로
# 바꾸고 나머지 둘은 0으로 둔 채, 첫째 클래스의 확률 `p₀`와 그 도함수(야코비 행렬의
# 대각 원소 `p₀(1 - p₀)`), 그리고 둘째 클래스의 확률이 `x`에 따라 변하는 비율(비대각
# 원소 `-p₀p₁`)을 그립니다. 도함수는 자동 미분으로 구하고 식과 비교합니다.

# %%
x = torch.linspace(-6, 6, 241, requires_grad=True)
logits = torch.stack([x, torch.zeros_like(x), torch.zeros_like(x)], dim=1)
p = torch.softmax(logits, dim=1)
(dp0,) = torch.autograd.grad(p[:, 0].sum(), x, retain_graph=True)
(dp1,) = torch.autograd.grad(p[:, 1].sum(), x)
p = p.detach()
print("diagonal matches p0(1 - p0):", torch.allclose(dp0, p[:, 0] * (1 - p[:, 0]), atol=1e-6))
print("off-diagonal matches -p0 p1:", torch.allclose(dp1, -p[:, 0] * p[:, 1], atol=1e-6))
print(f"largest slope of p0: {dp0.max():.3f}")

fig, ax = plt.subplots(figsize=(6, 3.2))
xs = x.detach()
ax.plot(xs, p[:, 0], label="p0 = softmax(x, 0, 0)[0]", linewidth=2)
ax.plot(xs, dp0, "--", label="d p0 / dx")
ax.plot(xs, dp1, ":", label="d p1 / dx")
ax.axhline(0, color="0.7", linewidth=0.8)
ax.set_xlabel("x (the first logit)")
ax.set_title("Softmax with three classes: one logit varied")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# 두 도함수를 더하고 셋째 클래스의 것까지 더하면 0입니다. 확률의 합은 늘 1이므로
# 한 확률이 오르면 다른 확률이 그만큼 내려갑니다.

# %% [markdown]
# ## 죽어 가는 ReLU 세기
#
# [강의](../lectures/w3-1-building-blocks.md#dead-relus)의 신경망(은닉층 64, 64)을
# 학습률 0.5, 2, 8로 100걸음씩 학습하고, 걸음마다 두 은닉층에서 죽은 유닛의 수를
# 셉니다. 유닛이 죽었다는 것은 활성화 함수의 입력이 512개 샘플 모두에서 0 이하라는
# 뜻입니다. 가장 큰 학습률에서는 LeakyReLU로도 학습해 비교합니다. LeakyReLU의
# "죽은" 유닛은 입력이 모두 음수일 뿐, 기울기는 받습니다.
#
# 첫 은닉층과 둘째 은닉층은 다릅니다. 첫 층의 입력은 데이터 그대로이므로, 죽은 유닛의
# 가중치가 더는 바뀌지 않으면 그 유닛은 영영 죽은 채입니다. 둘째 층 유닛의 입력은 첫
# 층의 출력이어서, 자기 가중치는 그대로여도 첫 층이 바뀌면 다시 살아날 수 있습니다.

# %%
def pre_activations(model, X):
    """The input of every activation module of a Sequential, for the batch X."""
    found = []
    h = X
    with torch.no_grad():
        for module in model:
            if isinstance(module, (nn.ReLU, nn.LeakyReLU)):
                found.append(h)
            h = module(h)
    return found


def dead_per_layer(model, X):
    """How many units of each hidden layer have a non-positive input on every sample."""
    return [int((h <= 0).all(dim=0).sum()) for h in pre_activations(model, X)]


def dying_run(lr, activation, steps=100):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 64), activation(), nn.Linear(64, 64),
                          activation(), nn.Linear(64, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    counts, losses = [dead_per_layer(model, X_moons)], []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.BCEWithLogitsLoss()(model(X_moons), y_moons)
        loss.backward()
        optimizer.step()
        counts.append(dead_per_layer(model, X_moons))
        losses.append(loss.item())
    with torch.no_grad():
        accuracy = ((model(X_moons) > 0).float() == y_moons).float().mean().item()
    return torch.tensor(counts), losses, accuracy


runs = {f"ReLU, lr={lr}": dying_run(lr, nn.ReLU) for lr in (0.5, 2.0, 8.0)}
runs["LeakyReLU, lr=8.0"] = dying_run(8.0, nn.LeakyReLU)
for name, (counts, losses, accuracy) in runs.items():
    first = counts[:, 0]
    never_revived = bool((first[1:] >= first[:-1]).all())
    print(f"{name:<18} dead after 100 steps: layer 1 {int(counts[-1, 0]):2d}/64,"
          f" layer 2 {int(counts[-1, 1]):2d}/64   layer 1 never decreased: {never_revived!s:5}"
          f"   final loss {losses[-1]:.3f}   accuracy {accuracy:.3f}")

fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
for name, (counts, losses, _) in runs.items():
    style = "--" if name.startswith("Leaky") else "-"
    axes[0].plot(counts[:, 0], style, label=name)
    axes[1].plot(counts[:, 1], style, label=name)
    axes[2].plot(losses, style, label=name)
for ax, title in zip(axes[:2], ["hidden layer 1", "hidden layer 2"]):
    ax.set_xlabel("step")
    ax.set_ylabel("dead units (of 64)")
    ax.set_title(f"Dead units, {title}")
axes[2].set_xlabel("step")
axes[2].set_ylabel("training loss (BCE)")
axes[2].set_title("Training loss")
axes[2].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# 학습률 0.5에서는 처음부터 죽어 있던 몇 개 말고는 죽는 유닛이 없습니다. 학습률이
# 커질수록 처음 몇 걸음 만에 많은 유닛이 죽고, ReLU 첫 층의 죽은 유닛 수는 한 번도
# 줄지 않습니다. 학습률 8의 ReLU 신경망은 둘째 층 유닛까지 모두 잃어, 출력이 입력과
# 상관없는 상수가 되고 손실은 두 클래스를 반반으로 찍는 값 `log 2 ≈ 0.693`에 머뭅니다.
# 같은 학습률에서 LeakyReLU 신경망은 첫 층의 "죽은" 유닛 수가 줄어들기도 하고 학습을
# 이어 갑니다. 음수 쪽에 머문 유닛도 기울기를 받기 때문입니다.

# %% [markdown]
# ## 이상치에 끌려가는 직선
#
# 강의와 같은 점 30개에서 가장 오른쪽 점을 0부터 40까지 위로 옮기며, MSE, MAE, 후버
# 손실로 직선을 맞춥니다. 오프셋마다 따로 학습하는 대신, 오프셋 9개의 기울기와
# 절편을 `(9, 2)` 텐서 하나에 두고 손실을 오프셋마다 평균해 더합니다. Adam은
# 파라미터 원소마다 따로 걸음을 정하므로, 이렇게 한 번에 학습해도 9개를 따로
# 학습한 것과 같습니다. 기준으로는 강의처럼 최소제곱 해, scikit-learn의
# `QuantileRegressor`, SciPy로 최소화한 후버 손실을 씁니다. scikit-learn의
# `HuberRegressor`는 잔차의 척도도 함께 추정하므로 `nn.HuberLoss`와 목적 함수가
# 다르지만, 이상치에 끌려가지 않는 직선의 또 다른 예로 함께 그립니다.

# %%
g = torch.Generator().manual_seed(0)
x_line = torch.linspace(0, 3, 30, dtype=torch.float64)
clean = 2 * x_line + 1 + 0.3 * torch.randn(30, generator=g, dtype=torch.float64)
offsets = torch.linspace(0, 40, 9, dtype=torch.float64)
targets = clean.repeat(9, 1)  # (9, 30): one row per offset
targets[:, -1] += offsets


def fit_lines(loss_fn, targets, steps=3000):
    w = torch.zeros(len(targets), 2, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([w], lr=0.05)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 1 - t / steps)
    for _ in range(steps):
        optimizer.zero_grad()
        predictions = w[:, :1] * x_line + w[:, 1:]  # (9, 30)
        loss_fn(predictions, targets).mean(dim=1).sum().backward()
        optimizer.step()
        scheduler.step()
    return w.detach()


loss_fns = {"MSE": nn.MSELoss(reduction="none"), "MAE": nn.L1Loss(reduction="none"),
            "Huber": nn.HuberLoss(reduction="none")}
fitted = {name: fit_lines(f, targets) for name, f in loss_fns.items()}

A = torch.stack([x_line, torch.ones_like(x_line)], dim=1)
X_np = x_line[:, None].numpy()


def huber_np(w, y):
    e = np.abs(w[0] * x_line.numpy() + w[1] - y)
    return np.where(e <= 1, 0.5 * e ** 2, e - 0.5).mean()


references = {"MSE": [], "MAE": [], "Huber": []}
for y_row in targets:
    references["MSE"].append(torch.linalg.lstsq(A, y_row[:, None]).solution.squeeze())
    qr = QuantileRegressor(quantile=0.5, alpha=0.0).fit(X_np, y_row.numpy())
    references["MAE"].append(torch.tensor([qr.coef_[0], qr.intercept_]))
    references["Huber"].append(torch.tensor(minimize(huber_np, [0.0, 0.0],
                                                     args=(y_row.numpy(),)).x))
sk_huber = [HuberRegressor(alpha=0.0).fit(X_np, y_row.numpy()).coef_[0] for y_row in targets]

print("offset:     ", " ".join(f"{o:6.0f}" for o in offsets.tolist()))
for name, w in fitted.items():
    print(f"{name:<6} slope", " ".join(f"{s:6.2f}" for s in w[:, 0].tolist()))
print("HuberRegressor", " ".join(f"{s:6.2f}" for s in sk_huber))
for name, w in fitted.items():
    gap = (w - torch.stack(references[name])).abs().max().item()
    print(f"{name:<6} largest gap to its reference over all offsets: {gap:.4f}")

fig, (ax_lines, ax_slopes) = plt.subplots(1, 2, figsize=(11, 3.8))
ax_lines.scatter(x_line, targets[4], s=12, color="0.3", label="data (offset 20)")
for name, w in fitted.items():
    ax_lines.plot(x_line, w[4, 0] * x_line + w[4, 1], label=name)
ax_lines.set_title("Lines fitted with an outlier of +20")
ax_lines.set_xlabel("x")
ax_lines.set_ylabel("y")
ax_lines.legend(fontsize=8)
for name, w in fitted.items():
    ax_slopes.plot(offsets, w[:, 0], "o-", label=name)
ax_slopes.plot(offsets, sk_huber, "x:", color="0.4", label="sklearn HuberRegressor")
ax_slopes.set_xlabel("how far the outlier is moved up")
ax_slopes.set_ylabel("fitted slope")
ax_slopes.set_title("The outlier's pull on the slope")
ax_slopes.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# MSE 직선의 기울기는 이상치를 옮긴 만큼 곧게 늘어납니다. 제곱 오차에서 이상치가
# 당기는 힘은 그 오차에 비례하고, 최소제곱 해는 타깃의 선형 함수이기 때문입니다.
# MAE와 후버 직선의 기울기는 이상치가 조금 옮겨졌을 때만 따라가다가 곧 멈춥니다.
# 오차가 $\delta$를 넘으면 후버 손실에서 이상치의 힘은 더 커지지 않습니다. 세 학습
# 결과는 모든 오프셋에서 각자의 기준과 같습니다.

# %% [markdown]
# ## 불균형 데이터의 결정 경계
#
# [강의](../lectures/w3-1-building-blocks.md#imbalance)의 세 클래스 데이터(학습
# 500, 100, 20개)를 보통의 교차 엔트로피, 클래스 가중치 `N / (K n_k)`, 레이블 스무딩
# 0.2로 학습한 선형 모델의 결정 경계를 그립니다. 재현율은 `torchbasics.metrics`와
# scikit-learn의 `recall_score`로 함께 잽니다.

# %%
centers = torch.tensor([[0.0, 0.0], [2.0, 0.5], [0.5, 2.0]])


def blobs(counts, seed):
    g = torch.Generator().manual_seed(seed)
    X = torch.cat([c + torch.randn(n, 2, generator=g) for c, n in zip(centers, counts)])
    y = torch.cat([torch.full((n,), k) for k, n in enumerate(counts)])
    return X, y


X_imb, y_imb = blobs([500, 100, 20], seed=0)
X_test, y_test = blobs([500, 500, 500], seed=1)


def train_linear(loss_fn):
    torch.manual_seed(0)
    model = nn.Linear(2, 3)
    optimizer = torch.optim.LBFGS(model.parameters(), max_iter=500, tolerance_grad=1e-9,
                                  tolerance_change=1e-12, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = loss_fn(model(X_imb), y_imb)
        loss.backward()
        return loss

    optimizer.step(closure)
    return model


balanced = len(y_imb) / (3 * torch.bincount(y_imb).float())
classifiers = {
    "plain": train_linear(nn.CrossEntropyLoss()),
    "class weights": train_linear(nn.CrossEntropyLoss(weight=balanced)),
    "label smoothing 0.2": train_linear(nn.CrossEntropyLoss(label_smoothing=0.2)),
}
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
for ax, (name, model) in zip(axes, classifiers.items()):
    with torch.no_grad():
        pred = predict_labels(model(X_test))
    ours = [(pred[y_test == k] == k).float().mean().item() for k in range(3)]
    theirs = recall_score(y_test.numpy(), pred.numpy(), average=None)
    macro = recall(pred, y_test, average="macro")
    print(f"{name:<20} recall per class {[round(r, 3) for r in ours]}"
          f"   balanced accuracy {macro:.3f}"
          f"   same as sklearn: {np.allclose(ours, theirs)}")
    plot_decision_boundary(model, X_imb, y_imb, ax=ax)
    ax.set_title(name)
fig.tight_layout()
plt.show()

# %% [markdown]
# 보통의 교차 엔트로피로 학습한 모델에서 드문 클래스 2(가장 작은 점들의 무리)의
# 영역은 좁습니다. 클래스 가중치는 그 영역을 넓혀 재현율을 올립니다. 레이블
# 스무딩의 경계는 보통의 경계와 비슷하고, 드문 클래스의 영역은 오히려 조금 더
# 좁습니다. 스무딩은 불균형을 고치는 도구가 아니라 확률의 크기를 줄이는 도구입니다.

# %% [markdown]
# ## 초기화와 층별 활성값
#
# [강의](../lectures/w3-1-building-blocks.md#bad-init)의 다섯 가지 초기화로 폭 256인
# 층 10개를 지나는 활성값을 층마다 모아 히스토그램으로 그립니다. 행이 초기화, 열이
# 층(1, 4, 7, 10번째)입니다. 가로축은 행마다 첫 층의 값 범위에 맞췄습니다.
# 히스토그램 아래의 수는 그 층 활성값의 표준편차입니다.

# %%
def activations_by_layer(init, activation, depth=10, width=256):
    torch.manual_seed(0)
    h = torch.randn(1000, width)
    found = []
    with torch.no_grad():
        for _ in range(depth):
            layer = nn.Linear(width, width)
            init(layer.weight)
            nn.init.zeros_(layer.bias)
            h = activation(layer(h))
            found.append(h.flatten())
    return found


setups = {
    "N(0, 0.01), tanh": (lambda w: nn.init.normal_(w, std=0.01), torch.tanh),
    "N(0, 1), tanh": (lambda w: nn.init.normal_(w, std=1.0), torch.tanh),
    "Xavier, tanh": (nn.init.xavier_normal_, torch.tanh),
    "default, ReLU": (lambda w: nn.init.kaiming_uniform_(w, a=5 ** 0.5), torch.relu),
    "He, ReLU": (lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"), torch.relu),
}
shown_layers = (0, 3, 6, 9)
fig, axes = plt.subplots(len(setups), len(shown_layers), figsize=(11, 9))
for row, (name, (init, activation)) in zip(axes, setups.items()):
    layers = activations_by_layer(init, activation)
    low, high = layers[0].min().item(), layers[0].max().item()
    for ax, k in zip(row, shown_layers):
        values = layers[k].clamp(low, high).numpy()
        ax.hist(values, bins=50, range=(low, high), color="C0")
        ax.set_yticks([])
        ax.set_xlabel(f"std {layers[k].std():.1e}", fontsize=8)
        ax.tick_params(labelsize=7)
        if row is axes[0]:
            ax.set_title(f"layer {k + 1}")
    row[0].set_ylabel(name, fontsize=9)
fig.suptitle("Activations after each layer, by initialization")
fig.tight_layout()
plt.show()

# %% [markdown]
# 작은 가중치에서는 분포가 층마다 좁아져 10번째 층에서는 0에 붙은 막대 하나가
# 남습니다. 큰 가중치의 tanh는 첫 층부터 값이 ±1 양 끝에 몰립니다. Xavier와 tanh,
# He와 ReLU의 분포는 10층을 지나도 모양과 폭이 거의 그대로이고, `nn.Linear`의
# 기본값과 ReLU는 층마다 폭이 줄어듭니다.

# %% [markdown]
# ## 깊은 ReLU 신경망의 학습과 초기화
#
# 초기화의 차이가 학습에서 어떻게 드러나는지, 8×8 숫자 이미지(학습 70%)로 폭 64인
# 은닉층 10개의 ReLU 신경망을 세 가지 초기화로 학습해 봅니다. `nn.Linear`의
# 기본값, He 초기화, 그리고 너무 작은 $N(0, 0.01^2)$입니다. 옵티마이저는 SGD(학습률
# 0.01, 모멘텀 0.9), 배치 크기 64로 8 에포크를 학습하고, 검증 정확도를 비교합니다.

# %%
train_set, val_set, _ = split(load_digits(flatten=True), (0.7, 0.15, 0.15), seed=0)
X_val, y_val = val_set.tensors


def deep_relu(init):
    torch.manual_seed(0)
    layers = [nn.Linear(64, 64), nn.ReLU()]
    for _ in range(9):
        layers += [nn.Linear(64, 64), nn.ReLU()]
    model = nn.Sequential(*layers, nn.Linear(64, 10))

    def init_linear(module):
        if isinstance(module, nn.Linear):
            init(module.weight)
            nn.init.zeros_(module.bias)

    if init is not None:
        model.apply(init_linear)
    return model


inits = {
    "default": None,
    "He": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "N(0, 0.01)": lambda w: nn.init.normal_(w, std=0.01),
}
histories = {}
for name, init in inits.items():
    model = deep_relu(init)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loader = DataLoader(train_set, batch_size=64, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    history = []
    for epoch in range(8):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            nn.CrossEntropyLoss()(model(xb), yb).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            history.append((model(X_val).argmax(dim=1) == y_val).float().mean().item())
    histories[name] = history
    print(f"{name:<11} validation accuracy by epoch:",
          " ".join(f"{a:.2f}" for a in history))

fig, ax = plt.subplots(figsize=(6, 3.4))
for name, history in histories.items():
    ax.plot(range(1, 9), history, "o-", label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("validation accuracy")
ax.set_title("A 10-hidden-layer ReLU network on digits")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# He 초기화로 시작한 신경망은 첫 에포크부터 학습합니다. `nn.Linear`의 기본값과 너무
# 작은 가중치로 시작한 신경망은 10층을 지나며 활성값과 기울기가 모두 사라져, 8
# 에포크 동안 우연히 맞히는 수준(10%)에서 벗어나지 못합니다. 같은 데이터, 같은
# 옵티마이저, 같은 구조에서 초기화 하나만 달랐습니다. 층이 몇 개뿐인 신경망에서는
# 기본값으로도 충분히 학습되므로, 이 차이는 깊이가 만드는 것입니다.

# %% [markdown]
# ## 정리
#
# - 파이썬 리스트에 넣은 층은 `parameters()`에 없어 학습되지 않고, 오류도 나지
#   않습니다. `nn.ModuleList`로 감싸고, 파라미터 수를 세어 확인합니다.
# - 학습률이 크면 ReLU 유닛이 몇 걸음 만에 죽고 살아나지 않습니다. LeakyReLU는 음수
#   쪽에도 기울기를 남깁니다.
# - MSE 직선은 이상치를 옮긴 만큼 따라가고, MAE와 후버 직선은 곧 멈춥니다.
# - 클래스 가중치는 드문 클래스의 영역을 넓히고, 레이블 스무딩은 경계보다 확신도를
#   바꿉니다.
# - 초기화는 층마다 활성값의 분포를 정하고, 깊은 신경망에서는 학습이 되느냐 마느냐를
#   가릅니다.
