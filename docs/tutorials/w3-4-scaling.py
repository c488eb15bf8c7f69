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
# # 실습: DDP와 하이퍼파라미터 탐색
#
# 강의 3.4 「[규모 확장](../lectures/w3-4-scaling.md)」의 내용을 여러 프로세스로
# 실제로 실행하는 실습입니다. 먼저 `Trainer`로 학습하는 스크립트를 `torchrun`으로
# CPU 프로세스 두 개에서 DDP로 실행하고, 두 프로세스의 결과와 프로세스 하나로
# 학습한 결과를 비교합니다. 다음으로 모델을 두 장치에 나눠 싣고, 파이프라인의
# 일정표를 그려 거품을 봅니다. 마지막으로 Optuna의 TPE 샘플러와 Hyperband
# 프루너로 `Trainer`의 하이퍼파라미터를 탐색하고, 같은 탐색을 워커 프로세스 두
# 개가 저널 파일 하나를 공유하며 나눠 합니다.
#
# 이 페이지의 출력과 그래프는 사이트를 빌드할 때 노트북을 실제로 실행해서 얻은
# 결과입니다. 모델 병렬의 두 부분은 GPU가 둘 이상이면 서로 다른 GPU에, 하나면 둘 다
# 그 GPU에, 이 페이지를 빌드한 컴퓨터처럼 GPU가 없으면 둘 다 CPU에 올라갑니다. 걸린
# 시간과 두 워커가 함께 한 탐색의 세부 결과는 실행할 때마다 달라집니다.

# %% [markdown]
# ## 실행 환경 확인
#
# 필요한 것을 모두 불러오고 실행 환경과 CPU 코어 수, Optuna의 버전을 출력합니다.
# 이 노트북이 만드는 스크립트와 파일은 모두 임시 디렉터리 `workdir`에 두며, 이
# 디렉터리는 노트북의 Python이 끝날 때 지워집니다.
# 이 실습의 모델은 아주 작아서 계산 스레드를 여럿 쓰면 스레드끼리 일을 나누고 서로
# 기다리는 비용이 계산보다 큽니다. 그래서 이 노트북은 `torch.set_num_threads(1)`로, 노트북이 띄우는
# 프로세스들은 환경 변수 `OMP_NUM_THREADS=1`로 스레드를 하나씩만 씁니다. 프로세스
# 여러 개가 적은 코어를 두고 다투지 않게 하는 효과도 있습니다.

# %%
import copy
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt

# optuna's progress bars (tqdm.auto) warn in a notebook without ipywidgets
warnings.filterwarnings("ignore", message="IProgress not found")
import optuna
import torch
from torch import nn

from torchbasics.devices import available_devices, environment_report, get_device

print(environment_report())
print("CPU cores:", os.cpu_count())
print("optuna", optuna.__version__)
optuna.logging.set_verbosity(optuna.logging.WARNING)
torch.set_num_threads(1)
scratch = tempfile.TemporaryDirectory(prefix="w3-4-")  # deleted when Python exits
workdir = Path(scratch.name)
env = dict(os.environ, OMP_NUM_THREADS="1")
sys.path.insert(0, str(workdir))  # to import the scripts written there

# %% [markdown]
# ## torchrun으로 DDP 학습
#
# 아래 문자열이 `torchrun`으로 실행할 스크립트 `ddp_train.py`입니다. 두 반달
# 데이터(학습 512개, 검증 128개)로 작은 MLP를 `Trainer`로 8 에포크 학습하고,
# 프로세스마다 자기 순위의 이름으로 결과를 저장합니다. 스크립트는 DDP를 위해 두
# 가지만 합니다.
#
# - 로더에 `DistributedSampler`를 직접 줍니다. 순위와 월드 크기는 `torchrun`이 정한
#   환경 변수에서 읽고, 그냥 실행하면 월드 크기 1, 순위 0입니다. `Trainer`도 샘플러를
#   넣어 주지만, 스크립트는 어차피 배치를 나누려고 월드 크기를 읽고, 샘플러의 몫의
#   크기(`len(sampler)`)도 기록합니다. 이 샘플러가 있으면 `Trainer`는 로더를 그대로
#   쓰고, 에포크마다 `set_epoch`를 부릅니다.
# - 프로세스당 배치 크기를 `GLOBAL_BATCH // world_size`로 정해, 옵티마이저의 한
#   걸음에 쓰이는 샘플 수(32)를 프로세스 수와 상관없이 같게 둡니다.
#
# 프로세스 그룹에 참여하고 모델을 `DistributedDataParallel`로 감싸고 지표를 모든
# 프로세스에서 합치는 일은 `Trainer`가 `WORLD_SIZE`를 보고 스스로 합니다.
# 스크립트는 장치를 CPU로 정해 두었으므로 어느 컴퓨터에서나 CPU 프로세스와 `gloo`
# 백엔드로 돕니다. 스크립트에서 `device="cpu"`를 빼면 `Trainer`가 프로세스마다 자기
# GPU(지역 순위의 GPU)를 고르고 `nccl`을 씁니다.

