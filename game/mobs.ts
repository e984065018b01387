/**
 * Mobs, health and damage, written on the engine's public API like any game's code: two passive mob kinds (Sheep,
 * Pig) with a finite-state AI stepped through the shared character controller, spawning in sky light by day near
 * players within caps, despawning far from every player; fall damage; the Attack action (hit a mob: it flees, takes
 * damage, dies and drops an item, which players pick up); player death and respawn.
 *
 * Everything here runs in the tick's systems (server only, none predicted) with the tick's seeded rng, in entity id
 * order, so the state hash covers it and a replay reproduces it. Ids (game/protocol.ts): entity kinds 10 (Sheep),
 * 11 (Pig), 19 (ItemDrop); components 50 (Mob), 51 (Fall), 52 (Drop); action 20 (Attack); blocks 14 (wool), 15 (pork).
 */
import { addComponent, hasComponent, query, removeEntity } from 'bitecs';
import {
  BlockFlag, Button, EYE_HEIGHT, YAW_STEPS, cosStep, defineAction, defineComponent, getBlock, giveItem, isLoaded, sinStep, spawnKind,
  stepBody, storeOf, surfaceY, type Body, type GameWorld, type System,
} from '../engine/index.ts';

/** Entity kind ids of the mobs and of dropped items (values are part of the wire format). */
export const MobKind = {
  /** A sheep: drops wool. */
  Sheep: 10,
  /** A pig: drops pork. */
  Pig: 11,
  /** An item lying on the ground (component Drop says which and how many). */
  ItemDrop: 19,
} as const;

/** Block ids of the mobs' drops. */
export const MobBlock = {
  /** Wool: a sheep's drop. */
  Wool: 14,
  /** Pork: a pig's drop (a block, so it can be placed like any item). */
  Pork: 15,
} as const;

/** The mob FSM's states (Mob.state). */
export const MobState = {
  /** Standing still until its timer runs out. */
  Idle: 0,
  /** Walking along its heading until its timer runs out. */
  Wander: 1,
  /** Running away from where it was hit until its timer runs out. */
  Flee: 2,
} as const;

/** A mob's AI state. */
export const Mob = defineComponent({
  name: 'Mob',
  doc: 'A mob: its finite-state AI (state, timer, heading), ground contact and where it flees from.',
  fields: {
    state: { kind: 'u8', doc: 'MobState: 0 idle, 1 wander, 2 flee.' },
    timer: { kind: 'u16', doc: 'Ticks left in the state.' },
    heading: { kind: 'u16', doc: 'Walking direction, yaw steps.' },
    onGround: { kind: 'u8', doc: '1 when standing on a solid block after the last physics step.' },
    hurt: { kind: 'u8', doc: 'Ticks left in which hits are ignored (after a hit).' },
    fromX: { kind: 'f32', doc: 'x of the attacker when last hit, blocks (what it flees from).' },
    fromZ: { kind: 'f32', doc: 'z of the attacker when last hit, blocks.' },
  },
});

/** Fall tracking of players and mobs: the highest feet height since they last stood on the ground. */
export const Fall = defineComponent({
  name: 'Fall',
  doc: 'Highest feet y since the entity last stood on the ground; landing more than SAFE_FALL blocks below it hurts.',
  fields: {
    top: { kind: 'f32', doc: 'Highest feet y of the current fall, blocks.' },
  },
});

/** What an ItemDrop entity carries. */
export const Drop = defineComponent({
  name: 'Drop',
  doc: 'An item on the ground: which, how many, and ticks since it was dropped.',
  fields: {
    item: { kind: 'u16', doc: 'Block id of the item.' },
    count: { kind: 'u8', doc: 'How many, >= 1.' },
    age: { kind: 'u16', doc: 'Ticks since it was dropped (it vanishes at DROP_LIFETIME).' },
  },
});

