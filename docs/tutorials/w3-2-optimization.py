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
# # 실습: 최적화와 규제
#
# 강의 3.2 「[최적화와 규제](../lectures/w3-2-optimization.md)」의 내용을 실제
# MNIST 손글씨 숫자 5,000장으로 실행하는 실습입니다. 같은 시드의 같은 모델을 여섯
# 옵티마이저로 학습해 손실 곡선을 한 그래프에 그리고, 학습률 스케줄 다섯 가지를
# 그려서 그 효과를 잽니다. 배치 정규화의 이동 평균이 모이는 모습을 보고, 학습
# 데이터를 500장으로 줄였을 때 드롭아웃과 가중치 감쇠가 일반화 격차를 어떻게 바꾸는지
# 그립니다. 마지막으로 기울기 클리핑과 스케줄러가 들어간 루프를 손으로 써서
# `Trainer`와 비트까지 같은지 확인하고, 그 모델의 시험 정확도를 scikit-learn의
# `LogisticRegression`과 같은 분할에서 비교합니다.
#
# 이 페이지의 출력과 그래프는 사이트를 빌드할 때 노트북을 실제로 실행해서 얻은
# 결과입니다. 다른 컴퓨터나 다른 버전의 라이브러리에서는 손실과 정확도의 마지막
# 자리가 조금 다를 수 있고, 시간은 컴퓨터마다 다릅니다.

# %% [markdown]
# ## 실행 환경과 데이터
#
# 필요한 것을 모두 불러오고 실행 환경을 출력합니다. 데이터는 `load_mnist_sample`이
# 주는 28×28 숫자 5,000장(숫자마다 500장)이며, 한 장을 784개 픽셀의 벡터로 펼쳐
# MLP에 넣습니다. `split`으로 학습 70%, 검증 15%, 시험 15%로 나눕니다. 옵티마이저와
# 스케줄은 검증 정확도로 비교하고, 시험 데이터는 마지막에 한 번만 씁니다.
#
# 이 노트북은 PyTorch(`torch.set_num_threads(1)`)와 NumPy·SciPy(`threadpool_limits(1)`)
# 모두 스레드 하나만 씁니다. 사이트는 여러 작업이 코어를 나눠 쓰는 컴퓨터에서
# 빌드되므로, 스레드를 하나로 두어야 실행 시간을 예측할 수 있습니다. 이 설정을 먼저
# 하므로 환경 보고도 스레드 하나를 보여 줍니다. 코어가 남는 자기 컴퓨터에서는 이 두
# 줄을 지워도 됩니다.

# %%
import copy

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits
from torch import nn
from torch.optim import lr_scheduler
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.data import load_mnist_sample, split
from torchbasics.devices import environment_report, get_device
from torchbasics.metrics import accuracy
from torchbasics.models import MLP
from torchbasics.training import Callback, Trainer

torch.set_num_threads(1)  # one thread: the build machine is shared
threadpool_limits(1)  # the same for NumPy and SciPy (scikit-learn)
print(environment_report())
device = get_device()
print(f"\nthis notebook trains on: {device}")

train_set, val_set, test_set = split(load_mnist_sample(flatten=True), seed=0)
X_train, y_train = train_set.tensors
X_test, y_test = test_set.tensors
print("train / validation / test:", len(train_set), len(val_set), len(test_set))
print("pixels:", tuple(X_train.shape[1:]), "in", (X_train.min().item(), X_train.max().item()))


def train_loader(dataset=train_set, batch_size=64, seed=0):
    """Shuffled batches; the same seed gives the same order in every run."""
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=generator)


val_loader = DataLoader(val_set, batch_size=500)
test_loader = DataLoader(test_set, batch_size=500)

# %% [markdown]
# ## 비교 기준: 로지스틱 회귀
#
# 먼저 비교 기준인 scikit-learn의 `LogisticRegression`을 같은 학습 데이터로 맞추고
# 시험 정확도를 잽니다. 784개 특성, 10개 클래스의 로지스틱 회귀는 반복 계산(L-BFGS)으로
# 풉니다. 반복은 `max_iter=200`까지로 두고, 출력의 `converged`로 그 안에
# 수렴했는지 확인합니다(수렴하지 못했다면 scikit-learn이 내는 `ConvergenceWarning`은
# 숨깁니다). 출력이 보여 주듯 그보다 훨씬 일찍 수렴하므로, 이 상한은 느린 컴퓨터에
# 대비한 것일 뿐 결과를 바꾸지 않습니다.

