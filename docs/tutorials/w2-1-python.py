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
# # 실습: 파이프라인, 복사, 워커
#
# 강의 2.1 「[딥러닝을 위한 Python](../lectures/w2-1-python.md)」에서 다룬 내용을
# 한 흐름으로 이어 실행하는 실습입니다. scikit-learn에 들어 있는 CSV 파일을
# `split`으로 읽어 텐서로 만들고, 그 텐서로 데이터셋과 배치 제너레이터를 만들고,
# 리스트와 제너레이터가 붙잡는 메모리를 재고, 학습 중에 가중치를 복사하지 않고
# 보관하면 무엇이 남는지 보고, 마지막으로 워커 두 개짜리 `DataLoader`를 스크립트로
# 실행합니다. 파이프라인(pipeline)은 데이터를 읽고 배치로 나누고 변환하는 단계들을
# 차례로 이은 것입니다. 이 페이지의 출력과 그래프는 사이트를 빌드할 때 노트북을 실제로
# 실행해서 얻은 결과입니다. 시간 측정값은 빌드한 컴퓨터의 것이고, 그 밖의 출력은
# 어느 컴퓨터에서나 같습니다.

# %% [markdown]
# ## 실행 환경 확인
#
# 이 노트북에 필요한 것을 모두 import하고 실행 환경을 출력합니다. 이 실습은 작은
# 데이터만 다루므로 모든 계산을 CPU에서 합니다.

# %%
import copy
import subprocess
import sys
import tempfile
import time
import weakref
from collections import Counter
from importlib.util import find_spec
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import Tensor, nn
from torch.utils.data import DataLoader, Dataset

from torchbasics.devices import environment_report

torch.manual_seed(0)
print(environment_report())

# %% [markdown]
# ## CSV 파일에서 텐서로
#
# scikit-learn은 붓꽃(iris) 데이터를 `iris.csv`라는 텍스트 파일로 함께
# 배포합니다. 첫 줄에는 샘플 수, 특성 수, 클래스 이름이 있고, 그 뒤로 한 줄에 꽃
# 하나씩 특성 네 개(꽃받침과 꽃잎의 길이와 너비, cm)와 클래스 번호가 쉼표로
# 구분되어 있습니다. `read_csv`는 강의의 [split과
# join](../lectures/w2-1-python.md#split-and-join) 절에서 한 일을 함수로 묶은
# 것입니다. 타입 힌트로 인자와 반환값의 타입을, docstring의 `Shape:` 절로 모양을
# 적었습니다.
#
# 파일의 위치는 `find_spec`으로 찾습니다. 패키지를 import하지 않고 설치된 곳만
# 알려 주므로, import에 몇 초가 걸리는 scikit-learn을 불러오지 않아도 됩니다.
#
# 출력의 첫 두 줄은 파일의 첫 두 줄이고, 셋째 줄은 읽은 텐서의 모양입니다. 마지막
# 두 줄은 같은 파일을 NumPy의 CSV 읽기 함수 `np.loadtxt`로 읽은 값과 같은지, 그리고
# 클래스마다 꽃이 몇 송이인지 보여 줍니다. (강의에서는 scikit-learn의
# `load_iris()`와 비교했습니다.)

# %%
def read_csv(text: str) -> tuple[Tensor, Tensor, list[str]]:
    """Parse scikit-learn's iris.csv: features, class indices, class names.

    Shape:
        - features: `(N, D)`, float32
        - targets: `(N,)`, int64
    """
    header, *lines = text.strip().split("\n")
    n, d, *class_names = header.split(",")
    rows = [line.split(",") for line in lines]
    features = torch.tensor([[float(v) for v in row[:-1]] for row in rows])
    targets = torch.tensor([int(row[-1]) for row in rows])
    assert features.shape == (int(n), int(d)), features.shape
    return features, targets, class_names


# scikit-learn's folder, found without importing it (an import takes seconds)
sklearn_dir = Path(find_spec("sklearn").origin).parent
csv_path = sklearn_dir / "datasets" / "data" / "iris.csv"
text = csv_path.read_text()
print("\n".join(text.split("\n")[:2]))
X, y, class_names = read_csv(text)
print(
    f"features {tuple(X.shape)} {X.dtype}"
    f", targets {tuple(y.shape)} {y.dtype}"
)

