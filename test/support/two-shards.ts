/**
 * Two game servers in one process, as two shards of one world: the same seed and terrain, ticking in step from one
 * epoch on one manual clock, with disjoint network id ranges and a movable in-memory transport (movable-network.ts)
 * between them and their clients. `A` owns x < `border`, `B` the rest. `step()` runs one tick of both, then wires
 * them as a shard would: each publishes its players' edits and its border entities to the other (remote edits and
 * ghosts) and hands off the players standing on the other's side. `kill()` plays one server dying: its sessions fail
 * over to the other with their last checkpoint (give the servers `regionOf` through `more` so that they leave some).
 */
import { createEventBus } from '../../engine/events.ts';
import type { PlayerInput } from '../../engine/input.ts';
import { createManualScheduler } from '../../engine/net/scheduler.ts';
import { conditionConnector, type LinkOptions } from '../../engine/net/conditioner.ts';
import { createRng } from '../../engine/rng.ts';
import { TICK_MS } from '../../engine/tick.ts';
import { DEFAULT_SUPERFLAT } from '../../engine/voxel/terrain/generator.ts';
import type { ClientEvents } from '../../engine/client/client-events.ts';
import { createGameClient, type GameClient } from '../../engine/client/game-client.ts';
import { createGameServer, type GameServer, type GameServerOptions } from '../../engine/server/game-server.ts';
import type { RemoteEdit } from '../../engine/server/server-handoff.ts';
import { surfaceY } from '../../engine/sim/surface.ts';
import { GAME_PROTOCOL } from '../../game/protocol.ts';
import { loadCodecDeps } from './codec-deps.ts';
import { createMovableNetwork } from './movable-network.ts';

/** A client of the rig with its recorded events. */
export interface ShardClient {
  /** The client. */
  client: GameClient;
  /** Event names and payloads, in order. */
  events: Array<[keyof ClientEvents, unknown]>;
}

/** Options of {@link createTwoShards}. */
export interface TwoShardsOptions {
  /** x of the border between A (below) and B (default 16). */
  border?: number;
  /** Where players named `name` spawn: x and z (feet on the surface). Default (border - 4.5, 0.5). */
  spawnAt?: (name: string) => [number, number];
  /** Whether step() hands players off across the border (default true). */
  handOff?: boolean;
  /** More server options, per server. */
  more?: (name: 'A' | 'B') => Partial<GameServerOptions>;
}