# %%
import warnings

from sklearn.exceptions import ConvergenceWarning

MAX_ITER = 200
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    baseline = LogisticRegression(max_iter=MAX_ITER).fit(X_train.numpy(), y_train.numpy())
baseline_acc = baseline.score(X_test.numpy(), y_test.numpy())
print(f"LogisticRegression: test accuracy {baseline_acc:.3f}, "
      f"{baseline.n_iter_[0]} iterations, converged: {baseline.n_iter_[0] < MAX_ITER}")

# %% [markdown]
# ## 여섯 옵티마이저, 같은 시작
#
# 모델은 784 → 128 → 10의 MLP입니다. 옵티마이저마다 `torch.manual_seed(0)`으로 같은
# 초기 가중치를 만들고, 같은 시드의 로더로 같은 순서의 배치를 3 에포크 동안 줍니다.
# 학습은 `Trainer`가 하며, 배치마다의 손실은 작은 콜백이 `on_batch_end`에서
# 받아 적습니다. 학습률은 옵티마이저마다 흔히 쓰는 값입니다. SGD 계열은 0.05,
# 적응적 옵티마이저는 0.001입니다.

# %%
class LossPerStep(Callback):
    """Records the training loss of every batch."""

    def __init__(self):
        self.losses = []

    def on_batch_end(self, trainer, batch_index, loss):
        self.losses.append(loss)


def fit(make_optimizer, hidden=128, dropout=0.0, epochs=3, callbacks=(), dataset=train_set,
        batch_size=64, make_scheduler=None):
    """Train a fresh MLP (the same initial weights every time); return the trainer."""
    torch.manual_seed(0)
    model = MLP(784, [hidden], 10, dropout=dropout)
    optimizer = make_optimizer(model.parameters())
    loader = train_loader(dataset, batch_size)
    scheduler = None if make_scheduler is None else make_scheduler(optimizer, epochs * len(loader))
    trainer = Trainer(model, optimizer, nn.CrossEntropyLoss(), max_epochs=epochs,
                      metrics={"accuracy": accuracy}, callbacks=callbacks,
                      scheduler=scheduler, scheduler_interval="step",
                      device=device, progress=False)
    trainer.fit(loader, val_loader=val_loader)
    return trainer


optimizers = {
    "SGD": lambda p: torch.optim.SGD(p, lr=0.05),
    "momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
    "Nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    "RMSprop": lambda p: torch.optim.RMSprop(p, lr=1e-3),
    "Adam": lambda p: torch.optim.Adam(p, lr=1e-3),
    "AdamW": lambda p: torch.optim.AdamW(p, lr=1e-3, weight_decay=0.01),
}
curves = {}
for name, make_optimizer in optimizers.items():
    recorder = LossPerStep()
    trainer = fit(make_optimizer, callbacks=[recorder])
    curves[name] = recorder.losses
    print(f"{name:<9} last-epoch train loss {trainer.history['train_loss'][-1]:.3f}, "
          f"validation accuracy {trainer.history['val_accuracy'][-1]:.3f}")

# %% [markdown]
# 배치 하나의 손실은 잡음이 크므로 걸음마다 최근 20걸음의 단순 평균을 그립니다.
# 그래서 곡선은 20걸음째부터 시작합니다. 세로축은 로그 눈금입니다.

# %%
def smooth(values, width=20):
    return np.convolve(values, np.ones(width) / width, mode="valid")


fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
for name, losses in curves.items():
    ax.plot(np.arange(len(smooth(losses))) + 20, smooth(losses), label=name)
ax.set(xlabel="step (batch of 64)", ylabel="training loss (mean of the last 20)",
       yscale="log", title="Six optimizers, same model, data and seed")
ax.legend()
plt.show()

