"""convt from Python through ctypes: torch.nn.ConvTranspose1d/2d/3d-like layers over libconvt.

    import convt
    layer = convt.ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2))
    layer.weight[...] = w          # numpy (16, 33, 3, 5) float32, as PyTorch stores it
    y = layer(x)                   # x: (N, 16, H, W) or unbatched (16, H, W)
    y = layer(x, output_size=[94, 100])

    convt.ConvTranspose1d(16, 33, 5, stride=3)           # x: (N, 16, L) or (16, L)
    convt.ConvTranspose3d(16, 33, (3, 5, 2), stride=2)   # x: (N, 16, D, H, W) or (16, D, H, W)

The constructors and forward(x, output_size=None) take what PyTorch's do: an int or a tuple
of one int per spatial dimension for kernel_size, stride, padding, output_padding and
dilation; output_size with one entry per spatial dimension (or the full output shape).

Since library 0.4 they also take (keyword arguments; each a name or the C constant):

    padding_kind="same_upper"    # "symmetric" (PyTorch's, the default), "explicit",
                                 # "same_upper", "same_lower", "valid": ONNX's rules
    padding_end=(2, 0)           # "explicit" only: zeros trimmed at the end (ONNX pads'
                                 # second half; padding is the first)
    layout="channels_last"       # x and y are (N, spatial..., C): NLC, NHWC, NDHWC
    activation="leaky_relu", activation_alpha=0.2    # applied after the bias, in the run:
                                 # "relu", "leaky_relu" (alpha: slope), "clamp" (alpha: min,
                                 # beta: max), "tanh", "sigmoid", "elu" (alpha), "gelu"

activation_alpha and activation_beta default to 0, as in convt_params (not PyTorch's 0.01
LeakyReLU slope or ELU alpha 1: pass those). Under layout="channels_last" inputs, outputs,
output_shape() and a full-shape output_size are in that order, (N, spatial..., C) or
unbatched (spatial..., C); the weight keeps PyTorch's layout. Values the library does not
know (an int out of range, a NaN alpha, a clamp with min > max) raise ConvtError with its
message; names this module does not know raise ValueError.

numpy is optional. Without it (or with convt.Tensor inputs) tensors are convt.Tensor: flat
float32 data (array.array('f')) in row-major, channels-first order plus a shape.

The library is found, in this order: the CONVT_LIBRARY environment variable (a path),
`pkg-config --variable=libdir convt` (so PKG_CONFIG_PATH selects an installation),
ctypes.util.find_library("convt"), then plain "libconvt.so.0".

Errors raise convt.ConvtError (a RuntimeError) with .status and the library's message
(convt_last_error(), read right after the failing call on the same thread: ctypes calls
run on the calling Python thread); arguments of the wrong length or kind raise ValueError or
TypeError before the library is called, as PyTorch's would.
"""

import array
import ctypes
import ctypes.util
import math
import numbers
import os
import random
import shutil
import subprocess

try:
    import numpy as np
except ImportError:  # numpy is optional
    np = None

__all__ = ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "ConvtError", "Tensor", "library_path", "version",
           "ALGORITHM_AUTO", "ALGORITHM_GEMM_COL2IM", "ALGORITHM_REFERENCE",
           "ALGORITHM_SUBPIXEL", "ALGORITHM_DEPTHWISE", "ALGORITHM_POINTWISE",
           "PADDING_SYMMETRIC", "PADDING_EXPLICIT", "PADDING_SAME_UPPER", "PADDING_SAME_LOWER",
           "PADDING_VALID", "LAYOUT_CHANNELS_FIRST", "LAYOUT_CHANNELS_LAST",
           "ACTIVATION_NONE", "ACTIVATION_RELU", "ACTIVATION_LEAKY_RELU", "ACTIVATION_CLAMP",
           "ACTIVATION_TANH", "ACTIVATION_SIGMOID", "ACTIVATION_ELU", "ACTIVATION_GELU"]

OK = 0
ERROR_INVALID_ARGUMENT = 1
ERROR_UNSUPPORTED = 2
ERROR_OUT_OF_MEMORY = 3
ERROR_SIZE_OVERFLOW = 4
ERROR_INTERNAL = 5

