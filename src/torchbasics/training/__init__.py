"""Training: the `Trainer`, its callbacks, and checkpoints that are safe to keep.

- [`Trainer`][torchbasics.training.Trainer]: the loop of the lectures
  (``zero_grad``, forward, loss, ``backward``, ``step``) with validation,
  metrics, callbacks, checkpoints, mixed precision and DDP around it.
- Callbacks: [`Callback`][torchbasics.training.Callback] (the base class),
  [`EarlyStopping`][torchbasics.training.EarlyStopping],
  [`ModelCheckpoint`][torchbasics.training.ModelCheckpoint],
  [`CSVLogger`][torchbasics.training.CSVLogger] and
  [`TensorBoardLogger`][torchbasics.training.TensorBoardLogger].
- Hyperparameter search: [`OptunaPruning`][torchbasics.training.OptunaPruning]
  reports each epoch to an Optuna trial and stops the training the study
  prunes (``pip install "torchbasics[tune]"``).
- Checkpoints: [`save_checkpoint`][torchbasics.training.save_checkpoint]
  writes atomically; [`load_checkpoint`][torchbasics.training.load_checkpoint]
  reads with ``weights_only=True`` and raises
  [`CheckpointError`][torchbasics.training.CheckpointError] for a file it
  cannot use.
"""

from torchbasics.training._callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    ModelCheckpoint,
    TensorBoardLogger,
)
from torchbasics.training._checkpoint import (
    CHECKPOINT_FORMAT_VERSION,
    CheckpointError,
    load_checkpoint,
    save_checkpoint,
)
from torchbasics.training._optuna import OptunaPruning
from torchbasics.training._progress import PROGRESS_ENV_VAR
from torchbasics.training._trainer import History, Metric, NonFiniteLossError, Trainer

__all__ = [
    "CHECKPOINT_FORMAT_VERSION",
    "PROGRESS_ENV_VAR",
    "CSVLogger",
    "Callback",
    "CheckpointError",
    "EarlyStopping",
    "History",
    "Metric",
    "ModelCheckpoint",
    "NonFiniteLossError",
    "OptunaPruning",
    "TensorBoardLogger",
    "Trainer",
    "load_checkpoint",
    "save_checkpoint",
]