# %% [markdown]
# 같은 학습률 0.05의 SGD에 모멘텀을 더하면 곡선이 훨씬 빨리 내려갑니다. 모멘텀의
# 속도가 여러 걸음의 기울기를 쌓기 때문에, `μ = 0.9`에서는 기울기가 같은 쪽을 가리키는
# 동안 걸음이 `lr / (1 - μ)`, 곧 SGD의 10배까지 커집니다(강의의
# [모멘텀](../lectures/w3-2-optimization.md#momentum-and-nesterov)). 그러니 "같은
# 학습률"은 이름뿐입니다. 네스테로프는 모멘텀과 거의 겹칩니다. 적응적 옵티마이저
# 가운데 RMSprop은 처음부터 가장 빨리 내려갑니다. 편향 보정이 없어 첫 걸음들이 학습률의
# 10배쯤 되기 때문입니다(강의의
# [연습 1](../lectures/w3-2-optimization.md#exercise-rmsprop)). Adam과 AdamW의 곡선은
# 서로 겹쳐 하나로 보입니다. 학습률 0.001에 감쇠 0.01이면 한 걸음에 가중치를 10만분의
# 1씩만 줄이므로, 165걸음으로는 차이가 거의 나지 않습니다. 이 비교는 옵티마이저마다
# 학습률 하나씩만 본 것이므로 "어느 옵티마이저가 낫다"보다는 "이 학습률에서 어떻게
# 움직이는가"로 읽어야 합니다.

# %% [markdown]
# ## 학습률 스케줄
#
# 다섯 스케줄이 학습 3 에포크(배치 165개) 동안 학습률을 어떻게 바꾸는지 먼저
# 그립니다. 모두 가장 큰 학습률은 0.01입니다. `StepLR`은 전체의 4분의 1마다 학습률에
# 0.3을 곱하고, 웜업은 처음 40걸음 동안 1%에서 100%까지 올립니다. 스케줄러는 배치마다 한 걸음씩
# 움직이므로(`scheduler_interval="step"`) 전체 걸음 수 `total`을 받아 만듭니다.

# %%
PEAK = 1e-2
EPOCHS = 3


def warmup_cosine(optimizer, total, warmup=40):
    warm = lr_scheduler.LinearLR(optimizer, start_factor=0.01, total_iters=warmup)
    cosine = lr_scheduler.CosineAnnealingLR(optimizer, T_max=total - warmup)
    return lr_scheduler.SequentialLR(optimizer, [warm, cosine], milestones=[warmup])


