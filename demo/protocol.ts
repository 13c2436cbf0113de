// Messages between the demo page and its training worker.
export type OptimizerName = 'adam' | 'sgd' | 'rmsprop';

export type ToWorker =
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'reset' }
  | { type: 'lr'; value: number }
  | { type: 'augment'; on: boolean }
  | { type: 'optimizer'; name: OptimizerName }
  | { type: 'predict'; id: number; pixels: Float32Array } // 28×28 in [0, 1], MNIST-preprocessed
  | { type: 'save'; id: number; format: 'safetensors' | 'onnx' }
  | { type: 'load'; id: number; bytes: Uint8Array };

/** An RGBA picture of a layer's output or of filters (sn.image grids). */
export interface LayerView {
  name: string;
  shape: number[];
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export type FromWorker =
  | { type: 'ready'; threads: number; threadsReason: string; isolated: boolean; trainSize: number; testSize: number; gridPixels: Uint8Array; gridLabels: number[] }
  | { type: 'progress'; step: number; epoch: number; losses: [number, number][]; imagesPerSecond: number; lr: number; optimizer: OptimizerName }
  | { type: 'validation'; step: number; epoch: number; accuracy: number; ms: number }
  | { type: 'views'; step: number; layers: LayerView[]; filters: LayerView[]; pixels: Float32Array; label: number }
  | { type: 'testGrid'; step: number; top: [number, number][][] }
  | { type: 'prediction'; id: number; probabilities: number[] }
  | { type: 'weights'; id: number; bytes?: Uint8Array; error?: string }
  | { type: 'onnx'; available: boolean }
  | { type: 'loaded'; id: number; error?: string }
  | { type: 'reset' }
  | { type: 'error'; message: string };
