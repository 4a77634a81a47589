#!/usr/bin/env python3
"""Writes convt's ONNX Runtime golden data: tests/data/golden_onnx.txt (index) + .bin.

Run with the interpreter that has numpy, onnx and onnxruntime from PyPI (tools/install-deps.sh
test makes it):

    build/peers-venv/bin/python tools/gen_golden_onnx.py [--out tests/data]

The ONNX padding kinds (convt_params.padding_kind EXPLICIT with asymmetric pads, SAME_UPPER,
SAME_LOWER, VALID) per rank, with and without output_shape (its edges: 1, odd and even
trims, the untrimmed size, past it, the largest), groups, depthwise, dilation,
output_padding, a few with an activation node after the ConvTranspose and a few stored
channels last; and REJECTs, a few per rule. Each case is a one-node model built as
tools/crosscheck_onnx.py builds them, run by ONNX Runtime's CPU provider (one thread, no
graph optimisation); its verdict must be what the case expects and what the issue's rules
(tools/convt_rules.py) say, its shape theirs, or the script stops.

Deterministic: the data of every case comes from numpy's PCG64 seeded with the CRC-32 of the
case's name. Re-running it with the same onnxruntime on the same kind of CPU reproduces both
files byte for byte (the versions are in the header; ONNX Runtime's kernels, like
PyTorch's, round differently per instruction set).
"""

import argparse
import os
import sys
import zlib

import numpy as np

import crosscheck_onnx as xo  # tools/: the model builder and ONNX Runtime's verdict
import convt_rules
from golden_format import Case, Writer

ort, onnx = xo.ort, xo.onnx

TITLE = """\
# convt golden data: ONNX Runtime's ConvTranspose results and verdicts under the ONNX padding
# kinds, made by tools/gen_golden_onnx.py ({versions}).
# Do not edit: regenerate with  build/peers-venv/bin/python tools/gen_golden_onnx.py
# A case maps to one ONNX node: p= and pe= are pads' begin and end halves (kind=explicit),
# kind=same_upper|same_lower|valid is auto_pad, osize= is output_shape, act= the node after
# it (Relu, LeakyRelu, Clip, Tanh, Sigmoid, Elu, Gelu), layout=last: ONNX Runtime's
# channels-first tensors stored transposed.
#
"""

INPUT = {1: (7,), 2: (4, 5), 3: (2, 3, 4)}  # the base input per rank


def cut(v, rank):
    """The first `rank` entries of a per-dimension tuple written for 3 dimensions."""
    return tuple(v[:rank]) if isinstance(v, tuple) else v


def full_size(c, j):
    return c.s[j] * (c.inp[j] - 1) + c.op[j] + (c.k[j] - 1) * c.d[j] + 1


