"""Exports torchvision models with random weights to ONNX for the importer's tests.

/usr/bin/python3 tests/onnx/torchvision_export.py OUT_DIR [name[@opset] ...]

Weights are PyTorch's random initialisation with seed 0, and every BatchNorm gets random
running statistics, so that folded and unfolded batch norms differ from the identity. The
batch axis is dynamic. Writes OUT_DIR/<name>-op<opset>.onnx and OUT_DIR/manifest.json
(for each file: model, opset, input shape, or the exporter's error).
"""
import json
import os
import sys
import warnings

import torch
import torchvision

warnings.filterwarnings("ignore")

MODELS = {
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(),
    "mobilenet_v3_small": lambda: torchvision.models.mobilenet_v3_small(),
    "resnet18": lambda: torchvision.models.resnet18(),
    "squeezenet1_1": lambda: torchvision.models.squeezenet1_1(),
    "shufflenet_v2_x1_0": lambda: torchvision.models.shufflenet_v2_x1_0(),
    "efficientnet_b0": lambda: torchvision.models.efficientnet_b0(),
    "googlenet": lambda: torchvision.models.googlenet(aux_logits=False, init_weights=True),
    "densenet121": lambda: torchvision.models.densenet121(),
    "regnet_x_400mf": lambda: torchvision.models.regnet_x_400mf(),
    "mnasnet1_0": lambda: torchvision.models.mnasnet1_0(),
}
# The whole set at opset 13; a subset at the opsets around it (PyTorch 1.13 exports 9–17).
DEFAULT = [f"{m}@13" for m in MODELS] + [
    f"{m}@{o}" for o in (9, 11, 17) for m in ("resnet18", "mobilenet_v2", "squeezenet1_1", "mobilenet_v3_small")
]


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) * 0.5 + 0.75)
            m.weight.data.copy_(torch.rand(m.weight.shape, generator=g) * 0.5 + 0.75)
            m.bias.data.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
    return model


def build(name):
    torch.manual_seed(0)
    return randomise(MODELS[name](), 1).eval()


def export(name, opset, out_dir):
    model = build(name)
    x = torch.randn(1, 3, 224, 224)
    path = os.path.join(out_dir, f"{name}-op{opset}.onnx")
    with torch.no_grad():
        torch.onnx.export(
            model, x, path, opset_version=opset, input_names=["input"], output_names=["output"],
            dynamic_axes={"input": {0: "N"}, "output": {0: "N"}}, do_constant_folding=True,
        )
    return {"model": name, "opset": opset, "file": os.path.basename(path), "input": [1, 3, 224, 224]}


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    wanted = sys.argv[2:] or DEFAULT
    manifest_path = os.path.join(out_dir, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    torch.set_num_threads(1)
    for item in wanted:
        name, _, opset = item.partition("@")
        opset = int(opset or 13)
        key = f"{name}-op{opset}"
        try:
            manifest[key] = export(name, opset, out_dir)
        except Exception as e:  # recorded: an opset the exporter cannot write for this model
            manifest[key] = {"model": name, "opset": opset, "error": f"{type(e).__name__}: {e}"[:500]}
        print(key, "error" if "error" in manifest[key] else "ok", flush=True)
        with open(manifest_path, "w") as f:
            json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
