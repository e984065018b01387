/** The link conditioner over loopback: latency, loss rate, order of stream data under jitter, bandwidth, blackout. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../engine/rng.ts';
import type { LinkOptions } from '../../../engine/net/conditioner.ts';
import { conditionSession } from '../../../engine/net/conditioner.ts';
import { createLoopbackNetwork } from '../../../engine/net/loopback.ts';
import { createManualScheduler } from '../../../engine/net/scheduler.ts';
import type { TransportSession } from '../../../engine/net/transport.ts';

function pair(link: LinkOptions, seed = 1) {
  const scheduler = createManualScheduler();
  const net = createLoopbackNetwork(scheduler);
  let server: TransportSession | undefined;
  let client: TransportSession | undefined;
  net.listen('s', (s) => { server = s; });
  net.connector('s')((r) => { if (!(r instanceof Error)) client = r; });
  scheduler.flush();
  const cond = conditionSession(client!, scheduler, createRng(seed), link);
  const got: Array<[number, number]> = []; // [arrival ms, first byte]
  const streamGot: Array<[number, number]> = [];
  server!.setHandlers({
    onDatagram: (b) => got.push([scheduler.now(), b[0]]),
    onStream: (s) => s.setHandlers({ onData: (b) => { for (const x of b) streamGot.push([scheduler.now(), x]); }, onEnd: () => {} }),
    onClose: () => {},
  });
  cond.setHandlers({ onDatagram: () => {}, onStream: () => {}, onClose: () => {} });
  return { scheduler, cond, got, streamGot };
}

describe('link conditioner', () => {
  it('delays by latency and drops about the loss rate', () => {
    const { scheduler, cond, got } = pair({ latencyMs: 30, loss: 0.25 });
    for (let i = 0; i < 1000; i++) cond.sendDatagram(Uint8Array.of(i & 255));
    scheduler.advance(29);
    expect(got).toHaveLength(0);
    scheduler.advance(1);
    expect(got.length).toBeGreaterThan(700);
    expect(got.length).toBeLessThan(800);
    expect(cond.stats.dropped).toBe(1000 - got.length);
  });

  it('keeps stream bytes in order under jitter while datagrams reorder', () => {
    const { scheduler, cond, got, streamGot } = pair({ latencyMs: 10, jitterMs: 40 });
    const s = cond.openStream('uni');
    for (let i = 0; i < 100; i++) {
      s.write(Uint8Array.of(i));
      cond.sendDatagram(Uint8Array.of(i));
      scheduler.advance(1);
    }
    scheduler.advance(200);
    expect(streamGot.map((x) => x[1])).toEqual([...Array(100).keys()]);
    const order = got.map((x) => x[1]);
    expect(order).not.toEqual([...Array(100).keys()]);
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
  });

  it('caps bandwidth', () => {
    const { scheduler, cond, streamGot } = pair({ bandwidthBytesPerSec: 10_000 });
    const s = cond.openStream('uni');
    s.write(new Uint8Array(5000));
    s.write(Uint8Array.of(7));
    scheduler.advance(499); // 5,000 bytes take 500 ms at 10 kB/s
    expect(streamGot.length).toBe(0);
    scheduler.advance(1);
    expect(streamGot.length).toBe(5000);
    scheduler.advance(0.2); // the next byte needs 0.1 ms more
    expect(streamGot.length).toBe(5001);
  });

  it('holds stream data during a blackout and releases it in order after', () => {
    const { scheduler, cond, got, streamGot } = pair({});
    const s = cond.openStream('uni');
    cond.setLink({ blackout: true });
    s.write(Uint8Array.of(1));
    cond.sendDatagram(Uint8Array.of(1));
    s.write(Uint8Array.of(2));
    scheduler.advance(10_000);
    expect(streamGot).toHaveLength(0);
    expect(got).toHaveLength(0);
    cond.setLink({ blackout: false });
    scheduler.advance(0);
    expect(streamGot.map((x) => x[1])).toEqual([1, 2]);
  });
});
