/** The seeded UDP link emulator: a known fraction dropped for a fixed seed, the delay held, reordering, both ways. */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createRng, mix32 } from '../../../../engine/rng.ts';
import { startUdpLinkEmulator, type UdpLinkEmulator } from '../../../../engine/platform/node/udp-link-emulator.ts';

const sockets: Socket[] = [];
const relays: UdpLinkEmulator[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const r of relays.splice(0)) await r.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bound(onMessage: (s: Socket, msg: Buffer, port: number) => void): Promise<Socket> {
  const s = createSocket('udp4');
  sockets.push(s);
  s.on('message', (m, r) => onMessage(s, m, r.port));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

/** Packets the loss draw drops among the first `n` of a (peer, direction) generator, as the emulator draws. */
function expectedDrops(seed: number, stream: number, n: number, loss: number): { dropped: boolean[] } {
  const rng = createRng(mix32(seed) ^ stream);
  const dropped: boolean[] = [];
  for (let i = 0; i < n; i++) {
    dropped.push(rng.next() < loss);
    rng.next();
    rng.next();
  }
  return { dropped };
}

describe('UDP link emulator', () => {
  it('drops exactly the packets its seed says, in each direction, and delivers the rest', async () => {
    const echo = await bound((s, m, port) => s.send(m, port, '127.0.0.1'));
    const relay = await startUdpLinkEmulator({ target: { host: '127.0.0.1', port: echo.address().port }, seed: 42, loss: 0.1 });
    relays.push(relay);
    const back = new Set<number>();
    const client = await bound((_, m) => back.add(m.readUInt32BE(0)));
    const n = 600;
    for (let i = 0; i < n; i++) {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(i, 0);
      client.send(b, relay.port, '127.0.0.1');
      if (i % 20 === 19) await sleep(2); // small bursts: the loopback itself must not drop anything
    }
    await sleep(200);
    const up = expectedDrops(42, 0, n, 0.1).dropped;
    const passedUp = up.map((d, i) => (d ? -1 : i)).filter((i) => i >= 0);
    const down = expectedDrops(42, 1, passedUp.length, 0.1).dropped;
    const expected = passedUp.filter((_, k) => !down[k]);
    // Without jitter the echo answers in order, so the k-th packet back meets the k-th draw.
    expect([...back].sort((a, b) => a - b)).toEqual(expected);
    expect(relay.stats.dropped).toBe(n - expected.length);
    expect(relay.stats.dropped / (n + passedUp.length)).toBeGreaterThan(0.06);
    expect(relay.stats.dropped / (n + passedUp.length)).toBeLessThan(0.14);
    expect(relay.stats.peers).toBe(1);
  });

  it('holds the one-way delay in each direction, with jitter on top and packets overtaking', async () => {
    const echo = await bound((s, m, port) => s.send(m, port, '127.0.0.1'));
    const relay = await startUdpLinkEmulator({ target: { host: '127.0.0.1', port: echo.address().port }, seed: 7, latencyMs: 30, jitterMs: 20 });
    relays.push(relay);
    const rtts: number[] = [];
    const order: number[] = [];
    const sent = new Map<number, number>();
    const client = await bound((_, m) => {
      const i = m.readUInt32BE(0);
      order.push(i);
      rtts.push(performance.now() - sent.get(i)!);
    });
    for (let i = 0; i < 40; i++) {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(i, 0);
      sent.set(i, performance.now());
      client.send(b, relay.port, '127.0.0.1');
      await sleep(2);
    }
    await sleep(250);
    expect(rtts).toHaveLength(40);
    expect(Math.min(...rtts)).toBeGreaterThanOrEqual(59); // 30 ms each way, timers never fire early (1 ms of rounding)
    expect(Math.max(...rtts)).toBeLessThan(100 + 60); // 2 x (30 + 20), with room for a loaded machine
    expect(order).not.toEqual([...order].sort((a, b) => a - b)); // 20 ms of jitter against 2 ms spacing reorders
  });

  it('gives each client its own upstream address and stops on close', async () => {
    const seen = new Set<number>();
    const target = await bound((s, m, port) => {
      seen.add(port);
      s.send(m, port, '127.0.0.1');
    });
    const relay = await startUdpLinkEmulator({ target: { host: '127.0.0.1', port: target.address().port }, seed: 1, reorder: 1, reorderDelayMs: 5 });
    relays.push(relay);
    let got = 0;
    const a = await bound(() => got++);
    const b = await bound(() => got++);
    a.send(Buffer.from('a'), relay.port, '127.0.0.1');
    b.send(Buffer.from('b'), relay.port, '127.0.0.1');
    await sleep(100);
    expect(got).toBe(2);
    expect(seen.size).toBe(2);
    expect(relay.stats).toMatchObject({ peers: 2, reordered: 4, dropped: 0, received: 4 });
    await relay.close();
    a.send(Buffer.from('a'), relay.port, '127.0.0.1');
    await sleep(50);
    expect(got).toBe(2);
  });
});