schedules = {
    "constant": None,
    "StepLR": lambda o, total: lr_scheduler.StepLR(o, step_size=total // 4, gamma=0.3),
    "cosine": lambda o, total: lr_scheduler.CosineAnnealingLR(o, T_max=total),
    "OneCycle": lambda o, total: lr_scheduler.OneCycleLR(o, max_lr=PEAK, total_steps=total),
    "warm-up + cosine": warmup_cosine,
}


def lr_curve(make_scheduler, total):
    w = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.AdamW([w], lr=PEAK)
    scheduler = None if make_scheduler is None else make_scheduler(optimizer, total)
    values = []
    for _ in range(total):
        values.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return values


total = EPOCHS * len(train_loader())
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
for name, make_scheduler in schedules.items():
    ax.plot(lr_curve(make_scheduler, total), label=name)
ax.set(xlabel="step", ylabel="learning rate", title=f"Five schedules over {total} steps")
ax.legend()
plt.show()

# %% [markdown]
# 이제 같은 모델을 AdamW와 각 스케줄로 3 에포크씩 학습하고, 마지막 에포크의 학습
# 손실과 검증 정확도를 비교합니다. 가장 큰 학습률 0.01은 이 모델의 AdamW에 큰
# 값이라, 학습률을 끝까지 그대로 두는 `constant`와 줄여 가는 스케줄의 차이가
# 드러납니다.

# %%
schedule_results = {}
for name, make_scheduler in schedules.items():
    trainer = fit(lambda p: torch.optim.AdamW(p, lr=PEAK, weight_decay=0.01),
                  epochs=EPOCHS, make_scheduler=make_scheduler)
    schedule_results[name] = trainer.history
    print(f"{name:<17} train loss {trainer.history['train_loss'][-1]:.4f}, "
          f"validation accuracy {trainer.history['val_accuracy'][-1]:.3f}")

# %% [markdown]
# 이 실행에서는 학습률을 끝에서 줄인 네 스케줄이 모두 `constant`(0.908)보다 검증
# 정확도가 높았습니다(0.917~0.931). 그런데 `constant`의 마지막 에포크 학습 손실(0.1447)은
# 다른 스케줄만큼 낮습니다. 차이는 학습 데이터를 얼마나 맞추는지가 아니라 새 이미지에서
# 얼마나 잘하는지에 있습니다. 다만 검증 데이터가 750장이라 0.01은 7~8장 차이이고 시드도
# 하나뿐이므로, 순위보다는 "끝에서 줄이면 낫다"는 경향으로 읽으십시오. 스케줄마다 큰
# 학습률로 보내는 걸음 수도 다르므로, 어느 스케줄이 가장 좋은지는 학습 길이와 학습률에
# 따라 달라집니다.

# %% [markdown]
# ## 배치 정규화의 이동 평균
#
# 첫 선형 층 뒤에 `nn.BatchNorm1d(128)`을 넣은 모델을 2 에포크 학습하면서, 콜백이
# 배치마다 `running_mean`의 처음 세 원소를 적고, 순전파 전 훅(`register_forward_pre_hook`)이 그
# 배치 자체의 평균도 적습니다(가는 선). 학습이 끝난 뒤 학습 데이터 전체를 평가 모드로
# 통과시켜, 최종 가중치에서 배치 정규화 층의 입력(첫 선형 층의 출력)이 갖는 평균을
# 구하고 점선으로 함께 그립니다. 그다음 시험 데이터를 평가 모드와, 4장씩 나눈 학습
# 모드로 각각 예측해 정확도를 비교합니다. 학습 모드의 예측은 버퍼를 바꾸므로 모델의
# 복사본으로 합니다.

# %%
class RunningMean(Callback):
    """Records running_mean[:3] after every batch and each batch's own mean before it."""

    def __init__(self, bn):
        self.bn, self.values, self.batch_means = bn, [], []
        self.hook = bn.register_forward_pre_hook(self.record_batch_mean)

    def record_batch_mean(self, module, inputs):
        if module.training:
            self.batch_means.append(inputs[0].detach().mean(dim=0)[:3].tolist())

    def on_batch_end(self, trainer, batch_index, loss):
        self.values.append(self.bn.running_mean[:3].tolist())


torch.manual_seed(0)
bn_model = nn.Sequential(nn.Linear(784, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, 10))
recorder = RunningMean(bn_model[1])
trainer = Trainer(bn_model, torch.optim.Adam(bn_model.parameters(), lr=1e-3),
                  nn.CrossEntropyLoss(), max_epochs=2, metrics={"accuracy": accuracy},
                  callbacks=[recorder], device=device, progress=False)
trainer.fit(train_loader())
recorder.hook.remove()
bn_model.eval()
with torch.no_grad():
    true_mean = bn_model[0](X_train.to(device)).mean(dim=0)[:3].cpu()

fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
values, batch_means = np.array(recorder.values), np.array(recorder.batch_means)
for i in range(3):
    line, = ax.plot(values[:, i], label=f"running_mean[{i}]")
    ax.plot(batch_means[:, i], lw=0.6, alpha=0.4, color=line.get_color())
    ax.axhline(true_mean[i].item(), ls="--", color=line.get_color())
ax.set(xlabel="step", ylabel="value",
       title="Running mean (solid), batch means (thin), final weights' mean (dashed)")
ax.legend()
plt.show()
print("running_mean[:3] at the end:", values[-1].round(3).tolist())
print("final weights' mean:       ", [round(v, 3) for v in true_mean.tolist()])

train_mode_model = copy.deepcopy(bn_model).train()  # its buffers may change
with torch.no_grad():
    eval_acc = accuracy(bn_model(X_test.to(device)), y_test.to(device))
    logits = torch.cat([train_mode_model(xb.to(device)) for xb in X_test.split(4)])
    train_mode_acc = accuracy(logits, y_test.to(device))
print(f"eval mode (running statistics):       test accuracy {eval_acc:.3f}")
print(f"train mode (statistics of 4 samples): test accuracy {train_mode_acc:.3f}")

# %% [markdown]
# 가는 선은 배치마다의 평균으로, 학습이 첫 층의 가중치를 바꾸는 만큼 움직입니다.
# 실선(이동 평균)은 새 배치에 0.1의 가중치를 주므로 대략 최근 1/0.1 = 10개 배치를
# 기억하고, 가는 선을 조금 늦게 매끄럽게 따라갑니다. 점선은 학습이 끝난 뒤의 가중치로
# 구한 평균이라 학습 도중에는 목표가 아닙니다. 실선이 점선에 천천히 다가가거나 넘었다
# 돌아오는 것은 버퍼가 느려서가 아니라 평균 자체가 움직이기 때문이고, 학습이 끝날
# 때는 실선이 점선 가까이에 있습니다(출력의 두 줄). 평가 모드의 예측은 이 버퍼를
# 쓰므로 샘플마다 하나로 정해집니다. 4장씩 학습 모드로 예측하면 네 샘플의 평균과
# 분산으로 정규화하므로, 예측이 함께 묶인 다른 세 장에 따라 달라지고 정확도가 떨어집니다.

# %% [markdown]
# ## 작은 학습 데이터에서의 과적합
#
# 학습 데이터를 처음 500장으로 줄이고, 은닉 유닛 256개의 MLP를 학습률 0.002로 30
# 에포크 동안 학습합니다. 네 가지를 같은 시드로 비교합니다. 규제 없음, 드롭아웃 0.5,
# AdamW의 가중치 감쇠 1.0, 둘 다입니다. `Trainer`가 기록하는 학습 정확도는 드롭아웃이 켜진
# 학습 모드에서 잰 값이므로, 격차를 재기 위해 에포크마다 콜백이 학습 데이터 500장을
# 평가 모드로 다시 잽니다(`trainer.evaluate`). 출력의 `sure when wrong`은 틀리게
# 분류한 검증 이미지에서 모델이 준 가장 큰 확률의 평균입니다.

# %%
small_train = TensorDataset(X_train[:500], y_train[:500])
small_eval = DataLoader(small_train, batch_size=500)


class TrainAccuracy(Callback):
    def __init__(self):
        self.values = []

    def on_epoch_end(self, trainer):
        self.values.append(trainer.evaluate(small_eval)["accuracy"])


configs = {  # name: (dropout, weight decay)
    "none": (0.0, 0.0),
    "dropout 0.5": (0.5, 0.0),
    "weight decay 1.0": (0.0, 1.0),
    "both": (0.5, 1.0),
}
fig, (ax_gap, ax_loss) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
for name, (dropout, weight_decay) in configs.items():
    recorder = TrainAccuracy()
    trainer = fit(lambda p: torch.optim.AdamW(p, lr=2e-3, weight_decay=weight_decay),
                  hidden=256, dropout=dropout, epochs=30, callbacks=[recorder],
                  dataset=small_train, batch_size=50)
    gap = np.array(recorder.values) - np.array(trainer.history["val_accuracy"])
    epochs = trainer.history["epoch"]
    ax_gap.plot(epochs, gap, label=name)
    ax_loss.plot(epochs, trainer.history["val_loss"], label=name)
    trainer.model.eval()
    with torch.no_grad():  # how sure the model is when it is wrong
        probs = torch.cat([trainer.model(xb.to(device)) for xb, _ in val_loader]).softmax(1)
    wrong = probs.argmax(dim=1).cpu() != val_set.tensors[1]
    sure = probs.max(dim=1).values.cpu()[wrong].mean().item()
    print(f"{name:<17} train {recorder.values[-1]:.3f}  "
          f"validation {trainer.history['val_accuracy'][-1]:.3f}  gap {gap[-1]:.3f}  "
          f"validation loss {trainer.history['val_loss'][-1]:.3f}  sure when wrong {sure:.2f}")
ax_gap.set(xlabel="epoch", ylabel="train - validation accuracy",
           title="Generalization gap (500 training digits)")
ax_loss.set(xlabel="epoch", ylabel="cross-entropy", title="Validation loss")
ax_gap.legend(fontsize=8)
ax_loss.legend(fontsize=8)
plt.show()

# %% [markdown]
# 네 모델 모두 학습 데이터 500장을 다 맞히므로, 정확도의 격차(왼쪽)는 곧 검증
# 정확도가 얼마나 낮은지입니다. 이 실행에서 규제가 정확도의 격차를 줄인 정도는 출력의
# `gap`이 보여 주듯 작습니다(0.133~0.143). 차이가 또렷한 것은 검증 손실(오른쪽)입니다.
# 규제 없는 모델의 검증 손실은 몇 에포크 뒤부터 다시 올라갑니다. 학습 데이터를 다
# 맞힌 뒤에도 로짓을 계속 키워, 틀린 검증 답에도 평균 0.76의 확률을 줄 만큼 자신만만해지기
# 때문이며, 이것이 과적합의 전형적인 모습입니다. 드롭아웃(0.72), 가중치 감쇠(0.69),
# 둘 다(0.65)는 이 과신을 낮추고 검증 손실을 더 낮게 지킵니다. 강의의 작은 예제와 같은
# 결과입니다. 그리고 어떤 규제를 써도 500장으로 학습한 모델(검증 정확도 0.857~0.867)은
# 3,500장으로 학습한 앞의 모델들 가운데 모멘텀, RMSprop, Adam 계열(0.891~0.931)에
# 미치지 못합니다. 데이터를 대신할 규제는 없습니다.

# %% [markdown]
# ## 손으로 쓴 루프와 기울기 클리핑
#
# 마지막 모델은 이 강의의 도구를 모두 씁니다. 은닉 유닛 256개와 드롭아웃 0.2의
# MLP를 AdamW(가중치 감쇠 0.01)와 원사이클 스케줄로 5 에포크 학습하고, 배치마다
# 기울기의 전체 노름을 1.0으로 자릅니다. 먼저 루프를 손으로 쓰고,
# `clip_grad_norm_`이 돌려주는 자르기 전의 노름을 모두 적어 둡니다.

# %%
FINAL_EPOCHS, MAX_NORM = 5, 1.0


def final_setup():
    torch.manual_seed(0)
    model = MLP(784, [256], 10, dropout=0.2).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=PEAK, weight_decay=0.01)
    loader = train_loader()
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=PEAK,
                                        total_steps=FINAL_EPOCHS * len(loader))
    return model, optimizer, scheduler, loader


