#!/usr/bin/python3
"""Writes convt's PyTorch golden data: tests/data/golden.txt (index) + tests/data/golden.bin,
and tests/data/golden_act.{txt,bin}: fused activations and channels-last tensors.

Run with Debian's python3 (the one with python3-torch):

    /usr/bin/python3 tools/gen_golden.py [--out tests/data] [--set all|golden|act]

Deterministic: the data of every case comes from numpy's PCG64 seeded with the CRC-32 of
the case's name, PyTorch runs single-threaded, and nothing depends on the time. Re-running
it on the same PyTorch version and the same kind of CPU reproduces the files byte for byte;
PyTorch's kernels round differently per instruction set (on an AVX2 host without AVX-512,
3,481 of the 336,683 floats of the committed golden.bin come out up to 1e-6 apart), so
regenerate golden.bin only when its cases change.

Every case is one ConvTranspose1d, 2d or 3d layer (its rank: 1, 2 or 3 spatial dimensions)
plus an input shape (and optionally an output_size request for forward(input,
output_size=...)). PyTorch decides whether the case is VALID or REJECT: the module is
constructed (nn.ConvTranspose*d raises ValueError for bad groups/channels) and run on the
input, on a batch of ONE when validity is decided (PyTorch skips some checks on empty
batches). Each case also states what the author expects; if PyTorch disagrees the script
stops, so the set keeps its meaning.

golden.bin: float32 little-endian arrays, back to back.
golden.txt: see the header this script writes (HEADER below).

golden_act: the same layers under convt 0.4's activation and layout fields (the format of
tools/golden_format.py): each activation (RELU, LEAKY_RELU, CLAMP with finite and infinite
bounds, TANH, SIGMOID, ELU, GELU) per rank as PyTorch's function applied after the module
(F.relu, F.leaky_relu, torch.clamp / F.hardtanh, torch.tanh, torch.sigmoid, F.elu, F.gelu
in its exact erf form), inputs up to +-3 so that the tails are reached; and layers run by
PyTorch in channels_last / channels_last_3d memory format (1-D: a numpy transpose), stored
(N, spatial..., C).
"""

import argparse
import copy
import hashlib
import itertools
import os
import sys
import warnings
import zlib

import numpy as np
import torch

import convt_rules  # tools/convt_rules.py
import golden_format as gf  # tools/golden_format.py: golden_act's format
import torch.nn as nn
import torch.nn.functional as F

HEADER = """\
# convt golden data: PyTorch's torch.nn.ConvTranspose1d/2d/3d results, made by
# tools/gen_golden.py ({versions}).
# Do not edit: regenerate with  /usr/bin/python3 tools/gen_golden.py
#
# BIN <file> bytes=<size> sha256=<hex>   the float32 little-endian data file next to this one
# One case per line, whitespace-separated key=value fields after the verdict word. A <list>
# has one comma-separated entry per spatial dimension, in PyTorch's order: (L) for rank 1,
# (H,W) for rank 2, (D,H,W) for rank 3.
#   VALID|REJECT name=<id> rank=1|2|3 n=<batch> cin=<in_channels> cout=<out_channels>
#     groups=<groups> bias=0|1 xc=<channels of the input tensor> (normally = cin)
#     in=<list>   the input's spatial sizes
#     k= s= p= op= d=<list>   kernel_size, stride, padding, output_padding, dilation
#     osize=<list> | osize=-   the output_size request of forward(input, output_size), or none
#   VALID only:
#     out=<N>,<C>,<list>        PyTorch's output shape (2 + rank entries)
#     x_data= w_data= b_data= y_data=<byte offset into the .bin>,<count of float32>:
#       input (N, xc, in...), weight (cin, cout/groups, k...), bias (cout; b_data=- when
#       bias=0), PyTorch's output (N, C, out spatial...), all C-contiguous
#   REJECT only (decided on a batch of one, so n=1):
#     stage=create|run   where convt's header says convt must reject it: convt_create
#       (channels, groups, kernel, stride, padding, dilation) or convt_output_shape/convt_run
#       (input shape, output_padding < 0 or >= stride and dilation, output size < 1,
#       output_size out of range)
#     # <PyTorch's exception type>: <its message>     (a comment: for people, not parsed)
"""

MODULES = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}


def per_dim(v, rank):
    """A per-dimension parameter as a tuple of `rank` entries (an int is the same for all)."""
    t = (v,) * rank if isinstance(v, int) else tuple(v)
    assert len(t) == rank, (v, rank)
    return t


def joined(t, sep=","):
    return sep.join(str(v) for v in t)


class Case:
    def __init__(self, name, rank, inp, expect="valid", n=1, cin=2, cout=3, k=3, s=1, p=0,
                 op=0, d=1, groups=1, bias=True, osize=None, xc=None):
        assert expect in ("valid", "reject")
        self.name, self.rank, self.expect = f"{rank}d_{name}", rank, expect
        self.n, self.cin, self.cout = n, cin, cout
        self.inp = per_dim(inp, rank)
        self.k, self.s, self.p = per_dim(k, rank), per_dim(s, rank), per_dim(p, rank)
        self.op, self.d = per_dim(op, rank), per_dim(d, rank)
        self.groups, self.bias = groups, bias
        self.osize = None if osize is None else per_dim(osize, rank)
        self.xc = cin if xc is None else xc

    def min_size(self):
        return convt_rules.min_size(self)

    def convt_create_rejects(self):
        return convt_rules.rejected_at_create(self)

    def fields(self):
        osize = "-" if self.osize is None else joined(self.osize)
        return (f"name={self.name} rank={self.rank} n={self.n} cin={self.cin} cout={self.cout} "
                f"groups={self.groups} bias={int(self.bias)} xc={self.xc} in={joined(self.inp)} "
                f"k={joined(self.k)} s={joined(self.s)} p={joined(self.p)} "
                f"op={joined(self.op)} d={joined(self.d)} osize={osize}")


def C1(name, L=7, **kw):
    return Case(name, 1, (L,), **kw)


def C2(name, h=4, w=5, **kw):
    return Case(name, 2, (h, w), **kw)


def C3(name, inp=(3, 4, 5), **kw):
    return Case(name, 3, inp, **kw)


def add_requests(add, make, prefix, **layer):
    """Every legal output_size of a layer: per dimension max(min, 1) .. min + stride - 1."""
    base = make(prefix, **layer)
    ranges = [range(max(m, 1), m + s) for m, s in zip(base.min_size(), base.s)]
    for size in itertools.product(*ranges):
        add(make(f"{prefix}_osize_{joined(size, 'x')}", osize=size, **layer))


