"""Helpers shared by the plotting functions: figures without pyplot, array input."""

from __future__ import annotations

import io
import struct
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
    objects that can draw themselves. Like pyplot's figures, it follows the
    kernel's ``InlineBackend.figure_formats``: with ``retina`` the PNG has
    twice the pixels and says to show it at half that size (crisp on
    high-DPI screens), as IPython's own retina figures do.
    """

    def _repr_png_(self) -> bytes | tuple[bytes, dict[str, int]]:
        buffer = io.BytesIO()
        if not _inline_retina():
            self.savefig(buffer, format="png", bbox_inches="tight")
            return buffer.getvalue()
        self.savefig(buffer, format="png", bbox_inches="tight", dpi=2 * self.dpi)
        png = buffer.getvalue()
        width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
        return png, {"width": width // 2, "height": height // 2}


def _inline_retina() -> bool:
    """Whether the running IPython kernel draws inline figures as ``retina``."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.config import InlineBackend
    except ImportError:  # not in IPython: plain PNG
        return False
    shell = get_ipython()
    if shell is None:
        return False
    # the configuration pyplot's inline figures use (the kernel's settings)
    formats = InlineBackend.instance(parent=shell).figure_formats
    return bool({"retina", "png2x"} & set(formats))


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