def cases(rank):
    C = []
    inp = INPUT[rank]

    def add(name, expect="valid", pads_attr=None, **kw):
        kw = {k: cut(v, rank) for k, v in kw.items()}
        kw.setdefault("inp", inp)
        c = Case(name, rank, expect=expect, **kw)
        c.pads_attr = (c.kind_name == "explicit") if pads_attr is None else pads_attr
        c.mutation = "-"
        C.append(c)
        return c

    B = dict(n=2, cin=3, cout=4, k=3, s=2)
    # ---- EXPLICIT: ONNX's pads, begin and end apart ------------------------------------------
    add("explicit_sym_p1", kind="explicit", p=1, pe=1, **B)
    add("explicit_asym_p1_pe0", kind="explicit", p=1, pe=0, **B)
    add("explicit_asym_p0_pe2_op1", kind="explicit", p=0, pe=2, op=1, **B)
    add("explicit_asym_per_dim", kind="explicit", p=(2, 0, 1), pe=(0, 3, 2), d=(1, 2, 1),
        op=(1, 0, 1), **B)
    add("explicit_no_pads_attribute", kind="explicit", pads_attr=False, **B)
    add("explicit_no_pads_k4_s3_op2", kind="explicit", pads_attr=False, n=1, cin=2, cout=3,
        k=4, s=3, op=2)
    add("explicit_trims_to_1", kind="explicit", n=1, cin=2, cout=2, k=3, s=2,
        p=(4, 2, 3), pe=(2, 5, 5), inp=cut((3, 4, 5), rank))  # full 7, 9, 11
    add("explicit_groups2_asym", kind="explicit", n=1, cin=4, cout=6, groups=2, k=3, s=2,
        p=(1, 2, 0), pe=(2, 0, 1))
    add("explicit_depthwise_asym_no_bias", kind="explicit", n=2, cin=3, cout=3, groups=3,
        k=(3, 2, 3), s=(2, 3, 1), p=(0, 1, 2), pe=(1, 0, 0), bias=False)
    if rank == 1:  # EnCodec's 48 kHz decoder: 3 samples trimmed at the start, 2 at the end
        add("explicit_encodec_k10_s5_p3_pe2", kind="explicit", n=1, cin=8, cout=4, k=10, s=5,
            p=3, pe=2, inp=(9,))
    # ---- SAME_UPPER / SAME_LOWER: T = max(0, full - in*stride) ---------------------------------
    for kind in ("same_upper", "same_lower"):
        add(f"{kind}_k3_s2_odd", kind=kind, **B)                       # T = 1
        add(f"{kind}_k3_s2_op1_even", kind=kind, op=1, **B)            # T = 2
        add(f"{kind}_k5_s2_odd", kind=kind, n=1, cin=2, cout=3, k=5, s=2)   # T = 3
        add(f"{kind}_k2_s3_no_trim", kind=kind, n=1, cin=2, cout=3, k=2, s=3)  # T = 0
        add(f"{kind}_k3_s2_d2", kind=kind, n=1, cin=2, cout=2, k=3, s=2, d=2)  # T = 3
        add(f"{kind}_k4_s1", kind=kind, n=1, cin=3, cout=2, k=4, s=1)          # T = 3
        add(f"{kind}_mixed", kind=kind, n=1, cin=2, cout=3, k=(4, 3, 2), s=(2, 3, 1),
            d=(1, 2, 3), op=(1, 2, 0))
        add(f"{kind}_groups3_no_bias", kind=kind, n=2, cin=3, cout=6, groups=3, k=3, s=2,
            bias=False)
    # ---- VALID: no trim ----------------------------------------------------------------------
    add("valid_k3_s2", kind="valid", **B)
    add("valid_k3_s2_op1", kind="valid", op=1, **B)
    add("valid_dilated_groups2", kind="valid", n=1, cin=4, cout=2, groups=2, k=2, s=(3, 1, 2),
        d=(2, 3, 1))
    # ---- output_shape under each kind: its edges, per dimension --------------------------------
    R = dict(n=1, cin=2, cout=3, k=3, s=2, op=1, inp=cut((3, 2, 4), rank))
    # full = 2*(in-1) + 1 + 3: 8, 6, 10; largest = 2*in + 2: 8, 6, 10 (full + 0 with op 1)
    for kind in ("explicit", "same_upper", "same_lower", "valid"):
        probe = Case("probe", rank, **{k: cut(v, rank) if k != "inp" else v
                                       for k, v in R.items()}, kind=kind)
        full = [full_size(probe, j) for j in range(rank)]
        top = [probe.s[j] * probe.inp[j] + (probe.k[j] - 1) * probe.d[j] - 1
               for j in range(rank)]
        picks = {
            "1": [1] * rank,
            "odd_trim": [f - 3 for f in full],
            "even_trim": [f - 2 for f in full],
            "full": full,
            "mixed": [(t, 1, f - 1)[j % 3] for j, (f, t) in enumerate(zip(full, top))],
        }
        extra = dict(p=2, pe=1) if kind == "explicit" else {}  # pads are ignored then
        for tag, size in picks.items():
            add(f"osize_{kind}_{tag}", kind=kind, osize=tuple(size), **R, **extra)
        # past the untrimmed output (op 0: full = largest - 1): positions hold the bias
        past = dict(R, op=0)
        probe0 = Case("probe0", rank, **{k: cut(v, rank) if k != "inp" else v
                                         for k, v in past.items()}, kind=kind)
        top0 = tuple(probe0.s[j] * probe0.inp[j] + (probe0.k[j] - 1) * probe0.d[j] - 1
                     for j in range(rank))
        add(f"osize_{kind}_largest_past_full", kind=kind, osize=top0, **past, **extra)
    add("osize_same_upper_dilated_groups", kind="same_upper", n=2, cin=4, cout=4, groups=2,
        k=2, s=3, d=2, inp=cut((2, 3, 2), rank), osize=cut((5, 7, 6), rank))
    # ---- an activation node after the ConvTranspose (ONNX Runtime's functions) --------------
    acts = [("relu", 0, 0), ("leaky_relu", 0.1, 0), ("clamp", -0.3, 0.6), ("tanh", 0, 0),
            ("sigmoid", 0, 0), ("elu", 0.7, 0), ("gelu", 0, 0)]
    kinds = ("explicit", "same_upper", "same_lower", "valid")
    for i, (act, alpha, beta) in enumerate(acts):
        if i % 3 != rank - 1 and rank != 2:
            continue  # 2-D has them all, 1-D and 3-D a third each
        add(f"act_{act}_{kinds[i % 4]}", kind=kinds[i % 4], act=act, alpha=alpha, beta=beta,
            p=1, pe=0, scale=2.0, **B)
    # ---- stored channels last -----------------------------------------------------------------
    add("channels_last_explicit_asym", kind="explicit", p=(1, 0, 2), pe=(0, 2, 1),
        layout="last", **B)
    add("channels_last_same_lower_groups2", kind="same_lower", n=1, cin=4, cout=6, groups=2,
        k=3, s=2, layout="last")
    add("channels_last_valid_osize_relu", kind="valid", osize=cut((9, 8, 6), rank), act="relu",
        layout="last", n=1, cin=2, cout=3, k=3, s=2, inp=cut((4, 3, 2), rank))
    # ---- REJECT: each rule, on a batch of one ---------------------------------------------------
    X = dict(expect="reject", n=1, cin=2, cout=2, k=3, s=2, inp=cut((3, 3, 3), rank))

    def last(v, rest):  # v in the last dimension, `rest` in the others
        return tuple(rest for _ in range(rank - 1)) + (v,)
    add("reject_op_eq_stride", kind="explicit", op=last(2, 0), **X)
    add("reject_op_ge_stride_lt_dilation_same_upper",
        **{**X, "s": 1}, kind="same_upper", d=3, op=last(1, 0))   # PyTorch allows it
    add("reject_op_ge_stride_lt_dilation_valid", **{**X, "s": 2}, kind="valid", d=4,
        op=last(3, 0))
    add("reject_op_ge_stride_with_osize", kind="same_lower", op=last(2, 0),
        osize=cut((8, 8, 8), rank), **X)
    add("reject_op_negative", kind="valid", op=last(-1, 0), **X)
    add("reject_osize_above_max_same_lower", kind="same_lower", osize=last(9, 7), **X)  # max 8
    add("reject_osize_above_max_explicit", kind="explicit", osize=last(12, 8), **X)
    add("reject_osize_zero", kind="valid", osize=last(0, 5), **X)
    add("reject_pads_leave_zero", kind="explicit", p=last(4, 0), pe=last(3, 0), **X)  # full 7
    add("reject_pads_leave_negative", kind="explicit", p=last(5, 1), pe=last(4, 1), **X)
    add("reject_pads_negative_begin", kind="explicit", p=last(-1, 0), **X)
    add("reject_pads_negative_end", kind="explicit", pe=last(-2, 0), **X)
    add("reject_input_channels_same_upper", kind="same_upper", xc=3, **X)
    add("reject_groups_not_dividing_in", **{**X, "cin": 3, "cout": 4}, groups=2,
        kind="valid")
    return C


