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
# # 실습: 순환 신경망으로 예측하고 생성하기
#
# 강의 4.2 「[순환 신경망](../lectures/w4-2-rnn.md)」의 내용을 실제로 돌려 보는
# 실습입니다. 먼저 RNN, GRU, LSTM의 파라미터 수와 속도를 비교하고, 첫 입력까지
# 돌아오는 기울기를 시퀀스 길이에 따라 그립니다. 다음으로 마우나로아의 CO2 주간
# 측정값을 세 셀로 한 주 앞까지 예측해 계절 단순 예측, 단순 예측, Holt-Winters와
# 같은 시험 구간에서 비교합니다. 마지막으로 대한민국헌법으로 문자 단위 LSTM 언어
# 모델을 학습해 검증 손실을 유니그램·바이그램 모델과 견주고, 은닉 상태를 이어 가며
# 글자를 하나씩 뽑아 문장을 생성합니다.
#
# 이 페이지의 출력과 그래프는 사이트를 빌드할 때 노트북을 실제로 실행해서 얻은
# 결과입니다. 속도 비율은 컴퓨터마다 다르고, 나머지 숫자는 시드를 고정했으므로 같은
# 환경에서 다시 실행하면 같게 나옵니다.

# %% [markdown]
# ## 실행 환경 확인
#
# 필요한 것을 불러오고 실행 환경을 출력합니다. 이 실습의 모델은 아주 작아서, 계산
# 스레드를 여럿 쓰면 스레드끼리 일을 나누고 서로 기다리는 비용이 계산보다 큽니다.
# 그래서 `torch.set_num_threads(1)`로 스레드를 하나만 씁니다. 이 설정은 프로세스
# 전체에 걸리지만, 노트북은 자기 커널에서 따로 돌므로 괜찮습니다. 강의의 예제는
# 독자의 세션과 모든 페이지의 테스트 프로세스에서 돌기 때문에 이 설정을 쓰지 않습니다.

# %%
import time
import warnings

import matplotlib.pyplot as plt
import torch
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.holtwinters import ExponentialSmoothing
from torch import nn

from torchbasics.data import (CharDataset, CharTokenizer, load_co2_series,
                              load_co2_windows, load_korean_corpus, split)
from torchbasics.devices import environment_report
from torchbasics.models import SequenceModel

print(environment_report())
# One thread for the whole kernel. This is process-wide, which is fine here: the
# notebook runs in its own kernel. (The lecture's examples leave it alone, since
# they run in the reader's session and in the test process of every page.)
torch.set_num_threads(1)  # these models are tiny: one thread is fastest

# %% [markdown]
# ## 파라미터와 속도
#
# CO2 창과 같은 모양의 배치(64개 시퀀스, 52단계)로 순전파와 역전파를 20번 하고, 한
# 번에 걸린 CPU 시간을 RNN의 몇 배인지로 나타냅니다. 파라미터 비율(1 : 3 : 4)은
# 정확하지만 속도 비율은 구현에 달려 있습니다. CPU의 PyTorch는 float32 LSTM을
# oneDNN 라이브러리의 LSTM 전용으로 최적화된 계산 루틴(커널) 하나로 계산하고 GRU는
# 단계마다 따로 계산하므로, 파라미터가 더 많은 LSTM이 GRU보다 빠를 수도 있습니다.
# (아래의 float64 기울기 측정은 모든 셀이 단계별 경로로 계산합니다.)

# %%
def step_time(Cell, repeats=20):
    """CPU seconds of one forward and backward pass over a batch."""
    torch.manual_seed(0)
    layer = Cell(1, 32, batch_first=True)
    x = torch.randn(64, 52, 1)  # (N, T, F), like the CO2 windows
    start = time.process_time()
    for _ in range(repeats):
        out, _ = layer(x)
        out.sum().backward()
    return (time.process_time() - start) / repeats

cells = {"RNN": nn.RNN, "GRU": nn.GRU, "LSTM": nn.LSTM}
times = {name: step_time(Cell) for name, Cell in cells.items()}
for name, Cell in cells.items():
    params = sum(p.numel() for p in Cell(1, 32).parameters())
    print(f"{name:4} parameters {params:5}  time / RNN's {times[name] / times['RNN']:.1f}x")

