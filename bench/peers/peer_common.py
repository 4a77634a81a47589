"""Shared driver of the out-of-process peers of convt-bench (torch_peer.py, ort_peer.py,
openvino_peer.py).

A peer script takes the layer list (a suite file in convt-bench's format, 1-D, 2-D or 3-D by
its column count, + an optional name filter) and a thread count, and for each layer: builds
the engine's operator once, does --warmup untimed runs, times --runs calls in bursts of 5
(time.perf_counter_ns; each burst after the process's threads are idle and 5 ms of untimed
runs), more until they add up to --min-ms (at most 60 bursts), and prints the median in ms.
Only the engine's call is timed: inputs are made and converted beforehand.

With --convt LIB the script also times convt AUTO (libconvt at path LIB, through the ctypes
struct of examples/python/convt.py) on the same tensors and thread count, in the same
process and time window: rounds of a burst of the engine, then a burst of convt, until both
have --runs runs adding up to --min-ms (as convt-bench does in process). convt-bench uses
that convt time to put the peer on the same footing as the in-process engines: the host's
speed drifts between processes.

Output (stdout), one line each, fields separated by single spaces:
  engine <id> <version, no spaces> <free text: how it is configured>
  layer <i> <name> <median ms> [<convt's median ms in this process, with --convt>]
                                    (i: the layer's 0-based position in the filtered list)
  error <i> <name> <message>        (this layer could not run; the others still do)
  unsupported <i> <name> <message>  (the engine has no path for this layer in this variant)
  unavailable <message>             (the engine cannot be imported: exit status 3)
With --data DIR (what convt-bench passes) the input, weight and bias of layer number i
(0-based, in the order of the filtered list) are read from DIR/i.x, DIR/i.w, DIR/i.b
(raw little-endian float32: input (N, Cin, spatial...), PyTorch weight layout
(Cin, Cout/groups, kernel...); no i.b means no bias) and the output of one run is written,
(N, Cout, spatial...) float32, to
DIR/i.<tag>.out (--tag, default the engine id) so convt-bench can compare it with its
reference. Without --data the tensors are seeded uniform [-1, 1) from numpy and nothing is written.

The run's variant, as convt-bench's flags of the same names: --layout channels-last (the
engine's tensors (N, spatial..., C): the script converts the input before timing and the
output back after) and --activation NAME[:A[:B]] (relu, leaky_relu:A, clamp:A:B, tanh,
sigmoid, elu:A, gelu: applied after the bias, the engine's own way). Both reach prepare()
as the layer's attributes channels_last, activation (the name), alpha and beta; a script
that has no such path raises Unsupported (in prepare, for one layer) or lets load() do it
(for the whole run: printed as unavailable).
"""
import argparse
import os
import sys
import threading
import time

def columns(rank):
    """The columns of a suite line of `rank` spatial dimensions (as convt-bench's suite.cpp)."""
    axes = {1: [""], 2: ["h", "w"], 3: ["d", "h", "w"]}[rank]
    sizes = {1: ["L"], 2: ["H", "W"], 3: ["D", "H", "W"]}[rank]
    return (["name", "N", "Cin", "Cout"] + sizes +
            [f + a for f in ("k", "s", "p", "op", "d") for a in axes] + ["groups"])


RANK_OF = {len(columns(r)): r for r in (1, 2, 3)}  # 11, 17, 23 columns


