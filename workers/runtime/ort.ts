/**
 * The one place this app imports onnxruntime-web (README.md in this folder says why).
 *
 * `onnxruntime-web/webgpu` is the entry @huggingface/transformers 4.3.1 imports in the browser, so
 * both resolve to the same module instance: one `env`, one wasm instance, one ORT-owned GPUDevice.
 * The wasm binary and its loader are self-hosted (Vite `?url` assets), never a CDN.
 */
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';

/** The files ORT loads for the WebGPU build (the asyncify variant is the one that build asks for). */
export const ORT_WASM_PATHS = Object.freeze({ wasm: wasmUrl, mjs: mjsUrl });

// A fresh object: transformers.js replaces `mjs` with a blob URL of its cached copy in place.
ort.env.wasm.wasmPaths = { ...ORT_WASM_PATHS };
// Threads need cross-origin isolation; without it ORT would warn and fall back on its own.
if (!globalThis.crossOriginIsolated) ort.env.wasm.numThreads = 1;

// Not injected under Symbol.for('onnxruntime'): transformers.js 4.3.1 would take it for a foreign
// runtime and offer no devices at all ("Unsupported device: webgpu"). One copy of onnxruntime-web
// and the same entry already make both imports one module (tested in sharing.browser.spec.ts).

export { ort };
export type OrtTensor = ort.Tensor;
export type OrtSession = ort.InferenceSession;
