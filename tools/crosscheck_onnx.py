#!/usr/bin/env python3
"""Live cross-check of the built libconvt against ONNX Runtime (ConvTranspose, CPU provider).

    build/peers-venv/bin/python tools/crosscheck_onnx.py build/libconvt.so [--rank R]
        [--seed S] [--count N] [--only I] [--verbose]

Run it with an interpreter that has numpy, onnx and onnxruntime from PyPI
(tools/install-deps.sh test puts them into build/peers-venv; CMake's CONVT_ONNX_PYTHON).

Per rank (1, 2 and 3 spatial dimensions; --rank R for one only) a seeded random sweep of
one-node ConvTranspose models, built with onnx.helper: explicit pads (asymmetric too), no
pads, auto_pad SAME_UPPER, SAME_LOWER and VALID, with and without output_shape, groups,
dilation and output_padding, valid and invalid, and in a share of them an activation node
after the ConvTranspose (Relu, LeakyRelu, Clip, Tanh, Sigmoid, Elu, Gelu). The ONNX node
maps to convt_params as: pads' begin half -> padding, end half -> padding_end with
CONVT_PADDING_EXPLICIT (no pads: zeros); auto_pad -> padding_kind; output_shape -> the run's
output_size; the activation node -> the fused activation. For each model ONNX Runtime's
verdict (session creation + run) is compared with convt's (convt_create, then
convt_output_shape / convt_run), for every algorithm and in both layouts (channels last:
the input and ONNX Runtime's output transposed with numpy):
  - both accept or both reject, and convt's rejection is CONVT_ERROR_INVALID_ARGUMENT at the
    stage its header documents;
  - equal output shapes;
  - every value within the tolerance of tools/crosscheck_torch.py ((terms + 2) *
    FLT_EPSILON * sum|x*w| (+|bias|) + 1e-6, moved by the activation's slope plus 16 ulps
    of its value; tools/convt_reference.py) of ONNX Runtime's and of a float64 reference.
The issue's rules (tools/convt_rules.py: onnx_axis) are checked against ONNX Runtime too:
its verdict, its output shape and its values (the float64 reference trims where the rules
say). Any disagreement fails the run, with a replay command.

Configuration i of rank R is drawn from numpy's PCG64 seeded with (seed, i, R, 0x0NNX), so
`--rank R --seed S --only I` replays one exactly.

Exit status: 0 all passed, 1 a mismatch, 2 usage or library load error, 77 onnx /
onnxruntime / numpy cannot be imported (ctest: skipped).
"""

import argparse
import platform
import sys
import time

try:
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper
except Exception as e:  # noqa: BLE001 - any import failure means "no ONNX Runtime here"
    print(f"crosscheck_onnx: SKIP: cannot import numpy/onnx/onnxruntime with "
          f"{sys.executable}: {e}")
    sys.exit(77)

import convt_ctypes as cc  # noqa: E402 - tools/, after the skip check
import convt_reference as ref  # noqa: E402
import convt_rules  # noqa: E402

RANKS = (1, 2, 3)
OPSET = 20  # Gelu is in opset 20; ConvTranspose's definition there is opset 11's
IR_VERSION = 9  # what opset 20 needs; onnx's newest may be above what ONNX Runtime reads
STREAM = 0x0E1E  # the sweep's stream tag, apart from crosscheck_torch.py's

AUTO_PAD = {cc.PADDING_EXPLICIT: "NOTSET", cc.PADDING_SAME_UPPER: "SAME_UPPER",
            cc.PADDING_SAME_LOWER: "SAME_LOWER", cc.PADDING_VALID: "VALID"}

# The ranges drawn per rank, inclusive, as crosscheck_torch.py's: channels per group, kernel,
# stride, dilation, pads (when not 0), input size.
SIZES = {
    1: dict(ch=(1, 4), k=(1, 7), s=(1, 5), d=(1, 3), p=(0, 4), i=(1, 12)),
    2: dict(ch=(1, 3), k=(1, 5), s=(1, 4), d=(1, 3), p=(0, 3), i=(1, 6)),
    3: dict(ch=(1, 2), k=(1, 3), s=(1, 3), d=(1, 2), p=(0, 2), i=(1, 4)),
}

