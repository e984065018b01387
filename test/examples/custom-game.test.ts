/**
 * The custom game (examples/custom-game/) on a server and two headless clients over the loopback stepper: the lamp
 * block, owner-only Mana with its regeneration system, a wandering zombie seen by both, the predicted CastLight
 * action (confirmed, refused and rolled back, malformed), a client from another definition refused at handshake, the
 * same state from the same inputs; then its headless sim across processes, and play.ts over a real connection.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BlockActionKind, MsgType, defineMessage, defineProtocol, getBlock, loadHasher, stateHash, storeOf, type MessageRefused, type PlayerInput,
} from '../../engine/index.ts';
import type { GameClient, Pose } from '../../engine/client.ts';
import { CUSTOM_KIT, CUSTOM_PROTOCOL, CastLight, LAMP, Mana, USE_COST, UseItem } from '../../examples/custom-game/protocol.ts';
import { startCustomGame } from '../../examples/custom-game/server.ts';
import { CUSTOM_SYSTEMS, ZOMBIE_SPEED } from '../../examples/custom-game/systems.ts';
import { packr } from '../../engine/protocol/codec.ts';
import { createStepper } from '../support/stepper.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SURFACE = 7; // superflat: grass at y = 6
const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });

async function customGame() {
  const st = await createStepper({ protocol: CUSTOM_PROTOCOL, kit: CUSTOM_KIT, game: { systems: CUSTOM_SYSTEMS }, worldRadius: 3, viewDistance: 2 });
  const log: string[] = [];
  const zombie = startCustomGame(st.server, (l) => log.push(l));
  return { st, zombie, log };
}

/** A client's own predicted Mana (its world's value: the server's OwnState plus its pending actions). */
const manaOf = (c: GameClient) => storeOf(c.world.ecs, Mana).current[c.localEid];
/** The ActionResult events a client got. */
const results = (events: Array<[string, unknown]>) => events.filter(([name]) => name === 'ActionResult').map(([, e]) => e as { ok: boolean; reason: string; name: string });

/** The one remote of kind Zombie a client holds, or undefined. */
const zombieOf = (c: GameClient) => [...c.remotes.values()].find((r) => r.kind === 3);