# %%
DDP_TRAIN = '''\
"""Train a small MLP on two moons; under torchrun, with DDP."""
import os
import sys
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, DistributedSampler

from torchbasics.data import make_two_classes
from torchbasics.metrics import accuracy
from torchbasics.training import Trainer

GLOBAL_BATCH = 32  # samples per optimizer step, over all processes


def main(out_dir):
    world_size = int(os.environ.get("WORLD_SIZE", "1"))  # set by torchrun
    rank = int(os.environ.get("RANK", "0"))
    # the same start as the one-process run below (DDP copies rank 0's weights anyway)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
    train_set = make_two_classes(512, noise=0.2, seed=0)
    val_set = make_two_classes(128, noise=0.2, seed=1)
    sampler = DistributedSampler(train_set, num_replicas=world_size, rank=rank,
                                 shuffle=True, seed=0)
    train_loader = DataLoader(train_set, sampler=sampler,
                              batch_size=GLOBAL_BATCH // world_size)
    trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.5),
                      nn.BCEWithLogitsLoss(), max_epochs=8,
                      metrics={"accuracy": accuracy}, device="cpu",
                      progress=False)
    history = trainer.fit(train_loader, DataLoader(val_set, batch_size=64))
    torch.save({"model": model.state_dict(), "history": history,
                "world_size": world_size, "samples": len(sampler),
                "steps": trainer.global_step},
               Path(out_dir) / f"rank{rank}.pt")


if __name__ == "__main__":
    main(sys.argv[1])
'''
(workdir / "ddp_train.py").write_text(DDP_TRAIN)

# %% [markdown]
# 이제 `torchrun --standalone --nproc_per_node=2 ddp_train.py OUT_DIR`을 실행합니다.
# `torchrun` 명령은 `python -m torch.distributed.run`과 같은 프로그램이므로, 이
# 노트북을 실행하는 Python으로 그 모듈을 띄웁니다. `torchrun`은 프로세스 두 개에
# `RANK=0`과 `RANK=1`, `WORLD_SIZE=2`를 주어 스크립트를 실행하고, 둘이 끝날
# 때까지 기다립니다.

# %%
ddp_dir = workdir / "ddp"
ddp_dir.mkdir()
start = time.perf_counter()
result = subprocess.run(
    [sys.executable, "-m", "torch.distributed.run", "--standalone",
     "--nproc_per_node=2", str(workdir / "ddp_train.py"), str(ddp_dir)],
    capture_output=True, text=True, env=env, timeout=300,
)
seconds = time.perf_counter() - start
print(f"torchrun exit code {result.returncode} after {seconds:.1f} s")
if result.returncode != 0:
    print(result.stderr[-3000:])
ranks = [torch.load(ddp_dir / f"rank{r}.pt", weights_only=True) for r in range(2)]
for r, saved in enumerate(ranks):
    print(f"rank {r} of {saved['world_size']}: {saved['samples']} samples per "
          f"epoch, {saved['steps']} optimizer steps")
same_weights = all(torch.equal(ranks[0]["model"][name], ranks[1]["model"][name])
                   for name in ranks[0]["model"])
print("identical weights on both ranks:", same_weights)
print("identical histories on both ranks:", ranks[0]["history"] == ranks[1]["history"])

