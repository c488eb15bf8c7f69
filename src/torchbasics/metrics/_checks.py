"""Input checks of the metrics (labels, logits, targets) that the shared
`_validation` checks do not cover.

Each check raises with a message that names the argument, what was expected
and what was given. Checks that read values (label ranges, 0/1 targets) run
after the shape checks, so a tensor of the wrong shape is reported as such.
"""

from __future__ import annotations

import torch

from torchbasics._validation import check_dims, check_same_length, check_tensor

__all__ = [
    "check_binary_labels",
    "check_logits",
    "check_not_empty",
    "check_same_device",
    "check_target",
    "class_count",
    "fmt",
    "label_pair",
]


def fmt(value: object) -> str:
    """Write one tensor value for a message: `0.7`, not `0.699999988079071`.

    Examples:
        >>> fmt(0.699999988079071), fmt(3), fmt(float("nan"))
        ('0.7', '3', 'nan')
    """
    return f"{value:g}" if isinstance(value, float) else str(value)


def check_not_empty(x: torch.Tensor, name: str) -> None:
    """Raise `ValueError` if `x` holds no values: a metric of nothing is undefined."""
    if x.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(x.shape)}")


def check_same_device(a: torch.Tensor, b: torch.Tensor, names: str) -> None:
    """Raise `ValueError` unless `a` and `b` live on the same device."""
    if a.device != b.device:
        raise ValueError(f"{names} must be on the same device, got {a.device} and {b.device}")


def check_logits(logits: object) -> bool:
    """Validate model outputs; return `True` for binary, `False` for multi-class.

    `(N,)` and `(N, 1)` are binary logits, `(N, C)` with `C >= 2` multi-class.
    """
    logits = check_tensor(logits, "logits")
    check_dims(logits, (1, 2), "(N,), (N, 1) or (N, C)", "logits")
    check_not_empty(logits, "logits")
    if not logits.dtype.is_floating_point:
        raise TypeError(
            f"logits must be a floating-point tensor of raw model outputs, got dtype {logits.dtype}"
        )
    return logits.ndim == 1 or logits.shape[1] == 1


def check_target(target: object, logits: torch.Tensor, binary: bool) -> torch.Tensor:
    """Validate the target that goes with `logits`; return it as int64 `(N,)`.

    Binary logits take 0/1 targets of shape `(N,)` or `(N, 1)` and any real
    dtype (`nn.BCEWithLogitsLoss` wants floats). Multi-class logits `(N, C)`
    take integer class indices in `[0, C - 1]` of shape `(N,)`, as
    `nn.CrossEntropyLoss` does.
    """
    target = check_tensor(target, "target")
    if binary:
        check_dims(target, (1, 2), "(N,) or (N, 1) for binary logits", "target")
        if target.ndim == 2 and target.shape[1] != 1:
            raise ValueError(
                "expected target of shape (N,) or (N, 1) for binary logits, "
                f"got {tuple(target.shape)}"
            )
    elif target.ndim != 1:
        raise ValueError(
            f"expected target of shape (N,) holding class indices for (N, C) "
            f"logits, got {tuple(target.shape)}"
        )
    check_not_empty(target, "target")
    check_same_device(logits, target, "logits and target")
    check_same_length(logits, target, "logits and target")
    target = target.reshape(-1)
    if binary:
        if target.dtype.is_complex:
            raise TypeError(f"target must be real, got dtype {target.dtype}")
        bad = target[(target != 0) & (target != 1)]
        if len(bad):
            raise ValueError(
                f"target for binary logits must hold only 0 and 1, got {fmt(bad[0].item())}"
            )
        return target.long()
    num_classes = logits.shape[1]
    if target.dtype.is_floating_point or target.dtype.is_complex or target.dtype == torch.bool:
        raise TypeError(
            "target for (N, C) logits must hold integer class indices "
            f"(as for nn.CrossEntropyLoss), got dtype {target.dtype}"
        )
    bad = target[(target < 0) | (target >= num_classes)]
    if len(bad):
        raise ValueError(
            f"target must hold class indices in [0, {num_classes - 1}] for "
            f"{num_classes}-class logits, got {bad[0].item()}"
        )
    return target.long()


def _labels(x: object, name: str) -> torch.Tensor:
    """Validate class labels of shape `(N,)` or `(N, 1)`; return them int64 `(N,)`."""
    x = check_tensor(x, name)
    check_dims(x, (1, 2), "(N,) or (N, 1)", name)
    if x.ndim == 2 and x.shape[1] != 1:
        raise ValueError(
            f"expected {name} of shape (N,) or (N, 1), got {tuple(x.shape)}; "
            "pass class labels, not logits (see predict_labels)"
        )
    check_not_empty(x, name)
    return x.reshape(-1)


def _check_label_values(x: torch.Tensor, name: str) -> torch.Tensor:
    if x.dtype.is_complex:
        raise TypeError(f"{name} must hold class labels, got dtype {x.dtype}")
    if x.dtype.is_floating_point:
        bad = x[~torch.isfinite(x) | (x != x.round())]
        if len(bad):
            raise ValueError(
                f"{name} must hold whole-number class labels, got "
                f"{fmt(bad[0].item())}; to turn logits into labels use "
                "predict_labels"
            )
    negative = x[x < 0]
    if len(negative):
        raise ValueError(f"{name} must hold class labels >= 0, got {fmt(negative[0].item())}")
    return x.long()


def label_pair(y_pred: object, y_true: object) -> tuple[torch.Tensor, torch.Tensor]:
    """Validate predicted and true labels together; return both as int64 `(N,)`.

    Labels may be of any integer, bool or floating dtype as long as every
    value is a whole number `>= 0`; `(N, 1)` columns are flattened.
    """
    y_pred = _labels(y_pred, "y_pred")
    y_true = _labels(y_true, "y_true")
    check_same_device(y_pred, y_true, "y_pred and y_true")
    check_same_length(y_pred, y_true, "y_pred and y_true")
    return _check_label_values(y_pred, "y_pred"), _check_label_values(y_true, "y_true")


def class_count(y_pred: torch.Tensor, y_true: torch.Tensor, num_classes: int | None) -> int:
    """Return `num_classes`, checked against the labels, or infer it from them.

    `None` gives the largest label plus one. A given `num_classes` must exceed
    every label in `y_pred` and `y_true` (already checked to be `>= 0`).
    """
    if num_classes is None:
        return int(max(y_pred.max().item(), y_true.max().item())) + 1
    for x, name in ((y_pred, "y_pred"), (y_true, "y_true")):
        bad = x[x >= num_classes]
        if len(bad):
            raise ValueError(
                f"{name} must hold labels in [0, {num_classes - 1}] for "
                f"num_classes={num_classes}, got {bad[0].item()}"
            )
    return int(num_classes)


def check_binary_labels(y_pred: torch.Tensor, y_true: torch.Tensor) -> None:
    """Raise `ValueError` unless both label tensors hold only 0 and 1."""
    for x, name in ((y_pred, "y_pred"), (y_true, "y_true")):
        bad = x[x > 1]
        if len(bad):
            raise ValueError(
                f"average='binary' needs labels 0 and 1, got {bad[0].item()} in "
                f"{name}; for multi-class labels use average='macro', 'micro' "
                "or 'weighted'"
            )
