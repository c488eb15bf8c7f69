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
# # 실습: 텐서, NumPy 그리고 GPU
#
# 강의 W1.1 「텐서, NumPy 그리고 GPU」에서 다룬 내용을 직접 실행하며
# 확인하는 실습입니다. 이 페이지의 출력과 그래프는 사이트를 빌드할 때
# 노트북을 실제로 실행해서 얻은 결과입니다. 그래서 시간 측정값은 빌드한
# 컴퓨터의 것이고, 여러분의 컴퓨터에서 실행하면 다른 값이 나옵니다. 코드는
# GPU가 없는 컴퓨터에서도 수정 없이 실행됩니다.

# %% [markdown]
# ## 실행 환경 확인
#
# 먼저 어떤 환경에서 실행하는지 출력합니다. `environment_report()`는 torch와
# Python의 버전, 그리고 사용할 수 있는 장치(device)를 한 줄에 하나씩
# 알려 줍니다. `get_device()`는 CUDA GPU, Apple의 MPS, CPU 순서로 이
# 컴퓨터에서 쓸 수 있는 가장 좋은 장치를 고릅니다.
#
# 이 노트북은 `"cuda"`라는 문자열을 직접 쓰지 않고 언제나 `device` 변수를
# 사용합니다. 그래서 같은 코드가 NVIDIA GPU, Apple GPU, CPU에서 모두
# 실행됩니다. GPU가 있어도 CPU로 실행하고 싶다면 환경 변수
# `TORCHBASICS_DEVICE=cpu`를 설정하면 됩니다.
#
# 노트북 밖에서는 터미널에서 `python -m torchbasics`를 실행하면 같은 보고서와
# 함께 선택 설치 묶음(extra)이 설치되었는지, 빠진 것을 설치하는 명령이 무엇인지
# 볼 수 있습니다.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from torchbasics.devices import (
    Stopwatch,
    environment_report,
    get_device,
    measure,
    synchronize,
)

torch.manual_seed(0)
print(environment_report())
device = get_device()
print(f"\nthis notebook computes on: {device}")

# %% [markdown]
# ## 텐서 만들기와 속성 확인
#
# 텐서(tensor)를 만드는 함수는 여러 가지입니다. 텐서를 만든 뒤에는 네 가지
# 속성을 확인하는 습관이 도움이 됩니다. 자료형(`dtype`), 모양(`shape`),
# 차원 수(`ndim`), 그리고 텐서가 놓인 장치(`device`)입니다. 모양이 맞지
# 않거나 장치가 다르다는 오류의 대부분은 이 네 가지만 출력해 봐도 원인이
# 드러납니다.
#
# 출력에서 다음을 확인할 수 있습니다.
#
# - 정수 리스트로 만든 텐서와 정수 인자로 부른 `arange`는 정수 자료형
#   `torch.int64`를 가집니다.
# - `zeros`, `rand`, `randn` 같은 함수는 따로 지정하지 않으면 PyTorch의 기본
#   실수 자료형 `torch.float32`로 만듭니다.
# - `device=` 인자를 준 텐서만 `get_device()`가 고른 장치에 있고, 나머지는
#   모두 CPU에 있습니다.

# %%
examples = {
    "torch.tensor(nested list)": torch.tensor([[1, 2, 3], [4, 5, 6]]),
    "torch.zeros(2, 3)": torch.zeros(2, 3),
    "torch.ones(2, 3, dtype=float64)": torch.ones(2, 3, dtype=torch.float64),
    "torch.arange(0, 10, 2)": torch.arange(0, 10, 2),
    "torch.rand(2, 3, 4)": torch.rand(2, 3, 4),
    "torch.randn(3, 3, device=device)": torch.randn(3, 3, device=device),
}
for name, tensor in examples.items():
    print(
        f"{name:<34} dtype={str(tensor.dtype):<14} "
        f"shape={str(tuple(tensor.shape)):<10} ndim={tensor.ndim} "
        f"device={tensor.device}"
    )

