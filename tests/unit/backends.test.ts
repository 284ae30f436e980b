/**
 * How the live slide picks its backend: emulated GPUs are passed over,
 * the rest are timed and the fastest wins, and the slide says so in words.
 * Under Node only WebAssembly and the CPU exist, so WebGPU and WebGL are
 * "not available in this build", as on a browser without them.
 */
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  candidates,
  chooseBackend,
  choiceLine,
  describeChoice,
  fastest,
  isEmulatedRenderer,
  selectBackend,
  shortChoice,
} from '../../src/train/backends/backends.ts';
import { wasmTf } from './tf-wasm.ts';

describe('choosing a backend', () => {
  it('knows emulated GPUs by name', () => {
    for (const name of [
      'Google SwiftShader',
      'llvmpipe (LLVM 15.0.6, 256 bits)',
      'Microsoft Basic Render Driver',
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))',
    ])
      expect(isEmulatedRenderer(name), name).toBe(true);
    for (const name of ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3060)', 'Apple M2', undefined])
      expect(isEmulatedRenderer(name), String(name)).toBe(false);
  });

  it('passes over emulated GPUs and races the rest, never the CPU', () => {
    const { race, passedOver } = candidates({
      webgpu: { name: 'SwiftShader', emulated: true },
      webgl: { name: 'NVIDIA', emulated: false },
    });
    expect(race).toEqual(['webgl', 'wasm']);
    expect(passedOver.map((p) => p.backend)).toEqual(['webgpu']);
    expect(passedOver[0]!.reason).toMatch(/WebGPU runs on an emulated GPU \(SwiftShader\)/);
    expect(candidates({}, new Set(['wasm'])).race).toEqual(['webgpu', 'webgl']);
  });

  it('the fastest timing wins', () => {
    expect(
      fastest([
        { backend: 'wasm', examplesPerSecond: 3000, label: 'WebAssembly' },
        { backend: 'webgpu', examplesPerSecond: 9000, label: 'WebGPU' },
      ]),
    ).toBe('webgpu');
    expect(fastest([])).toBeUndefined();
  });

  it('times what starts, notes what does not, and switches to the fastest', async () => {
    const tf = await wasmTf();
    const timed: string[] = [];
    const { backend, notes, choice } = await chooseBackend(
      tf,
      { webgl: { name: 'SwiftShader', emulated: true } },
      new Set(),
      async (name) => {
        timed.push(name);
        return 2500;
      },
    );
    expect(timed).toEqual(['wasm']);
    expect(backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    // Node, like Firefox on Linux or WebKitGTK, has no navigator.gpu: the note says so, not "not in this build".
    expect(notes).toEqual([expect.stringMatching(/WebGL runs on an emulated GPU/), 'WebGPU: this browser has no WebGPU']);
    expect(choice).toMatchObject({ how: 'measured', timings: [{ backend: 'wasm', examplesPerSecond: 2500 }] });
  });

  it('falls back to the first backend that works when none could be timed, and says why', async () => {
    const tf = await wasmTf();
    const { backend, notes, choice } = await chooseBackend(tf, {}, new Set(), async () => {
      throw new Error('out of memory');
    });
    expect(backend).toBe('wasm');
    expect(choice.how).toBe('first');
    expect(notes).toContain('WebAssembly failed while timed (out of memory)');
  });
});

