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
# # 실습: 데이터 로더 측정
#
# 강의 2.4 「[데이터셋과 DataLoader: 배치, 샘플러, collate_fn, 데이터의
# 모양](../lectures/w2-4-data.md)」의 내용을 헌법 문장으로 직접 실행하고 재는
# 실습입니다. 먼저 줄의 길이 분포를 그리고, 배치 크기에 따라 패딩(padding)이
# 차지하는 비율이 어떻게 변하는지, 길이순으로 묶으면 얼마나 줄어드는지 봅니다.
# 다음으로 장(章) 제목처럼 드문 줄을 가중 샘플링(weighted sampling)으로 뽑으면
# 배치의 구성이 어떻게 바뀌는지 봅니다. 마지막으로 배치 크기와 워커(worker) 수를
# 바꿔 가며 `DataLoader`가 1초에 내주는 배치 수를 재고 그래프로 그립니다.
#
# 이 페이지의 출력과 그래프는 사이트를 빌드할 때 노트북을 실제로 실행해서 얻은
# 결과입니다. 앞의 두 절의 출력은 어느 컴퓨터에서나 같습니다. 마지막 절의 시간은
# CPU와 그때의 부하에 따라 달라지므로, 빌드한 컴퓨터에서 잰 값을 그대로 보여 줍니다.
# 직접 실행하면 다른 값이 나옵니다.

# %% [markdown]
# ## 실행 환경 확인
#
# 첫 셀은 필요한 것을 모두 불러오고 실행 환경과 CPU 코어 수를 출력합니다. 워커는
# 코어를 메인 프로세스와 나눠 쓰므로, 마지막 절의 결과를 읽을 때 코어 수가
# 필요합니다. 워커의 시작 방식(start method)도 출력합니다. Python 3.13까지 Linux의
# 기본값인 `fork`에서는 노트북에서 정의한 클래스를 워커가 그대로 씁니다. macOS와
# Windows의 `spawn`, Python 3.14 이상 Linux의 `forkserver`에서는 워커가 노트북의
# `LawLines`를 찾지 못해 오류로 멈추므로, 이 셀은 시작 방식이 `fork`일 때만 마지막
# 절에서 워커 1개와 2개를 재도록 `profile_workers`를 정합니다. 그 밖의 시작 방식에서
# 워커를 재려면 클래스를 `.py` 파일로 옮겨 import하십시오.

# %%
import multiprocessing
import os
import re
import time
from functools import partial

import matplotlib.pyplot as plt
import torch
from torch.utils.data import DataLoader, Dataset, WeightedRandomSampler

from torchbasics.data import CharTokenizer, load_korean_corpus, pad_collate
from torchbasics.devices import environment_report

torch.manual_seed(0)
print(environment_report())
print("CPU cores:", os.cpu_count())
print("start method:", multiprocessing.get_start_method())
# workers can load the notebook's classes only when they are forked
fork = multiprocessing.get_start_method() == "fork"
profile_workers = [0, 1, 2] if fork else [0]
print("numbers of workers to profile:", profile_workers)

# %% [markdown]
# ## 헌법 문장의 길이와 패딩
#
# 강의의 [맵 스타일 데이터셋](../lectures/w2-4-data.md#map-style-dataset)과 같은
# 데이터입니다. 헌법의 빈 줄이 아닌 줄마다 샘플 하나이고, 정답은 그 줄이 조문(`제1조`
# 등)으로 시작하는지입니다. `__getitem__`은 불릴 때마다 줄 하나를 토큰 id로
# 바꿉니다. 강의와 달리 줄과 토크나이저를 인자로 받게 해서, 마지막 절에서 줄을 두 번
# 이어 붙인 데이터셋도 같은 클래스로 만듭니다.