model, optimizer, scheduler, loader = final_setup()
loss_fn = nn.CrossEntropyLoss()
grad_norms, lrs = [], []
for epoch in range(FINAL_EPOCHS):
    model.train()
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        grad_norms.append(nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM).item())
        optimizer.step()
        scheduler.step()

grad_norms = np.array(grad_norms)
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
ax.plot(grad_norms, lw=0.8, label="gradient norm before clipping")
ax.axhline(MAX_NORM, color="C3", ls="--", label=f"max_norm = {MAX_NORM}")
ax.set(xlabel="step", ylabel="total gradient norm", yscale="log",
       title="Gradient norms (left axis) and learning rate (right axis)")
ax.legend(loc="upper right")
ax_lr = ax.twinx()
ax_lr.plot(lrs, color="gray", lw=1)
ax_lr.set_ylabel("learning rate", color="gray")
plt.show()
clipped = grad_norms > MAX_NORM
print(f"steps clipped: {clipped.sum()} of {len(grad_norms)} ({clipped.mean():.0%}), "
      f"{clipped[:len(grad_norms) // 2].sum()} of them in the first half; "
      f"median norm {np.median(grad_norms):.2f}")
print(f"largest norm {grad_norms.max():.2f} at step {grad_norms.argmax()}; "
      f"largest learning rate at step {int(np.argmax(lrs))}")