describe('a backend that stalls or fails is given up, and the next one is used', () => {
  /** Registers a stand-in for WebGL under Node (which has none) for one test. */
  async function withFakeWebgl<T>(factory: () => unknown, body: (tf: Awaited<ReturnType<typeof wasmTf>>) => Promise<T>): Promise<T> {
    const tf = await wasmTf();
    tf.registerBackend('webgl', factory as never);
    try {
      return await body(tf);
    } finally {
      tf.removeBackend('webgl');
      await tf.setBackend('wasm');
    }
  }

  it('gives up a backend that never finishes starting, within the time limit, and starts the next', async () => {
    const started = Date.now();
    const result = await withFakeWebgl(
      () => new Promise(() => {}),
      (tf) => selectBackend(tf, ['webgl', 'wasm'], new Set(), { limits: { start: 300 } }),
    );
    expect(result.backend).toBe('wasm');
    expect(result.notes).toEqual(['WebGL did not start within 300 ms and was given up']);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  // TensorFlow.js catches a factory's error itself (it only warns, and setBackend answers false), so the note cannot quote it.
  it('gives up a backend that throws on start, saying it could not start, and starts the next', async () => {
    const result = await withFakeWebgl(
      () => {
        throw new Error('context lost');
      },
      (tf) => selectBackend(tf, ['webgl', 'wasm']),
    );
    expect(result.backend).toBe('wasm');
    expect(result.notes).toEqual(['WebGL could not start']);
  });

  it('gives up a forced WebGPU where the browser has none, saying so rather than "not in this build", and starts the next', async () => {
    const tf = await wasmTf();
    // Node, like Firefox on Linux or WebKitGTK, has no navigator.gpu.
    const result = await selectBackend(tf, ['webgpu', 'wasm']);
    expect(result).toEqual({ backend: 'wasm', notes: ['WebGPU: this browser has no WebGPU'] });
  });

  it('tries a failed backend once more when asked to (threaded WebAssembly falling back to one thread)', async () => {
    let attempts = 0;
    const asked: string[] = [];
    const result = await withFakeWebgl(
      () => {
        attempts += 1;
        if (attempts === 1) throw new Error('threads unavailable');
        return { dispose() {} };
      },
      (tf) =>
        selectBackend(tf, ['webgl', 'wasm'], new Set(), {
          retry: (name, reason) => {
            asked.push(`${name}: ${reason}`);
            return true;
          },
        }),
    );
    expect(asked).toEqual(['webgl: WebGL could not start']);
    expect(attempts).toBe(2);
    // The stand-in starts the second time but cannot compute: it is given up with a reason, and wasm is used.
    expect(result.backend).toBe('wasm');
  });

  it('gives up a backend whose timing never ends, and measures the others', async () => {
    const tf = await wasmTf();
    const { backend, notes, choice } = await chooseBackend(
      tf,
      {},
      new Set(),
      (name) => (name === 'wasm' ? new Promise<number>(() => {}) : Promise.resolve(1000)),
      { limits: { time: 300 } },
    );
    expect(notes).toContain('WebAssembly stalled while timed (no step within 300 ms) and was given up');
    expect(choice.how).toBe('first');
    expect(backend).toBe('cpu');
  });
});

describe('the choice in words', () => {
  const choice = {
    how: 'measured' as const,
    timings: [
      { backend: 'webgpu' as const, examplesPerSecond: 9120.4, label: 'WebGPU' },
      { backend: 'wasm' as const, examplesPerSecond: 3300, label: 'WebAssembly' },
    ],
    passedOver: [{ backend: 'webgl' as const, reason: 'emulated' }],
  };

  it('every figure, for the tooltip and the data attribute', () => {
    expect(describeChoice(choice)).toBe('WebGPU 9,120 ex/s · WebAssembly 3,300 ex/s · WebGL passed over (emulated GPU)');
  });

  it('one line for data-backend-choice that always says what was used, never "forced: " alone', () => {
    const forced = { how: 'forced' as const, timings: [], passedOver: [] };
    expect(choiceLine(choice, 'webgpu')).toBe('measured: WebGPU 9,120 ex/s · WebAssembly 3,300 ex/s · WebGL passed over (emulated GPU)');
    expect(choiceLine(forced, 'wasm', 'wasm')).toBe('forced: WebAssembly, as the address asked');
    expect(choiceLine(forced, 'wasm', 'webgpu')).toBe('forced: WebGPU asked for by the address, WebAssembly used');
    expect(choiceLine({ how: 'first', timings: [], passedOver: choice.passedOver }, 'wasm')).toBe(
      'first: WebAssembly, the first that worked · WebGL passed over (emulated GPU)',
    );
  });

  it('one short line for the slide', () => {
    expect(shortChoice(choice)).toBe('fastest of 2: 9,120 ex/s; emulated GPU skipped');
    expect(shortChoice({ ...choice, timings: choice.timings.slice(1), passedOver: [] })).toBe('measured 3,300 ex/s');
    expect(shortChoice({ ...choice, timings: [] })).toBe('');
  });
});