# %%
class LawLines(Dataset):
    """Lines of the Constitution: (token ids, 1 if an article starts)."""

    def __init__(self, lines, tokenizer):
        self.lines, self.tokenizer = lines, tokenizer

    def __len__(self):
        return len(self.lines)

    def __getitem__(self, i):
        line = self.lines[i]
        label = int(re.match(r"제\d+조", line) is not None)
        return self.tokenizer.encode_tensor(line), label


text = load_korean_corpus("kolaw")
lines = [s.strip() for s in text.split("\n") if s.strip()]
tokenizer = CharTokenizer.from_text(text)
dataset = LawLines(lines, tokenizer)
collate = partial(pad_collate, padding_value=tokenizer.pad_id)
lengths = torch.tensor([len(s) for s in lines])
print(f"{len(dataset)} lines, vocabulary of {len(tokenizer)} tokens")
print(f"line length: min {lengths.min().item()}, median "
      f"{lengths.median().item()}, max {lengths.max().item()}")

# %% [markdown]
# 패딩의 비율은 한 에포크의 배치에서 패딩 토큰 수를, 패딩을 포함한 배치 텐서의
# 원소 수로 나눈 값입니다.
# 무작위로 섞은 배치(시드를 준 생성기)와, 길이순으로 정렬한 뒤 잘라 만든 배치를
# 배치 크기마다 비교합니다. 길이순 배치는 `batch_sampler=`에 인덱스 묶음을 줍니다.

# %%
def padding_share(loader):
    batches = [ids for ids, _, _ in loader]
    padded = sum((ids == tokenizer.pad_id).sum().item() for ids in batches)
    return padded / sum(ids.numel() for ids in batches)


by_length = sorted(range(len(lines)), key=lambda i: len(lines[i]))
batch_sizes = [1, 4, 16, 64]
shuffled_share, sorted_share = [], []
for batch_size in batch_sizes:
    shuffled = DataLoader(dataset, batch_size=batch_size, shuffle=True,
                          collate_fn=collate,
                          generator=torch.Generator().manual_seed(0))
    buckets = [by_length[i:i + batch_size]
               for i in range(0, len(lines), batch_size)]
    bucketed = DataLoader(dataset, batch_sampler=buckets, collate_fn=collate)
    shuffled_share.append(padding_share(shuffled))
    sorted_share.append(padding_share(bucketed))
    print(f"batch_size {batch_size:3d}: padding {shuffled_share[-1]:.2f} "
          f"shuffled, {sorted_share[-1]:.2f} sorted by length")

fig, (ax_len, ax_pad) = plt.subplots(1, 2, figsize=(11, 4))
ax_len.hist(lengths.numpy(), bins=40, color="tab:blue")
ax_len.set_xlabel("characters per line")
ax_len.set_ylabel("lines")
ax_len.set_title("Lengths of the Constitution's lines")
ax_pad.plot(batch_sizes, shuffled_share, "o-", label="shuffled")
ax_pad.plot(batch_sizes, sorted_share, "s-", label="sorted by length")
ax_pad.set_xscale("log", base=2)
ax_pad.set_xlabel("batch_size")
ax_pad.set_ylabel("share of padding tokens")
ax_pad.set_ylim(0, 1)
ax_pad.set_title("Padding per epoch")
ax_pad.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 왼쪽 그림처럼 짧은 줄이 대부분이고 긴 줄은 드물어, 분포의 꼬리가 오른쪽으로 길게
# 늘어집니다. 무작위 배치는 배치가
# 커질수록 아주 긴 줄이 하나쯤 끼게 되므로 패딩의 비율이 빠르게 커집니다. 배치
# 크기가 1이면 패딩이 없습니다. 길이순으로 묶으면 같은 배치 크기에서 패딩이 훨씬
# 적습니다. 학습에 쓸 때는 배치의 순서를 에포크마다 섞습니다.

# %% [markdown]
# ## 가중 샘플링과 배치의 구성
#
# 헌법의 줄 가운데 장 제목(`제1장 총강` 등)은 아주 적습니다. 그냥 섞은 배치와,
# 가중치를 `1 / (그 그룹의 줄 수)`로 한 `WeightedRandomSampler`의 배치에서 배치마다
# 장 제목이 몇 개인지 셉니다. 두 로더 모두 시드를 준 생성기를 쓰므로 결과는
# 실행할 때마다 같습니다.

