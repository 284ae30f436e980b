/**
 * Which relay a build of the deck uses (RELAY_URL, src/room/relay-config.ts),
 * what the page is told, and what the content security policy then allows.
 */
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../src/deck/csp.ts';
import { relayFromEnv, relayMeta, relaySources } from '../../src/room/relay-config.ts';

describe('the relay of a build', () => {
  it('is none without RELAY_URL: the page is told nothing and the policy connects to this site alone', () => {
    const none = relayFromEnv(undefined);
    expect(none).toEqual({ kind: 'none' });
    expect(relayMeta(none)).toBeUndefined();
    expect(contentSecurityPolicy(none)).toContain("connect-src 'self';");
  });

  it('is the deck’s own server for npm start, which needs nothing more from the policy', () => {
    const own = relayFromEnv('same-origin');
    expect(relayMeta(own)).toBe('same-origin');
    expect(relaySources(own)).toEqual([]);
    expect(contentSecurityPolicy(own)).toContain("connect-src 'self';");
  });

  it('is a relay elsewhere, whose origin (and its WebSocket twin) is the one addition to the policy', () => {
    const elsewhere = relayFromEnv('https://relay.example.org:8443/lecture/');
    expect(elsewhere).toEqual({ kind: 'url', url: 'https://relay.example.org:8443/lecture/', origin: 'https://relay.example.org:8443' });
    expect(relayMeta(elsewhere)).toBe('https://relay.example.org:8443/lecture/');
    const policy = contentSecurityPolicy(elsewhere);
    expect(policy).toContain("connect-src 'self' https://relay.example.org:8443 wss://relay.example.org:8443;");
    expect(policy).toContain("default-src 'self'");
  });

  it('refuses an address it cannot use, saying what to write', () => {
    expect(() => relayFromEnv('relay.example.org')).toThrow(/not an address: use same-origin/);
    expect(() => relayFromEnv('ftp://relay.example.org')).toThrow(/must be an http:\/\/ or https:\/\/ address/);
    expect(() => relayFromEnv('https://relay.example.org/?key=1')).toThrow(/must not carry a query/);
  });
});
