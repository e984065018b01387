import { describe, expect, it } from 'vitest';
import { query } from 'bitecs';
import { Block, DEFAULT_SUPERFLAT, HOTBAR_SLOTS, componentLayout, createGameWorld, encodeActionPayload, gameSchedule, generateColumnsSync, setBlock, spawnPlayer, squareAround, stateHash, stepWorld, storeOf, surfaceY, type GameWorld, type PlayerInput } from '../../engine/index.ts';
import { diffEventStreams } from '../../engine/replay/diff.ts';
import { clientBot } from '../../game/client/bot.ts';
import { Attack, Drop, dropItem, FLEE_TICKS, HURT_TICKS, Mob, MobBlock, MobKind, MobState, createMobSystems, dangerAhead, drops, fallDamage, mobs, spawnMob } from '../../game/mobs.ts';
import { GAME_PROTOCOL } from '../../game/protocol.ts';
import { replaySession } from '../../game/worldtest/replay.ts';
import { createStepper } from '../support/stepper.ts';
import { gameStepper } from '../support/game-stepper.ts';

/** A superflat world with the game's components; mob spawning off unless `spawn`. */
function world(spawn = false): { w: GameWorld; step: (inputs?: Map<number, PlayerInput>) => void } {
  const w = createGameWorld({ seed: 7, components: componentLayout(GAME_PROTOCOL), columnSections: 4 });
  generateColumnsSync(w.voxels, DEFAULT_SUPERFLAT, squareAround(0, 0, 2));
  const schedule = gameSchedule(createMobSystems(spawn ? {} : { globalCap: 0 }), GAME_PROTOCOL.actions);
  return { w, step: (inputs = new Map()) => stepWorld(w, inputs, schedule) };
}

const ground = (w: GameWorld) => surfaceY(w, 0, 0);

describe('fall damage', () => {
  it('follows the table: up to 3 blocks nothing, then one point per block', () => {
    expect([0, 1, 2, 3, 3.5, 4, 5, 6, 10, 23].map(fallDamage)).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 7, 20]);
  });

  it.each([[2, 0], [3, 0], [4, 1], [6, 3], [10, 7]])('a player dropped from %i blocks loses %i health', (h, lost) => {
    const { w, step } = world();
    const eid = spawnPlayer(w, 0.5, ground(w) + h, 0.5, [], 1);
    for (let i = 0; i < 40; i++) step();
    expect(w.ecs.stores.Player.onGround[eid]).toBe(1);
    expect(w.ecs.stores.Health.current[eid]).toBe(20 - lost);
  });

  it('a fall to 0 health respawns the player at the spawn point with full health', () => {
    const { w, step } = world();
    const eid = spawnPlayer(w, 20.5, ground(w) + 30, 20.5, [], 1);
    for (let i = 0; i < 60; i++) step();
    const s = w.ecs.stores;
    expect(s.Health.current[eid]).toBe(20);
    expect([s.Transform.x[eid], s.Transform.z[eid]]).toEqual([0.5, 0.5]);
  });
});

