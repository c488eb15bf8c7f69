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
# # 실습: 헌법으로 학습하는 트랜스포머와 LSTM
#
# 강의 4.3 「[어텐션과 트랜스포머](../lectures/w4-3-transformer.md)」의 `TinyTransformer`를
# 대한민국 헌법 텍스트의 글자로 학습하는 실습입니다. 파라미터 수가 거의 같은 LSTM을 같은 배치로
# 같은 걸음 수만큼 학습해 검증 손실을 비교하고, 앞 글자 하나만 보는 바이그램 모델을
# 기준선(baseline)으로 둡니다. 학습한 트랜스포머로 온도와 top-k를 바꿔 가며 글자를 뽑고,
# 마지막으로 어텐션 가중치를 열지도(heatmap)로 그려 각 헤드가 어디를 보는지 봅니다.
#
# 이 페이지의 출력과 그래프는 사이트를 빌드할 때 노트북을 실제로 실행해서 얻은 결과입니다.
# 손실과 뽑은 글은 시드를 고정했으므로 같은 컴퓨터에서는 매번 같지만, CPU가 다르면 마지막
# 자리가 조금 달라질 수 있습니다. 학습 시간은 컴퓨터와 그때의 부하에 따라 달라집니다.

# %% [markdown]
# ## 실행 환경과 데이터
#
# 헌법 말뭉치를 읽어 [4.2 강의](../lectures/w4-2-rnn.md#char-lm)와 같이 나눕니다. 글자의 앞 90%가
# 학습, 뒤 10%가 검증입니다. 어휘는 말뭉치 전체의 글자로 만들어 검증에만 나오는 글자도 번호를
# 갖게 합니다. 문맥 길이 `BLOCK`은 32글자, 배치는 32개, 학습은 모델마다 300걸음입니다. 학습 글이
# 1만 7천 자뿐이라 드롭아웃이 없으면 금방 과적합하므로(4.2 실습의 LSTM은 검증 손실이 가장 낮은
# 점을 지나 다시 올랐습니다), 두 모델 모두 드롭아웃 0.2(`DROPOUT`)를 씁니다. 검증에는 검증 글을
# `BLOCK`칸씩 겹치지 않게 자른 창(`val_windows`)을 모두 써서, 검증 글의 글자를 한 번씩만
# 예측합니다. 이 실습의 모델은 작아서 스레드를 여럿 쓰면 일을 나누고 서로 기다리는(동기화)
# 시간이 계산 시간보다 커지므로, 스레드를 하나만 씁니다. 스레드가 하나이므로 아래의 학습 시간
# 비교는 한꺼번에 계산하는 트랜스포머의 장점을 살리지 못합니다.

# %%
import math
import time

import matplotlib.pyplot as plt
import torch
from torch.nn import functional as F
from torch.utils.data import DataLoader, RandomSampler, Subset

from torchbasics.data import CharDataset, CharTokenizer, load_korean_corpus
from torchbasics.devices import environment_report
from torchbasics.models import SequenceModel, TinyTransformer, TransformerConfig

print(environment_report())
torch.set_num_threads(1)

BLOCK, BATCH, STEPS, EVAL_EVERY, LR, DROPOUT = 32, 32, 300, 50, 3e-3, 0.2

text = load_korean_corpus("kolaw")
n_train = int(0.9 * len(text))
train_text, val_text = text[:n_train], text[n_train:]
tokenizer = CharTokenizer.from_text(text)
V = tokenizer.vocab_size
train_set = CharDataset(train_text, tokenizer, BLOCK)
val_set = CharDataset(val_text, tokenizer, BLOCK)
# validation: non-overlapping windows, every character predicted once
val_windows = Subset(val_set, range(0, len(val_set), BLOCK))
x_val, y_val = next(iter(DataLoader(val_windows, batch_size=len(val_windows))))
print(f"{len(text)} characters: {len(train_text)} train, {len(val_text)} validation")
print(f"vocabulary: {V} tokens; validation windows: {tuple(x_val.shape)}")
print("validation starts with:", repr(val_text[:40]))

