#!/usr/bin/python3
"""Tests of the ctypes example (convt.py): the 1-D, 2-D and 3-D seed layers against the
golden values and the library's REFERENCE algorithm, always (with numpy and without);
against PyTorch when `import torch` works (Debian's /usr/bin/python3 has python3-torch):
values, shapes, and which layers and inputs both accept or both reject, for each rank.

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
        self.assertEqual(ctypes.sizeof(convt.Params), convt.PARAMS_SIZE_V0_1)
        self.assertEqual(ctypes.sizeof(convt.Params), 168)

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


def torch_module(rank):
    return {1: torch.nn.ConvTranspose1d, 2: torch.nn.ConvTranspose2d,
            3: torch.nn.ConvTranspose3d}[rank]


def convt_class(rank):
    return {1: convt.ConvTranspose1d, 2: convt.ConvTranspose2d, 3: convt.ConvTranspose3d}[rank]


@unittest.skipIf(torch is None or np is None, "PyTorch (and numpy) not importable here")
class AgainstPyTorch(unittest.TestCase):
    @staticmethod
    def twin(m):
        """The convt layer of torch module m, with m's weight and bias."""
        rank = len(m.kernel_size)
        layer = convt_class(rank)(
            m.in_channels, m.out_channels, m.kernel_size, stride=m.stride, padding=m.padding,
            output_padding=m.output_padding, groups=m.groups, bias=m.bias is not None,
            dilation=m.dilation)
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
