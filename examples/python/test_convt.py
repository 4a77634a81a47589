#!/usr/bin/python3
"""Tests of the ctypes example (convt.py): the 1-D, 2-D and 3-D seed layers against the
golden values and the library's REFERENCE algorithm, always (with numpy and without); the
0.4 options (the 216-byte struct, ONNX padding kinds' shapes by formula and values as crops
of VALID's, channels last against the permuted channels-first result, activations against
numpy after a plain run, bad values and the library's messages); against PyTorch when
`import torch` works (Debian's /usr/bin/python3 has python3-torch): values, shapes,
activations and channels last, and which layers and inputs both accept or both reject.

    PKG_CONFIG_PATH=<prefix>/lib/pkgconfig /usr/bin/python3 examples/python/test_convt.py

CONVT_EXPECT_PREFIX=<dir>: also check that the library loaded lies under <dir>.
CONVT_TEST_NO_NUMPY=1: hide numpy (and so PyTorch) from the module and the tests.
"""
import ctypes
import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
if os.environ.get("CONVT_TEST_NO_NUMPY") == "1":
    sys.modules["numpy"] = None  # import numpy now fails: the module's numpy-free path
import convt  # noqa: E402

try:
    import numpy as np
except ImportError:
    np = None
try:
    import torch
except Exception:  # noqa: BLE001 - any failure means "no PyTorch here"
    torch = None

# The seed layers, on a batch of 2 with 16 input and 33 output channels and, over each
# tensor's flat row-major index i,
#   x[i] = ((i*7) % 13 - 6)/8,  w[i] = ((i*5) % 11 - 5)/16,  bias[c] = (c%3 - 1)/4.
# Golden values made with PyTorch 1.13 (Debian python3-torch) by examples/golden.py:
#   /usr/bin/python3 examples/golden.py
# They are exact (multiples of 1/128, exact float32 sums; squares summed exactly in float64).
CIN, COUT = 16, 33
SEEDS = {
    2: dict(cls=convt.ConvTranspose2d, kernel=(3, 5), kwargs=dict(stride=(2, 1), padding=(4, 2)),
            in_shape=(2, 16, 50, 100), out_shape=(2, 33, 93, 100),
            golden={0: -0.1796875, 613799: 0.3125, 469650: 0.046875, 47520: 0.6875},
            sum_squares=87082.0693359375,
            output_size=[94, 100], requested_shape=(2, 33, 94, 100),
            requested_sum_squares=87695.34753417969),
    1: dict(cls=convt.ConvTranspose1d, kernel=(5,), kwargs=dict(stride=3, padding=2, dilation=2),
            in_shape=(2, 16, 100), out_shape=(2, 33, 302),
            golden={1: -0.1328125, 19931: -0.03125, 15250: 0.4375, 1587: 0.34375},
            sum_squares=1542.5257568359375,
            output_size=[304], requested_shape=(2, 33, 304),
            requested_sum_squares=1552.5576171875),
    3: dict(cls=convt.ConvTranspose3d, kernel=(3, 5, 2),
            kwargs=dict(stride=(2, 1, 3), padding=(1, 2, 0)),
            in_shape=(2, 16, 6, 10, 12), out_shape=(2, 33, 11, 10, 35),
            golden={0: -0.171875, 254099: 0.328125, 194407: 0.25, 20565: 0.25},
            sum_squares=16752.239990234375,
            output_size=[12, 10, 37], requested_shape=(2, 33, 12, 10, 37),
            requested_sum_squares=18785.483642578125),
}
TOLERANCE = 1e-4  # |AUTO - REFERENCE| per element, as examples/c/seed_layer.c


def x_values(seed):
    return [((i * 7) % 13 - 6) / 8 for i in range(math.prod(seed["in_shape"]))]


def w_values(seed):
    return [((i * 5) % 11 - 5) / 16 for i in range(CIN * COUT * math.prod(seed["kernel"]))]


def b_values():
    return [(c % 3 - 1) / 4 for c in range(COUT)]


def seed_layer(rank, algorithm, use_numpy):
    seed = SEEDS[rank]
    layer = seed["cls"](CIN, COUT, seed["kernel"], algorithm=algorithm, use_numpy=use_numpy,
                        **seed["kwargs"])
    if use_numpy:
        layer.weight[...] = np.array(w_values(seed), dtype=np.float32).reshape(layer.weight.shape)
        layer.bias[...] = np.array(b_values(), dtype=np.float32)
    else:
        layer.weight = convt.Tensor(w_values(seed), layer.weight.shape)
        layer.bias = convt.Tensor(b_values(), (COUT,))
    return layer


def seed_input(rank, use_numpy):
    seed = SEEDS[rank]
    if use_numpy:
        return np.array(x_values(seed), dtype=np.float32).reshape(seed["in_shape"])
    return convt.Tensor(x_values(seed), seed["in_shape"])


def flat(y):
    return y.data if isinstance(y, convt.Tensor) else y.reshape(-1)


def sum_squares(y):
    return math.fsum(float(v) * float(v) for v in flat(y))


