#!/usr/bin/python3
"""Prints the golden values that every example in examples/ checks (run with Debian's
/usr/bin/python3, which has python3-torch):

    /usr/bin/python3 examples/golden.py

Three seed layers, one per rank, each on a batch of 2 with 16 input and 33 output channels:

    2-D  ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2))
         input (2, 16, 50, 100) -> output (2, 33, 93, 100)
    1-D  ConvTranspose1d(16, 33, 5, stride=3, padding=2, dilation=2)
         input (2, 16, 100) -> output (2, 33, 302)
    3-D  ConvTranspose3d(16, 33, (3, 5, 2), stride=(2, 1, 3), padding=(1, 2, 0))
         input (2, 16, 6, 10, 12) -> output (2, 33, 11, 10, 35)

with the same data for all three, which every language reproduces exactly from the flat
(row-major, channels-first) index i of each tensor:

    x[i]    = ((i*7) % 13 - 6) / 8        input   (N, 16, spatial...)
    w[i]    = ((i*5) % 11 - 5) / 16       weight  (16, 33, kernel...)
    bias[c] = (c % 3 - 1) / 4             bias    (33,)

Every value is a multiple of 1/128 far below 2**24/128, so each output element is computed
exactly in float32 whatever the order of the sums, and the sum of their squares exactly in
float64: the golden values are exact, and convt must match them to the last bit.
"""
import torch

N, CIN, COUT = 2, 16, 33

# name, module class, kernel, keyword arguments, input spatial sizes, entries to print,
# a valid output_size other than the default one.
LAYERS = [
    ("2-D", torch.nn.ConvTranspose2d, (3, 5), dict(stride=(2, 1), padding=(4, 2)), (50, 100),
     [(0, 0, 0, 0), (1, 32, 92, 99), (1, 17, 46, 50), (0, 5, 10, 20)], [94, 100]),
    ("1-D", torch.nn.ConvTranspose1d, (5,), dict(stride=3, padding=2, dilation=2), (100,),
     [(0, 0, 1), (1, 32, 301), (1, 17, 150), (0, 5, 77)], [304]),
    ("3-D", torch.nn.ConvTranspose3d, (3, 5, 2), dict(stride=(2, 1, 3), padding=(1, 2, 0)),
     (6, 10, 12), [(0, 0, 0, 0, 0), (1, 32, 10, 9, 34), (1, 17, 5, 4, 17), (0, 5, 3, 7, 20)],
     [12, 10, 37]),
]


def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def flat_index(index, shape):
    flat = 0
    for i, n in zip(index, shape):
        flat = flat * n + i
    return flat


print("torch", torch.__version__)
for name, cls, kernel, kwargs, spatial, entries, output_size in LAYERS:
    in_shape = (N, CIN) + spatial
    w_shape = (CIN, COUT) + kernel
    x = torch.tensor([((i * 7) % 13 - 6) / 8 for i in range(numel(in_shape))],
                     dtype=torch.float32).reshape(in_shape)
    w = torch.tensor([((i * 5) % 11 - 5) / 16 for i in range(numel(w_shape))],
                     dtype=torch.float32).reshape(w_shape)
    b = torch.tensor([(c % 3 - 1) / 4 for c in range(COUT)], dtype=torch.float32)
    m = cls(CIN, COUT, kernel, **kwargs)
    with torch.no_grad():
        m.weight.copy_(w)
        m.bias.copy_(b)
        y = m(x)
        y2 = m(x, output_size=output_size).double()
    print()
    print("%s seed layer %r, input %s" % (name, m, in_shape))
    print("shape", tuple(y.shape))
    yd = y.double()
    print("sum (float64)", repr(yd.sum().item()))
    print("sum of squares (float64)", repr((yd * yd).sum().item()))
    for idx in entries:
        print("y%s (flat %d) = %r" % (idx, flat_index(idx, y.shape), y[idx].item()))
    print("output_size %s: shape %s sum of squares %r"
          % (output_size, tuple(y2.shape), (y2 * y2).sum().item()))
