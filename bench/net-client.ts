/**
 * Child process of `bench net`: the clients, in a process of their own, so that the server's figures (its memory,
 * its event-loop delay) are the server's alone and the clients' round trips cross a process boundary as a player's
 * do. `node bench/net-client.ts <url> <cert sha-256 hex> <h2|quic> <workload> <n> [warmup]`, workloads:
 * - `cycles`: connect and disconnect `n` times, one after another; prints `{"cycles": n}`.
 * - `handshakes`: `warmup` untimed connects, then `n` timed ones, a new TLS connection each; prints
 *   `{"handshakeMs": [...], "joinMs": [...]}`: from the connect call to the WebTransport session (QUIC or TLS over
 *   TCP, then HTTP/3 or HTTP/2 SETTINGS and the extended CONNECT), and to the game's Welcome (the Hello/Welcome
 *   exchange with the protocol version and schema hash on top).
 * - `datagram-pings`: one session, `n` pings on the Input channel one at a time (a datagram each way; the pong comes
 *   back on EntityDelta) after `warmup` untimed ones; prints `pinging` when the timed ones start, then
 *   `{"rttMs": [...]}`.
 * Exits 1 on the first failure.
 */
import { createEventBus } from '../engine/events.ts';
import { loadHasher } from '../engine/hash.ts';
import { createRng } from '../engine/rng.ts';
import { Channel } from '../engine/net/channels.ts';
import type { NetClient, NetClientEvents } from '../engine/net/client.ts';
import { createNetClient } from '../engine/net/client.ts';
import { createRealtimeScheduler } from '../engine/net/scheduler.ts';
import { localIdentity } from '../engine/protocol/handshake.ts';
import type { Connector } from '../engine/net/transport.ts';
import { nodeWebTransportConnector } from '../engine/platform/node/webtransport.ts';
import { quicWebTransportConnector } from '../engine/platform/node/quic/webtransport-client.ts';

const [url, hashHex, transport, workload, nArg, warmupArg] = process.argv.slice(2);
const n = Number(nArg);
const warmup = Number(warmupArg ?? 0);
const certHash = Uint8Array.from(Buffer.from(hashHex, 'hex'));
const transportConnect = transport === 'quic' ? quicWebTransportConnector({ url, certHash }) : await nodeWebTransportConnector({ url, certHash });
/** When the last connect call got its session, performance.now() ms. */
let sessionAt = 0;
const connect: Connector = (done) => transportConnect((r) => {
  sessionAt = performance.now();
  done(r);
});
const identity = localIdentity(await loadHasher());
const scheduler = createRealtimeScheduler();

/** One client, resolved when it is connected (Welcome received), with the ms to its session and to Welcome. */
function join(i: number): Promise<{ client: NetClient; sessionMs: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const bus = createEventBus<NetClientEvents>();
    const t0 = performance.now();
    const client = createNetClient({ connect, identity, name: 'bench', scheduler, rng: createRng(i), bus, reconnect: false });
    bus.on('Connected', () => resolve({ client, sessionMs: sessionAt - t0, ms: performance.now() - t0 }));
    bus.on('Disconnected', (d) => reject(new Error(d.reason)));
    client.start();
  });
}

let result: object;
if (workload === 'datagram-pings') {
  const { client } = await join(0);
  for (let i = 0; i < warmup; i++) await client.ping(Channel.Input);
  console.log('pinging'); // the parent measures its event-loop delay from here
  const rttMs: number[] = [];
  for (let i = 0; i < n; i++) rttMs.push(await client.ping(Channel.Input));
  client.stop();
  result = { rttMs };
} else {
  const handshakeMs: number[] = [];
  const joinMs: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const { client, sessionMs, ms } = await join(i);
    if (i >= warmup) {
      handshakeMs.push(sessionMs);
      joinMs.push(ms);
    }
    client.stop();
  }
  result = workload === 'handshakes' ? { handshakeMs, joinMs } : { cycles: n };
}
// Let the last client's Disconnect and session close leave before exiting (Connection closes the session 50 ms after).
await new Promise((r) => setTimeout(r, 300));
// Exit only once the line is written: a pipe takes it asynchronously, and 20,000 round trips make a long line.
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
