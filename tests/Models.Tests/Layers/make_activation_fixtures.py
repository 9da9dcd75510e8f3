#!/usr/bin/python3
"""Expected values for ActivationTests (activations.json): Debian python3-torch's functional activations, and numpy
for Keras-specific definitions (Keras 3's hard_sigmoid = relu6(x + 3) / 6, relu with slope/max/threshold).
Regenerate with: /usr/bin/python3 make_activation_fixtures.py"""
import json, os
import numpy as np
import torch
import torch.nn.functional as F

x = torch.tensor(np.concatenate([np.linspace(-7, 7, 29), [-3.0, 3.0, -1e-3, 1e-3, 20.0, -20.0]]), dtype=torch.float64)
xn = x.numpy()
def relu_np(x, slope=0.0, max_value=None, threshold=0.0):
    neg = np.maximum(threshold - x, 0)
    pos = x * (x > threshold) if threshold != 0 else np.maximum(x, 0)
    if max_value is not None:
        pos = np.clip(pos, 0, max_value)
    return pos - slope * neg
out = {
    "x": xn.tolist(),
    "relu": F.relu(x).tolist(),
    "relu6": F.relu6(x).tolist(),
    "gelu": F.gelu(x).tolist(),
    "gelu_tanh": F.gelu(x, approximate="tanh").tolist(),
    "sigmoid": torch.sigmoid(x).tolist(),
    "hard_sigmoid": (np.clip(xn + 3, 0, 6) / 6).tolist(),
    "silu": F.silu(x).tolist(),
    "hard_silu": F.hardswish(x).tolist(),
    "tanh": torch.tanh(x).tolist(),
    "elu": F.elu(x).tolist(),
    "elu_alpha_0.5": F.elu(x, alpha=0.5).tolist(),
    "selu": F.selu(x).tolist(),
    "leaky_relu": F.leaky_relu(x, 0.2).tolist(),
    "softplus": F.softplus(x).tolist(),
    "softsign": F.softsign(x).tolist(),
    "mish": F.mish(x).tolist(),
    "exponential": torch.exp(x).tolist(),
    "relu_slope_max_threshold": relu_np(xn, 0.1, 4.0, 1.0).tolist(),
    "relu_max6": relu_np(xn, 0.0, 6.0).tolist(),
    "relu_threshold": relu_np(xn, 0.0, None, 2.0).tolist(),
}
m = torch.tensor(np.linspace(-3, 3, 12).reshape(3, 4), dtype=torch.float64)
out["matrix"] = m.tolist()
out["softmax_axis0"] = F.softmax(m, 0).tolist()
out["softmax_axis1"] = F.softmax(m, 1).tolist()
out["log_softmax_axis0"] = F.log_softmax(m, 0).tolist()
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "activations.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