# %% [markdown]
# 이 실행에서는 275걸음 가운데 109걸음(40%)이 잘렸고, 그 가운데 90걸음이 전반부에
# 있습니다. 노름의 중앙값 0.87도 `max_norm`에 가깝습니다. 곧 1.0으로는 클리핑이 드문
# 구조가 아니라 학습 전반부 대부분에서 일어나는 일입니다. 노름은 48걸음째에 가장 크고
# (3.95), 학습률이 가장 큰 82걸음째에는 이미 줄어들기 시작해 후반에는 대부분 1 아래에
# 머뭅니다. 클리핑은 그 걸음의 기울기를 노름이 `max_norm`이 되도록 줄일 뿐, 걸음의
# 길이를 정하지는 않습니다. AdamW는 기울기를 `√ŝ`로 나누므로 걸음은 여전히 원소마다
# `lr` 안팎이고, 여기서 클리핑은 주로 기울기가 큰 배치가 `m`과 `ŝ`에서 차지하는 몫을
# 줄입니다. 순환 신경망처럼 기울기가 폭발하는 모델에서 보험으로 쓰려면, 이렇게
# `clip_grad_norm_`이 돌려준 값을 적어 보고 정상적인 학습의 노름보다 큰 값을
# `max_norm`으로 고르십시오.
#
# 같은 설정을 `Trainer(..., scheduler=..., scheduler_interval="step", grad_clip=...)`로
# 한 번 더 학습합니다. `Trainer`가 도는 루프는 위의 손으로 쓴 루프와 같으므로, 모든
# 가중치가 비트까지 같아야 합니다. 이번에는 `fit`에 `val_loader`를 주지 않고, 검증은
# 학습이 끝난 뒤에 합니다. 자기 `generator`가 없는 `DataLoader`는 순회를 시작할 때마다
# 전역 난수 생성기에서 수 하나를 뽑습니다. 에포크마다 검증하면 전역 난수 생성기의
# 상태가 그만큼 더 진행되어, 그 뒤 드롭아웃이 끄는 유닛이 손으로 쓴 루프와 달라집니다.

