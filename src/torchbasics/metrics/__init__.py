"""Score a model's predictions: classification and regression metrics on tensors.

Every metric is a plain function of tensors, with no state. It computes on
the device its inputs live on and returns a Python `float` (the confusion
matrix and [`predict_labels`][torchbasics.metrics.predict_labels] return
tensors). The arguments always come in the order of PyTorch's loss
functions, **prediction first, truth second**; scikit-learn uses the
opposite order.

Models return logits, never probabilities. [`accuracy`][torchbasics.metrics.accuracy]
takes the logits themselves; precision, recall, F1 and the confusion matrix
take labels, which [`predict_labels`][torchbasics.metrics.predict_labels]
makes from binary `(N,)`/`(N, 1)` or multi-class `(N, C)` logits. Every
result matches scikit-learn's (with `zero_division=0` where a score would
be 0/0); the tests check this on random inputs.

Examples:
    >>> import torch
    >>> from torchbasics.metrics import accuracy, f1_score, predict_labels
    >>> logits = torch.tensor([[2.0, -1.0], [0.5, 1.5], [0.3, 0.1]])
    >>> target = torch.tensor([0, 1, 1])
    >>> accuracy(logits, target)
    0.666...
    >>> f1_score(predict_labels(logits), target, average="macro")
    0.666...
"""

# One import per name: the API page lists the functions in this order.
from torchbasics.metrics._accuracy import predict_labels  # noqa: I001
from torchbasics.metrics._accuracy import accuracy
from torchbasics.metrics._precision_recall import precision
from torchbasics.metrics._precision_recall import recall
from torchbasics.metrics._precision_recall import f1_score
from torchbasics.metrics._confusion import confusion_matrix
from torchbasics.metrics._regression import mse
from torchbasics.metrics._regression import mae
from torchbasics.metrics._regression import r2_score

__all__ = [
    "accuracy",
    "confusion_matrix",
    "f1_score",
    "mae",
    "mse",
    "precision",
    "predict_labels",
    "r2_score",
    "recall",
]