class Library(unittest.TestCase):
    def test_struct_size(self):
        # The 0.4 layout: 0.1's 168 bytes (4 of them trailing padding), then the new fields.
        self.assertEqual(ctypes.sizeof(convt.Params), convt.PARAMS_SIZE_V0_2)
        self.assertEqual(ctypes.sizeof(convt.Params), 216)
        self.assertEqual(convt.PARAMS_SIZE_V0_1, 168)
        offsets = {name: getattr(convt.Params, name).offset for name, _ in convt.Params._fields_}
        self.assertEqual(offsets["num_threads"], 160)
        self.assertEqual((offsets["padding_end"], offsets["padding_kind"], offsets["layout"],
                          offsets["activation"], offsets["activation_alpha"],
                          offsets["activation_beta"]), (168, 192, 196, 200, 204, 208))

    def test_params_init_defaults(self):
        p = convt.Params()
        ctypes.memset(ctypes.byref(p), 0x5A, ctypes.sizeof(p))  # init must write every field
        convt._lib.convt_params_init(ctypes.byref(p), ctypes.sizeof(p))
        self.assertEqual(p.struct_size, 216)
        self.assertEqual(tuple(p.padding_end), (0, 0, 0))
        self.assertEqual((p.padding_kind, p.layout, p.activation),
                         (convt.PADDING_SYMMETRIC, convt.LAYOUT_CHANNELS_FIRST,
                          convt.ACTIVATION_NONE))
        self.assertEqual((p.activation_alpha, p.activation_beta), (0.0, 0.0))

    def test_version(self):
        self.assertTrue(convt.version().startswith("0."), convt.version())
        self.assertIn(convt.cpu_isa(), ("avx512", "avx2", "neon", "baseline"))

    def test_loaded_from_expected_prefix(self):
        prefix = os.environ.get("CONVT_EXPECT_PREFIX")
        if not prefix:
            self.skipTest("CONVT_EXPECT_PREFIX not set")
        path = os.path.realpath(convt.library_path)
        self.assertTrue(path.startswith(os.path.realpath(prefix)), path)


class SeedLayers(unittest.TestCase):
    def check(self, rank, use_numpy):
        seed = SEEDS[rank]
        ref = seed_layer(rank, convt.ALGORITHM_REFERENCE, use_numpy)
        auto = seed_layer(rank, convt.ALGORITHM_AUTO, use_numpy)
        x = seed_input(rank, use_numpy)
        self.assertEqual(ref.output_shape(seed["in_shape"]), seed["out_shape"])
        y_ref, y = ref(x), auto(x)
        self.assertEqual(tuple(y_ref.shape), seed["out_shape"])
        self.assertEqual(tuple(y.shape), seed["out_shape"])
        fr, fa = flat(y_ref), flat(y)
        for i, v in seed["golden"].items():
            self.assertEqual(fr[i], v, f"reference output[{i}]")
        self.assertEqual(sum_squares(y_ref), seed["sum_squares"])
        if use_numpy:
            max_diff = float(np.max(np.abs(fa - fr)))
        else:
            max_diff = max(abs(a - b) for a, b in zip(fa, fr))
        self.assertLessEqual(max_diff, TOLERANCE)
        # output_size (PyTorch's forward(input, output_size)), also as the full shape.
        for request in (seed["output_size"], seed["requested_shape"]):
            y_req = ref(x, output_size=request)
            self.assertEqual(tuple(y_req.shape), seed["requested_shape"])
            self.assertEqual(sum_squares(y_req), seed["requested_sum_squares"])
        print(f"\n  {rank}-D seed layer ({'numpy' if use_numpy else 'convt.Tensor'}): "
              f"{auto.selected_algorithm(seed['in_shape'])} vs reference max diff "
              f"{max_diff:.3g}", file=sys.stderr)

    def test_without_numpy(self):
        for rank in (1, 2, 3):
            with self.subTest(rank=rank):
                self.check(rank, use_numpy=False)

    @unittest.skipIf(np is None, "numpy is not available")
    def test_with_numpy(self):
        for rank in (1, 2, 3):
            with self.subTest(rank=rank):
                self.check(rank, use_numpy=True)

    def test_unbatched(self):
        for rank in (1, 2, 3):
            with self.subTest(rank=rank):
                seed = SEEDS[rank]
                layer = seed_layer(rank, convt.ALGORITHM_REFERENCE, use_numpy=False)
                one = seed["in_shape"][1:]
                x = convt.Tensor(x_values(seed)[:math.prod(one)], one)
                y = layer(x)
                self.assertEqual(y.shape, seed["out_shape"][1:])
                self.assertEqual(layer.output_shape(one), seed["out_shape"][1:])
                first = min(seed["golden"])  # an entry of batch item 0
                self.assertEqual(y.data[first], seed["golden"][first])
                # output_size: the spatial sizes, or the unbatched output shape.
                requested = seed["requested_shape"]
                self.assertEqual(layer(x, output_size=requested[1:]).shape, requested[1:])
                self.assertEqual(layer(x, output_size=seed["output_size"]).shape, requested[1:])


