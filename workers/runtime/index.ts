// The model runtime's public surface (README.md in this folder).
export { ORT_WASM_PATHS, ort } from './ort.ts';
export { type Capabilities, assertRunnable, describeGpu, pickVariant, probeCapabilities } from './capabilities.ts';
export { ortDevice, runtimeGpu, stopRuntimeGpu } from './device.ts';
export { ModelRuntimeError, type RuntimeErrorCode } from './errors.ts';
export { type Feed, type IoInfo, readFloat32, toFloat32 } from './feeds.ts';
export { DEFAULT_CONFLICTS, DEFAULT_GPU_BUDGET, Residency } from './residency.ts';
export { type RoleSessionOptions, openRoleSession } from './roles.ts';
export { ModelSession, type ModelSessionOptions, type Placement } from './session.ts';
