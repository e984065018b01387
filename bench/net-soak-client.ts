/**
 * Child process of the net soak: `node bench/net-soak-client.ts <url> <cert sha-256 hex> <cycles> [h2|quic]` connects
 * and disconnects `cycles` times, one after another, so that the server's memory is measured without the clients'.
 * Prints one JSON line `{"cycles": n}` when done; exits 1 on the first failure.
 */
import { createEventBus } from '../engine/events.ts';
import { loadHasher } from '../engine/hash.ts';
import { createRng } from '../engine/rng.ts';
import type { NetClientEvents } from '../engine/net/client.ts';
import { createNetClient } from '../engine/net/client.ts';
import { createRealtimeScheduler } from '../engine/net/scheduler.ts';
import { localIdentity } from '../engine/protocol/handshake.ts';
import { nodeWebTransportConnector } from '../engine/platform/node/webtransport.ts';
import { quicWebTransportConnector } from '../engine/platform/node/quic/webtransport-client.ts';

const [url, hashHex, cyclesArg, transport] = process.argv.slice(2);
const cycles = Number(cyclesArg);
const certHash = Uint8Array.from(Buffer.from(hashHex, 'hex'));
const connect = transport === 'quic' ? quicWebTransportConnector({ url, certHash }) : await nodeWebTransportConnector({ url, certHash });
const identity = localIdentity(await loadHasher());
const scheduler = createRealtimeScheduler();
for (let i = 0; i < cycles; i++) {
  await new Promise<void>((resolve, reject) => {
    const bus = createEventBus<NetClientEvents>();
    const client = createNetClient({ connect, identity, name: 'soak', scheduler, rng: createRng(i), bus, reconnect: false });
    bus.on('Connected', () => {
      resolve();
      client.stop();
    });
    bus.on('Disconnected', (d) => reject(new Error(d.reason)));
    client.start();
  });
}
// Let the last client's Disconnect and session close leave before exiting (Connection closes the session 50 ms after).
await new Promise((r) => setTimeout(r, 300));
console.log(JSON.stringify({ cycles }));
process.exit(0);