class Layer:
    """One suite line: rank (1, 2 or 3) and every spatial parameter as a tuple of rank
    entries in PyTorch's order ((L); (H, W); (D, H, W))."""

    def __init__(self, name, v):
        self.name = name
        self.rank = r = (len(v) - 4) // 6
        self.n, self.cin, self.cout = v[0:3]
        self.size = tuple(v[3:3 + r])
        self.k, self.s, self.p, self.op, self.d = (
            tuple(v[3 + r * i:3 + r * (i + 1)]) for i in range(1, 6))
        self.groups = v[-1]

    def out_size(self):
        return tuple((i - 1) * s - 2 * p + d * (k - 1) + op + 1
                     for i, k, s, p, op, d in zip(self.size, self.k, self.s, self.p, self.op, self.d))

    def in_shape(self):
        return (self.n, self.cin) + self.size

    def out_shape(self):
        return (self.n, self.cout) + self.out_size()

    def weight_shape(self):
        return (self.cin, self.cout // self.groups) + self.k


class Unsupported(Exception):
    """The engine has no path for this variant (layout or activation)."""


ACTIVATION_DEFAULTS = {"none": (0.0, 0.0), "relu": (0.0, 0.0), "leaky_relu": (0.01, 0.0),
                       "clamp": (0.0, 6.0), "tanh": (0.0, 0.0), "sigmoid": (0.0, 0.0),
                       "elu": (1.0, 0.0), "gelu": (0.0, 0.0)}
# convt.h's CONVT_ACTIVATION_* values.
ACTIVATION_CODES = {"none": 0, "relu": 1, "leaky_relu": 2, "clamp": 3, "tanh": 4, "sigmoid": 5,
                    "elu": 6, "gelu": 7}


def parse_activation(text):
    """"gelu" -> ("gelu", 0.0, 0.0); "clamp:-1:1" -> ("clamp", -1.0, 1.0)."""
    name, *values = text.split(":")
    if name not in ACTIVATION_DEFAULTS or len(values) > 2:
        sys.exit(f"unknown activation {text!r}")
    alpha, beta = ACTIVATION_DEFAULTS[name]
    if values:
        alpha = float(values[0])
    if len(values) > 1:
        beta = float(values[1])
    return name, alpha, beta


def apply_activation_numpy(name, alpha, beta, y):
    """The activation on a float32 numpy array, in float64 (for checks)."""
    import math
    import numpy as np
    v = y.astype(np.float64)
    if name == "relu":
        v = np.maximum(v, 0)
    elif name == "leaky_relu":
        v = np.where(v >= 0, v, alpha * v)
    elif name == "clamp":
        v = np.minimum(np.maximum(v, alpha), beta)
    elif name == "tanh":
        v = np.tanh(v)
    elif name == "sigmoid":
        v = 1 / (1 + np.exp(-v))
    elif name == "elu":
        v = np.where(v > 0, v, alpha * np.expm1(np.minimum(v, 0)))
    elif name == "gelu":
        erf = np.vectorize(math.erf)
        v = 0.5 * v * (1 + erf(v / math.sqrt(2)))
    return v.astype(np.float32)


def to_channels_last(x):
    """(N, C, spatial...) -> (N, spatial..., C), contiguous."""
    import numpy as np
    return np.ascontiguousarray(np.moveaxis(x, 1, -1))


def to_channels_first(y):
    """(N, spatial..., C) -> (N, C, spatial...), contiguous."""
    import numpy as np
    return np.ascontiguousarray(np.moveaxis(y, -1, 1))


def read_suite(path, name_filter):
    layers, file_rank = [], None
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            tok = line.split("#", 1)[0].split()
            if not tok:
                continue
            rank = RANK_OF.get(len(tok))
            if rank is None:
                sys.exit(f"{path}:{lineno}: expected 11 (1-D), 17 (2-D) or 23 (3-D) fields, got {len(tok)}")
            if file_rank is None:
                file_rank = rank
            elif rank != file_rank:
                sys.exit(f"{path}:{lineno}: a {rank}-D line in a {file_rank}-D suite: one rank per file")
            if name_filter in tok[0]:
                layers.append(Layer(tok[0], [int(t) for t in tok[1:]]))
    return layers


def median(values):
    v = sorted(values)
    m = len(v) // 2
    return v[m] if len(v) % 2 else 0.5 * (v[m - 1] + v[m])


def other_threads_running():
    """How many of this process's other threads are running or runnable (state R in
    /proc/self/task/*/stat), or -1 where that cannot be read."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return -1
    me, running = threading.get_native_id(), 0
    for t in tasks:
        if int(t) == me:
            continue
        try:
            with open(f"/proc/self/task/{t}/stat") as f:
                stat = f.read()
        except OSError:  # the thread has exited
            continue
        running += stat[stat.rindex(")") + 2] == "R"
    return running


def quiesce():
    """Waits (up to ~0.5 s) until this process's other threads are idle (none running on two
    checks 0.25 ms apart), so an engine's spinning pool (ONNX Runtime's spins about 30 ms
    after a run) does not take a core from the next burst. Not by time.process_time(): it
    counts a thread running on another core only at scheduler ticks, and a 0.5 ms window of
    it saw ONNX Runtime's spinning pool as idle. Without /proc: < 10 % of a core over 5 ms."""
    start = time.perf_counter()
    if other_threads_running() >= 0:
        quiet = 0
        while quiet < 2 and time.perf_counter() - start < 0.5:
            quiet = quiet + 1 if other_threads_running() == 0 else 0
            time.sleep(0.00025)
        return
    while time.perf_counter() - start < 0.5:
        c0, w0 = time.process_time(), time.perf_counter()
        time.sleep(0.005)
        if time.process_time() - c0 < 0.1 * (time.perf_counter() - w0):
            return


