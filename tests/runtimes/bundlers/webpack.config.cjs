// webpack 5 turns `new URL('./simdnet.wasm', import.meta.url)` inside simdnet into an emitted
// asset by itself; nothing to configure but the entries.
const path = require('node:path');
module.exports = [
  { name: 'web', mode: 'production', target: 'web', entry: './web.js', experiments: { outputModule: true, topLevelAwait: true },
    output: { path: path.resolve('out-webpack-web'), filename: 'web.js', module: true } },
  { name: 'node', mode: 'production', target: 'node', entry: './node.js', experiments: { outputModule: true },
    output: { path: path.resolve('out-webpack-node'), filename: 'app.mjs', module: true, chunkFormat: 'module' } },
];
