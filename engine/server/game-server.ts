/**
 * The authoritative game server: owns the world, accepts sessions through the network server, spawns a player per
 * client, runs the 20 Hz tick (inputs from per-player queues -> the shared simulation step -> storage -> replication)
 * and validates everything a client asks for. One misbehaving client never affects another.
 */
import { removeEntity } from 'bitecs';
import type { ChunkCodecDeps } from '../codec/chunk-codec.ts';
import { Channel } from '../net/channels.ts';
import type { Scheduler, TimerHandle } from '../net/scheduler.ts';
import { createNetServer, type DiagnosticsHandler, type NetLog, type NetServer, type NetServerOptions, type ServerSession } from '../net/server.ts';
import type { EditStore } from '../platform/node/edit-store.ts';
import { componentLayout, type ProtocolDefinition } from '../protocol/define.ts';
import { protocolIdentity, type ProtocolIdentity } from '../protocol/handshake.ts';
import { MsgType, type Message } from '../protocol/messages.ts';
import type { PayloadOf } from '../protocol/user-codec.ts';
import type { UserMessageDef } from '../protocol/user-messages.ts';
import { createUserHandlers } from '../net/user-handlers.ts';
import { inventoryStateOf } from '../replication/inventory-state.ts';
import { DEFAULT_KIT, createGameWorld, spawnKind, spawnPlayer, type GameWorld, type Kit } from '../sim/game-world.ts';
import { gameSchedule, stepWorld } from '../sim/step.ts';
import type { System } from '../sim/schedule.ts';
import { createFixedStep, TICK_MS, type FixedStep, type Tick } from '../tick.ts';
import { createBlockRegistry } from '../voxel/blocks.ts';
import { setBlock } from '../voxel/voxel-world.ts';
import { lightAt, type LightValue } from '../light/world-light.ts';
import type { TerrainConfig } from '../voxel/terrain/generator.ts';
import { PlayerKind, entityKindId } from '../protocol/define.ts';
import type { WorkerPool } from '../../workers/pool.ts';
import { generateWorld, squareAround } from '../../workers/terrain.main.ts';
import type { WorldGenerator } from '../../workers/terrain.common.ts';
import { surfaceY } from '../sim/surface.ts';
import { pushInput, recordArrival } from './input-queue.ts';
import type { ServerPlayer } from './server-player.ts';
import type { ServerRecorder } from './server-recorder.ts';
import { MAX_WAITING_RESYNCS, RESYNC_BURST, RESYNCS_PER_SECOND, createReplicator, type Replicator } from './replicator.ts';
import { answerRefused } from './refusal-answers.ts';
import { blocksCommand } from './area-blocks.ts';
import { runServerTick } from './server-tick.ts';
import { checkMaxHeldEdits, createDurableEdits, DEFAULT_MAX_HELD_EDITS, type DurableEditWriter, type DurableEdits } from './durable-edits.ts';
import { checkCheckpointEvery, checkpointDue, DEFAULT_CHECKPOINT_EVERY, leaveCheckpoints } from './server-checkpoint.ts';
import { createHandoffs, type BorderEntity, type GameServerCounters, type HandoffData, type RemoteEdit } from './server-handoff.ts';
import type { Ghost } from './ghosts.ts';
import { checkNetIdBase, checkTickEpoch, epochStart } from './tick-epoch.ts';
import { createEntityLayout, type EntityLayout } from '../replication/entity-layout.ts';
import { serverStats, startStatsWindow } from './server-stats.ts';
import type { ChannelByteTotals, StratumMetrics } from './metrics.ts';
import { CHANNELS } from '../net/channels.ts';

