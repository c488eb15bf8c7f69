"""torchbasics: the small, readable library used by the torchbasics PyTorch course.

The device utilities and the training API are re-exported here, so
``from torchbasics import Trainer`` works as well as
``from torchbasics.training import Trainer``.
"""

from torchbasics.devices import (
    DeviceUnavailableError,
    Stopwatch,
    Timing,
    available_devices,
    describe_device,
    environment_report,
    get_device,
    measure,
    synchronize,
    to_device,
)
from torchbasics.training import (
    Callback,
    CheckpointError,
    CSVLogger,
    EarlyStopping,
    ModelCheckpoint,
    TensorBoardLogger,
    Trainer,
    load_checkpoint,
    save_checkpoint,
)

__version__ = "0.1.0"

__all__ = [
    "CSVLogger",
    "Callback",
    "CheckpointError",
    "DeviceUnavailableError",
    "EarlyStopping",
    "ModelCheckpoint",
    "Stopwatch",
    "TensorBoardLogger",
    "Timing",
    "Trainer",
    "available_devices",
    "describe_device",
    "environment_report",
    "get_device",
    "load_checkpoint",
    "measure",
    "save_checkpoint",
    "synchronize",
    "to_device",
]
