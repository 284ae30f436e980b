/**
 * A figure's state in a link: one compact query parameter such as
 * `?gd1=curve:valley,eta:0.9,w0:-2,step:3`. The deck never writes it (a
 * rehearsal must not change the lecture); a link that carries it restores the
 * figure when its slide is first reached.
 */

/** Reads `key:value` pairs, e.g. "eta:0.9,w0:-2,step:3". Malformed pairs are skipped. */
export function decodeState(text: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    const [key, value] = part.split(':');
    if (key && value !== undefined && /^[a-z0-9]+$/i.test(key)) out[key] = value;
  }
  return out;
}

/** Writes `key:value` pairs; numbers keep four significant digits. */
export function encodeState(state: Record<string, string | number>): string {
  return Object.entries(state)
    .map(([k, v]) => `${k}:${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
    .join(',');
}

/** A finite number from a decoded state, or the fallback. */
export function numberOr(value: string | undefined, fallback: number): number {
  return value !== undefined && value !== '' && Number.isFinite(Number(value)) ? Number(value) : fallback;
}
