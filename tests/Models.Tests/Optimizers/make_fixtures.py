#!/usr/bin/python3
"""Expected values for OptimizerOracleTests and ScheduleTests (optimizers.json).

Independent reference: Keras 3's update rules (keras/src/optimizers/*.py, base_optimizer.py) written out in float64
numpy, plus Debian's python3-torch (torch.optim.SGD) where its rule coincides with Keras's (SGD with momentum and
Nesterov), as a cross-check of the numpy reference. Regenerate with: /usr/bin/python3 make_fixtures.py
"""
import json, math, os
import numpy as np
import torch

rng = np.random.default_rng(7)
SHAPES = [(3, 2), (4,)]
STEPS = 5


def exp_decay(lr0, steps, rate, stair):
    def f(t):
        p = t / steps
        return lr0 * rate ** (math.floor(p) if stair else p)
    return f


def clip(grads, cfg):
    if cfg.get("clipnorm"):
        c = cfg["clipnorm"]
        return [g * c / max(np.sqrt((g * g).sum()), c) for g in grads]
    if cfg.get("globalClipnorm"):
        c = cfg["globalClipnorm"]
        n = np.sqrt(sum((g * g).sum() for g in grads))
        return [g * c * min(1 / n, 1 / c) for g in grads]
    if cfg.get("clipvalue"):
        v = cfg["clipvalue"]
        return [np.clip(g, -v, v) for g in grads]
    return grads


def run(kind, cfg, ws, grad_seq, lr_fn):
    ws = [w.copy() for w in ws]
    state = [dict() for _ in ws]
    u_product = 1.0
    out = []
    for it, grads in enumerate(grad_seq):
        lr = lr_fn(it)
        t = it + 1
        grads = clip(grads, cfg)
        wd = cfg.get("weightDecay", 0.004 if kind == "adamw" else None)
        if wd:
            ws = [w - w * wd * lr for w in ws]
        if kind == "nadam":
            b1 = cfg.get("beta1", 0.9)
            u_product *= b1 * (1 - 0.5 * 0.96 ** t)
        for i, (w, g) in enumerate(zip(ws, grads)):
            s = state[i]
            if kind == "sgd":
                mom = cfg.get("momentum", 0.0)
                if mom:
                    m = s.get("m", np.zeros_like(w))
                    m = m * mom - g * lr
                    s["m"] = m
                    w = w + (m * mom - g * lr if cfg.get("nesterov") else m)
                else:
                    w = w - g * lr
            elif kind in ("adam", "adamw"):
                b1, b2, eps = cfg.get("beta1", 0.9), cfg.get("beta2", 0.999), cfg.get("epsilon", 1e-7)
                m = s.get("m", np.zeros_like(w)); v = s.get("v", np.zeros_like(w))
                alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
                m = m + (g - m) * (1 - b1); v = v + (g * g - v) * (1 - b2)
                s["m"], s["v"] = m, v
                if cfg.get("amsgrad"):
                    vh = np.maximum(s.get("vh", np.zeros_like(w)), v); s["vh"] = vh; v = vh
                w = w - m * alpha / (np.sqrt(v) + eps)
            elif kind == "rmsprop":
                rho, mom, eps = cfg.get("rho", 0.9), cfg.get("momentum", 0.0), cfg.get("epsilon", 1e-7)
                v = rho * s.get("v", np.zeros_like(w)) + (1 - rho) * g * g; s["v"] = v
                if cfg.get("centered"):
                    a = rho * s.get("a", np.zeros_like(w)) + (1 - rho) * g; s["a"] = a
                    den = v - a * a + eps
                else:
                    den = v + eps
                inc = lr * g / np.sqrt(den)
                if mom > 0:
                    mm = mom * s.get("mom", np.zeros_like(w)) + inc; s["mom"] = mm
                    w = w - mm
                else:
                    w = w - inc
            elif kind == "adagrad":
                eps = cfg.get("epsilon", 1e-7)
                acc = s.get("acc", np.full_like(w, cfg.get("initialAccumulatorValue", 0.1))) + g * g; s["acc"] = acc
                w = w - lr * g / np.sqrt(acc + eps)
            elif kind == "nadam":
                b1, b2, eps = cfg.get("beta1", 0.9), cfg.get("beta2", 0.999), cfg.get("epsilon", 1e-7)
                u_t = b1 * (1 - 0.5 * 0.96 ** t); u_t1 = b1 * (1 - 0.5 * 0.96 ** (t + 1))
                up_t = u_product; up_t1 = up_t * u_t1
                m = s.get("m", np.zeros_like(w)); v = s.get("v", np.zeros_like(w))
                m = m + (g - m) * (1 - b1); v = v + (g * g - v) * (1 - b2); s["m"], s["v"] = m, v
                m_hat = u_t1 * m / (1 - up_t1) + (1 - u_t) * g / (1 - up_t)
                v_hat = v / (1 - b2 ** t)
                w = w - m_hat * lr / (np.sqrt(v_hat) + eps)
            ws[i] = w
        out.append([w.tolist() for w in ws])
    return out


