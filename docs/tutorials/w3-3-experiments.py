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
# # 실습: 체크포인트, TensorBoard, 전이 학습
#
# 강의 3.3 「[실험 운영](../lectures/w3-3-experiments.md)」의 내용을 학습 한 번의
# 처음부터 끝까지 실행하는 실습입니다. 8×8로 줄인 MNIST 숫자로 `SmallCNN`을 사전
# 학습하면서 `ModelCheckpoint`, `EarlyStopping`, `TensorBoardLogger`를 함께 쓰고,
# TensorBoard의 이벤트 파일을 다시 읽어 곡선을 그립니다. 다음으로 `last.ckpt`에서
# 이어 학습한 결과가 한 번에 학습한 결과와 비트 단위까지 같은지 확인합니다.
# 마지막으로 사전 학습한 모델을 scikit-learn의 8×8 숫자에 옮겨, 클래스당 레이블 수에
# 따라 네 가지 방법의 정확도를 그립니다.
#
# 이 페이지의 출력과 그래프는 사이트를 빌드할 때 노트북을 실제로 실행해서 얻은
# 결과입니다. 파일은 모두 임시 디렉터리 `workdir`에 쓰며, 이 디렉터리는 노트북의
# Python이 끝날 때 지워집니다.

# %% [markdown]
# ## 실행 환경 확인
#
# 필요한 것을 모두 불러오고 실행 환경을 출력합니다. 데이터는 `torchbasics.data`의
# MNIST 표본과 scikit-learn에 들어 있는 8×8 손글씨 숫자이고, TensorBoard의 이벤트
# 파일은 TensorBoard 패키지의 `EventAccumulator`로 읽습니다. 모델이 아주 작아서 계산
# 스레드를 여럿 쓰면 스레드끼리 맞추는 비용이 계산보다 크므로
# `torch.set_num_threads(1)`로 스레드를 하나만 씁니다.

# %%
import copy
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.linear_model import LogisticRegression
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.data import load_digits, load_mnist_sample
from torchbasics.devices import environment_report
from torchbasics.metrics import accuracy
from torchbasics.models import SmallCNN
from torchbasics.training import (
    EarlyStopping,
    ModelCheckpoint,
    TensorBoardLogger,
    Trainer,
    load_checkpoint,
)

print(environment_report())
# The models are tiny: one thread avoids the cost of keeping threads in step.
torch.set_num_threads(1)
scratch_dir = tempfile.TemporaryDirectory(prefix="w3-3-")  # deleted when Python exits
workdir = Path(scratch_dir.name)

# %% [markdown]
# ## 데이터: 8×8로 줄인 MNIST와 scikit-learn의 숫자
#
# 사전 학습에는 MNIST 표본 5,000장(28×28, 클래스마다 500장)을 scikit-learn 숫자와
# 같은 8×8로 줄여 씁니다. MNIST는 가장자리에 4픽셀씩 여백이 있으므로 가운데 20×20을
# `F.adaptive_avg_pool2d`로 평균 내어 8×8로 줄이고, scikit-learn 숫자처럼 잉크가
# 가장 진한 곳이 1이 되도록 이미지마다 가장 큰 픽셀 값으로 나눕니다. 4,000장으로
# 학습하고 1,000장으로 검증합니다. 새 과제는 scikit-learn의 8×8 숫자(1,797장)입니다.
# 클래스는 같은 열 개이지만 쓴 사람, 스캐너, 격자의 굵기가 다릅니다. 같은 종류의
# 내용을 담은 큰 데이터로 사전 학습하고, 레이블이 조금 있는 내 데이터로 옮기는 전이
# 학습의 흔한 상황을 작게 줄인 것입니다.
#
# `make_trainer`는 매번 같은 시드로 모델과 옵티마이저를 만들고, `train_loader`는 매번
# 같은 시드의 생성기로 섞는 로더를 만듭니다. 새 프로세스에서 모든 것을 다시 만드는
# 상황을 흉내 내기 위해서입니다.

