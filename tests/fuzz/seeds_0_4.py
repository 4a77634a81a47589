#!/usr/bin/env python3
"""Writes the fuzz corpus's seeds for the 0.4 fields (tests/fuzz/corpus/<sha1>), each one
layer that reaches the value comparison with one new feature: every padding kind,
padding_end, channels last, every activation with its parameters, ONNX output_size (a
trim, past the untrimmed size, small absolute sizes) and struct_sizes that end inside a
0.4 field. The bytes follow fuzz_convt.cpp's decoding; the weights and inputs are
deterministic pseudo-random bytes. Check that each reaches the comparison with
  CONVT_FUZZ_TRACE=1 build-fuzz/convt-fuzz -runs=0 tests/fuzz/corpus
Usage: python3 tests/fuzz/seeds_0_4.py [corpus dir]"""
import hashlib
import os
import random
import sys

KINDS = {"SYMMETRIC": 0, "EXPLICIT": 1, "SAME_UPPER": 2, "SAME_LOWER": 3, "VALID": 4}
ACTS = {"NONE": 0, "RELU": 1, "LEAKY_RELU": 2, "CLAMP": 3, "TANH": 4, "SIGMOID": 5, "ELU": 6,
        "GELU": 7}


def number(v):
    """The fuzzer's float byte: (b - 120) / 16 below 240, then NaN, inf, -inf, -0."""
    special = {"nan": 240, "inf": 241, "-inf": 242, "-0": 243}
    if isinstance(v, str):
        return [special[v]]
    b = int(round(v * 16)) + 120
    assert 0 <= b < 240 and (b - 120) / 16 == v, v
    return [b]


def seed(rank, in_per_group, out_per_group, groups, kernel, stride, padding, dilation,
         output_padding, in_sizes, kind="SYMMETRIC", padding_end=None, last=False, act="NONE",
         alpha=0.0, beta=0.0, size_byte=255, bias=True, offsets=None, absolute=False,
         algorithm=0, n=1, rnd=None):
    k_span = 3 if rank == 3 else 5
    in_span = 5 if rank == 3 else 7
    b = [rank - 1, 1, algorithm, groups - 1, in_per_group - 1, out_per_group - 1]
    for d in range(rank):
        assert 1 <= kernel[d] <= k_span and 0 <= padding[d] < 4
        assert 1 <= dilation[d] <= 3 and 0 <= output_padding[d] < 3
        b.append(kernel[d] - 1)
        if stride[d] > 4:  # a raw int64: byte 250, then 8 bytes, most significant first
            b += [250] + list(stride[d].to_bytes(8, "big"))
        else:
            b.append(stride[d] - 1)
        b += [padding[d], dilation[d] - 1, output_padding[d]]
    b.append(3 if bias else 2)  # bit 1: the 0.4 fields follow
    b.append(KINDS[kind])
    for d in range(rank):
        b.append((padding_end or [0] * rank)[d])
    b.append(1 if last else 0)
    b.append(ACTS[act])
    b += number(alpha) + number(beta)
    b.append(size_byte)
    b.append(n)
    for d in range(rank):
        assert 1 <= in_sizes[d] <= in_span
        b.append(in_sizes[d] - 1)
    b.append(0)  # keep the channel count
    b.append((1 if offsets is not None else 0) | (2 if absolute else 0))
    for off in offsets or []:
        assert -1 <= off <= 3
        b.append(off + 1)
    weights = in_per_group * groups * out_per_group
    for d in range(rank):
        weights *= kernel[d]
    pixels = n * in_per_group * groups
    for d in range(rank):
        pixels *= in_sizes[d]
    b += [rnd.randrange(256) for _ in range(weights + pixels + 1)]
    return bytes(b)


