import { describe, expect, it } from 'vitest';
import { parseIdx, writeIdx } from '../../src/mnist/idx.ts';

const images = (n: number) =>
  writeIdx(
    [n, 28, 28],
    new Uint8Array(n * 784).map((_, i) => i % 256),
  );
const labels = (values: number[]) => writeIdx([values.length], Uint8Array.from(values));

describe('parseIdx', () => {
  it('reads the dimensions and the data of a valid image file', () => {
    const parsed = parseIdx(images(3), { name: 'imgs', magic: 0x803, dims: [3, 28, 28] });
    expect(parsed.dims).toEqual([3, 28, 28]);
    expect(parsed.data.length).toBe(3 * 784);
    expect(parsed.data[785]).toBe(785 % 256);
  });

  it('reads a valid label file', () => {
    expect([...parseIdx(labels([5, 0, 4, 1, 9]), { name: 'lbls', magic: 0x801, dims: [5], maxValueExclusive: 10 }).data]).toEqual([
      5, 0, 4, 1, 9,
    ]);
  });

  it('names the file and both magic numbers when the magic is wrong', () => {
    expect(() => parseIdx(labels([1]), { name: 'train-images-idx3-ubyte', magic: 0x803, dims: [1, 28, 28] })).toThrow(
      'train-images-idx3-ubyte: expected magic number 0x00000803, found 0x00000801',
    );
  });

  it('reports a truncated file with the sizes', () => {
    const truncated = images(2).subarray(0, 16 + 784 + 100);
    expect(() => parseIdx(truncated, { name: 't10k-images-idx3-ubyte', magic: 0x803, dims: [2, 28, 28] })).toThrow(
      't10k-images-idx3-ubyte: expected 1584 bytes for (2, 28, 28), found 900 (truncated)',
    );
  });

  it('reports a count that does not match the expected one', () => {
    expect(() => parseIdx(images(2), { name: 'train-images-idx3-ubyte', magic: 0x803, dims: [60000, 28, 28] })).toThrow(
      'train-images-idx3-ubyte: expected dimensions (60000, 28, 28), found (2, 28, 28)',
    );
  });

  it('reports a label outside 0–9 with its index', () => {
    expect(() => parseIdx(labels([3, 10, 2]), { name: 'train-labels-idx1-ubyte', magic: 0x801, dims: [3], maxValueExclusive: 10 })).toThrow(
      'train-labels-idx1-ubyte: expected every label to be 0–9, found 10 at index 1',
    );
  });

  it('refuses a file too short to have a header', () => {
    expect(() => parseIdx(new Uint8Array(2), { name: 'x', magic: 0x801, dims: [1] })).toThrow(
      'x: expected an IDX file, found only 2 bytes',
    );
  });
});
