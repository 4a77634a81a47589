#!/usr/bin/python3
"""Live cross-check of the built libconvt against PyTorch (torch.nn.ConvTranspose1d/2d/3d).

    /usr/bin/python3 tools/crosscheck_torch.py build/libconvt.so [--rank R] [--seed S]
                                                [--count N] [--only I] [--verbose]

Per rank (1, 2 and 3 spatial dimensions; --rank R for one only) a seeded random sweep of
small configurations, valid and invalid. For each one PyTorch's verdict (module
construction + forward, on a batch of one when the batch is empty, since PyTorch skips some
checks on empty batches) is compared with convt's (convt_create, then convt_output_shape /
convt_run), for every algorithm the library knows:
  - both accept or both reject, and convt's rejection is CONVT_ERROR_INVALID_ARGUMENT at the
    stage its header documents (convt_create for the layer's own parameters, the run
    for input shape / output_padding >= stride and dilation / output size / output_size);
  - equal output shapes;
  - every value within (terms + 2) * FLT_EPSILON * sum|x*w| (+|bias|) + 1e-6 of PyTorch
    (both are float sums of the same products in different orders; terms and sum|x*w| come
    from a float64 numpy implementation, which both must also agree with).
Configuration i of rank R is drawn from numpy's PCG64 seeded with (seed, i) for rank 2 (the
stream the sweep had when it was 2-D only) and (seed, i, R) for ranks 1 and 3, so
`--rank R --seed S --only I` replays one configuration exactly.

Exit status: 0 all passed, 1 a mismatch (the configuration and the replay command are
printed), 2 usage or library load error, 77 PyTorch cannot be imported (ctest: skipped).
"""

import argparse
import ctypes
import sys
import time
import warnings

try:
    import numpy as np
    import torch
    import torch.nn as nn
except Exception as e:  # noqa: BLE001 - any import failure means "no PyTorch here"
    print(f"crosscheck_torch: SKIP: cannot import torch/numpy with {sys.executable}: {e}")
    sys.exit(77)

import convt_rules  # noqa: E402 - tools/convt_rules.py, after the skip check

CONVT_OK = 0
CONVT_ERROR_INVALID_ARGUMENT = 1
CONVT_ERROR_UNSUPPORTED = 2
FLT_EPSILON = float(np.finfo(np.float32).eps)
ABS_FLOOR = 1e-6  # torch's own rounding where the bound is 0 or tiny (see test_golden.cpp)
RANKS = (1, 2, 3)
MODULES = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}

I64x3 = ctypes.c_int64 * 3


class ConvtParams(ctypes.Structure):
    """struct convt_params of include/convt/convt.h, field for field."""
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("spatial_dims", ctypes.c_int32),
        ("algorithm", ctypes.c_int32),
        ("in_channels", ctypes.c_int64),
        ("out_channels", ctypes.c_int64),
        ("kernel_size", I64x3),
        ("stride", I64x3),
        ("padding", I64x3),
        ("output_padding", I64x3),
        ("dilation", I64x3),
        ("groups", ctypes.c_int64),
        ("num_threads", ctypes.c_int32),
    ]


CONVT_PARAMS_SIZE_V0_1 = 168


def load_library(path):
    lib = ctypes.CDLL(path)
    fp = ctypes.POINTER(ctypes.c_float)
    i64p = ctypes.POINTER(ctypes.c_int64)
    pp = ctypes.POINTER(ConvtParams)
    sigs = {
        "convt_version_string": (ctypes.c_char_p, []),
        "convt_status_string": (ctypes.c_char_p, [ctypes.c_int32]),
        "convt_last_error": (ctypes.c_char_p, []),
        "convt_algorithm_name": (ctypes.c_char_p, [ctypes.c_int32]),
        "convt_params_init": (None, [pp, ctypes.c_size_t]),
        "convt_create": (ctypes.c_int32, [pp, fp, fp, ctypes.POINTER(ctypes.c_void_p)]),
        "convt_output_shape": (ctypes.c_int32, [ctypes.c_void_p, i64p, i64p, i64p]),
        "convt_run": (ctypes.c_int32, [ctypes.c_void_p, i64p, fp, i64p, fp, ctypes.c_size_t,
                                        ctypes.c_void_p, ctypes.c_size_t]),
        "convt_destroy": (None, [ctypes.c_void_p]),
    }
    for name, (res, args) in sigs.items():
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args
    return lib