describe('the custom game example', () => {
  it('places lamps, keeps Mana to its owner, predicts CastLight, and shows the zombie wander and despawn', async () => {
    const { st, zombie } = await customGame();
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

    // Each client reads its own Mana; the other's never reaches it. CastLight spends A's: at once on A, then the server's.
    const before = manaOf(a.client);
    expect(before).toBeGreaterThan(USE_COST);
    expect(a.client.act(CastLight, { slot: 0 })).toEqual({ ok: true });
    expect(manaOf(a.client)).toBe(before - USE_COST);
    st.step(10);
    expect(results(a.events)).toEqual([{ tick: expect.any(Number), action: CastLight.id, name: 'CastLight', ok: true, reason: '' }]);
    expect(a.client.actions.sent).toEqual([]); // confirmed, and in the OwnState since
    expect(manaOf(a.client)).toBe(a.client.own('Mana')!.current);
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

  it('rolls a refused CastLight back with the server\'s reason; refuses malformed actions with a reason, keeping the session', async () => {
    const { st } = await customGame();
    // The server's Mana runs out before the action arrives: A predicts it (its view is older), the server refuses it.
    let bad: PlayerInput['actions'];
    const a = st.addClient(idle);
    const b = st.addClient(() => { const actions = bad; bad = undefined; return { ...idle(), actions }; });
    st.step(60);
    const eidA = [...st.server.players.values()].find((p) => p.netId === a.client.selfId)!.eid;
    storeOf(st.server.world.ecs, Mana).current[eidA] = 0;
    const before = manaOf(a.client);
    expect(a.client.act(CastLight, { slot: 0 })).toEqual({ ok: true });
    expect(manaOf(a.client)).toBe(before - USE_COST);
    st.step(10);
    expect(results(a.events)).toEqual([{ tick: expect.any(Number), action: CastLight.id, name: 'CastLight', ok: false, reason: 'no-mana' }]);
    expect(a.client.actions.sent).toEqual([]);
    expect(manaOf(a.client)).toBe(a.client.own('Mana')!.current);
    expect(manaOf(a.client)).toBeLessThan(USE_COST);
    expect(a.client.act(CastLight, { slot: 1 })).toEqual({ ok: false, reason: 'no-lamp' }); // planks; predicted refused, the server agrees
    expect(() => a.client.act(CastLight, { slot: 300 })).toThrow(/cannot act CastLight.slot: expected u8/);

    // Hand-made actions that break the declaration, or that the definition does not have: refused, session kept.
    bad = [{ id: CastLight.id, data: packr.pack([300]) }, { id: 99, data: new Uint8Array(0) }];
    st.step(10);
    expect(results(b.events).map((r) => [r.ok, r.reason])).toEqual([[false, 'bad-payload: CastLight.slot: expected u8'], [false, 'unknown-action']]);
    expect(b.client.net.state).toBe('active');
    expect(results(a.events).at(-1)).toMatchObject({ ok: false, reason: 'no-lamp' });


    const other = defineProtocol({ ...specOf(), blocks: CUSTOM_PROTOCOL.blocks.map((b) => (b.id === LAMP ? { ...b, color: 0xff0000 } : b)) });
    const c = st.addClient(idle, undefined, 7, undefined, other);
    st.step(20);
    const closed = c.events.find(([name]) => name === 'Disconnected')?.[1] as { reason: string } | undefined;
    expect(closed?.reason).toMatch(/incompatible protocol definition: blocks differ \(client [0-9a-f]{16}, server [0-9a-f]{16}\)/);
    expect(closed?.reason).not.toMatch(/components differ|entities differ|messages differ/);
  });

  it('runs the UseItem handler; refuses a malformed UseItem with a reason and keeps the session', async () => {
    const { st, log } = await customGame();
    const a = st.addClient(idle);
    st.step(30);
    a.client.send(UseItem, { slot: 0 });
    st.step(3);
    expect(log).toEqual(['p1 used slot 0: lamp']);
    // A client that declares the slot wider than the server does sends what an honest one cannot.
    const Loose = defineMessage({ id: 128, name: 'UseItem', from: 'client', channel: 'Chat', fields: [['slot', 'u16']] });
    const raw = st.rawClient('loose', { userMessages: [Loose] });
    st.step(5);
    raw.sendUser(Loose, { slot: 300 });
    st.step(3);
    const refused = raw.received.filter((m): m is MessageRefused => m.type === MsgType.MessageRefused);
    expect(refused).toEqual([{ type: MsgType.MessageRefused, refusedType: 128, reason: 'bad-payload: UseItem.slot: expected u8' }]);
    expect(raw.state).toBe('active');
    expect(log).toHaveLength(1);
  });

  it('gives the same server state for the same inputs, casts included', async () => {
    const run = async () => {
      const { st } = await customGame();
      const cast = (c: GameClient) => { if (c.localEid && c.tick % 7 === 0) c.act(CastLight, { slot: c.tick % 2 }); return idle(); };
      const [a, b] = [st.addClient(cast), st.addClient(cast)];
      st.step(120);
      expect(results(a.events).filter((r) => r.ok).length).toBeGreaterThan(2);
      expect(results(b.events).some((r) => r.reason === 'no-lamp')).toBe(true);
      return stateHash(await loadHasher(), st.server.world);
    };
    expect(await run()).toBe(await run());
  });

  it('its headless sim gives the same state hash in two processes, and another for another seed', () => {
    const run = (seed: number) => execFileSync(process.execPath, ['--conditions=stratum-source', 'examples/custom-game/sim.ts', String(seed), '200'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const [one, again, two] = [run(1), run(1), run(2)];
    expect(one).toMatch(/^[0-9a-f]{16}$/);
    expect(again).toBe(one);
    expect(two).not.toBe(one);
  });

  it('play.ts runs it over WebTransport: a server and a client that uses the lamp, casts and sees the zombie', () => {
    const out = execFileSync(process.execPath, ['--conditions=stratum-source', 'examples/custom-game/play.ts'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(out).toContain('game: alice used slot 0: lamp');
    expect(out).toContain('client: act CastLight -> {"ok":true}');
    expect(out).toMatch(/client: predicted Mana [\d.]+ -> [\d.]+ at once \(cost 10\)/);
    expect(out).toContain('client: ActionResult CastLight ok=true');
    expect(out).toContain('client: zombies in view 1');
  });
});

/** The custom definition's sections as a spec (to change one of them). */
function specOf() {
  const { blocks, components, entities, messages, actions } = CUSTOM_PROTOCOL;
  return { blocks, components: components.map((c) => ({ id: c.id, component: c.component, replicate: c.replicate })), entities, messages, actions };
}

