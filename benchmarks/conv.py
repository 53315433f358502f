"""(e) Forward + backward of a VGG-style block: conv 3×3 → ReLU → conv 3×3 → ReLU → max-pool 2×2.

64 → 64 channels on 56×56 images, batch 8, float32; ours (im2col and one matrix product per
convolution) against PyTorch's own convolution kernels.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from backprop import Tensor, nn
from benchmarks.timing import group, ratio_of, target, timings

N, C, HW = 8, 64, 56


def block(functional, x, w1, b1, w2, b2):
    """The block, written once for backprop.nn and torch.nn.functional."""
    h = functional.relu(functional.conv2d(x, w1, b1, padding=1))
    h = functional.relu(functional.conv2d(h, w2, b2, padding=1))
    return functional.max_pool2d(h, 2)


def arrays() -> list[np.ndarray]:
    """x, w1, b1, w2, b2 and the output's cotangent, float32."""
    rng = np.random.default_rng(0)
    shapes = [(N, C, HW, HW), (C, C, 3, 3), (C,), (C, C, 3, 3), (C,), (N, C, HW // 2, HW // 2)]
    return [rng.standard_normal(s, dtype=np.float32) * 0.1 for s in shapes]


def run() -> dict:
    """ms per forward + backward, ours and PyTorch's."""
    *inputs, cotangent = arrays()
    ours_in = [Tensor(a, requires_grad=True) for a in inputs]
    torch_in = [torch.tensor(a, requires_grad=True) for a in inputs]
    torch_g = torch.from_numpy(cotangent)

    def ours() -> None:
        block(nn, *ours_in).backward(cotangent)

    def pytorch() -> None:
        block(F, *torch_in).backward(torch_g)

    ours(), pytorch()
    spread = float(np.abs(ours_in[1].grad - torch_in[1].grad.numpy()).max())
    # NB: NumPy (OpenBLAS) and torch thread pools are timed in sessions of their own.
    seconds = timings({"backprop": ours}, warmup=1, repeats=7, number=1)
    seconds |= timings({"PyTorch": pytorch}, warmup=1, repeats=7, number=1)
    g = group(
        "conv-relu-conv-relu-pool, 64 channels, 56×56, batch 8",
        seconds,
        "PyTorch",
        "ms per step",
        agreement=spread,
    )
    return {
        "title": "VGG-style convolution block",
        "groups": [g],
        "skipped": {},
        "targets": [target("conv block: backprop / PyTorch", ratio_of(g, "backprop"), 3.0)],
    }