ALGORITHM_AUTO = 0
ALGORITHM_GEMM_COL2IM = 1
ALGORITHM_REFERENCE = 2
ALGORITHM_SUBPIXEL = 3
ALGORITHM_DEPTHWISE = 4
ALGORITHM_POINTWISE = 5

# convt_params.padding_kind, .layout and .activation (CONVT_PADDING_*, ...).
PADDING_SYMMETRIC = 0
PADDING_EXPLICIT = 1
PADDING_SAME_UPPER = 2
PADDING_SAME_LOWER = 3
PADDING_VALID = 4

LAYOUT_CHANNELS_FIRST = 0
LAYOUT_CHANNELS_LAST = 1

ACTIVATION_NONE = 0
ACTIVATION_RELU = 1
ACTIVATION_LEAKY_RELU = 2
ACTIVATION_CLAMP = 3
ACTIVATION_TANH = 4
ACTIVATION_SIGMOID = 5
ACTIVATION_ELU = 6
ACTIVATION_GELU = 7

_PADDING_KINDS = {"symmetric": PADDING_SYMMETRIC, "explicit": PADDING_EXPLICIT,
                  "same_upper": PADDING_SAME_UPPER, "same_lower": PADDING_SAME_LOWER,
                  "valid": PADDING_VALID}
_LAYOUTS = {"channels_first": LAYOUT_CHANNELS_FIRST, "channels_last": LAYOUT_CHANNELS_LAST}
_ACTIVATIONS = {"none": ACTIVATION_NONE, "relu": ACTIVATION_RELU,
                "leaky_relu": ACTIVATION_LEAKY_RELU, "clamp": ACTIVATION_CLAMP,
                "tanh": ACTIVATION_TANH, "sigmoid": ACTIVATION_SIGMOID, "elu": ACTIVATION_ELU,
                "gelu": ACTIVATION_GELU}

PARAMS_SIZE_V0_1 = 168  # sizeof(convt_params) of library 0.1 to 0.3
PARAMS_SIZE_V0_2 = 216  # since library 0.4: padding_end .. activation_beta appended

_I64x3 = ctypes.c_int64 * 3


class Params(ctypes.Structure):
    """struct convt_params of convt/convt.h, field for field (216 bytes on LP64: the 0.1
    struct's 168, of which the last 4 were padding, then the fields of library 0.4)."""
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("spatial_dims", ctypes.c_int32),
        ("algorithm", ctypes.c_int32),
        ("in_channels", ctypes.c_int64),
        ("out_channels", ctypes.c_int64),
        ("kernel_size", _I64x3),
        ("stride", _I64x3),
        ("padding", _I64x3),
        ("output_padding", _I64x3),
        ("dilation", _I64x3),
        ("groups", ctypes.c_int64),
        ("num_threads", ctypes.c_int32),
        # Since library 0.4 (CONVT_PARAMS_SIZE_V0_2).
        ("padding_end", _I64x3),
        ("padding_kind", ctypes.c_int32),
        ("layout", ctypes.c_int32),
        ("activation", ctypes.c_int32),
        ("activation_alpha", ctypes.c_float),
        ("activation_beta", ctypes.c_float),
    ]


class ConvtError(RuntimeError):
    """A failed convt call: .status (CONVT_ERROR_*), .status_name and .message."""

    def __init__(self, function, status, message):
        self.function = function
        self.status = status
        self.status_name = _lib.convt_status_string(status).decode()
        self.message = message
        super().__init__(f"{function}: {self.status_name}: {message}")


def _find_library():
    path = os.environ.get("CONVT_LIBRARY")
    if path:
        return path
    if shutil.which("pkg-config"):
        r = subprocess.run(["pkg-config", "--variable=libdir", "convt"],
                           capture_output=True, text=True)
        libdir = r.stdout.strip()
        if r.returncode == 0 and libdir and os.path.exists(os.path.join(libdir, "libconvt.so.0")):
            return os.path.join(libdir, "libconvt.so.0")
    return ctypes.util.find_library("convt") or "libconvt.so.0"