def load_convt(lib_path):
    """The Python binding (examples/python/convt.py) over libconvt at lib_path; loaded once:
    later calls return the same module."""
    if "convt" not in sys.modules:
        os.environ["CONVT_LIBRARY"] = lib_path
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                        "examples", "python"))
    import convt
    return convt


def convt_prepare(lib_path, l, x, w, b, threads):
    """run() for convt AUTO on this layer, through libconvt at lib_path."""
    import ctypes
    import numpy as np
    convt = load_convt(lib_path)
    lib = convt._lib
    p = convt.Params()
    lib.convt_params_init(ctypes.byref(p), ctypes.sizeof(p))
    p.spatial_dims = l.rank
    p.in_channels, p.out_channels, p.groups, p.num_threads = l.cin, l.cout, l.groups, threads
    for field, v in (("kernel_size", l.k), ("stride", l.s), ("padding", l.p),
                     ("output_padding", l.op), ("dilation", l.d)):
        for i, e in enumerate(v):
            getattr(p, field)[i] = e
    p.layout = 1 if l.channels_last else 0
    p.activation = ACTIVATION_CODES[l.activation]
    p.activation_alpha, p.activation_beta = l.alpha, l.beta
    fp = ctypes.POINTER(ctypes.c_float)
    w = np.ascontiguousarray(w, dtype=np.float32)
    bb = None if b is None else np.ascontiguousarray(b, dtype=np.float32)
    h = ctypes.c_void_p()
    status = lib.convt_create(ctypes.byref(p), w.ctypes.data_as(fp),
                              None if bb is None else bb.ctypes.data_as(fp), ctypes.byref(h))
    if status != 0:
        raise RuntimeError(f"convt_create: {lib.convt_last_error().decode()}")
    shape = (ctypes.c_int64 * len(x.shape))(*x.shape)  # (N, C, spatial...) in either layout
    x = np.ascontiguousarray(to_channels_last(x) if l.channels_last else x, dtype=np.float32)
    y = np.empty(l.out_shape(), dtype=np.float32)
    xp, yp = x.ctypes.data_as(fp), y.ctypes.data_as(fp)

    def run():
        if lib.convt_run(h, shape, xp, None, yp, y.size, None, 0) != 0:
            raise RuntimeError(f"convt_run: {lib.convt_last_error().decode()}")

    run.buffers = (x, y, w, bb)  # alive as long as run is (the handle lives to the exit)
    return run


WARM_UP_MS = 5.0  # as convt-bench's kWarmUpMs


def time_bursts(run, runs, burst=5):
    """runs timed calls of run(), in bursts: returns the list of ms. Before them: a wait
    until the process's other threads are idle, then untimed runs for WARM_UP_MS (at least
    one), so the engine's pool is awake and the cores at speed (after a long wait one run
    was not enough, as convt-bench measured)."""
    times = []
    quiesce()
    start = time.perf_counter_ns()
    run()
    while (time.perf_counter_ns() - start) / 1e6 < WARM_UP_MS:
        run()
    for _ in range(min(burst, runs)):
        t0 = time.perf_counter_ns()
        run()
        times.append((time.perf_counter_ns() - t0) / 1e6)
    return times