MUTATIONS = ("output_padding_ge_stride", "output_padding_ge_stride_lt_dilation",
             "output_shape_above_max", "output_shape_zero", "pads_leave_nothing",
             "pads_negative", "input_channels", "groups_not_dividing_in")


class Config:
    """One model and input. inp, k, s, d, op, p (pads' begin half), pe (end half) and osize
    are lists of `rank` entries in PyTorch's order; kind is convt's padding kind;
    pads_attr: whether the node has a pads attribute (EXPLICIT only)."""
    FIELDS = ("rank", "n", "cin", "cout", "xc", "inp", "k", "s", "d", "op", "kind", "pads_attr",
              "p", "pe", "groups", "bias", "osize", "act", "alpha", "beta", "threads",
              "mutation")

    def __init__(self, **kw):
        for k in self.FIELDS:
            setattr(self, k, kw[k])

    def __str__(self):
        def show(k, v):
            if v is None:
                return "-"
            if k == "kind":
                return AUTO_PAD[v] if v != cc.PADDING_EXPLICIT else "pads"
            if k == "act":
                return cc.ACTIVATION_NAMES[v]
            if isinstance(v, float):
                return f"{v:.9g}"
            return ",".join(str(e) for e in v) if isinstance(v, (list, tuple)) else str(v)
        return " ".join(f"{k}={show(k, getattr(self, k))}" for k in self.FIELDS)

    def expected(self):
        """The issue's rules: (out sizes, begins) of the run, or (None, why) if rejected,
        and where convt must reject it ('create' or 'run')."""
        if convt_rules.onnx_rejected_at_create(self):
            return None, "convt_create's checks", "create"
        if self.xc != self.cin:
            return None, "input channels != in_channels", "run"
        outs, begins = [], []
        for j in range(self.rank):
            req = None if self.osize is None else self.osize[j]
            o, b = convt_rules.onnx_axis(self.kind, self.inp[j], self.k[j], self.s[j],
                                         self.d[j], self.op[j], self.p[j], self.pe[j], req)
            if o is None:
                return None, f"dimension {j}: {b}", "run"
            outs.append(o)
            begins.append(b)
        return (outs, begins), None, None


