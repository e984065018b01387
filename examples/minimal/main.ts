/**
 * The minimal game's page: joins the server that served it, meshes the world in the engine's worker pool and draws
 * it with the engine's three.js renderer, the camera at the player's eyes. `window.minimal` reports progress.
 */
import { DEFAULT_PROTOCOL, EYE_HEIGHT } from 'stratum-voxel';
import {
  connect, createMeshPalette, markColumnNeighboursForMesh, meshRequestsInPool, takeDirtySections, updateLightInPool, type MeshResult, type WorkerStamp,
} from 'stratum-voxel/client';
import { createBrowserPool } from 'stratum-voxel/browser';
import { applySectionMeshes, clearSectionMeshes, createSectionMeshes, createView, placeCamera, resizeView } from 'stratum-voxel/web';

const status = { connected: false, frames: 0, triangles: 0, sectionsMeshed: 0, sectionsMeshedInWorker: 0, transport: '' };
(globalThis as { minimal?: typeof status }).minimal = status;

const pool = createBrowserPool({ threads: 2 });
const { client, transport } = await connect(location.href, { protocol: DEFAULT_PROTOCOL, pool, name: 'minimal' });
const view = createView(document.querySelector('canvas')!, 128);
const sections = createSectionMeshes();
view.scene.add(sections.group);
addEventListener('resize', () => resizeView(view));
client.bus.on('Connected', () => { status.connected = true; status.transport = transport(); });
client.bus.on('ChunkLoaded', ({ cx, cz }) => markColumnNeighboursForMesh(client.world.voxels, cx, cz));

let meshing = false;
let world = client.world; // replaced when the server's world height differs from the client's first guess
const palette = createMeshPalette(world.voxels.blocks);
function frame(): void {
  const body = client.predictor?.body;
  if (body) placeCamera(view, body.x, body.y + EYE_HEIGHT, body.z, 0, 0);
  if (client.world !== world) {
    world = client.world;
    clearSectionMeshes(sections);
  }
  if (!meshing) {
    meshing = true;
    const voxels = world.voxels;
    // Light first (the renderer shades by it), then mesh what is dirty: each section once.
    updateLightInPool(pool, voxels).then(() => meshRequestsInPool(pool, voxels, takeDirtySections(voxels), { palette })).then((results) => {
      for (const r of results as Array<MeshResult & WorkerStamp>) {
        status.sectionsMeshed += r.meshes.length;
        if (r.scope === 'DedicatedWorkerGlobalScope') status.sectionsMeshedInWorker += r.meshes.length;
        if (client.world.voxels === voxels) applySectionMeshes(sections, voxels, r.meshes);
      }
    }).finally(() => { meshing = false; });
  }
  view.renderer.render(view.scene, view.camera);
  status.frames++;
  status.triangles = view.renderer.info.render.triangles;
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
