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
import type { BackendName } from '../model/config.ts';
import type { BackendChoice } from '../protocol.ts';

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

/** How long a backend may take to start and to be timed before it is given up as stalled. */
export interface Limits {
  /** Milliseconds to switch to a backend and run a probe on it. */
  start: number;
  /** Milliseconds to time a backend (its warm-up step and the timed steps). */
  time: number;
}

/**
 * Generous for a slow start (WebGPU on a software adapter compiles its
 * shaders on two cores in a few seconds), short enough that a backend that
 * hangs (WebGL inside a Safari worker, tfjs #7803 and #8596) does not leave
 * the slide waiting forever.
 */
export const LIMITS: Limits = { start: 20_000, time: 15_000 };

/** Options of a backend choice: time limits, and a second chance for a backend whose first start failed. */
export interface StartOptions {
  limits?: Partial<Limits>;
  /**
   * Called when a backend failed to start, with the reason; returns true to
   * try it once more (the worker turns WebAssembly's threads off, when its
   * threaded build is what failed).
   */
  retry?: (name: BackendName, reason: string) => boolean;
}

/** "20 s", "300 ms": a time limit in words. */
function duration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/** A value, or `undefined` once `ms` have passed without one. */
export async function within<T>(ms: number, work: Promise<T>): Promise<{ value: T } | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([work.then((value) => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Switches to `name` and proves it computes; returns why it cannot, or undefined when it can. */
async function startOnce(tf: typeof tfc, name: BackendName, limit: number): Promise<string | undefined> {
  const attempt = (async () => {
    // WebGPU first: its package registers no backend where the browser has none, and "not in this build" would mislead.
    // Inside the time limit: an adapter request that never answers (a browser with navigator.gpu and no GPU) must
    // not leave the slide choosing for ever.
    if (name === 'webgpu') {
      const reason = await webgpuUnavailable();
      if (reason) return `${LABEL[name]}: ${reason}`;
    }
    if (!tf.findBackendFactory(name)) return `${LABEL[name]} is not available in this build`;
    // setBackend waits for the backend's own start; tf.ready() is not awaited, as it would wait for a stalled one too.
    if (!(await tf.setBackend(name))) return `${LABEL[name]} could not start`;
    // A tiny computation proves that the backend really works.
    const probe = tf.tidy(() => tf.sum(tf.mul(tf.tensor1d([1, 2, 3]), tf.scalar(2))));
    const value = (await probe.data())[0];
    probe.dispose();
    return value === 12 ? undefined : `${LABEL[name]} failed (a test sum came out as ${value})`;
  })().catch((error: unknown) => `${LABEL[name]} failed (${(error as Error).message ?? error})`);
  const result = await within(limit, attempt);
  if (result) return result.value;
  abandonStart(tf);
  return `${LABEL[name]} did not start within ${duration(limit)} and was given up`;
}

/**
 * Forgets a backend start that never finished. TensorFlow.js keeps a
 * pending start until it settles, and until then refuses every operation on
 * any backend ("has not yet been initialized"); a start that never settles
 * would stop the page's training for good. Marking it outdated is what
 * `tf.removeBackend` does for the same case; the start itself, should it
 * ever finish, is then ignored.
 */
function abandonStart(tf: typeof tfc): void {
  const engine = tf.engine() as unknown as { pendingBackendInit: unknown; pendingBackendInitId: number };
  engine.pendingBackendInitId += 1;
  engine.pendingBackendInit = null;
}

/** Starts `name`, once more if `retry` allows after a failure. */
async function start(tf: typeof tfc, name: BackendName, options: StartOptions = {}): Promise<string | undefined> {
  const limit = options.limits?.start ?? LIMITS.start;
  const reason = await startOnce(tf, name, limit);
  if (reason && options.retry?.(name, reason)) {
    const again = await startOnce(tf, name, limit);
    return again ? `${reason}; tried again: ${again}` : undefined;
  }
  return reason;
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
  options: StartOptions = {},
): Promise<{ backend: BackendName; notes: string[] }> {
  const notes: string[] = [];
  for (const name of order) {
    if (skip.has(name)) continue;
    const reason = await start(tf, name, options);
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
 * The choice as data-backend-choice says it: how it was made, then what it
 * rests on. A measured choice lists every figure; a forced one names the
 * backend used and, where it is not the one the address asked for, that
 * one too ("forced: WebGPU asked for by the address, WebAssembly used"),
 * and a first-that-worked one names it, with whatever figures there are.
 * Never "forced: " with nothing after the colon.
 */
export function choiceLine(choice: BackendChoice, backend: BackendName, asked?: BackendName): string {
  const figures = describeChoice(choice);
  if (choice.how === 'measured') return `measured: ${figures}`;
  const used =
    choice.how === 'first'
      ? `${LABEL[backend]}, the first that worked`
      : asked !== undefined && asked !== backend
        ? `${LABEL[asked]} asked for by the address, ${LABEL[backend]} used`
        : `${LABEL[backend]}, as the address asked`;
  return `${choice.how}: ${figures ? `${used} · ${figures}` : used}`;
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
  options: StartOptions = {},
): Promise<{ backend: BackendName; notes: string[]; choice: BackendChoice }> {
  const { race, passedOver } = candidates(gpu, skip);
  const timings: BackendChoice['timings'] = [];
  const notes: string[] = passedOver.map((p) => p.reason);
  const stalled = new Set<BackendName>();
  const timeLimit = options.limits?.time ?? LIMITS.time;
  for (const name of race) {
    const reason = await start(tf, name, options);
    if (reason) {
      notes.push(reason);
      continue;
    }
    try {
      const timed = await within(timeLimit, time(name));
      if (!timed) {
        stalled.add(name);
        notes.push(`${LABEL[name]} stalled while timed (no step within ${duration(timeLimit)}) and was given up`);
      } else if (timed.value !== undefined && Number.isFinite(timed.value))
        timings.push({ backend: name, examplesPerSecond: timed.value, label: LABEL[name] });
      else notes.push(`${LABEL[name]} was too slow to time`);
    } catch (error) {
      notes.push(`${LABEL[name]} failed while timed (${(error as Error).message ?? error})`);
    }
  }
  timings.sort((a, b) => b.examplesPerSecond - a.examplesPerSecond);
  const best = fastest(timings);
  if (best) {
    await start(tf, best, options);
    return { backend: best, notes, choice: { how: 'measured', timings, passedOver } };
  }
  const { backend, notes: more } = await selectBackend(
    tf,
    ['webgpu', 'webgl', 'wasm', 'cpu'],
    new Set([...skip, ...stalled, ...passedOver.map((p) => p.backend)]),
    options,
  );
  return { backend, notes: [...notes, ...more], choice: { how: 'first', timings, passedOver } };
}