def draw(seed, rank, index):
    """Configuration `index` of the rank's sweep: about 65% valid by construction, the rest
    with one thing pushed out of its range."""
    r = np.random.Generator(np.random.PCG64([seed, index, rank, STREAM]))
    z = SIZES[rank]
    ri = lambda lo, hi: int(r.integers(lo, hi + 1))  # noqa: E731 - inclusive
    groups = int(r.choice([1, 1, 1, 2, 3]))
    cin, cout = groups * ri(*z["ch"]), groups * ri(*z["ch"])
    n = int(r.choice([0, 1, 1, 1, 2, 3], p=[0.04, 0.36, 0.32, 0.12, 0.10, 0.06]))
    kind = int(r.choice([cc.PADDING_EXPLICIT, cc.PADDING_EXPLICIT, cc.PADDING_SAME_UPPER,
                         cc.PADDING_SAME_LOWER, cc.PADDING_VALID]))
    pads_attr = kind == cc.PADDING_EXPLICIT and r.random() < 0.8
    dims = []
    for _ in range(rank):
        k, s, d = ri(*z["k"]), ri(*z["s"]), ri(*z["d"])
        op = ri(0, s - 1) if r.random() < 0.5 else 0
        p = ri(*z["p"]) if pads_attr and r.random() < 0.6 else 0
        pe = ri(*z["p"]) if pads_attr and r.random() < 0.6 else 0
        dims.append(dict(k=k, s=s, d=d, op=op, p=p, pe=pe, i=ri(*z["i"])))
    per = lambda key: [dim[key] for dim in dims]  # noqa: E731
    c = Config(rank=rank, n=n, cin=cin, cout=cout, xc=cin, inp=per("i"), k=per("k"),
               s=per("s"), d=per("d"), op=per("op"), kind=kind, pads_attr=pads_attr,
               p=per("p"), pe=per("pe"), groups=groups, bias=bool(r.random() < 0.7),
               osize=None, act=cc.ACT_NONE, alpha=0.0, beta=0.0,
               threads=int(r.choice([0, 1, 2])), mutation="-")
    # Pads that leave no output are a mutation of their own: keep the rest valid.
    for j in range(rank):
        full = c.s[j] * (c.inp[j] - 1) + c.op[j] + (c.k[j] - 1) * c.d[j] + 1
        while c.p[j] + c.pe[j] > full - 1:
            if c.p[j] >= c.pe[j]:
                c.p[j] -= 1
            else:
                c.pe[j] -= 1
    if r.random() < 0.3:  # output_shape: the edges of its range, and anything in it
        c.osize = []
        for j in range(rank):
            eff = (c.k[j] - 1) * c.d[j] + 1
            full = c.s[j] * (c.inp[j] - 1) + c.op[j] + eff
            top = c.s[j] * c.inp[j] + eff - 1
            c.osize.append(int(r.choice([1, full, top, c.s[j] * c.inp[j],
                                         max(1, full - 1), min(top, full + 1), ri(1, top)])))
    if r.random() < 0.4:  # a fused activation (an ONNX node after the ConvTranspose)
        c.act = int(r.integers(1, 8))
        if c.act == cc.ACT_LEAKY_RELU:
            c.alpha = float(np.float32(r.choice([0.01, 0.2, r.uniform(0.0, 1.5)])))
        elif c.act == cc.ACT_ELU:
            c.alpha = float(np.float32(r.choice([1.0, r.uniform(0.1, 2.0)])))
        elif c.act == cc.ACT_CLAMP:
            lo, hi = sorted(float(np.float32(v)) for v in r.uniform(-1.5, 1.5, size=2))
            c.alpha, c.beta = lo, hi
    if r.random() < 0.35:
        m = MUTATIONS[int(r.integers(len(MUTATIONS)))]
        c.mutation = m
        j = min(int(r.random() * rank), rank - 1)  # the dimension it pushes out of range
        if m == "output_padding_ge_stride":
            c.op[j] = c.s[j] + ri(0, 1)
        elif m == "output_padding_ge_stride_lt_dilation":  # PyTorch allows it, ONNX Runtime not
            c.d[j] = max(c.d[j], c.s[j] + 1)
            c.op[j] = ri(c.s[j], c.d[j] - 1)
        elif m == "output_shape_above_max":
            eff = (c.k[j] - 1) * c.d[j] + 1
            c.osize = c.osize or [
                c.s[i] * (c.inp[i] - 1) + c.op[i] + (c.k[i] - 1) * c.d[i] + 1
                for i in range(rank)]
            c.osize[j] = c.s[j] * c.inp[j] + eff - 1 + ri(1, 3)
        elif m == "output_shape_zero":
            c.osize = c.osize or [1] * rank
            c.osize[j] = 0
        elif m == "pads_leave_nothing":
            c.kind, c.pads_attr, c.osize = cc.PADDING_EXPLICIT, True, None
            full = c.s[j] * (c.inp[j] - 1) + c.op[j] + (c.k[j] - 1) * c.d[j] + 1
            extra = full + ri(0, 2)
            c.p[j] = ri(0, extra)
            c.pe[j] = extra - c.p[j]
        elif m == "pads_negative":
            c.kind, c.pads_attr = cc.PADDING_EXPLICIT, True
            if r.random() < 0.5:
                c.p[j] = -ri(1, 2)
            else:
                c.pe[j] = -ri(1, 2)
        elif m == "input_channels":
            c.xc = c.cin + int(r.choice([-1, 1])) if c.cin > 1 else c.cin + 1
        elif m == "groups_not_dividing_in":  # ONNX's out channels are W's dim 1 * group
            c.groups = int(r.choice([2, 3]))
            c.cin = c.xc = c.groups * ri(1, 2) + ri(1, c.groups - 1)
            c.cout = c.groups * ri(1, 2)
    return c, r


