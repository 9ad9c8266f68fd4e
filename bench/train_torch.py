"""The PyTorch side of bench/train.ts: the same architecture, batch and training loop, on one CPU thread.

Usage: python3 bench/train_torch.py MODEL BATCH EPOCHS   (MODEL: hyploc, single, single-plus)
Prints one JSON line: {"samples_per_second": ..., "cpu_samples_per_second": ... (per second of this process's
CPU time: what one thread gives when the machine is shared), "torch": version, "blas": the BLAS library loaded}.

The model and loop follow src/learn/models.ts and src/learn/train.ts: GELU (exact erf form), HypLoc's
hypernetwork (64, 128, 1824 sigmoid) giving a per-sample 56x32 main layer and its 32 biases, then 32, 32,
2; Single 32-32-32-2, Single+ 340-340-340-2; Adam (beta 0.9 / 0.999, eps 1e-7), lr 1e-3 decayed 4 % every
10000 samples (a staircase, set before every batch), MSE, a fresh shuffle each epoch, the loss read every
batch. The data are synthetic (the default dataset's size, 22775 x 56): speed does not depend on them.
The timed epochs follow one warm-up epoch; the import of torch is not timed.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
N, WIDTH = 22775, 56


class HypLoc(nn.Module):
    def __init__(self, width: int):
        super().__init__()
        self.width = width
        self.hyper = nn.Sequential(nn.Linear(width, 64), nn.GELU(), nn.Linear(64, 128), nn.GELU(), nn.Linear(128, width * 32 + 32), nn.Sigmoid())
        self.head = nn.Sequential(nn.Linear(32, 32), nn.GELU(), nn.Linear(32, 32), nn.GELU(), nn.Linear(32, 2))

    def forward(self, x):
        p = self.hyper(x)
        w = p[:, : self.width * 32].view(-1, self.width, 32)
        main = F.gelu(torch.bmm(x.unsqueeze(1), w).squeeze(1) + p[:, self.width * 32 :])
        return self.head(main)


def mlp(width: int, units: int) -> nn.Module:
    return nn.Sequential(nn.Linear(width, units), nn.GELU(), nn.Linear(units, units), nn.GELU(), nn.Linear(units, units), nn.GELU(), nn.Linear(units, 2))


def blas_library() -> str:
    """The BLAS shared library this process loaded (Debian's torch links whatever libblas.so.3 points to)."""
    with open("/proc/self/maps") as maps:
        libs = sorted({line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1].lower()})
    return ", ".join(libs) or "none found"


def main() -> None:
    kind, batch, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    g = torch.Generator().manual_seed(1)
    x_all = torch.rand(N, WIDTH, generator=g) * 2 - 1
    y_all = torch.rand(N, 2, generator=g) * 2 - 1
    model = HypLoc(WIDTH) if kind == "hyploc" else mlp(WIDTH, 32 if kind == "single" else 340)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    processed = 0
    seconds = 0.0
    cpu = 0.0
    for epoch in range(epochs + 1):
        t0 = time.perf_counter()
        c0 = time.process_time()
        order = torch.randperm(N, generator=g)
        loss_sum = 0.0
        for s in range(0, N, batch):
            idx = order[s : s + batch]
            for group in opt.param_groups:
                group["lr"] = 1e-3 * 0.96 ** (processed // 10000)
            loss = F.mse_loss(model(x_all[idx]), y_all[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            processed += len(idx)
        if epoch > 0:
            seconds += time.perf_counter() - t0
            cpu += time.process_time() - c0
    print(json.dumps({"samples_per_second": N * epochs / seconds, "cpu_samples_per_second": N * epochs / cpu, "torch": torch.__version__, "blas": blas_library()}))


if __name__ == "__main__":
    main()
