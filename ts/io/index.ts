export { encodeSafetensors, decodeSafetensors, saveSafetensors, loadSafetensors, type TensorEntry } from './safetensors';
export { fromPytorch, type FromPytorchOptions } from './pytorch';
