"""Time series as supervised data: sliding windows, and the Mauna Loa CO2 series.

A forecasting model reads ``window`` consecutive values and predicts the
``horizon`` values that follow. [`make_windows`][torchbasics.data.make_windows]
cuts any 1-D series into such pairs;
[`load_co2_windows`][torchbasics.data.load_co2_windows] does it for a real
series that ships with statsmodels (the ``data`` extra).
"""

from __future__ import annotations

import torch
from torch.utils.data import TensorDataset

from torchbasics._validation import check_dims, check_positive_int, check_tensor
from torchbasics.data._extras import require

__all__ = ["load_co2_windows", "make_windows"]


def make_windows(series: torch.Tensor, window: int, horizon: int = 1) -> TensorDataset:
    """Cut a 1-D series into (past ``window`` values, next ``horizon`` values) pairs.

    Window ``i`` holds ``series[i : i + window]`` as input and
    ``series[i + window : i + window + horizon]`` as target; consecutive
    windows overlap, shifted by one step. The tensors are copies, not views
    of ``series``.

    Args:
        series: The values in time order.
        window: How many past values the model reads.
        horizon: How many following values it predicts.

    Returns:
        ``TensorDataset(inputs, targets)`` with
        ``N = len(series) - window - horizon + 1`` pairs.

    Raises:
        TypeError: ``series`` is not a floating-point tensor, or ``window``
            or ``horizon`` is not an int.
        ValueError: ``series`` is not 1-D, ``window`` or ``horizon`` is not
            positive, or the series is too short for one pair.

    Shape:
        - series: `(T,)`.
        - inputs: `(N, window, 1)`, batch-first sequences of one feature,
          as ``nn.RNN(1, ..., batch_first=True)`` reads them.
        - targets: `(N, horizon)`.

    Examples:
        >>> import torch
        >>> from torchbasics.data import make_windows
        >>> inputs, targets = make_windows(torch.arange(6.0), window=3).tensors
        >>> inputs.shape, targets.shape
        (torch.Size([3, 3, 1]), torch.Size([3, 1]))
        >>> inputs[0].flatten(), targets[0]
        (tensor([0., 1., 2.]), tensor([3.]))
    """
    series = check_tensor(series, "series")
    check_dims(series, 1, "(T,)", "series")
    if not series.is_floating_point():
        raise TypeError(
            f"series must be floating point, got {series.dtype}; convert it with series.float()"
        )
    check_positive_int(window, "window")
    check_positive_int(horizon, "horizon")
    span = window + horizon
    if len(series) < span:
        raise ValueError(
            f"series of length {len(series)} is too short for window={window} "
            f"and horizon={horizon}: it needs at least {span} values"
        )
    pairs = series.unfold(0, span, 1)  # (N, window + horizon), a view
    inputs = pairs[:, :window].unsqueeze(-1).clone()
    targets = pairs[:, window:].clone()
    return TensorDataset(inputs, targets)


def _co2_series(feature: str) -> torch.Tensor:
    co2 = require("statsmodels.datasets.co2", feature)
    weekly = co2.load_pandas().data["co2"]
    filled = weekly.interpolate(method="linear", limit_direction="both")
    return torch.tensor(filled.to_numpy(), dtype=torch.float32)


def load_co2_series() -> torch.Tensor:
    """The weekly CO2 series at Mauna Loa, 1958-03-29 to 2001-12-29, in ppm.

    2,284 weekly averages of atmospheric CO2 (313.0 to 373.9 parts per
    million). 59 weeks have no measurement in the source; each is filled by
    linear interpolation between its measured neighbours, so the series has
    no gaps.

    Source: Keeling and Whorf, Scripps Institution of Oceanography, via
    ``statsmodels.datasets.co2`` (public domain). Needs the ``data`` extra.

    Returns:
        The series, float32.

    Raises:
        MissingExtraError: statsmodels (or pandas) is not installed.

    Shape:
        - output: `(2284,)`.

    Examples:
        >>> from torchbasics.data import load_co2_series
        >>> co2 = load_co2_series()
        >>> co2.shape, round(co2[0].item(), 1)
        (torch.Size([2284]), 316.1)
    """
    return _co2_series("load_co2_series()")


def load_co2_windows(window: int = 52, horizon: int = 1) -> TensorDataset:
    """The Mauna Loa CO2 series cut into windows, for forecasting with an RNN.

    The series of [`load_co2_series`][torchbasics.data.load_co2_series]
    (2,284 weeks, the 59 missing weeks filled by linear interpolation) cut by
    [`make_windows`][torchbasics.data.make_windows]: each input is
    ``window`` consecutive weeks (52 = one year, one full seasonal cycle)
    and its target the ``horizon`` weeks that follow. The values stay in
    ppm, not standardized.

    Consecutive windows overlap, so a random split would put nearly the
    same weeks in the training and the test part: split in time order with
    ``split(dataset, shuffle=False)``, then standardize with the statistics
    of the training part only. All values are the same quantity, so one
    mean and one standard deviation serve inputs and targets alike (see the
    example). Needs the ``data`` extra.

    Args:
        window: Weeks the model reads.
        horizon: Weeks it predicts.

    Returns:
        ``TensorDataset(inputs, targets)`` with
        ``N = 2284 - window - horizon + 1`` pairs, in time order.

    Raises:
        MissingExtraError: statsmodels (or pandas) is not installed.
        TypeError: ``window`` or ``horizon`` is not an int.
        ValueError: ``window`` or ``horizon`` is not positive, or they are
            too long to leave one pair.

    Shape:
        - inputs: `(N, window, 1)`, float32, batch-first.
        - targets: `(N, horizon)`, float32.

    Examples:
        >>> from torchbasics.data import Standardizer, load_co2_windows, split
        >>> dataset = load_co2_windows(window=52, horizon=1)
        >>> [tuple(t.shape) for t in dataset.tensors]
        [(2232, 52, 1), (2232, 1)]
        >>> train, val, test = split(dataset, shuffle=False)  # time order
        >>> scaler = Standardizer.fit(train, per_feature=False)  # train only
        >>> train, val, test = (scaler.transform(part, targets=True)
        ...                     for part in (train, val, test))
        >>> abs(train.tensors[0].mean().item()) < 1e-4
        True
    """
    check_positive_int(window, "window")  # before the slow load
    check_positive_int(horizon, "horizon")
    return make_windows(_co2_series("load_co2_windows()"), window, horizon)
