"""Catch a model output and a target that do not fit the loss, before the loss runs.

The classic silent bug: an MSE loss between an output of shape ``(N, 1)`` and
a target of shape ``(N,)`` broadcasts to ``(N, N)`` and trains on nonsense
(PyTorch only warns). The check below turns it into an error naming both
shapes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

# Losses that compare output and target element by element: shapes must be equal.
_ELEMENTWISE_MODULES = (
    nn.MSELoss,
    nn.L1Loss,
    nn.SmoothL1Loss,
    nn.HuberLoss,
    nn.BCELoss,
    nn.BCEWithLogitsLoss,
    nn.SoftMarginLoss,
    nn.GaussianNLLLoss,
    nn.PoissonNLLLoss,
)
_ELEMENTWISE_FUNCTIONS = (
    F.mse_loss,
    F.l1_loss,
    F.smooth_l1_loss,
    F.huber_loss,
    F.binary_cross_entropy,
    F.binary_cross_entropy_with_logits,
)
# Losses taking (N, C, ...) scores and (N, ...) class indices (or (N, C, ...) probabilities).
_CLASS_MODULES = (nn.CrossEntropyLoss, nn.NLLLoss)
_CLASS_FUNCTIONS = (F.cross_entropy, F.nll_loss)


def _kind(loss_fn: Callable[..., Any]) -> str:
    if isinstance(loss_fn, _ELEMENTWISE_MODULES) or loss_fn in _ELEMENTWISE_FUNCTIONS:
        return "elementwise"
    if isinstance(loss_fn, _CLASS_MODULES) or loss_fn in _CLASS_FUNCTIONS:
        return "classes"
    return "other"


def loss_kind(loss_fn: Callable[..., Any]) -> str:
    """``"elementwise"``, ``"classes"`` or ``"other"``: what `check_output_target` can check.

    Examples:
        >>> from torch import nn
        >>> loss_kind(nn.MSELoss()), loss_kind(nn.CrossEntropyLoss()), loss_kind(abs)
        ('elementwise', 'classes', 'other')
    """
    return _kind(loss_fn)


def check_output_target(output: object, target: object, kind: str, loss_name: str) -> None:
    """Raise ``ValueError`` naming both shapes when they cannot be meant for this loss.

    Examples:
        >>> import torch
        >>> check_output_target(torch.zeros(4, 1), torch.zeros(4, 1), "elementwise", "MSELoss")
        >>> check_output_target(torch.zeros(4, 1), torch.zeros(4), "elementwise", "MSELoss")
        Traceback (most recent call last):
        ...
        ValueError: model output has shape (4, 1) but the target has shape (4,): MSELoss compares
        them element by element, so the shapes must be equal (make the target (N, 1) with
        target.unsqueeze(1), or the output (N,) with output.squeeze(1))
        >>> labels = torch.zeros(4, 3, dtype=torch.long)
        >>> check_output_target(torch.zeros(4, 3), labels, "classes", "CrossEntropyLoss")
        Traceback (most recent call last):
        ...
        ValueError: model output has shape (4, 3) but the target has shape (4, 3): CrossEntropyLoss
        takes scores of shape (N, C, ...) and class indices of shape (N, ...), e.g. (4,), or class
        probabilities of the output's shape
    """
    if not isinstance(output, torch.Tensor) or not isinstance(target, torch.Tensor):
        return
    out, tgt = output.shape, target.shape
    if kind == "elementwise":
        if out != tgt:
            hint = ""
            if out == (*tgt, 1):
                hint = (
                    " (make the target (N, 1) with target.unsqueeze(1), or the output "
                    "(N,) with output.squeeze(1))"
                )
            raise ValueError(
                f"{_prefix(out, tgt)}{loss_name} compares them element by element, so "
                f"the shapes must be equal{hint}"
            )
    elif kind == "classes":
        indices = len(out) >= 2 and tgt == (out[0], *out[2:]) and not target.is_floating_point()
        probabilities = tgt == out and target.is_floating_point()
        if not (indices or probabilities or (len(out) == 1 and tgt == ())):
            expected = (out[0], *out[2:]) if len(out) >= 2 else "(N,)"
            raise ValueError(
                f"{_prefix(out, tgt)}{loss_name} takes scores of shape (N, C, ...) and "
                f"class indices of shape (N, ...), e.g. {expected}, or class "
                "probabilities of the output's shape"
            )
    elif out and tgt and out[0] != tgt[0]:
        raise ValueError(f"{_prefix(out, tgt)}their first (batch) dimensions differ")


def _prefix(out: torch.Size, tgt: torch.Size) -> str:
    return f"model output has shape {tuple(out)} but the target has shape {tuple(tgt)}: "
