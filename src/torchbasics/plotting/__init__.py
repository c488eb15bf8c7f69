"""Figures for the course: training curves, decision boundaries, images, activations.

Every function returns a ``matplotlib.figure.Figure`` and never calls
``plt.show()``. The figures are built with matplotlib's
object-oriented API (``Figure()`` and ``fig.subplots()``), not with pyplot:
they need no GUI backend, work on a headless server, are not kept alive in
pyplot's list of open figures, and change no global setting (no
``rcParams``, no style). In a notebook, a figure left as the last expression
of a cell displays itself; elsewhere save it with ``fig.savefig("name.png")``.

- [`plot_history`][torchbasics.plotting.plot_history]: training curves from
  the per-epoch history a training loop returns.
- [`plot_decision_boundary`][torchbasics.plotting.plot_decision_boundary]:
  the regions a 2-D classifier assigns to each class.
- [`plot_image_grid`][torchbasics.plotting.plot_image_grid]: a batch of
  images with their labels.
- [`plot_activations`][torchbasics.plotting.plot_activations]: activation
  functions and their derivatives, computed with autograd.

Functions that draw a single plot (and ``plot_history``) also accept ``ax=``
to draw into an Axes you already have; they then return that Axes' figure.

Examples:
    >>> from matplotlib.figure import Figure
    >>> from torchbasics.plotting import plot_activations
    >>> fig = plot_activations(["tanh"])
    >>> isinstance(fig, Figure), len(fig.axes)
    (True, 1)
"""

# Imported in the order the API page lists them (members_order: source).
from torchbasics.plotting._history import plot_history  # noqa: I001
from torchbasics.plotting._boundary import plot_decision_boundary
from torchbasics.plotting._images import plot_image_grid
from torchbasics.plotting._activations import plot_activations

__all__ = [
    "plot_activations",
    "plot_decision_boundary",
    "plot_history",
    "plot_image_grid",
]