# %% [markdown]
# 두 프로세스는 각자 학습 데이터의 절반인 256개를 에포크마다 16개짜리 배치로 읽어
# 에포크당 16걸음, 8 에포크에 128걸음을 갔습니다. 그런데도 가중치는 비트 단위로
# 같습니다. 순위 0의 가중치로 시작했고, 걸음마다 올리듀스로 같은 평균 기울기를
# 받았기 때문입니다. 기록(`history`)도 같습니다. `Trainer`가 손실과 정확도를 두
# 프로세스에서 합쳐 전체 데이터의 값으로 기록하기 때문이며, 각자의 몫으로 계산한
# 값이었다면 서로 달랐을 것입니다.
#
# 같은 스크립트를 `torchrun` 없이 실행하면 프로세스 하나가 데이터 전체를 32개짜리
# 배치로 학습합니다. 여기서는 노트북 안에서 `main`을 불러 실행합니다. 두 프로세스의
# 배치를 합치면 프로세스 하나의 배치와 같은 샘플이므로(`DistributedSampler`는 모든
# 순위에서 같은 순서로 섞고 순위마다 번갈아 가져갑니다), 결과는 반올림 오차 안에서
# 같아야 합니다.

# %%
import ddp_train  # the script written above

single_dir = workdir / "single"
single_dir.mkdir()
start = time.perf_counter()
ddp_train.main(single_dir)
seconds = time.perf_counter() - start
single = torch.load(single_dir / "rank0.pt", weights_only=True)
print(f"one process: {single['samples']} samples per epoch, "
      f"{single['steps']} optimizer steps in {seconds:.1f} s")
largest = max((ranks[0]["model"][name] - single["model"][name]).abs().max().item()
              for name in single["model"])
print("DDP and one process agree to 1e-5:", largest < 1e-5)
print("epoch  val_loss (DDP, one process)  val_accuracy (DDP, one process)")
for epoch, values in enumerate(zip(ranks[0]["history"]["val_loss"],
                                   single["history"]["val_loss"],
                                   ranks[0]["history"]["val_accuracy"],
                                   single["history"]["val_accuracy"],
                                   strict=True), start=1):
    print(f"{epoch:5d}  {values[0]:.4f}  {values[1]:.4f}"
          f"                  {values[2]:.3f}  {values[3]:.3f}")

# %%
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.6))
epochs = ranks[0]["history"]["epoch"]
for label, history, style in (("DDP, 2 processes", ranks[0]["history"], "o-"),
                              ("1 process", single["history"], "x--")):
    ax_loss.plot(epochs, history["train_loss"], style, label=f"train, {label}")
    ax_loss.plot(epochs, history["val_loss"], style, label=f"val, {label}")
    ax_acc.plot(epochs, history["val_accuracy"], style, label=label)
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("loss")
ax_loss.set_title("The same training, 2 processes or 1")
ax_loss.legend()
ax_acc.set_xlabel("epoch")
ax_acc.set_ylabel("validation accuracy")
ax_acc.set_title("Validation accuracy")
ax_acc.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 두 곡선이 겹칩니다. 데이터 병렬은 학습 결과를 바꾸지 않고 한 걸음의 계산을
# 나눌 뿐입니다. 위 출력에서 프로세스 하나로 한 같은 학습은 `torchrun`보다 훨씬 짧게
# 걸렸으므로, `torchrun`의 시간은 대부분 프로세스 셋(실행기와 학습 프로세스 둘)이 시작해
# `torch`를 불러오는 시간입니다. 이렇게 작은 모델에서는
# 통신과 시작 비용이 계산보다 크므로 DDP가 빠르지 않습니다. DDP는 한 걸음의 계산이
# 통신보다 훨씬 큰, 큰 모델과 GPU에서 이득입니다. 컴퓨터를 여러 대 쓰면
# `--standalone` 대신 `--nnodes`와 랑데부 옵션을 줍니다(강의의 [여러 대의
# 컴퓨터로](../lectures/w3-4-scaling.md#multi-node)).

# %% [markdown]
# ## 모델 병렬과 파이프라인
#
# 강의의 [모델 병렬](../lectures/w3-4-scaling.md#model-parallelism) 예제처럼
# 앞부분과 뒷부분을 다른 장치에 싣습니다. CUDA GPU가 둘 이상이면 둘째 GPU를 쓰고,
# 아니면 두 부분이 같은 장치에 올라갑니다. 아래 출력이 이 컴퓨터에서 고른 장치입니다.

