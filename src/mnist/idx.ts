/**
 * Reading IDX files, the format MNIST was published in (LeCun et al.):
 *
 *   bytes 0–1  zero
 *   byte  2    data type (0x08: unsigned byte)
 *   byte  3    number of dimensions
 *   then one big-endian uint32 per dimension, then the data, row-major.
 *
 * So the magic number is 0x00000803 for a 3D array of bytes (the images) and
 * 0x00000801 for a 1D array (the labels). Pure functions over bytes.
 */

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** What a file must be; anything else is an error that names the file. */
export interface IdxExpectation {
  /** How the file is named in messages. */
  name: string;
  /** 0x803 for images, 0x801 for labels. */
  magic: number;
  /** Exact dimensions, e.g. [60000, 28, 28]. */
  dims: number[];
  /** For labels: every value must be below this (10 for digits). */
  maxValueExclusive?: number;
}

export class IdxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdxError';
  }
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * Parses and checks one IDX file.
 *
 * @throws {IdxError} saying which file, what was expected and what was found.
 */
export function parseIdx(bytes: Uint8Array, expected: IdxExpectation): IdxArray {
  const { name } = expected;
  if (bytes.length < 4) throw new IdxError(`${name}: expected an IDX file, found only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expected.magic) {
    throw new IdxError(`${name}: expected magic number ${hex(expected.magic)}, found ${hex(magic)}`);
  }
  const rank = magic & 0xff;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new IdxError(`${name}: expected a ${headerBytes}-byte header, found ${bytes.length} bytes`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  if (dims.length !== expected.dims.length || dims.some((d, i) => d !== expected.dims[i])) {
    throw new IdxError(`${name}: expected dimensions (${expected.dims.join(', ')}), found (${dims.join(', ')})`);
  }
  const length = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerBytes + length) {
    throw new IdxError(
      `${name}: expected ${headerBytes + length} bytes for (${dims.join(', ')}), found ${bytes.length}${bytes.length < headerBytes + length ? ' (truncated)' : ''}`,
    );
  }
  const data = bytes.subarray(headerBytes);
  if (expected.maxValueExclusive !== undefined) {
    const limit = expected.maxValueExclusive;
    const bad = data.findIndex((v) => v >= limit);
    if (bad !== -1) throw new IdxError(`${name}: expected every label to be 0–${limit - 1}, found ${data[bad]} at index ${bad}`);
  }
  return { dims, data };
}

/** Writes an IDX file of unsigned bytes (for tests and fixtures). */
export function writeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x800 | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
