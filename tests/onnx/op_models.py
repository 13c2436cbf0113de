"""One small PyTorch module per ONNX operator the importer maps, with attributes drawn from a
seeded generator, exported to ONNX (opset 13; 17 for LayerNormalization).

/usr/bin/python3 tests/onnx/op_models.py OUT_DIR

Writes OUT_DIR/<case>.onnx and OUT_DIR/manifest.json ({case: {ops, input}}): the ONNX
operators each file holds besides the ones every case has, and its NCHW input shape.
"""
import json
import os
import random
import sys
import warnings

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore")
R = random.Random(13)


class Fn(nn.Module):
    def __init__(self, f, *mods):
        super().__init__()
        self.f = f
        self.mods = nn.ModuleList(mods)

    def forward(self, x):
        return self.f(x, *self.mods)


def conv_case():
    k, s, d, g = R.choice([1, 3, 5]), R.choice([1, 2]), R.choice([1, 2]), R.choice([1, 2, 6])
    return nn.Conv2d(6, 12, k, stride=s, padding=R.randint(0, k // 2 + 1), dilation=d, groups=g, bias=R.random() < 0.7)


def cases():
    c = {}
    for i in range(3):
        c[f"conv_{i}"] = (conv_case(), [2, 6, 11, 13])
    c["conv_transpose"] = (nn.ConvTranspose2d(6, 4, 3, stride=2, padding=1, output_padding=1), [2, 6, 7, 9])
    c["batchnorm_relu"] = (Fn(lambda x, bn: F.relu(bn(x)), nn.BatchNorm2d(6).eval()), [2, 6, 5, 7])
    c["instancenorm"] = (nn.InstanceNorm2d(6, affine=True), [2, 6, 5, 7])
    c["layernorm"] = (nn.LayerNorm([7]), [2, 6, 5, 7])
    for name, act in [("leakyrelu", nn.LeakyReLU(0.2)), ("elu", nn.ELU(0.7)), ("selu", nn.SELU()), ("hardsigmoid", nn.Hardsigmoid()),
                      ("hardswish", nn.Hardswish()), ("sigmoid", nn.Sigmoid()), ("tanh", nn.Tanh()), ("softplus", nn.Softplus()),
                      ("prelu", nn.PReLU(6)), ("relu6", nn.ReLU6())]:
        c[name] = (act, [2, 6, 5, 7])
    c["clip"] = (Fn(lambda x: x.clamp(-0.5, 0.7)), [2, 6, 5, 7])
    c["arith"] = (Fn(lambda x: ((x + 1) * 2 - x / 3) / (x.abs() + 1)), [2, 6, 5, 7])
    c["pow_sqrt_exp_log"] = (Fn(lambda x: torch.sqrt(x.abs() + 1) + torch.exp(-x * x) + torch.log(x * x + 1) + x.abs().pow(1.5)), [2, 6, 5, 7])
    c["min_max_neg"] = (Fn(lambda x: torch.maximum(-x, x * 0.5) + torch.minimum(x, torch.zeros_like(x) + 0.1)), [2, 6, 5, 7])
    c["broadcast_se"] = (Fn(lambda x: x * torch.sigmoid(x.mean((2, 3), keepdim=True))), [2, 6, 5, 7])
    c["maxpool_ceil_dilated"] = (nn.MaxPool2d(3, stride=2, padding=1, dilation=2, ceil_mode=True), [2, 6, 11, 12])
    c["avgpool_include_pad"] = (nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=R.random() < 0.5, count_include_pad=True), [2, 6, 11, 12])
    c["avgpool_exclude_pad"] = (nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), [2, 6, 11, 12])
    c["global_pools"] = (Fn(lambda x: F.adaptive_avg_pool2d(x, 1) + F.adaptive_max_pool2d(x, 1)), [2, 6, 5, 7])
    c["flatten_gemm"] = (nn.Sequential(nn.Flatten(), nn.Linear(6 * 5 * 7, 10)), [2, 6, 5, 7])
    c["reshape_transpose"] = (Fn(lambda x: x.reshape(x.shape[0], 2, 3, 5, 7).transpose(1, 2).reshape(x.shape[0], 6, 5, 7)), [2, 6, 5, 7])
    c["permute_nhwc"] = (Fn(lambda x: x.permute(0, 2, 3, 1) * 2), [2, 6, 5, 7])
    c["concat_split"] = (Fn(lambda x: torch.cat(list(reversed(x.split([2, 4], 1))), 1) + torch.cat([x[:, :, :2], x[:, :, 2:]], 2)), [2, 6, 5, 7])
    c["slice_step"] = (Fn(lambda x: x[:, 1:5:2, ::2, 1:-1]), [2, 6, 5, 7])
    c["gather"] = (Fn(lambda x: x[:, 3] + x[:, :, 1].unsqueeze(2).mean(1, keepdim=True)), [2, 6, 5, 7])
    c["squeeze_unsqueeze"] = (Fn(lambda x: x.mean(3, keepdim=True).squeeze(3).unsqueeze(1)), [2, 6, 5, 7])
    c["pad_reflect"] = (nn.ReflectionPad2d((1, 2, 2, 1)), [2, 6, 5, 7])
    c["pad_edge"] = (nn.ReplicationPad2d((2, 0, 1, 1)), [2, 6, 5, 7])
    c["pad_constant"] = (nn.ConstantPad2d((1, 1, 0, 2), 0.5), [2, 6, 5, 7])
    c["softmax_axis1"] = (nn.Softmax(1), [2, 6, 5, 7])
    c["logsoftmax_last"] = (nn.LogSoftmax(-1), [2, 6, 5, 7])
    c["reductions"] = (Fn(lambda x: x.sum(1, keepdim=True) + x.amax(2, keepdim=True) + x.amin(3, keepdim=True)), [2, 6, 5, 7])
    c["reduce_to_vector"] = (Fn(lambda x: x.mean((2, 3)) + x.sum(3).amax(2)), [2, 6, 5, 7])
    c["matmul_const"] = (Fn(lambda x, l: l(x.mean((2, 3))), nn.Linear(6, 4, bias=False)), [2, 6, 5, 7])
    c["resize_nearest"] = (nn.Upsample(scale_factor=2, mode="nearest"), [2, 6, 5, 7])
    c["resize_bilinear"] = (nn.Upsample(scale_factor=R.choice([1.5, 2.0]), mode="bilinear", align_corners=False), [2, 6, 5, 7])
    c["resize_bilinear_corners"] = (Fn(lambda x: F.interpolate(x, size=(9, 4), mode="bilinear", align_corners=True)), [2, 6, 5, 7])
    c["matmul_batched"] = (Fn(lambda x: torch.matmul(x, x.transpose(2, 3)) + torch.matmul(x[:, :1], x.transpose(2, 3))), [2, 6, 5, 7])
    # Activations the importer fuses into the convolution or dense layer before them.
    c["conv_relu6"] = (nn.Sequential(nn.Conv2d(6, 8, 3, padding=1), nn.ReLU6()), [2, 6, 5, 7])
    c["conv_clip"] = (Fn(lambda x, cv: cv(x).clamp(-0.3, 0.4), nn.Conv2d(6, 8, 1)), [2, 6, 5, 7])
    c["conv_leakyrelu"] = (nn.Sequential(nn.Conv2d(6, 8, 3, stride=2), nn.LeakyReLU(0.1)), [2, 6, 9, 7])
    c["conv_hardsigmoid"] = (nn.Sequential(nn.Conv2d(6, 6, 3, padding=1, groups=6), nn.Hardsigmoid()), [2, 6, 5, 7])
    c["linear_sigmoid"] = (nn.Sequential(nn.Flatten(), nn.Linear(6 * 5 * 7, 9), nn.Sigmoid()), [2, 6, 5, 7])
    c["matmul_relu"] = (Fn(lambda x: F.relu(torch.matmul(x, x.transpose(2, 3)))), [2, 6, 5, 7])
    c["gelu_erf"] = (nn.GELU(), [2, 6, 5, 7])  # Div, Erf, Add, Mul, Mul: one GELU in simdnet
    c["erf"] = (Fn(lambda x: torch.erf(x * R.uniform(0.5, 2.0)) + x), [2, 6, 5, 7])
    c["expand_tile"] = (Fn(lambda x: x.mean(1, keepdim=True).expand(-1, 6, -1, -1) + x.mean(2, keepdim=True).repeat(1, 1, 5, 1)), [2, 6, 5, 7])
    return c


