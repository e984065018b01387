/** The byte FIFO under random pushes and consumes matches a plain array model. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consumeBytes, createByteQueue, pushBytes, viewBytes } from '../../../../../engine/platform/node/quic/byte-queue.ts';

describe('ByteQueue', () => {
  it('behaves like an array of bytes', () => {
    const op = fc.oneof(fc.record({ push: fc.uint8Array({ maxLength: 20 }) }), fc.record({ take: fc.nat(30) }));
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const q = createByteQueue();
      let model: number[] = [];
      for (const o of ops) {
        if ('push' in o) {
          pushBytes(q, o.push.slice());
          model.push(...o.push);
        } else {
          const n = Math.min(o.take, q.length);
          consumeBytes(q, n);
          model = model.slice(n);
        }
        expect(q.length).toBe(model.length);
        expect([...viewBytes(q)]).toEqual(model);
      }
    }));
  });

  it('refuses to consume more than it holds', () => {
    const q = createByteQueue();
    pushBytes(q, Uint8Array.of(1));
    expect(() => consumeBytes(q, 2)).toThrow(RangeError);
  });
});
