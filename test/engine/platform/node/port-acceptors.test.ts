/**
 * Several listening sockets on one port: Node accepts one connection per listening socket per event-loop turn, so a
 * busy server (few turns a second) accepts a crowd one by one; K sockets accept up to K per turn. Also: the
 * WebTransport server uses them, and a fixed port that is taken still fails loudly.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { addAcceptors, probePort, SHARED_PORTS } from '../../../../engine/platform/node/port-acceptors.ts';
import { nodeWebTransportConnector, startWebTransportServer } from '../../../../engine/platform/node/webtransport.ts';
import type { TransportSession } from '../../../../engine/net/transport.ts';

const listen = (s: Server, o: { port: number; host: string; reusePort?: boolean }) =>
  new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(o, () => resolve()); });
const close = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));

/**
 * Holds this event loop (no accepting) while another process opens `n` connections to `port`, which queue in the
 * kernel; then counts the connections accepted in the one turn that follows (before setImmediate runs).
 */
function acceptedInOneTurn(accepted: { n: number }, port: number, n: number): Promise<number> {
  const flag = join(mkdtempSync(join(tmpdir(), 'acceptors-')), 'connected');
  return new Promise<number>((resolve, reject) => {
    setTimeout(() => {
      accepted.n = 0;
      const child = spawn(process.execPath, ['-e', `const net = require('node:net'); const s = [];
        for (let i = 0; i < ${n}; i++) s.push(net.connect(${port}, '127.0.0.1', () => { if (s.length === ${n} && s.every((c) => !c.connecting)) require('node:fs').writeFileSync(${JSON.stringify(flag)}, ''); }));
        setTimeout(() => process.exit(0), 30000);`], { stdio: 'ignore' });
      const t0 = Date.now();
      while (!existsSync(flag)) {
        if (Date.now() - t0 > 20_000) { child.kill(); reject(new Error('the connecting process did not finish')); return; }
      }
      setImmediate(() => { resolve(accepted.n); child.kill(); });
    }, 0);
  });
}

describe.skipIf(!SHARED_PORTS)('port acceptors', () => {
  it('one listening socket accepts one queued connection per turn; eight accept up to eight', async () => {
    const host = '127.0.0.1';
    const accepted = { n: 0 };
    const sink = createServer((socket) => { accepted.n++; socket.destroy(); });
    const first = createServer((socket) => { sink.emit('connection', socket); });
    await listen(first, { port: 0, host, reusePort: true });
    const port = (first.address() as { port: number }).port;
    expect(await acceptedInOneTurn(accepted, port, 40)).toBe(1);
    await close(first);
    const again = createServer((socket) => { sink.emit('connection', socket); });
    await listen(again, { port, host, reusePort: true });
    const more = await addAcceptors(sink, port, host, 7);
    expect(more).toHaveLength(7);
    expect(await acceptedInOneTurn(accepted, port, 40)).toBeGreaterThanOrEqual(4); // 40 spread over 8 queues by hash
    for (const s of [again, ...more]) await close(s);
  });

  it('the WebTransport server listens with 8 sockets, sessions come in through all, and a taken port fails loudly', async () => {
    const sessions: TransportSession[] = [];
    const wt = await startWebTransportServer({ sink: (s) => sessions.push(s) });
    try {
      expect(wt.acceptors).toBe(8);
      const connect = await nodeWebTransportConnector({ url: wt.url, certHash: wt.cert.sha256 });
      const results = await Promise.all(Array.from({ length: 24 }, () => new Promise<TransportSession | Error>((r) => connect(r))));
      expect(results.filter((r) => r instanceof Error)).toEqual([]);
      expect(sessions).toHaveLength(24);
      for (const r of results) (r as TransportSession).close({ code: 0, reason: 'done' });
      // Another server on the same fixed port is refused, as without shared sockets.
      await expect(startWebTransportServer({ sink: () => {}, port: wt.port })).rejects.toThrow(/EADDRINUSE/);
      const taken = createServer();
      await listen(taken, { port: 0, host: '127.0.0.1' });
      await expect(probePort((taken.address() as { port: number }).port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
      await close(taken);
    } finally {
      await wt.close();
    }
    // Closed: every socket let go of the port.
    await probePort(wt.port, '127.0.0.1');
  });
});