# %%
gpus = [d for d in available_devices() if d.startswith("cuda")]
if len(gpus) >= 2:
    first, second = torch.device(gpus[0]), torch.device(gpus[1])
else:  # one device: both halves on it (on the CPU without a GPU)
    first = second = get_device()


class TwoDeviceMLP(nn.Module):
    def __init__(self, first, second):
        super().__init__()
        self.first, self.second = first, second
        self.part1 = nn.Sequential(nn.Linear(2, 64), nn.ReLU()).to(first)
        self.part2 = nn.Sequential(nn.Linear(64, 64), nn.ReLU(),
                                   nn.Linear(64, 1)).to(second)

    def forward(self, x):
        h = self.part1(x.to(self.first))
        return self.part2(h.to(self.second))  # the transfer between devices


torch.manual_seed(0)
split_model = TwoDeviceMLP(first, second)
whole = copy.deepcopy(nn.Sequential(*split_model.part1, *split_model.part2)).cpu()
X = torch.randn(256, 2)
out = split_model(X)
print("part1 on", first, "| part2 on", second, "| output on", out.device)
print("same output as the unsplit model:", torch.allclose(out.cpu(), whole(X), atol=1e-5))
micro = torch.cat([split_model(chunk) for chunk in X.chunk(8)])
print("8 micro-batches give the same output:", torch.allclose(micro, out, atol=1e-5))

# %% [markdown]
# 마이크로배치로 나눠도 출력은 같습니다. 달라지는 것은 장치들이 일하는 시간표입니다.
# 아래 셀은 GPipe 방식의 일정표를 계산합니다. 단계(장치) `s`는 마이크로배치 `i`의
# 순전파를 `i + s`번째 칸에서 하고, 모든 순전파가 끝나면 역전파를 거꾸로 합니다.
# 일정표에서 빈칸을 세어 구한 거품의 비율을 강의의 공식 `(S - 1) / (M + S - 1)`과
# 비교하고, 마이크로배치가 1개일 때와 4개일 때를 그립니다.

# %%
def gpipe_schedule(stages, micro_batches):
    """(stage, slot, micro-batch, "F" or "B") for every unit of work."""
    work = []
    for i in range(micro_batches):
        for s in range(stages):
            work.append((s, i + s, i, "F"))
    start = micro_batches + stages - 1  # the first backward slot
    for i in reversed(range(micro_batches)):
        for s in reversed(range(stages)):
            # the last micro-batch goes back first, starting at the last stage
            back = (micro_batches - 1 - i) + (stages - 1 - s)
            work.append((s, start + back, i, "B"))
    return work


fig, axes = plt.subplots(1, 2, figsize=(11, 2.6))
for ax, m in zip(axes, (1, 4), strict=True):
    schedule = gpipe_schedule(2, m)
    slots = max(slot for _, slot, _, _ in schedule) + 1
    idle = 2 * slots - len(schedule)
    formula = (2 - 1) / (m + 2 - 1)
    print(f"{m} micro-batch(es): {slots} slots, idle share {idle / (2 * slots):.3f}"
          f" (formula {formula:.3f})")
    for stage, slot, i, kind in schedule:
        color = "tab:blue" if kind == "F" else "tab:orange"
        ax.barh(stage, 1, left=slot, color=color, edgecolor="white")
        ax.text(slot + 0.5, stage, f"{kind}{i}", ha="center", va="center",
                color="white", fontsize=9)
    ax.set_yticks([0, 1], ["device 0", "device 1"])
    ax.invert_yaxis()
    ax.set_xlabel("time slot")
    ax.set_title(f"GPipe, {m} micro-batch(es): bubble {idle / (2 * slots):.0%}")
fig.tight_layout()
plt.show()

# %% [markdown]
# 마이크로배치가 1개이면 장치마다 절반의 시간을 쉽니다(순전파 F는 파랑, 역전파 B는
# 주황). 4개이면 두 장치가 대부분의 칸에서 함께 일하고, 쉬는 칸은 처음과 끝에만
# 남습니다. 이 CPU 컴퓨터에서는 두 부분이 같은 장치에 있으므로 실제로 겹쳐 실행되지는
# 않습니다. 실제 파이프라인은 `torch.distributed.pipelining`이 GPU들 위에서
# 실행합니다.

