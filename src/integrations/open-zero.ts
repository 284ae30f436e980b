/**
 * An open zero for prose, made from the typeface's own zero.
 *
 * Atkinson Hyperlegible Next draws its zero with a slash, which helps in
 * code (0 and O) and hurts in prose: "6Ø,ØØØ images". The font as packaged
 * (@fontsource-variable) has no feature for another zero (its only layout
 * features are ccmp, frac, locl, pnum and tnum), so the build makes one:
 * it takes the face's zero (and its tabular form) at each weight the deck
 * uses, removes the slash by joining the two halves of the counter into
 * one, and writes tiny faces with only that character, which fonts.ts
 * declares after the full face with `unicode-range: U+0030`, so that the
 * browser draws every prose zero from them. Code is set in the Mono, whose
 * zero keeps its mark.
 *
 * The surgery is on TrueType outlines: in a static instance (the weight
 * axis pinned by the subsetter) the zero is three contours, the outline and
 * the counter's two halves, each half an arc closed by one straight edge
 * (a side of the slash). The arcs are kept, the straight edges replaced by
 * two short curves along the counter's ellipse, and the glyph written back
 * with two contours and no hinting instructions.
 */

interface Point {
  x: number;
  y: number;
  on: boolean;
}

interface Table {
  tag: string;
  data: Buffer;
}

function readTables(font: Buffer): Table[] {
  const count = font.readUInt16BE(4);
  const tables: Table[] = [];
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    const tag = font.toString('latin1', at, at + 4);
    const offset = font.readUInt32BE(at + 8);
    const length = font.readUInt32BE(at + 12);
    tables.push({ tag, data: Buffer.from(font.subarray(offset, offset + length)) });
  }
  return tables;
}

function checksum(data: Buffer): number {
  const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

function writeFont(flavor: number, tables: Table[]): Buffer {
  const sorted = [...tables].sort((a, b) => (a.tag < b.tag ? -1 : 1));
  const count = sorted.length;
  const power = 2 ** Math.floor(Math.log2(count));
  const header = Buffer.alloc(12 + 16 * count);
  header.writeUInt32BE(flavor, 0);
  header.writeUInt16BE(count, 4);
  header.writeUInt16BE(power * 16, 6);
  header.writeUInt16BE(Math.log2(power), 8);
  header.writeUInt16BE(count * 16 - power * 16, 10);
  const head = sorted.find((t) => t.tag === 'head');
  head?.data.writeUInt32BE(0, 8);
  let offset = header.length;
  const bodies: Buffer[] = [];
  sorted.forEach((t, i) => {
    const at = 12 + 16 * i;
    header.write(t.tag, at, 'latin1');
    header.writeUInt32BE(checksum(t.data), at + 4);
    header.writeUInt32BE(offset, at + 8);
    header.writeUInt32BE(t.data.length, at + 12);
    const padded = Buffer.concat([t.data, Buffer.alloc((4 - (t.data.length % 4)) % 4)]);
    bodies.push(padded);
    offset += padded.length;
  });
  const font = Buffer.concat([header, ...bodies]);
  if (head) {
    const headOffset = font.readUInt32BE(12 + 16 * sorted.indexOf(head) + 8);
    font.writeUInt32BE((0xb1b0afba - checksum(font)) >>> 0, headOffset + 8);
  }
  return font;
}

/** The contours of a simple glyph, or undefined for a composite or empty one. */
function readGlyph(glyph: Buffer): { contours: Point[][]; box: Buffer } | undefined {
  if (glyph.length < 10) return undefined;
  const n = glyph.readInt16BE(0);
  if (n <= 0) return undefined;
  const ends: number[] = [];
  for (let i = 0; i < n; i++) ends.push(glyph.readUInt16BE(10 + 2 * i));
  const total = ends.at(-1)! + 1;
  let at = 10 + 2 * n;
  at += 2 + glyph.readUInt16BE(at);
  const flags: number[] = [];
  while (flags.length < total) {
    const flag = glyph[at++]!;
    flags.push(flag);
    if (flag & 8) for (let r = glyph[at++]!; r > 0; r--) flags.push(flag);
  }
  const coordinates = (short: number, same: number) => {
    const values: number[] = [];
    let v = 0;
    for (const flag of flags) {
      if (flag & short) {
        const d = glyph[at++]!;
        v += flag & same ? d : -d;
      } else if (!(flag & same)) {
        v += glyph.readInt16BE(at);
        at += 2;
      }
      values.push(v);
    }
    return values;
  };
  const xs = coordinates(2, 16);
  const ys = coordinates(4, 32);
  const contours: Point[][] = [];
  let start = 0;
  for (const end of ends) {
    contours.push(
      Array.from({ length: end - start + 1 }, (_, k) => ({ x: xs[start + k]!, y: ys[start + k]!, on: (flags[start + k]! & 1) === 1 })),
    );
    start = end + 1;
  }
  return { contours, box: Buffer.from(glyph.subarray(2, 10)) };
}

function writeGlyph(contours: Point[][], box: Buffer): Buffer {
  const points = contours.flat();
  const out = Buffer.alloc(10 + 2 * contours.length + 2 + points.length * 5);
  out.writeInt16BE(contours.length, 0);
  box.copy(out, 2);
  let at = 10;
  let end = -1;
  for (const c of contours) {
    end += c.length;
    out.writeUInt16BE(end, at);
    at += 2;
  }
  out.writeUInt16BE(0, at);
  at += 2;
  for (const p of points) out[at++] = p.on ? 1 : 0;
  let x = 0;
  for (const p of points) {
    out.writeInt16BE(Math.round(p.x - x), at);
    at += 2;
    x = Math.round(p.x);
  }
  let y = 0;
  for (const p of points) {
    out.writeInt16BE(Math.round(p.y - y), at);
    at += 2;
    y = Math.round(p.y);
  }
  return out.subarray(0, at);
}

/** The arc of a counter's half: its points from the end of its straight edge round to the start, or undefined. */
function arcOf(contour: Point[]): Point[] | undefined {
  const n = contour.length;
  let edge = -1;
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const a = contour[i]!;
    const b = contour[(i + 1) % n]!;
    const length = Math.hypot(a.x - b.x, a.y - b.y);
    if (a.on && b.on && length > longest) {
      longest = length;
      edge = i;
    }
  }
  if (edge < 0) return undefined;
  return Array.from({ length: n }, (_, k) => contour[(edge + 1 + k) % n]!);
}

