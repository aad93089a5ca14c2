"""The benches' trivial sweep: one epoch on four rows, so almost all of a trial is the framework's
own work (scheduling, messages, bookkeeping). `TRIVIAL % trials` is the experiment's YAML."""

TRIVIAL = """name: trivial
seed: 1
data: {kind: synthetic, classes: 2, features: 2, train: 4, test: 4}
model: {layers: [{kind: dense, units: 2}], loss: {kind: softmax_cross_entropy}}
optimizer: {kind: sgd}
train: {epochs: 1, batch_size: 4, eval: [train]}
search:
  kind: random
  trials: %d
  objective: {metric: train_acc, mode: max}
  space: {optimizer.lr: {distribution: log_uniform, min: 1.0e-4, max: 1.0}}
"""
