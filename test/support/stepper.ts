/**
 * The stepper: a game server and N game clients over the loopback transport on one manual clock, optionally through
 * seeded link conditioners. `step(n)` runs n ticks of time (50 ms each); everything is synchronous and repeatable.
 */
import { createEventBus } from '../../engine/events.ts';
import type { PlayerInput } from '../../engine/input.ts';
import type { Message } from '../../engine/protocol/messages.ts';
import { createNetClient, type NetClient, type NetClientEvents, type NetClientOptions } from '../../engine/net/client.ts';
import { conditionConnector, type ConditionedSession, type LinkOptions } from '../../engine/net/conditioner.ts';
import { createLoopbackNetwork } from '../../engine/net/loopback.ts';
import { createManualScheduler } from '../../engine/net/scheduler.ts';
import type { ProtocolDefinition } from '../../engine/protocol/define.ts';
import { createRng } from '../../engine/rng.ts';
import { TICK_MS } from '../../engine/tick.ts';
import { DEFAULT_SUPERFLAT, type TerrainConfig } from '../../engine/voxel/terrain/generator.ts';
import type { EditStore } from '../../engine/platform/node/edit-store.ts';
import type { ClientEvents } from '../../engine/client/client-events.ts';
import { createGameClient, type GameClient, type GameClientOptions } from '../../engine/client/game-client.ts';
import { createGameServer, type GameServer, type GameServerOptions } from '../../engine/server/game-server.ts';
import { GAME_PROTOCOL } from '../../game/protocol.ts';
import { loadCodecDeps } from './codec-deps.ts';

/** Options of {@link createStepper}. */
export interface StepperOptions {
  /** Terrain (default superflat). */
  terrain?: TerrainConfig;
  /** World radius in chunks (default 2). */
  worldRadius?: number;
  /** Sections per column (default 4). */
  columnSections?: number;
  /** View distance (default 2). */
  viewDistance?: number;
  /** Storage (default none). */
  store?: EditStore | null;
  /** Bandwidth budget per client, bytes per second (default 1 MB/s). */
  budgetBytesPerSecond?: number;
  /** Makes the server's recorder (see GameServerOptions.recorder). */
  recorder?: GameServerOptions['recorder'];
  /** Worker pool for terrain and column encoding (default: none, all on this thread). */
  pool?: GameServerOptions['pool'];
  /** The server's protocol definition, and its clients' unless `addClient` names another (default GAME_PROTOCOL). */
  protocol?: ProtocolDefinition;
  /** The server's starting hotbar (default the game's). */
  kit?: GameServerOptions['kit'];
  /** The game's own server options: systems, hooks, spawn point, seed, generator (default none). */
  game?: Pick<GameServerOptions, 'systems' | 'seed' | 'spawnPoint' | 'onJoin' | 'onLeave' | 'generator' | 'commands' | 'durableEdits' | 'onDurableFailure' | 'durableMaxHeldEdits'>;
  /** The systems every client of the stepper runs (its `predicted` ones; default none). */
  clientSystems?: GameClientOptions['systems'];
}

/** A client of the stepper with its recorded events. */
export interface StepperClient {
  /** The client. */
  client: GameClient;
  /** Event names and payloads in order. */
  events: Array<[keyof ClientEvents, unknown]>;
  /** The client's log lines (`level message`). */
  logs: string[];
  /** The conditioned session of its current connection, when a link was given. */
  link?: ConditionedSession;
}

/** Builds a started server; add clients with `addClient`. */
export async function createStepper(options: StepperOptions = {}) {
  const codec = (await loadCodecDeps()).node;
  const protocol = options.protocol ?? GAME_PROTOCOL;
  const scheduler = createManualScheduler();
  const network = createLoopbackNetwork(scheduler);
  const serverLog: string[] = [];
  const server: GameServer = createGameServer({
    scheduler, protocol, codec, kit: options.kit, terrain: options.terrain ?? DEFAULT_SUPERFLAT, worldRadius: options.worldRadius ?? 2,
    columnSections: options.columnSections ?? 4, viewDistance: options.viewDistance ?? 2, store: options.store ?? null,
    adminToken: 'admin', log: (level, m) => serverLog.push(`${level} ${m}`), budgetBytesPerSecond: options.budgetBytesPerSecond,
    recorder: options.recorder, pool: options.pool, ...options.game,
  });
  await server.init();
  const identity = server.identity;
  network.listen('server', (s) => server.net.accept(s));
  server.start();
  let n = 0;
  let raws = 0;

  return {
    scheduler, server, serverLog, codec, identity,
    /** Runs `ticks` ticks of time. */
    step(ticks = 1) { for (let i = 0; i < ticks; i++) scheduler.advance(TICK_MS); },
    /** A bare network client (no game logic), for sending hand-made messages; `received` records what it gets; `more` overrides its options. */
    rawClient(name = 'raw', more: Partial<NetClientOptions> = {}): NetClient & { received: Message[] } {
      const received: Message[] = [];
      const c = createNetClient({
        connect: network.connector('server', `10.1.0.${++raws & 255}`), identity, name, scheduler, rng: createRng(99), bus: createEventBus<NetClientEvents>(), reconnect: false,
        onMessage: (_ch, m) => received.push(m), ...more,
      });
      c.start();
      return Object.assign(c, { received });
    },
    /** Adds and starts a client driven by `input`; `link` conditions its connection; `clientProtocol` is its definition. */
    addClient(
      input: (c: GameClient) => Omit<PlayerInput, 'tick'>, link?: LinkOptions, seed = ++n, pool?: GameServerOptions['pool'], clientProtocol = protocol,
    ): StepperClient {
      const bus = createEventBus<ClientEvents>();
      const rec: StepperClient = { client: undefined as never, events: [], logs: [] };
      bus.onAny((name, payload) => rec.events.push([name, payload]));
      // Each client comes from its own address, as players do (the server limits sessions per address).
      const raw = network.connector('server', `10.0.${(seed >> 8) & 255}.${seed & 255}`);
      const connect = link ? conditionConnector(raw, scheduler, createRng(seed * 7919), link, (s) => { rec.link = s; }) : raw;
      rec.client = createGameClient({ connect, protocol: clientProtocol, scheduler, rng: createRng(seed), codec, name: `p${seed}`, input, bus, pool, systems: options.clientSystems, log: (level, m) => rec.logs.push(`${level} ${m}`) });
      rec.client.start();
      return rec;
    },
  };
}