def torch_sgd(cfg, ws, grad_seq, lr):
    params = [torch.nn.Parameter(torch.tensor(w, dtype=torch.float64)) for w in ws]
    opt = torch.optim.SGD(params, lr=lr, momentum=cfg.get("momentum", 0.0), nesterov=cfg.get("nesterov", False))
    out = []
    for grads in grad_seq:
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append([p.detach().numpy().tolist() for p in params])
    return out


CASES = [
    ("sgd", {}), ("sgd", {"momentum": 0.9}), ("sgd", {"momentum": 0.9, "nesterov": True}),
    ("sgd", {"momentum": 0.5, "weightDecay": 0.1}),
    ("adam", {}), ("adam", {"amsgrad": True}), ("adam", {"beta1": 0.8, "beta2": 0.9, "epsilon": 1e-3}),
    ("adam", {"clipnorm": 0.5}), ("adam", {"globalClipnorm": 0.7}), ("adam", {"clipvalue": 0.2}),
    ("adamw", {}), ("adamw", {"weightDecay": 0.05}),
    ("rmsprop", {}), ("rmsprop", {"momentum": 0.9}), ("rmsprop", {"centered": True, "momentum": 0.5}),
    ("adagrad", {}), ("adagrad", {"initialAccumulatorValue": 0.5, "epsilon": 1e-3}),
    ("nadam", {}), ("nadam", {"beta1": 0.85}),
    ("adam", {"schedule": {"initialLearningRate": 0.1, "decaySteps": 2, "decayRate": 0.5, "staircase": True}}),
]

cases = []
for kind, cfg in CASES:
    ws = [rng.normal(size=s) for s in SHAPES]
    grad_seq = [[rng.normal(size=s) * (1 + 2 * rng.random()) for s in SHAPES] for _ in range(STEPS)]
    lr = cfg.get("learningRate", {"sgd": 0.1}.get(kind, 0.01))
    if "schedule" in cfg:
        sc = cfg["schedule"]
        lr_fn = exp_decay(sc["initialLearningRate"], sc["decaySteps"], sc["decayRate"], sc["staircase"])
    else:
        cfg = dict(cfg, learningRate=lr)
        lr_fn = lambda t, lr=lr: lr
    expected = run(kind, cfg, ws, grad_seq, lr_fn)
    if kind == "sgd" and "weightDecay" not in cfg:
        ref = torch_sgd(cfg, ws, grad_seq, lr)
        assert all(np.allclose(a, b, rtol=1e-12, atol=1e-12) for s1, s2 in zip(expected, ref) for a, b in zip(s1, s2)), (kind, cfg)
    cases.append({"optimizer": kind, "config": cfg, "weights": [w.tolist() for w in ws],
                  "gradients": [[g.tolist() for g in gs] for gs in grad_seq], "expected": expected})

schedules = []
for t in [0, 1, 5, 9, 10, 11, 25, 100, 150, 1000]:
    def cos(t, lr0, steps, alpha=0.0, target=None, warm=0):
        if target is None:
            s = min(t, steps)
            return lr0 * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / steps)) + alpha)
        s = min(t, steps + warm)
        if s < warm:
            return (target - lr0) * (s / warm) + lr0
        return target * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * (s - warm) / steps)) + alpha)
    bounds, values = [10, 100], [1.0, 0.5, 0.1]
    pw = values[0] if t <= bounds[0] else values[-1] if t > bounds[-1] else values[1]
    schedules.append({"step": t,
                      "exponential": exp_decay(0.1, 10, 0.96, False)(t),
                      "exponential_staircase": exp_decay(0.1, 10, 0.96, True)(t),
                      "piecewise": pw,
                      "cosine": cos(t, 0.1, 100),
                      "cosine_alpha": cos(t, 0.1, 100, alpha=0.1),
                      "cosine_warmup": cos(t, 0.0, 100, target=0.1, warm=10)})

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "optimizers.json"), "w") as f:
    json.dump({"cases": cases, "schedules": schedules}, f, indent=None, separators=(",", ":"))
