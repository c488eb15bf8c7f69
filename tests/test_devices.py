"""Unit tests of torchbasics.devices.

The CUDA tests run for real on a machine with a CUDA GPU and are skipped,
with the reason, everywhere else.
"""

from __future__ import annotations

import io
import os
import platform
from collections import namedtuple

import pytest
import torch

from torchbasics import devices
from torchbasics.devices import (
    DEVICE_ENV_VAR,
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

HAS_CUDA = torch.cuda.is_available()
needs_cuda = pytest.mark.skipif(not HAS_CUDA, reason="no CUDA GPU on this machine")
no_cuda = pytest.mark.skipif(HAS_CUDA, reason="checks behaviour without CUDA")


@pytest.fixture(autouse=True)
def _no_env_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DEVICE_ENV_VAR, raising=False)


@pytest.fixture
def cpu_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend this machine has neither CUDA nor MPS."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(devices, "_mps_available", lambda: False)


def test_auto_choice_is_cpu_without_accelerators(cpu_only: None) -> None:
    assert get_device() == torch.device("cpu")
    assert available_devices() == ["cpu"]


def test_auto_choice_prefers_mps_over_cpu(
    cpu_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(devices, "_mps_available", lambda: True)
    assert get_device() == torch.device("mps")
    assert available_devices() == ["mps", "cpu"]


def test_explicit_argument_wins_over_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(DEVICE_ENV_VAR, "no-such-device")
    assert get_device("cpu") == torch.device("cpu")
    assert get_device(torch.device("cpu")) == torch.device("cpu")


def test_environment_variable_overrides_auto_choice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(DEVICE_ENV_VAR, " cpu ")
    assert get_device() == torch.device("cpu")


def test_empty_environment_variable_is_ignored(
    cpu_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DEVICE_ENV_VAR, "")
    assert get_device() == torch.device("cpu")


@pytest.mark.parametrize("requested", ["cuda", "cuda:3", "mps"])
def test_unavailable_explicit_device_names_it_and_what_exists(
    cpu_only: None, requested: str
) -> None:
    with pytest.raises(DeviceUnavailableError) as info:
        get_device(requested)
    message = str(info.value)
    assert repr(requested) in message
    assert "passed as argument" in message
    assert "available devices: cpu" in message


def test_unavailable_device_from_environment_says_where_it_came_from(
    cpu_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DEVICE_ENV_VAR, "cuda")
    with pytest.raises(DeviceUnavailableError, match=DEVICE_ENV_VAR):
        get_device()


def test_cuda_index_beyond_device_count_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(DeviceUnavailableError, match="'cuda:1'"):
        get_device("cuda:1")


def test_nonsense_device_name_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a device name"):
        get_device("gpu0")


def test_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="got int"):
        get_device(0)  # type: ignore[arg-type]


def test_device_unavailable_error_is_a_runtime_error() -> None:
    assert issubclass(DeviceUnavailableError, RuntimeError)


def test_to_device_walks_nested_containers_and_keeps_types() -> None:
    Pair = namedtuple("Pair", "x y")
    batch = {
        "x": torch.zeros(2),
        "nested": [torch.ones(1), (torch.ones(1), "label")],
        "pair": Pair(torch.ones(1), 3),
        "meta": {"id": 7, "name": None},
    }
    moved = to_device(batch, "cpu")
    assert moved is not batch
    assert isinstance(moved["nested"], list)
    assert isinstance(moved["nested"][1], tuple)
    assert isinstance(moved["pair"], Pair) and moved["pair"].y == 3
    assert moved["meta"] == {"id": 7, "name": None}
    assert moved["nested"][1][1] == "label"


def test_to_device_returns_non_tensors_untouched() -> None:
    marker = object()
    assert to_device(marker, "cpu") is marker
    assert to_device("text", torch.device("cpu")) == "text"


def test_to_device_changes_dtype_of_nothing() -> None:
    x = torch.arange(3)
    assert to_device([x], "cpu")[0].dtype == torch.int64


def test_synchronize_on_cpu_is_a_no_op() -> None:
    assert synchronize("cpu") is None


def test_stopwatch_measures_the_block() -> None:
    with Stopwatch("cpu") as sw:
        assert sw.elapsed is None
        sum(range(10_000))
    assert sw.elapsed is not None and sw.elapsed > 0


def test_stopwatch_synchronises_before_start_and_before_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(devices, "synchronize", lambda d: calls.append(str(d)))
    with Stopwatch("cpu"):
        calls.append("work")
    assert calls == ["cpu", "work", "cpu"]


def test_measure_discards_warmup_and_counts_repeats() -> None:
    calls = []
    timing = measure(lambda: calls.append(1), "cpu", repeats=4, warmup=2)
    assert len(calls) == 6
    assert len(timing.times) == 4
    assert timing.best <= timing.median
    assert timing.device == "cpu"
    assert "median of 4 runs on cpu" in str(timing)


