# `workerd test config.capnp` runs the test() handler of each service, no network involved.
# Modules are the esbuild outputs beside this file (copied there by tests/runtimes/workerd.mjs).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "edge", worker = .edge),
    (name = "plain", worker = .plain),
  ],
);

const edge :Workerd.Worker = (
  modules = [
    (name = "edge.js", esModule = embed "edge.js"),
    (name = "simdnet.wasm", wasm = embed "simdnet.wasm"),
    (name = "lenet5.bin", data = embed "lenet5.bin"),
    (name = "images.bin", data = embed "images.bin"),
  ],
  compatibilityDate = "2026-04-01",
);

const plain :Workerd.Worker = (
  modules = [
    (name = "plain.js", esModule = embed "plain.js"),
    (name = "simdnet.wasm", wasm = embed "simdnet.wasm"),
    (name = "lenet5.bin", data = embed "lenet5.bin"),
    (name = "images.bin", data = embed "images.bin"),
  ],
  compatibilityDate = "2026-04-01",
);