# %% [markdown]
# ## Optuna로 하이퍼파라미터 탐색
#
# 두 반달 데이터(학습과 검증 256개씩)에서 MLP의 학습률 `lr`과 은닉층의 폭
# `hidden`을 고릅니다. 아래 문자열이 목적 함수와 스터디를 만드는 모듈
# `moons_search.py`입니다. 이 노트북이 이 모듈을 불러 탐색하고, 다음 절에서는 워커
# 프로세스들이 같은 모듈을 실행하므로, 목적 함수는 한 곳에만 있습니다.
#
# - 목적 함수는 `Trainer`를 `OptunaPruning(trial, monitor="val_loss")`과 함께 만들고
#   마지막 에포크의 검증 손실을 돌려줍니다. 잘린 시행은 콜백이 `fit`을 멈춥니다.
# - 스터디는 `TPESampler`(처음 8번은 무작위)와 `HyperbandPruner`(1에서 12 에포크,
#   `η = 3`)를 씁니다. BOHB의 두 생각을 합친 조합입니다. Hyperband는 스터디 이름과
#   시행 번호로 브래킷을 정하므로 이름을 정해 줍니다.
# - 시행의 무작위성은 시행 번호로 시드를 정하므로, 프로세스 하나에서 돌리면 결과가
#   실행할 때마다 같습니다.

# %%
MOONS_SEARCH = '''\
"""The two-moons search: the objective, and a worker that runs it."""
import sys

import optuna
import torch
from torch import nn
from torch.utils.data import DataLoader

from torchbasics.data import make_two_classes
from torchbasics.training import OptunaPruning, Trainer

MAX_EPOCHS = 12
train_set = make_two_classes(256, noise=0.25, seed=0)
val_set = make_two_classes(256, noise=0.25, seed=1)


def objective(trial):
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    hidden = trial.suggest_int("hidden", 2, 64, log=True)
    torch.manual_seed(trial.number)
    model = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 1))
    trainer = Trainer(model, torch.optim.Adam(model.parameters(), lr=lr),
                      nn.BCEWithLogitsLoss(), max_epochs=MAX_EPOCHS,
                      callbacks=[OptunaPruning(trial, monitor="val_loss")],
                      device="cpu", progress=False)
    train_loader = DataLoader(train_set, batch_size=64, shuffle=True,
                              generator=torch.Generator().manual_seed(trial.number))
    history = trainer.fit(train_loader, DataLoader(val_set, batch_size=256))
    return history["val_loss"][-1]


def make_study(name, storage=None, seed=0):
    return optuna.create_study(
        study_name=name, storage=storage, load_if_exists=True,
        sampler=optuna.samplers.TPESampler(seed=seed, n_startup_trials=8),
        pruner=optuna.pruners.HyperbandPruner(
            min_resource=1, max_resource=MAX_EPOCHS, reduction_factor=3),
    )


def work(journal, name, worker, n_trials):
    """One worker process: join the study in the journal file and run trials."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    backend = optuna.storages.journal.JournalFileBackend(journal)
    study = make_study(name, optuna.storages.JournalStorage(backend), seed=worker)

    def tagged(trial):
        trial.set_user_attr("worker", worker)
        return objective(trial)

    study.optimize(tagged, n_trials=n_trials)


if __name__ == "__main__":  # python moons_search.py JOURNAL NAME WORKER N_TRIALS
    journal, name, worker, n_trials = sys.argv[1:]
    work(journal, name, int(worker), int(n_trials))
'''
(workdir / "moons_search.py").write_text(MOONS_SEARCH)
import moons_search  # the module written above

study = moons_search.make_study("moons")
study.optimize(moons_search.objective, n_trials=30)
states = Counter(t.state.name for t in study.trials)
epochs_run = sum(t.last_step for t in study.trials)
print(f"{len(study.trials)} trials: {states['COMPLETE']} complete, "
      f"{states['PRUNED']} pruned")
print(f"epochs trained: {epochs_run} of {len(study.trials) * moons_search.MAX_EPOCHS}"
      " without pruning")
best = study.best_trial
print(f"best: trial {best.number}, lr={best.params['lr']:.3g}, "
      f"hidden={best.params['hidden']}, val_loss={best.value:.3f}")

