#!/usr/bin/env python3
"""Turns `convt-bench --peers --csv` output into the README's markdown table.

    convt-bench --peers --csv > run.csv && tools/bench_table.py run.csv

Columns: convt AUTO (ms, algorithm, GFLOP/s, workspace in MiB), the forced sub-pixel and
GEMM + col2im, every peer that ran (a peer with no time on any layer is left out: XNNPACK
on 1-D and 3-D suites), and the speed-up of convt over the best peer; then the geomean
speed-up. Times are medians in ms. For a suite of 1-D or 3-D layers (the CSV's
spatial_dims) the input shape (N x C x spatial) follows the layer's name. A layer convt
could not run shows its convt ms as "error". CSVs of convt-bench before the spatial_dims and
workspace_mib columns read as 2-D without a workspace column.
"""
import csv
import math
import sys

PEERS = [("onednn", "oneDNN"), ("xnnpack_nhwc", "XNNPACK¹"), ("torch_debian", "PyTorch 1.13"),
         ("torch_pypi", "PyTorch 2.x"), ("onnxruntime", "ONNX RT"), ("openvino", "OpenVINO")]
FORCED = [("convt_subpixel", "sub-pixel"), ("convt_gemm_col2im", "GEMM+col2im")]
SHORT = dict(PEERS, xnnpack_nhwc="XNNPACK", torch_debian="torch1.13", torch_pypi="torch2.x",
             onnxruntime="ORT")


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def fixed(text, digits):
    """text as a number with `digits` decimals, or as it is ("-" if empty)."""
    v = number(text)
    return f"{v:.{digits}f}" if v is not None else (text or "-")


def main(path):
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("layer")]
    if not rows:
        sys.exit(f"bench_table: no rows in {path}")
    ranks = {r.get("spatial_dims") or "2" for r in rows}
    show_input = ranks != {"2"}
    show_ws = any(number(r.get("workspace_mib")) is not None for r in rows)
    cols = [(k, name) for k, name in FORCED + PEERS
            if any(number(r.get(k + "_ms")) for r in rows)]
    head = (["layer"] + (["input"] if show_input else []) + ["convt ms", "algorithm", "GFLOP/s"] +
            (["ws MiB"] if show_ws else []) + [n for _, n in cols] + ["speed-up vs best peer"])
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    logs = []
    for r in rows:
        cells = ([r["layer"]] + ([r.get("input_shape") or "-"] if show_input else []) +
                 [fixed(r["convt_ms"], 3), r["algorithm"] or "-", r["gflops"] or "-"] +
                 ([fixed(r.get("workspace_mib"), 2)] if show_ws else []))
        for k, _ in cols:
            v = number(r.get(k + "_ms"))
            cells.append(f"{v:.3f}" if v else (r.get(k + "_ms") or "-"))
        s = number(r.get("speedup"))
        if s:
            logs.append(math.log(s))
            cells.append(f"{s:.2f}x ({SHORT.get(r['best_peer'], r['best_peer'])})")
        else:
            cells.append("-")
        print("| " + " | ".join(cells) + " |")
    if logs:
        print(f"\nGeomean speed-up over the best peer, {len(logs)} layers: "
              f"{math.exp(sum(logs) / len(logs)):.3f}x; lowest {math.exp(min(logs)):.3f}x")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
