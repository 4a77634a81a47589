#!/usr/bin/python3
"""Writes convt's PyTorch golden data: tests/data/golden.txt (index) + tests/data/golden.bin.

Run with Debian's python3 (the one with python3-torch):

    /usr/bin/python3 tools/gen_golden.py [--out tests/data]

Deterministic: the data of every case comes from numpy's PCG64 seeded with the CRC-32 of
the case's name, PyTorch runs single-threaded, and nothing depends on the time or the host.
Re-running it on the same PyTorch version reproduces both files byte for byte.

Every case is one ConvTranspose2d layer plus an input shape (and optionally an
output_size request for forward(input, output_size=...)). PyTorch decides whether the
case is VALID or REJECT: the module is constructed (nn.ConvTranspose2d raises ValueError
for bad groups/channels) and run on the input, on a batch of ONE when validity is
decided (PyTorch skips its checks on empty batches). Each case also states what the
author expects; if PyTorch disagrees the script stops, so the set keeps its meaning.

golden.bin: float32 little-endian arrays, back to back.
golden.txt: see the header this script writes (HEADER below).
"""

import argparse
import hashlib
import os
import sys
import warnings
import zlib

import numpy as np
import torch

import convt_rules  # tools/convt_rules.py
import torch.nn as nn

HEADER = """\
# convt golden data: PyTorch's torch.nn.ConvTranspose2d results, made by tools/gen_golden.py
# ({versions}). Do not edit: regenerate with  /usr/bin/python3 tools/gen_golden.py
#
# BIN <file> bytes=<size> sha256=<hex>   the float32 little-endian data file next to this one
# One case per line, whitespace-separated key=value fields after the verdict word:
#   VALID|REJECT name=<id> n cin cout h w kh kw sh sw ph pw oph opw dh dw groups bias=0|1
#     xc=<channels of the input tensor> (normally = cin)
#     osize=<H>,<W> | osize=-   the output_size request of forward(input, output_size), or none
#   VALID only:
#     out=<N>,<C>,<H>,<W>       PyTorch's output shape
#     x_data= w_data= b_data= y_data=<byte offset into the .bin>,<count of float32>:
#       input (N,xc,h,w), weight (cin, cout/groups, kh, kw), bias (cout; b_data=- when
#       bias=0), PyTorch's output (N,C,H,W)
#   REJECT only (decided on a batch of one, so n=1):
#     stage=create|run   where convt's header says convt must reject it: convt_create
#       (channels, groups, kernel, stride, padding, output_padding < 0, dilation) or
#       convt_output_shape/convt_run (input shape, output_padding >= stride and dilation,
#       output size < 1, output_size out of range)
#     # <PyTorch's exception type>: <its message>     (a comment: for people, not parsed)
"""

FIELDS = ("n", "cin", "cout", "h", "w", "kh", "kw", "sh", "sw", "ph", "pw", "oph", "opw",
          "dh", "dw", "groups")


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


class Case:
    def __init__(self, name, expect="valid", n=1, cin=2, cout=3, h=4, w=5, k=3, s=1, p=0,
                 op=0, d=1, groups=1, bias=True, osize=None, xc=None):
        assert expect in ("valid", "reject")
        self.name, self.expect = name, expect
        self.n, self.cin, self.cout, self.h, self.w = n, cin, cout, h, w
        self.kh, self.kw = pair(k)
        self.sh, self.sw = pair(s)
        self.ph, self.pw = pair(p)
        self.oph, self.opw = pair(op)
        self.dh, self.dw = pair(d)
        self.groups, self.bias = groups, bias
        self.osize = None if osize is None else pair(osize)
        self.xc = cin if xc is None else xc

    def min_size(self):
        return convt_rules.min_size(self)

    def convt_create_rejects(self):
        return convt_rules.rejected_at_create(self)

    def fields(self):
        f = " ".join(f"{k}={getattr(self, k)}" for k in FIELDS)
        osize = "-" if self.osize is None else f"{self.osize[0]},{self.osize[1]}"
        return f"name={self.name} {f} bias={int(self.bias)} xc={self.xc} osize={osize}"


