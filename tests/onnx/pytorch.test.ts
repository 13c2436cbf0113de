// torchvision state dicts (safetensors, F32/F16/BF16) into the zoo's resnet18/34, vgg11/16,
// alexnet, mobilenetV2 and mobilenetV3Small/Large through sn.io.fromPytorch: the outputs
// equal torchvision's within 1e-4 of their scale (eval mode).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as sn from 'simdnet';
import { relErr, torchMissing } from './fixtures';

await sn.init();
const skip = torchMissing();
const DIR = 'build/pytorch';
const SCRIPT = 'tests/onnx/torchvision_weights.py';
// torchvision name → the zoo's (the MobileNets' module paths are torchvision's names).
const ZOO: Record<string, string> = {
  resnet18: 'resnet18', resnet34: 'resnet34', vgg11: 'vgg11', vgg16: 'vgg16', alexnet: 'alexnet',
  mobilenet_v2: 'mobilenetV2', mobilenet_v3_small: 'mobilenetV3Small', mobilenet_v3_large: 'mobilenetV3Large',
};
const MODELS = Object.keys(ZOO);

function ensure(): void {
  const hash = createHash('sha256').update(readFileSync(SCRIPT)).digest('hex').slice(0, 16);
  const stamp = `${DIR}/script.hash`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && MODELS.every((m) => existsSync(`${DIR}/${m}.output.f32`))) return;
  execFileSync('/usr/bin/python3', [SCRIPT, DIR, ...MODELS], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('sh', ['-c', `printf %s ${hash} > ${stamp}`]);
}
if (!skip) ensure();

const f32 = (path: string) => {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

function nhwc(d: Float32Array, [N, C, H, W]: number[]): Float32Array {
  const o = new Float32Array(d.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) o[(n * H * W + i) * C + c] = d[(n * C + c) * H * W + i];
  return o;
}

const cases: [string, string][] = [...MODELS.map((m) => [m, m] as [string, string]), ['resnet18', 'resnet18-f16'], ['resnet18', 'resnet18-bf16']];
for (const [model, file] of cases) {
  test(`${file}: torchvision's state dict loads through fromPytorch and gives torchvision's output within 1e-4`, { skip: skip ?? false }, () => {
    const net = (sn.nn.models as unknown as Record<string, () => sn.nn.Module>)[ZOO[model]]();
    const { tensors } = sn.io.decodeSafetensors(new Uint8Array(readFileSync(`${DIR}/${file}.safetensors`)));
    net.loadStateDict(sn.io.fromPytorch(net, tensors));
    net.eval();
    const x = sn.tensor(nhwc(f32(`${DIR}/${model}.input.f32`), [1, 3, 224, 224]), [1, 224, 224, 3]);
    const y = sn.tidy(() => sn.noGrad(() => net.call(x).dataSync()));
    const e = relErr(y, f32(`${DIR}/${file}.output.f32`));
    assert.ok(e < 1e-4, `${file}: error ${e.toExponential(2)} of the output scale`);
    x.dispose();
    net.dispose();
  });
}

test('fromPytorch names what is missing or mis-shaped', { skip: skip ?? false }, () => {
  const net = sn.nn.models.resnet18({ classes: 10 });
  const { tensors } = sn.io.decodeSafetensors(new Uint8Array(readFileSync(`${DIR}/resnet18.safetensors`)));
  assert.throws(() => sn.io.fromPytorch(net, tensors), /simdnet\.fromPytorch: 'fc\.weight' has shape \[1000, 512\], the model expects \[10, 512\]/);
  const partial = { ...tensors };
  delete partial['layer2.0.downsample.1.running_var'];
  const full = sn.nn.models.resnet18();
  assert.throws(() => sn.io.fromPytorch(full, partial), /missing 'layer2\.0\.downsample\.1\.running_var'/);
  net.dispose();
  full.dispose();
});
