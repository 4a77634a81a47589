"""The golden files' second format (one copy for tools/gen_golden.py's golden_act set and
tools/gen_golden_onnx.py's golden_onnx set): golden.txt's fields plus the 0.4 parameters,
always written. tests/test_golden.cpp reads both formats (the 0.4 keys default to
PyTorch's semantics, channels first, no activation). No torch or onnx here: either
interpreter imports it."""

import hashlib
import os

import numpy as np

import convt_rules

KINDS = ("symmetric", "explicit", "same_upper", "same_lower", "valid")
ACTIVATIONS = ("none", "relu", "leaky_relu", "clamp", "tanh", "sigmoid", "elu", "gelu")
LAYOUTS = ("first", "last")

FORMAT = """\
# BIN <file> bytes=<size> sha256=<hex>   the float32 little-endian data file next to this one
# One case per line, whitespace-separated key=value fields after the verdict word. A <list>
# has one comma-separated entry per spatial dimension, in PyTorch's order: (L) for rank 1,
# (H,W) for rank 2, (D,H,W) for rank 3.
#   VALID|REJECT name=<id> rank=1|2|3 n=<batch> cin=<in_channels> cout=<out_channels>
#     groups=<groups> bias=0|1 xc=<channels of the input tensor> (normally = cin)
#     in=<list>   the input's spatial sizes
#     k= s= p= op= d=<list>   kernel_size, stride, padding, output_padding, dilation
#     osize=<list> | osize=-   the run's output_size (ONNX's output_shape under the ONNX
#                              kinds), or none
#     kind=symmetric|explicit|same_upper|same_lower|valid   convt_params.padding_kind
#     pe=<list>   padding_end (EXPLICIT's end pads; p= is the begin pads)
#     act=none|relu|leaky_relu|clamp|tanh|sigmoid|elu|gelu alpha=<float> beta=<float>
#                 convt_params.activation, activation_alpha, activation_beta (%.9g: exact
#                 float32 values; inf allowed)
#     layout=first|last   the layout x_data and y_data are stored in: (N, C, spatial...) or
#                         (N, spatial..., C)
#   VALID only:
#     out=<N>,<C>,<list>        the output shape as convt_output_shape reports it (N, C, ...)
#     x_data= w_data= b_data= y_data=<byte offset into the .bin>,<count of float32>:
#       input (N, xc, in...), weight (cin, cout/groups, k...), bias (cout; b_data=- when
#       bias=0), the output, C-contiguous in `layout`
#   REJECT only (n=1):
#     stage=create|run   where convt's header says convt must reject it: convt_create (the
#       layer's parameters; under the ONNX kinds also output_padding >= stride) or
#       convt_output_shape/convt_run (input shape, output size < 1, output_size out of range)
#     # <the oracle's message>     (a comment: for people, not parsed)
"""


def per_dim(v, rank):
    """A per-dimension parameter as a tuple of `rank` entries (an int is the same for all)."""
    t = (v,) * rank if isinstance(v, int) else tuple(v)
    assert len(t) == rank, (v, rank)
    return t


def joined(t, sep=","):
    return sep.join(str(v) for v in t)


def f32(v):
    """A float32 value, as the library will read it."""
    return float(np.float32(v))