def make_tensors(c, r):
    def u(shape):
        return r.uniform(-1.0, 1.0, size=shape).astype(np.float32)
    x = u((c.n, c.xc) + tuple(c.inp))
    wt = u((c.cin, c.cout // c.groups) + tuple(c.k))
    b = u((c.cout,))
    return x, wt, b


def onnx_model(c, wt, b):
    """The one-node model (plus the activation's node), its input's shape fixed."""
    attrs = dict(kernel_shape=list(c.k), strides=list(c.s), dilations=list(c.d),
                 group=c.groups)
    if any(c.op) or c.mutation != "-":
        attrs["output_padding"] = list(c.op)
    if c.kind == cc.PADDING_EXPLICIT:
        if c.pads_attr:
            attrs["pads"] = list(c.p) + list(c.pe)
    else:
        attrs["auto_pad"] = AUTO_PAD[c.kind]
    if c.osize is not None:
        attrs["output_shape"] = list(c.osize)
    inits = [helper.make_tensor("W", TensorProto.FLOAT, wt.shape, wt.flatten())]
    inputs = ["X", "W"]
    if c.bias:
        inits.append(helper.make_tensor("B", TensorProto.FLOAT, b.shape, b))
        inputs.append("B")
    conv_out = "Y" if c.act == cc.ACT_NONE else "T"
    nodes = [helper.make_node("ConvTranspose", inputs, [conv_out], **attrs)]
    if c.act == cc.ACT_RELU:
        nodes.append(helper.make_node("Relu", ["T"], ["Y"]))
    elif c.act == cc.ACT_LEAKY_RELU:
        nodes.append(helper.make_node("LeakyRelu", ["T"], ["Y"], alpha=c.alpha))
    elif c.act == cc.ACT_CLAMP:
        inits += [helper.make_tensor("lo", TensorProto.FLOAT, [], [c.alpha]),
                  helper.make_tensor("hi", TensorProto.FLOAT, [], [c.beta])]
        nodes.append(helper.make_node("Clip", ["T", "lo", "hi"], ["Y"]))
    elif c.act == cc.ACT_TANH:
        nodes.append(helper.make_node("Tanh", ["T"], ["Y"]))
    elif c.act == cc.ACT_SIGMOID:
        nodes.append(helper.make_node("Sigmoid", ["T"], ["Y"]))
    elif c.act == cc.ACT_ELU:
        nodes.append(helper.make_node("Elu", ["T"], ["Y"], alpha=c.alpha))
    elif c.act == cc.ACT_GELU:
        nodes.append(helper.make_node("Gelu", ["T"], ["Y"], approximate="none"))
    x_info = helper.make_tensor_value_info("X", TensorProto.FLOAT, [c.n, c.xc] + list(c.inp))
    y_info = helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)
    graph = helper.make_graph(nodes, "convt_crosscheck", [x_info], [y_info], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    return model.SerializeToString()


def session_options():
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    # The kernels as they are: no fusion or layout rewrite between them and the oracle.
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    so.log_severity_level = 4  # its rejections are verdicts here, not errors to log
    return so


def ort_run(so, c, x, wt, b):
    """(None, output) when ONNX Runtime accepts; ('create: ...' or 'run: ...', None) when it
    rejects (session creation includes ONNX's shape inference)."""
    def one_line(e):
        return " ".join(str(e).split())
    try:
        sess = ort.InferenceSession(onnx_model(c, wt, b), so,
                                    providers=["CPUExecutionProvider"])
    except Exception as e:  # noqa: BLE001 - ONNX Runtime's rejections are plain exceptions
        return f"create: {one_line(e)}", None
    try:
        return None, sess.run(None, {"X": x})[0]
    except Exception as e:  # noqa: BLE001
        return f"run: {one_line(e)}", None


def check(lib, so, algorithms, c, r, stats):
    """A list of problems with configuration c (empty: it passed), and ORT's verdict."""
    x, wt, b = make_tensors(c, r)
    ort_msg, y = ort_run(so, c, x, wt, b)
    rules, why, stage = c.expected()
    problems = []
    if ort_msg is None:
        stats["valid"] += 1
    else:
        stats["reject"] += 1
        stats["reject_" + ort_msg.split(":")[0]] += 1
    # The rules against ONNX Runtime: the verdict, the shape, the values.
    if (ort_msg is None) != (rules is not None):
        problems.append(f"RULE: ONNX Runtime {'accepts' if ort_msg is None else 'rejects'} "
                        f"({ort_msg or tuple(y.shape)}) but the issue's rules "
                        f"{'reject (' + why + ')' if rules is None else 'accept'}")
    want = None
    if ort_msg is None and rules is not None:
        outs, begins = rules
        if tuple(y.shape) != (c.n, c.cout) + tuple(outs):
            problems.append(f"RULE: ONNX Runtime's shape {tuple(y.shape)}, the rules' "
                            f"{(c.n, c.cout) + tuple(outs)}")
        else:
            value, mag, terms = ref.conv_transpose(x, wt, b if c.bias else None, c.groups, c.k,
                                                   c.s, c.d, begins, outs)
            want = ref.activate(c.act, value, c.alpha, c.beta)
            tol = ref.tolerance(mag, terms, c.act, c.alpha, want)
            worst, at = ref.worst_ratio(y, want, tol)
            stats["worst_ort_ref"] = max(stats["worst_ort_ref"], worst)
            if not worst <= 1:
                problems.append(f"RULE: ONNX Runtime's values differ from the float64 reference"
                                f" at the rules' trims (worst ratio {worst:.3g} at {at}: ORT "
                                f"{y[at]!r}, float64 {want[at]!r}, tolerance {tol[at]:.3g})")
    for layout in (cc.LAYOUT_CHANNELS_FIRST, cc.LAYOUT_CHANNELS_LAST):
        lname = "channels_last" if layout else "channels_first"
        xin = x if layout == cc.LAYOUT_CHANNELS_FIRST else cc.to_channels_last(x)
        for a in algorithms:
            name = f"{lib.convt_algorithm_name(a).decode()}, {lname}"
            st_, st, msg, shape, out = cc.run(lib, c, a, xin, wt, b, c.osize, layout)
            if st == cc.CONVT_ERROR_UNSUPPORTED and " cannot run this " in msg:
                continue  # a forced algorithm that cannot run this layer (or shape)
            if ort_msg is not None:
                if st_ == "ok":
                    problems.append(f"[{name}] ONNX Runtime rejects ({ort_msg}) but convt "
                                    f"accepts, shape {shape}")
                elif st != cc.CONVT_ERROR_INVALID_ARGUMENT:
                    problems.append(f"[{name}] ONNX Runtime rejects ({ort_msg}); convt status "
                                    f"{st} at {st_}: {msg}")
                elif stage is not None and st_ != stage:
                    problems.append(f"[{name}] convt rejects at {st_}, its header says "
                                    f"{stage}: {msg}")
                continue
            if st_ != "ok":
                problems.append(f"[{name}] ONNX Runtime accepts (shape {y.shape}) but convt "
                                f"rejects at {st_} with status {st}: {msg}")
                continue
            if shape != tuple(y.shape):
                problems.append(f"[{name}] shape {shape}, ONNX Runtime {tuple(y.shape)}")
                continue
            if layout == cc.LAYOUT_CHANNELS_LAST:
                out = cc.to_channels_first(out)
            if want is None:  # the rules disagree (reported above): compare with ORT alone
                value, mag, terms = ref.conv_transpose(x, wt, b if c.bias else None, c.groups,
                                                       c.k, c.s, c.d, [0] * c.rank,
                                                       list(y.shape[2:]))
                tol = ref.tolerance(mag, terms, c.act, c.alpha, y)
            worst, at = ref.worst_ratio(out, y, tol)
            worst_ref = ref.worst_ratio(out, want, tol)[0] if want is not None else 0.0
            stats["runs"] += 1
            stats["elements"] += out.size
            if worst > stats["worst"]:
                stats["worst"], stats["worst_where"] = worst, f"{c} [{name}]"
            if not (worst <= 1 and worst_ref <= 1):
                bad = int(np.sum(~(np.abs(out.astype(np.float64) - y) <= tol)))
                problems.append(f"[{name}] {bad} of {out.size} values out of tolerance vs ONNX "
                                f"Runtime (worst ratio {worst:.3g}; vs float64 {worst_ref:.3g})"
                                f"; at {at}: convt {out[at]!r}, ORT {y[at]!r}, tolerance "
                                f"{tol[at]:.3g}")
    return problems, ort_msg


def versions():
    return (f"onnxruntime {ort.__version__}, onnx {onnx.__version__}, numpy {np.__version__}, "
            f"python {platform.python_version()} ({sys.executable})")


def main():
    ap = argparse.ArgumentParser(description="Cross-check libconvt against ONNX Runtime.")
    ap.add_argument("library", help="path of the built libconvt.so")
    ap.add_argument("--rank", type=int, choices=RANKS, default=None,
                    help="only this number of spatial dimensions (default: 1, 2 and 3)")
    ap.add_argument("--seed", type=int, default=1, help="sweep seed (default 1)")
    ap.add_argument("--count", type=int, default=800,
                    help="configurations per rank (default 800)")
    ap.add_argument("--only", type=int, default=None,
                    help="run configuration I only (of each rank chosen)")
    ap.add_argument("--verbose", action="store_true", help="print every configuration")
    args = ap.parse_args()

    try:
        lib = cc.load_library(args.library)
    except (OSError, AttributeError) as e:
        print(f"crosscheck_onnx: cannot load {args.library}: {e}")
        return 2
    problem = cc.layout_problem(lib)
    if problem:
        print(f"crosscheck_onnx: {problem}")
        return 1
    algorithms = cc.algorithms(lib)
    so = session_options()
    ranks = [args.rank] if args.rank is not None else list(RANKS)
    indices = [args.only] if args.only is not None else range(args.count)
    print(f"crosscheck_onnx: seed {args.seed}, ranks {ranks}, {len(indices)} configurations "
          f"per rank, libconvt {lib.convt_version_string().decode()} at "
          f"{lib.convt_cpu_isa().decode()} ({args.library}); {versions()}; opset {OPSET}; "
          f"algorithms {[lib.convt_algorithm_name(a).decode() for a in algorithms]}")
    passed = failed = 0
    for rank in ranks:
        stats = dict(valid=0, reject=0, reject_create=0, reject_run=0, runs=0, elements=0,
                     worst=0.0, worst_where="-", worst_ort_ref=0.0)
        start = time.monotonic()
        for i in indices:
            c, r = draw(args.seed, rank, i)
            try:
                problems, ort_msg = check(lib, so, algorithms, c, r, stats)
            except Exception as e:  # noqa: BLE001 - a crash in the check is a failure to report
                problems, ort_msg = [f"exception in the check: {type(e).__name__}: {e}"], None
            if args.verbose:
                print(f"  {rank}-D #{i} {c} -> "
                      f"{'ORT rejects at ' + ort_msg if ort_msg else 'valid'}")
            if problems:
                failed += 1
                print(f"MISMATCH {rank}-D #{i}: {c}")
                for pr in problems:
                    print(f"    {pr}")
                print(f"    replay: {sys.executable} {sys.argv[0]} {args.library} "
                      f"--rank {rank} --seed {args.seed} --only {i} --verbose")
            else:
                passed += 1
        elapsed = time.monotonic() - start
        print(f"crosscheck_onnx {rank}-D: {stats['valid']} valid / {stats['reject']} rejected "
              f"by ONNX Runtime ({stats['reject_create']} at session creation, "
              f"{stats['reject_run']} at the run); {stats['runs']} runs, {stats['elements']} "
              f"values compared over {len(algorithms)} algorithms x 2 layouts; largest "
              f"|convt - ORT| / tolerance {stats['worst']:.4g}; largest |ORT - float64| / "
              f"tolerance {stats['worst_ort_ref']:.4g}; {elapsed:.1f} s")
        if args.verbose:
            print(f"crosscheck_onnx {rank}-D: worst at {stats['worst_where']}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