/** Options of {@link createGameServer}. */
export interface GameServerOptions {
  /** Time and timers (real time in production, manual in tests). */
  scheduler: Scheduler;
  /**
   * The protocol definition (the game's is game/protocol.ts GAME_PROTOCOL): its blocks make the world's registry,
   * and clients must have the same definition to be let in.
   */
  protocol: ProtocolDefinition;
  /** Codec dependencies (zstd, hasher). */
  codec: ChunkCodecDeps;
  /** Terrain generator config (a built-in generator, run in the pool); `generator` replaces it. */
  terrain?: TerrainConfig;
  /**
   * The world generator, when not a built-in `terrain` config: `{ kind: 'function', fill }` (runs on this thread) or
   * `{ kind: 'module', module, name }` (the pool's workers load it). workers/terrain.common.ts WorldGenerator.
   */
  generator?: WorldGenerator;
  /** Chunks generated around the origin (the world's extent). */
  worldRadius: number;
  /** Sections per column (default 16). */
  columnSections?: number;
  /** Chunks around a player that its client receives (default 8). */
  viewDistance?: number;
  /** Where edits are stored; null keeps them in memory only. */
  store: EditStore | null;
  /**
   * An asynchronous durable store of the edits, beside or instead of `store`: called with each tick's edits (and
   * each `editBlock`'s), in order; an edit is acknowledged (its BlockResult, and the section updates that carry it)
   * only once the promise resolves, in tick order. A shard passes a function that appends the edits to their region
   * streams and resolves on the PubAcks (engine/cluster/edit-log.ts createRegionEditWriter). The simulation does not
   * wait. A rejection is final: nothing more is acknowledged, and `onDurableFailure` is called.
   */
  durableEdits?: DurableEditWriter;
  /**
   * Called once when `durableEdits` rejects (or more than `durableMaxHeldEdits` edits wait), with the error and the
   * tick of the edits. The results of those edits and of every later one are never sent: a shard stops serving
   * (it has lost a region's lease). A server left running after it keeps every later edit hidden from its clients,
   * in memory without bound.
   */
  onDurableFailure?: (error: Error, tick: Tick) => void;
  /** Most edits waiting for `durableEdits` at once, an integer >= 1 (default DEFAULT_MAX_HELD_EDITS, 16384). */
  durableMaxHeldEdits?: number;
  /** The admin token for diagnostics commands. */
  adminToken: string;
  /** Log sink. */
  log: NetLog;
  /** Worker pool for terrain generation (default: generate on this thread). */
  pool?: WorkerPool;
  /** Entity capacity (default 4096). */
  capacity?: number;
  /** Starting hotbar of every player (default DEFAULT_KIT); each client is told its own (InventoryState). */
  kit?: Kit;
  /** Bandwidth budget per client, bytes per second (default 1 MB/s). */
  budgetBytesPerSecond?: number;
  /** Most players at once (default 200). */
  maxPlayers?: number;
  /** Most sessions from one address at once (default 8). */
  maxSessionsPerAddress?: number;
  /** A session that has not said Hello this long after it opened is closed, ms (default 10000). */
  helloTimeoutMs?: number;
  /** Per-session budgets for what clients send (default: the network server's). */
  sessionLimits?: NetServerOptions['limits'];
  /** Makes the receiver of a recording of sessions and applied inputs (world test, replays), given the world. */
  recorder?: (world: GameWorld) => ServerRecorder;
  /**
   * The game's own systems, scheduled with the engine's built-ins (engine/sim/schedule.ts; they may name the
   * built-ins `apply-inputs`, `movement`, `block-interactions`, `inventory` in before/after).
   */
  systems?: readonly System[];
  /** Seed of the systems' random numbers (`ctx.rng`; default 0). */
  seed?: number;
  /**
   * Where a joining player appears: feet position in blocks. Default: the centre of block (0, 0), on the surface.
   * Deterministic code only (it runs on the server's tick thread).
   */
  spawnPoint?: (world: GameWorld, session: ServerSession) => SpawnPoint;
  /** Called when a player has joined: its entity exists, its client has its hotbar. */
  onJoin?: (player: ServerPlayer) => void;
  /** Called when a player leaves, before its entity is removed (its components can still be read). */
  onLeave?: (player: ServerPlayer, reason: string) => void;
  /**
   * The game's admin commands, by name (Diagnostics channel, admin token required), beside the built-ins (`status`,
   * `sessions`, `kick`, `blocks`, `players`, `stats`: naming one of those is a RangeError). A handler returns the
   * answer text; one that throws is answered `ok: false` with the error's message.
   */
  commands?: Readonly<Record<string, DiagnosticsHandler>>;
  /**
   * Prometheus metrics to feed (engine/server/metrics.ts createStratumMetrics): each tick's duration, players, open
   * sessions and bytes per channel. `listen` serves them on `/metrics`.
   */
  metrics?: StratumMetrics;
  /**
   * The first network id this server hands out, an integer in 1..2^30 (default 1). Shards of one world use disjoint
   * ranges, so that an entity keeps its id wherever it moves.
   */
  netIdBase?: number;
  /**
   * Wall time of tick 0, ms since the Unix epoch (a finite number >= 0; default: none, ticks count from `start`). With
   * it, tick n runs at `tickEpochMs + n * 50` by `wallClock`: `start` sets the world's tick to the next tick due (never
   * lower than the world's) and phases the loop to it, so servers with the same epoch run the same tick numbers at the
   * same moments (hand-offs name a tick). Before `start`, `tick()` runs ticks as always.
   */
  tickEpochMs?: number;
  /** The wall clock read by `start` with `tickEpochMs`, ms since the Unix epoch (default Date.now). */
  wallClock?: () => number;
  /** The game's own per-player data carried when a player is handed to another server (msgpack-able values). */
  handoffData?: HandoffData;
  /**
   * Ticks between fail-over checkpoints, an integer in 1..1200 (default 10): after every tick that leaves `world.tick`
   * a multiple of it, each player whose session's transport takes checkpoints (bridged sessions) leaves one
   * (server-checkpoint.ts), for the region `regionOf` names at its position. Without `regionOf` none is left.
   */
  checkpointEveryTicks?: number;
  /**
   * The region key of a position in blocks (a shard passes engine/cluster/shard-runtime.ts `regionAtBlock`): the
   * gateway re-attaches a player whose server died to the region's new owner.
   */
  regionOf?: (x: number, z: number) => string;
}

