/**
 * The game client, headless-capable (bots, tests, and the browser build reuse it): connects, keeps a world view from
 * the server's chunks and section updates, predicts its own player with the shared physics and reconciles against
 * the server's PlayerState, predicts its own block edits, interpolates remote entities (players and any other entity
 * kind), exposes their replicated component values and its own (OwnState) by component name, and keeps its tick
 * about RTT/2 plus a small buffer ahead of the server, nudged by the server's timing advice.
 */
import { columnChecksum, readColumnHeader, type ChunkCodecDeps, type DecodedColumn } from '../codec/chunk-codec.ts';
import { hex64 } from '../hash.ts';
import type { Body } from '../physics/controller.ts';
import { applySectionUpdate } from '../codec/chunk-diff.ts';
import { removeEntity } from 'bitecs';
import type { EventBus } from '../events.ts';
import { createEventBus } from '../events.ts';
import type { PlayerInput } from '../input.ts';
import { Channel } from '../net/channels.ts';
import { createNetClient, type NetClient, type NetClientEvents } from '../net/client.ts';
import type { Scheduler, TimerHandle } from '../net/scheduler.ts';
import type { NetLog } from '../net/server.ts';
import type { Connector } from '../net/transport.ts';
import { componentLayout, type ProtocolDefinition } from '../protocol/define.ts';
import type { PayloadOf } from '../protocol/user-codec.ts';
import { encodeActionPayload } from '../protocol/action-codec.ts';
import type { ActionFields, ActionOutcome, FieldsPayload, UserActionDef } from '../protocol/user-actions.ts';
import { MAX_ACTIONS_PER_INPUT } from '../input.ts';
import {
  answerAction, clearActions, createPendingActions, expireActions, ownStateArrived, repredictActions, takeQueued, type PendingActions, type PredictedChange,
} from './pending-actions.ts';
import type { UserMessageDef } from '../protocol/user-messages.ts';
import { createUserHandlers } from '../net/user-handlers.ts';
import { runSchedule, trimSchedule, type System } from '../sim/schedule.ts';
import { BUILTIN_SYSTEMS, gameSchedule } from '../sim/step.ts';
import { protocolIdentity } from '../protocol/handshake.ts';
import { MsgType, type InventoryState, type Message } from '../protocol/messages.ts';
import { createPredictor, predict, reconcile, type Predictor } from '../prediction/predictor.ts';
import { decodeEntityBatch, type EntityState } from '../codec/entity-delta.ts';
import { componentValues, createEntityLayout, dequantizeField, type ComponentValues, type EntityLayout } from '../replication/entity-layout.ts';
import { applyOwnState, createOwnLayout } from '../replication/own-state.ts';
import {
  INTERPOLATION_DELAY_TICKS, createSnapshotBuffer, followPose, pushSnapshot, samplePose, type Pose, type SnapshotBuffer,
} from '../prediction/interpolation.ts';
import { SPRINT_SPEED, TERMINAL_SPEED } from '../physics/controller.ts';
import { writeBody } from '../physics/movement-system.ts';
import { storeColumn, storeDecodedColumn } from '../replication/column-transfer.ts';
import type { WorkerPool } from '../../workers/pool.ts';
import { decodeColumnInPool } from '../../workers/chunk-decode.main.ts';
import { applyEntityUpdate, createSnapshotHistory, type SnapshotHistory } from '../replication/entity-baselines.ts';
import { applyInventoryState } from '../replication/inventory-state.ts';
import type { Rng } from '../rng.ts';
import { applyBlockAction } from '../rules/interactions.ts';
import { applyInventoryOp, giveItem, selectedItem, takeSelected } from '../rules/inventory.ts';
import { createGameWorld, spawnPlayer, type GameWorld } from '../sim/game-world.ts';
import { TICK_MS, type Tick } from '../tick.ts';
import { createBlockRegistry } from '../voxel/blocks.ts';
import { NO_SECTION, sectionVoxels, sectionViews } from '../voxel/section-store.ts';
import { lightAt, type LightValue } from '../light/world-light.ts';
import { ensureSection, getColumn, markBlockForMesh, removeColumn, sortedColumnKeys } from '../voxel/voxel-world.ts';
import { PlayerKind } from '../protocol/define.ts';
import { TARGET_INPUT_LEAD } from '../input.ts';
import type { ClientEvents } from './client-events.ts';
import {
  abandonEdits, addPrediction, answerEdit, columnReplaced, columnUnloaded, createPendingEdits, expireEdits, sectionUpdated,
  serverSection, type PendingEdit, type PendingEdits,
} from './pending-edits.ts';
import {
  awaitingColumn, columnApplied, columnArrived, columnFailed, createColumnResyncs, failuresOf, forgetColumns, MAX_RESYNCS,
} from './column-resync.ts';

