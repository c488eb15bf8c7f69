"""torchbasics: the small, readable library used by the torchbasics PyTorch course.

The public API is re-exported here, so ``from torchbasics import get_device``
works as well as ``from torchbasics.devices import get_device``.
"""

from torchbasics.devices import (
    DeviceUnavailableError,
    Stopwatch,
    Timing,
    available_devices,
    environment_report,
    get_device,
    measure,
    synchronize,
    to_device,
)

__version__ = "0.1.0"

__all__ = [
    "DeviceUnavailableError",
    "Stopwatch",
    "Timing",
    "available_devices",
    "environment_report",
    "get_device",
    "measure",
    "synchronize",
    "to_device",
]
