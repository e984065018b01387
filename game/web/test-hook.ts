/**
 * `window.stratum`: read-only state of the running page for tests and curious players (block at x,y,z; player
 * position; connection state; meshing counters), plus `queueAction`, which queues a block action exactly as a click
 * would (headless browsers cannot synthesize pointer-lock input reliably), and `simStateHash`, which runs the
 * headless simulation of `stratum sim` in the page so that tests can compare its state hash with Node's.
 */
import { type BlockAction, getBlock, isLoaded, generateColumnsSync, Channel, MsgType, type LightValue } from '../../engine/index.ts';
import type { GameClient } from '../../engine/client.ts';
import { Attack } from '../mobs.ts';
import { GAME_PROTOCOL } from '../protocol.ts';
import { kindName } from './mobs-view.ts';
import { WEATHER_NAMES } from '../sky/sky.ts';
import type { SkyClock } from './sky-view.ts';
import { simStateHash, type SimSetup } from '../sim-run.ts';
import type { InputState } from './input.ts';
import { Craft, inventoryOf } from '../inventory.ts';
import type { GameWorld } from '../../engine/index.ts';

/** Counters of the page's meshing. */
export interface MeshCounters {
  /** Sections meshed by the worker pool. */
  sectionsMeshedInPool: number;
  /** Meshing rounds through the pool that returned sections. */
  batches: number;
  /** Pool batches that failed. */
  failures: number;
  /** Of those, sections whose batch says it ran in a DedicatedWorkerGlobalScope (checked in the worker). */
  sectionsMeshedInWorker: number;
  /** Worker threads in the pool. */
  poolThreads: number;
}

/** What `window.stratum` offers. */
export interface StratumHook {
  /** Network state: connecting, handshaking, active, disconnected. */
  state(): string;
  /** 'h3' for native WebTransport over HTTP/3, 'fallback' otherwise (the HTTP/2 / WebSocket mapping). */
  transport(): 'h3' | 'fallback';
  /** True once connected and the local player exists. */
  ready(): boolean;
  /** Block id at (x, y, z) in the page's world, or -1 where nothing is loaded. */
  blockAt(x: number, y: number, z: number): number;
  /** The local player's predicted feet position, or null before spawning. */
  position(): { x: number; y: number; z: number } | null;
  /** Own network id (0 before spawning). */
  selfId(): number;
  /** Network ids of the remote players known. */
  remotes(): number[];
  /** Where remote `id` is drawn now (interpolated), or null. */
  remotePosition(id: number): { x: number; y: number; z: number } | null;
  /** Chunk columns loaded. */
  chunks(): number;
  /** Section meshes in the scene. */
  sectionMeshes(): number;
  /** Meshing counters. */
  meshing(): MeshCounters;
  /** True when the page is cross-origin isolated (SharedArrayBuffer available). */
  crossOriginIsolated(): boolean;
  /** True when the page's voxel slabs are SharedArrayBuffers. */
  sabBacked(): boolean;
  /** Chat lines received, oldest first. */
  chat(): string[];
  /** The server's answers to this page's block actions, oldest first: "tick ok" or "tick refused: reason". */
  blockResults(): string[];
  /** Queues a block action for the next tick (as a click would). */
  queueAction(action: BlockAction): void;
  /** Sets the facing in radians (as mouse look would). */
  look(yaw: number, pitch: number): void;
  /**
   * The remote entities (players, mobs, dropped items) with their kind ids and names (the protocol definition's)
   * and where each is drawn now (interpolated); `drawn` is false before it has a pose.
   */
  entities(): { id: number; kind: number; name: string; x: number; y: number; z: number; drawn: boolean }[];
  /** The own player's health as the server last sent it (OwnState), or null before it did. */
  health(): number | null;
  /** The hearts line the HUD shows ('' before the first health). */
  hearts(): string;
  /** Makes the Attack action on the entity with network id `id` (as a click on it would). */
  attack(id: number): void;
  /** The own player's 36 slots as the client predicts them, [item, count] each (0..8 the hotbar, 9..35 the backpack); [] before spawning. */
  inventory(): [number, number][];
  /** Crafts from the grid cells' source slots (255 = empty cell), as the inventory screen's output click does; the predicted outcome. */
  craft(cells: [number, number, number, number]): { ok: boolean; reason?: string } | undefined;
  /** Runs `stratum sim` with these settings for `ticks` ticks on this thread; resolves with its state hash. */
  simStateHash(setup: SimSetup & { ticks: number }): Promise<string>;
  /** Sky and block light (0..15 each) at block (x, y, z) in the page's world (`client.lightAt`). */
  lightAt(x: number, y: number, z: number): LightValue;
  /** Fraction of the day, [0, 1): 0 sunrise, 0.25 noon, 0.5 sunset, 0.75 midnight (advanced locally between SkyState messages). */
  timeOfDay(): number;
  /** The weather's name: clear, rain, snow or thunder. */
  weather(): string;
  /** The daylight factor the section shader uses now (0..1). */
  daylight(): number;
  /** Mean brightness (0..255, Rec. 601 luma) of the drawn view in a rectangle of canvas pixels (default all of it). */
  brightness(x?: number, y?: number, w?: number, h?: number): number;
  /** Sends an admin command (`time`, `weather`, ...) with the admin token; resolves with the server's answer. */
  admin(token: string, command: string, args: string[]): Promise<{ ok: boolean; text: string }>;
}

