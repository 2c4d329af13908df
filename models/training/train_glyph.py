"""Trains the Q/0 glyph classifier on cells from glyph-dataset.ts and exports it to ONNX.

Usage: python train_glyph.py DATA_DIR OUT.onnx   (see models/training/README.md)
Input [N, 3, 48, 24] float, normalised like the recogniser's ((x/255 − 0.5)/0.5, BGR); output [N, 2]
probabilities of '0' and 'Q'.
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

data_dir, out_path = Path(sys.argv[1]), sys.argv[2]
meta = json.loads((data_dir / "labels.json").read_text())
shape = meta["shape"]
cells = np.fromfile(data_dir / "cells.u8", dtype=np.uint8).reshape(-1, *shape)
labels = np.array(meta["labels"], dtype=np.int64)
assert len(cells) == len(labels), (len(cells), len(labels))

torch.manual_seed(0)
rng = np.random.default_rng(0)
order = rng.permutation(len(cells))
cut = int(len(cells) * 0.85)
x = torch.from_numpy(cells.astype(np.float32) / 127.5 - 1)
y = torch.from_numpy(labels)
train_idx, val_idx = torch.from_numpy(order[:cut]), torch.from_numpy(order[cut:])


class GlyphNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        block = lambda i, o: nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(), nn.MaxPool2d(2))
        self.features = nn.Sequential(block(3, 16), block(16, 32), block(32, 48))  # 48×24 → 6×3
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(48 * 6 * 3, 2))

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.head(self.features(t)), dim=1)


def augment(b: torch.Tensor) -> torch.Tensor:
    """Shifts of up to 2 px, contrast and brightness jitter, shuffled colour channels."""
    n = b.shape[0]
    dx, dy = rng.integers(-2, 3, 2)
    b = torch.roll(b, shifts=(int(dy), int(dx)), dims=(2, 3))
    b = b[:, torch.from_numpy(rng.permutation(3))]
    gain = torch.from_numpy(rng.uniform(0.7, 1.3, (n, 1, 1, 1)).astype(np.float32))
    bias = torch.from_numpy(rng.uniform(-0.2, 0.2, (n, 1, 1, 1)).astype(np.float32))
    return (b * gain + bias).clamp(-1, 1)


model = GlyphNet()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
epochs = 20
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=epochs * ((cut + 127) // 128))
for epoch in range(epochs):
    model.train()
    perm = train_idx[torch.randperm(len(train_idx))]
    for s in range(0, len(perm), 128):
        idx = perm[s : s + 128]
        p = model(augment(x[idx]))
        loss = nn.functional.nll_loss(torch.log(p + 1e-7), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    model.eval()
    with torch.no_grad():
        pred = model(x[val_idx]).argmax(1)
    wrong = (pred != y[val_idx]).sum().item()
    print(f"epoch {epoch + 1}: loss {loss.item():.4f}, validation {len(val_idx) - wrong}/{len(val_idx)} right")

model.eval()
torch.onnx.export(model, x[:1], out_path, input_names=["x"], output_names=["p"], dynamic_axes={"x": {0: "n"}, "p": {0: "n"}}, opset_version=17, dynamo=False)
print(f"wrote {out_path}")
