"""Held-out error on scikit-learn's bundled 8×8 digits: a fixed stratified split, a small tanh
network, and a grid of (α, λ) cells trained side by side by our engine and optimizers, with
`torch.optim` training single cells as a check."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from backprop import Tensor
from backprop.nn import log_softmax
from backprop.optim import Adam

CLASSES = 10
BETAS, EPS = (0.9, 0.999), 1e-8  # torch's defaults, passed explicitly to both libraries


@dataclass(frozen=True)
class Split:
    """Training and held-out images (pixels/16, centred on the training mean), their labels, and
    their rows in `load_digits()`."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    train_rows: np.ndarray
    test_rows: np.ndarray


def split(test_size: float = 0.5, seed: int = 0, dtype=np.float32) -> Split:
    """The 1,797 images split once, stratified by digit; nothing about the test images (not
    even their mean) reaches training."""
    x, y = load_digits(return_X_y=True)
    train_rows, test_rows = train_test_split(
        np.arange(len(y)), test_size=test_size, stratify=y, random_state=seed
    )
    x = x / 16.0
    centre = x[train_rows].mean(axis=0)
    train, test = (x[train_rows] - centre).astype(dtype), (x[test_rows] - centre).astype(dtype)
    return Split(train, y[train_rows], test, y[test_rows], train_rows, test_rows)


def initial_weights(inputs: int, hidden: int, seed: int = 0, dtype=np.float32) -> list:
    """W₁, b₁, W₂, b₂ of an inputs → hidden (tanh) → 10 network: normal weights scaled by
    1/√fan-in, zero biases (each bias a row, so it broadcasts over the batch)."""
    rng = np.random.default_rng(seed)
    return [
        (rng.standard_normal((inputs, hidden)) / np.sqrt(inputs)).astype(dtype),
        np.zeros((1, hidden), dtype),
        (rng.standard_normal((hidden, CLASSES)) / np.sqrt(hidden)).astype(dtype),
        np.zeros((1, CLASSES), dtype),
    ]


def logits(params, x):
    """tanh(x W₁ + b₁) W₂ + b₂: our Tensors (a leading axis of cells) and torch tensors alike."""
    w1, b1, w2, b2 = params
    return (x @ w1 + b1).tanh() @ w2 + b2


def train_grid(
    data: Split, init: list, cells: list[tuple[float, float]], steps: int, optimizer: type[Adam]
) -> list[np.ndarray]:
    """Train one copy of the network per (α, λ) cell from the same `init`, `steps` full-batch
    steps of `optimizer` (our Adam: λ as L2; AdamW: decoupled); return the weights, cells first.

    All cells share one graph per step: the loss is the sum of the cells' mean cross-entropies,
    so each cell's gradient is its own. Each cell's optimizer sees its weights as one flat row.
    """
    # NB: full-batch steps at a constant α, one split, one seed: no minibatches and no schedule,
    #     both of which Loshchilov & Hutter use.
    n_cells, sizes = len(cells), [w.size for w in init]
    flat = np.concatenate([np.tile(w.reshape(1, -1), (n_cells, 1)) for w in init], axis=1)
    grad = np.empty_like(flat)
    bounds = np.cumsum([0, *sizes])
    weights = [flat[:, a:b].reshape(n_cells, *w.shape) for a, b, w in zip(bounds, bounds[1:], init)]
    grads = [grad[:, a:b].reshape(n_cells, *w.shape) for a, b, w in zip(bounds, bounds[1:], init)]
    params = [Tensor(w, requires_grad=True) for w in weights]  # views: updated in place
    optimizers = [
        optimizer(
            [SimpleNamespace(data=flat[c], grad=grad[c])],
            lr=lr,
            betas=BETAS,
            eps=EPS,
            weight_decay=decay,
        )
        for c, (lr, decay) in enumerate(cells)
    ]
    x, targets = Tensor(data.x_train), np.eye(CLASSES, dtype=flat.dtype)[data.y_train]
    for _ in range(steps):
        for p in params:
            p.grad = None
        loss = -(log_softmax(logits(params, x)) * targets).sum() / len(data.y_train)
        loss.backward()
        for g, p in zip(grads, params):
            g[...] = p.grad
        for opt in optimizers:
            opt.step()
    return weights


def errors(weights: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The fraction of images (x, y) each cell's network misclassifies."""
    predicted = logits([Tensor(w) for w in weights], Tensor(x)).data.argmax(axis=-1)
    return (predicted != y).mean(axis=-1)


def torch_train(
    data: Split, init: list, lr: float, decay: float, steps: int, optimizer: type
) -> list[np.ndarray]:
    """One cell trained by PyTorch autograd and `optimizer` (torch.optim.Adam or AdamW), from
    the same weights and data, in their dtype; its weights with a leading axis of one cell."""
    params = [torch.tensor(w, requires_grad=True) for w in init]
    opt = optimizer(params, lr=lr, betas=BETAS, eps=EPS, weight_decay=decay)
    x, y = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(logits(params, x), y).backward()
        opt.step()
    return [p.detach().numpy()[None] for p in params]
