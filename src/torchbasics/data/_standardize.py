"""Standardization fitted on the training data only, to avoid data leakage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import overload

import torch
from torch.utils.data import TensorDataset

from torchbasics._validation import check_bool, check_tensor

__all__ = ["Standardizer"]


def _features_of(data: object, what: str) -> torch.Tensor:
    """The tensor to standardize: ``data`` itself, or a TensorDataset's first."""
    if isinstance(data, TensorDataset):
        data = data.tensors[0]
    elif not isinstance(data, torch.Tensor):
        raise TypeError(
            f"{what} expects a tensor or a TensorDataset (split() returns "
            f"TensorDatasets for a TensorDataset), got {type(data).__name__}"
        )
    if not data.is_floating_point():
        raise TypeError(
            f"{what} expects floating-point features, got {data.dtype}; convert them with x.float()"
        )
    return data


@dataclass(frozen=True, eq=False)
class Standardizer:
    """A mean and a standard deviation, fitted once, applied to every part.

    Standardization (``(x - mean) / std``) gives every feature mean 0 and
    standard deviation 1, which helps gradient descent. The statistics must
    come from the **training data only**: computing them on all the data
    lets the validation and test data leak into training (data leakage), so
    their scores look better than they are. Fit a ``Standardizer`` on the
    training part with [`fit`][torchbasics.data.Standardizer.fit], then
    apply the same one to every part with
    [`transform`][torchbasics.data.Standardizer.transform].

    The standard deviation is the population one (divided by ``N``, as in
    scikit-learn's ``StandardScaler``). A feature that is constant in the
    training data has standard deviation 0; it is stored as 1 instead, so
    such a feature becomes 0 rather than a division by zero.

    Attributes:
        mean: The mean of each feature (or one mean, see ``per_feature``).
        std: The standard deviation, with zeros replaced by 1.

    Shape:
        - fit / transform input: `(N, *features)`
        - mean, std: `features` (or `()` with ``per_feature=False``)
        - transform output: same as its input

    Examples:
        >>> import torch
        >>> from torchbasics.data import Standardizer
        >>> train = torch.tensor([[1.0, 10.0], [3.0, 10.0]])
        >>> scaler = Standardizer.fit(train)
        >>> scaler.mean, scaler.std
        (tensor([ 2., 10.]), tensor([1., 1.]))
        >>> scaler.transform(torch.tensor([[5.0, 12.0]]))
        tensor([[3., 2.]])
    """

    mean: torch.Tensor
    std: torch.Tensor

    @classmethod
    def fit(cls, data: torch.Tensor | TensorDataset, *, per_feature: bool = True) -> Standardizer:
        """Compute the statistics of ``data``: pass the training part only.

        Args:
            data: Features, or a ``TensorDataset`` whose first tensor holds
                them (its other tensors, the targets, are not used).
            per_feature: One mean and standard deviation per feature, taken
                over the samples (dimension 0), as for a table or images.
                ``False`` takes one of each over all the values, for data
                whose values are all the same quantity, such as the windows
                of one time series; the statistics are then scalars that
                also fit the targets (``transform(..., targets=True)``).

        Returns:
            The fitted standardizer, on the device and with the dtype of
            the features.

        Raises:
            TypeError: ``data`` is not a tensor or a ``TensorDataset``, or
                its features are not floating point.
            ValueError: There are no samples.

        Shape:
            - features: `(N, *)`.
            - mean, std: `(*)`, or `()` with ``per_feature=False``.
        """
        features = _features_of(data, "Standardizer.fit")
        check_bool(per_feature, "per_feature")
        if features.ndim == 0 or len(features) == 0:
            raise ValueError(
                "Standardizer.fit needs at least one sample, got features of "
                f"shape {tuple(features.shape)}"
            )
        values = features.double()
        dims = 0 if per_feature else tuple(range(values.ndim))
        mean = values.mean(dim=dims)
        std = values.std(dim=dims, correction=0)
        std = torch.where(std == 0, torch.ones_like(std), std)
        return cls(mean.to(features.dtype), std.to(features.dtype))

    def _check_shape(self, x: torch.Tensor, name: str) -> None:
        if self.mean.ndim and tuple(x.shape[1:]) != tuple(self.mean.shape):
            shape = ", ".join(["N", *map(str, self.mean.shape)])
            raise ValueError(
                f"expected {name} of shape ({shape}) like the data this "
                f"Standardizer was fitted on, got {tuple(x.shape)}"
            )

    @overload
    def transform(self, data: torch.Tensor, *, targets: bool = False) -> torch.Tensor: ...
    @overload
    def transform(self, data: TensorDataset, *, targets: bool = False) -> TensorDataset: ...
    def transform(
        self, data: torch.Tensor | TensorDataset, *, targets: bool = False
    ) -> torch.Tensor | TensorDataset:
        """Standardize ``data`` with the fitted statistics: ``(x - mean) / std``.

        Args:
            data: Features, or a ``TensorDataset`` whose first tensor holds
                them.
            targets: For a ``TensorDataset``, also standardize its second
                tensor (the targets) with the same statistics; meant for
                scalar statistics (``per_feature=False``), as in forecasting,
                where inputs and targets are the same quantity.

        Returns:
            A new tensor, or a new ``TensorDataset`` whose other tensors
            are the original ones, unchanged.

        Raises:
            TypeError: ``data`` is not a tensor or a ``TensorDataset`` of
                floating-point features.
            ValueError: The features have another shape than those fitted.
        """
        check_bool(targets, "targets")
        features = _features_of(data, "Standardizer.transform")
        self._check_shape(features, "features")
        scaled = (features - self.mean) / self.std
        if not isinstance(data, TensorDataset):
            return scaled
        rest = list(data.tensors[1:])
        if targets:
            if not rest:
                raise ValueError("targets=True, but the dataset has no second tensor")
            target = _features_of(rest[0], "Standardizer.transform (targets)")
            self._check_shape(target, "targets")
            rest[0] = (target - self.mean) / self.std
        return TensorDataset(scaled, *rest)

    def inverse_transform(self, x: torch.Tensor) -> torch.Tensor:
        """Undo the standardization: ``x * std + mean``.

        Use it to read standardized predictions in the original units.

        Examples:
            >>> import torch
            >>> from torchbasics.data import Standardizer
            >>> scaler = Standardizer(mean=torch.tensor(300.0), std=torch.tensor(20.0))
            >>> scaler.inverse_transform(torch.tensor([0.0, 1.5]))
            tensor([300., 330.])
        """
        x = check_tensor(x)
        return x * self.std + self.mean
