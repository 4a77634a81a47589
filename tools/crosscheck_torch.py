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
About a third of the valid configurations run once more per algorithm with a fused
activation (convt_params.activation: RELU, LEAKY_RELU, CLAMP, TANH, SIGMOID, ELU, GELU) and/or
channels last (the input transposed with numpy, the output transposed back), compared with
PyTorch's function applied after the module (F.relu, F.leaky_relu, torch.clamp, torch.tanh,
torch.sigmoid, F.elu, F.gelu in its exact erf form) within the same bound moved by the
activation's slope plus 16 ulps of its value (tools/convt_reference.py).
Configuration i of rank R is drawn from numpy's PCG64 seeded with (seed, i) for rank 2 (the
stream the sweep had when it was 2-D only) and (seed, i, R) for ranks 1 and 3, its
activation and layout from a stream of their own (seed, i, R, 0xAC7) so that the layers and
data stay those of the sweep before them, and `--rank R --seed S --only I` replays one
configuration exactly.

Exit status: 0 all passed, 1 a mismatch (the configuration and the replay command are
printed), 2 usage or library load error, 77 PyTorch cannot be imported (ctest: skipped).
"""

import argparse
import copy
import sys
import time
import warnings

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception as e:  # noqa: BLE001 - any import failure means "no PyTorch here"
    print(f"crosscheck_torch: SKIP: cannot import torch/numpy with {sys.executable}: {e}")
    sys.exit(77)

import convt_ctypes as cc  # noqa: E402 - tools/, after the skip check
import convt_reference as ref  # noqa: E402
import convt_rules  # noqa: E402

RANKS = (1, 2, 3)
MODULES = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}
VARIANT_STREAM = 0xAC7  # the activation / layout draw's stream tag


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


def draw_variant(seed, rank, index):
    """The fused activation and layout of configuration `index`'s extra runs, or None (about
    two thirds of the configurations): (activation, alpha, beta, layout), at least one of
    them not the default."""
    r = np.random.Generator(np.random.PCG64([seed, index, rank, VARIANT_STREAM]))
    if r.random() >= 0.35:
        return None
    act = int(r.integers(1, 8)) if r.random() < 0.75 else cc.ACT_NONE
    alpha = beta = 0.0
    if act == cc.ACT_LEAKY_RELU:
        alpha = float(np.float32(r.choice([0.01, 0.2, r.uniform(0.0, 1.5)])))
    elif act == cc.ACT_ELU:
        alpha = float(np.float32(r.choice([1.0, r.uniform(0.1, 2.0)])))
    elif act == cc.ACT_CLAMP:
        alpha, beta = sorted(float(np.float32(v)) for v in r.uniform(-1.5, 1.5, size=2))
    last = act == cc.ACT_NONE or r.random() < 0.4
    return act, alpha, beta, cc.LAYOUT_CHANNELS_LAST if last else cc.LAYOUT_CHANNELS_FIRST


def torch_activation(y, act, alpha, beta):
    """PyTorch's function for a convt activation, applied after the module."""
    t = torch.from_numpy(y)
    if act == cc.ACT_RELU:
        t = F.relu(t)
    elif act == cc.ACT_LEAKY_RELU:
        t = F.leaky_relu(t, negative_slope=alpha)
    elif act == cc.ACT_CLAMP:
        t = torch.clamp(t, min=alpha, max=beta)
    elif act == cc.ACT_TANH:
        t = torch.tanh(t)
    elif act == cc.ACT_SIGMOID:
        t = torch.sigmoid(t)
    elif act == cc.ACT_ELU:
        t = F.elu(t, alpha=alpha)
    elif act == cc.ACT_GELU:
        t = F.gelu(t, approximate="none")
    return t.numpy()


def compare(name, out, y, want, tol, stats, where):
    """A problem with convt's values `out` against PyTorch's `y` and the float64 `want`, or
    None."""
    worst, at = ref.worst_ratio(out, y, tol)
    worst_ref = ref.worst_ratio(out, want, tol)[0]
    stats["runs"] += 1
    stats["elements"] += out.size
    if worst > stats["worst"]:
        stats["worst"], stats["worst_where"] = worst, f"{where} [{name}]"
    if worst <= 1 and worst_ref <= 1:
        return None
    bad = int(np.sum(~(np.abs(out.astype(np.float64) - y) <= tol)))
    return (f"[{name}] {bad} of {out.size} values out of tolerance vs torch (worst ratio "
            f"{worst:.3g}; vs float64 {worst_ref:.3g}); at {at}: convt {out[at]!r}, torch "
            f"{y[at]!r}, float64 {want[at]!r}, tolerance {tol[at]:.3g}")