def cases_2d():
    """The ConvTranspose2d cases. expect= is what PyTorch must say (checked when generating)."""
    C = []
    add = C.append
    # ---- basics: one parameter at a time around a small layer ----------------------------
    add(C2("smallest", cin=1, cout=1, h=1, w=1, k=1))
    add(C2("base_k3", n=2, cin=3, cout=4, h=5, w=6))
    for k in (1, 2, 4, 5, (1, 3), (3, 1), (2, 5), (4, 3), (1, 7)):
        kh, kw = per_dim(k, 2)
        add(C2(f"kernel_{kh}x{kw}", n=2, cin=3, cout=4, h=5, w=6, k=k))
    for s in (2, 3, (2, 3), (3, 1), (1, 4)):
        sh, sw = per_dim(s, 2)
        add(C2(f"stride_{sh}x{sw}", n=2, cin=3, cout=4, h=5, w=6, s=s))
    for p in (1, 2, (0, 2), (2, 1)):
        ph, pw = per_dim(p, 2)
        add(C2(f"padding_{ph}x{pw}", n=2, cin=3, cout=4, h=5, w=6, p=p))
    for d in (2, 3, (1, 2), (3, 2)):
        dh, dw = per_dim(d, 2)
        add(C2(f"dilation_{dh}x{dw}", n=2, cin=3, cout=4, h=5, w=6, d=d))
    for s, op in (((2, 2), (1, 0)), ((2, 2), (0, 1)), ((2, 2), (1, 1)), ((3, 2), (2, 1))):
        add(C2(f"output_padding_{op[0]}x{op[1]}_stride_{s[0]}x{s[1]}", n=2, cin=3, cout=4,
                 h=5, w=6, s=s, op=op))
    add(C2("dcgan_k4_s2_p1", n=2, cin=8, cout=4, h=6, w=6, k=4, s=2, p=1))
    add(C2("fcn_k4_s2_p1_no_bias", n=1, cin=5, cout=5, h=7, w=7, k=4, s=2, p=1,
             bias=False))
    add(C2("long_reduction_cin64", n=1, cin=64, cout=3, h=3, w=4, k=3, s=2, p=1))
    add(C2("wide_cout32", n=1, cin=3, cout=32, h=3, w=3, k=2, s=2))
    # ---- groups --------------------------------------------------------------------------
    add(C2("groups2", n=2, cin=4, cout=6, h=5, w=4, k=3, s=2, groups=2))
    add(C2("groups3_out_3x_in", n=1, cin=3, cout=9, h=4, w=4, k=(2, 3), s=(1, 2), groups=3))
    add(C2("groups4_in_2x_out", n=2, cin=8, cout=4, h=3, w=5, k=3, s=2, p=1, groups=4))
    add(C2("groups2_in6_out2_no_bias", n=1, cin=6, cout=2, h=4, w=3, k=2, groups=2,
             bias=False))
    add(C2("depthwise4", n=2, cin=4, cout=4, h=5, w=5, k=3, s=2, p=1, groups=4))
    add(C2("depthwise6_no_bias", n=1, cin=6, cout=6, h=4, w=6, k=(3, 2), s=(2, 3), d=(2, 1),
             groups=6, bias=False))
    add(C2("depthwise_multiplier2", n=1, cin=3, cout=6, h=4, w=4, k=3, s=2, groups=3))
    add(C2("depthwise_1x1", n=2, cin=5, cout=5, h=3, w=4, k=1, groups=5))
    # ---- corners ------------------------------------------------------------------------
    add(C2("kernel_larger_than_input", n=1, cin=3, cout=4, h=2, w=2, k=(5, 7)))
    add(C2("kernel_3x3_on_1x1", n=2, cin=2, cout=3, h=1, w=1, k=3))
    add(C2("kernel_larger_strided", n=1, cin=2, cout=2, h=2, w=3, k=(6, 5), s=(3, 2), p=1))
    add(C2("stride_gt_kernel_gaps", n=1, cin=3, cout=4, h=3, w=3, k=2, s=(4, 5)))
    add(C2("stride_gt_kernel_1x1_gaps", n=2, cin=5, cout=7, h=3, w=3, k=1, s=(2, 3),
             op=(1, 2), bias=False))
    add(C2("stride_gt_dilated_span", n=1, cin=2, cout=3, h=3, w=4, k=2, s=(6, 5), d=2))
    add(C2("padding_trims_most", n=1, cin=4, cout=2, h=5, w=4, k=5, s=2, p=(4, 3),
             op=(1, 0)))
    add(C2("padding_trims_most_3x3", n=1, cin=2, cout=3, h=4, w=4, k=3, s=2, p=3))
    add(C2("padding_beyond_half_span", n=1, cin=2, cout=2, h=3, w=3, k=3, p=3, d=2))
    add(C2("op_lt_dilation_stride1", n=1, cin=4, cout=4, h=5, w=5, k=3, op=1, d=2))
    add(C2("op_lt_dilation_gt_stride", n=1, cin=2, cout=3, h=4, w=4, k=3, s=2, op=3, d=4))
    add(C2("op_lt_dilation_nonsquare", n=2, cin=2, cout=2, h=3, w=4, k=(2, 3), s=(1, 2),
             op=(2, 3), d=(3, 4)))
    add(C2("op_lt_stride_with_dilation", n=2, cin=4, cout=6, h=4, w=4, k=3, s=2, p=1, op=1,
             d=(3, 2), groups=2))
    add(C2("conv1x1", n=1, cin=16, cout=8, h=5, w=5, k=1))
    add(C2("conv1x1_padding_trims", n=1, cin=3, cout=2, h=5, w=6, k=1, p=(1, 2)))
    add(C2("conv1x1_stride2_op1", n=1, cin=3, cout=4, h=3, w=2, k=1, s=2, op=1))
    add(C2("nonsquare_everything", n=2, cin=4, cout=6, h=5, w=3, k=(2, 4), s=(3, 2),
             p=(1, 2), op=(1, 0), d=(2, 1), groups=2))
    add(C2("nonsquare_everything_2", n=1, cin=3, cout=3, h=3, w=7, k=(3, 2), s=(1, 3),
             p=(2, 0), op=(0, 2), d=(2, 3), groups=3, bias=False))
    add(C2("input_9x1", n=1, cin=2, cout=3, h=9, w=1, k=(3, 1), s=(2, 1), p=(1, 0),
             op=(1, 0)))
    add(C2("input_1x8", n=1, cin=2, cout=3, h=1, w=8, k=(1, 3), s=(1, 2)))
    add(C2("batch3", n=3, cin=3, cout=5, h=4, w=5, k=3, s=2, p=1, op=1))
    add(C2("batch3_no_bias_groups", n=3, cin=4, cout=2, h=3, w=3, k=2, s=3, groups=2,
             bias=False))
    add(C2("no_bias", n=2, cin=3, cout=4, h=5, w=6, k=3, s=2, bias=False))
    add(C2("stride_eq_kernel", n=2, cin=6, cout=4, h=4, w=4, k=2, s=2, groups=2))
    add(C2("empty_batch", n=0, cin=3, cout=4, h=5, w=5, k=3, s=2, p=1))
    add(C2("empty_batch_output_size", n=0, cin=2, cout=2, h=3, w=3, k=3, s=3, osize=(10, 11)))
    # ---- edges of the accepted ranges -------------------------------------------------------
    add(C2("edge_op_eq_stride_minus_1", n=1, cin=2, cout=3, h=3, w=3, k=3, s=3, op=2))
    add(C2("edge_op_eq_stride_minus_1_nonsquare", n=1, cin=2, cout=2, h=3, w=2, k=2,
             s=(2, 4), op=(1, 3)))
    add(C2("edge_op_eq_dilation_minus_1", n=1, cin=2, cout=3, h=3, w=3, k=2, s=1, op=1, d=2))
    add(C2("edge_op_eq_dilation_minus_1_gt_stride", n=1, cin=2, cout=2, h=3, w=3, k=2, s=2,
             op=4, d=5))
    add(C2("edge_op_dilation_w_stride_h", n=1, cin=2, cout=2, h=3, w=3, k=2, s=(3, 1),
             op=(2, 2), d=(1, 3)))
    add(C2("edge_output_1x1", n=1, cin=2, cout=3, h=1, w=1, k=1))
    add(C2("edge_output_1x1_by_padding", n=2, cin=2, cout=3, h=3, w=3, k=1, p=1))
    add(C2("edge_output_1_by_padding_and_op", n=1, cin=2, cout=2, h=1, w=4, k=2, s=2,
             p=(1, 0), op=(1, 0)))
    add(C2("edge_output_h1_k3", n=1, cin=2, cout=2, h=3, w=3, k=3, s=1, p=(2, 0)))
    # ---- output_size requests: every legal one of a few layers --------------------------------
    def requests(prefix, **layer):
        add_requests(add, C2, prefix, **layer)
    requests("req_k3_s2_p1", n=1, cin=3, cout=2, h=6, w=6, k=3, s=2, p=1)           # 11..12
    requests("req_k3_s3x2_p1", n=1, cin=2, cout=3, h=4, w=3, k=3, s=(3, 2), p=1)    # 3x2
    requests("req_k2_s4x1_d2", n=2, cin=2, cout=2, h=2, w=3, k=2, s=(4, 1), d=2,
             groups=2, bias=False)
    requests("req_k1_s3_p1_min_le_0", n=1, cin=2, cout=2, h=1, w=1, k=1, s=3, p=1)  # only 1
    requests("req_k4_s3x2_p2_op_ignored", n=1, cin=2, cout=2, h=3, w=4, k=4, s=(3, 2), p=2,
             op=(1, 1))
    add(C2("req_ignores_invalid_output_padding", n=1, cin=2, cout=2, h=3, w=3, k=3, s=2,
             op=5, osize=(8, 7)))
    E = dict(n=1, cin=2, cout=3, h=4, w=5, k=3, s=(3, 4), p=1)  # H 10..12, W 17..20
    (mh, mw), (sh, sw) = C2("E", **E).min_size(), (3, 4)
    add(C2("edge_osize_min", osize=(mh, mw), **E))
    add(C2("edge_osize_max", osize=(mh + sh - 1, mw + sw - 1), **E))
    add(C2("edge_osize_min_h_max_w", osize=(mh, mw + sw - 1), **E))

    # ---- REJECT: each validation rule, on a batch of one ----------------------------------
    R = dict(expect="reject", n=1, cin=2, cout=2, h=3, w=3)
    add(C2("reject_kernel_h0", k=(0, 3), **R))
    add(C2("reject_kernel_w0", k=(3, 0), **R))
    add(C2("reject_kernel_negative", k=(-1, 3), **R))
    add(C2("reject_stride_h0", s=(0, 1), **R))
    add(C2("reject_stride_w0", s=(2, 0), **R))
    add(C2("reject_stride_negative", s=(1, -2), **R))
    add(C2("reject_padding_h_negative", p=(-1, 0), **R))
    add(C2("reject_padding_w_negative", p=(1, -1), **R))
    add(C2("reject_output_padding_h_negative", s=2, op=(-1, 0), **R))
    add(C2("reject_output_padding_w_negative", s=2, op=(0, -1), **R))
    add(C2("reject_dilation_h0", d=(0, 1), **R))
    add(C2("reject_dilation_w0", d=(1, 0), **R))
    add(C2("reject_dilation_negative", d=(-1, 1), **R))
    add(C2("reject_op_eq_stride_dilation1", s=2, op=(2, 0), **R))
    add(C2("reject_op_eq_stride1_dilation1", op=(0, 1), **R))
    add(C2("reject_op_eq_stride_eq_dilation", s=2, d=2, op=2, **R))
    add(C2("reject_op_eq_dilation_gt_stride", s=1, d=3, op=(3, 0), **R))
    add(C2("reject_op_gt_both", s=(3, 2), d=(1, 2), op=(1, 4), **R))
    add(C2("reject_groups0", **{**R, "cin": 4, "cout": 4}, groups=0))
    add(C2("reject_groups_negative", **{**R, "cin": 4, "cout": 4}, groups=-2))
    add(C2("reject_groups_not_dividing_in", **{**R, "cin": 3, "cout": 4}, groups=2))
    add(C2("reject_groups_not_dividing_out", **{**R, "cin": 4, "cout": 6}, groups=4))
    add(C2("reject_groups_gt_channels", **{**R, "cin": 2, "cout": 2}, groups=4))
    add(C2("reject_input_channels_mismatch", xc=3, **R))
    add(C2("reject_input_h0", **{**R, "h": 0}))
    add(C2("reject_input_w0", **{**R, "w": 0}, k=1))
    add(C2("reject_output_h0", **{**R, "h": 1}, k=2, p=(1, 0)))
    add(C2("reject_output_w0", **{**R, "w": 1}, k=(3, 2), p=(0, 1)))
    add(C2("reject_output_h_negative", k=1, p=(2, 0), **R))
    add(C2("reject_output_w_negative", k=1, p=(0, 3), **R))
    add(C2("reject_output_0_with_op", **{**R, "h": 1}, k=1, s=2, p=1, op=(1, 0)))
    # output_size one below the minimum and one above the maximum, per dimension (layer E)
    L = dict(E, expect="reject")
    add(C2("reject_osize_h_below_min", osize=(mh - 1, mw), **L))
    add(C2("reject_osize_h_above_max", osize=(mh + sh, mw), **L))
    add(C2("reject_osize_w_below_min", osize=(mh, mw - 1), **L))
    add(C2("reject_osize_w_above_max", osize=(mh + sh - 1, mw + sw), **L))
    add(C2("reject_osize_both_out", osize=(mh + sh, mw - 1), **L))
    add(C2("reject_osize_stride1_above", expect="reject", n=1, cin=2, cout=2, h=3, w=3,
             k=3, osize=(6, 5)))
    # min <= 0: PyTorch's _output_padding passes 0, then its shape check rejects it
    Z = dict(expect="reject", n=1, cin=2, cout=2, h=1, w=1, k=1, s=3, p=1)  # min -1, max 1
    add(C2("reject_osize_zero_min_le_0", osize=(0, 1), **Z))
    add(C2("reject_osize_negative_min_le_0", osize=(1, -1), **Z))
    add(C2("reject_osize_above_max_min_le_0", osize=(1, 2), **Z))
    return C