/** Inputs repeated in each bundle for loss tolerance. */
export const BUNDLE_INPUTS = 4;

/** Most ticks the client runs at once to catch up after a late wake-up. */
export const MAX_CATCH_UP = 5;

/**
 * The safety net for a server that never answers an action (a live server answers every one, in tick order with the
 * chunk stream): a pending edit is rolled back as unanswered once the server's clock is this many ticks past it ...
 */
export const UNANSWERED_TICKS = 600;

/**
 * ... or once a block result for a tick this much newer has arrived (answers come in tick order, except refusals of
 * late inputs, which come at most a few ticks after newer ones). A backlog of section updates delays answers, but in
 * order, so it never makes this rule fire.
 */
export const UNANSWERED_BEHIND_RESULTS = 100;

/** Ticks the client starts ahead of the Welcome's server tick (a 100 ms RTT plus the target lead). */
export const INITIAL_LEAD = 2 + TARGET_INPUT_LEAD;

/** A remote entity as the client knows it. */
export interface RemoteEntity {
  /** Network id. */
  id: number;
  /** Entity kind. */
  kind: number;
  /** Display name from its spawn (empty when it has none). */
  name: string;
  /** Newest replicated state, in the client's {@link GameClient.layout} (read it with {@link GameClient.remoteValues}). */
  state: EntityState;
  /** Snapshots for interpolation (positions in blocks, yaw in steps). */
  snapshots: SnapshotBuffer;
  /** The pose last drawn (null before the first sample). */
  drawn: Pose | null;
  /** Clock time of the last sample, ms. */
  drawnAt: number;
}

/** Options of {@link createGameClient}. */
export interface GameClientOptions {
  /** Opens transport sessions. */
  connect: Connector;
  /**
   * The protocol definition, the server's (the game's is game/protocol.ts GAME_PROTOCOL): its blocks make the
   * world's registry, so edits are predicted with the server's blocks; the handshake checks it is the same.
   */
  protocol: ProtocolDefinition;
  /** Time and timers. */
  scheduler: Scheduler;
  /** Seeded randomness (reconnect jitter). */
  rng: Rng;
  /** Codec dependencies (decoding only needs decompression and the hasher). */
  codec: ChunkCodecDeps;
  /** Player name. */
  name: string;
  /** Produces this tick's input (buttons, facing, actions); the client fills in the tick. */
  input: (client: GameClient) => Omit<PlayerInput, 'tick'>;
  /** Log sink. */
  log?: NetLog;
  /** Event bus (default: a new one). */
  bus?: EventBus<ClientEvents>;
  /** Reconnect on loss (default true). */
  reconnect?: boolean;
  /**
   * Worker pool to decode columns in (default: decode on this thread). With a pool, the chunk stream's messages are
   * applied in order through an asynchronous queue, so a section update never overtakes its column.
   */
  pool?: WorkerPool;
  /**
   * The game's systems, the same list the server runs (createGameServer `systems`): the client runs the ones marked
   * `predicted`, in schedule order, on its own player each predicted tick (the built-in movement and actions are
   * predicted by the predictor and the pending edits). They are not rewound on reconciliation.
   */
  systems?: readonly System[];
}

/** Counters of a client. */
export interface ClientStats {
  /** Ticks predicted. */
  ticks: number;
  /** Block actions sent. */
  actions: number;
  /** Block actions confirmed by the server. */
  confirmed: number;
  /** Block actions refused (and rolled back). */
  refused: number;
  /** Block actions rolled back because no answer came (see {@link UNANSWERED_TICKS}, {@link UNANSWERED_BEHIND_RESULTS}). */
  unanswered: number;
  /** Columns asked for again because something about them could not be applied. */
  resyncs: number;
  /** Chunk columns loaded. */
  chunks: number;
  /** Entity updates applied. */
  entityUpdates: number;
  /** Entity updates dropped for an unknown baseline. */
  entityUpdatesDropped: number;
}

