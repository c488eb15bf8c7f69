"""Pick a device, move data to it, describe the machine and time GPU work correctly.

Every lecture and the `Trainer` choose their device through
[`get_device`][torchbasics.devices.get_device], never through a hard-coded
``"cuda"``: the same code then runs on an NVIDIA GPU, an Apple GPU (MPS) or
the CPU.

Examples:
    >>> import torch
    >>> from torchbasics.devices import get_device, to_device
    >>> device = get_device("cpu")
    >>> batch = to_device({"x": torch.ones(2), "name": "demo"}, device)
    >>> batch["x"].device
    device(type='cpu')
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import torch

__all__ = [
    "DEVICE_ENV_VAR",
    "DeviceUnavailableError",
    "Stopwatch",
    "Timing",
    "available_devices",
    "describe_device",
    "environment_report",
    "get_device",
    "measure",
    "synchronize",
    "to_device",
]

DEVICE_ENV_VAR = "TORCHBASICS_DEVICE"
"""Environment variable that overrides the automatic choice of
[`get_device`][torchbasics.devices.get_device]."""

T = TypeVar("T")
DeviceLike = str | torch.device


class DeviceUnavailableError(RuntimeError):
    """A device was asked for explicitly, but this machine cannot provide it.

    The message names the device that was requested, where the request came
    from, and the devices that *are* available.
    """


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def available_devices() -> list[str]:
    """List the devices PyTorch can use on this machine, best first.

    Returns:
        Device strings such as ``["cuda:0", "cuda:1", "cpu"]``; ``"cpu"``
        is always present and always last.

    Examples:
        >>> from torchbasics.devices import available_devices
        >>> available_devices()[-1]
        'cpu'
    """
    devices: list[str] = []
    if torch.cuda.is_available():
        devices += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if _mps_available():
        devices.append("mps")
    devices.append("cpu")
    return devices


def _check_available(device: torch.device, requested: str, source: str) -> None:
    """Raise [`DeviceUnavailableError`][torchbasics.devices.DeviceUnavailableError]
    unless ``device`` exists here."""
    available = available_devices()
    if device.type == "cpu":
        return
    if device.type == "cuda" and torch.cuda.is_available():
        index = 0 if device.index is None else device.index
        if index < torch.cuda.device_count():
            return
    elif device.type == "mps" and _mps_available():
        return
    raise DeviceUnavailableError(
        f"device {requested!r} ({source}) is not available on this machine; "
        f"available devices: {', '.join(available)}"
    )


def get_device(device: DeviceLike | None = None) -> torch.device:
    """Return the device to compute on.

    The choice is made in this order:

    1. ``device``, when given (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``
       or a `torch.device`);
    2. the ``TORCHBASICS_DEVICE`` environment variable, when set and not empty;
    3. otherwise the best device present: CUDA, then Apple's MPS, then the CPU.

    A device asked for in 1. or 2. is never silently replaced by another one:
    if it does not exist here, the call fails and says what does.

    Args:
        device: The device to use, or ``None`` to choose automatically.

    Returns:
        The chosen device. ``"cuda"`` without an index is returned as
        ``cuda:0``, the GPU PyTorch would use for it.

    Raises:
        DeviceUnavailableError: The requested device is not available.
        ValueError: ``device`` is not a device name PyTorch understands.

    Examples:
        >>> from torchbasics.devices import get_device
        >>> get_device("cpu")
        device(type='cpu')
        >>> get_device().type in {"cuda", "mps", "cpu"}
        True
    """
    if device is None:
        env_value = os.environ.get(DEVICE_ENV_VAR, "").strip()
        if env_value:
            requested, source = env_value, f"from ${DEVICE_ENV_VAR}"
        else:
            if torch.cuda.is_available():
                return torch.device("cuda", torch.cuda.current_device())
            if _mps_available():
                return torch.device("mps")
            return torch.device("cpu")
    elif isinstance(device, torch.device):
        requested, source = str(device), "passed as argument"
    elif isinstance(device, str):
        requested, source = device.strip(), "passed as argument"
    else:
        raise TypeError(
            f"device must be a str, a torch.device or None, got {type(device).__name__}"
        )

    try:
        chosen = torch.device(requested)
    except RuntimeError as err:
        raise ValueError(
            f"{requested!r} ({source}) is not a device name; "
            "expected e.g. 'cpu', 'cuda', 'cuda:1' or 'mps'"
        ) from err
    _check_available(chosen, requested, source)
    if chosen.type == "cuda" and chosen.index is None:
        chosen = torch.device("cuda", torch.cuda.current_device())
    return chosen


def to_device(obj: T, device: DeviceLike, *, non_blocking: bool = False) -> T:
    """Move every tensor inside ``obj`` to ``device``.

    Dicts, lists, tuples (named tuples too) are walked recursively and rebuilt
    with the same type; any other value is returned untouched. This is how a
    training loop moves a batch, whatever shape the batch has.

    Args:
        obj: A tensor, or a nested container holding tensors.
        device: Where to move the tensors.
        non_blocking: Passed to `torch.Tensor.to`; lets a copy
            from pinned CPU memory overlap with GPU work.

    Returns:
        A structure like ``obj`` whose tensors live on ``device``.

    Examples:
        >>> import torch
        >>> from torchbasics.devices import to_device
        >>> batch = {"x": torch.zeros(2, 3), "y": [torch.ones(2)], "id": 7}
        >>> moved = to_device(batch, "cpu")
        >>> moved["x"].device, moved["y"][0].device, moved["id"]
        (device(type='cpu'), device(type='cpu'), 7)
    """
    target = torch.device(device) if isinstance(device, str) else device
    moved: T = _move(obj, target, non_blocking)
    return moved


def _move(obj: Any, device: torch.device, non_blocking: bool) -> Any:
    if isinstance(obj, torch.Tensor):
        return obj.to(device, non_blocking=non_blocking)
    if isinstance(obj, Mapping):
        items = {k: _move(v, device, non_blocking) for k, v in obj.items()}
        rebuild: Any = type(obj)  # most Mapping types take a dict; Mapping itself does not
        try:
            return rebuild(items)
        except TypeError:  # a Mapping type that cannot be built from a dict
            return items
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # namedtuple
        return type(obj)(*(_move(v, device, non_blocking) for v in obj))
    if isinstance(obj, (list, tuple)):
        return type(obj)(_move(v, device, non_blocking) for v in obj)
    return obj


def synchronize(device: DeviceLike | None = None) -> None:
    """Wait until all work queued on ``device`` has finished.

    GPU operations are asynchronous: Python gets control back as soon as the
    work is *queued*. Reading a clock without synchronising measures the
    queueing, not the computation. On the CPU this does nothing.

    Args:
        device: The device to wait for; ``None`` means
            [`get_device()`][torchbasics.devices.get_device].

    Examples:
        >>> from torchbasics.devices import synchronize
        >>> synchronize("cpu")  # nothing to wait for on the CPU
    """
    dev = get_device(device)
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)
    elif dev.type == "mps":
        torch.mps.synchronize()


class Stopwatch:
    """Measure wall-clock time of a block of device work, synchronising correctly.

    The device is synchronised when the block starts (so earlier queued work
    is not counted) and before the clock is read at the end (so the block's
    own work is). Uses `time.perf_counter`.

    Args:
        device: The device the timed work runs on; ``None`` means
            [`get_device()`][torchbasics.devices.get_device].

    Attributes:
        elapsed: Seconds the block took; ``None`` until the block has ended.

    Examples:
        >>> import torch
        >>> from torchbasics.devices import Stopwatch
        >>> x = torch.ones(256, 256)
        >>> with Stopwatch("cpu") as sw:
        ...     y = x @ x
        >>> sw.elapsed > 0
        True
    """

    def __init__(self, device: DeviceLike | None = None) -> None:
        self.device = get_device(device)
        self.elapsed: float | None = None
        self._start: float | None = None

    def __enter__(self) -> Stopwatch:
        synchronize(self.device)
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        synchronize(self.device)
        assert self._start is not None
        self.elapsed = time.perf_counter() - self._start


@dataclass(frozen=True)
class Timing:
    """Repeated timings of one function, in seconds.

    Attributes:
        times: Seconds taken by each timed repetition (warm-up runs excluded).
        device: The device that was synchronised around each repetition.
    """

    times: tuple[float, ...]
    device: str

    @property
    def median(self) -> float:
        """Median seconds per call: robust to a single slow repetition."""
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        """Fastest repetition, in seconds."""
        return min(self.times)

    def __str__(self) -> str:
        return f"{self.median * 1e3:.3f} ms median of {len(self.times)} runs on {self.device}"


def measure(
    fn: Callable[[], object],
    device: DeviceLike | None = None,
    *,
    repeats: int = 5,
    warmup: int = 1,
    number: int = 1,
) -> Timing:
    """Time ``fn()`` on ``device``: warm up, then repeat, synchronising each time.

    The first calls on a GPU pay one-off costs (CUDA context, kernel
    selection, memory allocation); ``warmup`` calls absorb them and are not
    counted. For very short work, raise ``number``: each repetition then
    times ``number`` calls in a row and records their average, so the clock
    and the synchronisation are paid once per repetition, not once per call.

    Args:
        fn: A function taking no arguments that does the work to time.
        device: The device ``fn`` computes on; ``None`` means
            [`get_device()`][torchbasics.devices.get_device]. Pass the device
            your tensors are on: synchronising another device would time only
            the launch of the work.
        repeats: Timed repetitions (at least 1).
        warmup: Untimed calls made first (0 or more).
        number: Calls per timed repetition (at least 1).

    Returns:
        Seconds per call for each repetition, with their median and best.

    Raises:
        ValueError: ``repeats`` < 1, ``number`` < 1 or ``warmup`` < 0.

    Examples:
        >>> import torch
        >>> from torchbasics.devices import measure
        >>> x = torch.ones(128, 128)
        >>> timing = measure(lambda: x @ x, "cpu", repeats=3)
        >>> len(timing.times), timing.median > 0
        (3, True)
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    if number < 1:
        raise ValueError(f"number must be at least 1, got {number}")
    if warmup < 0:
        raise ValueError(f"warmup must be 0 or more, got {warmup}")
    dev = get_device(device)
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        with Stopwatch(dev) as sw:
            for _ in range(number):
                fn()
        assert sw.elapsed is not None
        times.append(sw.elapsed / number)
    return Timing(times=tuple(times), device=str(dev))