def cases_1d():
    """The ConvTranspose1d cases (input (N, C, L)). expect= is what PyTorch must say."""
    C = []
    add = C.append
    # ---- basics: one parameter at a time around a small layer ----------------------------
    B = dict(n=2, cin=3, cout=4, L=7)
    add(C1("smallest", cin=1, cout=1, L=1, k=1))
    add(C1("base_k3", **B))
    for k in (1, 2, 4, 5, 7):
        add(C1(f"kernel_{k}", k=k, **B))
    for s in (2, 3, 4):
        add(C1(f"stride_{s}", s=s, **B))
    for p in (1, 2):
        add(C1(f"padding_{p}", p=p, **B))
    for d in (2, 3):
        add(C1(f"dilation_{d}", d=d, **B))
    for s, op in ((2, 1), (3, 1), (3, 2), (4, 3)):
        add(C1(f"output_padding_{op}_stride_{s}", s=s, op=op, **B))
    add(C1("dcgan_k4_s2_p1", n=2, cin=8, cout=4, L=9, k=4, s=2, p=1))
    add(C1("upsampler_k16_s8_p4", cin=16, cout=8, L=10, k=16, s=8, p=4))
    add(C1("long_reduction_cin64", cin=64, cout=3, L=5, k=3, s=2, p=1))
    add(C1("wide_cout32", cin=3, cout=32, L=4, k=2, s=2))
    add(C1("long_input_L200", cin=4, cout=3, L=200, k=5, s=2, p=2, op=1))
    add(C1("wavegan_k25_s4_p11_op1", n=2, cin=16, cout=8, L=16, k=25, s=4, p=11, op=1))
    # ---- groups --------------------------------------------------------------------------
    add(C1("groups2", n=2, cin=4, cout=6, L=6, k=3, s=2, groups=2))
    add(C1("groups3_out_3x_in", cin=3, cout=9, L=5, k=3, s=2, groups=3))
    add(C1("groups4_in_2x_out", n=2, cin=8, cout=4, L=5, k=3, s=2, p=1, groups=4))
    add(C1("groups2_in6_out2_no_bias", cin=6, cout=2, L=5, k=2, groups=2, bias=False))
    add(C1("depthwise4", n=2, cin=4, cout=4, L=8, k=3, s=2, p=1, groups=4))
    add(C1("depthwise6_no_bias_dilated", cin=6, cout=6, L=6, k=3, s=3, d=2, groups=6,
           bias=False))
    add(C1("depthwise_multiplier2", cin=3, cout=6, L=6, k=3, s=2, groups=3))
    add(C1("depthwise_k1", n=2, cin=5, cout=5, L=6, k=1, groups=5))
    # ---- corners ------------------------------------------------------------------------
    add(C1("kernel_larger_than_input", cin=3, cout=4, L=2, k=7))
    add(C1("kernel_3_on_1", n=2, cin=2, cout=3, L=1, k=3))
    add(C1("kernel_larger_strided", cin=2, cout=2, L=3, k=6, s=3, p=1))
    add(C1("stride_gt_kernel_gaps", cin=3, cout=4, L=4, k=2, s=5))
    add(C1("stride_gt_kernel_1tap_gaps", n=2, cin=5, cout=7, L=4, k=1, s=3, op=2, bias=False))
    add(C1("stride_gt_dilated_span", cin=2, cout=3, L=4, k=2, s=6, d=2))
    add(C1("padding_trims_most", cin=4, cout=2, L=5, k=5, s=2, p=4, op=1))
    add(C1("padding_beyond_half_span", cin=2, cout=2, L=3, k=3, p=3, d=2))
    add(C1("op_lt_dilation_stride1", cin=4, cout=4, L=6, k=3, op=1, d=2))
    add(C1("op_lt_dilation_gt_stride", cin=2, cout=3, L=4, k=3, s=2, op=3, d=4))
    add(C1("op_lt_stride_with_dilation_groups", n=2, cin=4, cout=6, L=5, k=3, s=2, p=1, op=1,
           d=3, groups=2))
    add(C1("conv_k1", cin=16, cout=8, L=9, k=1))
    add(C1("conv_k1_padding_trims", cin=3, cout=2, L=6, k=1, p=2))
    add(C1("conv_k1_stride2_op1", cin=3, cout=4, L=3, k=1, s=2, op=1))
    add(C1("batch3", n=3, cin=3, cout=5, L=5, k=3, s=2, p=1, op=1))
    add(C1("batch3_no_bias_groups", n=3, cin=4, cout=2, L=4, k=2, s=3, groups=2, bias=False))
    add(C1("no_bias", n=2, cin=3, cout=4, L=7, k=3, s=2, bias=False))
    add(C1("stride_eq_kernel", n=2, cin=6, cout=4, L=5, k=2, s=2, groups=2))
    add(C1("empty_batch", n=0, cin=3, cout=4, L=5, k=3, s=2, p=1))
    add(C1("empty_batch_output_size", n=0, cin=2, cout=2, L=3, k=3, s=3, osize=10))
    # ---- edges of the accepted ranges -------------------------------------------------------
    add(C1("edge_op_eq_stride_minus_1", cin=2, cout=3, L=3, k=3, s=3, op=2))
    add(C1("edge_op_eq_dilation_minus_1", cin=2, cout=3, L=3, k=2, op=1, d=2))
    add(C1("edge_op_eq_dilation_minus_1_gt_stride", cin=2, cout=2, L=3, k=2, s=2, op=4, d=5))
    add(C1("edge_output_1", cin=2, cout=3, L=1, k=1))
    add(C1("edge_output_1_by_padding", n=2, cin=2, cout=3, L=3, k=1, p=1))
    add(C1("edge_output_1_by_padding_and_op", cin=2, cout=2, L=1, k=2, s=2, p=1, op=1))
    add(C1("edge_output_1_k3", cin=2, cout=2, L=3, k=3, p=2))
    # ---- output_size requests: every legal one of a few layers --------------------------------
    def requests(prefix, **layer):
        add_requests(add, C1, prefix, **layer)
    requests("req_k3_s2_p1", cin=3, cout=2, L=6, k=3, s=2, p=1)             # 11..12
    requests("req_k3_s5_p1", cin=2, cout=3, L=4, k=3, s=5, p=1)             # 16..20
    requests("req_k2_s4_d2_groups2", n=2, cin=2, cout=2, L=3, k=2, s=4, d=2, groups=2,
             bias=False)
    requests("req_k1_s3_p1_min_le_0", cin=2, cout=2, L=1, k=1, s=3, p=1)    # only 1
    requests("req_k4_s3_p2_op_ignored", cin=2, cout=2, L=3, k=4, s=3, p=2, op=1)
    add(C1("req_ignores_invalid_output_padding", cin=2, cout=2, L=3, k=3, s=2, op=5, osize=8))
    E = dict(cin=2, cout=3, L=4, k=3, s=4, p=1)  # L 13..16
    (m,), s = C1("E", **E).min_size(), 4
    add(C1("edge_osize_min", osize=m, **E))
    add(C1("edge_osize_max", osize=m + s - 1, **E))

    # ---- REJECT: each validation rule, on a batch of one ----------------------------------
    R = dict(expect="reject", n=1, cin=2, cout=2, L=3)
    add(C1("reject_kernel_0", k=0, **R))
    add(C1("reject_kernel_negative", k=-1, **R))
    add(C1("reject_stride_0", s=0, **R))
    add(C1("reject_stride_negative", s=-2, **R))
    add(C1("reject_padding_negative", p=-1, **R))
    add(C1("reject_output_padding_negative", s=2, op=-1, **R))
    add(C1("reject_dilation_0", d=0, **R))
    add(C1("reject_dilation_negative", d=-1, **R))
    add(C1("reject_op_eq_stride_dilation1", s=2, op=2, **R))
    add(C1("reject_op_eq_stride1_dilation1", op=1, **R))
    add(C1("reject_op_eq_stride_eq_dilation", s=2, d=2, op=2, **R))
    add(C1("reject_op_eq_dilation_gt_stride", s=1, d=3, op=3, **R))
    add(C1("reject_op_gt_both", s=3, d=2, op=4, **R))
    add(C1("reject_groups0", **{**R, "cin": 4, "cout": 4}, groups=0))
    add(C1("reject_groups_negative", **{**R, "cin": 4, "cout": 4}, groups=-2))
    add(C1("reject_groups_not_dividing_in", **{**R, "cin": 3, "cout": 4}, groups=2))
    add(C1("reject_groups_not_dividing_out", **{**R, "cin": 4, "cout": 6}, groups=4))
    add(C1("reject_groups_gt_channels", **{**R, "cin": 2, "cout": 2}, groups=4))
    add(C1("reject_input_channels_mismatch", xc=3, **R))
    add(C1("reject_input_0", **{**R, "L": 0}))
    add(C1("reject_input_0_k1", **{**R, "L": 0}, k=1))
    add(C1("reject_output_0", **{**R, "L": 1}, k=2, p=1))
    add(C1("reject_output_negative", k=1, p=2, **R))
    add(C1("reject_output_0_with_op", **{**R, "L": 1}, k=1, s=2, p=1, op=1))
    L_ = dict(E, expect="reject")
    add(C1("reject_osize_below_min", osize=m - 1, **L_))
    add(C1("reject_osize_above_max", osize=m + s, **L_))
    add(C1("reject_osize_stride1_above", expect="reject", cin=2, cout=2, L=3, k=3, osize=6))
    Z = dict(expect="reject", cin=2, cout=2, L=1, k=1, s=3, p=1)  # min -1, max 1
    add(C1("reject_osize_zero_min_le_0", osize=0, **Z))
    add(C1("reject_osize_negative_min_le_0", osize=-1, **Z))
    add(C1("reject_osize_above_max_min_le_0", osize=2, **Z))
    return C