# %%
mnist, mnist_labels = load_mnist_sample().tensors  # (5000, 1, 28, 28)
small = F.adaptive_avg_pool2d(mnist[:, :, 4:24, 4:24], 8)  # (5000, 1, 8, 8)
small = small / small.amax(dim=(1, 2, 3), keepdim=True)  # ink up to 1, like the digits
X_new, y_new = load_digits().tensors  # (1797, 1, 8, 8): the new task
order = torch.randperm(len(small), generator=torch.Generator().manual_seed(0))
train_idx, val_idx = order[:4000], order[4000:]
train_old = TensorDataset(small[train_idx], mnist_labels[train_idx])
val_old = TensorDataset(small[val_idx], mnist_labels[val_idx])
print("pretraining:", len(train_old), "train,", len(val_old), "val; new task:", len(X_new))
fig, axes = plt.subplots(2, 6, figsize=(7, 2.6))
for i, ax in enumerate(axes[0]):
    ax.imshow(small[i, 0], cmap="gray_r")
    ax.set_title(f"MNIST {mnist_labels[i].item()}", fontsize=8)
for i, ax in enumerate(axes[1]):
    ax.imshow(X_new[i, 0], cmap="gray_r")
    ax.set_title(f"digits {y_new[i].item()}", fontsize=8)
for ax in axes.flat:
    ax.axis("off")
plt.tight_layout()
plt.show()


def make_trainer(max_epochs, callbacks=()):
    torch.manual_seed(0)
    model = SmallCNN(num_classes=10, image_size=8)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    return Trainer(model, optimizer, nn.CrossEntropyLoss(), max_epochs=max_epochs,
                   metrics={"accuracy": accuracy}, callbacks=list(callbacks),
                   device="cpu", progress=False)


def train_loader(dataset=train_old):
    return DataLoader(dataset, batch_size=32, shuffle=True,
                      generator=torch.Generator().manual_seed(0))


val_loader = DataLoader(val_old, batch_size=500)

# %% [markdown]
# ## 사전 학습: 체크포인트, 조기 종료, TensorBoard
#
# 세 콜백을 함께 붙여 최대 8 에포크 학습합니다. `EarlyStopping`은 검증 손실이 2
# 에포크 연달아 0.001 넘게 나아지지 않으면 멈추고, `ModelCheckpoint`는 에포크마다
# `last.ckpt`를 새로 쓰고 검증 손실이 나아질 때마다 `best.ckpt`를 새로 쓰며,
# `TensorBoardLogger`는 5 걸음마다 배치 손실을, 에포크마다 기록 전체를 이벤트 파일에
# 씁니다.

# %%
stopper = EarlyStopping(monitor="val_loss", patience=2, min_delta=1e-3)
checkpoint = ModelCheckpoint(workdir / "ckpt", monitor="val_loss")
logger = TensorBoardLogger(workdir / "runs" / "pretrain", log_every_n_steps=5)
trainer = make_trainer(8, [stopper, checkpoint, logger])
history = trainer.fit(train_loader(), val_loader)
best = load_checkpoint(checkpoint.best_model_path)
print("epochs run:", len(history["epoch"]), "| stopped after epoch", stopper.stopped_epoch)
print("best epoch:", best["epoch"], "| val_loss", round(checkpoint.best_score, 4),
      "| val_accuracy", round(best["history"]["val_accuracy"][-1], 3))
print("files:", sorted(path.name for path in (workdir / "ckpt").iterdir()))

# %% [markdown]
# ## 이벤트 파일을 읽어 그리기
#
# 정적인 페이지에는 TensorBoard의 화면을 넣을 수 없으므로, 같은 파일을 읽어
# matplotlib으로 그립니다. 직접 실행한다면 노트북을 끄기 전에, 아래에 출력된 경로로
# 터미널에서 `tensorboard --logdir <workdir>/runs`를 실행하고 브라우저로
# `http://localhost:6006`을 열면 같은 곡선을 TensorBoard에서 볼 수 있습니다.
# `EventAccumulator`는 기본으로 태그마다 값을 10,000개까지만 남기고 나머지는 무작위로
# 버리므로, `size_guidance`에 0을 주어 모두 남깁니다. 또 한 실행(run)의 폴더만 읽고
# 하위 폴더는 읽지 않습니다. 점선은 `best.ckpt`가 저장된 걸음입니다. 그 뒤의 에포크는
# 조기 종료가 기다린 에포크입니다.

