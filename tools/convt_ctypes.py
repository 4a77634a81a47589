"""libconvt through ctypes, as the cross-checks need it (one copy for tools/crosscheck_torch.py
and tools/crosscheck_onnx.py): the 0.4 convt_params (216 bytes), the library's signatures, and
one layer's run with the checks every cross-check makes of a rejection (convt_run rejects what
convt_output_shape rejects, with the same status, and writes nothing).

A layer is any object with these fields (per spatial dimension, sequences of `rank` entries
in PyTorch's order ((L); (H, W); (D, H, W))): rank, n, cin, cout, xc (the input tensor's
channels), inp, k, s, p, op, d, groups, bias, threads; and optionally pe (padding_end), kind
(CONVT_PADDING_*), act (CONVT_ACTIVATION_*), alpha, beta. Missing optional fields take
convt_params_init's defaults.
"""

import ctypes

import numpy as np

CONVT_OK = 0
CONVT_ERROR_INVALID_ARGUMENT = 1
CONVT_ERROR_UNSUPPORTED = 2

PADDING_SYMMETRIC, PADDING_EXPLICIT, PADDING_SAME_UPPER, PADDING_SAME_LOWER, PADDING_VALID = range(5)
PADDING_NAMES = ("symmetric", "explicit", "same_upper", "same_lower", "valid")
LAYOUT_CHANNELS_FIRST, LAYOUT_CHANNELS_LAST = 0, 1
ACT_NONE, ACT_RELU, ACT_LEAKY_RELU, ACT_CLAMP, ACT_TANH, ACT_SIGMOID, ACT_ELU, ACT_GELU = range(8)
ACTIVATION_NAMES = ("none", "relu", "leaky_relu", "clamp", "tanh", "sigmoid", "elu", "gelu")

CONVT_PARAMS_SIZE_V0_1 = 168
CONVT_PARAMS_SIZE_V0_2 = 216

I64x3 = ctypes.c_int64 * 3


class ConvtParams(ctypes.Structure):
    """struct convt_params of include/convt/convt.h, field for field (0.4: 216 bytes)."""
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
        # since 0.4.0
        ("padding_end", I64x3),
        ("padding_kind", ctypes.c_int32),
        ("layout", ctypes.c_int32),
        ("activation", ctypes.c_int32),
        ("activation_alpha", ctypes.c_float),
        ("activation_beta", ctypes.c_float),
    ]


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
        "convt_cpu_isa": (ctypes.c_char_p, []),
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


def layout_problem(lib):
    """None if this ctypes struct matches the library (its size and convt_params_init's
    defaults in every field), else what is wrong."""
    if ctypes.sizeof(ConvtParams) != CONVT_PARAMS_SIZE_V0_2:
        return (f"ctypes convt_params is {ctypes.sizeof(ConvtParams)} bytes, the header says "
                f"{CONVT_PARAMS_SIZE_V0_2}")
    p = ConvtParams()
    ctypes.memset(ctypes.byref(p), 0x5A, ctypes.sizeof(p))
    lib.convt_params_init(ctypes.byref(p), ctypes.sizeof(p))
    got = (p.struct_size, p.spatial_dims, p.algorithm, list(p.stride), list(p.padding),
           list(p.output_padding), list(p.dilation), p.groups, p.num_threads,
           list(p.padding_end), p.padding_kind, p.layout, p.activation, p.activation_alpha,
           p.activation_beta)
    want = (CONVT_PARAMS_SIZE_V0_2, 2, 0, [1] * 3, [0] * 3, [0] * 3, [1] * 3, 1, 0, [0] * 3,
            PADDING_SYMMETRIC, LAYOUT_CHANNELS_FIRST, ACT_NONE, 0.0, 0.0)
    if got != want:
        return (f"convt_params_init wrote {got}, expected {want}: the ctypes struct does not "
                "match the library")
    return None


def algorithms(lib):
    """Every algorithm value the library knows, AUTO (0) first."""
    out = []
    while lib.convt_algorithm_name(len(out)).decode() != "unknown":
        out.append(len(out))
    return out


def params_of(lib, c, algorithm, layout):
    p = ConvtParams()
    lib.convt_params_init(ctypes.byref(p), ctypes.sizeof(p))
    p.spatial_dims = c.rank
    p.algorithm, p.num_threads = algorithm, c.threads
    p.in_channels, p.out_channels, p.groups = c.cin, c.cout, c.groups
    fields = [("kernel_size", c.k), ("stride", c.s), ("padding", c.p),
              ("output_padding", c.op), ("dilation", c.d)]
    if getattr(c, "pe", None) is not None:
        fields.append(("padding_end", c.pe))
    for field, values in fields:
        arr = getattr(p, field)
        for i, v in enumerate(values):
            arr[i] = v
    p.padding_kind = getattr(c, "kind", PADDING_SYMMETRIC)
    p.layout = layout
    p.activation = getattr(c, "act", ACT_NONE)
    p.activation_alpha = getattr(c, "alpha", 0.0)
    p.activation_beta = getattr(c, "beta", 0.0)
    return p


def capacity_bound(c):
    """Floats enough for any output this layer could have under any padding kind, so that a
    rejection is never just "output_capacity too small"."""
    cap = max(c.n, 1) * max(c.cout, 1)
    osize = getattr(c, "osize", None)
    for j in range(c.rank):
        full = (c.inp[j] - 1) * c.s[j] + c.d[j] * (c.k[j] - 1) + max(c.op[j], 0) + 1
        v = full + 2 * abs(c.p[j]) + max(c.s[j], 1)
        cap *= max(v, osize[j] if osize is not None else 1, 1)
    return cap


def run(lib, c, algorithm, x, wt, b, osize, layout=LAYOUT_CHANNELS_FIRST):
    """One layer's convt_create, convt_output_shape and convt_run.

    x is the input in the run's layout ((N, C, spatial...) or (N, spatial..., C)); osize the
    output_size request (rank entries) or None. Returns (stage, status, message, shape,
    output): stage 'create', 'run' or 'ok'; shape convt_output_shape's (N, C, spatial...);
    output in the run's layout."""
    p = params_of(lib, c, algorithm, layout)
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
        req = (ctypes.c_int64 * c.rank)(*osize) if osize is not None else None
        shape = (ctypes.c_int64 * dims)(*([-7] * dims))
        st = lib.convt_output_shape(handle, in_shape, req, shape)
        if st != CONVT_OK:
            msg = lib.convt_last_error().decode()
            # convt_run must reject it the same way, without writing anything.
            guard = np.full(capacity_bound(c), -3.0, np.float32)
            xs = np.ascontiguousarray(x if x.size else np.zeros(1, np.float32), dtype=np.float32)
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
        stored = shp if layout == LAYOUT_CHANNELS_FIRST else (shp[0],) + shp[2:] + (shp[1],)
        return "ok", CONVT_OK, "", shp, out[:count].reshape(stored)
    finally:
        lib.convt_destroy(handle)


def to_channels_last(a):
    """(N, C, spatial...) -> (N, spatial..., C), C-contiguous."""
    return np.ascontiguousarray(np.moveaxis(a, 1, -1))


def to_channels_first(a):
    """(N, spatial..., C) -> (N, C, spatial...), C-contiguous."""
    return np.ascontiguousarray(np.moveaxis(a, -1, 1))