def _gib(n_bytes: int) -> str:
    return f"{n_bytes / 2**30:.1f} GiB"


def _cpu_model() -> str:
    """The processor's marketing name where the OS tells it, else its architecture."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:  # Linux
            for line in cpuinfo:
                key, _, value = line.partition(":")
                if key.strip() in {"model name", "Model"} and value.strip():
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown processor"


def describe_device(device: DeviceLike | None = None) -> str:
    """Name a device together with the hardware behind it, in one line.

    What a notebook or a bug report should say about where code ran: for a
    GPU its name and memory, for Apple's GPU the machine, for the CPU the
    processor and its number of logical cores.

    Args:
        device: The device to describe; ``None`` means
            [`get_device()`][torchbasics.devices.get_device].

    Returns:
        For example ``"cuda:0 (NVIDIA H100 80GB HBM3, 79.1 GiB)"``,
        ``"mps (Apple GPU, arm64)"`` or ``"cpu (AMD EPYC 7B13, 8 logical cores)"``.

    Raises:
        DeviceUnavailableError: ``device`` does not exist on this machine.
        ValueError: ``device`` is not a device name PyTorch understands.

    Examples:
        >>> from torchbasics.devices import describe_device
        >>> describe_device("cpu").startswith("cpu (")
        True
        >>> describe_device("cpu").endswith(" logical cores)")
        True
    """
    dev = get_device(device)
    if dev.type == "cuda":
        props = torch.cuda.get_device_properties(dev)
        return f"{dev} ({props.name}, {_gib(props.total_memory)})"
    if dev.type == "mps":
        return f"mps (Apple GPU, {platform.machine()})"
    return f"cpu ({_cpu_model()}, {os.cpu_count()} logical cores)"


def environment_report() -> str:
    """Describe the software and the devices of this machine, one fact a line.

    Useful at the top of a notebook or in a bug report: torch and Python
    versions, what [`get_device()`][torchbasics.devices.get_device] would pick, and for each
    GPU its name, memory and compute capability. ``python -m torchbasics``
    prints it too, followed by which optional extras are installed.

    Returns:
        A multi-line, human-readable report.

    Examples:
        >>> from torchbasics.devices import environment_report
        >>> report = environment_report()
        >>> report.splitlines()[0].startswith("torch ")
        True
        >>> "cpu:" in report
        True
    """
    try:
        default = str(get_device())
    except (DeviceUnavailableError, ValueError) as err:
        # the report is most needed exactly when the configuration is wrong
        default = f"none ({err})"
    lines = [
        f"torch {torch.__version__}",
        f"python {platform.python_version()} ({platform.system()} {platform.machine()})",
        f"default device: {default}",
    ]
    if torch.cuda.is_available():
        lines.append(f"CUDA runtime {torch.version.cuda}")
        for i in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(i)
            lines.append(
                f"cuda:{i}: {props.name}, {_gib(props.total_memory)}, "
                f"compute capability {props.major}.{props.minor}"
            )
    else:
        lines.append("cuda: not available")
    lines.append("mps: available" if _mps_available() else "mps: not available")
    threads = torch.get_num_threads()
    plural = "" if threads == 1 else "s"
    lines.append(f"cpu: {os.cpu_count()} logical cores, torch uses {threads} thread{plural}")
    return "\n".join(lines)
