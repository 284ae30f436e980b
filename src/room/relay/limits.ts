/**
 * The arithmetic of the relay's limits, shared by both stores and the
 * connections: a token bucket that is told the time (so that one injected
 * clock drives every limit, and tests move it instead of sleeping), the key
 * an address is counted under, and how a wait or a size is said to a person.
 */
import type { RateLimit } from '../protocol.ts';

/** A token bucket: how many tokens it held at a time. */
export interface Bucket {
  tokens: number;
  at: number;
}

/** A full bucket at `now`. */
export function fullBucket(limit: RateLimit, now: number): Bucket {
  return { tokens: limit.burst, at: now };
}

/**
 * Takes a token if the bucket has one at `now` (or only looks, when
 * `consume` is false); otherwise returns how long until it will (ms). The
 * Redis store runs the same steps in Lua (redis-store.ts), so that both
 * stores refuse alike.
 */
export function take(bucket: Bucket, limit: RateLimit, now: number, consume = true): number {
  if (now > bucket.at) bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / limit.everyMs) * limit.tokens);
  bucket.at = Math.max(bucket.at, now);
  if (bucket.tokens >= 1) {
    if (consume) bucket.tokens -= 1;
    return 0;
  }
  return waitFor(bucket.tokens, limit);
}

/** Milliseconds until a bucket holding `tokens` holds one; less a hair, so that the refill's rounding does not turn 2 s to wait into 3. */
export function waitFor(tokens: number, limit: RateLimit): number {
  return Math.max(1, Math.ceil(((1 - tokens) / limit.tokens) * limit.everyMs - 1e-6));
}

/** How long a bucket takes to fill from empty: after that, a bucket nobody used is as good as forgotten. */
export function refillMs(limit: RateLimit): number {
  return Math.ceil((limit.burst / limit.tokens) * limit.everyMs);
}

/**
 * The address the limits per address count a connection under: an IPv4
 * address as it is (IPv4-mapped IPv6 included), and an IPv6 address by its
 * /64, which one host can fill with addresses of its own.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::');
  const front = head ? head.split(':') : [];
  const back = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? front : [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** A wait, in whole seconds, as a phone is told it. */
export function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}

/** A size, as the presenter is told it. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