class Config:
    """One layer and input. inp, k, s, p, op, d (and osize) are lists of `rank` entries in
    PyTorch's order ((L); (H, W); (D, H, W))."""
    FIELDS = ("rank", "n", "cin", "cout", "xc", "inp", "k", "s", "p", "op", "d", "groups",
              "bias", "osize", "threads", "mutation")

    def __init__(self, **kw):
        for k in self.FIELDS:
            setattr(self, k, kw[k])

    def __str__(self):
        def show(v):
            return ",".join(str(e) for e in v) if isinstance(v, (list, tuple)) else str(v)
        return " ".join(f"{k}={'-' if getattr(self, k) is None else show(getattr(self, k))}"
                        for k in self.FIELDS)

    def min_size(self):
        return convt_rules.min_size(self)

    def create_stage_invalid(self):
        return convt_rules.rejected_at_create(self)


MUTATIONS = ("kernel", "stride", "padding", "output_padding_negative",
             "output_padding_too_big", "dilation", "groups", "input_channels", "input_zero",
             "padding_huge", "osize_out_of_range")

# The ranges drawn per rank, inclusive: channels per group, kernel, stride, dilation,
# padding (when not 0), input size. 3-D is smaller so that its volumes stay small; 1-D is
# larger since a line is cheap.
SIZES = {
    1: dict(ch=(1, 4), k=(1, 7), s=(1, 5), d=(1, 3), p=(0, 4), i=(1, 12)),
    2: dict(ch=(1, 3), k=(1, 5), s=(1, 4), d=(1, 3), p=(0, 3), i=(1, 6)),
    3: dict(ch=(1, 2), k=(1, 3), s=(1, 3), d=(1, 2), p=(0, 2), i=(1, 4)),
}


def rng_for(seed, rank, index):
    key = [seed, index] if rank == 2 else [seed, index, rank]
    return np.random.Generator(np.random.PCG64(key))


def draw(seed, rank, index):
    """Configuration `index` of the rank's sweep: about 60% valid by construction, the rest
    with one parameter pushed out of its range (and some valid-looking ones that PyTorch
    still rejects, e.g. padding that leaves no output)."""
    r = rng_for(seed, rank, index)
    z = SIZES[rank]
    ri = lambda lo, hi: int(r.integers(lo, hi + 1))  # noqa: E731 - inclusive
    groups = int(r.choice([1, 1, 1, 2, 3]))
    cin, cout = groups * ri(*z["ch"]), groups * ri(*z["ch"])
    n = int(r.choice([0, 1, 1, 1, 2, 3], p=[0.04, 0.32, 0.32, 0.12, 0.12, 0.08]))
    dims = []
    for _ in range(rank):
        k, s, d = ri(*z["k"]), ri(*z["s"]), ri(*z["d"])
        p = ri(*z["p"]) if r.random() < 0.5 else 0
        op = ri(0, max(s, d) - 1) if r.random() < 0.5 else 0
        dims.append(dict(k=k, s=s, p=p, op=op, d=d, i=ri(*z["i"])))
    per = lambda key: [dim[key] for dim in dims]  # noqa: E731
    c = Config(rank=rank, n=n, cin=cin, cout=cout, xc=cin, inp=per("i"), k=per("k"),
               s=per("s"), p=per("p"), op=per("op"), d=per("d"), groups=groups,
               bias=bool(r.random() < 0.7), osize=None, threads=int(r.choice([0, 1, 2])),
               mutation="-")
    if r.random() < 0.25:  # an output_size request: mostly in range, sometimes just out of it
        c.osize = [ri(m - 1, m + s) for m, s in zip(c.min_size(), c.s)]
        if r.random() < 0.5:  # output_padding is ignored with a request, even an invalid one
            c.op = [ri(0, 5) for _ in range(rank)]
    if r.random() < 0.4:
        m = MUTATIONS[int(r.integers(len(MUTATIONS)))]
        c.mutation = m
        i = min(int(r.random() * rank), rank - 1)  # the dimension it pushes out of range
        bad = lambda: int(r.choice([0, 0, -1, -2]))  # noqa: E731
        if m == "kernel":
            c.k[i] = bad()
        elif m == "stride":
            c.s[i] = bad()
        elif m == "padding":
            c.p[i] = -ri(1, 2)
        elif m == "output_padding_negative":
            c.op[i] = -ri(1, 2)
        elif m == "output_padding_too_big":
            c.op[i] = max(c.s[i], c.d[i]) + ri(0, 1)
        elif m == "dilation":
            c.d[i] = bad()
        elif m == "groups":
            choice = ri(0, 2)
            if choice == 0:
                c.groups = bad()
            elif choice == 1:  # does not divide in_channels
                c.groups, c.cin = 2, int(r.choice([1, 3, 5]))
                c.xc = c.cin
            else:  # does not divide out_channels
                c.groups, c.cout = 2, int(r.choice([1, 3, 5]))
                c.cin = c.xc = 2 * ri(1, 2)
        elif m == "input_channels":
            c.xc = c.cin + int(r.choice([-1, 1])) if c.cin > 1 else c.cin + 1
        elif m == "input_zero":
            c.inp[i] = 0
        elif m == "padding_huge":
            c.p[i] = ri(3, 8)
        elif m == "osize_out_of_range":
            mins = list(c.min_size())
            lo, hi = mins[i], mins[i] + max(c.s[i], 1) - 1
            req = lo - ri(1, 3) if r.random() < 0.5 else hi + ri(1, 3)
            c.osize = mins
            c.osize[i] = req
    return c, r