def cases_3d():
    """The ConvTranspose3d cases (input (N, C, D, H, W)), small inputs so that the data stays
    small. expect= is what PyTorch must say."""
    C = []
    add = C.append
    # ---- basics: one parameter at a time around a small layer ----------------------------
    B = dict(n=2, cin=3, cout=4, inp=(3, 4, 5))
    add(C3("smallest", cin=1, cout=1, inp=(1, 1, 1), k=1))
    add(C3("base_k3", **B))
    for k in (1, 2, 4, (1, 2, 3), (3, 1, 2), (2, 3, 1), (4, 1, 1), (1, 1, 4), (2, 5, 3)):
        add(C3(f"kernel_{joined(per_dim(k, 3), 'x')}", k=k, **B))
    for s in (2, 3, (2, 1, 3), (1, 3, 2), (3, 2, 1)):
        add(C3(f"stride_{joined(per_dim(s, 3), 'x')}", s=s, **B))
    for p in (1, (0, 1, 2), (2, 0, 1)):
        add(C3(f"padding_{joined(per_dim(p, 3), 'x')}", p=p, **B))
    for d in (2, (1, 2, 3), (3, 1, 2)):
        add(C3(f"dilation_{joined(per_dim(d, 3), 'x')}", d=d, **B))
    for s, op in (((2, 2, 2), (1, 0, 1)), ((2, 2, 2), (0, 1, 0)), ((3, 2, 2), (2, 1, 1)),
                  ((1, 3, 2), (0, 2, 1))):
        add(C3(f"output_padding_{joined(op, 'x')}_stride_{joined(s, 'x')}", s=s, op=op, **B))
    add(C3("video_k3x4x4_s1x2x2_p1", cin=4, cout=4, inp=(3, 4, 4), k=(3, 4, 4), s=(1, 2, 2),
           p=1))
    add(C3("gan_k4_s2_p1", cin=8, cout=4, inp=(3, 3, 3), k=4, s=2, p=1))
    add(C3("voxel_k2_s2", n=2, cin=6, cout=3, inp=(3, 3, 2), k=2, s=2))
    add(C3("long_reduction_cin48", cin=48, cout=3, inp=(2, 3, 2), k=3, s=2, p=1))
    add(C3("wide_cout24", cin=3, cout=24, inp=(2, 2, 2), k=2, s=2))
    add(C3("unet_up_k2_s2_cin32_cout16", cin=32, cout=16, inp=(4, 4, 4), k=2, s=2))
    add(C3("video_k3_s1x2x2_p1_op0x1x1_cin16", cin=16, cout=8, inp=(4, 6, 6), k=3,
           s=(1, 2, 2), p=1, op=(0, 1, 1)))
    # ---- groups --------------------------------------------------------------------------
    add(C3("groups2", n=2, cin=4, cout=6, inp=(3, 4, 3), k=3, s=2, groups=2))
    add(C3("groups3_out_3x_in", cin=3, cout=9, inp=(2, 3, 4), k=(2, 3, 2), s=(1, 2, 2),
           groups=3))
    add(C3("groups4_in_2x_out", n=2, cin=8, cout=4, inp=(3, 3, 3), k=3, s=2, p=1, groups=4))
    add(C3("groups2_in6_out2_no_bias", cin=6, cout=2, inp=(3, 4, 3), k=2, groups=2,
           bias=False))
    add(C3("depthwise4", n=2, cin=4, cout=4, inp=(3, 4, 4), k=3, s=2, p=1, groups=4))
    add(C3("depthwise6_no_bias", cin=6, cout=6, inp=(2, 4, 3), k=(2, 3, 2), s=(2, 2, 3),
           d=(1, 2, 1), groups=6, bias=False))
    add(C3("depthwise_multiplier2", cin=3, cout=6, inp=(3, 3, 3), k=3, s=2, groups=3))
    add(C3("depthwise_1x1x1", n=2, cin=5, cout=5, inp=(2, 3, 4), k=1, groups=5))
    # ---- corners ------------------------------------------------------------------------
    add(C3("kernel_larger_than_input", cin=3, cout=4, inp=(2, 2, 1), k=(3, 5, 4)))
    add(C3("kernel_3_on_1x1x1", n=2, cin=2, cout=3, inp=(1, 1, 1), k=3))
    add(C3("kernel_larger_strided", cin=2, cout=2, inp=(2, 2, 3), k=(4, 6, 5), s=(2, 3, 2),
           p=1))
    add(C3("stride_gt_kernel_gaps", cin=3, cout=4, inp=(2, 3, 3), k=2, s=(3, 4, 5)))
    add(C3("stride_gt_kernel_1tap_gaps", n=2, cin=5, cout=7, inp=(2, 3, 2), k=1, s=(2, 3, 4),
           op=(1, 2, 3), bias=False))
    add(C3("stride_gt_dilated_span", cin=2, cout=3, inp=(2, 3, 3), k=2, s=(5, 6, 5), d=2))
    add(C3("padding_trims_most", cin=4, cout=2, inp=(4, 5, 4), k=5, s=2, p=(4, 4, 3),
           op=(1, 1, 0)))
    add(C3("padding_beyond_half_span", cin=2, cout=2, inp=(3, 3, 3), k=3, p=3, d=2))
    add(C3("op_lt_dilation_stride1", cin=4, cout=4, inp=(3, 4, 4), k=3, op=1, d=2))
    add(C3("op_lt_dilation_gt_stride", cin=2, cout=3, inp=(2, 3, 3), k=3, s=2, op=3, d=4))
    add(C3("op_lt_dilation_noncubic", n=2, cin=2, cout=2, inp=(2, 3, 4), k=(2, 2, 3),
           s=(1, 2, 1), op=(1, 3, 2), d=(2, 4, 3)))
    add(C3("op_lt_stride_with_dilation", n=2, cin=4, cout=6, inp=(3, 3, 3), k=3, s=2, p=1,
           op=1, d=(3, 2, 1), groups=2))
    add(C3("conv1x1x1", cin=16, cout=8, inp=(3, 4, 5), k=1))
    add(C3("conv1x1x1_padding_trims", cin=3, cout=2, inp=(4, 5, 6), k=1, p=(1, 2, 0)))
    add(C3("conv1x1x1_stride2_op1", cin=3, cout=4, inp=(2, 3, 2), k=1, s=2, op=1))
    add(C3("noncubic_everything", n=2, cin=4, cout=6, inp=(3, 4, 2), k=(2, 3, 4), s=(3, 1, 2),
           p=(1, 2, 0), op=(1, 0, 1), d=(2, 3, 1), groups=2))
    add(C3("noncubic_everything_2", cin=3, cout=3, inp=(2, 5, 3), k=(3, 2, 2), s=(2, 1, 3),
           p=(0, 2, 1), op=(1, 0, 2), d=(1, 3, 2), groups=3, bias=False))
    add(C3("input_1x1x7", cin=2, cout=3, inp=(1, 1, 7), k=(1, 1, 3), s=(1, 1, 2)))
    add(C3("input_6x1x1", cin=2, cout=3, inp=(6, 1, 1), k=(3, 1, 1), s=(2, 1, 1),
           p=(1, 0, 0), op=(1, 0, 0)))
    add(C3("input_1x5x1", cin=2, cout=2, inp=(1, 5, 1), k=(2, 3, 2), s=(1, 2, 1)))
    add(C3("batch3", n=3, cin=3, cout=5, inp=(2, 3, 4), k=3, s=2, p=1, op=1))
    add(C3("batch3_no_bias_groups", n=3, cin=4, cout=2, inp=(2, 2, 3), k=2, s=3, groups=2,
           bias=False))
    add(C3("no_bias", n=2, cin=3, cout=4, inp=(3, 4, 5), k=3, s=2, bias=False))
    add(C3("stride_eq_kernel", n=2, cin=6, cout=4, inp=(2, 3, 3), k=2, s=2, groups=2))
    add(C3("empty_batch", n=0, cin=3, cout=4, inp=(3, 3, 3), k=3, s=2, p=1))
    add(C3("empty_batch_output_size", n=0, cin=2, cout=2, inp=(2, 3, 3), k=3, s=3,
           osize=(6, 10, 11)))
    # ---- edges of the accepted ranges -------------------------------------------------------
    add(C3("edge_op_eq_stride_minus_1", cin=2, cout=3, inp=(2, 2, 3), k=3, s=(2, 3, 4),
           op=(1, 2, 3)))
    add(C3("edge_op_eq_dilation_minus_1", cin=2, cout=3, inp=(2, 3, 3), k=2, op=(1, 2, 1),
           d=(2, 3, 2)))
    add(C3("edge_op_eq_dilation_minus_1_gt_stride", cin=2, cout=2, inp=(2, 2, 2), k=2, s=2,
           op=4, d=5))
    add(C3("edge_op_dilation_stride_mixed", cin=2, cout=2, inp=(2, 3, 3), k=2, s=(3, 1, 2),
           op=(2, 2, 1), d=(1, 3, 1)))
    add(C3("edge_output_1x1x1", cin=2, cout=3, inp=(1, 1, 1), k=1))
    add(C3("edge_output_1x1x1_by_padding", n=2, cin=2, cout=3, inp=(3, 3, 3), k=1, p=1))
    add(C3("edge_output_1_by_padding_and_op", cin=2, cout=2, inp=(1, 4, 3), k=2, s=2,
           p=(1, 0, 0), op=(1, 0, 1)))
    add(C3("edge_output_d1_k3", cin=2, cout=2, inp=(3, 3, 3), k=3, p=(2, 0, 0)))
    # ---- output_size requests: every legal one of a few layers --------------------------------
    def requests(prefix, **layer):
        add_requests(add, C3, prefix, **layer)
    requests("req_k3_s2_p1", cin=3, cout=2, inp=(3, 3, 3), k=3, s=2, p=1)           # 2x2x2
    requests("req_k3_s3x2x1_p1", cin=2, cout=3, inp=(2, 3, 4), k=3, s=(3, 2, 1), p=1)
    requests("req_k2_s2x1x3_d2_groups2", n=2, cin=2, cout=2, inp=(2, 2, 3), k=2, s=(2, 1, 3),
             d=2, groups=2, bias=False)
    requests("req_k1_s3_p1_min_le_0", cin=2, cout=2, inp=(1, 1, 1), k=1, s=3, p=1)  # only 1
    requests("req_k4_s2x3x2_p2_op_ignored", cin=2, cout=2, inp=(2, 3, 2), k=4, s=(2, 3, 2),
             p=2, op=1)
    add(C3("req_ignores_invalid_output_padding", cin=2, cout=2, inp=(2, 3, 3), k=3, s=2, op=5,
           osize=(6, 8, 7)))
    E = dict(cin=2, cout=3, inp=(2, 3, 4), k=3, s=(2, 3, 4), p=1)  # D 3..4, H 7..9, W 13..16
    (md, mh, mw), (sd, sh, sw) = C3("E", **E).min_size(), (2, 3, 4)
    add(C3("edge_osize_min", osize=(md, mh, mw), **E))
    add(C3("edge_osize_max", osize=(md + sd - 1, mh + sh - 1, mw + sw - 1), **E))
    add(C3("edge_osize_min_d_max_h_min_w", osize=(md, mh + sh - 1, mw), **E))

    # ---- REJECT: each validation rule, per dimension, on a batch of one ----------------------
    R = dict(expect="reject", n=1, cin=2, cout=2, inp=(3, 3, 3))
    for i, dim in enumerate("dhw"):
        def one(v, rest):
            return tuple(v if j == i else rest for j in range(3))
        add(C3(f"reject_kernel_{dim}0", k=one(0, 3), **R))
        add(C3(f"reject_stride_{dim}0", s=one(0, 1), **R))
        add(C3(f"reject_padding_{dim}_negative", p=one(-1, 0), **R))
        add(C3(f"reject_output_padding_{dim}_negative", s=2, op=one(-1, 0), **R))
        add(C3(f"reject_dilation_{dim}0", d=one(0, 1), **R))
        add(C3(f"reject_op_{dim}_eq_stride_dilation1", s=2, op=one(2, 0), **R))
        add(C3(f"reject_input_{dim}0", **{**R, "inp": one(0, 3)}))
        add(C3(f"reject_output_{dim}0", **{**R, "inp": one(1, 3)}, k=one(2, 3), p=one(1, 0)))
    add(C3("reject_kernel_negative", k=(3, -1, 3), **R))
    add(C3("reject_stride_negative", s=(1, 1, -2), **R))
    add(C3("reject_dilation_negative", d=(-1, 1, 1), **R))
    add(C3("reject_op_eq_stride1_dilation1", op=(0, 0, 1), **R))
    add(C3("reject_op_eq_stride_eq_dilation", s=2, d=2, op=(0, 2, 0), **R))
    add(C3("reject_op_eq_dilation_gt_stride", s=1, d=3, op=(0, 0, 3), **R))
    add(C3("reject_op_gt_both", s=(3, 2, 1), d=(1, 2, 3), op=(1, 1, 4), **R))
    add(C3("reject_groups0", **{**R, "cin": 4, "cout": 4}, groups=0))
    add(C3("reject_groups_negative", **{**R, "cin": 4, "cout": 4}, groups=-2))
    add(C3("reject_groups_not_dividing_in", **{**R, "cin": 3, "cout": 4}, groups=2))
    add(C3("reject_groups_not_dividing_out", **{**R, "cin": 4, "cout": 6}, groups=4))
    add(C3("reject_groups_gt_channels", **{**R, "cin": 2, "cout": 2}, groups=4))
    add(C3("reject_input_channels_mismatch", xc=3, **R))
    add(C3("reject_output_h_negative", k=1, p=(0, 2, 0), **R))
    add(C3("reject_output_w0_with_op", **{**R, "inp": (3, 3, 1)}, k=1, s=2, p=(0, 0, 1),
           op=(0, 0, 1)))
    # output_size one below the minimum and one above the maximum, per dimension (layer E)
    L_ = dict(E, expect="reject")
    lo, hi = (md, mh, mw), (md + sd - 1, mh + sh - 1, mw + sw - 1)
    for i, dim in enumerate("dhw"):
        below = tuple(lo[j] - (j == i) for j in range(3))
        above = tuple(hi[j] + (j == i) for j in range(3))
        add(C3(f"reject_osize_{dim}_below_min", osize=below, **L_))
        add(C3(f"reject_osize_{dim}_above_max", osize=above, **L_))
    add(C3("reject_osize_all_out", osize=(md - 1, mh + sh, mw - 1), **L_))
    add(C3("reject_osize_stride1_above", expect="reject", cin=2, cout=2, inp=(3, 3, 3), k=3,
           osize=(5, 6, 5)))
    # min <= 0: PyTorch's _output_padding passes 0, then its shape check rejects it
    Z = dict(expect="reject", cin=2, cout=2, inp=(1, 1, 1), k=1, s=3, p=1)  # min -1, max 1
    add(C3("reject_osize_zero_min_le_0", osize=(0, 1, 1), **Z))
    add(C3("reject_osize_negative_min_le_0", osize=(1, -1, 1), **Z))
    add(C3("reject_osize_above_max_min_le_0", osize=(1, 1, 2), **Z))
    return C


