#!/usr/bin/env python3
"""The seed's E7 overfitting run in PyTorch, written as a PyTorch user would, as nnlab's peer.

Same data (the first 300 Fashion-MNIST training images, /255; all 10000 test images), same network
(6 x [Linear 100, ReLU] + Linear 10, He init, zero biases), same schedule (SGD lr 0.01, minibatches of
100 drawn with replacement, evaluate train and test accuracy and loss every 3 updates, 201 evaluations
= 601 updates), same thread count. Prints the training time (data loading excluded) as 'seconds: X'.
"""
import argparse
import time

import numpy as np
import torch

from torch_peer import book_net, images, labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=201)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    x_train, t_train = torch.from_numpy(images("train")[:300]), torch.from_numpy(labels("train")[:300])
    x_test, t_test = torch.from_numpy(images("t10k")), torch.from_numpy(labels("t10k"))
    model, _ = book_net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()

    per_epoch = max(x_train.shape[0] / 100, 1)
    start = time.perf_counter()
    epoch, i = 0, 0
    while True:
        batch = torch.from_numpy(rng.integers(0, x_train.shape[0], 100))
        optimizer.zero_grad()
        loss_fn(model(x_train[batch]), t_train[batch]).backward()
        optimizer.step()
        if i % per_epoch == 0:
            with torch.no_grad():
                metrics = {}
                for name, x, t in (("train", x_train, t_train), ("test", x_test, t_test)):
                    z = model(x)
                    metrics[name + "_loss"] = loss_fn(z, t).item()
                    metrics[name + "_acc"] = (z.argmax(1) == t).float().mean().item()
            epoch += 1
            if epoch >= args.epochs:
                break
        i += 1
    seconds = time.perf_counter() - start
    print(f"train_acc: {metrics['train_acc']:.4f}")
    print(f"test_acc: {metrics['test_acc']:.4f}")
    print(f"updates: {i + 1}")
    print(f"seconds: {seconds:.3f}")


if __name__ == "__main__":
    main()