# %% [markdown]
# ## 기준선: 바이그램
#
# 앞 글자 하나만 보고 다음 글자를 맞히는 모델입니다. 학습 글에서 글자 쌍의 수를 세어 행마다
# 나누면 조건부 확률표가 되고, 학습에 없던 쌍도 확률이 0이 되지 않도록 모든 칸에 작은 수
# `alpha`를 더합니다. 이것을 가산 평활(additive smoothing)이라고 합니다. 검증 손실은 검증 글의
# 각 글자에 이 표가 준 확률의 음의 로그를 평균한 값, 곧 모델들과 같은 교차 엔트로피입니다.
# 균등 분포의 손실 `ln V`도 함께 출력합니다.

# %%
train_ids = tokenizer.encode_tensor(train_text)
val_ids = tokenizer.encode_tensor(val_text)
counts = torch.zeros(V, V)
counts.index_put_((train_ids[:-1], train_ids[1:]), torch.ones(len(train_ids) - 1),
                  accumulate=True)


def bigram_loss(alpha):
    probs = (counts + alpha) / (counts + alpha).sum(dim=1, keepdim=True)
    return -probs[val_ids[:-1], val_ids[1:]].log().mean().item()


ALPHAS = (1.0, 0.1, 0.03, 0.01, 0.001)
for alpha in ALPHAS:
    print(f"bigram, alpha={alpha}: validation loss {bigram_loss(alpha):.3f}")
bigram = min(bigram_loss(alpha) for alpha in ALPHAS)
print(f"uniform over {V} tokens: {math.log(V):.3f}")

# %% [markdown]
# 출력은 U자 모양입니다. `alpha`가 크면 본 적 없는 쌍에 확률을 너무 많이 나눠 주고(1.0에서
# 3.760), 작으면 본 적 없는 쌍이 나올 때 손실이 크게 튑니다(0.001에서 3.342). 가장 좋은 값은
# 0.03(3.081)이고, 아래에서는 이 값을 기준선으로 씁니다. 검증 글로 `alpha`를 고른 것이므로
# 기준선에 조금 유리한 비교입니다. 4.2 강의의 바이그램은 `alpha`가 0.1이었고, 위의 0.1 줄과 같은
# 값입니다.

# %% [markdown]
# ## 파라미터 수가 같은 두 모델
#
# 트랜스포머는 강의와 같이 층 2개, 헤드 4개, 너비 64입니다. LSTM은 `SequenceModel`에
# `cell="lstm"`, `task="regress"`를 주어 위치마다 다음 글자의 로짓을 내게 하고, 임베딩 64에
# 은닉 크기 112로 파라미터 수를 트랜스포머의 ±10% 안에 맞춥니다. 두 모델의 파라미터 중 상당
# 부분은 어휘 크기에 비례하는 임베딩과 출력 층입니다.
#
# 수가 같다고 조건이 같은 것은 아닙니다. 아래 출력의 마지막 세 줄이 그 차이를 보여 줍니다. 같은
# 드롭아웃 비율이 트랜스포머에서는 일곱 곳(임베딩, 그리고 블록마다 어텐션 가중치와 두 잔차
# 가지)에 걸리지만, 층이 하나인 LSTM에서는 출력 층 앞 한 곳에만 걸립니다. 파라미터가 나뉘는
# 방식도 달라서, 블록의 파라미터는 트랜스포머가 약 10만 개, LSTM의 순환 층이 약 8만 개이고, 출력
# 층은 LSTM 쪽이 더 큽니다. 두 모델은 학습률도 어느 쪽에 맞춘 것이 아닌 하나를 함께 쓰고, 초기화
# 방식도 다릅니다.

# %%
torch.manual_seed(0)
config = TransformerConfig(vocab_size=V, block_size=BLOCK, n_layer=2, n_head=4, n_embd=64,
                           dropout=DROPOUT)