# %%
model2, optimizer2, scheduler2, loader2 = final_setup()
trainer = Trainer(model2, optimizer2, loss_fn, max_epochs=FINAL_EPOCHS, scheduler=scheduler2,
                  scheduler_interval="step", grad_clip=MAX_NORM,
                  metrics={"accuracy": accuracy}, device=device, progress=False)
history = trainer.fit(loader2)
state, state2 = model.state_dict(), model2.state_dict()
print("Trainer == hand-written loop, bit for bit:",
      all(torch.equal(state[k], state2[k]) for k in state))
print("learning rate at the start of each epoch:", [f"{lr:.5f}" for lr in history["lr"]])
print("validation accuracy:", round(trainer.evaluate(val_loader)["accuracy"], 3))

# %% [markdown]
# ## 시험 데이터: MLP와 로지스틱 회귀
#
# 모든 선택이 끝났으므로 시험 데이터를 한 번 씁니다. 마지막 모델의 원사이클 스케줄은
# 검증 정확도가 가장 높았던 코사인이 아니지만, 배치마다 움직이고 웜업이 들어간
# 스케줄을 보여 주려고 골랐습니다. 위에서 본 대로 다섯 스케줄의 검증 정확도는
# 0.908~0.931로 서로 가까웠습니다. `trainer.evaluate`는 평가 모드와 `torch.no_grad()`로 계산하므로
# 드롭아웃이 꺼진 모델의 정확도입니다.

# %%
mlp_acc = trainer.evaluate(test_loader)["accuracy"]
print(f"MLP (AdamW, OneCycle, dropout, clipping): test accuracy {mlp_acc:.3f}")
print(f"LogisticRegression (max_iter={MAX_ITER}):         test accuracy {baseline_acc:.3f}")

# %% [markdown]
# 같은 분할의 시험 데이터에서 MLP가 로지스틱 회귀보다 높은 정확도를 냈습니다.
# 로지스틱 회귀는 픽셀의 가중합 하나로 숫자마다 점수를 내는 선형 모델이고, MLP는 은닉층
# 하나만큼 더 복잡한 경계를 그릴 수 있습니다. 다음 강의들에서 다룰 합성곱 신경망은
# 이미지의 공간 구조를 써서 이 차이를 더 벌립니다.
