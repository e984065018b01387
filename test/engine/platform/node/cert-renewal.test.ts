/** Certificate renewal on an injected clock, and the QUIC server serving the renewed certificate to new connections. */
import { afterEach, describe, expect, it } from 'vitest';
import type { TransportSession } from '../../../../engine/net/transport.ts';
import { createSelfSignedCert, type SelfSignedCert } from '../../../../engine/platform/node/cert.ts';
import { publishedHashes, renewCerts, startCertRenewal, type CertSet } from '../../../../engine/platform/node/cert-renewal.ts';
import { quicWebTransportConnector } from '../../../../engine/platform/node/quic/webtransport-client.ts';
import { startQuicWebTransportServer, type QuicWebTransportServer } from '../../../../engine/platform/node/quic/webtransport-server.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const create = (nowMs: number) => createSelfSignedCert({ nowMs });

describe('renewCerts', () => {
  it('publishes the successor 3 days before expiry, serves it 2 days before, and keeps the old hash until it expires', () => {
    const first = create(T0);
    expect(first.notAfter.getTime() - first.notBefore.getTime()).toBe(13 * DAY);
    const expiry = first.notAfter.getTime();
    let set: CertSet = { served: first };
    set = renewCerts(set, T0 + 9 * DAY, create);
    expect(set).toEqual({ served: first });
    expect(publishedHashes(set, T0 + 9 * DAY)).toEqual([first.sha256Hex]);

    const publishAt = expiry - 3 * DAY;
    set = renewCerts(set, publishAt, create);
    const second = set.next!;
    expect(set.served).toBe(first);
    expect(second.notBefore.getTime()).toBeLessThanOrEqual(publishAt);
    expect(second.notAfter.getTime() - second.notBefore.getTime()).toBeLessThanOrEqual(13 * DAY);
    expect(publishedHashes(set, publishAt)).toEqual([first.sha256Hex, second.sha256Hex]);
    expect(renewCerts(set, publishAt + DAY / 2, create)).toBe(set); // nothing due: the same object

    set = renewCerts(set, expiry - 2 * DAY, create);
    expect(set.served).toBe(second);
    expect(set.previous).toBe(first);
    expect(publishedHashes(set, expiry - 2 * DAY)).toEqual([second.sha256Hex, first.sha256Hex]);

    // The old certificate is published until it expires, then forgotten.
    expect(publishedHashes(set, expiry)).toEqual([second.sha256Hex]);
    set = renewCerts(set, expiry + 1, create);
    expect(set).toEqual({ served: second });

    // And the cycle repeats for the successor.
    set = renewCerts(set, second.notAfter.getTime() - 2 * DAY, create);
    expect(set.served).not.toBe(second);
    expect(set.previous).toBe(second);
  });

  it('catches up after a long sleep: a check past both steps creates and serves the successor at once', () => {
    const first = create(T0);
    const set = renewCerts({ served: first }, first.notAfter.getTime() - DAY, create);
    expect(set.previous).toBe(first);
    expect(set.served.notAfter.getTime()).toBeGreaterThan(first.notAfter.getTime());
  });
});

describe('startCertRenewal', () => {
  it('calls onServe once per swap, on the injected clock', () => {
    let now = T0;
    const served: SelfSignedCert[] = [];
    const first = create(T0);
    const r = startCertRenewal({ initial: first, now: () => now, create, checkEveryMs: 0, onServe: (c) => served.push(c) });
    expect(r.check()).toBe(false);
    now = first.notAfter.getTime() - 3 * DAY;
    expect(r.check()).toBe(true);
    expect(served).toEqual([]);
    expect(r.hashesHex()).toHaveLength(2);
    now += DAY;
    expect(r.check()).toBe(true);
    expect(served).toEqual([r.set.served]);
    expect(r.hashesHex()).toEqual([r.set.served.sha256Hex, first.sha256Hex]);
    r.stop();
  });
});

describe('QUIC server certificate swap', () => {
  let server: QuicWebTransportServer | undefined;
  afterEach(async () => { await server?.close(); });

  const connect = (certHash: Uint8Array) => new Promise<TransportSession | Error>((resolve) =>
    quicWebTransportConnector({ url: server!.url, certHash, connectTimeoutMs: 3000 })(resolve));

  it('serves the new certificate to new connections while an open session keeps going', async () => {
    const oldCert = createSelfSignedCert();
    const newCert = createSelfSignedCert();
    const received: string[] = [];
    server = await startQuicWebTransportServer({
      cert: oldCert,
      sink: (s) => s.setHandlers({ onDatagram: (b) => received.push(new TextDecoder().decode(b)), onStream: () => {}, onClose: () => {} }),
    });
    const before = await connect(oldCert.sha256);
    expect(before).not.toBeInstanceOf(Error);
    server.setCert(newCert);
    expect(server.cert).toBe(newCert);
    const pinnedOld = await connect(oldCert.sha256);
    expect(pinnedOld).toBeInstanceOf(Error);
    expect((pinnedOld as Error).message).toContain('is not the pinned');
    const pinnedNew = await connect(newCert.sha256);
    expect(pinnedNew).not.toBeInstanceOf(Error);
    (before as TransportSession).sendDatagram(new TextEncoder().encode('still here'));
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toContain('still here');
    for (const s of [before, pinnedNew] as TransportSession[]) s.close({ code: 0, reason: 'done' });
  });
});
