"""DDP: two CPU processes (gloo) under torchrun train as one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
from torch import nn

from torchbasics.metrics import accuracy
from torchbasics.training import load_checkpoint

SCRIPT = Path(__file__).parent / "scripts" / "ddp_train.py"
sys.path.insert(0, str(SCRIPT.parent))
from ddp_train import data  # noqa: E402

pytestmark = pytest.mark.skipif(
    not dist.is_available() or not dist.is_gloo_available(), reason="torch built without gloo"
)


@pytest.fixture(scope="module")
def ddp_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ddp")
    env = dict(os.environ, GLOO_SOCKET_IFNAME="lo", OMP_NUM_THREADS="1",
               TORCHBASICS_DEVICE="cpu")
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
         str(SCRIPT), str(out)],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def load(out: Path, rank: int) -> dict:
    return torch.load(out / f"rank{rank}.pt", weights_only=True)


def test_both_processes_end_with_identical_weights(ddp_run) -> None:
    zero, one = load(ddp_run, 0), load(ddp_run, 1)
    assert zero["world_size"] == one["world_size"] == 2
    for name, value in zero["model"].items():
        assert torch.equal(one["model"][name], value), name
    # And training did happen: the weights moved from their initial values.
    torch.manual_seed(0)
    initial = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 2)).state_dict()
    assert not torch.equal(initial["0.weight"], zero["model"]["0.weight"])


def test_each_process_trained_on_half_the_data(ddp_run) -> None:
    # 128 samples / 2 processes / batches of 16 = 4 steps per epoch, 3 epochs.
    assert load(ddp_run, 0)["global_step"] == load(ddp_run, 1)["global_step"] == 12


def test_reported_metrics_are_the_global_ones(ddp_run) -> None:
    zero, one = load(ddp_run, 0), load(ddp_run, 1)
    assert zero["history"] == one["history"]  # local values would differ
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 2))
    model.load_state_dict(zero["model"])
    val = data(64, seed=2)
    with torch.no_grad():
        logits = model(val.tensors[0])
    loss = nn.functional.cross_entropy(logits, val.tensors[1]).item()
    # The last epoch's validation, computed by one process over all 64 samples.
    assert zero["history"]["val_loss"][-1] == pytest.approx(loss, rel=1e-6)
    assert zero["history"]["val_accuracy"][-1] == pytest.approx(accuracy(logits, val.tensors[1]))
    expected = {"loss": loss, "accuracy": accuracy(logits, val.tensors[1])}
    assert zero["evaluate"] == one["evaluate"] == pytest.approx(expected)


def test_files_come_from_rank_zero_only(ddp_run) -> None:
    assert sorted(p.name for p in (ddp_run / "checkpoints").iterdir()) == [
        "best.ckpt", "last.ckpt"]
    # Saved without DDP's "module." prefix: loads into a plain model.
    saved = load_checkpoint(ddp_run / "checkpoints" / "last.ckpt")["model"]
    assert saved.keys() == load(ddp_run, 0)["model"].keys()
    assert len(list((ddp_run / "tensorboard").glob("events.out.tfevents.*"))) == 1
    lines = (ddp_run / "history.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in lines] == ["epoch", "1", "2", "3"]