# %% [markdown]
# 아래 왼쪽 그림은 시행마다 에포크별 검증 손실, 곧 `OptunaPruning`이 `trial.report`로
# 알린 값입니다. 잘린 시행(회색)은 1, 3, 9 에포크의 점검 지점에서 끊겨 있습니다.
# 시행마다 그 에포크에 닿은 같은 브래킷의 앞선 시행들과 비교되어 잘린 것입니다. 끝까지
# 간 시행(색)만 12 에포크에 닿습니다. 오른쪽 그림은 시행마다 고른 학습률과 폭입니다.
# 끝까지 간 시행은 마지막 검증 손실로 색을 칠했고(밝을수록 낮음), 잘린 시행은 속이 빈
# 회색 원으로 그렸습니다. 잘린 시행의 손실은 다른 에포크에서 잰 값이라 끝까지 간
# 시행과 견줄 수 없기 때문입니다. TPE가 처음 8번의 무작위 시행 뒤로 좋은 영역에
# 시행을 모으는지 보십시오.

# %%
fig, (ax_curves, ax_space) = plt.subplots(1, 2, figsize=(11, 4))
for t in study.trials:
    steps = sorted(t.intermediate_values)
    values = [t.intermediate_values[s] for s in steps]
    if t.state.name == "PRUNED":
        ax_curves.plot(steps, values, color="gray", alpha=0.5, linewidth=1)
    else:
        ax_curves.plot(steps, values, marker=".", linewidth=1.5)
ax_curves.set_yscale("log")
ax_curves.set_xlabel("epoch")
ax_curves.set_ylabel("validation loss")
ax_curves.set_title("Learning curves (gray: pruned)")
complete = [t for t in study.trials if t.state.name == "COMPLETE"]
pruned = [t for t in study.trials if t.state.name == "PRUNED"]
ax_space.scatter([t.params["lr"] for t in pruned], [t.params["hidden"] for t in pruned],
                 facecolors="none", edgecolors="gray", marker="o", label="pruned")
points = ax_space.scatter([t.params["lr"] for t in complete],
                          [t.params["hidden"] for t in complete],
                          c=[t.value for t in complete], cmap="viridis_r", norm="log",
                          marker="o", edgecolors="black", label="complete")
for t in study.trials:
    ax_space.annotate(str(t.number), (t.params["lr"], t.params["hidden"]),
                      textcoords="offset points", xytext=(4, 4), fontsize=7)