def _load(path):
    lib = ctypes.CDLL(path)
    fp = ctypes.POINTER(ctypes.c_float)
    i64p = ctypes.POINTER(ctypes.c_int64)
    pp = ctypes.POINTER(Params)
    h = ctypes.c_void_p
    for name, res, args in [
        ("convt_version_number", ctypes.c_uint, []),
        ("convt_version_string", ctypes.c_char_p, []),
        ("convt_cpu_isa", ctypes.c_char_p, []),
        ("convt_status_string", ctypes.c_char_p, [ctypes.c_int32]),
        ("convt_last_error", ctypes.c_char_p, []),
        ("convt_algorithm_name", ctypes.c_char_p, [ctypes.c_int32]),
        ("convt_params_init", None, [pp, ctypes.c_size_t]),
        ("convt_create", ctypes.c_int32, [pp, fp, fp, ctypes.POINTER(h)]),
        ("convt_output_shape", ctypes.c_int32, [h, i64p, i64p, i64p]),
        ("convt_run", ctypes.c_int32, [h, i64p, fp, i64p, fp, ctypes.c_size_t,
                                       ctypes.c_void_p, ctypes.c_size_t]),
        ("convt_selected_algorithm", ctypes.c_int32, [h, i64p, i64p,
                                                      ctypes.POINTER(ctypes.c_int32)]),
        ("convt_get_params", ctypes.c_int32, [h, pp, ctypes.c_size_t]),
        ("convt_destroy", None, [h]),
    ]:
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args
    return lib


library_path = _find_library()
_lib = _load(library_path)


def version():
    """The linked library's "major.minor.patch"."""
    return _lib.convt_version_string().decode()


def cpu_isa():
    """The kernel level in use: "avx512", "avx2", "neon" or "baseline" (CONVT_MAX_ISA caps it)."""
    return _lib.convt_cpu_isa().decode()


def _check(function, status):
    if status != OK:
        # Same thread, right after the failing call: this thread's message.
        raise ConvtError(function, status, _lib.convt_last_error().decode())


class Tensor:
    """A minimal float32 tensor for use without numpy: flat row-major data and a shape."""

    def __init__(self, data, shape):
        self.shape = tuple(int(s) for s in shape)
        self.data = data if isinstance(data, array.array) and data.typecode == "f" \
            else array.array("f", data)
        if len(self.data) != math.prod(self.shape):
            raise ValueError(f"{len(self.data)} values for shape {self.shape}")

    @classmethod
    def zeros(cls, shape):
        return cls(array.array("f", bytes(4 * math.prod(shape))), shape)

    def _flat(self, index):
        if len(index) != len(self.shape):
            raise IndexError(f"{len(index)} indices for shape {self.shape}")
        flat = 0
        for i, n in zip(index, self.shape):
            if not -n <= i < n:
                raise IndexError(f"index {index} out of range for shape {self.shape}")
            flat = flat * n + (i % n)
        return flat

    def __getitem__(self, index):
        return self.data[self._flat(index if isinstance(index, tuple) else (index,))]

    def __setitem__(self, index, value):
        self.data[self._flat(index if isinstance(index, tuple) else (index,))] = value

    def __len__(self):
        return self.shape[0]

    def __repr__(self):
        return f"convt.Tensor(shape={self.shape})"


def _ntuple(v, n, name):
    """v as a tuple of n ints: an int (every dimension) or a sequence of exactly n ints."""
    if isinstance(v, numbers.Integral):
        return (int(v),) * n
    v = tuple(v)
    if len(v) != n or not all(isinstance(e, numbers.Integral) for e in v):
        raise ValueError(f"{name} must be an int or a tuple of {n} int{'s' if n > 1 else ''}, "
                         f"got {v}")
    return tuple(int(e) for e in v)


def _choice(v, names, what):
    """A C constant from a name of `names` (any case, "-" for "_") or an int, which is
    passed on as it is: the library rejects the values it does not know, with its message."""
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return int(v)
    if isinstance(v, str) and v.lower().replace("-", "_") in names:
        return names[v.lower().replace("-", "_")]
    raise ValueError(f"{what} must be one of {', '.join(repr(n) for n in names)} or a "
                     f"CONVT_* int, got {v!r}")


def _float_ptr(buf):
    """(pointer, keep-alive) for a contiguous float32 numpy array or array.array('f')."""
    if np is not None and isinstance(buf, np.ndarray):
        return buf.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), buf
    if len(buf) == 0:
        return None, buf
    carr = (ctypes.c_float * len(buf)).from_buffer(buf)
    return ctypes.cast(carr, ctypes.POINTER(ctypes.c_float)), carr


