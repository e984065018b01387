/**
 * The guarded Node WebTransport client: the library's connect timeout running out before the TLS handshake finishes
 * (what happens with ~200 bots in one process) made the library throw "Can not get http2 TLSSocket" from a socket
 * listener, an uncaught exception that ended the process. Here the timeout is made tiny so that every attempt hits
 * that path.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeWebTransportConnector, startWebTransportServer } from '../../../../engine/platform/node/webtransport.ts';
import { describeAttempt } from '../../../../engine/platform/node/guarded-webtransport.ts';
import type { TransportSession } from '../../../../engine/net/transport.ts';

const connectOnce = (connect: (done: (r: TransportSession | Error) => void) => void) =>
  new Promise<TransportSession | Error>((resolve) => connect(resolve));

describe('guarded Node WebTransport client', () => {
  const uncaught: Error[] = [];
  const onUncaught = (e: Error) => { uncaught.push(e); };
  beforeEach(() => { uncaught.length = 0; process.on('uncaughtException', onUncaught); });
  afterEach(() => { process.off('uncaughtException', onUncaught); });

  it('a connect timeout that runs out before TLS finishes fails that attempt with the reason and throws nothing', async () => {
    const accepted: TransportSession[] = [];
    const wt = await startWebTransportServer({ sink: (s) => accepted.push(s) });
    const logged: string[] = [];
    try {
      const connect = await nodeWebTransportConnector({ url: wt.url, certHash: wt.cert.sha256, connectTimeoutMs: 1, log: (_l, m) => logged.push(m) });
      for (let i = 0; i < 3; i++) {
        const r = await connectOnce(connect);
        expect(r).toBeInstanceOf(Error);
        expect((r as Error).message).toMatch(/failed: .*\(after \d+ ms; TLS not finished\)/);
      }
      // The TLS handshakes finish after the attempts were given up: that is where the library threw.
      await new Promise((r) => setTimeout(r, 500));
      expect(uncaught.map((e) => e.message)).toEqual([]);
      expect(logged.length).toBe(3);
      expect(logged[0]).toMatch(/after \d+ ms; TLS done at \d+ ms, HTTP\/2 not connected; the WebTransport library threw in its TLS secureConnect listener: Can not get http2 TLSSocket; that attempt is closed$/);
      expect(accepted).toEqual([]);

      // The same connector with the default timeout still connects.
      const ok = await connectOnce(await nodeWebTransportConnector({ url: wt.url, certHash: wt.cert.sha256 }));
      expect(ok).not.toBeInstanceOf(Error);
      (ok as TransportSession).close({ code: 0, reason: 'done' });
    } finally {
      await wt.close();
    }
  });

  it('describes how far an attempt got', () => {
    expect(describeAttempt({ startedMs: 0 }, 8004)).toBe('after 8004 ms; TLS not finished');
    expect(describeAttempt({ startedMs: 0, tlsMs: 12, h2Ms: 13 }, 2020)).toBe('after 2020 ms; HTTP/2 connected at 13 ms, no server settings');
    expect(describeAttempt({ startedMs: 0, tlsMs: 1, h2Ms: 2, settingsMs: 3, fault: 'x' }, 9)).toBe('after 9 ms; server settings at 3 ms, WebTransport session not established; x');
  });
});
