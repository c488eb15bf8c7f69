"""Input checks shared by the models and metrics: errors that say what was
expected and what was given, before PyTorch fails deep inside a layer."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

import torch

__all__ = [
    "check_dims",
    "check_features",
    "check_floating",
    "check_positive_int",
    "check_same_length",
    "check_tensor",
]


def check_tensor(x: object, name: str = "input") -> torch.Tensor:
    """Return ``x`` if it is a tensor; raise ``TypeError`` naming its type if not.

    Examples:
        >>> import torch
        >>> check_tensor(torch.zeros(2)).shape
        torch.Size([2])
        >>> check_tensor([1, 2])
        Traceback (most recent call last):
        ...
        TypeError: input must be a torch.Tensor, got list
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    return x


def check_dims(
    x: torch.Tensor, dims: int | Sequence[int], shape: str, name: str = "input"
) -> None:
    """Raise ``ValueError`` unless ``x.ndim`` is one of ``dims``.

    Args:
        x: The tensor to check.
        dims: Allowed numbers of dimensions.
        shape: The expected shape, written for a person, e.g. ``"(N, C, H, W)"``.
        name: What ``x`` is called in the message.

    Examples:
        >>> import torch
        >>> check_dims(torch.zeros(4, 3), 2, "(N, in_features)")
        >>> check_dims(torch.zeros(3), 2, "(N, in_features)")
        Traceback (most recent call last):
        ...
        ValueError: expected input of shape (N, in_features), got (3,)
    """
    allowed = (dims,) if isinstance(dims, int) else tuple(dims)
    if x.ndim not in allowed:
        raise ValueError(f"expected {name} of shape {shape}, got {tuple(x.shape)}")


def check_features(
    x: torch.Tensor, expected: int, dim: int = -1, name: str = "input"
) -> None:
    """Raise ``ValueError`` unless ``x.shape[dim] == expected``.

    Examples:
        >>> import torch
        >>> check_features(torch.zeros(8, 3), expected=2)
        Traceback (most recent call last):
        ...
        ValueError: expected 2 input features (size of dim -1), got 3 in shape (8, 3)
    """
    if x.shape[dim] != expected:
        raise ValueError(
            f"expected {expected} {name} features (size of dim {dim}), "
            f"got {x.shape[dim]} in shape {tuple(x.shape)}"
        )


def check_same_length(a: torch.Tensor, b: torch.Tensor, names: str = "inputs") -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same first dimension.

    Examples:
        >>> import torch
        >>> check_same_length(torch.zeros(3), torch.zeros(4), "y_pred and y_true")
        Traceback (most recent call last):
        ...
        ValueError: y_pred and y_true must have the same number of samples, got 3 and 4
    """
    if len(a) != len(b):
        raise ValueError(
            f"{names} must have the same number of samples, got {len(a)} and {len(b)}"
        )


def check_positive_int(name: str, value: object) -> None:
    """Raise unless ``value`` is a positive integer (``bool`` is not one).

    Examples:
        >>> check_positive_int("hidden_size", 0)
        Traceback (most recent call last):
        ...
        ValueError: hidden_size must be a positive int, got 0
        >>> check_positive_int("hidden_size", 2.0)
        Traceback (most recent call last):
        ...
        TypeError: hidden_size must be a positive int, got 2.0 (float)
    """
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(
            f"{name} must be a positive int, got {value!r} ({type(value).__name__})"
        )
    if value < 1:
        raise ValueError(f"{name} must be a positive int, got {value}")


def check_floating(x: torch.Tensor, like: torch.Tensor) -> None:
    """Raise ``TypeError`` unless ``x`` is floating point with the dtype of ``like``.

    ``like`` is usually a weight of the model ``x`` is fed to. Mixed dtypes are
    allowed under autocast, which casts inside each operation.

    Examples:
        >>> import torch
        >>> check_floating(torch.zeros(2, dtype=torch.int64), torch.zeros(1))
        Traceback (most recent call last):
        ...
        TypeError: expected a floating-point input, got torch.int64; convert it with x.float()
    """
    if not x.is_floating_point():
        raise TypeError(
            f"expected a floating-point input, got {x.dtype}; convert it with x.float()"
        )
    if x.dtype != like.dtype and not torch.is_autocast_enabled(x.device.type):
        raise TypeError(
            f"expected input of dtype {like.dtype} (the model's), got {x.dtype}; "
            f"convert it with x.to({like.dtype})"
        )
