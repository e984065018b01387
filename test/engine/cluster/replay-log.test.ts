/**
 * The replay log: after any chunking, confirmations and received count, what it gives the next shard is the stream
 * from the last frame boundary at or before the count, without the header byte; confirmations forget whole chunks;
 * counts outside confirmed..sent throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createReplayLog } from '../../../engine/cluster/replay-log.ts';

/** `[len][body]` of one frame. */
function frame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('replay log', () => {
  it('gives back the stream from the last boundary at or before the received count', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 10 }),
      fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 10 }),
      fc.boolean(), fc.nat(), fc.nat(),
      (bodies, groupSizes, withHeader, confirmPick, receivedPick) => {
        const frames = bodies.map(frame);
        const log = createReplayLog();
        // Chunks of whole frames; the first led by the header byte.
        const boundaries = withHeader ? [0, 1] : [0];
        const chunks: Uint8Array[] = [];
        let i = 0;
        for (const n of [...groupSizes, frames.length]) {
          if (i >= frames.length) break;
          const group = frames.slice(i, i + n);
          i += group.length;
          chunks.push(concat(chunks.length === 0 && withHeader ? [Uint8Array.of(9), ...group] : group));
        }
        for (const f of frames) boundaries.push(boundaries[boundaries.length - 1] + f.length);
        chunks.forEach((c, k) => log.record(c, k === 0 && withHeader));
        const all = concat(chunks);
        expect(log.sent).toBe(all.length);
        const confirmed = boundaries[confirmPick % boundaries.length]; // gots may cut frames too; a boundary is enough here
        log.confirm(confirmed);
        expect(log.unconfirmed).toBe(all.length - confirmed);
        const received = confirmed + (receivedPick % (all.length - confirmed + 1));
        const from = Math.max(withHeader ? 1 : 0, ...boundaries.filter((b) => b <= received));
        expect(concat(log.takeRest(received))).toEqual(all.subarray(from));
        expect([log.sent, log.confirmed]).toEqual([0, 0]);
      },
    ));
  });

  it('a received count inside a frame gives that frame again whole; counts outside confirmed..sent throw', () => {
    const log = createReplayLog();
    const a = frame(Uint8Array.of(1, 2, 3));
    const b = frame(Uint8Array.of(4, 5));
    log.record(concat([Uint8Array.of(0), a, b]), true);
    expect(concat(log.takeRest(1 + a.length + 2))).toEqual(b);
    log.record(concat([a, b]), false);
    log.confirm(a.length);
    expect(() => log.takeRest(a.length - 1)).toThrow(`received ${a.length - 1} is not in ${a.length}..${a.length + b.length}`);
    expect(() => log.takeRest(a.length + b.length + 1)).toThrow('is not in');
    expect(() => log.confirm(b.length + 1)).toThrow(`confirmed ${a.length + b.length + 1} bytes of ${a.length + b.length} sent`);
    expect(concat(log.takeRest(a.length + b.length))).toEqual(new Uint8Array(0));
  });
});
