/**
 * The one place this app imports onnxruntime-web (README.md in this folder says why).
 *
 * `onnxruntime-web/webgpu` is the entry @huggingface/transformers 4.3.1 imports in the browser, so
 * both resolve to the same module instance: one `env`, one wasm instance, one ORT-owned GPUDevice.
 * The wasm binary and its loader are self-hosted (Vite `?url` assets), never a CDN.
 */
import * as ort from 'onnxruntime-web/webgpu';
// The files ORT loads for the WebGPU build, named once (the page uses them too, without ORT itself).
import { ORT_WASM_PATHS } from '../../src/lib/models/ort-wasm.ts';

export { ORT_WASM_PATHS };

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