ax_space.set_xscale("log")
ax_space.set_yscale("log", base=2)
ax_space.set_xlabel("lr")
ax_space.set_ylabel("hidden")
ax_space.set_title("Trials (number): complete by final val_loss, pruned hollow")
ax_space.legend(loc="center left", fontsize=8)
fig.colorbar(points, ax=ax_space, label="final val_loss (complete trials)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 워커 두 개가 스터디 하나를 나눠 탐색하기
#
# 이제 같은 탐색을 워커 프로세스 두 개가 나눠 합니다. 노트북이 저널 파일에 스터디를
# 먼저 만들고, `subprocess.Popen`으로 `python moons_search.py JOURNAL NAME WORKER 10`을
# 두 번 띄웁니다. 각 워커는 같은 이름의 스터디를 불러 시행 10번을 하고, 시행마다
# 자기 번호를 `worker` 속성에 남깁니다. 두 워커의 샘플러는 시드가 다릅니다. 시드가
# 같으면 처음 무작위로 뽑는 값이 두 워커에서 똑같아, 같은 설정을 두 번씩 시험하게
# 됩니다. 샘플러는 다음 값을 고를 때마다 파일에서 두 워커의 시행을 모두 읽고,
# 프루너도 마찬가지여서 워커 1의 시행은 점검 지점에서 워커 0의 같은 브래킷 시행들과
# 비교됩니다. `subprocess.run`과 달리 `Popen`은 끝날 때까지 기다리지 않으므로 두
# 워커가 동시에 돕니다. 스터디를 워커보다 먼저 만드는 것은 두 워커가 동시에 만들려다
# 부딪치지 않게 하려는 것입니다. 여러 컴퓨터라면 이 파일을
# 공유 파일 시스템에 두거나 데이터베이스 주소를 저장소로 줍니다.

# %%
journal = str(workdir / "moons.journal")
storage = optuna.storages.JournalStorage(
    optuna.storages.journal.JournalFileBackend(journal))
# create it once, before the workers, so that the two do not race to create it
moons_search.make_study("moons-shared", storage)
start = time.perf_counter()
# Popen, unlike subprocess.run, does not wait: the two workers run at the same time
workers = [subprocess.Popen([sys.executable, str(workdir / "moons_search.py"),
                             journal, "moons-shared", str(worker), "10"], env=env)
           for worker in range(2)]
codes = [w.wait(timeout=300) for w in workers]
seconds = time.perf_counter() - start
shared = optuna.load_study(study_name="moons-shared", storage=storage)
by_worker = Counter(t.user_attrs["worker"] for t in shared.trials)
print(f"worker exit codes {codes} after {seconds:.1f} s")
print(f"{len(shared.trials)} trials in the journal; trials per worker:",
      dict(sorted(by_worker.items())))
print("trial numbers are unique:",
      sorted(t.number for t in shared.trials) == list(range(len(shared.trials))))
print("the best trial trained all epochs:",
      shared.best_trial.last_step == moons_search.MAX_EPOCHS)

# %% [markdown]
# 두 워커가 시행을 10번씩, 모두 20번 했고 시행 번호는 겹치지 않습니다. 번호는
# 저장소가 매기기 때문입니다. 어느 시행을 어느 워커가 했는지, 어떤 값이 나왔는지는
# 두 프로세스가 파일에 쓴 순서에 따라 실행마다 달라지므로 위에서는 출력하지 않고,
# 아래 그림으로 시간에 따라 봅니다. 가로축은 시간이고, 막대 하나가 시행 하나(안의
# 숫자는 시행 번호, 회색 테두리는 잘린 시행)입니다. 두 워커의 막대가 같은 시간에
# 겹쳐 있으면 두 프로세스가 동시에 시행을 돌린 것입니다. 가로축은 첫 시행이 시작한
# 때부터이므로, 워커 프로세스가 `torch`와 `optuna`를 불러오는 시간은 들어 있지
# 않습니다. 워커마다 첫 시행이 유난히 긴 것은, 한 프로세스에서 옵티마이저를 처음
# 만들 때 PyTorch가 모듈을 더 불러오기 때문입니다.

# %%
t0 = min(t.datetime_start for t in shared.trials)
fig, ax = plt.subplots(figsize=(10, 2.6))
for t in shared.trials:
    begin = (t.datetime_start - t0).total_seconds()
    length = (t.datetime_complete - t.datetime_start).total_seconds()
    worker = t.user_attrs["worker"]
    pruned = t.state.name == "PRUNED"
    ax.barh(worker, length, left=begin, color=f"C{worker}",
            edgecolor="gray" if pruned else "black", alpha=0.5 if pruned else 0.9)
    ax.text(begin + length / 2, worker, str(t.number), ha="center", va="center",
            fontsize=7)
ax.set_yticks([0, 1], ["worker 0", "worker 1"])
ax.invert_yaxis()
ax.set_xlabel("seconds since the first trial started")
ax.set_title("Two processes, one study (journal file)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 정리
#
# - `torchrun --standalone --nproc_per_node=2`로 실행한 DDP 학습에서 두 프로세스는
#   같은 가중치와 같은 기록으로 끝났고, 전체 배치가 같은 프로세스 하나의 학습과
#   반올림 오차 안에서 같았습니다. `DistributedSampler`와 `set_epoch`가 두
#   프로세스에 겹치지 않는 몫을 나눠 줍니다(512는 2로 나누어떨어집니다).
# - 모델을 두 장치에 나눠도 출력은 같고, 마이크로배치로 나누면 장치들이 함께 일하는
#   칸이 늘어 거품이 줄어듭니다.
# - TPE와 Hyperband로 한 탐색은 `OptunaPruning` 덕분에 가망 없는 시행을 점검
#   지점에서 일찍 끊어 에포크를 아꼈습니다.
# - 저널 파일을 공유한 워커 두 개가 한 스터디의 시행을 나눠 했습니다. 컴퓨터를
#   늘릴 때도 워커를 더 띄우고 같은 저장소를 주면 됩니다.
#
# 각 개념의 설명과 연습 문제는 강의
# [3.4 규모 확장](../lectures/w3-4-scaling.md)에 있습니다.
