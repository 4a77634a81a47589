#!/usr/bin/env python3
"""convt-bench peer: PyTorch's torch.nn.functional.conv_transpose1d/2d/3d (by the layer's
rank) on the CPU (float32, torch.inference_mode, torch.set_num_threads(--threads), one interop thread).
--layout channels-last: input and weight in torch.channels_last (2-D) or channels_last_3d
(3-D) memory format (1-D has none: "-"); --activation: torch.nn.functional's op after the
layer (PyTorch's eager mode fuses nothing).
Run by /usr/bin/python3 for Debian's PyTorch 1.13 and by the peers venv's python for the
current PyTorch from PyPI. See peer_common.py for the arguments and the output."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common  # noqa: E402

torch = None


def load(threads, **variant):
    global torch
    import torch as t
    torch = t
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set
        pass
    if torch.get_num_threads() != threads:
        raise RuntimeError(f"torch.get_num_threads() is {torch.get_num_threads()}, not {threads}")
    return torch.__version__


def describe(threads):
    backend = "OpenMP" if "OpenMP" in torch.__config__.parallel_info() else "native"
    return (f"F.conv_transpose1d/2d/3d, float32, inference_mode, set_num_threads({threads}) "
            f"[{backend}], mkldnn={torch.backends.mkldnn.is_available()}")


def activation_op(l):
    import torch.nn.functional as F
    a, b = l.alpha, l.beta
    return {"none": None, "relu": F.relu, "leaky_relu": lambda y: F.leaky_relu(y, a),
            "clamp": lambda y: torch.clamp(y, a, b), "tanh": torch.tanh, "sigmoid": torch.sigmoid,
            "elu": lambda y: F.elu(y, a), "gelu": F.gelu}[l.activation]


def prepare(l, x, w, b, threads):
    import numpy as np
    import torch.nn.functional as F
    xt, wt = torch.from_numpy(x), torch.from_numpy(w)
    if l.channels_last:
        if l.rank == 1:
            raise peer_common.Unsupported("PyTorch has no channels-last memory format for 1-D")
        fmt = torch.channels_last if l.rank == 2 else torch.channels_last_3d
        xt, wt = xt.contiguous(memory_format=fmt), wt.contiguous(memory_format=fmt)
    bt = torch.from_numpy(b) if b is not None else None
    conv = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[l.rank]
    act = activation_op(l)
    out = [None]

    def run():
        with torch.inference_mode():
            y = conv(xt, wt, bt, stride=l.s, padding=l.p, output_padding=l.op,
                     groups=l.groups, dilation=l.d)
            out[0] = act(y) if act else y

    return run, lambda: np.ascontiguousarray(out[0].numpy())


if __name__ == "__main__":
    peer_common.main("torch", load, prepare, describe)