/** Blocks a fall may drop without damage; each whole block beyond costs one health point. */
export const SAFE_FALL = 3;
/** Health of a new sheep and of a new pig. */
export const MOB_HEALTH: Readonly<Record<number, number>> = { [MobKind.Sheep]: 8, [MobKind.Pig]: 10 };
/** What each mob kind drops when it dies: item and count. */
export const MOB_DROPS: Readonly<Record<number, readonly [item: number, count: number]>> = {
  [MobKind.Sheep]: [MobBlock.Wool, 1], [MobKind.Pig]: [MobBlock.Pork, 1],
};
/** Damage of one hit. */
export const HIT_DAMAGE = 2;
/** Ticks a hit mob flees. */
export const FLEE_TICKS = 60;
/** Ticks after a hit in which further hits are ignored. */
export const HURT_TICKS = 5;
/** How far a player reaches to hit a mob: eye to the mob's box centre, blocks. */
export const ATTACK_REACH = 4;
/** Players within this distance (feet to feet, blocks) pick up a dropped item. */
export const PICKUP_RADIUS = 1.5;
/** Ticks a dropped item lies before it vanishes (5 minutes). */
export const DROP_LIFETIME = 6000;
/** A fall deeper than this many blocks ahead is a cliff a mob turns away from. */
export const CLIFF_DROP = 2;

/** Spawning and despawning limits, and the world clock (see {@link createMobSystems}). */
export interface MobOptions {
  /** Whether it is day at the tick (passive mobs spawn by day only). Default: always day. */
  isDay?: (world: GameWorld, tick: number) => boolean;
  /** Most mobs in the world (default 40). */
  globalCap?: number;
  /** Most mobs in one area of {@link MobOptions.areaSize} x areaSize block columns (default 4). */
  areaCap?: number;
  /** Side of a spawning area, blocks (default 16). */
  areaSize?: number;
  /** Mobs spawn within this many blocks of a player (x and z; default 24), never nearer than 8. */
  spawnRange?: number;
  /** A mob farther than this from every player (horizontally) despawns (default 96). */
  despawnRange?: number;
  /** Ticks between spawn attempts (one per player per attempt; default 20). */
  spawnEvery?: number;
  /** Where a dead player respawns (default: the centre of block (0, 0) on the surface). */
  respawnPoint?: (world: GameWorld) => { x: number; y: number; z: number };
}

const MOB_KINDS = [MobKind.Sheep, MobKind.Pig];
const isMob = (world: GameWorld, eid: number) => hasComponent(world.ecs, eid, storeOf(world.ecs, Mob));

/** The mobs in entity id order (the defined order systems iterate in). */
export function mobs(world: GameWorld): number[] {
  return [...query(world.ecs, [storeOf(world.ecs, Mob), world.ecs.stores.Transform])].sort((a, b) => a - b);
}

/** The dropped items in entity id order. */
export function drops(world: GameWorld): number[] {
  return [...query(world.ecs, [storeOf(world.ecs, Drop), world.ecs.stores.Transform])].sort((a, b) => a - b);
}

/** Spawns a mob of kind `kind` (Sheep or Pig) standing at (x, y, z), idle, at full health; returns its entity. */
export function spawnMob(world: GameWorld, kind: number, x: number, y: number, z: number): number {
  if (!MOB_KINDS.includes(kind as 10)) throw new RangeError(`${kind} is not a mob kind (${MOB_KINDS.join(', ')})`);
  const eid = spawnKind(world, kind, x, y, z);
  const s = world.ecs.stores, mob = storeOf(world.ecs, Mob), fall = storeOf(world.ecs, Fall);
  addComponent(world.ecs, eid, mob);
  addComponent(world.ecs, eid, fall);
  addComponent(world.ecs, eid, s.Health);
  mob.state[eid] = MobState.Idle; mob.timer[eid] = 20; mob.heading[eid] = 0; mob.onGround[eid] = 0; mob.hurt[eid] = 0;
  mob.fromX[eid] = x; mob.fromZ[eid] = z;
  fall.top[eid] = y;
  s.Health.current[eid] = MOB_HEALTH[kind]; s.Health.max[eid] = MOB_HEALTH[kind];
  return eid;
}

