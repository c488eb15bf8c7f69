"""Argument checks shared by every part of torchbasics: errors that say what was
expected and what was given, before PyTorch fails deep inside a layer.

One rule for all of them: an argument of the wrong **type** raises
``TypeError``, one of the right type but a wrong **value** raises
``ValueError``; both messages name the argument, what was expected and what
was given. Every check takes the value first and its name second, and the
scalar checks return the value converted (``numpy.int64(3)`` becomes ``3``).

Checks that need to know the domain (class labels, token ids, special
tokens) live next to the code they serve.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Integral, Real
from typing import TypeVar

import torch

__all__ = [
    "check_bool",
    "check_choice",
    "check_dims",
    "check_features",
    "check_floating",
    "check_images",
    "check_int",
    "check_number",
    "check_positive_int",
    "check_same_length",
    "check_tensor",
]

T = TypeVar("T")


def _show(value: object) -> str:
    """``repr(value)``, cut short if long (a tensor passed where an int belongs)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _given(value: object) -> str:
    """The value and its type, for a ``TypeError``: ``2.0 (float)``."""
    return f"{_show(value)} ({type(value).__name__})"


# --------------------------------------------------------------------- scalars


def check_int(value: object, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer ``>= minimum``; raise if not.

    ``bool`` is not accepted (``True`` is an ``int`` to Python, but never a
    size or a count someone meant); NumPy integers are.

    Args:
        value: The argument to check.
        name: Its name, for the message.
        minimum: The smallest allowed value; ``None`` for no bound.

    Raises:
        TypeError: ``value`` is not an integer (or is a ``bool``).
        ValueError: ``value < minimum``.

    Examples:
        >>> check_int(3, "max_epochs", minimum=1)
        3
        >>> check_int(0, "max_epochs", minimum=1)
        Traceback (most recent call last):
        ...
        ValueError: max_epochs must be an int >= 1, got 0
        >>> check_int(2.0, "max_epochs", minimum=1)
        Traceback (most recent call last):
        ...
        TypeError: max_epochs must be an int >= 1, got 2.0 (float)
        >>> check_int(True, "seed")
        Traceback (most recent call last):
        ...
        TypeError: seed must be an int, got True (bool)
    """
    expected = "an int" if minimum is None else f"an int >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be {expected}, got {_given(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be {expected}, got {_show(value)}")
    return int(value)


def check_positive_int(value: object, name: str) -> int:
    """Return ``value`` as an ``int`` if it is an integer ``>= 1``; raise if not.

    The same as ``check_int(value, name, minimum=1)``: for sizes and counts.

    Examples:
        >>> check_positive_int(16, "hidden_size")
        16
        >>> check_positive_int(0, "hidden_size")
        Traceback (most recent call last):
        ...
        ValueError: hidden_size must be an int >= 1, got 0
        >>> check_positive_int("16", "hidden_size")
        Traceback (most recent call last):
        ...
        TypeError: hidden_size must be an int >= 1, got '16' (str)
    """
    return check_int(value, name, minimum=1)


def check_number(
    value: object,
    name: str,
    *,
    minimum: float | None = None,
    inclusive: bool = True,
    below: float | None = None,
) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number in range.

    ``bool`` is not accepted; ints, floats and NumPy scalars are. ``nan`` and
    infinities are values out of range (``ValueError``).

    Args:
        value: The argument to check.
        name: Its name, for the message.
        minimum: The smallest allowed value; ``None`` for no lower bound.
        inclusive: Whether ``minimum`` itself is allowed (``>=``) or not (``>``).
        below: If given, ``value`` must be less than it (``dropout < 1``).

    Raises:
        TypeError: ``value`` is not a real number (or is a ``bool``).
        ValueError: ``value`` is not finite or out of range.

    Examples:
        >>> check_number(1, "noise", minimum=0)
        1.0
        >>> check_number(-0.1, "noise", minimum=0)
        Traceback (most recent call last):
        ...
        ValueError: noise must be a finite number >= 0, got -0.1
        >>> check_number(0, "grad_clip", minimum=0, inclusive=False)
        Traceback (most recent call last):
        ...
        ValueError: grad_clip must be a finite number > 0, got 0
        >>> check_number(1.0, "dropout", minimum=0, below=1)
        Traceback (most recent call last):
        ...
        ValueError: dropout must be a finite number in [0, 1), got 1.0
        >>> check_number("0.5", "dropout", minimum=0, below=1)
        Traceback (most recent call last):
        ...
        TypeError: dropout must be a finite number in [0, 1), got '0.5' (str)
    """
    if minimum is not None and below is not None:
        expected = f"in {'[' if inclusive else '('}{minimum:g}, {below:g})"
    elif minimum is not None:
        expected = f"{'>=' if inclusive else '>'} {minimum:g}"
    elif below is not None:
        expected = f"< {below:g}"
    else:
        expected = ""
    expected = f"a finite number {expected}".rstrip()
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be {expected}, got {_given(value)}")
    number = float(value)
    too_low = minimum is not None and (number < minimum if inclusive else number <= minimum)
    too_high = below is not None and number >= below
    if not -float("inf") < number < float("inf") or too_low or too_high:
        raise ValueError(f"{name} must be {expected}, got {_show(value)}")
    return number


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` if it is ``True`` or ``False``; raise ``TypeError`` if not.

    ``0`` and ``1`` are not accepted: a flag given as a number is usually an
    argument in the wrong place.

    Examples:
        >>> check_bool(True, "flatten")
        True
        >>> check_bool("yes", "flatten")
        Traceback (most recent call last):
        ...
        TypeError: flatten must be True or False, got 'yes' (str)
    """
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {_given(value)}")
    return value


def check_choice(value: object, name: str, choices: Iterable[T]) -> T:
    """Return ``value`` if it is one of ``choices``; raise if not.

    A value of none of the choices' types (``1`` where a string is expected)
    raises ``TypeError``; one of the right type that is not a choice raises
    ``ValueError``.

    Examples:
        >>> check_choice("max", "mode", ("min", "max"))
        'max'
        >>> check_choice("mean", "mode", ("min", "max"))
        Traceback (most recent call last):
        ...
        ValueError: mode must be 'min' or 'max', got 'mean'
        >>> check_choice(1, "average", ("macro", "micro", "weighted"))
        Traceback (most recent call last):
        ...
        TypeError: average must be one of 'macro', 'micro', 'weighted', got 1 (int)
    """
    options = tuple(choices)
    shown = [repr(choice) for choice in options]
    expected = " or ".join(shown) if len(shown) == 2 else "one of " + ", ".join(shown)
    if not isinstance(value, tuple({type(choice) for choice in options})):
        raise TypeError(f"{name} must be {expected}, got {_given(value)}")
    for choice in options:
        if value == choice:
            return choice
    raise ValueError(f"{name} must be {expected}, got {_show(value)}")


# --------------------------------------------------------------------- tensors


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


def check_dims(x: torch.Tensor, dims: int | Sequence[int], shape: str, name: str = "input") -> None:
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


def check_features(x: torch.Tensor, expected: int, dim: int = -1, name: str = "input") -> None:
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
        raise ValueError(f"{names} must have the same number of samples, got {len(a)} and {len(b)}")


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


def check_images(
    x: object,
    channels: int,
    size: int | None = None,
    *,
    like: torch.Tensor,
    name: str = "input",
) -> torch.Tensor:
    """Return ``x`` if it is a batch of images a model built for them can take.

    That is: a tensor ``(N, channels, H, W)`` (``H == W == size`` if ``size``
    is given) of floating-point pixels with the dtype of ``like``, a weight of
    the model.

    Raises:
        TypeError: ``x`` is not a tensor, not floating point, or not of
            ``like``'s dtype.
        ValueError: ``x`` has the wrong shape.

    Examples:
        >>> import torch
        >>> weight = torch.zeros(1)
        >>> check_images(torch.zeros(2, 1, 8, 8), 1, 8, like=weight).shape
        torch.Size([2, 1, 8, 8])
        >>> check_images(torch.zeros(2, 3, 8, 8), 1, like=weight)
        Traceback (most recent call last):
        ...
        ValueError: expected 1 input channels (size of dim 1), got 3 in shape (2, 3, 8, 8)
        >>> check_images(torch.zeros(2, 1, 8, 8), 1, 28, like=weight)
        Traceback (most recent call last):
        ...
        ValueError: expected images of size 28x28 (dims 2 and 3), got 8x8 in shape (2, 1, 8, 8);
        the model was built with image_size=28
        >>> check_images(torch.zeros(2, 1, 8, 8, dtype=torch.uint8), 1, 8, like=weight)
        Traceback (most recent call last):
        ...
        TypeError: expected a floating-point input, got torch.uint8; convert it with x.float() / 255
        (pixels scaled to [0, 1])
    """
    x = check_tensor(x, name)
    side = "H, W" if size is None else f"{size}, {size}"
    check_dims(x, 4, f"(N, {channels}, {side})", name)
    if x.shape[1] != channels:
        raise ValueError(
            f"expected {channels} {name} channels (size of dim 1), got {x.shape[1]} "
            f"in shape {tuple(x.shape)}"
        )
    if size is not None and x.shape[2:] != (size, size):
        raise ValueError(
            f"expected images of size {size}x{size} (dims 2 and 3), got "
            f"{x.shape[2]}x{x.shape[3]} in shape {tuple(x.shape)}; "
            f"the model was built with image_size={size}"
        )
    if not x.is_floating_point():
        raise TypeError(
            f"expected a floating-point {name}, got {x.dtype}; convert it with "
            "x.float() / 255 (pixels scaled to [0, 1])"
        )
    check_floating(x, like)
    return x
