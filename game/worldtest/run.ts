/**
 * Runs a world test: a server (in this process) and N headless clients over real WebTransport on 127.0.0.1, either
 * over the HTTP/2 mapping with each client behind a seeded link conditioner (`h2`), or over QUIC through a seeded UDP
 * link emulator, whose loss, delay and jitter the QUIC connections really suffer (`quic`); plays the scenario's
 * phases, checking that every other client sees each change; then replays the recorded inputs and diffs the replay against the live server stream.
 */
import {
  columnChecksum, createEventBus, type EventBus, loadHasher, type Hasher, conditionConnector, createRealtimeScheduler, type Connector,
  protocolIdentity, type ProtocolIdentity, type SessionSink, diffEventStreams, type StreamDiff, SPRINT_SPEED, createRng, sectionViews, DEFAULT_SUPERFLAT,
  type TerrainConfig, getBlock, type VoxelWorld, type WorkerPool, type Scheduler,
} from '../../engine/index.ts';
import {
  randomAdminToken, startWebTransportServer, nodeWebTransportConnector, quicWebTransportConnector,
  startQuicWebTransportServer, startUdpLinkEmulator, type UdpLinkEmulator, type UdpLinkStats, nodeZstd,
  createGameServer, type GameServer, type GameServerOptions, createNodePool, type ReplicationMetrics,
} from '../../engine/server.ts';
import { EntityKind, GAME_PROTOCOL } from '../protocol.ts';
import { WORLD_SYSTEMS } from '../rules.ts';
import { type Pose, type ClientEvents, createGameClient, type GameClient } from '../../engine/client.ts';
import { createActor, type Actor } from './actor.ts';
import { recordClient, sampleClients, type ClientRecording } from './client-recording.ts';
import { replaySession, type ReplayResult } from './replay.ts';
import type { Phase, Scenario } from './scenario.ts';
import { createSessionRecording, type SessionRecording } from './session-recording.ts';
import { createSkyHost } from '../sky/sky-server.ts';

/** Options of {@link runWorldTest}. */
export interface WorldTestOptions {
  /** The scenario. */
  scenario: Scenario;
  /** Clients (at least the highest client number the phases use). */
  clients: number;
  /**
   * `h2`: the HTTP/2 mapping (TCP), link conditioned above the transport. `quic`: HTTP/3 on QUIC through one shared
   * UDP link emulator (packet loss the transport sees; no conditioner above it). Default `h2`.
   */
  transport?: WorldTestTransport;
  /** Round-trip latency added by the conditioner or the UDP link emulator, ms (half each way). */
  rttMs: number;
  /** Jitter per direction, ms. */
  jitterMs: number;
  /** Datagram loss per direction, 0..1. */
  loss: number;
  /** Progress lines. */
  log: (line: string) => void;
}

/** What the world test's clients connect over. */
export type WorldTestTransport = 'h2' | 'quic';

/** Seed of the UDP link emulator's draws (fixed: a run's n-th packet per peer and direction meets the same fate). */
const LINK_SEED = 1000;

/** The outcome of one phase. */
export interface PhaseResult {
  /** Phase description. */
  name: string;
  /** True when the phase did what it should and every other client saw it. */
  ok: boolean;
  /** Seconds it took. */
  seconds: number;
  /** What went wrong. */
  problems: string[];
  /** For walks: the largest per-frame step of the walker drawn by another client, as a fraction of its top speed. */
  maxStepOfTopSpeed?: number;
}