def seeds():
    r = random.Random(404)
    s = lambda **kw: seed(rnd=r, **kw)
    yield "2-D EXPLICIT pads (1, 0) + (2, 1), RELU", s(
        rank=2, in_per_group=2, out_per_group=3, groups=1, kernel=[3, 3], stride=[2, 2],
        padding=[1, 0], dilation=[1, 1], output_padding=[0, 1], in_sizes=[4, 5],
        kind="EXPLICIT", padding_end=[2, 1], act="RELU")
    yield "2-D SAME_UPPER, channels last, LEAKY_RELU 0.25, GEMM_COL2IM", s(
        rank=2, in_per_group=3, out_per_group=2, groups=1, kernel=[3, 4], stride=[2, 2],
        padding=[0, 0], dilation=[1, 1], output_padding=[0, 0], in_sizes=[5, 4],
        kind="SAME_UPPER", last=True, act="LEAKY_RELU", alpha=0.25, algorithm=1)
    yield "2-D SAME_LOWER, output_padding 1, groups 2, channels last, CLAMP [-1, 1.5]", s(
        rank=2, in_per_group=2, out_per_group=2, groups=2, kernel=[4, 3], stride=[2, 3],
        padding=[0, 0], dilation=[1, 2], output_padding=[1, 1], in_sizes=[3, 4],
        kind="SAME_LOWER", last=True, act="CLAMP", alpha=-1.0, beta=1.5)
    yield "1-D VALID, output_padding 2, TANH, output_size 2 past the untrimmed size", s(
        rank=1, in_per_group=2, out_per_group=2, groups=1, kernel=[3], stride=[3],
        padding=[0], dilation=[1], output_padding=[2], in_sizes=[6], kind="VALID",
        act="TANH", offsets=[0])  # full + 0 (the largest: full + s - 1 - op = full)
    yield "1-D EXPLICIT pads (3, 2) stride 4, SIGMOID, output_size full + 3 (extended)", s(
        rank=1, in_per_group=1, out_per_group=3, groups=1, kernel=[5], stride=[4],
        padding=[3], dilation=[1], output_padding=[0], in_sizes=[7], kind="EXPLICIT",
        padding_end=[2], act="SIGMOID", offsets=[3])
    yield "3-D SAME_UPPER, channels last, ELU 1, output_size (2, 3, 4) absolute", s(
        rank=3, in_per_group=2, out_per_group=2, groups=1, kernel=[2, 3, 2], stride=[2, 1, 2],
        padding=[0, 0, 0], dilation=[1, 1, 1], output_padding=[0, 0, 1], in_sizes=[2, 3, 3],
        kind="SAME_UPPER", last=True, act="ELU", alpha=1.0, offsets=[1, 2, 3], absolute=True)
    yield "2-D depthwise EXPLICIT, channels last, GELU, output_size a trim", s(
        rank=2, in_per_group=1, out_per_group=1, groups=3, kernel=[3, 3], stride=[2, 2],
        padding=[1, 1], dilation=[1, 1], output_padding=[1, 0], in_sizes=[5, 6],
        kind="EXPLICIT", padding_end=[0, 2], last=True, act="GELU", offsets=[-1, 1])
    yield "2-D struct_size 198: EXPLICIT read, layout (in part) not", s(
        rank=2, in_per_group=2, out_per_group=2, groups=1, kernel=[3, 2], stride=[2, 2],
        padding=[2, 0], dilation=[1, 1], output_padding=[0, 0], in_sizes=[4, 4],
        kind="EXPLICIT", padding_end=[0, 3], last=True, act="RELU", size_byte=10)
    yield "2-D struct_size 204: CLAMP read, its alpha and beta not (a clamp to 0)", s(
        rank=2, in_per_group=2, out_per_group=2, groups=1, kernel=[2, 2], stride=[1, 2],
        padding=[0, 0], dilation=[1, 1], output_padding=[0, 0], in_sizes=[4, 3],
        kind="SAME_LOWER", last=True, act="CLAMP", alpha=-1.0, beta=1.0, size_byte=12)
    yield "1-D 1x1 channels last, LEAKY_RELU -inf", s(
        rank=1, in_per_group=3, out_per_group=2, groups=1, kernel=[1], stride=[1],
        padding=[0], dilation=[1], output_padding=[0], in_sizes=[7], kind="VALID",
        last=True, act="LEAKY_RELU", alpha="-inf")
    yield "2-D CLAMP [-inf, +inf], stride 3 dilation 2, SAME_UPPER", s(
        rank=2, in_per_group=2, out_per_group=2, groups=1, kernel=[3, 2], stride=[3, 3],
        padding=[0, 0], dilation=[2, 2], output_padding=[2, 0], in_sizes=[3, 4],
        kind="SAME_UPPER", act="CLAMP", alpha="-inf", beta="inf")
    # Regression: the largest valid size (stride*in + dilation*(kernel-1)) is past int64;
    # the requested one, the untrimmed size + 1, was SIZE_OVERFLOW.
    yield "1-D EXPLICIT stride INT64_MAX on one pixel, output_size 4 (extended)", s(
        rank=1, in_per_group=1, out_per_group=2, groups=1, kernel=[3], stride=[2**63 - 1],
        padding=[0], dilation=[1], output_padding=[0], in_sizes=[1], kind="EXPLICIT",
        act="NONE", offsets=[1])
    yield "3-D EXPLICIT pads, channels first, GELU, GEMM_COL2IM", s(
        rank=3, in_per_group=2, out_per_group=2, groups=1, kernel=[3, 3, 2], stride=[2, 2, 2],
        padding=[1, 0, 1], dilation=[1, 1, 1], output_padding=[1, 0, 0], in_sizes=[2, 3, 3],
        kind="EXPLICIT", padding_end=[0, 1, 0], act="GELU", algorithm=1)


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    for name, data in seeds():
        path = os.path.join(corpus, hashlib.sha1(data).hexdigest())
        with open(path, "wb") as f:
            f.write(data)
        print(f"{os.path.basename(path)}  {len(data):4d} bytes  {name}")


if __name__ == "__main__":
    main()
