#!/usr/bin/python3
"""Expected outputs for LayerOracleTests (layers.json). Inputs and weights are random, weights in Keras's layout
(what Variable.Assign takes); outputs come from Debian's python3-torch functional ops (convolutions, pooling,
interpolation, normalisation) with TensorFlow's padding rules applied here, and from numpy for Keras-specific
definitions (transposed convolution as the adjoint of a TF "same" convolution, average pooling that leaves padding out,
MultiHeadAttention's einsums, BatchNormalization's moving statistics). Regenerate: /usr/bin/python3 make_layer_fixtures.py"""
import json, math, os
import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(3)
cases = []
T = lambda a: torch.tensor(a, dtype=torch.float64)
def rnd(a):
    # Six decimals keep the file small; outputs are compared with a tolerance far above the rounding.
    a = np.asarray(a)
    return (np.round(a, 6) if a.dtype.kind == "f" else a).tolist()
def add(layer, config, inputs, weights, expected, **extra):
    cases.append(dict(layer=layer, config=config, inputs=[rnd(i) for i in inputs], weights=[rnd(w) for w in weights],
                      expected=rnd(expected), **{k: rnd(v) for k, v in extra.items()}))

def same_pad(n, k_eff, s):
    out = -(-n // s)
    total = max((out - 1) * s + k_eff - n, 0)
    return total // 2, total - total // 2

def conv2d_ref(x, w, b, strides, padding, dilation=1, groups=1):
    # x NHWC, w (kh, kw, in/groups, out) -> torch (out, in/groups, kh, kw)
    xt = T(x).permute(0, 3, 1, 2)
    kh, kw = w.shape[0], w.shape[1]
    if padding == "same":
        t, bo = same_pad(x.shape[1], (kh - 1) * dilation + 1, strides)
        l, r = same_pad(x.shape[2], (kw - 1) * dilation + 1, strides)
        xt = F.pad(xt, (l, r, t, bo))
    y = F.conv2d(xt, T(w).permute(3, 2, 0, 1), None if b is None else T(b), stride=strides, dilation=dilation, groups=groups)
    return y.permute(0, 2, 3, 1).numpy()

# Conv2D: strides + same (asymmetric pad), dilation, groups.
x = rng.normal(size=(2, 7, 6, 4))
for cfg in [dict(filters=5, kernelSize=3, strides=2, padding="same"), dict(filters=3, kernelSize=3, dilationRate=2, padding="same"),
            dict(filters=6, kernelSize=2, groups=2, padding="valid")]:
    g = cfg.get("groups", 1)
    w = rng.normal(size=(cfg["kernelSize"], cfg["kernelSize"], 4 // g, cfg["filters"])); b = rng.normal(size=cfg["filters"])
    add("Conv2D", cfg, [x], [w, b], conv2d_ref(x, w, b, cfg.get("strides", 1), cfg["padding"], cfg.get("dilationRate", 1), g))

# Conv1D: causal with dilation, same with stride.
s1 = rng.normal(size=(2, 9, 3))
for cfg in [dict(filters=4, kernelSize=3, padding="causal", dilationRate=2), dict(filters=2, kernelSize=4, strides=2, padding="same")]:
    w = rng.normal(size=(cfg["kernelSize"], 3, cfg["filters"])); b = rng.normal(size=cfg["filters"])
    xt = T(s1).permute(0, 2, 1); d = cfg.get("dilationRate", 1); k_eff = (cfg["kernelSize"] - 1) * d + 1
    if cfg["padding"] == "causal":
        xt = F.pad(xt, (k_eff - 1, 0))
    else:
        xt = F.pad(xt, same_pad(9, k_eff, cfg.get("strides", 1)))
    y = F.conv1d(xt, T(w).permute(2, 1, 0), T(b), stride=cfg.get("strides", 1), dilation=d).permute(0, 2, 1).numpy()
    add("Conv1D", cfg, [s1], [w, b], y)

# DepthwiseConv2D (multiplier 2, same, stride 2) and SeparableConv2D.
dw = rng.normal(size=(3, 3, 4, 2)); db = rng.normal(size=8)
xt = T(x).permute(0, 3, 1, 2); t, bo = same_pad(7, 3, 2); l, r = same_pad(6, 3, 2)
tw = T(dw).permute(2, 3, 0, 1).reshape(8, 1, 3, 3)   # (in, mult, kh, kw) -> out channel c * mult + m
y = F.conv2d(F.pad(xt, (l, r, t, bo)), tw, T(db), stride=2, groups=4).permute(0, 2, 3, 1).numpy()
add("DepthwiseConv2D", dict(kernelSize=3, strides=2, padding="same", depthMultiplier=2), [x], [dw, db], y)
pw = rng.normal(size=(1, 1, 8, 5)); pb = rng.normal(size=5)
dwo = F.conv2d(xt, tw, None, groups=4)
y = F.conv2d(dwo, T(pw).permute(3, 2, 0, 1), T(pb)).permute(0, 2, 3, 1).numpy()
add("SeparableConv2D", dict(filters=5, kernelSize=3, depthMultiplier=2, padding="valid"), [x], [dw, pw, pb], y)

# Conv2DTranspose: the adjoint of a TF-padded convolution, by scattering in numpy.
def deconv_ref(x, w, b, s, padding, d=1):
    n, h, wd, c = x.shape; k = w.shape[0]; f = w.shape[2]; k_eff = (k - 1) * d + 1
    oh, ow = (h * s, wd * s) if padding == "same" else ((h - 1) * s + k_eff, (wd - 1) * s + k_eff)
    pt = same_pad(oh, k_eff, s)[0] if padding == "same" else 0
    pl = same_pad(ow, k_eff, s)[0] if padding == "same" else 0
    y = np.zeros((n, oh, ow, f))
    for i in range(h):
        for j in range(wd):
            for a in range(k):
                for bb in range(k):
                    oi, oj = i * s + a * d - pt, j * s + bb * d - pl
                    if 0 <= oi < oh and 0 <= oj < ow:
                        y[:, oi, oj, :] += x[:, i, j, :] @ w[a, bb].T
    return y + b
xs = rng.normal(size=(2, 3, 4, 3))
for cfg in [dict(filters=2, kernelSize=3, strides=2, padding="valid"), dict(filters=2, kernelSize=3, strides=2, padding="same"),
            dict(filters=3, kernelSize=4, strides=2, padding="same"), dict(filters=2, kernelSize=1, strides=3, padding="same")]:
    w = rng.normal(size=(cfg["kernelSize"], cfg["kernelSize"], cfg["filters"], 3)); b = rng.normal(size=cfg["filters"])
    add("Conv2DTranspose", cfg, [xs], [w, b], deconv_ref(xs, w, b, cfg["strides"], cfg["padding"]))

# Dense on rank 3.
s3 = rng.normal(size=(2, 5, 6)); dk = rng.normal(size=(6, 4)); dbias = rng.normal(size=4)
add("Dense", dict(units=4), [s3], [dk, dbias], s3 @ dk + dbias)

# Pooling.
def avgpool_same_ref(x, k, s):
    n, h, w, c = x.shape; oh, ow = -(-h // s), -(-w // s)
    t, _ = same_pad(h, k, s); l, _ = same_pad(w, k, s)
    y = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * s - t, j * s - l
            win = x[:, max(r0, 0):min(r0 + k, h), max(c0, 0):min(c0 + k, w), :]
            y[:, i, j, :] = win.mean(axis=(1, 2))
    return y
add("AveragePooling2D", dict(poolSize=3, strides=2, padding="same"), [x], [], avgpool_same_ref(x, 3, 2))
add("AveragePooling2D", dict(poolSize=2, padding="valid"), [x], [], F.avg_pool2d(T(x).permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1).numpy())
add("GlobalAveragePooling2D", {}, [x], [], x.mean(axis=(1, 2)))
add("GlobalMaxPooling2D", {}, [x], [], x.max(axis=(1, 2)))
add("ZeroPadding2D", dict(padding=[[1, 2], [0, 3]]), [x], [], np.pad(x, ((0, 0), (1, 2), (0, 3), (0, 0))))
add("Cropping2D", dict(cropping=[[1, 2], [2, 1]]), [x], [], x[:, 1:-2, 2:-1, :])
xu = x[:1, :3, :4, :2]
add("UpSampling2D", dict(size=2, interpolation="nearest"), [xu], [], xu.repeat(2, axis=1).repeat(2, axis=2))
add("UpSampling2D", dict(size=3, interpolation="bilinear"), [xu], [],
    F.interpolate(T(xu).permute(0, 3, 1, 2), scale_factor=3, mode="bilinear", align_corners=False).permute(0, 2, 3, 1).numpy())

# BatchNormalization: inference with given statistics; training output and the moving statistics after one step.
gamma, beta = rng.normal(size=4), rng.normal(size=4)
mm, mv = rng.normal(size=4), rng.random(4) + 0.5
add("BatchNormalization", dict(training=False), [x], [gamma, beta, mm, mv], (x - mm) / np.sqrt(mv + 1e-3) * gamma + beta)
bm, bv = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
add("BatchNormalization", dict(training=True), [x], [gamma, beta, mm, mv], (x - bm) / np.sqrt(bv + 1e-3) * gamma + beta,
    moving_after=[(mm * 0.99 + bm * 0.01).tolist(), (mv * 0.99 + bv * 0.01).tolist()])

# LayerNormalization over the last axis, and over the last two.
g1, b1 = rng.normal(size=6), rng.normal(size=6)
mu, var = s3.mean(-1, keepdims=True), s3.var(-1, keepdims=True)
add("LayerNormalization", {}, [s3], [g1, b1], (s3 - mu) / np.sqrt(var + 1e-3) * g1 + b1)
g2, b2 = rng.normal(size=(5, 6)), rng.normal(size=(5, 6))
mu, var = s3.mean((-2, -1), keepdims=True), s3.var((-2, -1), keepdims=True)
add("LayerNormalization", dict(axis=[-2, -1]), [s3], [g2, b2], (s3 - mu) / np.sqrt(var + 1e-3) * g2 + b2)

# Embedding.
emb = rng.normal(size=(10, 3)); idx = rng.integers(0, 10, size=(2, 4))
add("Embedding", dict(inputDim=10, outputDim=3), [idx], [emb], emb[idx])

# MultiHeadAttention: Keras's einsums, with a mask and the scores.
B, Tq, S, D, H, K = 2, 3, 4, 6, 2, 5
q, v = rng.normal(size=(B, Tq, D)), rng.normal(size=(B, S, D))
W = {n: rng.normal(size=(D, H, K)) * 0.5 for n in ["q", "k", "v"]}; Bi = {n: rng.normal(size=(H, K)) for n in ["q", "k", "v"]}
Wo, bo = rng.normal(size=(H, K, D)) * 0.5, rng.normal(size=D)
mask = (rng.random((B, Tq, S)) > 0.3).astype(float); mask[:, :, 0] = 1
def mha(mask):
    qp = np.einsum("btd,dhk->bthk", q, W["q"]) + Bi["q"]; kp = np.einsum("bsd,dhk->bshk", v, W["k"]) + Bi["k"]
    vp = np.einsum("bsd,dhk->bshk", v, W["v"]) + Bi["v"]
    logits = np.einsum("bshk,bthk->bhts", kp, qp / math.sqrt(K))
    if mask is not None:
        logits = logits + (1 - mask[:, None]) * -1e9
    sc = np.exp(logits - logits.max(-1, keepdims=True)); sc /= sc.sum(-1, keepdims=True)
    out = np.einsum("bhts,bshk->bthk", sc, vp)
    return np.einsum("bthk,hkd->btd", out, Wo) + bo, sc
weights = [W["q"], Bi["q"], W["k"], Bi["k"], W["v"], Bi["v"], Wo, bo]
o, sc = mha(None)
add("MultiHeadAttention", dict(numHeads=H, keyDim=K), [q, v], weights, o, scores=sc.tolist())
o, sc = mha(mask)
add("MultiHeadAttention", dict(numHeads=H, keyDim=K), [q, v], weights, o, scores=sc.tolist(), mask=mask.tolist())

# MultiHeadAttention with attention_axes on rank-4 inputs, from Keras's einsum equations: axes (2,) attends over
# columns within each row (rows act as batch, scores (B, rows, heads, Tq, Tk)), axes (1, 2) over all positions, the
# softmax normalising over both key axes together (scores (B, heads, Xq, Yq, Xk, Yk)).
def softmax_last(logits, n):
    flat = logits.reshape(logits.shape[:-n] + (-1,))
    e = np.exp(flat - flat.max(-1, keepdims=True)); e /= e.sum(-1, keepdims=True)
    return e.reshape(logits.shape)
q4, v4 = rng.normal(size=(B, 3, 4, D)), rng.normal(size=(B, 3, 5, D))
mask4 = (rng.random((B, 3, 4, 5)) > 0.3).astype(float); mask4[..., 0] = 1
def mha_rows(mask):
    qp = np.einsum("btsd,dhk->btshk", q4, W["q"]) + Bi["q"]; kp = np.einsum("btud,dhk->btuhk", v4, W["k"]) + Bi["k"]
    vp = np.einsum("btud,dhk->btuhk", v4, W["v"]) + Bi["v"]
    logits = np.einsum("btshk,btuhk->bthsu", qp / math.sqrt(K), kp)
    if mask is not None:
        logits = logits + (1 - mask[:, :, None]) * -1e9
    sc = softmax_last(logits, 1)
    out = np.einsum("bthsu,btuhk->btshk", sc, vp)
    return np.einsum("btshk,hkd->btsd", out, Wo) + bo, sc
o, sc = mha_rows(None)
add("MultiHeadAttention", dict(numHeads=H, keyDim=K, attentionAxes=[2]), [q4, v4], weights, o, scores=sc.tolist())
o, sc = mha_rows(mask4)
add("MultiHeadAttention", dict(numHeads=H, keyDim=K, attentionAxes=[2]), [q4, v4], weights, o, scores=sc.tolist(), mask=mask4.tolist())
q2, v2 = rng.normal(size=(B, 3, 2, D)), rng.normal(size=(B, 2, 3, D))
qp = np.einsum("bxyd,dhk->bxyhk", q2, W["q"]) + Bi["q"]; kp = np.einsum("buwd,dhk->buwhk", v2, W["k"]) + Bi["k"]
vp = np.einsum("buwd,dhk->buwhk", v2, W["v"]) + Bi["v"]
sc = softmax_last(np.einsum("bxyhk,buwhk->bhxyuw", qp / math.sqrt(K), kp), 2)
o = np.einsum("bxyhk,hkd->bxyd", np.einsum("bhxyuw,buwhk->bxyhk", sc, vp), Wo) + bo
add("MultiHeadAttention", dict(numHeads=H, keyDim=K, attentionAxes=[1, 2]), [q2, v2], weights, o, scores=sc.tolist())

# Weightless layers, drawn after every case above so their inputs do not change. MaxPooling2D "same" pads with -inf as
# TensorFlow does (a padded cell never wins); the merges take two (or three) inputs; Flatten keeps channels-last order.
xm = rng.normal(size=(2, 5, 5, 3))
t, bo = same_pad(5, 3, 2)
add("MaxPooling2D", dict(poolSize=3, strides=2, padding="same"), [xm], [],
    F.max_pool2d(F.pad(T(xm).permute(0, 3, 1, 2), (t, bo, t, bo), value=-math.inf), 3, 2).permute(0, 2, 3, 1).numpy())
add("MaxPooling2D", dict(poolSize=2, padding="valid"), [xm], [], F.max_pool2d(T(xm).permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1).numpy())
a3, b3, c3 = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 3))
add("Subtract", {}, [a3, b3], [], a3 - b3)
add("Multiply", {}, [a3, b3, c3], [], a3 * b3 * c3)
add("Average", {}, [a3, b3, c3], [], (a3 + b3 + c3) / 3)
add("Maximum", {}, [a3, b3, c3], [], np.maximum(np.maximum(a3, b3), c3))
c5, c2 = rng.normal(size=(2, 4, 5)), rng.normal(size=(2, 2, 3))
add("Concatenate", {}, [a3, c5], [], np.concatenate([a3, c5], -1))
add("Concatenate", dict(axis=1), [a3, c2], [], np.concatenate([a3, c2], 1))
add("Permute", dict(dims=[2, 1]), [a3], [], a3.transpose(0, 2, 1))
add("Permute", dict(dims=[3, 1, 2]), [xm], [], xm.transpose(0, 3, 1, 2))
v2d = rng.normal(size=(2, 5))
add("RepeatVector", dict(n=3), [v2d], [], np.repeat(v2d[:, None, :], 3, axis=1))
def softmax(z, axis):
    e = np.exp(z - z.max(axis, keepdims=True)); return e / e.sum(axis, keepdims=True)
add("Softmax", {}, [a3], [], softmax(a3, -1))
add("Softmax", dict(axis=1), [a3], [], softmax(a3, 1))
r = rng.normal(size=(2, 4, 3)) * 2
add("ReLU", {}, [r], [], np.maximum(r, 0))
# Keras's ReLU: max_value above the cap, x between threshold and cap, negative_slope * (x - threshold) below.
add("ReLU", dict(maxValue=1.5, negativeSlope=0.1, threshold=0.5), [r], [], np.where(r >= 1.5, 1.5, np.where(r >= 0.5, r, 0.1 * (r - 0.5))))
add("LeakyReLU", {}, [r], [], np.where(r >= 0, r, 0.3 * r))
add("LeakyReLU", dict(negativeSlope=0.05), [r], [], np.where(r >= 0, r, 0.05 * r))
add("GlobalAveragePooling1D", {}, [a3], [], a3.mean(axis=1))
add("GlobalMaxPooling1D", {}, [a3], [], a3.max(axis=1))
add("Flatten", {}, [xm], [], xm.reshape(2, -1))
add("Reshape", dict(targetShape=[3, -1]), [a3], [], a3.reshape(2, 3, -1))
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers.json"), "w") as f:
    json.dump({"cases": cases}, f, separators=(",", ":"))
print(len(cases), "cases")