def emit(*fields):
    print(" ".join(str(f) for f in fields), flush=True)


def main(engine_id, load, prepare, description=""):
    """load(threads, channels_last, activation, alpha, beta) -> version string (raises
    ImportError if the engine is missing, Unsupported if it has no path for the variant);
    prepare(layer, x, w, b, threads) -> (run, result): x is (N, Cin, spatial...) whatever
    the layout; run() does one call, result() returns the (N, Cout, spatial...) float32
    output of the last call as a numpy array."""
    ap = argparse.ArgumentParser(description=f"convt-bench peer: {engine_id}")
    ap.add_argument("--suite", required=True)
    ap.add_argument("--filter", default="")
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--min-ms", type=float, default=100.0,
                    help="time until the timed runs add up to this (at most 60 bursts)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--data", default=None)
    ap.add_argument("--tag", default=engine_id, help="names the output files (DIR/i.TAG.out)")
    ap.add_argument("--convt", default=None, help="libconvt path: also time convt AUTO here")
    ap.add_argument("--layout", choices=("channels-first", "channels-last"), default="channels-first")
    ap.add_argument("--activation", default="none", help="NAME[:A[:B]], as convt-bench's")
    a = ap.parse_args()
    variant = dict(channels_last=a.layout == "channels-last")
    variant["activation"], variant["alpha"], variant["beta"] = parse_activation(a.activation)
    try:
        import numpy as np
        version = load(a.threads, **variant)
    except Exception as e:  # ImportError, or a broken install: convt-bench shows "-"
        emit("unavailable", f"{type(e).__name__}: {e}".replace("\n", " ")[:300])
        sys.exit(3)
    emit("engine", engine_id, str(version).replace(" ", "_"), description(a.threads) if callable(description) else description)
    rng = np.random.default_rng(0)
    for i, l in enumerate(read_suite(a.suite, a.filter)):
        l.__dict__.update(variant)
        try:
            if a.data:
                base = os.path.join(a.data, str(i))
                x = np.fromfile(base + ".x", dtype="<f4").reshape(l.in_shape())
                w = np.fromfile(base + ".w", dtype="<f4").reshape(l.weight_shape())
                b = np.fromfile(base + ".b", dtype="<f4") if os.path.exists(base + ".b") else None
            else:
                x = rng.uniform(-1, 1, l.in_shape()).astype(np.float32)
                w = rng.uniform(-1, 1, l.weight_shape()).astype(np.float32)
                b = rng.uniform(-1, 1, (l.cout,)).astype(np.float32)
            run, result = prepare(l, x, w, b, a.threads)
            convt_run = convt_prepare(a.convt, l, x, w, b, a.threads) if a.convt else None
            for _ in range(a.warmup):
                run()
                if convt_run:
                    convt_run()
            # Rounds of bursts, the engine's then convt's (interleaved, as convt-bench times
            # its in-process engines), until each has --runs runs adding up to --min-ms.
            times, convt_times = [], []
            timed = [(run, times)] + ([(convt_run, convt_times)] if convt_run else [])
            for _ in range(60):
                if all(len(t) >= a.runs and sum(t) >= a.min_ms for _, t in timed):
                    break
                for r, t in timed:
                    t += time_bursts(r, max(a.runs - len(t), 5))
            if a.data:
                y = np.ascontiguousarray(result(), dtype=np.float32)
                expect = l.out_shape()
                if tuple(y.shape) != expect:
                    raise RuntimeError(f"output shape {tuple(y.shape)}, expected {expect}")
                y.astype("<f4").tofile(os.path.join(a.data, f"{i}.{a.tag}.out"))
            emit("layer", i, l.name, f"{median(times):.6f}",
                 *([f"{median(convt_times):.6f}"] if convt_times else []))
        except Exception as e:
            kind = "unsupported" if isinstance(e, Unsupported) else "error"
            emit(kind, i, l.name, f"{type(e).__name__}: {e}".replace("\n", " ")[:300])
