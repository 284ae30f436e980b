/**
 * The names this machine answers to (src/room/hosts.ts), against DNS
 * rebinding: a request whose Host header names an attacker's domain is
 * refused even when that domain resolves to this machine, and one that names
 * localhost, an address of the machine, or its host name is answered.
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { hostAllowed, hostName, machineHosts } from '../../src/room/hosts.ts';

/** A machine with a loopback, one Wi-Fi address (IPv4 and IPv6) and a second network. */
const INTERFACES: Record<string, NetworkInterfaceInfo[]> = {
  lo: [
    { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' },
    {
      address: '::1',
      netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      family: 'IPv6',
      mac: '00:00:00:00:00:00',
      internal: true,
      cidr: '::1/128',
      scopeid: 0,
    },
  ],
  wlan0: [
    { address: '192.168.1.5', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '192.168.1.5/24' },
    {
      address: 'FE80::1',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      mac: '02:00:00:00:00:01',
      internal: false,
      cidr: 'fe80::1/64',
      scopeid: 2,
    },
  ],
  eth0: [{ address: '10.0.0.7', netmask: '255.0.0.0', family: 'IPv4', mac: '02:00:00:00:00:02', internal: false, cidr: '10.0.0.7/8' }],
};

describe("the machine's names", () => {
  it('are localhost, the loopback and interface addresses, the host name and its mDNS name, and the names added', () => {
    expect([...machineHosts(INTERFACES, ['Deck.Example.org.', 'fd00::7'], 'Lecture-Laptop')].sort()).toEqual(
      [
        'localhost',
        '127.0.0.1',
        '::1',
        '[::1]',
        '192.168.1.5',
        'fe80::1',
        '[fe80::1]',
        '10.0.0.7',
        'lecture-laptop',
        'lecture-laptop.local',
        'deck.example.org',
        '[fd00::7]',
      ].sort(),
    );
  });

  it('include localhost and the loopback addresses even on a machine that lists no interface', () => {
    expect(machineHosts({}, [], 'box.local')).toEqual(new Set(['localhost', '127.0.0.1', '::1', '[::1]', 'box.local']));
  });
});

describe('a Host header', () => {
  const hosts = machineHosts(INTERFACES, ['deck.example.org'], 'lecture-laptop');

  it('is refused when it names another machine, as a page on a rebinding domain sends it', () => {
    for (const host of [
      'rebind.example:4321',
      'rebind.example',
      '192.168.1.5.rebind.example:4321',
      'localhost.rebind.example',
      '192.168.1.6:4321',
      '[fe80::2]:4321',
      'example.org',
    ])
      expect(hostAllowed(host, hosts), host).toBe(false);
  });

  it('is answered when it names this machine, with or without a port, in any case, with one trailing dot', () => {
    for (const host of [
      '192.168.1.5:4321',
      '192.168.1.5',
      '10.0.0.7:80',
      'localhost:4321',
      'LOCALHOST:4321',
      'localhost.:4321',
      '127.0.0.1:4321',
      '[::1]:4321',
      '[::1]',
      '[FE80::1]:4321',
      'lecture-laptop:4321',
      'lecture-laptop.local:4321',
      'deck.example.org',
    ])
      expect(hostAllowed(host, hosts), host).toBe(true);
  });

  it('is refused when it is missing or malformed', () => {
    for (const host of [
      undefined,
      '',
      ' ',
      ':4321',
      'localhost:',
      'localhost:http',
      'localhost:4321:4321',
      'localhost..',
      'localhost@rebind.example',
      'user@localhost',
      'localhost/x',
      '::1',
      '[::1',
      '[::1]4321',
      '[::1]:x',
      '[localhost]',
      'http://localhost',
    ])
      expect(hostAllowed(host, hosts), JSON.stringify(host)).toBe(false);
  });

  it('gives its name in the form the set holds', () => {
    expect(hostName('Deck.Example.ORG.:8080')).toBe('deck.example.org');
    expect(hostName('[FE80::1]:8080')).toBe('[fe80::1]');
    expect(hostName('[::ffff:192.168.1.5]')).toBe('[::ffff:192.168.1.5]');
    expect(hostName('10.0.0.7')).toBe('10.0.0.7');
    expect(hostName('a b')).toBeUndefined();
  });
});
