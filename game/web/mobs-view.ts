/**
 * The page's side of mobs, health and damage (game/mobs.ts): how mobs and dropped items look (coloured boxes by
 * kind), which mob the crosshair is on (a click on it sends the Attack action instead of breaking a block), and the
 * hearts line of the HUD.
 */
import { HALF_WIDTH, BODY_HEIGHT, type GameWorld, type ProtocolDefinition } from '../../engine/index.ts';
import type { GameClient, Pose } from '../../engine/client.ts';
import type { BoxStyle } from '../../engine/web.ts';
import { ATTACK_REACH, MobKind } from './../mobs.ts';

/** True for the kinds drawn as player figures (the engine's Player and Self). */
export function isPlayerKind(kind: number): boolean {
  return kind === 1 || kind === 2;
}

/** The name of entity kind `kind` in the definition ('kind N' when it has none). */
export function kindName(def: ProtocolDefinition, kind: number): string {
  return def.entities.find((k) => k.id === kind)?.name ?? `kind ${kind}`;
}

/** How a remote entity of kind `kind` is drawn; `item` is a dropped item's block id (its colour). */
export function boxStyle(world: GameWorld, kind: number, item: number): BoxStyle {
  if (kind === MobKind.Sheep) return { color: 0xf4f4ee, width: 0.6, height: 1.0, label: 'Sheep' };
  if (kind === MobKind.Pig) return { color: 0xf0a0a8, width: 0.6, height: 0.9, label: 'Pig' };
  if (kind === MobKind.ItemDrop) return { color: world.voxels.blocks.defs[item]?.color ?? 0xffffff, width: 0.25, height: 0.25, label: '' };
  return { color: 0x808080, width: 0.6, height: 1.0, label: `kind ${kind}` };
}

/**
 * The network id of the mob whose box (the character box of the physics) the ray from `eye` along `dir` (unit) meets
 * first within `maxDistance` (at most {@link ATTACK_REACH}), or 0.
 */
export function mobUnderRay(
  client: GameClient, eye: { x: number; y: number; z: number }, dir: readonly [number, number, number], maxDistance: number,
): number {
  let best = 0, bestT = Math.min(maxDistance, ATTACK_REACH);
  const pose: Pose = { x: 0, y: 0, z: 0, yaw: 0 };
  for (const [id, r] of client.remotes) {
    if (r.kind !== MobKind.Sheep && r.kind !== MobKind.Pig) continue;
    if (!client.sampleRemote(id, pose)) continue;
    const min = [pose.x - HALF_WIDTH, pose.y, pose.z - HALF_WIDTH], max = [pose.x + HALF_WIDTH, pose.y + BODY_HEIGHT, pose.z + HALF_WIDTH];
    const o = [eye.x, eye.y, eye.z];
    let t0 = 0, t1 = bestT;
    for (let a = 0; a < 3 && t0 <= t1; a++) {
      if (Math.abs(dir[a]) < 1e-9) { if (o[a] < min[a] || o[a] > max[a]) t0 = Infinity; continue; }
      let ta = (min[a] - o[a]) / dir[a], tb = (max[a] - o[a]) / dir[a];
      if (ta > tb) [ta, tb] = [tb, ta];
      t0 = Math.max(t0, ta); t1 = Math.min(t1, tb);
    }
    if (t0 <= t1 && t0 < bestT) { bestT = t0; best = id; }
  }
  return best;
}

/** The hearts line: one heart per 2 health points (♥ full, ♡ empty, a half as ❥). */
export function heartsText(current: number, max: number): string {
  let s = '';
  for (let i = 0; i < Math.ceil(max / 2); i++) s += current >= 2 * i + 2 ? '♥' : current === 2 * i + 1 ? '❥' : '♡';
  return s;
}
