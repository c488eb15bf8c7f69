"""Count how often each true class was predicted as each class."""

from __future__ import annotations

import torch

from torchbasics._validation import check_positive_int
from torchbasics.metrics._checks import class_count, label_pair

__all__ = ["confusion_matrix"]


def confusion_matrix(
    y_pred: torch.Tensor, y_true: torch.Tensor, num_classes: int | None = None
) -> torch.Tensor:
    """Count how often each true class was predicted as each class.

    Entry `[i, j]` is the number of samples of true class `i` predicted as
    class `j`: rows are true classes, columns predicted ones, as in
    scikit-learn (note the argument order, though: predictions come first
    here, as everywhere in this module). The diagonal holds the correct
    predictions.

    Args:
        y_pred: Predicted class labels, e.g. from
            [`predict_labels`][torchbasics.metrics.predict_labels]: whole
            numbers `>= 0` of any integer, bool or floating dtype.
        y_true: True class labels, likewise.
        num_classes: Number of classes `C`. `None` uses the largest label in
            either tensor plus one, so a class that appears nowhere after the
            largest one is left out; pass it to always get a `C x C` matrix.

    Returns:
        An `int64` tensor of counts on the device of the inputs; its entries
        sum to `N`.

    Raises:
        TypeError: An input is not a tensor, or `num_classes` is not an int.
        ValueError: A shape is wrong, an input is empty, the inputs hold
            different numbers of samples or live on different devices, a
            label is not a whole number `>= 0`, or a label is `>= num_classes`.

    Shape:
        - y_pred, y_true: `(N,)` or `(N, 1)`
        - Output: `(C, C)`

    Examples:
        >>> import torch
        >>> from torchbasics.metrics import confusion_matrix
        >>> y_true = torch.tensor([0, 0, 1, 1, 2])
        >>> y_pred = torch.tensor([0, 1, 1, 1, 0])
        >>> confusion_matrix(y_pred, y_true)
        tensor([[1, 1, 0],
                [0, 2, 0],
                [1, 0, 0]])
        >>> confusion_matrix(y_pred, y_true, num_classes=4).shape
        torch.Size([4, 4])
    """
    if num_classes is not None:
        num_classes = check_positive_int(num_classes, "num_classes")
    y_pred, y_true = label_pair(y_pred, y_true)
    size = class_count(y_pred, y_true, num_classes)
    # Pair (true i, predicted j) gets its own bin i * C + j; counting the bins
    # and folding them into C rows gives the matrix in one vectorised pass.
    bins = torch.bincount(y_true * size + y_pred, minlength=size * size)
    return bins.reshape(size, size)
