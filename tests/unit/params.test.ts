/**
 * The deck's URL parameters, declared once (src/params.ts): read with their
 * schemas, refused with a sentence that names the parameter, turned into a
 * training session's settings, and documented in the README from the same
 * table.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemsWith, TRAINING_PARAMS } from '../../src/address.ts';
import { PARAMS, readAddress, readmeTable } from '../../src/params.ts';
import { configFromAddress, KERAS_PROGRAM } from '../../src/train/model/config.ts';
import { KERAS_RUN } from '../../src/train/model/spec.ts';

describe('reading the address', () => {
  it('reads each documented parameter with its type', () => {
    const { given, problems } = readAddress('?train-size=384&test-size=500&epochs=2&backend=wasm&theme=dark&fault=nan@20&charts=off');
    expect(problems).toEqual([]);
    expect(given).toEqual({
      'train-size': 384,
      'test-size': 500,
      epochs: 2,
      backend: 'wasm',
      theme: 'dark',
      fault: 'nan@20',
      charts: 'off',
    });
  });

  it('refuses an unusable value with a sentence naming the parameter and what it takes, and keeps the rest', () => {
    const address = readAddress('train-size=lots&backend=cuda&epochs=2.5&theme=sepia&epochs=3');
    expect(address.given).toEqual({});
    expect(address.problems.map((p) => p.message)).toEqual([
      'URL parameter train-size=lots is not a whole number from 1 to 60000; using the default.',
      'URL parameter backend=cuda is not one of auto, webgpu, webgl, wasm, cpu; using the default.',
      'URL parameter epochs=2.5 is not a whole number from 1 to 50; using the default.',
      'URL parameter theme=sepia is not one of light, dark; using the default.',
    ]);
    // A training demo shows the problems of what it reads, not the theme's.
    expect(problemsWith(address, TRAINING_PARAMS)).toHaveLength(3);
  });

  it('lets reveal.js’s own parameters through, and notes names it does not know', () => {
    const address = readAddress('print-pdf&showNotes=separate-page&receiver&bogus=1');
    expect(address.problems).toEqual([]);
    expect(address.others).toEqual(['bogus']);
  });

  it('turns the training parameters into a session’s settings, the lecture’s program by default', () => {
    expect(configFromAddress({})).toEqual(KERAS_PROGRAM);
    expect(KERAS_PROGRAM).toEqual({ ...KERAS_RUN, testSize: 10000, backends: ['webgpu', 'webgl', 'wasm', 'cpu'], loop: 'deck' });
    const { given } = readAddress('train-size=384&test-size=500&epochs=2&backend=wasm&loop=stock');
    expect(configFromAddress(given)).toMatchObject({
      trainSize: 384,
      testSize: 500,
      epochs: 2,
      loop: 'stock',
      backends: ['wasm', 'webgpu', 'webgl', 'cpu'],
    });
  });
});

describe('the README', () => {
  it('documents every parameter exactly as the table declares it', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('<!-- params:start -->');
    const end = readme.indexOf('<!-- params:end -->');
    expect(start, 'the README marks its table of URL parameters with <!-- params:start --> and <!-- params:end -->').toBeGreaterThan(0);
    expect(readme.slice(start + '<!-- params:start -->'.length, end).trim()).toBe(readmeTable());
    for (const name of Object.keys(PARAMS)) expect(readmeTable()).toContain(`\`${name}=`);
  });
});