/** Drops `count` of `item` at (x, y, z) as an ItemDrop entity (HeldItem says the item to clients); returns it. */
export function dropItem(world: GameWorld, item: number, count: number, x: number, y: number, z: number): number {
  const eid = spawnKind(world, MobKind.ItemDrop, x, y, z);
  const d = storeOf(world.ecs, Drop), held = world.ecs.stores.HeldItem;
  addComponent(world.ecs, eid, d);
  d.item[eid] = item; d.count[eid] = count; d.age[eid] = 0;
  // Clients see which item it is through HeldItem (replicated to all); the count stays on the server.
  addComponent(world.ecs, eid, held);
  held.item[eid] = item;
  return eid;
}

const flag = (world: GameWorld, x: number, y: number, z: number, f: number) =>
  (world.voxels.blocks.flags[getBlock(world.voxels, x, y, z)] & f) !== 0;

/**
 * True when walking one block along `heading` from feet (x, y, z) leads into water or off a cliff (more than
 * {@link CLIFF_DROP} blocks down, unloaded ground included).
 */
export function dangerAhead(world: GameWorld, x: number, y: number, z: number, heading: number): boolean {
  const ax = Math.floor(x - sinStep(heading) * 0.9), az = Math.floor(z + cosStep(heading) * 0.9), fy = Math.floor(y + 0.01);
  for (let dy = 1; dy >= -CLIFF_DROP - 1; dy--) {
    if (flag(world, ax, fy + dy, az, BlockFlag.Liquid)) return true;
  }
  for (let dy = 0; dy <= CLIFF_DROP; dy++) if (flag(world, ax, fy - 1 - dy, az, BlockFlag.Solid)) return false;
  return true;
}

/** True when walking along `heading` from feet (x, y, z) meets a one-block step with two free blocks above it. */
export function stepAhead(world: GameWorld, x: number, y: number, z: number, heading: number): boolean {
  const ax = Math.floor(x - sinStep(heading) * 0.9), az = Math.floor(z + cosStep(heading) * 0.9), fy = Math.floor(y + 0.01);
  return flag(world, ax, fy, az, BlockFlag.Solid) && !flag(world, ax, fy + 1, az, BlockFlag.Solid) && !flag(world, ax, fy + 2, az, BlockFlag.Solid);
}

/** The heading (one of 16 evenly spaced) that points most nearly along (dx, dz); deterministic (no atan2). */
export function headingToward(dx: number, dz: number): number {
  let best = 0, bestDot = -Infinity;
  for (let i = 0; i < 16; i++) {
    const h = (i * YAW_STEPS) / 16;
    const dot = -sinStep(h) * dx + cosStep(h) * dz;
    if (dot > bestDot) { bestDot = dot; best = h; }
  }
  return best;
}

const body: Body = { x: 0, y: 0, z: 0, vx: 0, vy: 0, vz: 0, onGround: false };

/** Advances every mob's FSM one tick and moves it through the character controller (engine stepBody). */
export const mobAiSystem: System = {
  name: 'mob-ai',
  phase: 'physics',
  after: ['movement'],
  run(world, ctx) {
    const { Transform: t, Velocity: v } = world.ecs.stores;
    const m = storeOf(world.ecs, Mob);
    for (const eid of mobs(world)) {
      if (m.hurt[eid] > 0) m.hurt[eid]--;
      if (m.timer[eid] > 0) m.timer[eid]--;
      const state = m.state[eid];
      if (m.timer[eid] === 0) {
        if (state === MobState.Idle) {
          m.state[eid] = MobState.Wander; m.timer[eid] = ctx.rng.int(40, 100); m.heading[eid] = ctx.rng.int(0, YAW_STEPS - 1);
        } else {
          m.state[eid] = MobState.Idle; m.timer[eid] = ctx.rng.int(20, 80);
        }
      }
      let buttons = 0;
      if (m.state[eid] === MobState.Flee) m.heading[eid] = headingToward(t.x[eid] - m.fromX[eid], t.z[eid] - m.fromZ[eid]);
      if (m.state[eid] !== MobState.Idle) {
        if (m.onGround[eid] && dangerAhead(world, t.x[eid], t.y[eid], t.z[eid], m.heading[eid])) {
          // Turn away: a quarter or half turn, chosen by the rng; no step this tick.
          m.heading[eid] = (m.heading[eid] + YAW_STEPS / 4 * ctx.rng.int(1, 3)) % YAW_STEPS;
        } else {
          buttons = Button.Forward | (m.state[eid] === MobState.Flee ? Button.Sprint : 0);
        }
      }
      body.x = t.x[eid]; body.y = t.y[eid]; body.z = t.z[eid];
      body.vx = v.x[eid]; body.vy = v.y[eid]; body.vz = v.z[eid]; body.onGround = m.onGround[eid] === 1;
      // A one-block step ahead with room above it: jump onto it.
      if (buttons && body.onGround && stepAhead(world, t.x[eid], t.y[eid], t.z[eid], m.heading[eid])) buttons |= Button.Jump;
      const yaw = m.heading[eid];
      stepBody(world.voxels, body, { buttons, yaw });
      t.x[eid] = body.x; t.y[eid] = body.y; t.z[eid] = body.z; t.yaw[eid] = yaw;
      v.x[eid] = body.vx; v.y[eid] = body.vy; v.z[eid] = body.vz; m.onGround[eid] = body.onGround ? 1 : 0;
    }
  },
};

