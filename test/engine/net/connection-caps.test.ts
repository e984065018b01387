/** Caps on page connections: overall and per address (IPv6 by /64). */
import { describe, expect, it } from 'vitest';
import { createConnectionCaps } from '../../../engine/net/connection-caps.ts';
import { addressKey } from '../../../engine/platform/node/address-key.ts';

describe('addressKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6, and counts IPv6 by /64', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8:1:2::99')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.7')).toBe('64:ff9b:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});

describe('createConnectionCaps', () => {
  it('refuses beyond the per-address cap and the total cap, and counts releases', () => {
    const caps = createConnectionCaps({ maxConnections: 5, maxConnectionsPerAddress: 3 });
    expect(['a', 'a', 'a', 'a'].map((k) => caps.admit(k))).toEqual(['ok', 'ok', 'ok', 'address']);
    expect(['b', 'b', 'b'].map((k) => caps.admit(k))).toEqual(['ok', 'ok', 'total']);
    expect(caps.open).toBe(5);
    caps.release('a');
    expect(caps.admit('a')).toBe('ok');
    expect(caps.admit('c')).toBe('total');
    caps.release('b');
    caps.release('b');
    expect(caps.admit('c')).toBe('ok');
    expect(caps.open).toBe(4);
  });
});
