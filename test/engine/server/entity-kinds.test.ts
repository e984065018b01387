/**
 * Replication of any entity of a registered kind (not only players), by interest, and of owner-only components to
 * their owner alone: over the loopback transport on the manual clock.
 */
import { addComponent } from 'bitecs';
import { describe, expect, it } from 'vitest';
import { defineComponent } from '../../../engine/ecs/schema.ts';
import { storeOf } from '../../../engine/ecs/world.ts';
import type { PlayerInput } from '../../../engine/input.ts';
import { BUILTIN_COMPONENTS, replicated } from '../../../engine/protocol/component-spec.ts';
import { BUILTIN_ACTIONS, BUILTIN_ENTITY_KINDS, defineProtocol } from '../../../engine/protocol/define.ts';
import { DEFAULT_BLOCKS } from '../../../engine/voxel/blocks.ts';
import type { GameServer } from '../../../engine/server/game-server.ts';
import { createStepper, type StepperClient } from '../../support/stepper.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });

const Mana = defineComponent({
  name: 'Mana',
  doc: 'Magic points.',
  fields: { current: { kind: 'u16', doc: 'Mana now.' } },
});

const PROTOCOL = defineProtocol({
  blocks: DEFAULT_BLOCKS,
  components: [...BUILTIN_COMPONENTS, replicated(32, Mana, { to: 'owner' })],
  entities: [...BUILTIN_ENTITY_KINDS, { id: 3, name: 'Zombie' }],
  actions: BUILTIN_ACTIONS,
});

/** The server world's Mana store (the world lays out the definition's user components after the engine's). */
function addManaStore(server: GameServer) {
  return storeOf(server.world.ecs, Mana);
}

const spawnEvents = (c: StepperClient) => c.events
  .filter(([n]) => n === 'EntitySpawned' || n === 'EntityDespawned')
  .map(([n, e]) => `${n === 'EntitySpawned' ? '+' : '-'}${(e as { id: number }).id}`);

describe('entities of any registered kind', () => {
  it('a zombie spawns on a client within view, is updated and interpolated, and despawns out of view or when removed', async () => {
    const st = await createStepper({ protocol: PROTOCOL, worldRadius: 5, viewDistance: 1 });
    addManaStore(st.server);
    const a = st.addClient(idle);
    st.step(40);
    const s = st.server.world.ecs.stores;
    const zombie = st.server.spawnEntity('Zombie', 8.5, 65, 8.5);
    s.Velocity.x[zombie] = 2;
    const id = s.NetworkId.id[zombie];
    st.step(4);
    expect(spawnEvents(a)).toEqual([`+${id}`]);
    const r = a.client.remotes.get(id)!;
    expect(r.kind).toBe(3);
    expect(a.client.remoteValues(id, 'Transform')).toMatchObject({ x: 8.5, y: 65, z: 8.5 });
    expect(a.client.remoteValues(id, 'Velocity')).toEqual({ x: 2, y: 0, z: 0 });
    expect(a.client.remoteValues(id, 'Player')).toEqual({ onGround: 0 }); // a component it does not have reads 0
    expect(a.client.remoteValues(id, 'Mana')).toBeUndefined(); // owner-only: never in entity states

    // It walks east (the server's game code moves it); the client follows at 10 Hz and draws it in between.
    const pose = { x: 0, y: 0, z: 0, yaw: 0 };
    for (let i = 0; i < 10; i++) { s.Transform.x[zombie] += 0.1; st.step(1); }
    expect(a.client.sampleRemote(id, pose)).toBe(true);
    expect(pose.x).toBeGreaterThan(8.5); // drawn on its way, 100 ms in the past
    expect(pose.x).toBeLessThan(s.Transform.x[zombie] + 0.04);
    s.Velocity.x[zombie] = 0;
    st.step(4);
    expect(Math.abs((a.client.remoteValues(id, 'Transform')!.x as number) - s.Transform.x[zombie])).toBeLessThan(1 / 32 + 1e-6);

    // Out of view (more than one chunk away), back in view, then removed.
    s.Transform.x[zombie] = 60;
    st.step(2);
    expect(spawnEvents(a)).toEqual([`+${id}`, `-${id}`]);
    expect(a.client.remotes.has(id)).toBe(false);
    s.Transform.x[zombie] = 10;
    st.step(2);
    expect(spawnEvents(a)).toEqual([`+${id}`, `-${id}`, `+${id}`]);
    st.server.despawnEntity(zombie);
    st.step(2);
    expect(spawnEvents(a)).toEqual([`+${id}`, `-${id}`, `+${id}`, `-${id}`]);
    expect(a.client.remotes.size).toBe(0);
    expect(() => st.server.spawnEntity('Ghost', 0, 0, 0)).toThrow(/no entity kind Ghost/);
  });

  it('a second client far away never hears of the zombie; players still see each other with their kind', async () => {
    const st = await createStepper({ protocol: PROTOCOL, worldRadius: 5, viewDistance: 1 });
    addManaStore(st.server);
    const a = st.addClient(idle);
    const b = st.addClient(idle);
    st.step(40);
    const zombie = st.server.spawnEntity(3, 70, 65, 70);
    st.step(10);
    const id = st.server.world.ecs.stores.NetworkId.id[zombie];
    expect(a.client.remotes.has(id)).toBe(false);
    expect(a.client.remotes.get(b.client.selfId)?.kind).toBe(1);
    expect(a.client.remoteValues(b.client.selfId, 'Health')).toEqual({ current: 20 });
  });
});

describe('owner-only components', () => {
  it('reach their owner only; the owner reads its own values (Health too) by component name', async () => {
    const st = await createStepper({ protocol: PROTOCOL });
    const mana = addManaStore(st.server);
    const a = st.addClient(idle);
    const b = st.addClient(idle);
    st.step(40);
    const pa = [...st.server.players.values()].find((p) => p.netId === a.client.selfId)!;
    const pb = [...st.server.players.values()].find((p) => p.netId === b.client.selfId)!;
    addComponent(st.server.world.ecs, pa.eid, mana);
    mana.current[pa.eid] = 42;
    addComponent(st.server.world.ecs, pb.eid, mana);
    mana.current[pb.eid] = 7;
    st.server.world.ecs.stores.Health.current[pa.eid] = 15;
    st.step(4);
    expect(a.client.own('Mana')).toEqual({ current: 42 });
    expect(b.client.own('Mana')).toEqual({ current: 7 });
    expect(a.client.own('Health')).toEqual({ current: 15 });
    expect(a.client.own('Inventory')).toMatchObject({ selected: 0 });
    expect(a.client.own('Transform')).toBeUndefined(); // the body is the predictor's
    // Nobody else gets them: not in b's view of a, and b's own values are its own.
    expect(b.client.remoteValues(a.client.selfId, 'Mana')).toBeUndefined();
    expect(b.client.remoteValues(a.client.selfId, 'Health')).toEqual({ current: 15 });
    // Changes go out at the entity rate, only when something changed.
    const before = pa.metrics.bytes.entity;
    mana.current[pa.eid] = 41;
    st.step(2);
    expect(a.client.own('Mana')).toEqual({ current: 41 });
    expect(b.client.own('Mana')).toEqual({ current: 7 });
    expect(pa.metrics.bytes.entity).toBeGreaterThan(before);
  });
});