# %%
is_heading = torch.tensor([re.match(r"제\d+장", s) is not None for s in lines])
group_sizes = torch.bincount(is_heading.long())
weights = 1.0 / group_sizes[is_heading.long()].double()
print(f"{int(is_heading.sum())} chapter titles among {len(lines)} lines")


def headings_per_batch(loader):
    return [int(is_heading[indices].sum()) for indices in loader]


indices = torch.arange(len(lines))
plain = DataLoader(indices, batch_size=32, shuffle=True,
                   generator=torch.Generator().manual_seed(0))
sampler = WeightedRandomSampler(weights, num_samples=len(lines),
                                generator=torch.Generator().manual_seed(0))
weighted = DataLoader(indices, batch_size=32, sampler=sampler)
plain_counts = headings_per_batch(plain)
weighted_counts = headings_per_batch(weighted)
drawn = torch.cat(list(weighted))
print("chapter titles per batch, shuffled:", plain_counts)
print("chapter titles per batch, weighted:", weighted_counts)
print(f"weighted epoch: {len(drawn.unique())} distinct lines drawn, "
      f"{len(drawn[is_heading[drawn]].unique())} of them chapter titles")

fig, ax = plt.subplots(figsize=(7, 3.6))
positions = torch.arange(len(plain_counts))
ax.bar(positions - 0.2, plain_counts, width=0.4, label="shuffle=True")
ax.bar(positions + 0.2, weighted_counts, width=0.4,
       label="WeightedRandomSampler")
ax.axhline(16, color="gray", linestyle="--", linewidth=1, label="half a batch")
ax.set_xlabel("batch")
ax.set_ylabel("chapter titles in the batch")
ax.set_title("Rare lines per batch of 32")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 그냥 섞으면 장 제목이 대부분의 배치에 하나도 없습니다. 가중 샘플링에서는 배치마다
# 절반 가까이가 장 제목이고(마지막 배치는 24개뿐이어서 점선의 16과 비교할 수
# 없습니다), 그 대신 같은 장 제목이 한 에포크에 여러 번 반복되며
# 다른 줄 가운데 상당수는 그 에포크에 한 번도 뽑히지 않습니다(위 출력의 서로 다른
# 줄 수).

# %% [markdown]
# ## 로더의 속도: 배치 크기와 워커 수
#
# 이제 배치 크기 `batch_size`와 워커 수 `num_workers`를 바꿔 가며 한 에포크를 도는
# 데 걸린 시간을 재고, 1초에 내준 배치 수로 바꿉니다. 시간에는 워커 프로세스를
# 시작하는 비용이 들어 있습니다(`persistent_workers=False`, 기본값). 한 에포크가 너무
# 짧지 않도록 헌법의 줄을 두 번 이어 붙인 데이터셋을 쓰고, 조합마다 두 번 재어 빠른
# 쪽을 씁니다. 다른 프로그램이 잠깐 CPU를 쓴 영향을 줄이기 위해서입니다. 워커를
# 시작하는 데 시간이 들므로 조합의 수는 작게 잡았습니다. 워커 수는 첫 셀에서 정한
# `profile_workers`이고, 시작 방식이 `fork`가 아니면 `num_workers=0`만 잽니다.

# %%
profile_set = LawLines(lines * 2, tokenizer)


def epoch_seconds(batch_size, num_workers):
    loader = DataLoader(profile_set, batch_size=batch_size, shuffle=True,
                        collate_fn=collate, num_workers=num_workers,
                        generator=torch.Generator().manual_seed(0))
    start = time.perf_counter()
    n_batches = sum(1 for _ in loader)
    return time.perf_counter() - start, n_batches


