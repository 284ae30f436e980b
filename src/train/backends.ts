/**
 * Choosing a TensorFlow.js backend.
 *
 * When the address names one (`?backend=wasm`), the worker takes the first
 * of that order that starts and computes, as before. Otherwise it measures:
 * GPUs that are emulated on the CPU (SwiftShader, llvmpipe, Microsoft's
 * "Basic Render", WebGPU's fallback adapter) are passed over, because a
 * software GPU is many times slower than WebAssembly on the same cores; the
 * remaining candidates each train a few real steps of the run's model, a
 * second or two in all, and the fastest is kept. Every candidate passed over
 * gets a reason, and the figures are shown on the slide.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { BackendName } from './config.ts';
import type { BackendChoice } from './protocol.ts';

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'plain JavaScript (CPU)' };

export function backendLabel(name: BackendName): string {
  return LABEL[name];
}

/** Renderer or adapter names that mean a GPU emulated on the CPU. */
const EMULATED = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|microsoft basic/i;

/** Whether a GPU's name (WebGL's unmasked renderer, WebGPU's adapter info) is an emulation on the CPU. */
export function isEmulatedRenderer(name: string | undefined): boolean {
  return name !== undefined && EMULATED.test(name);
}

/** What this machine's GPU is, for WebGPU and WebGL: its name, and whether it is emulated. */
export interface GpuInfo {
  webgpu?: { name: string; emulated: boolean };
  webgl?: { name: string; emulated: boolean };
}

type GpuAdapter = { isFallbackAdapter?: boolean; info?: { vendor?: string; architecture?: string; device?: string; description?: string } };

/** Reads the GPU's names. Runs in a worker (OffscreenCanvas) or a page; anything missing is left out. */
export async function gpuInfo(): Promise<GpuInfo> {
  const info: GpuInfo = {};
  try {
    const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapter | null> } }).gpu;
    const adapter = await gpu?.requestAdapter();
    if (adapter) {
      const i = adapter.info ?? {};
      const name = [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' ') || 'an unnamed adapter';
      info.webgpu = { name, emulated: Boolean(adapter.isFallbackAdapter) || isEmulatedRenderer(name) };
    }
  } catch {
    // No WebGPU here.
  }
  try {
    const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : undefined;
    const gl = canvas?.getContext('webgl2') ?? canvas?.getContext('webgl');
    if (gl) {
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      const name = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      info.webgl = { name, emulated: isEmulatedRenderer(name) };
    }
  } catch {
    // No WebGL here.
  }
  return info;
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

/** Switches to `name` and proves it computes; returns why it cannot, or undefined when it can. */
async function start(tf: typeof tfc, name: BackendName): Promise<string | undefined> {
  if (!tf.findBackendFactory(name)) return `${LABEL[name]} is not available in this build`;
  if (name === 'webgpu') {
    const reason = await webgpuUnavailable();
    if (reason) return `${LABEL[name]}: ${reason}`;
  }
  try {
    if (!(await tf.setBackend(name))) return `${LABEL[name]} could not start`;
    await tf.ready();
    // A tiny computation proves that the backend really works.
    const probe = tf.tidy(() => tf.sum(tf.mul(tf.tensor1d([1, 2, 3]), tf.scalar(2))));
    const value = (await probe.data())[0];
    probe.dispose();
    if (value !== 12) return `${LABEL[name]} failed (a test sum came out as ${value})`;
    return undefined;
  } catch (error) {
    return `${LABEL[name]} failed (${(error as Error).message ?? error})`;
  }
}

/**
 * Switches to the first usable backend of `order` not in `skip`.
 * @returns its name and a note for each one passed over.
 * @throws when none works.
 */
export async function selectBackend(
  tf: typeof tfc,
  order: readonly BackendName[],
  skip: ReadonlySet<BackendName> = new Set(),
): Promise<{ backend: BackendName; notes: string[] }> {
  const notes: string[] = [];
  for (const name of order) {
    if (skip.has(name)) continue;
    const reason = await start(tf, name);
    if (!reason) return { backend: name, notes };
    notes.push(reason);
  }
  throw new Error(`no TensorFlow.js backend works in this browser: ${notes.join('; ')}`);
}

