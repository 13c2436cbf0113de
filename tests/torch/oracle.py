"""PyTorch as an independent oracle for simdnet's tests.

A long-lived process: one JSON request per line on stdin, one JSON reply per line on stdout.
The first line written is a handshake: {"ready": true, "torch": "<version>"} or, when torch
cannot be imported, {"ready": false, "error": "..."}.

Request:
  {"id": 7,
   "fn": "F.conv2d" | "torch.add" | "Tensor.permute" | "<name in CUSTOM>",
   "inputs": [{"shape": [...], "data": "<base64 little-endian>", "dtype": "f32" | "i32" | "bool",
               "perm": [...] (optional, applied before the call: simdnet layout -> torch layout),
               "grad": true (optional: return d(outputs)/d(this input))}],
   "args": [...], "kwargs": {...}   (optional; {"$": i} stands for input i, {"$t": v} for the number
                                    v as a 0-d tensor; default: the inputs)
   "outPerm": [...]                 (optional, applied to every tensor output: torch -> simdnet)
   "dy": ["<base64 f32>", ...]      (optional, one per output: the upstream gradients)}
Reply:
  {"id": 7, "outputs": [{"shape": [...], "data": "<base64 f64>"}], "grads": ["<base64 f64>" | null]}
  or {"id": 7, "error": "..."}.

Everything is computed in float64 from the float32 values sent, so the reply is the exact
answer to the question simdnet's float32 result approximates.
"""
import base64
import json
import sys
import traceback

try:
    import torch
    import torch.nn.functional as F
except Exception as e:  # noqa: BLE001 - any import failure means "no oracle here"
    sys.stdout.write(json.dumps({"ready": False, "error": f"{type(e).__name__}: {e}"}) + "\n")
    sys.stdout.flush()
    sys.exit(0)

torch.set_grad_enabled(True)
DTYPES = {"f32": (torch.float32, torch.float64), "i32": (torch.int32, torch.int64), "bool": (torch.uint8, torch.bool)}


def decode(spec):
    raw, want = DTYPES[spec.get("dtype", "f32")]
    buf = bytearray(base64.b64decode(spec["data"]))
    t = torch.frombuffer(buf, dtype=raw) if len(buf) else torch.empty(0, dtype=raw)
    return t.to(want).reshape(spec["shape"])


def encode(t):
    t = t.detach().to(torch.float64).contiguous()
    return {"shape": list(t.shape), "data": base64.b64encode(t.numpy().tobytes()).decode("ascii")}


# Ops with no single torch call in simdnet's terms (simdnet-side conventions spelled out).
CUSTOM = {
    # simdnet's crossEntropy: mean over the batch of -log softmax(logits)[label].
    "cross_entropy_mean": lambda logits, labels: F.cross_entropy(logits, labels.long()),
    # Convolution with [left, right, top, bottom] zero padding (simdnet allows asymmetric pads).
    "conv2d_pads": lambda x, w, b, pads, **kw: F.conv2d(F.pad(x, pads), w, b, **kw),
    # Transposed convolution cropped by [top, bottom, left, right] (ONNX's asymmetric pads).
    "conv_transpose2d_crop": lambda x, w, b, crop, **kw: (lambda y: y[..., crop[0]:y.shape[2] - crop[1], crop[2]:y.shape[3] - crop[3]])(F.conv_transpose2d(x, w, b, **kw)),
    # simdnet's linear with activation 'relu' (weights sent as [out, in]).
    "linear_relu": lambda x, w, b: F.relu(F.linear(x, w, b)),
    # ONNX HardSigmoid's alpha, beta.
    "hard_sigmoid_ab": lambda x, alpha, beta: torch.clamp(alpha * x + beta, 0, 1),
    # numpy basic slicing (negative steps too, which torch's indexing lacks): the source index of
    # every output position along each axis comes from Python's slice.indices.
    "slice_np": lambda x, begin, end, axes, steps: slice_np(x, begin, end, axes, steps),
    # numpy.pad with mode 'reflect' or 'edge' ('constant' too): np.pad of an arange gives the
    # source index of every output position along each axis.
    "pad_np": lambda x, pads, mode, value=0: pad_np(x, pads, mode, value),
    # numpy.take(x, indices, axis) for indices of any shape.
    "take": lambda x, idx, axis: torch.index_select(x, axis, idx.reshape(-1).long()).reshape(
        tuple(x.shape[:axis]) + tuple(idx.shape) + tuple(x.shape[axis + 1:])),
    "squeeze_axes": lambda x, axes: x.squeeze() if axes is None else squeeze_axes(x, axes),
    "unsqueeze_axes": lambda x, axes: unsqueeze_axes(x, axes),
    "where_bool": lambda c, a, b: torch.where(c, a, b),
    # simdnet's PReLU takes channels last; torch's prelu wants them at dim 1.
    "prelu_last": lambda x, w: F.prelu(x.reshape(-1, x.shape[-1]), w).reshape(x.shape),
    # Batch norm in training mode with batch statistics; returns y only.
    "batch_norm_train": lambda x, g, b, eps: F.batch_norm(x, None, None, g, b, training=True, eps=eps),
}