/** Builds and starts the two shards. */
export async function createTwoShards(o: TwoShardsOptions = {}) {
  const codec = (await loadCodecDeps()).node;
  const scheduler = createManualScheduler();
  const network = createMovableNetwork(scheduler);
  const border = o.border ?? 16;
  const logs: string[] = [];
  const make = async (name: 'A' | 'B', netIdBase: number): Promise<GameServer> => {
    const server = createGameServer({
      scheduler, protocol: GAME_PROTOCOL, codec, terrain: DEFAULT_SUPERFLAT, worldRadius: 2, columnSections: 4, viewDistance: 2, store: null,
      adminToken: 'admin', log: (level, m) => logs.push(`${name} ${level} ${m}`), seed: 7, netIdBase, tickEpochMs: 0, wallClock: () => scheduler.now(),
      spawnPoint: (world, session) => {
        const [x, z] = o.spawnAt?.(session.name) ?? [border - 4.5, 0.5];
        return { x, y: surfaceY(world, Math.floor(x), Math.floor(z)), z };
      },
      ...o.more?.(name),
    });
    await server.init();
    network.listen(name, (s) => server.net.accept(s));
    return server;
  };
  const A = await make('A', 1);
  const B = await make('B', 1_000_000);
  A.start();
  B.start();
  const servers = { A, B } as const;
  /** Edits each server's players made since the last exchange (its border publishes them with the entities). */
  const madeEdits = { A: [] as RemoteEdit[], B: [] as RemoteEdit[] };
  for (const name of ['A', 'B'] as const) servers[name].world.events.on('BlockChanged', (e) => madeEdits[name].push({ x: e.x, y: e.y, z: e.z, block: e.block }));
  /** Ghost ids each server got from the other at the last exchange. */
  const ghostIds = { A: new Set<number>(), B: new Set<number>() };
  /** Servers that died (`kill`): nothing is exchanged with them any more. */
  const dead = new Set<'A' | 'B'>();
  let n = 0;

  /** Publishes `from`'s edits and border entities to `to` (everything counts as near the border here). */
  const exchange = (from: 'A' | 'B', to: 'A' | 'B') => {
    if (dead.has(from) || dead.has(to)) return;
    if (madeEdits[from].length) servers[to].applyRemoteEdits(madeEdits[from].splice(0));
    const now = new Set<number>();
    for (const e of servers[from].borderEntities(() => true)) {
      servers[to].setGhost(e.netId, e);
      now.add(e.netId);
    }
    for (const id of ghostIds[to]) if (!now.has(id)) servers[to].removeGhost(id);
    ghostIds[to] = now;
  };

  /** Hands off the players of `from` standing on the other side of the border. */
  const handOffs = (from: 'A' | 'B') => {
    if (dead.size) return;
    const s = servers[from].world.ecs.stores;
    for (const p of [...servers[from].players.values()]) {
      const onA = s.Transform.x[p.eid] < border;
      if (onA !== (from === 'A')) servers[from].handOff(p.session.id, from === 'A' ? 'B' : 'A');
    }
  };

  return {
    scheduler, network, A, B, logs, border,
    /** Runs `ticks` ticks of both servers, wiring them after each. */
    step(ticks = 1) {
      for (let i = 0; i < ticks; i++) {
        scheduler.advance(TICK_MS);
        exchange('A', 'B');
        exchange('B', 'A');
        if (o.handOff !== false) { handOffs('A'); handOffs('B'); }
      }
    },
    /**
     * Server `name` dies: its sessions re-open on the other with their latest checkpoint (`tamper` may change it;
     * network.failOver), it stops (its ends are silent: no client hears of it), and the other drops its ghosts of the
     * dead server's entities, but the players' it re-attaches (re-attaching drops those). Returns the client addresses
     * that re-opened.
     */
    kill(name: 'A' | 'B', tamper?: (from: string, state: Uint8Array) => Uint8Array): string[] {
      const other = name === 'A' ? 'B' : 'A';
      const players = new Set([...servers[name].players.values()].map((p) => p.netId));
      dead.add(name);
      const reopened = network.failOver(name, () => other, tamper);
      servers[name].stop('killed');
      for (const id of ghostIds[other]) if (!players.has(id)) servers[other].removeGhost(id);
      ghostIds[other] = new Set();
      return reopened;
    },
    /** Adds a client named `name` joining server `at`, driven by `input`; `link` conditions its connection. */
    addClient(name: string, input: (c: GameClient) => Omit<PlayerInput, 'tick'>, at: 'A' | 'B' = 'A', link?: LinkOptions): ShardClient {
      const bus = createEventBus<ClientEvents>();
      const rec: ShardClient = { client: undefined as never, events: [] };
      bus.onAny((ev, payload) => rec.events.push([ev, payload]));
      const seed = ++n;
      const raw = network.connector(at, `10.0.0.${seed}`);
      rec.client = createGameClient({
        connect: link ? conditionConnector(raw, scheduler, createRng(seed * 7919), link) : raw, protocol: GAME_PROTOCOL, scheduler, rng: createRng(seed), codec, name, input, bus, reconnect: false,
      });
      rec.client.start();
      return rec;
    },
    /** The server that has the player with network id `netId`, and its record. */
    owner(netId: number) {
      for (const name of ['A', 'B'] as const) {
        const p = [...servers[name].players.values()].find((q) => q.netId === netId);
        if (p) return { name, server: servers[name], player: p };
      }
      return undefined;
    },
  };
}