/** A running client. */
export interface GameClient {
  /** The client's view of the world; its own player is entity `localEid` (mirrors the prediction). */
  readonly world: GameWorld;
  /**
   * Sky and block light at block (x, y, z) of the client's world, recomputed from the blocks it holds (engine/light:
   * the first call lights every column; columns that arrive and edits applied later are lit as they come). Equals
   * the server's wherever the client holds the columns around too.
   */
  lightAt(x: number, y: number, z: number): LightValue;
  /** Lifecycle events and what the client applies. */
  readonly bus: EventBus<ClientEvents>;
  /** The network client. */
  readonly net: NetClient;
  /** The local player's predictor (undefined until the first PlayerState). */
  readonly predictor: Predictor | undefined;
  /** Own network id (0 until spawned). */
  readonly selfId: number;
  /** The local player's entity in `world` (0 until the first PlayerState). */
  readonly localEid: number;
  /** The next client tick to predict. */
  readonly tick: Tick;
  /** Newest server tick seen (PlayerState). */
  readonly serverTick: Tick;
  /** Remote entities by network id: every entity of a registered kind the server has in this client's view. */
  readonly remotes: ReadonlyMap<number, RemoteEntity>;
  /** The entity layout of remote states (from the protocol definition). */
  readonly layout: EntityLayout;
  /**
   * The replicated values of component `component` (replicated to all) of remote entity `id`, as of its newest
   * state: dequantized, by field name (array fields as lists). Undefined when the entity is unknown or the component
   * does not replicate to all.
   */
  remoteValues(id: number, component: string): ComponentValues | undefined;
  /**
   * This client's own values of component `component` as the server last sent them (OwnState): any component
   * replicated to the owner or to all, except the body (Transform, Velocity, Player: see `predictor`). Undefined
   * before the server sent them, or for another component.
   */
  own(component: string): ComponentValues | undefined;
  /** Predicted edits waiting for the server's answer, by input tick. */
  readonly pending: ReadonlyMap<Tick, PendingEdit>;
  /** Every cell with this client's edits on it (pending, or confirmed and not yet in a section update). */
  readonly edits: PendingEdits;
  /** Counters. */
  readonly stats: ClientStats;
  /**
   * Where to draw remote entity `id` now: interpolated 100 ms in the past and moved no faster than a player can
   * move. Writes `out` and returns true, or false when the entity is unknown.
   */
  sampleRemote(id: number, out: Pose): boolean;
  /** Predicted game actions not yet answered, or confirmed and not yet in an OwnState. */
  readonly actions: PendingActions;
  /**
   * Makes a predicted game action (one of the definition's `actions`): it goes in the next input, and it is applied at
   * once to the own player in `world` (on the server's own state plus the actions still pending); a refusal rolls it
   * back. Returns the prediction's outcome, undefined before the own player and its OwnState exist (the action is
   * sent either way: the server decides). Throws RangeError for an action the definition does not declare, a payload
   * that breaks the declaration, or more than {@link MAX_ACTIONS_PER_INPUT} in one tick.
   */
  act<F extends ActionFields>(def: UserActionDef<F>, payload: FieldsPayload<F>): ActionOutcome | undefined;
  /** Sends a user message (a `from: 'client' | 'both'` message of the definition) on its declared channel. */
  send<M extends UserMessageDef>(def: M, payload: PayloadOf<M>): void;
  /** Handles a user message from the server; returns a function that removes the handler. */
  onMessage<M extends UserMessageDef>(def: M, handler: (payload: PayloadOf<M>) => void): () => void;
  /** Starts connecting and ticking. */
  start(): void;
  /** Stops for good. */
  stop(reason?: string): void;
}

