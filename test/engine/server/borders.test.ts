import { describe, expect, it } from 'vitest';
import type { PlayerInput } from '../../../engine/input.ts';
import { createManualScheduler } from '../../../engine/net/scheduler.ts';
import type { TransportSession } from '../../../engine/net/transport.ts';
import type { Pose } from '../../../engine/prediction/interpolation.ts';
import { createEntityLayout, quantizeField } from '../../../engine/replication/entity-layout.ts';
import { createGameServer, type GameServerOptions } from '../../../engine/server/game-server.ts';
import { TICK_MS } from '../../../engine/tick.ts';
import { SPRINT_SPEED } from '../../../engine/physics/controller.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { DEFAULT_SUPERFLAT } from '../../../engine/voxel/terrain/generator.ts';
import { getBlock } from '../../../engine/voxel/voxel-world.ts';
import { MobKind } from '../../../game/mobs.ts';
import { GAME_PROTOCOL } from '../../../game/protocol.ts';
import { loadCodecDeps } from '../../support/codec-deps.ts';
import { createTwoShards } from '../../support/two-shards.ts';
import { createStepper } from '../../support/stepper.ts';
import { entityWithNetId } from '../../../engine/server/server-handoff.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });
const layout = createEntityLayout(GAME_PROTOCOL);

/** A layout state at (x, y, z) moving at `vx` blocks per second along x, every other field zero. */
function stateAt(x: number, y: number, z: number, vx = 0) {
  const v = layout.zero.v.slice();
  const m = layout.motion;
  v[m.vx] = quantizeField(layout.fields[m.vx], vx);
  v[m.x] = quantizeField(layout.fields[m.x], x);
  v[m.y] = quantizeField(layout.fields[m.y], y);
  v[m.z] = quantizeField(layout.fields[m.z], z);
  return { id: 0, v };
}

const ofId = (events: Array<[string, unknown]>, name: string, id: number) => events.filter(([n, p]) => n === name && (p as { id: number }).id === id);

