# The native anchor of `npm run bench -- resnet18`: torchvision's ResNet-18 (random weights,
# eval mode, batch 1, 224×224, NCHW float32) in PyTorch on this CPU, driven by bench/peers/torch.ts
# over stdin/stdout, one JSON object per line:
#   → {"cmd": "run", "threads": t, "n": k}   ← {"ms": [k per-call times]}  (k forwards on t threads)
#   → {"cmd": "quit"}
# The first line it writes says what it runs: {"ready": true, "torch": ..., ...} or
# {"ready": false, "reason": ...} when PyTorch or torchvision is missing.
import json
import sys
import time


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


try:
    import torch
    import torchvision
except Exception as e:  # noqa: BLE001 (any import failure means: no native anchor here)
    say({"ready": False, "reason": f"{type(e).__name__}: {e}"})
    sys.exit(0)

torch.manual_seed(2018)
torch.set_num_interop_threads(1)
model = torchvision.models.resnet18(weights=None).eval()
x = torch.rand(1, 3, 224, 224) * 2 - 1
say({
    "ready": True,
    "torch": torch.__version__,
    "torchvision": torchvision.__version__,
    "mkldnn": bool(torch.backends.mkldnn.is_available()),
    "cpu_capability": torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, "cpu") else "",
    "max_threads": torch.get_num_threads(),
})

with torch.inference_mode():
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("cmd") == "quit":
            break
        torch.set_num_threads(int(req["threads"]))
        times = []
        for _ in range(int(req.get("n", 1))):
            t0 = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - t0) * 1000)
        say({"ms": times})