table = np.loadtxt(csv_path, delimiter=",", skiprows=1)  # NumPy's CSV reader
same_X = torch.equal(X, torch.tensor(table[:, :-1], dtype=torch.float32))
same_y = y.tolist() == table[:, -1].astype(int).tolist()
print("same as np.loadtxt:", same_X and same_y)
print(Counter(class_names[i] for i in y.tolist()))

# %% [markdown]
# ## 데이터셋과 배치 제너레이터
#
# 꽃받침 길이, 꽃받침 너비, 꽃잎 길이로 꽃잎 너비를 예측하는 회귀 문제를 만듭니다.
# `IrisRegression`은 `__len__`과 `__getitem__`을 가진 맵 스타일 데이터셋입니다.
# 특성은 평균 0, 표준편차 1로 표준화합니다. `batches`는 같은 데이터셋에서 미니배치를
# 하나씩 내주는 제너레이터 함수로, `DataLoader`처럼 인덱스를 만들고(섞을 수도
# 있습니다) 인덱스마다 `dataset[i]`를 불러 `torch.stack`으로 쌓습니다. 섞을 때 쓰는
# `torch.Generator`는 난수 생성기(random number generator)로, 제너레이터와는 관계가
# 없습니다.
#
# 출력의 첫 줄은 샘플 하나의 모양입니다. 둘째 줄은 섞지 않을 때 우리 제너레이터와
# `DataLoader`의 배치가 모두 같은지 확인합니다. 셋째 줄은 섞은 배치들의 목표값을
# 모아 정렬한 것이 원래 목표값을 정렬한 것과 같은지, 즉 섞는 동안 값이 빠지거나
# 늘지 않았는지 확인합니다. 마지막 줄은 제너레이터 객체를 두 번 돌 때 두 번째에는
# 배치가 나오지 않는다는 것을 보여 줍니다.

# %%
class IrisRegression(Dataset):
    """Predict petal width from the other three measurements, standardized."""

    def __init__(self, X: Tensor):
        inputs = X[:, :3]
        self.inputs = (inputs - inputs.mean(dim=0)) / inputs.std(dim=0)
        self.targets = X[:, 3:]  # (N, 1): the petal width in cm

    def __len__(self) -> int:
        return len(self.inputs)

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        return self.inputs[i], self.targets[i]  # shapes (3,) and (1,)


def batches(dataset, batch_size, shuffle=False, seed=0):
    """Yield (inputs, targets) minibatches, the way a DataLoader makes them."""
    if shuffle:
        generator = torch.Generator().manual_seed(seed)
        order = torch.randperm(len(dataset), generator=generator).tolist()
    else:
        order = list(range(len(dataset)))
    for start in range(0, len(order), batch_size):
        samples = [dataset[i] for i in order[start:start + batch_size]]
        yield (
            torch.stack([x for x, _ in samples]),
            torch.stack([t for _, t in samples]),
        )


dataset = IrisRegression(X)
x0, t0 = dataset[0]
print(f"{len(dataset)} samples, each {tuple(x0.shape)} and {tuple(t0.shape)}")

loader = DataLoader(dataset, batch_size=32)
pairs = zip(batches(dataset, 32), loader, strict=True)
agree = [torch.equal(a, c) and torch.equal(b, d) for (a, b), (c, d) in pairs]
print(f"ours vs DataLoader, no shuffling: {len(agree)} batches, all equal:",
      all(agree))

shuffled = list(batches(dataset, 32, shuffle=True))
seen = torch.cat([t for _, t in shuffled]).flatten().sort().values
print("shuffled batches, sorted targets unchanged:",
      torch.equal(seen, dataset.targets.flatten().sort().values))

gen = batches(dataset, 32)
print("batches per pass over one generator object:",
      [sum(1 for _ in gen) for _ in range(2)])

