/**
 * `window.stratum`: read-only state of the running page for tests and curious players (block at x,y,z; player
 * position; connection state; meshing counters), plus `queueAction`, which queues a block action exactly as a click
 * would (headless browsers cannot synthesize pointer-lock input reliably), and `simStateHash`, which runs the
 * headless simulation of `stratum sim` in the page so that tests can compare its state hash with Node's.
 */
import { type BlockAction, getBlock, isLoaded, generateColumnsSync } from '../../engine/index.ts';
import type { GameClient } from '../../engine/client.ts';
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
  /** The own player's 36 slots as the client predicts them, [item, count] each (0..8 the hotbar, 9..35 the backpack); [] before spawning. */
  inventory(): [number, number][];
  /** Crafts from the grid cells' source slots (255 = empty cell), as the inventory screen's output click does; the predicted outcome. */
  craft(cells: [number, number, number, number]): { ok: boolean; reason?: string } | undefined;
  /** Runs `stratum sim` with these settings for `ticks` ticks on this thread; resolves with its state hash. */
  simStateHash(setup: SimSetup & { ticks: number }): Promise<string>;
}

/** Builds the hook over a running page. */
export function createTestHook(
  client: GameClient, input: InputState, meshing: MeshCounters, sectionMeshes: () => number, chat: readonly string[],
  transport: () => 'h3' | 'fallback',
): StratumHook {
  const results: string[] = [];
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
  };
}
