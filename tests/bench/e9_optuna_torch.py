#!/usr/bin/env python3
"""The seed's E9 random search as Optuna + PyTorch users write it: nnlab's peer in sweep_bench.py.

RandomSampler (or --sampler tpe) over lr = 10^U(-6,-2) and weight decay = 10^U(-8,-4); each trial trains the 7-layer net
(6 x [Linear 100, ReLU] + Linear 10, He init) with SGD on 400 of the first 500 Fashion-MNIST images
(shuffled once; 100 validate), minibatches of 100 drawn with replacement, for 50 epochs, and returns
the last validation accuracy. Weight decay is the book's L2 (added to the loss, weights only).
Prints 'seconds: X' and 'best: Y'.
"""
import argparse
import time

import numpy as np
import optuna
import torch

from torch_peer import book_net, images, labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sampler", choices=["random", "tpe"], default="random")
    args = parser.parse_args()
    torch.set_num_threads(1)
    x, t = images("train")[:500], labels("train")[:500]
    order = np.random.default_rng(args.seed).permutation(500)
    x_val, t_val = torch.from_numpy(x[order[:100]]), torch.from_numpy(t[order[:100]])
    x_train, t_train = torch.from_numpy(x[order[100:]]), torch.from_numpy(t[order[100:]])

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-6, 1e-2, log=True)
        decay = trial.suggest_float("weight_decay", 1e-8, 1e-4, log=True)
        torch.manual_seed(trial.number)
        rng = np.random.default_rng(trial.number)
        model, weights = book_net()
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        loss_fn = torch.nn.CrossEntropyLoss()
        per_epoch, epoch, i = max(x_train.shape[0] / 100, 1), 0, 0
        while True:
            batch = torch.from_numpy(rng.integers(0, x_train.shape[0], 100))
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[batch]), t_train[batch])
            loss = loss + 0.5 * decay * sum((w * w).sum() for w in weights)
            loss.backward()
            optimizer.step()
            if i % per_epoch == 0:
                with torch.no_grad():
                    train_acc = (model(x_train).argmax(1) == t_train).float().mean().item()
                    val_acc = (model(x_val).argmax(1) == t_val).float().mean().item()
                epoch += 1
                if epoch >= 50:
                    return val_acc
            i += 1

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = (optuna.samplers.TPESampler(seed=args.seed) if args.sampler == "tpe"
               else optuna.samplers.RandomSampler(seed=args.seed))
    study = optuna.create_study(direction="maximize", sampler=sampler)
    start = time.perf_counter()
    study.optimize(objective, n_trials=args.trials, n_jobs=args.jobs)
    print(f"seconds: {time.perf_counter() - start:.3f}")
    print(f"best: {study.best_value:.4f}")


if __name__ == "__main__":
    main()
