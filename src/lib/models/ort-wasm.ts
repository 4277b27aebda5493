// onnxruntime-web's wasm runtime served by this app (Vite emits the files as assets): transformers.js
// would otherwise fetch them from a CDN, which an offline editor cannot reach. The asyncify build is
// the one the WebGPU build of onnxruntime-web (what transformers.js imports) runs on.
import mjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import wasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

export const ORT_WASM_PATHS: Readonly<{ wasm: string; mjs: string }> = Object.freeze({ wasm, mjs });
