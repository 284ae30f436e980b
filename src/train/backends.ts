/**
 * Choosing a TensorFlow.js backend: the first of webgpu, webgl, wasm, cpu
 * that starts and computes. WebGPU exists only in secure contexts and is
 * missing in many browsers and on many machines; `setBackend` may throw or
 * resolve false. Every skipped backend gets a note saying why.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { BackendName } from './config.ts';

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'plain JavaScript (CPU)' };

export function backendLabel(name: BackendName): string {
  return LABEL[name];
}

/** Why WebGPU cannot be used here, or undefined when an adapter is available. */
async function webgpuUnavailable(): Promise<string | undefined> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return globalThis.isSecureContext === false ? 'WebGPU needs a secure (https) page' : 'this browser has no WebGPU';
  try {
    if (!(await gpu.requestAdapter())) return 'no WebGPU adapter (GPU) is available';
  } catch (error) {
    return `WebGPU refused an adapter (${(error as Error).message})`;
  }
  return undefined;
}

/**
 * Switches to the first usable backend of `order` not in `skip`.
 * @returns its name and a note for each one passed over.
 * @throws when none works.
 */
export async function selectBackend(tf: typeof tfc, order: readonly BackendName[], skip: ReadonlySet<BackendName> = new Set()): Promise<{ backend: BackendName; notes: string[] }> {
  const notes: string[] = [];
  for (const name of order) {
    if (skip.has(name)) continue;
    if (!tf.findBackendFactory(name)) {
      notes.push(`${LABEL[name]} is not available in this build`);
      continue;
    }
    if (name === 'webgpu') {
      const reason = await webgpuUnavailable();
      if (reason) {
        notes.push(`${LABEL[name]}: ${reason}`);
        continue;
      }
    }
    try {
      if (!(await tf.setBackend(name))) {
        notes.push(`${LABEL[name]} could not start`);
        continue;
      }
      await tf.ready();
      // A tiny computation proves that the backend really works.
      const probe = tf.tidy(() => tf.sum(tf.mul(tf.tensor1d([1, 2, 3]), tf.scalar(2))));
      const value = (await probe.data())[0];
      probe.dispose();
      if (value !== 12) throw new Error(`a test sum came out as ${value}`);
      return { backend: name, notes };
    } catch (error) {
      notes.push(`${LABEL[name]} failed (${(error as Error).message ?? error})`);
    }
  }
  throw new Error(`no TensorFlow.js backend works in this browser: ${notes.join('; ')}`);
}