def check(lib, algorithms, c, r, stats, variant):
    """A list of problems with configuration c (empty: it passed)."""
    x, x1, wt, b = make_tensors(c, r)
    torch_msg, y = torch_run(c, x, x1, wt, b)
    problems = []
    if torch_msg is None:
        stats["valid"] += 1
        value, mag, terms = ref.conv_transpose(x, wt, b if c.bias else None, c.groups, c.k,
                                               c.s, c.d, c.p, y.shape[2:])
        tol = ref.tolerance(mag, terms)
        r_torch = ref.worst_ratio(y, value, tol)[0]
        stats["worst_torch_ref"] = max(stats["worst_torch_ref"], r_torch)
        if not r_torch <= 1:
            problems.append(f"the float64 reference disagrees with torch (ratio {r_torch:.3g}):"
                            " a bug in this script?")
        if variant is not None:  # PyTorch's function after the module, and its float64 form
            act, alpha, beta, layout = variant
            y_act = torch_activation(y, act, alpha, beta)
            want_act = ref.activate(act, value, alpha, beta)
            tol_act = ref.tolerance(mag, terms, act, alpha, want_act)
            r_act = ref.worst_ratio(y_act, want_act, tol_act)[0]
            stats["worst_torch_ref"] = max(stats["worst_torch_ref"], r_act)
            if not r_act <= 1:
                problems.append(f"the float64 activation disagrees with torch's {variant} "
                                f"(ratio {r_act:.3g}): a bug in this script?")
    else:
        stats["reject"] += 1
    for a in algorithms:
        name = lib.convt_algorithm_name(a).decode()
        stage, st, msg, shape, out = cc.run(lib, c, a, x, wt, b, c.osize)
        if st == cc.CONVT_ERROR_UNSUPPORTED and " cannot run this " in msg:
            continue  # a forced algorithm that cannot run this layer (or shape)
        if torch_msg is not None:
            if stage == "ok":
                problems.append(f"[{name}] torch rejects ({torch_msg}) but convt accepts, "
                                f"shape {shape}")
                continue
            if st != cc.CONVT_ERROR_INVALID_ARGUMENT:
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
        problem = compare(name, out, y, value, tol, stats, c)
        if problem:
            problems.append(problem)
        if variant is None:
            continue
        # The same layer with the fused activation and/or channels last.
        act, alpha, beta, layout = variant
        cv = copy.copy(c)
        cv.act, cv.alpha, cv.beta = act, alpha, beta
        vname = (f"{name}, {cc.ACTIVATION_NAMES[act]}({alpha:.6g}, {beta:.6g})"
                 f"{', channels_last' if layout == cc.LAYOUT_CHANNELS_LAST else ''}")
        xin = x if layout == cc.LAYOUT_CHANNELS_FIRST else cc.to_channels_last(x)
        stage, st, msg, shape, out = cc.run(lib, cv, a, xin, wt, b, c.osize, layout)
        if st == cc.CONVT_ERROR_UNSUPPORTED and " cannot run this " in msg:
            continue
        if stage != "ok" or shape != tuple(y.shape):
            problems.append(f"[{vname}] convt {stage} status {st} shape {shape}: {msg}")
            continue
        if layout == cc.LAYOUT_CHANNELS_LAST:
            out = cc.to_channels_first(out)
        stats["variant_runs"] += 1
        problem = compare(vname, out, y_act, want_act, tol_act, stats, c)
        if problem:
            problems.append(problem)
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
    try:
        lib = cc.load_library(args.library)
    except (OSError, AttributeError) as e:
        print(f"crosscheck_torch: cannot load {args.library}: {e}")
        return 2
    problem = cc.layout_problem(lib)  # convt_params_init's defaults in this ctypes struct
    if problem:
        print(f"crosscheck_torch: {problem}")
        return 1
    algorithms = cc.algorithms(lib)

    ranks = [args.rank] if args.rank is not None else list(RANKS)
    indices = [args.only] if args.only is not None else range(args.count)
    print(f"crosscheck_torch: seed {args.seed}, ranks {ranks}, {len(indices)} configurations "
          f"per rank, libconvt {lib.convt_version_string().decode()} ({args.library}), torch "
          f"{torch.__version__}, algorithms "
          f"{[lib.convt_algorithm_name(a).decode() for a in algorithms]}")
    passed = failed = 0
    for rank in ranks:
        stats = dict(valid=0, reject=0, runs=0, variant_runs=0, elements=0, worst=0.0,
                     worst_where="-", worst_torch_ref=0.0)
        start = time.monotonic()
        for i in indices:
            c, r = draw(args.seed, rank, i)
            try:
                problems, torch_msg = check(lib, algorithms, c, r, stats,
                                            draw_variant(args.seed, rank, i))
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
              f"by torch; {stats['runs']} runs ({stats['variant_runs']} of them with an activation "
              f"and/or channels last), {stats['elements']} values compared over "
              f"{len(algorithms)} algorithms; largest |convt - torch| / tolerance "
              f"{stats['worst']:.4g}; largest |torch - float64| / tolerance "
              f"{stats['worst_torch_ref']:.4g}; {elapsed:.1f} s")
        if args.verbose:
            print(f"crosscheck_torch {rank}-D: worst at {stats['worst_where']}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
