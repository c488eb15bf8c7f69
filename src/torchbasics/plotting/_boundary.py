"""The decision boundary of a 2-D classifier, drawn over its data."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import matplotlib
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from torch import nn

from torchbasics._validation import check_dims, check_int, check_same_length
from torchbasics.plotting._common import ArrayLike, as_tensor, figure_of, new_figure

__all__ = ["plot_decision_boundary"]

_BATCH = 16_384  # grid points per forward pass


@contextmanager
def _evaluation(model: object) -> Iterator[None]:
    """Put a module in eval mode, then restore every submodule's own flag."""
    if not isinstance(model, nn.Module):
        yield
        return
    flags = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for module, training in flags:
            module.training = training


def _placement(
    model: object, device: str | torch.device | None
) -> tuple[torch.device, torch.dtype]:
    """Where and in which dtype to evaluate: the model's own, unless told."""
    dtype = torch.get_default_dtype()
    found: torch.device | None = None
    if isinstance(model, nn.Module):
        tensors = list(itertools.chain(model.parameters(), model.buffers()))
        if tensors:
            found = tensors[0].device
        floats = [t.dtype for t in tensors if t.is_floating_point()]
        if floats:
            dtype = floats[0]
    if device is not None:
        return torch.device(device), dtype
    return found or torch.device("cpu"), dtype


def _class_colors(n_classes: int) -> list[Any]:
    for name, size in (("tab10", 10), ("tab20", 20)):
        if n_classes <= size:
            # Qualitative maps are ListedColormaps: a sequence of RGB tuples.
            palette = cast(ListedColormap, matplotlib.colormaps[name])
            return list(cast("Sequence[Any]", palette.colors)[:n_classes])
    return list(matplotlib.colormaps["viridis"](np.linspace(0, 1, n_classes)))


def _labels(y: ArrayLike, points: torch.Tensor) -> np.ndarray:
    """``y`` as class indices, one per row of ``points``."""
    labels = as_tensor(y)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    check_dims(labels, 1, "(N,)", name="y")
    check_same_length(points, labels, "X and y")
    if labels.dtype == torch.bool:
        labels = labels.long()
    if labels.is_complex():
        raise TypeError(f"y must hold class indices, got dtype {labels.dtype}")
    if len(labels) and (bool((labels != labels.round()).any()) or labels.min() < 0):
        raise ValueError("y must hold class indices 0, 1, 2, ... (whole numbers >= 0)")
    return labels.long().numpy()


def _evaluate(
    model: Callable[[torch.Tensor], Any],
    grid: torch.Tensor,
    device: torch.device,
) -> torch.Tensor:
    """The model's outputs for every grid point, in batches, on the CPU."""
    outputs = []
    with torch.no_grad(), _evaluation(model):
        for start in range(0, len(grid), _BATCH):
            batch = grid[start : start + _BATCH].to(device)
            out = model(batch)
            out = out if isinstance(out, torch.Tensor) else torch.as_tensor(out)
            if (
                out.ndim not in (1, 2)
                or out.shape[0] != len(batch)
                or (out.ndim == 2 and out.shape[1] == 0)
            ):
                raise ValueError(
                    "model must return logits of shape (M,), (M, 1) or (M, C) for "
                    f"an input of shape (M, 2); got {tuple(out.shape)} for "
                    f"M = {len(batch)}"
                )
            outputs.append(out.detach().to("cpu", torch.float64))
    return torch.cat(outputs)


def _margins(scores: torch.Tensor) -> torch.Tensor:
    """Each class's score minus the best other score: > 0 where it is predicted.

    Filling ``margin > 0`` per class draws smooth region edges, where a filled
    contour of the class index would show slivers of the classes in between.
    """
    best = scores.argmax(dim=1, keepdim=True)
    others = scores.scatter(1, best, float("-inf"))
    runner_up = others.max(dim=1, keepdim=True).values
    top = scores.gather(1, best)
    is_best = torch.zeros_like(scores, dtype=torch.bool).scatter(1, best, True)
    return scores - torch.where(is_best, runner_up, top)


