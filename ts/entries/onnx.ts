// simdnet/onnx: ONNX import (and export). A subpath of its own because the protobuf decoder
// and encoder (protobufjs) weigh about as much as the rest of the library; the main entry
// does not grow. dist/onnx.js imports `simdnet` itself, so it shares the caller's instance.
export { loadOnnx, OnnxModel, type LoadOnnxOptions, type OnnxTensorInfo } from '../io/onnx/model';
export { OnnxLayer } from '../io/onnx/ops';
export { saveOnnx, type SaveOnnxOptions } from '../io/onnx/save';