describe('hitting a mob', () => {
  it('makes it flee and lose health; at 0 it dies and drops wool, which the player picks up', () => {
    const { w, step } = world();
    const y = ground(w);
    const player = spawnPlayer(w, 0.5, y, 0.5, [], 1);
    const sheep = spawnMob(w, MobKind.Sheep, 0.5, y, 2.5);
    const s = w.ecs.stores, m = storeOf(w.ecs, Mob);
    const netId = s.NetworkId.id[sheep];
    const attack = (target = netId) => new Map([[player, { tick: w.tick, buttons: 0, yaw: 0, pitch: 0, actions: [{ id: Attack.id, data: encodeActionPayload(Attack, { target }) }] }]]);
    const outcomes: boolean[] = [];
    w.events.on('UserAction', (e) => outcomes.push(e.ok));

    step(attack());
    expect(outcomes).toEqual([true]);
    expect(s.Health.current[sheep]).toBe(6);
    expect(m.state[sheep]).toBe(MobState.Flee);
    // It runs away from the attacker (towards +z here).
    const z0 = s.Transform.z[sheep];
    step(attack()); // within HURT_TICKS: ignored
    expect(outcomes).toEqual([true, false]);
    for (let i = 0; i < 10; i++) step();
    expect(s.Transform.z[sheep]).toBeGreaterThan(z0 + 2);
    expect(m.state[sheep]).toBe(MobState.Flee);
    // Out of reach now.
    step(attack());
    expect(outcomes.at(-1)).toBe(false);
    for (let i = 0; i < FLEE_TICKS; i++) step();
    expect(m.state[sheep]).not.toBe(MobState.Flee);

    // Bring it back in front of the player, at rest, and hit it to death.
    s.Transform.x[sheep] = 0.5; s.Transform.z[sheep] = 2.5; s.Transform.y[sheep] = y;
    let hits = 1;
    while (mobs(w).length) {
      s.Transform.x[sheep] = 0.5; s.Transform.z[sheep] = 2.5; s.Velocity.x[sheep] = 0; s.Velocity.z[sheep] = 0;
      step(attack());
      hits++;
      for (let i = 0; i < HURT_TICKS; i++) step();
      expect(hits).toBeLessThan(10);
    }
    expect(hits).toBe(4); // 8 health, 2 per hit
    const [drop] = drops(w);
    expect(drop).toBeGreaterThan(0);
    expect(s.EntityKind.kind[drop]).toBe(MobKind.ItemDrop);
    expect(storeOf(w.ecs, Drop).item[drop]).toBe(MobBlock.Wool);
    // Walk onto it: picked up into the hotbar through giveItem, and gone.
    const walk = new Map([[player, { tick: 0, buttons: 1, yaw: 0, pitch: 0 }]]);
    for (let i = 0; i < 10 && drops(w).length; i++) step(walk);
    expect(drops(w)).toEqual([]);
    const slots = Array.from({ length: HOTBAR_SLOTS }, (_, i) => s.Inventory.item[player * HOTBAR_SLOTS + i]);
    expect(slots).toContain(MobBlock.Wool);
  });

  it('is refused through a wall', () => {
    const { w, step } = world();
    const y = ground(w);
    const player = spawnPlayer(w, 0.5, y, 0.5, [], 1);
    const pig = spawnMob(w, MobKind.Pig, 0.5, y, 3.5);
    setBlock(w.voxels, 0, y, 2, Block.Stone); setBlock(w.voxels, 0, y + 1, 2, Block.Stone);
    const reasons: string[] = [];
    w.events.on('UserAction', (e) => reasons.push(e.reason));
    step(new Map([[player, { tick: 0, buttons: 0, yaw: 0, pitch: 0, actions: [{ id: Attack.id, data: encodeActionPayload(Attack, { target: w.ecs.stores.NetworkId.id[pig] }) }] }]]));
    expect(reasons).toEqual(['blocked']);
    expect(w.ecs.stores.Health.current[pig]).toBe(10);
  });
});

