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
# 처음부터 끝까지 실행하는 실습입니다. 손글씨 숫자 0–4로 `SmallCNN`을 사전 학습하면서
# `ModelCheckpoint`, `EarlyStopping`, `TensorBoardLogger`를 함께 쓰고, TensorBoard의
# 이벤트 파일을 다시 읽어 곡선을 그립니다. 다음으로 `last.ckpt`에서 이어 학습한 결과가
# 한 번에 학습한 결과와 비트 하나까지 같은지 확인합니다. 마지막으로 사전 학습한 모델을
# 숫자 5–9에 옮겨, 클래스당 레이블 수에 따라 네 가지 방법의 정확도를 그립니다.
#
# 이 페이지의 출력과 그래프는 사이트를 빌드할 때 노트북을 실제로 실행해서 얻은
# 결과입니다. 파일은 모두 임시 디렉터리 `workdir`에 쓰며, 이 디렉터리는 노트북의
# Python이 끝날 때 지워집니다.

# %% [markdown]
# ## 실행 환경 확인
#
# 필요한 것을 모두 불러오고 실행 환경을 출력합니다. 데이터는 scikit-learn에 들어 있는
# 8×8 손글씨 숫자이고, TensorBoard의 이벤트 파일은 TensorBoard 패키지의
# `EventAccumulator`로 읽습니다. 모델이 아주 작아서 계산 스레드를 여럿 쓰면 스레드끼리
# 맞추는 비용이 계산보다 크므로 `torch.set_num_threads(1)`로 스레드를 하나만 씁니다.

# %%
import copy
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from sklearn.linear_model import LogisticRegression
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.data import load_digits
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
# ## 데이터: 숫자 0–4와 5–9
#
# 숫자 0–4(901장)는 사전 학습에 쓰고 700장과 201장으로 나눠 학습과 검증에 씁니다.
# 숫자 5–9(896장)는 새 과제이며, 클래스 번호를 0–4로 옮깁니다. `make_trainer`는
# 매번 같은 시드로 모델과 옵티마이저를 만들고, `train_loader`는 매번 같은 시드의
# 생성기로 섞는 로더를 만듭니다. 새 프로세스에서 모든 것을 다시 만드는 상황을
# 흉내 내기 위해서입니다.

# %%
images, labels = load_digits().tensors  # (1797, 1, 8, 8)
old = labels < 5
X_old, y_old = images[old], labels[old]  # digits 0-4: pretraining
X_new, y_new = images[~old], labels[~old] - 5  # digits 5-9 as classes 0-4
order = torch.randperm(len(X_old), generator=torch.Generator().manual_seed(0))
train_idx, val_idx = order[:700], order[700:]
train_old = TensorDataset(X_old[train_idx], y_old[train_idx])
val_old = TensorDataset(X_old[val_idx], y_old[val_idx])
print("pretraining:", len(train_old), "train,", len(val_old), "val; new task:", len(X_new))


def make_trainer(max_epochs, callbacks=()):
    torch.manual_seed(0)
    model = SmallCNN(num_classes=5, image_size=8)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    return Trainer(model, optimizer, nn.CrossEntropyLoss(), max_epochs=max_epochs,
                   metrics={"accuracy": accuracy}, callbacks=list(callbacks),
                   device="cpu", progress=False)


def train_loader():
    return DataLoader(train_old, batch_size=32, shuffle=True,
                      generator=torch.Generator().manual_seed(0))


val_loader = DataLoader(val_old, batch_size=256)

# %% [markdown]
# ## 사전 학습: 체크포인트, 조기 종료, TensorBoard
#
# 세 콜백을 함께 붙여 최대 20 에포크 학습합니다. `EarlyStopping`은 검증 손실이 2
# 에포크 연달아 0.001보다 더 나아지지 않으면 멈추고, `ModelCheckpoint`는 가장 좋은
# 에포크를 `best.ckpt`에, 마지막 에포크를 `last.ckpt`에 쓰며, `TensorBoardLogger`는
# 5 걸음마다 배치 손실을, 에포크마다 기록 전체를 이벤트 파일에 씁니다.

