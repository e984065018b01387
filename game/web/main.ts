/**
 * The browser client's entry point: learns the server from `/connect.json`, starts the shared game client (the
 * same one bots use) with the polyfilled WebTransport connector, meshes dirty sections in a comlink worker pool,
 * and draws the world with three.js every animation frame; the HUD, controls and `window.stratum` hang off it.
 */
import {
  createEventBus, loadHasher, PITCH_LIMIT, YAW_STEPS, Channel, createRealtimeScheduler, EYE_HEIGHT, MsgType, REACH,
  createRng, TICK_MS, raycast, type GameWorld, type JobRef, type WorkerPool, HOTBAR_SLOTS,
} from '../../engine/index.ts';
import {
  decayOffset, browserZstd, markColumnNeighboursForMesh, meshDirtySections, createMeshPalette, type MeshPalette,
  createBrowserPool, type ClientEvents, type WorkerStamp, updateLightInPool,
} from '../../engine/client.ts';
import { createSkyClock, createSkyView } from './sky-view.ts';
import { GAME_PROTOCOL } from '../protocol.ts';
import { certificateAdvice, connect, endpointUrl } from '../../engine/client.ts';
import { addChatLine, attachHudKeys, createHud, setStatus, showHealth, showHotbar, showSlot, showStats } from './hud.ts';
import { boxStyle, heartsText, isPlayerKind, mobUnderRay } from './mobs-view.ts';
import { Attack } from '../mobs.ts';
import { attachInput, createInputState, sampleInput } from './input.ts';
import {
  createOutline, showOutline, createPlayerFigures, updatePlayerFigures, applySectionMeshes, clearSectionMeshes,
  createSectionMeshes, createView, lookDirection, placeCamera, resizeView, createEntityBoxes, updateEntityBoxes,
} from '../../engine/web.ts';
import { createTestHook, type MeshCounters } from './test-hook.ts';
import { createInventoryScreen } from './inventory-screen.ts';
import { createLocalMotion, noteTick, smoothedPosition } from './local-motion.ts';

/** View distance drawn (fog end), blocks. */
const VIEW_BLOCKS = 8 * 16;

