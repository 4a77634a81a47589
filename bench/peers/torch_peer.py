#!/usr/bin/env python3
"""convt-bench peer: PyTorch's torch.nn.functional.conv_transpose1d/2d/3d (by the layer's
rank) on the CPU (float32, channels first, torch.inference_mode, torch.set_num_threads(--threads), one interop thread).
Run by /usr/bin/python3 for Debian's PyTorch 1.13 and by the peers venv's python for the
current PyTorch from PyPI. See peer_common.py for the arguments and the output."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common  # noqa: E402

torch = None


def load(threads):
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
    return (f"F.conv_transpose1d/2d/3d, channels-first float32, inference_mode, set_num_threads({threads}) "
            f"[{backend}], mkldnn={torch.backends.mkldnn.is_available()}")


def prepare(l, x, w, b, threads):
    import torch.nn.functional as F
    xt, wt = torch.from_numpy(x), torch.from_numpy(w)
    bt = torch.from_numpy(b) if b is not None else None
    conv = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[l.rank]
    out = [None]

    def run():
        with torch.inference_mode():
            out[0] = conv(xt, wt, bt, stride=l.s, padding=l.p, output_padding=l.op,
                          groups=l.groups, dilation=l.d)

    return run, lambda: out[0].numpy()


if __name__ == "__main__":
    peer_common.main("torch", load, prepare, describe)
