#!/usr/bin/python3
"""Prints the golden values that every example in examples/ checks (run with Debian's
/usr/bin/python3, which has python3-torch):

    /usr/bin/python3 examples/golden.py

The seed layer ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2)) on an input
of shape (2, 16, 50, 100), with data every language reproduces exactly from the flat
(row-major, NCHW) index i of each tensor:

    x[i]    = ((i*7) % 13 - 6) / 8        input   (2, 16, 50, 100)
    w[i]    = ((i*5) % 11 - 5) / 16       weight  (16, 33, 3, 5)
    bias[c] = (c % 3 - 1) / 4             bias    (33,)

Every value is a multiple of 1/128 far below 2**24/128, so each output element is computed
exactly in float32 whatever the order of the sums, and the sum of their squares exactly in
float64: the golden values are exact, and convt must match them to the last bit.
"""
import torch

N, CIN, COUT, H, W = 2, 16, 33, 50, 100
x = torch.tensor([((i * 7) % 13 - 6) / 8 for i in range(N * CIN * H * W)],
                 dtype=torch.float32).reshape(N, CIN, H, W)
w = torch.tensor([((i * 5) % 11 - 5) / 16 for i in range(CIN * COUT * 3 * 5)],
                 dtype=torch.float32).reshape(CIN, COUT, 3, 5)
b = torch.tensor([(c % 3 - 1) / 4 for c in range(COUT)], dtype=torch.float32)
m = torch.nn.ConvTranspose2d(CIN, COUT, (3, 5), stride=(2, 1), padding=(4, 2))
with torch.no_grad():
    m.weight.copy_(w)
    m.bias.copy_(b)
    y = m(x)
print("torch", torch.__version__)
print("shape", tuple(y.shape))
yd = y.double()
print("sum (float64)", repr(yd.sum().item()))
print("sum of squares (float64)", repr((yd * yd).sum().item()))
for idx in [(0, 0, 0, 0), (1, 32, 92, 99), (1, 17, 46, 50), (0, 5, 10, 20)]:
    flat = ((idx[0] * COUT + idx[1]) * y.shape[2] + idx[2]) * y.shape[3] + idx[3]
    print("y%s (flat %d) = %r" % (idx, flat, y[idx].item()))
# output_size=(94, 100) (output_padding 1 in H): one more row.
with torch.no_grad():
    y2 = m(x, output_size=[94, 100]).double()
print("output_size (94, 100): shape", tuple(y2.shape), "sum of squares", repr((y2 * y2).sum().item()))