class Errors(unittest.TestCase):
    def test_output_padding_too_big(self):
        layer = convt.ConvTranspose2d(4, 4, 3, stride=2, output_padding=2, use_numpy=False)
        with self.assertRaises(convt.ConvtError) as cm:
            layer(convt.Tensor.zeros((1, 4, 5, 5)))
        self.assertEqual(cm.exception.status, convt.ERROR_INVALID_ARGUMENT)
        self.assertIn("output padding must be smaller than either stride or dilation",
                      cm.exception.message)

    def test_output_padding_names_the_dimensions(self):
        layer = convt.ConvTranspose3d(2, 2, 3, stride=(1, 2, 2), output_padding=(1, 0, 0),
                                      use_numpy=False)
        with self.assertRaises(convt.ConvtError) as cm:
            layer(convt.Tensor.zeros((2, 3, 3, 3)))
        self.assertIn("output_padding_depth: 1 output_padding_height: 0", cm.exception.message)
        layer = convt.ConvTranspose1d(2, 2, 3, stride=2, output_padding=2, use_numpy=False)
        with self.assertRaises(convt.ConvtError) as cm:
            layer(convt.Tensor.zeros((2, 5)))
        self.assertIn("output_padding_width: 2 stride_width: 2", cm.exception.message)

    def test_groups_must_divide(self):
        for cls in (convt.ConvTranspose1d, convt.ConvTranspose2d, convt.ConvTranspose3d):
            with self.subTest(cls=cls.__name__), self.assertRaises(convt.ConvtError) as cm:
                cls(5, 4, 3, groups=2, use_numpy=False)
            self.assertEqual(cm.exception.status_name, "CONVT_ERROR_INVALID_ARGUMENT")
            self.assertIn("in_channels must be divisible by groups", cm.exception.message)

    def test_bad_kernel(self):
        with self.assertRaises(convt.ConvtError) as cm:
            convt.ConvTranspose2d(4, 4, 0, use_numpy=False)
        self.assertEqual(cm.exception.status, convt.ERROR_INVALID_ARGUMENT)
        with self.assertRaises(convt.ConvtError) as cm:
            convt.ConvTranspose3d(4, 4, (3, 0, 3), use_numpy=False)
        self.assertIn("kernel_height: 0", cm.exception.message)

    def test_wrong_input_channels(self):
        layer = convt.ConvTranspose2d(4, 4, 3, use_numpy=False)
        with self.assertRaises(convt.ConvtError) as cm:
            layer(convt.Tensor.zeros((1, 3, 5, 5)))
        self.assertEqual(cm.exception.status, convt.ERROR_INVALID_ARGUMENT)

    def test_lengths_that_do_not_fit_the_rank(self):
        with self.assertRaisesRegex(ValueError, "kernel_size must be an int or a tuple of 1 int"):
            convt.ConvTranspose1d(4, 4, (3, 3), use_numpy=False)
        with self.assertRaisesRegex(ValueError, "stride must be an int or a tuple of 3 ints"):
            convt.ConvTranspose3d(4, 4, 3, stride=(2, 2), use_numpy=False)
        layer = convt.ConvTranspose1d(4, 4, 3, use_numpy=False)
        with self.assertRaisesRegex(ValueError, r"Expected 2D \(unbatched\) or 3D \(batched\) "
                                                r"input to conv_transpose1d"):
            layer(convt.Tensor.zeros((1, 4, 5, 5)))
        with self.assertRaisesRegex(ValueError, "output_size must have 1 or 3 elements"):
            layer(convt.Tensor.zeros((1, 4, 5)), output_size=[7, 7])
        layer = convt.ConvTranspose3d(4, 4, 3, use_numpy=False)
        with self.assertRaisesRegex(ValueError, "Expected 4D"):
            layer.output_shape((4, 5, 5))
        with self.assertRaisesRegex(TypeError, "ConvTranspose1d"):
            convt._ConvTransposeNd(4, 4, 3)


def exact_layer(cls, cin, cout, kernel, use_numpy, **kwargs):
    """A layer with the seed data's weight and bias patterns: every product a multiple of
    1/128, so every sum below is exact in float32 and any two runs that add the same terms
    agree bit for bit, in whatever order."""
    layer = cls(cin, cout, kernel, use_numpy=use_numpy, **kwargs)
    n_w = math.prod(layer.weight.shape)
    w = [((i * 5) % 11 - 5) / 16 for i in range(n_w)]
    b = [(c % 3 - 1) / 4 for c in range(cout)]
    if use_numpy:
        layer.weight[...] = np.array(w, dtype=np.float32).reshape(layer.weight.shape)
        if layer.bias is not None:
            layer.bias[...] = np.array(b, dtype=np.float32)
    else:
        layer.weight = convt.Tensor(w, layer.weight.shape)
        if layer.bias is not None:
            layer.bias = convt.Tensor(b, (cout,))
    return layer


def exact_input(shape, use_numpy):
    x = [((i * 7) % 13 - 6) / 8 for i in range(math.prod(shape))]
    return np.array(x, dtype=np.float32).reshape(shape) if use_numpy else convt.Tensor(x, shape)


def onnx_out(n_in, k, s, op, d, kind, begin=0, end=0):
    """One dimension's output size by convt.h's rules (ONNX Runtime's)."""
    full = s * (n_in - 1) + op + d * (k - 1) + 1
    if kind == "explicit":
        return full - begin - end
    if kind in ("same_upper", "same_lower"):
        return full - max(0, full - n_in * s)
    return full  # valid


def to_channels_last(t):
    """A channels-first convt.Tensor (N, C, spatial...) permuted to (N, spatial..., C)."""
    n, c = t.shape[0], t.shape[1]
    pixels = math.prod(t.shape[2:])
    out = [0.0] * len(t.data)
    for b in range(n):
        for ch in range(c):
            src = (b * c + ch) * pixels
            for p in range(pixels):
                out[(b * pixels + p) * c + ch] = t.data[src + p]
    return convt.Tensor(out, (n,) + t.shape[2:] + (c,))


