#!/usr/bin/python3
"""Expected values for LossOracleTests (losses.json): Debian python3-torch's losses where they coincide with Keras's
(cross-entropy from logits incl. label smoothing, BCE with logits, MSE, MAE, Huber), numpy for Keras-specific forms
(probability inputs renormalised and clipped to [1e-7, 1 - 1e-7], KL divergence with clipping, sample weights with
"sum_over_batch_size"). Regenerate with: /usr/bin/python3 make_fixtures.py"""
import json, os
import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(11)
EPS = 1e-7
N, C = 6, 4
logits = rng.normal(size=(N, C)) * 2
probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
labels = rng.integers(0, C, size=N)
onehot = np.eye(C)[labels]
weights = rng.random(N) + 0.1
T = lambda a: torch.tensor(a, dtype=torch.float64)

cases = []
def add(loss, config, y_true, y_pred, expected, sample_weight=None):
    cases.append({"loss": loss, "config": config, "y_true": np.asarray(y_true).tolist(), "y_pred": np.asarray(y_pred).tolist(),
                  "sample_weight": None if sample_weight is None else np.asarray(sample_weight).tolist(), "expected": np.asarray(expected).tolist()})

# Sparse / categorical cross-entropy.
add("sparse_categorical_crossentropy", {"fromLogits": True}, labels, logits, F.cross_entropy(T(logits), torch.tensor(labels)).item())
p = np.clip(probs / probs.sum(-1, keepdims=True), EPS, 1 - EPS)
add("sparse_categorical_crossentropy", {}, labels, probs, -np.log(p[np.arange(N), labels]).mean())
add("sparse_categorical_crossentropy", {"reduction": "none"}, labels.reshape(N, 1), probs, -np.log(p[np.arange(N), labels]))
add("categorical_crossentropy", {"fromLogits": True}, onehot, logits, F.cross_entropy(T(logits), torch.tensor(labels)).item())
add("categorical_crossentropy", {"fromLogits": True, "labelSmoothing": 0.2}, onehot, logits,
    F.cross_entropy(T(logits), torch.tensor(labels), label_smoothing=0.2).item())
add("categorical_crossentropy", {}, onehot, probs, -(onehot * np.log(p)).sum(-1).mean())
per = -(onehot * np.log(p)).sum(-1)
add("categorical_crossentropy", {}, onehot, probs, (per * weights).sum() / N, weights)
add("categorical_crossentropy", {"reduction": "sum"}, onehot, probs, (per * weights).sum(), weights)
add("categorical_crossentropy", {"reduction": "mean_with_sample_weight"}, onehot, probs, (per * weights).sum() / weights.sum(), weights)

# Binary cross-entropy: (N, 3) multi-label.
bl = rng.normal(size=(N, 3)) * 3
by = (rng.random((N, 3)) > 0.5).astype(float)
add("binary_crossentropy", {"fromLogits": True}, by, bl, F.binary_cross_entropy_with_logits(T(bl), T(by)).item())
sm = by * 0.9 + 0.05
add("binary_crossentropy", {"fromLogits": True, "labelSmoothing": 0.1}, by, bl, F.binary_cross_entropy_with_logits(T(bl), T(sm)).item())
bp = np.clip(1 / (1 + np.exp(-bl)), EPS, 1 - EPS)
add("binary_crossentropy", {"reduction": "none"}, by, 1 / (1 + np.exp(-bl)), (-(by * np.log(bp) + (1 - by) * np.log(1 - bp))).mean(-1))

# Regression losses; (N,) labels against (N, 1) predictions exercise Keras's rank adjustment.
yt = rng.normal(size=(N, 3)); yp = rng.normal(size=(N, 3)) * 2
add("mean_squared_error", {}, yt, yp, F.mse_loss(T(yp), T(yt)).item())
add("mean_squared_error", {}, yt[:, 0], yp[:, :1], F.mse_loss(T(yp[:, 0]), T(yt[:, 0])).item())
add("mean_absolute_error", {}, yt, yp, F.l1_loss(T(yp), T(yt)).item())
add("huber", {}, yt, yp, F.huber_loss(T(yp), T(yt), delta=1.0).item())
add("huber", {"delta": 0.5}, yt, yp, F.huber_loss(T(yp), T(yt), delta=0.5).item())
pt = rng.random((N, C)); pt /= pt.sum(-1, keepdims=True); pt[0, 0] = 0
tc, pc = np.clip(pt, EPS, 1), np.clip(probs, EPS, 1)
add("kl_divergence", {}, pt, probs, (tc * np.log(tc / pc)).sum(-1).mean())

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "losses.json"), "w") as f:
    json.dump({"cases": cases}, f, separators=(",", ":"))
