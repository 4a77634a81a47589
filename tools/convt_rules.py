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


# ---- ONNX's padding kinds (convt.h's CONVT_PADDING_EXPLICIT .. VALID) ----------------------
# The rules, which ONNX Runtime's CPU provider follows (tools/crosscheck_onnx.py checks
# them against it). Kinds as convt_params.padding_kind: 0 SYMMETRIC (PyTorch), 1 EXPLICIT,
# 2 SAME_UPPER, 3 SAME_LOWER, 4 VALID.
EXPLICIT, SAME_UPPER, SAME_LOWER, VALID = 1, 2, 3, 4


def onnx_axis(kind, inp, k, s, d, op, pb, pe, req):
    """One dimension of a run under an ONNX kind: (out, begin), the output size and the zeros
    trimmed before it, or (None, why) when the run is rejected. pb, pe: EXPLICIT's begin
    and end pads; req: the output_shape entry, or None."""
    eff = (k - 1) * d + 1
    full = s * (inp - 1) + op + eff
    if req is not None:
        if not 1 <= req <= s * inp + eff - 1:
            return None, f"output_shape {req} outside 1 .. {s * inp + eff - 1}"
        t = max(0, full - req)
        return req, (t // 2 if kind == SAME_UPPER else t - t // 2)
    if kind == EXPLICIT:
        out, begin = full - pb - pe, pb
    elif kind in (SAME_UPPER, SAME_LOWER):
        t = max(0, full - inp * s)
        out, begin = full - t, (t // 2 if kind == SAME_UPPER else t - t // 2)
    else:  # VALID
        out, begin = full, 0
    if out < 1:
        return None, f"output size {out} < 1"
    return out, begin


def onnx_rejected_at_create(c):
    """convt_create's checks under an ONNX kind: rejected_at_create's, EXPLICIT's pads >= 0
    (c.p begin, c.pe end), and 0 <= output_padding < stride."""
    return (c.cin < 1 or c.cout < 1 or min(c.k) < 1 or min(c.s) < 1 or min(c.d) < 1
            or c.groups < 1 or c.cin % c.groups != 0 or c.cout % c.groups != 0
            or (c.kind == EXPLICIT and min(list(c.p) + list(c.pe)) < 0)
            or any(op < 0 or op >= s for op, s in zip(c.op, c.s)))
