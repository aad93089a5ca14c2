"""What the PyTorch peers share: the Fashion-MNIST files and the book's 7-layer He-initialised net."""
import gzip

import numpy as np
import torch

FASHION = "/usr/share/datasets/fashion-mnist"


def read_idx(name, header):
    """The bytes after the header of a Debian dataset-fashion-mnist file."""
    with gzip.open(f"{FASHION}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def images(split):
    return read_idx(f"{split}-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32) / 255


def labels(split):
    return read_idx(f"{split}-labels-idx1-ubyte.gz", 8).astype(np.int64)


def book_net():
    """6 x [Linear 100, ReLU] + Linear 10; weights N(0, 2/fan_in), biases 0. Returns (model, weights)."""
    layers, width = [], 784
    for _ in range(6):
        layers += [torch.nn.Linear(width, 100), torch.nn.ReLU()]
        width = 100
    layers.append(torch.nn.Linear(width, 10))
    model = torch.nn.Sequential(*layers)
    weights = []
    for layer in model:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.normal_(layer.weight, std=np.sqrt(2.0 / layer.in_features))
            torch.nn.init.zeros_(layer.bias)
            weights.append(layer.weight)
    return model, weights
