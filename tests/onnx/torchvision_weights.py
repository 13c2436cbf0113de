"""torchvision models with random weights as safetensors, with an input and PyTorch's output.

/usr/bin/python3 tests/onnx/torchvision_weights.py OUT_DIR name ...

Writes OUT_DIR/<name>.safetensors (F32; resnet18 also as -f16 and -bf16), <name>.input.f32
(NCHW, seed 0) and <name>.output.f32 (the model's output in eval mode; for the F16/BF16
files, the output of the model with its weights rounded to that precision).
"""
import json
import os
import struct
import sys

import torch
import torchvision

DT = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}


def save_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():  # state_dict order
        t = t.contiguous()
        b = t.view(torch.int16).numpy().tobytes() if t.dtype in (torch.float16, torch.bfloat16) else t.numpy().tobytes()
        header[name] = {"dtype": DT[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    for name in sys.argv[2:]:
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)()
        g = torch.Generator().manual_seed(1)
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) * 0.5 + 0.75)
                if name.startswith("mobilenet"):  # and an affine part other than the identity
                    m.weight.data.copy_(torch.rand(m.weight.shape, generator=g) * 0.5 + 0.75)
                    m.bias.data.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
        model.eval()
        x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
        x.numpy().astype("<f4").tofile(os.path.join(out_dir, f"{name}.input.f32"))
        variants = [("", torch.float32)] + ([("-f16", torch.float16), ("-bf16", torch.bfloat16)] if name == "resnet18" else [])
        sd = model.state_dict()
        for suffix, dt in variants:
            low = {k: (v.to(dt) if v.is_floating_point() else v) for k, v in sd.items()}
            save_safetensors(os.path.join(out_dir, f"{name}{suffix}.safetensors"), low)
            model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in low.items()})
            with torch.no_grad():
                model(x).numpy().astype("<f4").tofile(os.path.join(out_dir, f"{name}{suffix}.output.f32"))
        print(name, "ok", flush=True)


if __name__ == "__main__":
    main()
