"""Helpers shared by the plotting functions: figures without pyplot, array input."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

ArrayLike = Any
"""A ``torch.Tensor``, a ``numpy.ndarray`` or anything ``numpy.asarray`` accepts."""


class NotebookFigure(Figure):
    """A ``Figure`` that shows itself as a PNG in Jupyter and IPython.

    Without pyplot nothing registers matplotlib's display hook in a fresh
    kernel, so a plain ``Figure`` left as a cell's last expression shows only
    as ``<Figure size ...>``. ``_repr_png_`` is IPython's own protocol for
    objects that can draw themselves.
    """

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()


def new_figure(figsize: tuple[float, float]) -> Figure:
    """A figure that belongs to no GUI, is not registered with pyplot, and
    displays itself in a notebook."""
    return NotebookFigure(figsize=figsize, layout="constrained")


def figure_of(ax: Axes) -> Figure:
    """The top-level figure that ``ax`` is drawn in (also when in a subfigure)."""
    try:
        fig = ax.get_figure(root=True)  # matplotlib >= 3.10
    except TypeError:  # pragma: no cover - older matplotlib
        fig = ax.figure.figure  # a SubFigure's .figure is its root Figure
    assert isinstance(fig, Figure)
    return fig


def as_numpy(x: ArrayLike) -> np.ndarray:
    """``x`` as a NumPy array; tensors are detached and copied to the CPU."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def as_tensor(x: ArrayLike) -> torch.Tensor:
    """``x`` as a tensor on the CPU; tensors are detached, arrays converted."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu()
    return torch.as_tensor(np.asarray(x))
