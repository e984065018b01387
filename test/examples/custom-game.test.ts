/**
 * The custom game (examples/custom-game/) on a server and two headless clients over the loopback stepper: the lamp
 * block, owner-only Mana with its regeneration system, a wandering zombie seen by both, UseItem and its refusal,
 * and a client from another definition refused at handshake; then its headless sim across processes.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BlockActionKind, MsgType, defineMessage, defineProtocol, getBlock, storeOf, type MessageRefused, type PlayerInput,
} from '../../engine/index.ts';
import type { GameClient, Pose } from '../../engine/client.ts';
import { CUSTOM_KIT, CUSTOM_PROTOCOL, LAMP, Mana, UseItem } from '../../examples/custom-game/protocol.ts';
import { USE_COST, startCustomGame } from '../../examples/custom-game/server.ts';
import { CUSTOM_SYSTEMS, ZOMBIE_SPEED } from '../../examples/custom-game/systems.ts';
import { createStepper } from '../support/stepper.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SURFACE = 7; // superflat: grass at y = 6
const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });

async function customGame() {
  const st = await createStepper({ protocol: CUSTOM_PROTOCOL, kit: CUSTOM_KIT, game: { systems: CUSTOM_SYSTEMS }, worldRadius: 3, viewDistance: 2 });
  const log: string[] = [];
  const zombie = startCustomGame(st.server, (l) => log.push(l));
  return { st, log, zombie };
}

/** The one remote of kind Zombie a client holds, or undefined. */
const zombieOf = (c: GameClient) => [...c.remotes.values()].find((r) => r.kind === 3);

describe('the custom game example', () => {
  it('places lamps, keeps Mana to its owner, runs UseItem, and shows the zombie wander and despawn', async () => {
    const { st, log, zombie } = await customGame();
    let placeAt = -1;
    const a = st.addClient((c) => {
      const b = c.predictor?.body;
      if (placeAt < 0 && b && c.tick > 40) placeAt = c.tick;
      if (!b || c.tick !== placeAt) return idle();
      return { ...idle(), block: { kind: BlockActionKind.Place, x: Math.floor(b.x) + 2, y: SURFACE - 1, z: Math.floor(b.z), face: 3 } };
    });
    const b = st.addClient(idle);
    st.step(80);
    // The other client sees the lamp that A placed from its kit.
    const body = a.client.predictor!.body;
    const [lx, lz] = [Math.floor(body.x) + 2, Math.floor(body.z)];
    expect(getBlock(st.server.world.voxels, lx, SURFACE, lz)).toBe(LAMP);
    expect(getBlock(b.client.world.voxels, lx, SURFACE, lz)).toBe(LAMP);

    // Each client reads its own Mana; the other's never reaches it. UseItem spends A's.
    a.client.send(UseItem, { slot: 0 });
    st.step(10);
    expect(log).toContain('p1 used a lamp');
    const server = storeOf(st.server.world.ecs, Mana);
    const eidOf = (c: GameClient) => [...st.server.players.values()].find((p) => p.netId === c.selfId)!.eid;
    for (const c of [a.client, b.client]) {
      const mine = c.own('Mana') as { current: number; max: number };
      expect(mine.max).toBe(100);
      expect(Math.abs(mine.current - server.current[eidOf(c)])).toBeLessThanOrEqual(0.5 + 0.25 * 2); // quantized 1/4, sent every 2nd tick
      expect(c.layout.fields.some((f) => f.component === 'Mana')).toBe(false);
    }
    expect(b.client.remoteValues(a.client.selfId, 'Mana')).toBeUndefined();
    const [ma, mb] = [a.client.own('Mana')!.current as number, b.client.own('Mana')!.current as number];
    expect(mb - ma).toBeGreaterThan(USE_COST - 2);

    // Both see the zombie, drawn moving without a jump beyond its speed.
    for (const c of [a.client, b.client]) expect(zombieOf(c)).toBeDefined();
    const id = zombieOf(b.client)!.id;
    const pose: Pose = { x: 0, y: 0, z: 0, yaw: 0 };
    expect(b.client.sampleRemote(id, pose)).toBe(true);
    const start = { ...pose };
    let last = { ...pose }, maxStep = 0;
    for (let i = 0; i < 60; i++) {
      st.step(1);
      expect(b.client.sampleRemote(id, pose)).toBe(true);
      maxStep = Math.max(maxStep, Math.hypot(pose.x - last.x, pose.z - last.z));
      last = { ...pose };
    }
    expect(Math.hypot(pose.x - start.x, pose.z - start.z)).toBeGreaterThan(1);
    // Its speed per tick, plus what the wire's precision allows: positions travel in 1/16 blocks (the x and z of
    // each snapshot, 2 ticks apart, are each off by up to half of that).
    const quantum = 1 / 16;
    expect(maxStep).toBeLessThanOrEqual(ZOMBIE_SPEED / 20 + (Math.SQRT2 * quantum) / 2);

    // Far out of view, it despawns on both.
    st.server.world.ecs.stores.Transform.x[zombie] = 300;
    st.step(10);
    for (const c of [a.client, b.client]) expect(zombieOf(c)).toBeUndefined();
    expect(a.events.some(([name]) => name === 'EntityDespawned')).toBe(true);
  });

  it('refuses a malformed UseItem with a reason and keeps the session; refuses a client with another lamp at handshake', async () => {
    const { st, log } = await customGame();
    const Loose = defineMessage({ id: 128, name: 'UseItem', from: 'client', channel: 'Chat', fields: [['slot', 'u16']] });
    const raw = st.rawClient('loose', { userMessages: [Loose] });
    st.step(5);
    raw.sendUser(Loose, { slot: 300 });
    st.step(3);
    const refused = raw.received.filter((m): m is MessageRefused => m.type === MsgType.MessageRefused);
    expect(refused).toEqual([{ type: MsgType.MessageRefused, refusedType: 128, reason: 'bad-payload: UseItem.slot: expected u8' }]);
    expect(raw.state).toBe('active');
    expect(log).toEqual([]);

    const other = defineProtocol({ ...specOf(), blocks: CUSTOM_PROTOCOL.blocks.map((b) => (b.id === LAMP ? { ...b, color: 0xff0000 } : b)) });
    const c = st.addClient(idle, undefined, 7, undefined, other);
    st.step(20);
    const closed = c.events.find(([name]) => name === 'Disconnected')?.[1] as { reason: string } | undefined;
    expect(closed?.reason).toMatch(/incompatible protocol definition: blocks differ \(client [0-9a-f]{16}, server [0-9a-f]{16}\)/);
    expect(closed?.reason).not.toMatch(/components differ|entities differ|messages differ/);
  });

  it('its headless sim gives the same state hash in two processes, and another for another seed', () => {
    const run = (seed: number) => execFileSync(process.execPath, ['examples/custom-game/sim.ts', String(seed), '200'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const [one, again, two] = [run(1), run(1), run(2)];
    expect(one).toMatch(/^[0-9a-f]{16}$/);
    expect(again).toBe(one);
    expect(two).not.toBe(one);
  });
});

/** The custom definition's sections as a spec (to change one of them). */
function specOf() {
  const { blocks, components, entities, messages, actions } = CUSTOM_PROTOCOL;
  return { blocks, components: components.map((c) => ({ id: c.id, component: c.component, replicate: c.replicate })), entities, messages, actions };
}