profile_batch_sizes = [8, 32, 128]
rates = {}
for num_workers in profile_workers:
    for batch_size in profile_batch_sizes:
        seconds, n_batches = min(epoch_seconds(batch_size, num_workers)
                                 for _ in range(2))
        rates[num_workers, batch_size] = n_batches / seconds
        print(f"num_workers={num_workers} batch_size={batch_size:3d}: "
              f"{n_batches:3d} batches in {seconds:.3f} s, "
              f"{n_batches / seconds:7.1f} batches/s")

# %% [markdown]
# 아래 그래프의 왼쪽은 초당 배치 수, 오른쪽은 같은 결과를 초당 샘플 수로 바꾼
# 것입니다. 배치 크기가 다르면 배치 하나에 든 일의 양이 다릅니다. 초당 샘플 수는 한
# 에포크에 걸리는 시간에 반비례하므로, 배치 크기끼리 비교할 때는 초당 샘플 수를
# 봅니다. 같은 배치 크기에서 워커 수끼리 비교할 때는 어느 그래프를 보든 결론이
# 같습니다.

# %%
fig, (ax_b, ax_s) = plt.subplots(1, 2, figsize=(11, 4))
for num_workers in profile_workers:
    per_batch = [rates[num_workers, b] for b in profile_batch_sizes]
    per_sample = [r * b for r, b in
                  zip(per_batch, profile_batch_sizes, strict=True)]
    label = f"num_workers={num_workers}"
    ax_b.plot(profile_batch_sizes, per_batch, "o-", label=label)
    ax_s.plot(profile_batch_sizes, per_sample, "o-", label=label)
for ax, what in ((ax_b, "batches"), (ax_s, "samples")):
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("batch_size")
    ax.set_ylabel(f"{what} per second")
    ax.set_title(f"DataLoader throughput ({what}/s, {os.cpu_count()} cores)")
    ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 워커가 이 컴퓨터에서 도움이 되었는지는 아래 셀이 위의 측정값으로 계산해
# 출력합니다. 이 데이터셋의 `__getitem__`은 짧은 문자열 하나를 토큰 id로 바꾸는
# 가벼운 일이라, 워커를 시작하고 배치를 프로세스 사이로 옮기는 비용이 아낀 시간보다
# 클 수 있습니다. 위에 출력한 코어 수가 적다면 워커와 메인 프로세스가 같은 코어를
# 나눠 쓰므로 더욱 그렇습니다. 워커는 `__getitem__`이 파일을 읽거나 이미지를
# 디코딩하는 것처럼 무거울 때, 코어가 넉넉할 때, 그리고 `persistent_workers=True`로
# 시작 비용을 한 번만 치를 때 이득입니다.

# %%
for batch_size in profile_batch_sizes:
    best = max(profile_workers, key=lambda w: rates[w, batch_size])
    line = f"batch_size {batch_size:3d}: fastest with num_workers={best}"
    if 2 in profile_workers:
        ratio = rates[2, batch_size] / rates[0, batch_size]
        line += f"; 2 workers run at {ratio:.2f}x the speed of 0 workers"
    print(line)

# %% [markdown]
# ## 정리
#
# - 줄의 길이가 고르지 않으면 무작위 배치의 패딩은 배치가 클수록 커집니다. 길이순
#   배치(`batch_sampler=`)는 패딩을 크게 줄입니다.
# - 그룹(장 제목인지 아닌지) 크기의 역수를 가중치로 한 `WeightedRandomSampler`는 드문 줄을 배치마다
#   절반 가까이 채우지만, 같은 샘플을 여러 번 반복합니다.
# - 초당 배치 수는 배치 크기와 워커 수에 따라 달라지고, 워커가 이득인지는
#   `__getitem__`의 무게와 코어 수에 달려 있습니다. 자신의 데이터와 컴퓨터에서 재
#   보고 정합니다.
#
# 각 개념의 자세한 설명과 연습 문제는 강의
# [2.4 데이터셋과 DataLoader](../lectures/w2-4-data.md)에 있습니다.
