"""Train under ``torchrun``; each process saves what it ended with (used by test_distributed).

Usage: ``torchrun --standalone --nproc_per_node=2 tests/scripts/ddp_train.py OUT_DIR``
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchbasics.metrics import accuracy
from torchbasics.training import CSVLogger, ModelCheckpoint, TensorBoardLogger, Trainer


def data(n: int, seed: int) -> TensorDataset:
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 5, generator=generator)
    return TensorDataset(x, (x[:, 0] - x[:, 2] > 0).long())


def main(out: Path) -> None:
    torch.manual_seed(0)  # same initial weights in every process
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 2))
    trainer = Trainer(
        model,
        torch.optim.SGD(model.parameters(), lr=0.1),
        nn.CrossEntropyLoss(),
        max_epochs=3,
        metrics={"accuracy": accuracy},
        callbacks=[
            ModelCheckpoint(out / "checkpoints", monitor="val_loss"),
            CSVLogger(out / "history.csv"),
            TensorBoardLogger(out / "tensorboard"),
        ],
        device="cpu",
        progress=False,
    )
    train = DataLoader(data(128, seed=1), batch_size=16, shuffle=True)
    val = DataLoader(data(64, seed=2), batch_size=16)
    history = trainer.fit(train, val)
    rank = trainer.distributed.rank if trainer.distributed else 0
    torch.save(
        {
            "model": trainer.model.state_dict(),
            "history": history,
            "global_step": trainer.global_step,
            "world_size": trainer.distributed.world_size if trainer.distributed else 1,
            "evaluate": trainer.evaluate(val),
        },
        out / f"rank{rank}.pt",
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