async function boot(): Promise<void> {
  const hudRoot = document.getElementById('hud')!;
  const canvas = document.getElementById('view') as HTMLCanvasElement;
  const hud = createHud(hudRoot, Array.from({ length: HOTBAR_SLOTS }, () => 'transparent'));
  setStatus(hud, 'connecting...');
  if (!globalThis.crossOriginIsolated) setStatus(hud, 'this page is not cross-origin isolated: SharedArrayBuffer is unavailable');

  const hasher = await loadHasher();
  const params = new URLSearchParams(location.search);
  const name = params.get('name') ?? `web-${Math.floor(Math.random() * 1e4)}`;
  const input = createInputState();
  const motion = createLocalMotion();
  const bus = createEventBus<ClientEvents>();
  const scheduler = createRealtimeScheduler();
  // Worker pool: leave a core for the page itself.
  const threads = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
  // The engine's pool worker (column decoding and meshing bundled in; the bundler follows its `new Worker(new URL())`).
  const pool = createBrowserPool({ threads });
  // /connect.json from this page's server, then native WebTransport over HTTP/3 (hashes pinned) or the fallback.
  const { client, info, transport, fallbackReason } = await connect(location.href, {
    pool, // chunk decoding and meshing share the worker pool
    protocol: GAME_PROTOCOL, scheduler, rng: createRng(crypto.getRandomValues(new Uint32Array(1))[0]),
    codec: { zstd: browserZstd, hasher }, name, bus, start: false,
    input: (c) => {
      if (c.predictor) noteTick(motion, c.predictor.body, scheduler.now());
      return sampleInput(input);
    },
  });
  const transportOf = () => (transport() === 'h3' ? 'h3' : 'fallback');

  const view = createView(canvas, VIEW_BLOCKS);
  const sections = createSectionMeshes();
  const figures = createPlayerFigures();
  const boxes = createEntityBoxes();
  const outline = createOutline();
  view.scene.add(sections.group, figures.group, boxes.group, outline);
  window.addEventListener('resize', () => resizeView(view));
  // Day, night and weather: the server's SkyState, advanced locally; colours, daylight, rain and snow.
  const skyClock = createSkyClock(client, () => scheduler.now());
  const sky = createSkyView(view, sections, skyClock);

  const meshing: MeshCounters = { sectionsMeshedInPool: 0, batches: 0, failures: 0, sectionsMeshedInWorker: 0, poolThreads: threads };
  // The pool as the mesher sees it, counting the sections whose batch ran in a worker's global scope.
  const countingPool: WorkerPool = {
    threads: pool.threads,
    destroy: () => pool.destroy(),
    async run<T, R>(job: JobRef, task: T, transfer?: Transferable[]): Promise<R> {
      const r = await pool.run<T, R & Partial<WorkerStamp> & { meshes?: unknown[] }>(job, task, transfer);
      if (r.scope === 'DedicatedWorkerGlobalScope') meshing.sectionsMeshedInWorker += r.meshes?.length ?? 0;
      return r;
    },
  };
  let palette: MeshPalette | undefined;
  let paletteWorld: GameWorld | undefined;
  let meshBusy = false;
  const meshNow = () => {
    const world = client.world;
    if (meshBusy) return;
    if (world !== paletteWorld) {
      // The client starts a new world when the server's height differs from its guess: start drawing afresh.
      clearSectionMeshes(sections);
      palette = createMeshPalette(world.voxels.blocks);
      paletteWorld = world;
    }
    meshBusy = true;
    // Light first (columns that arrived are lit in the pool, edits here), so that each section is meshed once.
    updateLightInPool(pool, world.voxels).then(() => meshDirtySections(countingPool, world.voxels, { palette })).then(
      (meshed) => {
        if (meshed.length > 0) meshing.batches++;
        meshing.sectionsMeshedInPool += meshed.length;
        if (client.world === world) applySectionMeshes(sections, world.voxels, meshed);
      },
      (err: unknown) => { meshing.failures++; console.error('meshing failed', err); },
    ).finally(() => { meshBusy = false; });
  };

  const chatLines: string[] = [];
  bus.on('ChunkLoaded', ({ cx, cz }) => markColumnNeighboursForMesh(client.world.voxels, cx, cz));
  bus.on('Chat', ({ from, text }) => { chatLines.push(`${from}: ${text}`); addChatLine(hud, from, text); });
  bus.on('Connected', () => setStatus(hud, ''));
  bus.on('Disconnected', ({ reason, kind }) => {
    setStatus(hud, `disconnected: ${reason} (reconnecting...)`);
    if (kind !== 'connect-failed' || transport() === 'h3') return;
    const link = document.createElement('a');
    link.href = new URL(endpointUrl(info)).origin + '/';
    link.target = '_blank';
    link.textContent = link.href;
    hud.status.append(document.createElement('br'), certificateAdvice(info), document.createElement('br'), link);
  });
  // The hotbar as the client predicts it (the server sends the starting kit when the player spawns).
  let hotbarShown = '';
  const hotbarColors = (): string[] => {
    const { localEid, world } = client;
    const inv = world.ecs.stores.Inventory;
    return Array.from({ length: HOTBAR_SLOTS }, (_, i) => {
      const item = localEid ? inv.item[localEid * HOTBAR_SLOTS + i] : 0;
      return item && inv.count[localEid * HOTBAR_SLOTS + i] ? `#${(world.voxels.blocks.defs[item]?.color ?? 0xc8a060).toString(16).padStart(6, '0')}` : ''; // a non-block item (a stick): wood-coloured
    });
  };
  let reconcileError = 0, reconcileCount = 0;
  bus.on('ReconciliationEvent', (ev) => { reconcileError += ev.errorBlocks; reconcileCount++; });

  const eye = () => {
    const p = client.predictor;
    return p ? { x: p.body.x, y: p.body.y + EYE_HEIGHT, z: p.body.z } : null;
  };
  const target = () => {
    const e = eye();
    if (!e) return null;
    const [dx, dy, dz] = lookDirection(yawSteps(), pitchSteps());
    const hit = raycast(client.world.voxels, e.x, e.y, e.z, dx, dy, dz, REACH);
    return hit && hit.face >= 0 ? { x: hit.x, y: hit.y, z: hit.z, face: hit.face } : null;
  };
  // Drawn and aimed with the unquantized facing (smooth mouse look); ticks send it quantized.
  const yawSteps = () => (input.yaw / (2 * Math.PI)) * YAW_STEPS;
  const pitchSteps = () => (input.pitch / (Math.PI / 2)) * PITCH_LIMIT;
  // A left click on a mob (nearer than the targeted block) attacks it: the server checks reach and line of sight.
  const hit = () => {
    const e = eye();
    if (!e) return false;
    const dir = lookDirection(yawSteps(), pitchSteps());
    const [dx, dy, dz] = dir;
    const block = raycast(client.world.voxels, e.x, e.y, e.z, dx, dy, dz, REACH);
    const blockDistance = block ? Math.hypot(block.x + 0.5 - e.x, block.y + 0.5 - e.y, block.z + 0.5 - e.z) : Infinity;
    const id = mobUnderRay(client, e, dir, blockDistance);
    if (id) client.act(Attack, { target: id });
    return id !== 0;
  };
  attachInput(canvas, input, target, hit);
  attachHudKeys(hud, (text) => client.net.send(Channel.Chat, { type: MsgType.ClientChat, text }), (typing) => { input.typing = typing; });

  // E: the inventory screen (movement keys rest while it is open).
  createInventoryScreen(hudRoot, client, (open) => { input.typing = open; if (open) input.held.clear(); });
  (window as unknown as { stratum: unknown }).stratum = createTestHook(client, input, meshing, () => sections.byKey.size, chatLines, transportOf, {
    clock: skyClock, daylight: () => sky.daylight(), canvas,
  });
  client.start();

  // ?maxfps=N caps drawing (software-rendered test browsers share their CPU with the tick loop).
  const minFrameMs = 1000 / Math.max(1, Number(params.get('maxfps')) || 1000);
  let last = performance.now(), frames = 0, fps = 0, fpsAt = last, hudAt = 0;
  let bytesIn = 0, bytesOut = 0, rateIn = 0, rateOut = 0;
  const frame = () => {
    requestAnimationFrame(frame);
    const now = performance.now();
    if (now - last < minFrameMs - 1) return;
    const dt = now - last;
    last = now;
    frames++;
    if (now - fpsAt >= 1000) {
      const st = client.net.connection?.stats;
      rateIn = st ? ((st.bytesIn - bytesIn) * 1000) / (now - fpsAt) : 0;
      rateOut = st ? ((st.bytesOut - bytesOut) * 1000) / (now - fpsAt) : 0;
      bytesIn = st?.bytesIn ?? 0; bytesOut = st?.bytesOut ?? 0;
      fps = Math.round((frames * 1000) / (now - fpsAt));
      frames = 0; fpsAt = now;
    }
    meshNow();
    const p = client.predictor;
    if (p) {
      decayOffset(p, dt);
      const [x, y, z] = smoothedPosition(motion, p.body, scheduler.now(), TICK_MS);
      placeCamera(view, x + p.offset[0], y + p.offset[1] + EYE_HEIGHT, z + p.offset[2], yawSteps(), pitchSteps());
    }
    sky.frame(view.camera.position, dt);
    showOutline(outline, target());
    const ids = [...client.remotes.keys()];
    const others = ids.filter((id) => !isPlayerKind(client.remotes.get(id)!.kind));
    updateEntityBoxes(boxes, others, (id) => boxStyle(client.world, client.remotes.get(id)!.kind, client.remoteValues(id, 'HeldItem')?.item as number ?? 0), (id, out) => client.sampleRemote(id, out));
    updatePlayerFigures(figures, ids.filter((id) => isPlayerKind(client.remotes.get(id)!.kind)), (id) => client.remotes.get(id)?.name || `player ${id}`, (id, out) => client.sampleRemote(id, out));
    view.renderer.render(view.scene, view.camera);
    if (now - hudAt > 250) {
      hudAt = now;
      showSlot(hud, input.slot);
      const health = client.own('Health');
      if (health) showHealth(hud, heartsText(health.current as number, 20), health.current as number, 20);
      const colors = hotbarColors();
      if (colors.join() !== hotbarShown) { hotbarShown = colors.join(); showHotbar(hud, colors); }
      const b = p?.body;
      showStats(hud, {
        fps, tick: client.tick, serverTick: client.serverTick, rttMs: client.net.connection?.rttMs ?? NaN,
        bytesInPerSec: rateIn, bytesOutPerSec: rateOut, reconciliations: p?.reconciliations ?? 0,
        reconcileErrorAvg: reconcileCount ? reconcileError / reconcileCount : 0, chunks: client.world.voxels.columns.size,
        meshes: sections.byKey.size, sectionsMeshed: meshing.sectionsMeshedInPool, position: b ? [b.x, b.y, b.z] : [0, 0, 0],
        state: client.net.state, transport: transport() === 'h3' ? 'WebTransport over HTTP/3' : `WebSocket fallback (${fallbackReason() ?? 'no HTTP/3'})`,
      });
    }
  };
  requestAnimationFrame(frame);
}

boot().catch((err: unknown) => {
  console.error(err);
  const status = document.querySelector('.status') ?? document.body.appendChild(document.createElement('div'));
  status.textContent = `Stratum could not start: ${(err as Error)?.message ?? String(err)}`;
});