/** Fall damage of a fall of `blocks` blocks: none up to {@link SAFE_FALL}, then one point per whole block beyond. */
export function fallDamage(blocks: number): number {
  return Math.max(0, Math.floor(blocks + 1e-3) - SAFE_FALL);
}

/** Before physics: gives players Fall when first seen and raises each fall's top to the height before the step. */
export const fallTrackSystem: System = {
  name: 'fall-track',
  phase: 'pre-physics',
  run(world, ctx) {
    const s = world.ecs.stores, fall = storeOf(world.ecs, Fall);
    for (const eid of ctx.players) {
      if (!hasComponent(world.ecs, eid, fall)) { addComponent(world.ecs, eid, fall); fall.top[eid] = s.Transform.y[eid]; }
      if (s.Transform.y[eid] > fall.top[eid]) fall.top[eid] = s.Transform.y[eid];
    }
    for (const eid of mobs(world)) if (s.Transform.y[eid] > fall.top[eid]) fall.top[eid] = s.Transform.y[eid];
  },
};

/** After physics: hurts players and mobs that landed ({@link fallDamage} of the drop from the fall's top). */
export const fallDamageSystem: System = {
  name: 'fall-damage',
  phase: 'post-physics',
  run(world, ctx) {
    const s = world.ecs.stores, fall = storeOf(world.ecs, Fall), m = storeOf(world.ecs, Mob);
    for (const eid of ctx.players) if (hasComponent(world.ecs, eid, fall)) land(eid, s.Player.onGround[eid] === 1);
    for (const eid of mobs(world)) land(eid, m.onGround[eid] === 1);
    function land(eid: number, onGround: boolean): void {
      const y = s.Transform.y[eid];
      if (!onGround) return;
      const dmg = fallDamage(fall.top[eid] - y);
      fall.top[eid] = y;
      if (dmg > 0) s.Health.current[eid] = Math.max(0, s.Health.current[eid] - dmg);
    }
  },
};

/**
 * Player `eid` hits mob `target` (an entity id): refused unless the target is a live mob within
 * {@link ATTACK_REACH} of the eye with no solid block on the line between, and past its {@link HURT_TICKS}.
 * A hit costs {@link HIT_DAMAGE} health and makes the mob flee from the attacker for {@link FLEE_TICKS}.
 */
