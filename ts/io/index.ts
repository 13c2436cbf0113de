export { encodeSafetensors, decodeSafetensors, saveSafetensors, loadSafetensors, type TensorEntry } from './safetensors';
