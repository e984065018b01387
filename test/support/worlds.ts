/** Small worlds for tests. */
import { DEFAULT_SUPERFLAT, type TerrainConfig } from '../../engine/voxel/terrain/generator.ts';
import { createVoxelWorld, type VoxelWorld } from '../../engine/voxel/voxel-world.ts';
import { generateColumnsSync, squareAround } from '../../workers/terrain.main.ts';

/** A voxel world with `radius` chunks of terrain around the origin (default: superflat, ground top at y = 7). */
export function terrainWorld(radius = 1, config: TerrainConfig = DEFAULT_SUPERFLAT, columnSections = 8): VoxelWorld {
  const w = createVoxelWorld({ columnSections });
  generateColumnsSync(w, config, squareAround(0, 0, radius));
  return w;
}