class _ConvTransposeNd:
    """torch.nn.ConvTranspose{1,2,3}d's constructor and forward, computed by libconvt; the
    subclasses set the number of spatial dimensions.

    weight is (in_channels, out_channels // groups, kernel...) and bias (out_channels,) or
    None, as PyTorch stores them: numpy float32 arrays when numpy is importable (and
    use_numpy is not False), convt.Tensor otherwise. They are initialised like PyTorch's
    (uniform in +-1/sqrt(fan_in)) from `seed`, and may be changed or replaced at any time:
    every forward hands the current values to the library (convt_create copies them, so
    the layer holds no library handle between calls).
    """

    spatial_dims = None  # 1, 2 or 3: set by each subclass

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 algorithm=ALGORITHM_AUTO, num_threads=0, seed=None, use_numpy=None, *,
                 padding_kind="symmetric", padding_end=0, layout="channels_first",
                 activation=None, activation_alpha=0.0, activation_beta=0.0):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for '
                             f'{type(self).__name__}')
        rank = self.spatial_dims
        if rank is None:
            raise TypeError("use ConvTranspose1d, ConvTranspose2d or ConvTranspose3d")
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = _ntuple(kernel_size, rank, "kernel_size")
        self.stride = _ntuple(stride, rank, "stride")
        self.padding = _ntuple(padding, rank, "padding")
        self.output_padding = _ntuple(output_padding, rank, "output_padding")
        self.dilation = _ntuple(dilation, rank, "dilation")
        self.groups = int(groups)
        self.padding_kind = _choice(padding_kind, _PADDING_KINDS, "padding_kind")
        self.padding_end = _ntuple(padding_end, rank, "padding_end")
        self.layout = _choice(layout, _LAYOUTS, "layout")
        self.activation = _choice("none" if activation is None else activation, _ACTIVATIONS,
                                  "activation")
        self.activation_alpha = float(activation_alpha)
        self.activation_beta = float(activation_beta)
        self.algorithm = algorithm
        self.num_threads = num_threads
        self.use_numpy = (np is not None) if use_numpy is None else bool(use_numpy)
        if self.use_numpy and np is None:
            raise ImportError("use_numpy=True but numpy cannot be imported")

        cout_g = self.out_channels // self.groups if self.groups > 0 else 0
        wshape = (self.in_channels, cout_g) + self.kernel_size
        if self.groups < 1 or min(wshape) < 1 or self.out_channels % self.groups != 0:
            # No weight can be formed: the parameters are invalid, and convt_create, which
            # validates them before it looks at the weight, says why.
            probe = ctypes.c_void_p()
            _check("convt_create", _lib.convt_create(ctypes.byref(self._params()), None, None,
                                                     ctypes.byref(probe)))
            _lib.convt_destroy(probe)  # not reached: a NULL weight is never accepted
            raise RuntimeError("convt_create accepted parameters without a weight shape")
        fan_in = cout_g * math.prod(self.kernel_size)
        bound = 1.0 / math.sqrt(fan_in)
        rng = random.Random(seed)
        self.weight = self._new([rng.uniform(-bound, bound) for _ in range(math.prod(wshape))],
                                wshape)
        self.bias = self._new([rng.uniform(-bound, bound) for _ in range(self.out_channels)],
                              (self.out_channels,)) if bias else None
        # The library validates the rest (PyTorch's rules and messages) on a first create.
        _lib.convt_destroy(self._handle())

    def _new(self, values, shape):
        if self.use_numpy:
            return np.array(values, dtype=np.float32).reshape(shape)
        return Tensor(values, shape)

    def _params(self):
        p = Params()
        _lib.convt_params_init(ctypes.byref(p), ctypes.sizeof(p))
        p.spatial_dims = self.spatial_dims
        p.in_channels, p.out_channels = self.in_channels, self.out_channels
        for field, v in (("kernel_size", self.kernel_size), ("stride", self.stride),
                         ("padding", self.padding), ("output_padding", self.output_padding),
                         ("dilation", self.dilation)):
            getattr(p, field)[:len(v)] = v
        p.groups = self.groups
        p.algorithm = self.algorithm
        p.num_threads = self.num_threads
        p.padding_end[:len(self.padding_end)] = self.padding_end
        p.padding_kind = self.padding_kind
        p.layout = self.layout
        p.activation = self.activation
        p.activation_alpha = self.activation_alpha
        p.activation_beta = self.activation_beta
        return p

    @property
    def channels_last(self):
        return self.layout == LAYOUT_CHANNELS_LAST

    def _to_c_order(self, shape):
        """A batched shape in this layer's layout as the C API takes it, (N, C, spatial...)."""
        if self.channels_last:
            return (shape[0], shape[-1]) + tuple(shape[1:-1])
        return tuple(shape)

    def _from_c_order(self, shape):
        """(N, C, spatial...) from the C API in this layer's layout."""
        if self.channels_last:
            return (shape[0],) + tuple(shape[2:]) + (shape[1],)
        return tuple(shape)

    def library_params(self):
        """The convt.Params the library holds for this layer (convt_get_params after
        convt_create): what it validated, every field of the 0.4 struct."""
        h = self._handle()
        try:
            p = Params()
            _check("convt_get_params",
                   _lib.convt_get_params(h, ctypes.byref(p), ctypes.sizeof(p)))
            return p
        finally:
            _lib.convt_destroy(h)

    def _buffer(self, t, shape, what):
        """A contiguous float32 buffer of `shape` holding t (numpy array-like or Tensor)."""
        if isinstance(t, Tensor):
            if t.shape != tuple(shape):
                raise ValueError(f"{what} has shape {t.shape}, expected {tuple(shape)}")
            return t.data
        if np is None:
            raise TypeError(f"{what} must be a convt.Tensor (numpy is not available)")
        a = np.ascontiguousarray(t, dtype=np.float32)
        if a.shape != tuple(shape):
            raise ValueError(f"{what} has shape {a.shape}, expected {tuple(shape)}")
        return a

    def _handle(self):
        cout_g = self.out_channels // self.groups
        w = self._buffer(self.weight, (self.in_channels, cout_g) + self.kernel_size, "weight")
        b = None if self.bias is None else self._buffer(self.bias, (self.out_channels,), "bias")
        wp, _w = _float_ptr(w)
        bp, _b = (None, None) if b is None else _float_ptr(b)
        h = ctypes.c_void_p()
        _check("convt_create",
               _lib.convt_create(ctypes.byref(self._params()), wp, bp, ctypes.byref(h)))
        return h

    def _request(self, output_size, input_dims):
        """The C array for output_size (None for none), as PyTorch's _output_padding reads
        it for an input of input_dims dimensions: one entry per spatial dimension, or also
        the leading non-spatial ones, which are ignored."""
        if output_size is None:
            return None
        rank = self.spatial_dims
        size = [int(s) for s in output_size]
        non_spatial = 2 if input_dims == rank + 2 else 1
        if len(size) == non_spatial + rank:
            # The full output shape: channels last, C is its last entry.
            first = non_spatial - 1 if self.channels_last else non_spatial
            size = size[first:first + rank]
        if len(size) != rank:
            raise ValueError(f"ConvTranspose{rank}D: for {input_dims}D input, output_size must "
                             f"have {rank} or {non_spatial + rank} elements (got {len(size)})")
        return (ctypes.c_int64 * rank)(*size)

    def _input_shape(self, shape, function):
        """(the batched (N, C, spatial...) shape, whether `shape` was unbatched)."""
        rank = self.spatial_dims
        shape = tuple(int(s) for s in shape)
        if len(shape) not in (rank + 1, rank + 2):
            raise ValueError(f"Expected {rank + 1}D (unbatched) or {rank + 2}D (batched) input "
                             f"to {function}, but got input of size: {list(shape)}")
        unbatched = len(shape) == rank + 1
        return ((1,) + shape if unbatched else shape), unbatched

    def output_shape(self, input_shape, output_size=None):
        """(N, out_channels, out spatial...) for an (N, C, spatial...) input shape; the
        unbatched shape (out_channels, out spatial...) for an unbatched one. Channels last:
        (N, out spatial..., out_channels) for (N, spatial..., C), or unbatched."""
        in_shape, unbatched = self._input_shape(input_shape, "output_shape")
        request = self._request(output_size, len(input_shape))
        c_in = self._to_c_order(in_shape)
        h = self._handle()
        try:
            out = (ctypes.c_int64 * len(c_in))()
            _check("convt_output_shape",
                   _lib.convt_output_shape(h, (ctypes.c_int64 * len(c_in))(*c_in), request, out))
            out = self._from_c_order(tuple(out))
            return out[1:] if unbatched else out
        finally:
            _lib.convt_destroy(h)

    def forward(self, x, output_size=None):
        """conv_transpose{1,2,3}d(x, weight, bias) with this layer's parameters (and its
        activation); x is (N, C, spatial...) or unbatched (C, spatial...), channels last
        (N, spatial..., C) or (spatial..., C). Returns the same kind as x (numpy array or
        convt.Tensor), in the same layout."""
        is_tensor = isinstance(x, Tensor)
        shape = x.shape if is_tensor else np.shape(x) if np is not None else None
        if shape is None:
            raise TypeError("x must be a convt.Tensor (numpy is not available)")
        in_shape, unbatched = self._input_shape(shape, f"conv_transpose{self.spatial_dims}d")
        xbuf = self._buffer(x, shape, "input")
        request = self._request(output_size, len(shape))
        h = self._handle()
        try:
            cin = (ctypes.c_int64 * len(in_shape))(*self._to_c_order(in_shape))
            out = (ctypes.c_int64 * len(in_shape))()
            _check("convt_output_shape", _lib.convt_output_shape(h, cin, request, out))
            out_shape = self._from_c_order(tuple(out))  # the layout's order, as y is
            if is_tensor:
                y = Tensor.zeros(out_shape)
                ybuf = y.data
            else:
                y = np.empty(out_shape, dtype=np.float32)
                ybuf = y
            xp, _x = _float_ptr(xbuf)
            yp, _y = _float_ptr(ybuf)
            _check("convt_run", _lib.convt_run(h, cin, xp, request, yp, math.prod(out_shape),
                                               None, 0))
        finally:
            _lib.convt_destroy(h)
        if unbatched:
            if is_tensor:
                y = Tensor(y.data, out_shape[1:])
            else:
                y = y.reshape(out_shape[1:])
        return y

    __call__ = forward

    def selected_algorithm(self, input_shape, output_size=None):
        """The algorithm name ("gemm_col2im", "reference", ...) a run of this shape uses."""
        in_shape, _ = self._input_shape(input_shape, "selected_algorithm")
        request = self._request(output_size, len(input_shape))
        h = self._handle()
        try:
            a = ctypes.c_int32()
            c_in = self._to_c_order(in_shape)
            _check("convt_selected_algorithm",
                   _lib.convt_selected_algorithm(h, (ctypes.c_int64 * len(c_in))(*c_in),
                                                 request, ctypes.byref(a)))
            return _lib.convt_algorithm_name(a.value).decode()
        finally:
            _lib.convt_destroy(h)

    def __repr__(self):
        extra = ""
        if self.padding_kind != PADDING_SYMMETRIC:
            extra += f", padding_kind={_name(_PADDING_KINDS, self.padding_kind)!r}"
        if self.padding_kind == PADDING_EXPLICIT:
            extra += f", padding_end={self.padding_end}"
        if self.layout != LAYOUT_CHANNELS_FIRST:
            extra += f", layout={_name(_LAYOUTS, self.layout)!r}"
        if self.activation != ACTIVATION_NONE:
            extra += (f", activation={_name(_ACTIVATIONS, self.activation)!r}, "
                      f"activation_alpha={self.activation_alpha}, "
                      f"activation_beta={self.activation_beta}")
        return (f"{type(self).__name__}({self.in_channels}, {self.out_channels}, "
                f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, output_padding={self.output_padding}, "
                f"dilation={self.dilation}, groups={self.groups}, bias={self.bias is not None}"
                f"{extra})")


def _name(names, value):
    """The name of a C constant in `names`, or the int itself."""
    return next((n for n, v in names.items() if v == value), value)


class ConvTranspose1d(_ConvTransposeNd):
    """torch.nn.ConvTranspose1d: input (N, C, L) or (C, L), weight (in, out/groups, kL)."""
    spatial_dims = 1


class ConvTranspose2d(_ConvTransposeNd):
    """torch.nn.ConvTranspose2d: input (N, C, H, W) or (C, H, W), weight (in, out/groups,
    kH, kW)."""
    spatial_dims = 2


class ConvTranspose3d(_ConvTransposeNd):
    """torch.nn.ConvTranspose3d: input (N, C, D, H, W) or (C, D, H, W), weight (in,
    out/groups, kD, kH, kW)."""
    spatial_dims = 3