describe('mob AI', () => {
  it('sees cliffs and water ahead', () => {
    const { w } = world();
    const y = ground(w);
    expect(dangerAhead(w, 0.5, y, 0.5, 0)).toBe(false);
    setBlock(w.voxels, 0, y - 1, 1, Block.Water);
    expect(dangerAhead(w, 0.5, y, 0.5, 0)).toBe(true);
    for (let d = 1; d <= 3; d++) setBlock(w.voxels, 5, y - d, 1, Block.Air);
    expect(dangerAhead(w, 5.5, y, 0.5, 0)).toBe(true);
    setBlock(w.voxels, 5, y - 3, 1, Block.Stone); // a drop of 2: walkable
    expect(dangerAhead(w, 5.5, y, 0.5, 0)).toBe(false);
  });

  it('never walks a mob off a pit edge or into water', () => {
    const { w, step } = world();
    const y = ground(w);
    // A 3x3 island of ground in a moat of water and a deep pit.
    for (let x = -6; x <= 6; x++) for (let z = -6; z <= 6; z++) {
      if (Math.abs(x) <= 1 && Math.abs(z) <= 1) continue;
      if (x < 0) setBlock(w.voxels, x, y - 1, z, Block.Water);
      else for (let d = 1; d <= y; d++) setBlock(w.voxels, x, y - d, z, Block.Air);
    }
    const sheep = spawnMob(w, MobKind.Sheep, 0.5, y, 0.5);
    spawnPlayer(w, 0.5, y + 20, 40.5, [], 1); // someone near, so it does not despawn
    const m = storeOf(w.ecs, Mob);
    let wandered = 0;
    for (let i = 0; i < 1000; i++) {
      step();
      if (m.state[sheep] === MobState.Wander) wandered++;
      const t = w.ecs.stores.Transform;
      expect(Math.abs(t.x[sheep] - 0.5)).toBeLessThan(2);
      expect(Math.abs(t.z[sheep] - 0.5)).toBeLessThan(2);
      expect(t.y[sheep]).toBe(y);
    }
    expect(wandered).toBeGreaterThan(100);
  });

  it('spawns by day near players within the caps, never by night, and despawns far from every player', () => {
    for (const day of [true, false]) {
      const w = createGameWorld({ seed: 3, components: componentLayout(GAME_PROTOCOL), columnSections: 4 });
      generateColumnsSync(w.voxels, DEFAULT_SUPERFLAT, squareAround(0, 0, 2));
      const schedule = gameSchedule(createMobSystems({ isDay: () => day, globalCap: 6, areaCap: 2 }), GAME_PROTOCOL.actions);
      const p = spawnPlayer(w, 0.5, surfaceY(w, 0, 0), 0.5, [], 1);
      for (let i = 0; i < 2000; i++) stepWorld(w, new Map(), schedule);
      const list = mobs(w);
      if (!day) { expect(list).toEqual([]); continue; }
      expect(list.length).toBe(6);
      const t = w.ecs.stores.Transform;
      const areas = new Map<string, number>();
      for (const e of list) {
        const key = `${Math.floor(t.x[e] / 16)},${Math.floor(t.z[e] / 16)}`;
        areas.set(key, (areas.get(key) ?? 0) + 1);
        expect([MobKind.Sheep, MobKind.Pig]).toContain(w.ecs.stores.EntityKind.kind[e]);
      }
      expect(Math.max(...areas.values())).toBeLessThanOrEqual(2);
      // The player goes far away: every mob despawns.
      t.x[p] = 200;
      stepWorld(w, new Map(), schedule);
      expect(mobs(w)).toEqual([]);
    }
  });

  it('runs identically on the server over the loopback stepper and in the replay of its input logs', async () => {
    // The game's server, as `serve` runs it: the sky host (its entity first), the mobs and backpacks (replaySession
    // runs their systems too).
    const { st, rec, hasher } = await gameStepper();
    const a = st.addClient(clientBot(1, 20), { latencyMs: 50, jitterMs: 10, loss: 0.02 });
    st.step(500);
    rec().finish(st.server.world);
    const live = st.server.world;
    const seen = mobs(live);
    expect(seen.length).toBeGreaterThan(3);
    // The client has them as remote entities of their kinds.
    const kinds = [...a.client.remotes.values()].map((r) => r.kind);
    expect(kinds.some((k) => k === MobKind.Sheep || k === MobKind.Pig)).toBe(true);
    const replay = replaySession(rec().info, rec().inputs, hasher);
    expect(diffEventStreams({ header: rec().header, events: rec().events }, { header: replay.header, events: replay.events }).differences).toEqual([]);
    const pose = (w: GameWorld) => mobs(w).map((e) => [w.ecs.stores.NetworkId.id[e], w.ecs.stores.Transform.x[e], w.ecs.stores.Transform.z[e], storeOf(w.ecs, Mob).state[e]]);
    expect(pose(replay.world)).toEqual(pose(live));
    expect(stateHash(hasher, replay.world)).toBe(stateHash(hasher, live));
    expect([...query(live.ecs, [storeOf(live.ecs, Mob)])].length).toBe(seen.length);
  });
});

describe('mobs and health through the client', () => {
  it('a client hits a mob with the Attack action; its health replicates; the own health reaches the client', async () => {
    const st = await createStepper({ game: { systems: createMobSystems({ globalCap: 0 }) } });
    const a = st.addClient(() => ({ buttons: 0, yaw: 0, pitch: 0 }), { latencyMs: 30 });
    st.step(40);
    const w = st.server.world, s = w.ecs.stores;
    const player = [...st.server.players.values()][0].eid;
    const sheep = spawnMob(w, MobKind.Sheep, s.Transform.x[player], s.Transform.y[player], s.Transform.z[player] + 2);
    const netId = s.NetworkId.id[sheep];
    st.step(10);
    expect(a.client.remotes.get(netId)?.kind).toBe(MobKind.Sheep);
    expect(a.client.remoteValues(netId, 'Health')?.current).toBe(8);
    a.client.act(Attack, { target: netId });
    st.step(10);
    expect(s.Health.current[sheep]).toBe(6);
    expect(storeOf(w.ecs, Mob).state[sheep]).toBe(MobState.Flee);
    expect(a.client.remoteValues(netId, 'Health')?.current).toBe(6);
    // The player's own health, changed on the server, reaches its client (OwnState).
    expect(a.client.own('Health')?.current).toBe(20);
    s.Health.current[player] = 13;
    st.step(10);
    expect(a.client.own('Health')?.current).toBe(13);
  });
});

describe('dropped items', () => {
  it('fall to the ground', () => {
    const { w, step } = world();
    const y = ground(w);
    spawnPlayer(w, 30.5, y, 30.5, [], 1);
    const d = dropItem(w, MobBlock.Pork, 1, 0.5, y + 5, 0.5);
    for (let i = 0; i < 30; i++) step();
    expect(w.ecs.stores.Transform.y[d]).toBe(y);
    expect(drops(w)).toEqual([d]);
  });
});
