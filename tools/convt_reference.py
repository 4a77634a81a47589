"""The cross-checks' float64 oracle (one copy for tools/crosscheck_torch.py and
tools/crosscheck_onnx.py): a transposed convolution of any rank in scatter form with the
error bound's ingredients, the activations from their definitions, and the tolerance.

Written from the operator's definition, not from convt: each input pixel i adds
x[i] * w[tap] at output position i*stride + tap*dilation of the untrimmed output, which is
then cut at `begins` (the zeros trimmed before each dimension: PyTorch's padding, or ONNX's
begin pad) to `out_spatial` positions; positions past the untrimmed output hold the bias.
"""

import math

import numpy as np

import convt_ctypes as cc

FLT_EPSILON = float(np.finfo(np.float32).eps)
ABS_FLOOR = 1e-6  # the peers' own rounding where the bound is 0 or tiny (see test_golden.cpp)
ACTIVATION_ULPS = 16  # an activation's own error (convt.h: within 5 ulps; the peers' too)


def conv_transpose(x, wt, b, groups, k, s, d, begins, out_spatial):
    """float64 value, sum|x*w| (+|b|) and the number of terms per output, computed together
    (axis 0 of every array: x*w, |x|*|w|, 1*1). x (N, Cin, in...), wt (Cin, Cout/groups,
    k...), b (Cout,) or None, all channels first."""
    rank = len(k)
    n, in_sp, g = x.shape[0], x.shape[2:], groups
    cin = x.shape[1]
    cout = wt.shape[1] * g
    cin_g, cout_g = cin // g, cout // g
    full = tuple(max((i - 1) * st + dl * (kk - 1) + 1, bg + o)
                 for i, kk, st, dl, bg, o in zip(in_sp, k, s, d, begins, out_spatial))
    x64, w64 = x.astype(np.float64), wt.astype(np.float64)
    pixels = int(np.prod(in_sp))
    xs = np.stack([x64, np.abs(x64), np.ones_like(x64)]).reshape(3, n, g, cin_g, pixels)
    ws = np.stack([w64, np.abs(w64), np.ones_like(w64)])  # (3, cin, cout_g, k...)
    buf = np.zeros((3, n, cout) + full)
    lead = (slice(None),) * 3
    for tap in np.ndindex(*k):
        w_tap = ws[lead + tap].reshape(3, g, cin_g, cout_g).transpose(0, 1, 3, 2)
        contrib = np.matmul(w_tap[:, None], xs)  # (3, n, g, cout_g, input pixels)
        window = tuple(slice(t * dl, t * dl + (i - 1) * st + 1, st)
                       for t, dl, i, st in zip(tap, d, in_sp, s))
        buf[lead + window] += contrib.reshape((3, n, cout) + tuple(in_sp))
    crop = tuple(slice(bg, bg + o) for bg, o in zip(begins, out_spatial))
    value, mag, terms = buf[lead + crop]
    if b is not None:
        b64 = b[:cout].astype(np.float64).reshape((1, cout) + (1,) * rank)
        value, mag, terms = value + b64, mag + np.abs(b64), terms + 1
    return value, mag, terms


_erfc = np.frompyfunc(math.erfc, 1, 1)


def activate(kind, y, alpha=0.0, beta=0.0):
    """convt.h's activations in float64, from their definitions."""
    y = np.asarray(y, dtype=np.float64)
    if kind == cc.ACT_RELU:
        return np.maximum(y, 0.0)
    if kind == cc.ACT_LEAKY_RELU:
        return np.where(y >= 0, y, alpha * y)
    if kind == cc.ACT_CLAMP:
        return np.minimum(np.maximum(y, alpha), beta)
    if kind == cc.ACT_TANH:
        return np.tanh(y)
    if kind == cc.ACT_SIGMOID:
        return 1.0 / (1.0 + np.exp(-y))
    if kind == cc.ACT_ELU:
        return np.where(y > 0, y, alpha * np.expm1(np.minimum(y, 0.0)))
    if kind == cc.ACT_GELU:
        return 0.5 * y * _erfc(-y / math.sqrt(2.0)).astype(np.float64)
    return y


def slope(kind, alpha=0.0):
    """A bound on |f'|: how far an error in the sum can move the activation's value."""
    if kind in (cc.ACT_LEAKY_RELU, cc.ACT_ELU):
        return max(1.0, abs(alpha))
    if kind == cc.ACT_SIGMOID:
        return 0.25
    if kind == cc.ACT_GELU:
        return 1.13
    return 1.0


def tolerance(mag, terms, kind=cc.ACT_NONE, alpha=0.0, value=None):
    """Per output, the bound on |float result - exact|: a float sum of `terms` products in
    any order is within terms * FLT_EPSILON * sum|x*w| of the exact sum (first order; +2 for
    the products' own rounding and the store), moved by at most the activation's slope, plus
    the activation's own few ulps of its value, plus an absolute floor for the peers'
    rounding where the bound is 0 or tiny."""
    tol = slope(kind, alpha) * (terms + 2) * FLT_EPSILON * mag + ABS_FLOOR
    if kind != cc.ACT_NONE and value is not None:
        tol = tol + ACTIVATION_ULPS * FLT_EPSILON * np.abs(value)
    return tol


def worst_ratio(got, want, tol):
    """max |got - want| / tol (NaN counts as infinitely far) and the index where it is."""
    ratio = np.abs(np.asarray(got, np.float64) - want) / tol
    ratio = np.nan_to_num(ratio, nan=np.inf)
    if ratio.size == 0:
        return 0.0, ()
    i = int(np.argmax(ratio))
    return float(ratio.flat[i]), tuple(int(v) for v in np.unravel_index(i, ratio.shape))
