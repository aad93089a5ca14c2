#!/usr/bin/env python3
"""The book's convolutional networks in PyTorch, written as a PyTorch user would, as nnlab's peer.

    /usr/bin/python3 tests/bench/cnn_torch.py --net simple|deep [--seed 1] [--threads 2]
        [--train-limit N] [--test-limit N] [--epochs N]

The defaults are those of experiments/simple_convnet.yaml and experiments/deep_convnet.yaml; keep
them in step. Same data (the first N Fashion-MNIST training images, /255; the first M test images),
same networks, same init (conv and linear weights N(0, 1) * sqrt(2 / fan_in), fan_in = in_channels x
k x k for a convolution, as nnlab's `init: he`; biases 0), same schedule (Adam lr 0.001, batches of
100 over a fresh permutation each epoch, train and test accuracy evaluated after every epoch), same
thread count. The deep net's dropout is the book's (no rescale in training, x (1 - ratio) at
inference), nnlab's default `mode: book`: torch.nn.Dropout is inverted dropout, and on the last
layer's logits the two train differently (inverted doubles the kept logits, sharpening the softmax).

Prints the train and test accuracy per epoch, the final ones, and the training time (data loading
excluded) as 'key: value' lines.
"""
import argparse
import time

import numpy as np
import torch
from torch import nn

from torch_peer import images, labels

# Per net: (train_limit, test_limit, epochs), as in the experiment files.
DEFAULTS = {"simple": (10000, 10000, 10), "deep": (4000, 2000, 5)}


class BookDropout(nn.Module):
    """The book's Dropout: keep where U[0,1) > ratio, no rescale; x (1 - ratio) at inference."""

    def __init__(self, ratio=0.5):
        super().__init__()
        self.ratio = ratio

    def forward(self, x):
        if self.training:
            return x * (torch.rand_like(x) > self.ratio)
        return x * (1.0 - self.ratio)


def simple_convnet():
    """Chapter 7's SimpleConvNet: conv 30 x 5x5 - ReLU - max-pool 2 - affine 100 - ReLU - affine 10."""
    return nn.Sequential(
        nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(30 * 12 * 12, 100), nn.ReLU(), nn.Linear(100, 10))


def deep_convnet():
    """Chapter 8's DeepConvNet: (conv-relu-conv-relu-pool) x 3 - affine 50 - relu - dropout - affine
    10 - dropout. The fourth convolution pads by 2 as the book's does (14 -> 16), so the last pool
    leaves 64 x 4 x 4."""
    def conv(c_in, c_out, padding=1):
        return [nn.Conv2d(c_in, c_out, 3, padding=padding), nn.ReLU()]

    return nn.Sequential(
        *conv(1, 16), *conv(16, 16), nn.MaxPool2d(2),
        *conv(16, 32), *conv(32, 32, padding=2), nn.MaxPool2d(2),
        *conv(32, 64), *conv(64, 64), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 4 * 4, 50), nn.ReLU(), BookDropout(0.5),
        nn.Linear(50, 10), BookDropout(0.5))


def he_init(model):
    # kaiming_normal_(fan_in, relu) is N(0, 2 / fan_in) with fan_in = in_channels x k x k: nnlab's he.
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            nn.init.zeros_(m.bias)


@torch.no_grad()
def accuracy(model, x, t, batch=1000):
    model.eval()
    correct = sum((model(x[i:i + batch]).argmax(1) == t[i:i + batch]).sum().item()
                  for i in range(0, len(x), batch))
    model.train()
    return correct / len(x)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--net", choices=sorted(DEFAULTS), required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--train-limit", type=int)
    parser.add_argument("--test-limit", type=int)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--lr", type=float, default=0.001)
    args = parser.parse_args()
    train_limit, test_limit, epochs = DEFAULTS[args.net]
    train_limit = args.train_limit or train_limit
    test_limit = args.test_limit or test_limit
    epochs = args.epochs or epochs
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x_train = torch.from_numpy(images("train")[:train_limit]).reshape(-1, 1, 28, 28)
    t_train = torch.from_numpy(labels("train")[:train_limit])
    x_test = torch.from_numpy(images("t10k")[:test_limit]).reshape(-1, 1, 28, 28)
    t_test = torch.from_numpy(labels("t10k")[:test_limit])
    model = simple_convnet() if args.net == "simple" else deep_convnet()
    he_init(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()

    train_accs, test_accs = [], []
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(len(x_train))
        for i in range(0, len(order) - args.batch_size + 1, args.batch_size):
            batch = order[i:i + args.batch_size]
            optimizer.zero_grad()
            loss_fn(model(x_train[batch]), t_train[batch]).backward()
            optimizer.step()
        train_accs.append(accuracy(model, x_train, t_train))
        test_accs.append(accuracy(model, x_test, t_test))
    seconds = time.perf_counter() - start
    print("train_acc_per_epoch: " + " ".join(f"{a:.4f}" for a in train_accs))
    print("test_acc_per_epoch: " + " ".join(f"{a:.4f}" for a in test_accs))
    print(f"train_acc: {train_accs[-1]:.4f}")
    print(f"test_acc: {test_accs[-1]:.4f}")
    print(f"seconds: {seconds:.3f}")


if __name__ == "__main__":
    main()