class Params04(unittest.TestCase):
    """The keyword arguments of library 0.4 reach convt_params."""

    def test_every_keyword_reaches_the_library(self):
        layer = convt.ConvTranspose2d(4, 6, (3, 5), stride=(2, 3), padding=(1, 2),
                                      padding_kind="explicit", padding_end=(2, 0),
                                      layout="channels_last", activation="clamp",
                                      activation_alpha=-0.5, activation_beta=0.75,
                                      use_numpy=False)
        p = layer.library_params()
        self.assertEqual(p.struct_size, 216)
        self.assertEqual(p.padding_kind, convt.PADDING_EXPLICIT)
        self.assertEqual(tuple(p.padding[:2]), (1, 2))
        self.assertEqual(tuple(p.padding_end[:2]), (2, 0))
        self.assertEqual(p.layout, convt.LAYOUT_CHANNELS_LAST)
        self.assertEqual(p.activation, convt.ACTIVATION_CLAMP)
        self.assertEqual((p.activation_alpha, p.activation_beta), (-0.5, 0.75))
        self.assertIn("padding_kind='explicit', padding_end=(2, 0), layout='channels_last', "
                      "activation='clamp'", repr(layer))

    def test_names_and_constants(self):
        for name, value in [("symmetric", 0), ("explicit", 1), ("same_upper", 2),
                            ("SAME_LOWER", 3), ("valid", 4), (convt.PADDING_SAME_UPPER, 2)]:
            layer = convt.ConvTranspose1d(2, 2, 3, stride=2, padding_kind=name, use_numpy=False)
            self.assertEqual(layer.library_params().padding_kind, value, name)
        for name, value in [("relu", 1), ("leaky-relu", 2), ("clamp", 3), ("tanh", 4),
                            ("sigmoid", 5), ("elu", 6), ("gelu", 7), (None, 0), ("none", 0),
                            (convt.ACTIVATION_GELU, 7)]:
            layer = convt.ConvTranspose3d(2, 2, 1, activation=name, activation_alpha=0.25,
                                          activation_beta=0.5, use_numpy=False)
            p = layer.library_params()
            self.assertEqual((p.activation, p.activation_alpha, p.activation_beta),
                             (value, 0.25, 0.5), name)
        layer = convt.ConvTranspose1d(2, 2, 3, layout=convt.LAYOUT_CHANNELS_LAST, use_numpy=False)
        self.assertEqual(layer.library_params().layout, 1)
        # One padding_end for every dimension, and nothing past the rank.
        layer = convt.ConvTranspose3d(2, 2, 3, padding_kind="explicit", padding_end=1,
                                      use_numpy=False)
        self.assertEqual(tuple(layer.library_params().padding_end), (1, 1, 1))
        layer = convt.ConvTranspose1d(2, 2, 3, padding_kind="explicit", padding_end=2,
                                      use_numpy=False)
        self.assertEqual(tuple(layer.library_params().padding_end), (2, 0, 0))


