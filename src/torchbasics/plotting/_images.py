"""A grid of images with their labels, e.g. a batch from a DataLoader."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure

from torchbasics._validation import check_positive_int
from torchbasics.plotting._common import ArrayLike, as_numpy, new_figure

__all__ = ["plot_image_grid"]

_SHAPES = "(N, H, W) or (N, C, H, W) with C in {1, 3}"


def _channels_last(images: ArrayLike) -> np.ndarray:
    """The images as ``(N, H, W)`` (grey) or ``(N, H, W, 3)`` (colour)."""
    if isinstance(images, (list, tuple)):
        if not images:
            raise ValueError("images is empty")
        array = np.stack([as_numpy(image) for image in images])
    else:
        array = as_numpy(images)
    if array.dtype == bool:
        array = array.astype(np.float64)
    if not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
        raise TypeError(f"images must hold real numbers, got dtype {array.dtype}")
    if array.ndim == 4 and array.shape[1] in (1, 3):
        array = array.transpose(0, 2, 3, 1)  # (N, C, H, W) -> (N, H, W, C)
    elif not (array.ndim == 3 or (array.ndim == 4 and array.shape[3] in (1, 3))):
        raise ValueError(f"expected images of shape {_SHAPES}, got {array.shape}")
    if array.ndim == 4 and array.shape[3] == 1:
        array = array[..., 0]
    if len(array) == 0:
        raise ValueError(f"images is empty: got shape {array.shape}")
    return array


def _for_display(image: np.ndarray) -> npt.NDArray[np.float64]:
    """One image scaled to [0, 1] by the rule documented in plot_image_grid."""
    pixels = image.astype(np.float64)
    finite = np.isfinite(pixels)
    if not finite.all():
        fill = pixels[finite].min() if finite.any() else 0.0
        pixels = np.where(finite, pixels, fill)
    low, high = float(pixels.min()), float(pixels.max())
    if low >= 0 and high <= 1:
        return pixels
    if low >= 0 and high <= 255 and np.all(pixels == np.round(pixels)):
        return pixels / 255
    if high > low:
        return (pixels - low) / (high - low)
    return np.full_like(pixels, 0.5)


def _texts(values: Any, n: int, name: str) -> list[str]:
    items = as_numpy(values).tolist() if hasattr(values, "shape") else list(values)
    if len(items) != n:
        raise ValueError(f"expected {n} {name}, one per image, got {len(items)}")
    return [str(item) for item in items]


def _grid(n: int, nrows: int | None, ncols: int | None) -> tuple[int, int]:
    if nrows is not None:
        nrows = check_positive_int(nrows, "nrows")
    if ncols is not None:
        ncols = check_positive_int(ncols, "ncols")
    if nrows is None and ncols is None:
        ncols = min(n, 8)
    if nrows is None:
        assert ncols is not None
        return math.ceil(n / ncols), int(ncols)
    if ncols is None:
        return int(nrows), math.ceil(n / nrows)
    if nrows * ncols < n:
        raise ValueError(f"a {nrows} x {ncols} grid has room for {nrows * ncols} images, got {n}")
    return int(nrows), int(ncols)


def plot_image_grid(
    images: ArrayLike | Sequence[ArrayLike],
    labels: ArrayLike | Sequence[Any] | None = None,
    *,
    nrows: int | None = None,
    ncols: int | None = None,
    cmap: str = "gray",
    titles: Sequence[str] | None = None,
) -> Figure:
    """Show a batch of images in a grid, each titled with its label.

    Images may be channels-first ``(N, C, H, W)`` as PyTorch stores them,
    ``(N, H, W)``, or channels-last ``(N, H, W, C)`` as NumPy and PIL store
    them (a 4-D array whose second dimension is 1 or 3 is read as
    channels-first). ``C`` is 1 (grey, drawn with ``cmap``) or 3 (RGB).

    Each image is scaled for display on its own:

    - values all in ``[0, 1]`` are shown as they are;
    - else whole numbers all in ``[0, 255]`` (e.g. ``uint8`` pixels) are
      divided by 255;
    - else (e.g. images normalised with a mean and a standard deviation) the
      image is min-max rescaled to ``[0, 1]``.

    Args:
        images: A tensor or array of one of the shapes above, or a list of
            ``(C, H, W)`` / ``(H, W)`` images.
        labels: One label per image (class indices, strings, a tensor...),
            shown above it.
        nrows: Rows of the grid; by default enough for all images.
        ncols: Columns of the grid; by default ``min(N, 8)`` unless ``nrows``
            is given.
        cmap: Colormap of grey images.
        titles: One text per image, shown above it (below the label if both
            are given), e.g. ``[f"pred {p}" for p in predictions]``.

    Returns:
        The figure, with one Axes (axis lines and ticks off) per image.

    Raises:
        ValueError: If the images do not have one of the shapes above, the
            grid is too small (or ``nrows``/``ncols`` below 1), or
            ``labels``/``titles`` do not have one entry per image.
        TypeError: If the images are not real numbers, or ``nrows``/``ncols``
            is not an int.

    Shape:
        - images: `(N, C, H, W)` or `(N, H, W, C)` with `C` in {1, 3}, or `(N, H, W)`

    Examples:
        >>> import torch
        >>> from torchbasics.plotting import plot_image_grid
        >>> images = torch.rand(6, 1, 28, 28)
        >>> fig = plot_image_grid(images, labels=torch.tensor([3, 1, 4, 1, 5, 9]))
        >>> len(fig.axes)
        6
        >>> [ax.get_title() for ax in fig.axes]
        ['3', '1', '4', '1', '5', '9']
    """
    array = _channels_last(images)
    n = len(array)
    rows, cols = _grid(n, nrows, ncols)
    label_texts = _texts(labels, n, "labels") if labels is not None else None
    title_texts = _texts(titles, n, "titles") if titles is not None else None
    lines = (label_texts is not None) + (title_texts is not None)

    fig = new_figure((1.8 * cols, (1.8 + 0.25 * lines) * rows))
    axes = list(np.ravel(fig.subplots(rows, cols, squeeze=False)))
    for extra in axes[n:]:
        fig.delaxes(extra)
    for i, ax in enumerate(axes[:n]):
        image = _for_display(array[i])
        if image.ndim == 2:
            ax.imshow(image, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
        else:
            ax.imshow(np.clip(image, 0, 1), interpolation="nearest")
        ax.set_axis_off()
        text = [t[i] for t in (label_texts, title_texts) if t is not None]
        if text:
            ax.set_title("\n".join(text), fontsize=9)
    return fig
