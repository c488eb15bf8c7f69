"""Checkpoints: atomic under SIGKILL, safe against pickles, clear about bad files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch
from torch import nn

from torchbasics.training import (
    CHECKPOINT_FORMAT_VERSION,
    CheckpointError,
    Trainer,
    load_checkpoint,
    save_checkpoint,
)

# A child process saves a first checkpoint (epoch 1, weights all ones), then
# saves epoch 2 (weights all twos) in a loop. ``stall`` makes it stop at one
# point of the save and say so, so the parent can kill it exactly there.
CHILD = textwrap.dedent(
    """
    import io, os, sys, time
    import torch
    from torchbasics.training import save_checkpoint

    path, stall = sys.argv[1], sys.argv[2]
    model = torch.nn.Linear(512, 512)
    torch.nn.init.ones_(model.weight)
    save_checkpoint(path, model=model, epoch=1)
    torch.nn.init.constant_(model.weight, 2.0)

    def announce_and_wait(where):
        print(where, flush=True)
        time.sleep(120)

    real_save = torch.save
    if stall == "half-written":
        def half_save(obj, file):
            buffer = io.BytesIO()
            real_save(obj, buffer)
            data = buffer.getvalue()
            file.write(data[: len(data) // 2])
            file.flush()
            announce_and_wait(stall)
        torch.save = half_save
    elif stall == "before-fsync":
        real_fsync = os.fsync
        os.fsync = lambda fd: announce_and_wait(stall)
    elif stall == "before-rename":
        os.replace = lambda src, dst: announce_and_wait(stall)
    print("first-saved", flush=True)
    while True:
        save_checkpoint(path, model=model, epoch=2)
    """
)


def start_child(path: Path, stall: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), stall],
        stdout=subprocess.PIPE,
        text=True,
    )


def kill(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)


def check_intact(path: Path) -> int:
    """Load the checkpoint and check that its weights are those of its epoch."""
    checkpoint = load_checkpoint(path)
    epoch = checkpoint["epoch"]
    assert epoch in (1, 2)
    assert torch.all(checkpoint["model"]["weight"] == float(epoch))
    return epoch


@pytest.mark.parametrize("stall", ["half-written", "before-fsync", "before-rename"])
def test_a_save_killed_midway_leaves_the_previous_checkpoint(tmp_path, stall) -> None:
    path = tmp_path / "last.ckpt"
    child = start_child(path, stall)
    try:
        assert child.stdout.readline().strip() == "first-saved"
        assert child.stdout.readline().strip() == stall  # stopped inside the second save
        temporaries = list(tmp_path.glob(".last.ckpt.*.tmp"))
        assert len(temporaries) == 1  # the new data went to a temporary file
    finally:
        kill(child)
    assert check_intact(path) == 1
    # The next save succeeds and clears the dead process's temporary file.
    save_checkpoint(path, model=nn.Linear(2, 2), epoch=3)
    assert load_checkpoint(path)["epoch"] == 3
    assert list(tmp_path.iterdir()) == [path]


def test_kills_at_random_moments_never_leave_a_broken_file(tmp_path) -> None:
    path = tmp_path / "last.ckpt"
    epochs = []
    for delay in (0.0, 0.01, 0.03, 0.07, 0.15, 0.3):
        child = start_child(path, "none")
        try:
            assert child.stdout.readline().strip() == "first-saved"
            time.sleep(delay)
        finally:
            kill(child)
        epochs.append(check_intact(path))
    assert set(epochs) <= {1, 2}


def test_a_malicious_pickle_is_refused_and_never_runs(tmp_path) -> None:
    marker = tmp_path / "payload-ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    evil = tmp_path / "evil.ckpt"
    torch.save({"format_version": 1, "epoch": 0, "model": Payload()}, evil)
    with pytest.raises(CheckpointError) as error:
        load_checkpoint(evil)
    message = str(error.value)
    assert str(evil) in message and "not plain data" in message and "system" in message
    # Through the Trainer too: the model keeps its weights.
    model = nn.Linear(2, 1)
    before = model.weight.detach().clone()
    trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1), nn.MSELoss(),
                      max_epochs=1, device="cpu", progress=False)
    with pytest.raises(CheckpointError):
        trainer.fit([(torch.zeros(1, 2), torch.zeros(1, 1))], ckpt_path=evil)
    assert torch.equal(model.weight, before)
    assert not marker.exists()
    # The same payload does run without weights_only: the test is a real one.
    torch.load(evil, weights_only=False)
    assert marker.exists()


@pytest.fixture
def good_checkpoint(tmp_path) -> Path:
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
    optimizer = torch.optim.Adam(model.parameters())
    model(torch.randn(2, 64)).sum().backward()
    optimizer.step()
    return save_checkpoint(tmp_path / "good.ckpt", model=model, optimizer=optimizer, epoch=5,
                           history={"epoch": [1], "train_loss": [0.5]}, extra={"note": "hi"})


def test_a_good_checkpoint_holds_the_documented_keys(good_checkpoint) -> None:
    checkpoint = load_checkpoint(good_checkpoint)
    assert set(checkpoint) == {
        "format_version", "torchbasics_version", "torch_version", "epoch", "global_step",
        "model", "optimizer", "scheduler", "grad_scaler", "history", "callbacks", "rng",
        "extra",
    }
    assert checkpoint["format_version"] == CHECKPOINT_FORMAT_VERSION
    assert checkpoint["epoch"] == 5 and checkpoint["extra"] == {"note": "hi"}
    assert set(checkpoint["rng"]) == {"torch", "cuda", "numpy", "python", "dataloader"}


@pytest.mark.parametrize("fraction", [0.0, 0.01, 0.25, 0.5, 0.75, 0.99])
def test_a_truncated_file_raises_checkpoint_error(good_checkpoint, fraction) -> None:
    data = good_checkpoint.read_bytes()
    good_checkpoint.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(CheckpointError, match="truncated, corrupted") as error:
        load_checkpoint(good_checkpoint)
    assert str(good_checkpoint) in str(error.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00" * 100, "truncated, corrupted"),
        ("학습 기록 (not a checkpoint)".encode(), "truncated, corrupted"),
        ({"weight": torch.ones(2)}, "looks like a bare state_dict"),
        ([1, 2, 3], "holds a list, not a dict"),
        ({"format_version": CHECKPOINT_FORMAT_VERSION + 1, "epoch": 0, "model": {}},
         "upgrade torchbasics"),
    ],
    ids=["zeros", "text", "state-dict", "list", "newer-format"],
)
def test_files_that_are_not_checkpoints(tmp_path, content, message) -> None:
    path = tmp_path / "file.ckpt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        torch.save(content, path)
    with pytest.raises(CheckpointError, match=message) as error:
        load_checkpoint(path)
    assert str(path) in str(error.value)


def test_corrupted_bytes_inside_the_archive(good_checkpoint) -> None:
    data = bytearray(good_checkpoint.read_bytes())
    start = data.index(b"PK")  # damage the archive's first local header
    data[start : start + 40] = b"\xff" * 40
    good_checkpoint.write_bytes(bytes(data))
    with pytest.raises(CheckpointError):
        load_checkpoint(good_checkpoint)


def test_a_missing_file_is_a_file_not_found_error(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="no checkpoint file"):
        load_checkpoint(tmp_path / "nope.ckpt")


def test_save_checkpoint_checks_its_model(tmp_path) -> None:
    with pytest.raises(TypeError, match="nn.Module"):
        save_checkpoint(tmp_path / "x.ckpt", model={"weight": torch.ones(1)})
    assert not list(tmp_path.iterdir())


def test_a_failing_save_leaves_the_old_file_and_no_temporary(tmp_path, good_checkpoint) -> None:
    before = good_checkpoint.read_bytes()

    class Unsaveable(nn.Module):
        def state_dict(self, *args, **kwargs):
            return {"weight": (lambda: None)}  # lambdas cannot be pickled

    with pytest.raises(Exception):
        save_checkpoint(good_checkpoint, model=Unsaveable())
    assert good_checkpoint.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["good.ckpt"]
