"""Activation functions and their derivatives, the derivatives from autograd."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from torchbasics._validation import check_dims
from torchbasics.plotting._common import ArrayLike, as_tensor, new_figure

__all__ = ["plot_activations"]

# name -> (function, panel title)
_ACTIVATIONS: dict[str, tuple[Callable[[torch.Tensor], torch.Tensor], str]] = {
    "sigmoid": (torch.sigmoid, "sigmoid"),
    "tanh": (torch.tanh, "tanh"),
    "relu": (F.relu, "relu"),
    "leaky_relu": (
        lambda x: F.leaky_relu(x, negative_slope=0.1),
        "leaky_relu (slope 0.1)",
    ),
    "gelu": (F.gelu, "gelu"),
    "silu": (F.silu, "silu (swish)"),
    "softplus": (F.softplus, "softplus"),
    "elu": (F.elu, "elu"),
    "selu": (F.selu, "selu"),
    "mish": (F.mish, "mish"),
}
_ALIASES = {"swish": "silu"}
_DEFAULT = ("sigmoid", "tanh", "relu", "leaky_relu", "gelu", "silu", "softplus", "elu")


def _resolve(names: str | Sequence[str] | None) -> list[str]:
    if names is None:
        names = _DEFAULT
    wanted = [names] if isinstance(names, str) else list(names)
    if not wanted:
        raise ValueError("names is empty: give at least one activation")
    valid = sorted([*_ACTIVATIONS, *_ALIASES])
    resolved = []
    for name in wanted:
        key = _ALIASES.get(str(name).lower(), str(name).lower())
        if key not in _ACTIVATIONS:
            raise ValueError(f"unknown activation {name!r}; valid names: {', '.join(valid)}")
        resolved.append(key)
    return resolved


def plot_activations(
    names: str | Sequence[str] | None = None, *, x: ArrayLike | None = None
) -> Figure:
    """Plot activation functions (solid) and their derivatives (dashed).

    Each function gets one panel with ``f(x)`` and ``f'(x)`` together, so you
    can see where the gradient vanishes (sigmoid, tanh far from 0) or is
    exactly 0 (relu for x < 0). The derivatives are not written by hand:
    they come from autograd, as ``torch.autograd.grad(f(x).sum(), x)``
    (for relu at exactly ``x = 0`` autograd uses 0).

    Valid names: ``sigmoid``, ``tanh``, ``relu``, ``leaky_relu`` (drawn with
    ``negative_slope=0.1`` rather than PyTorch's default 0.01, so the slope
    is visible), ``gelu``, ``silu`` (alias ``swish``), ``softplus``, ``elu``,
    ``selu``, ``mish``. Names are case-insensitive.

    Args:
        names: The activations to plot, in this order; by default ``sigmoid``,
            ``tanh``, ``relu``, ``leaky_relu``, ``gelu``, ``silu``,
            ``softplus``, ``elu``. A single name may be given as a string.
        x: The 1-D input values (tensor, array or list); by default 401
            points from -5 to 5.

    Returns:
        The figure, with one Axes per activation (up to 4 per row).

    Raises:
        ValueError: If a name is unknown (the message lists the valid
            names), ``names`` is empty, or ``x`` is not 1-D with at least 2
            values.

    Examples:
        >>> from torchbasics.plotting import plot_activations
        >>> fig = plot_activations(["relu", "sigmoid"])
        >>> len(fig.axes)
        2
        >>> [ax.get_title() for ax in fig.axes]
        ['relu', 'sigmoid']
        >>> plot_activations(["relu", "softmax"])
        Traceback (most recent call last):
        ...
        ValueError: unknown activation 'softmax'; valid names: elu, gelu, ...
    """
    keys = _resolve(names)
    if x is None:
        inputs = torch.linspace(-5.0, 5.0, 401)
    else:
        inputs = as_tensor(x)
        check_dims(inputs, 1, "(M,)", name="x")
        if len(inputs) < 2:
            raise ValueError(f"x needs at least 2 values, got {len(inputs)}")
        if not inputs.is_floating_point():
            inputs = inputs.to(torch.get_default_dtype())

    ncols = min(len(keys), 4)
    nrows = math.ceil(len(keys) / ncols)
    fig = new_figure((3.2 * ncols, 2.8 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for extra in axes[len(keys) :]:
        fig.delaxes(extra)
    shown = inputs.numpy()
    for key, ax in zip(keys, axes[: len(keys)], strict=True):
        function, title = _ACTIVATIONS[key]
        with torch.enable_grad():
            leaf = inputs.clone().requires_grad_(True)
            values = function(leaf)
            (slope,) = torch.autograd.grad(values.sum(), leaf)
        ax.axhline(0, color="0.7", linewidth=0.8)
        ax.axvline(0, color="0.7", linewidth=0.8)
        ax.plot(shown, values.detach().numpy(), color="C0", linewidth=2, label="f(x)")
        ax.plot(shown, slope.numpy(), color="C1", linestyle="--", label="f'(x)")
        ax.set_title(title)
        ax.set_xlabel("x")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8)
    return fig