# %%
print("logdir:", workdir / "runs")
events = EventAccumulator(str(workdir / "runs" / "pretrain"), size_guidance={"scalars": 0})
_ = events.Reload()
print(sorted(events.Tags()["scalars"]))
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
for tag, style in [("batch/train_loss", "-"), ("loss/train", "o-"), ("loss/val", "s-")]:
    scalars = events.Scalars(tag)
    ax_loss.plot([s.step for s in scalars], [s.value for s in scalars], style,
                 label=tag, alpha=0.6 if tag.startswith("batch") else 1.0)
for tag in ["accuracy/train", "accuracy/val"]:
    scalars = events.Scalars(tag)
    ax_acc.plot([s.step for s in scalars], [s.value for s in scalars], "o-", label=tag)
best_step = best["global_step"]
for ax in (ax_loss, ax_acc):
    ax.axvline(best_step, color="grey", linestyle=":", label="best.ckpt")
    ax.set_xlabel("optimizer step")
    ax.legend()
ax_loss.set_yscale("log")
ax_loss.set_title("Loss, read back from the event files")
ax_acc.set_title("Accuracy")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## last.ckpt에서 이어 학습하기
#
# 시간을 아끼려고 이 확인에는 학습 이미지 앞쪽 1,000장만 씁니다. 2 에포크를 한 번에
# 학습한 것과, 1 에포크 뒤 멈춘 학습의 `last.ckpt`에서 새 모델, 새 옵티마이저, 새
# 로더로 이어 학습한 것을 비교합니다. 체크포인트에 난수 생성기와 로더 생성기의 상태가
# 들어 있으므로 셔플 순서까지 같게 이어지고, 가중치와 기록이 모두 같아야 합니다.

# %%
part = TensorDataset(*train_old[:1000])
straight = make_trainer(2)
_ = straight.fit(train_loader(part), val_loader)

# monitor=None: no best.ckpt, only last.ckpt after every epoch
first = make_trainer(1, [ModelCheckpoint(workdir / "resume", monitor=None)])
_ = first.fit(train_loader(part), val_loader)  # "interrupted" after epoch 1
resumed = make_trainer(2)  # a fresh model, optimizer and loader
resumed_history = resumed.fit(train_loader(part), val_loader,
                              ckpt_path=workdir / "resume" / "last.ckpt")
same = all(torch.equal(a, b) for a, b in zip(straight.model.parameters(),
                                             resumed.model.parameters()))
print("epochs:", resumed_history["epoch"])
print("weights bit-identical to 2 epochs in one go:", same)
print("history identical:", resumed_history == straight.history)

# %% [markdown]
# ## scikit-learn의 숫자로 옮기기
#
# 사전 학습한 모델은 `best.ckpt`의 가중치(마지막이 아니라 가장 좋은 에포크)를
# 받습니다. 이 모델은 이미 숫자 열 개를 알기 때문에, scikit-learn 숫자의 레이블을 하나도
# 보지 않은 채로도 먼저 맞혀 볼 수 있습니다. 이 실습에서 헤드(head)는 마지막 선형 층
# `classifier[-1]`이고, 백본(backbone)은 그 앞 전부(`features`와 `classifier[:-1]`)입니다.
# 그다음 같은 적은 레이블로 네 가지 방법을 비교합니다.
#
# - **고정 + 헤드**: 백본을 고정하고 그 특성 128개를 한 번만 계산한 뒤, 새 선형
#   헤드만 학습합니다(100 걸음).
# - **미세 조정**: 헤드를 새로 달고, 파라미터 그룹 두 개로 모델 전체를 50 걸음
#   학습합니다. 사전 학습한 백본의 학습률은 `1e-3`, 새 헤드는 `1e-2`입니다.
# - **처음부터**: 같은 모양의 `SmallCNN`을 무작위 가중치에서 미세 조정과 같은 50 걸음
#   학습합니다.
# - **sklearn 픽셀**: 독립적인 기준으로 scikit-learn의 `LogisticRegression`이 픽셀
#   64개에서 학습합니다.
#
# 레이블이 적으므로 torch로 학습하는 세 방법은 모두 레이블이 있는 이미지 전체를 한
# 배치로 씁니다(로지스틱 회귀는 원래 한 번에 맞춥니다). 평가는 레이블을 받지 않은
# 나머지 이미지로 합니다.