def cases():
    """The golden set: ranks 2, 1, 3 (2-D first, as the set began)."""
    return cases_2d() + cases_1d() + cases_3d()


def torch_forward(c, x, wt, b):
    """PyTorch's verdict and result: the module as a user would build and call it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Initializing zero-element tensors is a no-op"
        m = MODULES[c.rank](c.cin, c.cout, c.k, stride=c.s, padding=c.p,
                            output_padding=c.op, groups=c.groups, bias=c.bias, dilation=c.d)
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
    x = uniform((c.n, max(c.xc, 0)) + tuple(max(i, 0) for i in c.inp))
    wt = None
    if min(c.cin, c.cout, *c.k) >= 0 and c.groups > 0 and c.cout % c.groups == 0:
        wt = uniform((c.cin, c.cout // c.groups) + c.k)
    b = uniform((c.cout,)) if c.bias and c.cout > 0 else None
    return x, wt, b


def verdict(c, x, wt, b):
    """(None, output) if PyTorch accepts c, (message, None) if it rejects it.
    Validity is decided on a batch of one: PyTorch skips some checks on empty batches."""
    if c.n == 1:
        x1 = x
    else:
        one = copy.copy(c)
        one.name, one.n = c.name + "#n1", 1
        x1 = make_data(one)[0]
    try:
        out1 = torch_forward(c, x1, wt, b)
    except (RuntimeError, ValueError) as e:
        return f"{type(e).__name__}: {' '.join(str(e).split())}", None
    return None, (out1 if c.n == 1 else torch_forward(c, x, wt, b))


ACT_TITLE = """\
# convt golden data: PyTorch's ConvTranspose1d/2d/3d followed by its activation functions,
# and run in channels_last memory format, made by tools/gen_golden.py ({versions}).
# Do not edit: regenerate with  /usr/bin/python3 tools/gen_golden.py --set act
#
"""


def act_cases():
    """golden_act's cases: each activation per rank, on a plain, a grouped, a depthwise and a
    1x1 layer in turn, a few with an output_size request; layers run channels last."""
    C = []
    inp = {1: (9,), 2: (4, 5), 3: (2, 3, 4)}
    layers = [
        dict(n=2, cin=3, cout=4, k=3, s=2, p=1, op=1),
        dict(n=1, cin=4, cout=6, groups=2, k=(3, 2, 3), s=(2, 1, 2), d=(1, 2, 1)),
        dict(n=1, cin=4, cout=4, groups=4, k=3, s=2, p=1),
        dict(n=2, cin=5, cout=3, k=1),
    ]
    inf = float("inf")
    acts = [("relu", 0, 0), ("leaky_relu", 0.01, 0), ("leaky_relu", 1.5, 0),
            ("clamp", -0.5, 0.5), ("clamp", -inf, 0.25), ("clamp", 0.0, inf), ("tanh", 0, 0),
            ("sigmoid", 0, 0), ("elu", 1.0, 0), ("elu", 0.3, 0), ("gelu", 0, 0)]
    for rank in (1, 2, 3):
        def cut(kw):
            return {k: (v[:rank] if isinstance(v, tuple) else v) for k, v in kw.items()}
        for i, (act, alpha, beta) in enumerate(acts):
            layer = cut(layers[(i + rank) % len(layers)])
            tag = f"{act}_{alpha:g}_{beta:g}".replace("-", "m").replace(".", "p")
            C.append(gf.Case(f"act_{tag}", rank, inp[rank], act=act, alpha=alpha, beta=beta,
                             scale=3.0, **layer))
        C.append(gf.Case("act_gelu_osize_max", rank, inp[rank], act="gelu", scale=3.0,
                         osize=tuple(2 * i for i in inp[rank]),  # min 2*in - 1, stride 2
                         **cut(dict(n=1, cin=3, cout=2, k=3, s=2, p=1))))
        C.append(gf.Case("act_hardtanh_osize_min", rank, inp[rank], act="clamp", alpha=-1.0,
                         beta=1.0, scale=3.0, osize=tuple(3 * i - 2 for i in inp[rank]),
                         **cut(dict(n=1, cin=2, cout=3, k=2, s=3, p=1))))
        for j, layer in enumerate(layers[:3]):
            C.append(gf.Case(f"channels_last_{j}", rank, inp[rank], layout="last",
                             **cut(layer)))
        C.append(gf.Case("channels_last_elu_no_bias", rank, inp[rank], layout="last",
                         act="elu", alpha=0.5, scale=3.0, bias=False,
                         **cut(dict(n=2, cin=3, cout=5, k=(2, 3, 2), s=(3, 2, 1)))))
    return C


def torch_activation(c, t):
    """PyTorch's function for the case's activation (the clamp of "hardtanh" cases is
    F.hardtanh, the others torch.clamp)."""
    if c.act_name == "relu":
        return F.relu(t)
    if c.act_name == "leaky_relu":
        return F.leaky_relu(t, negative_slope=c.alpha)
    if c.act_name == "clamp":
        if "hardtanh" in c.name:
            return F.hardtanh(t, min_val=c.alpha, max_val=c.beta)
        return torch.clamp(t, min=c.alpha, max=c.beta)
    if c.act_name == "tanh":
        return torch.tanh(t)
    if c.act_name == "sigmoid":
        return torch.sigmoid(t)
    if c.act_name == "elu":
        return F.elu(t, alpha=c.alpha)
    if c.act_name == "gelu":
        return F.gelu(t, approximate="none")
    return t


def write_act_set(out_dir):
    """golden_act.{txt,bin}: every case must be VALID (PyTorch accepts it)."""
    w = gf.Writer()
    formats = {2: torch.channels_last, 3: torch.channels_last_3d}
    for c in act_cases():
        x, wt, b = make_data(c)
        x = (c.scale * x).astype(np.float32)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = MODULES[c.rank](c.cin, c.cout, c.k, stride=c.s, padding=c.p,
                                output_padding=c.op, groups=c.groups, bias=c.bias,
                                dilation=c.d)
        with torch.no_grad():
            m.weight.copy_(torch.from_numpy(wt))
            if c.bias:
                m.bias.copy_(torch.from_numpy(b))
            xt = torch.from_numpy(x)
            if c.layout == "last" and c.rank in formats:
                m = m.to(memory_format=formats[c.rank])
                xt = xt.to(memory_format=formats[c.rank])
            y = m(xt) if c.osize is None else m(xt, output_size=list(c.osize))
            y = torch_activation(c, y).contiguous().numpy()
        w.valid(c, x, wt, b, y)
    versions = f"torch {torch.__version__}, numpy {np.__version__}"
    path, size = w.write(out_dir, "golden_act", ACT_TITLE.format(versions=versions))
    print(f"gen_golden: golden_act: {w.summary()}; {path}: {size} bytes")
    if size > 512 * 1024:
        sys.exit("gen_golden: golden_act.bin is over its 512 KB budget")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "tests", "data"))
    ap.add_argument("--set", choices=("all", "golden", "act"), default="all",
                    help="write golden.{txt,bin}, golden_act.{txt,bin} or both (default)")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)  # not used for data (numpy is), but the module init draws from it
    if args.set == "act":
        write_act_set(args.out)
        return

    all_cases = cases()
    names = [c.name for c in all_cases]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit(f"gen_golden: duplicate case names {sorted(dup)}")

    blob = bytearray()
    lines = []
    counts = {rank: {"valid": 0, "reject": 0} for rank in (1, 2, 3)}

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
        counts[c.rank][got] += 1
        if msg is None:
            assert c.xc == c.cin and wt is not None
            y = out.detach().numpy()
            assert y.ndim == 2 + c.rank
            shape = joined(y.shape)
            bfield = put(b) if c.bias else "-"
            lines.append(f"VALID {c.fields()} out={shape} x_data={put(x)} "
                         f"w_data={put(wt)} b_data={bfield} y_data={put(y)}")
        else:
            assert c.n == 1, "reject cases are decided on a batch of one"
            stage = "create" if c.convt_create_rejects() else "run"
            lines.append(f"REJECT {c.fields()} stage={stage}  # {msg}")

    os.makedirs(args.out, exist_ok=True)
    bin_path = os.path.join(args.out, "golden.bin")
    with open(bin_path, "wb") as f:
        f.write(blob)
    versions = f"torch {torch.__version__}, numpy {np.__version__}"
    digest = hashlib.sha256(blob).hexdigest()
    summary = "; ".join(f"rank {r}: {v['valid']} valid, {v['reject']} reject"
                        for r, v in sorted(counts.items()))
    with open(os.path.join(args.out, "golden.txt"), "w") as f:
        f.write(HEADER.format(versions=versions))
        f.write(f"# {summary}\n")
        f.write(f"BIN golden.bin bytes={len(blob)} sha256={digest}\n")
        for line in lines:
            f.write(line + "\n")
    print(f"gen_golden: {summary}; {bin_path}: {len(blob)} bytes")
    if len(blob) > 5 * 1024 * 1024:
        sys.exit("gen_golden: golden.bin is over the 5 MB budget")
    if args.set == "all":
        write_act_set(args.out)


if __name__ == "__main__":
    main()