# %% [markdown]
# ## 기울기는 길이에 따라 얼마나 남는가
#
# 단계 `T`의 은닉 상태에서 첫 입력까지 돌아온 기울기의 크기(노름)를 길이 1부터
# 100까지, 시드 다섯 개의 중앙값으로 잽니다(시드 하나의 곡선에는 미분이 우연히 상쇄된
# 자리마다 골이 팹니다). 세로축은 로그 눈금입니다. 전진 모드 미분(`torch.func.jvp`)은
# `x_0`을 움직였을 때 모든 은닉 상태가 얼마나 움직이는지를 한 번에 잽니다. `h_T`는
# `T`단계까지의 입력에만 의존하므로, 긴 시퀀스 하나의 앞 `T`단계가 곧 길이 `T`의
# 값입니다. 기본 초기화의 세 셀은 모두 지수적으로 줄어드는 직선이고(GRU와 LSTM이 RNN보다
# 조금 완만합니다), 망각 게이트의 편향을 2 올린 LSTM만 훨씬 완만합니다.

# %%
def gradient_by_length(make, T=100, seeds=range(5)):
    """Median over seeds of |d h_t / d x_0| for every t = 1..T."""
    norms = []
    for seed in seeds:
        torch.manual_seed(seed)
        layer = make().double()
        x = torch.randn(1, T, 1, dtype=torch.float64)
        dx = torch.zeros_like(x)
        dx[0, 0, 0] = 1.0  # move the first input only
        # forward mode: how much every hidden state moves, in one pass
        _, d_out = torch.func.jvp(lambda x: layer(x)[0], (x,), (dx,))
        norms.append(d_out[0].norm(dim=1).detach())  # (T,)
    return torch.stack(norms).median(dim=0).values

def lstm_forget_bias_2():
    lstm = nn.LSTM(1, 16, batch_first=True)
    with torch.no_grad():
        lstm.bias_ih_l0[16:32] += 2.0  # the forget gate's block
    return lstm

# Cell=Cell freezes this loop's class; a bare lambda would see only the last one
makers = {name: (lambda Cell=Cell: Cell(1, 16, batch_first=True))
          for name, Cell in cells.items()}
makers["LSTM, forget bias +2"] = lstm_forget_bias_2
lengths = torch.arange(1, 101)
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, make in makers.items():
    ax.semilogy(lengths, gradient_by_length(make), label=name)
ax.set(xlabel="sequence length T", ylabel="|d h_T / d x_0| (median of 5 seeds)",
       title="Gradient reaching the first input")
ax.legend()
plt.show()

# %% [markdown]
# ## CO2 한 주 앞 예측
#
# 강의와 같은 준비입니다. 창을 시간 순서로 나누고(70/15/15), 농도 대신 주마다의
# 변화량을 학습 부분의 평균과 표준편차로 표준화해 넣습니다. 세 셀을 같은 설정(은닉
# 크기 32, 150단계, 배치 64, Adam)으로 학습하고, 강의의 세 가지 비교 기준과 같은
# 51개 표준화 변화량에 맞춘 선형 회귀를 더한 네 가지 비교 기준과 함께 시험 구간
# 335주의 평균 절대 오차(MAE)를 출력합니다.

# %%
train, val, test = split(load_co2_windows(window=52), shuffle=False)
X, y = train.tensors  # (N, 52, 1), (N, 1), ppm
X_test, y_test = test.tensors
changes = torch.cat([X[..., 0], y], dim=1).diff(dim=1)  # weekly changes
mean, std = changes.mean(), changes.std()  # training part only
changes = (changes - mean) / std
inputs, targets = changes[:, :-1, None], changes[:, 1:]
test_inputs = ((X_test[..., 0].diff(dim=1) - mean) / std)[..., None]