# %% [markdown]
# ## 리스트와 제너레이터가 붙잡는 메모리
#
# 배치를 리스트에 모으면 모든 배치가 한꺼번에 메모리에 있고, 제너레이터는 루프가
# 요청할 때 하나씩 만듭니다. 이 차이를 실제로 재 봅니다. `sys.getsizeof`는 리스트
# 안의 텐서를 세지 않고, PyTorch의 CPU 메모리는 `tracemalloc`(Python의 메모리 추적
# 도구)에도 잡히지 않습니다. 그래서 `LiveBytes`가 직접 셉니다. 배치를 만들 때 그
# 바이트를 더하고, 그 텐서가 사라지는 순간 다시 뺍니다.
# `weakref.finalize(t, 함수, 인자)`는 `t`가 지워지는 순간 그 함수를 부르도록
# 등록하며, 이 등록은 `t`를 살려 두지 않습니다. CPython은 마지막 참조가
# 사라지는 즉시 객체를 지우므로 이 셈은 컴퓨터와 상관없이 정확히 같게 나옵니다.
#
# 데이터는 붓꽃 데이터를 200배로 늘린 30,000개의 샘플(꽃마다 작은 잡음을 더한 사본
# 200개)이고, 파이프라인은 이것을 샘플 500개짜리 배치로 나누어 배치마다 표준화해
# 내줍니다. 배치마다 새 텐서가 생기는 전형적인 전처리(preprocessing)입니다.
# 이벤트(event)는 배치 하나를 만들거나 학습 스텝(step) 하나에 쓰는 것입니다. 리스트
# 쪽은 배치를 모두 만든 뒤에 쓰고, 제너레이터 쪽은 만들고 쓰기를 번갈아 합니다. 루프가
# 끝난 뒤 `del`로 리스트와 `xb`라는 이름을 지우면 배치의 마지막 참조가 사라지므로,
# 출력의 "after the loop"는 0바이트가 됩니다.

# %%
class LiveBytes:
    """Bytes of the tracked tensors that are still alive, after each event."""

    def __init__(self):
        self.now = 0
        self.history = []

    def track(self, t: Tensor) -> Tensor:
        self.now += t.nbytes
        weakref.finalize(t, self._release, t.nbytes)  # runs when t dies
        self.history.append(self.now)  # event: a batch was made
        return t

    def _release(self, nbytes: int) -> None:
        self.now -= nbytes

    def used(self) -> None:
        self.history.append(self.now)  # event: a batch was used


g = torch.Generator().manual_seed(0)
big = X.repeat(200, 1) + 0.01 * torch.randn(200 * len(X), 4, generator=g)


def standardized_batches(data: Tensor, batch_size: int, tracker: LiveBytes):
    for start in range(0, len(data), batch_size):
        xb = data[start:start + batch_size]  # a view: no new memory
        yield tracker.track((xb - xb.mean(dim=0)) / xb.std(dim=0))


def train_step(xb: Tensor) -> float:
    return (xb ** 2).mean().item()  # stands in for forward and backward


as_list = LiveBytes()
all_batches = list(standardized_batches(big, 500, as_list))
for xb in all_batches:
    train_step(xb)
    as_list.used()
del all_batches, xb

lazy = LiveBytes()
for xb in standardized_batches(big, 500, lazy):
    train_step(xb)
    lazy.used()
del xb

batch_bytes = 500 * 4 * 4  # 500 samples x 4 float32 features
print(f"data: {len(big):,} samples, {big.nbytes:,} bytes;"
      f" one batch: {batch_bytes:,} bytes")
for name, tracker in [("list", as_list), ("generator", lazy)]:
    peak = max(tracker.history)
    batches_held = peak // batch_bytes
    print(f"{name:<9}  peak {peak:>7,} bytes = {batches_held:>2} batches,"
          f"  after the loop {tracker.now} bytes")

# %% [markdown]
# 그래프의 가로축은 이벤트의 순서이고, 세로축은 그 순간 살아 있는 배치의 바이트입니다.
# 리스트는 학습을 시작하기 전에 데이터 전체만큼 메모리를 채우고, 학습하는 내내 그것을
# 붙잡고 있습니다. 제너레이터는 가장 많을 때도 배치 두 개입니다. 하나가 아니라 둘인
# 까닭은 이렇습니다. 루프가 다음 배치를 요청하는 동안에도 반복 변수 `xb`는 아직 이전 배치를
# 가리키므로, 새 배치가 만들어지는 순간에는 두 배치가 함께 살아 있습니다. 다음
# 배치가 `xb`에 대입되면 이전 배치는 참조를 모두 잃고 바로 사라집니다.

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
for name, tracker in [("list", as_list), ("generator", lazy)]:
    kilobytes = [b / 1e3 for b in tracker.history]
    ax.step(range(len(kilobytes)), kilobytes, where="post", label=name)
