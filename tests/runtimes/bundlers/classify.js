// The app every bundler builds: LeNet-5 logits for the shipped digits, as a consumer writes it.
export async function classify(sn, weights, pixels) {
  await sn.init();
  const net = sn.nn.models.lenet5();
  sn.io.loadSafetensors(net, weights);
  const logits = sn.tidy(() => {
    const x = sn.tensor(Float32Array.from(pixels, (v) => v / 255), [pixels.length / 784, 28, 28, 1]);
    return Array.from(sn.predict(net, x).dataSync());
  });
  net.dispose();
  return logits;
}
