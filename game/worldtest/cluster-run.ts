/**
 * The cluster world test (`stratum worldtest --shards N [--kill-shard]`): a local nats-server, N shard processes
 * (`stratum-voxel shard`, each leasing a stripe of regions and recording its run), a gateway in this process behind
 * the same endpoint and link as the single-server test, and the scenario's clients. Client 1 builds on both sides of
 * a region border and walks across it and back, so the shards hand it over; the others must see every block and see
 * it move smoothly. With `--kill-shard`, the shard that holds client 1 is killed (SIGKILL) in the middle of a build
 * phase: the other shard must serve its regions again within 10 s, with no acknowledged edit lost and no session
 * dropped. Afterwards each shard's recording is replayed and compared with its live event stream.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createRealtimeScheduler, getBlock, loadHasher, protocolIdentity,
} from '../../engine/index.ts';
import { createLogger, randomAdminToken } from '../../engine/server.ts';
import { openEditLog, openLeases, regionEdits, regionKey, regionOfBlock, startNats } from '../../engine/cluster.ts';
import { openGatewayRouter } from '../cluster/gateway.ts';
import { planRegions } from '../cluster/plan.ts';
import { startShardProcess, stopShardProcess } from '../cluster/processes.ts';
import { replayShardRecording, type ShardReplayResult } from '../cluster/shard-recording.ts';
import { GAME_PROTOCOL } from '../protocol.ts';
import type { Actor } from './actor.ts';
import type { ClientRecording } from './client-recording.ts';
import {
  awaitJoined, openEndpoint, runPhases, sleep, startClients, warmUpClient, type PhaseResult, type WorldTestOptions,
} from './run.ts';

/** Options of {@link runClusterWorldTest}: the single-server test's, plus the cluster's. */
export interface ClusterWorldTestOptions extends WorldTestOptions {
  /** Shard processes (2 or more: the test needs a border between two shards). */
  shards: number;
  /** Kill the shard holding client 1 with SIGKILL in the middle of the first build phase after a hand-off. */
  killShard: boolean;
  /** Folder for the shards' recordings (made when missing). */
  out: string;
}

/** What a cluster world test produced. */
export interface ClusterWorldTestRun {
  /** Phase outcomes. */
  phases: PhaseResult[];
  /** Client recordings (handshakes, reconciliations, bandwidth). */
  clients: ClientRecording[];
  /** Sessions the shards moved from one shard to another (gateway's count of successful moves). */
  handoffs: number;
  /** Hand-off times (ms from the old shard's move to the new shard's accept), one per move. */
  handoffMs: number[];
  /** Moves that failed (the client was then closed). */
  failedHandoffs: number;
  /** Sessions re-attached after their shard died: ms from the loss to the new shard's accept, one per session. */
  reattachMs: number[];
  /** Re-attaches that failed (the client was then closed). */
  failedReattaches: number;
  /** Client sessions that ended before the test stopped them. */
  sessionDrops: number;
  /** Times a watcher's client despawned another player during the run, outside a fail-over (a hand-off must not). */
  playerDespawns: number;
  /** The same during a fail-over (a dead shard's players leave the others' views until re-attached): reported. */
  despawnsInFailover: number;
  /** Acknowledged edits (BlockResult ok) whose block is not the final one in the region's edit stream. */
  lostEdits: number;
  /** Acknowledged edits checked. */
  acknowledgedEdits: number;
  /** The kill, when there was one: which shard, and ms until another shard held all its regions. */
  kill?: { shard: string; regionsServedAfterMs: number };
  /** Per shard: its replay against its live stream. */
  replays: ShardReplayResult[];
  /** Per client: ms its transport took to open a session. */
  transportConnectMs: number[];
  /** The warm-up client's handshake ms (the gateway's and shards' first, their code cold): reported, not a target. */
  coldHandshakeMs: number;
  /** Seconds the run took. */
  seconds: number;
}

/** How long after a killed shard's regions are served again its players may still be coming back into view, ms. */
const FAILOVER_SETTLE_MS = 3000;

/** The shard's id for index i (0-based). */
const shardId = (i: number) => `s${i + 1}`;