/** The candidates to time: every backend but the CPU one (always slowest) and emulated GPUs, each with the reason it is left out. */
export function candidates(
  gpu: GpuInfo,
  skip: ReadonlySet<BackendName> = new Set(),
): { race: BackendName[]; passedOver: BackendChoice['passedOver'] } {
  const race: BackendName[] = [];
  const passedOver: BackendChoice['passedOver'] = [];
  for (const name of ['webgpu', 'webgl', 'wasm'] as const) {
    if (skip.has(name)) continue;
    const found = name === 'wasm' ? undefined : gpu[name];
    if (found?.emulated)
      passedOver.push({
        backend: name,
        reason: `${LABEL[name]} runs on an emulated GPU (${found.name}), slower than WebAssembly on the same cores`,
      });
    else race.push(name);
  }
  return { race, passedOver };
}

/** The fastest of the timings, or undefined when none finished. */
export function fastest(timings: BackendChoice['timings']): BackendName | undefined {
  return [...timings].sort((a, b) => b.examplesPerSecond - a.examplesPerSecond)[0]?.backend;
}

/** "WebAssembly 5,800 ex/s · WebGL 590 ex/s": the figures behind a choice, for the slide. */
export function describeChoice(choice: BackendChoice): string {
  const number = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
  const timed = choice.timings.map((t) => `${t.label} ${number.format(t.examplesPerSecond)} ex/s`);
  const over = choice.passedOver.map((p) => `${LABEL[p.backend]} passed over (emulated GPU)`);
  return [...timed, ...over].join(' · ');
}

/**
 * One line for the slide, under the badge: "fastest of 3: 5,800 ex/s",
 * or the one figure when only one backend could be timed, and whether an
 * emulated GPU was skipped. describeChoice has every figure.
 */
export function shortChoice(choice: BackendChoice): string {
  const number = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
  const best = [...choice.timings].sort((a, b) => b.examplesPerSecond - a.examplesPerSecond)[0];
  if (!best) return '';
  const figure =
    choice.timings.length === 1
      ? `measured ${number.format(best.examplesPerSecond)} ex/s`
      : `fastest of ${choice.timings.length}: ${number.format(best.examplesPerSecond)} ex/s`;
  return choice.passedOver.length > 0 ? `${figure}; emulated GPU skipped` : figure;
}

/**
 * Times each candidate with `time` (a few real training steps of the run's
 * model, in examples per second; undefined when it could not) and switches
 * to the fastest. Falls back to the first that works, in the usual order,
 * when none could be timed.
 */
export async function chooseBackend(
  tf: typeof tfc,
  gpu: GpuInfo,
  skip: ReadonlySet<BackendName>,
  time: (backend: BackendName) => Promise<number | undefined>,
): Promise<{ backend: BackendName; notes: string[]; choice: BackendChoice }> {
  const { race, passedOver } = candidates(gpu, skip);
  const timings: BackendChoice['timings'] = [];
  const notes: string[] = passedOver.map((p) => p.reason);
  for (const name of race) {
    const reason = await start(tf, name);
    if (reason) {
      notes.push(reason);
      continue;
    }
    try {
      const examplesPerSecond = await time(name);
      if (examplesPerSecond !== undefined && Number.isFinite(examplesPerSecond))
        timings.push({ backend: name, examplesPerSecond, label: LABEL[name] });
      else notes.push(`${LABEL[name]} was too slow to time`);
    } catch (error) {
      notes.push(`${LABEL[name]} failed while timed (${(error as Error).message ?? error})`);
    }
  }
  timings.sort((a, b) => b.examplesPerSecond - a.examplesPerSecond);
  const best = fastest(timings);
  if (best) {
    await start(tf, best);
    return { backend: best, notes, choice: { how: 'measured', timings, passedOver } };
  }
  const { backend, notes: more } = await selectBackend(
    tf,
    ['webgpu', 'webgl', 'wasm', 'cpu'],
    new Set([...skip, ...passedOver.map((p) => p.backend)]),
  );
  return { backend, notes: [...notes, ...more], choice: { how: 'first', timings, passedOver } };
}