/** A feet position in blocks. */
export interface SpawnPoint {
  /** x, blocks. */
  readonly x: number;
  /** y (up), blocks: the feet. */
  readonly y: number;
  /** z, blocks. */
  readonly z: number;
}

/** The default spawn point: the centre of block (0, 0), standing on the surface. */
export function defaultSpawnPoint(world: GameWorld): SpawnPoint {
  const x = 0.5, z = 0.5;
  return { x, y: surfaceY(world, Math.floor(x), Math.floor(z)), z };
}

/** Default bandwidth budget per client: 1 MB/s. */
export const DEFAULT_CLIENT_BUDGET = 1_000_000;

/** The running server. */
export interface GameServer {
  /** The authoritative world. */
  readonly world: GameWorld;
  /**
   * Sky and block light at block (x, y, z) (engine/light: the first call lights the world on this thread; edits
   * after it are applied incrementally). Light is a pure function of the blocks, so the state hash leaves it out.
   */
  lightAt(x: number, y: number, z: number): LightValue;
  /** What clients must match at handshake (from the protocol definition). */
  readonly identity: ProtocolIdentity;
  /**
   * The entity layout of the protocol definition (engine/replication/entity-layout.ts): the fields of every replicated
   * entity state, ghosts' (`setGhost`) and border entities' (`borderEntities`) included.
   */
  readonly entityLayout: EntityLayout;
  /** The network server; hand it transport sessions (`net.accept`). */
  readonly net: NetServer;
  /** Players by session id. */
  readonly players: ReadonlyMap<number, ServerPlayer>;
  /** Counters since start. */
  readonly counters: GameServerCounters;
  /** Tick durations in ms (ring) and how many are filled, for histograms. */
  readonly timing: FixedStep | undefined;
  /** The metrics this server feeds (GameServerOptions.metrics), if any. */
  readonly metrics: StratumMetrics | undefined;
  /** Bytes so far per channel and direction, over every session since start (closed ones included). */
  channelBytes(): ChannelByteTotals;
  /** Generates the terrain and re-applies stored edits. Call once before `start`. */
  init(): Promise<void>;
  /** Starts ticking on the scheduler. */
  start(): void;
  /** Runs one tick now (tests; `start` does this on time). */
  tick(): void;
  /**
   * Handles a user message from clients (a `from: 'client' | 'both'` message of the definition): the handler gets
   * the player and the checked payload. Returns a function that removes the handler.
   */
  onMessage<M extends UserMessageDef>(def: M, handler: (player: ServerPlayer, payload: PayloadOf<M>) => void): () => void;
  /** Sends a user message to one player, on its declared channel. Throws RangeError for a bad payload. */
  send<M extends UserMessageDef>(player: ServerPlayer, def: M, payload: PayloadOf<M>): void;
  /** Sends a user message to every player. */
  broadcast<M extends UserMessageDef>(def: M, payload: PayloadOf<M>): void;
  /**
   * Spawns an entity of kind `kind` (a name or id from the protocol definition's entity kinds) at feet position
   * (x, y, z), at rest, with Transform, Velocity, NetworkId and EntityKind (engine/sim/game-world.ts spawnKind); add
   * more components with bitECS `addComponent`. From the next tick it is spawned on the clients that have it in
   * view, updated at 10 Hz and despawned when it leaves their view. Throws RangeError for a kind the definition
   * does not have. Returns its entity id.
   */
  spawnEntity(kind: string | number, x: number, y: number, z: number): number;
  /** Removes an entity (one from `spawnEntity`); the clients that see it are told at the next tick. */
  despawnEntity(eid: number): void;
  /** A server-side edit (admin tools, game rules): applied, stored, and replicated like a player's. */
  editBlock(x: number, y: number, z: number, block: number): void;
  /**
   * Resolves when no edit waits for `durableEdits` (at once without it): call after the last tick for a clean stop,
   * so that every acknowledgement that can go out has.
   */
  durableIdle(): Promise<void>;
  /** Stops ticking, tells every client why, and closes the store. */
  stop(reason: string): void;
  /**
   * Hands the player of session `sessionId` to server `target`; call between ticks. Its state (hand-off-state.ts:
   * every component, the input queue from the next tick on, timing advice, replication state, the game's
   * `handoffData`) is passed to the session transport's `moveTo`, and `target` adopts it at the start of this
   * server's next tick (`world.tick`). The player leaves this world without a leave (no `onLeave`) and without a
   * despawn: the other clients keep seeing it, as a ghost with its last state. Throws RangeError for an unknown
   * session and Error when the session's transport cannot move sessions (nothing changes then).
   */
  handOff(sessionId: number, target: string): void;
  /**
   * Sets ghost `netId`: another server's entity that this server's clients see (interest, spawn, updates and despawn
   * as for an entity, keyed by network id) but that is not in the world. A ghost that becomes an entity here
   * (adopted) or an entity that becomes a ghost (handed off) changes nothing its clients see. Throws RangeError for a
   * bad id, kind or state.
   */
  setGhost(netId: number, ghost: Ghost): void;
  /** Removes ghost `netId`: the clients that see it are told at the next tick. */
  removeGhost(netId: number): void;
  /** This server's own replicated entities (players and others, no ghosts) whose feet position passes `near`, by network id. */
  borderEntities(near: (x: number, z: number) => boolean): BorderEntity[];
  /**
   * Queues another server's edits of its region (this server's copy is read-only): applied at the start of the next
   * tick, before inputs; not stored (their owner stores them); replicated to this server's clients as section
   * updates. Throws RangeError for a non-integer coordinate or a block id outside 0..65535.
   */
  applyRemoteEdits(edits: ReadonlyArray<RemoteEdit>): void;
  /**
   * Removes non-player entity `eid` for another server and returns its hand-off state (every component); the clients
   * keep seeing it, as a ghost. Throws RangeError for a player's or a dead entity.
   */
  exportEntity(eid: number): Uint8Array;
  /**
   * Adopts a non-player entity exported by another server (`exportEntity`), at the start of the tick its state names
   * (or the next tick, when that has passed). Returns its network id. Throws HandoffStateError for a state that does
   * not decode, does not fit this server's component layout, or names a network id alive here.
   */
  adoptEntity(state: Uint8Array): number;
  /**
   * Calls `fn` after every tick (the loop's and `tick()`'s), between ticks: where a shard hands off, publishes its
   * border and updates its ghosts. Returns a function that removes it.
   */
  onTickEnd(fn: () => void): () => void;
}

