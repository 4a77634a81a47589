"""convt's shape and validation rules as the Python tools need them (one copy for
tools/gen_golden.py and tools/crosscheck_torch.py), for every rank. `c` is any object with
the layer's fields: rank (1, 2 or 3), cin, cout, groups, and per spatial dimension, in
PyTorch's order ((L); (H, W); (D, H, W)), sequences of `rank` entries: inp (the input's
spatial sizes), k, s, p, d (kernel, stride, padding, dilation)."""


def min_size(c):
    """Output size at output_padding 0, per dimension (PyTorch's _output_padding min)."""
    return tuple((i - 1) * s - 2 * p + d * (k - 1) + 1
                 for i, k, s, p, d in zip(c.inp, c.k, c.s, c.p, c.d))


def rejected_at_create(c):
    """convt's header: these parameters are checked by convt_create (output_padding, the
    input shape and output_size are checked per run)."""
    return (c.cin < 1 or c.cout < 1 or min(c.k) < 1 or min(c.s) < 1 or min(c.p) < 0
            or min(c.d) < 1 or c.groups < 1
            or c.cin % c.groups != 0 or c.cout % c.groups != 0)
