/**
 * Child process of `bench net`'s loss comparison, run inside the emulated link's server namespace:
 * `node bench/net-loss-sender.ts <host> <hz>` starts a QUIC and an HTTP/2 WebTransport server on `host` (one
 * certificate), prints one JSON line `{"quic": url, "h2": url, "certHex": sha-256}`, and sends every session that
 * connects a 100-byte "entity update" datagram `hz` times a second: sequence number (u32) and the send time (f64, ms
 * on the shared wall clock, `performance.timeOrigin + performance.now()`). Ends when stdin closes.
 */
import type { TransportSession } from '../engine/net/transport.ts';
import { createSelfSignedCert } from '../engine/platform/node/cert.ts';
import { startQuicWebTransportServer } from '../engine/platform/node/quic/webtransport-server.ts';
import { startWebTransportServer } from '../engine/platform/node/webtransport.ts';

const [host, hzArg] = process.argv.slice(2);
const periodMs = 1000 / Number(hzArg);
const cert = createSelfSignedCert({ ipv4: [host] });
const sessions = new Set<TransportSession>();
const sink = (s: TransportSession) => {
  sessions.add(s);
  s.setHandlers({ onDatagram: () => {}, onStream: () => {}, onClose: () => sessions.delete(s) });
};
const quic = await startQuicWebTransportServer({ sink, host, cert });
const h2 = await startWebTransportServer({ sink, host, cert });
let seq = 0;
// An accumulator on the clock, so the rate holds even when a timer fires late.
const start = performance.now();
const timer = setInterval(() => {
  while (seq * periodMs <= performance.now() - start) {
    const msg = new Uint8Array(100);
    const view = new DataView(msg.buffer);
    view.setUint32(0, seq++);
    view.setFloat64(4, performance.timeOrigin + performance.now());
    for (const s of sessions) s.sendDatagram(msg);
  }
}, 2);
console.log(JSON.stringify({ quic: quic.url, h2: h2.url, certHex: cert.sha256Hex }));
process.stdin.resume();
process.stdin.on('end', async () => {
  clearInterval(timer);
  for (const s of sessions) s.close({ code: 0, reason: 'bench over' });
  await Promise.all([quic.close(), h2.close()]);
  process.exit(0);
});