describe('borders: ghosts and remote edits', () => {
  it('a ghost updated every tick is spawned and drawn exactly as a real entity moving the same way, and despawned when removed', async () => {
    const rig = await createTwoShards({ handOff: false });
    const c = rig.addClient('viewer', idle);
    rig.step(30);
    const id = 5_000_000;
    const real = rig.A.spawnEntity('Sheep', 4, 7, 5.5);
    const realId = rig.A.world.ecs.stores.NetworkId.id[real];
    const t3 = rig.A.world.ecs.stores.Transform, v3 = rig.A.world.ecs.stores.Velocity;
    const SPEED = 4; // blocks per second
    const pose: Pose = { x: 0, y: 0, z: 0, yaw: 0 }, other: Pose = { ...pose };
    let prev: Pose | undefined, maxStep = 0, frames = 0, maxApart = 0;
    for (let t = 0; t < 60; t++) {
      const x = 4 + (SPEED * t) / 20;
      rig.A.setGhost(id, { kind: MobKind.Sheep, name: '', state: stateAt(x, 7, 3.5, SPEED) });
      t3.x[real] = x; t3.y[real] = 7; v3.x[real] = SPEED;
      for (let f = 0; f < 3; f++) {
        rig.scheduler.advance(TICK_MS / 3);
        if (!c.client.sampleRemote(id, pose) || !c.client.sampleRemote(realId, other)) continue;
        if (prev) maxStep = Math.max(maxStep, Math.hypot(pose.x - prev.x, pose.z - prev.z));
        maxApart = Math.max(maxApart, Math.abs(pose.x - other.x));
        prev = { ...pose };
        frames++;
      }
    }
    expect(ofId(c.events, 'EntitySpawned', id)).toHaveLength(1);
    expect(frames).toBeGreaterThan(150);
    expect(maxStep).toBeGreaterThan(0);
    expect(maxStep).toBeLessThanOrEqual(SPRINT_SPEED * (TICK_MS / 3000) + 1e-6);
    expect(maxApart).toBeLessThan(1e-3);
    expect(pose.x).toBeGreaterThan(12);
    expect(c.client.remotes.get(id)?.kind).toBe(MobKind.Sheep);
    rig.A.removeGhost(id);
    rig.step(3);
    expect(ofId(c.events, 'EntityDespawned', id)).toHaveLength(1);
    expect(() => rig.A.setGhost(0, { kind: MobKind.Sheep, name: '', state: stateAt(0, 7, 0) })).toThrow(/netId must be an integer/);
    expect(() => rig.A.setGhost(7, { kind: 999, name: '', state: stateAt(0, 7, 0) })).toThrow(/no entity kind 999/);
    expect(() => rig.A.setGhost(7, { kind: MobKind.Sheep, name: '', state: { id: 7, v: [1] } })).toThrow(/fields/);
  });

  it("a neighbour's edits are applied at the next tick, not stored, and reach this server's clients as section updates", async () => {
    const rig = await createTwoShards({ handOff: false });
    const c = rig.addClient('viewer', idle);
    rig.step(40);
    const stored = rig.A.counters.editsStored;
    rig.A.applyRemoteEdits([{ x: 13, y: 7, z: 2, block: Block.Planks }, { x: 14, y: 7, z: 2, block: Block.Planks }]);
    expect(getBlock(rig.A.world.voxels, 13, 7, 2)).toBe(Block.Air); // queued, not applied between ticks
    rig.step(1);
    expect(getBlock(rig.A.world.voxels, 13, 7, 2)).toBe(Block.Planks);
    rig.step(6);
    expect(getBlock(c.client.world.voxels, 13, 7, 2)).toBe(Block.Planks);
    expect(getBlock(c.client.world.voxels, 14, 7, 2)).toBe(Block.Planks);
    expect(c.events.filter(([n, p]) => n === 'BlockChanged' && (p as { x: number }).x === 13)).toHaveLength(1);
    expect(rig.A.counters.editsStored).toBe(stored);
    expect(() => rig.A.applyRemoteEdits([{ x: 1.5, y: 7, z: 2, block: 1 }])).toThrow(/x must be an integer/);
    expect(() => rig.A.applyRemoteEdits([{ x: 1, y: 7, z: 2, block: 70000 }])).toThrow(/block must be in 0\.\.65535/);
  });

  it('a mob exported by one server and adopted by the other stays in view without a despawn', async () => {
    const rig = await createTwoShards({ handOff: false });
    const c = rig.addClient('viewer', idle);
    rig.step(30);
    const eid = rig.A.spawnEntity('Sheep', 13.5, 7, 3.5);
    rig.step(4);
    const id = rig.A.world.ecs.stores.NetworkId.id[eid];
    expect(ofId(c.events, 'EntitySpawned', id)).toHaveLength(1);
    const state = rig.A.exportEntity(eid);
    expect(rig.B.adoptEntity(state)).toBe(id);
    expect(() => rig.B.adoptEntity(state)).toThrow(/already alive/);
    rig.step(10);
    const onB = rig.B.borderEntities(() => true).find((e) => e.netId === id);
    expect(onB?.kind).toBe(MobKind.Sheep);
    expect(onB?.state.v).toHaveLength(rig.B.entityLayout.fields.length);
    expect(rig.B.entityLayout.fields.map((f) => `${f.component}.${f.field}`)).toEqual(layout.fields.map((f) => `${f.component}.${f.field}`));
    expect(rig.A.borderEntities(() => true).some((e) => e.netId === id)).toBe(false);
    expect(entityWithNetId(rig.A.world, id)).toBe(-1);
    expect(rig.B.world.ecs.stores.EntityKind.kind[entityWithNetId(rig.B.world, id)]).toBe(MobKind.Sheep);
    expect(ofId(c.events, 'EntityDespawned', id)).toEqual([]);
    expect(c.client.remotes.has(id)).toBe(true);
    expect(() => rig.A.exportEntity([...rig.A.players.values()][0].eid)).toThrow(/a player's/);
  });
});

describe('handed-over sessions that cannot be adopted', () => {
  it('a state that does not decode closes only that session, with the reason', async () => {
    const rig = await createTwoShards({ handOff: false });
    const other = rig.addClient('other', idle, 'B');
    rig.step(20);
    const closed: string[] = [];
    const fake: TransportSession = {
      reliableDatagrams: true, maxDatagramSize: 1200, resume: Uint8Array.of(1, 2, 3),
      sendDatagram() {}, openStream: () => ({ kind: 'uni', local: true, buffered: 0, write() {}, end() {}, setHandlers() {} }),
      setHandlers() {}, close: (info) => closed.push(info.reason),
    };
    rig.B.net.accept(fake);
    rig.step(2);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatch(/hand-off refused: hand-off state/);
    expect(other.client.net.state).toBe('active');
    expect(rig.B.players.size).toBe(1);
  });

  it('a player whose network id is alive on the receiver is refused there; the receiver\'s players stay', async () => {
    const rig = await createTwoShards({ handOff: false, more: () => ({ netIdBase: 1 }) });
    const mover = rig.addClient('mover', idle, 'A');
    const stay = rig.addClient('stay', idle, 'B');
    rig.step(30);
    expect(mover.client.selfId).toBe(stay.client.selfId); // both 1: the ranges overlap on purpose
    rig.A.handOff([...rig.A.players.values()][0].session.id, 'B');
    rig.step(5);
    expect(mover.client.net.state).not.toBe('active');
    expect(rig.logs.some((l) => /B warn .*hand-off refused: .*network id 1 is already alive/.test(l))).toBe(true);
    expect(stay.client.net.state).toBe('active');
    expect(rig.B.players.size).toBe(1);
    expect(rig.A.players.size).toBe(0);
  });

  it('handOff on a session whose transport cannot move throws and changes nothing', async () => {
    const st = await createStepper();
    const c = st.addClient(idle);
    st.step(20);
    const p = [...st.server.players.values()][0];
    expect(() => st.server.handOff(999, 'B')).toThrow(/no player with session 999/);
    expect(() => st.server.handOff(p.session.id, 'B')).toThrow(/cannot move: its transport has no moveTo/);
    st.step(5);
    expect(st.server.players.get(p.session.id)).toBe(p);
    expect(st.server.counters.handoffsOut).toBe(0);
    expect(c.client.net.state).toBe('active');
  });
});

/** One server on a manual clock (no clients), with `more` options. */
async function oneServer(more: Partial<GameServerOptions>, wallOffset = 0) {
  const codec = (await loadCodecDeps()).node;
  const scheduler = createManualScheduler();
  const server = createGameServer({
    scheduler, protocol: GAME_PROTOCOL, codec, terrain: DEFAULT_SUPERFLAT, worldRadius: 1, columnSections: 4, store: null, adminToken: 'a', log: () => {},
    wallClock: () => wallOffset + scheduler.now(), ...more,
  });
  await server.init();
  return { server, scheduler, close: () => server.stop('done') };
}

describe('onTickEnd', () => {
  it('runs after every tick, loop or tick(), until removed; a handler that throws is logged and the loop goes on', async () => {
    const st = await createStepper();
    const seen: number[] = [];
    const off = st.server.onTickEnd(() => seen.push(st.server.world.tick));
    const offBad = st.server.onTickEnd(() => { throw new Error('boom'); });
    st.step(3);
    st.server.tick();
    expect(seen).toEqual([1, 2, 3, 4]);
    off();
    offBad();
    st.step(2);
    expect(seen).toHaveLength(4);
    expect(st.server.world.tick).toBe(6);
    expect(st.serverLog.filter((l) => /error an onTickEnd handler failed after tick \d+: boom/.test(l))).toHaveLength(4);
  });
});

describe('network id ranges and the tick epoch', () => {
  it('netIdBase sets the first network id and rejects values outside 1..2^30', async () => {
    const rig = await createTwoShards({ handOff: false });
    const onB = rig.addClient('b', idle, 'B');
    rig.step(20);
    expect(onB.client.selfId).toBe(1_000_000);
    for (const bad of [0, -1, 1.5, 2 ** 30 + 1, Number.NaN]) {
      await expect(oneServer({ netIdBase: bad })).rejects.toThrow(/netIdBase must be an integer in 1\.\.1073741824/);
    }
    const { server, close } = await oneServer({ netIdBase: 2 ** 30 });
    expect(server.world.ecs.stores.NetworkId.id[server.spawnEntity('Sheep', 0.5, 7, 0.5)]).toBe(2 ** 30);
    close();
  });

  it('tickEpochMs: start takes the next tick due and runs it on time; servers started apart tick in step', async () => {
    for (const bad of [-1, Number.NaN, Infinity]) {
      await expect(oneServer({ tickEpochMs: bad })).rejects.toThrow(/tickEpochMs must be a finite number/);
    }
    await expect(oneServer({ tickEpochMs: 0, wallClock: 5 as unknown as () => number })).rejects.toThrow(/wallClock must be a function/);
    const codec = (await loadCodecDeps()).node;
    const scheduler = createManualScheduler();
    const make = () => createGameServer({
      scheduler, protocol: GAME_PROTOCOL, codec, terrain: DEFAULT_SUPERFLAT, worldRadius: 1, columnSections: 4, store: null, adminToken: 'a', log: () => {},
      tickEpochMs: 1_000_000, wallClock: () => 2_000_030 + scheduler.now(),
    });
    const a = make(), b = make();
    await a.init();
    await b.init();
    a.start();
    // Wall 2_000_030: tick 20_001 (at 2_000_050) is due in 20 ms.
    expect(a.world.tick).toBe(20_001);
    scheduler.advance(19);
    expect(a.world.tick).toBe(20_001);
    scheduler.advance(1);
    expect(a.world.tick).toBe(20_002);
    scheduler.advance(17); // b starts mid-tick, 37 ms later
    b.start();
    expect(b.world.tick).toBe(20_002);
    for (let i = 0; i < 10; i++) {
      scheduler.advance(33);
      expect(b.world.tick).toBe(a.world.tick);
      scheduler.advance(17);
      expect(b.world.tick).toBe(a.world.tick);
    }
    expect(a.world.tick).toBe(20_012);
    a.stop('done');
    b.stop('done');
  });
});
