/**
 * The cluster of `stratum-voxel bench cluster`: a fresh local nats-server with its HTTP monitoring, N shard processes
 * (`stratum-voxel shard`, each leasing a stripe of region x, game/cluster/plan.ts), and a gateway in the bench
 * process (openGatewayRouter behind listen()'s WebTransport endpoint and page on 127.0.0.1, whose `/connect.json`
 * the bots read). The gateway's hand-offs are collected with their times. Everything started is stopped by `stop`,
 * and by the lifelines of the shards and the nats-server should the bench die.
 */
import type { ChildProcess } from 'node:child_process';
import { loadHasher, protocolIdentity } from '../engine/index.ts';
import { createLogger, createStratumMetrics, listen, netLogOf } from '../engine/server.ts';
import { startNats, type RegionKey } from '../engine/cluster.ts';
import { openGatewayRouter } from '../game/cluster/gateway.ts';
import { planRegions } from '../game/cluster/plan.ts';
import { startShardProcess, stopShardProcess } from '../game/cluster/processes.ts';
import { GAME_PROTOCOL } from '../game/protocol.ts';

/** Options of {@link startBenchCluster}. */
export interface BenchClusterOptions {
  /** Shard processes. */
  shards: number;
  /** World radius, chunks (superflat). */
  worldRadius: number;
  /** View distance, chunks. */
  viewDistance: number;
  /** Progress and the processes' warnings. */
  log: (line: string) => void;
}

/** One shard of the bench's cluster. */
export interface BenchShard {
  /** Its id, e.g. `s1`; its NATS connection is named `shard <id>`. */
  id: string;
  /** The regions it leased at start. */
  regions: RegionKey[];
  /** Its `/metrics`. */
  metricsUrl: string;
  /** Ticks it dropped so far because it fell behind (from its `fell behind` warnings, which are not printed). */
  droppedTicks: number;
}

/** One hand-off the gateway saw. */
export interface BenchMove {
  /** When, ms (performance.now() of the bench process). */
  at: number;
  /** Shard ids, from and to. */
  from: string;
  to: string;
  /** How long the re-open took, ms. */
  ms: number;
  /** False when the move failed (the player was closed). */
  ok: boolean;
}

/** A running bench cluster. */
export interface BenchCluster {
  /** The gateway's page URL (bots read `/connect.json` there). */
  readonly pageUrl: string;
  /** The shards, in order. */
  readonly shards: readonly BenchShard[];
  /** The nats-server's monitoring, `http://127.0.0.1:port/`. */
  readonly monitorUrl: string;
  /** The name of the gateway's NATS connection. */
  readonly gatewayConnection: string;
  /** Every hand-off so far, in order. */
  readonly moves: readonly BenchMove[];
  /** Shards that exited, with their code or signal (none while all is well). */
  readonly exited: readonly string[];
  /** Stops the gateway, the shards and the nats-server. */
  stop(): Promise<void>;
}

/** Starts a cluster for the bench; rejects (with everything stopped) when a part fails to start. */
export async function startBenchCluster(o: BenchClusterOptions): Promise<BenchCluster> {
  const nats = await startNats({ url: undefined, env: { PATH: process.env.PATH }, monitorPort: 0 });
  const children: ChildProcess[] = [];
  const stops: Array<() => Promise<unknown>> = [() => nats.stop(), () => Promise.all(children.map(stopShardProcess))];
  const stopAll = async () => { for (const stop of stops.splice(0).reverse()) await stop().catch(() => {}); };
  const exited: string[] = [];
  let stopping = false;
  try {
    const world = ['--world', 'superflat', '--world-radius', String(o.worldRadius), '--view-distance', String(o.viewDistance),
      '--column-sections', '4', '--max-players', '1000', '--max-sessions-per-address', '1000', '--log-level', 'info'];
    const plan = planRegions(o.worldRadius, o.shards);
    const shards: BenchShard[] = [];
    for (let i = 0; i < o.shards; i++) {
      const shard: BenchShard = { id: `s${i + 1}`, regions: plan[i], metricsUrl: '', droppedTicks: 0 };
      // Info lines are the shard's routine (sessions opening and closing), but for why it stops; the ready line
      // carries the metrics URL.
      await startShardProcess(children, ['--nats', nats.url, '--regions', plan[i].join(','), ...world], shard.id, (line) => {
        const behind = line.match(/fell behind at tick \d+: dropped (\d+) tick/);
        if (behind) shard.droppedTicks += Number(behind[1]);
        else if (line.includes('"msg":"shard ready"')) shard.metricsUrl = (JSON.parse(line) as { metricsUrl: string }).metricsUrl;
        else if (!line.includes('"level":"info"') || /stopping|lease/.test(line)) o.log(`    shard ${shard.id}: ${line}`);
      });
      const child = children[i];
      child.once('exit', (code, signal) => {
        if (stopping) return;
        exited.push(`${shard.id}: ${code ?? signal}`);
        o.log(`    shard ${shard.id} exited (${code ?? signal})`);
      });
      shards.push(shard);
    }
    const gatewayConnection = 'gateway g1';
    const nc = await nats.connect({ name: gatewayConnection });
    const moves: BenchMove[] = [];
    const logger = createLogger({ level: 'warn', fields: { process: 'gateway' } });
    const router = await openGatewayRouter({
      id: 'g1', nc, logger, onMove: (m) => { moves.push({ at: performance.now(), ...m }); },
    });
    stops.push(() => router.stop('bench finished'));
    const metrics = createStratumMetrics({ labels: { process: 'gateway', gateway: 'g1' } });
    const net = await listen({ net: { accept: router.accept }, identity: protocolIdentity(GAME_PROTOCOL, await loadHasher()), metrics },
      { host: '127.0.0.1', port: 0, httpPort: 0, log: netLogOf(logger) });
    stops.push(() => net.close());
    return {
      pageUrl: net.pageUrl, shards, monitorUrl: nats.monitorUrl!, gatewayConnection, moves, exited,
      stop: async () => { stopping = true; await stopAll(); },
    };
  } catch (err) {
    stopping = true;
    await stopAll();
    throw err;
  }
}