gpt = TinyTransformer(config)
torch.manual_seed(0)
lstm = SequenceModel(64, 112, V, cell="lstm", task="regress", vocab_size=V,
                     dropout=DROPOUT)


def count(model):
    return sum(p.numel() for p in model.parameters())


print(f"TinyTransformer: {count(gpt):,} parameters")
print(f"LSTM:            {count(lstm):,} parameters "
      f"({count(lstm) / count(gpt) - 1:+.1%})")
assert abs(count(lstm) / count(gpt) - 1) <= 0.10
print(f"in the blocks:   TinyTransformer {count(gpt.blocks):,}, LSTM layer {count(lstm.rnn):,}")
print(f"output layer:    TinyTransformer {count(gpt.lm_head):,}, LSTM {count(lstm.head):,}")


def dropouts(model):
    return sum(isinstance(m, torch.nn.Dropout) for m in model.modules())


print(f"dropout layers:  TinyTransformer {dropouts(gpt)}, LSTM {dropouts(lstm)}")

# %% [markdown]
# ## 같은 배치, 같은 걸음 수로 학습
#
# 두 모델은 같은 시드의 샘플러로 같은 배치들을 같은 순서로 받고, 같은 옵티마이저(AdamW,
# 학습률 `LR`)로 같은 걸음 수만큼 학습합니다. `EVAL_EVERY`걸음마다 검증 창 전체의 손실을
# 계산합니다. 학습 루프는 [1.2 강의](../lectures/w1-2-linear-regression.md#training-loop)의 네
# 단계 그대로이고, 두 모델의 차이는 로짓을 얻는 방법 하나입니다.

# %%
def batches(seed=0):
    sampler = RandomSampler(train_set, replacement=True, num_samples=STEPS * BATCH,
                            generator=torch.Generator().manual_seed(seed))
    return DataLoader(train_set, batch_size=BATCH, sampler=sampler)


def val_loss(forward):
    with torch.no_grad():
        return F.cross_entropy(forward(x_val).reshape(-1, V), y_val.reshape(-1)).item()


