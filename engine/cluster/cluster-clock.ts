/**
 * What every shard of a cluster must agree on before its first tick (Node only): the tick epoch (the wall-clock time
 * of tick 0, so that all shards number their ticks alike and tick in step, and a hand-off names a tick both sides
 * mean) and a range of network ids of its own (ids stay cluster-wide when an entity moves). Both live in the
 * key-value bucket {@link CLUSTER_BUCKET}: the first shard to start writes the epoch; every start of a shard process
 * takes the next free id block with a compare-and-set, so a shard restarted after a crash never reuses its old ids.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';

/** The bucket of the cluster's shared facts. */
export const CLUSTER_BUCKET = 'stratum-cluster';

/** Network ids per block: a shard allocates ids in [base, base + NET_ID_BLOCK). */
export const NET_ID_BLOCK = 1 << 22;

/** Most id blocks (so that every id stays below 2^30). */
export const MAX_NET_ID_BLOCKS = 255;

/** One shard's share of the cluster's clock and ids. */
export interface ClusterClock {
  /** Wall-clock ms (Date.now scale) of tick 0; pass to the game server as `tickEpochMs`. */
  readonly tickEpochMs: number;
  /** The first network id of this process's block; pass as `netIdBase`. */
  readonly netIdBase: number;
}

const text = new TextEncoder();
const read = (v: Uint8Array) => Number(new TextDecoder().decode(v));

/** Creates the key if absent; resolves to the value now stored (ours or the one another shard wrote first). */
async function createOrRead(kv: KV, key: string, value: number): Promise<number> {
  try {
    await kv.create(key, text.encode(String(value)));
    return value;
  } catch {
    const e = await kv.get(key);
    if (!e || e.operation !== 'PUT') throw new Error(`cluster bucket: key '${key}' could not be created or read`);
    return read(e.value);
  }
}

/** Takes the next id block with compare-and-set; retries when another shard took one meanwhile. */
async function takeIdBlock(kv: KV): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const e = await kv.get('net-id-blocks');
    if (!e || e.operation !== 'PUT') {
      try { await kv.create('net-id-blocks', text.encode('1')); return 0; } catch { continue; }
    }
    const taken = read(e.value);
    if (taken >= MAX_NET_ID_BLOCKS) throw new Error(`the cluster has used all ${MAX_NET_ID_BLOCKS} network id blocks; start a fresh cluster bucket`);
    try {
      await kv.update('net-id-blocks', text.encode(String(taken + 1)), e.revision);
      return taken;
    } catch { /* another shard took it: read again */ }
  }
  throw new Error('could not take a network id block after 50 attempts');
}

/**
 * Joins the cluster's clock: reads (or, first, writes) the tick epoch and takes a network id block. `now` is the
 * wall clock (default Date.now); a new epoch is the next whole second.
 */
export async function joinClusterClock(nc: NatsConnection, now: () => number = Date.now): Promise<ClusterClock> {
  const kv = await new Kvm(nc).create(CLUSTER_BUCKET, { history: 1 });
  const tickEpochMs = await createOrRead(kv, 'tick-epoch-ms', Math.ceil(now() / 1000) * 1000);
  const block = await takeIdBlock(kv);
  return { tickEpochMs, netIdBase: block * NET_ID_BLOCK + 1 };
}