/** Creates a client; call `start()`. */
export function createGameClient(o: GameClientOptions): GameClient {
  const { scheduler, codec } = o;
  const bus = o.bus ?? createEventBus<ClientEvents>();
  const log: NetLog = o.log ?? (() => {});
  const blocks = createBlockRegistry(o.protocol.blocks);
  const identity = protocolIdentity(o.protocol, codec.hasher);
  const components = componentLayout(o.protocol);
  // The same schedule as the server's, trimmed to the predicted user systems (built-ins are predicted below).
  const predicted = trimSchedule(gameSchedule(o.systems), (x) => x.predicted === true && !BUILTIN_SYSTEMS.includes(x));
  let world = createGameWorld({ columnSections: 16, blocks, components });
  let predictor: Predictor | undefined;
  let latest: { tick: Tick; body: Body } | undefined; // newest authoritative state before prediction starts
  let hotbar: InventoryState | undefined; // the own hotbar the server sent (its kit), for the player when it spawns
  let selfId = 0, localEid = 0;
  let tick: Tick = 0, serverTick: Tick = -1, ackTick: Tick = 0, seq = 0;
  let newestResult: Tick = -1; // the newest tick a BlockResult answered
  let ticking = false;
  let entityTick: Tick = 0, entityTickAt = 0; // newest entity update and when it arrived (for render time)
  let rate = 1;
  // The connection and number of the last timing advice applied: each comes on several ticks, and only a newer
  // number (u16 serial arithmetic) on the same connection is applied; a new connection starts afresh.
  let advice: { conn: unknown; seq: number } = { conn: undefined, seq: 0 };
  let timer: TimerHandle | undefined;
  let stopped = false;
  const remotes = new Map<number, RemoteEntity>();
  let chunkQueue: Promise<void> = Promise.resolve(); // chunk-stream messages waiting for pool decodes, in order
  const history: { h: SnapshotHistory } = { h: createSnapshotHistory() };
  const sent: PlayerInput[] = [];
  const edits = createPendingEdits();
  const actions = createPendingActions();
  const actionDefs = new Map(o.protocol.actions.filter((a) => a.apply).map((a) => [a.id, a]));
  const actionWrites = [...new Set([...actionDefs.values()].flatMap((a) => a.writes ?? []))];
  /**
   * Hotbar changes predicted from this client's block actions and hotbar operations, not yet in an OwnState: when
   * game actions write the Inventory, a repredict restores it from the server's values and redoes these.
   */
  const hotbarChanges: PredictedChange[] = [];
  /** Counts sessions, so that an OwnState queued behind pool decodes is dropped once its session has ended. */
  let sessionGen = 0;
  const redoesHotbar = actionWrites.some((w) => w.name === 'Inventory');
  /** Recomputes the own player's action-written components (see pending-actions.ts). */
  const repredict = (): ActionOutcome[] | undefined =>
    (localEid && actionWrites.length ? repredictActions(world, localEid, actions, actionWrites, ownLayout, ownHeld.v, ownHeld.received, hotbarChanges) : undefined);
  const resyncs = createColumnResyncs();
  const stats: ClientStats = { ticks: 0, actions: 0, confirmed: 0, refused: 0, unanswered: 0, resyncs: 0, chunks: 0, entityUpdates: 0, entityUpdatesDropped: 0 };

  const layout = createEntityLayout(o.protocol);
  const ownLayout = createOwnLayout(o.protocol);
  /** Own values as last received, in `ownLayout` order, and whether any OwnState came this session. */
  const ownHeld = { v: ownLayout.zero.v.slice(), received: new Set<string>() };
  const decodeOne = (data: Uint8Array): EntityState => decodeEntityBatch(data, () => layout.zero, 1)[0] ?? { id: 0, v: layout.zero.v.slice() };
  const m = layout.motion;
  const wire = (i: number, st: EntityState): number => (i < 0 ? 0 : dequantizeField(layout.fields[i], st.v[i]));
  const snapshot = (r: RemoteEntity, t: Tick) =>
    pushSnapshot(r.snapshots, t, wire(m.x, r.state), wire(m.y, r.state), wire(m.z, r.state), wire(m.yaw, r.state));

  /**
   * Forgets everything tied to the session that ended. The voxel world stays (its chunks are still valid, and a
   * reconnect offers them as a warm cache); predictions that will never be answered are taken out of it.
   */
  const resetSession = () => {
    sessionGen++;
    if (localEid) removeEntity(world.ecs, localEid);
    predictor = undefined; latest = undefined; hotbar = undefined; selfId = 0; localEid = 0; serverTick = -1; ackTick = 0; seq = 0; ticking = false; newestResult = -1;
    entityTick = 0; entityTickAt = 0;
    remotes.clear(); sent.length = 0; history.h = createSnapshotHistory();
    ownHeld.v = ownLayout.zero.v.slice(); ownHeld.received.clear();
    abandonEdits(world.voxels, edits);
    clearActions(actions);
    hotbarChanges.length = 0;
    forgetColumns(resyncs);
  };

  /**
   * Something about column (cx, cz) cannot be applied: ignore its section updates and ask the server for it again,
   * whole; after MAX_RESYNCS resyncs in a row that failed too, give up and close.
   */
  const columnFault = (cx: number, cz: number, reason: string): void => {
    if (columnFailed(resyncs, cx, cz) === 'give-up') {
      log('error', `bad chunk data from the server: column (${cx}, ${cz}) still cannot be applied after ${MAX_RESYNCS} resyncs: ${reason}`);
      net.connection?.close(`bad chunk data: column (${cx}, ${cz}): ${reason}`);
      return;
    }
    stats.resyncs++;
    log('warn', `resync of column (${cx}, ${cz}) (attempt ${failuresOf(resyncs, cx, cz)}): ${reason}`);
    bus.emit('Resync', { cx, cz, reason });
    if (net.state === 'active') net.send(Channel.Control, { type: MsgType.ChunkResync, cx, cz });
  };

  /** Applies one chunk-stream message; `decoded` is the column already decoded in the pool, if any. */
  const applyChunkStream = (msg: Message, decoded: DecodedColumn | undefined): void => {
    switch (msg.type) {
      case MsgType.ChunkData: {
        try {
          // The first column tells the world's height; the client's world takes it before anything else lives in it.
          const { sectionCount } = readColumnHeader(msg.data);
          if (sectionCount !== world.voxels.columnSections) {
            // Prediction starts only once columns are here, so no entity lives in the world yet.
            if (world.voxels.columns.size > 0 || predictor) throw new RangeError(`column (${msg.cx}, ${msg.cz}) has ${sectionCount} sections; the world has ${world.voxels.columnSections}`);
            world = createGameWorld({ columnSections: sectionCount, blocks, components });
          }
          if (decoded) storeColumn(world.voxels, msg.cx, msg.cz, decoded);
          else storeDecodedColumn(world.voxels, msg.cx, msg.cz, msg.data, codec);
        } catch (e) {
          columnFault(msg.cx, msg.cz, `column: ${(e as Error).message}`);
          break;
        }
        // The column holds every edit the server confirmed before it; edits still pending go back on top.
        columnReplaced(world.voxels, edits, msg.cx, msg.cz);
        columnArrived(resyncs, msg.cx, msg.cz);
        stats.chunks++;
        net.send(Channel.Control, { type: MsgType.ChunkAck, cx: msg.cx, cz: msg.cz });
        bus.emit('ChunkLoaded', { cx: msg.cx, cz: msg.cz, checksum: msg.checksum });
        break;
      }
      case MsgType.ChunkDiff: {
        const col = getColumn(world.voxels, msg.cx, msg.cz);
        if (!col || msg.cy < 0 || msg.cy >= world.voxels.columnSections) break; // not ours (yet): the column will come whole
        if (awaitingColumn(resyncs, msg.cx, msg.cz)) break; // asked for again: the column will come whole
        const id = col.sections[msg.cy];
        const local = id === NO_SECTION ? null : sectionVoxels(world.voxels.store, id);
        // The update goes from the section as the server last said it (this client's edits taken out) ...
        const before = serverSection(local, edits, msg.cx, msg.cy, msg.cz);
        let after: Uint16Array;
        try {
          after = applySectionUpdate(before, msg.data, codec);
        } catch (e) {
          columnFault(msg.cx, msg.cz, `section ${msg.cy} update: ${(e as Error).message}`);
          break;
        }
        columnApplied(resyncs, msg.cx, msg.cz);
        const prior = (local ?? new Uint16Array(4096)).slice();
        // ... and the edits still pending go back on top.
        sectionUpdated(after, edits, msg.cx, msg.cy, msg.cz);
        sectionVoxels(world.voxels.store, ensureSection(world.voxels, col, msg.cy)).set(after);
        for (let i = 0; i < 4096; i++) {
          if (prior[i] === after[i]) continue;
          const x = msg.cx * 16 + (i & 15), y = msg.cy * 16 + (i >> 8), z = msg.cz * 16 + ((i >> 4) & 15);
          markBlockForMesh(world.voxels, x, y, z); // renderers remesh it (and its neighbour across a border)
          bus.emit('BlockChanged', { x, y, z, block: after[i], prev: prior[i] });
        }
        break;
      }
      case MsgType.ChunkUnload:
        removeColumn(world.voxels, msg.cx, msg.cz);
        columnUnloaded(edits, msg.cx, msg.cz);
        forgetColumns(resyncs, msg.cx, msg.cz);
        bus.emit('ChunkUnloaded', { cx: msg.cx, cz: msg.cz });
        break;
      case MsgType.ActionResult: {
        const a = answerAction(actions, msg.tick, msg.index, msg.ok);
        if (a && !msg.ok) repredict();
        const name = actionDefs.get(msg.action)?.name ?? `action ${msg.action}`;
        if (!msg.ok) log('info', `the server refused our ${name} of tick ${msg.tick}: ${msg.reason}`);
        bus.emit('ActionResult', { tick: msg.tick, action: msg.action, name, ok: msg.ok, reason: msg.reason });
        break;
      }
      case MsgType.BlockResult: {
        newestResult = Math.max(newestResult, msg.tick);
        if (answerEdit(world.voxels, edits, msg.tick, msg.ok, msg.x, msg.y, msg.z, msg.block)) {
          if (msg.ok) stats.confirmed++; else stats.refused++;
        }
        bus.emit('BlockResult', { tick: msg.tick, ok: msg.ok, reason: msg.reason, x: msg.x, y: msg.y, z: msg.z, block: msg.block });
        break;
      }
      default:
        break;
    }
  };

  /** Starts decoding a column in the pool (a header that does not parse fails the promise, not the caller). */
  const decodeInPool = (pool: WorkerPool, data: Uint8Array): Promise<DecodedColumn> => {
    let p: Promise<DecodedColumn>;
    try { p = decodeColumnInPool(pool, data, { maxSections: readColumnHeader(data).sectionCount }); } catch (e) { p = Promise.reject(e); }
    p.catch(() => {}); // awaited in order later; never an unhandled rejection meanwhile
    return p;
  };

  const onMessage = (_channel: Channel, msg: Message): void => {
    switch (msg.type) {
      case MsgType.ChunkData:
      case MsgType.ChunkDiff:
      case MsgType.ChunkUnload:
      case MsgType.BlockResult:
      case MsgType.ActionResult:
        if (!o.pool) applyChunkStream(msg, undefined);
        else {
          // Decode off the main thread, but apply the chunk stream strictly in order.
          const decoding = msg.type === MsgType.ChunkData ? decodeInPool(o.pool, msg.data) : undefined;
          chunkQueue = chunkQueue.then(async () => {
            let decoded: DecodedColumn | undefined;
            if (decoding && msg.type === MsgType.ChunkData) {
              try { decoded = await decoding; } catch (e) { columnFault(msg.cx, msg.cz, `column: ${(e as Error).message}`); return; }
            }
            applyChunkStream(msg, decoded);
          }).catch((e: Error) => {
            log('error', `bad chunk data from the server: ${e.message}`);
            net.connection?.close(`bad chunk data: ${e.message}`);
          });
        }
        break;
      case MsgType.PlayerState: {
        serverTick = Math.max(serverTick, msg.tick);
        const body = { x: msg.x, y: msg.y, z: msg.z, vx: msg.vx, vy: msg.vy, vz: msg.vz, onGround: msg.onGround };
        if (!predictor) {
          // Not predicting yet (the ground under the player has not arrived): remember the newest state.
          if (!latest || msg.tick > latest.tick) latest = { tick: msg.tick, body };
          break;
        }
        const ev = reconcile(predictor, world.voxels, msg.tick, body);
        if (ev) bus.emit('ReconciliationEvent', ev);
        break;
      }
      case MsgType.InventoryState: {
        hotbar = msg;
        const problem = localEid ? applyInventoryState(world.ecs.stores, localEid, msg) : undefined;
        if (problem) log('warn', `InventoryState ignored: ${problem}`);
        break;
      }
      case MsgType.OwnState: {
        // In stream order with the ActionResults before it (they wait behind pool decodes when there is a pool): an
        // OwnState that carries an action taken before its answer would leave that action pending and count it twice.
        const own = () => {
          try {
            for (const name of applyOwnState(ownLayout, ownHeld.v, msg.data)) ownHeld.received.add(name);
          } catch (e) {
            log('warn', `OwnState ignored: ${(e as Error).message}`);
            return;
          }
          ownStateArrived(actions, msg.tick);
          while (hotbarChanges.length && hotbarChanges[0].tick <= msg.tick) hotbarChanges.shift();
          repredict();
        };
        const gen = sessionGen;
        if (!o.pool) own();
        else chunkQueue = chunkQueue.then(() => { if (gen === sessionGen) own(); });
        break;
      }
      case MsgType.EntitySpawn: {
        if (msg.kind === PlayerKind.Self) { selfId = msg.entity; break; }
        const r: RemoteEntity = { id: msg.entity, kind: msg.kind, name: msg.name, state: decodeOne(msg.data), snapshots: createSnapshotBuffer(), drawn: null, drawnAt: 0 };
        remotes.set(msg.entity, r);
        snapshot(r, Math.max(0, serverTick));
        bus.emit('EntitySpawned', { id: msg.entity, kind: msg.kind });
        break;
      }
      case MsgType.EntityDespawn:
        if (remotes.delete(msg.entity)) bus.emit('EntityDespawned', { id: msg.entity });
        break;
      case MsgType.EntityDelta: {
        const states = applyEntityUpdate(layout, history.h, msg.tick, msg.baselineTick, msg.data);
        if (!states) { stats.entityUpdatesDropped++; break; }
        stats.entityUpdates++;
        ackTick = Math.max(ackTick, msg.tick);
        if (msg.tick > entityTick) { entityTick = msg.tick; entityTickAt = scheduler.now(); }
        for (const st of states.values()) {
          const r = remotes.get(st.id);
          if (!r) continue; // its spawn is still on the way
          r.state = st;
          snapshot(r, msg.tick);
        }
        break;
      }
      case MsgType.ServerState:
        // Input-timing advice in ticks: jump ahead when far behind (skipped ticks repeat the last input on the
        // server), otherwise run 5% fast or slow until the next advice. Never jump back: those ticks were sent.
        // Each advice comes on several ticks (datagrams may be lost): apply each number once.
        if (advice.conn === net.connection) {
          const ahead = (msg.adviceSeq - advice.seq) & 0xffff;
          if (ahead === 0 || ahead >= 0x8000) break; // a copy, or an older advice overtaken by a newer one
        }
        advice = { conn: net.connection, seq: msg.adviceSeq };
        if (msg.adjust >= 3) { skipAhead(msg.adjust); rate = 1; } else rate = 1 + 0.05 * Math.sign(msg.adjust);
        break;
      case MsgType.ServerChat:
        bus.emit('Chat', { from: msg.from, text: msg.text });
        break;
      case MsgType.DiagnosticsResponse:
        bus.emit('DiagnosticsResponse', { id: msg.id, ok: msg.ok, text: msg.text });
        break;
      case MsgType.MessageRefused: {
        const name = o.protocol.messages.find((m) => m.id === msg.refusedType)?.name ?? `type ${msg.refusedType}`;
        log('warn', `the server refused our ${name}: ${msg.reason}`);
        bus.emit('MessageRefused', { type: msg.refusedType, name, reason: msg.reason });
        break;
      }
      default:
        break;
    }
  };

  const handlers = createUserHandlers<[]>(o.protocol.messages, 'server');
  const net = createNetClient({
    // ClientEvents extends NetClientEvents; the net client only emits its own events on it.
    connect: o.connect, identity, name: o.name, scheduler, rng: o.rng, bus: bus as unknown as EventBus<NetClientEvents>, log,
    reconnect: o.reconnect === false ? false : {}, onMessage,
    userMessages: o.protocol.messages,
    onUserMessage: (_channel, msg) => { handlers.dispatch(msg); },
    onUserRefused: (_channel, def, reason) => log('warn', `refused ${def.name} from the server: ${reason}`),
  });

  // Messages that raced ahead of the Welcome are delivered before this event: keep what they set up.
  bus.on('Connected', () => {
    // Tell the server which columns we still hold (a warm cache after a reconnect); it streams the rest.
    const columns: number[] = [], checksums: string[] = [];
    for (const key of sortedColumnKeys(world.voxels)) {
      const col = world.voxels.columns.get(key)!;
      columns.push(col.cx, col.cz);
      checksums.push(hex64(columnChecksum(sectionViews(world.voxels.store, col.sections), codec.hasher)));
      if (checksums.length === 4096) break;
    }
    net.send(Channel.Control, { type: MsgType.ChunkHave, columns, checksums });
  });

  /**
   * Starts predicting once the column under the player is loaded: from the newest authoritative state, ahead of the
   * server by a guess that covers a 100 ms RTT plus the target lead (the server's timing advice corrects it for any
   * RTT). The ticks in between run on the server without input from us, so they are predicted idle.
   */
  const startPredicting = (): void => {
    if (!latest) return;
    const { body } = latest;
    if (!getColumn(world.voxels, Math.floor(body.x / 16), Math.floor(body.z / 16))) return;
    predictor = createPredictor(body);
    predictor.tick = latest.tick;
    predictor.authTick = latest.tick;
    localEid = spawnPlayer(world, body.x, body.y, body.z);
    const problem = hotbar ? applyInventoryState(world.ecs.stores, localEid, hotbar) : undefined;
    if (problem) log('warn', `InventoryState ignored: ${problem}`);
    repredict();
    tick = Math.max(serverTick, latest.tick) + INITIAL_LEAD;
    for (let t = latest.tick + 1; t < tick; t++) predict(predictor, world.voxels, { tick: t, buttons: 0, yaw: 0, pitch: 0 });
    ticking = true;
  };
  bus.on('Disconnected', () => resetSession());

  /** Keeps an input for the next bundles; a gap (ticks not predicted) starts the history afresh. */
  const remember = (input: PlayerInput): void => {
    if (sent.length && sent[sent.length - 1].tick !== input.tick - 1) sent.length = 0;
    sent.push(input);
    if (sent.length > BUNDLE_INPUTS) sent.shift();
  };

  /** Jumps `n` ticks ahead, predicting them with the last movement, as the server will repeat it. */
  const skipAhead = (n: number): void => {
    const last = sent[sent.length - 1];
    for (let i = 0; i < n; i++) {
      if (predictor && last) {
        const repeat: PlayerInput = { tick, buttons: last.buttons, yaw: last.yaw, pitch: last.pitch };
        predict(predictor, world.voxels, repeat);
        remember(repeat);
      }
      tick++;
    }
  };

  const clientTick = (): void => {
    if (net.state !== 'active') return;
    if (!ticking) startPredicting();
    if (!ticking || !predictor) return;
    const input: PlayerInput = { ...o.input(client), tick };
    const s = world.ecs.stores;
    // The safety net: an edit the server should have answered long ago will not be answered.
    for (const e of expireEdits(world.voxels, edits, Math.max(serverTick - UNANSWERED_TICKS, newestResult - UNANSWERED_BEHIND_RESULTS))) {
      stats.unanswered++;
      log('warn', `block action of tick ${e.tick} at (${e.x}, ${e.y}, ${e.z}) got no answer by server tick ${serverTick} (newest answer for tick ${newestResult}); rolled back`);
    }
    if (input.block) {
      stats.actions++;
      const r = applyBlockAction(world.ecs, world.voxels, localEid, input.block);
      if (r.ok) {
        addPrediction(edits, { ...r.edit, tick });
        const eid = localEid, { prev } = r.edit;
        if (redoesHotbar) {
          hotbarChanges.push(r.edit.block === 0
            ? { tick, redo: () => { giveItem(s, eid, prev); } }
            : { tick, redo: () => { if (selectedItem(s, eid).count > 0) takeSelected(s, eid); } });
        }
      }
    }
    // Hotbar operations run after block actions, as on the server (engine/sim/step.ts); game actions were applied
    // when made, and go with this input.
    if (input.inventory) {
      applyInventoryOp(s, localEid, input.inventory);
      const eid = localEid, op = input.inventory;
      if (redoesHotbar) hotbarChanges.push({ tick, redo: () => { applyInventoryOp(s, eid, op); } });
    }
    for (const a of expireActions(actions, serverTick - UNANSWERED_TICKS)) {
      log('warn', `${a.def.name} of tick ${a.tick} got no answer by server tick ${serverTick}; rolled back`);
      repredict();
    }
    const acts = takeQueued(actions, tick);
    if (acts) input.actions = acts;
    predict(predictor, world.voxels, input);
    // Mirror the prediction into the local entity (reach checks, bots and renderers read the stores).
    writeBody(s, localEid, predictor.body);
    s.Transform.yaw[localEid] = input.yaw;
    s.Transform.pitch[localEid] = input.pitch;
    if (predicted.systems.length) {
      world.tick = tick;
      runSchedule(predicted, world, new Map([[localEid, input]]));
    }
    remember(input);
    net.send(Channel.Input, { type: MsgType.InputBundle, clientTick: tick, seq: ++seq, ackTick, inputs: sent.slice() });
    stats.ticks++;
    tick++;
  };

  // A fixed-step loop on the scheduler: ticks fall due every TICK_MS / rate; a late wake-up runs the ticks it owes
  // (at most MAX_CATCH_UP), and a longer stall drops the backlog rather than spiral.
  let nextDue = NaN;
  const loop = (): void => {
    if (stopped) return;
    const now = scheduler.now();
    if (Number.isNaN(nextDue)) nextDue = now;
    for (let ran = 0; now >= nextDue && ran < MAX_CATCH_UP; ran++) {
      clientTick();
      nextDue += TICK_MS / rate;
    }
    if (now >= nextDue) nextDue = now + TICK_MS / rate;
    timer = scheduler.set(Math.max(1, nextDue - now), loop);
  };

  const client: GameClient = {
    get world() { return world; },
    lightAt: (x, y, z) => lightAt(world.voxels, x, y, z),
    bus, net,
    get predictor() { return predictor; },
    get selfId() { return selfId; },
    get localEid() { return localEid; },
    get tick() { return tick; },
    get serverTick() { return serverTick; },
    remotes, layout, pending: edits.byTick, edits, stats,
    remoteValues(id, component) {
      const r = remotes.get(id);
      return r ? componentValues(layout, r.state, component) : undefined;
    },
    own(component) {
      return ownHeld.received.has(component) ? componentValues(ownLayout, { id: selfId, v: ownHeld.v }, component) : undefined;
    },
    sampleRemote(id, out) {
      const r = remotes.get(id);
      if (!r) return false;
      const now = scheduler.now();
      const renderTick = entityTick + (now - entityTickAt) / TICK_MS - INTERPOLATION_DELAY_TICKS;
      if (!samplePose(r.snapshots, renderTick, out)) return false;
      if (!r.drawn) r.drawn = { ...out };
      else {
        const dt = Math.max(0, now - r.drawnAt) / 1000;
        followPose(r.drawn, out, SPRINT_SPEED * dt, TERMINAL_SPEED * dt);
      }
      r.drawnAt = now;
      Object.assign(out, r.drawn);
      return true;
    },
    actions,
    act(def, payload) {
      if (actionDefs.get(def.id) !== def && actionDefs.get(def.id)?.name !== def.name) throw new RangeError(`action ${def.name} (id ${def.id}) is not in the client's protocol definition`);
      if (actions.queued.length >= MAX_ACTIONS_PER_INPUT) throw new RangeError(`at most ${MAX_ACTIONS_PER_INPUT} actions per tick; ${def.name} is one too many`);
      const data = encodeActionPayload(def, payload);
      const index = actions.queued.length;
      actions.queued.push({ tick, index, def: def as unknown as UserActionDef, payload, data, confirmed: false });
      return repredict()?.at(-1);
    },
    send(def, payload) { net.sendUser(def, payload); },
    onMessage: (def, handler) => handlers.on(def, handler),
    start() { net.start(); loop(); },
    stop(reason) { stopped = true; scheduler.clear(timer); net.stop(reason); },
  };
  return client;
}