export function hitMob(world: GameWorld, eid: number, target: number): { ok: true } | { ok: false; reason: string } {
  const s = world.ecs.stores, t = s.Transform, m = storeOf(world.ecs, Mob);
  if (target <= 0 || !isMob(world, target)) return { ok: false, reason: 'no-target' };
  if (s.Health.current[eid] === 0) return { ok: false, reason: 'dead' };
  if (s.Health.current[target] === 0) return { ok: false, reason: 'no-target' };
  const ex = t.x[eid], ey = t.y[eid] + EYE_HEIGHT, ez = t.z[eid];
  const dx = t.x[target] - ex, dy = t.y[target] + 0.9 - ey, dz = t.z[target] - ez;
  const dist = Math.sqrt(dx * dx + dy * dy + dz * dz);
  if (dist > ATTACK_REACH) return { ok: false, reason: 'out-of-reach' };
  const steps = Math.ceil(dist / 0.1);
  for (let i = 1; i < steps; i++) {
    const f = i / steps;
    if (flag(world, Math.floor(ex + dx * f), Math.floor(ey + dy * f), Math.floor(ez + dz * f), BlockFlag.Solid)) return { ok: false, reason: 'blocked' };
  }
  if (m.hurt[target] > 0) return { ok: false, reason: 'cooldown' };
  s.Health.current[target] = Math.max(0, s.Health.current[target] - HIT_DAMAGE);
  m.hurt[target] = HURT_TICKS;
  m.state[target] = MobState.Flee; m.timer[target] = FLEE_TICKS;
  m.fromX[target] = t.x[eid]; m.fromZ[target] = t.z[eid];
  return { ok: true };
}

/** The entity with network id `netId`, 0 when none. */
export function entityOfNetId(world: GameWorld, netId: number): number {
  const s = world.ecs.stores;
  for (const eid of query(world.ecs, [s.NetworkId])) if (s.NetworkId.id[eid] === netId) return eid;
  return 0;
}

/**
 * Hit the mob with network id `target` (predicted action 20; the client's predicted world has no mobs, so its own
 * prediction refuses and the server decides). Changes only the target, so it writes none of the attacker's components.
 */
export const Attack = defineAction({
  id: 20, name: 'Attack', fields: [['target', 'u32']], writes: [],
  apply(world, eid, { target }) {
    return hitMob(world, eid, entityOfNetId(world, target));
  },
});

/**
 * Deaths: a mob at 0 health is removed and drops its item; a player at 0 health respawns at the respawn point with
 * full health.
 */
export function deathSystem(respawnPoint: NonNullable<MobOptions['respawnPoint']>): System {
  return {
    name: 'deaths',
    phase: 'rules',
    after: ['user-actions'],
    run(world, ctx) {
      const s = world.ecs.stores, fall = storeOf(world.ecs, Fall);
      for (const eid of mobs(world)) {
        if (s.Health.current[eid] > 0) continue;
        const [item, count] = MOB_DROPS[s.EntityKind.kind[eid]] ?? [0, 0];
        const x = s.Transform.x[eid], y = s.Transform.y[eid], z = s.Transform.z[eid];
        removeEntity(world.ecs, eid);
        if (count) dropItem(world, item, count, x, y, z);
      }
      for (const eid of ctx.players) {
        if (s.Health.current[eid] > 0) continue;
        const p = respawnPoint(world);
        s.Transform.x[eid] = p.x; s.Transform.y[eid] = p.y; s.Transform.z[eid] = p.z;
        s.Velocity.x[eid] = 0; s.Velocity.y[eid] = 0; s.Velocity.z[eid] = 0;
        s.Health.current[eid] = s.Health.max[eid];
        if (hasComponent(world.ecs, eid, fall)) fall.top[eid] = p.y;
      }
    },
  };
}

/**
 * Dropped items fall (the character controller with no input: gravity and collision) and players within
 * {@link PICKUP_RADIUS} pick them up (engine giveItem); old drops vanish.
 */
export const pickupSystem: System = {
  name: 'item-pickup',
  phase: 'rules',
  after: ['deaths'],
  run(world, ctx) {
    const s = world.ecs.stores, t = s.Transform, v = s.Velocity, d = storeOf(world.ecs, Drop);
    for (const eid of drops(world)) {
      body.x = t.x[eid]; body.y = t.y[eid]; body.z = t.z[eid]; body.vx = 0; body.vy = v.y[eid]; body.vz = 0; body.onGround = false;
      stepBody(world.voxels, body, { buttons: 0, yaw: 0 });
      t.y[eid] = body.y; v.y[eid] = body.vy;
      for (const p of ctx.players) {
        if (d.count[eid] === 0 || s.Health.current[p] === 0) break;
        const dx = t.x[p] - t.x[eid], dy = t.y[p] - t.y[eid], dz = t.z[p] - t.z[eid];
        if (dx * dx + dy * dy + dz * dz > PICKUP_RADIUS * PICKUP_RADIUS) continue;
        while (d.count[eid] > 0 && giveItem(s, p, d.item[eid])) d.count[eid]--;
      }
      if (d.count[eid] === 0 || ++d.age[eid] >= DROP_LIFETIME) removeEntity(world.ecs, eid);
    }
  },
};