/** Everything a world test produced. */
export interface WorldTestRun {
  /** The server (stopped). */
  server: GameServer;
  /** The live recording. */
  recording: SessionRecording;
  /** The replay of it. */
  replay: ReplayResult;
  /** Live server stream vs replay. */
  diff: StreamDiff;
  /** Client recordings. */
  clients: ClientRecording[];
  /** Phase outcomes. */
  phases: PhaseResult[];
  /** Per client: columns whose content differs from the server's at the end. */
  viewMismatches: number[];
  /** Seconds the run took. */
  seconds: number;
  /** Server-side replication figures per client (index 0 = client 1), taken before the clients left. */
  serverMetrics: (ReplicationMetrics | undefined)[];
  /**
   * Entity update rounds of each client, and over how many seconds: the updates it applied plus the rounds the server
   * had nothing new for it (quiet: it already held everyone in its view as they were, so nothing was sent).
   */
  entityUpdates: { count: number; seconds: number }[];
  /** Per client: ms its transport took to open a session (QUIC: Retry, TLS and CONNECT through the emulator). */
  transportConnectMs: number[];
  /** The throwaway warm-up client's handshake ms: the process's first, with its code still cold (not a target). */
  coldHandshakeMs: number;
  /** Counters of the UDP link emulator (QUIC only). */
  link?: UdpLinkStats;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Time between two clients starting to connect, ms. */
const JOIN_STAGGER_MS = 150;

export async function until(cond: () => boolean, seconds: number): Promise<boolean> {
  const end = performance.now() + seconds * 1000;
  while (!cond()) {
    if (performance.now() > end) return false;
    await sleep(20);
  }
  return true;
}

/** Columns of `client` whose content differs from the server's. */
export function viewMismatch(client: VoxelWorld, server: VoxelWorld, hasher: Hasher): number {
  let bad = 0;
  const sections = (w: VoxelWorld, key: number) => sectionViews(w.store, w.columns.get(key)!.sections);
  for (const key of client.columns.keys()) {
    if (!server.columns.has(key) || columnChecksum(sections(client, key), hasher) !== columnChecksum(sections(server, key), hasher)) bad++;
  }
  return bad;
}

/** Runs the world test. */
export async function runWorldTest(o: WorldTestOptions): Promise<WorldTestRun> {
  const { scenario } = o;
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const hasher = await loadHasher();
  const identity = protocolIdentity(GAME_PROTOCOL, hasher);
  const scheduler = createRealtimeScheduler();
  const terrain: TerrainConfig = scenario.world.generator === 'superflat' ? DEFAULT_SUPERFLAT : { kind: 'noise', seed: scenario.world.seed };
  const config = { terrain, worldRadius: scenario.world.radius, columnSections: scenario.world.columnSections };
  let recording: SessionRecording | undefined;
  // The production path: terrain, column encoding and entity diffing in a worker pool.
  const pool = createNodePool({ threads: 2 });
  const open = (recorder?: GameServerOptions['recorder']) => openWorld(o, { pool, scheduler, hasher, config, recorder });
  const coldHandshakeMs = await warmUp(await open(), hasher);
  o.log(`warm-up: a throwaway server and client joined in ${coldHandshakeMs.toFixed(0)} ms (the process's first handshake, its code still cold; not a target)`);
  const { server, wt, relay, raw, link } = await open((world) => (recording = createSessionRecording(world, hasher, identity, config)).recorder);
  server.start();
  const via = relay ? `QUIC through the UDP link emulator on 127.0.0.1:${relay.port}` : 'WebTransport over HTTP/2 with a link conditioner';
  o.log(`server up at ${wt.url}; ${o.clients} client(s) joining, ${via} (RTT ${o.rttMs} ms, jitter ${o.jitterMs} ms, loss ${(o.loss * 100).toFixed(1)}%)`);

  const { actors, clients, recordings, transportConnectMs } = await startClients(o, { raw, relay, link }, { scheduler, hasher, identity, now });
  const sampler = setInterval(() => sampleClients(recordings, clients, now() / 1000, hasher), 250);

  const phases: PhaseResult[] = [];
  try {
    await awaitJoined(o, clients, recordings);
    phases.push(...await runPhases(o, actors, clients, (x, y, z) => getBlock(server.world.voxels, x, y, z)));
  } finally {
    clearInterval(sampler);
  }
  const viewMismatches = clients.map((c) => viewMismatch(c.world.voxels, server.world.voxels, hasher));
  const byName = new Map([...server.players.values()].map((p) => [p.session.name, p.metrics]));
  const serverMetrics = clients.map((_, i) => byName.get(`client${i + 1}`));
  const entityUpdates = clients.map((c, i) => ({
    count: c.stats.entityUpdates + (serverMetrics[i]?.entityUpdatesQuiet ?? 0), seconds: now() / 1000 - recordings[i].firstEntityUpdateAt,
  }));
  for (const c of clients) c.stop('world test finished');
  await sleep(300);
  recording!.finish(server.world);
  server.stop('world test finished');
  await wt.close();
  await relay?.close();
  if (relay) {
    const l = relay.stats;
    o.log(`UDP link emulator: ${l.received} packets, ${l.dropped} dropped, ${l.reordered} held back (jitter reorders too); QUIC connects ${transportConnectMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  }
  await pool.destroy();

  o.log(`replaying ${recording!.info.endTick} ticks from the recorded inputs`);
  const replay = replaySession(recording!.info, recording!.inputs, hasher);
  const diff = diffEventStreams({ header: recording!.header, events: recording!.events }, { header: replay.header, events: replay.events });
  return {
    server, recording: recording!, replay, diff, clients: recordings, phases, viewMismatches, seconds: now() / 1000, serverMetrics, entityUpdates,
    transportConnectMs, coldHandshakeMs, link: relay && { ...relay.stats },
  };
}

/** A world test server on its own endpoint, and how clients reach it. */
export interface OpenWorld extends Reach {
  /** The server. */
  server: GameServer;
  /** The endpoint. */
  wt: { port: number; url: string; close(): Promise<void> };
}

interface WorldParts {
  pool: WorkerPool;
  scheduler: Scheduler;
  hasher: Hasher;
  config: Pick<GameServerOptions, 'terrain' | 'worldRadius' | 'columnSections'>;
  recorder?: GameServerOptions['recorder'];
}

/** Makes and initializes a server (not started) with its transport endpoint, as the world test runs it. */
async function openWorld(o: WorldTestOptions, parts: WorldParts): Promise<OpenWorld> {
  const { hasher } = parts;
  const sky = createSkyHost({ store: null });
  const server = createGameServer({ pool: parts.pool,
    scheduler: parts.scheduler, protocol: GAME_PROTOCOL, codec: { zstd: nodeZstd, hasher }, ...parts.config, viewDistance: o.scenario.world.viewDistance, store: null,
    maxSessionsPerAddress: o.clients, // every client comes from 127.0.0.1
    adminToken: randomAdminToken(), log: (level, m) => { if (level !== 'info') o.log(`  server ${level}: ${m}`); },
    recorder: parts.recorder, systems: [...sky.systems, ...WORLD_SYSTEMS], commands: sky.commands, onJoin: (p) => sky.onJoin(p),
  });
  sky.attach(server);
  await server.init();
  return { server, ...await openEndpoint(o, (s) => server.net.accept(s)) };
}

/**
 * The world test's endpoint for `sink`: WebTransport over HTTP/2 on 127.0.0.1 (clients add a link conditioner), or
 * over QUIC behind the seeded UDP link emulator.
 */
export async function openEndpoint(o: WorldTestOptions, sink: SessionSink): Promise<Omit<OpenWorld, 'server'>> {
  const link = { latencyMs: o.rttMs / 2, jitterMs: o.jitterMs, loss: o.loss };
  if (o.transport === 'quic') {
    const wt = await startQuicWebTransportServer({ sink });
    const relay = await startUdpLinkEmulator({ target: { host: '127.0.0.1', port: wt.port }, seed: LINK_SEED, ...link });
    return { wt, relay, link, raw: quicWebTransportConnector({ url: `https://127.0.0.1:${relay.port}/stratum`, certHash: wt.cert.sha256 }) };
  }
  const wt = await startWebTransportServer({ sink, port: 0 });
  return { wt, link, raw: await nodeWebTransportConnector({ url: wt.url, certHash: wt.cert.sha256 }) };
}

/**
 * Joins one client to a throwaway server over the same transport and link, waits for its first column, and shuts it
 * all down; returns that client's handshake ms. A fresh process runs the connect, TLS, handshake and join code for
 * the first time (interpreted, then compiled), on both sides at once in this one process, where a server in
 * production has long been warm: the measured clients then join a warm process, as players join a running server.
 */
async function warmUp(w: OpenWorld, hasher: Hasher): Promise<number> {
  const { server, wt, relay } = w;
  server.start();
  try {
    return await warmUpClient(w, hasher);
  } finally {
    server.stop('warm-up finished');
    await wt.close();
    await relay?.close();
  }
}

/** Joins one throwaway client over `reach`, waits for its first column, and stops it; returns its handshake ms. */
export async function warmUpClient({ relay, raw, link }: Reach, hasher: Hasher): Promise<number> {
  const bus = createEventBus<ClientEvents>();
  const started = performance.now();
  let handshakeMs = NaN;
  bus.on('Connected', () => { handshakeMs = performance.now() - started; });
  const scheduler = createRealtimeScheduler();
  const client = createGameClient({
    connect: relay ? raw : conditionConnector(raw, scheduler, createRng(999), link), protocol: GAME_PROTOCOL, scheduler, rng: createRng(999),
    codec: { zstd: nodeZstd, hasher }, name: 'warm-up', input: createActor().input, bus, reconnect: false,
  });
  client.start();
  try {
    if (!await until(() => client.predictor !== undefined && client.world.voxels.columns.size > 0, 15)) {
      throw new Error('warm-up: the throwaway client did not join within 15 s');
    }
  } finally {
    client.stop('warm-up finished');
    await sleep(100);
  }
  return handshakeMs;
}

/** `connect`, reporting how long each successful connect took. */
function timed(connect: Connector, report: (ms: number) => void): Connector {
  return (done) => {
    const start = performance.now();
    connect((r) => {
      if (!(r instanceof Error)) report(performance.now() - start);
      done(r);
    });
  };
}

async function runPhase(phase: Phase, actors: Actor[], clients: GameClient[], truth: BlockTruth, timeout: number): Promise<PhaseResult> {
  const start = performance.now();
  const actor = actors[phase.client - 1];
  const others = clients.filter((_, i) => i !== phase.client - 1);
  const problems: string[] = [];
  if (phase.kind !== 'walk') {
    const name = `${phase.kind} ${phase.blocks.length} block(s) by client ${phase.client}`;
    const task = { kind: phase.kind, blocks: phase.blocks, next: 0, waitingTick: -1, done: false, failures: [] as string[] };
    actor.task = task;
    if (!(await until(() => task.done, timeout))) problems.push(`client ${phase.client} did not finish (${task.next}/${phase.blocks.length})`);
    problems.push(...task.failures);
    actor.task = { kind: 'idle' };
    // Every client must come to see the server's blocks at those positions.
    const agree = () => phase.blocks.every(([x, y, z]) => clients.every((c) => getBlock(c.world.voxels, x, y, z) === truth(x, y, z)));
    if (!(await until(agree, 5))) problems.push('not every client sees the same blocks as the server');
    const expectAir = phase.kind === 'break';
    for (const [x, y, z] of phase.blocks) if ((truth(x, y, z) === 0) !== expectAir) problems.push(`server block at (${x}, ${y}, ${z}) is ${truth(x, y, z)}`);
    return { name, ok: problems.length === 0, seconds: (performance.now() - start) / 1000, problems };
  }
  const name = `walk ${phase.path.length} point(s) by client ${phase.client}`;
  const task = { kind: 'walk' as const, path: phase.path, next: 0, done: false };
  actor.task = task;
  const walker = clients[phase.client - 1].selfId;
  // Other clients draw the walker at 60 frames per second; no frame may move it faster than its top speed allows.
  let worst = 0, frames = 0;
  const last = others.map(() => ({ pose: null as Pose | null, at: 0 }));
  const frame = setInterval(() => {
    others.forEach((c, i) => {
      const pose: Pose = { x: 0, y: 0, z: 0, yaw: 0 };
      if (!c.sampleRemote(walker, pose)) return;
      // The sample's own clock reading: one taken around the call would count a pause between the two (GC, a busy
      // machine) as time the walker could not move in, and report a legitimate step as too fast.
      const t = c.remotes.get(walker)!.drawnAt;
      const prev = last[i];
      if (prev.pose) {
        const allowed = SPRINT_SPEED * ((t - prev.at) / 1000);
        if (allowed > 0) worst = Math.max(worst, Math.hypot(pose.x - prev.pose.x, pose.z - prev.pose.z) / allowed);
        frames++;
      }
      last[i] = { pose, at: t };
    });
  }, 16);
  const done = await until(() => task.done, timeout);
  clearInterval(frame);
  actor.task = { kind: 'idle' };
  if (!done) problems.push(`client ${phase.client} did not finish its path (${task.next}/${phase.path.length})`);
  if (others.length && frames < 10) problems.push('other clients drew too few frames of the walker');
  // Positions are float32 and sampled at float ms: allow rounding.
  if (worst > 1.05) problems.push(`the walker was drawn moving ${worst.toFixed(2)}x its top speed in one frame`);
  return { name, ok: problems.length === 0, seconds: (performance.now() - start) / 1000, problems, maxStepOfTopSpeed: worst };
}

/** How clients reach the world test's endpoint. */
export interface Reach {
  /** Opens a transport session to the endpoint (over QUIC through the emulator; over HTTP/2 unconditioned). */
  raw: Connector;
  /** The UDP link emulator in front of a QUIC endpoint. */
  relay?: UdpLinkEmulator;
  /** The link's delay, jitter and loss. */
  link: { latencyMs: number; jitterMs: number; loss: number };
}

/** The world test's clients, started. */
export interface StartedClients {
  /** Their scripted players. */
  actors: Actor[];
  /** The clients. */
  clients: GameClient[];
  /** Their recordings. */
  recordings: ClientRecording[];
  /** Per client: ms its transport took to open a session. */
  transportConnectMs: number[];
  /** Per client: its event bus. */
  buses: EventBus<ClientEvents>[];
}

/** Starts `o.clients` headless clients, one after another, each with a scripted player and a recording. */
export async function startClients(
  o: WorldTestOptions, { raw, relay, link }: Reach, env: { scheduler: Scheduler; hasher: Hasher; identity: ProtocolIdentity; now: () => number },
): Promise<StartedClients> {
  const { scheduler, hasher, identity, now } = env;
  const actors: Actor[] = [];
  const clients: GameClient[] = [];
  const recordings: ClientRecording[] = [];
  const transportConnectMs: number[] = [];
  const buses: EventBus<ClientEvents>[] = [];
  for (let i = 1; i <= o.clients; i++) {
    const actor = createActor();
    const bus = createEventBus<ClientEvents>();
    buses.push(bus);
    bus.on('BlockResult', (r) => actor.result(r.tick, r.ok, r.reason));
    const client = createGameClient({
      // Over QUIC the loss and delay are the emulator's, below the transport; a conditioner on top would count twice.
      connect: timed(relay ? raw : conditionConnector(raw, scheduler, createRng(1000 + i), link), (ms) => (transportConnectMs[i - 1] ??= ms)), protocol: GAME_PROTOCOL, scheduler, rng: createRng(i),
      codec: { zstd: nodeZstd, hasher }, name: `client${i}`, input: actor.input, bus, reconnect: false,
    });
    recordings.push(recordClient(i, client, bus, identity, now));
    actors.push(actor);
    clients.push(client);
    client.start();
    // Players arrive one after another, not in the same millisecond: each handshake is timed from its own start.
    if (i < o.clients) await sleep(JOIN_STAGGER_MS);
  }
  return { actors, clients, recordings, transportConnectMs, buses };
}

/** Waits until every client predicts and sees every other player, then the scenario's join time. */
export async function awaitJoined(o: WorldTestOptions, clients: readonly GameClient[], recordings: readonly ClientRecording[]): Promise<void> {
  const { scenario } = o;
  const joined = await until(() => clients.every((c) => c.predictor && [...c.remotes.values()].filter((r) => r.kind === EntityKind.Player).length === o.clients - 1), 15 + scenario.timing.joinSeconds);
  if (!joined) throw new Error('not every client joined within the time allowed');
  await sleep(scenario.timing.joinSeconds * 1000);
  o.log(`all ${o.clients} clients joined (handshakes ${recordings.map((r) => r.handshakeMs.toFixed(0)).join(', ')} ms)`);
}

/**
 * Plays the scenario's phases in order, logging each outcome; `truth` is the authoritative block at a position.
 * `during` runs alongside each phase (the cluster test kills a shard in one).
 */
export async function runPhases(
  o: WorldTestOptions, actors: Actor[], clients: GameClient[], truth: BlockTruth, during?: (phase: number) => void,
): Promise<PhaseResult[]> {
  const { scenario } = o;
  const phases: PhaseResult[] = [];
  for (const [i, phase] of scenario.phases.entries()) {
    during?.(i);
    const result = await runPhase(phase, actors, clients, truth, scenario.timing.phaseTimeoutSeconds);
    phases.push(result);
    o.log(`phase ${i + 1}/${scenario.phases.length} ${result.name}: ${result.ok ? 'ok' : 'FAILED'} in ${result.seconds.toFixed(1)} s${result.problems.length ? ' - ' + result.problems.slice(0, 3).join('; ') : ''}`);
  }
  await sleep(1000); // let the last updates land
  return phases;
}

/** The authoritative block id at (x, y, z). */
export type BlockTruth = (x: number, y: number, z: number) => number;
