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
           "ALGORITHM_SUBPIXEL", "ALGORITHM_DEPTHWISE", "ALGORITHM_POINTWISE"]

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

PARAMS_SIZE_V0_1 = 168

_I64x3 = ctypes.c_int64 * 3


class Params(ctypes.Structure):
    """struct convt_params of convt/convt.h, field for field (168 bytes on LP64)."""
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
                 algorithm=ALGORITHM_AUTO, num_threads=0, seed=None, use_numpy=None):
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
        return p

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
            size = size[non_spatial:]
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
        unbatched shape (out_channels, out spatial...) for an unbatched one."""
        in_shape, unbatched = self._input_shape(input_shape, "output_shape")
        request = self._request(output_size, len(input_shape))
        h = self._handle()
        try:
            out = (ctypes.c_int64 * len(in_shape))()
            _check("convt_output_shape",
                   _lib.convt_output_shape(h, (ctypes.c_int64 * len(in_shape))(*in_shape),
                                           request, out))
            return tuple(out)[1:] if unbatched else tuple(out)
        finally:
            _lib.convt_destroy(h)

    def forward(self, x, output_size=None):
        """conv_transpose{1,2,3}d(x, weight, bias) with this layer's parameters; x is
        (N, C, spatial...) or unbatched (C, spatial...). Returns the same kind as x (numpy
        array or convt.Tensor)."""
        is_tensor = isinstance(x, Tensor)
        shape = x.shape if is_tensor else np.shape(x) if np is not None else None
        if shape is None:
            raise TypeError("x must be a convt.Tensor (numpy is not available)")
        in_shape, unbatched = self._input_shape(shape, f"conv_transpose{self.spatial_dims}d")
        xbuf = self._buffer(x, shape, "input")
        request = self._request(output_size, len(shape))
        h = self._handle()
        try:
            cin = (ctypes.c_int64 * len(in_shape))(*in_shape)
            out = (ctypes.c_int64 * len(in_shape))()
            _check("convt_output_shape", _lib.convt_output_shape(h, cin, request, out))
            out_shape = tuple(out)
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
            _check("convt_selected_algorithm",
                   _lib.convt_selected_algorithm(h, (ctypes.c_int64 * len(in_shape))(*in_shape),
                                                 request, ctypes.byref(a)))
            return _lib.convt_algorithm_name(a.value).decode()
        finally:
            _lib.convt_destroy(h)

    def __repr__(self):
        return (f"{type(self).__name__}({self.in_channels}, {self.out_channels}, "
                f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, output_padding={self.output_padding}, "
                f"dilation={self.dilation}, groups={self.groups}, bias={self.bias is not None})")


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
