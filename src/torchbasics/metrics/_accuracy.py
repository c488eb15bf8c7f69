"""Turn logits into class labels, and score them against targets with accuracy."""

from __future__ import annotations

import torch

from torchbasics.metrics._checks import check_logits, check_target

__all__ = ["accuracy", "predict_labels"]


def predict_labels(logits: torch.Tensor) -> torch.Tensor:
    """Turn a model's logits into predicted class labels.

    The shape decides the task:

    - Binary logits, `(N,)` or `(N, 1)`: label `1` where the logit is `> 0`,
      that is where `sigmoid(logit) > 0.5`; a logit of exactly `0` gives `0`.
    - Multi-class logits, `(N, C)` with `C >= 2`: the index of the largest
      logit, which is also the class of highest softmax probability; a tie
      goes to the lowest index.

    No sigmoid or softmax is needed: both are monotonic, so thresholding or
    taking the argmax of the logits gives the same labels as doing it on the
    probabilities.

    Args:
        logits: Raw model outputs (floating point), before any sigmoid or
            softmax.

    Returns:
        Predicted labels as an `int64` tensor on the device of `logits`.

    Raises:
        TypeError: `logits` is not a floating-point tensor.
        ValueError: `logits` is empty or has another shape.

    Shape:
        - logits: `(N,)`, `(N, 1)` or `(N, C)`
        - Output: `(N,)`

    Examples:
        >>> import torch
        >>> from torchbasics.metrics import predict_labels
        >>> predict_labels(torch.tensor([2.0, -0.5, 0.0]))
        tensor([1, 0, 0])
        >>> predict_labels(torch.tensor([[0.1, 2.0, -1.0], [3.0, 0.0, 0.5]]))
        tensor([1, 0])
    """
    if check_logits(logits):
        return (logits.reshape(-1) > 0).long()
    return logits.argmax(dim=1)


def accuracy(logits: torch.Tensor, target: torch.Tensor) -> float:
    """Fraction of samples whose predicted class equals the target.

    Binary or multi-class is decided from the shape of `logits`, as in
    [`predict_labels`][torchbasics.metrics.predict_labels]: `(N,)` or `(N, 1)`
    is binary (the class is `1` where the logit is `> 0`), `(N, C)` with
    `C >= 2` is multi-class (the class is the argmax). The target follows the
    loss you train with: 0/1 values, of any real dtype, for binary logits (as
    for `nn.BCEWithLogitsLoss`); integer class indices for multi-class logits
    (as for `nn.CrossEntropyLoss`).

    Args:
        logits: Raw model outputs (floating point), before any sigmoid or
            softmax.
        target: The true classes.

    Returns:
        Accuracy in `[0, 1]`, as a Python float.

    Raises:
        TypeError: `logits` is not floating point, or a multi-class target is
            not of an integer dtype.
        ValueError: A shape is not one listed below, an input is empty,
            `logits` and `target` hold different numbers of samples, a binary
            target holds a value other than 0 and 1, or a class index is
            outside `[0, C - 1]`.

    Shape:
        - logits: `(N,)` or `(N, 1)` (binary), or `(N, C)` (multi-class)
        - target: `(N,)` or `(N, 1)` for binary logits, `(N,)` for multi-class

    Examples:
        >>> import torch
        >>> from torchbasics.metrics import accuracy
        >>> accuracy(torch.tensor([1.5, -2.0, 0.3, -0.1]), torch.tensor([1, 0, 0, 0]))
        0.75
        >>> logits = torch.tensor([[2.0, 0.1, -1.0], [0.2, 0.3, 0.1]])
        >>> accuracy(logits, torch.tensor([0, 2]))
        0.5
    """
    binary = check_logits(logits)
    labels = check_target(target, logits, binary)
    correct = (predict_labels(logits) == labels).sum().item()
    return correct / len(labels)