/** True when nothing opaque is above block (x, y, z): full sky light (engine light's `sky` is 15 there). */
export function openToSky(world: GameWorld, x: number, y: number, z: number): boolean {
  for (let h = y; h < world.voxels.height; h++) if (flag(world, x, h, z, BlockFlag.Opaque)) return false;
  return true;
}

/** Spawns passive mobs near players by day and despawns those far from every player (see {@link MobOptions}). */
export function mobSpawnSystem(o: Required<Omit<MobOptions, 'respawnPoint'>>): System {
  return {
    name: 'mob-spawn',
    phase: 'post-tick',
    run(world, ctx) {
      const t = world.ecs.stores.Transform;
      const list = mobs(world);
      // Despawn: beyond despawnRange of every player.
      const r2 = o.despawnRange * o.despawnRange;
      for (const eid of list) {
        let near = false;
        for (const p of ctx.players) {
          const dx = t.x[p] - t.x[eid], dz = t.z[p] - t.z[eid];
          if (dx * dx + dz * dz <= r2) { near = true; break; }
        }
        if (!near) removeEntity(world.ecs, eid);
      }
      if (ctx.tick % o.spawnEvery !== 0 || !o.isDay(world, ctx.tick)) return;
      let alive = mobs(world);
      for (const p of ctx.players) {
        if (alive.length >= o.globalCap) return;
        const dx = ctx.rng.int(-o.spawnRange, o.spawnRange), dz = ctx.rng.int(-o.spawnRange, o.spawnRange);
        const kind = MOB_KINDS[ctx.rng.int(0, MOB_KINDS.length - 1)];
        if (dx * dx + dz * dz < 64) continue;
        const x = Math.floor(t.x[p]) + dx, z = Math.floor(t.z[p]) + dz;
        if (!isLoaded(world.voxels, x, 0, z)) continue;
        const y = surfaceY(world, x, z);
        if (y <= 0 || y + 2 > world.voxels.height) continue;
        if (!flag(world, x, y - 1, z, BlockFlag.Solid) || flag(world, x, y - 1, z, BlockFlag.Liquid)) continue;
        if (flag(world, x, y, z, BlockFlag.Solid | BlockFlag.Liquid) || flag(world, x, y + 1, z, BlockFlag.Solid | BlockFlag.Liquid)) continue;
        if (!openToSky(world, x, y, z)) continue;
        const ax = Math.floor(x / o.areaSize), az = Math.floor(z / o.areaSize);
        const inArea = alive.filter((e) => Math.floor(t.x[e] / o.areaSize) === ax && Math.floor(t.z[e] / o.areaSize) === az).length;
        if (inArea >= o.areaCap) continue;
        spawnMob(world, kind, x + 0.5, y, z + 0.5);
        alive = mobs(world);
      }
    },
  };
}

/**
 * The mob and health systems, to add to a server's (or a sim's) systems: `mob-ai`, `fall-damage`, `deaths`,
 * `item-pickup`, `mob-spawn`, `fall-track`. The world clock comes in through `isDay` (default: always day).
 */
export function createMobSystems(options: MobOptions = {}): System[] {
  const o = {
    isDay: options.isDay ?? (() => true), globalCap: options.globalCap ?? 40, areaCap: options.areaCap ?? 4, areaSize: options.areaSize ?? 16,
    spawnRange: options.spawnRange ?? 24, despawnRange: options.despawnRange ?? 96, spawnEvery: options.spawnEvery ?? 20,
  };
  const respawn = options.respawnPoint ?? ((world: GameWorld) => ({ x: 0.5, y: surfaceY(world, 0, 0), z: 0.5 }));
  return [mobAiSystem, fallTrackSystem, fallDamageSystem, deathSystem(respawn), pickupSystem, mobSpawnSystem(o)];
}
