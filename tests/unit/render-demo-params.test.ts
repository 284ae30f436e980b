/**
 * The check of a demo's slide parameters, as the build runs it on every
 * `::demo{…}` and the browser on parameters that arrive in a link.
 */
import { z } from 'astro/zod';
import { describe, expect, it } from 'vitest';
import { assertDemoSpec, parseDemoParams } from '../../src/markdown/demo-params.ts';

const params = z.object({
  /** The learning rate. */
  rate: z.coerce.number().positive().max(2).default(0.1),
  /** Examples per step. */
  batch: z.coerce.number().int().min(1).default(8),
  /** Whether the descent uses momentum. */
  momentum: z.stringbool().default(false),
  /** The loss curve. */
  curve: z.enum(['valley', 'two-valleys']).default('valley'),
});

const problems = (input: Record<string, string>, options?: { partial?: boolean }) => {
  const result = parseDemoParams(params, input, options);
  return result.success ? [] : result.problems.map((problem) => problem.message);
};

describe('parseDemoParams', () => {
  it("turns attribute strings into the schema's values and fills in defaults", () => {
    expect(parseDemoParams(params, { rate: '0.5', momentum: 'on' })).toEqual({
      success: true,
      data: { rate: 0.5, batch: 8, momentum: true, curve: 'valley' },
    });
  });

  it('describes every wrong value in words a lecturer reads, quoting what was written', () => {
    expect(problems({ rate: 'fast', batch: '2.5', momentum: 'maybe', curve: 'bowl' })).toEqual([
      'field "rate" must be a number, not "fast"',
      'field "batch" must be a whole number, not "2.5"',
      'field "momentum" must be "true" or "false", not "maybe"',
      'field "curve" must be one of "valley", "two-valleys", not "bowl"',
    ]);
    expect(problems({ rate: '3', batch: '0' })).toEqual([
      'field "rate" must be at most 2, not "3"',
      'field "batch" must be at least 1, not "0"',
    ]);
  });

  it("refuses unknown parameters even when the demo's schema is not strict", () => {
    expect(problems({ rat: '0.5' })).toEqual(['field "rat" is not a known parameter (known: rate, batch, momentum, curve)']);
    const none = parseDemoParams(z.object({}).strict(), { preset: 'good' });
    expect(none.success ? [] : none.problems).toEqual([
      { field: 'preset', message: 'field "preset" is not a known parameter (known: none)' },
    ]);
  });

  it('checks only the parameters given when partial, as for a link that overrides some, and adds no defaults', () => {
    expect(parseDemoParams(params, { batch: '32' }, { partial: true })).toEqual({ success: true, data: { batch: 32 } });
    expect(problems({ batch: 'many', colour: 'red' }, { partial: true })).toEqual([
      'field "batch" must be a number, not "many"',
      'field "colour" is not a known parameter (known: rate, batch, momentum, curve)',
    ]);
  });
});

describe('assertDemoSpec', () => {
  it("refuses a demo whose parameters would be shadowed by the deck's own name and steps", () => {
    expect(() => assertDemoSpec('x', { params: z.object({ steps: z.coerce.number() }), keys: [] })).toThrow(
      'demo "x": its parameters may not include "steps", which ::demo keeps for the deck; rename the parameter in the demo\'s manifest',
    );
    expect(() => assertDemoSpec('x', { params, keys: ['A'] })).not.toThrow();
  });
});