class Case:
    """One golden layer and input, every rank and field of convt_params 0.4.
    expect: 'valid' or 'reject', what the oracle must say (the generators stop if not)."""

    def __init__(self, name, rank, inp, expect="valid", n=1, cin=2, cout=3, k=3, s=1, p=0,
                 pe=0, op=0, d=1, groups=1, bias=True, osize=None, xc=None, kind="symmetric",
                 act="none", alpha=0.0, beta=0.0, layout="first", scale=1.0):
        assert expect in ("valid", "reject") and kind in KINDS and act in ACTIVATIONS
        assert layout in LAYOUTS
        self.name, self.rank, self.expect = f"{rank}d_{name}", rank, expect
        self.n, self.cin, self.cout = n, cin, cout
        self.inp = per_dim(inp, rank)
        self.k, self.s, self.p = per_dim(k, rank), per_dim(s, rank), per_dim(p, rank)
        self.pe, self.op, self.d = per_dim(pe, rank), per_dim(op, rank), per_dim(d, rank)
        self.groups, self.bias = groups, bias
        self.osize = None if osize is None else per_dim(osize, rank)
        self.xc = cin if xc is None else xc
        self.kind_name, self.act_name, self.layout = kind, act, layout
        self.kind, self.act = KINDS.index(kind), ACTIVATIONS.index(act)
        self.alpha, self.beta = f32(alpha), f32(beta)
        self.scale = scale  # the input data's range: [-scale, scale] (activation tails)
        self.threads = 0

    def min_size(self):
        return convt_rules.min_size(self)

    def stage(self):
        """Where convt's header says convt must reject this case."""
        if self.kind == 0:
            return "create" if convt_rules.rejected_at_create(self) else "run"
        return "create" if convt_rules.onnx_rejected_at_create(self) else "run"

    def fields(self):
        osize = "-" if self.osize is None else joined(self.osize)
        return (f"name={self.name} rank={self.rank} n={self.n} cin={self.cin} cout={self.cout} "
                f"groups={self.groups} bias={int(self.bias)} xc={self.xc} in={joined(self.inp)} "
                f"k={joined(self.k)} s={joined(self.s)} p={joined(self.p)} "
                f"op={joined(self.op)} d={joined(self.d)} osize={osize} kind={self.kind_name} "
                f"pe={joined(self.pe)} act={self.act_name} alpha={self.alpha:.9g} "
                f"beta={self.beta:.9g} layout={self.layout}")


class Writer:
    """Collects cases and their data; write() makes <stem>.txt and <stem>.bin."""

    def __init__(self):
        self.blob = bytearray()
        self.lines = []
        self.counts = {rank: {"valid": 0, "reject": 0} for rank in (1, 2, 3)}
        self.names = set()

    def put(self, arr):
        a = np.ascontiguousarray(arr, dtype="<f4")
        off = len(self.blob)
        self.blob.extend(a.tobytes())
        return f"{off},{a.size}"

    def _name(self, c):
        if c.name in self.names:
            raise SystemExit(f"golden: duplicate case name {c.name}")
        self.names.add(c.name)

    def valid(self, c, x, wt, b, y):
        """x and y channels first (N, C, spatial...); stored in c.layout."""
        self._name(c)
        assert c.xc == c.cin and y.ndim == 2 + c.rank
        shape = joined(y.shape)
        if c.layout == "last":
            x, y = np.moveaxis(x, 1, -1), np.moveaxis(y, 1, -1)
        bfield = self.put(b) if c.bias else "-"
        self.lines.append(f"VALID {c.fields()} out={shape} x_data={self.put(x)} "
                          f"w_data={self.put(wt)} b_data={bfield} y_data={self.put(y)}")
        self.counts[c.rank]["valid"] += 1

    def reject(self, c, message):
        self._name(c)
        assert c.n == 1, "reject cases are decided on a batch of one"
        self.lines.append(f"REJECT {c.fields()} stage={c.stage()}  # {message}")
        self.counts[c.rank]["reject"] += 1

    def summary(self):
        return "; ".join(f"rank {r}: {v['valid']} valid, {v['reject']} reject"
                         for r, v in sorted(self.counts.items()))

    def write(self, out_dir, stem, title):
        """title: the header's first lines (what made the data, how to remake it)."""
        os.makedirs(out_dir, exist_ok=True)
        bin_name = stem + ".bin"
        with open(os.path.join(out_dir, bin_name), "wb") as f:
            f.write(self.blob)
        digest = hashlib.sha256(self.blob).hexdigest()
        with open(os.path.join(out_dir, stem + ".txt"), "w") as f:
            f.write(title)
            f.write(FORMAT)
            f.write(f"# {self.summary()}\n")
            f.write(f"BIN {bin_name} bytes={len(self.blob)} sha256={digest}\n")
            for line in self.lines:
                f.write(line + "\n")
        return os.path.join(out_dir, bin_name), len(self.blob)
