// Page entry: the bundler resolves `simdnet` through its browser condition.
import * as sn from 'simdnet';
import { classify } from './classify.js';

const out = document.getElementById('out');
try {
  const weights = new Uint8Array(await fetch('./lenet5.safetensors').then((r) => r.arrayBuffer()));
  const { pixels } = await fetch('./digits.json').then((r) => r.json());
  out.textContent = JSON.stringify({ logits: await classify(sn, weights, pixels) });
} catch (err) {
  out.textContent = JSON.stringify({ error: String(err && err.message ? err.message : err) });
}