def cases():
    """The golden set. expect= is what PyTorch must say (checked when generating)."""
    C = []
    add = C.append
    # ---- basics: one parameter at a time around a small layer ----------------------------
    add(Case("smallest", cin=1, cout=1, h=1, w=1, k=1))
    add(Case("base_k3", n=2, cin=3, cout=4, h=5, w=6))
    for k in (1, 2, 4, 5, (1, 3), (3, 1), (2, 5), (4, 3), (1, 7)):
        kh, kw = pair(k)
        add(Case(f"kernel_{kh}x{kw}", n=2, cin=3, cout=4, h=5, w=6, k=k))
    for s in (2, 3, (2, 3), (3, 1), (1, 4)):
        sh, sw = pair(s)
        add(Case(f"stride_{sh}x{sw}", n=2, cin=3, cout=4, h=5, w=6, s=s))
    for p in (1, 2, (0, 2), (2, 1)):
        ph, pw = pair(p)
        add(Case(f"padding_{ph}x{pw}", n=2, cin=3, cout=4, h=5, w=6, p=p))
    for d in (2, 3, (1, 2), (3, 2)):
        dh, dw = pair(d)
        add(Case(f"dilation_{dh}x{dw}", n=2, cin=3, cout=4, h=5, w=6, d=d))
    for s, op in (((2, 2), (1, 0)), ((2, 2), (0, 1)), ((2, 2), (1, 1)), ((3, 2), (2, 1))):
        add(Case(f"output_padding_{op[0]}x{op[1]}_stride_{s[0]}x{s[1]}", n=2, cin=3, cout=4,
                 h=5, w=6, s=s, op=op))
    add(Case("dcgan_k4_s2_p1", n=2, cin=8, cout=4, h=6, w=6, k=4, s=2, p=1))
    add(Case("fcn_k4_s2_p1_no_bias", n=1, cin=5, cout=5, h=7, w=7, k=4, s=2, p=1,
             bias=False))
    add(Case("long_reduction_cin64", n=1, cin=64, cout=3, h=3, w=4, k=3, s=2, p=1))
    add(Case("wide_cout32", n=1, cin=3, cout=32, h=3, w=3, k=2, s=2))
    # ---- groups --------------------------------------------------------------------------
    add(Case("groups2", n=2, cin=4, cout=6, h=5, w=4, k=3, s=2, groups=2))
    add(Case("groups3_out_3x_in", n=1, cin=3, cout=9, h=4, w=4, k=(2, 3), s=(1, 2), groups=3))
    add(Case("groups4_in_2x_out", n=2, cin=8, cout=4, h=3, w=5, k=3, s=2, p=1, groups=4))
    add(Case("groups2_in6_out2_no_bias", n=1, cin=6, cout=2, h=4, w=3, k=2, groups=2,
             bias=False))
    add(Case("depthwise4", n=2, cin=4, cout=4, h=5, w=5, k=3, s=2, p=1, groups=4))
    add(Case("depthwise6_no_bias", n=1, cin=6, cout=6, h=4, w=6, k=(3, 2), s=(2, 3), d=(2, 1),
             groups=6, bias=False))
    add(Case("depthwise_multiplier2", n=1, cin=3, cout=6, h=4, w=4, k=3, s=2, groups=3))
    add(Case("depthwise_1x1", n=2, cin=5, cout=5, h=3, w=4, k=1, groups=5))
    # ---- corners ------------------------------------------------------------------------
    add(Case("kernel_larger_than_input", n=1, cin=3, cout=4, h=2, w=2, k=(5, 7)))
    add(Case("kernel_3x3_on_1x1", n=2, cin=2, cout=3, h=1, w=1, k=3))
    add(Case("kernel_larger_strided", n=1, cin=2, cout=2, h=2, w=3, k=(6, 5), s=(3, 2), p=1))
    add(Case("stride_gt_kernel_gaps", n=1, cin=3, cout=4, h=3, w=3, k=2, s=(4, 5)))
    add(Case("stride_gt_kernel_1x1_gaps", n=2, cin=5, cout=7, h=3, w=3, k=1, s=(2, 3),
             op=(1, 2), bias=False))
    add(Case("stride_gt_dilated_span", n=1, cin=2, cout=3, h=3, w=4, k=2, s=(6, 5), d=2))
    add(Case("padding_trims_most", n=1, cin=4, cout=2, h=5, w=4, k=5, s=2, p=(4, 3),
             op=(1, 0)))
    add(Case("padding_trims_most_3x3", n=1, cin=2, cout=3, h=4, w=4, k=3, s=2, p=3))
    add(Case("padding_beyond_half_span", n=1, cin=2, cout=2, h=3, w=3, k=3, p=3, d=2))
    add(Case("op_lt_dilation_stride1", n=1, cin=4, cout=4, h=5, w=5, k=3, op=1, d=2))
    add(Case("op_lt_dilation_gt_stride", n=1, cin=2, cout=3, h=4, w=4, k=3, s=2, op=3, d=4))
    add(Case("op_lt_dilation_nonsquare", n=2, cin=2, cout=2, h=3, w=4, k=(2, 3), s=(1, 2),
             op=(2, 3), d=(3, 4)))
    add(Case("op_lt_stride_with_dilation", n=2, cin=4, cout=6, h=4, w=4, k=3, s=2, p=1, op=1,
             d=(3, 2), groups=2))
    add(Case("conv1x1", n=1, cin=16, cout=8, h=5, w=5, k=1))
    add(Case("conv1x1_padding_trims", n=1, cin=3, cout=2, h=5, w=6, k=1, p=(1, 2)))
    add(Case("conv1x1_stride2_op1", n=1, cin=3, cout=4, h=3, w=2, k=1, s=2, op=1))
    add(Case("nonsquare_everything", n=2, cin=4, cout=6, h=5, w=3, k=(2, 4), s=(3, 2),
             p=(1, 2), op=(1, 0), d=(2, 1), groups=2))
    add(Case("nonsquare_everything_2", n=1, cin=3, cout=3, h=3, w=7, k=(3, 2), s=(1, 3),
             p=(2, 0), op=(0, 2), d=(2, 3), groups=3, bias=False))
    add(Case("input_9x1", n=1, cin=2, cout=3, h=9, w=1, k=(3, 1), s=(2, 1), p=(1, 0),
             op=(1, 0)))
    add(Case("input_1x8", n=1, cin=2, cout=3, h=1, w=8, k=(1, 3), s=(1, 2)))
    add(Case("batch3", n=3, cin=3, cout=5, h=4, w=5, k=3, s=2, p=1, op=1))
    add(Case("batch3_no_bias_groups", n=3, cin=4, cout=2, h=3, w=3, k=2, s=3, groups=2,
             bias=False))
    add(Case("no_bias", n=2, cin=3, cout=4, h=5, w=6, k=3, s=2, bias=False))
    add(Case("stride_eq_kernel", n=2, cin=6, cout=4, h=4, w=4, k=2, s=2, groups=2))
    add(Case("empty_batch", n=0, cin=3, cout=4, h=5, w=5, k=3, s=2, p=1))
    add(Case("empty_batch_output_size", n=0, cin=2, cout=2, h=3, w=3, k=3, s=3, osize=(10, 11)))
    # ---- edges of the accepted ranges -------------------------------------------------------
    add(Case("edge_op_eq_stride_minus_1", n=1, cin=2, cout=3, h=3, w=3, k=3, s=3, op=2))
    add(Case("edge_op_eq_stride_minus_1_nonsquare", n=1, cin=2, cout=2, h=3, w=2, k=2,
             s=(2, 4), op=(1, 3)))
    add(Case("edge_op_eq_dilation_minus_1", n=1, cin=2, cout=3, h=3, w=3, k=2, s=1, op=1, d=2))
    add(Case("edge_op_eq_dilation_minus_1_gt_stride", n=1, cin=2, cout=2, h=3, w=3, k=2, s=2,
             op=4, d=5))
    add(Case("edge_op_dilation_w_stride_h", n=1, cin=2, cout=2, h=3, w=3, k=2, s=(3, 1),
             op=(2, 2), d=(1, 3)))
    add(Case("edge_output_1x1", n=1, cin=2, cout=3, h=1, w=1, k=1))
    add(Case("edge_output_1x1_by_padding", n=2, cin=2, cout=3, h=3, w=3, k=1, p=1))
    add(Case("edge_output_1_by_padding_and_op", n=1, cin=2, cout=2, h=1, w=4, k=2, s=2,
             p=(1, 0), op=(1, 0)))
    add(Case("edge_output_h1_k3", n=1, cin=2, cout=2, h=3, w=3, k=3, s=1, p=(2, 0)))
    # ---- output_size requests: every legal one of a few layers --------------------------------
    def requests(prefix, **layer):
        base = Case(prefix, **layer)
        (mh, mw) = base.min_size()
        for oh in range(max(mh, 1), mh + base.sh):
            for ow in range(max(mw, 1), mw + base.sw):
                add(Case(f"{prefix}_osize_{oh}x{ow}", osize=(oh, ow), **layer))
        return base
    requests("req_k3_s2_p1", n=1, cin=3, cout=2, h=6, w=6, k=3, s=2, p=1)           # 11..12
    requests("req_k3_s3x2_p1", n=1, cin=2, cout=3, h=4, w=3, k=3, s=(3, 2), p=1)    # 3x2
    requests("req_k2_s4x1_d2", n=2, cin=2, cout=2, h=2, w=3, k=2, s=(4, 1), d=2,
             groups=2, bias=False)
    requests("req_k1_s3_p1_min_le_0", n=1, cin=2, cout=2, h=1, w=1, k=1, s=3, p=1)  # only 1
    requests("req_k4_s3x2_p2_op_ignored", n=1, cin=2, cout=2, h=3, w=4, k=4, s=(3, 2), p=2,
             op=(1, 1))
    add(Case("req_ignores_invalid_output_padding", n=1, cin=2, cout=2, h=3, w=3, k=3, s=2,
             op=5, osize=(8, 7)))
    E = dict(n=1, cin=2, cout=3, h=4, w=5, k=3, s=(3, 4), p=1)  # H 10..12, W 17..20
    (mh, mw), (sh, sw) = Case("E", **E).min_size(), (3, 4)
    add(Case("edge_osize_min", osize=(mh, mw), **E))
    add(Case("edge_osize_max", osize=(mh + sh - 1, mw + sw - 1), **E))
    add(Case("edge_osize_min_h_max_w", osize=(mh, mw + sw - 1), **E))

    # ---- REJECT: each validation rule, on a batch of one ----------------------------------
    R = dict(expect="reject", n=1, cin=2, cout=2, h=3, w=3)
    add(Case("reject_kernel_h0", k=(0, 3), **R))
    add(Case("reject_kernel_w0", k=(3, 0), **R))
    add(Case("reject_kernel_negative", k=(-1, 3), **R))
    add(Case("reject_stride_h0", s=(0, 1), **R))
    add(Case("reject_stride_w0", s=(2, 0), **R))
    add(Case("reject_stride_negative", s=(1, -2), **R))
    add(Case("reject_padding_h_negative", p=(-1, 0), **R))
    add(Case("reject_padding_w_negative", p=(1, -1), **R))
    add(Case("reject_output_padding_h_negative", s=2, op=(-1, 0), **R))
    add(Case("reject_output_padding_w_negative", s=2, op=(0, -1), **R))
    add(Case("reject_dilation_h0", d=(0, 1), **R))
    add(Case("reject_dilation_w0", d=(1, 0), **R))
    add(Case("reject_dilation_negative", d=(-1, 1), **R))
    add(Case("reject_op_eq_stride_dilation1", s=2, op=(2, 0), **R))
    add(Case("reject_op_eq_stride1_dilation1", op=(0, 1), **R))
    add(Case("reject_op_eq_stride_eq_dilation", s=2, d=2, op=2, **R))
    add(Case("reject_op_eq_dilation_gt_stride", s=1, d=3, op=(3, 0), **R))
    add(Case("reject_op_gt_both", s=(3, 2), d=(1, 2), op=(1, 4), **R))
    add(Case("reject_groups0", **{**R, "cin": 4, "cout": 4}, groups=0))
    add(Case("reject_groups_negative", **{**R, "cin": 4, "cout": 4}, groups=-2))
    add(Case("reject_groups_not_dividing_in", **{**R, "cin": 3, "cout": 4}, groups=2))
    add(Case("reject_groups_not_dividing_out", **{**R, "cin": 4, "cout": 6}, groups=4))
    add(Case("reject_groups_gt_channels", **{**R, "cin": 2, "cout": 2}, groups=4))
    add(Case("reject_input_channels_mismatch", xc=3, **R))
    add(Case("reject_input_h0", **{**R, "h": 0}))
    add(Case("reject_input_w0", **{**R, "w": 0}, k=1))
    add(Case("reject_output_h0", **{**R, "h": 1}, k=2, p=(1, 0)))
    add(Case("reject_output_w0", **{**R, "w": 1}, k=(3, 2), p=(0, 1)))
    add(Case("reject_output_h_negative", k=1, p=(2, 0), **R))
    add(Case("reject_output_w_negative", k=1, p=(0, 3), **R))
    add(Case("reject_output_0_with_op", **{**R, "h": 1}, k=1, s=2, p=1, op=(1, 0)))
    # output_size one below the minimum and one above the maximum, per dimension (layer E)
    L = dict(E, expect="reject")
    add(Case("reject_osize_h_below_min", osize=(mh - 1, mw), **L))
    add(Case("reject_osize_h_above_max", osize=(mh + sh, mw), **L))
    add(Case("reject_osize_w_below_min", osize=(mh, mw - 1), **L))
    add(Case("reject_osize_w_above_max", osize=(mh + sh - 1, mw + sw), **L))
    add(Case("reject_osize_both_out", osize=(mh + sh, mw - 1), **L))
    add(Case("reject_osize_stride1_above", expect="reject", n=1, cin=2, cout=2, h=3, w=3,
             k=3, osize=(6, 5)))
    # min <= 0: PyTorch's _output_padding passes 0, then its shape check rejects it
    Z = dict(expect="reject", n=1, cin=2, cout=2, h=1, w=1, k=1, s=3, p=1)  # min -1, max 1
    add(Case("reject_osize_zero_min_le_0", osize=(0, 1), **Z))
    add(Case("reject_osize_negative_min_le_0", osize=(1, -1), **Z))
    add(Case("reject_osize_above_max_min_le_0", osize=(1, 2), **Z))
    return C


