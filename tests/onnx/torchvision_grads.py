"""PyTorch's gradients of a torchvision model (the same weights as torchvision_export.py),
for the imported ONNX graph's gradients to be compared with.

/usr/bin/python3 tests/onnx/torchvision_grads.py OUT_DIR name ...

For a seeded input x [2, 3, 224, 224] and weights r [2, classes], loss = sum(model(x) * r) in
eval mode; writes <name>.x.f32, <name>.r.f32, <name>.dx.f32 (NCHW) and <name>.dfc.f32 (the
gradient of the last Linear's weight, [out, in]), in float32 like simdnet.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torchvision_export import build  # noqa: E402


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    for name in sys.argv[2:]:
        # float32 like simdnet: in float64 a max-pool window whose two largest values are
        # within float32 rounding of each other can pick the other one (another subgradient).
        model = build(name)
        g = torch.Generator().manual_seed(3)
        x = torch.randn(2, 3, 224, 224, generator=g).requires_grad_(True)
        y = model(x)
        r = torch.randn(y.shape, generator=g)
        (y * r).sum().backward()
        fc = [m for m in model.modules() if isinstance(m, torch.nn.Linear)][-1]
        for suffix, t in (("x", x), ("r", r), ("dx", x.grad), ("dfc", fc.weight.grad)):
            t.detach().float().numpy().astype("<f4").tofile(os.path.join(out, f"{name}.{suffix}.f32"))
        print(name, "ok", flush=True)


if __name__ == "__main__":
    main()