/** Runs the cluster world test. */
export async function runClusterWorldTest(o: ClusterWorldTestOptions): Promise<ClusterWorldTestRun> {
  if (!Number.isInteger(o.shards) || o.shards < 2) throw new RangeError(`shards must be an integer >= 2 for the cluster world test, got ${o.shards}`);
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const { scenario } = o;
  const out = resolve(o.out, 'shards');
  mkdirSync(out, { recursive: true });
  const hasher = await loadHasher();
  const identity = protocolIdentity(GAME_PROTOCOL, hasher);
  const scheduler = createRealtimeScheduler();
  const logger = createLogger({ level: 'warn', fields: { process: 'worldtest' } });
  const nats = await startNats();
  const shards: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [async () => { await Promise.all(shards.map(stopShardProcess)); }, () => nats.stop()];
  const cleanUp = async () => { for (const c of cleanups.splice(0)) await c().catch(() => {}); };
  try {
    const adminToken = randomAdminToken();
    const world = ['--world', scenario.world.generator, '--seed', String(scenario.world.seed), '--world-radius', String(scenario.world.radius),
      '--view-distance', String(scenario.world.viewDistance), '--column-sections', String(scenario.world.columnSections),
      '--admin-token', adminToken, '--max-sessions-per-address', String(o.clients + 1)];
    const plan = planRegions(scenario.world.radius, o.shards);
    for (let i = 0; i < o.shards; i++) {
      const id = shardId(i);
      await startShardProcess(shards, ['--nats', nats.url, '--regions', plan[i].join(','), '--record', join(out, `${id}.jsonl`), ...world], id,
        (line) => { if (!line.includes('"level":"info"')) o.log(`  shard ${id}: ${line}`); });
    }
    o.log(`${o.shards} shards up on NATS ${nats.url} (${plan.map((p, i) => `${shardId(i)}: ${p.join(' ')}`).join('; ')})`);
    const nc = await nats.connect();
    cleanups.unshift(() => nc.close());
    const handoffMs: number[] = [];
    let failedHandoffs = 0;
    const reattachMs: number[] = [];
    let failedReattaches = 0;
    const router = await openGatewayRouter({
      id: 'g1', nc, logger, onMove: (m) => { if (m.ok) handoffMs.push(m.ms); else failedHandoffs++; },
      onReattach: (m) => {
        if (m.ok) reattachMs.push(m.ms); else failedReattaches++;
        o.log(`  a session ${m.ok ? 're-attached' : 'could not re-attach'} from ${m.from} to ${m.to || '(none)'} after ${(m.ms / 1000).toFixed(1)} s`);
      },
    });
    cleanups.unshift(() => router.stop('world test finished'));
    const endpoint = await openEndpoint(o, router.accept);
    cleanups.unshift(async () => { await endpoint.wt.close(); await endpoint.relay?.close(); });
    // As in the single-server test: the first join through a fresh gateway and shards runs their code cold.
    const coldHandshakeMs = await warmUpClient(endpoint, hasher);
    o.log(`warm-up: a throwaway client joined through the gateway in ${coldHandshakeMs.toFixed(0)} ms (cold code; not a target)`);
    o.log(`gateway up at ${endpoint.wt.url}; ${o.clients} client(s) joining (RTT ${o.rttMs} ms, loss ${(o.loss * 100).toFixed(1)}%)`);

    const started = await startClients(o, endpoint, { scheduler, hasher, identity, now });
    const { actors, clients, recordings, buses } = started;
    let stopping = false;
    let sessionDrops = 0, playerDespawns = 0, despawnsInFailover = 0;
    // From a kill until a while after its regions are served again: the dead shard's players vanish from the others'
    // views (their ghosts go stale) and come back when re-attached, which a hand-off must never do.
    let failingOver = false;
    const players = () => new Set(clients.map((c) => c.selfId));
    buses.forEach((bus, i) => {
      bus.on('Disconnected', (e) => {
        if (stopping) return;
        sessionDrops++;
        o.log(`  client ${i + 1} lost its session: ${JSON.stringify(e)}`);
      });
      bus.on('EntityDespawned', (e) => {
        if (stopping || !players().has(e.id)) return;
        if (failingOver) despawnsInFailover++; else playerDespawns++;
      });
    });
    const stopClients = () => { stopping = true; for (const c of clients) c.stop('world test finished'); };
    cleanups.unshift(async () => stopClients());

    await awaitJoined(o, clients, recordings);
    // The truth of a block: the acting client's view once its result came back, checked by every other client.
    const truth = (x: number, y: number, z: number) => getBlock(clients[0].world.voxels, x, y, z);
    let kill: ClusterWorldTestRun['kill'];
    const killDuring = o.killShard ? firstBuildAfterWalk(o) : -1;
    const phases = await runPhases(o, actors, clients, truth, (phase) => {
      if (phase !== killDuring) return;
      void (async () => {
        await sleep(1500); // the middle of the build phase: some blocks acknowledged, others to come
        const x = clients[0].predictor?.body.x ?? 0, z = clients[0].predictor?.body.z ?? 0;
        const leases = await openLeases(nc, { shard: 'worldtest', autoRenew: false });
        const region = regionKey(regionOfBlock(Math.floor(x), Math.floor(z)));
        const victim = await leases.owner(region);
        const index = shards.findIndex((_, i) => shardId(i) === victim);
        if (index < 0) { o.log(`  kill: no shard holds region ${region}`); await leases.close({ release: false }); return; }
        const regions = plan[index];
        const killedAt = performance.now();
        failingOver = true;
        shards[index].kill('SIGKILL');
        o.log(`  killed shard ${victim} (SIGKILL), which held ${regions.join(' ')}`);
        const owners = await Promise.all(regions.map((r) => leases.awaitOwner(r, victim!, 30_000)));
        const served = owners.every((w) => w !== undefined);
        kill = { shard: victim!, regionsServedAfterMs: served ? performance.now() - killedAt : Infinity };
        o.log(`  regions of ${victim} served again after ${(kill.regionsServedAfterMs / 1000).toFixed(1)} s`);
        await sleep(FAILOVER_SETTLE_MS);
        failingOver = false;
        await leases.close({ release: false });
      })();
    });
    stopClients();
    await sleep(300);
    const edits = await openEditLog(nc);
    const { lost, checked } = await countLostEdits(edits, actors);
    await cleanUp();
    const replays: ShardReplayResult[] = [];
    for (let i = 0; i < o.shards; i++) {
      const id = shardId(i);
      o.log(`replaying shard ${id}'s recording`);
      replays.push(await replayShardRecording(join(out, `${id}.jsonl`), hasher));
    }
    return {
      phases, clients: recordings, handoffs: handoffMs.length, handoffMs, failedHandoffs, reattachMs, failedReattaches, sessionDrops, playerDespawns, despawnsInFailover,
      lostEdits: lost, acknowledgedEdits: checked, kill, replays, transportConnectMs: started.transportConnectMs, coldHandshakeMs, seconds: now() / 1000,
    };
  } finally {
    await cleanUp();
  }
}