def train(model, forward):
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR)
    history = {"step": [], "train": [], "val": []}
    seconds = 0.0
    for step, (x, y) in enumerate(batches(), start=1):
        started = time.perf_counter()
        model.train()
        loss = F.cross_entropy(forward(x).reshape(-1, V), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        seconds += time.perf_counter() - started
        if step % EVAL_EVERY == 0:
            model.eval()
            history["step"].append(step)
            history["train"].append(loss.item())
            history["val"].append(val_loss(forward))
    return history, seconds


runs = {
    "TinyTransformer": train(gpt, lambda x: gpt(x)[0]),
    "LSTM": train(lstm, lstm),
}
for name, (history, seconds) in runs.items():
    print(f"{name:15s} validation loss {history['val'][-1]:.3f} "
          f"(best {min(history['val']):.3f}), {STEPS} steps in {seconds:.1f} s")
    print(f"{'':15s} every {EVAL_EVERY} steps:", [round(v, 2) for v in history["val"]])
print(f"{'bigram':15s} validation loss {bigram:.3f}")
best = min(runs, key=lambda name: runs[name][0]["val"][-1])
print("lower validation loss after", STEPS, "steps:", best)
ratio = runs["TinyTransformer"][1] / runs["LSTM"][1]
print(f"training time, TinyTransformer / LSTM: {ratio:.1f}")

# %% [markdown]
# 아래 그래프는 두 모델의 검증 손실(실선)과 마지막 배치의 학습 손실(점선)을 걸음 수에 따라,
# 바이그램 기준선(회색 선)과 함께 그립니다. 점선은 드롭아웃이 켜진 학습 모드에서 배치 하나로 잰
# 값이라, 실선과의 간격은 대략적인 지표일 뿐입니다.

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
for i, (name, (history, _)) in enumerate(runs.items()):
    ax.plot(history["step"], history["val"], color=f"C{i}", marker="o", label=f"{name} (val)")
    ax.plot(history["step"], history["train"], color=f"C{i}", linestyle=":",
            label=f"{name} (train batch)")
ax.axhline(bigram, color="gray", label="bigram (val)")
ax.set_xlabel("training step")
ax.set_ylabel("cross-entropy (nats per character)")
ax.set_title("Character LM on kolaw: same parameters, same steps")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# 300걸음 뒤에는 LSTM이 앞섭니다. 위 출력에서 LSTM의 검증 손실은 글자당 2.759 내트로
# 트랜스포머의 2.971보다 낮고, 둘 다 바이그램 기준선 3.081보다 낮습니다. 앞 글자 하나가 아니라
# 문맥 32글자를 쓰기 때문입니다. 두 곡선은 교차합니다. 처음에는 트랜스포머가 더 빨리 배우지만(50걸음에서
# 3.42 대 3.74), 100걸음과 150걸음 사이에서 LSTM이 앞지릅니다. 트랜스포머의 검증 손실은
# 250걸음(2.95) 뒤로 멈추고 300걸음에서 2.97로 조금 오르지만, LSTM의 손실은 마지막 걸음까지
# 내려갑니다(2.81에서 2.76). 시드 하나, 검증 글 1,889자로 얻은 결과이므로 "이 규모에서는 LSTM이
# 적어도 뒤지지 않는다" 정도로 읽으십시오. 앞의 조건 차이(드롭아웃이 걸리는 곳, 함께 쓰는 학습률)도
# 트랜스포머에 불리하게 작용했을 수 있습니다.
#
# 걸음 수는 같아도 걸린 시간은 다릅니다. 위 출력의 마지막 줄이 트랜스포머의 학습 시간이 LSTM의
# 몇 배인지 보여 줍니다. 이 빌드에서는 트랜스포머가 더 오래 걸렸습니다. 스레드 하나로는
# 위치들을 "한꺼번에" 계산하는 이점이 없고, 글자 하나에 드는 곱셈 수는 두 모델이 비슷합니다.
# 길이 32에서 위치 쌍마다 계산하는 어텐션 점수는 그중 작은 부분입니다. 차이를 만드는 것은 작은
# 연산의 수입니다. 트랜스포머는 블록마다 층 정규화, 드롭아웃, 소프트맥스 같은 작은 연산을 여럿
# 부르지만, `nn.LSTM`은 전체를 한 번의 호출로 계산합니다.
#
# 더 학습하면 어떻게 될까요? 트랜스포머의 검증 손실은 이미 멈췄으므로 걸음 수만 늘리면 곧 다시
# 오를 것입니다. 학습 글이 1만 7천 자뿐이라 글 자체를 외워 가기 때문입니다. 검증 글이 말뭉치의
# 마지막 10%라서 학습에 없는 장(부칙 포함)이 들어 있는 것도 학습 손실과의 간격을 키웁니다. 더
# 나아지려면 드롭아웃이나 가중치 감쇠를 키우는 것보다, 더 큰 말뭉치(`load_korean_corpus("kobill")`을
# 더하는 식)가 효과적입니다. 트랜스포머가 LSTM을 분명히 앞서는 것은 보통 데이터가 이보다 몇
# 자릿수 크고 문맥이 길 때입니다.

# %% [markdown]
# ## 온도와 top-k로 글자 뽑기
#
# 학습한 트랜스포머에 제1조의 첫 부분 `제1조 ① 대한민국은`을 말뭉치에 적힌 그대로(① 뒤에
# 띄어쓰기) 주고 글자 60개를 뽑습니다. 온도가 낮으면 헌법에 자주 나오는 표현을 되풀이하고,
# 높으면 드문 글자가 섞여 알아보기 어려워집니다. top-k는 온도가 높을 때 터무니없는 글자를 걸러
# 줍니다. 생성기에 시드를 주었으므로 다시 실행해도 같은 글이 나옵니다. 네 경우 모두 같은 시드를
# 쓰므로 같은 난수가 나오고, 그래서 분포가 충분히 달라지기 전까지 처음 몇 글자가 겹칠 수 있습니다.
# 이 문장은 학습 글에 들어 있지만, 모델은 "민주공화국이다"로 잇지 않습니다. 글을 통째로 외운
# 것이 아니라 자주 나오는 글자 패턴을 배운 것입니다.

# %%
prompt = tokenizer.encode_tensor("제1조 ① 대한민국은").unsqueeze(0)  # (1, T)
for temperature, top_k in [(0.5, None), (1.0, None), (1.5, None), (1.5, 5)]:
    out = gpt.generate(prompt, 60, temperature=temperature, top_k=top_k,
                       generator=torch.Generator().manual_seed(0))
    sample = tokenizer.decode(out[0]).replace("\n", " / ")
    print(f"temperature={temperature}, top_k={top_k}:\n  {sample}")

# %% [markdown]
# ## 어텐션 가중치 열지도
#
# `CausalSelfAttention`은 어텐션 가중치를 돌려주지 않으므로, 각 블록의 어텐션 층에 들어가는
# 입력(층 정규화를 거친 잔차 스트림)을 [2.1 강의](../lectures/w2-1-python.md#lambda-and-map)의
# 포워드 훅(forward hook)으로 붙잡아 강의의 식으로 가중치를 다시 계산합니다. 훅을 반복문에서
# 등록하므로 lambda의 기본 인자 `layer=layer`로 그때의 층 번호를 고정합니다. 2.1 강의의 늦은
# 바인딩을 피하는 방법 그대로입니다. 검증 글의 한 조각 32글자를 넣고, 층 2개 × 헤드 4개의
# `(32, 32)` 가중치 행렬을 그립니다. 행은 쿼리(지금 위치), 열은 키(보는 위치)이고, 인과 마스크
# 때문에 대각선 위는 모두 0입니다. matplotlib의 기본 글꼴에는 한글이 없어 축에는 위치 번호를
# 적고, 번호별 글자는 아래 코드 셀이 출력합니다. 코드 셀은 헤드마다 평균적으로 몇 칸 뒤를
# 보는지와, 쿼리 3부터 31까지가 첫 세 키(조각의 첫 글자들)에 주는 가중치의 평균도 출력합니다.
# 마지막 줄은 모든 키를 고르게 보는 어텐션이 낼 값입니다.

# %%
start = val_text.index("제1")
piece = val_text[start : start + BLOCK]
idx = tokenizer.encode_tensor(piece).unsqueeze(0)  # (1, T)
inputs = {}
hooks = [block.attn.register_forward_hook(
    lambda module, args, output, layer=layer: inputs.__setitem__(layer, args[0]))
    for layer, block in enumerate(gpt.blocks)]
gpt.eval()
with torch.no_grad():
    gpt(idx)
for hook in hooks:
    hook.remove()


def attention_weights(attn, h):  # h: (1, T, C), what the attention layer received
    B, T, C = h.shape
    def heads(t):
        return t.view(B, T, attn.n_head, attn.head_size).transpose(1, 2)
    q, k = heads(attn.query(h)), heads(attn.key(h))  # (1, nh, T, hs)
    scores = q @ k.transpose(-2, -1) / math.sqrt(attn.head_size)
    scores = scores.masked_fill(~attn.mask[:T, :T], float("-inf"))
    return scores.softmax(dim=-1)[0]  # (nh, T, T)


with torch.no_grad():
    weights = [attention_weights(block.attn, inputs[layer])
               for layer, block in enumerate(gpt.blocks)]
print(" ".join(f"{i}:{c!r}" for i, c in enumerate(piece)))
back = (torch.arange(BLOCK).unsqueeze(1) - torch.arange(BLOCK)).float()  # i - j


def summary(w):  # w: (heads, T, T) -> two lists, one number per head
    mean_back = (w * back).sum(dim=-1).mean(dim=-1)  # mean distance looked back
    first3 = w[:, 3:, :3].sum(dim=-1).mean(dim=-1)  # weight on keys 0-2 (queries 3+)
    return [round(d, 2) for d in mean_back.tolist()], [round(f, 2) for f in first3.tolist()]


for layer, w in enumerate(weights):
    print(f"layer {layer}: distance back, weight on first 3 keys:", *summary(w))
causal = torch.tril(torch.ones(BLOCK, BLOCK))
print("uniform attention would give:", *summary((causal / causal.sum(-1, keepdim=True))[None]))

# %%
fig, axes = plt.subplots(2, 4, figsize=(10, 5.4))
for layer, w in enumerate(weights):
    for head in range(config.n_head):
        ax = axes[layer, head]
        image = ax.imshow(w[head], cmap="viridis", vmin=0, vmax=1)
        ax.set_title(f"layer {layer}, head {head}", fontsize=9)
        ax.set_xticks(range(0, BLOCK, 8))
        ax.set_yticks(range(0, BLOCK, 8))
        ax.tick_params(labelsize=7)
        if layer == 1:
            ax.set_xlabel("key position", fontsize=8)
        if head == 0:
            ax.set_ylabel("query position", fontsize=8)
fig.colorbar(image, ax=axes, shrink=0.8, label="attention weight")
fig.suptitle("Attention weights of the trained TinyTransformer")
plt.show()

# %% [markdown]
# 위 출력에서 0층의 헤드들은 평균 3.57–4.98칸 뒤를 봅니다. 고르게 보는 어텐션의 7.75칸보다 가까운
# 곳, 주로 바로 앞 몇 글자를 보는 것입니다. 1층의 헤드들은 7.27–8.78칸으로 고르게 보는 경우와
# 비슷하고, 헤드 0과 2는 첫 세 키에 가중치를 0.31과 0.39만큼 모읍니다(고르게 보면 0.23). 같은
# 층의 헤드끼리는 평균 거리가 비슷하고, 뚜렷한 차이는 층 사이에 있습니다. 헤드 사이의 차이는
# 무늬에서 납니다. 그림을 읽을 때 두 가지에 주의하십시오. 맨 윗줄(쿼리 0)은 볼 수 있는 키가
# 자기 하나뿐이라 어느 헤드든 왼쪽 위 칸이 1입니다. 학습한 것이 아니라 마스크가 정한 값입니다.
# 또 첫 위치에 가중치를 몰아 두는 것은 학습된 어텐션에 흔한 습관이고, 학습 때 조각이 아무
# 데서나 시작하므로 그 글자들이 중요하다는 뜻은 아닙니다. 몇백 걸음만 학습한 작은 모델이라
# 무늬가 뚜렷하지 않지만, 헤드마다 따로 무늬를 가질 수 있다는 것이 멀티헤드 어텐션의 요점입니다.

# %% [markdown]
# ## 정리
#
# - 헌법 텍스트 글자의 앞 90%로 학습하고 뒤 10%로 검증했습니다. 파라미터 수를 ±10% 안에 맞춘
#   `TinyTransformer`와 LSTM을 같은 배치, 같은 걸음 수로 학습했습니다. 300걸음 뒤의 검증
#   손실은 LSTM이 가장 낮고, 트랜스포머, 바이그램 기준선 순이었습니다. 트랜스포머는 처음에
#   앞섰지만 250걸음 뒤로 멈췄고, 드롭아웃과 학습률 조건은 두 모델에 같지 않았습니다. 스레드
#   하나에서는 트랜스포머가 더 오래 걸렸습니다.
# - 온도는 분포의 날카로움을, top-k는 꼬리를 조절합니다.
# - 어텐션 가중치를 포워드 훅과 강의의 식으로 다시 계산했습니다. 0층은 가까운 글자를, 1층은 더
#   넓게 또는 조각의 첫 글자들을 보았습니다.
#
# 각 개념의 설명과 연습 문제는 강의 [4.3 어텐션과 트랜스포머](../lectures/w4-3-transformer.md)에
# 있습니다.