/** The admin commands every game server answers (GameServerOptions.commands may not reuse these names). */
export const BUILTIN_COMMANDS: readonly string[] = Object.freeze(['status', 'sessions', 'kick', 'blocks', 'players', 'stats']);

/** Creates a server; call `init()` then `start()`. */
export function createGameServer(options: GameServerOptions): GameServer {
  const { scheduler, log, store } = options;
  for (const name of Object.keys(options.commands ?? {})) {
    if (BUILTIN_COMMANDS.includes(name)) throw new RangeError(`commands: '${name}' is a built-in admin command (${BUILTIN_COMMANDS.join(', ')}); choose another name`);
  }
  const identity = protocolIdentity(options.protocol, options.codec.hasher);
  const entityLayout = createEntityLayout(options.protocol);
  const world = createGameWorld({
    capacity: options.capacity, columnSections: options.columnSections, blocks: createBlockRegistry(options.protocol.blocks),
    components: componentLayout(options.protocol), seed: options.seed,
  });
  const schedule = gameSchedule(options.systems, options.protocol.actions);
  const players = new Map<number, ServerPlayer>();
  const recorder = options.recorder?.(world);
  const viewDistance = options.viewDistance ?? 8;
  const counters: GameServerCounters = {
    ticks: 0, inputsLate: 0, inputsTooFar: 0, inputsFlooded: 0, editsStored: 0, editsUnacknowledged: 0, refused: 0, rateLimited: 0, handoffsIn: 0, handoffsOut: 0, handoffsLate: 0,
    checkpoints: 0, reattached: 0,
  };
  const checkpointEvery = checkCheckpointEvery(options.checkpointEveryTicks ?? DEFAULT_CHECKPOINT_EVERY);
  if (options.regionOf !== undefined && typeof options.regionOf !== 'function') throw new RangeError('regionOf must be a function of a position (x, z) returning a region key');
  const checkpointFailed = new WeakSet<ServerSession>();
  world.nextNetId = checkNetIdBase(options.netIdBase ?? 1);
  const tickEpochMs = options.tickEpochMs === undefined ? undefined : checkTickEpoch(options.tickEpochMs);
  if (options.wallClock !== undefined && typeof options.wallClock !== 'function') throw new RangeError('wallClock must be a function returning ms since the Unix epoch');
  const wallClock = options.wallClock ?? Date.now;
  if (options.durableMaxHeldEdits !== undefined) checkMaxHeldEdits(options.durableMaxHeldEdits);
  let durable: DurableEdits | undefined;
  let replicator: Replicator;
  let window = startStatsWindow(undefined, new Map(), 0, 0);
  let fixed: FixedStep | undefined;
  let timer: TimerHandle | undefined;
  let stopped = false;
  // Bytes of the sessions that have closed; the open ones are read from their connections.
  const closedBytes = { in: CHANNELS.map(() => 0), out: CHANNELS.map(() => 0) };
  const channelBytes = (): ChannelByteTotals => {
    const totals = { in: [...closedBytes.in], out: [...closedBytes.out] };
    for (const s of net.sessions.values()) {
      const { bytesInByChannel, bytesOutByChannel } = s.connection.stats;
      for (let c = 0; c < totals.in.length; c++) {
        totals.in[c] += bytesInByChannel[c];
        totals.out[c] += bytesOutByChannel[c];
      }
    }
    return totals;
  };

  const onOpen = (session: ServerSession): void => {
    const at = options.spawnPoint ? options.spawnPoint(world, session) : defaultSpawnPoint(world);
    for (const k of ['x', 'y', 'z'] as const) {
      if (!Number.isFinite(at?.[k])) throw new RangeError(`spawnPoint returned ${k} = ${at?.[k]}; it must be a finite number of blocks`);
    }
    const eid = spawnPlayer(world, at.x, at.y, at.z, options.kit ?? DEFAULT_KIT, PlayerKind.Player);
    const player = replicator.join(session, eid);
    // Its own hotbar, so that the client predicts with the kit this server chose (before any column it stands on).
    session.send(Channel.ChunkStream, inventoryStateOf(world.ecs.stores, eid, world.tick));
    players.set(session.id, player);
    recorder?.joined(world.tick, player.netId, session.name);
    log('info', `player ${session.name || session.id} joined as entity ${player.netId}`);
    options.onJoin?.(player);
  };

  const onMessage = (session: ServerSession, _channel: Channel, msg: Message): void => {
    const p = handoffs.playerOf(session.id);
    if (!p) return;
    switch (msg.type) {
      case MsgType.InputBundle:
        recordArrival(p.queue, msg.clientTick, world.tick);
        for (const input of msg.inputs) {
          // Older inputs repeat earlier bundles for loss tolerance: the queue settles each tick once, so a repeat
          // is a duplicate, and a block action refused on arrival gets its one answer here.
          const r = pushInput(p.queue, input, world.tick, msg.seq);
          if (r === 'accepted' || r === 'duplicate') continue;
          if (r === 'late') counters.inputsLate++;
          else if (r === 'too-far') counters.inputsTooFar++;
          else counters.inputsFlooded++;
          if (!answerRefused(world, replicator, p, input, r)) return; // closed for flooding
        }
        if (msg.ackTick > p.ackTick && msg.ackTick <= world.tick) p.ackTick = msg.ackTick;
        break;
      case MsgType.ChunkResync:
        if (replicator.resync(p, msg.cx, msg.cz) === 'flood') {
          session.close(`resync flood: more than ${MAX_WAITING_RESYNCS} columns asked for again beyond the budget of ${RESYNC_BURST}, then ${RESYNCS_PER_SECOND} per second`);
        }
        break;
      case MsgType.ChunkHave:
        if (msg.columns.length !== 2 * msg.checksums.length) {
          session.close(`ChunkHave: ${msg.columns.length} coordinates for ${msg.checksums.length} checksums (need 2 per checksum)`);
          break;
        }
        replicator.cacheHints(p, msg);
        break;
      case MsgType.ChunkAck:
        replicator.chunkAcked(p, msg.cx, msg.cz);
        break;
      case MsgType.ClientChat:
        for (const other of players.values()) other.session.send(Channel.Chat, { type: MsgType.ServerChat, from: session.name, text: msg.text });
        break;
      default:
        break;
    }
  };

  const onClose = (session: ServerSession, info: { reason: string }): void => {
    const { bytesInByChannel, bytesOutByChannel } = session.connection.stats;
    for (let c = 0; c < closedBytes.in.length; c++) {
      closedBytes.in[c] += bytesInByChannel[c];
      closedBytes.out[c] += bytesOutByChannel[c];
    }
    handoffs.closed(session.id);
    const p = players.get(session.id);
    if (!p) return;
    players.delete(session.id);
    options.onLeave?.(p, info.reason);
    replicator.leave(p, players.values());
    removeEntity(world.ecs, p.eid);
    recorder?.left(world.tick, p.netId, info.reason);
    log('info', `player ${session.name || session.id} left: ${info.reason}`);
  };

  const handlers = createUserHandlers<[ServerPlayer]>(options.protocol.messages, 'client');
  const net = createNetServer({
    identity, scheduler, adminToken: options.adminToken, log, tick: () => world.tick,
    onSessionOpen: onOpen, onMessage, onSessionClose: onClose, onSessionResume: (session, state) => handoffs.resume(session, state),
    userMessages: options.protocol.messages,
    onUserMessage: (session, _channel, msg) => {
      handoffs.whenAdopted(session.id, () => handlers.dispatch(msg, players.get(session.id)!));
    },
    maxPlayers: options.maxPlayers, maxSessionsPerAddress: options.maxSessionsPerAddress, limits: options.sessionLimits,
    helloTimeoutMs: options.helloTimeoutMs,
    commands: {
      ...options.commands,
      // The server's block ids in a box (soaks compare every client's view with them).
      blocks: (_s, _c, args) => blocksCommand(world.voxels, args),
      players: () => [...players.values()].map((p) => `${p.session.id} ${p.session.name} entity=${p.netId} late=${p.queue.stats.late} missing=${p.queue.stats.missing}`).join('\n') || 'no players',
      // Tick timing and traffic since the last 'stats reset', as JSON (benches read it).
      stats: (_s, _c, args) => {
        const result = JSON.stringify(serverStats(window, players, world.tick, scheduler.now()));
        if (args[0] === 'reset') window = startStatsWindow(fixed, players, world.tick, scheduler.now());
        return result;
      },
    },
  });

  const handoffs = createHandoffs({
    world, players, counters, replicator: () => replicator, kinds: new Set(options.protocol.entities.map((k) => k.id)), recorder,
    data: options.handoffData, now: () => scheduler.now(), budgetBytesPerSecond: options.budgetBytesPerSecond ?? DEFAULT_CLIENT_BUDGET, log,
  });

  const tickEnds = new Set<() => void>();
  const tick = (): void => {
    handoffs.beforeTick();
    runServerTick({ world, players, store, durable, counters, replicator, stepWorld: (w, inputs) => stepWorld(w, inputs, schedule), recorder });
    for (const fn of [...tickEnds]) {
      try { fn(); } catch (e) { log('error', `an onTickEnd handler failed after tick ${world.tick - 1}: ${(e as Error).message}`); }
    }
    // After the handlers: a player handed off there leaves no checkpoint here.
    if (options.regionOf && checkpointDue(world.tick, checkpointEvery)) {
      leaveCheckpoints({ world, players, regionOf: options.regionOf, data: options.handoffData, counters, log }, checkpointFailed);
    }
  };

  // One tick per turn of the event loop, a late one as soon as possible after the I/O that waited meanwhile: ticks
  // caught up back to back would hold everything else back for as long (and Node accepts one new connection per
  // turn, so a crowd joining waited seconds in the listen queue, past its connect timeout).
  const loop = (): void => {
    if (stopped || !fixed) return;
    if (fixed.advance(tick, 1) > 0 && options.metrics) {
      options.metrics.observeTick(fixed.durations[(fixed.tick - 1) % fixed.durations.length]);
    }
    timer = scheduler.set(Math.max(1, TICK_MS * (1 - fixed.alpha())), loop);
  };

  const unwatch = options.metrics?.watch({ players: () => players.size, sessions: () => net.open, channelBytes });

  return {
    world, identity, entityLayout, net, players, counters, channelBytes,
    metrics: options.metrics,
    lightAt: (x, y, z) => lightAt(world.voxels, x, y, z),
    get timing() { return fixed; },
    async init() {
      const generator = options.generator ?? options.terrain;
      if (!generator) throw new RangeError('createGameServer needs a terrain config or a generator');
      await generateWorld(world.voxels, generator, squareAround(0, 0, options.worldRadius), options.pool);
      let restored = 0;
      for (const e of store?.loadAll() ?? []) {
        try { setBlock(world.voxels, e.x, e.y, e.z, e.block); restored++; } catch { log('warn', `stored edit at (${e.x}, ${e.y}, ${e.z}) is outside the world; skipped`); }
      }
      if (restored) log('info', `restored ${restored} stored edits`);
      replicator = createReplicator({
        world, protocol: options.protocol, codec: options.codec, viewDistance, log, now: () => scheduler.now(), pool: options.pool,
        budgetBytesPerSecond: options.budgetBytesPerSecond ?? DEFAULT_CLIENT_BUDGET,
      });
      if (options.durableEdits) {
        durable = createDurableEdits({
          write: options.durableEdits, replicator, players, counters, log, onFailure: options.onDurableFailure,
          maxHeldEdits: options.durableMaxHeldEdits ?? DEFAULT_MAX_HELD_EDITS,
        });
      }
    },
    start() {
      const begin = (firstStepInMs?: number): void => {
        fixed = createFixedStep({
          clock: scheduler, firstStepInMs,
          onFallBehind: (dropped, t) => log('warn', `server fell behind at tick ${t}: dropped ${dropped} tick(s) of backlog`),
        });
        window = startStatsWindow(fixed, players, world.tick, scheduler.now());
        loop();
      };
      if (tickEpochMs === undefined) return begin();
      const at = epochStart(tickEpochMs, wallClock(), world.tick);
      world.tick = at.tick;
      // A world ahead of the schedule waits whole steps before the loop starts.
      if (at.dueInMs <= TICK_MS) return begin(at.dueInMs);
      timer = scheduler.set(at.dueInMs - TICK_MS, () => { if (!stopped) begin(TICK_MS); });
    },
    tick,
    onMessage: (def, handler) => handlers.on(def, handler),
    send(player, def, payload) {
      player.session.sendUser(def, payload);
    },
    broadcast(def, payload) {
      for (const p of players.values()) p.session.sendUser(def, payload);
    },
    spawnEntity(kind, x, y, z) {
      const id = typeof kind === 'number' ? kind : entityKindId(options.protocol, kind);
      if (!options.protocol.entities.some((k) => k.id === id)) throw new RangeError(`the protocol definition has no entity kind ${id}`);
      return spawnKind(world, id, x, y, z);
    },
    despawnEntity(eid) {
      if (eid <= 0 || [...players.values()].some((p) => p.eid === eid)) throw new RangeError(`entity ${eid} is a player's (or none); players leave by closing their session`);
      removeEntity(world.ecs, eid);
    },
    editBlock(x, y, z, block) {
      const prev = setBlock(world.voxels, x, y, z, block);
      if (prev === block) return;
      store?.commit([{ x, y, z, block, tick: world.tick }]);
      const edit = { tick: world.tick, x, y, z, block, prev, by: 0 };
      if (durable) durable.hold(world.tick, [edit], []);
      else {
        counters.editsStored++;
        replicator.edited([edit]);
      }
    },
    durableIdle: () => durable?.idle() ?? Promise.resolve(),
    handOff: (sessionId, target) => handoffs.handOff(sessionId, target),
    setGhost: (netId, ghost) => replicator.setGhost(netId, ghost),
    removeGhost: (netId) => replicator.removeGhost(netId),
    borderEntities: (near) => handoffs.borderEntities(near),
    applyRemoteEdits: (edits) => handoffs.applyRemoteEdits(edits),
    exportEntity: (eid) => handoffs.exportEntity(eid),
    adoptEntity: (state) => handoffs.adoptEntity(state),
    onTickEnd(fn) {
      tickEnds.add(fn);
      return () => { tickEnds.delete(fn); };
    },
    stop(reason) {
      stopped = true;
      scheduler.clear(timer);
      net.closeAll(reason);
      store?.close();
      unwatch?.();
    },
  };
}