/** What the sky and the view give the hook. */
export interface HookSky {
  /** The page's clock and weather. */
  clock: SkyClock;
  /** The daylight factor last drawn. */
  daylight(): number;
  /** The view's canvas (drawn with preserveDrawingBuffer). */
  canvas: HTMLCanvasElement;
}

/** Builds the hook over a running page. */
export function createTestHook(
  client: GameClient, input: InputState, meshing: MeshCounters, sectionMeshes: () => number, chat: readonly string[],
  transport: () => 'h3' | 'fallback', sky: HookSky,
): StratumHook {
  const results: string[] = [];
  let adminId = 1;
  const answers = new Map<number, (a: { ok: boolean; text: string }) => void>();
  client.bus.on('DiagnosticsResponse', (r) => { answers.get(r.id)?.({ ok: r.ok, text: r.text }); answers.delete(r.id); });
  client.bus.on('BlockResult', (r) => results.push(r.ok ? `${r.tick} ok` : `${r.tick} refused: ${r.reason}`));
  return {
    state: () => client.net.state,
    transport,
    ready: () => client.net.state === 'active' && client.predictor !== undefined,
    blockAt(x, y, z) {
      const v = client.world.voxels;
      return isLoaded(v, x, y, z) ? getBlock(v, x, y, z) : -1;
    },
    position() {
      const b = client.predictor?.body;
      return b ? { x: b.x, y: b.y, z: b.z } : null;
    },
    selfId: () => client.selfId,
    remotes: () => [...client.remotes.keys()],
    remotePosition(id) {
      const pose = { x: 0, y: 0, z: 0, yaw: 0 };
      return client.sampleRemote(id, pose) ? { x: pose.x, y: pose.y, z: pose.z } : null;
    },
    chunks: () => client.world.voxels.columns.size,
    sectionMeshes,
    meshing: () => ({ ...meshing }),
    crossOriginIsolated: () => globalThis.crossOriginIsolated === true,
    sabBacked() {
      const store = client.world.voxels.store;
      return store.voxels.length > 0 && store.voxels.every((v) => v.buffer instanceof SharedArrayBuffer);
    },
    chat: () => [...chat],
    blockResults: () => [...results],
    queueAction(action) { input.actions.push({ ...action }); },
    look(yaw, pitch) { input.yaw = yaw; input.pitch = pitch; },
    inventory: () => (client.localEid ? inventoryOf(client.world as GameWorld, client.localEid) : []),
    craft: ([c0, c1, c2, c3]) => client.act(Craft, { c0, c1, c2, c3 }),
    simStateHash: (setup) => simStateHash(setup, generateColumnsSync),
    entities() {
      const pose = { x: 0, y: 0, z: 0, yaw: 0 };
      return [...client.remotes.values()].map((r) => {
        const drawn = client.sampleRemote(r.id, pose);
        return { id: r.id, kind: r.kind, name: kindName(GAME_PROTOCOL, r.kind), x: pose.x, y: pose.y, z: pose.z, drawn };
      });
    },
    health: () => (client.own('Health')?.current as number | undefined) ?? null,
    hearts: () => document.querySelector('.hearts')?.textContent ?? '',
    attack(id) { client.act(Attack, { target: id }); },
    lightAt: (x, y, z) => client.lightAt(x, y, z),
    timeOfDay: () => sky.clock.timeOfDay(),
    weather: () => WEATHER_NAMES[sky.clock.weather()] ?? 'unknown',
    daylight: () => sky.daylight(),
    brightness(x = 0, y = 0, w, h) {
      const c = sky.canvas;
      const width = w ?? c.width - x, height = h ?? c.height - y;
      const copy = document.createElement('canvas');
      copy.width = width; copy.height = height;
      const g = copy.getContext('2d')!;
      g.drawImage(c, x, y, width, height, 0, 0, width, height);
      const px = g.getImageData(0, 0, width, height).data;
      let sum = 0;
      for (let i = 0; i < px.length; i += 4) sum += 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
      return sum / (px.length / 4);
    },
    admin(token, command, args) {
      const id = adminId++;
      return new Promise((done) => {
        answers.set(id, done);
        client.net.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id, token, command, args });
      });
    },
  };
}