class OnnxPadding(unittest.TestCase):
    """ONNX's padding kinds: output shapes by the formulas, values as crops of VALID's."""

    def test_shapes_by_formula(self):
        # (class, kernel, stride, output_padding, dilation, input spatial sizes)
        layers = [(convt.ConvTranspose1d, (4,), (2,), (0,), (1,), (7,)),
                  (convt.ConvTranspose2d, (3, 4), (2, 3), (1, 0), (1, 2), (4, 5)),
                  (convt.ConvTranspose3d, (3, 2, 4), (1, 1, 2), (0, 0, 1), (2, 1, 1), (2, 3, 3))]
        for cls, k, s, op, d, size in layers:
            rank = len(k)
            for kind in ("same_upper", "same_lower", "valid", "explicit"):
                begin, end = (1,) * rank, tuple(range(rank))
                layer = cls(3, 4, k, stride=s, output_padding=op, dilation=d, padding_kind=kind,
                            padding=begin, padding_end=end, use_numpy=False)
                want = tuple(onnx_out(*a, kind, b, e) for a, b, e in
                             zip(zip(size, k, s, op, d), begin, end))
                with self.subTest(layer=repr(layer)):
                    self.assertEqual(layer.output_shape((2, 3) + size), (2, 4) + want)
                    if kind.startswith("same"):  # T > 0 in every dimension here
                        self.assertEqual(want, tuple(n * st for n, st in zip(size, s)))
        # Worked by hand: full = 2*(4-1) + 1 + 1*(3-1) + 1 = 10, and (5-1)*3 + 2*(4-1) + 1 = 19.
        layer = convt.ConvTranspose2d(3, 4, (3, 4), stride=(2, 3), output_padding=(1, 0),
                                      dilation=(1, 2), padding=(1, 2), padding_end=(3, 0),
                                      padding_kind="explicit", use_numpy=False)
        self.assertEqual(layer.output_shape((2, 3, 4, 5)), (2, 4, 6, 17))

    def check_crops(self, use_numpy):
        """Every kind's output is the VALID (untrimmed) output from its begin trim on."""
        cases = [  # class, kernel, stride, output_padding, input shape, explicit pads
            (convt.ConvTranspose1d, (5,), (3,), (1,), (2, 3, 6), ((2,), (3,))),
            (convt.ConvTranspose2d, (3, 4), (2, 3), (1, 0), (1, 3, 4, 5), ((1, 0), (2, 3))),
            (convt.ConvTranspose3d, (3, 3, 3), (2, 1, 2), (0, 0, 1), (1, 3, 2, 3, 3),
             ((0, 1, 2), (1, 1, 0))),
        ]
        for cls, k, s, op, shape, (pb, pe) in cases:
            rank = len(k)
            common = dict(stride=s, output_padding=op)
            valid = exact_layer(cls, 3, 4, k, use_numpy, padding_kind="valid", **common)
            x = exact_input(shape, use_numpy)
            full = valid(x)
            full_sizes = full.shape[2:]
            for kind in ("same_upper", "same_lower", "explicit"):
                layer = exact_layer(cls, 3, 4, k, use_numpy, padding_kind=kind, padding=pb,
                                    padding_end=pe, **common)
                y = layer(x)
                begins = []
                for i in range(rank):
                    t = full_sizes[i] - shape[2 + i] * s[i]
                    begins.append(pb[i] if kind == "explicit" else
                                  t // 2 if kind == "same_upper" else t - t // 2)
                with self.subTest(layer=repr(layer)):
                    self.assertEqual(tuple(y.shape[2:]),
                                     tuple(onnx_out(n, kk, ss, oo, 1, kind, b, e) for
                                           n, kk, ss, oo, b, e in
                                           zip(shape[2:], k, s, op, pb, pe)))
                    if use_numpy:
                        crop = full[(slice(None), slice(None)) + tuple(
                            slice(b, b + n) for b, n in zip(begins, y.shape[2:]))]
                        np.testing.assert_array_equal(y, crop)
                    else:
                        # Spot checks of the flat data at a few positions.
                        for flat in (0, len(y.data) // 3, len(y.data) - 1):
                            idx, rest = [], flat
                            for n in reversed(y.shape):
                                idx.append(rest % n)
                                rest //= n
                            idx = idx[::-1]
                            src = tuple(idx[:2]) + tuple(i + b for i, b in zip(idx[2:], begins))
                            self.assertEqual(y[tuple(idx)], full[src])

    def test_crops_without_numpy(self):
        self.check_crops(use_numpy=False)

    @unittest.skipIf(np is None, "numpy is not available")
    def test_crops_with_numpy(self):
        self.check_crops(use_numpy=True)

    def test_output_size_is_onnx_output_shape(self):
        # VALID, 1-D: full = 2*(4-1) + 3 = 9; sizes 1 .. 2*4 + 3 - 1 = 10. Position 9 of a
        # size-10 output lies past `full`: it holds the bias.
        layer = exact_layer(convt.ConvTranspose1d, 2, 3, 3, False, stride=2,
                            padding_kind="valid")
        x = exact_input((1, 2, 4), False)
        full = layer(x)
        self.assertEqual(full.shape, (1, 3, 9))
        y = layer(x, output_size=[10])
        self.assertEqual(y.shape, (1, 3, 10))
        for c in range(3):
            self.assertEqual([y[0, c, i] for i in range(9)], [full[0, c, i] for i in range(9)])
            self.assertEqual(y[0, c, 9], layer.bias[c])
        # SAME_UPPER asked for 6 of the 9: T = 3, begin 1 (SAME_LOWER: 2).
        for kind, begin in (("same_upper", 1), ("same_lower", 2), ("explicit", 2)):
            layer_k = exact_layer(convt.ConvTranspose1d, 2, 3, 3, False, stride=2,
                                  padding_kind=kind, padding=0, padding_end=0)
            y = layer_k(x, output_size=[6])
            self.assertEqual([y[0, 1, i] for i in range(6)],
                             [full[0, 1, i + begin] for i in range(6)], kind)
        with self.assertRaises(convt.ConvtError) as cm:
            layer(x, output_size=[11])
        self.assertIn("requested an output size of [11], but valid sizes range from [1] to [10]",
                      cm.exception.message)


class ChannelsLast(unittest.TestCase):
    """layout="channels_last": the permuted channels-first result, exactly (exact data)."""

    @unittest.skipIf(np is None, "numpy is not available")
    def test_seed_layers_with_numpy(self):
        for rank in (1, 2, 3):
            seed = SEEDS[rank]
            with self.subTest(rank=rank):
                first = seed_layer(rank, convt.ALGORITHM_AUTO, use_numpy=True)
                last = seed["cls"](CIN, COUT, seed["kernel"], layout="channels_last",
                                   **seed["kwargs"])
                last.weight[...] = first.weight  # PyTorch's weight layout either way
                last.bias[...] = first.bias
                x = seed_input(rank, use_numpy=True)
                x_last = np.ascontiguousarray(np.moveaxis(x, 1, -1))
                y = last(x_last)
                want = np.moveaxis(first(x), 1, -1)
                self.assertEqual(y.shape, want.shape)
                np.testing.assert_array_equal(y, want)
                self.assertEqual(sum_squares(y), seed["sum_squares"])
                out_last = tuple(seed["out_shape"][i] for i in [0] + list(range(2, rank + 2)) + [1])
                self.assertEqual(last.output_shape(x_last.shape), out_last)
                # Unbatched (spatial..., C), and output_size also as the full (N, spatial..., C).
                self.assertEqual(last(x_last[0]).shape, out_last[1:])
                req = seed["requested_shape"]
                req_last = (req[0],) + tuple(req[2:]) + (req[1],)
                y_req = last(x_last, output_size=req_last)
                self.assertEqual(y_req.shape, req_last)
                self.assertEqual(last(x_last, output_size=seed["output_size"]).shape, req_last)
                self.assertEqual(sum_squares(y_req), seed["requested_sum_squares"])
                self.assertEqual(last.output_shape(x_last.shape[1:], output_size=req_last[1:]),
                                 req_last[1:])

    def test_without_numpy(self):
        # The 1-D seed layer (its golden values), and a 3-D grouped one against channels first.
        seed = SEEDS[1]
        first = seed_layer(1, convt.ALGORITHM_REFERENCE, use_numpy=False)
        last = seed["cls"](CIN, COUT, seed["kernel"], layout="channels_last", use_numpy=False,
                           **seed["kwargs"])
        last.weight, last.bias = first.weight, first.bias
        x = seed_input(1, use_numpy=False)
        y = last(to_channels_last(x))
        self.assertEqual(y.shape, (2, 302, 33))
        self.assertEqual(list(y.data), list(to_channels_last(first(x)).data))
        for i, v in seed["golden"].items():  # flat channels-first index -> (n, c, l)
            n, c, l_ = i // (33 * 302), i // 302 % 33, i % 302
            self.assertEqual(y[n, l_, c], v)
        self.assertEqual(sum_squares(y), seed["sum_squares"])

        common = dict(stride=(2, 1, 3), padding=(1, 0, 1), groups=2)
        cf = exact_layer(convt.ConvTranspose3d, 4, 6, (2, 3, 2), False, **common)
        cl = exact_layer(convt.ConvTranspose3d, 4, 6, (2, 3, 2), False, layout="channels_last",
                         **common)
        x = exact_input((2, 4, 3, 2, 4), False)
        self.assertEqual(list(cl(to_channels_last(x)).data), list(to_channels_last(cf(x)).data))


def _erf(a):
    return np.vectorize(math.erf)(a)


# name, alpha, beta, f(y) in float64 numpy (convt.h's definitions).
ACTIVATIONS = [
    ("relu", 0.0, 0.0, lambda y, a, b: np.maximum(y, 0.0)),
    ("leaky_relu", 0.2, 0.0, lambda y, a, b: np.where(y >= 0, y, a * y)),
    ("clamp", -0.3, 0.6, lambda y, a, b: np.minimum(np.maximum(y, a), b)),
    ("tanh", 0.0, 0.0, lambda y, a, b: np.tanh(y)),
    ("sigmoid", 0.0, 0.0, lambda y, a, b: 1.0 / (1.0 + np.exp(-y))),
    ("elu", 0.7, 0.0, lambda y, a, b: np.where(y > 0, y, a * np.expm1(y))),
    ("gelu", 0.0, 0.0, lambda y, a, b: 0.5 * y * (1.0 + _erf(y / math.sqrt(2.0)))),
]


class Activations(unittest.TestCase):
    @unittest.skipIf(np is None, "numpy is not available")
    def test_against_numpy_after_a_plain_run(self):
        rng = np.random.default_rng(7)
        for cls, k, s, shape, layout in [
                (convt.ConvTranspose1d, 4, 2, (2, 5, 9), "channels_first"),
                (convt.ConvTranspose2d, (3, 2), (2, 1), (2, 5, 6, 7), "channels_last"),
                (convt.ConvTranspose3d, 3, 2, (1, 5, 3, 4, 3), "channels_first")]:
            plain = cls(5, 6, k, stride=s, padding=1, seed=3, layout=layout)
            x = rng.uniform(-2, 2, size=shape).astype(np.float32)
            if layout == "channels_last":
                x = np.ascontiguousarray(np.moveaxis(x, 1, -1))
            y = plain(x).astype(np.float64)
            for name, alpha, beta, f in ACTIVATIONS:
                fused = cls(5, 6, k, stride=s, padding=1, seed=3, layout=layout,
                            activation=name, activation_alpha=alpha, activation_beta=beta)
                with self.subTest(layer=repr(fused)):
                    np.testing.assert_array_equal(fused.weight, plain.weight)
                    got = fused(x)
                    want = f(y, alpha, beta)
                    self.assertEqual(got.shape, want.shape)
                    # A few units in the last place of the activation itself; the sums are
                    # the same ones.
                    np.testing.assert_allclose(got, want, rtol=4e-6, atol=1e-7)
                    self.assertGreater(float(np.max(np.abs(got - y))), 1e-3)  # it did act

    def test_exact_ones_without_numpy(self):
        # relu, leaky_relu and clamp are exactly rounded: on exact data, exactly f(plain).
        plain = exact_layer(convt.ConvTranspose2d, 3, 4, (3, 3), False, stride=2)
        x = exact_input((1, 3, 4, 5), False)
        y = plain(x).data
        for name, alpha, beta, f in [("relu", 0, 0, lambda v: max(v, 0.0)),
                                     ("leaky_relu", 0.25, 0, lambda v: v if v >= 0 else 0.25 * v),
                                     ("clamp", -0.5, 0.5, lambda v: min(max(v, -0.5), 0.5))]:
            fused = exact_layer(convt.ConvTranspose2d, 3, 4, (3, 3), False, stride=2,
                                activation=name, activation_alpha=alpha, activation_beta=beta)
            got = fused(x).data
            self.assertEqual(list(got), [f(v) for v in y], name)
            self.assertNotEqual(list(got), list(y), name)


class Errors04(unittest.TestCase):
    """Bad 0.4 values: the library's message (ConvtError), or ValueError for what the module
    itself cannot map."""

    def assertLibraryError(self, text, **kwargs):
        with self.assertRaises(convt.ConvtError) as cm:
            layer = convt.ConvTranspose2d(2, 2, 3, use_numpy=False, **kwargs)
            layer(convt.Tensor.zeros((1, 2, 4, 4)))
        self.assertEqual(cm.exception.status, convt.ERROR_INVALID_ARGUMENT)
        self.assertIn(text, cm.exception.message)

    def test_library_messages(self):
        self.assertLibraryError("padding_kind must be a CONVT_PADDING_* value (SYMMETRIC 0, "
                                "EXPLICIT 1, SAME_UPPER 2, SAME_LOWER 3, VALID 4), but got "
                                "padding_kind: 7", padding_kind=7)
        self.assertLibraryError("layout must be CONVT_LAYOUT_CHANNELS_FIRST (0) or "
                                "CONVT_LAYOUT_CHANNELS_LAST (1), but got layout: 2", layout=2)
        self.assertLibraryError("but got activation: 8", activation=8)
        self.assertLibraryError("CLAMP needs activation_alpha (min) <= activation_beta (max), "
                                "but got activation_alpha: 1 activation_beta: -1",
                                activation="clamp", activation_alpha=1, activation_beta=-1)
        self.assertLibraryError("activation_alpha must be a number for LEAKY_RELU",
                                activation="leaky_relu", activation_alpha=float("nan"))
        self.assertLibraryError("negative padding_end is not supported",
                                padding_kind="explicit", padding_end=(0, -1))
        self.assertLibraryError("output_padding must be >= 0 and smaller than stride under ONNX "
                                "padding (padding_kind SAME_UPPER)", padding_kind="same_upper",
                                stride=2, dilation=3, output_padding=2)
        self.assertLibraryError("Output size is too small (padding_kind EXPLICIT",
                                padding_kind="explicit", padding=3, padding_end=3)

    def test_module_errors(self):
        with self.assertRaisesRegex(ValueError, "padding_kind must be one of 'symmetric', "
                                                "'explicit', 'same_upper'"):
            convt.ConvTranspose2d(2, 2, 3, padding_kind="same", use_numpy=False)
        with self.assertRaisesRegex(ValueError, "activation must be one of"):
            convt.ConvTranspose2d(2, 2, 3, activation="swish", use_numpy=False)
        with self.assertRaisesRegex(ValueError, "layout must be one of"):
            convt.ConvTranspose2d(2, 2, 3, layout=True, use_numpy=False)
        with self.assertRaisesRegex(ValueError, "padding_end must be an int or a tuple of 2 ints"):
            convt.ConvTranspose2d(2, 2, 3, padding_end=(1, 2, 3), use_numpy=False)
        # Channels last, C is the last axis: 3 channels where the layer takes 2.
        layer = convt.ConvTranspose1d(2, 2, 3, layout="channels_last", use_numpy=False)
        with self.assertRaises(convt.ConvtError) as cm:
            layer(convt.Tensor.zeros((1, 5, 3)))
        self.assertIn("to have 2 channels, but got 3 channels", cm.exception.message)
        self.assertEqual(layer(convt.Tensor.zeros((1, 5, 2))).shape, (1, 7, 2))


def torch_module(rank):
    return {1: torch.nn.ConvTranspose1d, 2: torch.nn.ConvTranspose2d,
            3: torch.nn.ConvTranspose3d}[rank]


def convt_class(rank):
    return {1: convt.ConvTranspose1d, 2: convt.ConvTranspose2d, 3: convt.ConvTranspose3d}[rank]


@unittest.skipIf(torch is None or np is None, "PyTorch (and numpy) not importable here")
class AgainstPyTorch(unittest.TestCase):
    @staticmethod
    def twin(m, **kwargs):
        """The convt layer of torch module m, with m's weight and bias (kwargs: the 0.4
        options)."""
        rank = len(m.kernel_size)
        layer = convt_class(rank)(
            m.in_channels, m.out_channels, m.kernel_size, stride=m.stride, padding=m.padding,
            output_padding=m.output_padding, groups=m.groups, bias=m.bias is not None,
            dilation=m.dilation, **kwargs)
        layer.weight[...] = m.weight.detach().numpy()
        if m.bias is not None:
            layer.bias[...] = m.bias.detach().numpy()
        return layer

    def compare(self, m, x, output_size=None):
        with torch.no_grad():
            expected = m(torch.from_numpy(x), output_size=output_size).numpy()
        got = self.twin(m)(x, output_size=output_size)
        self.assertEqual(got.shape, expected.shape)
        # Float sums of the same products in different orders.
        scale = np.max(np.abs(expected)) + 1.0
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5 * scale)

    def test_golden_inputs(self):
        for rank, seed in SEEDS.items():
            with self.subTest(rank=rank):
                m = torch_module(rank)(CIN, COUT, seed["kernel"], **seed["kwargs"])
                with torch.no_grad():
                    m.weight.copy_(torch.tensor(w_values(seed)).reshape(m.weight.shape))
                    m.bias.copy_(torch.tensor(b_values()))
                x = seed_input(rank, use_numpy=True)
                self.compare(m, x)
                self.compare(m, x, output_size=seed["output_size"])

    def test_random_layers(self):
        torch.manual_seed(0)
        rng = np.random.default_rng(0)
        # rank, cin, cout, kernel, stride, padding, output_padding, dilation, groups, bias,
        # input spatial sizes
        for rank, cin, cout, k, s, p, op, d, g, bias, size in [
                (1, 4, 6, 3, 2, 1, 1, 1, 2, True, (9,)),
                (1, 3, 5, 4, 3, 0, 2, 2, 1, False, (6,)),
                (1, 6, 6, 5, 2, 2, 0, 1, 6, True, (11,)),
                (1, 8, 4, 1, 1, 0, 0, 1, 1, True, (7,)),
                (2, 16, 33, (3, 5), (2, 1), (4, 2), (0, 0), (1, 1), 1, True, (50, 100)),
                (2, 4, 6, 3, 2, 1, 1, 1, 2, True, (7, 9)),
                (2, 3, 5, (2, 4), (3, 2), 0, (2, 1), (1, 2), 1, False, (5, 6)),
                (2, 6, 6, 3, 1, 1, 0, 1, 6, True, (8, 8)),
                (2, 8, 4, 1, 1, 0, 0, 1, 1, True, (4, 3)),
                (3, 4, 6, (3, 2, 3), (2, 1, 2), (1, 0, 1), (1, 0, 0), (1, 2, 1), 2, True,
                 (3, 4, 5)),
                (3, 3, 5, 2, (1, 3, 2), 0, (0, 2, 1), 1, 1, False, (4, 3, 2)),
                (3, 4, 4, 3, 2, 1, 0, 1, 4, True, (3, 3, 4)),
                (3, 6, 3, 1, 1, 0, 0, 1, 1, True, (2, 3, 4))]:
            m = torch_module(rank)(cin, cout, k, stride=s, padding=p, output_padding=op,
                                   groups=g, bias=bias, dilation=d)
            x = rng.uniform(-1, 1, size=(2, cin) + size).astype(np.float32)
            with self.subTest(layer=repr(m)):
                self.compare(m, x)
                self.compare(m, x[0])  # unbatched
                # The largest output_size PyTorch accepts: output_padding stride - 1.
                strides = (s,) * rank if isinstance(s, int) else s
                with torch.no_grad():
                    base = m(torch.from_numpy(x), output_size=None).shape[2:]
                most = [n - o + st - 1 for n, o, st in
                        zip(base, m.output_padding, strides)]
                self.compare(m, x, output_size=most)

    def test_activations_and_channels_last(self):
        # Each activation fused, against PyTorch's function after its conv_transpose, and
        # channels last against the permuted result; every rank.
        F = torch.nn.functional
        functions = {"relu": (0, 0, F.relu), "leaky_relu": (0.2, 0, lambda y: F.leaky_relu(y, 0.2)),
                     "clamp": (-0.3, 0.6, lambda y: torch.clamp(y, -0.3, 0.6)),
                     "tanh": (0, 0, torch.tanh), "sigmoid": (0, 0, torch.sigmoid),
                     "elu": (0.7, 0, lambda y: F.elu(y, 0.7)), "gelu": (0, 0, F.gelu)}
        torch.manual_seed(1)
        rng = np.random.default_rng(1)
        for rank, size in ((1, (9,)), (2, (5, 6)), (3, (3, 4, 3))):
            m = torch_module(rank)(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
            x = rng.uniform(-2, 2, size=(2, 4) + size).astype(np.float32)
            with torch.no_grad():
                y = m(torch.from_numpy(x))
            for name, (alpha, beta, f) in functions.items():
                for layout in ("channels_first", "channels_last"):
                    with self.subTest(rank=rank, activation=name, layout=layout):
                        want = f(y).numpy()
                        layer = self.twin(m, activation=name, activation_alpha=alpha,
                                          activation_beta=beta, layout=layout)
                        if layout == "channels_last":
                            got = np.moveaxis(layer(np.moveaxis(x, 1, -1)), -1, 1)
                        else:
                            got = layer(x)
                        self.assertEqual(got.shape, want.shape)
                        np.testing.assert_allclose(got, want, rtol=0,
                                                   atol=1e-5 * (np.max(np.abs(want)) + 1.0))

    def test_accept_and_reject_alike(self):
        # (rank, constructor arguments, input shape, output_size): both must accept (and
        # then agree on the shape) or both reject.
        cases = [
            (1, dict(kernel_size=3, stride=2, output_padding=1), (1, 2, 5), None),
            (1, dict(kernel_size=3, stride=2, output_padding=2), (1, 2, 5), None),
            (1, dict(kernel_size=3, stride=2, output_padding=2, dilation=3), (1, 2, 5), None),
            (1, dict(kernel_size=3, padding=3), (1, 2, 2), None),   # output size below 1
            (1, dict(kernel_size=3, padding=2), (1, 2, 3), None),   # output size 1
            (1, dict(kernel_size=3, stride=3), (1, 2, 4), [14]),    # the largest request
            (1, dict(kernel_size=3, stride=3), (1, 2, 4), [15]),
            (1, dict(kernel_size=3, stride=3), (1, 2, 4), [11]),
            (1, dict(kernel_size=3), (1, 3, 4), None),              # wrong channels
            (1, dict(kernel_size=3, groups=3), (1, 2, 4), None),    # groups do not divide
            (2, dict(kernel_size=(3, 1), stride=(1, 2), output_padding=(0, 1)), (2, 2, 3, 3),
             None),
            (2, dict(kernel_size=3, stride=(1, 2), output_padding=(1, 0)), (2, 2, 3, 3),
             None),
            (2, dict(kernel_size=2, stride=2), (1, 2, 3, 3), [7, 6]),
            (2, dict(kernel_size=2, stride=2), (1, 2, 3, 3), [8, 6]),
            (3, dict(kernel_size=2, stride=(2, 1, 3), output_padding=(1, 0, 2)),
             (1, 2, 2, 3, 4), None),
            (3, dict(kernel_size=2, stride=(2, 1, 3), output_padding=(1, 1, 2)),
             (1, 2, 2, 3, 4), None),
            (3, dict(kernel_size=3, padding=(0, 2, 0)), (1, 2, 2, 2, 2), None),  # H out 0
            (3, dict(kernel_size=3, padding=(0, 2, 0)), (1, 2, 2, 3, 2), None),  # H out 1
            (3, dict(kernel_size=(1, 2, 3), stride=2), (1, 2, 2, 2, 2), [4, 5, 6]),
            (3, dict(kernel_size=(1, 2, 3), stride=2), (1, 2, 2, 2, 2), [4, 5, 7]),
            (3, dict(kernel_size=(1, 2, 3), stride=2), (2, 2, 2, 2), [3, 4, 5]),  # unbatched
            (3, dict(kernel_size=3), (1, 2, 2, 2), None),  # a 4-D input is (C, D, H, W)
            (3, dict(kernel_size=3), (1, 2, 2, 2, 2, 2), None),
        ]
        for rank, kwargs, shape, output_size in cases:
            with self.subTest(rank=rank, kwargs=kwargs, shape=shape, output_size=output_size):
                x = np.ones(shape, dtype=np.float32)
                try:
                    m = torch_module(rank)(2, 2, **kwargs)
                    with torch.no_grad():
                        expected = m(torch.from_numpy(x), output_size=output_size).shape
                except Exception as e:  # noqa: BLE001 - PyTorch raises several kinds
                    expected = f"rejected ({type(e).__name__}: {str(e)[:80]})"
                try:
                    got = convt_class(rank)(2, 2, **kwargs)(x, output_size=output_size).shape
                except (ValueError, convt.ConvtError) as e:
                    got = f"rejected ({type(e).__name__}: {str(e)[:80]})"
                if isinstance(expected, str) or isinstance(got, str):
                    self.assertEqual(isinstance(expected, str), isinstance(got, str),
                                     f"PyTorch: {expected}; convt: {got}")
                else:
                    self.assertEqual(tuple(got), tuple(expected))


if __name__ == "__main__":
    print(f"convt {convt.version()} ({convt.cpu_isa()} kernels) from {convt.library_path}; numpy "
          f"{'yes' if np is not None else 'no'}, torch "
          f"{torch.__version__ if torch is not None else 'no'}", file=sys.stderr)
    unittest.main(verbosity=2)