def plot_decision_boundary(
    model: nn.Module | Callable[[torch.Tensor], Any],
    X: ArrayLike,
    y: ArrayLike,
    *,
    resolution: int = 200,
    ax: Axes | None = None,
    device: str | torch.device | None = None,
) -> Figure:
    """Colour the plane by the class a 2-D classifier predicts, and show the data.

    The model is evaluated on a ``resolution`` x ``resolution`` grid that spans
    the data plus a 10 % margin, in batches, under ``torch.no_grad()`` and in
    eval mode (every submodule's ``training`` flag is restored afterwards).
    Its output is read as logits:

    - shape ``(M,)`` or ``(M, 1)``: binary; the predicted class is 1 where
      ``sigmoid(logit) > 0.5``, and the ``p = 0.5`` contour is drawn as a
      black line;
    - shape ``(M, C)``: ``C`` classes; the predicted class is the ``argmax``,
      and the borders between the regions are drawn as thin grey lines.

    Each predicted region is filled with its class's colour, and the points
    are drawn on top in the colour of their true class, so misclassified
    points stand out.

    Args:
        model: An ``nn.Module``, or any callable mapping a float tensor of shape
            ``(M, 2)`` to logits (a tensor, or something ``torch.as_tensor``
            accepts).
        X: The data points, shape ``(N, 2)``, as a tensor or a NumPy array.
        y: Their class indices ``0, 1, ...``, shape ``(N,)`` (or ``(N, 1)``).
        resolution: Grid points along each axis.
        ax: An Axes to draw into; by default a new figure is created.
        device: Where to run the model. By default the device of the model's
            first parameter (or buffer), else the CPU. The grid is built in
            the dtype of the model's first floating-point parameter.

    Returns:
        The figure holding the plot (the one ``ax`` belongs to, if given).

    Raises:
        ValueError: If ``X`` is not ``(N, 2)``, ``y`` does not hold one class
            index per point, ``resolution`` is below 2, or the model's output
            does not have one of the shapes above.
        TypeError: If ``model`` is not callable, ``resolution`` is not an
            integer, or ``y`` is not numeric.

    Shape:
        - X: `(N, 2)`; y: `(N,)` or `(N, 1)` class indices
        - model input: `(M, 2)`; model output: `(M,)`, `(M, 1)` or `(M, C)` logits

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> from torchbasics.plotting import plot_decision_boundary
        >>> X = torch.tensor([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
        >>> y = torch.tensor([0, 1, 1, 0])
        >>> model = nn.Linear(2, 1)
        >>> fig = plot_decision_boundary(model, X, y, resolution=50)
        >>> fig.axes[0].get_title()
        'Decision boundary'
        >>> model.training
        True
    """
    if not callable(model):
        raise TypeError(f"model must be callable, got {type(model).__name__}")
    resolution = check_int(resolution, "resolution", minimum=2)
    points = as_tensor(X)
    check_dims(points, 2, "(N, 2)", name="X")
    if points.shape[1] != 2 or points.shape[0] == 0:
        raise ValueError(f"expected X of shape (N, 2), got {tuple(points.shape)}")
    xy = points.to(torch.float64).numpy()
    labels = _labels(y, points)

    low, high = xy.min(axis=0), xy.max(axis=0)
    margin = np.where(high > low, 0.1 * (high - low), 1.0)
    gx = np.linspace(low[0] - margin[0], high[0] + margin[0], resolution)
    gy = np.linspace(low[1] - margin[1], high[1] + margin[1], resolution)
    xx, yy = np.meshgrid(gx, gy)
    where, dtype = _placement(model, device)
    grid = torch.as_tensor(np.column_stack([xx.ravel(), yy.ravel()]), dtype=dtype)
    logits = _evaluate(model, grid, where)

    binary = logits.ndim == 1 or logits.shape[1] == 1
    if binary:
        logit = logits.reshape(-1)
        scores = torch.stack([-logit, logit], dim=1)  # class 1 where logit > 0
    else:
        scores = logits
    margins = _margins(scores).numpy()
    n_classes = max(scores.shape[1], int(labels.max()) + 1 if labels.size else 0)

    if ax is None:
        ax = new_figure((6.0, 5.0)).subplots()
    colors = _class_colors(n_classes)
    handles: list[Any] = []
    for k in range(scores.shape[1]):
        margin = margins[:, k].reshape(xx.shape)
        if margin.max() > 0:
            top = float(margin.max()) * 1.01
            ax.contourf(xx, yy, margin, levels=[0.0, top], colors=[colors[k]], alpha=0.3)
        if not binary and margin.min() < 0 < margin.max():
            ax.contour(xx, yy, margin, levels=[0.0], colors="0.2", linewidths=1)
    if binary:
        logit_grid = logit.numpy().reshape(xx.shape)
        if logit_grid.min() < 0 < logit_grid.max():
            ax.contour(xx, yy, logit_grid, levels=[0.0], colors="black", linewidths=1.5)
            handles.append(Line2D([], [], color="black", linewidth=1.5, label="p = 0.5"))
    cmap = ListedColormap(colors)
    norm = BoundaryNorm(np.arange(n_classes + 1) - 0.5, n_classes)
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        c=labels,
        cmap=cmap,
        norm=norm,
        s=25,
        edgecolors="black",
        linewidths=0.5,
    )
    present = np.unique(labels)
    if len(present) <= 10:
        handles += [
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markerfacecolor=colors[k],
                markeredgecolor="black",
                label=f"class {k}",
            )
            for k in present
        ]
    ax.set_xlim(gx[0], gx[-1])
    ax.set_ylim(gy[0], gy[-1])
    ax.set_title("Decision boundary")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if handles:
        ax.legend(handles=handles, loc="best", framealpha=0.9)
    return figure_of(ax)