def train_forecaster(cell, steps=150):
    torch.manual_seed(0)
    model = SequenceModel(1, 32, 1, cell=cell, task="regress")
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for step in range(steps):
        batch = torch.randint(len(inputs), (64,))
        loss = nn.functional.mse_loss(model(inputs[batch])[..., 0], targets[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        change = model(test_inputs)[:, -1, 0] * std + mean
    return X_test[:, -1, 0] + change

forecasts = {"seasonal naive": X_test[:, 0, 0], "last week": X_test[:, -1, 0]}
series = load_co2_series().double().numpy()
start = len(series) - len(X_test)  # the first test week
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # optimizer notes
    p = ExponentialSmoothing(series[:start], trend="add", seasonal="add",
                             seasonal_periods=52).fit().params
    hw = ExponentialSmoothing(
        series, trend="add", seasonal="add", seasonal_periods=52,
        initialization_method="known", initial_level=p["initial_level"],
        initial_trend=p["initial_trend"], initial_seasonal=p["initial_seasons"],
    ).fit(smoothing_level=p["smoothing_level"], smoothing_trend=p["smoothing_trend"],
          smoothing_seasonal=p["smoothing_seasonal"], optimized=False)
forecasts["Holt-Winters"] = torch.tensor(hw.fittedvalues[start:]).float()
# linear regression on the same 51 standardized changes, least squares
A = torch.cat([inputs[..., 0], torch.ones(len(inputs), 1)], dim=1)
coef = torch.linalg.lstsq(A, targets[:, -1:]).solution  # predicts the last change
A_test = torch.cat([test_inputs[..., 0], torch.ones(len(test_inputs), 1)], dim=1)
forecasts["linear"] = X_test[:, -1, 0] + (A_test @ coef)[:, 0] * std + mean
for cell in ("rnn", "gru", "lstm"):
    forecasts[cell.upper()] = train_forecaster(cell)
for name, pred in forecasts.items():
    print(f"{name:15} MAE {(pred - y_test[:, 0]).abs().mean():.2f} ppm")

# %% [markdown]
# 세 셀은 모두 단순 예측과 Holt-Winters보다 오차가 작고 셀끼리는 거의 차이가
# 없습니다. 다만 같은 51개 변화량에 맞춘 선형 회귀도 셀들과 약 0.01ppm 차이이므로,
# 이득의 대부분은 1년치 변화량을 입력으로 준 데서 오고 순환 구조 자체의 몫은 작습니다.
# 시드 하나와 서로 강하게 상관된 335주로는 0.01ppm 차이로 순위를 매길 수 없습니다.
# 아래 그래프는
# 시험 구간의 실제 값과 예측입니다. 계절 단순 예측은 모양은 맞지만 1년 동안 오른 만큼
# 늘 아래에 있습니다.

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
weeks = torch.arange(len(y_test))
ax.plot(weeks, y_test[:, 0], color="black", linewidth=2, label="measured")
for name in ("seasonal naive", "Holt-Winters", "GRU"):
    ax.plot(weeks, forecasts[name], label=name, alpha=0.8)
ax.set(xlabel="test week", ylabel="CO2 (ppm)", title="One week ahead, test weeks")
ax.legend()
plt.show()

# %% [markdown]
# ## 한국어 문자 언어 모델
#
# 헌법 텍스트의 **앞 90%를 학습, 뒤 10%를 검증**에 쓰고, 어휘는 전체 텍스트의
# 글자로 만듭니다(4.3 강의도 같은 나눔을 씁니다). 글자를 세어 만든
# 유니그램·바이그램 모델의 검증 손실이 비교 기준입니다(모든 칸에 0.1을 더합니다).

# %%
text = load_korean_corpus("kolaw")
cut = int(len(text) * 0.9)  # first 90% train, last 10% validation
train_text, val_text = text[:cut], text[cut:]
tokenizer = CharTokenizer.from_text(text)  # vocabulary of the whole text
V = tokenizer.vocab_size
train_ids = tokenizer.encode_tensor(train_text)
val_ids = tokenizer.encode_tensor(val_text)
unigram = torch.bincount(train_ids, minlength=V) + 0.1
unigram_loss = -(unigram / unigram.sum()).log()[val_ids[1:]].mean().item()
pairs = torch.zeros(V, V)
pairs.index_put_((train_ids[:-1], train_ids[1:]), torch.ones(len(train_ids) - 1),
                 accumulate=True)
pairs += 0.1
bigram = (pairs / pairs.sum(dim=1, keepdim=True)).log()
bigram_loss = -bigram[val_ids[:-1], val_ids[1:]].mean().item()
print(f"{len(train_ids)} training and {len(val_ids)} validation characters, "
      f"vocabulary {V}")
print(f"unigram {unigram_loss:.2f}, bigram {bigram_loss:.2f}")

# %% [markdown]
# `SequenceModel(cell="lstm", vocab_size=V)`(임베딩 32, 은닉 크기 128)을 64글자짜리
# 조각 32개의 배치로 400단계 학습하며, 50단계마다 검증 텍스트 전체의 손실을 잽니다.
# 시드와 설정이 강의와 같으므로 200단계의 값은 강의의 값과 같습니다.

# %%
torch.manual_seed(0)
model = SequenceModel(32, 128, V, cell="lstm", task="regress", vocab_size=V)
optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
data = CharDataset(train_text, tokenizer, block_size=64)
history = []  # (step, training loss, validation loss)
for step in range(1, 401):
    batch = torch.randint(len(data), (32,))
    x_batch = torch.stack([data[i][0] for i in batch])
    y_batch = torch.stack([data[i][1] for i in batch])
    loss = nn.functional.cross_entropy(model(x_batch).flatten(0, 1), y_batch.flatten())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 50 == 0:
        with torch.no_grad():
            logits = model(val_ids[None, :-1])[0]
        val_loss = nn.functional.cross_entropy(logits, val_ids[1:]).item()
        history.append((step, loss.item(), val_loss))
        print(f"step {step:3}  train {loss.item():.2f}  validation {val_loss:.2f}")
best = min(history, key=lambda h: h[2])
print(f"best validation loss {best[2]:.2f} at step {best[0]}")

# %% [markdown]
# 검증 손실은 100단계 만에 바이그램보다 낮아지지만, 가장 낮은 점을 지나면 다시
# 오릅니다. 학습 배치의 손실은 계속 내려가므로, 약 1만 7천 자뿐인 학습 텍스트를
# 외우기 시작한 것입니다(과적합). 단계를 더 늘려도 검증 손실은 나아지지 않습니다.
# 더 낮추려면 더 많은 텍스트(예: `load_korean_corpus("kobill")`을 더하기), 드롭아웃
# (`SequenceModel(..., dropout=...)`), 그리고 가장 좋은 단계에서 멈추기가 필요합니다.

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
steps, train_losses, val_losses = zip(*history)
ax.plot(steps, train_losses, marker="o", label="LSTM, training batch")
ax.plot(steps, val_losses, marker="o", label="LSTM, validation")
ax.axhline(unigram_loss, color="gray", linestyle=":", label="unigram (counts)")
ax.axhline(bigram_loss, color="gray", linestyle="--", label="bigram (counts)")
ax.set(xlabel="step", ylabel="cross-entropy (nats / character)",
       title="Character language model on kolaw")
ax.legend()
plt.show()

# %% [markdown]
# ## 문장 생성
#
# 언어 모델로 글을 쓰려면 다음 글자의 확률에서 하나를 뽑고, 그 글자를 다시 입력으로
# 넣기를 되풀이합니다. 매번 처음부터 다시 읽는 대신 LSTM의 상태 `(h, c)`를 이어 받아
# 한 단계씩만 계산합니다. `SequenceModel`의 부품(`embedding`, `rnn`, `head`)을 직접
# 부르면 됩니다. 마지막 학습 단계의 모델(조금 과적합된 모델)로 "제1조 " 뒤를
# 120자 생성합니다.

# %%
@torch.no_grad()
def generate(model, prompt, length, seed=0):
    """Sample `length` characters after `prompt`, carrying the LSTM's state."""
    generator = torch.Generator().manual_seed(seed)
    ids = tokenizer.encode_tensor(prompt)[None]  # (1, T)
    out, state = model.rnn(model.embedding(ids))  # read the prompt once
    text = prompt
    for _ in range(length):
        probs = model.head(out[:, -1]).softmax(dim=-1)  # (1, V)
        next_id = torch.multinomial(probs, 1, generator=generator)  # (1, 1)
        text += tokenizer.decode(next_id[0])
        out, state = model.rnn(model.embedding(next_id), state)  # one step
    return text

model.eval()
print(generate(model, "제1조 ", 120))

# %% [markdown]
# 생성된 글은 조항 기호(①), 가운뎃점으로 잇는 낱말, "또는", "경우" 같은 헌법의 말투와
# 띄어쓰기를 흉내 내지만 뜻은 통하지 않습니다. 모델이 보는 것은 글자의 순서뿐이고
# 학습 텍스트도 작기 때문입니다. [다음 강의](../lectures/w4-3-transformer.md#vs-lstm)에서는
# 같은 나눔에서 트랜스포머와, 파라미터 수를 맞춘 LSTM을 비교합니다.