# %%
pretrained = copy.deepcopy(trainer.model)
_ = pretrained.load_state_dict(best["model"])  # the best epoch, not the last
_ = pretrained.eval()
with torch.no_grad():
    zero_shot = (pretrained(X_new).argmax(dim=1) == y_new).float().mean().item()
    features = pretrained.classifier[:-1](pretrained.features(X_new))  # (N, 128)
print(f"pretrained model on the digits, no digit labels used: {zero_shot:.2f}")


def fit(model, X, y, steps, param_groups=None):
    """Full-batch Adam on the few labelled images."""
    optimizer = torch.optim.Adam(param_groups or model.parameters(), lr=1e-2)
    model.train()
    for _ in range(steps):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        optimizer.step()
    return model.eval()


def score(model, X, y):
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


def few_labels(n, seed):
    """n labelled images per class; the rest are for testing."""
    generator = torch.Generator().manual_seed(seed)
    picked = []
    for c in range(10):
        of_class = torch.nonzero(y_new == c).flatten()
        picked.append(of_class[torch.randperm(len(of_class), generator=generator)[:n]])
    picked = torch.cat(picked)
    rest = torch.ones(len(y_new), dtype=torch.bool)
    rest[picked] = False
    return picked, rest


def fine_tune(picked):
    """A new head; the backbone trains too, with a 10 times smaller learning rate."""
    model = copy.deepcopy(pretrained)
    model.classifier[-1] = nn.Linear(128, 10)
    backbone = list(model.features.parameters()) + list(model.classifier[:-1].parameters())
    groups = [{"params": backbone, "lr": 1e-3},
              {"params": model.classifier[-1].parameters()}]  # default lr 1e-2
    start = torch.cat([p.detach().flatten() for p in backbone])
    fit(model, X_new[picked], y_new[picked], steps=50, param_groups=groups)
    moved = torch.cat([p.detach().flatten() for p in backbone]) - start
    return model, (moved.norm() / start.norm()).item()

# %% [markdown]
# 각 방법을 클래스당 레이블 1, 3, 10, 30장으로, 레이블을 줄 이미지를 고르는 시드
# 3개에 대해 학습합니다. 표는 시드에 걸친 평균 ± 표준 편차입니다. 아무렇게나 찍으면
# 0.10(클래스 열 개)입니다. 마지막 열은 미세 조정이 백본을 얼마나 움직였는지,
# `‖Δw‖ / ‖w‖`입니다.

# %%
label_counts = [1, 3, 10, 30]
methods = ["frozen + head", "fine-tune", "from scratch", "sklearn pixels"]
means = {m: [] for m in methods}
spreads = {m: [] for m in methods}
flat = X_new.flatten(1)
print("labels/class" + "".join(f"{m:>16s}" for m in methods) + "   backbone moved")
for n in label_counts:
    runs = {m: [] for m in methods}
    moved = []
    for seed in range(3):
        picked, rest = few_labels(n, seed)
        torch.manual_seed(seed)
        head = fit(nn.Linear(128, 10), features[picked], y_new[picked], steps=100)
        runs["frozen + head"].append(score(head, features[rest], y_new[rest]))
        tuned, distance = fine_tune(picked)
        runs["fine-tune"].append(score(tuned, X_new[rest], y_new[rest]))
        moved.append(distance)
        scratch = fit(SmallCNN(num_classes=10, image_size=8), X_new[picked], y_new[picked],
                      steps=50)
        runs["from scratch"].append(score(scratch, X_new[rest], y_new[rest]))
        reference = LogisticRegression(max_iter=500).fit(flat[picked], y_new[picked])
        runs["sklearn pixels"].append(reference.score(flat[rest], y_new[rest]))
    for m in methods:
        values = torch.tensor(runs[m])
        means[m].append(values.mean().item())
        spreads[m].append(values.std().item())
    print(f"{n:12d}" + "".join(f"{means[m][-1]:>10.2f} ± {spreads[m][-1]:.2f}" for m in methods)
          + f"{sum(moved) / len(moved):>17.3f}")

