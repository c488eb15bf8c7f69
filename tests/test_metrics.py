"""Unit tests of torchbasics.metrics.

Every metric is checked against scikit-learn on random inputs drawn by
hypothesis (binary and multi-class, every `average`, `(N,)` and `(N, 1)`
shapes), then on named edge cases, then for its error messages. The
regression tests draw multiples of 0.25 so that sums are exact in float32 and
float64 alike: a constant column then has exactly zero variance in both
libraries, and the comparison tests the definitions, not rounding.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest
import sklearn.metrics as skm
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from torchbasics import metrics
from torchbasics.metrics import (
    accuracy,
    confusion_matrix,
    f1_score,
    mae,
    mse,
    precision,
    predict_labels,
    r2_score,
    recall,
)

FAST = settings(max_examples=60, deadline=None)

HAS_CUDA = torch.cuda.is_available()
needs_cuda = pytest.mark.skipif(not HAS_CUDA, reason="no CUDA GPU on this machine")

SCORES = {
    "precision": (precision, skm.precision_score),
    "recall": (recall, skm.recall_score),
    "f1_score": (f1_score, skm.f1_score),
}
MULTICLASS_AVERAGES = ["macro", "micro", "weighted"]


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-12, abs=1e-12)


def raises(exc: type[Exception], message: str) -> pytest.RaisesExc[Exception]:
    """Expect ``exc`` whose message contains ``message`` word for word."""
    return pytest.raises(exc, match=re.escape(message))


# --- strategies --------------------------------------------------------------


@st.composite
def label_pairs(
    draw: st.DrawFn, min_classes: int = 2, max_classes: int = 5
) -> tuple[list[int], list[int], int]:
    """Predicted and true labels in ``[0, C - 1]``, and ``C``.

    Small sizes and few classes make the edge cases common: a class that is
    never predicted or never present, a single sample, all right, all wrong.
    """
    num_classes = draw(st.integers(min_classes, max_classes))
    n = draw(st.integers(1, 25))
    labels = st.lists(st.integers(0, num_classes - 1), min_size=n, max_size=n)
    return draw(labels), draw(labels), num_classes


def as_label_tensor(
    values: list[int], column: bool, dtype: torch.dtype
) -> torch.Tensor:
    t = torch.tensor(values, dtype=dtype)
    return t.reshape(-1, 1) if column else t


quarters = st.integers(-40, 40).map(lambda v: v / 4)  # exact in float32 and float64


@st.composite
def regression_pairs(
    draw: st.DrawFn, min_samples: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """``(y_pred, y_true)`` of shape ``(N,)``, ``(N, 1)`` or ``(N, k)``."""
    n = draw(st.integers(min_samples, 20))
    shape = draw(st.sampled_from([(n,), (n, 1), (n, 2), (n, 3)]))
    size = int(np.prod(shape))
    values = st.lists(quarters, min_size=size, max_size=size)
    y_pred = np.array(draw(values)).reshape(shape)
    if draw(st.booleans()):  # the edge cases: constant targets, perfect fits
        constant = draw(st.booleans())
        y_true = np.full(shape, draw(quarters)) if constant else y_pred.copy()
    else:
        y_true = np.array(draw(values)).reshape(shape)
    return y_pred, y_true


# --- accuracy and predict_labels ---------------------------------------------


@FAST
@given(data=st.data())
def test_accuracy_matches_sklearn_for_multiclass_logits(data: st.DataObject) -> None:
    num_classes = data.draw(st.integers(2, 5))
    n = data.draw(st.integers(1, 25))
    logits = data.draw(
        st.lists(
            st.lists(
                st.floats(-5, 5, width=32), min_size=num_classes, max_size=num_classes
            ),
            min_size=n,
            max_size=n,
        )
    )
    classes = st.integers(0, num_classes - 1)
    target = data.draw(st.lists(classes, min_size=n, max_size=n))
    expected = skm.accuracy_score(target, np.array(logits).argmax(axis=1))
    assert accuracy(torch.tensor(logits), torch.tensor(target)) == approx(expected)


@FAST
@given(
    data=st.data(),
    logits_column=st.booleans(),
    target_column=st.booleans(),
    target_dtype=st.sampled_from([torch.int64, torch.float32, torch.bool]),
)
def test_accuracy_matches_sklearn_for_binary_logits(
    data: st.DataObject,
    logits_column: bool,
    target_column: bool,
    target_dtype: torch.dtype,
) -> None:
    n = data.draw(st.integers(1, 25))
    logits = data.draw(st.lists(st.floats(-5, 5, width=32), min_size=n, max_size=n))
    target = data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    expected = skm.accuracy_score(target, np.array(logits) > 0)
    logits_t = torch.tensor(logits)
    if logits_column:
        logits_t = logits_t.reshape(-1, 1)
    target_t = as_label_tensor(target, target_column, target_dtype)
    assert accuracy(logits_t, target_t) == approx(expected)


def test_accuracy_is_one_when_all_correct_and_zero_when_all_wrong() -> None:
    logits = torch.tensor([[3.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 3.0]])
    assert accuracy(logits, torch.tensor([0, 1, 2])) == 1.0
    assert accuracy(logits, torch.tensor([1, 2, 0])) == 0.0


def test_accuracy_of_a_single_sample_is_zero_or_one() -> None:
    assert accuracy(torch.tensor([[0.2, 0.9]]), torch.tensor([1])) == 1.0
    assert accuracy(torch.tensor([[-1.0]]), torch.tensor([[1.0]])) == 0.0


def test_accuracy_treats_two_logit_columns_as_two_classes_not_binary() -> None:
    # (N, 2) is multi-class: argmax, not a threshold at 0 on either column.
    logits = torch.tensor([[-3.0, -1.0], [2.0, 5.0]])
    assert accuracy(logits, torch.tensor([1, 1])) == 1.0


def test_predict_labels_thresholds_binary_logits_at_zero() -> None:
    logits = torch.tensor([[-0.1], [0.0], [1e-6], [4.0]])
    assert predict_labels(logits).tolist() == [0, 0, 1, 1]
    assert predict_labels(logits).dtype == torch.int64
    by_probability = (torch.sigmoid(logits) > 0.5).long().ravel()
    assert torch.equal(predict_labels(logits), by_probability)


def test_predict_labels_takes_the_argmax_of_multiclass_logits_first_on_ties() -> None:
    logits = torch.tensor([[1.0, 3.0, 3.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -0.5]])
    assert predict_labels(logits).tolist() == [1, 0, 2]
    assert torch.equal(predict_labels(logits), logits.softmax(dim=1).argmax(dim=1))


# --- precision, recall, F1 ---------------------------------------------------


def sklearn_scores(
    y_pred: list[int], y_true: list[int], average: str, labels: range | None = None
) -> tuple[float, float, float]:
    """Precision, recall and F1 from one call of the function behind
    `precision_score`, `recall_score` and `f1_score` (three times faster than
    calling each; the named functions themselves are used on the edge cases).
    """
    p, r, f, _ = skm.precision_recall_fscore_support(
        y_true, y_pred, average=average, labels=labels, zero_division=0
    )
    return p, r, f


def our_scores(
    y_pred: torch.Tensor, y_true: torch.Tensor, average: str, num_classes: int | None
) -> tuple[float, float, float]:
    return tuple(
        score(y_pred, y_true, average=average, num_classes=num_classes)
        for score in (precision, recall, f1_score)
    )


@FAST
@pytest.mark.parametrize("average", MULTICLASS_AVERAGES)
@given(pair=label_pairs(min_classes=2, max_classes=5), column=st.booleans())
def test_scores_match_sklearn_for_multiclass_labels(
    average: str, pair: tuple[list[int], list[int], int], column: bool
) -> None:
    y_pred, y_true, num_classes = pair
    pred_t = as_label_tensor(y_pred, column, torch.int64)
    true_t = as_label_tensor(y_true, column, torch.int64)
    # num_classes=C: every class 0..C-1, sklearn's labels=range(C)
    expected = sklearn_scores(y_pred, y_true, average, labels=range(num_classes))
    assert our_scores(pred_t, true_t, average, num_classes) == approx(expected)
    # num_classes=None: the classes seen in either tensor, sklearn's default
    # labels. Only a macro average can tell the two apart.
    if average == "macro":
        expected = sklearn_scores(y_pred, y_true, average)
    assert our_scores(pred_t, true_t, average, None) == approx(expected)


@FAST
@given(
    pair=label_pairs(min_classes=2, max_classes=2),
    column=st.booleans(),
    dtype=st.sampled_from([torch.int64, torch.int32, torch.float32, torch.bool]),
)
def test_scores_match_sklearn_for_binary_labels(
    pair: tuple[list[int], list[int], int], column: bool, dtype: torch.dtype
) -> None:
    y_pred, y_true, _ = pair
    pred_t = as_label_tensor(y_pred, column, dtype)
    true_t = as_label_tensor(y_true, column, dtype)
    expected = sklearn_scores(y_pred, y_true, "binary")
    assert our_scores(pred_t, true_t, "binary", None) == approx(expected)


EDGE_CASES = {
    # name: (y_pred, y_true)
    "class 2 never predicted": ([0, 1, 1, 0], [0, 1, 2, 2]),
    "class 2 never present": ([0, 2, 1, 2], [0, 1, 1, 0]),
    "class 1 neither present nor predicted": ([0, 2, 2], [2, 0, 2]),
    "single sample, right": ([1], [1]),
    "single sample, wrong": ([2], [0]),
    "all correct": ([0, 1, 2, 1], [0, 1, 2, 1]),
    "all wrong": ([1, 2, 0, 0], [0, 1, 2, 2]),
    "one class only": ([0, 0, 0], [0, 0, 0]),
}


@pytest.mark.parametrize("case", EDGE_CASES)
def test_scores_match_sklearn_on_multiclass_edge_cases(case: str) -> None:
    y_pred, y_true = EDGE_CASES[case]
    pred_t, true_t = torch.tensor(y_pred), torch.tensor(y_true)
    for ours, theirs in SCORES.values():
        for average in MULTICLASS_AVERAGES:
            expected = theirs(y_true, y_pred, average=average, zero_division=0)
            assert ours(pred_t, true_t, average=average) == approx(expected)
            expected = theirs(
                y_true, y_pred, average=average, labels=range(4), zero_division=0
            )
            got = ours(pred_t, true_t, average=average, num_classes=4)
            assert got == approx(expected)


BINARY_EDGE_CASES = {
    "class 1 never predicted": ([0, 0, 0], [0, 1, 1]),
    "class 1 never present": ([1, 0, 1], [0, 0, 0]),
    "all zeros": ([0, 0], [0, 0]),
    "single sample, right": ([1], [1]),
    "all wrong": ([1, 0, 1], [0, 1, 0]),
}


@pytest.mark.parametrize("case", BINARY_EDGE_CASES)
def test_scores_match_sklearn_on_binary_edge_cases_given_as_columns(case: str) -> None:
    y_pred, y_true = BINARY_EDGE_CASES[case]
    pred_t = torch.tensor(y_pred).reshape(-1, 1)
    true_t = torch.tensor(y_true).reshape(-1, 1)
    for ours, theirs in SCORES.values():
        expected = theirs(y_true, y_pred, zero_division=0)
        assert ours(pred_t, true_t) == approx(expected)


def test_zero_division_scores_zero_not_nan() -> None:
    never_predicted = torch.tensor([0, 0, 0])
    assert precision(never_predicted, torch.tensor([1, 0, 1])) == 0.0
    assert recall(torch.tensor([1, 0, 1]), never_predicted) == 0.0
    assert f1_score(never_predicted, never_predicted) == 0.0


def test_macro_average_over_num_classes_counts_an_absent_class_as_zero() -> None:
    y = torch.tensor([0, 1, 0, 1])
    assert recall(y, y, average="macro") == 1.0
    assert recall(y, y, average="macro", num_classes=4) == 0.5


def test_micro_scores_and_weighted_recall_equal_accuracy() -> None:
    y_pred, y_true = torch.tensor([0, 2, 1, 1, 2]), torch.tensor([0, 1, 1, 2, 2])
    acc = (y_pred == y_true).float().mean().item()
    for score in (precision, recall, f1_score):
        assert score(y_pred, y_true, average="micro") == pytest.approx(acc)
    assert recall(y_pred, y_true, average="weighted") == pytest.approx(acc)


def test_scores_take_the_labels_predict_labels_makes_from_logits() -> None:
    logits = torch.tensor([[2.0, 0.1, -1.0], [0.2, 0.3, 0.1], [0.0, -1.0, 4.0]])
    y_true = torch.tensor([0, 2, 2])
    expected = skm.f1_score([0, 2, 2], [0, 1, 2], average="macro", zero_division=0)
    assert f1_score(predict_labels(logits), y_true, average="macro") == approx(expected)


# --- confusion matrix --------------------------------------------------------


@FAST
@pytest.mark.filterwarnings("ignore:A single label was found:UserWarning")
@given(pair=label_pairs(min_classes=1, max_classes=6), column=st.booleans())
def test_confusion_matrix_matches_sklearn(
    pair: tuple[list[int], list[int], int], column: bool
) -> None:
    y_pred, y_true, num_classes = pair
    expected = skm.confusion_matrix(y_true, y_pred, labels=range(num_classes))
    got = confusion_matrix(
        as_label_tensor(y_pred, column, torch.int64),
        as_label_tensor(y_true, column, torch.int64),
        num_classes=num_classes,
    )
    assert got.dtype == torch.int64
    assert got.shape == (num_classes, num_classes)
    np.testing.assert_array_equal(got.numpy(), expected)


def test_confusion_matrix_rows_are_true_classes_and_columns_predicted() -> None:
    # one sample of true class 0, predicted as class 2
    got = confusion_matrix(torch.tensor([2]), torch.tensor([0]))
    assert got.tolist() == [[0, 0, 1], [0, 0, 0], [0, 0, 0]]


def test_confusion_matrix_without_num_classes_stops_at_the_largest_label() -> None:
    got = confusion_matrix(torch.tensor([0, 1, 1]), torch.tensor([0, 1, 0]))
    assert got.shape == (2, 2)
    assert got.sum().item() == 3


# --- regression --------------------------------------------------------------


@FAST
@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(mse, skm.mean_squared_error), (mae, skm.mean_absolute_error)],
    ids=["mse", "mae"],
)
@given(pair=regression_pairs(min_samples=1))
def test_mse_and_mae_match_sklearn(
    ours: Callable[..., float],
    theirs: Callable[..., float],
    pair: tuple[np.ndarray, np.ndarray],
) -> None:
    y_pred, y_true = pair
    expected = theirs(y_true, y_pred)
    assert ours(torch.from_numpy(y_pred), torch.from_numpy(y_true)) == approx(expected)
    got32 = ours(torch.from_numpy(y_pred).float(), torch.from_numpy(y_true).float())
    assert got32 == pytest.approx(expected, rel=1e-6, abs=1e-6)


@FAST
@given(pair=regression_pairs(min_samples=2))
def test_r2_score_matches_sklearn(pair: tuple[np.ndarray, np.ndarray]) -> None:
    y_pred, y_true = pair
    expected = skm.r2_score(y_true, y_pred)  # force_finite=True, uniform average
    got = r2_score(torch.from_numpy(y_pred), torch.from_numpy(y_true))
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)
    got32 = r2_score(torch.from_numpy(y_pred).float(), torch.from_numpy(y_true).float())
    assert got32 == pytest.approx(expected, rel=1e-4, abs=1e-5)


def test_regression_metrics_accept_n_and_n_by_1_mixed_without_broadcasting() -> None:
    y_pred, y_true = torch.tensor([1.0, 2.0, 4.0]), torch.tensor([[1.0], [3.0], [3.0]])
    # broadcasting (N,) against (N, 1) would average an (N, N) matrix instead
    assert mse(y_pred, y_true) == pytest.approx(2 / 3)
    assert mae(y_pred, y_true) == pytest.approx(2 / 3)
    assert r2_score(y_pred, y_true) == r2_score(y_pred, y_true.ravel())


def test_regression_metrics_accept_integer_tensors() -> None:
    assert mse(torch.tensor([1, 2, 3]), torch.tensor([1, 2, 5])) == pytest.approx(4 / 3)


def test_r2_score_of_a_constant_target_is_one_if_exact_else_zero() -> None:
    y_true = torch.tensor([2.0, 2.0, 2.0])
    assert r2_score(y_true.clone(), y_true) == 1.0
    assert r2_score(torch.tensor([2.0, 2.0, 2.5]), y_true) == 0.0


def test_r2_score_treats_a_constant_target_exactly_even_when_its_mean_rounds() -> None:
    # In float64, mean([0.1, 0.1, 0.1]) != 0.1, so SS_tot is a tiny positive
    # number rather than 0; R² computed from it would be about -1e30.
    y_true = torch.tensor([0.1, 0.1, 0.1], dtype=torch.float64)
    assert y_true.mean().item() != 0.1
    assert r2_score(torch.tensor([0.1, 0.1, 0.2], dtype=torch.float64), y_true) == 0.0
    assert r2_score(y_true.clone(), y_true) == 1.0


def test_r2_score_scores_each_output_then_averages() -> None:
    y_true = torch.tensor([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    y_pred = torch.tensor([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    assert r2_score(y_pred, y_true) == 1.0
    y_pred[0, 1] = 4.0  # the constant output is now missed: 0.0 for it
    assert r2_score(y_pred, y_true) == 0.5


def test_r2_score_of_a_single_sample_raises() -> None:
    with raises(ValueError, "r2_score needs at least 2 samples, got 1"):
        r2_score(torch.tensor([1.0]), torch.tensor([1.0]))


# --- every device ------------------------------------------------------------


def run_every_metric(device: torch.device) -> None:
    logits = torch.tensor([[2.0, 0.1, -1.0], [0.2, 0.3, 0.1], [0.0, -1.0, 4.0]])
    target = torch.tensor([0, 2, 2])
    logits, target = logits.to(device), target.to(device)
    labels = predict_labels(logits)
    assert labels.device == logits.device
    assert accuracy(logits, target) == pytest.approx(2 / 3)
    assert confusion_matrix(labels, target).device == logits.device
    for score in (precision, recall, f1_score):
        assert isinstance(score(labels, target, average="macro"), float)
    y = torch.tensor([1.0, 2.0, 4.0], device=device)
    for metric in (mse, mae, r2_score):
        assert isinstance(metric(y, y + 1), float)


def test_metrics_compute_on_the_cpu() -> None:
    run_every_metric(torch.device("cpu"))


@needs_cuda
def test_metrics_compute_on_the_gpu() -> None:
    run_every_metric(torch.device("cuda"))


# --- errors ------------------------------------------------------------------


def test_mismatched_lengths_name_both_sizes() -> None:
    message = "y_pred and y_true must have the same number of samples, got 3 and 4"
    with raises(ValueError, message):
        precision(torch.tensor([0, 1, 1]), torch.tensor([0, 1, 1, 0]))
    with raises(ValueError, message):
        mse(torch.zeros(3), torch.zeros(4))
    message = "logits and target must have the same number of samples, got 2 and 3"
    with raises(ValueError, message):
        accuracy(torch.zeros(2, 3), torch.tensor([0, 1, 2]))


def test_multiclass_target_out_of_range_names_the_range_and_the_value() -> None:
    logits = torch.zeros(3, 3)
    message = "target must hold class indices in [0, 2] for 3-class logits, got 3"
    with raises(ValueError, message):
        accuracy(logits, torch.tensor([0, 3, 1]))
    with raises(ValueError, "in [0, 2] for 3-class logits, got -1"):
        accuracy(logits, torch.tensor([0, -1, 1]))


def test_multiclass_target_must_be_integer_class_indices() -> None:
    message = (
        "target for (N, C) logits must hold integer class indices "
        "(as for nn.CrossEntropyLoss), got dtype torch.float32"
    )
    with raises(TypeError, message):
        accuracy(torch.zeros(2, 3), torch.tensor([0.0, 1.0]))
    message = (
        "expected target of shape (N,) holding class indices for (N, C) logits, "
        "got (2, 1)"
    )
    with raises(ValueError, message):
        accuracy(torch.zeros(2, 3), torch.tensor([[0], [1]]))


def test_binary_target_must_hold_only_zeros_and_ones() -> None:
    with raises(ValueError, "target for binary logits must hold only 0 and 1, got 2"):
        accuracy(torch.zeros(3), torch.tensor([0, 1, 2]))
    with raises(ValueError, "must hold only 0 and 1, got 0.9"):
        accuracy(torch.zeros(2, 1), torch.tensor([[0.9], [0.0]]))
    message = "expected target of shape (N,) or (N, 1) for binary logits, got (2, 2)"
    with raises(ValueError, message):
        accuracy(torch.zeros(2), torch.zeros(2, 2))


def test_logits_must_be_floating_point_with_a_known_shape() -> None:
    message = (
        "logits must be a floating-point tensor of raw model outputs, "
        "got dtype torch.int64"
    )
    with raises(TypeError, message):
        accuracy(torch.tensor([0, 1]), torch.tensor([0, 1]))
    message = "expected logits of shape (N,), (N, 1) or (N, C), got (2, 3, 4)"
    with raises(ValueError, message):
        predict_labels(torch.zeros(2, 3, 4))
    with raises(ValueError, "expected logits of shape (N,), (N, 1) or (N, C), got ()"):
        predict_labels(torch.tensor(1.0))


def test_empty_input_raises_value_error() -> None:
    no_labels = torch.tensor([], dtype=torch.long)
    with raises(ValueError, "logits must not be empty, got shape (0, 3)"):
        accuracy(torch.zeros(0, 3), no_labels)
    with raises(ValueError, "y_pred must not be empty, got shape (0,)"):
        f1_score(no_labels, no_labels)
    with raises(ValueError, "y_true must not be empty, got shape (0,)"):
        confusion_matrix(torch.tensor([1]), no_labels)
    with raises(ValueError, "y_pred must not be empty, got shape (0, 2)"):
        r2_score(torch.zeros(0, 2), torch.zeros(0, 2))


def test_non_tensors_are_named_with_their_type() -> None:
    with raises(TypeError, "y_true must be a torch.Tensor, got list"):
        recall(torch.tensor([0, 1]), [0, 1])
    with raises(TypeError, "logits must be a torch.Tensor, got ndarray"):
        accuracy(np.zeros(3), torch.zeros(3))
    with raises(TypeError, "y_pred must be a torch.Tensor, got list"):
        mae([1.0], torch.zeros(1))


def test_labels_must_be_whole_numbers_from_zero_in_a_column() -> None:
    message = (
        "y_pred must hold whole-number class labels, got 0.7; "
        "to turn logits into labels use predict_labels"
    )
    with raises(ValueError, message):
        precision(torch.tensor([0.7, 1.0]), torch.tensor([0, 1]))
    with raises(ValueError, "y_true must hold class labels >= 0, got -1"):
        confusion_matrix(torch.tensor([0, 1]), torch.tensor([-1, 1]))
    message = (
        "expected y_pred of shape (N,) or (N, 1), got (2, 3); "
        "pass class labels, not logits (see predict_labels)"
    )
    with raises(ValueError, message):
        f1_score(torch.zeros(2, 3), torch.tensor([0, 1]), average="macro")
    with raises(TypeError, "y_pred must hold class labels, got dtype torch.complex64"):
        recall(torch.zeros(2, dtype=torch.complex64), torch.tensor([0, 1]))


def test_average_must_be_a_known_name() -> None:
    message = (
        "average must be one of 'binary', 'macro', 'micro', 'weighted', got 'samples'"
    )
    with raises(ValueError, message):
        f1_score(torch.tensor([0, 1]), torch.tensor([0, 1]), average="samples")


def test_binary_average_rejects_multiclass_labels_and_says_what_to_use() -> None:
    message = (
        "average='binary' needs labels 0 and 1, got 2 in y_true; for multi-class "
        "labels use average='macro', 'micro' or 'weighted'"
    )
    with raises(ValueError, message):
        precision(torch.tensor([0, 1, 1]), torch.tensor([0, 2, 1]))
    with raises(ValueError, "average='binary' needs num_classes=2 or None, got 3"):
        recall(torch.tensor([0, 1]), torch.tensor([0, 1]), num_classes=3)


def test_labels_at_or_above_num_classes_are_named() -> None:
    message = "y_true must hold labels in [0, 2] for num_classes=3, got 3"
    with raises(ValueError, message):
        confusion_matrix(torch.tensor([0, 1]), torch.tensor([0, 3]), num_classes=3)
    message = "y_pred must hold labels in [0, 1] for num_classes=2, got 4"
    with raises(ValueError, message):
        f1_score(
            torch.tensor([4, 1]), torch.tensor([0, 1]), average="macro", num_classes=2
        )


@pytest.mark.parametrize(
    ("num_classes", "error", "message"),
    [
        (0, ValueError, "num_classes must be an int >= 1, got 0"),
        (True, TypeError, "num_classes must be an int >= 1, got True (bool)"),
        (2.0, TypeError, "num_classes must be an int >= 1, got 2.0 (float)"),
    ],
)
def test_num_classes_must_be_a_positive_int(
    num_classes: object, error: type[Exception], message: str
) -> None:
    with raises(error, message):
        confusion_matrix(torch.tensor([0]), torch.tensor([0]), num_classes=num_classes)


def test_regression_shapes_must_match_exactly_apart_from_a_column() -> None:
    message = (
        "y_pred and y_true must have the same number of outputs, "
        "got shapes (4, 2) and (4, 3)"
    )
    with raises(ValueError, message):
        mse(torch.zeros(4, 2), torch.zeros(4, 3))
    with raises(ValueError, "got shapes (4, 1) and (4, 2)"):
        r2_score(torch.zeros(4), torch.zeros(4, 2))
    message = "expected y_true of shape (N,), (N, 1) or (N, k), got (2, 2, 2)"
    with raises(ValueError, message):
        mae(torch.zeros(2, 2), torch.zeros(2, 2, 2))
    with raises(TypeError, "y_pred must hold real numbers, got dtype torch.bool"):
        mse(torch.ones(2, dtype=torch.bool), torch.ones(2))


def test_inputs_on_different_devices_are_reported() -> None:
    # the meta device holds shapes but no data: a second device on any machine
    meta = torch.zeros(3, device="meta")
    message = "y_pred and y_true must be on the same device, got meta and cpu"
    with raises(ValueError, message):
        mse(meta, torch.zeros(3))
    message = "logits and target must be on the same device, got cpu and meta"
    with raises(ValueError, message):
        accuracy(torch.zeros(3, 2), torch.zeros(3, dtype=torch.long, device="meta"))


# --- the public API ----------------------------------------------------------


@pytest.mark.parametrize("name", metrics.__all__)
def test_every_public_function_documents_args_shape_and_examples(name: str) -> None:
    doc = getattr(metrics, name).__doc__
    for section in ("Args:", "Returns:", "Raises:", "Shape:", "Examples:"):
        assert section in doc, f"{name} has no {section} section"