def make_data(c):
    rng = np.random.Generator(np.random.PCG64(zlib.crc32(c.name.encode())))

    def uniform(shape, scale=1.0):
        return (scale * rng.uniform(-1.0, 1.0, size=shape)).astype(np.float32)
    x = uniform((c.n, c.xc) + c.inp, c.scale)
    wt = uniform((c.cin, c.cout // c.groups) + c.k)
    b = uniform((c.cout,))
    return x, wt, b


def rules_verdict(c):
    """The issue's rules: (out sizes, None) or (None, why)."""
    if convt_rules.onnx_rejected_at_create(c):
        return None, "convt_create's checks"
    if c.xc != c.cin:
        return None, "input channels"
    outs = []
    for j in range(c.rank):
        o, why = convt_rules.onnx_axis(c.kind, c.inp[j], c.k[j], c.s[j], c.d[j], c.op[j],
                                       c.p[j], c.pe[j],
                                       None if c.osize is None else c.osize[j])
        if o is None:
            return None, why
        outs.append(o)
    return outs, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "tests", "data"))
    args = ap.parse_args()

    so = xo.session_options()
    w = Writer()
    for rank in (1, 2, 3):
        for c in cases(rank):
            x, wt, b = make_data(c)
            msg, y = xo.ort_run(so, c, x, wt, b)
            got = "valid" if msg is None else "reject"
            if got != c.expect:
                sys.exit(f"gen_golden_onnx: case {c.name}: expected ONNX Runtime to say "
                         f"{c.expect}, it says {got} ({msg})")
            outs, why = rules_verdict(c)
            if (outs is not None) != (msg is None):
                sys.exit(f"gen_golden_onnx: case {c.name}: ONNX Runtime says {got} ({msg}), "
                         f"the issue's rules {'valid' if outs else 'reject: ' + why}")
            if msg is None:
                if tuple(y.shape) != (c.n, c.cout) + tuple(outs):
                    sys.exit(f"gen_golden_onnx: case {c.name}: ONNX Runtime's shape "
                             f"{y.shape}, the rules' {outs}")
                w.valid(c, x, wt, b, y)
            else:
                w.reject(c, msg)
    versions = (f"onnxruntime {ort.__version__}, onnx {onnx.__version__}, numpy "
                f"{np.__version__}, opset {xo.OPSET}")
    path, size = w.write(args.out, "golden_onnx", TITLE.format(versions=versions))
    print(f"gen_golden_onnx: {w.summary()}; {path}: {size} bytes ({versions})")
    if size > 512 * 1024:
        sys.exit("gen_golden_onnx: golden_onnx.bin is over its 512 KB budget")


if __name__ == "__main__":
    main()