# %%
stopper = EarlyStopping(monitor="val_loss", patience=2, min_delta=1e-3)
checkpoint = ModelCheckpoint(workdir / "ckpt", monitor="val_loss")
logger = TensorBoardLogger(workdir / "runs" / "pretrain", log_every_n_steps=5)
trainer = make_trainer(20, [stopper, checkpoint, logger])
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
# matplotlib으로 그립니다. 직접 실행한다면 터미널에서
# `tensorboard --logdir <workdir>/runs`를 실행하고 브라우저로
# `http://localhost:6006`을 열면 같은 곡선을 TensorBoard에서 볼 수 있습니다. 점선은
# `best.ckpt`가 저장된 걸음입니다. 그 뒤의 에포크는 조기 종료가 기다린 에포크입니다.

# %%
events = EventAccumulator(str(workdir / "runs" / "pretrain"))
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
# 4 에포크를 한 번에 학습한 것과, 2 에포크 뒤 멈춘 학습의 `last.ckpt`에서 새 모델,
# 새 옵티마이저, 새 로더로 이어 학습한 것을 비교합니다. 체크포인트에 난수 생성기와 로더
# 생성기의 상태가 들어 있으므로 셔플 순서까지 같게 이어지고, 가중치와 기록이 모두
# 같아야 합니다.

# %%
straight = make_trainer(4)
_ = straight.fit(train_loader(), val_loader)

first = make_trainer(2, [ModelCheckpoint(workdir / "resume", monitor=None)])
_ = first.fit(train_loader(), val_loader)  # "interrupted" after epoch 2
resumed = make_trainer(4)  # a fresh model, optimizer and loader
resumed_history = resumed.fit(train_loader(), val_loader,
                              ckpt_path=workdir / "resume" / "last.ckpt")
same = all(torch.equal(a, b) for a, b in zip(straight.model.parameters(),
                                             resumed.model.parameters()))
print("epochs:", resumed_history["epoch"])
print("weights bit-identical to 4 epochs in one go:", same)
print("history identical:", resumed_history == straight.history)

# %% [markdown]
# ## 숫자 5–9로 옮기기
#
# `best.ckpt`의 가중치(마지막 에포크가 아니라 가장 좋은 에포크)를 사전 학습한 모델로
# 씁니다. 네 가지 방법을 같은 레이블로 비교합니다.
#
# - **frozen + head**: 사전 학습한 모델을 고정하고 마지막 층 앞의 특성 128개를 한 번
#   계산해, 그 위에서 새 선형 헤드만 학습합니다.
# - **fine-tune (2 stages)**: 먼저 백본을 고정하고 새 헤드를 30 걸음 학습한 뒤, 고정을
#   풀고 파라미터 그룹으로 합성곱 층에 `1e-4`, 첫 선형 층에 `1e-3`, 헤드에 `1e-2`의
#   학습률을 주어 30 걸음 더 학습합니다.
# - **from scratch**: 같은 구조의 `SmallCNN`을 무작위 가중치에서 60 걸음 학습합니다.
# - **sklearn pixels**: 독립된 기준으로, scikit-learn의 `LogisticRegression`을
#   픽셀에서 학습합니다.
#
# 레이블이 적으므로 모두 레이블이 있는 이미지 전체를 한 배치로 씁니다. 평가는 레이블을
# 주지 않은 나머지 이미지로 합니다.

# %%
pretrained = copy.deepcopy(trainer.model)
_ = pretrained.load_state_dict(best["model"])  # the best epoch, not the last
_ = pretrained.eval()
with torch.no_grad():
    features = pretrained.classifier[:-1](pretrained.features(X_new))  # (N, 128)


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
    """n labelled images per class of digits 5-9; the rest are for testing."""
    generator = torch.Generator().manual_seed(seed)
    picked = torch.cat([
        torch.nonzero(y_new == c).flatten()[
            torch.randperm(int((y_new == c).sum()), generator=generator)[:n]]
        for c in range(5)])
    rest = torch.ones(len(y_new), dtype=torch.bool)
    rest[picked] = False
    return picked, rest


def fine_tune(picked):
    """Stage 1: frozen backbone, new head. Stage 2: unfreeze, smaller lr for the backbone."""
    model = copy.deepcopy(pretrained)
    model.requires_grad_(False)
    model.classifier[-1] = nn.Linear(128, 5)
    fit(model, X_new[picked], y_new[picked], steps=30)
    model.requires_grad_(True)
    groups = [{"params": model.features.parameters(), "lr": 1e-4},
              {"params": model.classifier[:-1].parameters(), "lr": 1e-3},
              {"params": model.classifier[-1].parameters()}]  # default lr 1e-2
    return fit(model, X_new[picked], y_new[picked], steps=30, param_groups=groups)