# %% [markdown]
# 가로축은 로그 눈금이고, 막대는 시드에 걸친 ± 표준 편차 하나입니다.

# %%
fig, ax = plt.subplots(figsize=(6.5, 4))
for m, marker in zip(methods, "osD^"):
    ax.errorbar(label_counts, means[m], yerr=spreads[m], fmt=marker + "-", capsize=3, label=m)
ax.axhline(zero_shot, color="grey", linestyle=":", label="pretrained, no digit labels")
ax.set_xscale("log")
ax.set_xticks(label_counts, [str(n) for n in label_counts])
ax.set_xlabel("labelled images per class")
ax.set_ylabel("accuracy on the unlabelled rest")
ax.set_title("Pretrained on MNIST at 8x8, tested on sklearn digits (3 seeds)")
ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# 표와 그래프에서 다음을 읽을 수 있습니다.
#
# - 사전 학습한 모델은 숫자 레이블을 하나도 보지 않고도 scikit-learn 숫자의 0.81을
#   맞힙니다. 두 데이터의 클래스 열 개가 같기 때문입니다.
# - 클래스당 레이블이 1장이면 사전 학습한 특성이 크게 앞섭니다. 고정 + 헤드와 미세
#   조정이 0.84, 처음부터 학습이 0.55, 픽셀 로지스틱 회귀가 0.70입니다(찍으면 0.10).
#   클래스당 30장이면 네 방법이 0.02 안으로 모입니다(0.95, 0.96, 0.94, 0.94).
#   레이블이 적을수록 사전 학습의 값어치가 큽니다.
# - 미세 조정은 레이블 1장에서는 고정한 특성과 같고, 3장부터 조금 앞섭니다. 백본은
#   제 크기의 5–8 %만큼 움직였습니다. 레이블이 아주 적을 때는 고정이 싸고 안전한
#   선택입니다.
# - 여기서 전이가 잘 되는 까닭은 사전 학습 데이터가 새 과제의 레이블보다 훨씬 많고 같은
#   내용을 담기 때문입니다. 언제나 그렇지는 않습니다. 다른 클래스나 다른 종류의
#   이미지로 배운 특성은 거의 옮겨 가지 않을 수 있으므로, 이 표처럼 같은 레이블로
#   처음부터 학습한 모델과 간단한 기준 모델을 늘 함께 비교합니다.
#
# ## 정리
#
# - `ModelCheckpoint`, `EarlyStopping`, `TensorBoardLogger`는 한 학습에 함께 붙일 수
#   있고, 조기 종료 뒤에 쓸 모델은 `best.ckpt`에 있습니다.
# - TensorBoard의 이벤트 파일은 `EventAccumulator`로 읽을 수 있고, 화면은
#   `tensorboard --logdir`로 엽니다.
# - `last.ckpt`에서 이어 간 학습은 한 번에 한 학습과 가중치와 기록이 비트 단위까지
#   같습니다.
# - 같은 종류의 더 큰 데이터로 사전 학습한 모델의 특성은 레이블이 적을 때 처음부터
#   학습하는 것보다 훨씬 낫고(클래스당 1장에서 0.84 대 0.55), 레이블이 늘면 차이가
#   줄어듭니다. 그래도 매번 같은 레이블로 처음부터 학습한 모델과 비교해 확인합니다.
#
# 개념마다 자세한 설명과 연습 문제는 강의
# [3.3 실험 운영](../lectures/w3-3-experiments.md)에 있습니다.
