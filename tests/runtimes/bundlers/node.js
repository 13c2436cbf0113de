// Node entry: bundled into one file that runs from its own directory.
import { readFileSync } from 'node:fs';
import * as sn from 'simdnet';
import { classify } from './classify.js';

const { pixels } = JSON.parse(readFileSync('digits.json', 'utf8'));
classify(sn, readFileSync('lenet5.safetensors'), pixels).then(
  (logits) => console.log(JSON.stringify({ logits })),
  (err) => {
    console.log(JSON.stringify({ error: err.message }));
    process.exitCode = 1;
  },
);
