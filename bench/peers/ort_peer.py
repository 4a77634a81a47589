#!/usr/bin/env python3
"""convt-bench peer: ONNX Runtime's CPU execution provider on a one-node ConvTranspose model
with a 1-D, 2-D or 3-D kernel (the layer's rank; opset 20, built with the `onnx` package;
weight and bias are initializers), intra_op_num_threads = --threads, inter_op 1, sequential
execution, all graph optimizations; input and output bound once with IOBinding so only the
run is timed. --activation: the ONNX node after it (Relu, LeakyRelu, Clip, Tanh, Sigmoid,
Elu, Gelu), which ORT's graph optimizations may fuse. --layout channels-last: unavailable
(ONNX's ConvTranspose is channels first; ORT's CPU provider has no NHWC kernel for it).
See peer_common.py for the arguments and the output."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common  # noqa: E402

ort = onnx = None


def load(threads, channels_last=False, **variant):
    global ort, onnx
    if channels_last:
        raise peer_common.Unsupported("ONNX's ConvTranspose is channels first (no NHWC kernel in ORT's CPU provider)")
    import onnx as o
    import onnxruntime as r
    ort, onnx = r, o
    return ort.__version__


def describe(threads):
    return (f"one-node ConvTranspose opset 20 (onnx {onnx.__version__}), CPUExecutionProvider, intra_op_num_threads={threads}, "
            f"inter_op 1, ORT_SEQUENTIAL, ORT_ENABLE_ALL, IOBinding")


def make_model(l, w, b):
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper
    inputs = ["x", "w"] + (["b"] if b is not None else [])
    act = l.activation
    node = helper.make_node(
        "ConvTranspose", inputs, ["y" if act == "none" else "t"], kernel_shape=list(l.k), strides=list(l.s),
        pads=list(l.p) + list(l.p), output_padding=list(l.op),
        dilations=list(l.d), group=l.groups)
    nodes, extra = [node], []
    if act == "clamp":
        extra = [numpy_helper.from_array(np.array(l.alpha, np.float32), "lo"),
                 numpy_helper.from_array(np.array(l.beta, np.float32), "hi")]
        nodes.append(helper.make_node("Clip", ["t", "lo", "hi"], ["y"]))
    elif act != "none":
        op, attrs = {"relu": ("Relu", {}), "leaky_relu": ("LeakyRelu", {"alpha": l.alpha}),
                     "tanh": ("Tanh", {}), "sigmoid": ("Sigmoid", {}), "elu": ("Elu", {"alpha": l.alpha}),
                     "gelu": ("Gelu", {"approximate": "none"})}[act]
        nodes.append(helper.make_node(op, ["t"], ["y"], **attrs))
    inits = [numpy_helper.from_array(w, "w")] + ([numpy_helper.from_array(b, "b")] if b is not None else []) + extra
    graph = helper.make_graph(
        nodes, "convt", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(l.in_shape()))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(l.out_shape()))], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    model.ir_version = 9
    onnx.checker.check_model(model)
    return model.SerializeToString()


def prepare(l, x, w, b, threads):
    import numpy as np
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(make_model(l, w, b), so, providers=["CPUExecutionProvider"])
    y = np.empty(l.out_shape(), dtype=np.float32)
    io = sess.io_binding()
    io.bind_ortvalue_input("x", ort.OrtValue.ortvalue_from_numpy(x))
    io.bind_ortvalue_output("y", ort.OrtValue.ortvalue_from_numpy(y))

    def run():
        sess.run_with_iobinding(io)

    return run, lambda: y


if __name__ == "__main__":
    peer_common.main("onnxruntime", load, prepare, describe)
