/** Routing ids from QUIC headers: long and short forms, and undefined for anything malformed. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idKey, readDestinationId } from '../../../../../engine/platform/node/quic/packet-header.ts';

describe('readDestinationId', () => {
  it('reads the id of long headers (length given) and short headers (length known)', () => {
    const long = Uint8Array.of(0xc0, 0, 0, 0, 1, 4, 9, 8, 7, 6, 0, 0);
    expect(readDestinationId(long, 20)).toEqual(Uint8Array.of(9, 8, 7, 6));
    const short = Uint8Array.from([0x41, ...Array.from({ length: 20 }, (_, i) => i), 0xaa]);
    expect(idKey(readDestinationId(short, 20)!)).toBe('000102030405060708090a0b0c0d0e0f10111213');
  });

  it('refuses truncated packets, over-long ids and short headers without the fixed bit', () => {
    expect(readDestinationId(new Uint8Array(0), 20)).toBeUndefined();
    expect(readDestinationId(Uint8Array.of(0xc0, 0, 0, 0, 1, 21, ...new Array(21).fill(0)), 20)).toBeUndefined();
    expect(readDestinationId(Uint8Array.of(0xc0, 0, 0, 0, 1, 8, 1, 2), 20)).toBeUndefined();
    expect(readDestinationId(Uint8Array.of(0x01, ...new Array(20).fill(0)), 20)).toBeUndefined();
    expect(readDestinationId(Uint8Array.of(0x41, 1, 2), 20)).toBeUndefined();
  });

  it('never reads past the packet', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (p) => {
      const id = readDestinationId(p, 20);
      if (id) expect(id.byteOffset + id.length).toBeLessThanOrEqual(p.byteOffset + p.length);
    }), { numRuns: 3000 });
  });
});