def test_measure_number_runs_several_calls_per_repeat_and_averages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter([0.0, 3.0, 10.0, 16.0])  # two repetitions: 3 s and 6 s
    monkeypatch.setattr(devices.time, "perf_counter", lambda: next(clock))
    calls = []
    timing = measure(lambda: calls.append(1), "cpu", repeats=2, warmup=0, number=3)
    assert len(calls) == 6
    assert timing.times == (1.0, 2.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"repeats": 0}, "repeats"), ({"warmup": -1}, "warmup"), ({"number": 0}, "number")],
)
def test_measure_rejects_bad_counts(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        measure(lambda: None, "cpu", **kwargs)


def test_timing_median_is_robust_to_one_outlier() -> None:
    assert Timing(times=(1.0, 1.0, 100.0), device="cpu").median == 1.0


def test_environment_report_lists_versions_and_devices(cpu_only: None) -> None:
    lines = environment_report().splitlines()
    assert lines[0] == f"torch {torch.__version__}"
    assert "default device: cpu" in lines
    assert "cuda: not available" in lines
    assert "mps: not available" in lines
    assert any(line.startswith("cpu: ") for line in lines)


def test_environment_report_survives_a_bad_device_setting(
    cpu_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DEVICE_ENV_VAR, "cuda")
    report = environment_report()
    assert "default device: none (device 'cuda'" in report
    assert DEVICE_ENV_VAR in report


def test_describe_device_names_the_processor_and_its_cores(cpu_only: None) -> None:
    described = describe_device()
    assert described.startswith("cpu (") and described.endswith(
        f", {os.cpu_count()} logical cores)"
    )
    model = described[len("cpu (") : -len(f", {os.cpu_count()} logical cores)")]
    assert model.strip(), described


def test_describe_device_reads_the_cpu_model_on_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "builtins.open",
        lambda *a, **k: io.StringIO("processor\t: 0\nmodel name\t: Example CPU 9000\n"),
    )
    assert describe_device("cpu").startswith("cpu (Example CPU 9000, ")


def test_describe_device_falls_back_to_the_architecture(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_proc(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError("/proc/cpuinfo")

    monkeypatch.setattr("builtins.open", no_proc)
    monkeypatch.setattr(platform, "processor", lambda: "")
    monkeypatch.setattr(platform, "machine", lambda: "arm64")
    assert describe_device("cpu").startswith("cpu (arm64, ")


def test_describe_device_names_apple_gpus(cpu_only: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(devices, "_mps_available", lambda: True)
    monkeypatch.setattr(platform, "machine", lambda: "arm64")
    assert describe_device() == "mps (Apple GPU, arm64)"


def test_describe_device_refuses_a_missing_device(cpu_only: None) -> None:
    with pytest.raises(DeviceUnavailableError, match="'cuda'"):
        describe_device("cuda")


def test_public_api_is_reexported_from_the_package() -> None:
    import torchbasics

    for name in devices.__all__:
        if name != "DEVICE_ENV_VAR":
            assert getattr(torchbasics, name) is getattr(devices, name)


# --- real CUDA ---------------------------------------------------------------


@needs_cuda
def test_cuda_is_the_automatic_choice() -> None:
    assert get_device().type == "cuda"
    assert available_devices()[0] == "cuda:0"


@needs_cuda
def test_plain_cuda_gets_an_index() -> None:
    assert get_device("cuda").index == torch.cuda.current_device()


@needs_cuda
def test_to_device_moves_nested_tensors_to_the_gpu_and_back() -> None:
    batch = {"x": torch.ones(4), "y": [torch.zeros(2)]}
    on_gpu = to_device(batch, get_device("cuda"))
    assert on_gpu["x"].is_cuda and on_gpu["y"][0].is_cuda
    back = to_device(on_gpu, "cpu")
    assert torch.equal(back["x"], batch["x"])


@needs_cuda
def test_measure_waits_for_the_gpu() -> None:
    device = get_device("cuda")
    a = torch.randn(2048, 2048, device=device)
    synced = measure(lambda: a @ a, device, repeats=3)
    assert synced.median > 0
    # The launch alone returns long before the product is finished.
    import time

    synchronize(device)
    start = time.perf_counter()
    for _ in range(10):
        a @ a
    launch_only = time.perf_counter() - start
    synchronize(device)
    assert launch_only < 10 * synced.median


@needs_cuda
def test_environment_report_names_the_gpu() -> None:
    name = torch.cuda.get_device_properties(0).name
    assert f"cuda:0: {name}" in environment_report()


@needs_cuda
def test_describe_device_names_the_gpu_and_its_memory() -> None:
    props = torch.cuda.get_device_properties(0)
    gib = f"{props.total_memory / 2**30:.1f} GiB"
    assert describe_device("cuda:0") == f"cuda:0 ({props.name}, {gib})"


@no_cuda
def test_cuda_request_fails_loudly_without_a_gpu() -> None:
    with pytest.raises(DeviceUnavailableError):
        get_device("cuda")
