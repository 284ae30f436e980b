/**
 * The names this machine answers to, against DNS rebinding (Node only).
 *
 * A page on an attacker's name (rebind.example) can make that name resolve
 * to the laptop's address, or to 127.0.0.1, once the page has loaded. Its
 * requests then reach the deck's server as same-origin requests of
 * rebind.example, which the browser lets the page read, and which a check of
 * the Origin against the request's own Host admits. Only the Host header
 * tells them apart: it names rebind.example, not this machine. So the server
 * and the room's relay answer only requests whose Host is one of this
 * machine's names: localhost, its loopback and interface addresses, its
 * host name (and its mDNS name, host.local), and names the person starting
 * the server adds (`--allow-host`, for a proxy or a DNS name of their own).
 */
import { hostname as machineName, networkInterfaces } from 'node:os';

/** A port, as a Host header may end with one. */
const PORT = /^\d{1,5}$/;
/** A host name or an IPv4 address, lower case, as the set holds them; anything else in a Host header is refused. */
const NAME = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
/** The inside of a bracketed IPv6 address, lower case (hex digits, colons, perhaps a dotted IPv4 tail). */
const IPV6 = /^[0-9a-f:.]+$/;

/**
 * The name in a Host header value (`name`, `name:port`, `[v6]` or
 * `[v6]:port`): lower case, without the port and without one trailing dot,
 * an IPv6 address in brackets. Undefined for anything that is not one.
 */
export function hostName(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const text = host.trim().toLowerCase();
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return undefined;
    const inside = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (!IPV6.test(inside) || !inside.includes(':')) return undefined;
    if (rest !== '' && !(rest.startsWith(':') && PORT.test(rest.slice(1)))) return undefined;
    return `[${inside}]`;
  }
  const parts = text.split(':');
  if (parts.length > 2 || (parts.length === 2 && !PORT.test(parts[1]!))) return undefined;
  const name = parts[0]!.endsWith('.') ? parts[0]!.slice(0, -1) : parts[0]!;
  return NAME.test(name) ? name : undefined;
}

/**
 * The names this machine answers to, lower case and without a port:
 * localhost, the loopback addresses (IPv6 both bare and in brackets, as a
 * Host header writes it), every address of every interface, the machine's
 * host name and its mDNS name (`host.local`), and `extra`.
 */
export function machineHosts(
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
  extra: readonly string[] = [],
  hostname: string = machineName(),
): Set<string> {
  const hosts = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
  for (const info of Object.values(interfaces).flatMap((list) => list ?? [])) {
    const address = info.address.toLowerCase();
    hosts.add(address);
    if (address.includes(':')) hosts.add(`[${address}]`);
  }
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name !== '') {
    hosts.add(name);
    hosts.add(name.endsWith('.local') ? name : `${name}.local`);
  }
  for (const host of extra) {
    const parsed = hostName(host) ?? hostName(`[${host}]`);
    if (parsed !== undefined) hosts.add(parsed);
  }
  return hosts;
}

/**
 * Whether a request's Host header names this machine: one of `hosts`
 * (machineHosts), with or without a port. A missing or malformed header is
 * refused; HTTP/1.1 requires one, and every browser sends it.
 */
export function hostAllowed(hostHeader: string | undefined, hosts: ReadonlySet<string>): boolean {
  const name = hostName(hostHeader);
  return name !== undefined && hosts.has(name);
}
