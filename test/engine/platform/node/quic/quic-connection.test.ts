import { describe, expect, it } from 'vitest';
import { createQuicConn } from '../../../../../engine/platform/node/quic/quic-connection.ts';
import type { HostPort, QuicheConnection } from '../../../../../engine/platform/node/quic/quiche.ts';

const here: HostPort = { host: '127.0.0.1', port: 1 };
const peer: HostPort = { host: '127.0.0.1', port: 2 };

/** A quiche connection that is established and turns each queued datagram into one packet of its own length. */
function fakeNative() {
  const queued: Uint8Array[] = [];
  const native = {
    recv: () => 0,
    send(out: Uint8Array) {
      const d = queued.shift();
      if (!d) return null;
      out.set(d);
      return [d.length, { from: here, to: peer }];
    },
    isReadable: () => false,
    readable: () => [],
    dgramRecvVec: () => null,
    dgramSend(d: Uint8Array) { queued.push(d); },
    timeout: () => null,
    isEstablished: () => true,
    isDraining: () => false,
    isClosed: () => false,
    isTimedOut: () => false,
    peerError: () => null,
    localError: () => null,
  };
  return native as unknown as QuicheConnection;
}

function established() {
  const sent: { bytes: Uint8Array; at: string }[] = [];
  let phase = 'sync';
  const conn = createQuicConn({
    native: fakeNative(), isClient: false, local: here, remote: peer,
    sendPacket: (bytes) => sent.push({ bytes, at: phase }), onGone: () => {},
  });
  conn.setEvents({ onEstablished() {}, onStreamReadable() {}, onDatagram() {}, onClosed() {} });
  conn.receive(new Uint8Array(1), peer); // becomes established
  return { conn, sent, setPhase: (p: string) => { phase = p; } };
}

describe('QuicConn datagram sending', () => {
  it('sends a datagram written outside event handling at the end of the task, before any I/O or setImmediate', async () => {
    const { conn, sent, setPhase } = established();
    await new Promise((r) => setImmediate(r)); // the flush queued by receive() has run
    sent.length = 0;
    const immediate = new Promise<void>((r) => setImmediate(() => { setPhase('immediate'); r(); }));
    expect(conn.sendDatagram(Uint8Array.of(7, 7, 7))).toBe(true);
    setPhase('microtask');
    await Promise.resolve();
    expect(sent.map((s) => s.at)).toEqual(['microtask']);
    await immediate;
  });

  it('datagrams written in one task are flushed together, once', async () => {
    const { conn, sent } = established();
    await new Promise((r) => setImmediate(r));
    sent.length = 0;
    conn.sendDatagram(Uint8Array.of(1));
    conn.sendDatagram(Uint8Array.of(2, 2));
    expect(sent).toHaveLength(0); // not synchronously: the task may write more
    await Promise.resolve();
    expect(sent.map((s) => [...s.bytes])).toEqual([[1], [2, 2]]);
  });
});
