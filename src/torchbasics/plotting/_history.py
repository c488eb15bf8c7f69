"""Training curves from a history of per-epoch values."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from torchbasics.plotting._common import figure_of, new_figure

__all__ = ["plot_history"]

History = Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]]

# Key prefix -> the series it names. A key without a prefix ("loss") is its own
# series; next to a "val_loss" it is taken as the training series (Keras style).
_PREFIXES = (
    ("train_", "train"),
    ("training_", "train"),
    ("val_", "validation"),
    ("valid_", "validation"),
    ("validation_", "validation"),
)

# A metric is maximised when one of the words of its name (split at "_") is
# here; every other metric (loss, error, mse, mae, perplexity, ...) is minimised.
_HIGHER_IS_BETTER = frozenset(
    {
        "acc",
        "accuracy",
        "auc",
        "auroc",
        "dice",
        "f1",
        "iou",
        "map",
        "precision",
        "r2",
        "recall",
        "score",
        "top1",
        "top5",
    }
)


def _columns(history: History) -> dict[str, list[Any]]:
    """The history as one list per key, ``None`` where a row lacks the key."""
    if isinstance(history, Mapping):
        columns: dict[str, list[Any]] = {}
        for key, values in history.items():
            if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
                raise TypeError(
                    f"history[{key!r}] must be a list with one value per epoch, "
                    f"got {type(values).__name__}"
                )
            columns[str(key)] = list(values)
        lengths = {key: len(values) for key, values in columns.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(
                f"every history column needs one value per epoch, got lengths {lengths}"
            )
        return columns
    if isinstance(history, Sequence) and not isinstance(history, (str, bytes)):
        rows = list(history)
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise TypeError(
                    f"history[{i}] must be a dict of values for one epoch, got {type(row).__name__}"
                )
        keys = dict.fromkeys(str(key) for row in rows for key in row)
        return {key: [row.get(key) for row in rows] for key in keys}
    raise TypeError(
        "history must be a dict of per-epoch lists or a list of per-epoch dicts, "
        f"got {type(history).__name__}"
    )


def _number(value: Any) -> float | None:
    """``value`` as a float (tensors and NumPy scalars too), ``None`` if missing."""
    if value is None:
        return None
    if hasattr(value, "item"):  # tensors, NumPy scalars and arrays of one value
        try:
            value = value.item()
        except (ValueError, RuntimeError) as error:
            raise TypeError(f"not a single number: {value!r}") from error
    if isinstance(value, Real):
        return float(value)
    raise TypeError(f"not a number: {value!r}")


def _numeric(values: list[Any]) -> list[float | None] | None:
    """The column as floats, or ``None`` if it holds anything but numbers."""
    try:
        return [_number(v) for v in values]
    except TypeError:
        return None


def _split(key: str) -> tuple[str, str | None]:
    """``"val_loss"`` -> ``("loss", "validation")``; ``"lr"`` -> ``("lr", None)``."""
    for prefix, role in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :], role
    return key, None


def _higher_is_better(metric: str) -> bool:
    """Whether the best epoch of ``metric`` is its maximum (else its minimum)."""
    return any(word in _HIGHER_IS_BETTER for word in metric.lower().split("_"))


def _loss_first(item: tuple[int, str]) -> tuple[int, int]:
    position, metric = item
    words = metric.lower().split("_")
    rank = 0 if metric.lower() == "loss" else 1 if "loss" in words else 2
    return rank, position


def _axes_for(ax: Axes | Sequence[Axes] | None, names: list[str]) -> list[Axes]:
    if ax is None:
        ncols = min(len(names), 3)
        nrows = math.ceil(len(names) / ncols)
        fig = new_figure((4.8 * ncols, 3.6 * nrows))
        grid = list(np.ravel(fig.subplots(nrows, ncols, squeeze=False)))
        for extra in grid[len(names) :]:
            fig.delaxes(extra)
        return grid[: len(names)]
    given = [ax] if isinstance(ax, Axes) else list(np.ravel(np.asarray(ax, object)))
    if len(given) != len(names):
        raise ValueError(
            f"got {len(given)} Axes for {len(names)} metrics {names}; pass one Axes "
            "per metric, or choose the metrics to plot with metrics=[...]"
        )
    return given


def plot_history(
    history: History,
    metrics: str | Sequence[str] | None = None,
    *,
    ax: Axes | Sequence[Axes] | None = None,
) -> Figure:
    """Plot training curves: one subplot per metric, training and validation together.

    Keys are grouped by their prefix: ``train_loss`` and ``val_loss`` become the
    ``"train"`` and ``"validation"`` curves of the subplot ``loss``
    (``training_``, ``valid_`` and ``validation_`` work too). A key without a
    prefix is a series of its own, taken as the training curve when a
    ``val_`` key of the same name exists (``loss`` next to ``val_loss``). The
    ``epoch`` key, if present, gives the x values (otherwise 1, 2, ...), and
    keys whose values are not numbers are ignored. Loss subplots come first.

    Missing values (``None``, or a key absent from some epochs) are skipped,
    so a validation curve measured every few epochs is drawn through the
    epochs that have it. The best validation epoch of each metric is marked
    with a star and a dotted vertical line: the **maximum** for metrics with
    a word (split at ``_``) among ``acc``, ``accuracy``, ``auc``, ``auroc``,
    ``dice``, ``f1``, ``iou``, ``map``, ``precision``, ``r2``, ``recall``,
    ``score``, ``top1``, ``top5``; the **minimum** for all others (loss,
    error, mse, perplexity, ...). Ties go to the earliest epoch.

    Args:
        history: Per-epoch values, as a dict of lists
            (``{"epoch": [1, 2], "train_loss": [...], "val_loss": [...]}``) or a
            list of per-epoch dicts (``[{"epoch": 1, "train_loss": ...}, ...]``).
            Values may be Python numbers, NumPy scalars or 0-d tensors.
        metrics: Metric names to plot, in this order (``"loss"``,
            ``["loss", "accuracy"]``); by default every metric in the history.
        ax: An Axes to draw into, or a sequence with one Axes per metric;
            by default a new figure is created.

    Returns:
        The figure holding the plots (the one ``ax`` belongs to, if given).

    Raises:
        TypeError: If ``history`` is neither a dict of lists nor a list of dicts.
        ValueError: If the history is empty, its lists differ in length, a
            requested metric is not in it, or the number of Axes given does
            not match the number of metrics.

    Examples:
        >>> from torchbasics.plotting import plot_history
        >>> history = {
        ...     "epoch": [1, 2, 3],
        ...     "train_loss": [0.9, 0.5, 0.3],
        ...     "val_loss": [1.0, 0.6, 0.7],
        ...     "train_accuracy": [0.6, 0.8, 0.9],
        ...     "val_accuracy": [0.55, 0.75, None],
        ... }
        >>> fig = plot_history(history)
        >>> [ax.get_title() for ax in fig.axes]
        ['loss', 'accuracy']
        >>> [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
        ['train', 'validation', 'best (epoch 2)']
    """
    columns = _columns(history)
    n_epochs = max((len(values) for values in columns.values()), default=0)
    if n_epochs == 0:
        raise ValueError("history is empty: it holds no epochs")

    epochs: list[float | None] = [float(i) for i in range(1, n_epochs + 1)]
    if "epoch" in columns:
        given_epochs = _numeric(columns.pop("epoch"))
        if given_epochs is None or any(e is None for e in given_epochs):
            raise ValueError("history['epoch'] must hold a number for every epoch")
        epochs = given_epochs

    groups: dict[str, dict[str | None, str]] = {}
    values: dict[str, list[float | None]] = {}
    for key, column in columns.items():
        numbers = _numeric(column)
        if numbers is None:
            continue
        metric, role = _split(key)
        groups.setdefault(metric, {})[role] = key
        values[key] = numbers
    available = [m for _, m in sorted(enumerate(groups), key=_loss_first)]
    if not available:
        raise ValueError(f"history has no numeric metrics, only keys {list(columns)}")

    if metrics is None:
        names = available
    else:
        names = [metrics] if isinstance(metrics, str) else list(metrics)
        unknown = [name for name in names if name not in groups]
        if unknown or not names:
            raise ValueError(
                f"unknown metrics {unknown}; the history has {available}"
                if unknown
                else f"metrics is empty; the history has {available}"
            )

    axes = _axes_for(ax, names)
    for metric, axis in zip(names, axes, strict=True):
        _plot_metric(axis, metric, groups[metric], values, epochs)
    return figure_of(axes[0])


def _points(
    epochs: list[float | None], column: list[float | None]
) -> tuple[list[float], list[float]]:
    pairs = [(e, v) for e, v in zip(epochs, column, strict=True) if e is not None and v is not None]
    return [e for e, _ in pairs], [v for _, v in pairs]


def _plot_metric(
    ax: Axes,
    metric: str,
    group: dict[str | None, str],
    values: dict[str, list[float | None]],
    epochs: list[float | None],
) -> None:
    has_val = "validation" in group
    series = []
    if "train" in group:
        series.append((group["train"], "train", "C0"))
    if None in group:
        plain = "train" if has_val and "train" not in group else group[None]
        series.append((group[None], plain, "C0" if plain == "train" else "C2"))
    if has_val:
        series.append((group["validation"], "validation", "C1"))

    for key, label, color in series:
        xs, ys = _points(epochs, values[key])
        marker = "o" if len(xs) <= 30 else None
        ax.plot(xs, ys, marker=marker, markersize=4, color=color, label=label)

    if has_val:
        xs, ys = _points(epochs, values[group["validation"]])
        finite = [(x, y) for x, y in zip(xs, ys, strict=True) if not math.isnan(y)]
        if finite:
            pick = max if _higher_is_better(metric) else min
            best_x, best_y = pick(finite, key=lambda p: p[1])
            ax.axvline(best_x, color="0.5", linestyle=":", linewidth=1)
            ax.plot(
                [best_x],
                [best_y],
                linestyle="none",
                marker="*",
                markersize=13,
                color="C1",
                markeredgecolor="black",
                label=f"best (epoch {best_x:g})",
            )

    ax.set_title(metric)
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend()
