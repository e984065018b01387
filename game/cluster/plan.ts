/**
 * Which shard of a cluster leases which region at start: every region that holds a column of the world, dealt to the
 * shards in stripes of region x (shard i takes the regions whose x is i modulo the shard count), so that each shard's
 * regions border the others' along whole region columns. The spawn region (0, 0) goes to the first shard.
 */
import { regionKey, regionOf, type RegionKey } from '../../engine/cluster.ts';

/** The regions of a world of `worldRadius` chunks around the origin, dealt to `shards` shards. */
export function planRegions(worldRadius: number, shards: number): RegionKey[][] {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be an integer >= 1, got ${shards}`);
  const lo = regionOf(-worldRadius, -worldRadius);
  const hi = regionOf(worldRadius, worldRadius);
  const plan: RegionKey[][] = Array.from({ length: shards }, () => []);
  for (let rx = lo.rx; rx <= hi.rx; rx++) {
    for (let rz = lo.rz; rz <= hi.rz; rz++) plan[((rx % shards) + shards) % shards].push(regionKey({ rx, rz }));
  }
  return plan;
}
