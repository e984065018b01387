/**
 * Child process of `bench net`'s loss comparison, the receiving side, in a fresh process of its own (the bench
 * process carries the earlier workloads' heap, whose collections would stall the receiving loop):
 * `node bench/net-loss-receiver.ts <quic url> <h2 url> <cert sha-256 hex> <seconds>` connects to both servers of
 * bench/net-loss-sender.ts at once, records the one-way latency of every update that arrives in the next `seconds`,
 * and prints its {@link LossReceived} as one JSON line.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Connector, TransportSession } from '../engine/net/transport.ts';
import { quicWebTransportConnector } from '../engine/platform/node/quic/webtransport-client.ts';
import { nodeWebTransportConnector } from '../engine/platform/node/webtransport.ts';
import type { LossReceived, LossRow } from './net-loss.ts';
import { percentiles } from './net-workloads.ts';

const [quicUrl, h2Url, certHex, secondsArg] = process.argv.slice(2);
const certHash = Uint8Array.from(Buffer.from(certHex, 'hex'));

const connectWith = (connect: Connector) =>
  new Promise<TransportSession>((resolve, reject) => connect((r) => (r instanceof Error ? reject(r) : resolve(r))));

/**
 * Receives updates on `session` into `lat` (ms each), those sent at `from` (ms, the shared wall clock) or later;
 * returns the first and last sequence numbers counted.
 */
function receive(session: TransportSession, lat: number[], from: number): { first: number; last: number } {
  const seen = { first: -1, last: -1 };
  session.setHandlers({
    onDatagram(bytes) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const seq = view.getUint32(0);
      if (view.getFloat64(4) < from) return; // sent before the window: held up while the sessions opened
      lat.push(performance.timeOrigin + performance.now() - view.getFloat64(4));
      if (seen.first < 0) seen.first = seq;
      seen.last = Math.max(seen.last, seq);
    },
    onStream: () => {},
    onClose: () => {},
  });
  return seen;
}

function row(lat: number[], seen: { first: number; last: number }): LossRow {
  const p = percentiles(lat);
  return { p50Ms: p.p50, p99Ms: p.p99, maxMs: p.max, received: lat.length, missing: seen.last - seen.first + 1 - lat.length };
}

// Both at once: the same link, the same moments.
const [q, h] = await Promise.all([
  connectWith(quicWebTransportConnector({ url: quicUrl, certHash, connectTimeoutMs: 20_000 })),
  nodeWebTransportConnector({ url: h2Url, certHash, connectTimeoutMs: 20_000 }).then(connectWith),
]);
const quicLat: number[] = [];
const h2Lat: number[] = [];
const from = performance.timeOrigin + performance.now() + 1000; // a second for both to settle
const qSeen = receive(q, quicLat, from);
const hSeen = receive(h, h2Lat, from);
await new Promise((r) => setTimeout(r, 1000));
const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
await new Promise((r) => setTimeout(r, Number(secondsArg) * 1000));
eld.disable();
for (const s of [q, h]) s.close({ code: 0, reason: 'bench over' });
const result: LossReceived = {
  quic: row(quicLat, qSeen), http2: row(h2Lat, hSeen),
  receiverEventLoopDelayMs: { p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 },
};
console.log(JSON.stringify(result));
await new Promise((r) => setTimeout(r, 200)); // the closes leave
process.exit(0);
