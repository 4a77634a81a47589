#!/usr/bin/python3
"""Tests of the ctypes example (convt.py): the seed layer against the golden values and the
library's REFERENCE algorithm, always (with numpy and without); against PyTorch when
`import torch` works (Debian's /usr/bin/python3 has python3-torch).

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

# The seed layer ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2)) on
# N, C, H, W = 2, 16, 50, 100 with, over each tensor's flat row-major index i,
#   x[i] = ((i*7) % 13 - 6)/8,  w[i] = ((i*5) % 11 - 5)/16,  bias[c] = (c%3 - 1)/4.
# Golden values made with PyTorch 1.13 (Debian python3-torch) by examples/golden.py:
#   /usr/bin/python3 examples/golden.py
# They are exact (multiples of 1/128, exact float32 sums; squares summed exactly in float64).
N, CIN, COUT, H, W = 2, 16, 33, 50, 100
OUT_SHAPE = (2, 33, 93, 100)
GOLDEN = {0: -0.1796875, 613799: 0.3125, 469650: 0.046875, 47520: 0.6875}
GOLDEN_SUM_SQUARES = 87082.0693359375
GOLDEN_SUM_SQUARES_94 = 87695.34753417969  # output_size=(94, 100)
TOLERANCE = 1e-4  # |AUTO - REFERENCE| per element, as examples/c/seed_layer.c


def x_values():
    return [((i * 7) % 13 - 6) / 8 for i in range(N * CIN * H * W)]


def w_values():
    return [((i * 5) % 11 - 5) / 16 for i in range(CIN * COUT * 3 * 5)]


def b_values():
    return [(c % 3 - 1) / 4 for c in range(COUT)]


def seed_layer(algorithm, use_numpy):
    layer = convt.ConvTranspose2d(CIN, COUT, (3, 5), stride=(2, 1), padding=(4, 2),
                                  algorithm=algorithm, use_numpy=use_numpy)
    if use_numpy:
        layer.weight[...] = np.array(w_values(), dtype=np.float32).reshape(layer.weight.shape)
        layer.bias[...] = np.array(b_values(), dtype=np.float32)
    else:
        layer.weight = convt.Tensor(w_values(), layer.weight.shape)
        layer.bias = convt.Tensor(b_values(), (COUT,))
    return layer


def flat(y):
    return y.data if isinstance(y, convt.Tensor) else y.reshape(-1)


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


class SeedLayer(unittest.TestCase):
    def check(self, use_numpy):
        ref = seed_layer(convt.ALGORITHM_REFERENCE, use_numpy)
        auto = seed_layer(convt.ALGORITHM_AUTO, use_numpy)
        x = (np.array(x_values(), dtype=np.float32).reshape(N, CIN, H, W) if use_numpy
             else convt.Tensor(x_values(), (N, CIN, H, W)))
        self.assertEqual(ref.output_shape((N, CIN, H, W)), OUT_SHAPE)
        y_ref, y = ref(x), auto(x)
        self.assertEqual(tuple(y_ref.shape), OUT_SHAPE)
        self.assertEqual(tuple(y.shape), OUT_SHAPE)
        fr, fa = flat(y_ref), flat(y)
        for i, v in GOLDEN.items():
            self.assertEqual(fr[i], v, f"reference output[{i}]")
        if use_numpy:
            sum_squares = float(np.sum(fr.astype(np.float64) ** 2))
            max_diff = float(np.max(np.abs(fa - fr)))
        else:
            sum_squares = math.fsum(v * v for v in fr)
            max_diff = max(abs(a - b) for a, b in zip(fa, fr))
        self.assertEqual(sum_squares, GOLDEN_SUM_SQUARES)
        self.assertLessEqual(max_diff, TOLERANCE)
        # output_size: one more row (PyTorch's forward(input, output_size)).
        y94 = ref(x, output_size=[94, 100])
        self.assertEqual(tuple(y94.shape), (2, 33, 94, 100))
        self.assertEqual(math.fsum(float(v) * float(v) for v in flat(y94)),
                         GOLDEN_SUM_SQUARES_94)
        print(f"\n  seed layer ({'numpy' if use_numpy else 'convt.Tensor'}): "
              f"{auto.selected_algorithm((N, CIN, H, W))} vs reference max diff {max_diff:.3g}",
              file=sys.stderr)

    def test_without_numpy(self):
        self.check(use_numpy=False)

    @unittest.skipIf(np is None, "numpy is not available")
    def test_with_numpy(self):
        self.check(use_numpy=True)

    def test_unbatched(self):
        layer = seed_layer(convt.ALGORITHM_REFERENCE, use_numpy=False)
        x = convt.Tensor(x_values()[:CIN * H * W], (CIN, H, W))
        y = layer(x)
        self.assertEqual(y.shape, OUT_SHAPE[1:])
        self.assertEqual(y[0, 0, 0], GOLDEN[0])


class Errors(unittest.TestCase):
    def test_output_padding_too_big(self):
        layer = convt.ConvTranspose2d(4, 4, 3, stride=2, output_padding=2, use_numpy=False)
        with self.assertRaises(convt.ConvtError) as cm:
            layer(convt.Tensor.zeros((1, 4, 5, 5)))
        self.assertEqual(cm.exception.status, convt.ERROR_INVALID_ARGUMENT)
        self.assertIn("output padding must be smaller than either stride or dilation",
                      cm.exception.message)

    def test_groups_must_divide(self):
        with self.assertRaises(convt.ConvtError) as cm:
            convt.ConvTranspose2d(5, 4, 3, groups=2, use_numpy=False)
        self.assertEqual(cm.exception.status_name, "CONVT_ERROR_INVALID_ARGUMENT")
        self.assertTrue(cm.exception.message)

    def test_bad_kernel(self):
        with self.assertRaises(convt.ConvtError) as cm:
            convt.ConvTranspose2d(4, 4, 0, use_numpy=False)
        self.assertEqual(cm.exception.status, convt.ERROR_INVALID_ARGUMENT)

    def test_wrong_input_channels(self):
        layer = convt.ConvTranspose2d(4, 4, 3, use_numpy=False)
        with self.assertRaises(convt.ConvtError) as cm:
            layer(convt.Tensor.zeros((1, 3, 5, 5)))
        self.assertEqual(cm.exception.status, convt.ERROR_INVALID_ARGUMENT)


@unittest.skipIf(torch is None or np is None, "PyTorch (and numpy) not importable here")
class AgainstPyTorch(unittest.TestCase):
    def compare(self, m, x, output_size=None):
        layer = convt.ConvTranspose2d(
            m.in_channels, m.out_channels, m.kernel_size, stride=m.stride, padding=m.padding,
            output_padding=m.output_padding, groups=m.groups, bias=m.bias is not None,
            dilation=m.dilation)
        layer.weight[...] = m.weight.detach().numpy()
        if m.bias is not None:
            layer.bias[...] = m.bias.detach().numpy()
        with torch.no_grad():
            expected = m(torch.from_numpy(x), output_size=output_size).numpy()
        got = layer(x, output_size=output_size)
        self.assertEqual(got.shape, expected.shape)
        # Float sums of the same products in different orders.
        scale = np.max(np.abs(expected)) + 1.0
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5 * scale)

    def test_golden_inputs(self):
        m = torch.nn.ConvTranspose2d(CIN, COUT, (3, 5), stride=(2, 1), padding=(4, 2))
        with torch.no_grad():
            m.weight.copy_(torch.tensor(w_values()).reshape(m.weight.shape))
            m.bias.copy_(torch.tensor(b_values()))
        x = np.array(x_values(), dtype=np.float32).reshape(N, CIN, H, W)
        self.compare(m, x)
        self.compare(m, x, output_size=[94, 100])

    def test_random_layers(self):
        torch.manual_seed(0)
        rng = np.random.default_rng(0)
        for cin, cout, k, s, p, op, d, g, bias, hw in [
                (16, 33, (3, 5), (2, 1), (4, 2), (0, 0), (1, 1), 1, True, (50, 100)),
                (4, 6, 3, 2, 1, 1, 1, 2, True, (7, 9)),
                (3, 5, (2, 4), (3, 2), 0, (2, 1), (1, 2), 1, False, (5, 6)),
                (6, 6, 3, 1, 1, 0, 1, 6, True, (8, 8)),
                (8, 4, 1, 1, 0, 0, 1, 1, True, (4, 3))]:
            m = torch.nn.ConvTranspose2d(cin, cout, k, stride=s, padding=p, output_padding=op,
                                         groups=g, bias=bias, dilation=d)
            x = rng.uniform(-1, 1, size=(2, cin) + hw).astype(np.float32)
            with self.subTest(layer=repr(m)):
                self.compare(m, x)
                self.compare(m, x[0])  # unbatched


if __name__ == "__main__":
    print(f"convt {convt.version()} ({convt.cpu_isa()} kernels) from {convt.library_path}; numpy "
          f"{'yes' if np is not None else 'no'}, torch "
          f"{torch.__version__ if torch is not None else 'no'}", file=sys.stderr)
    unittest.main(verbosity=2)