ax.set_xlabel("event (a batch made or used)")
ax.set_ylabel("bytes held by batches (kB)")
ax.set_title("Batches alive: a list of batches vs a generator")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 학습 중의 스냅숏: 복사하지 않으면
#
# 앞에서 만든 `IrisRegression`으로 `nn.Linear(3, 1)`을 학습하면서 에포크마다
# 가중치를 두 가지 방법으로 보관합니다. `live`에는 `model.state_dict()`를 그대로,
# `copies`에는 `copy.deepcopy(model.state_dict())`를 넣습니다. 갱신은 옵티마이저
# 없이 [W1.2](../lectures/w1-2-linear-regression.md#gradient-descent)의
# `p ← p - lr * p.grad`를 직접 구현합니다. `model.parameters()`가 내주는 것은 모델의
# 파라미터 객체 자체이므로, `p -= ...`로 제자리에서 바꾸면 모델이 바뀝니다.
#
# 출력의 첫 줄은 학습 전후의 손실입니다. 그다음 줄들은 에포크 1, 5, 40에 두 목록이
# 기록한 첫 번째 가중치(꽃받침 길이의 가중치 `weight[0, 0]`)입니다. 마지막 줄은
# `live`에 든 `weight` 텐서가 모두 지금 모델의 가중치와 같은 메모리를 가리키는지
# 확인합니다.

# %%
torch.manual_seed(0)
model = nn.Linear(3, 1)
lr = 0.05
loss_fn = nn.MSELoss()
inputs, targets = dataset.inputs, dataset.targets
live, copies = [], []
with torch.no_grad():
    first_loss = loss_fn(model(inputs), targets).item()
for epoch in range(1, 41):
    for xb, yb in batches(dataset, 32, shuffle=True, seed=epoch):
        model.zero_grad()
        loss_fn(model(xb), yb).backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad  # torch.optim.SGD's update, in place
    live.append(model.state_dict())  # the bug: a live view of the weights
    copies.append(copy.deepcopy(model.state_dict()))  # what was true then
with torch.no_grad():
    last_loss = loss_fn(model(inputs), targets).item()
print(f"MSE before training {first_loss:.3f}, after 40 epochs {last_loss:.3f}")
for epoch in (1, 5, 40):
    w_live = live[epoch - 1]["weight"][0, 0].item()
    w_copy = copies[epoch - 1]["weight"][0, 0].item()
    print(f"epoch {epoch:>2}: live {w_live:+.3f}   deepcopy {w_copy:+.3f}")
print("every live entry shares the weight's memory:",
      all(s["weight"].data_ptr() == model.weight.data_ptr() for s in live))

# %% [markdown]
# 그래프는 세 가중치가 에포크마다 어떻게 움직였는지 보여 줍니다. 실선은
# `deepcopy`로 보관한 값으로 실제 학습 경로입니다. 점선은 `state_dict()`를 그대로
# 보관한 값으로, 모든 에포크에 마지막 값이 찍혀 평평합니다. 기록은 에포크마다
# 했지만, 그 기록이 가리키는 텐서는 학습이 끝날 때까지 계속 바뀌었기 때문입니다.

# %%
epochs = range(1, len(copies) + 1)
fig, ax = plt.subplots(figsize=(7, 3.5))
feature_names = ["sepal length", "sepal width", "petal length"]
for k, feature in enumerate(feature_names):
    kept = [state["weight"][0, k].item() for state in copies]
    line, = ax.plot(epochs, kept, label=f"{feature} (deepcopy)")
    stale = [state["weight"][0, k].item() for state in live]
    ax.plot(epochs, stale, "--", color=line.get_color(), alpha=0.7)
ax.set_xlabel("epoch")
ax.set_ylabel("weight")
ax.set_title("Weights kept each epoch: deepcopy (solid), state_dict() (dashed)")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## DataLoader의 워커와 `__main__`
#
# 마지막으로 진짜 `DataLoader`를 워커 두 개(`num_workers=2`)로 돌립니다. 노트북
# 안에서는 워커가 import할 스크립트 파일이 없으므로, 스크립트를 임시 디렉터리에
# 파일로 쓰고 새 Python 프로세스에서 `python workers_demo.py`로 실행합니다. 시작
# 방식은 macOS와 Windows의 기본값인 `spawn`으로 정해, 어느 운영체제에서 빌드해도
# 같은 일이 일어나게 했습니다.
#
# 스크립트는 최상위에서 자신이 어떤 이름으로 import되었는지 출력합니다. 데이터셋의
# `__getitem__`은 샘플과 함께 그 샘플을 만든 워커의 번호(`get_worker_info().id`)를
# 돌려줍니다. 데이터셋 클래스는 워커에 pickle로 넘어가므로 모듈 최상위에 `class`로
# 정의되어 있고(노트북 셀에서 정의한 클래스는 `spawn` 워커가 찾지 못합니다), 학습에 해당하는 코드는 `main()` 안에서 가드 아래에서만
# 불립니다.