# %% [markdown]
# 클래스당 레이블 1, 3, 10, 30장에서, 레이블을 고르는 시드 2개로 학습하고 평균을 냅니다.

# %%
label_counts = [1, 3, 10, 30]
methods = ["frozen + head", "fine-tune (2 stages)", "from scratch", "sklearn pixels"]
results = {m: [] for m in methods}
flat = X_new.flatten(1)
for n in label_counts:
    runs = {m: [] for m in methods}
    for seed in range(2):
        picked, rest = few_labels(n, seed)
        torch.manual_seed(seed)
        head = fit(nn.Linear(128, 5), features[picked], y_new[picked], steps=100)
        runs["frozen + head"].append(score(head, features[rest], y_new[rest]))
        runs["fine-tune (2 stages)"].append(score(fine_tune(picked), X_new[rest], y_new[rest]))
        scratch = fit(SmallCNN(num_classes=5, image_size=8), X_new[picked], y_new[picked],
                      steps=60)
        runs["from scratch"].append(score(scratch, X_new[rest], y_new[rest]))
        reference = LogisticRegression(max_iter=200).fit(flat[picked], y_new[picked])
        runs["sklearn pixels"].append(reference.score(flat[rest], y_new[rest]))
    for m in methods:
        results[m].append(sum(runs[m]) / len(runs[m]))
print("labels/class  " + "  ".join(f"{m:>20s}" for m in methods))
for i, n in enumerate(label_counts):
    print(f"{n:12d}  " + "  ".join(f"{results[m][i]:20.3f}" for m in methods))

# %% [markdown]
# 가로축은 로그 척도입니다.

# %%
fig, ax = plt.subplots(figsize=(6.5, 4))
for m, marker in zip(methods, "osD^"):
    ax.plot(label_counts, results[m], marker + "-", label=m)
ax.set_xscale("log")
ax.set_xticks(label_counts, [str(n) for n in label_counts])
ax.set_xlabel("labelled images per class (digits 5-9)")
ax.set_ylabel("accuracy on the unlabelled rest")
ax.set_title("Pretrained on digits 0-4, tested on 5-9 (mean of 2 seeds)")
ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# 표와 그림에서 세 가지를 읽을 수 있습니다.
#
# - 레이블이 늘수록 모든 방법의 정확도가 오르고, 방법 사이의 차이는 줄어듭니다.
# - 고정한 특성 위의 헤드는 이 데이터에서 가장 낮습니다. 900장의 8×8 이미지로 숫자
#   0–4를 가르도록 학습한 마지막 층 앞의 특성은 5–9를 가르는 정보를 많이 버렸습니다.
#   고정을 풀고 파라미터 그룹으로 전체를 미세 조정하면 그 손실을 일부 되찾습니다.
# - 처음부터 학습한 CNN과 픽셀의 로지스틱 회귀가 사전 학습한 두 방법보다 높습니다.
#   작고 좁은 데이터로 한 사전 학습은 도움이 되지 않았습니다. 전이 학습이 이기려면
#   사전 학습 데이터가 크고 다양해서 특성이 일반적이어야 합니다. 이 비교처럼, 사전 학습한
#   모델은 언제나 같은 레이블로 처음부터 학습한 모델, 단순한 기준과 함께 평가합니다.
#
# ## 정리
#
# - `ModelCheckpoint`, `EarlyStopping`, `TensorBoardLogger`는 한 학습에 함께 붙입니다.
#   조기 종료가 멈춘 뒤 쓸 모델은 `best.ckpt`에 있습니다.
# - TensorBoard의 이벤트 파일은 `EventAccumulator`로 읽을 수 있고, 화면은
#   `tensorboard --logdir`로 엽니다.
# - `last.ckpt`에서 이어 간 학습은 한 번에 한 학습과 가중치와 기록이 비트 하나까지
#   같습니다.
# - 전이 학습의 이득은 사전 학습 데이터에 달려 있으므로, 처음부터 학습한 모델과 같은
#   레이블로 비교해 확인합니다.
#
# 각 개념은 강의 [3.3 실험 운영](../lectures/w3-3-experiments.md)에 연습 문제와 함께
# 자세히 설명되어 있습니다.
