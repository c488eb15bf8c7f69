"""Precision, recall and F1 from predicted labels, per class or averaged."""

from __future__ import annotations

from typing import Literal

import torch

from torchbasics._validation import check_choice, check_positive_int
from torchbasics.metrics._checks import check_binary_labels, class_count, label_pair

__all__ = ["f1_score", "precision", "recall"]

_AVERAGES = ("binary", "macro", "micro", "weighted")


def _score(
    kind: str,
    y_pred: torch.Tensor,
    y_true: torch.Tensor,
    average: str,
    num_classes: int | None,
) -> float:
    """Compute precision, recall or F1 per class from counts, then average."""
    check_choice(average, "average", _AVERAGES)
    if num_classes is not None:
        num_classes = check_positive_int(num_classes, "num_classes")
    y_pred, y_true = label_pair(y_pred, y_true)
    if average == "binary":
        if num_classes not in (None, 2):
            raise ValueError(f"average='binary' needs num_classes=2 or None, got {num_classes}")
        check_binary_labels(y_pred, y_true)
        num_classes = 2
    size = class_count(y_pred, y_true, num_classes)
    # Three counts per class (the diagonal, column sums and row sums of the
    # confusion matrix, without building its C x C entries):
    predicted = torch.bincount(y_pred, minlength=size)  # predicted as the class
    support = torch.bincount(y_true, minlength=size)  # truly of the class
    true_positives = torch.bincount(y_true[y_pred == y_true], minlength=size)
    numerator, denominator = {
        "precision": (true_positives, predicted),
        "recall": (true_positives, support),
        # F1 = 2PR / (P + R) = 2TP / (2TP + FP + FN) = 2TP / (predicted + support)
        "f1": (2 * true_positives, predicted + support),
    }[kind]

    if average == "binary":  # class 1 is the positive class
        numerator, denominator = numerator[1], denominator[1]
    elif average == "micro":  # pool the counts of all classes, then divide once
        numerator, denominator = numerator.sum(), denominator.sum()
    dtype = torch.float32 if support.device.type == "mps" else torch.float64
    numerator, denominator = numerator.to(dtype), denominator.to(dtype)
    # zero_division=0: a class never predicted (precision) or never present
    # (recall) scores 0.0 instead of 0/0 = nan.
    score = torch.where(denominator > 0, numerator / denominator.clamp(min=1), 0.0)
    if average == "macro":
        # Like scikit-learn, average over the classes seen in y_true or y_pred,
        # or over all num_classes classes when the caller names them.
        seen = (predicted + support) > 0 if num_classes is None else slice(None)
        score = score[seen].mean()
    elif average == "weighted":
        score = (score * support).sum() / support.sum()
    return score.item()


def precision(
    y_pred: torch.Tensor,
    y_true: torch.Tensor,
    *,
    average: Literal["binary", "macro", "micro", "weighted"] = "binary",
    num_classes: int | None = None,
) -> float:
    """Of the samples predicted as a class, the fraction that truly belong to it.

    Precision is `TP / (TP + FP)`: high when the model rarely raises a false
    alarm. `average` says how classes are combined, as in scikit-learn:

    - `"binary"`: precision of class `1`; labels must be 0 and 1.
    - `"macro"`: the plain mean of the per-class precisions; every class
      counts the same, however rare.
    - `"micro"`: pool the counts of all classes first; for single-label
      multi-class data this equals the accuracy.
    - `"weighted"`: the mean of the per-class precisions weighted by how many
      samples of each class `y_true` holds.

    A class that is never predicted has no precision (0/0): it scores `0.0`,
    like scikit-learn's `zero_division=0`, and a macro average still counts it.

    Args:
        y_pred: Predicted class labels, e.g. from
            [`predict_labels`][torchbasics.metrics.predict_labels]: whole
            numbers `>= 0` of any integer, bool or floating dtype.
        y_true: True class labels, likewise.
        average: `"binary"`, `"macro"`, `"micro"` or `"weighted"`.
        num_classes: Number of classes `C`, labelled `0` to `C - 1`. `None`
            makes `"macro"` average over the classes that occur in `y_true`
            or `y_pred`, as scikit-learn does; given, `"macro"` averages over
            all `C` classes, and a class that occurs nowhere scores `0.0`.

    Returns:
        Precision in `[0, 1]`, as a Python float.

    Raises:
        TypeError: An input is not a tensor, `num_classes` is not an int or
            `average` is not a string.
        ValueError: `average` is unknown; a shape is wrong; an input is
            empty; the inputs hold different numbers of samples or live on
            different devices; a label is not a whole number `>= 0`, is
            `>= num_classes`, or is above 1 with `average="binary"`.

    Shape:
        - y_pred, y_true: `(N,)` or `(N, 1)`

    Examples:
        >>> import torch
        >>> from torchbasics.metrics import precision
        >>> y_true = torch.tensor([0, 1, 1, 1, 0])
        >>> y_pred = torch.tensor([1, 1, 0, 1, 0])
        >>> precision(y_pred, y_true)  # 2 of the 3 predicted 1s are right
        0.6666666666666666
        >>> y_true = torch.tensor([0, 1, 2, 2])
        >>> y_pred = torch.tensor([0, 2, 2, 2])  # class 1 is never predicted
        >>> precision(y_pred, y_true, average="macro")  # (1 + 0 + 2/3) / 3
        0.5555555555555555
    """
    return _score("precision", y_pred, y_true, average, num_classes)