def slice_np(x, begin, end, axes, steps):
    axes = axes if axes is not None else list(range(len(begin)))
    for i, a in enumerate(axes):
        a = a % x.dim()
        b = begin[i]
        e = end[i] if end is not None else None
        st = steps[i] if steps is not None else 1
        idx = list(range(*slice(clamp_inf(b), clamp_inf(e), st).indices(x.shape[a])))
        x = torch.index_select(x, a, torch.tensor(idx, dtype=torch.long))
    return x


def clamp_inf(v):
    # JSON has no infinity: the tests send ±1e300 for an open end
    return None if v is None else int(max(min(v, 2**62), -(2**62)))


def pad_np(x, pads, mode, value):
    import numpy as np
    if mode == "constant":
        flat = []
        for b, a in reversed(pads):
            flat += [b, a]
        return F.pad(x, flat, value=value)
    for a, (b, e) in enumerate(pads):
        src = np.pad(np.arange(x.shape[a]), (b, e), mode=mode)
        x = torch.index_select(x, a, torch.tensor(src, dtype=torch.long))
    return x


def squeeze_axes(x, axes):
    for a in sorted([a % x.dim() for a in axes], reverse=True):
        x = x.squeeze(a)
    return x


def unsqueeze_axes(x, axes):
    rank = x.dim() + len(axes)
    for a in sorted(a % rank for a in axes):
        x = x.unsqueeze(a)
    return x


def resolve(name):
    if name in CUSTOM:
        return CUSTOM[name]
    mod, _, attr = name.partition(".")
    if mod == "F":
        return getattr(F, attr)
    if mod == "torch":
        return getattr(torch, attr)
    if mod == "Tensor":
        return lambda self, *a, **k: getattr(self, attr)(*a, **k)
    raise ValueError(f"unknown function {name!r}")


def substitute(v, ins):
    if isinstance(v, dict):
        if set(v) == {"$"}:
            return ins[v["$"]]
        if set(v) == {"$t"}:  # a number as a float64 tensor (for functions that take no Python numbers)
            return torch.tensor(v["$t"], dtype=torch.float64)
        return {k: substitute(x, ins) for k, x in v.items()}
    if isinstance(v, list):
        return [substitute(x, ins) for x in v]
    return v


def flatten_outputs(r):
    if isinstance(r, torch.Tensor):
        return [r]
    if isinstance(r, (tuple, list)):
        out = []
        for x in r:
            out.extend(flatten_outputs(x))
        return out
    return [torch.tensor(r, dtype=torch.float64)]


def handle(req):
    leaves = []
    ins = []
    for spec in req["inputs"]:
        t = decode(spec)
        if spec.get("grad"):
            t.requires_grad_(True)
        leaves.append(t)
        ins.append(t.permute(spec["perm"]).contiguous() if spec.get("perm") else t)
    args = substitute(req["args"], ins) if "args" in req else ins
    kwargs = substitute(req.get("kwargs", {}), ins)
    outs = flatten_outputs(resolve(req["fn"])(*args, **kwargs))
    if req.get("outPerm"):
        outs = [o.permute(req["outPerm"]) for o in outs]
    reply = {"id": req["id"], "outputs": [encode(o) for o in outs]}
    if "dy" in req:
        wrt = [t for t in leaves if t.requires_grad]
        pairs = [(o, decode({"shape": list(o.shape), "data": d})) for o, d in zip(outs, req["dy"]) if o.requires_grad]
        grads = []
        if wrt and pairs:
            grads = torch.autograd.grad([o for o, _ in pairs], wrt, [d for _, d in pairs], allow_unused=True)
        it = iter(grads)
        reply["grads"] = []
        for t in leaves:
            if not t.requires_grad:
                reply["grads"].append(None)
                continue
            g = next(it, None)
            reply["grads"].append(encode(g if g is not None else torch.zeros_like(t))["data"])
    return reply


def main():
    sys.stdout.write(json.dumps({"ready": True, "torch": torch.__version__}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            reply = handle(req)
        except Exception as e:  # noqa: BLE001 - reported to the test, which fails with it
            reply = {"id": req.get("id"), "error": f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
