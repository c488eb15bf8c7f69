"""Small real data sets that ship with scikit-learn (the ``data`` extra).

Each loader converts scikit-learn's NumPy arrays into a ``TensorDataset``
with the dtypes and shapes PyTorch's layers and losses expect, so that
``DataLoader(load_...(), batch_size=32)`` is ready to train on.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch.utils.data import TensorDataset

from torchbasics._validation import check_bool
from torchbasics.data._extras import require

__all__ = ["load_breast_cancer", "load_diabetes", "load_digits"]


def _sklearn_bunch(name: str) -> Any:  # a scikit-learn Bunch
    datasets = require("sklearn.datasets", f"{name}()")
    return getattr(datasets, name)()


def _floats(array: np.ndarray) -> torch.Tensor:
    return torch.tensor(array, dtype=torch.float32)


def load_diabetes() -> TensorDataset:
    """The diabetes data set: 442 patients, 10 features, one number to predict.

    A regression problem: predict a measure of how far the disease has
    progressed one year after the baseline (25 to 346) from age, sex, body
    mass index, average blood pressure and six blood serum measurements.
    scikit-learn ships the features already centred and scaled (each column
    has mean 0 and a sum of squares of 1), so they are small numbers; the
    target is in its original units.

    Source: Efron, Hastie, Johnstone and Tibshirani (2004), "Least Angle
    Regression", Annals of Statistics; distributed with scikit-learn (BSD
    licence). Needs the ``data`` extra.

    Returns:
        ``TensorDataset(features, targets)``.

    Raises:
        MissingExtraError: scikit-learn is not installed.

    Shape:
        - features: `(442, 10)`, float32.
        - targets: `(442, 1)`, float32, the shape of a regression model's
          output, ready for ``nn.MSELoss``.

    Examples:
        >>> from torchbasics.data import load_diabetes
        >>> features, targets = load_diabetes().tensors
        >>> features.shape, targets.shape, targets.dtype
        (torch.Size([442, 10]), torch.Size([442, 1]), torch.float32)
    """
    bunch = _sklearn_bunch("load_diabetes")
    return TensorDataset(_floats(bunch.data), _floats(bunch.target).reshape(-1, 1))


def load_breast_cancer() -> TensorDataset:
    """The Wisconsin breast cancer data set: 569 tumours, 30 features, 2 classes.

    A binary classification problem: tell malignant from benign tumours by
    30 measurements of cell nuclei in an image of a fine needle aspirate.
    The label follows scikit-learn: **1 = benign** (357 tumours), **0 =
    malignant** (212). The features are in their original units, from
    about 0.001 to about 4,000: standardize them (see
    [`split`][torchbasics.data.split]) before training.

    Source: Wolberg, Street and Mangasarian, Breast Cancer Wisconsin
    (Diagnostic), UCI Machine Learning Repository (CC BY 4.0); distributed
    with scikit-learn. Needs the ``data`` extra.

    Returns:
        ``TensorDataset(features, labels)``.

    Raises:
        MissingExtraError: scikit-learn is not installed.

    Shape:
        - features: `(569, 30)`, float32.
        - labels: `(569, 1)`, float32 0.0 or 1.0, the shape and dtype of a
          one-logit model's output, ready for ``nn.BCEWithLogitsLoss``.

    Examples:
        >>> from torchbasics.data import load_breast_cancer
        >>> features, labels = load_breast_cancer().tensors
        >>> features.shape, labels.shape, int(labels.sum())
        (torch.Size([569, 30]), torch.Size([569, 1]), 357)
    """
    bunch = _sklearn_bunch("load_breast_cancer")
    return TensorDataset(_floats(bunch.data), _floats(bunch.target).reshape(-1, 1))


def load_digits(flatten: bool = False) -> TensorDataset:
    """Handwritten digits: 1,797 grey images of 8x8 pixels, 10 classes.

    A small MNIST that trains in seconds on a CPU, about 180 images per
    digit. The pixels, integers from 0 to 16 in scikit-learn, are divided
    by 16 so that they lie in `[0, 1]`.

    Source: Alpaydin and Kaynak, Optical Recognition of Handwritten Digits,
    UCI Machine Learning Repository (CC BY 4.0); distributed with
    scikit-learn. Needs the ``data`` extra.

    Args:
        flatten: Give each image as a vector of 64 pixels (for an MLP)
            instead of a 1-channel 8x8 image (for a CNN).

    Returns:
        ``TensorDataset(images, labels)``.

    Raises:
        MissingExtraError: scikit-learn is not installed.

    Shape:
        - images: `(1797, 1, 8, 8)`, or `(1797, 64)` with ``flatten=True``;
          float32 in `[0, 1]`.
        - labels: `(1797,)`, int64 class indices 0 to 9, ready for
          ``nn.CrossEntropyLoss``.

    Examples:
        >>> from torchbasics.data import load_digits
        >>> images, labels = load_digits().tensors
        >>> images.shape, labels.dtype, images.max().item()
        (torch.Size([1797, 1, 8, 8]), torch.int64, 1.0)
        >>> load_digits(flatten=True).tensors[0].shape
        torch.Size([1797, 64])
    """
    check_bool(flatten, "flatten")
    bunch = _sklearn_bunch("load_digits")
    images = _floats(bunch.data) / 16.0
    images = images if flatten else images.reshape(-1, 1, 8, 8)
    return TensorDataset(images, torch.tensor(bunch.target, dtype=torch.int64))
