"""convt's shape and validation rules as the Python tools need them (one copy for
tools/gen_golden.py and tools/crosscheck_torch.py). `c` is any object with the layer's
fields: cin, cout, groups, h, w, kh, kw, sh, sw, ph, pw, dh, dw."""


def min_size(c):
    """Output size at output_padding 0, per dimension (PyTorch's _output_padding min)."""
    return ((c.h - 1) * c.sh - 2 * c.ph + c.dh * (c.kh - 1) + 1,
            (c.w - 1) * c.sw - 2 * c.pw + c.dw * (c.kw - 1) + 1)


def rejected_at_create(c):
    """convt's header: these parameters are checked by convt_create (output_padding, the
    input shape and output_size are checked per run)."""
    return (c.cin < 1 or c.cout < 1 or min(c.kh, c.kw) < 1
            or min(c.sh, c.sw) < 1 or min(c.ph, c.pw) < 0
            or min(c.dh, c.dw) < 1 or c.groups < 1
            or c.cin % c.groups != 0 or c.cout % c.groups != 0)
