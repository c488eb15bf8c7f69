"""Regression metrics: mean squared error, mean absolute error and R²."""

from __future__ import annotations

import torch

from torchbasics._validation import check_dims, check_same_length, check_tensor
from torchbasics.metrics._checks import check_not_empty, check_same_device

__all__ = ["mae", "mse", "r2_score"]


def _as_columns(y_pred: object, y_true: object) -> tuple[torch.Tensor, torch.Tensor]:
    """Validate a pair of regression tensors; return both as floats `(N, k)`.

    `(N,)` and `(N, 1)` both mean one output and may be mixed. Any other
    difference in shape is an error, never broadcast: `(N,) - (N, 1)` would
    silently give an `(N, N)` matrix of every prediction minus every target.
    """
    pair = []
    for x, name in ((y_pred, "y_pred"), (y_true, "y_true")):
        x = check_tensor(x, name)
        check_dims(x, (1, 2), "(N,), (N, 1) or (N, k)", name)
        check_not_empty(x, name)
        if x.dtype.is_complex or x.dtype == torch.bool:
            raise TypeError(f"{name} must hold real numbers, got dtype {x.dtype}")
        pair.append(x.reshape(len(x), -1))
    y_pred, y_true = pair
    check_same_device(y_pred, y_true, "y_pred and y_true")
    check_same_length(y_pred, y_true, "y_pred and y_true")
    if y_pred.shape != y_true.shape:
        raise ValueError(
            "y_pred and y_true must have the same number of outputs, got "
            f"shapes {tuple(y_pred.shape)} and {tuple(y_true.shape)}"
        )
    # Accumulate in float64 if either input is, else in float32 (never in
    # float16/bfloat16, and integers become floats).
    dtype = torch.promote_types(y_pred.dtype, y_true.dtype)
    if dtype != torch.float64:
        dtype = torch.float32
    return y_pred.to(dtype), y_true.to(dtype)


def mse(y_pred: torch.Tensor, y_true: torch.Tensor) -> float:
    """Mean squared error: the average of `(y_pred - y_true) ** 2`.

    With several outputs, the error of each output is averaged over the
    samples and the outputs are then averaged uniformly, like scikit-learn's
    `mean_squared_error` (its default `multioutput="uniform_average"`). The
    value equals `nn.functional.mse_loss(y_pred, y_true)` for tensors of the
    same shape.

    Args:
        y_pred: Predicted values.
        y_true: True values.

    Returns:
        The error, `>= 0`, as a Python float, in the squared unit of `y_true`.

    Raises:
        TypeError: An input is not a tensor of real numbers.
        ValueError: A shape is wrong, an input is empty, the inputs hold
            different numbers of samples or outputs, or live on different
            devices.

    Shape:
        - y_pred, y_true: `(N,)`, `(N, 1)` or `(N, k)`; `(N,)` and `(N, 1)`
          may be mixed, nothing else is broadcast.

    Examples:
        >>> import torch
        >>> from torchbasics.metrics import mse
        >>> mse(torch.tensor([2.5, 0.0, 2.0]), torch.tensor([3.0, -0.5, 2.0]))
        0.1666666...
    """
    y_pred, y_true = _as_columns(y_pred, y_true)
    return ((y_pred - y_true) ** 2).mean().item()


def mae(y_pred: torch.Tensor, y_true: torch.Tensor) -> float:
    """Mean absolute error: the average of `|y_pred - y_true|`.

    Less sensitive to a few large errors than [`mse`][torchbasics.metrics.mse],
    and in the unit of `y_true`. Several outputs are averaged uniformly, like
    scikit-learn's `mean_absolute_error`.

    Args:
        y_pred: Predicted values.
        y_true: True values.

    Returns:
        The error, `>= 0`, as a Python float.

    Raises:
        TypeError: An input is not a tensor of real numbers.
        ValueError: As for [`mse`][torchbasics.metrics.mse].

    Shape:
        - y_pred, y_true: `(N,)`, `(N, 1)` or `(N, k)`; `(N,)` and `(N, 1)`
          may be mixed, nothing else is broadcast.

    Examples:
        >>> import torch
        >>> from torchbasics.metrics import mae
        >>> mae(torch.tensor([2.5, 0.0, 2.0]), torch.tensor([3.0, -0.5, 2.0]))
        0.3333333...
    """
    y_pred, y_true = _as_columns(y_pred, y_true)
    return (y_pred - y_true).abs().mean().item()


def r2_score(y_pred: torch.Tensor, y_true: torch.Tensor) -> float:
    """Coefficient of determination R²: the share of the variance explained.

    `R² = 1 - SS_res / SS_tot`, with `SS_res = sum((y_true - y_pred) ** 2)`
    and `SS_tot = sum((y_true - mean(y_true)) ** 2)`. A perfect model scores
    `1.0`; always predicting the mean of `y_true` scores `0.0`; worse models
    score below zero, without limit. Unlike the other metrics the order of
    the arguments matters: the variance is that of `y_true`.

    Edge cases are decided, not left to `nan`:

    - Fewer than 2 samples raise `ValueError`: the variance of one value is
      undefined (scikit-learn warns and returns `nan`).
    - A constant `y_true` column (`SS_tot = 0`) scores `1.0` if predicted
      exactly and `0.0` otherwise, like scikit-learn's default
      `force_finite=True`. The check is exact: all values equal.

    Several outputs are scored separately and averaged uniformly, like
    scikit-learn's default `multioutput="uniform_average"`.

    Args:
        y_pred: Predicted values.
        y_true: True values.

    Returns:
        R², at most `1.0`, as a Python float.

    Raises:
        TypeError: An input is not a tensor of real numbers.
        ValueError: There are fewer than 2 samples, or as for
            [`mse`][torchbasics.metrics.mse].

    Shape:
        - y_pred, y_true: `(N,)`, `(N, 1)` or `(N, k)` with `N >= 2`; `(N,)`
          and `(N, 1)` may be mixed, nothing else is broadcast.

    Examples:
        >>> import torch
        >>> from torchbasics.metrics import r2_score
        >>> y_true = torch.tensor([3.0, -0.5, 2.0, 7.0])
        >>> r2_score(torch.tensor([2.5, 0.0, 2.0, 8.0]), y_true)
        0.9486081...
        >>> r2_score(y_true.mean().expand(4), y_true)  # always the mean
        0.0
    """
    y_pred, y_true = _as_columns(y_pred, y_true)
    if len(y_true) < 2:
        raise ValueError(f"r2_score needs at least 2 samples, got {len(y_true)}")
    ss_res = ((y_true - y_pred) ** 2).sum(dim=0)
    ss_tot = ((y_true - y_true.mean(dim=0)) ** 2).sum(dim=0)
    # Compare values, not a float sum, to zero: the mean of equal floats can
    # round, leaving a tiny SS_tot that would turn R² into a huge number.
    constant = (y_true == y_true[0]).all(dim=0) | (ss_tot == 0)
    if_constant = torch.where(ss_res == 0, 1.0, 0.0).to(ss_res.dtype)
    score = torch.where(constant, if_constant, 1 - ss_res / ss_tot)
    return score.mean().item()
