#!/usr/bin/python3
"""Expected values for MetricOracleTests (metrics.json): Keras 3's thresholded confusion-matrix metrics (Precision,
Recall, AUC ROC/PR with its summation rules, keras/src/metrics/confusion_metrics.py) written in float64 numpy, fed in two
batches with sample weights. Regenerate with: /usr/bin/python3 make_fixtures.py"""
import json, os
import numpy as np

rng = np.random.default_rng(5)
N = 40
y = (rng.random(N) > 0.4).astype(float)
p = np.clip(y * 0.35 + rng.random(N) * 0.65, 0, 1)
w = rng.random(N) + 0.2

def counts(th):
    pos = p[None, :] > th[:, None]
    lab = (y != 0)[None, :]
    tp = (pos & lab) @ w; fp = (pos & ~lab) @ w; fn = (~pos & lab) @ w; tn = (~pos & ~lab) @ w
    return tp, fp, tn, fn

def dnn(a, b):
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1, b))

def auc(n, curve, summation):
    th = np.array([-1e-7] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1 + 1e-7])
    tp, fp, tn, fn = counts(th)
    if curve == "PR" and summation == "interpolation":
        dtp = tp[:-1] - tp[1:]; pp = tp + fp; dp = pp[:-1] - pp[1:]
        slope = dnn(dtp, np.maximum(dp, 0)); intercept = tp[1:] - slope * pp[1:]
        ratio = np.where((pp[:-1] > 0) & (pp[1:] > 0), dnn(pp[:-1], np.maximum(pp[1:], 0)), 1.0)
        return float(dnn(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0)).sum())
    recall = dnn(tp, tp + fn)
    if curve == "ROC":
        x, yy = dnn(fp, fp + tn), recall
    else:
        x, yy = recall, dnn(tp, tp + fp)
    h = {"interpolation": (yy[:-1] + yy[1:]) / 2, "minoring": np.minimum(yy[:-1], yy[1:]), "majoring": np.maximum(yy[:-1], yy[1:])}[summation]
    return float(((x[:-1] - x[1:]) * h).sum())

tp, fp, tn, fn = counts(np.array([0.5]))
tp7, fp7, tn7, fn7 = counts(np.array([0.7]))
out = {"y_true": y.tolist(), "y_pred": p.tolist(), "sample_weight": w.tolist(),
       "precision": float(tp[0] / (tp[0] + fp[0])), "recall": float(tp[0] / (tp[0] + fn[0])),
       "precision_0.7": float(tp7[0] / (tp7[0] + fp7[0])), "recall_0.7": float(tp7[0] / (tp7[0] + fn7[0])),
       "auc_roc": auc(200, "ROC", "interpolation"), "auc_roc_minoring": auc(200, "ROC", "minoring"),
       "auc_roc_majoring_50": auc(50, "ROC", "majoring"), "auc_pr": auc(200, "PR", "interpolation"),
       "auc_pr_minoring": auc(200, "PR", "minoring")}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "metrics.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
