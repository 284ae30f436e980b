/**
 * A small seeded pseudo-random generator (mulberry32), so that a training
 * run's shuffles are reproducible from its seed.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `values` in place (Fisher–Yates) with `random`, and returns them. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(values: T, random: () => number): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const v = values[i]!;
    values[i] = values[j]!;
    values[j] = v;
  }
  return values;
}

/** Standard normal draws from a uniform generator (Box–Muller, one value per pair of draws). */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
