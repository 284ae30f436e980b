/**
 * How the live slide picks its backend: emulated GPUs are passed over,
 * the rest are timed and the fastest wins, and the slide says so in words.
 * Under Node only WebAssembly and the CPU exist, so WebGPU and WebGL are
 * "not available in this build", as on a browser without them.
 */
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { candidates, chooseBackend, describeChoice, fastest, isEmulatedRenderer, shortChoice } from '../../src/train/backends.ts';
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
    expect(notes).toEqual([expect.stringMatching(/WebGL runs on an emulated GPU/), 'WebGPU is not available in this build']);
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

  it('one short line for the slide', () => {
    expect(shortChoice(choice)).toBe('fastest of 2: 9,120 ex/s; emulated GPU skipped');
    expect(shortChoice({ ...choice, timings: choice.timings.slice(1), passedOver: [] })).toBe('measured 3,300 ex/s');
    expect(shortChoice({ ...choice, timings: [] })).toBe('');
  });
});