def recall(
    y_pred: torch.Tensor,
    y_true: torch.Tensor,
    *,
    average: Literal["binary", "macro", "micro", "weighted"] = "binary",
    num_classes: int | None = None,
) -> float:
    """Of the samples of a class, the fraction the model predicted as that class.

    Recall is `TP / (TP + FN)`: high when the model rarely misses a sample of
    the class. `average` combines classes as in
    [`precision`][torchbasics.metrics.precision]; `"weighted"` recall equals
    the accuracy, and so does `"micro"`.

    A class that never occurs in `y_true` has no recall (0/0): it scores
    `0.0`, like scikit-learn's `zero_division=0`.

    Args:
        y_pred: Predicted class labels, e.g. from
            [`predict_labels`][torchbasics.metrics.predict_labels]: whole
            numbers `>= 0` of any integer, bool or floating dtype.
        y_true: True class labels, likewise.
        average: `"binary"`, `"macro"`, `"micro"` or `"weighted"`.
        num_classes: Number of classes `C`; see
            [`precision`][torchbasics.metrics.precision].

    Returns:
        Recall in `[0, 1]`, as a Python float.

    Raises:
        TypeError: An input is not a tensor, `num_classes` is not an int or
            `average` is not a string.
        ValueError: As for [`precision`][torchbasics.metrics.precision].

    Shape:
        - y_pred, y_true: `(N,)` or `(N, 1)`

    Examples:
        >>> import torch
        >>> from torchbasics.metrics import recall
        >>> y_true = torch.tensor([0, 1, 1, 1, 0])
        >>> y_pred = torch.tensor([1, 1, 0, 1, 0])
        >>> recall(y_pred, y_true)  # 2 of the 3 true 1s are found
        0.6666666666666666
        >>> recall(y_pred, y_true, average="macro")  # (1/2 + 2/3) / 2
        0.5833333333333333
    """
    return _score("recall", y_pred, y_true, average, num_classes)


def f1_score(
    y_pred: torch.Tensor,
    y_true: torch.Tensor,
    *,
    average: Literal["binary", "macro", "micro", "weighted"] = "binary",
    num_classes: int | None = None,
) -> float:
    """Score the harmonic mean of precision and recall, `2PR / (P + R)`.

    F1 is high only when both precision and recall are. Per class it is
    computed as `2TP / (2TP + FP + FN)`, which equals `2PR / (P + R)` and is
    `0.0` when the class is neither present nor predicted (scikit-learn's
    `zero_division=0`). `"macro"` and `"weighted"` average the per-class F1
    scores (not the F1 of the averaged precision and recall), as in
    scikit-learn; see [`precision`][torchbasics.metrics.precision] for the
    meaning of each `average`.

    Args:
        y_pred: Predicted class labels, e.g. from
            [`predict_labels`][torchbasics.metrics.predict_labels]: whole
            numbers `>= 0` of any integer, bool or floating dtype.
        y_true: True class labels, likewise.
        average: `"binary"`, `"macro"`, `"micro"` or `"weighted"`.
        num_classes: Number of classes `C`; see
            [`precision`][torchbasics.metrics.precision].

    Returns:
        F1 score in `[0, 1]`, as a Python float.

    Raises:
        TypeError: An input is not a tensor, `num_classes` is not an int or
            `average` is not a string.
        ValueError: As for [`precision`][torchbasics.metrics.precision].

    Shape:
        - y_pred, y_true: `(N,)` or `(N, 1)`

    Examples:
        >>> import torch
        >>> from torchbasics.metrics import f1_score
        >>> y_true = torch.tensor([0, 1, 1, 1, 0])
        >>> y_pred = torch.tensor([1, 1, 0, 1, 0])
        >>> f1_score(y_pred, y_true)
        0.6666666666666666
        >>> f1_score(torch.tensor([0, 2, 2, 2]), torch.tensor([0, 1, 2, 2]),
        ...          average="weighted")
        0.65
    """
    return _score("f1", y_pred, y_true, average, num_classes)