/** The index of the first build phase that comes after a walk (the builder is then on its second shard). */
function firstBuildAfterWalk(o: ClusterWorldTestOptions): number {
  const walk = o.scenario.phases.findIndex((p) => p.kind === 'walk' && p.client === 1);
  const i = o.scenario.phases.findIndex((p, k) => k > walk && p.kind === 'build' && p.client === 1);
  if (walk < 0 || i < 0) throw new Error('--kill-shard needs a scenario where client 1 walks, then builds');
  return i;
}

/**
 * Every acknowledged edit must be in its region's stream: for each position the actors' last acknowledged action
 * (place: a block there; break: air) must match the last edit of that position in the stream.
 */
async function countLostEdits(edits: Awaited<ReturnType<typeof openEditLog>>, actors: readonly Actor[]): Promise<{ lost: number; checked: number }> {
  const last = new Map<string, { kind: 'build' | 'break'; x: number; y: number; z: number }>();
  for (const a of actors) for (const e of a.acknowledged) last.set(`${e.x},${e.y},${e.z}`, e);
  const regions = new Set([...last.values()].map((e) => regionKey(regionOfBlock(e.x, e.z))));
  const stored = new Map<string, number>();
  for (const region of regions) {
    for (const e of regionEdits(await edits.loadRegion(region))) stored.set(`${e.x},${e.y},${e.z}`, e.block);
  }
  let lost = 0;
  for (const [key, e] of last) {
    const block = stored.get(key);
    if (block === undefined || (e.kind === 'break') !== (block === 0)) lost++;
  }
  return { lost, checked: last.size };
}