# %%
script = '''
"""Batches from two DataLoader workers started with spawn."""
import torch
from torch.utils.data import DataLoader, Dataset, get_worker_info

print(f"workers_demo.py imported as {__name__!r}", flush=True)


class Squares(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        x = torch.tensor(float(i))
        return x, x ** 2, get_worker_info().id


def main():
    loader = DataLoader(
        Squares(), batch_size=2, num_workers=2, multiprocessing_context="spawn"
    )
    for x, y, worker in loader:
        print(f"batch x={x.tolist()} y={y.tolist()} workers {worker.tolist()}")


if __name__ == "__main__":
    main()
'''

with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp, "workers_demo.py")
    path.write_text(script)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120
    )
    seconds = time.perf_counter() - start
print(f"exit code {result.returncode} after {seconds:.1f} s")
lines = result.stdout.splitlines()
imports = Counter(line for line in lines if "imported as" in line)
for line, count in sorted(imports.items()):
    print(f"{count} x {line}")
for line in lines:
    if line.startswith("batch"):
        print(line)

# %% [markdown]
# 출력에서 세 가지를 확인할 수 있습니다.
#
# - 스크립트는 세 번 import됩니다. 한 번은 `python workers_demo.py`로 실행된
#   `'__main__'`이고, 두 번은 워커가 시작할 때 다시 import한 `'__mp_main__'`입니다.
#   워커 쪽에서는 `__name__`이 `"__main__"`이 아니므로 가드 안의 `main()`이
#   실행되지 않습니다. 가드가 없으면 학습 코드가 워커 안에서 다시 실행되고,
#   [강의의 예제](../lectures/w2-1-python.md#main-guard)에서 본 것처럼 워커를 또
#   띄우려다 `RuntimeError`로 멈춥니다.
# - 워커는 배치를 번갈아 만듭니다. 배치 0과 2는 워커 0이, 배치 1과 3은 워커 1이
#   만들었고, `DataLoader`는 배치를 만든 순서가 아니라 원래 순서대로 내줍니다.
# - 샘플 여덟 개로 배치 네 개를 만드는 일은 순식간이고, 걸린 시간은 거의 모두 새
#   Python 프로세스 세 개가 시작해 `torch`를 import하는 데 들어갑니다.
#   `DataLoader`는 시작 방식과 상관없이 `for` 문을 시작할 때마다, 즉 에포크마다
#   워커를 새로 띄웁니다. `spawn`에서는 이 시작 비용을 에포크마다 다시 치르므로,
#   워커를 여러 에포크 동안 살려 두는 `persistent_workers=True`가 있습니다. 워커는 `__getitem__`이 파일을 읽거나
#   이미지를 디코딩하는 것처럼 무거울 때 시작 비용을 치를 만합니다.

# %% [markdown]
# ## 정리
#
# - 텍스트 데이터는 `split`으로 자르고 컴프리헨션으로 텐서를 만듭니다. 직접 읽은
#   값은 같은 파일을 읽는 라이브러리 함수와 비교해 확인합니다.
# - 맵 스타일 데이터셋은 `__len__`과 `__getitem__`만 있으면 되고, 배치를 만드는
#   제너레이터는 `DataLoader`가 하는 일(인덱스, `dataset[i]`, `torch.stack`)을 그대로
#   합니다. 제너레이터 객체는 한 번만 돕니다.
# - 리스트는 모든 배치를 한꺼번에 붙잡고, 제너레이터는 많아야 배치 두 개를 붙잡습니다.
# - `state_dict()`를 그대로 보관하면 지금의 가중치를 가리킬 뿐입니다. 지난 값을
#   남기려면 `copy.deepcopy`로 복사합니다.
# - `spawn`으로 시작한 `DataLoader` 워커는 스크립트를 `__mp_main__`으로 다시
#   import합니다. 학습 코드는 `main()`에 넣고 `if __name__ == "__main__":` 아래에서
#   부르며, 워커에 넘길 클래스와 함수는 모듈 최상위에 정의합니다.
#
# 개념 설명과 연습 문제는 강의 [2.1 딥러닝을 위한 Python](../lectures/w2-1-python.md)에
# 있습니다.
