/**
 * The game's server as every process that simulates the world builds it (`serve`, and a cluster's shards): the
 * engine's game server with the game's protocol, kit, terrain and systems, the sky (day, night and weather), the
 * admin commands, and inventories kept by player name. The caller serves it (listen, or a cluster's bridged
 * sessions), starts it, and calls `save` before the store closes.
 */
import { DEFAULT_SUPERFLAT, type Hasher, type Scheduler, type WorkerPool } from '../../engine/index.ts';
import {
  createGameServer, nodeZstd, type EditStore, type GameServer, type GameServerOptions, type NetLog, type StratumMetrics,
} from '../../engine/server.ts';
import { GAME_PROTOCOL } from '../protocol.ts';
import { WORLD_SYSTEMS } from '../rules.ts';
import { createSkyHost } from '../sky/sky-server.ts';
import { createAdminCommands } from './admin-commands.ts';
import { GAME_KIT } from '../inventory.ts';
import { createInventoryPersistence } from './inventories.ts';
import type { ServerConfig } from './config.ts';

/** What {@link createGame} needs besides the configuration. */
export interface GameParts {
  /** Clock of the tick loop. */
  scheduler: Scheduler;
  /** The xxhash hasher. */
  hasher: Hasher;
  /** Block edits, sky and inventories (null: in memory). */
  store: EditStore | null;
  /** Worker pool for terrain and column encoding. */
  pool: WorkerPool;
  /** The admin token of diagnostics commands. */
  adminToken: string;
  /** Server log. */
  log: NetLog;
  /** Metrics to feed. */
  metrics?: StratumMetrics;
  /** More options of the engine's server (a cluster's shard: its tick epoch, network id base, recorder, durable edits). */
  server?: Partial<GameServerOptions>;
}

/** The built game. */
export interface Game {
  /** The engine's game server (call init, then start). */
  server: GameServer;
  /** Saves the time of day and every player's inventory (before the store closes). */
  save(): void;
}

/** Builds the game's server from a configuration (see SERVER_OPTIONS). */
export function createGame(config: ServerConfig, parts: GameParts): Game {
  const { store, log } = parts;
  // Day, night and weather (game/sky): systems, SkyState on join, admin commands `time` and `weather`, kept in the store.
  const sky = createSkyHost({ store, log });
  const admin = createAdminCommands();
  // Inventories by player name, in the same store as the edits (in memory with --storage none).
  const inventories = createInventoryPersistence(store, (m) => log('warn', m));
  const server = createGameServer({
    scheduler: parts.scheduler, protocol: GAME_PROTOCOL, codec: { zstd: nodeZstd, hasher: parts.hasher }, store,
    adminToken: parts.adminToken, log, pool: parts.pool, kit: GAME_KIT, onLeave: (p) => inventories.leave(server.world, p),
    terrain: config.world === 'superflat' ? DEFAULT_SUPERFLAT : { kind: 'noise', seed: config.seed },
    worldRadius: config['world-radius'], viewDistance: config['view-distance'], columnSections: config['column-sections'],
    maxPlayers: config['max-players'], maxSessionsPerAddress: config['max-sessions-per-address'],
    seed: config.seed, systems: [...sky.systems, ...WORLD_SYSTEMS, inventories.system],
    commands: { ...sky.commands, ...admin.commands }, metrics: parts.metrics,
    onJoin: (p) => {
      inventories.join(server.world, p); // a returning name gets its stored inventory instead of the kit
      sky.onJoin(p);
    },
    ...parts.server,
  });
  sky.attach(server);
  admin.attach(server);
  return {
    server,
    save() {
      sky.save(); // the time of day to the second, before the store closes
      inventories.saveAll(server.world);
    },
  };
}