def torch_forward(c, x, wt, b):
    """PyTorch's verdict and result: the module as a user would build and call it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Initializing zero-element tensors is a no-op"
        m = nn.ConvTranspose2d(c.cin, c.cout, (c.kh, c.kw), stride=(c.sh, c.sw),
                               padding=(c.ph, c.pw), output_padding=(c.oph, c.opw),
                               groups=c.groups, bias=c.bias, dilation=(c.dh, c.dw))
    with torch.no_grad():
        if wt is not None:
            m.weight.copy_(torch.from_numpy(wt))
        if c.bias and b is not None:
            m.bias.copy_(torch.from_numpy(b))
        xt = torch.from_numpy(x)
        if c.osize is None:
            return m(xt)
        return m(xt, output_size=list(c.osize))


def make_data(c):
    rng = np.random.Generator(np.random.PCG64(zlib.crc32(c.name.encode())))
    def uniform(shape):
        return rng.uniform(-1.0, 1.0, size=shape).astype(np.float32)
    x = uniform((c.n, max(c.xc, 0), max(c.h, 0), max(c.w, 0)))
    wt = None
    if min(c.cin, c.cout, c.kh, c.kw) >= 0 and c.groups > 0 and c.cout % c.groups == 0:
        wt = uniform((c.cin, c.cout // c.groups, c.kh, c.kw))
    b = uniform((c.cout,)) if c.bias and c.cout > 0 else None
    return x, wt, b


def verdict(c, x, wt, b):
    """(None, output) if PyTorch accepts c, (message, None) if it rejects it.
    Validity is decided on a batch of one: PyTorch skips its checks on empty batches."""
    x1 = x if c.n == 1 else make_data(Case(c.name + "#n1", **{**_kwargs(c), "n": 1}))[0]
    try:
        out1 = torch_forward(c, x1, wt, b)
    except (RuntimeError, ValueError) as e:
        return f"{type(e).__name__}: {' '.join(str(e).split())}", None
    return None, (out1 if c.n == 1 else torch_forward(c, x, wt, b))


def _kwargs(c):
    return dict(n=c.n, cin=c.cin, cout=c.cout, h=c.h, w=c.w, k=(c.kh, c.kw), s=(c.sh, c.sw),
                p=(c.ph, c.pw), op=(c.oph, c.opw), d=(c.dh, c.dw), groups=c.groups,
                bias=c.bias, osize=c.osize, xc=c.xc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "tests", "data"))
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)  # not used for data (numpy is), but the module init draws from it

    all_cases = cases()
    names = [c.name for c in all_cases]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit(f"gen_golden: duplicate case names {sorted(dup)}")

    blob = bytearray()
    lines = []
    n_valid = n_reject = 0

    def put(arr):
        a = np.ascontiguousarray(arr, dtype="<f4")
        off = len(blob)
        blob.extend(a.tobytes())
        return f"{off},{a.size}"

    for c in all_cases:
        x, wt, b = make_data(c)
        msg, out = verdict(c, x, wt, b)
        got = "valid" if msg is None else "reject"
        if got != c.expect:
            sys.exit(f"gen_golden: case {c.name}: expected PyTorch to say {c.expect}, it says "
                     f"{got} ({msg})")
        if msg is None:
            assert c.xc == c.cin and wt is not None
            y = out.detach().numpy()
            shape = ",".join(str(s) for s in y.shape)
            bfield = put(b) if c.bias else "-"
            lines.append(f"VALID {c.fields()} out={shape} x_data={put(x)} "
                         f"w_data={put(wt)} b_data={bfield} y_data={put(y)}")
            n_valid += 1
        else:
            assert c.n == 1, "reject cases are decided on a batch of one"
            stage = "create" if c.convt_create_rejects() else "run"
            lines.append(f"REJECT {c.fields()} stage={stage}  # {msg}")
            n_reject += 1

    os.makedirs(args.out, exist_ok=True)
    bin_path = os.path.join(args.out, "golden.bin")
    with open(bin_path, "wb") as f:
        f.write(blob)
    versions = f"torch {torch.__version__}, numpy {np.__version__}"
    digest = hashlib.sha256(blob).hexdigest()
    with open(os.path.join(args.out, "golden.txt"), "w") as f:
        f.write(HEADER.format(versions=versions))
        f.write(f"# {n_valid} valid, {n_reject} reject\n")
        f.write(f"BIN golden.bin bytes={len(blob)} sha256={digest}\n")
        for line in lines:
            f.write(line + "\n")
    print(f"gen_golden: {n_valid} valid, {n_reject} reject cases; {bin_path}: {len(blob)} bytes")
    if len(blob) > 5 * 1024 * 1024:
        sys.exit("gen_golden: golden.bin is over the 5 MB budget")


if __name__ == "__main__":
    main()