/**
 * The zero's outline with its slash taken out, or undefined when the glyph is
 * not a slashed zero's shape (three contours, the last two each closed by a
 * long straight edge).
 */
export function openZero(contours: Point[][]): Point[][] | undefined {
  if (contours.length !== 3) return undefined;
  const [outline, first, second] = contours as [Point[], Point[], Point[]];
  const a = arcOf(first);
  const b = arcOf(second);
  if (!a || !b) return undefined;
  const all = [...first, ...second];
  const cx = (Math.min(...all.map((p) => p.x)) + Math.max(...all.map((p) => p.x))) / 2;
  const cy = (Math.min(...all.map((p) => p.y)) + Math.max(...all.map((p) => p.y))) / 2;
  const rx = (Math.max(...all.map((p) => p.x)) - Math.min(...all.map((p) => p.x))) / 2;
  const ry = (Math.max(...all.map((p) => p.y)) - Math.min(...all.map((p) => p.y))) / 2;
  // A quadratic control point that joins p to q along the counter's ellipse.
  const join = (p: Point, q: Point): Point => {
    const angle = (pt: Point) => Math.atan2((pt.y - cy) / ry, (pt.x - cx) / rx);
    const t0 = angle(p);
    let t1 = angle(q);
    if (Math.abs(t1 - t0) > Math.PI) t1 += t1 < t0 ? 2 * Math.PI : -2 * Math.PI;
    const mid = { x: cx + rx * Math.cos((t0 + t1) / 2), y: cy + ry * Math.sin((t0 + t1) / 2) };
    return { x: 2 * mid.x - (p.x + q.x) / 2, y: 2 * mid.y - (p.y + q.y) / 2, on: false };
  };
  const counter = [...a, join(a.at(-1)!, b[0]!), ...b, join(b.at(-1)!, a[0]!)];
  return [outline, counter];
}

/** Opens every slashed zero in a static TrueType font (its glyphs of three contours); returns the new font and how many it opened. */
export function openZeros(font: Buffer): { font: Buffer; opened: number } {
  const flavor = font.readUInt32BE(0);
  const tables = readTables(font);
  const head = tables.find((t) => t.tag === 'head')!;
  const loca = tables.find((t) => t.tag === 'loca')!;
  const glyf = tables.find((t) => t.tag === 'glyf')!;
  const maxp = tables.find((t) => t.tag === 'maxp')!;
  if (!head || !loca || !glyf || !maxp) throw new Error('open-zero: not a TrueType font (no glyf table)');
  const long = head.data.readInt16BE(50) === 1;
  const count = maxp.data.readUInt16BE(4);
  const offsets = Array.from({ length: count + 1 }, (_, i) => (long ? loca.data.readUInt32BE(4 * i) : loca.data.readUInt16BE(2 * i) * 2));
  let opened = 0;
  const glyphs = Array.from({ length: count }, (_, i) => {
    const data = glyf.data.subarray(offsets[i], offsets[i + 1]);
    const glyph = readGlyph(Buffer.from(data));
    const open = glyph && openZero(glyph.contours);
    if (!glyph || !open) return Buffer.from(data);
    opened++;
    return writeGlyph(open, glyph.box);
  });
  const padded = glyphs.map((g) => Buffer.concat([g, Buffer.alloc((4 - (g.length % 4)) % 4)]));
  const newLoca = Buffer.alloc(4 * (count + 1));
  let at = 0;
  padded.forEach((g, i) => {
    newLoca.writeUInt32BE(at, 4 * i);
    at += g.length;
  });
  newLoca.writeUInt32BE(at, 4 * count);
  head.data.writeInt16BE(1, 50);
  // Each opened zero has two points more (the joins) and one contour less: the limits maxp declares must hold.
  if (maxp.data.readUInt32BE(0) === 0x00010000) {
    const points = Math.max(
      ...glyphs.map((g) => (g.length >= 10 && g.readInt16BE(0) > 0 ? g.readUInt16BE(10 + 2 * (g.readInt16BE(0) - 1)) + 1 : 0)),
    );
    maxp.data.writeUInt16BE(Math.max(maxp.data.readUInt16BE(6), points), 6);
  }
  loca.data = newLoca;
  glyf.data = Buffer.concat(padded);
  return { font: writeFont(flavor, tables), opened };
}