# %% [markdown]
# ## 기본 연산과 인덱싱
#
# 산술 연산자는 원소별(elementwise)로 작동합니다. 자료형에 주의할 곳이
# 하나 있습니다. `/`는 정수 텐서끼리 나누어도 언제나 실수 결과를 돌려주고,
# 정수 결과가 필요하면 `//`를 씁니다. 인덱싱과 슬라이싱은 NumPy와 같은
# 문법이며, 불리언 마스크(boolean mask)로 인덱싱하면 조건을 만족하는
# 원소만 모은 1차원 텐서가 나옵니다.

# %%
x = torch.tensor([[1, 2, 3], [4, 5, 6]])
print("x + 10   ->", (x + 10).tolist())
print("x * x    ->", (x * x).tolist())
print("x / 2    ->", (x / 2).tolist(), (x / 2).dtype)
print("x // 2   ->", (x // 2).tolist(), (x // 2).dtype)
print("x[1]     ->", x[1].tolist())
print("x[:, 1]  ->", x[:, 1].tolist())
print("x[x > 2] ->", x[x > 2].tolist())

# %% [markdown]
# ## 장치 사이의 이동
#
# `.to(device)`는 텐서를 지정한 장치로 복사하고, `.cpu()`는 CPU로 다시
# 가져옵니다. 텐서가 이미 그 장치에 있으면 복사하지 않고 원래 텐서를 그대로
# 돌려줍니다. 연산에 쓰는 텐서는 모두 같은 장치에 있어야 하며, CPU 텐서와
# GPU 텐서를 섞어 계산하면 `RuntimeError`가 납니다(0차원 CPU 텐서는 스칼라로
# 취급되므로 예외입니다). 아래 출력의 첫 줄은
# 텐서가 거쳐 간 장치를, 둘째 줄은 왕복한 뒤에도 값이 그대로인지를
# 보여 줍니다.

# %%
x_dev = x.to(device)
back = x_dev.cpu()
print(x.device, "->", x_dev.device, "->", back.device)
print("same values after the round trip:", torch.equal(x, back))

# %% [markdown]
# ## 브로드캐스팅: RGB 이미지를 휘도로
#
# 이미지는 보통 (채널, 높이, 너비), 즉 `(C, H, W)` 모양의 텐서로 다룹니다.
# 내려받을 파일 없이 텐서 연산만으로 작은 합성 이미지 두 장을 만들겠습니다.
#
# - 첫 번째 이미지: 빨강은 왼쪽에서 오른쪽으로, 초록은 위에서 아래로
#   밝아지고, 파랑은 대각선 줄무늬입니다. 시드를 고정한 약간의 잡음(noise)을
#   더합니다.
# - 두 번째 이미지: 순수한 빨강, 초록, 파랑, 흰색 막대 네 개입니다.
#
# 첫 번째 이미지를 만드는 데 이미 브로드캐스팅(broadcasting)이 쓰입니다.
# `(H, 1)` 모양의 세로 좌표 `ys`와 `(1, W)` 모양의 가로 좌표 `xs`를 더하면
# `(H, W)` 모양의 격자가 나옵니다. 브로드캐스팅은 두 텐서의 모양을
# **오른쪽 끝 차원부터** 비교합니다. 짝지어진 두 크기가 같거나 둘 중
# 하나가 1이면(또는 한쪽에 그 차원이 아예 없으면) 계산할 수 있고, 크기 1인
# 차원은 상대의 크기만큼 늘어난 것처럼 계산됩니다. 이때 실제로 데이터를
# 복사하지는 않습니다.
#
# 셀에는 새 함수가 세 개 나옵니다. `torch.linspace(0, 1, n)`은 0부터 1까지
# 같은 간격의 값 `n`개를 만듭니다. `expand(H, W)`는 이렇게 늘리는 일을 직접
# 하며, 복사하지 않고 `(H, W)` 크기의 뷰를 돌려줍니다. `clamp(0, 1)`은 0보다
# 작은 값을 0으로, 1보다 큰 값을 1로 잘라 색 값으로 쓸 수 있는 범위에
# 맞춥니다.

# %%
H, W = 64, 96
ys = torch.linspace(0, 1, H).unsqueeze(1)  # (H, 1)
xs = torch.linspace(0, 1, W).unsqueeze(0)  # (1, W)
red = xs.expand(H, W)
green = ys.expand(H, W)
blue = 0.5 + 0.5 * torch.sin(12 * (xs + ys))  # (H, W)
noise = 0.03 * torch.randn(3, H, W)
img = (torch.stack([red, green, blue]) + noise).clamp(0, 1)

bars = torch.zeros(3, H, W)
bar_w = W // 4
for channel in range(3):
    bars[channel, :, channel * bar_w:(channel + 1) * bar_w] = 1.0
bars[:, :, 3 * bar_w:] = 1.0

print("ys:", tuple(ys.shape), " xs:", tuple(xs.shape))
print("xs + ys:", tuple((xs + ys).shape))
print("img:", tuple(img.shape), img.dtype)
print("bars:", tuple(bars.shape), bars.dtype)

# %% [markdown]
# 컬러 이미지를 흑백으로 바꿀 때는 세 채널을 단순히 평균하지 않습니다.
# 사람의 눈은 초록에 가장 민감하고 파랑에 가장 둔하기 때문에, 이를 반영한
# 가중치로 가중합을 구합니다. 여기서는 Rec. 709(sRGB) 기본색의
# 휘도(luminance) 가중치 `[0.2126, 0.7152, 0.0722]`를 씁니다.
#
# 가중치의 모양은 `(3,)`이고 이미지는 `(3, H, W)`입니다. 그대로 곱하면
# 가중치의 크기 3이 이미지의 맨 오른쪽 차원인 너비 `W`와 짝지어져 오류가
# 납니다. 출력된 오류 메시지가 바로 그 짝짓기 실패를 설명합니다.
# `unsqueeze(-1)`를 두 번 적용해 `(3, 1, 1)`로 만들면 크기 3이 채널 차원과
# 짝지어지고, 크기 1인 두 차원은 `H`와 `W`로 늘어납니다. 곱한 뒤 채널
# 차원으로 더하면 `(H, W)` 모양의 휘도 이미지가 됩니다.
#
# 채널 차원은 `dim=0`이 아니라 `dim=-3`(뒤에서 세 번째)으로 지정했습니다.
# 그러면 같은 코드가 배치 `(N, 3, H, W)`에도 그대로 작동합니다. 마지막 줄은
# 채널마다 따로 곱해 더한 결과와 같은지 확인합니다.

# %%
weights = torch.tensor([0.2126, 0.7152, 0.0722])
print("weights:", tuple(weights.shape))
try:
    img * weights
except RuntimeError as err:
    print("img * weights fails:", err)

w = weights.unsqueeze(-1).unsqueeze(-1)
gray = (img * w).sum(dim=-3)
print("w:", tuple(w.shape))
print("img:", tuple(img.shape), "-> gray:", tuple(gray.shape))

by_hand = weights[0] * img[0] + weights[1] * img[1] + weights[2] * img[2]
print("same as the per-channel sum:", torch.allclose(gray, by_hand))

# %% [markdown]
# 두 이미지를 `torch.stack`으로 쌓으면 `(2, 3, H, W)` 모양의 배치가 됩니다.
# `(3, 1, 1)` 가중치를 이 배치에 곱하면, 가중치는 앞에 크기 1인 차원이
# 붙은 `(1, 3, 1, 1)`처럼 취급됩니다. 반복문 없이 두 장을 한 번에
# 변환합니다.
#
# 출력에서 배치의 첫 번째 결과가 앞에서 한 장만 변환한 결과와 같은지,
# 그리고 색 막대 네 개의 회색 값이 각각 무엇인지 확인할 수 있습니다.
# 순수한 색 막대의 회색 값은 그 채널의 가중치와 같고, 흰색 막대는 세
# 가중치의 합입니다.

# %%
batch = torch.stack([img, bars])
batch_gray = (batch * w).sum(dim=-3)
print("batch:", tuple(batch.shape), "-> gray:", tuple(batch_gray.shape))
print("first image as before:", torch.allclose(batch_gray[0], gray))
bar_values = batch_gray[1, 0, ::bar_w].tolist()
print("gray value of each bar:", [round(v, 4) for v in bar_values])

# %% [markdown]
# matplotlib의 `imshow`는 컬러 이미지를 `(H, W, 3)` 순서로 받기 때문에
# `permute(1, 2, 0)`로 채널 차원을 맨 뒤로 보냅니다. `permute`도 데이터를
# 옮기지 않고 읽는 순서만 바꿉니다. 아래쪽 막대 그림에서 세 색 막대는 모두
# 자기 채널의 값이 똑같이 1인데도, 흑백으로 바꾸면 초록 막대가 빨강보다
# 훨씬 밝고 파랑 막대는 거의 검게 보입니다.

# %%
fig, axes = plt.subplots(2, 2, figsize=(8, 5.6))
for row in range(2):
    axes[row, 0].imshow(batch[row].permute(1, 2, 0))
    axes[row, 0].set_title(f"batch[{row}]: RGB")
    axes[row, 1].imshow(batch_gray[row], cmap="gray", vmin=0, vmax=1)
    axes[row, 1].set_title(f"batch[{row}]: luminance")
    axes[row, 0].set_ylabel("height (pixels)")
for ax in axes[1]:
    ax.set_xlabel("width (pixels)")
fig.suptitle("Luminance by broadcasting: (2, 3, H, W) * (3, 1, 1)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## NumPy와 메모리 공유
#
# `torch.from_numpy()`와 `.numpy()`는 데이터를 복사하지 않습니다. 텐서와
# NumPy 배열이 같은 메모리를 가리키므로 한쪽을 바꾸면 다른 쪽도 바뀝니다.
# 이것을 메모리 공유(memory sharing)라고 합니다. 반면 `torch.tensor()`는
# 언제나 복사본을 만듭니다.
#
# 아래 코드는 두 텐서를 만든 **뒤에** 배열의 첫 원소를 바꿉니다. 어느
# 텐서에 그 변경이 보이는지, `np.shares_memory`와 메모리 주소
# (`data_ptr()`) 비교가 무엇을 알려 주는지 살펴볼 수 있습니다.

# %%
arr = np.arange(5, dtype=np.float32)
shared = torch.from_numpy(arr)
copied = torch.tensor(arr)
arr[0] = 100.0
print("numpy array:      ", arr)
print("torch.from_numpy: ", shared)
print("torch.tensor:     ", copied)
print("shares memory with arr?")
print("  from_numpy  :", np.shares_memory(arr, shared.numpy()))
print("  torch.tensor:", np.shares_memory(arr, copied.numpy()))
print("  same address:", shared.data_ptr() == arr.ctypes.data)

# %% [markdown]
# 반대 방향도 마찬가지입니다. `.numpy()`로 얻은 배열은 텐서와 메모리를
# 공유하므로, 텐서를 제자리(in-place) 연산 `add_`로 바꾸면 배열에도 그
# 변화가 보입니다. 이름 끝의 밑줄 `_`은 텐서를 제자리에서 바꾸는 연산이라는
# 표시입니다.
#
# 두 가지를 더 기억해 두면 좋습니다.
#
# - NumPy의 기본 실수 자료형은 `float64`이고 PyTorch의 기본은
#   `float32`입니다. `from_numpy`는 자료형을 그대로 유지하므로, 모델에
#   넣기 전에 `.float()`로 바꾸는 일이 흔합니다. 마지막 두 줄의 출력이 이
#   차이를 보여 줍니다.
# - `.numpy()`는 CPU 텐서에만 쓸 수 있습니다. GPU에 있는 텐서는 먼저
#   `.cpu()`로 가져와야 하며, 그렇게 만든 배열은 GPU의 텐서와 메모리를
#   공유하지 않는 복사본입니다.

# %%
ones = torch.ones(3)
ones_np = ones.numpy()
ones.add_(1)
print("tensor after add_: ", ones)
print("the .numpy() array:", ones_np)
from_float64 = torch.from_numpy(np.arange(3.0))
print("from_numpy(np.arange(3.0)).dtype:", from_float64.dtype)
print("torch.get_default_dtype():       ", torch.get_default_dtype())

# %% [markdown]
# ## view, reshape, 그리고 연속성
#
# 텐서는 실제 숫자가 일렬로 담긴 저장소(storage)와, 그 저장소를 어떤
# 모양으로 읽을지에 대한 정보로 이루어져 있습니다. 스트라이드(stride)는
# 각 차원의 인덱스를 1 늘릴 때 저장소에서 몇 칸을 건너뛰는지를 나타냅니다.
# 원소가 행 우선(row-major) 순서로 빈틈없이 놓여 있으면 그 텐서를
# 연속(contiguous)이라고 하고, 이 성질을 연속성(contiguity)이라고 합니다.
#
# `.t()`로 하는 전치(transpose)는 숫자를 옮기지 않고 모양과 스트라이드만
# 바꿉니다. 출력에서 전치한 뒤 스트라이드의 두 값이 자리를 바꾸고,
# `is_contiguous()`가 `False`가 되며, 저장소는 원본과 그대로 공유한다는 점을
# 확인할 수 있습니다.

# %%
m = torch.arange(12).reshape(3, 4)
mt = m.t()
for name, tensor in [("m", m), ("m.t()", mt)]:
    print(
        f"{name:<6} shape={tuple(tensor.shape)} stride={tensor.stride()} "
        f"contiguous={tensor.is_contiguous()} "
        f"shares storage with m={tensor.data_ptr() == m.data_ptr()}"
    )

# %% [markdown]
# `view`는 언제나 원본과 저장소를 공유하는 새 모양을 돌려주고, 그렇게 할 수
# 없으면 오류를 냅니다. 연속이 아닌 `m.t()`를 1차원으로 펴려면 원소를 새
# 순서로 다시 늘어놓아야 하므로 `view`는 실패합니다. `reshape`는 가능하면
# `view`처럼 저장소를 공유하고, 불가능하면 데이터를 복사합니다. 그래서
# `reshape`는 언제나 성공하지만, 결과가 원본과 메모리를 공유하는지는 입력에
# 따라 달라집니다. `.contiguous()`는 연속이 아닌 텐서를 연속인 새 텐서로
# 복사합니다.
#
# 결과를 통해 원본을 고쳐야 한다면 공유가 보장되는 `view`를, 모양만 바꾸면
# 충분하다면 `reshape`를 쓰는 것이 좋습니다.

# %%
print("m.view(2, 6) shares storage:", m.view(2, 6).data_ptr() == m.data_ptr())
try:
    mt.view(12)
except RuntimeError as err:
    print("mt.view(12) fails:", err)
flat = mt.reshape(12)
print("mt.reshape(12):", flat.tolist())
print("mt.reshape(12) shares storage:", flat.data_ptr() == m.data_ptr())
fixed = mt.contiguous()
print(
    "mt.contiguous(): stride", fixed.stride(),
    "contiguous", fixed.is_contiguous(),
)

# %% [markdown]
# ## CPU와 가속기의 행렬 곱셈 속도
#
# 이제 행렬 곱셈(matrix multiplication)의 속도를 재 봅니다. 여러 크기
# `n`에 대해 `n × n` 행렬 두 개를 곱하는 시간을 측정합니다.
# `measure`는 먼저 몇 번 워밍업(warm-up)으로 실행해서 첫 호출에만 드는
# 비용(CUDA 초기화, 메모리 할당 등)을 빼고, 매번 장치를 동기화하면서
# 반복해 잰 다음 그 중앙값(median)을 돌려줍니다. 작은 행렬은 한 번의 곱셈이
# 매우 짧아서 시계와 동기화 비용에 묻히기 쉽습니다. 그래서 `number`로 한
# 번의 측정 안에서 곱셈을 여러 번 연달아 실행하고 평균을 냅니다. 크기가
# 작을수록 더 많이 묶습니다(`number`는 `n³`에 반비례).
#
# GPU 같은 가속기(accelerator)가 있으면 CPU와 가속기를 모두 재고, 없으면
# CPU만 잽니다. 어느 경우인지는 출력과 그래프 제목에 나타납니다. 텐서는
# 처음부터 측정할 장치에서 만들기 때문에 장치 사이의 복사 시간은 포함되지
# 않습니다.
#
# 아래 출력의 `accelerator:` 줄은 이 페이지를 빌드한 컴퓨터에 무엇이 있었는지
# 알려 줍니다. `none (cpu only)`라고 나오면 표와 그래프에는 CPU만 나오고, CPU
# 자신과 비교한 `vs cpu` 열은 언제나 1.0x입니다. 가속기의 행과 곡선은 GPU가 있는
# 컴퓨터에서 이 노트북을 실행할 때 나타나며, 그 수치는 그 컴퓨터에서 잰 값입니다.
#
# `n × n` 행렬 곱셈은 곱셈과 덧셈을 합쳐 약 `2n³`번의 부동소수점 연산을
# 하므로, `2n³`을 걸린 시간으로 나누면 초당 연산량(GFLOP/s)을 얻습니다.
# 표의 `vs cpu` 열은 같은 크기에서 CPU보다 몇 배 빠른지를 나타냅니다.

# %%
sizes = [64, 128, 256, 512, 1024]
devices = [torch.device("cpu")]
if device.type != "cpu":
    devices.append(device)
accelerator = "none (cpu only)" if device.type == "cpu" else str(device)
print("accelerator:", accelerator)
print("timing on:", ", ".join(str(dev) for dev in devices))


def time_matmul(n, dev):
    a = torch.randn(n, n, device=dev)
    b = torch.randn(n, n, device=dev)
    number = max(1, 2**24 // n**3)
    return measure(lambda: a @ b, dev, repeats=5, warmup=3, number=number)


medians = {}
for dev in devices:
    medians[str(dev)] = [time_matmul(n, dev).median for n in sizes]

header = ["n", "device", "median ms", "GFLOP/s", "vs cpu"]
print("\n{:>6} {:>8} {:>10} {:>9} {:>7}".format(*header))
for i, n in enumerate(sizes):
    for name, seconds in medians.items():
        gflops = 2 * n**3 / seconds[i] / 1e9
        speedup = medians["cpu"][i] / seconds[i]
        print(
            f"{n:>6} {name:>8} {seconds[i] * 1e3:>10.3f} "
            f"{gflops:>9.1f} {speedup:>6.1f}x"
        )

# %% [markdown]
# 두 그래프 모두 축이 로그 눈금입니다. 왼쪽은 곱셈 한 번에 걸린 시간,
# 오른쪽은 초당 연산량입니다. 다음을 살펴볼 만합니다.
#
# - `n`이 두 배가 되면 연산량은 여덟 배가 됩니다. CPU의 경우 큰 `n`에서
#   시간이 이 비율에 가깝게 늘어나는지 확인할 수 있습니다.
# - 작은 행렬에서는 초당 연산량이 낮습니다. 계산 자체보다 함수 호출 같은
#   고정 비용이 시간의 대부분을 차지하기 때문입니다.
# - 직접 실행한 컴퓨터에 가속기가 있다면 두 곡선이 어디서 벌어지기 시작하는지
#   보십시오. GPU는 작업 하나를 시작하는 데 드는 고정 비용이 있어서, 작은
#   행렬에서는 CPU보다 별로 빠르지 않거나 오히려 느릴 수 있고, 행렬이 클수록
#   차이가 커집니다.
# - 수치는 컴퓨터마다 다릅니다. CPU 코어 수, 선형대수 라이브러리(BLAS),
#   GPU 종류가 모두 결과에 영향을 줍니다.

# %%
fig, (ax_time, ax_rate) = plt.subplots(1, 2, figsize=(9, 3.8))
for name, seconds in medians.items():
    ms = [s * 1e3 for s in seconds]
    gflops = [2 * n**3 / s / 1e9 for n, s in zip(sizes, seconds)]
    ax_time.plot(sizes, ms, marker="o", label=name)
    ax_rate.plot(sizes, gflops, marker="o", label=name)
ax_time.set_title("Time per matmul")
ax_time.set_ylabel("median time (ms, log scale)")
ax_rate.set_title("Throughput, $2n^3$ / time")
ax_rate.set_ylabel("GFLOP/s (log scale)")
for ax in (ax_time, ax_rate):
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(sizes, [str(n) for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel("matrix size n (n x n @ n x n)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
fig.suptitle(f"Matrix multiplication, accelerator: {accelerator}")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 동기화가 필요한 이유
#
# CUDA와 MPS의 GPU 연산은 비동기(asynchronous)로 실행됩니다. `a @ b`를
# 호출하면 Python은 GPU가 할 일을 대기열(queue)에 넣기만 하고, 계산이
# 끝나기를 기다리지 않고 곧바로 다음 줄로 넘어갑니다. 그래서
# `time.perf_counter()`를 연산 앞뒤에 그냥 두면 계산 시간이 아니라 작업을
# 대기열에 넣는 데 걸린 시간을 재게 됩니다. 제대로 재려면 시계를 읽기 전에
# 장치의 작업이 모두 끝나기를 기다려야 하는데, 이것을 동기화
# (synchronization)라고 합니다. `Stopwatch`와 `measure`는 측정의 시작과
# 끝에서 `synchronize(device)`를 호출합니다.
#
# 아래 셀은 `device`에서 `1024 × 1024` 행렬 곱셈 열 번을 세 가지 방법으로
# 잽니다. 동기화 없이 `perf_counter`만 쓰는 방법, `Stopwatch`, 그리고
# `measure`입니다.

# %%
n = 1024
a = torch.randn(n, n, device=device)
b = torch.randn(n, n, device=device)


def ten_matmuls():
    for _ in range(10):
        c = a @ b
    return c


ten_matmuls()
synchronize(device)
start = time.perf_counter()
ten_matmuls()
naive = time.perf_counter() - start

with Stopwatch(device) as sw:
    ten_matmuls()
timing = measure(ten_matmuls, device, repeats=3, warmup=0)

print(f"device: {device}")
print(f"naive perf_counter: {naive * 1e3:9.3f} ms")
print(f"Stopwatch:          {sw.elapsed * 1e3:9.3f} ms")
print(f"measure:            {timing.median * 1e3:9.3f} ms (median)")
print(f"Stopwatch / naive:  {sw.elapsed / naive:9.1f}x")

# %% [markdown]
# CPU에서는 연산이 호출 안에서 끝나기 때문에 세 방법의 결과가 비슷하고,
# 마지막 줄의 비율도 1에 가깝습니다. 같은 셀을 GPU에서 실행하면 동기화하지
# 않은 첫 번째 값이 나머지 두 값보다 훨씬 작게 나옵니다. 그 값은 작업을
# 대기열에 넣은 시간일 뿐, 계산 시간이 아닙니다.
#
# 동기화는 눈에 보이지 않는 곳에서도 일어납니다. `print(c)`, `.item()`,
# `.cpu()`처럼 GPU의 값을 CPU로 가져오는 연산은 계산이 끝날 때까지
# 기다리므로, 시간을 잘못 재면 정작 느린 연산이 아니라 값을 가져오는 줄이
# 느려 보입니다. GPU 코드의 시간은 언제나 동기화하는 도구로 재야 합니다.

# %% [markdown]
# ## 정리
#
# - 텐서를 만든 뒤에는 `dtype`, `shape`, `ndim`, `device`를 확인합니다.
# - 브로드캐스팅은 모양을 오른쪽 끝 차원부터 맞춥니다. `unsqueeze`로 크기
#   1인 차원을 넣어 어느 차원끼리 짝지을지 정합니다.
# - `torch.from_numpy`와 `.numpy()`는 메모리를 공유하고, `torch.tensor`는
#   복사합니다.
# - `view`는 저장소를 공유할 때만 성공하고, `reshape`는 필요하면
#   복사합니다. 전치 같은 연산은 텐서를 연속이 아니게 만듭니다.
# - 장치는 `get_device()`로 고르고, GPU 연산의 시간은 동기화해서 잽니다.
#
# 각 개념의 자세한 설명은 강의
# [W1.1 텐서, NumPy 그리고 GPU](../lectures/w1-1-tensors.md)에 있습니다.
