#!/usr/bin/env python3
"""convt-bench peer: OpenVINO's CPU plugin on a model of one (Group)ConvolutionBackpropData
node, 1-D, 2-D or 3-D by the layer's rank (+ bias Add) built with openvino's opset API,
compiled with INFERENCE_NUM_THREADS = --threads, INFERENCE_PRECISION_HINT f32 (the CPU
plugin would pick bf16 on CPUs that have it), NUM_STREAMS 1; one infer request whose input
tensor shares the numpy buffer. --layout channels-last: the model's input and output
tensors are NHWC (PrePostProcessor set_layout: the plugin converts inside the compiled
model); --activation: the opset's node after the layer (Relu, PRelu with a scalar slope,
Clamp, Tanh, Sigmoid, Elu, Gelu erf), fused by the plugin where it can.
See peer_common.py for the arguments and the output."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common  # noqa: E402

ov = None
core = None


def load(threads, **variant):
    global ov, core
    import openvino as o
    ov = o
    core = ov.Core()
    return ov.__version__.split("-")[0]


def describe(threads):
    return (f"(Group)ConvolutionBackpropData, CPU plugin, INFERENCE_NUM_THREADS={threads}, "
            f"INFERENCE_PRECISION_HINT=f32, NUM_STREAMS=1")


def prepare(l, x, w, b, threads):
    import numpy as np
    import openvino.opset13 as ops
    data = ops.parameter(list(l.in_shape()), np.float32, name="x")
    common = dict(strides=list(l.s), pads_begin=list(l.p), pads_end=list(l.p),
                  dilations=list(l.d), output_padding=list(l.op))
    if l.groups == 1:
        y = ops.convolution_backprop_data(data, ops.constant(w), **common)
    else:  # filters (G, Cin/G, Cout/G, kernel...): PyTorch's layout split by group
        g = l.groups
        wg = w.reshape((g, l.cin // g) + w.shape[1:])
        y = ops.group_convolution_backprop_data(data, ops.constant(wg), **common)
    if b is not None:
        y = ops.add(y, ops.constant(b.reshape((1, -1) + (1,) * l.rank)))
    a, bb = l.alpha, l.beta
    act = {"none": lambda t: t, "relu": ops.relu,
           "leaky_relu": lambda t: ops.prelu(t, ops.constant(np.array([a], np.float32))),
           "clamp": lambda t: ops.clamp(t, a, bb), "tanh": ops.tanh, "sigmoid": ops.sigmoid,
           "elu": lambda t: ops.elu(t, a), "gelu": lambda t: ops.gelu(t, "erf")}[l.activation]
    y = act(y)
    model = ov.Model([y], [data], "convt")
    if l.channels_last:
        from openvino.preprocess import PrePostProcessor
        nc = "NC" + "DHW"[3 - l.rank:]
        nlc = "N" + "DHW"[3 - l.rank:] + "C"
        ppp = PrePostProcessor(model)
        ppp.input().tensor().set_layout(ov.Layout(nlc))
        ppp.input().model().set_layout(ov.Layout(nc))
        ppp.output().tensor().set_layout(ov.Layout(nlc))
        ppp.output().model().set_layout(ov.Layout(nc))
        model = ppp.build()
        x = peer_common.to_channels_last(x)
    compiled = core.compile_model(model, "CPU", {
        "INFERENCE_NUM_THREADS": str(threads),
        "INFERENCE_PRECISION_HINT": "f32",
        "NUM_STREAMS": "1",
    })
    got = int(compiled.get_property("INFERENCE_NUM_THREADS"))
    if got != threads:
        raise RuntimeError(f"INFERENCE_NUM_THREADS is {got}, not {threads}")
    req = compiled.create_infer_request()
    req.set_input_tensor(ov.Tensor(x, shared_memory=True))

    def run():
        req.infer()

    run.keep = x  # the input tensor shares its buffer

    if l.channels_last:
        return run, lambda: peer_common.to_channels_first(req.get_output_tensor().data)
    return run, lambda: req.get_output_tensor().data.copy()


if __name__ == "__main__":
    peer_common.main("openvino", load, prepare, describe)