def helper_cases(out, manifest):
    """Operators PyTorch does not export as one node (LRN becomes an If subgraph), or attributes
    it never writes (auto_pad), built with onnx.helper."""
    from onnx import TensorProto, helper, numpy_helper
    import numpy as np
    rng = np.random.default_rng(5)

    def save(name, nodes, inits, in_shape, out_rank, opset=13):
        g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", *in_shape[1:]])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N"] + [f"d{i}" for i in range(out_rank - 1)])], inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
        if opset <= 17:  # onnx 1.12's checker knows opsets up to 17
            onnx.checker.check_model(m)
        else:
            m.ir_version = 9 if opset <= 20 else 10
        onnx.save(m, os.path.join(out, f"{name}.onnx"))
        manifest[name] = {"ops": sorted({n.op_type for n in nodes}), "input": in_shape, "opset": opset}

    save("lrn", [helper.make_node("LRN", ["input"], ["output"], size=R.choice([3, 5]), alpha=1e-3, beta=0.75, bias=2.0)], [], [2, 6, 5, 7], 4)
    for mode in ("SAME_UPPER", "SAME_LOWER", "VALID"):
        w = numpy_helper.from_array(rng.standard_normal((4, 6, 3, 3)).astype(np.float32), "w")
        save(f"conv_auto_pad_{mode.lower()}", [helper.make_node("Conv", ["input", "w"], ["output"], auto_pad=mode, strides=[2, 2])], [w], [2, 6, 8, 9], 4)
    save("global_max_pool", [helper.make_node("GlobalMaxPool", ["input"], ["output"])], [], [2, 6, 5, 7], 4)
    b = numpy_helper.from_array(rng.standard_normal((1, 6, 1, 7)).astype(np.float32), "b")
    save("sum_mean", [helper.make_node("Sum", ["input", "b", "input"], ["s"]), helper.make_node("Mean", ["s", "b"], ["output"])], [b], [2, 6, 5, 7], 4)
    sc = numpy_helper.from_array(np.array([1, 1, 2, 3], np.float32), "sc")
    save("upsample_opset9", [helper.make_node("Upsample", ["input", "sc"], ["output"], mode="nearest")], [sc], [2, 6, 5, 7], 4, opset=9)
    # ConvTranspose with asymmetric pads [top, left, bottom, right] (PyTorch only writes symmetric ones).
    w = numpy_helper.from_array(rng.standard_normal((6, 4, 3, 3)).astype(np.float32), "w")
    pads = [R.randint(0, 2) for _ in range(4)]
    save("conv_transpose_asymmetric", [helper.make_node("ConvTranspose", ["input", "w"], ["output"], strides=[2, 2], pads=pads, output_padding=[1, 0])],
         [w], [2, 6, 5, 7], 4)
    # Opsets PyTorch 1.13 cannot write: 18 (reductions take axes as an input), 20 (Gelu), 21.
    axes = numpy_helper.from_array(np.array([2, 3], np.int64), "axes")
    save("reduce_opset18", [helper.make_node("ReduceMean", ["input", "axes"], ["m"], keepdims=1),
                            helper.make_node("ReduceMax", ["input", "axes"], ["x"], keepdims=1),
                            helper.make_node("Add", ["m", "x"], ["output"])], [axes], [2, 6, 5, 7], 4, opset=18)
    save("gelu_opset20", [helper.make_node("Gelu", ["input"], ["e"]), helper.make_node("Gelu", ["input"], ["t"], approximate="tanh"),
                          helper.make_node("Add", ["e", "t"], ["output"])], [], [2, 6, 5, 7], 4, opset=20)
    save("conv_relu_opset21", [helper.make_node("Conv", ["input", "w3"], ["c"], pads=[1, 1, 1, 1]), helper.make_node("Relu", ["c"], ["output"])],
         [numpy_helper.from_array(rng.standard_normal((4, 6, 3, 3)).astype(np.float32), "w3")], [2, 6, 5, 7], 4, opset=21)
    # HardSwish is an operator from opset 14 (PyTorch writes HardSigmoid and Mul at 13); Dropout
    # in an inference graph (PyTorch drops it on export).
    save("hardswish_opset14", [helper.make_node("HardSwish", ["input"], ["output"])], [], [2, 6, 5, 7], 4, opset=14)
    save("conv_hardswish_opset14", [helper.make_node("Conv", ["input", "w4"], ["c"], pads=[1, 1, 1, 1]), helper.make_node("HardSwish", ["c"], ["output"])],
         [numpy_helper.from_array(rng.standard_normal((4, 6, 3, 3)).astype(np.float32), "w4")], [2, 6, 5, 7], 4, opset=14)
    ratio = numpy_helper.from_array(np.array(R.uniform(0.1, 0.6), np.float32), "ratio")
    save("dropout_inference", [helper.make_node("Dropout", ["input", "ratio"], ["output"])], [ratio], [2, 6, 5, 7], 4)
    save("argmax", [helper.make_node("ArgMax", ["input"], ["i"], axis=1, keepdims=0), helper.make_node("Cast", ["i"], ["output"], to=1)], [], [2, 6, 5, 7], 3)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    manifest = {}
    for name, (m, shape) in cases().items():
        m.eval()
        path = os.path.join(out, f"{name}.onnx")
        opset = 17 if name == "layernorm" else 13
        with torch.no_grad():
            torch.onnx.export(m, torch.randn(*shape), path, opset_version=opset, input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})
        ops = sorted({n.op_type for n in onnx.load(path).graph.node})
        manifest[name] = {"ops": ops, "input": shape, "opset": opset}
    helper_cases(out, manifest)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(len(manifest), "cases")


if __name__ == "__main__":
    main()
