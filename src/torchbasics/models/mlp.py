"""A multi-layer perceptron: linear layers with an activation between them.

The course's binary classifier, 2 inputs -> 4 ReLU units -> 1 logit, is
`MLP(2, [4], 1)`. Like every model of the course it returns raw scores
(logits): the loss (`nn.BCEWithLogitsLoss`, `nn.CrossEntropyLoss`) applies the
sigmoid or softmax itself, more accurately than a separate layer would.

Examples:
    >>> import torch
    >>> from torchbasics.models import MLP
    >>> MLP(2, [4], 1)
    MLP(
      (layers): Sequential(
        (0): Linear(in_features=2, out_features=4, bias=True)
        (1): ReLU()
        (2): Linear(in_features=4, out_features=1, bias=True)
      )
    )
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

import torch
from torch import nn

from torchbasics._validation import (
    check_dims,
    check_features,
    check_floating,
    check_number,
    check_positive_int,
    check_tensor,
)

__all__ = ["ACTIVATIONS", "MLP"]

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "gelu": nn.GELU,
    "leaky_relu": nn.LeakyReLU,
}
"""Activation names accepted by `MLP`, each mapped to its module class."""


class MLP(nn.Module):
    """Fully connected network: `Linear -> activation (-> Dropout)` per hidden size.

    The last layer is linear with no activation, so the output is logits for
    classification or the predicted values for regression.

    Args:
        in_features: Number of input features per example.
        hidden: Sizes of the hidden layers, in order. Empty gives a single
            linear layer (logistic or linear regression).
        out_features: Number of outputs per example (logits or values).
        activation: A zero-argument callable returning a module, such as
            `nn.ReLU`, `nn.Tanh` or `nn.GELU` (the class, not an instance), or
            one of the names `"relu"`, `"tanh"`, `"sigmoid"`, `"gelu"`,
            `"leaky_relu"`.
        dropout: Probability of zeroing a hidden unit during training; `0`
            adds no dropout layer.

    Raises:
        ValueError: If a size is not positive, the activation name is unknown,
            `dropout` is outside `[0, 1)`, or the input has the wrong shape.
        TypeError: If a size is not an int, `dropout` is not a number,
            `activation` is not a name or a callable returning an
            `nn.Module`, or the input is not a floating-point tensor.

    Shape:
        - Input: `(N, in_features)`
        - Output: `(N, out_features)`

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> from torchbasics.models import MLP
        >>> model = MLP(2, [4], 1)
        >>> model(torch.zeros(8, 2)).shape
        torch.Size([8, 1])
        >>> deep = MLP(784, [256, 64], 10, activation=nn.GELU, dropout=0.1)
        >>> deep(torch.zeros(5, 784)).shape
        torch.Size([5, 10])
        >>> MLP(2, [4], 1, activation="tanh").layers[1]
        Tanh()
    """

    def __init__(
        self,
        in_features: int,
        hidden: Sequence[int],
        out_features: int,
        activation: str | Callable[[], nn.Module] = nn.ReLU,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence):
            raise TypeError(
                "hidden must be a sequence of layer sizes such as [4] or [] "
                f"(none), got {type(hidden).__name__}"
            )
        sizes = [in_features, *hidden, out_features]
        names = ["in_features", *(f"hidden[{i}]" for i in range(len(hidden)))]
        for name, size in zip([*names, "out_features"], sizes, strict=True):
            check_positive_int(size, name)
        dropout = check_number(dropout, "dropout", minimum=0, below=1)
        make_activation = _resolve_activation(activation)
        self.in_features = int(in_features)
        self.out_features = int(out_features)

        layers: list[nn.Module] = []
        widths = [self.in_features, *map(int, hidden)]
        for fan_in, fan_out in pairwise(widths):
            layers += [nn.Linear(fan_in, fan_out), _build(make_activation)]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(widths[-1], self.out_features))  # logits: no activation
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the outputs (logits) for a batch `x` of shape `(N, in_features)`."""
        check_tensor(x)
        check_dims(x, 2, f"(N, {self.in_features})")
        check_features(x, self.in_features)
        check_floating(x, next(self.parameters()))
        logits: torch.Tensor = self.layers(x)  # (N, in_features) -> (N, out_features)
        return logits


def _resolve_activation(
    activation: str | Callable[[], nn.Module],
) -> Callable[[], nn.Module]:
    """Turn a name or a callable into a zero-argument module factory."""
    if isinstance(activation, str):
        try:
            return ACTIVATIONS[activation.lower()]
        except KeyError:
            raise ValueError(
                f"unknown activation {activation!r}; expected one of "
                f"{', '.join(map(repr, ACTIVATIONS))} or a callable such as nn.ReLU"
            ) from None
    if isinstance(activation, nn.Module):
        cls = type(activation).__name__
        raise TypeError(
            f"activation must be a callable that builds a module, such as "
            f"nn.{cls} (the class), got the module instance {activation!r}"
        )
    if not callable(activation):
        raise TypeError(
            "activation must be a name or a callable returning an nn.Module, "
            f"got {type(activation).__name__}"
        )
    return activation


def _build(make_activation: Callable[[], nn.Module]) -> nn.Module:
    """Call the factory and check that it returned a module."""
    module = make_activation()
    if not isinstance(module, nn.Module):
        raise TypeError(f"activation() must return an nn.Module, got {type(module).__name__}")
    return module