def make_tensors(c, r):
    def u(shape):
        return r.uniform(-1.0, 1.0, size=shape).astype(np.float32)
    spatial = tuple(max(i, 0) for i in c.inp)
    x = u((c.n, max(c.xc, 0)) + spatial)
    x1 = x[:1] if c.n >= 1 else u((1, max(c.xc, 0)) + spatial)
    wt = None
    if min(c.cin, c.cout, *c.k) >= 0 and c.groups > 0 and c.cout % c.groups == 0:
        wt = u((c.cin, c.cout // c.groups) + tuple(c.k))
    b = u((max(c.cout, 1),))
    return x, x1, wt, b


def torch_run(c, x, x1, wt, b):
    """(None, output) when PyTorch accepts, (message, None) when it rejects."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zero-element weight init
            m = MODULES[c.rank](c.cin, c.cout, tuple(c.k), stride=tuple(c.s),
                                padding=tuple(c.p), output_padding=tuple(c.op),
                                groups=c.groups, bias=c.bias, dilation=tuple(c.d))
        with torch.no_grad():
            if wt is not None:
                m.weight.copy_(torch.from_numpy(wt))
            if c.bias:
                m.bias.copy_(torch.from_numpy(b[:c.cout]))

            def fwd(inp):
                t = torch.from_numpy(np.ascontiguousarray(inp))
                return m(t) if c.osize is None else m(t, output_size=list(c.osize))
            if c.n == 0:
                fwd(x1)  # the verdict, on a batch of one
            return None, fwd(x).numpy()
    except (RuntimeError, ValueError) as e:
        return f"{type(e).__name__}: {' '.join(str(e).split())}", None


def reference(c, x, wt, b, out_spatial):
    """float64 scatter form, any rank: value, sum|x*w| (+|b|) and the number of terms per
    output, computed together (axis 0 of every array: x*w, |x|*|w|, 1*1)."""
    n, in_sp, g = x.shape[0], x.shape[2:], c.groups
    cin_g, cout_g = c.cin // g, c.cout // g
    full = tuple(max((i - 1) * s + d * (k - 1) + 1, p + o)
                 for i, k, s, p, d, o in zip(in_sp, c.k, c.s, c.p, c.d, out_spatial))
    x64, w64 = x.astype(np.float64), wt.astype(np.float64)
    pixels = int(np.prod(in_sp))
    xs = np.stack([x64, np.abs(x64), np.ones_like(x64)]).reshape(3, n, g, cin_g, pixels)
    ws = np.stack([w64, np.abs(w64), np.ones_like(w64)])  # (3, cin, cout_g, k...)
    buf = np.zeros((3, n, c.cout) + full)
    lead = (slice(None),) * 3
    for tap in np.ndindex(*c.k):
        w_tap = ws[lead + tap].reshape(3, g, cin_g, cout_g).transpose(0, 1, 3, 2)
        contrib = np.matmul(w_tap[:, None], xs)  # (3, n, g, cout_g, input pixels)
        window = tuple(slice(t * d, t * d + (i - 1) * s + 1, s)
                       for t, d, i, s in zip(tap, c.d, in_sp, c.s))
        buf[lead + window] += contrib.reshape((3, n, c.cout) + in_sp)
    crop = tuple(slice(p, p + o) for p, o in zip(c.p, out_spatial))
    value, mag, terms = buf[lead + crop]
    if c.bias:
        b64 = b[:c.cout].astype(np.float64).reshape((1, c.cout) + (1,) * c.rank)
        value, mag, terms = value + b64, mag + np.abs(b64), terms + 1
    return value, mag, terms


def convt_run(lib, c, algorithm, x, wt, b):
    """(stage, status, message, shape, output): stage is 'create', 'run' or 'ok'."""
    p = ConvtParams()
    lib.convt_params_init(ctypes.byref(p), ctypes.sizeof(p))
    p.spatial_dims = c.rank
    p.algorithm, p.num_threads = algorithm, c.threads
    p.in_channels, p.out_channels, p.groups = c.cin, c.cout, c.groups
    for field, values in (("kernel_size", c.k), ("stride", c.s), ("padding", c.p),
                          ("output_padding", c.op), ("dilation", c.d)):
        arr = getattr(p, field)
        for i, v in enumerate(values):
            arr[i] = v
    fp = ctypes.POINTER(ctypes.c_float)
    # Buffers are never empty pointers for the calls that may need them.
    w_buf = wt if wt is not None and wt.size else np.zeros(1, np.float32)
    w_buf = np.ascontiguousarray(w_buf, dtype=np.float32)
    b_buf = np.ascontiguousarray(b, dtype=np.float32)
    handle = ctypes.c_void_p()
    st = lib.convt_create(ctypes.byref(p), w_buf.ctypes.data_as(fp),
                          b_buf.ctypes.data_as(fp) if c.bias else None, ctypes.byref(handle))
    if st != CONVT_OK:
        if handle.value is not None:
            return "create", -1, "convt_create failed but left a non-NULL handle", None, None
        return "create", st, lib.convt_last_error().decode(), None, None
    try:
        dims = 2 + c.rank
        in_shape = (ctypes.c_int64 * dims)(c.n, c.xc, *c.inp)
        req = (ctypes.c_int64 * c.rank)(*c.osize) if c.osize is not None else None
        shape = (ctypes.c_int64 * dims)(*([-7] * dims))
        st = lib.convt_output_shape(handle, in_shape, req, shape)
        if st != CONVT_OK:
            msg = lib.convt_last_error().decode()
            # convt_run must reject it the same way, without writing anything.
            # Room for any output this configuration could have, so that a rejection is
            # never just "output_capacity too small".
            cap = max(c.n, 1) * max(c.cout, 1)
            for j in range(c.rank):
                v = (c.inp[j] - 1) * c.s[j] - 2 * c.p[j] + c.d[j] * (c.k[j] - 1) + c.op[j] + 1
                v += max(c.s[j], 1)
                cap *= max(v, c.osize[j] if c.osize is not None else 1, 1)
            guard = np.full(cap, -3.0, np.float32)
            xs = np.ascontiguousarray(x if x.size else np.zeros(1, np.float32))
            st2 = lib.convt_run(handle, in_shape, xs.ctypes.data_as(fp), req,
                                guard.ctypes.data_as(fp), guard.size, None, 0)
            if st2 != st or not np.all(guard == -3.0) or tuple(shape) != (-7,) * dims:
                return "run", -1, (f"convt_output_shape said {st} but convt_run said {st2} "
                                   f"(or wrote to output/shape)"), None, None
            return "run", st, msg, None, None
        shp = tuple(shape)
        count = int(np.prod(shp))
        out = np.full(max(count, 1), np.nan, np.float32)
        xs = np.ascontiguousarray(x, dtype=np.float32)
        st = lib.convt_run(handle, in_shape, xs.ctypes.data_as(fp) if x.size else None, req,
                           out.ctypes.data_as(fp) if count else None, count, None, 0)
        if st != CONVT_OK:
            return "run", st, "convt_run failed after convt_output_shape succeeded: " + \
                lib.convt_last_error().decode(), shp, None
        return "ok", CONVT_OK, "", shp, out[:count].reshape(shp)
    finally:
        lib.convt_destroy(handle)


def check(lib, algorithms, c, r, stats):
    """A list of problems with configuration c (empty: it passed)."""
    x, x1, wt, b = make_tensors(c, r)
    torch_msg, y = torch_run(c, x, x1, wt, b)
    problems = []
    ref = None
    if torch_msg is None:
        stats["valid"] += 1
        ref = reference(c, x, wt, b, y.shape[2:])
        tol = (ref[2] + 2) * FLT_EPSILON * ref[1] + ABS_FLOOR
        r_torch = float(np.max(np.abs(y - ref[0]) / tol, initial=0.0))
        stats["worst_torch_ref"] = max(stats["worst_torch_ref"], r_torch)
        if not r_torch <= 1:
            problems.append(f"the float64 reference disagrees with torch (ratio {r_torch:.3g}):"
                            " a bug in this script?")
    else:
        stats["reject"] += 1
    for a in algorithms:
        name = lib.convt_algorithm_name(a).decode()
        stage, st, msg, shape, out = convt_run(lib, c, a, x, wt, b)
        if st == CONVT_ERROR_UNSUPPORTED and " cannot run this " in msg:
            continue  # a forced algorithm that cannot run this layer (or shape)
        if torch_msg is not None:
            if stage == "ok":
                problems.append(f"[{name}] torch rejects ({torch_msg}) but convt accepts, "
                                f"shape {shape}")
                continue
            if st != CONVT_ERROR_INVALID_ARGUMENT:
                problems.append(f"[{name}] torch rejects ({torch_msg}); convt status {st} at "
                                f"{stage}: {msg}")
                continue
            want = "create" if c.create_stage_invalid() else "run"
            if stage != want:
                problems.append(f"[{name}] convt rejects at {stage}, its header says {want}: "
                                f"{msg}")
            continue
        if stage != "ok":
            problems.append(f"[{name}] torch accepts (shape {y.shape}) but convt rejects at "
                            f"{stage} with status {st}: {msg}")
            continue
        if shape != tuple(y.shape):
            problems.append(f"[{name}] shape {shape}, torch {tuple(y.shape)}")
            continue
        tol = (ref[2] + 2) * FLT_EPSILON * ref[1] + ABS_FLOOR
        ratio = np.abs(out.astype(np.float64) - y) / tol
        ratio_ref = np.abs(out.astype(np.float64) - ref[0]) / tol
        worst = float(np.max(np.nan_to_num(ratio, nan=np.inf), initial=0.0))
        worst_ref = float(np.max(np.nan_to_num(ratio_ref, nan=np.inf), initial=0.0))
        stats["runs"] += 1
        stats["elements"] += out.size
        if worst > stats["worst"]:
            stats["worst"], stats["worst_where"] = worst, f"{c} [{name}]"
        if not (worst <= 1 and worst_ref <= 1):
            i = int(np.argmax(np.nan_to_num(np.maximum(ratio, ratio_ref), nan=np.inf)))
            idx = np.unravel_index(i, out.shape)
            problems.append(f"[{name}] {int(np.sum(~(ratio <= 1)))} of {out.size} values out of "
                            f"tolerance vs torch (worst ratio {worst:.3g}; vs float64 "
                            f"{worst_ref:.3g}); at {tuple(int(v) for v in idx)}: convt "
                            f"{out[idx]!r}, torch {y[idx]!r}, float64 {ref[0][idx]!r}, "
                            f"tolerance {tol[idx]:.3g}")
    return problems, torch_msg


def main():
    ap = argparse.ArgumentParser(description="Cross-check libconvt against PyTorch.")
    ap.add_argument("library", help="path of the built libconvt.so")
    ap.add_argument("--rank", type=int, choices=RANKS, default=None,
                    help="only this number of spatial dimensions (default: 1, 2 and 3)")
    ap.add_argument("--seed", type=int, default=1, help="sweep seed (default 1)")
    ap.add_argument("--count", type=int, default=2000,
                    help="configurations per rank (default 2000)")
    ap.add_argument("--only", type=int, default=None,
                    help="run configuration I only (of each rank chosen)")
    ap.add_argument("--verbose", action="store_true", help="print every configuration")
    args = ap.parse_args()

    torch.set_num_threads(1)
    if ctypes.sizeof(ConvtParams) != CONVT_PARAMS_SIZE_V0_1:
        print(f"crosscheck_torch: ctypes convt_params is {ctypes.sizeof(ConvtParams)} bytes, "
              f"the header says {CONVT_PARAMS_SIZE_V0_1}")
        return 2
    try:
        lib = load_library(args.library)
    except (OSError, AttributeError) as e:
        print(f"crosscheck_torch: cannot load {args.library}: {e}")
        return 2
    # convt_params_init must write PyTorch's defaults into exactly this layout.
    p = ConvtParams()
    lib.convt_params_init(ctypes.byref(p), ctypes.sizeof(p))
    defaults = (p.struct_size, p.spatial_dims, p.algorithm, list(p.stride),
                list(p.padding), list(p.output_padding), list(p.dilation),
                p.groups, p.num_threads)
    if defaults != (168, 2, 0, [1] * 3, [0] * 3, [0] * 3, [1] * 3, 1, 0):
        print(f"crosscheck_torch: convt_params_init wrote unexpected defaults {defaults}: "
              "the ctypes struct does not match the library")
        return 1
    algorithms = []
    while lib.convt_algorithm_name(len(algorithms)).decode() != "unknown":
        algorithms.append(len(algorithms))

    ranks = [args.rank] if args.rank is not None else list(RANKS)
    indices = [args.only] if args.only is not None else range(args.count)
    print(f"crosscheck_torch: seed {args.seed}, ranks {ranks}, {len(indices)} configurations "
          f"per rank, libconvt {lib.convt_version_string().decode()} ({args.library}), torch "
          f"{torch.__version__}, algorithms "
          f"{[lib.convt_algorithm_name(a).decode() for a in algorithms]}")
    passed = failed = 0
    for rank in ranks:
        stats = dict(valid=0, reject=0, runs=0, elements=0, worst=0.0, worst_where="-",
                     worst_torch_ref=0.0)
        start = time.monotonic()
        for i in indices:
            c, r = draw(args.seed, rank, i)
            try:
                problems, torch_msg = check(lib, algorithms, c, r, stats)
            except Exception as e:  # noqa: BLE001 - a crash in the check is a failure to report
                problems, torch_msg = [f"exception in the check: {type(e).__name__}: {e}"], None
            if args.verbose:
                print(f"  {rank}-D #{i} {c} -> "
                      f"{'torch rejects: ' + torch_msg if torch_msg else 'valid'}")
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
        print(f"crosscheck_torch {rank}-D: {stats['valid']} valid / {stats['reject']} rejected "
              f"by torch; {stats['runs']} runs, {stats['elements']} values compared over "
              f"{len(algorithms)} algorithms; largest |convt - torch| / tolerance "
              f"{stats['worst']:.4g}; largest |torch - float64| / tolerance "
              f"{stats['worst_torch_ref']:.4g}; {elapsed:.1f} s")
        if args.verbose:
            print(f"crosscheck_torch {rank}-D: worst at {stats['worst_where']}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
